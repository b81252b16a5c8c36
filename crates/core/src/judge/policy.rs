//! The policy fetch and body (RFC 8461 §3.2, §3.3): the host, its certificate, the HTTP
//! response, and the lint of what was served.

use crate::evidence::{CertVerdict, Evidence, FetchOutcome, Lookup, PolicyFetch};
use crate::finding::{Code, Finding, Severity};
use crate::rfc::{MAX_POLICY_BYTES, Mode, Policy, lint_policy};

use super::JudgeContext;
use super::records::StsState;
use super::tls;

/// What the policy checks found.
#[derive(Debug, Clone, Default)]
pub(crate) struct PolicyOutcome {
    /// The findings.
    pub findings: Vec<Finding>,
    /// The policy as parsed from the body (strictly, or leniently when only that works).
    pub parsed: Option<Policy>,
    /// Why a strict sender cannot use the policy, if it cannot.
    pub unusable: Option<String>,
}

/// Whether the policy URL answered 200 (a policy is being served, whatever its quality).
pub(crate) fn served(fetch: &PolicyFetch) -> bool {
    fetch.outcome == FetchOutcome::Response && fetch.status == Some(200)
}

/// Checks the policy host and file. With neither a record nor a served policy there is nothing
/// to check: the missing record already says MTA-STS is not configured.
pub(crate) fn check(ev: &Evidence, ctx: &JudgeContext, sts: &StsState) -> PolicyOutcome {
    let fetch = &ev.policy;
    if *sts == StsState::Missing && !served(fetch) {
        return PolicyOutcome {
            unusable: Some("MTA-STS is not configured".to_owned()),
            ..PolicyOutcome::default()
        };
    }
    let mut out = PolicyOutcome::default();
    let url = fetch.url.as_str();
    let host = ev.policy_host.as_str();
    let fail = |out: &mut PolicyOutcome, f: Finding, why: String| {
        out.findings.push(f);
        out.unusable.get_or_insert(why);
    };
    if let Some(cert) = &fetch.cert {
        if tls::problem(cert.verdict).is_some() {
            let names = match cert.verdict {
                CertVerdict::NameMismatch => String::new(),
                _ => format!("; the certificate names {}", tls::sans(cert)),
            };
            let f = Finding::new(
                Code::PolicyTlsInvalid,
                Severity::Error,
                url,
                format!("senders refuse to fetch the policy: {}{names}", tls::explain(cert, host)),
                tls::fix(cert.verdict, host),
            );
            fail(
                &mut out,
                f,
                format!("the policy host has a bad certificate ({})", tls::short_reason(cert.verdict)),
            );
        } else if let Some(days) = tls::expiring_within(cert, ctx.now, ctx.expiry_warning_days) {
            out.findings.push(Finding::new(
                Code::PolicyCertExpiring,
                Severity::Warning,
                url,
                format!(
                    "the certificate of {host} expires {}; after that senders cannot refresh the \
                     policy",
                    tls::expiry_words(cert, ctx.now, days)
                ),
                format!("renew the certificate of {host} now and check that renewal is automated"),
            ));
        }
    }
    match &fetch.outcome {
        FetchOutcome::HostUnresolved => {
            let how = match &ev.policy_host_addresses {
                Lookup::NxDomain => "does not exist (NXDOMAIN)".to_owned(),
                Lookup::NoData | Lookup::Found(_) => "has no A or AAAA record".to_owned(),
                Lookup::ServFail => "could not be resolved (SERVFAIL)".to_owned(),
                Lookup::Timeout => "could not be resolved (timeout)".to_owned(),
                Lookup::Error(e) => format!("could not be resolved ({e})"),
            };
            let f = Finding::new(
                Code::PolicyHostUnresolvable,
                Severity::Error,
                host,
                format!("the policy host {host} {how}, so senders cannot fetch the policy at {url}"),
                format!(
                    "create an A/AAAA (or CNAME) record for {host} pointing at the web server that serves {url}"
                ),
            );
            fail(&mut out, f, format!("the policy host {host} does not resolve"));
        }
        FetchOutcome::Connect { error } | FetchOutcome::Other { error } => {
            if out.unusable.is_none() {
                let f = fetch_failed(url, host, &format!("the fetch failed: {error}"));
                fail(&mut out, f, "the policy could not be fetched".to_owned());
            }
        }
        FetchOutcome::Timeout => {
            let what = match (fetch.status, &fetch.cert) {
                (Some(status), _) => format!(
                    "the response started (HTTP {status}) but the body was still incomplete at the timeout"
                ),
                (None, Some(_)) => "the TLS handshake succeeded, but no HTTP status line or headers arrived \
                                    before the timeout"
                    .to_owned(),
                (None, None) => "no complete response arrived before the timeout".to_owned(),
            };
            let f = fetch_failed(url, host, &what);
            fail(&mut out, f, "the policy fetch timed out".to_owned());
        }
        FetchOutcome::Response => response(ev, ctx.plan.as_ref().map(|p| p.window_days), &mut out),
    }
    out
}

fn fetch_failed(url: &str, host: &str, what: &str) -> Finding {
    Finding::new(
        Code::PolicyFetchFailed,
        Severity::Error,
        url,
        format!("senders cannot fetch the policy: {what}"),
        format!("make {host} answer HTTPS on port 443 and serve the policy file at {url}"),
    )
}

fn response(ev: &Evidence, window_days: Option<u32>, out: &mut PolicyOutcome) {
    let fetch = &ev.policy;
    let url = fetch.url.as_str();
    let status = fetch.status.unwrap_or(0);
    if let Some(what) = super::cdn::challenge(fetch) {
        out.findings.push(super::cdn::challenge_finding(fetch, &ev.policy_host, &what));
        out.unusable.get_or_insert("the policy host answers with a bot challenge".to_owned());
        return;
    }
    if (300..400).contains(&status) {
        let to = fetch.location.as_deref().unwrap_or("(no Location header)");
        out.findings.push(Finding::new(
            Code::PolicyRedirect,
            Severity::Error,
            url,
            format!("the policy URL answers {status} redirecting to {to}; senders must not follow redirects"),
            format!("serve the file directly at {url} with status 200 (no redirect, also not to https:// or a trailing slash)"),
        ));
        out.unusable.get_or_insert(format!("the policy URL redirects ({status})"));
        return;
    }
    if status != 200 {
        out.findings.push(Finding::new(
            Code::PolicyHttpStatus,
            Severity::Error,
            url,
            format!("the policy URL answers HTTP {status}; only 200 counts as a policy"),
            if super::cdn::github_pages_404(fetch) {
                super::cdn::github_pages_fix(url)
            } else {
                format!("serve the policy file at {url} with status 200")
            },
        ));
        out.unusable.get_or_insert(format!("the policy URL answers HTTP {status}"));
        return;
    }
    let ctype = fetch.content_type.as_deref().unwrap_or("");
    let media = ctype.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("text/plain") {
        let shown =
            if ctype.is_empty() { "no Content-Type".to_owned() } else { format!("Content-Type {ctype:?}") };
        out.findings.push(Finding::new(
            Code::PolicyContentType,
            Severity::Error,
            url,
            format!(
                "the policy is served with {shown}; senders expect text/plain and some reject anything else"
            ),
            "configure the web server to send `Content-Type: text/plain` for /.well-known/mta-sts.txt",
        ));
        out.unusable.get_or_insert(format!("the policy is served with {shown}"));
    }
    if fetch.too_large {
        let message = match fetch.content_length {
            Some(n) if n > MAX_POLICY_BYTES as u64 => format!(
                "the server announces Content-Length: {n}, over the {MAX_POLICY_BYTES}-byte limit; senders \
                 refuse the policy without reading it"
            ),
            _ => format!(
                "the policy body is over {MAX_POLICY_BYTES} bytes; senders stop reading there and discard it"
            ),
        };
        out.findings.push(Finding::new(
            Code::PolicyTooLarge,
            Severity::Error,
            url,
            message,
            "serve only the policy lines (a few hundred bytes); check the URL does not return a web page",
        ));
        out.unusable.get_or_insert("the policy is over 64 KiB".to_owned());
        return;
    }
    body(fetch, window_days, out);
}

fn body(fetch: &PolicyFetch, window_days: Option<u32>, out: &mut PolicyOutcome) {
    let url = fetch.url.as_str();
    let lint = lint_policy(fetch.body.as_deref().unwrap_or_default());
    let lint_has_none = lint.findings.iter().any(|f| f.code == Code::PolicyModeNone);
    out.findings.extend(lint.findings.into_iter().map(|mut f| {
        f.subject = url.to_owned();
        f
    }));
    if !lint.strict_valid {
        out.unusable.get_or_insert(if lint.lenient_valid {
            "the policy parses only under lenient rules".to_owned()
        } else {
            "the policy is invalid".to_owned()
        });
    }
    match lint.policy.as_ref().map(|p| p.mode) {
        Some(Mode::Testing) => out.findings.push(Finding::new(
            Code::PolicyModeTesting,
            Severity::Info,
            url,
            "mode testing: senders deliver even when an MX fails validation and report the failures via \
             TLS-RPT",
            match window_days {
                Some(days) => format!(
                    "once the {days}-day testing window ends with clean TLS-RPT reports, switch to mode: \
                     enforce with a new id"
                ),
                None => "once TLS-RPT reports stay clean for a whole testing window (30 days in an mtasts \
                         rollout), switch to mode: enforce with a new id"
                    .to_owned(),
            },
        )),
        Some(Mode::None) if !lint_has_none => out.findings.push(Finding::new(
            Code::PolicyModeNone,
            Severity::Info,
            url,
            "mode none: senders treat the domain as having no MTA-STS policy",
            "switch to mode: testing (new id) to start protecting the domain, or remove the records \
             after every previously served max_age has passed",
        )),
        _ => {}
    }
    out.parsed = lint.policy;
}
