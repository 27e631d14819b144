//! Link, anchor and image-path resolution over a whole book.
//!
//! Input: a [`Book`] whose links are unresolved and a [`LinkContext`] (the
//! site's URL table, hosts, prefix and folders). Output: the same book with
//! every link internal or external, image paths (of figures and of images
//! inside text) checked to lie inside the static folder (or the page's
//! bundle folder), and diagnostics for broken
//! links, missing anchors, duplicate anchors and unreachable images.
//!
//! Link forms (see [`url`]): any URL the site publishes a page at, written
//! in any of its forms (`/prefix/a/b.html`, `/prefix/a/b/`,
//! `/prefix/a/b/index.html`, `/prefix/a/b`; see [`crate::site::url_key`]),
//! including a page's front-matter `url`, `slug` and `aliases`; relative
//! `../x.html` and `x.html` against the linking page's URL; `#id` in the
//! same page; and absolute URLs to one of the site's hosts (`https:`,
//! `http:`, `//host/`, any case). A target in the book becomes
//! [`LinkTarget::Internal`]. A page the site publishes but the book leaves
//! out (another region's page, a page outside `--page`), a file of the
//! static folder or of a page bundle, and any path outside `url_prefix` on
//! the same host (another product's help) become the region's `base_url` +
//! path silently; anything else is a `broken link` warning and also goes to
//! `base_url`. Only `http`, `https` and `mailto` survive as external links;
//! a link with another scheme, or one that is no URL, is reported and
//! replaced by its text.
//!
//! Lookup tables (URL key → page, anchors per page, checked images) are
//! built once, so the work is linear in pages + links.

pub(crate) mod images;
pub(crate) mod url;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::model::{Block, Book, Inline, LinkTarget, PageId, walk};
use crate::site::{FrontMatter, page_url, url_key};
use url::Href;

/// Site facts link resolution needs besides the book itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct LinkContext {
    /// `book.url_prefix`: starts and ends with `/` (default `/`). A link
    /// `/general/ja/a/b.html` with prefix `/general/ja/` means `content/a/b.md`.
    pub url_prefix: String,
    /// The region's `base_url` without a trailing slash: every absolute
    /// link the book prints to this site starts with it.
    pub base_url: String,
    /// Lower-case hosts of this site (every region's `base_url`): absolute
    /// links to them are checked like site paths.
    pub hosts: Vec<String>,
    /// Whether pages are published as `a/b.html` (Hugo's `uglyURLs`); used
    /// for a page whose URL is not set.
    pub ugly_urls: bool,
    /// The site's static folder, canonicalized; images must resolve inside it.
    pub static_dir: PathBuf,
    /// The content folder, canonicalized: a bundle page's images resolve in
    /// its folder, and files beside content pages are published resources.
    pub content_dir: PathBuf,
    /// Every URL the site publishes a page at in any region (its URL and
    /// aliases), by [`url_key`], with the content paths
    /// (`login/admin_temp.md`) of the pages published there: a link to one
    /// that is not in the book points at `base_url` without a warning, while
    /// a path that is in no page's URL is reported as broken.
    pub site_urls: HashMap<String, Vec<String>>,
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
    let content_dir = ctx.content_dir.canonicalize().ok();
    let mut tables = Tables {
        ctx,
        static_dir,
        content_dir,
        by_path: HashMap::new(),
        by_key: HashMap::new(),
        anchors: Vec::with_capacity(book.pages.len()),
        page_anchors: Vec::with_capacity(book.pages.len()),
        paths: Vec::with_capacity(book.pages.len()),
        images: HashMap::new(),
    };
    let urls: Vec<String> = book
        .pages
        .iter()
        .map(|page| {
            if page.url.is_empty() {
                page_url(
                    &ctx.url_prefix,
                    &page.source_path,
                    page.kind,
                    &FrontMatter::default(),
                    ctx.ugly_urls,
                )
            } else {
                page.url.clone()
            }
        })
        .collect();
    for (page, url) in book.pages.iter().zip(&urls) {
        tables.by_path.insert(page.source_path.clone(), page.id);
        tables.by_key.entry(url_key(url)).or_insert(page.id);
        tables.anchors.push(heading_anchors(&page.blocks, diags));
        tables.page_anchors.push(page.anchor.clone());
        tables.paths.push(page.source_path.clone());
    }
    for (page, url) in book.pages.iter_mut().zip(urls) {
        let bundle = bundle_folder(&page.source_path).map(str::to_string);
        let here = Here {
            page: page.id,
            url,
            bundle,
        };
        walk::inline_lists_mut(&mut page.title, |list| {
            tables.resolve_list(list, &here, diags);
        });
        walk::blocks_mut(&mut page.blocks, |block| {
            if let Block::Figure(figure) = block {
                figure.image.path = tables.image(&figure.image.src, &here, figure.span, diags);
            }
            for root in walk::inline_roots_mut(block) {
                walk::inline_lists_mut(root, |list| tables.resolve_list(list, &here, diags));
            }
        });
    }
}

/// The folder (content-relative) whose files are a page's resources: the
/// folder of a leaf bundle `a/b/index.md` or of a branch bundle
/// `a/b/_index.md`; `None` for an ordinary page.
fn bundle_folder(source_path: &str) -> Option<&str> {
    if source_path == "_index.md" || source_path == "index.md" {
        return Some("");
    }
    source_path
        .strip_suffix("/index.md")
        .or_else(|| source_path.strip_suffix("/_index.md"))
}

/// The page a link is written in.
struct Here {
    page: PageId,
    url: String,
    /// Its bundle folder, when it is a bundle page.
    bundle: Option<String>,
}

/// Lookup tables built once per book.
struct Tables<'c> {
    ctx: &'c LinkContext,
    static_dir: PathBuf,
    content_dir: Option<PathBuf>,
    by_path: HashMap<String, PageId>,
    /// Each book page's own URL, by [`url_key`].
    by_key: HashMap<String, PageId>,
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
                image.image.path = self.image(&image.image.src, here, image.span, diags);
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
        match url::classify(href, &here.url, &self.ctx.base_url, &self.ctx.hosts) {
            Href::SamePage(fragment) => Some(LinkTarget::Internal {
                page: here.page,
                anchor: self.anchor(here.page, &fragment, span, diags),
            }),
            Href::External(u) => Some(LinkTarget::External(u)),
            Href::Forbidden(scheme) => {
                diags.push(
                    Diagnostic::warning(
                        span,
                        format!("link with scheme `{scheme}:` is not allowed; its text is kept"),
                    )
                    .with_code(crate::diag::Code::ForbiddenScheme),
                );
                None
            }
            Href::Invalid(reason) => {
                diags.push(
                    Diagnostic::warning(
                        span,
                        format!("link `{href}` is not a valid URL ({reason}); its text is kept"),
                    )
                    .with_code(crate::diag::Code::InvalidUrl),
                );
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
        let key = url_key(path);
        let site_pages = self.ctx.site_urls.get(&key);
        let in_book = self.by_key.get(&key).copied().or_else(|| {
            site_pages?
                .iter()
                .find_map(|rel| self.by_path.get(rel).copied())
        });
        if let Some(page) = in_book {
            let anchor = fragment.and_then(|f| self.anchor(page, f, span, diags));
            return LinkTarget::Internal { page, anchor };
        }
        if site_pages.is_some() {
            return LinkTarget::External(self.absolute(path, fragment));
        }
        let published = match url::within_prefix(path, &self.ctx.url_prefix) {
            // Another product's help on the same host: not ours to check.
            None => true,
            Some(rel) => self.is_static_file(path) || self.is_content_file(rel),
        };
        if !published {
            diags.push(
                Diagnostic::warning(span, format!("broken link `{href}`"))
                    .with_code(crate::diag::Code::BrokenLink)
                    .with_hints(self.page_suggestion(href, &key)),
            );
        }
        LinkTarget::External(self.absolute(path, fragment))
    }

    /// Whether `rel` (a path under the URL prefix) is a file of the content
    /// folder that is not a page: a resource Hugo publishes beside its page.
    fn is_content_file(&self, rel: &str) -> bool {
        let Some(content) = &self.content_dir else {
            return false;
        };
        if rel.is_empty() || rel.ends_with(".md") || rel.split('/').any(|s| s == "..") {
            return false;
        }
        content
            .join(rel)
            .canonicalize()
            .is_ok_and(|c| c.starts_with(content) && c.is_file())
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
        diags.push(
            Diagnostic::warning(
                span,
                format!("missing anchor `#{fragment}` in `{path}`; the link goes to the page"),
            )
            .with_code(crate::diag::Code::MissingAnchor)
            .with_hints(self.anchors.get(page.0).and_then(|set| {
                let mut known: Vec<&str> = set.iter().map(String::as_str).collect();
                known.sort_unstable();
                crate::diag::suggest::nearest(fragment, known)
                    .map(|a| format!("did you mean `#{a}`?"))
            })),
        );
        None
    }

    /// "did you mean" for a link to no page: a page published in the same
    /// folder whose name is a likely typo of the link's, shown as the link
    /// written with that name.
    fn page_suggestion(&self, href: &str, key: &str) -> Option<String> {
        let (folder, name) = key.rsplit_once('/')?;
        let mut siblings: Vec<&str> = self
            .ctx
            .site_urls
            .keys()
            .filter_map(|k| {
                let (f, n) = k.rsplit_once('/')?;
                (f == folder).then_some(n)
            })
            .collect();
        siblings.sort_unstable();
        let nearest = crate::diag::suggest::nearest(name, siblings)?;
        let at = href.rfind(name)?;
        let fixed = format!("{}{nearest}{}", &href[..at], &href[at + name.len()..]);
        Some(format!("did you mean `{fixed}`?"))
    }

    /// Checks an image once per distinct `src` and reports at every use. A
    /// relative `src` in a bundle page is looked for in the bundle folder
    /// first (Hugo's page resources), confined to that folder; otherwise it
    /// is a file of the static folder.
    fn image(&mut self, src: &str, here: &Here, span: Span, diags: &mut Diagnostics) -> PathBuf {
        let relative = !src.trim_start().starts_with('/');
        let bundle = here
            .bundle
            .as_deref()
            .filter(|_| relative)
            .and_then(|folder| {
                let content = self.content_dir.as_ref()?;
                let dir = content.join(folder).canonicalize().ok()?;
                dir.starts_with(content).then_some(dir)
            });
        let key = match (&bundle, relative) {
            (Some(dir), _) => format!("{}\0{src}\0{}", dir.display(), here.url),
            (None, true) => format!("{}\0{src}", here.url),
            (None, false) => src.to_string(),
        };
        let static_dir = &self.static_dir;
        let result = self.images.entry(key).or_insert_with(|| {
            bundle
                .and_then(|dir| images::resolve(src, "/", &dir).ok())
                .map_or_else(|| images::resolve(src, &here.url, static_dir), Ok)
        });
        match result {
            Ok(path) => path.clone(),
            Err(message) => {
                diags.push(
                    Diagnostic::error(span, message.clone())
                        .with_code(crate::diag::Code::MissingImage),
                );
                PathBuf::new()
            }
        }
    }
}

/// Heading anchors of one page; a repeated anchor (a written `{#id}` equal
/// to another heading's id, which Hugo keeps too) is a warning at the
/// second: links go to the first.
fn heading_anchors(blocks: &[Block], diags: &mut Diagnostics) -> HashSet<String> {
    let mut seen = HashSet::new();
    walk::blocks(blocks, |block| {
        if let Block::Heading(h) = block
            && !h.anchor.is_empty()
            && !seen.insert(h.anchor.clone())
        {
            diags.push(
                Diagnostic::warning(
                    h.span,
                    format!(
                        "duplicate anchor `{}` in this page; links to it go to the first",
                        h.anchor
                    ),
                )
                .with_code(crate::diag::Code::DuplicateAnchor),
            );
        }
    });
    seen
}

#[cfg(test)]
mod tests;
