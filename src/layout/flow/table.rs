//! Tables: grid placement with `rowspan`/`colspan`, column widths from the
//! content (the CSS automatic table layout, `columns.rs`), wrapped cells,
//! header rows repeated at the top of the next sheet.
//!
//! Input: a model [`Table`]. Output: an optional caption piece and one piece
//! per row group (rows tied together by a `rowspan` never separate). The
//! last header row is kept with the first body row, so a header never ends
//! a sheet alone. A single body row taller than the text area (less the
//! repeated header) is split between its cells' lines into several pieces
//! (`split_row`), each its own row in the tag tree; a group of rows tied by
//! a `rowspan` that is taller than the text area is still placed whole
//! (known limitation).
//!
//! Every column is kept (up to 1000, a bound against hostile input, with a
//! warning). When the columns' least widths do not fit, the
//! type (and padding) is scaled down as far as `tables.min_size`; a table
//! that would need smaller type is set as several tables of column groups,
//! each led by the first (key) column and captioned `(k/n)`, with a warning
//! at the table. A cell's lists, quotes and other blocks are set in the
//! cell's type size and leading.

mod columns;

pub(super) use columns::DistributedWidths;

use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::layout::font::FontRole;
use crate::layout::frame::{FrameItem, Point, RectItem, Size, StructTag, TagEvent};
use crate::layout::inline::TextStyle;
use crate::layout::style::{PdfStyle, TableStyle};
use crate::model::{Align, Block, Cell, Inline, Length, Row, Table};

use super::{BlockContext, BlocksAt, Flow, Piece, push_lines, stack};
use columns::{CellMeasure, Columns, Plan};

/// Latin words longer than this (in ems) do not widen their column: they
/// are broken at their break opportunities.
const HARD_CAP_EM: f32 = 10.0;
/// A body cell whose text is this wide (in ems) or narrower is kept on one
/// line when the table has room.
const SHORT_BODY_EM: f32 = 6.0;
/// The same for header cells.
const SHORT_HEAD_EM: f32 = 10.0;
/// A column of longer texts gets at least this measure (in ems) when the
/// table has room, so that remarks are not set a character per line.
const COMFORT_EM: f32 = 6.0;
/// Slack added to measured widths so that a line measured to fit does fit.
const SLACK: f32 = 0.5;
/// Width given to a block whose width is not measured (figures, tables
/// inside cells), in ems.
const UNMEASURED_EM: f32 = 12.0;

/// Columns kept of a table (far more than any real table has; a bound on
/// the work a hostile table can cause). Cells beyond are left out with a
/// warning.
const MAX_COLUMNS: usize = 1000;

/// A cell placed on the grid.
struct Placed<'a> {
    row: usize,
    col: usize,
    colspan: usize,
    rowspan: usize,
    cell: &'a Cell,
}

/// Lays out a table: all its columns at once, at a smaller type size if
/// need be, or in column groups when the type would fall below
/// `tables.min_size`.
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
    let (placed, columns) = place_cells(&rows);
    if placed.is_empty() {
        return;
    }
    if placed.len() < rows.iter().map(|r| r.cells.len()).sum() {
        ctx.diags.push(
            Diagnostic::warning(
                table.span,
                format!(
                    "table has more than {MAX_COLUMNS} columns; the cells after the \
                     {MAX_COLUMNS}th column are left out of the PDF"
                ),
            )
            .with_hint("split the table into narrower tables")
            .with_code(crate::diag::Code::TableColumnsDropped),
        );
    }
    let cols = measure(ctx, table, &placed, columns, width);
    let min_scale = (style.min_size / style.size).min(1.0);
    match columns::plan(&cols, width, min_scale) {
        Plan::Fit { scale } => {
            let widths = ctx
                .text
                .distributed_widths()
                .distribute(&cols.scaled(scale), width);
            let caption = table.caption.clone();
            let setting = Setting {
                caption,
                widths: &widths,
                scale,
                x,
                depth,
            };
            set(ctx, flow, table, setting);
        }
        Plan::Groups { scale, groups } => {
            let count = groups.len();
            ctx.diags.push(
                Diagnostic::warning(
                    table.span,
                    format!(
                        "table has {columns} columns, too many for the page even in \
                         {:.1} pt type; it is printed as {count} tables of column groups, \
                         each led by its first column",
                        style.min_size
                    ),
                )
                .with_code(crate::diag::Code::TableTooWide)
                .with_hint(
                    "split the table into narrower tables, or move details into a \
                     remarks column (`tables.min_size` in layouts/pdf.toml sets the \
                     smallest type)",
                ),
            );
            let head_rows = table.head.len();
            for (i, group) in groups.iter().enumerate() {
                let label = format!("({}/{count})", i + 1);
                let caption = match &table.caption {
                    Some(c) => {
                        let mut c = c.clone();
                        c.push(Inline::Text(format!(" {label}")));
                        c
                    }
                    None => vec![Inline::Text(label)],
                };
                let sub = column_group(table, &placed, head_rows, group);
                let sub_rows: Vec<&Row> = sub.head.iter().chain(&sub.body).collect();
                let (sub_placed, sub_columns) = place_cells(&sub_rows);
                let sub_cols = measure(ctx, &sub, &sub_placed, sub_columns, width);
                let widths = ctx
                    .text
                    .distributed_widths()
                    .distribute(&sub_cols.scaled(scale), width);
                let setting = Setting {
                    caption: Some(caption),
                    widths: &widths,
                    scale,
                    x,
                    depth,
                };
                set(ctx, flow, &sub, setting);
            }
        }
    }
}

/// The table made of the columns `group` of `table` (cells spanning into
/// other columns keep the part inside the group).
fn column_group(table: &Table, placed: &[Placed], head_rows: usize, group: &[usize]) -> Table {
    let row_count = table.head.len() + table.body.len();
    let mut rows: Vec<Row> = (0..row_count).map(|_| Row { cells: Vec::new() }).collect();
    for p in placed {
        let inside = (p.col..p.col + p.colspan)
            .filter(|c| group.contains(c))
            .count();
        if inside == 0 {
            continue;
        }
        if let Some(row) = rows.get_mut(p.row) {
            let mut cell = p.cell.clone();
            cell.colspan = span_u32(inside);
            cell.rowspan = span_u32(p.rowspan);
            row.cells.push(cell);
        }
    }
    let body = rows.split_off(head_rows.min(rows.len()));
    Table {
        caption: None,
        head: rows,
        body,
        columns: group.len(),
        col_widths: group
            .iter()
            .map(|c| table.col_widths.get(*c).copied().flatten())
            .collect(),
        span: table.span,
    }
}

/// The widths of the table's columns measured in its type size: least,
/// whole-short-text and one-line widths, and the writer's preferred widths.
fn measure(
    ctx: &mut BlockContext,
    table: &Table,
    placed: &[Placed],
    columns: usize,
    width: f32,
) -> Columns {
    let style = ctx.style().tables.clone();
    let color = ctx.style().body.color;
    let em = style.size;
    let pad = 2.0 * style.padding + SLACK;
    let head_rows = table.head.len();
    let mut cells = Vec::with_capacity(placed.len());
    for p in placed {
        let header = p.cell.header || p.row < head_rows;
        let role = if header {
            FontRole::Bold
        } else {
            FontRole::Regular
        };
        let base = ctx.text.text_style(role, em, color);
        let (hard, max) = cell_widths(ctx, p.cell, &base);
        let short = if header { SHORT_HEAD_EM } else { SHORT_BODY_EM } * em;
        let hard = hard.min(HARD_CAP_EM * em).max(em);
        let soft = if max <= short {
            max
        } else {
            max.min(COMFORT_EM * em)
        };
        cells.push(CellMeasure {
            row: p.row,
            rowspan: p.rowspan,
            pad,
            col: p.col,
            span: p.colspan,
            hard: hard + pad,
            soft: soft.max(hard) + pad,
            max: max.max(hard) + pad,
        });
    }
    let mut cols = Columns::new(columns, &cells, em + pad, SHORT_BODY_EM * em + pad);
    let resolve = |length: &Length| match *length {
        Length::Px(px) => px * 0.75,
        Length::Percent(pc) => width * pc / 100.0,
    };
    let mut preferred: Vec<Option<f32>> = vec![None; columns];
    for (slot, w) in preferred.iter_mut().zip(&table.col_widths) {
        *slot = w.as_ref().map(resolve);
    }
    for p in placed.iter().filter(|p| p.colspan == 1) {
        if let (Some(w), Some(slot)) = (p.cell.width.as_ref(), preferred.get_mut(p.col)) {
            let w = resolve(w);
            *slot = Some(slot.map_or(w, |s| s.max(w)));
        }
    }
    cols.prefer(&preferred, width);
    cols
}

/// A cell's least width (its longest Latin word) and its one-line width
/// (its widest paragraph, nested blocks indented), padding excluded.
fn cell_widths(ctx: &mut BlockContext, cell: &Cell, base: &TextStyle) -> (f32, f32) {
    let em = base.size;
    let indent = ctx.style().lists.indent * em / ctx.style().body.size.max(1.0);
    let mut hard = 0.0f32;
    let mut max = 0.0f32;
    let mut stack: Vec<(&Block, f32)> = cell.blocks.iter().rev().map(|b| (b, 0.0)).collect();
    let mut inlines: Vec<(&[Inline], f32)> = Vec::new();
    while let Some((block, at)) = stack.pop() {
        let children: Vec<(&Block, f32)> = match block {
            Block::Paragraph(p) => {
                inlines.push((&p.content, at));
                Vec::new()
            }
            Block::Heading(h) => {
                inlines.push((&h.content, at));
                Vec::new()
            }
            Block::List(l) => l
                .items
                .iter()
                .flat_map(|item| item.blocks.iter().map(move |b| (b, at + indent)))
                .collect(),
            Block::Quote(q) => q.blocks.iter().map(|b| (b, at + em)).collect(),
            Block::Admonition(a) => a.blocks.iter().map(|b| (b, at + 2.0 * em)).collect(),
            Block::DefinitionList(d) => {
                for item in &d.items {
                    inlines.push((&item.term, at));
                }
                d.items
                    .iter()
                    .flat_map(|item| item.definitions.iter().flatten())
                    .map(|b| (b, at + 2.0 * em))
                    .collect()
            }
            Block::Code(code) => {
                for line in code.text.lines() {
                    let w = ctx.text.plain_width(line, base);
                    max = max.max(at + w);
                    hard = hard.max(at + w.min(HARD_CAP_EM * em));
                }
                Vec::new()
            }
            Block::Figure(_) | Block::Table(_) | Block::Rule(_) | Block::Footnote(_) => {
                max = max.max(at + UNMEASURED_EM * em);
                hard = hard.max(at + 4.0 * em);
                Vec::new()
            }
        };
        stack.extend(children.into_iter().rev());
    }
    for (content, at) in inlines {
        max = max.max(at + ctx.natural_width(content, base));
        hard = hard.max(at + longest_word(ctx, content, base));
    }
    (hard, max)
}

/// How [`set`] sets a table.
struct Setting<'w> {
    /// The caption above it (the table's, or with `(k/n)` for a column
    /// group).
    caption: Option<Vec<Inline>>,
    /// The columns' widths.
    widths: &'w [f32],
    /// Scale of the type size and padding.
    scale: f32,
    /// Left edge.
    x: f32,
    /// Nesting depth.
    depth: usize,
}

/// Sets a table whose column widths are decided, its type scaled by
/// `scale`.
fn set(ctx: &mut BlockContext, flow: &mut Flow, table: &Table, setting: Setting<'_>) {
    let Setting {
        caption,
        widths,
        scale,
        x,
        depth,
    } = setting;
    let mut style = ctx.style().tables.clone();
    style.size *= scale;
    style.padding *= scale;
    let style = style;
    let width: f32 = widths.iter().sum();
    let rows: Vec<&Row> = table.head.iter().chain(&table.body).collect();
    let head_rows = table.head.len();
    let (placed, _) = place_cells(&rows);
    if placed.is_empty() {
        return;
    }
    let pad = style.padding;
    let mut col_x = Vec::with_capacity(widths.len() + 1);
    let mut acc = x;
    for w in widths {
        col_x.push(acc);
        acc += w;
    }
    col_x.push(acc);
    let cell_style = cell_style(ctx.style(), &style);

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
        let at = CellAt {
            x: left + pad,
            width: inner_w,
            depth,
        };
        cell_blocks(ctx, &mut inner, p.cell, &style, &cell_style, at);
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
    if let Some(caption) = &caption {
        caption_piece(ctx, &mut out, caption, x, width);
    }
    let repeat: Arc<Vec<Piece>> = Arc::new(head_pieces.iter().map(strip_tags).collect());
    if !head_pieces.is_empty() {
        out.open(StructTag::TableHead);
        let count = head_pieces.len();
        for (i, mut piece) in head_pieces.into_iter().enumerate() {
            piece.glue_to_prev = i > 0 || caption.is_some();
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
            if i == 0 && caption.is_some() && repeat.is_empty() {
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

/// Where a cell's content goes.
struct CellAt {
    /// Left edge of the content.
    x: f32,
    /// Measure.
    width: f32,
    /// Nesting depth of the table.
    depth: usize,
}

/// The layout style for a cell's nested blocks: the body set in the
/// table's type size and leading, lists and code scaled alike.
fn cell_style(page: &PdfStyle, table: &TableStyle) -> PdfStyle {
    let mut style = page.clone();
    let ratio = table.size / style.body.size.max(1.0);
    style.body.size = table.size;
    style.body.leading = table.leading;
    style.body.paragraph_gap *= 0.5;
    style.lists.indent *= ratio;
    style.lists.item_gap *= ratio;
    style.code.size *= ratio;
    style.code.padding *= ratio;
    style
}

/// Lays out a cell's blocks in the table's type size: paragraphs directly
/// (bold in header cells), other blocks under `nested` (the body style in
/// the cell's size and leading).
fn cell_blocks(
    ctx: &mut BlockContext,
    flow: &mut Flow,
    cell: &Cell,
    style: &TableStyle,
    nested: &PdfStyle,
    at: CellAt,
) {
    let color = ctx.style().body.color;
    for block in &cell.blocks {
        match block {
            Block::Paragraph(p) => {
                let role = if cell.header {
                    FontRole::Bold
                } else {
                    FontRole::Regular
                };
                let base = ctx.text.text_style(role, style.size, color);
                let para =
                    ctx.text
                        .paragraph_style(at.width, style.size * style.leading, cell.align);
                let (lines, notes) = ctx.set_inlines(&p.content, &base, &para);
                let gap = flow.take_space(style.size * 0.4);
                push_lines(flow, lines, at.x, gap, StructTag::Paragraph);
                flow.attach_notes(notes);
            }
            other => ctx.blocks_in_style(
                nested,
                BlocksAt {
                    flow,
                    blocks: std::slice::from_ref(other),
                    x: at.x,
                    width: at.width,
                    depth: at.depth + 1,
                },
            ),
        }
    }
}

/// Places cells on the grid: each cell takes the first free column of its
/// row, skipping columns covered by rowspans from above. Returns the cells
/// and the number of columns: every column up to [`MAX_COLUMNS`] is kept;
/// cells beyond are left out (the caller warns).
fn place_cells<'a>(rows: &[&'a Row]) -> (Vec<Placed<'a>>, usize) {
    let mut placed = Vec::new();
    let mut covered: Vec<usize> = Vec::new(); // remaining rows covered, per column
    let mut columns = 1;
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
    (placed, columns)
}

/// The widest run of Latin letters, digits and ASCII punctuation in some
/// inline content (such runs are not broken unless they must be); an
/// address or path counts by its longest part after `/`, `.`, `@`, `?`,
/// `&`, `=` or `:`, where it may break.
fn longest_word(ctx: &BlockContext, content: &[Inline], base: &TextStyle) -> f32 {
    let text = crate::model::plain_text(content);
    text.split(|c: char| !c.is_ascii_graphic())
        .flat_map(|word| word.split_inclusive(['/', '.', '@', '?', '&', '=', ':']))
        .filter(|part| part.len() > 1)
        .map(|part| ctx.text.plain_width(part, base))
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
    use crate::layout::frame::TextRun;
    use crate::model::testing::{cell, list, para_text, row, span, spanning};

    /// A table of `head` and `body` rows of text cells.
    fn text_table(head: &[&[&str]], body: &[&[&str]]) -> Block {
        let rows = |rows: &[&[&str]], header: bool| -> Vec<Row> {
            rows.iter()
                .map(|r| {
                    row(r
                        .iter()
                        .map(|t| cell(header, 1, 1, Align::Default, vec![para_text(t)]))
                        .collect())
                })
                .collect()
        };
        let columns = head.iter().chain(body).map(|r| r.len()).max().unwrap_or(1);
        Block::Table(Table {
            caption: None,
            head: rows(head, true),
            body: rows(body, false),
            columns,
            col_widths: Vec::new(),
            span: span(0),
        })
    }

    /// Every text run of the flow with its position (pieces stacked).
    fn runs(flow: &Flow) -> Vec<(Point, TextRun)> {
        let mut out = Vec::new();
        let mut y = 0.0;
        for piece in &flow.pieces {
            y += piece.space_before;
            for (at, item) in &piece.items {
                if let FrameItem::Text(run) = item {
                    out.push((at.offset(0.0, y), run.clone()));
                }
            }
            y += piece.height;
        }
        out
    }

    /// The cell rectangles (left edge, width) of the first piece that has
    /// some: the first row's cells.
    fn first_row_cells(flow: &Flow) -> Vec<(f32, f32)> {
        flow.pieces
            .iter()
            .map(|p| {
                p.items
                    .iter()
                    .filter_map(|(at, item)| match item {
                        FrameItem::Rect(r) => Some((at.x, r.size.width)),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
            })
            .find(|cells| !cells.is_empty())
            .unwrap_or_default()
    }

    #[test]
    fn short_headers_stay_whole_and_remarks_take_the_width() {
        // The sample's CSV table in a 400 pt text area.
        let remarks = "既存のログイン名と一致すると、そのユーザーの情報を上書きします。一致しないときは新しいユーザーを追加します。";
        let table = text_table(
            &[&[
                "列",
                "項目名",
                "必須",
                "最大文字数",
                "使用できる文字",
                "例",
                "省略したときの値",
                "備考",
            ]],
            &[
                &[
                    "1",
                    "login_name",
                    "○",
                    "128",
                    "半角英数字と記号",
                    "hanako.sato@example.com",
                    "－",
                    remarks,
                ],
                &["2", "display_name", "○", "128", "すべて", "", "－", remarks],
                &[
                    "3",
                    "password",
                    "－",
                    "72",
                    "半角英数字と記号",
                    "",
                    "変更しない",
                    remarks,
                ],
            ],
        );
        let (flow, _) = super::super::tests::lay_out_with_diags(&[table]);
        let runs = runs(&flow);
        assert!(
            runs.iter().any(|(_, r)| r.text().contains("最大文字数")),
            "「最大文字数」 is broken: {:?}",
            runs.iter().map(|(_, r)| r.text()).collect::<Vec<_>>()
        );
        let cells = first_row_cells(&flow);
        assert_eq!(cells.len(), 8, "{cells:?}");
        let total: f32 = cells.iter().map(|c| c.1).sum();
        assert!((total - 400.0).abs() < 0.5, "{cells:?}");
        // The example column (one address) is narrower than the remarks.
        assert!(cells[7].1 > 1.2 * cells[5].1, "{cells:?}");
    }

    #[test]
    fn lists_in_cells_are_set_in_the_cells_size() {
        let table = Block::Table(Table {
            caption: None,
            head: Vec::new(),
            body: vec![row(vec![
                cell(false, 1, 1, Align::Default, vec![para_text("管理者")]),
                cell(
                    false,
                    1,
                    1,
                    Align::Default,
                    vec![list(
                        None,
                        vec![
                            vec![para_text("項目アルファ")],
                            vec![para_text("項目ベータ")],
                        ],
                    )],
                ),
            ])],
            columns: 2,
            col_widths: Vec::new(),
            span: span(0),
        });
        let (flow, _) = super::super::tests::lay_out_with_diags(&[table]);
        let runs = runs(&flow);
        let find = |t: &str| {
            runs.iter()
                .find(|(_, r)| r.text().contains(t))
                .unwrap_or_else(|| panic!("no run {t}"))
        };
        let (a, alpha) = find("項目アルファ");
        let (b, _) = find("項目ベータ");
        let style = PdfStyle::defaults();
        assert_eq!(alpha.size, style.tables.size);
        assert_eq!(find("管理者").1.size, style.tables.size);
        // One cell line pitch apart (plus the item gap), not the body's.
        let pitch = b.y - a.y;
        assert!(
            pitch < style.body.size * style.body.leading,
            "item pitch {pitch}"
        );
    }

    #[test]
    fn seventy_columns_are_all_set_in_readable_type() {
        let head: Vec<String> = (1..=70).map(|c| format!("H{c:02}")).collect();
        let body: Vec<String> = (1..=70).map(|c| format!("v{c:02}")).collect();
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        let body: Vec<&str> = body.iter().map(String::as_str).collect();
        let table = text_table(&[&head], &[&body]);
        let (flow, diags) = super::super::tests::lay_out_with_diags(&[table]);
        let runs = runs(&flow);
        let style = PdfStyle::defaults();
        for c in 1..=70 {
            let name = format!("H{c:02}");
            let run = runs
                .iter()
                .find(|(_, r)| r.text() == name)
                .unwrap_or_else(|| panic!("column {c} lost"));
            assert!(run.1.size >= style.tables.min_size - 0.01, "{}", run.1.size);
        }
        let warnings: Vec<_> = diags.items().iter().collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn spans_push_cells_right() {
        let rows = [
            row(vec![spanning(2, 1), spanning(1, 2)]),
            row(vec![spanning(1, 1), spanning(1, 1)]),
        ];
        let refs: Vec<&Row> = rows.iter().collect();
        let (placed, columns) = place_cells(&refs);
        assert_eq!(columns, 3);
        let positions: Vec<(usize, usize)> = placed.iter().map(|p| (p.row, p.col)).collect();
        assert_eq!(positions, [(0, 0), (0, 1), (1, 1), (1, 2)]);
    }
}
