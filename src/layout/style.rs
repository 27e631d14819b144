//! Typed view of `layouts/pdf.toml`: sheet geometry, type sizes, colours and
//! typesetting options for the PDF.
//!
//! Input: the embedded default `pdf.toml` and, when a site has one, its own
//! `layouts/pdf.toml`, whose keys override the defaults one by one (tables are
//! merged recursively). Output: a [`PdfStyle`]; a malformed site file becomes
//! a diagnostic and the defaults are used.

use serde::Deserialize;

use crate::assets::Assets;
use crate::diag::{Diagnostic, Diagnostics};
use crate::layout::frame::Rgb;
use crate::layout::inline::classes::Kinsoku;
use crate::model::{AdmonitionKind, Paper};

/// A colour is written `"#rrggbb"` in the layout file.
impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Rgb, D::Error> {
        let text = String::deserialize(deserializer)?;
        Rgb::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("invalid colour {text:?}, expected \"#rrggbb\""))
        })
    }
}

/// Everything `layouts/pdf.toml` configures.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct PdfStyle {
    /// Margins per paper size.
    pub paper: PaperTable,
    /// Running header.
    pub header: HeaderStyle,
    /// Folio line.
    pub footer: FooterStyle,
    /// Body text.
    pub body: BodyStyle,
    /// Headings h1 (page titles) to h6.
    pub headings: HeadingStyle,
    /// Lists.
    pub lists: ListStyle,
    /// Code blocks.
    pub code: CodeStyle,
    /// Tables.
    pub tables: TableStyle,
    /// Block quotes.
    pub quote: QuoteStyle,
    /// Admonition boxes.
    pub admonition: AdmonitionStyles,
    /// Screenshots.
    pub figures: FigureStyle,
    /// Thematic breaks.
    pub rule: RuleStyle,
    /// Table of contents.
    pub toc: TocStyle,
    /// Cover sheet.
    pub cover: CoverStyle,
}

/// Margins for every supported paper size.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct PaperTable {
    /// ISO A4.
    #[serde(rename = "A4")]
    pub a4: Margins,
    /// US Letter.
    #[serde(rename = "Letter")]
    pub letter: Margins,
    /// JIS B5.
    #[serde(rename = "B5")]
    pub b5: Margins,
    /// ISO A5.
    #[serde(rename = "A5")]
    pub a5: Margins,
}

/// Margins of a sheet around its text area, in points.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Margins {
    /// Paper top to text area.
    pub margin_top: f32,
    /// Text area to paper bottom.
    pub margin_bottom: f32,
    /// Paper left edge to text area.
    pub margin_left: f32,
    /// Text area to paper right edge.
    pub margin_right: f32,
}

/// Running header.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct HeaderStyle {
    /// Type size.
    pub size: f32,
    /// Paper top to header baseline.
    pub offset: f32,
    /// Text colour.
    pub color: Rgb,
    /// Draw a hairline under the header.
    pub rule: bool,
}

/// Folio line.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct FooterStyle {
    /// Type size.
    pub size: f32,
    /// Paper bottom to folio baseline.
    pub offset: f32,
    /// Text colour.
    pub color: Rgb,
}

/// Body text.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct BodyStyle {
    /// Type size.
    pub size: f32,
    /// Line pitch as a multiple of the size.
    pub leading: f32,
    /// Space between paragraphs in line pitches.
    pub paragraph_gap: f32,
    /// Text colour.
    pub color: Rgb,
    /// Link colour.
    pub link_color: Rgb,
    /// Kinsoku strictness.
    pub kinsoku: Kinsoku,
    /// Japanese–Latin spacing in em (the inline layout's
    /// [`ParagraphStyle::jl_spacing`](crate::layout::inline::ParagraphStyle::jl_spacing)).
    pub jl_spacing: f32,
    /// Body line length in full-width characters (JLREQ's 字詰め): the
    /// left and right margins are set so that the text area is this many
    /// ems of `size` wide, centred on the paper, never narrower than the
    /// paper's own margins allow. 0 keeps the paper's margins.
    #[serde(default)]
    pub line_chars: f32,
    /// Set body lines on a line grid (JLREQ 行取り): every body line and
    /// heading starts a whole number of line pitches below the text area's
    /// top, so that lines register from sheet to sheet; the space of
    /// headings and between blocks grows to whole pitches.
    #[serde(default)]
    pub line_grid: bool,
}

/// Headings.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct HeadingStyle {
    /// Sizes of h1..h6.
    pub sizes: [f32; 6],
    /// Space above h1..h6.
    pub space_above: [f32; 6],
    /// Space below h1..h6.
    pub space_below: [f32; 6],
    /// Line pitch as a multiple of the size.
    pub leading: f32,
    /// Text colour.
    pub color: Rgb,
    /// Bar and rule colour.
    pub accent: Rgb,
}

impl HeadingStyle {
    /// Index 0..=5 for a heading level (clamped to 1..=6).
    pub(crate) fn index(level: u8) -> usize {
        usize::from(level.clamp(1, 6) - 1)
    }
}

/// Lists.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListStyle {
    /// Indent of each level.
    pub indent: f32,
    /// Extra space between items.
    pub item_gap: f32,
    /// Bullets by nesting level (cycled).
    pub bullets: Vec<String>,
}

/// Code blocks.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct CodeStyle {
    /// Type size.
    pub size: f32,
    /// Line pitch as a multiple of the size.
    pub leading: f32,
    /// Box background.
    pub background: Rgb,
    /// Box border.
    pub border: Rgb,
    /// Text colour.
    pub color: Rgb,
    /// Inner padding.
    pub padding: f32,
    /// Marker at the start of wrapped continuation lines.
    pub wrap_marker: String,
}

/// Tables.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct TableStyle {
    /// Type size.
    pub size: f32,
    /// Line pitch as a multiple of the size.
    pub leading: f32,
    /// Cell padding.
    pub padding: f32,
    /// Grid colour.
    pub border: Rgb,
    /// Header cell background.
    pub header_background: Rgb,
    /// Background of every second body row.
    pub stripe_background: Rgb,
    /// Smallest type size a table is set in to fit its columns; a table
    /// that would need less is split into column groups (with a warning).
    pub min_size: f32,
}

/// Block quotes.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuoteStyle {
    /// Bar colour.
    pub bar: Rgb,
    /// Indent of the quoted blocks.
    pub indent: f32,
    /// Text colour.
    pub color: Rgb,
}

/// Admonition boxes.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct AdmonitionStyles {
    /// Inner padding.
    pub padding: f32,
    /// Width of the colour bar.
    pub bar_width: f32,
    /// Label type size.
    pub label_size: f32,
    /// `warning` boxes.
    pub warning: AdmonitionColors,
    /// `note` boxes.
    pub note: AdmonitionColors,
    /// `info` boxes.
    pub info: AdmonitionColors,
    /// `tip` boxes.
    pub tip: AdmonitionColors,
    /// Site-mapped boxes.
    pub custom: AdmonitionColors,
}

impl AdmonitionStyles {
    /// Colours for a kind of box.
    pub(crate) fn colors(&self, kind: AdmonitionKind) -> &AdmonitionColors {
        match kind {
            AdmonitionKind::Warning => &self.warning,
            AdmonitionKind::Note => &self.note,
            AdmonitionKind::Info => &self.info,
            AdmonitionKind::Tip => &self.tip,
            AdmonitionKind::Custom => &self.custom,
        }
    }
}

/// Colours of one admonition kind.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct AdmonitionColors {
    /// Bar and label colour.
    pub accent: Rgb,
    /// Box background.
    pub background: Rgb,
}

/// Screenshots.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct FigureStyle {
    /// Never upscale beyond this many pixels per inch.
    pub max_dpi: f32,
    /// Print the alt text as a caption.
    pub caption: bool,
    /// Caption type size.
    pub caption_size: f32,
    /// Caption colour.
    pub caption_color: Rgb,
    /// Space above and below a figure.
    pub space: f32,
}

/// Thematic breaks.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleStyle {
    /// Line colour.
    pub color: Rgb,
    /// Line width.
    pub width: f32,
}

/// Table of contents.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct TocStyle {
    /// Deepest heading level listed (2 = `##`).
    pub depth: u8,
    /// Title printed on the first TOC sheet.
    pub title: String,
    /// Entry type size.
    pub size: f32,
    /// Indent per level.
    pub indent: f32,
    /// Leader character.
    pub leader: String,
}

/// Cover sheet.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct CoverStyle {
    /// Title size.
    pub title_size: f32,
    /// Region line size.
    pub subtitle_size: f32,
    /// Date line size.
    pub date_size: f32,
    /// Accent rule colour.
    pub accent: Rgb,
}

impl PdfStyle {
    /// The style from the embedded defaults merged with the site's
    /// `layouts/pdf.toml`. Problems with the site file are reported and the
    /// defaults used instead.
    pub(crate) fn load(assets: &Assets, diags: &mut Diagnostics) -> PdfStyle {
        let defaults = default_table();
        let merged = match assets.layout("pdf.toml") {
            Ok(Some(bytes)) => match parse_table(&bytes) {
                Ok(site) => {
                    let mut merged = defaults.clone();
                    merge(&mut merged, site);
                    merged
                }
                Err(message) => {
                    diags.push(layout_problem(message));
                    defaults.clone()
                }
            },
            Ok(None) => defaults.clone(),
            Err(err) => {
                diags.push(layout_problem(err.to_string()));
                defaults.clone()
            }
        };
        match PdfStyle::deserialize(toml::Value::Table(merged)) {
            Ok(style) => match style.problems().first() {
                // The driver reports every problem at its line before any
                // region is built; a direct caller gets the first here.
                Some(problem) => {
                    diags.push(layout_problem(problem.message.clone()));
                    PdfStyle::defaults()
                }
                None => style,
            },
            Err(err) => {
                diags.push(layout_problem(format!(
                    "invalid layouts/pdf.toml: {}",
                    crate::diag::library::rewrite(&err.to_string()).inline()
                )));
                PdfStyle::defaults()
            }
        }
    }

    /// The embedded defaults alone.
    pub(crate) fn defaults() -> PdfStyle {
        PdfStyle::deserialize(toml::Value::Table(default_table())).unwrap_or_else(|_| {
            // The embedded file is checked by a unit test; this is unreachable
            // in a tested build, but a wrong edit must not crash a user.
            PdfStyle::fallback()
        })
    }

    /// Margins for a paper size: the paper's, with the left and right ones
    /// widened to give a line of `body.line_chars` characters when set.
    pub(crate) fn margins(&self, paper: Paper) -> Margins {
        let mut m = self.written_margins(paper);
        let chars = self.body.line_chars;
        let measure = chars * self.body.size;
        let (width, _) = paper.size_pt();
        let paper_measure = width - m.margin_left - m.margin_right;
        if chars > 0.0 && measure > 0.0 && measure.is_finite() && measure < paper_measure {
            let side = (width - measure) / 2.0;
            m.margin_left = side;
            m.margin_right = side;
        }
        m
    }

    /// The margins of a paper size as `pdf.toml` writes them (before the
    /// line length widens them); the ones range checks report.
    fn written_margins(&self, paper: Paper) -> Margins {
        match paper {
            Paper::A4 => self.paper.a4,
            Paper::Letter => self.paper.letter,
            Paper::B5 => self.paper.b5,
            Paper::A5 => self.paper.a5,
        }
    }

    /// Minimal built-in values, used only if the embedded file is broken.
    fn fallback() -> PdfStyle {
        let margins = Margins {
            margin_top: 60.0,
            margin_bottom: 60.0,
            margin_left: 60.0,
            margin_right: 60.0,
        };
        let colors = AdmonitionColors {
            accent: Rgb(80, 80, 80),
            background: Rgb(245, 245, 245),
        };
        PdfStyle {
            paper: PaperTable {
                a4: margins,
                letter: margins,
                b5: margins,
                a5: margins,
            },
            header: HeaderStyle {
                size: 8.0,
                offset: 36.0,
                color: Rgb::BLACK,
                rule: false,
            },
            footer: FooterStyle {
                size: 9.0,
                offset: 30.0,
                color: Rgb::BLACK,
            },
            body: BodyStyle {
                size: 10.0,
                leading: 1.7,
                paragraph_gap: 0.5,
                color: Rgb::BLACK,
                link_color: Rgb(0, 0, 180),
                kinsoku: Kinsoku::Strict,
                jl_spacing: 0.25,
                line_chars: 0.0,
                line_grid: false,
            },
            headings: HeadingStyle {
                sizes: [20.0, 15.0, 13.0, 11.5, 10.5, 10.0],
                space_above: [0.0, 18.0, 12.0, 10.0, 8.0, 8.0],
                space_below: [14.0, 8.0, 6.0, 4.0, 4.0, 4.0],
                leading: 1.35,
                color: Rgb::BLACK,
                accent: Rgb::BLACK,
            },
            lists: ListStyle {
                indent: 18.0,
                item_gap: 2.0,
                bullets: vec!["•".into()],
            },
            code: CodeStyle {
                size: 8.5,
                leading: 1.45,
                background: Rgb(243, 244, 246),
                border: Rgb(214, 217, 222),
                color: Rgb::BLACK,
                padding: 6.0,
                wrap_marker: "→".into(),
            },
            tables: TableStyle {
                size: 9.0,
                leading: 1.5,
                padding: 4.0,
                border: Rgb(184, 192, 204),
                header_background: Rgb(232, 238, 246),
                stripe_background: Rgb(248, 249, 251),
                min_size: 6.5,
            },
            quote: QuoteStyle {
                bar: Rgb(196, 201, 209),
                indent: 14.0,
                color: Rgb(68, 68, 68),
            },
            admonition: AdmonitionStyles {
                padding: 8.0,
                bar_width: 3.0,
                label_size: 9.0,
                warning: colors,
                note: colors,
                info: colors,
                tip: colors,
                custom: colors,
            },
            figures: FigureStyle {
                max_dpi: 150.0,
                caption: true,
                caption_size: 8.5,
                caption_color: Rgb(85, 85, 85),
                space: 8.0,
            },
            rule: RuleStyle {
                color: Rgb(196, 201, 209),
                width: 0.6,
            },
            toc: TocStyle {
                depth: 3,
                title: "目次".into(),
                size: 10.0,
                indent: 14.0,
                leader: ".".into(),
            },
            cover: CoverStyle {
                title_size: 28.0,
                subtitle_size: 14.0,
                date_size: 11.0,
                accent: Rgb::BLACK,
            },
        }
    }
}

/// A value of `layouts/pdf.toml` out of its range: the key path (e.g.
/// `["headings", "sizes", "2"]`) and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StyleProblem {
    /// The key path of the offending value in the file.
    pub key: Vec<String>,
    /// Lowercase message naming the key and its valid range.
    pub message: String,
}

/// Fewest full-width characters a text line must hold.
const MIN_CHARS_PER_LINE: f32 = 10.0;
/// Fewest body lines a sheet's text area must hold.
const MIN_LINES_PER_SHEET: f32 = 5.0;

impl PdfStyle {
    /// Every number out of its range (NaN and infinities included), and a
    /// text area too small for [`MIN_CHARS_PER_LINE`] characters per line or
    /// [`MIN_LINES_PER_SHEET`] lines per sheet on any paper.
    pub(crate) fn problems(&self) -> Vec<StyleProblem> {
        let mut out = Vec::new();
        let mut check = |key: &str, value: f32, min: f32, max: f32, unit: &str| {
            range_check(&mut out, key, value, (min, max), unit, "");
        };
        let pt = " pt";
        for (key, v) in [
            ("header.size", self.header.size),
            ("footer.size", self.footer.size),
            ("body.size", self.body.size),
            ("code.size", self.code.size),
            ("tables.size", self.tables.size),
            ("tables.min_size", self.tables.min_size),
            ("admonition.label_size", self.admonition.label_size),
            ("figures.caption_size", self.figures.caption_size),
            ("toc.size", self.toc.size),
        ] {
            check(key, v, 4.0, 72.0, pt);
        }
        for (key, v) in [
            ("cover.title_size", self.cover.title_size),
            ("cover.subtitle_size", self.cover.subtitle_size),
            ("cover.date_size", self.cover.date_size),
        ] {
            check(key, v, 4.0, 144.0, pt);
        }
        for (i, v) in self.headings.sizes.iter().enumerate() {
            check(&format!("headings.sizes.{i}"), *v, 4.0, 96.0, pt);
        }
        for (i, (above, below)) in self
            .headings
            .space_above
            .iter()
            .zip(&self.headings.space_below)
            .enumerate()
        {
            check(&format!("headings.space_above.{i}"), *above, 0.0, 144.0, pt);
            check(&format!("headings.space_below.{i}"), *below, 0.0, 144.0, pt);
        }
        for (key, v) in [
            ("body.leading", self.body.leading),
            ("headings.leading", self.headings.leading),
            ("code.leading", self.code.leading),
            ("tables.leading", self.tables.leading),
        ] {
            check(key, v, 0.8, 4.0, " times the size");
        }
        check(
            "body.paragraph_gap",
            self.body.paragraph_gap,
            0.0,
            5.0,
            " lines",
        );
        check("body.jl_spacing", self.body.jl_spacing, 0.0, 1.0, " em");
        check(
            "body.line_chars",
            self.body.line_chars,
            0.0,
            200.0,
            " characters",
        );
        for (key, v) in [
            ("lists.indent", self.lists.indent),
            ("lists.item_gap", self.lists.item_gap),
            ("code.padding", self.code.padding),
            ("tables.padding", self.tables.padding),
            ("quote.indent", self.quote.indent),
            ("admonition.padding", self.admonition.padding),
            ("admonition.bar_width", self.admonition.bar_width),
            ("figures.space", self.figures.space),
            ("toc.indent", self.toc.indent),
        ] {
            check(key, v, 0.0, 72.0, pt);
        }
        check("rule.width", self.rule.width, 0.0, 10.0, pt);
        check(
            "figures.max_dpi",
            self.figures.max_dpi,
            36.0,
            1200.0,
            " dpi",
        );
        check("toc.depth", f32::from(self.toc.depth), 1.0, 6.0, "");
        for paper in [Paper::A4, Paper::Letter, Paper::B5, Paper::A5] {
            let (w, h) = paper.size_pt();
            let written = self.written_margins(paper);
            let m = self.margins(paper);
            let name = paper.name();
            for (side, v, limit) in [
                ("margin_top", written.margin_top, h / 2.0),
                ("margin_bottom", written.margin_bottom, h / 2.0),
                ("margin_left", written.margin_left, w / 2.0),
                ("margin_right", written.margin_right, w / 2.0),
            ] {
                let key = format!("paper.{name}.{side}");
                range_check(&mut out, &key, v, (0.0, limit.floor()), pt, "");
            }
            let on = format!(" on {name} paper");
            let top = (0.0, m.margin_top.max(0.0));
            range_check(&mut out, "header.offset", self.header.offset, top, pt, &on);
            let bottom = (0.0, m.margin_bottom.max(0.0));
            range_check(
                &mut out,
                "footer.offset",
                self.footer.offset,
                bottom,
                pt,
                &on,
            );
            let area_w = w - m.margin_left - m.margin_right;
            let area_h = h - m.margin_top - m.margin_bottom;
            let chars = area_w / self.body.size;
            let lines = area_h / (self.body.size * self.body.leading);
            if self.body.size.is_finite()
                && self.body.leading.is_finite()
                && (chars < MIN_CHARS_PER_LINE || lines < MIN_LINES_PER_SHEET)
            {
                out.push(StyleProblem {
                    key: vec!["paper".into(), name.into()],
                    message: format!(
                        "the {name} text area holds {:.0} characters per line and {:.0} lines per sheet; \
                         at least {MIN_CHARS_PER_LINE} and {MIN_LINES_PER_SHEET} are needed",
                        chars.max(0.0).floor(),
                        lines.max(0.0).floor()
                    ),
                });
            }
        }
        if self.lists.bullets.is_empty() {
            out.push(StyleProblem {
                key: vec!["lists".into(), "bullets".into()],
                message: "`lists.bullets` is empty: give at least one bullet".into(),
            });
        }
        out
    }

    /// The style from the site's `pdf.toml` text merged over the defaults:
    /// a syntax or type error with its byte range when toml gives one.
    pub(crate) fn from_site_text(
        text: &str,
    ) -> Result<PdfStyle, (Option<std::ops::Range<usize>>, String)> {
        let site = text.parse::<toml::Table>().map_err(|err| {
            (
                err.span(),
                format!(
                    "invalid layouts/pdf.toml: {}",
                    crate::diag::library::rewrite(err.message()).inline()
                ),
            )
        })?;
        let mut merged = default_table();
        merge(&mut merged, site);
        PdfStyle::deserialize(toml::Value::Table(merged)).map_err(|err| {
            (
                None,
                format!(
                    "invalid layouts/pdf.toml: {}",
                    crate::diag::library::rewrite(err.message()).inline()
                ),
            )
        })
    }
}

/// Pushes a [`StyleProblem`] when `value` is not a finite number within
/// `range`; `context` (e.g. ` on A4 paper`) follows the range in the message.
fn range_check(
    out: &mut Vec<StyleProblem>,
    key: &str,
    value: f32,
    (min, max): (f32, f32),
    unit: &str,
    context: &str,
) {
    if !(value.is_finite() && (min..=max).contains(&value)) {
        out.push(StyleProblem {
            key: key.split('.').map(str::to_string).collect(),
            message: format!(
                "`{key}` = {value} is out of range: use {min} to {max}{unit}{context}"
            ),
        });
    }
}

/// A diagnostic about the layout file (no source span: it is not content).
fn layout_problem(message: String) -> Diagnostic {
    Diagnostic::file_error(std::path::Path::new("layouts/pdf.toml"), message)
        .with_code(crate::diag::Code::InvalidLayout)
        .with_hint("the embedded defaults are used instead")
}

/// The embedded `pdf.toml` as a TOML table (empty if missing or broken).
fn default_table() -> toml::Table {
    Assets::default_layout("pdf.toml")
        .and_then(|bytes| parse_table(&bytes).ok())
        .unwrap_or_default()
}

/// Parses TOML bytes into a table.
fn parse_table(bytes: &[u8]) -> Result<toml::Table, String> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| "layouts/pdf.toml is not UTF-8".to_string())?;
    text.parse::<toml::Table>().map_err(|err| {
        format!(
            "invalid layouts/pdf.toml: {}",
            crate::diag::library::rewrite(err.message()).inline()
        )
    })
}

/// Overlays `over` onto `base`: tables merge key by key, other values replace.
/// Depth is bounded by the TOML parser's own nesting limit.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(base_table)), toml::Value::Table(over_table)) => {
                merge(base_table, over_table);
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_defaults_parse_completely() {
        let table = default_table();
        let style = PdfStyle::deserialize(toml::Value::Table(table));
        assert!(style.is_ok(), "{style:?}");
        let style = PdfStyle::defaults();
        assert_eq!(style.body.kinsoku, Kinsoku::Strict);
        assert!(style.margins(Paper::A5).margin_left < style.margins(Paper::A4).margin_left);
    }

    #[test]
    fn site_values_override_single_keys() {
        let mut base = default_table();
        let over: toml::Table = "[body]\nsize = 12.0\n".parse().unwrap_or_default();
        merge(&mut base, over);
        let style = PdfStyle::deserialize(toml::Value::Table(base)).ok();
        let style = style.unwrap_or_else(PdfStyle::fallback);
        assert_eq!(style.body.size, 12.0);
        assert_eq!(style.body.leading, PdfStyle::defaults().body.leading);
    }

    #[test]
    fn defaults_have_no_problems_and_bad_numbers_are_found() {
        assert_eq!(PdfStyle::defaults().problems(), Vec::new());
        let bad = |text: &str| {
            PdfStyle::from_site_text(text)
                .map(|s| {
                    s.problems()
                        .into_iter()
                        .map(|p| p.key.join("."))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_else(|(_, m)| vec![m])
        };
        assert_eq!(
            bad("[body]\nsize = 1e30\n"),
            vec![
                "body.size",
                "paper.A4",
                "paper.Letter",
                "paper.B5",
                "paper.A5"
            ]
        );
        assert_eq!(bad("[body]\nleading = nan\n"), vec!["body.leading"]);
        assert_eq!(bad("[lists]\nindent = 1e9\n"), vec!["lists.indent"]);
        assert_eq!(bad("[figures]\nmax_dpi = 0.0\n"), vec!["figures.max_dpi"]);
        assert_eq!(
            bad("[headings]\nsizes = [20.0, 15.0, -1.0, 11.5, 10.5, 10.0]\n"),
            vec!["headings.sizes.2"]
        );
        assert_eq!(
            bad("[paper.A5]\nmargin_left = 200.0\nmargin_right = 200.0\n"),
            vec!["paper.A5"]
        );
    }

    #[test]
    fn colours_parse() {
        assert_eq!(Rgb::parse("#0b5cad"), Some(Rgb(0x0b, 0x5c, 0xad)));
        assert_eq!(Rgb::parse("0b5cad"), None);
        assert_eq!(Rgb::parse("#0b5ca"), None);
        assert_eq!(Rgb::parse("#ééé"), None);
    }
}
