//! Exact text extraction from the sample's JP and CN PDFs (issue 13 §5): at
//! every boundary between Japanese (or Chinese) and Latin text of the
//! sample, what `pdftotext` (default, `-raw`, `-layout`) and pdf.js read is
//! the source text, with no space read into the gap JLREQ puts there. JP is
//! set in TrueType faces, CN in CFF faces (Noto Sans SC), whose twins come
//! from the face converted to TrueType outlines (`src/pdf/cff.rs`).
//!
//! Input: the sample site built by the binary under test (JP and CN, PDF
//! and EPUB); the EPUB's XHTML documents are the source text (after shortcodes
//! and region conditionals), the PDF is read by poppler's `pdftotext` and,
//! in an ignored test, by pdf.js (`tools/pdfjs_text.mjs`, pdfjs-dist from
//! npm). Output: assertions that every boundary's window of text comes
//! back exactly.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::scratch_dir;
use crate::support::tools::{build_sample, build_site, pdftotext, run_validator};

/// The regions checked: JP (TrueType faces) and CN (CFF faces).
const REGIONS: [&str; 2] = ["JP", "CN"];

/// The sample built once (JP and CN, PDF and EPUB) into a temporary folder
/// that lives as long as the test process.
fn sample() -> &'static PathBuf {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir").keep();
        let out = build_sample(&dir, &["--region", REGIONS[0], "--region", REGIONS[1]])
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .expect("tebiki runs");
        for region in REGIONS {
            assert!(
                dir.join(format!("manual-{region}.pdf")).is_file()
                    && dir.join(format!("manual-{region}.epub")).is_file(),
                "sample not built:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        dir
    })
}

/// A one-page JP site whose text draws 𠮷 from the bundled fallback face
/// (Tebiki Fallback JP, a CFF face) beside Latin text, built once (PDF);
/// the PDF's path.
fn fallback_pdf() -> &'static PathBuf {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = scratch_dir("extraction-fallback");
        std::fs::create_dir_all(dir.join("content")).expect("content folder");
        std::fs::write(
            dir.join("tebiki.toml"),
            "[book]\ntitle = \"T\"\nbase_url = \"https://example.com\"\n\n[regions.JP]\n",
        )
        .expect("tebiki.toml");
        std::fs::write(
            dir.join("content/x.md"),
            format!("---\ntitle: \"ページ\"\n---\n\n{FALLBACK_TEXT}\n"),
        )
        .expect("page");
        let out = build_site(&dir, &dir.join("out"), &["--format", "pdf"])
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .expect("tebiki runs");
        let pdf = dir.join("out/manual-JP.pdf");
        assert!(
            pdf.is_file(),
            "not built:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        pdf
    })
}

/// The fallback page's text: 𠮷 (only in the fallback face) before a Latin
/// run, after one, and next to bold and code.
const FALLBACK_TEXT: &str = "𠮷野家Webの𠮷2026年と𠮷CSVファイル、Linux𠮷と**𠮷**APIと`code`𠮷。";

/// The boundaries of [`FALLBACK_TEXT`] as the source reads them.
const FALLBACK_WINDOWS: [&str; 6] = [
    "𠮷野家Webの",
    "の𠮷2026年",
    "と𠮷CSVファ",
    "Linux𠮷と",
    "𠮷API",
    "code𠮷。",
];

/// One boundary between Japanese and Latin text in the source: the text
/// around it (up to three characters before and four after, not across a
/// space) and whether it stands in a table cell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Boundary {
    window: String,
    in_table: bool,
}

/// Whether `c` is Japanese (or Chinese) text: kana, kanji, full-width forms.
fn japanese(c: char) -> bool {
    c > '\u{2e7f}'
}

/// Every distinct boundary of the EPUB's text blocks (paragraphs, list
/// items, headings, cells, captions that hold no such block).
fn boundaries(epub: &Path) -> BTreeSet<Boundary> {
    let file = std::fs::File::open(epub).expect("epub");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let blocks = scraper::Selector::parse(
        "p, li, h1, h2, h3, h4, h5, h6, td, th, dt, dd, caption, figcaption",
    )
    .expect("selector");
    let mut found = BTreeSet::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if !name.ends_with(".xhtml") || name.ends_with("nav.xhtml") {
            continue;
        }
        let mut xhtml = String::new();
        entry.read_to_string(&mut xhtml).expect("utf-8");
        let doc = scraper::Html::parse_document(&xhtml);
        for block in doc.select(&blocks) {
            let holds_block = block
                .descendants()
                .skip(1)
                .filter_map(scraper::ElementRef::wrap)
                .any(|e| blocks.matches(&e));
            if holds_block {
                continue;
            }
            let in_table = std::iter::once(block)
                .chain(block.ancestors().filter_map(scraper::ElementRef::wrap))
                .any(|e| matches!(e.value().name(), "td" | "th"));
            let text: String = block.text().collect();
            let chars: Vec<char> = text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .collect();
            for i in 0..chars.len().saturating_sub(1) {
                let (a, b) = (chars[i], chars[i + 1]);
                let latin = |c: char| c.is_ascii_alphanumeric();
                if !((japanese(a) && latin(b)) || (latin(a) && japanese(b))) {
                    continue;
                }
                let mut l = i;
                while l > 0 && i - l < 3 && chars[l - 1] != ' ' {
                    l -= 1;
                }
                let mut r = i + 1;
                while r + 1 < chars.len() && r - i < 4 && chars[r + 1] != ' ' {
                    r += 1;
                }
                found.insert(Boundary {
                    window: chars[l..=r].iter().collect(),
                    in_table,
                });
            }
        }
    }
    found
}

/// The extracted text as one string: lines joined (each trimmed for
/// `-layout`, which indents them), and without what only the PDF prints: the
/// page references 「（→ p. 12）」 after internal links and the marks `*1` of
/// URL notes.
fn normalized(out: &str, trim: bool) -> String {
    let joined: String = out
        .split(['\n', '\u{c}'])
        .map(|l| if trim { l.trim() } else { l })
        .collect();
    let mut text = String::with_capacity(joined.len());
    let mut rest = joined.as_str();
    while let Some(c) = rest.chars().next() {
        let digits_after = |prefix: &str| {
            rest.strip_prefix(prefix).map(|after| {
                let n = after.chars().take_while(char::is_ascii_digit).count();
                (n, after)
            })
        };
        if let Some((n, after)) = digits_after("（→ p. ")
            && n > 0
            && after[n..].starts_with('）')
        {
            rest = &after[n + '）'.len_utf8()..];
            continue;
        }
        if let Some((n, after)) = digits_after("*")
            && n > 0
        {
            rest = &after[n..];
            continue;
        }
        text.push(c);
        rest = &rest[c.len_utf8()..];
    }
    text
}

/// What is wrong when not every boundary (only those outside tables
/// unless `tables`) is found in `text`: how many of how many, and which.
fn not_found(reader: &str, text: &str, all: &BTreeSet<Boundary>, tables: bool) -> Option<String> {
    let checked: Vec<&Boundary> = all.iter().filter(|b| tables || !b.in_table).collect();
    let missing: Vec<&str> = checked
        .iter()
        .filter(|b| !text.contains(&b.window))
        .map(|b| b.window.as_str())
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "{reader}: {} of {} Japanese–Latin boundaries of the sample do not read as in the source: {missing:?}",
            missing.len(),
            checked.len()
        )
    })
}

/// Asserts that no reader of `failures` missed a boundary (all of them
/// reported, so one run measures every reader).
fn assert_none(failures: &[String]) {
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The sample has a few hundred boundaries per region (277 distinct ones
/// in JP, 226 in CN when this was written): a check of fewer would check
/// little.
fn assert_enough(region: &str, all: &BTreeSet<Boundary>) {
    assert!(
        all.len() > 150,
        "{region}: only {} boundaries found",
        all.len()
    );
    let cells = all.iter().filter(|b| b.in_table).count();
    eprintln!(
        "{region}: {} boundaries, {cells} of them in table cells",
        all.len()
    );
}

/// poppler reads every Japanese–Latin boundary of `region`'s sample
/// exactly: in content order (`-raw`) all of them, cells included; in its
/// reading order (default) and in physical layout (`-layout`) all outside
/// tables (there, a cell's wrapped lines stand beside other cells' lines).
fn pdftotext_reads_every_boundary(region: &str) {
    let dir = sample();
    let all = boundaries(&dir.join(format!("manual-{region}.epub")));
    assert_enough(region, &all);
    let pdf = dir.join(format!("manual-{region}.pdf"));
    let mut failures = Vec::new();
    for (args, trim, tables) in [
        (&["-raw"][..], false, true),
        (&[][..], false, false),
        (&["-layout"][..], true, false),
    ] {
        let Some(out) = pdftotext(&pdf, args) else {
            return;
        };
        failures.extend(not_found(
            &format!("{region}: pdftotext {args:?}"),
            &normalized(&out, trim),
            &all,
            tables,
        ));
    }
    assert_none(&failures);
}

/// JP: set in TrueType faces (BIZ UDPGothic).
#[test]
fn pdftotext_reads_every_japanese_latin_boundary_of_the_sample_exactly() {
    pdftotext_reads_every_boundary("JP");
}

/// CN: set in CFF faces (Noto Sans SC, Regular and Bold), whose twins come
/// from the faces converted to TrueType outlines.
#[test]
fn pdftotext_reads_every_boundary_of_the_cn_sample_exactly() {
    pdftotext_reads_every_boundary("CN");
}

/// Text drawn from the bundled fallback face, a CFF face, reads exactly in
/// pdftotext's three modes: the face is embedded converted to TrueType
/// outlines, with twins for its glyphs before a gap.
#[test]
fn pdftotext_reads_text_of_the_bundled_cff_fallback_face_exactly() {
    let pdf = fallback_pdf();
    if let Some(out) = run_validator("pdffonts", &[], pdf) {
        let listing = String::from_utf8_lossy(&out.stdout);
        assert!(
            listing
                .lines()
                .any(|l| l.contains("TebikiFallbackJP") && l.contains("CID TrueType")),
            "{listing}"
        );
    }
    let mut failures = Vec::new();
    for args in [&["-raw"][..], &[][..], &["-layout"][..]] {
        let Some(out) = pdftotext(pdf, args) else {
            return;
        };
        let text = normalized(&out, true);
        for window in FALLBACK_WINDOWS {
            if !text.contains(window) {
                failures.push(format!("pdftotext {args:?}: {window} not in {text}"));
            }
        }
    }
    assert_none(&failures);
}

/// pdf.js (`getTextContent`, what its text layer, copy and find use) reads
/// every Japanese–Latin boundary of the JP and CN samples exactly, cells
/// included, and the text of the bundled CFF fallback face. Needs Node and an installed pdfjs-dist, which CI does not
/// have: `npm install pdfjs-dist` somewhere, then
/// `TEBIKI_PDFJS=…/node_modules/pdfjs-dist cargo test --test it -- --ignored pdfjs`
/// (measured with 4.10.38 and 6.5.438; docs/typography.md).
#[test]
#[ignore = "needs Node and pdfjs-dist (TEBIKI_PDFJS=…/node_modules/pdfjs-dist)"]
fn pdfjs_reads_every_japanese_latin_boundary_of_the_sample_exactly() {
    let dist = std::env::var_os("TEBIKI_PDFJS")
        .expect("TEBIKI_PDFJS names an installed pdfjs-dist folder");
    let dir = sample();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/pdfjs_text.mjs");
    let mut failures = Vec::new();
    for region in REGIONS {
        let all = boundaries(&dir.join(format!("manual-{region}.epub")));
        assert_enough(region, &all);
        let out = Command::new("node")
            .arg(&script)
            .arg(&dist)
            .arg(dir.join(format!("manual-{region}.pdf")))
            .output()
            .expect("node runs");
        assert!(
            out.status.success(),
            "pdf.js failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("utf-8");
        failures.extend(not_found(
            &format!("{region}: pdf.js"),
            &normalized(&text, false),
            &all,
            true,
        ));
    }
    // The page drawn from the bundled CFF fallback face.
    let out = Command::new("node")
        .arg(&script)
        .arg(&dist)
        .arg(fallback_pdf())
        .output()
        .expect("node runs");
    let text = normalized(&String::from_utf8_lossy(&out.stdout), false);
    for window in FALLBACK_WINDOWS {
        if !text.contains(window) {
            failures.push(format!("fallback face: pdf.js: {window} not in {text}"));
        }
    }
    assert_none(&failures);
}

#[test]
fn normalized_drops_page_references_and_note_marks_only() {
    assert_eq!(
        normalized("設定（→ p. 12）を*1見る\n*x（→ p. ）", false),
        "設定を見る*x（→ p. ）"
    );
    assert_eq!(normalized("  一行目\n  二行目\u{c}", true), "一行目二行目");
}
