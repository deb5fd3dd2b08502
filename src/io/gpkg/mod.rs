//! GeoPackages (OGC 12-128r18), through SQLite built into the binary (rusqlite's `bundled`
//! feature, so nothing is needed from the system): feature layers read as parcels, sensitive
//! areas or context ([`read`]), and written with QGIS styles ([`write`]).

mod qml;
mod read;
mod write;

pub use qml::{Category, Rgba, Style, Symbol};
pub(crate) use read::source;
pub use write::{ColumnType, Layer, LayerGeometry, Row, Rows, write_geopackage};

/// The GeoPackage geometry blob of a WKB geometry: the `GP` header (version 0, little-endian,
/// no envelope) then the WKB, as the standard's section 2.1.3 lays it out.
pub(crate) fn blob(srs_id: i32, wkb: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + wkb.len());
    out.extend_from_slice(b"GP");
    out.push(0); // version 1
    out.push(0b0000_0001); // little-endian header, no envelope, not empty, standard
    out.extend_from_slice(&srs_id.to_le_bytes());
    out.extend_from_slice(wkb);
    out
}

/// The WKB inside a GeoPackage geometry blob; `Err` says why it is not one.
pub(crate) fn wkb_of(blob: &[u8]) -> Result<Option<&[u8]>, String> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err("not a GeoPackage geometry (no GP header)".into());
    }
    let flags = blob[3];
    if flags & 0b0001_0000 != 0 {
        return Ok(None); // an empty geometry
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        e => return Err(format!("unknown envelope code {e}")),
    };
    blob.get(8 + envelope..)
        .map(Some)
        .ok_or_else(|| "the geometry blob is cut short".into())
}
