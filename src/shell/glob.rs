//! Glob patterns for remote and local arguments (`rm *.tmp`, `get Pics/*.jpg`, `put *.txt`).
//!
//! Only the last path segment may hold a pattern: OneDrive lists one folder per request, and
//! a pattern in a folder part would fan out into a walk. Patterns come from the lexer with
//! quoted characters backslash-escaped, so `'*'.txt` matches only a file named `*.txt`.
//! Remote matching ignores case, as OneDrive does. [`Session::expand`] reads a command's
//! arguments with their patterns expanded against the folders' listings.

use super::error::{CommandError, about, exit};
use super::session::{Session, Target, join};
use crate::graph::{DriveItem, ItemRef, names};

/// True when `pat` matches `name`. `*` any run, `?` one character, `[abc]`/`[a-z]`/`[!a]` a
/// class, `\x` a literal `x`.
pub fn matches(pat: &str, name: &str, ignore_case: bool) -> bool {
    let fold = |s: &str| -> Vec<char> {
        if ignore_case {
            s.to_lowercase().chars().collect()
        } else {
            s.chars().collect()
        }
    };
    match_from(&fold(pat), &fold(name))
}

fn match_from(p: &[char], n: &[char]) -> bool {
    // Iterative matcher with one backtrack point for the last `*` (linear in practice).
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => {
                    if let Some((ok, next)) = class(&p[pi..], n[ni])
                        && ok
                    {
                        pi += next;
                        ni += 1;
                        continue;
                    }
                }
                '\\' if pi + 1 < p.len() && p[pi + 1] == n[ni] => {
                    pi += 2;
                    ni += 1;
                    continue;
                }
                '\\' if pi + 1 < p.len() => {}
                c if c == n[ni] => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Matches a `[...]` class at the start of `p` against `c`: (matched, pattern length).
fn class(p: &[char], c: char) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(p.get(i), Some('!' | '^'));
    if negate {
        i += 1;
    }
    let mut found = false;
    let mut first = true;
    while i < p.len() && (first || p[i] != ']') {
        first = false;
        let lo = if p[i] == '\\' && i + 1 < p.len() {
            i += 1;
            p[i]
        } else {
            p[i]
        };
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            found |= lo <= c && c <= p[i + 2];
            i += 3;
        } else {
            found |= lo == c;
            i += 1;
        }
    }
    (i < p.len()).then_some((found != negate, i + 1))
}

/// Why `pat` cannot be used as a pattern of its own (an option's value, where no quoting tells
/// a pattern from a name): empty, or a `[` never closed.
pub fn problem(pat: &str) -> Option<String> {
    if pat.is_empty() {
        return Some("an empty pattern matches nothing".into());
    }
    let p: Vec<char> = pat.chars().collect();
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' => i += 2,
            '[' => match class(&p[i..], '\0') {
                Some((_, len)) => i += len,
                None => {
                    return Some(
                        "a `[` that is never closed (write `\\[` for the character)".into(),
                    );
                }
            },
            _ => i += 1,
        }
    }
    None
}

/// True when `pat` holds an unescaped glob character.
pub fn is_pattern(pat: &str) -> bool {
    let mut chars = pat.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '*' | '?' | '[' => return true,
            _ => {}
        }
    }
    false
}

/// Removes the pattern escapes (`\*` to `*`).
pub fn unescape(pat: &str) -> String {
    let mut out = String::with_capacity(pat.len());
    let mut chars = pat.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits a pattern into its folder part (unescaped, may be empty) and last-segment pattern;
/// `None` when the folder part holds a pattern too.
pub fn split(pat: &str) -> Option<(String, &str)> {
    let (dir, base) = match pat.rfind('/') {
        Some(i) => (&pat[..i + 1], &pat[i + 1..]),
        None => ("", pat),
    };
    (!is_pattern(dir)).then(|| (unescape(dir), base))
}

impl Session {
    /// Reads object arguments ([`Session::target`]), expanding the glob patterns of this
    /// command against cached (or fetched) listings. A pattern that matches nothing names the
    /// item of that literal name, if any; otherwise it is a not-found error. The folder part
    /// of a pattern is read as any argument is (`shared:NAME/*.txt`, `id:ID/*`, a path
    /// through a shortcut).
    pub async fn expand(&self, args: &[String]) -> Result<Vec<Target>, CommandError> {
        let mut out = Vec::new();
        for arg in args {
            if !self.globs.contains(arg) {
                out.push(self.target(arg).await?);
                continue;
            }
            let (dir, pat) = split(arg).ok_or_else(|| {
                CommandError::usage(format!(
                    "{arg}: patterns are allowed in the last path segment only"
                ))
            })?;
            let dir_t = self.target(if dir.is_empty() { "." } else { &dir }).await?;
            let literal = unescape(pat);
            let candidate =
                |name: &str| matches(pat, name, true) || names::same_name(name, &literal);
            let items = match &dir_t.path {
                Some(p) => self.listing(p, candidate).await?.1,
                None => self
                    .client
                    .children(&dir_t.item)
                    .await
                    .map_err(about(&dir_t.label()))?,
            };
            let chosen = matching(pat, &literal, items);
            if chosen.is_empty() {
                return Err(CommandError::new(
                    exit::NOT_FOUND,
                    format!("{arg}: no match"),
                ));
            }
            for it in chosen {
                out.push(Target {
                    item: ItemRef::of_item(&it),
                    path: dir_t.path.as_deref().map(|d| join(d, &it.name)),
                    shown: join(&dir_t.label(), &it.name),
                    known: Some(it),
                });
            }
        }
        Ok(out)
    }
}

/// The items of a listing that `pat` matches; as in sh, a pattern that matches nothing stands
/// for itself (`get 'a[1].txt'` fetches the file of that name when there is one).
/// `literal` is the pattern unescaped.
fn matching(pat: &str, literal: &str, items: Vec<DriveItem>) -> Vec<DriveItem> {
    let (matched, rest): (Vec<DriveItem>, Vec<DriveItem>) =
        items.into_iter().partition(|i| matches(pat, &i.name, true));
    if !matched.is_empty() {
        return matched;
    }
    rest.into_iter()
        .filter(|i| names::same_name(&i.name, literal))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globbing() {
        assert!(matches("*.tmp", "a.TMP", true));
        assert!(!matches("*.tmp", "a.TMP", false));
        assert!(matches("a?c", "abc", false));
        assert!(matches("[a-c]x*", "bxyz", false));
        assert!(!matches("[!a-c]x", "bx", false));
        assert!(matches("\\*.txt", "*.txt", false));
        assert!(!matches("\\*.txt", "a.txt", false));
        assert!(matches("*a*b*", "xxaxxbxx", false));
        assert!(!matches("*a*b", "xxaxxbxx", false));
        assert!(matches("*", "", false));
    }

    #[test]
    fn splitting() {
        assert_eq!(split("Pics/*.jpg"), Some(("Pics/".into(), "*.jpg")));
        assert_eq!(split("*.jpg"), Some(("".into(), "*.jpg")));
        assert_eq!(split("P*/x"), None);
        assert!(is_pattern("a*"));
        assert!(!is_pattern("a\\*"));
        assert_eq!(unescape("a\\*b"), "a*b");
    }
}
