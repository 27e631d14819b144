//! Images for the PDF: each image file becomes one image XObject per PDF
//! however often it is placed, written while the file is written, so no
//! image's bytes are held by a PDF being made.
//!
//! Input: the frame tree's image list (already checked and measured by the
//! image store) and each image's PDF form (`assets::pdf_image`, decided once
//! per build: most PNGs and JPEGs passed through, other images' samples
//! deflated once into the build's spool). Output: for krilla, a one-pixel
//! placeholder per image, whose colour is the image's index; for the file,
//! [`ImageObjects`], which writes each placeholder's object as the real
//! image (its stream from the file's bytes or the spool; an ICC profile and
//! a soft mask as objects of their own) when `objstm` writes the file.
//! krilla 0.8 has no PNG passthrough and keeps every image's samples in
//! the document until it is finished; this keeps them out of it.

use std::io::Write;
use std::sync::Arc;

use krilla::image::{BitsPerComponent, CustomImage, Image, ImageColorspace};

use super::objstm::{Counted, Splice, find};
use crate::assets::images::{ImageStore, LoadedImage};
use crate::assets::pdf_image::{JpegData, PdfImage, PngData, SampleData, pdf_image};
use crate::assets::spool::Spool;
use crate::diag::{Diagnostic, Diagnostics};

/// Placeholders by index of the frame tree's image list.
pub(super) struct ImageCache {
    images: Vec<Option<Image>>,
}

impl ImageCache {
    /// A placeholder for every image whose PDF form could be made (made
    /// here unless the check made it); an image that cannot be embedded is
    /// reported and left out.
    pub(super) fn new(
        sources: &[Arc<LoadedImage>],
        store: &ImageStore,
        diags: &mut Diagnostics,
    ) -> ImageCache {
        let images = sources
            .iter()
            .enumerate()
            .map(|(index, source)| match form(source, store) {
                Ok(_) => placeholder(index),
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

    /// The placeholder of the image at `index`, if it can be embedded.
    pub(super) fn get(&self, index: usize) -> Option<Image> {
        self.images.get(index).and_then(Clone::clone)
    }
}

/// The image's PDF form, made on first use when the check did not.
fn form<'a>(source: &'a LoadedImage, store: &ImageStore) -> Result<&'a PdfImage, String> {
    source
        .pdf
        .get_or_init(|| {
            let bytes = source.bytes().map_err(|e| e.to_string())?;
            pdf_image(
                &bytes,
                source.format,
                || store.decode(source).map_err(|e| e.to_string()),
                store.spool(),
            )
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The one-pixel image krilla draws in place of image `index`: its RGB
/// colour is the index ([`placeholder_index`] reads it back).
#[derive(Clone, Hash)]
struct Placeholder {
    rgb: [u8; 3],
}

impl CustomImage for Placeholder {
    fn color_channel(&self) -> &[u8] {
        &self.rgb
    }

    fn alpha_channel(&self) -> Option<&[u8]> {
        None
    }

    fn bits_per_component(&self) -> BitsPerComponent {
        BitsPerComponent::Eight
    }

    fn size(&self) -> (u32, u32) {
        (1, 1)
    }

    fn icc_profile(&self) -> Option<&[u8]> {
        None
    }

    fn color_space(&self) -> ImageColorspace {
        ImageColorspace::Rgb
    }
}

/// Placeholders are told apart by a 24-bit colour.
const MAX_IMAGES: usize = 1 << 24;

fn placeholder(index: usize) -> Option<Image> {
    if index >= MAX_IMAGES {
        return None;
    }
    let [_, r, g, b] = u32::try_from(index).ok()?.to_be_bytes();
    Image::from_custom(Placeholder { rgb: [r, g, b] }, true).ok()
}

/// The image a stream object stands for, when `body` (between `obj` and
/// `endobj`) is a placeholder: a 1 × 1 image XObject whose one pixel is
/// the image's index.
pub(super) fn placeholder_index(body: &[u8]) -> Option<usize> {
    let dict_end = find(body, b"stream")?;
    let dict = body.get(..dict_end)?;
    let compact: Vec<u8> = dict
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let is_placeholder = find(&compact, b"/Subtype/Image").is_some()
        && entry_is(&compact, b"/Width", b"1")
        && entry_is(&compact, b"/Height", b"1");
    if !is_placeholder {
        return None;
    }
    let data = body.get(dict_end + b"stream".len()..)?;
    let data = data
        .strip_prefix(b"\r\n")
        .or_else(|| data.strip_prefix(b"\n"))?;
    let data = data.get(..find(data, b"endstream")?)?;
    let pixel = if find(&compact, b"/FlateDecode").is_some() {
        use std::io::Read;
        let mut out = Vec::with_capacity(3);
        flate2::read::ZlibDecoder::new(data)
            .take(4)
            .read_to_end(&mut out)
            .ok()?;
        out
    } else {
        data.get(..3)?.to_vec()
    };
    match pixel.as_slice() {
        [r, g, b] => Some(usize::from(*r) << 16 | usize::from(*g) << 8 | usize::from(*b)),
        _ => None,
    }
}

/// Whether `dict` (whitespace removed) has `key` followed by exactly
/// `value` (then a delimiter).
fn entry_is(dict: &[u8], key: &[u8], value: &[u8]) -> bool {
    let mut from = 0;
    while let Some(at) = dict.get(from..).and_then(|rest| find(rest, key)) {
        let rest = dict.get(from + at + key.len()..).unwrap_or_default();
        if let Some(after) = rest.strip_prefix(value)
            && !after.first().is_some_and(u8::is_ascii_digit)
        {
            return true;
        }
        from += at + key.len();
    }
    false
}

/// Writes the images of one PDF's placeholders (by index of its frame
/// tree's image list), from their files' bytes or the build's spool.
pub(super) struct ImageObjects {
    sources: Vec<Arc<LoadedImage>>,
    spool: Arc<Spool>,
}

impl ImageObjects {
    /// The writer of `sources`' images (their forms made by [`ImageCache`]).
    pub(super) fn new(sources: Vec<Arc<LoadedImage>>, spool: Arc<Spool>) -> ImageObjects {
        ImageObjects { sources, spool }
    }

    fn form(&self, index: usize) -> std::io::Result<(&LoadedImage, &PdfImage)> {
        let source = self
            .sources
            .get(index)
            .ok_or_else(|| std::io::Error::other("an image placeholder without its image"))?;
        match source.pdf.get() {
            Some(Ok(form)) => Ok((source, form)),
            _ => Err(std::io::Error::other(
                "an image placeholder whose image cannot be embedded",
            )),
        }
    }

    /// The ICC profile and the soft mask of an image made of samples.
    fn write_sample_extras(
        &self,
        out: &mut Counted<'_>,
        samples: &SampleData,
        icc: Option<u32>,
        mask: Option<u32>,
        (width, height): (u32, u32),
        placed: &mut dyn FnMut(u32, u64),
    ) -> std::io::Result<()> {
        if let (Some(number), Some(profile)) = (icc, samples.icc) {
            placed(number, out.at());
            let colors = if samples.grey { 1 } else { 3 };
            write_icc(out, number, colors, profile.len(), &mut |out| {
                self.spool.copy_to(profile, out)
            })?;
        }
        if let (Some(number), Some(alpha)) = (mask, samples.alpha) {
            placed(number, out.at());
            object_head(
                out,
                number,
                &format!(
                    "/Type/XObject/Subtype/Image/Width {width}/Height {height}/ColorSpace/DeviceGray/BitsPerComponent 8/Interpolate true/Filter/FlateDecode/Length {}",
                    alpha.len()
                ),
            )?;
            self.spool.copy_to(alpha, out)?;
            object_tail(out)?;
        }
        Ok(())
    }
}

/// An image's extra objects are its ICC profile and its soft mask.
impl Splice for ImageObjects {
    fn extra_objects(&self, index: usize) -> usize {
        match self.form(index) {
            Ok((_, PdfImage::Png(png))) => usize::from(png.icc.is_some()),
            Ok((_, PdfImage::Jpeg(_))) | Err(_) => 0,
            Ok((_, PdfImage::Samples(samples))) => {
                usize::from(samples.icc.is_some()) + usize::from(samples.alpha.is_some())
            }
        }
    }

    fn write(
        &self,
        index: usize,
        number: u32,
        first: u32,
        out: &mut Counted<'_>,
        placed: &mut dyn FnMut(u32, u64),
    ) -> std::io::Result<()> {
        let (source, form) = self.form(index)?;
        let (width, height) = (source.width, source.height);
        let mut extra = first;
        let mut next = || {
            let n = extra;
            extra += 1;
            n
        };
        match form {
            PdfImage::Png(png) => {
                // The file is read again, one image at a time.
                let bytes = source.bytes().map_err(std::io::Error::other)?;
                let icc = png.icc.as_ref().map(|_| next());
                write_png(out, number, source, &bytes, png, icc)?;
                if let (Some(icc_number), Some(range)) = (icc, &png.icc) {
                    placed(icc_number, out.at());
                    let profile = bytes.get(range.clone()).unwrap_or_default();
                    let colors = if png.colors == 1 && png.palette.is_none() {
                        1
                    } else {
                        3
                    };
                    write_icc(out, icc_number, colors, profile.len() as u64, &mut |out| {
                        out.write_all(profile)
                    })?;
                }
            }
            PdfImage::Jpeg(jpeg) => {
                let bytes = source.bytes().map_err(std::io::Error::other)?;
                write_jpeg(out, number, source, &bytes, *jpeg)?;
            }
            PdfImage::Samples(samples) => {
                let icc = samples.icc.map(|_| next());
                let mask = samples.alpha.map(|_| next());
                let space = color_space(samples.grey, icc);
                let mask_entry = mask.map(|m| format!("/SMask {m} 0 R")).unwrap_or_default();
                object_head(
                    out,
                    number,
                    &format!(
                        "/Type/XObject/Subtype/Image/Width {width}/Height {height}/ColorSpace{space}/BitsPerComponent 8/Interpolate true{mask_entry}/Filter/FlateDecode/Length {}",
                        samples.color.len()
                    ),
                )?;
                self.spool.copy_to(samples.color, out)?;
                object_tail(out)?;
                self.write_sample_extras(out, samples, icc, mask, (width, height), placed)?;
            }
        }
        Ok(())
    }
}

/// A PNG's `IDAT` data as a `FlateDecode` stream with PNG predictors.
fn write_png(
    out: &mut Counted<'_>,
    number: u32,
    source: &LoadedImage,
    bytes: &[u8],
    png: &PngData,
    icc: Option<u32>,
) -> std::io::Result<()> {
    let (width, height) = (source.width, source.height);
    let base = color_space(png.colors == 1, icc);
    let space = match &png.palette {
        Some(range) => {
            let palette = bytes.get(range.clone()).unwrap_or_default();
            let hival = (palette.len() / 3).saturating_sub(1);
            let hex: String = palette.iter().map(|b| format!("{b:02X}")).collect();
            // An ICC profile of a palette image describes its RGB entries.
            let base = color_space(false, icc);
            format!("[/Indexed{base} {hival}<{hex}>]")
        }
        None => base,
    };
    let (colors, bits) = (png.colors, png.bits);
    object_head(
        out,
        number,
        &format!(
            "/Type/XObject/Subtype/Image/Width {width}/Height {height}/ColorSpace{space}/BitsPerComponent {bits}/Interpolate true/Filter/FlateDecode/DecodeParms<</Predictor 15/Colors {colors}/BitsPerComponent {bits}/Columns {width}>>/Length {}",
            png.data_len()
        ),
    )?;
    for range in &png.idat {
        out.write_all(bytes.get(range.clone()).unwrap_or_default())?;
    }
    object_tail(out)
}

/// A JPEG file as a `DCTDecode` stream.
fn write_jpeg(
    out: &mut Counted<'_>,
    number: u32,
    source: &LoadedImage,
    bytes: &[u8],
    jpeg: JpegData,
) -> std::io::Result<()> {
    let (width, height) = (source.width, source.height);
    let space = match jpeg.components {
        1 => "/DeviceGray",
        4 => "/DeviceCMYK",
        _ => "/DeviceRGB",
    };
    let decode = if jpeg.inverted {
        "/Decode[1 0 1 0 1 0 1 0]"
    } else {
        ""
    };
    object_head(
        out,
        number,
        &format!(
            "/Type/XObject/Subtype/Image/Width {width}/Height {height}/ColorSpace{space}/BitsPerComponent 8{decode}/Interpolate true/Filter/DCTDecode/Length {}",
            bytes.len()
        ),
    )?;
    out.write_all(bytes)?;
    object_tail(out)
}

/// An ICC profile stream (`colors` components, zlib data of `len` bytes
/// written by `data`).
fn write_icc(
    out: &mut Counted<'_>,
    number: u32,
    colors: u8,
    len: u64,
    data: &mut dyn FnMut(&mut Counted<'_>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let alternate = if colors == 1 {
        "/DeviceGray"
    } else {
        "/DeviceRGB"
    };
    object_head(
        out,
        number,
        &format!("/N {colors}/Alternate{alternate}/Filter/FlateDecode/Length {len}"),
    )?;
    data(out)?;
    object_tail(out)
}

/// The colour space entry: device grey or RGB, or the ICC profile object.
fn color_space(grey: bool, icc: Option<u32>) -> String {
    match (icc, grey) {
        (Some(number), _) => format!("[/ICCBased {number} 0 R]"),
        (None, true) => "/DeviceGray".to_string(),
        (None, false) => "/DeviceRGB".to_string(),
    }
}

fn object_head(out: &mut Counted<'_>, number: u32, entries: &str) -> std::io::Result<()> {
    write!(out, "{number} 0 obj\n<<{entries}>>\nstream\n")
}

fn object_tail(out: &mut Counted<'_>) -> std::io::Result<()> {
    out.write_all(b"\nendstream\nendobj\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placeholder_is_read_back_from_its_object_and_nothing_else_is() {
        // As krilla writes a deflated 1 × 1 image.
        let mut deflated = Vec::new();
        let mut encoder =
            flate2::write::ZlibEncoder::new(&mut deflated, flate2::Compression::default());
        encoder.write_all(&[0x01, 0x02, 0x03]).expect("deflates");
        encoder.finish().expect("deflates");
        let mut body = format!(
            "<</Length {}/Type/XObject/Subtype/Image/Filter/FlateDecode/Width 1/Height 1/ColorSpace/DeviceRGB/Interpolate true/BitsPerComponent 8>>\nstream\n",
            deflated.len()
        )
        .into_bytes();
        body.extend_from_slice(&deflated);
        body.extend_from_slice(b"\nendstream");
        assert_eq!(placeholder_index(&body), Some(0x010203));
        let raw = b"<< /Subtype /Image /Width 1 /Height 1 >>\nstream\n\x00\x00\x07\nendstream";
        assert_eq!(placeholder_index(raw), Some(7));
        let wide = b"<</Subtype/Image/Width 10/Height 1>>\nstream\n\x00\x00\x07\nendstream";
        assert_eq!(placeholder_index(wide), None);
        let content = b"<</Length 3>>\nstream\nq Q\nendstream";
        assert_eq!(placeholder_index(content), None);
    }

    #[test]
    fn placeholders_carry_their_index_in_their_colour() {
        let image = placeholder(0x0A0B0C).expect("made");
        assert_eq!(image.size(), (1, 1));
        assert!(placeholder(MAX_IMAGES).is_none());
    }
}
