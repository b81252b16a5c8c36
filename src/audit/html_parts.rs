//! Small HTML pieces: escaping, dates, badges and the style sheet.

use jiff::Timestamp;

use mtasts_core::finding::Verdict;

/// Escapes text for HTML content and attribute values; control characters (and the bidi
/// controls the sanitiser knows) are made visible instead of passed through. Line ends are
/// kept, so multi-line text (a policy body) stays readable in `<pre>`.
pub(super) fn esc(s: &str) -> String {
    s.split('\n').map(esc_line).collect::<Vec<_>>().join("\n")
}

fn esc_line(s: &str) -> String {
    let safe = mtasts_core::sanitize::sanitize(s);
    let mut out = String::with_capacity(safe.len());
    for c in safe.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `2026-11-20 09:30 UTC`.
pub(super) fn when(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// `2026-11-20`, or an em dash.
pub(super) fn day(t: Option<Timestamp>) -> String {
    t.map_or_else(|| "—".to_owned(), |t| t.strftime("%Y-%m-%d").to_string())
}

/// A coloured verdict badge that also reads without colour.
pub(super) fn verdict_badge(v: Option<Verdict>) -> String {
    match v {
        Some(Verdict::Pass) => r#"<span class="badge ok">✓ pass</span>"#.to_owned(),
        Some(Verdict::Warn) => r#"<span class="badge warn">! warn</span>"#.to_owned(),
        Some(Verdict::Fail) => r#"<span class="badge bad">✗ fail</span>"#.to_owned(),
        None => r#"<span class="badge">not checked</span>"#.to_owned(),
    }
}

/// A yes/no cell.
pub(super) fn yes_no(ok: bool) -> &'static str {
    if ok { r#"<span class="okt">yes</span>"# } else { r#"<span class="badt">no</span>"# }
}

/// A table from a header row and rows of already-escaped cells.
pub(super) fn table(class: &str, head: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!(r#"<table class="{class}"><thead><tr>"#);
    for h in head {
        out.push_str(&format!("<th>{h}</th>"));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            out.push_str(&format!("<td>{cell}</td>"));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// The whole style sheet: screen and print.
pub(super) const CSS: &str = r#"
:root{--ink:#1d2433;--muted:#5b6478;--line:#dfe3ea;--bg:#f5f7fa;--ok:#1f8a5b;--warn:#b7791f;--bad:#c53030;--accent:#2b4c7e}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:980px;margin:0 auto;padding:32px 28px 48px}
header.top{border-bottom:3px solid var(--accent);padding-bottom:12px;margin-bottom:24px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:20px;margin:0 0 4px;color:var(--accent)}
h3{font-size:15px;margin:22px 0 8px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.sub{color:var(--muted);margin:0}
section.domain,section.summary{background:#fff;border:1px solid var(--line);border-radius:8px;padding:22px 26px;margin:0 0 24px}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);font-weight:600}
table.failures td:first-child,table.certs td:first-child{white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font:12.5px/1.45 "SFMono-Regular",Menlo,Consolas,monospace}
pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:10px 12px;white-space:pre-wrap;overflow-wrap:anywhere;margin:4px 0}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.facts{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:14px 0}
.fact{border:1px solid var(--line);border-radius:6px;padding:10px 12px}
.fact b{display:block;font-size:18px}
.fact span{color:var(--muted);font-size:12px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;background:#e8ebf0;color:var(--muted)}
.badge.ok{background:#e3f4ec;color:var(--ok)}.badge.warn{background:#fbf0dc;color:var(--warn)}.badge.bad{background:#fbe4e4;color:var(--bad)}
.okt{color:var(--ok);font-weight:600}.badt{color:var(--bad);font-weight:600}
ol.timeline{list-style:none;margin:0 0 0 8px;padding:0 0 0 14px;border-left:2px solid var(--line)}
ol.timeline li{position:relative;padding:2px 0 8px 12px}
ol.timeline li::before{content:"";position:absolute;left:-21px;top:8px;width:10px;height:10px;border-radius:50%;background:var(--accent)}
ol.timeline li.acknowledged::before{background:var(--warn)}ol.timeline li.published::before{background:var(--ok)}
ol.timeline time{font-variant-numeric:tabular-nums;color:var(--muted);margin-right:8px}
svg.chart{width:100%;height:auto;display:block}
svg .grid{stroke:var(--line);stroke-width:1}
svg .axis{font-size:11px;fill:var(--muted)}
svg .ok{fill:var(--ok)}svg .warn{fill:var(--warn)}svg .bad{fill:var(--bad)}
.legend span{display:inline-block;margin-right:14px;font-size:12px;color:var(--muted)}
.legend i{display:inline-block;width:10px;height:10px;margin-right:5px;border-radius:2px}
.muted{color:var(--muted)}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:16px}
@media print{
 @page{size:A4;margin:14mm}
 body{background:#fff;font-size:11pt}
 main{max-width:none;padding:0}
 section.domain,section.summary{border:none;padding:0;margin:0 0 10mm;break-inside:auto}
 section.domain{break-before:page}
 h3{break-after:avoid}
 table,svg,pre,ol.timeline li{break-inside:avoid}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_line_ends_and_defuses_markup_and_controls() {
        assert_eq!(esc("a<b>&\"'\nc"), "a&lt;b&gt;&amp;&quot;&#39;\nc");
        assert!(!esc("x\u{1b}[2J\u{202e}").contains(['\u{1b}', '\u{202e}']));
    }
}
