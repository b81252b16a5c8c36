//! The command-line contract, through the built binary: lint, generate, zone files, provider
//! presets, completions, exit codes and bounded inputs, terminal safety, `check --notify` and
//! `--metrics` (secrets kept out of messages), fleet checks handed over as they come, the live
//! evidence report, write targets that are links or not regular files and what each command's
//! help lists; plus the layer rules of DESIGN.md §1 and the fuzz targets' properties over their
//! corpora.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod add_many;
mod check_watch;
mod cli_contract;
mod cli_lint_generate;
mod completions;
mod fleet;
mod fuzz_regressions;
mod help;
mod layers;
mod providers_cli;
mod report_live;
mod shared_worker;
mod terminal_safety;
mod write_targets;
mod zone_cli;
