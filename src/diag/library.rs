//! Library messages rewritten for writers: no serde, toml, saphyr or io
//! wording (`unknown field`, `invalid type: integer`, `DuplicateKeyPolicy`,
//! `struct RegionBook`, `(os error 2)`) reaches a user.
//!
//! Input: the message of a serde/toml/saphyr/io error. Output: a
//! lowercase message in the writer's words (keys, values, tables, lists)
//! and hints ("did you mean `title`?", the keys or values allowed there).

use super::suggest;

/// A library message in the writer's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rewritten {
    /// Lowercase, no final period.
    pub(crate) message: String,
    /// Hints (without `hint: `).
    pub(crate) hints: Vec<String>,
}

impl Rewritten {
    /// The message with a "did you mean" hint in parentheses, for callers
    /// that carry one message only.
    pub(crate) fn inline(&self) -> String {
        match self.hints.iter().find(|h| h.starts_with("did you mean")) {
            Some(hint) => format!("{} ({hint})", self.message),
            None => self.message.clone(),
        }
    }
}

/// Rewrites a serde/toml/saphyr error message (its first line).
pub(crate) fn rewrite(message: &str) -> Rewritten {
    let line = message.lines().next().unwrap_or("").trim();
    let line = strip_position(line);
    let plain = |message: String| Rewritten {
        message,
        hints: Vec::new(),
    };
    if let Some(rest) = line.strip_prefix("unknown field ") {
        return unknown("key", rest);
    }
    if let Some(rest) = line.strip_prefix("unknown variant ") {
        return unknown("value", rest);
    }
    if let Some(rest) = line.strip_prefix("missing field ") {
        return plain(format!("missing key {}", rest.trim()));
    }
    if let Some(rest) = line.strip_prefix("duplicate field ") {
        return Rewritten {
            message: format!("key {} is set twice", rest.trim()),
            hints: vec!["keep one of them".into()],
        };
    }
    if let Some(rest) = line.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return Rewritten {
            message: format!("key `{key}` is set twice"),
            hints: vec!["keep one of them".into()],
        };
    }
    if line == "duplicate key" || line.starts_with("duplicate key ") {
        return Rewritten {
            message: "this key is set twice".into(),
            hints: vec!["keep one of them".into()],
        };
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = line.strip_prefix(prefix)
            && let Some((found, expected)) = rest.rsplit_once(", expected ")
        {
            return plain(format!(
                "expected {}, found {}",
                expected_words(expected),
                found_words(found)
            ));
        }
    }
    if let Some(rest) = line.strip_prefix("invalid length ")
        && let Some((_, expected)) = rest.split_once(", expected ")
    {
        return plain(format!("expected {}", expected_words(expected)));
    }
    if let Some(rest) = line.strip_prefix("wanted ") {
        let words: Vec<String> = rest.split(" or ").map(expected_words).collect();
        return plain(format!("expected {}", words.join(" or ")));
    }
    if line.starts_with("data did not match any variant") {
        return plain("this value has the wrong form".into());
    }
    if line == "invalid boolean" {
        return plain("expected true or false".into());
    }
    // YAML's word for a plain value.
    plain(super::first_line_lowercase(
        &line.replace(" scalar", " value"),
    ))
}

/// An io error's message without Rust's `(os error N)`, lowercase.
pub(crate) fn io(error: &std::io::Error) -> String {
    let text = error.to_string();
    let text = match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_string(),
        _ => text,
    };
    super::first_line_lowercase(&text)
}

/// `unknown field `x`, expected one of `a`, `b`` → `unknown key `x`` with
/// "did you mean" and the allowed names.
fn unknown(what: &str, rest: &str) -> Rewritten {
    let (name, expected) = match rest.split_once(", ") {
        Some((name, expected)) => (name.trim(), expected),
        None => (rest.trim(), ""),
    };
    let wrong = name.trim_matches('`');
    let allowed: Vec<&str> = expected
        .strip_prefix("expected one of ")
        .or_else(|| expected.strip_prefix("expected "))
        .map(|list| {
            list.split(", ")
                .map(|n| n.trim().trim_matches('`'))
                .filter(|n| !n.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let mut hints = Vec::new();
    if let Some(hint) = suggest::did_you_mean(wrong, allowed.iter().copied()) {
        hints.push(hint);
    }
    if allowed.is_empty() {
        hints.push(format!("no {what}s are allowed here"));
    } else {
        let plural = if what == "key" { "keys" } else { "values" };
        hints.push(format!("{plural} allowed here: {}", allowed.join(", ")));
    }
    Rewritten {
        message: format!("unknown {what} `{wrong}`"),
        hints,
    }
}

/// serde's description of an expected type in a writer's words.
fn expected_words(expected: &str) -> String {
    let e = expected.trim();
    let word = match e {
        "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize"
        | "isize" | "an integer" => "a whole number",
        "f32" | "f64" | "a float" | "a number" => "a number",
        "a boolean" | "bool" => "true or false",
        "a string" | "string" | "a character" | "char" => "a text",
        "a sequence" | "a list" | "sequence" | "array" => "a list",
        "a map" | "map" | "table" | "a table" => "a table",
        _ if e.starts_with("struct ") || e.starts_with("a map") => "a table",
        _ if e.starts_with("a sequence") || e.starts_with("an array") => "a list",
        _ if e.starts_with("enum ") || e.starts_with("variant ") => "one of the allowed values",
        _ if e.starts_with("a string") => "a text",
        _ => return super::first_line_lowercase(e),
    };
    word.to_string()
}

/// serde's description of the value found in a writer's words.
fn found_words(found: &str) -> String {
    let f = found.trim();
    for (prefix, word) in [
        ("integer ", "the number "),
        ("floating point ", "the number "),
        ("boolean ", ""),
        ("string ", "the text "),
        ("character ", "the text "),
    ] {
        if let Some(value) = f.strip_prefix(prefix) {
            return format!("{word}{value}");
        }
    }
    match f {
        "map" => "a table".into(),
        "sequence" => "a list".into(),
        "unit value" | "null" => "nothing".into(),
        _ => super::first_line_lowercase(f),
    }
}

/// Drops a trailing ` at line L column C` that some libraries append (the
/// position is in the diagnostic's location).
fn strip_position(line: &str) -> &str {
    match line.rfind(" at line ") {
        Some(at) if line[at..].contains(" column ") => &line[..at],
        _ => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> String {
        rewrite(text).message
    }

    #[test]
    fn unknown_keys_and_values() {
        let r = rewrite("unknown field `titel`, expected one of `title`, `author`, `language`");
        assert_eq!(r.message, "unknown key `titel`");
        assert_eq!(
            r.hints,
            [
                "did you mean `title`?",
                "keys allowed here: title, author, language"
            ]
        );
        let r = rewrite("unknown variant `A9`, expected one of `A4`, `Letter`, `B5`, `A5`");
        assert_eq!(r.message, "unknown value `A9`");
        assert_eq!(r.hints[0], "did you mean `A4`?");
        let r = rewrite("unknown field `x`, there are no fields");
        assert_eq!(r.message, "unknown key `x`");
    }

    #[test]
    fn types_and_duplicates() {
        assert_eq!(
            message("invalid type: integer `3`, expected struct RegionBook"),
            "expected a table, found the number `3`"
        );
        assert_eq!(
            message("invalid type: string \"x\", expected i64"),
            "expected a whole number, found the text \"x\""
        );
        assert_eq!(
            message(
                "duplicate mapping key: title, set DuplicateKeyPolicy in Options if acceptable"
            ),
            "key `title` is set twice"
        );
        assert_eq!(message("duplicate key"), "this key is set twice");
        assert_eq!(
            message("wanted string or table"),
            "expected a text or a table"
        );
        assert_eq!(message("missing field `paper`"), "missing key `paper`");
        assert_eq!(message("invalid boolean"), "expected true or false");
        assert_eq!(message("expected string scalar"), "expected string value");
        assert_eq!(
            message("Unclosed bracket at line 3 column 6"),
            "unclosed bracket"
        );
        for text in [
            "invalid type: integer `3`, expected struct RegionBook",
            "duplicate mapping key: title, set DuplicateKeyPolicy in Options if acceptable",
            "data did not match any variant of untagged enum RegionList",
        ] {
            let m = message(text);
            assert!(
                !m.contains("struct")
                    && !m.contains("Policy")
                    && !m.contains("enum")
                    && !m.contains("variant"),
                "{m}"
            );
        }
    }

    #[test]
    fn io_errors_lose_the_os_error_number() {
        let e = std::io::Error::from_raw_os_error(2);
        assert_eq!(io(&e), "no such file or directory");
    }
}
