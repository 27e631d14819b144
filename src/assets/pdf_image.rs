//! How a checked image goes into a PDF, decided once per build and shared
//! by every region's PDF.
//!
//! Input: a checked image file (its bytes and format) and, when needed, its
//! decoded pixels. Output: a [`PdfImage`]:
//! - **passed through** ([`PdfImage::Png`], [`PdfImage::Jpeg`]): the file's
//!   own compressed data becomes the image's stream. A PNG's `IDAT` data is
//!   a zlib stream with PNG row filters, which PDF reads as `FlateDecode`
//!   with PNG predictors (ISO 32000-1 §7.4.4.4); a JPEG is `DCTDecode` as it
//!   is. Nothing is decoded or compressed for the PDF, and the file's
//!   compression is kept, unless the samples deflated as they are come out
//!   smaller. Non-interlaced grey, RGB and palette PNGs of at most 8 bits
//!   without transparency, and 8-bit greyscale, RGB and CMYK JPEGs.
//! - **samples** ([`PdfImage::Samples`]): everything else (alpha or `tRNS`
//!   transparency, interlacing, GIF, WebP, BMP, unusual JPEGs) is decoded
//!   (the check's own pixels when it has them), split into colour and
//!   alpha, deflated once and kept in the build's [`Spool`] on disk.
//!
//! An ICC profile of a PNG (`iCCP`) goes with it either way. The PDF writer
//! (`pdf::images`) writes the image objects from this while the file is
//! written, so no image's bytes live in a PDF being made.

use std::io::Write;
use std::ops::Range;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use image::DynamicImage;

use super::format::{ImageFormat, PngHeader, png_header};
use super::spool::{Spool, Spooled};

/// An image's PDF form (module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PdfImage {
    /// A PNG's `IDAT` data as the image's stream.
    Png(PngData),
    /// A JPEG file as the image's stream.
    Jpeg(JpegData),
    /// Deflated samples in the build's spool.
    Samples(SampleData),
}

/// What a PNG passed through needs: ranges of the file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PngData {
    /// Samples per pixel in the stream: 1 (grey, palette index) or 3 (RGB).
    pub(crate) colors: u8,
    /// Bits per sample (1, 2, 4 or 8).
    pub(crate) bits: u8,
    /// The `PLTE` payload (RGB triples) of a palette image.
    pub(crate) palette: Option<Range<usize>>,
    /// The zlib-compressed ICC profile of `iCCP`.
    pub(crate) icc: Option<Range<usize>>,
    /// Each `IDAT` chunk's payload, in order: together one zlib stream.
    pub(crate) idat: Vec<Range<usize>>,
}

impl PngData {
    /// The stream's length: all `IDAT` payloads.
    pub(crate) fn data_len(&self) -> usize {
        self.idat.iter().map(Range::len).sum()
    }
}

/// What a JPEG passed through needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JpegData {
    /// Colour components: 1 (grey), 3 (RGB) or 4 (CMYK).
    pub(crate) components: u8,
    /// An Adobe CMYK JPEG stores its samples inverted.
    pub(crate) inverted: bool,
}

/// Decoded samples, deflated, in the spool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SampleData {
    /// One sample per pixel (grey) instead of three (RGB).
    pub(crate) grey: bool,
    /// The colour samples, 8 bits each.
    pub(crate) color: Spooled,
    /// The alpha samples, when any pixel is not opaque.
    pub(crate) alpha: Option<Spooled>,
    /// The zlib-compressed ICC profile (from a PNG's `iCCP`).
    pub(crate) icc: Option<Spooled>,
}

/// The PDF form of an image file (`bytes`, checked as `format`);
/// `pixels` decodes it (called only when it cannot be passed through).
pub(crate) fn pdf_image(
    bytes: &[u8],
    format: ImageFormat,
    pixels: impl FnOnce() -> Result<DynamicImage, String>,
    spool: &Spool,
) -> Result<PdfImage, String> {
    // A PNG whose chunks this reader does not follow (the decoder was
    // more lenient) is decoded like any other image.
    let png = match format {
        ImageFormat::Png => read_png(bytes),
        _ => None,
    };
    if let Some(png) = &png
        && let Some(data) = png.passthrough()
    {
        if data.palette.is_none() && data.bits == 8 {
            let icc = data.icc.clone().and_then(|range| bytes.get(range));
            if let Some(samples) = smaller_as_samples(&data, icc, pixels, spool) {
                return Ok(PdfImage::Samples(samples));
            }
        }
        return Ok(PdfImage::Png(data));
    }
    if format == ImageFormat::Jpeg
        && let Some(data) = jpeg_data(bytes)
    {
        return Ok(PdfImage::Jpeg(data));
    }
    let icc = png
        .and_then(|png| png.icc)
        .and_then(|range| bytes.get(range));
    samples(pixels()?, icc, spool)
        .map(PdfImage::Samples)
        .map_err(|e| format!("cannot keep the image's samples: {e}"))
}

/// An 8-bit grey or RGB PNG's samples deflated as they are, when that is
/// smaller than the file's stream: screenshots are mostly flat colour, which
/// zlib finds a row apart in unfiltered samples better than after the PNG
/// row filters most tools choose (the 300-page benchmark's JP PDF: 8.2 MB
/// passed through, 7.1 MB so). The pixels are the check's own, so nothing
/// is decoded twice; any failure keeps the file's stream.
fn smaller_as_samples(
    data: &PngData,
    icc: Option<&[u8]>,
    pixels: impl FnOnce() -> Result<DynamicImage, String>,
    spool: &Spool,
) -> Option<SampleData> {
    let (grey, raw) = match (data.colors, pixels().ok()?) {
        (1, DynamicImage::ImageLuma8(buffer)) => (true, buffer.into_raw()),
        (3, DynamicImage::ImageRgb8(buffer)) => (false, buffer.into_raw()),
        _ => return None,
    };
    let deflated = deflate(&raw).ok()?;
    drop(raw);
    if deflated.len() >= data.data_len() {
        return None;
    }
    let icc = match icc {
        Some(profile) => Some(spool.put(profile).ok()?),
        None => None,
    };
    Some(SampleData {
        grey,
        color: spool.put(&deflated).ok()?,
        alpha: None,
        icc,
    })
}

/// zlib level of the samples of images not passed through (krilla's, the
/// writer before: same sizes).
const SAMPLE_LEVEL: u32 = 6;

/// Colour and alpha of `image` deflated into `spool` (alpha only when some
/// pixel is not opaque; deeper samples made 8-bit).
fn samples(image: DynamicImage, icc: Option<&[u8]>, spool: &Spool) -> std::io::Result<SampleData> {
    let grey = !image.color().has_color();
    let (color, alpha) = match (grey, image.color().has_alpha()) {
        (true, false) => (image.into_luma8().into_raw(), None),
        (false, false) => (image.into_rgb8().into_raw(), None),
        (true, true) => split_alpha(&image.into_luma_alpha8().into_raw(), 2),
        (false, true) => split_alpha(&image.into_rgba8().into_raw(), 4),
    };
    let color = spool.put(&deflate(&color)?)?;
    let alpha = match alpha {
        Some(alpha) => Some(spool.put(&deflate(&alpha)?)?),
        None => None,
    };
    let icc = match icc {
        Some(profile) => Some(spool.put(profile)?),
        None => None,
    };
    Ok(SampleData {
        grey,
        color,
        alpha,
        icc,
    })
}

/// Interleaved samples of `channels` bytes, the last one alpha → (colour,
/// alpha); no alpha when every pixel is opaque.
fn split_alpha(samples: &[u8], channels: usize) -> (Vec<u8>, Option<Vec<u8>>) {
    let pixels = samples.chunks_exact(channels);
    let mut color = Vec::with_capacity(samples.len() / channels * (channels - 1));
    let mut alpha = Vec::with_capacity(samples.len() / channels);
    for pixel in pixels {
        if let Some((a, c)) = pixel.split_last() {
            color.extend_from_slice(c);
            alpha.push(*a);
        }
    }
    let opaque = alpha.iter().all(|&a| a == 255);
    (color, (!opaque).then_some(alpha))
}

/// `data` compressed as a zlib stream (PDF's `FlateDecode`) at `level`:
/// image samples here, object and cross-reference streams in `pdf::objstm`.
pub(crate) fn zlib(data: &[u8], level: u32) -> std::io::Result<Vec<u8>> {
    let mut encoder = ZlibEncoder::new(Vec::with_capacity(data.len() / 4), Compression::new(level));
    encoder.write_all(data)?;
    encoder.finish()
}

fn deflate(data: &[u8]) -> std::io::Result<Vec<u8>> {
    zlib(data, SAMPLE_LEVEL)
}

/// The chunks of a PNG file that decide how it goes into a PDF.
struct PngChunks {
    header: PngHeader,
    transparency: bool,
    palette: Option<Range<usize>>,
    icc: Option<Range<usize>>,
    idat: Vec<Range<usize>>,
}

impl PngChunks {
    /// The passed-through form, when PDF can read the `IDAT` data as it is.
    fn passthrough(&self) -> Option<PngData> {
        // 16-bit samples with PNG predictors are misread by poppler (the
        // samples come back shifted): those are decoded and made 8-bit.
        let PngHeader {
            bit_depth,
            color_type,
            interlaced,
        } = self.header;
        if interlaced || self.transparency || self.idat.is_empty() || bit_depth > 8 {
            return None;
        }
        let (colors, palette) = match color_type {
            0 => (1, None),
            2 => (3, None),
            3 => (1, Some(self.palette.clone()?)),
            _ => return None,
        };
        Some(PngData {
            colors,
            bits: bit_depth,
            palette,
            icc: self.icc.clone(),
            idat: self.idat.clone(),
        })
    }
}

/// Reads a PNG's chunk list (`None` when it is not one).
fn read_png(bytes: &[u8]) -> Option<PngChunks> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    let mut at = SIGNATURE.len();
    if bytes.get(..at)? != SIGNATURE {
        return None;
    }
    let mut png: Option<PngChunks> = None;
    while let Some(head) = bytes.get(at..at + 8) {
        let len = usize::try_from(u32::from_be_bytes(head.get(..4)?.try_into().ok()?)).ok()?;
        let kind = head.get(4..8)?;
        let data = at + 8..at.checked_add(8)?.checked_add(len)?;
        let payload = bytes.get(data.clone())?;
        match (kind, png.as_mut()) {
            (b"IHDR", None) => {
                png = Some(PngChunks {
                    header: png_header(bytes)?,
                    transparency: false,
                    palette: None,
                    icc: None,
                    idat: Vec::new(),
                });
            }
            (b"PLTE", Some(png)) => png.palette = Some(data.clone()),
            (b"tRNS", Some(png)) => png.transparency = true,
            (b"iCCP", Some(png)) => {
                // Name, NUL, compression method 0, then the zlib stream.
                let name = payload.iter().position(|&b| b == 0)?;
                let grey = matches!(png.header.color_type, 0 | 4);
                if payload.get(name + 1) == Some(&0)
                    && usable_icc(payload.get(name + 2..).unwrap_or_default(), grey)
                {
                    png.icc = Some(data.start + name + 2..data.end);
                }
            }
            (b"IDAT", Some(png)) => png.idat.push(data.clone()),
            (b"IEND", Some(_)) => break,
            (_, None) => return None,
            _ => {}
        }
        at = data.end.checked_add(4)?; // CRC
    }
    png
}

/// Whether a zlib-compressed ICC profile is one a PDF reader can take for
/// the image: it inflates (to at most 16 MiB), has the profile signature,
/// and describes grey or RGB as the image's samples are. A profile that
/// does not is left out (the image is device grey or RGB), never written
/// for a reader to reject.
fn usable_icc(zlib: &[u8], grey: bool) -> bool {
    use std::io::Read;
    let mut profile = Vec::new();
    let inflated = flate2::read::ZlibDecoder::new(zlib)
        .take(16 << 20)
        .read_to_end(&mut profile);
    let space: &[u8] = if grey { b"GRAY" } else { b"RGB " };
    inflated.is_ok()
        && profile.len() >= 128
        && profile.get(36..40) == Some(b"acsp")
        && profile.get(16..20) == Some(space)
}

/// A JPEG's components, when PDF's `DCTDecode` reads it as it is: 8-bit
/// samples in 1, 3 or 4 components.
fn jpeg_data(bytes: &[u8]) -> Option<JpegData> {
    let mut at = 2;
    if bytes.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut adobe = false;
    loop {
        // Markers may be padded with 0xFF bytes.
        while bytes.get(at)? == &0xFF && bytes.get(at + 1)? == &0xFF {
            at += 1;
        }
        if bytes.get(at)? != &0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        let len = usize::from(u16::from_be_bytes([
            *bytes.get(at + 2)?,
            *bytes.get(at + 3)?,
        ]));
        let segment = bytes.get(at + 4..at + 2 + len)?;
        match marker {
            0xEE if segment.starts_with(b"Adobe") => adobe = true,
            // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let precision = *segment.first()?;
                let components = *segment.get(5)?;
                if precision != 8 || !matches!(components, 1 | 3 | 4) {
                    return None;
                }
                return Some(JpegData {
                    components,
                    inverted: adobe && components == 4,
                });
            }
            // Start of scan before a frame header: not a JPEG we know.
            0xDA => return None,
            _ => {}
        }
        at += 2 + len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Luma, LumaA, Rgb, Rgba};

    fn png(image: &DynamicImage) -> Vec<u8> {
        super::super::images::encode_png(image).expect("encodes")
    }

    fn spooled(spool: &Spool, at: Spooled) -> Vec<u8> {
        let mut out = Vec::new();
        spool.copy_to(at, &mut out).expect("reads");
        out
    }

    fn inflate(data: &[u8]) -> Vec<u8> {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(data)
            .read_to_end(&mut out)
            .expect("inflates");
        out
    }

    /// Pixels that cannot be had: a passed-through image stays so.
    fn undecoded() -> Result<DynamicImage, String> {
        Err("not decoded".into())
    }

    #[test]
    fn an_opaque_rgb_png_is_passed_through_and_its_idat_inflates_to_filtered_rows() {
        let image = DynamicImage::ImageRgb8(ImageBuffer::from_fn(5, 3, |x, y| {
            Rgb([x as u8 * 40, y as u8 * 80, 7])
        }));
        let bytes = png(&image);
        let form = pdf_image(&bytes, ImageFormat::Png, undecoded, &Spool::default());
        let Ok(PdfImage::Png(data)) = form else {
            panic!("passed through: {form:?}");
        };
        assert_eq!(
            (
                data.colors,
                data.bits,
                data.palette.clone(),
                data.icc.clone()
            ),
            (3, 8, None, None)
        );
        let stream: Vec<u8> = data
            .idat
            .iter()
            .flat_map(|r| bytes[r.clone()].to_vec())
            .collect();
        assert_eq!(stream.len(), data.data_len());
        // Each row: a filter byte, then 5 RGB pixels.
        let rows = inflate(&stream);
        assert_eq!(rows.len(), 3 * (1 + 5 * 3));
    }

    #[test]
    fn grey_and_palette_pngs_are_passed_through_with_their_palette() {
        let grey = DynamicImage::ImageLuma8(ImageBuffer::from_pixel(4, 4, Luma([9])));
        let form = pdf_image(&png(&grey), ImageFormat::Png, undecoded, &Spool::default());
        assert!(matches!(
            form,
            Ok(PdfImage::Png(PngData {
                colors: 1,
                bits: 8,
                ..
            }))
        ));
        // A 2-bit palette PNG written by hand: IHDR, PLTE (2 colours), IDAT.
        let palette = palette_png();
        let form = pdf_image(&palette, ImageFormat::Png, undecoded, &Spool::default());
        let Ok(PdfImage::Png(data)) = form else {
            panic!("passed through: {form:?}");
        };
        assert_eq!((data.colors, data.bits), (1, 2));
        assert_eq!(
            data.palette.map(|r| palette[r].to_vec()),
            Some(vec![255, 0, 0, 0, 0, 255])
        );
    }

    #[test]
    fn a_png_stored_larger_than_its_deflated_samples_goes_in_as_samples() {
        // A flat 200 × 100 screenshot whose IDAT is stored uncompressed.
        let (width, height) = (200u32, 100u32);
        let mut rows = Vec::new();
        for _ in 0..height {
            rows.push(0);
            rows.extend([240u8, 240, 240].repeat(width as usize));
        }
        let mut stored = ZlibEncoder::new(Vec::new(), Compression::none());
        stored.write_all(&rows).expect("stored");
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        bytes.extend(chunk(b"IHDR", &ihdr));
        bytes.extend(chunk(b"IDAT", &stored.finish().expect("stored")));
        bytes.extend(chunk(b"IEND", &[]));
        let flat =
            DynamicImage::ImageRgb8(ImageBuffer::from_pixel(width, height, Rgb([240, 240, 240])));
        let spool = Spool::default();
        let form = pdf_image(&bytes, ImageFormat::Png, || Ok(flat), &spool);
        let Ok(PdfImage::Samples(data)) = form else {
            panic!("samples: {form:?}");
        };
        assert!(data.color.len() < 1000, "{}", data.color.len());
        assert_eq!(inflate(&spooled(&spool, data.color)), [240].repeat(60_000));
        // Without the pixels, the file's stream is used as it is.
        let form = pdf_image(&bytes, ImageFormat::Png, undecoded, &spool);
        assert!(matches!(form, Ok(PdfImage::Png(_))));
    }

    fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
        out
    }

    fn palette_png() -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = 4u32.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&1u32.to_be_bytes());
        ihdr.extend_from_slice(&[2, 3, 0, 0, 0]);
        bytes.extend(chunk(b"IHDR", &ihdr));
        bytes.extend(chunk(b"PLTE", &[255, 0, 0, 0, 0, 255]));
        bytes.extend(chunk(
            b"IDAT",
            &deflate(&[0, 0b0001_1011]).expect("deflates"),
        ));
        bytes.extend(chunk(b"IEND", &[]));
        bytes
    }

    #[test]
    fn transparency_and_interlacing_are_decoded_into_spooled_samples() {
        let rgba = DynamicImage::ImageRgba8(ImageBuffer::from_fn(3, 2, |x, _| {
            Rgba([10, 20, 30, if x == 0 { 0 } else { 255 }])
        }));
        let spool = Spool::default();
        let decoded = rgba.clone();
        let form = pdf_image(&png(&rgba), ImageFormat::Png, || Ok(decoded), &spool);
        let Ok(PdfImage::Samples(data)) = form else {
            panic!("samples: {form:?}");
        };
        assert!(!data.grey);
        assert_eq!(
            inflate(&spooled(&spool, data.color)),
            [10, 20, 30].repeat(6)
        );
        let alpha = data.alpha.map(|a| inflate(&spooled(&spool, a)));
        assert_eq!(alpha, Some(vec![0, 255, 255, 0, 255, 255]));
        // Alpha that is opaque everywhere is no alpha.
        let opaque = DynamicImage::ImageLumaA8(ImageBuffer::from_pixel(2, 2, LumaA([3, 255])));
        let decoded = opaque.clone();
        let form = pdf_image(&png(&opaque), ImageFormat::Png, || Ok(decoded), &spool);
        assert!(matches!(
            form,
            Ok(PdfImage::Samples(SampleData {
                grey: true,
                alpha: None,
                ..
            }))
        ));
    }

    #[test]
    fn an_icc_profile_is_kept_only_when_it_fits_the_samples() {
        let mut profile = vec![0u8; 132];
        profile[16..20].copy_from_slice(b"RGB ");
        profile[36..40].copy_from_slice(b"acsp");
        let zlib = deflate(&profile).expect("deflates");
        assert!(usable_icc(&zlib, false));
        assert!(!usable_icc(&zlib, true), "an RGB profile for grey samples");
        assert!(!usable_icc(&zlib[..zlib.len() / 2], false), "truncated");
        assert!(
            !usable_icc(&deflate(&profile[..100]).expect("deflates"), false),
            "too short"
        );
        // In a PNG: after the name, a NUL and compression method 0.
        let image = DynamicImage::ImageRgb8(ImageBuffer::from_pixel(3, 3, Rgb([1, 2, 3])));
        let plain = png(&image);
        let mut iccp = b"sRGB\0\0".to_vec();
        iccp.extend_from_slice(&zlib);
        // IHDR ends at byte 33: the profile goes right after it.
        let with_icc = [&plain[..33], &chunk(b"iCCP", &iccp), &plain[33..]].concat();
        let form = pdf_image(&with_icc, ImageFormat::Png, undecoded, &Spool::default());
        let Ok(PdfImage::Png(data)) = form else {
            panic!("passed through: {form:?}");
        };
        assert_eq!(data.icc.map(|r| with_icc[r].to_vec()), Some(zlib));
    }

    #[test]
    fn jpegs_are_passed_through_and_adobe_cmyk_is_marked_inverted() {
        let rgb = DynamicImage::ImageRgb8(ImageBuffer::from_pixel(8, 8, Rgb([200, 100, 50])));
        let bytes = super::super::images::encode_jpeg(&rgb, 90).expect("encodes");
        let form = pdf_image(&bytes, ImageFormat::Jpeg, undecoded, &Spool::default());
        assert_eq!(
            form,
            Ok(PdfImage::Jpeg(JpegData {
                components: 3,
                inverted: false
            }))
        );
        // SOI, APP14 "Adobe", SOF0 with 4 components.
        let mut cmyk = vec![0xFF, 0xD8, 0xFF, 0xEE, 0x00, 0x0E];
        cmyk.extend_from_slice(b"Adobe\x00\x64\x00\x00\x00\x00\x02");
        cmyk.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x14, 8, 0, 1, 0, 1, 4]);
        cmyk.extend_from_slice(&[1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0]);
        assert_eq!(
            jpeg_data(&cmyk),
            Some(JpegData {
                components: 4,
                inverted: true
            })
        );
        // 12-bit samples are not for DCTDecode.
        let mut deep = cmyk.clone();
        if let Some(precision) = deep.get_mut(22) {
            *precision = 12;
        }
        assert_eq!(jpeg_data(&deep), None);
    }

    #[test]
    fn broken_files_are_decoded_and_never_panic() {
        let spool = Spool::default();
        for bytes in [
            &b""[..],
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR",
            b"\x89PNG\r\n\x1a\nxx",
        ] {
            assert!(read_png(bytes).is_none());
            let form = pdf_image(
                bytes,
                ImageFormat::Png,
                || Err("undecodable".into()),
                &spool,
            );
            assert_eq!(form, Err("undecodable".to_string()));
        }
        assert_eq!(jpeg_data(&[0xFF, 0xD8, 0xFF]), None);
        assert_eq!(jpeg_data(&[0xFF, 0xD8, 0xFF, 0xC0, 0xFF, 0xFF]), None);
    }
}
