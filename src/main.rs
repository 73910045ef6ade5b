use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    chibo::cli::run(chibo::cli::Cli::parse())
}
