//! The bundled sample handbook, built by the real binary and checked with the
//! real validators.
//!
//! Input: the repository root as a tebiki site (`tebiki.toml`, `content/`,
//! `static/`). The binary builds it once for every region of `tebiki.toml`
//! and each format into `CARGO_TARGET_TMPDIR/sample-dist`; the tests then
//! run `epubcheck` (as `java -jar /usr/share/java/epubcheck.jar`, since
//! Debian's `/usr/bin/epubcheck` needs binfmt support), `qpdf --check`,
//! `pdffonts`, `pdfinfo` and `pdftotext` on the outputs.
//!
//! A validator that is not installed skips its test with a message, except
//! when the environment variable `CI` is set: then it fails the test, so CI
//! cannot pass without checking anything.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use crate::support::tools::{
    assert_epubcheck_clean, assert_fonts_embedded_subset_unicode, assert_qpdf_clean, build_sample,
    pdfinfo, pdftotext,
};
use crate::support::{sample_site, scratch_dir, squeeze};

/// A sentence with dense Japanese punctuation (from `content/license/faq.md`,
/// in every region) that must come back from the outputs character for
/// character, line breaks aside.
const DENSE_PUNCTUATION: &str = "「ログイン名が分からない？」「パスワードを忘れた！」という問い合わせの多くは、『ログイン名』と『メールアドレス』の取り違え（特に、大文字・小文字の違いや、全角・半角の混同）が原因です。";

/// Text that belongs to exactly the listed regions: present in their outputs
/// and absent from every other region's. Compared with all whitespace
/// removed (line breaks, and the spacing a layout adds around Latin words).
const REGION_TEXT: &[(&str, &[&str])] = &[
    // The seed page's CN-only block.
    (
        "自分以外の管理者に、自分のパスワード変更を依頼します。",
        &["CN"],
    ),
    // The seed page's JP-only step list.
    ("下記の状況の場合は、", &["JP"]),
    // The seed page's US-only notes on AWS domains.
    ("ドメインIDが「y」で始まるお客様", &["US"]),
    // {{%CorpName%}} in the seed page's method 3 (not in CN).
    ("管理者からサイボウズにお問い合わせください。", &["JP"]),
    (
        "管理者からKintone Corporationにお問い合わせください。",
        &["US"],
    ),
    // {{%service%}}: [params] for JP, overridden by US and CN.
    ("ドメインIDは、cybozu.comの契約ごとに", &["JP"]),
    ("ドメインIDは、Kintoneの契約ごとに", &["US"]),
    ("ドメインIDは、cybozu.cnの契約ごとに", &["CN"]),
    // {{%slash%}} and {{%store%}}.
    (
        "cybozu.com 共通管理者がログインできなくなった場合に、cybozu.com ストア管理者",
        &["JP"],
    ),
    (
        "Kintone 共通管理者がログインできなくなった場合に、Kintone Store管理者",
        &["US"],
    ),
    // Page-level `disabled: [CN]` (login/admin_temp.md).
    (
        "作成から24時間が経過すると、自動的に削除されます。",
        &["JP", "US"],
    ),
    // Page-level `enabled: [JP]` (license/payment.md).
    (
        "クレジットカード払いと請求書払いを切り替える手順を説明します。",
        &["JP"],
    ),
    // Inline conditional inside an HTML table cell (admin/admin_role.md).
    ("ストアで契約者が指定", &["JP"]),
    // Inline conditionals in a paragraph (admin/list_useradmin/list_user/add_user.md).
    ("cybozu.com ストアで追加購入してください。", &["JP"]),
    (
        "Kintone Corporationの担当者に依頼して追加購入してください。",
        &["US"],
    ),
    // A conditional whose arguments span several lines (license/contact.md).
    ("受付時間：平日 9:00～12:00", &["JP"]),
    // A shortcode in a page title (license/contact.md).
    ("Kintone Corporationへのお問い合わせ", &["US"]),
    ("上海サイボウズへのお問い合わせ", &["CN"]),
    // Simplified Chinese, drawn from the CN region's Chinese font.
    ("中文说明：管理员忘记账户或密码时", &["CN"]),
    // A draft page is never built.
    ("この下書きページはビルドに含まれません", &[]),
];

/// Fragments that show unresolved shortcodes or raw HTML leaking into text.
const LEAKS: &[&str] = &["{{", "}}", "tebiki-sc", "<td", "<b>", "<br", "<table"];

/// The sample built once for all tests of this file.
struct Built {
    /// Folder with the outputs.
    dir: PathBuf,
    /// Output file stem from `tebiki.toml` (`book.output`).
    stem: String,
    /// Region codes from `tebiki.toml`.
    regions: Vec<String>,
    /// Paper of each region, in the order of `regions`.
    papers: Vec<String>,
    /// One build per format (file extension and the binary's output), so
    /// that a failing renderer does not hide the other format's checks.
    builds: Vec<(&'static str, Output)>,
}

impl Built {
    /// Path of one output file.
    fn file(&self, region: &str, ext: &str) -> PathBuf {
        self.dir.join(format!("{}-{region}.{ext}", self.stem))
    }

    /// The binary's output for one format.
    fn build_of(&self, ext: &str) -> &Output {
        self.builds
            .iter()
            .find(|(e, _)| *e == ext)
            .map(|(_, out)| out)
            .unwrap_or_else(|| panic!("no {ext} build"))
    }

    /// Panics with the binary's stderr unless the build of `ext` succeeded.
    fn assert_ok(&self, ext: &str) {
        let output = self.build_of(ext);
        assert!(
            output.status.success(),
            "`tebiki build --format {ext}` of the sample failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// The outputs of one format, after checking its build succeeded.
    fn outputs(&self, ext: &str) -> Vec<(String, PathBuf)> {
        self.assert_ok(ext);
        self.regions
            .iter()
            .map(|r| (r.clone(), self.file(r, ext)))
            .collect()
    }
}

/// Builds the sample once (every region, both formats) and returns it.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = sample_site();
        let config = std::fs::read_to_string(root.join("tebiki.toml")).expect("read tebiki.toml");
        let config: toml::Table = config.parse().expect("tebiki.toml is valid TOML");
        let stem = config
            .get("book")
            .and_then(|b| b.get("output"))
            .and_then(|o| o.as_str())
            .unwrap_or("manual")
            .to_owned();
        let region_table = config
            .get("regions")
            .and_then(|r| r.as_table())
            .expect("tebiki.toml has [regions]");
        let regions: Vec<String> = region_table.keys().cloned().collect();
        let papers = region_table
            .values()
            .map(|r| {
                r.get("paper")
                    .and_then(|p| p.as_str())
                    .unwrap_or("A4")
                    .to_owned()
            })
            .collect();

        let dir = scratch_dir("sample-dist");
        let builds = ["pdf", "epub"]
            .into_iter()
            .map(|ext| {
                let mut cmd = build_sample(&dir, &["--format", ext]);
                for region in &regions {
                    cmd.arg("--region").arg(region);
                }
                let output = cmd.output().expect("run tebiki");
                (ext, output)
            })
            .collect();
        Built {
            dir,
            stem,
            regions,
            papers,
            builds,
        }
    })
}

/// The text of every XHTML document in an EPUB, tags removed and the
/// predefined entities decoded, plus the raw markup (for leak checks).
fn epub_text(epub: &Path) -> (String, String) {
    let file = std::fs::File::open(epub).unwrap_or_else(|e| panic!("open {}: {e}", epub.display()));
    let mut zip = zip::ZipArchive::new(file).expect("the EPUB is a zip archive");
    let mut raw = String::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("read a zip entry");
        let name = entry.name().expect("entry name").into_owned();
        if name.ends_with(".xhtml") || name.ends_with(".html") {
            let mut body = String::new();
            entry
                .read_to_string(&mut body)
                .unwrap_or_else(|e| panic!("{name} in {} is not UTF-8: {e}", epub.display()));
            raw.push_str(&body);
            raw.push('\n');
        }
    }
    assert!(!raw.is_empty(), "{} has no XHTML documents", epub.display());
    (strip_markup(&raw), raw)
}

/// Removes tags (and the `<head>` content) from XHTML and decodes the five
/// predefined entities.
fn strip_markup(xhtml: &str) -> String {
    let mut text = String::with_capacity(xhtml.len());
    let mut rest = xhtml;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let after = &rest[open..];
        let skip_to = if after.starts_with("<head") {
            after.find("</head>").map(|i| i + "</head>".len())
        } else {
            after.find('>').map(|i| i + 1)
        };
        rest = &after[skip_to.unwrap_or(after.len())..];
        text.push(' ');
    }
    text.push_str(rest);
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Checks region text, leaks and the dense-punctuation sentence in the text
/// of one region's output. Returns the problems found.
fn region_problems(region: &str, text: &str, what: &str) -> Vec<String> {
    let flat = squeeze(text);
    let mut problems = Vec::new();
    for (needle, regions) in REGION_TEXT {
        let wanted = regions.contains(&region);
        let found = flat.contains(&squeeze(needle));
        if wanted != found {
            let verb = if wanted { "lacks" } else { "contains" };
            problems.push(format!("{what} of {region} {verb} {needle:?}"));
        }
    }
    if !flat.contains(DENSE_PUNCTUATION) {
        problems.push(format!(
            "{what} of {region} does not round-trip the dense punctuation sentence {DENSE_PUNCTUATION:?}"
        ));
    }
    for leak in LEAKS {
        if text.contains(leak) {
            problems.push(format!("{what} of {region} contains {leak:?}"));
        }
    }
    problems
}

#[test]
fn sample_builds_every_region_and_format() {
    let built = built();
    built.assert_ok("pdf");
    built.assert_ok("epub");
    let mut regions = built.regions.clone();
    regions.sort();
    assert_eq!(regions, ["CN", "JP", "US"], "the sample's regions");
    for region in &built.regions {
        for ext in ["pdf", "epub"] {
            let path = built.file(region, ext);
            let size = std::fs::metadata(&path)
                .unwrap_or_else(|e| panic!("{} was not written: {e}", path.display()))
                .len();
            assert!(size > 1000, "{} is only {size} bytes", path.display());
        }
    }
    let leftovers: Vec<_> = std::fs::read_dir(&built.dir)
        .expect("list the output folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !(n.ends_with(".pdf") || n.ends_with(".epub")))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );
}

#[test]
fn sample_build_reports_no_warnings() {
    let built = built();
    for (ext, output) in &built.builds {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains("warning:") && !stderr.contains("error:"),
            "the {ext} build of the sample must be clean, got:\n{stderr}"
        );
    }
}

#[test]
fn epubcheck_finds_no_errors_or_warnings() {
    assert_epubcheck_clean(&built().outputs("epub"));
}

#[test]
fn qpdf_check_passes() {
    for (region, pdf) in built().outputs("pdf") {
        assert_qpdf_clean(&pdf, &region);
    }
}

#[test]
fn pdffonts_every_font_embedded_subset_with_tounicode() {
    for (region, pdf) in built().outputs("pdf") {
        assert_fonts_embedded_subset_unicode(&pdf, &region);
    }
}

#[test]
fn pdf_paper_follows_the_region() {
    let built = built();
    for ((region, pdf), paper) in built.outputs("pdf").into_iter().zip(&built.papers) {
        let Some(info) = pdfinfo(&pdf) else {
            return;
        };
        let size = info
            .lines()
            .find_map(|l| l.strip_prefix("Page size:"))
            .unwrap_or_else(|| panic!("{region}: no page size in pdfinfo:\n{info}"));
        let expected = match paper.as_str() {
            "Letter" => "(letter)",
            "A4" => "(A4)",
            other => panic!("the sample uses only A4 and Letter, not {other}"),
        };
        assert!(
            size.contains(expected),
            "{region}: page size {size:?}, expected {paper}"
        );
    }
}

#[test]
fn pdftotext_has_each_regions_text_and_no_other() {
    let mut problems = Vec::new();
    for (region, pdf) in built().outputs("pdf") {
        // `-raw` keeps the content-stream order, which is tebiki's reading
        // order (cell by cell in tables); the default physical layout
        // interleaves neighbouring table columns line by line.
        let Some(text) = pdftotext(&pdf, &["-raw"]) else {
            return;
        };
        problems.extend(region_problems(&region, &text, "PDF text"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn epub_has_each_regions_text_and_no_other() {
    let built = built();
    let mut problems = Vec::new();
    for (region, epub) in built.outputs("epub") {
        let (text, raw) = epub_text(&epub);
        problems.extend(region_problems(&region, &text, "EPUB text"));
        for leak in ["{{", "tebiki-sc", "<script", "javascript:"] {
            if raw.contains(leak) {
                problems.push(format!("EPUB markup of {region} contains {leak:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn markup_stripper_keeps_text_only() {
    let text = strip_markup(
        "<html><head><title>t</title></head><body><p>a&amp;b<br/>「c」</p></body></html>",
    );
    assert_eq!(squeeze(&text), "a&b「c」");
}

#[test]
fn page_build_links_other_pages_to_the_online_help() {
    let dir = scratch_dir("sample-page");
    let out = build_sample(&dir, &["--region", "US", "--format", "epub"])
        .args(["--page", "content/login/admin_account.md"])
        .output()
        .expect("run tebiki");
    assert!(
        out.status.success(),
        "--page build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (text, raw) = epub_text(&dir.join("manual-US.epub"));
    let flat = squeeze(&text);
    assert!(flat.contains(&squeeze("ドメインIDが「y」で始まるお客様")));
    assert!(
        !flat.contains(&squeeze("ドメインIDは、Kintoneの契約ごとに")),
        "a page outside the selection was built"
    );
    for online in [
        "https://jp.cybozu.help/general/ja/login/admin_temp.html",
        "https://jp.cybozu.help/general/ja/admin/list_old/domainid.html",
    ] {
        assert!(
            raw.contains(&format!("href=\"{online}\"")),
            "no link to {online} in the --page EPUB"
        );
    }
    assert!(
        raw.contains("#login_admin_account_20\""),
        "the in-page link to method 2 is missing"
    );
}

/// The CN region names a Simplified Chinese font first (`[regions.CN.fonts]`
/// in `tebiki.toml`): its Chinese text comes from that font, exactly, and
/// the EPUB embeds it and puts it first in the body's font stack.
#[test]
fn cn_simplified_chinese_is_drawn_from_the_chinese_font() {
    const SENTENCE: &str =
        "中文说明：管理员忘记账户或密码时，请联系其他管理员在“设置”页面重新设置密码。";
    let built = built();
    let pdfs = built.outputs("pdf");
    let (_, cn) = pdfs.iter().find(|(r, _)| r == "CN").expect("a CN pdf");
    let (_, jp) = pdfs.iter().find(|(r, _)| r == "JP").expect("a JP pdf");
    if let Some(out) = crate::support::tools::run_validator("pdffonts", &[], cn) {
        let fonts = crate::support::tools::parse_pdffonts(&String::from_utf8_lossy(&out.stdout));
        assert!(
            fonts
                .iter()
                .any(|f| f.name.contains("NotoSansSCGB2312L1-Regular") && f.subset && f.to_unicode),
            "{fonts:?}"
        );
    }
    if let Some(text) = pdftotext(cn, &[]) {
        assert!(squeeze(&text).contains(SENTENCE), "{text}");
        assert!(text.contains("设置") && text.contains("账户"));
    }
    if let Some(out) = crate::support::tools::run_validator("pdffonts", &[], jp) {
        let listing = String::from_utf8_lossy(&out.stdout);
        assert!(
            !listing.contains("NotoSansSC"),
            "JP names no Chinese font:\n{listing}"
        );
    }
    let epubs = built.outputs("epub");
    let (_, cn_epub) = epubs.iter().find(|(r, _)| r == "CN").expect("a CN epub");
    let file = std::fs::File::open(cn_epub).expect("open the CN epub");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .read_to_string(&mut text)
            .expect("utf-8");
        text
    };
    let opf = read("OEBPS/content.opf");
    assert!(
        opf.contains(r#"href="fonts/notosanssc-regular-gb2312l1.otf" media-type="font/otf""#),
        "{opf}"
    );
    let css = read("OEBPS/css/epub.css");
    assert!(
        css.contains(r#"body { font-family: "tebiki-body", sans-serif; }"#)
            && css.contains(r#"src: url("../fonts/notosanssc-regular-gb2312l1.otf")"#),
        "{css}"
    );
    let (text, _) = epub_text(cn_epub);
    assert!(squeeze(&text).contains(SENTENCE));
}
