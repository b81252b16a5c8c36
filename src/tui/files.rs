//! The file writes the wizard's effects make: never over an existing file or into an existing
//! folder.

use std::io::Write;
use std::path::Path;

use super::model::Status;
use super::msg::Msg;
use mtasts_core::sanitize::sanitize;

/// Writes a snippet; refuses to overwrite an existing file.
pub fn write_file(path: &Path, text: &str) -> Msg {
    let shown = sanitize(&path.display().to_string()).into_owned();
    let r = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()));
    Msg::Note(match r {
        Ok(()) => Status::Info(format!("wrote {shown}")),
        Err(e) => Status::Error(format!("cannot write {shown}: {e}")),
    })
}

/// Writes `files` into the new folder `dir` (never into an existing one, never over a file).
pub fn write_files(dir: &Path, files: &[(String, String)]) -> Msg {
    let shown = sanitize(&dir.display().to_string()).into_owned();
    if let Err(e) = std::fs::create_dir(dir) {
        return Msg::Note(Status::Error(format!("cannot create the folder {shown}: {e}")));
    }
    for (name, text) in files {
        if let Msg::Note(Status::Error(e)) = write_file(&dir.join(name), text) {
            return Msg::Note(Status::Error(e));
        }
    }
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    Msg::Note(Status::Info(format!("wrote {} into {shown}", names.join(", "))))
}
