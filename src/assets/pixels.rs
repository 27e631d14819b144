//! A PNG's PDF image made from the pixels the image check already decoded,
//! so each PNG file is decoded once per build instead of twice (once by
//! [`super::images::ImageStore::load`]'s check, once by krilla's
//! `Image::from_png`).
//!
//! Input: the decoded pixels of a PNG file (8-bit grey or RGB, with or
//! without alpha) and the file's bytes. Output: a krilla [`Image`] whose
//! colour and alpha channels krilla deflates once in rayon's pool (the
//! pixels are dropped as soon as they are deflated), or `None` where only
//! krilla's own PNG path writes the bytes it has always written (an ICC
//! profile, 16-bit samples, an alpha channel that is opaque everywhere):
//! the caller then leaves the image to `pdf::images`, as before.
//!
//! The image written is the one `Image::from_png` writes: the same samples
//! (the `image` crate expands palettes, low bit depths and `tRNS` as the
//! `png` crate's `EXPAND` does for krilla), the colour channel apart from
//! the alpha channel, both deflated by krilla, and interpolation on.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use image::DynamicImage;
use krilla::image::{BitsPerComponent, CustomImage, Image, ImageColorspace};

/// Decoded 8-bit samples as krilla's `CustomImage`: cheap to clone and to
/// hash (by the file's bytes, as `Image::from_png` hashes its image).
#[derive(Clone)]
struct Pixels {
    color: Arc<Vec<u8>>,
    alpha: Option<Arc<Vec<u8>>>,
    size: (u32, u32),
    space: ImageColorspace,
    file: Arc<[u8]>,
}

impl Hash for Pixels {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.file.hash(state);
    }
}

impl CustomImage for Pixels {
    fn color_channel(&self) -> &[u8] {
        &self.color
    }

    fn alpha_channel(&self) -> Option<&[u8]> {
        self.alpha.as_ref().map(|a| a.as_slice())
    }

    fn bits_per_component(&self) -> BitsPerComponent {
        BitsPerComponent::Eight
    }

    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn icc_profile(&self) -> Option<&[u8]> {
        None
    }

    fn color_space(&self) -> ImageColorspace {
        self.space
    }
}

/// The PDF image of a PNG file from its decoded pixels (`file`: the file's
/// bytes; `has_icc`: the file carries an ICC profile), or `None` when the
/// pixels are of a kind only krilla's PNG decoder writes identically.
pub(crate) fn png_image(decoded: DynamicImage, file: &Arc<[u8]>, has_icc: bool) -> Option<Image> {
    if has_icc {
        return None;
    }
    let size = (decoded.width(), decoded.height());
    let (space, color, alpha) = match decoded {
        DynamicImage::ImageRgb8(buffer) => (ImageColorspace::Rgb, buffer.into_raw(), None),
        DynamicImage::ImageLuma8(buffer) => (ImageColorspace::Luma, buffer.into_raw(), None),
        DynamicImage::ImageRgba8(buffer) => {
            let (color, alpha) = split_alpha(buffer.as_raw(), 4)?;
            (ImageColorspace::Rgb, color, Some(alpha))
        }
        DynamicImage::ImageLumaA8(buffer) => {
            let (color, alpha) = split_alpha(buffer.as_raw(), 2)?;
            (ImageColorspace::Luma, color, Some(alpha))
        }
        _ => return None,
    };
    let pixels = Pixels {
        color: Arc::new(color),
        alpha: alpha.map(Arc::new),
        size,
        space,
        file: Arc::clone(file),
    };
    Image::from_custom(pixels, true).ok()
}

/// Interleaved samples of `channels` bytes, the last one alpha → (colour,
/// alpha); `None` when every pixel is opaque (krilla's PNG path then
/// writes no soft mask, but still counts one in its object numbers).
fn split_alpha(samples: &[u8], channels: usize) -> Option<(Vec<u8>, Vec<u8>)> {
    let pixels = samples.chunks_exact(channels);
    if pixels.clone().all(|p| p.last() == Some(&255)) {
        return None;
    }
    let mut color = Vec::with_capacity(samples.len() / channels * (channels - 1));
    let mut alpha = Vec::with_capacity(samples.len() / channels);
    for pixel in pixels {
        if let Some((a, c)) = pixel.split_last() {
            color.extend_from_slice(c);
            alpha.push(*a);
        }
    }
    Some((color, alpha))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Luma, LumaA, Rgb, Rgba};

    fn file() -> Arc<[u8]> {
        Arc::from(&b"not read"[..])
    }

    #[test]
    fn eight_bit_pixels_become_a_custom_image_of_their_size() {
        let rgb = DynamicImage::ImageRgb8(ImageBuffer::from_pixel(30, 20, Rgb([1, 2, 3])));
        let image = png_image(rgb, &file(), false);
        assert_eq!(image.map(|i| i.size()), Some((30, 20)));
        let grey = DynamicImage::ImageLuma8(ImageBuffer::from_pixel(7, 9, Luma([5])));
        assert_eq!(
            png_image(grey, &file(), false).map(|i| i.size()),
            Some((7, 9))
        );
    }

    #[test]
    fn alpha_is_split_from_colour_and_opaque_alpha_is_left_to_krilla() {
        let samples = [10, 20, 30, 0, 40, 50, 60, 255];
        let (color, alpha) = split_alpha(&samples, 4).unwrap();
        assert_eq!((color, alpha), (vec![10, 20, 30, 40, 50, 60], vec![0, 255]));
        assert_eq!(split_alpha(&[9, 255, 8, 255], 2), None);
        let clear = DynamicImage::ImageRgba8(ImageBuffer::from_fn(4, 4, |x, _| {
            Rgba([0, 0, 0, if x == 0 { 0 } else { 255 }])
        }));
        assert_eq!(
            png_image(clear, &file(), false).map(|i| i.size()),
            Some((4, 4))
        );
        let opaque = DynamicImage::ImageLumaA8(ImageBuffer::from_pixel(4, 4, LumaA([3, 255])));
        assert!(png_image(opaque, &file(), false).is_none());
    }

    #[test]
    fn icc_profiles_and_deep_samples_are_left_to_krilla() {
        let rgb = DynamicImage::ImageRgb8(ImageBuffer::new(2, 2));
        assert!(png_image(rgb, &file(), true).is_none());
        let deep = DynamicImage::ImageRgb16(ImageBuffer::new(2, 2));
        assert!(png_image(deep, &file(), false).is_none());
    }
}
