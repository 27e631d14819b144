//! The integration tests, one binary (as ripgrep's `tests/tests.rs` and
//! mdBook's `tests/testsuite/main.rs`): one module per feature, all sharing
//! [`support`] (the `tebiki` binary and the external validators, the model
//! builder, the golden-file helper).
//!
//! Input: the crate's public API, the built `tebiki` binary, the sample site
//! at the repository root and the validators on `PATH`; output: the test
//! results. Run one module with `cargo test --test it cli::`.

// Test code may stop at the first surprise: the lints that keep the library
// free of panics (Cargo.toml [lints.clippy]) do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod broken_sites;
mod cli;
mod diagnostics;
mod epub_check;
mod fonts;
mod hostile_sites;
mod hugo_inline;
mod hugo_markdown;
mod hugo_shortcodes;
mod hugo_site;
mod model_golden;
mod pdf_output;
mod print_layout;
mod sample;
mod serve;
mod tables;
mod text_extraction;
mod typography;
mod watch;
mod writer_cli;
