//! The item lies of the hostile server: names with escapes, `..` and slashes, sizes and
//! hashes that do not match the content, fields of the wrong JSON type. Each touches only
//! items whose id number is even, so every listing mixes hostile and honest items.

use serde_json::{Map, Value, json};

use super::Hostile;

/// Applies the name, size and type lies to an answer: the object itself, or each item of its
/// `value` and `children`.
pub(super) fn rewrite_value(modes: &[Hostile], v: &mut Value) {
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

/// Adds `delta` to the listed `size` of every file in an answer (the object itself, or the
/// items of its `value` and `children`), as [`crate::emulator::Faults::listed_size_delta`] asks.
pub(super) fn shift_sizes(delta: i64, v: &mut Value) {
    if delta == 0 {
        return;
    }
    let shift = |item: &mut Value| {
        if item.get("file").is_some()
            && let Some(size) = item.get("size").and_then(Value::as_i64)
        {
            item["size"] = json!(size.saturating_add(delta).max(0));
        }
    };
    for key in ["value", "children"] {
        if let Some(Value::Array(items)) = v.get_mut(key) {
            items.iter_mut().for_each(shift);
        }
    }
    shift(v);
}

/// The number of an item id (any form of `super::ids`, or `{drive}!{n}`); other objects
/// (drives, users) have none.
fn id_number(item: &Map<String, Value>) -> Option<u64> {
    let id = item.get("id")?.as_str()?;
    crate::emulator::ids::item_number(id).or_else(|| id.rsplit_once('!')?.1.parse().ok())
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
    if modes.contains(&Hostile::NoHashes)
        && let Some(file) = item.get_mut("file").and_then(Value::as_object_mut)
    {
        file.remove("hashes");
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
    if modes.contains(&Hostile::WrongHashes)
        && let Some(h) = item
            .get_mut("file")
            .and_then(|f| f.get_mut("hashes"))
            .and_then(Value::as_object_mut)
    {
        h.insert("quickXorHash".into(), json!("AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
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
