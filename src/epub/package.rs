//! The EPUB container: a zip with `mimetype` first.
//!
//! Input: the files of the publication (path inside the zip and bytes), in
//! the order they should be stored. Output: the EPUB bytes. `mimetype` is the
//! first entry and stored uncompressed; every entry has the same fixed
//! timestamp (1980-01-01 00:00, the zip epoch) and permissions, and entries
//! keep the given order, so identical input gives identical bytes.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// `META-INF/container.xml` pointing at the package document.
pub(crate) fn container_xml(opf_path: &str) -> String {
    let mut w = super::xml::XmlWriter::new();
    w.open(
        "container",
        &[
            ("version", "1.0"),
            ("xmlns", "urn:oasis:names:tc:opendocument:xmlns:container"),
        ],
    );
    w.open("rootfiles", &[]);
    w.empty(
        "rootfile",
        &[
            ("full-path", opf_path),
            ("media-type", "application/oebps-package+xml"),
        ],
    );
    w.finish()
}

/// Extensions of files that are already compressed (images, fonts):
/// deflating them again costs time and saves nothing, so they are stored.
const ALREADY_COMPRESSED: [&str; 8] = ["png", "jpg", "jpeg", "gif", "webp", "woff", "woff2", "otf"];

/// Whether the file at `path` is stored rather than deflated.
fn is_already_compressed(path: &str) -> bool {
    path.rsplit_once('.').is_some_and(|(_, ext)| {
        ALREADY_COMPRESSED
            .iter()
            .any(|known| ext.eq_ignore_ascii_case(known))
    })
}

/// Writes the zip: `mimetype`, then `files` in order (images and fonts
/// stored, everything else deflated).
pub(crate) fn write_zip(files: &[(String, &[u8])]) -> zip::result::ZipResult<Vec<u8>> {
    let fixed = SimpleFileOptions::default()
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        .system(zip::System::Unix);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(
        "mimetype",
        fixed.compression_method(CompressionMethod::Stored),
    )?;
    zip.write_all(b"application/epub+zip")?;
    let deflated = fixed.compression_method(CompressionMethod::Deflated);
    let stored = fixed.compression_method(CompressionMethod::Stored);
    for (path, bytes) in files {
        let options = if is_already_compressed(path) {
            stored
        } else {
            deflated
        };
        zip.start_file(path.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mimetype_is_first_and_stored_and_output_is_stable() {
        let files = [("OEBPS/a.xhtml".to_string(), &b"<a/>"[..])];
        let first = write_zip(&files).unwrap();
        assert_eq!(&first[30..38], b"mimetype");
        assert_eq!(&first[38..58], b"application/epub+zip");
        // Compression method field of the first local header: 0 = stored.
        assert_eq!(&first[8..10], &[0, 0]);
        assert_eq!(first, write_zip(&files).unwrap());
        let mut archive = zip::ZipArchive::new(Cursor::new(first)).unwrap();
        assert_eq!(archive.len(), 2);
        let entry = archive.by_index(1).unwrap();
        assert_eq!(entry.name().unwrap(), "OEBPS/a.xhtml");
        assert_eq!(entry.last_modified(), Some(DateTime::default()));
    }

    #[test]
    fn images_are_stored_and_text_is_deflated() {
        let text = b"<p>text text text text text text text text</p>".repeat(20);
        let png = [0x89u8, b'P', b'N', b'G', 1, 2, 3, 4];
        let files = [
            ("OEBPS/a.xhtml".to_string(), &text[..]),
            ("OEBPS/images/shot.PNG".to_string(), &png[..]),
        ];
        let bytes = write_zip(&files).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<_> = (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
            .collect();
        assert_eq!(
            names,
            ["mimetype", "OEBPS/a.xhtml", "OEBPS/images/shot.PNG"]
        );
        let xhtml = archive.by_index(1).unwrap();
        assert_eq!(xhtml.compression(), CompressionMethod::Deflated);
        assert!(xhtml.compressed_size() < xhtml.size());
        drop(xhtml);
        let mut image = archive.by_index(2).unwrap();
        assert_eq!(image.compression(), CompressionMethod::Stored);
        let mut read = Vec::new();
        std::io::Read::read_to_end(&mut image, &mut read).unwrap();
        assert_eq!(read, png);
    }
}
