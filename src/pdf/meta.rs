//! Document metadata: title, author, subject, language, creator and dates.
//!
//! Input: the [`Book`]'s metadata and region. Output: a krilla
//! [`Metadata`] whose dates come from `book.meta.build_time` (itself taken
//! from `SOURCE_DATE_EPOCH` when set), so identical input gives identical
//! bytes.

use krilla::metadata::{DateTime, Metadata};

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

/// Civil date and time (UTC) of a Unix timestamp, as (year, month, day,
/// hour, minute, second). Years are clamped to 0..=9999.
pub fn civil_from_unix(seconds: i64) -> (u16, u8, u8, u8, u8, u8) {
    let days = seconds.div_euclid(86_400);
    let secs_of_day = seconds.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let year = u16::try_from(year.clamp(0, 9999)).unwrap_or(1970);
    let narrow = |v: i64| u8::try_from(v).unwrap_or(0);
    (
        year,
        narrow(month),
        narrow(day),
        narrow(secs_of_day / 3_600),
        narrow(secs_of_day % 3_600 / 60),
        narrow(secs_of_day % 60),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_unix(0), (1970, 1, 1, 0, 0, 0));
        // 2024-02-29 12:34:56 UTC
        assert_eq!(civil_from_unix(1_709_210_096), (2024, 2, 29, 12, 34, 56));
        assert_eq!(civil_from_unix(-1), (1969, 12, 31, 23, 59, 59));
    }
}
