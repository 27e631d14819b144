//! The driver (mdBook's word): runs the pipeline, site → regions → model →
//! renderers → atomic writes, for `tebiki build` and `tebiki check`.
//!
//! Input: a [`Plan`] (from the command line). Output: an [`Outcome`] with
//! every diagnostic, the files written and the exit code. The regions whose
//! outputs start first are built in parallel, the others when their first
//! output starts (`regions.rs`), and every output is a job of the render
//! workers (`render.rs`); a region's book is dropped after its last output. An
//! output is written only when its region has no error (no warning either
//! under `--strict`), through a temporary file in the output folder renamed
//! into place, so a failed build never leaves a partial file and never
//! touches earlier outputs. `check` (a plan without formats) renders every
//! format in memory and writes nothing, so it reports what `build` reports;
//! each diagnostic names the regions whose build found it. `tebiki watch`
//! runs the same pipeline through [`run_cached`] with a [`BuildCache`] kept
//! across rebuilds (`cache.rs`), which changes the work done, never the
//! outcome.

mod book;
mod cache;
#[cfg(test)]
mod cache_tests;
mod coverage;
#[cfg(test)]
mod hugo_tests;
mod preflight;
mod regions;
#[cfg(test)]
mod regions_tests;
mod render;
mod write;

pub use book::Exclusion;
pub use cache::{BuildCache, CacheStats};
pub use write::install_interrupt_cleanup;

use std::path::PathBuf;
use std::time::Instant;

use indicatif::ProgressBar;
use rayon::prelude::*;

use crate::assets::Assets;
use crate::diag::{Code, Diagnostic, Diagnostics, Location, Severity, Sources, suggest};
use crate::model::Book;
use crate::site::{self, LoadFailure, Site};
use regions::{LayoutCaches, Prepared, RegionSlot};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Paged PDF.
    Pdf,
    /// Reflowable EPUB 3.
    Epub,
}

impl Format {
    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Epub => "epub",
        }
    }
}

/// What to build, as validated from the command line.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The site folder.
    pub site: PathBuf,
    /// Region codes to build (empty: every region).
    pub regions: Vec<String>,
    /// Formats to write (empty: none, i.e. `check`, which still renders
    /// both in memory).
    pub formats: Vec<Format>,
    /// Output folder.
    pub out: PathBuf,
    /// `--page` selections (content paths or section folders; empty: all).
    pub pages: Vec<String>,
    /// Warnings count as errors.
    pub strict: bool,
    /// `-o FILE`: the one file to write (one region, one format) instead of
    /// `<out>/<output>-<REGION>.<ext>`.
    pub output_file: Option<PathBuf>,
}

/// The exit status of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Everything written (exit 0).
    Success,
    /// Content errors (exit 1).
    ContentErrors,
    /// Usage or configuration errors (exit 2).
    UsageErrors,
}

impl Status {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Status::Success => 0,
            Status::ContentErrors => 1,
            Status::UsageErrors => 2,
        }
    }
}

/// One file written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Its path.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

/// The result of a run.
#[derive(Debug)]
pub struct Outcome {
    /// Every file read (for printing diagnostics).
    pub sources: Sources,
    /// Every diagnostic, sorted and deduplicated.
    pub diagnostics: Vec<Diagnostic>,
    /// Files written.
    pub written: Vec<Written>,
    /// Pages in the books built (summed over regions).
    pub pages: usize,
    /// Each region built with a book, by code, and its page count, in plan order.
    pub region_pages: Vec<(String, usize)>,
    /// Regions built.
    pub regions: usize,
    /// Per region checked (`check` only; in plan order), the pages it
    /// leaves out because of a section's front matter.
    pub exclusions: Vec<(String, Vec<Exclusion>)>,
    /// Exit status.
    pub status: Status,
    /// Wall time of the run.
    pub elapsed: std::time::Duration,
}

/// Runs a plan. `progress` (when given) advances once per region built and
/// once per output rendered.
pub fn run(plan: &Plan, progress: Option<&ProgressBar>) -> Outcome {
    run_cached(plan, progress, &mut BuildCache::single_run())
}

/// [`run`] with a [`BuildCache`] that outlives the run: `tebiki watch`
/// keeps one across rebuilds, so unchanged pages are not resolved and
/// parsed again, unchanged EPUB files are not compressed again and images
/// are not decoded again. The outcome is the one [`run`] gives.
pub fn run_cached(plan: &Plan, progress: Option<&ProgressBar>, cache: &mut BuildCache) -> Outcome {
    let images = &cache.images.clone();
    let started = Instant::now();
    let started_wall = std::time::SystemTime::now();
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let finish =
        |sources, diags: Diagnostics, written, region_pages: Vec<(String, usize)>, status| {
            Outcome {
                sources,
                diagnostics: diags.into_sorted(),
                written,
                pages: region_pages.iter().map(|(_, n)| n).sum(),
                regions: region_pages.len(),
                region_pages,
                exclusions: Vec::new(),
                status,
                elapsed: started.elapsed(),
            }
        };
    let site = match site::load(&plan.site, &mut sources, &mut diags) {
        Ok(site) => site,
        Err(LoadFailure::Config) => {
            return finish(sources, diags, Vec::new(), Vec::new(), Status::UsageErrors);
        }
        Err(LoadFailure::Content) => {
            return finish(
                sources,
                diags,
                Vec::new(),
                Vec::new(),
                Status::ContentErrors,
            );
        }
    };
    let Some(regions) = select_regions(&site, &plan.regions, &mut diags) else {
        return finish(sources, diags, Vec::new(), Vec::new(), Status::UsageErrors);
    };
    if !check_output_file(&site, plan, &regions, &mut diags) {
        return finish(sources, diags, Vec::new(), Vec::new(), Status::UsageErrors);
    }
    if !book::check_selection(&site, &plan.pages, &mut diags) {
        return finish(sources, diags, Vec::new(), Vec::new(), Status::UsageErrors);
    }
    let assets = Assets::for_site(&site.root, images.clone());
    let mut asset_diags = Diagnostics::new();
    preflight::check_assets(&site, &assets, &mut sources, &mut asset_diags);
    let assets_failed = asset_diags.has_errors();
    diags.extend(asset_diags);
    if assets_failed {
        return finish(sources, diags, Vec::new(), Vec::new(), Status::UsageErrors);
    }
    // `check` renders every format in memory and writes nothing, so it
    // rejects whatever `build` rejects (layout, fonts, the PDF writer).
    let formats: Vec<Format> = if plan.formats.is_empty() {
        vec![Format::Pdf, Format::Epub]
    } else {
        plan.formats.clone()
    };
    let writes = !plan.formats.is_empty();
    if let Some(bar) = progress {
        bar.set_length((regions.len() * (1 + formats.len())) as u64);
    }
    let site_failed = diags.has_errors();
    // Each region's cache, valid for this site's inputs (taken out while
    // the regions build, put back after).
    // A single run keeps nothing: its regions get no cache at all.
    let keeps = cache.keeps;
    let slots: Vec<RegionSlot> = regions
        .iter()
        .map(|&r| {
            let code = &site.regions[r].code;
            let region_cache = keeps.then(|| {
                let mut region_cache = cache.regions.remove(code).unwrap_or_default();
                region_cache.validate(cache::region_inputs(&site, &sources, code));
                region_cache
            });
            RegionSlot::new(r, code.clone(), region_cache, formats.len())
        })
        .collect();
    // One region's book, built and checked: its outputs render only when
    // it has no error (no warning either under `--strict`).
    // What the outputs need of each checked image's pixels.
    let image_needs = crate::assets::images::ImageNeeds {
        pdf: formats.contains(&Format::Pdf),
        epub: formats
            .contains(&Format::Epub)
            .then(|| crate::epub::image_size(&assets)),
    };
    let prepare = |r: usize, region_cache: Option<&mut cache::RegionCache>| {
        let code = &site.regions[r].code;
        let (book, mut region_diags) = guarded(&format!("building region {code}"), || {
            book::build_book(&site, &sources, r, &plan.pages, region_cache)
        });
        region_diags.tag_region(code);
        if let Some(bar) = progress {
            bar.set_message(code.clone());
            bar.inc(1);
        }
        if plan.strict {
            escalate_warnings(&mut region_diags);
        }
        let Some(book) = book else {
            return Prepared {
                pages: None,
                book: None,
                diags: region_diags,
            };
        };
        // One image check for `check` and `build` alike, before rendering:
        // a broken image stops the region here, reported once.
        check_images(&book, &assets, image_needs, &mut region_diags);
        coverage::check_coverage(
            &book,
            &assets,
            &sources,
            site.config_source,
            &mut region_diags,
        );
        region_diags.tag_region(&book.region.code);
        let renderable = !site_failed && !region_diags.has_errors();
        Prepared {
            pages: Some(book.pages.len()),
            book: renderable.then_some(book),
            diags: region_diags,
        }
    };
    // The regions whose outputs start first are built now, side by side;
    // the others when their first output starts (`regions.rs`), so their
    // books are not alive while the first PDFs are laid out.
    let first = rayon::current_num_threads().clamp(1, slots.len().max(1));
    slots
        .iter()
        .take(first)
        .collect::<Vec<_>>()
        .par_iter()
        .for_each(|slot| slot.prepare(|c| prepare(slot.region, c)));
    if !plan.formats.is_empty() {
        write::remove_stale(output_folder(plan), started_wall);
    }
    // The paragraph layout caches of the regions' PDFs, one per set of
    // fonts: regions with the same fonts share most of their text. A single
    // run's cache empties itself whenever none of its PDFs is being laid
    // out, so only layouts running side by side share it and no PDF is
    // written beside the lines of every region; the watch loop's
    // `BuildCache` keeps one across rebuilds.
    let layouts = LayoutCaches::new(cache.layouts.clone());
    // Each output is written as soon as it is rendered and its bytes are
    // dropped, so finished outputs do not wait in memory for the others.
    // The lanes follow the images of the regions built so far (regions
    // mostly show the same screenshots).
    let built: Vec<std::sync::Arc<Book>> = slots.iter().filter_map(RegionSlot::built).collect();
    let lanes =
        render::PdfLanes::for_image_bytes(image_bytes(built.iter().map(|b| b.as_ref()), &assets));
    drop(built);
    let rendered = render::render_all(&slots, &formats, lanes, |slot, format| {
        let Some(book) = slot.book(|c| prepare(slot.region, c)) else {
            slot.job_done();
            return (None, Diagnostics::new());
        };
        let layouts = layouts.for_fonts(&book.region.fonts);
        let (bytes, mut d) =
            guarded_render(&book, &assets, &layouts, format, slot.package.as_deref());
        if plan.strict {
            escalate_warnings(&mut d);
        }
        d.tag_region(&book.region.code);
        let written = if writes {
            deliver(plan, &site, &book, format, bytes, &mut d)
        } else {
            None
        };
        if let Some(bar) = progress {
            bar.inc(1);
        }
        drop(book);
        slot.job_done();
        (written, d)
    });
    let mut written = Vec::new();
    let mut region_pages: Vec<(String, usize)> = Vec::new();
    let mut stats = CacheStats::default();
    for (slot, outputs) in slots.into_iter().zip(rendered) {
        let code = slot.code.clone();
        let parts = slot.into_parts();
        diags.extend(parts.diags);
        if let Some(pages) = parts.pages {
            region_pages.push((code.clone(), pages));
        }
        if let Some(mut region_cache) = parts.cache {
            let (reused, built) = region_cache.take_counts();
            stats.pages_reused += reused;
            stats.pages_built += built;
            cache.regions.insert(code, region_cache);
        }
        for (file, d) in outputs {
            diags.extend(d);
            written.extend(file);
        }
    }
    cache.last = stats;
    if plan.strict {
        escalate_warnings(&mut diags);
    }
    let status = if diags.has_errors() {
        Status::ContentErrors
    } else {
        Status::Success
    };
    let exclusions = if plan.formats.is_empty() {
        regions
            .iter()
            .filter_map(|&r| site.regions.get(r))
            .map(|r| (r.code.clone(), book::publication(&site, &r.code).exclusions))
            .collect()
    } else {
        Vec::new()
    };
    Outcome {
        exclusions,
        ..finish(sources, diags, written, region_pages, status)
    }
}

/// Writes one rendered output of `book` (when it rendered without error)
/// to its path, atomically; a failed write or a missing output is a
/// diagnostic in `diags` (after the region's tag, as a build-wide problem).
fn deliver(
    plan: &Plan,
    site: &Site,
    book: &Book,
    format: Format,
    output: Option<Rendered<'_>>,
    diags: &mut Diagnostics,
) -> Option<Written> {
    let stem = site
        .regions
        .iter()
        .find(|r| r.code == book.region.code)
        .map_or(site.config.book.output.as_str(), |r| r.output.as_str());
    let path = plan.output_file.clone().unwrap_or_else(|| {
        plan.out.join(format!(
            "{stem}-{}.{}",
            book.region.code,
            format.extension()
        ))
    });
    let ok = !diags.has_errors();
    match output {
        Some(output) if ok => match write::atomic_write_with(&path, |file| output.write_to(file)) {
            Ok(bytes) => Some(Written { bytes, path }),
            Err(e) => {
                diags.push(
                    Diagnostic::new(
                        Severity::Error,
                        Location::File(path, None),
                        format!("cannot write output: {}", crate::diag::library::io(&e)),
                    )
                    .with_code(Code::OutputWrite),
                );
                None
            }
        },
        Some(_) => None,
        None if ok => {
            diags.push(
                Diagnostic::new(
                    Severity::Error,
                    Location::File(path, None),
                    "the renderer produced no output",
                )
                .with_code(Code::Internal),
            );
            None
        }
        None => None,
    }
}

/// The bytes of the distinct image files the books show (each file counted
/// once however many regions and places show it), from the image store's
/// cache (`check_images` loaded them).
fn image_bytes<'b>(books: impl Iterator<Item = &'b Book>, assets: &Assets) -> u64 {
    let mut seen = std::collections::BTreeSet::new();
    books
        .flat_map(|book| book.images())
        .filter(|u| !u.image.path.as_os_str().is_empty())
        .filter(|u| seen.insert(u.image.path.clone()))
        .filter_map(|u| assets.images.load(&u.image.path).ok())
        .map(|image| image.byte_len())
        .sum()
}

/// Loads every image the book shows (figures and images inside text; each
/// file once, with the store's bounded decoding) and reports unusable ones at
/// every place that shows them, so `check` finds what `build` would.
fn check_images(
    book: &Book,
    assets: &Assets,
    needs: crate::assets::images::ImageNeeds,
    diags: &mut Diagnostics,
) {
    // Images whose reference did not resolve (empty path) were reported already.
    let uses: Vec<_> = book
        .images()
        .into_iter()
        .filter(|u| !u.image.path.as_os_str().is_empty())
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    let unique: Vec<&std::path::Path> = uses
        .iter()
        .map(|u| u.image.path.as_path())
        .filter(|p| seen.insert(*p))
        .collect();
    // `load_for` decodes the whole file under the limits once (and hands
    // the pixels on to a PNG's PDF image and to the EPUB's scaled-down
    // copy). Regions checked side by side show mostly the same files: each
    // first loads those no other is loading, then waits for the rest.
    let first: Vec<_> = unique
        .par_iter()
        .map(|&path| (path, assets.images.load_unless_busy(path, needs)))
        .collect();
    let errors: std::collections::BTreeMap<&std::path::Path, crate::assets::images::ImageError> =
        first
            .into_par_iter()
            .filter_map(|(path, loaded)| {
                let loaded = loaded.unwrap_or_else(|| assets.images.load_for(path, needs));
                loaded.err().map(|e| (path, e))
            })
            .collect();
    for image in uses {
        if let Some(error) = errors.get(image.image.path.as_path()) {
            diags.push(crate::assets::images::image_diagnostic(
                &image.image.src,
                image.span,
                error,
            ));
        }
    }
}

/// Indices into `site.regions` of the requested regions (all when none).
fn select_regions(site: &Site, wanted: &[String], diags: &mut Diagnostics) -> Option<Vec<usize>> {
    if wanted.is_empty() {
        return Some((0..site.regions.len()).collect());
    }
    let mut out = Vec::new();
    for code in wanted {
        match site.regions.iter().position(|r| &r.code == code) {
            Some(i) if !out.contains(&i) => out.push(i),
            Some(_) => {}
            None => {
                let known: Vec<&str> = site.regions.iter().map(|r| r.code.as_str()).collect();
                let mut diag = Diagnostic::new(
                    Severity::Error,
                    Location::None,
                    format!("unknown region `{code}`"),
                )
                .with_code(Code::UnknownRegionOption);
                if let Some(hint) = suggest::did_you_mean(code, known.iter().copied()) {
                    diag = diag.with_hint(hint);
                }
                diags.push(diag.with_hint(format!("regions in tebiki.toml: {}", known.join(", "))));
                return None;
            }
        }
    }
    out.sort_unstable();
    Some(out)
}

/// The folder outputs go to: `-o`'s folder, else `--out`.
fn output_folder(plan: &Plan) -> &std::path::Path {
    match plan
        .output_file
        .as_deref()
        .and_then(std::path::Path::parent)
    {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        Some(_) => std::path::Path::new("."),
        None => &plan.out,
    }
}

/// `-o FILE` writes one file: exactly one region and one format.
fn check_output_file(site: &Site, plan: &Plan, regions: &[usize], diags: &mut Diagnostics) -> bool {
    let Some(file) = &plan.output_file else {
        return true;
    };
    if regions.len() != 1 {
        let known: Vec<&str> = site.regions.iter().map(|r| r.code.as_str()).collect();
        diags.push(
            Diagnostic::new(
                Severity::Error,
                Location::None,
                format!(
                    "-o {} writes one file, but {} regions are selected",
                    file.display(),
                    regions.len()
                ),
            )
            .with_code(crate::diag::Code::OutputFile)
            .with_hint(format!(
                "choose one region with --region ({}), or use --out DIR for every region",
                known.join(", ")
            )),
        );
        return false;
    }
    if plan.formats.len() != 1 {
        diags.push(
            Diagnostic::new(
                Severity::Error,
                Location::None,
                format!("-o {} writes one file, in one format", file.display()),
            )
            .with_code(crate::diag::Code::OutputFile)
            .with_hint("end the file name with .pdf or .epub"),
        );
        return false;
    }
    true
}

/// Turns every warning into an error (`--strict`).
fn escalate_warnings(diags: &mut Diagnostics) {
    let mut out = Diagnostics::new();
    for mut d in std::mem::take(diags).into_sorted() {
        d.severity = Severity::Error;
        out.push(d);
    }
    *diags = out;
}

/// Runs a stage, turning a panic into an "internal error" diagnostic.
fn guarded<T>(
    what: &str,
    f: impl FnOnce() -> (Option<T>, Diagnostics),
) -> (Option<T>, Diagnostics) {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(_) => {
            let mut diags = Diagnostics::new();
            diags.push(internal_error(what));
            (None, diags)
        }
    }
}

fn internal_error(what: &str) -> Diagnostic {
    Diagnostic::new(
        Severity::Error,
        Location::None,
        format!("internal error while {what}"),
    )
    .with_hint("this is a bug in tebiki: please report it with the page that triggers it")
    .with_code(Code::Internal)
}

/// A rendered output, ready to be written into its file: neither holds
/// the whole file, whose images are copied in as it is written.
enum Rendered<'c> {
    /// A PDF.
    Pdf(crate::pdf::PdfFile),
    /// An EPUB (its package cache, in `tebiki watch`).
    Epub(crate::epub::EpubFile<'c>),
}

impl Rendered<'_> {
    /// Writes the file into `out`; the number of bytes written.
    fn write_to(&self, out: &mut write::OutputFile<'_>) -> std::io::Result<u64> {
        match self {
            Rendered::Pdf(pdf) => pdf.write_to(out),
            Rendered::Epub(epub) => epub.write_to(out),
        }
    }
}

/// Renders one format of one book, catching panics (a PDF shares the
/// build's paragraph layout cache; an EPUB reuses the unchanged files of
/// `package`, the region's previous EPUB).
fn guarded_render<'c>(
    book: &Book,
    assets: &Assets,
    layouts: &std::sync::Arc<crate::layout::inline::LayoutCache>,
    format: Format,
    package: Option<&'c crate::epub::PackageCache>,
) -> (Option<Rendered<'c>>, Diagnostics) {
    let what = format!(
        "writing the {} of region {}",
        format.extension(),
        book.region.code
    );
    guarded(&what, || {
        let mut diags = Diagnostics::new();
        let bytes = match format {
            Format::Pdf => {
                // `render_with` leaves the cache once the book is laid out.
                layouts.begin();
                crate::pdf::render_with(book, assets, layouts, &mut diags).map(Rendered::Pdf)
            }
            Format::Epub => {
                crate::epub::render_cached(book, assets, &mut diags, package).map(Rendered::Epub)
            }
        };
        (bytes, diags)
    })
}
