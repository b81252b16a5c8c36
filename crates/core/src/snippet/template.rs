//! Minimal `{{NAME}}` substitution for the templates in `assets/snippets/`.

/// Replaces each `{{KEY}}` with its value in one left-to-right pass, so a value can never
/// introduce a placeholder of its own. Unknown placeholders are left as they are (tests
/// check that every template is fully filled).
pub(super) fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let value = after
            .find("}}")
            .and_then(|end| vars.iter().find(|(k, _)| *k == &after[..end]).map(|(_, v)| (end, *v)));
        match value {
            Some((end, v)) => {
                out.push_str(v);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn substitutes_once_and_keeps_unknown() {
        assert_eq!(fill("a {{X}} b {{Y}} {{X}}", &[("X", "{{Y}}"), ("Y", "2")]), "a {{Y}} b 2 {{Y}}");
        assert_eq!(fill("{{Z}} {{", &[("X", "1")]), "{{Z}} {{");
    }
}
