//! Front matter of a content file.
//!
//! Input: a content file's full text. Output: the [`FrontMatter`] fields
//! tebiki uses (YAML between `---` lines or TOML between `+++` lines: title,
//! weight, regions, draft, Hugo's `url`/`slug`/`aliases`, `headless`,
//! `_build`/`build`, `cascade` and the page's own scalar params) and the byte
//! offset where the Markdown body starts; or a diagnostic with the position
//! of the problem. Cascaded values are applied later, over the content tree
//! (`site::cascade`).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diag::{Diagnostic, SourceId, Span};

/// The front-matter fields tebiki uses; other keys are ignored like Hugo's
/// templates would.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FrontMatter {
    /// `title`, as written (shortcodes not yet expanded).
    pub title: Option<String>,
    /// Byte offset of the title's text in the file, when it can be located.
    pub title_offset: Option<usize>,
    /// `weight` (0 when absent, which Hugo sorts last).
    pub weight: i64,
    /// `draft: true` pages are skipped (own value, or cascaded once the
    /// site is loaded).
    pub draft: bool,
    /// `enabled: [JP, US]`: only these regions include the page.
    pub enabled: Option<Vec<String>>,
    /// `disabled: [CN]`: these regions exclude the page.
    pub disabled: Option<Vec<String>>,
    /// Span of the front matter block (for page-level diagnostics).
    pub span: Option<Span>,
    /// `headless: true` (a leaf bundle that is no page, only content to include).
    pub headless: bool,
    /// `_build: {render: never | false | link}` (or the newer `build:` key):
    /// Hugo writes no page for it; own value, or cascaded once the site is
    /// loaded.
    pub no_render: bool,
    /// `url`: the page's own URL, relative to the site root (`url_prefix`).
    pub url: Option<String>,
    /// `slug`: replaces the file (or bundle folder) name in the page's URL.
    pub slug: Option<String>,
    /// `aliases`: further URLs that reach the page (Hugo writes redirects).
    pub aliases: Vec<String>,
    /// The page's own scalar front-matter keys that tebiki does not use
    /// itself (Hugo's page params), as text; cascaded params are added once
    /// the site is loaded.
    pub params: BTreeMap<String, String>,
    /// `cascade:` values for this page and every page below it.
    pub cascade: Option<Cascade>,
    /// Span of each top-level key's line (`disabled`, `cascade`…), for
    /// messages that point at the line that decides something.
    pub key_spans: BTreeMap<String, Span>,
    /// Which keys the page sets itself (its own value wins over a cascade).
    pub(crate) own: OwnKeys,
    /// The front matter could not be read (the error is reported): the page
    /// still exists for link checking, so links to it are not reported as
    /// broken too, but no region builds it.
    pub broken: bool,
}

/// Keys a page sets in its own front matter, so a cascaded value does not
/// override them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct OwnKeys {
    /// `draft` is written.
    pub draft: bool,
    /// `_build`/`build` with `render` is written.
    pub render: bool,
}

/// Hugo's `cascade:` front matter: values a section hands to itself and to
/// every page below it (sections and plain folders alike).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cascade {
    /// Cascaded `enabled`.
    pub enabled: Option<Vec<String>>,
    /// Cascaded `disabled`.
    pub disabled: Option<Vec<String>>,
    /// Cascaded `draft`.
    pub draft: Option<bool>,
    /// Cascaded `_build.render` (`true` when the pages are not rendered).
    pub no_render: Option<bool>,
    /// Cascaded scalar params.
    pub params: BTreeMap<String, String>,
}

/// Raw deserialized fields (both YAML and TOML).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawFrontMatter {
    title: Option<String>,
    weight: Option<i64>,
    draft: Option<bool>,
    enabled: Option<RegionList>,
    disabled: Option<RegionList>,
    headless: Option<bool>,
    #[serde(rename = "_build")]
    underscore_build: Option<RawBuild>,
    build: Option<RawBuild>,
    url: Option<String>,
    slug: Option<String>,
    aliases: Option<RegionList>,
    cascade: Option<RawCascadeList>,
}

/// `_build:` / `build:` (only `render` matters to a book).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawBuild {
    render: Option<RenderValue>,
}

/// `render: always | never | link` or the older `true | false`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RenderValue {
    Bool(bool),
    Word(String),
}

impl RawBuild {
    /// `Some(true)` when Hugo writes no page (`never`, `false`, `link`).
    fn no_render(&self) -> Option<bool> {
        self.render.as_ref().map(|r| match r {
            RenderValue::Bool(b) => !b,
            RenderValue::Word(w) => {
                matches!(w.to_ascii_lowercase().as_str(), "never" | "false" | "link")
            }
        })
    }
}

/// `cascade:` as one table or as a list of tables (entries with `_target`
/// are ignored: tebiki applies a cascade to the whole subtree). Read by a
/// visitor rather than an untagged enum, which would buffer the tables and
/// then fail on YAML numbers nested in them (`params: {n: 2}`).
#[derive(Debug)]
enum RawCascadeList {
    One(RawCascade),
    Many(Vec<RawCascade>),
}

impl<'de> Deserialize<'de> for RawCascadeList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawCascadeList;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a table or a list of tables")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                RawCascade::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawCascadeList::One)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<Self::Value, A::Error> {
                Vec::<RawCascade>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
                    .map(RawCascadeList::Many)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// One `cascade:` table.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawCascade {
    enabled: Option<RegionList>,
    disabled: Option<RegionList>,
    draft: Option<bool>,
    #[serde(rename = "_build")]
    underscore_build: Option<RawBuild>,
    build: Option<RawBuild>,
    #[serde(rename = "_target")]
    target: Option<serde::de::IgnoredAny>,
}

/// A front-matter value read only to collect scalar params.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Other(serde::de::IgnoredAny),
}

/// Keys tebiki reads itself, which are not page params.
const KNOWN_KEYS: &[&str] = &[
    "title", "weight", "draft", "enabled", "disabled", "headless", "_build", "build", "url",
    "slug", "aliases", "cascade",
];

/// A region list written as a sequence or as one string (`JP US` or `JP, US`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RegionList {
    Many(Vec<String>),
    One(String),
}

impl RegionList {
    fn into_vec(self) -> Vec<String> {
        match self {
            RegionList::Many(v) => v,
            RegionList::One(s) => s
                .split([',', ' '])
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }
}

/// Which syntax a front matter block uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Yaml,
    Toml,
}

/// Splits and parses the front matter of `text`. Returns the fields and the
/// byte offset of the body. A file without front matter has default fields
/// and its body at 0.
pub(crate) fn parse_front_matter(
    text: &str,
    source: SourceId,
) -> Result<(FrontMatter, usize), Diagnostic> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let (syntax, fence) = if rest.starts_with("---") {
        (Syntax::Yaml, "---")
    } else if rest.starts_with("+++") {
        (Syntax::Toml, "+++")
    } else {
        return Ok((FrontMatter::default(), 0));
    };
    let first_line_end = line_end(text, bom);
    if !text[bom + 3..first_line_end].trim().is_empty() {
        // `---foo` is not a front matter fence: treat the file as plain Markdown.
        return Ok((FrontMatter::default(), 0));
    }
    let inner_start = next_line(text, first_line_end);
    let mut pos = inner_start;
    let close = loop {
        if pos >= text.len() {
            return Err(Diagnostic::error(
                Span::new(source, bom, bom + 3),
                format!("front matter opened with `{fence}` is never closed"),
            )
            .with_code(crate::diag::Code::UnclosedFrontMatter)
            .with_hint(format!("end the front matter with a line `{fence}`")));
        }
        let end = line_end(text, pos);
        if text[pos..end].trim_end() == fence {
            break (pos, end);
        }
        pos = next_line(text, end);
    };
    let inner = &text[inner_start..close.0];
    let body_start = next_line(text, close.1);
    let raw: RawFrontMatter = match syntax {
        Syntax::Yaml => parse_yaml(inner, inner_start, source)?,
        Syntax::Toml => parse_toml(inner, inner_start, source)?,
    };
    let title_offset = raw
        .title
        .as_deref()
        .and_then(|t| locate_title(inner, t))
        .map(|o| o + inner_start);
    let generic: BTreeMap<String, Scalar> = parse_generic(inner, syntax);
    let nested: NestedParams = parse_generic(inner, syntax);
    let in_cascade: NestedCascade = parse_generic(inner, syntax);
    let in_cascade_params: NestedCascadeParams = parse_generic(inner, syntax);
    let render = raw
        .underscore_build
        .as_ref()
        .and_then(RawBuild::no_render)
        .or_else(|| raw.build.as_ref().and_then(RawBuild::no_render));
    let cascade = raw.cascade.map(|c| {
        let params = scalar_params(&in_cascade.cascade, &in_cascade_params.cascade.params);
        into_cascade(c, params)
    });
    let front = FrontMatter {
        title: raw.title,
        title_offset,
        weight: raw.weight.unwrap_or(0),
        draft: raw.draft.unwrap_or(false),
        enabled: raw.enabled.map(RegionList::into_vec),
        disabled: raw.disabled.map(RegionList::into_vec),
        span: Some(Span::new(source, bom, close.1)),
        headless: raw.headless.unwrap_or(false),
        no_render: render.unwrap_or(false),
        url: raw.url.filter(|u| !u.trim().is_empty()),
        slug: raw.slug.filter(|s| !s.trim().is_empty()),
        aliases: raw.aliases.map(RegionList::into_vec).unwrap_or_default(),
        params: scalar_params(&generic, &nested.params),
        cascade,
        key_spans: key_spans(inner, inner_start, source),
        own: OwnKeys {
            draft: raw.draft.is_some(),
            render: render.is_some(),
        },
        broken: false,
    };
    Ok((front, body_start))
}

/// The scalar entries of a table that are not keys tebiki reads itself.
fn scalar_params(
    table: &BTreeMap<String, Scalar>,
    params_table: &BTreeMap<String, Scalar>,
) -> BTreeMap<String, String> {
    let mut params: BTreeMap<String, String> = table
        .iter()
        .filter(|(k, _)| !KNOWN_KEYS.contains(&k.as_str()) && k.as_str() != "params")
        .filter_map(|(k, v)| Some((k.clone(), v.text()?)))
        .collect();
    // Hugo's newer `params:` table: its scalars count as page params unless
    // the top level sets the same key.
    for (k, v) in params_table {
        if let Some(t) = v.text() {
            params.entry(k.clone()).or_insert(t);
        }
    }
    params
}

/// The front matter read as `T` (which picks the keys it wants), or `T`'s
/// default when it does not fit. Nested tables are read through their own
/// struct fields, not through an untagged enum: YAML numbers inside a table
/// buffered by an untagged enum would not deserialize.
fn parse_generic<T: serde::de::DeserializeOwned + Default>(inner: &str, syntax: Syntax) -> T {
    match syntax {
        Syntax::Yaml => serde_saphyr::from_str::<T>(inner).ok(),
        Syntax::Toml => toml::from_str::<T>(inner).ok(),
    }
    .unwrap_or_default()
}

/// The page's `params:` table.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NestedParams {
    params: BTreeMap<String, Scalar>,
}

/// The scalars of a `cascade:` table (a list of tables gives none).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NestedCascade {
    cascade: BTreeMap<String, Scalar>,
}

/// The `params:` table inside a `cascade:` table.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NestedCascadeParams {
    cascade: NestedParams,
}

impl Scalar {
    /// The value as text when it is a scalar.
    fn text(&self) -> Option<String> {
        match self {
            Scalar::Bool(b) => Some(b.to_string()),
            Scalar::Int(i) => Some(i.to_string()),
            Scalar::Float(f) => Some(f.to_string()),
            Scalar::Text(t) => Some(t.clone()),
            Scalar::Other(_) => None,
        }
    }
}

/// Merges the cascade tables that apply to the whole subtree (no `_target`).
fn into_cascade(raw: RawCascadeList, params: BTreeMap<String, String>) -> Cascade {
    let tables = match raw {
        RawCascadeList::One(t) => vec![t],
        RawCascadeList::Many(list) => list,
    };
    let mut cascade = Cascade {
        params,
        ..Cascade::default()
    };
    for t in tables.into_iter().filter(|t| t.target.is_none()) {
        let no_render = t
            .underscore_build
            .as_ref()
            .and_then(RawBuild::no_render)
            .or_else(|| t.build.as_ref().and_then(RawBuild::no_render));
        cascade.enabled = t.enabled.map(RegionList::into_vec).or(cascade.enabled);
        cascade.disabled = t.disabled.map(RegionList::into_vec).or(cascade.disabled);
        cascade.draft = t.draft.or(cascade.draft);
        cascade.no_render = no_render.or(cascade.no_render);
    }
    cascade
}

/// Span of each top-level key's line (a line that starts with `key:` or `key =`).
fn key_spans(inner: &str, base: usize, source: SourceId) -> BTreeMap<String, Span> {
    let mut spans = BTreeMap::new();
    let mut offset = 0;
    let mut in_table = false;
    for line in inner.split_inclusive('\n') {
        let text = line.trim_end();
        // A TOML table header `[cascade]` / `[_build]` names its key too.
        if let Some(table) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            let key = table.split('.').next().unwrap_or("").trim();
            if !key.is_empty() && !key.starts_with('[') && !spans.contains_key(key) {
                spans.insert(
                    key.to_string(),
                    Span::new(source, base + offset, base + offset + text.len()),
                );
            }
            in_table = true;
            offset += line.len();
            continue;
        }
        if in_table {
            // TOML: every key after a table header belongs to that table.
            offset += line.len();
            continue;
        }
        let key_end = text
            .find([':', '='])
            .filter(|_| !text.starts_with([' ', '\t', '#', '-']));
        if let Some(end) = key_end {
            let key = text[..end].trim().trim_matches(['"', '\'']);
            if !key.is_empty() && !spans.contains_key(key) {
                spans.insert(
                    key.to_string(),
                    Span::new(source, base + offset, base + offset + text.len()),
                );
            }
        }
        offset += line.len();
    }
    spans
}

fn parse_yaml(inner: &str, base: usize, source: SourceId) -> Result<RawFrontMatter, Diagnostic> {
    if inner.trim().is_empty() {
        return Ok(RawFrontMatter::default());
    }
    serde_saphyr::from_str::<RawFrontMatter>(inner).map_err(|err| {
        use serde_saphyr::MessageFormatter;
        let message = serde_saphyr::DefaultMessageFormatter.format_message(err.without_snippet());
        let offset = err
            .location()
            .map_or(0, |loc| offset_of_line_col(inner, loc.line(), loc.column()));
        Diagnostic::error(
            Span::point(source, base + offset),
            format!("invalid front matter: {}", explain(&message)),
        )
        .with_code(crate::diag::Code::InvalidFrontMatter)
    })
}

fn parse_toml(inner: &str, base: usize, source: SourceId) -> Result<RawFrontMatter, Diagnostic> {
    toml::from_str::<RawFrontMatter>(inner).map_err(|err| {
        let range = err.span().unwrap_or(0..0);
        Diagnostic::error(
            Span::new(source, base + range.start, base + range.end),
            format!("invalid front matter: {}", explain(err.message())),
        )
        .with_code(crate::diag::Code::InvalidFrontMatter)
    })
}

/// A library message as a diagnostic message, with serde's wording for
/// region lists replaced by what the writer should do.
fn explain(message: &str) -> String {
    if message.contains("untagged enum RegionList") {
        "`enabled` and `disabled` take a list of region codes such as [JP, US]".into()
    } else {
        crate::diag::library::rewrite(message).inline()
    }
}

/// Byte offset of a 1-based line and character column in `text`.
fn offset_of_line_col(text: &str, line: u64, column: u64) -> usize {
    let mut offset = 0;
    for _ in 1..line {
        match text[offset..].find('\n') {
            Some(i) => offset += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[offset..line_end(text, offset)];
    let skip = usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX);
    offset
        + line_text
            .char_indices()
            .nth(skip)
            .map_or(line_text.len(), |(i, _)| i)
}

/// Where the `title` value's text starts, when the title is written on one
/// line after a `title:` / `title =` key (quoted or not).
fn locate_title(inner: &str, title: &str) -> Option<usize> {
    let mut offset = 0;
    for line in inner.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(after) = trimmed.strip_prefix("title") {
            let after_key = after.trim_start();
            if let Some(value) = after_key.strip_prefix([':', '=']) {
                let value = value.trim_start();
                let mut start = line.len() - value.len();
                if value.starts_with(['"', '\'']) {
                    start += 1;
                }
                let first = title.chars().next();
                let matches = first.is_none_or(|c| line[start.min(line.len())..].starts_with(c));
                return matches.then_some(offset + start);
            }
        }
        offset += line.len();
    }
    None
}

/// End of the line containing `pos` (index of `\n` or the text length).
fn line_end(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |i| pos + i)
}

/// Start of the line after a line ending at `end`.
fn next_line(text: &str, end: usize) -> usize {
    (end + 1).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;

    const SRC: SourceId = SourceId(0);

    #[test]
    fn yaml_front_matter() {
        let text = "---\ntitle: \"管理者 {{%service%}}\"\nweight: 600\ndisabled: [CN]\n---\n\nbody";
        let (fm, body) = parse_front_matter(text, SRC).expect("valid");
        assert_eq!(fm.title.as_deref(), Some("管理者 {{%service%}}"));
        assert_eq!(fm.weight, 600);
        assert_eq!(fm.disabled, Some(vec!["CN".to_string()]));
        assert_eq!(&text[body..], "\nbody");
        let off = fm.title_offset.expect("located");
        assert!(text[off..].starts_with("管理者"));
    }

    #[test]
    fn toml_front_matter() {
        let text = "+++\ntitle = \"T\"\ndraft = true\nenabled = \"JP US\"\n+++\nbody";
        let (fm, body) = parse_front_matter(text, SRC).expect("valid");
        assert!(fm.draft);
        assert_eq!(fm.enabled, Some(vec!["JP".to_string(), "US".to_string()]));
        assert_eq!(&text[body..], "body");
    }

    #[test]
    fn hugo_page_keys_in_yaml_and_toml() {
        let yaml = "---\ntitle: T\nslug: my-slug\naliases: [/old.html, rel/]\n_build:\n  render: never\nregion_note: メモ\nn: 3\n---\n";
        let (fm, _) = parse_front_matter(yaml, SRC).expect("valid");
        assert_eq!(fm.slug.as_deref(), Some("my-slug"));
        assert_eq!(fm.aliases, vec!["/old.html", "rel/"]);
        assert!(fm.no_render && fm.own.render && !fm.headless);
        assert_eq!(fm.params["region_note"], "メモ");
        assert_eq!(fm.params["n"], "3");
        assert!(!fm.params.contains_key("slug"));
        assert!(fm.key_spans.contains_key("_build"));
        let toml = "+++\nurl = \"/custom/p.html\"\nheadless = true\n[build]\nrender = \"always\"\n[cascade]\ndisabled = [\"CN\"]\nnote = \"x\"\n+++\n";
        let (fm, _) = parse_front_matter(toml, SRC).expect("valid");
        assert_eq!(fm.url.as_deref(), Some("/custom/p.html"));
        assert!(fm.headless && !fm.no_render && fm.own.render);
        let cascade = fm.cascade.expect("cascade");
        assert_eq!(cascade.disabled, Some(vec!["CN".to_string()]));
        assert_eq!(cascade.params["note"], "x");
        let file = SourceFile::new("a.md".into(), toml.into());
        let span = fm.key_spans["cascade"];
        assert_eq!(file.line_col(span.start), (6, 1));
        assert!(!fm.key_spans.contains_key("disabled"), "a key of [cascade]");
    }

    #[test]
    fn params_table_adds_to_the_top_level_params() {
        let yaml = "---
title: T
note: top
params:
  note: inner
  product: kintone
  n: 2
---
";
        let (fm, _) = parse_front_matter(yaml, SRC).expect("valid");
        assert_eq!(fm.params["note"], "top", "the top level wins");
        assert_eq!(fm.params["product"], "kintone");
        assert_eq!(fm.params["n"], "2");
        assert!(!fm.params.contains_key("params"));
        assert!(!fm.params.contains_key("title"));
        let toml = "+++\ntitle = \"T\"\n[params]\nproduct = \"kintone\"\n[cascade]\nn = 1\n[cascade.params]\nm = 2\n+++\n";
        let (fm, _) = parse_front_matter(toml, SRC).expect("valid");
        assert_eq!(fm.params["product"], "kintone");
        let cascade = fm.cascade.expect("cascade");
        assert_eq!(cascade.params["n"], "1");
        assert_eq!(cascade.params["m"], "2");
        let yaml = "---\ncascade:\n  n: 1\n  params:\n    m: 2\n---\n";
        let (fm, _) = parse_front_matter(yaml, SRC).expect("valid");
        let cascade = fm.cascade.expect("cascade");
        assert_eq!(
            (cascade.params["n"].as_str(), cascade.params["m"].as_str()),
            ("1", "2")
        );
    }

    #[test]
    fn no_front_matter() {
        let (fm, body) = parse_front_matter("# hi", SRC).expect("valid");
        assert_eq!(fm, FrontMatter::default());
        assert_eq!(body, 0);
    }

    #[test]
    fn bad_yaml_has_a_position() {
        let text = "---\ntitle: ok\nweight: [1\n---\n";
        let err = parse_front_matter(text, SRC).expect_err("invalid");
        let file = SourceFile::new("a.md".into(), text.into());
        let crate::diag::Location::Span(span) = err.location else {
            panic!("no span")
        };
        let (line, _) = file.line_col(span.start);
        assert!(line >= 3, "line {line}: {}", err.message);
        assert!(err.message.starts_with("invalid front matter: "));
    }

    #[test]
    fn wrong_type_is_reported() {
        let text = "+++\nweight = \"heavy\"\n+++\n";
        let err = parse_front_matter(text, SRC).expect_err("invalid");
        let file = SourceFile::new("a.md".into(), text.into());
        let crate::diag::Location::Span(span) = err.location else {
            panic!("no span")
        };
        assert_eq!(file.line_col(span.start), (2, 10));
    }

    #[test]
    fn region_lists_must_be_lists() {
        let err = parse_front_matter("---\nenabled: {a: 1}\n---\n", SRC).expect_err("invalid");
        assert_eq!(
            err.message,
            "invalid front matter: `enabled` and `disabled` take a list of region codes such as [JP, US]"
        );
    }

    #[test]
    fn unclosed_front_matter() {
        let err = parse_front_matter("---\ntitle: x\n", SRC).expect_err("unclosed");
        assert_eq!(
            err.message,
            "front matter opened with `---` is never closed"
        );
    }
}
