//! The walkthrough's checklist as the state file keeps it: which external testers the user
//! ran, and when the TLS-RPT reports were last reviewed.

use jiff::Timestamp;

use crate::rfc::DomainName;

/// An external MTA-STS tester, a second opinion beside mtasts' own check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tester {
    /// Hardenize's mail report.
    Hardenize,
    /// internet.nl's mail test.
    #[serde(rename = "internet-nl")]
    InternetNl,
    /// MXToolbox's MTA-STS lookup.
    Mxtoolbox,
    /// CheckTLS's receiver test (a real STARTTLS session to each MX).
    Checktls,
    /// dmarcian's TLS inspector.
    Dmarcian,
}

impl Tester {
    /// Every tester, in the order the screens number them (1–5).
    pub const ALL: [Tester; 5] =
        [Tester::Hardenize, Tester::InternetNl, Tester::Mxtoolbox, Tester::Checktls, Tester::Dmarcian];

    /// The name users know it by.
    pub fn name(self) -> &'static str {
        match self {
            Tester::Hardenize => "Hardenize",
            Tester::InternetNl => "internet.nl",
            Tester::Mxtoolbox => "MXToolbox",
            Tester::Checktls => "CheckTLS",
            Tester::Dmarcian => "dmarcian TLS",
        }
    }

    /// The stable identifier (state files, `advance --ran`).
    pub fn id(self) -> &'static str {
        match self {
            Tester::Hardenize => "hardenize",
            Tester::InternetNl => "internet-nl",
            Tester::Mxtoolbox => "mxtoolbox",
            Tester::Checktls => "checktls",
            Tester::Dmarcian => "dmarcian",
        }
    }

    /// Looks a tester up by its identifier or name (any case).
    pub fn parse(s: &str) -> Option<Tester> {
        let s = s.trim();
        Tester::ALL.into_iter().find(|t| t.id().eq_ignore_ascii_case(s) || t.name().eq_ignore_ascii_case(s))
    }

    /// The page that tests `d`.
    pub fn url(self, d: &DomainName) -> String {
        let d = d.as_str();
        match self {
            Tester::Hardenize => format!("https://www.hardenize.com/report/{d}"),
            Tester::InternetNl => format!("https://internet.nl/mail/{d}/"),
            Tester::Mxtoolbox => format!("https://mxtoolbox.com/SuperTool.aspx?action=mta-sts%3a{d}"),
            Tester::Checktls => format!("https://www.checktls.com/TestReceiver?EMAIL={d}"),
            Tester::Dmarcian => "https://dmarcian.com/tls-inspector/".to_owned(),
        }
    }
}

/// One tester the user says they ran.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TesterRun {
    /// Which.
    pub tester: Tester,
    /// When it was ticked.
    pub at: Timestamp,
}

/// The walkthrough's per-domain checklist (absent from older state files: empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Walkthrough {
    /// The testers ticked as run.
    #[serde(default)]
    pub testers: Vec<TesterRun>,
    /// When the TLS-RPT reports were last reviewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reports_reviewed_at: Option<Timestamp>,
}

impl Walkthrough {
    /// Nothing recorded yet (the state file then leaves the table out).
    pub fn is_empty(&self) -> bool {
        self.testers.is_empty() && self.reports_reviewed_at.is_none()
    }

    /// Whether `t` is ticked.
    pub fn ran(&self, t: Tester) -> bool {
        self.testers.iter().any(|r| r.tester == t)
    }
}
