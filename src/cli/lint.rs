//! `mtasts lint policy FILE|-` and `mtasts lint record TEXT`.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::{Args, Subcommand};
use serde_json::json;

use super::output::{Style, format_finding, print_json_line};
use mtasts_core::finding::{Finding, Severity};
use mtasts_core::rfc::{ParsedRecord, Policy, RecordKind, lint_policy, lint_record};
use mtasts_core::sanitize::sanitize;

/// Read at most this much of a policy: enough to tell the user it is far over 64 KiB.
const POLICY_READ_CAP: u64 = 1024 * 1024;

/// Arguments of `mtasts lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// What to lint.
    #[command(subcommand)]
    pub what: LintWhat,
}

/// The two things `lint` understands.
#[derive(Debug, Subcommand)]
pub enum LintWhat {
    /// Lint a policy file (`-` reads standard input).
    Policy {
        /// The policy file, or `-`.
        file: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Lint a `_mta-sts` (v=STSv1) or `_smtp._tls` (v=TLSRPTv1) TXT value.
    Record {
        /// The TXT value, e.g. "v=STSv1; id=20261129T081500".
        text: String,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `lint`; exit 1 when any finding is an error.
pub fn run(args: &LintArgs, style: &Style) -> Result<ExitCode> {
    match &args.what {
        LintWhat::Policy { file, json } => policy(file, *json, style),
        LintWhat::Record { text, json } => record(text, *json, style),
    }
}

fn has_error(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

fn policy(file: &std::path::Path, json: bool, style: &Style) -> Result<ExitCode> {
    let body = if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(POLICY_READ_CAP)
            .read_to_end(&mut buf)
            .map_err(|e| anyhow!("cannot read standard input: {e}"))?;
        buf
    } else {
        super::read_bounded(file, POLICY_READ_CAP)?
    };
    let lint = lint_policy(&body);
    let failed = has_error(&lint.findings);
    if json {
        print_json_line(&json!({
            "kind": "policy",
            "valid": !failed,
            "strict_valid": lint.strict_valid,
            "lenient_valid": lint.lenient_valid,
            "parsed": lint.policy,
            "findings": lint.findings,
        }))?;
    } else {
        let name = if file.as_os_str() == "-" { "<stdin>".to_owned() } else { file.display().to_string() };
        let state = headline(failed, lint.strict_valid, lint.lenient_valid);
        crate::outln!("{}: {} policy", style.bold(&sanitize(&name)), state);
        if let Some(p) = &lint.policy {
            crate::outln!("  {}", describe_policy(p));
        }
        print_findings(style, &lint.findings);
    }
    Ok(super::exit_for(failed))
}

/// The policy headline; it never says "valid" when an error finding makes the exit status 1.
fn headline(failed: bool, strict_valid: bool, lenient_valid: bool) -> &'static str {
    match (failed, strict_valid, lenient_valid) {
        (false, true, _) => "valid",
        (_, false, true) => "accepted only by lenient senders",
        (false, false, false) | (true, _, _) => "invalid",
    }
}

fn record(text: &str, json: bool, style: &Style) -> Result<ExitCode> {
    let lint = lint_record(text);
    let failed = has_error(&lint.findings);
    let kind = lint.kind.map(|k| match k {
        RecordKind::Sts => "sts",
        RecordKind::TlsRpt => "tlsrpt",
    });
    if json {
        let parsed = match &lint.record {
            Some(ParsedRecord::Sts(r)) => serde_json::to_value(r)?,
            Some(ParsedRecord::TlsRpt(r)) => serde_json::to_value(r)?,
            None => serde_json::Value::Null,
        };
        print_json_line(&json!({
            "kind": kind,
            "valid": !failed,
            "parsed": parsed,
            "findings": lint.findings,
        }))?;
    } else {
        let what = match lint.kind {
            Some(RecordKind::Sts) => "_mta-sts record (v=STSv1)",
            Some(RecordKind::TlsRpt) => "_smtp._tls record (v=TLSRPTv1)",
            None => "record of unknown kind",
        };
        let state = if failed { "invalid" } else { "valid" };
        crate::outln!("{}: {state}", style.bold(what));
        match &lint.record {
            Some(ParsedRecord::Sts(r)) => crate::outln!("  canonical: {}", sanitize(&r.render())),
            Some(ParsedRecord::TlsRpt(r)) => crate::outln!("  canonical: {}", sanitize(&r.render())),
            None => {}
        }
        print_findings(style, &lint.findings);
    }
    Ok(super::exit_for(failed))
}

fn print_findings(style: &Style, findings: &[Finding]) {
    if findings.is_empty() {
        crate::outln!("  no problems found");
    }
    for f in findings {
        crate::out!("{}", format_finding(style, f, 2));
    }
}

/// One line describing a policy: mode, max_age (with days) and the mx patterns.
pub fn describe_policy(p: &Policy) -> String {
    let mx: Vec<String> = p.mx.iter().map(ToString::to_string).collect();
    let days = f64::from(p.max_age) / 86_400.0;
    format!(
        "mode {}, max_age {} ({days:.1} days), mx {}",
        p.mode,
        p.max_age,
        if mx.is_empty() { "(none)".to_owned() } else { mx.join(", ") }
    )
}
