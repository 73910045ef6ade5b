//! chibo: party-branch organisation, meetings and minutes in the terminal.

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
