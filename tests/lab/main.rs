//! The in-process lab and the probes against it: DNS, SMTP and HTTPS on loopback checked with
//! independent clients, every scenario probed and judged, DNSSEC and DANE, every
//! authoritative nameserver, and the real binary against hostile servers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod dane;
mod hostile;
mod lab;
mod lab_behaviour;
mod lab_publish;
mod lab_tls;
mod nameservers;
mod probe_lab;
mod scenarios;
