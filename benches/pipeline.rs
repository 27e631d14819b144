//! Criterion micro-benchmarks of the pipeline's hot paths.
//!
//! Input: a mid-size site from the benchmark corpus generator
//! (`examples/gen_corpus/corpus`), generated in memory and written to a
//! temporary folder. Output: criterion timings; nothing is asserted here
//! (tests assert results, benchmarks measure).

#[allow(dead_code)]
#[path = "../examples/gen_corpus/corpus/mod.rs"]
mod corpus;

use criterion::{Criterion, criterion_group, criterion_main};

fn corpus_generation(c: &mut Criterion) {
    let opts = corpus::Options {
        pages: 50,
        seed: 1,
        images: 4,
    };
    c.bench_function("gen_corpus_50_pages", |b| {
        b.iter(|| corpus::generate(&opts))
    });
}

criterion_group!(benches, corpus_generation);
criterion_main!(benches);
