//! Cloudflare Worker targets (module syntax).

use super::template::fill;
use super::{Site, Snippet};

const SINGLE: &str = include_str!("../../../../assets/snippets/worker.js");
const MULTI: &str = include_str!("../../../../assets/snippets/worker-multi.js");

/// A JavaScript string literal. JSON strings are valid JavaScript (ES2019 and later), and
/// serde_json escapes quotes, backslashes and control characters.
fn js_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
}

/// The Cloudflare dashboard steps, then the routes and the alternative (wrangler).
fn route_notes(hosts: &[String]) -> Vec<String> {
    let mut notes = vec![
        "Cloudflare dashboard: Workers & Pages → Create → Hello World (Start with Hello World) → \
         name it (e.g. mta-sts) → Deploy; then Edit code, replace everything with this file → Deploy."
            .to_owned(),
    ];
    for host in hosts {
        notes.push(format!(
            "The Worker's Settings → Domains & Routes → Add → Route {host}/* (pick the zone that holds it), or \
             Custom Domain {host}, which also creates the DNS record and certificate."
        ));
    }
    notes.push(
        "With a route (not a Custom Domain), each host needs a proxied (orange-cloud) DNS record, \
         e.g. AAAA 100:: ."
            .into(),
    );
    notes.push(WRANGLER_HINT.into());
    notes
}

/// The last note of the Worker targets: the wrangler alternative (the wizard shows its key
/// instead).
pub const WRANGLER_HINT: &str = "Or deploy from a directory with npx wrangler deploy: the wrangler target \
                                 writes wrangler.jsonc and this worker.js side by side.";

pub(super) fn single(site: &Site) -> Snippet {
    let d = &site.domain;
    let host = d.policy_host();
    let text = fill(
        SINGLE,
        &[("DOMAIN", d.as_str()), ("HOST", &host), ("POLICY", &js_string(&site.policy.render()))],
    );
    Snippet { text, file_name: "worker.js".into(), notes: route_notes(&[host]) }
}

pub(super) fn multi(sites: &[Site]) -> Snippet {
    let mut entries = String::new();
    let mut hosts = Vec::with_capacity(sites.len());
    for site in sites {
        let host = site.domain.policy_host();
        entries.push_str(&format!("  [{}, {}],\n", js_string(&host), js_string(&site.policy.render())));
        hosts.push(host);
    }
    let text = fill(MULTI, &[("ENTRIES", &entries)]);
    Snippet { text, file_name: "worker.js".into(), notes: route_notes(&hosts) }
}

#[cfg(test)]
mod tests {
    use super::js_string;

    #[test]
    fn js_strings_cannot_break_out() {
        for hostile in [
            "\"; globalThis.pwned = 1; \"",
            "\\\"); //",
            "line\r\nbreak\u{2028}\u{2029}",
            "`${process.exit(1)}`",
            "</script><!--",
            "\u{0}\u{1b}",
        ] {
            let lit = js_string(hostile);
            assert!(lit.starts_with('"') && lit.ends_with('"'), "{lit}");
            let inner = &lit[1..lit.len() - 1];
            let mut escaped = false;
            for c in inner.chars() {
                assert!(escaped || c != '"', "unescaped quote in {lit}");
                assert!(!c.is_control(), "raw control character in {lit}");
                escaped = !escaped && c == '\\';
            }
            assert!(!escaped, "dangling backslash in {lit}");
            assert_eq!(serde_json::from_str::<String>(&lit).unwrap(), hostile);
        }
    }
}
