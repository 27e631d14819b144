//! Choosing the line breaks of a paragraph: first fit with squeeze
//! allowance (a line takes as much text as fits once everything squeezable
//! is squeezed, so JLREQ's "push in" is preferred to "push out"), forced
//! breaks, and emergency breaks inside units wider than the line.
//!
//! Input: glyphs with spacing, break [`Opportunities`] and the paragraph
//! style. Output: [`Line`] ranges of glyph indices.

use super::ParagraphStyle;
use super::breaks::{Opportunities, is_url_break_after};
use super::classes::CharClass;
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
    avoid_short_last_line(&mut lines, glyphs, opps, style);
    lines
}

/// The fewest characters (punctuation not counted) a paragraph's last line
/// should have: a lone character such as 「い。」 on the last line is
/// avoided by ending the line before it earlier.
const MIN_LAST_LINE_CHARS: usize = 2;

/// Moves the break before a too-short last line back, when the line above
/// can give up characters without becoming looser than three quarters
/// full.
fn avoid_short_last_line(
    lines: &mut [Line],
    glyphs: &[Glyph],
    opps: &Opportunities,
    style: &ParagraphStyle,
) {
    let k = lines.len();
    let (Some(prev), Some(last)) = (lines.get(k.wrapping_sub(2)), lines.get(k.wrapping_sub(1)))
    else {
        return;
    };
    if !prev.justify || last.start == last.end || prev.end != last.start {
        return;
    }
    if content_chars(glyphs, last.start, last.end) >= MIN_LAST_LINE_CHARS {
        return;
    }
    let prev_avail = style.width - prev.indent;
    let last_avail = style.width - last.indent;
    for b in (prev.start + 1..prev.end).rev() {
        if !opps.allowed.get(b).copied().unwrap_or(false) {
            continue;
        }
        if measure(glyphs, b, last.end, false, style).min_width() > last_avail + EPSILON
            || measure(glyphs, prev.start, b, prev.para_start, style).natural < 0.75 * prev_avail
        {
            return;
        }
        if content_chars(glyphs, b, last.end) >= MIN_LAST_LINE_CHARS {
            let byte = glyphs.get(b).map_or(last.byte, |g| g.range.start);
            if let Some(prev) = lines.get_mut(k - 2) {
                prev.end = b;
            }
            if let Some(last) = lines.get_mut(k - 1) {
                last.start = b;
                last.byte = byte;
            }
            return;
        }
    }
}

/// Characters in glyphs `start..end`, punctuation and spaces not counted.
fn content_chars(glyphs: &[Glyph], start: usize, end: usize) -> usize {
    glyphs
        .get(start..end)
        .unwrap_or(&[])
        .iter()
        .filter(|g| {
            g.cluster_start
                && !matches!(
                    g.class,
                    CharClass::Closing
                        | CharClass::Comma
                        | CharClass::FullStop
                        | CharClass::MiddleDot
                        | CharClass::Dividing
                        | CharClass::Space
                )
        })
        .count()
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
    // A lower bound of the width of any line ending at or after `end`, so
    // that a long stretch without break opportunities is not scanned to
    // its end for every line.
    let mut lower = 0.0f32;
    for end in start + 1..=limit {
        if let Some(g) = glyphs.get(end - 1)
            && g.class != CharClass::Space
        {
            lower += g.advance - g.spacing.lead - g.spacing.trail;
        }
        if lower > avail + EPSILON {
            break;
        }
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
