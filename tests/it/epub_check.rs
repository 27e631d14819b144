//! EPUB output checked from the outside: EPUBCheck, the zip's files, the
//! navigation against the headings, every internal href and image, safety
//! of the text, reproducibility and image diagnostics.
//!
//! The book is built by hand here (every construct of the model); EPUBCheck
//! runs as `java -jar /usr/share/java/epubcheck.jar` and is skipped with a
//! message when missing, except under `CI`, where a missing validator fails.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageBuffer, Luma, Rgb, Rgba};
use scraper::{Html, Selector};
use tebiki::assets::{Assets, ImageStore};
use tebiki::diag::{Diagnostics, Location};
use tebiki::model::{
    AdmonitionKind, Align, Block, Book, CodeBlock, Inline, InlineStyle, LinkTarget, PageKind,
    Quote, Row, Table,
};

use crate::support::model::{
    admonition, book, cell, figure, heading, internal, link, list, page, para, para_text, span,
    styled, text,
};
use crate::support::tools;

// ---------------------------------------------------------------- the book

struct Images {
    _dir: tempfile::TempDir,
    png: PathBuf,
    large: PathBuf,
    jpeg: PathBuf,
    alpha: PathBuf,
    grey16: PathBuf,
    bmp: PathBuf,
}

fn save(img: &DynamicImage, path: &Path, format: image::ImageFormat) {
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), format).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn images() -> Images {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    let ui = |w: u32, h: u32| {
        DynamicImage::ImageRgb8(ImageBuffer::from_fn(w, h, |x, y| {
            Rgb([(x % 200) as u8 + 40, (y % 200) as u8 + 40, 220])
        }))
    };
    save(&ui(320, 200), &p("login.png"), image::ImageFormat::Png);
    save(&ui(2600, 900), &p("wide.png"), image::ImageFormat::Png);
    save(&ui(400, 300), &p("photo.jpg"), image::ImageFormat::Jpeg);
    let alpha = DynamicImage::ImageRgba8(ImageBuffer::from_fn(64, 64, |x, y| {
        Rgba([200, 30, 30, (x * 4 + y) as u8])
    }));
    save(&alpha, &p("alpha.png"), image::ImageFormat::Png);
    let grey =
        DynamicImage::ImageLuma16(ImageBuffer::from_fn(50, 40, |x, _| Luma([x as u16 * 1000])));
    save(&grey, &p("grey16.png"), image::ImageFormat::Png);
    save(&ui(30, 30), &p("icon.bmp"), image::ImageFormat::Bmp);
    Images {
        png: p("login.png"),
        large: p("wide.png"),
        jpeg: p("photo.jpg"),
        alpha: p("alpha.png"),
        grey16: p("grey16.png"),
        bmp: p("icon.bmp"),
        _dir: dir,
    }
}

/// A figure titled "<alt>の画面", its span at `at`.
fn screen(path: &Path, alt: &str, at: usize) -> Block {
    figure(path, alt, Some(&format!("{alt}の画面")), at)
}

/// A book with every construct of the model.
fn every_construct(img: &Images) -> Book {
    let admonitions = [
        (AdmonitionKind::Warning, "注意", "warning"),
        (AdmonitionKind::Note, "メモ", "note"),
        (AdmonitionKind::Info, "補足", "info"),
        (AdmonitionKind::Tip, "ヒント", "tip"),
        (AdmonitionKind::Custom, "関連ページ", "seealso"),
    ]
    .into_iter()
    .map(|(kind, label, name)| {
        admonition(
            kind,
            label,
            name,
            vec![para_text(&format!("{label}の内容です。"))],
        )
    });
    let table = Block::Table(Table {
        caption: Some(vec![text("権限の一覧")]),
        head: vec![Row {
            cells: vec![
                cell(true, 1, 1, Align::Left, vec![para_text("項目")]),
                cell(true, 1, 2, Align::Center, vec![para_text("権限")]),
            ],
        }],
        body: vec![
            Row {
                cells: vec![
                    cell(false, 2, 1, Align::Default, vec![para_text("管理者")]),
                    cell(false, 1, 1, Align::Right, vec![para_text("○")]),
                    cell(
                        false,
                        1,
                        1,
                        Align::Default,
                        vec![list(
                            None,
                            vec![vec![para_text("閲覧")], vec![para_text("編集")]],
                        )],
                    ),
                ],
            },
            Row {
                cells: vec![
                    cell(false, 1, 1, Align::Default, vec![para_text("×")]),
                    cell(
                        false,
                        1,
                        1,
                        Align::Default,
                        vec![para_text(
                            "https://example.com/averyveryverylongpathwithoutanybreaks/and/more",
                        )],
                    ),
                ],
            },
        ],
        columns: 3,
        col_widths: Vec::new(),
        span: span(0),
    });
    let mut steps = list(
        Some(3),
        vec![
            vec![
                para_text("ログイン画面の[ログインでお困りですか？]をクリックします。"),
                screen(&img.png, "ログイン画面", 100),
            ],
            vec![
                para(vec![
                    text("メールアドレスを入力し、"),
                    styled(InlineStyle::Strong, "[パスワードリセット]"),
                    text("をクリックします。"),
                    Inline::LineBreak,
                    text("詳しくは"),
                    link(internal(2, Some("1st-step")), "次のページ"),
                    text("を参照してください。"),
                ]),
                list(
                    None,
                    vec![
                        vec![para_text("ログイン名が分からない")],
                        vec![para_text("メールアドレスが分からない")],
                    ],
                ),
            ],
            vec![para_text("完了したら確認します。")],
        ],
    );
    // The last step is a checked task.
    if let Block::List(steps) = &mut steps
        && let Some(last) = steps.items.last_mut()
    {
        last.checked = Some(true);
    }
    let mut page1 = vec![
        para(vec![
            text(
                "管理者がログインできない場合は、<script>alert(1)</script> & \"引用\" を含む方法1から順に試してください。",
            ),
            link(
                LinkTarget::External("javascript:alert(1)".into()),
                "危険なリンク",
            ),
            text(" "),
            link(
                LinkTarget::External("https://www.kintone.com/support/?a=1&b=2".into()),
                "Contact Us",
            ),
        ]),
        heading(
            2,
            "login_admin_account_10",
            "方法1 パスワードをリセットする",
        ),
        steps,
        heading(3, "detail", "詳細 <手順>"),
        table,
        heading(
            2,
            "login_admin_account_20",
            "方法2 一時的な管理者を作成する",
        ),
        para(vec![
            link(internal(1, Some("login_admin_account_10")), "方法1"),
            text("に戻ります。"),
            Inline::Code("cybozu.com".into()),
            styled(InlineStyle::Keyboard, "Ctrl"),
            styled(InlineStyle::Emphasis, "emphasis"),
            styled(InlineStyle::Underline, "下線"),
            styled(InlineStyle::Strikethrough, "取消"),
            styled(InlineStyle::Superscript, "2"),
            styled(InlineStyle::Subscript, "x"),
        ]),
        screen(&img.large, "広い画面", 200),
        screen(&img.jpeg, "写真", 300),
        screen(&img.alpha, "透過画像", 400),
        screen(&img.grey16, "グレー画像", 500),
        screen(&img.bmp, "アイコン", 600),
        screen(&img.png, "ログイン画面（再掲）", 700),
        Block::Code(CodeBlock {
            language: Some("sh".into()),
            text: "curl -X POST \"https://example.com/api?x=<1>&y=2\"\n  --data '{}'".into(),
            span: span(0),
        }),
        Block::Quote(Quote {
            blocks: vec![para_text("引用文です。")],
            span: span(0),
        }),
        Block::Rule(span(0)),
    ];
    page1.extend(admonitions);
    let page2 = vec![
        heading(2, "1st-step", "最初の手順"),
        para(vec![link(internal(0, None), "章の先頭")]),
        heading(3, "sub", "細かい手順"),
        heading(2, "last", "最後"),
    ];
    // 2026-01-01T00:00:00Z, the `dcterms:modified` checked below.
    book(
        1_767_225_600,
        vec![
            page(
                0,
                PageKind::Section,
                0,
                "ログイン",
                "login",
                vec![para_text("ログインに関する章です。")],
            ),
            page(
                1,
                PageKind::Page,
                1,
                "管理者がアカウントやパスワードを忘れた場合",
                "admin_account",
                page1,
            ),
            page(
                2,
                PageKind::Page,
                1,
                "一時的な管理者を作成する",
                "2nd-admin",
                page2,
            ),
        ],
    )
}

fn render(book: &Book) -> (Option<Vec<u8>>, Diagnostics) {
    let assets = Assets::embedded(ImageStore::new());
    let mut diags = Diagnostics::new();
    let out = tebiki::epub::render(book, &assets, &mut diags);
    (out, diags)
}

// ------------------------------------------------------------ inspection

/// The EPUB's files by name, in zip order.
fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut files = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        files.insert(entry.name().unwrap().to_string(), data);
    }
    files
}

fn text_of(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(
        files
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing"))
            .clone(),
    )
    .unwrap()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Resolves `href` (relative to the file `from`) to a zip path and fragment.
fn resolve(from: &str, href: &str) -> (String, Option<String>) {
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (href, None),
    };
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    if path.is_empty() {
        return (from.to_string(), fragment);
    }
    for segment in path.split('/') {
        match segment {
            ".." => {
                parts.pop();
            }
            "." => {}
            s => parts.push(s),
        }
    }
    (parts.join("/"), fragment)
}

fn ids_of(html: &str) -> BTreeSet<String> {
    let doc = Html::parse_document(html);
    doc.select(&sel("[id]"))
        .filter_map(|e| e.value().attr("id").map(String::from))
        .collect()
}

// ------------------------------------------------------------------ tests

/// Nesting depth of a nav link: the `<ol>`s around it, the outermost counting 0.
fn toc_depth(a: scraper::ElementRef) -> usize {
    a.ancestors()
        .filter(|n| n.value().as_element().is_some_and(|e| e.name() == "ol"))
        .count()
        .saturating_sub(1)
}

/// Writes each `(label, bytes)` to `label.epub` in a temporary folder and
/// runs EPUBCheck on all of them with the shared skip rule.
fn assert_epubcheck_clean(books: &[(String, &[u8])]) {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<(String, PathBuf)> = books
        .iter()
        .map(|(label, bytes)| {
            let path = dir.path().join(format!("{label}.epub"));
            std::fs::write(&path, bytes).unwrap();
            (label.clone(), path)
        })
        .collect();
    tools::assert_epubcheck_clean(&files);
}

#[test]
fn epub_passes_epubcheck_without_errors_or_warnings() {
    let img = images();
    let (bytes, diags) = render(&every_construct(&img));
    assert!(diags.items().is_empty(), "{:?}", diags.items());
    let bytes = bytes.unwrap();
    // Keep the checked file for inspection when asked to.
    if let Some(out) = std::env::var_os("TEBIKI_KEEP_EPUB") {
        std::fs::write(out, &bytes).unwrap();
    }
    assert_epubcheck_clean(&[("hand-built".to_string(), &bytes[..])]);
}

#[test]
fn zip_layout_metadata_and_safety() {
    let img = images();
    let (bytes, _) = render(&every_construct(&img));
    let bytes = bytes.unwrap();
    // mimetype first and stored.
    assert_eq!(&bytes[30..38], b"mimetype");
    assert_eq!(&bytes[8..10], &[0, 0]);
    let files = unzip(&bytes);
    let opf = text_of(&files, "OEBPS/content.opf");
    assert!(opf.contains("<dc:language>ja</dc:language>"));
    assert!(opf.contains("<dc:creator id=\"creator\">サイボウズ株式会社</dc:creator>"));
    assert!(opf.contains("<meta property=\"dcterms:modified\">2026-01-01T00:00:00Z</meta>"));
    for property in [
        "schema:accessMode",
        "schema:accessModeSufficient",
        "schema:accessibilityFeature",
        "schema:accessibilityHazard",
        "schema:accessibilitySummary",
    ] {
        assert!(
            opf.contains(&format!("property=\"{property}\"")),
            "{property}"
        );
    }
    let ids: Vec<&str> = opf
        .match_indices(" id=\"")
        .map(|(i, _)| &opf[i + 5..])
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let unique: BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "duplicate ids in the OPF");

    for (name, data) in &files {
        let Ok(content) = std::str::from_utf8(data) else {
            continue;
        };
        assert!(!content.contains("{{"), "{name} contains {{{{");
        assert!(
            !content.to_lowercase().contains("<script"),
            "{name} contains a script"
        );
        assert!(
            !content.contains("javascript:"),
            "{name} contains javascript:"
        );
    }
    let page = text_of(&files, "OEBPS/text/admin_account.xhtml");
    assert!(page.contains("xml:lang=\"ja\" lang=\"ja\""));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"引用\""));
    assert!(page.contains("<ol start=\"3\">"));
    assert!(page.contains("<caption>権限の一覧</caption>"));
    assert!(page.contains("<td rowspan=\"2\">管理者</td>"));
    assert!(
        page.contains("<th colspan=\"2\" class=\"align-center short\" scope=\"col\">権限</th>")
    );
    assert!(page.contains("href=\"https://www.kintone.com/support/?a=1&amp;b=2\""));
    for kind in ["warning", "note", "info", "tip", "custom"] {
        assert!(page.contains(&format!("admonition-{kind}")), "{kind}");
    }
    for bad in [" width=\"", " align=", " bgcolor=", " border="] {
        let in_table = page
            .split("<table")
            .skip(1)
            .any(|t| t.split("</table>").next().unwrap_or("").contains(bad));
        assert!(!in_table, "presentational attribute {bad} in a table");
    }
}

#[test]
fn nav_follows_the_outline_in_order_and_nesting() {
    let img = images();
    let book = every_construct(&img);
    let (bytes, _) = render(&book);
    let files = unzip(&bytes.unwrap());
    let nav = Html::parse_document(&text_of(&files, "OEBPS/nav.xhtml"));
    let toc = nav.select(&sel("nav#toc")).next().unwrap();
    let got: Vec<(usize, String)> = toc
        .select(&sel("a"))
        .map(|a| {
            let depth = toc_depth(a);
            (depth, a.text().collect::<String>())
        })
        .collect();
    let expected: Vec<(usize, String)> = book
        .outline(3)
        .into_iter()
        .map(|e| (e.level, e.title))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(
        got.iter().map(|(d, _)| *d).collect::<Vec<_>>(),
        vec![0, 1, 2, 3, 2, 1, 2, 3, 2]
    );
    let landmarks: Vec<String> = nav
        .select(&sel("nav#landmarks a"))
        .filter_map(|a| a.value().attr("epub:type").map(String::from))
        .collect();
    assert_eq!(landmarks, ["toc", "bodymatter"]);
    let ncx = text_of(&files, "OEBPS/toc.ncx");
    assert_eq!(ncx.matches("<navPoint ").count(), expected.len());
}

/// Checks every internal `href`/`src` of the XHTML files: the file exists
/// and is in the manifest, the fragment is an id in it, images are core
/// media types with an `alt`. Returns (links checked, images referenced).
fn check_internal_links(files: &BTreeMap<String, Vec<u8>>) -> (usize, usize) {
    let opf = Html::parse_document(&text_of(files, "OEBPS/content.opf"));
    let manifest: BTreeMap<String, String> = opf
        .select(&sel("item"))
        .map(|i| {
            let attr = |n: &str| i.value().attr(n).unwrap_or_default().to_string();
            (format!("OEBPS/{}", attr("href")), attr("media-type"))
        })
        .collect();
    for path in manifest.keys() {
        assert!(
            files.contains_key(path),
            "manifest item {path} missing from the zip"
        );
    }
    let mut checked = 0;
    let mut image_count = 0;
    for (name, data) in files {
        if !name.ends_with(".xhtml") {
            continue;
        }
        let doc = Html::parse_document(std::str::from_utf8(data).unwrap());
        for (selector, attr) in [
            ("a[href]", "href"),
            ("img[src]", "src"),
            ("link[href]", "href"),
        ] {
            for element in doc.select(&sel(selector)) {
                let href = element.value().attr(attr).unwrap();
                if href.starts_with("https://")
                    || href.starts_with("http://")
                    || href.starts_with("mailto:")
                {
                    continue;
                }
                let (target, fragment) = resolve(name, href);
                assert!(
                    files.contains_key(&target),
                    "{name}: {href} → {target} missing"
                );
                assert!(
                    manifest.contains_key(&target),
                    "{name}: {target} not in the manifest"
                );
                if let Some(fragment) = fragment {
                    let ids = ids_of(&text_of(files, &target));
                    assert!(
                        ids.contains(&fragment),
                        "{name}: #{fragment} not in {target}"
                    );
                }
                if selector.starts_with("img") {
                    image_count += 1;
                    assert!(manifest[&target].starts_with("image/"));
                    assert!(
                        ["image/png", "image/jpeg", "image/gif"]
                            .contains(&manifest[&target].as_str()),
                        "{target} is {}",
                        manifest[&target]
                    );
                    assert!(!element.value().attr("alt").unwrap_or_default().is_empty());
                }
                checked += 1;
            }
        }
    }
    (checked, image_count)
}

#[test]
fn every_internal_href_and_image_resolves() {
    let img = images();
    let (bytes, _) = render(&every_construct(&img));
    let files = unzip(&bytes.unwrap());
    let (checked, image_count) = check_internal_links(&files);
    assert!(checked > 20, "only {checked} hrefs checked");
    assert_eq!(image_count, 7);
    // Six files, each included once (login.png is shown twice).
    let images: Vec<&String> = files
        .keys()
        .filter(|k| k.starts_with("OEBPS/images/"))
        .collect();
    assert_eq!(images.len(), 6, "{images:?}");
    // The wide screenshot is downscaled to the default long side.
    let wide = image::load_from_memory(&files["OEBPS/images/wide.png"]).unwrap();
    assert_eq!((wide.width(), wide.height()), (1600, 554));
    let grey = &files["OEBPS/images/grey16.png"];
    assert_eq!(grey[24], 8, "16-bit PNG converted to 8-bit");
    assert!(
        files.contains_key("OEBPS/images/icon.png"),
        "BMP converted to PNG"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let img = images();
    let book = every_construct(&img);
    let (first, _) = render(&book);
    let (second, _) = render(&book);
    assert!(first.is_some());
    assert_eq!(first, second);
}

#[test]
fn a_bad_image_is_an_error_at_the_figure() {
    let img = images();
    let mut book = every_construct(&img);
    let broken = img.png.with_file_name("broken.png");
    let good = std::fs::read(&img.png).unwrap();
    std::fs::write(&broken, &good[..good.len() / 3]).unwrap();
    let missing = img.png.with_file_name("missing.png");
    book.pages[0]
        .blocks
        .push(screen(&broken, "壊れた画像", 4242));
    book.pages[2]
        .blocks
        .push(screen(&missing, "ない画像", 5151));
    let (bytes, diags) = render(&book);
    assert!(bytes.is_some(), "the rest of the book is still written");
    let errors: Vec<_> = diags
        .items()
        .iter()
        .filter(|d| d.severity == tebiki::diag::Severity::Error)
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].location, Location::Span(span(4242)));
    assert!(
        errors[0].message.starts_with("cannot decode image")
            && errors[0].message.contains("broken.png")
    );
    assert_eq!(errors[1].location, Location::Span(span(5151)));
    assert!(errors[1].message.starts_with("cannot read image"));
    let files = unzip(&bytes.unwrap());
    assert!(
        !files
            .keys()
            .any(|k| k.contains("broken") || k.contains("missing"))
    );
}

// ------------------------------------------------------- the sample site

/// Builds the repository's sample handbook (every region, EPUB only) with
/// the `tebiki` binary and `SOURCE_DATE_EPOCH` set, into a fresh folder,
/// and returns each region's EPUB bytes.
fn sample_epubs() -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let run = tools::build_sample(out.path(), &["--format", "epub"])
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "tebiki build failed:\n{stderr}");
    assert!(!stderr.contains(": error:"), "{stderr}");
    ["JP", "US", "CN"]
        .into_iter()
        .map(|region| {
            let path = out.path().join(format!("manual-{region}.epub"));
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            (region.to_string(), bytes)
        })
        .collect()
}

/// The zip paths of the EPUB's pages in spine order (without the nav).
fn spine_files(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let opf = Html::parse_document(&text_of(files, "OEBPS/content.opf"));
    let hrefs: BTreeMap<String, String> = opf
        .select(&sel("item"))
        .map(|i| {
            let attr = |n: &str| i.value().attr(n).unwrap_or_default().to_string();
            (attr("id"), format!("OEBPS/{}", attr("href")))
        })
        .collect();
    opf.select(&sel("itemref"))
        .filter_map(|r| r.value().attr("idref"))
        .filter(|id| *id != "nav")
        .map(|id| hrefs[id].clone())
        .collect()
}

#[test]
fn sample_site_epubs_are_valid_navigable_and_region_correct() {
    let books = sample_epubs();
    let labelled: Vec<(String, &[u8])> = books
        .iter()
        .map(|(region, bytes)| (format!("sample-{region}"), &bytes[..]))
        .collect();
    assert_epubcheck_clean(&labelled);
    let mut page_counts = Vec::new();
    for (region, bytes) in &books {
        let files = unzip(bytes);
        // Nav order and nesting equal the headings of the pages in spine
        // order: each page, then its h2 one level deeper, h3 two levels.
        let nav = Html::parse_document(&text_of(&files, "OEBPS/nav.xhtml"));
        let toc = nav.select(&sel("nav#toc")).next().unwrap();
        let got: Vec<(usize, String, String)> = toc
            .select(&sel("a"))
            .map(|a| {
                let depth = toc_depth(a);
                let href = format!("OEBPS/{}", a.value().attr("href").unwrap_or_default());
                (depth, a.text().collect::<String>(), href)
            })
            .collect();
        let pages = spine_files(&files);
        page_counts.push(pages.len());
        let mut expected_titles = Vec::new();
        let mut page_depths = BTreeMap::new();
        for (depth, _, href) in &got {
            if !href.contains('#') {
                page_depths.insert(href.clone(), *depth);
            }
        }
        for file in &pages {
            let doc = Html::parse_document(&text_of(&files, file));
            let base = page_depths[file];
            for h in doc.select(&sel("h1, h2, h3")) {
                let title = h.text().collect::<String>();
                let (depth, href) = match h.value().name() {
                    "h1" => (base, file.clone()),
                    name => {
                        let level: usize = name[1..].parse().unwrap();
                        let id = h.value().attr("id").unwrap_or_default();
                        (base + level - 1, format!("{file}#{id}"))
                    }
                };
                expected_titles.push((depth, title, href));
            }
        }
        assert_eq!(got, expected_titles, "{region}: nav differs from headings");
        assert!(got.len() > pages.len(), "{region}: headings are in the nav");

        let (checked, images) = check_internal_links(&files);
        assert!(
            checked > 50 && images > 5,
            "{region}: {checked} links, {images} images"
        );

        let mut all_text = String::new();
        for (name, data) in &files {
            if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx") {
                let text = std::str::from_utf8(data).unwrap();
                assert!(!text.contains("{{"), "{region} {name} contains {{{{");
                assert!(!text.to_lowercase().contains("<script"), "{region} {name}");
                assert!(!text.contains("javascript:"), "{region} {name}");
                all_text.push_str(text);
            }
        }
        let (present, absent): (&[&str], &[&str]) = match region.as_str() {
            "JP" => (
                &[
                    "方法3 サイボウズに問い合わせ",
                    "方法1 パスワードをリセットする",
                ],
                &[
                    "AWSへの移行",
                    "共通管理者が複数いる場合",
                    "Kintone Corporation",
                ],
            ),
            "US" => (
                &["AWSへの移行", "Kintone Corporationに問い合わせ"],
                &["共通管理者が複数いる場合", "上海サイボウズ"],
            ),
            _ => (
                &["共通管理者が複数いる場合", "cybozu.cn"],
                &["方法1 パスワードをリセットする", "AWSへの移行"],
            ),
        };
        for text in present {
            assert!(all_text.contains(text), "{region}: `{text}` missing");
        }
        for text in absent {
            assert!(
                !all_text.contains(text),
                "{region}: `{text}` must not be there"
            );
        }
    }
    assert!(page_counts.iter().all(|&n| n >= 12), "{page_counts:?}");
}

#[test]
fn sample_site_builds_are_byte_identical() {
    let first = sample_epubs();
    let second = sample_epubs();
    assert_eq!(first.len(), 3);
    for (region, bytes) in &first {
        assert!(bytes == &second[region], "{region} differs between builds");
    }
}
