//! A local stand-in for the Cloudflare API v4 calls `publish` makes, and only those:
//! `GET /client/v4/zones?name=`, `GET /client/v4/zones/:id/dns_records?name=&per_page=&page=`
//! and `POST /client/v4/zones/:id/dns_records/batch` (deletes, patches, puts, posts; all
//! applied or none). Bearer tokens: one that may edit, one that may only read. It answers
//! in Cloudflare's envelope (`success`, `errors`, `messages`, `result`). CI never talks to
//! the real service.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

/// One DNS record as the stand-in keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CfRecord {
    pub id: String,
    pub rtype: String,
    pub name: String,
    pub content: String,
    pub ttl: u64,
}

#[derive(Default)]
struct State {
    zone: (String, String),
    records: Vec<CfRecord>,
    next_id: u64,
    /// Requests answered `429` before serving again.
    limited: u32,
    calls: Vec<String>,
}

/// The running stand-in.
pub struct CfApi {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

/// A token that may edit DNS.
pub const EDIT_TOKEN: &str = "cf-edit-token-0b7e";
/// A token that may only read.
pub const READ_TOKEN: &str = "cf-read-token-55aa";

fn envelope(result: Value) -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": result})
}

fn failure(code: u64, message: &str) -> Value {
    json!({"success": false, "errors": [{"code": code, "message": message}], "messages": [], "result": null})
}

fn query(path: &str, key: &str) -> Option<String> {
    let q = path.split_once('?')?.1;
    q.split('&').find_map(|kv| kv.split_once('=').filter(|(k, _)| *k == key).map(|(_, v)| decode(v)))
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

impl CfApi {
    /// Serves zone `zone` (id `zone-1`) holding `records` (name, type, content).
    pub fn start(zone: &str, records: &[(&str, &str, &str)]) -> CfApi {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut st = State { zone: ("zone-1".into(), zone.into()), ..State::default() };
        for (name, rtype, content) in records {
            st.next_id += 1;
            st.records.push(CfRecord {
                id: format!("rec{}", st.next_id),
                rtype: (*rtype).into(),
                name: (*name).into(),
                content: (*content).into(),
                ttl: 1,
            });
        }
        let state = Arc::new(Mutex::new(st));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        CfApi { port, state }
    }

    /// The records now, sorted by name, type and content.
    pub fn records(&self) -> Vec<CfRecord> {
        let mut r = self.state.lock().unwrap().records.clone();
        r.sort_by(|a, b| (&a.name, &a.rtype, &a.content).cmp(&(&b.name, &b.rtype, &b.content)));
        r
    }

    /// `METHOD path` of every request so far.
    pub fn calls(&self) -> Vec<String> {
        self.state.lock().unwrap().calls.clone()
    }

    /// Answers the next `n` requests with 429.
    pub fn rate_limit(&self, n: u32) {
        self.state.lock().unwrap().limited = n;
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_owned(), parts.next().unwrap_or("").to_owned());
    let (mut length, mut auth) = (0usize, String::new());
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':').unwrap();
        match k.to_ascii_lowercase().as_str() {
            "content-length" => length = v.trim().parse().unwrap(),
            "authorization" => auth = v.trim().to_owned(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let (status, reply) = route(state, &method, &path, &auth, &body);
    let text = reply.to_string();
    let mut out = stream;
    let extra = if status == 429 { "Retry-After: 30\r\n" } else { "" };
    let _ = write!(
        out,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{text}",
        text.len()
    );
}

fn route(state: &Mutex<State>, method: &str, path: &str, auth: &str, body: &[u8]) -> (u16, Value) {
    let mut st = state.lock().unwrap();
    st.calls.push(format!("{method} {}", path.split('?').next().unwrap_or(path)));
    if st.limited > 0 {
        st.limited -= 1;
        return (429, failure(971, "Please wait and consider throttling your request speed"));
    }
    let editor = auth == format!("Bearer {EDIT_TOKEN}");
    if !editor && auth != format!("Bearer {READ_TOKEN}") {
        return (401, failure(10000, "Authentication error"));
    }
    let (zid, zname) = st.zone.clone();
    let base = "/client/v4/zones";
    let route = path.split('?').next().unwrap_or("");
    if method == "GET" && route == base {
        let hit = query(path, "name").is_some_and(|n| n == zname);
        let list = if hit { vec![json!({"id": zid, "name": zname, "status": "active"})] } else { vec![] };
        return (200, envelope(Value::Array(list)));
    }
    let records_path = format!("{base}/{zid}/dns_records");
    if method == "GET" && route == records_path {
        let name = query(path, "name").unwrap_or_default();
        let list: Vec<Value> = st
            .records
            .iter()
            .filter(|r| r.name == name)
            .map(|r| json!({"id": r.id, "type": r.rtype, "name": r.name, "content": r.content, "ttl": r.ttl, "proxied": false}))
            .collect();
        return (200, envelope(Value::Array(list)));
    }
    if method == "POST" && route == format!("{records_path}/batch") {
        if !editor {
            return (403, failure(10000, "Authentication error"));
        }
        return batch(&mut st, body);
    }
    (404, failure(7003, "Could not route to the path"))
}

/// Deletes, patches, puts, posts, in that order, in one transaction: any error leaves
/// everything as it was.
fn batch(st: &mut State, body: &[u8]) -> (u16, Value) {
    let req: Value = serde_json::from_slice(body).unwrap();
    let mut next = st.records.clone();
    let mut next_id = st.next_id;
    let list = |k: &str| req.get(k).and_then(Value::as_array).cloned().unwrap_or_default();
    for d in list("deletes") {
        let id = d["id"].as_str().unwrap_or_default();
        let Some(i) = next.iter().position(|r| r.id == id) else {
            return (404, failure(81044, &format!("Record {id} does not exist.")));
        };
        next.remove(i);
    }
    for p in list("patches").into_iter().chain(list("puts")) {
        let id = p["id"].as_str().unwrap_or_default();
        let Some(r) = next.iter_mut().find(|r| r.id == id) else {
            return (404, failure(81044, &format!("Record {id} does not exist.")));
        };
        if let Some(c) = p["content"].as_str() {
            r.content = c.into();
        }
    }
    for p in list("posts") {
        let (rtype, name) = (p["type"].as_str().unwrap_or_default(), p["name"].as_str().unwrap_or_default());
        if !name.ends_with(&st.zone.1) || !["TXT", "A", "AAAA", "CNAME"].contains(&rtype) {
            return (400, failure(9000, "DNS name is invalid."));
        }
        let clash = next.iter().any(|r| r.name == name && (r.rtype == "CNAME") != (rtype == "CNAME"));
        if clash {
            return (400, failure(81053, "An A, AAAA, or CNAME record with that host already exists."));
        }
        next_id += 1;
        next.push(CfRecord {
            id: format!("rec{next_id}"),
            rtype: rtype.into(),
            name: name.into(),
            content: p["content"].as_str().unwrap_or_default().into(),
            ttl: p["ttl"].as_u64().unwrap_or(1),
        });
    }
    st.records = next;
    st.next_id = next_id;
    (200, envelope(json!({"deletes": list("deletes"), "posts": list("posts")})))
}
