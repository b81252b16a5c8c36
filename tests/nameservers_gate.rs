//! The gates that depend on a newly published id wait for a lagging nameserver: `demo-fresh`
//! with a stale secondary for `fresh.example`, driven through the command line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use mtasts::lab::{Lab, NsRole, NsSpec, scenario};
use mtasts::rfc::DomainName;
use mtasts::rollout::{DomainState, Phase};
use mtasts::store::Store;

const D: &str = "fresh.example";

struct Env {
    _rt: tokio::runtime::Runtime,
    lab: Lab,
    dir: tempfile::TempDir,
    now: jiff::Timestamp,
}

impl Env {
    fn new() -> Env {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let now = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second()).unwrap();
        let mut s = scenario("demo-fresh").unwrap();
        s.nameservers.push(NsSpec { zone: D.into(), role: NsRole::Stale, sts_txt: Vec::new() });
        let lab = rt.block_on(Lab::start(&s, now)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), &lab.ca_pem).unwrap();
        Env { _rt: rt, lab, dir, now }
    }

    fn run(&self, days: i64, args: &[&str]) -> Output {
        let at = self.now.checked_add(jiff::SignedDuration::from_hours(24 * days)).unwrap();
        let ca = self.dir.path().join("ca.pem");
        Command::new(env!("CARGO_BIN_EXE_mtasts"))
            .args(args)
            .args(["--resolver", &self.lab.dns_addr.to_string()])
            .args(["--ns-port", &self.lab.dns_addr.port().to_string()])
            .args(["--smtp-port", &self.lab.smtp_port.to_string()])
            .args(["--https-port", &self.lab.https_port.to_string()])
            .args(["--ca-file", ca.to_str().unwrap(), "--timeout", "5"])
            .env("MTASTS_STATE_DIR", self.dir.path().join("state"))
            .env("MTASTS_NOW", at.to_string())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    fn state(&self) -> DomainState {
        let store = Store::open(&self.dir.path().join("state")).unwrap();
        store.load(&DomainName::parse(D).unwrap()).unwrap().unwrap()
    }

    fn publish(&self, days: i64) {
        let s = self.state();
        let sts = vec![vec![format!("v=STSv1; id={}", s.plan.id)]];
        self.lab.publish_txt(&format!("_mta-sts.{D}"), sts).unwrap();
        let rua: Vec<&str> = s.plan.rua.iter().map(|r| r.as_str()).collect();
        let rpt = vec![vec![format!("v=TLSRPTv1; rua={}", rua.join(","))]];
        self.lab.publish_txt(&format!("_smtp._tls.{D}"), rpt).unwrap();
        let out = self.run(days, &["generate", "--target", "policy", D]);
        self.lab.publish_policy(D, Some(out.stdout)).unwrap();
    }
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn ok(out: &Output) {
    assert_eq!(out.status.code(), Some(0), "{}", text(out));
}

fn waits_for_the_stale_nameserver(out: &Output) {
    assert_eq!(out.status.code(), Some(1), "{}", text(out));
    assert!(text(out).contains("not every authoritative nameserver serves the new records"), "{}", text(out));
}

#[test]
fn leaving_records_and_the_enforce_switch_wait_for_a_lagging_nameserver() {
    let env = Env::new();
    ok(&env.run(0, &["add", D]));
    ok(&env.run(0, &["advance", D]));
    assert_eq!(env.state().phase, Phase::Records);

    env.publish(0);
    waits_for_the_stale_nameserver(&env.run(0, &["advance", D]));
    assert_eq!(env.state().phase, Phase::Records);
    let check = env.run(0, &["check", D]);
    assert!(text(&check).contains("ns-inconsistent"), "{}", text(&check));
    assert!(text(&check).contains("ns2.fresh.example"), "{}", text(&check));

    env.lab.sync_nameservers();
    ok(&env.run(0, &["advance", D]));
    ok(&env.run(0, &["advance", D, "--path", "nginx"]));
    ok(&env.run(0, &["advance", D]));
    assert_eq!(env.state().phase, Phase::Testing);
    ok(&env.run(31, &["advance", D, "--ack", "no-tlsrpt-reports"]));
    assert_eq!(env.state().phase, Phase::Enforce);

    env.publish(31);
    waits_for_the_stale_nameserver(&env.run(31, &["advance", D]));
    assert_eq!(env.state().phase, Phase::Enforce);
    env.lab.sync_nameservers();
    ok(&env.run(31, &["advance", D]));
    assert_eq!(env.state().phase, Phase::Enforced);
}
