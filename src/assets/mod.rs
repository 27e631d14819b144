//! Resources the renderers need besides the document: fonts, layout files
//! and images.
//!
//! Input: the files embedded in the binary (`fonts/`, `layouts/` of this
//! repository, via rust-embed) and a site's own `fonts/` and `layouts/`
//! folders, which override embedded files of the same name. Output:
//! [`Assets`], shared read-only by every region and format of a build.
//! Every site file goes through the site's confinement
//! ([`crate::site::confine`]): a name such as `/etc/passwd` or `../x`, or a
//! symlink leading out of the site, is an [`AssetError`] and is never opened.

pub(crate) mod images;
pub(crate) mod pixels;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rust_embed::RustEmbed;

use crate::site::{ConfineError, FileKind};

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
    /// The site root, canonical (files must stay inside it).
    site_root: Option<PathBuf>,
    site_fonts: Option<PathBuf>,
    site_layouts: Option<PathBuf>,
    /// Decoded-once image cache shared by all regions and formats.
    pub images: ImageStore,
    /// Font files read once per build, by the name `font_value` takes:
    /// every region's and format's font book shares their bytes (a lookup
    /// cache only; nothing is written in its order).
    font_files: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

/// Errors reading an asset file.
#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    /// The file exists in the site but cannot be read.
    #[error("cannot read {}: {}", .path.display(), crate::diag::library::io(.source))]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The site names a file it may not have read (outside the site, not a
    /// regular file, over its size cap).
    #[error("cannot read {path}: {reason}")]
    Confined {
        /// The file as named, relative to the site.
        path: PathBuf,
        /// Why it is not read.
        reason: crate::site::ConfineError,
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
            site_root: Some(crate::site::confine::canonical_root(site_root)),
            site_fonts: existing("fonts"),
            site_layouts: existing("layouts"),
            images,
            font_files: Mutex::default(),
        }
    }

    /// Only the embedded defaults (for tests and tools).
    pub fn embedded(images: ImageStore) -> Assets {
        Assets {
            site_root: None,
            site_fonts: None,
            site_layouts: None,
            images,
            font_files: Mutex::default(),
        }
    }

    /// A font file by name (e.g. `BIZUDPGothic-Regular.ttf`): the site's
    /// `fonts/` first, then the embedded one. `Ok(None)` when neither has it.
    pub fn font(&self, name: &str) -> Result<Option<Cow<'static, [u8]>>, AssetError> {
        self.read_override(self.site_fonts.as_deref(), name, FileKind::Font)
            .map(|found| found.or_else(|| EmbeddedFonts::get(name).map(|f| f.data)))
    }

    /// Whether the site's `fonts/` folder has a file `name` (it then
    /// overrides a bundled font of that name).
    pub fn is_site_font(&self, name: &str) -> bool {
        !crate::model::is_site_path(name)
            && self
                .site_fonts
                .as_deref()
                .is_some_and(|dir| dir.join(name).is_file())
    }

    /// A font as `tebiki.toml`'s `[fonts]` names it: a path inside the site
    /// when the value has a `/` (confined, read from the site root), else a
    /// file name looked up by [`Assets::font`]. `Ok(None)` when not found.
    pub fn font_value(&self, value: &str) -> Result<Option<Cow<'static, [u8]>>, AssetError> {
        if !crate::model::is_site_path(value) {
            return self.font(value);
        }
        let shown = PathBuf::from(value);
        let Some(root) = self.site_root.as_deref() else {
            return Ok(None);
        };
        match crate::site::confine::read_confined(root, &root.join(value), FileKind::Font) {
            Ok((_, bytes)) => Ok(Some(Cow::Owned(bytes))),
            Err(ConfineError::Missing) => Ok(None),
            Err(reason) => Err(AssetError::Confined {
                path: shown,
                reason,
            }),
        }
    }

    /// [`Assets::font_value`], read once per build: later calls for the same
    /// name share the first call's bytes, so the regions' and formats' font
    /// books hold one copy of each font file (not one per render).
    pub fn shared_font_value(&self, value: &str) -> Result<Option<Arc<Vec<u8>>>, AssetError> {
        let known = self
            .font_files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(value)
            .cloned();
        if known.is_some() {
            return Ok(known);
        }
        let Some(bytes) = self.font_value(value)? else {
            return Ok(None);
        };
        let bytes = Arc::new(bytes.into_owned());
        let mut files = self
            .font_files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(Some(Arc::clone(
            files.entry(value.to_owned()).or_insert(bytes),
        )))
    }

    /// A layout file by name (e.g. `pdf.toml`, `epub.css`): the site's
    /// `layouts/` first, then the embedded default.
    pub fn layout(&self, name: &str) -> Result<Option<Cow<'static, [u8]>>, AssetError> {
        self.read_override(self.site_layouts.as_deref(), name, FileKind::Config)
            .map(|found| found.or_else(|| EmbeddedLayouts::get(name).map(|f| f.data)))
    }

    /// The site's own layout file `name` (not the embedded default): its
    /// path as shown to the user and its bytes; `Ok(None)` when the site has
    /// none.
    pub fn site_layout(&self, name: &str) -> Result<Option<(PathBuf, Vec<u8>)>, AssetError> {
        let shown = PathBuf::from("layouts").join(name);
        self.read_override(self.site_layouts.as_deref(), name, FileKind::Config)
            .map(|found| found.map(|bytes| (shown, bytes.into_owned())))
    }

    /// Reads `dir/name` through the site's confinement when `dir` is set and
    /// the file exists. A name that leaves `dir`'s site (absolute, `..`, a
    /// symlink out) is an error even when nothing exists there.
    fn read_override(
        &self,
        dir: Option<&Path>,
        name: &str,
        kind: FileKind,
    ) -> Result<Option<Cow<'static, [u8]>>, AssetError> {
        let folder = if kind == FileKind::Font {
            "fonts"
        } else {
            "layouts"
        };
        let shown = PathBuf::from(folder).join(name);
        let confined = |reason| AssetError::Confined {
            path: shown.clone(),
            reason,
        };
        let plain = Path::new(name)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        let (Some(dir), Some(root)) = (dir, self.site_root.as_deref()) else {
            return if plain {
                Ok(None)
            } else {
                Err(confined(ConfineError::Outside))
            };
        };
        match crate::site::confine::read_confined(root, &dir.join(name), kind) {
            Ok((_, bytes)) => Ok(Some(Cow::Owned(bytes))),
            Err(ConfineError::Missing) if plain => Ok(None),
            Err(ConfineError::Missing) => Err(confined(ConfineError::Missing)),
            Err(reason) => Err(confined(reason)),
        }
    }

    /// The names of the embedded default layout files, sorted.
    pub fn default_layout_names() -> Vec<String> {
        let mut names: Vec<String> = EmbeddedLayouts::iter().map(|n| n.into_owned()).collect();
        names.sort();
        names
    }

    /// The embedded default of a layout file, ignoring site overrides.
    pub fn default_layout(name: &str) -> Option<Cow<'static, [u8]>> {
        EmbeddedLayouts::get(name).map(|f| f.data)
    }
}
