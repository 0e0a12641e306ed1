//! The Graph path parser (axum's router cannot express `root:/a/b.txt:/content`) and the name
//! rules of graph-api.md §1.2 and §1.4.
//!
//! A path after `/v1.0` is a drive prefix (`/me/drive`, `/drive`, `/drives/{id}`), an item base
//! (`/root`, `/items/{id}`, `/special/{name}`), an optional `:/relative/path:` and an action.

use percent_encoding::percent_decode_str;

use super::resp::ApiError;

/// What a Graph path addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `/me`.
    Me,
    /// `/me/drives`.
    Drives,
    /// `/me/drive`, `/drive`, `/drives/{id}`.
    Drive,
    /// `/me/drive/recent`.
    Recent,
    /// `/me/drive/sharedWithMe`.
    SharedWithMe,
    /// An item and what to do with it.
    Item(ItemPath, Action),
    /// `/shares/{shareId or u!encodedUrl}/driveItem[/content]`.
    Share {
        /// The share id as given.
        id: String,
        /// `/content` rather than the item.
        content: bool,
    },
}

/// How an item is addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ItemPath {
    /// The item before the first colon.
    pub(crate) base: Base,
    /// Decoded names between the colons, if any.
    pub(crate) rel: Vec<String>,
}

/// The item before any colon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Base {
    /// An item id (or `root`).
    Id(String),
    /// `/special/{name}`.
    Special(String),
}

/// The relationship or action after the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    /// The item itself.
    Item,
    /// `/children`.
    Children,
    /// `/content`.
    Content,
    /// `/createUploadSession`.
    CreateUploadSession,
    /// `/delta` or `/delta(token='..')`.
    Delta(Option<String>),
    /// `/copy`.
    Copy,
    /// `/createLink`.
    CreateLink,
    /// `/permissions[/{id}]`.
    Permissions(Option<String>),
    /// `/search(q='..')`.
    Search(String),
}

/// Parses the raw (still percent-encoded) path after `/v1.0`.
pub(crate) fn parse(raw: &str) -> Result<Route, ApiError> {
    if count_colons(raw) > 2 {
        return Err(ApiError::bad_request(
            "Paths can only contain at most two colons",
        ));
    }
    if let Some(r) = raw.strip_prefix("/shares/") {
        let (id, what) = r.split_at(r.find('/').unwrap_or(r.len()));
        let content = match what {
            "/driveItem" => false,
            "/driveItem/content" => true,
            _ => return Err(ApiError::not_found()),
        };
        let id = decode(id)?;
        return Ok(Route::Share { id, content });
    }
    let rest = match raw {
        "/me" => return Ok(Route::Me),
        "/me/drives" | "/drives" => return Ok(Route::Drives),
        _ => strip_drive(raw).ok_or_else(ApiError::not_found)?,
    };
    match rest {
        "" | "/" => return Ok(Route::Drive),
        "/recent" => return Ok(Route::Recent),
        "/sharedWithMe" => return Ok(Route::SharedWithMe),
        _ => {}
    }
    if let Some(q) = rest.strip_prefix("/search(").and_then(func_arg) {
        let path = ItemPath {
            base: Base::Id("root".into()),
            rel: Vec::new(),
        };
        return Ok(Route::Item(path, Action::Search(q)));
    }
    let (base, after) = if let Some(r) = rest.strip_prefix("/root") {
        (Base::Id("root".into()), r)
    } else if let Some(r) = rest.strip_prefix("/items/") {
        let end = r.find([':', '/']).unwrap_or(r.len());
        (Base::Id(decode(&r[..end])?), &r[end..])
    } else if let Some(r) = rest.strip_prefix("/special/") {
        let end = r.find([':', '/']).unwrap_or(r.len());
        (Base::Special(decode(&r[..end])?.to_lowercase()), &r[end..])
    } else {
        return Err(ApiError::not_found());
    };
    let (rel, action) = split_relative(after)?;
    Ok(Route::Item(ItemPath { base, rel }, parse_action(action)?))
}

/// The drive id of a `/drives/{id}/...` path.
pub(crate) fn addressed_drive(raw: &str) -> Option<String> {
    let r = raw.strip_prefix("/drives/")?;
    let end = r.find('/').unwrap_or(r.len());
    decode(&r[..end]).ok()
}

/// Whether two drive ids name the same drive: case-insensitive, leading zeros optional
/// (personal ids come in both forms, graph-api.md §1.1).
pub(crate) fn same_drive(a: &str, b: &str) -> bool {
    a.trim_start_matches('0')
        .eq_ignore_ascii_case(b.trim_start_matches('0'))
}

/// Strips `/me/drive`, `/drive` or `/drives/{id}`; `None` when the path has none of them.
fn strip_drive(raw: &str) -> Option<&str> {
    if let Some(r) = raw.strip_prefix("/me/drive") {
        return (r.is_empty() || r.starts_with('/')).then_some(r);
    }
    if let Some(r) = raw.strip_prefix("/drives/") {
        let end = r.find('/').unwrap_or(r.len());
        return Some(&r[end..]);
    }
    let r = raw.strip_prefix("/drive")?;
    (r.is_empty() || r.starts_with('/')).then_some(r)
}

/// Colons outside function arguments (`search(q='a:b')` may hold colons of its own).
fn count_colons(raw: &str) -> usize {
    let mut depth = 0usize;
    raw.chars()
        .filter(|c| {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
            *c == ':' && depth == 0
        })
        .count()
}

/// Splits `:/a/b:/children` into the decoded names and the action part.
fn split_relative(after: &str) -> Result<(Vec<String>, &str), ApiError> {
    let Some(r) = after.strip_prefix(':') else {
        return Ok((Vec::new(), after));
    };
    let (path, action) = match r.find(':') {
        Some(i) => (&r[..i], &r[i + 1..]),
        None => (r, ""),
    };
    let mut names = Vec::new();
    for seg in path.split('/') {
        names.extend(
            decode(seg)?
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        );
    }
    // `items/{id}:/` (rclone sends it for a folder's own entry) is the item itself; only a
    // truly empty path (`root:`, `root::`) is refused.
    if path.is_empty() {
        return Err(
            ApiError::bad_request("The path is empty; address the root as /root")
                .inner("invalidPath"),
        );
    }
    let action = if action == "/" { "" } else { action };
    Ok((names, action))
}

/// Parses the action after an item.
fn parse_action(action: &str) -> Result<Action, ApiError> {
    let a = match action {
        "" => Action::Item,
        "/children" => Action::Children,
        "/content" => Action::Content,
        "/createUploadSession" => Action::CreateUploadSession,
        "/delta" => Action::Delta(None),
        "/copy" => Action::Copy,
        "/createLink" => Action::CreateLink,
        "/permissions" => Action::Permissions(None),
        _ => {
            if let Some(id) = action.strip_prefix("/permissions/") {
                Action::Permissions(Some(decode(id)?))
            } else if let Some(t) = action.strip_prefix("/delta(") {
                Action::Delta(Some(func_arg(t).ok_or_else(bad_arg)?))
            } else if let Some(q) = action.strip_prefix("/search(") {
                Action::Search(func_arg(q).ok_or_else(bad_arg)?)
            } else {
                return Err(ApiError::bad_request(format!(
                    "Unsupported segment: {action}"
                )));
            }
        }
    };
    Ok(a)
}

fn bad_arg() -> ApiError {
    ApiError::bad_request("Malformed function argument").inner("invalidParameterFormat")
}

/// The value of `q='..')` / `token='..')`: decoded, `''` unescaped.
fn func_arg(s: &str) -> Option<String> {
    let s = percent_decode_str(s).decode_utf8().ok()?;
    let s = s.strip_suffix(')')?;
    let (_, v) = s.split_once('=')?;
    let v = v.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(v.replace("''", "'"))
}

/// Percent-decodes one segment.
pub(crate) fn decode(seg: &str) -> Result<String, ApiError> {
    percent_decode_str(seg)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| ApiError::bad_request("Path is not valid UTF-8").inner("invalidPath"))
}

/// Checks a name against graph-api.md §1.4 (personal rules).
pub(crate) fn check_name(name: &str) -> Result<(), ApiError> {
    let illegal = || {
        ApiError::bad_request("The provided name cannot contain any illegal characters.")
            .inner("invalidPath")
    };
    let lower = name.to_lowercase();
    let stem = lower.split('.').next().unwrap_or("");
    let reserved = [".lock", "con", "prn", "aux", "nul", "desktop.ini"];
    let numbered = (stem.len() == 4)
        && (stem.starts_with("com") || stem.starts_with("lpt"))
        && stem.as_bytes()[3].is_ascii_digit();
    if name.is_empty()
        || name.contains(['"', '*', ':', '<', '>', '?', '/', '\\', '|'])
        || name.chars().any(|c| c.is_control())
        || name.starts_with("~$")
        || reserved.contains(&lower.as_str())
        || ["con", "prn", "aux", "nul"].contains(&stem)
        || numbered
        || has_numeric_entity(name)
    {
        return Err(illegal());
    }
    if name.starts_with(' ') || name.ends_with(' ') || name.ends_with('.') {
        return Err(ApiError::bad_request(format!(
            "Path ({name}) contains invalid leading or trailing character."
        ))
        .inner("invalidPath"));
    }
    Ok(())
}

/// `&#NNN;` sequences, which make uploads fail on the real service.
fn has_numeric_entity(name: &str) -> bool {
    name.match_indices("&#").any(|(i, _)| {
        let rest = &name[i + 2..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && rest[digits..].starts_with(';')
    })
}

/// Rejects full paths (`A/B/name`) of more than 400 characters.
pub(crate) fn check_path_len(names: &[&str]) -> Result<(), ApiError> {
    let len: usize = names.iter().map(|n| n.chars().count() + 1).sum();
    if len > 400 {
        return Err(
            ApiError::bad_request("The path is too long (more than 400 characters).")
                .inner("pathIsTooLong"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(raw: &str) -> (ItemPath, Action) {
        match parse(raw).unwrap() {
            Route::Item(p, a) => (p, a),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn path_forms_parse() {
        let (p, a) = item("/me/drive/root:/a%20b/c%2Fd.txt:/content");
        assert_eq!(p.rel, ["a b", "c", "d.txt"]);
        assert_eq!(a, Action::Content);
        let (p, a) = item("/drives/abc/items/ABC!12:/x:");
        assert_eq!(p.base, Base::Id("ABC!12".into()));
        assert_eq!((p.rel.as_slice(), a), (&["x".to_owned()][..], Action::Item));
        let (_, a) = item("/drive/root/search(q='it''s%20a:b')");
        assert_eq!(a, Action::Search("it's a:b".into()));
        let (p, _) = item("/me/drive/root:/Docs");
        assert_eq!(p.rel, ["Docs"]);
        assert_eq!(parse("/drives/X").unwrap(), Route::Drive);
        assert_eq!(parse("/me").unwrap(), Route::Me);
        let (p, a) = item("/drives/d/items/D!103:/");
        assert_eq!((p.rel.len(), a), (0, Action::Item));
        let share = parse("/shares/u!aHR0cA/driveItem/content").unwrap();
        assert_eq!(
            share,
            Route::Share {
                id: "u!aHR0cA".into(),
                content: true
            }
        );
        assert_eq!(
            addressed_drive("/drives/ab%21c/root").as_deref(),
            Some("ab!c")
        );
        assert!(same_drive("05D1B2C3A4F6E7D8", "5d1b2c3a4f6e7d8"));
        assert!(!same_drive("5D1B2C3A4F6E7D80", "5D1B2C3A4F6E7D81"));
    }

    #[test]
    fn bad_paths_are_rejected() {
        assert_eq!(
            parse("/me/drive/root:/a:/b:/c").unwrap_err().code,
            "invalidRequest"
        );
        assert_eq!(
            parse("/me/drive/root:").unwrap_err().inner,
            Some("invalidPath")
        );
        assert_eq!(parse("/me/drive/nothing").unwrap_err().code, "itemNotFound");
    }

    #[test]
    fn names_follow_the_personal_rules() {
        for bad in [
            "a:b", "a\"b", "CON", "com1.txt", " x", "x ", "x.", "~$x", "a&#123;b", "a\nb",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        for good in ["a#b%c", "Ryan's Files", "doc (1).docx", "é", "console.txt"] {
            assert!(check_name(good).is_ok(), "{good:?}");
        }
        assert!(check_path_len(&["a"; 200]).is_ok());
        assert!(check_path_len(&["ab"; 200]).is_err());
    }
}
