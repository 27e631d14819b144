//! The snippet printer.
//!
//! Input: [`Diagnostic`]s and the [`Sources`] they point into. Output: text
//! for the terminal: a `path:line:col: error|warning: message` line, the
//! source line with a caret under the span (drawn by annotate-snippets), and
//! one `hint: …` line per hint. Colour only when asked (on a terminal).

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Diagnostic, Location, Severity, Sources};

/// Widest source excerpt shown, in characters (long lines are cropped
/// around the span so a 200,000-character line prints a short snippet).
const MAX_EXCERPT_CHARS: usize = 100;

/// The first line of a diagnostic: `path:line:col: severity: message`.
pub(crate) fn header(diag: &Diagnostic, sources: &Sources) -> String {
    let severity = severity_name(diag.severity);
    match location_prefix(diag, sources) {
        Some(prefix) => format!("{prefix}: {severity}: {}", diag.message),
        None => format!("{severity}: {}", diag.message),
    }
}

/// A full diagnostic: header, snippet (when it points into a source) and hints.
pub(crate) fn render(diag: &Diagnostic, sources: &Sources, color: bool) -> String {
    let mut out = String::new();
    let head = header(diag, sources);
    if color {
        let style = match diag.severity {
            Severity::Error => "\x1b[1;31m",
            Severity::Warning => "\x1b[1;33m",
        };
        let severity = severity_name(diag.severity);
        let colored = head.replacen(
            &format!("{severity}: "),
            &format!("{style}{severity}\x1b[0m\x1b[1m: "),
            1,
        );
        out.push_str(&format!("\x1b[1m{colored}\x1b[0m\n"));
    } else {
        out.push_str(&head);
        out.push('\n');
    }
    if let Some(snippet) = snippet(diag, sources, color) {
        out.push_str(&snippet);
        out.push('\n');
    }
    for hint in &diag.hints {
        if color {
            out.push_str(&format!("\x1b[1;36mhint\x1b[0m: {hint}\n"));
        } else {
            out.push_str(&format!("hint: {hint}\n"));
        }
    }
    out
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `path:line:col`, `path:line`, `path`, or nothing.
fn location_prefix(diag: &Diagnostic, sources: &Sources) -> Option<String> {
    match &diag.location {
        Location::Span(span) => {
            let file = sources.get(span.source)?;
            let (line, col) = file.line_col(span.start);
            Some(format!("{}:{line}:{col}", file.path.display()))
        }
        Location::File(path, Some(line)) => Some(format!("{}:{line}", path.display())),
        Location::File(path, None) => Some(path.display().to_string()),
        Location::None => None,
    }
}

/// The source line under the span with a caret, cropped around the span.
fn snippet(diag: &Diagnostic, sources: &Sources, color: bool) -> Option<String> {
    let Location::Span(span) = &diag.location else {
        return None;
    };
    let file = sources.get(span.source)?;
    let (line, col) = file.line_col(span.start);
    let (end_line, end_col) = file.line_col(span.end);
    let text = file.line_text(line);
    let start_char = col - 1;
    let end_char = if end_line == line {
        (end_col - 1).max(start_char + 1)
    } else {
        text.chars().count().max(start_char + 1)
    };
    let first = start_char.saturating_sub(MAX_EXCERPT_CHARS / 3);
    let last = (first + MAX_EXCERPT_CHARS).max(start_char + 1);
    let excerpt: String = text.chars().skip(first).take(last - first).collect();
    let byte_at = |chars: usize| {
        excerpt
            .char_indices()
            .nth(chars)
            .map_or(excerpt.len(), |(i, _)| i)
    };
    let ann_start = byte_at(start_char - first);
    let ann_end = byte_at(end_char.min(last) - first).max(ann_start);
    let level = match diag.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let group = Group::with_level(level).element(
        Snippet::source(excerpt.as_str())
            .line_start(line)
            .annotation(AnnotationKind::Primary.span(ann_start..ann_end)),
    );
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    Some(renderer.render(&[group]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;

    #[test]
    fn header_snippet_and_hint() {
        let mut sources = Sources::new();
        let id = sources.add("content/a.md".into(), "一行目\n{{% enabled XX %}}\n".into());
        let diag = Diagnostic::error(Span::new(id, 10, 28), "unknown region `XX` in `enabled`")
            .with_hint("regions in tebiki.toml: JP");
        let text = render(&diag, &sources, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "content/a.md:2:1: error: unknown region `XX` in `enabled`"
        );
        assert!(text.contains("2 | {{% enabled XX %}}"), "{text}");
        assert!(text.contains("^^^^^^^^^^^^^^^^^^"), "{text}");
        assert_eq!(
            lines.last().copied(),
            Some("hint: regions in tebiki.toml: JP")
        );
    }

    #[test]
    fn long_lines_are_cropped() {
        let mut sources = Sources::new();
        let line = format!("{}{{{{% x", "あ".repeat(200_000));
        let offset = "あ".len() * 200_000;
        let id = sources.add("a.md".into(), line);
        let diag = Diagnostic::warning(Span::point(id, offset), "bad");
        let text = render(&diag, &sources, false);
        assert!(text.starts_with("a.md:1:200001: warning: bad\n"));
        assert!(text.len() < 2000, "{}", text.len());
    }

    #[test]
    fn spans_at_the_end_of_a_file_and_empty_files() {
        let mut sources = Sources::new();
        let id = sources.add("a.md".into(), "x\n".into());
        let empty = sources.add("b.md".into(), String::new());
        for (source, offset, want) in [
            (id, 2, "a.md:2:1: error: e"),
            (empty, 0, "b.md:1:1: error: e"),
        ] {
            let diag = Diagnostic::error(Span::new(source, offset, offset + 5), "e");
            let text = render(&diag, &sources, false);
            assert_eq!(text.lines().next(), Some(want));
        }
    }

    #[test]
    fn file_and_plain_locations() {
        let sources = Sources::new();
        let d = Diagnostic::file_error(
            std::path::Path::new("tebiki.toml"),
            "no tebiki.toml in the site folder",
        );
        assert_eq!(
            render(&d, &sources, false),
            "tebiki.toml: error: no tebiki.toml in the site folder\n"
        );
        let d = Diagnostic::new(Severity::Warning, Location::None, "w");
        assert_eq!(header(&d, &sources), "warning: w");
    }
}
