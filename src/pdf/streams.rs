//! Content streams deflated at tebiki's own level.
//!
//! Input: the bytes krilla 0.8 writes with `compress_content_streams` off
//! (one classic `xref` table, every object `n 0 obj … endobj`, separated by
//! newlines). Output: the same file, each unfiltered stream (sheet contents,
//! ToUnicode CMaps, form XObjects) deflated at [`LEVEL`] with
//! `/Filter/FlateDecode`, and a new `xref` table; the decoded bytes of every
//! stream are unchanged. krilla deflates at zlib level 6 with no setting
//! for it (`krilla::stream::deflate_encode`); on the 300-page benchmark the
//! sheet contents are 7 MB a region before compression and level 6 took
//! about a tenth of the build's CPU. Level 3 takes two thirds of that time
//! for 8 % more bytes (docs/benchmarks.md, "Round 5: speed"). Streams are
//! deflated in parallel, and the file is rewritten in its own buffer (each
//! object only moves towards the start). When the input is not laid out as
//! expected it is returned unchanged (then still valid, only larger).

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use rayon::prelude::*;

use super::objstm::{find, number_after, parse_table, rfind, trim, trim_start};

/// zlib level of the content streams (see the module header).
pub(super) const LEVEL: u32 = 3;

/// One object of the input: its number and where its `n 0 obj … endobj`
/// text lies.
struct Object {
    number: usize,
    whole: std::ops::Range<usize>,
}

/// `pdf` with every unfiltered stream deflated, or `pdf` unchanged when it
/// is not a single-xref file laid out as krilla writes it.
pub(super) fn deflate_streams(mut pdf: Vec<u8>) -> Vec<u8> {
    let Some((objects, table)) = objects(&pdf) else {
        return pdf;
    };
    // Every object must end before the next begins (krilla separates them
    // by a newline), so that writing an object and its newline never
    // reaches a byte not yet read.
    let separated = objects
        .windows(2)
        .all(|pair| matches!(pair, [a, b] if a.whole.end < b.whole.start))
        && objects
            .last()
            .is_some_and(|last| last.whole.end < table.xref_at);
    if !separated {
        return pdf;
    }
    let deflated: Vec<Option<Vec<u8>>> = objects
        .par_iter()
        .map(|object| {
            let text = pdf.get(object.whole.clone())?;
            deflated_object(object.number, text).filter(|new| new.len() <= text.len())
        })
        .collect();

    let mut offsets: Vec<Option<usize>> = vec![None; table.size];
    let Some(first) = objects.first() else {
        return pdf;
    };
    let mut cursor = first.whole.start;
    for (object, new) in objects.iter().zip(deflated) {
        if let Some(slot) = offsets.get_mut(object.number) {
            *slot = Some(cursor);
        }
        let len = match new {
            Some(bytes) => {
                let Some(target) = pdf.get_mut(cursor..cursor + bytes.len()) else {
                    return pdf;
                };
                target.copy_from_slice(&bytes);
                bytes.len()
            }
            None => {
                pdf.copy_within(object.whole.clone(), cursor);
                object.whole.len()
            }
        };
        cursor += len;
        if let Some(byte) = pdf.get_mut(cursor) {
            *byte = b'\n';
        }
        cursor += 1;
    }
    let trailer = pdf.get(table.trailer.clone()).unwrap_or_default().to_vec();
    pdf.truncate(cursor);
    let xref_at = pdf.len();
    let mut xref = Vec::with_capacity(20 * (offsets.len() + 2));
    // Object 0 heads the free list, as in krilla's table.
    let _ = write!(xref, "xref\n0 {}\n", offsets.len());
    for (number, offset) in offsets.iter().enumerate() {
        let _ = match offset {
            Some(offset) => write!(xref, "{offset:010} 00000 n\r\n"),
            None if number == 0 => write!(xref, "0000000000 65535 f\r\n"),
            None => write!(xref, "0000000000 00000 f\r\n"),
        };
    }
    pdf.extend_from_slice(&xref);
    pdf.extend_from_slice(b"trailer\n");
    pdf.extend_from_slice(&trailer);
    let _ = write!(pdf, "\nstartxref\n{xref_at}\n%%EOF\n");
    pdf
}

/// Where the classic cross-reference table lies.
struct Table {
    /// Offset of `xref`.
    xref_at: usize,
    /// Entries in the table (the trailer's `/Size`).
    size: usize,
    /// The trailer dictionary `<< … >>`.
    trailer: std::ops::Range<usize>,
}

/// The objects of `pdf` in file order, and its table; `None` when the file
/// is not one classic table over generation-0 objects.
fn objects(pdf: &[u8]) -> Option<(Vec<Object>, Table)> {
    let startxref = rfind(pdf, b"startxref")?;
    let xref_at = number_after(pdf.get(startxref + 9..)?)?;
    let section = pdf.get(xref_at..startxref)?.strip_prefix(b"xref")?;
    let trailer_at = find(section, b"trailer")?;
    let entries = parse_table(section.get(..trailer_at)?)?;
    let after = section.get(trailer_at + 7..)?;
    let lead = after.len() - trim_start(after).len();
    let dict = trim(after);
    let trailer_start = xref_at + 4 + trailer_at + 7 + lead;
    let mut starts: Vec<(usize, usize)> = entries
        .iter()
        .enumerate()
        .filter_map(|(number, offset)| offset.map(|offset| (offset, number)))
        .collect();
    starts.sort_unstable();
    let mut objects = Vec::with_capacity(starts.len());
    for (i, &(offset, number)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(xref_at, |&(next, _)| next);
        let extent = pdf.get(offset..end)?;
        let lead = extent.len() - trim_start(extent).len();
        let whole = trim(extent);
        if !whole.starts_with(format!("{number} 0 obj").as_bytes()) || !whole.ends_with(b"endobj") {
            return None;
        }
        objects.push(Object {
            number,
            whole: offset + lead..offset + lead + whole.len(),
        });
    }
    Some((
        objects,
        Table {
            xref_at,
            size: entries.len(),
            trailer: trailer_start..trailer_start + dict.len(),
        },
    ))
}

/// The text of object `number` with its stream deflated, when `text` is a
/// stream object as pdf-writer writes it (`<</Length n…>>`, `stream`, the
/// data, `endstream`) without a filter and not the XMP metadata (PDF/A
/// wants that readable); else `None`.
fn deflated_object(number: usize, text: &[u8]) -> Option<Vec<u8>> {
    let head = format!("{number} 0 obj\n<</Length ");
    let rest = text.strip_prefix(head.as_bytes())?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let length: usize = std::str::from_utf8(rest.get(..digits)?)
        .ok()?
        .parse()
        .ok()?;
    let after_length = rest.get(digits..)?;
    let dict_end = find(after_length, b">>\nstream\n")?;
    let entries = after_length.get(..dict_end)?;
    if find(entries, b"/Filter").is_some() || find(entries, b"/Metadata").is_some() {
        return None;
    }
    let data_start = dict_end + b">>\nstream\n".len();
    let data = after_length.get(data_start..data_start + length)?;
    if after_length.get(data_start + length..)? != b"\nendstream\nendobj" {
        return None;
    }
    let mut encoder =
        ZlibEncoder::new(Vec::with_capacity(length / 4 + 64), Compression::new(LEVEL));
    encoder.write_all(data).ok()?;
    let data = encoder.finish().ok()?;
    let mut out = Vec::with_capacity(data.len() + entries.len() + 64);
    out.extend_from_slice(
        format!(
            "{number} 0 obj\n<</Length {}/Filter/FlateDecode",
            data.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(entries);
    out.extend_from_slice(b">>\nstream\n");
    out.extend_from_slice(&data);
    out.extend_from_slice(b"\nendstream\nendobj");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small krilla PDF with a page of drawn content, written with or
    /// without krilla's own compression.
    fn small_pdf(compress: bool) -> Vec<u8> {
        use krilla::geom::{PathBuilder, Rect};
        let settings = krilla::SerializeSettings {
            compress_content_streams: compress,
            ..krilla::SerializeSettings::default()
        };
        let mut doc = krilla::Document::new_with(settings);
        let mut page = doc.start_page();
        let mut surface = page.surface();
        for i in 0..40 {
            let mut path = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(10.0 + i as f32, 20.0, 30.0, 40.0 + i as f32) {
                path.push_rect(rect);
            }
            if let Some(path) = path.finish() {
                surface.draw_path(&path);
            }
        }
        surface.finish();
        page.finish();
        doc.finish().unwrap()
    }

    /// Every stream's decoded bytes and every other object, by number,
    /// read by lopdf.
    fn decoded(pdf: &[u8]) -> Vec<(lopdf::ObjectId, Vec<u8>)> {
        let doc = lopdf::Document::load_mem(pdf).expect("pdf loads");
        doc.objects
            .iter()
            .map(|(id, object)| match object.as_stream() {
                Ok(stream) => (
                    *id,
                    stream
                        .decompressed_content()
                        .unwrap_or_else(|_| stream.content.clone()),
                ),
                Err(_) => (*id, format!("{object:?}").into_bytes()),
            })
            .collect()
    }

    #[test]
    fn unfiltered_streams_are_deflated_and_decode_to_the_same_bytes() {
        let raw = small_pdf(false);
        let out = deflate_streams(raw.clone());
        assert!(out.len() < raw.len(), "{} !< {}", out.len(), raw.len());
        assert!(find(&out, b"/Filter/FlateDecode").is_some());
        assert_eq!(decoded(&raw), decoded(&out));
        // The same content as krilla's own level-6 streams.
        let krilla = small_pdf(true);
        assert_eq!(decoded(&krilla).len(), decoded(&out).len());
        // A second pass finds nothing left to deflate.
        assert_eq!(deflate_streams(out.clone()), out);
    }

    #[test]
    fn the_packed_file_keeps_every_object() {
        let raw = small_pdf(false);
        let packed = super::super::objstm::pack(deflate_streams(raw.clone()));
        assert!(find(&packed, b"/Type/XRef").is_some());
        assert_eq!(decoded(&raw), decoded(&packed)[..decoded(&raw).len()]);
    }

    #[test]
    fn a_file_not_written_by_krilla_is_returned_unchanged() {
        let junk = b"%PDF-1.7\nnot a pdf\n".to_vec();
        assert_eq!(deflate_streams(junk.clone()), junk);
        // krilla's own compression leaves nothing to do: every object's
        // text stays as it was (only the table is written again).
        let compressed = small_pdf(true);
        let out = deflate_streams(compressed.clone());
        let (before, _) = objects(&compressed).unwrap();
        let (after, _) = objects(&out).unwrap();
        assert_eq!(before.len(), after.len());
        for (a, b) in before.iter().zip(&after) {
            assert_eq!(compressed[a.whole.clone()], out[b.whole.clone()]);
        }
    }
}
