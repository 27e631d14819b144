//! Shaping: splits a paragraph into runs of one style, one face and one
//! script group, shapes each with harfrust (through a cache) and returns
//! the paragraph's glyphs in pt.
//!
//! Input: [`Collected`] text and the [`FontBook`]. Output: one [`Glyph`] per
//! shaped glyph (and one per inline object: not shaped, as wide as the
//! object, classed as an ideographic character), in text order, each with its cluster's byte range in the
//! paragraph text and its JLREQ class. A character missing from the style's
//! face is taken from the first face of the fallback chain that has it
//! (the style's face, the region's `[fonts].fallback`, the bundled faces
//! and fallbacks; `FontBook::fallback_chain`); only a
//! character in no face (reported before layout by the driver's coverage
//! check) is drawn as `.notdef`.
//!
//! Shaped runs are cached size-independently (font units) by face, text and
//! feature set in the [`ShapeCache`], which is shared by all paragraphs and
//! threads.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use harfrust::{Buffer, Language, ShapeOptions, ShaperFont};

use super::classes::{CharClass, class_of, is_wide};
use super::collect::{Collected, OBJECT_CHAR};
use crate::layout::font::{FontBook, FontId, FontRole};

/// Adjustability of a glyph (set by `adjust`), in pt.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Spacing {
    /// Blank at the glyph's left (opening brackets, middle dots), part of
    /// `Glyph::advance` (and of `x_offset` when the face's glyph is
    /// narrower), after the fixed compression of adjacent marks.
    pub lead: f32,
    /// How much of `lead` may be squeezed mid-line, and at which level.
    pub lead_shrink: f32,
    /// Blank at the glyph's right (closing brackets, 、。, middle dots),
    /// part of `Glyph::advance`, after the fixed compression.
    pub trail: f32,
    /// How much of `trail` may be squeezed mid-line.
    pub trail_shrink: f32,
    /// Squeeze level of lead/trail (see [`ShrinkLevel`]).
    pub punct_level: ShrinkLevel,
    /// Extra space before the glyph (Japanese–Latin space, the space after
    /// ？！); dropped at a line start.
    pub glue: f32,
    /// How much of `glue` may be squeezed (Japanese–Latin space).
    pub glue_shrink: f32,
    /// How much `glue` may grow in the first stretch rounds.
    pub glue_stretch: f32,
    /// Squeeze/stretch of the glyph's own advance (word spaces).
    pub space_shrink: f32,
    /// Stretch of the glyph's own advance (word spaces).
    pub space_stretch: f32,
    /// The glyph is a space standing for Japanese–Latin spacing: its
    /// shrink/stretch count at the Japanese–Latin level.
    pub jl_space: bool,
}

/// Squeeze levels in JLREQ §3.8 order (after word spaces, which come
/// first and are kept in `space_shrink`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum ShrinkLevel {
    /// Not squeezable mid-line.
    #[default]
    None,
    /// Quarter-ems around middle dots.
    MiddleDot,
    /// Half-ems of brackets and commas.
    Bracket,
}

/// One shaped glyph of a paragraph: 40 bytes, so that a run of megabytes
/// stays small. What only some glyphs have (spacing, a half-width form, an
/// inline object) is in the paragraph's side table ([`Glyphs`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glyph {
    /// Start of the glyph's cluster in the paragraph text (bytes).
    pub start: u32,
    /// End of the glyph's cluster in the paragraph text (bytes).
    pub end: u32,
    /// Font size in pt.
    pub size: f32,
    /// Advance in pt: as shaped, plus the blanks `adjust` adds or removes.
    pub advance: f32,
    /// Offsets in pt as shaped (y positive is up).
    pub x_offset: f32,
    /// Vertical offset in pt.
    pub y_offset: f32,
    /// Style id (into `Collected::styles`).
    pub style: u32,
    /// One more than the index of the glyph's entry in [`Glyphs`]' side
    /// table; 0: none (no spacing, no half-width form, not an object).
    extra: u32,
    /// Glyph id.
    pub id: u16,
    /// Face.
    pub font: FontId,
    /// JLREQ class of the cluster's first character.
    pub class: CharClass,
    /// Whether the cluster's first character is wide (Japanese).
    pub wide: bool,
    /// Whether this is the first glyph of its cluster (break points and
    /// spacing sit only before such glyphs).
    pub cluster_start: bool,
}

impl Glyph {
    /// Byte range of the glyph's cluster in the paragraph text.
    pub(crate) fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Start of the glyph's cluster in the paragraph text.
    pub(crate) fn start(&self) -> usize {
        self.start as usize
    }

    /// Style id as an index.
    pub(crate) fn style_id(&self) -> usize {
        self.style as usize
    }
}

/// What only some glyphs of a paragraph have.
#[derive(Debug, Clone, Default, PartialEq)]
struct Extra {
    /// Adjustability.
    spacing: Spacing,
    /// The proportional (half-width) form of a full-width punctuation
    /// glyph taken from the monospace face: drawn instead when all its
    /// blank is removed, so that no glyph needs a backward offset.
    half: Option<HalfForm>,
    /// The inline object this glyph stands for (index into
    /// `Collected::objects`); such a glyph is never drawn as text.
    object: Option<usize>,
}

/// The spacing of a glyph without any.
static NO_SPACING: Spacing = Spacing {
    lead: 0.0,
    lead_shrink: 0.0,
    trail: 0.0,
    trail_shrink: 0.0,
    punct_level: ShrinkLevel::None,
    glue: 0.0,
    glue_shrink: 0.0,
    glue_stretch: 0.0,
    space_shrink: 0.0,
    space_stretch: 0.0,
    jl_space: false,
};

/// A paragraph's glyphs (in text order; they deref to the slice) and the
/// side table of what only some of them have.
#[derive(Debug, Default)]
pub(crate) struct Glyphs {
    /// The glyphs.
    list: Vec<Glyph>,
    /// Entries of the glyphs that have spacing, a half-width form or an
    /// object (`Glyph::extra` - 1).
    extras: Vec<Extra>,
}

impl std::ops::Deref for Glyphs {
    type Target = [Glyph];
    fn deref(&self) -> &[Glyph] {
        &self.list
    }
}

impl std::ops::DerefMut for Glyphs {
    fn deref_mut(&mut self) -> &mut [Glyph] {
        &mut self.list
    }
}

impl Glyphs {
    /// No glyphs, room for `n`.
    fn with_capacity(n: usize) -> Glyphs {
        Glyphs {
            list: Vec::with_capacity(n),
            extras: Vec::new(),
        }
    }

    /// Appends a glyph with its half-width form and object.
    fn push(&mut self, mut g: Glyph, half: Option<HalfForm>, object: Option<usize>) {
        g.extra = 0;
        if half.is_some() || object.is_some() {
            self.extras.push(Extra {
                spacing: Spacing::default(),
                half,
                object,
            });
            g.extra = u32::try_from(self.extras.len()).unwrap_or(0);
        }
        self.list.push(g);
    }

    fn extra(&self, g: &Glyph) -> Option<&Extra> {
        (g.extra as usize)
            .checked_sub(1)
            .and_then(|k| self.extras.get(k))
    }

    /// The spacing of `g` (one of these glyphs).
    pub(crate) fn spacing(&self, g: &Glyph) -> &Spacing {
        self.extra(g).map_or(&NO_SPACING, |e| &e.spacing)
    }

    /// The spacing of glyph `i`, made when it has none (`None` when there
    /// is no glyph `i`).
    pub(crate) fn spacing_mut(&mut self, i: usize) -> Option<&mut Spacing> {
        let g = self.list.get_mut(i)?;
        if g.extra == 0 {
            self.extras.push(Extra::default());
            g.extra = u32::try_from(self.extras.len()).ok()?;
        }
        let k = (g.extra as usize).checked_sub(1)?;
        self.extras.get_mut(k).map(|e| &mut e.spacing)
    }

    /// The half-width form of `g`, if any.
    pub(crate) fn half(&self, g: &Glyph) -> Option<HalfForm> {
        self.extra(g).and_then(|e| e.half)
    }

    /// The inline object `g` stands for, if any.
    pub(crate) fn object(&self, g: &Glyph) -> Option<usize> {
        self.extra(g).and_then(|e| e.object)
    }
}

/// A half-width form of a punctuation glyph: face and glyph id.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct HalfForm {
    /// Face.
    pub font: FontId,
    /// Glyph id in that face.
    pub id: u16,
}

/// A shaped glyph in font units, as cached.
#[derive(Debug, Clone, Copy)]
struct UnitGlyph {
    id: u16,
    cluster: u32,
    x_advance: i32,
    x_offset: i32,
    y_offset: i32,
}

/// Shaped runs of one text: (face, feature set, glyphs).
type Entries = Vec<(FontId, u8, Arc<[UnitGlyph]>)>;

/// Cache of shaped runs, shared by every paragraph (it is `Sync`).
///
/// Runs are stored in font units, so one entry serves every size. The
/// cache empties itself when it holds more than [`ShapeCache::MAX_BYTES`]
/// of text, so memory stays bounded whatever the input.
#[derive(Debug, Default)]
pub struct ShapeCache {
    inner: Mutex<CacheInner>,
}

#[derive(Debug, Default)]
struct CacheInner {
    runs: HashMap<Box<str>, Entries>,
    text_bytes: usize,
    hits: u64,
    misses: u64,
}

impl ShapeCache {
    /// Text bytes kept before the cache starts over.
    pub const MAX_BYTES: usize = 8 << 20;

    /// An empty cache.
    pub fn new() -> ShapeCache {
        ShapeCache::default()
    }

    /// (hits, misses) so far, for tests and statistics.
    pub fn stats(&self) -> (u64, u64) {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        (inner.hits, inner.misses)
    }

    fn get(&self, key: &(FontId, &str, u8)) -> Option<Arc<[UnitGlyph]>> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let found = inner.runs.get(key.1).and_then(|entries| {
            entries
                .iter()
                .find(|(font, features, _)| *font == key.0 && *features == key.2)
                .map(|(_, _, glyphs)| Arc::clone(glyphs))
        });
        if found.is_some() {
            inner.hits += 1;
        } else {
            inner.misses += 1;
        }
        found
    }

    fn put(&self, key: (FontId, &str, u8), glyphs: Arc<[UnitGlyph]>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.text_bytes + key.1.len() > Self::MAX_BYTES {
            inner.runs.clear();
            inner.text_bytes = 0;
        }
        inner.text_bytes += key.1.len();
        inner
            .runs
            .entry(key.1.into())
            .or_default()
            .push((key.0, key.2, glyphs));
    }
}

/// A range shaped in one call: a maximal one of one style, face and
/// script group, or a piece of a long one.
struct Segment {
    range: Range<usize>,
    style: usize,
    font: FontId,
}

/// Shapes the whole paragraph.
pub(crate) fn shape_paragraph(text: &Collected, fonts: &FontBook, cache: &ShapeCache) -> Glyphs {
    let segments = segments(text, fonts);
    // About one glyph per character: no copy of a long paragraph's glyphs.
    let mut out = Glyphs::with_capacity(text.text.chars().count());
    // Byte offsets are kept as `u32`: a paragraph's text is far below
    // 4 GiB (a page file is capped well below), and saturates otherwise.
    let at = |pos: usize| u32::try_from(pos).unwrap_or(u32::MAX);
    let mut buffer = Buffer::new();
    for seg in &segments {
        let Some(seg_text) = text.text.get(seg.range.clone()) else {
            continue;
        };
        let units = shape_cached(seg_text, seg.font, fonts, cache, &mut buffer);
        let size = text.style(seg.style).size;
        let style = u32::try_from(seg.style).unwrap_or(u32::MAX);
        if let Some(k) = text.object_at(seg.range.start)
            && seg.range.len() == OBJECT_CHAR.len_utf8()
        {
            out.push(
                Glyph {
                    id: 0,
                    font: seg.font,
                    style,
                    start: at(seg.range.start),
                    end: at(seg.range.end),
                    cluster_start: true,
                    size,
                    advance: text.objects.get(k).map_or(0.0, |(_, o)| o.width),
                    x_offset: 0.0,
                    y_offset: 0.0,
                    class: CharClass::Ideographic,
                    wide: true,
                    extra: 0,
                },
                None,
                Some(k),
            );
            continue;
        }
        let upm = f32::from(fonts.metrics(seg.font).units_per_em.max(1));
        let scale = size / upm;
        let role = text.style(seg.style).role;
        // What the last cluster's first character gave (a run of one
        // letter asks the same questions again and again).
        let mut last: Option<(char, CharInfo)> = None;
        for (i, g) in units.iter().enumerate() {
            let start = seg.range.start + g.cluster as usize;
            let cluster_start = i == 0 || units.get(i - 1).is_none_or(|p| p.cluster != g.cluster);
            let end = units
                .get(i + 1..)
                .and_then(|rest| rest.iter().find(|n| n.cluster != g.cluster))
                .map_or(seg.range.end, |n| seg.range.start + n.cluster as usize);
            let first = text.text.get(start..).and_then(|s| s.chars().next());
            let info = match (first, last) {
                (Some(c), Some((l, info))) if c == l => info,
                (Some(c), _) => {
                    let info = CharInfo::of(c, fonts, role, seg.font);
                    last = Some((c, info));
                    info
                }
                (None, _) => CharInfo::NONE,
            };
            let full_width_symbol =
                info.symbol && g.x_advance as f32 >= 0.9 * upm && g.x_offset == 0;
            let class = info.class;
            let wide = info.wide || full_width_symbol;
            out.push(
                Glyph {
                    id: g.id,
                    font: seg.font,
                    style,
                    start: at(start),
                    end: at(end.max(start)),
                    cluster_start,
                    size,
                    advance: g.x_advance as f32 * scale,
                    x_offset: g.x_offset as f32 * scale,
                    y_offset: g.y_offset as f32 * scale,
                    class,
                    wide,
                    extra: 0,
                },
                info.half,
                None,
            );
        }
    }
    out
}

/// What a cluster's glyph takes from the cluster's first character.
#[derive(Debug, Clone, Copy)]
struct CharInfo {
    /// JLREQ class: a symbol (✔ ① → ○) breaks and spaces as an
    /// ideographic character (JLREQ cl-19), with no Japanese–Latin space
    /// around it.
    class: CharClass,
    /// Wide (a symbol drawn a full em wide is made wide too, by the
    /// caller: JIS spacing).
    wide: bool,
    /// A symbol of the blocks set among kanji ([`is_symbol`]).
    symbol: bool,
    /// The proportional form of full-width punctuation ([`half_form`]).
    half: Option<HalfForm>,
}

impl CharInfo {
    /// A glyph without a character (never met: every cluster has one).
    const NONE: CharInfo = CharInfo {
        class: CharClass::Western,
        wide: false,
        symbol: false,
        half: None,
    };

    /// The facts of `c` in a segment of style role `role` and face `font`.
    fn of(c: char, fonts: &FontBook, role: FontRole, font: FontId) -> CharInfo {
        let symbol = is_symbol(c);
        let class = match class_of(c) {
            CharClass::Western if symbol => CharClass::Ideographic,
            class => class,
        };
        CharInfo {
            class,
            wide: is_wide(c),
            symbol,
            half: half_form(fonts, role, font, c),
        }
    }
}

/// Shapes `text` in `font`, from the cache when possible.
fn shape_cached(
    text: &str,
    font: FontId,
    fonts: &FontBook,
    cache: &ShapeCache,
    buf: &mut Buffer,
) -> Arc<[UnitGlyph]> {
    const FEATURES: u8 = 0;
    if let Some(hit) = cache.get(&(font, text, FEATURES)) {
        return hit;
    }
    buf.clear();
    buf.push_str(text);
    buf.guess_segment_properties();
    buf.set_language("ja".parse::<Language>().ok());
    let shaper = ShaperFont::new(fonts.shaping_font(font));
    let glyphs: Arc<[UnitGlyph]> = match harfrust::shape(&shaper, buf, ShapeOptions::new()) {
        Ok(()) => buf
            .glyph_infos()
            .iter()
            .zip(buf.glyph_positions())
            .map(|(info, pos)| UnitGlyph {
                id: u16::try_from(info.glyph_id).unwrap_or(0),
                cluster: info.cluster,
                x_advance: pos.x_advance,
                x_offset: pos.x_offset,
                y_offset: pos.y_offset,
            })
            .collect(),
        // Shaping fails only for a buffer without direction, which
        // `guess_segment_properties` always sets; map the characters one
        // by one rather than lose the text.
        Err(_) => text
            .char_indices()
            .map(|(at, c)| {
                let glyph = shaper.nominal_glyph(u32::from(c)).unwrap_or_default();
                UnitGlyph {
                    id: u16::try_from(glyph.to_u32()).unwrap_or(0),
                    cluster: u32::try_from(at).unwrap_or(u32::MAX),
                    x_advance: shaper.glyph_h_advance(glyph),
                    x_offset: 0,
                    y_offset: 0,
                }
            })
            .collect(),
    };
    cache.put((font, text, FEATURES), Arc::clone(&glyphs));
    glyphs
}

/// Splits the text into segments of one style, face and script group.
fn segments(text: &Collected, fonts: &FontBook) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut last_group: Option<bool> = None;
    // An object is a segment of its own: nothing merges into it.
    let mut after_object = false;
    for (span, sid) in &text.spans {
        let Some(span_text) = text.text.get(span.clone()) else {
            continue;
        };
        let role = text.style(*sid).role;
        let chain = fonts.fallback_chain(role);
        let first = fonts.font(role);
        let punctuation_face = fonts.punctuation_face();
        // The face of each ASCII character of this span, found once (the
        // charmap lookups took 5 % of a long Latin run's layout), and of
        // the character before.
        let mut ascii: [Option<FontId>; 128] = [None; 128];
        let mut previous: Option<(char, FontId)> = None;
        for (off, c) in span_text.char_indices() {
            let pos = span.start + off;
            let object = c == OBJECT_CHAR;
            let attaches = !object && is_attaching(c);
            let font = if attaches {
                None
            } else if let Some((p, f)) = previous
                && p == c
            {
                Some(f)
            } else if let Some(Some(f)) = ascii.get(c as usize) {
                Some(*f)
            } else {
                let f = if let Some(mono) = punctuation_face
                    && role == FontRole::Regular
                    && is_full_width_punctuation(c)
                    && fonts.has_glyph(mono, c)
                {
                    mono
                } else {
                    chain
                        .iter()
                        .copied()
                        .find(|&f| fonts.has_glyph(f, c))
                        .unwrap_or(first)
                };
                if let Some(slot) = ascii.get_mut(c as usize) {
                    *slot = Some(f);
                }
                previous = Some((c, f));
                Some(f)
            };
            let group = if attaches { None } else { Some(is_wide(c)) };
            let end = pos + c.len_utf8();
            let separate = object || after_object;
            after_object = object;
            if !separate
                && let Some(cur) = out.last_mut()
                && cur.style == *sid
                && cur.range.end == pos
                && font.is_none_or(|f| f == cur.font)
                && group.is_none_or(|g| Some(g) == last_group)
            {
                cur.range.end = end;
                continue;
            }
            if group.is_some() {
                last_group = group;
            }
            out.push(Segment {
                range: pos..end,
                style: *sid,
                font: font.unwrap_or(first),
            });
        }
    }
    split_long(&text.text, out)
}

/// Longest text shaped in one call. A longer segment (a run of megabytes
/// without a break) is shaped in pieces: the shaper's buffers stay small
/// and a repeated piece comes from the cache. Kerning and ligatures across
/// a piece boundary are lost, in a run far longer than any line.
const MAX_SHAPED: usize = 16 << 10;

/// `segments` with every segment longer than [`MAX_SHAPED`] cut into
/// pieces, each cut at a character boundary before a character that does
/// not attach to the one before it.
fn split_long(text: &str, segments: Vec<Segment>) -> Vec<Segment> {
    if segments.iter().all(|seg| seg.range.len() <= MAX_SHAPED) {
        return segments;
    }
    let mut out = Vec::with_capacity(segments.len());
    for seg in segments {
        let mut start = seg.range.start;
        while seg.range.end - start > MAX_SHAPED {
            let Some(rest) = text.get(start + MAX_SHAPED..seg.range.end).or_else(|| {
                // Not at a character boundary: from the next one.
                (start + MAX_SHAPED..seg.range.end)
                    .find(|&at| text.is_char_boundary(at))
                    .and_then(|at| text.get(at..seg.range.end))
            }) else {
                break;
            };
            let base = seg.range.end - rest.len();
            let Some(cut) = rest
                .char_indices()
                .find(|&(_, c)| !is_attaching(c) && !is_mark(c))
                .map(|(at, _)| base + at)
                .filter(|&cut| cut > start && cut < seg.range.end)
            else {
                break;
            };
            out.push(Segment {
                range: start..cut,
                ..seg
            });
            start = cut;
        }
        out.push(Segment {
            range: start..seg.range.end,
            ..seg
        });
    }
    out
}

/// A combining mark (kept with the character before it when a long
/// segment is cut).
fn is_mark(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    c.general_category_group() == GeneralCategoryGroup::Mark
}

/// The regular face's own (proportional) glyph for `c` when the glyph was
/// taken from the monospace face for full-width setting.
fn half_form(fonts: &FontBook, role: FontRole, font: FontId, c: char) -> Option<HalfForm> {
    let regular = fonts.font(FontRole::Regular);
    if role != FontRole::Regular
        || font == regular
        || fonts.punctuation_face() != Some(font)
        || !is_full_width_punctuation(c)
    {
        return None;
    }
    let id = fonts.glyph_index(regular, c)?;
    Some(HalfForm { font: regular, id })
}

/// Wide brackets, 、。 and middle dots. The regular face is proportional
/// (BIZ UDPGothic sets 「 on half an em); its monospace sibling of the same
/// design has them on a full em with the blank inside the glyph, which
/// JIS spacing squeezes by overlapping rather than widens by gaps (a gap
/// would read as a space to text extraction such as `pdftotext`).
fn is_full_width_punctuation(c: char) -> bool {
    is_wide(c)
        && matches!(
            class_of(c),
            CharClass::Opening
                | CharClass::Closing
                | CharClass::Comma
                | CharClass::FullStop
                | CharClass::MiddleDot
        )
}

/// Whether `c` is a symbol of the blocks Japanese text sets among kanji
/// (from U+2000 on, so ASCII `=` `+` `<` and Latin-1 signs stay Western):
/// other and math symbols (✔ → ○) and other numbers (①).
fn is_symbol(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    c >= '\u{2000}'
        && matches!(
            c.general_category(),
            GeneralCategory::OtherSymbol
                | GeneralCategory::MathSymbol
                | GeneralCategory::OtherNumber
        )
}

/// Characters that join the current segment whatever it is: spaces,
/// combining marks, variation selectors and joiners.
fn is_attaching(c: char) -> bool {
    matches!(c,
        ' ' | '\u{0300}'..='\u{036F}'
        | '\u{200B}'..='\u{200D}'
        | '\u{3099}'..='\u{309A}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{E0100}'..='\u{E01EF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::{Assets, ImageStore};
    use crate::layout::inline::{InlinePiece, TextStyle, collect::collect};

    fn shaped(text: &str) -> (Glyphs, FontBook) {
        let fonts = FontBook::load(&Assets::embedded(ImageStore::default())).expect("fonts");
        let pieces = [InlinePiece::Text {
            text,
            style: TextStyle::new(FontRole::Regular, 10.0),
        }];
        let glyphs = shape_paragraph(&collect(&pieces), &fonts, &ShapeCache::new());
        (glyphs, fonts)
    }

    #[test]
    fn a_long_run_is_shaped_in_pieces_with_the_same_glyphs() {
        // Cut after MAX_SHAPED bytes, but not before the combining accent
        // that stands there.
        let mut text = "a".repeat(MAX_SHAPED - 1);
        text.push_str("e\u{301}");
        text.push_str(&"b".repeat(2 * MAX_SHAPED));
        let (glyphs, _) = shaped(&text);
        let (short, _) = shaped("ae\u{301}b");
        let segments = split_long(
            &text,
            vec![Segment {
                range: 0..text.len(),
                style: 0,
                font: FontId(0),
            }],
        );
        assert_eq!(
            segments.len(),
            3,
            "{:?}",
            segments.iter().map(|s| s.range.clone()).collect::<Vec<_>>()
        );
        for pair in segments.windows(2) {
            assert_eq!(pair[0].range.end, pair[1].range.start);
            assert!(pair[0].range.len() <= MAX_SHAPED + 4);
            assert!(!text[pair[1].range.clone()].starts_with('\u{301}'));
        }
        // The accent stays with its e: same glyphs as the short text there.
        let at = text.find('e').unwrap_or_default();
        let e = glyphs
            .iter()
            .position(|g| g.start() == at)
            .unwrap_or_default();
        let short_e = short
            .iter()
            .position(|g| g.start() == 1)
            .unwrap_or_default();
        let ids =
            |gs: &[Glyph], from: usize| gs[from..from + 2].iter().map(|g| g.id).collect::<Vec<_>>();
        assert_eq!(ids(&glyphs, e), ids(&short, short_e));
        // One glyph per letter, the whole text covered.
        assert_eq!(
            glyphs.iter().filter(|g| g.cluster_start).count(),
            text.chars().count() - 1
        );
    }

    #[test]
    fn characters_come_from_the_first_face_that_has_them() {
        let text = "吉𠮷✔a";
        let (glyphs, fonts) = shaped(text);
        let face = |c: &str| {
            let at = text.find(c).expect("in text");
            let g = glyphs.iter().find(|g| g.start() == at).expect("glyph");
            assert_ne!(g.id, 0, "{c} drawn as .notdef");
            fonts.name(g.font).to_owned()
        };
        assert_eq!(face("吉"), "BIZUDPGothic-Regular.ttf");
        assert_eq!(face("𠮷"), "TebikiFallbackJP-Regular.otf");
        assert_eq!(face("✔"), "TebikiSymbols-Regular.ttf");
        assert_eq!(face("a"), "BIZUDPGothic-Regular.ttf");
    }

    #[test]
    fn symbols_among_kanji_are_ideographic_and_ascii_signs_western() {
        let text = "と✔と①と=";
        let (glyphs, _) = shaped(text);
        let class = |c: &str| {
            let at = text.find(c).expect("in text");
            glyphs
                .iter()
                .find(|g| g.start() == at)
                .map(|g| (g.class, g.wide))
                .expect("glyph")
        };
        assert_eq!(class("✔").0, CharClass::Ideographic);
        // ① is a full em wide in BIZ UDPGothic: wide, with JIS spacing.
        assert_eq!(class("①"), (CharClass::Ideographic, true));
        assert_eq!(class("="), (CharClass::Western, false));
    }
}
