//! `tebiki watch`, and the rebuild loop `tebiki serve` shares: build, then
//! rebuild on every save, incrementally.
//!
//! Input: a [`Plan`] (the options of `tebiki build`). Output: one
//! [`Outcome`] per build, handed to a callback (the command line prints its
//! diagnostics; the preview server also publishes it). The loop never stops
//! on a content error: a failed build leaves the earlier outputs in place
//! (writes are atomic) and waits for the next save. One
//! [`BuildCache`] is kept from one build to the next: pages whose inputs
//! are unchanged are not resolved and parsed again, unchanged files of the
//! EPUB are not compressed again, and decoded and prepared images are kept
//! while only Markdown pages change (any other changed file starts a fresh
//! image cache). Each rebuild gives the bytes a fresh build would.
//!
//! What is watched (notify, debounced by notify-debouncer-full so an
//! editor's write–rename–chmod burst makes one rebuild; the full debouncer
//! keeps each event's kind, so the build's own reads, which inotify reports
//! as `Access` events, never trigger a rebuild): the site folder
//! itself, not recursively (`tebiki.toml` and Hugo config files beside it),
//! and recursively the content and static folders `tebiki.toml` names and
//! `layouts/` and `fonts/`, each only when it lies inside the site. Events
//! inside the output folder and editors' scratch files (hidden names,
//! `~` backups, `.swp`, vim's `4913` probe) are ignored.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{self, EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::diag::{Diagnostics, Sources};
use crate::driver::{self, BuildCache, Outcome, Plan};

/// How long the watcher waits for a burst of events on a path to settle.
///
/// 50 ms: an editor's save burst (write, rename, chmod) takes a few
/// milliseconds, and the debounce is part of every rebuild's latency.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// Why the watch loop stopped.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The file watcher failed (too many watches, a removed site folder…).
    #[error("cannot watch the site: {0}")]
    Notify(#[from] notify::Error),
    /// The watcher's event channel closed.
    #[error("the file watcher stopped")]
    Closed,
}

/// One rebuild's cause and result, as handed to the callback of [`run`].
#[derive(Debug)]
pub struct Rebuild<'a> {
    /// The build's outcome.
    pub outcome: &'a Outcome,
    /// The changed files (site-relative when inside the site); empty for the
    /// first build.
    pub changed: &'a [PathBuf],
    /// Time from the first event noticed (after debouncing) to the end of
    /// the build; `None` for the first build.
    pub latency: Option<Duration>,
}

/// Builds `plan`, then rebuilds after every relevant change, calling
/// `after` once per build. Returns only when watching fails.
pub fn run(plan: &Plan, mut after: impl FnMut(Rebuild<'_>)) -> WatchError {
    // Watch before the first build, so a save during it is not missed.
    let mut watcher = match SiteWatcher::new(&plan.site, &plan.out) {
        Ok(w) => w,
        Err(e) => return e,
    };
    let mut cache = BuildCache::new();
    let outcome = driver::run_cached(plan, None, &mut cache);
    after(Rebuild {
        outcome: &outcome,
        changed: &[],
        latency: None,
    });
    loop {
        let (changed, noticed) = match watcher.wait() {
            Ok(found) => found,
            Err(e) => return e,
        };
        if changed.iter().any(|p| p.parent() == Some(Path::new(""))) {
            // A root file (tebiki.toml) may move the content or static folder.
            if let Err(e) = watcher.refresh() {
                return e;
            }
        }
        if !only_pages(&changed) {
            // An image, a layout or the configuration changed: decode again.
            cache.forget_images();
        }
        let outcome = driver::run_cached(plan, None, &mut cache);
        after(Rebuild {
            outcome: &outcome,
            changed: &changed,
            latency: Some(noticed.elapsed()),
        });
    }
}

/// `tebiki watch`: runs [`run`] and prints, after each build, its
/// diagnostics and summary (through `report`) and what triggered it. Returns
/// exit code 2 when watching fails; otherwise runs until interrupted.
pub fn main(plan: &Plan, report: impl Fn(&Outcome)) -> ExitCode {
    eprintln!(
        "watching {} for changes (Ctrl-C to stop)",
        crate::site::display_path(&plan.site).display()
    );
    let error = run(plan, |rebuild| {
        if !rebuild.changed.is_empty() {
            let names: Vec<String> = rebuild
                .changed
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            eprintln!("\nchanged: {}", names.join(", "));
        }
        report(rebuild.outcome);
        if let Some(latency) = rebuild.latency {
            eprintln!("rebuilt in {:.2} s", latency.as_secs_f64());
        }
    });
    eprintln!("error: {error}");
    ExitCode::from(2)
}

/// A debounced watcher over the folders a site's build reads.
struct SiteWatcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    events: mpsc::Receiver<DebounceEventResult>,
    /// The site folder, canonical.
    root: PathBuf,
    /// The output folder, canonical when it exists (events there are ours).
    out: PathBuf,
    /// Folders watched recursively now.
    folders: Vec<PathBuf>,
}

impl SiteWatcher {
    fn new(site: &Path, out: &Path) -> Result<SiteWatcher, WatchError> {
        let root = site.canonicalize().map_err(notify::Error::io)?;
        let _ = std::fs::create_dir_all(out);
        let out = out.canonicalize().unwrap_or_else(|_| out.to_path_buf());
        let (tx, events) = mpsc::channel();
        let mut debouncer = new_debouncer(DEBOUNCE, None, tx)?;
        debouncer.watch(&root, RecursiveMode::NonRecursive)?;
        let mut watcher = SiteWatcher {
            debouncer,
            events,
            root,
            out,
            folders: Vec::new(),
        };
        watcher.refresh()?;
        Ok(watcher)
    }

    /// Watches the folders the site's `tebiki.toml` names now (and stops
    /// watching those it no longer names).
    fn refresh(&mut self) -> Result<(), WatchError> {
        let wanted = watched_folders(&self.root);
        for old in &self.folders {
            if !wanted.contains(old) {
                let _ = self.debouncer.unwatch(old);
            }
        }
        for folder in &wanted {
            if !self.folders.contains(folder) {
                self.debouncer.watch(folder, RecursiveMode::Recursive)?;
            }
        }
        self.folders = wanted;
        Ok(())
    }

    /// Blocks until at least one relevant file changed; returns the changed
    /// paths (sorted, site-relative) and when the first batch arrived.
    fn wait(&mut self) -> Result<(Vec<PathBuf>, Instant), WatchError> {
        loop {
            let batch = self.events.recv().map_err(|_| WatchError::Closed)?;
            let noticed = Instant::now();
            let mut changed = self.relevant(batch)?;
            // Take what else is queued already: one rebuild for all of it.
            while let Ok(more) = self.events.try_recv() {
                changed.extend(self.relevant(more)?);
            }
            changed.sort();
            changed.dedup();
            if !changed.is_empty() {
                return Ok((changed, noticed));
            }
        }
    }

    /// The paths of a batch that should trigger a rebuild, site-relative.
    fn relevant(&self, batch: DebounceEventResult) -> Result<Vec<PathBuf>, WatchError> {
        let events = batch.map_err(|mut errors| match errors.pop() {
            Some(e) => WatchError::Notify(e),
            None => WatchError::Closed,
        })?;
        Ok(events
            .into_iter()
            .filter(|event| !matches!(event.kind, EventKind::Access(_)))
            .flat_map(|event| event.event.paths)
            .filter_map(|path| {
                if path.starts_with(&self.out) || is_scratch(&path) {
                    return None;
                }
                let rel = path.strip_prefix(&self.root).ok()?.to_path_buf();
                let in_folder = self.folders.iter().any(|f| path.starts_with(f));
                // Beside tebiki.toml only configuration files count (not
                // the output folder or `target/` being touched).
                let root_config = rel.parent() == Some(Path::new(""))
                    && rel
                        .extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| matches!(e, "toml" | "yaml" | "yml" | "json"));
                (in_folder || root_config).then_some(rel)
            })
            .collect())
    }
}

/// Whether every changed file is a Markdown page (then the decoded images
/// of the last build are still right).
fn only_pages(changed: &[PathBuf]) -> bool {
    changed
        .iter()
        .all(|p| p.extension().is_some_and(|e| e == "md"))
}

/// Whether `path` is an editor's scratch file: a hidden name, a `~` backup,
/// a swap file or vim's `4913` write probe.
fn is_scratch(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913"
}

/// The folders a build of the site at `root` (canonical) reads, canonical,
/// existing and inside the site: content and static (as `tebiki.toml` names
/// them, the defaults when it cannot be read), `layouts/` and `fonts/`.
fn watched_folders(root: &Path) -> Vec<PathBuf> {
    let config_path = root.join("tebiki.toml");
    let text = std::fs::read_to_string(&config_path).unwrap_or_default();
    let mut sources = Sources::new();
    let id = sources.add(config_path, text.clone());
    let mut ignored = Diagnostics::new();
    let (content, statics) = match crate::site::config::parse_config(&text, id, &mut ignored) {
        Some(config) => (config.book.content_dir, config.book.static_dir),
        None => ("content".to_string(), "static".to_string()),
    };
    let mut folders: Vec<PathBuf> = [content.as_str(), statics.as_str(), "layouts", "fonts"]
        .iter()
        .filter_map(|name| root.join(name).canonicalize().ok())
        .filter(|p| p.starts_with(root) && p != root && p.is_dir())
        .collect();
    folders.sort();
    folders.dedup();
    folders
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::ImageStore;

    #[test]
    fn scratch_files_are_ignored() {
        for name in [
            "content/.a.md.swp",
            "content/a.md~",
            "content/4913",
            "c/x.swx",
        ] {
            assert!(is_scratch(Path::new(name)), "{name}");
        }
        for name in ["content/a.md", "tebiki.toml", "static/img.png"] {
            assert!(!is_scratch(Path::new(name)), "{name}");
        }
        let paths = |v: &[&str]| v.iter().map(PathBuf::from).collect::<Vec<_>>();
        assert!(only_pages(&paths(&["content/a.md", "content/b/c.md"])));
        assert!(!only_pages(&paths(&["content/a.md", "static/x.png"])));
        assert!(!only_pages(&paths(&["tebiki.toml"])));
    }

    #[test]
    fn a_kept_image_store_does_not_read_images_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shot.png");
        let mut png = Vec::new();
        image::DynamicImage::new_rgb8(4, 3)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        std::fs::write(&path, &png).unwrap();
        let kept = ImageStore::new();
        let for_one_build = kept.clone();
        assert_eq!(for_one_build.load(&path).unwrap().width, 4);
        // The next build's clone finds it even though the file is gone.
        std::fs::remove_file(&path).unwrap();
        assert_eq!(kept.clone().load(&path).unwrap().height, 3);
        assert!(ImageStore::new().load(&path).is_err());
    }

    #[test]
    fn folders_follow_the_config_and_stay_inside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for d in ["pages", "content", "files", "layouts"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::write(
            root.join("tebiki.toml"),
            "[book]\ntitle = \"t\"\ncontent_dir = \"pages\"\nstatic_dir = \"../outside\"\n\n[regions.JP]\n",
        )
        .unwrap();
        let folders = watched_folders(&root);
        assert_eq!(folders, vec![root.join("layouts"), root.join("pages")]);
        std::fs::write(root.join("tebiki.toml"), "not toml [").unwrap();
        assert_eq!(
            watched_folders(&root),
            vec![root.join("content"), root.join("layouts")]
        );
    }
}
