//! `rgp`: the native command line over the same core the browser runs.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = rgp::cli::Cli::parse();
    match rgp::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, exit 2: the contract for every bad input.
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
