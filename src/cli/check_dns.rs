//! The DANE and DNSSEC lines of `check`: TLSA per MX host and the domain's chain, shown only
//! when there is something to show (TLSA records, or a signed zone).

use serde_json::{Value, json};

use super::output::Style;
use mtasts_core::evidence::{Evidence, Lookup};
use mtasts_core::judge::dane::{self, DaneStatus};
use mtasts_core::sanitize::sanitize;

/// Text lines for the report, or nothing when the domain has no TLSA and no DNSSEC keys.
pub fn text(ev: &Evidence, style: &Style) -> String {
    let mut out = String::new();
    for mx in dane::hosts(ev) {
        let status = dane::status(mx);
        if status == DaneStatus::None {
            continue;
        }
        let records = match mx.tlsa.as_ref().map(|t| &t.records) {
            Some(Lookup::Found(list)) => {
                list.iter().map(|r| abbreviated(&r.presentation())).collect::<Vec<_>>().join(", ")
            }
            _ => String::new(),
        };
        out.push_str(&format!(
            "  {:<12} {}: {} {}\n",
            "DANE",
            sanitize(&mx.host),
            status.as_str(),
            style.dim(&format!("({records})"))
        ));
    }
    if let Some(chain) = ev.dnssec_chain.as_ref().filter(|c| mtasts_core::judge::dnssec::signed(c)) {
        out.push_str(&format!("  {:<12} {}\n", "DNSSEC", mtasts_core::judge::dnssec::chain_line(chain)));
    }
    if let Some(line) = mtasts_core::judge::ns::summary(ev) {
        out.push_str(&format!("  {:<12} {}\n", "Nameservers", sanitize(&line)));
    }
    out
}

/// A TLSA record with its data cut to 16 hex digits.
fn abbreviated(presentation: &str) -> String {
    match presentation.rsplit_once(' ') {
        Some((head, data)) if data.len() > 16 => format!("{head} {}…", &data[..16]),
        _ => presentation.to_owned(),
    }
}

/// The `dane` array of the JSON line: status per MX host.
pub fn json(ev: &Evidence) -> Value {
    let hosts: Vec<Value> =
        dane::hosts(ev).into_iter().map(|mx| json!({"host": mx.host, "status": dane::status(mx)})).collect();
    json!(hosts)
}

/// The `nameservers_agree` field of the JSON line: `null` when no nameserver was asked.
pub fn nameservers_agree(ev: &Evidence) -> Value {
    match &ev.nameservers {
        Some(ns) if !ns.servers.is_empty() => json!(mtasts_core::judge::ns::disagreements(ev).is_empty()),
        _ => Value::Null,
    }
}
