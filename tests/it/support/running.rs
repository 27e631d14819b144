//! Long-running programs under test (`tebiki watch`, `tebiki serve`,
//! chromedriver): a child that is killed when the test ends, its stderr
//! lines collected by a thread, and bounded waits.
//!
//! Input: a prepared [`Command`]. Output: the running child, the lines it
//! printed so far, and waits that fail the test with what was printed when
//! their bound passes.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A child process killed (and reaped) when dropped, with its stderr lines.
pub(crate) struct Running {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Running {
    /// Starts `command` with stderr captured line by line.
    pub(crate) fn start(mut command: Command) -> Running {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the program");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        let stderr = child.stderr.take().expect("stderr is piped");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Running { child, lines }
    }

    /// Everything printed on stderr so far.
    pub(crate) fn stderr(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    /// Whether the process is still running.
    pub(crate) fn alive(&mut self) -> bool {
        self.child.try_wait().expect("poll the child").is_none()
    }

    /// The process id (for sending a signal).
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits (at most `bound`) for the process to exit; its status.
    pub(crate) fn wait_exit(&mut self, bound: Duration) -> std::process::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the child") {
                return status;
            }
            assert!(
                start.elapsed() < bound,
                "still running after {bound:?}; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits (at most `bound`) for a stderr line for which `pick` gives a
    /// value, counting only lines after the first `skip`; returns the value
    /// and the line count after it.
    pub(crate) fn wait_line<T>(
        &mut self,
        skip: usize,
        bound: Duration,
        pick: impl Fn(&str) -> Option<T>,
    ) -> (T, usize) {
        let start = Instant::now();
        loop {
            {
                let lines = self.lines.lock().unwrap();
                for (i, line) in lines.iter().enumerate().skip(skip) {
                    if let Some(found) = pick(line) {
                        return (found, i + 1);
                    }
                }
            }
            assert!(
                start.elapsed() < bound && self.alive(),
                "no expected line within {bound:?} (alive: {}); stderr:\n{}",
                self.alive(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits (at most `bound`) until `ready` holds; fails with `what` and
/// `context()` otherwise.
pub(crate) fn wait_until(
    what: &str,
    bound: Duration,
    mut ready: impl FnMut() -> bool,
    context: impl Fn() -> String,
) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < bound,
            "{what}: not within {bound:?}\n{}",
            context()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The text of every XHTML document in an EPUB (empty while it cannot be
/// read).
pub(crate) fn epub_text(path: &std::path::Path) -> String {
    use std::io::Read;
    let Ok(bytes) = std::fs::read(path) else {
        return String::new();
    };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return String::new();
    };
    let mut text = String::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("zip entry");
        if entry.name().is_ok_and(|n| n.ends_with(".xhtml")) {
            entry
                .read_to_string(&mut text)
                .expect("read an XHTML document");
        }
    }
    text
}
