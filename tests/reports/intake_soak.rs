//! The short soak of `mtasts reports serve` (20 s; `tests/common/soak.rs`): valid, slow,
//! oversized, bomb, idle and flooding clients from many loopback addresses at once. The
//! receiver stays under 256 MiB and stores every valid report exactly once. The long run is
//! `cargo bench --bench intake_soak -- --minutes 10`.

use crate::common;

use common::rss::LIMIT_KIB;
use common::soak::{Soak, assert_held, run};

#[test]
fn a_short_soak_keeps_the_receiver_small_and_stores_every_valid_report_once() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let result = run(dir.path(), &Soak::short(), LIMIT_KIB);
    eprintln!("{}", result.describe());
    assert_held(&result, LIMIT_KIB);
}
