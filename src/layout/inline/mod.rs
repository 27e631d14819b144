//! Inline layout: one paragraph of styled text → justified lines of
//! positioned glyphs, following JLREQ for Japanese mixed with Latin.
//!
//! Input: [`InlinePiece`]s (styled text, inline objects such as icons, and
//! forced breaks), a
//! [`ParagraphStyle`], the [`FontBook`] and a shared [`ShapeCache`] (and,
//! through [`LayoutCache`], whole paragraphs laid out before with the same
//! inputs).
//! Output: a [`ParagraphLayout`] of [`LineBox`]es whose [`GlyphRun`]s the
//! PDF writer draws as they are, and whose [`PlacedObject`]s the caller
//! draws at their place.
//!
//! The steps, one module each: `collect` (pieces → one string with style
//! spans) → `shape` (font fallback, script segments, harfrust, cache) →
//! `adjust` (punctuation widths and Japanese–Latin spacing as data on
//! glyphs) → `breaks` (UAX #14 tailored with the JLREQ classes of
//! [`classes`]) → `linebreak` (choosing the breaks, measuring candidate
//! lines with `line`) → `justify` (squeeze or stretch each line in JLREQ
//! §3.8's order and emit glyph runs). `cache`: the [`LayoutCache`] of whole
//! paragraphs, keyed by the content of all these inputs.
//!
//! Typesetting choices:
//! - Japanese punctuation is set JIS-style on a full em (half an em of
//!   glyph, half of blank), then compressed where marks meet and at line
//!   ends. The regular face (BIZ UDPGothic) has proportional punctuation, so
//!   its wide brackets, 、。 and ・ come from the monospace sibling of the same
//!   design (BIZ UDGothic), whose glyphs carry the blank inside; when all of
//!   a blank is removed the proportional glyph is drawn instead. Text
//!   extraction therefore sees no gaps inside punctuation clusters.
//! - An opening bracket starting an indented paragraph keeps its leading
//!   half-em after the indent (JIS X 4051's default); at other line starts,
//!   and at the start of a paragraph without a first-line indent (a list
//!   item starting with 「［」), it is set flush.
//! - The ¼ em Japanese–Latin space and the space after ？！ are gaps; see
//!   [`LineBox::text`] for exact text extraction.
//! - Breaks are total-fit per stretch between forced breaks, squeezing
//!   preferred to stretching, with no one-character last line.
//! - An inline object (an image in a sentence) is one unit of its width
//!   that breaks and spaces like an ideographic character (a break
//!   opportunity on both sides, the Japanese–Latin space next to Latin
//!   text); it never stretches or squeezes itself. In the text it stands as
//!   U+FFFC, which no glyph run contains.

mod adjust;
mod breaks;
mod cache;
pub(crate) mod classes;
mod collect;
mod justify;
mod line;
mod linebreak;
mod shape;
mod tokens;

pub use cache::{CacheStats, LayoutCache};
pub use classes::Kinsoku;
pub use shape::ShapeCache;

use crate::layout::font::{FontBook, FontId, FontRole};
use crate::layout::frame::{Glyph, Rgb, ShapedText};
use crate::model::Align;
use std::sync::Arc;

/// The look of a piece of text.
#[derive(Debug, Clone, PartialEq)]
pub struct TextStyle {
    /// Which face.
    pub role: FontRole,
    /// Font size in pt.
    pub size: f32,
    /// Fill colour.
    pub color: Rgb,
    /// Synthetic slant for Latin glyphs; Japanese stays upright (runs of
    /// Japanese text come out with `italic: false`).
    pub italic: bool,
    /// Draw an underline.
    pub underline: bool,
    /// Draw a line through.
    pub strike: bool,
    /// Baseline shift in pt (positive is up).
    pub baseline_shift: f32,
    /// The caller's link id, copied to the runs of this text.
    pub link: Option<usize>,
    /// Background fill behind the text (inline code).
    pub background: Option<Rgb>,
}

impl TextStyle {
    /// Plain text of `role` at `size` pt, black.
    pub const fn new(role: FontRole, size: f32) -> TextStyle {
        TextStyle {
            role,
            size,
            color: Rgb::BLACK,
            italic: false,
            underline: false,
            strike: false,
            baseline_shift: 0.0,
            link: None,
            background: None,
        }
    }
}

/// One piece of a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub enum InlinePiece<'a> {
    /// Styled text.
    Text {
        /// The text (no newlines expected; a `\n` acts as a forced break).
        text: &'a str,
        /// Its style.
        style: TextStyle,
    },
    /// A forced line break (`<br>`): ends the line without justifying it.
    LineBreak,
    /// An object set in the line (an inline image).
    Object(InlineObject),
}

/// A box set in a line like one character: an image inside running text.
#[derive(Debug, Clone, PartialEq)]
pub struct InlineObject {
    /// The caller's id, copied to the [`PlacedObject`].
    pub id: usize,
    /// Width in pt.
    pub width: f32,
    /// Height above the baseline in pt (the object's top).
    pub ascent: f32,
    /// Depth below the baseline in pt (positive when the object's bottom
    /// is below the baseline).
    pub descent: f32,
    /// The style around it: its size is the em for spacing next to the
    /// object, its link is copied to the placed object.
    pub style: TextStyle,
}

/// An inline object as set on a line.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedObject {
    /// The caller's id ([`InlineObject::id`]).
    pub id: usize,
    /// Left edge from the line start, in pt.
    pub x: f32,
    /// Width in pt.
    pub width: f32,
    /// Top above the baseline, in pt.
    pub ascent: f32,
    /// Bottom below the baseline, in pt.
    pub descent: f32,
    /// The link of the object's style.
    pub link: Option<usize>,
    /// How many of the line's runs come before the object (its place in
    /// reading order).
    pub after_runs: usize,
}

/// How a paragraph is set.
#[derive(Debug, Clone, PartialEq)]
pub struct ParagraphStyle {
    /// Line length in pt.
    pub width: f32,
    /// Baseline-to-baseline distance in pt (copied for the caller; the
    /// line boxes report their own ascent and descent).
    pub line_height: f32,
    /// Alignment of the lines that are not justified.
    pub align: Align,
    /// Every line but the last (and those ended by a forced break) fills
    /// the width exactly, as in Typst's `par.justify`; the others follow
    /// `align`.
    pub justify: bool,
    /// Indent of the first line in pt (e.g. one em for Japanese prose).
    pub first_line_indent: f32,
    /// Line-start rule strictness.
    pub kinsoku: Kinsoku,
    /// Space between Japanese and Latin letters/numerals in em (default
    /// 0.25; 0 disables); `body.jl_spacing` in `layouts/pdf.toml`.
    pub jl_spacing: f32,
    /// Let 、 and 。 hang past the line end (burasage); off by default.
    pub hanging_punctuation: bool,
}

impl ParagraphStyle {
    /// Justified text of `width` pt with JLREQ defaults.
    pub fn new(width: f32, line_height: f32) -> ParagraphStyle {
        ParagraphStyle {
            width,
            line_height,
            align: Align::Default,
            justify: true,
            first_line_indent: 0.0,
            kinsoku: Kinsoku::Strict,
            jl_spacing: 0.25,
            hanging_punctuation: false,
        }
    }
}

/// A laid-out paragraph.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParagraphLayout {
    /// The lines, top to bottom.
    pub lines: Vec<LineBox>,
}

/// One line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineBox {
    /// Used width in pt (the line length for justified lines; may exceed
    /// it only by hanging punctuation).
    pub width: f32,
    /// Largest ascent above the baseline among the runs, in pt (positive).
    pub ascent: f32,
    /// Largest descent below the baseline, in pt (positive).
    pub descent: f32,
    /// The glyph runs, left to right.
    pub runs: Vec<GlyphRun>,
    /// The inline objects, left to right.
    pub objects: Vec<PlacedObject>,
}

impl LineBox {
    /// The line's source text (the runs' texts joined).
    ///
    /// Used by the layout's own checks and tests; the PDF carries the glyphs'
    /// ToUnicode only (no `ActualText`, see `pdf/write.rs`), so `pdftotext`
    /// reads gaps wider than 0.1 em, such as the ¼ em Japanese–Latin space,
    /// as word spaces ("方法 1").
    pub fn text(&self) -> String {
        self.runs.iter().map(GlyphRun::text).collect()
    }
}

/// Consecutive glyphs of one face and style on a line.
#[derive(Debug, Clone, PartialEq)]
pub struct GlyphRun {
    /// The face.
    pub font: FontId,
    /// The style (`italic` cleared for Japanese text).
    pub style: TextStyle,
    /// Position of the run's origin from the line start, in pt.
    pub x: f32,
    /// Sum of the glyph advances, in pt.
    pub width: f32,
    /// The glyphs, positioned in pt at `style.size` (y positive up), and
    /// their source text; shared with the frame's text runs drawn from
    /// this line ([`crate::layout::frame::TextRun`]).
    pub shaped: Arc<ShapedText>,
}

impl GlyphRun {
    /// The source text of this run: exactly what a reader copies.
    pub fn text(&self) -> &str {
        &self.shaped.text
    }

    /// The glyphs, each with its cluster's bytes in [`GlyphRun::text`];
    /// consecutive glyphs of one cluster share the range.
    pub fn glyphs(&self) -> &[Glyph] {
        &self.shaped.glyphs
    }
}

/// Lays out one paragraph.
pub fn layout_paragraph(
    pieces: &[InlinePiece],
    style: &ParagraphStyle,
    fonts: &FontBook,
    cache: &ShapeCache,
) -> ParagraphLayout {
    let collected = collect::collect(pieces);
    if collected.text.is_empty() && collected.forced.is_empty() && collected.objects.is_empty() {
        return ParagraphLayout::default();
    }
    let mut glyphs = shape::shape_paragraph(&collected, fonts, cache);
    adjust::set_adjustability(&collected, &mut glyphs, style);
    let opportunities = breaks::opportunities(&collected, &glyphs, style.kinsoku);
    let lines = linebreak::choose_lines(&glyphs, &opportunities, &collected, style);
    let mut out = ParagraphLayout {
        lines: Vec::with_capacity(lines.len()),
    };
    for line in &lines {
        out.lines
            .push(justify::build_line(&collected, &glyphs, line, style, fonts));
    }
    out
}

#[cfg(test)]
mod tests;
