//! The content tree: which files exist and in which order Hugo reads them.
//!
//! Input: the content folder (walked in sorted order) and each file's front
//! matter. Output: the pages in reading order with their section nesting.
//! Folders with `_index.md` are sections; a folder without one belongs to
//! the nearest section above it. Siblings sort as Hugo's default page order:
//! by weight (pages without a weight, i.e. 0, after all weighted pages),
//! then title, then path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diag::{Diagnostic, Diagnostics, SourceId};
use crate::model::PageKind;

use super::{FrontMatter, SitePage};

/// Content-relative paths (`/`-separated) of every `.md` entry under `dir`,
/// sorted. Hidden entries are skipped; symlinked folders are not followed; a
/// symlinked `.md` file is kept only when it stays inside the site (`root`,
/// canonical), else it is reported and never opened. Other non-folder `.md`
/// entries (a FIFO, a device) are kept, so the page reader refuses them
/// with an error instead of leaving them out silently.
pub(super) fn walk_markdown(dir: &Path, root: &Path, diags: &mut Diagnostics) -> Vec<String> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        diags.push(
            Diagnostic::file_error(&super::display_path(dir), "content folder does not exist")
                .with_code(crate::diag::Code::NoContent),
        );
        return files;
    }
    let mut stack = vec![String::new()];
    while let Some(rel) = stack.pop() {
        let path = if rel.is_empty() {
            dir.to_path_buf()
        } else {
            dir.join(&rel)
        };
        let entries = match std::fs::read_dir(&path) {
            Ok(e) => e,
            Err(e) => {
                diags.push(
                    Diagnostic::file_error(
                        &super::display_path(&path),
                        format!("cannot read folder: {}", crate::diag::library::io(&e)),
                    )
                    .with_code(crate::diag::Code::UnreadableFile),
                );
                continue;
            }
        };
        let mut names: Vec<(String, bool)> = Vec::new();
        for entry in entries.flatten() {
            let Ok(name) = entry.file_name().into_string() else {
                diags.push(
                    Diagnostic::file_error(
                        &super::display_path(&entry.path()),
                        "file name is not valid UTF-8",
                    )
                    .with_code(crate::diag::Code::NotUtf8),
                );
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let is_dir = kind.is_dir();
            let is_md = !is_dir && name.ends_with(".md");
            if kind.is_symlink()
                && is_md
                && let Err(e) = super::confine::confine(root, &entry.path())
            {
                diags.push(super::confine::diagnostic(
                    crate::diag::Location::File(super::display_path(&entry.path()), None),
                    "page",
                    &e,
                ));
                continue;
            }
            if is_dir || is_md {
                names.push((name, is_dir));
            }
        }
        names.sort();
        let child = |name: &str| {
            if rel.is_empty() {
                name.to_string()
            } else {
                format!("{rel}/{name}")
            }
        };
        for (name, is_dir) in names.iter().rev() {
            if *is_dir {
                stack.push(child(name));
            }
        }
        for (name, is_dir) in &names {
            if !is_dir {
                files.push(child(name));
            }
        }
    }
    files.sort();
    files
}

/// The folder part of a content path (`a/b/c.md` → `a/b`, `c.md` → ``).
fn folder_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The parent folder of a folder (`a/b` → `Some("a")`, `a` → `Some("")`, `` → `None`).
fn parent_folder(folder: &str) -> Option<&str> {
    if folder.is_empty() {
        None
    } else {
        Some(folder.rsplit_once('/').map_or("", |(dir, _)| dir))
    }
}

/// Hugo's default sort key: weighted pages first by weight, then title, then path.
fn sort_key(front: &FrontMatter, rel: &str) -> (bool, i64, String, String) {
    (
        front.weight == 0,
        front.weight,
        front.title.clone().unwrap_or_default(),
        rel.to_string(),
    )
}

/// Orders loaded files into reading order with depth and parent.
pub(super) fn order_pages(files: Vec<(String, SourceId, FrontMatter, usize)>) -> Vec<SitePage> {
    let is_index = |rel: &str| rel == "_index.md" || rel.ends_with("/_index.md");
    let sections: BTreeMap<String, usize> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| is_index(&f.0))
        .map(|(i, f)| (folder_of(&f.0).to_string(), i))
        .collect();
    // The section owning a folder: nearest ancestor-or-self with `_index.md`,
    // the content root's own `_index.md` (the home page) excepted.
    let owner = |mut folder: Option<&str>| -> Option<usize> {
        while let Some(f) = folder {
            if f.is_empty() {
                return None;
            }
            if let Some(&i) = sections.get(f) {
                return Some(i);
            }
            folder = parent_folder(f);
        }
        None
    };
    let mut children: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
    let mut home = None;
    for (i, (rel, ..)) in files.iter().enumerate() {
        if rel == "_index.md" {
            home = Some(i);
            continue;
        }
        let folder = folder_of(rel);
        let parent = if is_index(rel) {
            owner(parent_folder(folder))
        } else {
            owner(Some(folder))
        };
        children.entry(parent).or_default().push(i);
    }
    for list in children.values_mut() {
        list.sort_by_cached_key(|&i| sort_key(&files[i].2, &files[i].0));
    }
    let mut order: Vec<(usize, usize, Option<usize>)> = Vec::with_capacity(files.len());
    let mut stack: Vec<(usize, usize, Option<usize>)> = Vec::new();
    if let Some(list) = children.get(&None) {
        stack.extend(list.iter().rev().map(|&i| (i, 0, None)));
    }
    if let Some(h) = home {
        stack.push((h, 0, None));
    }
    while let Some((i, depth, parent)) = stack.pop() {
        order.push((i, depth, parent));
        if home != Some(i)
            && let Some(list) = children.get(&Some(i))
        {
            stack.extend(list.iter().rev().map(|&c| (c, depth + 1, Some(i))));
        }
    }
    let mut position = vec![usize::MAX; files.len()];
    for (pos, &(i, ..)) in order.iter().enumerate() {
        if let Some(p) = position.get_mut(i) {
            *p = pos;
        }
    }
    let mut slots: Vec<Option<(String, SourceId, FrontMatter, usize)>> =
        files.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(i, depth, parent)| {
            let (rel_path, source, front, body_start) = slots.get_mut(i)?.take()?;
            Some(SitePage {
                kind: if is_index(&rel_path) {
                    PageKind::Section
                } else {
                    PageKind::Page
                },
                source,
                rel_path,
                depth,
                parent: parent.and_then(|p| position.get(p).copied()),
                front,
                body_start,
                cascaded_from: BTreeMap::new(),
            })
        })
        .collect()
}

/// Sets apart the Markdown files that are resources of a leaf bundle: every
/// file inside a folder that has an `index.md` (Hugo's leaf bundle), other
/// than that `index.md` itself. They are no pages (Hugo renders none). A
/// top-level `index.md` is not taken as a bundle of the whole site.
///
/// Returns the pages and, apart, the bundle resources (which shortcodes such
/// as `include` may still read).
pub(super) fn split_bundle_resources(files: Vec<String>) -> (Vec<String>, Vec<String>) {
    let bundles: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.strip_suffix("/index.md").map(str::to_string))
        .collect();
    files.into_iter().partition(|f| {
        let mut folder = Some(folder_of(f));
        let is_index = f.ends_with("/index.md");
        let mut first = true;
        while let Some(dir) = folder {
            let own_index = first && is_index;
            if !own_index && bundles.contains(dir) {
                return false;
            }
            first = false;
            folder = parent_folder(dir);
        }
        true
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, weight: i64, title: &str) -> (String, SourceId, FrontMatter, usize) {
        let front = FrontMatter {
            title: Some(title.into()),
            weight,
            ..FrontMatter::default()
        };
        (rel.into(), SourceId(0), front, 0)
    }

    #[test]
    fn hugo_order_and_nesting() {
        let pages = order_pages(vec![
            file("_index.md", 0, "Home"),
            file("admin/_index.md", 2, "Admin"),
            file("admin/b.md", 0, "B unweighted"),
            file("admin/a.md", 5, "A"),
            file("admin/deep/x.md", 1, "X in folder without index"),
            file("admin/sub/_index.md", 3, "Sub"),
            file("admin/sub/s.md", 1, "S"),
            file("login/_index.md", 1, "Login"),
            file("login/z.md", 1, "Same weight Z"),
            file("login/y.md", 1, "Same weight Y"),
        ]);
        let got: Vec<(&str, usize, Option<&str>)> = pages
            .iter()
            .map(|p| {
                let parent = p.parent.map(|i| pages[i].rel_path.as_str());
                (p.rel_path.as_str(), p.depth, parent)
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("_index.md", 0, None),
                ("login/_index.md", 0, None),
                ("login/y.md", 1, Some("login/_index.md")),
                ("login/z.md", 1, Some("login/_index.md")),
                ("admin/_index.md", 0, None),
                ("admin/deep/x.md", 1, Some("admin/_index.md")),
                ("admin/sub/_index.md", 1, Some("admin/_index.md")),
                ("admin/sub/s.md", 2, Some("admin/sub/_index.md")),
                ("admin/a.md", 1, Some("admin/_index.md")),
                ("admin/b.md", 1, Some("admin/_index.md")),
            ]
        );
        assert_eq!(pages[1].kind, PageKind::Section);
        assert_eq!(pages[2].kind, PageKind::Page);
    }

    #[test]
    fn leaf_bundle_resources_are_no_pages() {
        let files = [
            "p14/_index.md",
            "p14/a/b/index.md",
            "p14/a/b/notes/n.md",
            "p14/headless/index.md",
            "p14/headless/part.md",
            "p14/links.md",
        ];
        let (kept, resources) =
            split_bundle_resources(files.iter().map(|f| f.to_string()).collect());
        assert_eq!(
            resources,
            vec!["p14/a/b/notes/n.md", "p14/headless/part.md"]
        );
        assert_eq!(
            kept,
            vec![
                "p14/_index.md",
                "p14/a/b/index.md",
                "p14/headless/index.md",
                "p14/links.md"
            ]
        );
    }
}
