//! Shortcode tags in a text.
//!
//! Input: a page body (or a title). Output: every `{{% … %}}` / `{{< … >}}`
//! tag in order with its byte range, name, arguments and whether it closes
//! or self-closes; Hugo comments `{{</* … */>}}` as literal text. Text that
//! only looks like a tag start (`{{ .Var }}`) is left alone. Malformed tags
//! are reported and skipped.
//!
//! As in Hugo, a `"…"` value (with `\"` escapes) or a `` `…` `` raw value
//! runs to its closing quote whatever it holds (`{{%kintone%}}`, `>}}`, line
//! breaks); a quote left open at a blank line or at the end of the text makes
//! the tag malformed. A `'` is no quote (Hugo rejects it; here it is part of a
//! bare word).

use std::ops::Range;

/// Which delimiters a tag uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delim {
    /// `{{% … %}}`: inner content is Markdown.
    Percent,
    /// `{{< … >}}`: inner content is not processed.
    Angle,
}

impl Delim {
    fn close(self) -> &'static str {
        match self {
            Delim::Percent => "%}}",
            Delim::Angle => ">}}",
        }
    }
    fn char(self) -> char {
        match self {
            Delim::Percent => '%',
            Delim::Angle => '<',
        }
    }
}

/// One argument: positional (`key` is `None`) or `key=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Arg {
    /// The key of a named argument.
    pub key: Option<String>,
    /// The value with quotes and escapes removed.
    pub value: String,
    /// Byte offset of the value's first character in the scanned text.
    pub at: usize,
}

/// A shortcode tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tag {
    /// Byte range of the whole tag in the scanned text.
    pub range: Range<usize>,
    /// Delimiters used.
    pub delim: Delim,
    /// `{{% /name %}}`.
    pub closing: bool,
    /// `{{< name />}}`.
    pub self_closing: bool,
    /// Shortcode name.
    pub name: String,
    /// Arguments in order.
    pub args: Vec<Arg>,
}

impl Tag {
    /// A named argument's value.
    pub(super) fn named(&self, key: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|a| a.key.as_deref() == Some(key))
            .map(|a| a.value.as_str())
    }

    /// The positional arguments' values.
    pub(super) fn positional(&self) -> impl Iterator<Item = &str> {
        self.args
            .iter()
            .filter(|a| a.key.is_none())
            .map(|a| a.value.as_str())
    }

    /// The tag as written in a message (`{{% /name %}}`).
    pub(super) fn display(&self) -> String {
        let (open, close) = match self.delim {
            Delim::Percent => ("{{%", "%}}"),
            Delim::Angle => ("{{<", ">}}"),
        };
        let slash = if self.closing { "/" } else { "" };
        format!("{open} {slash}{} {close}", self.name)
    }
}

/// What the scanner found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// A shortcode tag.
    Tag(Tag),
    /// A Hugo comment tag `{{</* x */>}}`, which renders as the literal tag.
    Literal {
        /// Byte range of the comment tag.
        range: Range<usize>,
        /// The text it stands for.
        text: String,
    },
    /// Something that starts like a tag but is malformed.
    Malformed {
        /// Where it starts (a point, or the part read).
        range: Range<usize>,
        /// Lowercase description.
        message: String,
    },
}

/// Scans `text` for tags.
pub(crate) fn scan(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    while let Some(found) = text.get(pos..).and_then(|t| t.find("{{")) {
        let start = pos + found;
        match scan_tag(text, start) {
            Some((token, end)) => {
                let malformed = matches!(token, Token::Malformed { .. });
                tokens.push(token);
                pos = if malformed { start + 2 } else { end };
            }
            None => pos = start + 2,
        }
    }
    tokens
}

/// A cursor over the text of one tag.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        self.text.get(self.pos..).unwrap_or("")
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }
    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }
}

/// Reads one tag starting at `start` (which holds `{{`). `None` when it is
/// not a shortcode tag at all.
fn scan_tag(text: &str, start: usize) -> Option<(Token, usize)> {
    let mut c = Cursor {
        text,
        pos: start + 2,
    };
    c.skip_ws();
    let delim = match c.peek()? {
        '%' => Delim::Percent,
        '<' => Delim::Angle,
        _ => return None,
    };
    c.bump();
    let malformed = |c: &Cursor, message: String| {
        Some((
            Token::Malformed {
                range: start..c.pos.max(start + 2),
                message,
            },
            c.pos,
        ))
    };
    c.skip_ws();
    if c.rest().starts_with("/*") {
        return scan_comment(text, start, c.pos + 2, delim);
    }
    let closing = c.eat("/");
    c.skip_ws();
    let name_start = c.pos;
    while c.peek().is_some_and(|ch| {
        !ch.is_whitespace() && !matches!(ch, '%' | '>' | '<' | '"' | '`' | '=' | '{' | '}' | '/')
    }) {
        c.bump();
    }
    let name = text.get(name_start..c.pos).unwrap_or("").to_string();
    if name.is_empty() {
        return malformed(&c, "shortcode tag without a name".into());
    }
    let mut args = Vec::new();
    loop {
        c.skip_ws();
        if c.eat(delim.close()) {
            let tag = Tag {
                range: start..c.pos,
                delim,
                closing,
                self_closing: false,
                name,
                args,
            };
            return Some((Token::Tag(tag), c.pos));
        }
        if delim == Delim::Angle && c.eat("/>}}") {
            let tag = Tag {
                range: start..c.pos,
                delim,
                closing,
                self_closing: true,
                name,
                args,
            };
            return Some((Token::Tag(tag), c.pos));
        }
        if c.peek().is_none() || c.rest().starts_with("{{") || c.rest().starts_with("}}") {
            let close = delim.close();
            return malformed(
                &c,
                format!("shortcode tag `{name}` is not closed with `{close}`"),
            );
        }
        let (first, first_at) = match read_value(&mut c, delim) {
            Ok(v) => v,
            Err(message) => return malformed(&c, message),
        };
        if c.peek() == Some('=') {
            c.bump();
            let (value, at) = match read_value(&mut c, delim) {
                Ok(v) => v,
                Err(message) => return malformed(&c, message),
            };
            args.push(Arg {
                key: Some(first),
                value,
                at,
            });
        } else {
            args.push(Arg {
                key: None,
                value: first,
                at: first_at,
            });
        }
    }
}

/// Message for a quoted value without its closing quote.
const UNTERMINATED: &str = "unterminated string in shortcode tag (a quoted argument needs its closing quote before a blank line)";

/// Takes the next character of a quoted value closed by `close`: `None` at
/// the closing quote, an error at a blank line or the end of input.
fn next_string_char(c: &mut Cursor, close: char) -> Result<Option<char>, String> {
    if c.rest().starts_with("\n\n") || c.rest().starts_with("\n\r\n") {
        return Err(UNTERMINATED.into());
    }
    match c.bump() {
        None => Err(UNTERMINATED.into()),
        Some(ch) if ch == close => Ok(None),
        Some(ch) => Ok(Some(ch)),
    }
}

/// Reads a quoted string (with `\"` escapes), a raw backtick string or a
/// bare word; returns it with the offset of its first character.
fn read_value(c: &mut Cursor, delim: Delim) -> Result<(String, usize), String> {
    let mut value = String::new();
    let at;
    match c.peek() {
        Some('"') => {
            c.bump();
            at = c.pos;
            while let Some(ch) = next_string_char(c, '"')? {
                match ch {
                    '\\' => match c.bump() {
                        Some('n') => value.push('\n'),
                        Some('t') => value.push('\t'),
                        Some(other) => value.push(other),
                        None => return Err(UNTERMINATED.into()),
                    },
                    ch => value.push(ch),
                }
            }
        }
        Some('`') => {
            c.bump();
            at = c.pos;
            while let Some(ch) = next_string_char(c, '`')? {
                value.push(ch);
            }
        }
        _ => {
            at = c.pos;
            while let Some(ch) = c.peek() {
                let rest = c.rest();
                if ch.is_whitespace()
                    || ch == '='
                    || rest.starts_with(delim.close())
                    || rest.starts_with("/>}}")
                    || rest.starts_with("{{")
                    || rest.starts_with("}}")
                {
                    break;
                }
                value.push(ch);
                c.bump();
            }
            if value.is_empty() {
                return Err(format!(
                    "unexpected `{}` in shortcode tag",
                    c.peek().unwrap_or(delim.char())
                ));
            }
        }
    }
    Ok((value, at))
}

/// Reads a comment tag `{{</* inner */>}}` whose inner text starts at `inner_start`.
fn scan_comment(
    text: &str,
    start: usize,
    inner_start: usize,
    delim: Delim,
) -> Option<(Token, usize)> {
    let rest = text.get(inner_start..)?;
    let limit = rest.find("{{").unwrap_or(rest.len());
    let close = rest.get(..limit)?.find("*/")?;
    let inner = rest.get(..close)?;
    let mut c = Cursor {
        text,
        pos: inner_start + close + 2,
    };
    c.skip_ws();
    if !c.eat(delim.close()) {
        return None;
    }
    let (open, end) = match delim {
        Delim::Percent => ("{{%", "%}}"),
        Delim::Angle => ("{{<", ">}}"),
    };
    Some((
        Token::Literal {
            range: start..c.pos,
            text: format!("{open}{inner}{end}"),
        },
        c.pos,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(text: &str) -> Vec<Tag> {
        scan(text)
            .into_iter()
            .filter_map(|t| match t {
                Token::Tag(tag) => Some(tag),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn both_syntaxes_with_and_without_spaces() {
        let t = tags(
            "a{{%slash%}}b{{% enabled US%}}c{{< screen src=\"/x.png\"  alt=\"ロ グ\">}}{{% /enabled %}}",
        );
        assert_eq!(t.len(), 4);
        assert_eq!(t[0].name, "slash");
        assert_eq!(t[0].range, 1..12);
        assert_eq!(t[1].positional().collect::<Vec<_>>(), vec!["US"]);
        assert_eq!(t[2].delim, Delim::Angle);
        assert_eq!(t[2].named("alt"), Some("ロ グ"));
        assert!(t[3].closing);
        assert_eq!(t[3].name, "enabled");
    }

    #[test]
    fn arguments_over_several_lines_with_escapes() {
        let t =
            tags("{{< screen\n  src=/img/a.png\n  alt=\"say \\\"hi\\\"\"\n  title=`raw \\n` >}}");
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].named("src"), Some("/img/a.png"));
        assert_eq!(t[0].named("alt"), Some("say \"hi\""));
        assert_eq!(t[0].named("title"), Some("raw \\n"));
    }

    #[test]
    fn self_closing_and_comments_and_non_tags() {
        let tokens = scan("{{< x />}} {{ .Title }} {{</* note */>}}");
        assert!(matches!(&tokens[0], Token::Tag(t) if t.self_closing));
        assert_eq!(tokens.len(), 2);
        assert!(matches!(&tokens[1], Token::Literal { text, .. } if text == "{{< note >}}"));
    }

    #[test]
    fn malformed_tags_are_reported_with_their_start() {
        let tokens = scan("ok {{% note \n\n text {{% /note %}}");
        assert!(matches!(&tokens[0], Token::Malformed { range, message }
            if range.start == 3 && message == "shortcode tag `note` is not closed with `%}}`"));
        assert!(matches!(&tokens[1], Token::Tag(t) if t.closing));
        let tokens = scan("{{% x a=\"open %}}\n\nnext {{% y %}}");
        assert!(
            matches!(&tokens[0], Token::Malformed { message, .. } if message.starts_with("unterminated string in shortcode tag"))
        );
        assert!(matches!(&tokens[1], Token::Tag(t) if t.name == "y"));
    }

    #[test]
    fn quoted_values_run_to_their_closing_quote() {
        let text = "{{< screen src=\"/a.png\" alt=\"{{%kintone%}}の画面\" >}}{{< s alt=`x >}} {{% y %}}` t=\"{{< k >}}\" >}}";
        let t = tags(text);
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(t[0].named("alt"), Some("{{%kintone%}}の画面"));
        let alt = t[0]
            .args
            .iter()
            .find(|a| a.key.as_deref() == Some("alt"))
            .map(|a| a.at);
        assert_eq!(alt, text.find("{{%kintone"));
        assert_eq!(t[1].named("alt"), Some("x >}} {{% y %}}"));
        assert_eq!(t[1].named("t"), Some("{{< k >}}"));
        let t = tags("{{< screen\n    src=\"/g.png\"\n    alt=\"{{%kintone%}}の\n複数行\" >}}");
        assert_eq!(t[0].named("alt"), Some("{{%kintone%}}の\n複数行"));
    }
}
