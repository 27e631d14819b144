//! Issue 12, points 4 and 13: images inside running text stay in their
//! sentence, and the EPUB's accessibility metadata says what is true of the
//! book's images.
//!
//! Input: the fixture `tests/fixtures/hugo/p04_inline_images` (Hugo's p04
//! reference page with icons in sentences, table cells and list items; Hugo's
//! own output beside it as `hugo-JP.html`), built by the `tebiki` binary.
//! Output: assertions on the model (parsed with the library), the EPUB's
//! XHTML document and package document (and EPUBCheck), and the PDF's text
//! (pdftotext) and image placement (lopdf).

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use tebiki::model::{Block, Inline};

use crate::support::front::parse_site;
use crate::support::tools::{assert_epubcheck_clean, build_site, pdftotext};
use crate::support::{scratch_dir, squeeze};

/// The fixture site.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hugo/p04_inline_images")
}

/// The fixture's only page, relative to its content folder.
const PAGE: &str = "p04_inline_images.md";

/// The sentence of the issue: an icon between 「…」欄に and が表示されない.
const BEFORE: &str = "「ログイン名」欄に";
const AFTER: &str = "が表示されない場合は、管理者に連絡してください。";

/// `tebiki build` of `site` into a fresh folder named `name`.
fn build(site: &Path, name: &str) -> (PathBuf, Output) {
    let out = scratch_dir(name);
    let output = build_site(site, &out, &[]).output().expect("tebiki runs");
    (out, output)
}

/// The fixture built once for every test here: (output folder, stderr).
fn built() -> &'static (PathBuf, String) {
    static BUILT: OnceLock<(PathBuf, String)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let (out, output) = build(&fixture(), "hugo_inline_p04");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "build failed: {stderr}");
        (out, stderr)
    })
}

/// A member of a zip file as text.
fn zip_text(zip: &Path, member: &str) -> String {
    let file = std::fs::File::open(zip).expect("epub opens");
    let mut archive = zip::ZipArchive::new(file).expect("epub is a zip");
    let mut entry = archive.by_name(member).expect("member exists");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut entry, &mut text).expect("utf-8 member");
    text
}

/// The fixture page resolved for JP and parsed.
fn model_blocks() -> Vec<Block> {
    let parsed = parse_site(&fixture(), "JP");
    let errors: Vec<_> = parsed
        .diags
        .iter()
        .filter(|d| d.severity == tebiki::diag::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    parsed.page(PAGE).to_vec()
}

/// Paragraph content as text with `<img ALT>` where an image stands.
fn marked(content: &[Inline]) -> String {
    let mut out = String::new();
    for inline in content {
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Image(i) => out.push_str(&format!("<img {}>", i.alt)),
            Inline::Styled(_, inner) => out.push_str(&marked(inner)),
            Inline::Link(l) => out.push_str(&marked(&l.content)),
            Inline::LineBreak => out.push('\n'),
            Inline::FootnoteRef(n) => out.push_str(&format!("[^{n}]")),
        }
    }
    out
}

#[test]
fn model_keeps_images_inside_their_sentences() {
    let blocks = model_blocks();
    let paragraphs: Vec<String> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(marked(&p.content)),
            _ => None,
        })
        .collect();
    for expected in [
        "「<img >」をクリックします。",
        "「<img 歯車>」をクリックします（alt と title あり）。",
        "段落の中の生の<img 歯車>をクリックします。",
        &format!("{BEFORE}<img >{AFTER}"),
    ] {
        assert!(
            paragraphs.iter().any(|p| p == expected),
            "{expected} not in {paragraphs:#?}"
        );
    }
    // Table cells (Markdown and raw HTML) and list items keep theirs.
    let mut cells = Vec::new();
    let mut items = Vec::new();
    for block in &blocks {
        match block {
            Block::Table(t) => {
                for cell in t.body.iter().flat_map(|r| &r.cells) {
                    if let [Block::Paragraph(p)] = cell.blocks.as_slice() {
                        cells.push(marked(&p.content));
                    }
                }
            }
            Block::List(l) => {
                for item in &l.items {
                    if let Some(Block::Paragraph(p)) = item.blocks.first() {
                        items.push(marked(&p.content));
                    }
                }
            }
            _ => {}
        }
    }
    for expected in [
        "<img 歯車> をクリックします。",
        "<img 表の中>を押します。",
        "生の表 <img 鉛筆> をクリックします。",
    ] {
        assert!(
            cells.iter().any(|c| c == expected),
            "{expected} not in {cells:?}"
        );
    }
    assert_eq!(
        items,
        [
            "画面右上の<img 歯車>をクリックします。",
            "「<img 鉛筆>編集」をクリックして、設定を変更します。"
        ]
    );
    // Only what stands alone (and `screen`) is a figure, in source order.
    let figures: Vec<&str> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Figure(f) => Some(f.image.src.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        figures,
        [
            "/general/img-ja/user_list.png",
            "/img/icon_gear.png",
            "/general/img-ja/raw_only.png",
            "/general/img-ja/inline_screen.png"
        ]
    );
}

#[test]
fn epub_sets_icons_as_inline_img_in_the_paragraph() {
    let (out, stderr) = built();
    assert!(!stderr.contains("warning:"), "{stderr}");
    let epub = out.join("p04-JP.epub");
    let xhtml = zip_text(&epub, "OEBPS/text/p04_inline_images.xhtml");
    let icon = "<img src=\"../images/icon_gear.png\" alt=\"\" class=\"inline-image\"";
    assert!(
        xhtml.contains(&format!("<p>{BEFORE}{icon}")),
        "the icon is not inside the sentence's <p>: {xhtml}"
    );
    let after = xhtml
        .split(&format!("<p>{BEFORE}"))
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or_default();
    assert!(after.ends_with(&format!("/>{AFTER}")), "{after}");
    assert!(
        xhtml.contains(
            "<td><img src=\"../images/icon_gear.png\" alt=\"歯車\" class=\"inline-image\""
        )
    );
    assert!(xhtml.contains(
        "<li><p>画面右上の<img src=\"../images/icon_gear.png\" alt=\"歯車\" class=\"inline-image\""
    ));
    assert!(xhtml.contains("title=\"設定\""));
    // Each image file is in the package once, however often it is shown.
    let opf = zip_text(&epub, "OEBPS/content.opf");
    assert_eq!(opf.matches("images/icon_gear.png").count(), 1, "{opf}");
    // The style sheet caps inline images at the text's em.
    let css = zip_text(&epub, "OEBPS/css/epub.css");
    assert!(css.contains("img.inline-image") && css.contains("max-height: 1em"));
    assert_epubcheck_clean(&[("p04 JP".into(), epub)]);
}

/// Words of `pdftotext -bbox`, grouped by line (same top within ½ pt, left
/// to right; poppler's own `-bbox-layout` lines split a line in two where
/// its column detection sees a gap): each line's box (yMin, yMax,
/// top-down) and its text.
fn bbox_lines(pdf: &Path) -> Option<Vec<(f32, f32, String)>> {
    let html = pdftotext(pdf, &["-bbox"])?;
    let attr = |tag: &str, name: &str| -> f32 {
        tag.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|v| v.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(f32::NAN)
    };
    // (yMin, yMax, [(xMin, text)]) per line, per page.
    type Words = Vec<(f32, String)>;
    let mut lines: Vec<(f32, f32, Words)> = Vec::new();
    for page in html.split("<page ").skip(1) {
        let first = lines.len();
        for chunk in page.split("<word ").skip(1) {
            let head = chunk.split('>').next().unwrap_or_default();
            let text = chunk
                .split('>')
                .nth(1)
                .and_then(|w| w.split("</word").next())
                .unwrap_or_default()
                .to_owned();
            let (y0, y1, x0) = (attr(head, "yMin"), attr(head, "yMax"), attr(head, "xMin"));
            match lines[first..]
                .iter_mut()
                .find(|(top, _, _)| (top - y0).abs() < 0.5)
            {
                Some((_, bottom, words)) => {
                    *bottom = bottom.max(y1);
                    words.push((x0, text));
                }
                None => lines.push((y0, y1, vec![(x0, text)])),
            }
        }
    }
    Some(
        lines
            .into_iter()
            .map(|(y0, y1, mut words)| {
                words.sort_by(|a, b| a.0.total_cmp(&b.0));
                let text: Vec<String> = words.into_iter().map(|(_, t)| t).collect();
                (y0, y1, text.join(" "))
            })
            .collect(),
    )
}

/// The boxes (x0, y0, x1, y1, top-down, in pt) of every image drawn on
/// `page` (1-based), from the content stream's transformations.
fn image_boxes(doc: &lopdf::Document, page: u32) -> Vec<[f32; 4]> {
    let pages = doc.get_pages();
    let id = *pages.get(&page).expect("page exists");
    let height = doc
        .get_dictionary(id)
        .ok()
        .and_then(|d| d.get(b"MediaBox").ok())
        .and_then(|b| b.as_array().ok())
        .and_then(|b| Some(b.get(3)?.as_float().ok()? - b.get(1)?.as_float().ok()?))
        .expect("media box");
    let content = doc
        .get_and_decode_page_content(id)
        .expect("content decodes");
    let xobjects = page_image_names(doc, id);
    let mut stack = vec![[1.0f32, 0.0, 0.0, 1.0, 0.0, 0.0]];
    let mut boxes = Vec::new();
    let num = |o: &lopdf::Object| o.as_float().unwrap_or(0.0);
    for op in &content.operations {
        match op.operator.as_str() {
            "q" => {
                let top = *stack.last().expect("ctm");
                stack.push(top);
            }
            "Q" if stack.len() > 1 => {
                stack.pop();
            }
            "cm" => {
                let m: Vec<f32> = op.operands.iter().map(num).collect();
                if let (Some(top), [a, b, c, d, e, f]) = (stack.last_mut(), m.as_slice()) {
                    let t = *top;
                    *top = [
                        a * t[0] + b * t[2],
                        a * t[1] + b * t[3],
                        c * t[0] + d * t[2],
                        c * t[1] + d * t[3],
                        e * t[0] + f * t[2] + t[4],
                        e * t[1] + f * t[3] + t[5],
                    ];
                }
            }
            "Do" => {
                let name = op.operands.first().and_then(|o| o.as_name().ok());
                if name.is_some_and(|n| xobjects.iter().any(|x| x == n))
                    && let Some(m) = stack.last()
                {
                    let corners = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)]
                        .map(|(u, v)| (m[0] * u + m[2] * v + m[4], m[1] * u + m[3] * v + m[5]));
                    let xs = corners.map(|c| c.0);
                    let ys = corners.map(|c| height - c.1);
                    let min = |v: [f32; 4]| v.into_iter().fold(f32::INFINITY, f32::min);
                    let max = |v: [f32; 4]| v.into_iter().fold(f32::NEG_INFINITY, f32::max);
                    boxes.push([min(xs), min(ys), max(xs), max(ys)]);
                }
            }
            _ => {}
        }
    }
    boxes
}

/// Names of the image XObjects in a page's resources.
fn page_image_names(doc: &lopdf::Document, page: lopdf::ObjectId) -> Vec<Vec<u8>> {
    let mut names = Vec::new();
    let (resources, ids) = doc.get_page_resources(page).expect("resources");
    let mut dicts: Vec<&lopdf::Dictionary> = resources.into_iter().collect();
    for id in ids {
        if let Ok(d) = doc.get_dictionary(id) {
            dicts.push(d);
        }
    }
    for dict in dicts {
        let Ok(xobjects) = dict.get(b"XObject") else {
            continue;
        };
        let xobjects = match xobjects {
            lopdf::Object::Reference(r) => doc.get_dictionary(*r).ok(),
            lopdf::Object::Dictionary(d) => Some(d),
            _ => None,
        };
        for (name, value) in xobjects.into_iter().flat_map(|d| d.iter()) {
            let stream = value
                .as_reference()
                .ok()
                .and_then(|r| doc.get_object(r).ok())
                .and_then(|o| o.as_stream().ok());
            let is_image = stream.is_some_and(|s| {
                s.dict
                    .get(b"Subtype")
                    .and_then(|t| t.as_name())
                    .is_ok_and(|t| t == b"Image")
            });
            if is_image {
                names.push(name.clone());
            }
        }
    }
    names
}

#[test]
fn pdf_sets_the_icon_on_the_line_of_its_sentence() {
    let (out, stderr) = built();
    assert!(!stderr.contains("pdf/ua"), "{stderr}");
    let pdf = out.join("p04-JP.pdf");
    let Some(lines) = bbox_lines(&pdf) else {
        return;
    };
    // The sentence is one line: the text before and after the icon together.
    let (y0, y1, line) = lines
        .iter()
        .find(|(_, _, text)| text.contains(BEFORE))
        .unwrap_or_else(|| panic!("no line with {BEFORE}: {lines:?}"))
        .clone();
    assert!(
        squeeze(&line).starts_with(&format!("{BEFORE}{AFTER}")),
        "{line}"
    );
    // The extracted text has the sentence whole, in content order (poppler's
    // default reading order cuts a line into blocks at an inline image).
    let text = pdftotext(&pdf, &["-raw"]).unwrap_or_default();
    assert!(
        squeeze(&text).contains(&squeeze(&format!("{BEFORE}{AFTER}"))),
        "{text}"
    );
    // An icon is drawn inside that line's box, no taller than the text.
    let bytes = std::fs::read(&pdf).expect("pdf");
    let doc = lopdf::Document::load_mem(&bytes).expect("lopdf reads the pdf");
    let page = (1..=doc.get_pages().len() as u32)
        .find(|&n| {
            doc.extract_text(&[n])
                .is_ok_and(|t| squeeze(&t).contains("ログイン名"))
        })
        .expect("page with the sentence");
    let boxes = image_boxes(&doc, page);
    let on_line: Vec<&[f32; 4]> = boxes
        .iter()
        .filter(|b| {
            let middle = (b[1] + b[3]) / 2.0;
            middle > y0 && middle < y1
        })
        .collect();
    assert_eq!(on_line.len(), 1, "line {y0}..{y1}, images {boxes:?}");
    let icon = on_line[0];
    let height = icon[3] - icon[1];
    assert!(
        height > 5.0 && height <= (y1 - y0) + 0.5,
        "icon {icon:?} on line {y0}..{y1}"
    );
    // Each image file is one XObject however often it is placed.
    let xobjects = page_image_names(&doc, doc.get_pages()[&page]);
    assert!(boxes.len() > xobjects.len(), "{boxes:?} {xobjects:?}");
}

/// The fixture copied to a scratch folder with its page replaced by `page`.
fn variant(name: &str, page: &str) -> PathBuf {
    let dir = scratch_dir(name);
    let from = fixture();
    std::fs::copy(from.join("tebiki.toml"), dir.join("tebiki.toml")).expect("copy config");
    for sub in ["static/img", "static/general/img-ja"] {
        std::fs::create_dir_all(dir.join(sub)).expect("static");
        for entry in std::fs::read_dir(from.join(sub)).expect("static files") {
            let entry = entry.expect("entry");
            std::fs::copy(entry.path(), dir.join(sub).join(entry.file_name())).expect("copy");
        }
    }
    std::fs::create_dir_all(dir.join("content")).expect("content");
    std::fs::write(dir.join("content").join(PAGE), page).expect("page");
    dir
}

/// The accessibility `<meta>` lines of a built EPUB's package document.
fn a11y_meta(site: &Path, name: &str) -> (String, PathBuf) {
    let (out, output) = build(site, name);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let epub = out.join("p04-JP.epub");
    let opf = zip_text(&epub, "OEBPS/content.opf");
    let meta = opf
        .lines()
        .filter(|l| l.contains("schema:access"))
        .collect::<Vec<_>>()
        .join("\n");
    (meta, epub)
}

#[test]
fn accessibility_metadata_states_what_is_true_of_the_images() {
    // The fixture has icons with alt="" (Hugo's `![](…)`).
    let (out, _) = built();
    let fixture_epub = out.join("p04-JP.epub");
    let opf = zip_text(&fixture_epub, "OEBPS/content.opf");
    assert!(
        !opf.contains("すべての画像に代替テキストがあります"),
        "{opf}"
    );
    assert!(!opf.contains("alternativeText"), "{opf}");
    assert!(
        !opf.contains("<meta property=\"schema:accessModeSufficient\">textual</meta>"),
        "{opf}"
    );
    assert!(
        opf.contains("13 箇所のうち 3 箇所には代替テキストがありません"),
        "{opf}"
    );

    let described = variant(
        "hugo_inline_a11y_described",
        "---\ntitle: 説明あり\n---\n\n「![歯車](/img/icon_gear.png)」をクリックします。\n\n\
         ![一覧](/general/img-ja/user_list.png)\n",
    );
    let (meta, epub_described) = a11y_meta(&described, "hugo_inline_a11y_described_out");
    assert!(meta.contains(">alternativeText<"), "{meta}");
    assert!(meta.contains("accessModeSufficient\">textual<"), "{meta}");
    assert!(
        meta.contains("すべての画像に代替テキストがあります。"),
        "{meta}"
    );

    let undescribed = variant(
        "hugo_inline_a11y_undescribed",
        "---\ntitle: 説明なし\n---\n\n「![](/img/icon_gear.png)」をクリックします。\n",
    );
    let (meta, epub_undescribed) = a11y_meta(&undescribed, "hugo_inline_a11y_undescribed_out");
    assert!(!meta.contains("alternativeText"), "{meta}");
    assert!(!meta.contains("accessModeSufficient\">textual<"), "{meta}");
    assert!(
        meta.contains("画像には代替テキストがありません。"),
        "{meta}"
    );
    assert!(!meta.contains("すべての画像"), "{meta}");

    let no_images = variant(
        "hugo_inline_a11y_none",
        "---\ntitle: 画像なし\n---\n\n文だけです。\n",
    );
    let (meta, epub_none) = a11y_meta(&no_images, "hugo_inline_a11y_none_out");
    assert!(!meta.contains("visual"), "{meta}");
    assert!(!meta.contains("画像"), "{meta}");
    assert_epubcheck_clean(&[
        ("all described".into(), epub_described),
        ("none described".into(), epub_undescribed),
        ("no images".into(), epub_none),
    ]);
}
