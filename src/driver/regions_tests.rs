//! Building a region's book when its first output starts gives what
//! building every book first gives: the same site built on one render
//! worker (one region built up front, the others by their first output
//! job) and on four (every region up front), with a broken link in one
//! region and a region-only error in another; status, diagnostics (with
//! their regions) and every written file's bytes must be identical.

use std::path::Path;

use super::book::TEST_BUILD_TIME;
use super::cache_tests::{Files, observable};
use super::{Format, Outcome, Plan, Status, run};

/// Three regions; US has a broken link (a warning) and a missing image
/// (an error: nothing of US is written), CN a page of its own.
const FILES: &[(&str, &str)] = &[
    (
        "tebiki.toml",
        "[book]\ntitle = \"手引き\"\nlanguage = \"ja\"\n\n[regions.JP]\n\n[regions.US]\n\n[regions.CN]\n",
    ),
    (
        "content/a.md",
        "---\ntitle: 始めに\nweight: 1\n---\n\n設定は[こちら](/b/#settings)を見てください。\n",
    ),
    (
        "content/b.md",
        "---\ntitle: 設定\nweight: 2\n---\n\n## Settings\n\n設定の本文です。**太字**と`code`。\n",
    ),
    (
        "content/c.md",
        "---\ntitle: 米国\nweight: 3\ndisabled: [JP, CN]\n---\n\n[ない](/missing/)へのリンク。\n\n![画面](/img/none.png)\n",
    ),
    (
        "content/d.md",
        "---\ntitle: 中国\nweight: 4\ndisabled: [JP, US]\n---\n\n中国版だけのページです。\n",
    ),
];

/// Status, diagnostics and (name, bytes) of every file written, with the
/// build run inside a pool of `threads` threads.
fn build(site: &Path, out: &Path, threads: usize) -> (Status, Vec<String>, Files) {
    let plan = Plan {
        site: site.to_path_buf(),
        regions: Vec::new(),
        formats: vec![Format::Pdf, Format::Epub],
        out: out.to_path_buf(),
        pages: Vec::new(),
        strict: false,
        output_file: None,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    let outcome: Outcome = pool.install(|| run(&plan, None));
    observable(&outcome)
}

#[test]
fn books_built_when_their_outputs_start_equal_books_built_first() {
    TEST_BUILD_TIME.get_or_init(|| 1_700_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    for (rel, text) in FILES {
        let path = site.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        std::fs::write(path, text).expect("write");
    }
    let lazy = build(&site, &dir.path().join("lazy"), 1);
    let eager = build(&site, &dir.path().join("eager"), 4);
    assert_eq!(lazy.0, Status::ContentErrors);
    assert!(
        lazy.1
            .iter()
            .any(|d| d.contains("none.png") && d.contains("US")),
        "{:?}",
        lazy.1
    );
    let names: Vec<&str> = lazy.2.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "manual-CN.pdf",
            "manual-CN.epub",
            "manual-JP.pdf",
            "manual-JP.epub"
        ]
    );
    assert_eq!(lazy.0, eager.0);
    assert_eq!(lazy.1, eager.1);
    assert_eq!(lazy.2.len(), eager.2.len());
    for ((name, a), (other, b)) in lazy.2.iter().zip(&eager.2) {
        assert_eq!(name, other);
        assert!(a == b, "{name} differs between lazy and up-front books");
    }
}
