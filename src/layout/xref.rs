//! Cross-references on paper: what a link prints besides its text.
//!
//! Input: the `[links]` table of `layouts/pdf.toml` ([`LinkStyle`]), model
//! inlines, the book's language, the folios (body sheet numbers) of the
//! named destinations and the sheets of the internal links from the previous
//! layout pass. Output: the inlines with
//! a page reference after every internal link (「（→ p. 12）」) and, for every
//! external link whose text is not its URL, either a mark referring to a URL
//! note at the foot of the sheet or the URL in parentheses after the text.
//! The link itself keeps its target (it stays clickable); underlines are set
//! by the inline layout from [`LinkStyle::underline`].
//!
//! The page numbers need the layout of the whole book: `layout/document.rs`
//! lays the body out once with no folios known (a placeholder number of the
//! same width as the book's folios), then again with the folios of that pass,
//! until the folios stop changing (at most [`MAX_PASSES`] passes). A link
//! set on the same sheet as its target prints no page reference (the sheets
//! of the links are read from the previous pass too).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::diag::{SourceId, Span};
use crate::model::{Book, Inline, InlineStyle, Link, LinkTarget, PageId};

/// Most body layout passes for the page numbers of cross-references.
pub(crate) const MAX_PASSES: usize = 4;

/// Where the URL of an external link is printed.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum UrlPlacement {
    /// In a note at the foot of the sheet, referred to by a mark.
    #[default]
    Footnote,
    /// In parentheses right after the link text.
    Inline,
    /// Not printed.
    None,
}

/// How links print (`[links]` in `layouts/pdf.toml`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct LinkStyle {
    /// Underline link text (visible in greyscale, not by colour alone).
    pub underline: bool,
    /// Print the target's page number after an internal link.
    pub page_refs: bool,
    /// The page reference after an internal link; `{page}` is the target's
    /// folio. Used for languages missing from `page_ref_lang`.
    pub page_ref: String,
    /// The page reference per language (primary subtag: `ja`, `en`, `zh`…).
    pub page_ref_lang: BTreeMap<String, String>,
    /// Where an external link's URL is printed.
    pub urls: UrlPlacement,
    /// The mark of a URL note; `{n}` is its number (per content page).
    pub url_mark: String,
}

impl Default for LinkStyle {
    /// The embedded `layouts/pdf.toml` values.
    fn default() -> LinkStyle {
        LinkStyle {
            underline: true,
            page_refs: true,
            page_ref: "（→ p. {page}）".into(),
            page_ref_lang: [("en".to_string(), " (→ p. {page})".to_string())]
                .into_iter()
                .collect(),
            urls: UrlPlacement::Footnote,
            url_mark: "*{n}".into(),
        }
    }
}

impl LinkStyle {
    /// The page reference template for the book's language.
    pub(crate) fn page_ref_for(&self, language: &str) -> &str {
        let primary = language
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        self.page_ref_lang
            .get(&primary)
            .map_or(self.page_ref.as_str(), String::as_str)
    }

    /// The mark of URL note `n`.
    pub(crate) fn url_mark_for(&self, n: u32) -> String {
        self.url_mark.replace("{n}", &n.to_string())
    }
}

/// The anchor (within its page) of URL note `n`: `url:N`, which no
/// generated heading id can equal (they never contain `:`).
pub(crate) fn url_note_anchor(n: u32) -> String {
    format!("url:{n}")
}

/// Whether a named destination is a note (a Markdown footnote or a URL
/// note), which gets no page reference and no underline.
pub(crate) fn is_note_dest(name: &str) -> bool {
    name.contains("#fn:") || name.contains("#url:")
}

/// The URL notes of one content page: their numbers by URL, in order of
/// first appearance.
#[derive(Debug, Default, Clone)]
pub(crate) struct UrlNotes {
    /// Number of each URL.
    numbers: BTreeMap<String, u32>,
    /// URL of each number.
    urls: BTreeMap<u32, String>,
    /// Notes already set (with their first reference).
    pub placed: std::collections::BTreeSet<u32>,
}

impl UrlNotes {
    /// Forgets the previous page's notes.
    pub(crate) fn clear(&mut self) {
        *self = UrlNotes::default();
    }

    /// The number of `url`'s note, given on first use.
    fn number(&mut self, url: &str) -> u32 {
        if let Some(&n) = self.numbers.get(url) {
            return n;
        }
        let n = u32::try_from(self.numbers.len() + 1).unwrap_or(u32::MAX);
        self.numbers.insert(url.to_string(), n);
        self.urls.insert(n, url.to_string());
        n
    }

    /// The URL of note `n`.
    pub(crate) fn url(&self, n: u32) -> Option<&str> {
        self.urls.get(&n).map(String::as_str)
    }
}

/// The body sheets (folios) each internal link was set on, by where the
/// link is written (a link broken over two sheets, or written once and set
/// twice, is on each of them).
pub(crate) type LinkSheets = BTreeMap<Span, BTreeSet<u32>>;

/// What cross-referencing needs: the style, the book and the folios known.
pub(crate) struct CrossRefs<'a> {
    /// `[links]`.
    pub style: &'a LinkStyle,
    /// The book (page anchors).
    pub book: &'a Book,
    /// Folio of every named destination from the previous pass (empty in
    /// the first one).
    pub folios: &'a BTreeMap<String, u32>,
    /// The body sheets each internal link was set on in the previous pass,
    /// by where the link is written (empty in the first one).
    pub link_sheets: &'a LinkSheets,
    /// The number printed when a folio is not known yet.
    pub placeholder: u32,
    /// The page being laid out (URL notes link to its anchors).
    pub page: PageId,
    /// Page references printed or left out so far (only they need
    /// another pass).
    pub printed: std::cell::Cell<usize>,
}

impl CrossRefs<'_> {
    /// `content` with page references and URL marks added; `None` when
    /// nothing was added.
    pub(crate) fn apply(&self, content: &[Inline], notes: &mut UrlNotes) -> Option<Vec<Inline>> {
        self.apply_at(content, notes, 0)
    }

    fn apply_at(
        &self,
        content: &[Inline],
        notes: &mut UrlNotes,
        depth: usize,
    ) -> Option<Vec<Inline>> {
        // The builder bounds inline nesting; a deeper hand-made tree is left
        // as is.
        if depth > 64 {
            return None;
        }
        let mut changed = false;
        let mut out = Vec::with_capacity(content.len());
        for inline in content {
            match inline {
                Inline::Link(link) => {
                    let inner = self.apply_at(&link.content, notes, depth + 1);
                    changed |= inner.is_some();
                    out.push(match inner {
                        Some(content) => Inline::Link(Box::new(Link {
                            content,
                            ..Link::clone(link)
                        })),
                        None => inline.clone(),
                    });
                    if let Some(after) = self.after_link(link, notes) {
                        out.push(after);
                        changed = true;
                    }
                }
                Inline::Styled(style, inner) => match self.apply_at(inner, notes, depth + 1) {
                    Some(inner) => {
                        changed = true;
                        out.push(Inline::Styled(*style, inner));
                    }
                    None => out.push(inline.clone()),
                },
                Inline::Text(_)
                | Inline::Code(_)
                | Inline::LineBreak
                | Inline::Image(_)
                | Inline::FootnoteRef(_) => out.push(inline.clone()),
            }
        }
        changed.then_some(out)
    }

    /// What follows a link: its target's page reference or its URL's mark.
    fn after_link(&self, link: &Link, notes: &mut UrlNotes) -> Option<Inline> {
        match &link.target {
            LinkTarget::Internal { page, anchor } => {
                if !self.style.page_refs {
                    return None;
                }
                let target = self.book.pages.get(page.0)?;
                let name = crate::layout::frame::dest_name(&target.anchor, anchor.as_deref());
                if is_note_dest(&name) {
                    return None;
                }
                self.printed.set(self.printed.get() + 1);
                let known = self.folios.get(&name).copied();
                if known.is_some_and(|folio| self.on_sheet(link, folio)) {
                    return None;
                }
                let folio = known.unwrap_or(self.placeholder);
                let language = &self.book.meta.language;
                let text = self
                    .style
                    .page_ref_for(language)
                    .replace("{page}", &folio.to_string());
                Some(Inline::Text(text))
            }
            LinkTarget::External(url) => self.url_after(link, url, notes),
            LinkTarget::Unresolved(href) => {
                let lower = href.to_ascii_lowercase();
                (lower.starts_with("http://") || lower.starts_with("https://"))
                    .then(|| self.url_after(link, href, notes))
                    .flatten()
            }
        }
    }

    /// Whether `link` was set on the body sheet `folio` in the previous
    /// pass: a reader sees its target on the same sheet, so the page
    /// reference is left out. A target on the next or facing sheet still
    /// gets its number (tebiki's sheets are not laid out as spreads, and a
    /// PDF viewer shows one sheet at a time).
    fn on_sheet(&self, link: &Link, folio: u32) -> bool {
        self.link_sheets
            .get(&link.span)
            .is_some_and(|sheets| sheets.contains(&folio))
    }

    /// The URL note mark (or the URL itself) after an external link whose
    /// text is not already the URL.
    fn url_after(&self, link: &Link, url: &str, notes: &mut UrlNotes) -> Option<Inline> {
        if crate::model::plain_text(&link.content).trim() == url.trim() {
            return None;
        }
        if url.to_ascii_lowercase().starts_with("mailto:") {
            return None;
        }
        match self.style.urls {
            UrlPlacement::None => None,
            UrlPlacement::Inline => Some(Inline::Text(format!("（{url}）"))),
            UrlPlacement::Footnote => {
                let n = notes.number(url);
                Some(Inline::Styled(
                    InlineStyle::Superscript,
                    vec![Inline::Link(Box::new(Link {
                        target: LinkTarget::Internal {
                            page: self.page,
                            anchor: Some(url_note_anchor(n)),
                        },
                        content: vec![Inline::Text(self.style.url_mark_for(n))],
                        span: Span::point(SourceId(0), 0),
                    }))],
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_refs_follow_the_language() {
        let style = LinkStyle::default();
        assert_eq!(style.page_ref_for("ja"), "（→ p. {page}）");
        assert_eq!(style.page_ref_for("en-US"), " (→ p. {page})");
        assert_eq!(style.page_ref_for("zh"), "（→ p. {page}）");
        assert_eq!(style.url_mark_for(3), "*3");
    }

    #[test]
    fn url_notes_number_each_url_once() {
        let mut notes = UrlNotes::default();
        assert_eq!(notes.number("https://a.example/"), 1);
        assert_eq!(notes.number("https://b.example/"), 2);
        assert_eq!(notes.number("https://a.example/"), 1);
        assert_eq!(notes.url(2), Some("https://b.example/"));
        notes.clear();
        assert_eq!(notes.number("https://b.example/"), 1);
    }

    /// The text of inlines after cross-referencing `content` on page 0 of
    /// a two-page book whose second page (`b`) has folio 12.
    fn apply(style: &LinkStyle, content: &[Inline]) -> (String, UrlNotes) {
        apply_with(style, content, &LinkSheets::new())
    }

    /// [`apply`] with the links on the sheets of `link_sheets`.
    fn apply_with(
        style: &LinkStyle,
        content: &[Inline],
        link_sheets: &LinkSheets,
    ) -> (String, UrlNotes) {
        use crate::model::PageKind;
        use crate::model::testing::{book, page};
        let book = book(
            0,
            vec![
                page(0, PageKind::Section, 0, "A", "a", Vec::new()),
                page(1, PageKind::Page, 1, "B", "b", Vec::new()),
            ],
        );
        let folios: BTreeMap<String, u32> = [("b#step".to_string(), 12)].into_iter().collect();
        let refs = CrossRefs {
            style,
            book: &book,
            folios: &folios,
            link_sheets,
            placeholder: 10,
            page: PageId(0),
            printed: std::cell::Cell::new(0),
        };
        let mut notes = UrlNotes::default();
        let out = refs
            .apply(content, &mut notes)
            .unwrap_or_else(|| content.to_vec());
        (crate::model::plain_text(&out), notes)
    }

    #[test]
    fn links_print_page_numbers_and_urls_as_configured() {
        use crate::model::testing::{internal, link, text};
        let content = vec![
            link(internal(1, Some("step")), "手順"),
            text("と"),
            link(internal(1, None), "B"),
            text("と"),
            link(LinkTarget::External("https://example.com/a".into()), "窓口"),
            link(
                LinkTarget::External("https://example.com/".into()),
                "https://example.com/",
            ),
        ];
        let style = LinkStyle::default();
        let (out, notes) = apply(&style, &content);
        // A folio not known yet prints the placeholder; the autolink gets
        // no note.
        assert_eq!(
            out,
            "手順（→ p. 12）とB（→ p. 10）と窓口*1https://example.com/"
        );
        assert_eq!(notes.url(1), Some("https://example.com/a"));
        assert_eq!(notes.url(2), None);
        let inline = LinkStyle {
            urls: UrlPlacement::Inline,
            page_refs: false,
            ..LinkStyle::default()
        };
        let (out, notes) = apply(&inline, &content);
        assert_eq!(
            out,
            "手順とBと窓口（https://example.com/a）https://example.com/"
        );
        assert_eq!(notes.url(1), None);
        let none = LinkStyle {
            urls: UrlPlacement::None,
            ..inline
        };
        assert_eq!(
            apply(&none, &content).0,
            "手順とBと窓口https://example.com/"
        );
    }

    #[test]
    fn a_link_on_its_targets_sheet_prints_no_page_number() {
        use crate::model::testing::{internal, text};
        let at = |start: usize| Span::new(SourceId(1), start, start + 4);
        let link = |anchor: Option<&str>, label: &str, start: usize| {
            Inline::Link(Box::new(Link {
                target: internal(1, anchor),
                content: vec![text(label)],
                span: at(start),
            }))
        };
        let content = vec![
            link(Some("step"), "手順", 0),
            text("と"),
            link(Some("step"), "同じ手順", 10),
            text("と"),
            link(None, "B", 20),
        ];
        let style = LinkStyle::default();
        // The first link was on sheet 12 (its target's), the second on the
        // sheet before it (a facing sheet keeps the number), the third on
        // sheets 11 and 12 while B's folio is not known.
        let sheets: LinkSheets = [
            (at(0), BTreeSet::from([12])),
            (at(10), BTreeSet::from([11])),
            (at(20), BTreeSet::from([11, 12])),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            apply_with(&style, &content, &sheets).0,
            "手順と同じ手順（→ p. 12）とB（→ p. 10）"
        );
        // Before the sheets are known, every link prints its number.
        assert_eq!(
            apply(&style, &content).0,
            "手順（→ p. 12）と同じ手順（→ p. 12）とB（→ p. 10）"
        );
    }

    #[test]
    fn defaults_match_the_embedded_layout_file() {
        let style = crate::layout::style::PdfStyle::defaults();
        assert_eq!(style.links, LinkStyle::default());
    }
}
