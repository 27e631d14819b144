//! The tag tree of the PDF (logical structure for accessibility).
//!
//! Input: the frame tree's [`TagEvent`]s and the content drawn between them,
//! in reading order across sheets. Output: a krilla [`TagTree`] in which every
//! piece of real content is a leaf of its structure element and everything
//! else (running heads, backgrounds, rules, repeated table headers) is an
//! artifact. Structure may span sheets; the tree is built without recursion.

use std::num::{NonZeroU16, NonZeroU32};

use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, TableHeaderScope,
    Tag, TagGroup, TagKind, TagTree,
};

use crate::layout::frame::StructTag;

/// A child of a pending group.
enum Child {
    /// Another pending group (by index; always greater than its parent's).
    Group(usize),
    /// Marked content on a PDF page.
    Leaf(Identifier),
    /// A link annotation whose identifier is known once its PDF page is done.
    Annotation(usize),
}

/// A structure element under construction.
struct Pending {
    kind: TagKind,
    /// What the element is, for the flattening in [`TagBuilder::finish`].
    role: Role,
    children: Vec<Child>,
}

/// The elements [`TagBuilder::finish`] treats specially.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A paragraph (`P`).
    Paragraph,
    /// A table cell or a list item's body (`TD`, `TH`, `LBody`), which may
    /// hold text directly.
    Container,
    /// Anything else.
    Other,
}

/// Builds the tag tree while sheets are drawn.
pub(super) struct TagBuilder {
    groups: Vec<Pending>,
    roots: Vec<usize>,
    open: Vec<usize>,
    annotations: Vec<Option<Identifier>>,
    artifact_depth: i32,
}

impl TagBuilder {
    /// An empty builder.
    pub(super) fn new() -> TagBuilder {
        TagBuilder {
            groups: Vec::new(),
            roots: Vec::new(),
            open: Vec::new(),
            annotations: Vec::new(),
            artifact_depth: 0,
        }
    }

    /// Opens a structure element inside the innermost open one.
    pub(super) fn open(&mut self, tag: StructTag) {
        if self.artifact_depth > 0 {
            return;
        }
        let index = self.groups.len();
        let role = match tag {
            StructTag::Paragraph => Role::Paragraph,
            StructTag::TableCell(..) | StructTag::TableHeaderCell(..) | StructTag::ListBody => {
                Role::Container
            }
            _ => Role::Other,
        };
        self.groups.push(Pending {
            kind: tag_kind(&tag),
            role,
            children: Vec::new(),
        });
        match self.open.last() {
            Some(&parent) => {
                if let Some(group) = self.groups.get_mut(parent) {
                    group.children.push(Child::Group(index));
                }
            }
            None => self.roots.push(index),
        }
        self.open.push(index);
    }

    /// Closes the innermost open structure element (ignored when none is
    /// open or inside an artifact).
    pub(super) fn close(&mut self) {
        if self.artifact_depth > 0 {
            return;
        }
        self.open.pop();
    }

    /// Enters (`1`) or leaves (`-1`) an artifact.
    pub(super) fn artifact_depth_add(&mut self, delta: i32) {
        self.artifact_depth = (self.artifact_depth + delta).max(0);
    }

    /// Artifacts never continue onto the next sheet.
    pub(super) fn reset_artifacts(&mut self) {
        self.artifact_depth = 0;
    }

    /// Starts marked content for one item: an artifact when `decoration`
    /// is set, when inside an artifact or outside any structure element;
    /// otherwise a span that becomes a leaf of the innermost element.
    /// Always paired with [`TagBuilder::end_content`].
    pub(super) fn start_content(&mut self, surface: &mut Surface, decoration: bool) -> bool {
        let parent = self.open.last().copied();
        match parent {
            Some(parent) if !decoration && self.artifact_depth == 0 => {
                let id = surface.start_tagged(span_tag());
                if let Some(group) = self.groups.get_mut(parent) {
                    group.children.push(Child::Leaf(id));
                }
            }
            _ => {
                surface.start_tagged(artifact_tag());
            }
        }
        true
    }

    /// Ends the marked content started by [`TagBuilder::start_content`].
    pub(super) fn end_content(&mut self, surface: &mut Surface, started: bool) {
        if started {
            surface.end_tagged();
        }
    }

    /// Reserves a place for a link annotation in the innermost element and
    /// returns its slot for [`TagBuilder::fill_annotation`].
    pub(super) fn annotation_slot(&mut self) -> usize {
        let slot = self.annotations.len();
        self.annotations.push(None);
        match self.open.last() {
            Some(&parent) => {
                if let Some(group) = self.groups.get_mut(parent) {
                    group.children.push(Child::Annotation(slot));
                }
            }
            None => {
                // An annotation outside any structure still needs a parent:
                // give it its own Link element at the root.
                let index = self.groups.len();
                self.groups.push(Pending {
                    kind: Tag::Link.into(),
                    role: Role::Other,
                    children: vec![Child::Annotation(slot)],
                });
                self.roots.push(index);
            }
        }
        slot
    }

    /// Records the identifier krilla gave an annotation.
    pub(super) fn fill_annotation(&mut self, slot: usize, id: Identifier) {
        if let Some(entry) = self.annotations.get_mut(slot) {
            *entry = Some(id);
        }
    }

    /// The finished tree. Children always have larger indices than their
    /// parents, so building from the last group backwards needs no
    /// recursion. A cell or list body whose only content is one paragraph
    /// holds that paragraph's content itself (a `TD` or `LBody` may contain
    /// text): the same reading order and semantics with about a quarter
    /// fewer structure elements, which are most of a tagged PDF's bytes.
    pub(super) fn finish(self, lang: Option<String>) -> TagTree {
        let TagBuilder {
            groups,
            roots,
            annotations,
            ..
        } = self;
        let mut built: Vec<Option<TagGroup>> = Vec::with_capacity(groups.len());
        built.resize_with(groups.len(), || None);
        let roles: Vec<Role> = groups.iter().map(|g| g.role).collect();
        let mut pending: Vec<Option<Pending>> = groups.into_iter().map(Some).collect();
        for index in (0..pending.len()).rev() {
            let Some(group) = pending.get_mut(index).and_then(Option::take) else {
                continue;
            };
            if group.role == Role::Container
                && let [Child::Group(only)] = group.children.as_slice()
                && roles.get(*only) == Some(&Role::Paragraph)
                && let Some(paragraph) = built.get_mut(*only).and_then(Option::take)
            {
                let children = paragraph.children;
                if let Some(entry) = built.get_mut(index) {
                    *entry = Some(TagGroup::with_children(group.kind, children));
                }
                continue;
            }
            let mut children: Vec<Node> = Vec::with_capacity(group.children.len());
            for child in group.children {
                match child {
                    Child::Group(i) => {
                        if let Some(done) = built.get_mut(i).and_then(Option::take)
                            && !done.children.is_empty()
                        {
                            children.push(Node::Group(done));
                        }
                    }
                    Child::Leaf(id) => children.push(Node::Leaf(id)),
                    Child::Annotation(slot) => {
                        if let Some(Some(id)) = annotations.get(slot) {
                            children.push(Node::Leaf(*id));
                        }
                    }
                }
            }
            if let Some(entry) = built.get_mut(index) {
                *entry = Some(TagGroup::with_children(group.kind, children));
            }
        }
        let mut tree = TagTree::new().with_lang(lang);
        for root in roots {
            if let Some(done) = built.get_mut(root).and_then(Option::take)
                && !done.children.is_empty()
            {
                tree.push(done);
            }
        }
        tree
    }
}

impl Default for TagBuilder {
    fn default() -> Self {
        TagBuilder::new()
    }
}

/// The marking of decoration (an artifact).
fn artifact_tag() -> ContentTag<'static> {
    ContentTag::Artifact(Artifact::with_kind(ArtifactType::Other))
}

/// The marking of real content (a span, a leaf of its structure element).
fn span_tag() -> ContentTag<'static> {
    ContentTag::Span(SpanTag::empty())
}

/// The krilla tag for a structure element.
fn tag_kind(tag: &StructTag) -> TagKind {
    let span = |n: u32| NonZeroU32::new(n.max(1));
    match tag {
        StructTag::Section => Tag::Section.into(),
        StructTag::Heading(level, text) => {
            let level = NonZeroU16::new(u16::from((*level).clamp(1, 6))).unwrap_or(NonZeroU16::MIN);
            Tag::Hn(level, Some(text.to_string())).into()
        }
        StructTag::Paragraph => Tag::P.into(),
        StructTag::List(numbered) => Tag::L(if *numbered {
            ListNumbering::Decimal
        } else {
            ListNumbering::Disc
        })
        .into(),
        StructTag::ListItem => Tag::LI.into(),
        StructTag::ListLabel => Tag::Lbl.into(),
        StructTag::ListBody => Tag::LBody.into(),
        StructTag::Figure(alt) => Tag::Figure(Some(alt.to_string())).into(),
        StructTag::Caption => Tag::Caption.into(),
        StructTag::Table => Tag::Table.into(),
        StructTag::TableHead => Tag::THead.into(),
        StructTag::TableBody => Tag::TBody.into(),
        StructTag::TableRow => Tag::TR.into(),
        StructTag::TableHeaderCell(rows, cols) => Tag::TH(TableHeaderScope::Column)
            .with_row_span(span(*rows))
            .with_col_span(span(*cols))
            .into(),
        StructTag::TableCell(rows, cols) => Tag::TD
            .with_row_span(span(*rows))
            .with_col_span(span(*cols))
            .into(),
        StructTag::BlockQuote => Tag::BlockQuote.into(),
        StructTag::Note => Tag::Note.into(),
        StructTag::Code => Tag::Code.into(),
        StructTag::Link => Tag::Link.into(),
        StructTag::Toc => Tag::TOC.into(),
        StructTag::TocItem => Tag::TOCI.into(),
        StructTag::Title => Tag::Title.into(),
    }
}
