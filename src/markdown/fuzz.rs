//! Property tests of the front end: arbitrary text through front matter,
//! shortcode resolution and Markdown never panics, the source map stays
//! inside the file, and no shortcode placeholder survives into the model
//! (whatever the shortcodes, code fences and indentation). (Here, at the top
//! of the three steps, so that no lower step imports a higher one.)

use std::collections::BTreeMap;

use proptest::prelude::*;

use crate::diag::{Diagnostics, SourceId};
use crate::model::{Block, Inline, LinkTarget, walk};
use crate::shortcode::{ContentIndex, PageFacts, RegionContext, resolve_body, resolve_title};
use crate::site::frontmatter::parse_front_matter;

/// Pieces that make tag-like input likely.
fn fragments() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{{%".to_string()),
        Just("%}}".to_string()),
        Just("{{<".to_string()),
        Just(">}}".to_string()),
        Just("/>}}".to_string()),
        Just("{{% enabled JP %}}".to_string()),
        Just("{{% /enabled %}}".to_string()),
        Just("{{% disabled US XX %}}".to_string()),
        Just("{{% /disabled %}}".to_string()),
        Just("{{% note %}}".to_string()),
        Just("{{% /note %}}".to_string()),
        Just("{{< screen src=\"/a.png\" alt=\"x\" >}}".to_string()),
        Just("{{%service%}}".to_string()),
        Just("\"".to_string()),
        Just("\n".to_string()),
        Just("  ".to_string()),
        Just("1. ".to_string()),
        Just("---\n".to_string()),
        Just("+++\n".to_string()),
        Just("title: ".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("<script>".to_string()),
        Just("[a](#b)".to_string()),
        Just("{{% warning %}}".to_string()),
        Just("{{% /warning %}}".to_string()),
        Just("{{< note >}}".to_string()),
        Just("{{< /note >}}".to_string()),
        Just("{{% v2box %}}".to_string()),
        Just("{{% /v2box %}}".to_string()),
        Just("{{% sub %}}".to_string()),
        Just("{{% /sub %}}".to_string()),
        Just("{{< highlight go >}}".to_string()),
        Just("{{< /highlight >}}".to_string()),
        Just("{{< figure src=\"/f.png\" caption=\"c\" >}}".to_string()),
        Just("{{< screen src=\"/b.png\" alt=\"{{%service%}}の{{< screen >}}\" >}}".to_string()),
        Just("{{</* note */>}}".to_string()),
        Just("![alt {{< screen src=\"/c.png\" >}}](/i.png)".to_string()),
        Just("[x]({{< screen src=\"/d.png\" >}})".to_string()),
        Just("<img alt=\"{{< screen src=/e.png >}}\" src=\"/e.png\">".to_string()),
        Just("## h {#{{< screen src=/h.png >}}}\n".to_string()),
        Just("```\n".to_string()),
        Just("`".to_string()),
        Just("    ".to_string()),
        Just("\n\n".to_string()),
        Just("<pre>".to_string()),
        Just("</pre>".to_string()),
        Just("\u{FDD0}=0\u{FDD1}".to_string()),
        Just("\u{FDD1}".to_string()),
        Just("[^1]".to_string()),
        Just("\n\n[^1]: ".to_string()),
        Just("\n\n[^1]: {{< screen src=\"/fn.png\" >}} {{% note %}}n{{% /note %}}\n".to_string()),
        Just("\n\nterm {{< screen src=/t.png >}}\n: ".to_string()),
        Just("![](/i.png)".to_string()),
        Just("<img title=\"{{< screen src=/t.png >}}\" src=\"/t.png\">".to_string()),
        Just(" https://example.com/{{< screen src=/u.png >}} ".to_string()),
        "\\PC{0,12}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn run(text: &str) {
    let regions = vec!["JP".to_string(), "US".to_string()];
    let vars: BTreeMap<String, String> = [("service".to_string(), "cybozu.com".to_string())].into();
    let mappings = test_mappings();
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
    let (front, body) = parse_front_matter(text, SourceId(0)).unwrap_or_default();
    if let Some(title) = &front.title {
        let offset = front.title_offset.unwrap_or(0);
        resolve_title(SourceId(0), text, title, offset, &ctx, &mut diags);
    }
    let page = resolve_body(
        SourceId(0),
        text,
        body,
        PageFacts::default(),
        &ctx,
        &mut diags,
    );
    for i in 0..=page.text.len() {
        assert!(page.map.offset(i) <= text.len());
    }
    for piece in page.map.pieces.iter().filter(|p| p.copied) {
        assert_eq!(
            page.text.get(piece.resolved.clone()),
            text.get(piece.original.clone())
        );
    }
    let blocks = super::parse_page(&page, &Default::default(), &mut diags);
    let texts = model_texts(&blocks);
    for t in &texts {
        assert!(
            !t.contains(['\u{FDD0}', '\u{FDD1}']) && !t.contains("tebiki-sc"),
            "a placeholder leaked into the model: {t:?}\nin {blocks:?}"
        );
    }
}

/// A v2 box and a heading mapping, besides the built-ins.
fn test_mappings() -> BTreeMap<String, crate::site::ShortcodeMapping> {
    use crate::site::{MappingKind, ShortcodeMapping, ShortcodeModel};
    let mapping = |kind, model| ShortcodeMapping {
        kind,
        label: "{title|L}".into(),
        url: None,
        model,
    };
    [
        (
            "v2box".to_string(),
            mapping(MappingKind::Admonition, Some(ShortcodeModel::V2)),
        ),
        ("sub".to_string(), mapping(MappingKind::Heading, None)),
    ]
    .into()
}

/// Every string of the model a renderer prints or links: texts, code,
/// labels, alt texts, titles, image sources (figures and inline images), hrefs,
/// anchors, definition terms (footnotes and definitions are walked as blocks).
fn model_texts(blocks: &[Block]) -> Vec<String> {
    let mut out = Vec::new();
    let mut inlines: Vec<&Inline> = Vec::new();
    walk::blocks(blocks, |block| match block {
        Block::Heading(h) => {
            out.push(h.anchor.clone());
            out.push(h.text.clone());
            inlines.extend(&h.content);
        }
        Block::Paragraph(p) => inlines.extend(&p.content),
        Block::Figure(f) => {
            out.push(f.alt.clone());
            out.push(f.image.src.clone());
            out.extend(f.title.clone());
        }
        Block::Admonition(a) => {
            out.push(a.label.clone());
            out.push(a.name.clone());
        }
        Block::Code(c) => {
            out.push(c.text.clone());
            out.extend(c.language.clone());
        }
        Block::Table(t) => {
            if let Some(caption) = &t.caption {
                inlines.extend(caption);
            }
        }
        Block::DefinitionList(d) => {
            for item in &d.items {
                inlines.extend(&item.term);
            }
        }
        Block::List(_) | Block::Quote(_) | Block::Rule(_) | Block::Footnote(_) => {}
    });
    while let Some(inline) = inlines.pop() {
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push(t.clone()),
            Inline::Styled(_, content) => inlines.extend(content),
            Inline::Link(link) => {
                if let LinkTarget::Unresolved(href) | LinkTarget::External(href) = &link.target {
                    out.push(href.clone());
                }
                inlines.extend(&link.content);
            }
            Inline::Image(image) => {
                out.push(image.alt.clone());
                out.push(image.image.src.clone());
                out.extend(image.title.clone());
            }
            Inline::LineBreak | Inline::FootnoteRef(_) => {}
        }
    }
    out
}

/// A screen under a list item indented 4 spaces (a code block to
/// CommonMark, as in Hugo) is placed, not lost, and leaves no placeholder.
#[test]
fn screen_in_a_four_space_list_continuation_is_kept() {
    let text = "説明文。\n\n    1. [設定]をクリックします。\n    {{< screen src=\"/code1.png\" alt=\"設定画面\" >}}\n    1. 次へ\n\n1. 手順です。\n\n    {{< screen src=\"/s2.png\" alt=\"二\" >}}\n";
    let (blocks, _) = super::tests::resolve_and_parse(text);
    let mut srcs = Vec::new();
    walk::blocks(&blocks, |b| {
        if let Block::Figure(f) = b {
            srcs.push(f.image.src.clone());
        }
    });
    assert_eq!(srcs, vec!["/code1.png", "/s2.png"], "{blocks:?}");
    assert!(model_texts(&blocks).iter().all(|t| !t.contains('\u{FDD0}')));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn tag_soup_never_panics(text in fragments()) {
        run(&text);
    }

    #[test]
    fn shortcodes_code_and_indentation_never_leak_placeholders(
        parts in prop::collection::vec((fragments(), 0usize..6), 0..8)
    ) {
        let text: String = parts
            .iter()
            .map(|(p, indent)| format!("{}{p}", " ".repeat(*indent)))
            .collect::<Vec<_>>()
            .join("\n");
        run(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        run(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        run(&String::from_utf8_lossy(&bytes));
    }
}
