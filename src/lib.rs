//! chibo: party-branch organisation, meetings and minutes in the terminal.

// The test harness (`ui/testkit.rs`) names the crate `chibo::` so that the one file serves
// the unit tests here and the test binaries outside alike.
#[cfg(test)]
extern crate self as chibo;

pub mod cli;
mod cli_users;
pub mod clock;
pub mod demo;
pub mod domain;
pub mod io;
mod log;
pub mod ssh;
pub mod store;
pub mod ui;
