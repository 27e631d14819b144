//! Images for the PDF: each image file becomes one krilla [`Image`] (and so
//! one XObject per PDF) however often it is placed, and one krilla image per
//! build: the image is kept beside its [`LoadedImage`], so every region's PDF
//! shares the one decoded and deflated copy.
//!
//! Input: the frame tree's image list (already checked and measured by the
//! image store). Output: krilla images; JPEG is passed through as DCT; a
//! PNG usually arrives with its krilla image made from the pixels the
//! image store's check decoded (`assets::pixels`); other PNGs, GIF and WebP
//! are decoded by krilla (alpha as a soft mask); either way the pixels are
//! deflated once (krilla 0.8 has no PNG passthrough: its images take
//! pixels or JPEG data only).

use krilla::image::Image;

use crate::assets::images::{ImageFormat, LoadedImage};
use crate::diag::{Diagnostic, Diagnostics};
use std::sync::Arc;

/// krilla images by index of the frame tree's image list.
pub(super) struct ImageCache {
    images: Vec<Option<Image>>,
}

impl ImageCache {
    /// Takes every image's build-wide krilla image (made on first use); an
    /// image krilla rejects is reported and left out.
    pub(super) fn new(sources: &[Arc<LoadedImage>], diags: &mut Diagnostics) -> ImageCache {
        let images = sources
            .iter()
            .map(|source| match shared(source) {
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

/// The build's one krilla image of a file (made here unless the image
/// store made it from its decoded pixels). krilla's image is an `Arc` whose
/// decoded and deflated form is computed once (in the background), so
/// cloning it into several documents costs nothing more.
fn shared(source: &LoadedImage) -> Result<Image, String> {
    source.pdf.get_or_init(|| to_krilla(source)).clone()
}

/// A krilla image from a checked file.
fn to_krilla(source: &LoadedImage) -> Result<Image, String> {
    let bytes: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(Arc::clone(&source.bytes));
    let data: krilla::Data = bytes.into();
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
