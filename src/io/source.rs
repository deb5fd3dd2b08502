//! Map files of any supported format as one list of raw features in WGS84: the format is
//! recognised from the content (and the extension), the coordinate system is resolved from what
//! the file declares and `--crs`, and every position is converted before the features are read
//! as parcels, sensitive areas or context.

use crate::crs::{self, Crs};
use crate::error::{InputError, Place, Problems};
use geojson::{GeometryValue, Position};
use serde_json::{Map, Value};
use std::path::Path;

/// A feature's properties, whatever the format (DBF and GeoPackage columns become JSON values).
pub(crate) type Properties = Map<String, Value>;

/// One feature's raw parts, before the caller interprets its properties.
pub(crate) struct RawFeature {
    /// 0-based position in the file (record of a Shapefile, row of a GeoPackage table).
    pub(crate) index: usize,
    /// The feature's `id` (or `地块编号`, ...) property as text, to name it in messages.
    pub(crate) id: Option<String>,
    pub(crate) properties: Properties,
    pub(crate) geometry: Option<geojson::Geometry>,
}

impl RawFeature {
    /// Where this feature's problems are reported: its position and, when it has one, its id.
    pub(crate) fn place(&self) -> Place {
        Place::Feature {
            index: self.index,
            id: self.id.clone(),
        }
    }
}

/// The map file formats parkplan reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Shapefile,
    GeoPackage,
}

/// How to read map files: the coordinate system given with `--crs` and the GeoPackage layer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapOptions {
    /// The CRS of files that declare none; `gcj02`/`bd09` also apply to files declaring WGS84.
    pub crs: Option<Crs>,
    /// The GeoPackage layer to read (default: the first layer of the right geometry).
    pub layer: Option<String>,
}

/// What a reader wants of a GeoPackage's layers, for choosing the default one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// Polygons (parcels).
    Polygons,
    /// Polygons or points (sensitive areas).
    Areas,
    /// Every layer (context).
    All,
}

/// A map file's features, what it declares about its CRS, and its format.
pub(crate) struct Source {
    pub(crate) features: Vec<RawFeature>,
    /// The CRS the file declares: `None` when it declares none.
    pub(crate) declared: Option<Crs>,
    /// Where the declaration is, for messages ("the .prj", "its crs member").
    pub(crate) declared_in: &'static str,
    /// What reading the file itself found worth saying (a guessed DBF encoding).
    pub(crate) warnings: Vec<crate::error::Warning>,
}

/// The format of a map file from its first bytes and its extension; anything else is named.
pub fn format_of(path: &Path) -> Result<Format, InputError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let mut head = [0u8; 100];
    let n = {
        use std::io::Read;
        let mut f = std::fs::File::open(path)
            .map_err(|e| InputError::file(path, format!("cannot read: {e}")))?;
        let mut n = 0;
        while n < head.len() {
            match f.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) => return Err(InputError::file(path, format!("cannot read: {e}"))),
            }
        }
        n
    };
    let head = &head[..n];
    let text_start = head
        .strip_prefix(&[0xEF, 0xBB, 0xBF])
        .unwrap_or(head)
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .copied();
    let what = |kind: &str, advice: &str| {
        Err(InputError::file(
            path,
            format!(
                "is {kind}, not a map file parkplan reads; {advice}expected GeoJSON (.geojson), a Shapefile (.shp with its .dbf) or a GeoPackage (.gpkg)"
            ),
        ))
    };
    if head.starts_with(b"SQLite format 3\0") {
        // GeoPackage application id "GPKG" (or "GP10"/"GP11" of older versions) at offset 68.
        let app = head.get(68..72);
        return match app {
            Some(b"GPKG") | Some(b"GP10") | Some(b"GP11") => Ok(Format::GeoPackage),
            _ if ext == "gpkg" => Ok(Format::GeoPackage),
            _ => what(
                "a SQLite database that is not a GeoPackage",
                "export the layer with `ogr2ogr out.gpkg in.sqlite`; ",
            ),
        };
    }
    if head.len() >= 4 && head[..4] == [0x00, 0x00, 0x27, 0x0A] {
        return match ext.as_str() {
            "shx" => what(
                "the index (.shx) of a Shapefile",
                "give the .shp beside it; ",
            ),
            _ => Ok(Format::Shapefile),
        };
    }
    if head.starts_with(b"PK\x03\x04") {
        return match ext.as_str() {
            "xlsx" | "xls" => what("an Excel workbook", "for parcels use a map file; "),
            "kmz" => what(
                "a KMZ (Google Earth) archive",
                "convert it with `ogr2ogr out.geojson in.kmz`; ",
            ),
            _ => what(
                "a ZIP archive",
                "unzip it and give the .shp (with its .dbf, .shx, .prj, .cpg beside it) or the .gpkg; ",
            ),
        };
    }
    if head.starts_with(b"%PDF") {
        return what("a PDF document", "");
    }
    if head.starts_with(b"AC10") {
        return what(
            "an AutoCAD drawing (DWG)",
            "export the parcels from CAD as a Shapefile; ",
        );
    }
    if ext == "dbf"
        || (!head.is_empty()
            && matches!(head[0], 0x03 | 0x83 | 0x8B | 0xF5)
            && ext != "geojson"
            && ext != "json")
    {
        return what(
            "the attribute table (.dbf) of a Shapefile",
            "give the .shp beside it; ",
        );
    }
    if ext == "prj" || ext == "cpg" {
        return what(
            &format!("the .{ext} of a Shapefile"),
            "give the .shp beside it; ",
        );
    }
    match text_start {
        None if n == 0 => Ok(Format::GeoJson), // empty: the GeoJSON reader says so
        Some(b'{') | Some(b'[') => Ok(Format::GeoJson),
        Some(b'<') => {
            let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
            if lower.contains("kml") || ext == "kml" {
                what(
                    "a KML file",
                    "convert it with `ogr2ogr out.geojson in.kml`; ",
                )
            } else {
                what(
                    "an XML (GML?) file",
                    "convert it with `ogr2ogr out.geojson in.gml`; ",
                )
            }
        }
        _ if ext == "csv" || ext == "txt" => what("a text table (CSV)", "parcels need polygons; "),
        _ if ext == "dxf" => what(
            "an AutoCAD DXF drawing",
            "export the parcels from CAD as a Shapefile; ",
        ),
        _ => Ok(Format::GeoJson), // the GeoJSON reader reports what is wrong with it
    }
}

/// Read a map file of any supported format.
pub(crate) fn read_source(
    path: &Path,
    opts: &MapOptions,
    want: Want,
    problems: &mut Problems,
) -> Option<Source> {
    let format = match format_of(path) {
        Ok(f) => f,
        Err(e) => {
            problems.push(e);
            return None;
        }
    };
    if opts.layer.is_some() && format != Format::GeoPackage {
        problems.push(InputError::file(
            path,
            "a layer was chosen, but the file is not a GeoPackage: it has one layer",
        ));
        return None;
    }
    match format {
        Format::GeoJson => {
            let text = match crate::io::read_utf8(path) {
                Ok(t) => t,
                Err(e) => {
                    problems.push(e);
                    return None;
                }
            };
            crate::io::geojson::source(path, &text, problems)
        }
        Format::Shapefile => crate::io::shapefile::source(path, problems),
        Format::GeoPackage => crate::io::gpkg::source(path, opts.layer.as_deref(), want, problems),
    }
}

/// The CRS the features are in: the declared one, `--crs`, or none (WGS84 assumed); a conflict
/// between them is an error naming both.
pub(crate) fn resolve_crs(
    path: &Path,
    src: &Source,
    given: Option<&Crs>,
) -> Result<Option<Crs>, InputError> {
    let bad = |m: String| InputError::new(path, Place::File, Some("crs"), m);
    match (src.declared.as_ref(), given) {
        (d, None) => Ok(d.cloned()),
        (None, Some(g)) => Ok(Some(g.clone())),
        (Some(Crs::Geographic(_)), Some(g @ (Crs::Gcj02 | Crs::Bd09))) => Ok(Some(g.clone())),
        (Some(d), Some(g)) if d == g => Ok(Some(g.clone())),
        (Some(d), Some(g)) => Err(bad(format!(
            "{} declares {d}, but --crs gives {g}; leave out --crs, or correct {}",
            src.declared_in, src.declared_in
        ))),
    }
}

/// Every position of a geometry, mutably.
fn for_each_position(g: &mut GeometryValue, f: &mut impl FnMut(&mut Position)) {
    match g {
        GeometryValue::Point { coordinates } => f(coordinates),
        GeometryValue::MultiPoint { coordinates } | GeometryValue::LineString { coordinates } => {
            coordinates.iter_mut().for_each(f)
        }
        GeometryValue::MultiLineString { coordinates } | GeometryValue::Polygon { coordinates } => {
            coordinates.iter_mut().flatten().for_each(f)
        }
        GeometryValue::MultiPolygon { coordinates } => {
            coordinates.iter_mut().flatten().flatten().for_each(f)
        }
        GeometryValue::GeometryCollection { geometries } => {
            for g in geometries {
                for_each_position(&mut g.value, f);
            }
        }
    }
}

/// Convert every position to WGS84 lon/lat. Without a CRS the file is taken as WGS84, and
/// metres in it are one problem for the whole file, with the likely grid ([`crs::projected_hint`]).
pub(crate) fn to_wgs84(path: &Path, src: &mut Source, crs: Option<&Crs>) -> Result<(), InputError> {
    let Some(crs) = crs else {
        let mut first = None;
        for f in &mut src.features {
            if let Some(g) = &mut f.geometry {
                for_each_position(&mut g.value, &mut |p| {
                    let s = p.as_slice();
                    if first.is_none()
                        && s.len() >= 2
                        && s[0].is_finite()
                        && s[1].is_finite()
                        && (s[0].abs() > 1000.0 || s[1].abs() > 1000.0)
                    {
                        first = Some((s[0], s[1]));
                    }
                });
            }
            if first.is_some() {
                break;
            }
        }
        return match first {
            Some((x, y)) => Err(InputError::new(
                path,
                Place::File,
                Some("crs"),
                crs::projected_hint(x, y),
            )),
            None => Ok(()),
        };
    };
    if matches!(crs, Crs::Geographic(_)) {
        return Ok(());
    }
    if !crs.is_geographic() {
        // Degrees under a metre grid would land a few metres off the grid's origin, silently.
        let first = src.features.iter().find_map(|f| {
            let mut at = None;
            if let Some(g) = &f.geometry {
                let mut g = g.value.clone();
                for_each_position(&mut g, &mut |p| {
                    if at.is_none() && p.as_slice().len() >= 2 {
                        at = Some((p.as_slice()[0], p.as_slice()[1]));
                    }
                });
            }
            at
        });
        if let Some((x, y)) = first.filter(|(x, y)| x.abs() <= 180.0 && y.abs() <= 90.0) {
            return Err(InputError::new(
                path,
                Place::File,
                Some("crs"),
                format!(
                    "{} says {crs}, in metres, but coordinates such as [{x}, {y}] are longitude/latitude degrees; correct the declaration (e.g. EPSG:4326 or EPSG:4490) or leave it out",
                    src.declared_in
                ),
            ));
        }
    }
    for f in &mut src.features {
        if let Some(g) = &mut f.geometry {
            for_each_position(&mut g.value, &mut |p| {
                let s = p.as_slice_mut();
                if s.len() >= 2 && s[0].is_finite() && s[1].is_finite() {
                    let (lon, lat) = crs.to_wgs84(s[0], s[1]);
                    s[0] = lon;
                    s[1] = lat;
                }
            });
        }
    }
    Ok(())
}

/// A map file's features in WGS84, the CRS they were in (`None`: none declared or given, WGS84
/// taken) and the file's own warnings.
pub(crate) type Wgs84 = (Vec<RawFeature>, Option<Crs>, Vec<crate::error::Warning>);

/// Read a map file's features in WGS84; every problem collected.
pub(crate) fn read_wgs84(path: &Path, opts: &MapOptions, want: Want) -> Result<Wgs84, Problems> {
    let mut problems = Problems::default();
    let Some(mut src) = read_source(path, opts, want, &mut problems) else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let crs = resolve_crs(path, &src, opts.crs.as_ref()).and_then(|c| {
        to_wgs84(path, &mut src, c.as_ref())?;
        Ok(c)
    });
    match crs {
        Ok(c) => Ok((src.features, c, src.warnings)),
        Err(e) => Err(e.into()),
    }
}
