//! Twin glyphs with a wider advance, so that text extraction reads no space
//! in a JLREQ gap.
//!
//! Input: the paged document's sheets (their glyph runs) and font sources.
//! Output: for each TrueType face whose glyphs stand before such a gap, a
//! derived font file — the face with, for each (glyph, width) pair the
//! document needs, a twin glyph: the same outline bytes with an advance
//! widened by whole steps of ⅛ em — and the map from the pair to the
//! twin's id ([`Widening`]), which `text.rs` draws instead of the glyph.
//!
//! Why: a gap JLREQ puts in a line (¼ em between Japanese and Latin, the
//! stretch of a justified line) is a glyph advance wider than the font's.
//! Written as a `TJ` offset (or `Tc`), poppler and pdf.js both see the end
//! of the glyph's width (the PDF font's `W` entry) and then empty space:
//! poppler starts a new word past 0.1 em and pdf.js inserts a space past
//! 0.102 em (`TRACKING_SPACE_FACTOR`), whatever `ActualText` says. Both
//! take a glyph's extent from `W`, so a twin whose `W` covers the gap
//! (rounded up to a whole step) leaves them nothing to read as a space; the
//! backward offset krilla writes for the rest, under ⅛ em, is an overlap
//! both ignore (poppler starts a new word at 0.2 em of overlap, pdf.js a
//! new item). The page does not
//! change: the twin has the original's outline and instructions, and krilla
//! positions every glyph from the run's advances as before.
//!
//! Only the glyphs the document draws keep their outlines (the others are
//! empty in the derived file, which krilla subsets anyway), and only the
//! tables krilla and its subsetter read are kept, so the derived file is
//! small. A face without `glyf` (CFF), a variable face, or one whose
//! tables do not read is left as it is; `text.rs` falls back to an
//! `ActualText` span for its gaps.

use std::collections::{BTreeSet, HashMap};

use read_fonts::tables::glyf::{Glyf, Glyph as GlyfGlyph};
use read_fonts::tables::loca::Loca;
use read_fonts::types::{GlyphId, Tag};
use read_fonts::{FontRef, TableProvider};
use write_fonts::FontBuilder;

use crate::layout::frame::{FrameItem, Glyph, Point, TextRun};

/// A gap after a glyph wider than this share of the type size is taken
/// into its twin's advance (poppler starts a new word at 0.1 em, pdf.js
/// inserts a space at 0.102 em).
pub(super) const GAP_MIN: f32 = 0.08;

/// One step of widening, in em: a gap is covered by whole steps.
const STEP: f32 = 0.125;

/// The widest widening, in steps (2 em): a wider gap is not a JLREQ gap.
const MAX_STEPS: u16 = 16;

/// The widest gap between two runs of one line taken into a twin, in em:
/// JLREQ's widest gaps (the 1-em space after a mid-sentence ？ or ！, a
/// stretched Japanese–Latin space) stay under it. Table cells and list
/// labels, which can stand closer, are told apart by their structure tags.
const MAX_RUN_GAP: f32 = 1.05;

/// The twins of one face.
pub(super) struct Widening {
    /// The derived font file.
    pub(super) data: Vec<u8>,
    /// (glyph, steps) → the twin's glyph id.
    pub(super) twins: HashMap<(u16, u16), u16>,
}

/// The number of ⅛-em steps that covers `gap` (pt) at type size `size`, or
/// `None` for a gap that needs no twin.
pub(super) fn steps(gap: f32, size: f32) -> Option<u16> {
    if !(size > 0.0) || !(gap > GAP_MIN * size) {
        return None;
    }
    // Rounded up: the twin reaches into the next glyph by less than a step
    // (neither extractor minds an overlap under 0.2 em), never short of it
    // (poppler puts a space between two words of a line, such as a raised
    // note mark and the text before it, 0.03 em apart).
    let steps = (gap / size / STEP).ceil().max(1.0);
    (steps <= f32::from(MAX_STEPS)).then(|| steps as u16)
}

/// For each item of a sheet, the gap after it to the next run of its line
/// when the item is a run and that gap is a gap inside the text ([`None`]
/// otherwise): only link areas, anchors, rules and fills (a link's
/// underline, a code span's background), the end of a structure element or
/// the start of a link stand between — not a table cell's, list body's or
/// paragraph's start, nor an artifact —, on the same baseline, less than
/// [`MAX_RUN_GAP`] apart, neither side blank and one side Japanese. Runs inside an artifact (a
/// repeated table header, the leaders of the contents) carry no structure
/// to tell their cells apart and get none.
pub(super) fn run_gaps(items: &[(Point, FrameItem)]) -> Vec<Option<f32>> {
    use crate::layout::frame::TagEvent;
    let mut depth = 0usize;
    let mut gaps = Vec::with_capacity(items.len());
    for (index, (_, item)) in items.iter().enumerate() {
        match item {
            FrameItem::Tag(TagEvent::ArtifactStart) => depth += 1,
            FrameItem::Tag(TagEvent::ArtifactEnd) => depth = depth.saturating_sub(1),
            _ => {}
        }
        gaps.push(if depth == 0 {
            gap_after_run(items, index)
        } else {
            None
        });
    }
    gaps
}

/// The gap after the run at `index` to the next run of its line, as
/// [`run_gaps`] describes, for a run outside an artifact.
fn gap_after_run(items: &[(Point, FrameItem)], index: usize) -> Option<f32> {
    use crate::layout::frame::{StructTag, TagEvent};
    let (at, FrameItem::Text(run)) = items.get(index)? else {
        return None;
    };
    let last = run.glyphs.last()?;
    if blank(run, last) {
        return None;
    }
    let end = at.x + run.width();
    for (next_at, item) in items.iter().skip(index + 1) {
        match item {
            FrameItem::Link(_)
            | FrameItem::Anchor(_)
            | FrameItem::Line(_)
            | FrameItem::Rect(_)
            | FrameItem::Tag(TagEvent::End | TagEvent::Start(StructTag::Link)) => continue,
            FrameItem::Text(next) => {
                let first = next.glyphs.first()?;
                let gap = next_at.x - end;
                // A note mark is smaller and raised, but on the line.
                let size = run.size.max(next.size);
                let same_line = (next_at.y - at.y).abs() < size * 0.5;
                // JLREQ puts gaps next to Japanese text; between two Latin
                // runs (a note's mark and its URL) a gap is a space.
                let japanese = |t: Option<&str>, end: bool| {
                    let c = t.and_then(|t| {
                        if end {
                            t.chars().last()
                        } else {
                            t.chars().next()
                        }
                    });
                    c.is_some_and(|c| c > '\u{2e7f}')
                };
                let beside_japanese = japanese(run.text.get(last.range.clone()), true)
                    || japanese(next.text.get(first.range.clone()), false);
                return (same_line
                    && beside_japanese
                    && !blank(next, first)
                    && gap <= MAX_RUN_GAP * size)
                    .then_some(gap);
            }
            _ => return None,
        }
    }
    None
}

/// Whether a glyph's text is blank (a space reads as a space).
fn blank(run: &TextRun, glyph: &Glyph) -> bool {
    run.text
        .get(glyph.range.clone())
        .is_none_or(|t| t.trim().is_empty())
}

/// The glyphs of `run` to draw as twins, each as (index, steps): a glyph
/// followed by a gap (its advance beyond `natural`, or `trailing` for the
/// last glyph: the gap to the next run of the line) wide enough for
/// [`steps`], when neither it nor the glyph after it is blank and no text
/// stands between them.
pub(super) fn widened(
    run: &TextRun,
    trailing: Option<f32>,
    natural: impl Fn(&Glyph) -> f32,
) -> Vec<(usize, u16)> {
    let glyphs = &run.glyphs;
    let mut out = Vec::new();
    for (i, g) in glyphs.iter().enumerate() {
        let gap = match glyphs.get(i + 1) {
            Some(next) => {
                let adjacent = next.range.start == g.range.end || next.range == g.range;
                if !adjacent || blank(run, next) {
                    continue;
                }
                g.x_advance - natural(g)
            }
            None => match trailing {
                Some(gap) => gap + g.x_advance - natural(g),
                None => continue,
            },
        };
        if blank(run, g) {
            continue;
        }
        if let Some(n) = steps(gap, run.size) {
            out.push((i, n));
        }
    }
    out
}

/// What one face needs: every glyph drawn, and the (glyph, steps) twins.
#[derive(Default)]
pub(super) struct Needs {
    /// Glyphs drawn from the face.
    pub(super) used: BTreeSet<u16>,
    /// Twins wanted.
    pub(super) twins: BTreeSet<(u16, u16)>,
}

/// Tables the derived file keeps besides the ones it rewrites: what krilla
/// (names, metrics, the italic angle) and the subsetter (hinting programs)
/// read.
const KEPT: [&[u8; 4]; 7] = [
    b"cmap", b"name", b"OS/2", b"cvt ", b"fpgm", b"prep", b"gasp",
];

/// The face `data` (face `index`) with the twins `needs` asks for, or
/// `None` when the face is not a static TrueType face or does not read.
pub(super) fn derive(data: &[u8], index: u32, needs: &Needs) -> Option<Widening> {
    let font = FontRef::from_index(data, index).ok()?;
    if font.table_data(Tag::new(b"gvar")).is_some() || needs.twins.is_empty() {
        return None;
    }
    let head = font.head().ok()?;
    let maxp = font.maxp().ok()?;
    let hmtx = font.hmtx().ok()?;
    let glyf = font.glyf().ok()?;
    let loca = font.loca(None).ok()?;
    let count = maxp.num_glyphs();
    let upem = f32::from(head.units_per_em().max(1));
    // Twins beyond the 65,535-glyph limit are left out (their gaps stay).
    let room = usize::from(u16::MAX - count);
    let wanted: Vec<(u16, u16)> = needs
        .twins
        .iter()
        .copied()
        .filter(|(g, _)| *g < count)
        .take(room)
        .collect();
    if wanted.is_empty() {
        return None;
    }
    let keep = with_components(&glyf, &loca, needs, count);

    let bytes = |g: u16| -> Option<&[u8]> {
        let start = loca.get_raw(usize::from(g))? as usize;
        let end = loca.get_raw(usize::from(g) + 1)? as usize;
        glyf.offset_data().as_bytes().get(start..end)
    };
    let mut new_glyf: Vec<u8> = Vec::new();
    let mut new_loca: Vec<u8> = Vec::with_capacity((usize::from(count) + wanted.len() + 1) * 4);
    let mut push = |new_glyf: &mut Vec<u8>, glyph: &[u8]| {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        new_glyf.extend_from_slice(glyph);
        while new_glyf.len() % 4 != 0 {
            new_glyf.push(0);
        }
    };
    let mut new_hmtx: Vec<u8> = Vec::with_capacity((usize::from(count) + wanted.len()) * 4);
    let metric = |g: u16| {
        let id = GlyphId::new(u32::from(g));
        (
            hmtx.advance(id).unwrap_or(0),
            hmtx.side_bearing(id).unwrap_or(0),
        )
    };
    for g in 0..count {
        let glyph = if keep.contains(&g) {
            bytes(g).unwrap_or(&[])
        } else {
            &[]
        };
        push(&mut new_glyf, glyph);
        let (advance, lsb) = metric(g);
        new_hmtx.extend_from_slice(&advance.to_be_bytes());
        new_hmtx.extend_from_slice(&lsb.to_be_bytes());
    }
    let mut twins = HashMap::with_capacity(wanted.len());
    for (k, &(g, n)) in wanted.iter().enumerate() {
        push(&mut new_glyf, bytes(g).unwrap_or(&[]));
        let (advance, lsb) = metric(g);
        let extra = (f32::from(n) * STEP * upem).round() as u32;
        let advance = u16::try_from(u32::from(advance) + extra).unwrap_or(u16::MAX);
        new_hmtx.extend_from_slice(&advance.to_be_bytes());
        new_hmtx.extend_from_slice(&lsb.to_be_bytes());
        twins.insert((g, n), count + k as u16);
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
    let total = count + wanted.len() as u16;

    let table = |tag: &[u8; 4]| font.table_data(Tag::new(tag)).map(|d| d.as_bytes());
    let mut new_head = table(b"head")?.to_vec();
    new_head
        .get_mut(50..52)?
        .copy_from_slice(&1i16.to_be_bytes());
    let mut new_maxp = table(b"maxp")?.to_vec();
    new_maxp
        .get_mut(4..6)?
        .copy_from_slice(&total.to_be_bytes());
    let mut new_hhea = table(b"hhea")?.to_vec();
    new_hhea
        .get_mut(34..36)?
        .copy_from_slice(&total.to_be_bytes());
    // `post` version 3: no glyph names (format 2 lists one per glyph).
    let mut new_post = table(b"post")?.get(..32)?.to_vec();
    new_post
        .get_mut(0..4)?
        .copy_from_slice(&0x0003_0000u32.to_be_bytes());

    let mut builder = FontBuilder::new();
    builder
        .add_raw(Tag::new(b"head"), new_head)
        .add_raw(Tag::new(b"maxp"), new_maxp)
        .add_raw(Tag::new(b"hhea"), new_hhea)
        .add_raw(Tag::new(b"hmtx"), new_hmtx)
        .add_raw(Tag::new(b"loca"), new_loca)
        .add_raw(Tag::new(b"glyf"), new_glyf)
        .add_raw(Tag::new(b"post"), new_post);
    for tag in KEPT {
        if let Some(data) = table(tag) {
            builder.add_raw(Tag::new(tag), data);
        }
    }
    Some(Widening {
        data: builder.build(),
        twins,
    })
}

/// The glyphs whose outlines the derived file keeps: `.notdef`, every glyph
/// drawn or twinned, and the components of composite glyphs among them.
fn with_components(glyf: &Glyf<'_>, loca: &Loca<'_>, needs: &Needs, count: u16) -> BTreeSet<u16> {
    let mut keep: BTreeSet<u16> = BTreeSet::new();
    let mut stack: Vec<u16> = std::iter::once(0)
        .chain(needs.used.iter().copied())
        .chain(needs.twins.iter().map(|(g, _)| *g))
        .filter(|g| *g < count)
        .collect();
    while let Some(g) = stack.pop() {
        if !keep.insert(g) {
            continue;
        }
        if let Ok(Some(GlyfGlyph::Composite(composite))) =
            loca.get_glyf(GlyphId::new(u32::from(g)), glyf)
        {
            for (component, _) in composite.component_glyphs_and_flags() {
                let c = component.to_u16();
                if c < count && !keep.contains(&c) {
                    stack.push(c);
                }
            }
        }
    }
    keep
}

/// Collects, per font of the document, the glyphs drawn and the twins the
/// gaps need. `natural` gives a glyph's own advance (pt) at a run's size.
pub(super) fn collect_needs<'a>(
    sheets: impl Iterator<Item = &'a [(Point, FrameItem)]>,
    fonts: usize,
    natural: impl Fn(&TextRun, &Glyph) -> f32,
) -> Vec<Needs> {
    let mut needs: Vec<Needs> = (0..fonts).map(|_| Needs::default()).collect();
    for items in sheets {
        let gaps = run_gaps(items);
        for ((_, item), trailing) in items.iter().zip(gaps) {
            let FrameItem::Text(run) = item else {
                continue;
            };
            let Some(need) = needs.get_mut(run.font.0) else {
                continue;
            };
            need.used.extend(run.glyphs.iter().map(|g| g.id));
            for (i, n) in widened(run, trailing, |g| natural(run, g)) {
                if let Some(g) = run.glyphs.get(i) {
                    need.twins.insert((g.id, n));
                }
            }
        }
    }
    needs
}
