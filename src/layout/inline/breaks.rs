//! Line-break opportunities: UAX #14 (the `unicode-linebreak` crate)
//! tailored with the JLREQ classes of [`classes`](super::classes).
//!
//! Input: the paragraph text and its glyphs. Output: for each glyph index
//! `i`, whether a line may end before glyph `i` ([`Opportunities`]), plus
//! the forced breaks. Tailoring (JLREQ §3.1.7–3.1.10): no line starts with
//! a line-start-prohibited class (strict or loose), no line ends with an
//! opening bracket, runs of cl-08 and a numeral with its prefix or suffix
//! stay together; Japanese quotation marks “ ” ‘ ’ break like brackets;
//! under loose kinsoku small kana, ー and iteration marks may start a line.
//! Inside code, URLs, identifiers and long Latin runs, the breaks of
//! `tokens` are added as penalized opportunities.

use unicode_linebreak::{BreakOpportunity, linebreaks};

use super::classes::{CharClass, Kinsoku, class_of, is_wide};
use super::collect::Collected;
use super::shape::Glyph;

/// Where lines may end.
#[derive(Debug, Default)]
pub(crate) struct Opportunities {
    /// `allowed[i]`: a line may end before glyph `i` (index 0 and
    /// non-cluster-start glyphs are always false; `allowed.len()` is the
    /// glyph count + 1 and the last entry, the paragraph end, is true).
    pub allowed: Vec<bool>,
    /// Glyph indices before which a forced break ends a line (sorted).
    pub forced: Vec<usize>,
    /// `penalized[i]`: the break before glyph `i` is inside a token (code,
    /// URL, identifier, long Latin run; see `tokens`): allowed, but the
    /// breaker prefers other breaks. Same length as `allowed`.
    pub penalized: Vec<bool>,
}

/// Computes the opportunities of a paragraph.
pub(crate) fn opportunities(text: &Collected, glyphs: &[Glyph], kinsoku: Kinsoku) -> Opportunities {
    let s = text.text.as_str();
    // Byte offsets where UAX #14 allows a break (before the char there),
    // one bit each.
    let mut uax = vec![0u64; s.len() / 64 + 1];
    for (pos, kind) in linebreaks(s) {
        if matches!(
            kind,
            BreakOpportunity::Allowed | BreakOpportunity::Mandatory
        ) && let Some(word) = uax.get_mut(pos / 64)
        {
            *word |= 1 << (pos % 64);
        }
    }
    let soft = super::tokens::token_breaks(text);
    let mut allowed = vec![false; glyphs.len() + 1];
    let mut penalized = vec![false; glyphs.len() + 1];
    let (mut before_class, mut after_class) = (LastClass::default(), LastClass::default());
    for (i, g) in glyphs.iter().enumerate().skip(1) {
        if !g.cluster_start {
            continue;
        }
        let pos = g.start();
        let before = s.get(..pos).and_then(|t| t.chars().next_back());
        let after = s.get(pos..).and_then(|t| t.chars().next());
        let (Some(a), Some(b)) = (before, after) else {
            continue;
        };
        let by_uax = uax
            .get(pos / 64)
            .is_some_and(|word| word & (1 << (pos % 64)) != 0);
        let ok = tailored_classes(before_class.of(a), after_class.of(b), by_uax, kinsoku);
        if let Some(slot) = allowed.get_mut(i) {
            *slot = ok;
        }
        if !ok
            && soft.binary_search(&pos).is_ok()
            && let (Some(slot), Some(pen)) = (allowed.get_mut(i), penalized.get_mut(i))
        {
            *slot = true;
            *pen = true;
        }
    }
    if let Some(last) = allowed.last_mut() {
        *last = true;
    }
    let forced = text
        .forced
        .iter()
        .map(|&pos| glyphs.partition_point(|g| g.start() < pos))
        .collect();
    Opportunities {
        allowed,
        forced,
        penalized,
    }
}

/// Whether a line may end between `a` and `b`, given UAX #14's answer.
#[cfg(test)]
pub(crate) fn tailored(a: char, b: char, by_uax: bool, kinsoku: Kinsoku) -> bool {
    tailored_classes((a, class_of(a)), (b, class_of(b)), by_uax, kinsoku)
}

/// The class of the character asked for last, kept: consecutive
/// questions are mostly about the same character (the one after a break
/// point is the one before the next).
#[derive(Debug, Default)]
pub(crate) struct LastClass(Option<(char, CharClass)>);

impl LastClass {
    /// `c` with its class.
    pub(crate) fn of(&mut self, c: char) -> (char, CharClass) {
        match self.0 {
            Some((last, class)) if last == c => (c, class),
            _ => {
                let class = class_of(c);
                self.0 = Some((c, class));
                (c, class)
            }
        }
    }
}

/// [`tailored`] of two characters with their classes.
pub(crate) fn tailored_classes(
    (a, ca): (char, CharClass),
    (b, cb): (char, CharClass),
    by_uax: bool,
    kinsoku: Kinsoku,
) -> bool {
    if cb.forbidden_at_line_start(kinsoku) || ca.forbidden_at_line_end() {
        return false;
    }
    if ca == CharClass::Inseparable && cb == CharClass::Inseparable {
        return false;
    }
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    if (ca == CharClass::Prefix && digit(b)) || (digit(a) && cb == CharClass::Postfix) {
        return false;
    }
    if by_uax {
        return true;
    }
    // UAX #14 keeps quotation marks (class QU) and the NS/CJ classes
    // attached on both sides; in Japanese text they behave like brackets
    // and kana.
    if matches!(b, '‘' | '“') && is_wide(a) && ca != CharClass::Opening {
        return true;
    }
    if matches!(a, '’' | '”') && is_wide(b) {
        return true;
    }
    // Loose kinsoku: small kana, ー and iteration marks may start a line
    // after Japanese text.
    kinsoku == Kinsoku::Loose
        && matches!(
            cb,
            CharClass::SmallKana | CharClass::Prolonged | CharClass::Iteration
        )
        && is_wide(a)
        && ca != CharClass::Opening
}

/// Characters after which an over-long URL-like word may break.
pub(crate) fn is_url_break_after(c: char) -> bool {
    matches!(c, '/' | '?' | '&' | '=' | '-' | '_' | '.' | '#')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uax_allows(a: char, b: char) -> bool {
        let s: String = [a, b].iter().collect();
        linebreaks(&s).any(|(pos, _)| pos == a.len_utf8())
    }

    fn can_break(a: char, b: char, k: Kinsoku) -> bool {
        tailored(a, b, uax_allows(a, b), k)
    }

    #[test]
    fn no_line_starts_with_prohibited_classes() {
        for b in [
            '」', '』', '）', '】', '〕', '〉', '》', '］', '｝', '”', '’', '、', '。', '，', '．',
            '・', '：', '；', '？', '！', '‐', '〜', 'ゝ', 'ゞ', 'ヽ', 'ヾ', '々', 'ー', 'ぁ',
            'っ', 'ャ', 'ㇰ',
        ] {
            assert!(!can_break('あ', b, Kinsoku::Strict), "break before {b}");
        }
    }

    #[test]
    fn loose_lets_small_kana_and_marks_start_a_line() {
        for b in ['々', 'ー', 'ぁ', 'っ', 'ャ', 'ゝ'] {
            assert!(can_break('あ', b, Kinsoku::Loose), "loose break before {b}");
        }
        for b in ['」', '、', '。', '・', '？'] {
            assert!(
                !can_break('あ', b, Kinsoku::Loose),
                "loose break before {b}"
            );
        }
    }

    #[test]
    fn no_line_ends_with_opening_bracket() {
        for a in [
            '「', '『', '（', '【', '〔', '〈', '《', '［', '｛', '“', '‘',
        ] {
            assert!(!can_break(a, 'あ', Kinsoku::Strict), "break after {a}");
        }
        assert!(can_break('あ', '「', Kinsoku::Strict));
        assert!(can_break('あ', '“', Kinsoku::Strict));
        assert!(can_break('”', 'あ', Kinsoku::Strict));
    }

    #[test]
    fn inseparables_and_numerals_stay_together() {
        assert!(!can_break('…', '…', Kinsoku::Strict));
        assert!(!can_break('—', '—', Kinsoku::Strict));
        assert!(!can_break('‥', '‥', Kinsoku::Strict));
        assert!(!can_break('￥', '１', Kinsoku::Strict));
        assert!(!can_break('$', '1', Kinsoku::Strict));
        assert!(!can_break('5', '%', Kinsoku::Strict));
        assert!(!can_break('５', '％', Kinsoku::Strict));
        assert!(!can_break('3', '℃', Kinsoku::Strict));
    }

    #[test]
    fn kanji_and_kana_break_anywhere_latin_words_do_not() {
        assert!(can_break('漢', '字', Kinsoku::Strict));
        assert!(can_break('か', 'な', Kinsoku::Strict));
        assert!(!can_break('a', 'b', Kinsoku::Strict));
        assert!(!can_break('1', '2', Kinsoku::Strict));
        assert!(can_break(' ', 'b', Kinsoku::Strict));
    }
}
