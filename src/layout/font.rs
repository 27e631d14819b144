//! Fonts for paged output: loads the regular, bold and monospace faces once,
//! keeps them parsed for shaping, and answers metric and coverage questions.
//!
//! Input: [`Assets`] (the site's `fonts/` over the embedded ones) and the
//! file names of the three faces ([`FontFiles`]). Output: a [`FontBook`]
//! shared read-only (it is `Sync`) by every paragraph of a build: the raw
//! bytes for the PDF writer, parsed rustybuzz faces for shaping and
//! [`FontMetrics`] read from the fonts' own tables.

use std::sync::Arc;

use crate::assets::{AssetError, Assets};

/// The job a face does in the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FontRole {
    /// Body text (proportional Latin, full-width Japanese).
    Regular,
    /// Strong emphasis and headings.
    Bold,
    /// Code: every glyph on a fixed grid.
    Mono,
}

/// A loaded face, an index into the [`FontBook`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontId(pub u16);

/// Errors loading the book's fonts.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    /// Neither the site nor tebiki has a font file of that name.
    #[error("font file {name} not found in the site's fonts/ or the embedded fonts")]
    Missing {
        /// The file name looked for.
        name: String,
    },
    /// The site's font file exists but cannot be read.
    #[error(transparent)]
    Read(#[from] AssetError),
    /// The bytes are not an OpenType/TrueType font (or the face index does
    /// not exist in a collection).
    #[error("font file {name} is not a usable OpenType font")]
    Parse {
        /// The file name.
        name: String,
    },
}

/// The file names of the three faces, looked up through [`Assets::font`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontFiles {
    /// Body text face.
    pub regular: String,
    /// Bold face.
    pub bold: String,
    /// Monospace face (also the first fallback for missing glyphs).
    pub mono: String,
}

impl Default for FontFiles {
    fn default() -> Self {
        FontFiles {
            regular: "BIZUDPGothic-Regular.ttf".to_owned(),
            bold: "BIZUDPGothic-Bold.ttf".to_owned(),
            mono: "BIZUDGothic-Regular.ttf".to_owned(),
        }
    }
}

/// Vertical and decoration metrics of a face, in font units (divide by
/// `units_per_em` and multiply by the size in pt; see [`FontMetrics::to_pt`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FontMetrics {
    /// Font units per em.
    pub units_per_em: u16,
    /// Ascender above the baseline (positive), from OS/2 typo metrics when
    /// the font asks for them, else `hhea`.
    pub ascender: i16,
    /// Descender below the baseline (negative).
    pub descender: i16,
    /// Extra gap between lines suggested by the font.
    pub line_gap: i16,
    /// Height of capital letters (OS/2), or the ascender when missing.
    pub cap_height: i16,
    /// Height of lowercase x (OS/2), or half the ascender when missing.
    pub x_height: i16,
    /// Underline position relative to the baseline (negative is below).
    pub underline_position: i16,
    /// Underline thickness.
    pub underline_thickness: i16,
    /// Strikeout position relative to the baseline (positive is above).
    pub strikeout_position: i16,
    /// Strikeout thickness.
    pub strikeout_thickness: i16,
}

impl FontMetrics {
    /// Converts a value in font units to pt at font size `size` (pt).
    pub fn to_pt(&self, units: i16, size: f32) -> f32 {
        f32::from(units) * size / f32::from(self.units_per_em.max(1))
    }
}

type HbFace<'a> = rustybuzz::Face<'a>;

self_cell::self_cell!(
    /// Font bytes together with the rustybuzz face parsed from them once.
    struct ParsedFace {
        owner: Arc<Vec<u8>>,
        #[covariant]
        dependent: HbFace,
    }
);

impl std::fmt::Debug for ParsedFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParsedFace")
            .field("bytes", &self.borrow_owner().len())
            .finish()
    }
}

/// One loaded face.
#[derive(Debug)]
struct Face {
    name: String,
    index: u32,
    parsed: ParsedFace,
    metrics: FontMetrics,
}

/// The faces of one build, parsed once.
#[derive(Debug)]
pub struct FontBook {
    faces: Vec<Face>,
    /// Face of each role: Regular, Bold, Mono.
    roles: [FontId; 3],
}

impl FontBook {
    /// Loads the default faces (BIZ UDPGothic regular and bold, BIZ UDGothic
    /// as monospace) from `assets`.
    pub fn load(assets: &Assets) -> Result<FontBook, FontError> {
        FontBook::load_files(assets, &FontFiles::default())
    }

    /// Loads the faces named in `files`; a file named twice is loaded once.
    pub fn load_files(assets: &Assets, files: &FontFiles) -> Result<FontBook, FontError> {
        let mut faces: Vec<Face> = Vec::with_capacity(3);
        let mut roles = [FontId(0); 3];
        for (slot, name) in [&files.regular, &files.bold, &files.mono]
            .into_iter()
            .enumerate()
        {
            let id = match faces.iter().position(|f| &f.name == name) {
                Some(found) => found,
                None => {
                    let bytes = assets
                        .font(name)?
                        .ok_or_else(|| FontError::Missing { name: name.clone() })?;
                    faces.push(Face::parse(name, bytes.into_owned(), 0)?);
                    faces.len() - 1
                }
            };
            if let Some(role) = roles.get_mut(slot) {
                *role = FontId(u16::try_from(id).unwrap_or(0));
            }
        }
        Ok(FontBook { faces, roles })
    }

    /// Builds a book from font bytes directly (regular, bold, mono), for
    /// tests and tools that do not go through [`Assets`].
    pub fn from_bytes(
        regular: Vec<u8>,
        bold: Vec<u8>,
        mono: Vec<u8>,
    ) -> Result<FontBook, FontError> {
        let faces = vec![
            Face::parse("regular", regular, 0)?,
            Face::parse("bold", bold, 0)?,
            Face::parse("mono", mono, 0)?,
        ];
        Ok(FontBook {
            faces,
            roles: [FontId(0), FontId(1), FontId(2)],
        })
    }

    /// The face that plays `role`.
    pub fn font(&self, role: FontRole) -> FontId {
        match role {
            FontRole::Regular => self.roles[0],
            FontRole::Bold => self.roles[1],
            FontRole::Mono => self.roles[2],
        }
    }

    /// The font file bytes and face index (for the PDF writer, e.g.
    /// `krilla::text::Font::new(data.into(), index)`).
    ///
    /// An unknown id falls back to the regular face.
    pub fn data(&self, id: FontId) -> (Arc<Vec<u8>>, u32) {
        let face = self.face(id);
        (Arc::clone(face.parsed.borrow_owner()), face.index)
    }

    /// Metrics of a face, from its own tables.
    pub fn metrics(&self, id: FontId) -> FontMetrics {
        self.face(id).metrics
    }

    /// The file name a face was loaded from (for messages).
    pub fn name(&self, id: FontId) -> &str {
        &self.face(id).name
    }

    /// Every loaded face, in id order.
    pub fn ids(&self) -> impl Iterator<Item = FontId> + '_ {
        (0..self.faces.len()).map(|i| FontId(u16::try_from(i).unwrap_or(0)))
    }

    /// Whether the face has a glyph for `c`.
    pub fn has_glyph(&self, id: FontId, c: char) -> bool {
        self.hb_face(id).glyph_index(c).is_some()
    }

    /// Whether the face draws `c`: it maps `c` to a glyph that has an
    /// outline (a truncated file may keep its `cmap` but lose its outlines).
    pub(crate) fn draws(&self, id: FontId, c: char) -> bool {
        let face = self.hb_face(id);
        face.glyph_index(c)
            .is_some_and(|glyph| face.glyph_bounding_box(glyph).is_some())
    }

    /// The faces to try, in order, for text whose style asks for `role`:
    /// the role's face, then the regular face, then the monospace face.
    pub(crate) fn fallback_chain(&self, role: FontRole) -> [FontId; 3] {
        [
            self.font(role),
            self.font(FontRole::Regular),
            self.font(FontRole::Mono),
        ]
    }

    /// The parsed rustybuzz face for shaping.
    pub(crate) fn hb_face(&self, id: FontId) -> &rustybuzz::Face<'_> {
        self.face(id).parsed.borrow_dependent()
    }

    fn face(&self, id: FontId) -> &Face {
        // `faces` is never empty: every constructor pushes three faces.
        self.faces
            .get(usize::from(id.0))
            .unwrap_or_else(|| &self.faces[0])
    }
}

impl Face {
    fn parse(name: &str, bytes: Vec<u8>, index: u32) -> Result<Face, FontError> {
        let parsed = ParsedFace::try_new(Arc::new(bytes), |data| {
            rustybuzz::Face::from_slice(data, index).ok_or(())
        })
        .map_err(|()| FontError::Parse {
            name: name.to_owned(),
        })?;
        let metrics = read_metrics(parsed.borrow_dependent());
        Ok(Face {
            name: name.to_owned(),
            index,
            parsed,
            metrics,
        })
    }
}

/// Reads [`FontMetrics`] from a parsed face.
fn read_metrics(face: &rustybuzz::Face<'_>) -> FontMetrics {
    let ascender = face.ascender();
    let underline = face.underline_metrics();
    let strikeout = face.strikeout_metrics();
    let upm = u16::try_from(face.units_per_em()).unwrap_or(1000).max(16);
    FontMetrics {
        units_per_em: upm,
        ascender,
        descender: face.descender(),
        line_gap: face.line_gap(),
        cap_height: face.capital_height().unwrap_or(ascender),
        x_height: face.x_height().unwrap_or(ascender / 2),
        underline_position: underline.map_or(-(upm as i16) / 10, |m| m.position),
        underline_thickness: underline.map_or((upm / 20) as i16, |m| m.thickness),
        strikeout_position: strikeout.map_or((upm / 4) as i16, |m| m.position),
        strikeout_thickness: strikeout.map_or((upm / 20) as i16, |m| m.thickness),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::ImageStore;

    pub(crate) fn book() -> FontBook {
        FontBook::load(&Assets::embedded(ImageStore::default())).expect("embedded fonts load")
    }

    #[test]
    fn loads_three_distinct_faces_with_metrics() {
        let book = book();
        let ids: Vec<_> = book.ids().collect();
        assert_eq!(ids.len(), 3);
        for id in ids {
            let m = book.metrics(id);
            assert!(m.units_per_em >= 16);
            assert!(m.ascender > 0 && m.descender < 0, "{m:?}");
            assert!(book.has_glyph(id, 'あ'));
            assert!(!book.data(id).0.is_empty());
        }
        assert_ne!(book.font(FontRole::Regular), book.font(FontRole::Bold));
        assert_ne!(book.font(FontRole::Regular), book.font(FontRole::Mono));
    }

    #[test]
    fn missing_file_is_an_error() {
        let files = FontFiles {
            regular: "no-such-font.ttf".into(),
            ..FontFiles::default()
        };
        let err = FontBook::load_files(&Assets::embedded(ImageStore::default()), &files)
            .expect_err("missing font");
        assert!(err.to_string().contains("no-such-font.ttf"));
    }

    #[test]
    fn garbage_bytes_are_a_parse_error() {
        let err = FontBook::from_bytes(vec![0; 10], vec![], vec![]).expect_err("garbage");
        assert!(matches!(err, FontError::Parse { .. }));
    }
}
