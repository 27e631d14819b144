//! The preview's HTTP side, on axum (hyper and tokio): the routes and their
//! responses, and the WebSocket that tells open pages to reload.
//!
//! Input: a request and the newest [`Snapshot`] (through [`State`]).
//! Output: the response. Routes, each for GET and HEAD (axum answers HEAD
//! with GET's headers and no body, and any other method with 405 and an
//! `Allow` header): `/` the index of regions; `/{region}/` a redirect to the
//! book's navigation document; `/{region}/{path}` a file of the region's EPUB
//! (XHTML documents with the preview bar); `/{region}.pdf` the PDF;
//! `/_tebiki/live.js` the reload script; `/_tebiki/socket` the live-reload
//! WebSocket (the newest build's tag as a text message at once and after
//! every build, a ping every [`KEEP_ALIVE`] while idle, and a close frame
//! "going away" when the server shuts down). A WebSocket, not Server-Sent
//! Events: an event stream is an HTTP request that never ends, and a browser
//! gives one host six HTTP/1.1 connections for all its tabs, so a seventh
//! open page would never load (`tests/it/serve.rs` opens eight). Only files
//! held in memory are served: no path reaches the file system.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State as Shared;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::mpsc;

use super::State;
use super::pages;
use super::snapshot::Snapshot;

/// How often an idle WebSocket is pinged (a closed tab then ends its task).
pub(crate) const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// How long a closing WebSocket waits for the page's close reply.
const CLOSE_REPLY: Duration = Duration::from_secs(1);

/// What the handlers share: the server's [`State`], and a sender each
/// WebSocket task holds a clone of, so the server knows when the last one
/// has closed (its receiver sees the channel close).
#[derive(Clone)]
pub(crate) struct Live {
    /// The snapshots and the shutdown flag.
    pub(crate) state: Arc<State>,
    /// Held by every WebSocket task; nothing is ever sent.
    pub(crate) sockets: mpsc::Sender<()>,
}

/// The preview's routes over the shared [`Live`] state.
pub(crate) fn router(live: Live) -> Router {
    Router::new()
        .route("/_tebiki/socket", get(socket))
        .route("/", get(page))
        .route("/{*path}", get(page))
        .with_state(live)
}

/// Answers a request for a page, a book's file or a PDF.
async fn page(Shared(live): Shared<Live>, uri: Uri) -> Response {
    let path = percent_encoding::percent_decode_str(uri.path()).decode_utf8_lossy();
    route(&path, &live.state.current())
}

/// Accepts the WebSocket upgrade of an open page.
async fn socket(Shared(live): Shared<Live>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |socket| reload_channel(socket, live))
}

/// What woke a page's WebSocket task.
enum Wake {
    /// A build finished.
    Build,
    /// The idle interval passed.
    Ping,
    /// The server shuts down.
    Stop,
    /// The page went away (closed, or the connection broke).
    Gone,
}

/// One open page's channel: the newest build's tag at once (a page of an
/// older build reloads as soon as it connects) and after every build, pings
/// while idle, a close frame when the server shuts down.
async fn reload_channel(mut socket: WebSocket, live: Live) {
    let Live { state, sockets } = live;
    let mut builds = state.subscribe();
    let mut stop = state.stopping();
    let mut ping = tokio::time::interval(KEEP_ALIVE);
    ping.reset();
    let mut wake = Wake::Build;
    loop {
        let sent = match wake {
            Wake::Build => {
                let tag = builds.borrow_and_update().tag();
                socket.send(Message::Text(tag.into())).await
            }
            Wake::Ping => socket.send(Message::Ping(Bytes::new())).await,
            Wake::Stop => {
                let frame = CloseFrame {
                    code: close_code::AWAY,
                    reason: "tebiki serve stopped".into(),
                };
                if socket.send(Message::Close(Some(frame))).await.is_ok() {
                    let reply = async {
                        while let Some(Ok(message)) = socket.recv().await {
                            if matches!(message, Message::Close(_)) {
                                break;
                            }
                        }
                    };
                    let _ = tokio::time::timeout(CLOSE_REPLY, reply).await;
                }
                break;
            }
            Wake::Gone => break,
        };
        if sent.is_err() {
            break;
        }
        wake = loop {
            tokio::select! {
                changed = builds.changed() => break match changed {
                    Ok(()) => Wake::Build,
                    Err(_) => Wake::Stop,
                },
                _ = stop.wait_for(|stopping| *stopping) => break Wake::Stop,
                _ = ping.tick() => break Wake::Ping,
                message = socket.recv() => match message {
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break Wake::Gone,
                    // A pong or anything else the page says: keep waiting.
                    Some(Ok(_)) => {}
                },
            }
        };
    }
    drop(sockets);
}

/// A response with a body, a content type and no caching.
fn body(status: StatusCode, content_type: &'static str, data: impl Into<Body>) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        data.into(),
    )
        .into_response()
}

/// The response for a decoded path.
fn route(path: &str, snapshot: &Snapshot) -> Response {
    if path == "/" {
        return body(
            StatusCode::OK,
            "text/html; charset=utf-8",
            pages::index(snapshot),
        );
    }
    if path == "/_tebiki/live.js" {
        return body(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            pages::LIVE_JS,
        );
    }
    let rest = path.trim_start_matches('/');
    if let Some(code) = rest.strip_suffix(".pdf")
        && let Some(pdf) = snapshot.book(code).and_then(|b| b.pdf.clone())
    {
        return body(StatusCode::OK, "application/pdf", pdf);
    }
    let (code, inner) = rest.split_once('/').unwrap_or((rest, ""));
    let Some(book) = snapshot.book(code) else {
        return not_found(snapshot);
    };
    if inner.is_empty() {
        let target = book
            .nav
            .as_deref()
            .or(book.spine.first().map(String::as_str));
        let location = target.and_then(|t| HeaderValue::from_str(&pages::href(code, t)).ok());
        return match location {
            Some(location) => {
                let mut response = body(StatusCode::FOUND, "text/plain; charset=utf-8", "");
                response.headers_mut().insert(header::LOCATION, location);
                response
            }
            None => not_found(snapshot),
        };
    }
    let Some(data) = book.files.get(inner) else {
        return not_found(snapshot);
    };
    let ext = inner.rsplit_once('.').map_or("", |(_, e)| e);
    if ext == "xhtml" {
        let text = String::from_utf8_lossy(data);
        let page = pages::document(snapshot, book, inner, &text);
        return body(StatusCode::OK, "application/xhtml+xml; charset=utf-8", page);
    }
    body(StatusCode::OK, content_type(ext), Bytes::clone(data))
}

/// The 404 page: the index, so the writer finds the way back.
fn not_found(snapshot: &Snapshot) -> Response {
    body(
        StatusCode::NOT_FOUND,
        "text/html; charset=utf-8",
        pages::index(snapshot),
    )
}

/// The media type of a file inside an EPUB, by extension.
fn content_type(ext: &str) -> &'static str {
    match ext.to_ascii_lowercase().as_str() {
        "css" => "text/css; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "ncx" => "application/x-dtbncx+xml",
        "opf" => "application/oebps-package+xml",
        "xml" => "application/xml",
        "otf" => "font/otf",
        "ttf" => "font/ttf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::super::snapshot::RegionBook;
    use super::*;

    fn snapshot() -> Snapshot {
        Snapshot {
            generation: 1,
            run: 0,
            books: vec![Arc::new(RegionBook {
                code: "JP".into(),
                nav: Some("OEBPS/nav.xhtml".into()),
                files: [
                    (
                        "OEBPS/nav.xhtml".to_string(),
                        Bytes::from_static(b"<html><body>x</body></html>"),
                    ),
                    ("OEBPS/css/epub.css".to_string(), Bytes::from_static(b"p{}")),
                    (
                        "OEBPS/images/a.PNG".to_string(),
                        Bytes::from_static(b"\x89PNG"),
                    ),
                ]
                .into_iter()
                .collect(),
                pdf: Some(Bytes::from_static(b"%PDF-1.7")),
                ..RegionBook::default()
            })],
            diagnostics: Vec::new(),
        }
    }

    fn header(response: &Response, name: header::HeaderName) -> Option<&str> {
        response.headers().get(name).and_then(|v| v.to_str().ok())
    }

    #[test]
    fn routes() {
        let snap = snapshot();
        let index = route("/", &snap);
        assert_eq!(index.status(), StatusCode::OK);
        assert_eq!(header(&index, header::CACHE_CONTROL), Some("no-store"));
        let redirect = route("/JP/", &snap);
        assert_eq!(redirect.status(), StatusCode::FOUND);
        assert_eq!(
            header(&redirect, header::LOCATION),
            Some("/JP/OEBPS/nav.xhtml")
        );
        let css = route("/JP/OEBPS/css/epub.css", &snap);
        assert_eq!(
            header(&css, header::CONTENT_TYPE),
            Some("text/css; charset=utf-8")
        );
        let nav = route("/JP/OEBPS/nav.xhtml", &snap);
        assert_eq!(
            header(&nav, header::CONTENT_TYPE),
            Some("application/xhtml+xml; charset=utf-8")
        );
        let png = route("/JP/OEBPS/images/a.PNG", &snap);
        assert_eq!(header(&png, header::CONTENT_TYPE), Some("image/png"));
        let pdf = route("/JP.pdf", &snap);
        assert_eq!(header(&pdf, header::CONTENT_TYPE), Some("application/pdf"));
        assert_eq!(route("/_tebiki/live.js", &snap).status(), StatusCode::OK);
        for outside in [
            "/JP/../../etc/passwd",
            "/JP/OEBPS/../../../etc/passwd",
            "/JP//etc/passwd",
            "/JP/OEBPS/css/../../mimetype/..",
            "/../JP/OEBPS/nav.xhtml",
        ] {
            assert_eq!(
                route(outside, &snap).status(),
                StatusCode::NOT_FOUND,
                "{outside}"
            );
        }
        assert_eq!(route("/US/", &snap).status(), StatusCode::NOT_FOUND);
        assert_eq!(route("/US.pdf", &snap).status(), StatusCode::NOT_FOUND);
    }
}
