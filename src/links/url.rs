//! Link targets as written → what they point at.
//!
//! Input: an `href` as written in a page, the page's site-absolute URL, the
//! origin links are made absolute against (the region's `base_url`) and the
//! hosts that are this site (every region's `base_url` host). Output: a
//! [`Href`]: a site path, an anchor in the same page, an allowed external
//! URL, a forbidden scheme or an invalid URL. Parsing, joining and
//! normalising (`.`/`..`, `\`, host case, percent-encoding) are the `url`
//! crate's (WHATWG URL); no I/O.

use percent_encoding::percent_decode_str;
use url::Url;

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
    /// An `http`, `https` or `mailto` URL of another site, kept as written
    /// (`//host/x` gets `https:`).
    External(String),
    /// Any other scheme (`javascript:`, `data:`, `file:`…), lowercased.
    Forbidden(String),
    /// Not a URL at all (`http://[x`), with the parser's reason.
    Invalid(String),
}

/// The origin used when the book has no `base_url`: relative links are
/// joined against it, and it is never printed.
const NO_ORIGIN: &str = "https://tebiki.invalid";

/// Classifies an `href` written in the page whose URL is `page_url`.
/// `origin` is the region's `base_url` (may be empty); `hosts` are the
/// lower-case host names of this site: an absolute link (`https:`, `http:`
/// or `//host/`) to one of them is a site path.
pub(crate) fn classify(href: &str, page_url: &str, origin: &str, hosts: &[String]) -> Href {
    let href = href.trim();
    if let Some(fragment) = href.strip_prefix('#') {
        return Href::SamePage(decode(fragment));
    }
    let scheme = scheme(href).map(str::to_ascii_lowercase);
    match scheme.as_deref() {
        None | Some("http" | "https") => {}
        Some("mailto") => return Href::External(href.to_string()),
        Some(other) => return Href::Forbidden(other.to_string()),
    }
    let origin = if origin.is_empty() { NO_ORIGIN } else { origin };
    let base = Url::parse(&format!("{}{page_url}", origin.trim_end_matches('/')))
        .or_else(|_| Url::parse(NO_ORIGIN));
    let joined = match base.map(|b| b.join(href)) {
        Ok(Ok(u)) => u,
        Ok(Err(e)) | Err(e) => return Href::Invalid(e.to_string()),
    };
    let relative = scheme.is_none() && !href.starts_with("//");
    let ours = joined
        .host_str()
        .is_some_and(|h| hosts.iter().any(|o| o.eq_ignore_ascii_case(h)));
    if relative || ours {
        return Href::Site {
            path: decode(joined.path()),
            fragment: joined.fragment().map(decode).filter(|f| !f.is_empty()),
        };
    }
    if href.starts_with("//") {
        return Href::External(format!("https:{href}"));
    }
    Href::External(href.to_string())
}

/// The lower-case host of a base URL (`https://JP.cybozu.help` → `jp.cybozu.help`).
pub(crate) fn host_of(base_url: &str) -> Option<String> {
    Url::parse(base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
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

/// The part of a site path after the URL prefix (starts and ends with `/`):
/// `/general/ja/a/b.html` → `a/b.html`. `None` when the path lies outside
/// the prefix (another product's help on the same host).
pub(crate) fn within_prefix<'p>(path: &'p str, url_prefix: &str) -> Option<&'p str> {
    let trimmed = url_prefix.trim_matches('/');
    if trimmed.is_empty() {
        return Some(path.trim_start_matches('/'));
    }
    let bare = format!("/{trimmed}");
    let rest = path.strip_prefix(bare.as_str())?;
    if rest.is_empty() {
        Some("")
    } else {
        rest.strip_prefix('/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "/general/ja/login/admin_account.html";
    const BASE: &str = "https://jp.cybozu.help";

    fn hosts() -> Vec<String> {
        vec!["jp.cybozu.help".into(), "get.kintone.help".into()]
    }

    fn site_path(href: &str) -> (String, Option<String>) {
        match classify(href, PAGE, BASE, &hosts()) {
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
        assert_eq!(site_path("/k/ja/user.html").0, "/k/ja/user.html");
    }

    #[test]
    fn absolute_links_to_this_site_are_site_paths() {
        for href in [
            "https://jp.cybozu.help/general/ja/a.html",
            "http://jp.cybozu.help/general/ja/a.html",
            "https://JP.Cybozu.HELP/general/ja/a.html",
            "//jp.cybozu.help/general/ja/a.html",
            "https://get.kintone.help/general/ja/a.html",
            "https://jp.cybozu.help/general/ja/x/../a.html",
        ] {
            assert_eq!(site_path(href).0, "/general/ja/a.html", "{href}");
        }
        assert_eq!(
            classify("https://example.com/a", PAGE, BASE, &hosts()),
            Href::External("https://example.com/a".into())
        );
        assert_eq!(
            classify("//example.com/a", PAGE, BASE, &hosts()),
            Href::External("https://example.com/a".into())
        );
    }

    #[test]
    fn fragments_and_percent_encoding() {
        assert_eq!(
            classify("#top", PAGE, BASE, &hosts()),
            Href::SamePage("top".into())
        );
        assert_eq!(
            classify("#%E6%96%B9%E6%B3%95", PAGE, BASE, &hosts()),
            Href::SamePage("方法".into())
        );
        assert_eq!(site_path("/a/%E6%96%B9.html").0, "/a/方.html");
        assert_eq!(site_path("/a/方.html#手順").1.as_deref(), Some("手順"));
    }

    #[test]
    fn schemes() {
        let of = |href: &str| classify(href, PAGE, BASE, &hosts());
        assert_eq!(
            of("https://www.kintone.com/support/"),
            Href::External("https://www.kintone.com/support/".into())
        );
        assert_eq!(of("mailto:a@b.c"), Href::External("mailto:a@b.c".into()));
        assert_eq!(
            of("JavaScript:alert(1)"),
            Href::Forbidden("javascript".into())
        );
        assert_eq!(of("data:text/html,x"), Href::Forbidden("data".into()));
        assert_eq!(of("file:///etc/passwd"), Href::Forbidden("file".into()));
        assert!(matches!(of("http://[bad"), Href::Invalid(_)));
    }

    #[test]
    fn prefix() {
        assert_eq!(
            within_prefix("/general/ja/a/b.html", "/general/ja/"),
            Some("a/b.html")
        );
        assert_eq!(within_prefix("/general/ja", "/general/ja/"), Some(""));
        assert_eq!(within_prefix("/general/jax/a", "/general/ja/"), None);
        assert_eq!(within_prefix("/k/ja/a.html", "/general/ja/"), None);
        assert_eq!(within_prefix("/a.html", "/"), Some("a.html"));
        assert_eq!(
            host_of("https://JP.cybozu.help").as_deref(),
            Some("jp.cybozu.help")
        );
    }
}
