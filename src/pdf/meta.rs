//! Document metadata: title, author, subject, language, creator and dates.
//!
//! Input: the [`Book`]'s metadata and region. Output: a krilla
//! [`Metadata`] whose dates come from `book.meta.build_time` (itself taken
//! from `SOURCE_DATE_EPOCH` when set), so identical input gives identical
//! bytes.

use krilla::metadata::{DateTime, Metadata};

use crate::model::Book;
use crate::model::utc_from_unix;

/// The metadata written into the PDF's Info dictionary and XMP packet.
pub(super) fn metadata(book: &Book) -> Metadata {
    let date = utc_datetime(book.meta.build_time);
    let mut metadata = Metadata::new()
        .title(book.meta.title.clone())
        .description(book.region.code.clone())
        .keywords(vec![book.region.code.clone()])
        .language(book.meta.language.clone())
        .creator(book.meta.generator.clone())
        .producer(book.meta.generator.clone())
        .creation_date(date)
        .document_id(document_id(book));
    if let Some(author) = &book.meta.author {
        metadata = metadata.authors(vec![author.clone()]);
    }
    metadata
}

/// A stable document id: the title, region and build time, never random.
fn document_id(book: &Book) -> String {
    format!(
        "tebiki:{}:{}:{}",
        book.region.code, book.meta.build_time, book.meta.title
    )
}

/// A krilla date in UTC.
fn utc_datetime(seconds: i64) -> DateTime {
    let date = utc_from_unix(seconds);
    DateTime::new(u16::try_from(date.year()).unwrap_or(1970))
        .month(u8::from(date.month()))
        .day(date.day())
        .hour(date.hour())
        .minute(date.minute())
        .second(date.second())
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}
