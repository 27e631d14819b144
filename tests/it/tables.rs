//! Tables in print and on a phone (issue 13 §4 and §7).
//!
//! Input: the fixture site `tests/fixtures/tables` (column widths from
//! content, `width` attributes, a `th` row inside `tbody`, headers near the
//! foot of a sheet, lists in cells, a table of 70 columns), built by the
//! `tebiki` binary. Output: assertions on word positions from
//! `pdftotext -bbox-layout` (widths and type sizes are checked on the
//! frames by the unit tests in `src/layout/flow/table.rs`), on the sheets' text, on the warning's
//! `path:line:col`, on the EPUB's XHTML and CSS, and EPUBCheck 0/0.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::support::tools::{assert_epubcheck_clean, build_site, pdf_sheet_texts, pdftotext};
use crate::support::{scratch_dir, squeeze};

/// The fixture site.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tables")
}

/// Builds the fixture once per test into its own folder; returns the folder
/// and stderr.
fn build(out: &str) -> (PathBuf, String) {
    let out = scratch_dir(out);
    let run = build_site(&fixture(), &out, &[])
        .output()
        .expect("tebiki runs");
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "build failed:\n{stderr}");
    (out, stderr)
}

/// A word of `pdftotext -bbox-layout` with its left edge (lines carry ActualText, so pdftotext reports a line's text as one
/// word at its start, with no extent).
#[derive(Debug, Clone)]
struct Word {
    x_min: f32,
    text: String,
}

/// Every word of `pdf` with its box; `None` when pdftotext is missing.
fn words(pdf: &Path) -> Option<Vec<Word>> {
    let xml = pdftotext(pdf, &["-bbox-layout"])?;
    let mut out = Vec::new();
    for page in xml.split("<page ").skip(1) {
        for chunk in page.split("<word ").skip(1) {
            let attr = |name: &str| -> f32 {
                let key = format!("{name}=\"");
                let start = chunk.find(&key).map(|i| i + key.len()).expect("attribute");
                let end = chunk[start..].find('"').expect("closing quote") + start;
                chunk[start..end].parse().expect("a number")
            };
            let text_start = chunk.find('>').expect("word text") + 1;
            let text_end = chunk.find("</word>").expect("word end");
            out.push(Word {
                x_min: attr("xMin"),
                text: chunk[text_start..text_end].to_string(),
            });
        }
    }
    Some(out)
}

/// The first word whose text is exactly `text`.
fn word<'w>(words: &'w [Word], text: &str) -> &'w Word {
    words
        .iter()
        .find(|w| w.text == text)
        .unwrap_or_else(|| panic!("no word `{text}` in the PDF"))
}

#[test]
fn column_widths_follow_the_content() {
    let (out, _) = build("tables-widths");
    let Some(words) = words(&out.join("manual-JP.pdf")) else {
        return;
    };
    // The short header is one line (one text span) on its own: never
    // broken inside. (Widths are measured on the frames in the unit tests
    // of layout/flow/table.rs.)
    word(&words, "最大文字数");
    assert!(
        !words.iter().any(|w| w.text == "最大文字"),
        "「最大文字数」 is broken"
    );
    // The mostly empty example column (one address) takes less than a
    // quarter of the width left of the remarks (it took half before).
    let first = word(&words, "列");
    let example = word(&words, "例");
    let next = words
        .iter()
        .find(|w| w.text.starts_with("省略"))
        .expect("the column after the example");
    let remarks = word(&words, "備考");
    let example_width = next.x_min - example.x_min;
    let before_remarks = remarks.x_min - first.x_min;
    assert!(
        example_width < 0.25 * before_remarks,
        "example {example_width} pt of {before_remarks} pt"
    );
}

#[test]
fn width_attributes_are_preferred_widths() {
    let (out, _) = build("tables-width-attributes");
    let Some(words) = words(&out.join("manual-JP.pdf")) else {
        return;
    };
    // <col width="20%"><col width="50%"><col>: the columns' left edges.
    let (a, b, c) = (
        word(&words, "区分").x_min,
        word(&words, "説明").x_min,
        word(&words, "値").x_min,
    );
    let ratio = (b - a) / (c - b);
    assert!((ratio - 0.4).abs() < 0.02, "20 % : 50 % gave {ratio}");
    // <th width="120">: 120 px = 90 pt.
    let first = word(&words, "名前").x_min;
    let second = word(&words, "内容").x_min;
    assert!(
        ((second - first) - 90.0).abs() < 1.0,
        "120 px column is {} pt",
        second - first
    );
}

#[test]
fn th_rows_in_tbody_repeat_and_headers_stay_with_a_body_row() {
    let (out, _) = build("tables-header-rows");
    let Some(sheets) = pdf_sheet_texts(&out.join("manual-JP.pdf")) else {
        return;
    };
    let sheets: Vec<String> = sheets.iter().map(|s| squeeze(s)).collect();
    // The 70-row table without thead crosses sheets; its th row repeats.
    let with_rows: Vec<&String> = sheets
        .iter()
        .filter(|s| s.contains("この行は見出しの繰り返し"))
        .collect();
    assert!(with_rows.len() >= 2, "the long table spans sheets");
    for sheet in &with_rows {
        assert!(
            sheet.contains("番号") && sheet.contains("内容"),
            "header row missing on a sheet of the table:\n{sheet}"
        );
    }
    // Fourteen small tables after paragraphs of varying length: wherever a
    // header is printed, its first body row is on the same sheet.
    for t in 1..=14 {
        let header = format!("見出し{t:02}");
        let first_row = format!("表{t:02}行1");
        let found: Vec<&String> = sheets.iter().filter(|s| s.contains(&header)).collect();
        assert!(!found.is_empty(), "{header} printed");
        for sheet in found {
            assert!(
                sheet.contains(&first_row),
                "{header} alone at the foot of a sheet"
            );
        }
    }
    // The EPUB writes the th row as the table's head.
    let xhtml = epub_member(&out.join("manual-JP.epub"), "header_rows.xhtml");
    let head = xhtml
        .split("<thead>")
        .nth(1)
        .and_then(|rest| rest.split("</thead>").next())
        .expect("a thead");
    assert!(head.contains("番号"), "{head}");
}

#[test]
fn a_table_of_seventy_columns_keeps_every_column_and_warns() {
    let (out, stderr) = build("tables-wide");
    assert!(
        stderr.contains("content/wide.md:7:1") && stderr.contains("70 columns"),
        "warning at the table:\n{stderr}"
    );
    let Some(text) = pdftotext(&out.join("manual-JP.pdf"), &[]) else {
        return;
    };
    let text = squeeze(&text);
    for c in 1..=70 {
        for cell in [format!("H{c:02}"), format!("r3c{c:02}")] {
            assert!(text.contains(&cell), "column {c} lost: no {cell}");
        }
    }
}

#[test]
fn epub_tables_read_on_a_phone() {
    let (out, _) = build("tables-epub");
    let epub = out.join("manual-JP.epub");
    let css = epub_member(&epub, "epub.css");
    let cells = css
        .split("th, td {")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("a th, td rule");
    assert!(
        !cells.contains("anywhere"),
        "cells must not break words anywhere: {cells}"
    );
    assert!(css.contains("text-justify: inter-character"));
    let widths = epub_member(&epub, "widths.xhtml");
    assert!(
        widths.contains("class=\"table-wrap wide\""),
        "6 columns are wide"
    );
    assert!(widths.contains("<col style=\"width: 20%\"/>"), "{widths}");
    assert!(widths.contains("style=\"width: 120px\""), "{widths}");
    assert!(widths.contains("class=\"align-left long\""), "{widths}");
    assert_epubcheck_clean(&[("tables".into(), epub)]);
}

/// The text of the EPUB member whose name ends with `suffix`.
fn epub_member(epub: &Path, suffix: &str) -> String {
    let file = std::fs::File::open(epub).expect("epub exists");
    let mut zip = zip::ZipArchive::new(file).expect("epub is a zip");
    for i in 0..zip.len() {
        let mut member = zip.by_index(i).expect("member");
        if member.name().is_ok_and(|n| n.ends_with(suffix)) {
            let mut text = String::new();
            member.read_to_string(&mut text).expect("member reads");
            return text;
        }
    }
    panic!("no member ending in {suffix}");
}
