//! Block layout: the book's blocks → a flow of unbreakable [`Piece`]s with
//! keep rules, ready for [`paginate`].
//!
//! Input: model [`Block`]s, the [`TextContext`] (fonts, inline layout) and
//! the layout style. Output: pieces whose items are positioned relative to
//! the text area's left edge and the piece's top, carrying structure tags
//! for tagged PDF. One module per kind of block: `lists`, `boxes`
//! (admonitions, quotes, code), `table`, `figure`; `images` finds and
//! measures image files once.
//!
//! Footnotes: a reference is set as a superscript number linked to its note;
//! the note's lines (smaller type, number in a hanging gutter) ride on the
//! piece of the line that first references it ([`Piece::footnotes`]) and
//! [`paginate`] sets them at the foot of that sheet. Notes are numbered per
//! content page, as Hugo numbers them. The URLs of external links are notes
//! of their own series (`layout::xref`: marks `*1`, `*2`… per content page)
//! set the same way; internal links get their target's page number. Definition lists: the term in bold,
//! each definition indented below it.

mod boxes;
pub(crate) mod figure;
pub(crate) mod images;
mod lists;
pub(crate) mod paginate;
mod table;
pub(crate) mod text;

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Diagnostic, Diagnostics, SourceId, Span};
use crate::layout::font::FontRole;
use crate::layout::frame::LinkDest;
use crate::layout::frame::{FrameItem, LineItem, Point, StructTag, TagEvent};
use crate::layout::inline::{ParagraphStyle, TextStyle};
use crate::layout::style::{HeadingStyle, PdfStyle};
use crate::layout::xref::{UrlNotes, url_note_anchor};
use crate::model::{
    Align, Block, DefinitionList, Heading, Inline, InlineStyle, Link, LinkTarget, PageId, walk,
};

pub(crate) use images::ImageRegistry;
pub(crate) use paginate::{AreaFill, Piece, paginate};
pub(crate) use text::{InlineImages, LaidLine, TextContext, dest_name};

/// Measures narrower than this many body ems are set flush left.
const NARROW_MEASURE_EM: f32 = 20.0;

/// Nesting deeper than this (lists in lists in boxes...) is laid out flat.
const MAX_DEPTH: usize = 16;

/// Footnote type size relative to the body's.
const NOTE_SCALE: f32 = 0.8;
/// Footnote line pitch in note ems.
const NOTE_LEADING: f32 = 1.5;
/// Width of the gutter holding a note's number, in note ems.
const NOTE_GUTTER_EM: f32 = 2.0;
/// Length of the rule above the footnotes, as a share of the text width.
const NOTE_RULE_SHARE: f32 = 0.25;
/// Indent of a definition under its term, in body ems.
const DEFINITION_INDENT_EM: f32 = 2.0;

/// The anchor (within its page) of footnote `number`'s text: `fn:N`, which
/// no generated heading id can equal (they never contain `:`).
pub(crate) fn note_anchor(number: u32) -> String {
    format!("fn:{number}")
}

/// A growing sequence of pieces plus the state between blocks.
#[derive(Debug, Default)]
pub(crate) struct Flow {
    /// The pieces so far.
    pub pieces: Vec<Piece>,
    /// Tag marks waiting for the next piece.
    pending: Vec<FrameItem>,
    /// The next piece must stay with the previous one.
    pub(crate) glue_next: bool,
    /// Space before the next block instead of the usual gap.
    pub(crate) space_override: Option<f32>,
    /// The last piece ends a paragraph's text: a figure right after it is
    /// kept with it (the sentence that introduces the figure).
    pub(crate) text_ends: bool,
}

impl Flow {
    /// An empty flow.
    pub(crate) fn new() -> Flow {
        Flow::default()
    }

    /// Adds a piece, attaching pending tag marks and glue.
    pub(crate) fn push(&mut self, mut piece: Piece) {
        self.text_ends = false;
        if self.glue_next {
            piece.glue_to_prev = true;
            self.glue_next = false;
        }
        if !self.pending.is_empty() {
            let mut items: Vec<(Point, FrameItem)> = self
                .pending
                .drain(..)
                .map(|item| (Point::default(), item))
                .collect();
            items.append(&mut piece.items);
            piece.items = items;
        }
        // The last piece is done (only it takes closing marks): its items
        // lose the room their growth left (a third of a flow's item
        // slots, docs/benchmarks.md "Round 7").
        if let Some(done) = self.pieces.last_mut() {
            done.items.shrink_to_fit();
        }
        self.pieces.push(piece);
    }

    /// Opens a structure element before the next piece.
    pub(crate) fn open(&mut self, tag: StructTag) {
        self.pending.push(FrameItem::Tag(TagEvent::Start(tag)));
    }

    /// Closes the innermost structure element after the last piece (or
    /// drops it if it received no content).
    pub(crate) fn close(&mut self) {
        if matches!(
            self.pending.last(),
            Some(FrameItem::Tag(TagEvent::Start(_)))
        ) {
            self.pending.pop();
            return;
        }
        match self.pieces.last_mut() {
            Some(last) => last
                .items
                .push((Point::default(), FrameItem::Tag(TagEvent::End))),
            None => self.pending.push(FrameItem::Tag(TagEvent::End)),
        }
    }

    /// Whether tag marks wait for the next piece.
    pub(crate) fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Keeps the next piece with the last one.
    pub(crate) fn keep_with_next(&mut self) {
        self.glue_next = true;
    }

    /// The space before the next block: an override set by a heading, none
    /// at the start of a container, else `gap`.
    pub(crate) fn take_space(&mut self, gap: f32) -> f32 {
        match self.space_override.take() {
            Some(space) => space,
            None if self.pieces.is_empty() => 0.0,
            None => gap,
        }
    }

    /// Sets the space before the next block.
    pub(crate) fn set_space(&mut self, space: f32) {
        self.space_override = Some(space);
    }

    /// Gives the last `notes.len()` pieces (the lines just pushed) the note
    /// lines their line references.
    pub(crate) fn attach_notes(&mut self, notes: Vec<Vec<Piece>>) {
        let start = self.pieces.len().saturating_sub(notes.len());
        let lines = self.pieces.get_mut(start..).unwrap_or_default();
        for (piece, mut lines) in lines.iter_mut().zip(notes) {
            piece.footnotes.append(&mut lines);
        }
    }

    /// Moves another flow's pieces (and its unclosed marks) into this one.
    pub(crate) fn append(&mut self, mut other: Flow) {
        let mut first = true;
        for mut piece in other.pieces.drain(..) {
            if first && self.glue_next {
                piece.glue_to_prev = true;
                self.glue_next = false;
            }
            first = false;
            self.push(piece);
        }
        for item in other.pending {
            if let FrameItem::Tag(TagEvent::End) = item {
                self.close();
            } else {
                self.pending.push(item);
            }
        }
        if other.glue_next {
            self.glue_next = true;
        }
        if other.space_override.is_some() {
            self.space_override = other.space_override;
        }
    }
}

/// A heading as block layout sets it: a page title (level 1) or a heading
/// in a page body.
pub(crate) struct HeadingText<'a> {
    /// The heading's inline content.
    pub content: &'a [Inline],
    /// Its plain text (for the structure tag).
    pub text: &'a str,
    /// Level 1 (page title) to 6.
    pub level: u8,
    /// The named destination it sets.
    pub anchor: String,
}

/// Where [`BlockContext::blocks_in_style`] sets its blocks.
pub(crate) struct BlocksAt<'x> {
    /// The flow receiving the pieces.
    pub flow: &'x mut Flow,
    /// The blocks.
    pub blocks: &'x [Block],
    /// Left edge.
    pub x: f32,
    /// Measure.
    pub width: f32,
    /// Nesting depth.
    pub depth: usize,
}

/// Everything block layout needs.
pub(crate) struct BlockContext<'t, 'a> {
    /// Fonts and inline layout.
    pub text: &'t TextContext<'a>,
    /// Image files used so far.
    pub images: &'t mut ImageRegistry,
    /// Fonts, layouts and the image store.
    pub assets: &'t crate::assets::Assets,
    /// Problems found.
    pub diags: &'t mut Diagnostics,
    /// Height of a sheet's text area (images never exceed it).
    pub area_height: f32,
    /// Anchor prefix of the page being laid out.
    pub page_anchor: String,
    /// Scale of level-1 headings (page titles of nested pages are set a
    /// little smaller than section titles).
    pub title_scale: f32,
    /// Width of the text area (footnotes span it).
    pub area_width: f32,
    /// The page being laid out.
    pub page_id: PageId,
    /// Its footnotes' content by number.
    pub notes: BTreeMap<u32, Vec<Block>>,
    /// Its footnotes already set (with their first reference).
    pub placed_notes: BTreeSet<u32>,
    /// Its URL notes (external links' URLs printed at the foot of the sheet).
    pub url_notes: UrlNotes,
    /// Lists around the blocks being laid out (0 outside any list): a
    /// list's bullet is chosen by this level, so a top-level list inside a
    /// box or a table cell gets the first-level bullet.
    pub list_level: usize,
    /// The level-1 heading being set is a chapter title (the title of a
    /// top-level section), set apart from the titles of the pages in it.
    pub chapter_title: bool,
}

impl<'t, 'a> BlockContext<'t, 'a> {
    /// A context at the start of a pass (or of one of its runs): no page
    /// begun yet, outside any list, for a text area of `area`.
    pub(crate) fn new(
        text: &'t TextContext<'a>,
        images: &'t mut ImageRegistry,
        assets: &'t crate::assets::Assets,
        diags: &'t mut Diagnostics,
        area: crate::layout::frame::Size,
    ) -> BlockContext<'t, 'a> {
        BlockContext {
            text,
            images,
            assets,
            diags,
            area_height: area.height,
            page_anchor: String::new(),
            title_scale: 1.0,
            area_width: area.width,
            page_id: PageId(0),
            notes: BTreeMap::new(),
            placed_notes: BTreeSet::new(),
            url_notes: UrlNotes::default(),
            list_level: 0,
            chapter_title: false,
        }
    }
}

impl BlockContext<'_, '_> {
    /// The layout style.
    pub(crate) fn style(&self) -> &PdfStyle {
        self.text.style()
    }

    /// Loads the images inside `content` (each file once per document) and
    /// reports the ones that cannot be used at their spans; the usable ones
    /// are returned for [`TextContext::inlines`].
    pub(crate) fn inline_images(&mut self, content: &[Inline]) -> InlineImages {
        let mut found = InlineImages::new();
        let mut stack: Vec<std::slice::Iter<'_, Inline>> = vec![content.iter()];
        while let Some(iter) = stack.last_mut() {
            let Some(inline) = iter.next() else {
                stack.pop();
                continue;
            };
            match inline {
                Inline::Image(image) => {
                    let path = &image.image.path;
                    // An unresolved reference was reported by `links`.
                    if path.as_os_str().is_empty() || found.contains_key(path) {
                        continue;
                    }
                    match self.images.get(self.assets, path) {
                        Ok((key, loaded)) => {
                            found.insert(path.clone(), (key, loaded.width, loaded.height));
                        }
                        Err(err) => self.diags.push(crate::assets::images::image_diagnostic(
                            &image.image.src,
                            image.span,
                            &err,
                        )),
                    }
                }
                Inline::Styled(_, inner) => stack.push(inner.iter()),
                Inline::Link(link) => stack.push(link.content.iter()),
                Inline::Text(_) | Inline::Code(_) | Inline::LineBreak | Inline::FootnoteRef(_) => {}
            }
        }
        found
    }

    /// Lays out model inlines (with the images inside them).
    pub(crate) fn inlines(
        &mut self,
        content: &[Inline],
        base: &crate::layout::inline::TextStyle,
        para: &ParagraphStyle,
    ) -> Vec<LaidLine> {
        let images = self.inline_images(content);
        self.text.inlines(content, base, para, &images)
    }

    /// The natural (unbroken) width of inline content (with the images
    /// inside it), for table columns.
    pub(crate) fn natural_width(
        &mut self,
        content: &[Inline],
        base: &crate::layout::inline::TextStyle,
    ) -> f32 {
        let images = self.inline_images(content);
        self.text.natural_width(content, base, &images)
    }

    /// Lays out blocks like [`BlockContext::blocks`], but under `style`
    /// (a table cell's blocks in the cell's type size and leading). Images,
    /// diagnostics and footnotes are shared with this context.
    pub(crate) fn blocks_in_style(&mut self, style: &PdfStyle, target: BlocksAt<'_>) {
        let text = self.text.restyled(style);
        let mut inner = BlockContext {
            text: &text,
            images: &mut *self.images,
            assets: self.assets,
            diags: &mut *self.diags,
            area_height: self.area_height,
            page_anchor: std::mem::take(&mut self.page_anchor),
            title_scale: self.title_scale,
            area_width: self.area_width,
            page_id: self.page_id,
            notes: std::mem::take(&mut self.notes),
            placed_notes: std::mem::take(&mut self.placed_notes),
            url_notes: std::mem::take(&mut self.url_notes),
            // A cell starts its own list levels (its top-level list takes the
            // first-level bullet) and holds no chapter title.
            list_level: 0,
            chapter_title: false,
        };
        inner.blocks(
            target.flow,
            target.blocks,
            target.x,
            target.width,
            target.depth,
        );
        self.page_anchor = inner.page_anchor;
        self.notes = inner.notes;
        self.placed_notes = inner.placed_notes;
        self.url_notes = inner.url_notes;
    }

    /// Body line pitch.
    pub(crate) fn body_pitch(&self) -> f32 {
        let body = &self.style().body;
        body.size * body.leading
    }

    /// The pitch of the line grid body lines and headings snap to, 0 when
    /// `body.line_grid` is off.
    pub(crate) fn grid_pitch(&self) -> f32 {
        if self.style().body.line_grid {
            self.body_pitch()
        } else {
            0.0
        }
    }

    /// Gap between blocks.
    pub(crate) fn block_gap(&self) -> f32 {
        self.body_pitch() * self.style().body.paragraph_gap
    }

    /// Lays out blocks at `x` with `width` into `flow`.
    pub(crate) fn blocks(
        &mut self,
        flow: &mut Flow,
        blocks: &[Block],
        x: f32,
        width: f32,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            self.flattened(flow, blocks, x, width);
            return;
        }
        for block in blocks {
            self.block(flow, block, x, width, depth);
        }
    }

    /// Lays out one block.
    fn block(&mut self, flow: &mut Flow, block: &Block, x: f32, width: f32, depth: usize) {
        match block {
            Block::Heading(heading) => self.heading(flow, heading, x, width),
            Block::Paragraph(p) => {
                let gap = flow.take_space(self.block_gap());
                self.paragraph(flow, &p.content, x, width, gap, StructTag::Paragraph);
            }
            Block::List(list) => lists::list(self, flow, list, x, width, depth),
            Block::Figure(figure) => figure::figure(self, flow, figure, x, width),
            Block::Admonition(adm) => boxes::admonition(self, flow, adm, x, width, depth),
            Block::Table(table) => table::table(self, flow, table, x, width, depth),
            Block::Code(code) => boxes::code(self, flow, code, x, width),
            Block::Quote(quote) => boxes::quote(self, flow, quote, x, width, depth),
            Block::Rule(_) => self.rule(flow, x, width),
            Block::DefinitionList(list) => self.definition_list(flow, list, x, width, depth),
            // Set at the foot of the sheet that references it.
            Block::Footnote(_) => {}
        }
    }

    /// A body paragraph: one piece per line, the first two and the last
    /// two lines kept together (no orphans, no widows).
    pub(crate) fn paragraph(
        &mut self,
        flow: &mut Flow,
        content: &[Inline],
        x: f32,
        width: f32,
        space_before: f32,
        tag: StructTag,
    ) {
        let body = &self.style().body;
        let base = self
            .text
            .text_style(FontRole::Regular, body.size, body.color);
        // Justifying a measure of a few characters spreads letters apart;
        // narrow columns (table cells) are set flush left instead.
        let narrow = width < body.size * NARROW_MEASURE_EM;
        let para = ParagraphStyle {
            justify: !narrow && body.justify,
            ..self
                .text
                .paragraph_style(width, self.body_pitch(), Align::Default)
        };
        let (lines, notes) = self.set_inlines(content, &base, &para);
        let any = !lines.is_empty();
        let first = flow.pieces.len();
        push_lines(flow, lines, x, space_before, tag);
        let grid = self.grid_pitch();
        for piece in flow.pieces.iter_mut().skip(first) {
            piece.grid = grid;
        }
        flow.attach_notes(notes);
        flow.text_ends = any;
    }

    /// Starts a content page: its footnotes are looked up from here on.
    pub(crate) fn begin_page(&mut self, id: PageId, anchor: &str, blocks: &[Block]) {
        self.page_id = id;
        self.page_anchor = anchor.to_string();
        self.placed_notes.clear();
        self.notes.clear();
        self.url_notes.clear();
        walk::blocks(blocks, |block| {
            if let Block::Footnote(note) = block {
                self.notes
                    .entry(note.number)
                    .or_insert_with(|| note.blocks.clone());
            }
        });
    }

    /// Ends a content page: notes that no printed line referenced (a
    /// reference inside an image caption, say) are set after the page's
    /// text, so no note is lost.
    pub(crate) fn end_page(&mut self, flow: &mut Flow) {
        let left: Vec<u32> = self
            .notes
            .keys()
            .filter(|n| !self.placed_notes.contains(n))
            .copied()
            .collect();
        for number in left {
            self.placed_notes.insert(number);
            let pieces = self.footnote_pieces(number);
            let gap = flow.take_space(self.block_gap());
            for (i, mut piece) in pieces.into_iter().enumerate() {
                piece.space_before += if i == 0 { gap } else { 0.0 };
                flow.push(piece);
            }
        }
    }

    /// Lays out inline content whose footnote references become linked
    /// superscript numbers; returns the lines and, for each line, the lines
    /// of the notes it references first.
    pub(crate) fn set_inlines(
        &mut self,
        content: &[Inline],
        base: &TextStyle,
        para: &ParagraphStyle,
    ) -> (Vec<LaidLine>, Vec<Vec<Piece>>) {
        let text = self.text;
        let with_refs = text.cross_refs(content, self.page_id, &mut self.url_notes);
        let content = with_refs.as_deref().unwrap_or(content);
        let converted = note_links(content, self.page_id, 0);
        let lines = self.inlines(converted.as_deref().unwrap_or(content), base, para);
        if converted.is_none() && with_refs.is_none() {
            let empty = vec![Vec::new(); lines.len()];
            return (lines, empty);
        }
        let prefix = format!("{}#fn:", self.page_anchor);
        let url_prefix = format!("{}#url:", self.page_anchor);
        let mut notes = Vec::with_capacity(lines.len());
        for line in &lines {
            let mut pieces = Vec::new();
            for (_, item) in &line.items {
                let FrameItem::Link(link) = item else {
                    continue;
                };
                let LinkDest::Named(name) = &link.target else {
                    continue;
                };
                let number = |prefix: &str| {
                    name.strip_prefix(prefix)
                        .and_then(|n| n.parse::<u32>().ok())
                };
                if let Some(number) = number(&prefix)
                    && self.notes.contains_key(&number)
                    && self.placed_notes.insert(number)
                {
                    pieces.extend(self.footnote_pieces(number));
                }
                if let Some(number) = number(&url_prefix)
                    && self.url_notes.url(number).is_some()
                    && self.url_notes.placed.insert(number)
                {
                    pieces.extend(self.url_note_pieces(number));
                }
            }
            notes.push(pieces);
        }
        (lines, notes)
    }

    /// The lines of URL note `number`: the URL (linked) across the text
    /// area, its mark in the gutter.
    fn url_note_pieces(&mut self, number: u32) -> Vec<Piece> {
        let Some(url) = self.url_notes.url(number).map(str::to_string) else {
            return Vec::new();
        };
        let content = vec![vec![Inline::Link(Box::new(Link {
            target: LinkTarget::External(url.clone()),
            content: vec![Inline::Text(url)],
            span: Span::point(SourceId(0), 0),
        }))]];
        let label = self.style().links.url_mark_for(number);
        let anchor = dest_name(&self.page_anchor, Some(&url_note_anchor(number)));
        self.note_pieces(&label, anchor, &content)
    }

    /// The lines of footnote `number` across the text area: smaller type,
    /// the number in a hanging gutter, the note's anchor on its first line.
    fn footnote_pieces(&mut self, number: u32) -> Vec<Piece> {
        let Some(blocks) = self.notes.get(&number).cloned() else {
            return Vec::new();
        };
        // Paragraph text of the note (other blocks as their text).
        let mut contents: Vec<Vec<Inline>> = Vec::new();
        walk::blocks(&blocks, |block| match block {
            Block::Paragraph(p) => contents.push(p.content.clone()),
            Block::Heading(h) => contents.push(h.content.clone()),
            Block::Code(c) => contents.push(vec![Inline::Code(c.text.clone())]),
            Block::DefinitionList(d) => {
                contents.extend(d.items.iter().map(|i| i.term.clone()));
            }
            Block::List(_)
            | Block::Admonition(_)
            | Block::Quote(_)
            | Block::Table(_)
            | Block::Figure(_)
            | Block::Rule(_)
            | Block::Footnote(_) => {}
        });
        let anchor = dest_name(&self.page_anchor, Some(&note_anchor(number)));
        self.note_pieces(&number.to_string(), anchor, &contents)
    }

    /// The lines of a note at the foot of the sheet: `contents` (one
    /// paragraph each) in smaller type, `label` in a hanging gutter, the
    /// note's `anchor` on its first line.
    fn note_pieces(&mut self, label: &str, anchor: String, contents: &[Vec<Inline>]) -> Vec<Piece> {
        let body = &self.style().body;
        let size = body.size * NOTE_SCALE;
        let pitch = size * NOTE_LEADING;
        let color = body.color;
        let gutter = size * NOTE_GUTTER_EM;
        let width = self.area_width;
        let base = self.text.text_style(FontRole::Regular, size, color);
        let para = ParagraphStyle {
            justify: true,
            ..self
                .text
                .paragraph_style(width - gutter, pitch, Align::Default)
        };
        let label_para = self.text.paragraph_style(1000.0, pitch, Align::Left);
        let label = self
            .text
            .plain(label, &base, &label_para)
            .into_iter()
            .next();
        let mut out: Vec<Piece> = Vec::new();
        for content in contents {
            let lines = self.inlines(content, &base, &para);
            for line in lines {
                let mut items = vec![(
                    Point::default(),
                    FrameItem::Tag(TagEvent::Start(StructTag::Note)),
                )];
                if out.is_empty() {
                    items.push((Point::default(), FrameItem::Anchor(anchor.clone())));
                    if let Some(label) = &label {
                        // The number right-aligned in the gutter, on the
                        // first line's baseline.
                        let dx = gutter - size * 0.7 - label.width;
                        let dy = line.baseline - label.baseline;
                        items.push((
                            Point::default(),
                            FrameItem::Tag(TagEvent::Start(StructTag::ListLabel)),
                        ));
                        items.extend(
                            label
                                .items
                                .iter()
                                .map(|(at, item)| (at.offset(dx, dy), item.clone())),
                        );
                        items.push((Point::default(), FrameItem::Tag(TagEvent::End)));
                    }
                }
                items.extend(
                    line.items
                        .into_iter()
                        .map(|(at, item)| (at.offset(gutter, 0.0), item)),
                );
                items.push((Point::default(), FrameItem::Tag(TagEvent::End)));
                let mut piece = Piece::new(line.height, items);
                piece.baseline = Some(line.baseline);
                out.push(piece);
            }
        }
        if let Some(first) = out.first_mut() {
            first.space_before = size * 0.3;
        }
        out
    }

    /// The separator set above a sheet's footnotes: a short rule.
    pub(crate) fn footnote_separator(&self) -> Piece {
        let body = &self.style().body;
        let pitch = body.size * NOTE_SCALE * NOTE_LEADING;
        let rule = &self.style().rule;
        Piece::new(
            pitch,
            vec![
                (Point::default(), FrameItem::Tag(TagEvent::ArtifactStart)),
                (
                    Point::new(0.0, pitch * 0.55),
                    FrameItem::Line(LineItem {
                        to: Point::new(self.area_width * NOTE_RULE_SHARE, 0.0),
                        color: rule.color,
                        width: 0.5,
                    }),
                ),
                (Point::default(), FrameItem::Tag(TagEvent::ArtifactEnd)),
            ],
        )
    }

    /// A definition list: each term in bold, its definitions indented below.
    fn definition_list(
        &mut self,
        flow: &mut Flow,
        list: &DefinitionList,
        x: f32,
        width: f32,
        depth: usize,
    ) {
        let body = self.style().body.clone();
        let indent = body.size * DEFINITION_INDENT_EM;
        let mut first = true;
        flow.open(StructTag::List(false));
        for item in &list.items {
            if !item.term.is_empty() {
                let gap = if first {
                    flow.take_space(self.block_gap())
                } else {
                    flow.space_override.take();
                    self.block_gap() * 0.8
                };
                let base = self.text.text_style(FontRole::Bold, body.size, body.color);
                let para = self
                    .text
                    .paragraph_style(width, self.body_pitch(), Align::Left);
                let (lines, notes) = self.set_inlines(&item.term, &base, &para);
                push_lines(flow, lines, x, gap, StructTag::ListLabel);
                flow.attach_notes(notes);
                flow.keep_with_next();
                flow.set_space(body.size * 0.2);
            }
            first = false;
            for definition in &item.definitions {
                flow.open(StructTag::ListBody);
                self.blocks(flow, definition, x + indent, width - indent, depth + 1);
                flow.close();
                flow.set_space(body.size * 0.3);
            }
        }
        flow.close();
        flow.set_space(self.block_gap());
    }

    /// A heading inside a page body (levels 2 to 6).
    fn heading(&mut self, flow: &mut Flow, heading: &Heading, x: f32, width: f32) {
        let heading = HeadingText {
            content: &heading.content,
            text: &heading.text,
            level: heading.level,
            anchor: dest_name(&self.page_anchor, Some(&heading.anchor)),
        };
        self.heading_lines(flow, heading, x, width);
    }

    /// A heading (level 1 = page title) at `x` with `width`, setting its
    /// anchor; the next block is kept with it.
    pub(crate) fn heading_lines(
        &mut self,
        flow: &mut Flow,
        heading: HeadingText,
        x: f32,
        width: f32,
    ) {
        let HeadingText {
            content,
            text,
            level,
            anchor,
        } = heading;
        let style = &self.style().headings;
        let index = HeadingStyle::index(level);
        let chapter = level == 1 && self.chapter_title;
        let scale = if level == 1 { self.title_scale } else { 1.0 }
            * if chapter { CHAPTER_TITLE_SCALE } else { 1.0 };
        let size = style.sizes.get(index).copied().unwrap_or(10.0) * scale;
        let above = style.space_above.get(index).copied().unwrap_or(0.0);
        let below = style.space_below.get(index).copied().unwrap_or(0.0);
        let (color, accent) = (style.color, style.accent);
        let pitch = size * style.leading;
        // h2 gets a colour bar on its left; the text moves right of it.
        let bar = if level == 2 { size * 0.55 } else { 0.0 };
        let base = self.text.text_style(FontRole::Bold, size, color);
        let para = self.text.paragraph_style(width - bar, pitch, Align::Left);
        let (lines, mut notes) = self.set_inlines(content, &base, &para);
        let space = match flow.space_override.take() {
            Some(space) => space.max(above),
            None if flow.pieces.is_empty() => 0.0,
            None => above,
        };
        flow.open(StructTag::Heading(level.clamp(1, 6), text.into()));
        let count = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            let mut items = Vec::with_capacity(line.items.len() + 3);
            if i == 0 {
                items.push((Point::new(x, 0.0), FrameItem::Anchor(anchor.clone())));
            }
            if bar > 0.0 {
                // One bar over all lines of a wrapped heading: every line's
                // piece of the bar reaches its neighbours' (the lines are
                // glued together).
                let top = if i == 0 {
                    line.baseline - size * 0.85
                } else {
                    0.0
                };
                let bottom = if i + 1 == count {
                    line.baseline + size * 0.1
                } else {
                    line.height
                };
                items.push((
                    Point::new(x, top),
                    FrameItem::Rect(crate::layout::frame::RectItem {
                        size: crate::layout::frame::Size::new(size * 0.22, bottom - top),
                        fill: Some(accent),
                        stroke: None,
                    }),
                ));
            }
            items.extend(
                line.items
                    .into_iter()
                    .map(|(at, item)| (at.offset(x + bar, 0.0), item)),
            );
            let mut height = line.height;
            if level == 1 && i + 1 == count {
                let y = line.height + 3.0;
                items.push((
                    Point::new(x, y),
                    FrameItem::Line(LineItem {
                        to: Point::new(width, 0.0),
                        color: accent,
                        width: 1.2,
                    }),
                ));
                height += 4.0;
            }
            let mut piece = Piece::new(height, items);
            if chapter && i == 0 {
                chapter_band(&mut piece, x, width, accent);
            }
            if i == 0 {
                piece.grid = self.grid_pitch();
            }
            piece.space_before = if i == 0 { space } else { 0.0 };
            piece.glue_to_prev = i > 0;
            if let Some(lines) = notes.get_mut(i) {
                piece.footnotes.append(lines);
            }
            flow.push(piece);
        }
        if count == 0 {
            // An empty heading still marks its position.
            let mut piece = Piece::new(0.0, vec![(Point::new(x, 0.0), FrameItem::Anchor(anchor))]);
            piece.space_before = space;
            flow.push(piece);
        }
        flow.close();
        flow.keep_with_next();
        flow.set_space(below);
    }

    /// A thematic break.
    fn rule(&mut self, flow: &mut Flow, x: f32, width: f32) {
        let gap = self.block_gap();
        let rule = &self.style().rule;
        let piece = Piece {
            space_before: flow.take_space(gap),
            ..Piece::new(
                gap * 2.0,
                vec![(
                    Point::new(x, gap),
                    FrameItem::Line(LineItem {
                        to: Point::new(width, 0.0),
                        color: rule.color,
                        width: rule.width,
                    }),
                )],
            )
        };
        flow.push(piece);
    }

    /// Blocks nested too deeply: their text as plain paragraphs, in
    /// document order ([`walk::blocks`] needs no call stack).
    fn flattened(&mut self, flow: &mut Flow, blocks: &[Block], x: f32, width: f32) {
        let Some(first) = blocks.first() else { return };
        self.diags.push(Diagnostic::warning(
            first.span(),
            format!("blocks nested more than {MAX_DEPTH} levels deep are printed without their boxes and indents"),
        ).with_code(crate::diag::Code::NestingTooDeep));
        walk::blocks(blocks, |block| {
            match block {
                Block::Paragraph(p) => {
                    let gap = flow.take_space(self.block_gap());
                    self.paragraph(flow, &p.content, x, width, gap, StructTag::Paragraph);
                }
                Block::Heading(h) => {
                    let gap = flow.take_space(self.block_gap());
                    self.paragraph(flow, &h.content, x, width, gap, StructTag::Paragraph);
                }
                Block::Code(code) => {
                    let gap = flow.take_space(self.block_gap());
                    let content = [Inline::Code(code.text.clone())];
                    self.paragraph(flow, &content, x, width, gap, StructTag::Paragraph);
                }
                Block::DefinitionList(d) => {
                    for item in &d.items {
                        let gap = flow.take_space(self.block_gap());
                        self.paragraph(flow, &item.term, x, width, gap, StructTag::Paragraph);
                    }
                }
                // Containers print nothing themselves (the walk visits their
                // blocks next); figures and rules are left out, footnotes
                // are set at the foot of the sheet.
                Block::Footnote(_)
                | Block::List(_)
                | Block::Admonition(_)
                | Block::Quote(_)
                | Block::Table(_)
                | Block::Figure(_)
                | Block::Rule(_) => {}
            }
        });
    }
}

/// Pushes laid-out lines as pieces at `x`, wrapped in `tag`, with orphan
/// and widow control.
pub(crate) fn push_lines(
    flow: &mut Flow,
    lines: Vec<LaidLine>,
    x: f32,
    space_before: f32,
    tag: StructTag,
) {
    let count = lines.len();
    if count == 0 {
        return;
    }
    flow.open(tag);
    for (i, line) in lines.into_iter().enumerate() {
        let items = line
            .items
            .into_iter()
            .map(|(at, item)| (at.offset(x, 0.0), item))
            .collect();
        let mut piece = Piece::new(line.height, items);
        piece.baseline = Some(line.baseline);
        piece.space_before = if i == 0 { space_before } else { 0.0 };
        piece.glue_to_prev = i == 1 || (i > 0 && i + 1 == count);
        flow.push(piece);
    }
    flow.close();
}

/// `content` with every footnote reference replaced by its superscript
/// number linked to the note of page `page`; `None` when there is none.
fn note_links(content: &[Inline], page: PageId, depth: usize) -> Option<Vec<Inline>> {
    // The builder bounds inline nesting; a deeper hand-made tree is left as is.
    if depth > 64 {
        return None;
    }
    let mut changed = false;
    let mut out = Vec::with_capacity(content.len());
    for inline in content {
        let new = match inline {
            Inline::FootnoteRef(number) => Some(Inline::Styled(
                InlineStyle::Superscript,
                vec![Inline::Link(Box::new(Link {
                    target: LinkTarget::Internal {
                        page,
                        anchor: Some(note_anchor(*number)),
                    },
                    content: vec![Inline::Text(number.to_string())],
                    span: Span::point(SourceId(0), 0),
                }))],
            )),
            Inline::Styled(style, inner) => {
                note_links(inner, page, depth + 1).map(|inner| Inline::Styled(*style, inner))
            }
            Inline::Link(link) => note_links(&link.content, page, depth + 1).map(|inner| {
                Inline::Link(Box::new(Link {
                    content: inner,
                    ..Link::clone(link)
                }))
            }),
            Inline::Text(_) | Inline::Code(_) | Inline::LineBreak | Inline::Image(_) => None,
        };
        changed |= new.is_some();
        out.push(new.unwrap_or_else(|| inline.clone()));
    }
    changed.then_some(out)
}

/// Laid-out lines one under another from y = 0, with no space between:
/// their total height and their items.
pub(crate) fn stack_lines(lines: Vec<LaidLine>) -> (f32, Vec<(Point, FrameItem)>) {
    let mut y = 0.0;
    let mut items = Vec::new();
    for line in lines {
        items.extend(
            line.items
                .into_iter()
                .map(|(at, item)| (at.offset(0.0, y), item)),
        );
        y += line.height;
    }
    (y, items)
}

/// Stacks a flow's pieces into one block: total height and items relative
/// to the block's top (spaces between pieces kept, the first one dropped).
pub(crate) fn stack(pieces: Vec<Piece>) -> (f32, Vec<(Point, FrameItem)>) {
    let mut y = 0.0;
    let mut items = Vec::new();
    for (i, piece) in pieces.into_iter().enumerate() {
        if i > 0 {
            y += piece.space_before;
        }
        items.extend(
            piece
                .items
                .into_iter()
                .map(|(at, item)| (at.offset(0.0, y), item)),
        );
        y += piece.height;
    }
    (y, items)
}

/// Chapter titles (top-level sections) are this much larger than page
/// titles.
const CHAPTER_TITLE_SCALE: f32 = 1.2;

/// Sets a chapter title apart from page titles: a band of the accent
/// colour across the text area above it (the title moves down under it).
fn chapter_band(piece: &mut Piece, x: f32, width: f32, accent: crate::layout::frame::Rgb) {
    const BAND: f32 = 5.0;
    const GAP: f32 = 10.0;
    piece.shift_down(BAND + GAP);
    piece.items.insert(
        0,
        (
            Point::new(x, 0.0),
            FrameItem::Rect(crate::layout::frame::RectItem {
                size: crate::layout::frame::Size::new(width, BAND),
                fill: Some(accent),
                stroke: None,
            }),
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::{Assets, ImageStore};
    use crate::layout::font::FontBook;
    use crate::layout::frame::TextRun;
    use crate::model::CodeBlock;
    use crate::model::testing::{book, figure, heading, list, para_text, span};

    /// Lays out blocks at width 400 and returns the flow.
    fn lay_out(blocks: &[Block]) -> Flow {
        lay_out_with_diags(blocks).0
    }

    /// Lays out blocks at width 400 and returns the flow and diagnostics.
    pub(super) fn lay_out_with_diags(blocks: &[Block]) -> (Flow, Diagnostics) {
        let assets = Assets::embedded(ImageStore::new());
        let Ok(fonts) = FontBook::load(&assets) else {
            panic!("embedded fonts load");
        };
        let book = book(0, Vec::new());
        let style = PdfStyle::defaults();
        let text = TextContext::new(&fonts, &book, &style);
        let mut images = ImageRegistry::new();
        let mut diags = Diagnostics::new();
        let mut ctx = BlockContext::new(
            &text,
            &mut images,
            &assets,
            &mut diags,
            crate::layout::frame::Size::new(400.0, 700.0),
        );
        ctx.page_anchor = "p".into();
        let mut flow = Flow::new();
        ctx.blocks(&mut flow, blocks, 0.0, 400.0, 0);
        (flow, diags)
    }

    #[test]
    fn a_missing_image_is_a_diagnostic_at_the_figure() {
        let figure = figure(
            std::path::Path::new("/nonexistent/missing.png"),
            "ログイン画面",
            None,
            10,
        );
        let (flow, diags) = lay_out_with_diags(&[figure]);
        let errors: Vec<_> = diags.items().iter().collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].location, crate::diag::Location::Span(span(10)));
        assert!(
            errors[0].message.contains("/img/missing.png"),
            "{}",
            errors[0].message
        );
        // The placeholder keeps the caption (alt text) in the flow.
        let text: String = flow
            .pieces
            .iter()
            .flat_map(|p| runs(p).into_iter().map(|(_, r)| r.text().to_owned()))
            .collect();
        assert_eq!(text, "ログイン画面");
    }

    fn runs(piece: &Piece) -> Vec<(f32, &TextRun)> {
        piece
            .items
            .iter()
            .filter_map(|(at, item)| match item {
                FrameItem::Text(run) => Some((at.x, run)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_figure_is_kept_with_the_sentence_that_introduces_it() {
        let Some(dir) = tempfile::tempdir().ok() else {
            return;
        };
        let path = dir.path().join("shot.png");
        let img = image::RgbImage::from_pixel(800, 500, image::Rgb([200, 210, 220]));
        assert!(img.save(&path).is_ok());
        let flow = lay_out(&[
            para_text("次の画面が表示されます。"),
            figure(&path, "画面", None, 20),
            figure(&path, "同じ画面", None, 30),
        ]);
        let figures: Vec<&Piece> = flow.pieces.iter().filter(|p| p.shrink.is_some()).collect();
        assert_eq!(figures.len(), 2);
        // The first follows the sentence and is glued to it; the second
        // follows a figure, not a sentence.
        assert!(figures[0].glue_to_prev);
        assert!(!figures[1].glue_to_prev);
        let shrink = figures[0]
            .shrink
            .unwrap_or(crate::layout::flow::paginate::Shrink {
                image_height: 0.0,
                min_scale: 1.0,
            });
        assert!((shrink.min_scale - 0.85).abs() < 0.001);
        assert!(shrink.image_height > 100.0, "{shrink:?}");
    }

    #[test]
    fn code_keeps_its_indentation() {
        let flow = lay_out(&[Block::Code(CodeBlock {
            language: None,
            text: "a\n    b".into(),
            span: span(0),
        })]);
        assert_eq!(flow.pieces.len(), 2);
        let first = runs(&flow.pieces[0]);
        let second = runs(&flow.pieces[1]);
        let x_a = first.first().map(|r| r.0).unwrap_or_default();
        let x_b = second
            .iter()
            .find(|(_, r)| r.text().contains('b'))
            .map(|(x, r)| {
                x + r
                    .glyphs()
                    .iter()
                    .take_while(|g| g.range().start < r.text().find('b').unwrap_or(0))
                    .map(|g| g.x_advance)
                    .sum::<f32>()
            })
            .unwrap_or_default();
        assert!(x_b > x_a + 10.0, "indent lost: a at {x_a}, b at {x_b}");
    }

    /// Every piece but the last (which may still take closing marks) holds
    /// exactly its items: a flow keeps no spare item slots.
    #[test]
    fn finished_pieces_hold_no_spare_item_slots() {
        let flow = lay_out(&[
            heading(2, "h", "見出し"),
            para_text(&"設定画面を開き、保存を押します。".repeat(30)),
            list(Some(3), vec![vec![para_text("一")], vec![para_text("二")]]),
            para_text("終わり"),
        ]);
        assert!(flow.pieces.len() > 5, "{} pieces", flow.pieces.len());
        let (last, done) = flow.pieces.split_last().unwrap();
        assert!(!last.items.is_empty());
        for piece in done {
            assert_eq!(piece.items.capacity(), piece.items.len());
        }
    }

    #[test]
    fn numbered_lists_count_from_their_start_and_headings_keep_with_next() {
        let flow = lay_out(&[
            heading(2, "h", "見出し"),
            list(Some(3), vec![vec![para_text("一")], vec![para_text("二")]]),
        ]);
        let texts: Vec<String> = flow
            .pieces
            .iter()
            .flat_map(|p| runs(p).into_iter().map(|(_, r)| r.text().to_owned()))
            .collect();
        assert_eq!(texts, ["見出し", "3.", "一", "4.", "二"]);
        assert!(
            flow.pieces[1].glue_to_prev,
            "heading not kept with the list"
        );
        assert!(
            flow.pieces[0]
                .items
                .iter()
                .any(|(_, i)| *i == FrameItem::Anchor("p#h".into()))
        );
    }

    #[test]
    fn paragraphs_have_no_orphans_or_widows() {
        let long = "管理者は、ユーザーの追加や削除を行えます。".repeat(12);
        let flow = lay_out(&[para_text(&long)]);
        let n = flow.pieces.len();
        assert!(n >= 4, "{n} lines");
        let glue: Vec<bool> = flow.pieces.iter().map(|p| p.glue_to_prev).collect();
        assert!(glue[1] && glue[n - 1]);
        assert!(!glue[0] && !glue[2..n - 1].iter().all(|g| *g));
    }

    #[test]
    fn deep_nesting_is_flattened_without_crashing() {
        let mut block = para_text("深い");
        for _ in 0..200 {
            block = list(None, vec![vec![block]]);
        }
        let flow = lay_out(std::slice::from_ref(&block));
        let text: String = flow
            .pieces
            .iter()
            .flat_map(|p| runs(p).into_iter().map(|(_, r)| r.text().to_owned()))
            .collect();
        assert!(text.ends_with("深い"), "{text}");
        let max_x = flow
            .pieces
            .iter()
            .flat_map(|p| p.items.iter().map(|(at, _)| at.x))
            .fold(0.0, f32::max);
        assert!(max_x < 400.0, "content pushed out of the measure: {max_x}");
    }
}
