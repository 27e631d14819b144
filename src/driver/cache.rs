//! The build cache `tebiki watch` keeps from one rebuild to the next, so an
//! edit to one page does again only the work that depends on it.
//!
//! Input: what a build reads (the loaded site's [`Sources`], each region's
//! pages as built by `book::build_page`, each EPUB's files). Output: for each
//! region, the pages whose inputs are unchanged (their model before link
//! resolution, with the diagnostics building them gave), and per region the
//! previous EPUB package ([`PackageCache`], whose unchanged entries are
//! copied still compressed). The decoded images ([`ImageStore`]) are kept
//! too while only Markdown pages change, and the paragraph layouts
//! ([`LayoutCache`], keyed by their content) for every rebuild.
//!
//! Keys are the inputs themselves, compared exactly (no hash, so no
//! collision can serve a stale page):
//! - per region, [`region_inputs`]: the region code, the configuration as
//!   loaded (every region's settings, Hugo config files included), the path
//!   of every file read (in reading order, so every `SourceId` means the same file), the
//!   whole text of every file that is not a content page or a bundle
//!   resource (`tebiki.toml`, Hugo configs, layouts read so far) and the
//!   front matter of every page (titles, URLs, cascades, regions: what other
//!   pages' `ref`, `relref` and sections read). Any change there drops the
//!   region's pages;
//! - per page, the whole text of the page and of every file its resolution
//!   read (`include`d files, found through its shortcode calls).
//!
//! Everything after page building (anchors, link resolution, layout, XHTML)
//! runs again on every build from the cached pages, so the result is the
//! same as a fresh build's, byte for byte (`tests/it/watch_cache.rs`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::assets::ImageStore;
use crate::diag::{Diagnostics, SourceId, Sources};
use crate::epub::PackageCache;
use crate::layout::inline::LayoutCache;
use crate::model::Page;
use crate::shortcode::{CallKind, ResolvedPage};
use crate::site::Site;

/// What a rebuild may reuse from the builds before it.
#[derive(Debug, Default)]
pub struct BuildCache {
    /// Decoded and prepared images (dropped by [`BuildCache::forget_images`]).
    pub(super) images: ImageStore,
    /// Per region code.
    pub(super) regions: BTreeMap<String, RegionCache>,
    /// Pages reused and built by the last run.
    pub(super) last: CacheStats,
    /// Laid-out paragraphs, kept across rebuilds (content-keyed, so an
    /// unchanged paragraph is not shaped and broken again); `None` for a
    /// single run, whose layout cache empties itself after its last PDF.
    pub(super) layouts: Option<Arc<LayoutCache>>,
    /// Whether pages and EPUB packages are kept for a next run (`false`
    /// for a single run: keeping them would hold a second copy of every
    /// region's pages and of each EPUB until the end of the run).
    pub(super) keeps: bool,
}

/// How much a run took from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Pages taken from the cache (summed over regions).
    pub pages_reused: usize,
    /// Pages resolved and parsed again.
    pub pages_built: usize,
}

impl BuildCache {
    /// An empty cache: the first run builds everything. Paragraph layouts
    /// are kept from one run to the next (unchanged paragraphs are not
    /// broken into lines again).
    pub fn new() -> BuildCache {
        BuildCache {
            layouts: Some(Arc::new(LayoutCache::new())),
            keeps: true,
            ..BuildCache::default()
        }
    }

    /// A cache for one run only (`tebiki build`): nothing is kept for a
    /// next run (no pages, no EPUB packages), so the paragraph layouts are
    /// freed after the last PDF.
    pub(super) fn single_run() -> BuildCache {
        BuildCache::default()
    }

    /// Starts a fresh image cache (an image, a layout or a font changed:
    /// decoded images must be read again).
    pub fn forget_images(&mut self) {
        self.images = ImageStore::new();
    }

    /// What the last run reused.
    pub fn stats(&self) -> CacheStats {
        self.last
    }
}

/// One region's cached pages and EPUB package.
#[derive(Debug, Default)]
pub(super) struct RegionCache {
    /// The region's inputs besides page bodies ([`region_inputs`]).
    inputs: Vec<u8>,
    /// Pages by content-relative path.
    pages: HashMap<String, CachedPage>,
    /// The previous EPUB of the region.
    pub(super) epub: Arc<PackageCache>,
    /// Pages reused by the builds since [`RegionCache::take_counts`].
    reused: usize,
    /// Pages built by them.
    built: usize,
}

/// What a build did with one page: took it from the cache, or built it
/// (the entry to keep).
#[derive(Debug)]
pub(super) enum Reuse {
    /// Taken from the cache (by content-relative path).
    Kept(String),
    /// Built again.
    Built(String, Box<CachedPage>),
}

/// A page as `book::build_page` made it (before ids, anchors and links).
#[derive(Debug, Clone)]
pub(super) struct CachedPage {
    /// The files its resolution read, with their text then (the page's own
    /// file first).
    deps: Vec<(SourceId, String)>,
    /// The page.
    pub(super) page: Page,
    /// What building it reported.
    pub(super) diags: Diagnostics,
}

impl RegionCache {
    /// Keeps the pages only if the region's inputs are unchanged.
    pub(super) fn validate(&mut self, inputs: Vec<u8>) {
        if self.inputs != inputs {
            self.pages.clear();
            self.inputs = inputs;
        }
    }

    /// The cached page at `rel_path`, if every file it read is unchanged.
    pub(super) fn lookup(&self, rel_path: &str, sources: &Sources) -> Option<&CachedPage> {
        let cached = self.pages.get(rel_path)?;
        let fresh = cached.deps.iter().all(|(id, text)| {
            sources
                .get(*id)
                .is_some_and(|file| file.text.as_str() == text.as_str())
        });
        fresh.then_some(cached)
    }

    /// Replaces the pages by those of this build (kept or built again);
    /// pages this build did not use are dropped.
    pub(super) fn replace_pages(&mut self, pages: Vec<Reuse>) {
        let mut old = std::mem::take(&mut self.pages);
        for reuse in pages {
            match reuse {
                Reuse::Kept(rel) => {
                    self.reused += 1;
                    if let Some(entry) = old.remove(&rel) {
                        self.pages.insert(rel, entry);
                    }
                }
                Reuse::Built(rel, entry) => {
                    self.built += 1;
                    self.pages.insert(rel, *entry);
                }
            }
        }
    }

    /// Pages reused and built since the counts were last taken.
    pub(super) fn take_counts(&mut self) -> (usize, usize) {
        (
            std::mem::take(&mut self.reused),
            std::mem::take(&mut self.built),
        )
    }
}

impl CachedPage {
    /// A page built from `resolved` (which names the files it read).
    pub(super) fn new(
        resolved: &ResolvedPage,
        sources: &Sources,
        page: Page,
        diags: Diagnostics,
    ) -> CachedPage {
        let mut ids = vec![resolved.source];
        for call in &resolved.calls {
            let inner = match &call.kind {
                CallKind::Admonition { inner, .. } => inner.as_ref(),
                CallKind::Heading { inner, .. }
                | CallKind::Code { inner, .. }
                | CallKind::Include { inner } => Some(inner),
                CallKind::Screen { .. } => None,
            };
            if let Some(inner) = inner
                && !ids.contains(&inner.map.source)
            {
                ids.push(inner.map.source);
            }
        }
        let deps = ids
            .into_iter()
            .filter_map(|id| Some((id, sources.get(id)?.text.clone())))
            .collect();
        CachedPage { deps, page, diags }
    }
}

/// The inputs of `region`'s pages besides their own bodies (see the module
/// header): a byte string compared exactly from one build to the next.
pub(super) fn region_inputs(site: &Site, sources: &Sources, region: &str) -> Vec<u8> {
    // Per source: the length of its text that counts here (content pages:
    // their front matter; bundle resources: none, their readers list them).
    let mut counted: HashMap<SourceId, usize> = HashMap::new();
    for page in &site.pages {
        counted.insert(page.source, page.body_start);
    }
    for resource in &site.resources {
        counted.insert(resource.source, 0);
    }
    let mut out = Vec::new();
    let mut field = |bytes: &[u8]| {
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(bytes);
    };
    field(region.as_bytes());
    // The configuration as loaded (Hugo config files are read outside
    // `Sources`): its Debug text holds no hash map, so it is stable.
    let settings = format!("{:?}\n{:?}", site.config, site.regions);
    field(settings.as_bytes());
    for (id, file) in sources.iter() {
        field(file.path.to_string_lossy().as_bytes());
        let text = file.text.as_bytes();
        let len = counted.get(&id).map_or(text.len(), |&n| n.min(text.len()));
        field(text.get(..len).unwrap_or(text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_inputs_see_front_matter_and_config_but_not_bodies() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("tebiki.toml", "[book]\ntitle = \"t\"\n[regions.JP]\n");
        write("content/a.md", "---\ntitle: A\n---\nbody one\n");
        let inputs = || {
            let mut sources = Sources::new();
            let mut diags = Diagnostics::new();
            let site = crate::site::load(dir.path(), &mut sources, &mut diags).unwrap();
            region_inputs(&site, &sources, "JP")
        };
        let first = inputs();
        write("content/a.md", "---\ntitle: A\n---\nbody two\n");
        assert_eq!(inputs(), first, "a body edit keeps the region's pages");
        write("content/a.md", "---\ntitle: B\n---\nbody two\n");
        let retitled = inputs();
        assert_ne!(retitled, first, "a title edit drops them");
        write("tebiki.toml", "[book]\ntitle = \"u\"\n[regions.JP]\n");
        assert_ne!(inputs(), retitled, "so does a configuration edit");
    }
}
