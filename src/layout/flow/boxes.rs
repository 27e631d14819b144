//! Boxed blocks: admonitions (colour bar, tinted background, label such as
//! 注意 or 補足), block quotes (grey bar) and code blocks (monospace on a
//! background, long lines wrapped behind a marker).
//!
//! Input: the model block. Output: pieces whose backgrounds are drawn per
//! piece, so a box that breaks across sheets stays closed on both sheets.

use crate::layout::font::FontRole;
use crate::layout::frame::Rgb;
use crate::layout::frame::{FrameItem, Point, RectItem, Size, StructTag};
use crate::model::{Admonition, Align, CodeBlock, Quote};

use super::{BlockContext, Flow, Piece, push_lines};

/// Boxes shorter than this share of the text area are kept on one sheet.
const KEEP_WHOLE_SHARE: f32 = 0.3;

/// An admonition box.
pub(super) fn admonition(
    ctx: &mut BlockContext,
    flow: &mut Flow,
    adm: &Admonition,
    x: f32,
    width: f32,
    depth: usize,
) {
    let style = ctx.style().admonition.clone();
    let colors = *style.colors(adm.kind);
    let pad = style.padding;
    let inner_x = x + style.bar_width + pad;
    let inner_w = (width - style.bar_width - 2.0 * pad).max(10.0);
    let mut inner = Flow::new();
    if !adm.label.is_empty() {
        let label_style = ctx
            .text
            .text_style(FontRole::Bold, style.label_size, colors.accent);
        let para = ctx
            .text
            .paragraph_style(inner_w, style.label_size * 1.5, Align::Left);
        let lines = ctx.text.plain(&adm.label, &label_style, &para);
        push_lines(&mut inner, lines, inner_x, 0.0, StructTag::Paragraph);
        inner.keep_with_next();
        inner.set_space(2.0);
    }
    ctx.blocks(&mut inner, &adm.blocks, inner_x, inner_w, depth + 1);
    let space = flow.take_space(ctx.block_gap() * 1.5);
    let decorate = |piece: &mut Piece| {
        let h = piece.height;
        let mut items = vec![
            rect(x, 0.0, width, h, Some(colors.background)),
            rect(x, 0.0, style.bar_width, h, Some(colors.accent)),
        ];
        items.append(&mut piece.items);
        piece.items = items;
    };
    let pieces = frame_pieces(inner.pieces, pad, space, ctx.area_height, decorate);
    let mut boxed = Flow::new();
    boxed.open(StructTag::Note);
    for piece in pieces {
        boxed.push(piece);
    }
    boxed.close();
    flow.append(boxed);
    flow.set_space(ctx.block_gap() * 1.5);
}

/// A block quote: a grey bar left of the indented blocks.
pub(super) fn quote(
    ctx: &mut BlockContext,
    flow: &mut Flow,
    quote: &Quote,
    x: f32,
    width: f32,
    depth: usize,
) {
    let style = ctx.style().quote.clone();
    let mut inner = Flow::new();
    ctx.blocks(
        &mut inner,
        &quote.blocks,
        x + style.indent,
        (width - style.indent).max(10.0),
        depth + 1,
    );
    let space = flow.take_space(ctx.block_gap());
    let decorate = |piece: &mut Piece| {
        let h = piece.height;
        piece
            .items
            .insert(0, rect(x + 2.0, 0.0, 2.5, h, Some(style.bar)));
    };
    let pieces = frame_pieces(inner.pieces, 2.0, space, 0.0, decorate);
    let mut boxed = Flow::new();
    boxed.open(StructTag::BlockQuote);
    for piece in pieces {
        boxed.push(piece);
    }
    boxed.close();
    flow.append(boxed);
}

/// A code block. Every source line starts a new output line; a line longer
/// than the box continues on the next line behind the wrap marker.
pub(super) fn code(ctx: &mut BlockContext, flow: &mut Flow, code: &CodeBlock, x: f32, width: f32) {
    let style = ctx.style().code.clone();
    let pitch = style.size * style.leading;
    let base = ctx.text.text_style(FontRole::Mono, style.size, style.color);
    let marker_style = ctx
        .text
        .text_style(FontRole::Mono, style.size, Rgb(0x99, 0x99, 0x99));
    let gutter = ctx.text.plain_width(&style.wrap_marker, &marker_style) + 2.0;
    let pad = style.padding;
    let text_x = x + pad + gutter;
    let text_w = (width - 2.0 * pad - gutter).max(20.0);
    let para = ctx.text.paragraph_style(text_w, pitch, Align::Left);
    let marker_para = ctx.text.paragraph_style(1000.0, pitch, Align::Left);
    let mut pieces = Vec::new();
    for source_line in code.text.split('\n') {
        let expanded = expand_tabs(source_line);
        let lines = ctx.text.plain(&expanded, &base, &para);
        if lines.is_empty() {
            pieces.push(Piece::new(pitch, Vec::new()));
            continue;
        }
        for (i, line) in lines.into_iter().enumerate() {
            let mut items: Vec<(Point, FrameItem)> = line
                .items
                .into_iter()
                .map(|(at, item)| (at.offset(text_x, 0.0), item))
                .collect();
            if i > 0
                && let Some(marker) = ctx
                    .text
                    .plain(&style.wrap_marker, &marker_style, &marker_para)
                    .into_iter()
                    .next()
            {
                let dy = line.baseline - marker.baseline;
                // The marker is decoration: drawn as an artifact.
                items.push((
                    Point::default(),
                    FrameItem::Tag(crate::layout::frame::TagEvent::ArtifactStart),
                ));
                items.extend(
                    marker
                        .items
                        .into_iter()
                        .map(|(at, item)| (at.offset(x + pad, dy), item)),
                );
                items.push((
                    Point::default(),
                    FrameItem::Tag(crate::layout::frame::TagEvent::ArtifactEnd),
                ));
            }
            let mut piece = Piece::new(line.height, items);
            piece.baseline = Some(line.baseline);
            pieces.push(piece);
        }
    }
    let count = pieces.len();
    for (i, piece) in pieces.iter_mut().enumerate() {
        piece.glue_to_prev = i == 1 || (i > 0 && i + 1 == count);
    }
    let space = flow.take_space(ctx.block_gap());
    let decorate = |piece: &mut Piece| {
        let h = piece.height;
        piece
            .items
            .insert(0, rect(x, 0.0, width, h, Some(style.background)));
    };
    let pieces = frame_pieces(pieces, pad, space, 0.0, decorate);
    let mut boxed = Flow::new();
    boxed.open(StructTag::Code);
    for piece in pieces {
        boxed.push(piece);
    }
    boxed.close();
    flow.append(boxed);
}

/// Tabs to spaces (tab stops every 4 columns).
fn expand_tabs(line: &str) -> String {
    if !line.contains('\t') {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut column = 0usize;
    for c in line.chars() {
        if c == '\t' {
            let fill = 4 - column % 4;
            out.extend(std::iter::repeat_n(' ', fill));
            column += fill;
        } else {
            out.push(c);
            column += 1;
        }
    }
    out
}

/// Makes the pieces of a box continuous (gaps become part of the pieces),
/// adds `pad` above the first and below the last, sets the space above the
/// box, decorates every piece and, when the box is short, keeps it whole.
fn frame_pieces(
    mut pieces: Vec<Piece>,
    pad: f32,
    space: f32,
    area_height: f32,
    decorate: impl Fn(&mut Piece),
) -> Vec<Piece> {
    if pieces.is_empty() {
        return pieces;
    }
    for (i, piece) in pieces.iter_mut().enumerate() {
        // A box's lines stay off the line grid: snapping would open gaps in
        // its background.
        piece.grid = 0.0;
        if i == 0 {
            piece.space_before = 0.0;
            piece.shift_down(pad);
        } else {
            piece.absorb_space();
        }
    }
    if let Some(last) = pieces.last_mut() {
        last.height += pad;
    }
    let total: f32 = pieces.iter().map(|p| p.height).sum();
    let keep_whole = total < area_height * KEEP_WHOLE_SHARE;
    for (i, piece) in pieces.iter_mut().enumerate() {
        decorate(piece);
        if i == 0 {
            piece.space_before = space;
        } else if keep_whole {
            piece.glue_to_prev = true;
        }
    }
    pieces
}

/// A filled rectangle item.
fn rect(x: f32, y: f32, w: f32, h: f32, fill: Option<Rgb>) -> (Point, FrameItem) {
    (
        Point::new(x, y),
        FrameItem::Rect(RectItem {
            size: Size::new(w.max(0.0), h.max(0.0)),
            fill,
            stroke: None,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_expand_to_stops() {
        assert_eq!(expand_tabs("a\tb"), "a   b");
        assert_eq!(expand_tabs("\tx"), "    x");
        assert_eq!(expand_tabs("abcd\te"), "abcd    e");
    }

    #[test]
    fn box_pieces_are_continuous() {
        let mut a = Piece::new(10.0, Vec::new());
        a.space_before = 5.0;
        let mut b = Piece::new(10.0, Vec::new());
        b.space_before = 4.0;
        let pieces = frame_pieces(vec![a, b], 3.0, 7.0, 1000.0, |_| {});
        assert_eq!(pieces[0].space_before, 7.0);
        assert_eq!(pieces[0].height, 13.0);
        assert_eq!(pieces[1].space_before, 0.0);
        assert_eq!(pieces[1].height, 17.0);
        assert!(pieces[1].glue_to_prev);
    }
}
