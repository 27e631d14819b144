//! Navigation: the anchor table (named destinations) and the bookmarks.
//!
//! Input: the frame tree's [`FrameItem::Anchor`]s and its outline entries.
//! Output: a name → (sheet index, position) table used for GoTo links and named
//! destinations, and a nested krilla [`Outline`] whose entries open at their
//! heading's position.

use std::collections::BTreeMap;

use krilla::destination::XyzDestination;
use krilla::geom::Point as KPoint;
use krilla::outline::{Outline, OutlineNode};

use crate::layout::frame::{FrameItem, OutlineItem, PagedDocument, Point};

/// Where every anchor of the document is (first occurrence wins).
pub(super) struct AnchorTable {
    anchors: BTreeMap<String, (usize, Point)>,
}

impl AnchorTable {
    /// Scans all sheets for anchors.
    pub(super) fn collect(doc: &PagedDocument) -> AnchorTable {
        let mut anchors = BTreeMap::new();
        for (index, sheet) in doc.sheets.iter().enumerate() {
            for (at, item) in &sheet.items {
                if let FrameItem::Anchor(name) = item {
                    anchors.entry(name.clone()).or_insert((index, *at));
                }
            }
        }
        AnchorTable { anchors }
    }

    /// The sheet index (= PDF page index) and position of an anchor.
    pub(super) fn get(&self, name: &str) -> Option<(usize, Point)> {
        self.anchors.get(name).copied()
    }

    /// All anchors in name order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, (usize, Point))> {
        self.anchors.iter().map(|(k, v)| (k.as_str(), *v))
    }
}

/// The nested bookmarks. Levels may jump (a page at depth 0 followed by a
/// heading at depth 2); an entry nests under the nearest shallower one.
/// Entries whose anchor is not on any sheet are left out.
pub(super) fn outline(items: &[OutlineItem], anchors: &AnchorTable) -> Outline {
    // Stack of (level, node) still open; closed nodes are attached to their
    // parent, so no recursion is needed.
    let mut stack: Vec<(usize, OutlineNode)> = Vec::new();
    let mut outline = Outline::new();
    let attach =
        |stack: &mut Vec<(usize, OutlineNode)>, outline: &mut Outline, node: OutlineNode| {
            match stack.last_mut() {
                Some((_, parent)) => parent.push_child(node),
                None => outline.push_child(node),
            }
        };
    for item in items {
        let Some((sheet, at)) = anchors.get(&item.anchor) else {
            continue;
        };
        while stack.last().is_some_and(|(level, _)| *level >= item.level) {
            if let Some((_, node)) = stack.pop() {
                attach(&mut stack, &mut outline, node);
            }
        }
        let node = OutlineNode::new(
            item.title.clone(),
            XyzDestination::new(sheet, KPoint::from_xy(at.x, at.y)),
        )
        .with_open(item.level == 0);
        stack.push((item.level, node));
    }
    while let Some((_, node)) = stack.pop() {
        attach(&mut stack, &mut outline, node);
    }
    outline
}
