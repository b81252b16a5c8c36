//! Blockers: why a gate does not pass, each of a stable kind (recorded in acknowledgements)
//! and either a hard fact or a judgement call an acknowledgement may override.

use std::fmt;

/// A stable identifier for a kind of blocker (recorded in acknowledgements).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockerKind {
    /// No live check has been run.
    NoCheck,
    /// The last check is more than a day old.
    CheckStale,
    /// The MX set is not known (no MX records, lookup failed, or empty plan).
    MxUnknown,
    /// A live MX host is not covered by the planned patterns.
    MxNotCovered,
    /// An MX host has no STARTTLS/certificate result.
    MxNotChecked,
    /// An MX host does not complete STARTTLS.
    MxStarttlsMissing,
    /// An MX certificate does not chain to a public root.
    MxCertUntrusted,
    /// An MX certificate does not name its host.
    MxCertNameMismatch,
    /// An MX certificate has expired.
    MxCertExpired,
    /// An MX certificate expires within 14 days.
    MxCertExpiring,
    /// The `_mta-sts` record is missing or has another id than planned.
    StsRecordNotLive,
    /// The `_smtp._tls` record is missing or has other `rua` URIs than planned.
    #[serde(rename = "tlsrpt-record-not-live")]
    TlsRptRecordNotLive,
    /// No hosting path has been chosen.
    HostingNotChosen,
    /// The live policy is missing or differs from the planned one.
    PolicyNotLive,
    /// The last check found errors.
    CheckFailing,
    /// The live policy changed without a new id.
    IdNotBumped,
    /// The live MX set differs from the policy patterns.
    MxDrift,
    /// The testing window has not ended.
    WindowIncomplete,
    /// No TLS-RPT report arrived during the window.
    #[serde(rename = "no-tlsrpt-reports")]
    NoTlsRptReports,
    /// TLS-RPT reports show failed sessions during the window.
    #[serde(rename = "tlsrpt-failures")]
    TlsRptFailures,
    /// TLS-RPT reports arrived, but none authenticated (DKIM of the reporting domain, or the
    /// https rua): nothing trustworthy confirms a clean window.
    #[serde(rename = "tlsrpt-unauthenticated")]
    TlsRptUnauthenticated,
    /// The rollback countdown has not ended.
    RollbackWaiting,
    /// Fewer than two external testers were ticked as run.
    TestersNotRun,
    /// There is no next phase.
    FinalPhase,
    /// Not every authoritative nameserver serves the newly published records yet.
    NsLagging,
    /// The live policy is `mode: enforce` and enforcing senders refuse an MX host now.
    DeliveryRefused,
}

impl BlockerKind {
    /// Every kind.
    pub const ALL: [BlockerKind; 26] = [
        BlockerKind::NoCheck,
        BlockerKind::CheckStale,
        BlockerKind::MxUnknown,
        BlockerKind::MxNotCovered,
        BlockerKind::MxNotChecked,
        BlockerKind::MxStarttlsMissing,
        BlockerKind::MxCertUntrusted,
        BlockerKind::MxCertNameMismatch,
        BlockerKind::MxCertExpired,
        BlockerKind::MxCertExpiring,
        BlockerKind::StsRecordNotLive,
        BlockerKind::TlsRptRecordNotLive,
        BlockerKind::HostingNotChosen,
        BlockerKind::PolicyNotLive,
        BlockerKind::CheckFailing,
        BlockerKind::IdNotBumped,
        BlockerKind::MxDrift,
        BlockerKind::WindowIncomplete,
        BlockerKind::NoTlsRptReports,
        BlockerKind::TlsRptFailures,
        BlockerKind::TlsRptUnauthenticated,
        BlockerKind::RollbackWaiting,
        BlockerKind::FinalPhase,
        BlockerKind::TestersNotRun,
        BlockerKind::NsLagging,
        BlockerKind::DeliveryRefused,
    ];

    /// The stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            BlockerKind::NoCheck => "no-check",
            BlockerKind::CheckStale => "check-stale",
            BlockerKind::MxUnknown => "mx-unknown",
            BlockerKind::MxNotCovered => "mx-not-covered",
            BlockerKind::MxNotChecked => "mx-not-checked",
            BlockerKind::MxStarttlsMissing => "mx-starttls-missing",
            BlockerKind::MxCertUntrusted => "mx-cert-untrusted",
            BlockerKind::MxCertNameMismatch => "mx-cert-name-mismatch",
            BlockerKind::MxCertExpired => "mx-cert-expired",
            BlockerKind::MxCertExpiring => "mx-cert-expiring",
            BlockerKind::StsRecordNotLive => "sts-record-not-live",
            BlockerKind::TlsRptRecordNotLive => "tlsrpt-record-not-live",
            BlockerKind::HostingNotChosen => "hosting-not-chosen",
            BlockerKind::PolicyNotLive => "policy-not-live",
            BlockerKind::CheckFailing => "check-failing",
            BlockerKind::IdNotBumped => "id-not-bumped",
            BlockerKind::MxDrift => "mx-drift",
            BlockerKind::WindowIncomplete => "window-incomplete",
            BlockerKind::NoTlsRptReports => "no-tlsrpt-reports",
            BlockerKind::TlsRptFailures => "tlsrpt-failures",
            BlockerKind::TlsRptUnauthenticated => "tlsrpt-unauthenticated",
            BlockerKind::RollbackWaiting => "rollback-waiting",
            BlockerKind::FinalPhase => "final-phase",
            BlockerKind::TestersNotRun => "testers-not-run",
            BlockerKind::NsLagging => "ns-lagging",
            BlockerKind::DeliveryRefused => "delivery-refused",
        }
    }
}

impl BlockerKind {
    /// Looks a kind up by its stable name.
    pub fn parse(s: &str) -> Option<BlockerKind> {
        BlockerKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for BlockerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason a gate does not pass.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Blocker {
    /// Stable kind.
    pub kind: BlockerKind,
    /// What is wrong, in a sentence.
    pub message: String,
    /// Whether an acknowledgement may override it (a judgement call, not a broken fact).
    pub overridable: bool,
}

impl Blocker {
    /// A blocker only fixing the problem clears.
    pub fn hard(kind: BlockerKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), overridable: false }
    }

    /// A blocker an acknowledgement may override.
    pub fn soft(kind: BlockerKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), overridable: true }
    }

    /// Whether time alone clears it (a countdown, or nameservers and resolver caches catching
    /// up): a wait, not something to fix.
    pub fn is_wait(&self) -> bool {
        matches!(self.kind, BlockerKind::NsLagging | BlockerKind::RollbackWaiting)
    }
}

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
