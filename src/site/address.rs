//! Where a content page is published: its URL and its anchor.
//!
//! Input: a page's path relative to the content folder (`login/admin_temp.md`,
//! `admin/_index.md`), its kind and the site's `book.url_prefix`. Output: the
//! site-absolute URL Hugo publishes the page at ([`page_url`], ugly URLs) and
//! the ASCII anchor naming the page in the book ([`page_anchor`], before it is
//! made unique). The one place these are computed; `links::url` maps URLs
//! back to content paths.

use crate::model::PageKind;

/// The URL Hugo publishes a content page at (ugly URLs: `a/b.md` →
/// `{prefix}a/b.html`; a section's `a/_index.md` → `{prefix}a/`). An empty
/// prefix counts as `/`.
pub fn page_url(url_prefix: &str, rel_path: &str, kind: PageKind) -> String {
    let prefix = if url_prefix.is_empty() {
        "/"
    } else {
        url_prefix
    };
    let stem = rel_path.strip_suffix(".md").unwrap_or(rel_path);
    match kind {
        PageKind::Section => {
            let folder = stem.strip_suffix("_index").unwrap_or(stem);
            format!("{prefix}{folder}")
        }
        PageKind::Page => format!("{prefix}{stem}.html"),
    }
}

/// An ASCII anchor from a content path: `login/admin_temp.md` →
/// `login-admin_temp`, `admin/_index.md` → `admin`, `_index.md` → `index`.
/// Only ASCII letters, digits, `-` and `_`, starting with a letter.
pub fn page_anchor(rel_path: &str) -> String {
    let stem = rel_path.strip_suffix(".md").unwrap_or(rel_path);
    let stem = stem.strip_suffix("/_index").unwrap_or(stem);
    let stem = if stem == "_index" || stem.is_empty() {
        "index"
    } else {
        stem
    };
    let mut out = String::with_capacity(stem.len());
    for c in stem.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' => out.push(c),
            '/' | '.' | ' ' => out.push('-'),
            other => {
                let mut buf = [0u8; 4];
                for b in other.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("_{b:02x}"));
                }
            }
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "p-");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_ascii() {
        assert_eq!(page_anchor("login/admin_temp.md"), "login-admin_temp");
        assert_eq!(page_anchor("admin/_index.md"), "admin");
        assert_eq!(page_anchor("_index.md"), "index");
        assert_eq!(page_anchor("2fa/a.md"), "p-2fa-a");
        assert_eq!(page_anchor("ja/あ.md"), "ja-_e3_81_82");
    }

    #[test]
    fn urls_follow_hugo_ugly_urls() {
        assert_eq!(
            page_url("/general/ja/", "login/admin_temp.md", PageKind::Page),
            "/general/ja/login/admin_temp.html"
        );
        assert_eq!(
            page_url("/general/ja/", "admin/_index.md", PageKind::Section),
            "/general/ja/admin/"
        );
        assert_eq!(page_url("/", "_index.md", PageKind::Section), "/");
        assert_eq!(page_url("", "a/b.md", PageKind::Page), "/a/b.html");
        assert_eq!(page_url("", "_index.md", PageKind::Section), "/");
    }
}
