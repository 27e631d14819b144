//! The images of the EPUB: which files go in, under which names.
//!
//! Input: every image the book shows ([`Book::images`]: figures and images
//! inside text) and the shared
//! [`ImageStore`](crate::assets::ImageStore). Output: an [`ImageTable`] with
//! each image file once (prepared for e-readers: downscaled and converted to
//! a core media type as needed) and its name in `images/`; an image that
//! cannot be used is an error diagnostic at every place that shows it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::assets::Assets;
use crate::assets::images::{ImageError, PreparedImage};
use crate::diag::Diagnostics;
use crate::model::{Book, Uniquifier};

use super::names::ascii_slug;
use super::options::EpubOptions;

/// One image file in the EPUB.
#[derive(Debug, Clone)]
pub(crate) struct EpubImage {
    /// Path inside the package folder, e.g. `images/login.png`.
    pub href: String,
    /// Manifest id.
    pub id: String,
    /// Width in pixels of the included file.
    pub width: u32,
    /// Height in pixels of the included file.
    pub height: u32,
    /// Media type of the included file.
    pub media_type: &'static str,
    /// The image written into the EPUB (its bytes read when it is written).
    pub prepared: Arc<PreparedImage>,
}

/// The included images, by source path, in first-use order.
#[derive(Debug, Clone, Default)]
pub(crate) struct ImageTable {
    by_path: BTreeMap<PathBuf, usize>,
    images: Vec<EpubImage>,
}

impl ImageTable {
    /// Prepares every image the book shows (in parallel, each file once)
    /// and reports unusable ones at every span that shows them.
    pub(crate) fn collect(
        book: &Book,
        assets: &Assets,
        options: &EpubOptions,
        diags: &mut Diagnostics,
    ) -> ImageTable {
        let uses = book.images();
        let mut seen = BTreeSet::new();
        let unique: Vec<&Path> = uses
            .iter()
            .map(|u| u.image.path.as_path())
            .filter(|p| seen.insert(*p))
            .collect();
        let prepared: Vec<Result<Arc<PreparedImage>, ImageError>> = unique
            .par_iter()
            .map(|path| {
                assets
                    .images
                    .prepared(path, options.max_image_long_side, options.jpeg_quality)
            })
            .collect();

        let mut table = ImageTable::default();
        let mut errors = BTreeMap::new();
        let mut used_names = Uniquifier::new();
        for (path, result) in unique.iter().zip(prepared) {
            match result {
                Ok(image) => table.push(path, &image, &mut used_names),
                Err(error) => {
                    errors.insert(*path, error);
                }
            }
        }
        for image in uses {
            if let Some(error) = errors.get(image.image.path.as_path()) {
                diags.push(crate::assets::images::image_diagnostic(
                    &image.image.src,
                    image.span,
                    error,
                ));
            }
        }
        table
    }

    fn push(&mut self, path: &Path, image: &Arc<PreparedImage>, used: &mut Uniquifier) {
        let stem = path
            .file_stem()
            .map(|s| ascii_slug(&s.to_string_lossy()))
            .unwrap_or_else(|| "image".into());
        let name = used.file_name(&stem, &format!(".{}", image.format.extension()));
        let index = self.images.len();
        self.images.push(EpubImage {
            href: format!("images/{name}"),
            id: format!("img-{}", index + 1),
            width: image.width,
            height: image.height,
            media_type: image.format.media_type(),
            prepared: Arc::clone(image),
        });
        self.by_path.insert(path.to_path_buf(), index);
    }

    /// The included image for a source path, if it could be used.
    pub(crate) fn get(&self, path: &Path) -> Option<&EpubImage> {
        self.by_path.get(path).and_then(|&i| self.images.get(i))
    }

    /// All included images in first-use order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &EpubImage> {
        self.images.iter()
    }
}
