//! `tebiki serve` in a real browser: the server runs on a free port over a
//! site in a temporary folder, headless Chromium (driven through
//! chromedriver's W3C WebDriver API) opens a page of the book, the test
//! edits the page's source, and the new text must appear in the open page
//! without the test navigating (the live reload); then a content error must
//! show in the page with its `path:line:col`. Skipped when Chromium or
//! chromedriver is missing, failing under CI (the validators' rule).

use std::path::PathBuf;
use std::process::Command;
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
}

#[test]
fn serve_reloads_the_open_page_in_a_browser() {
    let (Some(chromium), Some(chromedriver)) = (
        on_path(&["chromium", "chromium-browser", "google-chrome"]),
        on_path(&["chromedriver"]),
    ) else {
        tools::missing("chromium and chromedriver", "not on PATH");
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

    let port = free_port();
    let mut driver_command = Command::new(chromedriver);
    driver_command.arg(format!("--port={port}"));
    let _driver = Running::start(driver_command);
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
    let body_text = || {
        driver
            .post(
                &format!("{session_path}/execute/sync"),
                json!({"script": "return document.body ? document.body.textContent : '';", "args": []}),
            )
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // The region's navigation, then the page by its title.
        driver
            .post(
                &format!("{session_path}/url"),
                json!({"url": format!("{url}JP/")}),
            )
            .expect("open the book");
        let link = driver
            .post(
                &format!("{session_path}/element"),
                json!({"using": "link text", "value": "ページ"}),
            )
            .expect("the page's link in the navigation");
        let link_id = link[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("element id in {link}"))
            .to_string();
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
