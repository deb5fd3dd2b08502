//! WKT coordinate system definitions: read (WKT 1 as in .prj files, ESRI's flavour included, and
//! WKT 2) and written (WKT 1 as GDAL writes it, for GeoPackages).
//!
//! An EPSG authority code on the outermost node decides; without one, the datum, the projection
//! method, its parameters and the unit are read, so an ESRI `.prj` (which carries no code) is
//! understood too.

use super::{Crs, Datum, Grid, SUPPORTED, datum_shift_refusal};

/// One `KEYWORD[arg, ...]` node.
#[derive(Debug)]
struct Node {
    keyword: String,
    args: Vec<Arg>,
}

#[derive(Debug)]
enum Arg {
    Text(String),
    Number(f64),
    Node(Node),
    /// An unquoted word that is not a node (WKT 2 enumerations such as `east`).
    Word,
}

/// Whether `text` starts like a WKT definition.
pub(super) fn looks_like_wkt(text: &str) -> bool {
    let head: String = text
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase();
    matches!(
        head.as_str(),
        "PROJCS"
            | "GEOGCS"
            | "PROJCRS"
            | "GEOGCRS"
            | "GEODCRS"
            | "BASEGEOGCRS"
            | "COMPD_CS"
            | "COMPOUNDCRS"
            | "GEOCCS"
            | "VERT_CS"
            | "LOCAL_CS"
            | "ENGCRS"
    )
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    /// A node, and whether it had brackets (a bare word has none).
    fn node(&mut self) -> Result<(Node, bool), String> {
        self.skip_ws();
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_')
        {
            self.i += 1;
        }
        let keyword = String::from_utf8_lossy(&self.s[start..self.i]).to_ascii_uppercase();
        self.skip_ws();
        let close = match self.s.get(self.i) {
            Some(b'[') => b']',
            Some(b'(') => b')',
            _ => {
                return Ok((
                    Node {
                        keyword,
                        args: Vec::new(),
                    },
                    false,
                ));
            }
        };
        self.i += 1;
        let mut args = Vec::new();
        loop {
            self.skip_ws();
            match self.s.get(self.i) {
                None => return Err("unbalanced brackets".into()),
                Some(&c) if c == close => {
                    self.i += 1;
                    break;
                }
                Some(b',') => self.i += 1,
                Some(b'"') => {
                    self.i += 1;
                    let mut text = Vec::new();
                    loop {
                        match self.s.get(self.i) {
                            None => return Err("unterminated string".into()),
                            Some(b'"') if self.s.get(self.i + 1) == Some(&b'"') => {
                                text.push(b'"');
                                self.i += 2;
                            }
                            Some(b'"') => {
                                self.i += 1;
                                break;
                            }
                            Some(&c) => {
                                text.push(c);
                                self.i += 1;
                            }
                        }
                    }
                    args.push(Arg::Text(String::from_utf8_lossy(&text).into_owned()));
                }
                Some(c) if c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.') => {
                    let start = self.i;
                    while self.i < self.s.len()
                        && (self.s[self.i].is_ascii_digit()
                            || matches!(self.s[self.i], b'-' | b'+' | b'.' | b'e' | b'E'))
                    {
                        self.i += 1;
                    }
                    let t = String::from_utf8_lossy(&self.s[start..self.i]);
                    args.push(Arg::Number(
                        t.parse().map_err(|_| format!("bad number {t:?}"))?,
                    ));
                }
                Some(c) if c.is_ascii_alphabetic() => match self.node()? {
                    (n, true) => args.push(Arg::Node(n)),
                    (_, false) => args.push(Arg::Word),
                },
                Some(&c) => return Err(format!("unexpected character {:?}", c as char)),
            }
        }
        Ok((Node { keyword, args }, true))
    }
}

impl Node {
    fn children(&self) -> impl Iterator<Item = &Node> {
        self.args.iter().filter_map(|a| match a {
            Arg::Node(n) => Some(n),
            _ => None,
        })
    }
    fn child(&self, keywords: &[&str]) -> Option<&Node> {
        self.children()
            .find(|n| keywords.contains(&n.keyword.as_str()))
    }
    /// The first descendant (depth first) with one of `keywords`.
    fn find(&self, keywords: &[&str]) -> Option<&Node> {
        for c in self.children() {
            if keywords.contains(&c.keyword.as_str()) {
                return Some(c);
            }
            if let Some(n) = c.find(keywords) {
                return Some(n);
            }
        }
        None
    }
    fn text(&self, i: usize) -> Option<&str> {
        self.args
            .iter()
            .filter_map(|a| match a {
                Arg::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .nth(i)
    }
    fn number(&self, i: usize) -> Option<f64> {
        self.args
            .iter()
            .filter_map(|a| match a {
                Arg::Number(v) => Some(*v),
                Arg::Text(t) => t.trim().parse().ok(),
                _ => None,
            })
            .nth(i)
    }
    /// An `AUTHORITY["EPSG","4549"]` (WKT 1) or `ID["EPSG",4549]` (WKT 2) code of this node.
    fn epsg(&self) -> Option<u32> {
        let id = self.child(&["AUTHORITY", "ID"])?;
        if !id.text(0)?.eq_ignore_ascii_case("EPSG") {
            return None;
        }
        match id.args.get(1)? {
            Arg::Number(v) => Some(*v as u32),
            Arg::Text(t) => t.trim().parse().ok(),
            _ => None,
        }
    }
}

/// Lower-case letters and digits only, for comparing names across WKT flavours.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The datum a WKT names, or the refusal of one that needs a shift.
fn datum_of(root: &Node, name: &str) -> Result<Datum, String> {
    let datum = root
        .find(&["DATUM", "GEODETICDATUM", "TRF", "ENSEMBLE"])
        .and_then(|d| d.text(0))
        .unwrap_or("");
    let d = squash(datum);
    if d.contains("xian") || d.contains("xi'an") {
        return Err(datum_shift_refusal(
            &format!("{name:?} (Xi'an 1980 datum)"),
            "Xi'an 1980",
        ));
    }
    if d.contains("beijing") {
        return Err(datum_shift_refusal(
            &format!("{name:?} (Beijing 1954 datum)"),
            "Beijing 1954",
        ));
    }
    if d.contains("china2000")
        || d.contains("cgcs2000")
        || d.contains("chinageodeticcoordinatesystem2000")
    {
        Ok(Datum::Cgcs2000)
    } else if d.contains("wgs1984") || d.contains("wgs84") || d.contains("worldgeodeticsystem1984")
    {
        Ok(Datum::Wgs84)
    } else {
        Err(format!(
            "{name:?} uses the datum {datum:?}, which is not supported; supported: {SUPPORTED}"
        ))
    }
}

/// A parameter by any of its WKT 1, ESRI and WKT 2 names (squashed).
fn parameter(root: &Node, names: &[&str]) -> Option<f64> {
    fn walk(n: &Node, names: &[&str]) -> Option<f64> {
        for c in n.children() {
            if c.keyword == "PARAMETER"
                && c.text(0)
                    .is_some_and(|t| names.contains(&squash(t).as_str()))
            {
                return c.number(0);
            }
            if c.keyword != "PARAMETER"
                && let Some(v) = walk(c, names)
            {
                return Some(v);
            }
        }
        None
    }
    walk(root, names)
}

/// The CRS a WKT text defines.
pub(super) fn parse(text: &str) -> Result<Crs, String> {
    let mut p = Parser {
        s: text.trim().as_bytes(),
        i: 0,
    };
    let (root, _) = p.node().map_err(|e| {
        format!(
            "not a readable WKT coordinate system definition ({e}): {}",
            short(text)
        )
    })?;
    let name = root.text(0).unwrap_or("").to_string();
    if let Some(code) = root.epsg() {
        return Crs::from_epsg(code).map_err(|e| format!("{name:?}: {e}"));
    }
    match root.keyword.as_str() {
        "GEOGCS" | "GEOGCRS" | "GEODCRS" => Ok(Crs::Geographic(datum_of(&root, &name)?)),
        "PROJCS" | "PROJCRS" => projected(&root, &name),
        other => Err(format!(
            "{name:?} is a {other} definition, not a geographic or projected 2D coordinate system; supported: {SUPPORTED}"
        )),
    }
}

/// A projected WKT as a grid: a transverse Mercator method, its parameters, metres.
fn projected(root: &Node, name: &str) -> Result<Crs, String> {
    let datum = datum_of(root, name)?;
    let method = root
        .child(&["PROJECTION", "CONVERSION"])
        .and_then(|c| {
            if c.keyword == "CONVERSION" {
                c.child(&["METHOD"])
            } else {
                Some(c)
            }
        })
        .and_then(|m| m.text(0))
        .unwrap_or("");
    let m = squash(method);
    if !(m.contains("transversemercator")
        || m.contains("gausskruger")
        || m.contains("gaussskruger"))
    {
        return Err(format!(
            "{name:?} uses the projection {method:?}; only transverse Mercator (Gauss-Krüger) grids are supported: {SUPPORTED}"
        ));
    }
    if let Some(unit) = root
        .child(&["UNIT", "LENGTHUNIT"])
        .or_else(|| root.find(&["LENGTHUNIT"]))
        && unit.number(0).is_some_and(|f| (f - 1.0).abs() > 1e-12)
    {
        return Err(format!(
            "{name:?} measures in {:?}, not metres; reproject it to a metre grid or to lon/lat",
            unit.text(0).unwrap_or("?")
        ));
    }
    let get = |names: &[&str], default: f64| parameter(root, names).unwrap_or(default);
    let grid = Grid {
        datum,
        central_meridian: get(
            &[
                "centralmeridian",
                "longitudeofnaturalorigin",
                "longitudeoforigin",
                "longitudeofcenter",
            ],
            0.0,
        ),
        latitude_of_origin: get(
            &[
                "latitudeoforigin",
                "latitudeofnaturalorigin",
                "latitudeofcenter",
            ],
            0.0,
        ),
        scale: get(&["scalefactor", "scalefactoratnaturalorigin"], 1.0),
        false_easting: get(&["falseeasting"], 0.0),
        false_northing: get(&["falsenorthing"], 0.0),
    };
    Ok(Crs::Projected(grid))
}

fn short(text: &str) -> String {
    let t: String = text.chars().take(80).collect();
    if t.len() < text.len() {
        format!("{t}...")
    } else {
        t
    }
}

const CGCS2000_GEOGCS: &str = r#"GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]]"#;
const WGS84_GEOGCS: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#;

/// WKT 1 of a CRS with an EPSG code, as GDAL writes it (web-map coordinates have none).
pub(super) fn write(crs: &Crs) -> Option<String> {
    let code = crs.epsg()?;
    match crs {
        Crs::Geographic(Datum::Wgs84) => Some(WGS84_GEOGCS.to_string()),
        Crs::Geographic(Datum::Cgcs2000) => Some(CGCS2000_GEOGCS.to_string()),
        Crs::Projected(g) => {
            let geogcs = match g.datum {
                Datum::Cgcs2000 => CGCS2000_GEOGCS,
                Datum::Wgs84 => WGS84_GEOGCS,
            };
            let name = g.name();
            let name = name
                .trim_end_matches(&format!(" (EPSG:{code})"))
                .to_string();
            Some(format!(
                r#"PROJCS["{name}",{geogcs},PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",{}],PARAMETER["central_meridian",{}],PARAMETER["scale_factor",{}],PARAMETER["false_easting",{}],PARAMETER["false_northing",{}],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","{code}"]]"#,
                g.latitude_of_origin,
                g.central_meridian,
                g.scale,
                g.false_easting,
                g.false_northing
            ))
        }
        Crs::Gcj02 | Crs::Bd09 => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esri_prj_without_a_code_is_read_from_its_parameters() {
        let prj = r#"PROJCS["CGCS2000_3_Degree_GK_CM_120E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
        assert_eq!(parse(prj).unwrap(), Crs::from_epsg(4549).unwrap());
        let xian = prj.replace("D_China_2000", "D_Xian_1980");
        assert!(parse(&xian).unwrap_err().contains("Xi'an 1980"));
        let lambert = prj.replace("Gauss_Kruger", "Lambert_Conformal_Conic");
        assert!(
            parse(&lambert)
                .unwrap_err()
                .contains("Lambert_Conformal_Conic")
        );
    }

    #[test]
    fn written_wkt_reads_back_as_the_same_crs() {
        for code in [4326, 4490, 4528, 4549, 4502, 32651] {
            let crs = Crs::from_epsg(code).unwrap();
            let text = write(&crs).unwrap();
            assert_eq!(parse(&text).unwrap(), crs, "{text}");
            // Without the codes, the parameters alone give the same grid.
            let bare = text.replace(&format!(r#",AUTHORITY["EPSG","{code}"]]"#), "]");
            assert_eq!(parse(&bare).unwrap(), crs, "{bare}");
        }
    }

    #[test]
    fn wkt2_with_an_id_is_read() {
        let w = r#"PROJCRS["CGCS2000 / 3-degree Gauss-Kruger zone 40",BASEGEOGCRS["China Geodetic Coordinate System 2000",DATUM["China 2000",ELLIPSOID["CGCS2000",6378137,298.257222101,LENGTHUNIT["metre",1]]]],CONVERSION["3-degree Gauss-Kruger zone 40",METHOD["Transverse Mercator",ID["EPSG",9807]],PARAMETER["Longitude of natural origin",120,ANGLEUNIT["degree",0.0174532925199433]]],CS[Cartesian,2],AXIS["northing (X)",north],LENGTHUNIT["metre",1],ID["EPSG",4528]]"#;
        assert_eq!(parse(w).unwrap().epsg(), Some(4528));
    }
}
