//! Fonts a site chooses (`[fonts]`, `[regions.R.fonts]`), the bundled
//! fallbacks, the per-character coverage warning and unusable font files,
//! through the real binary and the validators.
//!
//! Input: small sites written into scratch folders (with DejaVu Sans from
//! Debian's fonts-dejavu-core as a font the bundled ones do not replace).
//! Output: assertions on exit codes, diagnostics, `pdffonts`, `pdftotext`
//! and EPUBCheck.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::scratch_dir;
use crate::support::tools::{
    assert_epubcheck_clean, assert_fonts_embedded_subset_unicode, parse_pdffonts, pdftotext,
    run_validator, tebiki,
};

const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// A site with `config` appended to a minimal `tebiki.toml` (regions JP and
/// US) and one page whose body is `body` (line 5 of `content/x.md`).
fn site(name: &str, config: &str, body: &str) -> PathBuf {
    let dir = scratch_dir(name);
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::write(
        dir.join("tebiki.toml"),
        format!(
            "[book]\ntitle = \"T\"\nbase_url = \"https://example.com\"\n\n[regions.JP]\n[regions.US]\npaper = \"Letter\"\n{config}"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("content/x.md"),
        format!("---\ntitle: \"ページ\"\n---\n\n{body}\n"),
    )
    .unwrap();
    dir
}

/// Runs `tebiki ARGS` in `dir`, the site (plus `--out dir/out` for build),
/// so paths are shown relative to it.
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let mut cmd = tebiki(dir);
    cmd.args(args);
    if args.first() == Some(&"build") {
        cmd.arg("--out").arg(dir.join("out"));
    }
    let Output { status, stderr, .. } = cmd.output().expect("run tebiki");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// The `is in no font` warnings of a run's stderr, one line each.
fn tofu_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains("is in no font"))
        .collect()
}

#[test]
fn a_character_in_no_font_is_a_warning_at_its_position() {
    let dir = site(
        "fonts-tofu",
        "",
        "段落の中の⛋と𠮷と✔と髙と①、⑳✓✗→。\n\n本文 ⛋ もう一度。",
    );
    let expected = [
        "content/x.md:5:6: warning: ⛋ (U+26CB) is in no font of region JP; add a font that has it to [fonts].fallback (used 2 times on this page)",
        "content/x.md:5:6: warning: ⛋ (U+26CB) is in no font of region US; add a font that has it to [fonts].fallback (used 2 times on this page)",
    ];
    for args in [&["check"][..], &["build"][..]] {
        let (code, stderr) = run(&dir, args);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(tofu_lines(&stderr), expected, "{args:?}:\n{stderr}");
        assert!(stderr.contains("0 errors, 2 warning"), "{stderr}");
        assert!(
            !stderr.contains("ContainsNotDefGlyph") && !stderr.contains("Font {"),
            "no library text:\n{stderr}"
        );
    }
    let pdf = dir.join("out/manual-JP.pdf");
    assert_fonts_embedded_subset_unicode(&pdf, "JP");
    if let Some(text) = pdftotext(&pdf, &[]) {
        // Everything but ⛋ comes from a bundled font, exactly.
        assert!(text.contains("と𠮷と✔と髙と①、⑳✓✗→。"), "{text}");
    }
    if let Some(out) = run_validator("pdffonts", &[], &pdf) {
        let names: Vec<String> = parse_pdffonts(&String::from_utf8_lossy(&out.stdout))
            .into_iter()
            .map(|f| f.name)
            .collect();
        for bundled in ["TebikiFallbackJP-Regular", "TebikiSymbols-Regular"] {
            assert!(names.iter().any(|n| n.contains(bundled)), "{names:?}");
        }
    }
}

#[test]
fn a_region_fallback_font_draws_what_the_bundled_fonts_lack() {
    let Ok(dejavu) = std::fs::read(DEJAVU) else {
        eprintln!("skipped: {DEJAVU} is not installed");
        return;
    };
    // Ⱡ (U+2C60) is in DejaVu Sans and in no bundled font; only US names it.
    let dir = site(
        "fonts-region-fallback",
        "[regions.US.fonts]\nfallback = [\"static/fonts/DejaVuSans.ttf\"]\n",
        "ラテン文字 Ⱡ を含む段落。",
    );
    std::fs::create_dir_all(dir.join("static/fonts")).unwrap();
    std::fs::write(dir.join("static/fonts/DejaVuSans.ttf"), dejavu).unwrap();
    for args in [&["check"][..], &["build"][..]] {
        let (code, stderr) = run(&dir, args);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(
            tofu_lines(&stderr),
            [
                "content/x.md:5:7: warning: Ⱡ (U+2C60) is in no font of region JP; add a font that has it to [fonts].fallback"
            ],
            "{stderr}"
        );
    }
    let pdf = dir.join("out/manual-US.pdf");
    assert_fonts_embedded_subset_unicode(&pdf, "US");
    if let Some(out) = run_validator("pdffonts", &[], &pdf) {
        let listing = String::from_utf8_lossy(&out.stdout);
        assert!(listing.contains("DejaVuSans"), "{listing}");
    }
    if let Some(text) = pdftotext(&pdf, &[]) {
        assert!(text.contains("Ⱡ"), "{text}");
    }
    let epub = dir.join("out/manual-US.epub");
    let file = std::fs::File::open(&epub).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut css = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("OEBPS/css/epub.css").unwrap(), &mut css)
        .unwrap();
    assert!(
        css.contains(r#"body { font-family: sans-serif, "tebiki-fallback-1"; }"#),
        "{css}"
    );
    assert!(zip.by_name("OEBPS/fonts/dejavusans.ttf").is_ok());
    assert!(
        zip_names(&dir.join("out/manual-JP.epub"))
            .iter()
            .all(|n| !n.contains("fonts/")),
        "JP names no font of its own"
    );
    assert_epubcheck_clean(&[("US".into(), epub)]);
}

fn zip_names(epub: &Path) -> Vec<String> {
    let zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    zip.file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect()
}

#[test]
fn an_unusable_font_is_an_error_naming_it_before_layout() {
    let Ok(dejavu) = std::fs::read(DEJAVU) else {
        eprintln!("skipped: {DEJAVU} is not installed");
        return;
    };
    let cases: [(&str, Option<Vec<u8>>, &str); 4] = [
        (
            "static/fonts/cut.ttf",
            Some(dejavu[..dejavu.len() / 2].to_vec()),
            "tebiki.toml:9:14: error: font file static/fonts/cut.ttf is not a usable OpenType or TrueType font (truncated or another kind of file)",
        ),
        (
            "static/fonts/text.ttf",
            Some(b"not a font".to_vec()),
            "tebiki.toml:9:14: error: font file static/fonts/text.ttf is not a usable OpenType or TrueType font (truncated or another kind of file)",
        ),
        (
            "static/fonts/none.ttf",
            None,
            "tebiki.toml:9:14: error: font `static/fonts/none.ttf` not found",
        ),
        ("../outside.ttf", None, "tebiki.toml:9:14: error: "),
    ];
    for (value, bytes, expected) in cases {
        let dir = site(
            "fonts-unusable",
            &format!("[fonts]\nfallback = [\"{value}\"]\n"),
            "本文。",
        );
        if let Some(bytes) = bytes {
            std::fs::create_dir_all(dir.join("static/fonts")).unwrap();
            std::fs::write(dir.join(value), bytes).unwrap();
        }
        for args in [&["check"][..], &["build"][..]] {
            let (code, stderr) = run(&dir, args);
            assert_eq!(code, 2, "{value} {args:?}:\n{stderr}");
            let first = stderr.lines().next().unwrap_or_default();
            assert!(first.starts_with(expected), "{value}: {first}\n{stderr}");
            assert!(first.contains(value), "the message names the file: {first}");
        }
        assert!(!dir.join("out").join("manual-JP.pdf").exists());
    }
}
