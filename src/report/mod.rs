//! The plan's HTML report: one self-contained page a bureau official opens, reads, clicks
//! through and prints.
//!
//! The content is data ([`ReportInput`]: sections of [`Block`]s — paragraphs, tables, figures,
//! opinion sheets) that the pipeline fills from the stages' outputs ([`crate::plan::report`]),
//! in the report's language. The page has inline CSS (print rules for A4, the maps on A3
//! landscape pages), inline SVG maps and charts, a subset of the bundled CJK font embedded as a
//! web font (so Chinese shows on a machine without a Chinese font), and one inline script
//! (`assets/report/report.js`) that makes the maps pan, zoom and answer clicks, sorts and
//! filters tables and finds enterprises; without script it reads and prints as the static
//! report. No network, no external script, no link that leaves the page. Every text is
//! escaped: enterprise names are user data.
//!
//! ```
//! use parkplan::report::{Block, Column, ReportInput, Section, Table, write_report};
//! let input = ReportInput {
//!     title: "灵昆高新园区 规划报告".into(),
//!     sections: vec![Section {
//!         id: "screen".into(),
//!         title: "入园审核".into(),
//!         blocks: vec![Block::Table(Table {
//!             title: "不予准入".into(),
//!             columns: vec![Column::id("编号"), Column::text("企业名称")],
//!             rows: vec![vec!["A001".into(), "R&D <Ltd>".into()].into()],
//!             ..Default::default()
//!         })],
//!         ..Default::default()
//!     }],
//!     ..Default::default()
//! };
//! let mut html = Vec::new();
//! write_report(&mut html, &input).unwrap();
//! let html = String::from_utf8(html).unwrap();
//! assert!(html.contains("R&amp;D &lt;Ltd&gt;"));
//! assert!(html.contains("@font-face")); // the page's own characters, embedded
//! ```

mod font;
mod html;

pub use font::subset_font;
pub use html::write_report;

use crate::i18n::Lang;

/// Everything the report shows, in order.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub lang: Lang,
    pub title: String,
    /// The scenario, e.g. "内置灵昆场景（合成数据）".
    pub subtitle: String,
    /// Rule set, hash and date, under the title.
    pub meta: String,
    /// Headline figures: (label, value), shown as a grid of tiles.
    pub summary: Vec<(String, String)>,
    pub sections: Vec<Section>,
    /// The line at the foot of the page.
    pub footer: String,
    /// JSON the page's script reads (parcels, enterprises, labels); `None`: no script data.
    pub data: Option<String>,
}

/// One part of the report (conclusion, screening, opinion sheets, maps, ...).
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// In-page anchor, e.g. `screen`; letters, digits, `-` and `_` are kept.
    pub id: String,
    pub title: String,
    pub kind: SectionKind,
    pub blocks: Vec<Block>,
}

/// How a section prints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SectionKind {
    /// A4 pages, flowing on.
    #[default]
    Flow,
    /// Starts a new page (the conclusion, the opinion sheets).
    NewPage,
    /// Each figure on its own A3 landscape page (the maps).
    A3,
}

/// A piece of a section.
#[derive(Debug, Clone)]
pub enum Block {
    Para(String),
    /// A paragraph that stands out (a cap on a table, a warning).
    Note(String),
    List(Vec<String>),
    /// A sub-heading.
    Heading(String),
    Table(Table),
    Figure(Figure),
    Sheet(Box<Sheet>),
}

/// What a column holds: how it aligns and wraps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ColumnKind {
    #[default]
    Text,
    /// An id (enterprise, parcel, criterion): never wrapped.
    Id,
    /// A short label (a decision, a result, a class): never wrapped.
    Tag,
    /// A number: right-aligned, sorted as a number.
    Num,
}

#[derive(Debug, Clone, Default)]
pub struct Column {
    pub header: String,
    pub kind: ColumnKind,
}

impl Column {
    pub fn text(header: impl Into<String>) -> Column {
        Column {
            header: header.into(),
            kind: ColumnKind::Text,
        }
    }
    pub fn id(header: impl Into<String>) -> Column {
        Column {
            header: header.into(),
            kind: ColumnKind::Id,
        }
    }
    pub fn tag(header: impl Into<String>) -> Column {
        Column {
            header: header.into(),
            kind: ColumnKind::Tag,
        }
    }
    pub fn num(header: impl Into<String>) -> Column {
        Column {
            header: header.into(),
            kind: ColumnKind::Num,
        }
    }
}

/// One table row: its cells, and the enterprise and parcel it is about (clicking the row
/// highlights them on the maps).
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub cells: Vec<String>,
    pub enterprise: Option<String>,
    pub parcel: Option<String>,
}

impl From<Vec<String>> for Row {
    fn from(cells: Vec<String>) -> Row {
        Row {
            cells,
            ..Default::default()
        }
    }
}

/// A table of text cells; numbers are formatted by the caller (fixed decimals, for stable bytes).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Rows the table had before it was capped ([`Table::cap`]); 0: not capped.
    pub total: usize,
    /// Said under a capped table: where the rest is.
    pub cap_note: String,
}

impl Table {
    /// Keep the first `n` rows; `note` says where the rest is.
    pub fn cap(&mut self, n: usize, note: impl FnOnce(usize, usize) -> String) {
        if self.rows.len() > n {
            self.total = self.rows.len();
            self.rows.truncate(n);
            self.cap_note = note(n, self.total);
        }
    }
}

/// An SVG drawing (a map or a chart) and its caption.
#[derive(Debug, Clone, Default)]
pub struct Figure {
    pub caption: String,
    /// A complete SVG document, e.g. from [`crate::render::map::park_map_svg`].
    pub svg: String,
    /// A map the script makes interactive: its name (`park`, `relocation`) and the clickable
    /// shapes laid over it (SVG elements in the drawing's coordinates).
    pub map: Option<(String, String)>,
}

/// An opinion sheet (审查意见表): one applicant's decision on a page of its own.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// The enterprise id (the sheet's anchor: `sheet-<id>`).
    pub id: String,
    pub title: String,
    /// (label, value) lines above the criteria.
    pub fields: Vec<(String, String)>,
    pub criteria: Table,
    pub remedies_title: String,
    pub remedies: Vec<String>,
    /// The line at the foot (signature, date).
    pub signature: String,
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
    for tag in ["script", "foreignObject", "use", "a"] {
        out = strip_element(&out, tag);
    }
    strip_external_images(&out)
}

/// Remove every `<image>` except one holding its PNG in a `data:` URI (the overview map's
/// raster): an embedded image reaches nothing outside the page, any other could.
fn strip_external_images(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("<image") {
        let after = &rest[i + "<image".len()..];
        if !after.starts_with([' ', '>', '/', '\n', '\t']) {
            out.push_str(&rest[..i + "<image".len()]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..i]);
        let gt = after.find('>').map(|g| g + 1).unwrap_or(after.len());
        let tag = &after[..gt];
        let closed = tag.ends_with("/>");
        let embedded = closed
            && tag.matches("href=").count() == 1
            && tag.contains(" href=\"data:image/png;base64,")
            && !tag.contains(" on");
        if embedded {
            out.push_str("<image");
            out.push_str(tag);
        }
        rest = if closed {
            &after[gt..]
        } else {
            match after.find("</image>") {
                Some(c) => &after[c + "</image>".len()..],
                None => "",
            }
        };
    }
    out.push_str(rest);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_svg_drops_prolog_size_namespace_and_scripts() {
        let svg = r#"<?xml version="1.0"?><svg width="2400" height="1700" viewBox="0 0 2400 1700" xmlns="http://www.w3.org/2000/svg"><script>x()</script><rect/><image href="a.png"/><image x="0" href="data:image/png;base64,iVBO"/><image href="data:image/png;base64,iVBO" onload="x()"/><user/></svg>"#;
        let s = inline_svg(svg);
        assert_eq!(
            s,
            r#"<svg viewBox="0 0 2400 1700" class="figure" role="img"><rect/><image x="0" href="data:image/png;base64,iVBO"/><user/></svg>"#
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
