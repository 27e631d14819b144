//! Link targets as written → what they point at.
//!
//! Input: an `href` as written in a page, the page's site-absolute URL and
//! the site's URL prefix and base URL. Output: a [`Href`]: a site path (with
//! the content files it may mean), an anchor in the same page, an allowed
//! external URL, or a forbidden scheme. Pure string work, no I/O.

use percent_encoding::percent_decode_str;

/// What an `href` points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Href {
    /// `#id` in the same page.
    SamePage(String),
    /// A path on this site: normalized site-absolute path (percent-decoded,
    /// no query or fragment) and the fragment, if any.
    Site {
        /// e.g. `/general/ja/login/admin_temp.html`.
        path: String,
        /// Decoded fragment without `#`.
        fragment: Option<String>,
    },
    /// An `http`, `https` or `mailto` URL, kept as written.
    External(String),
    /// Any other scheme (`javascript:`, `data:`, `file:`…), lowercased.
    Forbidden(String),
}

/// Classifies an `href` written in the page whose URL is `page_url`.
/// `base_url` (no trailing slash) is this site: absolute links to it are
/// treated as site paths.
pub(crate) fn classify(href: &str, page_url: &str, base_url: &str) -> Href {
    let href = href.trim();
    if let Some(fragment) = href.strip_prefix('#') {
        return Href::SamePage(decode(fragment));
    }
    if let Some(rest) = href.strip_prefix("//") {
        return Href::External(format!("https://{rest}"));
    }
    if let Some(scheme) = scheme(href) {
        let lower = scheme.to_ascii_lowercase();
        if !base_url.is_empty()
            && let Some(rest) = href.strip_prefix(base_url)
            && (rest.is_empty() || rest.starts_with('/'))
        {
            return site(if rest.is_empty() { "/" } else { rest }, "/");
        }
        return match lower.as_str() {
            "http" | "https" | "mailto" => Href::External(href.to_string()),
            _ => Href::Forbidden(lower),
        };
    }
    site(href, page_url)
}

/// A site path: joins a relative `href` to the page's directory and
/// normalizes `.` and `..` segments (never above the root).
fn site(href: &str, page_url: &str) -> Href {
    let (rest, fragment) = match href.split_once('#') {
        Some((r, f)) => (r, Some(decode(f))),
        None => (href, None),
    };
    let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
    let joined = if rest.starts_with('/') {
        rest.to_string()
    } else {
        let dir = page_url.rfind('/').map_or("/", |i| &page_url[..=i]);
        format!("{dir}{rest}")
    };
    Href::Site {
        path: normalize(&decode(&joined)),
        fragment: fragment.filter(|f| !f.is_empty()),
    }
}

/// `scheme` of `scheme:…` (RFC 3986: a letter, then letters, digits, `+-.`).
fn scheme(href: &str) -> Option<&str> {
    let (scheme, _) = href.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Resolves `.` and `..` in a `/`-rooted path, keeping a trailing slash.
pub(crate) fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    let mut out = String::from("/");
    out.push_str(&parts.join("/"));
    if trailing && !parts.is_empty() {
        out.push('/');
    }
    out
}

/// The content files a site path may mean, most likely first, given the
/// URL prefix (starts and ends with `/`). `None` when the path is outside
/// the prefix.
///
/// - `…/` and `…/index.html` → the section `…/_index.md`
/// - `…/b.html` → `…/b.md`, then the section `…/b/_index.md`, then the
///   bundle `…/b/index.md`
/// - `…/b` → the same three
pub(crate) fn content_candidates(path: &str, url_prefix: &str) -> Option<Vec<String>> {
    let trimmed = url_prefix.trim_matches('/');
    let prefix = if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    };
    let rel = path
        .strip_prefix(prefix.as_str())
        .or_else(|| (path.len() + 1 == prefix.len() && prefix.starts_with(path)).then_some(""))?;
    if rel.is_empty() || rel.ends_with('/') {
        return Some(vec![format!("{rel}_index.md")]);
    }
    if rel == "index.html" || rel.ends_with("/index.html") {
        let dir = rel.strip_suffix("index.html").unwrap_or_default();
        return Some(vec![format!("{dir}_index.md")]);
    }
    let stem = match rel.strip_suffix(".html") {
        Some(stem) => stem,
        None if has_extension(rel) => return Some(Vec::new()),
        None => rel,
    };
    Some(vec![
        format!("{stem}.md"),
        format!("{stem}/_index.md"),
        format!("{stem}/index.md"),
    ])
}

fn has_extension(rel: &str) -> bool {
    rel.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "/general/ja/login/admin_account.html";
    const BASE: &str = "https://jp.cybozu.help";

    fn site_path(href: &str) -> (String, Option<String>) {
        match classify(href, PAGE, BASE) {
            Href::Site { path, fragment } => (path, fragment),
            other => panic!("site path expected for {href}, got {other:?}"),
        }
    }

    #[test]
    fn absolute_and_relative_paths() {
        assert_eq!(
            site_path("/general/ja/admin/x.html#id"),
            ("/general/ja/admin/x.html".into(), Some("id".into()))
        );
        assert_eq!(site_path("../admin/x.html").0, "/general/ja/admin/x.html");
        assert_eq!(
            site_path("cannot_reset_pw.html").0,
            "/general/ja/login/cannot_reset_pw.html"
        );
        assert_eq!(site_path("./a/").0, "/general/ja/login/a/");
        assert_eq!(site_path("../../../../../x.html").0, "/x.html");
        assert_eq!(site_path("/a/b.html?x=1").0, "/a/b.html");
        assert_eq!(
            site_path(&format!("{BASE}/general/ja/a.html")).0,
            "/general/ja/a.html"
        );
    }

    #[test]
    fn fragments_and_percent_encoding() {
        assert_eq!(classify("#top", PAGE, BASE), Href::SamePage("top".into()));
        assert_eq!(
            classify("#%E6%96%B9%E6%B3%95", PAGE, BASE),
            Href::SamePage("方法".into())
        );
        assert_eq!(site_path("/a/%E6%96%B9.html").0, "/a/方.html");
    }

    #[test]
    fn schemes() {
        assert_eq!(
            classify("https://www.kintone.com/support/", PAGE, BASE),
            Href::External("https://www.kintone.com/support/".into())
        );
        assert_eq!(
            classify("mailto:a@b.c", PAGE, BASE),
            Href::External("mailto:a@b.c".into())
        );
        assert_eq!(
            classify("JavaScript:alert(1)", PAGE, BASE),
            Href::Forbidden("javascript".into())
        );
        assert_eq!(
            classify("data:text/html,x", PAGE, BASE),
            Href::Forbidden("data".into())
        );
        assert_eq!(
            classify("file:///etc/passwd", PAGE, BASE),
            Href::Forbidden("file".into())
        );
    }

    #[test]
    fn candidates_for_every_url_form() {
        let p = "/general/ja/";
        assert_eq!(
            content_candidates("/general/ja/a/b/page.html", p),
            Some(vec![
                "a/b/page.md".into(),
                "a/b/page/_index.md".into(),
                "a/b/page/index.md".into()
            ])
        );
        assert_eq!(
            content_candidates("/general/ja/a/b/", p),
            Some(vec!["a/b/_index.md".into()])
        );
        assert_eq!(
            content_candidates("/general/ja/a/b/index.html", p),
            Some(vec!["a/b/_index.md".into()])
        );
        assert_eq!(
            content_candidates("/general/ja/", p),
            Some(vec!["_index.md".into()])
        );
        assert_eq!(
            content_candidates("/general/ja", p),
            Some(vec!["_index.md".into()])
        );
        assert_eq!(content_candidates("/other/a.html", p), None);
        assert_eq!(
            content_candidates("/general/ja/a/", "general/ja"),
            Some(vec!["a/_index.md".into()])
        );
        assert_eq!(
            content_candidates("/general/ja/file.pdf", p),
            Some(Vec::new())
        );
        assert_eq!(
            content_candidates("/a/b.html", "/"),
            Some(vec![
                "a/b.md".into(),
                "a/b/_index.md".into(),
                "a/b/index.md".into()
            ])
        );
    }
}
