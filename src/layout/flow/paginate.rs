//! Pagination: stacks laid-out pieces into the text areas of successive
//! sheets.
//!
//! Input: a sequence of [`Piece`]s (one line of a paragraph, a heading, a
//! table row, a whole image...) with their keep rules, and the text area's
//! height. Output: one [`AreaFill`] per sheet: the pieces placed in its text
//! area with their vertical offsets. Rules: forced breaks (top-level
//! sections), no break between pieces glued together (heading + next block,
//! the first two and last two lines of a paragraph) unless the glued chain
//! is taller than a text area, space before a piece is dropped at the top of
//! a sheet, and a table's header rows are repeated when its rows continue on
//! a new sheet.

use crate::layout::frame::{FrameItem, Point, TagEvent};

/// An unbreakable slice of the flow.
#[derive(Debug, Clone, Default)]
pub(crate) struct Piece {
    /// Height of the content.
    pub height: f32,
    /// Space above, dropped when the piece starts a sheet.
    pub space_before: f32,
    /// Items relative to the piece's top-left corner (x from the text
    /// area's left edge).
    pub items: Vec<(Point, FrameItem)>,
    /// No break to a new sheet between the previous piece and this one.
    pub glue_to_prev: bool,
    /// Always start a new sheet with this piece.
    pub break_before: bool,
    /// Pieces to repeat at the top of a sheet that this piece starts (a
    /// table's header rows).
    pub repeat: Option<std::rc::Rc<Vec<Piece>>>,
    /// A new running section title from this piece on.
    pub section_title: Option<String>,
    /// Baseline of the piece's (first) text line, from its top.
    pub baseline: Option<f32>,
}

impl Piece {
    /// A piece of the given height with items.
    pub(crate) fn new(height: f32, items: Vec<(Point, FrameItem)>) -> Piece {
        Piece {
            height,
            items,
            ..Piece::default()
        }
    }

    /// Turns the space above into part of the piece (for boxes whose
    /// background must run through the gap).
    pub(crate) fn absorb_space(&mut self) {
        let space = std::mem::take(&mut self.space_before);
        if space > 0.0 {
            self.shift_down(space);
        }
    }

    /// Moves the content down by `dy`, growing the piece.
    pub(crate) fn shift_down(&mut self, dy: f32) {
        for (at, _) in &mut self.items {
            at.y += dy;
        }
        self.height += dy;
        if let Some(baseline) = &mut self.baseline {
            *baseline += dy;
        }
    }
}

/// What fills one sheet's text area: its share of the flow.
#[derive(Debug, Clone, Default)]
pub(crate) struct AreaFill {
    /// Items positioned relative to the text area's top-left corner.
    pub items: Vec<(Point, FrameItem)>,
    /// The running section title in force on this sheet.
    pub section_title: Option<String>,
}

/// Distributes pieces over the text areas (of height `area_height`) of as
/// many sheets as they need.
pub(crate) fn paginate(pieces: Vec<Piece>, area_height: f32) -> Vec<AreaFill> {
    let chain_heights = chain_heights(&pieces);
    let mut areas: Vec<AreaFill> = Vec::new();
    let mut current = AreaFill::default();
    let mut y = 0.0f32;
    let mut empty = true;
    let mut section_title: Option<String> = None;

    for (index, piece) in pieces.into_iter().enumerate() {
        let chain = chain_heights.get(index).copied().unwrap_or(piece.height);
        let needed = piece.space_before + chain;
        let must_break = piece.break_before && !empty;
        let chain_overflows = !empty && y + needed > area_height + 0.01;
        let fits_fresh = chain <= area_height;
        let piece_overflows = !empty && y + piece.space_before + piece.height > area_height + 0.01;
        if must_break || (chain_overflows && (fits_fresh || piece_overflows)) {
            areas.push(std::mem::take(&mut current));
            current.section_title = section_title.clone();
            y = 0.0;
            empty = true;
            if !piece.break_before
                && let Some(header) = &piece.repeat
            {
                current
                    .items
                    .push((Point::default(), FrameItem::Tag(TagEvent::ArtifactStart)));
                for row in header.iter() {
                    place(&mut current, row, y);
                    y += row.height;
                }
                current
                    .items
                    .push((Point::default(), FrameItem::Tag(TagEvent::ArtifactEnd)));
            }
        }
        if let Some(title) = &piece.section_title {
            section_title = Some(title.clone());
            if empty {
                current.section_title = Some(title.clone());
            }
        }
        if empty && current.section_title.is_none() {
            current.section_title = section_title.clone();
        }
        if !empty || y > 0.0 {
            y += piece.space_before;
        }
        place(&mut current, &piece, y);
        y += piece.height;
        empty = false;
    }
    if !empty || areas.is_empty() {
        areas.push(current);
    }
    areas
}

/// Moves a piece's items into the text area at vertical offset `y`.
fn place(area: &mut AreaFill, piece: &Piece, y: f32) {
    area.items.extend(
        piece
            .items
            .iter()
            .map(|(at, item)| (at.offset(0.0, y), item.clone())),
    );
}

/// For each piece, the height of it and every following piece glued to it
/// (space between them included).
fn chain_heights(pieces: &[Piece]) -> Vec<f32> {
    let mut heights = vec![0.0f32; pieces.len()];
    let mut following = 0.0f32;
    for index in (0..pieces.len()).rev() {
        let Some(piece) = pieces.get(index) else {
            continue;
        };
        let next_glued = pieces.get(index + 1).is_some_and(|next| next.glue_to_prev);
        let own = piece.height;
        let chain = if next_glued { own + following } else { own };
        if let Some(slot) = heights.get_mut(index) {
            *slot = chain;
        }
        following = chain + piece.space_before;
    }
    heights
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(height: f32, glue: bool, tag: &str) -> Piece {
        Piece {
            height,
            glue_to_prev: glue,
            items: vec![(Point::default(), FrameItem::Anchor(tag.into()))],
            ..Piece::default()
        }
    }

    fn names(area: &AreaFill) -> Vec<String> {
        area.items
            .iter()
            .filter_map(|(_, item)| match item {
                FrameItem::Anchor(name) => Some(name.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn glued_pieces_move_together() {
        let pieces = vec![
            piece(60.0, false, "a"),
            piece(20.0, false, "heading"),
            piece(30.0, true, "line1"),
            piece(10.0, false, "line2"),
        ];
        let areas = paginate(pieces, 100.0);
        assert_eq!(areas.len(), 2);
        assert_eq!(names(&areas[0]), ["a"]);
        assert_eq!(names(&areas[1]), ["heading", "line1", "line2"]);
    }

    #[test]
    fn chain_taller_than_a_text_area_breaks_inside() {
        let pieces = vec![
            piece(60.0, false, "a"),
            piece(60.0, true, "b"),
            piece(60.0, true, "c"),
        ];
        let areas = paginate(pieces, 100.0);
        assert_eq!(areas.len(), 3);
        assert_eq!(names(&areas[2]), ["c"]);
    }

    #[test]
    fn forced_breaks_and_dropped_space() {
        let mut second = piece(10.0, false, "b");
        second.break_before = true;
        second.space_before = 40.0;
        second.section_title = Some("B".into());
        let areas = paginate(vec![piece(10.0, false, "a"), second], 100.0);
        assert_eq!(areas.len(), 2);
        assert_eq!(areas[1].items[0].0.y, 0.0);
        assert_eq!(areas[1].section_title.as_deref(), Some("B"));
    }

    #[test]
    fn header_rows_repeat_after_a_break() {
        let header = std::rc::Rc::new(vec![piece(10.0, false, "head")]);
        let mut rows = vec![piece(10.0, false, "head")];
        for i in 0..12 {
            let mut row = piece(10.0, false, &format!("row{i}"));
            row.repeat = Some(header.clone());
            rows.push(row);
        }
        let areas = paginate(rows, 100.0);
        assert_eq!(areas.len(), 2);
        assert_eq!(names(&areas[1])[0], "head");
        assert!(
            areas
                .iter()
                .all(|s| s.items.iter().all(|(p, _)| p.y < 100.0))
        );
    }
}
