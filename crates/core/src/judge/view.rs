//! The one-line summary of what a strict sending MTA would do right now.

use crate::rfc::Mode;

use super::mx::HostState;
use super::records::StsState;

/// What the summary is built from.
pub(crate) struct ViewInput<'a> {
    pub domain: &'a str,
    pub record_name: &'a str,
    pub sts: &'a StsState,
    pub policy_served: bool,
    pub unusable: Option<&'a str>,
    pub mode: Option<Mode>,
    pub hosts: &'a [HostState],
    pub null_mx: bool,
    pub tlsrpt: bool,
    /// Why the MX lookup failed, when the resolver answered SERVFAIL: senders defer mail.
    pub mx_failed: Option<&'a str>,
    /// What a DANE-aware sender does differently, as a sentence.
    pub dane: Option<String>,
}

/// The sentence: what a strict MTA-STS sender does, and where a DANE-aware one would act
/// differently.
pub(crate) fn senders_view(v: &ViewInput<'_>) -> String {
    let mut out = mta_sts_view(v);
    if let Some(dane) = &v.dane {
        out.push(' ');
        out.push_str(dane);
    }
    out
}

fn mta_sts_view(v: &ViewInput<'_>) -> String {
    let d = v.domain;
    if v.null_mx {
        return format!("A strict sender would deliver no mail to {d}: it publishes a null MX.");
    }
    if let Some(why) = v.mx_failed {
        return format!(
            "A strict sender would defer mail to {d}: its MX lookup fails ({why}), so mail waits in the \
             sender's queue and bounces when it expires, as for an unreachable MX."
        );
    }
    match v.sts {
        StsState::Valid(_) => {}
        StsState::Missing if !v.policy_served => {
            return format!("A strict sender would ignore MTA-STS for {d}: MTA-STS is not configured.");
        }
        _ => {
            return format!(
                "A strict sender would ignore MTA-STS for {d}: no valid {} record.",
                v.record_name
            );
        }
    }
    if let Some(why) = v.unusable {
        return format!(
            "A strict sender would ignore MTA-STS for {d}: {why}; without a cached policy it delivers as if \
             MTA-STS were not configured."
        );
    }
    let mode = match v.mode {
        Some(Mode::None) | None => {
            return format!("A strict sender would treat {d} as having no MTA-STS policy (mode none).");
        }
        Some(m) => m,
    };
    if v.hosts.is_empty() {
        return format!("A strict sender would find no MX host to deliver to for {d}.");
    }
    let ok: Vec<&str> = v.hosts.iter().filter(|h| h.refused.is_none()).map(|h| h.host.as_str()).collect();
    let bad: Vec<String> =
        v.hosts.iter().filter_map(|h| h.refused.as_ref().map(|r| format!("{} ({r})", h.host))).collect();
    if mode == Mode::Testing {
        let tail = if bad.is_empty() {
            "every MX passes validation, so there are no failures to report".to_owned()
        } else if v.tlsrpt {
            format!("failures on {} would be reported via TLS-RPT", join(&bad))
        } else {
            format!("failures on {} would go unreported (no valid TLS-RPT record)", join(&bad))
        };
        return format!("A strict sender would apply mode testing to {d}: delivers to all MX; {tail}.");
    }
    if bad.is_empty() {
        format!("A strict sender would deliver over TLS to {} — mode enforce.", join(&ok))
    } else if ok.is_empty() {
        format!(
            "A strict sender would refuse every MX of {d}: {} — mode enforce; mail would not be delivered.",
            join(&bad)
        )
    } else {
        format!(
            "A strict sender would deliver over TLS to {} and refuse {} — mode enforce.",
            join(&ok),
            join(&bad)
        )
    }
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn join<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter().map(|s| s.as_ref()).collect::<Vec<_>>().join(", "),
            last.as_ref()
        ),
    }
}
