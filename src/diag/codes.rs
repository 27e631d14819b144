//! The stable diagnostic codes: one table of every kind of diagnostic tebiki
//! reports, with its code (`T0201`), its kebab-case name (`broken-link`),
//! what it means and how to fix it.
//!
//! Input: nothing (static data). Output: [`Code`] (what a [`super::Diagnostic`]
//! carries), [`CodeInfo`] (the text of `tebiki explain` and of the README's
//! codes table, which a test checks against this table). Codes never change
//! meaning once released; a retired code is never reused. Ranges: `T00xx`
//! configuration and command line, `T01xx` content files and front matter,
//! `T02xx` links, anchors and images, `T03xx` shortcodes, `T04xx` fonts,
//! `T05xx` Markdown and HTML, `T06xx` layout files and the PDF, `T09xx`
//! output and internal errors.

/// What one code means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    /// The code, `T` and four digits.
    pub code: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// One line: what the diagnostic means.
    pub summary: &'static str,
    /// How to fix it (one or more sentences).
    pub fix: &'static str,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $name:literal, $summary:literal, $fix:literal;)*) => {
        /// A stable diagnostic code (see the module header for the ranges).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        /// Every code, in code order.
        pub const ALL: &[Code] = &[$(Code::$variant),*];

        impl Code {
            /// The code's text.
            pub fn info(self) -> CodeInfo {
                match self {
                    $(Code::$variant => CodeInfo {
                        code: $code,
                        name: $name,
                        summary: $summary,
                        fix: $fix,
                    },)*
                }
            }
        }
    };
}

codes! {
    ConfigMissing = "T0001", "config-missing",
        "the site folder has no tebiki.toml",
        "Run tebiki in the site folder or pass `--site DIR`; the folder must hold a `tebiki.toml` with a `[book]` table and at least one `[regions.R]`.";
    ConfigInvalid = "T0002", "config-invalid",
        "tebiki.toml is not valid TOML or a value has the wrong type",
        "Fix the value at the position shown; the message names the type the key takes.";
    ConfigUnknownKey = "T0003", "config-unknown-key",
        "tebiki.toml has a key tebiki does not know",
        "Fix its spelling (the hint proposes the nearest known key) or remove it; unknown keys are rejected so that a typo never goes unnoticed.";
    NoRegion = "T0004", "no-region",
        "tebiki.toml defines no region",
        "Add a table such as `[regions.JP]` with `paper = \"A4\"`.";
    InvalidRegionCode = "T0005", "invalid-region-code",
        "a region code is not a short name of ASCII letters, digits, `-` or `_`",
        "Rename the `[regions.R]` table; the code names the output files.";
    InvalidOutputStem = "T0006", "invalid-output-stem",
        "`output` is not a plain file name",
        "Write `output` as a file name without folders, e.g. `output = \"manual\"`.";
    InvalidBaseUrl = "T0007", "invalid-base-url",
        "`base_url` is not an absolute http(s) URL",
        "Write it as `https://host`, e.g. `https://jp.cybozu.help`.";
    HugoConfig = "T0008", "hugo-config",
        "the Hugo config named by `hugo_config` cannot be used",
        "Fix the file at the position shown, or remove `hugo_config` from tebiki.toml.";
    UnknownRegionOption = "T0009", "unknown-region-option",
        "`--region` names a region tebiki.toml does not define",
        "Use one of the codes of the `[regions.R]` tables (the hint lists them; codes are case-sensitive).";
    PageSelection = "T0010", "page-selection",
        "`--page` matches no content file or section",
        "Give a path such as `content/a.md` or a section folder such as `content/admin`.";
    InvalidLanguage = "T0011", "invalid-language",
        "`book.language` is not a BCP 47 language tag",
        "Write a tag such as `ja`, `en-US` or `zh-Hans`.";
    OutputFile = "T0012", "output-file",
        "`-o FILE` or `--out DIR` cannot name the output as given",
        "`-o` writes one file: choose one region with `--region` and end the name with .pdf or .epub; `--out` takes a folder.";
    PageNotInRegion = "T0013", "page-not-in-region",
        "a `--page` selection exists, but the region being built does not publish it",
        "Build it with one of the regions the hint names, or change the front-matter line shown (`enabled`, `disabled`, `draft`).";
    InvalidTimezone = "T0014", "invalid-timezone",
        "`timezone` is not a time zone of the IANA database",
        "Write an IANA name such as `Asia/Tokyo`, `America/New_York` or `UTC`, or remove it to use the language's.";
    UnreadableFile = "T0101", "unreadable-file",
        "a file or folder the site names cannot be read, or lies outside the site",
        "Check that the path exists inside the site folder and is a readable regular file; paths that leave the site (`..`, symlinks out) are never opened.";
    NotUtf8 = "T0102", "not-utf8",
        "a file or file name is not valid UTF-8",
        "Save the file as UTF-8 (without changing its text), or rename the file.";
    NoContent = "T0103", "no-content",
        "the content folder is missing or has no pages",
        "Create `content/` with at least one Markdown page, or set `content_dir` in tebiki.toml.";
    UnclosedFrontMatter = "T0104", "unclosed-front-matter",
        "front matter opened with `---` or `+++` is never closed",
        "End the front matter with a line holding the same fence.";
    InvalidFrontMatter = "T0105", "invalid-front-matter",
        "the front matter is not valid YAML or TOML, or a value has the wrong type",
        "Fix the line shown; the page still exists for links, but it is not built until its front matter is valid.";
    UnknownRegion = "T0106", "unknown-region",
        "a region code in front matter or in `enabled`/`disabled` is not defined in tebiki.toml",
        "Use one of the codes of tebiki.toml's `[regions.R]` tables (the hint proposes the nearest one), or add the region.";
    MissingTitle = "T0107", "missing-title",
        "a page has no `title`",
        "Add `title: …` to the page's front matter; until then its file name is used.";
    BrokenLink = "T0201", "broken-link",
        "a link points at no page of the site",
        "Fix the link (the hint proposes the nearest page); links are resolved as Hugo publishes the pages, so write the page's URL or its content path.";
    MissingAnchor = "T0202", "missing-anchor",
        "a link's `#anchor` is no heading id of the page it points at",
        "Use one of the page's heading ids (the hint proposes the nearest), or add `{#id}` to the heading.";
    DuplicateAnchor = "T0203", "duplicate-anchor",
        "two headings of one page have the same id",
        "Give one of them another id with `{#id}`; links go to the first.";
    ForbiddenScheme = "T0204", "forbidden-scheme",
        "a link uses a scheme that a handbook may not contain (such as `javascript:`)",
        "Link to an http(s) address, a page or `mailto:`; the text is kept without the link.";
    InvalidUrl = "T0205", "invalid-url",
        "a link is not a valid URL",
        "Fix the address (spaces and brackets must be percent-encoded); the text is kept without the link.";
    MissingImage = "T0206", "missing-image",
        "an image file is not found inside `static/` (or the page's bundle)",
        "Fix the `src`, or add the file under `static/`; paths that leave `static/` are refused.";
    UnusableImage = "T0207", "unusable-image",
        "an image file cannot be read or decoded",
        "Replace the file with a complete png, jpeg, gif, webp or bmp image.";
    UnclosedShortcode = "T0301", "unclosed-shortcode",
        "a paired shortcode is opened and never closed",
        "Add the closing tag, e.g. `{{% /note %}}`, where its content ends.";
    UnmatchedClosingTag = "T0302", "unmatched-closing-tag",
        "a closing shortcode tag has no opening tag, or closes another one",
        "Close the shortcodes in the reverse order of opening, or remove the stray closing tag.";
    MalformedShortcode = "T0303", "malformed-shortcode",
        "a `{{% %}}` or `{{< >}}` tag cannot be read (unclosed quote, missing `%}}`)",
        "Fix the tag; until then it is printed as written.";
    UnknownShortcode = "T0304", "unknown-shortcode",
        "a shortcode name is no built-in, variable or mapping",
        "Fix its spelling (the hint proposes the nearest name), define it in `[params]`, or map it in `[shortcodes.NAME]`.";
    MissingArgument = "T0305", "missing-argument",
        "a shortcode lacks an argument it needs (`src`, a path, a region code, a parameter name)",
        "Add the argument named in the message.";
    ContentNotFound = "T0306", "content-not-found",
        "`ref`, `relref` or `include` names no content file of the site",
        "Give a path relative to this page or to the content folder; files outside it are never read.";
    IncludeCycle = "T0307", "include-cycle",
        "`include` includes itself, directly or through other files, or nests too deep",
        "Break the cycle; an included file may not include the file that includes it.";
    UnknownParam = "T0308", "unknown-param",
        "`param` names a parameter set neither in front matter nor in the region's params",
        "Add it to the page's front matter or to `[params]` in tebiki.toml.";
    ShortcodeMisplaced = "T0309", "shortcode-misplaced",
        "a shortcode stands where it cannot work (in a title, an argument, a link or an attribute)",
        "Move the shortcode out of the title, argument, link or image.";
    MissingAlt = "T0310", "missing-alt",
        "an image has no alternative text",
        "Describe the image with `alt=\"…\"` (use `alt=\"\"` for a decorative image); readers of the EPUB and the tagged PDF hear it.";
    InvalidWidth = "T0311", "invalid-width",
        "an image width is not a positive number of pixels",
        "Write the width as a number, e.g. `width=\"400\"`; until then it is ignored.";
    EmptyShortcode = "T0312", "empty-shortcode",
        "a box, `highlight` or heading shortcode has no content",
        "Write its content between the opening and the closing tag, or remove it.";
    UnusableFont = "T0401", "unusable-font",
        "a font file is truncated, invalid or not a font",
        "Replace it with a complete .ttf or .otf file, or remove it to use the embedded font.";
    FontCoverage = "T0402", "font-coverage",
        "a body font cannot draw the characters the book's language needs",
        "Use a font that covers the book's language, or remove it to use the embedded font.";
    FontEmbedding = "T0403", "font-embedding",
        "a font could not be embedded in the PDF",
        "Use another font file; the text drawn in it is missing from the PDF.";
    MissingGlyph = "T0404", "missing-glyph",
        "a character is in no font of the region, so the PDF would draw an empty box",
        "Add a font that has the character to the region's `[fonts].fallback` in tebiki.toml, or replace the character.";
    FontNotFound = "T0405", "font-not-found",
        "a font named in tebiki.toml's `[fonts]` is neither bundled nor a file of the site",
        "Name a bundled font, a file in the site's `fonts/` folder, or a path inside the site such as `static/fonts/x.otf`.";
    EpubFont = "T0406", "epub-font",
        "a font of the region cannot be embedded in the EPUB",
        "Use a .ttf or .otf file; until then the e-reader's own font is used.";
    HtmlNotAllowed = "T0501", "html-not-allowed",
        "raw HTML that a handbook may not contain (`<script>`, `<style>`)",
        "Remove the element; it is dropped from both outputs.";
    HtmlUnsupported = "T0502", "html-unsupported",
        "raw HTML that tebiki does not render (an unknown element, an event attribute, `<img>` without `src`)",
        "Write the content in Markdown or with a supported element; the text is kept.";
    NestingTooDeep = "T0503", "nesting-too-deep",
        "content is nested deeper than tebiki lays out",
        "Flatten the nesting of lists, boxes and quotes.";
    LeftoverPlaceholder = "T0504", "leftover-placeholder",
        "tebiki's internal shortcode placeholder was found where it cannot be placed",
        "This is most likely a bug in tebiki; please report it with the page.";
    InvalidLayout = "T0601", "invalid-layout",
        "a file in `layouts/` (`pdf.toml`, `epub.toml`) is invalid or a value is out of range",
        "Fix the value at the position shown; the embedded `layouts/pdf.toml` documents every key and its range.";
    LayoutFileMissing = "T0602", "layout-file-missing",
        "a file that `layouts/epub.toml` names (style sheet, font) is not found or not usable",
        "Add the file to `layouts/` or `fonts/`, or remove the key to use the default.";
    LayoutFailed = "T0603", "layout-failed",
        "the book could not be laid out (page size, fonts)",
        "Fix the layout setting named in the message.";
    PdfAccessibility = "T0604", "pdf-accessibility",
        "the PDF does not pass PDF/UA-1 and is written tagged but without the claim",
        "Fix what the message names (for example alternative text, or characters the fonts cannot draw).";
    PdfExport = "T0605", "pdf-export",
        "the PDF could not be written",
        "Fix what the message names; no PDF is written for the region.";
    TableTooWide = "T0606", "table-too-wide",
        "a table has too many columns for the text area even in the smallest type, so it is printed as column groups",
        "Split the table, drop columns, or set a smaller `min_size` for tables in `layouts/pdf.toml`; the EPUB keeps the whole table.";
    TableColumnsDropped = "T0607", "table-columns-dropped",
        "a table has more than 1000 columns; the cells after the 1000th column are left out of the PDF",
        "Split the table into narrower tables; the EPUB keeps the whole table.";
    OutputWrite = "T0901", "output-write",
        "an output file could not be written",
        "Check that the output folder is writable and the disk has room.";
    EmptyBook = "T0902", "empty-book",
        "a region's book has no pages",
        "Check the `enabled`/`disabled` front matter and `--page`; no EPUB is written for an empty book.";
    Internal = "T0999", "internal-error",
        "tebiki failed on its own (a bug)",
        "Please report it with the page that triggers it.";
}

impl Code {
    /// The code with this text (`T0201`) or name (`broken-link`), in any case.
    pub fn find(text: &str) -> Option<Code> {
        let text = text.trim();
        ALL.iter().copied().find(|c| {
            let info = c.info();
            info.code.eq_ignore_ascii_case(text) || info.name.eq_ignore_ascii_case(text)
        })
    }

    /// The `tebiki explain` text: `T0201 broken-link: summary`, then how to fix it.
    pub fn explain(self) -> String {
        let info = self.info();
        format!(
            "{} {}: {}\n\n{}\n",
            info.code, info.name, info.summary, info.fix
        )
    }
}

/// The README's codes table (Markdown), generated from [`ALL`].
pub fn markdown_table() -> String {
    let mut out = String::from("| Code | Name | Meaning | How to fix |\n|---|---|---|---|\n");
    for code in ALL {
        let info = code.info();
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            info.code,
            info.name,
            info.summary.replace('|', "\\|"),
            info.fix.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = std::collections::BTreeSet::new();
        let mut names = std::collections::BTreeSet::new();
        for code in ALL {
            let info = code.info();
            assert!(codes.insert(info.code), "{} twice", info.code);
            assert!(names.insert(info.name), "{} twice", info.name);
            assert_eq!(info.code.len(), 5);
            assert!(info.code.starts_with('T'));
            assert!(info.code[1..].bytes().all(|b| b.is_ascii_digit()));
            assert!(
                info.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                info.name
            );
            assert!(!info.summary.ends_with('.'), "{}", info.code);
            assert!(info.fix.ends_with('.'), "{}", info.code);
        }
        let sorted: Vec<&str> = ALL.iter().map(|c| c.info().code).collect();
        let mut want = sorted.clone();
        want.sort_unstable();
        assert_eq!(sorted, want, "the table is in code order");
    }

    /// The README's codes table is this table (`UPDATE_README=1` rewrites it).
    #[test]
    fn readme_table_matches_the_code_table() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(&path).unwrap_or_default();
        let (start, end) = ("<!-- codes:start -->\n", "<!-- codes:end -->");
        let (Some(a), Some(b)) = (readme.find(start), readme.find(end)) else {
            panic!("README.md has no codes markers");
        };
        let table = markdown_table();
        let current = &readme[a + start.len()..b];
        if std::env::var_os("UPDATE_README").is_some() && current != table {
            let updated = format!("{}{table}{}", &readme[..a + start.len()], &readme[b..]);
            std::fs::write(&path, updated).unwrap_or_else(|e| panic!("{e}"));
            return;
        }
        assert_eq!(
            current, table,
            "README.md's codes table differs from src/diag/codes.rs (rerun with UPDATE_README=1)"
        );
    }

    /// Every diagnostic the library makes carries a code: each
    /// `Diagnostic::error|warning|new|file_error(…)` call outside `diag/` and
    /// tests is followed, in the same statement, by `with_code`.
    #[test]
    fn every_diagnostic_has_a_code() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![src.clone()];
        let mut missing = Vec::new();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    if !path.ends_with("diag") {
                        stack.push(path);
                    }
                    continue;
                }
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if !name.ends_with(".rs") || name.contains("test") || name == "fuzz.rs" {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let code = text.split("#[cfg(test)]").next().unwrap_or("");
                for ctor in [
                    "Diagnostic::error(",
                    "Diagnostic::warning(",
                    "Diagnostic::new(",
                    "Diagnostic::file_error(",
                ] {
                    for (at, _) in code.match_indices(ctor) {
                        let rest = &code[at..];
                        let statement = &rest[..statement_end(rest)];
                        // A helper that takes the code as an argument.
                        let helper = statement.contains("with_code(code)");
                        if !statement.contains(".with_code(") && !helper {
                            let line = code[..at].lines().count();
                            missing.push(format!("{}:{line}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "diagnostics without a code (add `.with_code(Code::…)`, and a row to src/diag/codes.rs for a new kind):\n{}",
            missing.join("\n")
        );
    }

    /// The byte offset of the first `;` outside string literals.
    fn statement_end(text: &str) -> usize {
        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in text.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                ';' if !in_string => return i,
                _ => {}
            }
        }
        text.len()
    }

    #[test]
    fn find_by_code_or_name() {
        assert_eq!(Code::find("T0201"), Some(Code::BrokenLink));
        assert_eq!(Code::find("t0201"), Some(Code::BrokenLink));
        assert_eq!(Code::find("broken-link"), Some(Code::BrokenLink));
        assert_eq!(Code::find("T9999"), None);
        let text = Code::BrokenLink.explain();
        assert!(text.starts_with("T0201 broken-link: a link points at no page"));
    }
}
