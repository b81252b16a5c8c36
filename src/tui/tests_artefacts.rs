//! The policy file, server paths, wrangler project and monitoring keys (`f F e D o c w`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Artefact, Effect, Msg, Op, Overlay, PromptKind, Screen};
use super::fixtures::{app_with, domain_app, draw, state};
use mtasts_core::rollout::{HostingPath, Phase};

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn opened(phase: Phase, path: Option<HostingPath>) -> App {
    let mut s = state(phase, 1, None);
    s.plan.hosting = path;
    let mut app = app_with(vec![s]);
    app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    app
}

/// The file system's answer for the prompt's (unchanged) path, submitting it.
fn inspected(typed: &str) -> Msg {
    Msg::PathInspected { typed: typed.into(), verdict: Ok("a new file".into()), submit: true }
}

fn prompt_kind(app: &App) -> Option<PromptKind> {
    match &app.overlay {
        Some(Overlay::Prompt(p)) => Some(p.kind),
        _ => None,
    }
}

#[test]
fn f_copies_the_policy_file_and_f_shifted_writes_it() {
    let mut app = opened(Phase::Hosting, None);
    let fx = app.update(key('f'));
    let [Effect::Copy(text)] = fx.as_slice() else { panic!("{fx:?}") };
    assert!(text.starts_with("version: STSv1\r\nmode: testing\r\n") && text.ends_with("max_age: 86400\r\n"));
    app.update(key('F'));
    assert_eq!(prompt_kind(&app), Some(PromptKind::WriteArtefact(Artefact::Policy)));
    let fx = app.update(inspected("./mta-sts.txt"));
    assert!(
        matches!(fx.as_slice(), [Effect::WriteFile { path, text }]
            if path.to_str() == Some("./mta-sts.txt") && text.contains("mode: testing")),
        "{fx:?}"
    );
}

#[test]
fn e_edits_and_saves_the_server_paths() {
    let mut app = opened(Phase::Hosting, Some(HostingPath::Worker));
    app.update(key('e'));
    assert_eq!(prompt_kind(&app), None, "no paths for a Worker");
    let mut app = opened(Phase::Hosting, Some(HostingPath::Nginx));
    app.update(key('e'));
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no prompt") };
    assert_eq!(p.kind, PromptKind::ServerPaths);
    assert!(p.value().starts_with("/etc/letsencrypt/live/mta-sts.example.com/fullchain.pem "));
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
    for c in "/srv/c.pem /srv/k.pem /srv/www".chars() {
        app.update(key(c));
    }
    let fx = app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    let [Effect::Op(Op::SetServerPaths(d, Some(o)))] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(d.as_str(), "example.com");
    assert_eq!(o.webroot.as_deref(), Some("/srv/www"));
}

#[test]
fn d_writes_the_wrangler_project_into_a_new_folder() {
    let mut app = opened(Phase::Hosting, Some(HostingPath::Nginx));
    assert!(app.update(key('D')).is_empty() && prompt_kind(&app).is_none(), "only for Workers");
    let mut app = opened(Phase::Hosting, Some(HostingPath::WorkerMulti));
    app.update(key('D'));
    assert_eq!(prompt_kind(&app), Some(PromptKind::WriteArtefact(Artefact::Wrangler)));
    let fx = app.update(inspected("./mta-sts-worker"));
    let [Effect::WriteFiles { dir, files }] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(dir.to_str(), Some("./mta-sts-worker"));
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["worker.js", "wrangler.jsonc"]);
    assert!(files[1].1.contains("\"pattern\": \"mta-sts.example.com\""));
}

#[test]
fn enforce_screens_open_hosting_and_copy_the_monitoring() {
    let mut app = opened(Phase::Enforced, Some(HostingPath::Caddy));
    let fx = app.update(key('c'));
    let [Effect::Copy(text)] = fx.as_slice() else { panic!("{fx:?}") };
    for part in ["MAILTO=root", "[Service]", "ExecStart=/usr/local/bin/mtasts check example.com", "[Timer]"] {
        assert!(text.contains(part), "{part} in {text}");
    }
    app.update(key('w'));
    assert_eq!(prompt_kind(&app), Some(PromptKind::WriteArtefact(Artefact::Monitoring)));
    app.overlay = None;
    app.update(key('o'));
    assert!(matches!(&app.screen, Screen::Domain(v) if v.viewing == Phase::Hosting));
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("mta-sts.example.com.caddy"), "{screen}");
}

#[test]
fn the_enforce_screen_previews_the_enforce_policy_file() {
    let mut app = domain_app(state(Phase::Testing, 10, None), None);
    if let Screen::Domain(v) = &mut app.screen {
        v.viewing = Phase::Enforce;
    }
    let fx = app.update(key('f'));
    let [Effect::Copy(text)] = fx.as_slice() else { panic!("{fx:?}") };
    assert!(text.contains("mode: enforce\r\n") && text.ends_with("max_age: 604800\r\n"), "{text}");
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("a new one, generated on advancing to enforce"), "{screen}");
    insta::assert_snapshot!("enforce_preview", screen);
}
