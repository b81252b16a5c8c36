//! A real validating resolver in front of the lab: Unbound (Debian package `unbound`),
//! validating from the lab root. A zone whose DS names another key gets SERVFAIL from it;
//! mtasts asks again with the CD bit, validates itself and reports the broken chain as the one
//! root with the withheld records as its consequences. And Unbound validating a zone that
//! mtasts, validating from the public root, cannot: the report names the disagreement.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use mtasts_core::evidence::{DnssecProof, Evidence, Lookup};
use mtasts_core::finding::Severity;
use mtasts_core::judge::{JudgeContext, Judgement, PRIVATE_ROOT, judge};
use mtasts_core::rfc::DomainName;
use mtasts_lab::{Lab, scenario};
use mtasts_probe::{ProbeConfig, ResolverChoice, Timeouts, probe_domain};

use crate::common::server::Server;

fn now() -> jiff::Timestamp {
    jiff::Timestamp::from_second(jiff::Timestamp::now().as_second()).unwrap()
}

/// Unbound on 127.0.0.1:`port`, sending every question to the lab and validating from its root.
fn unbound(binary: &Path, dir: &Path, lab: &Lab, port: u16) -> Server {
    let anchor = dir.join("root.key");
    std::fs::write(&anchor, lab.dnssec_anchor.as_deref().unwrap()).unwrap();
    let log = dir.join("unbound.log");
    // The lab's delegations name servers on port 53; every zone goes to the lab's port instead.
    let addr = format!("{}@{}", lab.dns_addr.ip(), lab.dns_addr.port());
    let zones = std::iter::once(".").chain(lab.scenario.domains.iter().map(|d| d.name.as_str()));
    let stubs: String =
        zones.map(|z| format!("stub-zone:\n  name: \"{z}\"\n  stub-addr: {addr}\n")).collect();
    let conf = dir.join("unbound.conf");
    std::fs::write(
        &conf,
        format!(
            "server:\n  interface: 127.0.0.1@{port}\n  port: {port}\n  do-daemonize: no\n  username: \"\"\n  \
             chroot: \"\"\n  directory: \"{dir}\"\n  pidfile: \"\"\n  use-syslog: no\n  logfile: \"{log}\"\n  \
             do-ip6: no\n  do-not-query-localhost: no\n  access-control: 127.0.0.0/8 allow\n  \
             trust-anchor-file: \"{anchor}\"\n  val-log-level: 2\n  qname-minimisation: no\n  \
             module-config: \"validator iterator\"\n{stubs}",
            dir = dir.display(),
            log = log.display(),
            anchor = anchor.display(),
        ),
    )
    .unwrap();
    let mut cmd = Command::new(binary);
    cmd.arg("-d").arg("-c").arg(&conf);
    Server::start(cmd, port, &log)
}

/// Starts the lab for `name` and Unbound before it; probes the scenario's first domain through
/// Unbound (`anchor`: validate from the lab root, else from the public one).
async fn through_unbound(binary: &Path, name: &str, anchor: bool) -> (Evidence, Judgement) {
    let lab = Lab::start(&scenario(name).unwrap(), now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let port = crate::common::free_port();
    let _unbound = unbound(binary, dir.path(), &lab, port);
    let mut cfg: ProbeConfig = mtasts::cli::lab::probe_config(&lab, now());
    cfg.resolver = ResolverChoice::At(([127, 0, 0, 1], port).into());
    if !anchor {
        cfg.dnssec_anchor = None;
    }
    cfg.timeouts = Timeouts::uniform(Duration::from_secs(5));
    let ev = probe_domain(&DomainName::parse(&lab.scenario.domains[0].name).unwrap(), &cfg).await;
    let j = judge(&ev, &JudgeContext::new(now()));
    (ev, j)
}

fn error_roots(j: &Judgement) -> Vec<&'static str> {
    j.findings
        .iter()
        .filter(|f| f.severity == Severity::Error && f.is_root())
        .map(|f| f.code.as_str())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unbound_servfails_a_ds_for_another_key_and_mtasts_names_the_one_fault() {
    let Some(binary) = crate::common::require_tool("unbound") else { return };
    let (ev, j) = through_unbound(&binary, "dnssec-bogus", true).await;
    assert_eq!(ev.mx, Lookup::ServFail, "Unbound withholds the MX of a bogus zone");
    let chain = ev.dnssec_chain.as_ref().unwrap();
    assert_eq!(chain.validation, DnssecProof::Bogus, "{chain:?}");
    assert!(chain.ds_mismatch(), "the records came through with CD: {chain:?}");
    assert_eq!(error_roots(&j), ["dnssec-bogus"], "{:#?}", j.findings);
    assert!(j.findings.iter().any(|f| f.code.as_str() == "mx-missing" && !f.is_root()), "{:#?}", j.findings);
    assert!(
        j.senders_view.starts_with("A strict sender would defer mail to bogus.example"),
        "{}",
        j.senders_view
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unbound_validating_from_a_private_root_is_named_as_the_disagreement() {
    let Some(binary) = crate::common::require_tool("unbound") else { return };
    let (ev, j) = through_unbound(&binary, "dane-valid-ee", false).await;
    assert_eq!(ev.sts_dnssec, Lookup::Found(true), "Unbound validates from the lab root");
    assert_eq!(error_roots(&j), ["dnssec-bogus"], "{:#?}", j.findings);
    let root = j.findings.iter().find(|f| f.code.as_str() == "dnssec-bogus" && f.is_root()).unwrap();
    assert!(root.message.starts_with(PRIVATE_ROOT), "{}", root.message);
}
