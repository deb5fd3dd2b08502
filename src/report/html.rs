//! Writing a [`ReportInput`] as one HTML page: the body first (so the embedded font can hold
//! exactly the characters the page uses), then the head with the CSS and the font, the body,
//! the script's data and the script.

use super::{
    Block, ColumnKind, Figure, ReportInput, Row, Section, SectionKind, Sheet, Table, anchor,
    escape, inline_svg,
};
use crate::i18n::{self, Lang};
use std::fmt::Write as _;
use std::io::{self, Write};

/// The page's style: screen layout, print rules (A4, the maps on A3 landscape), the maps'
/// interactive shapes.
const CSS: &str = include_str!("../../assets/report/report.css");
/// The page's one script: map pan, zoom and tooltips, table sorting and filtering, search.
const SCRIPT: &str = include_str!("../../assets/report/report.js");
/// The family name of the embedded font subset.
const FONT_FAMILY: &str = "ParkplanCJK";

/// Write the report as one HTML page.
pub fn write_report(w: &mut dyn Write, r: &ReportInput) -> io::Result<()> {
    let mut body = String::with_capacity(1 << 20);
    write_body(&mut body, r);
    let data = r.data.as_deref().map(script_safe);
    // The font holds every character the page shows or the script writes.
    let mut chars: std::collections::BTreeSet<char> = body.chars().collect();
    chars.extend(r.title.chars());
    if let Some(d) = &data {
        chars.extend(d.chars());
    }
    chars.extend(i18n::text(r.lang, "report.page").chars());
    let font = super::font::subset_font(&chars).map_err(io::Error::other)?;

    let html_lang = if r.lang == Lang::En { "en" } else { "zh-CN" };
    writeln!(w, "<!DOCTYPE html>")?;
    writeln!(w, "<html lang=\"{html_lang}\">")?;
    writeln!(w, "<head>")?;
    writeln!(w, "<meta charset=\"utf-8\">")?;
    writeln!(
        w,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(w, "<title>{}</title>", escape(&r.title))?;
    write!(w, "<style>")?;
    write!(
        w,
        "@font-face{{font-family:\"{FONT_FAMILY}\";src:url(data:font/ttf;base64,{font}) format(\"truetype\")}}"
    )?;
    writeln!(w, "{CSS}")?;
    writeln!(w, "{}", page_rules(r))?;
    writeln!(w, "</style>")?;
    writeln!(w, "</head>")?;
    w.write_all(body.as_bytes())?;
    if let Some(d) = &data {
        writeln!(
            w,
            "<script type=\"application/json\" id=\"pp-data\">{d}</script>"
        )?;
        writeln!(w, "<script>{SCRIPT}</script>")?;
    }
    writeln!(w, "</body>")?;
    writeln!(w, "</html>")?;
    Ok(())
}

/// JSON safe inside a `<script>` element: no `<` at all (`\u003c` is the same character to
/// JSON), so neither `</script>` nor `<!--` in a name can end or confuse the element.
fn script_safe(s: &str) -> String {
    s.replace('<', "\\u003c")
}

/// A string as a CSS string literal.
fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\a "),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `@page` rules: A4 with the report's title at the head of every page and the page
/// number at the foot; the maps' A3 landscape pages.
fn page_rules(r: &ReportInput) -> String {
    let page = i18n::text(r.lang, "report.page");
    let (before, after) = page.split_once("{n}").unwrap_or(("", ""));
    format!(
        "@page{{size:A4 portrait;margin:16mm 14mm 16mm 14mm;\
         @top-left{{content:{};font:9pt \"{FONT_FAMILY}\",sans-serif;color:#555}}\
         @bottom-center{{content:{} counter(page) {};font:9pt \"{FONT_FAMILY}\",sans-serif;color:#555}}}}\
         @page a3{{size:A3 landscape;margin:10mm 10mm 12mm 10mm;\
         @bottom-center{{content:{} counter(page) {};font:9pt \"{FONT_FAMILY}\",sans-serif;color:#555}}}}",
        css_string(&r.title),
        css_string(before),
        css_string(after),
        css_string(before),
        css_string(after),
    )
}

fn write_body(b: &mut String, r: &ReportInput) {
    let lang = r.lang;
    let _ = writeln!(b, "<body>");
    let _ = writeln!(b, "<header>");
    let _ = writeln!(b, "<h1>{}</h1>", escape(&r.title));
    for line in [&r.subtitle, &r.meta] {
        if !line.is_empty() {
            let _ = writeln!(b, "<p class=\"sub\">{}</p>", escape(line));
        }
    }
    let _ = writeln!(b, "</header>");
    if !r.sections.is_empty() {
        let _ = write!(
            b,
            "<nav id=\"toc\" aria-label=\"{}\">",
            escape(&i18n::text(lang, "report.contents"))
        );
        for s in &r.sections {
            let _ = write!(b, "<a href=\"#{}\">{}</a>", anchor(&s.id), escape(&s.title));
        }
        let _ = writeln!(b, "</nav>");
    }
    let _ = writeln!(b, "<main>");
    if !r.summary.is_empty() {
        let _ = writeln!(b, "<div class=\"tiles\">");
        for (label, value) in &r.summary {
            let _ = writeln!(
                b,
                "<div class=\"tile\"><div class=\"v\">{}</div><div class=\"l\">{}</div></div>",
                escape(value),
                escape(label)
            );
        }
        let _ = writeln!(b, "</div>");
    }
    for s in &r.sections {
        write_section(b, s, lang);
    }
    let _ = writeln!(b, "</main>");
    if !r.footer.is_empty() {
        let _ = writeln!(b, "<footer>{}</footer>", escape(&r.footer));
    }
}

fn write_section(b: &mut String, s: &Section, lang: Lang) {
    let class = match s.kind {
        SectionKind::Flow => "flow",
        SectionKind::NewPage => "newpage",
        SectionKind::A3 => "a3",
    };
    let _ = writeln!(b, "<section id=\"{}\" class=\"{class}\">", anchor(&s.id));
    let _ = writeln!(b, "<h2>{}</h2>", escape(&s.title));
    for block in &s.blocks {
        match block {
            Block::Para(p) => {
                let _ = writeln!(b, "<p>{}</p>", escape(p));
            }
            Block::Note(p) => {
                let _ = writeln!(b, "<p class=\"note\">{}</p>", escape(p));
            }
            Block::Heading(h) => {
                let _ = writeln!(b, "<h3>{}</h3>", escape(h));
            }
            Block::List(items) => {
                let _ = writeln!(b, "<ul>");
                for i in items {
                    let _ = writeln!(b, "<li>{}</li>", escape(i));
                }
                let _ = writeln!(b, "</ul>");
            }
            Block::Table(t) => write_table(b, t, lang),
            Block::Figure(f) => write_figure(b, f),
            Block::Sheet(sh) => write_sheet(b, sh, lang),
        }
    }
    let _ = writeln!(b, "</section>");
}

fn write_figure(b: &mut String, f: &Figure) {
    let _ = writeln!(b, "<figure>");
    match &f.map {
        Some((name, shapes)) => {
            let svg = inline_svg(&f.svg);
            // The clickable shapes go last, over the drawing.
            let svg = match svg.rfind("</svg>") {
                Some(i) => format!(
                    "{}<g class=\"hits\" aria-hidden=\"true\">{shapes}</g>{}",
                    &svg[..i],
                    &svg[i..]
                ),
                None => svg,
            };
            let _ = writeln!(
                b,
                "<div class=\"map\" data-map=\"{}\">{svg}</div>",
                escape(name)
            );
        }
        None => {
            let _ = writeln!(b, "{}", inline_svg(&f.svg));
        }
    }
    let _ = writeln!(b, "<figcaption>{}</figcaption>", escape(&f.caption));
    let _ = writeln!(b, "</figure>");
}

fn rows_text(lang: Lang, n: usize) -> String {
    if n == 1 {
        i18n::text(lang, "report.row")
    } else {
        i18n::fill(lang, "report.rows", &[("n", &n.to_string())])
    }
}

fn write_table(b: &mut String, t: &Table, lang: Lang) {
    if !t.title.is_empty() {
        let n = t.total.max(t.rows.len());
        let _ = writeln!(
            b,
            "<h3>{} <span class=\"count\">{}</span></h3>",
            escape(&t.title),
            escape(&i18n::fill(
                if lang == Lang::Both { Lang::Zh } else { lang },
                "report.in_brackets",
                &[("text", &rows_text(lang, n))]
            ))
        );
    }
    if t.rows.is_empty() {
        let _ = writeln!(
            b,
            "<p class=\"sub\">{}</p>",
            escape(&i18n::text(lang, "report.none"))
        );
        return;
    }
    let _ = writeln!(b, "<div class=\"scroll\"><table class=\"data\">");
    let _ = write!(b, "<thead><tr>");
    for c in &t.columns {
        let _ = write!(
            b,
            "<th class=\"{}\">{}</th>",
            kind_class(c.kind),
            escape(&c.header)
        );
    }
    let _ = writeln!(b, "</tr></thead>");
    let _ = writeln!(b, "<tbody>");
    for row in &t.rows {
        write_row(b, t, row);
    }
    let _ = writeln!(b, "</tbody></table></div>");
    if !t.cap_note.is_empty() {
        let _ = writeln!(b, "<p class=\"note\">{}</p>", escape(&t.cap_note));
    }
}

fn kind_class(k: ColumnKind) -> &'static str {
    match k {
        ColumnKind::Text => "t",
        ColumnKind::Id => "id",
        ColumnKind::Tag => "tag",
        ColumnKind::Num => "num",
    }
}

fn write_row(b: &mut String, t: &Table, row: &Row) {
    let _ = write!(b, "<tr");
    if let Some(e) = &row.enterprise {
        let _ = write!(b, " data-ent=\"{}\"", escape(e));
    }
    if let Some(p) = &row.parcel {
        let _ = write!(b, " data-parcel=\"{}\"", escape(p));
    }
    let _ = write!(b, ">");
    for (k, cell) in row.cells.iter().enumerate() {
        let kind = t.columns.get(k).map_or(ColumnKind::Text, |c| c.kind);
        let _ = write!(
            b,
            "<td class=\"{}\">{}</td>",
            kind_class(kind),
            escape(cell)
        );
    }
    let _ = writeln!(b, "</tr>");
}

fn write_sheet(b: &mut String, s: &Sheet, lang: Lang) {
    let _ = writeln!(
        b,
        "<article class=\"sheet\" id=\"sheet-{}\" data-ent=\"{}\">",
        anchor(&s.id),
        escape(&s.id)
    );
    let _ = writeln!(b, "<h3>{}</h3>", escape(&s.title));
    let _ = writeln!(b, "<table class=\"fields\"><tbody>");
    for (k, v) in &s.fields {
        let _ = writeln!(b, "<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(v));
    }
    let _ = writeln!(b, "</tbody></table>");
    write_table(b, &s.criteria, lang);
    let _ = writeln!(b, "<h4>{}</h4>", escape(&s.remedies_title));
    let _ = writeln!(b, "<ol class=\"remedies\">");
    for r in &s.remedies {
        let _ = writeln!(b, "<li>{}</li>", escape(r));
    }
    let _ = writeln!(b, "</ol>");
    if !s.signature.is_empty() {
        let _ = writeln!(b, "<p class=\"signature\">{}</p>", escape(&s.signature));
    }
    let _ = writeln!(b, "</article>");
}
