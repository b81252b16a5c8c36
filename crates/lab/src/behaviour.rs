//! How the lab's servers misbehave: the SMTP dialogues and policy-host answers a scenario can
//! ask for, and the extra DNS content of hostile scenarios.

use serde::{Deserialize, Serialize};

/// How an MX host's SMTP server behaves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MxBehaviour {
    /// A normal ESMTP dialogue.
    #[default]
    Normal,
    /// Nothing listens: connections are refused.
    RefuseConnections,
    /// Accepts the connection and closes it at once, before any banner.
    CloseImmediately,
    /// Accepts the connection and never sends a banner.
    StallBeforeBanner,
    /// Sends the banner, then never answers.
    StallAfterBanner,
    /// Advertises STARTTLS but answers it with `454 TLS not available`.
    StarttlsRejected,
    /// The host name has no address record (a dangling MX).
    Unresolvable,
    /// Sends `220 ` and then one line that never ends.
    EndlessBannerLine,
    /// Answers EHLO with this many continuation lines before the last line.
    ManyContinuationLines(u32),
    /// Answers STARTTLS with 220, then sends plain-text garbage instead of a TLS handshake.
    StarttlsThenGarbage,
    /// Drips a never-ending multi-line banner, one byte per second.
    Slowloris,
}

/// How the policy host answers (besides status, type and body).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyBehaviour {
    /// An HTTP/1.1 response with a `Content-Length`.
    #[default]
    Normal,
    /// A chunked response: the body, then padding chunks that never end.
    EndlessBody,
    /// Announces `Content-Length: 10000000`, sends the body, then nothing more.
    HugeContentLength,
    /// Reads the request and never sends a status line or headers.
    NeverSendsHeaders,
    /// An HTTP/1.0 response without `Content-Length`: the body, then the connection closes.
    Http10NoLength,
    /// A CDN's bot challenge: the response carries `cf-mitigated: challenge` and
    /// `Server: cloudflare` (status, type and body from the scenario).
    BotChallenge,
    /// A GitHub-Pages-like host: `Server: GitHub.com` and an `X-GitHub-Request-Id`.
    GithubPages,
}

impl PolicyBehaviour {
    /// Response headers this behaviour adds to an otherwise normal response.
    pub fn extra_headers(self) -> &'static [(&'static str, &'static str)] {
        match self {
            PolicyBehaviour::BotChallenge => &[("Server", "cloudflare"), ("cf-mitigated", "challenge")],
            PolicyBehaviour::GithubPages => {
                &[("Server", "GitHub.com"), ("X-GitHub-Request-Id", "A1B2:3C4D:5E6F:7A8B:9C0D")]
            }
            _ => &[],
        }
    }
}

/// Extra character-strings appended to the first `_mta-sts` TXT record (to make the DNS answer
/// large: over 512 bytes it is truncated over UDP and must be fetched over TCP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TxtFiller {
    /// How many strings (capped so the answer fits one DNS message).
    pub strings: usize,
    /// Bytes per string, each `x` (at most 255).
    pub bytes: u8,
}

impl TxtFiller {
    /// Total filler kept under 62 000 bytes, so the answer fits a 64 KiB DNS message.
    const MAX_TOTAL: usize = 62_000;

    /// The filler strings.
    pub fn strings(&self) -> Vec<String> {
        let per = usize::from(self.bytes).max(1);
        let n = self.strings.min(Self::MAX_TOTAL / (per + 1));
        vec!["x".repeat(per); n]
    }
}

/// A CNAME record published as is (e.g. to close a CNAME loop).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CnameSpec {
    /// The owner name.
    pub name: String,
    /// Where it points.
    pub target: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filler_is_capped_to_one_dns_message() {
        assert_eq!(TxtFiller { strings: 300, bytes: 150 }.strings().len(), 300);
        let huge = TxtFiller { strings: 100_000, bytes: 255 }.strings();
        assert_eq!(huge.len(), 62_000 / 256);
        assert!(huge.iter().all(|s| s.len() == 255));
    }
}
