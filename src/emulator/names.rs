//! The name and path rules of graph-api.md §1.4, for each profile: business (SharePoint) adds
//! a leading `~`, `_vti_` anywhere and a folder named `forms` at the library root to the
//! personal rules.

use super::ids::Profile;
use super::resp::ApiError;

fn illegal() -> ApiError {
    ApiError::bad_request("The provided name cannot contain any illegal characters.")
        .inner("invalidPath")
}

/// Checks a name against the rules of `profile`.
pub(crate) fn check_name(profile: Profile, name: &str) -> Result<(), ApiError> {
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
    if profile == Profile::Business && (name.starts_with('~') || lower.contains("_vti_")) {
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

/// Business refuses a folder named `forms` at a library's root.
pub(crate) fn check_root_folder(profile: Profile, name: &str) -> Result<(), ApiError> {
    if profile == Profile::Business && name.eq_ignore_ascii_case("forms") {
        return Err(illegal());
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

    #[test]
    fn names_follow_the_rules_of_each_profile() {
        for p in [Profile::Personal, Profile::Business] {
            for bad in [
                "a:b", "a\"b", "CON", "com1.txt", " x", "x ", "x.", "~$x", "a&#123;b", "a\nb",
            ] {
                assert!(check_name(p, bad).is_err(), "{bad:?}");
            }
            for good in ["a#b%c", "Ryan's Files", "doc (1).docx", "é", "console.txt"] {
                assert!(check_name(p, good).is_ok(), "{good:?}");
            }
        }
        for sharepoint_only in ["~x", "a_vti_b"] {
            assert!(check_name(Profile::Personal, sharepoint_only).is_ok());
            assert!(check_name(Profile::Business, sharepoint_only).is_err());
        }
        assert!(check_root_folder(Profile::Business, "Forms").is_err());
        assert!(check_root_folder(Profile::Personal, "Forms").is_ok());
        assert!(check_path_len(&["a"; 200]).is_ok());
        assert!(check_path_len(&["ab"; 200]).is_err());
    }
}
