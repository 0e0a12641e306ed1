//! The reliability and security matrix of docs/reliability.md, end to end: the real
//! `skydrive-cli` binary against `skydrive-emu` (faults, crashes, a hostile server) and
//! against bad input (names, command lines, configs), with secrets audited throughout.
//! Each file here owns one section of docs/reliability.md.

mod changing_sources;
mod clashes;
mod config;
mod copy_waits;
mod faults;
mod hostile;
mod local_write;
mod names;
mod resume;
mod secrets;
mod signin;
mod signin_redirect;
mod usage;
mod waits;
