//! Resources the renderers need besides the document: fonts, layout files
//! and images.
//!
//! Input: the files embedded in the binary (`fonts/`, `layouts/` of this
//! repository, via rust-embed) and a site's own `fonts/` and `layouts/`
//! folders, which override embedded files of the same name. Output:
//! [`Assets`], shared read-only by every region and format of a build.

pub(crate) mod images;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use rust_embed::RustEmbed;

pub use images::ImageStore;

/// Fonts shipped with tebiki (`fonts/` at the repository root).
#[derive(RustEmbed)]
#[folder = "fonts/"]
#[include = "*.ttf"]
#[include = "*.otf"]
#[include = "*.ttc"]
struct EmbeddedFonts;

/// Default layout files shipped with tebiki (`layouts/`).
#[derive(RustEmbed)]
#[folder = "layouts/"]
struct EmbeddedLayouts;

/// Fonts, layout files and images for one build.
#[derive(Debug)]
pub struct Assets {
    site_fonts: Option<PathBuf>,
    site_layouts: Option<PathBuf>,
    /// Decoded-once image cache shared by all regions and formats.
    pub images: ImageStore,
}

/// Errors reading an asset file.
#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    /// The file exists in the site but cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl Assets {
    /// Assets for a site rooted at `site_root`: its `fonts/` and `layouts/`
    /// (when they exist) override the embedded defaults file by file.
    pub fn for_site(site_root: &Path, images: ImageStore) -> Assets {
        let existing = |name: &str| {
            let dir = site_root.join(name);
            dir.is_dir().then_some(dir)
        };
        Assets {
            site_fonts: existing("fonts"),
            site_layouts: existing("layouts"),
            images,
        }
    }

    /// Only the embedded defaults (for tests and tools).
    pub fn embedded(images: ImageStore) -> Assets {
        Assets {
            site_fonts: None,
            site_layouts: None,
            images,
        }
    }

    /// A font file by name (e.g. `BIZUDPGothic-Regular.ttf`): the site's
    /// `fonts/` first, then the embedded one. `Ok(None)` when neither has it.
    pub fn font(&self, name: &str) -> Result<Option<Cow<'static, [u8]>>, AssetError> {
        read_override(self.site_fonts.as_deref(), name)
            .map(|found| found.or_else(|| EmbeddedFonts::get(name).map(|f| f.data)))
    }

    /// A layout file by name (e.g. `pdf.toml`, `epub.css`): the site's
    /// `layouts/` first, then the embedded default.
    pub fn layout(&self, name: &str) -> Result<Option<Cow<'static, [u8]>>, AssetError> {
        read_override(self.site_layouts.as_deref(), name)
            .map(|found| found.or_else(|| EmbeddedLayouts::get(name).map(|f| f.data)))
    }

    /// The embedded default of a layout file, ignoring site overrides.
    pub fn default_layout(name: &str) -> Option<Cow<'static, [u8]>> {
        EmbeddedLayouts::get(name).map(|f| f.data)
    }
}

/// Reads `dir/name` if `dir` is set and the file exists.
fn read_override(dir: Option<&Path>, name: &str) -> Result<Option<Cow<'static, [u8]>>, AssetError> {
    let Some(dir) = dir else { return Ok(None) };
    let path = dir.join(name);
    if !path.is_file() {
        return Ok(None);
    }
    std::fs::read(&path)
        .map(|bytes| Some(Cow::Owned(bytes)))
        .map_err(|source| AssetError::Read { path, source })
}
