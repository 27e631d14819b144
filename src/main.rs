//! The `tebiki` command.
//!
//! Input: the command line. Output: whatever `cli::main` does, with
//! mimalloc as the process's allocator: layout and PDF writing allocate
//! millions of small vectors, and glibc's allocator spent a fifth of the
//! build's CPU on them, more as the heap grew (see docs/benchmarks.md,
//! "Round 4"). Memory mimalloc frees is given back to the system after
//! [`PURGE_DELAY_MS`] instead of its default second (docs/benchmarks.md,
//! "Round 5: memory").

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long mimalloc keeps freed memory before returning it to the system.
/// Its default (1000 ms in mimalloc 3) keeps a finished PDF's memory
/// resident while the next output is built: the 300-page build peaked
/// 50–60 MiB higher (with the other round-5 changes, about 100 MiB). 0
/// (return at once) saves a little more but costs about a tenth more CPU
/// in page faults; 100 ms costs about 0.1 s of system time on the 300-page
/// bench (docs/benchmarks.md, "Round 5: main after all merges").
/// `MIMALLOC_PURGE_DELAY` in the environment still wins.
const PURGE_DELAY_MS: std::os::raw::c_long = 100;

/// `mi_option_purge_delay` in mimalloc's `mi_option_t` (index 15 in both
/// mimalloc 2 and 3, `include/mimalloc.h`); libmimalloc-sys leaves this
/// option without a constant.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // SAFETY: `mi_option_set_default` only writes the option's value (when
    // the environment did not set it); it is not thread-safe, and no other
    // thread exists yet at the start of `main`.
    unsafe {
        libmimalloc_sys::mi_option_set_default(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS);
    }
    tebiki::cli::main()
}
