//! Text output: the glyph newtype krilla draws and the per-document font
//! cache.
//!
//! Input: [`TextRun`]s from the frame tree and the document's
//! [`FontSource`]s. Output: `draw_glyphs` calls; krilla subsets each font to
//! the glyphs used and writes a ToUnicode map from each glyph's text range.

use std::ops::Range;

use krilla::geom::{Point as KPoint, Transform};
use krilla::surface::Surface;
use krilla::text::{Font, Glyph as KrillaGlyphTrait, GlyphId};

use crate::layout::frame::{FontSource, Glyph, Point, TextRun};

use super::paint::fill;

/// A frame glyph as krilla sees it. Advances and offsets are stored in
/// points at the run's size (the second field); krilla asks for them at any
/// size (also 1.0, normalised), so they are scaled.
struct PdfGlyph<'a>(&'a Glyph, f32);

impl PdfGlyph<'_> {
    /// `value` (pt at the run's size) at `size`.
    fn at(&self, value: f32, size: f32) -> f32 {
        if self.1 > 0.0 {
            value / self.1 * size
        } else {
            0.0
        }
    }
}

impl KrillaGlyphTrait for PdfGlyph<'_> {
    fn glyph_id(&self) -> GlyphId {
        GlyphId::new(u32::from(self.0.id))
    }

    fn text_range(&self) -> Range<usize> {
        self.0.range.clone()
    }

    fn x_advance(&self, size: f32) -> f32 {
        self.at(self.0.x_advance, size)
    }

    fn x_offset(&self, size: f32) -> f32 {
        self.at(self.0.x_offset, size)
    }

    fn y_offset(&self, size: f32) -> f32 {
        self.at(self.0.y_offset, size)
    }

    fn y_advance(&self, _size: f32) -> f32 {
        0.0
    }

    fn location(&self) -> Option<krilla::surface::Location> {
        None
    }
}

/// krilla fonts for the document's font list, created once each.
pub(super) struct FontCache {
    fonts: Vec<Option<Font>>,
}

impl FontCache {
    /// Parses every font source; a font krilla cannot read is `None` and
    /// its text is skipped (reported by the caller).
    pub(super) fn new(sources: &[FontSource]) -> FontCache {
        let fonts = sources
            .iter()
            .map(|source| Font::new(source.data.clone().into(), source.index))
            .collect();
        FontCache { fonts }
    }

    /// The font at `index`, if it could be read.
    pub(super) fn get(&self, index: usize) -> Option<&Font> {
        self.fonts.get(index).and_then(Option::as_ref)
    }
}

/// Draws a run at its baseline origin. Returns `false` when the run's font
/// is unusable or a glyph range does not lie in the text.
pub(super) fn draw_run(surface: &mut Surface, fonts: &FontCache, at: Point, run: &TextRun) -> bool {
    let Some(font) = fonts.get(run.font.0) else {
        return false;
    };
    if run.glyphs.is_empty() {
        return true;
    }
    let ranges_ok = run.glyphs.iter().all(|g| {
        g.range.start <= g.range.end
            && run.text.is_char_boundary(g.range.start)
            && run.text.is_char_boundary(g.range.end)
            && g.range.end <= run.text.len()
    });
    if !ranges_ok {
        return false;
    }
    let glyphs: Vec<PdfGlyph<'_>> = run.glyphs.iter().map(|g| PdfGlyph(g, run.size)).collect();
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
