//! Text blocks for the flow: model inlines → inline layout → frame lines.
//!
//! Input: [`Inline`] content (or plain strings), a base [`TextStyle`] and a
//! [`ParagraphStyle`]. Output: [`LaidLine`]s whose items (glyph runs, inline
//! code backgrounds, underlines, link areas with their structure tags) are
//! positioned relative to the line's top-left corner. Line breaking and
//! justification are the inline layout's (`layout::inline`); this module
//! only translates styles and results.

use std::collections::BTreeMap;

use crate::layout::font::{FontBook, FontId, FontRole};
use crate::layout::frame::{
    FontKey, FontSource, FrameItem, LineItem, LinkArea, LinkDest, Point, RectItem, Rgb, Size,
    StructTag, TagEvent, TextRun,
};
use crate::layout::inline::{
    GlyphRun, InlinePiece, LineBox, ParagraphStyle, ShapeCache, TextStyle, layout_paragraph,
};
use crate::layout::style::PdfStyle;
use crate::model::{Align, Book, Inline, InlineStyle, LinkTarget};

/// Horizontal shear of synthetic italics (Latin only; the inline layout
/// clears `italic` for Japanese runs).
const ITALIC_SLANT: f32 = 0.2;

/// One laid-out line ready to be stacked.
#[derive(Debug, Clone, Default)]
pub(crate) struct LaidLine {
    /// Line pitch (the vertical space the line takes).
    pub height: f32,
    /// Baseline distance from the line's top.
    pub baseline: f32,
    /// Used width.
    pub width: f32,
    /// Items relative to the line's top-left corner.
    pub items: Vec<(Point, FrameItem)>,
}

/// Fonts, the shaping cache and link resolution for the whole book.
pub(crate) struct TextContext<'a> {
    fonts: &'a FontBook,
    cache: ShapeCache,
    keys: BTreeMap<FontId, FontKey>,
    sources: Vec<FontSource>,
    book: &'a Book,
    style: &'a PdfStyle,
}

impl<'a> TextContext<'a> {
    /// A context over the book's fonts.
    pub(crate) fn new(fonts: &'a FontBook, book: &'a Book, style: &'a PdfStyle) -> TextContext<'a> {
        let mut keys = BTreeMap::new();
        let mut sources = Vec::new();
        for id in fonts.ids() {
            let (data, index) = fonts.data(id);
            keys.insert(id, FontKey(sources.len()));
            sources.push(FontSource { data, index });
        }
        TextContext {
            fonts,
            cache: ShapeCache::new(),
            keys,
            sources,
            book,
            style,
        }
    }

    /// The font list the frame tree's [`FontKey`]s index.
    pub(crate) fn font_sources(&self) -> Vec<FontSource> {
        self.sources.clone()
    }

    /// The layout style.
    pub(crate) fn style(&self) -> &'a PdfStyle {
        self.style
    }

    /// A base text style of `role` and `size` in `color`.
    pub(crate) fn text_style(&self, role: FontRole, size: f32, color: Rgb) -> TextStyle {
        TextStyle {
            color,
            ..TextStyle::new(role, size)
        }
    }

    /// A paragraph style of the body's kinsoku and spacing settings, its
    /// lines set ragged by `align` (set `justify` for body text).
    pub(crate) fn paragraph_style(
        &self,
        width: f32,
        line_height: f32,
        align: Align,
    ) -> ParagraphStyle {
        ParagraphStyle {
            align,
            justify: false,
            kinsoku: self.style.body.kinsoku,
            jl_spacing: self.style.body.jl_spacing,
            ..ParagraphStyle::new(width.max(1.0), line_height)
        }
    }

    /// Lays out model inlines.
    pub(crate) fn inlines(
        &self,
        content: &[Inline],
        base: &TextStyle,
        para: &ParagraphStyle,
    ) -> Vec<LaidLine> {
        let mut links = Vec::new();
        let pieces = self.pieces(content, base, &mut links);
        self.lay_out(&pieces, para, &links)
    }

    /// Lays out plain text in one style.
    pub(crate) fn plain(
        &self,
        text: &str,
        base: &TextStyle,
        para: &ParagraphStyle,
    ) -> Vec<LaidLine> {
        let pieces = [InlinePiece::Text {
            text,
            style: base.clone(),
        }];
        self.lay_out(&pieces, para, &[])
    }

    /// The natural (unbroken) width of inline content, for table columns.
    pub(crate) fn natural_width(&self, content: &[Inline], base: &TextStyle) -> f32 {
        let mut links = Vec::new();
        let pieces = self.pieces(content, base, &mut links);
        let para = self.paragraph_style(100_000.0, base.size, Align::Left);
        let layout = layout_paragraph(&pieces, &para, self.fonts, &self.cache);
        layout
            .lines
            .iter()
            .map(|line| line.width)
            .fold(0.0, f32::max)
    }

    /// Width of a single line of plain text.
    pub(crate) fn plain_width(&self, text: &str, base: &TextStyle) -> f32 {
        let para = self.paragraph_style(100_000.0, base.size, Align::Left);
        self.plain(text, base, &para)
            .iter()
            .map(|l| l.width)
            .fold(0.0, f32::max)
    }

    /// Flattens the inline tree (explicit stack: input controls the depth)
    /// into styled pieces; link targets are collected into `links` and
    /// referenced by index from the styles.
    fn pieces<'c>(
        &self,
        content: &'c [Inline],
        base: &TextStyle,
        links: &mut Vec<LinkDest>,
    ) -> Vec<InlinePiece<'c>> {
        let mut out = Vec::new();
        let mut stack: Vec<(std::slice::Iter<'c, Inline>, TextStyle)> =
            vec![(content.iter(), base.clone())];
        while let Some((iter, style)) = stack.last_mut() {
            let Some(inline) = iter.next() else {
                stack.pop();
                continue;
            };
            let style = style.clone();
            match inline {
                Inline::Text(text) => out.push(InlinePiece::Text { text, style }),
                Inline::Code(text) => {
                    let mut code = style;
                    code.role = FontRole::Mono;
                    code.size *= 0.92;
                    code.background = Some(self.style.code.background);
                    out.push(InlinePiece::Text { text, style: code });
                }
                Inline::LineBreak => out.push(InlinePiece::LineBreak),
                // Block layout turns references into linked superscript
                // numbers before they get here (`BlockContext::set_inlines`);
                // one left (a note inside a note) prints nothing.
                Inline::FootnoteRef(_) => {}
                Inline::Styled(kind, inner) => {
                    stack.push((inner.iter(), apply_style(style, *kind, self.style)));
                }
                Inline::Link(link) => {
                    let mut linked = style;
                    if let Some(dest) = self.link_dest(&link.target) {
                        linked.link = Some(links.len());
                        links.push(dest);
                        linked.color = self.style.body.link_color;
                    }
                    stack.push((link.content.iter(), linked));
                }
            }
        }
        out
    }

    /// Where a model link goes in the PDF.
    fn link_dest(&self, target: &LinkTarget) -> Option<LinkDest> {
        match target {
            LinkTarget::Internal { page, anchor } => {
                let page = self.book.pages.get(page.0)?;
                Some(LinkDest::Named(dest_name(&page.anchor, anchor.as_deref())))
            }
            LinkTarget::External(url) => Some(LinkDest::Uri(url.clone())),
            LinkTarget::Unresolved(href) => {
                let lower = href.to_ascii_lowercase();
                (lower.starts_with("http://")
                    || lower.starts_with("https://")
                    || lower.starts_with("mailto:"))
                .then(|| LinkDest::Uri(href.clone()))
            }
        }
    }

    /// Runs the inline layout and converts its lines.
    fn lay_out(
        &self,
        pieces: &[InlinePiece],
        para: &ParagraphStyle,
        links: &[LinkDest],
    ) -> Vec<LaidLine> {
        let layout = layout_paragraph(pieces, para, self.fonts, &self.cache);
        layout
            .lines
            .iter()
            .map(|line| self.convert_line(line, para.line_height, links))
            .collect()
    }

    /// One line box → frame items.
    fn convert_line(&self, line: &LineBox, pitch: f32, links: &[LinkDest]) -> LaidLine {
        let content = line.ascent + line.descent;
        let height = pitch.max(content);
        let baseline = (height - content) / 2.0 + line.ascent;
        let mut items = Vec::with_capacity(line.runs.len() + 2);
        let mut index = 0;
        while let Some(run) = line.runs.get(index) {
            // Runs of one link stay together so that one area covers them.
            let link = run.style.link;
            let mut end = index + 1;
            while link.is_some() && line.runs.get(end).is_some_and(|r| r.style.link == link) {
                end += 1;
            }
            let group = line.runs.get(index..end).unwrap_or_default();
            let dest = link.and_then(|l| links.get(l));
            if dest.is_some() {
                items.push((
                    Point::default(),
                    FrameItem::Tag(TagEvent::Start(StructTag::Link)),
                ));
            }
            for run in group {
                self.push_run(run, baseline, &mut items);
            }
            if let (Some(dest), Some(first), Some(last)) = (dest, group.first(), group.last()) {
                let x0 = first.x;
                let x1 = last.x + last.width;
                items.push((
                    Point::new(x0, 0.0),
                    FrameItem::Link(LinkArea {
                        size: Size::new((x1 - x0).max(0.1), height),
                        target: dest.clone(),
                    }),
                ));
                items.push((Point::default(), FrameItem::Tag(TagEvent::End)));
            }
            index = end;
        }
        LaidLine {
            height,
            baseline,
            width: line.width,
            items,
        }
    }

    /// One glyph run with its decorations.
    fn push_run(&self, run: &GlyphRun, baseline: f32, items: &mut Vec<(Point, FrameItem)>) {
        let Some(&font) = self.keys.get(&run.font) else {
            return;
        };
        let metrics = self.fonts.metrics(run.font);
        let size = run.style.size;
        let y = baseline - run.style.baseline_shift;
        let color = run.style.color;
        if let Some(background) = run.style.background {
            let ascent = metrics.to_pt(metrics.ascender, size);
            let descent = -metrics.to_pt(metrics.descender, size);
            items.push((
                Point::new(run.x - 1.0, y - ascent),
                FrameItem::Rect(RectItem {
                    size: Size::new(run.width + 2.0, ascent + descent),
                    fill: Some(background),
                    stroke: None,
                }),
            ));
        }
        items.push((
            Point::new(run.x, y),
            FrameItem::Text(TextRun {
                font,
                size,
                color,
                text: run.text.clone(),
                slant: if run.style.italic { ITALIC_SLANT } else { 0.0 },
                glyphs: run.glyphs.clone(),
            }),
        ));
        let thickness = metrics.to_pt(metrics.underline_thickness, size).max(0.4);
        let decorations = [
            (run.style.underline, metrics.underline_position),
            (run.style.strike, metrics.strikeout_position),
        ];
        for (_, position) in decorations.into_iter().filter(|(on, _)| *on) {
            let dy = -metrics.to_pt(position, size);
            items.push((
                Point::new(run.x, y + dy),
                FrameItem::Line(LineItem {
                    to: Point::new(run.width, 0.0),
                    color,
                    width: thickness,
                }),
            ));
        }
    }
}

/// The named destination of a page (`anchor = None`) or a heading in it.
pub(crate) fn dest_name(page_anchor: &str, anchor: Option<&str>) -> String {
    match anchor {
        Some(anchor) => format!("{page_anchor}#{anchor}"),
        None => page_anchor.to_string(),
    }
}

/// The style inside an inline style element.
fn apply_style(mut style: TextStyle, kind: InlineStyle, layout: &PdfStyle) -> TextStyle {
    match kind {
        InlineStyle::Strong => {
            if style.role == FontRole::Regular {
                style.role = FontRole::Bold;
            }
        }
        InlineStyle::Emphasis => style.italic = true,
        InlineStyle::Underline => style.underline = true,
        InlineStyle::Strikethrough => style.strike = true,
        InlineStyle::Superscript => {
            style.baseline_shift += style.size * 0.33;
            style.size *= 0.7;
        }
        InlineStyle::Subscript => {
            style.baseline_shift -= style.size * 0.15;
            style.size *= 0.7;
        }
        InlineStyle::Keyboard => {
            style.role = FontRole::Mono;
            style.size *= 0.92;
            style.background = Some(layout.code.background);
        }
    }
    style
}
