//! File names and element ids of the EPUB, and the hrefs between them.
//!
//! Input: the [`Book`]. Output: [`Names`]: one `text/<anchor>.xhtml` file
//! (the page's XHTML document) per page and, per page, a valid XML NCName id
//! for every heading anchor (prefixed when the anchor does not start with a
//! letter or `_`, other characters hex-escaped, duplicates numbered with
//! [`Uniquifier`]), used the same way in ids and in every href so links
//! always resolve.

use std::collections::BTreeMap;

use crate::model::{Block, Book, PageId, Uniquifier, walk};

/// Folder of the XHTML documents inside the package folder.
pub(crate) const TEXT_DIR: &str = "text";

/// File names of every page's XHTML document and ids of every heading.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    files: Vec<String>,
    heading_ids: Vec<BTreeMap<String, String>>,
}

impl Names {
    /// Names for every page of `book`.
    pub(crate) fn new(book: &Book) -> Names {
        let mut used_files = Uniquifier::new().ignoring_ascii_case();
        let mut files = Vec::with_capacity(book.pages.len());
        let mut heading_ids = Vec::with_capacity(book.pages.len());
        for (index, page) in book.pages.iter().enumerate() {
            let stem = if is_file_stem(&page.anchor) {
                page.anchor.clone()
            } else {
                format!("page-{index}")
            };
            files.push(used_files.name(&stem));
            let mut used_ids = Uniquifier::new();
            let mut ids = BTreeMap::new();
            walk::blocks(&page.blocks, |block| {
                if let Block::Heading(h) = block
                    && !ids.contains_key(&h.anchor)
                {
                    let id = used_ids.name(&ncname(&h.anchor));
                    ids.insert(h.anchor.clone(), id);
                }
            });
            heading_ids.push(ids);
        }
        Names { files, heading_ids }
    }

    /// The file name of a page's XHTML document (`<stem>.xhtml`, without
    /// folder).
    pub(crate) fn file(&self, page: PageId) -> String {
        match self.files.get(page.0) {
            Some(stem) => format!("{stem}.xhtml"),
            None => "page-missing.xhtml".into(),
        }
    }

    /// The id written for a heading anchor of a page.
    pub(crate) fn heading_id(&self, page: PageId, anchor: &str) -> Option<&str> {
        self.heading_ids
            .get(page.0)
            .and_then(|ids| ids.get(anchor))
            .map(String::as_str)
    }

    /// The href of a page (and heading) as seen from an XHTML document in
    /// the same folder. Unknown anchors link to the page top.
    pub(crate) fn href_from_xhtml(&self, page: PageId, anchor: Option<&str>) -> String {
        let file = self.file(page);
        match anchor.and_then(|a| self.heading_id(page, a)) {
            Some(id) => format!("{file}#{id}"),
            None => file,
        }
    }

    /// The href of a page (and heading) as seen from the package folder
    /// (`nav.xhtml`, `toc.ncx`).
    pub(crate) fn href_from_root(&self, page: PageId, anchor: Option<&str>) -> String {
        format!("{TEXT_DIR}/{}", self.href_from_xhtml(page, anchor))
    }
}

/// Whether a page anchor can be a file stem as is: ASCII letters, digits,
/// `-` and `_`, not empty, not too long.
fn is_file_stem(anchor: &str) -> bool {
    !anchor.is_empty()
        && anchor.len() <= 100
        && anchor
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// An XML NCName made from any anchor: characters XML allows in a name
/// (ASCII letters, digits, `-`, `_`, `.`, and the non-ASCII name
/// characters: kana, kanji, `ー`, full-width Latin, accented letters…) are
/// kept, so Hugo's ids such as `手順-1` stay as they are; other characters
/// become `_` plus their hex code point, and `id-` is put in front unless
/// the result starts with a character a name may start with (not a digit,
/// `-` or `.`).
pub(crate) fn ncname(anchor: &str) -> String {
    let mut out = String::with_capacity(anchor.len() + 3);
    for c in anchor.chars() {
        if is_name_char(c) {
            out.push(c);
        } else {
            out.push_str(&format!("_{:x}", u32::from(c)));
        }
    }
    let starts_well = out.chars().next().is_some_and(is_name_start_char);
    if starts_well {
        out
    } else {
        format!("id-{out}")
    }
}

/// XML 1.0 (fifth edition) `NameStartChar` without `:`.
fn is_name_start_char(c: char) -> bool {
    c.is_ascii_alphabetic()
        || c == '_'
        || matches!(u32::from(c),
            0xC0..=0xD6
            | 0xD8..=0xF6
            | 0xF8..=0x2FF
            | 0x370..=0x37D
            | 0x37F..=0x1FFF
            | 0x200C..=0x200D
            | 0x2070..=0x218F
            | 0x2C00..=0x2FEF
            | 0x3001..=0xD7FF
            | 0xF900..=0xFDCF
            | 0xFDF0..=0xFFFD
            | 0x10000..=0xEFFFF)
}

/// XML 1.0 (fifth edition) `NameChar` without `:`.
fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || c.is_ascii_digit()
        || matches!(c, '-' | '.' | '\u{B7}')
        || matches!(u32::from(c), 0x300..=0x36F | 0x203F..=0x2040)
}

/// A name made only of ASCII letters, digits, `-` and `_`, for files and
/// CSS classes; empty input gives `x`.
pub(crate) fn ascii_slug(text: &str) -> String {
    let slug: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(60)
        .collect();
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() { "x".into() } else { slug }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ncname_prefixes_digits_and_escapes_others() {
        assert_eq!(ncname("login_admin_account_10"), "login_admin_account_10");
        assert_eq!(ncname("10-steps"), "id-10-steps");
        assert_eq!(ncname(""), "id-");
        assert_eq!(ncname("a b\"<"), "a_20b_22_3c");
        assert_eq!(ncname("方法"), "方法");
        assert_eq!(ncname("ａｂｃ全角英字と１２３"), "ａｂｃ全角英字と１２３");
        assert_eq!(ncname("ä-ö-ü-café-naïve"), "ä-ö-ü-café-naïve");
        assert_eq!(ncname("123-数字で始まる"), "id-123-数字で始まる");
        assert_eq!(ncname("a:b"), "a_3ab");
        assert_eq!(ncname("-x"), "id--x");
    }

    #[test]
    fn slug_keeps_ascii_only() {
        assert_eq!(ascii_slug("Admin Image_01"), "admin-image_01");
        assert_eq!(ascii_slug("画像"), "x");
    }
}
