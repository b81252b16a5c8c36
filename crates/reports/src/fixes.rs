//! What to do about each TLS-RPT failure type (RFC 8460 §4.3).

use super::model::ResultType;

/// The fix for a failure `result_type` (a wire value, or `other: <value>` as in summaries),
/// naming the policy domain and the receiving MX when known.
pub fn failure_fix(result_type: &str, domain: Option<&str>, mx: Option<&str>) -> String {
    let mx = mx.unwrap_or("the MX");
    let d = domain.unwrap_or("DOMAIN");
    match ResultType::parse(result_type) {
        ResultType::StarttlsNotSupported => format!(
            "a downgrade attack or a broken MX: {mx} did not offer STARTTLS to the sender; check that \
             STARTTLS is enabled on every listener of {mx} and that no middlebox strips it"
        ),
        ResultType::CertificateHostMismatch => format!(
            "the certificate on {mx} does not name the host: get a certificate whose subjectAltName \
             covers {mx} (the name in the MX record)"
        ),
        ResultType::CertificateExpired => {
            format!(
                "renew the certificate on {mx} and automate renewal (and reload the mail server after it)"
            )
        }
        ResultType::CertificateNotTrusted => format!(
            "the certificate on {mx} does not chain to a public CA: use a CA-issued certificate and \
             serve the full chain (intermediates included)"
        ),
        ResultType::ValidationFailure => format!(
            "the sender could not validate TLS with {mx} for another reason: check the certificate \
             chain, TLS versions and ciphers it offers (see the failure-reason-code)"
        ),
        ResultType::TlsaInvalid => format!(
            "the TLSA records for {mx} do not match its certificate: publish TLSA records for the \
             current key (and the next one before rolling it)"
        ),
        ResultType::DnssecInvalid => format!(
            "DNSSEC validation failed for {mx} or {d}: fix the DS/DNSKEY chain or the signatures \
             (expired RRSIGs) of the zone"
        ),
        ResultType::DaneRequired => format!(
            "the sender requires DANE for {mx} but found no usable TLSA records: publish signed \
             TLSA records or remove the DANE requirement"
        ),
        ResultType::StsPolicyFetchError => format!(
            "the policy host mta-sts.{d} did not serve the policy: check that \
             https://mta-sts.{d}/.well-known/mta-sts.txt answers 200 with a valid certificate, \
             from everywhere (DNS, firewall, CDN)"
        ),
        ResultType::StsPolicyInvalid => format!(
            "the policy served at https://mta-sts.{d}/.well-known/mta-sts.txt does not parse: \
             run `mtasts lint` on it, serve it as text/plain, then bump the id in _mta-sts.{d}"
        ),
        ResultType::StsWebpkiInvalid => format!(
            "{mx} (or the policy host mta-sts.{d}) failed certificate validation under MTA-STS: \
             its certificate must be CA-issued, unexpired and name the host; also check that {mx} \
             matches an mx: line of the policy"
        ),
        ResultType::Other(value) => format!(
            "unrecognized failure type \"{value}\" involving {mx}: read the report's \
             additional-information and failure-reason-code, and check TLS on {mx}"
        ),
    }
}
