//! What the preview server shows after one build: each region's book, read
//! back from the outputs the build wrote, and the build's diagnostics.
//!
//! Input: the [`Outcome`] of a build and the previous [`Snapshot`]. Output:
//! the next [`Snapshot`]: for each region its EPUB's files in memory (unzipped
//! once per build), the spine order and navigation document (from the
//! package's `container.xml` and OPF), its title and its PDF; and each
//! diagnostic's `path:line:col` header and full text. A region whose build
//! failed keeps its previous book (the build wrote nothing for it), so the
//! page shows the last good book with the new diagnostics.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;

use crate::diag::{Severity, render};
use crate::driver::Outcome;

/// One region's book, as the browser sees it.
#[derive(Debug, Default)]
pub(crate) struct RegionBook {
    /// The region code (`JP`).
    pub(crate) code: String,
    /// The book's title (the package's `dc:title`).
    pub(crate) title: String,
    /// Every file of the EPUB, by its path inside the package (shared
    /// buffers: a response or the next snapshot takes a reference, no copy).
    pub(crate) files: BTreeMap<String, Bytes>,
    /// The XHTML documents in reading order (package paths).
    pub(crate) spine: Vec<String>,
    /// The navigation document's package path.
    pub(crate) nav: Option<String>,
    /// The PDF, when one was built.
    pub(crate) pdf: Option<Bytes>,
}

impl RegionBook {
    /// The document before and after `path` in reading order.
    pub(crate) fn neighbours(&self, path: &str) -> (Option<&str>, Option<&str>) {
        let Some(i) = self.spine.iter().position(|p| p == path) else {
            return (None, None);
        };
        let prev = i.checked_sub(1).and_then(|j| self.spine.get(j));
        (
            prev.map(String::as_str),
            self.spine.get(i + 1).map(String::as_str),
        )
    }
}

/// One diagnostic as shown on the page.
#[derive(Debug, Clone)]
pub(crate) struct Shown {
    /// The full text: the `path:line:col: severity: message` header, the
    /// source snippet and the hints.
    pub(crate) text: String,
    /// An error (not a warning).
    pub(crate) error: bool,
}

/// Everything one build gives the browser.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    /// Counts builds; 0 before the first one finished.
    pub(crate) generation: u64,
    /// Tells one server process from another (its start time), so a page
    /// left open from an earlier `tebiki serve` reloads when a new one
    /// answers on the same port.
    pub(crate) run: u64,
    /// The regions' books, in plan order.
    pub(crate) books: Vec<Arc<RegionBook>>,
    /// The build's diagnostics.
    pub(crate) diagnostics: Vec<Shown>,
}

impl Snapshot {
    /// The book of region `code`.
    pub(crate) fn book(&self, code: &str) -> Option<&RegionBook> {
        self.books.iter().map(Arc::as_ref).find(|b| b.code == code)
    }

    /// The snapshot after `outcome`: books rewritten by this build are read
    /// again, the others kept from `previous`.
    pub(crate) fn after(previous: &Snapshot, outcome: &Outcome) -> Snapshot {
        let codes: Vec<String> = if outcome.region_pages.is_empty() {
            previous.books.iter().map(|b| b.code.clone()).collect()
        } else {
            outcome
                .region_pages
                .iter()
                .map(|(c, _)| c.clone())
                .collect()
        };
        let books = codes
            .iter()
            .map(|code| {
                let written = |ext: &str| {
                    outcome
                        .written
                        .iter()
                        .find(|w| file_is_of(&w.path, code, ext))
                        .map(|w| w.path.as_path())
                };
                let old = previous.books.iter().find(|b| &b.code == code);
                match (written("epub"), written("pdf"), old) {
                    (None, None, Some(old)) => Arc::clone(old),
                    (epub, pdf, old) => {
                        let mut book =
                            epub.map(|p| read_epub(code, p))
                                .unwrap_or_else(|| RegionBook {
                                    code: code.clone(),
                                    ..RegionBook::default()
                                });
                        if book.files.is_empty()
                            && let Some(old) = old
                        {
                            book.files = old.files.clone();
                            book.spine = old.spine.clone();
                            book.nav = old.nav.clone();
                            book.title = old.title.clone();
                        }
                        book.pdf = pdf
                            .and_then(|p| std::fs::read(p).ok())
                            .map(Bytes::from)
                            .or_else(|| old.and_then(|o| o.pdf.clone()));
                        Arc::new(book)
                    }
                }
            })
            .collect();
        let diagnostics = outcome
            .diagnostics
            .iter()
            .map(|d| Shown {
                text: render::render(d, &outcome.sources, false),
                error: d.severity == Severity::Error,
            })
            .collect();
        Snapshot {
            generation: previous.generation + 1,
            run: previous.run,
            books,
            diagnostics,
        }
    }

    /// The build's tag for the page's reload script: `{run}-{generation}`.
    pub(crate) fn tag(&self) -> String {
        format!("{}-{}", self.run, self.generation)
    }

    /// `2 errors, 1 warning`.
    pub(crate) fn counts(&self) -> String {
        let errors = self.diagnostics.iter().filter(|d| d.error).count();
        let warnings = self.diagnostics.len() - errors;
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        format!(
            "{}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    }
}

/// Whether the output file at `path` is region `code`'s `.ext`
/// (`manual-JP.epub`).
fn file_is_of(path: &Path, code: &str, ext: &str) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|name| name.ends_with(&format!("-{code}.{ext}")))
}

/// Reads an EPUB into memory, with its reading order and title. A file that
/// cannot be read gives an empty book (the diagnostics say why).
fn read_epub(code: &str, path: &Path) -> RegionBook {
    let mut book = RegionBook {
        code: code.to_string(),
        ..RegionBook::default()
    };
    let Ok(bytes) = std::fs::read(path) else {
        return book;
    };
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return book;
    };
    for i in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(i) else {
            continue;
        };
        if entry.is_dir() {
            continue;
        }
        let Ok(name) = entry.name().map(|n| n.into_owned()) else {
            continue;
        };
        let mut data = Vec::new();
        if entry.read_to_end(&mut data).is_ok() {
            book.files.insert(name, Bytes::from(data));
        }
    }
    let package = book
        .files
        .get("META-INF/container.xml")
        .and_then(|c| attribute_of(c, "rootfile", "full-path"));
    if let Some(opf_path) = package {
        let dir = opf_path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        if let Some(opf) = book.files.get(&opf_path) {
            let (spine, nav) = reading_order(opf, &dir);
            book.spine = spine;
            book.nav = nav;
            book.title = title(opf);
        }
    }
    book
}

/// The publication's title (the OPF's `dc:title`; empty when none).
fn title(opf: &[u8]) -> String {
    let html = scraper::Html::parse_document(&String::from_utf8_lossy(opf));
    html.root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
        .find(|e| e.value().name() == "dc:title")
        .map(|e| e.text().collect::<String>().trim().to_string())
        .unwrap_or_default()
}

/// The first `attr` of a `tag` element in an XML file.
fn attribute_of(xml: &[u8], tag: &str, attr: &str) -> Option<String> {
    let html = scraper::Html::parse_document(&String::from_utf8_lossy(xml));
    let selector = scraper::Selector::parse(tag).ok()?;
    html.select(&selector)
        .find_map(|e| e.value().attr(attr))
        .map(str::to_string)
}

/// The spine's documents and the navigation document of an OPF, as package
/// paths (`dir` is the OPF's folder).
fn reading_order(opf: &[u8], dir: &str) -> (Vec<String>, Option<String>) {
    let html = scraper::Html::parse_document(&String::from_utf8_lossy(opf));
    let (Ok(items), Ok(itemrefs)) = (
        scraper::Selector::parse("item"),
        scraper::Selector::parse("itemref"),
    ) else {
        return (Vec::new(), None);
    };
    let join = |href: &str| {
        let href = percent_encoding::percent_decode_str(href).decode_utf8_lossy();
        if dir.is_empty() {
            href.into_owned()
        } else {
            format!("{dir}/{href}")
        }
    };
    let mut by_id = BTreeMap::new();
    let mut nav = None;
    for item in html.select(&items) {
        let (Some(id), Some(href)) = (item.value().attr("id"), item.value().attr("href")) else {
            continue;
        };
        if item
            .value()
            .attr("properties")
            .is_some_and(|p| p.split_whitespace().any(|w| w == "nav"))
        {
            nav = Some(join(href));
        }
        by_id.insert(id.to_string(), join(href));
    }
    let spine = html
        .select(&itemrefs)
        .filter_map(|r| r.value().attr("idref"))
        .filter_map(|id| by_id.get(id).cloned())
        .collect();
    (spine, nav)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_order_follows_the_spine() {
        let opf = br#"<package><manifest>
<item id="nav" href="nav.xhtml" properties="nav" media-type="application/xhtml+xml"/>
<item id="b" href="text/b.xhtml" media-type="application/xhtml+xml"/>
<item id="a" href="text/a%20x.xhtml" media-type="application/xhtml+xml"/>
</manifest><spine><itemref idref="a"/><itemref idref="b"/></spine></package>"#;
        let (spine, nav) = reading_order(opf, "OEBPS");
        let with_title = r#"<package><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>手引き &amp; 本</dc:title></metadata></package>"#;
        assert_eq!(title(with_title.as_bytes()), "手引き & 本");
        assert_eq!(title(opf), "");
        assert_eq!(spine, vec!["OEBPS/text/a x.xhtml", "OEBPS/text/b.xhtml"]);
        assert_eq!(nav.as_deref(), Some("OEBPS/nav.xhtml"));
        let book = RegionBook {
            spine,
            ..RegionBook::default()
        };
        assert_eq!(
            book.neighbours("OEBPS/text/b.xhtml"),
            (Some("OEBPS/text/a x.xhtml"), None)
        );
    }

    #[test]
    fn output_names_match_their_region() {
        assert!(file_is_of(Path::new("/t/manual-JP.epub"), "JP", "epub"));
        assert!(!file_is_of(Path::new("/t/manual-XJP.epub"), "JP", "epub"));
        assert!(!file_is_of(Path::new("/t/manual-JP.pdf"), "JP", "epub"));
    }
}
