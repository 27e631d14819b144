//! Criterion benchmarks of text with no break opportunity (issue 13 §1): a
//! 3 MB and a 10 MB run of letters laid out as one paragraph, and the 3 MB
//! run built as a whole one-page PDF (a 10 MB page is over the 4 MiB limit
//! for a page, `site::confine::FileKind::Page`, and is refused with T0101
//! before any work). Both must take well under two seconds (the
//! breaker is linear in the length of such a run; before, 3 MB took 22 s
//! and 10 MB did not finish).
//!
//! Input: the run, generated in memory (and written into a temporary
//! one-page site for the whole build). Output: criterion timings; nothing
//! is asserted here (the test `an_unbreakable_megabyte_lays_out_in_linear_time`
//! in `layout/inline/tests.rs` checks the result).
//!
//! Run with `cargo bench --bench unbreakable`.

// A benchmark stops at the first surprise, like a test: the library's
// no-panic lints (Cargo.toml [lints.clippy]) do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tebiki::assets::{Assets, ImageStore};
use tebiki::driver::{Format, Plan};
use tebiki::layout::font::{FontBook, FontRole};
use tebiki::layout::inline::{
    InlinePiece, ParagraphStyle, ShapeCache, TextStyle, layout_paragraph,
};

/// The sizes measured, in bytes.
const SIZES: [(&str, usize); 2] = [("3MB", 3 << 20), ("10MB", 10 << 20)];

/// One paragraph of `len` letters, laid out at 10 pt on a 400 pt line.
fn paragraph(c: &mut Criterion) {
    let fonts = FontBook::load(&Assets::embedded(ImageStore::default())).expect("fonts");
    let mut group = c.benchmark_group("unbreakable_paragraph");
    group.sample_size(10);
    for (name, len) in SIZES {
        let word = "a".repeat(len);
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let cache = ShapeCache::new();
                let pieces = [InlinePiece::Text {
                    text: &word,
                    style: TextStyle::new(FontRole::Regular, 10.0),
                }];
                black_box(layout_paragraph(
                    &pieces,
                    &ParagraphStyle::new(400.0, 17.0),
                    &fonts,
                    &cache,
                ))
            })
        });
    }
    group.finish();
}

/// `tebiki build` (one region, PDF) of a site whose only page is the run.
fn whole_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("unbreakable_build_pdf");
    group.sample_size(10);
    // Only the sizes a page may have (4 MiB, `FileKind::Page`'s cap in
    // `site/confine.rs`): a larger page is refused at reading.
    const PAGE_CAP: usize = 4 << 20;
    for (name, len) in SIZES.into_iter().filter(|(_, len)| *len < PAGE_CAP) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).expect("content folder");
        std::fs::write(
            root.join("tebiki.toml"),
            "[book]\ntitle = \"bench\"\nlanguage = \"ja\"\n\n[regions.JP]\n",
        )
        .expect("tebiki.toml");
        let body = format!("---\ntitle: \"run\"\n---\n\n{}\n", "a".repeat(len));
        std::fs::write(root.join("content/run.md"), body).expect("page");
        let plan = Plan {
            site: root.clone(),
            regions: vec!["JP".to_owned()],
            formats: vec![Format::Pdf],
            out: dir.path().join("out"),
            pages: Vec::new(),
            strict: false,
            output_file: None,
        };
        // What is timed must be a build that writes the PDF, not an error.
        let outcome = tebiki::driver::run(&plan, None);
        assert!(
            outcome.diagnostics.is_empty() && outcome.written.len() == 1,
            "the {name} build must write one PDF and report nothing: {:?}",
            outcome.diagnostics
        );
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function(name, |b| {
            b.iter(|| black_box(tebiki::driver::run(&plan, None)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    targets = paragraph, whole_build
}
criterion_main!(benches);
