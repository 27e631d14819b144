//! Heading anchors: keeps written ids and generates the missing ones.
//!
//! Input: a page's blocks, headings with `{#id}` (or HTML `id`) carrying
//! their anchor and the others an empty one. Output: every heading with a
//! non-empty anchor.
//!
//! ## Generated anchor scheme
//! `h.` followed by the 8 lowercase hex digits of the 32-bit FNV-1a hash of
//! the heading's plain text (`h.3f0a9c12`); a repeat within the page gets
//! `.2`, `.3`… appended. The anchor depends only on the heading's own text
//! (and how many identical headings precede it), so it is stable across
//! builds, regions and edits elsewhere in the page; it is ASCII; and the `.`
//! guarantees it never equals a page anchor (those are only letters, digits,
//! `-` and `_`). Written ids are never changed, and a generated anchor never
//! takes a written one. (Duplicate written ids are reported by `links`.)

use crate::model::{Block, Uniquifier, walk};

/// Fills in the anchors of headings written without one.
pub(crate) fn assign(blocks: &mut [Block]) {
    let mut used = Uniquifier::new().with_separator('.');
    walk::blocks(blocks, |block| {
        if let Block::Heading(h) = block
            && !h.anchor.is_empty()
        {
            used.reserve(&h.anchor);
        }
    });
    walk::blocks_mut(blocks, |block| {
        if let Block::Heading(h) = block
            && h.anchor.is_empty()
        {
            h.anchor = used.name(&format!("h.{:08x}", fnv1a(h.text.as_bytes())));
        }
    });
}

/// 32-bit FNV-1a.
fn fnv1a(bytes: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for &b in bytes {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::heading;

    fn anchors(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(h) => Some(h.anchor.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn generated_anchors_are_stable_and_unique() {
        let mut blocks = vec![
            heading(2, "", "概要"),
            heading(2, "", "概要"),
            heading(2, "steps", "手順"),
        ];
        assign(&mut blocks);
        let got = anchors(&blocks);
        assert_eq!(got[0], format!("h.{:08x}", fnv1a("概要".as_bytes())));
        assert_eq!(got[1], format!("{}.2", got[0]));
        assert_eq!(got[2], "steps");
        // Same text elsewhere gives the same anchor.
        let mut again = vec![heading(2, "", "前置き"), heading(2, "", "概要")];
        assign(&mut again);
        assert_eq!(anchors(&again)[1], got[0]);
    }

    #[test]
    fn generated_anchor_never_takes_a_written_one() {
        let taken = format!("h.{:08x}", fnv1a(b"x"));
        let mut blocks = vec![heading(2, "", "x"), heading(2, &taken, "y")];
        assign(&mut blocks);
        let got = anchors(&blocks);
        assert_eq!(got[0], format!("{taken}.2"));
        assert_eq!(got[1], taken);
    }
}
