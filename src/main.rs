//! The `tebiki` command.
//!
//! Input: the command line. Output: whatever `cli::main` does, with
//! mimalloc as the process's allocator: layout and PDF writing allocate
//! millions of small vectors, and glibc's allocator spent a fifth of the
//! build's CPU on them, more as the heap grew (see docs/benchmarks.md,
//! "Round 4").

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tebiki::cli::main()
}
