//! The HTTP side of `parkplan serve`, on `tiny_http`: one loopback socket, one request at a
//! time, bodies capped, every answer from [`Session::handle`].

use super::{Options, Reply, Session};
use crate::Error;
use crate::scenario::Scenario;
use std::io::Read;
use std::net::SocketAddr;
use std::time::Duration;
use tiny_http::Request;

/// The largest request body read (64 KiB; the page's changes are well under 1 KiB): a longer
/// one is answered 413 without reading it.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Run the base plan, bind `opts.host:opts.port`, call `ready` with the page's URL, then answer
/// requests until the process is stopped.
pub fn serve(scenario: &Scenario, opts: Options, ready: impl FnOnce(&str)) -> Result<(), Error> {
    if !opts.host.is_loopback() {
        let e = std::io::Error::other("serve binds a loopback address only");
        return Err(Error::io(opts.host.to_string(), e));
    }
    let addr = SocketAddr::new(opts.host, opts.port);
    let session = Session::new(scenario, opts)?;
    let server = tiny_http::Server::http(addr)
        .map_err(|e| Error::io(addr.to_string(), std::io::Error::other(e.to_string())))?;
    let url = match server.server_addr().to_ip() {
        Some(a) => format!("http://{a}/"),
        None => format!("http://{addr}/"),
    };
    ready(&url);
    for request in server.incoming_requests() {
        // A body that does not arrive in time is given up on: its connection waits alone.
        let Some((request, body)) = receive(request) else {
            continue;
        };
        let reply = match body {
            Ok(body) => answer(&session, &request, &body),
            Err(reply) => reply,
        };
        let mut response =
            tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
        for (k, v) in [
            ("Content-Type", reply.content_type),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            // The page loads nothing from anywhere: say so to the browser too.
            (
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; connect-src 'self'",
            ),
        ] {
            if let Ok(h) = tiny_http::Header::from_bytes(k, v) {
                response.add_header(h);
            }
        }
        // A client that went away is not the server's problem.
        let _ = request.respond(response);
    }
    Ok(())
}

/// How long a request's body may take to arrive: a client that announces a body and sends
/// none (or sends it slowly) must not hold every other request.
const BODY_TIMEOUT: Duration = Duration::from_secs(5);

/// The request and its body (at most [`BODY_LIMIT`] bytes, else the 413 answer), read on a
/// thread of its own; `None` when it does not arrive within [`BODY_TIMEOUT`] (the thread ends,
/// and the request is dropped, when the client sends it or closes).
fn receive(mut request: Request) -> Option<(Request, Result<Vec<u8>, Reply>)> {
    if request.body_length().is_some_and(|n| n > BODY_LIMIT) {
        return Some((request, Err(too_large())));
    }
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    std::thread::spawn(move || {
        let mut body = Vec::new();
        let read = request
            .as_reader()
            .take(BODY_LIMIT as u64 + 1)
            .read_to_end(&mut body);
        let body = match read {
            Err(_) => Err(Reply::error(400, "the request body could not be read")),
            Ok(_) if body.len() > BODY_LIMIT => Err(too_large()),
            Ok(_) => Ok(body),
        };
        let _ = tx.send((request, body));
    });
    rx.recv_timeout(BODY_TIMEOUT).ok()
}

/// One request's answer: 403 for a request naming another host (a web page elsewhere reaching
/// the loopback address through DNS rebinding), else the session's.
fn answer(session: &Session, request: &Request, body: &[u8]) -> Reply {
    let host_ok = request
        .headers()
        .iter()
        .filter(|h| h.field.equiv("Host"))
        .all(|h| loopback_host(h.value.as_str()));
    if !host_ok {
        return Reply::error(403, "the Host header names another machine");
    }
    let method = request.method().as_str();
    // The path without a query.
    let path = request.url().split('?').next().unwrap_or("");
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        session.handle(method, path, body)
    }))
    .unwrap_or_else(|_| Reply::error(500, "internal error (a bug in parkplan)"))
}

fn too_large() -> Reply {
    Reply::error(
        413,
        &format!("the request body is larger than {} KiB", BODY_LIMIT / 1024),
    )
}

/// `127.0.0.1:8080`, `localhost`, `[::1]:8080`: a Host header naming this machine.
fn loopback_host(value: &str) -> bool {
    let host = match value.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => value.rsplit_once(':').map_or(value, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
