//! Scheduling of the renderers: every (region, format) output of a build is
//! one job, and all jobs share rayon's pool, so a core that finishes a short
//! job (an EPUB) takes the next long one (another region's PDF) instead of
//! waiting for the region it started.
//!
//! Input: the regions ready to render (their books) and the formats of the
//! plan, plus the function that renders one output. Output: per region, in
//! region order, one result per format in plan order.

use rayon::prelude::*;

use super::Format;
use crate::diag::Diagnostics;
use crate::model::Book;

/// What rendering one output gives: its bytes (when a correct file could be
/// made) and its diagnostics.
pub(super) type Rendered = (Option<Vec<u8>>, Diagnostics);

/// Renders every format of every region, PDFs (the long jobs) first so the
/// short ones fill the gaps at the end. The result keeps the input order:
/// `result[r][f]` is region `r`, format `formats[f]`.
pub(super) fn render_all<T>(
    regions: &[(Book, T)],
    formats: &[Format],
    render: impl Fn(&Book, Format) -> Rendered + Sync,
) -> Vec<Vec<Rendered>>
where
    T: Sync,
{
    let mut jobs: Vec<(usize, usize)> = (0..regions.len())
        .flat_map(|r| (0..formats.len()).map(move |f| (r, f)))
        .collect();
    // Stable: PDFs first, regions in order within a format.
    jobs.sort_by_key(|&(_, f)| formats.get(f).is_none_or(|format| *format != Format::Pdf));
    let mut done: Vec<((usize, usize), Rendered)> = jobs
        .par_iter()
        .with_max_len(1)
        .filter_map(|&(r, f)| {
            let (book, _) = regions.get(r)?;
            let format = *formats.get(f)?;
            Some(((r, f), render(book, format)))
        })
        .collect();
    done.sort_by_key(|(job, _)| *job);
    let mut out: Vec<Vec<Rendered>> = (0..regions.len()).map(|_| Vec::new()).collect();
    for ((r, _), rendered) in done {
        if let Some(region) = out.get_mut(r) {
            region.push(rendered);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::book;

    #[test]
    fn results_keep_region_and_format_order() {
        let regions: Vec<(Book, ())> = (0..3)
            .map(|i| {
                let mut b = book(0, vec![]);
                b.region.code = format!("R{i}");
                (b, ())
            })
            .collect();
        let formats = [Format::Epub, Format::Pdf];
        let out = render_all(&regions, &formats, |book, format| {
            let mut bytes = book.region.code.clone().into_bytes();
            bytes.extend_from_slice(format.extension().as_bytes());
            (Some(bytes), Diagnostics::new())
        });
        let names: Vec<Vec<String>> = out
            .iter()
            .map(|r| {
                r.iter()
                    .map(|(b, _)| String::from_utf8(b.clone().unwrap_or_default()).unwrap())
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
