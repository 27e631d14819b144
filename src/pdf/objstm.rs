//! Object streams, and the file written: the finished PDF with its small
//! objects packed into compressed object streams and a cross-reference
//! stream (PDF 1.5, ISO 32000-1 §7.5.7–7.5.8), each image placeholder
//! replaced by its image while the file is written.
//!
//! Input: the bytes krilla 0.8 writes (one classic `xref` table, every
//! object `n 0 obj … endobj`, no incremental update) and a test telling
//! image placeholders (`pdf::images`) apart. Output: [`Packed`], which
//! writes the same objects, numbers and trailer entries into any writer;
//! streams (content, fonts, XMP) are copied from krilla's buffer, each
//! placeholder becomes the image it stands for (written by a [`Splice`]:
//! `pdf::images` writes it from the image's file or the build's spool), every
//! other object moves into an object stream. A tagged book is mostly small
//! dictionaries (a structure element per paragraph, cell and list item,
//! link annotations, pages), which krilla writes uncompressed: packing
//! them takes the 300-page benchmark's JP PDF from 13.6 to about 8 MB.
//! When the input is not laid out as expected it is written unchanged, so
//! the pass can only save bytes (`pdf::write` refuses such a file when it
//! has placeholders). The object streams are deflated in rayon's pool
//! (the last step of a PDF job, often the only work left of a build).

use std::io::Write;
use std::ops::Range;

use rayon::prelude::*;

/// Writes the objects an image placeholder stands for (`pdf::images`).
pub(super) trait Splice {
    /// How many objects image `index` needs besides its own.
    fn extra_objects(&self, index: usize) -> usize;

    /// Writes image `index` as object `number`, its extra objects as
    /// `first`, `first + 1`, …, telling `placed` where each extra object
    /// starts.
    fn write(
        &self,
        index: usize,
        number: u32,
        first: u32,
        out: &mut Counted<'_>,
        placed: &mut dyn FnMut(u32, u64),
    ) -> std::io::Result<()>;
}

/// Objects per object stream: large enough to compress well, small enough
/// that a reader decompresses little to reach one object.
const PER_STREAM: usize = 256;

/// One object of the input: its number, the bytes between `obj` and
/// `endobj`, and where the whole `n 0 obj … endobj` text lies.
struct Object<'a> {
    number: u32,
    body: &'a [u8],
    /// The whole `n 0 obj … endobj` text, for objects copied as they are.
    whole: Range<usize>,
}

/// Where an object ends up in the packed file.
#[derive(Clone, Copy)]
enum Entry {
    Free,
    /// At a byte offset.
    Direct(u64),
    /// In object stream `stream` (its object number), at `index`.
    Packed {
        stream: u32,
        index: u16,
    },
}

/// An object written outside the object streams.
struct Kept {
    number: u32,
    /// Its `n 0 obj … endobj` text in krilla's buffer.
    whole: Range<usize>,
    /// The image it stands for (index of the document's image list).
    image: Option<usize>,
}

/// What packing makes of a file, decided before any byte is written: the
/// header's length, the objects written outside object streams, the
/// object streams (whole `n 0 obj … endobj` texts), where each object is
/// (object streams' members; the others' offsets are known once written),
/// and the trailer's entries.
struct Plan {
    header_end: usize,
    kept: Vec<Kept>,
    streams: Vec<(u32, Vec<u8>)>,
    placed: Vec<Entry>,
    trailer: Vec<u8>,
}

/// A finished PDF ready to be written ([`Packed::write`]).
pub(super) struct Packed {
    pdf: Vec<u8>,
    plan: Option<Plan>,
}

impl Packed {
    /// Plans the packing of `pdf`; `image` tells which stream objects are
    /// image placeholders (by their body) and which image they stand for.
    pub(super) fn new(pdf: Vec<u8>, image: impl Fn(&[u8]) -> Option<usize>) -> Packed {
        let plan = plan(&pdf, &image);
        Packed { pdf, plan }
    }

    /// Whether the file is laid out as krilla writes it (packed, its
    /// placeholders replaced); otherwise it is written as krilla made it.
    pub(super) fn is_planned(&self) -> bool {
        self.plan.is_some()
    }

    /// The images the file's placeholders stand for (indices of the
    /// document's image list, in file order).
    #[cfg(test)]
    pub(super) fn placeholders(&self) -> impl Iterator<Item = usize> + '_ {
        self.plan
            .iter()
            .flat_map(|plan| plan.kept.iter().filter_map(|kept| kept.image))
    }

    /// Writes the file into `out`, the images from `images`; the number of
    /// bytes written.
    pub(super) fn write(&self, images: &dyn Splice, out: &mut dyn Write) -> std::io::Result<u64> {
        let Some(plan) = &self.plan else {
            out.write_all(&self.pdf)?;
            return Ok(self.pdf.len() as u64);
        };
        let mut out = Counted { out, at: 0 };
        let mut placed = plan.placed.clone();
        out.write_all(self.pdf.get(..plan.header_end).unwrap_or_default())?;
        for kept in &plan.kept {
            set(&mut placed, kept.number, Entry::Direct(out.at));
            match kept.image {
                Some(index) => {
                    let first = number_of(placed.len())?;
                    let extra = images.extra_objects(index);
                    placed.resize(placed.len() + extra, Entry::Free);
                    images.write(index, kept.number, first, &mut out, &mut |number, at| {
                        set(&mut placed, number, Entry::Direct(at));
                    })?;
                }
                None => {
                    out.write_all(self.pdf.get(kept.whole.clone()).unwrap_or_default())?;
                    out.write_all(b"\n")?;
                }
            }
        }
        for (number, text) in &plan.streams {
            set(&mut placed, *number, Entry::Direct(out.at));
            out.write_all(text)?;
        }
        // The cross-reference stream describes itself too.
        let xref_number = number_of(placed.len())?;
        let xref_offset = out.at;
        placed.push(Entry::Direct(xref_offset));
        // Offsets take 4 bytes up to 4 GiB, 8 beyond.
        let wide = xref_offset > u64::from(u32::MAX);
        let mut rows = Vec::with_capacity(placed.len() * if wide { 11 } else { 7 });
        for entry in &placed {
            let (kind, field2, field3) = match *entry {
                Entry::Free => (0u8, 0u64, 0xFFFFu16),
                Entry::Direct(offset) => (1, offset, 0),
                Entry::Packed { stream, index } => (2, u64::from(stream), index),
            };
            rows.push(kind);
            if wide {
                rows.extend_from_slice(&field2.to_be_bytes());
            } else {
                rows.extend_from_slice(&u32::try_from(field2).unwrap_or(u32::MAX).to_be_bytes());
            }
            rows.extend_from_slice(&field3.to_be_bytes());
        }
        let rows =
            deflate(&rows, XREF_LEVEL).ok_or_else(|| std::io::Error::other("deflate failed"))?;
        out.write_all(
            format!(
                "{xref_number} 0 obj\n<</Type/XRef/Size {}/W[1 {} 2]/Filter/FlateDecode/Length {}",
                placed.len(),
                if wide { 8 } else { 4 },
                rows.len()
            )
            .as_bytes(),
        )?;
        out.write_all(&plan.trailer)?;
        out.write_all(b">>\nstream\n")?;
        out.write_all(&rows)?;
        out.write_all(
            format!("\nendstream\nendobj\nstartxref\n{xref_offset}\n%%EOF\n").as_bytes(),
        )?;
        Ok(out.at)
    }

    /// The whole file in memory (tests, `tebiki serve`).
    pub(super) fn to_bytes(&self, images: &dyn Splice) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(self.pdf.len());
        self.write(images, &mut out)?;
        Ok(out)
    }
}

/// An object number for the `count`-th entry of the cross-reference.
fn number_of(count: usize) -> std::io::Result<u32> {
    u32::try_from(count).map_err(|_| std::io::Error::other("too many pdf objects"))
}

/// A writer that counts the bytes written: object offsets.
pub(super) struct Counted<'a> {
    out: &'a mut dyn Write,
    at: u64,
}

impl Counted<'_> {
    /// Bytes written so far.
    pub(super) fn at(&self) -> u64 {
        self.at
    }
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.at += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Reads `pdf` and prepares its packing; `None` when it is not laid out as
/// krilla writes it.
fn plan(pdf: &[u8], image: &dyn Fn(&[u8]) -> Option<usize>) -> Option<Plan> {
    let startxref = rfind(pdf, b"startxref")?;
    let xref_at: usize = number_after(pdf.get(startxref + 9..)?)?;
    let table = pdf.get(xref_at..startxref)?;
    let table = table.strip_prefix(b"xref")?;
    let trailer_at = find(table, b"trailer")?;
    let entries = parse_table(table.get(..trailer_at)?)?;
    let trailer = table.get(trailer_at + 7..)?;
    let trailer = trim(trailer);
    let trailer = trailer.strip_prefix(b"<<")?.strip_suffix(b">>")?;
    let trailer = without_size(trailer)?;

    // Offsets in file order give each object's extent.
    let mut starts: Vec<(usize, u32)> = Vec::with_capacity(entries.len());
    for (number, entry) in entries.iter().enumerate() {
        if let Some(offset) = entry {
            starts.push((*offset, u32::try_from(number).ok()?));
        }
    }
    starts.sort_unstable();
    let header_end = starts.first()?.0;
    let mut objects = Vec::with_capacity(starts.len());
    for (i, &(offset, number)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(xref_at, |&(next, _)| next);
        let extent = pdf.get(offset..end)?;
        let whole = trim(extent);
        let lead = extent.len() - trim_start(extent).len();
        let prefix = format!("{number} 0 obj");
        let body = whole
            .strip_prefix(prefix.as_bytes())?
            .strip_suffix(b"endobj")?;
        objects.push(Object {
            number,
            body: trim(body),
            whole: offset + lead..offset + lead + whole.len(),
        });
    }

    let size = u32::try_from(entries.len()).ok()?;
    let mut kept = Vec::new();
    let mut placed = vec![Entry::Free; entries.len()];
    let mut small = Vec::new();
    for object in &objects {
        if object.body.ends_with(b"endstream") {
            kept.push(Kept {
                number: object.number,
                whole: object.whole.clone(),
                image: image(object.body),
            });
        } else {
            small.push(object);
        }
    }
    // The object streams' contents, deflated in rayon's pool (the last
    // step of a PDF, often alone on its core); joined in order.
    let deflated: Vec<Option<(usize, usize, Vec<u8>)>> = small
        .par_chunks(PER_STREAM)
        .map(|chunk| {
            let mut offsets = String::new();
            let mut bodies = Vec::new();
            for object in chunk {
                offsets.push_str(&format!("{} {} ", object.number, bodies.len()));
                bodies.extend_from_slice(object.body);
                bodies.push(b'\n');
            }
            let first = offsets.len();
            let mut data = offsets.into_bytes();
            data.extend_from_slice(&bodies);
            Some((chunk.len(), first, deflate(&data, OBJECT_STREAM_LEVEL)?))
        })
        .collect();
    let mut streams = Vec::new();
    for (stream, (chunk, stream_data)) in (size..).zip(small.chunks(PER_STREAM).zip(deflated)) {
        let (count, first, data) = stream_data?;
        for (index, object) in chunk.iter().enumerate() {
            let index = u16::try_from(index).ok()?;
            set(&mut placed, object.number, Entry::Packed { stream, index });
        }
        // Its offset is set when it is written.
        placed.push(Entry::Free);
        let mut text = format!(
            "{stream} 0 obj\n<</Type/ObjStm/N {count}/First {first}/Filter/FlateDecode/Length {}>>\nstream\n",
            data.len()
        )
        .into_bytes();
        text.extend_from_slice(&data);
        text.extend_from_slice(b"\nendstream\nendobj\n");
        streams.push((stream, text));
    }
    Some(Plan {
        header_end,
        kept,
        streams,
        placed,
        trailer: trailer.to_vec(),
    })
}

/// Records where object `number` went.
fn set(placed: &mut [Entry], number: u32, entry: Entry) {
    if let Some(slot) = usize::try_from(number).ok().and_then(|n| placed.get_mut(n)) {
        *slot = entry;
    }
}

/// zlib level of the object streams: level 2 (zlib-rs's `deflate_fast`)
/// makes them a quarter smaller than level 1 (`deflate_quick`) for 20 ms
/// more a region on the 300-page benchmark; higher levels gain a few
/// percent more for twice the time (docs/benchmarks.md, "Round 5: speed").
const OBJECT_STREAM_LEVEL: u32 = 2;

/// zlib level of the cross-reference stream's rows: level 2 makes them
/// 40 % smaller than level 1 at no measurable cost.
const XREF_LEVEL: u32 = 2;

/// zlib compression at `level`.
fn deflate(data: &[u8], level: u32) -> Option<Vec<u8>> {
    crate::assets::pdf_image::zlib(data, level).ok()
}

/// The classic xref table's subsections → offset per object number (`None`
/// for free entries). Only generation-0 objects are accepted.
fn parse_table(table: &[u8]) -> Option<Vec<Option<usize>>> {
    let mut words = table
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty());
    let mut entries: Vec<Option<usize>> = Vec::new();
    while let Some(first) = words.next() {
        let first: usize = parse(first)?;
        let count: usize = parse(words.next()?)?;
        if first != entries.len() {
            return None;
        }
        for i in 0..count {
            let offset: usize = parse(words.next()?)?;
            let generation: u32 = parse(words.next()?)?;
            match words.next()? {
                b"n" if generation == 0 => entries.push(Some(offset)),
                b"f" => entries.push(None),
                _ => return None,
            }
            // Object 0 is the head of the free list, whatever it says.
            if first + i == 0
                && let Some(entry) = entries.last_mut()
            {
                *entry = None;
            }
        }
    }
    Some(entries)
}

/// The trailer's entries without `/Size` (the xref stream has its own).
fn without_size(trailer: &[u8]) -> Option<&[u8]> {
    // krilla writes `/Size n` first; anything else is not what we expect.
    let rest = trailer.strip_prefix(b"/Size")?;
    let rest = trim_start(rest);
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    rest.get(digits..)
}

fn parse<T: std::str::FromStr>(word: &[u8]) -> Option<T> {
    std::str::from_utf8(word).ok()?.parse().ok()
}

fn number_after(bytes: &[u8]) -> Option<usize> {
    let bytes = trim_start(bytes);
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    parse(bytes.get(..digits)?)
}

/// Where `needle` first occurs in `haystack`.
pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    bytes.get(skip..).unwrap_or_default()
}

fn trim(bytes: &[u8]) -> &[u8] {
    let bytes = trim_start(bytes);
    let keep = bytes.len()
        - bytes
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    bytes.get(..keep).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small krilla PDF with a page, text-free content and metadata.
    fn small_pdf() -> Vec<u8> {
        use krilla::geom::{PathBuilder, Rect};
        let mut doc = krilla::Document::new();
        let mut page = doc.start_page();
        let mut surface = page.surface();
        let mut path = PathBuilder::new();
        if let Some(rect) = Rect::from_xywh(10.0, 10.0, 50.0, 50.0) {
            path.push_rect(rect);
        }
        if let Some(path) = path.finish() {
            surface.draw_path(&path);
        }
        surface.finish();
        page.finish();
        doc.set_metadata(krilla::metadata::Metadata::new().title("objstm".into()));
        doc.finish().expect("pdf")
    }

    /// A file without images.
    struct NoImages;

    impl Splice for NoImages {
        fn extra_objects(&self, _: usize) -> usize {
            0
        }

        fn write(
            &self,
            _: usize,
            _: u32,
            _: u32,
            _: &mut Counted<'_>,
            _: &mut dyn FnMut(u32, u64),
        ) -> std::io::Result<()> {
            Err(std::io::Error::other("no images here"))
        }
    }

    /// Packs `pdf` (no images) and writes it into memory.
    fn pack(pdf: Vec<u8>) -> Vec<u8> {
        let packed = Packed::new(pdf, |_| None);
        assert_eq!(packed.placeholders().count(), 0);
        packed.to_bytes(&NoImages).expect("written")
    }

    #[test]
    fn packs_small_objects_and_keeps_every_object() {
        let original = small_pdf();
        let packed = pack(original.clone());
        assert_ne!(packed, original, "krilla's layout is recognised");
        assert!(packed.starts_with(b"%PDF-1."));
        assert!(find(&packed, b"/Type/ObjStm").is_some());
        assert!(find(&packed, b"/Type/XRef").is_some());
        assert!(
            find(&packed, b"\nxref\n").is_none(),
            "no classic xref table"
        );
        let before = lopdf::Document::load_mem(&original).expect("original loads");
        let after = lopdf::Document::load_mem(&packed).expect("packed loads");
        assert_eq!(after.get_pages().len(), 1);
        for (id, object) in &before.objects {
            let other = after.get_object(*id).expect("object kept");
            if object.as_stream().is_err() {
                assert_eq!(format!("{object:?}"), format!("{other:?}"), "{id:?}");
            }
        }
        assert_eq!(
            before.trailer.get(b"Root").ok(),
            after.trailer.get(b"Root").ok()
        );
        assert_eq!(
            before.trailer.get(b"ID").ok(),
            after.trailer.get(b"ID").ok()
        );
    }

    #[test]
    fn anything_else_is_left_alone() {
        let text = b"%PDF-1.7\nnot a pdf".to_vec();
        assert_eq!(pack(text.clone()), text);
        let original = small_pdf();
        // An incremental update (a second xref) is not krilla's layout.
        let mut updated = original.clone();
        updated.extend_from_slice(
            b"\nxref\n0 1\n0000000000 65535 f\r\ntrailer\n<</Root 1 0 R>>\nstartxref\n9\n%%EOF\n",
        );
        assert_eq!(pack(updated.clone()), updated);
    }
}
