//! A deterministic benchmark site in the style of a Japanese Hugo help site.
//!
//! Input: [`Options`] (page count, seed, screenshot pool size). Output: a
//! [`Corpus`], the files of a complete tebiki site (`tebiki.toml`,
//! `content/…` with nested sections, `static/general/img-ja/…` screenshots),
//! held in memory in path order and written with [`Corpus::write`]. The same
//! options always give the same bytes.
//!
//! Shared by the `gen_corpus` example and the criterion benchmarks
//! (`benches/pipeline.rs` includes this folder with `#[path]`).

mod config;
mod images;
mod page;
mod plan;
mod prose;
mod vocab;

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use rand::RngExt;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand::seq::{IndexedRandom, SliceRandom};

/// Largest page count accepted (keeps memory bounded).
pub(crate) const MAX_PAGES: usize = 100_000;
/// Largest screenshot pool accepted.
pub(crate) const MAX_IMAGES: usize = 1_000;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Options {
    /// Number of Markdown files, section `_index.md` files included.
    pub pages: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// Number of distinct screenshots (every seventh is a JPEG).
    pub images: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            pages: 300,
            seed: 1,
            images: 40,
        }
    }
}

/// A generated site: relative path (with `/`) → file bytes, in path order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Corpus {
    /// Every file of the site.
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Name of the marker file written at the root of a generated site.
pub(crate) const MARKER: &str = ".gen_corpus";

impl Corpus {
    /// Total size of the screenshots under `static/`.
    pub(crate) fn image_bytes(&self) -> u64 {
        self.files
            .iter()
            .filter(|(path, _)| path.starts_with("static/"))
            .map(|(_, bytes)| bytes.len() as u64)
            .sum()
    }

    /// Number of Markdown pages under `content/`.
    pub(crate) fn page_count(&self) -> usize {
        self.files
            .keys()
            .filter(|path| path.starts_with("content/") && path.ends_with(".md"))
            .count()
    }

    /// Writes the site into `dir`. `dir` must be missing, empty, or a site
    /// this generator wrote before (it has the [`MARKER`] file); in the last
    /// case its `content/` and `static/` are replaced.
    pub(crate) fn write(&self, dir: &Path) -> io::Result<()> {
        if dir.exists() {
            let empty = std::fs::read_dir(dir)?.next().is_none();
            if !empty && !dir.join(MARKER).is_file() {
                return Err(io::Error::other(format!(
                    "{} is not empty and was not written by gen_corpus",
                    dir.display()
                )));
            }
            for sub in ["content", "static"] {
                let path = dir.join(sub);
                if path.exists() {
                    std::fs::remove_dir_all(&path)?;
                }
            }
        }
        std::fs::create_dir_all(dir)?;
        for (rel, bytes) in &self.files {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, bytes)?;
        }
        Ok(())
    }
}

/// Generates the site for `opts` (page count and pool size clamped to
/// [`MAX_PAGES`] and [`MAX_IMAGES`], at least one of each).
pub(crate) fn generate(opts: &Options) -> Corpus {
    let pages = opts.pages.clamp(1, MAX_PAGES);
    let pool = opts.images.clamp(1, MAX_IMAGES);
    let mut files = BTreeMap::new();

    let shots = images::pool(opts.seed, pool);
    let site_plan = plan::plan(&mut Gen::new(opts.seed, 0), pages);
    for (index, page) in site_plan.pages.iter().enumerate() {
        let mut generator = Gen::new(opts.seed, 1_000_000 + index as u64);
        let text = page::write(&mut generator, page, &site_plan, &shots);
        files.insert(format!("content/{}", page.path), text.into_bytes());
    }
    for shot in shots {
        files.insert(format!("static{}", shot.src), shot.bytes);
    }
    files.insert("tebiki.toml".to_owned(), config::tebiki_toml().into_bytes());
    files.insert(
        MARKER.to_owned(),
        format!("pages={pages} seed={} images={pool}\n", opts.seed).into_bytes(),
    );
    Corpus { files }
}

/// The seeded random source. Each page and each image gets its own stream
/// (seed, stream), so changing the page count leaves images unchanged.
pub(crate) struct Gen {
    rng: ChaCha8Rng,
}

impl Gen {
    /// The stream `stream` of `seed`.
    pub(crate) fn new(seed: u64, stream: u64) -> Gen {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Gen { rng }
    }

    /// One element of a non-empty static bank.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        items
            .choose(&mut self.rng)
            .expect("phrase banks are non-empty constants")
    }

    /// One element of `items`, `None` when it is empty.
    pub(crate) fn pick_opt<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.choose(&mut self.rng)
    }

    /// A number in `lo..hi` (`lo` when the range is empty).
    pub(crate) fn range(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            lo
        } else {
            self.rng.random_range(lo..hi)
        }
    }

    /// True with probability `p` (0 to 1).
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    /// Shuffles `items` in place.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        items.shuffle(&mut self.rng);
    }

    /// A random byte.
    pub(crate) fn byte(&mut self) -> u8 {
        self.rng.random()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn same_options_give_same_bytes() {
        let opts = super::Options {
            pages: 40,
            seed: 3,
            images: 3,
        };
        assert_eq!(super::generate(&opts), super::generate(&opts));
        let other = super::Options { seed: 4, ..opts };
        assert_ne!(super::generate(&opts), super::generate(&other));
    }

    #[test]
    fn every_internal_link_points_at_a_page_and_anchor_that_exist() {
        let site = super::generate(&super::Options {
            pages: 120,
            seed: 1,
            images: 2,
        });
        let pages = site.page_count();
        assert_eq!(pages, 120);
        let all_text: String = site
            .files
            .iter()
            .filter(|(path, _)| path.ends_with(".md"))
            .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
            .collect();
        let mut checked = 0;
        for piece in all_text.split("](/general/ja/").skip(1) {
            let Some(end) = piece.find(')') else { continue };
            let target = &piece[..end];
            let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
            let file = match path.strip_suffix(".html") {
                Some(stem) => format!("content/{stem}.md"),
                None => format!("content/{path}_index.md"),
            };
            let text = site
                .files
                .get(&file)
                .map(|b| String::from_utf8_lossy(b).into_owned());
            let text = text.unwrap_or_else(|| panic!("link to missing page {target}"));
            if !anchor.is_empty() {
                assert!(
                    text.contains(&format!("{{#{anchor}}}")),
                    "missing anchor {target}"
                );
            }
            checked += 1;
        }
        assert!(checked > 100, "only {checked} links");
        let shots = site
            .files
            .keys()
            .filter(|p| p.starts_with("static/"))
            .count();
        assert_eq!(shots, 2);
        assert!(all_text.contains("{{% enabled JP %}}") && all_text.contains("{{%CorpName%}}"));
    }
}
