//! Tables: grid placement with `rowspan`/`colspan`, column widths from the
//! content, wrapped cells, header rows repeated at the top of the next sheet.
//!
//! Input: a model [`Table`]. Output: an optional caption piece and one piece
//! per row group (rows tied together by a `rowspan` never separate). A
//! single body row taller than the text area (less the repeated header) is
//! split between its cells' lines into several pieces (`split_row`), each
//! its own row in the tag tree; a group of rows tied by a `rowspan` that is
//! taller than the text area is still placed whole (known limitation).

use std::rc::Rc;

use crate::layout::font::FontRole;
use crate::layout::frame::{FrameItem, Point, RectItem, Size, StructTag, TagEvent};
use crate::model::{Align, Block, Cell, Inline, Row, Table};

use super::{BlockContext, Flow, Piece, push_lines, stack};

/// More columns than this are merged into the last one.
const MAX_COLUMNS: usize = 64;

/// A cell placed on the grid.
struct Placed<'a> {
    row: usize,
    col: usize,
    colspan: usize,
    rowspan: usize,
    cell: &'a Cell,
}

/// Lays out a table.
pub(super) fn table(
    ctx: &mut BlockContext,
    flow: &mut Flow,
    table: &Table,
    x: f32,
    width: f32,
    depth: usize,
) {
    let style = ctx.style().tables.clone();
    let rows: Vec<&Row> = table.head.iter().chain(&table.body).collect();
    let head_rows = table.head.len();
    let (placed, columns) = place_cells(&rows, table.columns);
    if placed.is_empty() {
        return;
    }
    let pad = style.padding;
    let widths = column_widths(ctx, &placed, columns, width, pad);
    let mut col_x = Vec::with_capacity(columns + 1);
    let mut acc = x;
    for w in &widths {
        col_x.push(acc);
        acc += w;
    }
    col_x.push(acc);

    // Lay out every cell's content. Notes referenced in cells go to the
    // foot of the sheet where the table starts.
    let mut table_notes = Vec::new();
    let mut contents = Vec::with_capacity(placed.len());
    let mut cell_lines: Vec<Vec<Piece>> = Vec::with_capacity(placed.len());
    for p in &placed {
        let left = col_x.get(p.col).copied().unwrap_or(x);
        let right = col_x.get(p.col + p.colspan).copied().unwrap_or(acc);
        let inner_w = (right - left - 2.0 * pad).max(8.0);
        let mut inner = Flow::new();
        cell_blocks(ctx, &mut inner, p.cell, left + pad, inner_w, depth);
        for piece in &mut inner.pieces {
            table_notes.append(&mut piece.footnotes);
        }
        let lines = inner.pieces.clone();
        let (height, items) = stack(inner.pieces);
        contents.push((height + 2.0 * pad, items));
        cell_lines.push(lines);
    }

    // Row heights: single-row cells first, then spans take what they lack.
    let row_count = rows.len();
    let min_row = style.size * style.leading + 2.0 * pad;
    let mut heights = vec![min_row; row_count];
    for (p, (h, _)) in placed.iter().zip(&contents) {
        if p.rowspan == 1
            && let Some(slot) = heights.get_mut(p.row)
        {
            *slot = slot.max(*h);
        }
    }
    for (p, (h, _)) in placed.iter().zip(&contents) {
        if p.rowspan > 1 {
            let end = (p.row + p.rowspan).min(row_count);
            let have: f32 = heights
                .get(p.row..end)
                .map(|s| s.iter().sum())
                .unwrap_or(0.0);
            if *h > have
                && let Some(last) = heights.get_mut(end.saturating_sub(1))
            {
                *last += h - have;
            }
        }
    }

    // Group rows tied by rowspans.
    let mut group_end: Vec<usize> = (0..row_count).map(|r| r + 1).collect();
    for p in &placed {
        let end = (p.row + p.rowspan).min(row_count);
        if let Some(slot) = group_end.get_mut(p.row) {
            *slot = (*slot).max(end);
        }
    }
    let mut groups = Vec::new();
    let mut start = 0;
    while start < row_count {
        let mut end = group_end.get(start).copied().unwrap_or(start + 1);
        let mut r = start;
        while r < end {
            end = end.max(group_end.get(r).copied().unwrap_or(r + 1));
            r += 1;
        }
        // A group never mixes header and body rows.
        if start < head_rows && end > head_rows {
            end = head_rows;
        }
        groups.push(start..end.max(start + 1));
        start = end.max(start + 1);
    }

    let mut row_top = vec![0.0f32; row_count + 1];
    for r in 0..row_count {
        let h = heights.get(r).copied().unwrap_or(0.0);
        let top = row_top.get(r).copied().unwrap_or(0.0);
        if let Some(slot) = row_top.get_mut(r + 1) {
            *slot = top + h;
        }
    }

    let mut head_pieces = Vec::new();
    let mut body_pieces = Vec::new();
    let mut cells = placed
        .iter()
        .zip(contents.into_iter().zip(cell_lines))
        .peekable();
    for range in &groups {
        let group_top = row_top.get(range.start).copied().unwrap_or(0.0);
        let group_bottom = row_top.get(range.end).copied().unwrap_or(group_top);
        let is_head = range.start < head_rows;
        let head_height: f32 = head_pieces.iter().map(|p: &Piece| p.height).sum();
        let limit = ctx.area_height - head_height - 4.0;
        if !is_head && range.len() == 1 && group_bottom - group_top > limit && limit > min_row * 2.0
        {
            // A row taller than the text area: split it between lines.
            let mut row_cells = Vec::new();
            while let Some((p, _)) = cells.peek() {
                if p.row != range.start {
                    break;
                }
                let Some((p, (_, lines))) = cells.next() else {
                    break;
                };
                let left = col_x.get(p.col).copied().unwrap_or(x);
                let right = col_x.get(p.col + p.colspan).copied().unwrap_or(acc);
                row_cells.push((left, right, p.cell.header, p.colspan, lines));
            }
            let geometry = SplitRow {
                pad,
                limit,
                min_row,
            };
            body_pieces.extend(split_row(row_cells, &geometry, &style));
            continue;
        }
        let mut items = Vec::new();
        for r in range.clone() {
            items.push(tag(TagEvent::Start(StructTag::TableRow)));
            while let Some((p, _)) = cells.peek() {
                if p.row != r {
                    break;
                }
                let Some((p, ((_, content), _))) = cells.next() else {
                    break;
                };
                let left = col_x.get(p.col).copied().unwrap_or(x);
                let right = col_x.get(p.col + p.colspan).copied().unwrap_or(acc);
                let top = row_top.get(p.row).copied().unwrap_or(0.0) - group_top;
                let end = (p.row + p.rowspan).min(row_count);
                let bottom = row_top.get(end).copied().unwrap_or(group_bottom) - group_top;
                let header = p.cell.header || is_head;
                let fill = if header {
                    Some(style.header_background)
                } else if (p.row - head_rows.min(p.row)) % 2 == 1 {
                    Some(style.stripe_background)
                } else {
                    None
                };
                items.push((
                    Point::new(left, top),
                    FrameItem::Rect(RectItem {
                        size: Size::new(right - left, bottom - top),
                        fill,
                        stroke: Some((style.border, 0.5)),
                    }),
                ));
                let (rs, cs) = (span_u32(p.rowspan), span_u32(p.colspan));
                items.push(tag(TagEvent::Start(if header {
                    StructTag::TableHeaderCell(rs, cs)
                } else {
                    StructTag::TableCell(rs, cs)
                })));
                items.extend(
                    content
                        .into_iter()
                        .map(|(at, item)| (at.offset(0.0, top + pad), item)),
                );
                items.push(tag(TagEvent::End));
            }
            items.push(tag(TagEvent::End));
        }
        let piece = Piece::new(group_bottom - group_top, items);
        if is_head {
            head_pieces.push(piece);
        } else {
            body_pieces.push(piece);
        }
    }

    let space = flow.take_space(ctx.block_gap());
    let mut out = Flow::new();
    out.open(StructTag::Table);
    if let Some(caption) = &table.caption {
        caption_piece(ctx, &mut out, caption, x, width);
    }
    let repeat: Rc<Vec<Piece>> = Rc::new(head_pieces.iter().map(strip_tags).collect());
    if !head_pieces.is_empty() {
        out.open(StructTag::TableHead);
        let count = head_pieces.len();
        for (i, mut piece) in head_pieces.into_iter().enumerate() {
            piece.glue_to_prev = i > 0 || table.caption.is_some();
            out.push(piece);
            if i + 1 == count {
                out.keep_with_next();
            }
        }
        out.close();
    }
    if !body_pieces.is_empty() {
        out.open(StructTag::TableBody);
        for (i, mut piece) in body_pieces.into_iter().enumerate() {
            if !repeat.is_empty() {
                piece.repeat = Some(repeat.clone());
            }
            if i == 0 && table.caption.is_some() && repeat.is_empty() {
                piece.glue_to_prev = true;
            }
            out.push(piece);
        }
        out.close();
    }
    out.close();
    if let Some(first) = out.pieces.first_mut() {
        first.space_before = space;
        first.footnotes = table_notes;
    }
    flow.append(out);
    flow.set_space(ctx.block_gap());
}

/// A slice of a cell: its height and items.
type Slice = (f32, Vec<(Point, FrameItem)>);

/// One cell of a row being split: left and right edge, header flag,
/// column span and its laid-out lines.
type RowCell = (f32, f32, bool, usize, Vec<Piece>);

/// Measures for splitting a tall row.
struct SplitRow {
    pad: f32,
    limit: f32,
    min_row: f32,
}

/// Splits one row into pieces no taller than `limit`, cutting every cell
/// between its lines. Each slice is its own row in the tag tree.
fn split_row(
    cells: Vec<RowCell>,
    geometry: &SplitRow,
    style: &crate::layout::style::TableStyle,
) -> Vec<Piece> {
    let avail = geometry.limit - 2.0 * geometry.pad;
    // Per cell: slices of (height, items).
    let mut sliced: Vec<(f32, f32, bool, usize, Vec<Slice>)> = Vec::new();
    for (left, right, header, colspan, lines) in cells {
        let mut slices: Vec<Slice> = vec![(0.0, Vec::new())];
        for line in lines {
            let Some(current) = slices.last() else {
                continue;
            };
            let gap = if current.1.is_empty() {
                0.0
            } else {
                line.space_before
            };
            if current.0 + gap + line.height > avail && !current.1.is_empty() {
                slices.push((0.0, Vec::new()));
            }
            let Some(current) = slices.last_mut() else {
                continue;
            };
            let gap = if current.1.is_empty() {
                0.0
            } else {
                line.space_before
            };
            let y = current.0 + gap;
            current.1.extend(
                line.items
                    .into_iter()
                    .map(|(at, item)| (at.offset(0.0, y), item)),
            );
            current.0 = y + line.height;
        }
        sliced.push((left, right, header, colspan, slices));
    }
    let count = sliced.iter().map(|c| c.4.len()).max().unwrap_or(0);
    let mut pieces = Vec::with_capacity(count);
    for index in 0..count {
        let height = sliced
            .iter()
            .filter_map(|c| c.4.get(index).map(|s| s.0))
            .fold(0.0, f32::max)
            + 2.0 * geometry.pad;
        let height = height.max(geometry.min_row);
        let mut items = vec![tag(TagEvent::Start(StructTag::TableRow))];
        for (left, right, header, colspan, slices) in &mut sliced {
            let fill = header.then_some(style.header_background);
            items.push((
                Point::new(*left, 0.0),
                FrameItem::Rect(RectItem {
                    size: Size::new(*right - *left, height),
                    fill,
                    stroke: Some((style.border, 0.5)),
                }),
            ));
            let cs = span_u32(*colspan);
            items.push(tag(TagEvent::Start(if *header {
                StructTag::TableHeaderCell(1, cs)
            } else {
                StructTag::TableCell(1, cs)
            })));
            if let Some(slice) = slices.get_mut(index) {
                items.extend(
                    std::mem::take(&mut slice.1)
                        .into_iter()
                        .map(|(at, item)| (at.offset(0.0, geometry.pad), item)),
                );
            }
            items.push(tag(TagEvent::End));
        }
        items.push(tag(TagEvent::End));
        pieces.push(Piece::new(height, items));
    }
    pieces
}

/// The caption above the table, kept with the first row.
fn caption_piece(ctx: &mut BlockContext, flow: &mut Flow, caption: &[Inline], x: f32, width: f32) {
    let style = ctx.style().tables.clone();
    let base = ctx
        .text
        .text_style(FontRole::Bold, style.size, ctx.style().body.color);
    let para = ctx
        .text
        .paragraph_style(width, style.size * style.leading, Align::Center);
    let (lines, notes) = ctx.set_inlines(caption, &base, &para);
    push_lines(flow, lines, x, 0.0, StructTag::Caption);
    flow.attach_notes(notes);
    flow.keep_with_next();
}

/// Lays out a cell's blocks in the table's type size.
fn cell_blocks(
    ctx: &mut BlockContext,
    flow: &mut Flow,
    cell: &Cell,
    x: f32,
    width: f32,
    depth: usize,
) {
    let style = ctx.style().tables.clone();
    let body = ctx.style().body.clone();
    for block in &cell.blocks {
        match block {
            Block::Paragraph(p) => {
                let role = if cell.header {
                    FontRole::Bold
                } else {
                    FontRole::Regular
                };
                let base = ctx.text.text_style(role, style.size, body.color);
                let para = ctx
                    .text
                    .paragraph_style(width, style.size * style.leading, cell.align);
                let (lines, notes) = ctx.set_inlines(&p.content, &base, &para);
                let gap = flow.take_space(style.size * 0.4);
                push_lines(flow, lines, x, gap, StructTag::Paragraph);
                flow.attach_notes(notes);
            }
            other => ctx.blocks(flow, std::slice::from_ref(other), x, width, depth + 1),
        }
    }
}

/// Places cells on the grid: each cell takes the first free column of its
/// row, skipping columns covered by rowspans from above.
fn place_cells<'a>(rows: &[&'a Row], declared_columns: usize) -> (Vec<Placed<'a>>, usize) {
    let mut placed = Vec::new();
    let mut covered: Vec<usize> = Vec::new(); // remaining rows covered, per column
    let mut columns = declared_columns.clamp(1, MAX_COLUMNS);
    for (r, row) in rows.iter().enumerate() {
        let mut col = 0;
        for cell in &row.cells {
            while covered.get(col).is_some_and(|&c| c > 0) {
                col += 1;
            }
            if col >= MAX_COLUMNS {
                break;
            }
            let colspan = (cell.colspan.max(1) as usize).min(MAX_COLUMNS - col);
            let rowspan = (cell.rowspan.max(1) as usize).min(rows.len() - r);
            if covered.len() < col + colspan {
                covered.resize(col + colspan, 0);
            }
            for slot in covered.iter_mut().skip(col).take(colspan) {
                *slot = rowspan;
            }
            placed.push(Placed {
                row: r,
                col,
                colspan,
                rowspan,
                cell,
            });
            col += colspan;
            columns = columns.max(col);
        }
        for slot in &mut covered {
            *slot = slot.saturating_sub(1);
        }
    }
    (placed, columns.min(MAX_COLUMNS))
}

/// Column widths from the cells' natural widths: natural widths when they
/// fit (stretched to the text width), else narrow columns keep their width
/// and the wide ones share the rest in proportion.
fn column_widths(
    ctx: &mut BlockContext,
    placed: &[Placed],
    columns: usize,
    width: f32,
    pad: f32,
) -> Vec<f32> {
    let style = &ctx.style().tables;
    let base = ctx
        .text
        .text_style(FontRole::Bold, style.size, ctx.style().body.color);
    let min = style.size * 3.0 + 2.0 * pad;
    let mut natural = vec![min; columns];
    for p in placed.iter().filter(|p| p.colspan == 1) {
        let w = cell_natural_width(ctx, p.cell, &base) + 2.0 * pad;
        if let Some(slot) = natural.get_mut(p.col) {
            *slot = slot.max(w);
        }
    }
    let total: f32 = natural.iter().sum();
    if total <= width {
        return natural.iter().map(|w| w * width / total).collect();
    }
    // The longest Latin word of a column is its least width, if all such
    // widths fit.
    let mut least = vec![min; columns];
    for p in placed.iter().filter(|p| p.colspan == 1) {
        let w = longest_word(ctx, p.cell, &base) + 2.0 * pad;
        if let Some(slot) = least.get_mut(p.col) {
            *slot = slot.max(w);
        }
    }
    let widths = water_fill(&natural, width, min);
    if least.iter().sum::<f32>() > width {
        return widths;
    }
    enforce_least(widths, &least)
}

/// Raises columns below their least width, taking the difference from the
/// columns with room to spare, in proportion to that room.
fn enforce_least(mut widths: Vec<f32>, least: &[f32]) -> Vec<f32> {
    let deficit: f32 = widths
        .iter()
        .zip(least)
        .map(|(w, l)| (l - w).max(0.0))
        .sum();
    if deficit <= 0.0 {
        return widths;
    }
    let spare: f32 = widths
        .iter()
        .zip(least)
        .map(|(w, l)| (w - l).max(0.0))
        .sum();
    if spare <= deficit {
        return widths;
    }
    for (w, l) in widths.iter_mut().zip(least) {
        if *w < *l {
            *w = *l;
        } else {
            *w -= (*w - l) / spare * deficit;
        }
    }
    widths
}

/// The widest run of Latin letters, digits and ASCII punctuation in a
/// cell's paragraphs (such runs are not broken unless they must be).
fn longest_word(ctx: &BlockContext, cell: &Cell, base: &crate::layout::inline::TextStyle) -> f32 {
    let mut widest = 0.0f32;
    for block in &cell.blocks {
        if let Block::Paragraph(p) = block {
            let text = crate::model::plain_text(&p.content);
            for word in text.split(|c: char| !c.is_ascii_graphic()) {
                if word.len() > 1 {
                    widest = widest.max(ctx.text.plain_width(word, base));
                }
            }
        }
    }
    widest
}

/// Water-filling: columns at or below the fair share keep their natural
/// width; the others share the rest in proportion.
fn water_fill(natural: &[f32], width: f32, min: f32) -> Vec<f32> {
    let columns = natural.len();
    let mut fixed = vec![false; columns];
    loop {
        let free: f32 = width
            - natural
                .iter()
                .zip(&fixed)
                .filter(|(_, f)| **f)
                .map(|(w, _)| *w)
                .sum::<f32>();
        let open: Vec<usize> = (0..columns)
            .filter(|c| !fixed.get(*c).copied().unwrap_or(true))
            .collect();
        if open.is_empty() {
            break;
        }
        let share = free / open.len() as f32;
        let mut changed = false;
        for &c in &open {
            if natural.get(c).copied().unwrap_or(0.0) <= share
                && let Some(f) = fixed.get_mut(c)
            {
                *f = true;
                changed = true;
            }
        }
        if !changed {
            let open_total: f32 = open.iter().filter_map(|c| natural.get(*c)).sum();
            let mut out = natural.to_vec();
            for &c in &open {
                if let Some(slot) = out.get_mut(c) {
                    *slot = (*slot * free / open_total.max(1.0)).max(min.min(share));
                }
            }
            return out;
        }
    }
    natural.to_vec()
}

/// The widest paragraph of a cell set on one line.
fn cell_natural_width(
    ctx: &mut BlockContext,
    cell: &Cell,
    base: &crate::layout::inline::TextStyle,
) -> f32 {
    cell.blocks
        .iter()
        .map(|block| match block {
            Block::Paragraph(p) => ctx.natural_width(&p.content, base),
            _ => ctx.style().tables.size * 12.0,
        })
        .fold(0.0, f32::max)
}

/// A copy of a piece without structure marks (repeated headers are
/// artifacts).
fn strip_tags(piece: &Piece) -> Piece {
    let mut copy = piece.clone();
    copy.items.retain(|(_, item)| {
        !matches!(
            item,
            FrameItem::Tag(_) | FrameItem::Anchor(_) | FrameItem::Link(_)
        )
    });
    copy.glue_to_prev = false;
    copy.repeat = None;
    copy
}

/// A span count as `u32`.
fn span_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A tag mark at the origin.
fn tag(event: TagEvent) -> (Point, FrameItem) {
    (Point::default(), FrameItem::Tag(event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{row, spanning};

    #[test]
    fn widths_fill_and_respect_words() {
        let widths = water_fill(&[50.0, 400.0, 300.0], 500.0, 20.0);
        assert!(
            (widths.iter().sum::<f32>() - 500.0).abs() < 0.01,
            "{widths:?}"
        );
        assert_eq!(widths[0], 50.0);
        let fixed = enforce_least(vec![40.0, 200.0, 260.0], &[90.0, 50.0, 50.0]);
        assert!(
            (fixed.iter().sum::<f32>() - 500.0).abs() < 0.01,
            "{fixed:?}"
        );
        assert_eq!(fixed[0], 90.0);
    }

    #[test]
    fn spans_push_cells_right() {
        let rows = [
            row(vec![spanning(2, 1), spanning(1, 2)]),
            row(vec![spanning(1, 1), spanning(1, 1)]),
        ];
        let refs: Vec<&Row> = rows.iter().collect();
        let (placed, columns) = place_cells(&refs, 3);
        assert_eq!(columns, 3);
        let positions: Vec<(usize, usize)> = placed.iter().map(|p| (p.row, p.col)).collect();
        assert_eq!(positions, [(0, 0), (0, 1), (1, 1), (1, 2)]);
    }
}
