//! Issue 13, points 2 and 3 (figures and page fill, cross-references on
//! paper), measured on the PDFs of the sample site and of the stress fixture
//! `tests/fixtures/print/` built by the real binary:
//!
//! - page fill: every body sheet rendered by `pdftoppm`; where its body text
//!   ends (above the footnote rule) must leave at most a third of the text
//!   area empty, unless the next sheet opens a top-level section (an outline
//!   entry of the first level) or opens with an image taller than that space
//!   (a run of inked rows: a frame's or a table's sides), alone or after
//!   the heading and sentence that introduce it (kept with it);
//! - page references: on every body sheet, the numbers printed in
//!   「（→ p. N）」 are exactly the printed folios of the sheets the sheet's
//!   internal links go to (link annotations and named destinations, lopdf;
//!   text in content order, `pdftotext -raw`);
//! - URL notes: the URLs of external links whose text is not the URL are
//!   printed at the foot of the sheet, once per URL and content page, and
//!   stay clickable;
//! - the full-page screenshot (1440 × 20000) is split over sheets with the
//!   continuation mark, and the phone photo is embedded upright;
//! - a link on its target's sheet prints no page reference, and a long
//!   section title is shortened with 「…」 in the running head.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::pdf_output::named_destinations;
use crate::support::{scratch_dir, squeeze, tools};

/// Text area of an A4 sheet with the default `layouts/pdf.toml` (points).
const A4_MARGIN_TOP: f32 = 68.0;
const A4_MARGIN_BOTTOM: f32 = 62.0;
/// The text is 40 characters of 10 pt wide (`body.line_chars`), centred.
const A4_TEXT_WIDTH: f32 = 400.0;
const A4_MARGIN_LEFT: f32 = (A4_WIDTH - A4_TEXT_WIDTH) / 2.0;
const A4_HEIGHT: f32 = 841.89;
const A4_WIDTH: f32 = 595.28;

/// Rendering resolution of the fill measurement.
const DPI: f32 = 72.0;

/// Builds a site into a scratch folder once per test run; the JP PDF.
fn build(site: &Path, name: &str, output: &str) -> PathBuf {
    let out = scratch_dir(&format!("print_layout-{name}"));
    let run = tools::build_site(site, &out, &["--quiet"])
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("run tebiki");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out.join(format!("{output}-JP.pdf"))
}

fn fixture() -> &'static Path {
    static PDF: OnceLock<PathBuf> = OnceLock::new();
    PDF.get_or_init(|| {
        let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/print");
        build(&site, "fixture", "print")
    })
}

fn sample() -> &'static Path {
    static PDF: OnceLock<PathBuf> = OnceLock::new();
    PDF.get_or_init(|| build(crate::support::sample_site(), "sample", "manual"))
}

/// The body sheets (1-based) and their folios: from the sheet of the first
/// outline entry (the first content page) to the last sheet, numbered from 1
/// (`pdf_output` checks that these are the printed folios).
fn body_folios(pdf: &Path) -> BTreeMap<usize, u32> {
    let doc = lopdf::Document::load(pdf).expect("lopdf reads the pdf");
    let toc = doc.get_toc().expect("outline");
    let first = toc
        .toc
        .iter()
        .map(|e| e.page)
        .min()
        .expect("an outline entry");
    let last = doc.get_pages().len();
    (first..=last)
        .map(|sheet| (sheet, (sheet - first + 1) as u32))
        .collect()
}

/// The text of one sheet in content order (`pdftotext -raw`: the order the
/// layout wrote it, whatever the positions extraction guesses).
fn sheet_text(pdf: &Path, sheet: usize) -> Option<String> {
    let n = sheet.to_string();
    tools::pdftotext(pdf, &["-raw", "-f", &n, "-l", &n])
}

/// Grey rows of every sheet rendered at [`DPI`] (index 0 = sheet 1).
fn render(pdf: &Path) -> Vec<image::GrayImage> {
    // One folder per call: two tests render the same PDF at once.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = scratch_dir(&format!(
        "print_layout-render-{}-{call}",
        pdf.file_stem().and_then(|s| s.to_str()).unwrap_or("pdf")
    ));
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", &DPI.to_string(), "-gray", "-png"])
        .arg(pdf)
        .arg(dir.join("p"))
        .status();
    match status {
        Ok(status) => assert!(status.success(), "pdftoppm failed"),
        Err(err) => {
            tools::missing("pdftoppm", &err.to_string());
            return Vec::new();
        }
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("rendered pages")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| image::open(f).expect("png").to_luma8())
        .collect()
}

/// The row of the footnote rule of a rendered sheet: one run of faint ink
/// from the text area's left edge, a quarter of the text width long,
/// nothing else on the row (the lowest such row).
fn footnote_rule(sheet: &image::GrayImage) -> Option<u32> {
    let px = DPI / 72.0;
    let top = (A4_MARGIN_TOP * px) as u32;
    let bottom = ((A4_HEIGHT - A4_MARGIN_BOTTOM) * px) as u32;
    let left = (A4_MARGIN_LEFT * px) as u32;
    let right = ((A4_MARGIN_LEFT + A4_TEXT_WIDTH) * px) as u32;
    let width = right - left;
    let is_rule = |y: u32| {
        let marked: Vec<u32> = (left..right)
            .filter(|&x| sheet.get_pixel(x, y).0[0] < 235)
            .collect();
        let (Some(&first), Some(&last)) = (marked.first(), marked.last()) else {
            return false;
        };
        first <= left + 2
            && (last - first + 1) as usize == marked.len()
            && (marked.len() as f32) > width as f32 * 0.2
            && (marked.len() as f32) < width as f32 * 0.3
    };
    (top..bottom).rev().find(|&y| is_rule(y))
}

/// Whether the footnote rule lies in the lower half of the text area.
fn has_rule_in_lower_half(sheet: &image::GrayImage) -> bool {
    let px = DPI / 72.0;
    let middle =
        ((A4_MARGIN_TOP + (A4_HEIGHT - A4_MARGIN_TOP - A4_MARGIN_BOTTOM) / 2.0) * px) as u32;
    footnote_rule(sheet).is_some_and(|row| row > middle)
}

/// How full a sheet's text area is, as a share of its height: one less the
/// empty space between the lowest ink of the body and the footnote rule or
/// the area's foot.
fn body_fill(sheet: &image::GrayImage) -> f32 {
    let px = DPI / 72.0;
    let top = (A4_MARGIN_TOP * px) as u32;
    let bottom = ((A4_HEIGHT - A4_MARGIN_BOTTOM) * px) as u32;
    let left = (A4_MARGIN_LEFT * px) as u32;
    let right = ((A4_MARGIN_LEFT + A4_TEXT_WIDTH) * px) as u32;
    let ink = |x: u32, y: u32| sheet.get_pixel(x, y).0[0] < 200;
    let end = footnote_rule(sheet).map_or(bottom, |rule| rule.saturating_sub(1));
    let last_ink = (top..end)
        .rev()
        .find(|&y| (left..right).any(|x| ink(x, y)))
        .unwrap_or(top);
    // The notes take their share of the sheet: only the space between the
    // body and them is empty.
    1.0 - (end - last_ink) as f32 / (bottom - top) as f32
}

/// Where an image (or a table) that opens a sheet ends, in points from the
/// text area's top: the first run of rows that all carry ink (a framed
/// image's or a table's sides do; lines of text leave blank rows between
/// them) at least [`IMAGE_MIN`] tall, when it starts within [`INTRO_MAX`] of
/// the text area's top (after at most the heading and the sentence that
/// introduce it); 0 when there is none.
fn opening_image_bottom(sheet: &image::GrayImage) -> f32 {
    let px = DPI / 72.0;
    let top = (A4_MARGIN_TOP * px) as u32;
    let bottom = ((A4_HEIGHT - A4_MARGIN_BOTTOM) * px) as u32;
    let left = (A4_MARGIN_LEFT * px) as u32;
    let right = ((A4_MARGIN_LEFT + A4_TEXT_WIDTH) * px) as u32;
    let inked = |y: u32| (left..right).any(|x| sheet.get_pixel(x, y).0[0] < 235);
    let mut y = top;
    while y < bottom {
        if (y - top) as f32 / px > INTRO_MAX {
            break;
        }
        if !inked(y) {
            y += 1;
            continue;
        }
        let start = y;
        while y < bottom && inked(y) {
            y += 1;
        }
        if (y - start) as f32 / px >= IMAGE_MIN {
            return (y - top) as f32 / px;
        }
    }
    0.0
}

/// Shortest run of inked rows taken for an image (points).
const IMAGE_MIN: f32 = 40.0;
/// Most text before an opening image: the heading and the sentence that
/// introduce it (a heading and two body lines with their spaces).
const INTRO_MAX: f32 = 90.0;

/// Sheets (1-based) that open a first-level outline entry: a top-level
/// section starts there (a forced break).
fn section_starts(pdf: &Path) -> BTreeSet<usize> {
    let doc = lopdf::Document::load(pdf).expect("lopdf reads the pdf");
    let toc = doc.get_toc().expect("outline");
    toc.toc
        .iter()
        .filter(|entry| entry.level == 1)
        .map(|entry| entry.page)
        .collect()
}

/// Asserts the page-fill rule on every body sheet of `pdf`; returns the
/// number of body sheets checked.
fn assert_pages_are_filled(pdf: &Path) -> usize {
    let sheets = render(pdf);
    if sheets.is_empty() {
        return 0;
    }
    let body = body_folios(pdf);
    let sections = section_starts(pdf);
    let area = A4_HEIGHT - A4_MARGIN_TOP - A4_MARGIN_BOTTOM;
    let mut problems = Vec::new();
    for (&sheet, folio) in &body {
        let next = sheet + 1;
        if !body.contains_key(&next) {
            continue; // the last sheet ends the book
        }
        let fill = body_fill(&sheets[sheet - 1]);
        if fill >= 2.0 / 3.0 {
            continue;
        }
        if sections.contains(&next) {
            continue; // a section break follows
        }
        // An image or a table taller than the space left opens the next
        // sheet, alone or after the heading and sentence that introduce it.
        let space = area * (1.0 - fill);
        if opening_image_bottom(&sheets[next - 1]) > space {
            continue;
        }
        problems.push(format!(
            "sheet {sheet} (folio {folio}) ends {:.0} % empty",
            (1.0 - fill) * 100.0
        ));
    }
    assert!(problems.is_empty(), "{}: {problems:#?}", pdf.display());
    body.len()
}

#[test]
fn no_body_sheet_ends_more_than_a_third_empty_without_cause() {
    let checked = assert_pages_are_filled(sample()) + assert_pages_are_filled(fixture());
    if tools::pdftotext(sample(), &["-l", "1"]).is_some() {
        assert!(checked > 40, "only {checked} body sheets checked");
    }
}

/// The page-reference numbers printed on each sheet (1-based).
fn printed_refs(pdf: &Path, sheets: usize) -> BTreeMap<usize, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for sheet in 1..=sheets {
        let Some(text) = sheet_text(pdf, sheet) else {
            return out;
        };
        let text = squeeze(&text);
        let refs: BTreeSet<String> = text
            .split("（→p.")
            .skip(1)
            .filter_map(|rest| rest.split('）').next())
            .map(str::to_string)
            .collect();
        out.insert(sheet, refs);
    }
    out
}

/// The named destinations each sheet's link annotations go to (1-based).
fn link_targets(doc: &lopdf::Document) -> BTreeMap<usize, Vec<String>> {
    let mut out = BTreeMap::new();
    for (number, page_id) in doc.get_pages() {
        let mut names = Vec::new();
        for annot in doc.get_page_annotations(page_id).unwrap_or_default() {
            if let Ok(dest) = annot.get(b"Dest").and_then(|d| d.as_str()) {
                names.push(String::from_utf8_lossy(dest).into_owned());
            }
        }
        out.insert(number as usize, names);
    }
    out
}

/// Asserts that the page references printed on every body sheet are the
/// folios of the sheets its internal links go to; returns how many
/// references were checked.
fn assert_page_refs_match(pdf: &Path) -> usize {
    let body = body_folios(pdf);
    let doc = lopdf::Document::load(pdf).expect("lopdf reads the pdf");
    let dests = named_destinations(&doc);
    let targets = link_targets(&doc);
    let printed = printed_refs(pdf, doc.get_pages().len());
    if printed.is_empty() {
        return 0;
    }
    let mut checked = 0;
    for (&sheet, folio) in &body {
        // A link on its target's own sheet prints no page reference.
        let expected: BTreeSet<String> = targets
            .get(&sheet)
            .into_iter()
            .flatten()
            .filter(|name| !name.contains("#fn:") && !name.contains("#url:"))
            .filter_map(|name| dests.get(name))
            .filter_map(|page| body.get(&(*page as usize)))
            .filter(|target| *target != folio)
            .map(u32::to_string)
            .collect();
        let found = printed.get(&sheet).cloned().unwrap_or_default();
        assert_eq!(
            found,
            expected,
            "{}: sheet {sheet} (folio {:?})",
            pdf.display(),
            body.get(&sheet)
        );
        checked += found.len();
    }
    checked
}

#[test]
fn internal_links_print_their_targets_folio() {
    let fixture_refs = assert_page_refs_match(fixture());
    let sample_refs = assert_page_refs_match(sample());
    if tools::pdftotext(sample(), &["-l", "1"]).is_some() {
        assert!(
            fixture_refs >= 5,
            "{fixture_refs} references in the fixture"
        );
        assert!(sample_refs >= 15, "{sample_refs} references in the sample");
    }
}

#[test]
fn external_links_print_their_url_at_the_foot_of_the_sheet() {
    let body = body_folios(fixture());
    let sheets = render(fixture());
    let doc = lopdf::Document::load(fixture()).expect("lopdf reads the pdf");
    let mut notes = Vec::new();
    for &sheet in body.keys() {
        let Some(text) = sheet_text(fixture(), sheet) else {
            return;
        };
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        // A note reads `*N URL` (or the mark and the URL on two lines).
        for (i, line) in lines.iter().enumerate() {
            let Some(rest) = line.strip_prefix('*') else {
                continue;
            };
            let (mark, url) = match rest.split_once(' ') {
                Some((mark, url)) => (mark, url.trim()),
                None => (rest, lines.get(i + 1).copied().unwrap_or_default()),
            };
            if mark.parse::<u32>().is_ok() && url.starts_with("https://") {
                notes.push((sheet, mark.to_string(), url.to_string()));
            }
        }
    }
    let urls: Vec<&str> = notes.iter().map(|(_, _, u)| u.as_str()).collect();
    // The two links of the first page and the one support form (linked
    // twice, noted once); the link whose text is its URL gets no note.
    assert_eq!(
        urls,
        [
            "https://www.example.com/products/manual/print.html",
            "https://developer.example.com/docs/",
            "https://support.example.com/contact/form.html",
        ],
        "{notes:?}"
    );
    // Each sheet with notes has the footnote rule in the lower half of its
    // text area: the notes sit at its foot.
    for (sheet, _, url) in &notes {
        let Some(rendered) = sheets.get(sheet - 1) else {
            continue;
        };
        let fill = body_fill(rendered);
        assert!(fill < 1.0, "{url}: no footnote area on sheet {sheet}");
        assert!(
            has_rule_in_lower_half(rendered),
            "{url}: no footnote rule at the foot of sheet {sheet}"
        );
    }
    // The link and the note's URL are both clickable: two URI annotations
    // for each noted URL at least.
    let mut uris: BTreeMap<String, usize> = BTreeMap::new();
    for (_, page) in doc.get_pages() {
        for annot in doc.get_page_annotations(page).unwrap_or_default() {
            let uri = annot
                .get(b"A")
                .and_then(|a| doc.dereference(a))
                .and_then(|(_, a)| a.as_dict())
                .and_then(|a| a.get(b"URI"))
                .and_then(|u| u.as_str());
            if let Ok(uri) = uri {
                *uris
                    .entry(String::from_utf8_lossy(uri).into_owned())
                    .or_default() += 1;
            }
        }
    }
    for url in urls {
        assert!(uris.get(url).copied().unwrap_or(0) >= 2, "{url}: {uris:?}");
    }
}

#[test]
fn a_full_page_screenshot_is_split_over_sheets_and_photos_are_upright() {
    let body = body_folios(fixture());
    let mut marks = 0;
    for &sheet in body.keys() {
        let Some(text) = sheet_text(fixture(), sheet) else {
            return;
        };
        marks += usize::from(text.contains("次ページに続く"));
    }
    // 20000 px at the text width (471 pt for 1440 px) is about 6540 pt:
    // ten bands, nine continuation marks (the first band fills the sheet
    // where the image is introduced).
    assert!((8..=11).contains(&marks), "{marks} continuation marks");
    // The screenshot is embedded once, whole (each band shows its part of
    // it); the photo is 240 × 480 (upright), not 480 × 240 as stored.
    let Some(list) = tools::run_validator("pdfimages", &["-list"], fixture()) else {
        return;
    };
    let list = String::from_utf8_lossy(&list.stdout).into_owned();
    let sizes: Vec<(u32, u32)> = list
        .lines()
        .skip(2)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            Some((cols.get(3)?.parse().ok()?, cols.get(4)?.parse().ok()?))
        })
        .collect();
    let tall = sizes.iter().filter(|s| **s == (1440, 20_000)).count();
    assert_eq!(tall, marks + 1, "one placement per band: {sizes:?}");
    assert!(sizes.contains(&(240, 480)), "photo not upright: {sizes:?}");
    assert!(!sizes.contains(&(480, 240)), "photo sideways: {sizes:?}");
}

#[test]
fn a_page_reference_follows_its_link_text() {
    // The page reference follows its link's text in the extracted text (in
    // content order).
    let Some(text) = tools::pdftotext(fixture(), &["-raw"]) else {
        return;
    };
    let text = squeeze(&text);
    assert!(
        text.contains("手順7（→p."),
        "no page reference after the link: {}",
        text.chars().take(400).collect::<String>()
    );
}

#[test]
fn a_link_to_its_own_sheet_prints_no_page_reference() {
    // The fixture's cross-reference page links to a heading and to the
    // page's own title on the same sheet: both links are there (clickable),
    // neither prints a page number; the links to other sheets keep theirs.
    let body = body_folios(fixture());
    let doc = lopdf::Document::load(fixture()).expect("lopdf reads the pdf");
    let dests = named_destinations(&doc);
    let targets = link_targets(&doc);
    let Some((&sheet, _)) = body.iter().find(|(sheet, _)| {
        sheet_text(fixture(), **sheet).is_some_and(|t| squeeze(&t).contains("この章の冒頭"))
    }) else {
        assert!(
            tools::pdftotext(fixture(), &["-l", "1"]).is_none(),
            "no sheet with the same-sheet links"
        );
        return;
    };
    let text = squeeze(&sheet_text(fixture(), sheet).unwrap_or_default());
    assert!(
        text.contains("同じ紙の外への参照に、この章の始まりはこの章の冒頭にあります。"),
        "{text}"
    );
    assert!(text.contains("図と改ページ（→p."), "{text}");
    let own: Vec<&String> = targets[&sheet]
        .iter()
        .filter(|name| dests.get(*name) == Some(&(sheet as u32)))
        .filter(|name| !name.contains("#url:"))
        .collect();
    assert_eq!(own.len(), 2, "links to this sheet: {own:?}");
}

#[test]
fn a_long_section_title_ends_in_an_ellipsis_in_the_running_head() {
    // 「相互参照：同じ本の中の手順と外のウェブページへの参照」 does not fit
    // the 152 pt the section title gets in the head (8 pt type): it is cut
    // where a line may break and ends in 「…」.
    let title = "相互参照：同じ本の中の手順と外のウェブページへの参照";
    let body = body_folios(fixture());
    let Some(&last) = body.keys().last() else {
        panic!("no body sheets");
    };
    let Some(text) = tools::pdftotext(
        fixture(),
        &["-layout", "-f", &last.to_string(), "-l", &last.to_string()],
    ) else {
        return;
    };
    let head = text.lines().next().unwrap_or_default();
    let section = head
        .split("  ")
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .last()
        .unwrap_or_default();
    let shortened = section
        .strip_suffix('…')
        .unwrap_or_else(|| panic!("no ellipsis in the running head: {head:?}"));
    let shortened = squeeze(shortened);
    assert!(
        shortened.chars().count() >= 10 && title.starts_with(&shortened),
        "{shortened:?} is not the start of the title"
    );
    // Cut where a line may break: not before 「ー」, small kana or 」, not
    // after 「.
    let next = title[shortened.len()..].chars().next().unwrap_or(' ');
    assert!(
        !"ーャュョッァィゥェォ」）。、".contains(next),
        "cut before {next}"
    );
    assert!(!shortened.ends_with(['「', '（']), "{shortened}");
}

#[test]
fn the_fixture_pdf_and_epub_are_valid() {
    tools::assert_qpdf_clean(fixture(), "print fixture");
    let epub = fixture().with_extension("epub");
    tools::assert_epubcheck_clean(&[("print fixture".to_string(), epub)]);
}
