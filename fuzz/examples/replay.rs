//! Runs a fuzz target's inputs once each on a stable toolchain, without
//! libFuzzer: `cargo run --release --example replay -- TARGET PATH...` (files or
//! folders such as `corpus/TARGET` and `artifacts/TARGET`).
//!
//! Input: a target name and paths. Output: one line per input on stderr;
//! a panic aborts (exit by signal), naming the input last printed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tebiki_fuzz::{Surface, install_panic_hook, run};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(surface) = args.next().as_deref().and_then(Surface::from_name) else {
        let names: Vec<_> = Surface::ALL.iter().map(|s| s.name()).collect();
        eprintln!(
            "usage: replay TARGET PATH...   (TARGET: {})",
            names.join(", ")
        );
        return ExitCode::from(2);
    };
    let mut files = Vec::new();
    for arg in args {
        collect(Path::new(&arg), &mut files);
    }
    files.sort();
    install_panic_hook();
    let started = std::time::Instant::now();
    for file in &files {
        eprintln!("{}", file.display());
        match std::fs::read(file) {
            Ok(data) => run(surface, &data),
            Err(e) => eprintln!("  cannot read: {e}"),
        }
    }
    eprintln!(
        "{}: {} inputs in {:.1} s, no panic",
        surface.name(),
        files.len(),
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    match std::fs::read_dir(path) {
        Ok(entries) => {
            for entry in entries.flatten() {
                collect(&entry.path(), out);
            }
        }
        Err(_) => out.push(path.to_path_buf()),
    }
}
