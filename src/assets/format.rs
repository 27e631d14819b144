//! The image container formats tebiki accepts, as detected from a file's
//! content (never its name), with their media types and extensions, and a
//! PNG's header facts.
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

/// Header facts of a PNG file that decide how it is embedded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PngHeader {
    /// Bits per sample (1, 2, 4, 8 or 16).
    pub bit_depth: u8,
    /// PNG colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA).
    pub color_type: u8,
    /// Adam7 interlacing.
    pub interlaced: bool,
}

/// The IHDR facts of a PNG file's bytes (`None` when they do not start
/// with a PNG signature and its IHDR chunk).
pub(crate) fn png_header(bytes: &[u8]) -> Option<PngHeader> {
    if bytes.get(..8)? != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    // Signature (8) + chunk length (4) + "IHDR" (4) + width/height (8).
    let ihdr = bytes.get(12..29)?;
    if ihdr.get(..4)? != b"IHDR" {
        return None;
    }
    Some(PngHeader {
        bit_depth: *ihdr.get(12)?,
        color_type: *ihdr.get(13)?,
        interlaced: *ihdr.get(16)? != 0,
    })
}
