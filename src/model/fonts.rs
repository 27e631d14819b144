//! The fonts a region names: the `[fonts]` table of `tebiki.toml` merged
//! with the region's `[regions.R.fonts]`.
//!
//! Input: built by `site::config` from the two tables. Output: read by the
//! renderers (`layout` loads the faces, `epub` embeds the files) and by the
//! driver's coverage check. A value is either a bundled font (or a file of
//! the site's `fonts/` folder) by its file name, or a path inside the site
//! (it contains a `/`), which is confined like every other site path.

/// The fonts of one region; `None` and an empty `fallback` mean the bundled
/// defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FontChoice {
    /// Body text face.
    pub body: Option<String>,
    /// Bold face (strong emphasis, headings).
    pub bold: Option<String>,
    /// Monospace face (code).
    pub monospace: Option<String>,
    /// Faces tried in this order for a character the style's face lacks,
    /// before the bundled fallbacks.
    pub fallback: Vec<String>,
}

impl FontChoice {
    /// Whether the region names any font of its own (else it uses the
    /// bundled defaults only).
    pub fn is_default(&self) -> bool {
        self.body.is_none()
            && self.bold.is_none()
            && self.monospace.is_none()
            && self.fallback.is_empty()
    }

    /// `self` with every key `over` sets replaced by `over`'s value (a
    /// region's table over the site's).
    pub fn overridden_by(&self, over: &FontChoice) -> FontChoice {
        FontChoice {
            body: over.body.clone().or_else(|| self.body.clone()),
            bold: over.bold.clone().or_else(|| self.bold.clone()),
            monospace: over.monospace.clone().or_else(|| self.monospace.clone()),
            fallback: if over.fallback.is_empty() {
                self.fallback.clone()
            } else {
                over.fallback.clone()
            },
        }
    }
}

/// Whether a font value names a path inside the site (it has a `/` or a
/// `\`) rather than a font file by name.
pub fn is_site_path(value: &str) -> bool {
    value.contains('/') || value.contains('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_keys_win_key_by_key() {
        let site = FontChoice {
            body: Some("a.ttf".into()),
            fallback: vec!["f.ttf".into()],
            ..FontChoice::default()
        };
        let region = FontChoice {
            bold: Some("b.ttf".into()),
            ..FontChoice::default()
        };
        let merged = site.overridden_by(&region);
        assert_eq!(merged.body.as_deref(), Some("a.ttf"));
        assert_eq!(merged.bold.as_deref(), Some("b.ttf"));
        assert_eq!(merged.fallback, vec!["f.ttf".to_string()]);
        assert!(!merged.is_default());
        assert!(FontChoice::default().is_default());
        assert!(is_site_path("static/fonts/x.otf"));
        assert!(!is_site_path("BIZUDPGothic-Regular.ttf"));
    }
}
