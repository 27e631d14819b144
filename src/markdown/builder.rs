//! The tree builder shared by the Markdown and HTML front ends.
//!
//! Input: a flat stream of operations (open/close a container, open/close a
//! text block, text, styles, links, figures, placeholders) with byte offsets
//! in the resolved text. Output: model [`Block`]s with spans in the original
//! file. Everything is kept on explicit stacks, so input nesting depth never
//! reaches the call stack; containers nested deeper than [`MAX_BLOCK_DEPTH`]
//! (inlines deeper than [`MAX_INLINE_DEPTH`]) are flattened into their parent
//! with one warning, which also bounds the depth every renderer sees.
//!
//! Text that arrives outside a paragraph (tight list items, HTML cells) opens
//! an implicit paragraph; a block that arrives inside a paragraph (a screen
//! placeholder, an admonition) splits it, and the text after it continues in
//! a new paragraph of the same container. An image inside text stays in the
//! text as an [`Inline::Image`]; a paragraph that holds nothing but images
//! becomes [`Block::Figure`]s.
//!
//! Headings get their anchors here, in document order ([`HeadingIds`]).
//! Footnote references are numbered in order of first reference; the
//! definitions are collected and appended to the page's blocks as
//! [`Block::Footnote`]s in number order (unreferenced ones are dropped, as
//! in Hugo).
//!
//! Shortcode placeholders ([`placeholder`]) are found in every text the
//! builder receives (text, code spans, code blocks): a unit placeholder
//! places its call there (a v1 box, heading or include parses its inner
//! document right there, in the page's dialect, with that document's text
//! and source map, inside a floor that its HTML cannot close past; its
//! headings and footnotes count with the page's); placeholders in attribute
//! values, URLs, image sources, alt texts, titles and ids are removed with
//! a warning. No placeholder reaches the model.

use crate::diag::{Code, Diagnostic, Diagnostics, Span};
use std::collections::BTreeMap;

use crate::model::{
    Admonition, AdmonitionKind, Align, Block, Cell, CodeBlock, DefinitionItem, DefinitionList,
    Figure, Footnote, Heading, ImageRef, Inline, InlineImage, InlineStyle, Length, Link,
    LinkTarget, List, ListItem, Paragraph, Quote, Row, plain_text,
};
use crate::shortcode::placeholder::{self, Found, Role};
use crate::shortcode::{CallKind, Inner, ResolvedPage, SourceMap};

use super::MarkdownOptions;
use super::anchors::HeadingIds;
use super::softbreak;
use super::table;

/// How an inline image counts for soft line breaks next to it: like a
/// Japanese character (a break between it and Japanese text disappears, one
/// between it and a Latin word is a space).
const IMAGE_AS_CHAR: char = '\u{4E00}';

/// Containers nested deeper than this are flattened into their parent.
pub(crate) const MAX_BLOCK_DEPTH: usize = 32;
/// Inline styles and links nested deeper than this are flattened.
pub(crate) const MAX_INLINE_DEPTH: usize = 16;

/// What opened a container, used to match its close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContainerTag {
    /// Block quote (`>` or `<blockquote>`).
    Quote,
    /// Admonition placeholder.
    Admonition,
    /// List (`ul`/`ol` or Markdown list).
    List,
    /// List item.
    Item,
    /// Table.
    Table,
    /// `thead`/`tbody`/`tfoot`.
    Section,
    /// Table row.
    Row,
    /// Table cell.
    Cell,
    /// A transparent HTML container (`div` and friends).
    Div,
    /// The blocks of a v1 heading's inner document.
    HeadingContent,
    /// An inner document's blocks (an include).
    Inner,
    /// A footnote definition (`[^label]: …`).
    Footnote,
    /// A definition list.
    DefinitionList,
    /// One definition (`: …`) of a definition list.
    Definition,
}

/// What an open container builds (a model block, or nothing of its own).
#[derive(Debug)]
pub(crate) enum ContainerKind {
    /// The page body.
    Root,
    /// Passes its blocks to the parent (`div`, flattened deep nesting).
    Transparent,
    /// Block quote.
    Quote,
    /// Admonition box.
    Admonition {
        /// Kind.
        kind: AdmonitionKind,
        /// Label.
        label: String,
        /// Shortcode name.
        name: String,
    },
    /// List collecting items.
    List {
        /// Start number or `None` for bullets.
        start: Option<u64>,
        /// Finished items.
        items: Vec<ListItem>,
    },
    /// List item.
    Item {
        /// Task state.
        checked: Option<bool>,
    },
    /// Table collecting rows.
    Table {
        /// Markdown column alignments.
        aligns: Vec<Align>,
        /// Caption.
        caption: Option<Vec<Inline>>,
        /// Header rows.
        head: Vec<Row>,
        /// Body rows.
        body: Vec<Row>,
        /// Preferred column widths from `<col width>`.
        col_widths: Vec<Option<Length>>,
    },
    /// `thead` (head = true), `tbody`/`tfoot`.
    Section {
        /// Rows inside are header rows.
        head: bool,
    },
    /// Row collecting cells.
    Row {
        /// A header row.
        head: bool,
        /// Finished cells.
        cells: Vec<Cell>,
    },
    /// A footnote definition, kept apart until the page is finished.
    Footnote {
        /// The label as written (`1`, `note`).
        label: String,
    },
    /// A definition list collecting terms and definitions.
    DefinitionList {
        /// Finished items.
        items: Vec<DefinitionItem>,
    },
    /// One definition of the innermost definition list.
    Definition,
    /// Cell.
    Cell {
        /// `th` or Markdown header cell.
        header: bool,
        /// Rows covered.
        rowspan: u32,
        /// Columns covered.
        colspan: u32,
        /// Alignment.
        align: Align,
        /// Preferred width (`width` attribute).
        width: Option<Length>,
    },
    /// Collects a heading's inner document: its paragraphs become the
    /// heading's content, other blocks follow the heading.
    HeadingContent {
        /// 1 to 6.
        level: u8,
        /// Shortcode name (for the empty-heading warning).
        name: String,
    },
}

/// An open container on the builder's stack: what opened it, what it
/// builds and the blocks collected in it so far.
#[derive(Debug)]
struct Container {
    tag: Option<ContainerTag>,
    kind: ContainerKind,
    blocks: Vec<Block>,
    span: Span,
}

/// Kinds of text blocks (blocks holding inline content).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TextKind {
    /// Paragraph.
    Paragraph,
    /// Heading with its level and written id.
    Heading {
        /// 1 to 6.
        level: u8,
        /// `{#id}` or HTML `id`.
        id: Option<String>,
        /// What a missing id is generated from: the Markdown source line
        /// ([`super::anchors::heading_source`]); `None`: the heading's text.
        source: Option<String>,
    },
    /// Table caption.
    Caption,
    /// The term of a definition list.
    Term,
}

/// What opened an inline container, used to match its close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InlineTag {
    /// A Markdown style.
    Markdown(InlineStyle),
    /// A Markdown link.
    MarkdownLink,
    /// A bare URL made a link by linkify.
    Linkify,
    /// An HTML element by lowercase name.
    Html(String),
}

/// The model inline an inline container builds.
#[derive(Debug, Clone)]
pub(crate) enum InlineKind {
    /// Styled content.
    Style(InlineStyle),
    /// A link with its href and where it is written.
    Link(String, Span),
    /// Passes its content to the parent (`span`, flattened deep nesting).
    Transparent,
}

/// An open inline container (style, link, `span`) of a text block.
#[derive(Debug)]
struct InlineContainer {
    tag: Option<InlineTag>,
    kind: InlineKind,
    children: Vec<Inline>,
}

#[derive(Debug)]
struct TextBlock {
    kind: TextKind,
    id: u64,
    start: usize,
    /// A resumed paragraph takes its start from its first content.
    start_at_content: bool,
    /// Bottom container is the block's own content (kind Transparent).
    containers: Vec<InlineContainer>,
    hoisted: Vec<Figure>,
    last_char: Option<char>,
    pending_break: bool,
}

/// Builds model blocks from operations; see the module documentation.
pub(crate) struct Builder<'a> {
    page: &'a ResolvedPage,
    diags: &'a mut Diagnostics,
    containers: Vec<Container>,
    text: Option<TextBlock>,
    next_text_id: u64,
    depth_warned: bool,
    /// Inside `<script>`/`<style>` given as inline tags: text is dropped.
    skipping_raw: bool,
    /// Inside inline `<code>` tags: text is collected here.
    inline_code: Option<String>,
    /// Open v2 box placeholders, innermost last: `true` for an admonition
    /// (its close placeholder ends the box), `false` for an unknown id.
    placeholders: Vec<bool>,
    /// The inner documents being parsed (v1 boxes, headings, includes,
    /// `highlight`), innermost last (the page itself when empty): their text
    /// and source map.
    docs: Vec<&'a Inner>,
    /// Containers below this index belong to an enclosing document: an
    /// inner document's closing tags never close them.
    floor: usize,
    /// The Markdown dialect every document of the page is read in.
    options: &'a MarkdownOptions,
    /// Heading anchors handed out so far.
    ids: HeadingIds,
    /// Footnote labels (lower-cased) in number order: number = index + 1.
    footnote_labels: Vec<String>,
    /// Footnote definitions by lower-cased label (the first one wins).
    footnote_defs: BTreeMap<String, (Vec<Block>, Span)>,
}

impl<'a> Builder<'a> {
    /// A builder for one page read in the dialect `options` (its headings
    /// get ids of type `options.heading_ids`).
    pub(crate) fn new(
        page: &'a ResolvedPage,
        options: &'a MarkdownOptions,
        diags: &'a mut Diagnostics,
    ) -> Builder<'a> {
        let root = Container {
            tag: None,
            kind: ContainerKind::Root,
            blocks: Vec::new(),
            span: page.map.span(0..0),
        };
        Builder {
            page,
            diags,
            containers: vec![root],
            text: None,
            next_text_id: 0,
            depth_warned: false,
            skipping_raw: false,
            inline_code: None,
            placeholders: Vec::new(),
            docs: Vec::new(),
            floor: 1,
            options,
            ids: HeadingIds::new(options.heading_ids),
            footnote_labels: Vec::new(),
            footnote_defs: BTreeMap::new(),
        }
    }

    /// The Markdown dialect of the page.
    pub(crate) fn options(&self) -> &'a MarkdownOptions {
        self.options
    }

    /// The source map of the document being parsed.
    fn map(&self) -> &'a SourceMap {
        self.docs.last().map_or(&self.page.map, |d| &d.map)
    }

    /// The resolved text in `range` of the document being parsed (the
    /// page, or the inner document being parsed); empty when out of bounds.
    pub(crate) fn resolved_text(&self, range: std::ops::Range<usize>) -> &'a str {
        let text = self.docs.last().map_or(&self.page.text, |d| &d.text);
        text.get(range).unwrap_or("")
    }

    /// The original span of a resolved byte offset.
    pub(crate) fn span_at(&self, at: usize) -> Span {
        self.map().span(at..at)
    }

    /// The original span of a resolved byte range.
    pub(crate) fn span(&self, range: std::ops::Range<usize>) -> Span {
        self.map().span(range)
    }

    /// Reports a warning with its code at a resolved offset.
    pub(crate) fn warn(&mut self, at: usize, code: Code, message: impl Into<String>) {
        let span = self.span_at(at);
        self.diags
            .push(Diagnostic::warning(span, message).with_code(code));
    }

    /// Finishes every open container and returns the page's blocks, the
    /// referenced footnotes last.
    pub(crate) fn finish(mut self) -> Vec<Block> {
        self.flush_text();
        while self.containers.len() > 1 {
            self.pop_container();
        }
        let mut blocks = self.containers.pop().map(|f| f.blocks).unwrap_or_default();
        for (index, label) in self.footnote_labels.iter().enumerate() {
            if let Some((content, span)) = self.footnote_defs.remove(label) {
                blocks.push(Block::Footnote(Footnote {
                    number: u32::try_from(index + 1).unwrap_or(u32::MAX),
                    blocks: content,
                    span,
                }));
            }
        }
        blocks
    }

    // ----- footnotes --------------------------------------------------

    /// A footnote reference `[^label]` at resolved range `range`: numbered
    /// on its first reference. A label with no definition stays text.
    pub(crate) fn footnote_ref(&mut self, label: &str, at: usize) {
        let key = label.to_lowercase();
        let number = match self.footnote_labels.iter().position(|l| *l == key) {
            Some(index) => index + 1,
            None => {
                self.footnote_labels.push(key);
                self.footnote_labels.len()
            }
        };
        let text = self.ensure_text(at);
        resolve_pending(text, Some('0'));
        push_inline(
            text,
            Inline::FootnoteRef(u32::try_from(number).unwrap_or(u32::MAX)),
        );
    }

    /// Whether text added now lands inside a link.
    pub(crate) fn in_link(&self) -> bool {
        self.text.as_ref().is_some_and(|t| {
            t.containers
                .iter()
                .any(|c| matches!(c.kind, InlineKind::Link(..)))
        })
    }

    /// The character before text added now, `None` at the start of a text
    /// block or after a source line break (what linkify calls a line start).
    pub(crate) fn char_before(&self) -> Option<char> {
        let text = self.text.as_ref()?;
        if text.pending_break {
            return Some('\n');
        }
        text.last_char
    }

    // ----- containers -------------------------------------------------

    fn structural_depth(&self) -> usize {
        self.containers
            .iter()
            .filter(|f| !matches!(f.kind, ContainerKind::Transparent | ContainerKind::Root))
            .count()
    }

    /// Opens a container at resolved offset `at`.
    pub(crate) fn open_container(&mut self, tag: ContainerTag, kind: ContainerKind, at: usize) {
        self.flush_text();
        let transparent = matches!(
            kind,
            ContainerKind::Transparent | ContainerKind::Section { .. }
        );
        let kind = if !transparent && self.structural_depth() >= MAX_BLOCK_DEPTH {
            if !self.depth_warned {
                self.depth_warned = true;
                self.warn(
                    at,
                    Code::NestingTooDeep,
                    format!("content nested deeper than {MAX_BLOCK_DEPTH} levels is flattened"),
                );
            }
            ContainerKind::Transparent
        } else {
            kind
        };
        let span = self.span_at(at);
        self.containers.push(Container {
            tag: Some(tag),
            kind,
            blocks: Vec::new(),
            span,
        });
    }

    /// Closes the innermost open container with this tag (and any container
    /// left open inside it). A close without an open container is ignored.
    pub(crate) fn close_container(&mut self, tag: ContainerTag) {
        let Some(pos) = self.containers.iter().rposition(|f| f.tag == Some(tag)) else {
            return;
        };
        if pos < self.floor {
            return;
        }
        self.flush_text();
        while self.containers.len() > pos {
            self.pop_container();
        }
    }

    /// Whether a container with this tag is open (in the document being parsed).
    pub(crate) fn is_open(&self, tag: ContainerTag) -> bool {
        self.containers
            .iter()
            .skip(self.floor)
            .any(|f| f.tag == Some(tag))
    }

    /// Markdown alignment of the next cell in the innermost table row.
    pub(crate) fn next_cell_align(&self) -> Align {
        let mut index = None;
        for container in self.containers.iter().rev() {
            match &container.kind {
                ContainerKind::Row { cells, .. } if index.is_none() => index = Some(cells.len()),
                ContainerKind::Table { aligns, .. } => {
                    return index
                        .and_then(|i| aligns.get(i).copied())
                        .unwrap_or_default();
                }
                _ => {}
            }
        }
        Align::Default
    }

    /// Records a `<col>` of the innermost open table: `span` columns with
    /// the preferred width `width` (`None`: no width given).
    pub(crate) fn table_col(&mut self, width: Option<Length>, span: u32) {
        for container in self.containers.iter_mut().rev() {
            match &mut container.kind {
                ContainerKind::Table { col_widths, .. } => {
                    let room = (table::MAX_COLSPAN as usize).saturating_sub(col_widths.len());
                    let n = (span as usize).min(room);
                    col_widths.extend(std::iter::repeat_n(width, n));
                    return;
                }
                ContainerKind::Section { .. } => {}
                _ => return,
            }
        }
    }

    /// Whether new rows belong to the table head (inside `thead`).
    pub(crate) fn in_table_head(&self) -> bool {
        for container in self.containers.iter().rev() {
            match container.kind {
                ContainerKind::Section { head } => return head,
                ContainerKind::Table { .. } => return false,
                _ => {}
            }
        }
        false
    }

    /// Whether the innermost open row is a header row (Markdown head line).
    pub(crate) fn in_markdown_head(&self) -> bool {
        self.containers
            .iter()
            .rev()
            .find_map(|f| match f.kind {
                ContainerKind::Row { head, .. } => Some(head),
                _ => None,
            })
            .unwrap_or(false)
    }

    /// Sets the task state of the innermost list item.
    pub(crate) fn set_checked(&mut self, checked: bool) {
        if let Some(container) = self.containers.last_mut()
            && let ContainerKind::Item { checked: c } = &mut container.kind
        {
            *c = Some(checked);
        }
    }

    fn pop_container(&mut self) {
        let Some(container) = self.containers.pop() else {
            return;
        };
        if self.containers.is_empty() {
            // The root is never popped here; put it back.
            self.containers.push(container);
            return;
        }
        let Container {
            kind, blocks, span, ..
        } = container;
        match kind {
            ContainerKind::Root | ContainerKind::Transparent | ContainerKind::Section { .. } => {
                for block in blocks {
                    self.push_block(block);
                }
            }
            ContainerKind::Quote => self.push_block(Block::Quote(Quote { blocks, span })),
            ContainerKind::Admonition { kind, label, name } => {
                if blocks.is_empty() {
                    self.diags.push(
                        Diagnostic::warning(span, format!("box `{name}` has no content"))
                            .with_code(crate::diag::Code::EmptyShortcode)
                            .with_hint("write its text between the opening and the closing tag"),
                    );
                }
                self.push_block(Block::Admonition(Admonition {
                    kind,
                    label,
                    name,
                    blocks,
                    span,
                }));
            }
            ContainerKind::List { start, items } => {
                if !items.is_empty() {
                    self.push_block(Block::List(List { start, items, span }));
                }
            }
            ContainerKind::Footnote { label } => {
                self.footnote_defs
                    .entry(label.to_lowercase())
                    .or_insert((blocks, span));
            }
            ContainerKind::DefinitionList { items } => {
                if !items.is_empty() {
                    self.push_block(Block::DefinitionList(DefinitionList { items, span }));
                }
            }
            ContainerKind::Definition => match self.containers.last_mut().map(|f| &mut f.kind) {
                Some(ContainerKind::DefinitionList { items }) => match items.last_mut() {
                    Some(item) => item.definitions.push(blocks),
                    None => items.push(DefinitionItem {
                        term: Vec::new(),
                        definitions: vec![blocks],
                    }),
                },
                _ => {
                    for block in blocks {
                        self.push_block(block);
                    }
                }
            },
            ContainerKind::Item { checked } => {
                let item = ListItem { blocks, checked };
                match self.containers.last_mut().map(|f| &mut f.kind) {
                    Some(ContainerKind::List { items, .. }) => items.push(item),
                    _ => {
                        for block in item.blocks {
                            self.push_block(block);
                        }
                    }
                }
            }
            ContainerKind::Table {
                caption,
                head,
                body,
                col_widths,
                ..
            } => {
                let parts = table::Parts {
                    caption,
                    head,
                    body,
                    col_widths,
                };
                if let Some(table) = table::finish(parts, span) {
                    self.push_block(Block::Table(table));
                }
            }
            ContainerKind::Row { head, cells } => self.push_row(Row { cells }, head),
            ContainerKind::HeadingContent { level, name } => {
                self.finish_heading(level, &name, blocks, span)
            }
            ContainerKind::Cell {
                header,
                rowspan,
                colspan,
                align,
                width,
            } => {
                let cell = Cell {
                    header,
                    rowspan,
                    colspan,
                    align,
                    width,
                    blocks,
                };
                match self.containers.last_mut().map(|f| &mut f.kind) {
                    Some(ContainerKind::Row { cells, .. }) => cells.push(cell),
                    _ => {
                        for block in cell.blocks {
                            self.push_block(block);
                        }
                    }
                }
            }
        }
    }

    fn push_row(&mut self, row: Row, head: bool) {
        for container in self.containers.iter_mut().rev() {
            match &mut container.kind {
                ContainerKind::Table { head: h, body, .. } => {
                    if head {
                        h.push(row)
                    } else {
                        body.push(row)
                    }
                    return;
                }
                ContainerKind::Section { .. } => {}
                _ => break,
            }
        }
        for cell in row.cells {
            for block in cell.blocks {
                self.push_block(block);
            }
        }
    }

    /// Adds a block to the innermost container (closing any open paragraph).
    pub(crate) fn add_block(&mut self, block: Block) {
        self.flush_text();
        self.push_block(block);
    }

    fn push_block(&mut self, block: Block) {
        let Some(container) = self.containers.last_mut() else {
            return;
        };
        match &mut container.kind {
            ContainerKind::List { items, .. } => match items.last_mut() {
                Some(item) => item.blocks.push(block),
                None => items.push(ListItem {
                    blocks: vec![block],
                    checked: None,
                }),
            },
            ContainerKind::DefinitionList { items } => {
                match items.last_mut().and_then(|i| i.definitions.last_mut()) {
                    Some(definition) => definition.push(block),
                    None => items.push(DefinitionItem {
                        term: Vec::new(),
                        definitions: vec![vec![block]],
                    }),
                }
            }
            ContainerKind::Row { cells, .. } => cells.push(Cell {
                header: false,
                rowspan: 1,
                colspan: 1,
                align: Align::Default,
                width: None,
                blocks: vec![block],
            }),
            ContainerKind::Table { body, .. } => body.push(Row {
                cells: vec![Cell {
                    header: false,
                    rowspan: 1,
                    colspan: 1,
                    align: Align::Default,
                    width: None,
                    blocks: vec![block],
                }],
            }),
            _ => container.blocks.push(block),
        }
    }

    // ----- text blocks ------------------------------------------------

    /// Opens a paragraph, heading or caption at `at` and returns its id (for
    /// [`Builder::close_text_id`]).
    pub(crate) fn open_text(&mut self, kind: TextKind, at: usize) -> u64 {
        let kind = match kind {
            TextKind::Heading {
                level,
                id: Some(id),
                source,
            } if placeholder::contains(&id) => {
                let id = Some(self.clean(&id, self.span_at(at))).filter(|i| !i.is_empty());
                TextKind::Heading { level, id, source }
            }
            other => other,
        };
        self.flush_text();
        self.start_text(kind, at, Vec::new())
    }

    fn start_text(&mut self, kind: TextKind, at: usize, containers: Vec<InlineContainer>) -> u64 {
        let id = self.next_text_id;
        self.next_text_id += 1;
        let mut all = vec![InlineContainer {
            tag: None,
            kind: InlineKind::Transparent,
            children: Vec::new(),
        }];
        all.extend(containers);
        self.text = Some(TextBlock {
            kind,
            id,
            start: at,
            start_at_content: false,
            containers: all,
            hoisted: Vec::new(),
            last_char: None,
            pending_break: false,
        });
        id
    }

    /// Closes the open text block, whatever it is.
    pub(crate) fn close_text(&mut self) {
        self.flush_text();
    }

    /// Closes the open text block if it is the one with this id.
    pub(crate) fn close_text_id(&mut self, id: u64) {
        if self.text.as_ref().is_some_and(|t| t.id == id) {
            self.flush_text();
        }
    }

    fn ensure_text(&mut self, at: usize) -> &mut TextBlock {
        if self.text.is_none() {
            self.start_text(TextKind::Paragraph, at, Vec::new());
        }
        if let Some(text) = self.text.as_mut()
            && text.start_at_content
        {
            text.start_at_content = false;
            text.start = at;
        }
        self.text.get_or_insert_with(|| TextBlock {
            kind: TextKind::Paragraph,
            id: u64::MAX,
            start: at,
            start_at_content: false,
            containers: Vec::new(),
            hoisted: Vec::new(),
            last_char: None,
            pending_break: false,
        })
    }

    /// Ends the open text block; returns the kinds of its open inline containers
    /// (so a split paragraph can continue with the same styles).
    fn flush_text(&mut self) -> Vec<InlineContainer> {
        self.skipping_raw = false;
        if let Some(code) = self.inline_code.take()
            && let Some(text) = self.text.as_mut()
        {
            push_inline(text, Inline::Code(code));
        }
        let Some(mut text) = self.text.take() else {
            return Vec::new();
        };
        let reopen: Vec<InlineContainer> = text
            .containers
            .iter()
            .skip(1)
            .map(|f| InlineContainer {
                tag: f.tag.clone(),
                kind: f.kind.clone(),
                children: Vec::new(),
            })
            .collect();
        while text.containers.len() > 1 {
            fold_top(&mut text.containers);
        }
        let mut content = text
            .containers
            .pop()
            .map(|f| f.children)
            .unwrap_or_default();
        trim_inlines(&mut content);
        let span = self.span_at(text.start);
        match text.kind {
            TextKind::Paragraph => match only_images(content) {
                Ok(images) => {
                    for image in images {
                        self.push_block(Block::Figure(image.into_figure()));
                    }
                }
                Err(content) => {
                    if !content.is_empty() {
                        self.push_block(Block::Paragraph(Paragraph { content, span }));
                    }
                }
            },
            TextKind::Heading { level, id, source } => {
                let text_plain = plain_text(&content);
                let anchor = match id {
                    Some(id) => self.ids.written(&id),
                    None => self
                        .ids
                        .generate(source.as_deref().unwrap_or(text_plain.as_str())),
                };
                self.push_block(Block::Heading(Heading {
                    level,
                    anchor,
                    content,
                    text: text_plain.trim().to_string(),
                    span,
                }));
            }
            TextKind::Term => match self.containers.last_mut().map(|f| &mut f.kind) {
                Some(ContainerKind::DefinitionList { items }) => items.push(DefinitionItem {
                    term: content,
                    definitions: Vec::new(),
                }),
                _ if !content.is_empty() => {
                    self.push_block(Block::Paragraph(Paragraph { content, span }))
                }
                _ => {}
            },
            TextKind::Caption => {
                for container in self.containers.iter_mut().rev() {
                    if let ContainerKind::Table { caption, .. } = &mut container.kind {
                        if !content.is_empty() {
                            *caption = Some(content);
                        }
                        break;
                    }
                }
            }
        }
        for figure in text.hoisted {
            self.push_block(Block::Figure(figure));
        }
        reopen
    }

    /// Ends the current paragraph at `at` so a block can be placed, and
    /// returns what is needed to continue it afterwards.
    fn split_text(&mut self) -> Option<(TextKind, Vec<InlineContainer>)> {
        let kind = self.text.as_ref().map(|t| t.kind.clone())?;
        let containers = self.flush_text();
        Some((kind, containers))
    }

    fn resume_text(&mut self, resume: Option<(TextKind, Vec<InlineContainer>)>, at: usize) {
        if let Some((TextKind::Paragraph, containers)) = resume {
            self.start_text(TextKind::Paragraph, at, containers);
            if let Some(text) = self.text.as_mut() {
                text.start_at_content = true;
            }
        }
    }

    // ----- inline content ---------------------------------------------

    /// Appends text (Markdown text: no whitespace collapsing).
    pub(crate) fn text(&mut self, s: &str, at: usize) {
        if self.skipping_raw || s.is_empty() {
            return;
        }
        if let Some(code) = self.inline_code.as_mut() {
            code.push_str(s);
            return;
        }
        if placeholder::contains(s) {
            self.split_placeholders(s, at, Builder::text);
            return;
        }
        let text = self.ensure_text(at);
        resolve_pending(text, s.chars().next());
        push_inline(text, Inline::Text(s.to_string()));
        text.last_char = s.chars().next_back();
    }

    /// Feeds the parts of `s` between placeholders to `sink` and places
    /// each placeholder where it stands.
    fn split_placeholders(&mut self, s: &str, at: usize, sink: fn(&mut Builder<'a>, &str, usize)) {
        let mut pos = 0;
        while let Some(found) = placeholder::find(s, pos) {
            if let Some(before) = s.get(pos..found.range.start) {
                sink(self, before, at + pos);
            }
            self.shortcode(&found, at + found.range.start);
            pos = found.range.end;
        }
        if let Some(rest) = s.get(pos..) {
            sink(self, rest, at + pos);
        }
    }

    /// Appends HTML text: whitespace runs collapse to one space, and a run
    /// with a line break is a soft break. Whitespace alone outside a text
    /// block is ignored.
    pub(crate) fn html_text(&mut self, s: &str, at: usize) {
        if self.skipping_raw {
            return;
        }
        if let Some(code) = self.inline_code.as_mut() {
            code.push_str(s);
            return;
        }
        if self.text.is_none() && s.chars().all(char::is_whitespace) {
            return;
        }
        let mut rest = s;
        while !rest.is_empty() {
            let ws_len = rest.len() - rest.trim_start_matches(is_html_space).len();
            if ws_len > 0 {
                let (ws, tail) = rest.split_at(ws_len);
                if ws.contains('\n') {
                    self.soft_break();
                } else {
                    self.space();
                }
                rest = tail;
                continue;
            }
            let word_len = rest.find(is_html_space).unwrap_or(rest.len());
            let (word, tail) = rest.split_at(word_len);
            self.text(word, at);
            rest = tail;
        }
    }

    fn space(&mut self) {
        if let Some(text) = self.text.as_mut()
            && text.last_char.is_some_and(|c| !c.is_whitespace())
        {
            text.pending_break = false;
            push_inline(text, Inline::Text(" ".into()));
            text.last_char = Some(' ');
        }
    }

    /// Appends inline code.
    pub(crate) fn code(&mut self, s: &str, at: usize) {
        if self.skipping_raw || s.is_empty() {
            return;
        }
        if placeholder::contains(s) {
            self.split_placeholders(s, at, Builder::code);
            return;
        }
        let text = self.ensure_text(at);
        resolve_pending(text, s.chars().next());
        push_inline(text, Inline::Code(s.to_string()));
        text.last_char = s.chars().next_back().or(text.last_char);
    }

    /// A source line break inside a paragraph (see [`softbreak`]).
    pub(crate) fn soft_break(&mut self) {
        if let Some(text) = self.text.as_mut()
            && text.last_char.is_some()
        {
            text.pending_break = true;
        }
    }

    /// A forced line break.
    pub(crate) fn line_break(&mut self) {
        if let Some(text) = self.text.as_mut() {
            text.pending_break = false;
            push_inline(text, Inline::LineBreak);
            text.last_char = None;
        }
    }

    /// Opens a style, link or transparent inline.
    pub(crate) fn open_inline(&mut self, tag: InlineTag, kind: InlineKind, at: usize) {
        let kind = match kind {
            InlineKind::Link(href, span) if placeholder::contains(&href) => {
                InlineKind::Link(self.clean(&href, span), span)
            }
            other => other,
        };
        let text = self.ensure_text(at);
        let kind = if text.containers.len() > MAX_INLINE_DEPTH {
            InlineKind::Transparent
        } else {
            kind
        };
        text.containers.push(InlineContainer {
            tag: Some(tag),
            kind,
            children: Vec::new(),
        });
    }

    /// Closes the innermost open inline with this tag (and any inline left
    /// open inside it); returns false when none is open.
    pub(crate) fn close_inline(&mut self, tag: &InlineTag) -> bool {
        let Some(text) = self.text.as_mut() else {
            return false;
        };
        let Some(pos) = text
            .containers
            .iter()
            .rposition(|f| f.tag.as_ref() == Some(tag))
        else {
            return false;
        };
        while text.containers.len() > pos.max(1) {
            fold_top(&mut text.containers);
        }
        true
    }

    /// Starts dropping text (inline `<script>`/`<style>`) until
    /// [`Builder::stop_skipping`] or the end of the paragraph.
    pub(crate) fn start_skipping(&mut self) {
        self.skipping_raw = true;
    }

    /// Stops dropping text.
    pub(crate) fn stop_skipping(&mut self) {
        self.skipping_raw = false;
    }

    /// Starts collecting inline code from HTML `<code>` tags.
    pub(crate) fn start_inline_code(&mut self, at: usize) {
        self.ensure_text(at);
        if self.inline_code.is_none() {
            self.inline_code = Some(String::new());
        }
    }

    /// Ends inline code started by [`Builder::start_inline_code`].
    pub(crate) fn end_inline_code(&mut self, at: usize) {
        if let Some(code) = self.inline_code.take() {
            self.code(&code, at);
        }
    }

    /// Places an image (Markdown `![]()` or HTML `<img>`) in the text block
    /// (opening an implicit paragraph when none is open), as an
    /// [`Inline::Image`]; a paragraph left holding nothing but images becomes
    /// figures when it ends.
    pub(crate) fn image(&mut self, image: InlineImage, at: usize) {
        if self.skipping_raw {
            return;
        }
        let image = self.clean_image(image);
        let text = self.ensure_text(at);
        resolve_pending(text, Some(IMAGE_AS_CHAR));
        push_inline(text, Inline::Image(Box::new(image)));
        text.last_char = Some(IMAGE_AS_CHAR);
    }

    /// Places a block figure that cannot sit inside the open text block (a
    /// `screen` in a heading or caption): after that block ends.
    fn hoist(&mut self, figure: Figure) {
        let figure = self.clean_figure(figure);
        match self.text.as_mut() {
            Some(text) => text.hoisted.push(figure),
            None => self.push_block(Block::Figure(figure)),
        }
    }

    // ----- shortcode placeholders -------------------------------------

    /// `s` without placeholders; each one removed is reported at `span`
    /// (a link URL, an image's alt or title, an id cannot hold a block).
    pub(crate) fn clean(&mut self, s: &str, span: Span) -> String {
        let (clean, removed) = placeholder::strip(s);
        for found in removed {
            let name = self
                .page
                .calls
                .get(found.id)
                .map_or("?", |c| c.name.as_str());
            self.diags.push(
                Diagnostic::warning(
                    span,
                    format!("shortcode `{name}` cannot stand in a link, an image or an attribute and is left out"),
                ).with_code(crate::diag::Code::ShortcodeMisplaced)
                .with_hint("move the shortcode out of the link or image"),
            );
        }
        clean
    }

    /// An image's source, alt text and title without placeholders (each
    /// one removed is reported at `span`).
    fn clean_image_fields(
        &mut self,
        src: &mut String,
        alt: &mut String,
        title: &mut Option<String>,
        span: Span,
    ) {
        for field in [src, alt].into_iter().chain(title.as_mut()) {
            if placeholder::contains(field) {
                let cleaned = self.clean(field, span);
                *field = cleaned;
            }
        }
    }

    /// A figure without placeholders in its source, alt text and title.
    fn clean_figure(&mut self, mut figure: Figure) -> Figure {
        let span = figure.span;
        self.clean_image_fields(
            &mut figure.image.src,
            &mut figure.alt,
            &mut figure.title,
            span,
        );
        figure
    }

    /// An inline image without placeholders in its source, alt text and
    /// title.
    fn clean_image(&mut self, mut image: InlineImage) -> InlineImage {
        let span = image.span;
        self.clean_image_fields(&mut image.image.src, &mut image.alt, &mut image.title, span);
        image
    }

    /// A code block; a placeholder inside it (a shortcode written in
    /// indented or fenced code, expanded as Hugo does) splits it: code
    /// before, the shortcode's block, code after.
    pub(crate) fn code_block(&mut self, language: Option<String>, text: &str, at: usize) {
        let language = language.map(|l| placeholder::strip(&l).0);
        let mut pos = 0;
        let push_code = |b: &mut Builder<'a>, piece: &str, at: usize| {
            let piece = piece.strip_prefix('\n').unwrap_or(piece);
            let piece = piece.trim_end_matches('\n');
            if piece.trim().is_empty() {
                return;
            }
            let span = b.span_at(at);
            b.add_block(Block::Code(CodeBlock {
                language: language.clone(),
                text: piece.to_string(),
                span,
            }));
        };
        while let Some(found) = placeholder::find(text, pos) {
            if let Some(before) = text.get(pos..found.range.start) {
                push_code(self, before, at + pos);
            }
            self.flush_text();
            self.shortcode(&found, at + found.range.start);
            self.flush_text();
            pos = found.range.end;
        }
        if let Some(rest) = text.get(pos..) {
            if pos == 0 {
                // No placeholder: the block as it is (blank lines kept).
                let rest = rest.trim_end_matches('\n');
                let span = self.span_at(at);
                self.add_block(Block::Code(CodeBlock {
                    language: language.clone(),
                    text: rest.to_string(),
                    span,
                }));
            } else {
                push_code(self, rest, at + pos);
            }
        }
    }

    /// Places the shortcode a placeholder stands for (see the module
    /// documentation).
    pub(crate) fn shortcode(&mut self, found: &Found, at: usize) {
        let page = self.page;
        let Some(call) = page.calls.get(found.id) else {
            self.warn(
                at,
                Code::LeftoverPlaceholder,
                "an internal shortcode placeholder was left over and is dropped",
            );
            return;
        };
        match found.role {
            Role::Open => self.open_box(call, None, at),
            Role::Close => self.placeholder_close(at),
            Role::Unit => match &call.kind {
                CallKind::Screen {
                    src,
                    alt,
                    title,
                    width,
                } => {
                    let figure = Figure {
                        image: ImageRef {
                            src: src.clone(),
                            path: Default::default(),
                        },
                        alt: alt.clone(),
                        title: title.clone(),
                        width: *width,
                        span: call.span,
                    };
                    if matches!(
                        self.text.as_ref().map(|t| &t.kind),
                        Some(TextKind::Paragraph) | None
                    ) {
                        let resume = self.split_text();
                        self.push_block(Block::Figure(figure));
                        self.resume_text(resume, at);
                    } else {
                        self.hoist(figure);
                    }
                }
                CallKind::Admonition { inner, .. } => self.open_box(call, inner.as_ref(), at),
                CallKind::Heading { level, inner, raw } => {
                    let resume = self.split_text();
                    if *raw {
                        self.raw_heading(*level, inner, call.span);
                    } else {
                        let kind = ContainerKind::HeadingContent {
                            level: *level,
                            name: call.name.clone(),
                        };
                        self.open_container(ContainerTag::HeadingContent, kind, at);
                        if let Some(container) = self.containers.last_mut() {
                            container.span = call.span;
                        }
                        self.feed_inner(inner);
                        self.pop_container();
                    }
                    self.resume_text(resume, at);
                }
                CallKind::Code { language, inner } => {
                    let resume = self.split_text();
                    self.docs.push(inner);
                    let text = inner.text.strip_prefix('\n').unwrap_or(&inner.text);
                    let text = text.strip_prefix("\r\n").unwrap_or(text);
                    let offset = inner.text.len() - text.len();
                    let text = text.trim_end();
                    if text.is_empty() {
                        self.diags.push(
                            Diagnostic::warning(call.span, "`highlight` has no code")
                                .with_code(crate::diag::Code::EmptyShortcode),
                        );
                    }
                    self.code_block(language.clone(), text, offset);
                    self.docs.pop();
                    self.resume_text(resume, at);
                }
                CallKind::Include { inner } => {
                    let resume = self.split_text();
                    self.open_container(ContainerTag::Inner, ContainerKind::Transparent, at);
                    self.feed_inner(inner);
                    self.pop_container();
                    self.resume_text(resume, at);
                }
            },
        }
    }

    /// Opens an admonition box: a v1 box (`inner`) is built here whole; a
    /// v2 box stays open for the blocks that follow until its close
    /// placeholder.
    fn open_box(
        &mut self,
        call: &'a crate::shortcode::ShortcodeCall,
        inner: Option<&'a Inner>,
        at: usize,
    ) {
        let CallKind::Admonition { kind, label, .. } = &call.kind else {
            self.placeholders.push(false);
            return;
        };
        let resume = self.split_text();
        let container = ContainerKind::Admonition {
            kind: *kind,
            label: label.clone(),
            name: call.name.clone(),
        };
        self.open_container(ContainerTag::Admonition, container, at);
        if let Some(container) = self.containers.last_mut() {
            container.span = call.span;
        }
        match inner {
            Some(inner) => {
                self.feed_inner(inner);
                self.pop_container();
            }
            None => self.placeholders.push(true),
        }
        self.resume_text(resume, at);
    }

    /// Parses an inner document into the innermost container, with its own
    /// source map; whatever it leaves open is closed at its end, and its
    /// closing tags cannot close the containers around it.
    fn feed_inner(&mut self, inner: &'a Inner) {
        self.flush_text();
        let depth = self.containers.len();
        let floor = std::mem::replace(&mut self.floor, depth);
        let placeholders = std::mem::take(&mut self.placeholders);
        self.docs.push(inner);
        super::feed(self, &inner.text);
        self.flush_text();
        while self.containers.len() > depth {
            self.pop_container();
        }
        self.docs.pop();
        self.placeholders = placeholders;
        self.floor = floor;
    }

    /// A v2 heading: the raw inner text, lines joined, Markdown not read.
    fn raw_heading(&mut self, level: u8, inner: &'a Inner, span: Span) {
        let text = placeholder::strip(&inner.text).0;
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let Some(first) = lines.next() else {
            self.diags.push(
                Diagnostic::warning(span, "heading shortcode has no text and is left out")
                    .with_code(crate::diag::Code::EmptyShortcode),
            );
            return;
        };
        self.docs.push(inner);
        self.open_text(
            TextKind::Heading {
                level,
                id: None,
                source: None,
            },
            0,
        );
        self.text(first, 0);
        for line in lines {
            self.soft_break();
            self.text(line, 0);
        }
        self.flush_text();
        self.docs.pop();
        if let Some(Block::Heading(h)) = self.last_block_mut() {
            h.span = span;
        }
    }

    /// The last block of the innermost container.
    fn last_block_mut(&mut self) -> Option<&mut Block> {
        self.containers.last_mut().and_then(|c| c.blocks.last_mut())
    }

    /// A v1 heading's collected blocks: its paragraphs become the heading,
    /// other blocks follow it.
    fn finish_heading(&mut self, level: u8, name: &str, blocks: Vec<Block>, span: Span) {
        let mut content: Vec<Inline> = Vec::new();
        let mut anchor = None;
        let mut rest = Vec::new();
        for block in blocks {
            match block {
                Block::Paragraph(p) if rest.is_empty() => {
                    if !content.is_empty() {
                        content.push(Inline::Text(" ".into()));
                    }
                    content.extend(p.content);
                }
                Block::Heading(h) if rest.is_empty() && content.is_empty() => {
                    // Its anchor was handed out already: the heading keeps it.
                    anchor = Some(h.anchor);
                    content.extend(h.content);
                }
                other => rest.push(other),
            }
        }
        if content.is_empty() {
            self.diags.push(
                Diagnostic::warning(
                    span,
                    format!("heading `{name}` has no text and is left out"),
                )
                .with_code(crate::diag::Code::EmptyShortcode),
            );
        } else {
            let text = plain_text(&content).trim().to_string();
            // Hugo gives a shortcode's heading no id; tebiki needs one for
            // the outline and links, made from its text.
            let anchor = anchor.unwrap_or_else(|| self.ids.generate(&text));
            self.push_block(Block::Heading(Heading {
                level,
                anchor,
                content,
                text,
                span,
            }));
        }
        for block in rest {
            self.push_block(block);
        }
    }

    /// A v2 box's close placeholder: ends the innermost open box (one
    /// opened in this document).
    pub(crate) fn placeholder_close(&mut self, at: usize) {
        if self.placeholders.pop() != Some(true) || !self.is_open(ContainerTag::Admonition) {
            return;
        }
        let resume = self.split_text();
        self.close_container(ContainerTag::Admonition);
        self.resume_text(resume, at);
    }
}

fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}')
}

/// Decides a pending soft break now that the next character is known.
fn resolve_pending(text: &mut TextBlock, next: Option<char>) {
    if !text.pending_break {
        return;
    }
    text.pending_break = false;
    let (Some(before), Some(after)) = (text.last_char, next) else {
        return;
    };
    if softbreak::joins(before, after) || before.is_whitespace() || after.is_whitespace() {
        return;
    }
    // The space belongs before any inline that opened since the last text:
    // find the innermost container whose later siblings are all still empty.
    let mut target = text.containers.len().saturating_sub(1);
    while target > 0
        && text
            .containers
            .get(target)
            .is_some_and(|f| f.children.is_empty())
    {
        target -= 1;
    }
    if let Some(container) = text.containers.get_mut(target) {
        push_to(&mut container.children, Inline::Text(" ".into()));
    }
}

fn push_inline(text: &mut TextBlock, inline: Inline) {
    if let Some(container) = text.containers.last_mut() {
        push_to(&mut container.children, inline);
    }
}

/// Pushes an inline, merging adjacent text.
fn push_to(children: &mut Vec<Inline>, inline: Inline) {
    if let Inline::Text(new) = &inline
        && let Some(Inline::Text(last)) = children.last_mut()
    {
        last.push_str(new);
        return;
    }
    children.push(inline);
}

/// Folds the top inline container into its parent.
fn fold_top(containers: &mut Vec<InlineContainer>) {
    if containers.len() < 2 {
        return;
    }
    let Some(container) = containers.pop() else {
        return;
    };
    let Some(parent) = containers.last_mut() else {
        return;
    };
    match container.kind {
        InlineKind::Style(style) => {
            if !container.children.is_empty() {
                parent
                    .children
                    .push(Inline::Styled(style, container.children));
            }
        }
        InlineKind::Link(href, span) => {
            if !container.children.is_empty() {
                parent.children.push(Inline::Link(Box::new(Link {
                    target: LinkTarget::Unresolved(href),
                    content: container.children,
                    span,
                })));
            }
        }
        InlineKind::Transparent => {
            for child in container.children {
                push_to(&mut parent.children, child);
            }
        }
    }
}

/// The images of a paragraph that holds nothing but images (each possibly
/// inside a link or style, which a figure does not keep), blanks and line
/// breaks; otherwise the content unchanged.
fn only_images(content: Vec<Inline>) -> Result<Vec<InlineImage>, Vec<Inline>> {
    let mut stack: Vec<&Inline> = content.iter().collect();
    let mut any = false;
    while let Some(inline) = stack.pop() {
        match inline {
            Inline::Image(_) => any = true,
            Inline::Link(link) => stack.extend(&link.content),
            Inline::Styled(_, inner) => stack.extend(inner),
            Inline::LineBreak => {}
            Inline::Text(t) if t.trim().is_empty() => {}
            Inline::Text(_) | Inline::Code(_) | Inline::FootnoteRef(_) => return Err(content),
        }
    }
    if !any {
        return Err(content);
    }
    let mut images = Vec::new();
    let mut stack: Vec<Inline> = content.into_iter().rev().collect();
    while let Some(inline) = stack.pop() {
        match inline {
            Inline::Image(image) => images.push(*image),
            Inline::Link(link) => stack.extend(link.content.into_iter().rev()),
            Inline::Styled(_, inner) => stack.extend(inner.into_iter().rev()),
            Inline::LineBreak | Inline::Text(_) | Inline::Code(_) | Inline::FootnoteRef(_) => {}
        }
    }
    Ok(images)
}

/// Removes leading and trailing whitespace and line breaks.
fn trim_inlines(content: &mut Vec<Inline>) {
    let blank = |i: &Inline| match i {
        Inline::LineBreak => true,
        Inline::Text(t) => t.trim().is_empty(),
        _ => false,
    };
    let end = content.iter().rposition(|i| !blank(i)).map_or(0, |p| p + 1);
    content.truncate(end);
    let start = content
        .iter()
        .position(|i| !blank(i))
        .unwrap_or(content.len());
    content.drain(..start);
    if let Some(Inline::Text(t)) = content.first_mut() {
        let trimmed = t.trim_start();
        if trimmed.len() != t.len() {
            *t = trimmed.to_string();
        }
    }
    if let Some(Inline::Text(t)) = content.last_mut() {
        t.truncate(t.trim_end().len());
    }
}
