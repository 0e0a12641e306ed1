//! The hostile server (`--hostile MODE`): a layer that rewrites the answers of an otherwise
//! legal drive the way a broken or malicious server might, so that tests can prove the client
//! never writes outside its target folder, never prints raw control characters, never panics
//! and says what went wrong.
//!
//! The drive itself stays legal; only answers change, deterministically. Name and size lies
//! touch the items whose id number is even (the root, `!101`, never), so every listing mixes
//! hostile and honest items; body lies touch every successful JSON answer of the Graph
//! listener (never the identity authority) or every download (`200`/`206`). Bodies are buffered to be
//! rewritten, which is fine for tests and not meant for large files.

use std::str::FromStr;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Map, Value, json};

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
}

impl Hostile {
    /// Every mode with its command-line name.
    pub const ALL: [(&'static str, Hostile); 9] = [
        ("escape-names", Hostile::EscapeNames),
        ("dotdot-names", Hostile::DotdotNames),
        ("slash-names", Hostile::SlashNames),
        ("lying-sizes", Hostile::LyingSizes),
        ("truncated-json", Hostile::TruncatedJson),
        ("malformed-json", Hostile::MalformedJson),
        ("wrong-types", Hostile::WrongTypes),
        ("short-body", Hostile::ShortBody),
        ("short-json", Hostile::ShortJson),
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

/// Rewrites a successful JSON answer of the Graph listener according to `modes`.
pub(crate) async fn graph_answer(modes: &[Hostile], resp: Response) -> Response {
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if modes.is_empty() || !resp.status().is_success() || !is_json {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let bytes = match serde_json::from_slice::<Value>(&bytes) {
        Ok(mut v) => {
            rewrite_value(modes, &mut v);
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

/// Rewrites a download answer: short bodies and lying Content-Lengths.
pub(crate) async fn download_answer(modes: &[Hostile], resp: Response) -> Response {
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

/// Applies the name, size and type lies to an answer: the object itself, or each item of its
/// `value` and `children`.
fn rewrite_value(modes: &[Hostile], v: &mut Value) {
    let Value::Object(map) = v else { return };
    for key in ["value", "children"] {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                rewrite_item(modes, item);
            }
        }
    }
    rewrite_item(modes, map);
    if modes.contains(&Hostile::WrongTypes)
        && let Some(list) = map.remove("value")
    {
        map.insert("value".into(), json!({ "items": list }));
    }
}

/// The number of an item id (any form of `super::ids`, or `{drive}!{n}`); other objects
/// (drives, users) have none.
fn id_number(item: &Map<String, Value>) -> Option<u64> {
    let id = item.get("id")?.as_str()?;
    super::ids::item_number(id).or_else(|| id.rsplit_once('!')?.1.parse().ok())
}

/// Rewrites one item's name, size and field types.
fn rewrite_item(modes: &[Hostile], item: &mut Map<String, Value>) {
    let Some(n) = id_number(item) else { return };
    if modes.contains(&Hostile::WrongTypes) {
        if n % 2 == 0 {
            let size = item.get("size").cloned().unwrap_or(json!(0));
            item.insert("size".into(), json!(size.to_string()));
        } else {
            item.remove("id");
            item.remove("name");
        }
    }
    if n % 2 != 0 {
        return;
    }
    let k = n / 2;
    let name = item.get("name").and_then(Value::as_str).unwrap_or("");
    let new = modes.iter().rev().find_map(|m| hostile_name(*m, name, k));
    if let Some(new) = new {
        item.insert("name".into(), json!(new));
    }
    if modes.contains(&Hostile::LyingSizes)
        && let Some(size) = item.get("size").and_then(Value::as_u64)
    {
        let lie = if k % 2 == 0 {
            size + 1000
        } else {
            size.saturating_sub(1)
        };
        item.insert("size".into(), json!(lie));
    }
}

/// The hostile name that mode `m` gives the `k`th hostile item named `name`, if it renames.
fn hostile_name(m: Hostile, name: &str, k: u64) -> Option<String> {
    let pick = |choices: [String; 4]| {
        let i = usize::try_from(k % 4).unwrap_or(0);
        choices[i].clone()
    };
    match m {
        Hostile::EscapeNames => Some(format!(
            "\x1b[2J\x1b]0;owned\x07{name}\r\x08\x07\0\u{202e}\x1b[0m"
        )),
        Hostile::DotdotNames => Some(pick([
            "..".into(),
            ".".into(),
            format!("../escaped-{name}"),
            String::new(),
        ])),
        Hostile::SlashNames => Some(pick([
            format!("{name}/x"),
            format!("{name}\\x"),
            format!("/tmp/skydrive-hostile/{name}"),
            format!("..\\{name}"),
        ])),
        _ => None,
    }
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
    fn wrong_types_break_the_shapes() {
        let mut v = json!({"value": [{"id": "D!102", "size": 5}, {"id": "D!103", "name": "b"}]});
        rewrite_value(&[Hostile::WrongTypes], &mut v);
        assert_eq!(v["value"]["items"][0]["size"], "5");
        assert_eq!(v["value"]["items"][1], json!({}));
    }
}
