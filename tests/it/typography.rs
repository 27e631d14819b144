//! Issue 13 §1 and §5: lines justified within limits, a 40-character line,
//! measured on the PDF of the stress fixture `tests/fixtures/typography`
//! (long inline code, URLs and identifiers in Japanese sentences, the
//! ideographic space, mixed Latin and Japanese, nested lists) and of the
//! sample.
//!
//! Input: the fixture and the sample, built by the `tebiki` binary.
//! Output: assertions on the word boxes `pdftotext -bbox` reports: no gap
//! between two Japanese characters wider than ¼ em, no gap anywhere wider
//! than ½ em (a word space or the Japanese–Latin space at its cap), an
//! ideographic space of exactly one em, and a body line of 40 em.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::support::scratch_dir;
use crate::support::tools::{build_sample, build_site, pdftotext};

/// The fixture site.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/typography")
}

/// The fixture's JP PDF, built once.
fn built() -> &'static PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let out = scratch_dir("typography");
        let output = build_site(&fixture(), &out, &["--region", "JP"])
            .output()
            .expect("tebiki runs");
        assert!(
            output.status.success(),
            "build failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        out.join("manual-JP.pdf")
    })
}

/// One word box of `pdftotext -bbox`.
#[derive(Debug, Clone)]
struct Word {
    /// Sheet number, from 1.
    sheet: usize,
    x_min: f32,
    y_min: f32,
    x_max: f32,
    y_max: f32,
    text: String,
}

/// The word boxes of every sheet, or `None` after the skip rule.
fn words(pdf: &Path) -> Option<Vec<Word>> {
    let html = pdftotext(pdf, &["-bbox"])?;
    let attr = |tag: &str, name: &str| -> f32 {
        let key = format!("{name}=\"");
        let from = tag.find(&key).map(|i| i + key.len()).unwrap_or(0);
        let rest = &tag[from..];
        rest[..rest.find('"').unwrap_or(0)]
            .parse()
            .unwrap_or(f32::NAN)
    };
    let mut out = Vec::new();
    let mut sheet = 0;
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            sheet += 1;
        } else if let Some(tag) = line.strip_prefix("<word ") {
            let (attrs, rest) = tag.split_once('>').unwrap_or((tag, ""));
            let text = rest.trim_end_matches("</word>");
            out.push(Word {
                sheet,
                x_min: attr(attrs, "xMin"),
                y_min: attr(attrs, "yMin"),
                x_max: attr(attrs, "xMax"),
                y_max: attr(attrs, "yMax"),
                text: text
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\""),
            });
        }
    }
    Some(out)
}

/// The words of one sheet grouped into lines (same top, left to right),
/// body-size text (10 pt) and inline code (8.5 pt) only, not table text, running heads and folios left out.
fn body_lines(words: &[Word], sheet: usize) -> Vec<Vec<Word>> {
    let mut lines: Vec<Vec<Word>> = Vec::new();
    for w in words.iter().filter(|w| w.sheet == sheet) {
        let size = w.y_max - w.y_min;
        let body_or_code = (size - 10.0).abs() < 0.2 || (size - 8.5).abs() < 0.8;
        if !body_or_code || w.y_min < 60.0 || w.y_min > 780.0 {
            continue;
        }
        let mid = |w: &Word| (w.y_min + w.y_max) / 2.0;
        match lines.iter_mut().find(|l| (mid(&l[0]) - mid(w)).abs() < 2.0) {
            Some(line) => line.push(w.clone()),
            None => lines.push(vec![w.clone()]),
        }
    }
    for line in &mut lines {
        line.sort_by(|a, b| a.x_min.total_cmp(&b.x_min));
    }
    // Table-of-contents lines: their leader dots are spaced on purpose.
    lines.retain(|l| !l.iter().any(|w| w.text == "."));
    lines
}

/// Whether `c` is a Japanese character that is spaced only by
/// inter-character stretching (not the ideographic space, not ？！, which
/// are followed by a full-width space, not punctuation with blanks).
fn plain_japanese(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}') && c != '・'
}

#[test]
fn no_line_is_letter_spaced_beyond_the_caps() {
    let Some(words) = words(built()) else { return };
    let sheets = words.iter().map(|w| w.sheet).max().unwrap_or(0);
    let mut checked = 0;
    for sheet in 1..=sheets {
        for line in body_lines(&words, sheet) {
            for pair in line.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                let em = (a.y_max - a.y_min).max(b.y_max - b.y_min);
                let gap = b.x_min - a.x_max;
                let last = a.text.chars().next_back().unwrap_or(' ');
                let first = b.text.chars().next().unwrap_or(' ');
                let text: Vec<&str> = line.iter().map(|w| w.text.as_str()).collect();
                if gap > 3.0 * em {
                    // Table columns, not one line of text.
                    continue;
                }
                if plain_japanese(last) && plain_japanese(first) && gap > 0.9 * em {
                    // pdftotext drops ideographic spaces (U+3000): each is
                    // exactly one em, so the gap is a whole number of ems.
                    let ems = gap / em;
                    assert!(
                        (ems - ems.round()).abs() * em < 0.2,
                        "sheet {sheet}: {gap:.2} pt between {last} and {first} is not whole ems: {text:?}"
                    );
                } else if plain_japanese(last) && plain_japanese(first) {
                    assert!(
                        gap <= 0.25 * em + 0.2,
                        "sheet {sheet}: {gap:.2} pt between {last} and {first} (> ¼ em): {text:?}"
                    );
                    checked += 1;
                } else if !matches!(last, '？' | '！' | '\u{3000}') && first != '\u{3000}' {
                    assert!(
                        gap <= 0.5 * em + 0.2,
                        "sheet {sheet}: {gap:.2} pt between {last} and {first} (> ½ em): {text:?}"
                    );
                }
            }
        }
    }
    // Lines stretched to their caps split into words: some gaps between
    // Japanese characters were measured.
    assert!(checked > 0, "no Japanese gap measured");
}

#[test]
fn long_code_and_urls_start_on_the_line_where_they_stand() {
    let Some(text) = pdftotext(built(), &["-layout"]) else {
        return;
    };
    // 「あああ CSV ファイル https://…」: the URL starts on the same line
    // instead of leaving 「あ あ あ CSV フ ァ イ ル」 spaced out above it.
    let line = text
        .lines()
        .find(|l| l.contains("CSV"))
        .expect("the CSV line");
    assert!(line.contains("https://example."), "{line}");
    // The URL broke after a separator, with no hyphen added.
    let end = line.trim_end().chars().next_back().unwrap_or(' ');
    assert!(
        matches!(end, '/' | '.' | '?' | '&' | '=' | '_' | '-'),
        "{line}"
    );
    let whole: String = text.split_whitespace().collect();
    assert!(
        whole.contains("https://example.cybozu.com/k/v1/records.json?app=1&query=updated_time"),
        "the URL's text is intact across the break"
    );
}

#[test]
fn the_sample_body_line_is_forty_characters() {
    let out = scratch_dir("typography_sample");
    let output = build_sample(&out, &["--region", "JP"])
        .output()
        .expect("tebiki runs");
    assert!(output.status.success());
    let Some(words) = words(&out.join("manual-JP.pdf")) else {
        return;
    };
    let sheets = words.iter().map(|w| w.sheet).max().unwrap_or(0);
    let (mut left, mut right) = (f32::MAX, 0.0f32);
    for sheet in 1..=sheets {
        for line in body_lines(&words, sheet) {
            let size = line[0].y_max - line[0].y_min;
            if (size - 10.0).abs() > 0.1 || line.len() < 2 {
                continue;
            }
            left = left.min(line[0].x_min);
            right = right.max(line.last().map_or(0.0, |w| w.x_max));
        }
    }
    let chars = (right - left) / 10.0;
    assert!(
        (39.0..=40.6).contains(&chars),
        "body line is {chars:.1} em (from {left} to {right})"
    );
}

#[test]
fn lists_in_boxes_and_cells_use_the_first_level_bullet() {
    let Some(text) = pdftotext(built(), &["-layout"]) else {
        return;
    };
    let marker = |item: &str| -> String {
        let line = text
            .lines()
            .find(|l| l.contains(item))
            .unwrap_or_else(|| panic!("no line with {item}"));
        let before = &line[..line.find(item).unwrap_or(0)];
        before.split_whitespace().last().unwrap_or("").to_owned()
    };
    assert_eq!(marker("箱の中の項目です"), "•");
    assert_eq!(marker("セルの中の項目です"), "•");
    assert_eq!(marker("最後の項目です"), "•");
    assert_eq!(marker("入れ子の項目です"), "◦");
    // Level 3 differs visibly from level 1 (・ reads like •).
    assert_eq!(marker("さらに深い項目です"), "–");
    // An item starting with ［ is not pushed right: its bracket stands
    // where the text of the other items starts.
    let Some(words) = words(built()) else { return };
    let start = |needle: &str| {
        words
            .iter()
            .find(|w| w.text.starts_with(needle))
            .map(|w| w.x_min)
            .unwrap_or_else(|| panic!("no word {needle}"))
    };
    let bracket = start("［保存］");
    let plain = start("通常の項目です");
    // The bracket's glyph box includes its blank half; its ink starts half
    // an em later, flush with the plain item's text at most.
    assert!(
        (bracket - plain).abs() < 0.6,
        "［ at {bracket}, plain text at {plain}"
    );
}

#[test]
fn the_line_grid_registers_body_lines() {
    // The fixture with `body.line_grid = true`: every body line of every
    // sheet sits a whole number of line pitches (17 pt) below the text
    // area's top, whatever headings, lists and paragraph gaps come between.
    let site = scratch_dir("typography_grid_site");
    copy_dir(&fixture(), &site);
    std::fs::create_dir_all(site.join("layouts")).expect("layouts folder");
    std::fs::write(site.join("layouts/pdf.toml"), "[body]\nline_grid = true\n").expect("pdf.toml");
    let out = scratch_dir("typography_grid");
    let output = build_site(&site, &out, &["--region", "JP"])
        .output()
        .expect("tebiki runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let Some(words) = words(&out.join("manual-JP.pdf")) else {
        return;
    };
    let pitch = 17.0f32;
    let sheets = words.iter().map(|w| w.sheet).max().unwrap_or(0);
    let mut residues = Vec::new();
    // Body sheets: not the cover (sheet 1), not the table of contents
    // (leader dots), which are set off the grid.
    let toc = |sheet: usize| words.iter().any(|w| w.sheet == sheet && w.text == ".");
    for sheet in (2..=sheets).filter(|&s| !toc(s)) {
        for line in body_lines(&words, sheet) {
            // Plain body lines (10 pt, outside boxes and tables: those are
            // off the grid and drawn on a background or in cells).
            let w = &line[0];
            if (w.y_max - w.y_min - 10.0).abs() > 0.1 || w.x_min > 160.0 {
                continue;
            }
            if line
                .iter()
                .any(|w| w.text.contains("箱の中") || w.text.contains("セルの中"))
            {
                continue;
            }
            residues.push((sheet, w.y_min.rem_euclid(pitch), w.text.clone()));
        }
    }
    assert!(residues.len() > 40, "{residues:?}");
    let (_, first, _) = residues[0].clone();
    for (sheet, r, text) in &residues {
        let off = (r - first).abs().min(pitch - (r - first).abs());
        assert!(
            off < 0.3,
            "sheet {sheet}: line {text} is {off:.2} pt off the grid"
        );
    }
    // Without the grid the paragraph gap (half a line) puts lines off it.
    let Some(plain) = words_of_default_build() else {
        return;
    };
    let mut off_grid = false;
    for sheet in 1..=plain.iter().map(|w| w.sheet).max().unwrap_or(0) {
        for line in body_lines(&plain, sheet) {
            let r = line[0].y_min.rem_euclid(pitch);
            let off = (r - first).abs().min(pitch - (r - first).abs());
            off_grid |= off > 1.0;
        }
    }
    assert!(off_grid, "the default build has no line off the grid");
}

/// The word boxes of the fixture built with the default layout.
fn words_of_default_build() -> Option<Vec<Word>> {
    words(built())
}

/// Copies a folder tree.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}
