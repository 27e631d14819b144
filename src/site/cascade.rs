//! Hugo's `cascade:` front matter over the content tree.
//!
//! Input: the pages in reading order with their section parents (the home
//! page `_index.md` is the ancestor of every top-level page). Output: the
//! same pages with cascaded `enabled`, `disabled`, `draft`, `_build.render`
//! and params applied, and, per page, which section's `cascade:` each value
//! came from ([`SitePage::cascaded_from`]). As in Hugo 0.111: a cascade
//! reaches the section that declares it and every page below it (pages in
//! folders without `_index.md` included); the nearest declaring ancestor
//! wins, and a page's own front matter wins over any cascade.

use std::collections::BTreeMap;

use super::SitePage;

/// One cascaded value and the index of the page that declared it.
type From<T> = Option<(T, usize)>;

/// The cascade in force at one point of the tree.
#[derive(Debug, Clone, Default)]
struct InForce {
    enabled: From<Vec<String>>,
    disabled: From<Vec<String>>,
    draft: From<bool>,
    no_render: From<bool>,
    params: BTreeMap<String, (String, usize)>,
}

impl InForce {
    /// `self` overlaid with the cascade page `index` declares.
    fn with(&self, page: &SitePage, index: usize) -> InForce {
        let mut next = self.clone();
        if let Some(c) = &page.front.cascade {
            if let Some(v) = &c.enabled {
                next.enabled = Some((v.clone(), index));
            }
            if let Some(v) = &c.disabled {
                next.disabled = Some((v.clone(), index));
            }
            if let Some(v) = c.draft {
                next.draft = Some((v, index));
            }
            if let Some(v) = c.no_render {
                next.no_render = Some((v, index));
            }
            for (k, v) in &c.params {
                next.params.insert(k.clone(), (v.clone(), index));
            }
        }
        next
    }
}

/// Applies every `cascade:` of `pages` (in reading order, parents first).
pub(super) fn apply(pages: &mut [SitePage]) {
    let home = pages.iter().position(|p| p.rel_path == "_index.md");
    // The cascade each page hands to its children (its inherited one
    // overlaid with its own).
    let mut handed: Vec<InForce> = Vec::with_capacity(pages.len());
    let root = match home {
        Some(h) => pages.get(h).map(|p| InForce::default().with(p, h)),
        None => None,
    }
    .unwrap_or_default();
    for i in 0..pages.len() {
        let Some(page) = pages.get(i) else { break };
        let inherited = match page.parent {
            Some(p) => handed.get(p).cloned().unwrap_or_default(),
            None if home == Some(i) => InForce::default(),
            None => root.clone(),
        };
        let own = inherited.with(page, i);
        if let Some(page) = pages.get_mut(i) {
            apply_one(page, &own);
        }
        handed.push(own);
    }
}

/// Sets the values a page does not set itself from the cascade in force.
fn apply_one(page: &mut SitePage, cascade: &InForce) {
    let front = &mut page.front;
    if front.enabled.is_none()
        && let Some((v, from)) = &cascade.enabled
    {
        front.enabled = Some(v.clone());
        page.cascaded_from.insert("enabled".into(), *from);
    }
    if front.disabled.is_none()
        && let Some((v, from)) = &cascade.disabled
    {
        front.disabled = Some(v.clone());
        page.cascaded_from.insert("disabled".into(), *from);
    }
    if !front.own.draft
        && let Some((v, from)) = cascade.draft
    {
        front.draft = v;
        page.cascaded_from.insert("draft".into(), from);
    }
    if !front.own.render
        && let Some((v, from)) = cascade.no_render
    {
        front.no_render = v;
        page.cascaded_from.insert("_build".into(), from);
    }
    for (k, (v, _)) in &cascade.params {
        front.params.entry(k.clone()).or_insert_with(|| v.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceId;
    use crate::site::frontmatter::parse_front_matter;

    fn load(files: &[(&str, &str)]) -> Vec<SitePage> {
        let loaded = files
            .iter()
            .map(|(rel, text)| {
                let (front, body) = parse_front_matter(text, SourceId(0)).expect("front matter");
                (rel.to_string(), SourceId(0), front, body)
            })
            .collect();
        let mut pages = super::super::tree::order_pages(loaded);
        apply(&mut pages);
        pages
    }

    #[test]
    fn cascade_reaches_the_section_and_everything_below() {
        let pages = load(&[
            (
                "p14/_index.md",
                "---\ntitle: S\ncascade:\n  region_note: 継承\n  disabled: [CN]\n---\n",
            ),
            ("p14/a.md", "---\ntitle: A\n---\n"),
            ("p14/sub/deep.md", "---\ntitle: Deep\n---\n"),
            (
                "p14/own.md",
                "---\ntitle: Own\ndisabled: [US]\nregion_note: 自分\n---\n",
            ),
            (
                "p14/inner/_index.md",
                "---\ntitle: I\ncascade:\n  disabled: [JP]\n---\n",
            ),
            ("p14/inner/x.md", "---\ntitle: X\n---\n"),
            ("other.md", "---\ntitle: O\n---\n"),
        ]);
        let by = |rel: &str| pages.iter().find(|p| p.rel_path == rel).expect(rel);
        let section = pages.iter().position(|p| p.rel_path == "p14/_index.md");
        for rel in ["p14/_index.md", "p14/a.md", "p14/sub/deep.md"] {
            assert_eq!(
                by(rel).front.disabled,
                Some(vec!["CN".to_string()]),
                "{rel}"
            );
            assert_eq!(by(rel).front.params["region_note"], "継承", "{rel}");
            assert_eq!(by(rel).cascaded_from.get("disabled").copied(), section);
        }
        assert_eq!(
            by("p14/own.md").front.disabled,
            Some(vec!["US".to_string()])
        );
        assert_eq!(by("p14/own.md").front.params["region_note"], "自分");
        assert!(!by("p14/own.md").cascaded_from.contains_key("disabled"));
        assert_eq!(
            by("p14/inner/x.md").front.disabled,
            Some(vec!["JP".to_string()])
        );
        assert_eq!(by("p14/inner/x.md").front.params["region_note"], "継承");
        assert_eq!(by("other.md").front.disabled, None);
    }

    #[test]
    fn home_cascade_and_build_options() {
        let pages = load(&[
            (
                "_index.md",
                "---\ntitle: H\ncascade:\n  _build:\n    render: never\n  draft: true\n---\n",
            ),
            ("a.md", "---\ntitle: A\ndraft: false\n---\n"),
            (
                "s/_index.md",
                "---\ntitle: S\nbuild:\n  render: always\n---\n",
            ),
            ("s/b.md", "---\ntitle: B\n---\n"),
        ]);
        let by = |rel: &str| pages.iter().find(|p| p.rel_path == rel).expect(rel);
        assert!(by("_index.md").front.no_render && by("_index.md").front.draft);
        assert!(!by("a.md").front.draft && by("a.md").front.no_render);
        assert!(!by("s/_index.md").front.no_render);
        assert!(by("s/b.md").front.no_render && by("s/b.md").front.draft);
    }
}
