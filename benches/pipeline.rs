//! Criterion micro-benchmarks of the pipeline's hot paths.
//!
//! Input: a mid-size site from the benchmark corpus generator
//! (`examples/gen_corpus/corpus`, included below), generated in memory and
//! written to a temporary folder once. Output: criterion timings; nothing is
//! asserted here (tests assert results, benchmarks measure).
//!
//! Run with `cargo bench --bench pipeline` (or one group:
//! `cargo bench --bench pipeline -- images`).

// A benchmark stops at the first surprise, like a test: the library's
// no-panic lints (Cargo.toml [lints.clippy]) do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)]
#[path = "../examples/gen_corpus/corpus/mod.rs"]
mod corpus;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use tebiki::assets::{Assets, ImageStore};
use tebiki::diag::{Diagnostics, Sources};
use tebiki::driver::{Format, Plan};
use tebiki::layout::font::{FontBook, FontRole};
use tebiki::layout::inline::{
    InlinePiece, ParagraphStyle, ShapeCache, TextStyle, layout_paragraph,
};
use tebiki::model::{Block, Inline};
use tebiki::shortcode::{ContentIndex, PageFacts, RegionContext, ResolvedPage, resolve_body};
use tebiki::site::{self, Site};

/// Pages of the generated site the benchmarks read.
const PAGES: usize = 120;
/// Screenshots in its pool.
const IMAGES: usize = 12;

/// The generated site on disk, kept for the whole run, loaded once.
struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    images: Vec<PathBuf>,
    site: Site,
    sources: Sources,
}

fn fixture() -> Fixture {
    let site = corpus::generate(&corpus::Options {
        pages: PAGES,
        seed: 1,
        images: IMAGES,
    });
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path().join("site");
    site.write(&root).expect("write the benchmark site");
    let images = site
        .files
        .keys()
        .filter(|path| path.starts_with("static/"))
        .map(|path| root.join(path))
        .collect();
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let site = site::load(&root, &mut sources, &mut diags).expect("the generated site loads");
    Fixture {
        _dir: dir,
        root,
        images,
        site,
        sources,
    }
}

/// Resolves every page of the fixture for the site's first region (JP).
fn resolve_all(fx: &Fixture) -> Vec<ResolvedPage> {
    let Some(settings) = fx.site.regions.iter().find(|r| r.code == "JP") else {
        return Vec::new();
    };
    let codes: Vec<String> = fx.site.regions.iter().map(|r| r.code.clone()).collect();
    let content = ContentIndex::of_site(&fx.site, &fx.sources, settings);
    let ctx = RegionContext {
        region: &settings.code,
        regions: &codes,
        vars: &settings.vars,
        mappings: &fx.site.config.shortcodes,
        language: &settings.language,
        content: &content,
    };
    let mut diags = Diagnostics::new();
    fx.site
        .pages
        .iter()
        .filter_map(|page| {
            let file = fx.sources.get(page.source)?;
            Some(resolve_body(
                page.source,
                &file.text,
                page.body_start,
                PageFacts {
                    rel_path: &page.rel_path,
                    params: Some(&page.front.params),
                },
                &ctx,
                &mut diags,
            ))
        })
        .collect()
}

/// Shortcode and region resolution of every page (JP).
fn shortcodes(c: &mut Criterion, fx: &Fixture) {
    let bytes: usize = fx
        .site
        .pages
        .iter()
        .filter_map(|p| fx.sources.get(p.source))
        .map(|f| f.text.len())
        .sum();
    let mut group = c.benchmark_group("shortcodes");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("resolve_all_pages_jp", |b| {
        b.iter(|| black_box(resolve_all(fx)))
    });
    group.finish();
}

/// Markdown and raw HTML of every resolved page into model blocks.
fn markdown(c: &mut Criterion, fx: &Fixture) {
    let resolved = resolve_all(fx);
    let bytes: usize = resolved.iter().map(|p| p.text.len()).sum();
    let mut group = c.benchmark_group("markdown");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse_all_pages_jp", |b| {
        b.iter(|| {
            let mut diags = Diagnostics::new();
            for page in &resolved {
                black_box(tebiki::markdown::parse_page(
                    page,
                    &Default::default(),
                    &mut diags,
                ));
            }
        })
    });
    group.finish();
}

/// The plain text of every top-level paragraph of the fixture (JP).
fn paragraph_texts(fx: &Fixture) -> Vec<String> {
    let mut diags = Diagnostics::new();
    let mut out = Vec::new();
    for page in resolve_all(fx) {
        for block in tebiki::markdown::parse_page(&page, &Default::default(), &mut diags) {
            if let Block::Paragraph(paragraph) = block {
                let mut text = String::new();
                push_text(&paragraph.content, &mut text);
                if !text.is_empty() {
                    out.push(text);
                }
            }
        }
    }
    out
}

/// Appends the text of `inlines` (flattened, styles dropped).
fn push_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(text) | Inline::Code(text) => out.push_str(text),
            Inline::Styled(_, inner) => push_text(inner, out),
            Inline::Link(link) => push_text(&link.content, out),
            Inline::LineBreak => out.push('\n'),
            Inline::Image(image) => out.push_str(&image.alt),
            Inline::FootnoteRef(_) => {}
        }
    }
}

/// Shaping, JLREQ line breaking and justification of every paragraph at
/// A4 text width, with a cold and a warm shaped-run cache.
fn inline_layout(c: &mut Criterion, fx: &Fixture) {
    let texts = paragraph_texts(fx);
    let fonts = FontBook::load(&Assets::embedded(ImageStore::new())).expect("embedded fonts load");
    let style = ParagraphStyle::new(453.0, 17.0);
    let text_style = TextStyle::new(FontRole::Regular, 10.0);
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    let lay_out_all = |cache: &ShapeCache| {
        for text in &texts {
            let pieces = [InlinePiece::Text {
                text,
                style: text_style.clone(),
            }];
            black_box(layout_paragraph(&pieces, &style, &fonts, cache));
        }
    };
    let mut group = c.benchmark_group("inline_layout");
    group.throughput(Throughput::Elements(chars as u64));
    group.bench_function("all_paragraphs_cold_cache", |b| {
        b.iter_batched(
            ShapeCache::new,
            |cache| lay_out_all(&cache),
            BatchSize::SmallInput,
        )
    });
    let warm = ShapeCache::new();
    lay_out_all(&warm);
    group.bench_function("all_paragraphs_warm_cache", |b| {
        b.iter(|| lay_out_all(&warm))
    });
    group.finish();
}

/// A whole build of the fixture for one region and one format (site
/// loading, resolution, parsing, links, rendering, writing) via
/// `driver::run`, the public entry of the pipeline.
fn whole_book(c: &mut Criterion, fx: &Fixture) {
    let out = tempfile::tempdir().expect("temporary output folder");
    let mut group = c.benchmark_group("whole_book");
    group.sample_size(10);
    group.throughput(Throughput::Elements(fx.site.pages.len() as u64));
    for (name, format) in [("pdf_jp", Format::Pdf), ("epub_jp", Format::Epub)] {
        let plan = Plan {
            site: fx.root.clone(),
            regions: vec!["JP".to_owned()],
            formats: vec![format],
            out: out.path().to_path_buf(),
            pages: Vec::new(),
            strict: false,
            output_file: None,
        };
        group.bench_function(name, |b| {
            b.iter(|| black_box(tebiki::driver::run(&plan, None)))
        });
    }
    group.finish();
}

/// Loading (read, sniff, measure) and decoding every screenshot of the pool
/// with a fresh store, and preparing them for EPUB (downscale when needed).
fn images(c: &mut Criterion, fx: &Fixture) {
    let mut group = c.benchmark_group("images");
    let bytes: u64 = fx.images.iter().map(|p| file_len(p)).sum();
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("load_all", |b| {
        b.iter_batched(
            ImageStore::new,
            |store| {
                for path in &fx.images {
                    let _ = black_box(store.load(path));
                }
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("load_and_decode_all", |b| {
        b.iter_batched(
            ImageStore::new,
            |store| {
                for path in &fx.images {
                    if let Ok(image) = store.load(path) {
                        let _ = black_box(store.decode(&image));
                    }
                }
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("prepared_for_epub_all", |b| {
        b.iter_batched(
            ImageStore::new,
            |store| {
                for path in &fx.images {
                    let _ = black_box(store.prepared(path, 1600, 85));
                }
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn all(c: &mut Criterion) {
    let fx = fixture();
    shortcodes(c, &fx);
    markdown(c, &fx);
    inline_layout(c, &fx);
    images(c, &fx);
    whole_book(c, &fx);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = all
}
criterion_main!(benches);
