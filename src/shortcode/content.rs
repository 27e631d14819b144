//! The site's content files as `ref`/`relref` and `include` see them.
//!
//! Input: every content file (its path relative to the content folder, its
//! text in `Sources`, where its body starts, the URL it is published at),
//! gathered once per build by the driver. Output: the file a content path
//! names, found as Hugo's `ref` finds it (relative to the page's folder
//! first, then to the content folder; with or without `.md`; a bundle's
//! `index.md`; a section's `_index.md`). A path that climbs out of the
//! content folder (`../..`) names nothing: nothing outside it is ever read.

use std::collections::BTreeMap;

use crate::diag::SourceId;

/// One content file.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentFile<'a> {
    /// Its text in `Sources`.
    pub source: SourceId,
    /// The whole file's text.
    pub text: &'a str,
    /// Where the Markdown body starts (after front matter).
    pub body_start: usize,
    /// The site-absolute URL the page is published at (`/general/ja/a/`);
    /// `None` for a file Hugo publishes no page for (a headless bundle, a
    /// page that is not rendered, a bundle's Markdown resource).
    pub url: Option<String>,
}

/// Every content file by its content-relative path (`login/login.md`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContentIndex<'a> {
    /// Files by content-relative path, `/`-separated.
    pub files: BTreeMap<String, ContentFile<'a>>,
    /// The region's base URL without a trailing slash (what `ref` prints
    /// before a URL).
    pub base_url: String,
}

/// Facts of the page being resolved that shortcodes read.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageFacts<'a> {
    /// The page's content-relative path (`p14/links.md`); empty for titles
    /// and configuration text.
    pub rel_path: &'a str,
    /// The page's front-matter params (`param KEY` reads these first).
    pub params: Option<&'a BTreeMap<String, String>>,
}

impl<'a> ContentIndex<'a> {
    /// Every content file of a loaded site as region `settings` publishes
    /// it: each page with the URL the links pass resolves it to (its front
    /// matter's `url`/`slug`, pretty or ugly URLs as the region says), and
    /// the Markdown files of leaf bundles (`headless/part.md`), which
    /// `include` may read but which have no URL.
    pub fn of_site(
        site: &crate::site::Site,
        sources: &'a crate::diag::Sources,
        settings: &crate::site::RegionSettings,
    ) -> ContentIndex<'a> {
        let prefix = &site.config.book.url_prefix;
        let pages = site.pages.iter().filter_map(|page| {
            let file = sources.get(page.source)?;
            // Hugo gives a headless or unrendered page no URL to refer to.
            let published = !page.front.headless && !page.front.no_render;
            let entry = ContentFile {
                source: page.source,
                text: file.text.as_str(),
                body_start: page.body_start,
                url: published.then(|| {
                    crate::site::page_url(
                        prefix,
                        &page.rel_path,
                        page.kind,
                        &page.front,
                        settings.ugly_urls,
                    )
                }),
            };
            Some((page.rel_path.clone(), entry))
        });
        let resources = site.resources.iter().filter_map(|res| {
            let file = sources.get(res.source)?;
            let entry = ContentFile {
                source: res.source,
                text: file.text.as_str(),
                body_start: res.body_start,
                url: None,
            };
            Some((res.rel_path.clone(), entry))
        });
        ContentIndex {
            files: pages.chain(resources).collect(),
            base_url: settings.base_url.clone(),
        }
    }

    /// The file `path` names from the page at `from` (content-relative), and
    /// its content-relative path.
    pub fn find(&self, from: &str, path: &str) -> Option<(&str, &ContentFile<'a>)> {
        for joined in joined_paths(from, path) {
            for candidate in candidates(&joined) {
                if let Some((key, file)) = self.files.get_key_value(&candidate) {
                    return Some((key.as_str(), file));
                }
            }
        }
        None
    }

    /// "did you mean" for a path [`find`](Self::find) does not find: the
    /// content file in the same folder whose name is a likely typo of it,
    /// as a content-relative path (which `ref`, `relref` and `include` accept).
    pub fn suggest(&self, from: &str, path: &str) -> Option<String> {
        for joined in joined_paths(from, path) {
            let wanted = if joined.ends_with(".md") {
                joined
            } else {
                format!("{joined}.md")
            };
            let (dir, name) = wanted.rsplit_once('/').unwrap_or(("", &wanted));
            let siblings = self.files.keys().filter_map(|k| {
                let (d, n) = k.rsplit_once('/').unwrap_or(("", k));
                (d == dir).then_some(n)
            });
            if let Some(found) = crate::diag::suggest::nearest(name, siblings) {
                let full = if dir.is_empty() {
                    found.to_string()
                } else {
                    format!("{dir}/{found}")
                };
                return Some(format!("did you mean `{full}`?"));
            }
        }
        None
    }
}

/// `base/rel` with `.` and `..` resolved; `None` when it climbs out of the
/// content folder.
fn normalize(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in base.split('/').chain(rel.split(['/', '\\'])) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The files a normalized path may name, most specific first.
fn candidates(path: &str) -> Vec<String> {
    if path.is_empty() {
        return vec!["_index.md".into()];
    }
    if path.ends_with(".md") {
        return vec![path.to_string()];
    }
    vec![
        format!("{path}.md"),
        format!("{path}/index.md"),
        format!("{path}/_index.md"),
    ]
}

/// The content-relative paths `path` may name from the page at `from`: an
/// absolute path from the content root; a relative one from the page's
/// folder, then from the root (the order [`ContentIndex::find`] tries).
fn joined_paths(from: &str, path: &str) -> Vec<String> {
    let path = path.trim();
    let (bases, rel) = match path.strip_prefix('/') {
        Some(rest) => (vec![""], rest),
        None => (vec![from.rsplit_once('/').map_or("", |(d, _)| d), ""], path),
    };
    bases
        .into_iter()
        .filter_map(|base| normalize(base, rel))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> ContentIndex<'static> {
        let mut files = BTreeMap::new();
        for (i, path) in [
            "p05.md",
            "p14/_index.md",
            "p14/links.md",
            "p14/a/b/index.md",
            "p14/urlpage.md",
            "_index.md",
        ]
        .into_iter()
        .enumerate()
        {
            files.insert(
                path.to_string(),
                ContentFile {
                    source: SourceId(i as u32),
                    text: "",
                    body_start: 0,
                    url: Some(format!("/{path}")),
                },
            );
        }
        ContentIndex {
            files,
            base_url: String::new(),
        }
    }

    #[test]
    fn suggestions_for_typos() {
        let index = index();
        let want = Some("did you mean `p14/links.md`?".to_string());
        assert_eq!(index.suggest("p14/urlpage.md", "linsk"), want);
        assert_eq!(index.suggest("", "/p14/link.md"), want);
        assert_eq!(index.suggest("", "p14/zzzzzzzz.md"), None);
    }

    #[test]
    fn paths_resolve_as_hugo_ref_does() {
        let idx = index();
        let name = |from: &str, p: &str| idx.find(from, p).map(|(k, _)| k.to_string());
        assert_eq!(name("x.md", "p05.md").as_deref(), Some("p05.md"));
        assert_eq!(name("x.md", "p05").as_deref(), Some("p05.md"));
        assert_eq!(name("x.md", "/p14").as_deref(), Some("p14/_index.md"));
        assert_eq!(name("x.md", "p14/a/b").as_deref(), Some("p14/a/b/index.md"));
        assert_eq!(
            name("p14/links.md", "a/b").as_deref(),
            Some("p14/a/b/index.md")
        );
        assert_eq!(
            name("p14/links.md", "urlpage.md").as_deref(),
            Some("p14/urlpage.md")
        );
        assert_eq!(name("p14/links.md", "../p05.md").as_deref(), Some("p05.md"));
        assert_eq!(name("p14/links.md", "../../../etc/passwd"), None);
        assert_eq!(name("x.md", "missing.md"), None);
    }
}
