//! Twin glyphs with a wider advance, so that text extraction reads no space
//! in a JLREQ gap.
//!
//! Input: the paged document's sheets (their glyph runs) and font sources.
//! Output: for each face whose glyphs stand before such a gap, a derived
//! TrueType font file — the face with, for each (glyph, width) pair the
//! document needs, a twin glyph: the same outline with an advance widened
//! by whole steps of ⅛ em — and the map from the pair to the twin's id
//! ([`Widening`]), which `text.rs` draws instead of the glyph.
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
//! Faces:
//! - a TrueType face: glyph bytes are copied as they are (outlines and
//!   instructions). A variable one (`gvar`) becomes its default instance,
//!   the outlines krilla draws for it anyway (tebiki sets no variation);
//! - a CFF face (write-fonts cannot write `CFF `): each glyph drawn is
//!   converted to a TrueType glyph (`cff.rs`: cu2qu within 1 font unit,
//!   contours reversed, as fontTools' `otf2ttf`), so the derived file is a
//!   TrueType face and the PDF embeds it as one (CID TrueType); its sheets
//!   differ only by anti-aliasing along the curves. A variable one (`CFF2`)
//!   is converted at its default instance;
//! - a face with neither outlines (bitmap or SVG glyphs only), or one whose
//!   tables or charstrings do not read, is left as it is: `text.rs` falls
//!   back to an `ActualText` span for its gaps inside a run.
//!
//! Only the glyphs the document draws keep their outlines (the others are
//! empty in the derived file, which krilla subsets anyway, so a CFF face
//! converts only those), and only the tables krilla and its subsetter read
//! are kept, so the derived file is small.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use read_fonts::tables::glyf::Glyf;
use read_fonts::tables::loca::Loca;
use read_fonts::types::{GlyphId, Tag};
use read_fonts::{FontRef, TableProvider};
use write_fonts::FontBuilder;

use crate::layout::frame::{FrameItem, Glyph, Point, TextRun};

use super::cff::CffOutlines;
use super::guest::{GlyphMap, GuestGlyphs, raise_limits, with_components};

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

/// A face's derived file and where its added glyphs are.
pub(super) struct Widening {
    /// The derived font file.
    pub(super) data: Vec<u8>,
    /// (glyph, steps) → the twin's glyph id.
    pub(super) twins: HashMap<(u16, u16), u16>,
    /// The guest face's glyphs in the file, when it carries them.
    pub(super) guest: Option<GuestIds>,
}

/// Where a guest face's glyphs are in its host's derived file.
pub(super) struct GuestIds {
    /// Guest glyph id → id in the derived file.
    pub(super) ids: GlyphMap,
    /// (guest glyph, steps) → its twin's id in the derived file.
    pub(super) twins: HashMap<(u16, u16), u16>,
}

/// A face whose glyphs a host face's derived file is to carry: its file,
/// face index and what the document draws from it.
pub(super) struct Guest<'a> {
    /// The font file.
    pub(super) data: &'a [u8],
    /// Face index in a collection.
    pub(super) index: u32,
    /// Its glyphs drawn and twins wanted.
    pub(super) needs: &'a Needs,
}

/// The number of ⅛-em steps that covers `gap` (pt) at type size `size`, or
/// `None` for a gap that needs no twin.
pub(super) fn steps(gap: f32, size: f32) -> Option<u16> {
    // Also `None` for a NaN size or gap.
    if size.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
        || gap.partial_cmp(&(GAP_MIN * size)) != Some(std::cmp::Ordering::Greater)
    {
        return None;
    }
    // Rounded up: the twin reaches into the next glyph by less than a step
    // (neither extractor minds an overlap under 0.2 em), never short of it
    // (poppler puts a space between two words of a line, such as a raised
    // note mark and the text before it, 0.03 em apart).
    let steps = (gap / size / STEP).ceil().max(1.0);
    (steps <= f32::from(MAX_STEPS)).then_some(steps as u16)
}

/// For each item of a sheet, the gap after it to the next run of its line
/// (to where that run's first glyph is drawn) when the item is a run and
/// that gap is a gap inside the text ([`None`]
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
    let last = run.glyphs().last()?;
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
                let first = next.glyphs().first()?;
                let gap = next_at.x + first.x_offset - end;
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
                let beside_japanese = japanese(run.text().get(last.range()), true)
                    || japanese(next.text().get(first.range()), false);
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
    run.text()
        .get(glyph.range())
        .is_none_or(|t| t.trim().is_empty())
}

/// The glyphs of `run` to draw as twins, each as (index, steps): a glyph
/// followed by a gap (from the end of its drawn width, `natural`, to where
/// the next glyph is drawn, offsets included; for the last glyph up to the
/// next run of the line, `trailing`) wide enough for [`steps`], when
/// neither it nor the glyph after it is blank and no text stands between
/// them.
pub(super) fn widened(
    run: &TextRun,
    trailing: Option<f32>,
    natural: impl Fn(&Glyph) -> f32,
) -> Vec<(usize, u16)> {
    let glyphs = &run.glyphs();
    let mut out = Vec::new();
    for (i, g) in glyphs.iter().enumerate() {
        let next = glyphs.get(i + 1);
        let gap = match (next, trailing) {
            (Some(next), _) => g.x_advance - natural(g) - g.x_offset + next.x_offset,
            (None, Some(gap)) => gap + g.x_advance - natural(g) - g.x_offset,
            (None, None) => continue,
        };
        // The cheap test first: most glyphs have no gap.
        let Some(n) = steps(gap, run.size) else {
            continue;
        };
        let text_between = next.is_some_and(|next| {
            !(next.range().start == g.range().end || next.range() == g.range()) || blank(run, next)
        });
        if !text_between && !blank(run, g) {
            out.push((i, n));
        }
    }
    out
}

/// What one face needs: every glyph drawn, and the (glyph, steps) twins.
#[derive(Default)]
pub(super) struct Needs {
    /// Whether each glyph (by id) is drawn from the face.
    pub(super) used: Vec<bool>,
    /// Twins wanted.
    pub(super) twins: BTreeSet<(u16, u16)>,
}

impl Needs {
    /// Records glyph `id` as drawn.
    fn use_glyph(&mut self, id: u16) {
        let at = usize::from(id);
        if self.used.len() <= at {
            self.used.resize(at + 1, false);
        }
        self.used[at] = true;
    }

    /// Adds what `other` needs (glyphs drawn, twins wanted).
    fn merge(&mut self, other: Needs) {
        if self.used.len() < other.used.len() {
            self.used.resize(other.used.len(), false);
        }
        for (used, &also) in self.used.iter_mut().zip(&other.used) {
            *used |= also;
        }
        self.twins.extend(other.twins);
    }

    /// The glyphs drawn, in id order.
    pub(super) fn used_glyphs(&self) -> impl Iterator<Item = u16> + '_ {
        (0..=u16::MAX)
            .zip(&self.used)
            .filter_map(|(id, used)| used.then_some(id))
    }
}

/// Tables the derived file keeps besides the ones it rewrites: what krilla
/// (names, metrics, the italic angle) and the subsetter (hinting programs)
/// read.
const KEPT: [&[u8; 4]; 7] = [
    b"cmap", b"name", b"OS/2", b"cvt ", b"fpgm", b"prep", b"gasp",
];

/// Where a derived face's outlines come from.
enum Outlines<'a> {
    /// A TrueType face: each glyph's bytes copied as they are.
    TrueType { glyf: Glyf<'a>, loca: Loca<'a> },
    /// A CFF face: each glyph converted to a TrueType glyph (`cff.rs`).
    Cff(Box<CffOutlines<'a>>),
}

/// A face's derived file: the face `data` (face `index`) with the twins
/// `needs` asks for and, when `guest` is given and can be copied
/// (`guest.rs`: `glyf` outlines, the same em), the glyphs drawn from that
/// sibling face and their twins, so the two draw as one PDF font. `None`
/// when there is nothing to add or the face has neither `glyf` nor
/// `CFF `/`CFF2` outlines or does not read. A CFF face's glyphs become
/// TrueType glyphs (`cff.rs`), so its derived file is a TrueType face; a
/// variable face's is its default instance (no `gvar`, `fvar` or `HVAR` is
/// kept).
pub(super) fn derive(
    data: &[u8],
    index: u32,
    needs: &Needs,
    guest: Option<Guest<'_>>,
) -> Option<Widening> {
    let font = FontRef::from_index(data, index).ok()?;
    let guest_draws = guest
        .as_ref()
        .is_some_and(|g| g.needs.used_glyphs().next().is_some());
    if needs.twins.is_empty() && !guest_draws {
        return None;
    }
    let head = font.head().ok()?;
    let maxp = font.maxp().ok()?;
    let hmtx = font.hmtx().ok()?;
    let outlines = match (font.glyf(), font.loca(None)) {
        (Ok(glyf), Ok(loca)) => Outlines::TrueType { glyf, loca },
        _ => Outlines::Cff(Box::new(CffOutlines::new(&font)?)),
    };
    let count = maxp.num_glyphs();
    let upem = f32::from(head.units_per_em().max(1));
    let guest = guest.filter(|_| guest_draws).and_then(|g| {
        GuestGlyphs::collect(
            g.data,
            g.index,
            g.needs.used_glyphs(),
            head.units_per_em(),
            count,
        )
        .map(|glyphs| (glyphs, g.needs))
    });
    let keep = match &outlines {
        Outlines::TrueType { glyf, loca } => with_components(glyf, loca, needed(needs), count),
        // CFF glyphs have no components (skrifa draws a seac accent whole).
        Outlines::Cff(_) => needed(needs).filter(|g| *g < count).collect(),
    };
    let metric = |g: u16| {
        let id = GlyphId::new(u32::from(g));
        (
            hmtx.advance(id).unwrap_or(0),
            hmtx.side_bearing(id).unwrap_or(0),
        )
    };

    // Every glyph of the derived file, in id order: its bytes in `glyf`,
    // advance and left side bearing. For a converted glyph the bearing is
    // its new xMin, as `otf2ttf` sets it (a rasterizer shifts a TrueType
    // glyph by the difference).
    let mut glyphs: Vec<(Cow<'_, [u8]>, u16, i16)> = Vec::with_capacity(usize::from(count));
    // The most points and contours of a converted glyph (for `maxp`).
    let (mut max_points, mut max_contours) = (0u16, 0u16);
    for g in 0..count {
        let (advance, lsb) = metric(g);
        let empty = (Cow::Borrowed(&[][..]), advance, lsb);
        if !keep.contains(&g) {
            glyphs.push(empty);
            continue;
        }
        glyphs.push(match &outlines {
            Outlines::TrueType { glyf, loca } => {
                let start = loca.get_raw(usize::from(g)).unwrap_or(0) as usize;
                let end = loca.get_raw(usize::from(g) + 1).unwrap_or(0) as usize;
                let bytes = glyf.offset_data().as_bytes().get(start..end);
                (Cow::Borrowed(bytes.unwrap_or(&[])), advance, lsb)
            }
            Outlines::Cff(cff) => match cff.glyph(g)? {
                None => empty,
                Some(glyph) => {
                    let points: usize = glyph.contours.iter().map(|c| c.len()).sum();
                    max_points = max_points.max(u16::try_from(points).ok()?);
                    max_contours = max_contours.max(u16::try_from(glyph.contours.len()).ok()?);
                    let lsb = glyph.bbox.x_min;
                    (
                        Cow::Owned(write_fonts::dump_table(&glyph).ok()?),
                        advance,
                        lsb,
                    )
                }
            },
        });
    }
    // The guest's glyphs follow the face's own.
    let mut guest_maxp = None;
    let guest = guest.map(|(copied, guest_needs)| {
        for (_, bytes, advance, lsb) in copied.glyphs {
            glyphs.push((Cow::Owned(bytes), advance, lsb));
        }
        guest_maxp = Some(copied.maxp);
        (copied.ids, guest_needs)
    });

    // Then the twins: the face's own glyphs', then the guest's, each the
    // glyph it doubles with an advance wider by whole steps. Twins beyond
    // the 65,535-glyph limit are left out (their gaps stay).
    let mut wanted: Vec<(u16, u16, u16)> = needs
        .twins
        .iter()
        .filter(|(g, _)| *g < count)
        .map(|&(g, n)| (g, n, g))
        .collect();
    if let Some((ids, guest_needs)) = &guest {
        wanted.extend(
            guest_needs
                .twins
                .iter()
                .filter_map(|&(g, n)| Some((g, n, ids.get(g)?))),
        );
    }
    let room = usize::from(u16::MAX).saturating_sub(glyphs.len());
    wanted.truncate(room);
    let own_twins = needs.twins.iter().filter(|(g, _)| *g < count).count();
    let mut twins = HashMap::with_capacity(own_twins);
    let mut guest_twins = HashMap::new();
    for (k, &(g, n, source)) in wanted.iter().enumerate() {
        let (bytes, advance, lsb) = glyphs.get(usize::from(source))?.clone();
        let extra = (f32::from(n) * STEP * upem).round() as u32;
        let advance = u16::try_from(u32::from(advance) + extra).unwrap_or(u16::MAX);
        let id = u16::try_from(glyphs.len()).ok()?;
        glyphs.push((bytes, advance, lsb));
        if k < own_twins {
            twins.insert((g, n), id);
        } else {
            guest_twins.insert((g, n), id);
        }
    }
    if twins.is_empty() && guest.is_none() {
        return None;
    }
    let total = u16::try_from(glyphs.len()).ok()?;

    let mut new_glyf: Vec<u8> = Vec::new();
    let mut new_loca: Vec<u8> = Vec::with_capacity((glyphs.len() + 1) * 4);
    let mut new_hmtx: Vec<u8> = Vec::with_capacity(glyphs.len() * 4);
    for (bytes, advance, lsb) in &glyphs {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        new_glyf.extend_from_slice(bytes);
        while !new_glyf.len().is_multiple_of(4) {
            new_glyf.push(0);
        }
        new_hmtx.extend_from_slice(&advance.to_be_bytes());
        new_hmtx.extend_from_slice(&lsb.to_be_bytes());
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());

    let table = |tag: &[u8; 4]| font.table_data(Tag::new(tag)).map(|d| d.as_bytes());
    let mut new_head = table(b"head")?.to_vec();
    new_head
        .get_mut(50..52)?
        .copy_from_slice(&1i16.to_be_bytes());
    let mut new_maxp = match outlines {
        Outlines::TrueType { .. } => {
            let mut new_maxp = table(b"maxp")?.to_vec();
            new_maxp
                .get_mut(4..6)?
                .copy_from_slice(&total.to_be_bytes());
            new_maxp
        }
        // A CFF face's `maxp` is version 0.5; a `glyf` face needs 1.0, set
        // as `otf2ttf` sets it (no instructions, one zone).
        Outlines::Cff(_) => write_fonts::dump_table(&write_fonts::tables::maxp::Maxp {
            num_glyphs: total,
            max_points: Some(max_points),
            max_contours: Some(max_contours),
            max_composite_points: Some(0),
            max_composite_contours: Some(0),
            max_zones: Some(1),
            max_twilight_points: Some(0),
            max_storage: Some(0),
            max_function_defs: Some(0),
            max_instruction_defs: Some(0),
            max_stack_elements: Some(0),
            max_size_of_instructions: Some(0),
            max_component_elements: Some(0),
            max_component_depth: Some(0),
        })
        .ok()?,
    };
    if let Some(guest_maxp) = &guest_maxp {
        raise_limits(&mut new_maxp, guest_maxp);
    }
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
        guest: guest.map(|(ids, _)| GuestIds {
            ids,
            twins: guest_twins,
        }),
    })
}

/// The glyphs a derived file keeps the outlines of: `.notdef`, every glyph
/// drawn or twinned (with a `glyf` face, also their components).
fn needed(needs: &Needs) -> impl Iterator<Item = u16> + '_ {
    std::iter::once(0)
        .chain(needs.used_glyphs())
        .chain(needs.twins.iter().map(|(g, _)| *g))
}

/// A sheet's [`run_gaps`], kept only where there is a gap, as (item index,
/// gap) in item order: a PDF's sheets keep theirs until each is drawn, and
/// most runs have none.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct SheetGaps(Vec<(u32, f32)>);

impl SheetGaps {
    /// The gaps of the runs of `items`.
    pub(super) fn of(items: &[(Point, FrameItem)]) -> SheetGaps {
        SheetGaps(
            run_gaps(items)
                .into_iter()
                .enumerate()
                .filter_map(|(i, gap)| Some((u32::try_from(i).ok()?, gap?)))
                .collect(),
        )
    }

    /// The gap after the run at `index`, as [`run_gaps`] gives it.
    pub(super) fn get(&self, index: usize) -> Option<f32> {
        let index = u32::try_from(index).ok()?;
        let at = self.0.binary_search_by_key(&index, |&(i, _)| i).ok()?;
        self.0.get(at).map(|&(_, gap)| gap)
    }
}

/// [`SheetGaps`] of every sheet, read in rayon's pool (this runs before a
/// PDF's first page is drawn, so for the last PDF of a build it would
/// otherwise hold up its drawing on one core): the needs and the drawing
/// read the same gaps.
pub(super) fn sheet_gaps(sheets: &[&[(Point, FrameItem)]]) -> Vec<SheetGaps> {
    use rayon::prelude::*;
    sheets
        .par_iter()
        .map(|items| SheetGaps::of(items))
        .collect()
}

/// Collects, per font of the document, the glyphs drawn and the twins the
/// gaps (`gaps`, per sheet: [`sheet_gaps`]) need. `natural` gives a
/// glyph's own advance (pt) at a run's size. The sheets are read in
/// rayon's pool; what they need is a union, the same in any order.
pub(super) fn collect_needs(
    sheets: &[&[(Point, FrameItem)]],
    gaps: &[SheetGaps],
    fonts: usize,
    natural: impl Fn(&TextRun, &Glyph) -> f32 + Sync,
) -> Vec<Needs> {
    use rayon::prelude::*;
    let none = || -> Vec<Needs> { (0..fonts).map(|_| Needs::default()).collect() };
    // At least 64 sheets per part: each part's needs hold a flag per glyph
    // id of every face.
    sheets
        .par_iter()
        .zip(gaps)
        .with_min_len(64)
        .fold(none, |mut needs, (items, gaps)| {
            add_sheet_needs(&mut needs, items, gaps, &natural);
            needs
        })
        .reduce(none, |mut all, part| {
            for (into, from) in all.iter_mut().zip(part) {
                into.merge(from);
            }
            all
        })
}

/// Adds what one sheet's runs need to `needs` (one entry per font), given
/// the sheet's [`run_gaps`].
fn add_sheet_needs(
    needs: &mut [Needs],
    items: &[(Point, FrameItem)],
    gaps: &SheetGaps,
    natural: &impl Fn(&TextRun, &Glyph) -> f32,
) {
    for (index, (_, item)) in items.iter().enumerate() {
        let FrameItem::Text(run) = item else {
            continue;
        };
        let trailing = gaps.get(index);
        let Some(need) = needs.get_mut(run.font.index()) else {
            continue;
        };
        for g in run.glyphs() {
            need.use_glyph(g.id);
        }
        for (i, n) in widened(run, trailing, |g| natural(run, g)) {
            if let Some(g) = run.glyphs().get(i) {
                need.twins.insert((g.id, n));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::frame::{FontKey, LineItem, Rgb, ShapedText, StructTag, TagEvent};
    use read_fonts::tables::glyf::Glyph as GlyfGlyph;

    use crate::pdf::guest::without_instructions;

    /// Glyph `g`'s advance in face `f`'s `hmtx`.
    fn advance(f: &FontRef, g: u16) -> u16 {
        f.hmtx()
            .expect("hmtx")
            .advance(GlyphId::new(u32::from(g)))
            .expect("advance")
    }

    /// One frame glyph (the one place that builds them here).
    fn glyph(id: u16, x_advance: f32, range: std::ops::Range<usize>) -> Glyph {
        Glyph {
            id,
            x_advance,
            x_offset: 0.0,
            y_offset: 0.0,
            start: range.start as u32,
            end: range.end as u32,
        }
    }

    /// A run of `text` with one glyph per character, each 10 pt wide but
    /// those named in `wide`, which get `extra` pt more.
    fn run(text: &str, wide: &[usize], extra: f32) -> TextRun {
        let glyphs = text
            .char_indices()
            .enumerate()
            .map(|(i, (at, c))| {
                let adv = if wide.contains(&i) {
                    10.0 + extra
                } else {
                    10.0
                };
                glyph(i as u16 + 1, adv, at..at + c.len_utf8())
            })
            .collect::<Vec<_>>();
        TextRun {
            font: FontKey(0),
            size: 10.0,
            color: Rgb::BLACK,
            slant: 0.0,
            shaped: ShapedText::new(text, glyphs),
        }
    }

    #[test]
    fn steps_cover_the_gap_rounded_up() {
        assert_eq!(steps(2.5, 10.0), Some(2));
        assert_eq!(steps(2.6, 10.0), Some(3));
        assert_eq!(steps(0.9, 10.0), Some(1));
        assert_eq!(steps(0.5, 10.0), None);
        assert_eq!(steps(-3.0, 10.0), None);
        assert_eq!(steps(25.0, 10.0), None);
        assert_eq!(steps(f32::NAN, 10.0), None);
        assert_eq!(steps(2.5, 0.0), None);
    }

    #[test]
    fn the_glyph_before_a_gap_is_widened_unless_a_space_is_there() {
        // 「Webブラウザー」 with ¼ em after b.
        let r = run("Webブラウザー", &[2], 2.5);
        assert_eq!(widened(&r, None, |_| 10.0), vec![(2, 2)]);
        // A space glyph reads as a space: neither it nor the glyph before
        // it is widened.
        let r = run("Web ブ", &[2, 3], 2.5);
        assert_eq!(widened(&r, None, |_| 10.0), vec![]);
        // The last glyph takes the gap to the next run.
        let r = run("方法", &[], 0.0);
        assert_eq!(widened(&r, Some(2.5), |_| 10.0), vec![(1, 2)]);
        assert_eq!(widened(&r, None, |_| 10.0), vec![]);
        // An offset moving the next glyph right is part of the gap.
        let mut r = run("認証・デ", &[], 0.0);
        let mut glyphs = r.glyphs().to_vec();
        glyphs[2].x_offset = 2.5;
        r.shaped = ShapedText::new(r.text(), glyphs);
        assert_eq!(widened(&r, None, |_| 10.0), vec![(1, 2)]);
    }

    /// A sheet's items: `first` at x = 0, then `between`, then `second` at
    /// `x` on the same baseline.
    fn items(
        first: TextRun,
        between: Vec<FrameItem>,
        second: TextRun,
        x: f32,
    ) -> Vec<(Point, FrameItem)> {
        let mut items = vec![(Point::new(0.0, 100.0), FrameItem::Text(first))];
        items.extend(between.into_iter().map(|i| (Point::default(), i)));
        items.push((Point::new(x, 100.0), FrameItem::Text(second)));
        items
    }

    #[test]
    fn needs_read_in_the_pool_are_those_of_one_pass_over_the_sheets() {
        // Sheets whose runs widen different glyphs (within a run and across
        // a gap to the next run), in two fonts, some sheets alike.
        let mut sheets: Vec<Vec<(Point, FrameItem)>> = Vec::new();
        for k in 0..40u16 {
            let mut first = run("Webブラウザー方法", &[usize::from(k % 7)], 2.5);
            first.font = FontKey(u32::from(k % 2));
            let second = run("の設定", &[], 0.0);
            sheets.push(items(
                first,
                Vec::new(),
                second,
                70.0 + f32::from(k % 5) * 2.0 + 2.5,
            ));
        }
        let slices: Vec<&[(Point, FrameItem)]> = sheets.iter().map(Vec::as_slice).collect();
        let natural = |_: &TextRun, _: &Glyph| 10.0;
        let gaps = sheet_gaps(&slices);
        let pooled = collect_needs(&slices, &gaps, 3, natural);
        let mut one_pass: Vec<Needs> = (0..3).map(|_| Needs::default()).collect();
        for items in &slices {
            add_sheet_needs(&mut one_pass, items, &SheetGaps::of(items), &natural);
        }
        assert_eq!(pooled.len(), 3);
        for (pooled, one) in pooled.iter().zip(&one_pass) {
            assert_eq!(
                pooled.used_glyphs().collect::<Vec<_>>(),
                one.used_glyphs().collect::<Vec<_>>()
            );
            assert_eq!(pooled.twins, one.twins);
        }
        assert!(one_pass[0].twins.len() > 1 && one_pass[1].twins.len() > 1);
        assert!(one_pass[2].twins.is_empty() && one_pass[2].used_glyphs().next().is_none());
    }

    #[test]
    fn a_gap_between_runs_of_a_line_is_found_unless_structure_separates_them() {
        let underline = FrameItem::Line(LineItem {
            to: Point::new(20.0, 0.0),
            color: Rgb::BLACK,
            width: 0.5,
        });
        // A link (its underline and the end of its tag) before Japanese.
        let linked = items(
            run("Web", &[], 0.0),
            vec![underline, FrameItem::Tag(TagEvent::End)],
            run("の設定", &[], 0.0),
            32.5,
        );
        assert_eq!(run_gaps(&linked)[0], Some(2.5));
        // Two table cells.
        let cells = items(
            run("列", &[], 0.0),
            vec![
                FrameItem::Tag(TagEvent::End),
                FrameItem::Tag(TagEvent::Start(StructTag::TableHeaderCell(1, 1))),
            ],
            run("列名", &[], 0.0),
            15.0,
        );
        assert_eq!(run_gaps(&cells)[0], None);
        // The same inside an artifact (a repeated header row).
        let mut repeated = items(run("列", &[], 0.0), vec![], run("列名", &[], 0.0), 15.0);
        repeated.insert(
            0,
            (Point::default(), FrameItem::Tag(TagEvent::ArtifactStart)),
        );
        assert_eq!(run_gaps(&repeated)[1], None);
        // Two Latin runs: a note's mark and its URL.
        let note = items(run("*1", &[], 0.0), vec![], run("https", &[], 0.0), 25.0);
        assert_eq!(run_gaps(&note)[0], None);
        // Too far apart, or on another line.
        let far = items(run("方法", &[], 0.0), vec![], run("1", &[], 0.0), 31.0);
        assert_eq!(run_gaps(&far)[0], None);
        // Kept sparsely, the gaps read back the same for every item.
        for sheet in [&linked, &cells, &repeated, &note, &far] {
            let (dense, sparse) = (run_gaps(sheet), SheetGaps::of(sheet));
            for (i, gap) in dense.iter().enumerate() {
                assert_eq!(sparse.get(i), *gap, "item {i}");
            }
            assert_eq!(sparse.get(dense.len() + 3), None);
        }
    }

    /// Glyph `g`'s bytes in face `f`'s `glyf` (the derived file pads
    /// each to four bytes; the padding is not part of the glyph).
    fn glyph_bytes(f: &FontRef, g: u16) -> Vec<u8> {
        let loca = f.loca(None).expect("loca");
        let glyf = f.glyf().expect("glyf");
        let (s, e) = (
            loca.get_raw(usize::from(g)).expect("start") as usize,
            loca.get_raw(usize::from(g) + 1).expect("end") as usize,
        );
        let mut bytes = glyf.offset_data().as_bytes()[s..e].to_vec();
        while bytes.last() == Some(&0) && bytes.len() % 4 != 0 {
            bytes.pop();
        }
        bytes
    }

    /// A bundled font file.
    fn bundled(name: &str) -> Vec<u8> {
        let path = format!("{}/fonts/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(path).expect("bundled font")
    }

    #[test]
    fn a_sibling_faces_glyphs_and_twins_are_carried_without_their_instructions() {
        let (host_data, guest_data) = (
            bundled("BIZUDPGothic-Regular.ttf"),
            bundled("BIZUDGothic-Regular.ttf"),
        );
        let (host, guest) = (
            FontRef::new(&host_data).expect("host"),
            FontRef::new(&guest_data).expect("guest"),
        );
        let gid = |f: &FontRef, c: char| {
            f.cmap()
                .expect("cmap")
                .map_codepoint(c)
                .expect("glyph")
                .to_u32() as u16
        };
        let (a, comma, bracket) = (gid(&host, 'あ'), gid(&guest, '、'), gid(&guest, '「'));
        let mut host_needs = Needs::default();
        host_needs.use_glyph(a);
        let mut guest_needs = Needs {
            twins: [(comma, 1)].into_iter().collect(),
            ..Needs::default()
        };
        guest_needs.use_glyph(comma);
        guest_needs.use_glyph(bracket);
        let carried = Guest {
            data: &guest_data,
            index: 0,
            needs: &guest_needs,
        };
        // No twins of its own: the guest alone is reason to derive.
        let widened = derive(&host_data, 0, &host_needs, Some(carried)).expect("derived");
        assert!(widened.twins.is_empty());
        let ids = widened.guest.expect("the sibling is carried");
        let count = host.maxp().expect("maxp").num_glyphs();
        let (c, b) = (
            ids.ids.get(comma).expect("、"),
            ids.ids.get(bracket).expect("「"),
        );
        assert!(c >= count && b >= count && c != b, "after the face's own");
        let twin = ids.twins[&(comma, 1)];

        let derived = FontRef::new(&widened.data).expect("derived font reads");
        let upem = derived.head().expect("head").units_per_em();
        assert_eq!(advance(&derived, c), advance(&guest, comma));
        assert_eq!(advance(&derived, twin), advance(&guest, comma) + upem / 8);
        assert_eq!(advance(&derived, a), advance(&host, a));
        for (copy, original) in [(c, comma), (b, bracket), (twin, comma)] {
            let want = without_instructions(&glyph_bytes(&guest, original), |_| None)
                .expect("a simple glyph");
            // The copy, then at most the padding to four bytes.
            let got = glyph_bytes(&derived, copy);
            assert_eq!(got[..want.len()], want[..], "glyph {copy}");
            assert!(got.len() - want.len() < 4 && got[want.len()..].iter().all(|&x| x == 0));
        }
        let contours =
            i16::from_be_bytes([glyph_bytes(&derived, c)[0], glyph_bytes(&derived, c)[1]]);
        let length_at = 10 + 2 * contours as usize;
        assert_eq!(glyph_bytes(&derived, c)[length_at..length_at + 2], [0, 0]);
        // Its limits cover the guest's glyphs; krilla reads the file.
        let (dm, gm) = (derived.maxp().expect("maxp"), guest.maxp().expect("maxp"));
        assert!(dm.max_points() >= gm.max_points());
        assert!(dm.max_contours() >= gm.max_contours());
        assert!(krilla::text::Font::new(widened.data.clone().into(), 0).is_some());

        // A guest without `glyf` outlines (CFF) is not carried; the face's
        // own twins still are.
        let cff = bundled("TebikiFallbackJP-Regular.otf");
        host_needs.twins.insert((a, 2));
        let widened = derive(
            &host_data,
            0,
            &host_needs,
            Some(Guest {
                data: &cff,
                index: 0,
                needs: &guest_needs,
            }),
        )
        .expect("derived for its twins");
        assert!(widened.guest.is_none());
        assert_eq!(widened.twins.len(), 1);
    }

    #[test]
    fn a_twin_has_the_glyphs_outline_and_a_wider_advance() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fonts/BIZUDPGothic-Regular.ttf"
        );
        let data = std::fs::read(path).expect("bundled font");
        let font = FontRef::new(&data).expect("font");
        let cmap = font.cmap().expect("cmap");
        let gid = |c: char| cmap.map_codepoint(c).expect("glyph").to_u32() as u16;
        let (b, bu, unused) = (gid('b'), gid('ブ'), gid('Z'));
        let mut needs = Needs {
            twins: [(b, 2)].into_iter().collect(),
            ..Needs::default()
        };
        needs.use_glyph(b);
        needs.use_glyph(bu);
        let widened = derive(&data, 0, &needs, None).expect("derived");
        let count = font.maxp().expect("maxp").num_glyphs();
        assert_eq!(widened.twins.get(&(b, 2)), Some(&count));

        let derived = FontRef::new(&widened.data).expect("derived font reads");
        assert_eq!(derived.maxp().expect("maxp").num_glyphs(), count + 1);
        let upem = derived.head().expect("head").units_per_em();
        assert_eq!(advance(&derived, count), advance(&font, b) + upem / 4);
        assert_eq!(advance(&derived, bu), advance(&font, bu));
        let outline = glyph_bytes;
        let original = outline(&font, b);
        assert!(!original.is_empty());
        assert_eq!(outline(&derived, count)[..original.len()], original[..]);
        assert_eq!(outline(&derived, b)[..original.len()], original[..]);
        assert!(
            outline(&derived, unused).is_empty(),
            "unused outlines are dropped"
        );
        // The derived file is a fraction of the face and krilla reads it.
        assert!(
            widened.data.len() < data.len() / 4,
            "{} bytes",
            widened.data.len()
        );
        assert!(krilla::text::Font::new(widened.data.into(), 0).is_some());
    }

    #[test]
    fn a_cff_face_is_derived_as_a_truetype_face_with_twins() {
        use kurbo::Shape;
        use skrifa::MetadataProvider;
        use skrifa::outline::OutlineGlyphFormat;

        use crate::pdf::cff::tests::{font_file, outline};
        let data = font_file("static/fonts/NotoSansSC-Regular-GB2312L1.otf");
        let font = FontRef::new(&data).expect("font");
        let cmap = font.cmap().expect("cmap");
        let gid = |c: char| cmap.map_codepoint(c).expect("glyph").to_u32() as u16;
        let (b, zhong, unused) = (gid('b'), gid('中'), gid('Z'));
        let mut needs = Needs {
            twins: [(b, 2), (zhong, 1)].into_iter().collect(),
            ..Needs::default()
        };
        needs.use_glyph(b);
        needs.use_glyph(zhong);
        let widened = derive(&data, 0, &needs, None).expect("derived");
        let count = font.maxp().expect("maxp").num_glyphs();
        assert_eq!(widened.twins.get(&(b, 2)), Some(&count));
        assert_eq!(widened.twins.get(&(zhong, 1)), Some(&(count + 1)));

        let derived = FontRef::new(&widened.data).expect("derived font reads");
        assert!(derived.table_data(Tag::new(b"CFF ")).is_none());
        assert_eq!(
            derived.outline_glyphs().format(),
            Some(OutlineGlyphFormat::Glyf)
        );
        let maxp = derived.maxp().expect("maxp");
        assert_eq!(maxp.num_glyphs(), count + 2);
        assert!(maxp.max_points().is_some_and(|p| p > 0), "maxp 1.0");
        let upem = derived.head().expect("head").units_per_em();
        assert_eq!(advance(&derived, count), advance(&font, b) + upem / 4);
        assert_eq!(
            advance(&derived, count + 1),
            advance(&font, zhong) + upem / 8
        );
        assert_eq!(advance(&derived, zhong), advance(&font, zhong));
        // Glyph, twin: the CFF outline, reversed, within the accuracy; the
        // side bearing is the new outline's xMin (a rasterizer shifts a
        // glyph by their difference).
        for (g, twin) in [(b, count), (zhong, count + 1)] {
            let cubic = outline(&data, g);
            for id in [g, twin] {
                let quadratic = outline(&widened.data, id);
                let (r, q) = (cubic.bounding_box(), quadratic.bounding_box());
                for (x, y) in [(r.x0, q.x0), (r.y0, q.y0), (r.x1, q.x1), (r.y1, q.y1)] {
                    assert!((x - y).abs() <= 2.0, "glyph {id}: {r:?} {q:?}");
                }
                assert!(cubic.area() > 0.0 && quadratic.area() < 0.0);
                let glyf = derived.glyf().expect("glyf");
                let loca = derived.loca(None).expect("loca");
                let Ok(Some(GlyfGlyph::Simple(simple))) =
                    loca.get_glyf(GlyphId::new(u32::from(id)), &glyf)
                else {
                    panic!("glyph {id} is a simple glyph");
                };
                let lsb = derived
                    .hmtx()
                    .expect("hmtx")
                    .side_bearing(GlyphId::new(u32::from(id)));
                assert_eq!(lsb, Some(simple.x_min()));
            }
        }
        assert!(
            outline(&widened.data, unused).is_empty(),
            "unused outlines are dropped"
        );
        assert!(!outline(&data, unused).is_empty());
        assert!(
            widened.data.len() < data.len() / 10,
            "{} bytes",
            widened.data.len()
        );
        assert!(krilla::text::Font::new(widened.data.into(), 0).is_some());
    }

    /// `data`'s face with table `tag` set to `bytes` (added or replaced).
    fn with_table(data: &[u8], tag: &[u8; 4], bytes: Vec<u8>) -> Vec<u8> {
        let font = FontRef::new(data).expect("font");
        let mut builder = FontBuilder::new();
        for record in font.table_directory.table_records() {
            if let Some(table) = font.table_data(record.tag()) {
                builder.add_raw(record.tag(), table.as_bytes().to_vec());
            }
        }
        builder.add_raw(Tag::new(tag), bytes);
        builder.build()
    }

    #[test]
    fn a_variable_truetype_face_is_derived_as_its_default_instance() {
        let data = crate::pdf::cff::tests::font_file("fonts/BIZUDPGothic-Regular.ttf");
        let font = FontRef::new(&data).expect("font");
        let b = font
            .cmap()
            .expect("cmap")
            .map_codepoint('b')
            .expect("b")
            .to_u32() as u16;
        let mut needs = Needs {
            twins: [(b, 2)].into_iter().collect(),
            ..Needs::default()
        };
        needs.use_glyph(b);
        let variable = with_table(&data, b"gvar", vec![0; 20]);
        let variable = with_table(&variable, b"fvar", vec![0; 16]);
        let widened = derive(&variable, 0, &needs, None).expect("derived");
        let derived = FontRef::new(&widened.data).expect("reads");
        for tag in [b"gvar", b"fvar"] {
            assert!(derived.table_data(Tag::new(tag)).is_none());
        }
        // The default outline (the `glyf` bytes), for the glyph and its twin.
        let plain = derive(&data, 0, &needs, None).expect("derived");
        assert_eq!(widened.data, plain.data);
    }

    #[test]
    fn a_variable_cff2_face_is_derived_as_a_static_truetype_face() {
        use skrifa::MetadataProvider;
        let data = crate::pdf::cff::tests::font_file("tests/fixtures/fonts/TestCFF2Var.otf");
        let font = FontRef::new(&data).expect("font");
        let o = font.charmap().map('o').expect("o").to_u32() as u16;
        let mut needs = Needs {
            twins: [(o, 2)].into_iter().collect(),
            ..Needs::default()
        };
        needs.use_glyph(o);
        let widened = derive(&data, 0, &needs, None).expect("derived");
        let derived = FontRef::new(&widened.data).expect("reads");
        for tag in [b"CFF2", b"fvar", b"HVAR", b"CFF "] {
            assert!(derived.table_data(Tag::new(tag)).is_none());
        }
        let count = font.maxp().expect("maxp").num_glyphs();
        let twin = *widened.twins.get(&(o, 2)).expect("twin");
        assert_eq!(twin, count);
        assert_eq!(advance(&derived, twin), advance(&font, o) + 250);
        let glyf = derived.glyf().expect("glyf");
        let loca = derived.loca(None).expect("loca");
        assert!(matches!(
            loca.get_glyf(GlyphId::new(u32::from(twin)), &glyf),
            Ok(Some(GlyfGlyph::Simple(_)))
        ));
        assert!(krilla::text::Font::new(widened.data.into(), 0).is_some());
    }

    #[test]
    fn a_face_without_outlines_it_can_convert_or_without_gaps_is_not_derived() {
        let mut needs = Needs {
            twins: [(1, 2)].into_iter().collect(),
            ..Needs::default()
        };
        needs.use_glyph(1);
        let cff = crate::pdf::cff::tests::font_file("fonts/TebikiFallbackJP-Regular.otf");
        assert!(derive(&cff, 0, &needs, None).is_some());
        // Charstrings that do not read.
        let broken = with_table(&cff, b"CFF ", vec![1, 0, 4, 4, 0, 1, 2, 3]);
        assert!(derive(&broken, 0, &needs, None).is_none(), "broken CFF");
        let data = crate::pdf::cff::tests::font_file("fonts/BIZUDPGothic-Regular.ttf");
        assert!(
            derive(&data, 0, &Needs::default(), None).is_none(),
            "no gaps"
        );
        assert!(derive(b"not a font", 0, &needs, None).is_none());
    }
}
