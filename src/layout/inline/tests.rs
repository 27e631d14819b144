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

/// A readable dump of a layout: break points, run positions, glyph ids and
/// advances rounded to 0.01 pt.
pub(crate) fn dump(p: &ParagraphLayout) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for (i, line) in p.lines.iter().enumerate() {
        let text: String = line.runs.iter().map(|r| r.text.as_str()).collect();
        let _ = writeln!(
            out,
            "line {i} width={:.2} ascent={:.2} descent={:.2} text={text:?}",
            line.width, line.ascent, line.descent
        );
        for run in &line.runs {
            let _ = writeln!(
                out,
                "  run x={:.2} width={:.2} font={} size={} italic={} text={:?}",
                run.x, run.width, run.font.0, run.style.size, run.style.italic, run.text
            );
            let glyphs: Vec<String> = run
                .glyphs
                .iter()
                .map(|g| {
                    let mut s = format!("{}:{:.2}", g.id, g.x_advance);
                    if g.x_offset.abs() >= 0.005 || g.y_offset.abs() >= 0.005 {
                        s += &format!("@{:.2},{:.2}", g.x_offset, g.y_offset);
                    }
                    s + &format!("[{}..{}]", g.text_range.start, g.text_range.end)
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
fn show() {
    let fonts = fonts();
    let cache = ShapeCache::new();
    for src in [
        "「『方法1』（推奨）」、または「方法2」を試してください。",
        "管理者がログインできない場合は、方法1から順に試してください。",
        "ログイン画面の[ログインでお困りですか？]をクリックします。",
        "AWSへの移行が完了したお客様は、Windows 11でhttps://www.kintone.com/aws-migration/を開きます。",
    ] {
        let style = ParagraphStyle::new(150.0, 17.0);
        let p = layout_paragraph(&text(src), &style, &fonts, &cache);
        println!("{}", dump(&p));
    }
}

#[test]
fn probe_features() {
    let fonts = fonts();
    for id in fonts.ids() {
        let face = fonts.hb_face(id);
        let mut tags = Vec::new();
        for table in [face.tables().gsub, face.tables().gpos]
            .into_iter()
            .flatten()
        {
            for f in table.features {
                tags.push(f.tag.to_string());
            }
        }
        tags.sort();
        tags.dedup();
        println!("{} {:?}", fonts.name(id), tags);
        for feats in ["", "fwid", "palt", "halt", "pwid"] {
            let mut buf = rustybuzz::UnicodeBuffer::new();
            buf.push_str("「あア漢」、。・（Ａ）？ー");
            buf.set_language("ja".parse().unwrap());
            let features: Vec<rustybuzz::Feature> = if feats.is_empty() {
                vec![]
            } else {
                vec![feats.parse().unwrap()]
            };
            let out = rustybuzz::shape(face, &features, buf);
            let v: Vec<String> = out
                .glyph_infos()
                .iter()
                .zip(out.glyph_positions())
                .map(|(i, p)| format!("{}:{}/{}", i.glyph_id, p.x_advance, p.x_offset))
                .collect();
            println!("  {feats:5} {}", v.join(" "));
        }
    }
}
