//! Path prompts: what the file system says about a typed path (run as an effect, never in
//! `update`), and Tab completion (the listing is an effect; choosing is pure).

use std::path::{Path, PathBuf};

/// What a path is typed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathUse {
    /// Read reports from it (a file or a folder).
    Import,
    /// Write a new file there (never over an existing one).
    Write,
    /// Read one file (a zone file).
    ReadFile,
}

/// How many completion candidates are listed under the prompt.
const SHOWN: usize = 6;
/// How many directory entries a completion reads at most.
const MAX_ENTRIES: usize = 5_000;

/// The typed path with a leading `~/` taken as the home folder.
pub fn expand(typed: &str) -> PathBuf {
    match (typed.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(typed),
    }
}

fn shown(p: &Path) -> String {
    mtasts_core::sanitize::sanitize(&p.display().to_string()).into_owned()
}

/// Checks a typed path for `usage`: `Ok` says what it is, `Err` why it is refused.
pub fn inspect(typed: &str, usage: PathUse) -> Result<String, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err("type a path".into());
    }
    let path = expand(typed);
    let link = std::fs::symlink_metadata(&path);
    match usage {
        PathUse::Import => match std::fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(format!("{} does not exist", shown(&path)))
            }
            Err(e) => Err(format!("{} cannot be read: {e}", shown(&path))),
            Ok(m) if m.is_dir() => match std::fs::read_dir(&path) {
                Ok(_) => Ok("a folder: every report in it (and below) is imported".into()),
                Err(e) => Err(format!("{} cannot be listed: {e}", shown(&path))),
            },
            Ok(m) if m.is_file() => match std::fs::File::open(&path) {
                Ok(_) => Ok(format!("a file of {} bytes", m.len())),
                Err(e) => Err(format!("{} cannot be read: {e}", shown(&path))),
            },
            Ok(_) => Err(format!("{} is neither a file nor a folder", shown(&path))),
        },
        PathUse::ReadFile => match std::fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(format!("{} does not exist", shown(&path)))
            }
            Err(e) => Err(format!("{} cannot be read: {e}", shown(&path))),
            Ok(m) if m.is_file() => match std::fs::File::open(&path) {
                Ok(_) => Ok(format!("a file of {} bytes", mtasts_core::words::thousands(m.len()))),
                Err(e) => Err(format!("{} cannot be read: {e}", shown(&path))),
            },
            Ok(_) => Err(format!("{} is not a file", shown(&path))),
        },
        PathUse::Write => {
            if link.as_ref().is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(format!("{} is a symbolic link; mtasts never writes through one", shown(&path)));
            }
            if link.as_ref().is_ok_and(|m| m.is_dir()) {
                return Err(format!("{} is a folder: add a file name", shown(&path)));
            }
            if link.is_ok() {
                return Err(format!("{} already exists; mtasts never overwrites a file", shown(&path)));
            }
            let parent = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
                _ => PathBuf::from("."),
            };
            match std::fs::metadata(&parent) {
                Ok(m) if m.is_dir() && m.permissions().readonly() => {
                    Err(format!("the folder {} is read-only", shown(&parent)))
                }
                Ok(m) if m.is_dir() => Ok(format!("a new file in {}", shown(&parent))),
                Ok(_) => Err(format!("{} is not a folder", shown(&parent))),
                Err(_) => Err(format!("the folder {} does not exist", shown(&parent))),
            }
        }
    }
}

/// The entries of the folder a typed path is in, as (name, is a folder), for [`complete`].
pub fn listing(typed: &str) -> Vec<(String, bool)> {
    let (dir, _) = split(typed);
    let dir = if dir.is_empty() { PathBuf::from(".") } else { expand(dir) };
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .flatten()
        .take(MAX_ENTRIES)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let is_dir = std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir());
            Some((name, is_dir))
        })
        .collect()
}

/// `dir/` and the last component being typed.
fn split(typed: &str) -> (&str, &str) {
    match typed.rfind('/') {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None => ("", typed),
    }
}

/// Completes `typed` against `entries` of its folder: the longest common continuation (a
/// single folder gets its `/`), and the candidates to list when several match. Hidden entries
/// only match a `.` that was typed.
pub fn complete(typed: &str, entries: &[(String, bool)]) -> (String, Vec<String>) {
    let (dir, stem) = split(typed);
    let mut hits: Vec<&(String, bool)> = entries
        .iter()
        .filter(|(n, _)| n.starts_with(stem) && (stem.starts_with('.') || !n.starts_with('.')))
        .collect();
    hits.sort();
    let Some(((first, first_dir), rest)) = hits.split_first() else {
        return (typed.to_owned(), Vec::new());
    };
    if rest.is_empty() {
        let slash = if *first_dir { "/" } else { "" };
        return (format!("{dir}{first}{slash}"), Vec::new());
    }
    let mut common = first.as_str();
    for (n, _) in rest {
        let same = common.char_indices().zip(n.chars()).take_while(|((_, a), b)| a == b).last();
        common = same.map_or("", |((i, c), _)| &common[..i + c.len_utf8()]);
    }
    let shown = hits.iter().take(SHOWN).map(|(n, d)| if *d { format!("{n}/") } else { n.clone() }).collect();
    (format!("{dir}{common}"), shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<(String, bool)> {
        [("reports", true), ("report.json", false), (".hidden", true), ("nginx.conf", false)]
            .iter()
            .map(|(n, d)| ((*n).to_owned(), *d))
            .collect()
    }

    #[test]
    fn completion_extends_to_the_common_part_and_lists_the_candidates() {
        let (to, shown) = complete("in/rep", &entries());
        assert_eq!(to, "in/report");
        assert_eq!(shown, vec!["report.json".to_owned(), "reports/".to_owned()]);
        assert_eq!(complete("ng", &entries()), ("nginx.conf".to_owned(), vec![]));
        assert_eq!(complete("reports", &entries()).0, "reports/");
        assert_eq!(complete("./.h", &entries()).0, "./.hidden/");
        assert_eq!(complete("x", &entries()), ("x".to_owned(), vec![]));
        assert!(complete("", &entries()).1.iter().all(|n| !n.starts_with('.')));
    }

    #[test]
    fn paths_are_refused_with_the_reason_before_use() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display().to_string();
        std::fs::write(dir.path().join("a.json"), "{}").unwrap();
        assert!(inspect(&format!("{d}/missing"), PathUse::Import).unwrap_err().ends_with("does not exist"));
        assert!(inspect(&d, PathUse::Import).unwrap().starts_with("a folder"));
        assert!(inspect(&format!("{d}/a.json"), PathUse::Write).unwrap_err().contains("never overwrites"));
        assert!(inspect(&format!("{d}/nope/x.conf"), PathUse::Write).unwrap_err().contains("does not exist"));
        assert!(inspect(&format!("{d}/new.conf"), PathUse::Write).unwrap().starts_with("a new file"));
        assert_eq!(inspect("  ", PathUse::Import), Err("type a path".into()));
    }
}
