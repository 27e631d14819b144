//! Page layout for paged output: fonts and shaping, inline layout (line
//! breaking with JLREQ rules, justification), block flow and pagination.
//!
//! Input: a [`Book`](crate::model::Book) and [`Assets`](crate::assets::Assets).
//! Output: a paged document of frames that `pdf` turns into PDF objects.

pub mod flow;
pub mod font;
pub mod frame;
pub mod inline;
pub mod pages;
pub mod style;
