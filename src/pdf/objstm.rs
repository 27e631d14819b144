//! Object streams: the finished PDF with its small objects packed into
//! compressed object streams and a cross-reference stream (PDF 1.5, ISO
//! 32000-1 §7.5.7–7.5.8).
//!
//! Input: the bytes krilla 0.8 writes (one classic `xref` table, every
//! object `n 0 obj … endobj`, no incremental update). Output: the same
//! objects, numbers and trailer entries; streams (content, images, fonts,
//! XMP) stay where they are, every other object moves into an object
//! stream. A tagged book is mostly small dictionaries (a structure element
//! per paragraph, cell and list item, link annotations, pages), which krilla
//! writes uncompressed: packing them takes the 300-page benchmark's JP PDF
//! from 13.6 to about 8 MB. When the input is not laid out as expected it
//! is returned unchanged, so the pass can only save bytes. The file is
//! rewritten in its own buffer (kept objects move towards the start, the
//! object streams are appended), so a PDF is never held twice. The object
//! streams are deflated in rayon's pool (the last step of a PDF job, often
//! the only work left of a build) and joined in order.

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use rayon::prelude::*;

/// Objects per object stream: large enough to compress well, small enough
/// that a reader decompresses little to reach one object.
const PER_STREAM: usize = 256;

/// One object of the input: its number, the bytes between `obj` and
/// `endobj`, and where the whole `n 0 obj … endobj` text lies.
struct Object<'a> {
    number: u32,
    body: &'a [u8],
    /// The whole `n 0 obj … endobj` text, for objects copied as they are.
    whole: std::ops::Range<usize>,
}

/// Where an object ends up in the packed file.
#[derive(Clone, Copy)]
enum Entry {
    Free,
    /// At a byte offset.
    Direct(usize),
    /// In object stream `stream` (its object number), at `index`.
    Packed {
        stream: u32,
        index: u16,
    },
}

/// What packing makes of a file, decided before any byte moves: the
/// header's length, the objects copied as they are (streams), each followed
/// by a newline, and everything after them (object streams, the
/// cross-reference stream, the trailer).
struct Packing {
    header_end: usize,
    direct: Vec<std::ops::Range<usize>>,
    tail: Vec<u8>,
}

/// The PDF with object streams, or `pdf` unchanged when it is not a
/// single-xref file as krilla writes it. The file is rewritten in place
/// (the kept objects only move towards its start), so a large PDF is not
/// held twice.
pub(super) fn pack(mut pdf: Vec<u8>) -> Vec<u8> {
    let Some(packing) = plan(&pdf) else {
        return pdf;
    };
    // In place when each kept object's text ends before the next begins
    // (krilla separates objects by a newline): the write position then
    // never passes the read position.
    let in_place = packing
        .direct
        .windows(2)
        .all(|pair| matches!(pair, [a, b] if a.end < b.start))
        && packing
            .direct
            .last()
            .is_none_or(|last| last.end < pdf.len())
        && packing
            .direct
            .first()
            .is_none_or(|first| packing.header_end <= first.start);
    if !in_place {
        let mut out = Vec::with_capacity(pdf.len() / 2);
        out.extend_from_slice(pdf.get(..packing.header_end).unwrap_or_default());
        for range in packing.direct {
            out.extend_from_slice(pdf.get(range).unwrap_or_default());
            out.push(b'\n');
        }
        out.extend_from_slice(&packing.tail);
        return out;
    }
    let mut cursor = packing.header_end;
    for range in packing.direct {
        let len = range.len();
        pdf.copy_within(range, cursor);
        cursor += len;
        if let Some(byte) = pdf.get_mut(cursor) {
            *byte = b'\n';
        }
        cursor += 1;
    }
    pdf.truncate(cursor);
    pdf.extend_from_slice(&packing.tail);
    pdf
}

/// Reads `pdf` and prepares its packing; `None` when it is not laid out as
/// krilla writes it.
fn plan(pdf: &[u8]) -> Option<Packing> {
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
    // The packed file's length so far (header, then each kept object and a
    // newline): the offsets of the cross-reference stream.
    let mut length = header_end;
    let mut direct = Vec::new();
    let mut placed = vec![Entry::Free; entries.len()];
    let mut small = Vec::new();
    for object in &objects {
        if object.body.ends_with(b"endstream") {
            set(&mut placed, object.number, Entry::Direct(length));
            length += object.whole.len() + 1;
            direct.push(object.whole.clone());
        } else {
            small.push(object);
        }
    }
    // The object streams' contents, deflated in rayon's pool (the last
    // step of a PDF, often alone on its core); joined in order.
    let streams: Vec<Option<(usize, usize, Vec<u8>)>> = small
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
    let mut tail = Vec::new();
    let mut next_number = size;
    for (chunk, stream_data) in small.chunks(PER_STREAM).zip(streams) {
        let (count, first, data) = stream_data?;
        let stream = next_number;
        next_number += 1;
        for (index, object) in chunk.iter().enumerate() {
            let index = u16::try_from(index).ok()?;
            set(&mut placed, object.number, Entry::Packed { stream, index });
        }
        placed.push(Entry::Direct(length + tail.len()));
        tail.extend_from_slice(
            format!(
                "{stream} 0 obj\n<</Type/ObjStm/N {count}/First {first}/Filter/FlateDecode/Length {}>>\nstream\n",
                data.len()
            )
            .as_bytes(),
        );
        tail.extend_from_slice(&data);
        tail.extend_from_slice(b"\nendstream\nendobj\n");
    }

    // The cross-reference stream describes itself too.
    let xref_number = next_number;
    let xref_offset = length + tail.len();
    placed.push(Entry::Direct(xref_offset));
    let mut rows = Vec::with_capacity(placed.len() * 7);
    for entry in &placed {
        let (kind, field2, field3) = match *entry {
            Entry::Free => (0u8, 0u32, 0xFFFFu16),
            Entry::Direct(offset) => (1, u32::try_from(offset).ok()?, 0),
            Entry::Packed { stream, index } => (2, stream, index),
        };
        rows.push(kind);
        rows.extend_from_slice(&field2.to_be_bytes());
        rows.extend_from_slice(&field3.to_be_bytes());
    }
    let rows = deflate(&rows, XREF_LEVEL)?;
    tail.extend_from_slice(
        format!(
            "{xref_number} 0 obj\n<</Type/XRef/Size {}/W[1 4 2]/Filter/FlateDecode/Length {}",
            placed.len(),
            rows.len()
        )
        .as_bytes(),
    );
    tail.extend_from_slice(trailer);
    tail.extend_from_slice(b">>\nstream\n");
    tail.extend_from_slice(&rows);
    tail.extend_from_slice(
        format!("\nendstream\nendobj\nstartxref\n{xref_offset}\n%%EOF\n").as_bytes(),
    );
    Some(Packing {
        header_end,
        direct,
        tail,
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
    let mut encoder = ZlibEncoder::new(Vec::with_capacity(data.len() / 4), Compression::new(level));
    encoder.write_all(data).ok()?;
    encoder.finish().ok()
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

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
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
