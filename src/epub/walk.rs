//! Depth-first visits of block trees without recursion.
//!
//! Input: a page's blocks. Output: every block (including those nested in
//! lists, admonitions, quotes and table cells) passed to a callback in
//! reading order. An explicit stack keeps deeply nested input from
//! overflowing the call stack.

use crate::model::Block;

/// Calls `visit` for every block in `blocks` and their descendants, in
/// document order.
pub fn each_block<'a>(blocks: &'a [Block], mut visit: impl FnMut(&'a Block)) {
    let mut stack: Vec<&'a Block> = blocks.iter().rev().collect();
    while let Some(block) = stack.pop() {
        visit(block);
        match block {
            Block::List(list) => {
                for item in list.items.iter().rev() {
                    stack.extend(item.blocks.iter().rev());
                }
            }
            Block::Admonition(a) => stack.extend(a.blocks.iter().rev()),
            Block::Quote(q) => stack.extend(q.blocks.iter().rev()),
            Block::Table(t) => {
                for row in t.head.iter().chain(&t.body).rev() {
                    for cell in row.cells.iter().rev() {
                        stack.extend(cell.blocks.iter().rev());
                    }
                }
            }
            Block::Heading(_)
            | Block::Paragraph(_)
            | Block::Figure(_)
            | Block::Code(_)
            | Block::Rule(_) => {}
        }
    }
}
