//! The Graph path parser (axum's router cannot express `root:/a/b.txt:/content`) and the name
//! encoding rules of graph-api.md §1.2 and §13 (`.` segments, paths inside the item-id segment,
//! functions with empty parentheses, a trailing `/`).
//!
//! A path after `/v1.0` is a drive prefix (`/me/drive`, `/drive`, `/drives/{id}`,
//! `/sites/{id}/drive`, `/users/{id}/drive`), an item base
//! (`/root`, `/items/{id}`, `/special/{name}`), an optional `:/relative/path:` and an action.

use percent_encoding::percent_decode_str;

use super::resp::ApiError;

/// Which drive a path addresses (resolved against the caller by [`super::drives::select`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum DriveSel {
    /// `/me/drive`, `/drive`: the caller's own drive.
    #[default]
    Me,
    /// `/drives/{id}`.
    Id(String),
    /// `/sites/{id}/drive`.
    Site(String),
    /// `/users/{id}/drive`.
    User(String),
}

/// What a Graph path addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `/me`.
    Me,
    /// `/me/drives`.
    Drives,
    /// `/me/drive`, `/drive`, `/drives/{id}`, `/sites/{id}/drive`, `/users/{id}/drive`.
    Drive(DriveSel),
    /// `/me/drive/recent`.
    Recent(DriveSel),
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
    /// The drive as the path names it.
    pub(crate) sel: DriveSel,
    /// That drive's index, and the user acting (filled in by the router).
    pub(crate) drive: usize,
    /// The user the request acts as.
    pub(crate) user: usize,
    /// The item before the first colon.
    pub(crate) base: Base,
    /// Decoded names between the colons, if any.
    pub(crate) rel: Vec<String>,
}

impl ItemPath {
    /// The same drive and user, another base and path.
    pub(crate) fn with(&self, base: Base, rel: Vec<String>) -> ItemPath {
        ItemPath {
            base,
            rel,
            ..self.clone()
        }
    }
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
    /// `/delta`, `/delta()` or `/delta(token='..')`.
    Delta(Option<String>),
    /// `/copy`.
    Copy,
    /// `/createLink`.
    CreateLink,
    /// `/permissions[/{id}]`.
    Permissions(Option<String>),
    /// `/search(q='..')`.
    Search(String),
    /// `/thumbnails[/{set}[/{size}[/content]]]`: the segments after `thumbnails`.
    Thumbnails(Vec<String>),
    /// `/versions[/{id}[/content|/restoreVersion]]`.
    Versions(Option<String>, VersionOp),
}

/// What to do with one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VersionOp {
    /// The version's metadata (or the list, without an id).
    Get,
    /// `/content`.
    Content,
    /// `/restoreVersion`.
    Restore,
}

/// Parses the raw (still percent-encoded) path after `/v1.0`. A trailing `/` is ignored
/// (`/me/drive/root/`), except in `…:/`, which names an item's own entry.
pub(crate) fn parse(raw: &str) -> Result<Route, ApiError> {
    let raw = match raw.strip_suffix('/') {
        Some(r) if !r.is_empty() && !r.ends_with(':') => r,
        _ => raw,
    };
    if count_colons(raw) > 2 {
        return Err(too_many_colons());
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
    let (sel, rest) = match raw {
        "/me" => return Ok(Route::Me),
        "/me/drives" | "/drives" => return Ok(Route::Drives),
        _ => strip_drive(raw)?.ok_or_else(ApiError::not_found)?,
    };
    match function_name(rest) {
        "" => return Ok(Route::Drive(sel)),
        "/recent" => return Ok(Route::Recent(sel)),
        "/sharedWithMe" => return Ok(Route::SharedWithMe),
        _ => {}
    }
    let item = |base, rel| ItemPath {
        sel: sel.clone(),
        drive: 0,
        user: 0,
        base,
        rel,
    };
    if let Some(q) = rest.strip_prefix("/search(").and_then(func_arg) {
        return Ok(Route::Item(
            item(Base::Id("root".into()), Vec::new()),
            Action::Search(q),
        ));
    }
    let (base, rel, after) = if let Some(r) = rest.strip_prefix("/root") {
        let (rel, after) = split_relative(r)?;
        (Base::Id("root".into()), rel, after)
    } else if let Some(r) = rest.strip_prefix("/items/") {
        item_segment(r)?
    } else if let Some(r) = rest.strip_prefix("/special/") {
        let end = r.find([':', '/']).unwrap_or(r.len());
        let (rel, after) = split_relative(&r[end..])?;
        (Base::Special(decode(&r[..end])?.to_lowercase()), rel, after)
    } else {
        return Err(ApiError::not_found());
    };
    Ok(Route::Item(item(base, rel), parse_action(after)?))
}

/// `/recent()` and `/recent` are one function (Kiota SDKs add the parentheses).
fn function_name(rest: &str) -> &str {
    rest.strip_suffix("()").unwrap_or(rest)
}

fn too_many_colons() -> ApiError {
    ApiError::bad_request("Paths can only contain at most two colons")
}

/// The item-id segment after `/items/` and what follows it. Kiota SDKs percent-encode a
/// path into this segment (`root%3A%2FDocuments%3A`): once decoded it is read as
/// `{id}:/path:`.
fn item_segment(r: &str) -> Result<(Base, Vec<String>, &str), ApiError> {
    let end = r.find([':', '/']).unwrap_or(r.len());
    let id = decode(&r[..end])?;
    match id.split_once(':') {
        None => {
            let (rel, after) = split_relative(&r[end..])?;
            Ok((Base::Id(id), rel, after))
        }
        Some((base, path)) => {
            if path.matches(':').count() > 1 || r[end..].starts_with(':') {
                return Err(too_many_colons());
            }
            let path = path.strip_suffix(':').unwrap_or(path);
            if path.is_empty() {
                return Err(empty_path());
            }
            Ok((Base::Id(base.to_owned()), names_of(path), &r[end..]))
        }
    }
}

/// The names of a decoded relative path: `.` and empty segments name the folder itself.
fn names_of(decoded: &str) -> Vec<String> {
    decoded
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .map(str::to_owned)
        .collect()
}

fn empty_path() -> ApiError {
    ApiError::bad_request("The path is empty; address the root as /root").inner("invalidPath")
}

/// Splits off the drive prefix: `/me/drive`, `/drive`, `/drives/{id}`, `/sites/{id}/drive`
/// or `/users/{id}/drive`; `None` when the path has none of them.
fn strip_drive(raw: &str) -> Result<Option<(DriveSel, &str)>, ApiError> {
    let bare = |r: &'static str| {
        let r2 = raw.strip_prefix(r)?;
        (r2.is_empty() || r2.starts_with('/')).then_some(r2)
    };
    if let Some(r) = bare("/me/drive").or_else(|| bare("/drive")) {
        return Ok(Some((DriveSel::Me, r)));
    }
    for (prefix, tail) in [
        ("/drives/", ""),
        ("/sites/", "/drive"),
        ("/users/", "/drive"),
    ] {
        let Some(r) = raw.strip_prefix(prefix) else {
            continue;
        };
        let end = r.find('/').unwrap_or(r.len());
        let id = decode(&r[..end])?;
        let Some(rest) = r[end..].strip_prefix(tail) else {
            return Ok(None);
        };
        if !(rest.is_empty() || rest.starts_with('/')) {
            return Ok(None);
        }
        let sel = match prefix {
            "/drives/" => DriveSel::Id(id),
            "/sites/" => DriveSel::Site(id),
            _ => DriveSel::User(id),
        };
        return Ok(Some((sel, rest)));
    }
    Ok(None)
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
        names.extend(names_of(&decode(seg)?));
    }
    // `items/{id}:/` (rclone sends it for a folder's own entry) is the item itself; only a
    // truly empty path (`root:`, `root::`) is refused.
    if path.is_empty() {
        return Err(empty_path());
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
        "/delta" | "/delta()" => Action::Delta(None),
        "/thumbnails" => Action::Thumbnails(Vec::new()),
        "/versions" => Action::Versions(None, VersionOp::Get),
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
            } else if let Some(t) = action.strip_prefix("/thumbnails/") {
                let parts = t.split('/').map(decode).collect::<Result<_, _>>()?;
                Action::Thumbnails(parts)
            } else if let Some(v) = action.strip_prefix("/versions/") {
                let (id, op) = match v.split_once('/') {
                    None => (v, VersionOp::Get),
                    Some((id, "content")) => (id, VersionOp::Content),
                    Some((id, "restoreVersion")) => (id, VersionOp::Restore),
                    Some(_) => return Err(ApiError::bad_request("Unsupported segment")),
                };
                Action::Versions(Some(decode(id)?), op)
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

#[cfg(test)]
mod tests;
