//! The placeholder protocol between `shortcode` and `markdown`: the one place
//! that spells and finds placeholders.
//!
//! Input: the index of a block shortcode call in
//! [`ResolvedPage::calls`](super::ResolvedPage::calls) and its [`Role`].
//! Output: the placeholder text that [`resolve`](super::resolve()) writes
//! into the resolved Markdown in the call's place ([`spell`]); `markdown`
//! finds placeholders in any text it reads with [`find`] and removes the ones
//! it cannot place with [`strip`].
//!
//! A placeholder is one word, like Hugo's `HAHAHUGOSHORTCODE-1HBHB`: the
//! noncharacter U+FDD0, a role character, the call's index in decimal, and
//! U+FDD1. Being one word without Markdown or HTML syntax, it survives every
//! Markdown construct (paragraph, list item, code span, code block, HTML
//! block, attribute value) unchanged, so `markdown` sees it wherever the
//! writer put the tag. The two noncharacters never come from the source:
//! `resolve` replaces them in copied text (with U+FFFD, same length).
//!
//! - [`Role::Unit`]: a block shortcode placed as one unit at the tag's
//!   position (Hugo's v1 model): `screen`, `figure`, a v1 box whose inner
//!   content is its own document, a heading, an include, `highlight`.
//! - [`Role::Open`] / [`Role::Close`]: a box of the v2 model (`model =
//!   "v2"`): the inner content is spliced into the page between the two, on
//!   lines of their own, so Markdown parses it with the page.
//! - Conditionals and variables leave only their resulting text, like Hugo.

use std::ops::Range;

/// First character of every placeholder (a Unicode noncharacter).
pub(crate) const START: char = '\u{FDD0}';
/// Last character of every placeholder (a Unicode noncharacter).
pub(crate) const END: char = '\u{FDD1}';

/// What a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The whole shortcode, placed as one unit.
    Unit,
    /// The opening tag of a box whose content follows in the page.
    Open,
    /// The closing tag of such a box.
    Close,
}

impl Role {
    fn char(self) -> char {
        match self {
            Role::Unit => '=',
            Role::Open => '(',
            Role::Close => ')',
        }
    }
}

/// A placeholder found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// Byte range of the placeholder in the text searched.
    pub range: Range<usize>,
    /// Its role.
    pub role: Role,
    /// Index of the call in `ResolvedPage::calls`.
    pub id: usize,
}

/// The placeholder for call `id` in `role`.
pub(crate) fn spell(id: usize, role: Role) -> String {
    format!("{START}{}{id}{END}", role.char())
}

/// The first placeholder in `text` at or after byte `from`. A stray
/// [`START`] or [`END`] that is not part of a well-formed placeholder is
/// reported as a placeholder with an id no call has (`usize::MAX`), so that
/// callers remove it too.
pub(crate) fn find(text: &str, from: usize) -> Option<Found> {
    let rest = text.get(from..)?;
    let pos = rest.find([START, END])?;
    let start = from + pos;
    let after = text.get(start..)?;
    let mut chars = after.char_indices();
    let (_, first) = chars.next()?;
    let stray = |len: usize| Found {
        range: start..start + len,
        role: Role::Unit,
        id: usize::MAX,
    };
    if first == END {
        return Some(stray(END.len_utf8()));
    }
    let role = match chars.next() {
        Some((_, '=')) => Role::Unit,
        Some((_, '(')) => Role::Open,
        Some((_, ')')) => Role::Close,
        _ => return Some(stray(START.len_utf8())),
    };
    let digits_start = START.len_utf8() + 1;
    let digits: String = after
        .get(digits_start..)
        .unwrap_or("")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let end = digits_start + digits.len();
    if digits.is_empty() || !after.get(end..).is_some_and(|r| r.starts_with(END)) {
        return Some(stray(START.len_utf8()));
    }
    Some(Found {
        range: start..start + end + END.len_utf8(),
        role,
        id: digits.parse().unwrap_or(usize::MAX),
    })
}

/// `text` without any placeholder, and the placeholders removed (for
/// attribute values, URLs and ids, where no block can be placed).
pub(crate) fn strip(text: &str) -> (String, Vec<Found>) {
    if !text.contains([START, END]) {
        return (text.to_string(), Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut removed = Vec::new();
    let mut pos = 0;
    while let Some(found) = find(text, pos) {
        out.push_str(text.get(pos..found.range.start).unwrap_or(""));
        pos = found.range.end;
        removed.push(found);
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    (out, removed)
}

/// Whether `text` holds any placeholder character.
pub(crate) fn contains(text: &str) -> bool {
    text.contains([START, END])
}

/// Replaces placeholder characters that come from the source (never a
/// placeholder: only `resolve` writes them) by U+FFFD, which has the same
/// length in UTF-8, so copied text keeps its offsets.
pub(crate) fn neutralize(text: &str) -> std::borrow::Cow<'_, str> {
    if contains(text) {
        std::borrow::Cow::Owned(text.replace([START, END], "\u{FFFD}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_where_they_are_spelled() {
        let text = format!("a{}b{}c", spell(3, Role::Unit), spell(12, Role::Close));
        let first = find(&text, 0).expect("unit");
        assert_eq!((first.id, first.role), (3, Role::Unit));
        assert_eq!(&text[first.range.clone()], spell(3, Role::Unit));
        let second = find(&text, first.range.end).expect("close");
        assert_eq!((second.id, second.role), (12, Role::Close));
        assert!(find(&text, second.range.end).is_none());
        let (plain, removed) = strip(&text);
        assert_eq!(plain, "abc");
        assert_eq!(removed.len(), 2);
    }

    #[test]
    fn stray_marks_are_found_and_stripped() {
        let text = format!("x{START}y{END}z{START}=9");
        let (plain, removed) = strip(&text);
        assert_eq!(plain, "xyz=9");
        assert!(removed.iter().all(|f| f.id == usize::MAX));
        assert_eq!(neutralize(&text).len(), text.len());
        assert!(!contains(&neutralize(&text)));
    }
}
