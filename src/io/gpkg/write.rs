//! Writing a GeoPackage: the required tables (`gpkg_spatial_ref_sys`, `gpkg_contents`,
//! `gpkg_geometry_columns`), one feature table per layer in the output CRS, and QGIS's
//! `layer_styles` table so each layer opens styled. Written to a temporary file and renamed, and
//! with fixed timestamps, so the same plan gives the same bytes.

use super::Style;
use crate::crs::Crs;
use crate::error::{Error, InputError};
use geo::{BoundingRect, MapCoords};
use rusqlite::{Connection, params};
use serde_json::Value;
use std::path::Path;

/// The geometry type a layer declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerGeometry {
    Point,
    LineString,
    MultiLineString,
    MultiPolygon,
    /// Mixed (points and polygons).
    Geometry,
}

impl LayerGeometry {
    fn name(self) -> &'static str {
        match self {
            LayerGeometry::Point => "POINT",
            LayerGeometry::LineString => "LINESTRING",
            LayerGeometry::MultiLineString => "MULTILINESTRING",
            LayerGeometry::MultiPolygon => "MULTIPOLYGON",
            LayerGeometry::Geometry => "GEOMETRY",
        }
    }
}

/// A column's SQLite type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Real,
    Integer,
    Boolean,
}

impl ColumnType {
    fn sql(self) -> &'static str {
        match self {
            ColumnType::Text => "TEXT",
            ColumnType::Real => "REAL",
            ColumnType::Integer => "INTEGER",
            ColumnType::Boolean => "BOOLEAN",
        }
    }
}

/// A feature: its WGS84 geometry and one value per column.
pub type Row = (geo::Geometry<f64>, Vec<Value>);

/// A layer's rows: held, or made by position as they are written.
pub enum Rows<'a> {
    Held(Vec<Row>),
    /// `count` rows, row `k` made by `row(k)`: built on every core and written a block at a
    /// time, so a layer of a million parcels is never held whole.
    Made {
        count: usize,
        row: Box<dyn Fn(usize) -> Row + Sync + 'a>,
    },
}

impl std::fmt::Debug for Rows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rows::Held(rows) => write!(f, "Rows::Held({} rows)", rows.len()),
            Rows::Made { count, .. } => write!(f, "Rows::Made({count} rows)"),
        }
    }
}

/// Rows made and written together by [`Rows::Made`].
const BLOCK: usize = 4096;

/// One feature layer: name, description, geometry type, columns, rows and its QGIS style.
#[derive(Debug)]
pub struct Layer<'a> {
    pub name: String,
    pub description: String,
    pub geometry: LayerGeometry,
    pub columns: Vec<(String, ColumnType)>,
    pub rows: Rows<'a>,
    pub style: Option<Style>,
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn sql_value(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match v {
        Value::Null => V::Null,
        Value::Bool(b) => V::Integer(i64::from(*b)),
        Value::Number(n) => n
            .as_i64()
            .map_or_else(|| V::Real(n.as_f64().unwrap_or(f64::NAN)), V::Integer),
        Value::String(s) => V::Text(s.clone()),
        other => V::Text(other.to_string()),
    }
}

/// Write `layers` to a GeoPackage at `path` in `crs` (its geometry converted from WGS84);
/// `timestamp` (ISO 8601) is recorded as every table's last change, so reruns match.
pub fn write_geopackage(
    path: &Path,
    crs: &Crs,
    layers: &[Layer],
    timestamp: &str,
) -> Result<(), Error> {
    let Some(epsg) = crs.epsg() else {
        return Err(InputError::file(
            path,
            format!("cannot be written in {crs}: a GeoPackage needs a CRS with an EPSG code"),
        )
        .into());
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    crate::io::create_output_dir(dir)?;
    if path.is_dir() {
        return Err(InputError::file(
            path,
            "is a folder; expected the name of the output file to write",
        )
        .into());
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    // Removed by the interrupt handler if the run is stopped while the database is written.
    let _in_flight = crate::io::InFlight::register(&tmp);
    let _ = std::fs::remove_file(&tmp);
    let result = write_all(&tmp, crs, epsg as i64, layers, timestamp)
        .map_err(|e| Error::io(path, std::io::Error::other(e.to_string())))
        .and_then(|_| {
            let _gate = crate::io::creating();
            std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn write_all(tmp: &Path, crs: &Crs, srs: i64, layers: &[Layer], ts: &str) -> rusqlite::Result<()> {
    // The file is made inside the creation gate; with `journal_mode = OFF` SQLite makes no
    // other file beside it.
    let mut db = {
        let _gate = crate::io::creating();
        Connection::open(tmp)?
    };
    db.execute_batch(
        "PRAGMA application_id = 1196444487; PRAGMA user_version = 10200; PRAGMA journal_mode = OFF;
         CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
         CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
         CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME);",
    )?;
    let tx = db.transaction()?;
    let srs_row = "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    tx.execute(
        srs_row,
        params![
            "Undefined cartesian SRS",
            -1,
            "NONE",
            -1,
            "undefined",
            "undefined cartesian coordinate reference system"
        ],
    )?;
    tx.execute(
        srs_row,
        params![
            "Undefined geographic SRS",
            0,
            "NONE",
            0,
            "undefined",
            "undefined geographic coordinate reference system"
        ],
    )?;
    tx.execute(
        srs_row,
        params![
            "WGS 84 geodetic",
            4326,
            "EPSG",
            4326,
            Crs::WGS84.wkt().unwrap_or_default(),
            "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"
        ],
    )?;
    if srs != 4326 {
        tx.execute(
            srs_row,
            params![
                crs.to_string(),
                srs,
                "EPSG",
                srs,
                crs.wkt().unwrap_or_default(),
                ""
            ],
        )?;
    }
    for l in layers {
        write_layer(&tx, crs, srs, l, ts)?;
    }
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', ?1)",
        [ts],
    )?;
    // No VACUUM: one transaction that only inserts leaves no free pages, and rewriting a
    // province's GeoPackage (hundreds of MB) took seconds for nothing.
    tx.commit()?;
    db.close().map_err(|(_, e)| e)
}

fn write_layer(
    tx: &rusqlite::Transaction,
    crs: &Crs,
    srs: i64,
    l: &Layer,
    ts: &str,
) -> rusqlite::Result<()> {
    let cols: Vec<String> = l
        .columns
        .iter()
        .map(|(n, t)| format!("{} {}", quoted(n), t.sql()))
        .collect();
    let mut create = format!(
        "CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {}",
        quoted(&l.name),
        l.geometry.name()
    );
    for c in &cols {
        create.push_str(", ");
        create.push_str(c);
    }
    create.push(')');
    tx.execute(&create, [])?;
    let names: Vec<String> = l.columns.iter().map(|(n, _)| quoted(n)).collect();
    let marks: Vec<String> = (0..=l.columns.len())
        .map(|i| format!("?{}", i + 1))
        .collect();
    let insert = format!(
        "INSERT INTO {} (geom{}{}) VALUES ({})",
        quoted(&l.name),
        if names.is_empty() { "" } else { ", " },
        names.join(", "),
        marks.join(", ")
    );
    let mut st = tx.prepare(&insert)?;
    let mut bounds: Option<geo::Rect<f64>> = None;
    let mut write = |(g, values): &Row| -> rusqlite::Result<()> {
        let projected = g.map_coords(|c| {
            let (x, y) = crs.from_wgs84(c.x, c.y);
            geo::Coord { x, y }
        });
        if let Some(r) = projected.bounding_rect() {
            bounds = crate::frame::extent(bounds.into_iter().chain([r]));
        }
        let mut wkb = Vec::new();
        wkb::writer::write_geometry(&mut wkb, &projected, &Default::default())
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let mut args: Vec<rusqlite::types::Value> =
            vec![rusqlite::types::Value::Blob(super::blob(srs as i32, &wkb))];
        args.extend(values.iter().map(sql_value));
        st.execute(rusqlite::params_from_iter(args))?;
        Ok(())
    };
    match &l.rows {
        Rows::Held(rows) => rows.iter().try_for_each(&mut write)?,
        Rows::Made { count, row } => {
            use rayon::prelude::*;
            for start in (0..*count).step_by(BLOCK) {
                let block: Vec<Row> = (start..(start + BLOCK).min(*count))
                    .into_par_iter()
                    .map(row)
                    .collect();
                block.iter().try_for_each(&mut write)?;
            }
        }
    }
    let b = bounds.map(|r| (r.min().x, r.min().y, r.max().x, r.max().y));
    tx.execute(
        "INSERT INTO gpkg_contents VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            l.name,
            l.description,
            ts,
            b.map(|b| b.0),
            b.map(|b| b.1),
            b.map(|b| b.2),
            b.map(|b| b.3),
            srs
        ],
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
        params![l.name, l.geometry.name(), srs],
    )?;
    if let Some(style) = &l.style {
        tx.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) VALUES ('', '', ?1, 'geom', ?2, ?3, '', 1, ?4, '', '', ?5)",
            params![l.name, style.name, style.qml(), format!("parkplan map colours: {}", l.description), ts],
        )?;
    }
    Ok(())
}
