//! A file of domains to onboard: one `DOMAIN [MX...]` per line, `#` starts a comment, blank
//! lines are ignored (the format `check` and `generate` read with `--domain-file`). Read whole
//! but bounded; every line is validated before anything is added, and each problem names its
//! line. A name given twice with the same MX hosts is kept once (the repeat is reported); with
//! other MX hosts it is a problem, since either line could be meant.

use std::io::Read;
use std::path::Path;

use mtasts_core::rfc::{DomainName, MxPattern};
use mtasts_core::sanitize::sanitize;

/// Largest domain file read (1 MiB: tens of thousands of domains).
pub const MAX_LIST_BYTES: u64 = 1 << 20;

/// At most this many problems are named in an error (the rest are counted).
const NAMED_PROBLEMS: usize = 5;

/// One domain of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// 1-based line number.
    pub line: usize,
    /// The domain.
    pub domain: DomainName,
    /// Its MX hosts or `*.` patterns (empty: from DNS).
    pub mx: Vec<MxPattern>,
}

/// A line naming a domain already named on an earlier line, with the same MX hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    /// 1-based line number of the repeat.
    pub line: usize,
    /// The line that named it first.
    pub first: usize,
    /// The domain.
    pub domain: DomainName,
}

/// The domains of a file, in file order, each once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DomainList {
    /// The domains.
    pub domains: Vec<Listed>,
    /// The lines that named a domain again (skipped).
    pub repeats: Vec<Repeat>,
}

/// A line that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, terminal-safe.
    pub message: String,
}

/// Why a domain file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// Opening or reading failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_LIST_BYTES`].
    #[error("{path} is larger than {} MiB; is it a list of domains?", MAX_LIST_BYTES >> 20)]
    TooLarge {
        /// The file.
        path: String,
    },
    /// The file is not UTF-8 text.
    #[error("{path} is not UTF-8 text")]
    NotText {
        /// The file.
        path: String,
    },
    /// Lines that cannot be used (nothing is added until they are fixed).
    #[error("{path}: {}", describe(.lines))]
    Lines {
        /// The file.
        path: String,
        /// The problems, in line order.
        lines: Vec<BadLine>,
    },
    /// No line names a domain.
    #[error("{path} names no domain (one DOMAIN [MX...] per line; # starts a comment)")]
    Empty {
        /// The file.
        path: String,
    },
}

fn describe(lines: &[BadLine]) -> String {
    let mut named: Vec<String> =
        lines.iter().take(NAMED_PROBLEMS).map(|b| format!("line {}: {}", b.line, b.message)).collect();
    if lines.len() > NAMED_PROBLEMS {
        named.push(format!("and {} more line(s)", lines.len() - NAMED_PROBLEMS));
    }
    named.join("; ")
}

/// A host name with at least one dot (this also tells a domain list from a zone file's `IN`,
/// `MX` and TTL words).
fn dotted(word: &str) -> bool {
    word.trim_end_matches('.').contains('.')
}

fn parse_line(line: usize, words: &[&str]) -> Result<Listed, BadLine> {
    let bad = |message: String| BadLine { line, message };
    let shown = |w: &str| sanitize(w).into_owned();
    let (name, hosts) = words.split_first().ok_or_else(|| bad("no domain".to_owned()))?;
    let domain = DomainName::parse(name).map_err(|e| bad(sanitize(&e.to_string()).into_owned()))?;
    let mut mx: Vec<MxPattern> = Vec::new();
    for h in hosts {
        let p = MxPattern::parse(h).map_err(|e| bad(format!("MX {:?}: {e}", shown(h))))?;
        if !dotted(h) {
            return Err(bad(format!("MX {:?} is not a host name with a dot", shown(h))));
        }
        if !mx.contains(&p) {
            mx.push(p);
        }
    }
    Ok(Listed { line, domain, mx })
}

/// Parses the text of a domain file; `Err` lists every line that cannot be used.
pub fn parse_domain_list(text: &str) -> Result<DomainList, Vec<BadLine>> {
    let mut list = DomainList::default();
    let mut bad = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let words: Vec<&str> = raw.split('#').next().unwrap_or("").split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        let entry = match parse_line(i + 1, &words) {
            Ok(e) => e,
            Err(b) => {
                bad.push(b);
                continue;
            }
        };
        match list.domains.iter().find(|d| d.domain == entry.domain) {
            Some(first) if first.mx == entry.mx => {
                list.repeats.push(Repeat { line: entry.line, first: first.line, domain: entry.domain });
            }
            Some(first) => bad.push(BadLine {
                line: entry.line,
                message: format!(
                    "{} is on line {} already, with other MX hosts; keep one line",
                    entry.domain, first.line
                ),
            }),
            None => list.domains.push(entry),
        }
    }
    if bad.is_empty() { Ok(list) } else { Err(bad) }
}

/// Reads `path` (at most `cap` bytes) as UTF-8 text.
pub fn read_text(path: &Path, cap: u64) -> Result<String, ListError> {
    let shown = sanitize(&path.display().to_string()).into_owned();
    let io = |source| ListError::Io { path: shown.clone(), source };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(cap + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(ListError::TooLarge { path: shown });
    }
    String::from_utf8(bytes).map_err(|_| ListError::NotText { path: shown })
}

/// Reads and parses a domain file (bounded; see the module documentation).
pub fn read_domain_list(path: &Path) -> Result<DomainList, ListError> {
    let text = read_text(path, MAX_LIST_BYTES)?;
    list_from(path, &text)
}

/// The domain list in `text`, read from `path` (named in errors).
pub fn list_from(path: &Path, text: &str) -> Result<DomainList, ListError> {
    let shown = || sanitize(&path.display().to_string()).into_owned();
    match parse_domain_list(text) {
        Ok(list) if list.domains.is_empty() => Err(ListError::Empty { path: shown() }),
        Ok(list) => Ok(list),
        Err(lines) => Err(ListError::Lines { path: shown(), lines }),
    }
}

/// The names a file given to the wizard's add prompt holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileNames {
    /// A zone file's names that receive mail.
    Zone(Vec<super::zone::MailName>),
    /// A list of domains.
    List(DomainList),
}

/// Reads a file of names: a list of domains when every line is `DOMAIN [MX...]`, else (with
/// the zone's `origin`) a BIND zone file. `Err` says why in words, naming the line.
pub fn read_names(path: &Path, origin: Option<&DomainName>) -> Result<FileNames, String> {
    let text = read_text(path, super::zone::MAX_ZONE_BYTES).map_err(|e| e.to_string())?;
    let list = match parse_domain_list(&text) {
        Ok(list) if !list.domains.is_empty() => return Ok(FileNames::List(list)),
        other => other,
    };
    let origin = match origin {
        Some(o) => o,
        None if text.len() as u64 > MAX_LIST_BYTES => {
            return Err(
                ListError::TooLarge { path: sanitize(&path.display().to_string()).into_owned() }.to_string()
            );
        }
        None => return list_from(path, &text).map(FileNames::List).map_err(|e| e.to_string()),
    };
    super::zone::mail_names(&text, origin).map(FileNames::Zone).map_err(|zone| match list {
        // Its first line reads as a domain list: the list's problem is the one meant.
        Err(bad) if bad.first().is_some_and(|b| b.line > first_line(&text)) => {
            ListError::Lines { path: sanitize(&path.display().to_string()).into_owned(), lines: bad }
                .to_string()
        }
        _ => zone.to_string(),
    })
}

/// The number of the first line that is not blank or a comment.
fn first_line(text: &str) -> usize {
    text.lines().position(|l| !l.split('#').next().unwrap_or("").trim().is_empty()).map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &DomainList) -> Vec<(usize, &str, Vec<String>)> {
        list.domains
            .iter()
            .map(|d| (d.line, d.domain.as_str(), d.mx.iter().map(ToString::to_string).collect()))
            .collect()
    }

    #[test]
    fn lines_with_comments_own_mx_and_a_repeat() {
        let text = "# fleet\nA.example mx1.a.example *.b.example\n\n b.example # note\na.example. mx1.a.example *.b.example\n";
        let list = parse_domain_list(text).unwrap();
        assert_eq!(
            names(&list),
            vec![
                (2, "a.example", vec!["mx1.a.example".to_owned(), "*.b.example".to_owned()]),
                (4, "b.example", vec![]),
            ]
        );
        assert_eq!(list.repeats, vec![Repeat { line: 5, first: 2, domain: list.domains[0].domain.clone() }]);
    }

    #[test]
    fn every_bad_line_is_named() {
        let text = "ok.example\nbad_name!.example\nsingle\nc.example mx\nok.example other.example\n";
        let bad = parse_domain_list(text).unwrap_err();
        let lines: Vec<usize> = bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [2, 3, 4, 5]);
        assert!(bad[1].message.contains("\"single\" has a single label"), "{:?}", bad[1]);
        assert!(bad[2].message.starts_with("MX \"mx\""), "{:?}", bad[2]);
        assert!(bad[3].message.contains("on line 1 already"), "{:?}", bad[3]);
    }

    #[test]
    fn a_zone_file_is_not_a_domain_list() {
        let zone = "$ORIGIN example.com.\n@ 3600 IN MX 10 mx1.example.com.\n";
        assert!(parse_domain_list(zone).is_err());
        let records = "example.com. 3600 IN MX 10 mx1.example.com.\n";
        assert!(parse_domain_list(records).is_err());
    }

    #[test]
    fn a_file_is_read_as_a_list_of_domains_or_as_the_zone_of_the_origin() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let origin = DomainName::parse("example.com").unwrap();
        let list = write("list", "a.example mx.a.example\nb.example\n");
        let Ok(FileNames::List(l)) = read_names(&list, Some(&origin)) else { panic!("not a list") };
        assert_eq!(l.domains.len(), 2);
        let zone = write("zone", "$ORIGIN example.com.\n@ 3600 IN MX 10 mx1.example.com.\n");
        let Ok(FileNames::Zone(z)) = read_names(&zone, Some(&origin)) else { panic!("not a zone") };
        assert_eq!(z[0].name, origin);
        let typo = write("typo", "a.example\nb..example\n");
        let err = read_names(&typo, Some(&origin)).unwrap_err();
        assert!(err.contains("line 2: \"b..example\""), "{err}");
        assert!(read_names(&zone, None).unwrap_err().contains("line 1: "), "no origin: a list only");
    }

    #[test]
    fn errors_name_five_lines_then_count_the_rest() {
        let text = "x\n".repeat(8);
        let err = list_from(Path::new("f.txt"), &text).unwrap_err().to_string();
        assert!(err.starts_with("f.txt: line 1: \"x\" has a single label"), "{err}");
        assert!(err.ends_with("and 3 more line(s)"), "{err}");
        let empty = list_from(Path::new("f.txt"), "# nothing\n").unwrap_err().to_string();
        assert!(empty.contains("names no domain"), "{empty}");
    }
}
