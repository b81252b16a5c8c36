//! The rule for tests that need external programs: fail on CI, skip elsewhere.

use crate::common;

const MISSING: &str = "mtasts-test-no-such-tool";

#[test]
fn missing_tool_skips_outside_ci() {
    assert_eq!(common::require_tool_on(MISSING, false), None);
    assert_eq!(common::optional_tool(&[MISSING]), None);
}

#[test]
fn missing_tool_fails_on_ci() {
    let err = std::panic::catch_unwind(|| common::require_tool_on(MISSING, true)).unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(msg.contains("mtasts-test-no-such-tool is not installed, but CI=true"), "{msg}");
}

#[test]
fn finds_tools_in_sbin_too() {
    let sh = common::find_tool("sh").unwrap();
    assert!(sh.ends_with("sh") && sh.is_absolute());
}
