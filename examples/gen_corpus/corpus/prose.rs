//! Japanese sentences from the phrase banks.
//!
//! Input: a template from [`super::vocab`] and the random source. Output:
//! Markdown text with the slots filled: nouns, fields, buttons and screens
//! from the banks, and the site variables as shortcodes (`{{%service%}}`,
//! `{{%CorpName%}}`, `{{%store%}}`, `{{%slash%}}`).

use super::Gen;
use super::vocab;

/// Fills every `{slot}` of `template`; unknown slots are copied as written.
pub(super) fn fill(generator: &mut Gen, template: &str) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let slot = &after[..close];
        match slot_value(generator, slot) {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The text for one slot name, `None` for names that are not slots.
fn slot_value(generator: &mut Gen, slot: &str) -> Option<String> {
    let value = match slot {
        "obj" | "obj2" => generator.pick(vocab::OBJECTS).0.to_owned(),
        "item" | "item2" => (*generator.pick(vocab::ITEMS)).to_owned(),
        "btn" => (*generator.pick(vocab::BUTTONS)).to_owned(),
        "screen" => {
            let screen = *generator.pick(vocab::SCREENS);
            fill(generator, screen)
        }
        "svc" => "{{%service%}}".to_owned(),
        "corp" => "{{%CorpName%}}".to_owned(),
        "store" => "{{%store%}}".to_owned(),
        "slash" => "{{%slash%}}".to_owned(),
        _ => return None,
    };
    Some(value)
}

/// One filled sentence from `bank`.
pub(super) fn sentence(generator: &mut Gen, bank: &[&str]) -> String {
    let template = *generator.pick(bank);
    fill(generator, template)
}

/// `count` explanatory sentences run together, as Japanese paragraphs are.
pub(super) fn sentences(generator: &mut Gen, count: usize) -> String {
    let mut text = String::new();
    for _ in 0..count {
        text.push_str(&sentence(generator, vocab::EXPLAIN));
    }
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn fills_variables_as_shortcodes() {
        let mut generator = super::Gen::new(1, 0);
        assert_eq!(
            super::fill(&mut generator, "{svc}と{corp}"),
            "{{%service%}}と{{%CorpName%}}"
        );
    }

    #[test]
    fn keeps_unknown_slots_and_unclosed_braces() {
        let mut generator = super::Gen::new(1, 0);
        assert_eq!(super::fill(&mut generator, "{x} {"), "{x} {");
    }
}
