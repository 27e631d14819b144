//! Text output: the glyph newtype krilla draws and the per-document font
//! cache.
//!
//! Input: [`TextRun`]s from the frame tree, the document's [`FontSource`]s
//! and its sheets (read once, for the twins of `widen.rs`). Output:
//! `draw_glyphs` calls; krilla subsets each font to the glyphs used and
//! writes a ToUnicode map from each glyph's text range.
//!
//! Exact text extraction: a glyph set wider than the font's advance (the
//! ¼-em Japanese–Latin space, the space after a mid-sentence ？, a stretched
//! line) leaves a gap that poppler and pdf.js read as a word space. The
//! glyph before such a gap is drawn as its twin, the same outline with a
//! wider advance (`widen.rs`), so the extractors see no gap; this also
//! covers the gap between two runs of a line (a link, bold or code next to
//! Japanese), the last glyph of the first run taking it. `widen.rs` derives
//! TrueType faces and CFF faces, converted to TrueType outlines (variable
//! ones at their default instance). For a face it cannot derive (no
//! outlines, tables that do not read) the two glyphs around a gap
//! within a run are given one text range instead, so krilla draws them as
//! one cluster inside an `ActualText` span *within* the text object, which
//! poppler reads (pdf.js ignores it); such a glyph is joined only once
//! krilla has mapped it to Unicode (it was drawn before in this document):
//! krilla gives a glyph first drawn in a cluster the whole cluster's text
//! in the ToUnicode map.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use krilla::geom::{Point as KPoint, Transform};
use krilla::surface::Surface;
use krilla::text::{Font, Glyph as KrillaGlyphTrait, GlyphId};

use crate::layout::frame::{FontSource, Glyph, Point, Sheet, TextRun};

use super::paint::fill;
use super::widen::{self, GAP_MIN as JOIN_GAP};

/// A frame glyph as krilla sees it. Advances and offsets are stored in
/// points at the run's size (`size`); krilla asks for them at any size
/// (also 1.0, normalised), so they are scaled. `range` is the glyph's text
/// range, or the range of the glyphs joined with it across a gap. `id` is
/// the glyph drawn: the frame glyph's, or its wider twin's.
struct PdfGlyph<'a> {
    glyph: &'a Glyph,
    id: u16,
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
        GlyphId::new(u32::from(self.id))
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
/// fonts' advances, the twins of glyphs before a gap and the glyphs krilla
/// has mapped to Unicode so far.
pub(super) struct FontCache {
    fonts: Vec<Option<Font>>,
    /// The same faces (the original files) for their advance widths.
    metrics: Vec<Option<harfrust::Font>>,
    /// Per face: (glyph, steps) → twin id, when the face was derived with
    /// twins (`widen.rs`); `None` for a face without gaps or one `widen.rs`
    /// cannot derive, whose gaps are joined instead.
    twins: Vec<Option<HashMap<(u16, u16), u16>>>,
    /// (font, glyph) pairs drawn so far in this document.
    mapped: HashSet<(usize, u16)>,
}

impl FontCache {
    /// Parses every font source, each face `widen.rs` can derive (TrueType,
    /// CFF) derived with the twins the gaps of `sheets` need; a font
    /// krilla cannot read is `None` and its text is skipped (reported by the
    /// caller).
    pub(super) fn new(sources: &[FontSource], sheets: &[Sheet]) -> FontCache {
        let metrics: Vec<Option<harfrust::Font>> = sources
            .iter()
            .map(|source| {
                harfrust::Font::new(
                    harfrust::font::Blob::from(source.data.shared()),
                    source.index,
                )
            })
            .collect();
        let needs = {
            let advances: Vec<Advances<'_>> =
                metrics.iter().map(|m| Advances::new(m.as_ref())).collect();
            let items: Vec<&[_]> = sheets.iter().map(|sheet| sheet.items.as_slice()).collect();
            widen::collect_needs(&items, sources.len(), |run, g| {
                advances
                    .get(run.font.index())
                    .map_or(0.0, |a| a.of(run.size, g.id))
            })
        };
        let mut fonts = Vec::with_capacity(sources.len());
        let mut twins = Vec::with_capacity(sources.len());
        // Each face is derived on its own (a CFF face's drawn glyphs are
        // converted to TrueType outlines), in rayon's pool.
        let derived: Vec<_> = {
            use rayon::prelude::*;
            sources
                .par_iter()
                .zip(&needs)
                .map(|(source, need)| {
                    widen::derive(&source.data, source.index, need)
                        .and_then(|w| Font::new(w.data.into(), 0).map(|font| (font, w.twins)))
                })
                .collect()
        };
        for (source, derived) in sources.iter().zip(derived) {
            match derived {
                Some((font, map)) => {
                    fonts.push(Some(font));
                    twins.push(Some(map));
                }
                None => {
                    fonts.push(Font::new(source.data.shared().into(), source.index));
                    twins.push(None);
                }
            }
        }
        FontCache {
            fonts,
            metrics,
            twins,
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
        let font = run.font.index();
        let glyphs = &run.glyphs();
        let mut ranges: Vec<Range<usize>> = glyphs.iter().map(Glyph::range).collect();
        let Some(metrics) = self.metrics.get(font).and_then(Option::as_ref) else {
            return ranges;
        };
        let advances = Advances::new(Some(metrics));
        let natural = |g: &Glyph| advances.of(run.size, g.id);
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
                    .text()
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

/// A face's own glyph advances, read through one metrics table for many
/// glyphs (a run, or the whole document's pre-pass).
struct Advances<'a>(Option<(harfrust::font::metrics::GlyphMetrics<'a>, f32)>);

impl<'a> Advances<'a> {
    /// The advances of `font` (none without it).
    fn new(font: Option<&'a harfrust::Font>) -> Advances<'a> {
        Advances(font.map(|f| (f.glyph_metrics(), f32::from(f.units_per_em().max(1)))))
    }

    /// The advance of glyph `id` at type size `size`, in pt; 0 without
    /// metrics.
    fn of(&self, size: f32, id: u16) -> f32 {
        match &self.0 {
            Some((glyphs, upem)) => {
                glyphs.h_advance(harfrust::GlyphId::new(u32::from(id))) / upem * size
            }
            None => 0.0,
        }
    }
}

/// Draws a run at its baseline origin; `trailing` is the gap after it to
/// the next run of its line ([`widen::run_gaps`]). Returns `false` when the
/// run's font is unusable or a glyph range does not lie in the text.
pub(super) fn draw_run(
    surface: &mut Surface,
    fonts: &mut FontCache,
    at: Point,
    run: &TextRun,
    trailing: Option<f32>,
) -> bool {
    let Some(font) = fonts.get(run.font.index()).cloned() else {
        return false;
    };
    if run.glyphs().is_empty() {
        return true;
    }
    let ranges_ok = run.glyphs().iter().all(|g| {
        let range = g.range();
        range.start <= range.end
            && run.text().is_char_boundary(range.start)
            && run.text().is_char_boundary(range.end)
            && range.end <= run.text().len()
    });
    if !ranges_ok {
        return false;
    }
    let mut ids: Vec<u16> = run.glyphs().iter().map(|g| g.id).collect();
    let ranges = match fonts.twins.get(run.font.index()).and_then(Option::as_ref) {
        Some(twins) => {
            let metrics = fonts.metrics.get(run.font.index()).and_then(Option::as_ref);
            let advances = Advances::new(metrics);
            for (i, n) in widen::widened(run, trailing, |g| advances.of(run.size, g.id)) {
                if let (Some(id), Some(&twin)) =
                    (ids.get_mut(i), twins.get(&(run.glyphs()[i].id, n)))
                {
                    *id = twin;
                }
            }
            run.glyphs().iter().map(|g| g.range()).collect()
        }
        None => fonts.extraction_ranges(run),
    };
    let glyphs: Vec<PdfGlyph<'_>> = run
        .glyphs()
        .iter()
        .zip(ids)
        .zip(ranges)
        .map(|((glyph, id), range)| PdfGlyph {
            glyph,
            id,
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
        run.text(),
        run.size,
        false,
    );
    if slanted {
        surface.pop();
    }
    true
}
