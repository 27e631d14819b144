//! The allocator's settings for a build (glibc only).
//!
//! Input: none (called once per process, before the first region is built).
//! Output: glibc's malloc told to serve every block of 256 KiB or more by
//! its own `mmap`, returned to the system when freed. By default glibc
//! raises that threshold as large blocks are freed (up to 32 MiB), so the
//! megabyte-sized buffers of a build (content streams, the zip of an EPUB,
//! the finished PDF, image pixels) end up inside the per-thread heaps, where
//! the freed space stays resident and fragments: on the 300-page benchmark
//! that is about 60 MiB of peak RSS (docs/benchmarks.md, "Round 4: memory").
//! Elsewhere (musl, macOS, Windows) nothing is changed.

/// Blocks at least this large get their own mapping (glibc's initial
/// default is 128 KiB, but it then moves with every free).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 256 * 1024;

/// Sets the allocator up for a build; later calls do nothing.
pub(super) fn tune_allocator() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: `mallopt` only sets a malloc parameter; glibc takes its
        // own lock, so calling it while other threads allocate is allowed.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        }
    });
}
