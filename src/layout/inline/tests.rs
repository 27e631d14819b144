//! Tests of whole-paragraph layout with the embedded fonts.

use super::*;
use crate::assets::{Assets, ImageStore};

fn fonts() -> FontBook {
    FontBook::load(&Assets::embedded(ImageStore::default())).expect("embedded fonts")
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
        .map(|l| l.runs.iter().map(|r| r.text.as_str()).collect())
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
