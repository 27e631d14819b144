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
//! at the text width instead, cut into slices of one text area each
//! (`ImageStore::slices`), every slice but the last followed by the
//! continuation mark `figures.continued`. A missing or broken image becomes a
//! diagnostic at the figure's span and a framed placeholder with the alt
//! text. In the tag tree it is a `Figure` with its alt text (or title) as
//! alternative; an image with neither (a decorative image) is an artifact.

use crate::layout::font::FontRole;
use crate::layout::frame::{FrameItem, ImageItem, Point, RectItem, Size, StructTag, TagEvent};
use crate::model::{Align, Figure};

use super::paginate::Shrink;
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
        Some(alt) => (TagEvent::Start(StructTag::Figure(alt)), TagEvent::End),
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
                px_h,
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
                FrameItem::Image(ImageItem {
                    image: key,
                    size,
                    alt: figure.alt.clone(),
                    span: figure.span,
                }),
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
    /// Its height in pixels.
    px_h: u32,
    caption_lines: &'a [LaidLine],
    caption_gap: f32,
    /// The figure's text alternative (none: an artifact).
    alternative: Option<&'a str>,
}

/// Sets a tall image (a full-page screenshot) at the text width, cut into
/// slices of one text area each; every slice but the last ends with the
/// continuation mark (`figures.continued`), the last one with the caption.
/// `false` (nothing set) when the image cannot be cut.
fn split(ctx: &mut BlockContext, flow: &mut Flow, tall: &TallFigure) -> bool {
    let style = ctx.style().figures.clone();
    let caption_style =
        ctx.text
            .text_style(FontRole::Regular, style.caption_size, style.caption_color);
    let para = ctx
        .text
        .paragraph_style(tall.width, style.caption_size * 1.5, Align::Center);
    let mark = ctx
        .text
        .plain(&style.continued, &caption_style, &para)
        .into_iter()
        .next()
        .unwrap_or_default();
    let gap = 4.0;
    let slice_h = (ctx.area_height - mark.height - gap - 2.0).max(20.0);
    let px_per_pt = tall.px_h as f32 / tall.size.height.max(1.0);
    let rows = (slice_h * px_per_pt).floor().max(1.0) as u32;
    let path = &tall.figure.image.path;
    let Ok(slices) = ctx.assets.images.slices(path, rows) else {
        return false;
    };
    let count = slices.len();
    let left = tall.x + (tall.width - tall.size.width) / 2.0;
    if let Some(alt) = tall.alternative {
        flow.open(StructTag::Figure(alt.to_string()));
    }
    for (i, slice) in slices.iter().enumerate() {
        let mut name = path.as_os_str().to_owned();
        name.push(format!("#{}/{count}@{rows}", i + 1));
        let key = ctx.images.derived(name.into(), slice);
        let height = slice.height as f32 / px_per_pt.max(0.0001);
        let size = Size::new(tall.size.width, height);
        let mut items = Vec::new();
        if tall.alternative.is_none() {
            items.push((Point::default(), FrameItem::Tag(TagEvent::ArtifactStart)));
        }
        items.push((
            Point::new(left, 0.0),
            FrameItem::Image(ImageItem {
                image: key,
                size,
                alt: tall.figure.alt.clone(),
                span: tall.figure.span,
            }),
        ));
        items.push((
            Point::new(left, 0.0),
            FrameItem::Rect(RectItem {
                size,
                fill: None,
                stroke: Some((crate::layout::frame::Rgb(0xc8, 0xcc, 0xd2), 0.5)),
            }),
        ));
        let mut y = height;
        if i + 1 < count {
            // The continuation mark is pagination furniture.
            y += gap;
            if tall.alternative.is_some() {
                items.push((Point::default(), FrameItem::Tag(TagEvent::ArtifactStart)));
            }
            items.extend(
                mark.items
                    .iter()
                    .map(|(at, item)| (at.offset(tall.x, y), item.clone())),
            );
            if tall.alternative.is_some() {
                items.push((Point::default(), FrameItem::Tag(TagEvent::ArtifactEnd)));
            }
            y += mark.height;
        } else if !tall.caption_lines.is_empty() {
            y += tall.caption_gap;
            items.push((
                Point::default(),
                FrameItem::Tag(TagEvent::Start(StructTag::Caption)),
            ));
            for line in tall.caption_lines {
                items.extend(
                    line.items
                        .iter()
                        .map(|(at, item)| (at.offset(tall.x, y), item.clone())),
                );
                y += line.height;
            }
            items.push((Point::default(), FrameItem::Tag(TagEvent::End)));
        }
        if tall.alternative.is_none() {
            items.push((Point::default(), FrameItem::Tag(TagEvent::ArtifactEnd)));
        }
        let mut piece = Piece::new(y, items);
        if i == 0 {
            piece.space_before = flow.take_space(style.space);
        }
        flow.push(piece);
    }
    if tall.alternative.is_some() {
        flow.close();
    }
    flow.set_space(style.space);
    true
}

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
