//! A small IMAP server on loopback for `reports fetch`, plain IMAP (the client runs with
//! `--insecure-plain`, or is attacked before its STARTTLS): a mailbox serving messages to any
//! login (enough of RFC 3501 for async-imap: LOGIN, EXAMINE/SELECT with UIDVALIDITY, UID
//! SEARCH, UID FETCH of sizes and bodies, LOGOUT), or a hostile greeting.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// What the server does with each connection.
#[derive(Debug, Clone)]
pub enum Script {
    /// Serves these messages as UIDs 1, 2, … of INBOX (UIDVALIDITY 7) to any login.
    Mailbox(Vec<Vec<u8>>),
    /// Sends these bytes as the greeting, then holds the connection without a word.
    Greeting(Vec<u8>),
    /// Sends `* OK ` and then a line that never ends, as fast as the client reads.
    EndlessGreeting,
}

/// A running server; it stops accepting when dropped.
pub struct ImapServer {
    /// The loopback port.
    pub port: u16,
    /// Bytes written to clients so far.
    pub sent: Arc<AtomicU64>,
    /// Commands received (tag stripped), in order.
    pub commands: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl ImapServer {
    /// Starts serving `script` on 127.0.0.1.
    pub fn start(script: Script) -> ImapServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (sent, stop) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicBool::new(false)));
        let commands = Arc::new(Mutex::new(Vec::new()));
        let (s, st, c) = (sent.clone(), stop.clone(), commands.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::Relaxed) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let (script, sent, commands) = (script.clone(), s.clone(), c.clone());
                std::thread::spawn(move || serve(conn, &script, &sent, &commands));
            }
        });
        ImapServer { port, sent, commands, stop }
    }

    /// `imap://rep@127.0.0.1:PORT/INBOX`.
    pub fn url(&self) -> String {
        format!("imap://rep@127.0.0.1:{}/INBOX", self.port)
    }
}

impl Drop for ImapServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(mut conn: TcpStream, script: &Script, sent: &AtomicU64, commands: &Mutex<Vec<String>>) {
    let send = |conn: &mut TcpStream, bytes: &[u8]| {
        sent.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        conn.write_all(bytes).is_ok()
    };
    match script {
        Script::Greeting(bytes) => {
            if send(&mut conn, bytes) {
                let _ = conn.read_to_end(&mut Vec::new());
            }
        }
        Script::EndlessGreeting => {
            let line = vec![b'a'; 64 * 1024];
            if send(&mut conn, b"* OK ") {
                while send(&mut conn, &line) {}
            }
        }
        Script::Mailbox(messages) => {
            if !send(&mut conn, b"* OK IMAP4rev1 test server ready\r\n") {
                return;
            }
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut line = String::new();
            while reader.by_ref().take(64 * 1024).read_line(&mut line).unwrap_or(0) > 0 {
                let (tag, command) = line.trim_end().split_once(' ').unwrap_or(("*", ""));
                commands.lock().unwrap().push(command.to_owned());
                let (reply, bye) = answer(tag, command, messages);
                if !send(&mut conn, &reply) || bye {
                    return;
                }
                line.clear();
            }
        }
    }
}

/// The reply to one command, and whether the connection ends after it.
fn answer(tag: &str, command: &str, messages: &[Vec<u8>]) -> (Vec<u8>, bool) {
    let upper = command.to_ascii_uppercase();
    let n = messages.len();
    let ok = format!("{tag} OK done\r\n");
    let text = if upper.starts_with("LOGOUT") {
        return (format!("* BYE bye\r\n{ok}").into_bytes(), true);
    } else if upper.starts_with("CAPABILITY") {
        format!("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{ok}")
    } else if upper.starts_with("SELECT") || upper.starts_with("EXAMINE") {
        format!("* {n} EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT {}] ok\r\n{ok}", n + 1)
    } else if let Some(query) = upper.strip_prefix("UID SEARCH ") {
        let from = first_uid(query.trim_start_matches("UID ").trim());
        let uids: Vec<String> = (from..=n).map(|u| u.to_string()).collect();
        format!("* SEARCH {}\r\n{ok}", uids.join(" "))
    } else if let Some(rest) = upper.strip_prefix("UID FETCH ") {
        let (set, items) = rest.split_once(' ').unwrap_or((rest, ""));
        let mut out = Vec::new();
        for uid in uid_set(set, n) {
            let body = &messages[uid - 1];
            if items.contains("BODY") {
                out.extend(format!("* {uid} FETCH (UID {uid} BODY[] {{{}}}\r\n", body.len()).into_bytes());
                out.extend_from_slice(body);
                out.extend(b")\r\n");
            } else {
                out.extend(format!("* {uid} FETCH (UID {uid} RFC822.SIZE {})\r\n", body.len()).into_bytes());
            }
        }
        out.extend(ok.into_bytes());
        return (out, false);
    } else {
        ok
    };
    (text.into_bytes(), false)
}

fn first_uid(range: &str) -> usize {
    range.split([':', ',']).next().and_then(|s| s.parse().ok()).unwrap_or(1).max(1)
}

/// `1:3,7` (with `*` for the last) → the UIDs that exist.
fn uid_set(set: &str, n: usize) -> Vec<usize> {
    let num = |s: &str| if s == "*" { n } else { s.parse().unwrap_or(0) };
    let mut out = Vec::new();
    for part in set.split(',') {
        let (a, b) = part.split_once(':').map_or((num(part), num(part)), |(a, b)| (num(a), num(b)));
        out.extend((a.min(b)..=a.max(b)).filter(|&u| (1..=n).contains(&u)));
    }
    out
}
