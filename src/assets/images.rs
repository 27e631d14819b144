//! Image loading shared by the PDF and EPUB renderers: each file is read,
//! checked and measured once per build, with bounded decoding.
//!
//! Input: an [`ImageRef`](crate::model::ImageRef) path. Output: an
//! [`Arc<LoadedImage>`] with the original bytes, format and pixel size, or an
//! [`ImageError`] that renderers turn into a diagnostic at the figure's span.
//!
//! (Interface fixed; implementation owned by the EPUB work.)

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Container formats tebiki accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// PNG (any bit depth, palette, alpha, interlaced).
    Png,
    /// Baseline or progressive JPEG.
    Jpeg,
    /// GIF (first frame).
    Gif,
    /// WebP.
    WebP,
    /// BMP.
    Bmp,
}

/// A checked image: original bytes plus the facts renderers need.
#[derive(Debug)]
pub struct LoadedImage {
    /// The file it came from.
    pub path: PathBuf,
    /// Detected format (from content, not the file name).
    pub format: ImageFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The file's bytes, unchanged.
    pub bytes: Arc<[u8]>,
}

/// Why an image cannot be used.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ImageError {
    /// Missing or unreadable file.
    #[error("cannot read image {path}: {reason}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error text.
        reason: String,
    },
    /// Not an image, truncated, unsupported, or over the decoding limits.
    #[error("cannot decode image {path}: {reason}")]
    Decode {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        reason: String,
    },
}

/// Thread-safe cache of loaded images.
#[derive(Debug, Default)]
pub struct ImageStore {}

impl ImageStore {
    /// An empty store with default decoding limits.
    pub fn new() -> ImageStore {
        ImageStore::default()
    }

    /// Loads (once) and returns the image at `path`.
    pub fn load(&self, path: &Path) -> Result<Arc<LoadedImage>, ImageError> {
        Err(ImageError::Read {
            path: path.to_path_buf(),
            reason: "image loading not implemented yet".into(),
        })
    }
}
