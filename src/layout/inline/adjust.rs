//! Punctuation widths and Japanese–Latin spacing as data on glyphs.
//!
//! Input: the shaped [`Glyph`]s of a paragraph and its [`ParagraphStyle`].
//! Output: each glyph's [`Spacing`](super::shape::Spacing): the blank
//! half-ems inside full-width brackets, 、。 and ・ (JLREQ §3.1.2), with the
//! fixed compression where marks meet (§3.1.4: 。」 」「 ）、 、「 …), the
//! squeezable amounts and their level (§3.8), the Japanese–Latin space
//! (§3.2.2), word-space limits and the full-width space after ？！.
//!
//! Line-edge adjustments (the half-em at a line end, an opening bracket at
//! a line start) depend on the breaks and are made by `justify`.

use super::ParagraphStyle;
use super::classes::CharClass;
use super::collect::Collected;
use super::shape::{Glyph, ShrinkLevel};

/// Glyphs at least this wide (in em) are full-width and carry JIS spacing.
const FULL_WIDTH: f32 = 0.9;

/// Sets the spacing of every glyph.
pub(crate) fn set_adjustability(text: &Collected, glyphs: &mut [Glyph], style: &ParagraphStyle) {
    for g in glyphs.iter_mut() {
        set_own_spacing(g);
    }
    compress_adjacent(glyphs);
    add_glue(text, glyphs, style);
}

/// The blank parts of a full-width punctuation glyph and word-space limits.
fn set_own_spacing(g: &mut Glyph) {
    if !g.cluster_start {
        return;
    }
    let em = g.size;
    let full = g.advance >= FULL_WIDTH * em;
    let blank = (g.advance - 0.5 * em).max(0.0);
    let s = &mut g.spacing;
    match g.class {
        CharClass::Opening if full => {
            s.lead = blank;
            s.lead_shrink = blank;
            s.punct_level = ShrinkLevel::Bracket;
        }
        CharClass::Closing | CharClass::Comma if full => {
            s.trail = blank;
            s.trail_shrink = blank;
            s.punct_level = ShrinkLevel::Bracket;
        }
        CharClass::FullStop if full => {
            // Never squeezed mid-line; removed at a line end.
            s.trail = blank;
        }
        CharClass::MiddleDot if full => {
            s.lead = blank / 2.0;
            s.trail = blank / 2.0;
            s.lead_shrink = s.lead;
            s.trail_shrink = s.trail;
            s.punct_level = ShrinkLevel::MiddleDot;
        }
        CharClass::Space => {
            // Word spaces: about ⅓ em, squeezed to ¼ em, stretched to ½ em.
            s.space_shrink = (g.advance - 0.25 * em).max(0.0);
            s.space_stretch = (0.5 * em - g.advance).max(0.0);
        }
        _ => {}
    }
}

/// Removes the doubled blank where punctuation marks meet.
fn compress_adjacent(glyphs: &mut [Glyph]) {
    let mut prev: Option<usize> = None;
    for i in 0..glyphs.len() {
        if !glyphs[i].cluster_start {
            continue;
        }
        if let Some(p) = prev {
            let (a_class, a_trail) = (glyphs[p].class, glyphs[p].spacing.trail);
            let (b_class, b_lead) = (glyphs[i].class, glyphs[i].spacing.lead);
            let b_solid_before = matches!(
                b_class,
                CharClass::Closing | CharClass::Comma | CharClass::FullStop
            ) && glyphs[i].advance >= FULL_WIDTH * glyphs[i].size;
            if a_trail > 0.0 && b_solid_before {
                // 。」 」」 ）、: nothing between.
                remove_trail(&mut glyphs[p]);
            } else if b_lead > 0.0 && a_class == CharClass::Opening {
                // 「『: nothing between.
                remove_lead(&mut glyphs[i]);
            } else if a_trail > 0.0 && b_lead > 0.0 {
                // 」「 、「 ・「: the larger blank remains.
                if a_trail >= b_lead {
                    remove_lead(&mut glyphs[i]);
                } else {
                    remove_trail(&mut glyphs[p]);
                }
            }
        }
        prev = Some(i);
    }
}

/// Removes a glyph's blank at its right (the advance shrinks).
fn remove_trail(g: &mut Glyph) {
    g.advance -= g.spacing.trail;
    g.spacing.trail = 0.0;
    g.spacing.trail_shrink = 0.0;
}

/// Removes a glyph's blank at its left (the ink moves left with it).
fn remove_lead(g: &mut Glyph) {
    g.advance -= g.spacing.lead;
    g.x_offset -= g.spacing.lead;
    g.spacing.lead = 0.0;
    g.spacing.lead_shrink = 0.0;
}

/// Japanese–Latin spaces and the full-width space after ？！.
fn add_glue(text: &Collected, glyphs: &mut [Glyph], style: &ParagraphStyle) {
    let jl = if style.cjk_latin_space.is_finite() {
        style.cjk_latin_space.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut prev: Option<usize> = None;
    for i in 0..glyphs.len() {
        if !glyphs[i].cluster_start {
            continue;
        }
        let Some(p) = prev else {
            prev = Some(i);
            continue;
        };
        let (a, b) = (glyphs[p].class, glyphs[i].class);
        let em = glyphs[i].size.max(glyphs[p].size);
        if jl > 0.0 && is_jl_pair(a, b) && !(is_code(text, &glyphs[p]) && is_code(text, &glyphs[i]))
        {
            let s = &mut glyphs[i].spacing;
            s.glue = jl * em;
            s.glue_shrink = (jl - 0.125).max(0.0) * em;
            s.glue_stretch = (0.5 - jl).max(0.0) * em;
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
                let g = &mut glyphs[i];
                g.advance = jl * em;
                g.spacing.space_shrink = (jl - 0.125).max(0.0) * em;
                g.spacing.space_stretch = (0.5 - jl).max(0.0) * em;
                g.spacing.jl_space = true;
            }
        }
        if a == CharClass::Dividing
            && glyphs[p].advance >= FULL_WIDTH * glyphs[p].size
            && !matches!(
                b,
                CharClass::Closing
                    | CharClass::Space
                    | CharClass::IdeographicSpace
                    | CharClass::Dividing
            )
        {
            // ？ and ！ mid-paragraph: a full-width space follows.
            glyphs[i].spacing.glue += glyphs[p].size;
        }
        prev = Some(i);
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
    text.style(g.style).background.is_some()
}
