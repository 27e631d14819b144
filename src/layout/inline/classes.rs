//! JLREQ character classes as data: which class (cl-01 … cl-11, plus the
//! few extra groups the layout needs) a character belongs to.
//!
//! Input: a `char`. Output: its [`CharClass`]. The tables below are the
//! lists of W3C "Requirements for Japanese Text Layout" §3.1 (summarised in
//! `shared/notes/jlreq.md`); the breaker and the punctuation adjuster read
//! them, so a rule change is a table change, not a code change.

/// The JLREQ class of a character, with the groups tebiki needs besides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum CharClass {
    /// cl-01 opening brackets: never at a line end.
    Opening,
    /// cl-02 closing brackets: never at a line start.
    Closing,
    /// cl-03 hyphens: never at a line start.
    Hyphen,
    /// cl-04 dividing punctuation (？！): never at a line start.
    Dividing,
    /// cl-05 middle dots (・：；): never at a line start.
    MiddleDot,
    /// cl-06 full stops: never at a line start.
    FullStop,
    /// cl-07 commas: never at a line start.
    Comma,
    /// cl-08 inseparable characters (— … ‥): runs are never split.
    Inseparable,
    /// cl-09 iteration marks: not at a line start (strict).
    Iteration,
    /// cl-10 prolonged sound mark: not at a line start (strict).
    Prolonged,
    /// cl-11 small kana: not at a line start (strict).
    SmallKana,
    /// cl-12 prefixed abbreviations (¥ $ # …): kept with the numeral after.
    Prefix,
    /// cl-13 postfixed abbreviations (% ℃ …): kept with the numeral before.
    Postfix,
    /// cl-14 ideographic space.
    IdeographicSpace,
    /// Kana, kanji and other full-width characters set on the em grid
    /// (cl-15, cl-16, cl-19 and full-width forms).
    Ideographic,
    /// Western letters, digits and symbols (cl-27 and friends).
    Western,
    /// A Western word space.
    Space,
}

/// cl-01 opening brackets.
const OPENING: &[char] = &[
    '‘', '“', '(', '（', '〔', '[', '［', '{', '｛', '〈', '《', '「', '『', '【', '⦅', '｟', '〘',
    '〖', '«', '〝',
];

/// cl-02 closing brackets.
const CLOSING: &[char] = &[
    '’', '”', ')', '）', '〕', ']', '］', '}', '｝', '〉', '》', '」', '』', '】', '⦆', '｠', '〙',
    '〗', '»', '〟',
];

/// cl-03 hyphens.
const HYPHENS: &[char] = &['‐', '〜', '゠', '–', '～'];

/// cl-04 dividing punctuation.
const DIVIDING: &[char] = &['!', '！', '?', '？', '‼', '⁇', '⁈', '⁉'];

/// cl-05 middle dots.
const MIDDLE_DOTS: &[char] = &['・', ':', '：', ';', '；'];

/// cl-06 full stops.
const FULL_STOPS: &[char] = &['。', '.', '．'];

/// cl-07 commas.
const COMMAS: &[char] = &['、', ',', '，'];

/// cl-08 inseparable characters.
const INSEPARABLE: &[char] = &['—', '…', '‥', '〳', '〴', '〵', '―'];

/// cl-09 iteration marks.
const ITERATION: &[char] = &['ヽ', 'ヾ', 'ゝ', 'ゞ', '々', '〻'];

/// cl-10 prolonged sound mark.
const PROLONGED: &[char] = &['ー', 'ｰ'];

/// cl-11 small kana (the ㇰ–ㇿ block is a range, see [`class_of`]).
const SMALL_KANA: &[char] = &[
    'ぁ', 'ぃ', 'ぅ', 'ぇ', 'ぉ', 'っ', 'ゃ', 'ゅ', 'ょ', 'ゎ', 'ゕ', 'ゖ', 'ァ', 'ィ', 'ゥ', 'ェ',
    'ォ', 'ッ', 'ャ', 'ュ', 'ョ', 'ヮ', 'ヵ', 'ヶ',
];

/// cl-12 prefixed abbreviations.
const PREFIX: &[char] = &['¥', '$', '£', '#', '€', '№', '＄', '￥', '＃', '￡'];

/// cl-13 postfixed abbreviations.
const POSTFIX: &[char] = &['°', '′', '″', '℃', '¢', '%', '‰', '％', '℉', '￠'];

/// Ranges of characters set on the full-width em grid.
const IDEOGRAPHIC_RANGES: &[(char, char)] = &[
    ('\u{2E80}', '\u{2FDF}'),   // CJK radicals
    ('\u{3000}', '\u{303F}'),   // CJK symbols and punctuation (the rest)
    ('\u{3040}', '\u{30FF}'),   // hiragana, katakana
    ('\u{3100}', '\u{31FF}'),   // bopomofo … katakana extensions
    ('\u{3200}', '\u{33FF}'),   // enclosed CJK, compatibility
    ('\u{3400}', '\u{4DBF}'),   // extension A
    ('\u{4E00}', '\u{9FFF}'),   // unified ideographs
    ('\u{F900}', '\u{FAFF}'),   // compatibility ideographs
    ('\u{FE30}', '\u{FE4F}'),   // CJK compatibility forms
    ('\u{FF01}', '\u{FF60}'),   // full-width forms
    ('\u{FFE0}', '\u{FFE6}'),   // full-width signs
    ('\u{20000}', '\u{3FFFF}'), // supplementary ideographs
];

/// The tables checked in order; the first hit wins.
const TABLES: &[(&[char], CharClass)] = &[
    (OPENING, CharClass::Opening),
    (CLOSING, CharClass::Closing),
    (HYPHENS, CharClass::Hyphen),
    (DIVIDING, CharClass::Dividing),
    (MIDDLE_DOTS, CharClass::MiddleDot),
    (FULL_STOPS, CharClass::FullStop),
    (COMMAS, CharClass::Comma),
    (INSEPARABLE, CharClass::Inseparable),
    (ITERATION, CharClass::Iteration),
    (PROLONGED, CharClass::Prolonged),
    (SMALL_KANA, CharClass::SmallKana),
    (PREFIX, CharClass::Prefix),
    (POSTFIX, CharClass::Postfix),
];

/// The class of `c`: a table lookup for the Basic Multilingual Plane
/// (built from [`classify`] one block of 256 code points at a time, on first
/// use; the table search took 5–8 % of a build's time, run for every
/// character of every paragraph), [`classify`] above it.
pub(crate) fn class_of(c: char) -> CharClass {
    match bmp_entry(c) {
        Some((class, _)) => class,
        None => classify(c),
    }
}

/// Whether `c` is wide (see [`is_wide_uncached`]), by table lookup in the
/// Basic Multilingual Plane.
pub(crate) fn is_wide(c: char) -> bool {
    match bmp_entry(c) {
        Some((_, wide)) => wide,
        None => is_wide_uncached(c),
    }
}

/// One block of the BMP table: [`classify`] and [`is_wide_uncached`] of 256
/// code points (surrogates stand in as U+FFFD, which they can never be
/// asked for).
type Block = [(CharClass, bool); 256];

/// The table entry of a BMP character; `None` above the BMP. Only the
/// blocks a build meets are computed (a Japanese book touches a few dozen of
/// the 256), so a one-page build pays almost nothing for the table.
fn bmp_entry(c: char) -> Option<(CharClass, bool)> {
    static BLOCKS: [std::sync::OnceLock<Box<Block>>; 256] =
        [const { std::sync::OnceLock::new() }; 256];
    let code = c as u32;
    let block = BLOCKS.get(usize::try_from(code >> 8).ok()?)?;
    let entries = block.get_or_init(|| {
        let base = code & !0xFF;
        Box::new(std::array::from_fn(|i| {
            let c = char::from_u32(base + i as u32).unwrap_or('\u{FFFD}');
            (classify(c), is_wide_uncached(c))
        }))
    });
    entries.get((code & 0xFF) as usize).copied()
}

/// The class of `c`, by searching the tables.
fn classify(c: char) -> CharClass {
    if let Some((_, class)) = TABLES.iter().find(|(chars, _)| chars.contains(&c)) {
        return *class;
    }
    match c {
        '\u{3000}' => CharClass::IdeographicSpace,
        // An inline object (an icon in a sentence) breaks like a kanji.
        '\u{FFFC}' => CharClass::Ideographic,
        '\u{31F0}'..='\u{31FF}' => CharClass::SmallKana,
        ' ' | '\u{00A0}' | '\t' | '\u{2000}'..='\u{200A}' | '\u{202F}' => CharClass::Space,
        _ if is_wide_uncached(c) => CharClass::Ideographic,
        _ => CharClass::Western,
    }
}

/// Whether `c` is a wide (full-width) character: kana, kanji, CJK
/// punctuation and full-width forms. Wide characters get the JIS
/// punctuation spacing and inter-character stretching; the rest is
/// Western text (proportional, never split inside a word).
fn is_wide_uncached(c: char) -> bool {
    IDEOGRAPHIC_RANGES
        .iter()
        .any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// Kinsoku strictness (JLREQ §3.1.7): how strictly line-start rules
/// apply. Written `"strict"` or `"loose"` as `body.kinsoku` in
/// `layouts/pdf.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kinsoku {
    /// Iteration marks (々), ー and small kana never start a line.
    #[default]
    Strict,
    /// Iteration marks (々), ー and small kana may start a line.
    Loose,
}

impl CharClass {
    /// Whether a line may not start with this class.
    pub(crate) fn forbidden_at_line_start(self, kinsoku: Kinsoku) -> bool {
        match self {
            CharClass::Closing
            | CharClass::Hyphen
            | CharClass::Dividing
            | CharClass::MiddleDot
            | CharClass::FullStop
            | CharClass::Comma => true,
            CharClass::Iteration | CharClass::Prolonged | CharClass::SmallKana => {
                kinsoku == Kinsoku::Strict
            }
            _ => false,
        }
    }

    /// Whether a line may not end with this class.
    pub(crate) fn forbidden_at_line_end(self) -> bool {
        self == CharClass::Opening
    }

    /// Whether the class is a kana or ideograph that gets the ¼ em space
    /// next to Latin letters and numerals (punctuation has its own space).
    pub(crate) fn takes_latin_spacing(self) -> bool {
        matches!(
            self,
            CharClass::Ideographic
                | CharClass::Iteration
                | CharClass::Prolonged
                | CharClass::SmallKana
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_of_jlreq_examples() {
        for (c, class) in [
            ('「', CharClass::Opening),
            ('（', CharClass::Opening),
            ('」', CharClass::Closing),
            ('』', CharClass::Closing),
            ('〜', CharClass::Hyphen),
            ('？', CharClass::Dividing),
            ('・', CharClass::MiddleDot),
            ('。', CharClass::FullStop),
            ('、', CharClass::Comma),
            ('…', CharClass::Inseparable),
            ('々', CharClass::Iteration),
            ('ー', CharClass::Prolonged),
            ('ゃ', CharClass::SmallKana),
            ('ㇱ', CharClass::SmallKana),
            ('￥', CharClass::Prefix),
            ('％', CharClass::Postfix),
            ('\u{3000}', CharClass::IdeographicSpace),
            ('漢', CharClass::Ideographic),
            ('カ', CharClass::Ideographic),
            ('Ａ', CharClass::Ideographic),
            ('A', CharClass::Western),
            ('7', CharClass::Western),
            (' ', CharClass::Space),
        ] {
            assert_eq!(class_of(c), class, "{c}");
        }
    }

    #[test]
    fn strict_and_loose_line_start() {
        assert!(CharClass::SmallKana.forbidden_at_line_start(Kinsoku::Strict));
        assert!(!CharClass::SmallKana.forbidden_at_line_start(Kinsoku::Loose));
        assert!(CharClass::Closing.forbidden_at_line_start(Kinsoku::Loose));
        assert!(CharClass::Opening.forbidden_at_line_end());
        assert!(!CharClass::Closing.forbidden_at_line_end());
    }

    #[test]
    fn lookup_tables_agree_with_the_searches() {
        for c in [
            'a', ' ', '\u{3000}', '、', '。', '「', 'ー', 'ァ', '漢', '々', '？', '\u{FFFC}',
            '\u{31F0}', '\u{FF01}', '\u{FFFF}',
        ] {
            assert_eq!(class_of(c), classify(c), "{c:?}");
            assert_eq!(is_wide(c), is_wide_uncached(c), "{c:?}");
        }
        // Above the table: a CJK Extension B ideograph and an emoji.
        assert_eq!(class_of('\u{2000B}'), classify('\u{2000B}'));
        assert_eq!(is_wide('\u{2000B}'), is_wide_uncached('\u{2000B}'));
        assert_eq!(class_of('\u{1F600}'), classify('\u{1F600}'));
        let differing = (0..=0xFFFF_u32)
            .filter_map(char::from_u32)
            .filter(|&c| class_of(c) != classify(c) || is_wide(c) != is_wide_uncached(c))
            .count();
        assert_eq!(differing, 0);
    }
}
