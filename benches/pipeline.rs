//! Criterion micro-benchmarks of the pipeline's hot paths.
//!
//! Input: a mid-size site from the benchmark corpus generator
//! (`examples/gen_corpus/corpus`, included below), generated in memory and
//! written to a temporary folder once. Output: criterion timings; nothing is
//! asserted here (tests assert results, benchmarks measure).
//!
//! Run with `cargo bench --bench pipeline` (or one group:
//! `cargo bench --bench pipeline -- images`).

#[allow(dead_code)]
#[path = "../examples/gen_corpus/corpus/mod.rs"]
mod corpus;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use tebiki::assets::ImageStore;

/// Pages of the generated site the benchmarks read.
const PAGES: usize = 120;
/// Screenshots in its pool.
const IMAGES: usize = 12;

/// The generated site on disk, kept for the whole run.
struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    images: Vec<PathBuf>,
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
    Fixture {
        _dir: dir,
        root,
        images,
    }
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
    let _ = &fx.root;
    images(c, &fx);
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
