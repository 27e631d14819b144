//! The book's time zone: the one the cover's date is printed in.
//!
//! Input: the `timezone` of `[book]` or `[regions.<R>.book]` (an IANA name
//! such as `Asia/Tokyo`) or, when absent, the book's language. Output: the
//! zone's name for a region, and its UTC offset at a given instant, from the
//! IANA time zone database that jiff bundles into the binary (the same data
//! on every machine, so builds stay reproducible).

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The zone a language's readers most likely live in: `ja` → `Asia/Tokyo`,
/// and so on for the languages of East Asian help sites; `UTC` otherwise.
pub(crate) fn default_for_language(language: &str) -> &'static str {
    let lower = language.to_ascii_lowercase();
    let mut parts = lower.split(['-', '_']);
    let primary = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    let has = |s: &str| rest.contains(&s);
    match primary {
        "ja" => "Asia/Tokyo",
        "ko" => "Asia/Seoul",
        "zh" if has("tw") => "Asia/Taipei",
        "zh" if has("hk") => "Asia/Hong_Kong",
        "zh" if has("hant") => "Asia/Taipei",
        "zh" => "Asia/Shanghai",
        _ => "UTC",
    }
}

/// Whether `name` is a time zone of the bundled database.
pub(crate) fn is_known(name: &str) -> bool {
    TimeZone::get(name).is_ok()
}

/// The UTC offset, in seconds, of zone `name` at `unix_seconds` (0 for a
/// name the database does not know, or an instant out of range).
pub fn utc_offset(name: &str, unix_seconds: i64) -> i32 {
    let Ok(zone) = TimeZone::get(name) else {
        return 0;
    };
    Timestamp::from_second(unix_seconds).map_or(0, |t| zone.to_offset(t).seconds())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_give_their_zone() {
        assert_eq!(default_for_language("ja"), "Asia/Tokyo");
        assert_eq!(default_for_language("ja-JP"), "Asia/Tokyo");
        assert_eq!(default_for_language("zh-TW"), "Asia/Taipei");
        assert_eq!(default_for_language("zh-CN"), "Asia/Shanghai");
        assert_eq!(default_for_language("en"), "UTC");
    }

    #[test]
    fn offsets_come_from_the_bundled_database() {
        // 2023-11-14 22:13:20 UTC.
        assert_eq!(utc_offset("Asia/Tokyo", 1_700_000_000), 9 * 3600);
        assert_eq!(utc_offset("America/New_York", 1_700_000_000), -5 * 3600);
        // Summer time.
        assert_eq!(utc_offset("America/New_York", 1_690_000_000), -4 * 3600);
        assert_eq!(utc_offset("UTC", 0), 0);
        assert!(is_known("Europe/Berlin") && !is_known("Mars/Olympus"));
        assert_eq!(utc_offset("Mars/Olympus", 0), 0);
    }
}
