//! The one lexer of the shell: REPL lines, scripts, `-c` strings and Tab completion all go
//! through it, so a name completed with [`escape`] is read back by the executor unchanged.
//!
//! Grammar (sh-like, deliberately small): words with `'…'`, `"…"` and `\` escapes; `#` starts a
//! comment at the start of a word; `;` and newlines separate commands; `&&` and `||` chain them;
//! a leading `-` on a command ignores its failure; `!` at the start of a command sends the rest of
//! the line to the local shell; a trailing `\` continues the line. A single `|`, `&`, `<` or `>`
//! is refused (no pipes, jobs or redirections) so that `ls > out` is not read as two names.

mod parse;
#[cfg(test)]
mod tests;

pub use parse::{Chain, Cond, Script, Step, StepAction, parse};

/// One word of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes and escapes removed.
    pub value: String,
    /// When the word holds unquoted glob characters (`* ? [`): the pattern, with every quoted
    /// or escaped character backslash-escaped, for [`super::glob`].
    pub glob: Option<String>,
    /// Byte offset of the word's first character in the input.
    pub start: usize,
}

/// A lexical token with the (1-based) line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A word.
    Word(Word),
    /// `;` or a newline.
    Sep,
    /// `&&`.
    And,
    /// `||`.
    Or,
    /// `!rest of line`: the text after `!`, for the local shell.
    Local {
        /// The text after `!`, trimmed.
        text: String,
        /// Byte offset of the `!` in the input.
        start: usize,
    },
    /// A `-` right before a command's name: ignore that command's failure.
    IgnoreFailure,
}

/// Why input could not be lexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LexError {
    /// The input ends inside a quote, after a trailing `\`, or after `&&`/`||`: more input
    /// may complete it (the REPL and script readers then read another line).
    Incomplete(String),
    /// The input is wrong whatever follows.
    Invalid(String),
}

impl LexError {
    /// How to fix it, for the message's `hint:` line.
    pub fn hint(&self) -> &'static str {
        let m = match self {
            LexError::Incomplete(m) | LexError::Invalid(m) => m.as_str(),
        };
        if m.starts_with("unterminated quote") {
            "close the quote (or escape the character with `\\`)"
        } else if m.contains("backslash") || m.contains("continues with") {
            "continue the command on the next line, or remove the trailing `\\`"
        } else if m.contains("on its right") {
            "put a command after `&&` or `||`, or remove it"
        } else if m.contains("on its left") {
            "put a command before `&&` or `||`"
        } else if m.contains("after `!`") {
            "`!` takes the rest of the line; put other commands on a line of their own"
        } else {
            "quote special characters that are part of a name"
        }
    }
}

impl std::fmt::Display for LexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LexError::Incomplete(m) | LexError::Invalid(m) => f.write_str(m),
        }
    }
}

/// The state at the end of the input, for completion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tail {
    /// The quote the input ends in, if any.
    pub open_quote: Option<char>,
    /// True when the input ends inside a word (no separator after the last word).
    pub in_word: bool,
}

/// Characters that end a word or have a meaning outside quotes.
const OPERATORS: &[char] = &[';', '&', '|', '<', '>'];

/// Splits `input` into tokens with their line numbers (line numbers start at `first_line`).
pub fn tokenize(input: &str, first_line: usize) -> Result<Vec<(Token, usize)>, LexError> {
    let (tokens, tail) = tokenize_partial(input, first_line)?;
    match tail.open_quote {
        Some(q) => Err(LexError::Incomplete(format!("unterminated quote {q}"))),
        None => Ok(tokens),
    }
}

/// Like [`tokenize`], but an unterminated quote at the end is reported in the [`Tail`]
/// instead of as an error (the open word is still returned).
pub fn tokenize_partial(
    input: &str,
    first_line: usize,
) -> Result<(Vec<(Token, usize)>, Tail), LexError> {
    Lexer {
        chars: input.char_indices().peekable(),
        input,
        line: first_line,
        tokens: Vec::new(),
    }
    .run()
}

struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    input: &'a str,
    line: usize,
    tokens: Vec<(Token, usize)>,
}

/// A word being built.
#[derive(Default)]
struct Building {
    value: String,
    pattern: String,
    has_glob: bool,
}

impl Building {
    fn literal(&mut self, c: char) {
        self.value.push(c);
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            self.pattern.push('\\');
        }
        self.pattern.push(c);
    }
    fn unquoted(&mut self, c: char) {
        if matches!(c, '*' | '?' | '[' | ']') {
            self.has_glob |= c != ']';
            self.value.push(c);
            self.pattern.push(c);
        } else {
            self.literal(c);
        }
    }
}

impl Lexer<'_> {
    fn run(mut self) -> Result<(Vec<(Token, usize)>, Tail), LexError> {
        let mut tail = Tail::default();
        while let Some(&(i, c)) = self.chars.peek() {
            match c {
                '\n' => {
                    self.chars.next();
                    self.push(Token::Sep);
                    self.line += 1;
                }
                c if c.is_whitespace() => {
                    self.chars.next();
                }
                '#' => self.skip_comment(),
                ';' => {
                    self.chars.next();
                    self.push(Token::Sep);
                }
                '&' | '|' => self.operator(c)?,
                '<' | '>' => {
                    return Err(LexError::Invalid(format!(
                        "redirection `{c}` is not supported (quote it if it is part of a name)"
                    )));
                }
                '\\' if self.input[i..].starts_with("\\\n") => {
                    self.chars.next();
                    self.chars.next();
                    self.line += 1;
                    self.more_input_needed()?;
                }
                '!' if self.at_command_start()
                    || matches!(self.tokens.last(), Some((Token::IgnoreFailure, _))) =>
                {
                    self.local(i)
                }
                '-' if self.at_command_start() && self.dash_prefix(i) => {
                    self.chars.next();
                    self.push(Token::IgnoreFailure);
                }
                _ => {
                    let line = self.line;
                    let (word, open) = self.word(i)?;
                    tail.in_word = self.chars.peek().is_none();
                    tail.open_quote = open;
                    self.tokens.push((Token::Word(word), line));
                }
            }
            if self.chars.peek().is_some() {
                tail = Tail::default();
            }
        }
        Ok((self.tokens, tail))
    }

    /// A line continuation at the very end of the input: the next line completes it.
    fn more_input_needed(&mut self) -> Result<(), LexError> {
        match self.chars.peek() {
            None => Err(LexError::Incomplete("line continues with `\\`".into())),
            Some(_) => Ok(()),
        }
    }

    fn push(&mut self, t: Token) {
        self.tokens.push((t, self.line));
    }

    fn at_command_start(&self) -> bool {
        !matches!(
            self.tokens.last(),
            Some((Token::Word(_) | Token::IgnoreFailure, _))
        )
    }

    /// True when the `-` at byte `i` is directly followed by a command name.
    fn dash_prefix(&self, i: usize) -> bool {
        self.input[i + 1..]
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '-' && !OPERATORS.contains(&c))
    }

    fn skip_comment(&mut self) {
        while let Some(&(_, c)) = self.chars.peek() {
            if c == '\n' {
                break;
            }
            self.chars.next();
        }
    }

    fn operator(&mut self, c: char) -> Result<(), LexError> {
        self.chars.next();
        if self.chars.peek().map(|&(_, n)| n) == Some(c) {
            self.chars.next();
            self.push(if c == '&' { Token::And } else { Token::Or });
            Ok(())
        } else {
            let what = if c == '&' {
                "background jobs (`&`)"
            } else {
                "pipes (`|`)"
            };
            Err(LexError::Invalid(format!(
                "{what} are not supported (quote `{c}` if it is part of a name)"
            )))
        }
    }

    fn local(&mut self, start: usize) {
        self.chars.next();
        let mut end = self.input.len();
        while let Some(&(j, c)) = self.chars.peek() {
            if c == '\n' {
                end = j;
                break;
            }
            self.chars.next();
        }
        let text = self.input[start + 1..end].trim().to_owned();
        self.push(Token::Local { text, start });
    }

    /// Reads one word starting at byte `start`; returns it and the quote left open, if any.
    fn word(&mut self, start: usize) -> Result<(Word, Option<char>), LexError> {
        let mut b = Building::default();
        while let Some(&(i, c)) = self.chars.peek() {
            if c.is_whitespace() || OPERATORS.contains(&c) {
                break;
            }
            self.chars.next();
            match c {
                '\'' => {
                    if !self.single_quoted(&mut b) {
                        return Ok((finish(b, start), Some('\'')));
                    }
                }
                '"' => {
                    if !self.double_quoted(&mut b) {
                        return Ok((finish(b, start), Some('"')));
                    }
                }
                '\\' => match self.chars.next() {
                    Some((_, '\n')) => {
                        self.line += 1;
                        self.more_input_needed()?;
                    }
                    Some((_, e)) => b.literal(e),
                    None => {
                        return Err(LexError::Incomplete(format!(
                            "trailing backslash at offset {i}"
                        )));
                    }
                },
                c => b.unquoted(c),
            }
        }
        Ok((finish(b, start), None))
    }

    /// Reads up to the closing `'`; false when the input ends first.
    fn single_quoted(&mut self, b: &mut Building) -> bool {
        for (_, c) in self.chars.by_ref() {
            if c == '\'' {
                return true;
            }
            if c == '\n' {
                self.line += 1;
            }
            b.literal(c);
        }
        false
    }

    /// Reads up to the closing `"`; `\` escapes `" \ $ ` and newline; false on end of input.
    fn double_quoted(&mut self, b: &mut Building) -> bool {
        while let Some((_, c)) = self.chars.next() {
            match c {
                '"' => return true,
                '\\' => match self.chars.peek().map(|&(_, n)| n) {
                    Some('\n') => {
                        self.chars.next();
                        self.line += 1;
                    }
                    Some(n @ ('"' | '\\' | '$' | '`')) => {
                        self.chars.next();
                        b.literal(n);
                    }
                    _ => b.literal('\\'),
                },
                c => {
                    if c == '\n' {
                        self.line += 1;
                    }
                    b.literal(c);
                }
            }
        }
        false
    }
}

fn finish(b: Building, start: usize) -> Word {
    Word {
        glob: b.has_glob.then_some(b.pattern),
        value: b.value,
        start,
    }
}

/// Characters [`escape`] protects with a backslash outside quotes.
const SPECIAL: &str = "'\"\\;&|#()<>*?[]$!`";

/// Escapes `name` so that the lexer reads it back as one word equal to `name`: backslashes
/// before whitespace and special characters, or single quotes when the name holds a newline.
pub fn escape(name: &str) -> String {
    if name.contains(['\n', '\r']) {
        return format!("'{}'", name.replace('\'', "'\\''"));
    }
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_whitespace() || SPECIAL.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes `name` for use inside an open quote `quote` (`'` or `"`); the result does not
/// close the quote.
pub fn escape_in_quote(name: &str, quote: char) -> String {
    if quote == '\'' {
        name.replace('\'', "'\\''")
    } else {
        let mut out = String::with_capacity(name.len());
        for c in name.chars() {
            if matches!(c, '"' | '\\' | '$' | '`') {
                out.push('\\');
            }
            out.push(c);
        }
        out
    }
}
