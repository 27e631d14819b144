//! Starting a site: the files `tebiki init` and `tebiki layouts export`
//! write, and the one careful writer they share.
//!
//! Input: a target folder and what to start from (nothing, a Hugo site, or
//! the embedded default layouts). Output: new files in that folder, each
//! created only if absent (never an overwrite: every target is checked
//! before the first is written, and each is opened with `create_new`), and
//! the list of paths written. [`skeleton`] is the minimal site,
//! [`from_hugo`] the `tebiki.toml` of an existing Hugo site.

pub mod from_hugo;
pub mod skeleton;

use std::io::Write;
use std::path::{Path, PathBuf};

/// A file to create: its path relative to the target folder and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    /// Path relative to the target folder (`/`-separated).
    pub path: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// Why files could not be written.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// Some targets exist already: nothing was written.
    #[error("{} already exist{}: {}", plural_files(.0.len()), if .0.len() == 1 { "s" } else { "" }, list(.0))]
    Exists(Vec<PathBuf>),
    /// A file or folder could not be created.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The Hugo site cannot be read (see [`from_hugo`]).
    #[error("{0}")]
    Hugo(String),
}

fn plural_files(n: usize) -> &'static str {
    if n == 1 { "a file" } else { "files" }
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes `files` under `dir` (created if missing) and returns their paths.
/// Nothing is written when any target exists already.
pub fn write_new(dir: &Path, files: &[NewFile]) -> Result<Vec<PathBuf>, InitError> {
    let targets: Vec<PathBuf> = files.iter().map(|f| dir.join(&f.path)).collect();
    let existing: Vec<PathBuf> = targets
        .iter()
        .filter(|p| p.symlink_metadata().is_ok())
        .cloned()
        .collect();
    if !existing.is_empty() {
        return Err(InitError::Exists(existing));
    }
    let mut written = Vec::with_capacity(files.len());
    for (file, path) in files.iter().zip(targets) {
        let io = |source| InitError::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io)?;
        out.write_all(&file.bytes).map_err(io)?;
        written.push(path);
    }
    Ok(written)
}

/// The embedded default layout files (`pdf.toml`, `epub.toml`,
/// `epub.css`; no dotfiles), to start a customisation from.
pub fn default_layouts() -> Vec<NewFile> {
    crate::assets::Assets::default_layout_names()
        .into_iter()
        .filter(|name| !name.starts_with('.'))
        .filter_map(|name| {
            let bytes = crate::assets::Assets::default_layout(&name)?.into_owned();
            Some(NewFile { path: name, bytes })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_overwrite_and_writes_nothing_then() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("b.txt"), "mine")?;
        let files = [
            NewFile {
                path: "a/a.txt".into(),
                bytes: b"a".to_vec(),
            },
            NewFile {
                path: "b.txt".into(),
                bytes: b"b".to_vec(),
            },
        ];
        let err = write_new(dir.path(), &files).expect_err("b.txt exists");
        assert!(
            err.to_string().starts_with("a file already exists: "),
            "{err}"
        );
        assert!(!dir.path().join("a").exists());
        assert_eq!(std::fs::read_to_string(dir.path().join("b.txt"))?, "mine");
        let written = write_new(dir.path(), &files[..1]).expect("new");
        assert_eq!(written, vec![dir.path().join("a/a.txt")]);
        Ok(())
    }

    #[test]
    fn default_layouts_are_the_three_files() {
        let names: Vec<String> = default_layouts().into_iter().map(|f| f.path).collect();
        assert_eq!(names, vec!["epub.css", "epub.toml", "pdf.toml"]);
    }
}
