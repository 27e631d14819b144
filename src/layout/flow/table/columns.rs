//! Column widths of a table: the CSS automatic table layout with one extra
//! tier for short texts, and the choice of type size or column groups when
//! the columns do not fit.
//!
//! Input: one [`CellMeasure`] per placed cell (its least, whole and
//! one-line widths, padding included, measured at the table's type size)
//! and the writer's preferred widths. Output: [`Columns`] (the same three
//! widths per column), a [`Plan`] (the scale of the type, or column groups)
//! and, from [`distribute`], one width per column that sums to the width
//! available.
//!
//! The three widths of a column (the widest of its cells'):
//! - `hard`: the least width: its longest Latin word (capped) or one
//!   Japanese character; narrower would break inside a word.
//! - `soft`: the width that keeps short texts whole: a header cell or a
//!   short body cell (「最大文字数」, 「必須」) as one line, a long cell a
//!   comfortable measure (a few ems). Kept whenever the table has room.
//! - `max`: every paragraph on one line (CSS max-content).
//!
//! When every column fits at `max`, the rest of the width goes to the
//! columns in proportion to `max` (columns the writer gave a width keep
//! it). Otherwise every column gets its `soft` width (relaxed, one column
//! at a time, long texts before short ones and the one whose relaxing costs
//! the table least height for the width it frees first, to a narrow
//! measure of about 3 em, then to `hard`, until they fit) and the rest goes, a
//! step at a time, where it lowers the table's height most (a row is as
//! tall as its cell of most lines): a mostly empty example column stays
//! narrow and a long remarks column takes the width. Last, counting lines
//! by whole characters, a row loses a line wherever the other columns can
//! give the width without a row growing (two 8-character headers in two
//! lines each rather than three).

use std::collections::HashMap;

/// The widths of one cell, padding included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct CellMeasure {
    /// Its row (the first, for a `rowspan`).
    pub row: usize,
    /// Rows covered.
    pub rowspan: usize,
    /// Padding (both sides) included in the widths.
    pub pad: f32,
    /// First column.
    pub col: usize,
    /// Columns covered.
    pub span: usize,
    /// Least width (longest unbreakable run).
    pub hard: f32,
    /// Width keeping short texts whole.
    pub soft: f32,
    /// One-line width.
    pub max: f32,
}

/// The widths of every column.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Columns {
    /// Least widths.
    pub hard: Vec<f32>,
    /// Widths keeping short texts whole.
    pub soft: Vec<f32>,
    /// One-line widths.
    pub max: Vec<f32>,
    /// Columns whose width the writer gave.
    pub fixed: Vec<bool>,
    /// The cells, to weigh the rows' heights.
    pub cells: Vec<CellMeasure>,
    /// Widths up to this are short texts (「最大文字数」), kept whole
    /// before any longer one.
    pub short: f32,
    /// The type size (a Japanese character's width): text wraps by it.
    pub em: f32,
}

/// How the table is set.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Plan {
    /// All columns at once, the type scaled by `scale` (≤ 1).
    Fit {
        /// Scale of the type size and padding.
        scale: f32,
    },
    /// The type would fall below the readable size: the columns are set in
    /// groups (each a list of column indices, the key column first when it
    /// is repeated), at `scale`.
    Groups {
        /// Scale of the type size and padding.
        scale: f32,
        /// The columns of each group.
        groups: Vec<Vec<usize>>,
    },
}

impl Columns {
    /// The widths of `count` columns from their cells: single-column
    /// cells first, then each spanning cell gives what its columns lack to
    /// them in proportion to their one-line widths. `floor` is the least
    /// width of any column.
    pub(super) fn new(count: usize, cells: &[CellMeasure], floor: f32, short: f32) -> Columns {
        let mut cols = Columns {
            hard: vec![floor; count],
            soft: vec![floor; count],
            max: vec![floor; count],
            fixed: vec![false; count],
            cells: cells.to_vec(),
            short,
            em: (floor - cells.first().map_or(0.0, |c| c.pad)).max(0.0),
        };
        for cell in cells.iter().filter(|c| c.span == 1) {
            if let (Some(h), Some(s), Some(m)) = (
                cols.hard.get_mut(cell.col),
                cols.soft.get_mut(cell.col),
                cols.max.get_mut(cell.col),
            ) {
                *h = h.max(cell.hard);
                *s = s.max(cell.soft);
                *m = m.max(cell.max);
            }
        }
        for cell in cells.iter().filter(|c| c.span > 1) {
            let range = cell.col..(cell.col + cell.span).min(count);
            let weights: Vec<f32> = cols.max.get(range.clone()).unwrap_or(&[]).to_vec();
            for (widths, want) in [
                (&mut cols.hard, cell.hard),
                (&mut cols.soft, cell.soft),
                (&mut cols.max, cell.max),
            ] {
                if let Some(slice) = widths.get_mut(range.clone()) {
                    spread(slice, &weights, want);
                }
            }
        }
        cols.monotone();
        cols
    }

    /// Takes the writer's preferred widths (points, by column; `None`: no
    /// width given) as the widths of those columns, never below their
    /// least width; when they add up to more than `width` they are scaled
    /// down to fit the page.
    pub(super) fn prefer(&mut self, preferred: &[Option<f32>], width: f32) {
        let total: f32 = preferred.iter().flatten().sum();
        let factor = if total > width * 0.98 {
            width * 0.98 / total
        } else {
            1.0
        };
        for (c, p) in preferred.iter().enumerate() {
            let Some(p) = p.map(|p| p * factor) else {
                continue;
            };
            if let (Some(h), Some(s), Some(m), Some(f)) = (
                self.hard.get(c),
                self.soft.get_mut(c),
                self.max.get_mut(c),
                self.fixed.get_mut(c),
            ) {
                *s = p.max(*h);
                *m = p.max(*h);
                *f = true;
            }
        }
    }

    /// The same widths at `scale` (type and padding scaled alike).
    pub(super) fn scaled(&self, scale: f32) -> Columns {
        let times = |v: &Vec<f32>| v.iter().map(|w| w * scale).collect();
        Columns {
            hard: times(&self.hard),
            soft: times(&self.soft),
            max: times(&self.max),
            fixed: self.fixed.clone(),
            cells: self
                .cells
                .iter()
                .map(|c| CellMeasure {
                    pad: c.pad * scale,
                    hard: c.hard * scale,
                    soft: c.soft * scale,
                    max: c.max * scale,
                    ..*c
                })
                .collect(),
            short: self.short * scale,
            em: self.em * scale,
        }
    }

    /// Keeps `hard ≤ soft ≤ max` in every column.
    fn monotone(&mut self) {
        for ((h, s), m) in self.hard.iter().zip(&mut self.soft).zip(&mut self.max) {
            *s = s.max(*h);
            *m = m.max(*s);
        }
    }
}

/// Raises `slice` so that it adds up to `want` at least, in proportion to
/// `weights` (equally when they are all zero).
fn spread(slice: &mut [f32], weights: &[f32], want: f32) {
    let have: f32 = slice.iter().sum();
    if want <= have || slice.is_empty() {
        return;
    }
    let lack = want - have;
    let total: f32 = weights.iter().sum();
    let count = slice.len() as f32;
    for (i, w) in slice.iter_mut().enumerate() {
        let weight = weights.get(i).copied().unwrap_or(0.0);
        *w += if total > 0.0 {
            lack * weight / total
        } else {
            lack / count
        };
    }
}

/// The widths of the columns in `width`. When even the least widths do not
/// fit, they are scaled down alike (the caller avoids this with a
/// [`Plan`]).
pub(super) fn distribute(cols: &Columns, width: f32) -> Vec<f32> {
    let sum_max: f32 = cols.max.iter().sum();
    if sum_max <= width {
        let extra = width - sum_max;
        let any_auto = cols.fixed.iter().any(|f| !f);
        let weight = |c: usize| {
            let auto = !cols.fixed.get(c).copied().unwrap_or(false);
            if auto || !any_auto {
                cols.max.get(c).copied().unwrap_or(0.0)
            } else {
                0.0
            }
        };
        let total: f32 = (0..cols.max.len()).map(weight).sum();
        return (0..cols.max.len())
            .map(|c| {
                let m = cols.max.get(c).copied().unwrap_or(0.0);
                if total > 0.0 {
                    m + extra * weight(c) / total
                } else {
                    m
                }
            })
            .collect();
    }
    let sample = sampled(cols);
    let cols = &sample;
    let heights = RowHeights::new(cols);
    let mut min = cols.soft.clone();
    let mut excess = min.iter().sum::<f32>() - width;
    // Relax columns to their least width, one at a time, the one that costs
    // the table least height for the width it frees first, until they fit;
    // the sharing below gives each back what lowers the table most.
    // Short texts give way last; no column goes below a narrow measure
    // (half the short width) before every column is there.
    let narrow: Vec<f32> = cols
        .hard
        .iter()
        .zip(&cols.soft)
        .map(|(h, s)| h.max(s.min(cols.short / 2.0)))
        .collect();
    for floor in [&narrow, &cols.hard] {
        while excess > 0.0 {
            let Some(c) = cheapest_to_relax(&heights, &min, floor) else {
                break;
            };
            let target = floor.get(c).copied().unwrap_or(0.0);
            if let Some(m) = min.get_mut(c) {
                excess -= *m - target;
                *m = target;
            }
        }
    }
    let sum_min: f32 = min.iter().sum();
    if sum_min >= width {
        return min.iter().map(|w| w * width / sum_min.max(1.0)).collect();
    }
    let extra = width - sum_min;
    let shared = share_by_height(&heights, min.clone(), extra);
    let kept = keep_nearly_whole(cols, &min, shared);
    fewer_lines(cols, &min, kept)
}

/// Column widths distributed before, by their inputs: a table comes again
/// in every page-reference pass with the same cells, and [`distribute`]
/// (which weighs every row at every step) is the dearest part of setting
/// it. Shared by the threads laying out one book's pages.
#[derive(Debug, Default)]
pub(crate) struct DistributedWidths(std::sync::Mutex<HashMap<Vec<u32>, Vec<f32>>>);

impl DistributedWidths {
    /// [`distribute`]`(cols, width)`, computed once per distinct input.
    pub(super) fn distribute(&self, cols: &Columns, width: f32) -> Vec<f32> {
        let key = distribution_key(cols, width);
        let memo = || self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(widths) = memo().get(&key) {
            return widths.clone();
        }
        let widths = distribute(cols, width);
        memo().insert(key, widths.clone());
        widths
    }
}

/// Every input of [`distribute`], exactly (floats by their bits).
fn distribution_key(cols: &Columns, width: f32) -> Vec<u32> {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let mut key = Vec::with_capacity(8 + 4 * cols.max.len() + 8 * cols.cells.len());
    key.extend([width.to_bits(), cols.short.to_bits(), cols.em.to_bits()]);
    key.push(count(cols.max.len()));
    for widths in [&cols.hard, &cols.soft, &cols.max] {
        key.push(count(widths.len()));
        key.extend(widths.iter().map(|w| w.to_bits()));
    }
    key.push(count(cols.fixed.len()));
    key.extend(cols.fixed.iter().map(|&f| u32::from(f)));
    key.push(count(cols.cells.len()));
    for c in &cols.cells {
        key.extend([count(c.row), count(c.rowspan), count(c.col), count(c.span)]);
        key.extend([c.pad, c.hard, c.soft, c.max].map(f32::to_bits));
    }
    key
}

/// A cell's lines at `widths` counted by whole characters (Japanese text
/// wraps by the em; a Latin word is never narrower), shared among the rows
/// it spans.
fn whole_char_lines(cols: &Columns, cell: &CellMeasure, widths: &[f32]) -> f32 {
    let measure: f32 = widths
        .get(cell.col..(cell.col + cell.span).min(widths.len()))
        .map_or(0.0, |w| w.iter().sum::<f32>())
        - cell.pad;
    let em = cols.em.max(0.1);
    let per_line = (measure / em + 0.01).floor().max(1.0);
    let chars = ((cell.max - cell.pad) / em - 0.01).ceil().max(1.0);
    (chars / per_line).ceil() / cell.rowspan.max(1) as f32
}

/// The width a single-column cell needs to take at most `lines` lines
/// (by whole characters), padding included.
fn width_for_lines(cols: &Columns, cell: &CellMeasure, lines: f32) -> f32 {
    let em = cols.em.max(0.1);
    let chars = ((cell.max - cell.pad) / em - 0.01).ceil().max(1.0);
    let per_line = (chars / (lines * cell.rowspan.max(1) as f32).max(1.0)).ceil();
    per_line * em + cell.pad + 0.02
}

/// Rounds of [`fewer_lines`] (each takes a line off one row).
const FEWER_LINES_ROUNDS: usize = 32;

/// Takes a line off a row where other columns can give the width for it
/// without any row getting taller, counting lines by whole characters (the
/// sharing above counts a cell's lines as its text width over its measure,
/// so it cannot see that 「使用できる文字」 in 3.8 em takes three lines,
/// or that a row only gets shorter when all its tallest cells do): of the
/// rows that can, the one that needs least width, until none can. A
/// column gives width down to `min` and to what keeps each of its cells
/// within its row's lines (a quarter em to spare for a cell with a Latin
/// word, which wraps coarser than characters); the writer's widths do not
/// move.
fn fewer_lines(cols: &Columns, min: &[f32], mut widths: Vec<f32>) -> Vec<f32> {
    let count = widths.len();
    let rows = cols.cells.iter().map(|c| c.row + 1).max().unwrap_or(0);
    let fixed = |c: usize| cols.fixed.get(c).copied().unwrap_or(false);
    let mut by_row: Vec<Vec<&CellMeasure>> = vec![Vec::new(); rows];
    for cell in &cols.cells {
        if let Some(row) = by_row.get_mut(cell.row) {
            row.push(cell);
        }
    }
    // The width a cell keeps for `lines` lines, a quarter em to spare for
    // a cell with a Latin word (it wraps coarser than characters).
    let keep = |cell: &CellMeasure, lines: f32| {
        let latin = cell.hard - cell.pad > 1.5 * cols.em;
        width_for_lines(cols, cell, lines) + if latin { cols.em * 0.25 } else { 0.0 }
    };
    for _ in 0..FEWER_LINES_ROUNDS {
        let mut tallest = vec![1.0f32; rows];
        for cell in &cols.cells {
            if let Some(t) = tallest.get_mut(cell.row) {
                *t = t.max(whole_char_lines(cols, cell, &widths));
            }
        }
        // How narrow each column may get with no row growing.
        let mut floor: Vec<f32> = (0..count)
            .map(|c| {
                let least = min.get(c).copied().unwrap_or(0.0);
                least.max(cols.hard.get(c).copied().unwrap_or(0.0))
            })
            .collect();
        for cell in &cols.cells {
            let span = cell.col..(cell.col + cell.span).min(count);
            for c in span {
                // A spanning cell keeps its columns as they are.
                let hold = if cell.span == 1 {
                    keep(cell, tallest[cell.row]).min(widths[c])
                } else {
                    widths[c]
                };
                floor[c] = floor[c].max(hold);
            }
        }
        let mut best: Option<(f32, Vec<f32>)> = None;
        for (r, cells) in by_row.iter().enumerate() {
            let target = tallest[r] - 1.0;
            if target < 1.0 {
                continue;
            }
            // What the row's columns need for `target` lines, and how far
            // the others may give with this row at `target`.
            let mut need = widths.clone();
            let mut row_floor = floor.clone();
            let mut possible = true;
            for cell in cells {
                if cell.span != 1 || fixed(cell.col) {
                    possible &= whole_char_lines(cols, cell, &widths) <= target;
                    continue;
                }
                if let Some(n) = need.get_mut(cell.col) {
                    *n = n.max(width_for_lines(cols, cell, target));
                }
                if let Some(f) = row_floor.get_mut(cell.col) {
                    *f = f.max(keep(cell, target).min(widths[cell.col]));
                }
            }
            if !possible || cells.iter().any(|c| c.rowspan != 1) {
                continue;
            }
            let lack: f32 = need.iter().zip(&widths).map(|(n, w)| n - w).sum();
            if lack <= 0.0 || best.as_ref().is_some_and(|(b, _)| *b <= lack) {
                continue;
            }
            let donors: Vec<usize> = (0..count)
                .filter(|c| need[*c] <= widths[*c] && !fixed(*c))
                .collect();
            let room = |d: usize| (widths[d] - row_floor[d]).max(0.0);
            let total: f32 = donors.iter().map(|d| room(*d)).sum();
            if total < lack {
                continue;
            }
            let mut next = need;
            for d in donors {
                next[d] = widths[d] - room(d) * lack / total;
            }
            best = Some((lack, next));
        }
        match best {
            Some((_, next)) => widths = next,
            None => break,
        }
    }
    widths
}

/// The column to relax to `floor` next: long texts before short ones, and
/// among them the one that costs the table least height for the width it
/// frees.
fn cheapest_to_relax(heights: &RowHeights<'_>, min: &[f32], floor: &[f32]) -> Option<usize> {
    let cols = heights.cols;
    let rows = heights.rows(min);
    let here = sum(&rows);
    let room = |c: usize| min.get(c).copied().unwrap_or(0.0) - floor.get(c).copied().unwrap_or(0.0);
    let is_short = |c: usize| cols.soft.get(c).copied().unwrap_or(0.0) <= cols.short;
    let long_left = (0..min.len()).any(|c| !is_short(c) && room(c) > 0.01);
    let mut best: Option<(usize, f32)> = None;
    let mut relaxed = min.to_vec();
    for c in 0..min.len() {
        let freed = room(c);
        if freed <= 0.01 || (is_short(c) && long_left) {
            continue;
        }
        let (Some(m), Some(before)) = (relaxed.get_mut(c), min.get(c)) else {
            continue;
        };
        *m = floor.get(c).copied().unwrap_or(0.0);
        let cost = (heights.total_with(&rows, c, &relaxed) - here) / freed;
        if let Some(m) = relaxed.get_mut(c) {
            *m = *before;
        }
        if best.is_none_or(|(_, b)| cost < b) {
            best = Some((c, cost));
        }
    }
    best.map(|(c, _)| c)
}

/// A column given nearly its whole-text width (a header that would break
/// before its last character or two) gets it, from the column with most
/// width above its least.
fn keep_nearly_whole(cols: &Columns, min: &[f32], mut widths: Vec<f32>) -> Vec<f32> {
    for c in 0..widths.len() {
        let soft = cols.soft.get(c).copied().unwrap_or(0.0);
        let w = widths.get(c).copied().unwrap_or(0.0);
        let lack = soft - w;
        if lack <= 0.0 || lack > 0.2 * soft {
            continue;
        }
        let donor = (0..widths.len()).filter(|d| *d != c).max_by(|a, b| {
            let room = |i: &usize| {
                widths.get(*i).copied().unwrap_or(0.0)
                    - min
                        .get(*i)
                        .copied()
                        .unwrap_or(0.0)
                        .max(cols.soft.get(*i).copied().unwrap_or(0.0))
            };
            room(a).total_cmp(&room(b))
        });
        let Some(d) = donor else {
            continue;
        };
        let room = widths.get(d).copied().unwrap_or(0.0)
            - min
                .get(d)
                .copied()
                .unwrap_or(0.0)
                .max(cols.soft.get(d).copied().unwrap_or(0.0));
        if room >= lack {
            if let Some(x) = widths.get_mut(d) {
                *x -= lack;
            }
            if let Some(x) = widths.get_mut(c) {
                *x += lack;
            }
        }
    }
    widths
}

/// Steps the extra width is given out in.
const STEPS: usize = 120;
/// Most cells weighed for the height (a long table is sampled every n-th
/// row), so that sharing costs the same for any table length.
const SAMPLE_CELLS: usize = 2000;

/// Gives `extra` to the columns, a step at a time, each step to the column
/// where it lowers the table's estimated height most (a row is as tall as
/// its cell with most lines; a cell's lines are its one-line width over its
/// measure). What lowers no row (every cell on one line) goes in proportion
/// to what each column still lacks of its one-line width.
fn share_by_height(heights: &RowHeights<'_>, mut widths: Vec<f32>, extra: f32) -> Vec<f32> {
    let cols = heights.cols;
    let count = widths.len();
    let step = extra / STEPS as f32;
    let mut left = extra;
    if step > 0.01 {
        let mut rows = heights.rows(&widths);
        for _ in 0..STEPS {
            let here = sum(&rows);
            let mut best: Option<(usize, f32)> = None;
            for c in 0..count {
                if cols.fixed.get(c).copied().unwrap_or(false)
                    || widths.get(c).copied().unwrap_or(0.0)
                        >= cols.max.get(c).copied().unwrap_or(0.0)
                {
                    continue;
                }
                let before = widths.get(c).copied().unwrap_or(0.0);
                if let Some(w) = widths.get_mut(c) {
                    *w += step;
                }
                let gain = here - heights.total_with(&rows, c, &widths);
                if let Some(w) = widths.get_mut(c) {
                    *w -= step;
                }
                // `w + step - step` may differ from `w` in the last bit:
                // the rows follow the width as it now is.
                if widths
                    .get(c)
                    .is_some_and(|w| w.to_bits() != before.to_bits())
                {
                    heights.update(&mut rows, c, &widths);
                }
                if gain > 1e-4 && best.is_none_or(|(_, g)| gain > g) {
                    best = Some((c, gain));
                }
            }
            let Some((c, _)) = best else {
                break;
            };
            if let Some(w) = widths.get_mut(c) {
                *w += step;
            }
            heights.update(&mut rows, c, &widths);
            left -= step;
        }
    }
    let lack: Vec<f32> = widths
        .iter()
        .zip(&cols.max)
        .map(|(lo, hi)| (hi - lo).max(0.0))
        .collect();
    let total: f32 = lack.iter().sum();
    widths
        .iter()
        .zip(&lack)
        .map(|(lo, l)| {
            if total > 0.0 {
                lo + left.max(0.0) * l / total
            } else {
                lo + left.max(0.0) / count.max(1) as f32
            }
        })
        .collect()
}

/// The columns with the cells of every n-th row only (at most about
/// [`SAMPLE_CELLS`] cells), to weigh a long table's height.
fn sampled(cols: &Columns) -> Columns {
    let rows = cols.cells.iter().map(|c| c.row + 1).max().unwrap_or(0);
    let stride = cols.cells.len().div_ceil(SAMPLE_CELLS).max(1);
    Columns {
        cells: cols
            .cells
            .iter()
            .filter(|c| c.row % stride == 0 || rows <= stride)
            .map(|c| CellMeasure {
                row: c.row / stride,
                ..*c
            })
            .collect(),
        ..cols.clone()
    }
}

/// The lines of `cell` at column widths `widths` (its one-line width over
/// its measure, shared among the rows it spans).
fn cell_lines(cell: &CellMeasure, widths: &[f32]) -> f32 {
    let measure: f32 = widths
        .get(cell.col..(cell.col + cell.span).min(widths.len()))
        .map_or(0.0, |w| w.iter().sum::<f32>())
        - cell.pad;
    let text = cell.max - cell.pad;
    (text / measure.max(1.0)).max(1.0) / cell.rowspan.max(1) as f32
}

/// The rows' heights summed in row order (the table's height in lines).
fn sum(rows: &[f32]) -> f32 {
    rows.iter().sum()
}

/// The table's estimated height row by row, for the many trial widths of
/// [`distribute`]: a trial that changes one column recounts the lines of
/// only the cells over it (the others' are kept from the last
/// [`RowHeights::update`]), and the rows are summed in the same order, so
/// every height is the number a whole recount gives.
struct RowHeights<'a> {
    cols: &'a Columns,
    /// The cells of each row (a row is as tall as its cell of most lines,
    /// and at least one line).
    by_row: Vec<Vec<usize>>,
    /// The rows with a cell over each column, in row order.
    by_col: Vec<Vec<usize>>,
    /// Each cell's lines at the widths last measured.
    lines: std::cell::RefCell<Vec<f32>>,
}

impl<'a> RowHeights<'a> {
    fn new(cols: &'a Columns) -> RowHeights<'a> {
        let rows = cols.cells.iter().map(|c| c.row + 1).max().unwrap_or(0);
        let count = cols.max.len();
        let mut by_row = vec![Vec::new(); rows];
        let mut by_col: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (i, cell) in cols.cells.iter().enumerate() {
            if let Some(row) = by_row.get_mut(cell.row) {
                row.push(i);
            }
            for col in by_col.iter_mut().skip(cell.col).take(cell.span) {
                col.push(cell.row);
            }
        }
        for col in &mut by_col {
            col.sort_unstable();
            col.dedup();
        }
        RowHeights {
            cols,
            by_row,
            by_col,
            lines: std::cell::RefCell::new(vec![1.0; cols.cells.len()]),
        }
    }

    /// Whether `cell` lies over column `c`.
    fn over(cell: &CellMeasure, c: usize) -> bool {
        cell.col <= c && c < cell.col.saturating_add(cell.span)
    }

    /// The height of row `r` at `widths`, which differ from those last
    /// measured at most in column `changed`.
    fn row(&self, r: usize, widths: &[f32], changed: Option<usize>, lines: &[f32]) -> f32 {
        self.by_row.get(r).map_or(1.0, |cells| {
            cells.iter().fold(1.0f32, |tallest, &i| {
                let Some(cell) = self.cols.cells.get(i) else {
                    return tallest;
                };
                let n = match changed {
                    Some(c) if !Self::over(cell, c) => lines.get(i).copied().unwrap_or(1.0),
                    _ => cell_lines(cell, widths),
                };
                tallest.max(n)
            })
        })
    }

    /// Every row's height at `widths` (which become the widths measured).
    fn rows(&self, widths: &[f32]) -> Vec<f32> {
        let mut lines = self.lines.borrow_mut();
        for (n, cell) in lines.iter_mut().zip(&self.cols.cells) {
            *n = cell_lines(cell, widths);
        }
        (0..self.by_row.len())
            .map(|r| self.row(r, widths, Some(usize::MAX), &lines))
            .collect()
    }

    /// The table's height at `widths`, which differ from those `rows` were
    /// measured at only in column `c`.
    fn total_with(&self, rows: &[f32], c: usize, widths: &[f32]) -> f32 {
        let lines = self.lines.borrow();
        let mut touched = self
            .by_col
            .get(c)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .peekable();
        rows.iter()
            .enumerate()
            .map(|(r, height)| {
                if touched.next_if_eq(&&r).is_some() {
                    self.row(r, widths, Some(c), &lines)
                } else {
                    *height
                }
            })
            .sum()
    }

    /// Measures again the cells and rows column `c` reaches, now at
    /// `widths` (which become the widths measured).
    fn update(&self, rows: &mut [f32], c: usize, widths: &[f32]) {
        let mut lines = self.lines.borrow_mut();
        for &r in self.by_col.get(c).map_or(&[][..], Vec::as_slice) {
            for &i in self.by_row.get(r).map_or(&[][..], Vec::as_slice) {
                if let (Some(cell), Some(n)) = (self.cols.cells.get(i), lines.get_mut(i))
                    && Self::over(cell, c)
                {
                    *n = cell_lines(cell, widths);
                }
            }
            if let Some(height) = rows.get_mut(r) {
                *height = self.row(r, widths, Some(usize::MAX), &lines);
            }
        }
    }
}

/// How to set columns of these widths in `width`: at full size when their
/// least widths fit, scaled down as far as `min_scale` (the readable type
/// size over the table's), else in groups at `min_scale`, each group
/// starting with the first (key) column unless it is wider than a third of
/// the width.
pub(super) fn plan(cols: &Columns, width: f32, min_scale: f32) -> Plan {
    let sum_hard: f32 = cols.hard.iter().sum();
    if sum_hard <= width {
        return Plan::Fit { scale: 1.0 };
    }
    let scale = width / sum_hard;
    let min_scale = min_scale.clamp(0.05, 1.0);
    if scale >= min_scale {
        return Plan::Fit { scale };
    }
    let cols = cols.scaled(min_scale);
    // Pack by the width that keeps short texts whole when a column alone
    // would fit so; else by the least width.
    let pack: Vec<f32> = cols
        .soft
        .iter()
        .zip(&cols.hard)
        .map(|(s, h)| if *s <= width / 2.0 { *s } else { *h })
        .collect();
    let key_width = pack.first().copied().unwrap_or(0.0);
    let key = key_width <= width / 3.0;
    let start: Vec<usize> = if key { vec![0] } else { Vec::new() };
    let first_free = usize::from(key);
    let base = if key { key_width } else { 0.0 };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut current = start.clone();
    let mut used = base;
    for (c, w) in pack.iter().enumerate().skip(first_free) {
        if current.len() > first_free && used + w > width {
            groups.push(std::mem::replace(&mut current, start.clone()));
            used = base;
        }
        current.push(c);
        used += w;
    }
    if current.len() > first_free {
        groups.push(current);
    }
    // Even out the groups (same number of columns each) when they still fit.
    let count = groups.len().max(1);
    let rest: Vec<usize> = (first_free..pack.len()).collect();
    let per = rest.len().div_ceil(count).max(1);
    let even: Vec<Vec<usize>> = rest
        .chunks(per)
        .map(|chunk| start.iter().chain(chunk).copied().collect())
        .collect();
    let fits = even.len() == count
        && even.iter().all(|g| {
            g.iter()
                .map(|c| pack.get(*c).copied().unwrap_or(0.0))
                .sum::<f32>()
                <= width
        });
    Plan::Groups {
        scale: min_scale,
        groups: if fits { even } else { groups },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(col: usize, hard: f32, soft: f32, max: f32) -> CellMeasure {
        CellMeasure {
            row: 0,
            rowspan: 1,
            pad: 2.0,
            col,
            span: 1,
            hard,
            soft,
            max,
        }
    }

    /// The table's height in lines counted over every cell at once: per
    /// row, the most lines of its cells (at least one).
    fn table_height(cols: &Columns, widths: &[f32]) -> f32 {
        let rows = cols.cells.iter().map(|c| c.row + 1).max().unwrap_or(0);
        let mut tallest = vec![1.0f32; rows];
        for cell in &cols.cells {
            if let Some(t) = tallest.get_mut(cell.row) {
                *t = t.max(cell_lines(cell, widths));
            }
        }
        tallest.iter().sum()
    }

    #[test]
    fn row_heights_after_one_column_changes_equal_a_whole_recount() {
        // Rows of varied cells, a spanning cell and a row-spanning one.
        let mut cells = Vec::new();
        for row in 0..40 {
            for col in 0..4 {
                let len = ((row * 7 + col * 13) % 23) as f32 * 9.7 + 3.3;
                cells.push(CellMeasure {
                    row,
                    col,
                    max: len,
                    soft: len.min(30.0),
                    hard: 4.0,
                    ..cell(col, 0.0, 0.0, 0.0)
                });
            }
        }
        cells.push(CellMeasure {
            row: 3,
            span: 2,
            rowspan: 2,
            ..cell(1, 5.0, 40.0, 170.0)
        });
        let cols = Columns::new(4, &cells, 4.0, 30.0);
        let heights = RowHeights::new(&cols);
        let mut widths = vec![31.0f32, 17.5, 44.25, 23.0];
        let mut rows = heights.rows(&widths);
        assert_eq!(sum(&rows).to_bits(), table_height(&cols, &widths).to_bits());
        for step in 0..60 {
            let c = step % 4;
            let mut trial = widths.clone();
            trial[c] += 0.37 * step as f32;
            assert_eq!(
                heights.total_with(&rows, c, &trial).to_bits(),
                table_height(&cols, &trial).to_bits()
            );
            widths = trial;
            heights.update(&mut rows, c, &widths);
            assert_eq!(sum(&rows).to_bits(), table_height(&cols, &widths).to_bits());
        }
    }

    #[test]
    fn a_row_loses_a_line_when_other_columns_can_give_the_width() {
        // 9 pt type, 8.5 pt padding: the headers 「使用できる文字」 (7
        // characters) and 「省略したときの値」 (8) in three lines each, a
        // remarks cell of 13 characters in three lines below them.
        let (em, pad) = (9.0, 8.5);
        let text = |chars: f32| chars * em + pad;
        let at = |row: usize, col: usize, chars: f32| CellMeasure {
            row,
            rowspan: 1,
            pad,
            col,
            span: 1,
            hard: em + pad,
            soft: text(chars.min(6.0)),
            max: text(chars),
        };
        let cols = Columns::new(
            3,
            &[at(0, 0, 7.0), at(0, 1, 8.0), at(0, 2, 2.0), at(1, 2, 13.0)],
            em + pad,
            text(6.0),
        );
        let before = vec![43.0, 40.0, 67.0];
        let lines = |w: &[f32], i: usize| whole_char_lines(&cols, &cols.cells[i], w);
        assert_eq!(
            (lines(&before, 0), lines(&before, 1), lines(&before, 3)),
            (3.0, 3.0, 3.0)
        );
        let after = fewer_lines(&cols, &[0.0, 0.0, 0.0], before.clone());
        assert!(
            (after.iter().sum::<f32>() - 150.0).abs() < 0.01,
            "{after:?}"
        );
        // The table loses a line (six before: two rows of three) and no
        // row gets taller: here the remarks take two lines (the cheapest
        // row: 4.5 pt), the headers keeping three.
        let height = |w: &[f32]| lines(w, 0).max(lines(w, 1)).max(lines(w, 2)) + lines(w, 3);
        assert_eq!(height(&before), 6.0);
        assert_eq!(height(&after), 5.0, "{after:?}");
        // With a wider table the headers get their two lines too.
        let wider = fewer_lines(&cols, &[0.0, 0.0, 0.0], vec![43.0, 40.0, 80.0]);
        assert_eq!(
            (lines(&wider, 0), lines(&wider, 1), lines(&wider, 3)),
            (2.0, 2.0, 2.0),
            "{wider:?}"
        );
        // Nothing to gain: the widths stay.
        assert_eq!(fewer_lines(&cols, &[0.0, 0.0, 0.0], after.clone()), after);
    }

    #[test]
    fn natural_widths_fit_and_fill() {
        let cols = Columns::new(
            3,
            &[
                cell(0, 10.0, 20.0, 20.0),
                cell(1, 10.0, 10.0, 60.0),
                cell(2, 5.0, 5.0, 20.0),
            ],
            4.0,
            30.0,
        );
        let w = distribute(&cols, 200.0);
        assert!((w.iter().sum::<f32>() - 200.0).abs() < 0.01, "{w:?}");
        // Extra space in proportion to the one-line widths.
        assert!((w[1] - 120.0).abs() < 0.01, "{w:?}");
    }

    /// A short header (50 wide), a mostly empty example column (max 60)
    /// and a long remarks column (max 600).
    fn header_example_remarks() -> Columns {
        Columns::new(
            3,
            &[
                cell(0, 10.0, 50.0, 50.0),
                cell(1, 10.0, 10.0, 60.0),
                cell(2, 10.0, 10.0, 600.0),
            ],
            4.0,
            30.0,
        )
    }

    #[test]
    fn short_texts_stay_whole_and_long_columns_take_the_rest() {
        let cols = header_example_remarks();
        let w = distribute(&cols, 300.0);
        assert!((w.iter().sum::<f32>() - 300.0).abs() < 0.01, "{w:?}");
        assert!(w[0] >= 50.0, "{w:?}");
        assert!(w[2] > 3.0 * w[1], "{w:?}");
    }

    #[test]
    fn widths_distributed_once_per_input_are_the_same_widths() {
        let cols = header_example_remarks();
        let memo = DistributedWidths::default();
        let bits = |w: &[f32]| w.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let fresh = distribute(&cols, 300.0);
        assert_eq!(bits(&memo.distribute(&cols, 300.0)), bits(&fresh));
        assert_eq!(bits(&memo.distribute(&cols, 300.0)), bits(&fresh));
        assert_eq!(memo.0.lock().unwrap().len(), 1, "the same input twice");
        // Any input changed is another entry with its own widths.
        let mut wider_cell = cols.clone();
        wider_cell.cells[1].max = 61.0;
        let mut fixed = cols.clone();
        fixed.fixed[0] = true;
        for (other, width) in [(&cols, 280.0), (&wider_cell, 300.0), (&fixed, 300.0)] {
            assert_eq!(
                bits(&memo.distribute(other, width)),
                bits(&distribute(other, width))
            );
        }
        assert_eq!(memo.0.lock().unwrap().len(), 4);
    }

    #[test]
    fn short_texts_give_way_last() {
        let cols = Columns::new(
            2,
            &[cell(0, 10.0, 50.0, 50.0), cell(1, 10.0, 90.0, 90.0)],
            4.0,
            60.0,
        );
        let w = distribute(&cols, 110.0);
        assert!(w[0] >= 50.0, "{w:?}");
        assert!((w.iter().sum::<f32>() - 110.0).abs() < 0.01, "{w:?}");
    }

    #[test]
    fn preferred_widths_are_kept_within_the_page() {
        let mut cols = Columns::new(
            2,
            &[cell(0, 10.0, 10.0, 200.0), cell(1, 10.0, 10.0, 200.0)],
            4.0,
            30.0,
        );
        cols.prefer(&[Some(60.0), None], 300.0);
        let w = distribute(&cols, 300.0);
        assert!((w[0] - 60.0).abs() < 0.01, "{w:?}");
        let mut wide = Columns::new(2, &[], 4.0, 30.0);
        wide.prefer(&[Some(600.0), Some(600.0)], 300.0);
        let w = distribute(&wide, 300.0);
        assert!(w.iter().all(|w| *w <= 150.0 + 0.01), "{w:?}");
    }

    #[test]
    fn spanning_cells_widen_their_columns() {
        let cols = Columns::new(
            2,
            &[
                cell(0, 10.0, 10.0, 10.0),
                cell(1, 10.0, 10.0, 30.0),
                CellMeasure {
                    row: 1,
                    rowspan: 1,
                    pad: 2.0,
                    col: 0,
                    span: 2,
                    hard: 10.0,
                    soft: 10.0,
                    max: 80.0,
                },
            ],
            4.0,
            30.0,
        );
        assert!(
            (cols.max.iter().sum::<f32>() - 80.0).abs() < 0.01,
            "{cols:?}"
        );
    }

    #[test]
    fn too_many_columns_shrink_then_split() {
        let cells: Vec<CellMeasure> = (0..10).map(|c| cell(c, 20.0, 20.0, 20.0)).collect();
        let cols = Columns::new(10, &cells, 4.0, 30.0);
        assert_eq!(plan(&cols, 200.0, 0.7), Plan::Fit { scale: 1.0 });
        assert_eq!(plan(&cols, 160.0, 0.7), Plan::Fit { scale: 0.8 });
        let cells: Vec<CellMeasure> = (0..70).map(|c| cell(c, 20.0, 20.0, 20.0)).collect();
        let cols = Columns::new(70, &cells, 4.0, 30.0);
        let Plan::Groups { scale, groups } = plan(&cols, 200.0, 0.7) else {
            panic!("groups expected");
        };
        assert_eq!(scale, 0.7);
        // Every column is in some group; the key column leads each.
        let mut seen: Vec<usize> = groups.iter().flatten().copied().collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 70);
        assert!(groups.iter().all(|g| g.first() == Some(&0)));
        for g in &groups {
            assert!(g.len() as f32 * 14.0 <= 200.0 + 0.01, "{g:?}");
        }
    }
}
