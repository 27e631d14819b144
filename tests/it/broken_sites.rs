//! Broken sites: each test writes a small site into a fresh temporary folder,
//! runs the `tebiki` binary in it and asserts the exact diagnostic
//! (`path:line:col: severity: message`), the exit code, and that nothing
//! panicked.

use crate::support::tools;
use std::path::PathBuf;

/// The configuration every test site starts from.
pub(crate) const CONFIG: &str = r#"[book]
title = "テスト {{%service%}}"
url_prefix = "/general/ja/"
base_url = "https://example.com"

[params]
service = "cybozu.com"

[regions.JP]
paper = "A4"

[regions.US]
paper = "Letter"
"#;

/// A temporary site folder (removed when dropped).
pub(crate) struct Site {
    pub(crate) dir: tempfile::TempDir,
}

/// What a run printed and returned.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stderr: String,
}

impl Run {
    /// The diagnostic header lines (`path:line:col: severity: message`).
    pub(crate) fn headers(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| {
                l.contains(": error: ") || l.contains(": warning: ") || l.starts_with("error: ")
            })
            .collect()
    }
}

impl Site {
    /// A site with the standard `tebiki.toml` and an empty `content/`.
    pub(crate) fn new() -> Site {
        let site = Site::bare();
        site.write("tebiki.toml", CONFIG);
        site.mkdir("content");
        site
    }

    /// An empty folder.
    pub(crate) fn bare() -> Site {
        Site {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub(crate) fn mkdir(&self, rel: &str) {
        std::fs::create_dir_all(self.path(rel)).expect("create folder");
    }

    pub(crate) fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(path, text).expect("write file");
    }

    /// A page with a title and `body`.
    pub(crate) fn page(&self, rel: &str, body: &str) {
        self.write(rel, format!("---\ntitle: \"ページ\"\n---\n{body}"));
    }

    /// Runs `tebiki ARGS` in the site folder.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        let out = tools::tebiki(self.dir.path())
            .args(args)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("run tebiki");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "tebiki panicked:\n{stderr}");
        // No library's wording or debug output reaches the writer (issue 15).
        for leak in [
            "DuplicateKeyPolicy",
            "unknown field",
            "unknown variant",
            "invalid type:",
            "expected struct",
            "os error",
            "Font {",
            "ContainsNotDefGlyph",
        ] {
            assert!(!stderr.contains(leak), "library text `{leak}`:\n{stderr}");
        }
        Run {
            code: out.status.code().unwrap_or(-1),
            stderr,
        }
    }

    pub(crate) fn check(&self) -> Run {
        self.run(&["check"])
    }
}

#[test]
fn unclosed_tag() {
    let site = Site::new();
    site.page("content/a.md", "前\n\n{{% warning %}}\n注意\n");
    let run = site.check();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.headers(),
        vec!["content/a.md:6:1: error: shortcode `{{% warning %}}` opened here is never closed"]
    );
    assert!(
        run.stderr
            .contains("hint: close it with `{{% /warning %}}`")
    );
}

#[test]
fn mismatched_tag() {
    let site = Site::new();
    site.page(
        "content/a.md",
        "{{% enabled JP %}}\n{{% note %}}\nx\n{{% /enabled %}}\n{{% /note %}}\n",
    );
    let run = site.check();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.headers(),
        vec![
            "content/a.md:4:1: error: shortcode `{{% enabled %}}` opened here is never closed",
            "content/a.md:7:1: error: closing tag `{{% /enabled %}}` does not match `{{% note %}}` opened at 5:1",
        ]
    );
}

#[test]
fn unknown_region() {
    let site = Site::new();
    site.page(
        "content/a.md",
        "<td>{{% disabled US CM %}}x{{% /disabled %}}</td>\n",
    );
    let run = site.check();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.headers(),
        vec!["content/a.md:4:5: error: unknown region `CM` in `disabled`"]
    );
    assert!(run.stderr.contains("hint: regions in tebiki.toml: JP, US"));
}

#[test]
fn unknown_region_in_front_matter() {
    let site = Site::new();
    site.write("content/a.md", "---\ntitle: a\ndisabled: [UK]\n---\nx\n");
    let run = site.check();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.headers(),
        vec!["content/a.md:3:1: error: unknown region `UK` in front matter"]
    );
}

#[test]
fn unknown_region_on_the_command_line() {
    let site = Site::new();
    site.page("content/a.md", "x\n");
    let run = site.run(&["build", "--region", "XX"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.headers(), vec!["error: unknown region `XX`"]);
}

#[test]
fn missing_image() {
    let site = Site::new();
    site.mkdir("static/img");
    site.page(
        "content/a.md",
        "\n{{< screen src=\"/img/none.png\" alt=\"画面\" >}}\n",
    );
    let run = site.check();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.headers(),
        vec!["content/a.md:5:1: error: image not found: `/img/none.png`"]
    );
}

#[test]
fn image_path_escaping_static_with_dots() {
    let site = Site::new();
    site.mkdir("static/img");
    site.write("secret.png", b"not an image");
    site.page("content/a.md", "![x](/img/../../secret.png)\n");
    let run = site.check();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.headers(),
        vec![
            "content/a.md:4:1: error: image path `/img/../../secret.png` escapes the static folder"
        ]
    );
}

#[cfg(unix)]
#[test]
fn image_path_escaping_static_through_a_symlink() {
    let site = Site::new();
    site.mkdir("static/img");
    site.write("outside.png", b"not an image");
    std::os::unix::fs::symlink(site.path("outside.png"), site.path("static/img/p.png"))
        .expect("symlink");
    site.page(
        "content/a.md",
        "{{< screen src=\"/img/p.png\" alt=\"x\" >}}\n",
    );
    let run = site.check();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.headers(),
        vec![
            "content/a.md:4:1: error: image path `/img/p.png` escapes the static folder through a symlink"
        ]
    );
}

#[test]
fn bad_front_matter() {
    let site = Site::new();
    site.write(
        "content/a.md",
        "---\ntitle: \"a\"\nweight: heavy\n---\nbody\n",
    );
    let run = site.check();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.headers(),
        vec!["content/a.md:3:9: error: invalid front matter: invalid i64"]
    );
}

#[test]
fn unclosed_front_matter() {
    let site = Site::new();
    site.write("content/a.md", "+++\ntitle = \"a\"\n");
    let run = site.check();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.headers(),
        vec!["content/a.md:1:1: error: front matter opened with `+++` is never closed"]
    );
}

#[test]
fn invalid_utf8() {
    let site = Site::new();
    site.write("content/a.md", b"---\ntitle: a\n---\nok\nab\xff\xfecd\n");
    let run = site.check();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.headers(),
        vec!["content/a.md:5:3: error: file is not valid UTF-8"]
    );
}

#[test]
fn broken_link_and_anchor() {
    let site = Site::new();
    site.page(
        "content/a.md",
        "[x](/general/ja/nothere.html) [y](/general/ja/b.html#nope)\n",
    );
    site.page("content/b.md", "## 見出し {#h}\n");
    let run = site.run(&["check", "--region", "JP"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.headers(),
        vec![
            "content/a.md:4:1: warning: broken link `/general/ja/nothere.html`",
            "content/a.md:4:31: warning: missing anchor `#nope` in `b.md`; the link goes to the page",
        ]
    );
    let strict = site.run(&["build", "--strict", "--format", "epub", "--region", "JP"]);
    assert_eq!(strict.code, 1);
    assert!(!site.path("dist/manual-JP.epub").exists());
}

#[test]
fn duplicate_anchor() {
    let site = Site::new();
    site.page("content/a.md", "## 一 {#dup}\n\n## 二 {#dup}\n");
    let run = site.check();
    // Hugo keeps a repeated written id too; links go to the first.
    assert_eq!(run.code, 0);
    assert_eq!(
        run.headers(),
        vec![
            "content/a.md:6:1: warning: duplicate anchor `dup` in this page; links to it go to the first"
        ]
    );
}

#[test]
fn unknown_shortcode() {
    let site = Site::new();
    site.page(
        "content/a.md",
        "a {{% youtube id=1 %}} b {{% aside %}}残る{{% /aside %}}\n",
    );
    let run = site.run(&["check", "--region", "JP"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.headers(),
        vec![
            "content/a.md:4:3: warning: unknown shortcode `youtube`: it is dropped",
            "content/a.md:4:26: warning: unknown shortcode `aside`: its content is kept",
        ]
    );
}

#[test]
fn script_injection() {
    let site = Site::new();
    site.page(
        "content/a.md",
        "<script>alert(1)</script>\n\n<a href=\"javascript:alert(1)\">js</a>\n",
    );
    let run = site.run(&["check", "--region", "JP"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.headers(),
        vec![
            "content/a.md:4:1: warning: html `<script>` is not allowed and was dropped",
            "content/a.md:6:1: warning: link with scheme `javascript:` is not allowed; its text is kept",
        ]
    );
}

#[test]
fn deep_nesting() {
    let site = Site::new();
    let depth = 3000;
    let mut body = String::new();
    for _ in 0..depth {
        body.push_str("{{% enabled JP %}}{{% disabled US %}}");
    }
    body.push_str("深い");
    for _ in 0..depth {
        body.push_str("{{% /disabled %}}{{% /enabled %}}");
    }
    body.push('\n');
    site.page("content/a.md", &body);
    let run = site.check();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.headers().is_empty(), "{}", run.stderr);
}

#[test]
fn very_long_line() {
    let site = Site::new();
    let line = format!(
        "{}{{{{% enabled XX %}}}}x{{{{% /enabled %}}}}\n",
        "あ".repeat(200_000)
    );
    site.page("content/a.md", &line);
    let run = site.check();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.headers(),
        vec!["content/a.md:4:200001: error: unknown region `XX` in `enabled`"]
    );
    assert!(
        run.stderr.len() < 2_000,
        "snippet not cropped: {} bytes",
        run.stderr.len()
    );
}

#[test]
fn empty_content_folder() {
    let site = Site::new();
    let run = site.check();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.headers(),
        vec!["content: error: content folder has no pages"]
    );
}

#[test]
fn missing_tebiki_toml() {
    let site = Site::bare();
    let run = site.run(&["build"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.headers(),
        vec!["tebiki.toml: error: no tebiki.toml in the site folder"]
    );
}

#[test]
fn unknown_config_key() {
    let site = Site::new();
    site.write(
        "tebiki.toml",
        CONFIG.replace("paper = \"A4\"", "papr = \"A4\""),
    );
    site.page("content/a.md", "x\n");
    let run = site.check();
    assert_eq!(run.code, 2);
    assert_eq!(
        run.headers(),
        vec!["tebiki.toml:10:1: error: unknown key `papr`"]
    );
    assert!(
        run.stderr.contains("hint: did you mean `paper`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("hint: keys allowed here: paper, params, hugo_config, hugo_language, book"),
        "{}",
        run.stderr
    );
}

#[test]
fn failed_build_keeps_the_previous_output() {
    let site = Site::new();
    site.page("content/a.md", "本文 {{%service%}}\n");
    let ok = site.run(&["build", "--format", "epub", "--region", "JP", "--quiet"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let output = site.path("dist/manual-JP.epub");
    let before = std::fs::read(&output).expect("first output");
    assert!(before.starts_with(b"PK"));
    site.page("content/a.md", "{{% warning %}}\n");
    let failed = site.run(&["build", "--format", "epub", "--region", "JP", "--quiet"]);
    assert_eq!(failed.code, 1);
    assert_eq!(std::fs::read(&output).expect("kept output"), before);
    let names: Vec<String> = std::fs::read_dir(site.path("dist"))
        .expect("dist")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["manual-JP.epub".to_string()]);
}

/// A valid 64×64 PNG cut to its first half.
fn truncated_png() -> Vec<u8> {
    let image = image::RgbImage::from_fn(64, 64, |x, y| image::Rgb([x as u8 * 4, y as u8 * 4, 90]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("encode png");
    let mut bytes = bytes.into_inner();
    bytes.truncate(bytes.len() / 2);
    bytes
}

/// A site whose only figure is a truncated PNG.
fn site_with_truncated_png() -> Site {
    let site = Site::new();
    site.write("static/img/cut.png", truncated_png());
    site.page(
        "content/a.md",
        "\n{{< screen src=\"/img/cut.png\" alt=\"画面\" >}}\n",
    );
    site
}

#[test]
fn truncated_image_with_check() {
    let run = site_with_truncated_png().check();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let headers = run.headers();
    assert_eq!(headers.len(), 1, "{}", run.stderr);
    assert!(
        headers[0].starts_with("content/a.md:5:1: error: "),
        "{}",
        run.stderr
    );
}

#[test]
fn truncated_image_with_build() {
    let site = site_with_truncated_png();
    let run = site.run(&["build", "--out", "out"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let headers = run.headers();
    assert!(!headers.is_empty(), "{}", run.stderr);
    assert!(
        headers
            .iter()
            .all(|h| h.starts_with("content/a.md:5:1: error: ")),
        "{}",
        run.stderr
    );
}
