//! The excerpt layout of a support ticket (`--page` selecting a few pages,
//! [`crate::model::EXCERPT_MAX_PAGES`] at most): no cover and no table of
//! contents; each page opens with a compact title block (the page title,
//! then the region, the build date in the book's time zone and the page's
//! online URL), then its content.
//!
//! Input: a page of an excerpt book and the block context. Output: the
//! title block's pieces in the flow (a level-1 heading for the title, so
//! the outline and the tag tree stay as in a full book, and a tagged
//! paragraph whose URL is a link), kept with the content that follows.

use crate::layout::flow::{BlockContext, Flow, HeadingText, Piece, dest_name, stack_lines};
use crate::layout::font::FontRole;
use crate::layout::frame::{
    FrameItem, LineItem, LinkArea, LinkDest, Point, Size, StructTag, TagEvent,
};
use crate::model::{Align, Book, Page};

/// Size of the page title relative to a section title of the full book.
const TITLE_SCALE: f32 = 0.9;

/// Size of the meta lines (region, date, URL) relative to body text.
const META_SCALE: f32 = 0.8;

/// The page's address on the online help: the region's `base_url` + the
/// page's path.
pub(crate) fn online_url(book: &Book, page: &Page) -> String {
    format!("{}{}", book.meta.base_url, page.url)
}

/// The region and date line: `JP 版　2023年11月15日`.
pub(crate) fn meta_line(book: &Book) -> String {
    let (year, month, day) = book.meta.local_date();
    format!("{} 版　{year}年{month}月{day}日", book.region.code)
}

/// Pushes `page`'s title block into `flow`.
pub(crate) fn title_block(
    ctx: &mut BlockContext,
    flow: &mut Flow,
    book: &Book,
    page: &Page,
    width: f32,
) {
    ctx.title_scale = TITLE_SCALE;
    let title = HeadingText {
        content: &page.title,
        text: &page.title_text,
        level: 1,
        anchor: dest_name(&page.anchor, None),
    };
    ctx.heading_lines(flow, title, 0.0, width);
    ctx.title_scale = 1.0;
    let style = ctx.style();
    let size = style.body.size * META_SCALE;
    let pitch = size * 1.5;
    let (color, link_color, accent) = (
        style.header.color,
        style.body.link_color,
        style.headings.accent,
    );
    let text = ctx.text;
    let plain = text.text_style(FontRole::Regular, size, color);
    let linked = text.text_style(FontRole::Regular, size, link_color);
    let para = text.paragraph_style(width, pitch, Align::Left);

    let mut items = vec![(
        Point::default(),
        FrameItem::Tag(TagEvent::Start(StructTag::Paragraph)),
    )];
    let (mut y, meta) = stack_lines(text.plain(&meta_line(book), &plain, &para));
    items.extend(meta);
    items.push((Point::default(), FrameItem::Tag(TagEvent::End)));
    let url = online_url(book, page);
    if !book.meta.base_url.is_empty() {
        items.push((
            Point::default(),
            FrameItem::Tag(TagEvent::Start(StructTag::Paragraph)),
        ));
        items.push((
            Point::default(),
            FrameItem::Tag(TagEvent::Start(StructTag::Link)),
        ));
        for line in text.plain(&url, &linked, &para) {
            let (h, w) = (line.height, line.width);
            items.extend(
                line.items
                    .into_iter()
                    .map(|(at, item)| (at.offset(0.0, y), item)),
            );
            items.push((
                Point::new(0.0, y),
                FrameItem::Link(Box::new(LinkArea {
                    size: Size::new(w, h),
                    target: LinkDest::Uri(url.clone()),
                    source: None,
                })),
            ));
            y += h;
        }
        items.push((Point::default(), FrameItem::Tag(TagEvent::End)));
        items.push((Point::default(), FrameItem::Tag(TagEvent::End)));
    }
    // A hairline closes the block (decoration).
    y += pitch * 0.3;
    items.push((Point::default(), FrameItem::Tag(TagEvent::ArtifactStart)));
    items.push((
        Point::new(0.0, y),
        FrameItem::Line(LineItem {
            to: Point::new(width, 0.0),
            color: accent,
            width: 0.6,
        }),
    ));
    items.push((Point::default(), FrameItem::Tag(TagEvent::ArtifactEnd)));
    let mut piece = Piece::new(y + 1.0, items);
    piece.space_before = pitch * 0.2;
    flow.push(piece);
    flow.keep_with_next();
    flow.set_space(ctx.body_pitch());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing;

    #[test]
    fn the_meta_line_uses_the_books_time_zone() {
        // 2023-11-14 22:13:20 UTC is already the 15th in Tokyo.
        let mut book = testing::book(1_700_000_000, Vec::new());
        assert_eq!(meta_line(&book), "JP 版　2023年11月14日");
        book.meta.utc_offset = 9 * 3600;
        assert_eq!(meta_line(&book), "JP 版　2023年11月15日");
    }
}
