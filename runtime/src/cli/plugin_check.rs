//! `ferry plugin check PATH.so`: load one file exactly as the worker does (private copy, ELF
//! structure check, abi_stable layout check, ABI version, unwinding) and say what it exports,
//! or exactly why the worker would refuse it. Exit status 0 when it would load, 1 when not.

use std::path::Path;
use std::process::ExitCode;

use ferry_configdef::ConfigDef;
use ferry_plugin_abi::{ABI_MAJOR, ABI_MINOR};
use ferry_runtime::plugin::{host_log_callback, load_library_classes};

pub fn run(path: &str) -> anyhow::Result<ExitCode> {
    let loaded = match load_library_classes(Path::new(path), host_log_callback()) {
        Err(e) => {
            println!("{path}: refused: {path} {e}");
            return Ok(ExitCode::FAILURE);
        }
        Ok(loaded) => loaded,
    };
    let classes = &loaded.connectors;
    let library = classes
        .first()
        .map(|c| &c.library)
        .or_else(|| loaded.transforms.first().map(|t| &t.library));
    let Some(library) = library else {
        // load_library refuses a library without classes; kept total for safety.
        println!("{path}: refused: {path} exports no connector classes");
        return Ok(ExitCode::FAILURE);
    };
    let info = &library.info;
    println!(
        "{path}: ok: plugin ABI {}.{} (this worker supports {ABI_MAJOR}.0 to {ABI_MAJOR}.{ABI_MINOR}), built with plugin-sdk {}",
        info.abi_major, info.abi_minor, info.sdk_version
    );
    println!("{} connector class(es):", classes.len());
    for c in classes {
        println!();
        println!(
            "  {} (type {}, version {})",
            c.class,
            c.kind.as_str(),
            c.version
        );
        println!("    task class: {}", c.task_class);
        print_keys(&c.config_def);
    }
    if !loaded.transforms.is_empty() {
        println!();
        println!(
            "{} transformation/predicate class(es):",
            loaded.transforms.len()
        );
    }
    for t in &loaded.transforms {
        println!();
        println!(
            "  {} (type {}, version {})",
            t.class,
            t.kind.as_str(),
            t.version
        );
        print_keys(&t.config_def);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_keys(def: &ConfigDef) {
    let keys = def.keys();
    if keys.is_empty() {
        println!("    config keys: none");
    } else {
        println!("    config keys:");
    }
    for key in keys {
        let default = key
            .default_string()
            .map(|d| format!("default: {d}"))
            .unwrap_or_else(|| {
                if key.is_required() {
                    "required".into()
                } else {
                    "no default".into()
                }
            });
        let doc = key.documentation.trim();
        println!(
            "      {} ({}, {}, importance {}){}{}",
            key.name,
            key.ty.name(),
            default,
            key.importance.name(),
            if doc.is_empty() { "" } else { ": " },
            doc
        );
    }
}
