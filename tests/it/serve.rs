//! `tebiki serve` in a real browser: the server runs on a free port over a
//! site in a temporary folder, headless Chromium (driven through
//! chromedriver's W3C WebDriver API) opens a page of the book, the test
//! edits the page's source, and the new text must appear in the open page
//! without the test navigating (the live reload); then a content error must
//! show in the page with its `path:line:col`. Skipped when Chromium or
//! chromedriver is missing, failing under CI (the validators' rule).
//!
//! Without a browser: the HTTP rules (content types, HEAD, 404, 405, the
//! redirect, paths that try to leave the book, sent raw so no client
//! normalizes them), the live-reload WebSocket delivering a new build's tag
//! after an edit, and the graceful shutdown on SIGINT (the open socket gets
//! a close frame, exit 130, the temporary folder removed, the port closed).
//! With the browser again: eight open pages, more than the six HTTP/1.1
//! connections a browser gives one host, all load and all reload.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::broken_sites::Site;
use crate::support::running::{Running, wait_until};
use crate::support::tools;

/// Generous: the debug binary and a browser on a loaded machine.
const BOUND: Duration = Duration::from_secs(90);

/// The element key of the W3C WebDriver protocol.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The first of `names` found on `PATH`.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// A minimal W3C WebDriver client over ureq.
struct WebDriver {
    agent: ureq::Agent,
    base: String,
}

impl WebDriver {
    fn get(&self, path: &str) -> Result<Value, String> {
        let url = format!("{}{path}", self.base);
        let mut response = self
            .agent
            .get(&url)
            .call()
            .map_err(|e| format!("GET {url}: {e}"))?;
        let value: Value = response
            .body_mut()
            .read_json()
            .map_err(|e| format!("GET {url}: {e}"))?;
        match value.get("value") {
            Some(v) if v.get("error").is_none() => Ok(v.clone()),
            _ => Err(format!("GET {url}: {value}")),
        }
    }

    fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        let url = format!("{}{path}", self.base);
        let response = self.agent.post(&url).send_json(&body);
        let mut response = response.map_err(|e| format!("POST {url}: {e}"))?;
        let value: Value = response
            .body_mut()
            .read_json()
            .map_err(|e| format!("POST {url}: {e}"))?;
        match value.get("value") {
            Some(v) if v.get("error").is_none() => Ok(v.clone()),
            _ => Err(format!("POST {url}: {value}")),
        }
    }

    /// The text of the current page's body in `session` (empty while none
    /// is loaded).
    fn body_text(&self, session: &str) -> String {
        self.post(
            &format!("{session}/execute/sync"),
            json!({"script": "return document.body ? document.body.textContent : '';", "args": []}),
        )
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
    }

    /// Opens the JP book of the preview at `url` in `session` and finds the
    /// link 「ページ」 in its navigation: the link's element id.
    fn page_link_in_navigation(&self, session: &str, url: &str) -> String {
        self.post(
            &format!("{session}/url"),
            json!({"url": format!("{url}JP/")}),
        )
        .expect("open the book");
        let link = self
            .post(
                &format!("{session}/element"),
                json!({"using": "link text", "value": "ページ"}),
            )
            .expect("the page's link in the navigation");
        link[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("element id in {link}"))
            .to_string()
    }
}

/// Chromium and chromedriver from `PATH`; `None` (after the skip rule of
/// `tools::missing`) when either is missing.
fn browser_programs() -> Option<(PathBuf, PathBuf)> {
    let (Some(chromium), Some(chromedriver)) = (
        on_path(&["chromium", "chromium-browser", "google-chrome"]),
        on_path(&["chromedriver"]),
    ) else {
        tools::missing("chromium and chromedriver", "not on PATH");
        return None;
    };
    Some((chromium, chromedriver))
}

/// Starts chromedriver on a free port and a headless Chromium session; the
/// driver process, its client and the session's path (`/session/ID`).
fn start_browser(chromium: &Path, chromedriver: &Path) -> (Running, WebDriver, String) {
    let port = free_port();
    let mut driver_command = Command::new(chromedriver);
    driver_command.arg(format!("--port={port}"));
    let driver_process = Running::start(driver_command);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .into();
    let driver = WebDriver {
        agent: agent.clone(),
        base: format!("http://127.0.0.1:{port}"),
    };
    wait_until(
        "chromedriver ready",
        BOUND,
        || {
            agent
                .get(format!("{}/status", driver.base))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == json!(true))
        },
        String::new,
    );
    let session = driver
        .post(
            "/session",
            json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": chromium.to_string_lossy(),
                    "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                             "--disable-dev-shm-usage"]
                }
            }}}),
        )
        .expect("a browser session");
    let id = session["sessionId"]
        .as_str()
        .expect("session id")
        .to_string();
    let session_path = format!("/session/{id}");
    (driver_process, driver, session_path)
}

#[test]
fn serve_reloads_the_open_page_in_a_browser() {
    let Some((chromium, chromedriver)) = browser_programs() else {
        return;
    };
    let site = Site::new();
    site.page("content/a.md", "最初の本文です。\n");
    let mut command = tools::tebiki(site.dir.path());
    command.args(["serve", "--port", "0", "--region", "JP"]);
    let mut serve = Running::start(command);
    let (url, seen) = serve.wait_line(0, BOUND, |l| {
        l.strip_prefix("serving the preview at ")
            .and_then(|rest| rest.split_whitespace().next())
            .map(str::to_string)
    });
    serve.wait_line(seen, BOUND, |l| l.starts_with("wrote ").then_some(()));

    let (_driver, driver, session_path) = start_browser(&chromium, &chromedriver);
    let body_text = || driver.body_text(&session_path);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // The region's navigation, then the page by its title.
        let link_id = driver.page_link_in_navigation(&session_path, &url);
        driver
            .post(
                &format!("{session_path}/element/{link_id}/click"),
                json!({}),
            )
            .expect("click the page");
        wait_until(
            "the page",
            BOUND,
            || body_text().contains("最初の本文です。"),
            || serve.stderr(),
        );

        // An edit: the open page shows it without being told to reload.
        site.page("content/a.md", "二番目の本文です。\n");
        wait_until(
            "live reload after a save",
            BOUND,
            || body_text().contains("二番目の本文です。"),
            || format!("page: {}\nserve:\n{}", body_text(), serve.stderr()),
        );

        // A content error: shown in the page with path:line:col, the last
        // good book stays.
        site.page("content/a.md", "{{% warning %}}\n壊れた本文\n");
        wait_until(
            "the diagnostic in the page",
            BOUND,
            || {
                body_text().contains(
                    "content/a.md:4:1: error: shortcode `{{% warning %}}` opened here is never closed",
                )
            },
            || format!("page: {}\nserve:\n{}", body_text(), serve.stderr()),
        );
        assert!(body_text().contains("二番目の本文です。"));
    }));
    let _ = driver
        .agent
        .delete(format!("{}{session_path}", driver.base))
        .call();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

/// `tebiki serve --port 0 --region JP` over `site` with `TMPDIR` set to
/// `tmp`, after its first build; the server and its base URL
/// (`http://127.0.0.1:N/`).
fn start_serve(site: &Site, tmp: &Path) -> (Running, String) {
    let mut command = tools::tebiki(site.dir.path());
    command
        .args(["serve", "--port", "0", "--region", "JP"])
        .env("TMPDIR", tmp);
    let mut serve = Running::start(command);
    let (url, seen) = serve.wait_line(0, BOUND, |l| {
        l.strip_prefix("serving the preview at ")
            .and_then(|rest| rest.split_whitespace().next())
            .map(str::to_string)
    });
    serve.wait_line(seen, BOUND, |l| l.starts_with("wrote ").then_some(()));
    (serve, url)
}

/// An HTTP client that reports every status and follows no redirect.
fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .build()
        .into()
}

/// A response's status, named header and body text.
fn parts(mut response: ureq::http::Response<ureq::Body>, name: &str) -> (u16, String, String) {
    let value = response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    (response.status().as_u16(), value, body)
}

/// Sends `GET {target}` exactly as written (no client normalizes the path)
/// to `url`'s server; the status code and the whole response.
fn raw_get(url: &str, target: &str) -> (u16, String) {
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut stream = std::net::TcpStream::connect(&host).expect("connect to the server");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("send the request");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, response)
}

/// What the live-reload WebSocket gave the test.
#[derive(Debug)]
enum Live {
    /// A build's tag (`{run}-{generation}`) and its generation.
    Tag(String, u64),
    /// The server's close frame and its code.
    Closed(Option<u16>),
    /// The connection broke without a close frame.
    Broken(String),
}

/// Opens the live-reload WebSocket (`tungstenite`'s client); what it gives
/// arrives on the receiver, which disconnects when the connection is over.
fn open_socket(url: &str) -> mpsc::Receiver<Live> {
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let stream = std::net::TcpStream::connect(&host).expect("connect to the server");
    stream.set_read_timeout(Some(BOUND)).expect("read timeout");
    let (mut socket, response) = tungstenite::client(format!("ws://{host}/_tebiki/socket"), stream)
        .expect("the WebSocket handshake");
    assert_eq!(response.status().as_u16(), 101);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        loop {
            let live = match socket.read() {
                Ok(tungstenite::Message::Text(text)) => {
                    let tag = text.to_string();
                    let generation = tag
                        .rsplit_once('-')
                        .and_then(|(_, g)| g.parse().ok())
                        .unwrap_or_else(|| panic!("a tag run-generation, got {tag}"));
                    Live::Tag(tag, generation)
                }
                Ok(tungstenite::Message::Close(frame)) => {
                    Live::Closed(frame.map(|f| u16::from(f.code)))
                }
                Ok(_) => continue,
                Err(tungstenite::Error::ConnectionClosed) => return,
                Err(e) => Live::Broken(e.to_string()),
            };
            let last = matches!(live, Live::Broken(_));
            if tx.send(live).is_err() || last {
                return;
            }
        }
    });
    rx
}

/// The next build tag on the socket (tag, generation), within the bound.
fn next_tag(socket: &mpsc::Receiver<Live>, context: impl Fn() -> String) -> (String, u64) {
    match socket.recv_timeout(BOUND) {
        Ok(Live::Tag(tag, generation)) => (tag, generation),
        other => panic!("no build tag ({other:?}); serve:\n{}", context()),
    }
}

#[test]
fn serve_answers_by_the_http_rules() {
    let site = Site::new();
    site.page("content/a.md", "本文です。\n");
    let tmp = tempfile::tempdir().expect("temporary folder");
    let (serve, url) = start_serve(&site, tmp.path());
    let agent = client();
    let get = |path: &str, header: &str| {
        parts(
            agent.get(format!("{url}{path}")).call().expect("GET"),
            header,
        )
    };

    let (status, content_type, index) = get("", "content-type");
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/html; charset=utf-8")
    );
    assert!(index.contains("<a href=\"/JP/\">JP</a>"), "{index}");
    let (status, content_type, body) =
        parts(agent.head(&url).call().expect("HEAD"), "content-type");
    assert_eq!(
        (status, content_type.as_str(), body.as_str()),
        (200, "text/html; charset=utf-8", "")
    );
    for method in ["POST", "PUT", "DELETE"] {
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .body(())
            .expect("a request");
        let (status, allow, _) = parts(agent.run(request).expect(method), "allow");
        assert_eq!(status, 405, "{method}");
        assert!(
            allow.contains("GET") && allow.contains("HEAD"),
            "{method}: Allow {allow}"
        );
    }

    let (status, location, _) = get("JP/", "location");
    assert_eq!(status, 302);
    assert!(
        location.starts_with("/JP/") && location.ends_with(".xhtml"),
        "{location}"
    );
    let (status, content_type, nav) = get(location.trim_start_matches('/'), "content-type");
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/xhtml+xml; charset=utf-8")
    );
    assert!(nav.contains("id=\"tebiki-preview\""), "{nav}");
    assert!(nav.contains("src=\"/_tebiki/live.js\""), "{nav}");
    // The book's stylesheet, by the link in the navigation document.
    let css_href = nav
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.ends_with(".css"))
        .unwrap_or_else(|| panic!("a stylesheet link in {nav}"));
    let folder = location.rsplit_once('/').map_or("", |(dir, _)| dir);
    let (status, content_type, css) = get(
        &format!("{}/{css_href}", folder.trim_start_matches('/')),
        "content-type",
    );
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/css; charset=utf-8")
    );
    assert!(css.contains('{'), "{css}");

    let mut pdf = agent
        .get(format!("{url}JP.pdf"))
        .call()
        .expect("GET the PDF");
    assert_eq!(pdf.status().as_u16(), 200);
    assert_eq!(
        pdf.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let bytes = pdf.body_mut().read_to_vec().expect("the PDF's bytes");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let (status, content_type, script) = get("_tebiki/live.js", "content-type");
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/javascript; charset=utf-8")
    );
    assert!(script.contains("new WebSocket(") && script.contains("/_tebiki/socket"));
    // Not an upgrade request: refused, not a page.
    let status = get("_tebiki/socket", "").0;
    assert!(
        (400..500).contains(&status),
        "GET /_tebiki/socket: {status}"
    );

    let (status, content_type, body) = get("US/", "content-type");
    assert_eq!(
        (status, content_type.as_str()),
        (404, "text/html; charset=utf-8")
    );
    assert!(
        body.contains("<a href=\"/JP/\">JP</a>"),
        "the 404 page leads back"
    );
    assert_eq!(get("JP/OEBPS/none.xhtml", "").0, 404);

    // Paths that try to leave the book, as sent by a hostile client.
    for target in [
        "/JP/../../../../etc/passwd",
        "/JP/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/JP/..%2f..%2f..%2fetc%2fpasswd",
        "/..%2f..%2f..%2fetc/passwd",
        "/JP/OEBPS/..%5c..%5c..%5cetc%5cpasswd",
        "/JP/%2fetc%2fpasswd",
        "//etc/passwd",
        "/JP.pdf/../../etc/passwd",
        "/JP/%00",
    ] {
        let (status, response) = raw_get(&url, target);
        assert_eq!(status, 404, "{target}: {response}");
        assert!(!response.contains("root:"), "{target}");
    }
    let (status, _) = raw_get(&url, "/");
    assert_eq!(status, 200, "the server still answers");
    drop(serve);
}

#[test]
fn serve_sends_a_reload_tag_after_an_edit() {
    let site = Site::new();
    site.page("content/a.md", "最初の本文です。\n");
    let tmp = tempfile::tempdir().expect("temporary folder");
    let (serve, url) = start_serve(&site, tmp.path());
    let socket = open_socket(&url);
    let (_, first) = next_tag(&socket, || serve.stderr());
    assert!(first >= 1, "the first build's generation, got {first}");
    site.page("content/a.md", "二番目の本文です。\n");
    let (tag, next) = next_tag(&socket, || serve.stderr());
    assert!(
        next > first,
        "a new generation after the edit: {first} then {next}"
    );
    // The pages now carry the tag the socket announced.
    let index = parts(client().get(&url).call().expect("GET /"), "").2;
    assert!(
        index.contains(&format!("data-generation=\"{tag}\"")),
        "{index}"
    );
}

#[cfg(unix)]
#[test]
fn serve_shuts_down_cleanly_on_interrupt() {
    let site = Site::new();
    site.page("content/a.md", "本文です。\n");
    let tmp = tempfile::tempdir().expect("temporary folder");
    let (mut serve, url) = start_serve(&site, tmp.path());
    let outputs = || {
        std::fs::read_dir(tmp.path())
            .expect("read the temporary folder")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("tebiki-serve-"))
            .count()
    };
    assert_eq!(outputs(), 1, "serve builds into its temporary folder");
    let socket = open_socket(&url);
    next_tag(&socket, || serve.stderr());

    let pid = libc::pid_t::try_from(serve.pid()).expect("a pid");
    // SAFETY: kill(2) with a child's pid and SIGINT has no memory effects.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let status = serve.wait_exit(BOUND);
    assert_eq!(status.code(), Some(130), "{}", serve.stderr());
    // The server closed the open page's WebSocket with a close frame
    // ("going away"), not by cutting the connection. A rebuild that
    // finished before the signal (the watcher may still report the site's
    // freshly written files) may announce its tag first.
    let mut close = socket.recv_timeout(BOUND);
    while let Ok(Live::Tag(..)) = close {
        close = socket.recv_timeout(BOUND);
    }
    match close {
        Ok(Live::Closed(code)) => assert_eq!(code, Some(1001)),
        Ok(Live::Broken(error)) => panic!("cut off without a close frame: {error}"),
        other => panic!("no close frame: {other:?}"),
    }
    assert!(
        matches!(
            socket.recv_timeout(BOUND),
            Err(mpsc::RecvTimeoutError::Disconnected)
        ),
        "the connection ends after the close frame"
    );
    assert_eq!(outputs(), 0, "the temporary folder is removed");
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    assert!(
        std::net::TcpStream::connect(host).is_err(),
        "nothing listens on {host} any more"
    );
}

/// More pages open than a browser's connections to one host (six over
/// HTTP/1.1): the live-reload channels must not use them up, or the seventh
/// tab never loads (the known trap of Server-Sent Events without HTTP/2).
/// Every tab then shows an edit by itself.
#[test]
fn serve_answers_with_many_pages_open_in_a_browser() {
    let Some((chromium, chromedriver)) = browser_programs() else {
        return;
    };
    const TABS: usize = 8;
    let site = Site::new();
    site.page("content/a.md", "最初の本文です。\n");
    let tmp = tempfile::tempdir().expect("temporary folder");
    let (serve, url) = start_serve(&site, tmp.path());
    let (_driver, driver, session) = start_browser(&chromium, &chromedriver);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        driver
            .post(&format!("{session}/timeouts"), json!({"pageLoad": 20_000}))
            .expect("set the page-load timeout");
        // The page's address, from its link in the region's navigation.
        let link_id = driver.page_link_in_navigation(&session, &url);
        let page = driver
            .get(&format!("{session}/element/{link_id}/property/href"))
            .expect("the link's address");
        let page = page.as_str().expect("an address").to_string();
        let mut tabs = Vec::new();
        for i in 0..TABS {
            if i > 0 {
                let tab = driver
                    .post(&format!("{session}/window/new"), json!({"type": "tab"}))
                    .expect("a new tab");
                let handle = tab["handle"].as_str().expect("its handle").to_string();
                driver
                    .post(&format!("{session}/window"), json!({"handle": handle}))
                    .expect("switch to the tab");
            }
            driver
                .post(&format!("{session}/url"), json!({"url": page}))
                .unwrap_or_else(|e| panic!("tab {} did not load: {e}", i + 1));
            let handle = driver
                .get(&format!("{session}/window"))
                .expect("the tab's handle");
            tabs.push(handle.as_str().expect("a handle").to_string());
        }
        site.page("content/a.md", "二番目の本文です。\n");
        for (i, handle) in tabs.iter().enumerate() {
            driver
                .post(&format!("{session}/window"), json!({"handle": handle}))
                .expect("switch to the tab");
            let text = || driver.body_text(&session);
            wait_until(
                &format!("tab {} reloaded after the edit", i + 1),
                BOUND,
                || text().contains("二番目の本文です。"),
                || format!("page: {}\nserve:\n{}", text(), serve.stderr()),
            );
        }
    }));
    let _ = driver
        .agent
        .delete(format!("{}{session}", driver.base))
        .call();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
