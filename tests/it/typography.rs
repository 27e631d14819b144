//! Issue 13 §1 and §5 on paper: the stress fixture `tests/fixtures/typography`
//! (long inline code, URLs and identifiers in Japanese sentences, the
//! ideographic space, lists in boxes and cells, a wrapped heading) builds,
//! and its body text spans exactly 40 em on A4 (JP) and on Letter (US),
//! measured on the rendered sheets.
//!
//! Input: the fixture, built by the `tebiki` binary, and sheets rendered by
//! poppler's `pdftoppm` at 72 dpi (one pixel a point). Output: assertions on
//! the ink's horizontal extent. The gaps of justified lines, the bullets and
//! the line grid are measured on the laid-out frames in
//! `src/layout/typography_tests.rs` (`pdftotext -bbox` cannot: the lines'
//! `ActualText` spans hide the glyph boxes).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::scratch_dir;
use crate::support::tools::{build_site, missing};

/// The fixture site.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/typography")
}

/// The fixture's output folder, built once (every region).
fn built() -> &'static PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let out = scratch_dir("typography");
        let output = build_site(&fixture(), &out, &[])
            .output()
            .expect("tebiki runs");
        assert!(
            output.status.success(),
            "build failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        out
    })
}

/// Sheet `sheet` (from 1) of `pdf` rendered in grey at 72 dpi: (width,
/// height, pixels row by row), or `None` after the skip rule.
fn render(pdf: &Path, sheet: usize) -> Option<(usize, usize, Vec<u8>)> {
    let n = sheet.to_string();
    let out = match Command::new("pdftoppm")
        .args(["-gray", "-r", "72", "-f", &n, "-l", &n])
        .arg(pdf)
        .output()
    {
        Ok(out) => out,
        Err(err) => {
            missing("pdftoppm", &err.to_string());
            return None;
        }
    };
    assert!(out.status.success(), "pdftoppm failed");
    // A binary PGM: "P5\n<w> <h>\n<max>\n" then the pixels.
    let bytes = out.stdout;
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let start = at;
        while bytes.get(at).is_some_and(|b| !b.is_ascii_whitespace()) {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P5", "a PGM");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = bytes[at + 1..].to_vec();
    assert_eq!(pixels.len(), w * h);
    Some((w, h, pixels))
}

/// The leftmost and rightmost inked columns between rows `top` and
/// `bottom` (running head and folio left out).
fn ink_extent(w: usize, pixels: &[u8], top: usize, bottom: usize) -> (usize, usize) {
    let mut left = w;
    let mut right = 0;
    for row in pixels.chunks(w).take(bottom).skip(top) {
        for (x, &p) in row.iter().enumerate() {
            if p < 160 {
                left = left.min(x);
                right = right.max(x);
            }
        }
    }
    (left, right)
}

#[test]
fn the_body_line_is_forty_characters_on_a4_and_letter() {
    for (region, paper_width) in [("JP", 595), ("US", 612)] {
        let pdf = built().join(format!("manual-{region}.pdf"));
        // Sheet 4: the first body page (cover, contents, section title).
        let Some((w, h, pixels)) = render(&pdf, 4) else {
            return;
        };
        assert!((w as i64 - paper_width).abs() <= 1, "{region}: {w} px wide");
        let (left, right) = ink_extent(w, &pixels, 80, h - 60);
        let measure = (right + 1 - left) as f32;
        assert!(
            (measure - 400.0).abs() <= 2.0,
            "{region}: body ink spans {measure} pt ({left}..{right}), not 40 em of 10 pt"
        );
        // Centred on the paper.
        let margins = (left as i64, w as i64 - right as i64 - 1);
        assert!((margins.0 - margins.1).abs() <= 2, "{region}: {margins:?}");
    }
}
