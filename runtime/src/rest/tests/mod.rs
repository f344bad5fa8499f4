//! End-to-end tests of the REST layer: the real hyper server on 127.0.0.1:0 in front of an
//! in-memory [`fake::FakeHerder`], driven over TCP. Golden responses live in `rest/golden/`.

mod connectors;
mod fake;
mod harness;
mod lifecycle;
mod loggers;
mod offsets;
mod plugins;
mod server;
