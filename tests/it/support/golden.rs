//! Golden files: text a test produces, compared with a reviewed copy under
//! `tests/`. With `UPDATE_GOLDEN` set (`UPDATE_GOLDEN=1 cargo test`), the
//! files are rewritten instead; review the change with `git diff`.
//!
//! Input: the golden folder and each file's expected name and produced
//! text; output: nothing when all match, or one failure that shows a line
//! diff of every file that differs.

use std::path::Path;

/// Compares each `(file name, produced text)` with the file of that name in
/// `dir`, or rewrites the files when `UPDATE_GOLDEN` is set. Panics after
/// the last file with a diff of every mismatch (`-` golden, `+` produced).
pub(crate) fn assert_golden(dir: &Path, produced: &[(String, String)]) {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatches = Vec::new();
    for (name, got) in produced {
        let path = dir.join(name);
        if update {
            std::fs::create_dir_all(dir)
                .unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
            std::fs::write(&path, got).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if *got != want {
            mismatches.push(format!(
                "--- {} (golden)\n+++ produced\n{}",
                path.display(),
                line_diff(&want, got)
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "golden files differ (rerun with UPDATE_GOLDEN=1 and review the diff):\n{}",
        mismatches.join("\n")
    );
}

/// Lines of context kept around each change.
const CONTEXT: usize = 3;

/// A line diff of `old` and `new` (longest common subsequence): changed
/// lines marked `-` and `+`, up to [`CONTEXT`] unchanged lines around them
/// marked with a space, longer unchanged stretches elided.
fn line_diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // lcs[i][j]: length of the longest common subsequence of a[i..], b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut lines: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            lines.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            lines.push(('-', a[i]));
            i += 1;
        } else {
            lines.push(('+', b[j]));
            j += 1;
        }
    }
    let near_change = |k: usize| {
        let from = k.saturating_sub(CONTEXT);
        let to = (k + CONTEXT + 1).min(lines.len());
        lines[from..to].iter().any(|(mark, _)| *mark != ' ')
    };
    let mut out = String::new();
    let mut elided = 0;
    for (k, (mark, line)) in lines.iter().enumerate() {
        if *mark == ' ' && !near_change(k) {
            elided += 1;
            continue;
        }
        out.push_str(&elision(std::mem::take(&mut elided)));
        out.push_str(&format!("{mark} {line}\n"));
    }
    out.push_str(&elision(elided));
    if old.ends_with('\n') != new.ends_with('\n') {
        out.push_str("  (the final newline differs)\n");
    }
    out
}

/// The line standing for `n` elided unchanged lines (none for 0).
fn elision(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => "  … 1 unchanged line\n".to_string(),
        n => format!("  … {n} unchanged lines\n"),
    }
}
