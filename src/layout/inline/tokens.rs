//! Break opportunities inside tokens that UAX #14 keeps whole: inline code,
//! URLs, identifiers and long Latin runs (issue 13 §1). Without them such a
//! token that does not fit the rest of a line pushes the whole token to the
//! next line and leaves the line before it spaced out.
//!
//! Input: the paragraph's [`Collected`] text. Output: the byte offsets
//! (sorted) before which a line may end inside such a token, at a penalty
//! the breaker adds (`linebreak`): after `/ . _ - ? & = : # @` and at a change
//! from a lower-case to an upper-case letter, never next to the token's
//! ends and never inside a number (`1.5`, `2024-01-01` stay whole when they
//! are not part of a URL or code). No hyphen is added at such a break.

use super::classes::is_wide;
use super::collect::{Collected, OBJECT_CHAR};
use crate::layout::font::FontRole;

/// A token this long (in characters) is broken like an identifier even
/// when it is plain text without separators.
const LONG_RUN: usize = 16;

/// Characters after which a token may break. `@` too: an e-mail address
/// breaks after its `@` rather than inside its domain, as the table's
/// least column width (`flow/table.rs`, `longest_word`) assumes.
fn is_separator(c: char) -> bool {
    matches!(c, '/' | '.' | '_' | '-' | '?' | '&' | '=' | ':' | '#' | '@')
}

/// The byte offsets, sorted, of the break opportunities inside tokens.
pub(crate) fn token_breaks(text: &Collected) -> Vec<usize> {
    let s = text.text.as_str();
    let mut out = Vec::new();
    let in_token = |c: char| !c.is_whitespace() && !is_wide(c) && c != OBJECT_CHAR;
    // Start of the current token, if one is open.
    let mut start: Option<usize> = None;
    for (pos, c) in s.char_indices() {
        if in_token(c) {
            start.get_or_insert(pos);
        } else if let Some(from) = start.take() {
            breaks_in_token(text, from, pos, &mut out);
        }
    }
    if let Some(from) = start {
        breaks_in_token(text, from, s.len(), &mut out);
    }
    out
}

/// Appends the break opportunities of one token (bytes `from..to` of the
/// text) to `out` when the token is code, a URL, an identifier or a long
/// run. Two passes over the token's characters, nothing allocated (a
/// token may be megabytes long).
fn breaks_in_token(text: &Collected, from: usize, to: usize, out: &mut Vec<usize>) {
    let Some(token) = text.text.get(from..to) else {
        return;
    };
    // First pass: what the token is.
    let mut n = 0usize;
    let (mut url, mut camel, mut separators) = (false, false, false);
    let (mut p2, mut p1): (Option<char>, Option<char>) = (None, None);
    for c in token.chars() {
        n += 1;
        url |= p2 == Some(':') && p1 == Some('/') && c == '/';
        camel |= p1.is_some_and(char::is_lowercase) && c.is_uppercase();
        separators |= matches!(c, '_' | '/');
        (p2, p1) = (p1, Some(c));
    }
    if n < 4 {
        return;
    }
    // Code: any character of the token in a monospace or background style
    // (the style spans that overlap the token).
    let first_span = text.spans.partition_point(|(r, _)| r.end <= from);
    let code = text
        .spans
        .get(first_span..)
        .unwrap_or(&[])
        .iter()
        .take_while(|(r, _)| r.start < to)
        .any(|&(_, sid)| {
            let style = text.style(sid);
            style.role == FontRole::Mono || style.background.is_some()
        });
    let url = url || starts_with(token, "www.");
    let identifier = separators || camel;
    if !(code || url || identifier || n >= LONG_RUN) {
        return;
    }
    // Second pass: character `k` with the two before it and the one after
    // (keep at least two characters on either side of a break).
    let chars = token.char_indices();
    let (mut b2, mut b1): (Option<char>, Option<char>) = (None, None);
    let mut k = 0usize;
    for (off, b) in chars {
        if (2..n.saturating_sub(1)).contains(&k)
            && let Some(a) = b1
        {
            // Inside a number (a dot or hyphen between digits), outside
            // URLs and code.
            let digit_context =
                !(code || url) && b2.is_some_and(|c| c.is_ascii_digit()) && b.is_ascii_digit();
            let after_separator = is_separator(a)
                && !is_separator(b)
                && (b.is_alphanumeric() || matches!(b, '%' | '~' | '"' | '\''))
                && !digit_context;
            let case_change = a.is_lowercase() && b.is_uppercase();
            if after_separator || case_change {
                out.push(from + off);
            }
        }
        (b2, b1) = (b1, Some(b));
        k += 1;
        if k + 1 >= n {
            // The last character never starts a break.
            break;
        }
    }
}

/// Whether `token` starts with `prefix` (ASCII, case-insensitive).
fn starts_with(token: &str, prefix: &str) -> bool {
    token
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
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

    #[test]
    fn a_long_mail_address_breaks_after_its_at_and_dots_only() {
        assert_eq!(
            breaks(&[("hanako.sato@example.com", FontRole::Regular)]),
            ["hanako.", "sato@", "example.", "com"]
        );
        // A short one stays whole.
        assert_eq!(breaks(&[("a@b.jp", FontRole::Regular)]), ["a@b.jp"]);
    }
}
