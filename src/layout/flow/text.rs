//! Text blocks for the flow: model inlines → inline layout → frame lines.
//!
//! Input: [`Inline`] content (or plain strings), a base [`TextStyle`], a
//! [`ParagraphStyle`] and the loaded [`InlineImages`] of the content.
//! Output: [`LaidLine`]s whose items (glyph runs, inline code backgrounds,
//! underlines, images inside the text, link areas with their structure tags)
//! are positioned relative to the line's top-left corner.
//!
//! An image inside text is an inline object of the line: its natural size
//! (CSS pixels, or the width the source asked for) scaled down to one em of
//! the surrounding text when taller, centred on the ideographic em box, in
//! the text's structure element as an inline `Figure` with its alt text (an
//! image without alt text is an artifact). Link text is underlined
//! (`links.underline`); page references and URL marks after links come
//! from [`TextContext::cross_refs`] (`layout::xref`). Line breaking and
//! justification are the inline layout's (`layout::inline`); this module
//! only translates styles and results.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diag::Span;
use crate::layout::font::{FontBook, FontId, FontRole};
use crate::layout::frame::{
    FontKey, FontSource, FrameItem, ImageItem, ImageKey, LineItem, LinkArea, LinkDest, Point,
    RectItem, Rgb, Size, StructTag, TagEvent, TextRun,
};
use crate::layout::inline::{
    GlyphRun, InlineObject, InlinePiece, LayoutCache, LineBox, ParagraphStyle, PlacedObject,
    ShapeCache, TextStyle,
};
use crate::layout::style::PdfStyle;
use crate::layout::xref::{CrossRefs, LinkSheets, UrlNotes, is_note_dest};
use crate::model::{Align, Book, Inline, InlineStyle, LinkTarget};

/// Horizontal shear of synthetic italics (Latin only; the inline layout
/// clears `italic` for Japanese runs).
const ITALIC_SLANT: f32 = 0.2;

/// CSS pixels to points.
const PT_PER_CSS_PX: f32 = 0.75;

/// The folio printed in a page reference before the first pass has found
/// the target's sheet (two digits, the width of most folios).
const PAGE_PLACEHOLDER: u32 = 10;

/// Bottom of the ideographic em box below the baseline, in em (Japanese
/// faces put their em box from −0.12 em to 0.88 em): an image one em tall
/// fills the box, a smaller one is centred in it.
const IDEOGRAPHIC_BOTTOM: f32 = 0.12;

/// The images inside one text block that could be loaded: file → key in the
/// document's image list and pixel size. An image missing here is set as
/// its alt text.
pub(crate) type InlineImages = BTreeMap<PathBuf, (ImageKey, u32, u32)>;

/// An image of a paragraph as the line converter draws it.
#[derive(Debug, Clone)]
struct ObjectImage<'c> {
    key: ImageKey,
    alt: &'c str,
    span: Span,
}

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

/// A link of a paragraph being laid out: where it goes and, for an
/// internal link, where it is written.
#[derive(Debug, Clone)]
struct LinkRef {
    /// Where it goes.
    dest: LinkDest,
    /// Where it is written (internal links only).
    source: Option<Span>,
}

/// Fonts, the shaping and paragraph caches and link resolution for the
/// whole book.
pub(crate) struct TextContext<'a> {
    fonts: &'a FontBook,
    /// Shaped runs, shared with the contexts [`TextContext::restyled`] makes
    /// (and with the threads laying out the pages of one pass).
    cache: std::sync::Arc<ShapeCache>,
    /// Laid-out paragraphs by content (every pass, and every region that
    /// shares the cache, reuses them).
    layouts: std::sync::Arc<LayoutCache>,
    keys: BTreeMap<FontId, FontKey>,
    sources: Vec<FontSource>,
    book: &'a Book,
    style: &'a PdfStyle,
    /// Folios of the named destinations from the previous layout pass
    /// (for page references after internal links).
    folios: std::sync::Arc<BTreeMap<String, u32>>,
    /// The sheets of the internal links from the previous layout pass.
    link_sheets: std::sync::Arc<LinkSheets>,
    /// Page references printed so far in this pass (shared with the
    /// contexts [`TextContext::restyled`] makes, counted from every thread
    /// laying out the pass's pages: a sum, whatever the order).
    refs_printed: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// Tables' column widths by their inputs (every pass sets each table
    /// again).
    tables: std::sync::Arc<super::table::DistributedWidths>,
}

impl<'a> TextContext<'a> {
    /// A context over the book's fonts, with a paragraph cache of its own.
    #[cfg(test)]
    pub(crate) fn new(fonts: &'a FontBook, book: &'a Book, style: &'a PdfStyle) -> TextContext<'a> {
        TextContext::with_cache(fonts, book, style, std::sync::Arc::default())
    }

    /// A context over the book's fonts that reuses and fills `layouts`
    /// (shared with other books, or kept from an earlier build).
    pub(crate) fn with_cache(
        fonts: &'a FontBook,
        book: &'a Book,
        style: &'a PdfStyle,
        layouts: std::sync::Arc<LayoutCache>,
    ) -> TextContext<'a> {
        let mut keys = BTreeMap::new();
        let mut sources = Vec::new();
        for id in fonts.ids() {
            let (data, index) = fonts.data(id);
            keys.insert(
                id,
                FontKey(u32::try_from(sources.len()).unwrap_or(u32::MAX)),
            );
            sources.push(FontSource {
                data,
                index,
                embed_with: None,
            });
        }
        // The monospace sibling's glyphs (the regular text's punctuation)
        // share the regular face's PDF font.
        if let Some(sibling) = fonts.punctuation_face()
            && let Some(&key) = keys.get(&sibling)
            && let Some(&regular) = keys.get(&fonts.font(FontRole::Regular))
            && key != regular
            && let Some(source) = sources.get_mut(key.index())
        {
            source.embed_with = Some(regular);
        }
        TextContext {
            fonts,
            cache: std::sync::Arc::new(ShapeCache::new()),
            layouts,
            keys,
            sources,
            book,
            style,
            folios: std::sync::Arc::new(BTreeMap::new()),
            link_sheets: std::sync::Arc::new(LinkSheets::new()),
            refs_printed: std::sync::Arc::default(),
            tables: std::sync::Arc::default(),
        }
    }

    /// Starts a layout pass that prints `folios` in page references and
    /// leaves out the references of links that were on their target's
    /// sheet (`link_sheets`).
    pub(crate) fn begin_pass(&mut self, folios: BTreeMap<String, u32>, link_sheets: LinkSheets) {
        self.folios = std::sync::Arc::new(folios);
        self.link_sheets = std::sync::Arc::new(link_sheets);
        self.reset_refs_printed();
    }

    /// Counts this pass's page references from 0 again (the pass is laid
    /// out again).
    pub(crate) fn reset_refs_printed(&self) {
        self.refs_printed
            .store(0, std::sync::atomic::Ordering::Relaxed);
    }

    /// The folios this pass prints in page references.
    pub(crate) fn folios(&self) -> &BTreeMap<String, u32> {
        &self.folios
    }

    /// The sheets of the internal links this pass decides by.
    pub(crate) fn link_sheets(&self) -> &LinkSheets {
        &self.link_sheets
    }

    /// How many page references this pass printed.
    pub(crate) fn refs_printed(&self) -> usize {
        self.refs_printed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Adds page references and URL marks to `content` (see
    /// [`CrossRefs`]); `None` when there is nothing to add.
    pub(crate) fn cross_refs(
        &self,
        content: &[Inline],
        page: crate::model::PageId,
        notes: &mut UrlNotes,
    ) -> Option<Vec<Inline>> {
        let refs = CrossRefs {
            style: &self.style.links,
            book: self.book,
            folios: &self.folios,
            link_sheets: &self.link_sheets,
            placeholder: PAGE_PLACEHOLDER,
            page,
            printed: std::cell::Cell::new(0),
        };
        let out = refs.apply(content, notes);
        self.refs_printed
            .fetch_add(refs.printed.get(), std::sync::atomic::Ordering::Relaxed);
        out
    }

    /// The same fonts and book under another style (a table cell's lists
    /// set in the cell's type size), sharing this context's caches (their
    /// entries are keyed by every style input). Font keys are the same as
    /// this context's.
    pub(crate) fn restyled<'b>(&self, style: &'b PdfStyle) -> TextContext<'b>
    where
        'a: 'b,
    {
        TextContext {
            fonts: self.fonts,
            cache: std::sync::Arc::clone(&self.cache),
            layouts: std::sync::Arc::clone(&self.layouts),
            keys: self.keys.clone(),
            sources: self.sources.clone(),
            book: self.book,
            style,
            folios: self.folios.clone(),
            link_sheets: self.link_sheets.clone(),
            refs_printed: self.refs_printed.clone(),
            tables: self.tables.clone(),
        }
    }

    /// The column widths of the book's tables, distributed once per input.
    pub(crate) fn distributed_widths(&self) -> &super::table::DistributedWidths {
        &self.tables
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

    /// Lays out model inlines; `images` are the loaded images inside them.
    pub(crate) fn inlines(
        &self,
        content: &[Inline],
        base: &TextStyle,
        para: &ParagraphStyle,
        images: &InlineImages,
    ) -> Vec<LaidLine> {
        let mut links = Vec::new();
        let mut objects = Vec::new();
        let pieces = self.pieces(content, base, para.width, images, &mut links, &mut objects);
        self.lay_out(&pieces, para, &links, &objects)
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
        self.lay_out(&pieces, para, &[], &[])
    }

    /// The natural (unbroken) width of inline content, for table columns.
    pub(crate) fn natural_width(
        &self,
        content: &[Inline],
        base: &TextStyle,
        images: &InlineImages,
    ) -> f32 {
        let mut links = Vec::new();
        let mut objects = Vec::new();
        let pieces = self.pieces(content, base, 100_000.0, images, &mut links, &mut objects);
        let para = self.paragraph_style(100_000.0, base.size, Align::Left);
        let layout = self.layouts.layout(&pieces, &para, self.fonts, &self.cache);
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
    /// referenced by index from the styles, images into `objects` and
    /// referenced by index from the inline objects (at most `width` wide).
    fn pieces<'c>(
        &self,
        content: &'c [Inline],
        base: &TextStyle,
        width: f32,
        images: &InlineImages,
        links: &mut Vec<LinkRef>,
        objects: &mut Vec<ObjectImage<'c>>,
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
                Inline::Image(image) => match images.get(&image.image.path) {
                    Some(&(key, px_w, px_h)) => {
                        let size = inline_image_size(px_w, px_h, image.width, style.size, width);
                        let center = (0.5 - IDEOGRAPHIC_BOTTOM) * style.size;
                        out.push(InlinePiece::Object(InlineObject {
                            id: objects.len(),
                            width: size.width,
                            ascent: center + size.height / 2.0,
                            descent: size.height / 2.0 - center,
                            style,
                        }));
                        objects.push(ObjectImage {
                            key,
                            alt: &image.alt,
                            span: image.span,
                        });
                    }
                    // Not loadable (reported where it was loaded): its alt text.
                    None => out.push(InlinePiece::Text {
                        text: &image.alt,
                        style,
                    }),
                },
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
                        // Underlined (visible in greyscale), except note marks.
                        let note = matches!(&dest, LinkDest::Named(name) if is_note_dest(name));
                        linked.underline |= self.style.links.underline && !note;
                        linked.link = Some(links.len());
                        // Where an internal link is written: its page
                        // reference is left out on its target's sheet.
                        let source =
                            matches!(link.target, LinkTarget::Internal { .. }).then_some(link.span);
                        links.push(LinkRef { dest, source });
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
        links: &[LinkRef],
        objects: &[ObjectImage],
    ) -> Vec<LaidLine> {
        let layout = self.layouts.layout(pieces, para, self.fonts, &self.cache);
        layout
            .lines
            .iter()
            .map(|line| self.convert_line(line, para.line_height, links, objects))
            .collect()
    }

    /// One line box → frame items, in reading order (runs and the images
    /// between them).
    fn convert_line(
        &self,
        line: &LineBox,
        pitch: f32,
        links: &[LinkRef],
        objects: &[ObjectImage],
    ) -> LaidLine {
        let content = line.ascent + line.descent;
        let height = pitch.max(content);
        let baseline = (height - content) / 2.0 + line.ascent;
        let mut items = Vec::with_capacity(line.runs.len() + 2);
        let elements = line_elements(line);
        let mut index = 0;
        while let Some(element) = elements.get(index) {
            // Runs (and images) of one link stay together so that one area
            // covers them.
            let link = element.link();
            let mut end = index + 1;
            while link.is_some() && elements.get(end).is_some_and(|e| e.link() == link) {
                end += 1;
            }
            let group = elements.get(index..end).unwrap_or_default();
            let dest = link.and_then(|l| links.get(l));
            if dest.is_some() {
                items.push((
                    Point::default(),
                    FrameItem::Tag(TagEvent::Start(StructTag::Link)),
                ));
            }
            for element in group {
                match element {
                    Element::Run(run) => self.push_run(run, baseline, &mut items),
                    Element::Object(object) => {
                        push_object(object, objects, baseline, &mut items);
                    }
                }
            }
            if let (Some(link), Some(first), Some(last)) = (dest, group.first(), group.last()) {
                let x0 = first.x();
                let x1 = last.right();
                items.push((
                    Point::new(x0, 0.0),
                    FrameItem::Link(Box::new(LinkArea {
                        size: Size::new((x1 - x0).max(0.1), height),
                        target: link.dest.clone(),
                        source: link.source,
                    })),
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
                slant: if run.style.italic { ITALIC_SLANT } else { 0.0 },
                shaped: std::sync::Arc::clone(&run.shaped),
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

/// A run or an inline object of a line.
#[derive(Debug, Clone, Copy)]
enum Element<'l> {
    Run(&'l GlyphRun),
    Object(&'l PlacedObject),
}

impl Element<'_> {
    fn link(&self) -> Option<usize> {
        match self {
            Element::Run(run) => run.style.link,
            Element::Object(object) => object.link,
        }
    }

    fn x(&self) -> f32 {
        match self {
            Element::Run(run) => run.x,
            Element::Object(object) => object.x,
        }
    }

    fn right(&self) -> f32 {
        match self {
            Element::Run(run) => run.x + run.width,
            Element::Object(object) => object.x + object.width,
        }
    }
}

/// A line's runs and objects in reading order.
fn line_elements(line: &LineBox) -> Vec<Element<'_>> {
    let mut out = Vec::with_capacity(line.runs.len() + line.objects.len());
    let mut objects = line.objects.iter().peekable();
    for (i, run) in line.runs.iter().enumerate() {
        while let Some(object) = objects.next_if(|o| o.after_runs <= i) {
            out.push(Element::Object(object));
        }
        out.push(Element::Run(run));
    }
    out.extend(objects.map(Element::Object));
    out
}

/// An image set in a line: an inline `Figure` with its alt text, or an
/// artifact when it has none.
fn push_object(
    object: &PlacedObject,
    images: &[ObjectImage],
    baseline: f32,
    items: &mut Vec<(Point, FrameItem)>,
) {
    let Some(image) = images.get(object.id) else {
        return;
    };
    let described = !image.alt.trim().is_empty();
    let (start, end) = if described {
        (
            TagEvent::Start(StructTag::Figure(image.alt.into())),
            TagEvent::End,
        )
    } else {
        (TagEvent::ArtifactStart, TagEvent::ArtifactEnd)
    };
    items.push((Point::default(), FrameItem::Tag(start)));
    items.push((
        Point::new(object.x, baseline - object.ascent),
        FrameItem::Image(Box::new(ImageItem {
            image: image.key,
            size: Size::new(object.width, object.ascent + object.descent),
            alt: image.alt.to_string(),
            span: image.span,
            clip: None,
        })),
    ));
    items.push((Point::default(), FrameItem::Tag(end)));
}

/// The size of an image inside text: its natural size in CSS pixels (or
/// the width the source asked for), scaled down to `em` tall when taller and
/// to `max_width` wide when wider; never scaled up.
pub(crate) fn inline_image_size(
    px_w: u32,
    px_h: u32,
    requested_css_px: Option<f32>,
    em: f32,
    max_width: f32,
) -> Size {
    let px_w = px_w.max(1) as f32;
    let px_h = px_h.max(1) as f32;
    let css_w = requested_css_px
        .filter(|v| v.is_finite() && *v > 0.0)
        .unwrap_or(px_w)
        .min(100_000.0);
    let mut w = css_w * PT_PER_CSS_PX;
    let mut h = w * px_h / px_w;
    let em = if em.is_finite() && em > 0.0 { em } else { 10.0 };
    if h > em {
        w *= em / h;
        h = em;
    }
    let max_width = if max_width.is_finite() {
        max_width.max(1.0)
    } else {
        w
    };
    if w > max_width {
        h *= max_width / w;
        w = max_width;
    }
    Size::new(w.max(0.5), h.max(0.5))
}

pub(crate) use crate::layout::frame::dest_name;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::{Assets, ImageStore};
    use std::sync::Arc;

    /// The text runs of a paragraph's lines are the paragraph cache's runs
    /// (the same shared glyphs and text, not copies): a second layout of
    /// the same paragraph (the next page-reference pass, another region)
    /// holds no glyph of its own, and each run draws exactly the glyphs
    /// and text the inline layout set.
    #[test]
    fn text_runs_share_the_cached_lines() {
        let assets = Assets::embedded(ImageStore::new());
        let Ok(fonts) = FontBook::load(&assets) else {
            panic!("embedded fonts load");
        };
        let book = crate::model::testing::book(0, Vec::new());
        let style = PdfStyle::defaults();
        let text = TextContext::new(&fonts, &book, &style);
        let base = text.text_style(FontRole::Regular, 10.0, Rgb::BLACK);
        let para = text.paragraph_style(120.0, 14.0, Align::Left);
        let content = "Webブラウザーで設定画面を開き、*Save* を押します。".repeat(4);
        let runs = |lines: &[LaidLine]| -> Vec<TextRun> {
            lines
                .iter()
                .flat_map(|l| &l.items)
                .filter_map(|(_, item)| match item {
                    FrameItem::Text(run) => Some(run.clone()),
                    _ => None,
                })
                .collect()
        };
        let first = runs(&text.plain(&content, &base, &para));
        let second = runs(&text.plain(&content, &base, &para));
        assert!(first.len() > 3, "{} runs", first.len());
        assert_eq!(first.len(), second.len());
        for (a, b) in first.iter().zip(&second) {
            assert!(Arc::ptr_eq(&a.shaped, &b.shaped));
        }
        let pieces = [InlinePiece::Text {
            text: &content,
            style: base.clone(),
        }];
        let layout = text.layouts.layout(&pieces, &para, &fonts, &text.cache);
        let cached: Vec<&GlyphRun> = layout.lines.iter().flat_map(|l| &l.runs).collect();
        assert_eq!(cached.len(), first.len());
        for (run, glyphs) in first.iter().zip(cached) {
            assert!(Arc::ptr_eq(&run.shaped, &glyphs.shaped));
            assert_eq!(run.text(), glyphs.text());
            assert_eq!(run.glyphs(), glyphs.glyphs());
            assert_eq!(run.size, glyphs.style.size);
        }
        let joined: String = first.iter().map(TextRun::text).collect();
        assert_eq!(joined.replace(' ', ""), content.replace(' ', ""));
    }

    #[test]
    fn inline_images_are_at_most_one_em_tall() {
        // A 32 px icon next to 10 pt text: 24 pt natural, set 10 pt tall.
        let s = inline_image_size(32, 32, None, 10.0, 400.0);
        assert!((s.height - 10.0).abs() < 0.01 && (s.width - 10.0).abs() < 0.01);
        // A wide one keeps its aspect ratio.
        let s = inline_image_size(64, 32, None, 10.0, 400.0);
        assert!((s.height - 10.0).abs() < 0.01 && (s.width - 20.0).abs() < 0.01);
        // A small one keeps its size (8 px = 6 pt).
        let s = inline_image_size(8, 8, None, 10.0, 400.0);
        assert!((s.height - 6.0).abs() < 0.01);
        // The requested width counts, and nothing is wider than the line.
        let s = inline_image_size(32, 32, Some(8.0), 10.0, 400.0);
        assert!((s.width - 6.0).abs() < 0.01);
        let s = inline_image_size(4000, 10, None, 10.0, 100.0);
        assert!((s.width - 100.0).abs() < 0.01 && s.height < 1.0);
        let s = inline_image_size(0, 0, Some(f32::NAN), f32::NAN, f32::INFINITY);
        assert!(s.width.is_finite() && s.height.is_finite());
    }
}
