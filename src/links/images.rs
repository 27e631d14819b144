//! Image references → files inside the static folder.
//!
//! Input: a figure's `src` as written (`/general/img-ja/x.png`), the page's
//! URL (for relative `src`) and the canonical static folder. Output: the
//! canonical file path, or the reason it cannot be used. A path with `..`
//! segments, one that leaves the folder through a symlink, a remote or
//! `data:` image and a missing file are all refused; nothing outside the
//! static folder is ever read.

use std::path::{Component, Path, PathBuf};

use percent_encoding::percent_decode_str;

/// Resolves `src` inside `static_dir` (already canonical).
pub(crate) fn resolve(src: &str, page_url: &str, static_dir: &Path) -> Result<PathBuf, String> {
    let src = src.trim();
    if src.is_empty() {
        return Err("image has an empty `src`".into());
    }
    if src.starts_with("//") || src.contains("://") || src.starts_with("data:") {
        return Err(format!("image `{src}` is not a file of the static folder"));
    }
    let path = src.split(['?', '#']).next().unwrap_or_default();
    let path = percent_decode_str(path).decode_utf8_lossy();
    let absolute = if path.starts_with('/') {
        path.into_owned()
    } else {
        let dir = page_url.rfind('/').map_or("/", |i| &page_url[..=i]);
        format!("{dir}{path}")
    };
    // Resolve `.` and `..` in URL space; going above the site root escapes.
    let mut parts: Vec<&str> = Vec::new();
    for segment in absolute.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("image path `{src}` escapes the static folder"));
                }
            }
            s => {
                if Path::new(s)
                    .components()
                    .any(|c| !matches!(c, Component::Normal(_)))
                {
                    return Err(format!("image path `{src}` escapes the static folder"));
                }
                parts.push(s);
            }
        }
    }
    let mut file = static_dir.to_path_buf();
    file.extend(parts);
    // The one confinement rule of the site (`site::confine`), with the static
    // folder as the root: a symlink is followed only when it stays inside.
    let canonical = match crate::site::confine::confine(static_dir, &file) {
        Ok(canonical) => canonical,
        Err(crate::site::ConfineError::Outside) => {
            return Err(format!(
                "image path `{src}` escapes the static folder through a symlink"
            ));
        }
        Err(_) => return Err(format!("image not found: `{src}`")),
    };
    if !canonical.is_file() {
        return Err(format!("image not found: `{src}`"));
    }
    Ok(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let root = dir.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
        let stat = root.join("static");
        std::fs::create_dir_all(stat.join("general/img-ja")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(stat.join("general/img-ja/x.png"), b"png").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("secret.png"), b"secret").unwrap_or_else(|e| panic!("{e}"));
        (dir, stat)
    }

    #[test]
    fn finds_file_in_static() {
        let (_dir, stat) = setup();
        let got = resolve("/general/img-ja/x.png", "/general/ja/a.html", &stat);
        assert_eq!(got, Ok(stat.join("general/img-ja/x.png")));
        let rel = resolve("../img-ja/x.png", "/general/ja/a.html", &stat);
        assert_eq!(rel, Ok(stat.join("general/img-ja/x.png")));
    }

    #[test]
    fn refuses_escapes_and_missing_files() {
        let (_dir, stat) = setup();
        let esc = resolve("/../secret.png", "/a.html", &stat).unwrap_err();
        assert!(esc.contains("escapes"), "{esc}");
        let esc = resolve("/general/%2E%2E/%2E%2E/secret.png", "/a.html", &stat).unwrap_err();
        assert!(esc.contains("escapes"), "{esc}");
        let esc = resolve("../../secret.png", "/a.html", &stat).unwrap_err();
        assert!(esc.contains("escapes"), "{esc}");
        let missing = resolve("/general/img-ja/none.png", "/a.html", &stat).unwrap_err();
        assert!(missing.contains("not found"), "{missing}");
        let remote = resolve("https://example.com/a.png", "/a.html", &stat).unwrap_err();
        assert!(remote.contains("not a file"), "{remote}");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlink_out_of_static() {
        let (_dir, stat) = setup();
        let outside = stat
            .parent()
            .map(|p| p.join("secret.png"))
            .unwrap_or_default();
        std::os::unix::fs::symlink(outside, stat.join("link.png"))
            .unwrap_or_else(|e| panic!("{e}"));
        let err = resolve("/link.png", "/a.html", &stat).unwrap_err();
        assert!(err.contains("symlink"), "{err}");
    }
}
