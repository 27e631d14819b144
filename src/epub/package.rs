//! The EPUB container: a zip with `mimetype` first.
//!
//! Input: the files of the publication (path inside the zip and bytes), in
//! the order they should be stored. Output: the EPUB, written into a file
//! as it is made ([`write_zip_into`]) or into memory. `mimetype` is the
//! first entry and stored uncompressed; every entry has the same fixed
//! timestamp (1980-01-01 00:00, the zip epoch) and permissions, and entries
//! keep the given order, so identical input gives identical bytes.
//!
//! With a [`PackageCache`] (kept by `tebiki watch` from one build to the
//! next), an entry whose path and bytes equal the previous package's is
//! copied from that package still compressed (`raw_copy_file`), so a
//! rebuild deflates only the files that changed; the zip is the same, byte
//! for byte, as one written from scratch.

use std::collections::HashMap;
use std::io::{Cursor, Seek, Write};
use std::sync::Mutex;

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

/// zlib level of the deflated entries (XHTML, CSS, navigation, package,
/// TrueType fonts). Level 1 takes half the time of zip's default 6 for
/// about 0.2 MB more on the 300-page benchmark's 5.7 MB EPUBs, whose bytes
/// are mostly stored images (docs/benchmarks.md, "Round 5: speed").
const DEFLATE_LEVEL: i64 = 1;

/// Extensions of files that are already compressed (images, fonts):
/// deflating them again costs time and saves nothing, so they are stored.
const ALREADY_COMPRESSED: [&str; 8] = ["png", "jpg", "jpeg", "gif", "webp", "woff", "woff2", "otf"];

/// An upper bound of the zip of `files` (each file whole, as stored or
/// deflated at worst, with its local header, central directory record and
/// data descriptor), and of the `mimetype` entry and the directory's end.
fn package_bound(files: &[(String, &[u8])]) -> usize {
    const ENTRY: usize = 30 + 46 + 24 + 64;
    files
        .iter()
        .map(|(path, bytes)| {
            // Deflate's worst case adds 5 bytes per 16 KiB block.
            bytes.len() + bytes.len() / 16_384 * 5 + 5 + 2 * path.len() + ENTRY
        })
        .sum::<usize>()
        + 2 * ENTRY
        + 64
}

/// Whether the file at `path` is stored rather than deflated.
fn is_already_compressed(path: &str) -> bool {
    path.rsplit_once('.').is_some_and(|(_, ext)| {
        ALREADY_COMPRESSED
            .iter()
            .any(|known| ext.eq_ignore_ascii_case(known))
    })
}

/// The previous package of one output, for [`write_zip_reusing`]: the zip
/// and the uncompressed bytes of each of its entries (compared exactly, so
/// reuse never depends on a checksum).
#[derive(Debug, Default)]
pub struct PackageCache {
    previous: Mutex<Option<Previous>>,
}

#[derive(Debug)]
struct Previous {
    zip: Vec<u8>,
    entries: HashMap<String, Vec<u8>>,
}

impl PackageCache {
    /// An empty cache (the first build writes every entry).
    pub fn new() -> PackageCache {
        PackageCache::default()
    }

    fn take(&self) -> Option<Previous> {
        self.previous
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
    }

    fn put(&self, previous: Previous) {
        *self
            .previous
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(previous);
    }
}

/// Writes the zip: `mimetype`, then `files` in order (images and fonts
/// stored, everything else deflated).
#[cfg(test)]
pub(crate) fn write_zip(files: &[(String, &[u8])]) -> zip::result::ZipResult<Vec<u8>> {
    write_zip_reusing(files, None).map(|(bytes, _)| bytes)
}

/// [`write_zip`], copying from `cache`'s previous package every entry whose
/// path and bytes are unchanged, and keeping this package in `cache` for
/// the next build. Returns the zip and how many entries were copied.
pub(crate) fn write_zip_reusing(
    files: &[(String, &[u8])],
    cache: Option<&PackageCache>,
) -> zip::result::ZipResult<(Vec<u8>, usize)> {
    let mut previous = cache.and_then(PackageCache::take);
    let mut archive = previous
        .as_ref()
        .and_then(|p| zip::ZipArchive::new(Cursor::new(p.zip.as_slice())).ok());
    let reuse = match (previous.as_ref(), archive.as_mut()) {
        (Some(previous), Some(archive)) => Some(Reuse {
            entries: &previous.entries,
            archive,
        }),
        _ => None,
    };
    // The package is at most its files plus their headers (the XHTML
    // deflates, the images are stored): one buffer of that size is
    // written once, where a growing one was copied through every power of
    // two below it (only the pages written are ever touched).
    let buffer = Cursor::new(Vec::with_capacity(package_bound(files)));
    let (buffer, copied) = write_zip_into(files, buffer, reuse)?;
    let bytes = buffer.into_inner();
    drop(archive);
    if let Some(cache) = cache {
        // Unchanged entries keep the previous copy of their bytes.
        let mut old = previous.take().map(|p| p.entries).unwrap_or_default();
        let entries = files
            .iter()
            .map(|(path, bytes)| {
                let kept = old.remove(path).filter(|b| b.as_slice() == *bytes);
                (path.clone(), kept.unwrap_or_else(|| bytes.to_vec()))
            })
            .collect();
        cache.put(Previous {
            zip: bytes.clone(),
            entries,
        });
    }
    Ok((bytes, copied))
}

/// The previous package's entries, to copy unchanged ones from.
pub(crate) struct Reuse<'a, 'z> {
    entries: &'a HashMap<String, Vec<u8>>,
    archive: &'a mut zip::ZipArchive<Cursor<&'z [u8]>>,
}

/// A file of the package: its bytes, read when the zip is written (an
/// image file is read then, one at a time).
pub(crate) trait Entry {
    /// The file's bytes.
    fn read(&self) -> std::io::Result<EntryData<'_>>;
}

/// The bytes of an [`Entry`]: borrowed, or shared with the build (an image
/// file read for the entry, a copy in the image store), never copied.
pub(crate) enum EntryData<'a> {
    /// Bytes the entry holds.
    Borrowed(&'a [u8]),
    /// Bytes shared with others.
    Shared(std::sync::Arc<[u8]>),
}

impl std::ops::Deref for EntryData<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            EntryData::Borrowed(bytes) => bytes,
            EntryData::Shared(bytes) => bytes,
        }
    }
}

impl Entry for &[u8] {
    fn read(&self) -> std::io::Result<EntryData<'_>> {
        Ok(EntryData::Borrowed(self))
    }
}

/// Writes the zip of `files` into `out` (a file being written, or a
/// buffer), copying unchanged entries from `reuse`; returns `out` and how
/// many entries were copied.
pub(crate) fn write_zip_into<W: Write + Seek, E: Entry>(
    files: &[(String, E)],
    out: W,
    mut reuse: Option<Reuse<'_, '_>>,
) -> zip::result::ZipResult<(W, usize)> {
    let fixed = SimpleFileOptions::default()
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        .system(zip::System::Unix);
    let mut zip = ZipWriter::new(out);
    zip.start_file(
        "mimetype",
        fixed.compression_method(CompressionMethod::Stored),
    )?;
    zip.write_all(b"application/epub+zip")?;
    let deflated = fixed
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(DEFLATE_LEVEL));
    let stored = fixed.compression_method(CompressionMethod::Stored);
    let mut copied = 0;
    for (path, entry) in files {
        let bytes = &*entry.read()?;
        if let Some(reuse) = reuse.as_mut()
            && reuse
                .entries
                .get(path)
                .is_some_and(|old| old.as_slice() == bytes)
            && let Ok(entry) = reuse.archive.by_name_raw(path.as_bytes())
        {
            zip.raw_copy_file(entry)?;
            copied += 1;
            continue;
        }
        let options = if is_already_compressed(path) {
            stored
        } else {
            deflated
        };
        zip.start_file(path.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok((zip.finish()?, copied))
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
    fn the_package_fits_the_buffer_reserved_for_it() {
        // Incompressible bytes deflated (the worst case), text, a stored image.
        let mut state = 0x2545_f491_u32;
        let noise: Vec<u8> = (0..100_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state.to_le_bytes()[0]
            })
            .collect();
        let text = "<p>テキスト text</p>".repeat(2_000).into_bytes();
        let files = [
            ("OEBPS/noise.xhtml".to_string(), &noise[..]),
            ("OEBPS/text.xhtml".to_string(), &text[..]),
            ("OEBPS/images/s.png".to_string(), &noise[..50_000]),
        ];
        let zip = write_zip(&files).unwrap();
        assert!(zip.len() > noise.len() + 50_000, "{}", zip.len());
        assert!(zip.len() <= package_bound(&files), "{}", zip.len());
        assert!(package_bound(&files) < zip.len() + text.len() + 1_000);
    }

    #[test]
    fn reused_entries_give_the_bytes_of_a_fresh_zip() {
        let text = |n: usize| format!("<p>{n} text text text</p>").repeat(50).into_bytes();
        let png = [0x89u8, b'P', b'N', b'G', 1, 2, 3, 4];
        let (a, b, c) = (text(1), text(2), text(3));
        let first = [
            ("OEBPS/a.xhtml".to_string(), &a[..]),
            ("OEBPS/b.xhtml".to_string(), &b[..]),
            ("OEBPS/images/s.png".to_string(), &png[..]),
        ];
        let cache = PackageCache::new();
        let (bytes, copied) = write_zip_reusing(&first, Some(&cache)).unwrap();
        assert_eq!(copied, 0);
        assert_eq!(bytes, write_zip(&first).unwrap());
        // b changes, a new file comes, the image stays: two entries copied.
        let second = [
            ("OEBPS/a.xhtml".to_string(), &a[..]),
            ("OEBPS/b.xhtml".to_string(), &c[..]),
            ("OEBPS/c.xhtml".to_string(), &b[..]),
            ("OEBPS/images/s.png".to_string(), &png[..]),
        ];
        let (bytes, copied) = write_zip_reusing(&second, Some(&cache)).unwrap();
        assert_eq!(copied, 2);
        assert_eq!(bytes, write_zip(&second).unwrap());
        let (again, copied) = write_zip_reusing(&second, Some(&cache)).unwrap();
        assert_eq!((again, copied), (bytes, 4));
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
