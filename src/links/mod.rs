//! Link, anchor and image-path resolution over a whole book.
//!
//! Input: a [`Book`](crate::model::Book) whose links are unresolved and a
//! [`LinkContext`]. Output: the same book with every link internal or
//! external, image paths checked to lie inside the static folder, and
//! diagnostics for broken links, missing anchors, duplicate anchors and
//! unreachable images.
//!
//! Entry point (implementation owned by the Markdown work):
//! `pub fn resolve(book: &mut Book, ctx: &LinkContext, diags: &mut Diagnostics)`.

use std::collections::BTreeSet;
use std::path::PathBuf;

/// Site facts link resolution needs besides the book itself.
#[derive(Debug, Clone, Default)]
pub struct LinkContext {
    /// `book.url_prefix`: starts and ends with `/` (default `/`). A link
    /// `/general/ja/a/b.html` with prefix `/general/ja/` means `content/a/b.md`.
    pub url_prefix: String,
    /// `book.base_url` without a trailing slash.
    pub base_url: String,
    /// The site's static folder, canonicalized; images must resolve inside it.
    pub static_dir: PathBuf,
    /// Content-relative source paths (`login/admin_temp.md`,
    /// `admin/_index.md`) of every page the site publishes for this region,
    /// including pages left out of this book by `--page`: a link to one of
    /// them points at `base_url` without a warning, while a link to a path
    /// not in this set is reported as broken.
    pub site_pages: BTreeSet<String>,
}
