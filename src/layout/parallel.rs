//! The content pages of one layout pass, laid out on several threads.
//!
//! Input: the book's pages, the pass's [`TextContext`] (fonts, caches, the
//! folios of the previous pass), the assets, the text area's size and the
//! function that lays out one page (`layout::document`'s). Output: the pass's
//! whole [`Flow`] of pieces, its [`ImageRegistry`], its diagnostics (in page
//! order) and the footnote separator: exactly what laying the pages out one
//! after another into one flow gives, byte for byte.
//!
//! The pages are cut into contiguous runs of about equal size (counted in
//! blocks), laid out in rayon's pool, each run with its own block context,
//! flow, image registry and diagnostics, then joined in page order. A page
//! depends on the pages before it only through:
//! - the block context's per-page state, which `BlockContext::begin_page`
//!   resets (notes, placed notes, URL notes, page id and anchor);
//! - the flow's state between pages: every page ends with
//!   `Flow::set_space(0.0)`, so the next starts with that space; a run
//!   after the first starts with it too, and with one placeholder piece, so
//!   that "is this the book's first piece" (`first > 0`, `Flow::take_space`)
//!   answers as it would in the whole flow. The placeholder is removed on
//!   joining. Glue and tag marks still open at a run's end (a page ending
//!   in a heading keeps its next piece with it) go to the next run's first
//!   piece as [`Flow::append`] hands them on; every page starts by pushing
//!   its title's piece, so nothing reads the flow's state before that;
//! - image keys, which follow first use: each run's registry is absorbed in
//!   page order ([`ImageRegistry::absorb`]) and its pieces' keys mapped;
//! - the count of printed page references, a sum (atomic, shared);
//! - the caches (shape runs, paragraph layouts), which change no result.
//!
//! A run whose placeholder was touched or whose end state is not the one
//! the next run assumed makes the whole pass fall back to one thread.
//!
//! Only while no other book is being laid out ([`LayingOut`]): two layouts
//! side by side already keep both cores busy, and layout data spread over
//! more threads' allocator heaps costs memory. A PDF whose layout starts
//! while the others only draw (the last PDF of a build) gets both cores:
//! drawing takes one, and its deflating is short work in the pool.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::assets::Assets;
use crate::diag::Diagnostics;
use crate::layout::flow::paginate::TallImage;
use crate::layout::flow::{BlockContext, Flow, ImageRegistry, Piece, TextContext};
use crate::layout::frame::{FrameItem, ImageKey, Point, Size};
use crate::model::{Book, Page, walk};

/// Runs per thread of the pool: more than one, so a thread that finishes
/// early (its core was free) takes another run.
const RUNS_PER_THREAD: usize = 4;

/// Books being laid out now ([`LayingOut`]).
static LAYOUTS_IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// A book being laid out, from its first pass to its last
/// (`layout::document` holds one). While more than one is, each lays its
/// pages out on its own thread: the cores are busy with both, and layout
/// data spread over the pool's threads costs memory (each thread's
/// allocator heap keeps pages of its own: +12 MiB peak for one 300-page
/// PDF, docs/benchmarks.md, "Round 7: parallel layout"). A PDF that only
/// draws does not count: its drawing takes one core. The outputs are the
/// same either way.
pub(crate) struct LayingOut(());

impl LayingOut {
    /// Counts a layout in until the value is dropped.
    pub(crate) fn enter() -> LayingOut {
        LAYOUTS_IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
        LayingOut(())
    }
}

impl Drop for LayingOut {
    fn drop(&mut self) {
        LAYOUTS_IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Passes laying out their runs in the pool now, and the signal that their
/// number fell.
static PARALLEL_PASSES: (std::sync::Mutex<usize>, std::sync::Condvar) =
    (std::sync::Mutex::new(0), std::sync::Condvar::new());

/// Longest a job waits for the pool ([`wait_while_parallel`]).
const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Waits (at most [`MAX_WAIT`]) while a pass lays out its runs in the
/// pool, so that work started now does not take the cores from it: the
/// driver's short jobs (EPUBs) then run beside the PDF's drawing, which
/// uses one core, rather than its layout, which uses all.
pub(crate) fn wait_while_parallel() {
    let (count, fell) = &PARALLEL_PASSES;
    let guard = count.lock().unwrap_or_else(|e| e.into_inner());
    // A timeout or a poisoned lock only ends the wait early.
    let _ = fell.wait_timeout_while(guard, MAX_WAIT, |passes| *passes > 0);
}

/// Counts a pass laying out in the pool until dropped.
struct InPool(());

impl InPool {
    /// Counts a pass in.
    fn enter() -> InPool {
        let mut count = PARALLEL_PASSES.0.lock().unwrap_or_else(|e| e.into_inner());
        *count += 1;
        InPool(())
    }
}

impl Drop for InPool {
    fn drop(&mut self) {
        let (count, fell) = &PARALLEL_PASSES;
        let mut count = count.lock().unwrap_or_else(|e| e.into_inner());
        *count = count.saturating_sub(1);
        fell.notify_all();
    }
}

/// One run's layout: its flow (after the placeholder, for every run but the
/// first), image registry and diagnostics.
struct RunOut {
    flow: Flow,
    images: ImageRegistry,
    diags: Diagnostics,
}

/// Lays out every page of `book` with `page_fn` into one flow, on as many
/// threads as rayon's pool has (on this thread alone while another PDF
/// is laid out: [`LayingOut`]); returns the flow, the images it uses, and
/// the separator above a sheet's footnotes. Diagnostics go to `diags` in
/// page order.
pub(crate) fn lay_out_pages<F>(
    text: &TextContext,
    book: &Book,
    assets: &Assets,
    area: Size,
    diags: &mut Diagnostics,
    page_fn: F,
) -> (Flow, ImageRegistry, Piece)
where
    F: Fn(&mut BlockContext, &mut Flow, &Page) + Sync,
{
    let threads = rayon::current_num_threads();
    let parts = if threads > 1 && LAYOUTS_IN_FLIGHT.load(Ordering::Relaxed) <= 1 {
        threads * RUNS_PER_THREAD
    } else {
        1
    };
    let runs = runs(&book.pages, parts);
    lay_out_runs(text, book, assets, area, diags, &page_fn, &runs)
}

/// [`lay_out_pages`] over the given runs of pages (contiguous, in order,
/// covering every page).
fn lay_out_runs<F>(
    text: &TextContext,
    book: &Book,
    assets: &Assets,
    area: Size,
    diags: &mut Diagnostics,
    page_fn: &F,
    runs: &[Range<usize>],
) -> (Flow, ImageRegistry, Piece)
where
    F: Fn(&mut BlockContext, &mut Flow, &Page) + Sync,
{
    let separator = {
        let mut images = ImageRegistry::new();
        let mut none = Diagnostics::new();
        BlockContext::new(text, &mut images, assets, &mut none, area).footnote_separator()
    };
    if runs.len() > 1 {
        let in_pool = InPool::enter();
        let outs: Vec<RunOut> = runs
            .par_iter()
            .map(|range| lay_out_run(text, book, assets, area, page_fn, range.clone()))
            .collect();
        drop(in_pool);
        if let Some((flow, images, run_diags)) = join(outs) {
            diags.extend(run_diags);
            return (flow, images, separator);
        }
        // A run's assumption did not hold: lay the pass out again on this
        // thread (its page references are counted again from 0).
        text.reset_refs_printed();
    }
    let out = lay_out_run(text, book, assets, area, page_fn, 0..book.pages.len());
    diags.extend(out.diags);
    (out.flow, out.images, separator)
}

/// Lays out the pages of `range`. A run after the book's start begins as
/// the whole flow would be after the page before it: the space after a
/// page set, and one placeholder piece standing for the pieces before.
fn lay_out_run<F>(
    text: &TextContext,
    book: &Book,
    assets: &Assets,
    area: Size,
    page_fn: &F,
    range: Range<usize>,
) -> RunOut
where
    F: Fn(&mut BlockContext, &mut Flow, &Page) + Sync,
{
    let mut images = ImageRegistry::new();
    let mut diags = Diagnostics::new();
    let mut flow = Flow::new();
    if range.start > 0 {
        flow.pieces.push(Piece::default());
        flow.set_space(0.0);
    }
    {
        let mut ctx = BlockContext::new(text, &mut images, assets, &mut diags, area);
        for page in book.pages.get(range).unwrap_or_default() {
            page_fn(&mut ctx, &mut flow, page);
        }
    }
    RunOut {
        flow,
        images,
        diags,
    }
}

/// Joins the runs in page order; `None` when a run's assumption about the
/// flow before it does not hold (then only a layout on one thread is
/// exact).
fn join(outs: Vec<RunOut>) -> Option<(Flow, ImageRegistry, Diagnostics)> {
    // Every run but the last must end as a page does: the space after a
    // page set and no tag marks waiting (the next run assumed so).
    let ends_clean = |out: &RunOut| out.flow.space_override == Some(0.0) && !out.flow.has_pending();
    if !outs.iter().rev().skip(1).all(ends_clean) {
        return None;
    }
    let total: usize = outs.iter().map(|out| out.flow.pieces.len()).sum();
    let mut outs = outs.into_iter();
    let first = outs.next()?;
    // One allocation for the whole flow's pieces.
    let mut flow = Flow::new();
    flow.pieces.reserve_exact(total);
    flow.append(first.flow);
    let (mut images, mut diags) = (first.images, first.diags);
    for mut out in outs {
        // The placeholder must be untouched, and followed by a page's piece.
        if out.flow.pieces.is_empty() {
            return None;
        }
        let placeholder = out.flow.pieces.remove(0);
        if !placeholder.items.is_empty()
            || !placeholder.footnotes.is_empty()
            || out.flow.pieces.is_empty()
        {
            return None;
        }
        let map = images.absorb(out.images);
        if map.iter().enumerate().any(|(i, key)| key.0 != i) {
            remap_pieces(&mut out.flow.pieces, &map);
        }
        flow.append(out.flow);
        diags.extend(out.diags);
    }
    Some((flow, images, diags))
}

/// Cuts `pages` into at most `parts` contiguous runs of about equal size
/// (a page weighs one plus its blocks, nested ones included).
fn runs(pages: &[Page], parts: usize) -> Vec<Range<usize>> {
    let weights: Vec<usize> = pages
        .iter()
        .map(|page| {
            let mut blocks = 1;
            walk::blocks(&page.blocks, |_| blocks += 1);
            blocks
        })
        .collect();
    let total: usize = weights.iter().sum();
    let parts = parts.clamp(1, pages.len().max(1));
    let mut runs = Vec::with_capacity(parts);
    let mut start = 0;
    let mut sum = 0;
    for (i, weight) in weights.iter().enumerate() {
        sum += weight;
        // The run ends where the running sum passes its share of the total.
        if sum * parts >= total * (runs.len() + 1) && runs.len() + 1 < parts {
            runs.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < pages.len() || runs.is_empty() {
        runs.push(start..pages.len());
    }
    runs
}

/// Maps the image keys of `pieces` (their items, footnotes, repeated
/// headers and tall images) through `map`. Repeated headers and tall images
/// shared by several pieces stay shared.
fn remap_pieces(pieces: &mut [Piece], map: &[ImageKey]) {
    let mut shared = Shared::default();
    for piece in pieces {
        remap_piece(piece, map, &mut shared);
    }
}

/// The shared parts already mapped, by their address before mapping
/// (each with the part before mapping, kept alive so that no new part
/// takes its address).
#[derive(Default)]
struct Shared {
    repeats: HashMap<usize, Mapped<Vec<Piece>>>,
    talls: HashMap<usize, Mapped<TallImage>>,
}

/// A shared part before mapping and after.
type Mapped<T> = (Arc<T>, Arc<T>);

/// Maps one piece's image keys.
fn remap_piece(piece: &mut Piece, map: &[ImageKey], shared: &mut Shared) {
    remap_items(&mut piece.items, map);
    for note in &mut piece.footnotes {
        remap_piece(note, map, shared);
    }
    if let Some(repeat) = &mut piece.repeat {
        let at = Arc::as_ptr(repeat) as usize;
        let mapped = match shared.repeats.get(&at) {
            Some((_, mapped)) => Arc::clone(mapped),
            None => {
                let mut pieces: Vec<Piece> = repeat.as_ref().clone();
                for piece in &mut pieces {
                    remap_piece(piece, map, shared);
                }
                let mapped = Arc::new(pieces);
                shared
                    .repeats
                    .insert(at, (Arc::clone(repeat), Arc::clone(&mapped)));
                mapped
            }
        };
        *repeat = mapped;
    }
    if let Some(tall) = &mut piece.tall {
        let at = Arc::as_ptr(&tall.image) as usize;
        let mapped = match shared.talls.get(&at) {
            Some((_, mapped)) => Arc::clone(mapped),
            None => {
                let mut image = tall.image.as_ref().clone();
                image.image.image = mapped_key(image.image.image, map);
                remap_items(&mut image.mark, map);
                remap_items(&mut image.tail, map);
                let mapped = Arc::new(image);
                shared
                    .talls
                    .insert(at, (Arc::clone(&tall.image), Arc::clone(&mapped)));
                mapped
            }
        };
        tall.image = mapped;
    }
}

/// Maps the image keys of positioned items.
fn remap_items(items: &mut [(Point, FrameItem)], map: &[ImageKey]) {
    for (_, item) in items {
        if let FrameItem::Image(image) = item {
            image.image = mapped_key(image.image, map);
        }
    }
}

/// `key` through `map` (unchanged if `map` does not know it).
fn mapped_key(key: ImageKey, map: &[ImageKey]) -> ImageKey {
    map.get(key.0).copied().unwrap_or(key)
}

#[cfg(test)]
#[path = "parallel_tests.rs"]
mod tests;
