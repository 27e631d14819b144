//! Text output: the glyph newtype krilla draws and the per-document font
//! cache.
//!
//! Input: [`TextRun`]s from the frame tree and the document's
//! [`FontSource`]s. Output: `draw_glyphs` calls; krilla subsets each font to
//! the glyphs used and writes a ToUnicode map from each glyph's text range.
//!
//! Exact text extraction: a glyph set wider than the font's advance (the
//! ¼-em Japanese–Latin space, the space after a mid-sentence ？, a stretched
//! line) leaves a gap that poppler reads as a word space (it starts a new
//! word at a gap over 0.1 em and puts a space between words). The two
//! glyphs around such a gap are given one text range, so krilla draws them
//! as one cluster inside an `ActualText` span *within* the text object: the
//! span's box runs from the first glyph's origin to the second's end, and
//! poppler reads their source text with no space and with the right glyph
//! boxes. A glyph is joined only once krilla has mapped it to Unicode (it
//! was drawn before in this document): krilla gives a glyph first drawn in
//! a cluster the whole cluster's text in the ToUnicode map.

use std::collections::HashSet;
use std::ops::Range;

use krilla::geom::{Point as KPoint, Transform};
use krilla::surface::Surface;
use krilla::text::{Font, Glyph as KrillaGlyphTrait, GlyphId};

use crate::layout::frame::{FontSource, Glyph, Point, TextRun};

use super::paint::fill;

/// A gap after a glyph wider than this share of the type size joins it
/// with the next glyph for text extraction (poppler starts a new word at
/// 0.1 em).
const JOIN_GAP: f32 = 0.08;

/// A frame glyph as krilla sees it. Advances and offsets are stored in
/// points at the run's size (`size`); krilla asks for them at any size
/// (also 1.0, normalised), so they are scaled. `range` is the glyph's text
/// range, or the range of the glyphs joined with it across a gap.
struct PdfGlyph<'a> {
    glyph: &'a Glyph,
    size: f32,
    range: Range<usize>,
}

impl PdfGlyph<'_> {
    /// `value` (pt at the run's size) at `size`.
    fn at(&self, value: f32, size: f32) -> f32 {
        if self.size > 0.0 {
            value / self.size * size
        } else {
            0.0
        }
    }
}

impl KrillaGlyphTrait for PdfGlyph<'_> {
    fn glyph_id(&self) -> GlyphId {
        GlyphId::new(u32::from(self.glyph.id))
    }

    fn text_range(&self) -> Range<usize> {
        self.range.clone()
    }

    fn x_advance(&self, size: f32) -> f32 {
        self.at(self.glyph.x_advance, size)
    }

    fn x_offset(&self, size: f32) -> f32 {
        self.at(self.glyph.x_offset, size)
    }

    fn y_offset(&self, size: f32) -> f32 {
        self.at(self.glyph.y_offset, size)
    }

    fn y_advance(&self, _size: f32) -> f32 {
        0.0
    }

    fn location(&self) -> Option<krilla::surface::Location> {
        None
    }
}

/// krilla fonts for the document's font list, created once each, with the
/// fonts' advances and the glyphs krilla has mapped to Unicode so far.
pub(super) struct FontCache {
    fonts: Vec<Option<Font>>,
    /// The same faces for their advance widths.
    metrics: Vec<Option<harfrust::Font>>,
    /// (font, glyph) pairs drawn so far in this document.
    mapped: HashSet<(usize, u16)>,
}

impl FontCache {
    /// Parses every font source; a font krilla cannot read is `None` and
    /// its text is skipped (reported by the caller).
    pub(super) fn new(sources: &[FontSource]) -> FontCache {
        let fonts = sources
            .iter()
            .map(|source| Font::new(source.data.clone().into(), source.index))
            .collect();
        let metrics = sources
            .iter()
            .map(|source| {
                let shared: std::sync::Arc<dyn AsRef<[u8]> + Send + Sync> = source.data.clone();
                harfrust::Font::new(harfrust::font::Blob::from(shared), source.index)
            })
            .collect();
        FontCache {
            fonts,
            metrics,
            mapped: HashSet::new(),
        }
    }

    /// The font at `index`, if it could be read.
    pub(super) fn get(&self, index: usize) -> Option<&Font> {
        self.fonts.get(index).and_then(Option::as_ref)
    }

    /// The text range krilla gets for each glyph of `run`: the glyph's own,
    /// or for glyphs joined across a gap (see the module header) the range
    /// of them all. Records the run's glyphs as mapped.
    fn extraction_ranges(&mut self, run: &TextRun) -> Vec<Range<usize>> {
        let font = run.font.0;
        let glyphs = &run.glyphs;
        let mut ranges: Vec<Range<usize>> = glyphs.iter().map(Glyph::range).collect();
        let Some(metrics) = self.metrics.get(font).and_then(Option::as_ref) else {
            return ranges;
        };
        let upem = f32::from(metrics.units_per_em().max(1));
        let advances = metrics.glyph_metrics();
        let natural = |g: &Glyph| {
            advances.h_advance(harfrust::GlyphId::new(u32::from(g.id))) / upem * run.size
        };
        let own = |i: usize| -> bool {
            // A glyph alone in its cluster, with text that is not blank.
            let Some(g) = glyphs.get(i) else { return false };
            let shares = |j: Option<usize>| {
                j.and_then(|j| glyphs.get(j))
                    .is_some_and(|o| o.range() == g.range())
            };
            !shares(i.checked_sub(1))
                && !shares(Some(i + 1))
                && run
                    .text
                    .get(g.range())
                    .is_some_and(|t| !t.trim().is_empty())
        };
        // Start of the current chain of joined glyphs.
        let mut chain_start: Option<usize> = None;
        for (i, g) in glyphs.iter().enumerate() {
            let joins = glyphs.get(i + 1).is_some_and(|next| {
                g.x_advance - natural(g) > JOIN_GAP * run.size
                    && g.end == next.start
                    && own(i)
                    && own(i + 1)
                    && self.mapped.contains(&(font, g.id))
                    && self.mapped.contains(&(font, next.id))
            });
            if joins {
                chain_start.get_or_insert(i);
            } else if let Some(start) = chain_start.take() {
                let union = glyphs[start].range().start..g.range().end;
                for range in ranges.iter_mut().take(i + 1).skip(start) {
                    *range = union.clone();
                }
            }
            self.mapped.insert((font, g.id));
        }
        ranges
    }
}

/// Draws a run at its baseline origin. Returns `false` when the run's font
/// is unusable or a glyph range does not lie in the text.
pub(super) fn draw_run(
    surface: &mut Surface,
    fonts: &mut FontCache,
    at: Point,
    run: &TextRun,
) -> bool {
    let Some(font) = fonts.get(run.font.0).cloned() else {
        return false;
    };
    if run.glyphs.is_empty() {
        return true;
    }
    let ranges_ok = run.glyphs.iter().all(|g| {
        let range = g.range();
        range.start <= range.end
            && run.text.is_char_boundary(range.start)
            && run.text.is_char_boundary(range.end)
            && range.end <= run.text.len()
    });
    if !ranges_ok {
        return false;
    }
    let ranges = fonts.extraction_ranges(run);
    let glyphs: Vec<PdfGlyph<'_>> = run
        .glyphs
        .iter()
        .zip(ranges)
        .map(|(glyph, range)| PdfGlyph {
            glyph,
            size: run.size,
            range,
        })
        .collect();
    surface.set_fill(Some(fill(run.color)));
    let slanted = run.slant != 0.0 && run.slant.is_finite();
    if slanted {
        // Shear around the baseline origin: x' = x - slant * (y - origin.y).
        surface.push_transform(&Transform::from_row(
            1.0,
            0.0,
            -run.slant,
            1.0,
            run.slant * at.y,
            0.0,
        ));
    }
    surface.draw_glyphs(
        KPoint::from_xy(at.x, at.y),
        &glyphs,
        font.clone(),
        &run.text,
        run.size,
        false,
    );
    if slanted {
        surface.pop();
    }
    true
}
