//! Tests of whole-paragraph layout with the embedded fonts.

use super::*;
use crate::assets::{Assets, ImageStore};

fn fonts() -> FontBook {
    FontBook::load(&Assets::embedded(ImageStore::default())).expect("embedded fonts")
}

fn lay(src: &str, width: f32) -> ParagraphLayout {
    lay_with(src, ParagraphStyle::new(width, width / 10.0))
}

fn lay_with(src: &str, style: ParagraphStyle) -> ParagraphLayout {
    thread_local! {
        static FONTS: FontBook = fonts();
    }
    let cache = ShapeCache::new();
    FONTS.with(|f| layout_paragraph(&text(src), &style, f, &cache))
}

/// Each cluster of the paragraph: (line, text, pen x from the line start,
/// advance, ink x offset).
fn clusters(p: &ParagraphLayout) -> Vec<(usize, String, f32, f32, f32)> {
    let mut out = Vec::new();
    for (l, line) in p.lines.iter().enumerate() {
        for run in &line.runs {
            let mut x = run.x;
            for g in run.glyphs() {
                let t = run.text().get(g.range()).unwrap_or("").to_owned();
                out.push((l, t, x, g.x_advance, g.x_offset));
                x += g.x_advance;
            }
        }
    }
    out
}

/// The cluster whose text is `t` (the first one).
fn find<'a>(
    cs: &'a [(usize, String, f32, f32, f32)],
    t: &str,
) -> &'a (usize, String, f32, f32, f32) {
    cs.iter()
        .find(|c| c.1 == t)
        .unwrap_or_else(|| panic!("no cluster {t}"))
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 0.01
}

fn text(s: &str) -> Vec<InlinePiece<'_>> {
    vec![InlinePiece::Text {
        text: s,
        style: TextStyle::new(FontRole::Regular, 10.0),
    }]
}

fn line_texts(p: &ParagraphLayout) -> Vec<String> {
    p.lines
        .iter()
        .map(|l| l.runs.iter().map(|r| r.text()).collect())
        .collect()
}

#[test]
fn lines_cover_the_text_and_fit() {
    let fonts = fonts();
    let cache = ShapeCache::new();
    let src = "管理者アカウントを作成するには、「設定」画面の「ユーザー」タブを開き、Adminボタンを押してください。";
    let style = ParagraphStyle::new(120.0, 17.0);
    let p = layout_paragraph(&text(src), &style, &fonts, &cache);
    assert!(p.lines.len() > 1);
    assert_eq!(line_texts(&p).concat(), src);
    for line in &p.lines[..p.lines.len() - 1] {
        assert!((line.width - 120.0).abs() < 0.01, "{}", line.width);
    }
}

/// A readable dump of a layout: break points, run positions, glyph ids and
/// advances rounded to 0.01 pt.
fn dump(p: &ParagraphLayout) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for (i, line) in p.lines.iter().enumerate() {
        let text: String = line.runs.iter().map(|r| r.text()).collect();
        let _ = writeln!(
            out,
            "line {i} width={:.2} ascent={:.2} descent={:.2} text={text:?}",
            line.width, line.ascent, line.descent
        );
        for run in &line.runs {
            let _ = writeln!(
                out,
                "  run x={:.2} width={:.2} font={} size={} italic={} text={:?}",
                run.x,
                run.width,
                run.font.0,
                run.style.size,
                run.style.italic,
                run.text()
            );
            let glyphs: Vec<String> = run
                .glyphs()
                .iter()
                .map(|g| {
                    let mut s = format!("{}:{:.2}", g.id, g.x_advance);
                    if g.x_offset.abs() >= 0.005 || g.y_offset.abs() >= 0.005 {
                        s += &format!("@{:.2},{:.2}", g.x_offset, g.y_offset);
                    }
                    s + &format!("[{}..{}]", g.range().start, g.range().end)
                })
                .collect();
            for chunk in glyphs.chunks(8) {
                let _ = writeln!(out, "    {}", chunk.join(" "));
            }
        }
    }
    out
}

#[test]
fn no_line_starts_with_a_line_start_prohibited_character() {
    // Ten kanji fill a 100 pt line; the mark would fall at the next start.
    for c in [
        '」', '』', '）', '】', '〕', '〉', '》', '］', '｝', '、', '。', '，', '．', '・', '：',
        '；', '？', '！', '〜', 'ゝ', 'ゞ', 'ヽ', 'ヾ', '々', 'ー', 'ぁ', 'っ', 'ャ', 'ㇰ',
    ] {
        let src = format!("漢字漢字漢字漢字漢字{c}漢字漢字漢字漢字");
        let p = lay(&src, 100.0);
        assert_eq!(line_texts(&p).concat(), src);
        for t in &line_texts(&p)[1..] {
            assert!(
                !t.starts_with(c),
                "line starts with {c}: {:?}",
                line_texts(&p)
            );
        }
    }
}

#[test]
fn loose_kinsoku_lets_small_kana_start_a_line() {
    let src = "漢字漢字漢字漢字漢字ッ漢字漢字漢字漢字";
    let mut style = ParagraphStyle::new(100.0, 17.0);
    style.kinsoku = Kinsoku::Loose;
    let loose = lay_with(src, style);
    assert!(
        line_texts(&loose)[1].starts_with('ッ'),
        "{:?}",
        line_texts(&loose)
    );
    let strict = lay(src, 100.0);
    assert!(!line_texts(&strict)[1].starts_with('ッ'));
}

#[test]
fn no_line_ends_with_an_opening_bracket() {
    for c in ['「', '『', '（', '【', '〔', '〈', '《', '［', '｛'] {
        let src = format!("漢字漢字漢字漢字漢{c}字漢字漢字漢字漢字");
        let p = lay(&src, 100.0);
        for t in &line_texts(&p) {
            assert!(!t.ends_with(c), "line ends with {c}: {:?}", line_texts(&p));
        }
    }
}

#[test]
fn inseparable_runs_stay_together() {
    for run in ["……", "——", "‥‥"] {
        let src = format!("漢字漢字漢字漢字漢{run}字漢字漢字漢字");
        let p = lay(&src, 100.0);
        let lines = line_texts(&p);
        assert_eq!(lines.concat(), src);
        assert!(
            lines.iter().any(|l| l.contains(run)),
            "{run} split: {lines:?}"
        );
    }
}

#[test]
fn long_latin_word_breaks_only_when_wider_than_the_line() {
    let word = "Supercalifragilisticexpialidocious".repeat(3);
    let src = format!("漢字の{word}です");
    let p = lay(&src, 100.0);
    let lines = line_texts(&p);
    assert_eq!(lines.concat(), src);
    assert!(lines.len() >= 3);
    for line in &p.lines {
        assert!(line.width <= 100.0 + 0.01, "{}", line.width);
    }
    // A word that fits is moved whole to the next line.
    let p = lay("漢字漢字漢字漢字 Windows", 100.0);
    assert!(line_texts(&p).iter().any(|l| l.contains("Windows")));
}

#[test]
fn urls_break_after_separators() {
    let url = "https://example.com/general/ja/admin/list_useradmin/list_user/edit_userpw.html?lang=ja&mode=full";
    let p = lay(url, 120.0);
    let lines = line_texts(&p);
    assert_eq!(lines.concat(), url);
    assert!(lines.len() > 2);
    for l in &lines[..lines.len() - 1] {
        let last = l.chars().last().unwrap_or(' ');
        assert!("/?&=-_.".contains(last), "{l:?} in {lines:?}");
    }
    for line in &p.lines {
        assert!(line.width <= 120.0 + 0.01);
    }
}

#[test]
fn japanese_latin_space_is_a_quarter_em_and_optional() {
    let p = lay("漢字abc漢字", 300.0);
    let cs = clusters(&p);
    let (ji, a) = (find(&cs, "字"), find(&cs, "a"));
    assert!(close(a.2 - (ji.2 + 10.0), 2.5), "{cs:?}");
    let mut style = ParagraphStyle::new(300.0, 17.0);
    style.jl_spacing = 0.0;
    let solid = lay_with("漢字abc漢字", style);
    let cs = clusters(&solid);
    assert!(close(find(&cs, "a").2, find(&cs, "字").2 + 10.0));
    // Two spaces of 2.5 pt: before "a" and after "c".
    assert!(close(p.lines[0].width - solid.lines[0].width, 5.0));
    // A source space between Japanese and Latin becomes that space.
    let p = lay("漢字 abc", 300.0);
    let cs = clusters(&p);
    assert!(
        close(find(&cs, "a").2 - (find(&cs, "字").2 + 10.0), 2.5),
        "{cs:?}"
    );
}

#[test]
fn adjacent_punctuation_drops_the_space_between() {
    // Last line: natural widths. 」「 and 、「 keep half an em between the
    // inks, 。」 and ）、 none.
    let cs = clusters(&lay("漢」「漢", 300.0));
    assert!(close(find(&cs, "」").3 + find(&cs, "「").3, 15.0), "{cs:?}");
    let cs = clusters(&lay("漢、「漢", 300.0));
    assert!(close(find(&cs, "、").3 + find(&cs, "「").3, 15.0), "{cs:?}");
    let cs = clusters(&lay("漢。」漢", 300.0));
    assert!(
        close(find(&cs, "。").3, 5.0) && close(find(&cs, "」").3, 10.0),
        "{cs:?}"
    );
    let cs = clusters(&lay("漢）、漢", 300.0));
    assert!(
        close(find(&cs, "）").3, 5.0) && close(find(&cs, "、").3, 10.0),
        "{cs:?}"
    );
    let cs = clusters(&lay("「『漢』」", 300.0));
    assert!(
        close(find(&cs, "『").3, 5.0) && close(find(&cs, "』").3, 5.0),
        "{cs:?}"
    );
    // Alone, a bracket is set on a full em.
    let cs = clusters(&lay("漢「漢」漢", 300.0));
    let open = find(&cs, "「");
    assert!(close(open.3, 10.0), "{cs:?}");
    assert!(close(find(&cs, "」").3, 10.0));
}

#[test]
fn line_end_punctuation_loses_its_half_em_and_lines_stay_justified() {
    let src = "管理者がログインできない場合は、方法1から順に試してください。「方法1」が使えないときは、「方法2」を試します。";
    for width in [95.0, 100.0, 123.0, 150.0, 201.5] {
        let p = lay(src, width);
        assert_eq!(line_texts(&p).concat(), src);
        let n = p.lines.len();
        for (i, line) in p.lines.iter().enumerate() {
            if i + 1 < n {
                assert!(
                    close(line.width, width),
                    "line {i} {} at {width}: {:?}",
                    line.width,
                    line_texts(&p)
                );
            } else {
                assert!(line.width <= width + 0.01);
            }
            let last_run = line.runs.last().unwrap();
            let last = last_run.glyphs().last().unwrap();
            let t = &last_run.text()[last.range()];
            if matches!(t, "」" | "、" | "。") {
                // Only the ink half remains (0.5 em for 」, 0.6 em for 、。).
                assert!(
                    last.x_advance <= 6.0 + 0.01,
                    "{t} {} at {width}",
                    last.x_advance
                );
            }
        }
    }
}

#[test]
fn opening_bracket_at_a_line_start_loses_its_lead_except_at_paragraph_start() {
    // With a first-line indent the paragraph's bracket keeps its half em
    // after the indent (JIS X 4051); later line starts lose it.
    let mut style = ParagraphStyle::new(90.0, 17.0);
    style.first_line_indent = 10.0;
    let p = lay_with("「漢字漢字漢字」「漢字漢字」", style);
    let cs = clusters(&p);
    let first = cs.iter().find(|c| c.1 == "「").expect("bracket");
    assert!(close(first.2, 10.0) && close(first.3, 10.0), "{cs:?}");
    let later: Vec<_> = cs.iter().filter(|c| c.1 == "「" && c.2 == 0.0).collect();
    assert_eq!(later.len(), 1, "{cs:?}");
    assert!(close(later[0].3, 5.0), "later line start loses it: {cs:?}");
    // Without an indent (a list item starting with ［) the bracket is set
    // flush, not pushed right.
    let cs = clusters(&lay("［保存］をクリックします。", 200.0));
    let open = find(&cs, "［");
    assert!(close(open.2, 0.0) && close(open.3, 5.0), "{cs:?}");
}

#[test]
fn question_mark_is_followed_by_a_full_width_space() {
    let cs = clusters(&lay("本当？はい", 300.0));
    assert!(close(find(&cs, "は").2 - find(&cs, "？").2, 20.0), "{cs:?}");
    let cs = clusters(&lay("「本当？」はい", 300.0));
    assert!(close(find(&cs, "」").2 - find(&cs, "？").2, 10.0), "{cs:?}");
    let cs = clusters(&lay("本当？\u{3000}はい", 300.0));
    assert!(close(find(&cs, "？").3, 10.0), "{cs:?}");
}

#[test]
fn forced_breaks_end_unjustified_lines() {
    let fonts = fonts();
    let cache = ShapeCache::new();
    let st = TextStyle::new(FontRole::Regular, 10.0);
    let pieces = [
        InlinePiece::Text {
            text: "短い行",
            style: st.clone(),
        },
        InlinePiece::LineBreak,
        InlinePiece::LineBreak,
        InlinePiece::Text {
            text: "次の行",
            style: st,
        },
        InlinePiece::LineBreak,
    ];
    let p = layout_paragraph(&pieces, &ParagraphStyle::new(200.0, 17.0), &fonts, &cache);
    assert_eq!(line_texts(&p), vec!["短い行", "", "次の行"]);
    assert!(p.lines[0].width < 50.0);
    assert!(p.lines[1].ascent > 0.0 && p.lines[1].runs.is_empty());
}

#[test]
fn italic_only_for_latin_and_runs_split_by_style() {
    let fonts = fonts();
    let cache = ShapeCache::new();
    let mut it = TextStyle::new(FontRole::Regular, 10.0);
    it.italic = true;
    let bold = TextStyle::new(FontRole::Bold, 10.0);
    let pieces = [
        InlinePiece::Text {
            text: "強調Latin",
            style: it,
        },
        InlinePiece::Text {
            text: "太字",
            style: bold,
        },
    ];
    let p = layout_paragraph(&pieces, &ParagraphStyle::new(300.0, 17.0), &fonts, &cache);
    let runs = &p.lines[0].runs;
    let summary: Vec<(&str, bool, FontId)> = runs
        .iter()
        .map(|r| (r.text(), r.style.italic, r.font))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("強調", false, fonts.font(FontRole::Regular)),
            ("Latin", true, fonts.font(FontRole::Regular)),
            ("太字", false, fonts.font(FontRole::Bold)),
        ]
    );
}

#[test]
fn text_ranges_cover_every_character_once() {
    let src =
        "「『方法1』（推奨）」、または「方法2」を試してください。e\u{301}ﬁ office Ａ１ 😀 end";
    let p = lay(src, 80.0);
    assert_eq!(line_texts(&p).concat(), src);
    for line in &p.lines {
        for run in &line.runs {
            let mut covered = 0;
            for g in run.glyphs() {
                assert!(run.text().is_char_boundary(g.range().start));
                assert!(run.text().is_char_boundary(g.range().end));
                assert!(g.range().start <= covered && g.range().end >= covered);
                covered = covered.max(g.range().end);
                assert!(g.x_advance.is_finite() && g.x_advance >= -0.01, "{g:?}");
            }
            assert_eq!(covered, run.text().len());
        }
    }
}

#[test]
fn cache_avoids_reshaping_repeated_text() {
    let fonts = fonts();
    let cache = ShapeCache::new();
    let style = ParagraphStyle::new(200.0, 17.0);
    let a = layout_paragraph(&text("パスワードを変更する"), &style, &fonts, &cache);
    let (_, misses) = cache.stats();
    let b = layout_paragraph(&text("パスワードを変更する"), &style, &fonts, &cache);
    assert_eq!(cache.stats().1, misses);
    assert!(cache.stats().0 >= 1);
    assert_eq!(a, b);
}

#[test]
fn odd_input_does_not_panic() {
    for (src, width) in [
        ("", 100.0),
        ("   ", 100.0),
        ("\n\n", 100.0),
        ("漢字", 0.0),
        ("漢字abc", f32::NAN),
        ("漢字abc", -5.0),
        ("\u{0}\u{7}\u{200B}\u{FEFF}", 100.0),
        ("𠀋𡈽\u{E0100}", 1.0),
    ] {
        let p = lay(src, width);
        for line in &p.lines {
            assert!(line.width.is_finite());
        }
    }
}

#[test]
fn missing_glyphs_fall_back_before_notdef() {
    let fonts = fonts();
    // A character the proportional face lacks but the monospace face has,
    // if any; otherwise only check that nothing panics.
    let cache = ShapeCache::new();
    let p = layout_paragraph(
        &text("漢字😀"),
        &ParagraphStyle::new(200.0, 17.0),
        &fonts,
        &cache,
    );
    assert_eq!(line_texts(&p).concat(), "漢字😀");
}

/// Golden layouts: `tests/golden_inline/<name>.txt` holds the dump of each
/// case (break points, run positions, glyph ids and advances rounded to
/// 0.01 pt). Run with `UPDATE_GOLDEN=1` to rewrite the files after an
/// intended change, and review the diff.
#[test]
fn golden_paragraphs() {
    let cases: &[(&str, &str, f32)] = &[
        (
            "dense_punctuation",
            "「『方法1』（推奨）」、または「方法2」を試してください。",
            120.0,
        ),
        (
            "admin_login",
            "管理者がログインできない場合は、方法1から順に試してください。ログイン画面の[ログインでお困りですか？]をクリックします。",
            150.0,
        ),
        (
            "mixed_latin",
            "メールアドレスの入力画面が表示されない場合や、入力するメールアドレスが分からない場合は、ドメインIDを確認してからAWS移行後の手順（Windows 11 / macOS 14）に進みます。",
            180.0,
        ),
        (
            "url",
            "詳細はhttps://www.kintone.com/aws-migration/を参照してください。",
            100.0,
        ),
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden_inline");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for (name, src, width) in cases {
        let got = format!("source: {src}\nwidth: {width}\n{}", dump(&lay(src, *width)));
        let path = dir.join(format!("{name}.txt"));
        if update {
            std::fs::create_dir_all(&dir).expect("create golden dir");
            std::fs::write(&path, &got).expect("write golden");
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if want != got {
            failures.push(format!("{}:\n{got}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatch (UPDATE_GOLDEN=1 to accept):\n{}",
        failures.join("\n")
    );
}

#[test]
fn hanging_punctuation_lets_comma_and_stop_hang() {
    // Eight kanji fill 80 pt; 、 would have to move the last kanji down.
    let src = "漢字漢字漢字漢字、漢字漢字。";
    let mut style = ParagraphStyle::new(80.0, 17.0);
    style.hanging_punctuation = true;
    let p = lay_with(src, style);
    let lines = line_texts(&p);
    assert_eq!(lines[0], "漢字漢字漢字漢字、", "{lines:?}");
    let cs = clusters(&p);
    let comma = find(&cs, "、");
    assert!(
        close(comma.2, 80.0),
        "the comma hangs past the line end: {cs:?}"
    );
    let plain = lay(src, 80.0);
    assert_ne!(line_texts(&plain)[0], "漢字漢字漢字漢字、");
    assert!(plain.lines.iter().all(|l| l.width <= 80.0 + 0.01));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn layout_invariants(
        src in "[漢字かなカナ「」『』（）、。・？！ー々っ…a-zA-Z0-9 /.:%￥\\-]{0,60}",
        width in 20.0f32..300.0,
        loose in proptest::bool::ANY,
    ) {
        let mut style = ParagraphStyle::new(width, 17.0);
        if loose {
            style.kinsoku = Kinsoku::Loose;
        }
        let p = lay_with(&src, style.clone());
        let lines = line_texts(&p);
        proptest::prop_assert_eq!(lines.concat(), src.replace('\t', " "));
        for (i, line) in p.lines.iter().enumerate() {
            let clusters = lines[i].trim_end().chars().count();
            proptest::prop_assert!(line.width <= width + 0.01 || clusters <= 1, "line {} too wide: {} > {} {:?}", i, line.width, width, lines);
            if i + 1 < p.lines.len() && lines[i].chars().any(classes::is_wide) && clusters >= 2 {
                // Justified, or set flush-start when the caps do not allow it.
                let justified = (line.width - width).abs() < 0.02;
                let ragged = line.width < width && max_gap_growth(&src, &style, i) < 0.01;
                proptest::prop_assert!(justified || ragged, "line {} neither justified nor ragged: {} {:?}", i, line.width, lines);
            }
            let growth = max_gap_growth(&src, &style, i);
            proptest::prop_assert!(growth <= 2.5 + 0.01, "line {} gap grows by {} pt > ¼ em {:?}", i, growth, lines);
        }
        for t in lines.iter().skip(1) {
            if let Some(c) = t.chars().next() {
                let class = classes::class_of(c);
                // A line may start with a prohibited character only when the
                // unit before it was wider than the line (emergency break).
                if class.forbidden_at_line_start(style_kinsoku(loose)) {
                    proptest::prop_assert!(width < 100.0, "line starts with {} {:?}", c, lines);
                }
            }
        }
    }
}

/// The most any gap between two neighbouring clusters of line `line`
/// grows (in pt) when the paragraph is justified, against the same lines
/// set unjustified (the breaks do not depend on justification).
fn max_gap_growth(src: &str, style: &ParagraphStyle, line: usize) -> f32 {
    let justified = clusters(&lay_with(src, style.clone()));
    let mut plain_style = style.clone();
    plain_style.justify = false;
    let plain = clusters(&lay_with(src, plain_style));
    let on = |cs: &[(usize, String, f32, f32, f32)]| -> Vec<f32> {
        cs.iter()
            .filter(|c| c.0 == line && !c.1.is_empty())
            .map(|c| c.2)
            .collect()
    };
    let (j, r) = (on(&justified), on(&plain));
    j.windows(2)
        .zip(r.windows(2))
        .map(|(a, b)| (a[1] - a[0]) - (b[1] - b[0]))
        .fold(0.0f32, f32::max)
}

fn style_kinsoku(loose: bool) -> Kinsoku {
    if loose {
        Kinsoku::Loose
    } else {
        Kinsoku::Strict
    }
}

#[test]
fn alignment_and_first_line_indent() {
    let src = "管理者がログインできない場合は、方法1から順に試してください。";
    let mut style = ParagraphStyle::new(100.0, 17.0);
    style.first_line_indent = 10.0;
    let p = lay_with(src, style.clone());
    assert!(close(p.lines[0].runs[0].x, 10.0));
    assert!(close(p.lines[0].width, 100.0));
    style.justify = false;
    style.align = Align::Center;
    style.first_line_indent = 0.0;
    let p = lay_with("短い", style.clone());
    let line = &p.lines[0];
    let used = line.runs.last().map_or(0.0, |r| r.width);
    assert!(close(line.runs[0].x, (100.0 - used) / 2.0), "{line:?}");
    style.align = Align::Right;
    let p = lay_with("短い", style);
    assert!(close(p.lines[0].width, 100.0));
}

#[test]
fn long_inputs_stay_fast() {
    // A paragraph of 6,000 characters and a 20,000-letter word: both lay
    // out in well under a second even unoptimised (no quadratic scans).
    let para = "管理者がログインできない場合は、「方法1」から順に試してください。AWS移行後はWindows 11で確認します。".repeat(100);
    let word = "a".repeat(20_000);
    let t = std::time::Instant::now();
    let p = lay(&para, 300.0);
    assert!(p.lines.len() > 100);
    let w = lay(&word, 300.0);
    assert_eq!(line_texts(&w).concat(), word);
    assert!(t.elapsed().as_secs_f32() < 5.0, "{:?}", t.elapsed());
}

#[test]
fn fonts_and_cache_are_shared_across_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<FontBook>();
    shared::<ShapeCache>();
    let fonts = fonts();
    let cache = ShapeCache::new();
    let style = ParagraphStyle::new(120.0, 17.0);
    let texts = ["設定を開きます。", "管理者を追加します。"];
    let results: Vec<ParagraphLayout> = std::thread::scope(|s| {
        let handles: Vec<_> = texts
            .iter()
            .map(|t| s.spawn(|| layout_paragraph(&text(t), &style, &fonts, &cache)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    for (r, t) in results.iter().zip(texts) {
        assert_eq!(line_texts(r).concat(), t);
    }
}

/// A paragraph of plain text with one piece of inline code.
fn with_code<'a>(before: &'a str, code: &'a str, after: &'a str) -> Vec<InlinePiece<'a>> {
    let mut mono = TextStyle::new(FontRole::Mono, 8.5);
    mono.background = Some(crate::layout::frame::Rgb(238, 240, 243));
    vec![
        InlinePiece::Text {
            text: before,
            style: TextStyle::new(FontRole::Regular, 10.0),
        },
        InlinePiece::Text {
            text: code,
            style: mono,
        },
        InlinePiece::Text {
            text: after,
            style: TextStyle::new(FontRole::Regular, 10.0),
        },
    ]
}

/// Lays out pieces with a style (the shared fonts).
fn lay_pieces(pieces: &[InlinePiece], style: &ParagraphStyle) -> ParagraphLayout {
    let fonts = fonts();
    let cache = ShapeCache::new();
    layout_paragraph(pieces, style, &fonts, &cache)
}

/// The largest growth of any gap between neighbouring clusters (pt),
/// justified against unjustified, over all lines of a paragraph of pieces.
fn pieces_gap_growth(pieces: &[InlinePiece], style: &ParagraphStyle) -> f32 {
    let justified = clusters(&lay_pieces(pieces, style));
    let mut plain = style.clone();
    plain.justify = false;
    let plain = clusters(&lay_pieces(pieces, &plain));
    assert_eq!(justified.len(), plain.len());
    justified
        .windows(2)
        .zip(plain.windows(2))
        .filter(|(a, _)| a[0].0 == a[1].0)
        .map(|(a, b)| (a[1].2 - a[0].2) - (b[1].2 - b[0].2))
        .fold(0.0f32, f32::max)
}

#[test]
fn a_code_token_that_does_not_fit_breaks_instead_of_spacing_out_the_line() {
    // Issue 13's cases: 「ト　ー　ク　ン　は」 and 「あ あ あ CSV フ ァ イ ル」.
    for (before, code, after, width) in [
        (
            "アクセストークンは",
            "X-Cybozu-API-Token-For-Application-Record-Management",
            "ヘッダーに指定します。",
            200.0,
        ),
        (
            "あああ CSV ファイル ",
            "https://example.cybozu.com/k/v1/records.json?app=1&fields=id",
            " から読み込みます。",
            300.0,
        ),
    ] {
        let pieces = with_code(before, code, after);
        let style = ParagraphStyle::new(width, 17.0);
        let p = lay_pieces(&pieces, &style);
        let growth = pieces_gap_growth(&pieces, &style);
        assert!(
            growth <= 2.5 + 0.01,
            "a gap grows by {growth} pt (> ¼ em): {:?}",
            line_texts(&p)
        );
        // The token starts on the first line, broken after a separator.
        let first = &line_texts(&p)[0];
        assert!(first.starts_with(before), "{first}");
        assert!(first.len() > before.len() + 4, "token not started: {first}");
        assert!((p.lines[0].width - width).abs() < 0.02, "{first}");
        let (cut, _) = code.split_at(first.len() - before.len());
        assert!(
            cut.ends_with(['-', '/', '.', '?', '&', '=']),
            "broken after a separator: {cut}"
        );
    }
}

#[test]
fn a_line_beyond_the_stretch_caps_is_set_flush_start() {
    // An overlong Latin word with no break opportunity follows one kana:
    // the kana line cannot be justified within the caps.
    let word = "a".repeat(60);
    let src = format!("あい {word}");
    let p = lay(&src, 100.0);
    assert_eq!(line_texts(&p)[0].trim_end(), "あい");
    assert!(p.lines[0].width < 30.0, "{}", p.lines[0].width);
    let style = ParagraphStyle::new(100.0, 10.0);
    assert!(pieces_gap_growth(&text(&src), &style) < 0.01);
}

#[test]
fn stretching_is_even_across_latin_and_japanese_gaps() {
    // No word spaces: every gap that grows is a Japanese–Latin space (cap
    // ¼ em more) or an inter-character slot (cap ¼ em), so all grow alike.
    let src = "管理者はWebブラウザーでGoogle Chromeを使います。設定画面でkintoneの項目を開き、APIトークンを確認します。";
    let style = ParagraphStyle::new(173.0, 17.0);
    let p = lay(src, 173.0);
    let justified = clusters(&p);
    let mut plain = style.clone();
    plain.justify = false;
    let plain = clusters(&lay_with(src, plain));
    for line in 0..p.lines.len() - 1 {
        let growths: Vec<f32> = justified
            .windows(2)
            .zip(plain.windows(2))
            .filter(|(a, _)| a[0].0 == line && a[1].0 == line)
            .filter(|(a, _)| a[0].1 != " " && a[1].1 != " ")
            .map(|(a, b)| (a[1].2 - a[0].2) - (b[1].2 - b[0].2))
            .filter(|g| *g > 0.01)
            .collect();
        let (lo, hi) = growths
            .iter()
            .fold((f32::MAX, 0.0f32), |(l, h), &g| (l.min(g), h.max(g)));
        assert!(
            growths.is_empty() || hi - lo < 0.02,
            "line {line}: growths {growths:?}"
        );
    }
}

#[test]
fn ideographic_space_is_one_em() {
    let p = lay(
        "項目名　値　　説明の順に、全角スペースで区切って入力します。",
        120.0,
    );
    let cs = clusters(&p);
    let spaces: Vec<_> = cs.iter().filter(|c| c.1 == "\u{3000}").collect();
    assert_eq!(spaces.len(), 3);
    for s in spaces {
        assert!(close(s.3, 10.0), "U+3000 advance {}", s.3);
    }
}

#[test]
fn an_unbreakable_megabyte_lays_out_in_linear_time() {
    // 256 kB without a break opportunity (the 3 MB and 10 MB cases are
    // benchmarked in benches/pipeline.rs); quadratic work here would take
    // minutes.
    let word = "a".repeat(1 << 18);
    let p = lay(&word, 300.0);
    assert!(p.lines.len() > 1000);
    assert_eq!(
        p.lines
            .iter()
            .map(|l| l.runs.iter().map(|r| r.text().len()).sum::<usize>())
            .sum::<usize>(),
        word.len()
    );
}
