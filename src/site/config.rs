//! `tebiki.toml`: the site configuration.
//!
//! Input: the text of `tebiki.toml` (and of optional Hugo config files named
//! by regions). Output: a validated [`Config`] and, per region, its
//! [`RegionSettings`]: merged variables, the book settings the region
//! overrides (`[regions.<R>.book]`, or `baseURL`/`uglyURLs` of its Hugo
//! config) and its Markdown dialect ([`MarkdownOptions`] from the Hugo
//! config's `markup.goldmark`); or diagnostics with the offending key's
//! position. The Hugo config is read once, through the confined reader.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::MarkdownOptions;
use crate::diag::{Diagnostic, Diagnostics, Location, Severity, SourceId, Span};
use crate::model::Paper;

/// The whole `tebiki.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[book]`: book-wide settings.
    pub book: BookConfig,
    /// `[params]`: variables for every region.
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
    /// `[regions.<CODE>]`: one table per region.
    #[serde(default)]
    pub regions: BTreeMap<String, RegionConfig>,
    /// `[shortcodes.<NAME>]`: a site's own shortcodes mapped onto built-in kinds.
    #[serde(default)]
    pub shortcodes: BTreeMap<String, ShortcodeMapping>,
    /// `[fonts]`: the fonts of every region (see `site::fonts`).
    #[serde(default)]
    pub fonts: super::fonts::FontsTable,
}

/// `[book]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookConfig {
    /// Book title (required); may contain variable shortcodes.
    pub title: String,
    /// Author, if any.
    #[serde(default)]
    pub author: Option<String>,
    /// BCP 47 language tag (default `ja`).
    #[serde(default = "default_language")]
    pub language: String,
    /// Online help root; links to pages outside the book point here.
    #[serde(default)]
    pub base_url: String,
    /// Output file stem (default `manual`).
    #[serde(default = "default_output")]
    pub output: String,
    /// Content folder relative to the site root (default `content`).
    #[serde(default = "default_content_dir")]
    pub content_dir: String,
    /// Static folder relative to the site root (default `static`).
    #[serde(default = "default_static_dir")]
    pub static_dir: String,
    /// URL prefix of the published site (default `/`).
    #[serde(default = "default_url_prefix")]
    pub url_prefix: String,
    /// Hugo's `uglyURLs`: pages are published as `a/b.html` (true) or as
    /// `a/b/` (false, Hugo's default). When absent, a region's Hugo config
    /// decides, else `false`.
    #[serde(default)]
    pub ugly_urls: Option<bool>,
    /// IANA time zone of the cover's date (`Asia/Tokyo`); default from the
    /// language (`ja` → `Asia/Tokyo`).
    #[serde(default)]
    pub timezone: Option<String>,
}

/// `[regions.<CODE>.book]`: book settings one region overrides.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionBook {
    /// Book title of this region (may contain variable shortcodes).
    #[serde(default)]
    pub title: Option<String>,
    /// Author of this region's book.
    #[serde(default)]
    pub author: Option<String>,
    /// Language tag of this region's book.
    #[serde(default)]
    pub language: Option<String>,
    /// Online help root of this region (its own host).
    #[serde(default)]
    pub base_url: Option<String>,
    /// Output file stem of this region.
    #[serde(default)]
    pub output: Option<String>,
    /// IANA time zone of this region's cover date.
    #[serde(default)]
    pub timezone: Option<String>,
}

/// `[regions.<CODE>]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionConfig {
    /// Paper size of the PDF (default A4).
    #[serde(default = "default_paper")]
    pub paper: Paper,
    /// Variables overriding `[params]` for this region.
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
    /// A Hugo config file (relative to the site root) whose `[params]` also
    /// become variables.
    #[serde(default)]
    pub hugo_config: Option<String>,
    /// With `hugo_config`: also take `[Languages.<lang>]` params.
    #[serde(default)]
    pub hugo_language: Option<String>,
    /// `[regions.<CODE>.book]`: this region's own title, base URL…
    #[serde(default)]
    pub book: RegionBook,
    /// `[regions.<CODE>.fonts]`: this region's fonts, key by key over `[fonts]`.
    #[serde(default)]
    pub fonts: super::fonts::FontsTable,
}

/// `[shortcodes.<NAME>]`: what a site shortcode becomes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShortcodeMapping {
    /// The built-in kind it maps onto.
    pub kind: MappingKind,
    /// Label (box label, heading text, link text, or the text itself): a
    /// template in which `{name}` is a named argument, `{0}` a positional
    /// one, `{name|text}` gives `text` when the argument is absent or empty,
    /// and `{{`/`}}` are literal braces.
    #[serde(default)]
    pub label: String,
    /// `link`: the URL template (default: the `href=` or `url=` argument, or
    /// the first positional one). `include`: the path template (default
    /// `{0}`, else `{path}`/`{file}`).
    #[serde(default)]
    pub url: Option<String>,
    /// Which Hugo shortcode model it follows (`admonition` and `heading`;
    /// default `v1`).
    #[serde(default)]
    pub model: Option<ShortcodeModel>,
}

/// Hugo's two shortcode models (see the README, "Coming from Hugo").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ShortcodeModel {
    /// `v1` (a template with `$_hugo_config := {"version": 1}`, and every
    /// `{{< >}}`): the shortcode is one unit where its tag stands; its inner
    /// content is rendered as its own Markdown document. A box under a list
    /// item stays in the item.
    #[serde(rename = "v1")]
    V1,
    /// `v2` (Hugo's default for `{{% %}}`): the shortcode's output is pasted
    /// into the page's Markdown; the inner content is parsed with the page
    /// (a box's content, a heading's raw text).
    #[serde(rename = "v2")]
    V2,
}

/// Built-in kinds a site shortcode can map onto.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MappingKind {
    /// A boxed note with the label; paired, inner content is Markdown.
    Admonition,
    /// A heading with the label (single), or the inner content (paired).
    Heading,
    /// The label as text.
    Text,
    /// A link to the first argument (or `href`/`url`), with the label or the
    /// inner content as its text.
    Link,
    /// Removed, with its inner content.
    Drop,
    /// Another content file, placed where the tag stands (its path is the
    /// first argument, relative to the page or to the content folder).
    Include,
}

fn default_language() -> String {
    "ja".into()
}
fn default_output() -> String {
    "manual".into()
}
fn default_content_dir() -> String {
    "content".into()
}
fn default_static_dir() -> String {
    "static".into()
}
fn default_url_prefix() -> String {
    "/".into()
}
fn default_paper() -> Paper {
    Paper::A4
}

/// A region ready for a build: its code, paper, merged variables and book
/// settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionSettings {
    /// Region code as written in `[regions.<CODE>]`.
    pub code: String,
    /// Paper size.
    pub paper: Paper,
    /// Every variable: `[params]`, then the Hugo config, then the region's params.
    pub vars: BTreeMap<String, String>,
    /// Book title (before variables are expanded): `[regions.<R>.book]`
    /// `title`, else `[book]`.
    pub title: String,
    /// Author: the region's, else the book's.
    pub author: Option<String>,
    /// Language tag: the region's, else the book's.
    pub language: String,
    /// Online help root, no trailing slash: `[regions.<R>.book]`
    /// `base_url`, else the origin of the Hugo config's `baseURL`, else
    /// `[book]` `base_url`.
    pub base_url: String,
    /// Output file stem: the region's, else the book's.
    pub output: String,
    /// Hugo's `uglyURLs` for this region: `[book]` `ugly_urls`, else the
    /// Hugo config's `uglyURLs`, else `false` (Hugo's default).
    pub ugly_urls: bool,
    /// The Markdown dialect: Hugo's defaults, or the `markup.goldmark`
    /// settings of the region's Hugo config.
    pub markdown: MarkdownOptions,
    /// IANA time zone of the cover's date: the region's `timezone`, else
    /// `[book]`'s, else the language's ([`super::timezone::default_for_language`]).
    pub timezone: String,
    /// The region's fonts: `[regions.<R>.fonts]` over `[fonts]`.
    pub fonts: crate::model::FontChoice,
}

/// Parses `tebiki.toml`. Errors (syntax, unknown keys, wrong types) are
/// pushed with the position toml reports.
pub(crate) fn parse_config(
    text: &str,
    source: SourceId,
    diags: &mut Diagnostics,
) -> Option<Config> {
    match toml::from_str::<Config>(text) {
        Ok(mut config) => {
            normalize(&mut config);
            validate(&config, source, text, diags).then_some(config)
        }
        Err(err) => {
            let span = err.span().map_or(Span::point(source, 0), |r| {
                Span::new(source, r.start, r.end)
            });
            let rewritten = crate::diag::library::rewrite(err.message());
            let code = if rewritten.message.starts_with("unknown key") {
                crate::diag::Code::ConfigUnknownKey
            } else {
                crate::diag::Code::ConfigInvalid
            };
            diags.push(
                Diagnostic::error(span, rewritten.message)
                    .with_code(code)
                    .with_hints(rewritten.hints),
            );
            None
        }
    }
}

/// Makes `url_prefix` start and end with `/` and strips a trailing `/` from `base_url`.
fn normalize(config: &mut Config) {
    let prefix = config.book.url_prefix.trim_matches('/');
    config.book.url_prefix = if prefix.is_empty() {
        "/".into()
    } else {
        format!("/{prefix}/")
    };
    let base = base_url_root(&config.book.base_url, &config.book.url_prefix);
    config.book.base_url = base;
    for region in config.regions.values_mut() {
        if let Some(b) = &region.book.base_url {
            region.book.base_url = Some(base_url_root(b, &config.book.url_prefix));
        }
    }
}

/// A base URL as tebiki uses it: no trailing `/`, and without the
/// `url_prefix` path when it was written with it (`https://h/general/ja/`
/// with prefix `/general/ja/` → `https://h`), since links append the whole
/// site path.
fn base_url_root(base: &str, url_prefix: &str) -> String {
    let base = base.trim().trim_end_matches('/');
    let prefix = url_prefix.trim_end_matches('/');
    if !prefix.is_empty()
        && let Ok(parsed) = url::Url::parse(base)
        && parsed.path().trim_end_matches('/') == prefix
    {
        return base[..base.len() - prefix.len()].to_string();
    }
    base.to_string()
}

/// Whether a base URL is an absolute `http`/`https` URL with a host.
fn valid_base_url(base: &str) -> bool {
    url::Url::parse(base)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

/// The longest output stem or region code, in bytes: with the other parts
/// of `{output}-{code}.epub`, a file name stays within the usual 255-byte limit
/// when either is at its longest and the other is short.
const MAX_NAME_BYTES: usize = 200;

/// Checks what serde cannot: at least one region, sane region codes, an
/// output stem usable as a file name.
fn validate(config: &Config, source: SourceId, text: &str, diags: &mut Diagnostics) -> bool {
    let mut ok = true;
    let at = |needle: &str| {
        text.find(needle).map_or(Span::point(source, 0), |i| {
            Span::new(source, i, i + needle.len())
        })
    };
    if config.regions.is_empty() {
        diags.push(
            Diagnostic::error(at("[book]"), "no region defined")
                .with_code(crate::diag::Code::NoRegion)
                .with_hint("add a table such as [regions.JP] with paper = \"A4\""),
        );
        ok = false;
    }
    for code in config.regions.keys() {
        if code.is_empty()
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            diags.push(
                Diagnostic::error(
                    at(&format!("[regions.{code}")),
                    format!("region code `{code}` must be ASCII letters, digits, `-` or `_`"),
                )
                .with_code(crate::diag::Code::InvalidRegionCode),
            );
            ok = false;
        }
    }
    for code in config.regions.keys() {
        if code.len() > MAX_NAME_BYTES {
            diags.push(
                Diagnostic::error(
                    at(&format!("[regions.{code}")),
                    format!("region code is longer than {MAX_NAME_BYTES} bytes"),
                )
                .with_code(crate::diag::Code::InvalidRegionCode),
            );
            ok = false;
        }
    }
    let outputs = std::iter::once((&config.book.output, vec!["book", "output"])).chain(
        config.regions.iter().filter_map(|(code, r)| {
            let keys = vec!["regions", code.as_str(), "book", "output"];
            r.book.output.as_ref().map(|o| (o, keys))
        }),
    );
    for (output, keys) in outputs {
        let output_at = value_span(text, &keys)
            .map_or_else(|| at("output"), |r| Span::new(source, r.start, r.end));
        if output.is_empty()
            || output.contains(['/', '\\'])
            || output.starts_with('.')
            || output.chars().any(char::is_control)
        {
            diags.push(
                Diagnostic::error(
                    output_at,
                    format!(
                        "output stem `{}` is not a plain file name",
                        output.escape_debug()
                    ),
                )
                .with_code(crate::diag::Code::InvalidOutputStem)
                .with_hint("use letters, digits, `-` or `_`; no path separator, newline or NUL"),
            );
            ok = false;
        } else if output.len() > MAX_NAME_BYTES {
            diags.push(
                Diagnostic::error(
                    output_at,
                    format!("output stem is longer than {MAX_NAME_BYTES} bytes"),
                )
                .with_code(crate::diag::Code::InvalidOutputStem),
            );
            ok = false;
        }
    }
    let zones = std::iter::once((&config.book.timezone, vec!["book", "timezone"])).chain(
        config.regions.iter().map(|(code, r)| {
            let keys = vec!["regions", code.as_str(), "book", "timezone"];
            (&r.book.timezone, keys)
        }),
    );
    for (zone, keys) in zones {
        let Some(zone) = zone else { continue };
        if !super::timezone::is_known(zone) {
            let zone_at = value_span(text, &keys)
                .map_or_else(|| at("timezone"), |r| Span::new(source, r.start, r.end));
            diags.push(
                Diagnostic::error(zone_at, format!("unknown time zone `{zone}`"))
                    .with_code(crate::diag::Code::InvalidTimezone)
                    .with_hint("use an IANA name such as Asia/Tokyo, America/New_York or UTC"),
            );
            ok = false;
        }
    }
    let bases = std::iter::once(&config.book.base_url).chain(
        config
            .regions
            .values()
            .filter_map(|r| r.book.base_url.as_ref()),
    );
    for base in bases {
        if !base.is_empty() && !valid_base_url(base) {
            diags.push(
                Diagnostic::error(
                    at(base),
                    format!("base_url `{base}` is not an absolute http(s) URL"),
                )
                .with_code(crate::diag::Code::InvalidBaseUrl)
                .with_hint("write it as https://host, e.g. https://jp.cybozu.help"),
            );
            ok = false;
        }
    }
    ok
}

/// The byte range of the value at `keys` in the TOML `text` (a key path
/// such as `["book", "content_dir"]`; an array element by its index, e.g.
/// `["headings", "sizes", "2"]`), or `None` when the text does not set it.
pub(crate) fn value_span(text: &str, keys: &[&str]) -> Option<std::ops::Range<usize>> {
    use toml::de::{DeTable, DeValue};
    fn entry<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a toml::Spanned<DeValue<'i>>> {
        table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }
    let doc = DeTable::parse(text).ok()?;
    let mut found: Option<&toml::Spanned<DeValue<'_>>> = None;
    for key in keys {
        let next = match found.map(toml::Spanned::get_ref) {
            None => entry(doc.get_ref(), key),
            Some(DeValue::Table(t)) => entry(t, key),
            Some(DeValue::Array(a)) => key.parse::<usize>().ok().and_then(|n| a.get(n)),
            Some(_) => None,
        }?;
        found = Some(next);
    }
    found.map(toml::Spanned::span)
}

/// A TOML value as variable text (strings as is, others formatted).
fn value_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Merges variables for every region: `[params]`, then the region's Hugo
/// config (read relative to `root`), then the region's own params.
#[cfg(test)]
pub(crate) fn region_settings(
    config: &Config,
    root: &Path,
    diags: &mut Diagnostics,
) -> Vec<RegionSettings> {
    region_settings_in(config, root, None, diags)
}

/// [`region_settings`] with `tebiki.toml`'s id and text, so a `hugo_config`
/// that cannot be read is reported at the line that names it.
pub(crate) fn region_settings_in(
    config: &Config,
    root: &Path,
    source: Option<(SourceId, &str)>,
    diags: &mut Diagnostics,
) -> Vec<RegionSettings> {
    let root_canon = super::confine::canonical_root(root);
    config
        .regions
        .iter()
        .map(|(code, region)| {
            let mut vars: BTreeMap<String, String> = config
                .params
                .iter()
                .map(|(k, v)| (k.clone(), value_text(v)))
                .collect();
            // `hugo_config`/`hugo_language` may sit in the region table or,
            // as in the documented example, under its `params`.
            let from_params = |key: &str| region.params.get(key).and_then(toml::Value::as_str);
            let hugo_config = region
                .hugo_config
                .as_deref()
                .or_else(|| from_params("hugo_config"));
            let hugo_language = region
                .hugo_language
                .as_deref()
                .or_else(|| from_params("hugo_language"));
            let mut markdown = MarkdownOptions::default();
            let mut hugo = HugoSettings::default();
            if let Some(file) = hugo_config {
                let at = source.and_then(|(id, text)| {
                    let in_table = ["regions", code.as_str(), "hugo_config"];
                    let in_params = ["regions", code.as_str(), "params", "hugo_config"];
                    value_span(text, &in_table)
                        .or_else(|| value_span(text, &in_params))
                        .map(|r| Span::new(id, r.start, r.end))
                });
                let named = NamedFile {
                    root,
                    root_canon: &root_canon,
                    file,
                    at,
                };
                hugo = hugo_params(&named, hugo_language, &mut vars, &mut markdown, diags);
            }
            vars.extend(
                region
                    .params
                    .iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "hugo_config" | "hugo_language"))
                    .map(|(k, v)| (k.clone(), value_text(v))),
            );
            let book = &config.book;
            let base_url = region
                .book
                .base_url
                .clone()
                .or_else(|| {
                    hugo.base_url
                        .as_deref()
                        .and_then(|b| url::Url::parse(b).ok())
                        .filter(|u| matches!(u.scheme(), "http" | "https"))
                        .map(|u| u.origin().ascii_serialization())
                })
                .unwrap_or_else(|| book.base_url.clone());
            let language = region
                .book
                .language
                .clone()
                .unwrap_or_else(|| book.language.clone());
            let timezone = region
                .book
                .timezone
                .clone()
                .or_else(|| book.timezone.clone())
                .unwrap_or_else(|| super::timezone::default_for_language(&language).to_string());
            RegionSettings {
                timezone,
                code: code.clone(),
                paper: region.paper,
                vars,
                title: region
                    .book
                    .title
                    .clone()
                    .unwrap_or_else(|| book.title.clone()),
                author: region.book.author.clone().or_else(|| book.author.clone()),
                language,
                base_url,
                output: region
                    .book
                    .output
                    .clone()
                    .unwrap_or_else(|| book.output.clone()),
                ugly_urls: book.ugly_urls.or(hugo.ugly_urls).unwrap_or(false),
                markdown,
                fonts: super::fonts::region_fonts(&config.fonts, &region.fonts),
            }
        })
        .collect()
}

/// Site settings read from a region's Hugo config besides its params.
#[derive(Debug, Clone, Default, PartialEq)]
struct HugoSettings {
    /// `baseURL`.
    base_url: Option<String>,
    /// `uglyURLs`.
    ugly_urls: Option<bool>,
}

/// A file named by `tebiki.toml`: the name as written, the site root (as
/// given and canonical) and the span of the value that names it.
struct NamedFile<'a> {
    root: &'a Path,
    root_canon: &'a Path,
    file: &'a str,
    at: Option<Span>,
}

/// Reads `[params]` (and `[Languages.<lang>]` / its `params`) and the
/// `markup.goldmark` settings of a Hugo TOML config, confined to the site and
/// capped like any configuration file, and returns its `baseURL` and
/// `uglyURLs` (Hugo's keys are case-insensitive).
fn hugo_params(
    named: &NamedFile<'_>,
    language: Option<&str>,
    vars: &mut BTreeMap<String, String>,
    markdown: &mut MarkdownOptions,
    diags: &mut Diagnostics,
) -> HugoSettings {
    let path = named.root.join(named.file);
    let read =
        super::confine::read_confined(named.root_canon, &path, super::confine::FileKind::Config);
    let text = match read.map(|(_, bytes)| String::from_utf8(bytes)) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            diags.push(
                Diagnostic::new(
                    Severity::Error,
                    Location::File(super::display_path(&path), None),
                    "hugo config is not valid UTF-8",
                )
                .with_code(crate::diag::Code::NotUtf8),
            );
            return HugoSettings::default();
        }
        Err(e) => {
            let location = named.at.map_or_else(
                || Location::File(super::display_path(&path), None),
                Location::Span,
            );
            let what = format!("hugo config `{}`", named.file);
            diags.push(super::confine::diagnostic(location, &what, &e));
            return HugoSettings::default();
        }
    };
    let table = match text.parse::<toml::Table>() {
        Ok(t) => t,
        Err(e) => {
            let line = e
                .span()
                .map(|r| text[..r.start.min(text.len())].matches('\n').count() + 1);
            diags.push(
                Diagnostic::new(
                    Severity::Error,
                    Location::File(super::display_path(&path), line),
                    crate::diag::library::rewrite(e.message()).message,
                )
                .with_code(crate::diag::Code::HugoConfig),
            );
            return HugoSettings::default();
        }
    };
    let key = |name: &str| {
        table
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    };
    let settings = HugoSettings {
        base_url: key("baseURL")
            .and_then(toml::Value::as_str)
            .map(str::to_string),
        ugly_urls: key("uglyURLs").and_then(toml::Value::as_bool),
    };
    let mut take = |t: Option<&toml::Value>| {
        if let Some(toml::Value::Table(t)) = t {
            for (k, v) in t {
                if !v.is_table() {
                    vars.insert(k.clone(), value_text(v));
                }
            }
        }
    };
    let (options, problems) = MarkdownOptions::from_hugo_config(&table);
    *markdown = options;
    for problem in problems {
        diags.push(
            Diagnostic::new(
                Severity::Warning,
                Location::File(path.clone(), None),
                problem,
            )
            .with_code(crate::diag::Code::HugoConfig),
        );
    }
    take(key("params"));
    if let Some(lang) = language {
        let languages = table
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("languages"))
            .and_then(|(_, v)| v.as_table());
        let entry = languages.and_then(|l| l.get(lang));
        take(entry);
        take(entry.and_then(|e| e.get("params")));
    }
    settings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Sources;

    fn parse(text: &str) -> (Option<Config>, Vec<String>) {
        let mut sources = Sources::new();
        let id = sources.add("tebiki.toml".into(), text.into());
        let mut diags = Diagnostics::new();
        let config = parse_config(text, id, &mut diags);
        let file = sources.get(id).expect("added");
        let msgs = diags
            .items()
            .iter()
            .map(|d| match &d.location {
                Location::Span(s) => {
                    let (l, c) = file.line_col(s.start);
                    format!("{l}:{c}: {}", d.message)
                }
                _ => d.message.clone(),
            })
            .collect();
        (config, msgs)
    }

    #[test]
    fn parses_the_documented_schema() {
        let (config, msgs) = parse(
            "[book]\ntitle = \"T\"\nurl_prefix = \"general/ja\"\nbase_url = \"https://x/\"\n\
             [params]\nservice = \"cybozu.com\"\nn = 3\n\
             [regions.JP]\npaper = \"Letter\"\n[regions.JP.params]\nCorpName = \"サイボウズ\"\n\
             [shortcodes.seealso]\nkind = \"admonition\"\nlabel = \"関連ページ\"\n",
        );
        assert!(msgs.is_empty(), "{msgs:?}");
        let config = config.expect("valid");
        assert_eq!(config.book.url_prefix, "/general/ja/");
        assert_eq!(config.book.base_url, "https://x");
        assert_eq!(config.book.output, "manual");
        let mut diags = Diagnostics::new();
        let regions = region_settings(&config, Path::new("."), &mut diags);
        assert_eq!(regions[0].paper, Paper::Letter);
        assert_eq!(regions[0].vars["service"], "cybozu.com");
        assert_eq!(regions[0].vars["n"], "3");
        assert_eq!(regions[0].vars["CorpName"], "サイボウズ");
        assert_eq!(config.shortcodes["seealso"].kind, MappingKind::Admonition);
    }

    #[test]
    fn hugo_config_params_are_merged_under_region_params() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::write(
            dir.path().join("config_jp.toml"),
            "[params]\nservice = \"hugo\"\nCorpName = \"hugo corp\"\n[Languages.ja.params]\nstore = \"ストア\"\n",
        )?;
        let (config, msgs) = parse(
            "[book]\ntitle = \"T\"\n[params]\nservice = \"base\"\nother = \"o\"\n[regions.JP]\n\
             [regions.JP.params]\nCorpName = \"region\"\nhugo_config = \"config_jp.toml\"\nhugo_language = \"ja\"\n",
        );
        assert!(msgs.is_empty(), "{msgs:?}");
        let mut diags = Diagnostics::new();
        let regions = region_settings(&config.expect("valid"), dir.path(), &mut diags);
        assert!(diags.items().is_empty());
        let vars = &regions[0].vars;
        assert_eq!(vars["service"], "hugo");
        assert_eq!(vars["other"], "o");
        assert_eq!(vars["CorpName"], "region");
        assert_eq!(vars["store"], "ストア");
        assert!(!vars.contains_key("hugo_config"));
        Ok(())
    }

    #[test]
    fn unknown_key_names_its_position() {
        let (config, msgs) = parse("[book]\ntitle = \"T\"\ntitel = \"x\"\n[regions.JP]\n");
        assert!(config.is_none());
        assert_eq!(msgs.len(), 1);
        assert!(msgs[0].starts_with("3:1: unknown key `titel`"), "{msgs:?}");
    }

    #[test]
    fn missing_region_is_an_error() {
        let (config, msgs) = parse("[book]\ntitle = \"T\"\n");
        assert!(config.is_none());
        assert_eq!(msgs, vec!["1:1: no region defined".to_string()]);
    }
}
