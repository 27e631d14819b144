//! "Did you mean": the nearest of a few known names to a misspelt one.
//!
//! Input: what the writer wrote and the names it could have meant (region
//! codes, shortcode names, page URLs, anchors, `tebiki.toml` keys). Output:
//! the closest candidate when it is close enough to be a likely typo (edit
//! distance from strsim), so a hint can say "did you mean `JP`?".

/// The candidate closest to `wrong`, when it is a likely typo of it: equal
/// but for letter case, or within a few edits (optimal string alignment
/// distance, strsim: one edit per three characters, at least one). Ties go
/// to the more similar by Jaro–Winkler, then to the first candidate.
pub(crate) fn nearest<'a, I>(wrong: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = wrong.to_lowercase();
    let allowed = (wrong.chars().count() / 3).max(1);
    let mut best: Option<(usize, f64, &str)> = None;
    for candidate in candidates {
        if candidate == wrong || candidate.is_empty() {
            continue;
        }
        let other = candidate.to_lowercase();
        let distance = strsim::osa_distance(&lower, &other);
        if distance > allowed {
            continue;
        }
        let similarity = strsim::jaro_winkler(&lower, &other);
        let better = best.is_none_or(|(d, s, _)| distance < d || (distance == d && similarity > s));
        if better {
            best = Some((distance, similarity, candidate));
        }
    }
    best.map(|(_, _, c)| c)
}

/// The hint `did you mean `X`?` for the nearest candidate, if any.
pub(crate) fn did_you_mean<'a, I>(wrong: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    nearest(wrong, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_codes() {
        assert_eq!(nearest("JQ", ["JP", "US", "CN"]), Some("JP"));
        assert_eq!(nearest("jp", ["JP", "US", "CN"]), Some("JP"));
        assert_eq!(nearest("XX", ["JP", "US", "CN"]), None);
    }

    #[test]
    fn names_and_paths() {
        assert_eq!(
            nearest("two_factr.html", ["two_factor.html", "index.html"]),
            Some("two_factor.html")
        );
        assert_eq!(nearest("notte", ["note", "warning", "hint"]), Some("note"));
        assert_eq!(nearest("titel", ["title", "author"]), Some("title"));
        assert_eq!(nearest("anything", []), None);
        assert_eq!(
            did_you_mean("wraning", ["warning"]).as_deref(),
            Some("did you mean `warning`?")
        );
    }
}
