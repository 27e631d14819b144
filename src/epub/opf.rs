//! The package document (`content.opf`): metadata, manifest and spine.
//!
//! Input: book metadata, the XHTML documents, images, fonts and style sheet that
//! go into the EPUB. Output: the OPF text, with a stable `urn:uuid:` v5
//! identifier from title + region, `dcterms:modified` from the build time,
//! one creator with its own id, and schema.org accessibility metadata.

use uuid::Uuid;

use crate::model::Book;

use super::xml::XmlWriter;

/// Id of the unique identifier element.
const IDENTIFIER_ID: &str = "book-id";

/// One manifest item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ManifestItem {
    /// Manifest id (an NCName).
    pub id: String,
    /// Path relative to the package folder.
    pub href: String,
    /// Media type.
    pub media_type: String,
    /// `properties` value (e.g. `nav`), empty for none.
    pub properties: String,
    /// Whether the item is in the spine, the reading order (in manifest
    /// order).
    pub in_spine: bool,
}

/// What the package document says about accessibility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Accessibility {
    /// How far the book's images have a text alternative.
    pub images: ImageDescriptions,
    /// Whether any table is present.
    pub has_tables: bool,
    /// `schema:accessibilitySummary`: the configured summary followed by the
    /// sentence about images that is true of this book.
    pub summary: String,
}

/// How many of the places that show an image give it a text alternative
/// (a non-empty `alt`), counted over figures and images inside text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImageDescriptions {
    /// The book shows no image.
    NoImages,
    /// Every image has a text alternative.
    AllDescribed,
    /// Some images have none (`alt=""`, or no alt at all).
    SomeUndescribed {
        /// Places showing an image without a text alternative.
        undescribed: usize,
        /// All places showing an image.
        total: usize,
    },
    /// No image has a text alternative.
    NoneDescribed,
}

impl ImageDescriptions {
    /// Counts the alternatives of `alts`, one per place showing an image.
    pub(crate) fn count<'a>(alts: impl IntoIterator<Item = &'a str>) -> ImageDescriptions {
        let (mut total, mut undescribed) = (0usize, 0usize);
        for alt in alts {
            total += 1;
            if alt.trim().is_empty() {
                undescribed += 1;
            }
        }
        match (total, undescribed) {
            (0, _) => ImageDescriptions::NoImages,
            (_, 0) => ImageDescriptions::AllDescribed,
            (t, u) if t == u => ImageDescriptions::NoneDescribed,
            (total, undescribed) => ImageDescriptions::SomeUndescribed { undescribed, total },
        }
    }
}

/// The stable identifier of a region's book: `urn:uuid:` + UUID v5 of the
/// title and region code, so rebuilds keep it and regions differ.
pub(crate) fn identifier(book: &Book) -> String {
    let name = format!("tebiki\u{1f}{}\u{1f}{}", book.meta.title, book.region.code);
    let uuid = Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes());
    format!("urn:uuid:{}", uuid.hyphenated())
}

/// `CCYY-MM-DDThh:mm:ssZ` for seconds since the Unix epoch (UTC; times
/// before 1970 are clamped to the epoch).
pub(crate) fn w3c_datetime(epoch_seconds: i64) -> String {
    let date = crate::model::utc_from_unix(epoch_seconds);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        date.year(),
        u8::from(date.month()),
        date.day(),
        date.hour(),
        date.minute(),
        date.second()
    )
}

/// Writes `content.opf`.
pub(crate) fn write_opf(book: &Book, items: &[ManifestItem], a11y: &Accessibility) -> String {
    let lang = book.meta.language.as_str();
    let id = identifier(book);
    let mut w = XmlWriter::new();
    w.open(
        "package",
        &[
            ("xmlns", "http://www.idpf.org/2007/opf"),
            ("version", "3.0"),
            ("unique-identifier", IDENTIFIER_ID),
            ("xml:lang", lang),
        ],
    );
    w.newline();
    w.open(
        "metadata",
        &[("xmlns:dc", "http://purl.org/dc/elements/1.1/")],
    );
    w.newline();
    w.element("dc:identifier", &[("id", IDENTIFIER_ID)], &id);
    w.newline();
    w.element("dc:title", &[("id", "title")], &book.meta.title);
    w.newline();
    w.element("dc:language", &[], lang);
    w.newline();
    if let Some(author) = book.meta.author.as_deref().filter(|a| !a.trim().is_empty()) {
        w.element("dc:creator", &[("id", "creator")], author);
        w.newline();
        w.element(
            "meta",
            &[
                ("refines", "#creator"),
                ("property", "role"),
                ("scheme", "marc:relators"),
            ],
            "aut",
        );
        w.newline();
    }
    w.element(
        "meta",
        &[("property", "dcterms:modified")],
        &w3c_datetime(book.meta.build_time),
    );
    w.newline();
    w.element("dc:date", &[], &w3c_datetime(book.meta.build_time));
    w.newline();
    w.empty(
        "meta",
        &[("name", "generator"), ("content", &book.meta.generator)],
    );
    w.newline();
    write_accessibility(&mut w, a11y);
    w.close();
    w.newline();

    w.open("manifest", &[]);
    w.newline();
    for item in items {
        w.empty(
            "item",
            &[
                ("id", &item.id),
                ("href", &item.href),
                ("media-type", &item.media_type),
                (
                    if item.properties.is_empty() {
                        ""
                    } else {
                        "properties"
                    },
                    &item.properties,
                ),
            ],
        );
        w.newline();
    }
    w.close();
    w.newline();
    w.open("spine", &[("toc", "ncx")]);
    w.newline();
    for item in items.iter().filter(|i| i.in_spine) {
        w.empty("itemref", &[("idref", &item.id)]);
        w.newline();
    }
    w.close();
    w.newline();
    w.finish()
}

/// The schema.org accessibility properties (EPUB Accessibility 1.1), each
/// claim only when it is true of this book: the visual access mode and the
/// sufficiency of text alone depend on whether the book has images and
/// whether all of them have a text alternative, and `alternativeText` is
/// claimed only when every image has one.
fn write_accessibility(w: &mut XmlWriter, a11y: &Accessibility) {
    let mut meta = |property: &'static str, value: &str| {
        w.element("meta", &[("property", property)], value);
        w.newline();
    };
    let has_images = a11y.images != ImageDescriptions::NoImages;
    let all_described = matches!(
        a11y.images,
        ImageDescriptions::NoImages | ImageDescriptions::AllDescribed
    );
    meta("schema:accessMode", "textual");
    if has_images {
        meta("schema:accessMode", "visual");
        meta("schema:accessModeSufficient", "textual,visual");
    }
    if all_described {
        meta("schema:accessModeSufficient", "textual");
    }
    meta("schema:accessibilityFeature", "structuralNavigation");
    meta("schema:accessibilityFeature", "tableOfContents");
    meta("schema:accessibilityFeature", "readingOrder");
    if a11y.images == ImageDescriptions::AllDescribed {
        meta("schema:accessibilityFeature", "alternativeText");
    }
    if a11y.has_tables {
        meta("schema:accessibilityFeature", "table");
    }
    meta("schema:accessibilityHazard", "none");
    if !a11y.summary.trim().is_empty() {
        meta("schema:accessibilitySummary", a11y.summary.trim());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_w3c_utc() {
        assert_eq!(w3c_datetime(0), "1970-01-01T00:00:00Z");
        assert_eq!(w3c_datetime(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(w3c_datetime(1_795_000_000), "2026-11-18T11:06:40Z");
        assert_eq!(w3c_datetime(-5), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn image_descriptions_are_counted() {
        assert_eq!(ImageDescriptions::count([]), ImageDescriptions::NoImages);
        assert_eq!(
            ImageDescriptions::count(["歯車", "一覧"]),
            ImageDescriptions::AllDescribed
        );
        assert_eq!(
            ImageDescriptions::count(["歯車", " ", ""]),
            ImageDescriptions::SomeUndescribed {
                undescribed: 2,
                total: 3
            }
        );
        assert_eq!(
            ImageDescriptions::count(["", ""]),
            ImageDescriptions::NoneDescribed
        );
    }

    fn a11y_metadata(images: ImageDescriptions) -> String {
        let mut w = XmlWriter::new();
        let a11y = Accessibility {
            images,
            has_tables: false,
            summary: "要約。".into(),
        };
        write_accessibility(&mut w, &a11y);
        w.finish()
    }

    #[test]
    fn alternative_text_is_claimed_only_when_true() {
        let all = a11y_metadata(ImageDescriptions::AllDescribed);
        assert!(all.contains(">alternativeText<"), "{all}");
        assert!(all.contains("accessModeSufficient\">textual<"), "{all}");
        for images in [
            ImageDescriptions::SomeUndescribed {
                undescribed: 1,
                total: 2,
            },
            ImageDescriptions::NoneDescribed,
        ] {
            let out = a11y_metadata(images);
            assert!(!out.contains("alternativeText"), "{out}");
            assert!(!out.contains("accessModeSufficient\">textual<"), "{out}");
            assert!(out.contains(">textual,visual<"), "{out}");
            assert!(out.contains("accessMode\">visual<"), "{out}");
        }
        let none = a11y_metadata(ImageDescriptions::NoImages);
        assert!(!none.contains("visual"), "{none}");
        assert!(none.contains("accessModeSufficient\">textual<"), "{none}");
    }

    #[test]
    fn identifier_is_stable_and_differs_by_region() {
        let mut book = crate::epub::tests::sample_book();
        let first = identifier(&book);
        assert_eq!(first, identifier(&book));
        assert!(first.starts_with("urn:uuid:"));
        book.region.code = "US".into();
        assert_ne!(first, identifier(&book));
    }
}
