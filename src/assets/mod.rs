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
//!
//! Font files are handed out as [`FontBytes`]: a bundled font is the
//! binary's own bytes (never copied: in a release build they are pages of
//! the executable, read from disk only where a font table is used), a site
//! font is read once per build, and a site font whose bytes equal the
//! bundled font of its file name shares the bundled bytes.

pub(crate) mod format;
pub(crate) mod images;
pub(crate) mod pdf_image;
pub(crate) mod spool;

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Deref;
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
    font_files: Mutex<HashMap<String, FontBytes>>,
}

/// A font file's bytes, shared and cheap to clone: the binary's own bytes
/// for a bundled font (no copy) or one read of a site file, with their
/// SHA-256 ([`FontBytes::digest`]). The shaper (`harfrust`) and the PDF
/// writer (`krilla`) take them as [`FontBytes::shared`] without copying.
#[derive(Clone)]
pub struct FontBytes {
    bytes: Arc<dyn AsRef<[u8]> + Send + Sync>,
    digest: [u8; 32],
}

impl FontBytes {
    /// Bytes read at run time (a site font, a test's file); their digest
    /// is computed here, once.
    pub fn from_vec(bytes: Vec<u8>) -> FontBytes {
        let digest = sha256(&bytes);
        FontBytes {
            bytes: Arc::new(bytes),
            digest,
        }
    }

    /// A bundled font: the binary's own bytes in a release build (not
    /// copied, not read here: the digest is rust-embed's, computed when
    /// tebiki was compiled), the file's in a debug build.
    fn bundled(file: rust_embed::EmbeddedFile) -> FontBytes {
        let digest = file.metadata.sha256_hash();
        let bytes: Arc<dyn AsRef<[u8]> + Send + Sync> = match file.data {
            Cow::Borrowed(bytes) => Arc::new(bytes),
            Cow::Owned(bytes) => Arc::new(bytes),
        };
        FontBytes { bytes, digest }
    }

    /// The same bytes as the handle `harfrust::font::Blob` and
    /// `krilla::Data` are made from (no copy).
    pub fn shared(&self) -> Arc<dyn AsRef<[u8]> + Send + Sync> {
        Arc::clone(&self.bytes)
    }

    /// The SHA-256 of the bytes: equal bytes, equal digest, wherever they
    /// came from (the font book's fingerprint is made of these, so it never
    /// reads a whole font file).
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }
}

/// The SHA-256 of `bytes`.
fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

impl Deref for FontBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        (*self.bytes).as_ref()
    }
}

impl AsRef<[u8]> for FontBytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl std::fmt::Debug for FontBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FontBytes({} bytes)", self.len())
    }
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
    /// file name looked up by [`Assets::font_bytes`]. `Ok(None)` when not
    /// found.
    pub fn font_value(&self, value: &str) -> Result<Option<FontBytes>, AssetError> {
        if !crate::model::is_site_path(value) {
            return self.font_bytes(value);
        }
        let shown = PathBuf::from(value);
        let Some(root) = self.site_root.as_deref() else {
            return Ok(None);
        };
        match crate::site::confine::read_confined(root, &root.join(value), FileKind::Font) {
            Ok((_, bytes)) => Ok(Some(site_font(value, bytes))),
            Err(ConfineError::Missing) => Ok(None),
            Err(reason) => Err(AssetError::Confined {
                path: shown,
                reason,
            }),
        }
    }

    /// A font file by name (e.g. `BIZUDPGothic-Regular.ttf`): the site's
    /// `fonts/` first, then the bundled one (not copied). `Ok(None)` when
    /// neither has it.
    pub fn font_bytes(&self, name: &str) -> Result<Option<FontBytes>, AssetError> {
        match self.read_override(self.site_fonts.as_deref(), name, FileKind::Font)? {
            Some(read) => Ok(Some(site_font(name, read.into_owned()))),
            None => Ok(EmbeddedFonts::get(name).map(FontBytes::bundled)),
        }
    }

    /// [`Assets::font_value`], read once per build: later calls for the same
    /// name share the first call's bytes, so the regions' and formats' font
    /// books hold one copy of each font file (not one per render). A bundled
    /// font is not copied at all, and a site file with the same bytes as the
    /// bundled font of its file name (a site that ships tebiki's own fonts)
    /// shares the bundled bytes instead of holding its own copy.
    pub fn shared_font_value(&self, value: &str) -> Result<Option<FontBytes>, AssetError> {
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
        let mut files = self
            .font_files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(Some(files.entry(value.to_owned()).or_insert(bytes).clone()))
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

/// A font file read from the site (`value`: its name or site path): the
/// bundled font of the same file name instead when the two have the same
/// bytes and the bundled one is the binary's own (a release build). They
/// are compared by their SHA-256 (rust-embed's for the bundled font,
/// computed at compile time), so the check does not read the bundled font's
/// pages from the executable.
fn site_font(value: &str, read: Vec<u8>) -> FontBytes {
    let read = FontBytes::from_vec(read);
    let name = value.rsplit(['/', '\\']).next().unwrap_or(value);
    match EmbeddedFonts::get(name) {
        Some(bundled)
            if matches!(bundled.data, Cow::Borrowed(_))
                && bundled.metadata.sha256_hash() == read.digest =>
        {
            FontBytes::bundled(bundled)
        }
        _ => read,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYMBOLS: &str = "TebikiSymbols-Regular.ttf";

    /// The bundled font's bytes as rust-embed has them: the executable's own
    /// (borrowed) in a release build, read from `fonts/` in a debug build.
    fn bundled(name: &str) -> rust_embed::EmbeddedFile {
        EmbeddedFonts::get(name).expect("bundled font")
    }

    #[test]
    fn bundled_fonts_are_the_embedded_bytes_not_a_copy() {
        let assets = Assets::embedded(ImageStore::default());
        let first = assets.shared_font_value(SYMBOLS).unwrap().unwrap();
        let again = assets.shared_font_value(SYMBOLS).unwrap().unwrap();
        assert_eq!(first.as_ptr(), again.as_ptr(), "read once per build");
        let embedded = bundled(SYMBOLS);
        assert_eq!(&first[..], &embedded.data[..]);
        assert_eq!(first.digest(), embedded.metadata.sha256_hash());
        assert_eq!(first.digest(), sha256(&first));
        if let Cow::Borrowed(bytes) = embedded.data {
            // A release build: the very slice in the executable.
            assert_eq!(first.as_ptr(), bytes.as_ptr());
        }
    }

    #[test]
    fn static_bytes_are_shared_without_a_copy() {
        static BYTES: [u8; 4] = *b"OTTO";
        let shared = FontBytes::bundled(rust_embed::EmbeddedFile {
            data: Cow::Borrowed(&BYTES),
            metadata: bundled(SYMBOLS).metadata,
        });
        assert_eq!(shared.as_ptr(), BYTES.as_ptr());
        assert_eq!((*shared.shared()).as_ref().as_ptr(), BYTES.as_ptr());
        let read = FontBytes::from_vec(BYTES.to_vec());
        assert_eq!(read.digest(), sha256(b"OTTO"));
        assert_eq!(format!("{read:?}"), "FontBytes(4 bytes)");
    }

    #[test]
    fn a_site_copy_of_a_bundled_font_shares_its_bytes_and_digest() {
        let site = tempfile::tempdir().unwrap();
        let fonts = site.path().join("fonts");
        std::fs::create_dir_all(fonts.join("sub")).unwrap();
        let embedded = bundled(SYMBOLS);
        std::fs::write(fonts.join(SYMBOLS), &embedded.data).unwrap();
        // Same name, other bytes: the site's own file.
        let cut = &embedded.data[..embedded.data.len() / 2];
        std::fs::write(fonts.join("sub").join(SYMBOLS), cut).unwrap();
        let assets = Assets::for_site(site.path(), ImageStore::default());

        let copy = assets.shared_font_value(SYMBOLS).unwrap().unwrap();
        assert_eq!(&copy[..], &embedded.data[..]);
        assert_eq!(copy.digest(), embedded.metadata.sha256_hash());
        if let Cow::Borrowed(bytes) = embedded.data {
            assert_eq!(copy.as_ptr(), bytes.as_ptr(), "the executable's bytes");
        }
        let other = assets
            .shared_font_value(&format!("fonts/sub/{SYMBOLS}"))
            .unwrap()
            .unwrap();
        assert_eq!(&other[..], cut);
        assert_ne!(other.digest(), copy.digest());
    }
}
