//! Model tests of the issue-12 site fixtures (`tests/fixtures/hugo/p10…p14`):
//! each fixture is loaded with the real site loader and built into one
//! region's book, and its pages, links and images are asserted. The outputs
//! of the same fixtures are checked by `tests/it/hugo_site.rs`.

use std::path::PathBuf;

use super::book::{build_book, publication};
use crate::diag::{Diagnostics, Location, Sources};
use crate::model::{Book, Inline, LinkTarget, plain_text, walk};
use crate::site::{self, Site};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hugo")
        .join(name)
}

fn load(name: &str) -> (Site, Sources) {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let site = site::load(&fixture(name), &mut sources, &mut diags)
        .unwrap_or_else(|e| panic!("{name} loads: {e:?} {:?}", diags.items()));
    assert!(diags.items().is_empty(), "{:?}", diags.items());
    (site, sources)
}

fn region_book(site: &Site, sources: &Sources, code: &str) -> (Book, Vec<String>) {
    let index = site
        .regions
        .iter()
        .position(|r| r.code == code)
        .expect("region");
    let (book, diags) = build_book(site, sources, index, &[], None);
    let messages = diags
        .into_sorted()
        .into_iter()
        .map(|d| match d.location {
            Location::Span(s) => {
                let file = sources.get(s.source).expect("source");
                let (l, c) = file.line_col(s.start);
                format!("{}:{l}:{c}: {}", file.path.display(), d.message)
            }
            _ => d.message,
        })
        .collect();
    (book.expect("book"), messages)
}

/// Every link of a page: (text, target).
fn links(book: &Book, source_path: &str) -> Vec<(String, LinkTarget)> {
    let mut page = book
        .pages
        .iter()
        .find(|p| p.source_path == source_path)
        .unwrap_or_else(|| panic!("no page {source_path}"))
        .clone();
    let mut out = Vec::new();
    walk::blocks_mut(&mut page.blocks, |block| {
        for root in walk::inline_roots_mut(block) {
            walk::inline_lists_mut(root, |list| {
                for inline in list.iter() {
                    if let Inline::Link(l) = inline {
                        out.push((plain_text(&l.content), l.target.clone()));
                    }
                }
            });
        }
    });
    out
}

fn target_of<'a>(links: &'a [(String, LinkTarget)], text: &str) -> &'a LinkTarget {
    &links
        .iter()
        .find(|(t, _)| t == text)
        .unwrap_or_else(|| panic!("no link `{text}` in {links:?}"))
        .1
}

fn external(url: &str) -> LinkTarget {
    LinkTarget::External(url.into())
}

fn internal_to(book: &Book, source_path: &str, anchor: Option<&str>) -> LinkTarget {
    let page = book
        .pages
        .iter()
        .find(|p| p.source_path == source_path)
        .unwrap_or_else(|| panic!("{source_path} is not in the book"));
    LinkTarget::Internal {
        page: page.id,
        anchor: anchor.map(str::to_string),
    }
}

#[test]
fn p10_each_region_prints_its_own_host_and_title() {
    let (site, sources) = load("p10_region_book");
    let cases = [
        (
            "JP",
            "cybozu.com 共通管理ガイド",
            "サイボウズ株式会社",
            "https://jp.cybozu.help",
        ),
        (
            "US",
            "Kintone 管理者ガイド",
            "Kintone Corporation",
            "https://get.kintone.help",
        ),
        (
            "CN",
            "cybozu.cn 共通管理ガイド",
            "サイボウズ株式会社",
            "https://help.cybozu.cn",
        ),
    ];
    for (code, title, author, base) in cases {
        let (book, messages) = region_book(&site, &sources, code);
        assert!(messages.is_empty(), "{code}: {messages:?}");
        assert_eq!(book.meta.title, title);
        assert_eq!(book.meta.author.as_deref(), Some(author));
        assert_eq!(book.meta.base_url, base);
        let l = links(&book, "guide/links.md");
        assert_eq!(
            target_of(&l, "kintone のヘルプ"),
            &external(&format!("{base}/k/ja/user/app.html"))
        );
        assert_eq!(
            target_of(&l, "このページの見出し"),
            &internal_to(&book, "guide/links.md", Some("links"))
        );
        let jp_only = target_of(&l, "日本だけのページ");
        if code == "JP" {
            assert_eq!(jp_only, &internal_to(&book, "guide/jp_only.md", None));
        } else {
            assert_eq!(
                jp_only,
                &external(&format!("{base}/general/ja/guide/jp_only.html"))
            );
        }
    }
    let outputs: Vec<&str> = site.regions.iter().map(|r| r.output.as_str()).collect();
    assert_eq!(outputs, vec!["manual", "manual", "kintone"], "CN, JP, US");
}

#[test]
fn p11_links_a_help_site_really_has() {
    let (site, sources) = load("p11_links");
    for (code, base) in [
        ("JP", "https://jp.cybozu.help"),
        ("US", "https://get.kintone.help"),
    ] {
        let (book, messages) = region_book(&site, &sources, code);
        let l = links(&book, "general/links.md");
        let step = internal_to(&book, "general/target.md", Some("step"));
        let top = internal_to(&book, "general/target.md", None);
        assert_eq!(
            target_of(&l, "kintone"),
            &external(&format!("{base}/k/ja/user/app.html"))
        );
        assert_eq!(
            target_of(&l, "Garoon"),
            &external(&format!("{base}/g/ja/schedule.html#s"))
        );
        assert_eq!(
            target_of(&l, "設定"),
            &external(&format!("{base}/ja/settings/"))
        );
        assert_eq!(target_of(&l, "https"), &step);
        for text in ["http", "大文字", "スキーム相対"] {
            assert_eq!(target_of(&l, text), &top, "{text}");
        }
        assert_eq!(
            target_of(&l, "資料"),
            &external(&format!("{base}/general/ja/files/manual.pdf"))
        );
        let jp_only = target_of(&l, "日本だけ");
        if code == "JP" {
            assert_eq!(jp_only, &internal_to(&book, "general/jp_only.md", None));
        } else {
            assert_eq!(
                jp_only,
                &external(&format!("{base}/general/ja/general/jp_only.html"))
            );
        }
        // Reference-style links resolve like inline ones; labels ignore case.
        assert_eq!(target_of(&l, "ログイン"), &step);
        assert_eq!(target_of(&l, "大文字小文字"), &step);
        assert_eq!(target_of(&l, "ヘルプ"), &external(&format!("{base}/")));
        assert!(l.iter().all(|(t, _)| t != "未定義"));
        // Only the two real broken links warn, at their positions.
        assert_eq!(
            messages,
            vec![
                "tests/fixtures/hugo/p11_links/content/general/links.md:14:8: broken link `/general/ja/general/nowhere.html`".to_string(),
                "tests/fixtures/hugo/p11_links/content/general/links.md:14:47: broken link `https://jp.cybozu.help/general/ja/missing.html`".to_string(),
            ]
            .into_iter()
            .map(|m| m.replace("tests/", &format!("{}/tests/", env!("CARGO_MANIFEST_DIR"))))
            .collect::<Vec<_>>(),
            "{code}"
        );
    }
}

#[test]
fn p12_sections_cascade_and_the_exclusion_list() {
    let (site, sources) = load("p12_cascade");
    let pages = |code: &str| -> Vec<String> {
        let (book, messages) = region_book(&site, &sources, code);
        assert!(messages.is_empty(), "{code}: {messages:?}");
        book.pages.iter().map(|p| p.source_path.clone()).collect()
    };
    assert_eq!(
        pages("JP"),
        vec![
            "admin/_index.md",
            "admin/users.md",
            "p14/_index.md",
            "p14/page.md",
            "p14/sub/deep.md",
            "guide/_index.md",
            "guide/common.md"
        ]
    );
    assert_eq!(
        pages("US"),
        vec![
            "p14/_index.md",
            "p14/page.md",
            "p14/sub/deep.md",
            "guide/_index.md",
            "guide/common.md"
        ]
    );
    assert_eq!(
        pages("CN"),
        vec![
            "admin/_index.md",
            "admin/users.md",
            "guide/_index.md",
            "guide/cn.md"
        ]
    );
    let deep = site
        .pages
        .iter()
        .find(|p| p.rel_path == "p14/sub/deep.md")
        .expect("deep");
    assert_eq!(deep.front.params["region_note"], "cascade から継承");
    let listed = |code: &str| -> Vec<(String, String, String, usize)> {
        publication(&site, code)
            .exclusions
            .into_iter()
            .map(|e| {
                let span = e.span.expect("the deciding line is found");
                let line = sources
                    .get(span.source)
                    .expect("file")
                    .line_col(span.start)
                    .0;
                (e.page, e.section, e.reason, line)
            })
            .collect()
    };
    let row = |page: &str, section: &str, reason: &str, line: usize| {
        (
            page.to_string(),
            section.to_string(),
            reason.to_string(),
            line,
        )
    };
    assert_eq!(
        listed("US"),
        vec![
            row("admin/_index.md", "admin/_index.md", "disabled: [US]", 4),
            row("admin/users.md", "admin/_index.md", "disabled: [US]", 4),
        ]
    );
    assert_eq!(
        listed("CN"),
        vec![
            row(
                "p14/_index.md",
                "p14/_index.md",
                "cascade: disabled: [CN]",
                4
            ),
            row("p14/page.md", "p14/_index.md", "cascade: disabled: [CN]", 4),
            row(
                "p14/sub/deep.md",
                "p14/_index.md",
                "cascade: disabled: [CN]",
                4
            ),
            row(
                "guide/common.md",
                "guide/_index.md",
                "cascade: enabled: [JP, US]",
                5
            ),
        ]
    );
    assert_eq!(listed("JP"), vec![]);
}

#[test]
fn p14_pretty_urls_bundles_build_options_and_aliases() {
    let (site, sources) = load("p14_urls_bundles");
    let (book, messages) = region_book(&site, &sources, "JP");
    let got: Vec<(&str, &str)> = book
        .pages
        .iter()
        .map(|p| (p.source_path.as_str(), p.url.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("p14/_index.md", "/general/ja/p14/"),
            ("p14/links.md", "/general/ja/p14/links/"),
            ("p14/a/b/index.md", "/general/ja/p14/a/b/"),
            ("p14/slugpage.md", "/general/ja/p14/my-slug/"),
            ("p14/urlpage.md", "/general/ja/custom/path/page.html"),
            ("p14/sub/deep.md", "/general/ja/p14/sub/deep/"),
        ]
    );
    let l = links(&book, "p14/links.md");
    let bundle = internal_to(&book, "p14/a/b/index.md", None);
    for text in ["a/b", "相対", "ugly の形"] {
        assert_eq!(target_of(&l, text), &bundle, "{text}");
    }
    let url_page = internal_to(&book, "p14/urlpage.md", None);
    for text in ["custom", "old", "相対の alias"] {
        assert_eq!(target_of(&l, text), &url_page, "{text}");
    }
    assert_eq!(
        target_of(&l, "my-slug"),
        &internal_to(&book, "p14/slugpage.md", None)
    );
    let deep = internal_to(&book, "p14/sub/deep.md", None);
    assert_eq!(target_of(&l, "deep"), &deep);
    assert_eq!(target_of(&l, "ログイン"), &deep);
    assert_eq!(target_of(&l, "大文字小文字"), &deep);
    assert_eq!(
        target_of(&l, "p14"),
        &internal_to(&book, "p14/_index.md", None)
    );
    // Pages Hugo does not render are no link targets: the links warn.
    let root = env!("CARGO_MANIFEST_DIR");
    let at = |line_col: &str, href: &str| {
        format!(
            "{root}/tests/fixtures/hugo/p14_urls_bundles/content/p14/links.md:{line_col}: broken link `{href}`"
        )
    };
    assert_eq!(
        messages,
        vec![
            at("12:24", "/general/ja/p14/norender/"),
            at("13:10", "/general/ja/p14/headless/"),
        ]
    );
    // The bundle's images are its own files.
    let figures = book.figures();
    let shot = fixture("p14_urls_bundles/content/p14/a/b/shot.png")
        .canonicalize()
        .expect("shot.png");
    let srcs: Vec<(&str, &std::path::Path)> = figures
        .iter()
        .map(|f| (f.image.src.as_str(), f.image.path.as_path()))
        .collect();
    assert_eq!(
        srcs,
        vec![
            ("shot.png", shot.as_path()),
            ("./shot.png", shot.as_path()),
            ("shot.png", shot.as_path()),
        ]
    );
}

/// A little site written to a temporary folder: `(path, text)` pairs.
fn temp_site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        std::fs::write(&path, text).expect("write");
    }
    dir
}

fn load_dir(root: &std::path::Path) -> (Site, Sources) {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let site = site::load(root, &mut sources, &mut diags)
        .unwrap_or_else(|e| panic!("loads: {e:?} {:?}", diags.items()));
    assert!(diags.items().is_empty(), "{:?}", diags.items());
    (site, sources)
}

fn shortcode_site(ugly: bool) -> tempfile::TempDir {
    let toml = format!(
        "[book]\ntitle = \"t\"\nlanguage = \"ja\"\nbase_url = \"https://jp.cybozu.help\"\n\
         url_prefix = \"/general/ja/\"\nugly_urls = {ugly}\n\n[regions.JP]\n\n\
         [shortcodes.include]\nkind = \"include\"\n"
    );
    temp_site(&[
        ("tebiki.toml", &toml),
        (
            "content/guide.md",
            "---\ntitle: 手順\n---\n\n前の段落です。\n\n{{% include \"parts/part.md\" %}}\n\n\
             [スラッグ]({{< relref \"slugged.md\" >}})\n\n{{< ref \"/slugged.md\" >}}\n",
        ),
        (
            "content/slugged.md",
            "---\ntitle: スラッグ\nslug: my-slug\n---\n\n本文。\n",
        ),
        (
            "content/parts/index.md",
            "---\ntitle: 部品\nheadless: true\n---\n\nページにならない。\n",
        ),
        (
            "content/parts/part.md",
            "---\ntitle: 部品の一つ\n---\n\n取り込まれた部品の本文です。\n",
        ),
    ])
}

#[test]
fn include_reads_a_headless_bundles_file_and_ref_gives_the_published_url() {
    for (ugly, slug_url, guide_url) in [
        (false, "/general/ja/my-slug/", "/general/ja/guide/"),
        (true, "/general/ja/my-slug.html", "/general/ja/guide.html"),
    ] {
        let dir = shortcode_site(ugly);
        let (site, sources) = load_dir(dir.path());
        // The bundle's Markdown resource is no page, but `include` finds it.
        assert!(site.pages.iter().all(|p| p.rel_path != "parts/part.md"));
        assert!(site.resources.iter().any(|r| r.rel_path == "parts/part.md"));
        let settings = site.regions.first().expect("region");
        let index = crate::shortcode::ContentIndex::of_site(&site, &sources, settings);
        let slugged = index.find("", "slugged.md").expect("slugged.md").1;
        assert_eq!(slugged.url.as_deref(), Some(slug_url));
        let headless = index.find("", "parts").expect("parts/index.md").1;
        assert_eq!(headless.url, None, "a headless bundle has no URL");

        let (book, messages) = region_book(&site, &sources, "JP");
        assert!(messages.is_empty(), "{messages:?}");
        let guide = book
            .pages
            .iter()
            .find(|p| p.source_path == "guide.md")
            .expect("guide");
        assert_eq!(guide.url, guide_url);
        let texts: Vec<String> = guide
            .blocks
            .iter()
            .filter_map(|b| match b {
                crate::model::Block::Paragraph(p) => Some(plain_text(&p.content)),
                _ => None,
            })
            .collect();
        assert!(
            texts.iter().any(|t| t == "取り込まれた部品の本文です。"),
            "{texts:?}"
        );
        // `relref` gives the URL the links pass resolves: an internal link.
        let l = links(&book, "guide.md");
        assert_eq!(
            target_of(&l, "スラッグ"),
            &internal_to(&book, "slugged.md", None)
        );
        // `ref` prints the region's host before the same URL.
        let shown = format!("https://jp.cybozu.help{slug_url}");
        assert_eq!(
            target_of(&l, &shown),
            &internal_to(&book, "slugged.md", None)
        );
    }
}
