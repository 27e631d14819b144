//! End-to-end checks of the PDF writer with the real tools: a small model
//! book (built by hand, with every kind of block) is rendered once and the
//! bytes are inspected with qpdf, poppler's pdffonts/pdftotext and lopdf.
//! A missing tool skips its test with a message, except under `CI`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tebiki::assets::{Assets, ImageStore};
use tebiki::diag::Diagnostics;
use tebiki::model::{
    AdmonitionKind, Align, Block, Book, Cell, CodeBlock, Inline, InlineStyle, LinkTarget, PageKind,
    Paper, Quote, Row, Table,
};

use crate::support::model::{
    admonition, book, cell, figure, heading, internal, link, list, page, para, para_text, span,
    styled, text,
};

use crate::support::squeeze;
use crate::support::tools::{
    assert_fonts_embedded_subset_unicode, assert_qpdf_clean, build_sample, pdf_sheet_texts,
    pdftotext,
};

/// A sentence with dense Japanese punctuation that must survive a
/// `pdftotext` round trip exactly.
const DENSE: &str = "「設定」を開き、［保存］をクリックします。（詳細は「ヘルプ」を参照。）";

/// Writes a PNG and a JPEG screenshot stand-in into a fresh folder.
fn images() -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("tebiki-pdf-test-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let png = dir.join("screen.png");
    let jpg = dir.join("photo.jpg");
    let img = image::RgbaImage::from_fn(1200, 700, |x, y| {
        image::Rgba([
            (x % 256) as u8,
            (y % 256) as u8,
            180,
            if x < 20 { 120 } else { 255 },
        ])
    });
    img.save(&png).expect("png written");
    let rgb = image::RgbImage::from_fn(300, 200, |x, y| {
        image::Rgb([(x % 256) as u8, 90, (y % 256) as u8])
    });
    rgb.save(&jpg).expect("jpeg written");
    (png, jpg)
}

fn long_paragraph(n: usize) -> Block {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "管理者は、ユーザーの追加や削除（第{i}項）を行えます。設定画面の「ユーザー管理」から操作し、cybozu.com のヘルプも参照してください。"
        ));
    }
    para_text(&s)
}

fn sample_book() -> Book {
    let (png, jpg) = images();
    let text_cell = |s: &str, header: bool, rowspan: u32, colspan: u32| {
        cell(header, rowspan, colspan, Align::Default, vec![para_text(s)])
    };
    let mut rows = Vec::new();
    for i in 0..30 {
        rows.push(Row {
            cells: vec![
                text_cell(&format!("項目{i}"), false, 1, 1),
                text_cell(
                    "ユーザー名とメールアドレスを入力して保存します。",
                    false,
                    1,
                    1,
                ),
                text_cell("必須", false, 1, 1),
            ],
        });
    }
    // A row taller than a page: split between lines, never cut.
    rows.push(Row {
        cells: vec![
            text_cell("長い行", false, 1, 1),
            Cell {
                blocks: (0..40)
                    .map(|i| {
                        para_text(&format!(
                            "{i}. 一つのセルに長い説明が続く場合も、行の途中で改ページされます。"
                        ))
                    })
                    .collect(),
                ..text_cell("", false, 1, 1)
            },
            text_cell("任意", false, 1, 1),
        ],
    });
    rows.push(Row {
        cells: vec![
            text_cell("結合", false, 2, 1),
            text_cell("横に結合したセル", false, 1, 2),
        ],
    });
    rows.push(Row {
        cells: vec![text_cell("b", false, 1, 1), text_cell("c", false, 1, 1)],
    });
    let table = Block::Table(Table {
        caption: Some(vec![text("設定項目の一覧")]),
        head: vec![Row {
            cells: vec![
                text_cell("項目", true, 1, 1),
                text_cell("説明", true, 1, 1),
                text_cell("区分", true, 1, 1),
            ],
        }],
        body: rows,
        columns: 3,
        col_widths: Vec::new(),
        span: span(0),
    });
    let steps = list(
        Some(1),
        (0..3)
            .map(|i| {
                vec![
                    para_text(&format!("手順{}：ログイン画面を開きます。", i + 1)),
                    list(None, vec![vec![para_text("ログイン名が分からない")]]),
                ]
            })
            .collect(),
    );
    let pages = vec![
        page(0, PageKind::Section, 0, "ログイン", "login", vec![
            para(vec![text(DENSE)]),
            heading(2, "method1", "方法1 パスワードをリセットする"),
            steps,
            figure(&png, "ログイン画面", None, 0),
            para(vec![
                text("詳しくは"),
                link(internal(1, Some("method2")), "方法2 一時的な管理者を作成するための長いリンクテキストが行をまたいで続く場合の例"),
                text("と"),
                link(LinkTarget::External("https://jp.cybozu.help/general/ja/top.html".into()), "オンラインヘルプ（よくある質問と最新の情報をまとめた共通管理のページ。ログインできない場合の対処方法もここにあります）"),
                text("を参照してください。"),
                styled(InlineStyle::Strong, "重要："),
                Inline::Code("admin@example.com".into()),
            ]),
            admonition(AdmonitionKind::Warning, "注意", "warning", vec![para_text("一時的な管理者は、移行したお客様は作成できません。")]),
            long_paragraph(12),
            figure(&png, "同じ画面をもう一度", None, 0),
            figure(&jpg, "写真", None, 0),
        ]),
        page(1, PageKind::Page, 1, "管理者がアカウントを忘れた場合", "admin_account", vec![
            long_paragraph(6),
            heading(2, "method2", "方法2 一時的な管理者を作成する"),
            table,
            Block::Code(CodeBlock {
                language: Some("sh".into()),
                text: "curl -X POST https://example.cybozu.com/api/v1/users.json -H 'X-Cybozu-Authorization: dGVzdDp0ZXN0' -d '{\"code\":\"user1\",\"name\":\"ユーザー1\"}'\nexit 0".into(),
                span: span(0),
            }),
            Block::Quote(Quote {
                blocks: vec![para_text("引用されたテキストです。")],
                span: span(0),
            }),
            Block::Rule(span(0)),
            heading(3, "note3", "補足"),
            long_paragraph(3),
        ]),
        page(2, PageKind::Section, 0, "ライセンス", "license", vec![
            heading(2, "payment", "お支払い"),
            long_paragraph(2),
        ]),
    ];
    book(1_700_000_000, pages)
}

fn render() -> (Vec<u8>, Diagnostics) {
    let book = sample_book();
    let assets = Assets::embedded(ImageStore::new());
    let mut diags = Diagnostics::new();
    let bytes = tebiki::pdf::render(&book, &assets, &mut diags).unwrap_or_default();
    (bytes, diags)
}

/// The sample PDF, rendered once per test binary, and its file.
fn sample() -> &'static (Vec<u8>, PathBuf) {
    static SAMPLE: OnceLock<(Vec<u8>, PathBuf)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let (bytes, diags) = render();
        for d in diags.items() {
            eprintln!("diagnostic: {d:?}");
        }
        assert!(!bytes.is_empty(), "render produced no pdf");
        let path = std::env::temp_dir().join(format!("tebiki-sample-{}.pdf", std::process::id()));
        std::fs::write(&path, &bytes).expect("pdf written");
        (bytes, path)
    })
}

#[test]
fn qpdf_check_is_clean() {
    assert_qpdf_clean(&sample().1, "the hand-built book");
}

#[test]
fn fonts_are_embedded_subset_with_tounicode() {
    assert_fonts_embedded_subset_unicode(&sample().1, "the hand-built book");
}

#[test]
fn dense_punctuation_round_trips_through_pdftotext() {
    let (_, path) = sample();
    let Some(out) = pdftotext(path, &["-raw"]) else {
        return;
    };
    let joined: String = out.lines().collect();
    assert!(
        joined.contains(DENSE),
        "dense sentence not found in:\n{out}"
    );
    assert!(out.contains("cybozu.com 共通管理ガイド"));
}

/// Characters that must not start a line (strict kinsoku) and end one.
const NO_START: &str = "）」』】〕〉》］｝”’、。，．・：；？！ゝゞヽヾ々ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ";
const NO_END: &str = "（「『【〔〈《［｛“‘";

#[test]
fn no_line_breaks_a_kinsoku_rule_and_no_glyph_leaves_the_text_area() {
    let (_, path) = sample();
    let Some(html) = pdftotext(path, &["-bbox-layout"]) else {
        return;
    };
    // A4 text area from layouts/pdf.toml (margins 62/62/68/62), with a small
    // tolerance; running heads and folios lie outside and are skipped by
    // their position.
    let (w, h) = Paper::A4.size_pt();
    let (left, right, top, bottom) = (62.0 - 0.5, w - 62.0 + 0.5, 68.0 - 0.5, h - 62.0 + 0.5);
    let mut checked = 0;
    for line in html.split("<line ").skip(1) {
        let end = line.find("</line>").unwrap_or(line.len());
        let line = &line[..end];
        let attr = |s: &str, name: &str| -> f32 {
            s.split(&format!("{name}=\""))
                .nth(1)
                .and_then(|r| r.split('"').next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(f32::NAN)
        };
        let (x0, y0, x1, y1) = (
            attr(line, "xMin"),
            attr(line, "yMin"),
            attr(line, "xMax"),
            attr(line, "yMax"),
        );
        let words: Vec<&str> = line
            .split("<word ")
            .skip(1)
            .filter_map(|w| w.split('>').nth(1).and_then(|r| r.split('<').next()))
            .collect();
        let text: String = words.concat();
        if y1 < top || y0 > bottom {
            continue; // running header or footer
        }
        // pdftotext measures a glyph by its full advance; a closing mark
        // compressed to half an em at the line end keeps its ink inside.
        let last_is_closing = text
            .chars()
            .last()
            .is_some_and(|c| "、。，．）」』】〕〉》］｝".contains(c));
        let slack = if last_is_closing { 5.5 } else { 0.0 };
        assert!(
            x0 >= left && x1 <= right + slack,
            "line outside the text area ({x0}..{x1}): {text}"
        );
        let (Some(first), Some(last)) = (text.chars().next(), text.chars().last()) else {
            continue;
        };
        assert!(
            !NO_START.contains(first),
            "line starts with {first}: {text}"
        );
        assert!(!NO_END.contains(last), "line ends with {last}: {text}");
        checked += 1;
    }
    assert!(checked > 50, "only {checked} lines checked");
}

fn load() -> lopdf::Document {
    lopdf::Document::load_mem(&sample().0).expect("lopdf reads the pdf")
}

#[test]
fn each_image_file_is_embedded_once() {
    let doc = load();
    let images = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| {
            s.dict
                .get(b"Subtype")
                .and_then(|v| v.as_name())
                .is_ok_and(|n| n == b"Image")
        })
        .filter(|s| !s.dict.has(b"SMaskInData") && s.dict.get(b"Decode").is_err())
        .count();
    // Two distinct files: the PNG (used twice, with an alpha channel: image
    // plus soft mask) and the JPEG.
    assert_eq!(images, 3, "expected PNG + its SMask + JPEG");
    let dct = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| {
            s.dict
                .get(b"Filter")
                .and_then(|v| v.as_name())
                .is_ok_and(|n| n == b"DCTDecode")
        })
        .count();
    assert_eq!(dct, 1, "the JPEG is passed through as DCT");
}

#[test]
fn outline_matches_the_headings_and_opens_on_their_pages() {
    let (_, path) = sample();
    let doc = load();
    let toc = doc.get_toc().expect("outline present");
    let got: Vec<(usize, String)> = toc.toc.iter().map(|t| (t.level, t.title.clone())).collect();
    let book = sample_book();
    let want: Vec<(usize, String)> = book
        .outline(3)
        .into_iter()
        .map(|e| (e.level + 1, e.title))
        .collect();
    assert_eq!(got, want);
    if let Some(pages) = pdf_sheet_texts(path) {
        assert_outline_on_pages(&toc, &pages);
    }
}

/// Every outline entry's title is printed on the page the entry opens.
fn assert_outline_on_pages(toc: &lopdf::Toc, pages: &[String]) {
    for entry in &toc.toc {
        let text = squeeze(
            &pages
                .get(entry.page.saturating_sub(1))
                .cloned()
                .unwrap_or_default(),
        );
        assert!(
            text.contains(&squeeze(&entry.title)),
            "{} not on page {}",
            entry.title,
            entry.page
        );
    }
}

#[test]
fn toc_numbers_match_the_printed_folios() {
    let (_, path) = sample();
    let Some(pages) = pdf_sheet_texts(path) else {
        return;
    };
    // Page 1 is the cover, then the TOC (roman), then the body from folio 1.
    let toc_page = pages
        .iter()
        .position(|p| p.contains("目次"))
        .expect("toc page");
    let body_start = pages
        .iter()
        .enumerate()
        .skip(toc_page + 1)
        .find(|(_, p)| !p.contains("目次"))
        .map(|(i, _)| i)
        .expect("body");
    let book = sample_book();
    let mut checked = 0;
    for entry in book.outline(3) {
        let title = squeeze(&entry.title);
        let line = pages[toc_page..body_start]
            .iter()
            .flat_map(|p| p.lines())
            .find(|l| squeeze(l).starts_with(&title))
            .unwrap_or_else(|| panic!("{} missing from the toc", entry.title));
        let folio: usize = line
            .split_whitespace()
            .last()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no page number in {line:?}"));
        let printed = &pages[body_start + folio - 1];
        assert!(
            squeeze(printed).contains(&title),
            "{} not on folio {folio}",
            entry.title
        );
        let footer = printed
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default();
        assert_eq!(footer.trim(), folio.to_string(), "printed folio");
        checked += 1;
    }
    assert!(checked >= 5);
}

#[test]
fn links_go_to_headings_and_urls() {
    let doc = load();
    let dests = named_destinations(&doc);
    let mut internal = 0;
    let mut external = Vec::new();
    for (number, page_id) in doc.get_pages() {
        for annot in doc.get_page_annotations(page_id).unwrap_or_default() {
            let Ok(action) = annot
                .get(b"A")
                .and_then(|a| doc.dereference(a))
                .and_then(|(_, a)| a.as_dict())
            else {
                // GoTo via /Dest
                let dest = annot.get(b"Dest").expect("link has a destination");
                let name = dest
                    .as_str()
                    .map(|s| String::from_utf8_lossy(s).into_owned())
                    .expect("named");
                let target = dests
                    .get(&name)
                    .unwrap_or_else(|| panic!("unknown destination {name}"));
                assert!(*target >= 1, "{name} on page {number}");
                internal += 1;
                continue;
            };
            if let Ok(uri) = action.get(b"URI").and_then(|u| u.as_str()) {
                external.push(String::from_utf8_lossy(uri).into_owned());
            }
        }
    }
    // The seven TOC entries plus the in-text link.
    assert!(internal >= 8, "{internal} internal links");
    // The external link wraps over two lines (one area on each), and the
    // URL of its note at the foot of the sheet is a link too.
    let help = external
        .iter()
        .filter(|u| *u == "https://jp.cybozu.help/general/ja/top.html")
        .count();
    assert_eq!(help, 3, "{external:?}");
}

/// Named destination → page number.
pub(crate) fn named_destinations(doc: &lopdf::Document) -> BTreeMap<String, u32> {
    let pages: BTreeMap<lopdf::ObjectId, u32> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let mut out = BTreeMap::new();
    let catalog = doc.catalog().expect("catalog");
    let names = catalog
        .get(b"Names")
        .and_then(|n| doc.dereference(n))
        .and_then(|(_, n)| n.as_dict())
        .and_then(|n| n.get(b"Dests"))
        .and_then(|d| doc.dereference(d))
        .and_then(|(_, d)| d.as_dict())
        .expect("named destinations");
    let mut stack = vec![names.clone()];
    while let Some(node) = stack.pop() {
        if let Ok(kids) = node.get(b"Kids").and_then(|k| k.as_array()) {
            for kid in kids {
                if let Ok((_, d)) = doc.dereference(kid)
                    && let Ok(d) = d.as_dict()
                {
                    stack.push(d.clone());
                }
            }
        }
        if let Ok(list) = node.get(b"Names").and_then(|n| n.as_array()) {
            for pair in list.chunks(2) {
                let name = pair[0]
                    .as_str()
                    .map(|s| String::from_utf8_lossy(s).into_owned())
                    .unwrap_or_default();
                let dest = doc
                    .dereference(&pair[1])
                    .map(|(_, d)| d.clone())
                    .expect("dest");
                let page = dest
                    .as_array()
                    .ok()
                    .and_then(|a| a.first())
                    .and_then(|p| p.as_reference().ok());
                if let Some(page) = page.and_then(|p| pages.get(&p)) {
                    out.insert(name, *page);
                }
            }
        }
    }
    out
}

#[test]
fn metadata_and_language_are_set() {
    let doc = load();
    let catalog = doc.catalog().expect("catalog");
    assert_eq!(
        catalog.get(b"Lang").and_then(|l| l.as_str()).ok(),
        Some(&b"ja"[..])
    );
    let (_, info) = doc
        .dereference(doc.trailer.get(b"Info").expect("info"))
        .expect("info dict");
    let info = info.as_dict().expect("info dict");
    let get = |k: &[u8]| {
        info.get(k)
            .and_then(|v| v.as_str())
            .map(decode_pdf_text)
            .unwrap_or_default()
    };
    assert_eq!(get(b"Title"), "cybozu.com 共通管理ガイド");
    assert_eq!(get(b"Author"), "サイボウズ株式会社");
    assert_eq!(get(b"Subject"), "JP");
    assert_eq!(get(b"Creator"), "tebiki 0.1.0");
    assert!(
        get(b"CreationDate").starts_with("D:20231114"),
        "{}",
        get(b"CreationDate")
    );
}

/// PDF text strings: UTF-16BE with BOM or PDFDocEncoding (ASCII here).
fn decode_pdf_text(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xfe, 0xff]) {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let (again, _) = render();
    assert!(again == sample().0, "second build differs");
}

/// Builds the repository's sample site (JP region, PDF only) with the CLI
/// into `out`.
fn build_sample_site(out: &Path, extra: &[&str]) -> String {
    let result = build_sample(out, &["--region", "JP", "--format", "pdf"])
        .args(extra)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("tebiki runs");
    String::from_utf8_lossy(&result.stderr).into_owned()
}

#[test]
fn sample_site_pdf_is_valid_navigable_and_reproducible() {
    let base = std::env::temp_dir().join(format!("tebiki-site-{}", std::process::id()));
    let (a, b) = (base.join("a"), base.join("b"));
    let messages = build_sample_site(&a, &[]);
    build_sample_site(&b, &[]);
    let pdf_a = std::fs::read(a.join("manual-JP.pdf"))
        .unwrap_or_else(|_| panic!("no pdf written:\n{messages}"));
    let pdf_b = std::fs::read(b.join("manual-JP.pdf")).expect("second pdf");
    assert!(pdf_a == pdf_b, "two builds of the sample differ");
    assert!(
        !messages.contains("pdf/ua-1"),
        "pdf/ua-1 validation failed:\n{messages}"
    );

    let doc = lopdf::Document::load_mem(&pdf_a).expect("lopdf reads the sample");
    let dests = named_destinations(&doc);
    let mut internal = 0;
    let mut uris = Vec::new();
    for (_, page_id) in doc.get_pages() {
        for annot in doc.get_page_annotations(page_id).unwrap_or_default() {
            if let Ok(dest) = annot.get(b"Dest") {
                let name = dest
                    .as_str()
                    .map(|s| String::from_utf8_lossy(s).into_owned())
                    .expect("named");
                assert!(
                    dests.contains_key(&name),
                    "link to unknown destination {name}"
                );
                internal += 1;
            } else if let Ok((_, action)) = annot.get(b"A").and_then(|a| doc.dereference(a))
                && let Ok(uri) = action
                    .as_dict()
                    .and_then(|a| a.get(b"URI"))
                    .and_then(|u| u.as_str())
            {
                uris.push(String::from_utf8_lossy(uri).into_owned());
            }
        }
    }
    assert!(internal > 50, "{internal} internal links");
    assert!(
        uris.iter().all(|u| u.starts_with("https://")
            || u.starts_with("http://")
            || u.starts_with("mailto:")),
        "{uris:?}"
    );
    // A single page: links to the rest of the book point at the online help.
    let single = base.join("single");
    build_sample_site(&single, &["--page", "login/admin_account.md"]);
    let one = std::fs::read(single.join("manual-JP.pdf")).expect("single-page pdf");
    let one = lopdf::Document::load_mem(&one).expect("lopdf reads it");
    let mut online = Vec::new();
    for (_, page_id) in one.get_pages() {
        for annot in one.get_page_annotations(page_id).unwrap_or_default() {
            if let Ok((_, action)) = annot.get(b"A").and_then(|a| one.dereference(a))
                && let Ok(uri) = action
                    .as_dict()
                    .and_then(|a| a.get(b"URI"))
                    .and_then(|u| u.as_str())
            {
                online.push(String::from_utf8_lossy(uri).into_owned());
            }
        }
    }
    assert!(
        online
            .iter()
            .any(|u| u.starts_with("https://jp.cybozu.help/general/ja/")),
        "no out-of-book link carries base_url: {online:?}"
    );

    let path = a.join("manual-JP.pdf");
    let toc = doc.get_toc().expect("outline");
    assert!(toc.toc.len() > 20, "{} outline entries", toc.toc.len());
    if let Some(pages) = pdf_sheet_texts(&path) {
        assert_outline_on_pages(&toc, &pages);
    }
    assert_qpdf_clean(&path, "the sample's JP PDF");
    let _ = std::fs::remove_dir_all(&base);
}

/// Text extraction through the real renderer: `pdftotext` (default mode,
/// `-raw` and `-layout`) gives every sentence back whole, in order and
/// exactly, with no space read into JLREQ's gaps (¼ em between Japanese and
/// Latin, the space after a mid-sentence ？, a stretched line): the glyph
/// before such a gap is drawn as a twin whose advance covers it
/// (`pdf/widen.rs`). That holds for a glyph's first appearance in the
/// document (each sentence's first copy) and between two runs (a link,
/// bold or code next to Japanese, a note mark).
#[test]
fn pdftotext_returns_the_source_text_exactly() {
    let sources = [
        "Webブラウザーで方法1を試してください。",
        "「『方法1』（推奨）」、または「方法2」を試してください。",
        "管理者がログインできない場合は、方法1から順に試してください。ログイン画面の[ログインでお困りですか？]をクリックします。",
        "本当？はい。漢字abc漢字",
    ];
    // Every sentence twice: the first copy draws each glyph once.
    let mut blocks: Vec<Block> = sources
        .iter()
        .chain(sources.iter())
        .map(|s| para_text(s))
        .collect();
    blocks.push(para(vec![
        link(
            LinkTarget::External("https://example.com/".into()),
            "Webブラウザー",
        ),
        text("の設定は方法2です。"),
        styled(InlineStyle::Strong, "重要2"),
        text("と"),
        Inline::Code("config.json".into()),
        text("を確認します。"),
    ]));
    let book = book(
        1_700_000_000,
        vec![page(0, PageKind::Page, 0, "抽出", "extract", blocks)],
    );
    let assets = Assets::embedded(ImageStore::new());
    let mut diags = Diagnostics::new();
    let bytes = tebiki::pdf::render(&book, &assets, &mut diags).expect("pdf rendered");
    assert!(!diags.has_errors(), "{:?}", diags.items());
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("extract.pdf");
    std::fs::write(&path, &bytes).expect("pdf written");
    // The external link is followed by the mark of its URL note (issue 13).
    let linked = "Webブラウザー*1の設定は方法2です。重要2とconfig.jsonを確認します。";
    for args in [&[][..], &["-raw"][..], &["-layout"][..]] {
        let Some(out) = pdftotext(&path, args) else {
            return;
        };
        // Lines joined (`-layout` indents them).
        let joined: String = out.split(['\n', '\u{c}']).map(str::trim).collect();
        for want in &sources {
            assert_eq!(
                joined.matches(want).count(),
                2,
                "pdftotext {args:?}: {want:?} twice in:\n{out}"
            );
        }
        assert!(
            joined.contains(linked),
            "pdftotext {args:?} lost {linked:?} in:\n{out}"
        );
    }
    // Every word keeps its glyphs' box: none is empty or narrower than a
    // character per 10 pt (an ActualText span outside the text object gave
    // one 1 × 0 pt box at the line's start).
    let Some(bbox) = pdftotext(&path, &["-bbox"]) else {
        return;
    };
    let mut words = 0;
    for line in bbox.lines().filter(|l| l.contains("<word ")) {
        let num = |key: &str| -> f32 {
            let at = line.find(&format!("{key}=\"")).expect("coordinate") + key.len() + 2;
            line[at..]
                .split('"')
                .next()
                .and_then(|v| v.parse().ok())
                .expect("number")
        };
        let word = line
            .split('>')
            .nth(1)
            .unwrap_or_default()
            .split('<')
            .next()
            .unwrap_or_default();
        let (w, h) = (num("xMax") - num("xMin"), num("yMax") - num("yMin"));
        assert!(h > 5.0, "{line}");
        assert!(w >= word.chars().count() as f32 * 2.0, "{line}");
        words += 1;
    }
    assert!(words > 10, "{bbox}");
}

/// The text objects of a sheet: per `BT … ET`, the font resource its `Tf`
/// sets, the type size and the baseline (`Tm`'s y), in order.
fn text_objects(doc: &lopdf::Document, page: lopdf::ObjectId) -> Vec<(Vec<u8>, f32, f32)> {
    let mut out = Vec::new();
    let content = doc.get_page_content(page);
    let ops = lopdf::content::Content::decode(&content).expect("content decodes");
    let (mut font, mut size, mut y) = (Vec::new(), 0.0, 0.0);
    let num = |o: &lopdf::Object| o.as_float().unwrap_or(0.0);
    for op in ops.operations {
        match op.operator.as_str() {
            "Tf" => {
                font = op.operands[0]
                    .as_name()
                    .map(<[u8]>::to_vec)
                    .unwrap_or_default();
                size = num(&op.operands[1]);
            }
            "Tm" => y = num(&op.operands[5]),
            "ET" => out.push((std::mem::take(&mut font), size, y)),
            _ => {}
        }
    }
    out
}

#[test]
fn a_line_and_its_punctuation_from_the_sibling_face_are_one_text_object() {
    // 、。「」［］（） come from BIZ UDGothic, the rest from BIZ UDPGothic:
    // drawn from one PDF font, each line is one text object.
    let text = DENSE.repeat(4);
    let pages = vec![page(
        0,
        PageKind::Page,
        0,
        "句読点",
        "punct",
        vec![para_text(&text)],
    )];
    let assets = Assets::embedded(ImageStore::new());
    let mut diags = Diagnostics::new();
    let bytes = tebiki::pdf::render(&book(1_700_000_000, pages), &assets, &mut diags)
        .expect("pdf rendered");
    let path = std::env::temp_dir().join(format!("tebiki-sibling-{}.pdf", std::process::id()));
    std::fs::write(&path, &bytes).expect("pdf written");
    let doc = lopdf::Document::load_mem(&bytes).expect("lopdf reads the pdf");
    // The body text is set at 10 pt (the running heads and folio smaller).
    // The last sheet (after the cover and the contents) holds the page.
    let last = *doc.get_pages().values().last().expect("sheets");
    let body: Vec<_> = text_objects(&doc, last)
        .into_iter()
        .filter(|(_, size, _)| *size == 10.0)
        .collect();
    let lines: BTreeSet<u32> = body.iter().map(|(_, _, y)| y.to_bits()).collect();
    assert!(lines.len() >= 4, "{} lines", lines.len());
    assert_eq!(
        body.len(),
        lines.len(),
        "one text object per line: {body:?}"
    );
    let fonts: BTreeSet<&[u8]> = body.iter().map(|(f, _, _)| f.as_slice()).collect();
    assert_eq!(fonts.len(), 1, "one PDF font for the body: {fonts:?}");

    assert_fonts_embedded_subset_unicode(&path, "the punctuation book");
    if let Some(out) = pdftotext(&path, &["-raw"]) {
        let joined: String = out.lines().collect();
        assert!(joined.contains(&text), "text not read back:\n{out}");
    }
    let _ = std::fs::remove_file(&path);
}

/// A palette PNG written chunk by chunk (the `image` crate writes none):
/// 4-bit indices into `palette`, rows `width` pixels wide.
fn palette_png(width: u32, height: u32, palette: &[[u8; 3]]) -> Vec<u8> {
    use std::io::Write;
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[4, 3, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"PLTE", &palette.concat());
    let mut rows = Vec::new();
    for y in 0..height {
        rows.push(0);
        for x in (0..width).step_by(2) {
            let index = |x: u32| ((x + y) % palette.len() as u32) as u8;
            rows.push(index(x) << 4 | if x + 1 < width { index(x + 1) } else { 0 });
        }
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&rows).expect("deflates");
    chunk(&mut out, b"IDAT", &encoder.finish().expect("deflates"));
    chunk(&mut out, b"IEND", &[]);
    out
}

/// Every kind of image goes into the PDF so that poppler gives back its
/// exact pixels: PNGs (RGB, grey, palette; 16-bit made 8-bit), an RGBA PNG
/// as colour plus soft mask, and a JPEG as the file's own bytes.
#[test]
fn images_come_back_from_the_pdf_pixel_for_pixel() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rgb = image::RgbImage::from_fn(301, 17, |x, y| image::Rgb([x as u8, y as u8 * 9, 77]));
    let grey = image::GrayImage::from_fn(302, 18, |x, y| image::Luma([(x * 3 + y) as u8]));
    let deep = image::ImageBuffer::<image::Rgb<u16>, Vec<u16>>::from_fn(303, 19, |x, y| {
        image::Rgb([x as u16 * 200, y as u16 * 3000, 65535])
    });
    let rgba = image::RgbaImage::from_fn(304, 20, |x, y| {
        image::Rgba([x as u8, 40, y as u8 * 5, if x < 30 { 0 } else { 200 }])
    });
    let palette = [
        [255, 0, 0],
        [0, 128, 0],
        [0, 0, 255],
        [250, 250, 10],
        [9, 9, 9],
    ];
    let jpeg = image::RgbImage::from_fn(306, 22, |x, _| image::Rgb([x as u8, 100, 200]));
    let paths: Vec<PathBuf> = [
        "rgb.png",
        "grey.png",
        "deep.png",
        "rgba.png",
        "palette.png",
        "photo.jpg",
    ]
    .iter()
    .map(|name| dir.path().join(name))
    .collect();
    rgb.save(&paths[0]).expect("saved");
    grey.save(&paths[1]).expect("saved");
    deep.save(&paths[2]).expect("saved");
    rgba.save(&paths[3]).expect("saved");
    std::fs::write(&paths[4], palette_png(305, 21, &palette)).expect("saved");
    jpeg.save(&paths[5]).expect("saved");

    let figures = paths
        .iter()
        .enumerate()
        .map(|(i, path)| figure(path, "画像", None, i))
        .collect();
    let book = book(
        1_700_000_000,
        vec![page(0, PageKind::Section, 0, "画像", "images", figures)],
    );
    let assets = Assets::embedded(ImageStore::new());
    let mut diags = Diagnostics::new();
    let bytes = tebiki::pdf::render(&book, &assets, &mut diags).expect("pdf rendered");
    assert!(!diags.has_errors(), "{:?}", diags.items());
    let pdf = dir.path().join("images.pdf");
    std::fs::write(&pdf, &bytes).expect("pdf written");
    assert_qpdf_clean(&pdf, "the images book");

    // `pdfimages -png` writes every image (and soft mask) decoded;
    // `-j` keeps DCT streams as JPEG files.
    let prefix = dir.path().join("out");
    let out = match std::process::Command::new("pdfimages")
        .args(["-png", "-j"])
        .arg(&pdf)
        .arg(&prefix)
        .output()
    {
        Ok(out) => out,
        Err(err) => {
            crate::support::tools::missing("pdfimages", &err.to_string());
            return;
        }
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut extracted: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("listed")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("out-"))
        })
        .collect();
    extracted.sort();
    let by_width = |width: u32| -> Vec<image::DynamicImage> {
        extracted
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "png"))
            .map(|p| image::open(p).expect("extracted image decodes"))
            .filter(|i| i.width() == width)
            .collect()
    };
    assert_eq!(by_width(301)[0].to_rgb8(), rgb, "rgb png");
    assert_eq!(by_width(302)[0].to_luma8(), grey, "grey png");
    // 16-bit samples go in as 8-bit ones (poppler misreads 16-bit PNG
    // predictors), rounded as the `image` crate rounds.
    let deep8 = image::DynamicImage::ImageRgb16(deep).to_rgb8();
    assert_eq!(by_width(303)[0].to_rgb8(), deep8, "16-bit png");
    let rgba_parts = by_width(304);
    assert_eq!(rgba_parts.len(), 2, "colour and soft mask");
    let colour: image::RgbImage = image::ImageBuffer::from_fn(304, 20, |x, y| {
        let p = rgba.get_pixel(x, y);
        image::Rgb([p[0], p[1], p[2]])
    });
    let alpha: image::GrayImage =
        image::ImageBuffer::from_fn(304, 20, |x, y| image::Luma([rgba.get_pixel(x, y)[3]]));
    assert!(
        rgba_parts
            .iter()
            .any(|i| i.color().has_color() && i.to_rgb8() == colour),
        "rgba colour"
    );
    assert!(
        rgba_parts
            .iter()
            .any(|i| !i.color().has_color() && i.to_luma8() == alpha),
        "rgba alpha"
    );
    let indexed = by_width(305);
    let want = image::load_from_memory(&palette_png(305, 21, &palette)).expect("decodes");
    assert_eq!(indexed[0].to_rgb8(), want.to_rgb8(), "palette png");
    let jpegs: Vec<Vec<u8>> = extracted
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .map(|p| std::fs::read(p).expect("read"))
        .collect();
    assert_eq!(
        jpegs,
        vec![std::fs::read(&paths[5]).expect("read")],
        "the jpeg's own bytes"
    );
}
