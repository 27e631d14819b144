//! Front matter of a content file.
//!
//! Input: a content file's full text. Output: the [`FrontMatter`] fields
//! tebiki uses (YAML between `---` lines or TOML between `+++` lines) and
//! the byte offset where the Markdown body starts; or a diagnostic with the
//! position of the problem.

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
    /// `draft: true` pages are skipped.
    pub draft: bool,
    /// `enabled: [JP, US]`: only these regions include the page.
    pub enabled: Option<Vec<String>>,
    /// `disabled: [CN]`: these regions exclude the page.
    pub disabled: Option<Vec<String>>,
    /// Span of the front matter block (for page-level diagnostics).
    pub span: Option<Span>,
    /// Every other key with a scalar value (and those of a `params:` table),
    /// as text: the page's params that `{{< param KEY >}}` reads.
    pub params: std::collections::BTreeMap<String, String>,
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
    #[serde(flatten)]
    other: std::collections::BTreeMap<String, Param>,
}

/// A front-matter value other than the keys tebiki reads: a scalar, a
/// table of scalars (`params:`) or anything else (ignored).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Param {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Table(std::collections::BTreeMap<String, Param>),
    Other(serde::de::IgnoredAny),
}

impl Param {
    fn text(&self) -> Option<String> {
        match self {
            Param::Bool(b) => Some(b.to_string()),
            Param::Int(i) => Some(i.to_string()),
            Param::Float(f) => Some(f.to_string()),
            Param::Text(t) => Some(t.clone()),
            Param::Table(_) | Param::Other(_) => None,
        }
    }
}

/// The page params of the other keys: scalars at the top level, and those
/// of a `params` table that the top level does not set.
fn page_params(
    other: &std::collections::BTreeMap<String, Param>,
) -> std::collections::BTreeMap<String, String> {
    let mut params: std::collections::BTreeMap<String, String> = other
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.text()?)))
        .collect();
    if let Some(Param::Table(table)) = other.get("params") {
        for (k, v) in table {
            if let Some(t) = v.text() {
                params.entry(k.clone()).or_insert(t);
            }
        }
    }
    params
}

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
    let front = FrontMatter {
        title: raw.title,
        title_offset,
        weight: raw.weight.unwrap_or(0),
        draft: raw.draft.unwrap_or(false),
        enabled: raw.enabled.map(RegionList::into_vec),
        disabled: raw.disabled.map(RegionList::into_vec),
        span: Some(Span::new(source, bom, close.1)),
        params: page_params(&raw.other),
    };
    Ok((front, body_start))
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
    })
}

fn parse_toml(inner: &str, base: usize, source: SourceId) -> Result<RawFrontMatter, Diagnostic> {
    toml::from_str::<RawFrontMatter>(inner).map_err(|err| {
        let range = err.span().unwrap_or(0..0);
        Diagnostic::error(
            Span::new(source, base + range.start, base + range.end),
            format!("invalid front matter: {}", explain(err.message())),
        )
    })
}

/// A library message as a diagnostic message, with serde's wording for
/// region lists replaced by what the writer should do.
fn explain(message: &str) -> String {
    if message.contains("untagged enum RegionList") {
        "`enabled` and `disabled` take a list of region codes such as [JP, US]".into()
    } else {
        super::config::first_line_lowercase(message)
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
