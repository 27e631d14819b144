//! Atomic output writes, and no leftovers.
//!
//! Input: an output path and its bytes, or a function writing them.
//! Output: the file in place, written
//! through a temporary file (`.tebiki-XXXXXX`) in the same folder and renamed
//! over the target, so readers never see a partial file and a failure leaves
//! the old file. Every live temporary is registered, so an interrupt
//! (SIGINT, SIGTERM: [`install_interrupt_cleanup`]) removes it before the
//! process exits with 130 or 143, and [`remove_stale`] removes temporaries
//! an earlier, killed build (`kill -9`) left behind.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// Prefix of every temporary output file.
const TEMP_PREFIX: &str = ".tebiki-";

/// Temporaries being written right now (removed by the interrupt handler).
static LIVE: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

fn live() -> std::sync::MutexGuard<'static, BTreeSet<PathBuf>> {
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Installs a handler for SIGINT and SIGTERM that removes every live
/// temporary and exits with 128 + the signal (130, 143). Without it a
/// signal would kill the process before temporaries' destructors run.
#[cfg(unix)]
pub fn install_interrupt_cleanup() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("tebiki-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Keep the lock until exit: no new temporary appears meanwhile.
                let live = live();
                for path in live.iter() {
                    let _ = std::fs::remove_file(path);
                }
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// No signals to handle on this platform.
#[cfg(not(unix))]
pub fn install_interrupt_cleanup() -> std::io::Result<()> {
    Ok(())
}

/// Removes the `.tebiki-*` regular files in `dir` last modified before
/// `started` (left by a killed build; a concurrent build's newer ones stay).
/// Returns how many were removed.
pub(super) fn remove_stale(dir: &Path, started: SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let is_temp = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(TEMP_PREFIX));
        // `symlink_metadata`: a symlink named like a temporary is not ours.
        let old = std::fs::symlink_metadata(entry.path())
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .is_some_and(|modified| modified < started);
        if is_temp && old && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Writes `bytes` to `path` atomically, creating the folder if needed.
#[cfg(test)]
pub(super) fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    atomic_write_with(path, |out| {
        out.write_all(bytes).map(|()| bytes.len() as u64)
    })
    .map(|_| ())
}

/// The temporary file an output is written into, through a buffer (so a
/// file written in small pieces costs few system calls).
pub(super) type OutputFile<'a> = std::io::BufWriter<&'a mut std::fs::File>;

/// Writes what `write` writes to `path` atomically, creating the folder if
/// needed; what `write` returns (the bytes written).
pub(super) fn atomic_write_with(
    path: &Path,
    write: impl FnOnce(&mut OutputFile<'_>) -> std::io::Result<u64>,
) -> std::io::Result<u64> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut temp = {
        let mut live = live();
        let temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)?;
        live.insert(temp.path().to_path_buf());
        temp
    };
    let temp_path = temp.path().to_path_buf();
    let result = (|| {
        let written = {
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, temp.as_file_mut());
            let written = write(&mut buffered)?;
            buffered.flush()?;
            written
        };
        temp.as_file().sync_all()?;
        set_readable(temp.as_file(), path)?;
        temp.persist(path).map_err(|e| e.error)?;
        Ok(written)
    })();
    live().remove(&temp_path);
    result
}

/// Temporary files are private (0600); give the output the old file's
/// permissions, or the usual 0644.
#[cfg(unix)]
fn set_readable(file: &std::fs::File, target: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let perms = std::fs::metadata(target)
        .map(|m| m.permissions())
        .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
    file.set_permissions(perms)
}

#[cfg(not(unix))]
fn set_readable(_file: &std::fs::File, _target: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temporary_file() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("out/a.pdf");
        atomic_write(&path, b"one")?;
        atomic_write(&path, b"two")?;
        assert_eq!(std::fs::read(&path)?, b"two");
        let entries = std::fs::read_dir(dir.path().join("out"))?.count();
        assert_eq!(entries, 1);
        // Other tests may be writing outputs meanwhile: only ours must be gone.
        assert!(!live().iter().any(|p| p.starts_with(dir.path())));
        Ok(())
    }

    #[test]
    fn stale_temporaries_are_removed_and_newer_ones_kept() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join(".tebiki-old"), b"x")?;
        std::fs::write(dir.path().join("manual-JP.pdf"), b"x")?;
        let started = SystemTime::now() + std::time::Duration::from_secs(5);
        assert_eq!(remove_stale(dir.path(), started), 1);
        std::fs::write(dir.path().join(".tebiki-new"), b"x")?;
        assert_eq!(remove_stale(dir.path(), SystemTime::UNIX_EPOCH), 0);
        let mut names: Vec<String> = std::fs::read_dir(dir.path())?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, vec![".tebiki-new", "manual-JP.pdf"]);
        Ok(())
    }
}
