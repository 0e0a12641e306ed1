//! The hostile server (`--hostile MODE`): a layer that rewrites the answers of an otherwise
//! legal drive the way a broken or malicious server might, so that tests can prove the client
//! never writes outside its target folder, never prints raw control characters, never panics
//! and says what went wrong.
//!
//! The drive itself stays legal; only answers change, deterministically. Name, size and hash
//! lies touch the items whose id number is even (the root, `!101`, never), so every listing
//! mixes hostile and honest items; body lies touch every successful JSON answer of the Graph
//! listener (never the identity authority) or every download (`200`/`206`); paging lies touch
//! every collection answer (`value`); the double-decoding front-end touches the answers to
//! writes (Graph `POST`/`PUT`/`PATCH`, and an upload session's last fragment). Bodies are
//! buffered to be rewritten, which is fine for tests and not meant for large files.

use std::str::FromStr;

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use super::Shared;

mod items;

use items::{rewrite_value, shift_sizes};

/// One way of lying; several can be active at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hostile {
    /// Item names carry terminal escapes, control characters and a bidirectional mark (ESC,
    /// OSC, CR, BEL, BS, NUL, U+202E).
    EscapeNames,
    /// Item names `..`, `.`, `../escaped-NAME` and the empty name.
    DotdotNames,
    /// Item names with `/` and `\`: `NAME/x`, `NAME\x`, `/tmp/skydrive-hostile/NAME`,
    /// `..\NAME`.
    SlashNames,
    /// `size` differs from the content (larger and smaller), and downloads declare a
    /// Content-Length 100 bytes longer than what they send.
    LyingSizes,
    /// JSON bodies cut half-way, with a consistent (short) Content-Length.
    TruncatedJson,
    /// JSON bodies that are not JSON at all (an HTML page under a JSON content type).
    MalformedJson,
    /// JSON with wrong types: `value` an object, `size` a string, items without `id`/`name`.
    WrongTypes,
    /// Downloads declare their full Content-Length, send the first half (rounded up), then
    /// close; a client that resumes with `Range` gets there in about log2(size) requests.
    ShortBody,
    /// JSON bodies declare their full Content-Length, send half, then close.
    ShortJson,
    /// Collections answer with their own URL as `@odata.nextLink`: the same link again, for
    /// ever (graph-docs#4897).
    RepeatNextLink,
    /// Collections answer with a new `@odata.nextLink` each time (`&hostile-page=N`) and the
    /// same items: pages that bring nothing new, for ever.
    EndlessNextLink,
    /// A front-end that decodes `%XX` in paths twice (abraunegg#1342): the answer to a write
    /// names the item with its `%XX` sequences decoded (`x%41.txt` becomes `xA.txt`).
    DoubleDecode,
    /// `quickXorHash` differs from the content.
    WrongHashes,
    /// No file carries `hashes` (so only its size can be checked).
    NoHashes,
}

impl Hostile {
    /// Every mode with its command-line name.
    pub const ALL: [(&'static str, Hostile); 14] = [
        ("escape-names", Hostile::EscapeNames),
        ("dotdot-names", Hostile::DotdotNames),
        ("slash-names", Hostile::SlashNames),
        ("lying-sizes", Hostile::LyingSizes),
        ("truncated-json", Hostile::TruncatedJson),
        ("malformed-json", Hostile::MalformedJson),
        ("wrong-types", Hostile::WrongTypes),
        ("short-body", Hostile::ShortBody),
        ("short-json", Hostile::ShortJson),
        ("repeat-next-link", Hostile::RepeatNextLink),
        ("endless-next-link", Hostile::EndlessNextLink),
        ("double-decode", Hostile::DoubleDecode),
        ("wrong-hashes", Hostile::WrongHashes),
        ("no-hashes", Hostile::NoHashes),
    ];
}

impl FromStr for Hostile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Hostile::ALL
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, m)| *m)
            .ok_or_else(|| {
                let names: Vec<&str> = Hostile::ALL.iter().map(|(n, _)| *n).collect();
                format!("unknown hostile mode {s:?} (one of: {})", names.join(", "))
            })
    }
}

/// Rewrites a successful JSON answer of the Graph listener to the request `req` according
/// to the hostile modes of `shared`.
pub(crate) async fn graph_answer(shared: &Shared, req: &Parts, resp: Response) -> Response {
    let faults = shared.faults.get();
    let (modes, delta) = (&faults.hostile, faults.listed_size_delta);
    if (modes.is_empty() && delta == 0) || !resp.status().is_success() || !is_json(&resp) {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let bytes = match serde_json::from_slice::<Value>(&bytes) {
        Ok(mut v) => {
            rewrite_value(modes, &mut v);
            shift_sizes(delta, &mut v);
            if req.method == Method::GET {
                rewrite_paging(modes, &own_url(shared, req), &mut v);
            } else {
                rewrite_write(modes, &mut v);
            }
            Bytes::from(v.to_string())
        }
        Err(_) => bytes,
    };
    let bytes = if modes.contains(&Hostile::MalformedJson) {
        Bytes::from_static(b"<html><body>502 Bad Gateway</body></html>")
    } else if modes.contains(&Hostile::TruncatedJson) {
        bytes.slice(..bytes.len() / 2)
    } else {
        bytes
    };
    let body = if modes.contains(&Hostile::ShortJson) {
        cut_body(bytes.slice(..bytes.len() / 2))
    } else {
        Body::from(bytes.clone())
    };
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    Response::from_parts(parts, body)
}

/// Rewrites an answer of the content listener: downloads (short bodies, lying
/// Content-Lengths) and the item an upload session's last fragment answers with.
pub(crate) async fn content_answer(shared: &Shared, req: &Parts, resp: Response) -> Response {
    let modes = &shared.faults.get().hostile;
    let path = req.uri.path();
    if path.starts_with("/download/") {
        download_answer(modes, resp).await
    } else if path.starts_with("/upload/")
        && modes.contains(&Hostile::DoubleDecode)
        && matches!(resp.status(), StatusCode::OK | StatusCode::CREATED)
        && is_json(&resp)
    {
        let (mut parts, body) = resp.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
            return Response::from_parts(parts, Body::empty());
        };
        let Ok(mut v) = serde_json::from_slice::<Value>(&bytes) else {
            return Response::from_parts(parts, Body::from(bytes));
        };
        rewrite_write(modes, &mut v);
        let bytes = Bytes::from(v.to_string());
        parts
            .headers
            .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
        Response::from_parts(parts, Body::from(bytes))
    } else {
        resp
    }
}

fn is_json(resp: &Response) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"))
}

/// The absolute URL of the request `req` on the Graph listener.
fn own_url(shared: &Shared, req: &Parts) -> String {
    let origin = shared
        .urls
        .graph_base
        .strip_suffix("/v1.0")
        .unwrap_or(&shared.urls.graph_base);
    let target = req.uri.path_and_query().map_or("/", |p| p.as_str());
    format!("{origin}{target}")
}

/// The paging lies: a collection's next link is its own URL again, or a new URL that brings
/// the same items (`hostile-page` counts up).
fn rewrite_paging(modes: &[Hostile], own: &str, v: &mut Value) {
    let Value::Object(map) = v else { return };
    if !map.get("value").is_some_and(Value::is_array) {
        return;
    }
    let next = if modes.contains(&Hostile::RepeatNextLink) {
        own.to_owned()
    } else if modes.contains(&Hostile::EndlessNextLink) {
        let (base, page) = match own.rsplit_once("hostile-page=") {
            Some((base, n)) => (base.trim_end_matches(['?', '&']), n.parse().unwrap_or(0u64)),
            None => (own, 0),
        };
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}hostile-page={}", page + 1)
    } else {
        return;
    };
    map.remove("@odata.deltaLink");
    map.insert("@odata.nextLink".into(), json!(next));
}

/// The double-decoding front-end: the name in a write's answer with its `%XX` decoded.
fn rewrite_write(modes: &[Hostile], v: &mut Value) {
    if !modes.contains(&Hostile::DoubleDecode) {
        return;
    }
    let Some(name) = v.get("name").and_then(Value::as_str) else {
        return;
    };
    let decoded = percent_encoding::percent_decode_str(name)
        .decode_utf8_lossy()
        .into_owned();
    v["name"] = json!(decoded);
}

/// Rewrites a download answer: short bodies and lying Content-Lengths.
async fn download_answer(modes: &[Hostile], resp: Response) -> Response {
    let lying = modes.contains(&Hostile::LyingSizes);
    let short = modes.contains(&Hostile::ShortBody);
    let ok = matches!(resp.status(), StatusCode::OK | StatusCode::PARTIAL_CONTENT);
    if !ok || !(lying || short) {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let declared = if lying {
        bytes.len() + 100
    } else {
        bytes.len()
    };
    let sent = if short {
        bytes.slice(..bytes.len().div_ceil(2))
    } else {
        bytes
    };
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(declared));
    Response::from_parts(parts, cut_body(sent))
}

/// A body that sends `bytes` and then fails, so the connection closes before the declared
/// Content-Length is reached.
fn cut_body(bytes: Bytes) -> Body {
    let stream = futures_util::stream::unfold(Some(bytes), |state| async move {
        match state {
            Some(b) => Some((Ok(b), None)),
            None => {
                // Let hyper flush what was sent before the connection dies.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                let e = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "hostile: cut");
                Some((Err(e), None))
            }
        }
    });
    Body::from_stream(futures_util::StreamExt::take(stream, 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_by_name() {
        assert_eq!("short-body".parse(), Ok(Hostile::ShortBody));
        let err = "nope".parse::<Hostile>().unwrap_err();
        assert!(err.contains("escape-names"), "{err}");
    }

    #[test]
    fn only_even_items_are_renamed_and_the_rest_is_kept() {
        let mut v = json!({"value": [
            {"id": "D!108", "name": "a", "size": 5},
            {"id": "D!103", "name": "b", "size": 5},
        ], "@odata.nextLink": "x"});
        rewrite_value(&[Hostile::DotdotNames, Hostile::LyingSizes], &mut v);
        assert_eq!(v["value"][0]["name"], "../escaped-a");
        assert_eq!(v["value"][0]["size"], 1005);
        assert_eq!(
            v["value"][1],
            json!({"id": "D!103", "name": "b", "size": 5})
        );
        assert_eq!(v["@odata.nextLink"], "x");
    }

    #[test]
    fn paging_lies_repeat_the_link_or_count_up() {
        let own = "http://h/v1.0/me/drive/root/children?%24top=2";
        let mut v = json!({"value": [], "@odata.deltaLink": "d"});
        rewrite_paging(&[Hostile::RepeatNextLink], own, &mut v);
        assert_eq!(v, json!({"value": [], "@odata.nextLink": own}));
        let mut next = own.to_owned();
        for n in 1..=2 {
            let mut v = json!({"value": []});
            rewrite_paging(&[Hostile::EndlessNextLink], &next, &mut v);
            next = v["@odata.nextLink"].as_str().unwrap().to_owned();
            assert_eq!(next, format!("{own}&hostile-page={n}"));
        }
        let mut v = json!({"value": []});
        rewrite_paging(
            &[Hostile::EndlessNextLink],
            "http://h/v1.0/me/drives",
            &mut v,
        );
        assert_eq!(
            v["@odata.nextLink"],
            "http://h/v1.0/me/drives?hostile-page=1"
        );
        let mut item = json!({"id": "D!1"});
        rewrite_paging(&[Hostile::RepeatNextLink], own, &mut item);
        assert_eq!(item, json!({"id": "D!1"}), "not a collection");
    }

    #[test]
    fn double_decoding_and_hash_lies() {
        let mut v = json!({"id": "D!3", "name": "x%41 100%25.txt"});
        rewrite_write(&[Hostile::DoubleDecode], &mut v);
        assert_eq!(v["name"], "xA 100%.txt");
        let file = json!({"hashes": {"quickXorHash": "q", "sha256Hash": "s"}});
        let mut v = json!({"value": [{"id": "D!4", "file": file}, {"id": "D!5", "file": file}]});
        rewrite_value(&[Hostile::WrongHashes], &mut v);
        assert_ne!(v["value"][0]["file"]["hashes"]["quickXorHash"], "q");
        assert_eq!(v["value"][1]["file"]["hashes"]["quickXorHash"], "q");
        rewrite_value(&[Hostile::NoHashes], &mut v);
        assert_eq!(v["value"][0]["file"], json!({}));
        assert_eq!(v["value"][1]["file"], json!({}));
    }

    #[test]
    fn listed_sizes_shift_for_files_only() {
        let mut v = json!({"value": [{"size": 10, "file": {}}, {"size": 10, "folder": {}}]});
        shift_sizes(-20, &mut v);
        assert_eq!(v["value"][0]["size"], 0);
        assert_eq!(v["value"][1]["size"], 10);
        let mut item = json!({"size": 57_814, "file": {}});
        shift_sizes(4857, &mut item);
        assert_eq!(item["size"], 62_671);
    }

    #[test]
    fn wrong_types_break_the_shapes() {
        let mut v = json!({"value": [{"id": "D!102", "size": 5}, {"id": "D!103", "name": "b"}]});
        rewrite_value(&[Hostile::WrongTypes], &mut v);
        assert_eq!(v["value"]["items"][0]["size"], "5");
        assert_eq!(v["value"]["items"][1], json!({}));
    }
}
