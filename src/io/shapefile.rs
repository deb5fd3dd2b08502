//! Shapefiles: the `.shp` geometry (read by the `shapefile` crate), the `.dbf` attribute table
//! (its `dbase` reader) in the encoding the `.cpg` names, else the one the DBF's language byte
//! names, else detected (UTF-8, or GBK as Chinese desktop GIS writes it, with a warning), and the
//! `.prj` coordinate system.

use crate::crs::Crs;
use crate::error::{InputError, Place, Problems, Warning};
use crate::io::source::{Properties, RawFeature, Source};
use geojson::{GeometryValue, Position};
use serde_json::Value;
use shapefile::dbase::{self, FieldValue};
use shapefile::record::traits::HasXY;
use shapefile::{PolygonRing, Shape};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// The file beside `shp` with extension `ext` (either case), if it exists.
fn sibling(shp: &Path, ext: &str) -> Option<PathBuf> {
    [ext.to_ascii_lowercase(), ext.to_ascii_uppercase()]
        .into_iter()
        .map(|e| shp.with_extension(e))
        .find(|p| p.exists())
}

/// The encoding a `.cpg` names ("GBK", "936", "UTF-8", "ANSI 936", ...).
fn cpg_encoding(text: &str) -> Option<&'static encoding_rs::Encoding> {
    let t = text
        .trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_lowercase();
    let t = t.trim_start_matches("ansi").trim();
    let label = match t {
        "936" | "cp936" | "ms936" | "windows-936" | "gb2312" | "gbk" => "gbk",
        "65001" | "utf8" | "utf-8" => "utf-8",
        "950" | "cp950" | "big5" => "big5",
        "54936" | "gb18030" => "gb18030",
        "1252" | "cp1252" => "windows-1252",
        "" => return None,
        other => other,
    };
    encoding_rs::Encoding::for_label(label.as_bytes())
}

/// The encoding a DBF language-driver byte names, as GDAL reads them (`None`: not telling).
fn ldid_encoding(ldid: u8) -> Option<&'static encoding_rs::Encoding> {
    match ldid {
        0x4D | 0x7A => Some(encoding_rs::GBK),
        0x4F | 0x78 => Some(encoding_rs::BIG5),
        0x03 | 0x58 | 0x59 => Some(encoding_rs::WINDOWS_1252),
        _ => None,
    }
}

/// A `.shp` with its `.dbf`, `.prj` and `.cpg` as raw features and the declared CRS.
pub(crate) fn source(path: &Path, problems: &mut Problems) -> Option<Source> {
    let file_problem = |m: String| InputError::file(path, m);
    let shp = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            problems.push(file_problem(format!("cannot read: {e}")));
            return None;
        }
    };
    let Some(dbf_path) = sibling(path, "dbf") else {
        problems.push(file_problem(
            "the .dbf beside it is missing: a Shapefile's attributes (id, land use, status, ...) are in its .dbf; copy the .shp, .shx, .dbf, .prj and .cpg together".into(),
        ));
        return None;
    };
    let dbf = match std::fs::read(&dbf_path) {
        Ok(b) => b,
        Err(e) => {
            problems.push(InputError::file(&dbf_path, format!("cannot read: {e}")));
            return None;
        }
    };
    let mut warnings = Vec::new();
    let declared = match sibling(path, "prj").map(|p| (std::fs::read_to_string(&p), p)) {
        None => None,
        Some((Err(e), p)) => {
            problems.push(InputError::file(p, format!("cannot read: {e}")));
            return None;
        }
        Some((Ok(text), p)) => match Crs::from_wkt(&text) {
            Ok(c) => Some(c),
            Err(e) => {
                problems.push(InputError::new(p, Place::File, Some("crs"), e));
                return None;
            }
        },
    };
    let encoding = match sibling(path, "cpg").map(|p| (std::fs::read_to_string(&p), p)) {
        Some((Ok(text), p)) => match cpg_encoding(&text) {
            Some(e) => Some(e),
            None if text.trim().is_empty() => None,
            None => {
                problems.push(InputError::file(
                    p,
                    format!("names the encoding {:?}, which parkplan does not know; expected e.g. UTF-8 or GBK", text.trim()),
                ));
                return None;
            }
        },
        Some((Err(e), p)) => {
            problems.push(InputError::file(p, format!("cannot read: {e}")));
            return None;
        }
        None => dbf.get(29).copied().and_then(ldid_encoding),
    };
    let records = match read_text(&dbf, &dbf_path, encoding, &mut warnings) {
        Ok(r) => r,
        Err(e) => {
            problems.push(e);
            return None;
        }
    };
    let shapes = match shapefile::ShapeReader::new(Cursor::new(shp)).and_then(|r| r.read()) {
        Ok(s) => s,
        Err(e) => {
            problems.push(file_problem(format!("not a readable Shapefile: {e}")));
            return None;
        }
    };
    if shapes.len() != records.len() {
        problems.push(file_problem(format!(
            "has {} shapes but its .dbf has {} records: the two files do not belong together",
            shapes.len(),
            records.len()
        )));
        return None;
    }
    let features = shapes
        .into_iter()
        .zip(records)
        .enumerate()
        .map(|(index, (shape, properties))| RawFeature {
            index,
            id: crate::io::geojson::feature_id(&properties),
            geometry: geometry(shape).map(geojson::Geometry::new),
            properties,
        })
        .collect();
    Some(Source {
        features,
        declared,
        declared_in: "the .prj",
        warnings,
    })
}

/// Whether any text of the records (names or values) has a character that did not decode.
fn undecoded(records: &[Properties]) -> bool {
    records.iter().any(|r| {
        r.iter().any(|(k, v)| {
            k.contains('\u{FFFD}') || v.as_str().is_some_and(|s| s.contains('\u{FFFD}'))
        })
    })
}

/// The DBF's records decoded with `encoding`, or, when nothing names one, as UTF-8 if that
/// decodes every text, else as GBK (with a warning), else an error asking for a .cpg.
fn read_text(
    dbf: &[u8],
    dbf_path: &Path,
    encoding: Option<&'static encoding_rs::Encoding>,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Properties>, InputError> {
    let read = |e: &'static encoding_rs::Encoding| {
        read_dbf(dbf, e).map_err(|err| {
            InputError::file(dbf_path, format!("not a readable attribute table: {err}"))
        })
    };
    if let Some(e) = encoding {
        let records = read(e)?;
        if undecoded(&records) {
            return Err(InputError::file(
                dbf_path,
                format!(
                    "has text that is not valid {}, the encoding its .cpg or language byte names; correct the .cpg (e.g. GBK or UTF-8)",
                    e.name()
                ),
            ));
        }
        return Ok(records);
    }
    let records = read(encoding_rs::UTF_8)?;
    if !undecoded(&records) {
        return Ok(records);
    }
    let records = read(encoding_rs::GBK)?;
    if undecoded(&records) {
        return Err(InputError::file(
            dbf_path,
            "its text is neither UTF-8 nor GBK, and no .cpg says which encoding it is: add a .cpg naming it (e.g. GBK, 936 or UTF-8)",
        ));
    }
    warnings.push(Warning(InputError::file(
        dbf_path,
        "no .cpg names its encoding: its text was read as GBK (it is not UTF-8); add a .cpg containing GBK to say so",
    )));
    Ok(records)
}

/// Every record of a DBF as properties, fields in table order, text decoded with `encoding`
/// (undecodable bytes become U+FFFD, which [`read_text`] looks for).
fn read_dbf(
    bytes: &[u8],
    encoding: &'static encoding_rs::Encoding,
) -> Result<Vec<Properties>, dbase::Error> {
    let mut reader = dbase::ReaderBuilder::new()
        .with_encoding(dbase::encoding::EncodingRs::from(encoding))
        .build(Cursor::new(bytes))?;
    let names: Vec<String> = reader
        .fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    let mut out = Vec::new();
    for row in reader.iter_records_as::<Row>() {
        let row = row?;
        out.push(
            names
                .iter()
                .cloned()
                .zip(row.0.into_iter().map(value))
                .collect(),
        );
    }
    Ok(out)
}

/// A record's values in field order (no map per record).
struct Row(Vec<FieldValue>);

impl dbase::ReadableRecord for Row {
    fn read_using<S, M>(it: &mut dbase::FieldIterator<S, M>) -> Result<Self, dbase::FieldError>
    where
        S: std::io::Read + std::io::Seek,
        M: std::io::Read + std::io::Seek,
    {
        let mut v = Vec::new();
        for r in it {
            v.push(r?.value);
        }
        Ok(Row(v))
    }
}

/// A DBF value as JSON: whole numbers as integers, dates as `YYYY-MM-DD`.
fn value(v: FieldValue) -> Value {
    let num = |f: f64| {
        if f.fract() == 0.0 && f.abs() < 9e15 {
            Value::from(f as i64)
        } else {
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
    };
    match v {
        FieldValue::Character(Some(s)) | FieldValue::Memo(s) => Value::String(s),
        FieldValue::Character(None)
        | FieldValue::Numeric(None)
        | FieldValue::Logical(None)
        | FieldValue::Date(None)
        | FieldValue::Float(None) => Value::Null,
        FieldValue::Numeric(Some(f)) | FieldValue::Double(f) | FieldValue::Currency(f) => num(f),
        FieldValue::Float(Some(f)) => num(f as f64),
        FieldValue::Integer(i) => Value::from(i),
        FieldValue::Logical(Some(b)) => Value::Bool(b),
        FieldValue::Date(Some(d)) => {
            Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }
        FieldValue::DateTime(dt) => {
            let d = dt.date();
            Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }
    }
}

fn pos<P: HasXY>(p: &P) -> Position {
    Position::from([p.x(), p.y()])
}

/// Whether `pt` lies inside the closed ring `ring` (even-odd rule).
fn inside<P: HasXY>(pt: &P, ring: &[P]) -> bool {
    let (x, y) = (pt.x(), pt.y());
    let mut c = false;
    for w in ring.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if (a.y() > y) != (b.y() > y) && x < (b.x() - a.x()) * (y - a.y()) / (b.y() - a.y()) + a.x()
        {
            c = !c;
        }
    }
    c
}

/// A Shapefile polygon's rings as polygons: each outer ring (clockwise in the file) starts one,
/// each hole joins the outer ring that contains it (else the one before it).
fn polygons<P: HasXY>(rings: &[PolygonRing<P>]) -> GeometryValue {
    let mut outers: Vec<(&[P], Vec<Vec<Position>>)> = Vec::new();
    let mut holes: Vec<&[P]> = Vec::new();
    for r in rings {
        match r {
            PolygonRing::Outer(pts) => {
                outers.push((pts, vec![pts.iter().map(pos).collect()]));
            }
            PolygonRing::Inner(pts) => holes.push(pts),
        }
    }
    for h in holes {
        let ring: Vec<Position> = h.iter().map(pos).collect();
        let owner = h
            .first()
            .and_then(|p| outers.iter().rposition(|(o, _)| inside(p, o)))
            .or(outers.len().checked_sub(1));
        match owner {
            Some(i) => outers[i].1.push(ring),
            // A hole without any outer ring: kept as a polygon, so the ring check reports it.
            None => outers.push((h, vec![ring])),
        }
    }
    let mut polys: Vec<Vec<Vec<Position>>> = outers.into_iter().map(|(_, p)| p).collect();
    if polys.len() == 1 {
        GeometryValue::Polygon {
            coordinates: polys.remove(0),
        }
    } else {
        GeometryValue::MultiPolygon { coordinates: polys }
    }
}

fn lines<P: HasXY>(parts: &[Vec<P>]) -> GeometryValue {
    let mut ls: Vec<Vec<Position>> = parts.iter().map(|p| p.iter().map(pos).collect()).collect();
    if ls.len() == 1 {
        GeometryValue::LineString {
            coordinates: ls.remove(0),
        }
    } else {
        GeometryValue::MultiLineString { coordinates: ls }
    }
}

/// A shape as a GeoJSON geometry value (x, y only; `None` for a null shape).
fn geometry(shape: Shape) -> Option<GeometryValue> {
    let multi = |pts: Vec<Position>| GeometryValue::MultiPoint { coordinates: pts };
    Some(match shape {
        Shape::NullShape => return None,
        Shape::Point(p) => GeometryValue::Point {
            coordinates: pos(&p),
        },
        Shape::PointM(p) => GeometryValue::Point {
            coordinates: pos(&p),
        },
        Shape::PointZ(p) => GeometryValue::Point {
            coordinates: pos(&p),
        },
        Shape::Multipoint(m) => multi(m.points().iter().map(pos).collect()),
        Shape::MultipointM(m) => multi(m.points().iter().map(pos).collect()),
        Shape::MultipointZ(m) => multi(m.points().iter().map(pos).collect()),
        Shape::Polyline(l) => lines(l.parts()),
        Shape::PolylineM(l) => lines(l.parts()),
        Shape::PolylineZ(l) => lines(l.parts()),
        Shape::Polygon(p) => polygons(p.rings()),
        Shape::PolygonM(p) => polygons(p.rings()),
        Shape::PolygonZ(p) => polygons(p.rings()),
        Shape::Multipatch(_) => return None,
    })
}
