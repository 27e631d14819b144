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
//!
//! Two PDFs lay out at once and ask the cache about every paragraph (about
//! 180,000 lookups per build of the 300-page corpus), so a lookup holds a
//! lock only to probe: the key is hashed once, outside any lock (foldhash),
//! and picks one of [`SHARDS`] independently locked maps; a miss is laid
//! out with no lock held, and an emptied map is dropped after its lock is
//! released (docs/benchmarks.md, "Round 6: speed").

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::{InlineObject, InlinePiece, ParagraphLayout, ParagraphStyle, ShapeCache, TextStyle};
use crate::layout::font::{FontBook, FontRole};
use crate::layout::frame::Rgb;
use crate::model::Align;

/// Independently locked maps a cache spreads its paragraphs over (by the
/// key's hash), so two layouts rarely wait for each other.
pub(crate) const SHARDS: usize = 16;

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
    shards: [Mutex<Shard>; SHARDS],
    /// Estimated bytes held by all shards.
    bytes: AtomicUsize,
    hits: AtomicU64,
    misses: AtomicU64,
    budget: usize,
    /// Book layouts using the cache now (see
    /// [`LayoutCache::emptied_when_idle`]); `None`: kept until dropped.
    users: Mutex<Option<usize>>,
}

/// One shard: its part of the paragraphs and their estimated bytes.
#[derive(Debug, Default)]
struct Shard {
    map: HashMap<Key, Arc<ParagraphLayout>, BuildHasherDefault<KeyHasher>>,
    bytes: usize,
}

/// A canonical key with its hash, computed once (outside any lock); two
/// keys are equal when their bytes are.
#[derive(Debug)]
struct Key {
    hash: u64,
    bytes: Box<[u8]>,
}

impl Key {
    fn new(bytes: Vec<u8>) -> Key {
        Key {
            hash: foldhash::fast::FixedState::with_seed(0x7465_6269_6b69).hash_one(&bytes[..]),
            bytes: bytes.into_boxed_slice(),
        }
    }

    /// The shard this key lives in (the hash's high bits: the map uses
    /// the low ones).
    fn shard(&self) -> usize {
        (self.hash >> 58) as usize % SHARDS
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.hash == other.hash && self.bytes == other.bytes
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// The map's hasher: takes the key's precomputed hash as it is.
#[derive(Debug, Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used (by `Key`); any other input is folded in.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
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
            shards: std::array::from_fn(|_| Mutex::default()),
            bytes: AtomicUsize::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
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
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: (0..SHARDS).map(|i| self.shard(i).map.len()).sum(),
            bytes: self.bytes.load(Ordering::Relaxed),
        }
    }

    /// Forgets every paragraph (the statistics stay). Each shard's map is
    /// taken out under its lock and dropped after the lock is released.
    pub fn clear(&self) {
        for i in 0..SHARDS {
            let emptied = {
                let mut shard = self.shard(i);
                let bytes = std::mem::take(&mut shard.bytes);
                self.bytes.fetch_sub(bytes, Ordering::Relaxed);
                std::mem::take(&mut shard.map)
            };
            drop(emptied);
        }
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
        let key = Key::new(key(pieces, style, fonts.fingerprint()));
        let at = key.shard();
        if let Some(found) = self.shard(at).map.get(&key).map(Arc::clone) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return found;
        }
        let layout = Arc::new(super::layout_paragraph(pieces, style, fonts, shapes));
        self.misses.fetch_add(1, Ordering::Relaxed);
        let size = key.bytes.len() + layout_bytes(&layout);
        if self.bytes.load(Ordering::Relaxed) + size > self.budget {
            self.clear();
        }
        if size <= self.budget {
            let mut shard = self.shard(at);
            // Another layout may have stored the same paragraph meanwhile:
            // keep that one (equal lines) and count its bytes once.
            let stored = Arc::clone(shard.map.entry(key).or_insert_with(|| {
                self.bytes.fetch_add(size, Ordering::Relaxed);
                Arc::clone(&layout)
            }));
            if Arc::ptr_eq(&stored, &layout) {
                shard.bytes += size;
            }
            return stored;
        }
        layout
    }

    /// Shard `at` (taken modulo [`SHARDS`]), locked; a poisoned lock (a
    /// panic elsewhere while holding it) still yields the shard.
    fn shard(&self, at: usize) -> MutexGuard<'_, Shard> {
        self.shards[at % SHARDS]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }
}
/// Estimated heap bytes of a layout.
fn layout_bytes(layout: &ParagraphLayout) -> usize {
    let line = std::mem::size_of::<super::LineBox>();
    let run = std::mem::size_of::<super::GlyphRun>();
    let object = std::mem::size_of::<super::PlacedObject>();
    let shaped = std::mem::size_of::<crate::layout::frame::ShapedText>();
    layout
        .lines
        .iter()
        .map(|l| {
            line + l.objects.len() * object
                + l.runs
                    .iter()
                    .map(|r| run + shaped + r.text().len() + std::mem::size_of_val(r.glyphs()))
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
    fn layouts_on_several_threads_share_one_entry_per_paragraph() {
        let fonts = book();
        let style = ParagraphStyle::new(120.0, 15.0);
        let cache = LayoutCache::new();
        let texts: Vec<String> = (0..40)
            .map(|i| PROSE.replace("12", &i.to_string()))
            .collect();
        let fresh: Vec<ParagraphLayout> = texts
            .iter()
            .map(|t| super::super::layout_paragraph(&[text(t)], &style, &fonts, &ShapeCache::new()))
            .collect();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    let shapes = ShapeCache::new();
                    for (t, fresh) in texts.iter().zip(&fresh) {
                        let got = cache.layout(&[text(t)], &style, &fonts, &shapes);
                        assert_eq!(*got, *fresh);
                    }
                });
            }
        });
        let stats = cache.stats();
        assert_eq!(stats.hits + stats.misses, 160);
        assert_eq!(stats.entries, 40);
        assert!(stats.misses >= 40, "{stats:?}");
        // Bytes are counted once per stored paragraph, even when two
        // threads laid out the same one at once.
        let probe = LayoutCache::new();
        for t in &texts {
            probe.layout(&[text(t)], &style, &fonts, &ShapeCache::new());
        }
        assert_eq!(stats.bytes, probe.stats().bytes);
        // The paragraphs are spread over more than one shard.
        let used = (0..SHARDS)
            .filter(|&i| !cache.shard(i).map.is_empty())
            .count();
        assert!(used > 4, "{used} shards used");
        cache.clear();
        let cleared = cache.stats();
        assert_eq!((cleared.entries, cleared.bytes), (0, 0));
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
