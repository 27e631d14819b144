//! Scheduling of the renderers: every (region, format) output of a build is
//! one job, and all jobs share rayon's pool, so a core that finishes a short
//! job (an EPUB) takes the next long one (another region's PDF) instead of
//! waiting for the region it started. A PDF lays its pages out in the pool
//! while no other book is laid out (`layout::parallel::LayingOut`), and a
//! short job waits while a pass does so.
//!
//! Input: the regions to render (the driver's `RegionSlot`s) and the formats of the
//! plan, plus the function that renders (and writes) one output. Output: per
//! region, in region order, that function's result per format in plan order.

use super::Format;

/// How the PDFs of a build share the cores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PdfLanes {
    /// Every output is a job of the pool: two PDFs render at once on two
    /// cores (fastest).
    Parallel,
    /// The PDFs render one after another while the other outputs take the
    /// other cores, so only one paged document and one krilla document are
    /// alive at a time (less memory, longer wall time).
    OneAtATime,
}

/// Above this many bytes of distinct image files, the PDFs render one at a
/// time. A PDF being made holds no image bytes (they are copied into the
/// file as it is written), but a handbook with that many screenshots is
/// long, and each PDF in flight holds its laid-out pages: on the 1000-page
/// corpus with 226 MiB of distinct screenshots, two PDFs at once peaked at
/// 368 MiB (16.5 s), one at a time at 313 MiB (18.0 s), against a budget
/// of 400 MB (docs/benchmarks.md, "Round 11"). Below it, the second core
/// is worth more than the memory.
const ONE_PDF_AT_A_TIME_ABOVE: u64 = 128 * 1024 * 1024;

impl PdfLanes {
    /// The lanes for a build whose books show `image_bytes` bytes of
    /// distinct image files.
    pub(super) fn for_image_bytes(image_bytes: u64) -> PdfLanes {
        if image_bytes > ONE_PDF_AT_A_TIME_ABOVE {
            PdfLanes::OneAtATime
        } else {
            PdfLanes::Parallel
        }
    }
}

/// Renders every format of every region, PDFs (the long jobs) first so the
/// short ones fill the gaps at the end. The result keeps the input order:
/// `result[r][f]` is region `r`, format `formats[f]`.
///
/// The jobs run on worker threads of their own (one per thread of rayon's
/// pool), each taking the next job of the queue, not as rayon tasks: krilla
/// deflates its pages and images in rayon's pool and, waiting for them,
/// lets a rayon worker run any queued task (`rayon::yield_now`), so a PDF
/// job on a rayon worker would start another region's whole PDF inside its
/// own last step, and both documents would stay alive until the inner one
/// is done (measured: three PDFs alive at once, +100 MiB, docs/
/// benchmarks.md, "Round 5: memory"). Work inside a job (krilla's, the
/// EPUB's image conversions) still uses rayon's pool.
pub(super) fn render_all<T, R>(
    regions: &[T],
    formats: &[Format],
    lanes: PdfLanes,
    render: impl Fn(&T, Format) -> R + Sync,
) -> Vec<Vec<R>>
where
    T: Sync,
    R: Send,
{
    let mut jobs: Vec<(usize, usize)> = (0..regions.len())
        .flat_map(|r| (0..formats.len()).map(move |f| (r, f)))
        .collect();
    // Stable: PDFs first, regions in order within a format.
    let is_pdf = |f: usize| formats.get(f).is_some_and(|format| *format == Format::Pdf);
    jobs.sort_by_key(|&(_, f)| !is_pdf(f));
    let workers = rayon::current_num_threads().clamp(1, jobs.len().max(1));
    let pdf_slots = match lanes {
        PdfLanes::Parallel => workers,
        PdfLanes::OneAtATime => 1,
    };
    let queue = std::sync::Mutex::new(Queue {
        jobs: jobs.into_iter().collect(),
        pdfs_running: 0,
    });
    let run = |&(r, f): &(usize, usize)| {
        let region = regions.get(r)?;
        let format = *formats.get(f)?;
        Some(((r, f), render(region, format)))
    };
    // One worker: takes the first job it may run (a PDF only while fewer
    // than `pdf_slots` render), until none is left for it.
    let work = || {
        let mut done = Vec::new();
        loop {
            let job = {
                let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
                let free = q.pdfs_running < pdf_slots;
                let Some(at) = q.jobs.iter().position(|&(_, f)| free || !is_pdf(f)) else {
                    break;
                };
                let job = q.jobs.remove(at);
                if job.is_some_and(|(_, f)| is_pdf(f)) {
                    q.pdfs_running += 1;
                }
                job
            };
            let Some(job) = job else { break };
            if !is_pdf(job.1) {
                // A PDF laying out its pages in the pool (the last one,
                // alone) gets both cores first; this job then runs beside
                // its drawing, which takes one core.
                crate::layout::parallel::wait_while_parallel();
            }
            done.extend(run(&job));
            if is_pdf(job.1) {
                let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
                q.pdfs_running = q.pdfs_running.saturating_sub(1);
            }
        }
        done
    };
    let mut done: Vec<((usize, usize), R)> = std::thread::scope(|scope| {
        let work = &work;
        let spawned: Vec<_> = (0..workers)
            .filter_map(|i| {
                std::thread::Builder::new()
                    .name(format!("tebiki-render-{i}"))
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        // The calling thread (perhaps a rayon worker itself) works only
        // when no thread could be started.
        let mut done = if spawned.is_empty() {
            work()
        } else {
            Vec::new()
        };
        for handle in spawned {
            match handle.join() {
                Ok(theirs) => done.extend(theirs),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_by_key(|(job, _)| *job);
    let mut out: Vec<Vec<R>> = (0..regions.len()).map(|_| Vec::new()).collect();
    for ((r, _), rendered) in done {
        if let Some(region) = out.get_mut(r) {
            region.push(rendered);
        }
    }
    out
}

/// The jobs not yet started and how many PDFs render now.
struct Queue {
    jobs: std::collections::VecDeque<(usize, usize)>,
    pdfs_running: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Book;
    use crate::model::testing::book;
    use rayon::prelude::*;

    /// Three empty books, regions `R0`, `R1`, `R2`.
    fn three_regions() -> Vec<(Book, ())> {
        (0..3)
            .map(|i| {
                let mut b = book(0, vec![]);
                b.region.code = format!("R{i}");
                (b, ())
            })
            .collect()
    }

    /// Counts the jobs running at once, and the most seen.
    #[derive(Default)]
    struct AtOnce {
        running: std::sync::atomic::AtomicUsize,
        most: std::sync::atomic::AtomicUsize,
    }

    impl AtOnce {
        fn enter(&self) {
            use std::sync::atomic::Ordering::SeqCst;
            let now = self.running.fetch_add(1, SeqCst) + 1;
            self.most.fetch_max(now, SeqCst);
        }

        fn leave(&self) {
            self.running
                .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        }

        fn most(&self) -> usize {
            self.most.load(std::sync::atomic::Ordering::SeqCst)
        }
    }

    #[test]
    fn image_heavy_builds_render_one_pdf_at_a_time() {
        assert_eq!(PdfLanes::for_image_bytes(5 << 20), PdfLanes::Parallel);
        assert_eq!(PdfLanes::for_image_bytes(226 << 20), PdfLanes::OneAtATime);
    }

    #[test]
    fn one_pdf_at_a_time_never_overlaps_two_pdfs_and_keeps_the_order() {
        let pdfs = AtOnce::default();
        let out = render_all(
            &three_regions(),
            &[Format::Pdf, Format::Epub],
            PdfLanes::OneAtATime,
            |(book, _), format| {
                if format == Format::Pdf {
                    pdfs.enter();
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    pdfs.leave();
                }
                format!("{}{}", book.region.code, format.extension())
            },
        );
        assert_eq!(pdfs.most(), 1);
        assert_eq!(
            out,
            vec![
                vec!["R0pdf", "R0epub"],
                vec!["R1pdf", "R1epub"],
                vec!["R2pdf", "R2epub"]
            ]
        );
    }

    #[test]
    fn jobs_run_outside_rayon_so_waiting_on_rayon_never_starts_another_job() {
        let jobs = AtOnce::default();
        let out = render_all(
            &three_regions(),
            &[Format::Pdf, Format::Epub],
            PdfLanes::Parallel,
            |(book, _), format| {
                jobs.enter();
                // What krilla does while its pages deflate: work in rayon's
                // pool, and wait with `yield_now`, which on a rayon worker
                // would run a queued job (another output) nested in this one.
                let sum: u64 = (0..10_000u64).into_par_iter().sum();
                assert_eq!(rayon::yield_now(), None, "a job ran on a rayon worker");
                assert!(rayon::current_thread_index().is_none());
                std::thread::sleep(std::time::Duration::from_millis(5));
                jobs.leave();
                format!("{}{}{sum}", book.region.code, format.extension())
            },
        );
        let workers = rayon::current_num_threads().min(6);
        assert!(jobs.most() <= workers);
        assert_eq!(out[1], vec!["R1pdf49995000", "R1epub49995000"]);
    }

    #[test]
    fn results_keep_region_and_format_order() {
        let regions = three_regions();
        let formats = [Format::Epub, Format::Pdf];
        let out = render_all(
            &regions,
            &formats,
            PdfLanes::Parallel,
            |(book, _), format| {
                let mut bytes = book.region.code.clone().into_bytes();
                bytes.extend_from_slice(format.extension().as_bytes());
                Some(bytes)
            },
        );
        let names: Vec<Vec<String>> = out
            .iter()
            .map(|r| {
                r.iter()
                    .map(|b| String::from_utf8(b.clone().unwrap_or_default()).unwrap())
                    .collect()
            })
            .collect();
        assert_eq!(
            names,
            vec![
                vec!["R0epub", "R0pdf"],
                vec!["R1epub", "R1pdf"],
                vec!["R2epub", "R2pdf"]
            ]
        );
    }
}
