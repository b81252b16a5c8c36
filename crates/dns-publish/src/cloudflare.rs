//! Cloudflare's API v4 (`Authorization: Bearer TOKEN`): the zone found by name
//! (`GET /zones?name=`), the records at the three names listed
//! (`GET /zones/:id/dns_records?name=`), and every change of one publication sent as one
//! batch (`POST /zones/:id/dns_records/batch`: deletes, then creates, in one database
//! transaction — all of it or none). The records are read again just before the batch and it
//! is only sent when they are still what was shown.

use serde_json::{Value, json};

use super::content::{content_of, parse_content};
use super::error::PublishError;
use super::http::{Http, encode, zone_candidates};
use super::secret::Secret;
use mtasts_core::publish::{ChangeSet, Endpoint, Record, Role, RrType};
use mtasts_core::rfc::DomainName;

/// Most pages of records read per name (100 records a page).
const MAX_PAGES: u64 = 10;

/// Cloudflare's API for one token.
pub struct Cloudflare {
    http: Http,
    base: String,
    token: Secret,
}

/// A record as Cloudflare serves it, with its id (needed to delete it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    /// The record.
    pub record: Record,
    /// Cloudflare's record id.
    pub id: String,
}

fn errors_text(v: &Value) -> String {
    let list = v.get("errors").and_then(Value::as_array).into_iter().flatten();
    list.map(|e| {
        let code = e.get("code").map(ToString::to_string).unwrap_or_default();
        let msg = e.get("message").and_then(Value::as_str).unwrap_or_default();
        format!("{code} {msg}").trim().to_owned()
    })
    .collect::<Vec<_>>()
    .join("; ")
}

impl Cloudflare {
    /// The API at `endpoint` with `token`.
    pub fn new(http: Http, endpoint: &Endpoint, token: Secret) -> Cloudflare {
        Cloudflare { http, base: format!("{}/client/v4", endpoint.base()), token }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        what: &str,
    ) -> Result<Value, PublishError> {
        let mut req = self
            .http
            .request(method, &format!("{}{path}", self.base))
            .header(reqwest::header::AUTHORIZATION, format!("Bearer {}", self.token.expose()));
        if let Some(b) = body {
            req = super::http::with_json(req, b);
        }
        let resp = self.http.send(req, what).await?;
        let json = resp.json(self.http.provider()).unwrap_or(Value::Null);
        let ok = json.get("success").and_then(Value::as_bool).unwrap_or(false);
        if !(200..300).contains(&resp.status) || !ok {
            let status = if (200..300).contains(&resp.status) { 422 } else { resp.status };
            return Err(PublishError::http(
                self.http.provider(),
                status,
                &errors_text(&json),
                resp.retry_after.as_deref(),
            ));
        }
        Ok(json.get("result").cloned().unwrap_or(Value::Null))
    }

    /// The id and name of the zone holding `domain`.
    pub async fn zone(&self, domain: &DomainName) -> Result<(String, String), PublishError> {
        for candidate in zone_candidates(domain.as_str()) {
            let list = self
                .call(
                    reqwest::Method::GET,
                    &format!("/zones?name={}", encode(&candidate)),
                    None,
                    "list zones",
                )
                .await?;
            if let Some(id) =
                list.as_array().and_then(|l| l.first()).and_then(|z| z.get("id")).and_then(Value::as_str)
            {
                return Ok((id.to_owned(), candidate));
            }
        }
        Err(PublishError::ZoneNotFound(format!(
            "no Cloudflare zone this token can see holds {domain} (is the token for the right account, with Zone:Read?)"
        )))
    }

    /// The records at the three names of `domain` in zone `zone_id`.
    pub async fn served(&self, zone_id: &str, domain: &DomainName) -> Result<Vec<Served>, PublishError> {
        let mut out = Vec::new();
        for role in Role::ALL {
            let name = role.name(domain);
            for page in 1..=MAX_PAGES {
                let path = format!(
                    "/zones/{}/dns_records?name={}&per_page=100&page={page}",
                    encode(zone_id),
                    encode(&name)
                );
                let list = self.call(reqwest::Method::GET, &path, None, "list DNS records").await?;
                let items = list.as_array().cloned().unwrap_or_default();
                for r in &items {
                    let Some(rtype) = r.get("type").and_then(Value::as_str).and_then(RrType::parse) else {
                        continue;
                    };
                    if !role.types().contains(&rtype) {
                        continue;
                    }
                    let content = r.get("content").and_then(Value::as_str).unwrap_or_default();
                    let data = parse_content("Cloudflare", &name, rtype, content)?;
                    let ttl =
                        r.get("ttl").and_then(Value::as_u64).and_then(|t| u32::try_from(t).ok()).unwrap_or(1);
                    let id = r.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
                    out.push(Served { record: Record::new(&name, ttl, data), id });
                }
                if items.len() < 100 {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Deletes the removed records and creates the added ones in one batch.
    pub async fn apply(
        &self,
        zone_id: &str,
        served: &[Served],
        changes: &ChangeSet,
    ) -> Result<(), PublishError> {
        let mut deletes = Vec::new();
        let mut posts = Vec::new();
        for c in &changes.changes {
            for r in c.removed() {
                let s = served
                    .iter()
                    .find(|s| &s.record == r)
                    .ok_or_else(|| PublishError::Changed(c.name.clone()))?;
                deletes.push(json!({ "id": s.id }));
            }
            for r in c.added() {
                let mut post = json!({"type": c.rtype.as_str(), "name": c.name, "content": content_of(&r.data, false), "ttl": c.ttl});
                if matches!(c.rtype, RrType::A | RrType::Aaaa | RrType::Cname) {
                    post["proxied"] = Value::Bool(false);
                }
                posts.push(post);
            }
        }
        let body = json!({ "deletes": deletes, "posts": posts });
        self.call(
            reqwest::Method::POST,
            &format!("/zones/{}/dns_records/batch", encode(zone_id)),
            Some(&body),
            "change the records",
        )
        .await?;
        Ok(())
    }
}
