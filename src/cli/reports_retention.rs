//! `mtasts reports prune --older-than AGE` and `mtasts reports export --since DATE [--domain D]
//! --format json|csv`.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::output::{Style, print_json_line};
use mtasts_core::sanitize::sanitize;
use mtasts_reports::{ExportedReport, ReportStore};

/// How old a report must be to be pruned: whole days (`400d`) or weeks (`57w`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age {
    /// In days.
    pub days: u32,
}

impl std::str::FromStr for Age {
    type Err = String;

    fn from_str(s: &str) -> Result<Age, String> {
        let bad = || format!("{s:?}: give days or weeks, such as 400d or 57w");
        let s = s.trim();
        let (n, unit) = s.split_at(s.len().saturating_sub(1));
        let n: u32 = n.parse().map_err(|_| bad())?;
        let days = match unit {
            "d" => Some(n),
            "w" => n.checked_mul(7),
            _ => None,
        };
        match days {
            Some(days) if (1..=36_500).contains(&days) => Ok(Age { days }),
            _ => Err(bad()),
        }
    }
}

/// What `reports export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per report per line, the report as received under `report`.
    Json,
    /// One row per report and policy domain, with a header row (RFC 4180).
    Csv,
}

/// Deletes the reports that ended more than `age` before `now`.
pub fn prune(
    store: &ReportStore,
    age: Age,
    dry_run: bool,
    now: Timestamp,
    style: &Style,
) -> Result<ExitCode> {
    let before = now
        .checked_sub(SignedDuration::from_hours(24 * i64::from(age.days)))
        .map_err(|e| anyhow!("--older-than {}d: {e}", age.days))?;
    let n = store.prune(before, dry_run)?;
    let day = before.to_zoned(TimeZone::UTC).date();
    let left = store.count()?;
    let verb = if dry_run { "would prune" } else { "pruned" };
    let kept = if dry_run { left.saturating_sub(n) } else { left };
    crate::outln!(
        "{verb} {} that ended before {day} (older than {} days); {kept} kept",
        style.bold(&mtasts_reports::words::reports(u32::try_from(n).unwrap_or(u32::MAX))),
        age.days
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes the stored reports starting on or after `since` (UTC), of `domain` when given.
pub fn export(
    store: &ReportStore,
    since: jiff::civil::Date,
    domain: Option<&str>,
    format: ExportFormat,
) -> Result<ExitCode> {
    let domain = domain
        .map(|d| mtasts_core::rfc::DomainName::parse(d).map_err(|e| anyhow!("domain {:?}: {e}", sanitize(d))))
        .transpose()?;
    let from = since.to_zoned(TimeZone::UTC).map_err(|e| anyhow!("--since {since}: {e}"))?.timestamp();
    let terminal = std::io::stdout().is_terminal();
    if format == ExportFormat::Csv {
        crate::outln!("{}", csv_row(&HEADER.map(str::to_owned), false));
    }
    let mut failed = None;
    store.export(from, domain.as_ref().map(|d| d.as_str()), &mut |r| {
        let written = match format {
            ExportFormat::Json => json_line(&r),
            ExportFormat::Csv => {
                for row in csv_rows(&r) {
                    crate::outln!("{}", csv_row(&row, terminal));
                }
                Ok(())
            }
        };
        written.map_err(|e| {
            failed = Some(e.to_string());
            std::io::Error::other("stopped")
        })
    })?;
    if let Some(e) = failed {
        bail!("cannot export: {e}");
    }
    Ok(ExitCode::SUCCESS)
}

fn json_line(r: &ExportedReport) -> Result<()> {
    let mut value = serde_json::to_value(r)?;
    let report: serde_json::Value = serde_json::from_slice(&r.json)?;
    if let Some(obj) = value.as_object_mut() {
        obj.insert("report".into(), report);
    }
    print_json_line(&value)
}

const HEADER: [&str; 11] = [
    "start",
    "end",
    "domain",
    "organization",
    "contact",
    "report_id",
    "successful_sessions",
    "failed_sessions",
    "failures",
    "authentication",
    "received",
];

/// One row per policy domain of the report: its sessions and its failures as
/// `<mx> <result type> <sessions>` joined by `; `.
fn csv_rows(r: &ExportedReport) -> Vec<[String; 11]> {
    r.domains
        .iter()
        .map(|d| {
            let failures: Vec<String> = d.failures.iter().map(|(mx, t, n)| format!("{mx} {t} {n}")).collect();
            [
                r.start.to_string(),
                r.end.to_string(),
                d.domain.clone(),
                r.organization.clone().unwrap_or_default(),
                r.contact.clone().unwrap_or_default(),
                r.report_id.clone(),
                d.successful.to_string(),
                d.failed.to_string(),
                failures.join("; "),
                r.authentication.to_string(),
                r.received.to_string(),
            ]
        })
        .collect()
}

/// One CSV line (RFC 4180: a field holding a comma, quote, CR or LF, or starting or ending with
/// a space, is quoted, its quotes doubled). On a terminal every field is sanitised first.
pub fn csv_row(fields: &[String], terminal: bool) -> String {
    let quote = |f: &String| {
        let f = if terminal { sanitize(f).into_owned() } else { f.clone() };
        let needs = f.contains([',', '"', '\r', '\n']) || f.starts_with(' ') || f.ends_with(' ');
        if needs { format!("\"{}\"", f.replace('"', "\"\"")) } else { f }
    };
    fields.iter().map(quote).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_csv_quoting() {
        assert_eq!("400d".parse::<Age>(), Ok(Age { days: 400 }));
        assert_eq!("2w".parse::<Age>(), Ok(Age { days: 14 }));
        for bad in ["", "d", "400", "0d", "-1d", "1y", "99999999999d"] {
            assert!(bad.parse::<Age>().is_err(), "{bad}");
        }
        let row = ["a,b", "say \"hi\"", "line\nbreak", "plain", " pad", "\u{1b}[2J"].map(str::to_owned);
        assert_eq!(
            csv_row(&row, false),
            "\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\",plain,\" pad\",\u{1b}[2J"
        );
        assert!(!csv_row(&row, true).contains('\u{1b}'));
    }
}
