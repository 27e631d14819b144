//! PDF export: the book laid out into frames by `layout`, written with
//! krilla.
//!
//! Input: a resolved [`Book`] and the build's [`Assets`]. Output: a
//! [`PdfFile`] (written into the output file, or into memory by
//! [`render`]), or `None` when an error makes a correct PDF impossible (the
//! reason is in `diags`). Submodules: `write` (frames → krilla pages), `text`
//! (glyphs and fonts), `widen` (twin glyphs for exact text extraction),
//! `cff` (a CFF face's glyphs as TrueType glyphs, for `widen`),
//! `paint` (fills and strokes), `images` (placeholders for krilla, the
//! image objects written into the file), `nav` (anchors, bookmarks), `tags`
//! (tag tree), `meta` (document information), `objstm` (small objects
//! packed into object streams; the file written).

mod cff;
mod guest;
mod images;
mod meta;
mod nav;
mod objstm;
mod paint;
mod tags;
mod text;
mod widen;
mod write;

pub use write::{Conformance, PdfFile, write_pdf};

use crate::assets::Assets;
use crate::diag::{Diagnostic, Diagnostics, Location, Severity};
use crate::layout::document::lay_out_book_with;
use crate::layout::inline::LayoutCache;
use crate::layout::style::PdfStyle;
use crate::model::Book;

/// Lays out and writes one region's book as PDF bytes in memory. Problems
/// (bad images, missing fonts) are pushed to `diags`; `None` when an error
/// makes a correct PDF impossible.
pub fn render(book: &Book, assets: &Assets, diags: &mut Diagnostics) -> Option<Vec<u8>> {
    let file = render_with(book, assets, &std::sync::Arc::default(), diags)?;
    match file.to_bytes() {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            diags.push(
                Diagnostic::new(
                    Severity::Error,
                    Location::None,
                    format!("cannot write the pdf: {e}"),
                )
                .with_code(crate::diag::Code::PdfExport),
            );
            None
        }
    }
}

/// [`render`] with a paragraph layout cache shared by every region of a
/// build (and, kept by the caller, by later builds with the same fonts),
/// as a [`PdfFile`] that writes itself where the caller wants it.
pub fn render_with(
    book: &Book,
    assets: &Assets,
    layouts: &std::sync::Arc<LayoutCache>,
    diags: &mut Diagnostics,
) -> Option<PdfFile> {
    let style = PdfStyle::load(assets, diags);
    let doc = lay_out_book_with(book, assets, &style, layouts, diags);
    // A cache made for the build's PDFs empties itself after the last layout.
    layouts.finished();
    let doc = doc?;
    // PDF/UA-1 first; if krilla's validator objects, write the same tagged
    // document without the claim and say why. The writer drops each sheet
    // once drawn, so the rare second attempt lays the book out again (its
    // diagnostics were reported by the first layout).
    let mut scratch = Diagnostics::new();
    match write_pdf(doc, book, &assets.images, Conformance::PdfUa1, &mut scratch) {
        Ok(bytes) => {
            diags.extend(scratch);
            Some(bytes)
        }
        Err(reason) => {
            // Characters in no font were reported at their positions before
            // layout (and say that the claim is dropped).
            if !reason.starts_with(write::MISSING_GLYPHS) {
                diags.push(
                    Diagnostic::new(Severity::Warning, Location::None, reason)
                        .with_code(crate::diag::Code::PdfAccessibility)
                        .with_hint("the pdf is written tagged but without the pdf/ua-1 claim"),
                );
            }
            let mut second = Diagnostics::new();
            let doc = lay_out_book_with(book, assets, &style, layouts, &mut Diagnostics::new())?;
            match write_pdf(doc, book, &assets.images, Conformance::Tagged, &mut second) {
                Ok(bytes) => {
                    diags.extend(second);
                    Some(bytes)
                }
                Err(reason) => {
                    diags.extend(second);
                    diags.push(
                        Diagnostic::new(Severity::Error, Location::None, reason)
                            .with_code(crate::diag::Code::PdfExport),
                    );
                    None
                }
            }
        }
    }
}
