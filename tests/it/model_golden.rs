//! Golden tests of the document model: the seed page resolved for JP, US
//! and CN, parsed into blocks and printed as readable text, compared with
//! `tests/golden/admin_account.<REGION>.txt`.
//!
//! Run with `UPDATE_GOLDEN=1` to rewrite the snapshots, then review them by
//! eye: each must be what a reader of that region should see.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tebiki::diag::{Diagnostics, Location, Sources, Span};
use tebiki::markdown::parse_page;
use tebiki::model::{Block, Inline, InlineStyle, LinkTarget};
use tebiki::shortcode::{RegionContext, resolve_body};

const REGIONS: &[&str] = &["CN", "JP", "US"];

/// The region variables of the sample `tebiki.toml`.
fn vars(region: &str) -> BTreeMap<String, String> {
    let (service, corp, store, slash) = match region {
        "US" => (
            "Kintone",
            "Kintone Corporation",
            "Kintone Store",
            "Kintone ",
        ),
        "CN" => (
            "cybozu.cn",
            "上海サイボウズ",
            "cybozu.cn ストア",
            "cybozu.cn ",
        ),
        _ => (
            "cybozu.com",
            "サイボウズ",
            "cybozu.com ストア",
            "cybozu.com ",
        ),
    };
    [
        ("service", service),
        ("CorpName", corp),
        ("store", store),
        ("slash", slash),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Front matter ends after the second `---` line.
fn body_start(text: &str) -> usize {
    let mut lines = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == "---" {
            lines += 1;
            if lines == 2 {
                return offset;
            }
        }
    }
    0
}

fn snapshot(region: &str) -> String {
    let path = golden_dir().join("admin_account.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut sources = Sources::new();
    let source = sources.add(PathBuf::from("admin_account.md"), text.clone());
    let regions: Vec<String> = REGIONS.iter().map(|r| r.to_string()).collect();
    let vars = vars(region);
    let mappings = BTreeMap::new();
    let ctx = RegionContext {
        region,
        regions: &regions,
        vars: &vars,
        mappings: &mappings,
    };
    let mut diags = Diagnostics::new();
    let page = resolve_body(source, &text, body_start(&text), &ctx, &mut diags);
    let blocks = parse_page(&page, &mut diags);
    let mut printer = Printer {
        sources: &sources,
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
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatches = Vec::new();
    for region in REGIONS {
        let got = snapshot(region);
        let path = golden_dir().join(format!("admin_account.{region}.txt"));
        if update {
            std::fs::write(&path, &got).unwrap_or_else(|e| panic!("{e}"));
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if got != want {
            mismatches.push(format!("--- {}\n+++ got\n{got}", path.display()));
        }
    }
    assert!(
        mismatches.is_empty(),
        "model snapshots differ (rerun with UPDATE_GOLDEN=1 and review):\n{}",
        mismatches.join("\n")
    );
}
