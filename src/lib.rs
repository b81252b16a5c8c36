//! mtasts: takes a domain from "MTA-STS: not configured" to `mode: enforce` without taking
//! its mail offline, and keeps it there.
//!
//! Data flows one way: probe → evidence → judge → findings → (CLI | TUI), and
//! state + now → rollout plan → (CLI | TUI). See `DESIGN.md` for the layers.

pub mod alerts;
pub mod audit;
pub mod cli;
pub mod evidence;
pub mod finding;
pub mod judge;
pub mod lab;
pub mod ops;
pub mod probe;
pub mod providers;
pub mod reports;
pub mod rfc;
pub mod rollout;
pub mod sanitize;
pub mod snippet;
pub mod store;
pub mod tui;
