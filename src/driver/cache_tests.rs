//! The watch cache gives what a fresh build gives: a sequence of edits, as
//! a writer makes them under `tebiki watch`, each built once through one
//! kept [`BuildCache`] and once from scratch; outputs (PDF and EPUB bytes),
//! diagnostics and status must be identical after every step, and the cache
//! must have been used where the edit allows it.

use std::path::{Path, PathBuf};

use super::book::TEST_BUILD_TIME;
use super::{BuildCache, CacheStats, Format, Outcome, Plan, Status, run, run_cached};

/// A two-region site: links to an anchor, an `include`d bundle file.
const FILES: &[(&str, &str)] = &[
    (
        "tebiki.toml",
        "[book]\ntitle = \"手引き\"\nlanguage = \"ja\"\n\n[regions.JP]\nhugo_config = \"config_jp.toml\"\n\n[regions.US]\n\n\
         [shortcodes.include]\nkind = \"include\"\n",
    ),
    ("config_jp.toml", "[params]\nservice = \"サービス\"\n"),
    (
        "content/a.md",
        "---\ntitle: 始めに\nweight: 1\n---\n\n設定は[こちら](/b/#settings)を見てください。\n",
    ),
    (
        "content/b.md",
        "---\ntitle: 設定\nweight: 2\n---\n\n## Settings\n\n設定の本文です。\n",
    ),
    (
        "content/c.md",
        "---\ntitle: 手順\nweight: 3\n---\n\n前の段落です。\n\n{{% include \"parts/part.md\" %}}\n",
    ),
    (
        "content/d.md",
        "---\ntitle: 補足\nweight: 4\ndisabled: [US]\n---\n\n{{% service %}}の補足です。\n",
    ),
    (
        "content/parts/index.md",
        "---\ntitle: 部品\nheadless: true\n---\n\nページにならない。\n",
    ),
    (
        "content/parts/part.md",
        "---\ntitle: 部品の一つ\n---\n\n取り込まれた部品の本文です。\n",
    ),
];

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
    std::fs::write(path, text).expect("write");
}

fn plan(site: &Path, out: PathBuf) -> Plan {
    Plan {
        site: site.to_path_buf(),
        regions: Vec::new(),
        formats: vec![Format::Pdf, Format::Epub],
        out,
        pages: Vec::new(),
        strict: false,
        output_file: None,
    }
}

/// Each written file's name and bytes.
pub(super) type Files = Vec<(String, Vec<u8>)>;

/// What must agree between a cached and a fresh build: status, every
/// diagnostic, and each written file's name and bytes.
pub(super) fn observable(outcome: &Outcome) -> (Status, Vec<String>, Files) {
    let diagnostics = outcome
        .diagnostics
        .iter()
        .map(|d| format!("{d:?}"))
        .collect();
    let files = outcome
        .written
        .iter()
        .map(|w| {
            let name = w.path.file_name().expect("name").to_string_lossy();
            (name.into_owned(), std::fs::read(&w.path).expect("output"))
        })
        .collect();
    (outcome.status, diagnostics, files)
}

#[test]
fn cached_rebuilds_equal_fresh_builds_edit_after_edit() {
    TEST_BUILD_TIME.get_or_init(|| 1_700_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    for (rel, text) in FILES {
        write(&site, rel, text);
    }
    let kept = plan(&site, dir.path().join("kept"));
    let fresh = plan(&site, dir.path().join("fresh"));
    let mut cache = BuildCache::new();
    let mut step = |what: &str, edit: &dyn Fn(&Path)| -> (CacheStats, Outcome) {
        edit(&site);
        let cached = run_cached(&kept, None, &mut cache);
        let scratch = run(&fresh, None);
        let (got, want) = (observable(&cached), observable(&scratch));
        assert_eq!(got.0, want.0, "{what}: status");
        assert_eq!(got.1, want.1, "{what}: diagnostics");
        let names = |files: &[(String, Vec<u8>)]| -> Vec<String> {
            files.iter().map(|(n, _)| n.clone()).collect()
        };
        assert_eq!(names(&got.2), names(&want.2), "{what}: files written");
        for ((name, a), (_, b)) in got.2.iter().zip(&want.2) {
            assert!(a == b, "{what}: {name} differs from a fresh build");
        }
        (cache.stats(), cached)
    };
    let epub_has = |outcome: &Outcome, region: &str, text: &str| {
        let path = outcome
            .written
            .iter()
            .find(|w| w.path.ends_with(format!("manual-{region}.epub")))
            .map(|w| w.path.clone())
            .expect("epub written");
        let mut zip = zip::ZipArchive::new(std::fs::File::open(path).expect("epub")).expect("zip");
        (0..zip.len()).any(|i| {
            let mut entry = zip.by_index(i).expect("entry");
            let mut body = String::new();
            std::io::Read::read_to_string(&mut entry, &mut body).is_ok() && body.contains(text)
        })
    };

    // JP has four pages (a, b, c, d; the headless bundle is none), US
    // three (d is disabled there).
    let (stats, first) = step("first build", &|_| {});
    assert_eq!(first.status, Status::Success, "{:?}", first.diagnostics);
    assert!(first.diagnostics.is_empty(), "{:?}", first.diagnostics);
    assert_eq!(stats.pages_reused, 0);
    assert_eq!(stats.pages_built, 7);

    let (stats, out) = step("a body edit", &|s| {
        write(
            s,
            "content/d.md",
            "---\ntitle: 補足\nweight: 4\ndisabled: [US]\n---\n\n{{% service %}}の補足です。\n\n追記した段落です。\n",
        )
    });
    assert_eq!((stats.pages_reused, stats.pages_built), (6, 1));
    assert!(epub_has(&out, "JP", "追記した段落です。"));

    let (stats, out) = step("a param of a Hugo config file", &|s| {
        write(s, "config_jp.toml", "[params]\nservice = \"キントーン\"\n")
    });
    assert_eq!(
        stats.pages_built, 7,
        "the configuration is every page's input"
    );
    assert!(epub_has(&out, "JP", "キントーンの補足です。"));

    let (stats, out) = step("an included file's edit", &|s| {
        write(
            s,
            "content/parts/part.md",
            "---\ntitle: 部品の一つ\n---\n\n書き換えた部品です。\n",
        )
    });
    assert_eq!(
        (stats.pages_reused, stats.pages_built),
        (5, 2),
        "c.md in both regions"
    );
    assert!(epub_has(&out, "US", "書き換えた部品です。"));

    let (stats, out) = step("a title edit", &|s| {
        write(
            s,
            "content/b.md",
            "---\ntitle: 設定の仕方\nweight: 2\n---\n\n## Settings\n\n設定の本文です。\n",
        )
    });
    assert_eq!(stats.pages_built, 7, "front matter is every page's input");
    assert!(epub_has(&out, "JP", "設定の仕方"));

    let (_, out) = step("an anchor other pages link to removed", &|s| {
        write(
            s,
            "content/b.md",
            "---\ntitle: 設定の仕方\nweight: 2\n---\n\n## Options\n\n設定の本文です。\n",
        )
    });
    assert!(
        out.diagnostics
            .iter()
            .any(|d| d.message.contains("missing anchor `#settings`")),
        "{:?}",
        out.diagnostics
    );
    let (stats, out) = step("the anchor back", &|s| {
        write(
            s,
            "content/b.md",
            "---\ntitle: 設定の仕方\nweight: 2\n---\n\n## Settings\n\n設定の本文です。\n",
        )
    });
    assert_eq!((stats.pages_reused, stats.pages_built), (5, 2));
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);

    let (_, out) = step("a broken edit", &|s| {
        write(
            s,
            "content/a.md",
            "---\ntitle: 始めに\nweight: 1\n---\n\n{{% warning %}}\n壊れた本文\n",
        )
    });
    assert_eq!(out.status, Status::ContentErrors);
    assert!(out.written.is_empty());
    let (stats, out) = step("the fix", &|s| {
        write(
            s,
            "content/a.md",
            "---\ntitle: 始めに\nweight: 1\n---\n\n直した本文は[こちら](/b/#settings)。\n",
        )
    });
    assert_eq!(out.status, Status::Success, "{:?}", out.diagnostics);
    assert_eq!((stats.pages_reused, stats.pages_built), (5, 2));
    assert!(epub_has(&out, "JP", "直した本文は"));
}

#[test]
fn a_single_run_keeps_no_pages_and_no_packages() {
    TEST_BUILD_TIME.get_or_init(|| 1_700_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    for (rel, text) in FILES {
        write(&site, rel, text);
    }
    let mut once = BuildCache::single_run();
    let outcome = run_cached(&plan(&site, dir.path().join("once")), None, &mut once);
    assert_eq!(outcome.status, Status::Success, "{:?}", outcome.diagnostics);
    assert_eq!(outcome.written.len(), 4);
    // Nothing of the run outlives it: no region's pages, no EPUB package,
    // no paragraph layouts.
    assert!(once.regions.is_empty());
    assert!(once.layouts.is_none());
    // The watch loop's cache keeps both regions' pages and packages.
    let mut kept = BuildCache::new();
    run_cached(&plan(&site, dir.path().join("kept")), None, &mut kept);
    assert_eq!(kept.regions.len(), 2);
    assert!(kept.layouts.as_ref().is_some_and(|l| l.stats().entries > 0));
}
