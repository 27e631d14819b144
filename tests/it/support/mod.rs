//! Helpers shared by the integration tests: finding external validators with
//! one skip rule (skip with a message when missing, fail when `CI` is set),
//! and running EPUBCheck and reading its `Messages:` summary.
//!
//! Input: the environment (`PATH`, `CI`, the Debian epubcheck jar); output:
//! ready-to-run commands or `None` after the skip rule was applied.

// Each test crate uses part of this module.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// The `tebiki` binary under test, to be run in `dir`.
pub fn tebiki(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tebiki"));
    command.current_dir(dir);
    command
}

/// Where Debian's `epubcheck` package installs the jar (Debian's
/// `/usr/bin/epubcheck` needs binfmt support, so the jar is run by `java`).
pub const EPUBCHECK_JAR: &str = "/usr/share/java/epubcheck.jar";

/// Applies the skip rule for a missing validator `name`: prints a message, or
/// panics when `CI` is set (so CI never passes by skipping).
pub fn missing(name: &str, why: &str) {
    let message = format!("validator `{name}` is not installed ({why})");
    assert!(
        std::env::var_os("CI").is_none(),
        "{message}; CI is set, so this fails"
    );
    eprintln!("skipped: {message}");
}

/// Whether the validator `name` runs (`probe` exits successfully); applies the
/// skip rule when it does not.
pub fn validator_available(name: &str, probe: &mut Command) -> bool {
    let works = probe.output().map(|o| o.status.success()).unwrap_or(false);
    if !works {
        missing(name, &format!("`{probe:?}` failed"));
    }
    works
}

/// The command for the validator `program` (probed with `probe_args`), or
/// `None` after the skip rule when it cannot run.
pub fn validator(program: &str, probe_args: &[&str]) -> Option<Command> {
    validator_available(program, Command::new(program).args(probe_args))
        .then(|| Command::new(program))
}

/// `java -jar epubcheck.jar`, ready for a file argument, or `None` after the
/// skip rule when java or the jar is missing.
pub fn epubcheck() -> Option<Command> {
    if !Path::new(EPUBCHECK_JAR).is_file() {
        missing("epubcheck", &format!("{EPUBCHECK_JAR} missing"));
        return None;
    }
    validator("java", &["-version"])?;
    Some(epubcheck_command())
}

/// `java -jar epubcheck.jar` without checking that it can run (call
/// [`epubcheck`] once first); for starting one run per file.
pub fn epubcheck_command() -> Command {
    let mut java = Command::new("java");
    java.args(["-jar", EPUBCHECK_JAR]);
    java
}

/// Counts from EPUBCheck's summary line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct EpubcheckCounts {
    /// Fatal errors.
    pub fatals: u32,
    /// Errors.
    pub errors: u32,
    /// Warnings.
    pub warnings: u32,
}

/// Parses `Messages: 0 fatals / 1 error / 2 warnings / 0 infos` from a report.
pub fn epubcheck_counts(report: &str) -> Option<EpubcheckCounts> {
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
