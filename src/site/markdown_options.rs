//! The Markdown dialect of a region: Hugo's goldmark defaults, or what a
//! region's Hugo config says.
//!
//! Input: the `[markup.goldmark]` table of a Hugo config (TOML), if the
//! region names one. Output: [`MarkdownOptions`] for `markdown` (they are part of a region's
//! settings, so they live with the site's configuration), and a
//! message for every value tebiki cannot use.
//!
//! Read keys (everything else under `markup` is ignored):
//! - `parser.autoHeadingIDType`: `github` (default), `github-ascii`,
//!   `blackfriday`.
//! - `extensions.footnote`, `definitionList`, `taskList`, `linkify`,
//!   `strikethrough`, `table`: `false` turns the extension off.
//! - `extensions.typographer`: `false`, or (Hugo ≥ 0.112) a table with
//!   `disable = true`, turns it off.
//! - `extensions.linkifyProtocol`: `https` (default) or `http`, the scheme
//!   a bare `www.` link gets.

/// How heading ids are generated (`markup.goldmark.parser.autoHeadingIDType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeadingIdType {
    /// `github`: Hugo's default.
    #[default]
    Github,
    /// `github-ascii`: ASCII only, accents removed.
    GithubAscii,
    /// `blackfriday`: Hugo's old Markdown renderer's ids.
    Blackfriday,
}

impl HeadingIdType {
    /// The type named as in Hugo's config (`github`, `github-ascii`,
    /// `blackfriday`, any case); `None` for another name.
    pub fn from_hugo(name: &str) -> Option<HeadingIdType> {
        match name.to_ascii_lowercase().as_str() {
            "github" => Some(HeadingIdType::Github),
            "github-ascii" => Some(HeadingIdType::GithubAscii),
            "blackfriday" => Some(HeadingIdType::Blackfriday),
            _ => None,
        }
    }
}

/// The Markdown extensions and heading ids of a region, as Hugo's goldmark
/// renders them (every extension on by default, as in Hugo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// How ids of headings without `{#id}` are made.
    pub heading_ids: HeadingIdType,
    /// `[^1]` references and `[^1]: …` definitions.
    pub footnotes: bool,
    /// `term` / `: definition` lists.
    pub definition_lists: bool,
    /// `- [ ]` / `- [x]` items.
    pub task_lists: bool,
    /// Bare URLs, `www.` addresses and e-mail addresses become links.
    pub linkify: bool,
    /// Scheme given to a bare `www.` link (`https` or `http`).
    pub linkify_protocol: String,
    /// `"…"` → “…”, `'…'` → ‘…’, `--` → –, `---` → —, `...` → …,
    /// `<<`/`>>` → «/».
    pub typographer: bool,
    /// `~~text~~`.
    pub strikethrough: bool,
    /// Pipe tables.
    pub tables: bool,
}

impl Default for MarkdownOptions {
    fn default() -> MarkdownOptions {
        MarkdownOptions {
            heading_ids: HeadingIdType::Github,
            footnotes: true,
            definition_lists: true,
            task_lists: true,
            linkify: true,
            linkify_protocol: "https".into(),
            typographer: true,
            strikethrough: true,
            tables: true,
        }
    }
}

impl MarkdownOptions {
    /// The options a Hugo config (the whole parsed file) gives; problems
    /// (an unknown id type, a value of the wrong type) are returned as
    /// messages and the default is kept for that key.
    pub fn from_hugo_config(config: &toml::Table) -> (MarkdownOptions, Vec<String>) {
        let mut options = MarkdownOptions::default();
        let mut problems = Vec::new();
        let goldmark = get_table(config, "markup").and_then(|m| get_table(m, "goldmark"));
        let Some(goldmark) = goldmark else {
            return (options, problems);
        };
        if let Some(value) = get_table(goldmark, "parser").and_then(|p| get(p, "autoHeadingIDType"))
        {
            match value.as_str().and_then(HeadingIdType::from_hugo) {
                Some(kind) => options.heading_ids = kind,
                None => problems.push(format!(
                    "markup.goldmark.parser.autoHeadingIDType `{value}` is not github, github-ascii or blackfriday; github is used"
                )),
            }
        }
        let Some(extensions) = get_table(goldmark, "extensions") else {
            return (options, problems);
        };
        let switches: [(&str, &mut bool); 7] = [
            ("footnote", &mut options.footnotes),
            ("definitionList", &mut options.definition_lists),
            ("taskList", &mut options.task_lists),
            ("linkify", &mut options.linkify),
            ("strikethrough", &mut options.strikethrough),
            ("table", &mut options.tables),
            ("typographer", &mut options.typographer),
        ];
        for (key, slot) in switches {
            match get(extensions, key) {
                None => {}
                Some(toml::Value::Boolean(on)) => *slot = *on,
                // Hugo ≥ 0.112: `[markup.goldmark.extensions.typographer]`
                // with `disable = true` and the replacement strings.
                Some(toml::Value::Table(t)) => {
                    if let Some(toml::Value::Boolean(off)) = get(t, "disable") {
                        *slot = !off;
                    }
                }
                Some(other) => problems.push(format!(
                    "markup.goldmark.extensions.{key} `{other}` is not true or false; it stays on"
                )),
            }
        }
        if let Some(value) = get(extensions, "linkifyProtocol") {
            match value.as_str().map(str::to_ascii_lowercase).as_deref() {
                Some(p @ ("http" | "https")) => options.linkify_protocol = p.to_string(),
                _ => problems.push(format!(
                    "markup.goldmark.extensions.linkifyProtocol `{value}` is not http or https; https is used"
                )),
            }
        }
        (options, problems)
    }
}

/// A key of a Hugo config table, compared without case (Hugo's keys are
/// case-insensitive).
fn get<'t>(table: &'t toml::Table, key: &str) -> Option<&'t toml::Value> {
    table
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// A sub-table of a Hugo config table.
fn get_table<'t>(table: &'t toml::Table, key: &str) -> Option<&'t toml::Table> {
    get(table, key).and_then(toml::Value::as_table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (MarkdownOptions, Vec<String>) {
        let table: toml::Table = text.parse().unwrap_or_default();
        MarkdownOptions::from_hugo_config(&table)
    }

    #[test]
    fn hugo_defaults_without_a_markup_table() {
        assert_eq!(parse("title = \"x\"").0, MarkdownOptions::default());
    }

    #[test]
    fn the_config_turns_extensions_off_and_picks_the_id_type() {
        let (options, problems) = parse(
            "[markup.goldmark.parser]\nautoHeadingIDType = \"github-ascii\"\n\
             [markup.goldmark.extensions]\nfootnote = false\nlinkify = false\nlinkifyProtocol = \"http\"\n\
             [markup.goldmark.extensions.typographer]\ndisable = true\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(options.heading_ids, HeadingIdType::GithubAscii);
        assert!(!options.footnotes && !options.linkify && !options.typographer);
        assert!(options.definition_lists && options.task_lists && options.tables);
        assert_eq!(options.linkify_protocol, "http");
        let (options, problems) = parse(
            "[Markup.Goldmark.Parser]\nAutoHeadingIdType = \"blackfriday\"\n\
             [Markup.Goldmark.Extensions]\nTypographer = false\ntaskList = \"no\"\n",
        );
        assert_eq!(options.heading_ids, HeadingIdType::Blackfriday);
        assert!(!options.typographer && options.task_lists);
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn an_unknown_id_type_is_reported() {
        let (options, problems) = parse("[markup.goldmark.parser]\nautoHeadingIDType = \"x\"\n");
        assert_eq!(options.heading_ids, HeadingIdType::Github);
        assert!(problems[0].contains("autoHeadingIDType"), "{problems:?}");
    }
}
