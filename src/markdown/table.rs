//! Table geometry: clamps spans, counts columns and finds the header rows.
//!
//! Input: the caption, rows and `<col>` widths collected from Markdown or
//! HTML. Output: a [`Table`] whose `rowspan`s stay inside their row group
//! and whose `columns` is the width of the grid once every span is laid out
//! (HTML table model: a cell takes the first column not covered by a
//! rowspan from a row above).
//!
//! Header rows: a Markdown table's head line and HTML `thead` rows are the
//! head. Most HTML tables of real help sites have no `thead` but open their
//! `tbody` with a row of `th` cells; browsers keep such a row in the body
//! and print it once, tebiki takes the leading rows made only of `th` cells
//! as the head (repeated after a page break in the PDF, written in `thead`
//! in the EPUB), as long as at least one body row follows and no `rowspan`
//! ties them to it.

use crate::diag::Span;
use crate::model::{Inline, Length, Row, Table};

/// Largest `colspan` kept (HTML allows 1000; real tables never need more).
pub(crate) const MAX_COLSPAN: u32 = 100;
/// Largest `rowspan` kept before clamping to the row group.
pub(crate) const MAX_ROWSPAN: u32 = 1000;

/// Parses a `rowspan`/`colspan` attribute, clamped to `1..=max`.
pub(crate) fn parse_span(value: Option<&str>, max: u32) -> u32 {
    value
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(1, |n| {
            u32::try_from(n.clamp(1, u64::from(max))).unwrap_or(1)
        })
}

/// What the builder collected for one table.
pub(crate) struct Parts {
    /// `<caption>` content.
    pub caption: Option<Vec<Inline>>,
    /// `thead` rows or the Markdown head line.
    pub head: Vec<Row>,
    /// The other rows.
    pub body: Vec<Row>,
    /// Widths of `<col>` elements, by column.
    pub col_widths: Vec<Option<Length>>,
}

/// Builds the table; `None` when it has no rows at all.
pub(crate) fn finish(parts: Parts, span: Span) -> Option<Table> {
    let Parts {
        caption,
        mut head,
        mut body,
        col_widths,
    } = parts;
    if head.is_empty() && body.is_empty() {
        return None;
    }
    if head.is_empty() {
        let count = leading_header_rows(&body);
        head = body.drain(..count).collect();
    }
    clamp_rowspans(&mut head);
    clamp_rowspans(&mut body);
    let columns = count_columns(&head).max(count_columns(&body)).max(1);
    Some(Table {
        caption,
        head,
        body,
        columns,
        col_widths,
        span,
    })
}

/// How many leading rows of a table without `thead` are its header: rows
/// whose every cell is a `th`, followed by at least one other row, with no
/// `rowspan` reaching past them.
fn leading_header_rows(body: &[Row]) -> usize {
    let count = body
        .iter()
        .take_while(|row| !row.cells.is_empty() && row.cells.iter().all(|c| c.header))
        .count();
    if count == 0 || count >= body.len() {
        return 0;
    }
    let crosses = body.iter().take(count).enumerate().any(|(i, row)| {
        row.cells
            .iter()
            .any(|c| i + usize::try_from(c.rowspan).unwrap_or(usize::MAX) > count)
    });
    if crosses { 0 } else { count }
}

/// Keeps every rowspan inside its row group.
fn clamp_rowspans(rows: &mut [Row]) {
    let total = rows.len();
    for (i, row) in rows.iter_mut().enumerate() {
        let left = u32::try_from(total - i).unwrap_or(u32::MAX);
        for cell in &mut row.cells {
            cell.rowspan = cell.rowspan.clamp(1, left.max(1));
            cell.colspan = cell.colspan.clamp(1, MAX_COLSPAN);
        }
    }
}

/// Width of the grid of one row group.
fn count_columns(rows: &[Row]) -> usize {
    // covered[c] = rows still covered in column c by a rowspan from above.
    let mut covered: Vec<u32> = Vec::new();
    let mut width = 0;
    for row in rows {
        let mut col = 0;
        for cell in &row.cells {
            while covered.get(col).is_some_and(|&n| n > 0) {
                col += 1;
            }
            let span = cell.colspan as usize;
            if covered.len() < col + span {
                covered.resize(col + span, 0);
            }
            for slot in covered.iter_mut().skip(col).take(span) {
                *slot = cell.rowspan;
            }
            col += span;
        }
        width = width
            .max(col)
            .max(covered.iter().rposition(|&n| n > 0).map_or(0, |i| i + 1));
        for slot in &mut covered {
            *slot = slot.saturating_sub(1);
        }
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{row, span, spanning};

    #[test]
    fn rowspan_pushes_cells_right() {
        // | a (rowspan 2) | b | c |
        // |               | d | e |
        let rows = vec![
            row(vec![spanning(2, 1), spanning(1, 1), spanning(1, 1)]),
            row(vec![spanning(1, 1), spanning(1, 1)]),
        ];
        assert_eq!(count_columns(&rows), 3);
    }

    #[test]
    fn colspan_widens() {
        let rows = vec![
            row(vec![spanning(1, 3)]),
            row(vec![spanning(1, 1), spanning(1, 1)]),
        ];
        assert_eq!(count_columns(&rows), 3);
    }

    #[test]
    fn rowspan_is_clamped_to_group() {
        let parts = Parts {
            caption: None,
            head: Vec::new(),
            body: vec![
                row(vec![spanning(50, 1), spanning(1, 1)]),
                row(vec![spanning(1, 1)]),
            ],
            col_widths: Vec::new(),
        };
        let table = finish(parts, span(0));
        let table = table.unwrap_or_else(|| panic!("table expected"));
        assert_eq!(table.body[0].cells[0].rowspan, 2);
        assert_eq!(table.columns, 2);
    }

    fn header(rowspan: u32) -> crate::model::Cell {
        let mut cell = spanning(rowspan, 1);
        cell.header = true;
        cell
    }

    #[test]
    fn leading_th_rows_become_the_head() {
        let body = vec![
            row(vec![header(1), header(1)]),
            row(vec![header(1), header(1)]),
            row(vec![header(1), spanning(1, 1)]),
            row(vec![spanning(1, 1), spanning(1, 1)]),
        ];
        assert_eq!(leading_header_rows(&body), 2);
        // A table made only of `th` rows has no body to repeat over.
        assert_eq!(leading_header_rows(&body[..2]), 0);
        // A rowspan tying the header to the body keeps it in the body.
        let tied = vec![row(vec![header(2), header(1)]), row(vec![spanning(1, 1)])];
        assert_eq!(leading_header_rows(&tied), 0);
        let parts = Parts {
            caption: None,
            head: Vec::new(),
            body,
            col_widths: Vec::new(),
        };
        let table = finish(parts, span(0)).unwrap_or_else(|| panic!("table expected"));
        assert_eq!((table.head.len(), table.body.len()), (2, 2));
    }

    #[test]
    fn span_attributes_are_clamped() {
        assert_eq!(parse_span(Some("0"), MAX_COLSPAN), 1);
        assert_eq!(parse_span(Some("99999999999"), MAX_COLSPAN), MAX_COLSPAN);
        assert_eq!(parse_span(Some("x"), MAX_COLSPAN), 1);
        assert_eq!(parse_span(Some(" 3 "), MAX_COLSPAN), 3);
        assert_eq!(parse_span(None, MAX_ROWSPAN), 1);
    }
}
