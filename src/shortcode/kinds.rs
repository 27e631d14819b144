//! What a shortcode name means, and the text a mapping takes from arguments.
//!
//! Input: a shortcode name, the region's variables and `[shortcodes]`
//! mappings, the book's language; for templates, a tag's arguments. Output:
//! the shortcode's [`Kind`] (built-in, mapped, variable or unknown) with the
//! box label the Cybozu theme prints in that language, and
//! [`expand_template`]'s text (`{title}`, `{0}`, `{title|default}`).

use super::lexer::Tag;
use crate::model::AdmonitionKind;
use crate::site::{MappingKind, ShortcodeMapping, ShortcodeModel};

/// What a shortcode name means.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    /// `enabled R…`: content only in those regions.
    Enabled,
    /// `disabled R…`: content in every other region.
    Disabled,
    /// A `[shortcodes.X]` mapping.
    Mapped(ShortcodeMapping),
    /// A region variable: prints its value.
    Variable(String),
    /// `screen src alt title width`.
    Screen,
    /// Hugo's `figure src alt title caption link`.
    Figure,
    /// A built-in box with its label in the book's language.
    Admonition(AdmonitionKind, &'static str),
    /// Hugo's `ref` (`absolute`) and `relref`.
    Ref {
        /// `ref`: prints the absolute URL.
        absolute: bool,
    },
    /// Hugo's `param KEY`.
    Param,
    /// Hugo's `highlight LANG`: a code block.
    Highlight,
    /// Not known: warned about.
    Unknown,
}

/// Whether a kind must be paired, must be single, or may be either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pairing {
    /// Needs a closing tag.
    Required,
    /// Never has one (a closing tag with its name is unmatched).
    Never,
    /// Either.
    Either,
}

/// The names of the built-in shortcodes (for "did you mean").
pub(super) const BUILTIN_NAMES: [&str; 14] = [
    "enabled",
    "disabled",
    "screen",
    "figure",
    "ref",
    "relref",
    "param",
    "highlight",
    "warning",
    "note",
    "info",
    "reference",
    "tip",
    "hint",
];

impl Kind {
    /// The meaning of `name`: conditionals, then the site's mappings, then
    /// variables, then built-ins.
    pub(super) fn of(
        name: &str,
        vars: &std::collections::BTreeMap<String, String>,
        mappings: &std::collections::BTreeMap<String, ShortcodeMapping>,
        language: &str,
    ) -> Kind {
        match name {
            "enabled" => return Kind::Enabled,
            "disabled" => return Kind::Disabled,
            _ => {}
        }
        if let Some(m) = mappings.get(name) {
            return Kind::Mapped(m.clone());
        }
        if let Some(v) = vars.get(name) {
            return Kind::Variable(v.clone());
        }
        let boxed = |kind| Kind::Admonition(kind, builtin_label(name, language));
        match name {
            "screen" => Kind::Screen,
            "figure" => Kind::Figure,
            "ref" => Kind::Ref { absolute: true },
            "relref" => Kind::Ref { absolute: false },
            "param" => Kind::Param,
            "highlight" => Kind::Highlight,
            "warning" => boxed(AdmonitionKind::Warning),
            "note" => boxed(AdmonitionKind::Note),
            "info" | "reference" => boxed(AdmonitionKind::Info),
            "tip" | "hint" => boxed(AdmonitionKind::Tip),
            _ => Kind::Unknown,
        }
    }

    /// Whether the kind takes a closing tag.
    pub(super) fn pairing(&self) -> Pairing {
        match self {
            Kind::Enabled | Kind::Disabled | Kind::Admonition(..) | Kind::Highlight => {
                Pairing::Required
            }
            Kind::Mapped(m) => match m.kind {
                MappingKind::Admonition => Pairing::Required,
                MappingKind::Text | MappingKind::Include => Pairing::Never,
                MappingKind::Heading | MappingKind::Link | MappingKind::Drop => Pairing::Either,
            },
            Kind::Variable(_) | Kind::Screen | Kind::Figure | Kind::Ref { .. } | Kind::Param => {
                Pairing::Never
            }
            Kind::Unknown => Pairing::Either,
        }
    }
}

/// The model a mapping follows: its `model`, else v1 (the box or heading is
/// one unit; its inner content is its own Markdown document).
pub(super) fn model_of(mapping: &ShortcodeMapping) -> ShortcodeModel {
    mapping.model.unwrap_or(ShortcodeModel::V1)
}

/// The label the Cybozu theme's i18n prints on a built-in box, by the book's
/// language (BCP 47: `ja`, `en`, `zh`, `zh-TW`/`zh-Hant`; any other
/// language gets the English label).
pub(super) fn builtin_label(name: &str, language: &str) -> &'static str {
    let lang = language.to_ascii_lowercase();
    let lang = if lang.starts_with("ja") {
        "ja"
    } else if lang.starts_with("zh-tw") || lang.starts_with("zh-hant") || lang.starts_with("zh-hk")
    {
        "zh-tw"
    } else if lang.starts_with("zh") {
        "zh"
    } else {
        "en"
    };
    match (name, lang) {
        ("warning", "en") => "Caution",
        ("warning", _) => "注意",
        ("note", "en") => "Note",
        ("note", "zh") => "补充",
        ("note", "zh-tw") => "補充",
        ("note", _) => "補足",
        ("info", "en") => "Info",
        ("info", "zh") => "补充",
        ("info", "zh-tw") => "補充",
        ("info", _) => "補足",
        ("tip" | "hint", "en") => "Tips",
        ("tip" | "hint", "zh" | "zh-tw") => "提示",
        ("tip" | "hint", _) => "ヒント",
        ("reference", "en") => "References",
        ("reference", "zh") => "相关页面",
        ("reference", "zh-tw") => "相關頁面",
        ("reference", _) => "関連ページ",
        _ => "",
    }
}

/// Expands a mapping template with a tag's arguments: `{name}` is the named
/// argument, `{0}`, `{1}`… the positional ones, `{name|text}` gives `text`
/// when the argument is absent or empty, `{{` and `}}` are literal braces;
/// everything else is copied. An argument that is absent without a default
/// gives the empty text.
pub(super) fn expand_template(template: &str, tag: &Tag) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(pos) = rest.find(['{', '}']) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if let Some(after) = tail.strip_prefix('}') {
            out.push('}');
            rest = after;
            continue;
        }
        let Some(end) = tail.find('}') else {
            out.push_str(tail);
            rest = "";
            break;
        };
        let field = &tail[1..end];
        let (name, default) = match field.split_once('|') {
            Some((n, d)) => (n.trim(), Some(d)),
            None => (field.trim(), None),
        };
        let value = match name.parse::<usize>() {
            Ok(i) => tag.positional().nth(i),
            Err(_) => tag.named(name),
        }
        .filter(|v| !v.is_empty());
        match (value, default) {
            (Some(v), _) => out.push_str(v),
            (None, Some(d)) => out.push_str(d),
            (None, None) => {}
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shortcode::lexer::{Token, scan};

    fn tag(text: &str) -> Tag {
        match scan(text).into_iter().next() {
            Some(Token::Tag(t)) => t,
            other => panic!("no tag: {other:?}"),
        }
    }

    #[test]
    fn templates_take_named_and_positional_arguments_with_defaults() {
        let t = tag("{{< tile link_text=\"見る\" link_href=\"/a.html\" \"pos\" >}}");
        assert_eq!(expand_template("{link_text}", &t), "見る");
        assert_eq!(expand_template("→ {link_href}#{0}", &t), "→ /a.html#pos");
        assert_eq!(expand_template("{title|関連する記事}", &t), "関連する記事");
        assert_eq!(expand_template("{title}", &t), "");
        assert_eq!(expand_template("{{literal}} 関連", &t), "{literal} 関連");
        assert_eq!(expand_template("open {x", &t), "open {x");
        let t = tag("{{< seealso title=\"\" >}}");
        assert_eq!(expand_template("{title|既定}", &t), "既定");
    }

    #[test]
    fn labels_follow_the_theme_i18n() {
        assert_eq!(builtin_label("note", "ja"), "補足");
        assert_eq!(builtin_label("note", "en-US"), "Note");
        assert_eq!(builtin_label("note", "zh-CN"), "补充");
        assert_eq!(builtin_label("warning", "en"), "Caution");
        assert_eq!(builtin_label("hint", "ja"), "ヒント");
        assert_eq!(builtin_label("reference", "zh-TW"), "相關頁面");
        assert_eq!(builtin_label("tip", "fr"), "Tips");
    }
}
