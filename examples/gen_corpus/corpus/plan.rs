//! The shape of the site before any page is written: sections, pages,
//! titles, weights, URLs and heading anchors.
//!
//! Input: the random source and a page count. Output: a [`SitePlan`] that
//! page writers read to make cross-page links that point at pages and
//! anchors which exist.

use std::collections::BTreeSet;

use super::Gen;
use super::vocab;

/// URL prefix of the help site (`book.url_prefix` in `tebiki.toml`).
pub(super) const URL_PREFIX: &str = "/general/ja/";

/// Deepest section nesting (0 is top level).
const MAX_SECTION_DEPTH: usize = 2;

/// How a page's front matter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FrontMatter {
    /// `---` YAML.
    Yaml,
    /// `+++` TOML.
    Toml,
}

/// A heading with an explicit `{#anchor}` that other pages may link to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AnchoredHeading {
    /// Heading text (may contain variable shortcodes).
    pub text: String,
    /// The anchor.
    pub anchor: String,
}

/// One Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PagePlan {
    /// Content-relative path, e.g. `admin/list_user/add_user.md`.
    pub path: String,
    /// Site URL other pages link to.
    pub url: String,
    /// Title (may contain a variable shortcode).
    pub title: String,
    /// Front matter weight.
    pub weight: u32,
    /// Whether this is a section's `_index.md`.
    pub section: bool,
    /// Front matter syntax.
    pub front: FrontMatter,
    /// Page-level region rule written in front matter: the key
    /// (`enabled` or `disabled`) and its region codes.
    pub region_rule: Option<(&'static str, &'static [&'static str])>,
    /// `##` headings with anchors, in order.
    pub headings: Vec<AnchoredHeading>,
}

/// Every page of the site, sections first within their folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SitePlan {
    /// All pages in generation order.
    pub pages: Vec<PagePlan>,
    /// Indexes of pages every region publishes (safe link targets).
    pub linkable: Vec<usize>,
}

/// A section folder while planning.
struct SectionDraft {
    dir: String,
    depth: usize,
    children: BTreeSet<String>,
}

/// Plans a site of `pages` Markdown files.
pub(super) fn plan(generator: &mut Gen, pages: usize) -> SitePlan {
    let section_count = (pages / 14).clamp(1, pages);
    let top_count = (section_count / 4).clamp(1, 8);
    let mut sections: Vec<SectionDraft> = Vec::with_capacity(section_count);
    let mut out = Vec::with_capacity(pages);
    let mut roots = BTreeSet::new();

    for index in 0..section_count {
        let parent = if index < top_count {
            None
        } else {
            let candidates: Vec<usize> = (0..sections.len())
                .filter(|&i| sections[i].depth < MAX_SECTION_DEPTH)
                .collect();
            Some(*generator.pick(&candidates))
        };
        let (title, slug) = *generator.pick(vocab::SECTIONS);
        let siblings = match parent {
            Some(p) => &mut sections[p].children,
            None => &mut roots,
        };
        let unique = unique_name(siblings, slug);
        let title = match unique.strip_prefix(slug).and_then(|s| s.strip_prefix('_')) {
            Some(n) => format!("{title}（{n}）"),
            None => title.to_owned(),
        };
        let slug = unique;
        let (dir, depth) = match parent {
            Some(p) => (format!("{}/{slug}", sections[p].dir), sections[p].depth + 1),
            None => (slug, 0),
        };
        out.push(PagePlan {
            path: format!("{dir}/_index.md"),
            url: format!("{URL_PREFIX}{dir}/"),
            title,
            weight: generator.range(1, 100) as u32 * 10,
            section: true,
            front: FrontMatter::Yaml,
            region_rule: None,
            headings: Vec::new(),
        });
        sections.push(SectionDraft {
            dir,
            depth,
            children: BTreeSet::new(),
        });
    }

    let mut combos: Vec<(usize, usize)> = (0..vocab::VERBS.len())
        .flat_map(|v| (0..vocab::OBJECTS.len()).map(move |o| (v, o)))
        .collect();
    generator.shuffle(&mut combos);
    let mut used_stems = BTreeSet::new();
    for index in 0..pages - section_count {
        let (verb, object) = combos[index % combos.len()];
        let (verb_text, verb_slug) = vocab::VERBS[verb];
        let (object_text, object_slug) = vocab::OBJECTS[object];
        let stem = unique_name(&mut used_stems, &format!("{verb_slug}_{object_slug}"));
        let section = generator.range(0, sections.len());
        let dir = &sections[section].dir;
        let title = if generator.chance(0.08) {
            format!("{{{{%service%}}}}の{object_text}{verb_text}")
        } else {
            format!("{object_text}{verb_text}")
        };
        let heading_count = generator.range(2, 5);
        let headings = (0..heading_count)
            .map(|k| AnchoredHeading {
                text: heading_text(generator, k),
                anchor: format!("{stem}_{}", (k + 1) * 10),
            })
            .collect();
        let region_rule = match generator.range(0, 40) {
            0 => Some(("disabled", &["CN"][..])),
            1 => Some(("enabled", &["JP", "US"][..])),
            _ => None,
        };
        out.push(PagePlan {
            path: format!("{dir}/{stem}.md"),
            url: format!("{URL_PREFIX}{dir}/{stem}.html"),
            title,
            weight: generator.range(1, 1000) as u32,
            section: false,
            front: if generator.chance(0.1) {
                FrontMatter::Toml
            } else {
                FrontMatter::Yaml
            },
            region_rule,
            headings,
        });
    }

    let linkable = (0..out.len())
        .filter(|&i| out[i].region_rule.is_none())
        .collect();
    SitePlan {
        pages: out,
        linkable,
    }
}

/// Text of the `k`-th anchored heading of a page.
fn heading_text(generator: &mut Gen, k: usize) -> String {
    if generator.chance(0.3) {
        let (object, _) = *generator.pick(vocab::OBJECTS);
        let (verb, _) = *generator.pick(vocab::VERBS);
        format!("方法{} {object}{verb}", k + 1)
    } else {
        let template = *generator.pick(vocab::HEADINGS);
        super::prose::fill(generator, template)
    }
}

/// `base`, or `base_2`, `base_3`… whichever is not yet in `used`; records it.
fn unique_name(used: &mut BTreeSet<String>, base: &str) -> String {
    let mut name = base.to_owned();
    let mut n = 2;
    while used.contains(&name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    used.insert(name.clone());
    name
}

#[cfg(test)]
mod tests {
    #[test]
    fn plans_exactly_the_requested_pages_with_unique_paths() {
        for pages in [1, 5, 300] {
            let site = super::plan(&mut super::Gen::new(7, 0), pages);
            assert_eq!(site.pages.len(), pages);
            let paths: std::collections::BTreeSet<_> =
                site.pages.iter().map(|p| p.path.as_str()).collect();
            assert_eq!(paths.len(), pages);
        }
    }
}
