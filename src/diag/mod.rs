//! Diagnostics: source files, spans, and the problems found in them.
//!
//! Input: every pipeline stage reports [`Diagnostic`]s, each with a stable
//! [`Code`] (see [`codes`]), into a [`Diagnostics`] sink instead of failing
//! on the first problem. Output: the CLI prints them as
//! `path:line:col: error|warning: message` with a snippet (see `render`) or
//! in one of the one-line formats (see [`format`]) and picks the exit code.
//! Messages are lowercase without a final period, in the writer's words
//! (library messages go through `library`); hints start with `hint:` when
//! printed.

pub mod codes;
pub mod format;
pub(crate) mod library;
pub(crate) mod render;
pub(crate) mod suggest;

pub use codes::Code;

use std::path::{Path, PathBuf};

/// Identifies a loaded source file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SourceId(pub u32);

/// A byte range in an original source file (never in resolved text: the
/// shortcode source map translates before a span is made).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file.
    pub source: SourceId,
    /// First byte.
    pub start: u32,
    /// One past the last byte (equal to `start` for a point).
    pub end: u32,
}

impl Span {
    /// A span covering `start..end` of `source`.
    pub fn new(source: SourceId, start: usize, end: usize) -> Span {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Span {
            source,
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// A zero-width span at `offset`.
    pub fn point(source: SourceId, offset: usize) -> Span {
        Span::new(source, offset, offset)
    }
}

/// One loaded source file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown to the user (relative to the site root when possible).
    pub path: PathBuf,
    /// Full text of the file.
    pub text: String,
    line_starts: Vec<u32>,
}

impl SourceFile {
    /// Wraps a file's text and indexes its line starts.
    pub fn new(path: PathBuf, text: String) -> SourceFile {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        SourceFile {
            path,
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset. Offsets past
    /// the end or inside a UTF-8 sequence are clamped to the nearest valid one.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let mut offset = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line] as usize;
        let col = self.text[start..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&e| e as usize);
        self.text[start as usize..end].trim_end_matches(['\n', '\r'])
    }
}

/// All source files loaded for a build, addressed by [`SourceId`].
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// An empty set.
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, path: PathBuf, text: String) -> SourceId {
        let id = SourceId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(path, text));
        id
    }

    /// The file with this id.
    pub fn get(&self, id: SourceId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// Iterates over all files with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (SourceId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (SourceId(i as u32), f))
    }
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The build cannot produce a correct output (exit code 1).
    Error,
    /// Something is likely wrong but output is still produced (an error
    /// under `--strict`).
    Warning,
}

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    /// A span in a loaded source file (gives line and column).
    Span(Span),
    /// A file that could not be loaded as source (unreadable, invalid
    /// UTF-8, an image), optionally with a 1-based line.
    File(PathBuf, Option<usize>),
    /// No file: configuration or command-line level.
    None,
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where.
    pub location: Location,
    /// Lowercase message without a final period.
    pub message: String,
    /// Suggestions, each printed as `hint: ...`.
    pub hints: Vec<String>,
    /// The stable code (`T0201 broken-link`), see [`codes`].
    pub code: Option<Code>,
    /// The regions whose build reported it (empty: not region-specific),
    /// sorted, filled in by the driver.
    pub regions: Vec<String>,
}

impl Diagnostic {
    /// An error at a span.
    pub fn error(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, Location::Span(span), message)
    }

    /// A warning at a span.
    pub fn warning(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, Location::Span(span), message)
    }

    /// A diagnostic with any location.
    pub fn new(severity: Severity, location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            location,
            message: message.into(),
            hints: Vec::new(),
            code: None,
            regions: Vec::new(),
        }
    }

    /// An error about a whole file (e.g. it is not UTF-8).
    pub fn file_error(path: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(
            Severity::Error,
            Location::File(path.to_path_buf(), None),
            message,
        )
    }

    /// Sets the stable code.
    pub fn with_code(mut self, code: Code) -> Diagnostic {
        self.code = Some(code);
        self
    }

    /// Adds every hint of `hints` (none for `None`).
    pub fn with_hints(mut self, hints: impl IntoIterator<Item = String>) -> Diagnostic {
        self.hints.extend(hints);
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hints.push(hint.into());
        self
    }
}

/// Collects diagnostics so a stage can report many problems and go on.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty sink.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Records a diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Moves all of `other`'s diagnostics into this sink.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All recorded diagnostics, in the order they were pushed.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Marks every diagnostic recorded so far as found in `region`.
    pub fn tag_region(&mut self, region: &str) {
        for d in &mut self.items {
            if !d.regions.iter().any(|r| r == region) {
                d.regions.push(region.to_string());
                d.regions.sort();
            }
        }
    }

    /// Sorted by location and deduplicated: the same problem found while
    /// building several regions is reported once, naming every region.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort();
        let mut out: Vec<Diagnostic> = Vec::with_capacity(self.items.len());
        for d in self.items {
            match out.last_mut() {
                Some(last) if same_problem(last, &d) => {
                    for region in d.regions {
                        if !last.regions.contains(&region) {
                            last.regions.push(region);
                        }
                    }
                    last.regions.sort();
                }
                _ => out.push(d),
            }
        }
        out
    }
}

/// Whether two diagnostics are the same problem (they may differ in regions).
fn same_problem(a: &Diagnostic, b: &Diagnostic) -> bool {
    a.severity == b.severity
        && a.location == b.location
        && a.message == b.message
        && a.hints == b.hints
        && a.code == b.code
}

/// The first line of a library message, starting lowercase, no final period.
pub(crate) fn first_line_lowercase(message: &str) -> String {
    let line = message.lines().next().unwrap_or("").trim();
    let line = line.strip_suffix('.').unwrap_or(line);
    let mut chars = line.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => "invalid value".into(),
    }
}
