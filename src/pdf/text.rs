//! Text output: the glyph newtype krilla draws and the per-document font
//! cache.
//!
//! Input: [`TextRun`]s from the frame tree, the document's [`FontSource`]s
//! and its sheets (read once, for the twins of `widen.rs`). Output:
//! `draw_glyphs` calls; krilla subsets each font to the glyphs used and
//! writes a ToUnicode map from each glyph's text range.
//!
//! Exact text extraction: a glyph set wider than the font's advance (the
//! ¼-em Japanese–Latin space, the space after a mid-sentence ？, a stretched
//! line) leaves a gap that poppler and pdf.js read as a word space. The
//! glyph before such a gap is drawn as its twin, the same outline with a
//! wider advance (`widen.rs`), so the extractors see no gap; this also
//! covers the gap between two runs of a line (a link, bold or code next to
//! Japanese), the last glyph of the first run taking it. `widen.rs` derives
//! TrueType faces and CFF faces, converted to TrueType outlines (variable
//! ones at their default instance). For a face it cannot derive (no
//! outlines, tables that do not read) the two glyphs around a gap
//! within a run are given one text range instead, so krilla draws them as
//! one cluster inside an `ActualText` span *within* the text object, which
//! poppler reads (pdf.js ignores it); such a glyph is joined only once
//! krilla has mapped it to Unicode (it was drawn before in this document):
//! krilla gives a glyph first drawn in a cluster the whole cluster's text
//! in the ToUnicode map.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use krilla::geom::{Point as KPoint, Transform};
use krilla::surface::Surface;
use krilla::text::{Font, Glyph as KrillaGlyphTrait, GlyphId};

use crate::layout::frame::{FontSource, FrameItem, Glyph, Point, TextRun};

use super::guest::GlyphMap;
use super::paint::fill;
use super::widen::{self, GAP_MIN as JOIN_GAP};

/// A frame glyph as krilla sees it. Advances and offsets are stored in
/// points at the run's size (`size`); krilla asks for them at any size
/// (also 1.0, normalised), so they are scaled. `range` is the glyph's text
/// range in the text drawn (the run's, or its line's when runs are drawn
/// together), or the range of the glyphs joined with it across a gap. `id`
/// is the glyph drawn: the frame glyph's, its wider twin's, or its copy's
/// in the face that carries it. The last glyph of a run drawn with the next
/// run of its line advances to where that run starts.
struct PdfGlyph {
    id: u16,
    x_advance: f32,
    x_offset: f32,
    y_offset: f32,
    size: f32,
    range: Range<usize>,
}

impl PdfGlyph {
    /// `value` (pt at the run's size) at `size`.
    fn at(&self, value: f32, size: f32) -> f32 {
        if self.size > 0.0 {
            value / self.size * size
        } else {
            0.0
        }
    }
}

impl KrillaGlyphTrait for PdfGlyph {
    fn glyph_id(&self) -> GlyphId {
        GlyphId::new(u32::from(self.id))
    }

    fn text_range(&self) -> Range<usize> {
        self.range.clone()
    }

    fn x_advance(&self, size: f32) -> f32 {
        self.at(self.x_advance, size)
    }

    fn x_offset(&self, size: f32) -> f32 {
        self.at(self.x_offset, size)
    }

    fn y_offset(&self, size: f32) -> f32 {
        self.at(self.y_offset, size)
    }

    fn y_advance(&self, _size: f32) -> f32 {
        0.0
    }

    fn location(&self) -> Option<krilla::surface::Location> {
        None
    }
}

/// The glyphs and text of the text object being drawn, kept from one to
/// the next so that drawing a line allocates nothing.
#[derive(Default)]
pub(super) struct DrawBuffers {
    glyphs: Vec<PdfGlyph>,
    text: String,
}

/// (glyph, steps) → the twin's glyph id.
type Twins = HashMap<(u16, u16), u16>;

/// A derived face (`widen.rs`) as krilla reads it.
struct Derived {
    font: Font,
    twins: Twins,
    /// Where its guest's glyphs are, when it carries them.
    guest: Option<widen::GuestIds>,
}

/// How the glyphs of one font source are drawn.
struct Drawing {
    /// The krilla font: the source's own file, its derived file
    /// (`widen.rs`), or the derived file of the face that carries its
    /// glyphs (`guest.rs`).
    font: Font,
    /// The source whose PDF font this is (its own index, or its host's):
    /// runs of equal `pdf_font` can be drawn as one.
    pdf_font: usize,
    /// For a guest face: its glyph ids → their ids in the host's file.
    ids: Option<GlyphMap>,
    /// (glyph, steps) → twin id, when the face was derived with twins
    /// (`widen.rs`); `None` for a face without gaps or one `widen.rs`
    /// cannot derive, whose gaps are joined instead.
    twins: Option<Twins>,
}

impl Drawing {
    /// Source `s` drawn from its own derived file.
    fn derived(s: usize, font: Font, twins: Twins) -> Drawing {
        Drawing {
            font,
            pdf_font: s,
            ids: None,
            twins: Some(twins),
        }
    }

    /// Source `s` drawn from its file as it is, if krilla reads it.
    fn as_it_is(s: usize, source: &FontSource) -> Option<Drawing> {
        Font::new(source.data.shared().into(), source.index).map(|font| Drawing {
            font,
            pdf_font: s,
            ids: None,
            twins: None,
        })
    }
}

/// krilla fonts for the document's font list, created once each, with the
/// fonts' advances, the twins of glyphs before a gap and the glyphs krilla
/// has mapped to Unicode so far.
pub(super) struct FontCache {
    /// Per font source; `None` for one krilla cannot read.
    faces: Vec<Option<Drawing>>,
    /// The same faces (the original files) for their advance widths.
    metrics: Vec<Option<harfrust::Font>>,
    /// (font, glyph) pairs drawn so far in this document.
    mapped: HashSet<(usize, u16)>,
}

impl FontCache {
    /// Parses every font source, each face `widen.rs` can derive (TrueType,
    /// CFF) derived with the twins the gaps of `sheets` (`gaps`:
    /// [`widen::sheet_gaps`]) need and, for a
    /// face another one is embedded with (`FontSource::embed_with`), that
    /// face's glyphs too; a font krilla cannot read is `None` and its text
    /// is skipped (reported by the caller).
    pub(super) fn new(
        sources: &[FontSource],
        sheets: &[&[(Point, FrameItem)]],
        gaps: &[widen::SheetGaps],
    ) -> FontCache {
        let metrics: Vec<Option<harfrust::Font>> = sources
            .iter()
            .map(|source| {
                harfrust::Font::new(
                    harfrust::font::Blob::from(source.data.shared()),
                    source.index,
                )
            })
            .collect();
        let needs = {
            let advances: Vec<Advances<'_>> =
                metrics.iter().map(|m| Advances::new(m.as_ref())).collect();
            widen::collect_needs(sheets, gaps, sources.len(), |run, g| {
                advances
                    .get(run.font.index())
                    .map_or(0.0, |a| a.of(run.size, g.id))
            })
        };
        let (host_of, guest_of) = hosts(sources);
        // Each face is derived on its own (a CFF face's drawn glyphs are
        // converted to TrueType outlines), a guest with its host, in
        // rayon's pool.
        let derive = |s: usize, guest: Option<usize>| -> Option<Derived> {
            let source = sources.get(s)?;
            let guest = guest.and_then(|p| {
                Some(widen::Guest {
                    data: &sources.get(p)?.data,
                    index: sources.get(p)?.index,
                    needs: needs.get(p)?,
                })
            });
            let widening = widen::derive(&source.data, source.index, needs.get(s)?, guest)?;
            Some(Derived {
                font: Font::new(widening.data.into(), 0)?,
                twins: widening.twins,
                guest: widening.guest,
            })
        };
        let derived: Vec<Option<Derived>> = {
            use rayon::prelude::*;
            (0..sources.len())
                .into_par_iter()
                .map(|s| match host_of[s] {
                    Some(_) => None,
                    None => derive(s, guest_of[s]),
                })
                .collect()
        };
        let mut faces: Vec<Option<Drawing>> = (0..sources.len()).map(|_| None).collect();
        for (s, derived) in derived.into_iter().enumerate() {
            let Some(source) = sources.get(s).filter(|_| host_of[s].is_none()) else {
                continue;
            };
            let Some(Derived { font, twins, guest }) = derived else {
                faces[s] = Drawing::as_it_is(s, source);
                continue;
            };
            if let (Some(guest), Some(p)) = (guest, guest_of[s]) {
                faces[p] = Some(Drawing {
                    font: font.clone(),
                    pdf_font: s,
                    ids: Some(guest.ids),
                    twins: Some(guest.twins),
                });
            }
            faces[s] = Some(Drawing::derived(s, font, twins));
        }
        // A guest its host could not carry is drawn on its own.
        for (p, source) in sources.iter().enumerate() {
            if host_of[p].is_some() && faces[p].is_none() {
                faces[p] = match derive(p, None) {
                    Some(d) => Some(Drawing::derived(p, d.font, d.twins)),
                    None => Drawing::as_it_is(p, source),
                };
            }
        }
        FontCache {
            faces,
            metrics,
            mapped: HashSet::new(),
        }
    }

    /// How the source at `index` is drawn, if krilla could read it.
    fn face(&self, index: usize) -> Option<&Drawing> {
        self.faces.get(index).and_then(Option::as_ref)
    }

    /// Whether runs `a` and `b` (of one line) can be drawn as one: the
    /// same PDF font, size, colour and slant.
    pub(super) fn draw_alike(&self, a: &TextRun, b: &TextRun) -> bool {
        let font = |run: &TextRun| self.face(run.font.index()).map(|f| f.pdf_font);
        font(a).is_some()
            && font(a) == font(b)
            && a.size.to_bits() == b.size.to_bits()
            && a.color == b.color
            && a.slant.to_bits() == b.slant.to_bits()
    }

    /// The text range krilla gets for each glyph of `run`: the glyph's own,
    /// or for glyphs joined across a gap (see the module header) the range
    /// of them all. Records the run's glyphs as mapped.
    fn extraction_ranges(&mut self, run: &TextRun) -> Vec<Range<usize>> {
        let font = run.font.index();
        let glyphs = &run.glyphs();
        let mut ranges: Vec<Range<usize>> = glyphs.iter().map(Glyph::range).collect();
        let Some(metrics) = self.metrics.get(font).and_then(Option::as_ref) else {
            return ranges;
        };
        let advances = Advances::new(Some(metrics));
        let natural = |g: &Glyph| advances.of(run.size, g.id);
        let own = |i: usize| -> bool {
            // A glyph alone in its cluster, with text that is not blank.
            let Some(g) = glyphs.get(i) else { return false };
            let shares = |j: Option<usize>| {
                j.and_then(|j| glyphs.get(j))
                    .is_some_and(|o| o.range() == g.range())
            };
            !shares(i.checked_sub(1))
                && !shares(Some(i + 1))
                && run
                    .text()
                    .get(g.range())
                    .is_some_and(|t| !t.trim().is_empty())
        };
        // Start of the current chain of joined glyphs.
        let mut chain_start: Option<usize> = None;
        for (i, g) in glyphs.iter().enumerate() {
            let joins = glyphs.get(i + 1).is_some_and(|next| {
                g.x_advance - natural(g) > JOIN_GAP * run.size
                    && g.end == next.start
                    && own(i)
                    && own(i + 1)
                    && self.mapped.contains(&(font, g.id))
                    && self.mapped.contains(&(font, next.id))
            });
            if joins {
                chain_start.get_or_insert(i);
            } else if let Some(start) = chain_start.take() {
                let union = glyphs[start].range().start..g.range().end;
                for range in ranges.iter_mut().take(i + 1).skip(start) {
                    *range = union.clone();
                }
            }
            self.mapped.insert((font, g.id));
        }
        ranges
    }
}

/// A face's own glyph advances, read through one metrics table for many
/// glyphs (a run, or the whole document's pre-pass).
struct Advances<'a>(Option<(harfrust::font::metrics::GlyphMetrics<'a>, f32)>);

impl<'a> Advances<'a> {
    /// The advances of `font` (none without it).
    fn new(font: Option<&'a harfrust::Font>) -> Advances<'a> {
        Advances(font.map(|f| (f.glyph_metrics(), f32::from(f.units_per_em().max(1)))))
    }

    /// The advance of glyph `id` at type size `size`, in pt; 0 without
    /// metrics.
    fn of(&self, size: f32, id: u16) -> f32 {
        match &self.0 {
            Some((glyphs, upem)) => {
                glyphs.h_advance(harfrust::GlyphId::new(u32::from(id))) / upem * size
            }
            None => 0.0,
        }
    }
}

/// One glyph run of a line, where it is drawn and the gap after it to the
/// next run of its line ([`widen::run_gaps`]).
pub(super) struct LineRun<'a> {
    /// The baseline origin.
    pub(super) at: Point,
    /// The run.
    pub(super) run: &'a TextRun,
    /// The gap after it that text extraction should not read as a space.
    pub(super) trailing: Option<f32>,
}

/// Draws runs of one line that [`FontCache::draw_alike`] as one text
/// object, at the first run's baseline origin: the last glyph of each run
/// but the last reaches to where the next run starts. Returns `false` when
/// the font is unusable or a glyph range does not lie in its run's text
/// (such a run is left out).
pub(super) fn draw_runs(
    surface: &mut Surface,
    fonts: &mut FontCache,
    buffers: &mut DrawBuffers,
    runs: &[LineRun<'_>],
) -> bool {
    let ranges_ok = |run: &TextRun| {
        run.glyphs().iter().all(|g| {
            let range = g.range();
            range.start <= range.end
                && run.text().is_char_boundary(range.start)
                && run.text().is_char_boundary(range.end)
                && range.end <= run.text().len()
        })
    };
    let mut all_ok = true;
    let mut drawn = runs
        .iter()
        .filter(|r| {
            let ok = ranges_ok(r.run);
            all_ok &= ok;
            ok && !r.run.glyphs().is_empty()
        })
        .peekable();
    let Some(&first) = drawn.peek() else {
        return all_ok;
    };
    let Some(font) = fonts.face(first.run.font.index()).map(|f| f.font.clone()) else {
        return false;
    };
    buffers.glyphs.clear();
    buffers.text.clear();
    // One run draws from its own text; runs drawn together from theirs
    // joined.
    let joined = runs.len() > 1;
    while let Some(line_run) = drawn.next() {
        let run = line_run.run;
        let index = run.font.index();
        let base = if joined {
            let base = buffers.text.len();
            buffers.text.push_str(run.text());
            base
        } else {
            0
        };
        // A face drawn as it is joins the glyphs around a gap instead.
        let joined_ranges = match fonts.face(index) {
            None => return false,
            Some(face) if face.twins.is_none() => Some(fonts.extraction_ranges(run)),
            Some(_) => None,
        };
        let Some(face) = fonts.face(index) else {
            return false;
        };
        let widened = match &face.twins {
            Some(_) => {
                let advances = Advances::new(fonts.metrics.get(index).and_then(Option::as_ref));
                widen::widened(run, line_run.trailing, |g| advances.of(run.size, g.id))
            }
            None => Vec::new(),
        };
        let mut widened = widened.into_iter().peekable();
        let extra = drawn
            .peek()
            .map_or(0.0, |next| next.at.x - (line_run.at.x + run.width()));
        let last = run.glyphs().len() - 1;
        for (i, g) in run.glyphs().iter().enumerate() {
            let mut id = match &face.ids {
                Some(map) => match map.get(g.id) {
                    Some(id) => id,
                    None => return false,
                },
                None => g.id,
            };
            if let Some((_, n)) = widened.next_if(|(at, _)| *at == i)
                && let Some(&twin) = face.twins.as_ref().and_then(|t| t.get(&(g.id, n)))
            {
                id = twin;
            }
            let range = match &joined_ranges {
                Some(ranges) => ranges.get(i).cloned().unwrap_or_else(|| g.range()),
                None => g.range(),
            };
            buffers.glyphs.push(PdfGlyph {
                id,
                x_advance: g.x_advance + if i == last { extra } else { 0.0 },
                x_offset: g.x_offset,
                y_offset: g.y_offset,
                size: run.size,
                range: range.start + base..range.end + base,
            });
        }
    }
    let text = if joined {
        buffers.text.as_str()
    } else {
        first.run.text()
    };
    let (at, run) = (first.at, first.run);
    surface.set_fill(Some(fill(run.color)));
    let slanted = run.slant != 0.0 && run.slant.is_finite();
    if slanted {
        // Shear around the baseline origin: x' = x - slant * (y - origin.y).
        surface.push_transform(&Transform::from_row(
            1.0,
            0.0,
            -run.slant,
            1.0,
            run.slant * at.y,
            0.0,
        ));
    }
    surface.draw_glyphs(
        KPoint::from_xy(at.x, at.y),
        &buffers.glyphs,
        font,
        text,
        run.size,
        false,
    );
    if slanted {
        surface.pop();
    }
    all_ok
}

/// Which font source carries which one's glyphs: per source, its host (a
/// guest) and its guest (a host). A source names its host with
/// `embed_with`; a host carries one guest and is no guest itself.
fn hosts(sources: &[FontSource]) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
    let mut host_of = vec![None; sources.len()];
    let mut guest_of = vec![None; sources.len()];
    for (p, source) in sources.iter().enumerate() {
        let Some(host) = source.embed_with.map(|k| k.index()) else {
            continue;
        };
        let host_is_free = sources.get(host).is_some_and(|h| h.embed_with.is_none());
        if host != p && host_is_free && guest_of[host].is_none() {
            guest_of[host] = Some(p);
            host_of[p] = Some(host);
        }
    }
    (host_of, guest_of)
}
