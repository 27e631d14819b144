//! A sibling face's glyphs, copied into the derived file of the face whose
//! PDF font carries them.
//!
//! Input: the guest face (the regular face's monospace sibling of the same
//! design, `FontSource::embed_with`) and the glyphs the document draws from
//! it. Output: each glyph's TrueType bytes, advance and side bearing, ready
//! to append to the host's derived file (`widen.rs`), and the map from the
//! guest's glyph ids to their ids there.
//!
//! Why: the regular text's full-width punctuation comes from the sibling
//! (its glyphs carry the JIS blank inside), so without this every 、。「」
//! of a line splits it into three text objects, each with its own state,
//! font and position (about half of the text objects of a Japanese page,
//! and of the bytes its content stream deflates). Drawn from one PDF font
//! the line is one text object, and the page looks the same: the glyphs
//! keep their outlines and advances, and krilla positions them from the
//! run's advances as before.
//!
//! A copied glyph loses its hinting instructions: they were written for
//! the sibling's control values (`cvt `, `prep`), which the host's differ
//! from. A composite glyph's components are copied too, with their ids
//! changed to the copies'.

use std::collections::BTreeSet;

use read_fonts::tables::glyf::{CompositeGlyphFlags as Flags, Glyf, Glyph as GlyfGlyph};
use read_fonts::tables::loca::Loca;
use read_fonts::types::GlyphId;
use read_fonts::{FontRef, TableProvider};

/// The glyphs of a guest face to copy, in guest id order.
pub(super) struct GuestGlyphs {
    /// Per glyph: guest id, bytes (no instructions, components renumbered
    /// from `first`), advance and left side bearing.
    pub(super) glyphs: Vec<(u16, Vec<u8>, u16, i16)>,
    /// Guest glyph id → its id in the host's derived file.
    pub(super) ids: GlyphMap,
    /// The guest's `maxp` (the host's limits are raised to cover it).
    pub(super) maxp: Vec<u8>,
}

impl GuestGlyphs {
    /// The glyphs `used` (those drawn) of the face `data` (face `index`) and
    /// their components, numbered from `first` on; `None` when the face
    /// has no `glyf` outlines, its em differs from `upem`, a glyph does not
    /// read, or the copies would pass the 65,535-glyph limit.
    pub(super) fn collect(
        data: &[u8],
        index: u32,
        used: impl IntoIterator<Item = u16>,
        upem: u16,
        first: u16,
    ) -> Option<GuestGlyphs> {
        let font = FontRef::from_index(data, index).ok()?;
        if font.head().ok()?.units_per_em() != upem {
            return None;
        }
        let (glyf, loca) = (font.glyf().ok()?, font.loca(None).ok()?);
        let hmtx = font.hmtx().ok()?;
        let count = font.maxp().ok()?.num_glyphs();
        let keep = with_components(&glyf, &loca, used, count);
        let mut ids = GlyphMap::default();
        for (k, &g) in keep.iter().enumerate() {
            ids.insert(g, first.checked_add(u16::try_from(k).ok()?)?);
        }
        let mut glyphs = Vec::with_capacity(keep.len());
        for &g in &keep {
            let id = GlyphId::new(u32::from(g));
            let start = loca.get_raw(usize::from(g))? as usize;
            let end = loca.get_raw(usize::from(g) + 1)? as usize;
            let bytes = glyf.offset_data().as_bytes().get(start..end)?;
            glyphs.push((
                g,
                without_instructions(bytes, |c| ids.get(c))?,
                hmtx.advance(id).unwrap_or(0),
                hmtx.side_bearing(id).unwrap_or(0),
            ));
        }
        let maxp = font
            .table_data(read_fonts::types::Tag::new(b"maxp"))?
            .as_bytes()
            .to_vec();
        Some(GuestGlyphs { glyphs, ids, maxp })
    }
}

/// Glyph ids of one face → glyph ids of another, read per glyph drawn (a
/// table by id, no hashing); id 0 (`.notdef`) is never a target.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct GlyphMap(Vec<u16>);

impl GlyphMap {
    /// Maps `from` to `to` (a `to` of 0 is no entry).
    pub(super) fn insert(&mut self, from: u16, to: u16) {
        let at = usize::from(from);
        if self.0.len() <= at {
            self.0.resize(at + 1, 0);
        }
        self.0[at] = to;
    }

    /// What `from` maps to.
    pub(super) fn get(&self, from: u16) -> Option<u16> {
        self.0.get(usize::from(from)).copied().filter(|&to| to != 0)
    }
}

/// The glyphs `used` and, for composite glyphs among them, their
/// components (transitively); ids at or past `count` are left out.
pub(super) fn with_components(
    glyf: &Glyf<'_>,
    loca: &Loca<'_>,
    used: impl IntoIterator<Item = u16>,
    count: u16,
) -> BTreeSet<u16> {
    let mut keep: BTreeSet<u16> = BTreeSet::new();
    let mut stack: Vec<u16> = used.into_iter().filter(|g| *g < count).collect();
    while let Some(g) = stack.pop() {
        if !keep.insert(g) {
            continue;
        }
        if let Ok(Some(GlyfGlyph::Composite(composite))) =
            loca.get_glyf(GlyphId::new(u32::from(g)), glyf)
        {
            for (component, _) in composite.component_glyphs_and_flags() {
                let c = component.to_u16();
                if c < count && !keep.contains(&c) {
                    stack.push(c);
                }
            }
        }
    }
    keep
}

/// A TrueType glyph's bytes without its instructions, each component of a
/// composite glyph given the id `renumber` maps it to; `None` when the
/// bytes do not read as a glyph or a component has no new id. An empty
/// glyph stays empty.
pub(super) fn without_instructions(
    bytes: &[u8],
    renumber: impl Fn(u16) -> Option<u16>,
) -> Option<Vec<u8>> {
    if bytes.is_empty() {
        return Some(Vec::new());
    }
    let word = |at: usize| -> Option<u16> {
        Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
    };
    let contours = word(0)? as i16;
    let mut out = Vec::with_capacity(bytes.len());
    if contours >= 0 {
        // Header, the contours' end points, then the instructions' length
        // and bytes, then flags and coordinates.
        let length_at = 10 + 2 * contours as usize;
        let length = usize::from(word(length_at)?);
        let rest = bytes.get(length_at + 2 + length..)?;
        out.extend_from_slice(bytes.get(..length_at)?);
        out.extend_from_slice(&0u16.to_be_bytes());
        out.extend_from_slice(rest);
        return Some(out);
    }
    out.extend_from_slice(bytes.get(..10)?);
    let mut at = 10;
    loop {
        let mut flags = Flags::from_bits_truncate(word(at)?);
        let glyph = renumber(word(at + 2)?)?;
        let arguments = if flags.contains(Flags::ARG_1_AND_2_ARE_WORDS) {
            4
        } else {
            2
        };
        let transform = if flags.contains(Flags::WE_HAVE_A_SCALE) {
            2
        } else if flags.contains(Flags::WE_HAVE_AN_X_AND_Y_SCALE) {
            4
        } else if flags.contains(Flags::WE_HAVE_A_TWO_BY_TWO) {
            8
        } else {
            0
        };
        let end = at + 4 + arguments + transform;
        let more = flags.contains(Flags::MORE_COMPONENTS);
        flags.remove(Flags::WE_HAVE_INSTRUCTIONS);
        out.extend_from_slice(&flags.bits().to_be_bytes());
        out.extend_from_slice(&glyph.to_be_bytes());
        out.extend_from_slice(bytes.get(at + 4..end)?);
        at = end;
        if !more {
            return Some(out);
        }
    }
}

/// `host`'s `maxp` (version 1.0) with each limit after the glyph count
/// raised to `guest`'s where that is higher; a version 0.5 table is kept.
pub(super) fn raise_limits(host: &mut [u8], guest: &[u8]) {
    // numGlyphs is at 4..6; the fourteen limits follow it.
    if host.len() < 32 || guest.len() < 32 {
        return;
    }
    for at in (6..32).step_by(2) {
        let h = u16::from_be_bytes([host[at], host[at + 1]]);
        let g = u16::from_be_bytes([guest[at], guest[at + 1]]);
        host[at..at + 2].copy_from_slice(&h.max(g).to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A simple glyph: two contours, three instruction bytes, then flags
    /// and coordinates (here just marker bytes).
    fn simple() -> Vec<u8> {
        let mut g = Vec::new();
        g.extend_from_slice(&2i16.to_be_bytes());
        g.extend_from_slice(&[0, 1, 0, 2, 0, 30, 0, 40]); // bbox
        g.extend_from_slice(&[0, 3, 0, 7]); // end points
        g.extend_from_slice(&3u16.to_be_bytes());
        g.extend_from_slice(&[0xB0, 0x01, 0x2F]); // instructions
        g.extend_from_slice(&[0x11, 0x22, 0x33]); // flags, coordinates
        g
    }

    #[test]
    fn a_simple_glyph_keeps_everything_but_its_instructions() {
        let out = without_instructions(&simple(), |_| None).expect("reads");
        let mut want = simple()[..14].to_vec();
        want.extend_from_slice(&[0, 0, 0x11, 0x22, 0x33]);
        assert_eq!(out, want);
        assert_eq!(without_instructions(&[], |_| None), Some(Vec::new()));
        assert_eq!(without_instructions(&simple()[..15], |_| None), None);
    }

    #[test]
    fn a_composite_glyph_gets_its_components_new_ids_and_loses_its_instructions() {
        let mut g = Vec::new();
        g.extend_from_slice(&(-1i16).to_be_bytes());
        g.extend_from_slice(&[0, 1, 0, 2, 0, 30, 0, 40]);
        // Component 1: word arguments and a scale; more follow.
        let flags = Flags::ARG_1_AND_2_ARE_WORDS | Flags::WE_HAVE_A_SCALE | Flags::MORE_COMPONENTS;
        g.extend_from_slice(&flags.bits().to_be_bytes());
        g.extend_from_slice(&5u16.to_be_bytes());
        g.extend_from_slice(&[0, 9, 0, 8, 0x40, 0]);
        // Component 2: byte arguments, a 2×2 matrix, then instructions.
        let flags = Flags::WE_HAVE_A_TWO_BY_TWO | Flags::WE_HAVE_INSTRUCTIONS;
        g.extend_from_slice(&flags.bits().to_be_bytes());
        g.extend_from_slice(&6u16.to_be_bytes());
        g.extend_from_slice(&[1, 2, 1, 1, 1, 1, 1, 1, 1, 1]);
        g.extend_from_slice(&[0, 2, 0xB0, 0x01]);

        let out = without_instructions(&g, |c| Some(c + 100)).expect("reads");
        let mut want = g[..10].to_vec();
        let flags = Flags::ARG_1_AND_2_ARE_WORDS | Flags::WE_HAVE_A_SCALE | Flags::MORE_COMPONENTS;
        want.extend_from_slice(&flags.bits().to_be_bytes());
        want.extend_from_slice(&105u16.to_be_bytes());
        want.extend_from_slice(&[0, 9, 0, 8, 0x40, 0]);
        want.extend_from_slice(&Flags::WE_HAVE_A_TWO_BY_TWO.bits().to_be_bytes());
        want.extend_from_slice(&106u16.to_be_bytes());
        want.extend_from_slice(&[1, 2, 1, 1, 1, 1, 1, 1, 1, 1]);
        assert_eq!(out, want);
        // A component without a new id: not copied.
        assert_eq!(without_instructions(&g, |c| (c == 5).then_some(1)), None);
    }

    #[test]
    fn limits_are_raised_to_the_guests_and_the_glyph_count_kept() {
        let mut host: Vec<u8> = (0..16u16).flat_map(|v| (v * 10).to_be_bytes()).collect();
        let guest: Vec<u8> = (0..16u16).flat_map(|v| (95 - v).to_be_bytes()).collect();
        raise_limits(&mut host, &guest);
        let words: Vec<u16> = host
            .chunks(2)
            .map(|w| u16::from_be_bytes([w[0], w[1]]))
            .collect();
        assert_eq!(&words[..3], &[0, 10, 20], "version and glyph count kept");
        for (k, w) in words.iter().enumerate().skip(3) {
            assert_eq!(*w, (k as u16 * 10).max(95 - k as u16), "limit {k}");
        }
    }
}
