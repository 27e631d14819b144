//! The image container formats tebiki accepts, as detected from a file's
//! content (never its name), with their media types and extensions.
//!
//! Input: the `image` crate's detected format. Output: an [`ImageFormat`],
//! or `None` for a format tebiki rejects. Used by the image store, the PDF
//! form of an image (`pdf_image`) and the EPUB.

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

impl ImageFormat {
    /// The IANA media type, e.g. `image/png`.
    pub fn media_type(self) -> &'static str {
        match self {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Gif => "image/gif",
            ImageFormat::WebP => "image/webp",
            ImageFormat::Bmp => "image/bmp",
        }
    }

    /// The usual file extension without a dot, e.g. `png`.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Gif => "gif",
            ImageFormat::WebP => "webp",
            ImageFormat::Bmp => "bmp",
        }
    }

    /// Maps the `image` crate's format; `None` for formats tebiki rejects.
    pub(super) fn from_image_crate(format: image::ImageFormat) -> Option<ImageFormat> {
        match format {
            image::ImageFormat::Png => Some(ImageFormat::Png),
            image::ImageFormat::Jpeg => Some(ImageFormat::Jpeg),
            image::ImageFormat::Gif => Some(ImageFormat::Gif),
            image::ImageFormat::WebP => Some(ImageFormat::WebP),
            image::ImageFormat::Bmp => Some(ImageFormat::Bmp),
            _ => None,
        }
    }

    pub(super) fn to_image_crate(self) -> image::ImageFormat {
        match self {
            ImageFormat::Png => image::ImageFormat::Png,
            ImageFormat::Jpeg => image::ImageFormat::Jpeg,
            ImageFormat::Gif => image::ImageFormat::Gif,
            ImageFormat::WebP => image::ImageFormat::WebP,
            ImageFormat::Bmp => image::ImageFormat::Bmp,
        }
    }
}
