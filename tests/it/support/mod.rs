//! Support shared by every module of the integration binary.
//!
//! Input: the repository (the sample site at its root, the golden files
//! under `tests/`) and the environment; output: ready-made commands and
//! checks ([`tools`]), hand-built model books ([`model`]), the front half of
//! the pipeline on a fixture site ([`front`]), golden-file comparison
//! ([`golden`]) and long-running programs with bounded waits ([`running`]).

pub(crate) mod front;
pub(crate) mod golden;
pub(crate) mod model;
pub(crate) mod running;
pub(crate) mod tools;

use std::path::{Path, PathBuf};

/// The repository root, which is also the sample site (`tebiki.toml`,
/// `content/`, `static/`).
pub(crate) fn sample_site() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh folder under cargo's temporary folder for integration tests,
/// emptied if a previous run left it behind.
pub(crate) fn scratch_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("clear {}: {e}", dir.display()));
    }
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

/// `text` with every whitespace character removed: extracted text compared
/// regardless of line breaks and of the spacing a layout adds around Latin
/// words.
pub(crate) fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}
