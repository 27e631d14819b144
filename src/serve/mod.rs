//! `tebiki serve`: the local preview server.
//!
//! Input: [`ServeArgs`] (site, address, port). Output: an HTTP server (axum
//! on a single-threaded tokio runtime, in its own thread) showing each
//! region's book as the EPUB's XHTML documents and CSS, with a bar for the
//! region switcher, the navigation and the build's diagnostics, and its PDF;
//! the books are rebuilt by the [`crate::watch`] loop on every save, into a
//! private temporary folder, and open pages reload over a WebSocket the
//! moment a build finishes. Diagnostics are printed on the terminal as
//! well. Listens on 127.0.0.1 unless `--bind` says otherwise. On SIGINT or
//! SIGTERM the server shuts down gracefully (no new connections, requests in
//! flight answered, each page's WebSocket closed with a close frame, for at most
//! [`SHUTDOWN_BOUND`]), the temporary folder is removed and the process
//! exits with 128 + the signal.

mod http;
mod pages;
mod snapshot;

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use tokio::sync::watch;

use crate::driver::{Format, Outcome, Plan};
use snapshot::Snapshot;

/// How long a shutdown waits for the server to close its connections.
pub const SHUTDOWN_BOUND: Duration = Duration::from_secs(3);

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

/// The newest snapshot, shared by the build loop and the server, and the
/// shutdown flag.
pub(crate) struct State {
    /// The newest snapshot; every page's WebSocket task subscribes to it.
    builds: watch::Sender<Arc<Snapshot>>,
    /// Set once, when the server shuts down.
    stop: watch::Sender<bool>,
}

impl State {
    fn new() -> State {
        State {
            builds: watch::Sender::new(Arc::new(Snapshot {
                run: std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                ..Snapshot::default()
            })),
            stop: watch::Sender::new(false),
        }
    }

    /// The newest snapshot.
    pub(crate) fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.builds.borrow())
    }

    /// A receiver that sees every snapshot published from now on.
    pub(crate) fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.builds.subscribe()
    }

    /// A receiver of the shutdown flag.
    pub(crate) fn stopping(&self) -> watch::Receiver<bool> {
        self.stop.subscribe()
    }

    /// Publishes the snapshot after `outcome` and wakes every WebSocket task.
    /// The snapshot is made before the swap (the build loop is the only
    /// publisher), so requests never wait for the EPUBs to be unzipped.
    fn publish(&self, outcome: &Outcome) {
        let next = Snapshot::after(&self.current(), outcome);
        self.builds.send_replace(Arc::new(next));
    }

    /// Starts the graceful shutdown: the server stops accepting and every
    /// WebSocket closes.
    fn shut_down(&self) {
        self.stop.send_replace(true);
    }
}

/// `tebiki serve`: serves until interrupted (exit 130/143 after a graceful
/// shutdown, the temporary output folder removed); exit code 2 when the
/// address cannot be bound, the server cannot start or watching fails.
/// `report` prints a build's diagnostics on the terminal.
pub fn main(args: &ServeArgs, report: impl Fn(&Outcome)) -> ExitCode {
    let out = match tempfile::Builder::new().prefix("tebiki-serve-").tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("error: cannot create a temporary output folder: {e}");
            return ExitCode::from(2);
        }
    };
    let listener = match std::net::TcpListener::bind((args.bind, args.port))
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
    {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {}:{}: {e}", args.bind, args.port);
            return ExitCode::from(2);
        }
    };
    let url = match listener.local_addr() {
        Ok(addr) => format!("http://{addr}/"),
        Err(_) => format!("http://{}:{}/", args.bind, args.port),
    };
    let state = Arc::new(State::new());
    let server = match serve(listener, Arc::clone(&state), out.path().to_path_buf()) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: cannot start the server: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = shut_down_on_interrupt(out.path().to_path_buf(), Arc::clone(&state), server) {
        eprintln!("warning: cannot handle interrupts, the temporary outputs may stay: {e}");
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
    state.shut_down();
    ExitCode::from(2)
}

/// Starts the server on `listener` in a thread of its own (a
/// single-threaded tokio runtime); the returned receiver gets one message
/// when the server has shut down. A server that fails after it started
/// says why, removes `out` and ends the process with exit code 2.
fn serve(
    listener: std::net::TcpListener,
    state: Arc<State>,
    out: PathBuf,
) -> std::io::Result<mpsc::Receiver<()>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (done, finished) = mpsc::channel();
    std::thread::Builder::new()
        .name("tebiki-http".into())
        .spawn(move || {
            let mut stopping = state.stopping();
            let result = runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                let (sockets, mut closed) = tokio::sync::mpsc::channel(1);
                let live = http::Live { state, sockets };
                axum::serve(listener, http::router(live))
                    .with_graceful_shutdown(async move {
                        let _ = stopping.wait_for(|stop| *stop).await;
                    })
                    .await?;
                // Upgraded connections outlive hyper's: wait for every
                // WebSocket to send its close frame (each holds a sender).
                let _ = closed.recv().await;
                Ok::<(), std::io::Error>(())
            });
            if let Err(e) = result {
                eprintln!("error: the preview server stopped: {e}");
                let _ = std::fs::remove_dir_all(&out);
                std::process::exit(2);
            }
            let _ = done.send(());
        })?;
    Ok(finished)
}

/// On SIGINT or SIGTERM: shuts the server down gracefully (waiting at most
/// [`SHUTDOWN_BOUND`] for `server` to finish), removes the temporary output
/// folder and exits with 128 + the signal.
#[cfg(unix)]
fn shut_down_on_interrupt(
    out: PathBuf,
    state: Arc<State>,
    server: mpsc::Receiver<()>,
) -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("tebiki-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                state.shut_down();
                let _ = server.recv_timeout(SHUTDOWN_BOUND);
                let _ = std::fs::remove_dir_all(&out);
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// No signals to handle on this platform (the process ends with the
/// console; the folder stays in the temporary folder).
#[cfg(not(unix))]
fn shut_down_on_interrupt(
    _out: PathBuf,
    _state: Arc<State>,
    _server: mpsc::Receiver<()>,
) -> std::io::Result<()> {
    Ok(())
}
