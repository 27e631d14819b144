//! EPUB settings from `layouts/epub.toml`.
//!
//! Input: the layout file (the site's `layouts/epub.toml` or the embedded
//! default). Output: [`EpubOptions`]; a missing key takes its default, an
//! unknown key or a wrong type is a diagnostic and the defaults are used.

use serde::Deserialize;

use crate::assets::Assets;
use crate::diag::{Diagnostic, Diagnostics, Location, Severity};

use super::opf::ImageDescriptions;

/// Name of the options file in `layouts/`.
pub(crate) const OPTIONS_FILE: &str = "epub.toml";

/// Everything the EPUB writer can be told. See `layouts/epub.toml` for the
/// documented defaults.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct EpubOptions {
    /// Images whose longer side exceeds this many pixels are downscaled.
    pub max_image_long_side: u32,
    /// JPEG quality (1–100) used when a JPEG has to be re-encoded.
    pub jpeg_quality: u8,
    /// Deepest heading level (2–6) listed in the navigation under its page.
    pub toc_heading_level: u8,
    /// Style sheet file in `layouts/`.
    pub stylesheet: String,
    /// Embed the fonts below (full files: no subsetting is done).
    pub embed_fonts: bool,
    /// Regular font file in `fonts/`, used when `embed_fonts` is on.
    pub font_regular: String,
    /// Bold font file in `fonts/`, used when `embed_fonts` is on.
    pub font_bold: String,
    /// Title of the table of contents.
    pub toc_title: String,
    /// Title of the (hidden) landmarks list.
    pub landmarks_title: String,
    /// Label of the landmark that points at the first page.
    pub bodymatter_label: String,
    /// `schema:accessibilitySummary` written into the package document,
    /// followed by the one of the three sentences below that is true of the
    /// book's images (nothing when it has none).
    pub accessibility_summary: String,
    /// Added to the summary when every image has a text alternative.
    pub accessibility_images_described: String,
    /// Added when some images have none; `{undescribed}` and `{total}` are
    /// replaced by the counts of places showing an image.
    pub accessibility_images_partly_described: String,
    /// Added when no image has a text alternative.
    pub accessibility_images_undescribed: String,
}

impl Default for EpubOptions {
    fn default() -> EpubOptions {
        EpubOptions {
            max_image_long_side: 1600,
            jpeg_quality: 85,
            toc_heading_level: 3,
            stylesheet: "epub.css".into(),
            embed_fonts: false,
            font_regular: "BIZUDPGothic-Regular.ttf".into(),
            font_bold: "BIZUDPGothic-Bold.ttf".into(),
            toc_title: "目次".into(),
            landmarks_title: "ランドマーク".into(),
            bodymatter_label: "本文".into(),
            accessibility_summary: "見出し、目次、ナビゲーションによる構造を持つ文書です。".into(),
            accessibility_images_described: "すべての画像に代替テキストがあります。".into(),
            accessibility_images_partly_described:
                "画像を表示する {total} 箇所のうち {undescribed} 箇所には代替テキストがありません。"
                    .into(),
            accessibility_images_undescribed: "画像には代替テキストがありません。".into(),
        }
    }
}

impl EpubOptions {
    /// Reads `epub.toml` from the assets; problems become diagnostics and
    /// the defaults are used.
    pub(crate) fn load(assets: &Assets, diags: &mut Diagnostics) -> EpubOptions {
        let bytes = match assets.layout(OPTIONS_FILE) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return EpubOptions::default(),
            Err(e) => {
                diags.push(options_error(e.to_string()));
                return EpubOptions::default();
            }
        };
        let parsed = std::str::from_utf8(&bytes)
            .map_err(|_| "is not utf-8".to_string())
            .and_then(|text| {
                toml::from_str::<EpubOptions>(text).map_err(|e| e.message().to_lowercase())
            });
        match parsed {
            Ok(options) => options.clamped(),
            Err(reason) => {
                diags.push(options_error(format!("invalid {OPTIONS_FILE}: {reason}")));
                EpubOptions::default()
            }
        }
    }

    /// Parses the site's `epub.toml` text: a syntax, type or unknown-key
    /// error with its byte range.
    pub(crate) fn from_text(
        text: &str,
    ) -> Result<EpubOptions, (Option<std::ops::Range<usize>>, String)> {
        toml::from_str::<EpubOptions>(text).map_err(|e| {
            (
                e.span(),
                format!(
                    "invalid {OPTIONS_FILE}: {}",
                    crate::diag::library::rewrite(e.message()).inline()
                ),
            )
        })
    }

    /// Numbers out of their ranges: the key and a message (the renderer
    /// clamps them; the driver reports them before any region is built).
    pub(crate) fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (key, value, min, max) in [
            ("max_image_long_side", self.max_image_long_side, 64, 8192),
            ("jpeg_quality", u32::from(self.jpeg_quality), 1, 100),
            ("toc_heading_level", u32::from(self.toc_heading_level), 1, 6),
        ] {
            if !(min..=max).contains(&value) {
                out.push((
                    key,
                    format!("`{key}` = {value} is out of range: use {min} to {max}"),
                ));
            }
        }
        out
    }

    /// The accessibility summary for a book whose images are described as
    /// `images` says: the configured summary and the true sentence about
    /// images.
    pub(crate) fn summary(&self, images: ImageDescriptions) -> String {
        let sentence = match images {
            ImageDescriptions::NoImages => String::new(),
            ImageDescriptions::AllDescribed => self.accessibility_images_described.clone(),
            ImageDescriptions::SomeUndescribed { undescribed, total } => self
                .accessibility_images_partly_described
                .replace("{undescribed}", &undescribed.to_string())
                .replace("{total}", &total.to_string()),
            ImageDescriptions::NoneDescribed => self.accessibility_images_undescribed.clone(),
        };
        let base = self.accessibility_summary.trim();
        let sentence = sentence.trim();
        match (base.is_empty(), sentence.is_empty()) {
            (_, true) => base.to_string(),
            (true, false) => sentence.to_string(),
            // Japanese sentences join without a space; others with one.
            (false, false) if base.ends_with(['。', '．']) => format!("{base}{sentence}"),
            (false, false) => format!("{base} {sentence}"),
        }
    }

    /// Brings numbers into their valid ranges.
    fn clamped(mut self) -> EpubOptions {
        self.max_image_long_side = self.max_image_long_side.clamp(64, 8192);
        self.jpeg_quality = self.jpeg_quality.clamp(1, 100);
        self.toc_heading_level = self.toc_heading_level.clamp(1, 6);
        self
    }
}

fn options_error(message: String) -> Diagnostic {
    Diagnostic::new(
        Severity::Error,
        Location::File(format!("layouts/{OPTIONS_FILE}").into(), None),
        message,
    )
    .with_code(crate::diag::Code::InvalidLayout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_file_matches_the_defaults() {
        let assets = Assets::embedded(crate::assets::ImageStore::new());
        let mut diags = Diagnostics::new();
        let options = EpubOptions::load(&assets, &mut diags);
        assert!(diags.items().is_empty(), "{:?}", diags.items());
        assert_eq!(options, EpubOptions::default());
    }

    #[test]
    fn the_summary_states_what_is_true_of_the_images() {
        let options = EpubOptions::default();
        let all = options.summary(ImageDescriptions::AllDescribed);
        assert!(
            all.ends_with("すべての画像に代替テキストがあります。"),
            "{all}"
        );
        let some = options.summary(ImageDescriptions::SomeUndescribed {
            undescribed: 2,
            total: 5,
        });
        assert!(!some.contains("すべての画像"), "{some}");
        assert!(
            some.contains("5 箇所のうち 2 箇所には代替テキストがありません"),
            "{some}"
        );
        let none = options.summary(ImageDescriptions::NoneDescribed);
        assert!(
            none.ends_with("画像には代替テキストがありません。"),
            "{none}"
        );
        let no_images = options.summary(ImageDescriptions::NoImages);
        assert_eq!(no_images, options.accessibility_summary);
        let english = EpubOptions {
            accessibility_summary: "Structured with headings.".into(),
            accessibility_images_undescribed: "Images have no text alternative.".into(),
            ..EpubOptions::default()
        };
        assert_eq!(
            english.summary(ImageDescriptions::NoneDescribed),
            "Structured with headings. Images have no text alternative."
        );
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let parsed = toml::from_str::<EpubOptions>("max_image_longside = 3");
        assert!(parsed.is_err());
        let ok = toml::from_str::<EpubOptions>("embed_fonts = true").unwrap();
        assert!(ok.embed_fonts);
        assert_eq!(ok.max_image_long_side, 1600);
    }
}
