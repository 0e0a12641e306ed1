//! The emulator over real HTTP on loopback: every endpoint group, each fault, the cross-port
//! redirect, persistence and streaming of large files.

mod auth;
mod concurrent;
mod delta;
mod drive;
mod faults;
mod fidelity;
mod items;
mod kinds;
mod listing;
mod ops;
mod persist;
mod profiles;
mod scale;
mod sharing;
mod transfer;

use reqwest::{Client, Method, Response, redirect::Policy};
use serde_json::Value;
use skydrive::emulator::{Emulator, EmulatorOptions, Faults, Profile, Seed};

/// An emulator plus an HTTP client that does not follow redirects.
pub struct Api {
    pub emu: Emulator,
    pub http: Client,
    pub token: String,
}

/// A client that never follows redirects and ignores proxies.
pub fn http() -> Client {
    Client::builder()
        .redirect(Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

impl Api {
    /// The demo drive.
    pub async fn demo() -> Api {
        Self::with(Seed::Demo, Faults::default()).await
    }

    /// An empty drive.
    pub async fn empty() -> Api {
        Self::with(Seed::Empty, Faults::default()).await
    }

    /// A drive with `seed` and `faults`.
    pub async fn with(seed: Seed, faults: Faults) -> Api {
        Self::start(EmulatorOptions {
            seed,
            faults,
            ..EmulatorOptions::default()
        })
        .await
    }

    /// A world with `seed` in `profile`.
    pub async fn profile(profile: Profile, seed: Seed) -> Api {
        Self::start(EmulatorOptions {
            seed,
            profile,
            ..EmulatorOptions::default()
        })
        .await
    }

    /// An emulator started with `opts`.
    pub async fn start(opts: EmulatorOptions) -> Api {
        let emu = Emulator::start(opts).await.unwrap();
        let token = emu.access_token();
        Api {
            emu,
            http: http(),
            token,
        }
    }

    /// `graph_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emu.graph_url())
    }

    /// An authorized request to a Graph path (or an absolute URL).
    pub fn req(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            self.url(path)
        };
        self.http.request(method, url).bearer_auth(&self.token)
    }

    /// GET and decode JSON; returns the status too.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        decode(self.req(Method::GET, path).send().await.unwrap()).await
    }

    /// A JSON request; returns status and body.
    pub async fn send(&self, method: Method, path: &str, body: Value) -> (u16, Value) {
        decode(self.req(method, path).json(&body).send().await.unwrap()).await
    }

    /// Simple upload of `bytes` to `root:/{path}:/content`.
    pub async fn put(&self, path: &str, bytes: &[u8]) -> (u16, Value) {
        let url = format!("/me/drive/root:/{path}:/content");
        decode(
            self.req(Method::PUT, &url)
                .body(bytes.to_vec())
                .send()
                .await
                .unwrap(),
        )
        .await
    }
}

/// Status and JSON body (Null when the body is empty or not JSON).
pub async fn decode(resp: Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The error code of an error body.
pub fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

pub use crate::common::pattern;
