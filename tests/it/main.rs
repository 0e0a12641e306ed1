//! The one integration-test binary: every test talks real HTTP on loopback to the emulator.

mod common;
mod docs;
mod emulator;
mod kinds;
mod library;
mod mirror;
mod reliability;
mod shell;
mod skeleton;
