//! Issue 14's command line for writers and support staff (the points other
//! than watch and serve): `init` (a new site, and `--from-hugo` on the
//! fixture Hugo site with three config files), `layouts export`,
//! `completions`, site discovery from a subfolder, `-o FILE`, `--out`
//! given a file name, the paths a build prints, and `--page` for a page
//! another region has. Outputs go through the validators and pdftotext.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::tools::{run_tebiki as run, stderr};
use crate::support::{scratch_dir, squeeze, tools};

fn stdout_paths(out: &Output) -> Vec<PathBuf> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(PathBuf::from)
        .collect()
}

/// `tebiki init DIR` in a scratch folder: the new site's folder.
fn new_site(name: &str) -> PathBuf {
    let dir = scratch_dir(name).join("site");
    let out = run(
        Path::new(env!("CARGO_TARGET_TMPDIR")),
        &["init", &dir.to_string_lossy()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

#[test]
fn init_then_build_from_a_subfolder_passes_the_validators() {
    let site = new_site("writer_cli-init");
    // Discovery: run from content/, no --site; the default output is the
    // site's dist/.
    let out = run(&site.join("content"), &["build"]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(": 0 errors, 0 warnings"), "{text}");
    let dist = site.join("dist");
    let mut printed: Vec<PathBuf> = stdout_paths(&out)
        .iter()
        .map(|p| {
            site.join("content")
                .join(p)
                .canonicalize()
                .expect("printed path exists")
        })
        .collect();
    printed.sort();
    let names = [
        "manual-JP.epub",
        "manual-JP.pdf",
        "manual-US.epub",
        "manual-US.pdf",
    ];
    let expected: Vec<PathBuf> = names
        .iter()
        .map(|n| dist.join(n).canonicalize().expect("written"))
        .collect();
    assert_eq!(printed, expected);
    tools::assert_epubcheck_clean(&[
        ("init JP".into(), dist.join("manual-JP.epub")),
        ("init US".into(), dist.join("manual-US.epub")),
    ]);
    for region in ["JP", "US"] {
        let pdf = dist.join(format!("manual-{region}.pdf"));
        tools::assert_qpdf_clean(&pdf, region);
        tools::assert_fonts_embedded_subset_unicode(&pdf, region);
    }
    // The region conditional, the variable and the screenshot.
    if let Some(jp) = tools::pdftotext(&dist.join("manual-JP.pdf"), &[]) {
        let jp = squeeze(&jp);
        assert!(jp.contains("サポート窓口（平日9:00〜18:00）"), "{jp}");
        assert!(jp.contains("ExampleCloudハンドブック"), "{jp}");
        assert!(!jp.contains("米国の"), "{jp}");
    }
    if let Some(us) = tools::pdftotext(&dist.join("manual-US.pdf"), &[]) {
        assert!(squeeze(&us).contains("米国のthesupportdesk"), "{us}");
    }
    let epub = std::fs::read(dist.join("manual-JP.epub")).expect("epub");
    assert!(
        epub.windows(b"login.png".len()).any(|w| w == b"login.png"),
        "the screenshot is in the EPUB"
    );
    // A second init refuses, and leaves the files as they were.
    let config = std::fs::read(site.join("tebiki.toml")).expect("config");
    let again = run(&site, &["init", "."]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exist"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        std::fs::read(site.join("tebiki.toml")).expect("config"),
        config
    );
}

#[test]
fn init_from_hugo_builds_the_three_region_fixture() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/from_hugo");
    let site = scratch_dir("writer_cli-from_hugo").join("site");
    copy_tree(&fixture, &site);
    let out = run(&site, &["init", "--from-hugo", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let config = std::fs::read_to_string(site.join("tebiki.toml")).expect("written");
    for needle in [
        "[regions.JP]",
        "[regions.US]",
        "[regions.CN]",
        "hugo_config = \"config_us.toml\"",
        "url_prefix = \"/general/ja/\"",
        "base_url = \"https://get.kintone.help\"",
        "[shortcodes.seealso]\nkind = \"drop\"",
        "[shortcodes.tile]\nkind = \"drop\"",
    ] {
        assert!(config.contains(needle), "{needle} missing:\n{config}");
    }
    // Variables are params, not site shortcodes; built-ins are known.
    for name in ["service", "CorpName", "store", "screen", "enabled"] {
        assert!(
            !config.contains(&format!("[shortcodes.{name}]")),
            "{config}"
        );
    }
    let out = run(&site, &["build", "--out", "out"]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("wrote 6 files"), "{text}");
    assert!(text.contains(": 0 errors, 0 warnings"), "{text}");
    let texts = |region: &str| {
        tools::pdftotext(&site.join(format!("out/manual-{region}.pdf")), &[]).map(|t| squeeze(&t))
    };
    if let (Some(us), Some(jp)) = (texts("US"), texts("JP")) {
        // Per-region params of each Hugo config, with its language params.
        assert!(us.contains("KintoneCorporationが発行した"), "{us}");
        assert!(us.contains("KintoneStoreで確認できます"), "{us}");
        assert!(us.contains("販売パートナー"), "{us}");
        assert!(jp.contains("cybozu.comストアで確認できます"), "{jp}");
        assert!(jp.contains("サイボウズのサポート"), "{jp}");
        // The book title of each region comes from its config's title.
        assert!(us.starts_with("Kintone共通管理ヘルプ"), "{us}");
        // The dropped shortcode's text is gone.
        assert_eq!(
            us.matches("パスワードを忘れた").count(),
            us.matches("パスワードを忘れたとき").count(),
            "{us}"
        );
    }
    tools::assert_epubcheck_clean(&[("from-hugo CN".into(), site.join("out/manual-CN.epub"))]);
    hugo_reads_the_same(&site, &config);
}

/// What Hugo itself reads from each region's config (`hugo config`) is
/// what `init --from-hugo` wrote: the region's host and title, the
/// `url_prefix`, and the content folder.
fn hugo_reads_the_same(site: &Path, config: &str) {
    for (region, file) in [
        ("JP", "config_jp.toml"),
        ("US", "config_us.toml"),
        ("CN", "config_cn.toml"),
    ] {
        let run = std::process::Command::new("hugo")
            .args(["config", "--config", file])
            .current_dir(site)
            .output();
        let out = match run {
            Ok(out) => out,
            Err(e) => return tools::missing("hugo", &e.to_string()),
        };
        assert!(out.status.success(), "hugo config {file}: {}", stderr(&out));
        let report = String::from_utf8_lossy(&out.stdout);
        let value = |key: &str| {
            report
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{key} = ")))
                .map(|v| v.trim_matches('"').to_string())
                .unwrap_or_else(|| panic!("hugo config {file} has no {key}:\n{report}"))
        };
        let base = url::Url::parse(&value("baseurl")).expect("Hugo's baseURL");
        let host = base.origin().ascii_serialization();
        let table: toml::Table = config.parse().expect("tebiki.toml");
        let regions = table["regions"].as_table().expect("regions");
        let ours = regions[region]["book"]["base_url"].as_str();
        assert_eq!(ours, Some(host.as_str()), "{region}");
        assert_eq!(table["book"]["url_prefix"].as_str(), Some(base.path()));
        assert_eq!(value("contentdir"), "content");
        assert_eq!(value("uglyurls"), "true");
        let title = regions[region]
            .get("book")
            .and_then(|b| b.get("title"))
            .or_else(|| table["book"].get("title"))
            .and_then(|t| t.as_str());
        assert_eq!(title, Some(value("title").as_str()), "{region}");
    }
}

#[test]
fn output_file_writes_exactly_that_file() {
    let site = new_site("writer_cli-output");
    let out = run(
        &site,
        &[
            "build",
            "--region",
            "US",
            "--page",
            "content/first-steps.md",
            "-o",
            "ticket-1234.pdf",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout_paths(&out), vec![PathBuf::from("ticket-1234.pdf")]);
    let mut names: Vec<String> = std::fs::read_dir(&site)
        .expect("site")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec!["content", "static", "tebiki.toml", "ticket-1234.pdf"]
    );
    let pdf = std::fs::read(site.join("ticket-1234.pdf")).expect("written");
    assert!(pdf.starts_with(b"%PDF-"));
    // One file needs one region.
    let two = run(&site, &["build", "-o", "x.epub"]);
    assert_eq!(two.status.code(), Some(2));
    assert!(
        stderr(&two).contains("writes one file, but 2 regions"),
        "{}",
        stderr(&two)
    );
    // `--out x.pdf` used to make a folder named x.pdf.
    let folder = run(&site, &["build", "--out", "x.pdf"]);
    assert_eq!(folder.status.code(), Some(2));
    let text = stderr(&folder);
    assert!(
        text.contains("looks like a file name") && text.contains("-o x.pdf"),
        "{text}"
    );
    assert!(!site.join("x.pdf").exists());
}

#[test]
fn a_page_of_another_region_is_an_error_naming_its_front_matter() {
    let site = new_site("writer_cli-region");
    std::fs::write(
        site.join("content/jp-only.md"),
        "---\ntitle: 日本だけ\nenabled: [JP]\n---\n本文\n",
    )
    .expect("page");
    // Given relative to the current folder (content/), as a shell completes it.
    let out = run(
        &site.join("content"),
        &[
            "build",
            "--region",
            "US",
            "--format",
            "pdf",
            "--page",
            "jp-only.md",
        ],
    );
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("jp-only.md is not in region US (enabled: [JP])"),
        "{text}"
    );
    assert!(text.contains("jp-only.md:3:1"), "{text}");
    assert!(text.contains("--region JP"), "{text}");
    assert!(!site.join("dist/manual-US.pdf").exists());
    // Absolute paths work too, and JP builds it.
    let absolute = site.join("content/jp-only.md");
    let out = run(
        Path::new("/"),
        &[
            "build",
            &site.to_string_lossy(),
            "--region",
            "JP",
            "--format",
            "pdf",
            "--page",
            &absolute.to_string_lossy(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn layouts_export_and_completions() {
    let site = new_site("writer_cli-layouts");
    let out = run(&site.join("content"), &["layouts", "export"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let layouts = site.join("layouts");
    assert_eq!(std::fs::read_dir(&layouts).expect("layouts").count(), 3);
    for name in ["pdf.toml", "epub.toml", "epub.css"] {
        let ours = std::fs::read(layouts.join(name)).expect("exported");
        let shipped = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("layouts")
                .join(name),
        )
        .expect("shipped");
        assert_eq!(ours, shipped, "{name}");
    }
    // The site still builds with its own (default) layouts.
    let build = run(&site, &["build", "--format", "pdf", "--region", "JP"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    assert_eq!(run(&site, &["layouts", "export"]).status.code(), Some(2));
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef tebiki"),
        ("fish", "complete -c tebiki"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = run(&site, &["completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(
            script.contains(marker) && script.contains("--from-hugo"),
            "{shell}"
        );
    }
}

/// Copies a folder tree (files and folders only).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    for entry in std::fs::read_dir(from).expect("read fixture").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The sheets of a PDF as squeezed text (no trailing empty entry), or
/// `None` after the skip rule.
fn sheets(pdf: &Path) -> Option<Vec<String>> {
    let mut sheets: Vec<String> = tools::pdf_sheet_texts(pdf)?
        .iter()
        .map(|s| squeeze(s))
        .collect();
    if sheets.last().is_some_and(String::is_empty) {
        sheets.pop();
    }
    Some(sheets)
}

#[test]
fn a_few_pages_make_an_excerpt_and_more_keep_cover_and_toc() {
    let here = crate::support::sample_site();
    let dir = scratch_dir("writer_cli-excerpt");
    let one = dir.join("ticket.pdf");
    let out = run(
        here,
        &[
            "build",
            "--region",
            "JP",
            "--page",
            "content/login/admin_account.md",
            "-o",
            &one.to_string_lossy(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let Some(excerpt) = sheets(&one) else { return };
    // Two sheets of content, no cover, no table of contents.
    assert_eq!(excerpt.len(), 2, "{excerpt:?}");
    let first = &excerpt[0];
    assert!(!excerpt.iter().any(|s| s.contains("目次")), "{excerpt:?}");
    let title = first.find("管理者がアカウントやパスワードを忘れた場合JP版");
    assert!(title.is_some(), "{first}");
    // The date in the book's time zone: 2023-11-14 22:13 UTC is the 15th in Tokyo.
    assert!(first.contains("JP版2023年11月15日"), "{first}");
    assert!(
        first.contains("https://jp.cybozu.help/general/ja/login/admin_account.html"),
        "{first}"
    );
    assert!(first.contains("管理者がログインできない場合は"), "{first}");
    // The section page is not printed around the excerpt.
    assert!(!first.contains("ログインの方法"), "{first}");
    // Four pages are a short book: cover and table of contents.
    let book = dir.join("book.pdf");
    let out = run(
        here,
        &[
            "build",
            "--region",
            "JP",
            "--page",
            "content/login/admin_account.md",
            "--page",
            "content/login/admin_temp.md",
            "--page",
            "content/login/login.md",
            "--page",
            "content/login/two_factor.md",
            "-o",
            &book.to_string_lossy(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let Some(full) = sheets(&book) else { return };
    assert!(
        full[0].starts_with("cybozu.com共通管理ガイドJP版2023年11月15日"),
        "{}",
        full[0]
    );
    assert!(full[1].contains("目次"), "{}", full[1]);
    assert!(full.len() > excerpt.len() + 2);
}

#[test]
fn the_cover_date_follows_the_time_zone() {
    let site = new_site("writer_cli-timezone");
    let config = std::fs::read_to_string(site.join("tebiki.toml")).expect("config");
    let zoned = config.replace(
        "[regions.US.book]\n",
        "[regions.US.book]\ntimezone = \"America/New_York\"\n",
    );
    std::fs::write(site.join("tebiki.toml"), &zoned).expect("config");
    let out = run(&site, &["build", "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let cover = |region: &str| {
        sheets(&site.join(format!("dist/manual-{region}.pdf"))).map(|s| s[0].clone())
    };
    if let (Some(jp), Some(us)) = (cover("JP"), cover("US")) {
        assert!(jp.ends_with("JP版2023年11月15日"), "{jp}");
        assert!(us.ends_with("US版2023年11月14日"), "{us}");
    }
    std::fs::write(
        site.join("tebiki.toml"),
        zoned.replace("America/New_York", "Mars/Olympus"),
    )
    .expect("config");
    let bad = run(&site, &["check"]);
    assert_eq!(bad.status.code(), Some(2));
    let text = stderr(&bad);
    assert!(text.contains("unknown time zone `Mars/Olympus`"), "{text}");
    assert!(text.contains("tebiki.toml:26:12"), "{text}");
}
