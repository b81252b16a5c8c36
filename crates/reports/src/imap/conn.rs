//! Reaching the server: TCP, TLS (implicit or after STARTTLS) through rustls with the public
//! roots plus `--ca-file` anchors, the greeting and the login. Every step has a timeout, and
//! every byte read, from the first one of the greeting on, goes through [`Capped`]: whole
//! responses only, within a budget the caller sets per command.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use async_imap::{Authenticator, Client};
use rustls_pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::gate::{Capped, Io};
use super::{FetchRequest, ImapError, Secret, short};

/// A logged-in session.
pub(super) type Session = async_imap::Session<Capped>;

/// Bytes allowed for a command's answer other than a message body.
pub(super) const COMMAND_BYTES: u64 = 8 * 1024 * 1024;

/// Runs one network step with a time limit.
pub(super) async fn timed<T, E>(
    limit: Duration,
    step: &'static str,
    fut: impl Future<Output = Result<T, E>>,
    err: impl FnOnce(E) -> ImapError,
) -> Result<T, ImapError> {
    match tokio::time::timeout(limit, fut).await {
        Err(_) => Err(ImapError::Timeout { step, secs: limit.as_secs().max(1) }),
        Ok(r) => r.map_err(err),
    }
}

/// A protocol error of `step`.
pub(super) fn proto(step: &'static str) -> impl FnOnce(async_imap::error::Error) -> ImapError {
    move |e| ImapError::Protocol { step, reason: short(&e.to_string()) }
}

struct XOAuth2<'a> {
    user: &'a str,
    token: &'a str,
    sent: bool,
}

impl Authenticator for XOAuth2<'_> {
    type Response = String;
    /// The first challenge gets the credentials; an error challenge (JSON) gets the empty
    /// answer the mechanism requires, after which the server says NO.
    fn process(&mut self, _challenge: &[u8]) -> String {
        if std::mem::replace(&mut self.sent, true) {
            String::new()
        } else {
            format!("user={}\x01auth=Bearer {}\x01\x01", self.user, self.token)
        }
    }
}

fn tls_connector(req: &FetchRequest) -> Result<TlsConnector, ImapError> {
    let tls = |reason: String| ImapError::Tls { host: req.url.host.clone(), reason };
    let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    for der in &req.anchors {
        roots.add(der.clone()).map_err(|e| tls(format!("unusable --ca-file anchor: {e}")))?;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

async fn handshake(req: &FetchRequest, tcp: Box<dyn Io>) -> Result<Capped, ImapError> {
    let host = &req.url.host;
    let name = ServerName::try_from(host.clone())
        .map_err(|e| ImapError::Tls { host: host.clone(), reason: e.to_string() })?;
    let connector = tls_connector(req)?;
    let tls = timed(req.connect_timeout, "the TLS handshake", connector.connect(name, tcp), |e| {
        ImapError::Tls { host: host.clone(), reason: short(&e.to_string()) }
    })
    .await?;
    Ok(Capped::new(Box::new(tls), COMMAND_BYTES))
}

/// Connects, secures the connection as the URL says and logs in.
pub(super) async fn open(req: &FetchRequest) -> Result<Session, ImapError> {
    let (host, port) = (req.url.host.as_str(), req.url.port);
    let connect_err =
        |e: io::Error| ImapError::Connect { host: host.to_owned(), port, reason: e.to_string() };
    let tcp =
        timed(req.connect_timeout, "the connection", TcpStream::connect((host, port)), connect_err).await?;
    let greeting = |e: io::Error| ImapError::Protocol { step: "the greeting", reason: e.to_string() };
    let no_greeting =
        || ImapError::Protocol { step: "the greeting", reason: "the server closed the connection".into() };
    let stream = if req.url.implicit_tls {
        handshake(req, Box::new(tcp)).await?
    } else {
        // The greeting in the clear is capped like everything else: an on-path attacker could
        // otherwise send an endless line or announce a huge literal before STARTTLS.
        let mut client = Client::new(Capped::new(Box::new(tcp), COMMAND_BYTES));
        timed(req.step_timeout, "the greeting", client.read_response(), greeting)
            .await?
            .ok_or_else(no_greeting)?;
        if req.insecure_plain {
            let mut plain = client.into_inner();
            plain.allow(COMMAND_BYTES);
            plain
        } else {
            let starttls = client.run_command_and_check_ok("STARTTLS", None);
            timed(req.step_timeout, "STARTTLS", starttls, |e| ImapError::NoStartTls(short(&e.to_string())))
                .await?;
            // Whatever the server sent after its answer is dropped with the plain stream.
            handshake(req, client.into_inner().into_inner()).await?
        }
    };
    let mut client = Client::new(stream);
    // After STARTTLS there is no second greeting.
    if req.url.implicit_tls {
        timed(req.step_timeout, "the greeting", client.read_response(), greeting)
            .await?
            .ok_or_else(no_greeting)?;
    }
    login(req, client).await
}

async fn login(req: &FetchRequest, client: Client<Capped>) -> Result<Session, ImapError> {
    let user = req.url.user.as_str();
    let refused = |(e, _): (async_imap::error::Error, Client<Capped>)| match e {
        async_imap::error::Error::No(reason) | async_imap::error::Error::Bad(reason) => {
            ImapError::Auth { user: user.to_owned(), reason: short(&reason) }
        }
        other => ImapError::Protocol { step: "the login", reason: short(&other.to_string()) },
    };
    match &req.secret {
        Secret::Password(pw) => timed(req.step_timeout, "LOGIN", client.login(user, pw), refused).await,
        Secret::Token(token) => {
            let auth = XOAuth2 { user, token, sent: false };
            timed(req.step_timeout, "AUTHENTICATE XOAUTH2", client.authenticate("XOAUTH2", auth), refused)
                .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoauth2_sends_the_token_once_then_the_empty_answer_to_an_error_challenge() {
        let mut auth = XOAuth2 { user: "tlsrpt@example.com", token: "ya29.tok", sent: false };
        assert_eq!(auth.process(b""), "user=tlsrpt@example.com\x01auth=Bearer ya29.tok\x01\x01");
        assert_eq!(auth.process(br#"{"status":"401"}"#), "");
    }
}
