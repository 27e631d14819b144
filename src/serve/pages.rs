//! The preview's own markup: the index of regions, the bar put on top of
//! every XHTML document of a book (region switcher, contents, previous and
//! next, PDF, diagnostics), and the live-reload script.
//!
//! Input: a [`Snapshot`] and the document asked for. Output: HTML text (the
//! index) and XHTML text (a book's document with the bar put in). The bar is
//! well-formed XML, so documents keep their `application/xhtml+xml` type and
//! render exactly as a reading system parses them.

use super::snapshot::{RegionBook, Snapshot};

/// The live-reload script (`/_tebiki/live.js`): a WebSocket to the server,
/// which sends the tag of the newest build on connect and after each build;
/// a tag other than the page's reloads the page, keeping its scroll
/// position. A closed socket (the server stopped or restarted) reconnects
/// every second.
pub(crate) const LIVE_JS: &str = r#"(function () {
  var me = document.currentScript;
  var generation = me ? me.getAttribute("data-generation") : "";
  var key = "tebiki-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.scrollTo(0, parseInt(saved, 10) || 0);
  }
  function connect() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    var socket = new WebSocket(scheme + "//" + location.host + "/_tebiki/socket");
    socket.onmessage = function (event) {
      if (event.data !== generation) {
        sessionStorage.setItem(key, String(window.scrollY));
        location.reload();
      }
    };
    socket.onclose = function () { setTimeout(connect, 1000); };
  }
  connect();
})();
"#;

/// The bar's style, inside the bar so a book's own CSS stays untouched.
const BAR_CSS: &str = "#tebiki-preview{position:sticky;top:0;z-index:1000;margin:0 0 1em;\
padding:.4em .8em;background:#223;color:#eee;font:14px/1.5 sans-serif}\
#tebiki-preview a{color:#9cf;margin-right:.8em}\
#tebiki-preview a.current{color:#fff;font-weight:bold;text-decoration:none}\
#tebiki-preview .errors{color:#f88;font-weight:bold}\
#tebiki-preview .warnings{color:#fd6}\
.tebiki-diagnostics pre{white-space:pre-wrap;max-height:40vh;overflow:auto;background:#112;\
color:#eee;padding:.5em;font:13px/1.4 monospace}";

/// Escapes text for HTML and XML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A URL path segment list, percent-encoded (`/JP/OEBPS/text/a.xhtml`).
pub(crate) fn href(code: &str, path: &str) -> String {
    let encode = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
            .to_string()
            .replace("%2E", ".")
            .replace("%2D", "-")
            .replace("%5F", "_")
    };
    let mut out = format!("/{}", encode(code));
    for segment in path.split('/') {
        out.push('/');
        out.push_str(&encode(segment));
    }
    out
}

/// The diagnostics block: counts, then each diagnostic's full text (header
/// with `path:line:col`, snippet, hints). Well-formed XML.
fn diagnostics(snapshot: &Snapshot) -> String {
    let errors = snapshot.diagnostics.iter().filter(|d| d.error).count();
    let class = if errors > 0 { "errors" } else { "warnings" };
    if snapshot.diagnostics.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<details class=\"tebiki-diagnostics\" open=\"open\"><summary class=\"{class}\">{}</summary><pre>",
        escape(&snapshot.counts())
    );
    for d in &snapshot.diagnostics {
        out.push_str(&escape(&d.text));
        out.push('\n');
    }
    out.push_str("</pre></details>");
    out
}

/// The live-reload script element for a page of `snapshot`.
fn live_script(snapshot: &Snapshot) -> String {
    format!(
        "<script src=\"/_tebiki/live.js\" data-generation=\"{}\"></script>",
        snapshot.tag()
    )
}

/// The index of regions (`/`): each region's book and PDF, and the
/// diagnostics of the last build.
pub(crate) fn index(snapshot: &Snapshot) -> String {
    let mut rows = String::new();
    for book in &snapshot.books {
        let title = if book.title.is_empty() {
            String::new()
        } else {
            format!(" {}", escape(&book.title))
        };
        let pdf = if book.pdf.is_some() {
            format!(" · <a href=\"/{0}.pdf\">PDF</a>", escape(&book.code))
        } else {
            String::new()
        };
        rows.push_str(&format!(
            "<li><a href=\"/{0}/\">{0}</a>{title}{pdf}</li>\n",
            escape(&book.code)
        ));
    }
    let status = if snapshot.generation == 0 {
        "building…".to_string()
    } else {
        snapshot.counts()
    };
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>tebiki preview</title>\
<style>{BAR_CSS} body{{font:16px/1.6 sans-serif;margin:2em}}</style></head>\
<body><div id=\"tebiki-preview\">tebiki preview · {}</div>\n<h1>Regions</h1>\n<ul>\n{rows}</ul>\n{}\n{}</body></html>\n",
        escape(&status),
        diagnostics(snapshot),
        live_script(snapshot)
    )
}

/// The bar for document `path` of `book`.
fn bar(snapshot: &Snapshot, book: &RegionBook, path: &str) -> String {
    let mut out =
        format!("<div id=\"tebiki-preview\"><style>{BAR_CSS}</style><a href=\"/\">tebiki</a>");
    for other in &snapshot.books {
        let target = if other.files.contains_key(path) {
            href(&other.code, path)
        } else {
            format!("/{}/", escape(&other.code))
        };
        let class = if other.code == book.code {
            " class=\"current\""
        } else {
            ""
        };
        out.push_str(&format!(
            "<a href=\"{}\"{class}>{}</a>",
            escape(&target),
            escape(&other.code)
        ));
    }
    if let Some(nav) = &book.nav {
        out.push_str(&format!(
            "<a href=\"{}\">Contents</a>",
            escape(&href(&book.code, nav))
        ));
    }
    let (prev, next) = book.neighbours(path);
    if let Some(prev) = prev {
        out.push_str(&format!(
            "<a href=\"{}\" rel=\"prev\">← Previous</a>",
            escape(&href(&book.code, prev))
        ));
    }
    if let Some(next) = next {
        out.push_str(&format!(
            "<a href=\"{}\" rel=\"next\">Next →</a>",
            escape(&href(&book.code, next))
        ));
    }
    if book.pdf.is_some() {
        out.push_str(&format!("<a href=\"/{}.pdf\">PDF</a>", escape(&book.code)));
    }
    let errors = snapshot.diagnostics.iter().any(|d| d.error);
    out.push_str(&format!(
        "<span class=\"{}\">{}</span>",
        if errors { "errors" } else { "warnings" },
        escape(&snapshot.counts())
    ));
    out.push_str(&diagnostics(snapshot));
    out.push_str("</div>");
    out
}

/// Document `path` of `book` with the bar after `<body…>` and the live
/// script before `</body>`; the document unchanged when it has no body.
pub(crate) fn document(snapshot: &Snapshot, book: &RegionBook, path: &str, text: &str) -> String {
    let Some(open) = text.find("<body") else {
        return text.to_string();
    };
    let Some(open_end) = text[open..].find('>').map(|i| open + i + 1) else {
        return text.to_string();
    };
    let Some(close) = text.rfind("</body>").filter(|&c| c >= open_end) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len() + 4096);
    out.push_str(&text[..open_end]);
    out.push_str(&bar(snapshot, book, path));
    out.push_str(&text[open_end..close]);
    out.push_str(&live_script(snapshot));
    out.push_str(&text[close..]);
    out
}

#[cfg(test)]
mod tests {
    use super::super::snapshot::Shown;
    use super::*;
    use std::sync::Arc;

    fn snapshot() -> Snapshot {
        let book = RegionBook {
            code: "JP".into(),
            title: "手引き".into(),
            spine: vec!["OEBPS/text/a.xhtml".into(), "OEBPS/text/b.xhtml".into()],
            nav: Some("OEBPS/nav.xhtml".into()),
            files: [("OEBPS/text/a.xhtml".to_string(), Default::default())]
                .into_iter()
                .collect(),
            pdf: Some(Default::default()),
        };
        Snapshot {
            generation: 3,
            run: 7,
            books: vec![
                Arc::new(book),
                Arc::new(RegionBook {
                    code: "US".into(),
                    ..RegionBook::default()
                }),
            ],
            diagnostics: vec![Shown {
                text: "content/a.md:3:1: error: x < y\nhint: & more\n".into(),
                error: true,
            }],
        }
    }

    #[test]
    fn the_bar_goes_into_the_body_and_stays_well_formed() {
        let snap = snapshot();
        let book = snap.book("JP").unwrap();
        let page =
            "<?xml version=\"1.0\"?><html><head></head><body class=\"x\"><p>本文</p></body></html>";
        let out = document(&snap, book, "OEBPS/text/a.xhtml", page);
        assert!(out.starts_with("<?xml version=\"1.0\"?><html><head></head><body class=\"x\"><div id=\"tebiki-preview\">"));
        assert!(out.contains("<p>本文</p><script src=\"/_tebiki/live.js\" data-generation=\"7-3\"></script></body></html>"));
        assert!(out.contains("content/a.md:3:1: error: x &lt; y"));
        assert!(out.contains("hint: &amp; more"));
        assert!(out.contains("<a href=\"/JP/OEBPS/nav.xhtml\">Contents</a>"));
        assert!(out.contains("<a href=\"/JP/OEBPS/text/b.xhtml\" rel=\"next\">"));
        assert!(!out.contains("rel=\"prev\""));
        // US has no such document: its switcher link goes to its book.
        assert!(out.contains("<a href=\"/US/\">US</a>"));
        assert!(out.contains("1 error, 0 warnings"));
        // A document without a body is served as it is.
        assert_eq!(document(&snap, book, "x", "<svg/>"), "<svg/>");
    }

    #[test]
    fn the_index_lists_regions() {
        let out = index(&snapshot());
        assert!(
            out.contains("<li><a href=\"/JP/\">JP</a> 手引き · <a href=\"/JP.pdf\">PDF</a></li>")
        );
        assert!(out.contains("<li><a href=\"/US/\">US</a></li>"));
        assert!(out.contains("data-generation=\"7-3\""));
    }

    #[test]
    fn hrefs_are_encoded() {
        assert_eq!(
            href("JP", "OEBPS/text/a b.xhtml"),
            "/JP/OEBPS/text/a%20b.xhtml"
        );
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
