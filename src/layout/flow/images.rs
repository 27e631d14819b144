//! Images used by the book: each file is loaded (checked, measured) once and
//! gets one [`ImageKey`], however often it is placed.
//!
//! Input: image paths from figures. Output: keys and pixel sizes for layout,
//! and the list of loaded images for the PDF writer. The registries of
//! pages laid out apart (`layout::parallel`) are joined in page order
//! ([`ImageRegistry::absorb`]), keys following first use as in one. Loading goes through
//! [`ImageStore::load`](crate::assets::ImageStore::load), which checks and
//! decodes under limits.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::assets::Assets;
use crate::assets::images::{ImageError, LoadedImage};
use crate::layout::frame::ImageKey;

/// The images of one document.
#[derive(Debug, Default)]
pub(crate) struct ImageRegistry {
    keys: BTreeMap<PathBuf, Result<ImageKey, ImageError>>,
    images: Vec<Arc<LoadedImage>>,
}

impl ImageRegistry {
    /// An empty registry.
    pub(crate) fn new() -> ImageRegistry {
        ImageRegistry::default()
    }

    /// The key and image for `path`, loading it on first use. The same
    /// error is returned for every use of a broken file.
    pub(crate) fn get(
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

    /// Moves the images of `later` (the registry of a later part of the
    /// same document, laid out apart: `layout::parallel`) into this one, as
    /// if its uses had come after this registry's: a file already here keeps
    /// its key, a new one gets the next key, in `later`'s order of first
    /// use. Returns, for every key of `later` (by index), its key here.
    pub(crate) fn absorb(&mut self, later: ImageRegistry) -> Vec<ImageKey> {
        let mut paths: Vec<Option<PathBuf>> = vec![None; later.images.len()];
        for (path, known) in later.keys {
            match known {
                Ok(key) => {
                    if let Some(slot) = paths.get_mut(key.0) {
                        *slot = Some(path);
                    }
                }
                // A broken file is the same error in every part.
                Err(err) => {
                    self.keys.entry(path).or_insert(Err(err));
                }
            }
        }
        let mut map = Vec::with_capacity(later.images.len());
        for (image, path) in later.images.into_iter().zip(paths) {
            let known = path
                .as_ref()
                .and_then(|path| self.keys.get(path))
                .and_then(|known| known.as_ref().ok().copied());
            let key = known.unwrap_or_else(|| {
                let key = ImageKey(self.images.len());
                self.images.push(image);
                if let Some(path) = path {
                    self.keys.insert(path, Ok(key));
                }
                key
            });
            map.push(key);
        }
        map
    }

    /// The loaded images, indexed by [`ImageKey`].
    pub(crate) fn into_images(self) -> Vec<Arc<LoadedImage>> {
        self.images
    }
}

/// Loads through the build's shared image store (bounded decoding, one
/// load per file for every region and format).
fn load(assets: &Assets, path: &Path) -> Result<Arc<LoadedImage>, ImageError> {
    assets.images.load(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_files_are_errors_every_time() {
        let Some(dir) = tempfile::tempdir().ok() else {
            return;
        };
        let path = dir.path().join("x.png");
        // A PNG signature followed by garbage: truncated.
        let _ = std::fs::write(&path, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        let assets = Assets::embedded(crate::assets::ImageStore::new());
        let mut registry = ImageRegistry::new();
        assert!(registry.get(&assets, &path).is_err());
        assert!(registry.get(&assets, &path).is_err());
        assert!(
            registry
                .get(&assets, &dir.path().join("missing.png"))
                .is_err()
        );
        assert!(registry.into_images().is_empty());
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
