//! Property tests of the front end: arbitrary text through front matter,
//! shortcode resolution and Markdown never panics, and the source map stays
//! inside the file. (Here, at the top of the three steps, so that no lower
//! step imports a higher one.)

use std::collections::BTreeMap;

use proptest::prelude::*;

use crate::diag::{Diagnostics, SourceId};
use crate::shortcode::{RegionContext, resolve_body, resolve_title};
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
        "\\PC{0,12}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn run(text: &str) {
    let regions = vec!["JP".to_string(), "US".to_string()];
    let vars: BTreeMap<String, String> = [("service".to_string(), "cybozu.com".to_string())].into();
    let mappings = BTreeMap::new();
    let ctx = RegionContext {
        region: "JP",
        regions: &regions,
        vars: &vars,
        mappings: &mappings,
    };
    let mut diags = Diagnostics::new();
    let (front, body) = parse_front_matter(text, SourceId(0)).unwrap_or_default();
    if let Some(title) = &front.title {
        let offset = front.title_offset.unwrap_or(0);
        resolve_title(SourceId(0), text, title, offset, &ctx, &mut diags);
    }
    let page = resolve_body(SourceId(0), text, body, &ctx, &mut diags);
    for i in 0..=page.text.len() {
        assert!(page.map.offset(i) <= text.len());
    }
    for piece in page.map.pieces.iter().filter(|p| p.copied) {
        assert_eq!(
            page.text.get(piece.resolved.clone()),
            text.get(piece.original.clone())
        );
    }
    let _ = super::parse_page(&page, &Default::default(), &mut diags);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn tag_soup_never_panics(text in fragments()) {
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
