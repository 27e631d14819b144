//! The site's own shortcodes in a page: names that are neither built in nor
//! variables, for `tebiki init --from-hugo` to list in `[shortcodes]`.
//!
//! Input: a page's text and the names of the site's variables. Output: one
//! [`ShortcodeUse`] per opening tag whose name tebiki does not know, in
//! document order (a closing tag marks its name as paired).

use std::collections::{BTreeMap, BTreeSet};

use super::kinds::Kind;
use super::lexer::{Token, scan};

/// One use of a shortcode that tebiki does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortcodeUse {
    /// The shortcode's name.
    pub name: String,
    /// Byte offset of the tag in the scanned text.
    pub offset: usize,
    /// Whether the page also closes it (`{{% /name %}}`).
    pub paired: bool,
    /// Whether it was written with `{{< >}}` (else `{{% %}}`).
    pub angle: bool,
}

/// Every use of an unknown shortcode in `text`; `vars` are the names that
/// are variables (params) in some region.
pub fn unknown_shortcodes(text: &str, vars: &BTreeSet<String>) -> Vec<ShortcodeUse> {
    let no_vars = BTreeMap::new();
    let no_mappings = BTreeMap::new();
    let tokens = scan(text);
    let closed: BTreeSet<&str> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Tag(tag) if tag.closing => Some(tag.name.as_str()),
            _ => None,
        })
        .collect();
    tokens
        .iter()
        .filter_map(|t| match t {
            Token::Tag(tag) if !tag.closing => Some(tag),
            _ => None,
        })
        .filter(|tag| !vars.contains(&tag.name))
        .filter(|tag| Kind::of(&tag.name, &no_vars, &no_mappings, "ja") == Kind::Unknown)
        .map(|tag| ShortcodeUse {
            name: tag.name.clone(),
            offset: tag.range.start,
            paired: closed.contains(tag.name.as_str()),
            angle: tag.delim == super::lexer::Delim::Angle,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_site_shortcodes_only() {
        let text = "{{% tile link_text=\"a\" %}}x{{% /tile %}} {{%CorpName%}} \
                    {{% note %}}n{{% /note %}} {{< youtube id >}} {{% enabled JP %}}j{{% /enabled %}}";
        let vars: BTreeSet<String> = ["CorpName".to_string()].into();
        let found = unknown_shortcodes(text, &vars);
        let names: Vec<(&str, bool, bool)> = found
            .iter()
            .map(|u| (u.name.as_str(), u.paired, u.angle))
            .collect();
        assert_eq!(names, vec![("tile", true, false), ("youtube", false, true)]);
        assert_eq!(found[0].offset, 0);
    }
}
