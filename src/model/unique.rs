//! Names made unique by numbering repeats.
//!
//! Input: wanted names (page anchors, heading anchors, EPUB file names and
//! ids), in the order they are handed out. Output: each name as wanted, or
//! with `-2`, `-3`… (or another separator) appended when it is already
//! taken. The one rule for every "add a number until it is free" loop, so
//! the first use keeps the plain name everywhere.

use std::collections::BTreeSet;

/// Hands out names that differ from every name handed out or reserved
/// before: `base`, else `base-2`, `base-3`…
#[derive(Debug, Clone)]
pub struct Uniquifier {
    /// Taken names, as compared (folded to lowercase with
    /// [`Uniquifier::ignoring_ascii_case`]).
    taken: BTreeSet<String>,
    /// Put between a name and its number.
    separator: char,
    /// Whether `A` and `a` are the same name (file names on
    /// case-insensitive file systems).
    fold_case: bool,
}

impl Default for Uniquifier {
    fn default() -> Uniquifier {
        Uniquifier::new()
    }
}

impl Uniquifier {
    /// No name taken yet; numbers are appended as `-2`, `-3`…, names
    /// compare exactly.
    pub fn new() -> Uniquifier {
        Uniquifier {
            taken: BTreeSet::new(),
            separator: '-',
            fold_case: false,
        }
    }

    /// The same, with `separator` between a name and its number.
    pub fn with_separator(self, separator: char) -> Uniquifier {
        Uniquifier { separator, ..self }
    }

    /// The same, with names that differ only in ASCII case counted as equal.
    pub fn ignoring_ascii_case(self) -> Uniquifier {
        Uniquifier {
            fold_case: true,
            ..self
        }
    }

    /// Marks `name` as taken without handing it out (names written by the
    /// author, which generated ones must not take).
    pub fn reserve(&mut self, name: &str) {
        let key = self.key(name);
        self.taken.insert(key);
    }

    /// `base` if free, else `base-2`, `base-3`… whichever is free first;
    /// the result is taken from now on.
    pub fn name(&mut self, base: &str) -> String {
        self.file_name(base, "")
    }

    /// `stem` + `suffix` if free, else the number goes between them
    /// (`login.png`, `login-2.png`…); the result is taken from now on.
    pub fn file_name(&mut self, stem: &str, suffix: &str) -> String {
        let mut candidate = format!("{stem}{suffix}");
        let mut n = 2u64;
        while self.taken.contains(&self.key(&candidate)) {
            candidate = format!("{stem}{}{n}{suffix}", self.separator);
            n += 1;
        }
        self.reserve(&candidate);
        candidate
    }

    /// A name as compared.
    fn key(&self, name: &str) -> String {
        if self.fold_case {
            name.to_ascii_lowercase()
        } else {
            name.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Uniquifier;

    #[test]
    fn repeats_are_numbered_from_two() {
        let mut names = Uniquifier::new();
        let got: Vec<String> = ["x", "x", "y", "x"].iter().map(|n| names.name(n)).collect();
        assert_eq!(got, ["x", "x-2", "y", "x-3"]);
    }

    #[test]
    fn numbered_names_are_checked_too() {
        let mut names = Uniquifier::new();
        names.reserve("a-2");
        assert_eq!(names.name("a"), "a");
        assert_eq!(names.name("a"), "a-3");
    }

    #[test]
    fn separator_suffix_and_case_are_chosen() {
        let mut anchors = Uniquifier::new().with_separator('.');
        anchors.reserve("h.1");
        assert_eq!(anchors.name("h.1"), "h.1.2");
        let mut files = Uniquifier::new().ignoring_ascii_case();
        assert_eq!(files.file_name("Login", ".png"), "Login.png");
        assert_eq!(files.file_name("login", ".png"), "login-2.png");
        assert_eq!(files.name("LOGIN-2.PNG"), "LOGIN-2.PNG-2");
    }
}
