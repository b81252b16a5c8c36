//! The generated artefacts run by the real programs they are for: nginx, Apache, Caddy, node,
//! workerd and wrangler serve or read them; headless Chromium opens the evidence report; a real
//! Dovecot serves the mailbox `reports fetch` reads; a real Unbound validates DNSSEC in front of
//! the lab. A program that is missing fails the test
//! on CI (`CI=true`) and skips it elsewhere (`tools`: the rule itself).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod nginx;
mod publish_cloudflare;
mod publish_errors;
mod publish_rig;
mod publish_rollout;
mod publish_wizard;
mod report_html;
mod reports_imap;
mod servers;
mod tools;
mod unbound;
mod worker;
mod workerd;
mod wrangler;
