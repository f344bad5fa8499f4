//! `ferry plugin check PATH.so`: load one file as the worker would and say what it exports, or
//! exactly why it would be refused.

use std::path::Path;
use std::process::ExitCode;

use ferry_runtime::plugin::{host_log_callback, load_library};

pub fn run(path: &str) -> anyhow::Result<ExitCode> {
    match load_library(Path::new(path), host_log_callback()) {
        Err(e) => {
            println!("{path}: refused: {path} {e}");
            Ok(ExitCode::FAILURE)
        }
        Ok(classes) => {
            if let Some(first) = classes.first() {
                let info = &first.library.info;
                println!(
                    "{path}: ok (plugin ABI {}.{}, plugin-sdk {})",
                    info.abi_major, info.abi_minor, info.sdk_version
                );
            }
            for c in &classes {
                println!("  {} {} version {}", c.kind.as_str(), c.class, c.version);
                println!("    task class: {}", c.task_class);
                for key in c.config_def.keys() {
                    let default = key
                        .default_string()
                        .map(|d| format!(" (default: {d})"))
                        .unwrap_or_else(|| {
                            if key.is_required() {
                                " (required)".into()
                            } else {
                                String::new()
                            }
                        });
                    println!("    {} {}{}", key.name, key.ty.name(), default);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
