//! Frames to PDF bytes with krilla.
//!
//! Input: a [`PagedDocument`] (sheets of positioned items) and the [`Book`]
//! for metadata; each sheet becomes one PDF page. Output: a [`PdfFile`]
//! that writes the file (its images from the image store), or the krilla
//! error message.
//! Every layout decision was taken before; this module only translates
//! items: glyph runs, rectangles, lines, images (clipped to their band when
//! the layout asks), link areas, anchors and structure tags.

use std::num::NonZeroU32;

use krilla::Document;
use krilla::SerializeSettings;
use krilla::action::{Action, LinkAction};
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::configure::{Accessibility, Configuration, ConfigurationBuilder, PdfVersion};
use krilla::destination::{Destination, NamedDestination, XyzDestination};
use krilla::geom::{PathBuilder, Point as KPoint, Quadrilateral, Rect, Size as KSize};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::surface::Surface;

use crate::diag::{Diagnostic, Diagnostics};
use crate::layout::frame::{Folio, FrameItem, LinkDest, PagedDocument, Point, Sheet, TagEvent};
use crate::model::Book;

use super::images::{ImageCache, ImageObjects, placeholder_index};
use super::meta::metadata;
use super::nav::{AnchorTable, outline};
use super::objstm::Packed;
use super::paint::{fill, stroke};
use super::tags::TagBuilder;
use super::text::{DrawBuffers, FontCache, LineRun, draw_runs};
use super::widen::{SheetGaps, sheet_gaps};
use crate::assets::images::ImageStore;

/// Whether to ask krilla to validate the output as PDF/UA-1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conformance {
    /// Tagged PDF 1.7 validated against PDF/UA-1.
    PdfUa1,
    /// Tagged PDF 1.7 without validation.
    Tagged,
}

/// A finished PDF: krilla's objects, packed, and the images its
/// placeholders stand for, which are written into the file only when it is
/// written ([`PdfFile::write_to`]), so the images' bytes never wait in
/// memory with the document.
pub struct PdfFile {
    packed: Packed,
    images: ImageObjects,
}

impl PdfFile {
    /// Writes the whole file into `out`; the number of bytes written.
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<u64> {
        self.packed.write(&self.images, out)
    }

    /// The whole file in memory.
    pub fn to_bytes(&self) -> std::io::Result<Vec<u8>> {
        self.packed.to_bytes(&self.images)
    }
}

/// Writes the document (its images' forms from `store`). Problems with
/// single items (an unreadable font or image) are reported and the item
/// skipped. Each sheet is dropped as soon as it is drawn, so the laid-out
/// sheets and krilla's pages are not all held twice.
pub fn write_pdf(
    doc: PagedDocument,
    book: &Book,
    store: &ImageStore,
    conformance: Conformance,
    diags: &mut Diagnostics,
) -> Result<PdfFile, String> {
    let mut document = Document::new_with(settings(conformance));
    let anchors = AnchorTable::collect(&doc);
    let items: Vec<&[_]> = doc.sheets.iter().map(|s| s.items.as_slice()).collect();
    let gaps = sheet_gaps(&items);
    let mut fonts = FontCache::new(&doc.fonts, &items, &gaps);
    let mut buffers = DrawBuffers::default();
    let mut next_on_line = Vec::new();
    let mut images = ImageCache::new(&doc.images, store, diags);
    let image_objects = ImageObjects::new(doc.images.clone(), store.spool_handle());
    let mut tags = TagBuilder::new();
    let mut font_problem = false;

    let doc_images_empty = doc.images.is_empty();
    let PagedDocument {
        sheets,
        outline: outline_items,
        ..
    } = doc;
    for (sheet, gaps) in sheets.into_iter().zip(gaps) {
        let mut page_settings = PageSettings::from_wh(sheet.size.width, sheet.size.height)
            .ok_or_else(|| format!("invalid page size {:?}", sheet.size))?;
        if let Some(label) = page_label(sheet.folio) {
            page_settings = page_settings.with_page_label(label);
        }
        let mut pdf_page = document.start_page_with(page_settings);
        let mut pending_links = Vec::new();
        {
            let mut surface = pdf_page.surface();
            let mut state = SheetState {
                fonts: &mut fonts,
                buffers: &mut buffers,
                images: &mut images,
                tags: &mut tags,
                anchors: &anchors,
                pending_links: &mut pending_links,
                font_problem: &mut font_problem,
            };
            draw_sheet(&mut surface, &sheet, &gaps, &mut next_on_line, &mut state);
            surface.finish();
        }
        for (slot, annotation) in pending_links {
            let id = pdf_page.add_tagged_annotation(annotation);
            tags.fill_annotation(slot, id);
        }
        pdf_page.finish();
    }

    if font_problem {
        diags.push(
            Diagnostic::file_error(
                std::path::Path::new("fonts"),
                "a font could not be embedded; some text is missing from the pdf",
            )
            .with_code(crate::diag::Code::FontEmbedding),
        );
    }
    for (name, (sheet, at)) in anchors.iter() {
        let dest = NamedDestination::new(
            name.to_string(),
            XyzDestination::new(sheet, KPoint::from_xy(at.x, at.y)),
        );
        // A name registered twice with the same position is accepted; a
        // different position cannot happen since the table is unique.
        let _ = document.register_named_destination(dest);
    }
    document.set_outline(outline(&outline_items, &anchors));
    document.set_metadata(metadata(book));
    document.set_tag_tree(tags.finish(Some(book.meta.language.clone())));
    let bytes = document.finish().map_err(|err| describe(&err))?;
    // krilla writes every structure element as a plain object: pack them,
    // and find the image placeholders.
    let packed = Packed::new(bytes, placeholder_index);
    if !packed.is_planned() && !doc_images_empty {
        return Err(
            "cannot embed the images: the pdf writer's output is not laid out as expected".into(),
        );
    }
    Ok(PdfFile {
        packed,
        images: image_objects,
    })
}

/// How the reason of a pdf/ua-1 failure starts when its only problems are
/// characters in no font, which the driver's coverage check has reported at
/// their source positions already.
pub(crate) const MISSING_GLYPHS: &str = "characters in no font are drawn as empty boxes: ";

/// A short lowercase description of a krilla error.
fn describe(err: &krilla::error::KrillaError) -> String {
    use krilla::error::KrillaError;
    match err {
        KrillaError::Validation(errors) => {
            use krilla::configure::ValidationError;
            // Characters in no font: one item naming them (the coverage
            // check reported each at its source position).
            let mut tofu: Vec<String> = Vec::new();
            for (e, _) in errors {
                if let ValidationError::ContainsNotDefGlyph(_, _, text) = e
                    && !tofu.contains(text)
                {
                    tofu.push(text.clone());
                }
            }
            if tofu.len() == errors.len() {
                return format!("{MISSING_GLYPHS}{}", tofu.join(" "));
            }
            let mut list: Vec<String> = Vec::new();
            if !tofu.is_empty() {
                list.push(format!(
                    "{} is in no font and drawn as an empty box",
                    tofu.join(" ")
                ));
            }
            // Every other problem in tebiki's words, each once.
            for (e, _) in errors {
                if matches!(e, ValidationError::ContainsNotDefGlyph(..)) {
                    continue;
                }
                let problem = validation_problem(e);
                if !list.contains(&problem) {
                    list.push(problem);
                }
            }
            let shown: Vec<&str> = list.iter().take(5).map(String::as_str).collect();
            let n = errors.len();
            format!(
                "the pdf is not pdf/ua-1 conformant ({n} {}): {}",
                if n == 1 { "problem" } else { "problems" },
                shown.join("; ")
            )
        }
        other => format!(
            "pdf export failed: {}",
            crate::diag::first_line_lowercase(&other.to_string())
        ),
    }
}

/// One PDF/UA-1 problem in a writer's words (krilla's debug text names
/// fonts by their internal structure, so it is never shown).
fn validation_problem(error: &krilla::configure::ValidationError) -> String {
    use krilla::configure::ValidationError as V;
    match error {
        V::ContainsNotDefGlyph(_, _, text) => format!(
            "the text `{}` has a character no font of the book can draw",
            text.escape_debug()
        ),
        V::NoCodepointMapping(..) | V::InvalidCodepointMapping(..) => {
            "a glyph has no character a reader could copy or read aloud".into()
        }
        V::UnicodePrivateArea(_, _, c, _) => format!(
            "the private-use character U+{:04X} has no meaning for a reader",
            u32::from(*c)
        ),
        V::RestrictedLicense(_) => "a font's licence forbids embedding it".into(),
        V::NoDocumentLanguage => "the book has no language".into(),
        V::NoDocumentTitle => "the book has no title".into(),
        V::MissingAltText(_) => "an image has no alternative text".into(),
        V::MissingHeadingTitle => "a heading has no text".into(),
        V::MissingDocumentOutline => "the pdf has no bookmarks".into(),
        V::MissingAnnotationAltText(_) => "a link has no description".into(),
        V::MissingDocumentDate => "the pdf has no date".into(),
        V::Transparency(_) => "the pdf uses transparency".into(),
        V::ImageInterpolation(_) => "an image asks for interpolation".into(),
        V::EmbeddedFile(..) | V::EmbeddedPDF(_) => "the pdf embeds a file".into(),
        V::MissingTagging => "the pdf is not tagged".into(),
        V::TooLongString
        | V::TooLongName
        | V::TooLongArray
        | V::TooLongDictionary
        | V::TooLargeFloat
        | V::TooManyIndirectObjects
        | V::TooHighQNestingLevel => "the pdf exceeds a size limit of the standard".into(),
        _ => "the pdf uses a feature the standard does not allow".into(),
    }
}

/// krilla settings: compressed, tagged, no random ids.
fn settings(conformance: Conformance) -> SerializeSettings {
    let configuration = match conformance {
        Conformance::PdfUa1 => ConfigurationBuilder::new()
            .with_version(PdfVersion::Pdf17)
            .with_accessibility_validator(Accessibility::UA1)
            .finish()
            .unwrap_or_else(|_| Configuration::default()),
        Conformance::Tagged => Configuration::default(),
    };
    SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    }
}

/// The PDF page label for a folio (what viewers show as the page number).
fn page_label(folio: Option<Folio>) -> Option<PageLabel> {
    match folio? {
        Folio::None => None,
        Folio::Roman(n) => Some(PageLabel::new(
            Some(NumberingStyle::LowerRoman),
            None,
            NonZeroU32::new(n),
        )),
        Folio::Arabic(n) => Some(PageLabel::new(
            Some(NumberingStyle::Arabic),
            None,
            NonZeroU32::new(n),
        )),
    }
}

/// Everything a sheet's drawing needs besides the surface.
struct SheetState<'a> {
    fonts: &'a mut FontCache,
    buffers: &'a mut DrawBuffers,
    images: &'a mut ImageCache,
    tags: &'a mut TagBuilder,
    anchors: &'a AnchorTable,
    pending_links: &'a mut Vec<(usize, Annotation)>,
    font_problem: &'a mut bool,
}

/// Draws the items of one sheet in order. The glyph runs of one line (up to
/// the next structure mark or drawing) share one marked span: one leaf per
/// line rather than per run; those of them that draw alike (the same PDF
/// font, size and colour: a sentence and its punctuation from the sibling
/// face) are one text object. The span carries no `ActualText`: poppler
/// computes such a span's box with the graphics state at its end, after
/// krilla's `Q` of each run, so it becomes one mirrored zero-height box, and a
/// line split into several is misordered. The gaps inside a line (`gaps`,
/// the sheet's [`super::widen::run_gaps`]) are taken into the advance of a
/// twin glyph instead (`text.rs`, `widen.rs`; docs/typography.md, "Exact
/// text extraction"). `next_on_line` is a buffer for the next run of each
/// run's line ([`next_run_on_line`], read once per run).
fn draw_sheet(
    surface: &mut Surface,
    sheet: &Sheet,
    gaps: &SheetGaps,
    next_on_line: &mut Vec<Option<u32>>,
    state: &mut SheetState,
) {
    next_on_line.clear();
    next_on_line.extend(
        (0..sheet.items.len())
            .map(|i| next_run_on_line(&sheet.items, i).and_then(|n| u32::try_from(n).ok())),
    );
    let next_on_line = &*next_on_line;
    // The next run of the line of the run at an index.
    let next_of = |index: usize| -> Option<usize> {
        next_on_line
            .get(index)
            .copied()
            .flatten()
            .map(|n| n as usize)
    };
    let items = &sheet.items;
    // Whether a text span is open (it is closed by the last run of its line).
    let mut text_span = false;
    // The runs drawn together (this one and those after it on its line that
    // draw alike), and the index after the last of them.
    let mut together: Vec<LineRun<'_>> = Vec::new();
    let mut drawn_to = 0;
    for (index, (at, item)) in items.iter().enumerate() {
        match item {
            FrameItem::Text(run) => {
                if !text_span {
                    text_span = state.tags.start_content(surface, false);
                }
                if index >= drawn_to {
                    together.clear();
                    let trailing = |i: usize| gaps.get(i);
                    together.push(LineRun {
                        at: *at,
                        run,
                        trailing: trailing(index),
                    });
                    drawn_to = index + 1;
                    while let Some(next) = next_of(drawn_to - 1)
                        && let Some((next_at, FrameItem::Text(next_run))) = items.get(next)
                        && next_at.y.to_bits() == at.y.to_bits()
                        && state.fonts.draw_alike(run, next_run)
                    {
                        together.push(LineRun {
                            at: *next_at,
                            run: next_run,
                            trailing: trailing(next),
                        });
                        drawn_to = next + 1;
                    }
                    if !draw_runs(surface, state.fonts, state.buffers, &together) {
                        *state.font_problem = true;
                    }
                }
                if next_of(index).is_none() {
                    state.tags.end_content(surface, text_span);
                    text_span = false;
                }
            }
            FrameItem::Rect(rect) => {
                let Some(r) = Rect::from_xywh(at.x, at.y, rect.size.width, rect.size.height) else {
                    continue;
                };
                let mut builder = PathBuilder::new();
                builder.push_rect(r);
                let Some(path) = builder.finish() else {
                    continue;
                };
                let marked = state.tags.start_content(surface, true);
                surface.set_fill(rect.fill.map(fill));
                surface.set_stroke(rect.stroke.map(|(c, w)| stroke(c, w)));
                if rect.fill.is_some() || rect.stroke.is_some() {
                    surface.draw_path(&path);
                }
                surface.set_stroke(None);
                state.tags.end_content(surface, marked);
            }
            FrameItem::Line(line) => {
                let mut builder = PathBuilder::new();
                builder.move_to(at.x, at.y);
                builder.line_to(at.x + line.to.x, at.y + line.to.y);
                let Some(path) = builder.finish() else {
                    continue;
                };
                let marked = state.tags.start_content(surface, true);
                surface.set_fill(None);
                surface.set_stroke(Some(stroke(line.color, line.width)));
                surface.draw_path(&path);
                surface.set_stroke(None);
                state.tags.end_content(surface, marked);
            }
            FrameItem::Image(item) => {
                let Some(image) = state.images.get(item.image.0) else {
                    continue;
                };
                let Some(size) = KSize::from_wh(item.size.width, item.size.height) else {
                    continue;
                };
                let marked = state.tags.start_content(surface, false);
                // A slice of a tall image: only its band is visible.
                let clip = item.clip.and_then(|(top, bottom)| {
                    let band = Rect::from_xywh(at.x, at.y + top, size.width(), bottom - top)?;
                    let mut builder = PathBuilder::new();
                    builder.push_rect(band);
                    builder.finish()
                });
                if let Some(clip) = &clip {
                    surface.push_clip_path(clip, &krilla::paint::FillRule::NonZero);
                }
                surface.push_transform(&krilla::geom::Transform::from_translate(at.x, at.y));
                surface.draw_image(image, size);
                surface.pop();
                if clip.is_some() {
                    surface.pop();
                }
                state.tags.end_content(surface, marked);
            }
            FrameItem::Link(area) => {
                if let Some(annotation) = link_annotation(*at, area, state) {
                    let slot = state.tags.annotation_slot();
                    state.pending_links.push((slot, annotation));
                }
            }
            FrameItem::Anchor(_) => {}
            FrameItem::Tag(event) => match event {
                TagEvent::Start(tag) => state.tags.open(tag.clone()),
                TagEvent::End => state.tags.close(),
                TagEvent::ArtifactStart => state.tags.artifact_depth_add(1),
                TagEvent::ArtifactEnd => state.tags.artifact_depth_add(-1),
            },
        }
    }
    state.tags.end_content(surface, text_span);
    // Structure may continue on the next sheet; artifacts may not.
    state.tags.reset_artifacts();
}

/// The index of the next glyph run of the same line as the run at `index`,
/// when only link areas and anchors (which draw nothing) stand between:
/// same baseline (within a superscript's shift) and further right.
fn next_run_on_line(items: &[(Point, FrameItem)], index: usize) -> Option<usize> {
    let (at, FrameItem::Text(run)) = items.get(index)? else {
        return None;
    };
    let end = at.x + run.width();
    for (next, (next_at, item)) in items.iter().enumerate().skip(index + 1) {
        match item {
            FrameItem::Link(_) | FrameItem::Anchor(_) => continue,
            FrameItem::Text(_) => {
                let same_line =
                    (next_at.y - at.y).abs() < run.size * 0.5 && next_at.x >= end - run.size * 0.1;
                return same_line.then_some(next);
            }
            _ => return None,
        }
    }
    None
}

/// A link annotation for an area, or `None` for an unknown destination.
fn link_annotation(
    at: Point,
    area: &crate::layout::frame::LinkArea,
    state: &SheetState,
) -> Option<Annotation> {
    let rect = Rect::from_xywh(at.x, at.y, area.size.width, area.size.height)?;
    let target = match &area.target {
        LinkDest::Uri(uri) => Target::Action(Action::Link(LinkAction::new(uri.clone()))),
        LinkDest::Named(name) => {
            let (sheet, point) = state.anchors.get(name)?;
            Target::Destination(Destination::Named(NamedDestination::new(
                name.clone(),
                XyzDestination::new(sheet, KPoint::from_xy(point.x, point.y)),
            )))
        }
    };
    let quad = Quadrilateral([
        KPoint::from_xy(rect.left(), rect.bottom()),
        KPoint::from_xy(rect.right(), rect.bottom()),
        KPoint::from_xy(rect.right(), rect.top()),
        KPoint::from_xy(rect.left(), rect.top()),
    ]);
    let alt = match &area.target {
        LinkDest::Uri(uri) => uri.clone(),
        LinkDest::Named(_) => "link inside this document".to_string(),
    };
    Some(Annotation::new_link(
        LinkAnnotation::new_with_quad_points(vec![quad], target),
        Some(alt),
    ))
}
