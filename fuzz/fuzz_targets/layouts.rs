//! Fuzz target for the `layouts` surface (see `tebiki_fuzz::Surface::Layouts`).
//!
//! Input: arbitrary bytes from libFuzzer. Output: none; a panic, hang or
//! out-of-memory in tebiki is a finding.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tebiki_fuzz::{Surface, run};

fuzz_target!(|data: &[u8]| run(Surface::Layouts, data));
