//! Every lab scenario, probed for real over loopback and judged: the exact set of error and
//! warning codes and the verdict a strict sender's view adds up to.

use std::time::Duration;

use mtasts_core::finding::{Severity, Verdict};
use mtasts_core::judge::{JudgeContext, Judgement, judge};
use mtasts_core::rfc::DomainName;
use mtasts_lab::{ALL_SCENARIOS, Lab, scenario};
use mtasts_probe::{Timeouts, probe_domain};

fn now() -> jiff::Timestamp {
    "2026-11-29T09:00:00Z".parse().unwrap()
}

async fn judge_scenario(name: &str) -> Vec<(String, Judgement)> {
    let s = scenario(name).unwrap_or_else(|| panic!("no scenario {name}"));
    let lab = Lab::start(&s, now()).await.unwrap();
    let mut cfg = mtasts::cli::lab::probe_config(&lab, now());
    cfg.timeouts = Timeouts::uniform(Duration::from_secs(3));
    let mut out = Vec::new();
    for d in &s.domains {
        let domain = DomainName::parse(&d.name).unwrap();
        let ev = probe_domain(&domain, &cfg).await;
        out.push((d.name.clone(), judge(&ev, &JudgeContext::new(now()))));
    }
    out
}

/// The codes of the warnings and errors that are faults of their own (not consequences of
/// another finding), sorted.
fn problems(j: &Judgement) -> Vec<&'static str> {
    let mut v: Vec<&str> = j
        .findings
        .iter()
        .filter(|f| f.severity > Severity::Info && f.is_root())
        .map(|f| f.code.as_str())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

use Verdict::{Fail, Pass, Warn};

/// (scenario, domain, error and warning codes, verdict, a piece of the sender's view).
const EXPECTED: &[(&str, &str, &[&str], Verdict, &str)] = &[
    ("all-good-enforce", "good.example", &[], Pass, "deliver over TLS to mx1.good.example — mode enforce"),
    ("all-good-testing", "testing.example", &[], Pass, "apply mode testing to testing.example"),
    (
        "wildcard-policy",
        "wildcard.example",
        &[],
        Pass,
        "mx1.mail.wildcard.example and mx2.mail.wildcard.example",
    ),
    ("mode-none", "mode-none.example", &[], Pass, "no MTA-STS policy (mode none)"),
    ("policy-text-html", "html.example", &["policy-content-type"], Fail, "ignore MTA-STS"),
    ("policy-redirect-301", "redirect.example", &["policy-redirect"], Fail, "redirects (301)"),
    ("policy-404", "notfound.example", &["policy-http-status"], Fail, "HTTP 404"),
    ("invalid-mode", "invalid-mode.example", &["policy-invalid"], Fail, "the policy is invalid"),
    (
        "policy-cert-wrong-name",
        "wrongcert.example",
        &["policy-tls-invalid"],
        Fail,
        "certificate name mismatch",
    ),
    (
        "policy-mx-missing-dns-mx",
        "uncovered.example",
        &["mx-not-covered"],
        Fail,
        "refuse backup.uncovered.example (not covered by the policy)",
    ),
    (
        "mx-two-labels-under-wildcard",
        "deep.example",
        &["mx-not-covered", "mx-pattern-unused"],
        Fail,
        "refuse every MX",
    ),
    ("mx-cert-expired", "expired.example", &["mx-cert-expired"], Fail, "(certificate expired)"),
    ("mx-cert-self-signed", "selfsigned.example", &["mx-cert-untrusted"], Fail, "(self-signed certificate)"),
    (
        "mx-cert-wrong-name",
        "mx-wrongname.example",
        &["mx-cert-name-mismatch"],
        Fail,
        "(certificate name mismatch)",
    ),
    ("mx-no-starttls", "nostarttls.example", &["mx-starttls-missing"], Fail, "(no STARTTLS)"),
    ("mx-refuses-connections", "refused.example", &["mx-unreachable"], Fail, "(unreachable)"),
    ("mx-stalls-after-banner", "stalled.example", &["mx-unreachable"], Fail, "(stalls)"),
    ("invalid-id", "badid.example", &["sts-record-invalid"], Fail, "no valid _mta-sts.badid.example record"),
    (
        "two-sts-records",
        "twosts.example",
        &["sts-record-multiple"],
        Fail,
        "no valid _mta-sts.twosts.example record",
    ),
    ("txt-split-in-two-strings", "split.example", &[], Pass, "deliver over TLS to mx1.split.example"),
    ("no-tlsrpt-record", "nortls.example", &["tlsrpt-record-missing"], Warn, "deliver over TLS"),
    ("invalid-rua", "badrua.example", &["tlsrpt-record-invalid"], Warn, "deliver over TLS"),
    (
        "no-mta-sts",
        "plain.example",
        &["sts-record-missing", "tlsrpt-record-missing"],
        Fail,
        "MTA-STS is not configured",
    ),
    ("policy-over-64k", "large.example", &["policy-too-large"], Fail, "over 64 KiB"),
    ("policy-with-bom", "bom.example", &["policy-invalid", "policy-lenient-only"], Fail, "lenient rules"),
    ("mx-cert-expiring-5-days", "expiring.example", &["mx-cert-expiring"], Warn, "deliver over TLS"),
    ("policy-host-unresolvable", "nohost.example", &["policy-host-unresolvable"], Fail, "does not resolve"),
    ("mx-cert-not-yet-valid", "early.example", &["mx-cert-expired"], Fail, "(certificate not yet valid)"),
    ("sts-cname-delegation", "delegated.example", &[], Pass, "deliver over TLS to mx1.delegated.example"),
    ("mx-no-address", "dangling.example", &["mx-unreachable"], Fail, "mx1.dangling.example (no address)"),
    (
        "hostile-smtp-endless-banner",
        "endless-banner.example",
        &["mx-unreachable"],
        Fail,
        "(does not speak SMTP)",
    ),
    (
        "hostile-smtp-continuation-lines",
        "many-lines.example",
        &["mx-unreachable"],
        Fail,
        "(does not speak SMTP)",
    ),
    (
        "hostile-smtp-starttls-garbage",
        "tls-garbage.example",
        &["mx-unreachable"],
        Fail,
        "(TLS handshake fails)",
    ),
    ("hostile-smtp-slowloris", "slowloris.example", &["mx-unreachable"], Fail, "(too slow)"),
    ("hostile-https-endless-body", "endless-body.example", &["policy-too-large"], Fail, "over 64 KiB"),
    ("hostile-https-huge-length", "huge-length.example", &["policy-too-large"], Fail, "over 64 KiB"),
    ("hostile-https-no-headers", "no-headers.example", &["policy-fetch-failed"], Fail, "timed out"),
    ("hostile-https-http10", "http10.example", &[], Pass, "deliver over TLS to mx1.http10.example"),
    (
        "hostile-dns-many-txt-strings",
        "many-strings.example",
        &["sts-record-invalid"],
        Fail,
        "no valid _mta-sts.many-strings.example record",
    ),
    ("hostile-dns-cname-loop", "cname-loop.example", &["sts-record-missing"], Fail, "ignore MTA-STS"),
    ("hostile-dns-100-mx", "hundred-mx.example", &[], Pass, "mx100.hundred-mx.example"),
    ("policy-bot-challenge", "challenged.example", &["policy-bot-challenge"], Fail, "bot challenge"),
    ("policy-github-pages", "pages.example", &["policy-http-status"], Fail, "HTTP 404"),
    ("demo", "good.example", &[], Pass, "deliver over TLS"),
    ("demo", "expired.example", &["mx-cert-expired"], Fail, "(certificate expired)"),
    ("demo", "html.example", &["policy-content-type"], Fail, "ignore MTA-STS"),
    ("demo", "testing.example", &[], Pass, "apply mode testing"),
    (
        "demo-fresh",
        "fresh.example",
        &["sts-record-missing", "tlsrpt-record-missing"],
        Fail,
        "MTA-STS is not configured",
    ),
    (
        "demo",
        "fresh.example",
        &["sts-record-missing", "tlsrpt-record-missing"],
        Fail,
        "MTA-STS is not configured",
    ),
    ("dane-valid-ee", "dane-ee.example", &[], Pass, "deliver over TLS to mx1.dane-ee.example"),
    ("dane-valid-ta", "dane-ta.example", &[], Pass, "deliver over TLS to mx1.dane-ta.example"),
    ("dane-previous-key", "dane-stale.example", &["dane-tlsa-mismatch"], Fail, "mx1.dane-stale.example"),
    ("dane-unsigned-zone", "dane-unsigned.example", &[], Pass, "mx1.dane-unsigned.example"),
    ("dnssec-no-ds", "no-ds.example", &["dnssec-ds-missing"], Warn, "mx1.no-ds.example"),
    ("dnssec-bogus", "bogus.example", &["dnssec-bogus"], Fail, "defer mail to bogus.example"),
    ("ns-stale", "ns-stale.example", &["ns-inconsistent"], Warn, "mx1.ns-stale.example"),
    ("ns-lame", "ns-lame.example", &["ns-unreachable"], Warn, "mx1.ns-lame.example"),
    ("ns-dead", "ns-dead.example", &["ns-unreachable"], Warn, "mx1.ns-dead.example"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_lab_scenario_is_judged_as_a_strict_sender_would() {
    let mut mismatches = Vec::new();
    let mut seen = 0;
    for name in ALL_SCENARIOS {
        for (domain, j) in judge_scenario(name).await {
            let Some((_, _, codes, verdict, view)) =
                EXPECTED.iter().find(|(s, d, ..)| s == name && *d == domain)
            else {
                mismatches.push(format!(
                    "{name}/{domain}: not in the expectation table: {:?} {} {:?}",
                    problems(&j),
                    j.verdict,
                    j.senders_view
                ));
                continue;
            };
            seen += 1;
            let mut want: Vec<&str> = codes.to_vec();
            want.sort_unstable();
            let got = problems(&j);
            if got != want || j.verdict != *verdict || !j.senders_view.contains(view) {
                mismatches.push(format!(
                    "{name}/{domain}: codes {got:?} (want {want:?}), verdict {} (want {verdict}), view {:?} \
                     (want it to contain {view:?})",
                    j.verdict, j.senders_view
                ));
            }
            assert!(j.findings.iter().all(|f| !f.fix.is_empty()), "{name}/{domain}: a finding without a fix");
        }
    }
    assert_eq!(seen, EXPECTED.len(), "scenarios missing from the lab: {mismatches:?}");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lab_certificates_are_noted_as_trusted_via_the_extra_anchor() {
    let results = judge_scenario("all-good-testing").await;
    let (_, j) = &results[0];
    assert_eq!(j.policy_mode, Some(mtasts_core::rfc::Mode::Testing));
    assert_eq!(j.notes.len(), 1);
    assert!(j.notes[0].contains("mta-sts.testing.example"), "{}", j.notes[0]);
    assert!(j.notes[0].contains("mx2.testing.example ["), "{}", j.notes[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cdn_traps_get_their_own_fix() {
    let results = judge_scenario("policy-bot-challenge").await;
    let challenge = results[0].1.findings.iter().find(|f| f.code.as_str() == "policy-bot-challenge").unwrap();
    assert!(
        challenge
            .message
            .contains("HTTP 403: Cloudflare answered with a challenge (cf-mitigated: challenge)")
    );
    assert!(challenge.fix.contains("mta-sts.challenged.example"), "{}", challenge.fix);
    assert!(challenge.fix.contains("/.well-known/mta-sts.txt"), "{}", challenge.fix);
    let results = judge_scenario("policy-github-pages").await;
    let status = results[0].1.findings.iter().find(|f| f.code.as_str() == "policy-http-status").unwrap();
    assert!(status.fix.contains(".nojekyll"), "{}", status.fix);
    assert!(status.fix.contains(r#"include: [".well-known"]"#), "{}", status.fix);
}
