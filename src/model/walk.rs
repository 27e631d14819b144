//! Traversals of the document model, the one place that knows which blocks
//! hold other blocks and which inlines hold other inlines.
//!
//! Input: block or inline trees of any depth. Output: a callback on every
//! block (pre-order, document order: a block before its children, children
//! before the block's next sibling) or on every inline list, and
//! [`Book::figures`] and [`Book::images`]. Explicit stacks
//! instead of recursion, so deep input cannot overflow the call stack.

use super::{Block, Book, Figure, ImageRef, Inline, InlineImage};

/// One place where the book shows an image: a block figure or an image
/// inside a line of text. Steps that treat every image alike (loading,
/// packaging, accessibility facts) read these.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageUse<'a> {
    /// The image file.
    pub image: &'a ImageRef,
    /// Its alternative text (empty when the source gave none).
    pub alt: &'a str,
    /// Where it is referenced.
    pub span: crate::diag::Span,
    /// Whether it is set inside a line of text.
    pub inline: bool,
}

impl<'a> ImageUse<'a> {
    fn figure(f: &'a Figure) -> ImageUse<'a> {
        ImageUse {
            image: &f.image,
            alt: &f.alt,
            span: f.span,
            inline: false,
        }
    }

    fn inline(i: &'a InlineImage) -> ImageUse<'a> {
        ImageUse {
            image: &i.image,
            alt: &i.alt,
            span: i.span,
            inline: true,
        }
    }
}

impl Book {
    /// Gives back the spare capacity of every list, text and block list of
    /// the book. The Markdown builder grows them by appending (merged text,
    /// pushed inlines and blocks), which leaves up to half of each
    /// allocation unused, and a block list's first push reserves four
    /// blocks (512 bytes) where most list items and table cells hold one
    /// paragraph: a 1000-page book held 40 MiB where a copy of it held
    /// 19 MiB (docs/benchmarks.md, "Round 8"). A book lives until
    /// its last output is rendered, beside the other regions' books, so the
    /// slack is worth returning once it is complete.
    pub fn shrink_to_fit(&mut self) {
        for page in &mut self.pages {
            page.title_text.shrink_to_fit();
            page.anchor.shrink_to_fit();
            page.source_path.shrink_to_fit();
            page.url.shrink_to_fit();
            shrink_inlines(&mut page.title);
            page.blocks.shrink_to_fit();
            blocks_mut(&mut page.blocks, |block| {
                shrink_block(block);
                for root in inline_roots_mut(block) {
                    shrink_inlines(root);
                }
            });
        }
    }
}

/// Gives back the spare capacity of the texts and of the block lists
/// `block` itself holds (its children are visited on their own).
fn shrink_block(block: &mut Block) {
    match block {
        Block::Heading(h) => {
            h.anchor.shrink_to_fit();
            h.text.shrink_to_fit();
        }
        Block::Paragraph(_) | Block::Rule(_) => {}
        Block::List(l) => {
            l.items.shrink_to_fit();
            for item in &mut l.items {
                item.blocks.shrink_to_fit();
            }
        }
        Block::Figure(f) => shrink_image(&mut f.alt, &mut f.title),
        Block::Admonition(a) => {
            a.label.shrink_to_fit();
            a.name.shrink_to_fit();
            a.blocks.shrink_to_fit();
        }
        Block::Table(t) => {
            t.col_widths.shrink_to_fit();
            for rows in [&mut t.head, &mut t.body] {
                rows.shrink_to_fit();
                for row in rows.iter_mut() {
                    row.cells.shrink_to_fit();
                    for cell in &mut row.cells {
                        cell.blocks.shrink_to_fit();
                    }
                }
            }
        }
        Block::Code(code) => {
            code.text.shrink_to_fit();
            if let Some(language) = &mut code.language {
                language.shrink_to_fit();
            }
        }
        Block::Quote(q) => q.blocks.shrink_to_fit(),
        Block::DefinitionList(d) => {
            d.items.shrink_to_fit();
            for item in &mut d.items {
                item.definitions.shrink_to_fit();
                for definition in &mut item.definitions {
                    definition.shrink_to_fit();
                }
            }
        }
        Block::Footnote(f) => f.blocks.shrink_to_fit(),
    }
}

/// Gives back the spare capacity of an image's alternative text and title.
fn shrink_image(alt: &mut String, title: &mut Option<String>) {
    alt.shrink_to_fit();
    if let Some(title) = title {
        title.shrink_to_fit();
    }
}

/// Gives back the spare capacity of `root`, of its nested inline lists
/// and of their texts.
fn shrink_inlines(root: &mut Vec<Inline>) {
    inline_lists_mut(root, |list| {
        list.shrink_to_fit();
        for inline in list.iter_mut() {
            match inline {
                Inline::Text(text) | Inline::Code(text) => text.shrink_to_fit(),
                Inline::Image(image) => shrink_image(&mut image.alt, &mut image.title),
                Inline::Styled(..)
                | Inline::Link(_)
                | Inline::LineBreak
                | Inline::FootnoteRef(_) => {}
            }
        }
    });
}

impl Book {
    /// Every figure of the book (including those nested in lists, boxes and
    /// tables), in reading order.
    pub fn figures(&self) -> Vec<&Figure> {
        let mut out = Vec::new();
        for page in &self.pages {
            blocks(&page.blocks, |block| {
                if let Block::Figure(f) = block {
                    out.push(f);
                }
            });
        }
        out
    }

    /// Every image the book shows, figures and images inside text (in
    /// titles, headings, paragraphs, captions, list items and table cells),
    /// in reading order.
    pub fn images(&self) -> Vec<ImageUse<'_>> {
        let mut out = Vec::new();
        for page in &self.pages {
            inline_images(&page.title, &mut out);
            blocks(&page.blocks, |block| match block {
                Block::Figure(f) => out.push(ImageUse::figure(f)),
                Block::Paragraph(p) => inline_images(&p.content, &mut out),
                Block::Heading(h) => inline_images(&h.content, &mut out),
                Block::Table(t) => {
                    if let Some(caption) = &t.caption {
                        inline_images(caption, &mut out);
                    }
                }
                _ => {}
            });
        }
        out
    }
}

/// Pushes the images inside `inlines` (at any depth), in order.
fn inline_images<'a>(inlines: &'a [Inline], out: &mut Vec<ImageUse<'a>>) {
    let mut stack: Vec<std::slice::Iter<'a, Inline>> = vec![inlines.iter()];
    while let Some(iter) = stack.last_mut() {
        let Some(inline) = iter.next() else {
            stack.pop();
            continue;
        };
        match inline {
            Inline::Image(image) => out.push(ImageUse::inline(image)),
            Inline::Styled(_, content) => stack.push(content.iter()),
            Inline::Link(link) => stack.push(link.content.iter()),
            Inline::Text(_) | Inline::Code(_) | Inline::LineBreak | Inline::FootnoteRef(_) => {}
        }
    }
}

/// Calls `f` on every block of `blocks` and of their descendants, in
/// document order (a block before its children).
pub(crate) fn blocks_mut(blocks: &mut [Block], mut f: impl FnMut(&mut Block)) {
    let mut stack: Vec<&mut [Block]> = vec![blocks];
    while let Some(slice) = stack.pop() {
        let Some((first, rest)) = slice.split_first_mut() else {
            continue;
        };
        stack.push(rest);
        f(first);
        let before = stack.len();
        push_children_mut(first, &mut stack);
        stack[before..].reverse();
    }
}

/// Calls `f` on every block of `blocks` and of their descendants, in
/// document order (a block before its children).
pub(crate) fn blocks<'a>(blocks: &'a [Block], mut f: impl FnMut(&'a Block)) {
    let mut stack: Vec<&'a [Block]> = vec![blocks];
    while let Some(slice) = stack.pop() {
        let Some((first, rest)) = slice.split_first() else {
            continue;
        };
        stack.push(rest);
        f(first);
        let before = stack.len();
        push_children(first, &mut stack);
        stack[before..].reverse();
    }
}

/// Pushes the block lists `block` holds (list items, admonition, quote and
/// footnote content, definitions, table cells), in document order.
fn push_children<'a>(block: &'a Block, stack: &mut Vec<&'a [Block]>) {
    match block {
        Block::List(list) => stack.extend(list.items.iter().map(|i| i.blocks.as_slice())),
        Block::Admonition(a) => stack.push(&a.blocks),
        Block::Quote(q) => stack.push(&q.blocks),
        Block::Footnote(f) => stack.push(&f.blocks),
        Block::DefinitionList(d) => stack.extend(
            d.items
                .iter()
                .flat_map(|i| &i.definitions)
                .map(Vec::as_slice),
        ),
        Block::Table(t) => stack.extend(
            t.head
                .iter()
                .chain(&t.body)
                .flat_map(|r| &r.cells)
                .map(|c| c.blocks.as_slice()),
        ),
        Block::Heading(_)
        | Block::Paragraph(_)
        | Block::Figure(_)
        | Block::Code(_)
        | Block::Rule(_) => {}
    }
}

/// [`push_children`] for mutable visits.
fn push_children_mut<'a>(block: &'a mut Block, stack: &mut Vec<&'a mut [Block]>) {
    match block {
        Block::List(list) => stack.extend(list.items.iter_mut().map(|i| i.blocks.as_mut_slice())),
        Block::Admonition(a) => stack.push(&mut a.blocks),
        Block::Quote(q) => stack.push(&mut q.blocks),
        Block::Footnote(f) => stack.push(&mut f.blocks),
        Block::DefinitionList(d) => stack.extend(
            d.items
                .iter_mut()
                .flat_map(|i| &mut i.definitions)
                .map(Vec::as_mut_slice),
        ),
        Block::Table(t) => stack.extend(
            t.head
                .iter_mut()
                .chain(&mut t.body)
                .flat_map(|r| &mut r.cells)
                .map(|c| c.blocks.as_mut_slice()),
        ),
        Block::Heading(_)
        | Block::Paragraph(_)
        | Block::Figure(_)
        | Block::Code(_)
        | Block::Rule(_) => {}
    }
}

/// The inline lists held directly by a block (paragraph or heading content,
/// table caption, definition terms); children blocks are not included.
pub(crate) fn inline_roots_mut(block: &mut Block) -> Vec<&mut Vec<Inline>> {
    match block {
        Block::Paragraph(p) => vec![&mut p.content],
        Block::Heading(h) => vec![&mut h.content],
        Block::Table(t) => t.caption.iter_mut().collect(),
        Block::DefinitionList(d) => d.items.iter_mut().map(|i| &mut i.term).collect(),
        _ => Vec::new(),
    }
}

/// Calls `f` on `root` and on every nested inline list (styled content, link
/// content). `f` may replace items of the list it gets; the nested lists of
/// the result are visited afterwards.
pub(crate) fn inline_lists_mut(root: &mut Vec<Inline>, mut f: impl FnMut(&mut Vec<Inline>)) {
    let mut stack: Vec<&mut Vec<Inline>> = vec![root];
    while let Some(list) = stack.pop() {
        f(list);
        for inline in list.iter_mut() {
            match inline {
                Inline::Styled(_, content) => stack.push(content),
                Inline::Link(link) => stack.push(&mut link.content),
                Inline::Text(_)
                | Inline::Code(_)
                | Inline::LineBreak
                | Inline::Image(_)
                | Inline::FootnoteRef(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{list, para_text, quote};

    /// A one-page book of `blocks`, shrunk, after checking that shrinking
    /// changed nothing a reader sees.
    fn shrunk(blocks: Vec<Block>) -> Book {
        let page = crate::model::testing::page(
            0,
            crate::model::PageKind::Page,
            0,
            "設定",
            "settings",
            blocks,
        );
        let mut book = crate::model::testing::book(1, vec![page]);
        let before = book.clone();
        book.shrink_to_fit();
        assert_eq!(book, before);
        book
    }

    #[test]
    fn shrink_to_fit_leaves_no_spare_capacity_and_changes_nothing() {
        let mut text = String::with_capacity(64);
        text.push_str("設定");
        let mut content = Vec::with_capacity(16);
        content.push(Inline::Text(text));
        let mut paragraph = para_text("x");
        if let Block::Paragraph(p) = &mut paragraph {
            p.content = content;
        }
        let mut book = shrunk(vec![list(None, vec![vec![paragraph]])]);
        let mut seen = 0;
        for page in &mut book.pages {
            blocks_mut(&mut page.blocks, |block| {
                if let Block::Paragraph(p) = block {
                    assert_eq!(p.content.capacity(), p.content.len());
                    if let Some(Inline::Text(t)) = p.content.first() {
                        assert_eq!(t.capacity(), t.len());
                        seen += 1;
                    }
                }
            });
        }
        assert_eq!(seen, 1);
    }

    /// A block list with room for four, as a vector's first push leaves it.
    fn roomy(blocks: Vec<Block>) -> Vec<Block> {
        let mut v = Vec::with_capacity(blocks.len() + 4);
        v.extend(blocks);
        v
    }

    #[test]
    fn shrink_to_fit_reaches_the_block_lists_of_items_cells_boxes_and_quotes() {
        use crate::model::testing::{admonition, cell, heading, row};
        use crate::model::{AdmonitionKind, Align, Table};
        let mut item = list(None, vec![vec![para_text("項目")]]);
        if let Block::List(l) = &mut item {
            for it in &mut l.items {
                it.blocks = roomy(std::mem::take(&mut it.blocks));
            }
            l.items.reserve(8);
        }
        let table = Block::Table(Table {
            caption: None,
            head: Vec::new(),
            body: vec![row(vec![cell(
                false,
                1,
                1,
                Align::Default,
                roomy(vec![para_text("セル")]),
            )])],
            columns: 1,
            col_widths: Vec::with_capacity(8),
            span: crate::model::testing::span(0),
        });
        let boxed = admonition(
            AdmonitionKind::Warning,
            "注意",
            "warning",
            roomy(vec![para_text("箱")]),
        );
        let mut title = heading(2, "a", "見出し");
        if let Block::Heading(h) = &mut title {
            h.text.reserve(64);
            h.anchor.reserve(64);
        }
        let mut book = shrunk(roomy(vec![
            title,
            item,
            table,
            boxed,
            quote(roomy(vec![para_text("引用")])),
        ]));
        let mut lists = 0;
        for page in &mut book.pages {
            assert_eq!(page.blocks.capacity(), page.blocks.len());
            blocks_mut(&mut page.blocks, |block| {
                let nested: Vec<(usize, usize)> = match block {
                    Block::List(l) => std::iter::once((l.items.capacity(), l.items.len()))
                        .chain(
                            l.items
                                .iter()
                                .map(|i| (i.blocks.capacity(), i.blocks.len())),
                        )
                        .collect(),
                    Block::Table(t) => {
                        std::iter::once((t.col_widths.capacity(), t.col_widths.len()))
                            .chain(
                                t.body
                                    .iter()
                                    .flat_map(|r| r.cells.iter())
                                    .map(|c| (c.blocks.capacity(), c.blocks.len())),
                            )
                            .collect()
                    }
                    Block::Admonition(a) => vec![(a.blocks.capacity(), a.blocks.len())],
                    Block::Quote(q) => vec![(q.blocks.capacity(), q.blocks.len())],
                    Block::Heading(h) => vec![
                        (h.text.capacity(), h.text.len()),
                        (h.anchor.capacity(), h.anchor.len()),
                    ],
                    _ => Vec::new(),
                };
                for (capacity, len) in nested {
                    assert_eq!(capacity, len, "spare room left in {block:?}");
                    lists += 1;
                }
            });
        }
        assert_eq!(lists, 8);
    }

    #[test]
    fn visits_in_document_order() {
        let mut blocks = vec![
            para_text("a"),
            list(
                None,
                vec![
                    vec![para_text("b"), para_text("c")],
                    vec![quote(vec![para_text("d")])],
                ],
            ),
            para_text("e"),
        ];
        let mut seen = String::new();
        blocks_mut(&mut blocks, |b| {
            if let Block::Paragraph(p) = b {
                seen.push_str(&crate::model::plain_text(&p.content));
            }
        });
        assert_eq!(seen, "abcde");
        let mut seen2 = String::new();
        super::blocks(&blocks, |b| {
            if let Block::Paragraph(p) = b {
                seen2.push_str(&crate::model::plain_text(&p.content));
            }
        });
        assert_eq!(seen2, "abcde");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let mut block = para_text("x");
        for _ in 0..5000 {
            block = quote(vec![block]);
        }
        let mut blocks = vec![block];
        let mut count = 0;
        blocks_mut(&mut blocks, |_| count += 1);
        assert_eq!(count, 5001);
        // Drop iteratively too: unwrap the nesting by hand.
        let mut current = blocks.pop();
        while let Some(Block::Quote(mut q)) = current {
            current = q.blocks.pop();
        }
    }
}
