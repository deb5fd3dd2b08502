//! Coordinate reference systems of the map files planning offices hand out, and conversion of
//! their coordinates to WGS84 longitude/latitude (and back, for `--out-crs`).
//!
//! - **Geographic**: WGS84 (EPSG:4326, CRS84) and CGCS2000 (EPSG:4490). China's CGCS2000 datum
//!   agrees with WGS84 to a few centimetres at park scale, so, as PROJ does (a "ballpark"
//!   null transformation), its longitudes and latitudes are taken as WGS84 ones.
//! - **Gauss–Krüger grids** on the CGCS2000 ellipsoid: the 3-degree zones 25–45 with the zone
//!   number in the false easting (EPSG:4513–4533) and without it (central meridians 75°–135°E,
//!   EPSG:4534–4554), the 6-degree zones 13–23 (EPSG:4491–4501 and 4502–4512), WGS84 UTM zones
//!   (EPSG:326xx/327xx), and any transverse Mercator a WKT definition spells out on either datum.
//!   Converted exactly by the ellipsoidal transverse Mercator of [`crate::frame`] (Krüger's
//!   series), which agrees with PROJ within a millimetre over a whole zone (tests/crs.rs).
//! - **Web-map coordinates** (`--crs gcj02`, `--crs bd09`): GCJ-02 ("Mars coordinates" of Amap
//!   and Tencent maps) and Baidu's BD-09, undone by iterating their published forward formulas to
//!   under a millimetre ([`webmap`]).
//!
//! Xi'an 1980 and Beijing 1954 grids are refused by name: moving them to CGCS2000 takes a datum
//! shift whose parameters the provincial surveying authorities publish (offsets of tens of metres),
//! which parkplan does not have.

mod webmap;
mod wkt;

pub use webmap::{bd09_to_gcj02, gcj02_to_bd09, gcj02_to_wgs84, wgs84_to_gcj02};

use crate::frame::Kruger;
use std::fmt;

/// A geodetic datum parkplan converts without a shift (they agree within centimetres).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Datum {
    Wgs84,
    Cgcs2000,
}

impl Datum {
    /// Semi-major axis (m) and flattening of the datum's ellipsoid.
    fn ellipsoid(self) -> (f64, f64) {
        match self {
            Datum::Wgs84 => (6_378_137.0, 1.0 / 298.257_223_563),
            Datum::Cgcs2000 => (6_378_137.0, 1.0 / 298.257_222_101),
        }
    }
    fn name(self) -> &'static str {
        match self {
            Datum::Wgs84 => "WGS 84",
            Datum::Cgcs2000 => "CGCS2000",
        }
    }
}

/// A transverse Mercator grid (Gauss–Krüger): metres east and north.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub datum: Datum,
    pub central_meridian: f64,
    pub latitude_of_origin: f64,
    pub scale: f64,
    pub false_easting: f64,
    pub false_northing: f64,
}

/// A coordinate reference system parkplan reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Crs {
    /// Longitude/latitude in degrees.
    Geographic(Datum),
    /// A Gauss–Krüger / transverse Mercator grid in metres.
    Projected(Grid),
    /// GCJ-02 longitude/latitude (Amap/Gaode, Tencent): WGS84 with a deliberate offset.
    Gcj02,
    /// BD-09 longitude/latitude (Baidu maps): GCJ-02 with a further offset.
    Bd09,
}

/// What `--crs` and the errors list as supported.
pub const SUPPORTED: &str = "WGS84 (EPSG:4326, CRS84), CGCS2000 (EPSG:4490), CGCS2000 3-degree Gauss-Krüger zones 25-45 (EPSG:4513-4533) and CM 75E-135E (EPSG:4534-4554), CGCS2000 6-degree Gauss-Krüger zones 13-23 (EPSG:4491-4501) and CM 75E-135E (EPSG:4502-4512), WGS84 UTM (EPSG:32601-32660, 32701-32760), a transverse Mercator WKT on the CGCS2000 or WGS84 datum, and with --crs also gcj02 and bd09 (web-map coordinates)";

impl Crs {
    pub const WGS84: Crs = Crs::Geographic(Datum::Wgs84);

    /// A CRS by its EPSG code; an unsupported code is an error naming it and what is supported.
    ///
    /// ```
    /// use parkplan::crs::Crs;
    /// let zone40 = Crs::from_epsg(4528).unwrap();
    /// let (lon, lat) = zone40.to_wgs84(40_500_000.0, 3_095_000.0);
    /// assert!((lon - 120.0).abs() < 1e-9 && (lat - 27.96).abs() < 0.01);
    /// assert!(Crs::from_epsg(2385).unwrap_err().contains("Xi'an 1980"));
    /// ```
    pub fn from_epsg(code: u32) -> Result<Crs, String> {
        let cgcs = |cm: f64, fe: f64| {
            Crs::Projected(Grid {
                datum: Datum::Cgcs2000,
                central_meridian: cm,
                latitude_of_origin: 0.0,
                scale: 1.0,
                false_easting: fe,
                false_northing: 0.0,
            })
        };
        let utm = |zone: u32, south: bool| {
            Crs::Projected(Grid {
                datum: Datum::Wgs84,
                central_meridian: 6.0 * zone as f64 - 183.0,
                latitude_of_origin: 0.0,
                scale: 0.9996,
                false_easting: 500_000.0,
                false_northing: if south { 10_000_000.0 } else { 0.0 },
            })
        };
        Ok(match code {
            4326 => Crs::WGS84,
            4490 => Crs::Geographic(Datum::Cgcs2000),
            4491..=4501 => {
                let zone = (code - 4491 + 13) as f64;
                cgcs(6.0 * zone - 3.0, zone * 1e6 + 500_000.0)
            }
            4502..=4512 => cgcs(75.0 + 6.0 * (code - 4502) as f64, 500_000.0),
            4513..=4533 => {
                let zone = (code - 4513 + 25) as f64;
                cgcs(3.0 * zone, zone * 1e6 + 500_000.0)
            }
            4534..=4554 => cgcs(75.0 + 3.0 * (code - 4534) as f64, 500_000.0),
            32601..=32660 => utm(code - 32600, false),
            32701..=32760 => utm(code - 32700, true),
            _ => return Err(unsupported_code(code)),
        })
    }

    /// A CRS by name as users and files write it: `EPSG:4549`, `urn:ogc:def:crs:EPSG::4549`,
    /// `CRS84`, `wgs84`, `cgcs2000`, `gcj02`, `bd09`, or a WKT definition.
    ///
    /// ```
    /// use parkplan::crs::Crs;
    /// assert_eq!(Crs::parse("urn:ogc:def:crs:OGC:1.3:CRS84").unwrap(), Crs::WGS84);
    /// assert_eq!(Crs::parse("EPSG:4549").unwrap().epsg(), Some(4549));
    /// assert_eq!(Crs::parse("GCJ-02").unwrap(), Crs::Gcj02);
    /// assert!(Crs::parse("EPSG:3857").unwrap_err().contains("EPSG:4549"));
    /// ```
    pub fn parse(text: &str) -> Result<Crs, String> {
        let t = text.trim();
        if wkt::looks_like_wkt(t) {
            return wkt::parse(t);
        }
        let lower = t.to_ascii_lowercase().replace(['-', '_', ' '], "");
        match lower.as_str() {
            "wgs84"
            | "crs84"
            | "ogc:crs84"
            | "urn:ogc:def:crs:ogc:1.3:crs84"
            | "urn:ogc:def:crs:ogc::crs84"
            | "epsg:4326" => return Ok(Crs::WGS84),
            "cgcs2000" => return Ok(Crs::Geographic(Datum::Cgcs2000)),
            "gcj02" | "gcj" | "mars" | "amap" | "gaode" => return Ok(Crs::Gcj02),
            "bd09" | "bd09ll" | "baidu" => return Ok(Crs::Bd09),
            _ => {}
        }
        // EPSG:4549, epsg::4549, urn:ogc:def:crs:EPSG::4549, urn:ogc:def:crs:EPSG:9.8:4549, 4549
        let code = lower
            .rsplit(':')
            .next()
            .filter(|_| lower.contains("epsg") || lower.chars().all(|c| c.is_ascii_digit()))
            .and_then(|c| c.parse::<u32>().ok());
        match code {
            Some(c) => Crs::from_epsg(c),
            None => Err(format!(
                "unknown coordinate reference system {t:?}; supported: {SUPPORTED}"
            )),
        }
    }

    /// The CRS a WKT definition describes (.prj files, GeoPackage `definition` columns).
    pub fn from_wkt(text: &str) -> Result<Crs, String> {
        wkt::parse(text)
    }

    /// The EPSG code of this CRS, when it has one.
    pub fn epsg(&self) -> Option<u32> {
        match self {
            Crs::Geographic(Datum::Wgs84) => Some(4326),
            Crs::Geographic(Datum::Cgcs2000) => Some(4490),
            Crs::Projected(g) => g.epsg(),
            Crs::Gcj02 | Crs::Bd09 => None,
        }
    }

    /// Whether coordinates are degrees (geographic or web-map) rather than metres.
    pub fn is_geographic(&self) -> bool {
        !matches!(self, Crs::Projected(_))
    }

    /// A position in this CRS as WGS84 longitude/latitude.
    pub fn to_wgs84(&self, x: f64, y: f64) -> (f64, f64) {
        match self {
            Crs::Geographic(_) => (x, y),
            Crs::Projected(g) => g.inverse(x, y),
            Crs::Gcj02 => gcj02_to_wgs84(x, y),
            Crs::Bd09 => {
                let (lon, lat) = bd09_to_gcj02(x, y);
                gcj02_to_wgs84(lon, lat)
            }
        }
    }

    /// A WGS84 longitude/latitude as a position in this CRS.
    pub fn from_wgs84(&self, lon: f64, lat: f64) -> (f64, f64) {
        match self {
            Crs::Geographic(_) => (lon, lat),
            Crs::Projected(g) => g.forward(lon, lat),
            Crs::Gcj02 => wgs84_to_gcj02(lon, lat),
            Crs::Bd09 => {
                let (x, y) = wgs84_to_gcj02(lon, lat);
                gcj02_to_bd09(x, y)
            }
        }
    }

    /// The WKT (OGC WKT 1, as GDAL writes it) of a CRS with an EPSG code, for GeoPackages.
    pub fn wkt(&self) -> Option<String> {
        wkt::write(self)
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crs::Geographic(Datum::Wgs84) => f.write_str("WGS 84 (EPSG:4326)"),
            Crs::Geographic(Datum::Cgcs2000) => {
                f.write_str("China Geodetic Coordinate System 2000 (EPSG:4490)")
            }
            Crs::Projected(g) => f.write_str(&g.name()),
            Crs::Gcj02 => f.write_str("GCJ-02 (web-map coordinates)"),
            Crs::Bd09 => f.write_str("BD-09 (Baidu map coordinates)"),
        }
    }
}

impl Grid {
    fn series(&self) -> Kruger {
        let (a, f) = self.datum.ellipsoid();
        Kruger::new(a, f)
    }

    /// Grid metres to WGS84 degrees.
    pub fn inverse(&self, x: f64, y: f64) -> (f64, f64) {
        let s = self.series();
        let y0 = self.origin_northing(&s);
        let (lam, phi) = s.inverse(
            (x - self.false_easting) / self.scale,
            (y - self.false_northing) / self.scale + y0,
        );
        (self.central_meridian + lam.to_degrees(), phi.to_degrees())
    }

    /// WGS84 degrees to grid metres.
    pub fn forward(&self, lon: f64, lat: f64) -> (f64, f64) {
        let s = self.series();
        let y0 = self.origin_northing(&s);
        let (x, y) = s.forward((lon - self.central_meridian).to_radians(), lat.to_radians());
        (
            self.scale * x + self.false_easting,
            self.scale * (y - y0) + self.false_northing,
        )
    }

    fn origin_northing(&self, s: &Kruger) -> f64 {
        if self.latitude_of_origin == 0.0 {
            0.0
        } else {
            s.forward(0.0, self.latitude_of_origin.to_radians()).1
        }
    }

    /// The EPSG code of a grid with standard parameters (3-degree zones before 6-degree ones,
    /// which describe the same grid where their central meridians coincide).
    pub fn epsg(&self) -> Option<u32> {
        let cm = self.central_meridian;
        let whole = |v: f64| v.fract() == 0.0;
        if self.latitude_of_origin != 0.0 || !whole(cm) {
            return None;
        }
        match self.datum {
            Datum::Cgcs2000 if self.scale == 1.0 && self.false_northing == 0.0 => {
                let fe = self.false_easting;
                if fe == 500_000.0 && (75.0..=135.0).contains(&cm) {
                    if (cm - 75.0) % 3.0 == 0.0 {
                        return Some(4534 + ((cm - 75.0) / 3.0) as u32);
                    }
                    return None;
                }
                let zone = ((fe - 500_000.0) / 1e6).round();
                if fe != zone * 1e6 + 500_000.0 {
                    return None;
                }
                if (25.0..=45.0).contains(&zone) && cm == 3.0 * zone {
                    Some(4513 + (zone - 25.0) as u32)
                } else if (13.0..=23.0).contains(&zone) && cm == 6.0 * zone - 3.0 {
                    Some(4491 + (zone - 13.0) as u32)
                } else {
                    None
                }
            }
            Datum::Wgs84
                if self.scale == 0.9996
                    && self.false_easting == 500_000.0
                    && (cm + 183.0) % 6.0 == 0.0 =>
            {
                let zone = ((cm + 183.0) / 6.0) as u32;
                match self.false_northing {
                    0.0 => Some(32600 + zone),
                    10_000_000.0 => Some(32700 + zone),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// "CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549)", or the parameters spelled out.
    pub fn name(&self) -> String {
        match self.epsg() {
            Some(code @ 4534..=4554) => format!(
                "CGCS2000 / 3-degree Gauss-Kruger CM {}E (EPSG:{code})",
                self.central_meridian
            ),
            Some(code @ 4513..=4533) => format!(
                "CGCS2000 / 3-degree Gauss-Kruger zone {} (EPSG:{code})",
                code - 4513 + 25
            ),
            Some(code @ 4502..=4512) => format!(
                "CGCS2000 / Gauss-Kruger CM {}E (EPSG:{code})",
                self.central_meridian
            ),
            Some(code @ 4491..=4501) => format!(
                "CGCS2000 / Gauss-Kruger zone {} (EPSG:{code})",
                code - 4491 + 13
            ),
            Some(code @ 32601..=32660) => {
                format!("WGS 84 / UTM zone {}N (EPSG:{code})", code - 32600)
            }
            Some(code) => format!("WGS 84 / UTM zone {}S (EPSG:{code})", code - 32700),
            None => format!(
                "{} / transverse Mercator (central meridian {}, scale {}, false easting {}, false northing {}, latitude of origin {})",
                self.datum.name(),
                self.central_meridian,
                self.scale,
                self.false_easting,
                self.false_northing,
                self.latitude_of_origin
            ),
        }
    }
}

/// Why a code is refused: the Xi'an 1980 and Beijing 1954 families by name, others as unknown.
fn unsupported_code(code: u32) -> String {
    let family = match code {
        4610 | 2327..=2390 => Some("Xi'an 1980"),
        4214 | 2401..=2442 | 21413..=21423 | 21453..=21463 | 21473..=21483 => Some("Beijing 1954"),
        4555 => Some("New Beijing"),
        3857 | 900913 => {
            return format!(
                "EPSG:{code} (Web Mercator) is not supported: export the data in WGS84 lon/lat (EPSG:4326) or a CGCS2000 Gauss-Krüger grid such as EPSG:4549; supported: {SUPPORTED}"
            );
        }
        _ => None,
    };
    match family {
        Some(f) => datum_shift_refusal(&format!("EPSG:{code} ({f})"), f),
        None => format!("EPSG:{code} is not supported; supported: {SUPPORTED}"),
    }
}

/// The refusal of a datum that needs a shift parkplan does not have.
fn datum_shift_refusal(what: &str, datum: &str) -> String {
    format!(
        "{what} is not supported: a {datum} grid differs from CGCS2000 by tens of metres, and the datum shift needs the 7-parameter (or grid) transformation the provincial surveying authority publishes; reproject the file to CGCS2000 (e.g. EPSG:4549) with those parameters first; supported: {SUPPORTED}"
    )
}

/// The one message for a file whose coordinates are metres but that declares no CRS: which
/// grid the first such position (`x` easting, `y` northing) most likely is in.
///
/// ```
/// let hint = parkplan::crs::projected_hint(40_512_345.0, 3_094_000.0);
/// assert!(hint.contains("EPSG:4528"), "{hint}");
/// ```
pub fn projected_hint(x: f64, y: f64) -> String {
    let at = format!("[{x}, {y}]");
    let zone = (x / 1e6).floor();
    let lat = y / 110_900.0;
    let near = if (0.0..=60.0).contains(&lat) {
        format!(" (the northing puts it near {lat:.1}°N)")
    } else {
        String::new()
    };
    let advice = if (25.0..=45.0).contains(&zone) {
        let z = zone as u32;
        format!(
            "eastings such as {x} carry the zone number {z} of the CGCS2000 3-degree Gauss-Krüger grid (central meridian {}°E){near}: most likely EPSG:{}; give it with --crs EPSG:{}",
            3 * z,
            4513 + z - 25,
            4513 + z - 25
        )
    } else if (13.0..=23.0).contains(&zone) {
        let z = zone as u32;
        format!(
            "eastings such as {x} carry the zone number {z} of the CGCS2000 6-degree Gauss-Krüger grid (central meridian {}°E): EPSG:{}, given with --crs EPSG:{}; if it is Web Mercator (EPSG:3857), parkplan does not read it: export WGS84 lon/lat",
            6 * z - 3,
            4491 + z - 13,
            4491 + z - 13
        )
    } else if (100_000.0..900_000.0).contains(&x) {
        format!(
            "eastings of 100,000-900,000 m are a Gauss-Krüger grid without the zone number{near}, whose central meridian the numbers do not tell: for Wenzhou (120.0-121.5°E) the CGCS2000 grid is EPSG:4549 (CM 120°E); give it with --crs"
        )
    } else {
        "give the file's CRS with --crs".to_string()
    };
    format!(
        "coordinates such as {at} are projected metres, not WGS84 lon/lat, and the file declares no coordinate system; {advice} (supported: {SUPPORTED})"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_code_round_trips_through_its_grid() {
        for code in (4491..=4554).chain([32651, 32750]) {
            let crs = Crs::from_epsg(code).unwrap();
            // A 6-degree CM grid is named by the 3-degree grid of the same meridian: the same grid.
            let named = crs.epsg().unwrap();
            assert_eq!(Crs::from_epsg(named).unwrap(), crs, "{code} as {named}");
            let Crs::Projected(g) = &crs else { panic!() };
            let (x, y) = g.forward(g.central_meridian + 0.7, 27.96);
            let (lon, lat) = g.inverse(x, y);
            assert!((lon - g.central_meridian - 0.7).abs() < 1e-10 && (lat - 27.96).abs() < 1e-10);
        }
    }

    #[test]
    fn refusals_name_the_datum() {
        assert!(
            Crs::from_epsg(2385)
                .unwrap_err()
                .starts_with("EPSG:2385 (Xi'an 1980)")
        );
        assert!(Crs::from_epsg(21460).unwrap_err().contains("Beijing 1954"));
        assert!(
            Crs::parse("EPSG:9999")
                .unwrap_err()
                .contains("supported: WGS84")
        );
        assert!(
            Crs::parse("Lambert")
                .unwrap_err()
                .starts_with("unknown coordinate")
        );
    }
}
