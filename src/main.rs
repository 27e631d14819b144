//! The `tebiki` command.
//!
//! Input: the command line. Output: whatever `cli::main` does, with
//! mimalloc as the process's allocator: layout and PDF writing allocate
//! millions of small vectors, and glibc's allocator spent a fifth of the
//! build's CPU on them, more as the heap grew (see docs/benchmarks.md,
//! "Round 4"). Memory mimalloc frees is given back to the system after
//! [`PURGE_DELAY_MS`] instead of its default second (docs/benchmarks.md,
//! "Round 5: memory"), and a shrinking reallocation really shrinks
//! ([`Shrinking`]).

#[global_allocator]
static ALLOCATOR: Shrinking = Shrinking;

/// mimalloc, except that a reallocation to a smaller size really moves the
/// value into a smaller block. mimalloc's own `realloc` keeps the block
/// when the new size is at least half of it, so `shrink_to_fit` and
/// `into_boxed_slice` (which tebiki calls on what lives long: the books,
/// the finished pieces of a flow, the glyphs and texts of the paragraph
/// cache) left up to half of every such block unused: a 1000-page book,
/// shrunk, held 21 MiB with mimalloc's `realloc` and 19 MiB (what a copy
/// of it holds) with this one (docs/benchmarks.md, "Round 8").
struct Shrinking;

// SAFETY: every method hands the request to mimalloc (`MiMalloc`, a
// correct `GlobalAlloc`) unchanged, except a shrinking `realloc`, which
// allocates a new block of `new_size` with the same alignment from
// mimalloc, copies the first `new_size` bytes (all the caller may read
// after a shrink) and frees the old block, as `GlobalAlloc::realloc`'s
// default does; on allocation failure it leaves the old block and
// returns null, as `realloc` must.
unsafe impl std::alloc::GlobalAlloc for Shrinking {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `alloc`'s.
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `alloc_zeroed`'s.
        unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: the caller's contract is `dealloc`'s.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        // A growing vector reallocates often: only a shrink asks about
        // size classes.
        let shrinks = new_size != 0 && new_size < layout.size() && {
            // SAFETY: `ptr` was allocated by this allocator (so by
            // mimalloc); `mi_good_size` only computes a size.
            unsafe {
                libmimalloc_sys::mi_good_size(new_size)
                    < libmimalloc_sys::mi_usable_size(ptr.cast())
            }
        };
        if !shrinks {
            // SAFETY: the caller's contract is `realloc`'s.
            return unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) };
        }
        let Ok(new_layout) = std::alloc::Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        // SAFETY: `new_layout` has a non-zero size.
        let new = unsafe { mimalloc::MiMalloc.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks hold at least `new_size` bytes and are
            // distinct; the old one is freed after the copy.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, new_size);
                mimalloc::MiMalloc.dealloc(ptr, layout);
            }
        }
        new
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout};

    /// Allocates `size` bytes filled with 0, 1, 2…, shrinks them to `to`
    /// and returns the usable size of the block before and after.
    fn shrink(size: usize, to: usize) -> (usize, usize) {
        let layout = Layout::from_size_align(size, 8).unwrap_or(Layout::new::<u8>());
        // SAFETY: a non-zero layout; the block is written within its size,
        // shrunk to a smaller non-zero size, read within it, then freed with
        // the layout of its new size.
        unsafe {
            let p = Shrinking.alloc(layout);
            assert!(!p.is_null());
            for i in 0..size {
                p.add(i).write(i as u8);
            }
            let before = libmimalloc_sys::mi_usable_size(p.cast());
            let q = Shrinking.realloc(p, layout, to);
            assert!(!q.is_null());
            for i in 0..to {
                assert_eq!(q.add(i).read(), i as u8);
            }
            let after = libmimalloc_sys::mi_usable_size(q.cast());
            Shrinking.dealloc(q, Layout::from_size_align(to, 8).unwrap_or(layout));
            (before, after)
        }
    }

    #[test]
    fn a_shrinking_realloc_moves_into_a_smaller_block_and_keeps_the_bytes() {
        // 512 → 384 is more than half: mimalloc alone keeps the 512-byte block.
        let (before, after) = shrink(512, 384);
        assert!(before >= 512 && after < before, "{before} → {after}");
        let (before, after) = shrink(4096, 100);
        assert!(after < before / 8, "{before} → {after}");
        // Within the same size class nothing moves.
        let (before, after) = shrink(512, 510);
        assert_eq!(before, after);
    }
}
