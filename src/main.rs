//! `rgp`: the native command line over the same core the browser runs.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match rgp::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    match rgp::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, exit 2: the contract for every bad input.
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// `--help` and `--version` print as usual; a bad argument prints clap's message on one line
/// (it already starts with `error:`) and exits 2.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if !e.use_stderr() {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let _ = e.print();
        return ExitCode::from(2);
    }
    // clap's message is its first paragraph; some kinds continue it on indented lines.
    let text = e.to_string();
    let first: Vec<&str> = text
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    eprintln!("{}", first.join(" "));
    ExitCode::from(2)
}
