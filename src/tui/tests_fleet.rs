//! The fleet table's pure parts: natural order, the filter's syntax, the rows and the summary.

use std::cmp::Ordering;

use super::fleet::*;
use mtasts_core::rollout::{CertEnd, Phase, Urgency};

#[test]
fn names_sort_as_people_sort_them() {
    let mut names =
        vec!["client10.example", "client2.example", "client1.example", "Client3.example", "client100"];
    names.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(
        names,
        ["client1.example", "client2.example", "Client3.example", "client10.example", "client100"]
    );
    assert_eq!(natural_cmp("a1b2", "a1b10"), Ordering::Less);
    assert_eq!(natural_cmp("a01", "a1"), Ordering::Greater, "same value: the wider after");
    assert_eq!(natural_cmp("a1", "a1"), Ordering::Equal);
    assert_eq!(natural_cmp("a", "a0"), Ordering::Less);
    assert_eq!(natural_cmp("a00", "a0"), Ordering::Greater);
    assert_eq!(natural_cmp("x99999999999999999999999", "x100000000000000000000000"), Ordering::Less);
    assert_eq!(natural_cmp("mail.b", "mail-b"), "mail.b".cmp("mail-b"));
    let mut all: Vec<String> = (0..300).map(|i| format!("c{}", (i * 7919) % 300)).collect();
    all.sort_by(|a, b| natural_cmp(a, b));
    let want: Vec<String> = (0..300).map(|i| format!("c{i}")).collect();
    assert_eq!(all, want);
}

fn fact(name: &str, phase: Phase, seen: Seen, urgency: Urgency) -> Facts {
    Facts { name: name.into(), phase: Some(phase), seen, urgency, ending: false, cert: None, marked: false }
}

fn fleet() -> Vec<Facts> {
    vec![
        fact("client1.example", Phase::Testing, Seen::Pass, Urgency::Calm),
        Facts { ending: true, ..fact("client2.example", Phase::Testing, Seen::Warn, Urgency::Warning) },
        Facts { marked: true, ..fact("client10.example", Phase::Records, Seen::Never, Urgency::Due) },
        Facts {
            cert: Some(CertEnd::Expired),
            ..fact("shop.example", Phase::Enforced, Seen::Fail, Urgency::MailRefused)
        },
        Facts {
            cert: Some(CertEnd::Expiring),
            ..fact("zed.example", Phase::Enforced, Seen::Fail, Urgency::Failing)
        },
        Facts { phase: None, ..fact("broken.toml", Phase::Preflight, Seen::Unreadable, Urgency::Failing) },
    ]
}

fn names(facts: &[Facts], rows: &[usize]) -> Vec<String> {
    rows.iter().map(|i| facts[*i].name.clone()).collect()
}

#[test]
fn the_filter_keeps_names_phases_and_facts() {
    let f = fleet();
    let keep = |text: &str| names(&f, &rows(&f, &parse_filter(text).unwrap(), SortBy::Name));
    assert_eq!(keep("client1"), ["client1.example", "client10.example"]);
    assert_eq!(keep("CLIENT1"), ["client1.example", "client10.example"], "case does not matter");
    assert_eq!(keep("phase:testing"), ["client1.example", "client2.example"]);
    assert_eq!(keep("phase:test"), keep("testing"), "a prefix and the bare name");
    assert_eq!(keep("phase:enforced"), ["shop.example", "zed.example"]);
    assert_eq!(keep("fail"), ["shop.example", "zed.example"]);
    assert_eq!(keep("is:fail zed"), ["zed.example"], "terms add up");
    assert_eq!(keep("refused"), ["shop.example"]);
    assert_eq!(keep("due"), ["client10.example"]);
    assert_eq!(keep("never"), ["client10.example"]);
    assert_eq!(keep("marked"), ["client10.example"]);
    assert_eq!(keep("ending"), ["client2.example"]);
    assert_eq!(keep("expiring"), ["zed.example"]);
    assert_eq!(keep("expired"), ["shop.example"]);
    assert_eq!(keep("unreadable"), ["broken.toml"]);
    assert_eq!(keep("name:fail"), Vec::<String>::new(), "name: searches names only");
    assert_eq!(keep(""), names(&f, &[0, 1, 2, 3, 4, 5]));
    assert!(parse_filter("phase:nope").unwrap_err().contains("nope"));
    assert!(parse_filter("phase:enforce").is_ok(), "enforce is a phase of its own, not ambiguous");
    assert!(parse_filter("is:bogus").unwrap_err().contains("pass, warn, fail"));
}

#[test]
fn urgency_order_puts_refused_and_failing_first_and_keeps_names_in_order_within() {
    let f = fleet();
    assert_eq!(
        names(&f, &rows(&f, &[], SortBy::Urgency)),
        [
            "shop.example",
            "zed.example",
            "broken.toml",
            "client10.example",
            "client2.example",
            "client1.example"
        ]
    );
    assert_eq!(
        names(&f, &rows(&f, &parse_filter("client").unwrap(), SortBy::Urgency))[0],
        "client10.example"
    );
}

#[test]
fn the_summary_counts_every_domain_once_per_question() {
    let s = summary(&fleet());
    assert_eq!(s.total, 6);
    assert_eq!(s.phases, [(Phase::Records, 1), (Phase::Testing, 2), (Phase::Enforced, 2)]);
    assert_eq!(s.seen, [1, 1, 2, 0, 1, 1]);
    assert_eq!((s.refused, s.due, s.ending, s.expiring, s.expired, s.marked), (1, 1, 1, 1, 1, 1));
    assert_eq!(summary(&[]), Summary::default());
}
