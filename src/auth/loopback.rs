//! The loopback redirect flow: a one-shot HTTP listener on 127.0.0.1 receives the browser's
//! redirect, so the user need not paste anything.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::code::{authorize_url_for, finish_code_login};
use crate::config::Config;
use crate::error::{Error, Result};

/// How long to wait for the browser.
const WAIT: Duration = Duration::from_secs(300);
/// Requests (favicon, probes) that may arrive before the redirect.
const MAX_REQUESTS: usize = 8;

/// Signs in through a redirect to `http://localhost:PORT` (PORT chosen free): `open` gets
/// the authorize URL (print it or start a browser), then we wait for the redirect, answer the
/// browser, exchange the code and save the tokens.
pub async fn loopback_login(cfg: &mut Config, open: impl FnOnce(&str)) -> Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| Error::io("127.0.0.1:0", e))?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::io("127.0.0.1:0", e))?
        .port();
    let redirect = format!("http://localhost:{port}");
    let (url, pending) = authorize_url_for(cfg, &redirect)?;
    open(&url);
    let target = tokio::time::timeout(WAIT, wait_for_redirect(&listener))
        .await
        .map_err(|_| Error::auth("no answer from the browser in 5 minutes; run `auth` again"))??;
    finish_code_login(cfg, pending, &format!("{redirect}{target}")).await
}

/// Accepts connections until one carries `code=` or `error=`; returns its request target.
async fn wait_for_redirect(listener: &TcpListener) -> Result<String> {
    for _ in 0..MAX_REQUESTS {
        let (mut stream, _) = listener
            .accept()
            .await
            .map_err(|e| Error::io("loopback listener", e))?;
        let target = read_target(&mut stream).await.unwrap_or_default();
        let hit = target.contains("code=") || target.contains("error=");
        let body = if hit {
            "Sign-in received; you can close this tab and return to skydrive-cli."
        } else {
            "Waiting for the sign-in redirect."
        };
        let status = if hit { "200 OK" } else { "404 Not Found" };
        let answer = format!(
            "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        // The browser may already be gone; the redirect target is what matters.
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
        if hit {
            return Ok(target);
        }
    }
    Err(Error::auth(
        "the browser never brought back a sign-in code; run `auth` again",
    ))
}

/// Reads an HTTP request head (at most 16 KiB) and returns its target (`/?code=...`).
async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let mut words = text.lines().next()?.split_whitespace();
    (words.next()? == "GET").then_some(())?;
    words.next().map(str::to_owned)
}
