//! The asset check: the site's layout files and fonts, checked once before
//! any region is built, for `check` and `build` alike.
//!
//! Input: the loaded [`Site`] and its [`Assets`]. Output: diagnostics: a
//! layout file or font the site names outside the site or over its size
//! cap, a `layouts/pdf.toml` or `layouts/epub.toml` that does not parse or
//! has a number out of range (at the value's `path:line:col`; the site's
//! layout files are added to [`Sources`] for that), a text area too small
//! to set text in, and a font that is not a usable font or lacks the glyphs
//! the book's language needs. Any error here stops the run before layout.

use std::path::{Path, PathBuf};

use crate::assets::{AssetError, Assets};
use crate::diag::{Diagnostic, Diagnostics, Location, Severity, SourceId, Sources, Span};
use crate::epub::options::EpubOptions;
use crate::layout::font::{FontBook, FontError, FontRole};
use crate::layout::style::PdfStyle;
use crate::site::{self, Site, config::value_span};

/// Runs every check; the caller stops when `diags` has errors afterwards.
pub(super) fn check_assets(
    site: &Site,
    assets: &Assets,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) {
    check_pdf_style(site, assets, sources, diags);
    check_epub_options(site, assets, sources, diags);
    check_fonts(site, assets, diags);
}

/// The site's layout file `name` added to `sources`: its id and text.
/// `None` when the site has none or it cannot be read (reported).
fn site_layout(
    site: &Site,
    assets: &Assets,
    name: &str,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<(SourceId, String)> {
    match assets.site_layout(name) {
        Ok(Some((shown, bytes))) => {
            let id = site::add_text(sources, shown_path(site, &shown), bytes, diags)?;
            let text = sources.get(id).map(|f| f.text.clone()).unwrap_or_default();
            Some((id, text))
        }
        Ok(None) => None,
        Err(e) => {
            diags.push(asset_diagnostic(site, &e, None));
            None
        }
    }
}

/// A path relative to the site as the user sees it (built from `--site`).
fn shown_path(site: &Site, rel: &Path) -> PathBuf {
    site::display_path(&site.root.join(rel))
}

/// The diagnostic for an asset the site names but may not have read, at
/// `at` (the value naming it) when known, else at the file.
fn asset_diagnostic(site: &Site, error: &AssetError, at: Option<Span>) -> Diagnostic {
    let (path, reason) = match error {
        AssetError::Confined { path, reason } => (path.clone(), reason.clone()),
        AssetError::Read { path, source } => (
            path.clone(),
            site::ConfineError::Io(crate::diag::library::io(source)),
        ),
    };
    let location = at.map_or_else(
        || Location::File(shown_path(site, &path), None),
        Location::Span,
    );
    let what = format!("`{}`", path.display());
    site::confine::diagnostic(location, &what, &reason)
}

/// The span of the value at `keys` in a layout file, if the file sets it.
fn span_of(file: Option<&(SourceId, String)>, keys: &[&str]) -> Option<Span> {
    let (id, text) = file?;
    value_span(text, keys).map(|r| Span::new(*id, r.start, r.end))
}

/// An error at `span`, or at the whole file `shown` when there is none.
fn error_at(span: Option<Span>, shown: PathBuf, message: String) -> Diagnostic {
    let location = span.map_or(Location::File(shown, None), Location::Span);
    Diagnostic::new(Severity::Error, location, message).with_code(crate::diag::Code::InvalidLayout)
}

/// `layouts/pdf.toml`: parses, and every number is in range.
fn check_pdf_style(site: &Site, assets: &Assets, sources: &mut Sources, diags: &mut Diagnostics) {
    let Some(file) = site_layout(site, assets, "pdf.toml", sources, diags) else {
        return;
    };
    let shown = shown_path(site, Path::new("layouts/pdf.toml"));
    match PdfStyle::from_site_text(&file.1) {
        Err((range, message)) => {
            let span = range.map(|r| Span::new(file.0, r.start, r.end));
            diags.push(error_at(span, shown, message));
        }
        Ok(style) => {
            for problem in style.problems() {
                let keys: Vec<&str> = problem.key.iter().map(String::as_str).collect();
                let span = span_of(Some(&file), &keys);
                diags.push(
                    error_at(span, shown.clone(), problem.message)
                        .with_hint("see the documented defaults in tebiki's layouts/pdf.toml"),
                );
            }
        }
    }
}

/// `layouts/epub.toml`: parses, numbers in range, and the style sheet and
/// embedded fonts it names are inside the site and usable.
fn check_epub_options(
    site: &Site,
    assets: &Assets,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) {
    let file = site_layout(site, assets, "epub.toml", sources, diags);
    let shown = shown_path(site, Path::new("layouts/epub.toml"));
    let options = match &file {
        None => EpubOptions::default(),
        Some((id, text)) => match EpubOptions::from_text(text) {
            Ok(options) => options,
            Err((range, message)) => {
                let span = range.map(|r| Span::new(*id, r.start, r.end));
                diags.push(error_at(span, shown, message));
                return;
            }
        },
    };
    for (key, message) in options.problems() {
        diags.push(error_at(
            span_of(file.as_ref(), &[key]),
            shown.clone(),
            message,
        ));
    }
    match assets.layout(&options.stylesheet) {
        Ok(Some(_)) => {}
        Ok(None) => diags.push(crate::epub::options_diag(format!(
            "style sheet {} not found in layouts/, the default is used",
            options.stylesheet
        ))),
        Err(e) => diags.push(asset_diagnostic(
            site,
            &e,
            span_of(file.as_ref(), &["stylesheet"]),
        )),
    }
    if !options.embed_fonts {
        return;
    }
    for (key, name) in [
        ("font_regular", &options.font_regular),
        ("font_bold", &options.font_bold),
    ] {
        let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        if !matches!(extension.as_deref(), Some("ttf" | "otf")) {
            diags.push(crate::epub::options_diag(format!(
                "font {name} is not a .ttf or .otf file, not embedded"
            )));
            continue;
        }
        match assets.font(name) {
            Ok(Some(bytes)) => {
                if !crate::layout::font::is_usable_font(&bytes) {
                    diags.push(
                        error_at(
                            span_of(file.as_ref(), &[key]),
                            shown.clone(),
                            format!("font file {name} is not a usable OpenType font"),
                        )
                        .with_code(crate::diag::Code::UnusableFont),
                    );
                }
            }
            Ok(None) => diags.push(crate::epub::options_diag(format!(
                "font {name} not found in fonts/"
            ))),
            Err(e) => diags.push(asset_diagnostic(site, &e, span_of(file.as_ref(), &[key]))),
        }
    }
}

/// Characters every body face must draw for a book in `language`.
fn body_sample(language: &str) -> &'static str {
    if language == "ja" || language.starts_with("ja-") {
        "あア漢字。Aa1"
    } else if language == "zh" || language.starts_with("zh-") {
        "汉字。Aa1"
    } else if language == "ko" || language.starts_with("ko-") {
        "한글Aa1"
    } else {
        "Aa1"
    }
}

/// The PDF's fonts: each file parses and the regular and bold faces draw
/// the book language's sample characters (the monospace face: Latin).
fn check_fonts(site: &Site, assets: &Assets, diags: &mut Diagnostics) {
    let fonts = match FontBook::load(assets) {
        Ok(fonts) => fonts,
        Err(FontError::Read(e)) => {
            diags.push(asset_diagnostic(site, &e, None));
            return;
        }
        Err(FontError::Parse { name }) => {
            diags.push(unusable_font(site, &name));
            return;
        }
        Err(e) => {
            diags.push(
                Diagnostic::new(Severity::Error, Location::None, e.to_string())
                    .with_code(crate::diag::Code::LayoutFailed),
            );
            return;
        }
    };
    let language = site.config.book.language.to_ascii_lowercase();
    let sample = body_sample(&language);
    let mut checked = Vec::new();
    for (role, sample) in [
        (FontRole::Regular, sample),
        (FontRole::Bold, sample),
        (FontRole::Mono, "Aa1"),
    ] {
        let id = fonts.font(role);
        if checked.contains(&id) {
            continue;
        }
        checked.push(id);
        let missing: String = sample.chars().filter(|&c| !fonts.draws(id, c)).collect();
        let name = fonts.name(id);
        if missing.chars().count() == sample.chars().count() {
            // Draws nothing at all: a truncated file whose tables still parse.
            diags.push(unusable_font(site, name));
        } else if !missing.is_empty() {
            diags.push(
                Diagnostic::file_error(
                    &shown_path(site, &Path::new("fonts").join(name)),
                    format!(
                        "font has no glyphs for `{missing}`, which a `{language}` book needs"
                    ),
                ).with_code(crate::diag::Code::FontCoverage)
                .with_hint("use a font that covers the book's language, or remove it to use the embedded font"),
            );
        }
    }
}

/// The error for a font file in `fonts/` that is not a usable font.
fn unusable_font(site: &Site, name: &str) -> Diagnostic {
    Diagnostic::file_error(
        &shown_path(site, &Path::new("fonts").join(name)),
        "not a usable OpenType or TrueType font (truncated or another kind of file)",
    )
    .with_code(crate::diag::Code::UnusableFont)
    .with_hint(
        "replace it with a complete .ttf or .otf file, or remove it to use the embedded font",
    )
}
