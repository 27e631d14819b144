//! Unit tests of Markdown and HTML parsing into the model.

use super::*;
use crate::diag::{Severity, SourceId};
use crate::model::{AdmonitionKind, Inline, LinkTarget, List, plain_text};
use crate::shortcode::{CallKind, MapPiece, ShortcodeCall, SourceMap};

fn page_with(text: &str, calls: Vec<ShortcodeCall>) -> ResolvedPage {
    ResolvedPage {
        source: SourceId(0),
        text: text.to_string(),
        map: SourceMap {
            source: SourceId(0),
            pieces: vec![MapPiece {
                resolved: 0..text.len(),
                original: 0..text.len(),
                copied: true,
            }],
        },
        calls,
    }
}

fn parse(text: &str) -> (Vec<Block>, Diagnostics) {
    parse_with(text, Vec::new())
}

fn parse_with(text: &str, calls: Vec<ShortcodeCall>) -> (Vec<Block>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let blocks = parse_page(&page_with(text, calls), &Default::default(), &mut diags);
    (blocks, diags)
}

fn screen(src: &str) -> ShortcodeCall {
    ShortcodeCall {
        name: "screen".into(),
        kind: CallKind::Screen {
            src: src.into(),
            alt: "画面".into(),
            title: None,
            width: None,
        },
        span: crate::diag::Span::point(SourceId(0), 0),
    }
}

fn admonition(name: &str, kind: AdmonitionKind, label: &str) -> ShortcodeCall {
    ShortcodeCall {
        name: name.into(),
        kind: CallKind::Admonition {
            kind,
            label: label.into(),
            inner: None,
        },
        span: crate::diag::Span::point(SourceId(0), 0),
    }
}

fn para_text(block: &Block) -> String {
    match block {
        Block::Paragraph(p) => plain_text(&p.content),
        other => panic!("paragraph expected, got {other:?}"),
    }
}

fn list(block: &Block) -> &List {
    match block {
        Block::List(l) => l,
        other => panic!("list expected, got {other:?}"),
    }
}

fn warnings(diags: &Diagnostics) -> Vec<String> {
    diags
        .items()
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn ordered_list_keeps_start_number() {
    let (blocks, _) = parse("3. a\n1. b\n1. c\n");
    let l = list(&blocks[0]);
    assert_eq!(l.start, Some(3));
    assert_eq!(l.items.len(), 3);
    let (blocks, _) = parse("1. a\n1. b\n");
    assert_eq!(list(&blocks[0]).start, Some(1));
    let (blocks, _) = parse("* a\n* b\n");
    assert_eq!(list(&blocks[0]).start, None);
}

#[test]
fn soft_breaks_in_japanese_disappear() {
    let (blocks, _) = parse("ログイン画面を\n表示します。\nThen click\nSave.\n");
    assert_eq!(
        para_text(&blocks[0]),
        "ログイン画面を表示します。Then click Save."
    );
}

#[test]
fn soft_break_before_link_goes_outside_it() {
    let (blocks, _) = parse("see\n[the page](x.html)\n");
    let Block::Paragraph(p) = &blocks[0] else {
        panic!("paragraph expected")
    };
    assert_eq!(p.content[0], Inline::Text("see ".into()));
    let Inline::Link(link) = &p.content[1] else {
        panic!("link expected")
    };
    assert_eq!(plain_text(&link.content), "the page");
}

#[test]
fn hard_breaks_and_br_are_line_breaks() {
    let (blocks, _) = parse("一行目  \n二行目<br>三行目\n");
    let Block::Paragraph(p) = &blocks[0] else {
        panic!("paragraph expected")
    };
    let breaks = p
        .content
        .iter()
        .filter(|i| **i == Inline::LineBreak)
        .count();
    assert_eq!(breaks, 2);
    assert_eq!(plain_text(&p.content), "一行目 二行目 三行目");
}

#[test]
fn heading_ids_written_and_generated() {
    let (blocks, _) = parse("## 方法1 {#login_10}\n\n## 方法2\n");
    let Block::Heading(h1) = &blocks[0] else {
        panic!("heading expected")
    };
    assert_eq!(h1.anchor, "login_10");
    assert_eq!(h1.text, "方法1");
    let Block::Heading(h2) = &blocks[1] else {
        panic!("heading expected")
    };
    assert_eq!(h2.anchor, "方法2");
}

#[test]
fn goldmark_extensions_footnotes_definitions_tasks_linkify() {
    let text = "本文[^a]と[^b]と[^a]と[^x]。\n\n[^b]: 二つ目。\n[^a]: 一つ目の**脚注**。\n[^unused]: 使われない。\n\n\
                用語\n: 定義。\n: もう一つ。\n\n- [ ] 未完了\n- [x] 完了\n\n\
                詳細は https://example.com/a_(b) を。www.example.com も。URLhttps://x.jp と www.example.com と a@example.com。\n";
    let (blocks, diags) = parse(text);
    assert!(diags.items().is_empty(), "{:?}", diags.items());
    let Block::Paragraph(p) = &blocks[0] else {
        panic!("paragraph expected: {blocks:?}")
    };
    assert_eq!(
        p.content,
        vec![
            Inline::Text("本文".into()),
            Inline::FootnoteRef(1),
            Inline::Text("と".into()),
            Inline::FootnoteRef(2),
            Inline::Text("と".into()),
            Inline::FootnoteRef(1),
            Inline::Text("と[^x]。".into()),
        ]
    );
    let Block::DefinitionList(d) = &blocks[1] else {
        panic!("definition list expected: {:?}", blocks[1])
    };
    assert_eq!(d.items.len(), 1);
    assert_eq!(d.items[0].term, vec![Inline::Text("用語".into())]);
    assert_eq!(d.items[0].definitions.len(), 2);
    let Block::List(tasks) = &blocks[2] else {
        panic!("list expected")
    };
    let states: Vec<Option<bool>> = tasks.items.iter().map(|i| i.checked).collect();
    assert_eq!(states, [Some(false), Some(true)]);
    let Block::Paragraph(p) = &blocks[3] else {
        panic!("paragraph expected")
    };
    let hrefs: Vec<&str> = p
        .content
        .iter()
        .filter_map(|i| match i {
            Inline::Link(l) => match &l.target {
                LinkTarget::Unresolved(h) => Some(h.as_str()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    // After 「。」 and glued to 「URL」 nothing is linked (goldmark's rule).
    assert_eq!(
        hrefs,
        [
            "https://example.com/a_(b)",
            "https://www.example.com",
            "mailto:a@example.com"
        ]
    );
    // The footnotes come last, numbered by first reference; unused is dropped.
    let notes: Vec<(u32, String)> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Footnote(f) => Some((f.number, format!("{:?}", f.blocks))),
            _ => None,
        })
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0].0, 1);
    assert!(notes[0].1.contains("一つ目の"), "{notes:?}");
    assert!(notes[1].1.contains("二つ目"), "{notes:?}");
    assert_eq!(blocks.len(), 6);
}

#[test]
fn typographer_follows_hugo_and_can_be_turned_off() {
    let text = "\"引用符\" と 'single' と -- と --- と ... と << >>。`\"code\" ...`\n";
    let (blocks, _) = parse(text);
    let Block::Paragraph(p) = &blocks[0] else {
        panic!("paragraph expected")
    };
    assert_eq!(
        plain_text(&p.content),
        "“引用符” と ‘single’ と – と — と … と « »。\"code\" ..."
    );
    let options = crate::markdown::MarkdownOptions {
        typographer: false,
        linkify: false,
        footnotes: false,
        ..Default::default()
    };
    let mut diags = Diagnostics::new();
    let blocks = parse_page(
        &page_with("\"a\" ... https://x.jp [^1]\n", vec![]),
        &options,
        &mut diags,
    );
    let Block::Paragraph(p) = &blocks[0] else {
        panic!("paragraph expected")
    };
    assert_eq!(
        p.content,
        vec![Inline::Text("\"a\" ... https://x.jp [^1]".into())]
    );
}

#[test]
fn screen_in_list_item_splits_paragraph() {
    let text = "1. クリックします。\n  \u{FDD0}=0\u{FDD1}  \n  上記の画面です。\n1. 次へ\n";
    let (blocks, diags) = parse_with(text, vec![screen("/img/a.png")]);
    assert!(diags.items().is_empty(), "{:?}", diags.items());
    let l = list(&blocks[0]);
    assert_eq!(l.items.len(), 2);
    let item = &l.items[0].blocks;
    assert_eq!(item.len(), 3, "{item:?}");
    assert_eq!(para_text(&item[0]), "クリックします。");
    let Block::Figure(f) = &item[1] else {
        panic!("figure expected")
    };
    assert_eq!(f.image.src, "/img/a.png");
    assert_eq!(f.alt, "画面");
    assert_eq!(para_text(&item[2]), "上記の画面です。");
}

#[test]
fn screen_placeholder_as_own_paragraph_is_a_figure() {
    let (blocks, _) = parse_with("前\n\n\u{FDD0}=0\u{FDD1}\n\n後\n", vec![screen("/a.png")]);
    assert_eq!(blocks.len(), 3, "{blocks:?}");
    assert!(matches!(blocks[1], Block::Figure(_)));
}

#[test]
fn admonition_wraps_blocks() {
    let text =
        "\u{FDD0}(0\u{FDD1}\n\n注意事項です。\n\n* a\n* b\n\n\u{FDD0})0\u{FDD1}\n\n後の段落\n";
    let (blocks, _) = parse_with(
        text,
        vec![admonition("warning", AdmonitionKind::Warning, "注意")],
    );
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    let Block::Admonition(a) = &blocks[0] else {
        panic!("admonition expected")
    };
    assert_eq!(a.name, "warning");
    assert_eq!(a.label, "注意");
    assert_eq!(a.blocks.len(), 2);
    assert_eq!(para_text(&blocks[1]), "後の段落");
}

#[test]
fn nested_admonitions_and_in_list_items() {
    let text = "1. 手順\n   \u{FDD0}(0\u{FDD1}\n\n   外側\n\n   \u{FDD0}(1\u{FDD1}\n\n   内側\n\n   \u{FDD0})0\u{FDD1}\n\n   \u{FDD0})0\u{FDD1}\n\n1. 次\n";
    let calls = vec![
        admonition("note", AdmonitionKind::Note, "メモ"),
        admonition("tip", AdmonitionKind::Tip, "ヒント"),
    ];
    let (blocks, _) = parse_with(text, calls);
    let l = list(&blocks[0]);
    assert_eq!(l.items.len(), 2, "{blocks:?}");
    let item = &l.items[0].blocks;
    assert_eq!(para_text(&item[0]), "手順");
    let Block::Admonition(outer) = &item[1] else {
        panic!("admonition expected: {item:?}")
    };
    assert_eq!(outer.name, "note");
    assert_eq!(para_text(&outer.blocks[0]), "外側");
    let Block::Admonition(inner) = &outer.blocks[1] else {
        panic!("inner admonition expected")
    };
    assert_eq!(inner.name, "tip");
    assert_eq!(para_text(&inner.blocks[0]), "内側");
}

/// The inline images of a paragraph block, as (src, alt).
fn inline_images(block: &Block) -> Vec<(String, String)> {
    let Block::Paragraph(p) = block else {
        panic!("paragraph expected: {block:?}")
    };
    let mut out = Vec::new();
    let mut stack: Vec<&Inline> = p.content.iter().rev().collect();
    while let Some(inline) = stack.pop() {
        match inline {
            Inline::Image(i) => out.push((i.image.src.clone(), i.alt.clone())),
            Inline::Link(l) => stack.extend(l.content.iter().rev()),
            Inline::Styled(_, c) => stack.extend(c.iter().rev()),
            _ => {}
        }
    }
    out
}

#[test]
fn inline_image_stays_in_its_sentence() {
    let (blocks, _) = parse("「ログイン名」欄に![](/img/i.png)が表示されない\n\n![図](/f.png)\n");
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    let Block::Paragraph(p) = &blocks[0] else {
        panic!("paragraph expected: {blocks:?}")
    };
    assert!(
        matches!(p.content.as_slice(),
            [Inline::Text(a), Inline::Image(i), Inline::Text(b)]
                if a == "「ログイン名」欄に" && i.image.src == "/img/i.png" && i.alt.is_empty()
                    && b == "が表示されない"),
        "{:?}",
        p.content
    );
    let Block::Figure(f) = &blocks[1] else {
        panic!("figure expected")
    };
    assert_eq!((f.image.src.as_str(), f.alt.as_str()), ("/f.png", "図"));
}

#[test]
fn only_a_paragraph_of_nothing_but_images_becomes_figures() {
    let (blocks, _) = parse(
        "[![リンクの図](/a.png)](https://example.com)\n\n![一](/b.png)\n![二](/c.png)\n\n\
         <img src=\"/d.png\" alt=\"生\">\n",
    );
    let figures: Vec<&str> = blocks
        .iter()
        .map(|b| match b {
            Block::Figure(f) => f.alt.as_str(),
            other => panic!("figure expected: {other:?}"),
        })
        .collect();
    assert_eq!(figures, ["リンクの図", "一", "二", "生"]);
}

#[test]
fn images_in_cells_items_and_html_text_stay_inline() {
    let (blocks, _) = parse(
        "| a |\n|---|\n| <img src=\"/g.png\" alt=\"歯車\"> を押す |\n| ![鉛筆](/e.png)を押す |\n\n\
         1. 右上の![歯車](/g.png)をクリック\n\n\
         <table><tr><td>生の表 <img src=\"/e.png\" alt=\"鉛筆\"> を押す</td><td><img src=\"/s.png\" alt=\"図\"></td></tr></table>\n",
    );
    let Block::Table(t) = &blocks[0] else {
        panic!("table expected: {blocks:?}")
    };
    assert_eq!(
        inline_images(&t.body[0].cells[0].blocks[0]),
        [("/g.png".to_string(), "歯車".to_string())]
    );
    assert_eq!(para_text(&t.body[0].cells[0].blocks[0]), "歯車 を押す");
    assert_eq!(inline_images(&t.body[1].cells[0].blocks[0]).len(), 1);
    let Block::List(l) = &blocks[1] else {
        panic!("list expected: {blocks:?}")
    };
    assert_eq!(inline_images(&l.items[0].blocks[0]).len(), 1);
    let Block::Table(raw) = &blocks[2] else {
        panic!("table expected: {blocks:?}")
    };
    let cells = &raw.body[0].cells;
    assert_eq!(inline_images(&cells[0].blocks[0]).len(), 1);
    // A cell holding nothing but an image: a figure, as a paragraph would.
    assert!(matches!(cells[1].blocks.as_slice(), [Block::Figure(f)] if f.alt == "図"));
}

#[test]
fn soft_breaks_next_to_inline_images_join_japanese() {
    let (blocks, _) = parse("設定の\n![](/g.png)\nをクリック。Click\n![](/g.png)\nnow.\n");
    let Block::Paragraph(p) = &blocks[0] else {
        panic!("paragraph expected")
    };
    let texts: Vec<&str> = p
        .content
        .iter()
        .filter_map(|i| match i {
            Inline::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["設定の", "をクリック。Click ", " now."]);
}

#[test]
fn markdown_table_has_head_and_alignment() {
    let (blocks, _) = parse("| a | b |\n|:--|--:|\n| 1 | 2 |\n| 3 | 4 |\n");
    let Block::Table(t) = &blocks[0] else {
        panic!("table expected")
    };
    assert_eq!(t.columns, 2);
    assert_eq!(t.head.len(), 1);
    assert!(t.head[0].cells[0].header);
    assert_eq!(t.body.len(), 2);
    assert_eq!(t.body[1].cells[1].align, Align::Right);
    assert_eq!(t.body[1].cells[0].align, Align::Left);
    assert_eq!(para_text(&t.body[1].cells[1].blocks[0]), "4");
}

#[test]
fn html_table_with_spans_and_lists_in_cells() {
    let text = "<table>\n<caption>料金</caption>\n<thead><tr><th>項目</th><th colspan=\"2\">内容</th></tr></thead>\n<tbody>\n<tr><td rowspan=\"2\">A</td><td>x</td><td><ul><li>一</li><li>二</li></ul></td></tr>\n<tr><td>y</td><td><p>段落</p><br>z</td></tr>\n</tbody>\n</table>\n";
    let (blocks, diags) = parse(text);
    assert!(diags.items().is_empty(), "{:?}", diags.items());
    assert_eq!(blocks.len(), 1, "{blocks:?}");
    let Block::Table(t) = &blocks[0] else {
        panic!("table expected")
    };
    assert_eq!(t.columns, 3);
    assert_eq!(
        t.caption.as_ref().map(|c| plain_text(c)),
        Some("料金".into())
    );
    assert_eq!(t.head.len(), 1);
    assert_eq!(t.head[0].cells[1].colspan, 2);
    assert!(t.head[0].cells[0].header);
    assert_eq!(t.body.len(), 2);
    assert_eq!(t.body[0].cells[0].rowspan, 2);
    let cell = &t.body[0].cells[2];
    assert_eq!(list(&cell.blocks[0]).items.len(), 2);
    assert_eq!(t.body[1].cells.len(), 2);
    assert_eq!(para_text(&t.body[1].cells[1].blocks[0]), "段落");
    assert_eq!(para_text(&t.body[1].cells[1].blocks[1]), "z");
}

#[test]
fn html_table_widths_and_th_header_row() {
    use crate::model::Length;
    let text = "<table>\n<colgroup span=\"2\" width=\"30%\"></colgroup>\n<colgroup><col width=\"50px\"><col></colgroup>\n<tr><th width=\"120\">名前</th><th style=\"color: red; width: 10%\">内容</th><th width=\"2em\">x</th><th>y</th></tr>\n<tr><td>a</td><td>b</td><td>c</td><td>d</td></tr>\n</table>\n";
    let (blocks, diags) = parse(text);
    assert!(diags.items().is_empty(), "{:?}", diags.items());
    let Block::Table(t) = &blocks[0] else {
        panic!("table expected")
    };
    assert_eq!(
        t.col_widths,
        [
            Some(Length::Percent(30.0)),
            Some(Length::Percent(30.0)),
            Some(Length::Px(50.0)),
            None
        ]
    );
    // The row of `th` cells in the implied tbody is the head.
    assert_eq!((t.head.len(), t.body.len()), (1, 1));
    let widths: Vec<Option<Length>> = t.head[0].cells.iter().map(|c| c.width).collect();
    assert_eq!(
        widths,
        [
            Some(Length::Px(120.0)),
            Some(Length::Percent(10.0)),
            None,
            None
        ]
    );
    assert_eq!(Length::parse(" 0 "), None);
    assert_eq!(Length::parse("150%"), None);
    assert_eq!(Length::parse("12.5 %"), Some(Length::Percent(12.5)));
}

#[test]
fn script_is_dropped_with_warning() {
    let (blocks, diags) = parse(
        "<div onclick=\"x()\">本文<script>alert(1)</script></div>\n\n文<script>evil()</script>章\n",
    );
    let all: String = blocks.iter().map(para_text).collect();
    assert!(!all.contains("alert") && !all.contains("evil"), "{all}");
    assert!(all.contains("本文") && all.contains("文章"), "{all}");
    let w = warnings(&diags);
    assert!(w.iter().any(|m| m.contains("onclick")), "{w:?}");
    assert_eq!(
        w.iter().filter(|m| m.contains("<script>")).count(),
        2,
        "{w:?}"
    );
}

#[test]
fn unknown_tags_keep_their_text() {
    let (blocks, diags) = parse("<marquee>動く文字</marquee>\n");
    assert_eq!(para_text(&blocks[0]), "動く文字");
    assert!(warnings(&diags).iter().any(|m| m.contains("marquee")));
}

#[test]
fn inline_html_styles_nest() {
    let (blocks, _) =
        parse("a <b>bold <i>both</i></b> <a href=\"/x.html\">link</a> <kbd>Ctrl</kbd>\n");
    let Block::Paragraph(p) = &blocks[0] else {
        panic!("paragraph expected")
    };
    assert!(matches!(&p.content[1], Inline::Styled(InlineStyle::Strong, c) if c.len() == 2));
    assert!(p.content.iter().any(|i| matches!(i, Inline::Link(l) if l.target == crate::model::LinkTarget::Unresolved("/x.html".into()))));
    assert!(
        p.content
            .iter()
            .any(|i| matches!(i, Inline::Styled(InlineStyle::Keyboard, _)))
    );
}

#[test]
fn html_img_is_a_figure_with_width() {
    let (blocks, _) = parse("<img src=\"/a.png\" alt=\"代替\" width=\"300\">\n");
    let Block::Figure(f) = &blocks[0] else {
        panic!("figure expected: {blocks:?}")
    };
    assert_eq!(f.alt, "代替");
    assert_eq!(f.width, Some(300.0));
    let (_, diags) = parse("<img src=\"/a.png\">\n");
    assert!(warnings(&diags).iter().any(|m| m.contains("no `alt`")));
    let (_, diags) = parse("<img src=\"/a.png\" alt=\"\">\n");
    assert!(warnings(&diags).is_empty());
}

#[test]
fn deep_nesting_is_flattened_not_overflowing() {
    let text = format!("{}x\n", "> ".repeat(3000));
    let (blocks, diags) = parse(&text);
    assert!(!blocks.is_empty());
    assert!(warnings(&diags).iter().any(|m| m.contains("nested deeper")));
    let html = format!(
        "{}x{}",
        "<div><ul><li>".repeat(1000),
        "</li></ul></div>".repeat(1000)
    );
    let (blocks, _) = parse(&html);
    assert!(!blocks.is_empty());
}

#[test]
fn spans_point_into_source() {
    let (blocks, _) = parse("abc\n\n## 見出し\n");
    let Block::Heading(h) = &blocks[1] else {
        panic!("heading expected")
    };
    assert_eq!(h.span.start, 5);
}

mod no_panic {
    use super::*;
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "\n",
        "\n\n",
        "  \n",
        "* ",
        "1. ",
        "3) ",
        "> ",
        "## ",
        "{#x}",
        "|",
        "---",
        "```",
        "    ",
        "\u{FDD0}(0\u{FDD1}",
        "\u{FDD0}=1\u{FDD1}",
        "\u{FDD0})0\u{FDD1}",
        "\u{FDD0}(9\u{FDD1}",
        "<table>",
        "<tr>",
        "<td rowspan=\"9999\">",
        "</td>",
        "</table>",
        "<ul>",
        "<li>",
        "</li>",
        "<b>",
        "</b>",
        "<br>",
        "<script>",
        "</script>",
        "<img src=x>",
        "[a](",
        ")",
        "![i](/x.png)",
        "**",
        "*",
        "~~",
        "`",
        "テキスト",
        "text",
        "。",
        "<p>",
        "</p>",
        "<pre>",
        "</pre>",
        "<code>",
        "</code>",
        "<a href=\"javascript:x\">",
        "</a>",
        "<!--",
        "-->",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn arbitrary_markdown_never_panics(parts in proptest::collection::vec(0..PIECES.len(), 0..60)) {
            let text: String = parts.iter().map(|&i| PIECES[i]).collect();
            let calls = vec![
                admonition("warning", AdmonitionKind::Warning, "注意"),
                screen("/x.png"),
            ];
            let _ = parse_with(&text, calls);
        }

        #[test]
        fn arbitrary_strings_never_panic(text in "\\PC{0,200}") {
            let _ = parse(&text);
        }
    }
}

#[test]
fn markdown_between_html_table_tags_lands_in_the_cell() {
    let text = "<table>\n<tr><td>\n\n* 一\n* 二\n\n</td><td>b</td></tr>\n</table>\n\n後\n";
    let (blocks, _) = parse(text);
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    let Block::Table(t) = &blocks[0] else {
        panic!("table expected: {blocks:?}")
    };
    assert_eq!(t.columns, 2);
    assert_eq!(list(&t.body[0].cells[0].blocks[0]).items.len(), 2);
    assert_eq!(para_text(&t.body[0].cells[1].blocks[0]), "b");
    assert_eq!(para_text(&blocks[1]), "後");
}

#[test]
fn unclosed_html_table_keeps_the_rest_of_the_page() {
    let (blocks, _) = parse("<table><tr><td>\n\n本文\n\n## 見出し\n");
    let all = format!("{blocks:?}");
    assert!(all.contains("本文") && all.contains("見出し"), "{all}");
}

#[test]
fn placeholder_in_html_cell() {
    let text = "<table><tr><td>\u{FDD0}=0\u{FDD1}</td></tr></table>\n";
    let (blocks, _) = parse_with(text, vec![screen("/s.png")]);
    let Block::Table(t) = &blocks[0] else {
        panic!("table expected: {blocks:?}")
    };
    assert!(matches!(t.body[0].cells[0].blocks[0], Block::Figure(_)));
}

#[test]
fn autolinks_keep_their_scheme() {
    let (blocks, _) = parse("<https://example.com/a> と <info@example.com>\n");
    let Block::Paragraph(p) = &blocks[0] else {
        panic!("paragraph expected")
    };
    let hrefs: Vec<_> = p
        .content
        .iter()
        .filter_map(|i| match i {
            Inline::Link(l) => Some(l.target.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        hrefs,
        vec![
            crate::model::LinkTarget::Unresolved("https://example.com/a".into()),
            crate::model::LinkTarget::Unresolved("mailto:info@example.com".into()),
        ]
    );
}

#[test]
fn html_text_collapses_whitespace_and_joins_japanese_lines() {
    let (blocks, _) = parse("<div>\n  ログイン\n  画面を開く  and\n  close\n</div>\n");
    assert_eq!(para_text(&blocks[0]), "ログイン画面を開く and close");
}

#[test]
fn huge_lines_and_deep_lists_stay_fast() {
    let line = "テキスト<b>太字</b>*強調*<br>".repeat(8000);
    assert!(line.len() > 200_000);
    let started = std::time::Instant::now();
    let (blocks, _) = parse(&line);
    assert_eq!(blocks.len(), 1);
    let lists: String = (0..3000)
        .map(|i| format!("{}* x\n", "  ".repeat(i)))
        .collect();
    let (blocks, _) = parse(&lists);
    assert_eq!(blocks.len(), 1);
    let breaks = "<br>".repeat(50_000);
    let (blocks, _) = parse(&format!("a{breaks}b"));
    assert_eq!(blocks.len(), 1);
    // Generous bound for a debug build on a loaded machine: catches
    // quadratic behaviour, not small regressions.
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}

#[test]
fn screen_inside_admonition_does_not_close_it() {
    let text = "\u{FDD0}(0\u{FDD1}\n\n前\n\u{FDD0}=1\u{FDD1}\n後\n\n\u{FDD0})0\u{FDD1}\n\n外\n";
    let calls = vec![
        admonition("note", AdmonitionKind::Note, "メモ"),
        screen("/s.png"),
    ];
    let (blocks, _) = parse_with(text, calls);
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    let Block::Admonition(a) = &blocks[0] else {
        panic!("admonition expected")
    };
    assert_eq!(a.blocks.len(), 3, "{:?}", a.blocks);
    assert!(matches!(a.blocks[1], Block::Figure(_)));
    assert_eq!(para_text(&a.blocks[2]), "後");
    assert_eq!(para_text(&blocks[1]), "外");
}

/// A page resolved by the shortcode step (built-in mappings, JP) and parsed
/// with the default (Hugo) dialect.
pub(super) fn resolve_and_parse(text: &str) -> (Vec<Block>, Diagnostics) {
    use crate::shortcode::{ContentIndex, PageFacts, RegionContext, resolve_body};
    let regions = vec!["JP".to_string()];
    let vars = std::collections::BTreeMap::new();
    let mappings = std::collections::BTreeMap::new();
    let content = ContentIndex::default();
    let ctx = RegionContext {
        region: "JP",
        regions: &regions,
        vars: &vars,
        mappings: &mappings,
        language: "ja",
        content: &content,
    };
    let mut diags = Diagnostics::new();
    let page = resolve_body(SourceId(0), text, 0, PageFacts::default(), &ctx, &mut diags);
    let blocks = parse_page(&page, &Default::default(), &mut diags);
    (blocks, diags)
}

/// A v1 box's inner document is read in the page's dialect: its heading id
/// comes from its own source line and counts with the page's, and
/// footnotes, linkify, the typographer and inline images work inside it.
#[test]
fn v1_inner_document_is_read_in_the_page_dialect() {
    let text = "{{< note >}}\n## **太字**の見出し\n\n\"引用\" と https://example.com と「![歯車](/gear.png)」[^1]\n\n[^1]: 注釈です。\n{{< /note >}}\n\n## 太字の見出し\n";
    let (blocks, diags) = resolve_and_parse(text);
    assert!(diags.items().is_empty(), "{:?}", diags.items());
    let [
        Block::Admonition(note),
        Block::Heading(after),
        Block::Footnote(footnote),
    ] = blocks.as_slice()
    else {
        panic!("note, heading, footnote expected: {blocks:?}")
    };
    let [Block::Heading(inside), Block::Paragraph(p)] = note.blocks.as_slice() else {
        panic!("heading and paragraph in the note: {:?}", note.blocks)
    };
    assert_eq!(inside.anchor, "太字の見出し");
    assert_eq!(after.anchor, "太字の見出し-1");
    assert!(p.content.contains(&Inline::FootnoteRef(1)), "{p:?}");
    assert!(
        p.content.iter().any(|i| matches!(i, Inline::Link(l)
            if l.target == LinkTarget::Unresolved("https://example.com".into()))),
        "{p:?}"
    );
    assert!(
        p.content
            .iter()
            .any(|i| matches!(i, Inline::Image(img) if img.alt == "歯車")),
        "{p:?}"
    );
    assert!(plain_text(&p.content).starts_with("“引用”"), "{p:?}");
    assert_eq!(footnote.number, 1);
    assert!(format!("{:?}", footnote.blocks).contains("注釈です。"));
}

/// A shortcode in an inline image's alt text or title is removed with a
/// warning; the image stays inline in its sentence.
#[test]
fn placeholder_in_inline_image_is_removed_with_a_warning() {
    let text = "「![歯車{{< screen src=\"/s.png\" >}}](/gear.png)」と<img src=\"/b.png\" alt=\"b\" title=\"t{{< screen src=/t.png >}}\">をクリック\n";
    let (blocks, diags) = resolve_and_parse(text);
    let [Block::Paragraph(p)] = blocks.as_slice() else {
        panic!("one paragraph expected: {blocks:?}")
    };
    let images: Vec<(&str, Option<&str>)> = p
        .content
        .iter()
        .filter_map(|i| match i {
            Inline::Image(img) => Some((img.alt.as_str(), img.title.as_deref())),
            _ => None,
        })
        .collect();
    assert_eq!(images, vec![("歯車", None), ("b", Some("t"))]);
    let warnings = diags
        .items()
        .iter()
        .filter(|d| d.message.contains("cannot stand in a link, an image"))
        .count();
    assert_eq!(warnings, 2, "{:?}", diags.items());
}
