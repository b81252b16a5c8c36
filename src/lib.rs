//! mtasts: takes a domain from "MTA-STS: not configured" to `mode: enforce` without taking
//! its mail offline, and keeps it there.
//!
//! This crate is the front end and the glue: the command line ([`cli`]), the wizard ([`tui`]),
//! the operations both call ([`ops`]), rollout-state persistence ([`store`]), alerts and the
//! evidence report. The layers below are their own crates: `mtasts-core` (pure model, judge,
//! rollout, snippets), `mtasts-probe` (live probing), `mtasts-reports` (TLS-RPT ingestion),
//! `mtasts-lab` (the loopback lab) and `mtasts-fs` (safe writes). See `DESIGN.md`.

pub mod alerts;
pub mod audit;
pub mod cli;
pub mod ops;
pub mod store;
pub mod tui;
