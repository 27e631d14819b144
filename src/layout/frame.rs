//! The frame tree: the only hand-off from layout to the PDF writer.
//!
//! Input: built by `flow` and `document` from the laid-out book. Output: read by
//! `pdf`, which turns every item into krilla calls without making a single
//! layout decision. Coordinates are PostScript points with the origin at the
//! top-left corner of the paper and y growing downwards (krilla's convention).
//! Text items are positioned at their baseline origin.

use std::ops::Range;
use std::sync::Arc;

use crate::assets::images::LoadedImage;
use crate::diag::Span;

/// An sRGB colour (written `"#rrggbb"` in `layouts/pdf.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Black.
    pub const BLACK: Rgb = Rgb(0, 0, 0);

    /// Parses `#rrggbb`.
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.strip_prefix('#')?;
        if hex.len() != 6 || !hex.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
    }
}

/// A point in sheet coordinates (points, y down).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Distance from the left edge.
    pub x: f32,
    /// Distance from the top edge.
    pub y: f32,
}

impl Point {
    /// A point from its coordinates.
    pub const fn new(x: f32, y: f32) -> Point {
        Point { x, y }
    }

    /// This point moved by `(dx, dy)`.
    pub fn offset(self, dx: f32, dy: f32) -> Point {
        Point::new(self.x + dx, self.y + dy)
    }
}

/// A width and height in points.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Size {
    /// Horizontal extent.
    pub width: f32,
    /// Vertical extent.
    pub height: f32,
}

impl Size {
    /// A size from its extents.
    pub const fn new(width: f32, height: f32) -> Size {
        Size { width, height }
    }
}

/// A laid-out book: sheets plus the resources and navigation they refer to.
#[derive(Debug, Clone, Default)]
pub struct PagedDocument {
    /// Fonts referenced by [`TextRun::font`].
    pub fonts: Vec<FontSource>,
    /// Images referenced by [`ImageItem::image`], each file once.
    pub images: Vec<Arc<LoadedImage>>,
    /// Sheets in order.
    pub sheets: Vec<Sheet>,
    /// Bookmarks in reading order with their nesting level.
    pub outline: Vec<OutlineItem>,
}

/// One bookmark: a page title or heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineItem {
    /// Nesting level (0 = top-level section page).
    pub level: usize,
    /// Plain-text title.
    pub title: String,
    /// The [`FrameItem::Anchor`] it opens.
    pub anchor: String,
}

/// A font file as the PDF writer needs it.
#[derive(Debug, Clone)]
pub struct FontSource {
    /// The font file's bytes (shared with the font book, not a copy).
    pub data: crate::assets::FontBytes,
    /// Face index in a collection (0 for a plain TTF/OTF).
    pub index: u32,
    /// The face whose PDF font also carries this face's glyphs: the
    /// regular face, for its monospace sibling of the same design (which
    /// sets the regular text's full-width punctuation), so that a line
    /// switching between the two is one text object. `None` for a face
    /// embedded on its own.
    pub embed_with: Option<FontKey>,
}

/// Index into [`PagedDocument::fonts`] (32 bits: a book has a few faces,
/// and every [`TextRun`] holds one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontKey(pub u32);

impl FontKey {
    /// The index into [`PagedDocument::fonts`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index into [`PagedDocument::images`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImageKey(pub usize);

/// How a sheet's folio is printed (and labelled in the PDF viewer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folio {
    /// No number (cover).
    None,
    /// Lower-case roman numerals (table of contents).
    Roman(u32),
    /// Arabic numerals (body).
    Arabic(u32),
}

impl Folio {
    /// The folio as printed, empty for [`Folio::None`].
    pub fn text(self) -> String {
        match self {
            Folio::None => String::new(),
            Folio::Roman(n) => roman(n),
            Folio::Arabic(n) => n.to_string(),
        }
    }
}

/// Lower-case roman numeral for `n` (arabic digits beyond 3999).
fn roman(n: u32) -> String {
    if n == 0 || n > 3999 {
        return n.to_string();
    }
    const TABLE: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut rest = n;
    let mut out = String::new();
    for (value, digits) in TABLE {
        while rest >= value {
            out.push_str(digits);
            rest -= value;
        }
    }
    out
}

/// One sheet of paper with everything drawn on it, in reading order (one
/// PDF page).
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// Paper size.
    pub size: Size,
    /// Printed folio and PDF page label.
    pub folio: Option<Folio>,
    /// Positioned items in drawing and reading order.
    pub items: Vec<(Point, FrameItem)>,
}

impl Sheet {
    /// An empty sheet of the given size.
    pub fn new(size: Size, folio: Folio) -> Sheet {
        Sheet {
            size,
            folio: Some(folio),
            items: Vec::new(),
        }
    }

    /// Appends an item at `at`.
    pub fn push(&mut self, at: Point, item: FrameItem) {
        self.items.push((at, item));
    }
}

/// Something drawn or marked on a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum FrameItem {
    /// Shaped glyphs on one baseline (position = baseline origin).
    Text(TextRun),
    /// A filled and/or stroked rectangle (position = top-left corner).
    Rect(RectItem),
    /// A straight line from the position to `position + to`.
    Line(LineItem),
    /// A raster image (position = top-left corner); boxed, as rare as it
    /// is large, so that every item stays 32 bytes.
    Image(Box<ImageItem>),
    /// A clickable area (position = top-left corner); boxed like
    /// [`FrameItem::Image`].
    Link(Box<LinkArea>),
    /// A named destination at this position (headings, page titles).
    Anchor(String),
    /// Structure marks for tagged PDF.
    Tag(TagEvent),
}

/// A run of glyphs in one font, size and colour: 32 bytes, its glyphs and
/// text shared ([`ShapedText`]) with the paragraph layout it was set from
/// (the paragraph cache's lines, every page-reference pass and every region
/// that sets the same paragraph hold one copy).
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// The font.
    pub font: FontKey,
    /// Type size in points.
    pub size: f32,
    /// Fill colour.
    pub color: Rgb,
    /// Synthetic italic: horizontal shear per unit of height (0 = upright).
    pub slant: f32,
    /// The glyphs and the source text they were shaped from.
    pub shaped: Arc<ShapedText>,
}

impl TextRun {
    /// Total advance width in points.
    pub fn width(&self) -> f32 {
        self.glyphs().iter().map(|g| g.x_advance).sum()
    }

    /// The source text the glyphs were shaped from (for ToUnicode and
    /// copy/paste).
    pub fn text(&self) -> &str {
        &self.shaped.text
    }

    /// The glyphs, each with its byte range in [`TextRun::text`].
    pub fn glyphs(&self) -> &[Glyph] {
        &self.shaped.glyphs
    }
}

/// The glyphs of a run and the source text they were shaped from, as the
/// inline layout set them; shared (`Arc`) by the paragraph layout's line
/// and every [`TextRun`] drawn from it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShapedText {
    /// The source text: exactly what a reader copies.
    pub text: Box<str>,
    /// The glyphs, each with its cluster's bytes in [`ShapedText::text`];
    /// consecutive glyphs of one cluster share the range.
    pub glyphs: Box<[Glyph]>,
}

impl ShapedText {
    /// Shared glyphs and text.
    pub fn new(text: impl Into<Box<str>>, glyphs: impl Into<Box<[Glyph]>>) -> Arc<ShapedText> {
        Arc::new(ShapedText {
            text: text.into(),
            glyphs: glyphs.into(),
        })
    }
}

/// One positioned glyph of a [`ShapedText`]: 24 bytes (a paragraph of
/// megabytes holds one per letter).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Glyph id in the font.
    pub id: u16,
    /// Advance in points, after justification.
    pub x_advance: f32,
    /// Horizontal offset from the pen position, in points.
    pub x_offset: f32,
    /// Vertical offset (up is positive, as in the font), in points.
    pub y_offset: f32,
    /// Start of the bytes of [`ShapedText::text`] this glyph's cluster
    /// covers (see [`Glyph::range`]).
    pub start: u32,
    /// End of the bytes of [`ShapedText::text`] this glyph's cluster covers.
    pub end: u32,
}

impl Glyph {
    /// The bytes of [`ShapedText::text`] this glyph's cluster covers.
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RectItem {
    /// Extent.
    pub size: Size,
    /// Fill colour.
    pub fill: Option<Rgb>,
    /// Stroke colour and width.
    pub stroke: Option<(Rgb, f32)>,
}

/// A line segment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineItem {
    /// End point relative to the start.
    pub to: Point,
    /// Colour.
    pub color: Rgb,
    /// Width.
    pub width: f32,
}

/// A placed image.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageItem {
    /// The image.
    pub image: ImageKey,
    /// Displayed size.
    pub size: Size,
    /// Alternative text (for the tag tree).
    pub alt: String,
    /// Where the image is referenced (for late errors).
    pub span: Span,
    /// Only this band of the image is drawn: from `.0` to `.1` points below
    /// its top (a slice of an image taller than a sheet); `None`: all of it.
    pub clip: Option<(f32, f32)>,
}

/// A clickable area.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkArea {
    /// Extent.
    pub size: Size,
    /// Where it goes.
    pub target: LinkDest,
    /// Where an internal link is written (the layout leaves a link's page
    /// reference out on its target's sheet); `None` for the links tebiki
    /// makes itself (contents, notes, URLs).
    pub source: Option<Span>,
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkDest {
    /// A named destination set by an [`FrameItem::Anchor`].
    Named(String),
    /// A URI.
    Uri(String),
}

/// Structure marks. Content between `Start` and the matching `End` belongs
/// to that structure element; content inside an artifact is decoration
/// (running heads, repeated table headers, backgrounds).
#[derive(Debug, Clone, PartialEq)]
pub enum TagEvent {
    /// Opens a structure element.
    Start(StructTag),
    /// Closes the innermost open structure element.
    End,
    /// Opens an artifact (pagination or layout decoration).
    ArtifactStart,
    /// Closes the innermost artifact.
    ArtifactEnd,
}

/// Structure element kinds used by tebiki.
#[derive(Debug, Clone, PartialEq)]
pub enum StructTag {
    /// A page of the book (groups its title and body).
    Section,
    /// A heading level 1..=6 with its plain text.
    Heading(u8, Box<str>),
    /// A paragraph.
    Paragraph,
    /// A list; `true` when numbered.
    List(bool),
    /// A list item.
    ListItem,
    /// A list item's marker.
    ListLabel,
    /// A list item's content.
    ListBody,
    /// A figure with its alt text.
    Figure(Box<str>),
    /// A caption.
    Caption,
    /// A table.
    Table,
    /// Table header rows.
    TableHead,
    /// Table body rows.
    TableBody,
    /// A table row.
    TableRow,
    /// A header cell with its spans.
    TableHeaderCell(u32, u32),
    /// A data cell with its spans.
    TableCell(u32, u32),
    /// A block quote.
    BlockQuote,
    /// An admonition box.
    Note,
    /// A code block.
    Code,
    /// A link (its text and annotation).
    Link,
    /// The table of contents.
    Toc,
    /// One TOC entry.
    TocItem,
    /// The book title on the cover.
    Title,
}

/// The named destination of a page (`anchor = None`) or a heading in it.
pub(crate) fn dest_name(page_anchor: &str, anchor: Option<&str>) -> String {
    match anchor {
        Some(anchor) => format!("{page_anchor}#{anchor}"),
        None => page_anchor.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals() {
        assert_eq!(Folio::Roman(1).text(), "i");
        assert_eq!(Folio::Roman(4).text(), "iv");
        assert_eq!(Folio::Roman(14).text(), "xiv");
        assert_eq!(Folio::Roman(1999).text(), "mcmxcix");
        assert_eq!(Folio::Arabic(12).text(), "12");
        assert_eq!(Folio::None.text(), "");
    }

    /// A flow holds a few hundred thousand items per region (most of them
    /// structure marks and text runs): every item is 32 bytes, a text run
    /// 24 (its glyphs and text are shared, not held).
    #[test]
    fn frame_items_stay_small() {
        assert_eq!(std::mem::size_of::<TextRun>(), 24);
        assert_eq!(std::mem::size_of::<TagEvent>(), 24);
        assert_eq!(std::mem::size_of::<FrameItem>(), 32);
        assert_eq!(std::mem::size_of::<(Point, FrameItem)>(), 40);
    }

    /// A text run reads its glyphs and text from the shared value, and a
    /// clone shares it instead of copying it.
    #[test]
    fn text_runs_share_their_glyphs() {
        let glyph = Glyph {
            id: 7,
            x_advance: 5.0,
            x_offset: 0.0,
            y_offset: 0.0,
            start: 0,
            end: 1,
        };
        let run = TextRun {
            font: FontKey(1),
            size: 10.0,
            color: Rgb::BLACK,
            slant: 0.0,
            shaped: ShapedText::new("a", vec![glyph.clone(), glyph]),
        };
        let copy = run.clone();
        assert!(Arc::ptr_eq(&run.shaped, &copy.shaped));
        assert_eq!(copy.text(), "a");
        assert_eq!(copy.glyphs().len(), 2);
        assert_eq!(copy.width(), 10.0);
        assert_eq!(copy.font.index(), 1);
    }
}
