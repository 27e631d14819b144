//! Fonts for paged output: loads the regular, bold and monospace faces and
//! the fallback chain once, keeps them parsed for shaping, and answers
//! metric and coverage questions.
//!
//! Input: [`Assets`] (the site's `fonts/` over the embedded ones, or paths
//! inside the site) and the files a region names ([`FontFiles`], from the
//! model's [`FontChoice`]). A file that does not parse, or whose tables run
//! past its end (truncated), is a [`FontError`]. Output: a [`FontBook`]
//! shared read-only (it is `Sync`) by every paragraph of a build: the raw
//! bytes for the PDF writer, parsed harfrust fonts for shaping and
//! [`FontMetrics`] read from the fonts' own tables.

use harfrust::font::{Blob, Kind};

use crate::assets::{AssetError, Assets, FontBytes};
use crate::model::FontChoice;

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
        /// The file name (or site path) looked for.
        name: String,
    },
    /// The site's font file exists but cannot be read.
    #[error(transparent)]
    Read(#[from] AssetError),
    /// The bytes are not an OpenType/TrueType font, a table lies past the
    /// end of the file (truncated), or the face index does not exist in a
    /// collection.
    #[error("font file {name} is not a usable OpenType font")]
    Parse {
        /// The file name (or site path).
        name: String,
    },
}

/// Bundled fonts tried after every configured face, in this order: the
/// JIS X 0213 and symbol gap of the body faces (see `fonts/README.md`).
pub const BUNDLED_FALLBACKS: [&str; 2] =
    ["TebikiFallbackJP-Regular.otf", "TebikiSymbols-Regular.ttf"];

/// The file names of the three faces and the fallback chain, looked up
/// through [`Assets::font_value`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontFiles {
    /// Body text face.
    pub regular: String,
    /// Bold face.
    pub bold: String,
    /// Monospace face.
    pub mono: String,
    /// Faces tried in order for a character the style's face lacks (the
    /// bundled fallbacks come after them).
    pub fallback: Vec<String>,
}

impl Default for FontFiles {
    fn default() -> Self {
        FontFiles {
            regular: "BIZUDPGothic-Regular.ttf".to_owned(),
            bold: "BIZUDPGothic-Bold.ttf".to_owned(),
            mono: "BIZUDGothic-Regular.ttf".to_owned(),
            fallback: Vec::new(),
        }
    }
}

impl FontFiles {
    /// The files of a region's [`FontChoice`]: each key it sets, else the
    /// bundled default.
    pub fn for_choice(choice: &FontChoice) -> FontFiles {
        let default = FontFiles::default();
        FontFiles {
            regular: choice.body.clone().unwrap_or(default.regular),
            bold: choice.bold.clone().unwrap_or(default.bold),
            mono: choice.monospace.clone().unwrap_or(default.mono),
            fallback: choice.fallback.clone(),
        }
    }

    /// Every file to load, each once: body, bold, monospace, the configured
    /// fallbacks, the bundled body, bold and monospace faces (the bundled
    /// face of a style is tried when the chosen faces lack a character, so
    /// bold text stays bold), then the bundled fallbacks.
    pub fn all(&self) -> Vec<String> {
        let default = FontFiles::default();
        let mut out: Vec<String> = Vec::new();
        let named = [&self.regular, &self.bold, &self.mono]
            .into_iter()
            .chain(&self.fallback)
            .chain([&default.regular, &default.bold, &default.mono])
            .cloned()
            .chain(BUNDLED_FALLBACKS.iter().map(|s| (*s).to_owned()));
        for name in named {
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
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

/// One loaded face.
#[derive(Clone)]
struct Face {
    name: String,
    index: u32,
    /// The file's bytes, shared with `font` and handed to the PDF writer.
    bytes: FontBytes,
    /// The parsed font, for shaping and glyph lookups.
    font: harfrust::Font,
    metrics: FontMetrics,
}

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Face")
            .field("name", &self.name)
            .field("index", &self.index)
            .field("bytes", &self.bytes.len())
            .field("metrics", &self.metrics)
            .finish()
    }
}

/// The faces of one build, parsed once.
#[derive(Debug)]
pub struct FontBook {
    faces: Vec<Face>,
    /// Face of each role: Regular, Bold, Mono.
    roles: [FontId; 3],
    /// The fallback chain after the role faces: configured, then bundled.
    fallbacks: Vec<FontId>,
    /// The bundled face of each role (Regular, Bold, Mono), tried after the
    /// chosen faces and the configured fallbacks.
    bundled: [FontId; 3],
    /// Whether the regular and monospace faces are the bundled pair of one
    /// design (full-width punctuation is then set from the monospace one).
    sibling_mono: bool,
    /// [`FontBook::fingerprint`], computed on first use.
    fingerprint: std::sync::OnceLock<u64>,
}

impl FontBook {
    /// Loads the default faces (BIZ UDPGothic regular and bold, BIZ UDGothic
    /// as monospace, the bundled fallbacks) from `assets`.
    pub fn load(assets: &Assets) -> Result<FontBook, FontError> {
        FontBook::load_files(assets, &FontFiles::default())
    }

    /// Loads the faces a region names (`[fonts]`, `[regions.R.fonts]`).
    pub fn for_choice(assets: &Assets, choice: &FontChoice) -> Result<FontBook, FontError> {
        FontBook::load_files(assets, &FontFiles::for_choice(choice))
    }

    /// Loads the faces named in `files`; a file named twice is loaded once.
    pub fn load_files(assets: &Assets, files: &FontFiles) -> Result<FontBook, FontError> {
        let names = files.all();
        let mut faces: Vec<Face> = Vec::with_capacity(names.len());
        for name in &names {
            let bytes = assets
                .shared_font_value(name)?
                .ok_or_else(|| FontError::Missing { name: name.clone() })?;
            faces.push(Face::parse_shared(name, bytes, 0)?);
        }
        let id_of = |name: &String| {
            FontId(u16::try_from(names.iter().position(|n| n == name).unwrap_or(0)).unwrap_or(0))
        };
        let roles = [
            id_of(&files.regular),
            id_of(&files.bold),
            id_of(&files.mono),
        ];
        let fallbacks = files
            .fallback
            .iter()
            .cloned()
            .chain(BUNDLED_FALLBACKS.iter().map(|s| (*s).to_owned()))
            .map(|n| id_of(&n))
            .collect();
        let default = FontFiles::default();
        let bundled = [
            id_of(&default.regular),
            id_of(&default.bold),
            id_of(&default.mono),
        ];
        Ok(FontBook {
            faces,
            roles,
            fallbacks,
            bundled,
            sibling_mono: files.regular == default.regular && files.mono == default.mono,
            fingerprint: std::sync::OnceLock::new(),
        })
    }

    /// Builds a book from font bytes directly (regular, bold, mono; no
    /// fallbacks), for tests and tools that do not go through [`Assets`].
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
            fallbacks: Vec::new(),
            bundled: [FontId(0), FontId(1), FontId(2)],
            sibling_mono: true,
            fingerprint: std::sync::OnceLock::new(),
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
    pub fn data(&self, id: FontId) -> (FontBytes, u32) {
        let face = self.face(id);
        (face.bytes.clone(), face.index)
    }

    /// Metrics of a face, from its own tables.
    pub fn metrics(&self, id: FontId) -> FontMetrics {
        self.face(id).metrics
    }

    /// The file name a face was loaded from (for messages).
    pub fn name(&self, id: FontId) -> &str {
        &self.face(id).name
    }

    /// A fingerprint of everything layout reads from this book: the bytes
    /// (by their SHA-256, [`FontBytes::digest`]) and face index of every
    /// face in id order, the roles, the fallback
    /// chain and the sibling flag. Two books with equal fingerprints lay
    /// text out alike (same glyphs, same `FontId`s), whatever the paths the
    /// bytes came from; `inline::LayoutCache` keys on it. Hashed once, on
    /// first use.
    pub fn fingerprint(&self) -> u64 {
        *self.fingerprint.get_or_init(|| {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            for face in &self.faces {
                face.index.hash(&mut hasher);
                face.bytes.digest().hash(&mut hasher);
            }
            self.roles.hash(&mut hasher);
            self.fallbacks.hash(&mut hasher);
            self.bundled.hash(&mut hasher);
            self.sibling_mono.hash(&mut hasher);
            hasher.finish()
        })
    }

    /// Every loaded face, in id order.
    pub fn ids(&self) -> impl Iterator<Item = FontId> + '_ {
        (0..self.faces.len()).map(|i| FontId(u16::try_from(i).unwrap_or(0)))
    }

    /// Whether the face has a glyph for `c`.
    pub fn has_glyph(&self, id: FontId, c: char) -> bool {
        self.glyph_index(id, c).is_some()
    }

    /// The face's glyph for `c` from its character map (`None` when
    /// unmapped, mapped to `.notdef`, or beyond 16-bit glyph ids).
    pub(crate) fn glyph_index(&self, id: FontId, c: char) -> Option<u16> {
        let glyph = self.face(id).font.charmap().map_unicode(c)?;
        u16::try_from(glyph.to_u32()).ok()
    }

    /// Whether the face draws `c`: it maps `c` to a glyph that has an
    /// outline (a truncated file may keep its `cmap` but lose its outlines).
    pub(crate) fn draws(&self, id: FontId, c: char) -> bool {
        let font = &self.face(id).font;
        font.charmap()
            .map_unicode(c)
            .and_then(|glyph| font.glyph_metrics().extents(glyph))
            .is_some_and(|ink| ink.width != 0.0 || ink.height != 0.0)
    }

    /// The faces to try, in order, for text whose style asks for `role`,
    /// each once; every face of the book is in every chain:
    ///
    /// - regular: body, configured fallbacks, bundled body, bundled
    ///   fallbacks, monospace, bundled monospace, bold, bundled bold;
    /// - bold: bold, bundled bold, then the regular chain (bold text takes
    ///   a bold face when there is one);
    /// - monospace: monospace, bundled monospace, then the regular chain.
    pub(crate) fn fallback_chain(&self, role: FontRole) -> Vec<FontId> {
        let [b_regular, b_bold, b_mono] = self.bundled;
        let regular = [self.font(FontRole::Regular)]
            .into_iter()
            .chain(
                self.fallbacks
                    .iter()
                    .copied()
                    .take(self.configured_fallbacks()),
            )
            .chain([b_regular])
            .chain(
                self.fallbacks
                    .iter()
                    .copied()
                    .skip(self.configured_fallbacks()),
            )
            .chain([
                self.font(FontRole::Mono),
                b_mono,
                self.font(FontRole::Bold),
                b_bold,
            ]);
        let first: Vec<FontId> = match role {
            FontRole::Regular => Vec::new(),
            FontRole::Bold => vec![self.font(FontRole::Bold), b_bold],
            FontRole::Mono => vec![self.font(FontRole::Mono), b_mono],
        };
        let mut chain: Vec<FontId> = Vec::with_capacity(self.faces.len());
        for id in first.into_iter().chain(regular).chain(self.ids()) {
            if !chain.contains(&id) {
                chain.push(id);
            }
        }
        chain
    }

    /// How many of `fallbacks` the region configured (the rest are bundled).
    fn configured_fallbacks(&self) -> usize {
        self.fallbacks.len().saturating_sub(BUNDLED_FALLBACKS.len())
    }

    /// The face full-width punctuation of regular text is taken from: the
    /// monospace face when it is the regular face's fixed-width sibling
    /// (BIZ UDGothic beside BIZ UDPGothic), else none.
    pub(crate) fn punctuation_face(&self) -> Option<FontId> {
        self.sibling_mono.then(|| self.font(FontRole::Mono))
    }

    /// Whether some face of the book draws `c` (the coverage check).
    pub fn covers(&self, c: char) -> bool {
        self.ids().any(|id| self.has_glyph(id, c))
    }

    /// The parsed font for shaping (`harfrust::ShaperFont::new`).
    pub(crate) fn shaping_font(&self, id: FontId) -> &harfrust::Font {
        &self.face(id).font
    }

    fn face(&self, id: FontId) -> &Face {
        // `faces` is never empty: every constructor pushes three faces.
        self.faces
            .get(usize::from(id.0))
            .unwrap_or_else(|| &self.faces[0])
    }
}

impl Face {
    /// Parses `bytes` as face `index` of an OpenType/TrueType file (or
    /// collection). Type 1 and bare CFF data, which the PDF writer cannot
    /// embed, and files without the `head`, `hhea` and `maxp` tables every
    /// face needs are refused.
    fn parse(name: &str, bytes: Vec<u8>, index: u32) -> Result<Face, FontError> {
        Face::parse_shared(name, FontBytes::from_vec(bytes), index)
    }

    /// [`Face::parse`] of bytes shared with other font books of the build.
    fn parse_shared(name: &str, bytes: FontBytes, index: u32) -> Result<Face, FontError> {
        let font = parse_font(&bytes, index).ok_or_else(|| FontError::Parse {
            name: name.to_owned(),
        })?;
        let metrics = read_metrics(&font);
        Ok(Face {
            name: name.to_owned(),
            index,
            bytes,
            font,
            metrics,
        })
    }
}

/// Whether `bytes` hold an OpenType/TrueType face tebiki can load (the
/// check [`FontBook`] makes), for options that name a font file.
pub(crate) fn is_usable_font(bytes: &FontBytes) -> bool {
    parse_font(bytes, 0).is_some()
}

/// Parses face `index` of `bytes`, sharing them: an SFNT with the `head`,
/// `hhea` and `maxp` tables every face needs.
fn parse_font(bytes: &FontBytes, index: u32) -> Option<harfrust::Font> {
    if !tables_in_bounds(bytes, index) {
        return None;
    }
    harfrust::Font::new(Blob::from(bytes.shared()), index)
        .filter(|font| matches!(font.kind(), Kind::Sfnt(..)))
        .filter(|font| {
            let m = font.metrics();
            m.raw_units_per_em != 0 && m.hhea_line.is_some() && m.num_glyphs > 0
        })
}

/// Whether every table the face's directory lists lies inside the file: a
/// truncated file keeps its directory but loses the tables at its end.
/// Reads the SFNT table directory (OpenType spec, "Organization of an
/// OpenType Font"); a collection (`ttcf`) is followed to face `index`.
fn tables_in_bounds(bytes: &[u8], index: u32) -> bool {
    let u32_at = |at: usize| -> Option<u32> {
        let b = bytes.get(at..at.checked_add(4)?)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b = bytes.get(at..at.checked_add(2)?)?;
        Some(u16::from_be_bytes([b[0], b[1]]))
    };
    let check = || -> Option<bool> {
        let mut start = 0usize;
        if bytes.get(..4) == Some(b"ttcf".as_slice()) {
            let faces = u32_at(8)?;
            if index >= faces {
                return Some(false);
            }
            start = usize::try_from(u32_at(12 + 4 * usize::try_from(index).ok()?)?).ok()?;
        }
        let tables = usize::from(u16_at(start + 4)?);
        for i in 0..tables {
            let record = start + 12 + 16 * i;
            let offset = u64::from(u32_at(record + 8)?);
            let length = u64::from(u32_at(record + 12)?);
            if offset + length > bytes.len() as u64 {
                return Some(false);
            }
        }
        Some(tables > 0)
    };
    check().unwrap_or(false)
}

/// Reads [`FontMetrics`] from a parsed face: the line from OS/2 typo
/// metrics when the font asks for them, else `hhea` (HarfBuzz's rule),
/// cap and x height from OS/2, underline from `post`, strikeout from OS/2.
fn read_metrics(font: &harfrust::Font) -> FontMetrics {
    // The tables store 16-bit values; at the default location nothing is
    // added to them, so this only narrows the type.
    let to_units =
        |value: i64| -> i16 { value.clamp(i64::from(i16::MIN), i64::from(i16::MAX)) as i16 };
    let global = font.metrics();
    let style = font.style_metrics();
    let upm = global.units_per_em.max(16);
    let line = global.h_line().unwrap_or_default();
    let ascender = to_units(line.ascender.to_i64());
    let underline = style.underline;
    let strikeout = style.strike_through;
    FontMetrics {
        units_per_em: upm,
        ascender,
        descender: to_units(line.descender.to_i64()),
        line_gap: to_units(line.line_gap.to_i64()),
        cap_height: global.cap_height.map_or(ascender, |v| to_units(v.to_i64())),
        x_height: global
            .x_height
            .map_or(ascender / 2, |v| to_units(v.to_i64())),
        underline_position: underline.map_or(-(upm as i16) / 10, |m| to_units(m.position.to_i64())),
        underline_thickness: underline
            .map_or((upm / 20) as i16, |m| to_units(m.thickness.to_i64())),
        strikeout_position: strikeout.map_or((upm / 4) as i16, |m| to_units(m.position.to_i64())),
        strikeout_thickness: strikeout
            .map_or((upm / 20) as i16, |m| to_units(m.thickness.to_i64())),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::assets::ImageStore;

    pub(crate) fn book() -> FontBook {
        FontBook::load(&Assets::embedded(ImageStore::default())).expect("embedded fonts load")
    }

    #[test]
    fn font_books_of_one_build_share_the_font_files() {
        let assets = Assets::embedded(ImageStore::default());
        let first = FontBook::load_files(&assets, &FontFiles::default()).unwrap();
        let second = FontBook::load_files(&assets, &FontFiles::default()).unwrap();
        for id in first.ids() {
            assert_eq!(first.data(id).0.as_ptr(), second.data(id).0.as_ptr());
        }
    }

    #[test]
    fn loads_three_distinct_faces_with_metrics() {
        let book = book();
        let ids: Vec<_> = book.ids().collect();
        assert_eq!(ids.len(), 3 + BUNDLED_FALLBACKS.len());
        for id in ids {
            let m = book.metrics(id);
            assert!(m.units_per_em >= 16);
            assert!(m.ascender > 0 && m.descender < 0, "{m:?}");
            assert!(
                ['あ', '𠮷', '✔', '⇧'].iter().any(|&c| book.draws(id, c)),
                "{} draws none of the samples",
                book.name(id)
            );
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
    fn truncated_file_is_a_parse_error() {
        let assets = Assets::embedded(ImageStore::default());
        let Ok(Some(full)) = assets.font_bytes("BIZUDGothic-Regular.ttf") else {
            panic!("embedded font");
        };
        let cut = full[..full.len() / 2].to_vec();
        assert!(!is_usable_font(&FontBytes::from_vec(cut.clone())));
        assert!(is_usable_font(&full));
        let err = FontBook::from_bytes(cut, full.to_vec(), full.to_vec()).expect_err("truncated");
        assert!(matches!(err, FontError::Parse { ref name } if name == "regular"));
    }

    #[test]
    fn every_face_is_in_every_chain() {
        let book = book();
        for role in [FontRole::Regular, FontRole::Bold, FontRole::Mono] {
            let chain = book.fallback_chain(role);
            assert_eq!(chain[0], book.font(role));
            assert_eq!(chain.len(), book.ids().count());
        }
        // The bundled fallbacks fill the body faces' gaps.
        for c in ['𠮷', '髙', '①', '⑳', '✔', '✓', '✗', '→'] {
            assert!(book.covers(c), "{c} in no bundled font");
        }
    }

    #[test]
    fn chosen_faces_come_first_and_bold_stays_bold() {
        let choice = FontChoice {
            body: Some("TebikiFallbackJP-Regular.otf".into()),
            bold: Some("TebikiSymbols-Regular.ttf".into()),
            ..FontChoice::default()
        };
        let book = FontBook::for_choice(&Assets::embedded(ImageStore::default()), &choice)
            .expect("bundled fonts load");
        let names = |role| -> Vec<String> {
            book.fallback_chain(role)
                .into_iter()
                .map(|id| book.name(id).to_owned())
                .collect()
        };
        assert_eq!(
            names(FontRole::Bold)[..4],
            [
                "TebikiSymbols-Regular.ttf",
                "BIZUDPGothic-Bold.ttf",
                "TebikiFallbackJP-Regular.otf",
                "BIZUDPGothic-Regular.ttf"
            ]
        );
        assert_eq!(
            names(FontRole::Regular)[..2],
            ["TebikiFallbackJP-Regular.otf", "BIZUDPGothic-Regular.ttf"]
        );
        assert_eq!(book.punctuation_face(), None);
        assert_eq!(names(FontRole::Regular).len(), book.ids().count());
    }

    #[test]
    fn garbage_bytes_are_a_parse_error() {
        let err = FontBook::from_bytes(vec![0; 10], vec![], vec![]).expect_err("garbage");
        assert!(matches!(err, FontError::Parse { .. }));
    }
}
