//! The glyph coverage check: every character of a region's book that no
//! font of the region draws is a warning at its source position, so no
//! empty box (tofu) reaches a PDF unreported. Run for `check` and `build`
//! alike, before rendering.
//!
//! Input: a region's [`Book`], the build's [`Assets`] and [`Sources`] (to
//! find each character in the file it was written in; the book's title and
//! author in `tebiki.toml`). Output: warnings in
//! `diags`, one per character and page, at the character's first
//! `path:line:col` on that page, saying how often the page uses it. The
//! model keeps positions per block, so a character is found as the n-th
//! occurrence in the source after its block's start (the block's start
//! when the character came from a variable or a shortcode).

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::assets::Assets;
use crate::diag::{Diagnostic, Diagnostics, SourceId, Sources, Span};
use crate::layout::font::FontBook;
use crate::model::{Block, Book, Inline, walk};

/// Checks `book` against the fonts its region names. A font set that does
/// not load was reported by the preflight; nothing is checked then.
pub(super) fn check_coverage(
    book: &Book,
    assets: &Assets,
    sources: &Sources,
    config: SourceId,
    diags: &mut Diagnostics,
) {
    let Ok(fonts) = FontBook::for_choice(assets, &book.region.fonts) else {
        return;
    };
    // The cover and running heads: the title and author, written in
    // `tebiki.toml` (found there, else the file's start).
    let book_text = format!(
        "{}{}",
        book.meta.title,
        book.meta.author.as_deref().unwrap_or_default()
    );
    let config_text = sources.get(config).map_or("", |f| f.text.as_str());
    let mut reported: Vec<char> = Vec::new();
    for c in book_text.chars() {
        if needs_glyph(c) && !fonts.covers(c) && !reported.contains(&c) {
            reported.push(c);
            let at = config_text.find(c).unwrap_or(0);
            let span = Span::new(config, at, at + c.len_utf8());
            diags.push(missing_glyph(c, span, 1, &book.region.code));
        }
    }
    // Pages in parallel, their warnings pushed in page order.
    let per_page: Vec<Vec<Diagnostic>> = book
        .pages
        .par_iter()
        .map(|page| page_coverage(page, &fonts, sources, &book.region.code))
        .collect();
    for found in per_page {
        for diag in found {
            diags.push(diag);
        }
    }
}

/// The warnings of one page: one per character no font has, at its first
/// position on the page, with how often the page uses it.
fn page_coverage(
    page: &crate::model::Page,
    fonts: &FontBook,
    sources: &Sources,
    region: &str,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Whether the fonts cover a character, looked up once per page (a page
    // uses a few hundred characters thousands of times).
    let mut covered: std::collections::HashMap<char, bool> = std::collections::HashMap::new();
    {
        // Character → (its first position, how many times the page uses it).
        let mut missing: BTreeMap<char, (Span, usize)> = BTreeMap::new();
        let mut texts: Vec<(Span, String)> = vec![(page.span, inline_text(&page.title))];
        walk::blocks(&page.blocks, |block| {
            texts.push((block.span(), block_text(block)));
        });
        for (i, (span, text)) in texts.iter().enumerate() {
            // A block's span may be only its start: its text lies between
            // there and the next block's start in the same file.
            let file = sources.get(span.source).map_or("", |f| f.text.as_str());
            let end = texts
                .get(i + 1..)
                .unwrap_or_default()
                .iter()
                .map(|(next, _)| next)
                .find(|next| next.source == span.source && next.start > span.start)
                .map_or(file.len(), |next| next.start as usize)
                .max(span.end as usize);
            let source = file.get(span.start as usize..end).unwrap_or("");
            let mut seen: BTreeMap<char, usize> = BTreeMap::new();
            let mut missing_here =
                |c: char| !needs_glyph(c) || *covered.entry(c).or_insert_with(|| fonts.covers(c));
            for c in text.chars().filter(|&c| !missing_here(c)) {
                let nth = seen.entry(c).or_insert(0);
                *nth += 1;
                let at = source
                    .match_indices(c)
                    .nth(*nth - 1)
                    .map_or(span.start as usize, |(i, _)| span.start as usize + i);
                let entry = missing
                    .entry(c)
                    .or_insert((Span::new(span.source, at, at + c.len_utf8()), 0));
                entry.1 += 1;
            }
        }
        let mut found: Vec<(char, Span, usize)> =
            missing.into_iter().map(|(c, (s, n))| (c, s, n)).collect();
        found.sort_by_key(|(c, span, _)| (*span, *c));
        for (c, span, count) in found {
            out.push(missing_glyph(c, span, count, region));
        }
    }
    out
}

/// The warning for `c`, used `count` times on its page.
fn missing_glyph(c: char, span: Span, count: usize, region: &str) -> Diagnostic {
    let times = if count > 1 {
        format!(" (used {count} times on this page)")
    } else {
        String::new()
    };
    Diagnostic::warning(
        span,
        format!(
            "{c} (U+{:04X}) is in no font of region {region}; add a font that has it to [fonts].fallback{times}",
            u32::from(c)
        ),
    )
    .with_code(crate::diag::Code::MissingGlyph)
    .with_hint(
        "the pdf draws an empty box in its place and is written without the pdf/ua-1 claim; see the README's \"Fonts\" section",
    )
}

/// Whether `c` is drawn with a glyph of its own (not a space, a control
/// character, a joiner or a variation selector).
fn needs_glyph(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_control()
        || matches!(c,
            '\u{00AD}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFFC}'
            | '\u{E0000}'..='\u{E0FFF}'))
}

/// The text a block draws itself (its child blocks are visited on their
/// own): paragraph and heading content, captions, terms, code, box labels.
fn block_text(block: &Block) -> String {
    match block {
        Block::Paragraph(p) => inline_text(&p.content),
        Block::Heading(h) => inline_text(&h.content),
        Block::Table(t) => t.caption.as_deref().map(inline_text).unwrap_or_default(),
        Block::DefinitionList(d) => d.items.iter().map(|i| inline_text(&i.term)).collect(),
        Block::Code(c) => c.text.clone(),
        Block::Admonition(a) => a.label.clone(),
        Block::Figure(f) => f.title.clone().unwrap_or_default(),
        Block::List(_) | Block::Quote(_) | Block::Footnote(_) | Block::Rule(_) => String::new(),
    }
}

/// Every character of an inline tree that is drawn as text, in document
/// order (explicit stack). Unlike [`crate::model::plain_text`], an image
/// adds nothing: its alt text is not drawn with a font.
fn inline_text(content: &[Inline]) -> String {
    let mut out = String::new();
    let mut stack: Vec<std::slice::Iter<'_, Inline>> = vec![content.iter()];
    while let Some(top) = stack.last_mut() {
        let Some(inline) = top.next() else {
            stack.pop();
            continue;
        };
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Styled(_, inner) => stack.push(inner.iter()),
            Inline::Link(link) => stack.push(link.content.iter()),
            Inline::LineBreak | Inline::Image(_) | Inline::FootnoteRef(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::ImageStore;
    use crate::diag::Severity;

    #[test]
    fn character_in_no_font_is_reported_at_its_position() {
        let mut sources = Sources::new();
        let text = "# 題\n\nあ\u{10FFFD}い\u{10FFFD}\n";
        let id = sources.add("content/x.md".into(), text.to_owned());
        let mut book = crate::model::testing::book(
            0,
            vec![crate::model::testing::page(
                0,
                crate::model::PageKind::Page,
                0,
                "題",
                "x",
                vec![crate::model::Block::Paragraph(crate::model::Paragraph {
                    content: vec![Inline::Text("あ\u{10FFFD}い\u{10FFFD}".into())],
                    span: Span::new(id, 6, text.len() - 1),
                })],
            )],
        );
        book.pages[0].span = Span::point(id, 0);
        let assets = Assets::embedded(ImageStore::default());
        let mut diags = Diagnostics::new();
        check_coverage(&book, &assets, &sources, SourceId(99), &mut diags);
        assert_eq!(diags.items().len(), 1, "{:?}", diags.items());
        let d = &diags.items()[0];
        assert_eq!(d.severity, Severity::Warning);
        assert!(
            d.message
                .starts_with("\u{10FFFD} (U+10FFFD) is in no font of region JP")
        );
        assert!(d.message.contains("used 2 times"), "{}", d.message);
        let crate::diag::Location::Span(span) = d.location else {
            panic!("no span: {d:?}");
        };
        let file = sources.get(id).expect("source");
        assert_eq!(file.line_col(span.start), (3, 2));
    }

    #[test]
    fn a_title_character_in_no_font_is_reported_in_tebiki_toml() {
        let mut sources = Sources::new();
        let config = "[book]\ntitle = \"手引き\u{10FFFD}\"\n";
        let id = sources.add("tebiki.toml".into(), config.to_owned());
        let mut book = crate::model::testing::book(0, Vec::new());
        book.meta.title = "手引き\u{10FFFD}".into();
        let mut diags = Diagnostics::new();
        let assets = Assets::embedded(ImageStore::default());
        check_coverage(&book, &assets, &sources, id, &mut diags);
        assert_eq!(diags.items().len(), 1, "{:?}", diags.items());
        let crate::diag::Location::Span(span) = diags.items()[0].location else {
            panic!("no span");
        };
        assert_eq!(
            sources.get(id).expect("source").line_col(span.start),
            (2, 13)
        );
    }
}
