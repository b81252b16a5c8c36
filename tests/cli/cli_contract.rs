//! Issue 11, items 3–11: bounded file inputs, writes that refuse symbolic links, capped
//! findings, exit status independent of a closed stdout, unreadable state named by
//! `check DOMAIN`, lint headlines that agree with the exit status, global options before the
//! subcommand, and the smaller fixes. Lab-backed where a live check is needed.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::lab_env::LabEnv;
use crate::common::{mtasts, output_text as text};

/// Runs with standard output a pipe whose reader is already gone (`| head -0`).
fn closed_stdout(cmd: &mut Command) -> std::process::ExitStatus {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    cmd.stdout(Stdio::from(writer)).stderr(Stdio::null()).status().unwrap()
}

#[test]
fn options_before_the_subcommand_count_and_a_closed_pipe_keeps_the_exit_status() {
    let env = LabEnv::new("demo");
    let mut cmd = mtasts(&env.state_dir());
    // Item 10: every probe option before `check`.
    cmd.args(env.probe_args()).args(["check", "expired.example", "good.example"]);
    let out = cmd.output().unwrap();
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("mx-cert-expired"), "the lab was probed (resolver honoured):\n{t}");
    assert!(t.contains("good.example  ✓ PASS"), "{t}");
    // Item 7: the same command with stdout closed still exits 1.
    let mut cmd = mtasts(&env.state_dir());
    cmd.args(["check", "expired.example", "good.example"]).args(env.probe_args());
    assert_eq!(closed_stdout(&mut cmd).code(), Some(1));
    // Item 11: one domain named three ways is checked once.
    let out = mtasts(&env.state_dir())
        .args(["check", "good.example", "good.example", "GOOD.EXAMPLE.", "--json"])
        .args(env.probe_args())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1, "{}", text(&out));
}

#[test]
fn check_domain_names_an_unreadable_state_file() {
    let env = LabEnv::new("demo");
    let domains = env.state_dir().join("domains");
    std::fs::create_dir_all(&domains).unwrap();
    std::fs::write(domains.join("good.example.toml"), "schema = [broken").unwrap();
    let out =
        mtasts(&env.state_dir()).args(["check", "good.example"]).args(env.probe_args()).output().unwrap();
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("good.example.toml") && t.contains("not a valid state file"), "{t}");
    assert_eq!(std::fs::read_to_string(domains.join("good.example.toml")).unwrap(), "schema = [broken");
}

#[test]
fn lint_exit_status_survives_a_closed_pipe_and_headlines_agree() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.txt");
    std::fs::write(
        &policy,
        "version: STSv1\nmode: testing\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n",
    )
    .unwrap();
    let out = mtasts(dir.path()).args(["lint", "policy", policy.to_str().unwrap()]).output().unwrap();
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.lines().next().unwrap().ends_with(": invalid policy"), "{t}");
    let mut cmd = mtasts(dir.path());
    cmd.args(["lint", "policy", policy.to_str().unwrap()]);
    assert_eq!(closed_stdout(&mut cmd).code(), Some(1));
    for record in ["v=TLSRPTv1", "v=TLSRPTv1; rua=tlsrpt@example.com", "v=TLSRPTv1; rua=ftp://example.com/r"]
    {
        let out = mtasts(dir.path()).args(["lint", "record", record]).output().unwrap();
        let t = text(&out);
        assert_eq!(out.status.code(), Some(1), "{record}: {t}");
        assert!(t.starts_with("_smtp._tls record (v=TLSRPTv1): invalid"), "{record}: {t}");
    }
    let out =
        mtasts(dir.path()).args(["lint", "record", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com"]).output();
    assert_eq!(out.unwrap().status.code(), Some(0));
}

#[test]
fn findings_are_capped_and_memory_bounded_for_a_policy_of_newlines() {
    let dir = tempfile::tempdir().unwrap();
    for (size, name) in [(64 * 1024, "blank-64k.txt"), (1024 * 1024, "blank-1m.txt")] {
        let policy = dir.path().join(name);
        std::fs::write(&policy, vec![b'\n'; size]).unwrap();
        let out = mtasts(dir.path()).args(["lint", "policy", policy.to_str().unwrap()]).output().unwrap();
        let t = text(&out);
        assert_eq!(out.status.code(), Some(1));
        assert!(t.lines().count() < 500, "{name}: {} lines", t.lines().count());
        assert!(t.contains("more like this"), "{name}: {t}");
        let out =
            mtasts(dir.path()).args(["lint", "policy", "--json", policy.to_str().unwrap()]).output().unwrap();
        assert!(out.stdout.len() < 200_000, "{name}: {} bytes of JSON", out.stdout.len());
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let findings = v["findings"].as_array().unwrap();
        assert!(findings.len() <= mtasts_core::finding::MAX_PER_DOMAIN);
        assert!(findings.iter().any(|f| f["message"].as_str().unwrap().contains("more like this")));
    }
}

#[test]
fn file_inputs_are_bounded_and_writes_refuse_symbolic_links() {
    let dir = tempfile::tempdir().unwrap();
    // Item 3: /dev/zero as a CA file stops at the limit with an error naming the file.
    let out = mtasts(dir.path()).args(["--ca-file", "/dev/zero", "check", "example.com"]).output().unwrap();
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("/dev/zero is larger than 1048576 bytes"), "{t}");
    // Item 4: a link in the output directory is refused and its target kept.
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let outside = dir.path().join("outside.txt");
    std::fs::write(&outside, "precious").unwrap();
    std::os::unix::fs::symlink(&outside, out_dir.join("mta-sts.txt")).unwrap();
    let generate = |out: &Path| {
        mtasts(dir.path())
            .args(["generate", "--target", "policy", "example.com", "--mx", "mx.example.com", "--out"])
            .arg(out)
            .output()
            .unwrap()
    };
    let out = generate(&out_dir);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("mta-sts.txt is a symbolic link"), "{t}");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
    let dangling = dir.path().join("out2");
    std::fs::create_dir_all(&dangling).unwrap();
    std::os::unix::fs::symlink(dir.path().join("created"), dangling.join("mta-sts.txt")).unwrap();
    assert_eq!(generate(&dangling).status.code(), Some(2));
    assert!(!dir.path().join("created").exists(), "a dangling link created its target");
    // A normal write replaces the file whole and leaves no temp file.
    let fine = dir.path().join("out3");
    assert!(generate(&fine).status.success());
    assert!(generate(&fine).status.success());
    let names: Vec<_> = std::fs::read_dir(&fine).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("mta-sts.txt")]);
    // Lock files never follow a link either.
    let state = dir.path().join("state");
    std::fs::create_dir_all(state.join("domains")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("lock-target"), state.join("domains/.example.com.lock"))
        .unwrap();
    let out = mtasts(&state)
        .args(["add", "example.com", "--mx", "mx.example.com", "--resolver", "127.0.0.1:9", "--timeout", "1"])
        .output()
        .unwrap();
    assert!(!dir.path().join("lock-target").exists(), "{}", text(&out));
}

#[test]
fn hand_edits_and_odd_entries_are_reported() {
    let env = LabEnv::new("demo");
    let state = env.state_dir();
    let out = mtasts(&state)
        .args(["add", "fresh.example", "--mx", "mx1.fresh.example", "--mx", "MX1.fresh.example."])
        .args(env.probe_args())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let file = state.join("domains/fresh.example.toml");
    let toml = std::fs::read_to_string(&file).unwrap();
    assert!(toml.contains("mx = [\"mx1.fresh.example\"]"), "{toml}");
    // A hand-edited window_days = 0 is refused, with the file named.
    std::fs::write(&file, toml.replace("window_days = 30", "window_days = 0")).unwrap();
    let out = mtasts(&state).arg("status").output().unwrap();
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("window_days = 0"), "{t}");
    std::fs::write(&file, toml).unwrap();
    // A directory named like a state file is listed as a problem.
    std::fs::create_dir_all(state.join("domains/x.toml")).unwrap();
    let out = mtasts(&state).arg("status").output().unwrap();
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("x.toml"), "{t}");
    // --rua refuses characters a URI never holds unencoded, as it refuses '!'.
    for bad in ["`", "{", "}", "|", "^", "[", "]", "!"] {
        let out = mtasts(&state)
            .args(["generate", "--target", "dns", "a.example", "--mx", "mx.a.example", "--rua"])
            .arg(format!("mailto:r{bad}@a.example"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", text(&out));
    }
}

#[test]
fn a_failed_generate_write_keeps_the_previous_artefact() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    // The file size limit stands in for a full disk: past 8 KiB a write fails with EFBIG
    // (SIGXFSZ ignored), as it would with ENOSPC.
    let generate = |mx: usize| {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "trap '' XFSZ; ulimit -f 16; exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_mtasts")])
            .args(["generate", "--target", "policy", "example.com", "--out"])
            .arg(&out_dir)
            .env("MTASTS_STATE_DIR", dir.path().join("state"));
        for i in 0..mx {
            cmd.args(["--mx", &format!("mx{i}.a-rather-long-mail-host-name.example.com")]);
        }
        cmd.output().unwrap()
    };
    let out = generate(1);
    assert!(out.status.success(), "{}", text(&out));
    let policy = out_dir.join("mta-sts.txt");
    let before = std::fs::read(&policy).unwrap();
    let out = generate(1000);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("cannot write") && t.contains("mta-sts.txt"), "{t}");
    assert_eq!(std::fs::read(&policy).unwrap(), before, "the previous artefact is intact");
    let names: Vec<_> = std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("mta-sts.txt")], "no temp file left");
}
