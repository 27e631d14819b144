//! Site loading: the only input I/O of the pipeline.
//!
//! Input: a site folder (`tebiki.toml`, `content/`, `static/`). Output: a
//! [`Site`] with the validated configuration and every content file as a
//! source with its parsed front matter, in Hugo's reading order. Every file
//! read is added to [`Sources`] so diagnostics can quote it. [`page_url`]
//! and [`page_anchor`] say where a content page is published.

mod address;
mod cascade;
pub(crate) mod config;
pub(crate) mod confine;
pub(crate) mod fonts;
pub(crate) mod frontmatter;
mod markdown_options;
pub mod timezone;
mod tree;

use std::path::{Path, PathBuf};

pub use address::{page_aliases, page_anchor, page_url, url_key};
pub use config::{
    BookConfig, Config, MappingKind, RegionConfig, RegionSettings, ShortcodeMapping, ShortcodeModel,
};
pub use confine::{ConfineError, FileKind};
pub use frontmatter::{Cascade, FrontMatter};
pub use markdown_options::{HeadingIdType, MarkdownOptions};

use crate::diag::{Diagnostic, Diagnostics, Location, Severity, SourceId, Sources, Span};
use crate::model::PageKind;

/// A loaded site.
#[derive(Debug, Clone)]
pub struct Site {
    /// The site folder.
    pub root: PathBuf,
    /// The validated `tebiki.toml`.
    pub config: Config,
    /// `tebiki.toml` in [`Sources`].
    pub config_source: SourceId,
    /// Every region with its merged variables, sorted by code.
    pub regions: Vec<RegionSettings>,
    /// The content folder.
    pub content_dir: PathBuf,
    /// The static folder (may not exist).
    pub static_dir: PathBuf,
    /// Every content page in reading order (section page before its content).
    pub pages: Vec<SitePage>,
    /// The Markdown files inside leaf bundles (`headless/part.md`): no pages,
    /// but shortcodes such as `include` may read them.
    pub resources: Vec<BundleFile>,
}

/// A Markdown file that is a resource of a leaf bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct BundleFile {
    /// Its text in [`Sources`].
    pub source: SourceId,
    /// Path relative to the content folder, `/`-separated.
    pub rel_path: String,
    /// Byte offset where its Markdown body starts (after any front matter).
    pub body_start: usize,
}

/// One content file.
#[derive(Debug, Clone, PartialEq)]
pub struct SitePage {
    /// Its text in [`Sources`].
    pub source: SourceId,
    /// Path relative to the content folder, `/`-separated (`admin/_index.md`).
    pub rel_path: String,
    /// Section opener (`_index.md`) or ordinary page.
    pub kind: PageKind,
    /// Nesting depth (0 at the top).
    pub depth: usize,
    /// Index in [`Site::pages`] of the section page it belongs to.
    pub parent: Option<usize>,
    /// Parsed front matter.
    pub front: FrontMatter,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
    /// Front-matter keys (`enabled`, `disabled`, `draft`, `_build`) whose
    /// value this page takes from a `cascade:`, with the index in
    /// [`Site::pages`] of the page that declares it.
    pub cascaded_from: std::collections::BTreeMap<String, usize>,
}

/// Why a site could not be loaded at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadFailure {
    /// `tebiki.toml` missing or invalid (exit code 2).
    Config,
    /// The content cannot give any page (exit code 1).
    Content,
}

/// Loads the site at `root`. Per-file problems are pushed to `diags` and the
/// file is left out; fatal problems return a [`LoadFailure`].
pub fn load(
    root: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<Site, LoadFailure> {
    let root_canon = confine::canonical_root(root);
    let config_path = root.join("tebiki.toml");
    let text = match confine::read_confined(&root_canon, &config_path, FileKind::Config) {
        Ok((_, bytes)) => bytes,
        Err(ConfineError::Missing) => {
            diags.push(
                Diagnostic::new(
                    Severity::Error,
                    Location::File(display_path(&config_path), None),
                    "no tebiki.toml in the site folder",
                )
                .with_code(crate::diag::Code::ConfigMissing)
                .with_hint(
                    "run tebiki inside a site folder, name one (tebiki build DIR), or start one with tebiki init",
                ),
            );
            return Err(LoadFailure::Config);
        }
        Err(e) => {
            diags.push(confine::diagnostic(
                Location::File(display_path(&config_path), None),
                "tebiki.toml",
                &e,
            ));
            return Err(LoadFailure::Config);
        }
    };
    let Some(config_id) = add_text(sources, display_path(&config_path), text, diags) else {
        return Err(LoadFailure::Config);
    };
    let config_text = sources
        .get(config_id)
        .map(|f| f.text.clone())
        .unwrap_or_default();
    let config = config::parse_config(&config_text, config_id, diags).ok_or(LoadFailure::Config)?;
    let regions = config::region_settings_in(
        &config,
        root,
        Some((config_id, config_text.as_str())),
        diags,
    );
    // `content_dir` and `static_dir` must stay inside the site (a missing
    // static folder is fine; a missing content folder is reported below).
    for (key, dir) in [
        ("content_dir", &config.book.content_dir),
        ("static_dir", &config.book.static_dir),
    ] {
        if let Err(e @ (ConfineError::Outside | ConfineError::Io(_))) =
            confine::confine(&root_canon, &root.join(dir))
        {
            let span = config::value_span(&config_text, &["book", key])
                .map_or(Span::point(config_id, 0), |r| {
                    Span::new(config_id, r.start, r.end)
                });
            diags.push(confine::diagnostic(
                Location::Span(span),
                &format!("`{key}` `{dir}`"),
                &e,
            ));
        }
    }
    if diags.has_errors() {
        return Err(LoadFailure::Config);
    }
    let content_dir = root.join(&config.book.content_dir);
    let static_dir = root.join(&config.book.static_dir);
    let (files, resource_files) =
        tree::split_bundle_resources(tree::walk_markdown(&content_dir, &root_canon, diags));
    let mut loaded = Vec::new();
    for rel in files {
        if let Some((id, front, body_start)) =
            load_content_file(sources, &root_canon, &content_dir.join(&rel), diags)
        {
            loaded.push((rel, id, front, body_start));
        }
    }
    let resources = resource_files
        .into_iter()
        .filter_map(|rel| {
            let (source, _, body_start) =
                load_content_file(sources, &root_canon, &content_dir.join(&rel), diags)?;
            Some(BundleFile {
                source,
                rel_path: rel,
                body_start,
            })
        })
        .collect();
    if loaded.is_empty() && !diags.has_errors() {
        diags.push(
            Diagnostic::new(
                Severity::Error,
                Location::File(display_path(&content_dir), None),
                "content folder has no pages",
            )
            .with_code(crate::diag::Code::NoContent)
            .with_hint("add Markdown files (`.md`) with front matter to the content folder"),
        );
        return Err(LoadFailure::Content);
    }
    let mut pages = tree::order_pages(loaded);
    cascade::apply(&mut pages);
    Ok(Site {
        root: root.to_path_buf(),
        config,
        config_source: config_id,
        regions,
        content_dir,
        static_dir,
        pages,
        resources,
    })
}

/// Reads one Markdown file of the content folder through the confined
/// reader and parses its front matter; an unreadable file is reported and
/// gives `None`, a broken front matter is reported and gives a page marked
/// `broken`.
fn load_content_file(
    sources: &mut Sources,
    root_canon: &Path,
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<(SourceId, FrontMatter, usize)> {
    let bytes = match confine::read_confined(root_canon, path, FileKind::Page) {
        Ok((_, bytes)) => bytes,
        Err(e) => {
            diags.push(confine::diagnostic(
                Location::File(display_path(path), None),
                "page",
                &e,
            ));
            return None;
        }
    };
    let id = add_text(sources, display_path(path), bytes, diags)?;
    let text = sources.get(id).map_or("", |f| f.text.as_str());
    match frontmatter::parse_front_matter(text, id) {
        Ok((front, body_start)) => Some((id, front, body_start)),
        Err(d) => {
            diags.push(d);
            // Kept as a page that exists but is never built, so links to it
            // do not add a broken-link warning to the one real error.
            let front = FrontMatter {
                broken: true,
                ..FrontMatter::default()
            };
            Some((id, front, text.len()))
        }
    }
}

/// Adds a file's bytes as source text. Invalid UTF-8 is reported at the
/// first bad byte (the file's text is kept, lossily, so the position shows).
pub(crate) fn add_text(
    sources: &mut Sources,
    path: PathBuf,
    bytes: Vec<u8>,
    diags: &mut Diagnostics,
) -> Option<SourceId> {
    match String::from_utf8(bytes) {
        Ok(text) => Some(sources.add(path, text)),
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let id = sources.add(path, text);
            diags.push(
                Diagnostic::error(Span::point(id, valid), "file is not valid UTF-8")
                    .with_code(crate::diag::Code::NotUtf8)
                    .with_hint("save the file as UTF-8"),
            );
            None
        }
    }
}

/// A path as shown to the user: as built from the `--site` argument, without
/// a leading `./`.
pub fn display_path(path: &Path) -> PathBuf {
    path.strip_prefix(".")
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}
