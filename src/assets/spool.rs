//! A build's encoded image data kept on disk instead of in memory.
//!
//! Input: bytes an output needs later, more than once (an image's deflated
//! samples for the PDF, made once per build and embedded by every region's
//! PDF). Output: a [`Spooled`] range of an anonymous temporary file, copied
//! into an output with [`Spool::copy_to`] while the output is written. So
//! the memory a build needs does not grow with the bytes of its images: a
//! handbook with a screenshot per step keeps its screenshots' samples in the
//! page cache, which the system can drop, not in the process's heap.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::{Mutex, OnceLock};

/// Bytes put into a [`Spool`]: where they are in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Spooled {
    offset: u64,
    len: u64,
}

impl Spooled {
    /// The number of bytes.
    pub(crate) fn len(self) -> u64 {
        self.len
    }
}

/// An append-only temporary file (created on first use, removed by the
/// system when the last handle closes, even after a crash).
#[derive(Debug, Default)]
pub(crate) struct Spool {
    file: OnceLock<Mutex<SpoolFile>>,
}

#[derive(Debug)]
struct SpoolFile {
    file: File,
    len: u64,
}

impl Spool {
    fn file(&self) -> std::io::Result<&Mutex<SpoolFile>> {
        if let Some(file) = self.file.get() {
            return Ok(file);
        }
        let file = tempfile::tempfile()?;
        Ok(self
            .file
            .get_or_init(|| Mutex::new(SpoolFile { file, len: 0 })))
    }

    /// Appends `bytes`; where they are.
    pub(crate) fn put(&self, bytes: &[u8]) -> std::io::Result<Spooled> {
        let mut spool = lock(self.file()?);
        let offset = spool.len;
        spool.file.seek(SeekFrom::Start(offset))?;
        spool.file.write_all(bytes)?;
        spool.len += bytes.len() as u64;
        Ok(Spooled {
            offset,
            len: bytes.len() as u64,
        })
    }

    /// Copies the bytes at `at` into `out`, a block at a time.
    pub(crate) fn copy_to(&self, at: Spooled, out: &mut dyn Write) -> std::io::Result<()> {
        let mut block = vec![0; BLOCK.min(usize::try_from(at.len).unwrap_or(BLOCK))];
        let mut done = 0;
        while done < at.len {
            let n = usize::try_from((at.len - done).min(block.len() as u64)).unwrap_or(BLOCK);
            let buf = block.get_mut(..n).unwrap_or_default();
            {
                let mut spool = lock(self.file()?);
                spool.file.seek(SeekFrom::Start(at.offset + done))?;
                spool.file.read_exact(buf)?;
            }
            out.write_all(buf)?;
            done += n as u64;
        }
        Ok(())
    }
}

/// Bytes copied per lock of the file.
const BLOCK: usize = 256 * 1024;

fn lock(file: &Mutex<SpoolFile>) -> std::sync::MutexGuard<'_, SpoolFile> {
    file.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_come_back_as_they_were_put_whatever_their_size() -> std::io::Result<()> {
        let spool = Spool::default();
        let big: Vec<u8> = (0..BLOCK * 2 + 17).map(|i| (i % 251) as u8).collect();
        let a = spool.put(b"first")?;
        let b = spool.put(&big)?;
        let empty = spool.put(b"")?;
        let mut out = Vec::new();
        spool.copy_to(b, &mut out)?;
        spool.copy_to(a, &mut out)?;
        spool.copy_to(empty, &mut out)?;
        assert_eq!(out.len(), big.len() + 5);
        assert_eq!(out.get(..big.len()), Some(&big[..]));
        assert_eq!(out.get(big.len()..), Some(&b"first"[..]));
        assert_eq!((a.len(), empty.len()), (5, 0));
        Ok(())
    }
}
