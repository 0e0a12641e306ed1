//! Lexer and parser tests, including the property that escaped names lex back unchanged.

use proptest::prelude::*;

use super::*;

fn words(input: &str) -> Vec<String> {
    tokenize(input, 1)
        .unwrap()
        .into_iter()
        .filter_map(|(t, _)| match t {
            Token::Word(w) => Some(w.value),
            _ => None,
        })
        .collect()
}

fn run_words(step: &Step) -> Vec<String> {
    match &step.action {
        StepAction::Run(w) => w.iter().map(|w| w.value.clone()).collect(),
        StepAction::Local(l) => vec![format!("!{l}")],
    }
}

#[test]
fn quotes_and_escapes() {
    assert_eq!(
        words(r#"get 'a b' "c \"d\" $x" e\ f g\\h"#),
        ["get", "a b", "c \"d\" $x", "e f", "g\\h"]
    );
    assert_eq!(words("ls a#b # comment"), ["ls", "a#b"]);
    assert_eq!(words("ls 'it''s'"), ["ls", "its"]);
    assert_eq!(words("put a\\\nb"), ["put", "ab"]);
}

#[test]
fn sequences_and_chains() {
    let s = parse(
        "cd Docs; get a && rm a || -pwd\n# c\n-ls x\n!echo hi; there",
        1,
    )
    .unwrap();
    assert_eq!(s.chains.len(), 4);
    assert_eq!(run_words(&s.chains[0].first), ["cd", "Docs"]);
    let c = &s.chains[1];
    assert_eq!(c.rest.len(), 2);
    assert_eq!(c.rest[0].0, Cond::And);
    assert_eq!(c.rest[1].0, Cond::Or);
    assert!(c.rest[1].1.ignore_failure);
    assert!(s.chains[2].first.ignore_failure);
    assert_eq!(s.chains[2].first.line, 3);
    assert_eq!(run_words(&s.chains[3].first), ["!echo hi; there"]);
    assert_eq!(s.chains[3].first.line, 4);
}

#[test]
fn commands_know_their_column_and_whether_they_share_a_line() {
    let s = parse("ls; cd nope\n  é && -pwd; !echo x", 1).unwrap();
    let steps: Vec<&Step> = s
        .chains
        .iter()
        .flat_map(|c| std::iter::once(&c.first).chain(c.rest.iter().map(|(_, st)| st)))
        .collect();
    let at: Vec<(usize, usize, bool)> = steps
        .iter()
        .map(|st| (st.line, st.col, st.shares_line))
        .collect();
    assert_eq!(
        at,
        [
            (1, 1, false),
            (1, 5, true),
            (2, 3, false),
            (2, 9, true),
            (2, 14, true)
        ]
    );
}

#[test]
fn ignored_local_command() {
    let s = parse("-!false", 1).unwrap();
    assert!(s.chains[0].first.ignore_failure);
    assert_eq!(run_words(&s.chains[0].first), ["!false"]);
}

#[test]
fn dash_argument_is_not_a_prefix() {
    let s = parse("cd -", 1).unwrap();
    assert_eq!(run_words(&s.chains[0].first), ["cd", "-"]);
    assert!(!s.chains[0].first.ignore_failure);
}

#[test]
fn chain_continues_over_newline() {
    let s = parse("ls &&\n  pwd", 1).unwrap();
    assert_eq!(s.chains.len(), 1);
    assert_eq!(s.chains[0].rest[0].1.line, 2);
}

#[test]
fn errors() {
    assert!(matches!(parse("ls 'a", 1), Err(LexError::Incomplete(_))));
    assert!(matches!(parse("ls \\", 1), Err(LexError::Incomplete(_))));
    assert!(matches!(parse("ls &&", 1), Err(LexError::Incomplete(_))));
    assert!(matches!(parse("ls > x", 1), Err(LexError::Invalid(_))));
    assert!(matches!(parse("ls | x", 1), Err(LexError::Invalid(_))));
    assert!(matches!(parse("&& ls", 1), Err(LexError::Invalid(_))));
}

#[test]
fn globs_keep_quoted_characters_literal() {
    let toks = tokenize("rm *.tmp '*'.x a\\?b [ab]'*'", 1).unwrap();
    let globs: Vec<Option<String>> = toks
        .into_iter()
        .filter_map(|(t, _)| match t {
            Token::Word(w) => Some(w.glob),
            _ => None,
        })
        .collect();
    assert_eq!(
        globs,
        [
            None,
            Some("*.tmp".into()),
            None,
            None,
            Some("[ab]\\*".into())
        ]
    );
}

#[test]
fn partial_input_reports_the_open_word() {
    let (toks, tail) = tokenize_partial("cd 'My Do", 1).unwrap();
    assert_eq!(tail.open_quote, Some('\''));
    assert!(tail.in_word);
    assert!(matches!(&toks[1].0, Token::Word(w) if w.value == "My Do" && w.start == 3));
    let (_, tail) = tokenize_partial("cd x ", 1).unwrap();
    assert!(!tail.in_word);
}

proptest! {
    #[test]
    fn escaped_names_lex_back(name in "\\PC{1,30}|[ '\"#&;|\\\\*?\\[\\]$!`()<>%é😀\\n\\t-]{1,12}") {
        prop_assert_eq!(words(&format!("get {}", escape(&name))), vec!["get".to_owned(), name.clone()]);
        for q in ['\'', '"'] {
            let quoted = format!("get {q}{}{q}", escape_in_quote(&name, q));
            prop_assert_eq!(words(&quoted), vec!["get".to_owned(), name.clone()]);
        }
    }

    #[test]
    fn escaped_names_are_never_globs(name in "[a-z*?\\[\\] ]{1,12}") {
        let toks = tokenize(&escape(&name), 1).unwrap();
        prop_assert!(matches!(&toks[0].0, Token::Word(w) if w.glob.is_none()));
    }
}
