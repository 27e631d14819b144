//! Issue 15, diagnostics: the `--message-format` outputs (golden files),
//! colour (`--color`, `NO_COLOR`, `CLICOLOR_FORCE`), "did you mean" hints,
//! `tebiki explain`, and `check` ≡ `build`: on every site under
//! `tests/fixtures/` (the broken sites of `tests/fixtures/broken/` and the
//! Hugo fixtures), `check` prints the same diagnostics as `build` and exits
//! with the same code, with and without `--strict`.
//!
//! Input: the fixture folders and the `tebiki` binary. Output: test results.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::golden::assert_golden;
use crate::support::{scratch_dir, tools};

fn fixtures(group: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(group)
}

/// Every site folder (with a `tebiki.toml`) under `tests/fixtures/`.
fn every_fixture() -> Vec<PathBuf> {
    let mut sites = Vec::new();
    for group in ["broken", "hugo"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures(group))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("tebiki.toml").is_file())
            .collect();
        dirs.sort();
        sites.extend(dirs);
    }
    sites
}

/// `tebiki ARGS` run in `site`, with colour variables cleared.
fn run(site: &Path, args: &[&str]) -> Output {
    let out = tools::tebiki(site)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{}: {stderr}", site.display());
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The parsed JSON lines of `check --message-format json`.
fn json_check(site: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["check", "--message-format", "json"];
    args.extend_from_slice(extra);
    let out = run(site, &args);
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn check_and_build_agree_on_every_fixture() {
    let sites = every_fixture();
    assert!(sites.len() >= 15, "{sites:?}");
    for site in &sites {
        let name = site.file_name().unwrap().to_string_lossy().into_owned();
        let out = scratch_dir(&format!("diagnostics-{name}"));
        let out = out.to_str().unwrap();
        for strict in [false, true] {
            let mut check_args = vec!["check", "--message-format", "json"];
            let mut build_args = vec!["build", "--out", out, "--message-format", "json"];
            if strict {
                check_args.push("--strict");
                build_args.push("--strict");
            }
            let check = run(site, &check_args);
            let build = run(site, &build_args);
            let check_lines = stdout(&check);
            assert_eq!(
                check_lines,
                stdout(&build),
                "{name} (strict: {strict}): check and build report different diagnostics"
            );
            assert_eq!(
                check.status.code(),
                build.status.code(),
                "{name} (strict: {strict}): different exit codes\n{check_lines}"
            );
            for line in check_lines.lines() {
                let value: serde_json::Value = serde_json::from_str(line).unwrap();
                assert!(value["code"].is_string(), "{name}: no code in {line}");
            }
            if name.starts_with('b') {
                let code = check.status.code();
                if name.ends_with("_warning") && !strict {
                    assert_eq!(code, Some(0), "{name}: warnings only");
                    assert!(
                        !check_lines.is_empty(),
                        "{name}: a warning from the layout or the pdf writer"
                    );
                } else {
                    assert!(
                        matches!(code, Some(1 | 2)),
                        "{name} (strict: {strict}): a broken site passed\n{check_lines}"
                    );
                }
            }
        }
    }
}

#[test]
fn formats_match_their_golden_files() {
    let site = fixtures("broken").join("b01_content");
    let mut produced = Vec::new();
    for format in ["short", "json", "github"] {
        let out = run(&site, &["check", "--message-format", format, "--quiet"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            out.stderr.is_empty(),
            "{format}: nothing on stderr with --quiet"
        );
        produced.push((format!("b01_content.{format}"), stdout(&out)));
    }
    let out = run(&site, &["check", "--quiet"]);
    produced.push((
        "b01_content.human".to_string(),
        String::from_utf8(out.stderr).unwrap(),
    ));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/diagnostics");
    assert_golden(&dir, &produced);
}

#[test]
fn colour_follows_the_flag_and_the_environment() {
    let site = fixtures("broken").join("b01_content");
    let stderr = |flag: Option<&str>, env: &[(&str, &str)]| {
        let mut command = tools::tebiki(&site);
        command
            .args(["check", "--quiet"])
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE");
        if let Some(flag) = flag {
            command.args(["--color", flag]);
        }
        for (k, v) in env {
            command.env(k, v);
        }
        String::from_utf8(command.output().unwrap().stderr).unwrap()
    };
    let escape = '\u{1b}';
    // Not a terminal: no colour by default.
    assert!(!stderr(None, &[]).contains(escape));
    assert!(stderr(None, &[("CLICOLOR_FORCE", "1")]).contains(escape));
    assert!(!stderr(None, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains(escape));
    assert!(stderr(Some("always"), &[("NO_COLOR", "1")]).contains(escape));
    assert!(!stderr(Some("never"), &[("CLICOLOR_FORCE", "1")]).contains(escape));
    // Colour changes nothing but the escapes.
    let plain = stderr(Some("never"), &[]);
    let colored = stderr(Some("always"), &[]);
    let stripped: String = strip_escapes(&colored);
    assert_eq!(stripped, plain);
}

/// Removes `ESC [ … m` sequences.
fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The hints of the diagnostic whose message contains `needle`.
fn hints_of(diags: &[serde_json::Value], needle: &str) -> Vec<String> {
    let found = diags
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains(needle))
        .unwrap_or_else(|| panic!("no diagnostic with `{needle}` in {diags:#?}"));
    found["hints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn did_you_mean_hints() {
    let diags = json_check(&fixtures("broken").join("b01_content"), &[]);
    let first = |needle: &str| hints_of(&diags, needle).first().cloned();
    assert_eq!(
        first("unknown region `JQ`").as_deref(),
        Some("did you mean `JP`?")
    );
    assert_eq!(
        first("unknown region `jp`").as_deref(),
        Some("did you mean `JP`?")
    );
    assert_eq!(
        first("unknown shortcode `notte`").as_deref(),
        Some("did you mean `note`?")
    );
    assert_eq!(
        first("broken link `/general/ja/two_factr/`").as_deref(),
        Some("did you mean `/general/ja/two_factor/`?")
    );
    assert_eq!(
        first("missing anchor `#setpu`").as_deref(),
        Some("did you mean `#setup`?")
    );

    let config = json_check(&fixtures("broken").join("b02_config_key"), &[]);
    assert_eq!(
        hints_of(&config, "unknown key `titel`")
            .first()
            .map(String::as_str),
        Some("did you mean `title`?")
    );
    assert_eq!(config[0]["code"], "T0003");
    assert_eq!(config[0]["line"], 2);

    let option = json_check(&fixtures("broken").join("b01_content"), &["--region", "jp"]);
    assert_eq!(
        hints_of(&option, "unknown region `jp`")
            .first()
            .map(String::as_str),
        Some("did you mean `JP`?")
    );
}

#[test]
fn broken_front_matter_is_one_error_and_no_broken_link() {
    let diags = json_check(&fixtures("broken").join("b01_content"), &[]);
    let about_broken: Vec<&serde_json::Value> = diags
        .iter()
        .filter(|d| {
            d["path"] == "content/broken.md" || d["message"].as_str().unwrap().contains("broken/")
        })
        .collect();
    assert_eq!(about_broken.len(), 1, "{about_broken:#?}");
    assert_eq!(about_broken[0]["code"], "T0105");
    assert_eq!(about_broken[0]["line"], 3, "at the bad line, not 1:1");
    // The front-matter region error points at its line too.
    let region = diags
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("`jp` in front matter")
        })
        .unwrap();
    assert_eq!(region["line"], 3);
    // Both regions found the same problem: reported once, naming both.
    let link = diags.iter().find(|d| d["code"] == "T0201").unwrap();
    assert_eq!(link["regions"], serde_json::json!(["JP", "US"]));
}

#[test]
fn no_library_text_reaches_the_user() {
    for site in every_fixture() {
        let out = run(&site, &["check"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        for leak in [
            "DuplicateKeyPolicy",
            "unknown variant",
            "unknown field",
            "invalid type:",
            "struct ",
            "os error",
            "Font {",
            "ContainsNotDefGlyph",
        ] {
            assert!(
                !stderr.contains(leak),
                "{}: `{leak}` in\n{stderr}",
                site.display()
            );
        }
    }
}

#[test]
fn summary_grammar_and_quiet() {
    let site = fixtures("broken").join("b07_layout_warning");
    let out = run(&site, &["check"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("checked 1 page in each of 2 regions (JP, US): 0 errors, 1 warning in "),
        "{stderr}"
    );
    let strict = run(&site, &["check", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(
        String::from_utf8(strict.stderr)
            .unwrap()
            .contains(": 1 error, 0 warnings in ")
    );
    let quiet = run(&site, &["check", "--quiet"]);
    let quiet_err = String::from_utf8(quiet.stderr).unwrap();
    assert!(!quiet_err.contains("checked"), "{quiet_err}");
    assert!(quiet_err.contains("warning: blocks nested"), "{quiet_err}");
}

#[test]
fn explain_prints_the_code_table_text() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = run(here, &["explain", "T0201"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with("T0201 broken-link: a link points at no page"),
        "{text}"
    );
    assert!(text.contains("Fix the link"), "{text}");
    let by_name = run(here, &["explain", "broken-link"]);
    assert_eq!(stdout(&by_name), text);
    let list = stdout(&run(here, &["explain"]));
    assert!(
        list.lines()
            .any(|l| l.starts_with("T0105 invalid-front-matter")),
        "{list}"
    );
    let unknown = run(here, &["explain", "broken-lnk"]);
    assert_eq!(unknown.status.code(), Some(2));
    let err = String::from_utf8(unknown.stderr).unwrap();
    assert!(err.contains("hint: did you mean `broken-link`?"), "{err}");
}
