//! Retention: pruning old reports and exporting stored ones (for auditors and spreadsheets),
//! streamed row by row so neither grows with the store.

use rusqlite::{Connection, params};
use serde::Serialize;

use super::auth::Authentication;
use super::rows::{auth_of, unpack};
use super::{ReportError, ReportStore};

/// One stored report as exported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportedReport {
    /// `organization-name` (from outside: sanitize before printing).
    pub organization: Option<String>,
    /// `contact-info` (from outside).
    pub contact: Option<String>,
    /// `report-id` (from outside).
    pub report_id: String,
    /// `date-range.start-datetime`.
    pub start: jiff::Timestamp,
    /// `date-range.end-datetime`.
    pub end: jiff::Timestamp,
    /// When it was stored (for reports moved from the file store: when that stored it).
    pub received: jiff::Timestamp,
    /// How it is authenticated.
    pub authentication: Authentication,
    /// Per policy domain (only the one asked for, when one was), its sessions.
    pub domains: Vec<ExportedDomain>,
    /// The report JSON as received.
    #[serde(skip)]
    pub json: Vec<u8>,
}

/// The sessions of one policy domain in an exported report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportedDomain {
    /// The policy domain.
    pub domain: String,
    /// Successful sessions.
    pub successful: u64,
    /// Failed sessions.
    pub failed: u64,
    /// Failed sessions per (receiving MX, result type), sorted by the pair.
    pub failures: Vec<(String, String, u64)>,
}

impl ReportStore {
    /// Deletes the reports whose date range ended before `before` (with their tallies) and
    /// gives the space back; how many. With `dry_run`, only counts them.
    pub fn prune(&self, before: jiff::Timestamp, dry_run: bool) -> Result<u64, ReportError> {
        let conn = self.conn();
        let err = self.err();
        let cut = before.as_second();
        let n: i64 = if dry_run {
            conn.query_row("SELECT count(*) FROM reports WHERE end_at < ?1", [cut], |r| r.get(0))
                .map_err(&err)?
        } else {
            let n = conn.execute("DELETE FROM reports WHERE end_at < ?1", [cut]).map_err(&err)?;
            conn.execute_batch("PRAGMA incremental_vacuum").map_err(&err)?;
            i64::try_from(n).unwrap_or(i64::MAX)
        };
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Hands every stored report starting at or after `since` (covering `domain`, when given)
    /// to `each`, oldest first, one at a time; stops at the first error `each` returns.
    pub fn export(
        &self,
        since: jiff::Timestamp,
        domain: Option<&str>,
        each: &mut dyn FnMut(ExportedReport) -> std::io::Result<()>,
    ) -> Result<(), ReportError> {
        let conn = self.conn();
        let err = self.err();
        let mut stmt = conn
            .prepare(
                "SELECT r.id, r.organization, r.contact, r.report_id, r.start, r.end, r.received_at,
                        r.auth, r.raw
                 FROM reports r
                 WHERE r.start_at >= ?1 AND (?2 IS NULL OR EXISTS
                     (SELECT 1 FROM report_domains d WHERE d.report = r.id AND d.domain = ?2))
                 ORDER BY r.start_at, r.id",
            )
            .map_err(&err)?;
        let mut rows = stmt.query(params![since.as_second(), domain]).map_err(&err)?;
        while let Some(r) = rows.next().map_err(&err)? {
            let id: i64 = r.get(0).map_err(&err)?;
            let time = |i: usize| -> Result<jiff::Timestamp, ReportError> {
                let text: String = r.get(i).map_err(&err)?;
                text.parse().map_err(|e: jiff::Error| ReportError::Invalid(e.to_string()))
            };
            let received: i64 = r.get(6).map_err(&err)?;
            let packed: Vec<u8> = r.get(8).map_err(&err)?;
            let report = ExportedReport {
                organization: r.get(1).map_err(&err)?,
                contact: r.get(2).map_err(&err)?,
                report_id: r.get(3).map_err(&err)?,
                start: time(4)?,
                end: time(5)?,
                received: jiff::Timestamp::from_second(received).unwrap_or(jiff::Timestamp::UNIX_EPOCH),
                authentication: auth_of(&r.get::<_, String>(7).map_err(&err)?),
                domains: domains_of(&conn, id, domain).map_err(&err)?,
                json: unpack(&packed)
                    .map_err(|source| ReportError::Io { path: self.path().to_owned(), source })?,
            };
            each(report).map_err(|source| ReportError::Io { path: "the output".into(), source })?;
        }
        Ok(())
    }
}

fn domains_of(conn: &Connection, id: i64, only: Option<&str>) -> rusqlite::Result<Vec<ExportedDomain>> {
    let mut stmt = conn.prepare_cached(
        "SELECT domain, successful, failed FROM report_domains
         WHERE report = ?1 AND (?2 IS NULL OR domain = ?2) ORDER BY domain",
    )?;
    let mut pairs = conn.prepare_cached(
        "SELECT mx, result_type, sessions FROM failures WHERE report = ?1 AND domain = ?2
         ORDER BY mx, result_type",
    )?;
    let found = stmt.query_map(params![id, only], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
    })?;
    let mut out = Vec::new();
    for row in found {
        let (domain, successful, failed) = row?;
        let failures = pairs
            .query_map(params![id, domain], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
            })?
            .map(|p| p.map(|(mx, t, n)| (mx, t, u64::try_from(n).unwrap_or(0))))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        out.push(ExportedDomain { domain, successful: n(successful), failed: n(failed), failures });
    }
    Ok(out)
}
