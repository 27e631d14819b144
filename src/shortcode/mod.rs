//! Shortcode and region resolution with a source map.
//!
//! Input: one page's Markdown body (after front matter), the region's
//! settings and the site's content files ([`ContentIndex`], for `ref` and
//! `include`). Output: a [`ResolvedPage`]: Markdown in which conditionals
//! are resolved, variables expanded, and block shortcodes replaced by
//! placeholders, plus a [`SourceMap`] back to the original file. A block
//! shortcode of Hugo's v1 model (boxes, headings, `include`, `highlight`)
//! carries its inner content as its own resolved document ([`Inner`]).
//!
//! The placeholders are the contract with `markdown`; [`placeholder`] spells
//! them and describes the protocol.
//!
//! Tags are found by `lexer`, named by `kinds` and resolved by
//! [`resolve()`]; [`resolve_body`] and [`resolve_title`] are the entry
//! points for a page.

mod content;
mod inventory;
mod kinds;
mod lexer;
pub(crate) mod placeholder;
mod resolve;

use std::ops::Range;

pub use content::{ContentFile, ContentIndex, PageFacts};
pub use inventory::{ShortcodeUse, unknown_shortcodes};
pub use resolve::{Input, RegionContext, resolve};

use crate::diag::{SourceId, Span};
use crate::model::AdmonitionKind;

/// A page body after shortcode resolution for one region.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedPage {
    /// The source file.
    pub source: SourceId,
    /// Markdown with shortcodes resolved (see [`placeholder`]).
    pub text: String,
    /// Maps byte ranges of `text` back to the source file.
    pub map: SourceMap,
    /// Block shortcode calls, indexed by placeholder id.
    pub calls: Vec<ShortcodeCall>,
}

/// A block shortcode found in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortcodeCall {
    /// The shortcode's name as written.
    pub name: String,
    /// What it produces.
    pub kind: CallKind,
    /// Where the (opening) tag is written.
    pub span: Span,
}

/// What a block shortcode produces.
#[derive(Debug, Clone, PartialEq)]
pub enum CallKind {
    /// `{{< screen src=… alt=… title=… width=… >}}`: a screenshot figure.
    Screen {
        /// `src` as written.
        src: String,
        /// `alt` (empty when missing; a warning is reported).
        alt: String,
        /// Optional `title`.
        title: Option<String>,
        /// Optional `width` in CSS pixels.
        width: Option<f32>,
    },
    /// A paired admonition box.
    Admonition {
        /// Kind (drives colours).
        kind: AdmonitionKind,
        /// Label printed on the box.
        label: String,
        /// v1: the box's content as its own document (the page holds one
        /// unit placeholder). `None` for v2: the content sits in the page
        /// between an open and a close placeholder.
        inner: Option<Inner>,
    },
    /// A heading whose content is the document `inner` (a mapped `heading`).
    Heading {
        /// 1 to 6.
        level: u8,
        /// The heading's text (v1: parsed as Markdown; its paragraphs are
        /// joined into the heading, other blocks follow it).
        inner: Inner,
        /// v2: the raw text is the heading, Markdown is not interpreted.
        raw: bool,
    },
    /// A code block (`highlight LANG`).
    Code {
        /// Language given as the first argument.
        language: Option<String>,
        /// The code.
        inner: Inner,
    },
    /// Another content file's body, placed here (`kind = "include"`).
    Include {
        /// The included file's resolved body (its map points at that file).
        inner: Inner,
    },
}

/// The resolved inner content of a block shortcode: a Markdown document of
/// its own, with its source map (which may point at another file).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inner {
    /// Resolved Markdown (may hold placeholders of the page's calls).
    pub text: String,
    /// Maps `text` back to its source file.
    pub map: SourceMap,
}

/// Maps byte offsets in resolved text to spans in the original file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceMap {
    /// The source file.
    pub source: SourceId,
    /// Sorted, non-overlapping pieces: `(resolved_start, original_start, len,
    /// copied)`. Copied pieces map byte for byte; generated pieces (variable
    /// values, placeholders) map every offset to the original tag's range.
    pub pieces: Vec<MapPiece>,
}

/// One piece of a [`SourceMap`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapPiece {
    /// Byte range in the resolved text.
    pub resolved: Range<usize>,
    /// Byte range in the original file.
    pub original: Range<usize>,
    /// Whether the text was copied unchanged (offsets map one to one) or
    /// generated (every offset maps to the start of `original`).
    pub copied: bool,
}

impl SourceMap {
    /// The original span of a resolved byte range (its start and end mapped
    /// separately; an end before its start collapses to a point).
    pub fn span(&self, range: Range<usize>) -> Span {
        let start = self.offset(range.start);
        let end = self.offset(range.end).max(start);
        Span::new(self.source, start, end)
    }

    /// The original offset of one resolved offset.
    pub fn offset(&self, resolved: usize) -> usize {
        let idx = self
            .pieces
            .partition_point(|p| p.resolved.start <= resolved)
            .saturating_sub(1);
        match self.pieces.get(idx) {
            Some(p) if p.copied => {
                let delta = resolved.saturating_sub(p.resolved.start);
                (p.original.start + delta).min(p.original.end.max(p.original.start))
            }
            Some(p) => p.original.start,
            None => resolved,
        }
    }
}

/// Resolves the Markdown body of a page (the file's text from `body_start`).
pub fn resolve_body(
    source: SourceId,
    file: &str,
    body_start: usize,
    page: PageFacts,
    ctx: &RegionContext,
    diags: &mut crate::diag::Diagnostics,
) -> ResolvedPage {
    let body_start = body_start.min(file.len());
    let text = file.get(body_start..).unwrap_or("");
    let input = Input {
        source,
        file,
        text,
        base: body_start,
        inline_only: false,
        page,
    };
    resolve(input, ctx, diags)
}

/// Expands the shortcodes of a front-matter title (variables, conditionals,
/// text mappings). `offset` is where the title's text sits in the file, when
/// known (positions are then exact for unescaped titles).
pub fn resolve_title(
    source: SourceId,
    file: &str,
    title: &str,
    offset: usize,
    ctx: &RegionContext,
    diags: &mut crate::diag::Diagnostics,
) -> String {
    let input = Input {
        source,
        file,
        text: title,
        base: offset,
        inline_only: true,
        page: PageFacts::default(),
    };
    resolve(input, ctx, diags).text
}
