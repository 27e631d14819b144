//! Shared harness of tebiki's fuzz targets.
//!
//! Input: one fuzz input (bytes) and the [`Surface`] it stands for. Output:
//! nothing; the input is written into a small site in a temporary folder
//! (one per process, reused) and tebiki's own pipeline (`driver::run`, as
//! `tebiki check` and `tebiki build` call it) is run over that site. Every
//! error tebiki reports is fine; a panic (also one the driver catches and
//! turns into an "internal error" diagnostic, since libFuzzer's panic hook,
//! and [`install_panic_hook`] for the stable replay, abort first), a hang
//! or an out-of-memory is a finding.
//!
//! Going through the files keeps the targets on the paths a real site takes
//! (confinement, size caps, diagnostics with positions) and off tebiki's
//! private API, which changes often.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tebiki::driver::{self, Format, Plan};

/// The sample site's configuration, used by the targets that fuzz a page or
/// a layout file: three regions and one mapping of each shortcode kind.
const SAMPLE_CONFIG: &str = include_str!("../../tebiki.toml");

/// A page that shows one image (the images target).
const IMAGE_PAGE: &str =
    "---\ntitle: 画像\n---\n\n# 画像\n\n![画面](/img/fuzz.{ext})\n\n本文です。\n";

/// A short page (the config and layouts targets).
const PLAIN_PAGE: &str = "---\ntitle: ページ\nweight: 1\n---\n\n# 見出し\n\nDNS（ドメインネームシステム）の設定を確認します。`code` と **強調**。\n\n- 項目 1\n- 項目 2\n\n| 表 | 値 |\n|---|---|\n| a | b |\n";

/// The input surfaces a site offers tebiki.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// `tebiki.toml`, the whole file.
    Config,
    /// A page's front matter: the first byte picks YAML (`---`, even) or
    /// TOML (`+++`, odd), the rest goes between the delimiters.
    FrontMatter,
    /// A page's body with shortcodes, checked (`tebiki check`) in every
    /// region of the sample configuration.
    Shortcodes,
    /// A page (Markdown with HTML), built to PDF and EPUB for one region.
    Markdown,
    /// A layout file: the first byte picks `layouts/pdf.toml` (even) or
    /// `layouts/epub.toml` (odd); built in the matching format.
    Layouts,
    /// An image: the first byte picks the file extension, the rest is the
    /// file; a page shows it and is built to PDF and EPUB.
    Images,
}

impl Surface {
    /// Every surface, in the order of the README.
    pub const ALL: [Surface; 6] = [
        Surface::Config,
        Surface::FrontMatter,
        Surface::Shortcodes,
        Surface::Markdown,
        Surface::Layouts,
        Surface::Images,
    ];

    /// The target's name (its binary and corpus folder).
    pub fn name(self) -> &'static str {
        match self {
            Surface::Config => "config",
            Surface::FrontMatter => "front_matter",
            Surface::Shortcodes => "shortcodes",
            Surface::Markdown => "markdown",
            Surface::Layouts => "layouts",
            Surface::Images => "images",
        }
    }

    /// The surface of a target name.
    pub fn from_name(name: &str) -> Option<Surface> {
        Surface::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// Extensions the images target chooses from (by the first input byte).
const IMAGE_EXTENSIONS: [&str; 6] = ["png", "jpg", "gif", "webp", "bmp", "jpeg"];

/// The per-process site folder.
fn site_root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        // Kept after exit (libFuzzer exits without unwinding): a few
        // small files in `$TMPDIR/tebiki-fuzz-*`.
        tempfile::Builder::new()
            .prefix("tebiki-fuzz-")
            .tempdir()
            .map(tempfile::TempDir::keep)
            .unwrap_or_else(|_| std::env::temp_dir().join("tebiki-fuzz"))
    })
}

/// Removes everything of the previous input and writes `files` (path
/// relative to the site root, contents).
fn write_site(root: &Path, files: &[(&str, &[u8])]) {
    for sub in ["content", "layouts", "static", "out"] {
        let _ = fs::remove_dir_all(root.join(sub));
    }
    let _ = fs::remove_file(root.join("tebiki.toml"));
    for (rel, bytes) in files {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            let _ = fs::create_dir_all(parent);
        }
        let _ = fs::write(path, bytes);
    }
}

/// Runs tebiki over the site: `check` when `formats` is empty, else a build.
fn run_driver(root: &Path, regions: &[&str], formats: Vec<Format>) {
    let plan = Plan {
        site: root.to_path_buf(),
        regions: regions.iter().map(|r| (*r).to_owned()).collect(),
        formats,
        out: root.join("out"),
        pages: Vec::new(),
        strict: false,
    };
    let outcome = driver::run(&plan, None);
    // `TEBIKI_FUZZ_VERBOSE=1` shows what tebiki made of an input.
    if std::env::var_os("TEBIKI_FUZZ_VERBOSE").is_some() {
        eprintln!("{:?}: {} written", outcome.status, outcome.written.len());
        for diagnostic in &outcome.diagnostics {
            eprintln!("  {diagnostic:?}");
        }
    }
}

/// Runs one input against one surface.
pub fn run(surface: Surface, data: &[u8]) {
    let root = site_root();
    let config = SAMPLE_CONFIG.as_bytes();
    match surface {
        Surface::Config => {
            write_site(
                root,
                &[
                    ("tebiki.toml", data),
                    ("content/_index.md", PLAIN_PAGE.as_bytes()),
                ],
            );
            run_driver(root, &[], Vec::new());
        }
        Surface::FrontMatter => {
            let Some((&selector, rest)) = data.split_first() else {
                return;
            };
            let fence: &[u8] = if selector % 2 == 0 {
                b"---\n"
            } else {
                b"+++\n"
            };
            let page = [fence, rest, b"\n", fence, b"\n# \xe6\x9c\xac\xe6\x96\x87\n"].concat();
            write_site(root, &[("tebiki.toml", config), ("content/page.md", &page)]);
            run_driver(root, &[], Vec::new());
        }
        Surface::Shortcodes => {
            write_site(root, &[("tebiki.toml", config), ("content/page.md", data)]);
            run_driver(root, &[], Vec::new());
        }
        Surface::Markdown => {
            write_site(root, &[("tebiki.toml", config), ("content/page.md", data)]);
            run_driver(root, &["JP"], vec![Format::Pdf, Format::Epub]);
        }
        Surface::Layouts => {
            let Some((&selector, rest)) = data.split_first() else {
                return;
            };
            let (file, format) = if selector % 2 == 0 {
                ("layouts/pdf.toml", Format::Pdf)
            } else {
                ("layouts/epub.toml", Format::Epub)
            };
            write_site(
                root,
                &[
                    ("tebiki.toml", config),
                    ("content/page.md", PLAIN_PAGE.as_bytes()),
                    (file, rest),
                ],
            );
            run_driver(root, &["JP"], vec![format]);
        }
        Surface::Images => {
            let Some((&selector, rest)) = data.split_first() else {
                return;
            };
            let ext = IMAGE_EXTENSIONS[usize::from(selector) % IMAGE_EXTENSIONS.len()];
            let page = IMAGE_PAGE.replace("{ext}", ext);
            let image = format!("static/img/fuzz.{ext}");
            write_site(
                root,
                &[
                    ("tebiki.toml", config),
                    ("content/page.md", page.as_bytes()),
                    (&image, rest),
                ],
            );
            run_driver(root, &["JP"], vec![Format::Pdf, Format::Epub]);
        }
    }
}

/// Makes every panic abort the process, as libFuzzer's hook does, so that
/// a panic the driver catches is still a finding in the stable replay.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        default(info);
        std::process::abort();
    }));
}
