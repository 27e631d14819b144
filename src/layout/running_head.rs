//! Running heads: a title set on one line of a given width, shortened with
//! an ellipsis 「…」 when it does not fit.
//!
//! Input: the text (book title or section title), its style and the width
//! the head may take. Output: one [`LaidLine`]. A title too long for the
//! width is cut at the last character boundary where a line break would be
//! allowed (kinsoku: never after an opening bracket, never before a closing
//! bracket, a full stop, a comma, ・, ー, small kana or an iteration mark,
//! never inside a run of inseparable characters or of digits, never before
//! a combining mark), its trailing spaces removed and 「…」 (U+2026)
//! appended, so the reader sees that the title goes on.

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::layout::flow::{LaidLine, TextContext};
use crate::layout::inline::TextStyle;
use crate::layout::inline::classes::{CharClass, Kinsoku, class_of};
use crate::model::Align;

/// What ends a shortened running head.
pub(crate) const ELLIPSIS: char = '…';

/// `text` on one line at most `width` wide, shortened with [`ELLIPSIS`] when
/// it does not fit; `None` for an empty text.
pub(crate) fn one_line(
    ctx: &TextContext,
    text: &str,
    style: &TextStyle,
    width: f32,
) -> Option<LaidLine> {
    let text = text.trim();
    let line_height = style.size * 1.3;
    // Laid out without a width limit: one line per hard break at most.
    let wide = ctx.paragraph_style(f32::MAX / 4.0, line_height, Align::Left);
    let single = |s: &str| -> Option<LaidLine> {
        let mut lines = ctx.plain(s, style, &wide).into_iter();
        let first = lines.next()?;
        lines.next().is_none().then_some(first)
    };
    let whole = single(text);
    if let Some(line) = &whole
        && line.width <= width
    {
        return whole;
    }
    let kinsoku = ctx.style().body.kinsoku;
    let cuts = cut_points(text, kinsoku);
    // The widest shortened text that fits: the width grows with the
    // length, so a binary search over the cut points finds it.
    let shortened = |cut: usize| -> Option<LaidLine> {
        let head = text.get(..cut)?.trim_end();
        single(&format!("{head}{ELLIPSIS}"))
    };
    let (mut lo, mut hi) = (0, cuts.len());
    let mut best = None;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match cuts.get(mid).and_then(|&cut| shortened(cut)) {
            Some(line) if line.width <= width => {
                best = Some(line);
                lo = mid + 1;
            }
            _ => hi = mid,
        }
    }
    best.or_else(|| single(&ELLIPSIS.to_string()))
}

/// The byte offsets inside `text` (never 0 or its length) where it may be
/// cut before an ellipsis: the character boundaries where kinsoku allows a
/// line break, after a character that is not white space.
pub(crate) fn cut_points(text: &str, kinsoku: Kinsoku) -> Vec<usize> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    chars
        .windows(2)
        .filter_map(|pair| {
            let [(_, before), (at, after)] = pair else {
                return None;
            };
            may_cut(*before, *after, kinsoku).then_some(*at)
        })
        .collect()
}

/// Whether a text may be cut between `before` and `after`.
fn may_cut(before: char, after: char, kinsoku: Kinsoku) -> bool {
    if before.is_whitespace() || before == '\u{200D}' || is_combining(after) {
        return false;
    }
    let (b, a) = (class_of(before), class_of(after));
    if b.forbidden_at_line_end() || a.forbidden_at_line_start(kinsoku) {
        return false;
    }
    if b == CharClass::Inseparable && a == CharClass::Inseparable {
        return false;
    }
    !(before.is_ascii_digit() && after.is_ascii_digit())
}

/// Combining marks, variation selectors and the zero-width joiner: never
/// separated from the character before them.
fn is_combining(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Mark
        || matches!(c, '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text before each cut point.
    fn heads(text: &str) -> Vec<&str> {
        cut_points(text, Kinsoku::Strict)
            .into_iter()
            .filter_map(|cut| text.get(..cut))
            .collect()
    }

    #[test]
    fn cuts_respect_kinsoku() {
        // Not after 「, not before 」 or 。, not before ー or small kana.
        assert_eq!(
            heads("「パスワード」を忘れた。"),
            [
                "「パ",
                "「パス",
                "「パスワー",
                "「パスワード」",
                "「パスワード」を",
                "「パスワード」を忘",
                "「パスワード」を忘れ",
            ]
        );
        // Loose kinsoku lets ー and small kana start a line, so a cut may
        // come before them.
        assert!(
            cut_points("パスワード", Kinsoku::Loose)
                .iter()
                .any(|&c| c == "パス".len())
        );
        assert!(!heads("ショップ").contains(&"ショ"));
    }

    #[test]
    fn cuts_keep_numbers_inseparables_and_marks_whole() {
        let heads_of = heads("版2023……が\u{3099}");
        assert!(heads_of.contains(&"版"));
        assert!(
            !heads_of
                .iter()
                .any(|h| h.ends_with('0') || h.ends_with('2'))
        );
        assert!(heads_of.contains(&"版2023……"));
        assert!(!heads_of.contains(&"版2023…"));
        // No cut between が and its combining voiced mark.
        assert!(!heads_of.iter().any(|h| h.ends_with('が')));
        // The ellipsis never follows white space; words may be cut.
        let latin = heads("Reset a password");
        assert!(latin.contains(&"Reset") && latin.contains(&"Reset a"));
        assert!(latin.contains(&"Reset a pass"));
        assert!(!latin.iter().any(|h| h.ends_with(' ')));
    }
}
