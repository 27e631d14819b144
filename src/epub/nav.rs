//! Navigation: the EPUB 3 navigation document and the EPUB 2 NCX.
//!
//! Input: [`Book::outline`](crate::model::Book::outline) (pages and their
//! `##`/`###` headings with nesting levels) and the [`Names`] of files and
//! ids. Output: `nav.xhtml` (nested `<ol>` table of contents plus the toc and
//! bodymatter landmarks) and `toc.ncx` (nested `navPoint`s) for older readers.
//! A level that jumps by more than one (a `###` without a `##`) is nested one
//! step deeper than its predecessor, so the lists stay valid.

use crate::model::{Book, OutlineEntry};

use super::names::Names;
use super::options::EpubOptions;
use super::xml::XmlWriter;

/// One navigation entry with its nesting depth already made valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NavEntry {
    /// 0 for top level; never more than one deeper than the entry before.
    pub depth: usize,
    /// Plain-text label.
    pub title: String,
    /// Href relative to the package folder.
    pub href: String,
}

/// The outline as navigation entries.
pub(crate) fn nav_entries(book: &Book, names: &Names, options: &EpubOptions) -> Vec<NavEntry> {
    let outline: Vec<OutlineEntry> = book.outline(options.toc_heading_level);
    let mut entries = Vec::with_capacity(outline.len());
    let mut previous: Option<usize> = None;
    for entry in outline {
        let depth = match previous {
            None => 0,
            Some(prev) => entry.level.min(prev + 1),
        };
        previous = Some(depth);
        let title = if entry.title.trim().is_empty() {
            "—".to_string()
        } else {
            entry.title
        };
        entries.push(NavEntry {
            depth,
            title,
            href: names.href_from_root(entry.page, entry.anchor.as_deref()),
        });
    }
    entries
}

/// Writes `nav.xhtml`.
pub(crate) fn write_nav(
    book: &Book,
    entries: &[NavEntry],
    first_page_href: Option<&str>,
    options: &EpubOptions,
    stylesheet_href: &str,
) -> String {
    let mut w = XmlWriter::new();
    super::xhtml::open_document(
        &mut w,
        book.meta.language.as_str(),
        &options.toc_title,
        stylesheet_href,
    );
    w.open("body", &[]);
    w.newline();
    w.open(
        "nav",
        &[("epub:type", "toc"), ("id", "toc"), ("role", "doc-toc")],
    );
    w.newline();
    w.element("h1", &[], &options.toc_title);
    w.newline();
    write_nested_list(&mut w, entries);
    w.close();
    w.newline();

    w.open(
        "nav",
        &[
            ("epub:type", "landmarks"),
            ("id", "landmarks"),
            ("hidden", "hidden"),
        ],
    );
    w.newline();
    w.element("h2", &[], &options.landmarks_title);
    w.open("ol", &[]);
    w.open("li", &[]);
    w.element(
        "a",
        &[("epub:type", "toc"), ("href", "nav.xhtml#toc")],
        &options.toc_title,
    );
    w.close();
    if let Some(first) = first_page_href {
        w.open("li", &[]);
        w.element(
            "a",
            &[("epub:type", "bodymatter"), ("href", first)],
            &options.bodymatter_label,
        );
        w.close();
    }
    w.close();
    w.close();
    w.newline();
    w.finish()
}

/// Writes entries as nested `<ol>`/`<li>` (every `<ol>` has at least one
/// `<li>`, every `<li>` starts with its `<a>`).
fn write_nested_list(w: &mut XmlWriter, entries: &[NavEntry]) {
    w.open("ol", &[]);
    // One flag per open <li>: whether it already holds a child <ol>.
    let mut open_items: Vec<bool> = Vec::new();
    for entry in entries {
        let depth = entry.depth.min(open_items.len());
        while open_items.len() > depth {
            if open_items.pop() == Some(true) {
                w.close(); // ol
            }
            w.close(); // li
            w.newline();
        }
        if let Some(has_list) = open_items.last_mut()
            && !*has_list
        {
            w.open("ol", &[]);
            *has_list = true;
        }
        w.open("li", &[]);
        w.element("a", &[("href", &entry.href)], &entry.title);
        open_items.push(false);
    }
    while let Some(has_list) = open_items.pop() {
        if has_list {
            w.close();
        }
        w.close();
        w.newline();
    }
    w.close();
    w.newline();
}

/// Writes `toc.ncx`.
pub(crate) fn write_ncx(book: &Book, entries: &[NavEntry], identifier: &str) -> String {
    let max_depth = entries.iter().map(|e| e.depth + 1).max().unwrap_or(1);
    let mut w = XmlWriter::new();
    w.open(
        "ncx",
        &[
            ("xmlns", "http://www.daisy.org/z3986/2005/ncx/"),
            ("version", "2005-1"),
            ("xml:lang", &book.meta.language),
        ],
    );
    w.newline();
    w.open("head", &[]);
    w.empty("meta", &[("name", "dtb:uid"), ("content", identifier)]);
    w.empty(
        "meta",
        &[("name", "dtb:depth"), ("content", &max_depth.to_string())],
    );
    w.empty("meta", &[("name", "dtb:totalPageCount"), ("content", "0")]);
    w.empty("meta", &[("name", "dtb:maxPageNumber"), ("content", "0")]);
    w.close();
    w.newline();
    w.open("docTitle", &[]);
    w.element("text", &[], &book.meta.title);
    w.close();
    w.newline();
    w.open("navMap", &[]);
    w.newline();
    let mut open_points = 0usize;
    for (index, entry) in entries.iter().enumerate() {
        let depth = entry.depth.min(open_points);
        while open_points > depth {
            w.close();
            w.newline();
            open_points -= 1;
        }
        let number = (index + 1).to_string();
        let id = format!("np-{number}");
        w.open("navPoint", &[("id", &id), ("playOrder", &number)]);
        w.open("navLabel", &[]);
        w.element("text", &[], &entry.title);
        w.close();
        w.empty("content", &[("src", &entry.href)]);
        open_points += 1;
    }
    while open_points > 0 {
        w.close();
        w.newline();
        open_points -= 1;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(depth: usize, title: &str) -> NavEntry {
        NavEntry {
            depth,
            title: title.into(),
            href: format!("text/{title}.xhtml"),
        }
    }

    #[test]
    fn nested_list_closes_and_opens_levels() {
        let mut w = XmlWriter::default();
        let entries = [entry(0, "a"), entry(1, "b"), entry(2, "c"), entry(0, "d")];
        write_nested_list(&mut w, &entries);
        let out = w.finish().replace('\n', "");
        assert_eq!(
            out,
            "<ol><li><a href=\"text/a.xhtml\">a</a><ol><li><a href=\"text/b.xhtml\">b</a>\
             <ol><li><a href=\"text/c.xhtml\">c</a></li></ol></li></ol></li>\
             <li><a href=\"text/d.xhtml\">d</a></li></ol>"
        );
    }

    #[test]
    fn ncx_nests_nav_points() {
        let book = crate::epub::tests::sample_book();
        let entries = [entry(0, "a"), entry(1, "b"), entry(0, "c")];
        let out = write_ncx(&book, &entries, "urn:uuid:x");
        let a = out.find("np-1").unwrap_or(0);
        let b = out.find("np-2").unwrap_or(0);
        let close_after_b = out[b..].find("</navPoint>").map(|i| i + b).unwrap_or(0);
        let c = out.find("np-3").unwrap_or(0);
        assert!(a < b && b < close_after_b && close_after_b < c);
        assert_eq!(out.matches("<navPoint").count(), 3);
        assert_eq!(out.matches("</navPoint>").count(), 3);
    }
}
