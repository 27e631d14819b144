//! `gen_corpus`: writes a deterministic benchmark site.
//!
//! Input: `--pages N --seed S --images K --out DIR`. Output: a complete
//! tebiki site in `DIR` (see [`corpus`]); the same arguments always write
//! the same bytes. Run with
//! `cargo run --release --example gen_corpus -- --pages 300 --seed 1 --out DIR`.

// A development tool: its few `expect`s state invariants of constant data.
#![allow(clippy::expect_used)]

mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(about = "Writes a deterministic tebiki benchmark site")]
struct Args {
    /// Number of Markdown pages (section `_index.md` files included).
    #[arg(long, default_value_t = 300)]
    pages: usize,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of distinct screenshots in the pool.
    #[arg(long, default_value_t = 40)]
    images: usize,
    /// Folder to write the site into (missing, empty, or written by gen_corpus).
    #[arg(long)]
    out: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let opts = corpus::Options {
        pages: args.pages,
        seed: args.seed,
        images: args.images,
    };
    let site = corpus::generate(&opts);
    if let Err(err) = site.write(&args.out) {
        eprintln!("gen_corpus: cannot write {}: {err}", args.out.display());
        return ExitCode::from(2);
    }
    let total: usize = site.files.values().map(Vec::len).sum();
    println!(
        "gen_corpus: {} pages, {} files, {} bytes ({} bytes of screenshots) in {}",
        site.page_count(),
        site.files.len(),
        total,
        site.image_bytes(),
        args.out.display()
    );
    ExitCode::SUCCESS
}
