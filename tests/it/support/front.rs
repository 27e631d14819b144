//! The front half of the pipeline, as the driver runs it for one region:
//! a site loaded, then each page's shortcodes resolved and its Markdown
//! parsed into model blocks.
//!
//! Input: a site folder and a region code. Output: [`Parsed`]: the model
//! blocks of every page by content path, with the diagnostics of those
//! steps and the sources they point into.

use std::collections::BTreeMap;
use std::path::Path;

use tebiki::diag::{Diagnostic, Diagnostics, Location, Sources};
use tebiki::markdown::parse_page;
use tebiki::model::Block;
use tebiki::shortcode::{ContentIndex, PageFacts, RegionContext, resolve_body};
use tebiki::site::{self, Site};

/// Every page of a site resolved and parsed for one region.
pub(crate) struct Parsed {
    /// Model blocks by the page's path under the content folder.
    pub(crate) pages: BTreeMap<String, Vec<Block>>,
    /// What resolving and parsing reported, in source order.
    pub(crate) diags: Vec<Diagnostic>,
    /// The source files the diagnostics point into.
    pub(crate) sources: Sources,
}

impl Parsed {
    /// The blocks of `page` (a content path); panics when there is none.
    pub(crate) fn page(&self, page: &str) -> &[Block] {
        self.pages
            .get(page)
            .unwrap_or_else(|| panic!("no page {page}"))
    }

    /// The diagnostics as `path:line:col: message` lines.
    pub(crate) fn messages(&self) -> Vec<String> {
        self.diags
            .iter()
            .map(|d| match &d.location {
                Location::Span(span) => {
                    let file = self.sources.get(span.source).expect("source");
                    let (line, col) = file.line_col(span.start);
                    format!("{}:{line}:{col}: {}", file.path.display(), d.message)
                }
                _ => d.message.clone(),
            })
            .collect()
    }
}

/// Loads the site at `dir` and parses every page for `region`.
pub(crate) fn parse_site(dir: &Path, region: &str) -> Parsed {
    let mut sources = Sources::new();
    let mut load_diags = Diagnostics::new();
    let site = site::load(dir, &mut sources, &mut load_diags)
        .unwrap_or_else(|e| panic!("{} loads: {e:?}", dir.display()));
    let mut diags = Diagnostics::new();
    let pages = parse_pages(&site, &sources, region, None, &mut diags);
    Parsed {
        pages,
        diags: diags.into_sorted(),
        sources,
    }
}

/// Every page of a loaded `site` (or `only` that one) parsed for `region`,
/// by content path.
pub(crate) fn parse_pages(
    site: &Site,
    sources: &Sources,
    region: &str,
    only: Option<&str>,
    diags: &mut Diagnostics,
) -> BTreeMap<String, Vec<Block>> {
    let settings = site
        .regions
        .iter()
        .find(|r| r.code == region)
        .unwrap_or_else(|| panic!("the site has no region {region}"));
    let codes: Vec<String> = site.regions.iter().map(|r| r.code.clone()).collect();
    let content = ContentIndex::of_site(site, sources, settings);
    let ctx = RegionContext {
        region,
        regions: &codes,
        vars: &settings.vars,
        mappings: &site.config.shortcodes,
        language: &settings.language,
        content: &content,
    };
    let mut pages = BTreeMap::new();
    for page in site
        .pages
        .iter()
        .filter(|p| only.is_none_or(|only| p.rel_path == only))
    {
        let text = sources.get(page.source).map_or("", |f| f.text.as_str());
        let facts = PageFacts {
            rel_path: &page.rel_path,
            params: Some(&page.front.params),
        };
        let resolved = resolve_body(page.source, text, page.body_start, facts, &ctx, diags);
        let blocks = parse_page(&resolved, &settings.markdown, diags);
        pages.insert(page.rel_path.clone(), blocks);
    }
    pages
}
