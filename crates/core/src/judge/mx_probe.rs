//! One SMTP probe (one MX address) judged as a strict sender would (RFC 8461 §4.2, §7).

use crate::evidence::{SmtpEvidence, SmtpOutcome, SmtpStage};
use crate::finding::{Code, Finding, Severity};

use super::JudgeContext;
use super::tls::{self, CertProblem};

/// The findings for one probe, and the short reason a strict sender would fail there.
pub(crate) fn judge_probe(p: &SmtpEvidence, ctx: &JudgeContext) -> (Vec<Finding>, Option<String>) {
    let subject = subject(p);
    let host = p.host.as_str();
    let err = |code: Code, message: String, fix: String| {
        Finding::new(code, Severity::Error, &subject, message, fix)
    };
    let unreachable = |what: String, fix: String, short: &str| {
        (vec![err(Code::MxUnreachable, what, fix)], Some(short.to_owned()))
    };
    let port = p.addr.port();
    match &p.outcome {
        SmtpOutcome::Refused => unreachable(
            format!("the connection to port {port} was refused"),
            format!("make the mail server listen on port {port} of {} (and open the firewall)", p.addr.ip()),
            "unreachable",
        ),
        SmtpOutcome::Io { stage: SmtpStage::Connect, error } => unreachable(
            format!("could not connect to port {port}: {error}"),
            format!("make {} reachable on port {port} from the internet", p.addr.ip()),
            "unreachable",
        ),
        SmtpOutcome::Timeout { stage: SmtpStage::Connect } => unreachable(
            format!("connecting to port {port} timed out"),
            format!("make {} reachable on port {port} from the internet (check firewalls)", p.addr.ip()),
            "unreachable",
        ),
        SmtpOutcome::Timeout { stage } => unreachable(
            format!("the server accepted the connection, then stalled: nothing arrived {}", during(*stage)),
            "check the mail server's logs and load; it must answer every SMTP command promptly".to_owned(),
            "stalls",
        ),
        SmtpOutcome::Trickle { stage, received } => unreachable(
            format!(
                "the server sent only {} {} and the reply was still incomplete at the timeout: a slow \
                 drip (slowloris) that senders give up on",
                crate::words::count(u64::try_from(*received).unwrap_or(u64::MAX), "byte"),
                during(*stage)
            ),
            "check the mail server's load and any tarpit or proxy in front of it; replies must arrive \
             whole and promptly"
                .to_owned(),
            "too slow",
        ),
        SmtpOutcome::Closed { stage } => unreachable(
            format!("the server closed the connection {}", during(*stage)),
            "check the mail server's logs; it must complete EHLO and STARTTLS".to_owned(),
            "closes the connection",
        ),
        SmtpOutcome::Garbage { stage, detail } => unreachable(
            format!("the server sent something that is not SMTP {}: {detail}", during(*stage)),
            "make sure an SMTP server, not another service, answers on this port".to_owned(),
            "does not speak SMTP",
        ),
        SmtpOutcome::Io { stage, error } => unreachable(
            format!("a network error occurred {}: {error}", during(*stage)),
            "check the mail server's logs and the network path to it".to_owned(),
            "network error",
        ),
        SmtpOutcome::Rejected { stage: SmtpStage::StartTls, code } => (
            vec![err(
                Code::MxStarttlsMissing,
                format!("STARTTLS is advertised but the server answered {code} to it"),
                format!("fix the TLS configuration of {host} so STARTTLS answers 220"),
            )],
            Some("STARTTLS rejected".to_owned()),
        ),
        SmtpOutcome::Rejected { stage, code } => unreachable(
            format!("the server answered {code} {}", during(*stage)),
            "let the mail server accept connections and EHLO from any sender".to_owned(),
            "rejects senders",
        ),
        SmtpOutcome::StartTlsNotOffered => (
            vec![err(
                Code::MxStarttlsMissing,
                "EHLO does not advertise STARTTLS, so no TLS session is possible".to_owned(),
                format!("enable STARTTLS on {host} with a certificate for {host}"),
            )],
            Some("no STARTTLS".to_owned()),
        ),
        SmtpOutcome::TlsHandshake { error } if about_version(error) => (
            vec![err(
                Code::MxTlsTooOld,
                format!(
                    "the TLS handshake failed because no common protocol version was found ({error}); MTA-STS requires TLS 1.2 or later"
                ),
                format!("enable TLS 1.2 and TLS 1.3 on {host}"),
            )],
            Some("TLS older than 1.2".to_owned()),
        ),
        SmtpOutcome::TlsHandshake { error } => unreachable(
            format!("the TLS handshake after STARTTLS failed: {error}"),
            format!("check the TLS configuration of {host} (certificate, key and protocol versions)"),
            "TLS handshake fails",
        ),
        SmtpOutcome::TlsEstablished => established(p, ctx, &subject),
    }
}

fn established(p: &SmtpEvidence, ctx: &JudgeContext, subject: &str) -> (Vec<Finding>, Option<String>) {
    let Some(tls) = &p.tls else {
        return (Vec::new(), None);
    };
    let host = p.host.as_str();
    let mut out = Vec::new();
    let mut short = None;
    if too_old(&tls.version) {
        out.push(Finding::new(
            Code::MxTlsTooOld,
            Severity::Error,
            subject,
            format!("the server negotiated {}; MTA-STS requires TLS 1.2 or later", tls.version),
            format!("enable TLS 1.2 and TLS 1.3 on {host} and disable older versions"),
        ));
        short = Some("TLS older than 1.2".to_owned());
    }
    let cert = &tls.cert;
    if let Some(problem) = tls::problem(cert.verdict) {
        let code = match problem {
            CertProblem::Expired => Code::MxCertExpired,
            CertProblem::Untrusted => Code::MxCertUntrusted,
            CertProblem::NameMismatch => Code::MxCertNameMismatch,
        };
        out.push(Finding::new(
            code,
            Severity::Error,
            subject,
            format!("an enforcing sender refuses this MX: {}", tls::explain(cert, host)),
            tls::fix(cert.verdict, host),
        ));
        short.get_or_insert_with(|| tls::short_reason(cert.verdict).to_owned());
    } else if let Some(days) = tls::expiring_within(cert, ctx.now, ctx.expiry_warning_days) {
        out.push(Finding::new(
            Code::MxCertExpiring,
            Severity::Warning,
            subject,
            format!(
                "the certificate of {host} expires {}; then enforcing senders refuse this MX",
                tls::expiry_words(cert, ctx.now, days)
            ),
            format!("renew the certificate of {host} now and check that renewal is automated"),
        ));
    }
    (out, short)
}

/// `mx1.example.com [127.0.0.2]:25`.
pub(crate) fn subject(p: &SmtpEvidence) -> String {
    format!("{} [{}]:{}", p.host, p.addr.ip(), p.addr.port())
}

fn during(stage: SmtpStage) -> &'static str {
    match stage {
        SmtpStage::Connect => "while connecting",
        SmtpStage::Banner => "while waiting for the greeting (banner)",
        SmtpStage::Ehlo => "in reply to EHLO",
        SmtpStage::StartTls => "in reply to STARTTLS",
        SmtpStage::TlsHandshake => "during the TLS handshake",
    }
}

fn too_old(version: &str) -> bool {
    let v = version.to_ascii_uppercase().replace(['.', ' '], "_");
    v.starts_with("SSL") || v == "TLSV1_0" || v == "TLSV1_1" || v == "TLSV1"
}

fn about_version(error: &str) -> bool {
    let e = error.to_ascii_lowercase();
    e.contains("protocolversion")
        || e.contains("protocol version")
        || e.contains("supportedversions")
        || e.contains("tls12notoffered")
}
