//! Command-line entry points. `anyhow` lives here, at the binary's edge, and nowhere else.

mod common;
mod distributed;
mod plugin_check;
mod standalone;

use std::process::ExitCode;

const USAGE: &str = "Usage:
  ferry standalone <worker.properties> [<connector.properties|connector.json> ...]
  ferry distributed <worker.properties>
  ferry plugin check <plugin.so>
  ferry --version";

pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["standalone", worker, connectors @ ..] => standalone::run(worker, connectors),
        ["distributed", worker] => distributed::run(worker),
        ["plugin", "check", path] => plugin_check::run(path),
        ["--version" | "-V" | "version"] => {
            println!("ferry {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        ["--help" | "-h" | "help"] => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            eprintln!("{USAGE}");
            Ok(ExitCode::from(2))
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ferry: {e:#}");
            ExitCode::FAILURE
        }
    }
}
