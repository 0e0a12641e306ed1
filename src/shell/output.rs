//! Output helpers shared by the commands.

/// Escapes control characters in a remote name so that it cannot drive the terminal
/// (`\n` as `\n`, ESC as `\x1b`, ...). Printable characters, including non-ASCII, are kept.
pub fn escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\\' if name.chars().any(char::is_control) => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_control_characters_only() {
        assert_eq!(super::escape("a b é"), "a b é");
        assert_eq!(super::escape("x\x1b[31my\n"), "x\\x1b[31my\\n");
    }
}
