//! Resolution of shortcode tags for one region.
//!
//! Input: a text (page body or title), its position in the source file, the
//! tags found by the lexer and a [`RegionContext`]. Output: the resolved
//! text with its [`SourceMap`] and block calls (a [`ResolvedPage`]), plus
//! diagnostics. Pairing and nesting use explicit stacks, so any nesting
//! depth works without recursion.

use std::collections::BTreeMap;
use std::ops::Range;

use super::lexer::{self, Tag, Token};
use super::placeholder;
use super::{CallKind, MapPiece, ResolvedPage, ShortcodeCall, SourceMap};
use crate::diag::{Diagnostic, Diagnostics, SourceId, Span};
use crate::model::AdmonitionKind;
use crate::site::{MappingKind, ShortcodeMapping};

/// What resolution needs to know about the region being built.
#[derive(Debug, Clone, Copy)]
pub struct RegionContext<'a> {
    /// The region being built.
    pub region: &'a str,
    /// Every region code of the site (sorted).
    pub regions: &'a [String],
    /// The region's variables.
    pub vars: &'a BTreeMap<String, String>,
    /// The site's `[shortcodes]` mappings.
    pub mappings: &'a BTreeMap<String, ShortcodeMapping>,
}

/// A text to resolve and where it sits in its source file.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The source file.
    pub source: SourceId,
    /// The whole file's text (for positions in messages).
    pub file: &'a str,
    /// The text to resolve.
    pub text: &'a str,
    /// Byte offset of `text` in the file (`text` is assumed to be copied from
    /// there; for titles with escapes positions are approximate).
    pub base: usize,
    /// Titles allow only inline shortcodes: block ones are dropped with a warning.
    pub inline_only: bool,
}

impl Input<'_> {
    /// The source span of a range of `text`.
    fn span(&self, range: &Range<usize>) -> Span {
        Span::new(self.source, self.base + range.start, self.base + range.end)
    }

    /// The file range of a range of `text`.
    fn original(&self, range: &Range<usize>) -> Range<usize> {
        self.base + range.start..self.base + range.end
    }
}

/// What a shortcode name means.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Enabled,
    Disabled,
    Mapped(ShortcodeMapping),
    Variable(String),
    Screen,
    Admonition(AdmonitionKind, &'static str),
    Unknown,
}

/// Whether a kind must be paired, must be single, or may be either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pairing {
    Required,
    Never,
    Either,
}

impl Kind {
    fn of(name: &str, ctx: &RegionContext) -> Kind {
        match name {
            "enabled" => return Kind::Enabled,
            "disabled" => return Kind::Disabled,
            _ => {}
        }
        if let Some(m) = ctx.mappings.get(name) {
            return Kind::Mapped(m.clone());
        }
        if let Some(v) = ctx.vars.get(name) {
            return Kind::Variable(v.clone());
        }
        match name {
            "screen" => Kind::Screen,
            "warning" => Kind::Admonition(AdmonitionKind::Warning, "注意"),
            "note" => Kind::Admonition(AdmonitionKind::Note, "メモ"),
            "info" => Kind::Admonition(AdmonitionKind::Info, "補足"),
            "tip" => Kind::Admonition(AdmonitionKind::Tip, "ヒント"),
            _ => Kind::Unknown,
        }
    }

    fn pairing(&self) -> Pairing {
        match self {
            Kind::Enabled | Kind::Disabled | Kind::Admonition(..) => Pairing::Required,
            Kind::Mapped(m) => match m.kind {
                MappingKind::Admonition => Pairing::Required,
                MappingKind::Text => Pairing::Never,
                MappingKind::Heading | MappingKind::Link | MappingKind::Drop => Pairing::Either,
            },
            Kind::Variable(_) | Kind::Screen => Pairing::Never,
            Kind::Unknown => Pairing::Either,
        }
    }
}

/// Resolved text being built with its source map.
struct Output {
    text: String,
    pieces: Vec<MapPiece>,
}

impl Output {
    /// Appends text copied unchanged from `original`.
    fn copy(&mut self, s: &str, original: Range<usize>) {
        if s.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(s);
        if let Some(last) = self.pieces.last_mut()
            && last.copied
            && last.original.end == original.start
            && last.resolved.end == start
        {
            last.resolved.end = self.text.len();
            last.original.end = original.end;
            return;
        }
        self.pieces.push(MapPiece {
            resolved: start..self.text.len(),
            original,
            copied: true,
        });
    }

    /// Appends generated text standing for `original`.
    fn generate(&mut self, s: &str, original: Range<usize>) {
        if s.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(s);
        self.pieces.push(MapPiece {
            resolved: start..self.text.len(),
            original,
            copied: false,
        });
    }
}

/// What to do when a paired tag closes.
#[derive(Debug, Clone)]
enum Close {
    Nothing,
    Unsuppress,
    Admonition { indent_from: usize },
    Link(String),
}

/// What emitting one tag reads and writes besides the tag itself: the text
/// being resolved, the region, and the output with its calls.
struct Emitter<'a> {
    input: &'a Input<'a>,
    ctx: &'a RegionContext<'a>,
    out: Output,
    calls: Vec<ShortcodeCall>,
}

/// Resolves every shortcode of `input` for the region.
pub fn resolve(input: Input, ctx: &RegionContext, diags: &mut Diagnostics) -> ResolvedPage {
    let Input {
        source, text, base, ..
    } = input;
    let tokens = lexer::scan(text);
    let kinds: Vec<Option<Kind>> = tokens
        .iter()
        .map(|t| match t {
            Token::Tag(tag) if !tag.closing => Some(Kind::of(&tag.name, ctx)),
            _ => None,
        })
        .collect();
    let partner = match_pairs(&input, &tokens, &kinds, diags);
    check_tags(&input, &tokens, &kinds, &partner, ctx, diags);

    let mut emit = Emitter {
        input: &input,
        ctx,
        out: Output {
            text: String::with_capacity(text.len()),
            pieces: Vec::new(),
        },
        calls: Vec::new(),
    };
    let mut suppress = 0usize;
    // What each open paired tag does when it closes, innermost last.
    let mut closers: Vec<Close> = Vec::new();
    let mut cursor = 0;
    for (i, token) in tokens.iter().enumerate() {
        let range = match token {
            Token::Tag(t) => t.range.clone(),
            Token::Literal { range, .. } | Token::Malformed { range, .. } => range.clone(),
        };
        if matches!(token, Token::Malformed { .. }) {
            continue;
        }
        if range.start < cursor {
            continue;
        }
        if suppress == 0 {
            emit.out.copy(
                &text[cursor..range.start],
                base + cursor..base + range.start,
            );
        }
        cursor = range.end;
        let orig = base + range.start..base + range.end;
        let tag = match token {
            Token::Tag(t) => t,
            Token::Literal { text: lit, .. } => {
                if suppress == 0 {
                    emit.out.generate(lit, orig);
                }
                continue;
            }
            Token::Malformed { .. } => continue,
        };
        if tag.closing {
            if !matches!(partner.get(i), Some(Some(_))) {
                continue;
            }
            match closers.pop() {
                Some(Close::Unsuppress) => suppress = suppress.saturating_sub(1),
                Some(Close::Admonition { indent_from }) if suppress == 0 => {
                    let indent = indent_of(text, indent_from.max(range.start), false);
                    let close = placeholder::close();
                    emit.out
                        .generate(&format!("\n\n{indent}{close}\n\n{indent}"), orig);
                }
                Some(Close::Link(url)) if suppress == 0 => {
                    emit.out.generate(&format!("]({url})"), orig);
                }
                _ => {}
            }
            continue;
        }
        let Some(Some(kind)) = kinds.get(i) else {
            continue;
        };
        let paired = matches!(partner.get(i), Some(Some(_)));
        if !paired && kind.pairing() == Pairing::Required {
            continue;
        }
        let close = emit.open_tag(tag, kind, paired, suppress == 0);
        if paired {
            if matches!(close, Close::Unsuppress) {
                suppress += 1;
            }
            closers.push(close);
        }
    }
    let Emitter { mut out, calls, .. } = emit;
    if suppress == 0 {
        out.copy(
            &text[cursor.min(text.len())..],
            base + cursor.min(text.len())..base + text.len(),
        );
    }
    ResolvedPage {
        source,
        text: out.text,
        map: SourceMap {
            source,
            pieces: out.pieces,
        },
        calls,
    }
}

impl Emitter<'_> {
    /// Emits what an opening (or single) tag produces (nothing unless
    /// `active`, i.e. outside suppressed content) and says what its closing tag
    /// will do.
    fn open_tag(&mut self, tag: &Tag, kind: &Kind, paired: bool, active: bool) -> Close {
        let orig = self.input.original(&tag.range);
        match kind {
            Kind::Enabled | Kind::Disabled => {
                let listed = tag.positional().any(|r| r == self.ctx.region);
                let keep = listed == (*kind == Kind::Enabled);
                if keep {
                    Close::Nothing
                } else {
                    Close::Unsuppress
                }
            }
            Kind::Variable(value) => {
                if active {
                    self.out.generate(value, orig);
                }
                Close::Nothing
            }
            Kind::Screen if self.input.inline_only => Close::Nothing,
            Kind::Screen => {
                if active && let Some(src) = tag.named("src") {
                    let id = self.calls.len();
                    self.calls.push(ShortcodeCall {
                        name: tag.name.clone(),
                        kind: CallKind::Screen {
                            src: src.to_string(),
                            alt: tag.named("alt").unwrap_or("").to_string(),
                            title: tag.named("title").map(str::to_string),
                            width: tag.named("width").and_then(parse_width),
                        },
                        span: self.input.span(&tag.range),
                    });
                    self.out.generate(&placeholder::empty(id), orig);
                }
                Close::Nothing
            }
            Kind::Admonition(..)
            | Kind::Mapped(ShortcodeMapping {
                kind: MappingKind::Admonition,
                ..
            }) if self.input.inline_only => Close::Nothing,
            Kind::Admonition(adm, label) => self.open_admonition(tag, *adm, label, active),
            Kind::Mapped(m) => match m.kind {
                MappingKind::Admonition => {
                    self.open_admonition(tag, AdmonitionKind::Custom, &m.label, active)
                }
                MappingKind::Text => {
                    if active {
                        self.out.generate(&m.label, orig);
                    }
                    Close::Nothing
                }
                MappingKind::Heading => {
                    if active && !self.input.inline_only {
                        let text = if paired {
                            "## ".to_string()
                        } else {
                            format!("## {}", m.label)
                        };
                        self.out.generate(&text, orig);
                    }
                    Close::Nothing
                }
                MappingKind::Link => {
                    let url = tag
                        .named("href")
                        .or_else(|| tag.named("url"))
                        .or_else(|| tag.positional().next())
                        .unwrap_or("")
                        .to_string();
                    if paired {
                        if active {
                            self.out.generate("[", orig);
                        }
                        Close::Link(url)
                    } else {
                        if active {
                            self.out.generate(&format!("[{}]({url})", m.label), orig);
                        }
                        Close::Nothing
                    }
                }
                MappingKind::Drop => {
                    if paired {
                        Close::Unsuppress
                    } else {
                        Close::Nothing
                    }
                }
            },
            Kind::Unknown => Close::Nothing,
        }
    }

    /// Opens an admonition box: a call plus the opening placeholder.
    fn open_admonition(
        &mut self,
        tag: &Tag,
        kind: AdmonitionKind,
        label: &str,
        active: bool,
    ) -> Close {
        if !active {
            return Close::Admonition {
                indent_from: tag.range.start,
            };
        }
        let id = self.calls.len();
        self.calls.push(ShortcodeCall {
            name: tag.name.clone(),
            kind: CallKind::Admonition {
                kind,
                label: label.to_string(),
            },
            span: self.input.span(&tag.range),
        });
        let indent = indent_of(self.input.text, tag.range.start, true);
        let orig = self.input.original(&tag.range);
        let open = placeholder::open(id);
        self.out.generate(&format!("{open}\n\n{indent}"), orig);
        Close::Admonition {
            indent_from: tag.range.start,
        }
    }
}

/// The indentation content continuing the line holding `pos` needs: the
/// line's leading whitespace, plus the width of a list marker when
/// `with_marker` and the tag follows one (`1. {{% note %}}`).
fn indent_of(text: &str, pos: usize, with_marker: bool) -> String {
    let pos = floor_boundary(text, pos);
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..pos];
    let ws_len = prefix.len() - prefix.trim_start_matches([' ', '\t']).len();
    let mut indent = prefix[..ws_len].to_string();
    let rest = &prefix[ws_len..];
    if with_marker && is_list_marker(rest) {
        indent.extend(std::iter::repeat_n(' ', rest.chars().count()));
    }
    indent
}

/// `* `, `- `, `+ `, `1. `, `1) ` (with any trailing spaces).
fn is_list_marker(s: &str) -> bool {
    let t = s.trim_end_matches(' ');
    if t.len() == s.len() || t.is_empty() {
        return false;
    }
    matches!(t, "*" | "-" | "+")
        || (t.len() <= 10
            && t.ends_with(['.', ')'])
            && t[..t.len() - 1].chars().all(|c| c.is_ascii_digit())
            && t.len() > 1)
}

fn floor_boundary(text: &str, mut pos: usize) -> usize {
    pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// `600`, `600px`, `50.5` → pixels.
fn parse_width(s: &str) -> Option<f32> {
    let v: f32 = s.trim().trim_end_matches("px").trim().parse().ok()?;
    (v.is_finite() && v > 0.0).then_some(v)
}

/// 1-based line and column of a file offset, for messages.
fn line_col(file: &str, offset: usize) -> (usize, usize) {
    let offset = floor_boundary(file, offset);
    let before = &file[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before, |i| &before[i + 1..])
        .chars()
        .count()
        + 1;
    (line, col)
}

/// Pairs opening and closing tags. Returns, for each token, the index of its
/// partner (openers point at closers and back). Reports closers without an
/// opener, mismatched closers and unclosed openers.
fn match_pairs(
    input: &Input,
    tokens: &[Token],
    kinds: &[Option<Kind>],
    diags: &mut Diagnostics,
) -> Vec<Option<usize>> {
    let span = |r: &Range<usize>| Span::new(input.source, input.base + r.start, input.base + r.end);
    let mut partner = vec![None; tokens.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Token::Tag(tag) = token else { continue };
        if !tag.closing {
            let pairing = kinds
                .get(i)
                .and_then(Option::as_ref)
                .map_or(Pairing::Never, Kind::pairing);
            if !tag.self_closing && pairing != Pairing::Never {
                stack.push(i);
            }
            continue;
        }
        loop {
            let Some(&top) = stack.last() else {
                diags.push(
                    Diagnostic::error(
                        span(&tag.range),
                        format!("closing tag `{}` has no opening tag", tag.display()),
                    )
                    .with_hint("remove it or add the opening tag before it"),
                );
                break;
            };
            let Some(Token::Tag(open)) = tokens.get(top) else {
                break;
            };
            if open.name == tag.name {
                stack.pop();
                partner[top] = Some(i);
                partner[i] = Some(top);
                break;
            }
            let pairing = kinds
                .get(top)
                .and_then(Option::as_ref)
                .map_or(Pairing::Never, Kind::pairing);
            if pairing == Pairing::Either {
                stack.pop();
                continue;
            }
            let (line, col) = line_col(input.file, input.base + open.range.start);
            diags.push(
                Diagnostic::error(
                    span(&tag.range),
                    format!(
                        "closing tag `{}` does not match `{}` opened at {line}:{col}",
                        tag.display(),
                        open.display()
                    ),
                )
                .with_hint(format!(
                    "close `{}` first with `{{{{% /{} %}}}}`",
                    open.name, open.name
                )),
            );
            break;
        }
    }
    for &open_idx in &stack {
        let Some(Token::Tag(open)) = tokens.get(open_idx) else {
            continue;
        };
        let pairing = kinds
            .get(open_idx)
            .and_then(Option::as_ref)
            .map_or(Pairing::Never, Kind::pairing);
        if pairing == Pairing::Required {
            diags.push(
                Diagnostic::error(
                    span(&open.range),
                    format!("shortcode `{}` opened here is never closed", open.display()),
                )
                .with_hint(format!("close it with `{{{{% /{} %}}}}`", open.name)),
            );
        }
    }
    partner
}

/// Malformed tags reported per text before the rest are summarized (a
/// line of tag soup must not print megabytes of diagnostics).
const MAX_MALFORMED_REPORTS: usize = 50;

/// Reports malformed tags, unknown shortcodes, unknown regions and bad
/// arguments (independently of the region, so every region reports the same).
fn check_tags(
    input: &Input,
    tokens: &[Token],
    kinds: &[Option<Kind>],
    partner: &[Option<usize>],
    ctx: &RegionContext,
    diags: &mut Diagnostics,
) {
    let span = |r: &Range<usize>| Span::new(input.source, input.base + r.start, input.base + r.end);
    let mut malformed = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        let tag = match token {
            Token::Malformed { range, message } => {
                malformed += 1;
                if malformed <= MAX_MALFORMED_REPORTS {
                    diags.push(Diagnostic::error(span(range), message.clone()));
                } else if malformed == MAX_MALFORMED_REPORTS + 1 {
                    diags.push(Diagnostic::error(
                        span(range),
                        "more malformed shortcode tags follow; only the first ones are reported",
                    ));
                }
                continue;
            }
            Token::Tag(tag) if !tag.closing => tag,
            _ => continue,
        };
        let Some(Some(kind)) = kinds.get(i) else {
            continue;
        };
        let paired = matches!(partner.get(i), Some(Some(_)));
        match kind {
            Kind::Enabled | Kind::Disabled => {
                let mut any = false;
                for code in tag.positional() {
                    any = true;
                    if !ctx.regions.iter().any(|r| r == code) {
                        diags.push(
                            Diagnostic::error(
                                span(&tag.range),
                                format!("unknown region `{code}` in `{}`", tag.name),
                            )
                            .with_hint(format!(
                                "regions in tebiki.toml: {}",
                                ctx.regions.join(", ")
                            )),
                        );
                    }
                }
                if !any {
                    diags.push(Diagnostic::error(
                        span(&tag.range),
                        format!("`{}` needs at least one region code", tag.name),
                    ));
                }
            }
            Kind::Screen if input.inline_only => diags.push(Diagnostic::warning(
                span(&tag.range),
                "`screen` is not allowed in a title and is dropped",
            )),
            Kind::Screen => {
                if tag.named("src").is_none() {
                    diags.push(Diagnostic::error(
                        span(&tag.range),
                        "`screen` needs a `src` argument",
                    ));
                } else if tag.named("alt").is_none_or(str::is_empty) {
                    diags.push(
                        Diagnostic::warning(span(&tag.range), "`screen` has no `alt` text")
                            .with_hint("describe the screenshot with alt=\"…\""),
                    );
                }
                if let Some(width) = tag.named("width").filter(|w| parse_width(w).is_none()) {
                    diags.push(
                        Diagnostic::warning(
                            span(&tag.range),
                            format!(
                                "`screen` width `{}` is not a positive number of pixels; it is ignored",
                                width.escape_debug()
                            ),
                        )
                        .with_hint("write the width in pixels, e.g. width=\"600\" or width=\"600px\""),
                    );
                }
            }
            Kind::Admonition(..)
            | Kind::Mapped(ShortcodeMapping {
                kind: MappingKind::Admonition,
                ..
            }) if input.inline_only => diags.push(Diagnostic::warning(
                span(&tag.range),
                format!(
                    "`{}` is not allowed in a title; its content is kept as text",
                    tag.name
                ),
            )),
            Kind::Unknown => {
                let what = if paired {
                    "its content is kept"
                } else {
                    "it is dropped"
                };
                diags.push(
                    Diagnostic::warning(
                        span(&tag.range),
                        format!("unknown shortcode `{}`: {what}", tag.name),
                    )
                    .with_hint(format!(
                        "define it as a variable in [params] or map it in [shortcodes.{}]",
                        tag.name
                    )),
                );
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Location, SourceFile};

    struct Fixture {
        regions: Vec<String>,
        vars: BTreeMap<String, String>,
        mappings: BTreeMap<String, ShortcodeMapping>,
    }

    fn fixture() -> Fixture {
        let vars = [
            ("service", "cybozu.com"),
            ("slash", "cybozu.com "),
            ("store", "ストア"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let mut mappings = BTreeMap::new();
        mappings.insert(
            "seealso".to_string(),
            ShortcodeMapping {
                kind: MappingKind::Admonition,
                label: "関連ページ".into(),
            },
        );
        mappings.insert(
            "hidden".to_string(),
            ShortcodeMapping {
                kind: MappingKind::Drop,
                label: String::new(),
            },
        );
        for (name, kind, label) in [
            ("product", MappingKind::Text, "キントーン"),
            ("ext", MappingKind::Link, "外部サイト"),
            ("sec", MappingKind::Heading, "関連情報"),
        ] {
            mappings.insert(
                name.to_string(),
                ShortcodeMapping {
                    kind,
                    label: label.into(),
                },
            );
        }
        Fixture {
            regions: vec!["CN".into(), "JP".into(), "US".into()],
            vars,
            mappings,
        }
    }

    /// Resolves `text` for `region`; returns the page and the diagnostics as
    /// `line:col: severity: message`.
    fn run(text: &str, region: &str) -> (ResolvedPage, Vec<String>) {
        let f = fixture();
        let ctx = RegionContext {
            region,
            regions: &f.regions,
            vars: &f.vars,
            mappings: &f.mappings,
        };
        let mut diags = Diagnostics::new();
        let input = Input {
            source: SourceId(0),
            file: text,
            text,
            base: 0,
            inline_only: false,
        };
        let page = resolve(input, &ctx, &mut diags);
        let file = SourceFile::new("p.md".into(), text.into());
        let msgs = diags
            .items()
            .iter()
            .map(|d| {
                let Location::Span(s) = d.location else {
                    return d.message.clone();
                };
                let (l, c) = file.line_col(s.start);
                let sev = match d.severity {
                    crate::diag::Severity::Error => "error",
                    crate::diag::Severity::Warning => "warning",
                };
                format!("{l}:{c}: {sev}: {}", d.message)
            })
            .collect();
        (page, msgs)
    }

    #[test]
    fn conditionals_inline_in_a_table_cell() {
        let text = "<td>{{% disabled US CN %}}{{%store%}}で{{% /disabled %}}購入</td>";
        assert_eq!(run(text, "JP").0.text, "<td>ストアで購入</td>");
        assert_eq!(run(text, "US").0.text, "<td>購入</td>");
    }

    #[test]
    fn nested_conditionals_both_syntaxes() {
        let text = "a{{< enabled JP US >}}b{{% disabled US%}}c{{%/disabled%}}d{{< /enabled >}}e";
        assert_eq!(run(text, "JP").0.text, "abcde");
        assert_eq!(run(text, "US").0.text, "abde");
        assert_eq!(run(text, "CN").0.text, "ae");
    }

    #[test]
    fn deep_nesting_needs_no_recursion() {
        let depth = 3000;
        let mut text = String::new();
        for _ in 0..depth {
            text.push_str("{{% enabled JP %}}x");
        }
        for _ in 0..depth {
            text.push_str("{{% /enabled %}}");
        }
        let (page, msgs) = run(&text, "JP");
        assert!(msgs.is_empty());
        assert_eq!(page.text.len(), depth);
        assert_eq!(run(&text, "US").0.text, "");
    }

    #[test]
    fn screen_becomes_a_placeholder_and_call() {
        let text =
            "1. 手順\n  {{< screen src=\"/img/a.png\"  alt=\"ログイン画面\" width=\"600px\">}}\n";
        let (page, msgs) = run(text, "JP");
        assert!(msgs.is_empty(), "{msgs:?}");
        assert_eq!(page.text, "1. 手順\n  <tebiki-sc id=\"0\"></tebiki-sc>\n");
        assert_eq!(
            page.calls[0].kind,
            CallKind::Screen {
                src: "/img/a.png".into(),
                alt: "ログイン画面".into(),
                title: None,
                width: Some(600.0)
            }
        );
        assert_eq!(
            page.calls[0].span.start as usize,
            text.find("{{<").unwrap_or(0)
        );
    }

    #[test]
    fn admonitions_keep_list_indentation() {
        let text = "* item\n  {{% warning %}}\n  注意して\n  {{% /warning %}}\nafter";
        let (page, msgs) = run(text, "JP");
        assert!(msgs.is_empty(), "{msgs:?}");
        assert_eq!(
            page.text,
            "* item\n  <tebiki-sc id=\"0\">\n\n  \n  注意して\n  \n\n  </tebiki-sc>\n\n  \nafter"
        );
        assert_eq!(
            page.calls[0].kind,
            CallKind::Admonition {
                kind: AdmonitionKind::Warning,
                label: "注意".into()
            }
        );
    }

    #[test]
    fn mapped_shortcodes() {
        let (page, _) = run(
            "{{% seealso %}}x{{% /seealso %}}{{% hidden %}}gone{{% /hidden %}}",
            "JP",
        );
        assert!(page.text.starts_with("<tebiki-sc id=\"0\">"));
        assert!(!page.text.contains("gone"));
        assert_eq!(
            page.calls[0].kind,
            CallKind::Admonition {
                kind: AdmonitionKind::Custom,
                label: "関連ページ".into()
            }
        );
    }

    #[test]
    fn text_link_and_heading_mappings() {
        let (page, msgs) = run(
            "{{% product %}}と{{< ext \"https://a.example\" >}}と{{% ext href=\"https://b.example\" %}}こちら{{% /ext %}}\n\n{{% sec %}}\n",
            "JP",
        );
        assert!(msgs.is_empty(), "{msgs:?}");
        assert_eq!(
            page.text,
            "キントーンと[外部サイト](https://a.example)と[こちら](https://b.example)\n\n## 関連情報\n"
        );
    }

    #[test]
    fn unknown_shortcodes_warn_and_keep_paired_content() {
        let (page, msgs) = run("a{{% foo %}}b{{% /foo %}}c{{< bar x=1 >}}d", "JP");
        assert_eq!(page.text, "abcd");
        assert_eq!(
            msgs,
            vec![
                "1:2: warning: unknown shortcode `foo`: its content is kept",
                "1:27: warning: unknown shortcode `bar`: it is dropped",
            ]
        );
    }

    #[test]
    fn errors_name_their_positions() {
        let (_, msgs) = run("x\n  {{% enabled JP %}}\ntext\n", "JP");
        assert_eq!(
            msgs,
            vec!["2:3: error: shortcode `{{% enabled %}}` opened here is never closed"]
        );
        let (_, msgs) = run(
            "{{% warning %}}\n{{% enabled JP %}}\n{{% /warning %}}\n{{% /enabled %}}",
            "JP",
        );
        assert_eq!(
            msgs[0],
            "3:1: error: closing tag `{{% /warning %}}` does not match `{{% enabled %}}` opened at 2:1"
        );
        let (_, msgs) = run("ok\n{{% /note %}}", "JP");
        assert_eq!(
            msgs,
            vec!["2:1: error: closing tag `{{% /note %}}` has no opening tag"]
        );
        let (_, msgs) = run("{{% enabled XX %}}a{{% /enabled %}}", "JP");
        assert_eq!(msgs, vec!["1:1: error: unknown region `XX` in `enabled`"]);
        let (_, msgs) = run("{{< screen alt=\"x\" >}}", "JP");
        assert_eq!(msgs, vec!["1:1: error: `screen` needs a `src` argument"]);
        let (_, msgs) = run("line\n{{% note", "JP");
        assert_eq!(
            msgs,
            vec!["2:1: error: shortcode tag `note` is not closed with `%}}`"]
        );
    }

    #[test]
    fn source_map_round_trips() {
        let text = "前{{%service%}}後\n{{% enabled JP %}}日本{{% /enabled %}}\n";
        let (page, _) = run(text, "JP");
        assert_eq!(page.text, "前cybozu.com後\n日本\n");
        // Copied text maps byte for byte.
        let after = page.text.find('後').unwrap_or(0);
        assert_eq!(page.map.offset(after), text.find('後').unwrap_or(0));
        let nihon = page.text.find("日本").unwrap_or(0);
        assert_eq!(page.map.offset(nihon), text.find("日本").unwrap_or(0));
        // Generated text maps to the tag.
        let var = page.text.find("cybozu").unwrap_or(0);
        assert_eq!(page.map.offset(var + 3), text.find("{{%").unwrap_or(0));
        // Every copied piece's text equals the original's.
        for p in page.map.pieces.iter().filter(|p| p.copied) {
            assert_eq!(
                page.text.get(p.resolved.clone()),
                text.get(p.original.clone())
            );
        }
    }

    #[test]
    fn long_lines_are_linear() {
        let text = "{{%".repeat(70_000);
        let (page, msgs) = run(&text, "JP");
        assert_eq!(msgs.len(), MAX_MALFORMED_REPORTS + 1);
        assert_eq!(page.text.len(), text.len());
    }
}
