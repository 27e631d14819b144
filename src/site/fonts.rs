//! `[fonts]` and `[regions.R.fonts]` of `tebiki.toml`.
//!
//! Input: the two tables as serde reads them. Output: the region's
//! [`FontChoice`] (the region's keys over the site's), which the driver puts
//! on the model's `Region`. Whether each file exists and is a usable font is
//! checked before layout by the driver's preflight.

use serde::Deserialize;

use crate::model::FontChoice;

/// A `[fonts]` table: every key optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FontsTable {
    /// Body text face: a bundled font's file name, a file of the site's
    /// `fonts/` folder, or a path inside the site.
    #[serde(default)]
    pub body: Option<String>,
    /// Bold face.
    #[serde(default)]
    pub bold: Option<String>,
    /// Monospace face.
    #[serde(default)]
    pub monospace: Option<String>,
    /// Ordered fallback chain for characters the style's face lacks.
    #[serde(default)]
    pub fallback: Vec<String>,
}

impl FontsTable {
    /// The table as a [`FontChoice`].
    pub(crate) fn choice(&self) -> FontChoice {
        FontChoice {
            body: self.body.clone(),
            bold: self.bold.clone(),
            monospace: self.monospace.clone(),
            fallback: self.fallback.clone(),
        }
    }
}

/// The fonts of a region: its own table over the site's.
pub(crate) fn region_fonts(site: &FontsTable, region: &FontsTable) -> FontChoice {
    site.choice().overridden_by(&region.choice())
}

/// Every font value `table` sets, with its key path under the table (for
/// locating the value in `tebiki.toml`): `("body", value)`,
/// `("fallback", value)`…
pub(crate) fn named_values(table: &FontsTable) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    for (key, value) in [
        ("body", &table.body),
        ("bold", &table.bold),
        ("monospace", &table.monospace),
    ] {
        if let Some(v) = value {
            out.push((key, v.as_str()));
        }
    }
    out.extend(table.fallback.iter().map(|v| ("fallback", v.as_str())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_merges_tables() {
        let site: FontsTable = toml::from_str("fallback = [\"a.ttf\"]\nbody = \"b.ttf\"").unwrap();
        let region: FontsTable = toml::from_str("body = \"static/fonts/c.otf\"").unwrap();
        let choice = region_fonts(&site, &region);
        assert_eq!(choice.body.as_deref(), Some("static/fonts/c.otf"));
        assert_eq!(choice.fallback, vec!["a.ttf".to_string()]);
        assert_eq!(
            named_values(&site),
            vec![("body", "b.ttf"), ("fallback", "a.ttf")]
        );
        assert!(toml::from_str::<FontsTable>("italic = \"x\"").is_err());
    }
}
