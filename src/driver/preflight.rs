//! The asset check: the site's layout files and fonts, checked once before
//! any region is built, for `check` and `build` alike.
//!
//! Input: the loaded [`Site`] and its [`Assets`]. Output: diagnostics: a
//! layout file or font the site names outside the site or over its size
//! cap, a `layouts/pdf.toml` or `layouts/epub.toml` that does not parse or
//! has a number out of range (at the value's `path:line:col`; the site's
//! layout files are added to [`Sources`] for that), a text area too small
//! to set text in, and a font (bundled, in the site's `fonts/`, or named by
//! `[fonts]`/`[regions.R.fonts]` of any region) that is missing, not a
//! usable font, truncated, or lacks the glyphs the book's language needs.
//! Any error here stops the run before layout.

use std::path::{Path, PathBuf};

use crate::assets::{AssetError, Assets};
use crate::diag::{Diagnostic, Diagnostics, Location, Severity, SourceId, Sources, Span};
use crate::epub::options::EpubOptions;
use crate::layout::font::{FontBook, FontError, FontFiles, FontRole};
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
    check_fonts(site, assets, sources, diags);
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
        match assets.font_bytes(name) {
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

/// Where `tebiki.toml` names font `value` (`[fonts]` or a region's
/// table), for messages about that file.
fn font_value_span(site: &Site, sources: &Sources, value: &str) -> Option<Span> {
    let text = sources.get(site.config_source)?.text.as_str();
    let mut tables: Vec<(Vec<&str>, &site::fonts::FontsTable)> =
        vec![(vec!["fonts"], &site.config.fonts)];
    for (code, region) in &site.config.regions {
        tables.push((vec!["regions", code.as_str(), "fonts"], &region.fonts));
    }
    for (path, table) in tables {
        for (key, named) in site::fonts::named_values(table) {
            if named != value {
                continue;
            }
            let mut keys = path.clone();
            keys.push(key);
            let range = value_span(text, &keys)?;
            // In the fallback array: the quoted value itself.
            let inner = text
                .get(range.clone())
                .and_then(|t| t.find(value))
                .map_or(range.clone(), |i| {
                    range.start + i..range.start + i + value.len()
                });
            return Some(Span::new(site.config_source, inner.start, inner.end));
        }
    }
    None
}

/// A font value as the user sees it: a site path as written, a file of the
/// site's `fonts/` folder, or a bundled font.
fn shown_font(site: &Site, assets: &Assets, value: &str) -> PathBuf {
    if crate::model::is_site_path(value) || assets.is_site_font(value) {
        let rel = if crate::model::is_site_path(value) {
            PathBuf::from(value)
        } else {
            Path::new("fonts").join(value)
        };
        shown_path(site, &rel)
    } else {
        PathBuf::from(format!("(bundled font) {value}"))
    }
}

/// The PDF's fonts, for every region: each file the regions name (and each
/// bundled one) exists, parses and is complete (no table past its end);
/// then the regular and bold faces draw the book language's sample
/// characters (the monospace face: Latin).
fn check_fonts(site: &Site, assets: &Assets, sources: &Sources, diags: &mut Diagnostics) {
    let mut choices: Vec<&crate::model::FontChoice> = Vec::new();
    for region in &site.regions {
        if !choices.contains(&&region.fonts) {
            choices.push(&region.fonts);
        }
    }
    let mut names: Vec<String> = Vec::new();
    for choice in &choices {
        for name in FontFiles::for_choice(choice).all() {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    let mut failed = false;
    for name in &names {
        let at = font_value_span(site, sources, name);
        let problem = match assets.shared_font_value(name) {
            Ok(Some(bytes)) if crate::layout::font::is_usable_font(&bytes) => None,
            Ok(Some(_)) => Some(unusable_font(&shown_font(site, assets, name), at)),
            Ok(None) => Some(
                error_at(
                    at,
                    shown_path(site, Path::new("tebiki.toml")),
                    format!("font `{name}` not found"),
                )
                .with_code(crate::diag::Code::FontNotFound)
                .with_hint(
                    "name a bundled font, a file in the site's fonts/ folder, or a path inside the site such as static/fonts/x.otf",
                ),
            ),
            Err(e) => Some(asset_diagnostic(site, &e, at)),
        };
        if let Some(problem) = problem {
            failed = true;
            diags.push(problem);
        }
    }
    if failed {
        return;
    }
    let language = site.config.book.language.to_ascii_lowercase();
    let sample = body_sample(&language);
    let mut checked = Vec::new();
    for choice in choices {
        let fonts = match FontBook::for_choice(assets, choice) {
            Ok(fonts) => fonts,
            Err(FontError::Read(e)) => {
                diags.push(asset_diagnostic(site, &e, None));
                return;
            }
            Err(FontError::Parse { name } | FontError::Missing { name }) => {
                let at = font_value_span(site, sources, &name);
                diags.push(unusable_font(&shown_font(site, assets, &name), at));
                return;
            }
        };
        // A face the region chooses in `[fonts]` may leave characters to
        // the fallback chain (a Latin body font before a Japanese one); a
        // file that replaces a bundled face must cover what it replaces.
        for (role, sample, chosen) in [
            (FontRole::Regular, sample, choice.body.is_some()),
            (FontRole::Bold, sample, choice.bold.is_some()),
            (FontRole::Mono, "Aa1", choice.monospace.is_some()),
        ] {
            let id = fonts.font(role);
            let name = fonts.name(id).to_owned();
            if checked.contains(&name) {
                continue;
            }
            checked.push(name.clone());
            let missing: String = sample.chars().filter(|&c| !fonts.draws(id, c)).collect();
            let shown = shown_font(site, assets, &name);
            let at = font_value_span(site, sources, &name);
            if missing.chars().count() == sample.chars().count() {
                // Draws nothing at all: a damaged file whose tables still parse.
                diags.push(unusable_font(&shown, at));
            } else if !missing.is_empty() && !chosen {
                diags.push(
                    error_at(
                        at,
                        shown,
                        format!(
                            "font has no glyphs for `{missing}`, which a `{language}` book needs"
                        ),
                    )
                    .with_code(crate::diag::Code::FontCoverage)
                    .with_hint("use a font that covers the book's language, or remove it to use the embedded font"),
                );
            }
        }
    }
}

/// The error for a font file that is not a usable font, at the value that
/// names it in `tebiki.toml` (else at the file).
fn unusable_font(shown: &Path, at: Option<Span>) -> Diagnostic {
    const WHY: &str = "not a usable OpenType or TrueType font (truncated or another kind of file)";
    let diagnostic = match at {
        Some(span) => Diagnostic::error(span, format!("font file {} is {WHY}", shown.display()))
            .with_code(crate::diag::Code::UnusableFont),
        None => Diagnostic::file_error(shown, WHY).with_code(crate::diag::Code::UnusableFont),
    };
    diagnostic.with_hint(
        "replace it with a complete .ttf or .otf file, or remove it to use the embedded font",
    )
}
