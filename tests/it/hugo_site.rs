//! Issue 12, the site points (10, 11, 12, 14): the fixtures under
//! `tests/fixtures/hugo/` built by the real binary, with their outputs
//! checked: EPUB hrefs and metadata, PDF link annotations (lopdf) and text
//! (pdftotext), the diagnostics printed (no `broken link` for a link that
//! works on the live site, real broken links with `path:line:col`), `check`'s
//! list of pages left out with their section, and EPUBCheck. The model of
//! the same fixtures is asserted by the unit tests in
//! `src/driver/hugo_tests.rs`.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::support::{scratch_dir, squeeze, tools};

/// `tebiki build --site <fixture> --out <scratch>`: the output folder and
/// stderr; asserts exit 0.
fn build(name: &str) -> (PathBuf, String) {
    let out = scratch_dir(&format!("hugo_site-{name}"));
    let run = tools::tebiki(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(["build", "--quiet", "--site"])
        .arg(format!("tests/fixtures/hugo/{name}"))
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run tebiki");
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert_eq!(run.status.code(), Some(0), "{name}:\n{stderr}");
    (out, stderr)
}

/// The diagnostic header lines of a run.
fn headers(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains(": warning: ") || l.contains(": error: "))
        .collect()
}

/// The text of the EPUB member whose name ends with `suffix`.
fn epub_member(epub: &Path, suffix: &str) -> String {
    let file = std::fs::File::open(epub).unwrap_or_else(|e| panic!("{}: {e}", epub.display()));
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        if entry.name().is_ok_and(|n| n.ends_with(suffix)) {
            let mut text = String::new();
            entry.read_to_string(&mut text).expect("UTF-8");
            return text;
        }
    }
    panic!("no member *{suffix} in {}", epub.display())
}

/// Every `href="…"` of an XHTML text.
fn hrefs(xhtml: &str) -> Vec<String> {
    xhtml
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .collect()
}

/// The URIs of every link annotation of a PDF.
fn pdf_uris(pdf: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(pdf).expect("lopdf reads the pdf");
    let mut uris = Vec::new();
    for (_, page) in doc.get_pages() {
        for annot in doc.get_page_annotations(page).unwrap_or_default() {
            let action = annot
                .get(b"A")
                .and_then(|a| doc.dereference(a))
                .and_then(|(_, a)| a.as_dict());
            if let Ok(uri) = action.and_then(|a| a.get(b"URI")).and_then(|u| u.as_str()) {
                uris.push(String::from_utf8_lossy(uri).into_owned());
            }
        }
    }
    uris
}

/// The whole text of a PDF without whitespace (`None` when pdftotext is missing).
fn pdf_text(pdf: &Path) -> Option<String> {
    tools::pdftotext(pdf, &[]).map(|t| squeeze(&t))
}

#[test]
fn p10_every_region_prints_its_own_host_and_book_settings() {
    let (out, stderr) = build("p10_region_book");
    assert!(headers(&stderr).is_empty(), "{stderr}");
    let cases = [
        (
            "manual-JP",
            "cybozu.com 共通管理ガイド",
            "サイボウズ株式会社",
            "https://jp.cybozu.help",
        ),
        (
            "kintone-US",
            "Kintone 管理者ガイド",
            "Kintone Corporation",
            "https://get.kintone.help",
        ),
        (
            "manual-CN",
            "cybozu.cn 共通管理ガイド",
            "サイボウズ株式会社",
            "https://help.cybozu.cn",
        ),
    ];
    let mut epubs = Vec::new();
    for (stem, title, author, base) in cases {
        let epub = out.join(format!("{stem}.epub"));
        let pdf = out.join(format!("{stem}.pdf"));
        let opf = epub_member(&epub, "content.opf");
        assert!(
            opf.contains(&format!(">{title}</dc:title>")),
            "{stem}: {opf}"
        );
        assert!(
            opf.contains(&format!(">{author}</dc:creator>")),
            "{stem}: {opf}"
        );
        let links = hrefs(&epub_member(&epub, "guide-links.xhtml"));
        let other_product = format!("{base}/k/ja/user/app.html");
        let jp_only = format!("{base}/general/ja/guide/jp_only.html");
        assert!(links.contains(&other_product), "{stem}: {links:?}");
        assert!(
            links.contains(&"guide-links.xhtml#links".to_string()),
            "{stem}: {links:?}"
        );
        let uris = pdf_uris(&pdf);
        assert!(uris.contains(&other_product), "{stem}: {uris:?}");
        if stem == "manual-JP" {
            assert!(
                links.contains(&"guide-jp_only.xhtml".to_string()),
                "{links:?}"
            );
            assert!(!uris.contains(&jp_only), "{uris:?}");
        } else {
            assert!(links.contains(&jp_only), "{stem}: {links:?}");
            assert!(uris.contains(&jp_only), "{stem}: {uris:?}");
        }
        // Every absolute link to the site uses this region's host.
        for url in links.iter().chain(&uris).filter(|u| u.starts_with("http")) {
            assert!(url.starts_with(base), "{stem}: {url}");
        }
        if let Some(text) = pdf_text(&pdf) {
            assert!(text.contains(&squeeze(title)), "{stem}: {text}");
        }
        epubs.push((stem.to_string(), epub));
    }
    tools::assert_epubcheck_clean(&epubs);
}

#[test]
fn p11_links_that_work_on_the_live_site_do_not_warn() {
    let (out, stderr) = build("p11_links");
    // Only the real broken links warn, once per region, at their position.
    let file = "tests/fixtures/hugo/p11_links/content/general/links.md";
    let mut want = Vec::new();
    for _ in ["JP", "US"] {
        want.push(format!(
            "{file}:14:8: warning: broken link `/general/ja/general/nowhere.html`"
        ));
        want.push(format!(
            "{file}:14:47: warning: broken link `https://jp.cybozu.help/general/ja/missing.html`"
        ));
    }
    want.sort();
    want.dedup();
    let mut got: Vec<&str> = headers(&stderr);
    got.sort_unstable();
    got.dedup();
    assert_eq!(got, want, "{stderr}");
    let mut epubs = Vec::new();
    for (code, base) in [
        ("JP", "https://jp.cybozu.help"),
        ("US", "https://get.kintone.help"),
    ] {
        let epub = out.join(format!("manual-{code}.epub"));
        let pdf = out.join(format!("manual-{code}.pdf"));
        let xhtml = epub_member(&epub, "general-links.xhtml");
        let links = hrefs(&xhtml);
        for want in [
            format!("{base}/k/ja/user/app.html"),
            format!("{base}/g/ja/schedule.html#s"),
            format!("{base}/ja/settings/"),
            format!("{base}/general/ja/files/manual.pdf"),
            format!("{base}/"),
            "general-target.xhtml#step".to_string(),
            "general-target.xhtml".to_string(),
        ] {
            assert!(links.contains(&want), "{code}: {want} not in {links:?}");
        }
        // The absolute links to jp.cybozu.help (https, http, upper case,
        // scheme-relative) and the reference-style ones are internal.
        let internal = links
            .iter()
            .filter(|h| h.starts_with("general-target.xhtml"))
            .count();
        assert_eq!(internal, 6, "{code}: {links:?}");
        let jp_only = format!("{base}/general/ja/general/jp_only.html");
        assert_eq!(links.contains(&jp_only), code == "US", "{code}: {links:?}");
        assert!(
            xhtml.contains("[未定義][nodef]"),
            "{code}: undefined reference kept as text"
        );
        let uris = pdf_uris(&pdf);
        assert!(
            uris.contains(&format!("{base}/k/ja/user/app.html")),
            "{code}: {uris:?}"
        );
        assert!(
            uris.iter()
                .all(|u| !u.contains("cybozu.help/general/ja/general/target")),
            "{code}: internal links are GoTo links: {uris:?}"
        );
        if let Some(text) = pdf_text(&pdf) {
            assert!(text.contains("[未定義][nodef]"), "{code}: {text}");
        }
        epubs.push((code.to_string(), epub));
    }
    tools::assert_epubcheck_clean(&epubs);
}

#[test]
fn p12_check_lists_pages_left_out_with_their_section() {
    let run = tools::tebiki(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(["check", "--site", "tests/fixtures/hugo/p12_cascade"])
        .output()
        .expect("run tebiki");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    let content = "tests/fixtures/hugo/p12_cascade/content";
    let want = format!(
        "region CN: 4 pages left out with their section\n\
         \x20 {content}/p14/_index.md:4: cascade: disabled: [CN]\n\
         \x20   p14/_index.md\n\
         \x20   p14/page.md\n\
         \x20   p14/sub/deep.md\n\
         \x20 {content}/guide/_index.md:5: cascade: enabled: [JP, US]\n\
         \x20   guide/common.md\n\
         region US: 2 pages left out with their section\n\
         \x20 {content}/admin/_index.md:4: disabled: [US]\n\
         \x20   admin/_index.md\n\
         \x20   admin/users.md\n"
    );
    assert!(stderr.contains(&want), "{stderr}");
    assert!(!stderr.contains("region JP:"), "{stderr}");

    let (out, stderr) = build("p12_cascade");
    assert!(headers(&stderr).is_empty(), "{stderr}");
    let texts = |code: &str| -> (String, Option<String>) {
        let epub = out.join(format!("manual-{code}.epub"));
        let opf = epub_member(&epub, "content.opf");
        (opf, pdf_text(&out.join(format!("manual-{code}.pdf"))))
    };
    let (us_opf, us_pdf) = texts("US");
    assert!(!us_opf.contains("admin"), "{us_opf}");
    assert!(us_opf.contains("guide-common.xhtml"), "{us_opf}");
    let (cn_opf, cn_pdf) = texts("CN");
    assert!(
        !cn_opf.contains("p14") && !cn_opf.contains("guide-common"),
        "{cn_opf}"
    );
    assert!(cn_opf.contains("guide-cn.xhtml"), "{cn_opf}");
    if let (Some(us), Some(cn)) = (us_pdf, cn_pdf) {
        assert!(
            !us.contains("米国向けの文"),
            "the section's pages go with it: {us}"
        );
        assert!(
            us.contains("日米のページ") && !us.contains("中国のページ"),
            "{us}"
        );
        assert!(
            cn.contains("中国のページ") && !cn.contains("日米のページ"),
            "{cn}"
        );
        assert!(!cn.contains("カスケードの下のページ"), "{cn}");
    }
    let epubs = ["JP", "US", "CN"]
        .map(|c| (c.to_string(), out.join(format!("manual-{c}.epub"))))
        .to_vec();
    tools::assert_epubcheck_clean(&epubs);
}

#[test]
fn p14_pretty_urls_bundles_and_build_options() {
    let (out, stderr) = build("p14_urls_bundles");
    let file = "tests/fixtures/hugo/p14_urls_bundles/content/p14/links.md";
    assert_eq!(
        headers(&stderr),
        vec![
            format!("{file}:12:24: warning: broken link `/general/ja/p14/norender/`"),
            format!("{file}:13:10: warning: broken link `/general/ja/p14/headless/`"),
        ],
        "{stderr}"
    );
    let epub = out.join("manual-JP.epub");
    let opf = epub_member(&epub, "content.opf");
    for page in [
        "p14-links",
        "p14-a-b-index",
        "p14-sub-deep",
        "p14-slugpage",
        "p14-urlpage",
    ] {
        assert!(opf.contains(&format!("{page}.xhtml")), "{page}: {opf}");
    }
    for not_a_page in [
        "norender",
        "neverpage",
        "oldbuild",
        "linkpage",
        "headless",
        "part",
    ] {
        assert!(!opf.contains(not_a_page), "{not_a_page}: {opf}");
    }
    assert!(
        opf.contains("images/shot.png"),
        "the bundle's image is packed: {opf}"
    );
    let bundle = epub_member(&epub, "p14-a-b-index.xhtml");
    assert_eq!(
        bundle.matches("src=\"../images/shot.png\"").count(),
        3,
        "{bundle}"
    );
    let links = hrefs(&epub_member(&epub, "p14-links.xhtml"));
    for (target, n) in [
        ("p14-a-b-index.xhtml", 3),
        ("p14-urlpage.xhtml", 3),
        ("p14-slugpage.xhtml", 1),
        ("p14-sub-deep.xhtml", 3),
        ("p14.xhtml", 1),
    ] {
        let got = links.iter().filter(|h| *h == target).count();
        assert_eq!(got, n, "{target}: {links:?}");
    }
    let pdf = out.join("manual-JP.pdf");
    let uris = pdf_uris(&pdf);
    assert!(
        uris.contains(&"https://jp.cybozu.help/".to_string()),
        "{uris:?}"
    );
    if let Some(text) = pdf_text(&pdf) {
        assert!(
            text.contains("p14リーフバンドル") && text.contains("slugを持つページ"),
            "{text}"
        );
        assert!(
            !text.contains("ヘッドレスの部品") && !text.contains("描画しない（_build"),
            "{text}"
        );
    }
    tools::assert_epubcheck_clean(&[("JP".to_string(), epub)]);
}
