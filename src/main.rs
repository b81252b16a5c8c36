//! The `mtasts` binary: parse the command line and dispatch.

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = mtasts::cli::help::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("mtasts: error: cannot start the async runtime: {err}");
            return ExitCode::from(2);
        }
    };
    match mtasts::cli::run(cli, &runtime) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("mtasts: error: {}", mtasts_core::sanitize::sanitize(&format!("{err:#}")));
            ExitCode::from(2)
        }
    }
}
