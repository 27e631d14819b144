//! The minimal site `tebiki init` writes: two regions, a home page and one
//! page that shows a region conditional, a variable and a screenshot.
//!
//! Input: none. Output: the [`NewFile`]s of the site (`tebiki.toml`,
//! `content/_index.md`, `content/first-steps.md`,
//! `static/images/login.png`), which build at once with no warning. The
//! screenshot is drawn here (a small login window), so the repository
//! carries no binary for it.

use super::NewFile;

/// `tebiki.toml` of the new site.
const CONFIG: &str = r#"# tebiki.toml: the configuration of this handbook (README: "tebiki.toml").
# Build it with `tebiki build`; check it with `tebiki check`.

[book]
title = "{{%product%}} ハンドブック"   # cover, metadata, running header
language = "ja"                        # also decides the cover date's time zone
base_url = "https://help.example.com"  # where links to pages outside the book point
url_prefix = "/"                       # the path the site is published under
# timezone = "Asia/Tokyo"              # the cover date's time zone (default from language)

# Variables of every region: {{%product%}} in a page prints the value.
[params]
product = "Example Cloud"

# One table per region; `tebiki build` writes manual-JP.pdf, manual-US.pdf…
[regions.JP]
paper = "A4"
[regions.JP.params]
support = "サポート窓口（平日 9:00〜18:00）"

[regions.US]
paper = "Letter"
[regions.US.params]
support = "the support desk (weekdays 9 am to 5 pm ET)"
[regions.US.book]
base_url = "https://us.help.example.com"
"#;

/// `content/_index.md`: the home page, which opens the book.
const HOME: &str = r#"---
title: "このハンドブックについて"
weight: 1
---

このハンドブックは、{{%product%}}を使い始める方のための手引きです。
ページは `content/` にある Markdown ファイルで、`tebiki build` を実行すると、地域ごとに PDF と EPUB ができます。

まず[最初の設定](/first-steps/)をお読みください。
"#;

/// `content/first-steps.md`: a page with a region conditional, a variable
/// and a screenshot.
const FIRST_STEPS: &str = r#"---
title: "最初の設定"
weight: 2
---

{{%product%}}を使い始める前に、管理者としてログインします。

## ログインする

1. ブラウザーで{{%product%}}のログイン画面を開きます。
2. ログイン名とパスワードを入力し、［ログイン］をクリックします。

![ログイン画面](/images/login.png)

{{% enabled JP %}}
ログインできないときは、{{%support%}}にお問い合わせください。
{{% /enabled %}}

{{% enabled US %}}
ログインできないときは、米国の{{%support%}}にお問い合わせください。
{{% /enabled %}}
"#;

/// Width and height of the drawn screenshot, in pixels.
const SHOT: (u32, u32) = (640, 400);

/// Every file of the new site.
pub fn files() -> Vec<NewFile> {
    let text = |path: &str, body: &str| NewFile {
        path: path.to_string(),
        bytes: body.as_bytes().to_vec(),
    };
    let mut files = vec![
        text("tebiki.toml", CONFIG),
        text("content/_index.md", HOME),
        text("content/first-steps.md", FIRST_STEPS),
    ];
    if let Some(png) = login_screenshot() {
        files.push(NewFile {
            path: "static/images/login.png".into(),
            bytes: png,
        });
    }
    files
}

/// A drawn login window as PNG: a title bar, two input fields and a button.
fn login_screenshot() -> Option<Vec<u8>> {
    let (w, h) = SHOT;
    let inside = |x: u32, y: u32, left: u32, top: u32, width: u32, height: u32| {
        x >= left && x < left + width && y >= top && y < top + height
    };
    let image = image::RgbImage::from_fn(w, h, |x, y| {
        let rgb = if y < 36 {
            [0x2b, 0x4a, 0x6f] // title bar
        } else if inside(x, y, 170, 120, 300, 36) || inside(x, y, 170, 180, 300, 36) {
            let border = x == 170 || x == 469 || y == 120 || y == 155 || y == 180 || y == 215;
            if border {
                [0x9a, 0xa5, 0xb1]
            } else {
                [0xff, 0xff, 0xff]
            }
        } else if inside(x, y, 250, 250, 140, 40) {
            [0x1f, 0x78, 0xd1] // the login button
        } else if inside(x, y, 170, 100, 90, 8) || inside(x, y, 170, 160, 110, 8) {
            [0x55, 0x5f, 0x6b] // field labels
        } else {
            [0xf3, 0xf5, 0xf7]
        };
        image::Rgb(rgb)
    });
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .ok()?;
    Some(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_has_its_four_files_and_a_real_png() {
        let files = files();
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "tebiki.toml",
                "content/_index.md",
                "content/first-steps.md",
                "static/images/login.png"
            ]
        );
        let png = image::load_from_memory(&files[3].bytes).expect("decodes");
        assert_eq!((png.width(), png.height()), SHOT);
        let mut sources = crate::diag::Sources::new();
        let id = sources.add("tebiki.toml".into(), CONFIG.into());
        let mut diags = crate::diag::Diagnostics::new();
        let config = crate::site::config::parse_config(CONFIG, id, &mut diags);
        assert!(config.is_some_and(|c| c.regions.len() == 2), "{diags:?}");
    }
}
