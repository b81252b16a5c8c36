//! The rows of one stored report: the report (identity, authentication, the JSON as received,
//! gzip-compressed), one tally row per policy domain (indexed by domain and time), one row per
//! (domain, receiving MX, result type) with its failed sessions; and the reads the commands
//! make: one domain's entries over a time range, an indexed query whatever the store's size.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use rusqlite::{Connection, OptionalExtension, params};

use super::auth::Authentication;
use super::counts::DomainCounts;
use super::db::{count, seconds};
use super::entry::ReportEntry;
use super::parse::MAX_REPORT_BYTES;

/// The name of a stored copy in messages: its identity and content hashes (128 bits each), as
/// the file store named its files.
pub fn copy_name(key: &str, content: &str) -> String {
    format!("{}-{}", short(key), short(content))
}

fn short(hex: &str) -> &str {
    hex.get(..32).unwrap_or(hex)
}

/// The stored copy with this identity and content: its row id and authentication.
pub fn find_copy(
    conn: &Connection,
    key: &str,
    content: &str,
) -> rusqlite::Result<Option<(i64, Authentication)>> {
    conn.query_row(
        "SELECT id, auth FROM reports WHERE key = ?1 AND content = ?2",
        params![key, content],
        |r| Ok((r.get::<_, i64>(0)?, auth_of(&r.get::<_, String>(1)?))),
    )
    .optional()
}

/// The other stored copies of a report identity (different content), by name.
pub fn copies_of(conn: &Connection, key: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT content FROM reports WHERE key = ?1 ORDER BY content")?;
    let names = stmt.query_map([key], |r| r.get::<_, String>(0))?;
    names.map(|c| c.map(|c| copy_name(key, &c))).collect()
}

/// Records a better authentication for a stored report.
pub fn set_auth(conn: &Connection, id: i64, auth: &Authentication) -> rusqlite::Result<()> {
    let text = serde_json::to_string(auth).unwrap_or_default();
    conn.execute(
        "UPDATE reports SET auth = ?1, auth_rank = ?2 WHERE id = ?3",
        params![text, auth.rank(), id],
    )?;
    Ok(())
}

/// Inserts a new report (its entry already bounded) with its tallies; its row id. The caller
/// holds the transaction.
pub fn insert(conn: &Connection, entry: &ReportEntry, raw: &[u8], received: i64) -> rusqlite::Result<i64> {
    let auth = serde_json::to_string(&entry.auth).unwrap_or_default();
    let packed = pack(raw).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    conn.prepare_cached(
        "INSERT INTO reports (key, content, organization, contact, report_id, start, end, start_at,
             end_at, auth, auth_rank, received_at, raw)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        entry.key,
        entry.content,
        entry.organization,
        entry.contact,
        entry.report_id,
        entry.start.to_string(),
        entry.end.to_string(),
        seconds(entry.start),
        seconds(entry.end),
        auth,
        entry.auth.rank(),
        received,
        packed
    ])?;
    let id = conn.last_insert_rowid();
    let day = entry.start.to_zoned(jiff::tz::TimeZone::UTC).date().to_string();
    let mut domain_row = conn.prepare_cached(
        "INSERT INTO report_domains (report, domain, start_at, end_at, day, successful, failed, counts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut failure_row = conn.prepare_cached(
        "INSERT INTO failures (report, domain, mx, result_type, sessions) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT DO UPDATE SET sessions = min(sessions + excluded.sessions, 9223372036854775807)",
    )?;
    for (domain, c) in &entry.domains {
        let counts = serde_json::to_string(c).unwrap_or_default();
        domain_row.execute(params![
            id,
            domain,
            seconds(entry.start),
            seconds(entry.end),
            day,
            count(c.successful),
            count(c.failed),
            counts
        ])?;
        for f in &c.failures {
            failure_row.execute(params![id, domain, f.mx, f.result_type, count(f.sessions)])?;
        }
    }
    Ok(id)
}

/// Which of a domain's reports to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Range {
    /// Only reports ending after this instant.
    pub ending_after: Option<jiff::Timestamp>,
    /// Only reports starting at or after this instant.
    pub starting_from: Option<jiff::Timestamp>,
}

/// The entries of `domain` in `range`, each holding only that domain's counts (a superset by
/// up to a second at the edges: the pure summaries filter exactly).
pub fn entries_for(conn: &Connection, domain: &str, range: Range) -> rusqlite::Result<Vec<ReportEntry>> {
    let after = range.ending_after.map_or(i64::MIN, |t| seconds(t).saturating_sub(1));
    let from = range.starting_from.map_or(i64::MIN, |t| seconds(t).saturating_sub(1));
    let mut stmt = conn.prepare_cached(
        "SELECT r.key, r.content, r.organization, r.contact, r.report_id, r.start, r.end, r.auth,
                d.counts
         FROM report_domains d JOIN reports r ON r.id = d.report
         WHERE d.domain = ?1 AND d.end_at >= ?2 AND d.start_at >= ?3",
    )?;
    let rows = stmt.query_map(params![domain, after, from], |r| {
        let counts: DomainCounts = serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or_default();
        Ok(ReportEntry {
            key: r.get(0)?,
            content: r.get(1)?,
            organization: r.get(2)?,
            contact: r.get(3)?,
            report_id: r.get(4)?,
            start: time(&r.get::<_, String>(5)?),
            end: time(&r.get::<_, String>(6)?),
            domains: [(domain.to_owned(), counts)].into_iter().collect(),
            auth: auth_of(&r.get::<_, String>(7)?),
        })
    })?;
    rows.collect()
}

/// Every policy domain with stored reports, sorted.
pub fn domains(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT DISTINCT domain FROM report_domains ORDER BY domain")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.collect()
}

fn time(s: &str) -> jiff::Timestamp {
    s.parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// The stored authentication text as an [`Authentication`] (unrecorded when unreadable).
pub fn auth_of(s: &str) -> Authentication {
    serde_json::from_str(s).unwrap_or_default()
}

fn pack(raw: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(raw)?;
    gz.finish()
}

/// A stored report's JSON as received (decompressed; at most [`MAX_REPORT_BYTES`]).
pub fn unpack(packed: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    GzDecoder::new(packed).take(MAX_REPORT_BYTES + 1).read_to_end(&mut out)?;
    if out.len() as u64 > MAX_REPORT_BYTES {
        return Err(std::io::Error::other("a stored report is larger than a report may be"));
    }
    Ok(out)
}
