//! Certificate capture: a rustls verifier that records the presented chain, judges it against
//! webpki-roots (and any extra anchors) at the configured `now`, and lets the handshake go on
//! so that what follows is still evidence.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{CertificateError, DigitallySignedStruct, Error as TlsError, RootCertStore, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use x509_parser::extensions::GeneralName;

use super::ProbeError;
use mtasts_core::evidence::{CertEvidence, CertVerdict, ChainCert, MAX_CHAIN, MAX_DN_BYTES, cut_bytes};

/// Where a verifier leaves what it saw.
pub(crate) type CertSlot = Arc<Mutex<Option<CertEvidence>>>;

/// Trust anchors for one run: the public roots, and the public roots plus extra anchors.
#[derive(Debug)]
pub(crate) struct TrustStores {
    provider: Arc<CryptoProvider>,
    public: Arc<WebPkiServerVerifier>,
    extended: Option<Arc<WebPkiServerVerifier>>,
    now: UnixTime,
}

impl TrustStores {
    /// Builds the verifiers. Fails only on an extra anchor rustls cannot use.
    pub(crate) fn new(extra: &[CertificateDer<'static>], now: jiff::Timestamp) -> Result<Self, ProbeError> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let public_roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        let build = |roots: RootCertStore| {
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| ProbeError::Tls(e.to_string()))
        };
        let extended = if extra.is_empty() {
            None
        } else {
            let mut roots = public_roots.clone();
            for der in extra {
                roots.add(der.clone()).map_err(|e| ProbeError::Anchor(e.to_string()))?;
            }
            Some(build(roots)?)
        };
        let secs = u64::try_from(now.as_second()).unwrap_or(0);
        Ok(Self {
            public: build(public_roots)?,
            extended,
            provider: provider.clone(),
            now: UnixTime::since_unix_epoch(Duration::from_secs(secs)),
        })
    }

    /// A fresh client config (TLS 1.2 and 1.3 only, no resumption) whose verifier reports into
    /// `slot`.
    pub(crate) fn client_config(
        self: &Arc<Self>,
        alpn: &[&[u8]],
        slot: CertSlot,
    ) -> Result<rustls::ClientConfig, ProbeError> {
        let verifier = Arc::new(RecordingVerifier { stores: self.clone(), slot });
        let mut config = rustls::ClientConfig::builder_with_provider(self.provider.clone())
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|e| ProbeError::Tls(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        // Each config serves one connection, so there is never a session to resume; the default
        // in-memory store would allocate room for 256 sessions per connection.
        config.resumption = rustls::client::Resumption::disabled();
        Ok(config)
    }

    fn judge(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        name: &ServerName<'_>,
    ) -> Judgement {
        let verify =
            |v: &WebPkiServerVerifier| v.verify_server_cert(end_entity, intermediates, name, &[], self.now);
        let err = match verify(&self.public) {
            Ok(_) => return Judgement::Trusted,
            Err(public_err) => match &self.extended {
                Some(ext) => match verify(ext) {
                    Ok(_) => return Judgement::TrustedViaExtra,
                    Err(e) => e,
                },
                None => public_err,
            },
        };
        let unknown = matches!(err, TlsError::InvalidCertificate(CertificateError::UnknownIssuer));
        let self_signed = unknown && intermediates.is_empty() && self.signs_itself(end_entity, name);
        Judgement::Failed(err, self_signed)
    }

    /// Whether the leaf verifies with itself as the only anchor, i.e. it is self-signed.
    fn signs_itself(&self, leaf: &CertificateDer<'_>, name: &ServerName<'_>) -> bool {
        let mut roots = RootCertStore::empty();
        if roots.add(leaf.clone().into_owned()).is_err() {
            return false;
        }
        let Ok(verifier) =
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), self.provider.clone()).build()
        else {
            return false;
        };
        match verifier.verify_server_cert(leaf, &[], name, &[], self.now) {
            Ok(_) => true,
            Err(e) => matches!(
                classify(&e, false),
                CertVerdict::Expired | CertVerdict::NotYetValid | CertVerdict::NameMismatch
            ),
        }
    }
}

enum Judgement {
    Trusted,
    TrustedViaExtra,
    /// The error, and whether the leaf is self-signed.
    Failed(TlsError, bool),
}

#[derive(Debug)]
struct RecordingVerifier {
    stores: Arc<TrustStores>,
    slot: CertSlot,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        let judgement = self.stores.judge(end_entity, intermediates, server_name);
        let evidence = cert_evidence(end_entity, intermediates, judgement);
        if let Ok(mut slot) = self.slot.lock() {
            *slot = Some(evidence);
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.stores.public.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.stores.public.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.stores.public.supported_verify_schemes()
    }
}

fn cert_evidence(
    leaf: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    judgement: Judgement,
) -> CertEvidence {
    let mut ev = CertEvidence {
        chain_len: intermediates.len() + 1,
        verdict: CertVerdict::Trusted,
        detail: None,
        not_before: None,
        not_after: None,
        issuer: None,
        subject: None,
        sans: Vec::new(),
        chain: Vec::new(),
    };
    // The leaf is parsed once, for its own fields and its line of the chain.
    let parsed = x509_parser::parse_x509_certificate(leaf.as_ref()).ok().map(|(_, cert)| cert);
    ev.chain = parsed
        .as_ref()
        .map(summary)
        .into_iter()
        .chain(intermediates.iter().take(MAX_CHAIN.saturating_sub(1)).filter_map(chain_cert))
        .collect();
    if let Some(cert) = parsed {
        let validity = cert.validity();
        ev.not_before = jiff::Timestamp::from_second(validity.not_before.timestamp()).ok();
        ev.not_after = jiff::Timestamp::from_second(validity.not_after.timestamp()).ok();
        ev.issuer = Some(cert.issuer().to_string());
        ev.subject = Some(cert.subject().to_string());
        if let Ok(Some(san)) = cert.subject_alternative_name() {
            ev.sans = san
                .value
                .general_names
                .iter()
                .filter_map(|n| match n {
                    GeneralName::DNSName(d) => Some((*d).to_string()),
                    _ => None,
                })
                .collect();
        }
    }
    ev.verdict = match judgement {
        Judgement::Trusted => CertVerdict::Trusted,
        Judgement::TrustedViaExtra => CertVerdict::TrustedViaExtraAnchor,
        Judgement::Failed(err, self_signed) => {
            let verdict = classify(&err, self_signed);
            ev.detail = Some(err.to_string());
            verdict
        }
    };
    ev
}

/// Subject, issuer and expiry of one presented certificate (`None` when it does not parse).
fn chain_cert(der: &CertificateDer<'_>) -> Option<ChainCert> {
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    Some(summary(&cert))
}

fn summary(cert: &x509_parser::certificate::X509Certificate<'_>) -> ChainCert {
    ChainCert {
        subject: cut_bytes(&cert.subject().to_string(), MAX_DN_BYTES),
        issuer: cut_bytes(&cert.issuer().to_string(), MAX_DN_BYTES),
        not_after: jiff::Timestamp::from_second(cert.validity().not_after.timestamp()).ok(),
    }
}

fn classify(err: &TlsError, self_signed: bool) -> CertVerdict {
    match err {
        TlsError::InvalidCertificate(e) => match e {
            CertificateError::UnknownIssuer if self_signed => CertVerdict::SelfSigned,
            CertificateError::UnknownIssuer => CertVerdict::UnknownIssuer,
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => CertVerdict::Expired,
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                CertVerdict::NotYetValid
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                CertVerdict::NameMismatch
            }
            _ => CertVerdict::Other,
        },
        _ => CertVerdict::Other,
    }
}
