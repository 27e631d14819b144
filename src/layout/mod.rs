//! Layout for paged output: fonts and shaping, inline layout (line
//! breaking with JLREQ rules, justification), block flow, pagination into
//! sheets and the paged document.
//!
//! Input: a [`Book`](crate::model::Book) and [`Assets`](crate::assets::Assets).
//! Output: a [`PagedDocument`](frame::PagedDocument) of sheets (frames) that
//! `pdf` turns into PDF pages.

pub(crate) mod document;
pub(crate) mod excerpt;
pub(crate) mod flow;
pub mod font;
pub(crate) mod frame;
pub mod inline;
pub(crate) mod parallel;
pub(crate) mod running_head;
pub(crate) mod style;
#[cfg(test)]
mod typography_tests;
pub(crate) mod xref;
