//! One region's book.
//!
//! Input: the loaded [`Site`], its [`Sources`], a region and the `--page`
//! selection. Output: a [`Book`] whose links are resolved, with the
//! region's diagnostics, and the list of pages the region leaves out with
//! their section ([`Exclusion`], for `check`). Pages are filtered (drafts,
//! `enabled`/`disabled` of the page and of its sections, cascaded or not,
//! headless bundles and `_build.render: never`, `--page`), resolved and
//! parsed in parallel; with a [`RegionCache`] (kept by `tebiki watch`), a
//! page whose inputs are unchanged is taken from it instead, and the cache
//! is left holding this build's pages. The region's book settings (title,
//! base URL…) and URL style come from its
//! [`RegionSettings`](crate::site::RegionSettings).

use std::collections::{BTreeSet, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;

use super::cache::{CachedPage, RegionCache, Reuse};
use crate::diag::{Diagnostic, Diagnostics, Location, Severity, Sources, Span};
use crate::links::LinkContext;
use crate::model::{
    Book, BookMeta, EXCERPT_MAX_PAGES, Inline, Page, PageId, PageKind, Region, Uniquifier,
};
use crate::shortcode::{self, ContentIndex, PageFacts, RegionContext};
use crate::site::{Site, SitePage, page_aliases, page_anchor, page_url, url_key};

/// A page a region leaves out because of the front matter of a section
/// (its `enabled`/`disabled`/`draft`, written there or cascaded): the
/// section itself and every page below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    /// The page left out (content-relative path, `admin/a.md`).
    pub page: String,
    /// The section whose front matter decides it (`admin/_index.md`).
    pub section: String,
    /// The deciding front-matter line in the section's file, when found.
    pub span: Option<Span>,
    /// What that line says, e.g. `disabled: [US, CN]` or
    /// `cascade: disabled: [CN]`.
    pub reason: String,
}

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
                ).with_code(crate::diag::Code::PageSelection)
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
    // An absolute path (the command line makes current-folder-relative
    // paths absolute) is taken relative to the canonical content folder.
    let canonical_content = path
        .is_absolute()
        .then(|| site.content_dir.canonicalize().ok())
        .flatten();
    let canonical_path = path.canonicalize().ok();
    let from_absolute = canonical_content
        .as_deref()
        .zip(canonical_path.as_deref())
        .and_then(|(content, p)| p.strip_prefix(content).ok());
    let relative = from_absolute
        .or_else(|| path.strip_prefix(&site.content_dir).ok())
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

/// Builds the book of region `region` (an index into `site.regions`),
/// taking unchanged pages from `cache` and leaving this build's there.
pub(super) fn build_book(
    site: &Site,
    sources: &Sources,
    region: usize,
    selection: &[String],
    cache: Option<&mut RegionCache>,
) -> (Option<Book>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let Some(settings) = site.regions.get(region) else {
        return (None, diags);
    };
    let codes: Vec<String> = site.regions.iter().map(|r| r.code.clone()).collect();
    let content = ContentIndex::of_site(site, sources, settings);
    let ctx = RegionContext {
        region: &settings.code,
        regions: &codes,
        vars: &settings.vars,
        mappings: &site.config.shortcodes,
        language: &settings.language,
        content: &content,
    };
    check_region_codes(site, &codes, &mut diags);
    let published = publication(site, &settings.code).included;
    let site_urls = site_urls(site, settings.ugly_urls);
    let mut chosen = choose_pages(site, &published, selection);
    // A support excerpt: a selection of a few pages is printed alone (no
    // section pages around it), in the excerpt layout.
    let direct = selected_pages(site, &published, selection);
    let excerpt = !selection.is_empty() && (1..=EXCERPT_MAX_PAGES).contains(&direct.len());
    if excerpt {
        chosen = direct;
    }
    check_selection_in_region(site, &settings.code, &published, selection, &mut diags);
    let cached = cache.as_deref();
    let keep = cache.is_some();
    let parsed: Vec<(Page, Diagnostics, Option<Reuse>)> = chosen
        .par_iter()
        .filter_map(|&i| Some((i, site.pages.get(i)?)))
        .map(|(_, page)| {
            if let Some(hit) = cached.and_then(|c| c.lookup(&page.rel_path, sources)) {
                let reuse = Reuse::Kept(page.rel_path.clone());
                return (hit.page.clone(), hit.diags.clone(), Some(reuse));
            }
            let mut d = Diagnostics::new();
            let (built, resolved) = build_page(
                page,
                sources,
                &ctx,
                &settings.markdown,
                site,
                settings.ugly_urls,
                &mut d,
            );
            let entry = keep.then(|| {
                let entry = CachedPage::new(&resolved, sources, built.clone(), d.clone());
                Reuse::Built(page.rel_path.clone(), Box::new(entry))
            });
            (built, d, entry)
        })
        .collect();
    let mut pages = Vec::with_capacity(parsed.len());
    let mut entries = Vec::with_capacity(parsed.len());
    for (page, d, entry) in parsed {
        diags.extend(d);
        pages.push(page);
        entries.extend(entry);
    }
    if let Some(cache) = cache {
        cache.replace_pages(entries);
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
    let title = resolve_config_text(site, sources, &settings.title, &ctx, &mut diags);
    let build_time = build_time();
    let mut book = Book {
        meta: BookMeta {
            title,
            author: settings.author.clone(),
            language: settings.language.clone(),
            base_url: settings.base_url.clone(),
            build_time,
            utc_offset: crate::site::timezone::utc_offset(&settings.timezone, build_time),
            generator: format!("tebiki {}", env!("CARGO_PKG_VERSION")),
            excerpt,
        },
        region: Region {
            code: settings.code.clone(),
            paper: settings.paper,
            fonts: settings.fonts.clone(),
        },
        pages,
    };
    let link_ctx = LinkContext {
        url_prefix: site.config.book.url_prefix.clone(),
        base_url: settings.base_url.clone(),
        hosts: site_hosts(site),
        ugly_urls: settings.ugly_urls,
        static_dir: site
            .static_dir
            .canonicalize()
            .unwrap_or_else(|_| site.static_dir.clone()),
        content_dir: site
            .content_dir
            .canonicalize()
            .unwrap_or_else(|_| site.content_dir.clone()),
        site_urls,
    };
    crate::links::resolve(&mut book, &link_ctx, &mut diags);
    // The book lives until its outputs are rendered: no spare capacity.
    book.shrink_to_fit();
    (Some(book), diags)
}

/// The hosts of this site: every region's `base_url` and the book's.
fn site_hosts(site: &Site) -> Vec<String> {
    let mut hosts: Vec<String> = site
        .regions
        .iter()
        .map(|r| r.base_url.as_str())
        .chain(std::iter::once(site.config.book.base_url.as_str()))
        .filter_map(crate::links::url::host_of)
        .collect();
    hosts.sort();
    hosts.dedup();
    hosts
}

/// Every URL (by [`url_key`]) a page is published at in some region, its
/// URL and its aliases, with the pages there in reading order.
fn site_urls(site: &Site, ugly: bool) -> HashMap<String, Vec<String>> {
    let mut anywhere = vec![false; site.pages.len()];
    for region in &site.regions {
        for i in publication(site, &region.code).included {
            if let Some(slot) = anywhere.get_mut(i) {
                *slot = true;
            }
        }
    }
    let prefix = &site.config.book.url_prefix;
    let mut urls: HashMap<String, Vec<String>> = HashMap::new();
    // A page whose front matter is broken exists (its error is reported
    // once): links to it are not broken links too.
    for (page, _) in site
        .pages
        .iter()
        .zip(anywhere)
        .filter(|(page, yes)| *yes || page.front.broken)
    {
        let url = page_url(prefix, &page.rel_path, page.kind, &page.front, ugly);
        let aliases = page_aliases(prefix, &url, &page.front);
        for u in std::iter::once(url).chain(aliases) {
            let list = urls.entry(url_key(&u)).or_default();
            if !list.contains(&page.rel_path) {
                list.push(page.rel_path.clone());
            }
        }
    }
    urls
}

/// Reports region codes in front matter that `tebiki.toml` does not define.
fn check_region_codes(site: &Site, codes: &[String], diags: &mut Diagnostics) {
    for page in &site.pages {
        let front = &page.front;
        let span = front.span.unwrap_or(Span::point(page.source, 0));
        let own = |key: &str| !page.cascaded_from.contains_key(key);
        let lists = [("enabled", &front.enabled), ("disabled", &front.disabled)];
        for (key, list) in lists.into_iter().filter(|(k, _)| own(k)) {
            // At the `enabled:`/`disabled:` line, not at the fence.
            let span = front.key_spans.get(key).copied().unwrap_or(span);
            for code in list.iter().flatten() {
                if !codes.contains(code) {
                    let mut diag =
                        Diagnostic::error(span, format!("unknown region `{code}` in front matter"))
                            .with_code(crate::diag::Code::UnknownRegion);
                    if let Some(hint) =
                        crate::diag::suggest::did_you_mean(code, codes.iter().map(String::as_str))
                    {
                        diag = diag.with_hint(hint);
                    }
                    diags.push(
                        diag.with_hint(format!("regions in tebiki.toml: {}", codes.join(", "))),
                    );
                }
            }
        }
    }
}

/// Which pages one region publishes, and why the others under an excluded
/// section are left out.
pub(super) struct Publication {
    /// Indices into `site.pages` of the pages of the region's book, in
    /// reading order: not drafts, allowed by their own and their sections'
    /// `enabled`/`disabled` (cascaded or not), not headless, rendered.
    pub included: Vec<usize>,
    /// Pages left out because of a section's front matter.
    pub exclusions: Vec<Exclusion>,
}

/// Decides, for `region`, which pages are published (see [`Publication`]).
pub(super) fn publication(site: &Site, region: &str) -> Publication {
    // Per page: the page whose front matter excludes it (itself, a section
    // above it, or the section whose cascade reaches it) and the key.
    let mut cause: Vec<Option<(usize, &'static str)>> = vec![None; site.pages.len()];
    let mut included = Vec::new();
    for (i, page) in site.pages.iter().enumerate() {
        let front = &page.front;
        let own = if front.draft {
            Some("draft")
        } else if front
            .enabled
            .as_ref()
            .is_some_and(|l| !l.iter().any(|c| c == region))
        {
            Some("enabled")
        } else if front
            .disabled
            .as_ref()
            .is_some_and(|l| l.iter().any(|c| c == region))
        {
            Some("disabled")
        } else {
            None
        };
        let decided = match own {
            Some(key) => Some((page.cascaded_from.get(key).copied().unwrap_or(i), key)),
            None => page.parent.and_then(|p| cause.get(p).copied().flatten()),
        };
        if let Some(slot) = cause.get_mut(i) {
            *slot = decided;
        }
        if decided.is_none() && !front.headless && !front.no_render && !front.broken {
            included.push(i);
        }
    }
    let exclusions = site
        .pages
        .iter()
        .zip(&cause)
        .enumerate()
        .filter_map(|(i, (page, cause))| {
            let (by, key) = (*cause)?;
            let section = site.pages.get(by)?;
            // A page left out by its own line is not listed, unless it is
            // a section (whose pages go with it).
            let direct = page.cascaded_from.get(key) != Some(&by);
            if by == i && direct && page.kind != PageKind::Section {
                return None;
            }
            let through_cascade = page.cascaded_from.get(key) == Some(&by)
                || section.cascaded_from.get(key) == Some(&by);
            let f = &section.front;
            let list = |own: &Option<Vec<String>>, cascaded: Option<&Option<Vec<String>>>| {
                let list = if through_cascade {
                    cascaded.cloned().flatten()
                } else {
                    own.clone()
                };
                format!("[{}]", list.unwrap_or_default().join(", "))
            };
            let cascade = f.cascade.as_ref();
            let value = match key {
                "draft" => "true".to_string(),
                "enabled" => list(&f.enabled, cascade.map(|c| &c.enabled)),
                _ => list(&f.disabled, cascade.map(|c| &c.disabled)),
            };
            let (reason, line) = if through_cascade {
                (format!("cascade: {key}: {value}"), "cascade")
            } else {
                (format!("{key}: {value}"), key)
            };
            Some(Exclusion {
                page: page.rel_path.clone(),
                section: section.rel_path.clone(),
                span: f.key_spans.get(line).copied(),
                reason,
            })
        })
        .collect();
    Publication {
        included,
        exclusions,
    }
}

/// Reports every `--page` selection that matches content files, none of
/// which the region publishes: an error at the front-matter line that
/// leaves the first of them out (`enabled: [JP]`), so a region never gets
/// an empty excerpt.
fn check_selection_in_region(
    site: &Site,
    region: &str,
    published: &[usize],
    selection: &[String],
    diags: &mut Diagnostics,
) {
    let mut excluded: Option<Vec<Exclusion>> = None;
    for wanted in selection {
        let normalized = normalize_selection(site, wanted);
        let matches = |i: &usize| {
            site.pages
                .get(*i)
                .is_some_and(|p| selects(&normalized, &p.rel_path))
        };
        if published.iter().any(matches) {
            continue;
        }
        let Some((index, page)) = site
            .pages
            .iter()
            .enumerate()
            .find(|(_, p)| selects(&normalized, &p.rel_path))
        else {
            continue;
        };
        let exclusions = excluded.get_or_insert_with(|| publication(site, region).exclusions);
        let (span, reason) = absence_reason(site, index, page, region, exclusions);
        let message = format!(
            "--page: {} is not in region {region} ({reason})",
            page.rel_path
        );
        let others: Vec<&str> = site
            .regions
            .iter()
            .map(|r| r.code.as_str())
            .filter(|code| *code != region && publication(site, code).included.iter().any(matches))
            .collect();
        let hint = if others.is_empty() {
            "no region publishes it; check its front matter".to_string()
        } else {
            format!("build it with --region {}", others.join(" or --region "))
        };
        let location = span.map_or(Location::None, Location::Span);
        diags.push(
            Diagnostic::new(Severity::Error, location, message)
                .with_code(crate::diag::Code::PageNotInRegion)
                .with_hint(hint),
        );
    }
}

/// Why the page at `index` is not in `region`'s book: the span of the
/// deciding front-matter line (its own or its section's) and what it says.
fn absence_reason(
    site: &Site,
    index: usize,
    page: &SitePage,
    region: &str,
    exclusions: &[Exclusion],
) -> (Option<Span>, String) {
    if let Some(e) = exclusions.iter().find(|e| e.page == page.rel_path) {
        return (e.span, format!("{}: {}", e.section, e.reason));
    }
    let front = &page.front;
    let at = |key: &str| {
        let by = page.cascaded_from.get(key).copied().unwrap_or(index);
        let key_line = if by == index { key } else { "cascade" };
        site.pages
            .get(by)
            .and_then(|p| p.front.key_spans.get(key_line).copied())
    };
    let list = |l: &Option<Vec<String>>| format!("[{}]", l.clone().unwrap_or_default().join(", "));
    if front.draft {
        (at("draft"), "draft: true".into())
    } else if front
        .enabled
        .as_ref()
        .is_some_and(|l| !l.iter().any(|c| c == region))
    {
        (at("enabled"), format!("enabled: {}", list(&front.enabled)))
    } else if front
        .disabled
        .as_ref()
        .is_some_and(|l| l.iter().any(|c| c == region))
    {
        (
            at("disabled"),
            format!("disabled: {}", list(&front.disabled)),
        )
    } else if front.headless {
        (at("headless"), "headless: true".into())
    } else {
        let span = at("_build").or_else(|| at("build"));
        (span, "it is not rendered (_build)".into())
    }
}

/// The published pages `--page` selects themselves (no ancestors), in
/// reading order.
fn selected_pages(site: &Site, published: &[usize], selection: &[String]) -> Vec<usize> {
    let normalized: Vec<String> = selection
        .iter()
        .map(|s| normalize_selection(site, s))
        .collect();
    published
        .iter()
        .copied()
        .filter(|&i| {
            site.pages
                .get(i)
                .is_some_and(|p| normalized.iter().any(|s| selects(s, &p.rel_path)))
        })
        .collect()
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

/// Resolves and parses one page; also returns the resolved page (whose
/// calls name the files its resolution read).
fn build_page(
    page: &SitePage,
    sources: &Sources,
    ctx: &RegionContext,
    markdown: &crate::markdown::MarkdownOptions,
    site: &Site,
    ugly_urls: bool,
    diags: &mut Diagnostics,
) -> (Page, shortcode::ResolvedPage) {
    let file = sources.get(page.source).map_or("", |f| f.text.as_str());
    let facts = PageFacts {
        rel_path: &page.rel_path,
        params: Some(&page.front.params),
    };
    let resolved = shortcode::resolve_body(page.source, file, page.body_start, facts, ctx, diags);
    let blocks = crate::markdown::parse_page(&resolved, markdown, diags);
    let title_text = match &page.front.title {
        Some(title) => {
            let offset = page.front.title_offset.unwrap_or(0);
            shortcode::resolve_title(page.source, file, title, offset, ctx, diags)
        }
        None => {
            diags.push(
                Diagnostic::warning(
                    Span::point(page.source, 0),
                    "page has no title; its file name is used",
                )
                .with_code(crate::diag::Code::MissingTitle),
            );
            page.rel_path
                .trim_end_matches(".md")
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string()
        }
    };
    let built = Page {
        id: PageId(0),
        kind: page.kind,
        depth: page.depth,
        parent: None,
        title: vec![Inline::Text(title_text.clone())],
        title_text,
        anchor: page_anchor(&page.rel_path),
        source_path: page.rel_path.clone(),
        url: page_url(
            &site.config.book.url_prefix,
            &page.rel_path,
            page.kind,
            &page.front,
            ugly_urls,
        ),
        blocks,
        span: Span::point(page.source, 0),
    };
    (built, resolved)
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

/// The build time unit tests pin (the process environment is shared by the
/// test threads, so they do not set `SOURCE_DATE_EPOCH`).
#[cfg(test)]
pub(super) static TEST_BUILD_TIME: std::sync::OnceLock<i64> = std::sync::OnceLock::new();

/// `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
fn build_time() -> i64 {
    #[cfg(test)]
    if let Some(pinned) = TEST_BUILD_TIME.get() {
        return *pinned;
    }
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
                "[book]\ntitle = \"{{%service%}} ガイド\"\nurl_prefix = \"/g/\"\n[params]\nservice = \"S\"\n[regions.JP]\n[regions.US]\n[regions.US.params]\nservice = \"K\"\n[regions.US.book]\ntitle = \"{{%service%}} Handbook\"\nbase_url = \"https://get.kintone.help/\"\nlanguage = \"en\"\n",
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
        let (book, diags) = build_book(&site, &sources, us, &[], None);
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
                ("Kの設定", 1, Some(0), "admin-a", "/g/admin/a/"),
                ("ログイン", 0, None, "login", "/g/login/"),
                ("L", 1, Some(2), "login-l", "/g/login/l/"),
            ]
        );
        assert_eq!(book.meta.title, "K Handbook");
        assert_eq!(book.meta.base_url, "https://get.kintone.help");
        assert_eq!(book.meta.language, "en");
        let jp = region_index(&site, "JP");
        let (jp_book, _) = build_book(&site, &sources, jp, &[], None);
        let jp_book = jp_book.expect("book");
        assert_eq!(jp_book.meta.title, "S ガイド");
        assert_eq!(jp_book.meta.base_url, "");
        assert_eq!(jp_book.meta.language, "ja");
        assert_eq!(book.region.paper, crate::model::Paper::A4);
    }

    #[test]
    fn page_selection_keeps_section_pages() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let (site, sources) = load_site(dir.path());
        let jp = region_index(&site, "JP");
        let titles = |selection: &[&str]| {
            let selection: Vec<String> = selection.iter().map(|s| s.to_string()).collect();
            let book = build_book(&site, &sources, jp, &selection, None)
                .0
                .expect("book");
            let titles: Vec<String> = book.pages.iter().map(|p| p.title_text.clone()).collect();
            (titles, book.meta.excerpt)
        };
        // Up to three pages: an excerpt of just those pages.
        assert_eq!(
            titles(&["content/admin/jp_only.md"]),
            (vec!["JP".to_string()], true)
        );
        // More: a short book, with the sections around the pages.
        let (larger, excerpt) = titles(&[
            "content/admin/a.md",
            "content/admin/jp_only.md",
            "content/login/_index.md",
            "content/login/l.md",
        ]);
        assert!(!excerpt);
        assert_eq!(larger, vec!["管理", "Sの設定", "JP", "ログイン", "L"]);
        assert!(!titles(&[]).1);
    }

    #[test]
    fn selection_matches_files_and_folders() {
        assert!(selects("admin", "admin/a.md"));
        assert!(selects("admin/a.md", "admin/a.md"));
        assert!(selects("admin/a", "admin/a.md"));
        assert!(!selects("adm", "admin/a.md"));
    }
}
