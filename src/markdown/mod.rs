//! Markdown and raw HTML into the document model.
//!
//! Input: a [`ResolvedPage`](crate::shortcode::ResolvedPage). Output:
//! [`Block`](crate::model::Block)s with spans in the original file; links
//! are left as [`LinkTarget::Unresolved`](crate::model::LinkTarget) and image
//! paths unchecked (`ImageRef::path` empty), for `links` to resolve.
//!
//! Entry point (implementation owned by the Markdown work):
//! `pub fn parse_page(page: &ResolvedPage, diags: &mut Diagnostics) -> Vec<Block>`.
