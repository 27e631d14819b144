//! Lists: numbered n, n+1, ... (whatever the source wrote) or bulleted by
//! nesting level, with hanging indents.
//!
//! Input: a model [`List`]. Output: pieces in the flow; each item's marker
//! sits on the baseline of the item's first line, in a gutter as wide as the
//! widest marker of the list. The bullet follows the list nesting level
//! (lists around it, not boxes or cells), and a nested list ending an item
//! gets the same space below as above. A task item's marker is a drawn ballot box
//! (☐, ☑ with a tick: the bundled fonts have neither character).

use crate::layout::font::FontRole;
use crate::layout::frame::{FrameItem, LineItem, Point, RectItem, Size, StructTag, TagEvent};
use crate::model::{Align, List};

use super::{BlockContext, Flow, Piece};

/// Lays out a list.
pub(super) fn list(
    ctx: &mut BlockContext,
    flow: &mut Flow,
    list: &List,
    x: f32,
    width: f32,
    depth: usize,
) {
    let style = ctx.style().clone();
    let body = &style.body;
    let pitch = ctx.body_pitch();
    let marker_style = ctx
        .text
        .text_style(FontRole::Regular, body.size, body.color);
    let markers: Vec<String> = list
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            marker_text(
                list.start,
                i,
                item.checked,
                ctx.list_level,
                &style.lists.bullets,
            )
        })
        .collect();
    let box_size = body.size * 0.8;
    let widest = markers
        .iter()
        .zip(&list.items)
        .map(|(m, item)| match item.checked {
            Some(_) => box_size,
            None => ctx.text.plain_width(m, &marker_style),
        })
        .fold(0.0, f32::max);
    let gutter = style.lists.indent.max(widest + body.size * 0.5);
    let item_gap = style.lists.item_gap;
    let list_gap = ctx.block_gap();
    let space = flow.take_space(list_gap);
    flow.open(StructTag::List(list.start.is_some()));
    let mut after_previous = 0.0f32;
    for (i, (item, marker)) in list.items.iter().zip(markers).enumerate() {
        let mut inner = Flow::new();
        ctx.list_level += 1;
        ctx.blocks(
            &mut inner,
            &item.blocks,
            x + gutter,
            width - gutter,
            depth + 1,
        );
        ctx.list_level -= 1;
        if inner.pieces.is_empty() {
            let mut empty = Piece::new(pitch, Vec::new());
            empty.baseline = Some(pitch * 0.75);
            inner.pieces.push(empty);
        }
        let para = ctx.text.paragraph_style(1000.0, pitch, Align::Left);
        let marker_lines = ctx.text.plain(&marker, &marker_style, &para);
        let mut pieces = std::mem::take(&mut inner.pieces);
        if let Some(first) = pieces.first_mut() {
            let baseline = first.baseline.unwrap_or(pitch * 0.75);
            let mut items = vec![
                tag(TagEvent::Start(StructTag::ListItem)),
                tag(TagEvent::Start(StructTag::ListLabel)),
            ];
            if let Some(done) = item.checked {
                let left = x + gutter - body.size * 0.4 - box_size;
                let top = baseline - box_size * 0.92;
                items.extend(ballot_box(left, top, box_size, done, body.color));
            }
            for line in marker_lines
                .into_iter()
                .take(1)
                .filter(|_| item.checked.is_none())
            {
                // Numbers are right-aligned against the text; bullets too.
                let dx = x + gutter - body.size * 0.4 - line.width;
                let dy = baseline - line.baseline;
                items.extend(
                    line.items
                        .into_iter()
                        .map(|(at, item)| (at.offset(dx, dy), item)),
                );
            }
            items.push(tag(TagEvent::End));
            items.push(tag(TagEvent::Start(StructTag::ListBody)));
            items.append(&mut first.items);
            first.items = items;
            first.space_before = if i == 0 {
                space
            } else {
                item_gap.max(after_previous)
            };
        }
        if let Some(last) = pieces.last_mut() {
            last.items.push(tag(TagEvent::End));
            last.items.push(tag(TagEvent::End));
        }
        inner.pieces = pieces;
        // Space a block at the end of this item asked for (after a figure
        // or a box) separates it from the next item.
        after_previous = inner.space_override.take().unwrap_or(0.0);
        if matches!(item.blocks.last(), Some(crate::model::Block::List(_))) {
            // A nested list ending the item: as much space below it as
            // above it.
            after_previous = after_previous.max(list_gap);
        }
        inner.glue_next = false;
        flow.append(inner);
    }
    flow.close();
}

/// A ballot box of side `size` with its top-left corner at (`left`,
/// `top`), ticked when `done`.
fn ballot_box(
    left: f32,
    top: f32,
    size: f32,
    done: bool,
    color: crate::layout::frame::Rgb,
) -> Vec<(Point, FrameItem)> {
    let stroke = (size * 0.08).max(0.5);
    let mut items = vec![(
        Point::new(left, top),
        FrameItem::Rect(RectItem {
            size: Size::new(size, size),
            fill: None,
            stroke: Some((color, stroke)),
        }),
    )];
    if done {
        let tick = |from: (f32, f32), to: (f32, f32)| {
            (
                Point::new(left + size * from.0, top + size * from.1),
                FrameItem::Line(LineItem {
                    to: Point::new(size * (to.0 - from.0), size * (to.1 - from.1)),
                    color,
                    width: stroke * 1.6,
                }),
            )
        };
        items.push(tick((0.2, 0.5), (0.42, 0.75)));
        items.push(tick((0.42, 0.75), (0.82, 0.22)));
    }
    items
}

/// A tag mark at the origin.
fn tag(event: TagEvent) -> (Point, FrameItem) {
    (Point::default(), FrameItem::Tag(event))
}

/// The marker of item `index`: `n.` for numbered lists (counting from the
/// list's start), a ballot box for tasks, else the bullet of this depth.
fn marker_text(
    start: Option<u64>,
    index: usize,
    checked: Option<bool>,
    depth: usize,
    bullets: &[String],
) -> String {
    if let Some(checked) = checked {
        return if checked { "☑" } else { "☐" }.to_string();
    }
    match start {
        Some(start) => {
            let n = start.saturating_add(u64::try_from(index).unwrap_or(u64::MAX));
            format!("{n}.")
        }
        None => {
            let count = bullets.len().max(1);
            bullets
                .get(depth % count)
                .cloned()
                .unwrap_or_else(|| "•".to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_start() {
        let bullets = vec!["•".to_string(), "◦".to_string()];
        assert_eq!(marker_text(Some(1), 0, None, 0, &bullets), "1.");
        assert_eq!(marker_text(Some(1), 2, None, 0, &bullets), "3.");
        assert_eq!(marker_text(Some(7), 1, None, 0, &bullets), "8.");
        assert_eq!(
            marker_text(Some(u64::MAX), 3, None, 0, &bullets),
            format!("{}.", u64::MAX)
        );
        assert_eq!(marker_text(None, 0, None, 0, &bullets), "•");
        assert_eq!(marker_text(None, 0, None, 1, &bullets), "◦");
        assert_eq!(marker_text(None, 0, Some(true), 0, &bullets), "☑");
        assert_eq!(marker_text(Some(1), 0, Some(false), 0, &bullets), "☐");
    }
}
