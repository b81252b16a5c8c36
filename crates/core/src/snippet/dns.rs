//! Zone-file lines for `_mta-sts.DOMAIN` and `_smtp._tls.DOMAIN`.

use super::{Site, Snippet};
use crate::rfc::{RuaUri, StsRecord, TlsRptRecord};

/// TTL for the generated records: short enough to correct a mistake within the hour.
const TTL: u32 = 3600;
/// A single character-string in a TXT record holds at most 255 octets (RFC 1035 §3.3).
const MAX_CHUNK: usize = 255;

pub(super) fn zone(site: &Site) -> Snippet {
    let d = &site.domain;
    let mut notes = Vec::new();
    let rua = if site.rua.is_empty() {
        let default = RuaUri::default_for(d);
        notes.push(format!(
            "No report address was given, so {default} is used: make sure that mailbox exists \
             (or choose another with --rua)."
        ));
        vec![default]
    } else {
        site.rua.clone()
    };
    let sts = StsRecord::new(site.id.clone()).render();
    let tlsrpt = TlsRptRecord::new(rua).render();
    let host = d.policy_host();
    let text = format!(
        "; MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) records for {d}.\n\
         ; Either order is safe for delivery: a sender that finds this record but cannot fetch\n\
         ; the policy treats {d} as having no MTA-STS (RFC 8461 §3.3); until the policy is served,\n\
         ; senders' TLS-RPT reports show sts-policy-fetch-error. Change the id whenever the policy changes.\n\
         {sts_name}. {TTL} IN TXT {sts_txt}\n\
         {rpt_name}. {TTL} IN TXT {rpt_txt}\n\
         ; Also required: {host}. must resolve to the web host serving the policy, e.g.\n\
         ; {host}. {TTL} IN CNAME your-web-host.example.\n\
         ; or {host}. {TTL} IN A / AAAA <address of the web host>\n",
        sts_name = d.child("_mta-sts"),
        sts_txt = quote_txt(&sts),
        rpt_name = d.child("_smtp._tls"),
        rpt_txt = quote_txt(&tlsrpt),
    );
    notes.insert(
        0,
        format!(
            "Add both TXT records to the zone of {d}; in a web DNS console, enter the name without \
             the trailing '.{d}.' and the text without the outer quotes."
        ),
    );
    notes.insert(
        1,
        format!(
            "Point {host} at the host serving the policy (CNAME, or A/AAAA records); its HTTPS \
             certificate must be valid for {host}."
        ),
    );
    Snippet { text, file_name: format!("{d}.mta-sts.zone"), notes }
}

/// Quotes a TXT value as zone-file character-strings: `"` and `\` escaped, bytes outside
/// printable ASCII as `\DDD`, split into several strings of at most 255 octets each.
pub(super) fn quote_txt(value: &str) -> String {
    let bytes = value.as_bytes();
    if bytes.is_empty() {
        return "\"\"".into();
    }
    let parts: Vec<String> = bytes
        .chunks(MAX_CHUNK)
        .map(|chunk| {
            let mut s = String::from("\"");
            for &b in chunk {
                match b {
                    b'"' | b'\\' => {
                        s.push('\\');
                        s.push(char::from(b));
                    }
                    0x20..=0x7e => s.push(char::from(b)),
                    _ => s.push_str(&format!("\\{b:03}")),
                }
            }
            s.push('"');
            s
        })
        .collect();
    parts.join(" ")
}

/// Why the records and the policy may be published in either order (RFC 8461 §3.3), in lines:
/// shown where the user decides (the wizard's records screen).
pub fn order_note(d: &crate::rfc::DomainName) -> [String; 3] {
    [
        format!(
            "Either order is safe for delivery: a sender that finds TXT {} but cannot fetch the \
             policy treats {d} as having no MTA-STS (RFC 8461 §3.3).",
            d.child("_mta-sts")
        ),
        format!(
            "Until {} serves the policy, senders' TLS-RPT reports show sts-policy-fetch-error.",
            d.policy_host()
        ),
        "The wizard asks for the records first; to serve the policy first instead, open the \
         hosting screen now."
            .to_owned(),
    ]
}

#[cfg(test)]
mod tests {
    use super::quote_txt;

    #[test]
    fn escapes_and_splits() {
        assert_eq!(quote_txt("v=STSv1; id=1"), "\"v=STSv1; id=1\"");
        assert_eq!(quote_txt("a\"b\\c\u{e9}"), "\"a\\\"b\\\\c\\195\\169\"");
        assert_eq!(quote_txt(""), "\"\"");
        let long = "x".repeat(300);
        let q = quote_txt(&long);
        assert_eq!(q, format!("\"{}\" \"{}\"", "x".repeat(255), "x".repeat(45)));
    }
}
