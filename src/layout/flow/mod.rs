//! Block layout and pagination.
//!
//! Input: the book's blocks. Output: pieces stacked into pages.

pub mod paginate;
