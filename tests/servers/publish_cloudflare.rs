//! `publish` through Cloudflare's API v4, against a local stand-in of exactly the calls it
//! makes (`common::cf_api`; CI never reaches the real service). The lab plays Cloudflare's
//! authoritative DNS: what the stand-in holds is copied into the lab after each publication,
//! so `check` and the gates see it.

use std::process::Output;

use mtasts_core::rollout::Phase;

use crate::common::cf_api::{CfApi, EDIT_TOKEN, READ_TOKEN};
use crate::common::lab_env::LabEnv;

const D: &str = "fresh.example";

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[track_caller]
fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", text(o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Copies the stand-in's TXT records at the two names into the lab's DNS.
fn sync(env: &LabEnv, api: &CfApi) {
    for label in ["_mta-sts", "_smtp._tls"] {
        let name = format!("{label}.{D}");
        let txt: Vec<Vec<String>> = api
            .records()
            .into_iter()
            .filter(|r| r.name == name && r.rtype == "TXT")
            .map(|r| vec![r.content.trim_matches('"').to_owned()])
            .collect();
        env.lab.publish_txt(&name, txt).unwrap();
    }
}

fn contents(api: &CfApi, name: &str) -> Vec<String> {
    api.records()
        .into_iter()
        .filter(|r| r.name == name)
        .map(|r| format!("{} {}", r.rtype, r.content))
        .collect()
}

#[test]
fn records_are_published_through_the_cloudflare_api_and_bad_tokens_change_nothing() {
    let env = LabEnv::new("demo-fresh");
    let api = CfApi::start(D, &[(&format!("_mta-sts.{D}"), "TXT", "\"site-verification=keep-me\"")]);
    let url = format!("cloudflare+http://127.0.0.1:{}", api.port);
    let token = env.dir.path().join("cf-token");
    std::fs::write(&token, format!("{EDIT_TOKEN}\n")).unwrap();
    let run = |args: &[&str]| env.command(0, args, true).output().unwrap();
    ok(&run(&[
        "add",
        D,
        "--dns",
        &url,
        "--api-token-file",
        token.to_str().unwrap(),
        "--policy-host",
        "policy.example.net",
    ]));
    ok(&run(&["advance", D]));
    let id = env.state(D).plan.id.to_string();

    let dry = ok(&run(&["publish", D, "--dry-run"]));
    assert!(dry.contains(&format!("+ _mta-sts.{D}. 1 TXT \"v=STSv1; id={id}\"")), "{dry}");
    assert!(dry.contains("(zone fresh.example)"), "{dry}");
    assert!(dry.contains(&format!("+ mta-sts.{D}. 300 CNAME policy.example.net.")), "{dry}");
    assert!(dry.contains("= _mta-sts.fresh.example. 1 TXT \"site-verification=keep-me\""), "{dry}");

    // Refusals change nothing: a wrong token, a read-only token, a rate limit.
    let before = api.records();
    let bad = env.dir.path().join("bad-token");
    std::fs::write(&bad, "not-a-token\n").unwrap();
    ok(&run(&["dns", D, &url, "--api-token-file", bad.to_str().unwrap(), "--no-verify"]));
    let out = run(&["publish", D, "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("Cloudflare API answered HTTP 401: the credentials were not accepted"),
        "{}",
        text(&out)
    );
    let out =
        env.command(0, &["dns", D, &url], true).env("CLOUDFLARE_API_TOKEN", READ_TOKEN).output().unwrap();
    ok(&out);
    let out = env
        .command(0, &["publish", D, "--yes"], true)
        .env("CLOUDFLARE_API_TOKEN", READ_TOKEN)
        .output()
        .unwrap();
    assert!(text(&out).contains("HTTP 403: the credentials are valid but lack permission"), "{}", text(&out));
    assert!(!text(&out).contains(READ_TOKEN), "{}", text(&out));
    ok(&run(&["dns", D, &url, "--api-token-file", token.to_str().unwrap()]));
    api.rate_limit(1);
    let out = run(&["publish", D, "--yes"]);
    assert!(text(&out).contains("HTTP 429: rate limited; try again after 30 s"), "{}", text(&out));
    assert_eq!(api.records(), before);

    // The batch applies both records and the alias; the record that is not ours stays.
    let out = ok(&run(&["publish", D, "--yes", "--wait", "0"]));
    assert!(out.contains("applied as one update"), "{out}");
    assert!(
        api.calls().iter().any(|c| c == "POST /client/v4/zones/zone-1/dns_records/batch"),
        "{:?}",
        api.calls()
    );
    let mut sts = contents(&api, &format!("_mta-sts.{D}"));
    sts.sort();
    assert_eq!(sts, ["TXT \"site-verification=keep-me\"", &format!("TXT \"v=STSv1; id={id}\"")]);
    assert_eq!(
        contents(&api, &format!("mta-sts.{D}")),
        ["CNAME policy.example.net"],
        "{out}\n{:?}",
        api.records()
    );
    sync(&env, &api);
    assert!(ok(&run(&["publish", D, "--yes"])).contains("already published"));
    ok(&run(&["advance", D]));
    assert_eq!(env.state(D).phase, Phase::Hosting);
    let state = std::fs::read_to_string(env.state_dir().join("domains").join(format!("{D}.toml"))).unwrap();
    assert!(!state.contains(EDIT_TOKEN) && state.contains("cf-token"), "{state}");
}
