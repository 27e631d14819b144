//! The preview's HTTP side: tiny_http requests → responses, and the
//! WebSocket (tungstenite over tiny_http's upgraded connection) that tells
//! pages to reload.
//!
//! Input: a request and the current [`Snapshot`] (through [`State`]).
//! Output: the response. Routes: `/` the index of regions;
//! `/{region}/` a redirect to the book's navigation document;
//! `/{region}/{path}` a file of the region's EPUB (XHTML documents with the
//! preview bar); `/{region}.pdf` the PDF; `/_tebiki/live.js` the reload
//! script; `/_tebiki/socket` the WebSocket. Only files held in memory are
//! served: no path reaches the file system.

use std::sync::Arc;
use std::time::Duration;

use tiny_http::{Header, Request, Response, StatusCode};
use tungstenite::protocol::Role;
use tungstenite::{Message, WebSocket};

use super::State;
use super::pages;
use super::snapshot::Snapshot;

/// How often an idle socket is pinged (a closed tab then ends its thread).
const PING_EVERY: Duration = Duration::from_secs(15);

/// Answers one request.
pub(crate) fn handle(request: Request, state: &State) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let path = percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned();
    if path == "/_tebiki/socket" {
        socket(request, state);
        return;
    }
    let snapshot = state.current();
    let response = route(&path, &snapshot);
    let _ = request.respond(response);
}

/// A response with a body and a content type.
fn body(status: u16, content_type: &str, data: Vec<u8>) -> Response<std::io::Cursor<Vec<u8>>> {
    let mut response = Response::from_data(data).with_status_code(StatusCode(status));
    if let Ok(h) = Header::from_bytes("Content-Type", content_type) {
        response.add_header(h);
    }
    if let Ok(h) = Header::from_bytes("Cache-Control", "no-store") {
        response.add_header(h);
    }
    response
}

/// The response for a decoded path.
fn route(path: &str, snapshot: &Snapshot) -> Response<std::io::Cursor<Vec<u8>>> {
    if path == "/" {
        return body(
            200,
            "text/html; charset=utf-8",
            pages::index(snapshot).into_bytes(),
        );
    }
    if path == "/_tebiki/live.js" {
        return body(
            200,
            "text/javascript; charset=utf-8",
            pages::LIVE_JS.as_bytes().to_vec(),
        );
    }
    let rest = path.trim_start_matches('/');
    if let Some(code) = rest.strip_suffix(".pdf")
        && let Some(pdf) = snapshot.book(code).and_then(|b| b.pdf.clone())
    {
        return body(200, "application/pdf", pdf);
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
        return match target {
            Some(target) => {
                let mut response = body(302, "text/plain; charset=utf-8", Vec::new());
                if let Ok(h) = Header::from_bytes("Location", pages::href(code, target)) {
                    response.add_header(h);
                }
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
        return body(
            200,
            "application/xhtml+xml; charset=utf-8",
            page.into_bytes(),
        );
    }
    body(200, content_type(ext), data.clone())
}

/// The 404 page: the index, so the writer finds the way back.
fn not_found(snapshot: &Snapshot) -> Response<std::io::Cursor<Vec<u8>>> {
    body(
        404,
        "text/html; charset=utf-8",
        pages::index(snapshot).into_bytes(),
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

/// Upgrades the request to a WebSocket and sends the newest build's
/// generation at once and after every build, until the page goes away.
fn socket(request: Request, state: &State) {
    let key = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Sec-WebSocket-Key"))
        .map(|h| h.value.as_str().to_string());
    let Some(key) = key else {
        let _ = request.respond(body(
            400,
            "text/plain; charset=utf-8",
            b"a WebSocket upgrade is expected here".to_vec(),
        ));
        return;
    };
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let mut response = Response::empty(StatusCode(101));
    if let Ok(h) = Header::from_bytes("Sec-WebSocket-Accept", accept) {
        response.add_header(h);
    }
    let stream = request.upgrade("websocket", response);
    let mut socket = WebSocket::from_raw_socket(stream, Role::Server, None);
    let mut sent: Option<u64> = None;
    loop {
        let snapshot: Arc<Snapshot> = match sent {
            None => state.current(),
            Some(generation) => state.wait_newer(generation, PING_EVERY),
        };
        let message = if sent == Some(snapshot.generation) {
            Message::Ping(Vec::new().into())
        } else {
            Message::text(snapshot.generation.to_string())
        };
        if socket.send(message).is_err() {
            return;
        }
        sent = Some(snapshot.generation);
    }
}

#[cfg(test)]
mod tests {
    use super::super::snapshot::RegionBook;
    use super::*;

    fn snapshot() -> Snapshot {
        Snapshot {
            generation: 1,
            books: vec![Arc::new(RegionBook {
                code: "JP".into(),
                nav: Some("OEBPS/nav.xhtml".into()),
                files: [
                    (
                        "OEBPS/nav.xhtml".to_string(),
                        b"<html><body>x</body></html>".to_vec(),
                    ),
                    ("OEBPS/css/epub.css".to_string(), b"p{}".to_vec()),
                ]
                .into_iter()
                .collect(),
                ..RegionBook::default()
            })],
            diagnostics: Vec::new(),
        }
    }

    fn header(response: &Response<std::io::Cursor<Vec<u8>>>, name: &str) -> Option<String> {
        response
            .headers()
            .iter()
            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str().to_string())
    }

    #[test]
    fn routes() {
        let snap = snapshot();
        let index = route("/", &snap);
        assert_eq!(index.status_code(), StatusCode(200));
        let redirect = route("/JP/", &snap);
        assert_eq!(redirect.status_code(), StatusCode(302));
        assert_eq!(
            header(&redirect, "Location").as_deref(),
            Some("/JP/OEBPS/nav.xhtml")
        );
        let css = route("/JP/OEBPS/css/epub.css", &snap);
        assert_eq!(
            header(&css, "Content-Type").as_deref(),
            Some("text/css; charset=utf-8")
        );
        let nav = route("/JP/OEBPS/nav.xhtml", &snap);
        assert_eq!(
            header(&nav, "Content-Type").as_deref(),
            Some("application/xhtml+xml; charset=utf-8")
        );
        assert_eq!(
            route("/JP/../../etc/passwd", &snap).status_code(),
            StatusCode(404)
        );
        assert_eq!(route("/US/", &snap).status_code(), StatusCode(404));
        assert_eq!(route("/JP.pdf", &snap).status_code(), StatusCode(404));
    }
}
