//! QGIS layer styles (QML documents) for the `layer_styles` table QGIS reads from a GeoPackage:
//! a categorised renderer on one text column, one symbol per category.

use std::fmt::Write as _;

/// An RGBA colour.
pub type Rgba = (u8, u8, u8, u8);

/// How one category is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Symbol {
    /// A polygon fill; `hatched` draws diagonal lines instead of a solid fill.
    Fill {
        fill: Rgba,
        outline: Rgba,
        outline_mm: f64,
        dashed: bool,
        hatched: bool,
    },
    Line {
        colour: Rgba,
        width_mm: f64,
        dashed: bool,
    },
    Marker {
        fill: Rgba,
        outline: Rgba,
        size_mm: f64,
    },
}

/// One value of the styled column, its legend label and symbol.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub value: String,
    pub label: String,
    pub symbol: Symbol,
}

/// A layer's style: the column whose values pick the category, and the categories.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    pub name: String,
    pub column: String,
    pub categories: Vec<Category>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn rgba(c: Rgba) -> String {
    format!("{},{},{},{}", c.0, c.1, c.2, c.3)
}

/// A symbol layer's properties written both ways QGIS 3 reads them (`Option` map and `prop`).
fn props(out: &mut String, class: &str, kv: &[(&str, String)]) {
    let _ = writeln!(
        out,
        r#"      <layer class="{class}" enabled="1" locked="0" pass="0">"#
    );
    out.push_str("        <Option type=\"Map\">\n");
    for (k, v) in kv {
        let _ = writeln!(
            out,
            r#"          <Option type="QString" name="{k}" value="{}"/>"#,
            esc(v)
        );
    }
    out.push_str("        </Option>\n");
    for (k, v) in kv {
        let _ = writeln!(out, r#"        <prop k="{k}" v="{}"/>"#, esc(v));
    }
    out.push_str("      </layer>\n");
}

fn symbol(out: &mut String, name: usize, s: &Symbol) {
    let kind = match s {
        Symbol::Fill { .. } => "fill",
        Symbol::Line { .. } => "line",
        Symbol::Marker { .. } => "marker",
    };
    let _ = writeln!(
        out,
        r#"    <symbol type="{kind}" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">"#
    );
    match *s {
        Symbol::Fill {
            fill,
            outline,
            outline_mm,
            dashed,
            hatched,
        } => props(
            out,
            "SimpleFill",
            &[
                ("color", rgba(fill)),
                ("style", if hatched { "b_diagonal" } else { "solid" }.into()),
                ("outline_color", rgba(outline)),
                (
                    "outline_style",
                    if dashed { "dash" } else { "solid" }.into(),
                ),
                ("outline_width", outline_mm.to_string()),
                ("outline_width_unit", "MM".into()),
                ("joinstyle", "miter".into()),
            ],
        ),
        Symbol::Line {
            colour,
            width_mm,
            dashed,
        } => props(
            out,
            "SimpleLine",
            &[
                ("line_color", rgba(colour)),
                ("line_style", if dashed { "dash" } else { "solid" }.into()),
                ("line_width", width_mm.to_string()),
                ("line_width_unit", "MM".into()),
                ("capstyle", "round".into()),
                ("joinstyle", "round".into()),
            ],
        ),
        Symbol::Marker {
            fill,
            outline,
            size_mm,
        } => props(
            out,
            "SimpleMarker",
            &[
                ("name", "circle".into()),
                ("color", rgba(fill)),
                ("outline_color", rgba(outline)),
                ("outline_width", "0.4".into()),
                ("outline_width_unit", "MM".into()),
                ("size", size_mm.to_string()),
                ("size_unit", "MM".into()),
            ],
        ),
    }
    out.push_str("    </symbol>\n");
}

impl Style {
    /// The QML document QGIS loads as the layer's default style.
    pub fn qml(&self) -> String {
        let mut out = String::new();
        out.push_str("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
        out.push_str("<qgis version=\"3.22.16\" styleCategories=\"Symbology\">\n");
        let _ = writeln!(
            out,
            r#"  <renderer-v2 type="categorizedSymbol" attr="{}" forceraster="0" symbollevels="0" enableorderby="0" referencescale="-1">"#,
            esc(&self.column)
        );
        out.push_str("   <categories>\n");
        for (i, c) in self.categories.iter().enumerate() {
            let _ = writeln!(
                out,
                r#"    <category value="{}" symbol="{i}" label="{}" render="true"/>"#,
                esc(&c.value),
                esc(&c.label)
            );
        }
        out.push_str("   </categories>\n   <symbols>\n");
        for (i, c) in self.categories.iter().enumerate() {
            symbol(&mut out, i, &c.symbol);
        }
        out.push_str("   </symbols>\n  </renderer-v2>\n  <blendMode>0</blendMode>\n  <featureBlendMode>0</featureBlendMode>\n</qgis>\n");
        out
    }
}
