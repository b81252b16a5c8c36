//! The pure core of mtasts: everything that decides, and nothing that touches the outside
//! world. No sockets, no files, no clock, no async runtime: callers pass evidence, state and
//! `now` in, and get findings, plans and text back.
//!
//! Data flows one way: evidence → [`judge`] → [`finding`]s, and state + now → [`rollout`]
//! plan. [`snippet`] turns an intended policy into configuration text. See `DESIGN.md`.

pub mod evidence;
pub mod finding;
pub mod judge;
pub mod providers;
pub mod publish;
pub mod redact;
pub mod rfc;
pub mod rollout;
pub mod sanitize;
pub mod snippet;
pub mod words;
