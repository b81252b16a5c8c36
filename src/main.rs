//! The `mtasts` binary: parse the command line and dispatch.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = mtasts::cli::Cli::parse();
    match mtasts::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("mtasts: error: {}", mtasts::sanitize::sanitize(&format!("{err:#}")));
            ExitCode::from(2)
        }
    }
}
