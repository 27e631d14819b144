//! One page of the book as an XHTML document (a content document of the EPUB).
//!
//! Input: a [`Page`] of the model plus the book's [`Names`] and
//! [`ImageTable`]. Output: the XHTML text of `text/<anchor>.xhtml`. Every
//! text and attribute value goes through the escaping [`XmlWriter`]; links
//! are only written for internal targets and `http`, `https` and `mailto`
//! URLs. Blocks and inlines are walked with an explicit stack, so deeply
//! nested input cannot overflow the call stack.
//!
//! Footnotes are EPUB 3 footnotes: a reference is
//! `<sup><a epub:type="noteref" role="doc-noteref" href="#fn-N">N</a></sup>`,
//! the note an `<aside epub:type="footnote" role="doc-footnote" id="fn-N">`
//! after a rule at the end of the page (where Hugo puts them), its number
//! linking back to the first reference. Definition lists are `<dl>`.

use std::collections::BTreeSet;

use crate::model::{
    Admonition, AdmonitionKind, Align, Block, Book, Cell, DefinitionList, Figure, Footnote, Inline,
    InlineImage, InlineStyle, Length, LinkTarget, List, Page, PageKind, Table,
};

use super::images::ImageTable;
use super::names::{Names, ascii_slug};
use super::xml::XmlWriter;

/// What writing a page's XHTML document needs besides the page itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct XhtmlContext<'a> {
    /// The whole book (for the language).
    pub book: &'a Book,
    /// File names and heading ids.
    pub names: &'a Names,
    /// Images included in the EPUB.
    pub images: &'a ImageTable,
    /// Href of the style sheet relative to the XHTML document.
    pub stylesheet_href: &'a str,
}

/// One unit of work of the explicit-stack walk.
enum Step<'a> {
    Block(&'a Block),
    Inline(&'a Inline),
    /// Open a structural element whose content follows on the stack.
    Open(Open<'a>),
    /// Close the innermost element.
    Close,
    /// Close the innermost element and start a new output line.
    CloseLine,
    /// Close the innermost element and leave a link.
    CloseLink,
}

/// Starts an XHTML content document in `w`: the doctype, `<html>` in `lang` and a
/// `<head>` with `title` and the stylesheet at `stylesheet_href`; leaves `<html>` open.
pub(crate) fn open_document(w: &mut XmlWriter, lang: &str, title: &str, stylesheet_href: &str) {
    w.markup("<!DOCTYPE html>\n");
    w.open(
        "html",
        &[
            ("xmlns", "http://www.w3.org/1999/xhtml"),
            ("xmlns:epub", "http://www.idpf.org/2007/ops"),
            ("xml:lang", lang),
            ("lang", lang),
        ],
    );
    w.newline();
    w.open("head", &[]);
    w.empty("meta", &[("charset", "UTF-8")]);
    w.element("title", &[], title);
    w.empty(
        "link",
        &[
            ("rel", "stylesheet"),
            ("type", "text/css"),
            ("href", stylesheet_href),
        ],
    );
    w.close();
    w.newline();
}

/// Writes the XHTML document of `page`.
pub(crate) fn write_xhtml(page: &Page, ctx: XhtmlContext<'_>) -> String {
    let mut w = XmlWriter::new();
    open_document(
        &mut w,
        ctx.book.meta.language.as_str(),
        &page.title_text,
        ctx.stylesheet_href,
    );
    w.open("body", &[]);
    let class = match page.kind {
        PageKind::Section => "section",
        PageKind::Page => "page",
    };
    w.open("section", &[("class", class), ("epub:type", "chapter")]);
    w.newline();
    let mut notes = BTreeSet::new();
    crate::model::walk::blocks(&page.blocks, |block| {
        if let Block::Footnote(note) = block {
            notes.insert(note.number);
        }
    });
    let mut writer = BodyWriter {
        w,
        ctx,
        page,
        link_depth: 0,
        written_ids: BTreeSet::new(),
        notes,
        noterefs: BTreeSet::new(),
        notes_started: false,
    };
    writer.heading_one(page);
    writer.blocks(&page.blocks);
    writer.w.finish()
}

struct BodyWriter<'a> {
    w: XmlWriter,
    ctx: XhtmlContext<'a>,
    page: &'a Page,
    /// How many `<a>` are open (links inside links are written as text).
    link_depth: usize,
    /// Ids already written in this page.
    written_ids: BTreeSet<&'a str>,
    /// Numbers of the page's footnotes.
    notes: BTreeSet<u32>,
    /// Footnotes whose first reference (with its `fnref-N` id) is written.
    noterefs: BTreeSet<u32>,
    /// Whether the rule before the footnotes is written.
    notes_started: bool,
}

impl<'a> BodyWriter<'a> {
    fn heading_one(&mut self, page: &'a Page) {
        self.w.open("h1", &[]);
        self.run(page.title.iter().rev().map(Step::Inline).collect());
        self.w.close();
        self.w.newline();
    }

    fn blocks(&mut self, blocks: &'a [Block]) {
        self.run(blocks.iter().rev().map(Step::Block).collect());
    }

    /// Runs the walk until the stack is empty. Steps are pushed in reverse
    /// so they pop in document order.
    fn run(&mut self, mut stack: Vec<Step<'a>>) {
        while let Some(step) = stack.pop() {
            match step {
                Step::Block(block) => self.block(block, &mut stack),
                Step::Inline(inline) => self.inline(inline, &mut stack),
                Step::Open(open) => self.open(open),
                Step::Close => self.w.close(),
                Step::CloseLine => {
                    self.w.close();
                    self.w.newline();
                }
                Step::CloseLink => {
                    self.w.close();
                    self.link_depth = self.link_depth.saturating_sub(1);
                }
            }
        }
    }

    fn block(&mut self, block: &'a Block, stack: &mut Vec<Step<'a>>) {
        match block {
            Block::Heading(h) => {
                // An anchor repeated in the page keeps its id only once.
                let id = self
                    .ctx
                    .names
                    .heading_id(self.page.id, &h.anchor)
                    .filter(|id| self.written_ids.insert(id));
                let name = match h.level {
                    0..=2 => "h2",
                    3 => "h3",
                    4 => "h4",
                    5 => "h5",
                    _ => "h6",
                };
                match id {
                    Some(id) => self.w.open(name, &[("id", id)]),
                    None => self.w.open(name, &[]),
                }
                push_close_newline(stack);
                push_inlines(stack, &h.content);
            }
            Block::Paragraph(p) => {
                self.w.open("p", &[]);
                push_close_newline(stack);
                push_inlines(stack, &p.content);
            }
            Block::List(list) => self.list(list, stack),
            Block::Figure(figure) => self.figure(figure),
            Block::Admonition(a) => self.admonition(a, stack),
            Block::Table(table) => self.table(table, stack),
            Block::Code(code) => {
                let class = code
                    .language
                    .as_deref()
                    .map(|l| format!("language-{}", ascii_slug(l)));
                self.w.open("pre", &[("class", "code")]);
                match &class {
                    Some(class) => self.w.open("code", &[("class", class)]),
                    None => self.w.open("code", &[]),
                }
                self.w.text(&code.text);
                self.w.close();
                self.w.close();
                self.w.newline();
            }
            Block::Quote(q) => {
                self.w.open("blockquote", &[]);
                push_close_newline(stack);
                push_blocks(stack, &q.blocks);
            }
            Block::Rule(_) => {
                self.w.empty("hr", &[]);
                self.w.newline();
            }
            Block::DefinitionList(list) => self.definition_list(list, stack),
            Block::Footnote(note) => self.footnote(note, stack),
        }
    }

    fn definition_list(&mut self, list: &'a DefinitionList, stack: &mut Vec<Step<'a>>) {
        self.w.open("dl", &[]);
        self.w.newline();
        push_close_newline(stack);
        for item in list.items.iter().rev() {
            for definition in item.definitions.iter().rev() {
                push_close_newline(stack);
                match definition.as_slice() {
                    [Block::Paragraph(p)] => push_inlines(stack, &p.content),
                    blocks => push_blocks(stack, blocks),
                }
                stack.push(Step::Open(Open::Definition));
            }
            if !item.term.is_empty() {
                push_close_newline(stack);
                push_inlines(stack, &item.term);
                stack.push(Step::Open(Open::Term));
            }
        }
    }

    fn footnote(&mut self, note: &'a Footnote, stack: &mut Vec<Step<'a>>) {
        if !self.notes_started {
            self.notes_started = true;
            self.w.empty("hr", &[("class", "footnotes")]);
            self.w.newline();
        }
        let id = format!("fn-{}", note.number);
        self.w.open(
            "aside",
            &[
                ("class", "footnote"),
                ("epub:type", "footnote"),
                ("role", "doc-footnote"),
                ("id", &id),
            ],
        );
        self.w.newline();
        push_close_newline(stack);
        let (first, rest) = match note.blocks.split_first() {
            Some((Block::Paragraph(p), rest)) => (Some(p), rest),
            _ => (None, note.blocks.as_slice()),
        };
        push_blocks(stack, rest);
        let number = note.number.to_string();
        let back = self
            .noterefs
            .contains(&note.number)
            .then(|| format!("#fnref-{}", note.number));
        self.w.open("p", &[]);
        match back {
            Some(href) => {
                self.w.element(
                    "a",
                    &[
                        ("class", "footnote-number"),
                        ("href", &href),
                        ("role", "doc-backlink"),
                    ],
                    &number,
                );
            }
            None => self
                .w
                .element("span", &[("class", "footnote-number")], &number),
        }
        self.w.text(" ");
        push_close_newline(stack);
        if let Some(p) = first {
            push_inlines(stack, &p.content);
        }
    }

    fn list(&mut self, list: &'a List, stack: &mut Vec<Step<'a>>) {
        match list.start {
            Some(1) => self.w.open("ol", &[]),
            Some(start) => self.w.open("ol", &[("start", &start.to_string())]),
            None => self.w.open("ul", &[]),
        }
        self.w.newline();
        push_close_newline(stack);
        for item in list.items.iter().rev() {
            stack.push(Step::Close);
            push_blocks(stack, &item.blocks);
            stack.push(Step::Open(Open::Item(item.checked)));
        }
    }

    fn figure(&mut self, figure: &'a Figure) {
        self.w.open("figure", &[("class", "figure")]);
        match self.ctx.images.get(&figure.image.path) {
            Some(image) => {
                let src = format!("../{}", image.href);
                // A requested display width becomes the width attribute
                // (height scaled to match); no inline style is written.
                let (width, height) = display_size(image.width, image.height, figure.width);
                let (width, height) = (width.to_string(), height.to_string());
                let attrs = [
                    ("src", src.as_str()),
                    ("alt", figure.alt.as_str()),
                    ("width", width.as_str()),
                    ("height", height.as_str()),
                ];
                self.w.empty("img", &attrs);
            }
            None => {
                self.w
                    .element("p", &[("class", "missing-image")], &figure.alt);
            }
        }
        if let Some(title) = figure.title.as_deref().filter(|t| !t.trim().is_empty()) {
            self.w.element("figcaption", &[("class", "caption")], title);
        }
        self.w.close();
        self.w.newline();
    }

    /// An image inside running text: an `img` in the line, its height
    /// capped at the text's em by the style sheet's `inline-image` class
    /// (smaller images keep their size). An image that could not be used
    /// leaves its alt text.
    fn inline_image(&mut self, image: &'a InlineImage) {
        match self.ctx.images.get(&image.image.path) {
            Some(file) => {
                let src = format!("../{}", file.href);
                let (width, height) = display_size(file.width, file.height, image.width);
                let (width, height) = (width.to_string(), height.to_string());
                let mut attrs = vec![
                    ("src", src.as_str()),
                    ("alt", image.alt.as_str()),
                    ("class", "inline-image"),
                    ("width", width.as_str()),
                    ("height", height.as_str()),
                ];
                if let Some(title) = image.title.as_deref().filter(|t| !t.trim().is_empty()) {
                    attrs.push(("title", title));
                }
                self.w.empty("img", &attrs);
            }
            None if !image.alt.trim().is_empty() => {
                self.w
                    .element("span", &[("class", "missing-image")], &image.alt);
            }
            None => {}
        }
    }

    fn admonition(&mut self, a: &'a Admonition, stack: &mut Vec<Step<'a>>) {
        let kind = match a.kind {
            AdmonitionKind::Warning => "warning",
            AdmonitionKind::Note => "note",
            AdmonitionKind::Info => "info",
            AdmonitionKind::Tip => "tip",
            AdmonitionKind::Custom => "custom",
        };
        let class = format!(
            "admonition admonition-{kind} shortcode-{}",
            ascii_slug(&a.name)
        );
        self.w.open("div", &[("class", &class), ("role", "note")]);
        self.w.newline();
        if !a.label.trim().is_empty() {
            self.w
                .element("p", &[("class", "admonition-label")], &a.label);
            self.w.newline();
        }
        push_close_newline(stack);
        push_blocks(stack, &a.blocks);
    }

    fn table(&mut self, table: &'a Table, stack: &mut Vec<Step<'a>>) {
        // A table of many columns scrolls sideways on a narrow screen
        // rather than set a character per line (layouts/epub.css).
        let class = if table.columns >= WIDE_TABLE_COLUMNS {
            "table-wrap wide"
        } else {
            "table-wrap"
        };
        self.w.open("div", &[("class", class)]);
        self.w.open("table", &[]);
        self.w.newline();
        // Closing order (pushed first, runs last): table, div.
        stack.push(Step::Close);
        push_close_newline(stack);
        let sections = [("tbody", &table.body), ("thead", &table.head)];
        for (section, rows) in sections {
            if rows.is_empty() {
                continue;
            }
            push_close_newline(stack);
            for row in rows.iter().rev() {
                push_close_newline(stack);
                for cell in row.cells.iter().rev() {
                    stack.push(Step::Close);
                    push_cell_content(stack, cell);
                    stack.push(Step::Open(Open::Cell(cell, section == "thead")));
                }
                stack.push(Step::Open(Open::Row));
            }
            stack.push(Step::Open(Open::Section(section)));
        }
        if table.col_widths.iter().any(Option::is_some) {
            stack.push(Step::Open(Open::Columns(&table.col_widths)));
        }
        if let Some(caption) = &table.caption {
            push_close_newline(stack);
            push_inlines(stack, caption);
            stack.push(Step::Open(Open::Caption));
        }
    }

    fn inline(&mut self, inline: &'a Inline, stack: &mut Vec<Step<'a>>) {
        match inline {
            Inline::Text(text) => self.w.text(text),
            Inline::Code(code) => self.w.element("code", &[], code),
            Inline::LineBreak => self.w.empty("br", &[]),
            Inline::Image(image) => self.inline_image(image),
            Inline::FootnoteRef(number) => self.noteref(*number),
            Inline::Styled(style, content) => {
                match style {
                    InlineStyle::Strong => self.w.open("strong", &[]),
                    InlineStyle::Emphasis => self.w.open("em", &[]),
                    InlineStyle::Underline => self.w.open("span", &[("class", "underline")]),
                    InlineStyle::Strikethrough => self.w.open("s", &[]),
                    InlineStyle::Superscript => self.w.open("sup", &[]),
                    InlineStyle::Subscript => self.w.open("sub", &[]),
                    InlineStyle::Keyboard => self.w.open("kbd", &[]),
                }
                stack.push(Step::Close);
                push_inlines(stack, content);
            }
            Inline::Link(link) => {
                let href = if self.link_depth == 0 {
                    self.href(&link.target)
                } else {
                    None
                };
                if let Some(href) = href {
                    self.w.open("a", &[("href", &href)]);
                    self.link_depth += 1;
                    stack.push(Step::CloseLink);
                }
                push_inlines(stack, &link.content);
            }
        }
    }

    /// A footnote reference: a superscript number linking to the note (plain
    /// inside another link or when the page lacks the note).
    fn noteref(&mut self, number: u32) {
        let text = number.to_string();
        self.w.open("sup", &[]);
        if self.link_depth == 0 && self.notes.contains(&number) {
            let href = format!("#fn-{number}");
            let id = format!("fnref-{number}");
            let mut attrs = vec![
                ("class", "footnote-ref"),
                ("href", href.as_str()),
                ("epub:type", "noteref"),
                ("role", "doc-noteref"),
            ];
            if self.noterefs.insert(number) {
                attrs.insert(0, ("id", id.as_str()));
            }
            self.w.element("a", &attrs, &text);
        } else {
            self.w.text(&text);
        }
        self.w.close();
    }

    /// The href of a link target, `None` when it must not be a link.
    fn href(&self, target: &LinkTarget) -> Option<String> {
        match target {
            LinkTarget::Internal { page, anchor } => (page.0 < self.ctx.book.pages.len())
                .then(|| self.ctx.names.href_from_xhtml(*page, anchor.as_deref())),
            LinkTarget::External(url) | LinkTarget::Unresolved(url) => safe_external_url(url),
        }
    }

    fn open(&mut self, open: Open<'a>) {
        match open {
            Open::Item(None) => self.w.open("li", &[]),
            Open::Item(Some(done)) => {
                self.w.open("li", &[("class", "task")]);
                let (mark, label) = if done {
                    ("☑", "完了")
                } else {
                    ("☐", "未完了")
                };
                self.w.element(
                    "span",
                    &[
                        ("class", "task-box"),
                        ("role", "img"),
                        ("aria-label", label),
                    ],
                    mark,
                );
            }
            Open::Row => self.w.open("tr", &[]),
            Open::Section(name) => {
                self.w.open(name, &[]);
                self.w.newline();
            }
            Open::Caption => self.w.open("caption", &[]),
            Open::Columns(widths) => {
                self.w.open("colgroup", &[]);
                for width in widths {
                    let style = width.map(width_style);
                    match &style {
                        Some(style) => self.w.empty("col", &[("style", style)]),
                        None => self.w.empty("col", &[]),
                    }
                }
                self.w.close();
                self.w.newline();
            }
            Open::Term => self.w.open("dt", &[]),
            Open::Definition => self.w.open("dd", &[]),
            Open::Cell(cell, in_head) => {
                let rowspan = cell.rowspan.to_string();
                let colspan = cell.colspan.to_string();
                let mut attrs: Vec<(&'static str, &str)> = Vec::new();
                if cell.rowspan > 1 {
                    attrs.push(("rowspan", &rowspan));
                }
                if cell.colspan > 1 {
                    attrs.push(("colspan", &colspan));
                }
                let align = match cell.align {
                    Align::Default => None,
                    Align::Left => Some("align-left"),
                    Align::Center => Some("align-center"),
                    Align::Right => Some("align-right"),
                };
                let length = cell_length(cell);
                let long = length.is_some_and(|(chars, prose)| prose && chars > LONG_CELL_CHARS);
                let short =
                    cell.header && length.is_some_and(|(chars, _)| chars <= SHORT_HEADER_CHARS);
                let size = if long {
                    Some("long")
                } else if short {
                    Some("short")
                } else {
                    None
                };
                let class = [align, size]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                if !class.is_empty() {
                    attrs.push(("class", &class));
                }
                if cell.header && in_head {
                    attrs.push(("scope", "col"));
                }
                let style = cell.width.map(width_style);
                if let Some(style) = &style {
                    attrs.push(("style", style));
                }
                self.w.open(if cell.header { "th" } else { "td" }, &attrs);
            }
        }
    }
}

/// Structural elements opened when their turn comes in the walk.
#[derive(Debug, Clone, Copy)]
enum Open<'a> {
    /// A list item, with its task state.
    Item(Option<bool>),
    /// A table row.
    Row,
    /// `thead` or `tbody`.
    Section(&'static str),
    /// A table caption.
    Caption,
    /// A table's `colgroup` (written whole) from its `<col>` widths.
    Columns(&'a [Option<Length>]),
    /// A table cell, and whether it is in the header rows.
    Cell(&'a Cell, bool),
    /// A definition list's term.
    Term,
    /// A definition list's definition.
    Definition,
}

/// Tables of this many columns or more may scroll sideways (`.wide`).
const WIDE_TABLE_COLUMNS: usize = 5;

/// Cells of prose longer than this are `long`: in a wide table their
/// column keeps a measure that reads (layouts/epub.css).
const LONG_CELL_CHARS: usize = 12;

/// Header cells of this many characters or fewer are `short`: kept on one
/// line in a wide table (「最大文字数」).
const SHORT_HEADER_CHARS: usize = 6;

/// A cell's text length in characters and whether it is prose (holds a
/// space or a non-ASCII character; one Latin word such as an address or an
/// identifier is a value, however long). `None` for cells holding more
/// than paragraphs (lists, code): `long` when they are not headers.
fn cell_length(cell: &Cell) -> Option<(usize, bool)> {
    let mut text = String::new();
    for block in &cell.blocks {
        if let Block::Paragraph(p) = block {
            text.push_str(&crate::model::plain_text(&p.content));
        } else {
            return (!cell.header).then_some((usize::MAX, true));
        }
    }
    let text = text.trim();
    let prose = text.chars().any(|c| !c.is_ascii_graphic());
    Some((text.chars().count(), prose))
}

/// The CSS `width` declaration of a preferred width the writer gave.
fn width_style(width: Length) -> String {
    match width {
        Length::Px(px) => format!("width: {}px", px.round()),
        Length::Percent(pc) => format!("width: {}%", (pc * 10.0).round() / 10.0),
    }
}

/// Width and height attributes of an image of `width` × `height` pixels
/// shown at the requested CSS width (if valid), keeping the aspect ratio.
fn display_size(width: u32, height: u32, requested: Option<f32>) -> (u32, u32) {
    match requested.filter(|w| w.is_finite() && *w >= 1.0 && width > 0) {
        Some(w) => {
            let w = w.min(10_000.0).round();
            let h = (f64::from(height) * f64::from(w) / f64::from(width)).round();
            (w as u32, (h as u32).max(1))
        }
        None => (width, height),
    }
}

fn push_close_newline(stack: &mut Vec<Step<'_>>) {
    stack.push(Step::CloseLine);
}

fn push_inlines<'a>(stack: &mut Vec<Step<'a>>, inlines: &'a [Inline]) {
    stack.extend(inlines.iter().rev().map(Step::Inline));
}

fn push_blocks<'a>(stack: &mut Vec<Step<'a>>, blocks: &'a [Block]) {
    stack.extend(blocks.iter().rev().map(Step::Block));
}

/// A table cell holding one paragraph is written inline (no `<p>`).
fn push_cell_content<'a>(stack: &mut Vec<Step<'a>>, cell: &'a Cell) {
    match cell.blocks.as_slice() {
        [Block::Paragraph(p)] => push_inlines(stack, &p.content),
        blocks => push_blocks(stack, blocks),
    }
}

/// `url` if it is an `http`, `https` or `mailto` URL, with spaces,
/// non-ASCII and characters not allowed in URLs percent-encoded; `None`
/// for anything else (`javascript:`, `data:`, relative paths).
pub(crate) fn safe_external_url(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let allowed = ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme) && lower.len() > scheme.len());
    if !allowed {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epub::images::ImageTable;
    use crate::model::testing::{list, para_text, quote};

    #[test]
    fn deep_nesting_is_written_without_deep_recursion() {
        let mut block = para_text("底");
        for level in 0..3000 {
            block = if level % 2 == 0 {
                quote(vec![block])
            } else {
                list(Some(2), vec![vec![block]])
            };
        }
        let mut book = crate::epub::tests::sample_book();
        book.pages[0].blocks = vec![block];
        let names = Names::new(&book);
        let images = ImageTable::default();
        let ctx = XhtmlContext {
            book: &book,
            names: &names,
            images: &images,
            stylesheet_href: "../css/epub.css",
        };
        // A small stack: a recursive writer would overflow it.
        let out = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn_scoped(scope, || write_xhtml(&book.pages[0], ctx))
                .map(|handle| handle.join().unwrap_or_default())
                .unwrap_or_default()
        });
        assert_eq!(out.matches("<blockquote>").count(), 1500);
        assert_eq!(out.matches("</blockquote>").count(), 1500);
        assert_eq!(out.matches("<ol start=\"2\">").count(), 1500);
        assert!(out.contains("<p>底</p>"));
    }

    #[test]
    fn requested_width_scales_height() {
        assert_eq!(display_size(800, 600, Some(400.0)), (400, 300));
        assert_eq!(display_size(800, 600, None), (800, 600));
        assert_eq!(display_size(800, 600, Some(f32::NAN)), (800, 600));
        assert_eq!(display_size(800, 600, Some(-3.0)), (800, 600));
    }

    #[test]
    fn only_safe_urls_become_links() {
        assert_eq!(
            safe_external_url("https://例え.jp/a b?x=1&y=\"2\""),
            Some("https://%E4%BE%8B%E3%81%88.jp/a%20b?x=1&y=%222%22".into())
        );
        assert_eq!(
            safe_external_url("mailto:a@example.com").as_deref(),
            Some("mailto:a@example.com")
        );
        for bad in [
            "javascript:alert(1)",
            " JavaScript:x",
            "data:text/html,x",
            "/relative",
            "https://",
            "vbscript:x",
        ] {
            assert_eq!(safe_external_url(bad), None, "{bad}");
        }
    }
}
