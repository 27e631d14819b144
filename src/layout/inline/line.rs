//! One line of a paragraph as the breaker chooses it and the setter sets
//! it: the glyph range of a [`Line`] and its [`Measure`] (natural width,
//! squeezable amount, line-edge adjustments), either walked glyph by glyph
//! ([`measure`]) or from the paragraph's [`RunningTotals`]
//! ([`measure_fast`]), which are computed as the breaker goes and kept only
//! from the line being chosen on.
//!
//! Input: the paragraph's glyphs with their spacing (from `adjust`), a
//! glyph range and the paragraph style. Output: the range's [`Measure`],
//! used by `linebreak` to choose the breaks and by `justify` to set them.
//!
//! Line edges: trailing word spaces take no room; the blank half-em after
//! a closing bracket, 、 or 。 ending the line is removed (with hanging
//! punctuation a final 、 or 。 also hangs past the line end); glue (the
//! Japanese–Latin space, the space after ？！) before the first glyph is
//! dropped; an opening bracket starting any line but an indented
//! paragraph's first loses its leading half-em (that line keeps JIS X
//! 4051's default: the bracket keeps its half-em after the indent).

use std::cell::RefCell;

use super::ParagraphStyle;
use super::classes::CharClass;
use super::shape::{Glyph, Glyphs};

/// Tolerance for width comparisons (pt).
pub(crate) const EPSILON: f32 = 1e-3;

/// One chosen line: glyphs `start..end`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    /// First glyph.
    pub start: usize,
    /// One past the last glyph.
    pub end: usize,
    /// Whether the line is justified (not the last line, not ended by a
    /// forced break).
    pub justify: bool,
    /// Whether the line starts a paragraph with a first-line indent (keeps
    /// an opening bracket's leading half-em, as in JIS X 4051's default).
    pub para_start: bool,
    /// Indent in pt.
    pub indent: f32,
    /// Byte offset in the paragraph text where the line starts (for empty
    /// lines, which have no glyphs).
    pub byte: usize,
}

/// Widths of a candidate line.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Measure {
    /// One past the last glyph that takes room (trailing spaces excluded).
    pub content_end: usize,
    /// Natural width with the line-edge adjustments.
    pub natural: f32,
    /// Total squeezable amount.
    pub shrink: f32,
    /// Whether the first glyph's leading half-em is cut.
    pub cut_lead: bool,
    /// Whether the last glyph's trailing half-em is cut.
    pub cut_trail: bool,
    /// Width of a hanging 、 or 。 at the end (burasage), not counted in
    /// `natural`.
    pub hang: f32,
    /// Most the line may be stretched within the caps (word spaces to ½
    /// em, the Japanese–Latin space to ½ em, ¼ em per inter-character
    /// slot); a line that would need more is set flush-start.
    pub stretch: f32,
}

impl Measure {
    /// The narrowest the line can be set.
    pub(super) fn min_width(&self) -> f32 {
        self.natural - self.shrink
    }
}

/// Running totals of a paragraph's glyphs, so that a candidate line is
/// measured in constant time (plus its trimmed ends) instead of walking all
/// of its glyphs. Sums are kept in `f64` so that differences of large
/// totals stay exact to well below the layout tolerance.
///
/// The sums are computed as the breaker asks for them, glyph after glyph
/// from the paragraph start (so each has the value a pass over the whole
/// paragraph gives), and those before the line the breaker is choosing are
/// forgotten ([`RunningTotals::forget_before`]): a run of megabytes holds
/// only a window of them.
#[derive(Debug)]
pub(crate) struct RunningTotals<'a> {
    /// The glyphs summed.
    glyphs: &'a Glyphs,
    /// The sums computed and kept.
    window: RefCell<Window>,
}

/// The sums of [`RunningTotals`] kept now.
#[derive(Debug, Default)]
struct Window {
    /// Index (in sums: `sums[k]` is the sum over glyphs `0..base + k`) of
    /// the first sum kept.
    base: usize,
    /// `sums[k]`: the sums over glyphs `0..base + k`, side by side (a
    /// measure reads all three at two places): of advance and glue
    /// (natural), of all squeezable amounts, glue included (shrink), and of
    /// the stretch capacities (see [`slot_before`]).
    sums: Vec<Sums>,
}

/// The running sums up to one glyph.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    /// Advances and glue.
    natural: f64,
    /// Squeezable amounts.
    shrink: f64,
    /// Stretch capacities.
    stretch: f64,
}

/// Sums forgotten at once at least (so that forgetting costs amortized
/// constant time per glyph).
const FORGET_AT_ONCE: usize = 4096;

impl<'a> RunningTotals<'a> {
    /// The totals of `glyphs`, none computed yet.
    pub(crate) fn new(glyphs: &'a Glyphs) -> Self {
        Self {
            glyphs,
            window: RefCell::new(Window {
                base: 0,
                sums: vec![Sums::default()],
            }),
        }
    }

    /// The sums over glyphs `0..i` (`i` at most the glyph count; past it,
    /// the sums of all glyphs).
    fn sum(&self, i: usize) -> Sums {
        let i = i.min(self.glyphs.len());
        let Ok(mut w) = self.window.try_borrow_mut() else {
            // Never borrowed twice; computed afresh all the same.
            return self.sum_from_start(i);
        };
        if i < w.base {
            // Forgotten (the breaker never goes back): start over.
            *w = Window {
                base: 0,
                sums: vec![Sums::default()],
            };
        }
        while w.base + w.sums.len() <= i {
            let k = w.base + w.sums.len() - 1;
            let at = w.sums.last().copied().unwrap_or_default();
            w.sums.push(self.add(at, k));
        }
        let base = w.base;
        w.sums.get(i - base).copied().unwrap_or_default()
    }

    /// `at` (the sums over glyphs `0..k`) plus glyph `k`.
    fn add(&self, mut at: Sums, k: usize) -> Sums {
        let glyphs = self.glyphs;
        if let Some(g) = glyphs.get(k) {
            let sp = glyphs.spacing(g);
            at.natural += f64::from(g.advance) + f64::from(sp.glue);
            at.shrink += f64::from(sp.space_shrink)
                + f64::from(sp.lead_shrink)
                + f64::from(sp.trail_shrink)
                + f64::from(sp.glue_shrink);
            at.stretch += f64::from(own_stretch(glyphs, g)) + f64::from(slot_before(glyphs, k));
        }
        at
    }

    /// The sums over glyphs `0..i`, computed without the window.
    fn sum_from_start(&self, i: usize) -> Sums {
        (0..i).fold(Sums::default(), |at, k| self.add(at, k))
    }

    /// Lets the sums before glyph `i` go: no line the breaker still
    /// measures starts before it.
    pub(crate) fn forget_before(&self, i: usize) {
        let Ok(mut w) = self.window.try_borrow_mut() else {
            return;
        };
        let drop = i.saturating_sub(w.base).min(w.sums.len().saturating_sub(1));
        if drop >= FORGET_AT_ONCE && drop * 2 >= w.sums.len() {
            w.sums.drain(..drop);
            w.base += drop;
        }
    }

    /// Whether glyphs `start..end` (`start < end`) set as a line can
    /// surely be squeezed to `avail` or less, without measuring them: when
    /// the last glyph starts a cluster and is not a space (so no trailing
    /// space is trimmed), the line's narrowest width is at most the sum of
    /// its advances and glue (every blank cut at the line's edges, its
    /// glue and its shrink are amounts of at least zero). A margin of
    /// 0.01 pt, and lines of at most 2000 pt, keep the `f32` rounding of
    /// [`measure_fast`] well inside the breaker's tolerance, so the answer
    /// never differs from measuring: this only saves the measuring of the
    /// glyphs of a long word while it still fits.
    pub(crate) fn surely_fits(&self, start: usize, end: usize, avail: f32) -> bool {
        const MARGIN: f64 = 0.01;
        const LONGEST: f32 = 2000.0;
        let ends_in_content = end
            .checked_sub(1)
            .and_then(|last| self.glyphs.get(last))
            .is_some_and(|g| g.cluster_start && g.class != CharClass::Space);
        start < end
            && end <= self.glyphs.len()
            && ends_in_content
            && avail <= LONGEST
            && self.sum(end).natural - self.sum(start).natural <= f64::from(avail) - MARGIN
    }

    /// Natural width, shrink and stretch of glyphs `start..end` (`start <
    /// end`), the first glyph's glue and slot not counted (they are dropped
    /// at a line start).
    fn span(&self, glyphs: &Glyphs, start: usize, end: usize) -> (f32, f32, f32) {
        let (to, from) = (self.sum(end), self.sum(start));
        let (glue, glue_shrink, glue_stretch) = glyphs.get(start).map_or((0.0, 0.0, 0.0), |g| {
            let s = glyphs.spacing(g);
            (s.glue, s.glue_shrink, s.glue_stretch)
        });
        let natural = to.natural - from.natural - f64::from(glue);
        let shrink = to.shrink - from.shrink - f64::from(glue_shrink);
        let stretch = to.stretch
            - from.stretch
            - f64::from(glue_stretch)
            - f64::from(slot_before(glyphs, start));
        (natural as f32, shrink as f32, stretch.max(0.0) as f32)
    }
}

/// Measures glyphs `start..end` as a line.
pub(crate) fn measure(
    glyphs: &Glyphs,
    start: usize,
    end: usize,
    para_start: bool,
    style: &ParagraphStyle,
) -> Measure {
    measure_inner(glyphs, None, start, end, para_start, style)
}

/// Measures glyphs `start..end` as a line using the paragraph's running
/// totals: the same result as [`measure`] in time independent of the line
/// length.
pub(crate) fn measure_fast(
    glyphs: &Glyphs,
    totals: &RunningTotals,
    start: usize,
    end: usize,
    para_start: bool,
    style: &ParagraphStyle,
) -> Measure {
    measure_inner(glyphs, Some(totals), start, end, para_start, style)
}

/// What measuring a line reads of where it starts, the same for every
/// end: the running sums before its first glyph and that glyph's glue,
/// slot and leading blank. The breaker measures a line from each of its
/// break candidates to each of the next few dozen, so each candidate is
/// read once ([`RunningTotals::line_start`]) and each pair costs a few
/// additions ([`measure_between`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineStart {
    /// First glyph.
    index: usize,
    /// The sums over glyphs `0..index`.
    sums: Sums,
    /// The first glyph's glue (dropped at a line start), its shrink and
    /// its stretch.
    glue: f32,
    glue_shrink: f32,
    glue_stretch: f32,
    /// The stretch of the slot before the first glyph (none at a line
    /// start).
    slot: f32,
    /// The first glyph's leading blank and its squeezable part.
    lead: f32,
    lead_shrink: f32,
    /// Whether the first glyph is an opening bracket.
    opening: bool,
}

/// What measuring a line reads of where it ends, the same for every start
/// at or after `floor` ([`RunningTotals::line_end`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineEnd {
    /// One past the last glyph.
    end: usize,
    /// Past the paragraph's glyphs: nothing to measure.
    beyond: bool,
    /// One past the last glyph that takes room (trailing spaces trimmed,
    /// never below `floor`).
    trimmed: usize,
    /// The sums over glyphs `0..trimmed`.
    sums: Sums,
    /// The last cluster start before `trimmed` (at `floor` or after).
    last: Option<LastGlyph>,
}

/// The last cluster start of a line, as its end adjustments read it.
#[derive(Debug, Clone, Copy)]
struct LastGlyph {
    index: usize,
    class: CharClass,
    advance: f32,
    trail: f32,
    trail_shrink: f32,
    lead_shrink: f32,
    space_shrink: f32,
}

impl LastGlyph {
    /// Glyph `index` (a cluster start) as the last of a line.
    fn new(glyphs: &Glyphs, index: usize) -> Option<LastGlyph> {
        let g = glyphs.get(index)?;
        let s = glyphs.spacing(g);
        Some(LastGlyph {
            index,
            class: g.class,
            advance: g.advance,
            trail: s.trail,
            trail_shrink: s.trail_shrink,
            lead_shrink: s.lead_shrink,
            space_shrink: s.space_shrink,
        })
    }

    /// Cuts the blank half-em after a closing bracket, 、 or 。 ending the
    /// line from `m` (and hangs a final 、 or 。 past the line end when the
    /// style lets it).
    fn cut_end(&self, m: &mut Measure, style: &ParagraphStyle) {
        if !matches!(
            self.class,
            CharClass::Closing | CharClass::Comma | CharClass::FullStop
        ) || self.trail <= 0.0
        {
            return;
        }
        m.cut_trail = true;
        m.natural -= self.trail;
        m.shrink -= self.trail_shrink;
        if style.hanging_punctuation && matches!(self.class, CharClass::Comma | CharClass::FullStop)
        {
            m.hang = self.advance - self.trail;
            m.natural -= m.hang;
            m.shrink -= self.lead_shrink + self.space_shrink;
        }
    }
}

impl RunningTotals<'_> {
    /// Glyph `index` as the start of lines ([`measure_between`]).
    pub(crate) fn line_start(&self, index: usize) -> LineStart {
        let glyphs = self.glyphs;
        let spacing = glyphs.get(index).map(|g| (g, glyphs.spacing(g)));
        LineStart {
            index,
            sums: self.sum(index),
            glue: spacing.map_or(0.0, |(_, s)| s.glue),
            glue_shrink: spacing.map_or(0.0, |(_, s)| s.glue_shrink),
            glue_stretch: spacing.map_or(0.0, |(_, s)| s.glue_stretch),
            slot: slot_before(glyphs, index),
            lead: spacing.map_or(0.0, |(_, s)| s.lead),
            lead_shrink: spacing.map_or(0.0, |(_, s)| s.lead_shrink),
            opening: spacing.is_some_and(|(g, _)| g.class == CharClass::Opening),
        }
    }

    /// One past glyph `end - 1` as the end of lines starting at `floor` or
    /// after ([`measure_between`]).
    pub(crate) fn line_end(&self, end: usize, floor: usize) -> LineEnd {
        let glyphs = self.glyphs;
        if end > glyphs.len() {
            return LineEnd {
                end,
                beyond: true,
                trimmed: end,
                sums: Sums::default(),
                last: None,
            };
        }
        let trimmed = trim_trailing_spaces(glyphs, floor, end);
        let last =
            last_cluster_start(glyphs, floor, trimmed).and_then(|i| LastGlyph::new(glyphs, i));
        LineEnd {
            end,
            beyond: false,
            trimmed,
            sums: if trimmed > floor {
                self.sum(trimmed)
            } else {
                Sums::default()
            },
            last,
        }
    }
}

/// Measures the line from `from` to `to` (`from` at or after the `floor`
/// `to` was made for): the same [`Measure`], to the bit, as
/// [`measure_fast`] gives for that range, from values read once per start
/// and once per end.
pub(crate) fn measure_between(
    from: &LineStart,
    to: &LineEnd,
    para_start: bool,
    style: &ParagraphStyle,
) -> Measure {
    let start = from.index;
    if to.beyond {
        return Measure {
            content_end: to.end,
            ..Measure::default()
        };
    }
    let content_end = to.trimmed.max(start);
    let mut m = Measure {
        content_end,
        ..Measure::default()
    };
    if content_end == start {
        return m;
    }
    // As `RunningTotals::span`: the first glyph's glue and slot dropped.
    let natural = to.sums.natural - from.sums.natural - f64::from(from.glue);
    let shrink = to.sums.shrink - from.sums.shrink - f64::from(from.glue_shrink);
    let stretch =
        to.sums.stretch - from.sums.stretch - f64::from(from.glue_stretch) - f64::from(from.slot);
    (m.natural, m.shrink, m.stretch) = (natural as f32, shrink as f32, stretch.max(0.0) as f32);
    m.shrink -= from.lead_shrink;
    if from.opening && !para_start && from.lead > 0.0 {
        m.cut_lead = true;
        m.natural -= from.lead;
    }
    if let Some(last) = to.last.filter(|l| l.index >= start) {
        last.cut_end(&mut m, style);
    }
    m.shrink = m.shrink.max(0.0);
    m
}

/// One past the last glyph of `start..end` that takes room: trailing word
/// spaces (whole clusters) are trimmed, never below `start`.
fn trim_trailing_spaces(glyphs: &Glyphs, start: usize, end: usize) -> usize {
    let mut content_end = end;
    while content_end > start
        && glyphs.get(content_end - 1).is_some_and(|g| {
            g.class == CharClass::Space
                || !g.cluster_start && is_in_space_cluster(glyphs, content_end - 1)
        })
    {
        content_end -= 1;
    }
    content_end
}

/// [`measure`] with or without running totals.
fn measure_inner(
    glyphs: &Glyphs,
    totals: Option<&RunningTotals>,
    start: usize,
    end: usize,
    para_start: bool,
    style: &ParagraphStyle,
) -> Measure {
    let content_end = trim_trailing_spaces(glyphs, start, end);
    let mut m = Measure {
        content_end,
        ..Measure::default()
    };
    let Some(slice) = glyphs.get(start..content_end) else {
        return m;
    };
    match totals {
        Some(totals) if !slice.is_empty() => {
            (m.natural, m.shrink, m.stretch) = totals.span(glyphs, start, content_end);
        }
        _ => {
            for (k, g) in slice.iter().enumerate() {
                let s = glyphs.spacing(g);
                m.natural += g.advance;
                m.shrink += s.space_shrink + s.lead_shrink + s.trail_shrink;
                m.stretch += s.space_stretch;
                if k > 0 {
                    m.natural += s.glue;
                    m.shrink += s.glue_shrink;
                    m.stretch += s.glue_stretch + slot_before(glyphs, start + k);
                }
            }
        }
    }
    if let Some(first) = slice.first() {
        // The line start is never squeezed: the lead is either cut or kept.
        let s = glyphs.spacing(first);
        m.shrink -= s.lead_shrink;
        if first.class == CharClass::Opening && !para_start && s.lead > 0.0 {
            m.cut_lead = true;
            m.natural -= s.lead;
        }
    }
    if let Some(last) =
        last_cluster_start(glyphs, start, content_end).and_then(|i| LastGlyph::new(glyphs, i))
    {
        last.cut_end(&mut m, style);
    }
    m.shrink = m.shrink.max(0.0);
    m
}

/// Most inter-character space (JLREQ §3.8.3 stretching) in em per slot.
pub(crate) const SLOT_STRETCH: f32 = 0.25;

/// The stretch a glyph carries itself: a word space's (to ½ em) and the
/// Japanese–Latin space's (to ½ em) growth.
fn own_stretch(glyphs: &Glyphs, g: &Glyph) -> f32 {
    let s = glyphs.spacing(g);
    let own = if g.class == CharClass::Space && g.cluster_start {
        s.space_stretch
    } else {
        0.0
    };
    own + s.glue_stretch
}

/// The stretch capacity of the inter-character slot before glyph `i`
/// (¼ em of the larger of its neighbours, or 0 where no slot is).
pub(crate) fn slot_before(glyphs: &Glyphs, i: usize) -> f32 {
    match (i.checked_sub(1).and_then(|p| glyphs.get(p)), glyphs.get(i)) {
        (Some(a), Some(b)) if is_slot(a, b, glyphs.spacing(b).glue) => {
            SLOT_STRETCH * glyphs.size(a).max(glyphs.size(b))
        }
        _ => 0.0,
    }
}

/// Whether inter-character space may go between glyphs `a` and `b`
/// (adjacent in the paragraph; `b_glue` is `b`'s glue): at a cluster start next to a Japanese
/// character, not at word spaces, not next to the ideographic space (which
/// stays exactly one em), not where glue already spaces the pair (the
/// Japanese–Latin space, the space after ？！), not inside runs of cl-08,
/// not after opening brackets or before closing punctuation.
pub(crate) fn is_slot(a: &Glyph, b: &Glyph, b_glue: f32) -> bool {
    if !b.cluster_start || !(a.wide || b.wide) || b_glue > 0.0 {
        return false;
    }
    let (ca, cb) = (a.class, b.class);
    if [ca, cb]
        .iter()
        .any(|&c| matches!(c, CharClass::Space | CharClass::IdeographicSpace))
    {
        return false;
    }
    if ca == CharClass::Inseparable && cb == CharClass::Inseparable {
        return false;
    }
    !(ca == CharClass::Opening
        || matches!(
            cb,
            CharClass::Closing | CharClass::Comma | CharClass::FullStop | CharClass::MiddleDot
        ))
}

/// Whether glyph `i` (not a cluster start) belongs to a space cluster.
fn is_in_space_cluster(glyphs: &[Glyph], i: usize) -> bool {
    glyphs[..i]
        .iter()
        .rev()
        .find(|g| g.cluster_start)
        .is_some_and(|g| g.class == CharClass::Space)
}

/// The index of the first glyph of the last cluster in `start..end`.
fn last_cluster_start(glyphs: &[Glyph], start: usize, end: usize) -> Option<usize> {
    glyphs
        .get(start..end)?
        .iter()
        .rposition(|g| g.cluster_start)
        .map(|k| start + k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::{Assets, ImageStore};
    use crate::layout::font::{FontBook, FontRole};
    use crate::layout::inline::collect::collect;
    use crate::layout::inline::shape::{ShapeCache, shape_paragraph};
    use crate::layout::inline::{InlinePiece, TextStyle, adjust::set_adjustability};

    #[test]
    fn windowed_totals_equal_a_pass_from_the_start() {
        let fonts = FontBook::load(&Assets::embedded(ImageStore::default())).expect("fonts");
        let text = "「かな」と漢字、Latin words and ？！の混ざった文。".repeat(800);
        let pieces = [InlinePiece::Text {
            text: &text,
            style: TextStyle::new(FontRole::Regular, 10.0),
        }];
        let collected = collect(&pieces);
        let mut glyphs = shape_paragraph(&collected, &fonts, &ShapeCache::new());
        set_adjustability(&collected, &mut glyphs, &ParagraphStyle::new(400.0, 17.0));
        assert!(glyphs.len() > 4 * FORGET_AT_ONCE);
        let totals = RunningTotals::new(&glyphs);
        let bits = |s: Sums| (s.natural.to_bits(), s.shrink.to_bits(), s.stretch.to_bits());
        for start in (0..glyphs.len()).step_by(997) {
            totals.forget_before(start);
            let end = (start + 300).min(glyphs.len());
            assert_eq!(bits(totals.sum(end)), bits(totals.sum_from_start(end)));
            assert_eq!(bits(totals.sum(start)), bits(totals.sum_from_start(start)));
        }
        let kept = totals.window.borrow().sums.len();
        assert!(kept < 3 * FORGET_AT_ONCE, "{kept} sums kept");
        // A sum before the window is computed again, the same.
        assert_eq!(bits(totals.sum(5)), bits(totals.sum_from_start(5)));
    }

    #[test]
    fn a_line_measured_between_a_start_and_an_end_equals_a_fast_measure() {
        let fonts = FontBook::load(&Assets::embedded(ImageStore::default())).expect("fonts");
        // Brackets at both ends, 、。 to hang, word spaces (trailing ones
        // trimmed, runs of them), the Japanese–Latin space and ？！ glue.
        let text = "「かな」と漢字、Latin  words and ？！の（混ざった）文。  end 「括弧」、。 ";
        let pieces = [InlinePiece::Text {
            text,
            style: TextStyle::new(FontRole::Regular, 10.0),
        }];
        let collected = collect(&pieces);
        let bits = |m: Measure| {
            (
                m.content_end,
                m.natural.to_bits(),
                m.shrink.to_bits(),
                m.cut_lead,
                m.cut_trail,
                m.hang.to_bits(),
                m.stretch.to_bits(),
            )
        };
        let mut compared = 0;
        for hanging in [false, true] {
            let mut style = ParagraphStyle::new(400.0, 17.0);
            style.hanging_punctuation = hanging;
            let mut glyphs = shape_paragraph(&collected, &fonts, &ShapeCache::new());
            set_adjustability(&collected, &mut glyphs, &style);
            let n = glyphs.len();
            let totals = RunningTotals::new(&glyphs);
            for floor in [0, 3, n / 2] {
                for start in floor..n {
                    let from = totals.line_start(start);
                    for end in start + 1..=n + 1 {
                        let to = totals.line_end(end, floor);
                        for para_start in [false, true] {
                            let fast =
                                measure_fast(&glyphs, &totals, start, end, para_start, &style);
                            let between = measure_between(&from, &to, para_start, &style);
                            assert_eq!(bits(between), bits(fast), "{start}..{end} from {floor}");
                            compared += 1;
                        }
                    }
                }
            }
            assert!(glyphs.iter().any(|g| g.class == CharClass::Opening));
            assert!(glyphs.iter().any(|g| g.class == CharClass::Space));
        }
        assert!(compared > 5000, "{compared} lines compared");
    }

    #[test]
    fn glyphs_stay_small() {
        // A run of n letters holds n of each at once (issue 13 §1).
        assert_eq!(std::mem::size_of::<Glyph>(), 32);
        assert_eq!(std::mem::size_of::<crate::layout::frame::Glyph>(), 24);
    }
}
