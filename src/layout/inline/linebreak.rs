//! Choosing the line breaks of a paragraph. Each stretch between forced
//! breaks is set total-fit: the breaks minimise the summed line costs
//! (squeezing is cheap, stretching dear, as JLREQ prefers "push in" to
//! "push out"; a one-character last line is avoided). A line may always be
//! squeezed down to its minimum width, and never set wider than the line.
//! When a unit is wider than the line, first fit with emergency breaks
//! (after URL separators, else where kinsoku allows, else anywhere) takes
//! over.
//!
//! Input: glyphs with spacing, break [`Opportunities`] and the paragraph
//! style. Output: [`Line`] ranges of glyph indices.

use super::ParagraphStyle;
use super::breaks::{LastClass, Opportunities, is_url_break_after, tailored_classes};
use super::classes::CharClass;
use super::collect::Collected;
use super::line::{EPSILON, Line, Measure, RunningTotals, measure, measure_between, measure_fast};
use super::shape::{Glyph, Glyphs};

/// Chooses the lines.
pub(crate) fn choose_lines(
    glyphs: &Glyphs,
    opps: &Opportunities,
    text: &Collected,
    style: &ParagraphStyle,
) -> Vec<Line> {
    let n = glyphs.len();
    let width = if style.width.is_finite() {
        style.width.max(0.0)
    } else {
        0.0
    };
    let first_indent = if style.first_line_indent.is_finite() {
        style.first_line_indent.clamp(0.0, width)
    } else {
        0.0
    };
    let ctx = BreakContext {
        glyphs,
        totals: RunningTotals::new(glyphs),
        opps,
        text: &text.text,
        width,
        style,
    };
    let mut lines = Vec::new();
    let mut forced = opps.forced.iter().copied().peekable();
    let mut start = 0;
    let mut plan = std::collections::VecDeque::new();
    loop {
        let para_start = lines.is_empty();
        let indent = if para_start { first_indent } else { 0.0 };
        // An opening bracket keeps its leading half-em only after a
        // first-line indent; without one (list items, unindented prose) it
        // is set flush like at any line start.
        let para_start = para_start && indent > 0.0;
        let limit = forced.peek().copied().unwrap_or(n).min(n);
        let byte = glyphs.get(start).map_or(text.text.len(), Glyph::start);
        if start >= n && forced.peek().is_none() {
            break;
        }
        if limit <= start {
            // A forced break right here: an empty line (or the end of a
            // line that just ended at this forced break is handled below).
            forced.next();
            lines.push(Line {
                start,
                end: start,
                justify: false,
                para_start,
                indent,
                byte,
            });
            continue;
        }
        let stretch = Stretch {
            start,
            limit,
            para_start,
            indent,
        };
        // No line measured from here on starts before `start`.
        ctx.totals.forget_before(start);
        if plan.is_empty() {
            plan = ctx.total_fit(&stretch).into();
        }
        let end = match plan.pop_front() {
            Some(end) => end,
            None => ctx.fit(&stretch),
        };
        let by_force = end == limit && forced.peek().is_some_and(|&f| f == end);
        if by_force {
            forced.next();
        }
        lines.push(Line {
            start,
            end,
            justify: !by_force && end < n,
            para_start,
            indent,
            byte,
        });
        start = end;
        if start >= n && forced.peek().is_none() {
            break;
        }
    }
    avoid_short_last_line(&mut lines, glyphs, opps, style);
    lines
}

/// What every break decision of one paragraph reads.
struct BreakContext<'a> {
    /// The paragraph's glyphs with their spacing.
    glyphs: &'a Glyphs,
    /// Their running totals, for measuring candidate lines fast.
    totals: RunningTotals<'a>,
    /// Where breaks are allowed or forced.
    opps: &'a Opportunities,
    /// The paragraph's text (the glyphs' ranges index it).
    text: &'a str,
    /// The line length in pt (finite, not negative).
    width: f32,
    /// The paragraph style.
    style: &'a ParagraphStyle,
}

/// A stretch of glyphs set at once: `start..limit`, ending at a forced
/// break or the paragraph end (or what is left of one when a line was set
/// first-fit).
#[derive(Debug, Clone, Copy)]
struct Stretch {
    /// First glyph.
    start: usize,
    /// One past the last glyph.
    limit: usize,
    /// Whether the stretch starts the paragraph.
    para_start: bool,
    /// Indent of the stretch's first line in pt.
    indent: f32,
}

/// Most break candidates a total-fit search considers at once; a longer
/// stretch of text is set in consecutive windows of this many candidates.
const MAX_TOTAL_FIT_CANDIDATES: usize = 20_000;

impl BreakContext<'_> {
    /// Chooses the breaks of glyphs `start..limit` (a stretch ending at a
    /// forced break or the paragraph end) at once, minimising the sum of line
    /// costs ([`line_cost`]). The search stops at the first unit wider than
    /// the line (it returns the breaks before that unit, which first fit
    /// with emergency breaks then sets) and after
    /// [`MAX_TOTAL_FIT_CANDIDATES`] candidates (it returns the breaks up to
    /// the last candidate but one line). Candidates are found while the
    /// search goes, and never more than one line past the last reachable
    /// one, so each glyph is looked at a bounded number of times: a stretch
    /// with no break opportunity costs linear time.
    fn total_fit(&self, stretch: &Stretch) -> Vec<usize> {
        let Self {
            glyphs,
            ref totals,
            opps,
            width,
            style,
            ..
        } = *self;
        let Stretch {
            start,
            limit,
            para_start,
            indent,
        } = *stretch;
        let mut nodes = vec![start];
        // starts[j]: nodes[j] as a line start, read once for every line
        // measured from it.
        let mut starts = vec![totals.line_start(start)];
        // best[j]: least total cost of lines ending at nodes[j], and the node
        // where that last line starts.
        let mut best = vec![(0.0f32, 0usize)];
        let mut next = start + 1;
        let mut complete = false;
        while nodes.len() <= MAX_TOTAL_FIT_CANDIDATES {
            // The next candidate, unless the unit up to it is wider than the
            // line (then the search stops).
            let last = nodes.last().copied().unwrap_or(start);
            let avail_unit = width - if last == start { indent } else { 0.0 };
            let mut end = None;
            while next <= limit {
                let e = next;
                next += 1;
                if e == limit || opps.allowed.get(e).copied().unwrap_or(false) {
                    end = Some(e);
                    break;
                }
                if totals.surely_fits(last, e, avail_unit) {
                    continue;
                }
                let m = measure_fast(glyphs, totals, last, e, last == start && para_start, style);
                if m.min_width() > avail_unit + EPSILON {
                    break;
                }
            }
            let Some(end) = end else { break };
            nodes.push(end);
            let line_end = totals.line_end(end, start);
            let mut here = (f32::INFINITY, 0usize);
            for (i, from) in starts.iter().enumerate().rev() {
                let begin = nodes[i];
                let first_line = i == 0;
                let avail = width - if first_line { indent } else { 0.0 };
                let m = measure_between(from, &line_end, first_line && para_start, style);
                if m.min_width() > avail + EPSILON {
                    break;
                }
                let (before, _) = best[i];
                if before.is_infinite() {
                    continue;
                }
                let cost = line_cost(&LineCandidate {
                    glyphs,
                    m: &m,
                    begin,
                    end,
                    avail,
                    last: end == limit,
                    penalized: opps.penalized.get(end).copied().unwrap_or(false),
                });
                if before + cost < here.0 {
                    here = (before + cost, i);
                }
            }
            best.push(here);
            if here.0.is_infinite() {
                // The unit before `end` is wider than the line.
                nodes.pop();
                best.pop();
                break;
            }
            starts.push(totals.line_start(end));
            if end == limit {
                complete = true;
                break;
            }
        }
        let mut j = nodes.len() - 1;
        if !complete && j > 0 {
            // Stopped early: keep the breaks up to the line before the last
            // reachable candidate, whose own line may improve once the
            // search goes on from there.
            j = best[j].1;
        }
        let mut ends = Vec::new();
        while j > 0 {
            ends.push(nodes[j]);
            j = best[j].1;
        }
        ends.reverse();
        ends
    }

    /// The end of the line starting the stretch (never past its limit,
    /// always past its start), set first-fit.
    fn fit(&self, stretch: &Stretch) -> usize {
        let Self {
            glyphs,
            ref totals,
            opps,
            style,
            ..
        } = *self;
        let Stretch {
            start,
            limit,
            para_start,
            ..
        } = *stretch;
        let avail = self.width - stretch.indent;
        let mut best = None;
        // A lower bound of the width of any line ending at or after `end`, so
        // that a long stretch without break opportunities is not scanned to
        // its end for every line.
        let mut lower = 0.0f32;
        for end in start + 1..=limit {
            if let Some(g) = glyphs.get(end - 1)
                && g.class != CharClass::Space
                && !(style.hanging_punctuation
                    && matches!(g.class, CharClass::Comma | CharClass::FullStop))
            {
                let s = glyphs.spacing(g);
                lower += g.advance - s.lead - s.trail;
            }
            if lower > avail + EPSILON {
                break;
            }
            let candidate = end == limit || opps.allowed.get(end).copied().unwrap_or(false);
            if !candidate {
                continue;
            }
            let m = measure_fast(glyphs, totals, start, end, para_start, style);
            if m.min_width() <= avail + EPSILON {
                best = Some(end);
            } else {
                break;
            }
        }
        match best {
            Some(end) => end,
            None => self.emergency(stretch),
        }
    }

    /// A break inside a unit wider than the line: after the last URL
    /// separator that fits, else at the last point that fits and keeps the
    /// kinsoku rules, else after the last cluster that fits, else after one
    /// cluster (a glyph wider than the line).
    fn emergency(&self, stretch: &Stretch) -> usize {
        let Self {
            glyphs,
            ref totals,
            text,
            style,
            ..
        } = *self;
        let Stretch {
            start,
            limit,
            para_start,
            ..
        } = *stretch;
        let avail = self.width - stretch.indent;
        let mut last_fit = None;
        let mut last_ok = None;
        let mut last_url = None;
        let (mut before_class, mut after_class) = (LastClass::default(), LastClass::default());
        for end in start + 1..=limit {
            if glyphs.get(end).is_some_and(|g| !g.cluster_start) {
                continue;
            }
            if !totals.surely_fits(start, end, avail) {
                let m = measure_fast(glyphs, totals, start, end, para_start, style);
                if m.min_width() > avail + EPSILON {
                    break;
                }
            }
            last_fit = Some(end);
            let before = glyphs
                .get(end - 1)
                .and_then(|g| text.get(g.range()))
                .and_then(|s| s.chars().next_back());
            let after = glyphs
                .get(end)
                .and_then(|g| text.get(g.start()..))
                .and_then(|s| s.chars().next());
            let kinsoku_ok = match (before, after) {
                (Some(a), Some(b)) => {
                    tailored_classes(before_class.of(a), after_class.of(b), true, style.kinsoku)
                }
                _ => true,
            };
            if kinsoku_ok {
                last_ok = Some(end);
                if before.is_some_and(is_url_break_after) {
                    last_url = Some(end);
                }
            }
        }
        last_url.or(last_ok).or(last_fit).unwrap_or_else(|| {
            // Not even one cluster fits: take exactly one.
            let mut end = start + 1;
            while glyphs.get(end).is_some_and(|g| !g.cluster_start) {
                end += 1;
            }
            end.min(limit.max(start + 1))
        })
    }
}

/// A candidate line as [`line_cost`] weighs it.
struct LineCandidate<'a> {
    /// The paragraph's glyphs.
    glyphs: &'a [Glyph],
    /// The line's measure.
    m: &'a Measure,
    /// First glyph.
    begin: usize,
    /// One past the last glyph.
    end: usize,
    /// The line length available (after any indent).
    avail: f32,
    /// Whether the line ends the stretch (not justified).
    last: bool,
    /// Whether the line ends at a break inside a token (code, URL…).
    penalized: bool,
}

/// Cost of ending a line inside code, a URL or an identifier: worth about
/// as much as a line stretched by 7 % of its length.
const TOKEN_BREAK_PENALTY: f32 = 50.0;

/// Cost of a line that cannot be justified within the stretch caps (set
/// flush-start): taken only when every other choice is worse.
const RAGGED_PENALTY: f32 = 5_000.0;

/// The cost of one line: one per line, plus the squared squeeze ratio
/// (weighted lightly: JLREQ prefers pushing in to pushing out), plus the
/// squared stretch relative to a tenth of the line (weighted heavily) and
/// relative to the line's stretch caps, plus a large penalty for a line that cannot be justified within the caps
/// (it would be ragged), for a break inside a token and for a last line of
/// a single character.
fn line_cost(c: &LineCandidate) -> f32 {
    let m = c.m;
    let mut cost = 1.0;
    if m.natural > c.avail {
        let r = (m.natural - c.avail) / m.shrink.max(EPSILON);
        cost += 10.0 * r * r;
    } else if !c.last {
        let slack = c.avail - m.natural;
        let r = slack / (0.1 * c.avail).max(EPSILON);
        cost += 100.0 * r * r;
        if slack > m.stretch + EPSILON {
            cost += RAGGED_PENALTY;
        } else if m.stretch > 0.0 {
            // How much of the caps the line uses: a line stretched to its
            // caps reads as letter-spaced, so a break inside a token beats it.
            let f = slack / m.stretch;
            cost += 200.0 * f * f;
        }
    }
    if c.penalized {
        cost += TOKEN_BREAK_PENALTY;
    }
    if c.last && content_chars(c.glyphs, c.begin, c.end) < MIN_LAST_LINE_CHARS {
        cost += 1000.0;
    }
    cost
}

/// The fewest characters (punctuation not counted) a paragraph's last line
/// should have: a lone character such as 「い。」 on the last line is
/// avoided by ending the line before it earlier.
const MIN_LAST_LINE_CHARS: usize = 2;

/// Moves the break before a too-short last line back, when the line above
/// can give up characters without becoming looser than three quarters
/// full.
fn avoid_short_last_line(
    lines: &mut [Line],
    glyphs: &Glyphs,
    opps: &Opportunities,
    style: &ParagraphStyle,
) {
    let k = lines.len();
    let (Some(prev), Some(last)) = (lines.get(k.wrapping_sub(2)), lines.get(k.wrapping_sub(1)))
    else {
        return;
    };
    if !prev.justify || last.start == last.end || prev.end != last.start {
        return;
    }
    if content_chars(glyphs, last.start, last.end) >= MIN_LAST_LINE_CHARS {
        return;
    }
    let prev_avail = style.width - prev.indent;
    let last_avail = style.width - last.indent;
    for b in (prev.start + 1..prev.end).rev() {
        if !opps.allowed.get(b).copied().unwrap_or(false) {
            continue;
        }
        if measure(glyphs, b, last.end, false, style).min_width() > last_avail + EPSILON
            || measure(glyphs, prev.start, b, prev.para_start, style).natural < 0.75 * prev_avail
        {
            return;
        }
        if content_chars(glyphs, b, last.end) >= MIN_LAST_LINE_CHARS {
            let byte = glyphs.get(b).map_or(last.byte, Glyph::start);
            if let Some(prev) = lines.get_mut(k - 2) {
                prev.end = b;
            }
            if let Some(last) = lines.get_mut(k - 1) {
                last.start = b;
                last.byte = byte;
            }
            return;
        }
    }
}

/// Characters in glyphs `start..end`, punctuation and spaces not counted.
fn content_chars(glyphs: &[Glyph], start: usize, end: usize) -> usize {
    glyphs
        .get(start..end)
        .unwrap_or(&[])
        .iter()
        .filter(|g| {
            g.cluster_start
                && !matches!(
                    g.class,
                    CharClass::Closing
                        | CharClass::Comma
                        | CharClass::FullStop
                        | CharClass::MiddleDot
                        | CharClass::Dividing
                        | CharClass::Space
                )
        })
        .count()
}
