//! The regions of a build while their outputs render: each region's book
//! alive only from the first of its output jobs to the last, and one
//! paragraph layout cache per set of fonts.
//!
//! Input: per region, the function that builds and checks its book (run
//! once, up front for the regions whose outputs start first, or by the first
//! output job that needs it), the number of its output jobs and its watch
//! cache. Output: the book shared by the region's output jobs and dropped
//! after the last one, then the region's diagnostics, page count and cache.
//! A book is the largest value of a region besides its PDF's layout (about
//! 48 MiB at 1000 pages): building a later region's book only when its first
//! output starts keeps it out of the peak while the first two PDFs are laid
//! out side by side (docs/benchmarks.md, "Round 6: memory").

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::cache::RegionCache;
use crate::diag::Diagnostics;
use crate::epub::PackageCache;
use crate::layout::inline::LayoutCache;
use crate::model::{Book, FontChoice};

/// What building and checking one region's book gave.
#[derive(Debug)]
pub(super) struct Prepared {
    /// Pages of the book, when one was built (even with errors).
    pub(super) pages: Option<usize>,
    /// The book, when its outputs may be rendered (no error).
    pub(super) book: Option<Book>,
    /// What building and checking it reported (tagged with the region).
    pub(super) diags: Diagnostics,
}

/// One region of the build, from its book's building to its last output.
#[derive(Debug)]
pub(super) struct RegionSlot {
    /// Index into the site's regions.
    pub(super) region: usize,
    /// The region's code.
    pub(super) code: String,
    /// The region's previous EPUB (`tebiki watch`).
    pub(super) package: Option<Arc<PackageCache>>,
    /// Output jobs of the region not yet done.
    jobs_left: AtomicUsize,
    state: Mutex<SlotState>,
}

/// What a slot holds.
#[derive(Debug)]
struct SlotState {
    stage: Stage,
    cache: Option<RegionCache>,
    diags: Diagnostics,
    pages: Option<usize>,
}

/// Where a region's book is.
#[derive(Debug)]
enum Stage {
    /// Not built yet.
    Pending,
    /// Built without error, shared by the output jobs.
    Ready(Arc<Book>),
    /// Not built, or built with errors: nothing to render.
    Failed,
    /// Every output job is done; the book is dropped.
    Done,
}

/// A region's parts once its outputs are rendered.
#[derive(Debug)]
pub(super) struct SlotParts {
    /// What building and checking the book reported.
    pub(super) diags: Diagnostics,
    /// Pages of the book, when one was built.
    pub(super) pages: Option<usize>,
    /// The region's watch cache, when the build keeps one.
    pub(super) cache: Option<RegionCache>,
}

impl RegionSlot {
    /// A region (index `region`, code `code`) whose book is not built yet,
    /// with `jobs` output jobs and its watch cache when the build keeps one.
    pub(super) fn new(
        region: usize,
        code: String,
        cache: Option<RegionCache>,
        jobs: usize,
    ) -> RegionSlot {
        RegionSlot {
            region,
            code,
            package: cache.as_ref().map(|c| Arc::clone(&c.epub)),
            jobs_left: AtomicUsize::new(jobs),
            state: Mutex::new(SlotState {
                stage: Stage::Pending,
                cache,
                diags: Diagnostics::new(),
                pages: None,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, SlotState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Builds the book with `build` (given the region's watch cache) unless
    /// it was built before; another job of the region waits meanwhile.
    pub(super) fn prepare(&self, build: impl FnOnce(Option<&mut RegionCache>) -> Prepared) {
        let mut state = self.lock();
        if !matches!(state.stage, Stage::Pending) {
            return;
        }
        let prepared = build(state.cache.as_mut());
        state.pages = prepared.pages;
        state.diags = prepared.diags;
        state.stage = match prepared.book {
            Some(book) => Stage::Ready(Arc::new(book)),
            None => Stage::Failed,
        };
    }

    /// The region's book (built by `build` if no job built it yet), or
    /// `None` when it has nothing to render.
    pub(super) fn book(
        &self,
        build: impl FnOnce(Option<&mut RegionCache>) -> Prepared,
    ) -> Option<Arc<Book>> {
        self.prepare(build);
        self.built()
    }

    /// The book if it is built and renderable now (no building).
    pub(super) fn built(&self) -> Option<Arc<Book>> {
        match &self.lock().stage {
            Stage::Ready(book) => Some(Arc::clone(book)),
            Stage::Pending | Stage::Failed | Stage::Done => None,
        }
    }

    /// One output job of the region is done; after the last, the slot
    /// drops its book (freed once the jobs' own handles are dropped).
    pub(super) fn job_done(&self) {
        if self.jobs_left.fetch_sub(1, Ordering::AcqRel) == 1 {
            let mut state = self.lock();
            if matches!(state.stage, Stage::Ready(_)) {
                state.stage = Stage::Done;
            }
        }
    }

    /// The region's diagnostics, page count and watch cache.
    pub(super) fn into_parts(self) -> SlotParts {
        let state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        SlotParts {
            diags: state.diags,
            pages: state.pages,
            cache: state.cache,
        }
    }
}

/// The paragraph layout caches of a build's PDFs, one per set of fonts: a
/// paragraph's layout is keyed by its fonts' bytes, so regions with other
/// fonts never hit each other's paragraphs, and with a cache of its own
/// each region's lines are freed as soon as its layout ends instead of
/// when the last layout running beside it ends. The watch loop's one kept
/// cache serves every region.
#[derive(Debug)]
pub(super) struct LayoutCaches {
    kept: Option<Arc<LayoutCache>>,
    by_fonts: Mutex<Vec<(FontChoice, Arc<LayoutCache>)>>,
}

impl LayoutCaches {
    /// Caches made per set of fonts, or `kept` for every region.
    pub(super) fn new(kept: Option<Arc<LayoutCache>>) -> LayoutCaches {
        LayoutCaches {
            kept,
            by_fonts: Mutex::new(Vec::new()),
        }
    }

    /// The cache of the regions that use `fonts` (a single run's empties
    /// itself whenever none of their layouts runs).
    pub(super) fn for_fonts(&self, fonts: &FontChoice) -> Arc<LayoutCache> {
        if let Some(kept) = &self.kept {
            return Arc::clone(kept);
        }
        let mut caches = self.by_fonts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, cache)) = caches.iter().find(|(choice, _)| choice == fonts) {
            return Arc::clone(cache);
        }
        let cache = Arc::new(LayoutCache::emptied_when_idle());
        caches.push((fonts.clone(), Arc::clone(&cache)));
        cache
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::book;

    fn prepared(pages: usize, renderable: bool) -> Prepared {
        let mut b = book(0, vec![]);
        b.region.code = "R".into();
        Prepared {
            pages: Some(pages),
            book: renderable.then_some(b),
            diags: Diagnostics::new(),
        }
    }

    #[test]
    fn a_book_is_built_once_and_dropped_after_its_last_job() {
        let slot = RegionSlot::new(0, "R".into(), None, 2);
        let builds = AtomicUsize::new(0);
        let build = |_: Option<&mut RegionCache>| {
            builds.fetch_add(1, Ordering::SeqCst);
            prepared(7, true)
        };
        assert!(slot.built().is_none(), "built before any job asked");
        let first = slot.book(build);
        let second = slot.book(build);
        assert_eq!(builds.load(Ordering::SeqCst), 1);
        let (Some(first), Some(second)) = (first, second) else {
            panic!("no book");
        };
        assert!(Arc::ptr_eq(&first, &second));
        let weak = Arc::downgrade(&first);
        drop((first, second));
        slot.job_done();
        assert!(weak.upgrade().is_some(), "dropped before its last job");
        slot.job_done();
        assert!(weak.upgrade().is_none(), "kept after its last job");
        assert!(slot.built().is_none());
        let parts = slot.into_parts();
        assert_eq!(parts.pages, Some(7));
    }

    #[test]
    fn a_region_with_errors_renders_nothing_but_keeps_its_count() {
        let slot = RegionSlot::new(0, "R".into(), None, 1);
        assert!(slot.book(|_| prepared(3, false)).is_none());
        slot.job_done();
        assert_eq!(slot.into_parts().pages, Some(3));
    }

    #[test]
    fn regions_share_a_layout_cache_only_with_the_same_fonts() {
        let caches = LayoutCaches::new(None);
        let default = FontChoice::default();
        let other = FontChoice {
            body: Some("NotoSansSC-Regular.otf".into()),
            ..FontChoice::default()
        };
        let a = caches.for_fonts(&default);
        assert!(Arc::ptr_eq(&a, &caches.for_fonts(&default)));
        assert!(!Arc::ptr_eq(&a, &caches.for_fonts(&other)));
        let kept = Arc::new(LayoutCache::new());
        let watch = LayoutCaches::new(Some(Arc::clone(&kept)));
        assert!(Arc::ptr_eq(&watch.for_fonts(&default), &kept));
        assert!(Arc::ptr_eq(&watch.for_fonts(&other), &kept));
    }
}
