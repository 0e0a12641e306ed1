//! Tokens to a script: commands chained by `&&`/`||` into chains, chains run one after another.

use super::{LexError, Token, Word, tokenize};

/// A parsed script: chains run in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    /// The chains (`a && b || c`), separated by `;` or newlines in the input.
    pub chains: Vec<Chain>,
}

/// Commands joined by `&&` and `||`, evaluated left to right as in sh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// The first command.
    pub first: Step,
    /// The following commands and the condition on which each runs.
    pub rest: Vec<(Cond, Step)>,
}

/// When a chained command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cond {
    /// `&&`: after a success.
    And,
    /// `||`: after a failure.
    Or,
}

/// One command of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The line it starts on.
    pub line: usize,
    /// The column (in characters, from 1) of its command name (or `!`) on that line.
    pub col: usize,
    /// True when another command comes before it on the same line, so that a message must
    /// give the column to say which command it is about.
    pub shares_line: bool,
    /// A leading `-`: its failure is ignored.
    pub ignore_failure: bool,
    /// What to run.
    pub action: StepAction,
}

/// What a step runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepAction {
    /// A shell command and its arguments.
    Run(Vec<Word>),
    /// `!cmd`: a local shell command line.
    Local(String),
}

impl Chain {
    /// Number of commands in the chain.
    pub fn len(&self) -> usize {
        1 + self.rest.len()
    }
}

/// Character columns of byte offsets met in increasing order, found in one pass over the
/// input however many commands a line holds.
struct Columns<'a> {
    input: &'a str,
    offset: usize,
    col: usize,
}

impl Columns<'_> {
    fn at(&mut self, offset: usize) -> usize {
        for c in self.input[self.offset..offset].chars() {
            self.col = if c == '\n' { 1 } else { self.col + 1 };
        }
        self.offset = offset;
        self.col
    }
}

/// Lexes and parses `input`; line numbers start at `first_line`.
pub fn parse(input: &str, first_line: usize) -> Result<Script, LexError> {
    let tokens = tokenize(input, first_line)?;
    let mut script = Script::default();
    let mut chain: Option<Chain> = None;
    let mut pending: Option<Cond> = None;
    let mut step: Option<Step> = None;
    let mut cols = Columns {
        input,
        offset: 0,
        col: 1,
    };
    let mut last_line = None;
    for (tok, line) in tokens {
        match tok {
            Token::Word(w) => {
                let s = step.get_or_insert_with(|| new_step(line, false));
                match &mut s.action {
                    StepAction::Run(words) => {
                        if words.is_empty() {
                            s.col = cols.at(w.start);
                            s.shares_line = last_line.replace(line) == Some(line);
                        }
                        words.push(w);
                    }
                    StepAction::Local(_) => {
                        return Err(LexError::Invalid("unexpected word after `!`".into()));
                    }
                }
            }
            Token::IgnoreFailure => step = Some(new_step(line, true)),
            Token::Local { text, start } => {
                let ignore = step.as_ref().is_some_and(|s| s.ignore_failure);
                step = Some(Step {
                    line,
                    col: cols.at(start),
                    shares_line: last_line.replace(line) == Some(line),
                    ignore_failure: ignore,
                    action: StepAction::Local(text),
                });
            }
            Token::And | Token::Or => {
                let Some(s) = take_step(&mut step) else {
                    return Err(LexError::Invalid(
                        "`&&` or `||` needs a command on its left".into(),
                    ));
                };
                attach(&mut chain, pending.take(), s);
                pending = Some(if tok == Token::And {
                    Cond::And
                } else {
                    Cond::Or
                });
            }
            Token::Sep => {
                if let Some(s) = take_step(&mut step) {
                    attach(&mut chain, pending.take(), s);
                }
                if pending.is_none() {
                    script.chains.extend(chain.take());
                }
            }
        }
    }
    if let Some(s) = take_step(&mut step) {
        attach(&mut chain, pending.take(), s);
    }
    if pending.is_some() {
        return Err(LexError::Incomplete(
            "`&&` or `||` needs a command on its right".into(),
        ));
    }
    script.chains.extend(chain);
    Ok(script)
}

fn new_step(line: usize, ignore_failure: bool) -> Step {
    Step {
        line,
        col: 1,
        shares_line: false,
        ignore_failure,
        action: StepAction::Run(Vec::new()),
    }
}

/// Takes the step being built, unless it is empty (a lone `-`).
fn take_step(step: &mut Option<Step>) -> Option<Step> {
    step.take().filter(|s| match &s.action {
        StepAction::Run(w) => !w.is_empty(),
        StepAction::Local(_) => true,
    })
}

fn attach(chain: &mut Option<Chain>, cond: Option<Cond>, step: Step) {
    match (chain.as_mut(), cond) {
        (Some(c), Some(cond)) => c.rest.push((cond, step)),
        (Some(_), None) | (None, _) => {
            // A new chain: the previous one was closed by a separator before we got here.
            *chain = Some(Chain {
                first: step,
                rest: Vec::new(),
            });
        }
    }
}
