//! Resolution of shortcode tags for one region.
//!
//! Input: a text (page body or title), its position in the source file, the
//! tags found by the lexer and a [`RegionContext`]. Output: the resolved
//! text with its [`SourceMap`] and block calls (a [`ResolvedPage`]), plus
//! diagnostics. Pairing and nesting use explicit stacks, so any nesting
//! depth of conditionals works without recursion; the inner documents of v1
//! boxes and includes are bounded ([`MAX_UNIT_DEPTH`]).
//!
//! Models (see [`placeholder`]): a v1 block shortcode (built-in boxes,
//! mapped boxes and headings unless `model = "v2"`, `highlight`, `include`)
//! leaves one unit placeholder where its tag stands, and its inner content is
//! resolved into a document of its own (an output *frame* on a stack); a v2
//! box leaves open/close placeholders around its content in the page.
//! Conditionals, variables, `param`, `ref`/`relref` and text mappings are
//! text substitutions. Argument values are resolved too (`alt="{{%kintone%}}の画面"`
//! prints the variable's value), unlike Hugo which prints them literally.

use std::collections::BTreeMap;
use std::ops::Range;

use super::content::{ContentIndex, PageFacts};
use super::kinds::{Kind, Pairing, expand_template, model_of};
use super::lexer::{self, Tag, Token};
use super::placeholder::{self, Role};
use super::{CallKind, Inner, MapPiece, ResolvedPage, ShortcodeCall, SourceMap};
use crate::diag::{Diagnostic, Diagnostics, SourceId, Span};
use crate::model::AdmonitionKind;
use crate::site::{MappingKind, ShortcodeMapping, ShortcodeModel};

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
    /// The book's language (BCP 47), for the labels of built-in boxes.
    pub language: &'a str,
    /// The site's content files, for `ref`/`relref` and `include`.
    pub content: &'a ContentIndex<'a>,
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
    /// The page being resolved (its path and front-matter params).
    pub page: PageFacts<'a>,
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

/// v1 boxes, headings and includes nested deeper than this inside each
/// other are resolved as v2 boxes (or reported, for includes), which bounds
/// the recursion of `markdown` over inner documents.
pub(crate) const MAX_UNIT_DEPTH: usize = 16;

/// Resolved text being built with its source map.
#[derive(Default)]
struct Output {
    text: String,
    pieces: Vec<MapPiece>,
}

impl Output {
    /// Appends text copied unchanged from `original`. Placeholder characters
    /// written in the source are neutralized (same length), and such a piece
    /// counts as generated.
    fn copy(&mut self, s: &str, original: Range<usize>) {
        if s.is_empty() {
            return;
        }
        if placeholder::contains(s) {
            self.generate(&placeholder::neutralize(s), original);
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
    /// A v2 box: write its close placeholder (`None`: opened while hidden).
    Admonition {
        id: Option<usize>,
        indent_from: usize,
    },
    /// A link: `](url)` after the inner text, or ` [label](url)` after it.
    Link {
        url: String,
        label: Option<String>,
    },
    /// A v1 unit: the frame holding its inner content ends.
    Frame(usize),
}

/// What resolving a page (and the files it includes) accumulates.
struct State {
    /// Block calls of the whole page, indexed by placeholder id.
    calls: Vec<ShortcodeCall>,
    /// Content-relative paths being included, outermost first.
    includes: Vec<String>,
    /// v1 frames and includes open around the tag being resolved.
    depth: usize,
}

/// What emitting one tag reads and writes besides the tag itself: the text
/// being resolved, the region, the output frames and the page's state.
struct Emitter<'a, 's> {
    input: &'a Input<'a>,
    ctx: &'a RegionContext<'a>,
    /// The text being built, innermost inner document last.
    frames: Vec<Output>,
    state: &'s mut State,
    diags: &'s mut Diagnostics,
}

/// Resolves every shortcode of `input` for the region.
pub fn resolve(input: Input, ctx: &RegionContext, diags: &mut Diagnostics) -> ResolvedPage {
    let mut state = State {
        calls: Vec::new(),
        includes: Vec::new(),
        depth: 0,
    };
    if !input.page.rel_path.is_empty() {
        state.includes.push(input.page.rel_path.to_string());
    }
    let (text, map) = resolve_into(&input, ctx, diags, &mut state);
    ResolvedPage {
        source: input.source,
        text,
        map,
        calls: state.calls,
    }
}

/// Resolves `input` into text and map, adding its block calls to `state`.
fn resolve_into(
    input: &Input,
    ctx: &RegionContext,
    diags: &mut Diagnostics,
    state: &mut State,
) -> (String, SourceMap) {
    let Input {
        source, text, base, ..
    } = *input;
    let mut tokens = lexer::scan(text);
    expand_arguments(input, &mut tokens, ctx, diags, state);
    let kinds: Vec<Option<Kind>> = tokens
        .iter()
        .map(|t| match t {
            Token::Tag(tag) if !tag.closing => {
                Some(Kind::of(&tag.name, ctx.vars, ctx.mappings, ctx.language))
            }
            _ => None,
        })
        .collect();
    let partner = match_pairs(input, &tokens, &kinds, diags);
    check_tags(input, &tokens, &kinds, &partner, ctx, diags);

    let mut emit = Emitter {
        input,
        ctx,
        frames: vec![Output {
            text: String::with_capacity(text.len()),
            pieces: Vec::new(),
        }],
        state,
        diags,
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
            emit.copy(
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
                    emit.generate(lit, orig);
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
                Some(Close::Frame(id)) => emit.close_frame(id),
                Some(Close::Admonition {
                    id: Some(id),
                    indent_from,
                }) if suppress == 0 => {
                    let indent = indent_of(text, indent_from.max(range.start), false);
                    let close = placeholder::spell(id, Role::Close);
                    emit.generate(&format!("\n\n{indent}{close}\n\n{indent}"), orig);
                }
                Some(Close::Link { url, label }) if suppress == 0 => {
                    let end = match label {
                        None => format!("]({})", link_destination(&url)),
                        Some(label) => {
                            format!(" [{}]({})", escape_markdown(&label), link_destination(&url))
                        }
                    };
                    emit.generate(&end, orig);
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
    if suppress == 0 {
        emit.copy(
            &text[cursor.min(text.len())..],
            base + cursor.min(text.len())..base + text.len(),
        );
    }
    // Frames still open (never after well-paired tags) end here.
    while let Some(close) = closers.pop() {
        if let Close::Frame(id) = close {
            emit.close_frame(id);
        }
    }
    let mut frames = std::mem::take(&mut emit.frames);
    let out = frames.drain(..).next().unwrap_or_default();
    (
        out.text,
        SourceMap {
            source,
            pieces: out.pieces,
        },
    )
}

impl Emitter<'_, '_> {
    /// The innermost output frame.
    fn top(&mut self) -> &mut Output {
        if self.frames.is_empty() {
            self.frames.push(Output::default());
        }
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    fn copy(&mut self, s: &str, original: Range<usize>) {
        self.top().copy(s, original);
    }

    fn generate(&mut self, s: &str, original: Range<usize>) {
        self.top().generate(s, original);
    }

    /// Adds a block call and writes its unit placeholder; returns its id.
    fn unit(&mut self, tag: &Tag, kind: CallKind) -> usize {
        let id = self.state.calls.len();
        self.state.calls.push(ShortcodeCall {
            name: tag.name.clone(),
            kind,
            span: self.input.span(&tag.range),
        });
        let orig = self.input.original(&tag.range);
        self.generate(&placeholder::spell(id, Role::Unit), orig);
        id
    }

    /// Writes a unit placeholder for a paired v1 shortcode and opens the
    /// frame that collects its inner content.
    fn open_frame(&mut self, tag: &Tag, kind: CallKind) -> Close {
        let id = self.unit(tag, kind);
        self.frames.push(Output::default());
        self.state.depth += 1;
        Close::Frame(id)
    }

    /// Ends the frame of call `id`: its text becomes the call's inner document.
    fn close_frame(&mut self, id: usize) {
        if self.frames.len() < 2 {
            return;
        }
        let Some(out) = self.frames.pop() else {
            return;
        };
        self.state.depth = self.state.depth.saturating_sub(1);
        let inner = Inner {
            text: out.text,
            map: SourceMap {
                source: self.input.source,
                pieces: out.pieces,
            },
        };
        let Some(call) = self.state.calls.get_mut(id) else {
            return;
        };
        match &mut call.kind {
            CallKind::Admonition { inner: slot, .. } => *slot = Some(inner),
            CallKind::Heading { inner: slot, .. }
            | CallKind::Code { inner: slot, .. }
            | CallKind::Include { inner: slot } => *slot = inner,
            CallKind::Screen { .. } => {}
        }
    }

    /// Emits what an opening (or single) tag produces (nothing unless
    /// `active`, i.e. outside suppressed content) and says what its closing tag
    /// will do.
    fn open_tag(&mut self, tag: &Tag, kind: &Kind, paired: bool, active: bool) -> Close {
        let orig = self.input.original(&tag.range);
        let inline_only = self.input.inline_only;
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
                    self.generate(value, orig);
                }
                Close::Nothing
            }
            Kind::Screen | Kind::Figure if inline_only => Close::Nothing,
            Kind::Screen => {
                if active && let Some(src) = tag.named("src") {
                    let call = CallKind::Screen {
                        src: src.to_string(),
                        alt: tag.named("alt").unwrap_or("").to_string(),
                        title: tag.named("title").map(str::to_string),
                        width: tag.named("width").and_then(parse_width),
                    };
                    self.unit(tag, call);
                }
                Close::Nothing
            }
            Kind::Figure => {
                if active && let Some(src) = tag.named("src") {
                    let nonempty = |k: &str| tag.named(k).filter(|v| !v.trim().is_empty());
                    let caption = nonempty("caption");
                    let title = match (nonempty("title"), caption) {
                        (Some(t), Some(c)) => Some(format!("{t} — {c}")),
                        (t, c) => t.or(c).map(str::to_string),
                    };
                    let call = CallKind::Screen {
                        src: src.to_string(),
                        alt: nonempty("alt").or(caption).unwrap_or("").to_string(),
                        title,
                        width: tag.named("width").and_then(parse_width),
                    };
                    self.unit(tag, call);
                }
                Close::Nothing
            }
            Kind::Ref { absolute } => {
                if active {
                    self.reference(tag, *absolute);
                }
                Close::Nothing
            }
            Kind::Param => {
                if active {
                    self.param(tag);
                }
                Close::Nothing
            }
            Kind::Highlight => {
                if active && paired && !inline_only {
                    let language = tag
                        .positional()
                        .next()
                        .or_else(|| tag.named("lang"))
                        .map(str::to_string)
                        .filter(|l| !l.is_empty());
                    self.open_frame(
                        tag,
                        CallKind::Code {
                            language,
                            inner: Inner::default(),
                        },
                    )
                } else {
                    Close::Nothing
                }
            }
            Kind::Admonition(..)
            | Kind::Mapped(ShortcodeMapping {
                kind: MappingKind::Admonition,
                ..
            }) if inline_only => Close::Nothing,
            Kind::Admonition(adm, label) => {
                self.open_box(tag, *adm, label.to_string(), ShortcodeModel::V1, active)
            }
            Kind::Mapped(m) => self.open_mapped(tag, m, paired, active),
            Kind::Unknown => Close::Nothing,
        }
    }

    /// A `[shortcodes.X]` mapping's opening (or single) tag.
    fn open_mapped(
        &mut self,
        tag: &Tag,
        m: &ShortcodeMapping,
        paired: bool,
        active: bool,
    ) -> Close {
        let orig = self.input.original(&tag.range);
        let inline_only = self.input.inline_only;
        let label = expand_template(&m.label, tag);
        match m.kind {
            MappingKind::Admonition => {
                self.open_box(tag, AdmonitionKind::Custom, label, model_of(m), active)
            }
            MappingKind::Text => {
                if active {
                    self.generate(&label, orig);
                }
                Close::Nothing
            }
            MappingKind::Heading if inline_only || !active => Close::Nothing,
            MappingKind::Heading => {
                let raw = model_of(m) == ShortcodeModel::V2;
                if paired && self.state.depth < MAX_UNIT_DEPTH {
                    self.open_frame(
                        tag,
                        CallKind::Heading {
                            level: 2,
                            inner: Inner::default(),
                            raw,
                        },
                    )
                } else if paired {
                    Close::Nothing
                } else {
                    let inner = Inner {
                        text: label,
                        map: SourceMap {
                            source: self.input.source,
                            pieces: Vec::new(),
                        },
                    };
                    self.unit(
                        tag,
                        CallKind::Heading {
                            level: 2,
                            inner,
                            raw: true,
                        },
                    );
                    Close::Nothing
                }
            }
            MappingKind::Link => {
                let url = match &m.url {
                    Some(template) => expand_template(template, tag),
                    None => tag
                        .named("href")
                        .or_else(|| tag.named("url"))
                        .or_else(|| tag.positional().next())
                        .unwrap_or("")
                        .to_string(),
                };
                if paired {
                    // A literal label is for the single form; a label taken
                    // from arguments (`{link_text}`) follows the inner text.
                    if label.is_empty() || !m.label.contains('{') {
                        if active {
                            self.generate("[", orig);
                        }
                        Close::Link { url, label: None }
                    } else {
                        Close::Link {
                            url,
                            label: Some(label),
                        }
                    }
                } else {
                    if active {
                        let text = if label.is_empty() { &url } else { &label };
                        let link =
                            format!("[{}]({})", escape_markdown(text), link_destination(&url));
                        self.generate(&link, orig);
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
            MappingKind::Include => {
                if active && !inline_only {
                    self.include(tag, m);
                }
                Close::Nothing
            }
        }
    }

    /// Opens a box: a v1 unit whose content is its own document, or (v2, or
    /// nested too deep) a call plus the opening placeholder.
    fn open_box(
        &mut self,
        tag: &Tag,
        kind: AdmonitionKind,
        label: String,
        model: ShortcodeModel,
        active: bool,
    ) -> Close {
        if !active {
            return Close::Admonition {
                id: None,
                indent_from: tag.range.start,
            };
        }
        if model == ShortcodeModel::V1 && self.state.depth < MAX_UNIT_DEPTH {
            return self.open_frame(
                tag,
                CallKind::Admonition {
                    kind,
                    label,
                    inner: Some(Inner::default()),
                },
            );
        }
        let id = self.state.calls.len();
        self.state.calls.push(ShortcodeCall {
            name: tag.name.clone(),
            kind: CallKind::Admonition {
                kind,
                label,
                inner: None,
            },
            span: self.input.span(&tag.range),
        });
        let indent = indent_of(self.input.text, tag.range.start, true);
        let orig = self.input.original(&tag.range);
        let open = placeholder::spell(id, Role::Open);
        self.generate(&format!("\n\n{indent}{open}\n\n{indent}"), orig);
        Close::Admonition {
            id: Some(id),
            indent_from: tag.range.start,
        }
    }

    /// `ref`/`relref`: the target page's URL, as a link destination when the
    /// tag stands in one (`[text]({{< relref "a.md" >}})`), else as a link
    /// whose text is the URL (Hugo prints the bare URL).
    fn reference(&mut self, tag: &Tag, absolute: bool) {
        let orig = self.input.original(&tag.range);
        let Some(target) = tag
            .named("path")
            .or_else(|| tag.positional().next())
            .map(str::trim)
            .filter(|t| !t.is_empty())
        else {
            self.diags.push(
                Diagnostic::error(
                    self.input.span(&tag.range),
                    format!("`{}` needs a content path", tag.name),
                )
                .with_code(crate::diag::Code::MissingArgument),
            );
            return;
        };
        let (path, fragment) = match target.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (target, None),
        };
        let url = if path.is_empty() {
            String::new()
        } else {
            match self
                .ctx
                .content
                .find(self.input.page.rel_path, path)
                .and_then(|(_, file)| file.url.clone())
            {
                Some(url) => url,
                None => {
                    self.diags.push(
                        Diagnostic::warning(
                            self.input.span(&tag.range),
                            format!(
                                "`{}` target `{path}` is no content file of the site",
                                tag.name
                            ),
                        )
                        .with_code(crate::diag::Code::ContentNotFound)
                        .with_hints(self.ctx.content.suggest(self.input.page.rel_path, path))
                        .with_hint("give a path under the content folder, e.g. \"login/login.md\""),
                    );
                    let in_url = in_url_context(&self.top().text);
                    let text = if in_url {
                        target.to_string()
                    } else {
                        escape_markdown(target)
                    };
                    self.generate(&text, orig);
                    return;
                }
            }
        };
        let href = match fragment {
            Some(f) => format!("{url}#{f}"),
            None => url,
        };
        if in_url_context(&self.top().text) {
            self.generate(&href, orig);
            return;
        }
        let shown = if absolute && !path.is_empty() {
            format!("{}{href}", self.ctx.content.base_url)
        } else {
            href.clone()
        };
        let link = format!("[{}]({})", escape_markdown(&shown), link_destination(&href));
        self.generate(&link, orig);
    }

    /// `param KEY`: the page's front-matter param, else the region's.
    fn param(&mut self, tag: &Tag) {
        let orig = self.input.original(&tag.range);
        let Some(key) = tag.positional().next().or_else(|| tag.named("key")) else {
            self.diags.push(
                Diagnostic::error(
                    self.input.span(&tag.range),
                    "`param` needs a parameter name",
                )
                .with_code(crate::diag::Code::MissingArgument),
            );
            return;
        };
        let value = self
            .input
            .page
            .params
            .and_then(|p| p.get(key))
            .or_else(|| self.ctx.vars.get(key))
            .cloned();
        match value {
            Some(v) => self.generate(&v, orig),
            None => self.diags.push(
                Diagnostic::warning(
                    self.input.span(&tag.range),
                    format!("param `{key}` is set neither in the page's front matter nor in the region's params"),
                ).with_code(crate::diag::Code::UnknownParam)
                .with_hint("add it to the page's front matter or to [params] in tebiki.toml"),
            ),
        }
    }

    /// `kind = "include"`: the named content file's body, resolved for the
    /// region, as a unit here.
    fn include(&mut self, tag: &Tag, m: &ShortcodeMapping) {
        let span = self.input.span(&tag.range);
        let path = match &m.url {
            Some(template) => expand_template(template, tag),
            None => tag
                .positional()
                .next()
                .or_else(|| tag.named("path"))
                .or_else(|| tag.named("file"))
                .unwrap_or("")
                .to_string(),
        };
        let path = path.trim();
        if path.is_empty() {
            self.diags.push(
                Diagnostic::error(
                    span,
                    format!("`{}` needs the path of a content file", tag.name),
                )
                .with_code(crate::diag::Code::MissingArgument),
            );
            return;
        }
        let from = self
            .state
            .includes
            .last()
            .cloned()
            .unwrap_or_else(|| self.input.page.rel_path.to_string());
        let Some((rel, file)) = self.ctx.content.find(&from, path) else {
            self.diags.push(
                Diagnostic::error(
                    span,
                    format!("`{}`: `{path}` is no Markdown file of the content folder", tag.name),
                ).with_code(crate::diag::Code::ContentNotFound)
                .with_hints(self.ctx.content.suggest(&from, path))
                .with_hint("give a path relative to this page or to the content folder; files outside it are never read"),
            );
            return;
        };
        let rel = rel.to_string();
        let file = file.clone();
        if self.state.includes.contains(&rel) {
            let mut chain = self.state.includes.clone();
            chain.push(rel.clone());
            self.diags.push(
                Diagnostic::error(span, format!("include cycle: {}", chain.join(" → ")))
                    .with_code(crate::diag::Code::IncludeCycle),
            );
            return;
        }
        if self.state.depth >= MAX_UNIT_DEPTH {
            self.diags.push(
                Diagnostic::error(
                    span,
                    format!(
                        "`{rel}` is included more than {MAX_UNIT_DEPTH} levels deep and is left out"
                    ),
                )
                .with_code(crate::diag::Code::IncludeCycle),
            );
            return;
        }
        let body_start = file.body_start.min(file.text.len());
        let nested = Input {
            source: file.source,
            file: file.text,
            text: file.text.get(body_start..).unwrap_or(""),
            base: body_start,
            inline_only: false,
            page: self.input.page,
        };
        self.state.includes.push(rel);
        self.state.depth += 1;
        let (text, map) = resolve_into(&nested, self.ctx, self.diags, self.state);
        self.state.depth -= 1;
        self.state.includes.pop();
        self.unit(
            tag,
            CallKind::Include {
                inner: Inner { text, map },
            },
        );
    }
}

/// Resolves the shortcodes written inside argument values (variables,
/// conditionals, text mappings; block shortcodes there are reported and
/// dropped). Hugo prints them literally; the writer means their text.
fn expand_arguments(
    input: &Input,
    tokens: &mut [Token],
    ctx: &RegionContext,
    diags: &mut Diagnostics,
    state: &mut State,
) {
    for token in tokens.iter_mut() {
        let Token::Tag(tag) = token else { continue };
        for arg in &mut tag.args {
            if !arg.value.contains("{{") {
                continue;
            }
            let value = std::mem::take(&mut arg.value);
            let nested = Input {
                source: input.source,
                file: input.file,
                text: &value,
                base: input.base + arg.at,
                inline_only: true,
                page: input.page,
            };
            let (text, _) = resolve_into(&nested, ctx, diags, state);
            arg.value = placeholder::strip(&text).0;
        }
    }
}

/// Whether generated text lands in a URL: right after `](`, `]:`, `="`, `='`,
/// or `<`.
fn in_url_context(before: &str) -> bool {
    let t = before.trim_end_matches([' ', '\t']);
    ["](", "]:", "=\"", "='", "<"]
        .iter()
        .any(|end| t.ends_with(end))
}

/// A URL as a Markdown link destination (in `<…>` when it holds spaces or
/// parentheses).
fn link_destination(url: &str) -> String {
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace(['<', '>'], ""))
    } else {
        url.to_string()
    }
}

/// Text with Markdown punctuation escaped, to be printed as is.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '&' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
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
                    .with_code(crate::diag::Code::UnmatchedClosingTag)
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
                .with_code(crate::diag::Code::UnmatchedClosingTag)
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
                .with_code(crate::diag::Code::UnclosedShortcode)
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
                    diags.push(
                        Diagnostic::warning(span(range), message.clone())
                            .with_code(crate::diag::Code::MalformedShortcode)
                            .with_hint(
                                "the tag is printed as written; fix it to apply the shortcode",
                            ),
                    );
                } else if malformed == MAX_MALFORMED_REPORTS + 1 {
                    diags.push(Diagnostic::warning(
                        span(range),
                        "more malformed shortcode tags follow; only the first ones are reported",
                    ).with_code(crate::diag::Code::MalformedShortcode));
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
                            ).with_code(crate::diag::Code::UnknownRegion)
                            .with_hints(crate::diag::suggest::did_you_mean(
                                code,
                                ctx.regions.iter().map(String::as_str),
                            ))
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
                    ).with_code(crate::diag::Code::MissingArgument));
                }
            }
            Kind::Screen
            | Kind::Figure
            | Kind::Mapped(ShortcodeMapping {
                kind: MappingKind::Include,
                ..
            }) if input.inline_only => diags.push(Diagnostic::warning(
                span(&tag.range),
                format!(
                    "`{}` is not allowed in a title or an argument and is dropped",
                    tag.name
                ),
            ).with_code(crate::diag::Code::ShortcodeMisplaced)),
            Kind::Screen | Kind::Figure => {
                if tag.named("src").is_none() {
                    diags.push(Diagnostic::error(
                        span(&tag.range),
                        format!("`{}` needs a `src` argument", tag.name),
                    ).with_code(crate::diag::Code::MissingArgument));
                } else if *kind == Kind::Screen && tag.named("alt").is_none_or(str::is_empty) {
                    diags.push(
                        Diagnostic::warning(span(&tag.range), "`screen` has no `alt` text").with_code(crate::diag::Code::MissingAlt)
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
                        ).with_code(crate::diag::Code::InvalidWidth)
                        .with_hint("write the width in pixels, e.g. width=\"600\" or width=\"600px\""),
                    );
                }
            }
            Kind::Admonition(..)
            | Kind::Highlight
            | Kind::Mapped(ShortcodeMapping {
                kind: MappingKind::Admonition | MappingKind::Heading,
                ..
            }) if input.inline_only => diags.push(Diagnostic::warning(
                span(&tag.range),
                format!(
                    "`{}` is not allowed in a title or an argument; its content is kept as text",
                    tag.name
                ),
            ).with_code(crate::diag::Code::ShortcodeMisplaced)),
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
                    ).with_code(crate::diag::Code::UnknownShortcode)
                    .with_hints(crate::diag::suggest::did_you_mean(
                        &tag.name,
                        super::kinds::BUILTIN_NAMES
                            .iter()
                            .copied()
                            .chain(ctx.mappings.keys().map(String::as_str))
                            .chain(ctx.vars.keys().map(String::as_str)),
                    ))
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
                label: "{title|関連ページ}".into(),
                url: None,
                model: None,
            },
        );
        mappings.insert(
            "hidden".to_string(),
            ShortcodeMapping {
                kind: MappingKind::Drop,
                label: String::new(),
                url: None,
                model: None,
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
                    url: None,
                    model: None,
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
        let content = ContentIndex::default();
        let ctx = RegionContext {
            region,
            regions: &f.regions,
            vars: &f.vars,
            mappings: &f.mappings,
            language: "ja",
            content: &content,
        };
        let mut diags = Diagnostics::new();
        let input = Input {
            source: SourceId(0),
            file: text,
            text,
            base: 0,
            inline_only: false,
            page: PageFacts::default(),
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
        assert_eq!(page.text, "1. 手順\n  \u{FDD0}=0\u{FDD1}\n");
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
    fn v1_boxes_are_one_unit_with_their_own_document() {
        let text = "* item\n  {{% warning %}}\n  注意して\n  {{% /warning %}}\nafter";
        let (page, msgs) = run(text, "JP");
        assert!(msgs.is_empty(), "{msgs:?}");
        assert_eq!(page.text, "* item\n  \u{FDD0}=0\u{FDD1}\nafter");
        let CallKind::Admonition { kind, label, inner } = &page.calls[0].kind else {
            panic!("admonition expected: {:?}", page.calls)
        };
        assert_eq!((*kind, label.as_str()), (AdmonitionKind::Warning, "注意"));
        let inner = inner.as_ref().expect("v1 inner document");
        assert_eq!(inner.text, "\n  注意して\n  ");
        let at = inner.text.find("注意").unwrap_or(0);
        assert_eq!(inner.map.offset(at), text.find("注意して").unwrap_or(0));
    }

    #[test]
    fn nested_v1_boxes_share_the_call_list() {
        let text = "{{% note %}}外{{% warning %}}内{{< screen src=\"/a.png\" alt=\"a\" >}}{{% /warning %}}{{% /note %}}";
        let (page, msgs) = run(text, "JP");
        assert!(msgs.is_empty(), "{msgs:?}");
        assert_eq!(page.text, "\u{FDD0}=0\u{FDD1}");
        let inner = |i: usize| match &page.calls[i].kind {
            CallKind::Admonition { inner: Some(d), .. } => d.text.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(inner(0), "外\u{FDD0}=1\u{FDD1}");
        assert_eq!(inner(1), "内\u{FDD0}=2\u{FDD1}");
        assert!(matches!(page.calls[2].kind, CallKind::Screen { .. }));
        assert!(
            matches!(&page.calls[0].kind, CallKind::Admonition { label, .. } if label == "補足")
        );
    }

    #[test]
    fn mapped_shortcodes() {
        let (page, _) = run(
            "{{% seealso %}}x{{% /seealso %}}{{% hidden %}}gone{{% /hidden %}}{{< seealso title=\"関連する記事\" >}}y{{< /seealso >}}",
            "JP",
        );
        assert!(page.text.starts_with("\u{FDD0}=0\u{FDD1}"));
        assert!(!page.text.contains("gone"));
        let labels: Vec<_> = page
            .calls
            .iter()
            .map(|c| match &c.kind {
                CallKind::Admonition { kind, label, .. } => (*kind, label.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            labels,
            vec![
                (AdmonitionKind::Custom, "関連ページ".to_string()),
                (AdmonitionKind::Custom, "関連する記事".to_string())
            ]
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
            "キントーンと[外部サイト](https://a.example)と[こちら](https://b.example)\n\n\u{FDD0}=0\u{FDD1}\n"
        );
        assert!(
            matches!(&page.calls[0].kind, CallKind::Heading { inner, .. } if inner.text == "関連情報")
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
            vec!["2:1: warning: shortcode tag `note` is not closed with `%}}`"]
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

    /// Resolves `file` of a little site where `[shortcodes.include]` maps
    /// `include`; returns the page and the diagnostics as `source:line:col: message`.
    fn run_site(files: &[(&str, &str)], file: &str) -> (ResolvedPage, Vec<String>) {
        let f = fixture();
        let mut mappings = f.mappings.clone();
        mappings.insert(
            "include".into(),
            ShortcodeMapping {
                kind: MappingKind::Include,
                label: String::new(),
                url: None,
                model: None,
            },
        );
        let content = ContentIndex {
            files: files
                .iter()
                .enumerate()
                .map(|(i, (path, text))| {
                    let entry = super::super::ContentFile {
                        source: SourceId(i as u32),
                        text,
                        body_start: 0,
                        url: Some(format!("/{path}")),
                    };
                    (path.to_string(), entry)
                })
                .collect(),
            base_url: String::new(),
        };
        let ctx = RegionContext {
            region: "JP",
            regions: &f.regions,
            vars: &f.vars,
            mappings: &mappings,
            language: "ja",
            content: &content,
        };
        let (_, entry) = content.find("", file).expect("file");
        let input = Input {
            source: entry.source,
            file: entry.text,
            text: entry.text,
            base: 0,
            inline_only: false,
            page: PageFacts {
                rel_path: file,
                params: None,
            },
        };
        let mut diags = Diagnostics::new();
        let page = resolve(input, &ctx, &mut diags);
        let msgs = diags
            .items()
            .iter()
            .map(|d| {
                let Location::Span(span) = d.location else {
                    return d.message.clone();
                };
                let text = files.get(span.source.0 as usize).map_or("", |f| f.1);
                let (l, c) = SourceFile::new("x".into(), text.into()).line_col(span.start);
                format!("{}:{l}:{c}: {}", span.source.0, d.message)
            })
            .collect();
        (page, msgs)
    }

    #[test]
    fn include_places_the_file_resolved_with_its_own_positions() {
        let files = [
            ("a.md", "前\n{{% include \"parts/b.md\" %}}\n後"),
            (
                "parts/b.md",
                "{{%service%}}の説明\n\n{{% enabled XX %}}x{{% /enabled %}}",
            ),
        ];
        let (page, msgs) = run_site(&files, "a.md");
        assert_eq!(page.text, "前\n\u{FDD0}=0\u{FDD1}\n後");
        let CallKind::Include { inner } = &page.calls[0].kind else {
            panic!("{:?}", page.calls)
        };
        assert_eq!(inner.text, "cybozu.comの説明\n\n");
        assert_eq!(inner.map.source, SourceId(1));
        assert_eq!(msgs, vec!["1:3:1: unknown region `XX` in `enabled`"]);
    }

    #[test]
    fn include_cycles_missing_files_and_paths_outside_are_errors_at_the_tag() {
        let files = [
            ("a.md", "{{% include \"b\" %}}"),
            ("b.md", "x\n{{% include \"/a.md\" %}}"),
            (
                "c.md",
                "{{% include \"../../etc/passwd\" %}}\n{{% include \"nope.md\" %}}",
            ),
        ];
        let (page, msgs) = run_site(&files, "a.md");
        assert_eq!(msgs, vec!["1:2:1: include cycle: a.md → b.md → a.md"]);
        assert_eq!(page.calls.len(), 1);
        let (_, msgs) = run_site(&files, "c.md");
        assert_eq!(
            msgs,
            vec![
                "2:1:1: `include`: `../../etc/passwd` is no Markdown file of the content folder",
                "2:2:1: `include`: `nope.md` is no Markdown file of the content folder",
            ]
        );
    }
}
