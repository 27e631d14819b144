//! EPUB 3 export: the document model as XHTML documents, navigation and OPF in
//! a zip. No layout.
//!
//! Input: one region's [`Book`] and the build's [`Assets`] (style sheet and
//! options from `layouts/`, images, optional fonts). Output: the EPUB bytes.
//! Steps, one module each: [`options`] (read `epub.toml`), [`names`] (file
//! names and ids), [`images`] (each image once, prepared for e-readers),
//! `fonts` (the region's `[fonts]` embedded, with CSS font stacks),
//! [`xhtml`] (one XHTML document per page), [`nav`] (`nav.xhtml` and `toc.ncx`),
//! [`opf`] (package document), [`package`] (the zip). Everything is written
//! through the escaping [`xml`] writer and in a fixed order, so identical
//! input gives byte-identical output. With a [`PackageCache`] (the watch
//! loop's, [`render_cached`]), the unchanged files of the previous EPUB are
//! copied into the zip still compressed, with the same result.

mod fonts;
pub(crate) mod images;
pub(crate) mod names;
pub(crate) mod nav;
pub(crate) mod opf;
pub(crate) mod options;
pub(crate) mod package;
pub(crate) mod xhtml;
pub(crate) mod xml;

use rayon::prelude::*;

use crate::assets::Assets;
use crate::diag::{Diagnostic, Diagnostics, Location, Severity};
use crate::model::{Block, Book, walk};

use images::ImageTable;
use names::{Names, TEXT_DIR};
use opf::{Accessibility, ImageDescriptions, ManifestItem};
use options::EpubOptions;
use xhtml::XhtmlContext;

/// Folder of the publication inside the zip.
const PACKAGE_DIR: &str = "OEBPS";
/// Style sheet path inside the package folder.
const CSS_PATH: &str = "css/epub.css";

pub use package::PackageCache;

/// Writes one region's book as EPUB bytes in memory. Problems (bad images)
/// are pushed to `diags`; `None` when an error makes a correct EPUB
/// impossible.
pub fn render(book: &Book, assets: &Assets, diags: &mut Diagnostics) -> Option<Vec<u8>> {
    let file = render_cached(book, assets, diags, None)?;
    let mut out = std::io::Cursor::new(Vec::new());
    match file.write_to(&mut out) {
        Ok(_) => Some(out.into_inner()),
        Err(e) => {
            diags.push(zip_error(&e.to_string()));
            None
        }
    }
}

/// The files of an EPUB, ready to be zipped into its output file
/// ([`EpubFile::write_to`]): the images and fonts are the build's shared
/// bytes, so the package is never held whole in memory (except for `tebiki
/// watch`, whose cache keeps the previous package to copy from).
pub struct EpubFile<'c> {
    files: Vec<(String, EntryBytes)>,
    cache: Option<&'c PackageCache>,
}

/// The bytes of one file of the package.
enum EntryBytes {
    /// Made for this EPUB (XHTML, navigation, package document, CSS).
    Made(Vec<u8>),
    /// An image, read (or taken from the image store) when it is written.
    Image(std::sync::Arc<crate::assets::images::PreparedImage>),
    /// A font file, shared with the build.
    Font(crate::assets::FontBytes),
}

impl package::Entry for EntryBytes {
    fn read(&self) -> std::io::Result<package::EntryData<'_>> {
        match self {
            EntryBytes::Made(bytes) => Ok(package::EntryData::Borrowed(bytes)),
            EntryBytes::Image(image) => image
                .bytes()
                .map(package::EntryData::Shared)
                .map_err(std::io::Error::other),
            EntryBytes::Font(bytes) => Ok(package::EntryData::Borrowed(bytes)),
        }
    }
}

impl EpubFile<'_> {
    /// Writes the zip into `out` (from its current position); the number of
    /// bytes written.
    pub fn write_to<W: std::io::Write + std::io::Seek>(&self, out: &mut W) -> std::io::Result<u64> {
        use package::Entry;
        if let Some(cache) = self.cache {
            // The watch loop's cache compares every entry with the previous
            // package's: all of them in memory.
            let read: Vec<(String, package::EntryData<'_>)> = self
                .files
                .iter()
                .map(|(path, entry)| Ok((path.clone(), entry.read()?)))
                .collect::<std::io::Result<_>>()?;
            let files: Vec<(String, &[u8])> = read
                .iter()
                .map(|(path, bytes)| (path.clone(), &bytes[..]))
                .collect();
            let (bytes, _) =
                package::write_zip_reusing(&files, Some(cache)).map_err(std::io::Error::other)?;
            out.write_all(&bytes)?;
            return Ok(bytes.len() as u64);
        }
        let start = out.stream_position()?;
        let (out, _) =
            package::write_zip_into(&self.files, out, None).map_err(std::io::Error::other)?;
        Ok(out.stream_position()? - start)
    }
}

/// The error of a package that could not be written.
fn zip_error(reason: &str) -> Diagnostic {
    Diagnostic::new(
        Severity::Error,
        Location::None,
        format!("cannot write the epub zip: {reason}"),
    )
    .with_code(crate::diag::Code::OutputWrite)
}

/// [`render`] as an [`EpubFile`], copying every file of the package that did
/// not change since the previous build from `cache` without compressing it
/// again (the same bytes as [`render`]; `tebiki watch` keeps one cache per
/// region).
pub fn render_cached<'c>(
    book: &Book,
    assets: &Assets,
    diags: &mut Diagnostics,
    cache: Option<&'c PackageCache>,
) -> Option<EpubFile<'c>> {
    if book.pages.is_empty() {
        diags.push(
            Diagnostic::new(
                Severity::Error,
                Location::None,
                format!(
                    "the book has no pages for region {}, no epub written",
                    book.region.code
                ),
            )
            .with_code(crate::diag::Code::EmptyBook),
        );
        return None;
    }
    if !is_language_tag(&book.meta.language) {
        diags.push(
            Diagnostic::new(
                Severity::Warning,
                Location::None,
                format!(
                    "book.language `{}` is not a BCP 47 language tag, the epub uses `ja`",
                    book.meta.language
                ),
            )
            .with_code(crate::diag::Code::InvalidLanguage),
        );
        let mut fixed = book.clone();
        fixed.meta.language = "ja".into();
        return render_cached(&fixed, assets, diags, cache);
    }
    let options = EpubOptions::load(assets, diags);
    let names = Names::new(book);
    let images = ImageTable::collect(book, assets, &options, diags);
    // A region that names its fonts ([fonts] in tebiki.toml) embeds those;
    // else `embed_fonts` of layouts/epub.toml decides.
    let (region_fonts, region_css) = fonts::region_fonts(book, assets, diags);
    let fonts = if !region_fonts.is_empty() {
        region_fonts
    } else if options.embed_fonts {
        load_fonts(assets, &options, diags)
    } else {
        Vec::new()
    };
    let css_fonts: &[EmbeddedFont] = if region_css.is_empty() { &fonts } else { &[] };
    let mut css = stylesheet(assets, &options, css_fonts, diags);
    css.push_str(&region_css);

    let xhtml_css_href = format!("../{CSS_PATH}");
    let ctx = XhtmlContext {
        book,
        names: &names,
        images: &images,
        stylesheet_href: &xhtml_css_href,
    };
    let documents: Vec<String> = book
        .pages
        .par_iter()
        .map(|page| xhtml::write_xhtml(page, ctx))
        .collect();

    let entries = nav::nav_entries(book, &names, &options);
    let first_page = book.pages.first().map(|p| names.href_from_root(p.id, None));
    let nav_xhtml = nav::write_nav(book, &entries, first_page.as_deref(), &options, CSS_PATH);
    let ncx = nav::write_ncx(book, &entries, &opf::identifier(book));

    let mut items = vec![
        item("nav", "nav.xhtml", "application/xhtml+xml", "nav", true),
        item("ncx", "toc.ncx", "application/x-dtbncx+xml", "", false),
        item("css", CSS_PATH, "text/css", "", false),
    ];
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (index, (page, xhtml)) in book.pages.iter().zip(documents).enumerate() {
        let href = format!("{TEXT_DIR}/{}", names.file(page.id));
        items.push(item(
            &format!("p-{}", index + 1),
            &href,
            "application/xhtml+xml",
            "",
            true,
        ));
        files.push((href, xhtml.into_bytes()));
    }
    for image in images.iter() {
        items.push(item(&image.id, &image.href, image.media_type, "", false));
    }
    for (index, font) in fonts.iter().enumerate() {
        items.push(item(
            &format!("font-{}", index + 1),
            &font.href,
            font.media_type,
            "",
            false,
        ));
    }
    let a11y = accessibility(book, &options);
    let opf = opf::write_opf(book, &items, &a11y);

    let mut out: Vec<(String, EntryBytes)> = vec![
        (
            "META-INF/container.xml".into(),
            EntryBytes::Made(container_xml_static().as_bytes().to_vec()),
        ),
        (
            format!("{PACKAGE_DIR}/content.opf"),
            EntryBytes::Made(opf.into_bytes()),
        ),
        (
            format!("{PACKAGE_DIR}/nav.xhtml"),
            EntryBytes::Made(nav_xhtml.into_bytes()),
        ),
        (
            format!("{PACKAGE_DIR}/toc.ncx"),
            EntryBytes::Made(ncx.into_bytes()),
        ),
        (
            format!("{PACKAGE_DIR}/{CSS_PATH}"),
            EntryBytes::Made(css.into_bytes()),
        ),
    ];
    for (href, bytes) in files {
        out.push((format!("{PACKAGE_DIR}/{href}"), EntryBytes::Made(bytes)));
    }
    for image in images.iter() {
        out.push((
            format!("{PACKAGE_DIR}/{}", image.href),
            EntryBytes::Image(std::sync::Arc::clone(&image.prepared)),
        ));
    }
    for font in fonts {
        out.push((
            format!("{PACKAGE_DIR}/{}", font.href),
            EntryBytes::Font(font.bytes),
        ));
    }
    Some(EpubFile { files: out, cache })
}

/// Whether `tag` has the shape of a BCP 47 language tag (`ja`, `ja-JP`,
/// `zh-Hans-CN`): subtags of 1–8 ASCII letters or digits, the first 2–8
/// letters.
fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let first_ok = subtags
        .next()
        .is_some_and(|s| (2..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The container document (always the same).
fn container_xml_static() -> &'static str {
    static CONTAINER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    CONTAINER.get_or_init(|| package::container_xml(&format!("{PACKAGE_DIR}/content.opf")))
}

fn item(id: &str, href: &str, media_type: &str, properties: &str, in_spine: bool) -> ManifestItem {
    ManifestItem {
        id: id.into(),
        href: href.into(),
        media_type: media_type.into(),
        properties: properties.into(),
        in_spine,
    }
}

/// Accessibility facts of the book: what is true of its images (every
/// place that shows one, figures and images inside text) and tables, and
/// the summary with the matching sentence about images.
fn accessibility(book: &Book, options: &EpubOptions) -> Accessibility {
    let uses = book.images();
    let images = ImageDescriptions::count(uses.iter().map(|u| u.alt));
    let mut has_tables = false;
    for page in &book.pages {
        walk::blocks(&page.blocks, |b| has_tables |= matches!(b, Block::Table(_)));
    }
    Accessibility {
        images,
        has_tables,
        summary: options.summary(images),
    }
}

/// A font file to embed.
#[derive(Debug, Clone)]
struct EmbeddedFont {
    href: String,
    media_type: &'static str,
    /// The file, shared with the build's other users (not a copy).
    bytes: crate::assets::FontBytes,
    bold: bool,
}

/// Reads the fonts named in the options (full files; no subsetting).
fn load_fonts(
    assets: &Assets,
    options: &EpubOptions,
    diags: &mut Diagnostics,
) -> Vec<EmbeddedFont> {
    let mut fonts = Vec::new();
    for (name, bold) in [(&options.font_regular, false), (&options.font_bold, true)] {
        let (stem, extension) = name.rsplit_once('.').unwrap_or((name.as_str(), ""));
        let extension = extension.to_ascii_lowercase();
        let media_type = match extension.as_str() {
            "ttf" => "font/ttf",
            "otf" => "font/otf",
            _ => {
                diags.push(options_diag(format!(
                    "font {name} is not a .ttf or .otf file, not embedded"
                )));
                continue;
            }
        };
        match assets.font_bytes(name) {
            Ok(Some(bytes)) => fonts.push(EmbeddedFont {
                href: format!("fonts/{}.{extension}", names::ascii_slug(stem)),
                media_type,
                bytes,
                bold,
            }),
            Ok(None) => diags.push(options_diag(format!("font {name} not found in fonts/"))),
            Err(e) => diags.push(options_diag(e.to_string())),
        }
    }
    fonts
}

/// The long side and JPEG quality of the EPUB's images
/// (`layouts/epub.toml`, as the renderer reads it), so the driver's image
/// check can scale a screenshot down for the EPUB from the pixels it
/// decodes (`ImageNeeds`). Problems with the file are reported by the
/// renderer, not here.
pub(crate) fn image_size(assets: &Assets) -> (u32, u8) {
    let options = EpubOptions::load(assets, &mut Diagnostics::default());
    (options.max_image_long_side, options.jpeg_quality)
}

/// A warning about `layouts/epub.toml` as a whole (the driver's asset check
/// reports the same, so `check` and `build` agree).
pub(crate) fn options_diag(message: String) -> Diagnostic {
    Diagnostic::new(
        Severity::Warning,
        Location::File(format!("layouts/{}", options::OPTIONS_FILE).into(), None),
        message,
    )
    .with_code(crate::diag::Code::LayoutFileMissing)
}

/// The style sheet from `layouts/` (embedded default if the site's cannot
/// be read), with `@font-face` rules for embedded fonts.
fn stylesheet(
    assets: &Assets,
    options: &EpubOptions,
    fonts: &[EmbeddedFont],
    diags: &mut Diagnostics,
) -> String {
    let bytes = match assets.layout(&options.stylesheet) {
        Ok(Some(bytes)) => Some(bytes),
        Ok(None) => {
            diags.push(options_diag(format!(
                "style sheet {} not found in layouts/, the default is used",
                options.stylesheet
            )));
            None
        }
        Err(e) => {
            diags.push(options_diag(e.to_string()));
            None
        }
    };
    let bytes = bytes.or_else(|| Assets::default_layout("epub.css"));
    let mut css = bytes
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    if !fonts.is_empty() {
        css.push_str("\n/* Embedded fonts (layouts/epub.toml: embed_fonts). */\n");
        for font in fonts {
            let file = font.href.trim_start_matches("fonts/");
            css.push_str(&format!(
                "@font-face {{ font-family: \"tebiki-body\"; font-weight: {}; src: url(\"../fonts/{file}\"); }}\n",
                if font.bold { "bold" } else { "normal" }
            ));
        }
        css.push_str("body { font-family: \"tebiki-body\", sans-serif; }\n");
    }
    css
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::testing::{book, heading, internal, link, page, para, text};
    use crate::model::*;

    /// A two-page book with a heading and links (one internal, one unsafe).
    pub(crate) fn sample_book() -> Book {
        let heading = heading(2, "10-first", "最初 <見出し>");
        let para = para(vec![
            text("次へ: "),
            link(internal(1, None), "二"),
            link(LinkTarget::External("javascript:alert(1)".into()), "悪"),
        ]);
        let mut book = book(
            1_700_000_000,
            vec![
                page(
                    0,
                    PageKind::Section,
                    0,
                    "ページ0",
                    "page0",
                    vec![heading, para],
                ),
                page(1, PageKind::Page, 1, "ページ1", "page1", Vec::new()),
            ],
        );
        book.meta.title = "手引き & テスト".into();
        book
    }

    #[test]
    fn renders_a_deterministic_zip_with_escaped_text() {
        let book = sample_book();
        let assets = Assets::embedded(crate::assets::ImageStore::new());
        let mut diags = Diagnostics::new();
        let first = render(&book, &assets, &mut diags).unwrap();
        assert!(diags.items().is_empty(), "{:?}", diags.items());
        let second = render(&book, &assets, &mut Diagnostics::new()).unwrap();
        assert_eq!(first, second);
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(first)).unwrap();
        let mut page = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("OEBPS/text/page0.xhtml").unwrap(),
            &mut page,
        )
        .unwrap();
        assert!(page.contains("<h2 id=\"id-10-first\">最初 &lt;見出し&gt;</h2>"));
        assert!(page.contains("<a href=\"page1.xhtml\">二</a>"));
        assert!(!page.contains("javascript"));
        assert!(page.contains("悪"));
    }

    #[test]
    fn site_options_embed_fonts_in_manifest_and_css() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join("layouts")).unwrap();
        std::fs::write(
            site.path().join("layouts/epub.toml"),
            "embed_fonts = true\ntoc_title = \"Contents\"\n",
        )
        .unwrap();
        let assets = Assets::for_site(site.path(), crate::assets::ImageStore::new());
        let mut diags = Diagnostics::new();
        let bytes = render(&sample_book(), &assets, &mut diags).unwrap();
        assert!(diags.items().is_empty(), "{:?}", diags.items());
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let read = |zip: &mut zip::ZipArchive<_>, name: &str| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
            text
        };
        let opf = read(&mut zip, "OEBPS/content.opf");
        assert!(opf.contains("href=\"fonts/bizudpgothic-regular.ttf\" media-type=\"font/ttf\""));
        assert!(opf.contains("href=\"fonts/bizudpgothic-bold.ttf\" media-type=\"font/ttf\""));
        let css = read(&mut zip, "OEBPS/css/epub.css");
        assert!(css.contains("url(\"../fonts/bizudpgothic-bold.ttf\")"));
        assert!(read(&mut zip, "OEBPS/nav.xhtml").contains("<h1>Contents</h1>"));
        assert!(
            zip.by_name("OEBPS/fonts/bizudpgothic-regular.ttf")
                .unwrap()
                .size()
                > 100_000
        );
    }

    #[test]
    fn bad_site_options_are_reported_and_defaults_used() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join("layouts")).unwrap();
        std::fs::write(site.path().join("layouts/epub.toml"), "embed_font = true\n").unwrap();
        let assets = Assets::for_site(site.path(), crate::assets::ImageStore::new());
        let mut diags = Diagnostics::new();
        assert!(render(&sample_book(), &assets, &mut diags).is_some());
        let messages: Vec<&str> = diags.items().iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].starts_with("invalid epub.toml: unknown field"),
            "{messages:?}"
        );
    }

    #[test]
    fn invalid_language_falls_back_with_a_warning() {
        assert!(is_language_tag("ja") && is_language_tag("zh-Hans-CN") && is_language_tag("en-US"));
        assert!(!is_language_tag("") && !is_language_tag("日本語") && !is_language_tag("ja--JP"));
        let mut book = sample_book();
        book.meta.language = "ja\"><x".into();
        let assets = Assets::embedded(crate::assets::ImageStore::new());
        let mut diags = Diagnostics::new();
        let bytes = render(&book, &assets, &mut diags).unwrap();
        assert_eq!(diags.items().len(), 1);
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut opf = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("OEBPS/content.opf").unwrap(), &mut opf)
            .unwrap();
        assert!(opf.contains("<dc:language>ja</dc:language>"));
    }

    #[test]
    fn empty_book_is_an_error() {
        let mut book = sample_book();
        book.pages.clear();
        let assets = Assets::embedded(crate::assets::ImageStore::new());
        let mut diags = Diagnostics::new();
        assert!(render(&book, &assets, &mut diags).is_none());
        assert!(diags.has_errors());
    }
}
