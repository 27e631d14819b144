//! Images for the PDF: each image file becomes one krilla [`Image`] (and so
//! one XObject) however often it is placed.
//!
//! Input: the frame tree's image list (already checked and measured by the
//! image store). Output: krilla images; JPEG is passed through as DCT, PNG,
//! GIF and WebP are decoded by krilla (alpha as a soft mask).

use krilla::image::Image;

use crate::assets::images::{ImageFormat, LoadedImage};
use crate::diag::{Diagnostic, Diagnostics};
use std::sync::Arc;

/// krilla images by index of the frame tree's image list.
pub(super) struct ImageCache {
    images: Vec<Option<Image>>,
}

impl ImageCache {
    /// Creates every image once; an image krilla rejects is reported and
    /// left out.
    pub(super) fn new(sources: &[Arc<LoadedImage>], diags: &mut Diagnostics) -> ImageCache {
        let images = sources
            .iter()
            .map(|source| match to_krilla(source) {
                Ok(image) => Some(image),
                Err(reason) => {
                    diags.push(
                        Diagnostic::file_error(
                            &source.path,
                            format!("cannot embed image: {}", reason.to_lowercase()),
                        )
                        .with_code(crate::diag::Code::UnusableImage),
                    );
                    None
                }
            })
            .collect();
        ImageCache { images }
    }

    /// The image at `index`, if it could be created.
    pub(super) fn get(&self, index: usize) -> Option<Image> {
        self.images.get(index).and_then(Clone::clone)
    }
}

/// A krilla image from a checked file.
fn to_krilla(source: &LoadedImage) -> Result<Image, String> {
    let data: krilla::Data = Arc::new(source.bytes.to_vec()).into();
    match source.format {
        ImageFormat::Jpeg => Image::from_jpeg(data, true),
        ImageFormat::Png => Image::from_png(data, true),
        ImageFormat::Gif => Image::from_gif(data, true),
        ImageFormat::WebP => Image::from_webp(data, true),
        ImageFormat::Bmp => decode_bmp(&source.bytes),
    }
}

/// BMP has no krilla decoder: decode with `image` (the file was already
/// checked against the decoding limits) and hand over RGBA pixels.
fn decode_bmp(bytes: &[u8]) -> Result<Image, String> {
    let decoded = image::load_from_memory_with_format(bytes, image::ImageFormat::Bmp)
        .map_err(|e| e.to_string())?;
    let rgba = decoded.to_rgba8();
    let (width, height) = rgba.dimensions();
    Ok(Image::from_rgba8(rgba.into_raw(), width, height))
}
