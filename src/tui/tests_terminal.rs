//! Terminal safety of the wizard: hand-built evidence and state whose every outside string
//! carries `ESC[2J`, an OSC 52 clipboard write ended by BEL, a C1 CSI and U+202E; no cell of
//! any rendered screen may hold one of them raw.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::app::{App, DomainView, Entry, Screen};
use super::fixtures::{app_with, checked, dn, healthy_ev, state};
use mtasts_core::evidence::{CertVerdict, Evidence, SmtpReply};
use mtasts_core::judge::fixtures::{fetch, probe, set_probe, txt};
use mtasts_core::rollout::{DomainState, Phase, ReportTally};

const EVIL: &str = "\x1b[2J\x1b]52;c;ZXZpbA==\x07\u{9b}31m\u{202e}";

fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn evil_ev() -> Evidence {
    let mut ev = healthy_ev("testing");
    ev.sts_record = txt("_mta-sts.example.com", &[&format!("v=STSv1; id=20261101T000000; x={EVIL}")]);
    ev.tlsrpt_record =
        txt("_smtp._tls.example.com", &[&format!("v=TLSRPTv1; rua=mailto:{EVIL}@example.com")]);
    ev.tlsrpt_legacy_record = txt("_smtp-tlsrpt.example.com", &[EVIL]);
    ev.policy = fetch(&format!(
        "version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\nmx: {EVIL}\r\nx{EVIL}: {EVIL}\r\nmax_age: 86400\r\n"
    ));
    ev.policy.content_type = Some(format!("text/plain{EVIL}"));
    ev.policy.location = Some(format!("https://{EVIL}/"));
    if let Some(cert) = &mut ev.policy.cert {
        cert.subject = Some(format!("CN={EVIL}"));
        cert.sans = vec![EVIL.to_owned()];
        cert.verdict = CertVerdict::NameMismatch;
        cert.detail = Some(format!("name mismatch {EVIL}"));
    }
    for (i, host) in ["mx1.example.com", "mx2.example.com"].iter().enumerate() {
        let mut p = probe(host, 2 + i as u8);
        let reply = SmtpReply { code: 220, lines: vec![format!("{host} ESMTP {EVIL}"), EVIL.to_owned()] };
        p.banner = Some(reply.clone());
        p.ehlo = Some(SmtpReply { code: 250, ..reply });
        if let Some(tls) = &mut p.tls {
            tls.version = format!("TLSv1_3{EVIL}");
            tls.cipher = format!("AES{EVIL}");
            tls.cert.subject = Some(format!("CN={EVIL}"));
            tls.cert.issuer = Some(format!("CN=issuer {EVIL}"));
            tls.cert.sans = vec![format!("{EVIL}.example.com")];
            tls.cert.detail = Some(format!("detail {EVIL}"));
            tls.cert.verdict = if i == 0 { CertVerdict::NameMismatch } else { CertVerdict::UnknownIssuer };
        }
        set_probe(&mut ev, i, p);
    }
    ev
}

fn app_at(phase: Phase) -> App {
    let ev = evil_ev();
    let s: DomainState = state(phase, 11, Some(&ev));
    let c = checked(ev, Some(&s));
    let mut app = app_with(vec![s]);
    app.entries.push(Entry::Bad { path: format!("/state/domains/{EVIL}.toml").into(), problem: EVIL.into() });
    let tally = ReportTally {
        reports: 2,
        failed_sessions: 3,
        successful_sessions: 5,
        failures_by_type: vec![(format!("other {EVIL}"), 3)],
        ..ReportTally::default()
    };
    let since = app.now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let session = app.session_mut(&dn("example.com"));
    session.check = Some(c);
    session.reports = Some(crate::tui::app::DomainReports {
        domain: dn("example.com"),
        since,
        tally: Some(tally),
        summary: None,
        ahead: None,
    });
    app
}

/// Every cell symbol of the screen at `w`×`h`; panics naming the first raw control character.
fn assert_clean(app: &App, what: &str, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::render::render(app, f)).unwrap();
    let buf = term.backend().buffer();
    let mut screen = String::new();
    for y in 0..h {
        for x in 0..w {
            let sym = buf[(x, y)].symbol();
            if let Some(c) = sym.chars().find(|&c| is_unsafe(c)) {
                panic!("{what}: raw {c:?} in cell ({x},{y}) {sym:?}");
            }
            screen.push_str(sym);
        }
        screen.push('\n');
    }
    screen
}

#[test]
fn every_screen_renders_hostile_text_escaped() {
    let mut shown = String::new();
    for phase in [
        Phase::Preflight,
        Phase::Hosting,
        Phase::Records,
        Phase::Validation,
        Phase::Testing,
        Phase::Enforce,
        Phase::Enforced,
    ] {
        let mut app = app_at(phase);
        shown += &assert_clean(&app, "home", 120, 40);
        app.screen = Screen::Domain(DomainView::new(dn("example.com"), phase));
        for (w, h) in [(80, 24), (160, 60), (60, 20)] {
            shown += &assert_clean(&app, &format!("{phase:?} {w}x{h}"), w, h);
        }
        for scroll in [5, 10, 20, 40] {
            if let Screen::Domain(v) = &mut app.screen {
                v.scroll = scroll;
            }
            shown += &assert_clean(&app, &format!("{phase:?} scrolled {scroll}"), 160, 60);
        }
    }
    assert!(shown.contains("\\x1b[2J"), "the payload is shown, escaped");
}
