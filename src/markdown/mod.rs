//! Markdown and raw HTML into the document model.
//!
//! Input: a [`ResolvedPage`] (Markdown with shortcode placeholders, see
//! [`placeholder`](crate::shortcode::placeholder), and a source map). Output: [`Block`]s with spans in the original file; links
//! are left as [`LinkTarget::Unresolved`](crate::model::LinkTarget) and image
//! paths unchecked (`ImageRef::path` empty), for `links` to resolve.
//!
//! pulldown-cmark (tables, strikethrough, heading attributes; no smart
//! punctuation) reads the Markdown; its offset events drive a
//! [`builder::Builder`], as do raw HTML blocks and tags ([`html`]).
//!
//! Conventions:
//! - Soft line breaks disappear next to Japanese text and are a space
//!   elsewhere ([`softbreak`]); hard breaks and `<br>` are line breaks.
//! - An image alone in a paragraph (or in an HTML block) is a
//!   [`Block::Figure`]; an image inside text (a paragraph, heading, list
//!   item or table cell) stays where it is written, as an
//!   [`Inline::Image`](crate::model::Inline::Image) that renderers set in
//!   the line, as Hugo does.
//! - A `screen` placeholder inside a paragraph splits it: text before, the
//!   figure, text after, all in the same container (e.g. one list item).
//! - Admonition placeholders wrap the blocks between them.
//! - Headings without an id get a generated anchor ([`anchors`]).
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

use std::ops::Range;

use pulldown_cmark::{
    Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use crate::diag::Diagnostics;
use crate::model::{Align, Block, CodeBlock, ImageRef, InlineImage, InlineStyle};
use crate::shortcode::ResolvedPage;
use builder::{Builder, ContainerKind, ContainerTag, InlineKind, InlineTag, TextKind};

/// Parses one resolved page into model blocks (see the module documentation
/// for the conventions).
pub fn parse_page(page: &ResolvedPage, diags: &mut Diagnostics) -> Vec<Block> {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut events = Parser::new_ext(&page.text, options).into_offset_iter();
    let mut b = Builder::new(page, diags);
    run(&mut b, &mut events);
    let mut blocks = b.finish();
    anchors::assign(&mut blocks);
    blocks
}

/// One pulldown-cmark event with its range in the resolved text.
type Ev<'t> = (Event<'t>, Range<usize>);

/// Feeds events to the builder until the iterator ends.
fn run<'t>(b: &mut Builder, events: &mut dyn Iterator<Item = Ev<'t>>) {
    while let Some((event, range)) = events.next() {
        handle(b, event, range, events);
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
fn html_blocks<'t>(b: &mut Builder, at: usize, events: &mut dyn Iterator<Item = Ev<'t>>) {
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
            run(b, &mut iter);
        }
    };
    html::block(b, &pieces, count, &mut replay);
}

/// Handles one event (reading more for code blocks, HTML blocks, images).
fn handle<'t>(
    b: &mut Builder,
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
                    b.open_text(
                        TextKind::Heading {
                            level: heading_level(level),
                            id,
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
                    for (event, _) in &mut *events {
                        match event {
                            Event::Text(t) => text.push_str(&t),
                            Event::End(TagEnd::CodeBlock) => break,
                            _ => {}
                        }
                    }
                    let text = text.trim_end_matches('\n').to_string();
                    b.add_block(Block::Code(CodeBlock {
                        language,
                        text,
                        span: b.span_at(at),
                    }));
                }
                Tag::HtmlBlock => html_blocks(b, at, events),
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
                Tag::FootnoteDefinition(_)
                | Tag::DefinitionList
                | Tag::DefinitionListTitle
                | Tag::DefinitionListDefinition
                | Tag::MetadataBlock(_) => {}
            },
            Event::End(end) => match end {
                TagEnd::Paragraph | TagEnd::Heading(_) => b.close_text(),
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
            Event::Text(t) => b.text(&t, at),
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
            Event::FootnoteReference(t) => b.text(&format!("[^{t}]"), at),
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
