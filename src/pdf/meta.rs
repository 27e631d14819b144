//! Document metadata: title, author, subject, language, creator and dates.
//!
//! Input: the [`Book`]'s metadata and region. Output: a krilla
//! [`Metadata`] whose dates come from `book.meta.build_time` (itself taken
//! from `SOURCE_DATE_EPOCH` when set), so identical input gives identical
//! bytes.

use krilla::metadata::{DateTime, Metadata};

use crate::layout::pages::civil_from_unix;
use crate::model::Book;

/// The metadata written into the PDF's Info dictionary and XMP packet.
pub fn metadata(book: &Book) -> Metadata {
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
    let (year, month, day, hour, minute, second) = civil_from_unix(seconds);
    DateTime::new(year)
        .month(month)
        .day(day)
        .hour(hour)
        .minute(minute)
        .second(second)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}
