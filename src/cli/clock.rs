//! "Now" for the whole process: the system clock, or `MTASTS_NOW` (RFC 3339) for tests and
//! rehearsals. Read once here and passed down; nothing else reads the time.

use anyhow::{Context, Result};

/// The environment variable that overrides the clock.
pub const NOW_VAR: &str = "MTASTS_NOW";

/// Reads `MTASTS_NOW` if set (RFC 3339, e.g. `2026-12-29T09:00:00Z`), else the system clock;
/// whole seconds, since everything shown or stored is to the second.
pub fn now() -> Result<jiff::Timestamp> {
    let t = match std::env::var(NOW_VAR) {
        Ok(v) => parse_now(&v)?,
        Err(std::env::VarError::NotPresent) => jiff::Timestamp::now(),
        Err(std::env::VarError::NotUnicode(_)) => anyhow::bail!("{NOW_VAR} is not valid UTF-8"),
    };
    Ok(jiff::Timestamp::from_second(t.as_second())?)
}

/// The clock reports are stamped with as they arrive: [`now`]'s `MTASTS_NOW` when set (every
/// arrival at that instant), else the system clock, read at each arrival.
pub fn arrivals() -> Result<mtasts_reports::ArrivalClock> {
    let clock: mtasts_reports::ArrivalClock = match std::env::var_os(NOW_VAR) {
        Some(_) => {
            let at = now()?;
            std::sync::Arc::new(move || at)
        }
        None => std::sync::Arc::new(jiff::Timestamp::now),
    };
    Ok(clock)
}

fn parse_now(v: &str) -> Result<jiff::Timestamp> {
    v.trim()
        .parse::<jiff::Timestamp>()
        .with_context(|| format!("{NOW_VAR}={v:?} is not an RFC 3339 timestamp such as 2026-12-29T09:00:00Z"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc3339_and_rejects_garbage() {
        assert_eq!(parse_now("2026-11-29T08:15:00Z").unwrap().as_second(), 1_795_940_100);
        let err = parse_now("yesterday").unwrap_err().to_string();
        assert!(err.contains("MTASTS_NOW"), "{err}");
    }
}
