//! A domain's rollout from start to end: the wizard (scripted in-process, on the real event
//! loop, and in a real pseudo-terminal) and the same rollout through the command line against
//! the lab with the clock moved on: gates, provider switches, lagging nameservers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod nameservers_gate;
mod plan_cli;
mod rollout_cli;
mod tui_demo;
mod tui_loop;
mod tui_pty;
