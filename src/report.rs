//! The plan's HTML report: one self-contained page a bureau official opens and reads.
//!
//! Plain input types ([`ReportInput`]) that the pipeline fills from the stages' outputs; the
//! page has inline CSS and inline SVG maps and charts, no script, no network and no link that
//! leaves the page (the output files are named, not linked, so the page still reads when it is
//! mailed on its own). Every text is escaped: enterprise names are user data.
//!
//! ```
//! use parkplan::report::{ReportInput, Section, Table, write_report};
//! let input = ReportInput {
//!     title: "灵昆高新园区 规划报告".into(),
//!     rules_version: "lingkun-2026.1".into(),
//!     summary: vec![("parcels".into(), "312".into())],
//!     sections: vec![Section {
//!         id: "screen".into(),
//!         title: "Screening".into(),
//!         tables: vec![Table {
//!             title: "Rejected".into(),
//!             headers: vec!["id".into(), "name".into()],
//!             rows: vec![vec!["A001".into(), "R&D <Ltd>".into()]],
//!         }],
//!         ..Default::default()
//!     }],
//!     ..Default::default()
//! };
//! let mut html = Vec::new();
//! write_report(&mut html, &input).unwrap();
//! let html = String::from_utf8(html).unwrap();
//! assert!(html.contains("R&amp;D &lt;Ltd&gt;"));
//! ```

use std::io::{self, Write};

/// Everything the report shows, in order.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub title: String,
    /// The scenario, e.g. "bundled Lingkun scenario (synthetic data)".
    pub subtitle: String,
    pub rules_version: String,
    pub rules_hash: String,
    /// Headline figures: (label, value), shown as a grid of tiles.
    pub summary: Vec<(String, String)>,
    pub sections: Vec<Section>,
    /// The output folder's files and what each holds (named, not linked).
    pub files: Vec<(String, String)>,
}

/// One part of the report (screening, ranking, allocation, maps, ...).
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// In-page anchor, e.g. `screen`; letters, digits and `-` are kept.
    pub id: String,
    pub title: String,
    /// Paragraphs before the tables.
    pub notes: Vec<String>,
    pub tables: Vec<Table>,
    pub figures: Vec<Figure>,
}

/// A table of text cells; numbers are formatted by the caller (fixed decimals, for stable bytes).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// An SVG drawing (a map or a chart) and its caption.
#[derive(Debug, Clone, Default)]
pub struct Figure {
    pub caption: String,
    /// A complete SVG document, e.g. from [`crate::render::map::park_map_svg`].
    pub svg: String,
}

/// Escape text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
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

fn anchor(id: &str) -> String {
    let a: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if a.is_empty() { "section".into() } else { a }
}

/// An SVG document made fit to sit inline in the page: the XML prolog and doctype dropped, the
/// namespace attribute dropped (HTML knows `<svg>`), and the fixed size made to scale with the
/// page while keeping its `viewBox`. Scripts, foreign objects and external references are
/// removed, so a figure from any source cannot reach outside the page.
pub fn inline_svg(svg: &str) -> String {
    let mut s = svg.trim();
    while s.starts_with("<?") || s.starts_with("<!") {
        match s.find('>') {
            Some(i) => s = s[i + 1..].trim_start(),
            None => break,
        }
    }
    let mut out = s
        .replace(" xmlns=\"http://www.w3.org/2000/svg\"", "")
        .replace(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"", "");
    // Size: plotters writes width/height on the root; replace them by a responsive style.
    if let Some(end) = out.find('>') {
        let head = &out[..end];
        let mut new_head = String::new();
        let mut rest = head;
        while let Some(i) = rest.find(" width=\"").or_else(|| rest.find(" height=\"")) {
            new_head.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let q = after.find('"').map(|q| q + 1).unwrap_or(0);
            let close = after[q..]
                .find('"')
                .map(|c| q + c + 1)
                .unwrap_or(after.len());
            rest = &after[close..];
        }
        new_head.push_str(rest);
        out = format!("{new_head} class=\"figure\" role=\"img\"{}", &out[end..]);
    }
    for tag in ["script", "foreignObject", "image", "use", "a"] {
        out = strip_element(&out, tag);
    }
    out
}

/// Remove every `<tag ...>...</tag>` and `<tag .../>` (case-sensitive, SVG is XML).
fn strip_element(s: &str, tag: &str) -> String {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        // A longer tag name that merely starts the same (e.g. `<use` vs `<user`) is kept.
        if !after.starts_with([' ', '>', '/', '\n', '\t']) {
            out.push_str(&rest[..i + open.len()]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..i]);
        let gt = after.find('>').map(|g| g + 1).unwrap_or(after.len());
        rest = if after[..gt].ends_with("/>") {
            &after[gt..]
        } else {
            match after.find(&close) {
                Some(c) => &after[c + close.len()..],
                None => "",
            }
        };
    }
    out.push_str(rest);
    out
}

const CSS: &str = r#"
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:0;color:#222;background:#fff;line-height:1.45}
header{padding:24px 40px 12px;border-bottom:3px solid #4e79a7}
h1{margin:0 0 6px;font-size:28px}
.sub{color:#666;margin:2px 0}
nav{padding:8px 40px;background:#f4f6f8;font-size:14px}
nav a{margin-right:18px;color:#2f5d8a;text-decoration:none}
main{padding:8px 40px 40px;max-width:1600px}
h2{border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:36px}
h3{margin:22px 0 8px;font-size:17px}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:18px 0}
.tile{border:1px solid #d6dde4;border-radius:6px;padding:10px 16px;min-width:150px;background:#fafbfc}
.tile .v{font-size:24px;font-weight:bold;color:#2f5d8a}
.tile .l{font-size:13px;color:#555}
table{border-collapse:collapse;font-size:13px;margin:6px 0 14px}
th,td{border:1px solid #d0d5da;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eef2f5;position:sticky;top:0}
tr:nth-child(even) td{background:#fafbfc}
.count{color:#666;font-weight:normal;font-size:13px}
.scroll{max-height:560px;overflow:auto;display:inline-block;max-width:100%}
figure{margin:14px 0 24px}
svg.figure{width:100%;height:auto;max-width:1400px;border:1px solid #ddd}
svg.figure text{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif}
figcaption{color:#555;font-size:14px;margin-top:4px}
footer{color:#777;font-size:12px;padding:12px 40px;border-top:1px solid #ddd}
@media print{nav{display:none}.scroll{max-height:none;overflow:visible}th{position:static}}
"#;

/// Write the report as one HTML page.
pub fn write_report(w: &mut dyn Write, r: &ReportInput) -> io::Result<()> {
    writeln!(w, "<!DOCTYPE html>")?;
    writeln!(w, "<html lang=\"zh-CN\">")?;
    writeln!(w, "<head>")?;
    writeln!(w, "<meta charset=\"utf-8\">")?;
    writeln!(
        w,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(w, "<title>{}</title>", escape(&r.title))?;
    writeln!(w, "<style>{CSS}</style>")?;
    writeln!(w, "</head>")?;
    writeln!(w, "<body>")?;
    writeln!(w, "<header>")?;
    writeln!(w, "<h1>{}</h1>", escape(&r.title))?;
    if !r.subtitle.is_empty() {
        writeln!(w, "<p class=\"sub\">{}</p>", escape(&r.subtitle))?;
    }
    write!(
        w,
        "<p class=\"sub\">Rule set 规则版本 <b>{}</b>",
        escape(&r.rules_version)
    )?;
    if !r.rules_hash.is_empty() {
        write!(w, " · sha256 <code>{}</code>", escape(&r.rules_hash))?;
    }
    writeln!(w, "</p>")?;
    writeln!(w, "</header>")?;
    if !r.sections.is_empty() {
        write!(w, "<nav>")?;
        write!(w, "<a href=\"#summary\">Summary 概况</a>")?;
        for s in &r.sections {
            write!(w, "<a href=\"#{}\">{}</a>", anchor(&s.id), escape(&s.title))?;
        }
        if !r.files.is_empty() {
            write!(w, "<a href=\"#files\">Files 文件</a>")?;
        }
        writeln!(w, "</nav>")?;
    }
    writeln!(w, "<main>")?;
    writeln!(w, "<h2 id=\"summary\">Summary 概况</h2>")?;
    writeln!(w, "<div class=\"tiles\">")?;
    for (label, value) in &r.summary {
        writeln!(
            w,
            "<div class=\"tile\"><div class=\"v\">{}</div><div class=\"l\">{}</div></div>",
            escape(value),
            escape(label)
        )?;
    }
    writeln!(w, "</div>")?;
    for s in &r.sections {
        writeln!(w, "<section>")?;
        writeln!(w, "<h2 id=\"{}\">{}</h2>", anchor(&s.id), escape(&s.title))?;
        for n in &s.notes {
            writeln!(w, "<p>{}</p>", escape(n))?;
        }
        for t in &s.tables {
            write_table(w, t)?;
        }
        for f in &s.figures {
            writeln!(w, "<figure>")?;
            writeln!(w, "{}", inline_svg(&f.svg))?;
            writeln!(w, "<figcaption>{}</figcaption>", escape(&f.caption))?;
            writeln!(w, "</figure>")?;
        }
        writeln!(w, "</section>")?;
    }
    if !r.files.is_empty() {
        writeln!(w, "<h2 id=\"files\">Files 文件</h2>")?;
        writeln!(w, "<p>Written next to this page in the output folder:</p>")?;
        write_table(
            w,
            &Table {
                title: String::new(),
                headers: vec!["file".into(), "holds".into()],
                rows: r
                    .files
                    .iter()
                    .map(|(f, d)| vec![f.clone(), d.clone()])
                    .collect(),
            },
        )?;
    }
    writeln!(w, "</main>")?;
    writeln!(
        w,
        "<footer>parkplan {} · rule set {} · same inputs give this page byte for byte</footer>",
        env!("CARGO_PKG_VERSION"),
        escape(&r.rules_version)
    )?;
    writeln!(w, "</body>")?;
    writeln!(w, "</html>")?;
    Ok(())
}

fn write_table(w: &mut dyn Write, t: &Table) -> io::Result<()> {
    if !t.title.is_empty() {
        let n = t.rows.len();
        let unit = if n == 1 { "row" } else { "rows" };
        writeln!(
            w,
            "<h3>{} <span class=\"count\">({n} {unit})</span></h3>",
            escape(&t.title)
        )?;
    }
    if t.rows.is_empty() {
        writeln!(w, "<p class=\"sub\">none</p>")?;
        return Ok(());
    }
    writeln!(w, "<div class=\"scroll\"><table>")?;
    write!(w, "<thead><tr>")?;
    for h in &t.headers {
        write!(w, "<th>{}</th>", escape(h))?;
    }
    writeln!(w, "</tr></thead>")?;
    writeln!(w, "<tbody>")?;
    for row in &t.rows {
        write!(w, "<tr>")?;
        for cell in row {
            write!(w, "<td>{}</td>", escape(cell))?;
        }
        writeln!(w, "</tr>")?;
    }
    writeln!(w, "</tbody></table></div>")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_svg_drops_prolog_size_namespace_and_scripts() {
        let svg = r#"<?xml version="1.0"?><svg width="2400" height="1700" viewBox="0 0 2400 1700" xmlns="http://www.w3.org/2000/svg"><script>x()</script><rect/><image href="a.png"/><user/></svg>"#;
        let s = inline_svg(svg);
        assert_eq!(
            s,
            r#"<svg viewBox="0 0 2400 1700" class="figure" role="img"><rect/><user/></svg>"#
        );
    }

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
