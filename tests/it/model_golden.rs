//! Golden tests of the document model: the sample's seed page
//! (`content/login/admin_account.md`), loaded with the real site loader,
//! resolved for each region of the sample's `tebiki.toml`, parsed into blocks
//! and printed as readable text, compared with
//! `tests/golden/admin_account.<REGION>.txt`.
//!
//! Run with `UPDATE_GOLDEN=1` to rewrite the snapshots, then review them by
//! eye: each must be what a reader of that region should see.

use std::fmt::Write as _;

use tebiki::diag::{Diagnostics, Location, Sources, Span};
use tebiki::markdown::parse_page;
use tebiki::model::{Block, Inline, InlineStyle, LinkTarget};
use tebiki::shortcode::{ContentIndex, PageFacts, RegionContext, resolve_body};
use tebiki::site::{self, Site};

use crate::support::golden::assert_golden;
use crate::support::sample_site;

/// The seed page, relative to the content folder.
const SEED_PAGE: &str = "login/admin_account.md";

/// The seed page resolved for `region` and parsed, printed with the
/// diagnostics of those two steps.
fn snapshot(site: &Site, sources: &Sources, region: &str) -> String {
    let page = site
        .pages
        .iter()
        .find(|p| p.rel_path == SEED_PAGE)
        .unwrap_or_else(|| panic!("the sample has no {SEED_PAGE}"));
    let settings = site
        .regions
        .iter()
        .find(|r| r.code == region)
        .unwrap_or_else(|| panic!("the sample has no region {region}"));
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
    let text = sources.get(page.source).map_or("", |f| f.text.as_str());
    let mut diags = Diagnostics::new();
    let facts = PageFacts {
        rel_path: &page.rel_path,
        params: Some(&page.front.params),
    };
    let resolved = resolve_body(page.source, text, page.body_start, facts, &ctx, &mut diags);
    let blocks = parse_page(&resolved, &settings.markdown, &mut diags);
    let mut printer = Printer {
        sources,
        out: String::new(),
    };
    printer.blocks(&blocks, 0);
    for d in diags.into_sorted() {
        let at = match d.location {
            Location::Span(span) => printer.pos(span),
            _ => "-".into(),
        };
        let _ = writeln!(
            printer.out,
            "diagnostic {:?} @{at}: {}",
            d.severity, d.message
        );
    }
    printer.out
}

struct Printer<'s> {
    sources: &'s Sources,
    out: String,
}

impl Printer<'_> {
    fn pos(&self, span: Span) -> String {
        match self.sources.get(span.source) {
            Some(file) => {
                let (line, col) = file.line_col(span.start);
                format!("{line}:{col}")
            }
            None => "?".into(),
        }
    }

    fn line(&mut self, depth: usize, text: &str) {
        let _ = writeln!(self.out, "{}{text}", "  ".repeat(depth));
    }

    fn blocks(&mut self, blocks: &[Block], depth: usize) {
        for block in blocks {
            self.block(block, depth);
        }
    }

    fn block(&mut self, block: &Block, depth: usize) {
        match block {
            Block::Heading(h) => {
                let line = format!(
                    "heading {} #{} @{}: {}",
                    h.level,
                    h.anchor,
                    self.pos(h.span),
                    inlines(&h.content)
                );
                self.line(depth, &line);
            }
            Block::Paragraph(p) => {
                let line = format!("paragraph @{}: {}", self.pos(p.span), inlines(&p.content));
                self.line(depth, &line);
            }
            Block::List(l) => {
                let kind = l
                    .start
                    .map_or("bullets".to_string(), |n| format!("numbered from {n}"));
                let line = format!("list {kind} @{}", self.pos(l.span));
                self.line(depth, &line);
                for item in &l.items {
                    self.line(depth + 1, "item");
                    self.blocks(&item.blocks, depth + 2);
                }
            }
            Block::Figure(f) => {
                let line = format!(
                    "figure {} alt={:?} title={:?} width={:?} @{}",
                    f.image.src,
                    f.alt,
                    f.title,
                    f.width,
                    self.pos(f.span)
                );
                self.line(depth, &line);
            }
            Block::Admonition(a) => {
                let line = format!(
                    "admonition {} {:?} {:?} @{}",
                    a.name,
                    a.kind,
                    a.label,
                    self.pos(a.span)
                );
                self.line(depth, &line);
                self.blocks(&a.blocks, depth + 1);
            }
            Block::Table(t) => {
                let line = format!("table columns={} @{}", t.columns, self.pos(t.span));
                self.line(depth, &line);
                if let Some(c) = &t.caption {
                    self.line(depth + 1, &format!("caption: {}", inlines(c)));
                }
                for (name, rows) in [("head", &t.head), ("body", &t.body)] {
                    for row in rows {
                        self.line(depth + 1, &format!("{name} row"));
                        for cell in &row.cells {
                            let line = format!(
                                "cell header={} rowspan={} colspan={} align={:?}",
                                cell.header, cell.rowspan, cell.colspan, cell.align
                            );
                            self.line(depth + 2, &line);
                            self.blocks(&cell.blocks, depth + 3);
                        }
                    }
                }
            }
            Block::Code(c) => {
                let line = format!("code {:?} @{}: {:?}", c.language, self.pos(c.span), c.text);
                self.line(depth, &line);
            }
            Block::Quote(q) => {
                let line = format!("quote @{}", self.pos(q.span));
                self.line(depth, &line);
                self.blocks(&q.blocks, depth + 1);
            }
            Block::Rule(span) => {
                let line = format!("rule @{}", self.pos(*span));
                self.line(depth, &line);
            }
            Block::DefinitionList(d) => {
                let line = format!("definition list @{}", self.pos(d.span));
                self.line(depth, &line);
                for item in &d.items {
                    self.line(depth + 1, &format!("term: {}", inlines(&item.term)));
                    for definition in &item.definitions {
                        self.line(depth + 2, "definition");
                        self.blocks(definition, depth + 3);
                    }
                }
            }
            Block::Footnote(f) => {
                let line = format!("footnote {} @{}", f.number, self.pos(f.span));
                self.line(depth, &line);
                self.blocks(&f.blocks, depth + 1);
            }
        }
    }
}

fn inlines(content: &[Inline]) -> String {
    let mut out = String::new();
    for inline in content {
        match inline {
            Inline::Text(t) => out.push_str(t),
            Inline::Code(c) => {
                let _ = write!(out, "`{c}`");
            }
            Inline::LineBreak => out.push('⏎'),
            Inline::Image(image) => {
                let _ = write!(out, "<img {:?} alt={:?}>", image.image.src, image.alt);
            }
            Inline::FootnoteRef(n) => {
                let _ = write!(out, "[^{n}]");
            }
            Inline::Styled(style, inner) => {
                let name = match style {
                    InlineStyle::Strong => "strong",
                    InlineStyle::Emphasis => "em",
                    InlineStyle::Underline => "u",
                    InlineStyle::Strikethrough => "s",
                    InlineStyle::Superscript => "sup",
                    InlineStyle::Subscript => "sub",
                    InlineStyle::Keyboard => "kbd",
                };
                let _ = write!(out, "<{name}>{}</{name}>", inlines(inner));
            }
            Inline::Link(link) => {
                let target = match &link.target {
                    LinkTarget::Unresolved(href) => href.clone(),
                    LinkTarget::Internal { page, anchor } => {
                        format!("page {}#{}", page.0, anchor.as_deref().unwrap_or(""))
                    }
                    LinkTarget::External(url) => url.clone(),
                };
                let _ = write!(out, "[{}]({target})", inlines(&link.content));
            }
        }
    }
    out
}

#[test]
fn seed_page_model_per_region() {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let site = site::load(sample_site(), &mut sources, &mut diags)
        .unwrap_or_else(|failure| panic!("the sample does not load: {failure:?}"));
    assert!(!diags.has_errors(), "{:?}", diags.items());
    let snapshots: Vec<(String, String)> = ["CN", "JP", "US"]
        .into_iter()
        .map(|region| {
            (
                format!("admin_account.{region}.txt"),
                snapshot(&site, &sources, region),
            )
        })
        .collect();
    assert_golden(&sample_site().join("tests/golden"), &snapshots);
}
