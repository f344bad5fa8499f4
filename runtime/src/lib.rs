//! The Ferry worker. The binary (`src/main.rs`) is a thin CLI over this library; the library is
//! private to the workspace (integration tests in `tests/` use it).

pub mod config;
pub mod errors;
pub mod herder;
pub mod kafka;
pub mod logging;
pub mod plugin;
pub mod rest;
pub mod storage;
pub mod task;
pub mod worker;
