//! Confinement: the one place that decides whether a file a site names may
//! be read, and the one reader that reads it.
//!
//! Input: the site root and a path the site names (a content file, an image,
//! a layout or font file, `hugo_config`, `content_dir`, `static_dir`).
//! Output: the canonical path when it stays inside the site root
//! ([`confine`]), and the file's bytes when it is a regular file within the
//! size cap of its [`FileKind`] ([`read`]). A path that leaves the site (by
//! `..`, an absolute path or a symlink) is a [`ConfineError`] and is never
//! opened; a FIFO, device or folder is refused before any byte is read; at
//! most cap + 1 bytes are ever read, so a file growing while read cannot
//! exhaust memory.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// What a file is for; each kind has its own size cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `tebiki.toml`, a Hugo config, a layout file (`*.toml`, `*.css`): 1 MiB.
    Config,
    /// A content page (Markdown): 4 MiB.
    Page,
    /// An image of the static folder: 64 MiB.
    Image,
    /// A font file: 64 MiB.
    Font,
}

impl FileKind {
    /// The largest file of this kind tebiki reads, in bytes.
    pub fn cap(self) -> u64 {
        const MIB: u64 = 1024 * 1024;
        match self {
            FileKind::Config => MIB,
            FileKind::Page => 4 * MIB,
            FileKind::Image | FileKind::Font => 64 * MIB,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            FileKind::Config => "configuration file",
            FileKind::Page => "page",
            FileKind::Image => "image",
            FileKind::Font => "font",
        }
    }
}

/// Why a file named by the site is not read. The messages never quote the
/// target of a symlink or anything read from outside the site.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfineError {
    /// The path (or a symlink on it) leads outside the site folder.
    #[error("it is outside the site folder, so it is not read")]
    Outside,
    /// Nothing exists there.
    #[error("it does not exist")]
    Missing,
    /// A folder, FIFO, socket or device.
    #[error("it is not a regular file")]
    NotFile,
    /// Over the size cap of its kind.
    #[error("it is larger than {cap_mib} MiB, the limit for a {noun}")]
    TooLarge {
        /// The cap in MiB.
        cap_mib: u64,
        /// What kind of file it is.
        noun: &'static str,
    },
    /// Any other I/O error (permissions…), lowercased.
    #[error("{0}")]
    Io(String),
}

/// The site root as [`confine`] needs it: canonical (symlinks resolved).
/// Falls back to the path as given when it cannot be canonicalised (then
/// every later [`confine`] fails as missing or outside).
pub(crate) fn canonical_root(root: &Path) -> PathBuf {
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

/// Resolves `path` (absolute, or relative to the current folder, as the
/// site folder given on the command line joined with a name is) to its
/// canonical form, which must lie inside `root` (canonical, see
/// [`canonical_root`]). Symlinks are followed only when the final target
/// stays inside.
pub(crate) fn confine(root: &Path, path: &Path) -> Result<PathBuf, ConfineError> {
    let joined = std::path::absolute(path).map_err(|e| io_error(&e))?;
    match joined.canonicalize() {
        Ok(canonical) if canonical.starts_with(root) => Ok(canonical),
        Ok(_) => Err(ConfineError::Outside),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Nothing there (or a dangling symlink): say "outside" when the
            // name itself leaves the site, so `../x` is never "missing".
            if lexically_inside(root, &joined) {
                Err(ConfineError::Missing)
            } else {
                Err(ConfineError::Outside)
            }
        }
        Err(e) => Err(io_error(&e)),
    }
}

/// Whether `path` stays inside `root` once `.` and `..` are applied as text.
fn lexically_inside(root: &Path, path: &Path) -> bool {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return false;
                }
            }
            other => parts.push(other),
        }
    }
    parts.iter().collect::<PathBuf>().starts_with(root)
}

/// [`confine`]s `path` and reads it as a file of `kind`: the canonical path
/// and the bytes.
pub(crate) fn read_confined(
    root: &Path,
    path: &Path,
    kind: FileKind,
) -> Result<(PathBuf, Vec<u8>), ConfineError> {
    let canonical = confine(root, path)?;
    let bytes = read(&canonical, kind)?;
    Ok((canonical, bytes))
}

/// Reads a regular file of at most `kind`'s cap. The file type is checked
/// on the opened handle (opened without blocking, so a FIFO cannot hang
/// the open) before any byte is read, and at most cap + 1 bytes are read.
pub(crate) fn read(path: &Path, kind: FileKind) -> Result<Vec<u8>, ConfineError> {
    read_capped(path, kind, kind.cap())
}

/// [`read`] with an explicit cap (the image store's configurable limit).
pub(crate) fn read_capped(path: &Path, kind: FileKind, cap: u64) -> Result<Vec<u8>, ConfineError> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata().map_err(|e| io_error(&e))?;
    if !meta.is_file() {
        return Err(ConfineError::NotFile);
    }
    let too_large = ConfineError::TooLarge {
        cap_mib: cap.div_ceil(1024 * 1024),
        noun: kind.noun(),
    };
    if meta.len() > cap {
        return Err(too_large);
    }
    // The file's size as the buffer's: read in one go, without the
    // doublings (a 4.6 MB font was copied through 1, 2, 4 and 8 MiB
    // buffers); a file that grows meanwhile still grows the buffer.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(&e))?;
    if bytes.len() as u64 > cap {
        return Err(too_large);
    }
    Ok(bytes)
}

/// The diagnostic for a file that cannot be read: `cannot read WHAT: REASON`
/// at `location`, with a hint when the file lies outside the site.
pub(crate) fn diagnostic(
    location: crate::diag::Location,
    what: &str,
    error: &ConfineError,
) -> crate::diag::Diagnostic {
    let diag = crate::diag::Diagnostic::new(
        crate::diag::Severity::Error,
        location,
        format!("cannot read {what}: {error}"),
    )
    .with_code(crate::diag::Code::UnreadableFile);
    match error {
        ConfineError::Outside => diag.with_hint(
            "tebiki reads only files inside the site folder; copy the file into the site",
        ),
        _ => diag,
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> Result<std::fs::File, ConfineError> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| open_error(&e))
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> Result<std::fs::File, ConfineError> {
    let meta = std::fs::metadata(path).map_err(|e| open_error(&e))?;
    if !meta.is_file() {
        return Err(ConfineError::NotFile);
    }
    std::fs::File::open(path).map_err(|e| open_error(&e))
}

fn open_error(e: &std::io::Error) -> ConfineError {
    match e.kind() {
        std::io::ErrorKind::NotFound => ConfineError::Missing,
        std::io::ErrorKind::IsADirectory => ConfineError::NotFile,
        _ => io_error(e),
    }
}

fn io_error(e: &std::io::Error) -> ConfineError {
    ConfineError::Io(crate::diag::library::io(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = canonical_root(dir.path());
        std::fs::create_dir_all(root.join("site/content")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("site/content/a.md"), "a").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("secret.md"), "secret").unwrap_or_else(|e| panic!("{e}"));
        (dir, root)
    }

    #[test]
    fn inside_paths_resolve_and_outside_ones_do_not() {
        let (_dir, root) = site();
        let site = root.join("site");
        assert_eq!(
            confine(&site, &site.join("content/a.md")),
            Ok(site.join("content/a.md"))
        );
        assert_eq!(
            confine(&site, &site.join("content/../content/a.md")),
            Ok(site.join("content/a.md"))
        );
        assert_eq!(
            confine(&site, &site.join("../secret.md")),
            Err(ConfineError::Outside)
        );
        assert_eq!(
            confine(&site, Path::new("/etc/passwd")),
            Err(ConfineError::Outside)
        );
        assert_eq!(
            confine(&site, &site.join("../nothing.md")),
            Err(ConfineError::Outside)
        );
        assert_eq!(
            confine(&site, &site.join("content/none.md")),
            Err(ConfineError::Missing)
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_only_inside() {
        let (_dir, root) = site();
        let site = root.join("site");
        let link = |target: &Path, name: &str| {
            std::os::unix::fs::symlink(target, site.join(name)).unwrap_or_else(|e| panic!("{e}"));
        };
        link(&root.join("secret.md"), "content/out.md");
        link(&site.join("content/a.md"), "content/in.md");
        link(Path::new("/proc/self/environ"), "content/env.md");
        assert_eq!(
            confine(&site, &site.join("content/out.md")),
            Err(ConfineError::Outside)
        );
        assert_eq!(
            confine(&site, &site.join("content/env.md")),
            Err(ConfineError::Outside)
        );
        assert_eq!(
            confine(&site, &site.join("content/in.md")),
            Ok(site.join("content/a.md"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_within_the_cap_are_read() {
        let (_dir, root) = site();
        assert_eq!(
            read(Path::new("/dev/zero"), FileKind::Config),
            Err(ConfineError::NotFile)
        );
        assert_eq!(read(&root, FileKind::Config), Err(ConfineError::NotFile));
        let fifo = root.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert_eq!(read(&fifo, FileKind::Config), Err(ConfineError::NotFile));
        }
        let big = root.join("big.toml");
        std::fs::write(&big, vec![b'#'; 2 * 1024 * 1024]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            read(&big, FileKind::Config),
            Err(ConfineError::TooLarge {
                cap_mib: 1,
                noun: "configuration file"
            })
        );
        assert_eq!(
            read(&big, FileKind::Page).map(|b| b.len()),
            Ok(2 * 1024 * 1024)
        );
    }
}
