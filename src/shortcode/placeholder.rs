//! The placeholder protocol between `shortcode` and `markdown`: the one place
//! that spells the placeholder element.
//!
//! Input: the index of a block shortcode call in
//! [`ResolvedPage::calls`](super::ResolvedPage::calls). Output: the inline
//! HTML that [`resolve`](super::resolve()) writes into the resolved Markdown
//! in the call's place; `markdown` recognises it by [`ELEMENT`] and reads the
//! call's index from [`ID_ATTRIBUTE`].
//!
//! - A single block shortcode (`screen`) becomes [`empty`]:
//!   `<tebiki-sc id="N"></tebiki-sc>` at the tag's position.
//! - A paired block shortcode (admonitions) becomes [`open`]
//!   (`<tebiki-sc id="N">`) followed by a blank line, the inner content, a
//!   blank line and [`close`] (`</tebiki-sc>`), so that CommonMark parses the
//!   inner content as Markdown blocks between two HTML events. The
//!   indentation of the line the tag stood on is repeated on the inserted
//!   lines so list items stay intact.
//! - Conditionals and variables leave only their resulting text, like Hugo.

/// Name of the placeholder element.
pub(crate) const ELEMENT: &str = "tebiki-sc";

/// Attribute holding the index of the call in `ResolvedPage::calls`.
pub(crate) const ID_ATTRIBUTE: &str = "id";

/// Opening tag of the placeholder for call `id`: `<tebiki-sc id="N">`.
pub(crate) fn open(id: usize) -> String {
    format!("<{ELEMENT} {ID_ATTRIBUTE}=\"{id}\">")
}

/// Closing tag of a placeholder: `</tebiki-sc>`.
pub(crate) fn close() -> String {
    format!("</{ELEMENT}>")
}

/// A placeholder with no content, for call `id`:
/// `<tebiki-sc id="N"></tebiki-sc>`.
pub(crate) fn empty(id: usize) -> String {
    format!("{}{}", open(id), close())
}

#[cfg(test)]
mod tests {
    #[test]
    fn tags_are_spelled_as_markdown_reads_them() {
        assert_eq!(super::open(3), "<tebiki-sc id=\"3\">");
        assert_eq!(super::close(), "</tebiki-sc>");
        assert_eq!(super::empty(0), "<tebiki-sc id=\"0\"></tebiki-sc>");
    }
}
