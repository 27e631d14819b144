//! Atomic output writes.
//!
//! Input: an output path and its bytes. Output: the file in place, written
//! through a temporary file in the same folder and renamed over the target,
//! so readers never see a partial file and a failure leaves the old file.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically, creating the folder if needed.
pub(super) fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".tebiki-")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    set_readable(temp.as_file(), path)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
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
        Ok(())
    }
}
