//! One builder for hand-made model values in tests: short constructors for
//! inlines, blocks, pages and books, so a test writes only what it checks.
//! Unit tests use it as `crate::model::testing`; the integration tests reach
//! it through the `test-support` feature, which only the crate's own
//! dev-dependency on itself turns on (it is not part of the library's API).
//!
//! Input: the test's text, anchors and images; output: `crate::model`
//! values. Spans point into a made-up source (`SourceId(1)`), five bytes
//! from the offset given, so a test can tell diagnostics apart by offset.

use std::path::Path;

use crate::diag::{SourceId, Span};
use crate::model::{
    Admonition, AdmonitionKind, Align, Block, Book, BookMeta, Cell, Figure, Heading, ImageRef,
    Inline, InlineStyle, Link, LinkTarget, List, ListItem, Page, PageId, PageKind, Paper,
    Paragraph, Quote, Region, Row,
};

/// A span of five bytes at `at` in the made-up source.
pub fn span(at: usize) -> Span {
    Span::new(SourceId(1), at, at + 5)
}

/// Plain text.
pub fn text(s: &str) -> Inline {
    Inline::Text(s.into())
}

/// A link with a plain-text label.
pub fn link(target: LinkTarget, label: &str) -> Inline {
    Inline::Link(Box::new(Link {
        target,
        content: vec![text(label)],
        span: span(0),
    }))
}

/// A link target in the book: page `page`, at `anchor` or its top.
pub fn internal(page: usize, anchor: Option<&str>) -> LinkTarget {
    LinkTarget::Internal {
        page: PageId(page),
        anchor: anchor.map(str::to_string),
    }
}

/// A paragraph.
pub fn para(content: Vec<Inline>) -> Block {
    Block::Paragraph(Paragraph {
        content,
        span: span(0),
    })
}

/// A paragraph of plain text.
pub fn para_text(s: &str) -> Block {
    para(vec![text(s)])
}

/// A heading of `level` with `anchor` and a plain-text `title`.
pub fn heading(level: u8, anchor: &str, title: &str) -> Block {
    Block::Heading(Heading {
        level,
        anchor: anchor.into(),
        content: vec![text(title)],
        text: title.into(),
        span: span(0),
    })
}

/// A figure of the image file `path` (named `/img/<file name>` in the
/// source), its span at `at`.
pub fn figure(path: &Path, alt: &str, title: Option<&str>, at: usize) -> Block {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    Block::Figure(Figure {
        image: ImageRef {
            src: format!("/img/{file}"),
            path: path.to_path_buf(),
        },
        alt: alt.into(),
        title: title.map(str::to_string),
        width: None,
        span: span(at),
    })
}

/// A list, numbered from `start` or with bullets, of unchecked items.
pub fn list(start: Option<u64>, items: Vec<Vec<Block>>) -> Block {
    Block::List(List {
        start,
        items: items
            .into_iter()
            .map(|blocks| ListItem {
                blocks,
                checked: None,
            })
            .collect(),
        span: span(0),
    })
}

/// A block quote.
pub fn quote(blocks: Vec<Block>) -> Block {
    Block::Quote(Quote {
        blocks,
        span: span(0),
    })
}

/// An empty body cell spanning `rowspan` rows and `colspan` columns, for
/// tests of table geometry.
pub fn spanning(rowspan: u32, colspan: u32) -> Cell {
    Cell {
        header: false,
        rowspan,
        colspan,
        align: Align::Default,
        width: None,
        blocks: Vec::new(),
    }
}

/// A table row.
pub fn row(cells: Vec<Cell>) -> Row {
    Row { cells }
}

/// A content page: its source is `<anchor>.md`, its URL
/// `/general/ja/<anchor>.html`, and below the top it belongs to page 0.
pub fn page(
    id: usize,
    kind: PageKind,
    depth: usize,
    title: &str,
    anchor: &str,
    blocks: Vec<Block>,
) -> Page {
    Page {
        id: PageId(id),
        kind,
        depth,
        parent: (depth > 0).then_some(PageId(0)),
        title: vec![text(title)],
        title_text: title.into(),
        anchor: anchor.into(),
        source_path: format!("{anchor}.md"),
        url: format!("/general/ja/{anchor}.html"),
        blocks,
        span: span(0),
    }
}

/// A Japanese book of `pages` for region JP on A4, built at `build_time`
/// (Unix seconds).
pub fn book(build_time: i64, pages: Vec<Page>) -> Book {
    Book {
        meta: BookMeta {
            title: "cybozu.com 共通管理ガイド".into(),
            author: Some("サイボウズ株式会社".into()),
            language: "ja".into(),
            base_url: "https://jp.cybozu.help".into(),
            build_time,
            utc_offset: 0,
            generator: "tebiki 0.1.0".into(),
            excerpt: false,
        },
        region: Region {
            code: "JP".into(),
            paper: Paper::A4,
            fonts: crate::model::FontChoice::default(),
        },
        pages,
    }
}

/// `s` in one inline style.
pub fn styled(style: InlineStyle, s: &str) -> Inline {
    Inline::Styled(style, vec![text(s)])
}

/// An admonition (`{{% name %}}`) of `kind` with its printed `label`.
pub fn admonition(kind: AdmonitionKind, label: &str, name: &str, blocks: Vec<Block>) -> Block {
    Block::Admonition(Admonition {
        kind,
        label: label.into(),
        name: name.into(),
        blocks,
        span: span(0),
    })
}

/// A table cell.
pub fn cell(header: bool, rowspan: u32, colspan: u32, align: Align, blocks: Vec<Block>) -> Cell {
    Cell {
        header,
        rowspan,
        colspan,
        align,
        width: None,
        blocks,
    }
}
