//! The machine-readable diagnostic formats of `--message-format`.
//!
//! Input: [`Diagnostic`]s and the [`Sources`] they point into. Output: one
//! line per diagnostic, in one of three stable formats (documented in the
//! README's "Diagnostics" section):
//!
//! - `short`: `path:line:col: severity[code]: message`;
//! - `json`: one JSON object per line with `path`, `line`, `column`, `end`
//!   (`{line, column}`), `severity`, `code`, `name`, `message`, `hints` and
//!   `regions`;
//! - `github`: GitHub Actions workflow commands
//!   (`::error file=…,line=…,col=…,title=…::message`).
//!
//! The human format (with snippets) is [`super::render`].

use serde_json::{Value, json};

use super::{Diagnostic, Location, Severity, Sources};

/// Where a diagnostic points, resolved to lines and columns (1-based,
/// columns in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Position {
    /// The file as shown to the user, when there is one.
    pub(crate) path: Option<String>,
    /// First line and column; the column only for a span.
    pub(crate) start: Option<(usize, Option<usize>)>,
    /// Line and column of the span's end, for a span.
    pub(crate) end: Option<(usize, usize)>,
}

/// The position of a diagnostic in its file.
pub(crate) fn position(diag: &Diagnostic, sources: &Sources) -> Position {
    match &diag.location {
        Location::Span(span) => match sources.get(span.source) {
            Some(file) => {
                let (line, col) = file.line_col(span.start);
                let end = file.line_col(span.end);
                Position {
                    path: Some(file.path.display().to_string()),
                    start: Some((line, Some(col))),
                    end: Some(end),
                }
            }
            None => Position {
                path: None,
                start: None,
                end: None,
            },
        },
        Location::File(path, line) => Position {
            path: Some(path.display().to_string()),
            start: line.map(|l| (l, None)),
            end: None,
        },
        Location::None => Position {
            path: None,
            start: None,
            end: None,
        },
    }
}

/// `error` or `warning`.
pub(crate) fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `path:line:col`, `path:line`, `path`, or nothing.
pub(crate) fn location_prefix(diag: &Diagnostic, sources: &Sources) -> Option<String> {
    let pos = position(diag, sources);
    let path = pos.path?;
    Some(match pos.start {
        Some((line, Some(col))) => format!("{path}:{line}:{col}"),
        Some((line, None)) => format!("{path}:{line}"),
        None => path,
    })
}

/// `severity[T0201]`, or the bare severity for a diagnostic without a code.
fn severity_with_code(diag: &Diagnostic) -> String {
    let severity = severity_name(diag.severity);
    match diag.code {
        Some(code) => format!("{severity}[{}]", code.info().code),
        None => severity.to_string(),
    }
}

/// One line: `path:line:col: severity[code]: message` (hints are left out).
pub fn short(diag: &Diagnostic, sources: &Sources) -> String {
    let head = severity_with_code(diag);
    match location_prefix(diag, sources) {
        Some(prefix) => format!("{prefix}: {head}: {}\n", diag.message),
        None => format!("{head}: {}\n", diag.message),
    }
}

/// One JSON object on one line, keys in a fixed order (`null` for what a
/// diagnostic does not have).
pub fn json(diag: &Diagnostic, sources: &Sources) -> String {
    let pos = position(diag, sources);
    let info = diag.code.map(|c| c.info());
    let end = match pos.end {
        Some((line, column)) => format!(r#"{{"line":{line},"column":{column}}}"#),
        None => "null".into(),
    };
    let fields: [(&str, String); 10] = [
        ("path", json!(pos.path).to_string()),
        ("line", json!(pos.start.map(|(l, _)| l)).to_string()),
        ("column", json!(pos.start.and_then(|(_, c)| c)).to_string()),
        ("end", end),
        ("severity", json!(severity_name(diag.severity)).to_string()),
        ("code", json!(info.map(|i| i.code)).to_string()),
        ("name", json!(info.map(|i| i.name)).to_string()),
        ("message", json!(diag.message).to_string()),
        ("hints", json!(diag.hints).to_string()),
        ("regions", json!(diag.regions).to_string()),
    ];
    let body: Vec<String> = fields
        .iter()
        .map(|(key, value)| format!("{}:{value}", Value::String((*key).to_string())))
        .collect();
    format!("{{{}}}\n", body.join(","))
}

/// A GitHub Actions workflow command: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`,
/// the hints on further lines of the message.
pub fn github(diag: &Diagnostic, sources: &Sources) -> String {
    let pos = position(diag, sources);
    let mut props = Vec::new();
    if let Some(path) = &pos.path {
        props.push(format!("file={}", escape_property(path)));
    }
    if let Some((line, col)) = pos.start {
        props.push(format!("line={line}"));
        if let Some(col) = col {
            props.push(format!("col={col}"));
        }
    }
    if let Some((line, col)) = pos.end {
        props.push(format!("endLine={line}"));
        props.push(format!("endColumn={col}"));
    }
    if let Some(code) = diag.code {
        let info = code.info();
        props.push(format!(
            "title={}",
            escape_property(&format!("{} {}", info.code, info.name))
        ));
    }
    let mut message = diag.message.clone();
    for hint in &diag.hints {
        message.push_str(&format!("\nhint: {hint}"));
    }
    let command = severity_name(diag.severity);
    if props.is_empty() {
        format!("::{command}::{}\n", escape_data(&message))
    } else {
        format!(
            "::{command} {}::{}\n",
            props.join(","),
            escape_data(&message)
        )
    }
}

/// Escapes a workflow command's message (`%`, CR, LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, Span};

    fn sample() -> (Sources, Vec<Diagnostic>) {
        let mut sources = Sources::new();
        let id = sources.add("content/a.md".into(), "前\n[x](b.html) 100%\n".into());
        let mut link = Diagnostic::warning(Span::new(id, 4, 15), "broken link `b.html`")
            .with_code(Code::BrokenLink)
            .with_hint("did you mean `a.html`?");
        link.regions = vec!["JP".into(), "US".into()];
        let plain = Diagnostic::new(Severity::Error, Location::None, "unknown region `XX`")
            .with_code(Code::UnknownRegionOption);
        let file = Diagnostic::new(
            Severity::Error,
            Location::File("hugo.toml".into(), Some(3)),
            "50% off, a: b",
        );
        (sources, vec![link, plain, file])
    }

    #[test]
    fn short_lines() {
        let (sources, diags) = sample();
        let lines: Vec<String> = diags.iter().map(|d| short(d, &sources)).collect();
        assert_eq!(
            lines,
            [
                "content/a.md:2:1: warning[T0201]: broken link `b.html`\n",
                "error[T0009]: unknown region `XX`\n",
                "hugo.toml:3: error: 50% off, a: b\n",
            ]
        );
    }

    #[test]
    fn json_lines() {
        let (sources, diags) = sample();
        assert_eq!(
            json(&diags[0], &sources),
            concat!(
                r#"{"path":"content/a.md","line":2,"column":1,"end":{"line":2,"column":12},"#,
                r#""severity":"warning","code":"T0201","name":"broken-link","#,
                r#""message":"broken link `b.html`","hints":["did you mean `a.html`?"],"regions":["JP","US"]}"#,
                "\n"
            )
        );
        let parsed: Value = serde_json::from_str(&json(&diags[1], &sources)).unwrap_or(Value::Null);
        assert_eq!(parsed["path"], Value::Null);
        assert_eq!(parsed["code"], "T0009");
        assert_eq!(parsed["hints"], json!([]));
    }

    #[test]
    fn github_commands() {
        let (sources, diags) = sample();
        assert_eq!(
            github(&diags[0], &sources),
            "::warning file=content/a.md,line=2,col=1,endLine=2,endColumn=12,title=T0201 broken-link::broken link `b.html`%0Ahint: did you mean `a.html`?\n"
        );
        assert_eq!(
            github(&diags[1], &sources),
            "::error title=T0009 unknown-region-option::unknown region `XX`\n"
        );
        assert_eq!(
            github(&diags[2], &sources),
            "::error file=hugo.toml,line=3::50%25 off, a: b\n"
        );
    }
}
