//! Laying out a pass's pages in runs on several threads gives exactly what
//! laying them out one after another gives: the same flow of pieces, the
//! same image keys (in order of first use) and the same diagnostics in the
//! same order, whatever the cuts; and the whole paged document and PDF
//! bytes are the same on a pool of 1 thread and of 4.
//!
//! The book crosses every boundary `layout::parallel` joins: images first
//! used in later pages (their keys must be mapped) and used again, a tall
//! image cut into bands, a table whose header rows (with an image) repeat,
//! a missing image (a diagnostic), footnotes and URL notes numbered per
//! page, page references (counted over all threads), pages ending in a
//! heading (its glue crosses to the next page), and top-level and nested
//! pages (the space above a nested page's title depends on the pieces
//! before it).

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use crate::assets::ImageStore;
use crate::layout::flow::TextContext;
use crate::layout::font::FontBook;
use crate::layout::inline::LayoutCache;
use crate::layout::style::PdfStyle;
use crate::model::testing::{
    book, cell, figure, heading, internal, link, page, para, para_text, row, text,
};
use crate::model::{
    Align, Block, Footnote, ImageRef, Inline, InlineImage, LinkTarget, PageKind, Table,
};

/// Writes a PNG of `w` × `h` pixels in `colour` to `dir/name`.
fn png(dir: &Path, name: &str, w: u32, h: u32, colour: [u8; 4]) -> PathBuf {
    let path = dir.join(name);
    let img = image::RgbaImage::from_pixel(w, h, image::Rgba(colour));
    assert!(img.save(&path).is_ok(), "write {name}");
    path
}

/// An image inside text.
fn inline_image(path: &Path) -> Inline {
    Inline::Image(Box::new(InlineImage {
        image: ImageRef {
            src: "/img/icon.png".into(),
            path: path.to_path_buf(),
        },
        alt: "アイコン".into(),
        title: None,
        width: None,
        span: crate::model::testing::span(7),
    }))
}

/// A table of `rows` body rows whose header row holds an inline image.
fn long_table(icon: &Path, rows: usize) -> Block {
    let head = vec![row(vec![
        cell(
            true,
            1,
            1,
            Align::Default,
            vec![para(vec![inline_image(icon), text("項目")])],
        ),
        cell(true, 1, 1, Align::Default, vec![para_text("説明")]),
    ])];
    let body = (0..rows)
        .map(|i| {
            row(vec![
                cell(
                    false,
                    1,
                    1,
                    Align::Default,
                    vec![para_text(&format!("行{i}"))],
                ),
                cell(
                    false,
                    1,
                    1,
                    Align::Default,
                    vec![para_text("表の本文は折り返して二行になることもあります。")],
                ),
            ])
        })
        .collect();
    Block::Table(Table {
        caption: None,
        head,
        body,
        columns: 2,
        col_widths: Vec::new(),
        span: crate::model::testing::span(3),
    })
}

/// A book of 12 pages exercising every join (see the module comment), its
/// images in `dir`.
fn sample(dir: &Path) -> crate::model::Book {
    let red = png(dir, "red.png", 120, 80, [200, 30, 30, 255]);
    let blue = png(dir, "blue.png", 90, 60, [30, 30, 200, 255]);
    let icon = png(dir, "icon.png", 16, 16, [30, 160, 30, 255]);
    let tall = png(dir, "tall.png", 200, 8000, [120, 120, 120, 255]);
    let missing = dir.join("missing.png");
    let prose = "管理者は、ユーザーの追加や削除、パスワードの再設定を行えます。".repeat(5);
    let body = |i: usize| -> Vec<Block> {
        let mut blocks = vec![
            para(vec![
                text(&format!("{i}. {prose}")),
                link(internal((i + 5) % 12, None), "関連ページ"),
                text("を参照してください。"),
                Inline::FootnoteRef(1),
                link(
                    LinkTarget::External(format!("https://example.com/{i}")),
                    "外部",
                ),
            ]),
            heading(2, &format!("s{i}"), "設定"),
            para_text(&prose),
            Block::Footnote(Footnote {
                number: 1,
                blocks: vec![para_text("脚注の本文です。")],
                span: crate::model::testing::span(11),
            }),
        ];
        match i % 4 {
            // Blue first used here, red used again.
            1 => blocks.push(figure(&blue, "青", Some("青い画面"), 20 + i)),
            2 => blocks.push(figure(&red, "赤", None, 20 + i)),
            3 => blocks.push(figure(&missing, "ない", None, 20 + i)),
            _ => {}
        }
        if i == 6 {
            blocks.push(long_table(&icon, 60));
        }
        if i == 8 {
            blocks.push(figure(&tall, "縦長", Some("縦長の画面"), 40));
        }
        // Pages 4 and 9 end in a heading: the next page's title is kept
        // with it.
        if i == 4 || i == 9 {
            blocks.push(heading(2, &format!("end{i}"), "次のページへ"));
        }
        blocks
    };
    let pages = (0..12)
        .map(|i| {
            let (kind, depth) = if i % 5 == 0 {
                (PageKind::Section, 0)
            } else {
                (PageKind::Page, 1)
            };
            page(
                i,
                kind,
                depth,
                &format!("ページ{i}"),
                &format!("p{i}"),
                body(i),
            )
        })
        .collect();
    book(1_700_000_000, pages)
}

/// Everything a pass gives, in a comparable form: the flow's pieces, the
/// images' files in key order, the diagnostics and the page references.
fn pass(
    book: &crate::model::Book,
    assets: &Assets,
    runs: &[Range<usize>],
) -> (String, Vec<PathBuf>, String, usize) {
    let Ok(fonts) = FontBook::for_choice(assets, &book.region.fonts) else {
        panic!("fonts load");
    };
    let style = PdfStyle::defaults();
    let text = TextContext::with_cache(&fonts, book, &style, Arc::new(LayoutCache::new()));
    let area = Size::new(400.0, 600.0);
    let mut diags = Diagnostics::new();
    let page_fn = |ctx: &mut BlockContext, flow: &mut Flow, page: &Page| {
        crate::layout::document::lay_out_page(ctx, flow, page, area.width);
    };
    let (flow, images, separator) =
        lay_out_runs(&text, book, assets, area, &mut diags, &page_fn, runs);
    let files = images
        .into_images()
        .iter()
        .map(|image| image.path.clone())
        .collect();
    (
        format!("{:?}{separator:?}", flow.pieces),
        files,
        format!("{:?}", diags.items()),
        text.refs_printed(),
    )
}

#[test]
fn runs_on_threads_give_the_flow_of_one_run() {
    let Some(dir) = tempfile::tempdir().ok() else {
        panic!("temp dir");
    };
    let book = sample(dir.path());
    let assets = Assets::embedded(ImageStore::new());
    let n = book.pages.len();
    // One run: the pages one after another on one thread.
    let whole = runs(&book.pages, 1);
    assert_eq!(whole.len(), 1);
    let one = pass(&book, &assets, &whole);
    // The pass really has what the joins must get right.
    assert_eq!(one.1.len(), 4, "red, blue, icon and tall: {:?}", one.1);
    assert!(one.2.contains("missing.png"), "no diagnostic: {}", one.2);
    assert!(one.3 > 0, "no page reference printed");
    assert!(one.0.contains("repeat: Some"), "no repeated header");
    assert!(one.0.contains("tall: Some"), "no tall image");

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .expect("pool");
    let cuts: Vec<Vec<Range<usize>>> = vec![
        (0..n).map(|i| i..i + 1).collect(),
        vec![0..5, 5..n],
        vec![0..1, 1..7, 7..10, 10..n],
        runs(&book.pages, 3),
    ];
    for cut in cuts {
        let parallel = pool.install(|| pass(&book, &assets, &cut));
        assert_eq!(parallel.1, one.1, "image keys differ with runs {cut:?}");
        assert_eq!(parallel.2, one.2, "diagnostics differ with runs {cut:?}");
        assert_eq!(
            parallel.3, one.3,
            "page references differ with runs {cut:?}"
        );
        assert!(parallel.0 == one.0, "the flow differs with runs {cut:?}");
    }
}

#[test]
fn a_pool_of_four_lays_out_the_pdf_of_a_pool_of_one() {
    let Some(dir) = tempfile::tempdir().ok() else {
        panic!("temp dir");
    };
    let book = sample(dir.path());
    let assets = Assets::embedded(ImageStore::new());
    let style = PdfStyle::defaults();
    let build = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| {
            let mut diags = Diagnostics::new();
            let doc = crate::layout::document::lay_out_book_with(
                &book,
                &assets,
                &style,
                &Arc::default(),
                &mut diags,
            )
            .expect("laid out");
            // The sheets, bookmarks and images' files (an image's PDF form
            // is made once per store, by the first PDF written).
            let files: Vec<&Path> = doc
                .images
                .iter()
                .map(|image| image.path.as_path())
                .collect();
            let debug = format!("{:?}{:?}{files:?}", doc.sheets, doc.outline);
            let pdf = crate::pdf::write_pdf(
                doc,
                &book,
                &assets.images,
                crate::pdf::Conformance::Tagged,
                &mut diags,
            )
            .expect("written")
            .to_bytes()
            .expect("in memory");
            (debug, pdf, format!("{:?}", diags.items()))
        })
    };
    let one = build(1);
    let four = build(4);
    assert!(one.0.contains("Sheet"), "nothing laid out");
    assert!(one.0 == four.0, "the paged documents differ");
    assert_eq!(one.2, four.2, "the diagnostics differ");
    assert!(one.1 == four.1, "the PDF bytes differ");
}

#[test]
fn runs_cover_the_pages_in_order_and_balance_their_blocks() {
    let Some(dir) = tempfile::tempdir().ok() else {
        panic!("temp dir");
    };
    let book = sample(dir.path());
    let n = book.pages.len();
    for parts in [1, 2, 3, 5, 12, 40] {
        let cut = runs(&book.pages, parts);
        assert!(
            !cut.is_empty() && cut.len() <= parts.min(n),
            "{parts}: {cut:?}"
        );
        assert_eq!(cut.first().map(|r| r.start), Some(0));
        assert_eq!(cut.last().map(|r| r.end), Some(n));
        assert!(
            cut.windows(2)
                .all(|w| w[0].end == w[1].start && !w[0].is_empty())
        );
    }
    // Two runs of a book whose pages weigh the same split it in half.
    let even: Vec<Page> = (0..8)
        .map(|i| {
            page(
                i,
                PageKind::Page,
                1,
                "t",
                &format!("e{i}"),
                vec![para_text("x")],
            )
        })
        .collect();
    assert_eq!(runs(&even, 2), vec![0..4, 4..8]);
    assert_eq!(runs(&[], 4), vec![0..0]);
}
