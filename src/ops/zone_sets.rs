//! How many records a zone file gives each name and type, counted in one pass over its lines
//! before hickory's parser sees it: that parser checks every record of a set against all the
//! others already in it, so one name with 60,000 MX records took over a minute. A set past the
//! limit stops the read at its line.

use std::collections::HashMap;

use hickory_proto::rr::Name;
use hickory_proto::serialize::txt::parse_ttl;

/// Most MX records (and so MX hosts) one name may have: as many as a plan may list.
pub const MAX_MX_HOSTS: usize = mtasts_core::rfc::MAX_POLICY_MX;
/// Most records of any other type one name may have in the file.
pub const MAX_RECORDS_PER_SET: usize = 1024;

/// A record set past its limit: where it passed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oversized {
    /// 1-based line of the first record past the limit.
    pub line: usize,
    /// The owner name, without the final dot.
    pub name: String,
    /// The record type, upper case.
    pub rtype: String,
    /// The limit it passed.
    pub limit: usize,
}

/// The first record set of `text` with more records than its limit ([`MAX_MX_HOSTS`] for MX,
/// [`MAX_RECORDS_PER_SET`] otherwise), `origin` standing for `@` and relative names until a
/// `$ORIGIN` line. Lines the parser would refuse are passed over: it names them itself.
pub fn oversized_set(text: &str, origin: &Name) -> Option<Oversized> {
    let mut origin = origin.clone();
    let mut owner: Option<Name> = None;
    let mut counts: HashMap<(Name, String), usize> = HashMap::new();
    let mut depth = 0i32;
    for (i, line) in text.lines().enumerate() {
        let balance = paren_balance(line);
        if depth > 0 {
            depth = (depth + balance).max(0);
            continue;
        }
        depth = balance.max(0);
        let tokens = tokens(line);
        let Some(first) = tokens.first() else { continue };
        let fields = if line.starts_with([' ', '\t']) {
            &tokens[..]
        } else if first.eq_ignore_ascii_case("$ORIGIN") {
            if let Some(o) = tokens.get(1).and_then(|t| Name::parse(t, None).ok()) {
                origin = o;
            }
            continue;
        } else if first.starts_with('$') {
            continue;
        } else {
            owner = if *first == "@" { Some(origin.clone()) } else { Name::parse(first, Some(&origin)).ok() };
            &tokens[1..]
        };
        let rtype = fields.iter().find(|t| parse_ttl(t).is_err() && !is_class(t));
        let (Some(name), Some(rtype)) = (&owner, rtype) else { continue };
        let rtype = rtype.to_ascii_uppercase();
        let limit = if rtype == "MX" { MAX_MX_HOSTS } else { MAX_RECORDS_PER_SET };
        let n = counts.entry((name.to_lowercase(), rtype.clone())).or_insert(0);
        *n += 1;
        if *n > limit {
            let name = name.to_ascii().trim_end_matches('.').to_owned();
            return Some(Oversized { line: i + 1, name, rtype, limit });
        }
    }
    None
}

fn is_class(token: &str) -> bool {
    ["IN", "CH", "HS", "CS", "NONE", "ANY"].iter().any(|c| token.eq_ignore_ascii_case(c))
}

/// The whitespace-separated tokens of a line before its comment; a quoted string is one token.
fn tokens(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted, mut escaped) = (None, false, false);
    let mut end = line.len();
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                end = i;
                break;
            }
            c if c.is_whitespace() && !quoted => {
                if let Some(s) = start.take() {
                    out.push(&line[s..i]);
                }
                continue;
            }
            _ => {}
        }
        start.get_or_insert(i);
    }
    if let Some(s) = start {
        out.push(&line[s..end]);
    }
    out
}

/// Opening minus closing parentheses of one line, outside quotes and comments.
pub fn paren_balance(line: &str) -> i32 {
    let (mut n, mut quoted, mut escaped) = (0, false, false);
    for c in line.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => break,
            '(' if !quoted => n += 1,
            ')' if !quoted => n -= 1,
            _ => {}
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Name {
        Name::parse("example.com.", None).unwrap()
    }

    #[test]
    fn counts_mx_per_owner_whatever_the_spelling_of_the_name() {
        let mut text = String::from("$TTL 300\n@ IN SOA ns h ( 1 2 3\n 4 5 )\n");
        for i in 0..MAX_MX_HOSTS {
            let owner = match i % 4 {
                0 => "@",
                1 => "",
                2 => "EXAMPLE.com.",
                _ => "example.com.",
            };
            text.push_str(&format!("{owner}  300 IN MX 10 mx{i}.example.net. ; note\n"));
        }
        assert_eq!(oversized_set(&text, &origin()), None);
        text.push_str("@ MX 10 one-more.example.net.\n");
        let over = oversized_set(&text, &origin()).unwrap();
        assert_eq!((over.line, over.name.as_str(), over.rtype.as_str()), (68, "example.com", "MX"));
        let other = "$ORIGIN other.example.\n".to_owned() + &"@ MX 10 a.example.\n".repeat(64);
        assert_eq!(oversized_set(&(text[..text.len() - 30].to_owned() + &other), &origin()), None);
    }

    #[test]
    fn tokens_respect_quotes_and_comments() {
        assert_eq!(tokens("a IN TXT \"x ; y\" ; c"), vec!["a", "IN", "TXT", "\"x ; y\""]);
        assert_eq!(tokens("  IN MX 10 mx ;c"), vec!["IN", "MX", "10", "mx"]);
        assert_eq!(tokens("; only"), Vec::<&str>::new());
    }
}
