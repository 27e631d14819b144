//! The region's fonts in the EPUB: the files `[fonts]` /
//! `[regions.R.fonts]` name are embedded and put into the style sheet's
//! font stacks, in the order of the PDF's fallback chain.
//!
//! Input: the model's [`FontChoice`](crate::model::FontChoice) of the book's
//! region and the [`Assets`]. Output: the [`EmbeddedFont`]s (manifest items
//! and zip entries, full files) and the CSS appended to the style sheet:
//! one `@font-face` per file and `font-family` stacks for body text and code
//! (the configured face, then the fallbacks, then the generic family), so a
//! reader draws each character from the first font that has it.

use crate::assets::Assets;
use crate::diag::{Diagnostic, Diagnostics, Location, Severity};
use crate::model::{Book, Uniquifier};

use super::EmbeddedFont;
use super::names::ascii_slug;

/// Families of the style sheet.
const BODY: &str = "tebiki-body";
const MONO: &str = "tebiki-mono";

/// The embedded files and the CSS for the book's region fonts; nothing
/// when the region names no font of its own.
pub(super) fn region_fonts(
    book: &Book,
    assets: &Assets,
    diags: &mut Diagnostics,
) -> (Vec<EmbeddedFont>, String) {
    let choice = &book.region.fonts;
    if choice.is_default() {
        return (Vec::new(), String::new());
    }
    let mut fonts: Vec<EmbeddedFont> = Vec::new();
    let mut names = Uniquifier::new();
    let mut css = String::from("\n/* Fonts of the region ([fonts] in tebiki.toml). */\n");
    let mut fallbacks: Vec<String> = Vec::new();
    let mut faces: Vec<(&str, String, &str)> = Vec::new();
    if let Some(v) = &choice.body {
        faces.push((v, BODY.to_owned(), "normal"));
    }
    if let Some(v) = &choice.bold {
        faces.push((v, BODY.to_owned(), "bold"));
    }
    if let Some(v) = &choice.monospace {
        faces.push((v, MONO.to_owned(), "normal"));
    }
    for (i, v) in choice.fallback.iter().enumerate() {
        let family = format!("tebiki-fallback-{}", i + 1);
        fallbacks.push(family.clone());
        faces.push((v, family, "normal"));
    }
    // Each file once, whatever number of roles it plays.
    let mut embedded: Vec<(&str, String)> = Vec::new();
    for (value, family, weight) in faces {
        let href = match embedded.iter().find(|(v, _)| *v == value) {
            Some((_, href)) => href.clone(),
            None => {
                let Some(font) = embed(value, assets, &mut names, diags) else {
                    continue;
                };
                let href = font.href.clone();
                embedded.push((value, href.clone()));
                fonts.push(font);
                href
            }
        };
        css.push_str(&format!(
            "@font-face {{ font-family: \"{family}\"; font-weight: {weight}; src: url(\"../{href}\"); }}\n"
        ));
    }
    let stack = |first: Option<&str>, generic: &str| {
        let mut families: Vec<String> = Vec::new();
        match first {
            Some(family) => {
                families.push(format!("\"{family}\""));
                families.extend(fallbacks.iter().map(|f| format!("\"{f}\"")));
                families.push(generic.to_owned());
            }
            None => {
                families.push(generic.to_owned());
                families.extend(fallbacks.iter().map(|f| format!("\"{f}\"")));
            }
        }
        families.join(", ")
    };
    let has_body = choice.body.is_some() || choice.bold.is_some();
    css.push_str(&format!(
        "body {{ font-family: {}; }}\n",
        stack(has_body.then_some(BODY), "sans-serif")
    ));
    css.push_str(&format!(
        "code, kbd, pre, .code {{ font-family: {}; }}\n",
        stack(choice.monospace.is_some().then_some(MONO), "monospace")
    ));
    (fonts, css)
}

/// Reads one font file for the package (a site path or a file name, as
/// the PDF reads it); `None`, with a warning, when it cannot be embedded.
fn embed(
    value: &str,
    assets: &Assets,
    names: &mut Uniquifier,
    diags: &mut Diagnostics,
) -> Option<EmbeddedFont> {
    let file = value.rsplit(['/', '\\']).next().unwrap_or(value);
    let (stem, extension) = file.rsplit_once('.').unwrap_or((file, ""));
    let extension = extension.to_ascii_lowercase();
    let media_type = match extension.as_str() {
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        _ => {
            diags.push(warning(format!(
                "font {value} is not a .ttf or .otf file, not embedded in the epub"
            )));
            return None;
        }
    };
    match assets.shared_font_value(value) {
        Ok(Some(bytes)) => Some(EmbeddedFont {
            href: format!(
                "fonts/{}",
                names.file_name(&ascii_slug(stem), &format!(".{extension}"))
            ),
            media_type,
            bytes,
            bold: false,
        }),
        // The preflight reported a missing or unreadable file already.
        Ok(None) | Err(_) => None,
    }
}

/// A warning about the region's fonts in the EPUB.
fn warning(message: String) -> Diagnostic {
    Diagnostic::new(
        Severity::Warning,
        Location::File("tebiki.toml".into(), None),
        message,
    )
    .with_code(crate::diag::Code::EpubFont)
}
