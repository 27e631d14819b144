//! One region's book.
//!
//! Input: the loaded [`Site`], its [`Sources`], a region and the `--page`
//! selection. Output: a [`Book`] whose links are resolved, with the
//! region's diagnostics. Pages are filtered (drafts, page-level
//! `enabled`/`disabled`, `--page`), resolved and parsed in parallel.

use std::collections::BTreeSet;
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, Location, Severity, Sources, Span};
use crate::links::LinkContext;
use crate::model::{Book, BookMeta, Inline, Page, PageId, Region, Uniquifier};
use crate::shortcode::{self, RegionContext};
use crate::site::{Site, SitePage, page_anchor, page_url};

/// Checks that every `--page` selection names a content file or folder.
pub(super) fn check_selection(site: &Site, selection: &[String], diags: &mut Diagnostics) -> bool {
    let mut ok = true;
    for wanted in selection {
        let normalized = normalize_selection(site, wanted);
        if !site.pages.iter().any(|p| selects(&normalized, &p.rel_path)) {
            diags.push(
                Diagnostic::new(
                    Severity::Error,
                    Location::None,
                    format!("--page `{wanted}` matches no content file or section"),
                )
                .with_hint("give a path such as content/login/admin_temp.md or a section folder such as content/admin"),
            );
            ok = false;
        }
    }
    ok
}

/// A `--page` argument as a content-relative path (`content/a/b.md` → `a/b.md`).
fn normalize_selection(site: &Site, wanted: &str) -> String {
    let path = std::path::Path::new(wanted);
    let relative = path
        .strip_prefix(&site.content_dir)
        .ok()
        .or_else(|| path.strip_prefix(&site.config.book.content_dir).ok())
        .unwrap_or(path);
    let text = relative.to_string_lossy().replace('\\', "/");
    text.trim_start_matches("./").trim_matches('/').to_string()
}

/// Whether a normalized selection picks the page at `rel` (the file itself,
/// or a folder containing it).
fn selects(selection: &str, rel: &str) -> bool {
    if selection.is_empty() {
        return true;
    }
    rel == selection
        || rel.strip_suffix(".md") == Some(selection)
        || rel
            .strip_prefix(selection)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Builds the book of region `region` (an index into `site.regions`).
pub(super) fn build_book(
    site: &Site,
    sources: &Sources,
    region: usize,
    selection: &[String],
) -> (Option<Book>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let Some(settings) = site.regions.get(region) else {
        return (None, diags);
    };
    let codes: Vec<String> = site.regions.iter().map(|r| r.code.clone()).collect();
    let ctx = RegionContext {
        region: &settings.code,
        regions: &codes,
        vars: &settings.vars,
        mappings: &site.config.shortcodes,
    };
    let published = published_pages(site, &settings.code, &codes, &mut diags);
    let site_pages: BTreeSet<String> = published
        .iter()
        .filter_map(|&i| site.pages.get(i))
        .map(|p| p.rel_path.clone())
        .collect();
    let chosen = choose_pages(site, &published, selection);
    let parsed: Vec<(Page, Diagnostics)> = chosen
        .par_iter()
        .filter_map(|&i| Some((i, site.pages.get(i)?)))
        .map(|(_, page)| {
            let mut d = Diagnostics::new();
            let built = build_page(page, sources, &ctx, &settings.markdown, site, &mut d);
            (built, d)
        })
        .collect();
    let mut pages = Vec::with_capacity(parsed.len());
    for (page, d) in parsed {
        diags.extend(d);
        pages.push(page);
    }
    // Ids, parents (site index → book index) and unique anchors.
    let mut anchors = Uniquifier::new();
    for (book_index, page) in pages.iter_mut().enumerate() {
        page.id = PageId(book_index);
        page.anchor = anchors.name(&page.anchor);
    }
    let parents: Vec<Option<PageId>> = chosen
        .iter()
        .map(|&i| {
            let parent = site.pages.get(i)?.parent?;
            chosen.iter().position(|&c| c == parent).map(PageId)
        })
        .collect();
    for (page, parent) in pages.iter_mut().zip(parents) {
        page.parent = parent;
    }
    let title = resolve_config_text(site, sources, &site.config.book.title, &ctx, &mut diags);
    let mut book = Book {
        meta: BookMeta {
            title,
            author: site.config.book.author.clone(),
            language: site.config.book.language.clone(),
            base_url: site.config.book.base_url.clone(),
            build_time: build_time(),
            generator: format!("tebiki {}", env!("CARGO_PKG_VERSION")),
        },
        region: Region {
            code: settings.code.clone(),
            paper: settings.paper,
        },
        pages,
    };
    let link_ctx = LinkContext {
        url_prefix: site.config.book.url_prefix.clone(),
        base_url: site.config.book.base_url.clone(),
        static_dir: site
            .static_dir
            .canonicalize()
            .unwrap_or_else(|_| site.static_dir.clone()),
        site_pages,
    };
    crate::links::resolve(&mut book, &link_ctx, &mut diags);
    (Some(book), diags)
}

/// Indices of the pages the site publishes for `region`, in reading order:
/// not drafts, allowed by their page-level `enabled`/`disabled` lists, and
/// inside a published section.
fn published_pages(
    site: &Site,
    region: &str,
    codes: &[String],
    diags: &mut Diagnostics,
) -> Vec<usize> {
    let mut included = vec![false; site.pages.len()];
    for (i, page) in site.pages.iter().enumerate() {
        let front = &page.front;
        let span = front.span.unwrap_or(Span::point(page.source, 0));
        for list in [&front.enabled, &front.disabled].into_iter().flatten() {
            for code in list {
                if !codes.contains(code) {
                    diags.push(
                        Diagnostic::error(span, format!("unknown region `{code}` in front matter"))
                            .with_hint(format!("regions in tebiki.toml: {}", codes.join(", "))),
                    );
                }
            }
        }
        let allowed = front
            .enabled
            .as_ref()
            .is_none_or(|l| l.iter().any(|c| c == region))
            && !front
                .disabled
                .as_ref()
                .is_some_and(|l| l.iter().any(|c| c == region));
        let parent_ok = page
            .parent
            .is_none_or(|p| included.get(p).copied().unwrap_or(false));
        if let Some(slot) = included.get_mut(i) {
            *slot = !front.draft && allowed && parent_ok;
        }
    }
    (0..site.pages.len()).filter(|&i| included[i]).collect()
}

/// The published pages `--page` selects, plus their ancestor sections.
fn choose_pages(site: &Site, published: &[usize], selection: &[String]) -> Vec<usize> {
    if selection.is_empty() {
        return published.to_vec();
    }
    let normalized: Vec<String> = selection
        .iter()
        .map(|s| normalize_selection(site, s))
        .collect();
    let mut keep = BTreeSet::new();
    for &i in published {
        let Some(page) = site.pages.get(i) else {
            continue;
        };
        if normalized.iter().any(|s| selects(s, &page.rel_path)) {
            keep.insert(i);
            let mut parent = page.parent;
            while let Some(p) = parent {
                if !keep.insert(p) {
                    break;
                }
                parent = site.pages.get(p).and_then(|pp| pp.parent);
            }
        }
    }
    published
        .iter()
        .copied()
        .filter(|i| keep.contains(i))
        .collect()
}

/// Resolves and parses one page.
fn build_page(
    page: &SitePage,
    sources: &Sources,
    ctx: &RegionContext,
    markdown: &crate::markdown::MarkdownOptions,
    site: &Site,
    diags: &mut Diagnostics,
) -> Page {
    let file = sources.get(page.source).map_or("", |f| f.text.as_str());
    let resolved = shortcode::resolve_body(page.source, file, page.body_start, ctx, diags);
    let blocks = crate::markdown::parse_page(&resolved, markdown, diags);
    let title_text = match &page.front.title {
        Some(title) => {
            let offset = page.front.title_offset.unwrap_or(0);
            shortcode::resolve_title(page.source, file, title, offset, ctx, diags)
        }
        None => {
            diags.push(Diagnostic::warning(
                Span::point(page.source, 0),
                "page has no title; its file name is used",
            ));
            page.rel_path
                .trim_end_matches(".md")
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string()
        }
    };
    Page {
        id: PageId(0),
        kind: page.kind,
        depth: page.depth,
        parent: None,
        title: vec![Inline::Text(title_text.clone())],
        title_text,
        anchor: page_anchor(&page.rel_path),
        source_path: page.rel_path.clone(),
        url: page_url(&site.config.book.url_prefix, &page.rel_path, page.kind),
        blocks,
        span: Span::point(page.source, 0),
    }
}

/// Expands variables in a `tebiki.toml` value such as the book title.
fn resolve_config_text(
    site: &Site,
    sources: &Sources,
    text: &str,
    ctx: &RegionContext,
    diags: &mut Diagnostics,
) -> String {
    let file = sources
        .get(site.config_source)
        .map_or("", |f| f.text.as_str());
    let offset = file.find(text).unwrap_or(0);
    shortcode::resolve_title(site.config_source, file, text, offset, ctx, diags)
}

/// `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
fn build_time() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes a small site and loads it.
    fn load_site(dir: &std::path::Path) -> (Site, Sources) {
        let files = [
            (
                "tebiki.toml",
                "[book]\ntitle = \"{{%service%}} ガイド\"\nurl_prefix = \"/g/\"\n[params]\nservice = \"S\"\n[regions.JP]\n[regions.US]\n[regions.US.params]\nservice = \"K\"\n",
            ),
            (
                "content/admin/_index.md",
                "---\ntitle: 管理\nweight: 1\n---\n",
            ),
            (
                "content/admin/a.md",
                "---\ntitle: \"{{%service%}}の設定\"\nweight: 2\n---\n本文\n",
            ),
            (
                "content/admin/jp_only.md",
                "---\ntitle: JP\nweight: 3\ndisabled: [US]\n---\n",
            ),
            (
                "content/admin/draft.md",
                "---\ntitle: D\ndraft: true\n---\n",
            ),
            (
                "content/login/_index.md",
                "---\ntitle: ログイン\nweight: 2\n---\n",
            ),
            ("content/login/l.md", "---\ntitle: L\n---\n"),
        ];
        for (rel, text) in files {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("folder");
            }
            std::fs::write(path, text).expect("file");
        }
        let mut sources = Sources::new();
        let mut diags = Diagnostics::new();
        let site = crate::site::load(dir, &mut sources, &mut diags).expect("site loads");
        assert!(diags.items().is_empty(), "{:?}", diags.items());
        (site, sources)
    }

    /// The index of the region with `code` in `site`.
    fn region_index(site: &Site, code: &str) -> usize {
        site.regions
            .iter()
            .position(|r| r.code == code)
            .expect("region exists")
    }

    #[test]
    fn regions_filter_pages_and_expand_titles() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let (site, sources) = load_site(dir.path());
        let us = region_index(&site, "US");
        let (book, diags) = build_book(&site, &sources, us, &[]);
        assert!(!diags.has_errors(), "{:?}", diags.items());
        let book = book.expect("book");
        let got: Vec<(&str, usize, Option<usize>, &str, &str)> = book
            .pages
            .iter()
            .map(|p| {
                (
                    p.title_text.as_str(),
                    p.depth,
                    p.parent.map(|id| id.0),
                    p.anchor.as_str(),
                    p.url.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("管理", 0, None, "admin", "/g/admin/"),
                ("Kの設定", 1, Some(0), "admin-a", "/g/admin/a.html"),
                ("ログイン", 0, None, "login", "/g/login/"),
                ("L", 1, Some(2), "login-l", "/g/login/l.html"),
            ]
        );
        assert_eq!(book.meta.title, "K ガイド");
        assert_eq!(book.region.paper, crate::model::Paper::A4);
    }

    #[test]
    fn page_selection_keeps_section_pages() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let (site, sources) = load_site(dir.path());
        let jp = region_index(&site, "JP");
        let (book, _) = build_book(
            &site,
            &sources,
            jp,
            &["content/admin/jp_only.md".to_string()],
        );
        let titles: Vec<String> = book
            .expect("book")
            .pages
            .iter()
            .map(|p| p.title_text.clone())
            .collect();
        assert_eq!(titles, vec!["管理", "JP"]);
    }

    #[test]
    fn selection_matches_files_and_folders() {
        assert!(selects("admin", "admin/a.md"));
        assert!(selects("admin/a.md", "admin/a.md"));
        assert!(selects("admin/a", "admin/a.md"));
        assert!(!selects("adm", "admin/a.md"));
    }
}
