//! Break opportunities inside tokens that UAX #14 keeps whole: inline code,
//! URLs, identifiers and long Latin runs (issue 13 §1). Without them such a
//! token that does not fit the rest of a line pushes the whole token to the
//! next line and leaves the line before it spaced out.
//!
//! Input: the paragraph's [`Collected`] text. Output: the byte offsets
//! (sorted) before which a line may end inside such a token, at a penalty
//! the breaker adds (`linebreak`): after `/ . _ - ? & = : #` and at a change
//! from a lower-case to an upper-case letter, never next to the token's
//! ends and never inside a number (`1.5`, `2024-01-01` stay whole when they
//! are not part of a URL or code). No hyphen is added at such a break.

use super::classes::is_wide;
use super::collect::{Collected, OBJECT_CHAR};
use crate::layout::font::FontRole;

/// A token this long (in characters) is broken like an identifier even
/// when it is plain text without separators.
const LONG_RUN: usize = 16;

/// Characters after which a token may break.
fn is_separator(c: char) -> bool {
    matches!(c, '/' | '.' | '_' | '-' | '?' | '&' | '=' | ':' | '#')
}

/// The byte offsets, sorted, of the break opportunities inside tokens.
pub(crate) fn token_breaks(text: &Collected) -> Vec<usize> {
    let s = text.text.as_str();
    let mut out = Vec::new();
    let mut token: Vec<(usize, char)> = Vec::new();
    let in_token = |c: char| !c.is_whitespace() && !is_wide(c) && c != OBJECT_CHAR;
    for (pos, c) in s.char_indices() {
        if in_token(c) {
            token.push((pos, c));
        } else {
            breaks_in_token(text, &token, &mut out);
            token.clear();
        }
    }
    breaks_in_token(text, &token, &mut out);
    out
}

/// Appends the break opportunities of one token (its characters with their
/// byte offsets) to `out` when the token is code, a URL, an identifier or a
/// long run.
fn breaks_in_token(text: &Collected, token: &[(usize, char)], out: &mut Vec<usize>) {
    let n = token.len();
    if n < 4 {
        return;
    }
    let code = token.iter().any(|&(pos, _)| {
        let style = text.style(text.style_at(pos));
        style.role == FontRole::Mono || style.background.is_some()
    });
    let chars: Vec<char> = token.iter().map(|&(_, c)| c).collect();
    let url = chars.windows(3).any(|w| w == [':', '/', '/']) || starts_with(&chars, "www.");
    let camel = chars
        .windows(2)
        .any(|w| w[0].is_lowercase() && w[1].is_uppercase());
    let identifier = chars.contains(&'_') || camel || chars.contains(&'/');
    if !(code || url || identifier || n >= LONG_RUN) {
        return;
    }
    let digit_context = |k: usize| {
        // Inside a number (a dot or hyphen between digits), outside URLs
        // and code.
        !(code || url)
            && chars
                .get(k.wrapping_sub(1))
                .is_some_and(char::is_ascii_digit)
            && chars.get(k + 1).is_some_and(char::is_ascii_digit)
    };
    // Keep at least two characters on either side of a break.
    for k in 2..n.saturating_sub(1) {
        let (a, b) = (chars[k - 1], chars[k]);
        let after_separator = is_separator(a)
            && !is_separator(b)
            && (b.is_alphanumeric() || matches!(b, '%' | '~' | '"' | '\''))
            && !digit_context(k - 1);
        let case_change = a.is_lowercase() && b.is_uppercase();
        if after_separator || case_change {
            out.push(token[k].0);
        }
    }
}

/// Whether `chars` starts with `prefix` (ASCII, case-insensitive).
fn starts_with(chars: &[char], prefix: &str) -> bool {
    prefix.chars().count() <= chars.len()
        && prefix
            .chars()
            .zip(chars)
            .all(|(p, c)| c.eq_ignore_ascii_case(&p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::inline::collect::collect;
    use crate::layout::inline::{InlinePiece, TextStyle};

    fn breaks(pieces: &[(&str, FontRole)]) -> Vec<String> {
        let pieces: Vec<InlinePiece> = pieces
            .iter()
            .map(|&(text, role)| InlinePiece::Text {
                text,
                style: TextStyle::new(role, 10.0),
            })
            .collect();
        let c = collect(&pieces);
        let at = token_breaks(&c);
        let mut parts = Vec::new();
        let mut from = 0;
        for b in at {
            parts.push(c.text[from..b].to_owned());
            from = b;
        }
        parts.push(c.text[from..].to_owned());
        parts
    }

    #[test]
    fn urls_break_after_separators_not_inside_the_scheme() {
        assert_eq!(
            breaks(&[(
                "見る https://example.com/k/v1/records.json?app=1&q=x を",
                FontRole::Regular
            )]),
            [
                "見る https://",
                "example.",
                "com/",
                "k/",
                "v1/",
                "records.",
                "json?",
                "app=",
                "1&",
                "q=x を"
            ]
        );
    }

    #[test]
    fn code_breaks_at_case_changes_and_underscores() {
        assert_eq!(
            breaks(&[("getRecordsWithCursor", FontRole::Mono)]),
            ["get", "Records", "With", "Cursor"]
        );
        assert_eq!(
            breaks(&[("user_account_settings", FontRole::Mono)]),
            ["user_", "account_", "settings"]
        );
    }

    #[test]
    fn words_and_numbers_in_prose_stay_whole() {
        for s in [
            "cybozu.com のヘルプ",
            "Version 1.5.2 と 2024-01-01",
            "Google Chrome、Microsoft Edge",
            "e.g. ok",
        ] {
            assert_eq!(breaks(&[(s, FontRole::Regular)]), [s], "{s}");
        }
    }

    #[test]
    fn long_runs_and_identifiers_in_prose_break() {
        assert_eq!(
            breaks(&[("X-Cybozu-API-Token", FontRole::Regular)]),
            ["X-", "Cybozu-", "API-", "Token"]
        );
        assert_eq!(
            breaks(&[("kintoneRestApi", FontRole::Regular)]),
            ["kintone", "Rest", "Api"]
        );
    }
}
