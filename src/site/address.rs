//! Where a content page is published: its URL, its aliases and its anchor.
//!
//! Input: a page's path relative to the content folder (`login/admin_temp.md`,
//! `admin/_index.md`, the leaf bundle `a/b/index.md`), its kind, its front
//! matter (`url`, `slug`, `aliases`), the site's `book.url_prefix` and
//! whether the site uses Hugo's ugly URLs. Output: the site-absolute URL Hugo
//! publishes the page at ([`page_url`]), the further URLs that reach it
//! ([`page_aliases`]), the key under which any written form of a URL is
//! looked up ([`url_key`]), and the ASCII anchor naming the page in the book
//! ([`page_anchor`], before it is made unique). The one place these are
//! computed.

use crate::model::PageKind;

use super::FrontMatter;

/// The URL prefix as used here: starts and ends with `/` (empty counts as `/`).
fn prefix_of(url_prefix: &str) -> String {
    let trimmed = url_prefix.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

/// The URL Hugo publishes a content page at.
///
/// - front-matter `url`: relative to the site root (`url_prefix`), as written;
/// - a page `a/b.md` (or the leaf bundle `a/b/index.md`): `{prefix}a/b.html`
///   with ugly URLs, `{prefix}a/b/` with pretty URLs (Hugo's default); a
///   `slug` replaces `b`;
/// - a section `a/_index.md`: `{prefix}a.html` (ugly) or `{prefix}a/`; the
///   home page `_index.md`: `{prefix}`.
pub fn page_url(
    url_prefix: &str,
    rel_path: &str,
    kind: PageKind,
    front: &FrontMatter,
    ugly: bool,
) -> String {
    let prefix = prefix_of(url_prefix);
    if let Some(url) = &front.url {
        return format!("{prefix}{}", url.trim().trim_start_matches('/'));
    }
    let stem = rel_path.strip_suffix(".md").unwrap_or(rel_path);
    let stem = match kind {
        PageKind::Section => stem.strip_suffix("_index").unwrap_or(stem),
        PageKind::Page => stem.strip_suffix("/index").unwrap_or(stem),
    };
    let stem = stem.trim_end_matches('/');
    if stem.is_empty() {
        return prefix;
    }
    let (dir, name) = match stem.rsplit_once('/') {
        Some((dir, name)) => (format!("{dir}/"), name),
        None => (String::new(), stem),
    };
    let name = match (kind, &front.slug) {
        (PageKind::Page, Some(slug)) => slug.trim().trim_matches('/'),
        _ => name,
    };
    if ugly {
        format!("{prefix}{dir}{name}.html")
    } else {
        format!("{prefix}{dir}{name}/")
    }
}

/// The site-absolute URLs of a page's `aliases`: an alias with a leading
/// `/` is relative to the site root (`url_prefix`); one without is relative
/// to the page's level (Hugo joins it to the page's URL without its last
/// segment; for a page with a front-matter `url`, to that URL's parent
/// folder).
pub fn page_aliases(url_prefix: &str, page_url: &str, front: &FrontMatter) -> Vec<String> {
    let prefix = prefix_of(url_prefix);
    front
        .aliases
        .iter()
        .map(|alias| alias.trim())
        .filter(|alias| !alias.is_empty())
        .map(|alias| {
            if let Some(rooted) = alias.strip_prefix('/') {
                return format!("{prefix}{rooted}");
            }
            let trimmed = page_url.trim_end_matches('/');
            let mut base = trimmed.rsplit_once('/').map_or("", |(dir, _)| dir);
            if front.url.is_some() && !page_url.ends_with('/') {
                base = base.rsplit_once('/').map_or("", |(dir, _)| dir);
            }
            format!("{base}/{alias}")
        })
        .collect()
}

/// The lookup key of a site path: every form Hugo (or a writer) may use for
/// the same page gives the same key: `/p/a/b.html`, `/p/a/b/`,
/// `/p/a/b/index.html` and `/p/a/b` all give `/p/a/b`.
pub fn url_key(path: &str) -> String {
    let mut key = path.trim();
    if let Some(dir) = key.strip_suffix("index.html")
        && (dir.is_empty() || dir.ends_with('/'))
    {
        key = dir;
    }
    let key = key.trim_end_matches('/');
    key.strip_suffix(".html").unwrap_or(key).to_string()
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

    fn front(url: Option<&str>, slug: Option<&str>, aliases: &[&str]) -> FrontMatter {
        FrontMatter {
            url: url.map(str::to_string),
            slug: slug.map(str::to_string),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            ..FrontMatter::default()
        }
    }

    #[test]
    fn urls_follow_hugo_ugly_and_pretty_urls() {
        let none = FrontMatter::default();
        let p = "/general/ja/";
        let url = |rel: &str, kind, ugly| page_url(p, rel, kind, &none, ugly);
        assert_eq!(
            url("login/admin_temp.md", PageKind::Page, true),
            "/general/ja/login/admin_temp.html"
        );
        assert_eq!(
            url("login/admin_temp.md", PageKind::Page, false),
            "/general/ja/login/admin_temp/"
        );
        assert_eq!(
            url("p14/_index.md", PageKind::Section, true),
            "/general/ja/p14.html"
        );
        assert_eq!(
            url("p14/_index.md", PageKind::Section, false),
            "/general/ja/p14/"
        );
        assert_eq!(
            url("p14/a/b/index.md", PageKind::Page, true),
            "/general/ja/p14/a/b.html"
        );
        assert_eq!(
            url("p14/a/b/index.md", PageKind::Page, false),
            "/general/ja/p14/a/b/"
        );
        assert_eq!(url("_index.md", PageKind::Section, true), "/general/ja/");
        assert_eq!(
            page_url("", "a/b.md", PageKind::Page, &none, true),
            "/a/b.html"
        );
        assert_eq!(
            page_url("", "_index.md", PageKind::Section, &none, false),
            "/"
        );
    }

    #[test]
    fn slug_url_and_aliases_as_hugo_0_111() {
        let p = "/general/ja/";
        let slug = front(None, Some("my-slug"), &[]);
        assert_eq!(
            page_url(p, "p14/slugpage.md", PageKind::Page, &slug, true),
            "/general/ja/p14/my-slug.html"
        );
        assert_eq!(
            page_url(p, "p14/slugpage.md", PageKind::Page, &slug, false),
            "/general/ja/p14/my-slug/"
        );
        let custom = front(
            Some("/custom/path/page.html"),
            None,
            &["/old/urlpage.html", "old2/"],
        );
        let url = page_url(p, "p14/urlpage.md", PageKind::Page, &custom, true);
        assert_eq!(url, "/general/ja/custom/path/page.html");
        assert_eq!(
            page_aliases(p, &url, &custom),
            vec!["/general/ja/old/urlpage.html", "/general/ja/custom/old2/"]
        );
        let plain = front(None, None, &["before.html"]);
        assert_eq!(
            page_aliases(p, "/general/ja/p14/links/", &plain),
            vec!["/general/ja/p14/before.html"]
        );
        assert_eq!(
            page_aliases(p, "/general/ja/p14/links.html", &plain),
            vec!["/general/ja/p14/before.html"]
        );
    }

    #[test]
    fn every_written_form_has_one_key() {
        for form in ["/p/a/b.html", "/p/a/b/", "/p/a/b/index.html", "/p/a/b"] {
            assert_eq!(url_key(form), "/p/a/b", "{form}");
        }
        assert_eq!(url_key("/"), "");
        assert_eq!(url_key("/index.html"), "");
        assert_eq!(url_key("/p/myindex.html"), "/p/myindex");
        assert_eq!(url_key("/p/file.pdf"), "/p/file.pdf");
    }
}
