//! `mtasts status [DOMAIN] [--json]`: where every tracked domain stands, without probing.

use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::Args;
use serde_json::json;

use super::output::{Style, print_json_line};
use crate::store::Store;
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::{DomainState, HostingPath, StatusView, shared_worker, status_line, worker_served};
use mtasts_core::sanitize::sanitize;

/// Arguments of `mtasts status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Only this domain.
    pub domain: Option<String>,
    /// One JSON object per domain per line.
    #[arg(long)]
    pub json: bool,
}

/// Runs `status`. Exit 0 normally; 1 when a state file could not be read.
pub fn run(
    args: &StatusArgs,
    dir: &std::path::Path,
    style: &Style,
    now: jiff::Timestamp,
) -> Result<ExitCode> {
    let store = Store::open(dir)?;
    let listing: Vec<(String, Result<DomainState, String>)> = match &args.domain {
        Some(raw) => {
            let d = DomainName::parse(raw).map_err(|e| anyhow!("domain {:?}: {e}", sanitize(raw)))?;
            let path = store.path_of(&d).display().to_string();
            match store.load(&d) {
                Ok(Some(s)) => vec![(path, Ok(s))],
                Ok(None) => anyhow::bail!("{d} is not tracked; start with `mtasts add {d}`"),
                Err(e) => vec![(path, Err(e.to_string()))],
            }
        }
        None => store
            .list()?
            .into_iter()
            .map(|(p, r)| (p.display().to_string(), r.map_err(|e| e.to_string())))
            .collect(),
    };
    if listing.is_empty() && !args.json {
        crate::outln!("no domains are tracked yet; start with `mtasts add DOMAIN` (or try `mtasts demo`)");
    }
    let mut unreadable = false;
    let mut shared = Vec::new();
    for (path, entry) in listing {
        match entry {
            Ok(state) => {
                let worker = (state.plan.hosting == Some(HostingPath::WorkerMulti))
                    .then(|| worker_served(&state, state.last_observation.as_ref()));
                let numbers = super::reports::tally_for(dir, &state, now);
                let tally = numbers.as_ref().and_then(|n| n.tally.as_ref());
                let conflicts = numbers.as_ref().map(|n| n.conflicts.as_slice()).unwrap_or_default();
                let view = status_line(&state, state.last_observation.as_ref(), tally, now);
                if args.json {
                    let mut value = serde_json::to_value(&view)?;
                    if let (Some(obj), false) = (value.as_object_mut(), conflicts.is_empty()) {
                        obj.insert("report_conflicts".into(), serde_json::to_value(conflicts)?);
                    }
                    if let (Some(obj), Some(w)) = (value.as_object_mut(), &worker) {
                        obj.insert("shared_worker".into(), json!(w.word()));
                    }
                    print_json_line(&value)?;
                } else {
                    crate::outln!("{}", render(&view, style, now));
                    crate::out!("{}", super::reports::render_conflicts(conflicts, style));
                }
                if worker.is_some() {
                    shared.push(state);
                }
            }
            Err(problem) => {
                unreadable = true;
                if args.json {
                    print_json_line(&json!({"file": path, "error": problem}))?;
                } else {
                    crate::outln!(
                        "{} {}",
                        style.verdict(mtasts_core::finding::Verdict::Fail),
                        sanitize(&problem)
                    );
                }
            }
        }
    }
    let fleet = shared_worker(&shared, |_| None);
    if !args.json && fleet.behind() > 0 {
        let names: Vec<&str> =
            fleet.sites.iter().filter(|s| s.served.needs_redeploy()).map(|s| s.domain.as_str()).collect();
        crate::outln!("{} ({})", style.bold(&fleet.headline()), names.join(", "));
        crate::outln!(
            "  {} mtasts generate --target wrangler --out DIR (every path-C domain), then wrangler deploy",
            style.dim("next:")
        );
    }
    Ok(super::exit_for(unreadable))
}

/// One domain as text: phase and mode, the testing window, the last check, the next action.
pub fn render(v: &StatusView, style: &Style, now: jiff::Timestamp) -> String {
    let mut out = format!("{}  {}  mode {}", style.bold(v.domain.as_str()), v.phase, v.mode);
    if let Some(words) = &v.testing_words {
        out.push_str(&format!("  {words}"));
    }
    match &v.last_check {
        Some(c) => out.push_str(&format!("  last check {} {}", style.verdict(c.verdict), age(now, c.at))),
        None => out.push_str("  never checked"),
    }
    out.push_str(&format!("\n  {} {}", style.dim("next:"), sanitize(&v.next_action)));
    for b in &v.blockers {
        out.push_str(&format!("\n  {} {}", style.dim("blocker:"), sanitize(b)));
    }
    // The live version alone is the normal case; say more only when older ones may be held.
    if v.senders_may_hold.iter().any(|h| !h.live || h.refuses()) {
        for h in &v.senders_may_hold {
            out.push_str(&format!(
                "\n  {} {}",
                style.dim("senders may still hold:"),
                sanitize(&h.describe())
            ));
            if h.refuses() {
                let hosts: Vec<&str> = h.not_covered.iter().map(|d| d.as_str()).collect();
                out.push_str(&format!(" — refuses {}", hosts.join(", ")));
            }
        }
    }
    if let Some(c) = &v.change {
        let current = c.steps.iter().find(|s| s.status == mtasts_core::rollout::StepStatus::Current);
        if let Some(s) = current {
            out.push_str(&format!(
                "\n  {} {} — step {} of {}; see mtasts plan mx {}",
                style.dim("planned change:"),
                sanitize(&c.what),
                s.number,
                c.steps.len(),
                v.domain
            ));
        }
    }
    out
}

/// "3 h ago", "2 d ago": how long ago `then` was.
pub fn age(now: jiff::Timestamp, then: jiff::Timestamp) -> String {
    let secs = now.as_second().saturating_sub(then.as_second()).max(0);
    match secs {
        0..60 => "just now".to_owned(),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86_400 => format!("{} h ago", secs / 3600),
        _ => format!("{} d ago", secs / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        let now: jiff::Timestamp = "2026-11-29T12:00:00Z".parse().unwrap();
        let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        assert_eq!(age(now, at("2026-11-29T11:59:30Z")), "just now");
        assert_eq!(age(now, at("2026-11-29T11:15:00Z")), "45 min ago");
        assert_eq!(age(now, at("2026-11-29T09:00:00Z")), "3 h ago");
        assert_eq!(age(now, at("2026-11-27T12:00:00Z")), "2 d ago");
    }
}
