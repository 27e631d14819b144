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
//! a new sheet. A figure ([`Piece::shrink`]) that misses the space left on a
//! sheet by a little is scaled down (by at most `figures.max_shrink`) to stay
//! there; otherwise it moves on, with the text glued before it (the sentence
//! that introduces it). An image taller than a sheet ([`Piece::tall`]) is
//! cut where it lands: the band that fits the space left, the rest on the
//! following sheets. With the line grid on, a piece on the grid (a body
//! line, a heading) starts on a whole multiple of the line pitch from the
//! text area's top ([`Piece::grid`]).
//!
//! Footnotes: a piece may carry the lines of the footnotes it references
//! ([`Piece::footnotes`]). They are set at the foot of the sheet the piece
//! lands on, under a separator piece, and the text area above shrinks by
//! their height, so body and notes never overlap. A piece moves to the next
//! sheet unless at least the first line of its first note fits with it;
//! note lines that do not fit continue at the foot of the next sheet(s)
//! (there they take at most [`CONTINUED_SHARE`] of the text area while body
//! text remains).

use crate::layout::frame::{FrameItem, ImageItem, Point, RectItem, Size, StructTag, TagEvent};

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
    pub repeat: Option<std::sync::Arc<Vec<Piece>>>,
    /// A new running section title from this piece on.
    pub section_title: Option<String>,
    /// Baseline of the piece's (first) text line, from its top.
    pub baseline: Option<f32>,
    /// Lines of the footnotes first referenced in this piece, set at the
    /// foot of the sheet the piece lands on.
    pub footnotes: Vec<Piece>,
    /// How far the piece (a figure) may shrink to stay on a sheet.
    pub shrink: Option<Shrink>,
    /// An image taller than a sheet, from this point down: pagination cuts
    /// the band that fits where the piece lands.
    pub tall: Option<TallCut>,
    /// The line pitch of the line grid (JLREQ 行取り, `body.line_grid`)
    /// this piece's top snaps to: its space above grows to the next grid
    /// line. 0 for pieces off the grid (figures, tables, boxes).
    pub grid: f32,
}

/// The rest of a tall image still to set: its bands from `from` (points
/// below its top) down.
#[derive(Debug, Clone)]
pub(crate) struct TallCut {
    /// The image.
    pub image: std::sync::Arc<TallImage>,
    /// Where the next band starts.
    pub from: f32,
}

/// A figure's room to shrink: its image (at the piece's top) may be scaled
/// down to `min_scale`, the caption below it moving up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Shrink {
    /// Height of the image at the piece's top.
    pub image_height: f32,
    /// Smallest scale of the image (1 − `figures.max_shrink`).
    pub min_scale: f32,
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

    /// The height of the piece at its smallest (a figure shrunk as far as
    /// it may).
    pub(crate) fn min_height(&self) -> f32 {
        match self.shrink {
            Some(shrink) => self.height - shrink.image_height * (1.0 - shrink.min_scale),
            None => self.height,
        }
    }

    /// The space above the piece when the previous one ends at `y` (from
    /// the text area's top): [`Piece::space_before`], or for a piece on the
    /// line grid the space to the grid line nearest to where that space
    /// would put it (never above `y`): small gaps such as a list's item gap
    /// vanish, half a line or more becomes a whole line.
    pub(crate) fn space_at(&self, y: f32) -> f32 {
        let pitch = self.grid;
        if pitch <= 0.0 || !pitch.is_finite() || !y.is_finite() {
            return self.space_before;
        }
        let mut snapped = ((y + self.space_before) / pitch).round() * pitch;
        if snapped < y - 1e-3 {
            snapped = (y / pitch - 1e-3).ceil() * pitch;
        }
        (snapped - y).max(0.0)
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

/// Share of a text area that continued footnote lines may take on a sheet
/// that also has body text.
pub(crate) const CONTINUED_SHARE: f32 = 0.5;

/// The footnote area of the sheet being filled.
#[derive(Debug, Default)]
struct FootArea {
    /// Note lines placed on this sheet.
    lines: Vec<Piece>,
    /// Their height plus the separator's (0 when there is no line).
    height: f32,
}

impl FootArea {
    /// The height `line` adds.
    fn cost(&self, line: &Piece, separator: &Piece) -> f32 {
        let sep = if self.lines.is_empty() {
            separator.height
        } else {
            0.0
        };
        sep + line.space_before + line.height
    }

    fn add(&mut self, line: Piece, separator: &Piece) {
        self.height += self.cost(&line, separator);
        self.lines.push(line);
    }

    /// Places the separator and the lines at the foot of `area`.
    fn finish(self, area: &mut AreaFill, area_height: f32, separator: &Piece) {
        if self.lines.is_empty() {
            return;
        }
        let mut y = area_height - self.height;
        place(area, separator, y);
        y += separator.height;
        for mut line in self.lines {
            y += line.space_before;
            place_owned(area, &mut line, y);
            y += line.height;
        }
    }
}

/// Distributes pieces over the text areas (of height `area_height`) of as
/// many sheets as they need; footnote lines go to the foot of the sheet,
/// under `separator` (see the module documentation).
pub(crate) fn paginate(pieces: Vec<Piece>, area_height: f32, separator: &Piece) -> Vec<AreaFill> {
    let chain_heights = chain_heights(&pieces);
    let mut areas: Vec<AreaFill> = Vec::new();
    let mut current = AreaFill::default();
    let mut y = 0.0f32;
    let mut empty = true;
    let mut section_title: Option<String> = None;
    let mut foot = FootArea::default();
    let mut carry: std::collections::VecDeque<Piece> = std::collections::VecDeque::new();

    let mut queue: std::collections::VecDeque<(usize, Piece)> =
        pieces.into_iter().enumerate().collect();
    while let Some((index, mut piece)) = queue.pop_front() {
        piece.space_before = piece.space_at(y);
        // Chains are measured with figures shrunk as far as they may.
        let chain = chain_heights.get(index).copied().unwrap_or(piece.height);
        let needed = piece.space_before + chain;
        // The first line of the piece's first note must fit with it.
        let note_need = match piece.footnotes.first() {
            Some(line) if carry.is_empty() => foot.cost(line, separator),
            _ => 0.0,
        };
        let limit = area_height - foot.height - note_need;
        let must_break = piece.break_before && !empty;
        let chain_overflows = !empty && y + needed > limit + 0.01;
        let fits_fresh = chain <= area_height;
        let piece_overflows = !empty && y + piece.space_before + piece.min_height() > limit + 0.01;
        if must_break || (chain_overflows && (fits_fresh || piece_overflows)) {
            std::mem::take(&mut foot).finish(&mut current, area_height, separator);
            areas.push(std::mem::take(&mut current));
            current.section_title = section_title.clone();
            y = 0.0;
            empty = true;
            let room = area_height * CONTINUED_SHARE;
            while let Some(line) = carry.front() {
                if !foot.lines.is_empty() && foot.height + foot.cost(line, separator) > room {
                    break;
                }
                if let Some(line) = carry.pop_front() {
                    foot.add(line, separator);
                }
            }
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
        let space = if !empty || y > 0.0 {
            piece.space_before
        } else {
            0.0
        };
        if let Some(cut) = piece.tall.take() {
            // A tall image: the band that fits here, the rest on the next
            // sheet(s) (a band too thin to be worth it moves on at once).
            let tall = cut.image.clone();
            let avail = area_height - foot.height - y - space;
            let fits = tall.height() - cut.from + tall.tail_height() <= avail + 0.01;
            let band = avail - tall.mark_height();
            if !fits && band < tall.min_band && !empty {
                piece.tall = Some(cut);
                piece.break_before = true;
                queue.push_front((index, piece));
                continue;
            }
            let to = if fits {
                tall.height()
            } else {
                cut.from + band.max(tall.min_band)
            };
            let cut_piece = tall.band(cut.from, to);
            piece.items = cut_piece.items;
            piece.height = cut_piece.height;
            if !fits {
                let rest = Piece {
                    height: piece.height,
                    break_before: true,
                    tall: Some(TallCut {
                        image: tall.clone(),
                        from: to,
                    }),
                    ..Piece::default()
                };
                queue.push_front((index, rest));
            }
        }
        y += space;
        if let Some(shrink) = piece.shrink {
            // A figure takes what is left above the notes, keeping room for
            // the pieces glued after it (at their smallest).
            let rest = (chain - piece.min_height()).max(0.0);
            let room = area_height - foot.height - y - rest;
            if piece.height > room + 0.01 {
                let fixed = piece.height - shrink.image_height;
                let scale =
                    ((room - fixed) / shrink.image_height.max(0.01)).clamp(shrink.min_scale, 1.0);
                piece.scale_figure(scale);
            }
        }
        place_owned(&mut current, &mut piece, y);
        y += piece.height;
        empty = false;
        for line in std::mem::take(&mut piece.footnotes) {
            if carry.is_empty()
                && y + foot.height + foot.cost(&line, separator) <= area_height + 0.01
            {
                foot.add(line, separator);
            } else {
                carry.push_back(line);
            }
        }
    }
    if !empty || areas.is_empty() || !foot.lines.is_empty() {
        std::mem::take(&mut foot).finish(&mut current, area_height, separator);
        areas.push(current);
    }
    // Notes still to set continue on sheets of their own.
    while !carry.is_empty() {
        let mut area = AreaFill {
            section_title: section_title.clone(),
            ..AreaFill::default()
        };
        let mut foot = FootArea::default();
        while let Some(line) = carry.front() {
            if !foot.lines.is_empty() && foot.height + foot.cost(line, separator) > area_height {
                break;
            }
            if let Some(line) = carry.pop_front() {
                foot.add(line, separator);
            }
        }
        foot.finish(&mut area, area_height, separator);
        areas.push(area);
    }
    areas
}

/// Moves a piece's items (it keeps none) into the text area at vertical
/// offset `y`.
fn place_owned(area: &mut AreaFill, piece: &mut Piece, y: f32) {
    area.items.extend(
        piece
            .items
            .drain(..)
            .map(|(at, item)| (at.offset(0.0, y), item)),
    );
}

/// Copies a shared piece's items (a repeated header row, the separator)
/// into the text area at vertical offset `y`.
fn place(area: &mut AreaFill, piece: &Piece, y: f32) {
    area.items.extend(
        piece
            .items
            .iter()
            .map(|(at, item)| (at.offset(0.0, y), item.clone())),
    );
}

/// For each piece, the height of it and every following piece glued to it
/// (space between them included), figures counted at their smallest.
fn chain_heights(pieces: &[Piece]) -> Vec<f32> {
    let mut heights = vec![0.0f32; pieces.len()];
    let mut following = 0.0f32;
    for index in (0..pieces.len()).rev() {
        let Some(piece) = pieces.get(index) else {
            continue;
        };
        let next_glued = pieces.get(index + 1).is_some_and(|next| next.glue_to_prev);
        let own = piece.min_height();
        let chain = if next_glued { own + following } else { own };
        if let Some(slot) = heights.get_mut(index) {
            *slot = chain;
        }
        following = chain + piece.space_before;
    }
    heights
}

/// An image taller than a sheet, which pagination cuts into bands
/// ([`TallImage::band`]), each drawn as the whole image clipped to the band.
#[derive(Debug, Clone)]
pub(crate) struct TallImage {
    /// The image at its full display size (its top at the first band's).
    pub(crate) image: ImageItem,
    /// Its left edge.
    pub(crate) left: f32,
    /// The continuation mark under every band but the last (an artifact).
    pub(crate) mark: Vec<(Point, FrameItem)>,
    /// The mark's height, the gap above it included.
    pub(crate) mark_height: f32,
    /// The caption under the last band, with its structure tags.
    pub(crate) tail: Vec<(Point, FrameItem)>,
    /// The caption's height, the gap above it included.
    pub(crate) tail_height: f32,
    /// The smallest band worth setting at the foot of a sheet.
    pub(crate) min_band: f32,
    /// The figure's text alternative (none: the image is an artifact).
    pub(crate) alternative: Option<String>,
}

impl TallImage {
    /// The image's full display height.
    pub(crate) fn height(&self) -> f32 {
        self.image.size.height
    }

    /// Height of the continuation mark under a band.
    pub(crate) fn mark_height(&self) -> f32 {
        self.mark_height
    }

    /// Height of the caption under the last band.
    pub(crate) fn tail_height(&self) -> f32 {
        self.tail_height
    }

    /// The band from `from` to `to` (points below the image's top) as a
    /// piece: the image clipped to the band in a hairline frame, then the
    /// continuation mark, or the caption under the last band. The
    /// structure element opens with the first band and closes with the
    /// last (a decorative image is an artifact band by band).
    pub(crate) fn band(&self, from: f32, to: f32) -> Piece {
        let first = from <= 0.0;
        let last = to >= self.height() - 0.01;
        let to = to.min(self.height());
        let visible = (to - from).max(0.0);
        let mut items = Vec::new();
        match &self.alternative {
            None => items.push((Point::default(), FrameItem::Tag(TagEvent::ArtifactStart))),
            Some(alt) if first => items.push((
                Point::default(),
                FrameItem::Tag(TagEvent::Start(StructTag::Figure(alt.as_str().into()))),
            )),
            Some(_) => {}
        }
        items.push((
            Point::new(self.left, -from),
            FrameItem::Image(Box::new(ImageItem {
                clip: Some((from, to)),
                ..self.image.clone()
            })),
        ));
        items.push((
            Point::new(self.left, 0.0),
            FrameItem::Rect(RectItem {
                size: Size::new(self.image.size.width, visible),
                fill: None,
                stroke: Some((crate::layout::frame::Rgb(0xc8, 0xcc, 0xd2), 0.5)),
            }),
        ));
        let (below, height) = if last {
            (&self.tail, self.tail_height)
        } else {
            (&self.mark, self.mark_height)
        };
        items.extend(
            below
                .iter()
                .map(|(at, item)| (at.offset(0.0, visible), item.clone())),
        );
        match &self.alternative {
            None => items.push((Point::default(), FrameItem::Tag(TagEvent::ArtifactEnd))),
            Some(_) if last => items.push((Point::default(), FrameItem::Tag(TagEvent::End))),
            Some(_) => {}
        }
        Piece::new(visible + height, items)
    }
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
    fn pieces_on_the_line_grid_start_on_whole_pitches() {
        let line = |tag: &str, space: f32| Piece {
            grid: 17.0,
            space_before: space,
            ..piece(17.0, false, tag)
        };
        let pieces = vec![
            line("a", 0.0),
            // A heading off the grid, 24 pt tall.
            Piece {
                space_before: 20.0,
                ..piece(24.0, false, "heading")
            },
            line("b", 6.0),
            line("c", 2.0),
            line("d", 8.5),
            piece(30.0, false, "figure"),
            line("e", 0.0),
        ];
        let areas = paginate(pieces, 500.0, &Piece::default());
        let tops: Vec<(String, f32)> = areas[0]
            .items
            .iter()
            .filter_map(|(at, item)| match item {
                FrameItem::Anchor(name) => Some((name.clone(), at.y)),
                _ => None,
            })
            .collect();
        for (name, y) in &tops {
            if name != "heading" && name != "figure" {
                let k = y / 17.0;
                assert!((k - k.round()).abs() < 1e-3, "{name} at {y}: {tops:?}");
            }
        }
        let top = |n: &str| tops.iter().find(|t| t.0 == n).map_or(-1.0, |t| t.1);
        // The heading ends at 17 + 20 + 24 = 61; b goes to 68 (4 × 17), c
        // follows without the 2 pt item gap, d after half a line gets one.
        assert_eq!(top("b"), 68.0);
        assert_eq!(top("c"), 85.0);
        assert_eq!(top("d"), 119.0);
        assert_eq!(top("e"), 170.0);
    }

    #[test]
    fn glued_pieces_move_together() {
        let pieces = vec![
            piece(60.0, false, "a"),
            piece(20.0, false, "heading"),
            piece(30.0, true, "line1"),
            piece(10.0, false, "line2"),
        ];
        let areas = paginate(pieces, 100.0, &Piece::default());
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
        let areas = paginate(pieces, 100.0, &Piece::default());
        assert_eq!(areas.len(), 3);
        assert_eq!(names(&areas[2]), ["c"]);
    }

    #[test]
    fn forced_breaks_and_dropped_space() {
        let mut second = piece(10.0, false, "b");
        second.break_before = true;
        second.space_before = 40.0;
        second.section_title = Some("B".into());
        let areas = paginate(
            vec![piece(10.0, false, "a"), second],
            100.0,
            &Piece::default(),
        );
        assert_eq!(areas.len(), 2);
        assert_eq!(areas[1].items[0].0.y, 0.0);
        assert_eq!(areas[1].section_title.as_deref(), Some("B"));
    }

    #[test]
    fn footnotes_sit_at_the_foot_and_shrink_the_text_area() {
        let separator = piece(6.0, false, "sep");
        let mut with_note = piece(10.0, false, "ref");
        with_note.footnotes = vec![piece(8.0, false, "note1"), piece(8.0, false, "note2")];
        let mut pieces = vec![piece(50.0, false, "a"), with_note];
        for i in 0..3 {
            pieces.push(piece(10.0, false, &format!("b{i}")));
        }
        let areas = paginate(pieces, 100.0, &separator);
        // 50 + 10 + 3 × 10 = 90 of body would fit in 100, but the notes
        // take 22 at the foot: the area shrinks to 78 and b1, b2 move on.
        assert_eq!(
            names(&areas[0]),
            ["a", "ref", "b0", "sep", "note1", "note2"]
        );
        assert_eq!(names(&areas[1]), ["b1", "b2"]);
        let ys: Vec<f32> = areas[0].items.iter().map(|(p, _)| p.y).collect();
        assert_eq!(ys[2..], [60.0, 78.0, 84.0, 92.0]);
    }

    #[test]
    fn a_long_footnote_continues_on_the_next_sheet() {
        let separator = piece(6.0, false, "sep");
        let mut with_note = piece(10.0, false, "ref");
        with_note.footnotes = (0..12)
            .map(|i| piece(10.0, false, &format!("n{i}")))
            .collect();
        let pieces = vec![
            piece(60.0, false, "a"),
            with_note,
            piece(10.0, false, "after"),
        ];
        let areas = paginate(pieces, 100.0, &separator);
        let first = names(&areas[0]);
        assert_eq!(&first[..3], ["a", "ref", "sep"]);
        assert!(first.contains(&"n0".to_string()), "{first:?}");
        let all: Vec<String> = areas.iter().flat_map(names).collect();
        for i in 0..12 {
            assert_eq!(
                all.iter().filter(|n| **n == format!("n{i}")).count(),
                1,
                "{all:?}"
            );
        }
        assert!(all.contains(&"after".to_string()));
        assert!(
            areas
                .iter()
                .all(|s| s.items.iter().all(|(p, _)| p.y >= 0.0 && p.y < 100.0)),
            "an item left the text area"
        );
    }

    /// A figure piece: an image of `image` at the top, 5 of caption below.
    fn figure(image: f32, glue: bool, tag: &str) -> Piece {
        use crate::layout::frame::{ImageItem, ImageKey, Size};
        let mut piece = piece(image + 5.0, glue, tag);
        piece.items.push((
            Point::new(10.0, 0.0),
            FrameItem::Image(Box::new(ImageItem {
                image: ImageKey(0),
                size: Size::new(80.0, image),
                alt: String::new(),
                span: crate::diag::Span::point(crate::diag::SourceId(0), 0),
                clip: None,
            })),
        ));
        piece.items.push((
            Point::new(0.0, image + 1.0),
            FrameItem::Anchor(format!("{tag}-caption")),
        ));
        piece.shrink = Some(Shrink {
            image_height: image,
            min_scale: 0.85,
        });
        piece
    }

    fn image_size(area: &AreaFill) -> Option<(f32, f32, f32)> {
        area.items.iter().find_map(|(at, item)| match item {
            FrameItem::Image(image) => Some((at.y, image.size.width, image.size.height)),
            _ => None,
        })
    }

    #[test]
    fn a_figure_that_misses_by_a_little_shrinks_to_stay() {
        // 55 of text leave 45; the figure is 45 + 5 tall and may lose 15 %
        // of its image (6.75): it is scaled to 40 of image.
        let pieces = vec![piece(55.0, false, "text"), figure(45.0, false, "fig")];
        let areas = paginate(pieces, 100.0, &Piece::default());
        assert_eq!(areas.len(), 1);
        let (y, w, h) = image_size(&areas[0]).unwrap_or_default();
        assert!(
            (y - 55.0).abs() < 0.01 && (h - 40.0).abs() < 0.01,
            "{y} {h}"
        );
        assert!((w - 80.0 * 40.0 / 45.0).abs() < 0.01, "width {w}");
        // The caption moved up with the image's foot.
        let caption = areas[0]
            .items
            .iter()
            .find(|(_, i)| *i == FrameItem::Anchor("fig-caption".into()))
            .map(|(at, _)| at.y);
        assert_eq!(caption, Some(55.0 + 41.0));
    }

    #[test]
    fn a_figure_that_misses_by_much_moves_with_its_intro() {
        // 50 of text, a line introducing the figure, the figure (at least
        // 43.25 + 5): 108 > 100, so the line goes with the figure.
        let pieces = vec![
            piece(50.0, false, "text"),
            piece(10.0, false, "intro"),
            figure(50.0, true, "fig"),
        ];
        let areas = paginate(pieces, 100.0, &Piece::default());
        assert_eq!(areas.len(), 2);
        assert_eq!(names(&areas[0]), ["text"]);
        assert_eq!(names(&areas[1]), ["intro", "fig", "fig-caption"]);
        // At the top of a fresh sheet it keeps its full size.
        assert_eq!(image_size(&areas[1]).map(|s| s.2), Some(50.0));
    }

    #[test]
    fn header_rows_repeat_after_a_break() {
        let header = std::sync::Arc::new(vec![piece(10.0, false, "head")]);
        let mut rows = vec![piece(10.0, false, "head")];
        for i in 0..12 {
            let mut row = piece(10.0, false, &format!("row{i}"));
            row.repeat = Some(header.clone());
            rows.push(row);
        }
        let areas = paginate(rows, 100.0, &Piece::default());
        assert_eq!(areas.len(), 2);
        assert_eq!(names(&areas[1])[0], "head");
        assert!(
            areas
                .iter()
                .all(|s| s.items.iter().all(|(p, _)| p.y < 100.0))
        );
    }
}
