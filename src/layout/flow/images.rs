//! Images used by the book: each file is loaded (checked, measured) once and
//! gets one [`ImageKey`], however often it is placed.
//!
//! Input: image paths from figures. Output: keys and pixel sizes for layout,
//! and the list of loaded images for the PDF writer. Loading goes through
//! [`ImageStore::load`](crate::assets::ImageStore::load); while that store
//! is not implemented, a bounded local loader with the same contract is
//! used.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::assets::Assets;
use crate::assets::images::{ImageError, ImageFormat, LoadedImage};
use crate::layout::frame::ImageKey;

/// Largest image file read (bytes).
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Largest width or height accepted (pixels).
const MAX_SIDE: u32 = 20_000;
/// Largest decoded allocation (bytes).
const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// The images of one document.
#[derive(Debug, Default)]
pub struct ImageRegistry {
    keys: BTreeMap<PathBuf, Result<ImageKey, ImageError>>,
    images: Vec<Arc<LoadedImage>>,
}

impl ImageRegistry {
    /// An empty registry.
    pub fn new() -> ImageRegistry {
        ImageRegistry::default()
    }

    /// The key and image for `path`, loading it on first use. The same
    /// error is returned for every use of a broken file.
    pub fn get(
        &mut self,
        assets: &Assets,
        path: &Path,
    ) -> Result<(ImageKey, Arc<LoadedImage>), ImageError> {
        if let Some(known) = self.keys.get(path) {
            return known.clone().and_then(|key| {
                self.images
                    .get(key.0)
                    .cloned()
                    .map(|image| (key, image))
                    .ok_or_else(|| ImageError::Read {
                        path: path.to_path_buf(),
                        reason: "image table out of step".into(),
                    })
            });
        }
        let loaded = load(assets, path);
        let result = loaded.map(|image| {
            let key = ImageKey(self.images.len());
            self.images.push(image.clone());
            (key, image)
        });
        self.keys.insert(
            path.to_path_buf(),
            result.as_ref().map(|(k, _)| *k).map_err(Clone::clone),
        );
        result
    }

    /// The loaded images, indexed by [`ImageKey`].
    pub fn into_images(self) -> Vec<Arc<LoadedImage>> {
        self.images
    }
}

/// Loads through the shared store, falling back to the local loader while
/// the store is a stub.
fn load(assets: &Assets, path: &Path) -> Result<Arc<LoadedImage>, ImageError> {
    match assets.images.load(path) {
        Err(ImageError::Read { reason, .. }) if reason.contains("not implemented") => {
            load_local(path).map(Arc::new)
        }
        other => other,
    }
}

/// Reads, identifies and fully decodes an image under size limits, so that
/// a truncated file or a decompression bomb is an error here and never a
/// failure (or an allocation) later in the PDF writer.
pub fn load_local(path: &Path) -> Result<LoadedImage, ImageError> {
    let read_err = |reason: String| ImageError::Read {
        path: path.to_path_buf(),
        reason,
    };
    let decode_err = |reason: String| ImageError::Decode {
        path: path.to_path_buf(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| read_err(e.to_string().to_lowercase()))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| read_err(e.to_string().to_lowercase()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(read_err(format!("file larger than {MAX_FILE_BYTES} bytes")));
    }
    let format = image::guess_format(&bytes)
        .map_err(|_| decode_err("not a supported image format".into()))?;
    let format_kind = match format {
        image::ImageFormat::Png => ImageFormat::Png,
        image::ImageFormat::Jpeg => ImageFormat::Jpeg,
        image::ImageFormat::Gif => ImageFormat::Gif,
        image::ImageFormat::WebP => ImageFormat::WebP,
        image::ImageFormat::Bmp => ImageFormat::Bmp,
        other => {
            return Err(decode_err(
                format!("unsupported image format {other:?}").to_lowercase(),
            ));
        }
    };
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(&bytes), format);
    reader.limits(limits);
    let decoded = reader
        .decode()
        .map_err(|e| decode_err(e.to_string().to_lowercase()))?;
    let (width, height) = (decoded.width(), decoded.height());
    if width == 0 || height == 0 {
        return Err(decode_err("image has no pixels".into()));
    }
    Ok(LoadedImage {
        path: path.to_path_buf(),
        format: format_kind,
        width,
        height,
        bytes: bytes.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_files_are_errors() {
        let dir = tempfile::tempdir().ok();
        let Some(dir) = dir else { return };
        let path = dir.path().join("x.png");
        // A PNG signature followed by garbage: truncated.
        let _ = std::fs::write(&path, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        assert!(matches!(load_local(&path), Err(ImageError::Decode { .. })));
        assert!(matches!(
            load_local(&dir.path().join("missing.png")),
            Err(ImageError::Read { .. })
        ));
    }

    #[test]
    fn good_png_is_measured_once() {
        let Some(dir) = tempfile::tempdir().ok() else {
            return;
        };
        let path = dir.path().join("ok.png");
        let img = image::RgbaImage::from_pixel(30, 20, image::Rgba([10, 20, 30, 128]));
        assert!(img.save(&path).is_ok());
        let assets = Assets::embedded(crate::assets::ImageStore::new());
        let mut registry = ImageRegistry::new();
        let first = registry
            .get(&assets, &path)
            .map(|(k, i)| (k, i.width, i.height));
        let second = registry.get(&assets, &path).map(|(k, _)| k);
        assert_eq!(first.as_ref().ok(), Some(&(ImageKey(0), 30, 20)));
        assert_eq!(second.ok(), Some(ImageKey(0)));
        assert_eq!(registry.into_images().len(), 1);
    }
}
