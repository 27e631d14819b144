//! Setting one chosen line: line-edge adjustments (measured by `line`),
//! squeezing and stretching in JLREQ §3.8's order, alignment, and grouping
//! the glyphs into [`GlyphRun`]s.
//!
//! Input: the paragraph's glyphs (with spacing), a chosen [`Line`] and the
//! style. Output: a [`LineBox`] (glyph runs, and the inline objects placed
//! between them).
//!
//! Squeeze order: word spaces (to ¼ em), quarter-ems of middle dots,
//! half-ems of brackets and commas (never after 。 mid-line), the
//! Japanese–Latin space (to ⅛ em). Stretching is even and capped: word
//! spaces (to ½ em), the Japanese–Latin space (to ½ em) and
//! inter-character slots between Japanese characters (to ¼ em; not inside
//! Latin words, not between cl-08 characters, not before closing
//! punctuation or after opening brackets, see `line::is_slot`) all grow by
//! the same fraction of their cap; a line that needs more is set
//! flush-start, never letter-spaced.

use super::classes::CharClass;
use super::collect::Collected;
use super::line::{EPSILON, Line, Measure, measure, slot_before};
use super::shape::{Glyph, Glyphs, ShrinkLevel};
use super::{GlyphRun, LineBox, ParagraphStyle, PlacedObject, TextStyle};
use crate::layout::font::{FontBook, FontId};
use crate::layout::frame;
use crate::model::Align;

/// Squeeze (negative) or stretch (positive) ratios per level.
#[derive(Debug, Default)]
struct Ratios {
    /// Word spaces squeezed (fraction of their shrink).
    word_shrink: f32,
    /// Middle-dot quarters squeezed.
    dot_shrink: f32,
    /// Bracket/comma half-ems squeezed.
    bracket_shrink: f32,
    /// Japanese–Latin spaces squeezed.
    jl_shrink: f32,
    /// Every stretchable place (word spaces, Japanese–Latin spaces,
    /// inter-character slots) stretched by this fraction of its cap.
    stretch: f32,
}

/// A run of the line being set: its glyphs are still added to (and the
/// advance of its last glyph widened by the gap before the next one).
#[derive(Debug)]
struct OpenRun {
    font: FontId,
    style: TextStyle,
    x: f32,
    width: f32,
    /// Set when the run is closed ([`close_run`]).
    text: Box<str>,
    glyphs: Vec<frame::Glyph>,
}

impl OpenRun {
    /// The finished run, its glyphs and text shared from now on.
    fn finish(self) -> GlyphRun {
        GlyphRun {
            font: self.font,
            style: self.style,
            x: self.x,
            width: self.width,
            shaped: frame::ShapedText::new(self.text, self.glyphs),
        }
    }
}

/// Sets one line.
pub(crate) fn build_line(
    text: &Collected,
    glyphs: &Glyphs,
    line: &Line,
    style: &ParagraphStyle,
    fonts: &FontBook,
) -> LineBox {
    let m = measure(glyphs, line.start, line.end, line.para_start, style);
    let avail = (style.width - line.indent).max(0.0);
    let slice = glyphs.get(line.start..m.content_end).unwrap_or(&[]);
    let justify = line.justify && style.justify;
    let ratios = ratios(glyphs, slice, &m, avail, justify);
    let mut runs: Vec<OpenRun> = Vec::new();
    let mut objects: Vec<PlacedObject> = Vec::new();
    // The text of the open run: bytes `run_byte..run_end` of the
    // paragraph, copied into the run when it is closed.
    let mut run_byte = 0usize;
    let mut run_end = 0usize;
    // Right edge of the last run or object set, where the next one starts.
    let mut pen = line.indent;
    // An object ends the run before it: the next glyph starts a new one.
    let mut run_open = false;
    let mut gap = 0.0f32;
    // The run style of the last glyph's (style id, wide) key, and whether
    // it equals the last run's style.
    let mut style_key: Option<(u32, bool)> = None;
    let mut current_style = text.style(0).clone();
    let mut same_style = false;
    let last = line.end.saturating_sub(1);
    let last_cluster = (line.start..m.content_end)
        .rev()
        .find(|&k| glyphs.get(k).is_some_and(|g| g.cluster_start));
    for (i, g) in glyphs.iter().enumerate().take(line.end).skip(line.start) {
        let s = glyphs.spacing(g);
        let trailing = i >= m.content_end;
        let first = i == line.start;
        let mut adv = g.advance;
        let mut xo = g.x_offset;
        if !first && !trailing {
            gap += s.glue - s.glue_shrink * ratios.jl_shrink + s.glue_stretch * ratios.stretch;
        }
        let level_ratio = match s.punct_level {
            ShrinkLevel::None => 0.0,
            ShrinkLevel::MiddleDot => ratios.dot_shrink,
            ShrinkLevel::Bracket => ratios.bracket_shrink,
        };
        if first {
            if m.cut_lead {
                adv -= s.lead;
                xo -= s.lead;
            }
        } else {
            let d = s.lead_shrink * level_ratio;
            adv -= d;
            xo -= d;
        }
        let is_last_content = Some(i) == last_cluster;
        if is_last_content && m.cut_trail {
            adv -= s.trail;
        } else {
            adv -= s.trail_shrink * level_ratio;
        }
        if g.class == CharClass::Space && g.cluster_start {
            let shrink = if s.jl_space {
                ratios.jl_shrink
            } else {
                ratios.word_shrink
            };
            adv += -s.space_shrink * shrink + s.space_stretch * ratios.stretch;
        }
        if trailing {
            adv = 0.0;
        }
        // All blank removed: draw the half-width form (no backward offset,
        // which text extraction would take for overlapping text).
        let (font, id) = match glyphs.half(g) {
            Some(h) if adv <= 0.5 * glyphs.size(g) + EPSILON => {
                xo = 0.0;
                (h.font, h.id)
            }
            _ => (g.font, g.id),
        };
        if let Some((_, object)) = glyphs.object(g).and_then(|k| text.objects.get(k)) {
            let x = pen + gap;
            objects.push(PlacedObject {
                id: object.id,
                x,
                width: adv,
                ascent: object.ascent,
                descent: object.descent,
                link: object.style.link,
                after_runs: runs.len(),
            });
            pen = x + adv;
            run_open = false;
        } else {
            let set = SetGlyph {
                id,
                advance: adv,
                x_offset: xo,
                y_offset: glyphs.y_offset(g),
            };
            // The run style depends only on the style id and, for italic
            // styles, on whether the glyph is wide: made once per change.
            let key = (g.style, g.wide);
            if style_key != Some(key) {
                style_key = Some(key);
                current_style = run_style(text, g);
                same_style = runs.last().is_some_and(|r| r.style == current_style);
            }
            let continues = run_open
                && same_style
                && runs
                    .last()
                    .is_some_and(|r| r.font == font && text_contiguous(run_end, g));
            if continues && let Some(run) = runs.last_mut() {
                if let Some(prev) = run.glyphs.last_mut() {
                    prev.x_advance += gap;
                    run.width += gap;
                }
                push_glyph(run, run_byte, &mut run_end, g, &set, text);
                pen = run.x + run.width;
            } else {
                if let Some(open) = runs.last_mut() {
                    close_run(open, run_byte..run_end, text);
                }
                run_byte = g.start();
                run_end = run_byte;
                // At most the rest of the line (exactly that for a line of
                // one run); spare room is returned below.
                let rest = line.end - i;
                let mut run = OpenRun {
                    font,
                    style: current_style.clone(),
                    x: pen + gap,
                    width: 0.0,
                    text: Box::default(),
                    glyphs: Vec::with_capacity(rest),
                };
                same_style = true;
                push_glyph(&mut run, run_byte, &mut run_end, g, &set, text);
                pen = run.x + run.width;
                runs.push(run);
                run_open = true;
            }
        }
        gap = 0.0;
        // (Without stretch the slot adds +0.0 to +0.0: nothing to look up.)
        if ratios.stretch != 0.0 && i < last && !trailing && i + 1 < m.content_end {
            gap += slot_before(glyphs, i + 1) * ratios.stretch;
        }
    }
    if let Some(open) = runs.last_mut() {
        close_run(open, run_byte..run_end, text);
    }
    let mut runs: Vec<GlyphRun> = runs.into_iter().map(OpenRun::finish).collect();
    let used = pen;
    let shift = match style.align {
        Align::Center => ((style.width - used) / 2.0).max(0.0),
        Align::Right => (style.width - used).max(0.0),
        Align::Default | Align::Left => 0.0,
    };
    if shift > 0.0 {
        for run in &mut runs {
            run.x += shift;
        }
        for object in &mut objects {
            object.x += shift;
        }
    }
    let (mut ascent, mut descent) = vertical_extent(text, glyphs, line, &runs, fonts);
    for object in &objects {
        ascent = ascent.max(object.ascent);
        descent = descent.max(object.descent);
    }
    // A line lives in the paragraph cache and its flow: no spare slots (a
    // vector's first push reserves four, most lines hold one run).
    runs.shrink_to_fit();
    objects.shrink_to_fit();
    LineBox {
        width: used + shift,
        ascent,
        descent,
        runs,
        objects,
    }
}

/// The squeeze/stretch ratios that bring the line to its target width.
///
/// Squeezing follows JLREQ §3.8's order, level by level. Stretching is
/// even: every stretchable place grows by the same fraction of its cap
/// (word spaces and the Japanese–Latin space up to ½ em, ¼ em per
/// inter-character slot), so a Latin word next to Japanese text gets no
/// wider gaps than the kana around it. A line that would need more than
/// the caps is not stretched at all: it is set flush-start (ragged).
fn ratios(glyphs: &Glyphs, slice: &[Glyph], m: &Measure, avail: f32, justify: bool) -> Ratios {
    let mut r = Ratios::default();
    let mut delta = if m.natural > avail || justify {
        avail - m.natural
    } else {
        0.0
    };
    if delta.abs() <= EPSILON / 10.0 {
        return r;
    }
    if delta > 0.0 {
        if m.stretch > 0.0 && delta <= m.stretch + EPSILON {
            r.stretch = (delta / m.stretch).min(1.0);
        }
        return r;
    }
    // Totals per level (the first glyph's glue and cut parts excluded).
    let (mut word_s, mut dot_s, mut br_s, mut jl_s) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
    for (k, g) in slice.iter().enumerate() {
        let s = glyphs.spacing(g);
        let lead = if k == 0 { 0.0 } else { s.lead_shrink };
        let trail = if k + 1 == slice.len() && m.cut_trail {
            0.0
        } else {
            s.trail_shrink
        };
        match s.punct_level {
            ShrinkLevel::MiddleDot => dot_s += lead + trail,
            ShrinkLevel::Bracket => br_s += lead + trail,
            ShrinkLevel::None => {}
        }
        if k > 0 {
            jl_s += s.glue_shrink;
        }
        if g.class == CharClass::Space && g.cluster_start {
            if s.jl_space {
                jl_s += s.space_shrink;
            } else {
                word_s += s.space_shrink;
            }
        }
    }
    for (total, ratio) in [
        (word_s, &mut r.word_shrink),
        (dot_s, &mut r.dot_shrink),
        (br_s, &mut r.bracket_shrink),
        (jl_s, &mut r.jl_shrink),
    ] {
        if delta >= 0.0 {
            break;
        }
        if total > 0.0 {
            let take = (-delta).min(total);
            *ratio = take / total;
            delta += take;
        }
    }
    r
}

/// The style a glyph's run gets: italic only for Latin text.
fn run_style(text: &Collected, g: &Glyph) -> super::TextStyle {
    let mut style = text.style(g.style_id()).clone();
    if style.italic && g.wide {
        style.italic = false;
    }
    style
}

/// Whether `g` continues run `r` in the text (no gap in the bytes).
fn text_contiguous(run_end: usize, g: &Glyph) -> bool {
    run_end == g.start() || (!g.cluster_start && run_end == g.end as usize)
}

/// How a shaped glyph is set on its line: the glyph drawn (the shaped one
/// or its half-width form) with its advance and offset after line-edge
/// cuts, squeezing and stretching, in pt.
struct SetGlyph {
    /// Glyph id in the run's face.
    id: u16,
    /// Advance.
    advance: f32,
    /// Horizontal offset.
    x_offset: f32,
    /// Vertical offset (as shaped).
    y_offset: f32,
}

/// Appends glyph `g` as `set` to a run whose text starts at byte
/// `run_byte` of the paragraph, and its cluster's text (once) to the run's
/// text, which ends at `run_end` (the glyphs of a run cover its text
/// contiguously, see [`text_contiguous`]).
fn push_glyph(
    run: &mut OpenRun,
    run_byte: usize,
    run_end: &mut usize,
    g: &Glyph,
    set: &SetGlyph,
    text: &Collected,
) {
    if g.cluster_start && text.text.get(g.range()).is_some() {
        *run_end = g.end as usize;
    }
    let rel_start = g.start().saturating_sub(run_byte);
    let rel_end = (g.end as usize).saturating_sub(run_byte);
    run.glyphs.push(frame::Glyph {
        id: set.id,
        x_advance: set.advance,
        x_offset: set.x_offset,
        y_offset: set.y_offset,
        start: u32::try_from(rel_start).unwrap_or(u32::MAX),
        end: u32::try_from(rel_end).unwrap_or(u32::MAX),
    });
    run.width += set.advance;
}

/// Gives a run its text: bytes `bytes` of the paragraph.
fn close_run(run: &mut OpenRun, bytes: std::ops::Range<usize>, text: &Collected) {
    run.text = text.text.get(bytes).unwrap_or_default().into();
}

/// Ascent and descent of the line from its runs' fonts (or the style at
/// the line's position for an empty line).
fn vertical_extent(
    text: &Collected,
    glyphs: &Glyphs,
    line: &Line,
    runs: &[GlyphRun],
    fonts: &FontBook,
) -> (f32, f32) {
    let mut ascent = 0.0f32;
    let mut descent = 0.0f32;
    let mut add = |font, size: f32, shift: f32| {
        let m = fonts.metrics(font);
        ascent = ascent.max(m.to_pt(m.ascender, size) + shift);
        descent = descent.max(-m.to_pt(m.descender, size) - shift);
    };
    for run in runs {
        add(run.font, run.style.size, run.style.baseline_shift);
    }
    if runs.is_empty() {
        let sid = glyphs
            .get(line.start)
            .map_or_else(|| text.style_at(line.byte), Glyph::style_id);
        let style = text.style(sid);
        add(fonts.font(style.role), style.size, style.baseline_shift);
    }
    (ascent, descent)
}
