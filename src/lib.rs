//! chibo: party-branch organisation, meetings and minutes in the terminal.

pub mod cli;
pub mod demo;
pub mod domain;
pub mod io;
pub mod store;
pub mod ui;
