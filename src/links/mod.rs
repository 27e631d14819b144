//! Link, anchor and image-path resolution over a whole book.
//!
//! Input: a [`Book`] whose links are unresolved and a [`LinkContext`].
//! Output: the same book with every link internal or external, image paths
//! (of figures and of images inside text) checked to lie inside the static
//! folder, and diagnostics for broken
//! links, missing anchors, duplicate anchors and unreachable images.
//!
//! Link forms (see [`url`]): `/prefix/a/b/page.html#id` (Hugo ugly URLs),
//! `/prefix/a/b.html`, `/prefix/a/b/` and `/prefix/a/b/index.html` (the
//! section `a/b/_index.md`), relative `../x.html` and `x.html` against the
//! linking page's URL, `#id` in the same page, and absolute URLs of this
//! site (`base_url` + path). A target in the book becomes
//! [`LinkTarget::Internal`]; a page the site publishes but the book leaves
//! out, or a file of the static folder, becomes `base_url` + path silently;
//! anything else is a `broken link` warning and also goes to `base_url`.
//! Only `http`, `https` and `mailto` survive as external links; a link with
//! another scheme is reported and replaced by its text.
//!
//! Lookup tables (path → page, anchors per page, checked images) are built
//! once, so the work is linear in pages + links.

pub(crate) mod images;
pub(crate) mod url;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::model::{Block, Book, Inline, LinkTarget, PageId, walk};
use crate::site::page_url;
use url::Href;

/// Site facts link resolution needs besides the book itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct LinkContext {
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

/// Characters escaped when a site path is written into an absolute URL.
const URL_ESCAPE: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`');

/// Resolves every link and image of the book in place (see the module
/// documentation).
pub(crate) fn resolve(book: &mut Book, ctx: &LinkContext, diags: &mut Diagnostics) {
    let static_dir = ctx
        .static_dir
        .canonicalize()
        .unwrap_or_else(|_| ctx.static_dir.clone());
    let mut tables = Tables {
        ctx,
        static_dir,
        by_path: HashMap::new(),
        anchors: Vec::with_capacity(book.pages.len()),
        page_anchors: Vec::with_capacity(book.pages.len()),
        paths: Vec::with_capacity(book.pages.len()),
        images: HashMap::new(),
    };
    for page in &book.pages {
        tables.by_path.insert(page.source_path.clone(), page.id);
        tables.anchors.push(heading_anchors(&page.blocks, diags));
        tables.page_anchors.push(page.anchor.clone());
        tables.paths.push(page.source_path.clone());
    }
    for page in &mut book.pages {
        let url = if page.url.is_empty() {
            page_url(&ctx.url_prefix, &page.source_path, page.kind)
        } else {
            page.url.clone()
        };
        let here = Here { page: page.id, url };
        walk::inline_lists_mut(&mut page.title, |list| {
            tables.resolve_list(list, &here, diags);
        });
        walk::blocks_mut(&mut page.blocks, |block| {
            if let Block::Figure(figure) = block {
                figure.image.path = tables.image(&figure.image.src, &here.url, figure.span, diags);
            }
            for root in walk::inline_roots_mut(block) {
                walk::inline_lists_mut(root, |list| tables.resolve_list(list, &here, diags));
            }
        });
    }
}

/// The page a link is written in.
struct Here {
    page: PageId,
    url: String,
}

/// Lookup tables built once per book.
struct Tables<'c> {
    ctx: &'c LinkContext,
    static_dir: PathBuf,
    by_path: HashMap<String, PageId>,
    anchors: Vec<HashSet<String>>,
    page_anchors: Vec<String>,
    paths: Vec<String>,
    images: HashMap<String, Result<PathBuf, String>>,
}

impl Tables<'_> {
    /// Resolves the links and image paths directly in `list`; a link with a
    /// forbidden scheme is replaced by its content (whose own links are
    /// visited next).
    fn resolve_list(&mut self, list: &mut Vec<Inline>, here: &Here, diags: &mut Diagnostics) {
        let mut i = 0;
        while i < list.len() {
            if let Some(Inline::Image(image)) = list.get_mut(i) {
                image.image.path = self.image(&image.image.src, &here.url, image.span, diags);
            }
            if let Some(Inline::Link(link)) = list.get_mut(i)
                && let LinkTarget::Unresolved(href) = &link.target
            {
                match self.target(href, here, link.span, diags) {
                    Some(target) => link.target = target,
                    None => {
                        let content = std::mem::take(&mut link.content);
                        list.splice(i..=i, content);
                        continue;
                    }
                }
            }
            i += 1;
        }
    }

    /// The target of one `href`; `None` when the link must become text.
    fn target(
        &self,
        href: &str,
        here: &Here,
        span: Span,
        diags: &mut Diagnostics,
    ) -> Option<LinkTarget> {
        if href.trim().is_empty() {
            return Some(LinkTarget::Internal {
                page: here.page,
                anchor: None,
            });
        }
        match url::classify(href, &here.url, &self.ctx.base_url) {
            Href::SamePage(fragment) => Some(LinkTarget::Internal {
                page: here.page,
                anchor: self.anchor(here.page, &fragment, span, diags),
            }),
            Href::External(u) => Some(LinkTarget::External(u)),
            Href::Forbidden(scheme) => {
                diags.push(Diagnostic::warning(
                    span,
                    format!("link with scheme `{scheme}:` is not allowed; its text is kept"),
                ));
                None
            }
            Href::Site { path, fragment } => {
                Some(self.site_target(href, &path, fragment.as_deref(), span, diags))
            }
        }
    }

    fn site_target(
        &self,
        href: &str,
        path: &str,
        fragment: Option<&str>,
        span: Span,
        diags: &mut Diagnostics,
    ) -> LinkTarget {
        let candidates = url::content_candidates(path, &self.ctx.url_prefix).unwrap_or_default();
        for candidate in &candidates {
            if let Some(&page) = self.by_path.get(candidate) {
                let anchor = fragment.and_then(|f| self.anchor(page, f, span, diags));
                return LinkTarget::Internal { page, anchor };
            }
        }
        let published =
            candidates.iter().any(|c| self.ctx.site_pages.contains(c)) || self.is_static_file(path);
        if !published {
            diags.push(Diagnostic::warning(span, format!("broken link `{href}`")));
        }
        LinkTarget::External(self.absolute(path, fragment))
    }

    /// `base_url` + path (+ `#fragment`), escaped for a URL.
    fn absolute(&self, path: &str, fragment: Option<&str>) -> String {
        let mut out = self.ctx.base_url.trim_end_matches('/').to_string();
        out.extend(utf8_percent_encode(path, URL_ESCAPE));
        if let Some(f) = fragment {
            out.push('#');
            out.extend(utf8_percent_encode(f, URL_ESCAPE));
        }
        out
    }

    fn is_static_file(&self, path: &str) -> bool {
        if path.split('/').any(|s| s == "..") {
            return false;
        }
        let file = self.static_dir.join(path.trim_start_matches('/'));
        file.canonicalize()
            .is_ok_and(|c| c.starts_with(&self.static_dir) && c.is_file())
    }

    /// A heading anchor of `page`, or `None` (page top) with a warning when
    /// the page has no such anchor.
    fn anchor(
        &self,
        page: PageId,
        fragment: &str,
        span: Span,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        if fragment.is_empty() {
            return None;
        }
        if self
            .anchors
            .get(page.0)
            .is_some_and(|a| a.contains(fragment))
        {
            return Some(fragment.to_string());
        }
        if self.page_anchors.get(page.0).is_some_and(|a| a == fragment) {
            return None;
        }
        let path = self.paths.get(page.0).map_or("", String::as_str);
        diags.push(Diagnostic::warning(
            span,
            format!("missing anchor `#{fragment}` in `{path}`; the link goes to the page"),
        ));
        None
    }

    /// Checks an image once per distinct `src` and reports at every use.
    fn image(&mut self, src: &str, page_url: &str, span: Span, diags: &mut Diagnostics) -> PathBuf {
        let key = if src.starts_with('/') {
            src.to_string()
        } else {
            format!("{page_url}\0{src}")
        };
        let static_dir = &self.static_dir;
        let result = self
            .images
            .entry(key)
            .or_insert_with(|| images::resolve(src, page_url, static_dir));
        match result {
            Ok(path) => path.clone(),
            Err(message) => {
                diags.push(Diagnostic::error(span, message.clone()));
                PathBuf::new()
            }
        }
    }
}

/// Heading anchors of one page; a repeated anchor is an error at the second.
fn heading_anchors(blocks: &[Block], diags: &mut Diagnostics) -> HashSet<String> {
    let mut seen = HashSet::new();
    walk::blocks(blocks, |block| {
        if let Block::Heading(h) = block
            && !h.anchor.is_empty()
            && !seen.insert(h.anchor.clone())
        {
            diags.push(Diagnostic::error(
                h.span,
                format!("duplicate anchor `{}` in this page", h.anchor),
            ));
        }
    });
    seen
}

#[cfg(test)]
mod tests;
