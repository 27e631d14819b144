//! The paragraph layout cache: a laid-out paragraph reused wherever the
//! same inputs come again (the next page-reference pass, another region,
//! a table column measured twice).
//!
//! Input: what [`super::layout_paragraph`] reads: the [`InlinePiece`]s, the
//! [`ParagraphStyle`] and the [`FontBook`] (by the content fingerprint of
//! its faces, [`FontBook::fingerprint`]). Output: the [`ParagraphLayout`],
//! shared (`Arc`), the same value `layout_paragraph` returns for those
//! inputs.
//!
//! The key is content, not pointers: a canonical byte string of every
//! input (texts, every style field with floats by their bits, the fonts'
//! fingerprint), so a hit is exactly a call with equal inputs and the cache
//! can be shared by threads, regions and builds (`tebiki watch`) with the
//! same fonts. Line breaking is a pure function of those inputs (the shape
//! cache only saves work), which is what makes the reuse exact: the lines
//! of a hit are identical to the lines a fresh layout would give.
//!
//! Memory is bounded: when the keys and layouts held pass
//! [`LayoutCache::budget`] bytes (an estimate), the cache starts over. A
//! cache made by [`LayoutCache::emptied_when_idle`] (a single build's)
//! also forgets everything whenever no book layout is using it: the
//! layouts that run at the same time share their paragraphs (the regions
//! share most of their text, and their page-reference passes run side by
//! side), but a PDF that starts after them would hit little beyond what
//! its own second pass reuses, while the cache held for it would hold the
//! earlier regions' lines through their PDF writing (docs/benchmarks.md,
//! "Round 5: memory").

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::{InlineObject, InlinePiece, ParagraphLayout, ParagraphStyle, ShapeCache, TextStyle};
use crate::layout::font::{FontBook, FontRole};
use crate::layout::frame::Rgb;
use crate::model::Align;

/// Hits, misses and size of a [`LayoutCache`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Layouts served from the cache.
    pub hits: u64,
    /// Layouts computed (and stored).
    pub misses: u64,
    /// Paragraphs held now.
    pub entries: usize,
    /// Estimated bytes held now (keys and layouts).
    pub bytes: usize,
}

/// Laid-out paragraphs by the content of their inputs; `Sync`, so one
/// cache serves every region of a build (and, kept by the caller, every
/// build of `tebiki watch`).
#[derive(Debug)]
pub struct LayoutCache {
    inner: Mutex<Inner>,
    budget: usize,
    /// Book layouts using the cache now (see
    /// [`LayoutCache::emptied_when_idle`]); `None`: kept until dropped.
    users: Mutex<Option<usize>>,
}

#[derive(Debug, Default)]
struct Inner {
    map: HashMap<Box<[u8]>, Arc<ParagraphLayout>>,
    bytes: usize,
    hits: u64,
    misses: u64,
}

impl Default for LayoutCache {
    fn default() -> LayoutCache {
        LayoutCache::with_budget(LayoutCache::DEFAULT_BUDGET)
    }
}

impl LayoutCache {
    /// Default memory budget in bytes (estimated).
    pub const DEFAULT_BUDGET: usize = 192 << 20;

    /// An empty cache with the default budget.
    pub fn new() -> LayoutCache {
        LayoutCache::default()
    }

    /// An empty cache that starts over when it holds more than `bytes`.
    pub fn with_budget(bytes: usize) -> LayoutCache {
        LayoutCache {
            inner: Mutex::new(Inner::default()),
            budget: bytes,
            users: Mutex::new(None),
        }
    }

    /// A cache for one build's PDFs: each book layout announces itself
    /// ([`LayoutCache::begin`]) and leaves ([`LayoutCache::finished`]);
    /// when the last layout running leaves, the cache empties itself, so
    /// its memory is free while the PDFs are written, and layouts that run
    /// at the same time share their paragraphs.
    pub fn emptied_when_idle() -> LayoutCache {
        let cache = LayoutCache::new();
        *cache.users.lock().unwrap_or_else(|e| e.into_inner()) = Some(0);
        cache
    }

    /// A book layout starts using the cache (see
    /// [`LayoutCache::emptied_when_idle`]; nothing happens for a cache made
    /// otherwise).
    pub fn begin(&self) {
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(running) = users.as_mut() {
            *running += 1;
        }
    }

    /// A book layout is done with the cache (see
    /// [`LayoutCache::emptied_when_idle`]; nothing happens for a cache made
    /// otherwise): when no other layout is using it, it forgets every
    /// paragraph.
    pub fn finished(&self) {
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(running) = users.as_mut() {
            *running = running.saturating_sub(1);
            if *running == 0 {
                self.clear();
            }
        }
    }

    /// The memory budget in bytes.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Hits, misses and size so far.
    pub fn stats(&self) -> CacheStats {
        let inner = self.lock();
        CacheStats {
            hits: inner.hits,
            misses: inner.misses,
            entries: inner.map.len(),
            bytes: inner.bytes,
        }
    }

    /// Forgets every paragraph (the statistics stay).
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.map.clear();
        inner.bytes = 0;
    }

    /// The layout of a paragraph: from the cache when the same inputs were
    /// laid out before, else computed by [`super::layout_paragraph`] (with
    /// `shapes` for the shaping) and stored.
    pub fn layout(
        &self,
        pieces: &[InlinePiece],
        style: &ParagraphStyle,
        fonts: &FontBook,
        shapes: &ShapeCache,
    ) -> Arc<ParagraphLayout> {
        let key = key(pieces, style, fonts.fingerprint());
        if let Some(found) = self.get(&key) {
            return found;
        }
        let layout = Arc::new(super::layout_paragraph(pieces, style, fonts, shapes));
        let size = key.len() + layout_bytes(&layout);
        let mut inner = self.lock();
        inner.misses += 1;
        if inner.bytes + size > self.budget {
            inner.map.clear();
            inner.bytes = 0;
        }
        if size <= self.budget {
            inner.bytes += size;
            inner
                .map
                .insert(key.into_boxed_slice(), Arc::clone(&layout));
        }
        layout
    }

    fn get(&self, key: &[u8]) -> Option<Arc<ParagraphLayout>> {
        let mut inner = self.lock();
        let found = inner.map.get(key).map(Arc::clone);
        if found.is_some() {
            inner.hits += 1;
        }
        found
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Estimated heap bytes of a layout.
fn layout_bytes(layout: &ParagraphLayout) -> usize {
    let line = std::mem::size_of::<super::LineBox>();
    let run = std::mem::size_of::<super::GlyphRun>();
    let glyph = std::mem::size_of::<crate::layout::frame::Glyph>();
    let object = std::mem::size_of::<super::PlacedObject>();
    layout
        .lines
        .iter()
        .map(|l| {
            line + l.objects.len() * object
                + l.runs
                    .iter()
                    .map(|r| run + r.text.len() + r.glyphs.len() * glyph)
                    .sum::<usize>()
        })
        .sum()
}

/// The canonical bytes of every input of a paragraph layout. Every struct
/// is taken apart field by field (a field added later fails to compile
/// here until it is part of the key).
fn key(pieces: &[InlinePiece], style: &ParagraphStyle, fonts: u64) -> Vec<u8> {
    let text: usize = pieces
        .iter()
        .map(|p| match p {
            InlinePiece::Text { text, .. } => text.len(),
            InlinePiece::LineBreak | InlinePiece::Object(_) => 0,
        })
        .sum();
    let mut out = Vec::with_capacity(64 + text + pieces.len() * 48);
    out.extend_from_slice(&fonts.to_le_bytes());
    let ParagraphStyle {
        width,
        line_height,
        align,
        justify,
        first_line_indent,
        kinsoku,
        jl_spacing,
        hanging_punctuation,
    } = style;
    put_f32(&mut out, *width);
    put_f32(&mut out, *line_height);
    out.push(align_byte(*align));
    out.push(u8::from(*justify));
    put_f32(&mut out, *first_line_indent);
    out.push(match kinsoku {
        super::Kinsoku::Strict => 0,
        super::Kinsoku::Loose => 1,
    });
    put_f32(&mut out, *jl_spacing);
    out.push(u8::from(*hanging_punctuation));
    for piece in pieces {
        match piece {
            InlinePiece::Text { text, style } => {
                out.push(1);
                put_style(&mut out, style);
                put_usize(&mut out, text.len());
                out.extend_from_slice(text.as_bytes());
            }
            InlinePiece::LineBreak => out.push(2),
            InlinePiece::Object(InlineObject {
                id,
                width,
                ascent,
                descent,
                style,
            }) => {
                out.push(3);
                put_usize(&mut out, *id);
                put_f32(&mut out, *width);
                put_f32(&mut out, *ascent);
                put_f32(&mut out, *descent);
                put_style(&mut out, style);
            }
        }
    }
    out
}

fn put_style(out: &mut Vec<u8>, style: &TextStyle) {
    let TextStyle {
        role,
        size,
        color,
        italic,
        underline,
        strike,
        baseline_shift,
        link,
        background,
    } = style;
    out.push(match role {
        FontRole::Regular => 0,
        FontRole::Bold => 1,
        FontRole::Mono => 2,
    });
    put_f32(out, *size);
    put_rgb(out, Some(*color));
    out.push(u8::from(*italic) | u8::from(*underline) << 1 | u8::from(*strike) << 2);
    put_f32(out, *baseline_shift);
    match link {
        Some(link) => {
            out.push(1);
            put_usize(out, *link);
        }
        None => out.push(0),
    }
    put_rgb(out, *background);
}

fn put_rgb(out: &mut Vec<u8>, color: Option<Rgb>) {
    match color {
        Some(Rgb(r, g, b)) => out.extend_from_slice(&[1, r, g, b]),
        None => out.push(0),
    }
}

fn align_byte(align: Align) -> u8 {
    match align {
        Align::Default => 0,
        Align::Left => 1,
        Align::Center => 2,
        Align::Right => 3,
    }
}

fn put_f32(out: &mut Vec<u8>, value: f32) {
    out.extend_from_slice(&value.to_bits().to_le_bytes());
}

fn put_usize(out: &mut Vec<u8>, value: usize) {
    out.extend_from_slice(&(value as u64).to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::font::tests::book;

    fn text(text: &str) -> InlinePiece<'_> {
        InlinePiece::Text {
            text,
            style: TextStyle::new(FontRole::Regular, 10.0),
        }
    }

    const PROSE: &str = "管理者は、ユーザーの追加や削除、パスワードの再設定を行えます。\
        詳しくは「ユーザーを追加する」（→ p. 12）を参照してください。";

    #[test]
    fn a_hit_gives_the_lines_a_fresh_layout_gives() {
        let fonts = book();
        let shapes = ShapeCache::new();
        let cache = LayoutCache::new();
        let style = ParagraphStyle::new(120.0, 15.0);
        let pieces = [text(PROSE)];
        let first = cache.layout(&pieces, &style, &fonts, &shapes);
        assert_eq!(cache.stats().misses, 1);
        assert_eq!(cache.stats().hits, 0);
        // The same inputs again (new strings, equal content): a hit, the
        // very same value, equal to what an uncached layout gives.
        let again = PROSE.to_string();
        let second = cache.layout(&[text(&again)], &style, &fonts, &shapes);
        assert_eq!(cache.stats().hits, 1);
        assert!(Arc::ptr_eq(&first, &second));
        let fresh = super::super::layout_paragraph(&pieces, &style, &fonts, &ShapeCache::new());
        assert!(fresh.lines.len() > 2, "{} lines", fresh.lines.len());
        assert_eq!(*second, fresh);
        assert_eq!(cache.stats().entries, 1);
    }

    #[test]
    fn any_changed_input_is_a_miss() {
        let fonts = book();
        let shapes = ShapeCache::new();
        let cache = LayoutCache::new();
        let style = ParagraphStyle::new(120.0, 15.0);
        let base = cache.layout(&[text(PROSE)], &style, &fonts, &shapes);
        // Another folio in the page reference.
        let other = PROSE.replace("12", "13");
        let changed = cache.layout(&[text(&other)], &style, &fonts, &shapes);
        assert_ne!(base, changed);
        // Another measure, another style field, another piece boundary.
        let narrow = ParagraphStyle::new(100.0, 15.0);
        cache.layout(&[text(PROSE)], &narrow, &fonts, &shapes);
        let linked = InlinePiece::Text {
            text: PROSE,
            style: TextStyle {
                link: Some(0),
                ..TextStyle::new(FontRole::Regular, 10.0)
            },
        };
        cache.layout(&[linked], &style, &fonts, &shapes);
        let (a, b) = PROSE.split_at(PROSE.find('（').unwrap_or(0));
        cache.layout(&[text(a), text(b)], &style, &fonts, &shapes);
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses, stats.entries), (0, 5, 5));
        // The split text lays out like the whole, but is its own entry.
        cache.layout(&[text(PROSE)], &style, &fonts, &shapes);
        assert_eq!(cache.stats().hits, 1);
    }

    #[test]
    fn the_cache_starts_over_past_its_budget() {
        let fonts = book();
        let shapes = ShapeCache::new();
        let style = ParagraphStyle::new(120.0, 15.0);
        let probe = LayoutCache::new();
        probe.layout(&[text(PROSE)], &style, &fonts, &shapes);
        let one = probe.stats().bytes;
        assert!(one > PROSE.len(), "{one} bytes");
        // Room for one paragraph: the second one empties the cache.
        let cache = LayoutCache::with_budget(one + one / 2);
        cache.layout(&[text(PROSE)], &style, &fonts, &shapes);
        let other = PROSE.replace("12", "99");
        cache.layout(&[text(&other)], &style, &fonts, &shapes);
        let stats = cache.stats();
        assert_eq!(stats.entries, 1);
        assert!(stats.bytes <= cache.budget());
        cache.layout(&[text(PROSE)], &style, &fonts, &shapes);
        assert_eq!(cache.stats().hits, 0);
    }

    #[test]
    fn a_cache_emptied_when_idle_is_shared_by_overlapping_layouts_only() {
        let fonts = book();
        let shapes = ShapeCache::new();
        let style = ParagraphStyle::new(120.0, 15.0);
        let cache = LayoutCache::emptied_when_idle();
        // Two layouts overlap: the second hits what the first laid out,
        // and the first leaving keeps the entries for the second.
        cache.begin();
        cache.begin();
        cache.layout(&[text(PROSE)], &style, &fonts, &shapes);
        cache.finished();
        assert_eq!(cache.stats().entries, 1);
        cache.layout(&[text(PROSE)], &style, &fonts, &shapes);
        cache.finished();
        let stats = cache.stats();
        assert_eq!((stats.entries, stats.bytes, stats.hits), (0, 0, 1));
        // A layout that starts after them starts empty.
        cache.begin();
        cache.layout(&[text(PROSE)], &style, &fonts, &shapes);
        assert_eq!(cache.stats().hits, 1);
        assert_eq!(cache.stats().entries, 1);
        cache.finished();
        assert_eq!(cache.stats().entries, 0);
        // A cache made without a count keeps its entries.
        let kept = LayoutCache::new();
        kept.layout(&[text(PROSE)], &style, &fonts, &shapes);
        kept.finished();
        assert_eq!(kept.stats().entries, 1);
    }

    #[test]
    fn fonts_with_equal_content_share_entries() {
        let cache = LayoutCache::new();
        let shapes = ShapeCache::new();
        let style = ParagraphStyle::new(120.0, 15.0);
        let (a, b) = (book(), book());
        assert_eq!(a.fingerprint(), b.fingerprint());
        cache.layout(&[text(PROSE)], &style, &a, &shapes);
        cache.layout(&[text(PROSE)], &style, &b, &ShapeCache::new());
        assert_eq!(cache.stats().hits, 1);
    }
}
