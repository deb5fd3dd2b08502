//! Reading a GeoPackage's feature layers: the layer chosen with `--layer`, else the first layer
//! of the wanted geometry (every layer for context), its CRS from `gpkg_spatial_ref_sys`, and
//! each row's columns as properties.

use crate::crs::Crs;
use crate::error::{InputError, Place, Problems};
use crate::io::source::{Properties, RawFeature, Source, Want};
use geo_traits::to_geo::ToGeoGeometry;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use std::path::Path;

/// One feature layer of the file.
struct LayerInfo {
    table: String,
    column: String,
    geometry_type: String,
    srs_id: i64,
}

impl LayerInfo {
    fn polygons(&self) -> bool {
        matches!(
            self.geometry_type.as_str(),
            "POLYGON" | "MULTIPOLYGON" | "CURVEPOLYGON" | "MULTISURFACE"
        )
    }
    fn points(&self) -> bool {
        matches!(self.geometry_type.as_str(), "POINT" | "MULTIPOINT")
    }
    fn shown(&self) -> String {
        format!("{} ({})", self.table, self.geometry_type.to_lowercase())
    }
}

fn layers(db: &Connection) -> rusqlite::Result<Vec<LayerInfo>> {
    let mut st = db.prepare(
        "SELECT c.table_name, g.column_name, upper(g.geometry_type_name), g.srs_id
         FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
         WHERE c.data_type = 'features' ORDER BY c.rowid",
    )?;
    let rows = st.query_map([], |r| {
        Ok(LayerInfo {
            table: r.get(0)?,
            column: r.get(1)?,
            geometry_type: r.get(2)?,
            srs_id: r.get(3)?,
        })
    })?;
    rows.collect()
}

/// The layers to read: the chosen one, or by what the reader wants.
fn choose<'a>(
    all: &'a [LayerInfo],
    layer: Option<&str>,
    want: Want,
) -> Result<Vec<&'a LayerInfo>, String> {
    let list = || {
        all.iter()
            .map(LayerInfo::shown)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if all.is_empty() {
        return Err("has no feature layer".into());
    }
    if let Some(name) = layer {
        return all
            .iter()
            .find(|l| l.table.eq_ignore_ascii_case(name))
            .map(|l| vec![l])
            .ok_or_else(|| format!("has no layer {name:?}; its layers: {}", list()));
    }
    let pick = |f: &dyn Fn(&LayerInfo) -> bool| all.iter().find(|l| f(l));
    let chosen = match want {
        Want::All => return Ok(all.iter().collect()),
        Want::Polygons => {
            pick(&|l| l.polygons()).or_else(|| pick(&|l| l.geometry_type == "GEOMETRY"))
        }
        Want::Areas => pick(&|l| l.polygons() || l.points() || l.geometry_type == "GEOMETRY"),
    };
    chosen.map(|l| vec![l]).ok_or_else(|| {
        format!(
            "has no polygon layer; its layers: {}; choose one with --layer",
            list()
        )
    })
}

/// The CRS of an `srs_id`: by its organisation's code, else its WKT definition; `None` for
/// the undefined systems 0 and -1.
fn crs_of(db: &Connection, srs_id: i64) -> Result<Option<Crs>, String> {
    if srs_id == 0 || srs_id == -1 {
        return Ok(None);
    }
    let row: Option<(String, i64, String)> = db
        .query_row(
            "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .ok();
    let Some((org, code, definition)) = row else {
        return Err(format!(
            "the layer's srs_id {srs_id} is not in gpkg_spatial_ref_sys"
        ));
    };
    if org.eq_ignore_ascii_case("EPSG") {
        return Crs::from_epsg(code as u32).map(Some);
    }
    Crs::from_wkt(&definition).map(Some)
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// The features of the chosen layer(s) and their declared CRS.
pub(crate) fn source(
    path: &Path,
    layer: Option<&str>,
    want: Want,
    problems: &mut Problems,
) -> Option<Source> {
    let fail = |problems: &mut Problems, m: String| {
        problems.push(InputError::file(path, m));
        None
    };
    let db = match open(path) {
        Ok(db) => db,
        Err(e) => return fail(problems, format!("cannot open the GeoPackage: {e}")),
    };
    let all = match layers(&db) {
        Ok(l) => l,
        Err(e) => {
            return fail(
                problems,
                format!("not a readable GeoPackage (gpkg_contents, gpkg_geometry_columns): {e}"),
            );
        }
    };
    let chosen = match choose(&all, layer, want) {
        Ok(c) => c,
        Err(e) => return fail(problems, e),
    };
    let mut declared = None;
    let mut features = Vec::new();
    for l in chosen {
        match crs_of(&db, l.srs_id) {
            Ok(c) if features.is_empty() || c == declared => declared = c,
            Ok(c) => {
                return fail(
                    problems,
                    format!(
                        "its layers are in different coordinate systems ({} and {}): choose one with --layer",
                        declared.map_or("none".into(), |d| d.to_string()),
                        c.map_or("none".into(), |d| d.to_string())
                    ),
                );
            }
            Err(e) => {
                problems.push(InputError::new(
                    path,
                    Place::File,
                    Some("crs"),
                    format!("layer {}: {e}", l.table),
                ));
                return None;
            }
        }
        if let Err(e) = read_layer(&db, l, &mut features) {
            return fail(problems, format!("layer {}: cannot read: {e}", l.table));
        }
    }
    Some(Source {
        features,
        declared,
        declared_in: "the layer's gpkg_spatial_ref_sys entry",
        warnings: Vec::new(),
    })
}

/// Every row of a layer as a feature (the primary key and geometry columns left out).
fn read_layer(db: &Connection, l: &LayerInfo, out: &mut Vec<RawFeature>) -> rusqlite::Result<()> {
    let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut info = db.prepare(&format!("PRAGMA table_info({})", quoted(&l.table)))?;
    let columns: Vec<(String, String, bool)> = info
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(5)? > 0,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let props: Vec<&(String, String, bool)> = columns
        .iter()
        .filter(|(name, _, pk)| !pk && !name.eq_ignore_ascii_case(&l.column))
        .collect();
    let select: Vec<String> = std::iter::once(quoted(&l.column))
        .chain(props.iter().map(|(n, _, _)| quoted(n)))
        .collect();
    let mut st = db.prepare(&format!(
        "SELECT {} FROM {}",
        select.join(", "),
        quoted(&l.table)
    ))?;
    let mut rows = st.query([])?;
    while let Some(row) = rows.next()? {
        let index = out.len();
        let mut properties = Properties::new();
        for (k, (name, decl, _)) in props.iter().enumerate() {
            let v = match row.get_ref(k + 1)? {
                ValueRef::Null | ValueRef::Blob(_) => Value::Null,
                ValueRef::Integer(i) if decl.eq_ignore_ascii_case("BOOLEAN") => Value::Bool(i != 0),
                ValueRef::Integer(i) => Value::from(i),
                ValueRef::Real(f) => {
                    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
                }
                ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
            };
            properties.insert(name.clone(), v);
        }
        let geometry = match row.get_ref(0)? {
            ValueRef::Blob(b) => geometry(b),
            _ => None,
        };
        out.push(RawFeature {
            index,
            id: crate::io::geojson::feature_id(&properties),
            properties,
            geometry,
        });
    }
    Ok(())
}

/// A geometry blob as GeoJSON geometry (`None` when empty or unreadable: reported as missing).
fn geometry(blob: &[u8]) -> Option<geojson::Geometry> {
    let wkb = super::wkb_of(blob).ok()??;
    let g = wkb::reader::read_wkb(wkb).ok()?.try_to_geometry()?;
    Some(geojson::Geometry::from(&g))
}
