//! Screenshots and other block images.
//!
//! Input: a model [`Figure`]. Output: one unbreakable piece: the image at
//! the requested or natural size, never wider than the text, never larger
//! than its pixels allow at the layout's `max_dpi`, scaled down to fit the
//! text area's height, centred, with a hairline frame and optionally the
//! alt text (or title) as a caption. The piece may shrink by up to
//! `figures.max_shrink` when pagination needs it ([`Piece::scale_figure`]),
//! and it is glued to the paragraph or list-item text right before it (the
//! sentence that introduces it). An image that would have to shrink to
//! less than half its width to fit a sheet (a full-page screenshot) is set
//! at the text width instead, as one piece that pagination cuts into bands
//! ([`TallImage`]: the first fills what is left of the sheet, each band but
//! the last is followed by the continuation mark `figures.continued`). A missing or broken image becomes a
//! diagnostic at the figure's span and a framed placeholder with the alt
//! text. In the tag tree it is a `Figure` with its alt text (or title) as
//! alternative; an image with neither (a decorative image) is an artifact.

use crate::layout::font::FontRole;
use crate::layout::frame::{FrameItem, ImageItem, Point, RectItem, Size, StructTag, TagEvent};
use crate::model::{Align, Figure};

use super::paginate::{Shrink, TallCut, TallImage};
use super::{BlockContext, Flow, LaidLine, Piece};

/// CSS pixels to points.
const PT_PER_CSS_PX: f32 = 0.75;

/// Lays out a figure.
pub(super) fn figure(ctx: &mut BlockContext, flow: &mut Flow, figure: &Figure, x: f32, width: f32) {
    let style = ctx.style().figures.clone();
    let caption_text = figure
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| (style.caption && !figure.alt.trim().is_empty()).then(|| figure.alt.clone()));
    let caption_style =
        ctx.text
            .text_style(FontRole::Regular, style.caption_size, style.caption_color);
    let caption_para = ctx
        .text
        .paragraph_style(width, style.caption_size * 1.5, Align::Center);
    let caption_lines = caption_text
        .as_deref()
        .map(|t| ctx.text.plain(t, &caption_style, &caption_para))
        .unwrap_or_default();
    let caption_height: f32 = caption_lines.iter().map(|l| l.height).sum();
    let caption_gap = if caption_lines.is_empty() { 0.0 } else { 4.0 };

    let loaded = ctx
        .images
        .get(ctx.assets, &figure.image.path)
        .map(|(key, image)| (key, image.width, image.height));
    // The figure's text alternative: its alt text, else its title. An image
    // with neither (alt="", a decorative image) is an artifact.
    let alternative = [Some(&figure.alt), figure.title.as_ref()]
        .into_iter()
        .flatten()
        .find(|t| !t.trim().is_empty())
        .cloned();
    let (open, close) = match alternative.clone() {
        Some(alt) => (
            TagEvent::Start(StructTag::Figure(alt.into())),
            TagEvent::End,
        ),
        None => (TagEvent::ArtifactStart, TagEvent::ArtifactEnd),
    };
    let max_h = (ctx.area_height - caption_height - caption_gap - 2.0).max(20.0);
    if let Ok((_, px_w, px_h)) = loaded {
        let natural = display_size(
            px_w,
            px_h,
            figure.width,
            width,
            f32::INFINITY,
            style.max_dpi,
        );
        if max_h / natural.height < SPLIT_BELOW_SCALE {
            let tall = TallFigure {
                figure,
                x,
                width,
                size: natural,
                caption_lines: &caption_lines,
                caption_gap,
                alternative: alternative.as_deref(),
            };
            if split(ctx, flow, &tall) {
                return;
            }
        }
    }
    let mut items = vec![(Point::default(), FrameItem::Tag(open))];
    let loaded_ok = loaded.is_ok();
    let image_height = match loaded {
        Ok((key, px_w, px_h)) => {
            let size = display_size(px_w, px_h, figure.width, width, max_h, style.max_dpi);
            let left = x + (width - size.width) / 2.0;
            items.push((
                Point::new(left, 0.0),
                FrameItem::Image(Box::new(ImageItem {
                    image: key,
                    size,
                    alt: figure.alt.clone(),
                    span: figure.span,
                    clip: None,
                })),
            ));
            items.push((
                Point::new(left, 0.0),
                FrameItem::Rect(RectItem {
                    size,
                    fill: None,
                    stroke: Some((crate::layout::frame::Rgb(0xc8, 0xcc, 0xd2), 0.5)),
                }),
            ));
            size.height
        }
        Err(error) => {
            ctx.diags.push(crate::assets::images::image_diagnostic(
                &figure.image.src,
                figure.span,
                &error,
            ));
            let h = 40.0;
            items.push((
                Point::new(x, 0.0),
                FrameItem::Rect(RectItem {
                    size: Size::new(width, h),
                    fill: Some(crate::layout::frame::Rgb(0xf4, 0xf4, 0xf4)),
                    stroke: Some((crate::layout::frame::Rgb(0xb0, 0xb0, 0xb0), 0.5)),
                }),
            ));
            h
        }
    };
    let mut y = image_height + caption_gap;
    if !caption_lines.is_empty() {
        items.push((
            Point::default(),
            FrameItem::Tag(TagEvent::Start(StructTag::Caption)),
        ));
        for line in caption_lines {
            items.extend(
                line.items
                    .into_iter()
                    .map(|(at, item)| (at.offset(x, y), item)),
            );
            y += line.height;
        }
        items.push((Point::default(), FrameItem::Tag(TagEvent::End)));
    }
    items.push((Point::default(), FrameItem::Tag(close)));
    let mut piece = Piece::new(y, items);
    piece.space_before = flow.take_space(style.space);
    if loaded_ok && image_height > 0.0 {
        piece.shrink = Some(Shrink {
            image_height,
            min_scale: (1.0 - style.max_shrink).clamp(0.1, 1.0),
        });
    }
    // The sentence that introduces the figure goes with it.
    let introduced = flow.text_ends;
    flow.push(piece);
    if introduced && let Some(last) = flow.pieces.last_mut() {
        last.glue_to_prev = true;
    }
    flow.set_space(style.space);
}

/// An image that would have to shrink below this share of its size (at
/// the text width) to fit a text area is split over sheets instead.
const SPLIT_BELOW_SCALE: f32 = 0.5;

/// A figure too tall for a sheet, as [`split`] sets it.
struct TallFigure<'a> {
    figure: &'a Figure,
    x: f32,
    width: f32,
    /// Its size at the text width, unbounded in height.
    size: Size,
    caption_lines: &'a [LaidLine],
    caption_gap: f32,
    /// The figure's text alternative (none: an artifact).
    alternative: Option<&'a str>,
}

/// Sets a tall image (a full-page screenshot) at the text width as one
/// piece that pagination cuts into bands ([`TallImage`]): the first band
/// fills the space left on the sheet, the others one text area each; every
/// band but the last ends with the continuation mark (`figures.continued`),
/// the last one with the caption. `false` (nothing set) when the image
/// cannot be loaded.
fn split(ctx: &mut BlockContext, flow: &mut Flow, tall: &TallFigure) -> bool {
    let style = ctx.style().figures.clone();
    let Ok((key, _)) = ctx.images.get(ctx.assets, &tall.figure.image.path) else {
        return false;
    };
    let caption_style =
        ctx.text
            .text_style(FontRole::Regular, style.caption_size, style.caption_color);
    let para = ctx
        .text
        .paragraph_style(tall.width, style.caption_size * 1.5, Align::Center);
    let gap = 4.0;
    let mark_line = ctx
        .text
        .plain(&style.continued, &caption_style, &para)
        .into_iter()
        .next()
        .unwrap_or_default();
    // The continuation mark is pagination furniture.
    let mut mark = vec![(Point::default(), FrameItem::Tag(TagEvent::ArtifactStart))];
    mark.extend(
        mark_line
            .items
            .iter()
            .map(|(at, item)| (at.offset(tall.x, gap), item.clone())),
    );
    mark.push((Point::default(), FrameItem::Tag(TagEvent::ArtifactEnd)));
    let mut tail = Vec::new();
    let mut tail_height = 0.0;
    if !tall.caption_lines.is_empty() {
        tail_height += tall.caption_gap;
        tail.push((
            Point::default(),
            FrameItem::Tag(TagEvent::Start(StructTag::Caption)),
        ));
        for line in tall.caption_lines {
            tail.extend(
                line.items
                    .iter()
                    .map(|(at, item)| (at.offset(tall.x, tail_height), item.clone())),
            );
            tail_height += line.height;
        }
        tail.push((Point::default(), FrameItem::Tag(TagEvent::End)));
    }
    let image = TallImage {
        image: ImageItem {
            image: key,
            size: tall.size,
            alt: tall.figure.alt.clone(),
            span: tall.figure.span,
            clip: None,
        },
        left: tall.x + (tall.width - tall.size.width) / 2.0,
        mark,
        mark_height: gap + mark_line.height,
        tail,
        tail_height,
        min_band: ctx.area_height * MIN_BAND_SHARE,
        alternative: tall.alternative.map(str::to_string),
    };
    let mut piece = Piece::new(image.min_band + image.mark_height, Vec::new());
    piece.tall = Some(TallCut {
        image: std::sync::Arc::new(image),
        from: 0.0,
    });
    piece.space_before = flow.take_space(style.space);
    let introduced = flow.text_ends;
    flow.push(piece);
    if introduced && let Some(last) = flow.pieces.last_mut() {
        last.glue_to_prev = true;
    }
    flow.set_space(style.space);
    true
}

/// The smallest band of a tall image, as a share of the text area's height:
/// a thinner one is not left at the foot of a sheet.
const MIN_BAND_SHARE: f32 = 0.25;

impl Piece {
    /// Scales a figure piece's image (the items above
    /// [`Shrink::image_height`]) by `scale` about its centre line and moves
    /// the caption up; the piece loses what the image lost.
    pub(crate) fn scale_figure(&mut self, scale: f32) {
        let Some(shrink) = self.shrink else { return };
        if !(scale.is_finite() && scale > 0.0 && scale < 1.0) {
            return;
        }
        let lost = shrink.image_height * (1.0 - scale);
        for (at, item) in &mut self.items {
            if at.y >= shrink.image_height - 0.01 {
                at.y -= lost;
                continue;
            }
            let size = match item {
                FrameItem::Image(image) => &mut image.size,
                FrameItem::Rect(rect) => &mut rect.size,
                _ => continue,
            };
            at.x += size.width * (1.0 - scale) / 2.0;
            at.y *= scale;
            *size = Size::new(size.width * scale, size.height * scale);
        }
        self.height -= lost;
        self.shrink = Some(Shrink {
            image_height: shrink.image_height * scale,
            min_scale: (shrink.min_scale / scale).min(1.0),
        });
    }
}

/// The displayed size: the requested width (CSS px) or the natural width
/// at `max_dpi`, whichever is smaller, capped by the text width, then
/// scaled down to at most `max_height`. Never larger than `max_dpi` allows.
pub(super) fn display_size(
    px_w: u32,
    px_h: u32,
    requested_css_px: Option<f32>,
    text_width: f32,
    max_height: f32,
    max_dpi: f32,
) -> Size {
    let px_w = px_w.max(1) as f32;
    let px_h = px_h.max(1) as f32;
    let natural = px_w * 72.0 / max_dpi.max(1.0);
    let mut w = natural.min(text_width);
    if let Some(css) = requested_css_px.filter(|v| v.is_finite() && *v > 0.0) {
        w = w.min(css * PT_PER_CSS_PX);
    }
    let mut h = w * px_h / px_w;
    if h > max_height {
        w *= max_height / h;
        h = max_height;
    }
    Size::new(w.max(1.0), h.max(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::flow::paginate;
    use crate::layout::frame::ImageKey;

    #[test]
    fn a_tall_image_is_cut_into_bands_where_it_lands() {
        // A 330 tall image after 40 of text on sheets of 100; marks of 10,
        // a caption of 5, bands of at least 25.
        let tall = TallImage {
            image: ImageItem {
                image: ImageKey(0),
                size: Size::new(80.0, 330.0),
                alt: "全体".into(),
                span: crate::diag::Span::point(crate::diag::SourceId(0), 0),
                clip: None,
            },
            left: 5.0,
            mark: vec![(Point::default(), FrameItem::Anchor("mark".into()))],
            mark_height: 10.0,
            tail: vec![(Point::default(), FrameItem::Anchor("caption".into()))],
            tail_height: 5.0,
            min_band: 25.0,
            alternative: Some("全体".into()),
        };
        let mut piece = Piece::new(35.0, Vec::new());
        piece.tall = Some(TallCut {
            image: std::sync::Arc::new(tall),
            from: 0.0,
        });
        let text = Piece::new(
            40.0,
            vec![(Point::default(), FrameItem::Anchor("text".into()))],
        );
        let areas = paginate(vec![text, piece], 100.0, &Piece::default());
        let bands: Vec<(f32, f32, f32)> = areas
            .iter()
            .flat_map(|area| {
                area.items.iter().filter_map(|(at, item)| match item {
                    FrameItem::Image(image) => image.clip.map(|(a, b)| (at.y, a, b)),
                    _ => None,
                })
            })
            .collect();
        // 50 on the first sheet (100 − 40 − 10 for the mark), 90 on each
        // full sheet, and the last 20 with the caption.
        assert_eq!(
            bands,
            [
                (40.0, 0.0, 50.0),
                (-50.0, 50.0, 140.0),
                (-140.0, 140.0, 230.0),
                (-230.0, 230.0, 320.0),
                (-320.0, 320.0, 330.0),
            ]
        );
        let marks = areas
            .iter()
            .flat_map(|a| a.items.iter())
            .filter(|(_, i)| *i == FrameItem::Anchor("mark".into()))
            .count();
        assert_eq!(marks, 4);
        // One Figure element over all bands; the caption follows the last.
        let opened = areas
            .iter()
            .flat_map(|a| a.items.iter())
            .filter(|(_, i)| matches!(i, FrameItem::Tag(TagEvent::Start(StructTag::Figure(_)))))
            .count();
        assert_eq!(opened, 1);
        let last = areas.last().map(|a| a.items.clone()).unwrap_or_default();
        assert!(
            last.iter()
                .any(|(at, i)| *i == FrameItem::Anchor("caption".into()) && at.y == 10.0)
        );
    }

    #[test]
    fn wide_images_shrink_to_the_text_width() {
        let s = display_size(2000, 1000, None, 400.0, 600.0, 150.0);
        assert!((s.width - 400.0).abs() < 0.01);
        assert!((s.height - 200.0).abs() < 0.01);
    }

    #[test]
    fn small_images_are_not_upscaled_past_max_dpi() {
        let s = display_size(150, 75, None, 400.0, 600.0, 150.0);
        assert!((s.width - 72.0).abs() < 0.01);
        let s = display_size(150, 75, Some(1000.0), 400.0, 600.0, 150.0);
        assert!((s.width - 72.0).abs() < 0.01);
    }

    #[test]
    fn tall_images_fit_the_text_area() {
        let s = display_size(600, 6000, None, 400.0, 500.0, 150.0);
        assert!((s.height - 500.0).abs() < 0.01);
        assert!(s.width < 60.0);
    }
}
