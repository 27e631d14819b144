//! Hostile sites (issue 16): a site folder is untrusted input. Each test
//! builds a small site that tries to make tebiki read something outside it,
//! read a FIFO or device, exhaust memory, or write a broken file, and asserts
//! the exact diagnostic, the exit code, that `check` and `build` report the
//! same, and that nothing from outside the site appears in any output. Every
//! run has a time limit and an address-space limit, so a hang or an
//! unbounded read fails the test instead of stalling the suite.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::broken_sites::{CONFIG, Run, Site};
use crate::support::tools;

/// A line no site file contains: written to a file outside the site, it
/// must never show up in tebiki's output.
const SECRET: &str = "TOP-SECRET-outside-the-site-4711";

/// Time limit of one run (generous: the machine may be busy).
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Address-space limit of one run, far above a normal build and far below
/// what an unbounded read of `/dev/zero` reaches.
#[cfg(unix)]
const MEMORY_LIMIT: u64 = 4 << 30;

/// A site with a page, and a folder beside it holding [`SECRET`].
struct Hostile {
    site: Site,
    outside: tempfile::TempDir,
}

impl Hostile {
    fn new() -> Hostile {
        let site = Site::new();
        site.page("content/a.md", "本文\n");
        let outside = tempfile::tempdir().expect("outside folder");
        std::fs::write(
            outside.path().join("secret.md"),
            format!("---\ntitle: x\n---\n{SECRET}\n"),
        )
        .expect("secret");
        std::fs::write(
            outside.path().join("secret.toml"),
            format!("[params]\ns = \"{SECRET}\"\n"),
        )
        .expect("secret");
        Hostile { site, outside }
    }

    fn secret(&self, name: &str) -> String {
        self.outside.path().join(name).display().to_string()
    }

    #[cfg(unix)]
    fn link(&self, target: impl AsRef<Path>, rel: &str) {
        let link = self.site.path(rel);
        if let Some(parent) = link.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::os::unix::fs::symlink(target, link).expect("symlink");
    }

    /// `check`, then `build`: both must give `headers` and `code`; nothing
    /// outside the site may appear in stderr or in any file written.
    fn both(&self, code: i32, headers: &[&str]) {
        let check = bounded(&self.site, &["check"]);
        let build = bounded(&self.site, &["build", "--quiet"]);
        for (what, run) in [("check", &check), ("build", &build)] {
            assert_eq!(run.headers(), headers, "{what}:\n{}", run.stderr);
            assert_eq!(run.code, code, "{what}:\n{}", run.stderr);
            assert_clean(&run.stderr);
        }
        assert_outputs_clean(&self.site.path("dist"));
    }
}

/// Fails when `text` holds anything read from outside the site.
fn assert_clean(text: &str) {
    assert!(!text.contains(SECRET), "secret leaked:\n{text}");
    assert!(!text.contains("root:x:0"), "/etc/passwd leaked:\n{text}");
}

/// Fails when a file under `dir` holds anything from outside the site
/// (EPUBs are zip files, but their XHTML is stored or deflated: unpack).
fn assert_outputs_clean(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let bytes = std::fs::read(entry.path()).expect("output");
        assert_clean(&String::from_utf8_lossy(&bytes));
        if let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
            for i in 0..zip.len() {
                let mut file = zip.by_index(i).expect("zip entry");
                let mut text = Vec::new();
                std::io::Read::read_to_end(&mut file, &mut text).expect("unzip");
                assert_clean(&String::from_utf8_lossy(&text));
            }
        }
    }
}

/// Runs `tebiki ARGS` in the site under [`TIME_LIMIT`] and [`MEMORY_LIMIT`];
/// a run over the time limit is killed and fails the test.
fn bounded(site: &Site, args: &[&str]) -> Run {
    let logs = tempfile::tempdir().expect("log folder");
    let stderr_path = logs.path().join("stderr");
    let stderr = std::fs::File::create(&stderr_path).expect("stderr file");
    let mut command = tools::tebiki(site.dir.path());
    command
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr);
    limit_memory(&mut command);
    let started = Instant::now();
    let mut child = command.spawn().expect("run tebiki");
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tebiki {args:?} did not finish within {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = std::fs::read_to_string(&stderr_path).expect("stderr");
    assert!(!stderr.contains("panicked"), "tebiki panicked:\n{stderr}");
    Run {
        code: status.code().unwrap_or(-1),
        stderr,
    }
}

#[cfg(unix)]
fn limit_memory(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: setrlimit is async-signal-safe and touches no memory of the parent.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: MEMORY_LIMIT as libc::rlim_t,
                rlim_max: MEMORY_LIMIT as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn limit_memory(_command: &mut std::process::Command) {}

/// Makes a FIFO at `path` (false when `mkfifo` is not available).
#[cfg(unix)]
fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

const OUTSIDE_HINT: &str =
    "hint: tebiki reads only files inside the site folder; copy the file into the site";

// ------------------------------------------------ 1. nothing outside is read

#[cfg(unix)]
#[test]
fn content_symlinks_out_of_the_site_are_not_read() {
    let h = Hostile::new();
    h.link(h.secret("secret.md"), "content/secret.md");
    h.link("/etc/passwd", "content/passwd.md");
    h.link("/proc/self/environ", "content/env.md");
    h.both(
        1,
        &[
            "content/env.md: error: cannot read page: it is outside the site folder, so it is not read",
            "content/passwd.md: error: cannot read page: it is outside the site folder, so it is not read",
            "content/secret.md: error: cannot read page: it is outside the site folder, so it is not read",
        ],
    );
    let run = bounded(&h.site, &["check"]);
    assert!(run.stderr.contains(OUTSIDE_HINT), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn content_symlink_inside_the_site_is_followed() {
    let h = Hostile::new();
    h.site.page("shared/b.md", "共有\n");
    h.link(h.site.path("shared/b.md"), "content/b.md");
    h.both(0, &[]);
    assert!(h.site.path("dist/manual-JP.pdf").exists());
}

#[test]
fn epub_stylesheet_outside_the_site() {
    for (name, col) in [("/etc/passwd", 14), ("../../x.css", 14)] {
        let h = Hostile::new();
        h.site
            .write("layouts/epub.toml", format!("stylesheet = \"{name}\"\n"));
        let expected = format!(
            "layouts/epub.toml:1:{col}: error: cannot read `layouts/{name}`: it is outside the site folder, so it is not read"
        );
        let expected = expected.replace("layouts//etc", "/etc");
        h.both(2, &[&expected]);
    }
}

#[test]
fn epub_font_outside_the_site() {
    let h = Hostile::new();
    h.site.write(
        "layouts/epub.toml",
        "embed_fonts = true\nfont_regular = \"/any/f.ttf\"\n",
    );
    h.both(
        2,
        &["layouts/epub.toml:2:16: error: cannot read `/any/f.ttf`: it is outside the site folder, so it is not read"],
    );
}

#[cfg(unix)]
#[test]
fn symlinks_in_fonts_and_layouts_out_of_the_site() {
    let h = Hostile::new();
    h.link(h.secret("secret.toml"), "layouts/pdf.toml");
    h.both(
        2,
        &["layouts/pdf.toml: error: cannot read `layouts/pdf.toml`: it is outside the site folder, so it is not read"],
    );
    let h = Hostile::new();
    h.link("/etc/passwd", "fonts/BIZUDPGothic-Regular.ttf");
    h.both(
        2,
        &["fonts/BIZUDPGothic-Regular.ttf: error: cannot read `fonts/BIZUDPGothic-Regular.ttf`: it is outside the site folder, so it is not read"],
    );
}

#[test]
fn config_paths_outside_the_site() {
    let h = Hostile::new();
    let secret = h.secret("secret.toml");
    h.site.write(
        "tebiki.toml",
        CONFIG.replace(
            "[regions.US]\n",
            &format!("hugo_config = \"{secret}\"\n\n[regions.US]\nhugo_config = \"../x.toml\"\n"),
        ),
    );
    let run_check = bounded(&h.site, &["check"]);
    let headers = run_check.headers();
    assert_eq!(headers.len(), 2, "{}", run_check.stderr);
    assert!(
        headers[0].starts_with("tebiki.toml:12:15: error: cannot read hugo config `")
            && headers[0].ends_with("`: it is outside the site folder, so it is not read"),
        "{}",
        run_check.stderr
    );
    assert_eq!(
        headers[1],
        "tebiki.toml:15:15: error: cannot read hugo config `../x.toml`: it is outside the site folder, so it is not read"
    );
    assert_eq!(run_check.code, 2);
    let build = bounded(&h.site, &["build"]);
    assert_eq!(build.headers(), headers);
    assert_clean(&build.stderr);

    for (key, value) in [("content_dir", "../elsewhere"), ("static_dir", "/etc")] {
        let h = Hostile::new();
        h.site.write(
            "tebiki.toml",
            CONFIG.replace("[params]", &format!("{key} = \"{value}\"\n\n[params]")),
        );
        let col = key.len() + 4;
        h.both(
            2,
            &[&format!(
                "tebiki.toml:6:{col}: error: cannot read `{key}` `{value}`: it is outside the site folder, so it is not read"
            )],
        );
    }
}

// ---------------------------------------- 2. only regular files, bounded size

#[test]
fn hugo_config_dev_zero_is_refused_quickly() {
    let h = Hostile::new();
    h.site.write(
        "tebiki.toml",
        CONFIG.replace(
            "[regions.US]\n",
            "hugo_config = \"/dev/zero\"\n\n[regions.US]\n",
        ),
    );
    h.both(
        2,
        &["tebiki.toml:12:15: error: cannot read hugo config `/dev/zero`: it is outside the site folder, so it is not read"],
    );
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_inside_the_site_are_refused() {
    let h = Hostile::new();
    if !mkfifo(&h.site.path("cfg.toml")) {
        return;
    }
    h.site.write(
        "tebiki.toml",
        CONFIG.replace(
            "[regions.US]\n",
            "hugo_config = \"cfg.toml\"\n\n[regions.US]\n",
        ),
    );
    h.both(
        2,
        &["tebiki.toml:12:15: error: cannot read hugo config `cfg.toml`: it is not a regular file"],
    );
    // A FIFO as a page, and a device linked into the site as a page.
    let h = Hostile::new();
    assert!(mkfifo(&h.site.path("content/pipe.md")));
    h.both(
        1,
        &["content/pipe.md: error: cannot read page: it is not a regular file"],
    );
    // A FIFO as tebiki.toml.
    let site = Site::bare();
    site.page("content/a.md", "x\n");
    assert!(mkfifo(&site.path("tebiki.toml")));
    let run = bounded(&site, &["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.headers(),
        vec!["tebiki.toml: error: cannot read tebiki.toml: it is not a regular file"]
    );
}

#[test]
fn files_over_their_size_cap_are_refused() {
    let h = Hostile::new();
    h.site.write(
        "content/big.md",
        format!("---\ntitle: big\n---\n{}", "あ".repeat(1_500_000)),
    );
    h.both(
        1,
        &["content/big.md: error: cannot read page: it is larger than 4 MiB, the limit for a page"],
    );
    let h = Hostile::new();
    h.site.write(
        "tebiki.toml",
        format!("{CONFIG}\n# {}\n", "x".repeat(1 << 20)),
    );
    h.both(
        2,
        &["tebiki.toml: error: cannot read tebiki.toml: it is larger than 1 MiB, the limit for a configuration file"],
    );
}

// ------------------------------------------ 3. every number of pdf.toml checked

#[test]
fn pdf_toml_numbers_out_of_range() {
    let cases: &[(&str, &[&str])] = &[
        (
            "[body]\nsize = 1e30\n",
            &[
                "layouts/pdf.toml:2:8: error: `body.size` = 1000000000000000000000000000000 is out of range: use 4 to 72 pt",
            ],
        ),
        (
            "[body]\nsize = 0.0\n",
            &["layouts/pdf.toml:2:8: error: `body.size` = 0 is out of range: use 4 to 72 pt"],
        ),
        (
            "[body]\nleading = nan\n",
            &[
                "layouts/pdf.toml:2:11: error: `body.leading` = NaN is out of range: use 0.8 to 4 times the size",
            ],
        ),
        (
            "[paper.A4]\nmargin_left = -100.0\n",
            &[
                "layouts/pdf.toml:2:15: error: `paper.A4.margin_left` = -100 is out of range: use 0 to 297 pt",
            ],
        ),
        (
            "[lists]\nindent = 1e9\n",
            &[
                "layouts/pdf.toml:2:10: error: `lists.indent` = 1000000000 is out of range: use 0 to 72 pt",
            ],
        ),
        (
            "[figures]\nmax_dpi = 0.0\n",
            &[
                "layouts/pdf.toml:2:11: error: `figures.max_dpi` = 0 is out of range: use 36 to 1200 dpi",
            ],
        ),
        (
            "[headings]\nsizes = [20.0, 15.0, inf, 11.5, 10.5, 10.0]\n",
            &[
                "layouts/pdf.toml:2:22: error: `headings.sizes.2` = inf is out of range: use 4 to 96 pt",
            ],
        ),
        (
            "[header]\noffset = 1e6\n",
            &[
                "layouts/pdf.toml:2:10: error: `header.offset` = 1000000 is out of range: use 0 to 46 pt on A5 paper",
                "layouts/pdf.toml:2:10: error: `header.offset` = 1000000 is out of range: use 0 to 68 pt on A4 paper",
                "layouts/pdf.toml:2:10: error: `header.offset` = 1000000 is out of range: use 0 to 56 pt on B5 paper",
                "layouts/pdf.toml:2:10: error: `header.offset` = 1000000 is out of range: use 0 to 62 pt on Letter paper",
            ],
        ),
    ];
    for (text, expected) in cases {
        let h = Hostile::new();
        h.site.write("layouts/pdf.toml", text);
        let check = bounded(&h.site, &["check"]);
        let build = bounded(&h.site, &["build", "--quiet"]);
        let got = check.headers();
        for want in *expected {
            assert!(
                got.contains(want),
                "{text}: no `{want}` in:\n{}",
                check.stderr
            );
        }
        // Besides: only text areas made too small by the same value.
        for header in &got {
            assert!(
                expected.contains(header) || header.contains("text area holds"),
                "{text}: unexpected `{header}`"
            );
        }
        assert_eq!(build.headers(), check.headers(), "{text}");
        assert_eq!((check.code, build.code), (2, 2), "{text}");
        assert!(
            !h.site.path("dist").exists(),
            "{text}: an output was written"
        );
    }
}

#[test]
fn a_text_area_too_small_to_set_text_in() {
    let h = Hostile::new();
    h.site.write(
        "layouts/pdf.toml",
        "[paper.A5]\nmargin_left = 190.0\nmargin_right = 190.0\n",
    );
    let run = bounded(&h.site, &["check"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.headers().len(), 1, "{}", run.stderr);
    assert!(
        run.headers()[0].starts_with("layouts/pdf.toml:1:")
            && run.headers()[0].contains("the A5 text area holds 3 characters per line")
            && run.headers()[0].ends_with("at least 10 and 5 are needed"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------- 4. fonts validated

#[test]
fn truncated_or_non_font_files_are_errors_before_layout() {
    let font = std::fs::read(crate::support::sample_site().join("fonts/BIZUDPGothic-Regular.ttf"))
        .expect("embedded font");
    for bytes in [font[..4096].to_vec(), b"not a font at all".to_vec()] {
        let h = Hostile::new();
        h.site.write("fonts/BIZUDPGothic-Regular.ttf", &bytes);
        h.both(
            2,
            &["fonts/BIZUDPGothic-Regular.ttf: error: not a usable OpenType or TrueType font (truncated or another kind of file)"],
        );
    }
}

#[test]
fn a_font_without_japanese_glyphs_for_a_japanese_book() {
    let latin = Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    let Ok(bytes) = std::fs::read(latin) else {
        eprintln!("skipped: {} is not installed", latin.display());
        return;
    };
    let h = Hostile::new();
    h.site.write("fonts/BIZUDPGothic-Bold.ttf", bytes);
    h.both(
        2,
        &["fonts/BIZUDPGothic-Bold.ttf: error: font has no glyphs for `あア漢字。`, which a `ja` book needs"],
    );
}

// ------------------------------------------------ 5. output names checked early

#[test]
fn output_names_are_checked_at_configuration_time() {
    let long = "x".repeat(300);
    let cases = [
        (
            "a\\nb",
            "tebiki.toml:6:10: error: output stem `a\\nb` is not a plain file name",
        ),
        (
            "a\\u0000b",
            "tebiki.toml:6:10: error: output stem `a\\0b` is not a plain file name",
        ),
        (
            "a/b",
            "tebiki.toml:6:10: error: output stem `a/b` is not a plain file name",
        ),
        (
            long.as_str(),
            "tebiki.toml:6:10: error: output stem is longer than 200 bytes",
        ),
    ];
    for (value, expected) in cases {
        let h = Hostile::new();
        h.site.write(
            "tebiki.toml",
            CONFIG.replace("[params]", &format!("output = \"{value}\"\n\n[params]")),
        );
        h.both(2, &[expected]);
    }
    let h = Hostile::new();
    h.site.write(
        "tebiki.toml",
        CONFIG.replace("[regions.US]", &format!("[regions.{long}]")),
    );
    let run = bounded(&h.site, &["check"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.headers(),
        vec!["tebiki.toml:12:1: error: region code is longer than 200 bytes"]
    );
}

#[test]
fn an_empty_page_selection_is_a_usage_error() {
    let h = Hostile::new();
    let run = bounded(&h.site, &["build", "--page", ""]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--page"), "{}", run.stderr);
    assert!(!h.site.path("dist").exists());
}

// ------------------------------------------------------ 6. no leftovers

#[test]
fn stale_temporaries_of_a_killed_build_are_removed() {
    let h = Hostile::new();
    h.site.write("dist/.tebiki-AbC123", b"half a pdf");
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(h.site.path("dist/.tebiki-AbC123"))
        .and_then(|f| f.set_modified(old))
        .expect("age the temporary");
    h.site.write("dist/notes.txt", b"kept");
    let run = bounded(&h.site, &["build", "--quiet", "--region", "JP"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut names: Vec<String> = std::fs::read_dir(h.site.path("dist"))
        .expect("dist")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["manual-JP.epub", "manual-JP.pdf", "notes.txt"]);
}

#[cfg(unix)]
#[test]
fn sigterm_and_sigint_exit_with_128_plus_the_signal_and_leave_nothing() {
    for (signal, code) in [(libc::SIGTERM, 143), (libc::SIGINT, 130)] {
        let h = Hostile::new();
        // Enough pages that the build is still running when the signal comes.
        for i in 0..200 {
            h.site.page(
                &format!("content/p{i:03}.md"),
                &"長い本文です。".repeat(400),
            );
        }
        let mut child = tools::tebiki(h.site.dir.path())
            .args(["build", "--quiet"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run tebiki");
        std::thread::sleep(Duration::from_millis(700));
        let pid = i32::try_from(child.id()).expect("pid");
        // SAFETY: signals the child this test started, by its id.
        let sent = unsafe { libc::kill(pid, signal) };
        assert_eq!(sent, 0);
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            assert!(
                started.elapsed() < TIME_LIMIT,
                "tebiki ignored signal {signal}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(code), "signal {signal}");
        let leftovers: Vec<String> = std::fs::read_dir(h.site.path("dist"))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with(".tebiki-"))
                    .collect()
            })
            .unwrap_or_default();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

// ------------------------------------------- 7. and 8. images and widths

#[test]
fn a_broken_image_is_reported_once_by_check_and_build() {
    let h = Hostile::new();
    h.site
        .write("static/img/cut.png", b"\x89PNG\r\n\x1a\nshort");
    h.site.page(
        "content/a.md",
        "\n{{< screen src=\"/img/cut.png\" alt=\"画面\" >}}\n",
    );
    let check = bounded(&h.site, &["check", "--region", "JP"]);
    let build = bounded(&h.site, &["build", "--region", "JP"]);
    for (what, run) in [("check", &check), ("build", &build)] {
        assert_eq!(run.code, 1, "{what}: {}", run.stderr);
        let headers = run.headers();
        assert_eq!(headers.len(), 1, "{what}: {}", run.stderr);
        assert!(
            headers[0].starts_with("content/a.md:5:1: error: cannot decode image `/img/cut.png`: "),
            "{what}: {}",
            run.stderr
        );
        assert_eq!(
            run.stderr.matches("hint: ").count(),
            1,
            "{what}: {}",
            run.stderr
        );
    }
    assert_eq!(check.headers(), build.headers());
}

#[test]
fn an_invalid_screenshot_width_is_a_warning_at_its_position() {
    let h = Hostile::new();
    let image = image::RgbImage::from_pixel(8, 8, image::Rgb([1, 2, 3]));
    image
        .save(h.site.path("static/img/ok.png").as_path())
        .or_else(|_| {
            std::fs::create_dir_all(h.site.path("static/img"))?;
            image
                .save(h.site.path("static/img/ok.png"))
                .map_err(std::io::Error::other)
        })
        .expect("png");
    h.site.page(
        "content/a.md",
        "\n{{< screen src=\"/img/ok.png\" alt=\"画面\" width=\"wide\" >}}\n\n<img src=\"/img/ok.png\" alt=\"x\" width=\"-5\">\n",
    );
    let check = bounded(&h.site, &["check", "--region", "JP"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert_eq!(
        check.headers(),
        vec![
            "content/a.md:5:1: warning: `screen` width `wide` is not a positive number of pixels; it is ignored",
            "content/a.md:7:1: warning: html `<img>` width `-5` is not a positive number of pixels; it is ignored",
        ]
    );
    let build = bounded(&h.site, &["build", "--region", "JP", "--quiet"]);
    assert_eq!(build.headers(), check.headers());
}
