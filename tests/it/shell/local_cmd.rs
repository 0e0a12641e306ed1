//! `!CMD`: the status is the child's, and a Ctrl-C while the child runs ends the child, not
//! the interactive shell (SIGINT goes to the whole foreground process group).

use super::Env;

#[test]
fn a_local_command_status_is_the_child_exit_code() {
    let env = Env::new();
    env.demo()
        .args(["-c", "!exit 3"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("status 3"));
    env.demo().args(["-c", "!exit 0"]).assert().success();
}

#[cfg(unix)]
#[test]
fn a_local_command_killed_by_a_signal_gives_128_plus_the_signal() {
    let env = Env::new();
    env.demo().args(["-c", "!kill -INT $$"]).assert().code(130);
    env.demo().args(["-c", "!kill -TERM $$"]).assert().code(143);
}

#[cfg(unix)]
#[test]
fn ctrl_c_ends_the_local_command_and_the_prompt_comes_back_with_130() {
    use rexpect::session::spawn_command;

    let env = Env::new();
    let mut p = spawn_command(env.pty_command(None, Some("100")), Some(15_000)).unwrap();
    p.exp_string("demo:/> ").unwrap();
    p.send_line("!echo started; sleep 30").unwrap();
    p.exp_string("started").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("[130] demo:/> ").unwrap();
    p.send_line("!exit 3").unwrap();
    p.exp_string("[3] demo:/> ").unwrap();
    p.send_line("pwd").unwrap();
    p.exp_string("\r\n/\r\n").unwrap();
    p.send_line("exit 0").unwrap();
    p.exp_eof().unwrap();
}
