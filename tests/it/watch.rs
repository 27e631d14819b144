//! `tebiki watch`: a site in a temporary folder is built, then edited while
//! the watcher runs; each save must show up in the EPUB within a bounded
//! wait, and a content error must be reported (with its `path:line:col`)
//! without stopping the watcher.

use std::time::Duration;

use crate::broken_sites::Site;
use crate::support::running::{Running, epub_text, wait_until};
use crate::support::tools;

/// Generous: the debug binary on a loaded machine.
const BOUND: Duration = Duration::from_secs(90);

#[test]
fn watch_rebuilds_on_save_and_survives_content_errors() {
    let site = Site::new();
    site.page("content/a.md", "最初の本文です。\n");
    let out = site.path("out");
    let mut command = tools::tebiki(site.dir.path());
    command
        .args(["watch", "--region", "JP", "--format", "epub", "--out"])
        .arg(&out);
    let mut watch = Running::start(command);
    let epub = out.join("manual-JP.epub");
    let shows = |text: &str| epub_text(&epub).contains(text);
    wait_until(
        "first build",
        BOUND,
        || shows("最初の本文です。"),
        || watch.stderr(),
    );

    site.page("content/a.md", "二番目の本文です。\n");
    wait_until(
        "rebuild after a save",
        BOUND,
        || shows("二番目の本文です。"),
        || watch.stderr(),
    );
    let (_, seen) = watch.wait_line(0, BOUND, |l| l.starts_with("rebuilt in ").then_some(()));

    // A content error: reported at its line, the old EPUB stays, the watcher
    // goes on.
    site.page("content/a.md", "{{% warning %}}\n壊れた本文\n");
    let (header, seen) = watch.wait_line(seen, BOUND, |l| {
        l.contains(": error: ").then(|| l.to_string())
    });
    assert_eq!(
        header,
        "content/a.md:4:1: error: shortcode `{{% warning %}}` opened here is never closed"
    );
    let (_, seen) = watch.wait_line(seen, BOUND, |l| l.starts_with("rebuilt in ").then_some(()));
    assert!(
        watch.alive(),
        "watch stopped on a content error:\n{}",
        watch.stderr()
    );
    assert!(shows("二番目の本文です。"), "the last good EPUB must stay");

    site.page("content/a.md", "三番目の本文です。\n");
    wait_until(
        "rebuild after the fix",
        BOUND,
        || shows("三番目の本文です。"),
        || watch.stderr(),
    );
    watch.wait_line(seen, BOUND, |l| l.starts_with("rebuilt in ").then_some(()));
    // An editor's scratch file does not trigger a build.
    let builds = watch.stderr().matches("rebuilt in ").count();
    site.write("content/.a.md.swp", "scratch");
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(
        watch.stderr().matches("rebuilt in ").count(),
        builds,
        "{}",
        watch.stderr()
    );
}
