//! A lab scenario, a state directory and a clock for command-line tests: the real binary runs
//! with `MTASTS_NOW` moved on and its probe options pointed at the lab.

use std::path::PathBuf;
use std::process::{Command, Output};

use mtasts::store::Store;
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::DomainState;
use mtasts_lab::{Lab, Scenario, scenario};

/// The lab on its own runtime, a temporary directory (state, the lab's CA) and the start time.
pub struct LabEnv {
    /// The runtime the lab's servers run on.
    pub rt: tokio::runtime::Runtime,
    /// The lab.
    pub lab: Lab,
    /// Holds the state directory and `ca.pem`.
    pub dir: tempfile::TempDir,
    /// The lab CA's certificate, for `--ca-file`.
    pub ca: PathBuf,
    /// The start time, whole seconds.
    pub now: jiff::Timestamp,
}

impl LabEnv {
    /// Starts the named lab scenario.
    pub fn new(name: &str) -> LabEnv {
        LabEnv::start(&scenario(name).unwrap())
    }

    /// Starts the lab serving `s`.
    pub fn start(s: &Scenario) -> LabEnv {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let now = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second()).unwrap();
        let lab = rt.block_on(Lab::start(s, now)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, &lab.ca_pem).unwrap();
        LabEnv { rt, lab, dir, ca, now }
    }

    /// Where the binary keeps its state.
    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    /// `hours` after the start.
    pub fn at(&self, hours: i64) -> jiff::Timestamp {
        self.now.checked_add(jiff::SignedDuration::from_hours(hours)).unwrap()
    }

    /// `secs` seconds after the start.
    pub fn at_secs(&self, secs: i64) -> jiff::Timestamp {
        self.now.checked_add(jiff::SignedDuration::from_secs(secs)).unwrap()
    }

    /// The options that point the binary's probes at the lab: resolver, ports, CA and
    /// `timeout` seconds per step.
    pub fn probe_args_with_timeout(&self, timeout: u64) -> Vec<String> {
        [
            ("--resolver", self.lab.dns_addr.to_string()),
            ("--smtp-port", self.lab.smtp_port.to_string()),
            ("--https-port", self.lab.https_port.to_string()),
            ("--ca-file", self.ca.display().to_string()),
            ("--timeout", timeout.to_string()),
        ]
        .into_iter()
        .flat_map(|(k, v)| [k.to_owned(), v])
        .collect()
    }

    /// [`LabEnv::probe_args_with_timeout`] with a 5 s timeout.
    pub fn probe_args(&self) -> Vec<String> {
        self.probe_args_with_timeout(5)
    }

    /// The binary with `args`, run `hours` after the start; with `probe`, the options that
    /// point its probes at the lab ([`LabEnv::probe_args`]).
    pub fn command(&self, hours: i64, args: &[&str], probe: bool) -> Command {
        self.command_at(self.at(hours), args, probe)
    }

    /// [`LabEnv::command`] with its clock at `at`.
    pub fn command_at(&self, at: jiff::Timestamp, args: &[&str], probe: bool) -> Command {
        let mut cmd = super::mtasts_at(&self.state_dir(), &at.to_string());
        cmd.args(args);
        if probe {
            cmd.args(self.probe_args());
        }
        cmd
    }

    /// Runs the binary `days` after the start; `add`, `advance` and `check` probe the lab.
    pub fn run_days(&self, days: i64, args: &[&str]) -> Output {
        let probe = matches!(args.first(), Some(&"add") | Some(&"advance") | Some(&"check"));
        self.command(24 * days, args, probe).output().unwrap()
    }

    /// Publishes the `_mta-sts` and `_smtp._tls` records of `domain`'s saved plan, as the user
    /// would.
    pub fn publish_records(&self, domain: &str) {
        let s = self.state(domain);
        let sts = vec![vec![format!("v=STSv1; id={}", s.plan.id)]];
        self.lab.publish_txt(&format!("_mta-sts.{domain}"), sts).unwrap();
        let rua: Vec<&str> = s.plan.rua.iter().map(|r| r.as_str()).collect();
        let rpt = vec![vec![format!("v=TLSRPTv1; rua={}", rua.join(","))]];
        self.lab.publish_txt(&format!("_smtp._tls.{domain}"), rpt).unwrap();
    }

    /// Serves the policy `mtasts generate --target policy` prints for `domain` at `at`.
    pub fn publish_generated_policy(&self, domain: &str, at: jiff::Timestamp) {
        let out = self.command_at(at, &["generate", "--target", "policy", domain], false).output().unwrap();
        assert!(out.status.success(), "generate failed:\n{}", String::from_utf8_lossy(&out.stderr));
        self.lab.publish_policy(domain, Some(out.stdout)).unwrap();
    }

    /// The saved state of `domain`.
    pub fn state(&self, domain: &str) -> DomainState {
        let store = Store::open(&self.state_dir()).unwrap();
        store.load(&DomainName::parse(domain).unwrap()).unwrap().unwrap()
    }
}
