//! DKIM verification of e-mailed reports (RFC 6376 through `mail-auth`, strict: a signature
//! with an `l=` body length is ignored, since anything may follow the signed part). Keys are
//! asked of the resolver the probes use (`--resolver`, else the system's configuration),
//! handed in as hickory's configuration. The verifier runs on the program's one runtime
//! (handed in as a [`Handle`]): the IMAP fetch awaits it, the import walk (blocking code on a
//! plain or blocking thread) waits for it, and both share one resolver and its cache.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::runtime::Handle;

use mail_auth::hickory_resolver::config::{ResolverConfig, ResolverOpts};
use mail_auth::{AuthenticatedMessage, DkimOutput, DkimResult, MessageAuthenticator};

use super::auth::DkimVerdict;

/// After this many DNS failures in a row the verifier stops asking: a resolver that does not
/// answer must not cost a timeout per message.
const MAX_DNS_FAILURES: u32 = 3;
/// Most fields in the head of a message whose signatures are checked: `mail-auth` keeps a
/// record of every one, and a real report's head has a few dozen.
const MAX_HEADER_FIELDS: usize = 1000;
/// Most `DKIM-Signature` fields checked on one message (each may cost a DNS lookup).
const MAX_SIGNATURES: usize = 8;
/// Longest `DKIM-Signature` field checked (folded lines included): its `h=` list is kept name
/// by name, and a real one is a few hundred bytes.
const MAX_SIGNATURE_BYTES: usize = 8 * 1024;

/// Where DKIM keys are looked up, and how long one message may wait for them.
#[derive(Debug, Clone)]
pub struct DkimSettings {
    /// The resolver: the probes' configuration (`mtasts_probe::resolver_config`, so
    /// `--resolver` applies), or why there is none (every verdict then says so).
    pub dns: Result<(ResolverConfig, ResolverOpts), String>,
    /// The longest wait for the keys of one message.
    pub timeout: Duration,
}

/// Checks the DKIM signatures of one e-mail. [`DkimVerifier`] asks DNS; tests may pass a
/// closure.
pub trait MailCheck {
    /// The verdict for the raw message.
    fn check(&self, raw: &[u8]) -> DkimVerdict;
}

impl<F: Fn(&[u8]) -> DkimVerdict> MailCheck for F {
    fn check(&self, raw: &[u8]) -> DkimVerdict {
        self(raw)
    }
}

/// The DKIM verifier: one resolver (and its cache) for every message of a run.
pub struct DkimVerifier {
    handle: Handle,
    auth: Result<Arc<MessageAuthenticator>, String>,
    timeout: Duration,
    dns_failures: AtomicU32,
}

impl std::fmt::Debug for DkimVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DkimVerifier").field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

impl DkimVerifier {
    /// A verifier whose lookups run on `handle`'s runtime. A resolver that cannot be built (no
    /// system configuration) makes every verdict say so; nothing fails here.
    pub fn new(settings: DkimSettings, handle: Handle) -> DkimVerifier {
        let auth = {
            let _in_runtime = handle.enter();
            resolver(&settings).map(Arc::new)
        };
        DkimVerifier { handle, auth, timeout: settings.timeout, dns_failures: AtomicU32::new(0) }
    }

    /// Verifies one message, blocking the calling thread until the keys are in. For blocking
    /// code only (a plain thread, or one of the runtime's blocking threads), never from async code.
    pub fn verify_blocking(&self, raw: &[u8]) -> DkimVerdict {
        match precheck(raw) {
            Some(v) => v,
            None => self.handle.block_on(self.verify(raw)),
        }
    }

    /// Verifies one message without blocking the runtime.
    pub async fn verify(&self, raw: &[u8]) -> DkimVerdict {
        if let Some(v) = precheck(raw) {
            return v;
        }
        let auth = match &self.auth {
            Ok(auth) => auth,
            Err(e) => return DkimVerdict::failed(format!("DKIM could not be checked: {e}")),
        };
        if self.dns_failures.load(Ordering::Relaxed) >= MAX_DNS_FAILURES {
            return DkimVerdict::failed(format!(
                "DKIM not checked: DNS failed for {MAX_DNS_FAILURES} messages in a row (import again \
                 when the resolver answers)"
            ));
        }
        let (verdict, dns_failed) = verify(auth, raw, self.timeout).await;
        if dns_failed {
            self.dns_failures.fetch_add(1, Ordering::Relaxed);
        } else {
            self.dns_failures.store(0, Ordering::Relaxed);
        }
        verdict
    }
}

impl MailCheck for DkimVerifier {
    fn check(&self, raw: &[u8]) -> DkimVerdict {
        self.verify_blocking(raw)
    }
}

/// The verdict for a message that is not checked at all (no copy, no DNS): one without a
/// `DKIM-Signature` field, or one whose head passes [`MAX_HEADER_FIELDS`], [`MAX_SIGNATURES`]
/// or [`MAX_SIGNATURE_BYTES`], which keep what `mail-auth` builds from a head small whatever
/// the message holds.
fn precheck(raw: &[u8]) -> Option<DkimVerdict> {
    let end =
        raw.windows(4).position(|w| w == b"\r\n\r\n").or_else(|| raw.windows(2).position(|w| w == b"\n\n"));
    let head = &raw[..end.unwrap_or(raw.len())];
    let (mut fields, mut signatures, mut longest) = (0usize, 0usize, 0usize);
    let mut signature_len: Option<usize> = None;
    for line in head.split(|&b| b == b'\n') {
        if matches!(line.first(), Some(b' ' | b'\t')) {
            if let Some(len) = signature_len.as_mut() {
                *len += line.len() + 1;
                longest = longest.max(*len);
            }
            continue;
        }
        fields += 1;
        let name = line.iter().position(|&b| b == b':').map(|colon| line[..colon].trim_ascii_end());
        signature_len = name.filter(|n| n.eq_ignore_ascii_case(b"dkim-signature")).map(|_| line.len() + 1);
        if let Some(len) = signature_len {
            signatures += 1;
            longest = longest.max(len);
        }
    }
    let why = if signatures == 0 {
        return Some(DkimVerdict::failed("no DKIM signature"));
    } else if fields > MAX_HEADER_FIELDS {
        format!("the message header has more than {MAX_HEADER_FIELDS} fields")
    } else if signatures > MAX_SIGNATURES {
        format!("more than {MAX_SIGNATURES} DKIM signatures")
    } else if longest > MAX_SIGNATURE_BYTES {
        format!("a DKIM signature longer than {MAX_SIGNATURE_BYTES} bytes")
    } else {
        return None;
    };
    Some(DkimVerdict::failed(format!("DKIM not checked: {why}")))
}

fn resolver(settings: &DkimSettings) -> Result<MessageAuthenticator, String> {
    let (config, mut opts) = settings.dns.clone()?;
    opts.timeout = opts.timeout.min(settings.timeout);
    MessageAuthenticator::new(config, opts).map_err(|e| format!("building the resolver: {e}"))
}

/// The verdict, and whether it failed for want of DNS.
async fn verify(auth: &MessageAuthenticator, raw: &[u8], timeout: Duration) -> (DkimVerdict, bool) {
    let Some(message) = AuthenticatedMessage::parse(raw) else {
        return (DkimVerdict::failed("not a parseable e-mail"), false);
    };
    let outputs = match tokio::time::timeout(timeout, auth.verify_dkim(&message)).await {
        Ok(outputs) => outputs,
        Err(_) => {
            let why = format!(
                "the DKIM key could not be fetched: DNS did not answer within {} s",
                timeout.as_secs()
            );
            return (DkimVerdict::failed(why), true);
        }
    };
    let passed: Vec<String> = outputs
        .iter()
        .filter(|o| matches!(o.result(), DkimResult::Pass))
        .filter_map(|o| o.signature().map(|s| s.d.trim_end_matches('.').to_ascii_lowercase()))
        .collect();
    if !passed.is_empty() {
        return (DkimVerdict { passed, problem: None }, false);
    }
    let dns_failed =
        !outputs.is_empty() && outputs.iter().all(|o| matches!(o.result(), DkimResult::TempError(_)));
    let problem = outputs.first().map_or_else(|| "no usable DKIM signature".to_owned(), describe);
    (DkimVerdict::failed(problem), dns_failed)
}

/// Why one signature did not verify, in words.
fn describe(o: &DkimOutput<'_>) -> String {
    let who = o.signature().map_or_else(String::new, |s| format!(" of {}", s.d));
    let key = o.signature().map_or_else(String::new, |s| format!(" ({}._domainkey.{})", s.s, s.d));
    match o.result() {
        DkimResult::Neutral(mail_auth::Error::Dkim(mail_auth::dkim::DkimError::FailedBodyHashMatch)) => {
            format!(
                "the DKIM signature{who} does not match: the message was changed after signing (body hash)"
            )
        }
        DkimResult::Neutral(e) => format!("the DKIM signature{who} cannot be used: {e}"),
        DkimResult::Fail(e) => {
            format!(
                "the DKIM signature{who} does not verify (headers changed after signing, or another key): {e}"
            )
        }
        DkimResult::PermError(mail_auth::Error::Dns(mail_auth::DnsError::RecordNotFound(_))) => {
            match o.signature() {
                Some(s) => format!("no DKIM key is published at {}._domainkey.{}", s.s, s.d),
                None => "no DKIM key is published for the signature".to_owned(),
            }
        }
        DkimResult::PermError(e) => format!("no usable DKIM key{key}: {e}"),
        DkimResult::TempError(e) => format!("the DKIM key{key} could not be fetched: {e}"),
        DkimResult::Pass | DkimResult::None => "no usable DKIM signature".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(raw: &[u8]) -> Option<String> {
        precheck(raw).map(|v| v.problem.unwrap_or_default())
    }

    #[test]
    fn a_message_without_a_signature_needs_no_lookup() {
        let p = problem(b"From: a@b.example\r\nSubject: x\r\n\r\nDKIM-Signature: in the body\r\n");
        assert_eq!(p.as_deref(), Some("no DKIM signature"));
        assert_eq!(
            problem(b"X-Note: DKIM-Signature: quoted\nFrom: a@b.example\n\nbody").as_deref(),
            Some("no DKIM signature")
        );
        assert_eq!(problem(b"Dkim-Signature: v=1; d=b.example\nFrom: a@b.example\n\nbody"), None);
        assert_eq!(problem(b"DKIM-Signature : v=1; d=b.example\r\nFrom: a@b.example\r\n\r\nbody"), None);
    }

    #[test]
    fn a_head_larger_than_any_signer_writes_is_not_checked() {
        let sig = "DKIM-Signature: v=1; a=rsa-sha256; d=b.example; s=s1; h=from:to;\r\n\tbh=x; b=y\r\n";
        let at_bounds = format!(
            "{}{}\r\nbody",
            sig.repeat(MAX_SIGNATURES),
            "X: y\r\n".repeat(MAX_HEADER_FIELDS - MAX_SIGNATURES)
        );
        assert_eq!(problem(at_bounds.as_bytes()), None);
        let fields = format!("{sig}{}\r\nbody", "X: y\r\n".repeat(MAX_HEADER_FIELDS));
        assert_eq!(
            problem(fields.as_bytes()).unwrap(),
            "DKIM not checked: the message header has more than 1000 fields"
        );
        let signatures = format!("{}\r\nbody", sig.repeat(MAX_SIGNATURES + 1));
        assert_eq!(problem(signatures.as_bytes()).unwrap(), "DKIM not checked: more than 8 DKIM signatures");
        // Folded: the continuation lines count toward the signature's length.
        let names = vec!["from"; MAX_SIGNATURE_BYTES / 8 + 1].join(":\r\n ");
        let long = format!("DKIM-Signature: v=1; d=b.example; s=s1;\r\n h={names}; bh=x; b=y\r\n\r\nbody");
        assert_eq!(
            problem(long.as_bytes()).unwrap(),
            "DKIM not checked: a DKIM signature longer than 8192 bytes"
        );
    }
}
