//! A whole rollout with every DNS change made by `mtasts publish`, once against a real Knot
//! (RFC 2136 + TSIG) and once against a real PowerDNS (HTTP API): add → records → hosting →
//! validation → testing → enforce → enforced, an MX change (two id bumps days apart), a
//! rollback and the retirement. Each step is checked with dig at the authoritative server.

use mtasts_core::rfc::Mode;
use mtasts_core::rollout::Phase;

use super::publish_rig::{Backend, D, Rig, code};

/// `"v=STSv1; id=ID"` as dig prints it.
fn sts(id: &str) -> String {
    format!("\"v=STSv1; id={id}\"")
}

const KEEP: &str = "\"site-verification=keep-me\"";
const RPT: &str = "\"v=TLSRPTv1; rua=mailto:tlsrpt@fresh.example\"";

fn walk(backend: Backend) {
    let Some(rig) = Rig::start(backend) else { return };
    let mut add = vec!["add", D, "--policy-host", "127.0.0.1"];
    add.extend(rig.dns_args.iter().map(String::as_str));
    let out = code(&rig.run(0, &add), 0);
    assert!(out.contains("dns: "), "{out}");
    let state_file =
        std::fs::read_to_string(rig.env.state_dir().join("domains").join(format!("{D}.toml"))).unwrap();
    assert!(
        !state_file.contains(super::publish_rig::SECRET_MARKERS[0])
            && !state_file.contains(super::publish_rig::SECRET_MARKERS[1]),
        "{state_file}"
    );

    // Preflight: nothing is publishable yet.
    let out = code(&rig.run(0, &["publish", D, "--yes"]), 0);
    assert!(out.contains("not yet: nothing is published in preflight"), "{out}");
    assert!(out.contains("nothing to publish at this step"), "{out}");
    code(&rig.run(0, &["advance", D]), 0);

    // Records: both TXT records and the policy host, beside the record that is not ours.
    let id = rig.env.state(D).plan.id.to_string();
    let dry = code(&rig.run(0, &["publish", D, "--dry-run"]), 0);
    assert!(dry.contains(&format!("+ _mta-sts.{D}. 300 TXT {}", sts(&id))), "{dry}");
    assert!(dry.contains(&format!("+ _smtp._tls.{D}. 300 TXT {RPT}")), "{dry}");
    assert!(dry.contains(&format!("+ mta-sts.{D}. 300 A 127.0.0.1")), "{dry}");
    assert!(dry.contains("site-verification=keep-me") && dry.contains("dry run: nothing changed"), "{dry}");
    assert_eq!(rig.txt("_mta-sts"), [KEEP]);
    let out = code(&rig.run(0, &["publish", D, "--yes"]), 0);
    assert!(
        out.contains("applied as one update") && out.contains("1 of 1 nameservers serve the new records"),
        "{out}"
    );
    assert_eq!(rig.txt("_mta-sts"), [KEEP.to_owned(), sts(&id)]);
    assert_eq!(rig.txt("_smtp._tls"), [RPT]);
    assert_eq!(rig.server.dig(&format!("mta-sts.{D}"), "A"), ["127.0.0.1"]);
    let again = code(&rig.run(0, &["publish", D, "--yes"]), 0);
    assert!(again.contains("already published"), "{again}");

    // Hosting, validation, testing: the web server's part (the lab serves the policy).
    code(&rig.run(0, &["advance", D]), 0);
    rig.serve_plan();
    code(&rig.run(1, &["advance", D, "--path", "nginx"]), 0);
    code(&rig.run(1, &["advance", D]), 0);
    assert_eq!(rig.env.state(D).phase, Phase::Testing);
    let testing_id = id;

    // Enforce: the new id waits for the enforce policy (RFC 8461 §8.1), then goes live.
    let day31 = 24 * 31;
    let ack = ["advance", D, "--ran", "hardenize", "--ran", "internet.nl", "--ack", "lab rehearsal"];
    code(&rig.run(day31, &ack), 0);
    let s = rig.env.state(D);
    assert_eq!((s.phase, s.plan.mode), (Phase::Enforce, Mode::Enforce));
    let enforce_id = s.plan.id.to_string();
    let early = code(&rig.run(day31, &["publish", D, "--yes"]), 0);
    assert!(early.contains(&format!("not yet: the new id {enforce_id} is not published yet")), "{early}");
    assert!(early.contains("serve the new policy") && early.contains("already published"), "{early}");
    assert_eq!(rig.txt("_mta-sts"), [KEEP.to_owned(), sts(&testing_id)]);
    rig.serve_plan();
    let out = code(&rig.run(day31, &["publish", D, "--yes"]), 0);
    assert!(out.contains(&format!("- _mta-sts.{D}. 300 TXT {}", sts(&testing_id))), "{out}");
    assert!(out.contains(&format!("+ _mta-sts.{D}. 300 TXT {}", sts(&enforce_id))), "{out}");
    assert_eq!(rig.txt("_mta-sts"), [KEEP.to_owned(), sts(&enforce_id)]);
    code(&rig.run(day31 + 1, &["advance", D]), 0);
    assert_eq!(rig.env.state(D).phase, Phase::Enforced);

    // An MX change: mx3 in, mx2 out, two new ids days apart; the MX records are the admin's.
    let day32 = 24 * 32;
    code(
        &rig.run(day32, &["plan", "mx", D, "--add", &format!("mx3.{D}"), "--remove", &format!("mx2.{D}")]),
        0,
    );
    let union_id = rig.env.state(D).plan.id.to_string();
    rig.serve_plan();
    code(&rig.run(day32, &["publish", D, "--yes"]), 0);
    assert_eq!(rig.txt("_mta-sts"), [KEEP.to_owned(), sts(&union_id)]);
    let out = code(&rig.run(day32 + 1, &["plan", "confirm", D]), 0);
    assert!(out.contains("✓ step 1 done"), "{out}");
    let week = day32 + 7 * 24 + 2;
    assert!(code(&rig.run(week, &["plan", "confirm", D]), 0).contains("✓ step 2 done"));
    rig.set_mx(&[&format!("mx1.{D}"), &format!("mx3.{D}")]);
    assert!(code(&rig.run(week, &["plan", "confirm", D]), 0).contains("✓ step 3 done"));
    assert!(code(&rig.run(week + 25, &["plan", "confirm", D]), 0).contains("✓ step 4 done"));
    let final_id = rig.env.state(D).plan.id.to_string();
    assert_ne!(final_id, union_id);
    let held = code(&rig.run(week + 25, &["publish", D, "--dry-run"]), 0);
    assert!(held.contains("not yet: the new id"), "{held}");
    rig.serve_plan();
    let out = code(&rig.run(week + 25, &["publish", D, "--yes"]), 0);
    assert_eq!(rig.txt("_mta-sts"), [KEEP.to_owned(), sts(&final_id)], "{out}");
    assert!(code(&rig.run(week + 26, &["plan", "confirm", D]), 0).contains("the planned change is complete"));

    // Rollback: the mode none policy first, then its id; then the countdown.
    let rb = week + 27;
    code(&rig.run(rb, &["rollback", D]), 0);
    let none_id = rig.env.state(D).plan.id.to_string();
    let early = code(&rig.run(rb, &["publish", D, "--yes"]), 0);
    assert!(early.contains(&format!("not yet: the new id {none_id}")), "{early}");
    rig.serve_plan();
    code(&rig.run(rb, &["publish", D, "--yes"]), 0);
    assert_eq!(rig.txt("_mta-sts"), [KEEP.to_owned(), sts(&none_id)]);
    assert!(code(&rig.run(rb + 1, &["publish", D, "--yes"]), 0).contains("already published"));

    // Retirement after the countdown: the records go, the record that is not ours stays; the
    // policy host's address goes only after the largest max_age.
    let retire = rb + 7 * 24 + 2;
    code(&rig.run(retire, &["retire", D]), 0);
    let out = code(&rig.run(retire, &["publish", D, "--yes"]), 0);
    assert!(out.contains(&format!("- _smtp._tls.{D}. 300 TXT {RPT}")), "{out}");
    assert!(out.contains(&format!("not yet: mta-sts.{D} stays until")), "{out}");
    assert_eq!(rig.txt("_mta-sts"), [KEEP]);
    assert!(rig.txt("_smtp._tls").is_empty());
    assert_eq!(rig.server.dig(&format!("mta-sts.{D}"), "A"), ["127.0.0.1"]);
    let gone = retire + 7 * 24 + 2;
    let out = code(&rig.run(gone, &["publish", D, "--yes"]), 0);
    assert!(out.contains(&format!("- mta-sts.{D}. 300 A 127.0.0.1")), "{out}");
    assert!(rig.server.dig(&format!("mta-sts.{D}"), "A").is_empty());
    assert_eq!(rig.txt("_mta-sts"), [KEEP]);
    assert!(code(&rig.run(gone, &["publish", D, "--yes"]), 0).contains("already published"));
}

#[test]
fn a_rollout_published_through_knot() {
    walk(Backend::Knot);
}

#[test]
fn a_rollout_published_through_powerdns() {
    walk(Backend::PowerDns);
}

#[test]
fn an_hmac_sha512_key_in_knot_s_own_form_signs_the_update_too() {
    let Some(rig) = Rig::start_with(Backend::Knot, "hmac-sha512") else { return };
    let key = rig.env.dir.path().join("knot-form.key");
    let secret = crate::common::dns_servers::TSIG_SECRET;
    let text = format!(
        "# hmac-sha512:mtasts:{secret}\nkey:\n  - id: mtasts\n    algorithm: hmac-sha512\n    secret: {secret}\n"
    );
    std::fs::write(&key, text).unwrap();
    let url = format!("rfc2136://mtasts@127.0.0.1:{}", rig.server.port);
    code(&rig.run(0, &["add", D, "--dns", &url, "--tsig-file", key.to_str().unwrap()]), 0);
    code(&rig.run(0, &["advance", D]), 0);
    let out = code(&rig.run(0, &["publish", D, "--yes"]), 0);
    assert!(out.contains("applied as one update"), "{out}");
    let id = rig.env.state(D).plan.id.to_string();
    assert_eq!(rig.txt("_mta-sts"), [KEEP.to_owned(), sts(&id)]);
}
