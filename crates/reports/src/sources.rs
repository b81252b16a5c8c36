//! Turns import paths (files, directories, maildirs, mbox files) into report candidates.
//! The input kind is detected from the content, not the file name.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

use super::Source;
use super::auth::Delivery;
use super::dkim::MailCheck;
use super::found::{Found, first_non_space};
use super::mime::{email_items, looks_like_email, submitter};
use super::parse::{MAX_REPORT_BYTES, is_gzip};

/// Largest single input read into memory: a file, or one message of an mbox (mbox files
/// themselves are streamed message by message and may be larger).
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;
const MAX_DEPTH: usize = 32;
const PEEK: u64 = 1024;

/// What the walk hands on: where a candidate came from, the candidate, how it arrived.
type Emit<'a> = dyn FnMut(Source, Found, &Delivery) + 'a;

/// Walks the paths (directories recursively, in name order) and hands every candidate to
/// `emit`, with how it arrived (e-mails DKIM-checked by `dkim`).
pub(super) fn walk(paths: &[PathBuf], dkim: &dyn MailCheck, emit: &mut Emit) {
    for path in paths {
        visit(path, true, 0, dkim, emit);
    }
}

fn source(path: &Path) -> Source {
    Source { path: path.to_owned(), message: None, part: None }
}

/// What the walk meets: a regular file to read, or a path it reports without reading.
enum Met<'a> {
    File { path: &'a Path, explicit: bool },
    Skipped { path: &'a Path, found: Found },
}

/// The one walk of import paths: directories recursively in name order, to [`MAX_DEPTH`]; a
/// link to a directory followed only when named; hidden files and a maildir's `tmp/` skipped.
/// `meet` returns false to stop the walk.
fn each(path: &Path, explicit: bool, depth: usize, meet: &mut dyn FnMut(Met) -> bool) -> bool {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return meet(Met::Skipped { path, found: Found::Rejected(format!("cannot read: {e}")) }),
    };
    if meta.is_file() {
        return meet(Met::File { path, explicit });
    }
    if !meta.is_dir() {
        return meet(Met::Skipped { path, found: Found::Ignored("not a regular file".into()) });
    }
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if depth >= MAX_DEPTH || (is_link && !explicit) {
        let found = Found::Ignored("directory not followed (link or too deep)".into());
        return meet(Met::Skipped { path, found });
    }
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            let found = Found::Rejected(format!("cannot list directory: {e}"));
            return meet(Met::Skipped { path, found });
        }
    };
    entries.sort();
    // In a maildir, `tmp/` holds messages still being delivered.
    let maildir = path.join("cur").is_dir() && path.join("new").is_dir();
    for entry in entries {
        let name = entry.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // Dot-directories stay: Maildir++ keeps its folders in `.Name/`.
        if (name.starts_with('.') && !entry.is_dir()) || (maildir && name == "tmp") {
            continue;
        }
        if !each(&entry, false, depth + 1, meet) {
            return false;
        }
    }
    true
}

fn visit(path: &Path, explicit: bool, depth: usize, dkim: &dyn MailCheck, emit: &mut Emit) {
    each(path, explicit, depth, &mut |met| {
        match met {
            Met::File { path, explicit } => {
                if let Err(e) = read_file(path, explicit, dkim, emit) {
                    emit(source(path), Found::Rejected(format!("cannot read: {e}")), &Delivery::File);
                }
            }
            Met::Skipped { path, found } => emit(source(path), found, &Delivery::File),
        }
        true
    });
}

fn read_file(path: &Path, explicit: bool, dkim: &dyn MailCheck, emit: &mut Emit) -> std::io::Result<()> {
    let mut file = File::open(path)?;
    let mut head = Vec::new();
    file.by_ref().take(PEEK).read_to_end(&mut head)?;
    let rest = Cursor::new(head.clone()).chain(file);
    if head.starts_with(b"From ") {
        return mbox(path, BufReader::new(rest), dkim, emit);
    }
    let file = &Delivery::File;
    let whole = |limit: u64| -> std::io::Result<Option<Vec<u8>>> {
        let mut buf = Vec::new();
        rest.take(limit + 1).read_to_end(&mut buf)?;
        Ok((buf.len() as u64 <= limit).then_some(buf))
    };
    let too_large = |limit: u64| Found::Rejected(format!("too large: more than {} MiB", limit >> 20));
    if is_gzip(&head) {
        match whole(MAX_INPUT_BYTES)? {
            Some(bytes) => emit(source(path), Found::json(&bytes), file),
            None => emit(source(path), too_large(MAX_INPUT_BYTES), file),
        }
    } else if matches!(first_non_space(&head), Some(b'{' | b'[')) {
        match whole(MAX_REPORT_BYTES)? {
            Some(bytes) => emit(source(path), Found::json(&bytes), file),
            None => emit(source(path), too_large(MAX_REPORT_BYTES), file),
        }
    } else if looks_like_email(&head) {
        match whole(MAX_INPUT_BYTES)? {
            Some(bytes) => email(source(path), &bytes, dkim, emit),
            None => emit(source(path), too_large(MAX_INPUT_BYTES), file),
        }
    } else {
        let why = "not a TLS-RPT report: neither JSON, gzip, an e-mail nor an mbox file".to_owned();
        emit(source(path), if explicit { Found::Rejected(why) } else { Found::Ignored(why) }, file);
    }
    Ok(())
}

/// The report parts of one e-mail, decompressed one at a time (see
/// [`email_items`]). Its DKIM signatures are checked once, on this bounded message, when the
/// first report part parsed, and never for an e-mail without one.
fn email(at: Source, raw: &[u8], dkim: &dyn MailCheck, emit: &mut Emit) {
    let file = Delivery::File;
    let mut delivery: Option<Delivery> = None;
    email_items(raw, &mut |part, found| {
        let how = if matches!(found, Found::Json(_)) {
            &*delivery
                .get_or_insert_with(|| Delivery::Email { dkim: dkim.check(raw), submitter: submitter(raw) })
        } else {
            &file
        };
        emit(Source { part, ..at.clone() }, found, how);
    });
}

/// Streams an mbox file: each message (at most [`MAX_INPUT_BYTES`]) is handled on its own,
/// `>From ` quoting (mboxrd) is undone.
fn mbox(path: &Path, mut reader: impl BufRead, dkim: &dyn MailCheck, emit: &mut Emit) -> std::io::Result<()> {
    let mut index = 0;
    let mut message: Vec<u8> = Vec::new();
    let mut oversized = false;
    let mut line = Vec::new();
    let mut at_line_start = true;
    loop {
        line.clear();
        // Bounded reads: a "line" longer than the chunk is read in pieces.
        let n = reader.by_ref().take(64 * 1024).read_until(b'\n', &mut line)?;
        let fresh = at_line_start;
        let starts_message = fresh && (n == 0 || line.starts_with(b"From "));
        if starts_message && index > 0 {
            let at = Source { path: path.to_owned(), message: Some(index), part: None };
            if oversized {
                let mib = MAX_INPUT_BYTES >> 20;
                emit(at, Found::Rejected(format!("message too large: more than {mib} MiB")), &Delivery::File);
            } else {
                email(at, &message, dkim, emit);
            }
        }
        if n == 0 {
            return Ok(());
        }
        at_line_start = line.ends_with(b"\n");
        if starts_message {
            index += 1;
            message.clear();
            oversized = false;
            continue;
        }
        if oversized {
            continue;
        }
        let unquoted = match line.iter().position(|&b| b != b'>') {
            Some(i) if fresh && i > 0 && line[i..].starts_with(b"From ") => &line[1..],
            _ => &line[..],
        };
        if (message.len() + unquoted.len()) as u64 > MAX_INPUT_BYTES {
            oversized = true;
            message = Vec::new();
        } else {
            message.extend_from_slice(unquoted);
        }
    }
}

/// How many files an import of `paths` reads, for its "N of M files" progress: the regular
/// files [`walk`] reaches, listed but not read. `None` once `cancel` is set.
pub fn count_files(paths: &[PathBuf], cancel: &std::sync::atomic::AtomicBool) -> Option<usize> {
    use std::sync::atomic::Ordering;
    let mut n = 0;
    for path in paths {
        each(path, true, 0, &mut |met| {
            n += usize::from(matches!(met, Met::File { .. }));
            !cancel.load(Ordering::Relaxed)
        });
    }
    (!cancel.load(Ordering::Relaxed)).then_some(n)
}
