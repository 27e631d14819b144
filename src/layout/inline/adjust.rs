//! Punctuation widths and Japanese–Latin spacing as data on glyphs.
//!
//! Input: the shaped [`Glyph`]s of a paragraph and its [`ParagraphStyle`].
//! Output: each glyph's [`Spacing`](super::shape::Spacing): the blank
//! half-ems inside full-width brackets, 、。 and ・ (JLREQ §3.1.2), with the
//! fixed compression where marks meet (§3.1.4: 。」 」「 ）、 、「 …), the
//! squeezable amounts and their level (§3.8), the Japanese–Latin space
//! (§3.2.2), word-space limits, the full-width space after ？！ and the
//! ideographic space (U+3000) at exactly one em.
//!
//! Line-edge adjustments (the half-em at a line end, an opening bracket at
//! a line start) depend on the breaks and are made by `justify`.

use super::ParagraphStyle;
use super::classes::CharClass;
use super::collect::Collected;
use super::shape::{Glyph, Glyphs, ShrinkLevel};
use crate::layout::font::FontRole;

/// Glyphs at least this wide (in em) are full-width: their blank half is
/// inside the advance. Narrower wide punctuation (proportional faces such
/// as BIZ UDPGothic set 「 at ½ em and 、 at 0.6 em) gets the blank added,
/// so every face starts from the same JIS setting of one em per mark.
const FULL_WIDTH: f32 = 0.9;

/// Sets the spacing of every glyph, in one pass over the glyphs (a run of
/// megabytes does not fit any cache): each cluster's own blanks, then the
/// compression and glue between it and the cluster before (neither reads
/// what the other writes, and each pair only needs both clusters' own
/// blanks, so the order is the one of three separate passes).
pub(crate) fn set_adjustability(text: &Collected, glyphs: &mut Glyphs, style: &ParagraphStyle) {
    let jl = if style.jl_spacing.is_finite() {
        style.jl_spacing.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut prev: Option<usize> = None;
    for i in 0..glyphs.len() {
        let Some(g) = glyphs.get(i) else { break };
        if !g.cluster_start {
            continue;
        }
        let code = text.style(g.style_id()).role == FontRole::Mono;
        set_own_spacing(glyphs, i, code);
        if let Some(p) = prev {
            compress_pair(glyphs, p, i);
            glue_pair(text, glyphs, jl, p, i);
        }
        prev = Some(i);
    }
}

/// The blank parts of a wide punctuation glyph (JIS: half an em of glyph
/// and half an em of blank; a quarter each side for middle dots) and
/// word-space limits. Monospace text (`code`) keeps its grid.
fn set_own_spacing(glyphs: &mut Glyphs, i: usize, code: bool) {
    let Some(g) = glyphs.get_mut(i) else { return };
    if !g.cluster_start {
        return;
    }
    let em = g.size;
    if g.class == CharClass::IdeographicSpace {
        // U+3000 is exactly one em, whatever the face's advance says.
        g.advance = em;
        g.x_offset = 0.0;
        return;
    }
    if g.class == CharClass::Space {
        // Word spaces: about ⅓ em, squeezed to ¼ em, stretched to ½ em.
        let advance = g.advance;
        if let Some(s) = glyphs.spacing_mut(i) {
            s.space_shrink = (advance - 0.25 * em).max(0.0);
            s.space_stretch = (0.5 * em - advance).max(0.0);
        }
        return;
    }
    if !g.wide || code {
        return;
    }
    let inside = g.advance >= FULL_WIDTH * em;
    let core = if inside { 0.5 * em } else { g.advance };
    let blank = (em - core).max(0.0);
    let (lead, trail, level) = match g.class {
        CharClass::Opening => (blank, 0.0, ShrinkLevel::Bracket),
        CharClass::Closing | CharClass::Comma => (0.0, blank, ShrinkLevel::Bracket),
        // 。 is never squeezed mid-line; its blank goes only at a line end.
        CharClass::FullStop => (0.0, blank, ShrinkLevel::None),
        CharClass::MiddleDot => (blank / 2.0, blank / 2.0, ShrinkLevel::MiddleDot),
        _ => return,
    };
    if !inside {
        g.advance += lead + trail;
        g.x_offset += lead;
    }
    if let Some(s) = glyphs.spacing_mut(i) {
        s.lead = lead;
        s.trail = trail;
        s.punct_level = level;
        if level != ShrinkLevel::None {
            s.lead_shrink = lead;
            s.trail_shrink = trail;
        }
    }
}

/// Removes the doubled blank where punctuation marks meet: between
/// clusters `p` and `i`, adjacent cluster starts.
fn compress_pair(glyphs: &mut Glyphs, p: usize, i: usize) {
    let (a_class, a_trail) = (glyphs[p].class, glyphs.spacing(&glyphs[p]).trail);
    let (b_class, b_lead) = (glyphs[i].class, glyphs.spacing(&glyphs[i]).lead);
    let b_solid_before = matches!(
        b_class,
        CharClass::Closing | CharClass::Comma | CharClass::FullStop
    ) && glyphs[i].wide;
    if a_trail > 0.0 && b_solid_before {
        // 。」 」」 ）、: nothing between.
        remove_trail(glyphs, p);
    } else if b_lead > 0.0 && a_class == CharClass::Opening {
        // 「『: nothing between.
        remove_lead(glyphs, i);
    } else if a_trail > 0.0 && b_lead > 0.0 {
        // 」「 、「 ・「: the larger blank remains.
        if a_trail >= b_lead {
            remove_lead(glyphs, i);
        } else {
            remove_trail(glyphs, p);
        }
    }
}

/// Removes glyph `i`'s blank at its right (the advance shrinks).
fn remove_trail(glyphs: &mut Glyphs, i: usize) {
    let Some(s) = glyphs.spacing_mut(i) else {
        return;
    };
    let trail = s.trail;
    s.trail = 0.0;
    s.trail_shrink = 0.0;
    if let Some(g) = glyphs.get_mut(i) {
        g.advance -= trail;
    }
}

/// Removes glyph `i`'s blank at its left (the ink moves left with it).
fn remove_lead(glyphs: &mut Glyphs, i: usize) {
    let Some(s) = glyphs.spacing_mut(i) else {
        return;
    };
    let lead = s.lead;
    s.lead = 0.0;
    s.lead_shrink = 0.0;
    if let Some(g) = glyphs.get_mut(i) {
        g.advance -= lead;
        g.x_offset -= lead;
    }
}

/// Japanese–Latin spaces and the full-width space after ？！, between
/// clusters `p` and `i` (adjacent cluster starts); `jl` is the
/// Japanese–Latin space in em.
fn glue_pair(text: &Collected, glyphs: &mut Glyphs, jl: f32, p: usize, i: usize) {
    let (a, b) = (glyphs[p].class, glyphs[i].class);
    let em = glyphs[i].size.max(glyphs[p].size);
    if jl > 0.0 && is_jl_pair(a, b) && !(is_code(text, &glyphs[p]) && is_code(text, &glyphs[i])) {
        if let Some(s) = glyphs.spacing_mut(i) {
            s.glue = jl * em;
            s.glue_shrink = (jl - 0.125).max(0.0) * em;
            s.glue_stretch = (0.5 - jl).max(0.0) * em;
        }
    } else if jl > 0.0 && b == CharClass::Space && glyphs[i].cluster_start {
        // A source space between Japanese and Latin is set as the
        // Japanese–Latin space rather than a word space.
        let next = glyphs[i + 1..]
            .iter()
            .find(|g| g.cluster_start)
            .map(|g| g.class);
        if let Some(n) = next
            && (is_jl_pair(a, n) || is_jl_pair(n, a))
        {
            glyphs[i].advance = jl * em;
            if let Some(s) = glyphs.spacing_mut(i) {
                s.space_shrink = (jl - 0.125).max(0.0) * em;
                s.space_stretch = (0.5 - jl).max(0.0) * em;
                s.jl_space = true;
            }
        }
    }
    if a == CharClass::Dividing
        && glyphs[p].wide
        && !matches!(
            b,
            CharClass::Closing
                | CharClass::Comma
                | CharClass::FullStop
                | CharClass::MiddleDot
                | CharClass::Space
                | CharClass::IdeographicSpace
                | CharClass::Dividing
        )
    {
        // ？ and ！ mid-paragraph: a full-width space follows.
        let size = glyphs[p].size;
        if let Some(s) = glyphs.spacing_mut(i) {
            s.glue += size;
        }
    }
}

/// Whether a Japanese–Latin space goes between classes `a` and `b`.
fn is_jl_pair(a: CharClass, b: CharClass) -> bool {
    let latin = |c: CharClass| {
        matches!(
            c,
            CharClass::Western | CharClass::Prefix | CharClass::Postfix
        )
    };
    (a.takes_latin_spacing() && latin(b)) || (latin(a) && b.takes_latin_spacing())
}

/// Whether a glyph is inline code (a background): text inside code keeps
/// its own spacing.
fn is_code(text: &Collected, g: &Glyph) -> bool {
    text.style(g.style_id()).background.is_some()
}
