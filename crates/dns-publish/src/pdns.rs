//! PowerDNS Authoritative's HTTP API (`/api/v1`, header `X-API-Key`): the zone found by
//! name, its RRsets read, and every change of one publication sent as one PATCH (one
//! transaction: all RRsets change or none). The API has no prerequisites, so the records are
//! read again just before the PATCH and it is only sent when they are still what was shown.

use serde_json::{Value, json};

use super::content::{content_of, parse_content};
use super::error::PublishError;
use super::http::{Http, encode, zone_candidates};
use super::secret::Secret;
use mtasts_core::publish::{ChangeSet, Endpoint, Record, Role, RrType};
use mtasts_core::rfc::DomainName;

/// A PowerDNS server's API.
pub struct PowerDns {
    http: Http,
    base: String,
    key: Secret,
}

/// A record as the API serves it: ours, and its raw content and whether it is disabled
/// (disabled records are kept as they are when their RRset is replaced).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    /// The record (content parsed).
    pub record: Record,
    /// The API's content string.
    pub content: String,
    /// Disabled in PowerDNS (not served, kept).
    pub disabled: bool,
}

fn api_message(v: &Value) -> String {
    v.get("error").and_then(Value::as_str).unwrap_or_default().to_owned()
}

impl PowerDns {
    /// The API at `endpoint` for `server_id`, authenticated with `key`.
    pub fn new(http: Http, endpoint: &Endpoint, server_id: &str, key: Secret) -> PowerDns {
        PowerDns { http, base: format!("{}/api/v1/servers/{}", endpoint.base(), encode(server_id)), key }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        what: &str,
    ) -> Result<Value, PublishError> {
        let mut req =
            self.http.request(method, &format!("{}{path}", self.base)).header("X-API-Key", self.key.expose());
        if let Some(b) = body {
            req = super::http::with_json(req, b);
        }
        let resp = self.http.send(req, what).await?;
        let json = resp.json(self.http.provider()).unwrap_or(Value::Null);
        if !(200..300).contains(&resp.status) {
            let msg = match json {
                Value::Null => String::from_utf8_lossy(&resp.body).into_owned(),
                ref v => api_message(v),
            };
            return Err(PublishError::http(
                self.http.provider(),
                resp.status,
                &msg,
                resp.retry_after.as_deref(),
            ));
        }
        Ok(json)
    }

    /// The id and name of the zone holding `domain` (the longest zone name that matches).
    pub async fn zone(&self, domain: &DomainName) -> Result<(String, String), PublishError> {
        for candidate in zone_candidates(domain.as_str()) {
            let path = format!("/zones?zone={}", encode(&format!("{candidate}.")));
            let list = self.call(reqwest::Method::GET, &path, None, "list zones").await?;
            let found = list.as_array().into_iter().flatten().find(|z| {
                z.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.trim_end_matches('.').eq_ignore_ascii_case(&candidate))
            });
            if let Some(id) = found.and_then(|z| z.get("id")).and_then(Value::as_str) {
                return Ok((id.to_owned(), candidate));
            }
        }
        Err(PublishError::ZoneNotFound(format!(
            "the PowerDNS server holds no zone for {domain} (create it first: pdnsutil create-zone)"
        )))
    }

    /// The records at the three names of `domain` in zone `zone_id`.
    pub async fn served(&self, zone_id: &str, domain: &DomainName) -> Result<Vec<Served>, PublishError> {
        let zone = self
            .call(reqwest::Method::GET, &format!("/zones/{}", encode(zone_id)), None, "read the zone")
            .await?;
        let names: Vec<String> = Role::ALL.iter().map(|r| r.name(domain)).collect();
        let mut out = Vec::new();
        for set in zone.get("rrsets").and_then(Value::as_array).into_iter().flatten() {
            let name = set
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim_end_matches('.')
                .to_ascii_lowercase();
            let Some(rtype) = set.get("type").and_then(Value::as_str).and_then(RrType::parse) else {
                continue;
            };
            if !names.contains(&name) {
                continue;
            }
            let ttl = set.get("ttl").and_then(Value::as_u64).and_then(|t| u32::try_from(t).ok()).unwrap_or(0);
            for r in set.get("records").and_then(Value::as_array).into_iter().flatten() {
                let content = r.get("content").and_then(Value::as_str).unwrap_or_default().to_owned();
                let disabled = r.get("disabled").and_then(Value::as_bool).unwrap_or(false);
                let data = parse_content("PowerDNS", &name, rtype, &content)?;
                out.push(Served { record: Record::new(&name, ttl, data), content, disabled });
            }
        }
        Ok(out)
    }

    /// Replaces each changed RRset in one PATCH (disabled records kept, foreign ones sent back
    /// with their content as served).
    pub async fn apply(
        &self,
        zone_id: &str,
        served: &[Served],
        changes: &ChangeSet,
    ) -> Result<(), PublishError> {
        let mut rrsets = Vec::new();
        for c in &changes.changes {
            let mut records: Vec<Value> = served
                .iter()
                .filter(|s| s.disabled && s.record.name == c.name && s.record.rtype() == c.rtype)
                .map(|s| json!({"content": s.content, "disabled": true}))
                .collect();
            for r in &c.after {
                let raw = served
                    .iter()
                    .find(|s| !s.disabled && s.record.name == r.name && s.record.data == r.data)
                    .map_or_else(|| content_of(&r.data, true), |s| s.content.clone());
                records.push(json!({"content": raw, "disabled": false}));
            }
            let name = format!("{}.", c.name);
            rrsets.push(if records.is_empty() {
                json!({"name": name, "type": c.rtype.as_str(), "changetype": "DELETE"})
            } else {
                json!({"name": name, "type": c.rtype.as_str(), "ttl": c.ttl, "changetype": "REPLACE", "records": records})
            });
        }
        let body = json!({ "rrsets": rrsets });
        self.call(
            reqwest::Method::PATCH,
            &format!("/zones/{}", encode(zone_id)),
            Some(&body),
            "change the records",
        )
        .await?;
        Ok(())
    }
}
