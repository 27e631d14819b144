//! One line of a paragraph as the breaker chooses it and the setter sets
//! it: the glyph range of a [`Line`] and its [`Measure`] (natural width,
//! squeezable amount, line-edge adjustments), either walked glyph by glyph
//! ([`measure`]) or from the paragraph's [`RunningTotals`]
//! ([`measure_fast`]).
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
#[derive(Debug, Clone, Default)]
pub(crate) struct RunningTotals {
    /// `sums[i]`: the sums over glyphs `0..i`, side by side (a measure
    /// reads all three at two places): of advance and glue (natural), of
    /// all squeezable amounts, glue included (shrink), and of the stretch
    /// capacities (see [`slot_before`]).
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

impl RunningTotals {
    /// Computes the totals of `glyphs` (one pass).
    pub(crate) fn new(glyphs: &Glyphs) -> Self {
        let mut sums = Vec::with_capacity(glyphs.len() + 1);
        let mut at = Sums::default();
        sums.push(at);
        for (i, g) in glyphs.iter().enumerate() {
            let sp = glyphs.spacing(g);
            at.natural += f64::from(g.advance) + f64::from(sp.glue);
            at.shrink += f64::from(sp.space_shrink)
                + f64::from(sp.lead_shrink)
                + f64::from(sp.trail_shrink)
                + f64::from(sp.glue_shrink);
            at.stretch += f64::from(own_stretch(glyphs, g)) + f64::from(slot_before(glyphs, i));
            sums.push(at);
        }
        Self { sums }
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
    pub(crate) fn surely_fits(
        &self,
        glyphs: &Glyphs,
        start: usize,
        end: usize,
        avail: f32,
    ) -> bool {
        const MARGIN: f64 = 0.01;
        const LONGEST: f32 = 2000.0;
        let ends_in_content = end
            .checked_sub(1)
            .and_then(|last| glyphs.get(last))
            .is_some_and(|g| g.cluster_start && g.class != CharClass::Space);
        let (Some(to), Some(from)) = (self.sums.get(end), self.sums.get(start)) else {
            return false;
        };
        start < end
            && ends_in_content
            && avail <= LONGEST
            && to.natural - from.natural <= f64::from(avail) - MARGIN
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

    /// The sums up to glyph `i` (zero past the end, as never asked).
    fn sum(&self, i: usize) -> Sums {
        self.sums.get(i).copied().unwrap_or_default()
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

/// [`measure`] with or without running totals.
fn measure_inner(
    glyphs: &Glyphs,
    totals: Option<&RunningTotals>,
    start: usize,
    end: usize,
    para_start: bool,
    style: &ParagraphStyle,
) -> Measure {
    let mut content_end = end;
    while content_end > start
        && glyphs.get(content_end - 1).is_some_and(|g| {
            g.class == CharClass::Space
                || !g.cluster_start && is_in_space_cluster(glyphs, content_end - 1)
        })
    {
        content_end -= 1;
    }
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
    if let Some(last) = last_cluster_start(glyphs, start, content_end)
        && matches!(
            last.class,
            CharClass::Closing | CharClass::Comma | CharClass::FullStop
        )
        && glyphs.spacing(last).trail > 0.0
    {
        let s = glyphs.spacing(last);
        m.cut_trail = true;
        m.natural -= s.trail;
        m.shrink -= s.trail_shrink;
        if style.hanging_punctuation && matches!(last.class, CharClass::Comma | CharClass::FullStop)
        {
            m.hang = last.advance - s.trail;
            m.natural -= m.hang;
            m.shrink -= s.lead_shrink + s.space_shrink;
        }
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
            SLOT_STRETCH * a.size.max(b.size)
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

/// The first glyph of the last cluster in `start..end`.
fn last_cluster_start(glyphs: &[Glyph], start: usize, end: usize) -> Option<&Glyph> {
    glyphs
        .get(start..end)?
        .iter()
        .rev()
        .find(|g| g.cluster_start)
}
