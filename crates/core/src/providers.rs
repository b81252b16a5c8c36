//! Mail provider presets (data in `assets/providers.toml`): recognise a provider from a
//! domain's MX hosts and propose the policy `mx` lines it documents. Pure.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::rfc::{DomainName, MxPattern};

const PROVIDERS_TOML: &str = include_str!("../../../assets/providers.toml");

/// One provider preset.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Display name.
    pub name: String,
    /// Where the MX names come from.
    pub source: String,
    /// MX host patterns that identify the provider.
    #[serde(rename = "match")]
    pub matches: Vec<String>,
    /// The policy `mx` lines the provider documents.
    pub policy_mx: Vec<String>,
    /// Why these lines.
    pub note: String,
}

#[derive(Debug, Deserialize)]
struct File {
    provider: Vec<Provider>,
}

/// Every preset (empty if the embedded file did not parse, which a unit test rules out).
pub fn providers() -> &'static [Provider] {
    static ALL: OnceLock<Vec<Provider>> = OnceLock::new();
    ALL.get_or_init(|| toml::from_str::<File>(PROVIDERS_TOML).map(|f| f.provider).unwrap_or_default())
}

/// A provider recognised among the MX hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognised {
    /// The preset.
    pub provider: &'static Provider,
    /// The MX hosts it serves.
    pub hosts: Vec<DomainName>,
}

/// The policy `mx` lines proposed for a set of MX hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The providers recognised, in file order.
    pub providers: Vec<Recognised>,
    /// The lines: each provider's documented lines that match one of its hosts, then every
    /// host left uncovered by its exact name.
    pub mx: Vec<MxPattern>,
}

impl Proposal {
    /// One line for people: who serves the mail and which lines to publish, and why.
    pub fn describe(&self) -> String {
        let names: Vec<String> = self
            .providers
            .iter()
            .map(|r| {
                let hosts: Vec<&str> = r.hosts.iter().map(DomainName::as_str).collect();
                format!("{} ({})", r.provider.name, hosts.join(", "))
            })
            .collect();
        let lines: Vec<String> = self.mx.iter().map(|m| format!("mx: {m}")).collect();
        let notes: Vec<&str> = self.providers.iter().map(|r| r.provider.note.as_str()).collect();
        format!(
            "MX hosts of {}; the policy lines the provider documents: {} ({})",
            names.join(" and "),
            lines.join(", "),
            notes.join("; ")
        )
    }
}

fn patterns(list: &[String]) -> impl Iterator<Item = MxPattern> + '_ {
    list.iter().filter_map(|p| MxPattern::parse(p).ok())
}

/// The proposal for these MX hosts, or `None` when no preset recognises any of them.
pub fn propose(mx: &[DomainName]) -> Option<Proposal> {
    let mut recognised = Vec::new();
    let mut lines: Vec<MxPattern> = Vec::new();
    for provider in providers() {
        let hosts: Vec<DomainName> = mx
            .iter()
            .filter(|h| patterns(&provider.matches).any(|p| p.matches(h.as_str())))
            .cloned()
            .collect();
        if hosts.is_empty() {
            continue;
        }
        for line in patterns(&provider.policy_mx) {
            if hosts.iter().any(|h| line.matches(h.as_str())) && !lines.contains(&line) {
                lines.push(line);
            }
        }
        recognised.push(Recognised { provider, hosts });
    }
    if recognised.is_empty() {
        return None;
    }
    for host in mx {
        if !lines.iter().any(|l| l.matches(host.as_str())) {
            lines.push(MxPattern::exact(host.clone()));
        }
    }
    Some(Proposal { providers: recognised, mx: lines })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(names: &[&str]) -> Vec<DomainName> {
        names.iter().map(|n| DomainName::parse(n).unwrap()).collect()
    }

    fn lines(p: &Proposal) -> Vec<String> {
        p.mx.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn the_presets_parse_and_every_pattern_is_valid() {
        let all = providers();
        assert!(all.len() >= 8, "{all:?}");
        for p in all {
            assert!(!p.source.is_empty() && !p.note.is_empty(), "{}", p.name);
            for pat in p.matches.iter().chain(&p.policy_mx) {
                assert!(MxPattern::parse(pat).is_ok(), "{}: {pat}", p.name);
            }
            for pat in patterns(&p.matches) {
                let covered = if pat.is_wildcard() {
                    patterns(&p.policy_mx).any(|l| l == pat)
                } else {
                    patterns(&p.policy_mx).any(|l| l.matches(pat.base().as_str()))
                };
                assert!(covered, "{}: {pat} is recognised but no documented line covers it", p.name);
            }
        }
    }

    #[test]
    fn proton_gets_both_exact_names() {
        let p = propose(&hosts(&["mail.protonmail.ch", "mailsec.protonmail.ch"])).unwrap();
        assert_eq!(p.providers[0].provider.name, "Proton Mail");
        assert_eq!(lines(&p), ["mail.protonmail.ch", "mailsec.protonmail.ch"]);
        assert!(p.describe().contains("Proton Mail (mail.protonmail.ch, mailsec.protonmail.ch)"));
    }

    #[test]
    fn google_legacy_names_get_the_name_and_the_one_label_wildcard() {
        let mx = hosts(&["aspmx.l.google.com", "alt1.aspmx.l.google.com", "alt4.aspmx.l.google.com"]);
        let p = propose(&mx).unwrap();
        assert_eq!(lines(&p), ["aspmx.l.google.com", "*.aspmx.l.google.com"]);
        assert_eq!(lines(&propose(&hosts(&["smtp.google.com"])).unwrap()), ["smtp.google.com"]);
    }

    #[test]
    fn microsoft_gets_the_documented_wildcard() {
        let p = propose(&hosts(&["contoso-com.mail.protection.outlook.com"])).unwrap();
        assert_eq!(lines(&p), ["*.mail.protection.outlook.com"]);
    }

    #[test]
    fn unknown_hosts_change_nothing_and_mixed_sets_keep_their_own_names() {
        assert_eq!(propose(&hosts(&["mx1.example.com", "mx2.example.com"])), None);
        assert_eq!(propose(&[]), None);
        let p = propose(&hosts(&["route1.mx.cloudflare.net", "backup.example.com"])).unwrap();
        assert_eq!(lines(&p), ["route1.mx.cloudflare.net", "backup.example.com"]);
    }
}
