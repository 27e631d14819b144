//! `tebiki init --from-hugo`: the `tebiki.toml` of an existing Hugo help
//! site, one region per Hugo config file.
//!
//! Input: a Hugo site folder with its config files, one per region as help
//! sites keep them (`config_jp.toml`, `config_us.toml`…; or a single
//! `hugo.toml`/`config.toml`), and its content. Output: a [`Conversion`]:
//! the text of a `tebiki.toml` that builds the site (regions that read their
//! Hugo config at every build, per-region base URLs and titles, the
//! `url_prefix` from `baseURL`, the content and static folders, and a
//! `[shortcodes.X]` entry of kind `drop`, with a comment, for every site
//! shortcode the content uses), and notes on what could not be carried
//! over. Hugo's config keys are case-insensitive, as Hugo reads them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::InitError;

/// The largest content file scanned for shortcodes (larger ones are skipped).
const MAX_SCAN_BYTES: u64 = 16 * 1024 * 1024;

/// Hugo's own embedded shortcodes that tebiki does not draw.
const HUGO_BUILTINS: &[&str] = &[
    "comment",
    "details",
    "gist",
    "instagram",
    "qr",
    "tweet",
    "vimeo",
    "x",
    "youtube",
];

/// Settings of a `[Languages.<lang>]` table, which tebiki also takes as
/// variables but which are no help-site text (left out of the comment that
/// lists a region's variables).
const HUGO_LANGUAGE_KEYS: &[&str] = &[
    "weight",
    "languageName",
    "languageCode",
    "languageDirection",
    "title",
    "contentDir",
    "disabled",
];

/// The result of a conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    /// The text of `tebiki.toml`.
    pub config: String,
    /// Region codes, sorted.
    pub regions: Vec<String>,
    /// Names of the site shortcodes given a `drop` entry, sorted.
    pub shortcodes: Vec<String>,
    /// What could not be carried over (each also a comment in the file).
    pub notes: Vec<String>,
}

/// What tebiki takes from one Hugo config file.
#[derive(Debug, Clone, Default, PartialEq)]
struct HugoConfig {
    /// The file name, relative to the site.
    file: String,
    /// `baseURL`.
    base_url: Option<String>,
    /// The `[Languages.<key>]` whose params are read.
    language_key: Option<String>,
    /// BCP 47 language of the book.
    language: String,
    /// `title` (of the language, else of the site).
    title: Option<String>,
    /// `contentDir` (of the language, else of the site).
    content_dir: Option<String>,
    /// `staticDir`.
    static_dir: Option<String>,
    /// `uglyURLs`.
    ugly_urls: Option<bool>,
    /// `theme`.
    theme: Option<String>,
    /// The variables the config defines (params, language params).
    params: BTreeSet<String>,
    /// The scalar `[params]` of the file (for a base config).
    scalar_params: BTreeMap<String, toml::Value>,
}

/// Reads the Hugo site at `dir` and writes the text of its `tebiki.toml`.
pub fn convert(dir: &Path) -> Result<Conversion, InitError> {
    let (regions, base) = find_configs(dir)?;
    let read = |file: &str| read_config(dir, file);
    let mut configs: BTreeMap<String, HugoConfig> = BTreeMap::new();
    for (code, file) in &regions {
        configs.insert(code.clone(), read(file)?);
    }
    let base = base.map(|f| read(&f)).transpose()?;
    let mut notes = Vec::new();
    // The book's own settings come from JP's config when there is one (the
    // home region of a Japanese help site), else from the first region's.
    let first = configs
        .get("JP")
        .or_else(|| configs.values().next())
        .cloned()
        .ok_or_else(|| InitError::Hugo("no region".into()))?;
    let fallback = base.clone().unwrap_or_default();
    let pick = |f: fn(&HugoConfig) -> Option<String>| f(&first).or_else(|| f(&fallback));
    let url_prefix = pick(|c| c.base_url.clone())
        .and_then(|b| url::Url::parse(&b).ok())
        .map_or_else(|| "/".to_string(), |u| u.path().to_string());
    let content_dir = pick(|c| c.content_dir.clone()).unwrap_or_else(|| "content".into());
    let static_dir = pick(|c| c.static_dir.clone()).unwrap_or_else(|| "static".into());
    let title = pick(|c| c.title.clone()).unwrap_or_else(|| "Handbook".into());
    for (code, config) in &configs {
        let prefix = config
            .base_url
            .as_deref()
            .and_then(|b| url::Url::parse(b).ok())
            .map(|u| u.path().to_string());
        if prefix.as_ref().is_some_and(|p| *p != url_prefix) {
            notes.push(format!(
                "{}: baseURL's path differs from {url_prefix}; tebiki uses one url_prefix for every region (region {code})",
                config.file
            ));
        }
        if config
            .content_dir
            .as_ref()
            .is_some_and(|d| *d != content_dir)
        {
            notes.push(format!(
                "{}: contentDir differs from {content_dir}; tebiki reads one content folder for every region (region {code})",
                config.file
            ));
        }
    }
    let mut vars: BTreeSet<String> = configs.values().flat_map(|c| c.params.clone()).collect();
    if let Some(base) = &base {
        vars.extend(base.params.iter().cloned());
    }
    let theme = pick(|c| c.theme.clone());
    let uses = scan_content(&dir.join(&content_dir), dir, &vars);

    let mut out = String::new();
    let files: Vec<&str> = configs.values().map(|c| c.file.as_str()).collect();
    let _ = writeln!(
        out,
        "# tebiki.toml, written by `tebiki init --from-hugo` from {}.",
        files.join(", ")
    );
    out.push_str(
        "# Each region reads its Hugo config at every build ([params], [Languages.<lang>] params,\n\
         # baseURL, uglyURLs, markup.goldmark), so the Hugo files stay the one source of them.\n\
         # Every key is explained in tebiki's README (\"tebiki.toml\").\n\n[book]\n",
    );
    let _ = writeln!(out, "title = {}", quoted(&title));
    let _ = writeln!(out, "language = {}", quoted(&first.language));
    if let Some(origin) = first.base_url.as_deref().and_then(origin) {
        let _ = writeln!(out, "base_url = {}", quoted(&origin));
    }
    let _ = writeln!(
        out,
        "url_prefix = {}   # the path of baseURL",
        quoted(&url_prefix)
    );
    if content_dir != "content" {
        let _ = writeln!(out, "content_dir = {}", quoted(&content_dir));
    }
    if static_dir != "static" {
        let _ = writeln!(out, "static_dir = {}", quoted(&static_dir));
    }
    if let Some(base) = &base
        && !base.scalar_params.is_empty()
    {
        let _ = writeln!(
            out,
            "\n# The [params] of {}, which Hugo merges under every region's config.\n[params]",
            base.file
        );
        for (key, value) in &base.scalar_params {
            let _ = writeln!(out, "{} = {value}", bare_or_quoted(key));
        }
    }
    for (code, config) in &configs {
        let paper = if matches!(code.as_str(), "US" | "CA" | "MX") {
            "Letter"
        } else {
            "A4"
        };
        let _ = writeln!(out, "\n[regions.{code}]");
        let _ = writeln!(out, "paper = {}", quoted(paper));
        let _ = writeln!(out, "hugo_config = {}", quoted(&config.file));
        if let Some(key) = &config.language_key {
            let _ = writeln!(
                out,
                "hugo_language = {}   # its [Languages.{key}] params are read too",
                quoted(key)
            );
        }
        let names: Vec<&str> = config
            .params
            .iter()
            .map(String::as_str)
            .filter(|k| !HUGO_LANGUAGE_KEYS.iter().any(|h| h.eq_ignore_ascii_case(k)))
            .collect();
        if !names.is_empty() {
            let _ = writeln!(
                out,
                "# variables from {}: {}",
                config.file,
                names.join(", ")
            );
        }
        if let Some(ugly) = config.ugly_urls {
            let _ = writeln!(out, "# uglyURLs = {ugly} is read from {}", config.file);
        }
        let mut book = String::new();
        if let Some(origin) = config.base_url.as_deref().and_then(origin) {
            let _ = writeln!(book, "base_url = {}   # from baseURL", quoted(&origin));
        }
        if let Some(t) = config.title.as_ref().filter(|t| **t != title) {
            let _ = writeln!(book, "title = {}", quoted(t));
        }
        if config.language != first.language {
            let _ = writeln!(book, "language = {}", quoted(&config.language));
        }
        if !book.is_empty() {
            let _ = write!(out, "[regions.{code}.book]\n{book}");
        }
    }
    if !notes.is_empty() {
        out.push_str("\n# Not carried over:\n");
        for note in &notes {
            let _ = writeln!(out, "# - {note}");
        }
    }
    if !uses.is_empty() {
        out.push_str(
            "\n# The site's own shortcodes found in the content. Each is dropped, with its inner\n\
             # content, until you map it onto a built-in kind: admonition | heading | text | link |\n\
             # include | drop (README: \"Shortcodes\").\n",
        );
    }
    for (name, found) in &uses {
        let template = template_of(dir, theme.as_deref(), name);
        let (open, close) = if found.angle {
            ("{{<", ">}}")
        } else {
            ("{{%", "%}}")
        };
        let shape = if found.paired {
            format!("{open} {name} {close}…{open} /{name} {close}")
        } else {
            format!("{open} {name} {close}")
        };
        let _ = writeln!(
            out,
            "\n# {shape}: {} use{} in {} file{}, first at {}; {template}",
            found.count,
            if found.count == 1 { "" } else { "s" },
            found.files,
            if found.files == 1 { "" } else { "s" },
            found.first
        );
        let _ = writeln!(
            out,
            "[shortcodes.{}]\nkind = \"drop\"",
            bare_or_quoted(name)
        );
    }
    check_written(&out)?;
    Ok(Conversion {
        config: out,
        regions: configs.keys().cloned().collect(),
        shortcodes: uses.keys().cloned().collect(),
        notes,
    })
}

/// Region config files (code, file name) and the base config's file name.
type ConfigFiles = (Vec<(String, String)>, Option<String>);

/// Parses the written text as `tebiki.toml` is parsed at build time: a
/// conversion never writes a file that tebiki would refuse.
fn check_written(text: &str) -> Result<(), InitError> {
    let mut sources = crate::diag::Sources::new();
    let id = sources.add(PathBuf::from("tebiki.toml"), text.to_string());
    let mut diags = crate::diag::Diagnostics::new();
    if crate::site::config::parse_config(text, id, &mut diags).is_some() {
        return Ok(());
    }
    let problems: Vec<String> = diags.items().iter().map(|d| d.message.clone()).collect();
    Err(InitError::Hugo(format!(
        "the tebiki.toml made from this site would not load ({}); please report it",
        problems.join("; ")
    )))
}

/// The region config files (`config_<r>.toml` → region `R`) and the base
/// config (`hugo.toml` or `config.toml`). With no region file, the base
/// config is the one region's (named from its `languageCode`, else `JP`).
fn find_configs(dir: &Path) -> Result<ConfigFiles, InitError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| InitError::Hugo(format!("cannot read {}: {e}", dir.display())))?;
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    names.sort();
    let mut regions = Vec::new();
    for name in &names {
        let Some(code) = name
            .strip_prefix("config_")
            .and_then(|n| n.strip_suffix(".toml"))
        else {
            continue;
        };
        let valid = !code.is_empty()
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if valid {
            regions.push((code.to_ascii_uppercase(), name.clone()));
        }
    }
    let base = ["hugo.toml", "config.toml"]
        .into_iter()
        .find(|b| names.iter().any(|n| n == b))
        .map(str::to_string);
    if !regions.is_empty() {
        return Ok((regions, base));
    }
    let Some(base) = base else {
        return Err(InitError::Hugo(format!(
            "no Hugo config in {}: expected config_<region>.toml files (config_jp.toml…), hugo.toml or config.toml (TOML only)",
            dir.display()
        )));
    };
    let code = read_config(dir, &base)?
        .language
        .split(['-', '_'])
        .nth(1)
        .map_or_else(|| "JP".to_string(), str::to_ascii_uppercase);
    Ok((vec![(code, base)], None))
}

/// Reads what tebiki takes from one Hugo TOML config.
fn read_config(dir: &Path, file: &str) -> Result<HugoConfig, InitError> {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| InitError::Hugo(format!("cannot read {}: {e}", path.display())))?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        InitError::Hugo(format!("{}: {}", path.display(), e.message()))
    })?;
    Ok(hugo_config(file, &table))
}

/// A key of a Hugo table, case-insensitively (as Hugo reads its config).
fn key<'a>(table: &'a toml::Table, name: &str) -> Option<&'a toml::Value> {
    table
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn string(table: &toml::Table, name: &str) -> Option<String> {
    key(table, name)
        .and_then(toml::Value::as_str)
        .map(str::to_string)
}

/// The settings of one parsed Hugo config.
fn hugo_config(file: &str, table: &toml::Table) -> HugoConfig {
    let languages = key(table, "languages").and_then(toml::Value::as_table);
    let default_language = string(table, "defaultContentLanguage");
    let language_key = languages.and_then(|l| {
        default_language
            .as_ref()
            .and_then(|d| l.keys().find(|k| k.eq_ignore_ascii_case(d)))
            .or_else(|| l.keys().next())
            .cloned()
    });
    let language_table = languages
        .zip(language_key.as_ref())
        .and_then(|(l, k)| l.get(k))
        .and_then(toml::Value::as_table);
    let from_language = |name: &str| language_table.and_then(|t| string(t, name));
    let language_code = from_language("languageCode").or_else(|| string(table, "languageCode"));
    let language = language_key
        .clone()
        .or(default_language)
        .or(language_code)
        .unwrap_or_else(|| "ja".into());
    let mut params = BTreeSet::new();
    let mut scalar_params = BTreeMap::new();
    let mut take = |t: Option<&toml::Table>, scalars: bool| {
        for (k, v) in t.into_iter().flatten() {
            if !v.is_table() {
                params.insert(k.clone());
                if scalars {
                    scalar_params.insert(k.clone(), v.clone());
                }
            }
        }
    };
    take(key(table, "params").and_then(toml::Value::as_table), true);
    take(language_table, false);
    take(
        language_table
            .and_then(|t| key(t, "params"))
            .and_then(toml::Value::as_table),
        false,
    );
    HugoConfig {
        file: file.to_string(),
        base_url: string(table, "baseURL"),
        language_key,
        language,
        title: from_language("title").or_else(|| string(table, "title")),
        content_dir: from_language("contentDir").or_else(|| string(table, "contentDir")),
        static_dir: string(table, "staticDir"),
        ugly_urls: key(table, "uglyURLs").and_then(toml::Value::as_bool),
        theme: string(table, "theme"),
        params,
        scalar_params,
    }
}

/// `https://host/path/` → `https://host`.
fn origin(base: &str) -> Option<String> {
    let url = url::Url::parse(base).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.origin().ascii_serialization())
}

/// How a site shortcode is used across the content.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Found {
    /// Uses (opening tags).
    count: usize,
    /// Files it appears in.
    files: usize,
    /// `content/a.md:12` of the first use.
    first: String,
    /// Whether any use is closed.
    paired: bool,
    /// Whether the first use is written `{{< >}}`.
    angle: bool,
}

/// Every site shortcode used in the Markdown files under `content`, by name.
fn scan_content(content: &Path, root: &Path, vars: &BTreeSet<String>) -> BTreeMap<String, Found> {
    let mut found: BTreeMap<String, Found> = BTreeMap::new();
    let mut stack = vec![content.to_path_buf()];
    let mut files: Vec<PathBuf> = Vec::new();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file()
                && path
                    .extension()
                    .is_some_and(|e| e == "md" || e == "markdown")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    for path in files {
        let small = std::fs::metadata(&path).is_ok_and(|m| m.len() <= MAX_SCAN_BYTES);
        let Some(text) = small.then(|| std::fs::read_to_string(&path).ok()).flatten() else {
            continue;
        };
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let mut seen_here = BTreeSet::new();
        for use_ in crate::shortcode::unknown_shortcodes(&text, vars) {
            let line = text
                .get(..use_.offset)
                .map_or(1, |t| t.matches('\n').count() + 1);
            let entry = found.entry(use_.name.clone()).or_insert_with(|| Found {
                count: 0,
                files: 0,
                first: format!("{shown}:{line}"),
                paired: false,
                angle: use_.angle,
            });
            entry.count += 1;
            entry.paired |= use_.paired;
            if seen_here.insert(use_.name) {
                entry.files += 1;
            }
        }
    }
    found
}

/// Where the shortcode's Hugo template is, as a comment.
fn template_of(dir: &Path, theme: Option<&str>, name: &str) -> String {
    if HUGO_BUILTINS.contains(&name) {
        return "Hugo's built-in shortcode".into();
    }
    let mut places = vec![
        format!("layouts/shortcodes/{name}.html"),
        format!("layouts/_shortcodes/{name}.html"),
    ];
    if let Some(theme) = theme {
        places.push(format!("themes/{theme}/layouts/shortcodes/{name}.html"));
        places.push(format!("themes/{theme}/layouts/_shortcodes/{name}.html"));
    }
    places
        .into_iter()
        .find(|p| dir.join(p).is_file())
        .map_or_else(
            || "no template found in layouts/".into(),
            |p| format!("template {p}"),
        )
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// A TOML key: bare when it can be, else quoted.
fn bare_or_quoted(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { key.to_string() } else { quoted(key) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hugo_keys_case_insensitively() {
        let table: toml::Table = "BaseUrl = \"https://help.cybozu.cn/general/zh/\"\nuglyurls = true\n\
             defaultContentLanguage = \"zh\"\ncontentdir = \"content\"\n\
             [Params]\nservice = \"cybozu.cn\"\n[Languages.zh]\ntitle = \"帮助\"\n[Languages.zh.params]\nstore = \"s\"\n"
            .parse()
            .expect("toml");
        let config = hugo_config("config_cn.toml", &table);
        assert_eq!(
            config.base_url.as_deref(),
            Some("https://help.cybozu.cn/general/zh/")
        );
        assert_eq!(config.ugly_urls, Some(true));
        assert_eq!(config.language_key.as_deref(), Some("zh"));
        assert_eq!(config.language, "zh");
        assert_eq!(config.title.as_deref(), Some("帮助"));
        assert_eq!(config.content_dir.as_deref(), Some("content"));
        let params: Vec<&str> = config.params.iter().map(String::as_str).collect();
        assert_eq!(params, vec!["service", "store", "title"]);
    }

    #[test]
    fn one_hugo_toml_is_one_region_and_no_config_is_an_error() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("config.yaml"), "baseURL: x\n")?;
        let err = convert(dir.path()).expect_err("YAML only");
        assert!(err.to_string().contains("no Hugo config"), "{err}");
        std::fs::write(
            dir.path().join("hugo.toml"),
            "baseURL = \"https://help.example.com/docs/\"\nlanguageCode = \"en-us\"\ntitle = \"Docs\"\n",
        )?;
        std::fs::create_dir_all(dir.path().join("content"))?;
        std::fs::write(
            dir.path().join("content/a.md"),
            "---\ntitle: A\n---\n{{< alert \"x\" >}}\n{{% \"odd.name\" %}}\n",
        )?;
        let conversion = convert(dir.path()).expect("converts");
        assert_eq!(conversion.regions, vec!["US"]);
        let table: toml::Table = conversion.config.parse().expect("valid TOML");
        assert_eq!(table["book"]["url_prefix"].as_str(), Some("/docs/"));
        assert_eq!(table["book"]["language"].as_str(), Some("en-us"));
        assert_eq!(table["regions"]["US"]["paper"].as_str(), Some("Letter"));
        assert_eq!(
            table["regions"]["US"]["hugo_config"].as_str(),
            Some("hugo.toml")
        );
        assert!(table["shortcodes"]["alert"]["kind"].as_str() == Some("drop"));
        assert!(conversion.config.contains("first at content/a.md:4"));
        Ok(())
    }

    #[test]
    fn keys_are_quoted_when_needed() {
        assert_eq!(bare_or_quoted("CorpName"), "CorpName");
        assert_eq!(bare_or_quoted("a.b"), "\"a.b\"");
        let line = format!("k = {}", quoted("x\"y"));
        let table: toml::Table = line.parse().expect("valid TOML");
        assert_eq!(table["k"].as_str(), Some("x\"y"));
    }
}
