//! Soft line breaks in Japanese text.
//!
//! Input: the characters on both sides of a source line break inside a
//! paragraph. Output: whether the break disappears or becomes a space.
//!
//! The rule follows CSS Text 3 segment-break transformation, extended for
//! full-width punctuation: the break is removed when the characters on both
//! sides are Japanese (kanji, kana, full-width forms), or when either side is
//! full-width punctuation (`。`, `、`, `「`, `）`…), next to which a space would
//! only look like a typo. Everywhere else it becomes one space, as between
//! two Latin words.

/// Whether a soft line break between `before` and `after` is removed (true)
/// or becomes a space (false).
pub(crate) fn joins(before: char, after: char) -> bool {
    (is_japanese(before) && is_japanese(after))
        || is_wide_punctuation(before)
        || is_wide_punctuation(after)
}

/// Kanji, kana, CJK symbols and full-width/half-width forms (not Hangul).
pub(crate) fn is_japanese(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // CJK radicals, Kangxi radicals
        | 0x3000..=0x30FF    // CJK symbols and punctuation, hiragana, katakana
        | 0x31F0..=0x31FF    // katakana phonetic extensions
        | 0x3200..=0x33FF    // enclosed CJK letters, CJK compatibility
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFE30..=0xFE4F    // CJK compatibility forms
        | 0xFF00..=0xFFEF    // full-width and half-width forms
        | 0x20000..=0x3FFFF  // CJK extensions B and later
    )
}

/// Full-width punctuation: ideographic space, brackets, stops and commas,
/// the middle dot and full-width ASCII punctuation.
pub(crate) fn is_wide_punctuation(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F
        | 0x30FB
        | 0xFF01..=0xFF0F
        | 0xFF1A..=0xFF20
        | 0xFF3B..=0xFF40
        | 0xFF5B..=0xFF65
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_on_both_sides_joins() {
        assert!(joins('す', '設'));
        assert!(joins('ア', '漢'));
    }

    #[test]
    fn latin_on_both_sides_is_a_space() {
        assert!(!joins('a', 'b'));
        assert!(!joins('.', 'T'));
    }

    #[test]
    fn mixed_scripts_are_a_space_unless_punctuation() {
        assert!(!joins('字', 'A'));
        assert!(!joins('A', '字'));
        assert!(joins('。', 'A'));
        assert!(joins('A', '（'));
    }

    #[test]
    fn hangul_is_not_japanese() {
        assert!(!joins('한', '국'));
    }
}
