//! The snippet printer.
//!
//! Input: [`Diagnostic`]s and the [`Sources`] they point into. Output: text
//! for the terminal: a `path:line:col: error|warning: message` line, the
//! source line with a caret under the span (drawn by annotate-snippets), and
//! one `hint: …` line per hint, then the code (`= T0201 broken-link (tebiki
//! explain T0201)`). Styled with anstyle when asked; the CLI's anstream
//! stream strips the styles when colour is off.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Style};

use super::format::{location_prefix, severity_name};
use super::{Diagnostic, Location, Severity, Sources};

/// Widest source excerpt shown, in characters (long lines are cropped
/// around the span so a 200,000-character line prints a short snippet).
const MAX_EXCERPT_CHARS: usize = 100;

/// A full diagnostic: header, snippet (when it points into a source),
/// hints, and its code with the command that explains it. With `color`,
/// styled with ANSI escapes (anstyle); the caller's stream strips them when
/// colour is off (anstream).
pub(crate) fn render(diag: &Diagnostic, sources: &Sources, color: bool) -> String {
    let paint = |style: Style, text: &str| {
        if color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    };
    let bold = Style::new().bold();
    let severity_style = match diag.severity {
        Severity::Error => AnsiColor::Red.on_default().bold(),
        Severity::Warning => AnsiColor::Yellow.on_default().bold(),
    };
    let severity = paint(severity_style, severity_name(diag.severity));
    let message = paint(bold, &diag.message);
    let mut out = match location_prefix(diag, sources) {
        Some(prefix) => format!(
            "{}: {severity}{} {message}\n",
            paint(bold, &prefix),
            paint(bold, ":")
        ),
        None => format!("{severity}{} {message}\n", paint(bold, ":")),
    };
    if let Some(snippet) = snippet(diag, sources, color) {
        out.push_str(&snippet);
        out.push('\n');
    }
    let hint_style = AnsiColor::Cyan.on_default().bold();
    for hint in &diag.hints {
        out.push_str(&format!("{}: {hint}\n", paint(hint_style, "hint")));
    }
    if let Some(code) = diag.code {
        let info = code.info();
        let note = format!(
            "= {} {} (tebiki explain {})",
            info.code, info.name, info.code
        );
        out.push_str(&paint(Style::new().dimmed(), &note));
        out.push('\n');
    }
    out
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
    fn code_line_and_color() {
        let mut sources = Sources::new();
        let id = sources.add("a.md".into(), "[x](b.html)\n".into());
        let diag = Diagnostic::warning(Span::new(id, 0, 11), "broken link `b.html`")
            .with_code(crate::diag::Code::BrokenLink)
            .with_hint("did you mean `a.html`?");
        let plain = render(&diag, &sources, false);
        assert_eq!(
            plain.lines().last(),
            Some("= T0201 broken-link (tebiki explain T0201)")
        );
        assert!(!plain.contains('\x1b'));
        let colored = render(&diag, &sources, true);
        assert!(
            colored.contains("\x1b[1m\x1b[33mwarning\x1b[0m"),
            "{colored:?}"
        );
        let stripped = anstream::adapter::strip_str(&colored).to_string();
        assert_eq!(stripped, plain);
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
        assert_eq!(render(&d, &sources, false), "warning: w\n");
    }
}
