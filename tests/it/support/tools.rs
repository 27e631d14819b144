//! The programs the tests run: the `tebiki` binary under test and the
//! external validators (EPUBCheck, qpdf, poppler's pdffonts, pdftotext and
//! pdfinfo), each behind one skip rule: a validator that is not installed
//! skips its check with a message, except when `CI` is set, where it fails
//! (so CI never passes by checking nothing).
//!
//! Input: the environment (`PATH`, `CI`, the Debian epubcheck jar) and the
//! files to check; output: commands, the tools' parsed reports, or
//! assertions on them; `None` or `false` after the skip rule was applied.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `tebiki` binary under test, to be run in `dir`.
pub(crate) fn tebiki(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tebiki"));
    command.current_dir(dir);
    command
}

/// `tebiki ARGS` run to completion in `dir` by the binary under test, with
/// a fixed build date (`SOURCE_DATE_EPOCH`).
pub(crate) fn run_tebiki(dir: &Path, args: &[&str]) -> Output {
    tebiki(dir)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("run tebiki")
}

/// A finished command's standard error, as text.
pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `tebiki build --site <site> --out <out> ARGS`, run from the site's
/// folder by the binary under test.
pub(crate) fn build_site(site: &Path, out: &Path, args: &[&str]) -> Command {
    let mut command = tebiki(site);
    command
        .arg("build")
        .arg("--site")
        .arg(site)
        .arg("--out")
        .arg(out)
        .args(args);
    command
}

/// `tebiki build` of the sample site (see [`build_site`]).
pub(crate) fn build_sample(out: &Path, args: &[&str]) -> Command {
    build_site(crate::support::sample_site(), out, args)
}

/// Where Debian's `epubcheck` package installs the jar (Debian's
/// `/usr/bin/epubcheck` needs binfmt support, so the jar is run by `java`).
pub(crate) const EPUBCHECK_JAR: &str = "/usr/share/java/epubcheck.jar";

/// Applies the skip rule for a missing validator `name`: prints a message, or
/// panics when `CI` is set.
pub(crate) fn missing(name: &str, why: &str) {
    let message = format!("validator `{name}` is not installed ({why})");
    assert!(
        std::env::var_os("CI").is_none(),
        "{message}; CI is set, so this fails"
    );
    eprintln!("skipped: {message}");
}

/// Runs the validator `program` with `args`; `None` after the skip rule when
/// it cannot be started.
pub(crate) fn run_validator(program: &str, args: &[&str], file: &Path) -> Option<Output> {
    match Command::new(program).args(args).arg(file).output() {
        Ok(out) => Some(out),
        Err(err) => {
            missing(program, &err.to_string());
            None
        }
    }
}

/// Whether EPUBCheck can run (the jar is there and `java -version` works);
/// applies the skip rule when it cannot.
pub(crate) fn epubcheck_available() -> bool {
    if !Path::new(EPUBCHECK_JAR).is_file() {
        missing("epubcheck", &format!("{EPUBCHECK_JAR} missing"));
        return false;
    }
    let java = Command::new("java").arg("-version").output();
    let works = java.as_ref().is_ok_and(|o| o.status.success());
    if !works {
        missing("java", "`java -version` failed");
    }
    works
}

/// Runs EPUBCheck on every `(label, file)`, one JVM each, all started before
/// any is awaited, and asserts 0 fatals, 0 errors and 0 warnings (from its
/// `Messages:` line) and a successful exit for each. Skips by the rule when
/// EPUBCheck cannot run.
pub(crate) fn assert_epubcheck_clean(files: &[(String, PathBuf)]) {
    if !epubcheck_available() {
        return;
    }
    let running: Vec<_> = files
        .iter()
        .map(|(label, file)| {
            let child = Command::new("java")
                .args(["-jar", EPUBCHECK_JAR])
                .arg(file)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run epubcheck: {e}"));
            (label, file, child)
        })
        .collect();
    for (label, file, child) in running {
        let out = child.wait_with_output().expect("wait for epubcheck");
        let report = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let counts = epubcheck_counts(&report)
            .unwrap_or_else(|| panic!("no `Messages:` line from epubcheck for {label}:\n{report}"));
        eprintln!("epubcheck {label}: {counts:?}");
        assert_eq!(
            counts,
            EpubcheckCounts::default(),
            "epubcheck on {} ({label}):\n{report}",
            file.display()
        );
        assert!(
            out.status.success(),
            "epubcheck exit status for {label}:\n{report}"
        );
    }
}

/// Counts from EPUBCheck's summary line.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct EpubcheckCounts {
    /// Fatal errors.
    pub fatals: u32,
    /// Errors.
    pub errors: u32,
    /// Warnings.
    pub warnings: u32,
}

/// Parses `Messages: 0 fatals / 1 error / 2 warnings / 0 infos` from a report.
pub(crate) fn epubcheck_counts(report: &str) -> Option<EpubcheckCounts> {
    let line = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("Messages:"))?;
    let mut counts = EpubcheckCounts::default();
    for part in line.split('/') {
        let mut words = part.split_whitespace();
        let n: u32 = words.next()?.parse().ok()?;
        match words.next()? {
            w if w.starts_with("fatal") => counts.fatals = n,
            w if w.starts_with("error") => counts.errors = n,
            w if w.starts_with("warning") => counts.warnings = n,
            _ => {}
        }
    }
    Some(counts)
}

/// Asserts that `qpdf --check` finds `pdf` clean: exit 0 (3 means warnings,
/// 2 errors), "No syntax or stream encoding errors" and no warning in its
/// report. `what` names the file in messages. Skips by the rule when qpdf is
/// missing.
pub(crate) fn assert_qpdf_clean(pdf: &Path, what: &str) {
    let Some(out) = run_validator("qpdf", &["--check"], pdf) else {
        return;
    };
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "qpdf --check on {what}:\n{report}"
    );
    assert!(
        report.contains("No syntax or stream encoding errors"),
        "qpdf --check on {what}:\n{report}"
    );
    assert!(
        !report.to_lowercase().contains("warning"),
        "qpdf --check on {what}:\n{report}"
    );
}

/// One row of `pdffonts` output.
#[derive(Debug)]
pub(crate) struct PdfFont {
    /// The font name, with its `ABCDEF+` subset tag.
    pub name: String,
    /// The `emb` column.
    pub embedded: bool,
    /// The `sub` column.
    pub subset: bool,
    /// The `uni` column.
    pub to_unicode: bool,
}

/// Parses `pdffonts` output: after the dashed rule, each row ends with
/// `emb sub uni object-number generation` (the type column may hold spaces).
pub(crate) fn parse_pdffonts(out: &str) -> Vec<PdfFont> {
    out.lines()
        .skip_while(|l| !l.starts_with("---"))
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let from_end = |i: usize| cols.len().checked_sub(i).and_then(|k| cols.get(k)).copied();
            PdfFont {
                name: cols.first().copied().unwrap_or_default().to_owned(),
                embedded: from_end(5) == Some("yes"),
                subset: from_end(4) == Some("yes"),
                to_unicode: from_end(3) == Some("yes"),
            }
        })
        .collect()
}

/// Asserts that `pdffonts` lists at least one font in `pdf` and every font
/// as embedded, subset (with a `+` subset tag) and with a ToUnicode map.
/// Skips by the rule when pdffonts is missing.
pub(crate) fn assert_fonts_embedded_subset_unicode(pdf: &Path, what: &str) {
    let Some(out) = run_validator("pdffonts", &[], pdf) else {
        return;
    };
    assert!(out.status.success(), "pdffonts failed on {what}");
    let listing = String::from_utf8_lossy(&out.stdout);
    let fonts = parse_pdffonts(&listing);
    assert!(!fonts.is_empty(), "{what}: no fonts in the PDF:\n{listing}");
    for font in &fonts {
        assert!(
            font.embedded && font.subset && font.to_unicode && font.name.contains('+'),
            "{what}: font {} must be embedded, subset and have ToUnicode:\n{listing}",
            font.name
        );
    }
}

/// The text `pdftotext ARGS pdf -` extracts (UTF-8), or `None` after the skip
/// rule when pdftotext is missing.
pub(crate) fn pdftotext(pdf: &Path, args: &[&str]) -> Option<String> {
    let mut all = args.to_vec();
    all.extend(["-enc", "UTF-8"]);
    let out = Command::new("pdftotext")
        .args(&all)
        .arg(pdf)
        .arg("-")
        .output();
    let out = match out {
        Ok(out) => out,
        Err(err) => {
            missing("pdftotext", &err.to_string());
            return None;
        }
    };
    assert!(
        out.status.success(),
        "pdftotext failed on {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).expect("pdftotext writes UTF-8"))
}

/// The text of every sheet of `pdf` in physical layout (`pdftotext -layout`),
/// the first sheet at index 0; `None` after the skip rule.
pub(crate) fn pdf_sheet_texts(pdf: &Path) -> Option<Vec<String>> {
    let out = pdftotext(pdf, &["-layout"])?;
    Some(out.split('\u{c}').map(str::to_string).collect())
}

/// `pdfinfo`'s report on `pdf`, or `None` after the skip rule.
pub(crate) fn pdfinfo(pdf: &Path) -> Option<String> {
    let out = run_validator("pdfinfo", &[], pdf)?;
    assert!(out.status.success(), "pdfinfo failed on {}", pdf.display());
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn epubcheck_summary_parser_reads_counts() {
    assert_eq!(
        epubcheck_counts("x\nMessages: 1 fatal / 2 errors / 3 warnings / 0 infos\n"),
        Some(EpubcheckCounts {
            fatals: 1,
            errors: 2,
            warnings: 3
        })
    );
    assert_eq!(epubcheck_counts("PK: not found\n"), None);
}

#[test]
fn pdffonts_parser_reads_flags() {
    let out = "name                                 type              encoding         emb sub uni object ID\n\
               ------------------------------------ ----------------- ---------------- --- --- --- ---------\n\
               ABCDEF+BIZUDPGothic-Regular          CID TrueType      Identity-H       yes yes yes      7  0\n\
               Helvetica                            Type 1            Custom           no  no  no       9  0\n";
    let fonts = parse_pdffonts(out);
    assert_eq!(fonts.len(), 2);
    assert!(fonts[0].embedded && fonts[0].subset && fonts[0].to_unicode);
    assert_eq!(fonts[0].name, "ABCDEF+BIZUDPGothic-Regular");
    assert!(!fonts[1].embedded && !fonts[1].subset && !fonts[1].to_unicode);
}
