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

use crate::support;
use crate::support::{EpubcheckCounts, epubcheck_counts, validator_available};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

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

/// The repository root, which is the sample site.
fn site_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the sample once (every region, both formats) and returns it.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = site_root();
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

        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sample-dist");
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("clear previous sample output");
        }
        std::fs::create_dir_all(&dir).expect("create sample output folder");

        let builds = ["pdf", "epub"]
            .into_iter()
            .map(|ext| {
                let mut cmd = Command::new(env!("CARGO_BIN_EXE_tebiki"));
                cmd.arg("build")
                    .arg("--site")
                    .arg(&root)
                    .arg("--out")
                    .arg(&dir)
                    .args(["--format", ext]);
                for region in &regions {
                    cmd.arg("--region").arg(region);
                }
                (ext, run(&mut cmd))
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

/// Runs a command and returns its output, panicking when it cannot start.
fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Text extracted from a PDF by `pdftotext` (UTF-8, reading order).
fn pdf_text(pdf: &Path) -> String {
    // `-raw` keeps the content-stream order, which is tebiki's reading order
    // (cell by cell in tables); the default physical layout interleaves
    // neighbouring table columns line by line.
    let out = run(Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-"));
    assert!(
        out.status.success(),
        "pdftotext failed on {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("pdftotext writes UTF-8")
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

/// `text` with every whitespace character removed.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
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
    let built = built();
    if support::epubcheck().is_none() {
        return;
    }
    // One JVM per EPUB, all started before any is awaited.
    let running: Vec<_> = built
        .outputs("epub")
        .into_iter()
        .map(|(region, epub)| {
            let child = support::epubcheck_command()
                .arg(&epub)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run epubcheck: {e}"));
            (region, epub, child)
        })
        .collect();
    for (region, epub, child) in running {
        let out = child.wait_with_output().expect("wait for epubcheck");
        let report = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let counts = epubcheck_counts(&report).unwrap_or_else(|| {
            panic!("no `Messages:` line from epubcheck for {region}:\n{report}")
        });
        assert_eq!(
            counts,
            EpubcheckCounts::default(),
            "epubcheck on {} ({region}):\n{report}",
            epub.display()
        );
        assert!(
            out.status.success(),
            "epubcheck exit status for {region}:\n{report}"
        );
    }
}

#[test]
fn epubcheck_summary_parser_reads_counts() {
    assert_eq!(
        epubcheck_counts("x\nMessages: 1 fatal / 2 errors / 3 warnings / 0 infos\n"),
        Some(EpubcheckCounts {
            fatals: 1,
            errors: 2,
            warnings: 3
        })
    );
    assert_eq!(epubcheck_counts("PK: not found\n"), None);
}

#[test]
fn qpdf_check_passes() {
    let built = built();
    if !validator_available("qpdf", Command::new("qpdf").arg("--version")) {
        return;
    }
    for (region, pdf) in built.outputs("pdf") {
        let out = run(Command::new("qpdf").arg("--check").arg(&pdf));
        // qpdf exits 0 when clean, 3 on warnings, 2 on errors.
        assert_eq!(
            out.status.code(),
            Some(0),
            "qpdf --check on {region}:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// One row of `pdffonts` output.
#[derive(Debug)]
struct PdfFont {
    name: String,
    embedded: bool,
    subset: bool,
    to_unicode: bool,
}

/// Parses `pdffonts` output: after the dashed rule, each row ends with
/// `emb sub uni object-number generation` (the type column may hold spaces).
fn parse_pdffonts(out: &str) -> Vec<PdfFont> {
    out.lines()
        .skip_while(|l| !l.starts_with("---"))
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let from_end = |i: usize| cols.len().checked_sub(i).and_then(|k| cols.get(k)).copied();
            PdfFont {
                name: cols.first().copied().unwrap_or_default().to_owned(),
                embedded: from_end(5) == Some("yes"),
                subset: from_end(4) == Some("yes"),
                to_unicode: from_end(3) == Some("yes"),
            }
        })
        .collect()
}

#[test]
fn pdffonts_parser_reads_flags() {
    let out = "name                                 type              encoding         emb sub uni object ID\n\
               ------------------------------------ ----------------- ---------------- --- --- --- ---------\n\
               ABCDEF+BIZUDPGothic-Regular          CID TrueType      Identity-H       yes yes yes      7  0\n\
               Helvetica                            Type 1            Custom           no  no  no       9  0\n";
    let fonts = parse_pdffonts(out);
    assert_eq!(fonts.len(), 2);
    assert!(fonts[0].embedded && fonts[0].subset && fonts[0].to_unicode);
    assert_eq!(fonts[0].name, "ABCDEF+BIZUDPGothic-Regular");
    assert!(!fonts[1].embedded && !fonts[1].subset && !fonts[1].to_unicode);
}

#[test]
fn pdffonts_every_font_embedded_subset_with_tounicode() {
    let built = built();
    if !validator_available("pdffonts", Command::new("pdffonts").arg("-v")) {
        return;
    }
    for (region, pdf) in built.outputs("pdf") {
        let out = run(Command::new("pdffonts").arg(&pdf));
        assert!(out.status.success(), "pdffonts failed on {region}");
        let listing = String::from_utf8_lossy(&out.stdout);
        let fonts = parse_pdffonts(&listing);
        assert!(
            !fonts.is_empty(),
            "{region}: no fonts in the PDF:\n{listing}"
        );
        for font in &fonts {
            assert!(
                font.embedded && font.subset && font.to_unicode,
                "{region}: font {} must be embedded, subset and have ToUnicode:\n{listing}",
                font.name
            );
        }
    }
}

#[test]
fn pdf_paper_follows_the_region() {
    let built = built();
    if !validator_available("pdfinfo", Command::new("pdfinfo").arg("-v")) {
        return;
    }
    for ((region, pdf), paper) in built.outputs("pdf").into_iter().zip(&built.papers) {
        let out = run(Command::new("pdfinfo").arg(&pdf));
        let info = String::from_utf8_lossy(&out.stdout);
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
    let built = built();
    if !validator_available("pdftotext", Command::new("pdftotext").arg("-v")) {
        return;
    }
    let problems: Vec<String> = built
        .outputs("pdf")
        .iter()
        .flat_map(|(region, pdf)| region_problems(region, &pdf_text(pdf), "PDF text"))
        .collect();
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
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sample-page");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("clear previous page output");
    }
    let out = run(Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .arg("build")
        .arg("--site")
        .arg(site_root())
        .arg("--out")
        .arg(&dir)
        .args(["--region", "US", "--format", "epub"])
        .args(["--page", "content/login/admin_account.md"]));
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
