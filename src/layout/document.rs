//! The paged document: sheet geometry, the cover, the table of contents,
//! running heads and folios; lays out a whole book.
//!
//! Input: a [`Book`], the [`Assets`] and the [`PdfStyle`]. Output: a
//! [`PagedDocument`]: a cover sheet (no folio; its date in the book's time
//! zone), the TOC sheets (roman folios) and the body sheets (arabic folios
//! from 1), or for an excerpt only the body sheets, each with its running
//! header (book title / section title) and footer, plus the bookmarks. The
//! body is paginated first, so the TOC prints the folios the headings really
//! got (the TOC's own length cannot shift them: it is numbered apart).
//! Page references after internal links (`layout::xref`) print folios too:
//! the body is laid out again with the folios of the previous pass until
//! they stop changing (at most `xref::MAX_PASSES` passes). Every paragraph
//! goes through the `inline::LayoutCache`, so a later pass breaks into lines
//! only the paragraphs whose printed folios changed. The pages of a pass
//! are laid out on several threads when the pool is free
//! (`layout::parallel`), giving exactly the flow of one thread.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::assets::Assets;
use crate::diag::{Diagnostic, Diagnostics, Location, Severity};
use crate::layout::flow::{
    AreaFill, BlockContext, Flow, HeadingText, ImageRegistry, LaidLine, Piece, TextContext,
    dest_name, paginate, stack_lines,
};
use crate::layout::font::{FontBook, FontRole};
use crate::layout::frame::{
    Folio, FrameItem, LineItem, LinkArea, LinkDest, OutlineItem, PagedDocument, Point, RectItem,
    ShapedText, Sheet, Size, StructTag, TagEvent,
};
use crate::layout::inline::LayoutCache;
use crate::layout::running_head;
use crate::layout::style::{Margins, PdfStyle};
use crate::layout::xref::{LinkSheets, MAX_PASSES};
use crate::model::{Align, Book, OutlineEntry, Page};

/// Size of a nested page's title relative to a section title.
const NESTED_TITLE_SCALE: f32 = 0.85;

/// Paper and text area of every sheet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Geometry {
    /// Paper size.
    pub paper: Size,
    /// Margins.
    pub margins: Margins,
    /// Text area size.
    pub area: Size,
}

impl Geometry {
    /// The geometry for the book's paper.
    pub(crate) fn new(book: &Book, style: &PdfStyle) -> Geometry {
        let (w, h) = book.region.paper.size_pt();
        let margins = style.margins(book.region.paper);
        let area = Size::new(
            (w - margins.margin_left - margins.margin_right).max(72.0),
            (h - margins.margin_top - margins.margin_bottom).max(72.0),
        );
        Geometry {
            paper: Size::new(w, h),
            margins,
            area,
        }
    }

    /// The text area's top-left corner on the paper.
    pub(crate) fn origin(&self) -> Point {
        Point::new(self.margins.margin_left, self.margins.margin_top)
    }
}

/// Lays out the whole book with a paragraph cache of its own. `None` (with
/// a diagnostic) when the fonts cannot be loaded.
#[cfg(test)]
pub(crate) fn lay_out_book(
    book: &Book,
    assets: &Assets,
    style: &PdfStyle,
    diags: &mut Diagnostics,
) -> Option<PagedDocument> {
    lay_out_book_with(book, assets, style, &Arc::default(), diags)
}

/// [`lay_out_book`] reusing (and filling) `layouts`: paragraphs laid out
/// before with the same inputs (in an earlier page-reference pass, another
/// region's book or an earlier build) are not broken into lines again.
pub(crate) fn lay_out_book_with(
    book: &Book,
    assets: &Assets,
    style: &PdfStyle,
    layouts: &Arc<LayoutCache>,
    diags: &mut Diagnostics,
) -> Option<PagedDocument> {
    let fonts = match FontBook::for_choice(assets, &book.region.fonts) {
        Ok(fonts) => fonts,
        Err(err) => {
            diags.push(
                Diagnostic::new(Severity::Error, Location::None, err.to_string())
                    .with_code(crate::diag::Code::LayoutFailed),
            );
            return None;
        }
    };
    // Counted in while laying out: a pass uses the pool only when no other
    // book is laid out at the same time (`layout::parallel`).
    let _laying_out = super::parallel::LayingOut::enter();
    let mut text = TextContext::with_cache(&fonts, book, style, Arc::clone(layouts));
    let geometry = Geometry::new(book, style);

    // Page references after internal links need the folios of their
    // targets: lay the body out again with the folios of the previous pass
    // until they stop changing (only the last pass's diagnostics count).
    // A link on its target's sheet prints none: the sheets of the links
    // come from the previous pass as well.
    let mut known: BTreeMap<String, u32> = BTreeMap::new();
    let mut known_links = LinkSheets::new();
    let mut pass = 0;
    let (body, images, folios) = loop {
        pass += 1;
        text.begin_pass(std::mem::take(&mut known), std::mem::take(&mut known_links));
        let mut pass_diags = Diagnostics::new();
        let (body, images) = lay_out_body(&text, book, assets, &geometry, &mut pass_diags);
        let folios = anchor_folios(&body);
        let links = link_sheets(&body);
        let settled = text.refs_printed() == 0
            || (pass > 1 && text.folios() == &folios && text.link_sheets() == &links);
        if settled || pass >= MAX_PASSES {
            diags.extend(pass_diags);
            break (body, images, folios);
        }
        known = folios;
        known_links = links;
    };

    let entries = book.outline(style.toc.depth);
    // An excerpt has no cover and no table of contents.
    let toc = if book.meta.excerpt {
        Vec::new()
    } else {
        toc_areas(&text, book, &entries, &folios, &geometry)
    };

    let mut doc = PagedDocument {
        fonts: text.font_sources(),
        ..PagedDocument::default()
    };
    if !book.meta.excerpt {
        doc.sheets.push(cover(&text, book, &geometry));
    }
    for (i, area) in toc.into_iter().enumerate() {
        let folio = Folio::Roman(u32::try_from(i + 1).unwrap_or(u32::MAX));
        doc.sheets.push(compose(
            &text,
            book,
            &geometry,
            area,
            folio,
            Some(&style.toc.title),
        ));
    }
    for (i, area) in body.into_iter().enumerate() {
        let folio = Folio::Arabic(u32::try_from(i + 1).unwrap_or(u32::MAX));
        doc.sheets
            .push(compose(&text, book, &geometry, area, folio, None));
    }
    doc.outline = entries
        .iter()
        .map(|entry| OutlineItem {
            level: entry.level,
            title: entry.title.clone(),
            anchor: entry_anchor(book, entry),
        })
        .collect();
    doc.images = images.into_images();
    Some(doc)
}

/// One layout pass over the body: every content page into the flow (on
/// several threads: `layout::parallel`, the same flow as one after
/// another), then the flow paginated into text areas.
fn lay_out_body(
    text: &TextContext,
    book: &Book,
    assets: &Assets,
    geometry: &Geometry,
    diags: &mut Diagnostics,
) -> (Vec<AreaFill>, ImageRegistry) {
    let width = geometry.area.width;
    let (flow, images, separator) = super::parallel::lay_out_pages(
        text,
        book,
        assets,
        geometry.area,
        diags,
        |ctx, flow, page| {
            if book.meta.excerpt {
                lay_out_excerpt_page(ctx, flow, book, page, width);
            } else {
                lay_out_page(ctx, flow, page, width);
            }
        },
    );
    let body = paginate(flow.pieces, geometry.area.height, &separator);
    (body, images)
}

/// One content page: its title (a level-1 heading; a top-level page starts
/// a new sheet and sets the running section title) and its blocks. Its
/// first push into the flow is its title's piece (`layout::parallel`
/// relies on it).
pub(super) fn lay_out_page(ctx: &mut BlockContext, flow: &mut Flow, page: &Page, width: f32) {
    ctx.begin_page(page.id, &page.anchor, &page.blocks);
    let first = flow.pieces.len();
    flow.open(StructTag::Section);
    ctx.title_scale = if page.depth == 0 {
        1.0
    } else {
        NESTED_TITLE_SCALE
    };
    let title = HeadingText {
        content: &page.title,
        text: &page.title_text,
        level: 1,
        anchor: dest_name(&page.anchor, None),
    };
    ctx.chapter_title = page.depth == 0;
    ctx.heading_lines(flow, title, 0.0, width);
    ctx.chapter_title = false;
    ctx.title_scale = 1.0;
    if let Some(piece) = flow.pieces.get_mut(first) {
        if page.depth == 0 {
            piece.break_before = true;
            piece.section_title = Some(page.title_text.clone());
        } else if first > 0 {
            piece.space_before = piece.space_before.max(ctx.body_pitch() * 2.0);
        }
    }
    ctx.blocks(flow, &page.blocks, 0.0, width, 0);
    ctx.end_page(flow);
    flow.close();
    // The next page's title decides its own space.
    flow.set_space(0.0);
}

/// One page of an excerpt: its title block (see [`super::excerpt`]),
/// which also sets the running section title, then its blocks. Its first
/// push is its title's piece too.
fn lay_out_excerpt_page(
    ctx: &mut BlockContext,
    flow: &mut Flow,
    book: &Book,
    page: &Page,
    width: f32,
) {
    ctx.begin_page(page.id, &page.anchor, &page.blocks);
    let first = flow.pieces.len();
    flow.open(StructTag::Section);
    super::excerpt::title_block(ctx, flow, book, page, width);
    if let Some(piece) = flow.pieces.get_mut(first) {
        piece.section_title = Some(page.title_text.clone());
        if first > 0 {
            piece.space_before = piece.space_before.max(ctx.body_pitch() * 3.0);
        }
    }
    ctx.blocks(flow, &page.blocks, 0.0, width, 0);
    ctx.end_page(flow);
    flow.close();
    flow.set_space(0.0);
}

/// The body folio (1-based sheet number) of every anchor.
fn anchor_folios(areas: &[AreaFill]) -> BTreeMap<String, u32> {
    let mut folios = BTreeMap::new();
    for (i, area) in areas.iter().enumerate() {
        for (_, item) in &area.items {
            if let FrameItem::Anchor(name) = item {
                folios
                    .entry(name.clone())
                    .or_insert(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
    }
    folios
}

/// The body sheets (folios, from 1) each internal link is set on, by
/// where the link is written.
fn link_sheets(body: &[AreaFill]) -> LinkSheets {
    let mut sheets = LinkSheets::new();
    for (i, area) in body.iter().enumerate() {
        let folio = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (_, item) in &area.items {
            if let FrameItem::Link(link) = item
                && let Some(span) = link.source
            {
                sheets.entry(span).or_default().insert(folio);
            }
        }
    }
    sheets
}

/// The destination name of an outline entry.
fn entry_anchor(book: &Book, entry: &OutlineEntry) -> String {
    let page_anchor = book
        .pages
        .get(entry.page.0)
        .map(|p| p.anchor.as_str())
        .unwrap_or_default();
    dest_name(page_anchor, entry.anchor.as_deref())
}

/// A sheet: the text area's fill placed inside the margins, with the
/// running header and footer.
fn compose(
    text: &TextContext,
    book: &Book,
    geometry: &Geometry,
    area: AreaFill,
    folio: Folio,
    section_override: Option<&str>,
) -> Sheet {
    let style = text.style();
    let mut sheet = Sheet::new(geometry.paper, folio);
    // The area's items and the running head and foot's few (two marks,
    // two or three lines of a few runs, a rule): reserved at once, so the
    // paged document's sheets carry no doubling slack.
    sheet.items.reserve_exact(area.items.len() + 16);
    let origin = geometry.origin();
    let area_w = geometry.area.width;

    sheet.push(Point::default(), FrameItem::Tag(TagEvent::ArtifactStart));
    let head = text.text_style(FontRole::Regular, style.header.size, style.header.color);
    let baseline_y = style.header.offset;
    // A title too long for its part of the head ends in 「…」.
    if let Some(line) = running_head::one_line(text, &book.meta.title, &head, area_w * 0.6) {
        place_line(&mut sheet, line, origin.x, baseline_y);
    }
    let section = section_override
        .map(str::to_string)
        .or(area.section_title.clone());
    if let Some(section) = section
        && section != book.meta.title
        && let Some(line) = running_head::one_line(text, &section, &head, area_w * 0.38)
    {
        let x = origin.x + area_w - line.width;
        place_line(&mut sheet, line, x, baseline_y);
    }
    if style.header.rule {
        sheet.push(
            Point::new(origin.x, baseline_y + style.header.size * 0.6),
            FrameItem::Line(LineItem {
                to: Point::new(area_w, 0.0),
                color: style.header.color,
                width: 0.3,
            }),
        );
    }
    let foot = text.text_style(FontRole::Regular, style.footer.size, style.footer.color);
    let para = text.paragraph_style(area_w, style.footer.size * 1.3, Align::Left);
    if let Some(line) = text.plain(&folio.text(), &foot, &para).into_iter().next() {
        let x = origin.x + (area_w - line.width) / 2.0;
        place_line(
            &mut sheet,
            line,
            x,
            geometry.paper.height - style.footer.offset,
        );
    }
    sheet.push(Point::default(), FrameItem::Tag(TagEvent::ArtifactEnd));

    for (at, item) in area.items {
        sheet.push(at.offset(origin.x, origin.y), item);
    }
    sheet
}

/// Places a line on a sheet so that its baseline is at `baseline_y`.
fn place_line(sheet: &mut Sheet, line: LaidLine, x: f32, baseline_y: f32) {
    let top = baseline_y - line.baseline;
    for (at, item) in line.items {
        sheet.push(at.offset(x, top), item);
    }
}

/// The cover sheet: accent band, title, region and build date.
fn cover(text: &TextContext, book: &Book, geometry: &Geometry) -> Sheet {
    let style = text.style();
    let cover = &style.cover;
    let mut sheet = Sheet::new(geometry.paper, Folio::None);
    let origin = geometry.origin();
    let width = geometry.area.width;
    sheet.push(Point::default(), FrameItem::Tag(TagEvent::ArtifactStart));
    sheet.push(
        Point::new(0.0, 0.0),
        FrameItem::Rect(RectItem {
            size: Size::new(geometry.paper.width, geometry.paper.height * 0.06),
            fill: Some(cover.accent),
            stroke: None,
        }),
    );
    sheet.push(Point::default(), FrameItem::Tag(TagEvent::ArtifactEnd));

    let mut y = origin.y + geometry.area.height * 0.28;
    let title_style = text.text_style(FontRole::Bold, cover.title_size, style.headings.color);
    let para = text.paragraph_style(width, cover.title_size * 1.35, Align::Left);
    sheet.push(
        Point::default(),
        FrameItem::Tag(TagEvent::Start(StructTag::Title)),
    );
    for line in text.plain(&book.meta.title, &title_style, &para) {
        let h = line.height;
        for (at, item) in line.items {
            sheet.push(at.offset(origin.x, y), item);
        }
        y += h;
    }
    sheet.push(Point::default(), FrameItem::Tag(TagEvent::End));
    y += 10.0;
    sheet.push(Point::default(), FrameItem::Tag(TagEvent::ArtifactStart));
    sheet.push(
        Point::new(origin.x, y),
        FrameItem::Rect(RectItem {
            size: Size::new(width * 0.25, 2.5),
            fill: Some(cover.accent),
            stroke: None,
        }),
    );
    sheet.push(Point::default(), FrameItem::Tag(TagEvent::ArtifactEnd));
    y += 22.0;

    let (year, month, day) = book.meta.local_date();
    let lines = [
        (format!("{} 版", book.region.code), cover.subtitle_size),
        (format!("{year}年{month}月{day}日"), cover.date_size),
    ];
    for (content, size) in lines {
        let base = text.text_style(FontRole::Regular, size, style.body.color);
        let para = text.paragraph_style(width, size * 1.6, Align::Left);
        sheet.push(
            Point::default(),
            FrameItem::Tag(TagEvent::Start(StructTag::Paragraph)),
        );
        for line in text.plain(&content, &base, &para) {
            let h = line.height;
            for (at, item) in line.items {
                sheet.push(at.offset(origin.x, y), item);
            }
            y += h;
        }
        sheet.push(Point::default(), FrameItem::Tag(TagEvent::End));
        y += 4.0;
    }
    sheet
}

/// The table of contents as text-area fills, one per sheet: a title, then
/// one entry per outline item, indented by level, with dot leaders and
/// right-aligned folios; every entry links to its heading.
fn toc_areas(
    text: &TextContext,
    book: &Book,
    entries: &[OutlineEntry],
    folios: &BTreeMap<String, u32>,
    geometry: &Geometry,
) -> Vec<AreaFill> {
    let style = text.style();
    let toc = &style.toc;
    let width = geometry.area.width;
    let mut flow = Flow::new();
    flow.open(StructTag::Toc);

    let title_size = style.headings.sizes.first().copied().unwrap_or(18.0);
    let title_style = text.text_style(FontRole::Bold, title_size, style.headings.color);
    let para = text.paragraph_style(width, title_size * 1.4, Align::Left);
    let (title_height, title) = stack_lines(text.plain(&toc.title, &title_style, &para));
    let mut items = vec![(
        Point::default(),
        FrameItem::Tag(TagEvent::Start(StructTag::Heading(
            1,
            toc.title.as_str().into(),
        ))),
    )];
    items.extend(title);
    items.push((Point::default(), FrameItem::Tag(TagEvent::End)));
    items.push((
        Point::new(0.0, title_height + 3.0),
        FrameItem::Line(LineItem {
            to: Point::new(width, 0.0),
            color: style.headings.accent,
            width: 1.2,
        }),
    ));
    let mut title_piece = Piece::new(title_height + 14.0, items);
    title_piece.section_title = Some(toc.title.clone());
    flow.push(title_piece);

    let number_style = text.text_style(FontRole::Regular, toc.size, style.body.color);
    let leader_style = text.text_style(FontRole::Regular, toc.size, style.header.color);
    let pitch = toc.size * 1.55;
    let number_reserve = toc.size * 3.5;
    let wide_para = text.paragraph_style(1000.0, pitch, Align::Left);
    let leader_width = text.plain_width(&toc.leader, &leader_style).max(0.5);
    for entry in entries {
        let anchor = entry_anchor(book, entry);
        let Some(&folio) = folios.get(&anchor) else {
            continue;
        };
        let indent = toc.indent * entry.level.min(8) as f32;
        let role = if entry.level == 0 && entry.anchor.is_none() {
            FontRole::Bold
        } else {
            FontRole::Regular
        };
        let entry_style = text.text_style(role, toc.size, style.body.color);
        let para = text.paragraph_style(width - indent - number_reserve, pitch, Align::Left);
        let lines = text.plain(&entry.title, &entry_style, &para);
        let number = text
            .plain(&folio.to_string(), &number_style, &wide_para)
            .into_iter()
            .next()
            .unwrap_or_default();
        let mut items = vec![
            (
                Point::default(),
                FrameItem::Tag(TagEvent::Start(StructTag::TocItem)),
            ),
            (
                Point::default(),
                FrameItem::Tag(TagEvent::Start(StructTag::Link)),
            ),
        ];
        let mut y = 0.0;
        let count = lines.len();
        let mut last_end = indent;
        let mut last_top = 0.0;
        let mut last_baseline = number.baseline;
        for (i, line) in lines.into_iter().enumerate() {
            let h = line.height;
            if i + 1 == count {
                last_end = indent + line.width;
                last_top = y;
                last_baseline = line.baseline;
            }
            items.extend(
                line.items
                    .into_iter()
                    .map(|(at, item)| (at.offset(indent, y), item)),
            );
            y += h;
        }
        let height = y.max(pitch);
        // Leaders (decoration) between the title's end and the number.
        let number_x = width - number.width;
        let gap_start = last_end + toc.size * 0.5;
        let gap_end = number_x - toc.size * 0.4;
        if gap_end > gap_start + leader_width {
            let step = leader_width * 1.6;
            let count = ((gap_end - gap_start) / step).floor().max(0.0) as usize;
            let leaders: String = toc.leader.repeat(count.min(400));
            if let Some(line) = text
                .plain(&leaders, &leader_style, &wide_para)
                .into_iter()
                .next()
            {
                // Spread the dots evenly so that they end at the same x on
                // every line.
                let dx = gap_end - line.width * 1.6;
                items.push((Point::default(), FrameItem::Tag(TagEvent::ArtifactStart)));
                for (at, item) in line.items {
                    let item = spread(item, 1.6);
                    items.push((
                        at.offset(
                            dx.max(gap_start),
                            last_top + last_baseline - number.baseline,
                        ),
                        item,
                    ));
                }
                items.push((Point::default(), FrameItem::Tag(TagEvent::ArtifactEnd)));
            }
        }
        let baseline_shift = last_top + last_baseline - number.baseline;
        items.extend(
            number
                .items
                .into_iter()
                .map(|(at, item)| (at.offset(number_x, baseline_shift), item)),
        );
        items.push((
            Point::new(indent, 0.0),
            FrameItem::Link(Box::new(LinkArea {
                size: Size::new(width - indent, height),
                target: LinkDest::Named(anchor),
                source: None,
            })),
        ));
        items.push((Point::default(), FrameItem::Tag(TagEvent::End)));
        items.push((Point::default(), FrameItem::Tag(TagEvent::End)));
        let mut piece = Piece::new(height, items);
        piece.space_before = if entry.level == 0 && entry.anchor.is_none() {
            pitch * 0.35
        } else {
            0.0
        };
        flow.push(piece);
    }
    flow.close();
    paginate(flow.pieces, geometry.area.height, &Piece::default())
}

/// Widens the advances of a text run by `factor` (dot leaders).
fn spread(item: FrameItem, factor: f32) -> FrameItem {
    match item {
        FrameItem::Text(mut run) => {
            let mut glyphs = run.glyphs().to_vec();
            for glyph in &mut glyphs {
                glyph.x_advance *= factor;
            }
            run.shaped = ShapedText::new(run.text(), glyphs);
            FrameItem::Text(run)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::ImageStore;

    /// A book laid out through a cache (empty, then full from an earlier
    /// layout) is the book laid out without one, page references included.
    #[test]
    fn the_layout_cache_changes_nothing() {
        use crate::model::PageKind;
        use crate::model::testing::{book, internal, link, page, para, text};
        let prose = "管理者は、ユーザーの追加や削除、パスワードの再設定を行えます。".repeat(8);
        let body = |target: usize| {
            // 40 distinct paragraphs, every other one with a page reference.
            (0..40)
                .map(|i| {
                    let mut content = vec![text(&format!("{i}. {prose}"))];
                    if i % 2 == 0 {
                        content.push(link(internal(target, None), "手順"));
                        content.push(text("を参照してください。"));
                    }
                    para(content)
                })
                .collect::<Vec<_>>()
        };
        let book = book(
            0,
            vec![
                page(0, PageKind::Section, 0, "A", "a", body(1)),
                page(1, PageKind::Page, 1, "B", "b", body(0)),
            ],
        );
        let assets = Assets::embedded(ImageStore::new());
        let style = PdfStyle::defaults();
        // On one thread: pages laid out side by side (`layout::parallel`)
        // may both miss a paragraph they share, which changes the counts
        // below but no output.
        let one_thread = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        let lay_out = |cache: &Arc<LayoutCache>| {
            let mut diags = Diagnostics::new();
            let doc =
                one_thread.install(|| lay_out_book_with(&book, &assets, &style, cache, &mut diags));
            format!("{doc:?}")
        };
        // A zero budget stores nothing: every paragraph is laid out afresh.
        let alone = lay_out(&Arc::new(LayoutCache::with_budget(0)));
        assert!(alone.contains("Sheet"), "nothing laid out");
        let shared = Arc::new(LayoutCache::new());
        assert_eq!(lay_out(&shared), alone);
        let first = shared.stats();
        // The second page-reference pass broke into lines only the 40
        // paragraphs whose page reference changed (two whole passes would
        // be 160 and more), and found the 40 others.
        assert!(first.hits >= 40, "{first:?}");
        assert!(first.misses < 140, "{first:?}");
        assert_eq!(lay_out(&shared), alone);
        let second = shared.stats();
        assert_eq!(second.misses, first.misses, "{second:?}");
    }

    #[test]
    fn default_markers_exist_in_the_fonts() {
        let assets = Assets::embedded(ImageStore::new());
        let Ok(fonts) = FontBook::load(&assets) else {
            panic!("embedded fonts load");
        };
        let style = PdfStyle::defaults();
        let regular = fonts.font(FontRole::Regular);
        let mono = fonts.font(FontRole::Mono);
        for bullet in &style.lists.bullets {
            for c in bullet.chars() {
                assert!(
                    fonts.has_glyph(regular, c),
                    "bullet {c:?} missing from the font"
                );
            }
        }
        for c in style.code.wrap_marker.chars() {
            assert!(
                fonts.has_glyph(mono, c),
                "wrap marker {c:?} missing from the font"
            );
        }
        for c in style.toc.leader.chars() {
            assert!(fonts.has_glyph(regular, c), "{c:?} missing from the font");
        }
    }
}
