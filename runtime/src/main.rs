//! `ferry`: the Kafka Connect worker.
//!
//! ```text
//! ferry standalone worker.properties [connector.properties|connector.json ...]
//! ferry plugin check PATH.so
//! ```

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
