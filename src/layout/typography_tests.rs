//! Issue 13 §1 and §5 measured on the laid-out frames of whole documents
//! (stress paragraphs of `tests/fixtures/typography` as a model book): the
//! gap between neighbouring glyphs of a justified line never grows by more
//! than ¼ em over the same line set unjustified, the body line is 40 em,
//! bullets follow the list level, and with the line grid every body
//! baseline sits a whole number of pitches below the text area's top.
//!
//! Input: a model book, [`PdfStyle`] variants. Output: assertions on the
//! [`PagedDocument`]s `lay_out_book` returns (positions read from the
//! frames, as the PDF writer draws them).

use crate::assets::{Assets, ImageStore};
use crate::diag::Diagnostics;
use crate::layout::document::lay_out_book;
use crate::layout::frame::{FrameItem, PagedDocument};
use crate::layout::style::PdfStyle;
use crate::model::testing::{admonition, book, list, page, para, para_text, text};
use crate::model::{AdmonitionKind, Book, Inline, PageKind};

/// The stress paragraphs of the fixture's first page and a page of
/// headings, lists and a box.
fn stress_book() -> Book {
    let code = |s: &str| Inline::Code(s.into());
    let blocks = vec![
        para(vec![
            text("APIを使うには、アクセストークンは "),
            code("X-Cybozu-API-Token-For-Application-Record-Management"),
            text(" ヘッダーに指定します。"),
        ]),
        para(vec![
            text("あああ CSV ファイル "),
            code(
                "https://example.cybozu.com/k/v1/records.json?app=1&query=updated_time>\"2024-01-01\"&fields=id",
            ),
            text(" から読み込みます。"),
        ]),
        para(vec![
            text("トークンは "),
            code("getRecordsWithCursorAndTotalCountValue"),
            text(
                " で取得し、 https://developer.cybozu.io/hc/ja/articles/202166310-kintone-REST-API-Overview を参照してください。",
            ),
        ]),
        para(vec![
            text("識別子 "),
            code("user_account_settings.notification_preferences.email_digest_frequency"),
            text(" を設定します。"),
        ]),
        para_text(
            "項目名　　値　　説明の順に、全角スペース（U+3000）で区切って入力します。ひとつの全角スペースは必ず1字分です。",
        ),
        para_text(
            "管理者は、ユーザーの追加や削除を行えます。設定画面の「ユーザー管理」から操作し、cybozu.com のヘルプも参照してください。Webブラウザーで Google Chrome、Microsoft Edge、Mozilla Firefox、Safari を使えます。「［保存］」をクリックすると、変更が反映されます。kintone REST API の Record API を使用するとアプリのレコードを一括で更新できます。",
        ),
    ];
    let mut second = Vec::new();
    for i in 0..6 {
        second.push(crate::model::testing::heading(
            2,
            &format!("h{i}"),
            &format!("見出し{i}"),
        ));
        second.push(para_text("管理者は、ユーザーの追加や削除を行えます。設定画面の「ユーザー管理」から操作し、cybozu.com のヘルプも参照してください。"));
        second.push(list(
            None,
            vec![
                vec![
                    para_text("項目です。"),
                    list(
                        None,
                        vec![vec![
                            para_text("入れ子の項目です。"),
                            list(None, vec![vec![para_text("さらに深い項目です。")]]),
                        ]],
                    ),
                ],
                vec![para_text("［保存］をクリックします。")],
            ],
        ));
        second.push(admonition(
            AdmonitionKind::Note,
            "補足",
            "note",
            vec![list(None, vec![vec![para_text("箱の中の項目です。")]])],
        ));
    }
    book(
        1_700_000_000,
        vec![
            page(0, PageKind::Section, 0, "行の調整の限界", "justify", blocks),
            page(
                1,
                PageKind::Page,
                1,
                "ページと見出しと箇条書き",
                "pages",
                second,
            ),
        ],
    )
}

/// The book laid out with `style`.
fn lay_out(book: &Book, style: &PdfStyle) -> PagedDocument {
    let assets = Assets::embedded(ImageStore::new());
    let mut diags = Diagnostics::new();
    lay_out_book(book, &assets, style, &mut diags).expect("laid out")
}

/// Every text run's glyphs on body sheets as (sheet, baseline y, x of the
/// glyph's pen position, advance, size, the glyph's text), in drawing order.
fn glyphs(doc: &PagedDocument) -> Vec<(usize, f32, f32, f32, f32, String)> {
    let mut out = Vec::new();
    for (s, sheet) in doc.sheets.iter().enumerate() {
        for (at, item) in &sheet.items {
            if let FrameItem::Text(run) = item {
                let mut x = at.x;
                for g in run.glyphs() {
                    let t = run.text().get(g.range()).unwrap_or("").to_owned();
                    out.push((s, at.y, x, g.x_advance, run.size, t));
                    x += g.x_advance;
                }
            }
        }
    }
    out
}

#[test]
fn justified_gaps_grow_by_at_most_a_quarter_em() {
    let book = stress_book();
    let justified = glyphs(&lay_out(&book, &PdfStyle::defaults()));
    let mut ragged_style = PdfStyle::defaults();
    ragged_style.body.justify = false;
    let ragged = glyphs(&lay_out(&book, &ragged_style));
    assert_eq!(justified.len(), ragged.len());
    let mut measured = 0;
    let mut largest = 0.0f32;
    for (j, r) in justified.windows(2).zip(ragged.windows(2)) {
        // Neighbours on one line (same sheet and baseline, left to right).
        if j[0].0 != j[1].0 || (j[0].1 - j[1].1).abs() > 0.01 || j[1].2 < j[0].2 {
            continue;
        }
        assert_eq!(j[1].5, r[1].5, "the same glyphs in both layouts");
        let growth = (j[1].2 - j[0].2) - (r[1].2 - r[0].2);
        let em = j[0].4.max(j[1].4);
        largest = largest.max(growth / em);
        assert!(
            growth <= 0.25 * em + 0.01,
            "{:?}→{:?} grows by {growth:.2} pt (> ¼ em)",
            j[0].5,
            j[1].5
        );
        measured += 1;
    }
    assert!(
        measured > 500 && largest > 0.01,
        "{measured} gaps, largest {largest}"
    );
}

#[test]
fn ideographic_spaces_are_one_em_and_the_line_forty() {
    let doc = lay_out(&stress_book(), &PdfStyle::defaults());
    let all = glyphs(&doc);
    let spaces: Vec<_> = all.iter().filter(|g| g.5 == "\u{3000}").collect();
    assert_eq!(spaces.len(), 4);
    assert!(
        spaces.iter().all(|g| (g.3 - g.4).abs() < 0.01),
        "{spaces:?}"
    );
    // Body lines (10 pt) reach from the text area's left edge to 40 em.
    let body: Vec<_> = all.iter().filter(|g| (g.4 - 10.0).abs() < 0.01).collect();
    let left = body.iter().map(|g| g.2).fold(f32::MAX, f32::min);
    let right = body.iter().map(|g| g.2 + g.3).fold(0.0f32, f32::max);
    assert!(((right - left) - 400.0).abs() < 0.5, "{left}..{right}");
}

#[test]
fn bullets_follow_the_list_level() {
    let doc = lay_out(&stress_book(), &PdfStyle::defaults());
    let all = glyphs(&doc);
    // Where an item's text starts: the index of its first glyph.
    let find = |item: &str| -> usize {
        let n = item.chars().count();
        (0..all.len())
            .find(|&i| {
                all.get(i..i + n)
                    .is_some_and(|w| w.iter().map(|g| g.5.as_str()).collect::<String>() == item)
            })
            .unwrap_or_else(|| panic!("no {item}"))
    };
    // The marker drawn on the baseline of an item's first glyph.
    let marker = |item: &str| -> String {
        let at = find(item);
        let (sheet, y, x) = (all[at].0, all[at].1, all[at].2);
        all.iter()
            .filter(|g| g.0 == sheet && (g.1 - y).abs() < 0.01 && g.2 < x && x - g.2 < 20.0)
            .map(|g| g.5.clone())
            .collect()
    };
    assert_eq!(marker("項目です。"), "•");
    assert_eq!(marker("入れ子の項目です。"), "◦");
    assert_eq!(marker("さらに深い項目です。"), "–");
    // A top-level list in a box: the first-level bullet.
    assert_eq!(marker("箱の中の項目です。"), "•");
    // ［ at the start of an item is flush: its pen position is where the
    // text of the other items starts, the ink half an em later.
    let x_of = |item: &str| all[find(item)].2;
    assert!(
        (x_of("［保存］をクリック") - x_of("項目です。")).abs() < 0.01,
        "［ pushed right"
    );
}

#[test]
fn the_line_grid_registers_body_baselines() {
    let book = stress_book();
    let mut style = PdfStyle::defaults();
    style.body.line_grid = true;
    let pitch = style.body.size * style.body.leading;
    let top = style.margins(book.region.paper).margin_top;
    let on_grid = |doc: &PagedDocument| -> (usize, usize) {
        // Body lines outside boxes: 10 pt runs at the text area's left
        // edge or in list items (boxes start 11 pt in).
        let mut residues = Vec::new();
        for g in glyphs(doc) {
            if (g.4 - 10.0).abs() < 0.01 && g.0 > 1 {
                residues.push((g.1 - top).rem_euclid(pitch));
            }
        }
        let first = residues.first().copied().unwrap_or(0.0);
        let off = residues
            .iter()
            .filter(|r| {
                let d = (*r - first).abs();
                d.min(pitch - d) > 0.05
            })
            .count();
        (residues.len(), off)
    };
    let doc = lay_out(&book, &style);
    let (count, off) = on_grid(&doc);
    // The box's lines are off the grid (its padding); everything else is on.
    let boxed = glyphs(&doc).iter().filter(|g| g.5 == "箱").count();
    assert!(count > 300, "{count}");
    // (each box: its item's glyphs and its bullet)
    let per_box = "箱の中の項目です。".chars().count() + 1;
    assert!(off <= boxed * per_box, "{off} glyphs off the grid");
    let (_, off_default) = on_grid(&lay_out(&book, &PdfStyle::defaults()));
    assert!(
        off_default > off + 50,
        "the default layout is off the grid: {off_default}"
    );
}
