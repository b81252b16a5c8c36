//! `check --metrics FILE` and `check --notify URL`: what a cron job needs to tell someone the
//! day something changes. The comparison and the metrics text are pure ([`crate::alerts`]);
//! this module loads and saves each domain's alert memory
//! (`<state-dir>/alerts/<domain>.json`, atomic writes), writes the metrics file atomically and
//! POSTs the changes.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use serde_json::json;

use super::ctx::Ctx;
use crate::alerts::metrics::{CertRole, DomainMetrics, render};
use crate::alerts::{Change, Current, Memory, Rules, Seen, diff};
use crate::ops::Checked;
use crate::store::Store;
use mtasts_core::finding::Severity;
use mtasts_core::rollout::{DomainState, testing_progress};
use mtasts_core::sanitize::sanitize;

/// Largest alert memory file read back.
const MAX_MEMORY_BYTES: u64 = 1024 * 1024;

/// The monitoring options of `mtasts check`.
#[derive(Debug, Clone, Default, Args)]
pub struct WatchArgs {
    /// Write Prometheus metrics to FILE (node_exporter textfile collector), atomically.
    #[arg(long, value_name = "FILE")]
    pub metrics: Option<PathBuf>,
    /// POST a JSON document of the changes since the previous check to URL (nothing when
    /// nothing changed).
    #[arg(long, value_name = "URL")]
    pub notify: Option<String>,
    /// With --notify: announce a finding that is still present again every N days.
    #[arg(long, value_name = "N", default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..))]
    pub remind_days: u32,
}

/// One checked domain with its state after the check (`None` when untracked).
struct Domain<'a> {
    checked: &'a Checked,
    state: Option<DomainState>,
}

impl WatchArgs {
    /// Whether `--notify` or `--metrics` was given.
    pub fn active(&self) -> bool {
        self.metrics.is_some() || self.notify.is_some()
    }
}

/// After `check` has recorded its results: updates the alert memory, POSTs the changes
/// (`--notify`, on the command's runtime) and writes the metrics file (`--metrics`). Errors are
/// printed; returns false when any of them failed.
pub fn after_check(
    args: &WatchArgs,
    state_dir: &Path,
    store: &Store,
    checked: &[Checked],
    ctx: &Ctx,
) -> bool {
    let now = ctx.now;
    let domains: Vec<Domain> =
        checked.iter().map(|c| Domain { checked: c, state: store.load(&c.domain).ok().flatten() }).collect();
    let mut ok = true;
    if let Err(e) = alerts(args, state_dir, &domains, ctx) {
        let text = format!("{e:#}");
        eprintln!("mtasts: --notify: {}", sanitize(&mtasts_core::redact::redact_urls(&text)));
        ok = false;
    }
    if let Some(path) = &args.metrics {
        let text = render(&domains.iter().map(|d| metrics_of(d, state_dir, now)).collect::<Vec<_>>());
        if let Err(e) = mtasts_fs::write_atomic(path, text.as_bytes()) {
            eprintln!(
                "mtasts: cannot write the metrics to {}: {}",
                sanitize(&path.display().to_string()),
                sanitize(&e.to_string())
            );
            ok = false;
        }
    }
    ok
}

fn alerts(args: &WatchArgs, state_dir: &Path, domains: &[Domain], ctx: &Ctx) -> Result<()> {
    let now = ctx.now;
    let dir = state_dir.join("alerts");
    let rules = Rules {
        remind_days: i64::from(args.remind_days),
        expiry_warning_days: mtasts_core::judge::DEFAULT_EXPIRY_WARNING_DAYS,
    };
    let mut report = Vec::new();
    let mut memories = Vec::new();
    for d in domains.iter().filter(|d| d.state.is_some() || args.notify.is_some()) {
        let path = dir.join(format!("{}.json", d.checked.domain.as_str()));
        let prev = load_memory(&path)?;
        let (changes, memory) = diff(prev.as_ref(), &current(d, now), now, rules);
        for change in changes {
            report.push(with_domain(d.checked.domain.as_str(), &change)?);
        }
        memories.push((path, memory));
    }
    if let Some(url) = &args.notify
        && !report.is_empty()
    {
        ctx.rt.block_on(post(url, &json!({"checked_at": now, "changes": report})))?;
    }
    if !memories.is_empty() {
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    for (path, memory) in memories {
        let bytes = serde_json::to_vec_pretty(&memory)?;
        mtasts_fs::write_atomic(&path, &bytes).with_context(|| format!("cannot save {}", path.display()))?;
    }
    Ok(())
}

fn with_domain(domain: &str, change: &Change) -> Result<serde_json::Value> {
    let mut v = serde_json::to_value(change)?;
    if let Some(map) = v.as_object_mut() {
        map.insert("domain".to_owned(), json!(domain));
    }
    Ok(v)
}

fn load_memory(path: &Path) -> Result<Option<Memory>> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(anyhow!("cannot read {}: {e}", path.display())),
        Ok(m) if m.file_type().is_symlink() => return Err(mtasts_fs::symlink_refused(path).into()),
        Ok(_) => {}
    }
    let bytes = super::read_bounded(path, MAX_MEMORY_BYTES)?;
    // A memory that no longer parses is started afresh: it only decides what is "new".
    Ok(serde_json::from_slice(&bytes).ok())
}

fn certs(c: &Checked) -> Vec<(CertRole, String, jiff::Timestamp)> {
    let mut out = Vec::new();
    let mx = c.evidence.mx.found().into_iter().flatten().chain(c.evidence.implicit_mx.as_ref());
    for m in mx {
        let after = m.probes.iter().filter_map(|p| p.tls.as_ref()?.cert.not_after).min();
        if let Some(after) = after {
            out.push((CertRole::Mx, m.host.clone(), after));
        }
    }
    if let Some(after) = c.evidence.policy.cert.as_ref().and_then(|cert| cert.not_after) {
        out.push((CertRole::Policy, c.evidence.policy_host.clone(), after));
    }
    out
}

fn current(d: &Domain, now: jiff::Timestamp) -> Current {
    let findings = d.checked.judgement.findings.iter().filter(|f| f.severity >= Severity::Warning);
    Current {
        findings: findings
            .map(|f| Seen {
                code: f.code.as_str().to_owned(),
                severity: f.severity,
                subject: f.subject.clone(),
                message: f.message.clone(),
            })
            .collect(),
        phase: d.state.as_ref().map(|s| s.phase),
        window_ends: d.state.as_ref().and_then(|s| testing_progress(s, now)).map(|p| p.ends_at),
        certs: certs(d.checked).into_iter().map(|(_, host, after)| (host, after)).collect(),
    }
}

fn metrics_of(d: &Domain, state_dir: &Path, now: jiff::Timestamp) -> DomainMetrics {
    let state = d.state.as_ref();
    let numbers = state.and_then(|s| super::reports::tally_for(state_dir, s, now));
    let sessions = numbers.and_then(|n| match (n.tally, n.summary) {
        (Some(t), _) => Some((t.successful_sessions, t.failed_sessions)),
        (None, Some(s)) => Some((s.counts.total().saturating_sub(s.counts.failed), s.counts.failed)),
        (None, None) => None,
    });
    DomainMetrics {
        domain: d.checked.domain.as_str().to_owned(),
        checked_at: d.checked.at,
        verdict: d.checked.judgement.verdict,
        phase: state.map(|s| s.phase),
        testing_days_remaining: state.and_then(|s| testing_progress(s, now)).map(|p| p.days_remaining),
        certs: certs(d.checked),
        sessions,
    }
}

/// POSTs the changes to the hook; every error shows the URL without its secrets (userinfo,
/// query values).
async fn post(url: &str, body: &serde_json::Value) -> Result<()> {
    let shown = mtasts_core::redact::redact_url(url);
    let parsed = reqwest::Url::parse(url).map_err(|e| anyhow!("{shown:?} is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        bail!("{shown:?} is not an http or https URL");
    }
    let bytes = serde_json::to_vec(body)?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let response = client
        .post(parsed)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(bytes)
        .send()
        .await
        .map_err(|e| anyhow!("cannot deliver to {shown}: {}", e.without_url()))?;
    let status = response.status();
    if !status.is_success() {
        bail!("{shown} answered {status}; the changes will be sent again by the next check");
    }
    Ok(())
}
