//! The one error type of the providers: every variant names the cause in words a DNS admin
//! acts on, and none ever holds a secret.

/// Why reading or changing the records failed. After any error nothing was changed, except
/// where the variant says the outcome is unknown ([`PublishError::Unverified`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    /// The TSIG key, API key or token could not be read or is malformed.
    #[error("{0}")]
    Secret(String),
    /// The server rejected the TSIG signature (RFC 8945: BADKEY, BADSIG, BADTIME).
    #[error("{server} rejected the update's TSIG signature: {code}: {meaning}; nothing was changed")]
    Tsig {
        /// The server asked.
        server: String,
        /// `BADKEY`, `BADSIG`, `BADTIME` or the numeric error.
        code: String,
        /// What it means and what to do.
        meaning: String,
    },
    /// The server refused the update or query (NOTAUTH, REFUSED, NOTZONE, SERVFAIL, …).
    #[error("{server} answered {rcode}: {meaning}; nothing was changed")]
    Refused {
        /// The server asked.
        server: String,
        /// The response code's name.
        rcode: String,
        /// What it means and what to do.
        meaning: String,
    },
    /// The records changed between reading and writing (a failed prerequisite, or a second
    /// read that differs).
    #[error(
        "the records at {0} changed since they were read; nothing was applied: run publish again to \
         see the new difference"
    )]
    Changed(String),
    /// No zone holds the domain at this provider.
    #[error("zone not found: {0}")]
    ZoneNotFound(String),
    /// An HTTP API answered with an error status (401, 403, 404, 422, 429, 5xx).
    #[error("{provider} answered HTTP {status}: {meaning}")]
    Http {
        /// The provider.
        provider: &'static str,
        /// The status code.
        status: u16,
        /// What it means, with the API's own message (sanitised).
        meaning: String,
    },
    /// No answer in time.
    #[error("{what}: no answer within {secs} s; nothing was changed")]
    Timeout {
        /// What was asked.
        what: String,
        /// The timeout.
        secs: u64,
    },
    /// The server could not be reached.
    #[error("{0}")]
    Network(String),
    /// An answer that does not make sense (malformed, unexpected).
    #[error("{0}")]
    Protocol(String),
    /// The change was sent but its outcome could not be confirmed (e.g. an answer whose
    /// signature does not verify). The next run's diff shows what happened.
    #[error("{0}; run publish again: its diff shows whether the change was applied")]
    Unverified(String),
}

impl PublishError {
    /// HTTP status errors in words: 401, 403, 404, 429 and 5xx named as such.
    pub(crate) fn http(
        provider: &'static str,
        status: u16,
        api_message: &str,
        retry_after: Option<&str>,
    ) -> Self {
        let what = match status {
            401 => "the credentials were not accepted (wrong or expired API key or token)".to_owned(),
            403 => {
                "the credentials are valid but lack permission for this zone (a token needs Zone:DNS:Edit)"
                    .to_owned()
            }
            404 => "not found".to_owned(),
            409 | 422 => "the API rejected the change".to_owned(),
            429 => format!(
                "rate limited; try again {}",
                retry_after.map_or("in a minute".to_owned(), |s| format!("after {s} s"))
            ),
            500..=599 => "the provider failed (a server error); try again later".to_owned(),
            _ => "unexpected status".to_owned(),
        };
        let api = mtasts_core::sanitize::sanitize(api_message.trim());
        let meaning = if api.is_empty() { what } else { format!("{what} ({})", truncate(&api, 300)) };
        PublishError::Http { provider, status, meaning }
    }
}

/// At most `max` bytes of `s`, cut at a character boundary, with `…` when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}
