//! Choosing the line breaks of a paragraph: first fit with squeeze
//! allowance (a line takes as much text as fits once everything squeezable
//! is squeezed, so JLREQ's "push in" is preferred to "push out"), forced
//! breaks, and emergency breaks inside units wider than the line.
//!
//! Input: glyphs with spacing, break [`Opportunities`] and the paragraph
//! style. Output: [`Line`] ranges of glyph indices.

use super::ParagraphStyle;
use super::breaks::{Opportunities, is_url_break_after};
use super::collect::Collected;
use super::justify::measure;
use super::shape::Glyph;

/// Tolerance for width comparisons (pt).
pub(crate) const EPSILON: f32 = 1e-3;

/// One chosen line: glyphs `start..end`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    /// First glyph.
    pub start: usize,
    /// One past the last glyph.
    pub end: usize,
    /// Whether the line is justified (not the last line, not ended by a
    /// forced break).
    pub justify: bool,
    /// Whether the line starts the paragraph (keeps an opening bracket's
    /// leading half-em, as in JIS X 4051's default).
    pub para_start: bool,
    /// Indent in pt.
    pub indent: f32,
    /// Byte offset in the paragraph text where the line starts (for empty
    /// lines, which have no glyphs).
    pub byte: usize,
}

/// Chooses the lines.
pub(crate) fn choose_lines(
    glyphs: &[Glyph],
    opps: &Opportunities,
    text: &Collected,
    style: &ParagraphStyle,
) -> Vec<Line> {
    let n = glyphs.len();
    let width = if style.width.is_finite() {
        style.width.max(0.0)
    } else {
        0.0
    };
    let first_indent = if style.first_line_indent.is_finite() {
        style.first_line_indent.clamp(0.0, width)
    } else {
        0.0
    };
    let mut lines = Vec::new();
    let mut forced = opps.forced.iter().copied().peekable();
    let mut start = 0;
    loop {
        let para_start = lines.is_empty();
        let indent = if para_start { first_indent } else { 0.0 };
        let avail = width - indent;
        let limit = forced.peek().copied().unwrap_or(n).min(n);
        let byte = glyphs.get(start).map_or(text.text.len(), |g| g.range.start);
        if start >= n && forced.peek().is_none() {
            break;
        }
        if limit <= start {
            // A forced break right here: an empty line (or the end of a
            // line that just ended at this forced break is handled below).
            forced.next();
            lines.push(Line {
                start,
                end: start,
                justify: false,
                para_start,
                indent,
                byte,
            });
            continue;
        }
        let end = fit(
            glyphs, opps, &text.text, start, limit, avail, para_start, style,
        );
        let by_force = end == limit && forced.peek().is_some_and(|&f| f == end);
        if by_force {
            forced.next();
        }
        lines.push(Line {
            start,
            end,
            justify: !by_force && end < n,
            para_start,
            indent,
            byte,
        });
        start = end;
        if start >= n && forced.peek().is_none() {
            break;
        }
    }
    lines
}

/// The end of the line starting at `start` (never past `limit`, always
/// past `start`).
#[allow(clippy::too_many_arguments)]
fn fit(
    glyphs: &[Glyph],
    opps: &Opportunities,
    text: &str,
    start: usize,
    limit: usize,
    avail: f32,
    para_start: bool,
    style: &ParagraphStyle,
) -> usize {
    let mut best = None;
    for end in start + 1..=limit {
        let candidate = end == limit || opps.allowed.get(end).copied().unwrap_or(false);
        if !candidate {
            continue;
        }
        let m = measure(glyphs, start, end, para_start, style);
        if m.min_width() <= avail + EPSILON {
            best = Some(end);
        } else {
            break;
        }
    }
    match best {
        Some(end) => end,
        None => emergency(glyphs, text, start, limit, avail, para_start, style),
    }
}

/// A break inside a unit wider than the line: after the last URL
/// separator that fits, else after the last cluster that fits, else after
/// one cluster (a glyph wider than the line).
fn emergency(
    glyphs: &[Glyph],
    text: &str,
    start: usize,
    limit: usize,
    avail: f32,
    para_start: bool,
    style: &ParagraphStyle,
) -> usize {
    let mut last_fit = None;
    let mut last_url = None;
    for end in start + 1..=limit {
        if glyphs.get(end).is_some_and(|g| !g.cluster_start) {
            continue;
        }
        let m = measure(glyphs, start, end, para_start, style);
        if m.min_width() > avail + EPSILON {
            break;
        }
        last_fit = Some(end);
        let prev_is_url = glyphs
            .get(end - 1)
            .and_then(|g| text.get(g.range.clone()))
            .and_then(|s| s.chars().next_back())
            .is_some_and(is_url_break_after);
        if prev_is_url {
            last_url = Some(end);
        }
    }
    last_url.or(last_fit).unwrap_or_else(|| {
        // Not even one cluster fits: take exactly one.
        let mut end = start + 1;
        while glyphs.get(end).is_some_and(|g| !g.cluster_start) {
            end += 1;
        }
        end.min(limit.max(start + 1))
    })
}
