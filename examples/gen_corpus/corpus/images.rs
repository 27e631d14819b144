//! Screenshot mock-ups of a web admin UI, encoded as PNG and JPEG.
//!
//! Input: the seed and the pool size. Output: [`Shot`]s (site path and
//! encoded bytes): about 1000 × 700 pixel pictures with a header bar, a side
//! menu, a form or table with anti-aliased pseudo-glyph text, buttons and a
//! red highlight frame, so that they compress like real screenshots. Most
//! are RGB PNG; some are JPEG, some PNG with alpha, one grayscale and one
//! 2560 pixels wide.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder, Rgba, RgbaImage};

use super::Gen;

/// Folder of the screenshots under `static/`, as the site links them.
pub(super) const IMAGE_DIR: &str = "/general/img-ja/";

/// Side of a pseudo-glyph cell in pixels.
const GLYPH: u32 = 12;
/// Advance of one full-width pseudo-glyph.
const ADVANCE: u32 = 13;
/// Number of distinct pseudo-glyphs.
const GLYPH_COUNT: usize = 96;

/// One encoded screenshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Shot {
    /// Site path as written in `screen src=…`, e.g. `/general/img-ja/bench_007.png`.
    pub src: String,
    /// Encoded file.
    pub bytes: Vec<u8>,
}

/// Output encodings of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Rgb,
    Rgba,
    Gray,
    Jpeg,
}

/// `count` screenshots for `seed`.
pub(super) fn pool(seed: u64, count: usize) -> Vec<Shot> {
    let glyphs = glyph_set(&mut Gen::new(seed, 9_999));
    (0..count)
        .map(|i| {
            let mut generator = Gen::new(seed, 10_000 + i as u64);
            let encoding = match i {
                _ if i % 7 == 6 => Encoding::Jpeg,
                _ if i % 11 == 5 => Encoding::Rgba,
                9 => Encoding::Gray,
                _ => Encoding::Rgb,
            };
            let (width, height) = if i == 3 {
                (2560, 1600)
            } else {
                (
                    generator.range(900, 1281) as u32,
                    generator.range(560, 900) as u32,
                )
            };
            let picture = draw(&mut generator, &glyphs, width, height, encoding);
            let ext = if encoding == Encoding::Jpeg {
                "jpg"
            } else {
                "png"
            };
            Shot {
                src: format!("{IMAGE_DIR}bench_{i:03}.{ext}"),
                bytes: encode(&picture, encoding),
            }
        })
        .collect()
}

/// Coverage bitmaps (0–255) of the pseudo-glyphs.
type Glyphs = Vec<[u8; (GLYPH * GLYPH) as usize]>;

/// Random stroke figures with soft edges, like small CJK characters.
fn glyph_set(generator: &mut Gen) -> Glyphs {
    (0..GLYPH_COUNT)
        .map(|_| {
            let mut cell = [0u8; (GLYPH * GLYPH) as usize];
            let strokes = generator.range(3, 7);
            for _ in 0..strokes {
                let fixed = generator.range(1, 11) as i32;
                let from = generator.range(1, 6) as i32;
                let to = generator.range(6, 11) as i32;
                let horizontal = generator.chance(0.5);
                for t in from..=to {
                    let (x, y) = if horizontal { (t, fixed) } else { (fixed, t) };
                    ink(&mut cell, x, y, 255);
                    for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                        let edge = 30 + generator.byte() % 140;
                        ink(&mut cell, x + dx, y + dy, edge);
                    }
                }
            }
            cell
        })
        .collect()
}

/// Raises the coverage of one glyph-cell pixel to at least `value`.
fn ink(cell: &mut [u8], x: i32, y: i32, value: u8) {
    if (0..GLYPH as i32).contains(&x) && (0..GLYPH as i32).contains(&y) {
        let index = (y * GLYPH as i32 + x) as usize;
        if let Some(pixel) = cell.get_mut(index) {
            *pixel = (*pixel).max(value);
        }
    }
}

/// Draws one admin-screen mock-up.
fn draw(
    generator: &mut Gen,
    glyphs: &Glyphs,
    width: u32,
    height: u32,
    encoding: Encoding,
) -> RgbaImage {
    let background = Rgba([245, 246, 247, 255]);
    let mut img = RgbaImage::from_pixel(width, height, background);
    let accent = *generator.pick(&[
        Rgba([31, 111, 197, 255]),
        Rgba([43, 58, 85, 255]),
        Rgba([61, 139, 64, 255]),
        Rgba([224, 123, 0, 255]),
    ]);
    let white = Rgba([255, 255, 255, 255]);
    let dark = Rgba([51, 51, 51, 255]);
    let gray = Rgba([120, 120, 120, 255]);
    let line = Rgba([210, 210, 210, 255]);

    // Header bar with logo text and icons.
    fill(&mut img, 0, 0, width, 48, accent);
    text(&mut img, generator, glyphs, 16, 18, 6, white, 1);
    for k in 0..3 {
        fill(&mut img, width - 40 - k * 36, 14, 20, 20, white);
    }

    // Side menu with one selected entry.
    let side = 200.min(width / 4);
    fill(
        &mut img,
        0,
        48,
        side,
        height - 48,
        Rgba([234, 236, 240, 255]),
    );
    let entries = generator.range(8, 18) as u32;
    let selected = generator.range(0, entries as usize) as u32;
    for k in 0..entries {
        let y = 64 + k * 32;
        if y + 24 > height {
            break;
        }
        if k == selected {
            fill(&mut img, 0, y - 6, side, 28, Rgba([210, 225, 245, 255]));
        }
        let chars = generator.range(4, 10) as u32;
        text(&mut img, generator, glyphs, 20, y, chars, dark, 1);
    }

    // Content panel.
    let left = side + 20;
    let right = width.saturating_sub(20);
    let bottom = height.saturating_sub(20);
    fill(&mut img, left, 68, right - left, bottom - 68, white);
    frame(&mut img, left, 68, right - left, bottom - 68, line, 1);
    let chars = generator.range(6, 14) as u32;
    text(&mut img, generator, glyphs, left + 20, 88, chars, dark, 2);

    let mut y = 136;
    let mut highlight = None;
    while y + 120 < bottom {
        let top = y;
        match generator.range(0, 4) {
            0 => {
                // Form row: label and input box.
                let chars = generator.range(3, 8) as u32;
                text(
                    &mut img,
                    generator,
                    glyphs,
                    left + 20,
                    y + 8,
                    chars,
                    gray,
                    1,
                );
                fill(&mut img, left + 180, y, right - left - 220, 30, white);
                frame(&mut img, left + 180, y, right - left - 220, 30, line, 1);
                let chars = generator.range(5, 20) as u32;
                text(
                    &mut img,
                    generator,
                    glyphs,
                    left + 190,
                    y + 9,
                    chars,
                    dark,
                    1,
                );
                y += 48;
            }
            1 => {
                // Checkboxes.
                for k in 0..generator.range(2, 5) as u32 {
                    frame(&mut img, left + 20, y + k * 26, 14, 14, gray, 1);
                    if generator.chance(0.5) {
                        fill(&mut img, left + 23, y + k * 26 + 3, 8, 8, accent);
                    }
                    let chars = generator.range(6, 24) as u32;
                    text(
                        &mut img,
                        generator,
                        glyphs,
                        left + 44,
                        y + k * 26 + 1,
                        chars,
                        dark,
                        1,
                    );
                }
                y += 110;
            }
            2 => {
                // Table with header and grid.
                let rows = generator.range(3, 7) as u32;
                let cols = generator.range(3, 6) as u32;
                let table_width = right - left - 40;
                let col_width = table_width / cols;
                fill(
                    &mut img,
                    left + 20,
                    y,
                    table_width,
                    28,
                    Rgba([238, 240, 243, 255]),
                );
                for r in 0..=rows {
                    fill(&mut img, left + 20, y + r * 28, table_width, 1, line);
                    for c in 0..cols {
                        let chars = (generator.range(4, 16) as u32)
                            .min((col_width / ADVANCE).saturating_sub(1));
                        let color = if r == 0 { gray } else { dark };
                        text(
                            &mut img,
                            generator,
                            glyphs,
                            left + 28 + c * col_width,
                            y + r * 28 + 8,
                            chars,
                            color,
                            1,
                        );
                    }
                }
                y += (rows + 1) * 28 + 20;
            }
            _ => {
                // Paragraph of wrapped text.
                let per_line = (right - left - 40) / ADVANCE;
                for k in 0..generator.range(2, 4) as u32 {
                    let chars =
                        generator.range(per_line as usize / 2, per_line as usize + 1) as u32;
                    text(
                        &mut img,
                        generator,
                        glyphs,
                        left + 20,
                        y + k * 20,
                        chars,
                        dark,
                        1,
                    );
                }
                y += 76;
            }
        }
        if highlight.is_none() && generator.chance(0.3) {
            highlight = Some((top, y));
        }
    }

    // Buttons.
    let button_y = bottom.saturating_sub(56);
    fill(&mut img, left + 20, button_y, 120, 36, accent);
    text(
        &mut img,
        generator,
        glyphs,
        left + 54,
        button_y + 12,
        4,
        white,
        1,
    );
    fill(
        &mut img,
        left + 156,
        button_y,
        120,
        36,
        Rgba([225, 225, 225, 255]),
    );
    text(
        &mut img,
        generator,
        glyphs,
        left + 184,
        button_y + 12,
        5,
        dark,
        1,
    );

    // The red frame guides draw around what the step talks about.
    let (top, end) = highlight.unwrap_or((button_y, button_y + 36));
    frame(
        &mut img,
        left + 10,
        top.saturating_sub(6),
        right - left - 20,
        end - top + 4,
        Rgba([230, 0, 18, 255]),
        3,
    );

    match encoding {
        Encoding::Jpeg => add_capture_noise(generator, &mut img),
        Encoding::Rgba => round_corners(&mut img),
        Encoding::Rgb | Encoding::Gray => {}
    }
    img
}

/// Draws `chars` pseudo-glyphs from (x, y), scaled by `scale`, blended over
/// the picture.
#[allow(clippy::too_many_arguments)]
fn text(
    img: &mut RgbaImage,
    generator: &mut Gen,
    glyphs: &Glyphs,
    x: u32,
    y: u32,
    chars: u32,
    color: Rgba<u8>,
    scale: u32,
) {
    for k in 0..chars {
        let glyph = generator.pick(glyphs);
        let origin_x = x + k * ADVANCE * scale;
        for gy in 0..GLYPH * scale {
            for gx in 0..GLYPH * scale {
                let coverage = glyph[((gy / scale) * GLYPH + gx / scale) as usize];
                if coverage > 0 {
                    blend(img, origin_x + gx, y + gy, color, coverage);
                }
            }
        }
    }
}

/// Mixes `color` into one pixel with `coverage` (0–255); outside is ignored.
fn blend(img: &mut RgbaImage, x: u32, y: u32, color: Rgba<u8>, coverage: u8) {
    if let Some(pixel) = img.get_pixel_mut_checked(x, y) {
        // Sub-pixel rendering: edge pixels get slightly different coverage
        // per channel, as ClearType-style text in real screenshots does.
        let base = u32::from(coverage);
        for c in 0..3 {
            let a = if base == 255 {
                base
            } else {
                (base * (10 - c as u32 * 2) / 10).min(255)
            };
            let under = u32::from(pixel.0[c]);
            pixel.0[c] = ((u32::from(color.0[c]) * a + under * (255 - a)) / 255) as u8;
        }
    }
}

/// Fills a rectangle, clipped to the picture.
fn fill(img: &mut RgbaImage, x: u32, y: u32, width: u32, height: u32, color: Rgba<u8>) {
    let x_end = x.saturating_add(width).min(img.width());
    let y_end = y.saturating_add(height).min(img.height());
    for py in y..y_end {
        for px in x..x_end {
            img.put_pixel(px, py, color);
        }
    }
}

/// Draws a rectangle outline `thickness` pixels wide.
fn frame(
    img: &mut RgbaImage,
    x: u32,
    y: u32,
    width: u32,
    height: u32,
    color: Rgba<u8>,
    thickness: u32,
) {
    fill(img, x, y, width, thickness, color);
    fill(
        img,
        x,
        (y + height).saturating_sub(thickness),
        width,
        thickness,
        color,
    );
    fill(img, x, y, thickness, height, color);
    fill(
        img,
        (x + width).saturating_sub(thickness),
        y,
        thickness,
        height,
        color,
    );
}

/// Slight sensor-like noise and a vignette, as in a photographed or
/// re-compressed capture (what makes JPEGs of screens larger).
fn add_capture_noise(generator: &mut Gen, img: &mut RgbaImage) {
    let height = img.height().max(1);
    for (_, y, pixel) in img.enumerate_pixels_mut() {
        let shade = (y * 12 / height) as i32;
        let noise = i32::from(generator.byte() % 7) - 3;
        for c in 0..3 {
            pixel.0[c] = (i32::from(pixel.0[c]) - shade + noise).clamp(0, 255) as u8;
        }
    }
}

/// Transparent rounded corners and a soft transparent border.
fn round_corners(img: &mut RgbaImage) {
    let (width, height) = img.dimensions();
    let radius = 16i64;
    for (x, y, pixel) in img.enumerate_pixels_mut() {
        let dx = (radius - i64::from(x))
            .max(i64::from(x) - (i64::from(width) - 1 - radius))
            .max(0);
        let dy = (radius - i64::from(y))
            .max(i64::from(y) - (i64::from(height) - 1 - radius))
            .max(0);
        if dx * dx + dy * dy > radius * radius {
            pixel.0[3] = 0;
        }
    }
}

/// Encodes the picture in its pool format.
fn encode(img: &RgbaImage, encoding: Encoding) -> Vec<u8> {
    let mut out = Vec::new();
    let (width, height) = img.dimensions();
    let result = match encoding {
        Encoding::Jpeg => {
            let rgb = image::DynamicImage::ImageRgba8(img.clone()).into_rgb8();
            JpegEncoder::new_with_quality(&mut out, 85).write_image(
                rgb.as_raw(),
                width,
                height,
                ExtendedColorType::Rgb8,
            )
        }
        Encoding::Rgba => {
            png(&mut out).write_image(img.as_raw(), width, height, ExtendedColorType::Rgba8)
        }
        Encoding::Rgb => {
            let rgb = image::DynamicImage::ImageRgba8(img.clone()).into_rgb8();
            png(&mut out).write_image(rgb.as_raw(), width, height, ExtendedColorType::Rgb8)
        }
        Encoding::Gray => {
            let gray = image::DynamicImage::ImageRgba8(img.clone()).into_luma8();
            png(&mut out).write_image(gray.as_raw(), width, height, ExtendedColorType::L8)
        }
    };
    // Encoding into a Vec only fails on invalid dimensions, which `draw` never makes.
    result.expect("in-memory image encoding");
    out
}

/// The PNG encoder settings of the pool.
fn png(out: &mut Vec<u8>) -> PngEncoder<&mut Vec<u8>> {
    PngEncoder::new_with_quality(out, CompressionType::Default, FilterType::Adaptive)
}
