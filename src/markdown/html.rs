//! Raw HTML into the model.
//!
//! Input: HTML blocks and inline HTML tags as pulldown-cmark reports them,
//! with their offsets in the resolved text. Output: builder operations, so
//! HTML tables, lists, images and inline styles become ordinary model blocks
//! and inlines. Block HTML is parsed into a DOM with `scraper` (html5ever);
//! a single inline tag is read with the html5ever tokenizer, and an inline
//! stack in the builder pairs open and close tags across text events.
//! `width` on `th`/`td`/`col`/`colgroup` (or `style="width: …"`, pixels or
//! percent) becomes the cell's or column's preferred width.
//!
//! Nothing raw passes through: `script`/`style` are dropped with their
//! content, other unsupported elements (`iframe`, `object`, unknown tags) are
//! dropped but keep their text, event attributes (`onclick`…) are dropped;
//! each with a warning at the tag's position.

use std::cell::RefCell;
use std::ops::Range;

use ego_tree::iter::Edge;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use scraper::{Html, Node};

use super::builder::{Builder, ContainerKind, ContainerTag, InlineKind, InlineTag, TextKind};
use super::table::{MAX_COLSPAN, MAX_ROWSPAN, parse_span};
use crate::diag::Code;
use crate::model::{Align, Block, ImageRef, InlineImage, InlineStyle, Length};

/// One tag read by the tokenizer.
#[derive(Debug, Clone, PartialEq)]
struct RawTag {
    end: bool,
    name: String,
    attrs: Vec<(String, String)>,
}

impl RawTag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
enum RawToken {
    Tag(RawTag),
    Text(String),
}

#[derive(Default)]
struct Collect {
    tokens: RefCell<Vec<RawToken>>,
}

impl TokenSink for Collect {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let raw = match token {
            Token::TagToken(tag) => RawToken::Tag(RawTag {
                end: tag.kind == TagKind::EndTag,
                name: tag.name.to_string(),
                attrs: tag
                    .attrs
                    .iter()
                    .map(|a| (a.name.local.to_string(), a.value.to_string()))
                    .collect(),
            }),
            Token::CharacterTokens(text) => RawToken::Text(text.to_string()),
            _ => return TokenSinkResult::Continue,
        };
        self.tokens.borrow_mut().push(raw);
        TokenSinkResult::Continue
    }
}

/// Tokenizes a piece of HTML into tags and text (comments dropped).
fn tokenize(html: &str) -> Vec<RawToken> {
    let tokenizer = Tokenizer::new(Collect::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html.into());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.tokens.take()
}

/// Handles one inline HTML event (a tag, a comment) inside a paragraph.
pub(crate) fn inline(b: &mut Builder, html: &str, range: Range<usize>) {
    for token in tokenize(html) {
        match token {
            RawToken::Tag(tag) => inline_tag(b, &tag, range.clone()),
            RawToken::Text(text) => b.text(&text, range.start),
        }
    }
}

fn inline_tag(b: &mut Builder, tag: &RawTag, range: Range<usize>) {
    let at = range.start;
    let name = tag.name.as_str();
    if tag.end {
        match name {
            "script" | "style" => b.stop_skipping(),
            "code" => b.end_inline_code(at),
            _ => {
                b.close_inline(&InlineTag::Html(name.to_string()));
            }
        }
        return;
    }
    check_attributes(b, tag.attrs.iter().map(|(k, _)| k.as_str()), at);
    match name {
        "br" => b.line_break(),
        "img" => image(b, |n| tag.attr(n), at),
        "code" => b.start_inline_code(at),
        "script" | "style" => {
            b.warn(
                at,
                Code::HtmlNotAllowed,
                format!("html `<{name}>` is not allowed and was dropped"),
            );
            b.start_skipping();
        }
        "a" => match tag.attr("href") {
            Some(href) => b.open_inline(
                InlineTag::Html(name.to_string()),
                InlineKind::Link(href.to_string(), b.span(range)),
                at,
            ),
            None => b.open_inline(
                InlineTag::Html(name.to_string()),
                InlineKind::Transparent,
                at,
            ),
        },
        _ => match classify(name) {
            Class::Style(style) => {
                b.open_inline(
                    InlineTag::Html(name.to_string()),
                    InlineKind::Style(style),
                    at,
                );
            }
            Class::InlineTransparent => b.open_inline(
                InlineTag::Html(name.to_string()),
                InlineKind::Transparent,
                at,
            ),
            // Block tags inside a paragraph carry no meaning here.
            Class::Ignored | Class::Block => {}
            Class::Unsupported => unsupported(b, name, at),
        },
    }
}

/// How an element maps to the model, beyond the structural ones handled
/// directly by the DOM walk.
enum Class {
    Style(InlineStyle),
    InlineTransparent,
    /// A block-level container whose content is kept as is.
    Block,
    /// Valid markup with nothing to render (`col`, `wbr`…): silently dropped.
    Ignored,
    Unsupported,
}

fn classify(name: &str) -> Class {
    match name {
        "b" | "strong" => Class::Style(InlineStyle::Strong),
        "i" | "em" | "cite" | "dfn" | "var" => Class::Style(InlineStyle::Emphasis),
        "u" | "ins" => Class::Style(InlineStyle::Underline),
        "s" | "del" | "strike" => Class::Style(InlineStyle::Strikethrough),
        "sup" => Class::Style(InlineStyle::Superscript),
        "sub" => Class::Style(InlineStyle::Subscript),
        "kbd" => Class::Style(InlineStyle::Keyboard),
        "span" | "font" | "small" | "big" | "mark" | "abbr" | "nobr" | "tt" | "samp" | "q"
        | "time" | "label" => Class::InlineTransparent,
        "div" | "section" | "article" | "main" | "header" | "footer" | "aside" | "nav"
        | "center" | "figure" | "figcaption" | "dl" | "dt" | "dd" | "p" | "html" | "body"
        | "details" | "summary" => Class::Block,
        "col" | "colgroup" | "wbr" | "head" | "meta" | "link" | "title" | "base" => Class::Ignored,
        _ => Class::Unsupported,
    }
}

fn unsupported(b: &mut Builder, name: &str, at: usize) {
    b.warn(
        at,
        Code::HtmlUnsupported,
        format!("html `<{name}>` is not supported and was dropped (its text is kept)"),
    );
}

/// Warns about event handler attributes (they are never copied anyway).
fn check_attributes<'x>(b: &mut Builder, names: impl Iterator<Item = &'x str>, at: usize) {
    for name in names {
        if name.len() > 2 && name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("on")) {
            b.warn(
                at,
                Code::HtmlUnsupported,
                format!("html event attribute `{name}` was dropped"),
            );
        }
    }
}

/// An `<img>`: inside text an inline image, alone a figure (see
/// [`Builder::image`]).
fn image<'x>(b: &mut Builder, attr: impl Fn(&str) -> Option<&'x str>, at: usize) {
    let Some(src) = attr("src").map(str::trim).filter(|s| !s.is_empty()) else {
        b.warn(
            at,
            Code::HtmlUnsupported,
            "html `<img>` without `src` was dropped",
        );
        return;
    };
    if attr("alt").is_none() {
        b.warn(
            at,
            Code::MissingAlt,
            format!("html `<img>` `{src}` has no `alt` text (use alt=\"\" for decorative images)"),
        );
    }
    let width = attr("width").and_then(|w| {
        let parsed = w.trim().trim_end_matches("px").trim().parse::<f32>();
        let valid = parsed.ok().filter(|v| v.is_finite() && *v > 0.0);
        if valid.is_none() {
            b.warn(
                at,
                Code::InvalidWidth,
                format!(
                    "html `<img>` width `{}` is not a positive number of pixels; it is ignored",
                    w.escape_debug()
                ),
            );
        }
        valid
    });
    let image = InlineImage {
        image: ImageRef {
            src: src.to_string(),
            path: Default::default(),
        },
        alt: attr("alt").unwrap_or_default().to_string(),
        title: attr("title").map(str::to_string).filter(|t| !t.is_empty()),
        width,
        span: b.span_at(at),
    };
    b.image(image, at);
}

/// Elements whose open count decides whether an HTML block continues past
/// Markdown written between its tags.
const CONTAINERS: &[&str] = &["table", "ul", "ol", "div", "blockquote", "dl"];

/// Container elements opened minus closed in `html`: above zero, the block
/// leaves elements open for Markdown that follows (a table whose cells hold
/// Markdown separated by blank lines).
pub(crate) fn open_depth(html: &str) -> i64 {
    tokenize(html)
        .iter()
        .map(|t| match t {
            RawToken::Tag(tag) if CONTAINERS.contains(&tag.name.as_str()) => {
                if tag.end {
                    -1
                } else {
                    1
                }
            }
            _ => 0,
        })
        .sum()
}

/// The placeholder element standing for a Markdown chunk between HTML pieces.
const MARKDOWN_MARK: &str = "tebiki-md";

/// One HTML block of the source and where it starts in the resolved text.
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    /// The block's HTML.
    pub html: String,
    /// Resolved offset of its first byte.
    pub at: usize,
}

/// Handles HTML blocks: one block, or several that belong together with
/// Markdown chunks between them (chunk `k` follows piece `k`). The pieces
/// are parsed as one fragment in which each chunk is a marker element; when
/// the walk reaches marker `k`, `replay(b, k)` builds that chunk's Markdown
/// right there (inside the table cell or list item the HTML left open).
pub(crate) fn block(
    b: &mut Builder,
    pieces: &[Piece],
    chunks: usize,
    replay: &mut dyn FnMut(&mut Builder, usize),
) {
    let mut html = String::new();
    let mut offsets = Vec::with_capacity(pieces.len());
    for (k, piece) in pieces.iter().enumerate() {
        offsets.push((html.len(), piece.at));
        html.push_str(&piece.html);
        if k < chunks {
            html.push_str(&format!("<{MARKDOWN_MARK} n=\"{k}\"></{MARKDOWN_MARK}>\n"));
        }
    }
    for k in pieces.len()..chunks {
        html.push_str(&format!("<{MARKDOWN_MARK} n=\"{k}\"></{MARKDOWN_MARK}>\n"));
    }
    dom(b, &html, &offsets, replay);
}

/// Resolved offset of a byte of the combined HTML.
fn resolved_at(offsets: &[(usize, usize)], pos: usize) -> usize {
    let i = offsets
        .partition_point(|&(start, _)| start <= pos)
        .saturating_sub(1);
    offsets
        .get(i)
        .map_or(0, |&(start, at)| at + pos.saturating_sub(start))
}

/// What an element opened in the builder, to undo on its close.
enum Opened {
    Nothing,
    Container(ContainerTag),
    Text(u64),
    Inline(InlineTag),
    Code,
}

/// Walks a parsed HTML fragment (iteratively) into builder operations.
fn dom(
    b: &mut Builder,
    html: &str,
    offsets: &[(usize, usize)],
    replay: &mut dyn FnMut(&mut Builder, usize),
) {
    let document = Html::parse_fragment(html);
    let lower = html.to_ascii_lowercase();
    let mut cursor = 0usize;
    let mut opened: Vec<Opened> = Vec::new();
    let mut skip: Option<ego_tree::NodeId> = None;
    for edge in document.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skip.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(text) => b.html_text(text, resolved_at(offsets, cursor)),
                    Node::Element(el) => {
                        let name = el.name();
                        if let Some(pos) = lower
                            .get(cursor..)
                            .and_then(|r| r.find(&format!("<{name}")))
                        {
                            cursor += pos;
                        }
                        let at = resolved_at(offsets, cursor);
                        if name == MARKDOWN_MARK {
                            if let Some(k) = el.attr("n").and_then(|n| n.parse().ok()) {
                                b.close_text();
                                replay(b, k);
                            }
                            skip = Some(node.id());
                            opened.push(Opened::Nothing);
                            continue;
                        }
                        if name == "pre" {
                            b.code_block(None, &pre_text(node), at);
                            skip = Some(node.id());
                            opened.push(Opened::Nothing);
                            continue;
                        }
                        if name == "colgroup"
                            && !node
                                .children()
                                .any(|c| c.value().as_element().is_some_and(|e| e.name() == "col"))
                        {
                            // A `colgroup` without `col`s stands for `span`
                            // columns.
                            b.table_col(
                                preferred_width(el),
                                parse_span(el.attr("span"), MAX_COLSPAN),
                            );
                        }
                        let (open, skip_children) = open_element(b, el, at);
                        if skip_children {
                            skip = Some(node.id());
                        }
                        opened.push(open);
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skip {
                    if id != node.id() {
                        continue;
                    }
                    skip = None;
                }
                if let Node::Element(_) = node.value() {
                    let at = resolved_at(offsets, cursor);
                    match opened.pop() {
                        Some(Opened::Container(tag)) => b.close_container(tag),
                        Some(Opened::Text(id)) => b.close_text_id(id),
                        Some(Opened::Inline(tag)) => {
                            b.close_inline(&tag);
                        }
                        Some(Opened::Code) => b.end_inline_code(at),
                        Some(Opened::Nothing) | None => {}
                    }
                }
            }
        }
    }
}

/// Opens one element; returns what to close later and whether its children
/// are skipped (already consumed or dropped).
fn open_element(b: &mut Builder, el: &scraper::node::Element, at: usize) -> (Opened, bool) {
    let name = el.name();
    check_attributes(b, el.attrs().map(|(k, _)| k), at);
    let container = |b: &mut Builder, tag: ContainerTag, kind: ContainerKind| {
        b.open_container(tag, kind, at);
        (Opened::Container(tag), false)
    };
    match name {
        "table" => container(
            b,
            ContainerTag::Table,
            ContainerKind::Table {
                aligns: Vec::new(),
                caption: None,
                head: Vec::new(),
                body: Vec::new(),
                col_widths: Vec::new(),
            },
        ),
        "caption" => (Opened::Text(b.open_text(TextKind::Caption, at)), false),
        "thead" => container(
            b,
            ContainerTag::Section,
            ContainerKind::Section { head: true },
        ),
        "tbody" | "tfoot" => container(
            b,
            ContainerTag::Section,
            ContainerKind::Section { head: false },
        ),
        "tr" => {
            let head = b.in_table_head();
            container(
                b,
                ContainerTag::Row,
                ContainerKind::Row {
                    head,
                    cells: Vec::new(),
                },
            )
        }
        "th" | "td" => container(
            b,
            ContainerTag::Cell,
            ContainerKind::Cell {
                header: name == "th",
                rowspan: parse_span(el.attr("rowspan"), MAX_ROWSPAN),
                colspan: parse_span(el.attr("colspan"), MAX_COLSPAN),
                align: cell_align(el),
                width: preferred_width(el),
            },
        ),
        "col" => {
            b.table_col(
                preferred_width(el),
                parse_span(el.attr("span"), MAX_COLSPAN),
            );
            (Opened::Nothing, true)
        }
        // Its `col` children are read (see `colgroup` in the walker).
        "colgroup" => (Opened::Nothing, false),
        "ul" => container(
            b,
            ContainerTag::List,
            ContainerKind::List {
                start: None,
                items: Vec::new(),
            },
        ),
        "ol" => {
            let start = el
                .attr("start")
                .and_then(|s| s.trim().parse::<u64>().ok())
                .unwrap_or(1);
            container(
                b,
                ContainerTag::List,
                ContainerKind::List {
                    start: Some(start),
                    items: Vec::new(),
                },
            )
        }
        "li" => container(b, ContainerTag::Item, ContainerKind::Item { checked: None }),
        "blockquote" => container(b, ContainerTag::Quote, ContainerKind::Quote),
        "p" => (Opened::Text(b.open_text(TextKind::Paragraph, at)), false),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            let level = name.as_bytes().get(1).map_or(2, |d| d.saturating_sub(b'0'));
            let id = el.attr("id").map(str::to_string).filter(|s| !s.is_empty());
            (
                Opened::Text(b.open_text(
                    TextKind::Heading {
                        level,
                        id,
                        source: None,
                    },
                    at,
                )),
                false,
            )
        }
        "hr" => {
            b.add_block(Block::Rule(b.span_at(at)));
            (Opened::Nothing, false)
        }
        "br" => {
            b.line_break();
            (Opened::Nothing, false)
        }
        "img" => {
            image(b, |n| el.attr(n), at);
            (Opened::Nothing, false)
        }
        "code" => {
            b.start_inline_code(at);
            (Opened::Code, false)
        }
        "script" | "style" => {
            b.warn(
                at,
                Code::HtmlNotAllowed,
                format!("html `<{name}>` is not allowed and was dropped"),
            );
            (Opened::Nothing, true)
        }
        "a" => {
            let kind = match el.attr("href") {
                Some(href) => InlineKind::Link(href.to_string(), b.span_at(at)),
                None => InlineKind::Transparent,
            };
            let tag = InlineTag::Html("a".into());
            b.open_inline(tag.clone(), kind, at);
            (Opened::Inline(tag), false)
        }
        _ => match classify(name) {
            Class::Style(style) => {
                let tag = InlineTag::Html(name.to_string());
                b.open_inline(tag.clone(), InlineKind::Style(style), at);
                (Opened::Inline(tag), false)
            }
            Class::InlineTransparent => {
                let tag = InlineTag::Html(name.to_string());
                b.open_inline(tag.clone(), InlineKind::Transparent, at);
                (Opened::Inline(tag), false)
            }
            Class::Block => container(b, ContainerTag::Div, ContainerKind::Transparent),
            Class::Ignored => (Opened::Nothing, true),
            Class::Unsupported => {
                unsupported(b, name, at);
                (Opened::Nothing, false)
            }
        },
    }
}

/// `width="…"` or `style="width: …"` of a cell or column, as a [`Length`]
/// (pixels or percent; other units are ignored).
fn preferred_width(el: &scraper::node::Element) -> Option<Length> {
    if let Some(width) = el.attr("width") {
        return Length::parse(width);
    }
    let style = el.attr("style")?;
    style.split(';').find_map(|decl| {
        let (prop, value) = decl.split_once(':')?;
        prop.trim()
            .eq_ignore_ascii_case("width")
            .then(|| Length::parse(value))
            .flatten()
    })
}

/// `align="…"` or `style="text-align: …"` of a cell.
fn cell_align(el: &scraper::node::Element) -> Align {
    let from_word = |w: &str| match w.trim().to_ascii_lowercase().as_str() {
        "left" | "start" => Align::Left,
        "center" | "middle" => Align::Center,
        "right" | "end" => Align::Right,
        _ => Align::Default,
    };
    if let Some(align) = el.attr("align") {
        return from_word(align);
    }
    if let Some(style) = el.attr("style") {
        for decl in style.split(';') {
            if let Some((prop, value)) = decl.split_once(':')
                && prop.trim().eq_ignore_ascii_case("text-align")
            {
                return from_word(value);
            }
        }
    }
    Align::Default
}

/// The text of a `<pre>` element, without a first and last line break.
fn pre_text(node: ego_tree::NodeRef<'_, Node>) -> String {
    let text: String = node
        .descendants()
        .filter_map(|n| match n.value() {
            Node::Text(t) => Some(&**t),
            _ => None,
        })
        .collect();
    let text = text.strip_prefix('\n').unwrap_or(&text);
    text.trim_end_matches('\n').to_string()
}
