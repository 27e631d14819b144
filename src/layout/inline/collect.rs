//! Collects a paragraph's pieces into one string with style spans, so that
//! shaping and line breaking see the text across style boundaries.
//!
//! Input: [`InlinePiece`]s. Output: [`Collected`]: the text (control
//! characters dropped, tabs as spaces, `\n` turned into forced breaks,
//! each inline object as one U+FFFC), the distinct styles, the style span of
//! every byte, the forced break positions and the objects.

use std::ops::Range;

use super::{InlineObject, InlinePiece, TextStyle};

/// The character an inline object stands as in the collected text.
pub(crate) const OBJECT_CHAR: char = '\u{FFFC}';

/// A paragraph's text in one string.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    /// All text of the paragraph.
    pub text: String,
    /// Distinct styles (index = style id).
    pub styles: Vec<TextStyle>,
    /// Style id of each byte range, in order, covering `text`.
    pub spans: Vec<(Range<usize>, usize)>,
    /// Byte offsets where a forced break ends a line (sorted, may repeat
    /// for consecutive breaks).
    pub forced: Vec<usize>,
    /// Inline objects by the byte offset of their U+FFFC (sorted).
    pub objects: Vec<(usize, InlineObject)>,
}

impl Collected {
    /// The style of the span containing byte `pos` (the last one at the end).
    pub(super) fn style_at(&self, pos: usize) -> usize {
        let idx = self.spans.partition_point(|(r, _)| r.end <= pos);
        self.spans
            .get(idx)
            .or_else(|| self.spans.last())
            .map_or(0, |(_, s)| *s)
    }

    /// The object standing at byte `pos`, if any.
    pub(super) fn object_at(&self, pos: usize) -> Option<usize> {
        self.objects.binary_search_by_key(&pos, |(at, _)| *at).ok()
    }

    /// The style with id `id`.
    pub(super) fn style(&self, id: usize) -> &TextStyle {
        // `styles` is non-empty whenever there are glyphs; the fallback only
        // guards against misuse.
        self.styles
            .get(id)
            .or_else(|| self.styles.first())
            .unwrap_or(&FALLBACK_STYLE)
    }
}

static FALLBACK_STYLE: TextStyle = TextStyle::new(crate::layout::font::FontRole::Regular, 10.0);

/// Joins `pieces` into one [`Collected`] text.
pub(crate) fn collect(pieces: &[InlinePiece]) -> Collected {
    let mut out = Collected::default();
    for piece in pieces {
        match piece {
            InlinePiece::LineBreak => out.forced.push(out.text.len()),
            InlinePiece::Object(object) => {
                let sid = style_id(&mut out, &object.style);
                let start = out.text.len();
                out.text.push(OBJECT_CHAR);
                push_span(&mut out.spans, start..out.text.len(), sid);
                out.objects.push((start, sanitized_object(object)));
            }
            InlinePiece::Text { text, style } => {
                let sid = style_id(&mut out, style);
                let mut start = out.text.len();
                // Text between special characters is copied as it is.
                let mut plain = 0;
                for (at, c) in text.char_indices() {
                    if !(c.is_control() || c == OBJECT_CHAR) {
                        continue;
                    }
                    out.text.push_str(text.get(plain..at).unwrap_or(""));
                    plain = at + c.len_utf8();
                    match c {
                        '\n' => {
                            push_span(&mut out.spans, start..out.text.len(), sid);
                            out.forced.push(out.text.len());
                            start = out.text.len();
                        }
                        '\t' => out.text.push(' '),
                        // Only objects stand as U+FFFC; other controls go.
                        _ => {}
                    }
                }
                out.text.push_str(text.get(plain..).unwrap_or(""));
                push_span(&mut out.spans, start..out.text.len(), sid);
            }
        }
    }
    out
}

/// The id of `style` (sanitized) in `out.styles`, added when new.
fn style_id(out: &mut Collected, style: &TextStyle) -> usize {
    let style = sanitized(style);
    match out.styles.iter().position(|s| *s == style) {
        Some(i) => i,
        None => {
            out.styles.push(style);
            out.styles.len() - 1
        }
    }
}

/// An object with finite, non-negative extents (no input can make widths
/// NaN or infinite).
fn sanitized_object(object: &InlineObject) -> InlineObject {
    let clean = |v: f32| {
        if v.is_finite() {
            v.clamp(0.0, 10_000.0)
        } else {
            0.0
        }
    };
    let signed = |v: f32| {
        if v.is_finite() {
            v.clamp(-10_000.0, 10_000.0)
        } else {
            0.0
        }
    };
    let mut o = object.clone();
    o.style = sanitized(&object.style);
    o.width = clean(o.width);
    o.ascent = signed(o.ascent);
    o.descent = signed(o.descent);
    o
}

/// A style with a usable size (sizes that are not finite and positive
/// become 10 pt, so no input can make widths NaN or infinite).
fn sanitized(style: &TextStyle) -> TextStyle {
    let mut s = style.clone();
    if !(s.size.is_finite() && s.size > 0.0) {
        s.size = 10.0;
    }
    s.size = s.size.min(10_000.0);
    if !s.baseline_shift.is_finite() {
        s.baseline_shift = 0.0;
    }
    s
}

/// Appends a span, merging it with the previous one of the same style.
fn push_span(spans: &mut Vec<(Range<usize>, usize)>, range: Range<usize>, sid: usize) {
    if range.is_empty() {
        return;
    }
    if let Some((last, s)) = spans.last_mut()
        && *s == sid
        && last.end == range.start
    {
        last.end = range.end;
        return;
    }
    spans.push((range, sid));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::font::FontRole;

    #[test]
    fn joins_pieces_and_records_breaks() {
        let plain = TextStyle::new(FontRole::Regular, 10.0);
        let bold = TextStyle::new(FontRole::Bold, 10.0);
        let pieces = [
            InlinePiece::Text {
                text: "設定\tを",
                style: plain.clone(),
            },
            InlinePiece::Text {
                text: "開く",
                style: bold,
            },
            InlinePiece::LineBreak,
            InlinePiece::Text {
                text: "次\nへ",
                style: plain,
            },
        ];
        let c = collect(&pieces);
        assert_eq!(c.text, "設定 を開く次へ");
        assert_eq!(c.styles.len(), 2);
        assert_eq!(c.forced, vec![16, 19]);
        assert_eq!(c.style_at(0), 0);
        assert_eq!(c.style_at(10), 1);
        assert_eq!(c.style_at(16), 0);
        assert_eq!(c.spans.len(), 3);
    }
}
