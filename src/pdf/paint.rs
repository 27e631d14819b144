//! Paint: the layout's colours as krilla fills and strokes.
//!
//! Input: an [`Rgb`] colour (and a line width). Output: a krilla [`Fill`]
//! or [`Stroke`], used by `write` for rectangles and lines and by `text`
//! for glyphs.

use krilla::color::rgb;
use krilla::paint::{Fill, Stroke};

use crate::layout::frame::Rgb;

/// A krilla fill for a colour.
pub(super) fn fill(color: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        ..Fill::default()
    }
}

/// A krilla stroke of a colour and width.
pub(super) fn stroke(color: Rgb, width: f32) -> Stroke {
    Stroke {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        width,
        ..Stroke::default()
    }
}
