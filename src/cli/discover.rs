//! Finding the site like cargo and git find their project: from a folder
//! inside a site, walk up to the nearest folder with a `tebiki.toml`.
//!
//! Input: the folder the command starts from (the current folder, or the
//! `SITE`/`--site` argument). Output: the site folder, as a path usable from
//! the current folder (`.`, `..`, `../..`, or the given path with `..`
//! components appended), or the start folder itself when no folder above it
//! has a `tebiki.toml` or when it is no folder (loading then reports the
//! missing file there).

use std::path::{Path, PathBuf};

/// The name of the file that marks a site folder.
const MARKER: &str = "tebiki.toml";

/// How many folders up the walk goes at most (a guard against symlink loops
/// and absurd depths; real sites are a few levels deep).
const MAX_UP: usize = 64;

/// The nearest folder at or above `start` that holds a `tebiki.toml`, as
/// `start` followed by as many `..` as needed; `start` itself when none
/// does, or when `start` is no folder (a mistyped `SITE` must not find the
/// site around the current folder).
pub fn find_site(start: &Path) -> PathBuf {
    if !start.is_dir() {
        return start.to_path_buf();
    }
    let Ok(absolute) = std::path::absolute(start) else {
        return start.to_path_buf();
    };
    let mut candidate = absolute.as_path();
    for ups in 0..MAX_UP {
        if candidate.join(MARKER).is_file() {
            return relative_up(start, ups);
        }
        match candidate.parent() {
            Some(parent) => candidate = parent,
            None => break,
        }
    }
    start.to_path_buf()
}

/// `start` followed by `ups` `..` components, written as simply as possible
/// (`.` + 2 → `../..`).
fn relative_up(start: &Path, ups: usize) -> PathBuf {
    if ups == 0 {
        return start.to_path_buf();
    }
    let mut path = if start == Path::new(".") || start.as_os_str().is_empty() {
        PathBuf::new()
    } else {
        start.to_path_buf()
    };
    for _ in 0..ups {
        path.push("..");
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_up_to_the_nearest_site() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let site = dir.path().join("site");
        let deep = site.join("content/admin/users");
        std::fs::create_dir_all(&deep)?;
        std::fs::write(site.join(MARKER), "[book]\n")?;
        let found = find_site(&deep);
        assert_eq!(found, deep.join("../../.."));
        assert_eq!(found.canonicalize()?, site.canonicalize()?);
        assert_eq!(find_site(&site), site);
        // A nested site wins over the outer one.
        let inner = site.join("content/admin");
        std::fs::write(inner.join(MARKER), "[book]\n")?;
        assert_eq!(find_site(&deep).canonicalize()?, inner.canonicalize()?);
        // A folder that does not exist is kept, not walked up from.
        let typo = site.join("contnet");
        assert_eq!(find_site(&typo), typo);
        Ok(())
    }

    #[test]
    fn no_site_above_keeps_the_start() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        if !dir.path().ancestors().any(|d| d.join(MARKER).is_file()) {
            assert_eq!(find_site(dir.path()), dir.path());
        }
        assert_eq!(relative_up(Path::new("."), 2), PathBuf::from("../.."));
        assert_eq!(relative_up(Path::new("a"), 1), PathBuf::from("a/.."));
        assert_eq!(relative_up(Path::new("a"), 0), PathBuf::from("a"));
        Ok(())
    }
}
