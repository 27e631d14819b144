//! Shortcodes as Hugo reads them (issue 12, points 1, 2, 3, 7, 8, 9 and the
//! `include` mapping of 14).
//!
//! Input: the minimal sites under `tests/fixtures/hugo/<pNN_name>/` (each
//! with the HTML Hugo 0.111 renders from the same page beside it, as
//! `hugo-JP.html`). Each test checks the model (the page resolved and parsed
//! through the library), then builds the site with the binary and checks
//! the EPUB XHTML, the PDF text (`pdftotext`) and EPUBCheck.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use tebiki::model::{Block, Inline, LinkTarget, plain_text};

use crate::support::front::parse_site;
use crate::support::tools::{assert_epubcheck_clean, build_site, pdftotext, tebiki};
use crate::support::{scratch_dir, squeeze};

/// The fixture folder `tests/fixtures/hugo/<name>`.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hugo")
        .join(name)
}

/// Every page of a fixture resolved and parsed for `region`, by path, and
/// the diagnostics as `path:line:col: message`.
fn model(name: &str, region: &str) -> (BTreeMap<String, Vec<Block>>, Vec<String>) {
    let parsed = parse_site(&fixture(name), region);
    let messages = parsed.messages();
    (parsed.pages, messages)
}

/// A fixture built by the binary: its output folder.
struct Built {
    out: PathBuf,
}

impl Built {
    /// The raw XHTML of one page (`text/<stem>.xhtml`) of a region's EPUB.
    fn xhtml(&self, region: &str, stem: &str) -> String {
        let epub = self.out.join(format!("manual-{region}.epub"));
        let file = std::fs::File::open(&epub).expect("open the EPUB");
        let mut zip = zip::ZipArchive::new(file).expect("the EPUB is a zip archive");
        let mut entry = zip
            .by_name(&format!("OEBPS/text/{stem}.xhtml"))
            .unwrap_or_else(|e| panic!("{stem}.xhtml in {}: {e}", epub.display()));
        let mut body = String::new();
        entry.read_to_string(&mut body).expect("UTF-8 XHTML");
        body
    }

    /// Every XHTML document of a region's EPUB, concatenated.
    fn all_xhtml(&self, region: &str) -> String {
        let epub = self.out.join(format!("manual-{region}.epub"));
        let file = std::fs::File::open(&epub).expect("open the EPUB");
        let mut zip = zip::ZipArchive::new(file).expect("the EPUB is a zip archive");
        let mut all = String::new();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).expect("entry");
            if entry.name().is_ok_and(|n| n.ends_with(".xhtml")) {
                entry.read_to_string(&mut all).expect("UTF-8 XHTML");
            }
        }
        all
    }

    /// The region's PDF text, whitespace removed (`None` without pdftotext).
    fn pdf(&self, region: &str) -> Option<String> {
        pdftotext(&self.out.join(format!("manual-{region}.pdf")), &[]).map(|t| squeeze(&t))
    }

    /// EPUBCheck on every EPUB.
    fn epubcheck(&self, regions: &[&str]) {
        let files: Vec<(String, PathBuf)> = regions
            .iter()
            .map(|r| {
                (
                    format!("{r} epub"),
                    self.out.join(format!("manual-{r}.epub")),
                )
            })
            .collect();
        assert_epubcheck_clean(&files);
    }
}

/// Builds a fixture with the binary; it must succeed without warnings.
fn build(name: &str) -> Built {
    let out = scratch_dir(&format!("hugo-{name}"));
    let output = build_site(&fixture(name), &out, &[])
        .output()
        .expect("run tebiki");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{name}: {stderr}");
    assert!(stderr.contains("0 errors, 0 warnings"), "{name}: {stderr}");
    Built { out }
}

/// No placeholder, raw tag or `tebiki-sc` text anywhere in the outputs.
fn assert_no_leak(built: &Built, region: &str) {
    let xhtml = built.all_xhtml(region);
    for bad in ["\u{FDD0}", "\u{FDD1}", "tebiki-sc", "&lt;tebiki"] {
        assert!(!xhtml.contains(bad), "{bad} in the EPUB");
    }
    if let Some(pdf) = built.pdf(region) {
        assert!(!pdf.contains("tebiki-sc") && !pdf.contains('\u{FDD0}'));
    }
}

fn page<'m>(pages: &'m BTreeMap<String, Vec<Block>>, rel: &str) -> &'m [Block] {
    pages
        .get(rel)
        .unwrap_or_else(|| panic!("no page {rel}: {:?}", pages.keys()))
}

fn figures(blocks: &[Block]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack: Vec<&Block> = blocks.iter().rev().collect();
    while let Some(block) = stack.pop() {
        match block {
            Block::Figure(f) => out.push((f.image.src.clone(), f.alt.clone())),
            Block::List(l) => {
                for item in l.items.iter().rev() {
                    stack.extend(item.blocks.iter().rev());
                }
            }
            Block::Admonition(a) => stack.extend(a.blocks.iter().rev()),
            Block::Quote(q) => stack.extend(q.blocks.iter().rev()),
            _ => {}
        }
    }
    out
}

fn para_text(block: &Block) -> String {
    match block {
        Block::Paragraph(p) => plain_text(&p.content),
        other => panic!("paragraph expected, got {other:?}"),
    }
}

#[test]
fn p01_shortcodes_inside_quoted_arguments_are_accepted_and_expanded() {
    let (pages, diags) = model("p01_quoted_arg", "JP");
    assert!(diags.is_empty(), "{diags:?}");
    let alts: Vec<String> = figures(page(&pages, "p01_quoted_arg.md"))
        .into_iter()
        .map(|(_, alt)| alt)
        .collect();
    assert_eq!(
        alts,
        [
            "kintoneのアカウント設定画面",
            "cybozu.comの設定画面",
            "kintoneの画面（%形式）",
            "バッククォート kintone の画面",
            "kintoneの画面",
            "kintoneの複数行の画面",
        ]
    );
    // Hugo prints the argument literally (the live site's alt has braces).
    let hugo = std::fs::read_to_string(fixture("p01_quoted_arg").join("hugo-JP.html")).unwrap();
    assert!(hugo.contains("alt=\"{{%kintone%}}のアカウント設定画面\""));
    let (us, _) = model("p01_quoted_arg", "US");
    assert_eq!(
        figures(page(&us, "p01_quoted_arg.md"))[1].1,
        "Kintoneの設定画面"
    );

    let built = build("p01_quoted_arg");
    let xhtml = built.xhtml("JP", "p01_quoted_arg");
    assert!(
        xhtml.contains("alt=\"kintoneのアカウント設定画面\""),
        "{xhtml}"
    );
    assert!(xhtml.contains("alt=\"kintoneの複数行の画面\""));
    if let Some(pdf) = built.pdf("JP") {
        assert!(
            pdf.contains("後の段落です。kintoneは本文では展開されます。"),
            "{pdf}"
        );
    }
    assert_no_leak(&built, "JP");
    built.epubcheck(&["JP", "US"]);
}

#[test]
fn p01_a_malformed_tag_is_a_diagnostic_and_the_page_builds() {
    let dir = scratch_dir("hugo-p01-malformed");
    let site = fixture("p01_quoted_arg");
    std::fs::copy(site.join("tebiki.toml"), dir.join("tebiki.toml")).unwrap();
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::write(
        dir.join("content/a.md"),
        "---\ntitle: A\n---\n\n前の段落です。\n\n{{< screen src=\"/x.png\" alt=\"閉じない >}}\n\n後の段落です。\n",
    )
    .unwrap();
    let output = tebiki(&dir)
        .args(["build", "--out"])
        .arg(dir.join("out"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("content/a.md:7:1: warning: unterminated string in shortcode tag"),
        "{stderr}"
    );
    assert!(output.status.success(), "{stderr}");
    let built = Built {
        out: dir.join("out"),
    };
    let xhtml = built.xhtml("JP", "a");
    assert!(
        xhtml.contains("<p>前の段落です。</p>") && xhtml.contains("<p>後の段落です。</p>"),
        "{xhtml}"
    );
}

#[test]
fn p02_boxes_stay_in_their_list_item_and_the_list_continues() {
    let (pages, diags) = model("p02_list_boxes", "JP");
    assert!(diags.is_empty(), "{diags:?}");
    let blocks = page(&pages, "p02_list_boxes.md");
    // The eight sections with a box under step 3: one list of six steps each.
    let lists: Vec<&Block> = blocks
        .iter()
        .filter(|b| matches!(b, Block::List(_)))
        .collect();
    for (n, list) in lists.iter().take(8).enumerate() {
        let Block::List(l) = list else { unreachable!() };
        assert_eq!(l.items.len(), 6, "section {n}: {l:?}");
        assert_eq!(l.start, Some(1));
        let step3 = &l.items[2].blocks;
        assert_eq!(para_text(&step3[0]), "手順3です。");
        let Block::Admonition(a) = &step3[1] else {
            panic!("box in step 3 of section {n}: {step3:?}")
        };
        assert_eq!(a.label, "補足");
        // At 4 spaces the box's own document is a code block, as in Hugo.
        let four = n == 3 || n == 7;
        assert_eq!(matches!(a.blocks[0], Block::Code(_)), four, "{a:?}");
    }
    let built = build("p02_list_boxes");
    if let Some(pdf) = built.pdf("JP") {
        for indent in ["1", "2"] {
            let want = format!(
                "3.手順3です。補足補足の本文（{indent}スペース、pct）。4.手順4です。5.手順5です。6.手順6です。"
            );
            assert!(pdf.contains(&want), "{want} in {pdf}");
        }
    }
    let xhtml = built.xhtml("JP", "p02_list_boxes");
    assert!(xhtml.contains("<li><p>手順3です。</p>\n<div class=\"admonition admonition-note"));
    assert!(xhtml.contains("<li><p>JPだけの手順です。</p>"));
    assert_no_leak(&built, "JP");
    built.epubcheck(&["JP", "US"]);
}

#[test]
fn p03_shortcodes_in_code_are_expanded_and_literal_forms_printed() {
    let (pages, diags) = model("p03_code", "JP");
    assert!(diags.is_empty(), "{diags:?}");
    let blocks = page(&pages, "p03_code.md");
    assert_eq!(
        figures(blocks)
            .into_iter()
            .map(|(src, _)| src)
            .collect::<Vec<_>>(),
        ["/general/img-ja/code1.png", "/general/img-ja/code2.png"]
    );
    let code: Vec<String> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Code(c) => Some(c.text.clone()),
            _ => None,
        })
        .collect();
    assert!(
        code.contains(&"1. cybozu.comの画面を開きます。".to_string()),
        "{code:?}"
    );
    assert!(code.contains(&"{{< screen src=\"/general/img-ja/code3.png\" alt=\"リテラル\" >}}\n{{% note %}}本文{{% /note %}}".to_string()), "{code:?}");
    let built = build("p03_code");
    let xhtml = built.xhtml("JP", "p03_code");
    assert!(xhtml.contains("<code>{{&lt; screen src=\"/a.png\" alt=\"x\" &gt;}}</code> と {{% note %}} と {{&lt; note &gt;}}。"), "{xhtml}");
    assert!(xhtml.contains("alt=\"設定画面\""));
    if let Some(pdf) = built.pdf("JP") {
        assert!(pdf.contains("コードの中の補足。"));
        assert!(
            pdf.contains("段落の中のリテラル{{<kintone>}}です。"),
            "{pdf}"
        );
    }
    assert_no_leak(&built, "JP");
    built.epubcheck(&["JP"]);
}

#[test]
fn p07_hugo_builtins_ref_figure_highlight_param() {
    let (pages, diags) = model("p07_builtins", "JP");
    assert!(diags.is_empty(), "{diags:?}");
    let blocks = page(&pages, "p07_builtins.md");
    let Block::List(list) = &blocks[0] else {
        panic!("list first: {blocks:?}")
    };
    let hrefs: Vec<String> = list
        .items
        .iter()
        .filter_map(|item| match &item.blocks[0] {
            Block::Paragraph(p) => p.content.iter().find_map(|i| match i {
                Inline::Link(l) => match &l.target {
                    LinkTarget::Unresolved(h) => Some(h.clone()),
                    _ => None,
                },
                _ => None,
            }),
            _ => None,
        })
        .collect();
    assert_eq!(
        hrefs,
        [
            "/general/ja/p05_headings.html",
            "/general/ja/p05_headings.html",
            "/general/ja/p05_headings.html#ユーザーを追加する",
            "/general/ja/p05_headings.html#ユーザーを追加する",
            "#highlight",
            "/general/ja/p04_inline_images.html",
            "/general/ja/p14.html", // Hugo: a section is `dir.html` with uglyURLs
            "/general/ja/p05_headings.html",
        ]
    );
    let figure = blocks
        .iter()
        .find_map(|b| match b {
            Block::Figure(f) => Some(f),
            _ => None,
        })
        .expect("figure");
    assert_eq!(figure.alt, "代替テキスト");
    assert_eq!(figure.title.as_deref(), Some("図のタイトル — 図の説明"));
    let code: Vec<(Option<String>, String)> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Code(c) => Some((c.language.clone(), c.text.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(code[0].0.as_deref(), Some("go"));
    assert!(code[0].1.starts_with("func main() {\n"), "{code:?}");
    assert_eq!(
        code[1],
        (Some("js".into()), "const a = 1;\nconst b = 2;".into())
    );
    let texts: Vec<String> = blocks
        .iter()
        .filter(|b| matches!(b, Block::Paragraph(_)))
        .map(para_text)
        .collect();
    assert!(texts.contains(
        &"サービス名はcybozu.com、会社名はサイボウズです。cybozu.com ストアも。".to_string()
    ));
    assert!(texts.contains(&"ページの param: ページの値".to_string()));

    let built = build("p07_builtins");
    let xhtml = built.xhtml("JP", "p07_builtins");
    assert!(
        xhtml.contains("<a href=\"p05_headings.xhtml\">見出しのページ</a>"),
        "{xhtml}"
    );
    assert!(xhtml.contains("<a href=\"p07_builtins.xhtml#highlight\">下へ</a>"));
    assert!(xhtml.contains("class=\"language-go\""));
    assert!(xhtml.contains("図のタイトル — 図の説明"));
    if let Some(pdf) = built.pdf("JP") {
        assert!(pdf.contains("ページのparam:ページの値"), "{pdf}");
        assert!(pdf.contains("fmt.Println(\"こんにちは\")"));
    }
    assert_no_leak(&built, "JP");
    built.epubcheck(&["JP"]);
}

#[test]
fn p08_subtitle_text_is_the_heading_wherever_the_line_breaks_fall() {
    let (pages, diags) = model("p08_subtitle", "JP");
    assert!(diags.is_empty(), "{diags:?}");
    let blocks = page(&pages, "p08_subtitle.md");
    let heading = |b: &Block| match b {
        Block::Heading(h) => h.text.clone(),
        other => panic!("heading expected: {other:?}"),
    };
    assert_eq!(heading(&blocks[0]), "次の行の小見出し");
    assert_eq!(para_text(&blocks[1]), "小見出しの直後の本文です。");
    let Block::Admonition(a) = &blocks[3] else {
        panic!("box: {blocks:?}")
    };
    assert_eq!(heading(&a.blocks[0]), "ボックスの中の小見出し");
    assert_eq!(para_text(&a.blocks[1]), "ボックスの本文です。");
    assert_eq!(heading(&blocks[4]), "同じ行の小見出し");
    assert_eq!(para_text(&blocks[5]), "閉じタグの直後のテキスト。");
    assert_eq!(heading(&blocks[6]), "山括弧の小見出し");
    let Block::List(l) = blocks.last().expect("list") else {
        panic!("list last")
    };
    assert_eq!(heading(&l.items[0].blocks[1]), "項目の中の小見出し");
    assert_eq!(para_text(&l.items[0].blocks[2]), "項目の中の本文。");

    let built = build("p08_subtitle");
    let xhtml = built.xhtml("JP", "p08_subtitle");
    assert!(
        xhtml.contains(">次の行の小見出し</h2>\n<p>小見出しの直後の本文です。</p>"),
        "{xhtml}"
    );
    if let Some(pdf) = built.pdf("JP") {
        assert!(
            pdf.contains("同じ行の小見出し閉じタグの直後のテキスト。"),
            "{pdf}"
        );
    }
    assert_no_leak(&built, "JP");
    built.epubcheck(&["JP"]);
}

#[test]
fn p09_mappings_take_their_text_from_arguments() {
    let (pages, diags) = model("p09_arg_text", "JP");
    assert!(diags.is_empty(), "{diags:?}");
    let blocks = page(&pages, "p09_arg_text.md");
    let labels: Vec<(String, String)> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Admonition(a) => Some((a.name.clone(), a.label.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        labels,
        [
            ("seealso".to_string(), "関連する記事".to_string()),
            ("seealso".into(), "関連する記事（%形式）".into()),
            ("reference".into(), "関連ページ".into()),
            ("hint".into(), "ヒント".into()),
            ("warning".into(), "注意".into()),
            ("note".into(), "補足".into()),
        ]
    );
    let built = build("p09_arg_text");
    let xhtml = built.xhtml("JP", "p09_arg_text");
    assert!(
        xhtml.contains("<p>ログイン<a href=\"login.xhtml\">ログイン方法を見る</a></p>"),
        "{xhtml}"
    );
    assert!(xhtml.contains("<a href=\"https://example.com/\">外部リンク</a>"));
    assert!(xhtml.contains(
        "<a href=\"https://example.com/inquiry\">ご不明な点はお問い合わせください。</a>"
    ));
    // On paper, internal links print their target's page number and
    // external ones a mark for the URL note (issue 13); in content order.
    if let Some(pdf) = pdftotext(&built.out.join("manual-JP.pdf"), &["-raw"]).map(|t| squeeze(&t)) {
        for expected in [
            "ログインする（→p.3）",
            "パスワードを変更する（→p.2）",
            "ログイン方法を見る（→p.3）",
            "外部リンク*1",
            // A top-level list inside a box takes the first-level bullet.
            "関連する記事•ログインする",
        ] {
            assert!(pdf.contains(expected), "{expected}: {pdf}");
        }
    }
    assert_no_leak(&built, "JP");
    built.epubcheck(&["JP"]);
}

#[test]
fn p14_include_places_another_content_file_resolved_for_the_region() {
    let (pages, diags) = model("p14_include", "US");
    assert!(diags.is_empty(), "{diags:?}");
    let blocks = page(&pages, "guide.md");
    assert_eq!(para_text(&blocks[1]), "Kintoneにログインします。");
    assert!(matches!(&blocks[2], Block::Figure(f) if f.alt == "取り込まれた画面"));
    let Block::List(l) = &blocks[3] else {
        panic!("list: {blocks:?}")
    };
    assert_eq!(l.items.len(), 2);
    assert!(matches!(&l.items[0].blocks[1], Block::Admonition(a) if a.label == "補足"));
    let built = build("p14_include");
    let xhtml = built.xhtml("JP", "guide");
    assert!(
        xhtml.contains("<p>cybozu.comにログインします。</p>"),
        "{xhtml}"
    );
    if let Some(pdf) = built.pdf("US") {
        assert!(
            pdf.contains("1.最初の手順です。補足取り込まれた補足です。2.次の手順です。"),
            "{pdf}"
        );
    }
    assert_no_leak(&built, "US");
    built.epubcheck(&["JP", "US"]);
}
