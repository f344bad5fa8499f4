//! The Ferry worker. The binary (`src/main.rs`) is a thin CLI over this library; the library is
//! private to the workspace (integration tests in `tests/` use it).

pub mod config;
pub mod plugin;
pub mod task;
