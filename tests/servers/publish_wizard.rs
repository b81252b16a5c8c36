//! `p` in the wizard with a DNS provider: the same diff as `mtasts publish`, confirmed with
//! `y`, applied through a real Knot, then the nameserver wait; the status line says so and
//! dig at the server shows the records.

use std::time::Duration;

use crossterm::event::KeyCode;

use super::publish_rig::{Backend, D, Rig, code};
use crate::common;

#[test]
fn p_shows_the_diff_and_publishes_on_confirmation() {
    let Some(rig) = Rig::start(Backend::Knot) else { return };
    let mut add = vec!["add", D];
    add.extend(rig.dns_args.iter().map(String::as_str));
    code(&rig.run(0, &add), 0);
    code(&rig.run(0, &["advance", D]), 0);
    let id = rig.env.state(D).plan.id.to_string();

    let mut probe = common::lab_config(&rig.env.lab);
    probe.now = jiff::Timestamp::now();
    probe.resolver =
        mtasts_probe::ResolverChoice::At(format!("127.0.0.1:{}", rig.server.port).parse().unwrap());
    probe.ns_port = rig.server.port;
    probe.timeouts.overall = Duration::from_secs(20);
    let state_dir = rig.env.state_dir();
    let want = id.clone();
    let (_, frames) = rig.env.rt.block_on(common::tui_loop::run_probing(
        &state_dir,
        probe,
        None,
        100,
        40,
        |s| async move {
            let (i, _) = s.wait_for(0, |t| t.contains(D)).await;
            s.key(KeyCode::Enter);
            let (i, screen) = s.wait_for(i, |t| t.contains("publishes through RFC 2136 (TSIG)")).await;
            assert!(screen.contains(" p publish the DNS records"), "{screen}");
            s.key(KeyCode::Char('p'));
            let (i, confirm) = s.wait_for(i, |t| t.contains("Apply these changes")).await;
            assert!(
                confirm.contains(&format!("+ _mta-sts.{D}. 300 TXT \"v=STSv1; id={want}\"")),
                "{confirm}"
            );
            assert!(confirm.contains("site-verification=keep-me"), "{confirm}");
            s.key(KeyCode::Char('y'));
            let (i, done) = s.wait_for(i, |t| t.contains("published fresh.example: ")).await;
            assert!(done.contains("1 of 1 nameservers serve"), "{done}");
            s.key(KeyCode::Char('p'));
            let (_, again) = s.wait_for(i, |t| t.contains("Already published")).await;
            assert!(!again.contains("Apply these changes"), "{again}");
            s.key(KeyCode::Esc);
        },
    ));
    assert!(!frames.is_empty());
    assert_eq!(
        rig.txt("_mta-sts"),
        ["\"site-verification=keep-me\"".to_owned(), format!("\"v=STSv1; id={id}\"")]
    );
}
