//! The typed document model: the one value every renderer consumes.
//!
//! Input: built by `markdown` (blocks and inlines) and completed by `links`
//! (every [`LinkTarget`] resolved). Output: read by `pdf` (through `layout`)
//! and by `epub`. Renderers never re-parse source text: everything they need
//! is in these types. Spans point back at the original source file so that
//! late diagnostics (images, links) name the line the writer edits.
//!
//! Helpers every step shares live here too: [`walk`] (the traversals of
//! block and inline trees, [`Book::figures`] and [`Book::images`]) and
//! [`Uniquifier`] (names numbered `-2`, `-3`… when taken). Unit tests build
//! model values with `testing`.

mod fonts;
#[cfg(any(test, feature = "test-support"))]
#[doc(hidden)]
pub mod testing;
mod unique;
pub(crate) mod walk;

use std::path::PathBuf;

use crate::diag::Span;

pub use fonts::{FontChoice, is_site_path};
pub use unique::Uniquifier;
pub use walk::ImageUse;

/// One region's handbook: metadata plus every included page in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    /// Title, author, language and other book-wide facts.
    pub meta: BookMeta,
    /// The region this book was resolved for.
    pub region: Region,
    /// Pages in reading order. A section's own page (its `_index.md`) comes
    /// before the pages and sub-sections it contains; [`Page::depth`] and
    /// [`Page::parent`] give the nesting.
    pub pages: Vec<Page>,
}

/// Book-wide metadata taken from `tebiki.toml` and the build environment.
#[derive(Debug, Clone, PartialEq)]
pub struct BookMeta {
    /// `book.title`, with the region's variables already expanded.
    pub title: String,
    /// `book.author`, if given.
    pub author: Option<String>,
    /// BCP 47 language tag, `book.language` (default `ja`).
    pub language: String,
    /// `book.base_url` without a trailing slash; links to pages outside the
    /// book are made absolute against it.
    pub base_url: String,
    /// Seconds since the Unix epoch used for every date written into an
    /// output (from `SOURCE_DATE_EPOCH` when set), so builds are reproducible.
    pub build_time: i64,
    /// UTC offset, in seconds, of the book's time zone at `build_time`: the
    /// cover prints the date of `build_time + utc_offset`.
    pub utc_offset: i32,
    /// `tebiki <version>`, written as the creator/generator of outputs.
    pub generator: String,
    /// A support excerpt (`--page` selecting at most
    /// [`EXCERPT_MAX_PAGES`] pages): the PDF has no cover and no table of
    /// contents, and each page opens with a compact title block.
    pub excerpt: bool,
}

/// The most pages a `--page` selection may pick for an excerpt layout.
pub const EXCERPT_MAX_PAGES: usize = 3;

impl BookMeta {
    /// The build date in the book's time zone: (year, month, day).
    pub fn local_date(&self) -> (i32, u8, u8) {
        let local = utc_from_unix(self.build_time.saturating_add(i64::from(self.utc_offset)));
        (local.year(), u8::from(local.month()), local.day())
    }
}

/// A region: the code used in shortcodes and its output settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Region code as written in `[regions.<CODE>]`, e.g. `JP`.
    pub code: String,
    /// Paper size of the PDF for this region.
    pub paper: Paper,
    /// The fonts the region names (`[fonts]`, `[regions.R.fonts]`).
    pub fonts: FontChoice,
}

/// Supported paper sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
    /// JIS B5, 182 × 257 mm.
    B5,
    /// ISO A5, 148 × 210 mm.
    A5,
}

impl Paper {
    /// Width and height in PostScript points (1/72 in).
    pub fn size_pt(self) -> (f32, f32) {
        const MM: f32 = 72.0 / 25.4;
        match self {
            Paper::A4 => (210.0 * MM, 297.0 * MM),
            Paper::Letter => (612.0, 792.0),
            Paper::B5 => (182.0 * MM, 257.0 * MM),
            Paper::A5 => (148.0 * MM, 210.0 * MM),
        }
    }

    /// The name used in `tebiki.toml` and in `layouts/` (`A4`, `Letter`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "Letter",
            Paper::B5 => "B5",
            Paper::A5 => "A5",
        }
    }
}

/// Index of a page in [`Book::pages`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageId(pub usize);

/// Whether a page opens a section (`_index.md`) or is an ordinary page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    /// A section's own page, from a folder's `_index.md`.
    Section,
    /// An ordinary content page.
    Page,
}

/// One page of the book (one Markdown file after region resolution).
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// This page's index in [`Book::pages`].
    pub id: PageId,
    /// Section opener or ordinary page.
    pub kind: PageKind,
    /// Nesting depth: 0 for top-level sections (and pages directly under the
    /// content root), 1 for what they contain, and so on.
    pub depth: usize,
    /// The section page this page belongs to, if any.
    pub parent: Option<PageId>,
    /// Title with inline markup (shortcodes already expanded).
    pub title: Vec<Inline>,
    /// Title as plain text, for bookmarks, navigation and running heads.
    pub title_text: String,
    /// Book-unique anchor of the page's top (used as the target of links to
    /// the page itself, as EPUB file stem and PDF destination name). Only
    /// ASCII letters, digits, `-` and `_`.
    pub anchor: String,
    /// Path of the source file relative to the content folder, with `/`
    /// separators, e.g. `login/admin_temp.md`.
    pub source_path: String,
    /// Site-absolute URL of the page as Hugo publishes it (ugly URLs), e.g.
    /// `/general/ja/login/admin_temp.html`; used for out-of-book links.
    pub url: String,
    /// Body content.
    pub blocks: Vec<Block>,
    /// Span of the whole source file (start of file), for page-level diagnostics.
    pub span: Span,
}

/// A block-level element.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading inside the page body (`##` and deeper; `#` is level 1).
    Heading(Heading),
    /// A paragraph of inline content.
    Paragraph(Paragraph),
    /// A bulleted or numbered list.
    List(List),
    /// A screenshot or other image placed as a block (`screen` shortcode,
    /// a Markdown image or HTML `<img>` alone in a paragraph or HTML block).
    /// An image inside running text is an [`Inline::Image`] instead.
    Figure(Figure),
    /// A boxed note (`warning`, `note`, `info`, `tip`, or a mapped shortcode).
    Admonition(Admonition),
    /// A table from Markdown or raw HTML.
    Table(Table),
    /// A fenced or indented code block.
    Code(CodeBlock),
    /// A block quote.
    Quote(Quote),
    /// A thematic break (`---`, `<hr>`).
    Rule(Span),
    /// A definition list (`term` line, then `: definition` lines).
    DefinitionList(DefinitionList),
    /// The text of a footnote, referenced by [`Inline::FootnoteRef`] with
    /// the same number. A page's footnotes come after all its other blocks,
    /// in number order (as Hugo collects them at the end of the page).
    Footnote(Footnote),
}

impl Block {
    /// Where the block is written, for diagnostics.
    pub fn span(&self) -> Span {
        match self {
            Block::Heading(h) => h.span,
            Block::Paragraph(p) => p.span,
            Block::List(l) => l.span,
            Block::Figure(f) => f.span,
            Block::Admonition(a) => a.span,
            Block::Table(t) => t.span,
            Block::Code(c) => c.span,
            Block::Quote(q) => q.span,
            Block::Rule(span) => *span,
            Block::DefinitionList(d) => d.span,
            Block::Footnote(f) => f.span,
        }
    }
}

/// A definition list.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitionList {
    /// The terms with their definitions, in order.
    pub items: Vec<DefinitionItem>,
    /// Where the list starts.
    pub span: Span,
}

/// One term of a definition list and what defines it.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitionItem {
    /// The term (inline content; empty when a definition has no term).
    pub term: Vec<Inline>,
    /// Its definitions (one or more), each a sequence of blocks.
    pub definitions: Vec<Vec<Block>>,
}

/// A footnote's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Footnote {
    /// Its number within the page (1, 2, … in order of first reference,
    /// whatever label the source gave it, as Hugo numbers them).
    pub number: u32,
    /// The footnote's content.
    pub blocks: Vec<Block>,
    /// Where the definition (`[^label]: …`) is written.
    pub span: Span,
}

/// A heading with its anchor.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    /// 1 to 6 as written in the source (`##` is 2). The page title is not a
    /// `Heading`; it lives in [`Page::title`].
    pub level: u8,
    /// The anchor: `{#id}` as written, or the id Hugo generates (its
    /// `autoHeadingIDType`, `手順`, `手順-1`…). Generated anchors are unique
    /// within the page; a written one may repeat (reported by `links`).
    /// Renderers that need a book-wide name combine it with [`Page::anchor`].
    pub anchor: String,
    /// Heading content with inline markup.
    pub content: Vec<Inline>,
    /// Heading as plain text (for TOC, outline and navigation).
    pub text: String,
    /// Where the heading is written.
    pub span: Span,
}

/// A paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// Inline content. Soft line breaks from the source are already turned
    /// into a space (between Latin text) or nothing (next to Japanese text).
    pub content: Vec<Inline>,
    /// Where the paragraph is written.
    pub span: Span,
}

/// A list.
#[derive(Debug, Clone, PartialEq)]
pub struct List {
    /// `Some(n)`: numbered from `n` (items are numbered n, n+1, ... whatever
    /// numbers the source wrote); `None`: bulleted.
    pub start: Option<u64>,
    /// The items in order.
    pub items: Vec<ListItem>,
    /// Where the list starts.
    pub span: Span,
}

/// One list item: a sequence of blocks (its text is a first paragraph).
#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// Item content.
    pub blocks: Vec<Block>,
    /// Task-list state (`[ ]`/`[x]`), if the item is a task.
    pub checked: Option<bool>,
}

/// An image placed as a block.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The image file.
    pub image: ImageRef,
    /// Alternative text (always present; may be empty for decorative images).
    pub alt: String,
    /// Optional caption/title.
    pub title: Option<String>,
    /// Requested display width in CSS pixels, if the source gave one.
    pub width: Option<f32>,
    /// Where the image is referenced.
    pub span: Span,
}

/// An image set inside a line of text: a small UI icon in a sentence
/// (`「![](/img/icon_gear.png)」をクリックします`, a raw `<img>` in a
/// paragraph or table cell). Renderers scale it to the line's text height
/// unless it is already smaller, and give `alt` as its text alternative.
#[derive(Debug, Clone, PartialEq)]
pub struct InlineImage {
    /// The image file.
    pub image: ImageRef,
    /// Alternative text (may be empty: the image is then undescribed).
    pub alt: String,
    /// Optional title (a tooltip in the EPUB).
    pub title: Option<String>,
    /// Requested display width in CSS pixels, if the source gave one.
    pub width: Option<f32>,
    /// Where the image is referenced.
    pub span: Span,
}

impl InlineImage {
    /// The same image placed as a block (an image alone in its paragraph).
    pub fn into_figure(self) -> Figure {
        Figure {
            image: self.image,
            alt: self.alt,
            title: self.title,
            width: self.width,
            span: self.span,
        }
    }

    /// The same image set inside a line of text.
    pub fn from_figure(figure: Figure) -> InlineImage {
        InlineImage {
            image: figure.image,
            alt: figure.alt,
            title: figure.title,
            width: figure.width,
            span: figure.span,
        }
    }
}

/// A reference to an image file inside the site's static folder.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// The `src` as written, e.g. `/general/img-ja/x.png`.
    pub src: String,
    /// The resolved file, checked to lie inside the static folder.
    pub path: PathBuf,
}

/// Kinds of admonition boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdmonitionKind {
    /// `{{% warning %}}`: cautions the reader (label 注意).
    Warning,
    /// `{{% note %}}`: a note (label 補足 in Japanese).
    Note,
    /// `{{% info %}}` or `{{% reference %}}`: supplementary information (label 補足).
    Info,
    /// `{{% tip %}}` or `{{% hint %}}`: a tip (label ヒント).
    Tip,
    /// A site shortcode mapped with `kind = "admonition"`.
    Custom,
}

/// A boxed note with its own block content.
#[derive(Debug, Clone, PartialEq)]
pub struct Admonition {
    /// Which kind of box (drives colours).
    pub kind: AdmonitionKind,
    /// The label printed at the top of the box, e.g. `注意`.
    pub label: String,
    /// Shortcode name that produced it (for custom styling and CSS classes).
    pub name: String,
    /// Content blocks.
    pub blocks: Vec<Block>,
    /// Where the opening tag is written.
    pub span: Span,
}

/// Horizontal alignment: of a table column or cell as the writer gave it,
/// and of the lines of a paragraph the PDF layout sets ragged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Align {
    /// No alignment given (start).
    #[default]
    Default,
    /// Left.
    Left,
    /// Centre.
    Center,
    /// Right.
    Right,
}

/// A table. Rows hold only the cells written in them; a cell with
/// `rowspan > 1` covers the same columns in the following rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// `<caption>` content, if any.
    pub caption: Option<Vec<Inline>>,
    /// Header rows (`<thead>`, the Markdown header line, or the leading
    /// rows of `th` cells of a table without `thead`).
    pub head: Vec<Row>,
    /// Body rows.
    pub body: Vec<Row>,
    /// Number of columns after spans are laid out.
    pub columns: usize,
    /// Preferred column widths from `<col width>` (index = column; shorter
    /// than `columns` when the rest have none).
    pub col_widths: Vec<Option<Length>>,
    /// Where the table starts.
    pub span: Span,
}

/// A preferred width the writer gave in a `width` attribute (of `th`, `td`
/// or `col`): the writer's intent, honoured within the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Length {
    /// CSS pixels (1/96 inch).
    Px(f32),
    /// Percent of the table's width.
    Percent(f32),
}

impl Length {
    /// Parses `120`, `120px` or `30%`; `None` for anything else (other
    /// units, zero, negative or absurd values).
    pub fn parse(value: &str) -> Option<Length> {
        let v = value.trim();
        let (number, percent) = match v.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (v.strip_suffix("px").unwrap_or(v).trim(), false),
        };
        let n: f32 = number.parse().ok()?;
        if !n.is_finite() || n <= 0.0 {
            return None;
        }
        if percent {
            (n <= 100.0).then_some(Length::Percent(n))
        } else {
            (n <= 10_000.0).then_some(Length::Px(n))
        }
    }
}

/// A table row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The cells written in this row, in order.
    pub cells: Vec<Cell>,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// `<th>` or a Markdown header cell.
    pub header: bool,
    /// Rows covered (at least 1).
    pub rowspan: u32,
    /// Columns covered (at least 1).
    pub colspan: u32,
    /// Alignment.
    pub align: Align,
    /// Preferred width (`width` attribute), if written.
    pub width: Option<Length>,
    /// Content; inline-only cells hold a single [`Block::Paragraph`].
    pub blocks: Vec<Block>,
}

/// A code block.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeBlock {
    /// Info-string language, if any.
    pub language: Option<String>,
    /// The code, lines separated by `\n`, without a final newline.
    pub text: String,
    /// Where the block starts.
    pub span: Span,
}

/// A block quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// Quoted blocks.
    pub blocks: Vec<Block>,
    /// Where the quote starts.
    pub span: Span,
}

/// Inline content.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Plain text (never contains markup; renderers escape as needed).
    Text(String),
    /// Inline code.
    Code(String),
    /// Styled content.
    Styled(InlineStyle, Vec<Inline>),
    /// A link (boxed, as the image: most inlines are text, and the
    /// largest variant sets the size of every one of a book's inlines).
    Link(Box<Link>),
    /// A forced line break (`<br>`, two trailing spaces, backslash).
    LineBreak,
    /// An image inside running text (see [`InlineImage`]).
    Image(Box<InlineImage>),
    /// A reference to the page's [`Block::Footnote`] with this number.
    FootnoteRef(u32),
}

/// Inline styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InlineStyle {
    /// `**x**`, `<b>`, `<strong>`.
    Strong,
    /// `*x*`, `<i>`, `<em>` (Japanese stays upright; only Latin is slanted).
    Emphasis,
    /// `<u>`.
    Underline,
    /// `~~x~~`, `<s>`, `<del>`.
    Strikethrough,
    /// `<sup>`.
    Superscript,
    /// `<sub>`.
    Subscript,
    /// `<kbd>`.
    Keyboard,
}

/// A link and its content.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Where it points.
    pub target: LinkTarget,
    /// The link text.
    pub content: Vec<Inline>,
    /// Where the link is written.
    pub span: Span,
}

/// The target of a link.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkTarget {
    /// The `href` as written; only present before `links::resolve` runs.
    Unresolved(String),
    /// A page of this book, optionally a heading anchor in it
    /// ([`Heading::anchor`]).
    Internal {
        /// Target page.
        page: PageId,
        /// Heading anchor within the page; `None` for the page top.
        anchor: Option<String>,
    },
    /// An absolute `http`, `https` or `mailto` URL (out-of-book pages are
    /// made absolute against [`BookMeta::base_url`]).
    External(String),
}

/// One entry of the book's outline (table of contents), as shared by the
/// PDF bookmarks/TOC and the EPUB navigation document.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    /// Nesting level starting at 0 (a top-level section's page).
    pub level: usize,
    /// Plain-text title.
    pub title: String,
    /// The page the entry belongs to.
    pub page: PageId,
    /// Heading anchor within the page; `None` for the page itself.
    pub anchor: Option<String>,
}

impl Book {
    /// The outline of the book: every page, and inside each page its headings
    /// of level `2..=max_heading_level` (the first of headings sharing an
    /// anchor), nested under the page. Entries come in reading order with
    /// their nesting level.
    pub fn outline(&self, max_heading_level: u8) -> Vec<OutlineEntry> {
        let mut entries = Vec::new();
        for page in &self.pages {
            entries.push(OutlineEntry {
                level: page.depth,
                title: page.title_text.clone(),
                page: page.id,
                anchor: None,
            });
            let mut headings = Vec::new();
            collect_headings(&page.blocks, max_heading_level, &mut headings);
            // A heading whose written id repeats an earlier anchor of the
            // page cannot be addressed (links go to the first): no entry.
            let mut seen = std::collections::BTreeSet::new();
            headings.retain(|h| seen.insert(h.anchor.as_str()));
            for heading in headings {
                entries.push(OutlineEntry {
                    level: page.depth + usize::from(heading.level.max(2) - 1),
                    title: heading.text.clone(),
                    page: page.id,
                    anchor: Some(heading.anchor.clone()),
                });
            }
        }
        entries
    }

    /// The page with this id.
    pub fn page(&self, id: PageId) -> &Page {
        &self.pages[id.0]
    }
}

/// Top-level headings of a block list (headings are not nested in lists or
/// admonitions in this model's outline).
fn collect_headings<'a>(blocks: &'a [Block], max_level: u8, out: &mut Vec<&'a Heading>) {
    for block in blocks {
        if let Block::Heading(h) = block
            && h.level <= max_level
        {
            out.push(h);
        }
    }
}

/// Seconds since the Unix epoch as a UTC date-time, clamped to the years
/// 1970–9999 that every output format (PDF dates, EPUB `dcterms:modified`,
/// the cover) can carry. Used for [`BookMeta::build_time`].
pub fn utc_from_unix(seconds: i64) -> time::OffsetDateTime {
    const LAST: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    time::OffsetDateTime::from_unix_timestamp(seconds.clamp(0, LAST))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// Concatenates the plain text of inline content (links and styles are
/// flattened, line breaks become a space, an image is its alt text, as in
/// goldmark's text of a heading). An explicit stack keeps deeply
/// nested input from overflowing the call stack.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    let mut stack: Vec<std::slice::Iter<Inline>> = vec![inlines.iter()];
    while let Some(iter) = stack.last_mut() {
        let Some(inline) = iter.next() else {
            stack.pop();
            continue;
        };
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Styled(_, content) => stack.push(content.iter()),
            Inline::Link(link) => stack.push(link.content.iter()),
            Inline::LineBreak => out.push(' '),
            Inline::Image(image) => out.push_str(&image.alt),
            Inline::FootnoteRef(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::utc_from_unix;

    #[test]
    fn build_dates_are_utc_and_clamped() {
        let date = utc_from_unix(1_709_210_096); // 2024-02-29 12:34:56 UTC
        assert_eq!(
            (date.year(), u8::from(date.month()), date.day()),
            (2024, 2, 29)
        );
        assert_eq!((date.hour(), date.minute(), date.second()), (12, 34, 56));
        assert_eq!(utc_from_unix(-5).unix_timestamp(), 0);
        assert_eq!(utc_from_unix(i64::MAX).year(), 9999);
    }
}
