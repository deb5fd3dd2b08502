//! What a file's bytes are: text in one of the encodings Excel saves (UTF-8 with or without a
//! byte-order mark, UTF-16 with one, GBK/GB18030 from a Chinese Windows), a workbook, or some
//! other binary (a zip, a Shapefile, an image) that is named for what it is.
//!
//! ```
//! use parkplan::io::text::{Content, sniff};
//! let (bytes, _, _) = encoding_rs::GBK.encode("id,name\nE1,温州甲科技\n");
//! match sniff(bytes.into_owned()) {
//!     Content::Text(t) => assert_eq!(t.encoding, parkplan::io::text::Encoding::Gb18030),
//!     other => panic!("{other:?}"),
//! }
//! assert!(matches!(sniff(b"\x89PNG\r\n\x1a\n....".to_vec()), Content::Binary(_)));
//! ```

use crate::error::{InputError, Warning};
use std::path::Path;

/// The text encodings Excel writes for CSV and "Unicode text".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// UTF-8 that starts with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// UTF-16 little-endian with a byte-order mark (Excel's "Unicode text" on Windows).
    Utf16Le,
    Utf16Be,
    /// GBK or its superset GB18030: Excel's "CSV" on a Chinese Windows.
    Gb18030,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16 LE",
            Encoding::Utf16Be => "UTF-16 BE",
            Encoding::Gb18030 => "GBK (GB18030)",
        }
    }
}

/// Decoded text and the encoding it was in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    pub encoding: Encoding,
}

/// The kind of workbook a file holds, from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkbookKind {
    /// Office Open XML: `.xlsx`, `.xlsm`.
    Xlsx,
    /// Excel binary workbook, `.xlsb`.
    Xlsb,
    /// Excel 97-2003, `.xls` (an OLE2 compound file).
    Xls,
    /// OpenDocument spreadsheet, `.ods`.
    Ods,
}

/// What a file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Text(Text),
    /// A workbook, with the file's bytes to read it from.
    Workbook(WorkbookKind, Vec<u8>),
    /// Not a table: what it is, and what to do instead.
    Binary(String),
}

/// Decide what `bytes` hold: a workbook by its signature, text in an encoding Excel writes, or
/// a binary file named for what it is (never "not UTF-8" for a zip or an image). UTF-8 text
/// takes the bytes over without a copy.
pub fn sniff(bytes: Vec<u8>) -> Content {
    match by_signature(&bytes) {
        Some(Signature::Workbook(kind)) => Content::Workbook(kind, bytes),
        Some(Signature::Binary(what)) => Content::Binary(what),
        None => decode(bytes),
    }
}

/// What a file's first bytes say it is.
enum Signature {
    Workbook(WorkbookKind),
    Binary(String),
}

/// Files recognised by their first bytes.
fn by_signature(b: &[u8]) -> Option<Signature> {
    let binary = |what: &str| Some(Signature::Binary(what.to_string()));
    if b.starts_with(b"PK\x03\x04") || b.starts_with(b"PK\x05\x06") {
        return Some(zip_content(b));
    }
    if b.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(Signature::Workbook(WorkbookKind::Xls));
    }
    if b.starts_with(b"\x89PNG") {
        return binary("a PNG image, not a table");
    }
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return binary("a JPEG image, not a table");
    }
    if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        return binary("a GIF image, not a table");
    }
    if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        return binary("a TIFF image, not a table");
    }
    if b.starts_with(b"%PDF") {
        return binary(
            "a PDF document, not a table: export the table from its source as CSV or .xlsx",
        );
    }
    if b.starts_with(&[0x00, 0x00, 0x27, 0x0A]) {
        return binary(
            "an ESRI Shapefile (.shp/.shx), not a table: an enterprise registry is a CSV or a workbook; map layers are GeoJSON",
        );
    }
    if b.starts_with(b"SQLite format 3\0") {
        return binary("an SQLite database (a GeoPackage?), not a table");
    }
    if b.starts_with(&[0x1F, 0x8B]) {
        return binary("a gzip archive: unpack it first");
    }
    if b.starts_with(b"Rar!") || b.starts_with(&[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C]) {
        return binary("a RAR or 7z archive: unpack it first");
    }
    let head = String::from_utf8_lossy(&b[..b.len().min(512)]).to_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<html")
        || head.starts_with("<!doctype html")
        || head.starts_with("<table")
        || (head.starts_with("<?xml") && head.contains("urn:schemas-microsoft-com:office"))
    {
        return binary(
            "an HTML or XML page (some systems export tables this way and name them .xls), not a workbook: open it in Excel and save it as .xlsx or \"CSV UTF-8\"",
        );
    }
    None
}

/// A zip archive: a workbook when it has a workbook's parts, else named with what it holds.
fn zip_content(b: &[u8]) -> Signature {
    let Ok(archive) = zip::ZipArchive::new(std::io::Cursor::new(b)) else {
        return Signature::Binary("a damaged zip archive (or a damaged workbook)".into());
    };
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    if has("xl/workbook.xml") {
        return Signature::Workbook(WorkbookKind::Xlsx);
    }
    if has("xl/workbook.bin") {
        return Signature::Workbook(WorkbookKind::Xlsb);
    }
    if has("content.xml") && has("mimetype") {
        return Signature::Workbook(WorkbookKind::Ods);
    }
    if has("word/document.xml") {
        return Signature::Binary(
            "a Word document, not a table: copy the table into Excel and save it as .xlsx".into(),
        );
    }
    let mut listed: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| !n.ends_with('/'))
        .collect();
    listed.sort_unstable();
    let more = listed.len().saturating_sub(5);
    let mut shown = listed
        .iter()
        .take(5)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if more > 0 {
        shown.push_str(&format!(" and {more} more"));
    }
    let shapefile = listed.iter().any(|n| n.to_lowercase().ends_with(".shp"));
    let hint = if shapefile {
        "it holds a Shapefile; an enterprise registry is a CSV or a workbook"
    } else {
        "unpack it and give the CSV or workbook inside"
    };
    Signature::Binary(format!(
        "a zip archive, not a table ({hint}; it holds {})",
        if shown.is_empty() { "nothing" } else { &shown }
    ))
}

/// Text in one of the encodings Excel writes, or a binary named as such.
fn decode(mut bytes: Vec<u8>) -> Content {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
        return match String::from_utf8(bytes) {
            Ok(t) => text(t, Encoding::Utf8Bom),
            Err(e) => Content::Binary(format!(
                "starts with a UTF-8 byte-order mark but is not UTF-8 (invalid bytes at offset {}): save it again as \"CSV UTF-8\"",
                e.utf8_error().valid_up_to() + 3
            )),
        };
    }
    let b = bytes.as_slice();
    for (bom, enc, kind) in [
        ([0xFF, 0xFE], encoding_rs::UTF_16LE, Encoding::Utf16Le),
        ([0xFE, 0xFF], encoding_rs::UTF_16BE, Encoding::Utf16Be),
    ] {
        if let Some(rest) = b.strip_prefix(&bom) {
            return match enc.decode_without_bom_handling_and_without_replacement(rest) {
                Some(t) => text(t.into_owned(), kind),
                None => Content::Binary(format!(
                    "starts with a {} byte-order mark but is not valid {}",
                    kind.name(),
                    kind.name()
                )),
            };
        }
    }
    // Text has no NUL bytes; UTF-16 without its mark and binaries have them from the start.
    if b[..b.len().min(1 << 16)].contains(&0) {
        return Content::Binary(binary_text(b));
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(t) => return text(t, Encoding::Utf8),
        Err(e) => e.into_bytes(),
    };
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(&bytes) {
        Some(t) => text(t.into_owned(), Encoding::Gb18030),
        None => Content::Binary(
            "neither UTF-8, UTF-16 nor GBK text: save it as \"CSV UTF-8\" or convert it with `iconv -f <encoding> -t UTF-8`".into(),
        ),
    }
}

fn text(text: String, encoding: Encoding) -> Content {
    Content::Text(Text { text, encoding })
}

/// What a file with NUL bytes is: UTF-16 without its byte-order mark, or some binary.
fn binary_text(b: &[u8]) -> String {
    let head = &b[..b.len().min(4096)];
    let zeros_at = |odd: bool| {
        head.iter()
            .enumerate()
            .filter(|(i, c)| **c == 0 && (i % 2 == 1) == odd)
            .count()
    };
    let half = head.len() / 2;
    if half > 0 && (zeros_at(true) * 3 > half || zeros_at(false) * 3 > half) {
        "looks like UTF-16 text without a byte-order mark: save it again from Excel as \"CSV UTF-8\" (or as \"Unicode text\", which has the mark)".into()
    } else {
        "a binary file, not a table (expected a CSV or a workbook: .xlsx, .xlsm, .xls, .ods)".into()
    }
}

/// Read a file as text for a table (CSV): any encoding of [`Encoding`], a warning naming it
/// when it is not UTF-8. A workbook or a binary is an error that says what the file is.
pub fn read_table_text(path: &Path) -> Result<(String, Option<Warning>), InputError> {
    match sniff(read_bytes(path)?) {
        Content::Text(t) => {
            let warning = decoded_warning(path, t.encoding);
            Ok((t.text, warning))
        }
        Content::Workbook(..) => Err(InputError::file(
            path,
            "is a workbook, where a CSV is expected here: save the sheet as \"CSV UTF-8\"",
        )),
        Content::Binary(what) => Err(InputError::file(path, format!("is {what}"))),
    }
}

/// The warning for text that was not UTF-8, naming its encoding.
pub fn decoded_warning(path: &Path, encoding: Encoding) -> Option<Warning> {
    match encoding {
        Encoding::Utf8 | Encoding::Utf8Bom => None,
        e => Some(Warning(InputError::file(
            path,
            format!(
                "read as {} text (not UTF-8); it loads as is, and \"CSV UTF-8\" avoids any doubt about the encoding",
                e.name()
            ),
        ))),
    }
}

/// A file's bytes; failing to read it names the file and the reason.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, InputError> {
    if path.is_dir() {
        return Err(InputError::file(path, "is a folder; expected a file"));
    }
    std::fs::read(path).map_err(|e| InputError::file(path, format!("cannot read: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoding(b: &[u8]) -> Encoding {
        match sniff(b.to_vec()) {
            Content::Text(t) => {
                assert!(t.text.starts_with("id,名称"), "{:?}", t.text);
                t.encoding
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_excel_encoding_is_decoded() {
        let s = "id,名称\nE1,温州甲科技\n";
        assert_eq!(encoding(s.as_bytes()), Encoding::Utf8);
        assert_eq!(
            encoding(&[b"\xEF\xBB\xBF".as_slice(), s.as_bytes()].concat()),
            Encoding::Utf8Bom
        );
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(s.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(encoding(&le), Encoding::Utf16Le);
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(s.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(encoding(&be), Encoding::Utf16Be);
        let (gbk, _, _) = encoding_rs::GBK.encode(s);
        assert_eq!(encoding(&gbk), Encoding::Gb18030);
    }

    #[test]
    fn binaries_are_named() {
        let no_bom: Vec<u8> = "id,name\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        for (bytes, what) in [
            (b"\x89PNG\r\n\x1a\n\0\0".to_vec(), "PNG image"),
            (vec![0, 0, 0x27, 0x0A, 0, 0, 0, 0], "Shapefile"),
            (b"<html><table><tr><td>1</td></tr></table>".to_vec(), "HTML"),
            (no_bom, "UTF-16 text without a byte-order mark"),
            (
                (0..64u8)
                    .map(|i| if i % 31 == 5 { 0 } else { 0x80 | i })
                    .collect(),
                "binary file",
            ),
        ] {
            match sniff(bytes) {
                Content::Binary(w) => assert!(w.contains(what), "{w}"),
                other => panic!("{what}: {other:?}"),
            }
        }
    }
}
