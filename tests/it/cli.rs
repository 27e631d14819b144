//! The command-line contract: subcommands, flags, exit codes and the
//! summary line, run against the sample handbook of this repository and a
//! small site in a temporary folder.

use crate::support::sample_site;
use crate::support::tools::{run_tebiki as tebiki, stderr};

#[test]
fn usage_errors_exit_2() {
    let here = sample_site();
    assert_eq!(
        tebiki(here, &["build", "--format", "docx"]).status.code(),
        Some(2)
    );
    assert_eq!(tebiki(here, &["frobnicate"]).status.code(), Some(2));
    assert_eq!(tebiki(here, &[]).status.code(), Some(2));
    assert_eq!(tebiki(here, &["--help"]).status.code(), Some(0));
    let page = tebiki(
        here,
        &["build", "--page", "content/nothing.md", "--out", "unused"],
    );
    assert_eq!(page.status.code(), Some(2));
    assert!(
        stderr(&page)
            .starts_with("error: --page `content/nothing.md` matches no content file or section")
    );
}

#[test]
fn check_the_sample_handbook() {
    let here = sample_site();
    let out = tebiki(here, &["check"]);
    let text = stderr(&out);
    assert!(!text.contains("panicked"), "{text}");
    assert!(!text.contains(": error: "), "{text}");
    assert_eq!(out.status.code(), Some(0), "{text}");
    // One page count per region (they differ), never a sum across regions.
    let summary = text.lines().last().unwrap_or("");
    assert!(summary.starts_with("checked "), "{text}");
    for region in ["CN", "JP", "US"] {
        assert!(summary.contains(&format!(" in {region}")), "{text}");
    }
    assert!(summary.contains(": 0 errors, 0 warnings"), "{text}");
}

#[test]
fn page_build_writes_one_reproducible_epub() {
    let here = sample_site();
    let out_dir = tempfile::tempdir().expect("temporary folder");
    let out_path = out_dir.path().to_string_lossy().into_owned();
    let args = [
        "build",
        "--region",
        "JP",
        "--format",
        "epub",
        "--page",
        "content/login",
        "--out",
        &out_path,
    ];
    let first = tebiki(here, &args);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let summary = stderr(&first);
    assert!(summary.starts_with("wrote 1 file ("), "{summary}");
    let file = out_dir.path().join("manual-JP.epub");
    let bytes = std::fs::read(&file).expect("epub written");
    let again = tebiki(here, &args);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        std::fs::read(&file).expect("epub rewritten"),
        bytes,
        "output is not reproducible"
    );
    let quiet = tebiki(here, &[&args[..], &["--quiet"]].concat());
    assert!(stderr(&quiet).is_empty(), "{}", stderr(&quiet));
}

/// `--site` given relative to the current folder (not `.`) reaches the
/// site's files: every file the site names is read through the one
/// confinement rule, which must resolve such paths from the current folder.
#[test]
fn site_given_as_a_relative_path_loads() {
    let here = sample_site();
    let out = tebiki(
        here,
        &["check", "--site", "tests/fixtures/hugo/p02_list_boxes"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("0 errors"), "{}", stderr(&out));
    let parent = here.join("tests");
    let out = tebiki(
        &parent,
        &["check", "--site", "../tests/fixtures/hugo/p03_code"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
