//! The help headings the options are grouped under (see [`super::help`]).

/// The help heading of the probe options.
pub const PROBE: &str = "Probe options";
/// The help heading of `--state-dir` and `--no-color`.
pub const GLOBAL: &str = "Global options";
