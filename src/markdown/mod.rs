//! Markdown and raw HTML into the document model.
//!
//! Input: a [`ResolvedPage`] (Markdown with shortcode placeholders, see
//! [`placeholder`](crate::shortcode::placeholder), and a source map). Output: [`Block`]s with spans in the original file; links
//! are left as [`LinkTarget::Unresolved`](crate::model::LinkTarget) and image
//! paths unchecked (`ImageRef::path` empty), for `links` to resolve.
//!
//! pulldown-cmark reads the Markdown with the extensions Hugo's goldmark
//! turns on by default ([`MarkdownOptions`]: tables, strikethrough,
//! footnotes, definition lists, task lists, the typographer, plus heading
//! attributes); linkify (bare URLs) is done here with the `linkify` crate.
//! Its offset events drive a [`builder::Builder`], as do raw HTML blocks
//! and tags ([`html`]).
//!
//! Conventions:
//! - Soft line breaks disappear next to Japanese text and are a space
//!   elsewhere ([`softbreak`]); hard breaks and `<br>` are line breaks.
//! - An image alone in a paragraph (or in an HTML block) is a
//!   [`Block::Figure`]; an image inside text (a paragraph, heading, list
//!   item or table cell) stays where it is written, as an
//!   [`Inline::Image`](crate::model::Inline::Image) that renderers set in
//!   the line, as Hugo does.
//! - A block shortcode's placeholder inside a paragraph splits it: text
//!   before, the block (a `screen` figure, a v1 box built from its own inner
//!   document, a heading, an include), text after, all in the same container
//!   (e.g. one list item). Inside a code block or code span it splits the
//!   code the same way. v2 box placeholders wrap the blocks between them.
//!   An inner document is read in the page's dialect (same extensions,
//!   heading ids counted with the page's).
//! - Headings without an id get the id Hugo generates ([`anchors`]).
//! - Footnotes: `[^label]` is an [`Inline::FootnoteRef`](crate::model::Inline)
//!   numbered 1, 2… in order of first reference; the definitions follow the
//!   page's blocks as [`Block::Footnote`]s. A reference to an undefined
//!   label stays text.
//! - Linkify (goldmark's rule): `http(s)://…`, `www.…` and e-mail addresses
//!   become links only at a line start or after whitespace or `*_~(`; a URL
//!   glued to Japanese text stays text.
//! - Typographer: pulldown-cmark's smart punctuation (quotes, `--`, `---`,
//!   `...`) plus `<<`/`>>` → «/», as goldmark's typographer.
//! - Ordered lists keep their start number.
//! - An HTML block that leaves a `table`, list or `div` open continues
//!   through the Markdown written after it (separated by blank lines) until
//!   the HTML block that closes it: the Markdown lands inside the open cell
//!   or item, as Hugo renders it.

pub(crate) mod anchors;
pub(crate) mod builder;
pub(crate) mod html;
pub(crate) mod softbreak;
pub(crate) mod table;

pub use crate::site::{HeadingIdType, MarkdownOptions};

use std::ops::Range;

use pulldown_cmark::{
    Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
    TextMergeWithOffset,
};

use crate::diag::Diagnostics;
use crate::model::{Align, Block, ImageRef, InlineImage, InlineStyle};
use crate::shortcode::ResolvedPage;
use builder::{Builder, ContainerKind, ContainerTag, InlineKind, InlineTag, TextKind};

/// Parses one resolved page into model blocks in the dialect `options`
/// (see the module documentation for the conventions).
pub fn parse_page(
    page: &ResolvedPage,
    options: &MarkdownOptions,
    diags: &mut Diagnostics,
) -> Vec<Block> {
    let mut b = Builder::new(page, options, diags);
    feed(&mut b, &page.text);
    b.finish()
}

/// Parses one Markdown document (the page, or the inner document of a v1
/// shortcode) into the builder, in the builder's dialect.
pub(crate) fn feed(b: &mut Builder, text: &str) {
    let options = b.options();
    let mut flags = Options::ENABLE_HEADING_ATTRIBUTES;
    for (on, flag) in [
        (options.tables, Options::ENABLE_TABLES),
        (options.strikethrough, Options::ENABLE_STRIKETHROUGH),
        (options.footnotes, Options::ENABLE_FOOTNOTES),
        (options.definition_lists, Options::ENABLE_DEFINITION_LIST),
        (options.task_lists, Options::ENABLE_TASKLISTS),
        (options.typographer, Options::ENABLE_SMART_PUNCTUATION),
    ] {
        if on {
            flags |= flag;
        }
    }
    let events = Parser::new_ext(text, flags).into_offset_iter();
    let mut events = TextMergeWithOffset::new(events);
    let inline = InlineOptions {
        linkify: options.linkify.then(linkify_finder),
        www_scheme: options.linkify_protocol.as_str(),
        typographer: options.typographer,
    };
    run(b, &inline, &mut events);
}

/// What the text handler needs of the options.
struct InlineOptions<'o> {
    /// The URL finder, when linkify is on.
    linkify: Option<linkify::LinkFinder>,
    /// Scheme of bare `www.` links.
    www_scheme: &'o str,
    /// `<<`/`>>` → «/» (the rest of the typographer is pulldown-cmark's).
    typographer: bool,
}

/// A finder of URLs (with or without scheme) and e-mail addresses.
fn linkify_finder() -> linkify::LinkFinder {
    let mut finder = linkify::LinkFinder::new();
    finder.url_must_have_scheme(false);
    finder.kinds(&[linkify::LinkKind::Url, linkify::LinkKind::Email]);
    finder
}

/// Adds Markdown text, turning bare URLs into links (goldmark's linkify
/// rule) and `<<`/`>>` into guillemets when asked.
fn text_event(b: &mut Builder, options: &InlineOptions, text: &str, range: Range<usize>) {
    let replaced;
    let text = if options.typographer && (text.contains("<<") || text.contains(">>")) {
        replaced = text.replace("<<", "«").replace(">>", "»");
        replaced.as_str()
    } else {
        text
    };
    let Some(finder) = options.linkify.as_ref().filter(|_| !b.in_link()) else {
        b.text(text, range.start);
        return;
    };
    let mut done = 0;
    for found in finder.links(text) {
        let start = found.start();
        let before = match text.get(..start).and_then(|t| t.chars().next_back()) {
            Some(c) => Some(c),
            None if start == 0 => b.char_before(),
            None => continue,
        };
        if before.is_some_and(|c| !(c.is_whitespace() || "*_~(".contains(c))) {
            continue;
        }
        // goldmark's linkify is ASCII only: a link ends where Japanese
        // text (or any non-ASCII) begins, and trailing punctuation is left.
        let word = found.as_str();
        let ascii = word.find(|c: char| !c.is_ascii()).unwrap_or(word.len());
        let word = word[..ascii].trim_end_matches(['.', ',', ':', ';', '!', '?']);
        let end = start + word.len();
        if word.is_empty() {
            continue;
        }
        let href = match found.kind() {
            linkify::LinkKind::Email => format!("mailto:{word}"),
            _ => {
                let lower = word.to_ascii_lowercase();
                if lower.starts_with("http://") || lower.starts_with("https://") {
                    word.to_string()
                } else if lower.starts_with("www.") && word.len() > 4 {
                    format!("{}://{word}", options.www_scheme)
                } else {
                    continue;
                }
            }
        };
        if let Some(plain) = text.get(done..start) {
            b.text(plain, range.start + done);
        }
        let at = (range.start + start).min(range.end);
        let span = b.span(at..(range.start + end).min(range.end));
        b.open_inline(InlineTag::Linkify, InlineKind::Link(href, span), at);
        b.text(word, at);
        b.close_inline(&InlineTag::Linkify);
        done = end;
    }
    if let Some(rest) = text.get(done..).filter(|r| !r.is_empty()) {
        b.text(rest, range.start + done);
    }
}

/// One pulldown-cmark event with its range in the resolved text.
type Ev<'t> = (Event<'t>, Range<usize>);

/// Feeds events to the builder until the iterator ends.
fn run<'t>(b: &mut Builder, options: &InlineOptions, events: &mut dyn Iterator<Item = Ev<'t>>) {
    while let Some((event, range)) = events.next() {
        handle(b, options, event, range, events);
    }
}

/// The HTML text of an HTML block whose start event was just read.
fn html_block_text<'t>(events: &mut dyn Iterator<Item = Ev<'t>>) -> String {
    let mut text = String::new();
    for (event, _) in &mut *events {
        match event {
            Event::Html(t) | Event::Text(t) => text.push_str(&t),
            Event::End(TagEnd::HtmlBlock) => break,
            _ => {}
        }
    }
    text
}

/// An HTML block, with the Markdown and HTML blocks that follow it while it
/// leaves a container element (a table, a list, a div) open.
fn html_blocks<'t>(
    b: &mut Builder,
    options: &InlineOptions,
    at: usize,
    events: &mut dyn Iterator<Item = Ev<'t>>,
) {
    let first = html_block_text(events);
    let mut depth = html::open_depth(&first);
    let mut pieces = vec![html::Piece { html: first, at }];
    let mut chunks: Vec<Vec<Ev<'t>>> = Vec::new();
    let mut chunk: Vec<Ev<'t>> = Vec::new();
    while depth > 0 {
        let Some((event, range)) = events.next() else {
            break;
        };
        if let Event::Start(Tag::HtmlBlock) = event {
            let text = html_block_text(events);
            depth += html::open_depth(&text);
            chunks.push(std::mem::take(&mut chunk));
            pieces.push(html::Piece {
                html: text,
                at: range.start,
            });
        } else {
            chunk.push((event, range));
        }
    }
    if !chunk.is_empty() {
        while chunks.len() < pieces.len() {
            chunks.push(Vec::new());
        }
        chunks.push(chunk);
    }
    let count = chunks.len();
    let mut replay = |b: &mut Builder, k: usize| {
        if let Some(chunk) = chunks.get_mut(k) {
            let mut iter = std::mem::take(chunk).into_iter();
            run(b, options, &mut iter);
        }
    };
    html::block(b, &pieces, count, &mut replay);
}

/// Handles one event (reading more for code blocks, HTML blocks, images).
fn handle<'t>(
    b: &mut Builder,
    options: &InlineOptions,
    event: Event<'t>,
    range: Range<usize>,
    events: &mut dyn Iterator<Item = Ev<'t>>,
) {
    let at = range.start;
    let b = &mut *b;
    {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {
                    b.open_text(TextKind::Paragraph, at);
                }
                Tag::Heading { level, id, .. } => {
                    let id = id.map(|s| s.to_string()).filter(|s| !s.is_empty());
                    let raw = b.resolved_text(range.clone());
                    b.open_text(
                        TextKind::Heading {
                            level: heading_level(level),
                            id,
                            source: Some(anchors::heading_source(raw)),
                        },
                        at,
                    );
                }
                Tag::BlockQuote(_) => {
                    b.open_container(ContainerTag::Quote, ContainerKind::Quote, at)
                }
                Tag::CodeBlock(kind) => {
                    let language = match kind {
                        CodeBlockKind::Fenced(info) => info
                            .split_whitespace()
                            .next()
                            .map(str::to_string)
                            .filter(|s| !s.is_empty()),
                        CodeBlockKind::Indented => None,
                    };
                    let mut text = String::new();
                    let mut text_at = None;
                    for (event, range) in &mut *events {
                        match event {
                            Event::Text(t) => {
                                text_at.get_or_insert(range.start);
                                text.push_str(&t);
                            }
                            Event::End(TagEnd::CodeBlock) => break,
                            _ => {}
                        }
                    }
                    b.code_block(language, &text, text_at.unwrap_or(at));
                }
                Tag::HtmlBlock => html_blocks(b, options, at, events),
                Tag::List(start) => b.open_container(
                    ContainerTag::List,
                    ContainerKind::List {
                        start,
                        items: Vec::new(),
                    },
                    at,
                ),
                Tag::Item => b.open_container(
                    ContainerTag::Item,
                    ContainerKind::Item { checked: None },
                    at,
                ),
                Tag::Table(aligns) => b.open_container(
                    ContainerTag::Table,
                    ContainerKind::Table {
                        aligns: aligns.into_iter().map(align).collect(),
                        caption: None,
                        head: Vec::new(),
                        body: Vec::new(),
                        col_widths: Vec::new(),
                    },
                    at,
                ),
                Tag::TableHead | Tag::TableRow => b.open_container(
                    ContainerTag::Row,
                    ContainerKind::Row {
                        head: matches!(tag, Tag::TableHead),
                        cells: Vec::new(),
                    },
                    at,
                ),
                Tag::TableCell => {
                    let header = b.in_markdown_head();
                    let align = b.next_cell_align();
                    b.open_container(
                        ContainerTag::Cell,
                        ContainerKind::Cell {
                            header,
                            rowspan: 1,
                            colspan: 1,
                            align,
                            width: None,
                        },
                        at,
                    );
                }
                Tag::Emphasis => open_style(b, InlineStyle::Emphasis, at),
                Tag::Strong => open_style(b, InlineStyle::Strong, at),
                Tag::Strikethrough => open_style(b, InlineStyle::Strikethrough, at),
                Tag::Superscript => open_style(b, InlineStyle::Superscript, at),
                Tag::Subscript => open_style(b, InlineStyle::Subscript, at),
                Tag::Link {
                    link_type,
                    dest_url,
                    ..
                } => {
                    let span = b.span(range.clone());
                    let href = match link_type {
                        LinkType::Email if !dest_url.starts_with("mailto:") => {
                            format!("mailto:{dest_url}")
                        }
                        _ => dest_url.to_string(),
                    };
                    b.open_inline(InlineTag::MarkdownLink, InlineKind::Link(href, span), at);
                }
                Tag::Image {
                    dest_url, title, ..
                } => {
                    let mut alt = String::new();
                    let mut depth = 1usize;
                    for (event, _) in &mut *events {
                        match event {
                            Event::Start(Tag::Image { .. }) => depth += 1,
                            Event::End(TagEnd::Image) => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                            Event::SoftBreak | Event::HardBreak => alt.push(' '),
                            _ => {}
                        }
                    }
                    let image = InlineImage {
                        image: ImageRef {
                            src: dest_url.to_string(),
                            path: Default::default(),
                        },
                        alt,
                        title: Some(title.to_string()).filter(|t| !t.is_empty()),
                        width: None,
                        span: b.span(range.clone()),
                    };
                    b.image(image, at);
                }
                Tag::FootnoteDefinition(label) => b.open_container(
                    ContainerTag::Footnote,
                    ContainerKind::Footnote {
                        label: label.to_string(),
                    },
                    at,
                ),
                Tag::DefinitionList => b.open_container(
                    ContainerTag::DefinitionList,
                    ContainerKind::DefinitionList { items: Vec::new() },
                    at,
                ),
                Tag::DefinitionListTitle => {
                    b.open_text(TextKind::Term, at);
                }
                Tag::DefinitionListDefinition => {
                    b.open_container(ContainerTag::Definition, ContainerKind::Definition, at)
                }
                Tag::MetadataBlock(_) => {}
            },
            Event::End(end) => match end {
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::DefinitionListTitle => {
                    b.close_text()
                }
                TagEnd::FootnoteDefinition => b.close_container(ContainerTag::Footnote),
                TagEnd::DefinitionList => b.close_container(ContainerTag::DefinitionList),
                TagEnd::DefinitionListDefinition => b.close_container(ContainerTag::Definition),
                TagEnd::BlockQuote(_) => b.close_container(ContainerTag::Quote),
                TagEnd::List(_) => b.close_container(ContainerTag::List),
                TagEnd::Item => b.close_container(ContainerTag::Item),
                TagEnd::Table => b.close_container(ContainerTag::Table),
                TagEnd::TableHead | TagEnd::TableRow => b.close_container(ContainerTag::Row),
                TagEnd::TableCell => b.close_container(ContainerTag::Cell),
                TagEnd::Emphasis => close_style(b, InlineStyle::Emphasis),
                TagEnd::Strong => close_style(b, InlineStyle::Strong),
                TagEnd::Strikethrough => close_style(b, InlineStyle::Strikethrough),
                TagEnd::Superscript => close_style(b, InlineStyle::Superscript),
                TagEnd::Subscript => close_style(b, InlineStyle::Subscript),
                TagEnd::Link => {
                    b.close_inline(&InlineTag::MarkdownLink);
                }
                _ => {}
            },
            Event::Text(t) => text_event(b, options, &t, range.clone()),
            Event::Code(t) => b.code(&t, at),
            Event::InlineMath(t) | Event::DisplayMath(t) => b.text(&t, at),
            Event::Html(t) => {
                let piece = html::Piece {
                    html: t.to_string(),
                    at,
                };
                html::block(b, &[piece], 0, &mut |_, _| {});
            }
            Event::InlineHtml(t) => html::inline(b, &t, range.clone()),
            Event::FootnoteReference(label) => b.footnote_ref(&label, at),
            Event::SoftBreak => b.soft_break(),
            Event::HardBreak => b.line_break(),
            Event::Rule => b.add_block(Block::Rule(b.span(range.clone()))),
            Event::TaskListMarker(checked) => b.set_checked(checked),
        }
    }
}

fn open_style(b: &mut Builder, style: InlineStyle, at: usize) {
    b.open_inline(InlineTag::Markdown(style), InlineKind::Style(style), at);
}

fn close_style(b: &mut Builder, style: InlineStyle) {
    b.close_inline(&InlineTag::Markdown(style));
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn align(a: Alignment) -> Align {
    match a {
        Alignment::None => Align::Default,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;
