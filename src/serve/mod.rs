//! `tebiki serve`: the local preview server.
//!
//! Input: [`ServeArgs`] (site, address, port). Output: an HTTP server
//! (tiny_http, one thread per request) showing each region's book as the
//! EPUB's XHTML documents and CSS, with a bar for the region switcher, the
//! navigation and the build's diagnostics, and its PDF; the books are rebuilt
//! by the [`crate::watch`] loop on every save, into a private temporary
//! folder, and open pages reload over a WebSocket the moment a build
//! finishes. Diagnostics are printed on the terminal as well. Listens on
//! 127.0.0.1 unless `--bind` says otherwise.

mod http;
mod pages;
mod snapshot;

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::driver::{Format, Outcome, Plan};
use snapshot::Snapshot;

/// Arguments of `tebiki serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The site folder (with tebiki.toml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub site: PathBuf,
    /// Port to listen on (0: any free port; the URL is printed).
    #[arg(long, value_name = "N", default_value_t = 1414)]
    pub port: u16,
    /// Address to listen on; the default serves this machine only.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the preview in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Preview only this region (repeatable; default: every region).
    #[arg(long = "region", value_name = "R")]
    pub regions: Vec<String>,
}

/// The newest snapshot, shared by the build loop and the request threads.
pub(crate) struct State {
    snapshot: Mutex<Arc<Snapshot>>,
    changed: Condvar,
}

impl State {
    fn lock(&self) -> MutexGuard<'_, Arc<Snapshot>> {
        self.snapshot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The newest snapshot.
    pub(crate) fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.lock())
    }

    /// Waits (at most `timeout`) for a snapshot newer than `generation`;
    /// returns the newest either way.
    pub(crate) fn wait_newer(&self, generation: u64, timeout: Duration) -> Arc<Snapshot> {
        let guard = self.lock();
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |s| s.generation <= generation)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(&guard)
    }

    /// Publishes the snapshot after `outcome` and wakes every waiting socket.
    fn publish(&self, outcome: &Outcome) {
        let mut guard = self.lock();
        let next = Snapshot::after(&guard, outcome);
        *guard = Arc::new(next);
        drop(guard);
        self.changed.notify_all();
    }
}

/// `tebiki serve`: serves until interrupted (exit 130/143, the temporary
/// output folder removed); exit code 2 when the address cannot be bound or
/// watching fails. `report` prints a build's diagnostics on the terminal.
pub fn main(args: &ServeArgs, report: impl Fn(&Outcome)) -> ExitCode {
    let out = match tempfile::Builder::new().prefix("tebiki-serve-").tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("error: cannot create a temporary output folder: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = remove_on_interrupt(out.path().to_path_buf()) {
        eprintln!("warning: cannot handle interrupts, the temporary outputs may stay: {e}");
    }
    let server = match tiny_http::Server::http((args.bind, args.port)) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: cannot listen on {}:{}: {e}", args.bind, args.port);
            return ExitCode::from(2);
        }
    };
    let url = match server.server_addr().to_ip() {
        Some(addr) => format!("http://{addr}/"),
        None => format!("http://{}:{}/", args.bind, args.port),
    };
    let state = Arc::new(State {
        snapshot: Mutex::new(Arc::new(Snapshot::default())),
        changed: Condvar::new(),
    });
    let shared = Arc::clone(&state);
    let spawned = std::thread::Builder::new()
        .name("tebiki-http".into())
        .spawn(move || {
            for request in server.incoming_requests() {
                let state = Arc::clone(&shared);
                let _ = std::thread::Builder::new()
                    .name("tebiki-request".into())
                    .spawn(move || http::handle(request, &state));
            }
        });
    if let Err(e) = spawned {
        eprintln!("error: cannot start the server: {e}");
        return ExitCode::from(2);
    }
    eprintln!("serving the preview at {url} (Ctrl-C to stop)");
    if args.open
        && let Err(e) = opener::open_browser(&url)
    {
        eprintln!("warning: cannot open a browser: {e}");
    }
    let plan = Plan {
        site: args.site.clone(),
        regions: args.regions.clone(),
        formats: vec![Format::Pdf, Format::Epub],
        out: out.path().to_path_buf(),
        pages: Vec::new(),
        output_file: None,
        strict: false,
    };
    let error = crate::watch::run(&plan, |rebuild| {
        report(rebuild.outcome);
        state.publish(rebuild.outcome);
        if let Some(latency) = rebuild.latency {
            eprintln!("rebuilt in {:.2} s", latency.as_secs_f64());
        }
    });
    eprintln!("error: {error}");
    ExitCode::from(2)
}

/// On SIGINT or SIGTERM, removes the temporary output folder and exits with
/// 128 + the signal.
#[cfg(unix)]
fn remove_on_interrupt(out: PathBuf) -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("tebiki-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let _ = std::fs::remove_dir_all(&out);
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// No signals to handle on this platform (the folder stays in the
/// temporary folder).
#[cfg(not(unix))]
fn remove_on_interrupt(_out: PathBuf) -> std::io::Result<()> {
    Ok(())
}
