//! Image loading shared by the PDF and EPUB renderers: each file is read,
//! checked and measured once per build, with bounded decoding.
//!
//! Input: an [`ImageRef`](crate::model::ImageRef) path. Output: an
//! [`Arc<LoadedImage>`] with the original bytes, format and pixel size, or an
//! [`ImageError`] that renderers turn into a diagnostic at the figure's span.
//!
//! Loading reads at most [`DecodeLimits::max_file_bytes`], detects the format
//! from the content (never the file name) and decodes the whole image once
//! under the `image` crate's [`Limits`](image::Limits), so a truncated or
//! corrupt file or a decompression bomb is an [`ImageError`] here and never a
//! panic or an unbounded allocation later. An EXIF orientation is applied
//! here (the image is re-encoded upright). The decoded pixels are dropped
//! after the build's outputs had what they need of them
//! ([`ImageStore::load_for`], [`ImageNeeds`]): in a build with PDFs the
//! image's PDF form is decided (`assets::pdf_image`: most files are passed
//! through; the others' pixels are deflated into the store's spool), in a build with EPUBs an image longer than the EPUB's long
//! side is scaled down from them (so the EPUB does not decode it again);
//! renderers that need pixels call [`ImageStore::decode`] (same limits), and
//! the helpers [`downscale_to_long_side`], [`encode_png`] and [`encode_jpeg`]
//! build what an output format needs. [`ImageStore::prepared`] caches one
//! web-ready version per image and size (used by EPUB), so three regions share
//! one conversion (downscaled with fast_image_resize); likewise each
//! [`LoadedImage`] holds the one PDF form that every region's PDF embeds.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder};

use super::pdf_image::{PdfImage, pdf_image};
use super::spool::Spool;

use super::format::png_header;
pub(crate) use super::format::{ImageFormat, PngHeader};

/// A checked image: the facts renderers need, and where its bytes are
/// (the file, or bytes re-encoded upright when the file's EXIF orientation
/// turns it).
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
    /// Where its bytes are ([`LoadedImage::bytes`]).
    content: Content,
    /// The IHDR facts of a PNG.
    png: Option<PngHeader>,
    /// How the PDF embeds this file ([`super::pdf_image`]), decided once
    /// per build and shared by every region's PDF: at the check when the
    /// build writes PDFs, else by `pdf::images` on first use; an error
    /// message when the image cannot be embedded.
    pub(crate) pdf: OnceLock<Result<PdfImage, String>>,
}

/// Where a checked image's bytes are. A build does not keep its image
/// files in memory: a handbook with a screenshot per step has hundreds of
/// megabytes of them, which each output reads again, one file at a time,
/// when it writes the image (from the page cache, usually).
#[derive(Debug)]
enum Content {
    /// The file as it was checked: its length and CRC-32, so a file
    /// changed since (an editor saving during the build) is an error, never
    /// other bytes under the checked facts.
    File { len: u64, crc: u32 },
    /// Bytes made at the check (a picture turned upright), kept.
    Memory(Arc<[u8]>),
}

impl LoadedImage {
    /// The image's bytes: the file's, read again and checked to be the
    /// bytes that were checked; or, when its EXIF orientation turns the
    /// picture, the upright pixels re-encoded at the check (JPEG stays
    /// JPEG, other formats become PNG), so every renderer shows it upright.
    pub fn bytes(&self) -> Result<Arc<[u8]>, ImageError> {
        let (len, crc) = match &self.content {
            Content::Memory(bytes) => return Ok(Arc::clone(bytes)),
            Content::File { len, crc } => (*len, *crc),
        };
        let changed = || ImageError::Read {
            path: self.path.clone(),
            reason: "the file changed during the build".into(),
        };
        let bytes = read_bounded(&self.path, len).map_err(|e| match e {
            ImageError::Read { reason, .. } if reason.starts_with("file is larger") => changed(),
            other => other,
        })?;
        if bytes.len() as u64 != len || crc32(&bytes) != crc {
            return Err(changed());
        }
        Ok(bytes.into())
    }

    /// The length of [`LoadedImage::bytes`].
    pub fn byte_len(&self) -> u64 {
        match &self.content {
            Content::File { len, .. } => *len,
            Content::Memory(bytes) => bytes.len() as u64,
        }
    }

    /// The IHDR facts of a PNG image; `None` for other formats.
    pub fn png_header(&self) -> Option<PngHeader> {
        self.png
    }

    /// The length of the longer side in pixels.
    pub fn long_side(&self) -> u32 {
        self.width.max(self.height)
    }
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
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

impl ImageError {
    fn decode(path: &Path, reason: impl Into<String>) -> ImageError {
        ImageError::Decode {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
}

/// The one diagnostic for an image (a figure or an image inside text) whose
/// file cannot be used, made here for `check` and both renderers alike (so
/// the driver's deduplication reports it once): the image as written in the
/// page (`src`), at `span`, the reason, and one hint. The file's absolute
/// path is not printed.
pub(crate) fn image_diagnostic(
    src: &str,
    span: crate::diag::Span,
    error: &ImageError,
) -> crate::diag::Diagnostic {
    let (verb, reason) = match error {
        ImageError::Read { reason, .. } => ("read", reason),
        ImageError::Decode { reason, .. } => ("decode", reason),
    };
    crate::diag::Diagnostic::error(span, format!("cannot {verb} image `{src}`: {reason}"))
        .with_code(crate::diag::Code::UnusableImage)
        .with_hint("replace the file with a png, jpeg, gif, webp or bmp image, or fix the `src`")
}

/// Bounds applied to every image file and decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Largest width or height accepted, in pixels.
    pub max_side: u32,
    /// Largest memory the decoder may allocate at once, in bytes.
    pub max_alloc: u64,
}

impl Default for DecodeLimits {
    /// 64 MiB files, 65000 px sides (a full-page screenshot of 1440 × 20000
    /// is an image like any other), 512 MiB decoder memory: the memory bound
    /// is what keeps a large image from exhausting the machine, so an image
    /// of 12000 × 12000 RGB pixels passes and one of 20000 × 20000 does not.
    fn default() -> DecodeLimits {
        DecodeLimits {
            max_file_bytes: 64 * 1024 * 1024,
            max_side: 65_000,
            max_alloc: 512 * 1024 * 1024,
        }
    }
}

impl DecodeLimits {
    fn to_image_limits(self) -> image::Limits {
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(self.max_side);
        limits.max_image_height = Some(self.max_side);
        limits.max_alloc = Some(self.max_alloc);
        limits
    }
}

/// An image ready for a reflowable output: a core media type (PNG, JPEG or
/// GIF), 8-bit, not interlaced, and no longer than the requested long side.
#[derive(Debug)]
pub struct PreparedImage {
    /// Output format (never WebP or BMP).
    pub format: ImageFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Its bytes ([`PreparedImage::bytes`]).
    bytes: PreparedBytes,
}

/// Where a prepared image's bytes are.
#[derive(Debug)]
enum PreparedBytes {
    /// The image's own bytes, unchanged.
    Source(Arc<LoadedImage>),
    /// A copy made for the output (scaled down, re-encoded).
    Encoded(Arc<[u8]>),
}

impl PreparedImage {
    /// The encoded bytes: the image file's own when it needed no change
    /// (read when asked for, [`LoadedImage::bytes`]).
    pub fn bytes(&self) -> Result<Arc<[u8]>, ImageError> {
        match &self.bytes {
            PreparedBytes::Source(image) => image.bytes(),
            PreparedBytes::Encoded(bytes) => Ok(Arc::clone(bytes)),
        }
    }
}

/// A cache slot: filled once by whichever thread gets there first.
type Slot<T> = Arc<OnceLock<Result<Arc<T>, ImageError>>>;

/// Thread-safe cache of loaded images. Clones share one cache: `tebiki
/// watch` keeps a store across rebuilds while no image or layout file changes
/// (see `watch::run`), so an edited page does not decode images again.
#[derive(Debug, Default, Clone)]
pub struct ImageStore {
    limits: DecodeLimits,
    loaded: Shared<PathBuf, LoadedImage>,
    prepared: Shared<(PathBuf, u32), PreparedImage>,
    /// Images being loaded now by [`ImageStore::load_unless_busy`].
    loading: Arc<Mutex<BTreeSet<PathBuf>>>,
    /// The PDF samples of images that are not passed through.
    spool: Arc<Spool>,
}

/// A cache map shared by a store's clones.
type Shared<K, T> = Arc<Mutex<BTreeMap<K, Slot<T>>>>;

impl ImageStore {
    /// An empty store with default decoding limits.
    pub fn new() -> ImageStore {
        ImageStore::default()
    }

    /// An empty store with the given limits.
    pub fn with_limits(limits: DecodeLimits) -> ImageStore {
        ImageStore {
            limits,
            ..ImageStore::default()
        }
    }

    /// The limits this store decodes with.
    pub fn limits(&self) -> DecodeLimits {
        self.limits
    }

    /// Where the PDF samples of this store's images are kept.
    pub(crate) fn spool(&self) -> &Spool {
        &self.spool
    }

    /// [`ImageStore::spool`], shared with a PDF written later.
    pub(crate) fn spool_handle(&self) -> Arc<Spool> {
        Arc::clone(&self.spool)
    }

    /// Loads (once) and returns the image at `path`.
    pub fn load(&self, path: &Path) -> Result<Arc<LoadedImage>, ImageError> {
        self.load_for(path, ImageNeeds::default())
    }

    /// Loads (once) and returns the image at `path`, doing right away with
    /// the pixels the check decodes what the build's outputs need of them,
    /// so the file is decoded once per build, not twice: with
    /// [`ImageNeeds::pdf`], the image's PDF form ([`LoadedImage::pdf`],
    /// `assets::pdf_image`); with [`ImageNeeds::epub`], the EPUB's scaled-down
    /// copy of an image longer than the EPUB's long side (the one
    /// [`ImageStore::prepared`] then returns).
    pub fn load_for(&self, path: &Path, needs: ImageNeeds) -> Result<Arc<LoadedImage>, ImageError> {
        let slot = slot_for(&self.loaded, path.to_path_buf());
        slot.get_or_init(|| {
            let (loaded, scaled) = load_checked(path, self.limits, needs, &self.spool)?;
            if let Some((long_side, prepared)) = scaled {
                let _ = slot_for(&self.prepared, (path.to_path_buf(), long_side))
                    .set(prepared.map(Arc::new));
            }
            Ok(Arc::new(loaded))
        })
        .clone()
    }

    /// [`ImageStore::load_for`], unless another thread is loading the image
    /// with this method right now: then `None`, at once, instead of waiting
    /// for it. Two regions checking the same screenshots side by side thus
    /// decode different files instead of one waiting for the other's
    /// (`driver::check_images` loads the skipped ones after the others).
    pub fn load_unless_busy(
        &self,
        path: &Path,
        needs: ImageNeeds,
    ) -> Option<Result<Arc<LoadedImage>, ImageError>> {
        if let Some(done) = slot_for(&self.loaded, path.to_path_buf()).get() {
            return Some(done.clone());
        }
        let _claim = Claim::new(&self.loading, path)?;
        Some(self.load_for(path, needs))
    }

    /// Decodes the image's pixels under this store's limits.
    pub fn decode(&self, image: &LoadedImage) -> Result<DynamicImage, ImageError> {
        decode_bounded(&image.path, &image.bytes()?, image.format, self.limits)
    }

    /// The image at `path` ready for an e-reader (once per path and size):
    /// passed through unchanged when it is PNG (8-bit or less, not
    /// interlaced), JPEG or GIF and its long side is at most `long_side`;
    /// otherwise decoded, downscaled to `long_side` and re-encoded (JPEG stays
    /// JPEG at `jpeg_quality`, everything else becomes PNG).
    pub fn prepared(
        &self,
        path: &Path,
        long_side: u32,
        jpeg_quality: u8,
    ) -> Result<Arc<PreparedImage>, ImageError> {
        let slot = slot_for(&self.prepared, (path.to_path_buf(), long_side));
        slot.get_or_init(|| {
            let loaded = self.load(path)?;
            self.prepare(loaded, long_side, jpeg_quality).map(Arc::new)
        })
        .clone()
    }

    fn prepare(
        &self,
        image: Arc<LoadedImage>,
        long_side: u32,
        jpeg_quality: u8,
    ) -> Result<PreparedImage, ImageError> {
        let long_side = long_side.max(1);
        let core_format = match image.format {
            ImageFormat::Png => image
                .png_header()
                .is_some_and(|h| h.bit_depth <= 8 && !h.interlaced),
            ImageFormat::Jpeg | ImageFormat::Gif => true,
            ImageFormat::WebP | ImageFormat::Bmp => false,
        };
        if core_format && image.long_side() <= long_side {
            return Ok(PreparedImage {
                format: image.format,
                width: image.width,
                height: image.height,
                bytes: PreparedBytes::Source(image),
            });
        }
        // The full-size pixels are dropped before the copy is encoded.
        let scaled = downscale_to_long_side(self.decode(&image)?, long_side);
        encode_prepared(&image.path, image.format, &scaled, jpeg_quality)
    }
}

/// What a build does with the images it checks ([`ImageStore::load_for`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageNeeds {
    /// The build writes PDFs: the image's PDF form is decided at the check
    /// (from its checked pixels when it is not passed through).
    pub pdf: bool,
    /// The build writes EPUBs whose images are at most this long side, in
    /// pixels, with this JPEG quality (`layouts/epub.toml`'s
    /// `max_image_long_side` and `jpeg_quality`): an image longer than that
    /// is scaled down from the checked pixels.
    pub epub: Option<(u32, u8)>,
}

/// The EPUB's copy of an image: `scaled` (already scaled down) encoded as
/// JPEG when the file (`path`, `source`) is one, else as PNG.
fn encode_prepared(
    path: &Path,
    source: ImageFormat,
    scaled: &DynamicImage,
    jpeg_quality: u8,
) -> Result<PreparedImage, ImageError> {
    let (format, bytes) = if source == ImageFormat::Jpeg {
        (ImageFormat::Jpeg, encode_jpeg(scaled, jpeg_quality))
    } else {
        (ImageFormat::Png, encode_png(scaled))
    };
    let bytes = bytes.map_err(|e| ImageError::decode(path, e.to_string()))?;
    Ok(PreparedImage {
        format,
        width: scaled.width(),
        height: scaled.height(),
        bytes: PreparedBytes::Encoded(bytes.into()),
    })
}

/// The EPUB's scaled-down copy made from the checked pixels, keyed by the
/// long side it was made for; `None` when the EPUB takes the image at its
/// size (or there is no EPUB).
type ScaledForEpub = Option<(u32, Result<PreparedImage, ImageError>)>;

/// A path claimed in a store's set of images being loaded, until dropped
/// (a panic while loading releases it too).
struct Claim<'a> {
    set: &'a Mutex<BTreeSet<PathBuf>>,
    path: PathBuf,
}

impl<'a> Claim<'a> {
    /// Claims `path`, or `None` when it is claimed already.
    fn new(set: &'a Mutex<BTreeSet<PathBuf>>, path: &Path) -> Option<Claim<'a>> {
        let mut claimed = set.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        claimed.insert(path.to_path_buf()).then(|| Claim {
            set,
            path: path.to_path_buf(),
        })
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        let mut claimed = self
            .set
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        claimed.remove(&self.path);
    }
}

/// The cache slot for `key`, created empty when missing. A poisoned lock
/// (a panic elsewhere while holding it) still yields the map.
fn slot_for<K: Ord, T>(map: &Mutex<BTreeMap<K, Slot<T>>>, key: K) -> Slot<T> {
    let mut map = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    map.entry(key).or_default().clone()
}

/// Reads, identifies and fully decodes the image at `path`; the pixels are
/// dropped once `needs` had what it asks of them (a PNG's PDF image, the
/// EPUB's scaled-down copy, returned beside the image).
fn load_checked(
    path: &Path,
    limits: DecodeLimits,
    needs: ImageNeeds,
    spool: &Spool,
) -> Result<(LoadedImage, ScaledForEpub), ImageError> {
    let bytes = read_bounded(path, limits.max_file_bytes)?;
    let guessed = image::guess_format(&bytes)
        .map_err(|_| ImageError::decode(path, "not a png, jpeg, gif, webp or bmp file"))?;
    let format = ImageFormat::from_image_crate(guessed).ok_or_else(|| {
        ImageError::decode(
            path,
            format!(
                "unsupported format {}",
                guessed.extensions_str().first().unwrap_or(&"?")
            ),
        )
    })?;
    let Decoded {
        image: decoded,
        orientation,
    } = decode_with_orientation(path, &bytes, format, limits)?;
    if orientation == Orientation::NoTransforms {
        let (width, height) = (decoded.width(), decoded.height());
        // The same pixels `ImageStore::prepare` would decode from `bytes`.
        let scaled = needs.epub.and_then(|(long_side, jpeg_quality)| {
            (width.max(height) > long_side.max(1)).then(|| {
                let copy = scaled_down(&decoded, long_side.max(1));
                (
                    long_side,
                    encode_prepared(path, format, &copy, jpeg_quality),
                )
            })
        });
        let pdf = OnceLock::new();
        if needs.pdf {
            let _ = pdf.set(pdf_image(&bytes, format, || Ok(decoded), spool));
        }
        let image = LoadedImage {
            path: path.to_path_buf(),
            format,
            width,
            height,
            content: Content::File {
                len: bytes.len() as u64,
                crc: crc32(&bytes),
            },
            png: png_header(&bytes),
            pdf,
        };
        return Ok((image, scaled));
    }
    // A photo whose EXIF orientation turns it (a phone held upright): the
    // pixels are turned here, once, so the PDF, the EPUB and the layout all
    // see the picture as the camera's owner did.
    let mut upright = decoded;
    upright.apply_orientation(orientation);
    let (format, encoded) = match format {
        ImageFormat::Jpeg => (
            ImageFormat::Jpeg,
            encode_jpeg(&upright, UPRIGHT_JPEG_QUALITY),
        ),
        _ => (ImageFormat::Png, encode_png(&upright)),
    };
    let encoded = encoded.map_err(|e| ImageError::decode(path, e.to_string()))?;
    let image = LoadedImage {
        path: path.to_path_buf(),
        format,
        width: upright.width(),
        height: upright.height(),
        png: png_header(&encoded),
        content: Content::Memory(encoded.into()),
        pdf: OnceLock::new(),
    };
    // The EPUB scales the re-encoded file (a JPEG's pixels differ from
    // these), in `ImageStore::prepare`.
    Ok((image, None))
}

/// JPEG quality of a photo re-encoded upright (its EXIF orientation
/// applied).
const UPRIGHT_JPEG_QUALITY: u8 = 92;

/// A checked file's pixels and the EXIF orientation it asks for.
struct Decoded {
    image: DynamicImage,
    orientation: Orientation,
}

/// Decodes `bytes` as `format` under `limits` and reads the EXIF orientation
/// the file asks for (none when it has no or a broken EXIF block).
fn decode_with_orientation(
    path: &Path,
    bytes: &[u8],
    format: ImageFormat,
    limits: DecodeLimits,
) -> Result<Decoded, ImageError> {
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format.to_image_crate());
    reader.limits(limits.to_image_limits());
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| ImageError::decode(path, describe(&e)))?;
    // As `ImageReader::decode` does: the pixel buffer must fit the budget
    // before it is allocated.
    limits
        .to_image_limits()
        .reserve(decoder.total_bytes())
        .map_err(|e| ImageError::decode(path, describe(&e)))?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image =
        DynamicImage::from_decoder(decoder).map_err(|e| ImageError::decode(path, describe(&e)))?;
    Ok(Decoded { image, orientation })
}

/// Reads a whole image file through the site's one reader (regular files
/// only, at most `max` + 1 bytes read), failing when it is larger than `max`.
fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>, ImageError> {
    use crate::site::{ConfineError, FileKind};
    crate::site::confine::read_capped(path, FileKind::Image, max).map_err(|e| ImageError::Read {
        path: path.to_path_buf(),
        reason: match e {
            ConfineError::TooLarge { .. } => format!("file is larger than {max} bytes"),
            other => other.to_string(),
        },
    })
}

/// Decodes `bytes` as `format` under `limits`; truncated or corrupt data and
/// images over the limits are errors.
pub(crate) fn decode_bounded(
    path: &Path,
    bytes: &[u8],
    format: ImageFormat,
    limits: DecodeLimits,
) -> Result<DynamicImage, ImageError> {
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format.to_image_crate());
    reader.limits(limits.to_image_limits());
    reader
        .decode()
        .map_err(|e| ImageError::decode(path, describe(&e)))
}

/// A short lowercase description of a decoder error.
fn describe(error: &image::ImageError) -> String {
    match error {
        image::ImageError::Limits(_) => "image is larger than the decoding limits".into(),
        image::ImageError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            "file is truncated".into()
        }
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => "unknown decoder error".into(),
            }
        }
    }
}

/// The image scaled down (never up) so its longer side is at most
/// `long_side` pixels, keeping the aspect ratio (each side rounded as the
/// `image` crate's `resize` rounds it); 16-bit and float images become
/// 8-bit. An image already small enough is only converted.
///
/// The scaling is fast_image_resize's Catmull-Rom convolution on the
/// pixels as they are (8-bit straight from the decoded buffer, SIMD): no
/// copy of the source and no `f32` image beside it, where `image`'s own
/// `resize` made both (docs/benchmarks.md, "Round 6: speed").
pub(crate) fn downscale_to_long_side(image: DynamicImage, long_side: u32) -> DynamicImage {
    let long_side = long_side.max(1);
    if image.width().max(image.height()) <= long_side {
        return into_eight_bit(image);
    }
    scaled_down(&image, long_side)
}

/// [`downscale_to_long_side`] of an image longer than `long_side` (at
/// least 1), which it leaves as it is.
fn scaled_down(image: &DynamicImage, long_side: u32) -> DynamicImage {
    let (width, height) = (image.width(), image.height());
    let (new_width, new_height) = scaled_size(width, height, long_side);
    let mut scaled = DynamicImage::new(new_width, new_height, image.color());
    let options = fast_image_resize::ResizeOptions::new().resize_alg(
        fast_image_resize::ResizeAlg::Convolution(fast_image_resize::FilterType::CatmullRom),
    );
    match fast_image_resize::Resizer::new().resize(image, &mut scaled, &options) {
        Ok(()) => into_eight_bit(scaled),
        // A pixel type fast_image_resize does not take (none that `image`
        // decodes today): `image`'s own filter, at 8 bits.
        Err(_) => eight_bit(image).resize(long_side, long_side, FilterType::CatmullRom),
    }
}

/// The image with 8-bit channels (itself when it has them already).
fn into_eight_bit(image: DynamicImage) -> DynamicImage {
    match eight_bit(&image) {
        std::borrow::Cow::Owned(converted) => converted,
        std::borrow::Cow::Borrowed(_) => image,
    }
}

/// The size of a `width` × `height` picture scaled so its longer side is
/// `long_side` (each side rounded, at least 1 pixel).
fn scaled_size(width: u32, height: u32, long_side: u32) -> (u32, u32) {
    let ratio = f64::from(long_side) / f64::from(width.max(height).max(1));
    let side = |n: u32| ((f64::from(n) * ratio).round() as u32).clamp(1, long_side);
    (side(width), side(height))
}

/// The image with 8-bit channels, keeping grey/colour and alpha (borrowed
/// when it already has them).
fn eight_bit(image: &DynamicImage) -> std::borrow::Cow<'_, DynamicImage> {
    use std::borrow::Cow;
    match image {
        DynamicImage::ImageLuma8(_)
        | DynamicImage::ImageLumaA8(_)
        | DynamicImage::ImageRgb8(_)
        | DynamicImage::ImageRgba8(_) => Cow::Borrowed(image),
        DynamicImage::ImageLuma16(_) => Cow::Owned(DynamicImage::ImageLuma8(image.to_luma8())),
        DynamicImage::ImageLumaA16(_) => {
            Cow::Owned(DynamicImage::ImageLumaA8(image.to_luma_alpha8()))
        }
        _ if image.color().has_alpha() => Cow::Owned(DynamicImage::ImageRgba8(image.to_rgba8())),
        _ => Cow::Owned(DynamicImage::ImageRgb8(image.to_rgb8())),
    }
}

/// Encodes as a non-interlaced PNG with 8-bit channels (deterministic bytes).
pub(crate) fn encode_png(image: &DynamicImage) -> Result<Vec<u8>, image::ImageError> {
    let image = eight_bit(image);
    let mut out = Vec::new();
    let encoder =
        PngEncoder::new_with_quality(&mut out, CompressionType::Default, PngFilter::Adaptive);
    image.write_with_encoder(encoder)?;
    Ok(out)
}

/// Encodes as a baseline JPEG at `quality` (1–100); alpha is dropped onto
/// black, so use it for photos and JPEG sources only.
pub(crate) fn encode_jpeg(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, image::ImageError> {
    let image = match image {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => image.clone(),
        _ if !image.color().has_color() => DynamicImage::ImageLuma8(image.to_luma8()),
        _ => DynamicImage::ImageRgb8(image.to_rgb8()),
    };
    let mut out = Vec::new();
    let encoder = JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100));
    image.write_with_encoder(encoder)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GenericImageView, ImageBuffer, Rgba};

    fn png_bytes(width: u32, height: u32) -> Vec<u8> {
        let img = ImageBuffer::from_fn(width, height, |x, y| {
            Rgba([(x % 256) as u8, (y % 256) as u8, 128, 255])
        });
        encode_png(&DynamicImage::ImageRgba8(img)).unwrap_or_default()
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).ok();
        path
    }

    #[test]
    fn loads_png_once_and_detects_format_by_content() {
        let dir = tempfile::tempdir().unwrap();
        // A PNG named .jpg: detection goes by content.
        let path = write(dir.path(), "shot.jpg", &png_bytes(30, 20));
        let store = ImageStore::new();
        let first = store.load(&path).unwrap();
        assert_eq!(first.format, ImageFormat::Png);
        assert_eq!((first.width, first.height), (30, 20));
        let header = first.png_header().unwrap();
        assert_eq!((header.bit_depth, header.interlaced), (8, false));
        let second = store.load(&path).unwrap();
        assert!(Arc::ptr_eq(&first, &second));
    }

    #[test]
    fn an_image_another_thread_is_loading_is_skipped_not_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "shot.png", &png_bytes(30, 20));
        let store = ImageStore::new();
        // Another thread's claim (it is loading the file now): no wait,
        // no load.
        let claim = Claim::new(&store.loading, &path).unwrap();
        assert!(Claim::new(&store.loading, &path).is_none());
        assert!(
            store
                .load_unless_busy(&path, ImageNeeds::default())
                .is_none()
        );
        assert!(slot_for(&store.loaded, path.clone()).get().is_none());
        drop(claim);
        // Free again: loaded once, and the claim released after loading.
        let loaded = store.load_unless_busy(&path, ImageNeeds::default());
        let loaded = loaded.unwrap().unwrap();
        assert_eq!((loaded.width, loaded.height), (30, 20));
        assert!(store.loading.lock().unwrap().is_empty());
        assert!(Arc::ptr_eq(&loaded, &store.load(&path).unwrap()));
        // A loaded image is returned even while claimed.
        let _claim = Claim::new(&store.loading, &path).unwrap();
        let again = store.load_unless_busy(&path, ImageNeeds::default());
        assert!(Arc::ptr_eq(&loaded, &again.unwrap().unwrap()));
        // Errors are results like any other.
        let missing = dir.path().join("missing.png");
        let failed = store.load_unless_busy(&missing, ImageNeeds::default());
        assert!(matches!(failed, Some(Err(_))));
    }

    #[test]
    fn truncated_corrupt_missing_and_non_images_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let full = png_bytes(64, 64);
        let truncated = write(dir.path(), "t.png", &full[..full.len() / 2]);
        let mut corrupt_bytes = full.clone();
        let mid = corrupt_bytes.len() / 2;
        for b in &mut corrupt_bytes[mid..mid + 16] {
            *b ^= 0x5a;
        }
        let corrupt = write(dir.path(), "c.png", &corrupt_bytes);
        let text = write(
            dir.path(),
            "x.png",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        );
        let empty = write(dir.path(), "e.png", b"");
        let store = ImageStore::new();
        for path in [&truncated, &corrupt, &text, &empty] {
            let err = store.load(path).unwrap_err();
            assert!(matches!(err, ImageError::Decode { .. }), "{path:?}: {err}");
        }
        let missing = store.load(&dir.path().join("none.png")).unwrap_err();
        assert!(matches!(missing, ImageError::Read { .. }));
        assert!(missing.to_string().starts_with("cannot read image"));
    }

    #[test]
    fn dimension_bomb_is_rejected_before_allocation() {
        // A valid PNG header claiming 100000 x 100000 pixels.
        let mut bytes = png_bytes(1, 1);
        bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc_of(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "bomb.png", &bytes);
        let err = ImageStore::new().load(&path).unwrap_err();
        assert!(err.to_string().contains("limits"), "{err}");
    }

    #[test]
    fn oversized_file_is_a_read_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "big.png", &png_bytes(40, 40));
        let store = ImageStore::with_limits(DecodeLimits {
            max_file_bytes: 10,
            ..DecodeLimits::default()
        });
        assert!(matches!(
            store.load(&path).unwrap_err(),
            ImageError::Read { .. }
        ));
    }

    /// Whether `store` holds an EPUB copy of `path` for `long_side` (made,
    /// not merely asked for).
    fn has_prepared(store: &ImageStore, path: &Path, long_side: u32) -> bool {
        let map = store.prepared.lock().unwrap();
        map.get(&(path.to_path_buf(), long_side))
            .is_some_and(|slot| slot.get().is_some())
    }

    #[test]
    fn the_check_scales_the_epub_copy_from_its_pixels_as_the_epub_would() {
        let dir = tempfile::tempdir().unwrap();
        let clear = ImageBuffer::from_fn(300, 120, |x, y| {
            Rgba([(x % 256) as u8, (y % 256) as u8, 128, (x % 200) as u8])
        });
        let clear = encode_png(&DynamicImage::ImageRgba8(clear)).unwrap();
        let png = write(dir.path(), "wide.png", &clear);
        let small = write(dir.path(), "small.png", &png_bytes(100, 40));
        let photo = ImageBuffer::from_fn(240, 160, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
        });
        let jpeg = encode_jpeg(&DynamicImage::ImageRgb8(photo), 90).unwrap();
        let jpeg = write(dir.path(), "photo.jpg", &jpeg);
        let needs = ImageNeeds {
            pdf: true,
            epub: Some((150, 85)),
        };
        let store = ImageStore::new();
        for path in [&png, &small, &jpeg] {
            store.load_for(path, needs).unwrap();
        }
        // Made by the check for the images the EPUB scales down, only.
        assert!(has_prepared(&store, &png, 150));
        assert!(has_prepared(&store, &jpeg, 150));
        assert!(!has_prepared(&store, &small, 150));
        for path in [&png, &small, &jpeg] {
            let checked = store.prepared(path, 150, 85).unwrap();
            let decoded_again = ImageStore::new().prepared(path, 150, 85).unwrap();
            assert_eq!(
                checked.bytes().unwrap(),
                decoded_again.bytes().unwrap(),
                "{}",
                path.display()
            );
            assert_eq!(
                (checked.format, checked.width, checked.height),
                (
                    decoded_again.format,
                    decoded_again.width,
                    decoded_again.height
                )
            );
        }
        assert_eq!(
            store.prepared(&jpeg, 150, 85).unwrap().format,
            ImageFormat::Jpeg
        );
        // The PNG's pixels still became its PDF image.
        assert!(store.load(&png).unwrap().pdf.get().is_some());
        // Without an EPUB nothing is scaled.
        let pdf_only = ImageStore::new();
        pdf_only
            .load_for(
                &png,
                ImageNeeds {
                    pdf: true,
                    epub: None,
                },
            )
            .unwrap();
        assert!(!has_prepared(&pdf_only, &png, 150));
    }

    #[test]
    fn the_bytes_are_read_again_and_a_file_changed_since_the_check_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = png_bytes(30, 10);
        let path = write(dir.path(), "p.png", &bytes);
        let loaded = ImageStore::new().load(&path).unwrap();
        assert_eq!(loaded.byte_len(), bytes.len() as u64);
        assert_eq!(&*loaded.bytes().unwrap(), &bytes[..]);
        // Same length, other bytes; then longer; then gone.
        let mut other = bytes.clone();
        if let Some(last) = other.last_mut() {
            *last ^= 1;
        }
        for changed in [other, [&bytes[..], b"x"].concat()] {
            std::fs::write(&path, &changed).unwrap();
            let error = loaded.bytes().unwrap_err().to_string();
            assert!(error.contains("changed during the build"), "{error}");
        }
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(loaded.bytes(), Err(ImageError::Read { .. })));
    }

    #[test]
    fn prepared_passes_small_png_through_and_downscales_large() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "p.png", &png_bytes(300, 100));
        let store = ImageStore::new();
        let same = store.prepared(&path, 1600, 85).unwrap();
        assert_eq!(
            same.bytes().unwrap(),
            store.load(&path).unwrap().bytes().unwrap()
        );
        let small = store.prepared(&path, 150, 85).unwrap();
        assert_eq!(
            (small.width, small.height, small.format),
            (150, 50, ImageFormat::Png)
        );
        let again = store.prepared(&path, 150, 85).unwrap();
        assert!(Arc::ptr_eq(&small, &again));
    }

    #[test]
    fn sixteen_bit_and_bmp_are_converted_to_eight_bit_png() {
        let dir = tempfile::tempdir().unwrap();
        let deep = image::ImageBuffer::from_fn(8, 4, |x, _| image::Luma([x as u16 * 4000]));
        let mut deep_bytes = Vec::new();
        DynamicImage::ImageLuma16(deep)
            .write_with_encoder(PngEncoder::new(&mut deep_bytes))
            .unwrap();
        let deep_path = write(dir.path(), "deep.png", &deep_bytes);
        let mut bmp_bytes = Vec::new();
        DynamicImage::ImageRgb8(ImageBuffer::new(5, 5))
            .write_to(&mut Cursor::new(&mut bmp_bytes), image::ImageFormat::Bmp)
            .unwrap();
        let bmp_path = write(dir.path(), "a.bmp", &bmp_bytes);
        let store = ImageStore::new();
        for path in [deep_path, bmp_path] {
            let prepared = store.prepared(&path, 1600, 85).unwrap();
            assert_eq!(prepared.format, ImageFormat::Png);
            let reloaded = write(dir.path(), "out.png", &prepared.bytes().unwrap());
            let check = ImageStore::new().load(&reloaded).unwrap();
            assert_eq!(check.png_header().map(|h| h.bit_depth), Some(8));
        }
    }

    #[test]
    fn interlaced_png_is_reencoded_without_interlacing() {
        // For a 1 x 1 image the Adam7 data equals the plain data, so setting
        // the IHDR interlace flag (and its CRC) gives a valid interlaced PNG.
        let mut bytes = png_bytes(1, 1);
        bytes[28] = 1;
        let crc = crc_of(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "adam7.png", &bytes);
        let store = ImageStore::new();
        assert_eq!(
            store
                .load(&path)
                .unwrap()
                .png_header()
                .map(|h| h.interlaced),
            Some(true)
        );
        let prepared = store.prepared(&path, 1600, 85).unwrap();
        assert_ne!(&*prepared.bytes().unwrap(), &bytes[..]);
        let out = write(dir.path(), "plain.png", &prepared.bytes().unwrap());
        let header = ImageStore::new().load(&out).unwrap().png_header();
        assert_eq!(header.map(|h| h.interlaced), Some(false));
    }

    #[test]
    fn jpeg_stays_jpeg_when_downscaled() {
        let img = DynamicImage::ImageRgb8(ImageBuffer::from_fn(200, 400, |x, y| {
            image::Rgb([x as u8, y as u8, 0])
        }));
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "photo.jpeg", &encode_jpeg(&img, 90).unwrap());
        let prepared = ImageStore::new().prepared(&path, 100, 80).unwrap();
        assert_eq!(
            (prepared.format, prepared.width, prepared.height),
            (ImageFormat::Jpeg, 50, 100)
        );
    }

    #[test]
    fn downscale_matches_the_image_crates_catmull_rom() {
        // A screenshot-like picture: smooth gradients, hard edges, text-
        // sized detail; odd sizes so the rounding of each side shows.
        let picture = ImageBuffer::from_fn(2561, 1603, |x, y| {
            let edge = if (x / 37 + y / 23) % 2 == 0 { 40 } else { 215 };
            let fine = if x % 7 == 0 || y % 5 == 0 { 255 } else { edge };
            image::Rgb([(x * 255 / 2560) as u8, fine, (y * 255 / 1602) as u8])
        });
        let source = DynamicImage::ImageRgb8(picture);
        let reference = source.resize(1600, 1600, FilterType::CatmullRom);
        let scaled = downscale_to_long_side(source, 1600);
        assert_eq!(scaled.dimensions(), reference.dimensions());
        assert_eq!(scaled.dimensions(), (1600, 1001));
        assert_eq!(scaled.color(), image::ColorType::Rgb8);
        let (a, b) = (scaled.to_rgb8(), reference.to_rgb8());
        let diffs: Vec<u32> = a
            .as_raw()
            .iter()
            .zip(b.as_raw())
            .map(|(&x, &y)| u32::from(x.abs_diff(y)))
            .collect();
        let mean = diffs.iter().sum::<u32>() as f64 / diffs.len() as f64;
        let close = diffs.iter().filter(|&&d| d <= 2).count() as f64 / diffs.len() as f64;
        assert!(mean < 0.5, "mean difference {mean}");
        assert!(close > 0.99, "{close} of the samples within 2");
    }

    #[test]
    fn downscale_keeps_alpha_and_makes_deep_images_eight_bit() {
        let rgba = DynamicImage::ImageRgba8(ImageBuffer::from_fn(400, 100, |x, _| {
            Rgba([200, 10, 10, if x < 200 { 0 } else { 255 }])
        }));
        let scaled = downscale_to_long_side(rgba, 100);
        assert_eq!(
            (scaled.dimensions(), scaled.color()),
            ((100, 25), image::ColorType::Rgba8)
        );
        let pixels = scaled.to_rgba8();
        assert_eq!(pixels.get_pixel(10, 10).0[3], 0);
        assert_eq!(pixels.get_pixel(90, 10).0, [200, 10, 10, 255]);
        let deep = DynamicImage::ImageLuma16(ImageBuffer::from_fn(300, 30, |x, _| {
            image::Luma([x as u16 * 200])
        }));
        let scaled = downscale_to_long_side(deep, 150);
        assert_eq!(
            (scaled.dimensions(), scaled.color()),
            ((150, 15), image::ColorType::L8)
        );
        // Already small: converted only.
        let small = DynamicImage::ImageRgb16(ImageBuffer::new(8, 8));
        let same = downscale_to_long_side(small, 100);
        assert_eq!(
            (same.dimensions(), same.color()),
            ((8, 8), image::ColorType::Rgb8)
        );
    }

    /// A JPEG of `width` × `height` whose EXIF block asks for `orientation`
    /// (the EXIF value, 1 to 8): left half black, right half white.
    fn jpeg_with_orientation(width: u32, height: u32, orientation: u8) -> Vec<u8> {
        use image::ImageEncoder;
        let img = ImageBuffer::from_fn(width, height, |x, _| {
            image::Luma([if x < width / 2 { 0u8 } else { 255 }])
        });
        // A little-endian TIFF header with one IFD entry: 0x0112 orientation.
        let mut exif = b"II\x2a\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
        exif.extend_from_slice(&[orientation, 0, 0, 0, 0, 0, 0, 0]);
        let mut out = Vec::new();
        let mut encoder = JpegEncoder::new_with_quality(&mut out, 95);
        encoder.set_exif_metadata(exif).unwrap();
        encoder
            .write_image(img.as_raw(), width, height, image::ExtendedColorType::L8)
            .unwrap();
        out
    }

    #[test]
    fn exif_orientation_is_applied_once_at_load() {
        let dir = tempfile::tempdir().unwrap();
        // Orientation 6: the stored 40 × 20 picture is shown turned 90°
        // clockwise, 20 × 40, its black half on top.
        let path = write(dir.path(), "phone.jpg", &jpeg_with_orientation(40, 20, 6));
        let store = ImageStore::new();
        let loaded = store.load(&path).unwrap();
        assert_eq!(
            (loaded.width, loaded.height, loaded.format),
            (20, 40, ImageFormat::Jpeg)
        );
        let pixels = store.decode(&loaded).unwrap().to_luma8();
        assert_eq!(pixels.dimensions(), (20, 40));
        assert!(
            pixels.get_pixel(10, 5).0[0] < 60,
            "top is not the black half"
        );
        assert!(
            pixels.get_pixel(10, 35).0[0] > 200,
            "bottom is not the white half"
        );
        // The EPUB's copy is the upright one too.
        let prepared = store.prepared(&path, 1600, 85).unwrap();
        assert_eq!((prepared.width, prepared.height), (20, 40));
        // No orientation: the file's bytes pass unchanged.
        let plain = write(dir.path(), "plain.jpg", &jpeg_with_orientation(40, 20, 1));
        let loaded = store.load(&plain).unwrap();
        assert_eq!((loaded.width, loaded.height), (40, 20));
        assert_eq!(
            &*loaded.bytes().unwrap(),
            &std::fs::read(&plain).unwrap()[..]
        );
    }

    #[test]
    fn tall_screenshots_load_within_the_memory_bound() {
        let dir = tempfile::tempdir().unwrap();
        let img = ImageBuffer::from_fn(1440, 20_000, |_, y| {
            image::Luma([(y / 100 % 2 * 255) as u8])
        });
        let mut bytes = Vec::new();
        DynamicImage::ImageLuma8(img)
            .write_with_encoder(PngEncoder::new(&mut bytes))
            .unwrap();
        let path = write(dir.path(), "tall.png", &bytes);
        let loaded = ImageStore::new().load(&path).unwrap();
        assert_eq!((loaded.width, loaded.height), (1440, 20_000));
        // The bound is memory: the same picture is refused under a smaller
        // allocation limit.
        let small = ImageStore::with_limits(DecodeLimits {
            max_alloc: 16 * 1024 * 1024,
            ..DecodeLimits::default()
        });
        let Err(err) = small.load(&path) else {
            panic!("a 28 MB picture passed a 16 MiB budget");
        };
        assert!(err.to_string().contains("limits"), "{err}");
    }

    /// CRC-32 as PNG chunks use it (for building a test header).
    fn crc_of(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
