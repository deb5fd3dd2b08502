//! Reading and writing files: the only place the library touches the file system.
//!
//! Each `load_*(path)` reads the file and hands its text to a `read_*(name, text)` that does the
//! parsing and validation, so tests and callers with data in memory skip the disk.

pub mod cell;
pub mod enterprises;
pub mod fields;
pub mod geojson;
pub mod gpkg;
pub mod shapefile;
pub mod source;
mod staging;
pub mod tables;
pub mod text;
pub mod workbook;
pub mod xlsx;

pub use source::{Format, MapOptions, format_of};
pub use staging::Staging;

use crate::error::{Error, InputError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Read a file as UTF-8 text (a BOM is dropped). Any other encoding is an error that says how to
/// convert; GBK, Excel's default for Chinese text, is named when the bytes look like it, and a
/// workbook, an archive or an image is named for what it is.
pub fn read_utf8(path: &Path) -> Result<String, InputError> {
    decode_utf8(path, text::read_bytes(path)?)
}

/// Text of `bytes`, which must be UTF-8 (with or without BOM).
pub fn decode_utf8(path: &Path, bytes: Vec<u8>) -> Result<String, InputError> {
    let bytes = match String::from_utf8(bytes) {
        Ok(s) if !s.contains('\0') => {
            return Ok(match s.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => s,
            });
        }
        Ok(s) => s.into_bytes(),
        Err(e) => e.into_bytes(),
    };
    use text::{Content, Encoding};
    let hint = match text::sniff(bytes) {
        Content::Text(t) if t.encoding == Encoding::Gb18030 => {
            "the file is not UTF-8 but looks like GBK (Excel's default for Chinese); save it as \"CSV UTF-8\" or convert it with `iconv -f GBK -t UTF-8 in.csv > out.csv`".to_string()
        }
        Content::Text(t) => format!(
            "the file is {} text, not UTF-8; save it as UTF-8 or convert it with `iconv -f UTF-16 -t UTF-8`",
            t.encoding.name()
        ),
        Content::Workbook(..) => "is a workbook; expected UTF-8 text".to_string(),
        Content::Binary(what) => format!("is {what}; expected UTF-8 text"),
    };
    Err(InputError::file(path, hint))
}

/// Write `path` through a temporary file in the same folder and rename it into place, so a
/// failure never leaves a half-written output.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    check_output_file(path)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    // Registered before anything is made, and made only inside the creation gate: an interrupt
    // either removes what was made or finds nothing yet, never a folder made behind its back.
    let _in_flight = InFlight::register(&tmp);
    let file = {
        let _gate = creating();
        create_output_dir(&dir)?;
        // A leftover of this name (a crash, or something planted) is removed, never followed:
        // `create_new` refuses to open through a link.
        let _ = std::fs::remove_file(&tmp);
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
    };
    let result = file.and_then(|file| {
        let mut buf = std::io::BufWriter::new(file);
        write(&mut buf)?;
        buf.flush()?;
        buf.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        let _gate = creating();
        std::fs::rename(&tmp, path)
    });
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(output_error(path, "cannot write the output file", e));
    }
    Ok(())
}

/// An output path must be a new path or a regular file: a folder, a symbolic link, a FIFO, a
/// socket or a device would be replaced by the rename (as root, `--out /dev/null` would replace
/// the device with a file).
pub fn check_output_file(path: &Path) -> Result<(), InputError> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(()); // a new path
    };
    let t = meta.file_type();
    let what = if t.is_file() {
        return Ok(());
    } else if t.is_dir() {
        "is a folder; expected the name of the output file to write"
    } else if t.is_symlink() {
        "is a symbolic link; expected a regular file or a new path (the link would be replaced, not followed)"
    } else {
        "is not a regular file (a FIFO, socket or device); expected a regular file or a new path"
    };
    Err(InputError::file(path, what))
}

/// Temporary files and staging folders being written: removed when the run is interrupted
/// ([`remove_in_flight`]), so an interrupted run leaves nothing half-written behind.
static IN_FLIGHT: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A path registered in [`IN_FLIGHT`] while it is being written; unregistered when dropped.
pub(crate) struct InFlight(PathBuf);

impl InFlight {
    pub(crate) fn register(path: &Path) -> InFlight {
        if let Ok(mut v) = IN_FLIGHT.lock() {
            v.push(path.to_path_buf());
        }
        InFlight(path.to_path_buf())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Ok(mut v) = IN_FLIGHT.lock()
            && let Some(i) = v.iter().rposition(|p| *p == self.0)
        {
            v.remove(i);
        }
    }
}

/// Held (shared) by a writer while it creates or moves a file or folder of [`IN_FLIGHT`], and
/// taken exclusively by [`remove_in_flight`], so the clean-up never races a writer thread that
/// is making a staging folder or a temporary file at that moment.
static GATE: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// The creation gate ([`GATE`]) for one create or move; held briefly, never while writing data.
pub(crate) fn creating() -> std::sync::RwLockReadGuard<'static, ()> {
    GATE.read().unwrap_or_else(|e| e.into_inner())
}

/// Remove every temporary file and staging folder still being written. The command line calls
/// it from its SIGINT/SIGTERM handler before exiting.
pub fn remove_in_flight() {
    // Neither lock is ever released: the caller exits next, and until then no writer can create
    // or move a file or folder again.
    std::mem::forget(GATE.write().unwrap_or_else(|e| e.into_inner()));
    let Ok(mut guard) = IN_FLIGHT.lock() else {
        return;
    };
    let paths = std::mem::take(&mut *guard);
    std::mem::forget(guard);
    for p in paths {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.is_dir() => {
                let _ = std::fs::remove_dir_all(&p);
            }
            Ok(_) => {
                let _ = std::fs::remove_file(&p);
            }
            Err(_) => {}
        }
    }
}

/// Refuse an output path that is one of the run's input files: the atomic rename would replace
/// the input with the output (`screen --enterprises a.csv --out a.csv`).
pub fn check_not_input(out: &Path, inputs: &[&Path]) -> Result<(), InputError> {
    let Ok(out_real) = out.canonicalize() else {
        return Ok(()); // does not exist yet, so it is no input
    };
    match inputs
        .iter()
        .find(|i| i.canonicalize().is_ok_and(|r| r == out_real))
    {
        Some(i) => Err(InputError::file(
            out,
            format!(
                "is also an input of this run ({}); expected a different output path, so the input is not overwritten",
                i.display()
            ),
        )),
        None => Ok(()),
    }
}

/// Create an output folder and its parents; a file in the way is bad input (exit 2).
pub fn create_output_dir(dir: &Path) -> Result<(), Error> {
    if dir.exists() && !dir.is_dir() {
        return Err(InputError::file(dir, "is a file; expected a folder for the outputs").into());
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| output_error(dir, "cannot create the output folder", e))
}

/// An output location the user named that cannot take the output (under a file, a folder in the
/// way, no permission, a read-only disk) is bad input (exit 2); anything else stays an I/O
/// failure (exit 1), such as a full disk.
fn output_error(path: &Path, what: &str, e: std::io::Error) -> Error {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotADirectory | IsADirectory | AlreadyExists | PermissionDenied | ReadOnlyFilesystem
        | NotFound | InvalidFilename => InputError::file(
            path,
            format!("{what}: {e}; expected a path whose folders can be created and written"),
        )
        .into(),
        _ => Error::io(path, e),
    }
}

/// Where the bundled Lingkun scenario lives: the crate's own folder (set at build time), or
/// `PARKPLAN_HOME` when the binary runs elsewhere.
/// Relative to the working folder when that is the crate's folder, so messages and outputs read
/// `parcels/lingkun.geojson` rather than a machine-specific absolute path.
pub fn bundled_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("PARKPLAN_HOME") {
        return PathBuf::from(home);
    }
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let here = std::env::current_dir().and_then(|d| d.canonicalize()).ok();
    if here.is_some() && here == crate_dir.canonicalize().ok() {
        PathBuf::new()
    } else {
        crate_dir
    }
}

/// A path as shown in outputs: relative to the bundled scenario's folder when it is inside it,
/// so outputs do not depend on where the project is checked out.
pub fn shown_path(p: &Path) -> String {
    let home = bundled_dir();
    p.strip_prefix(&home).unwrap_or(p).display().to_string()
}

/// The bundled scenario's files.
pub mod bundled {
    use std::path::PathBuf;
    fn at(rel: &str) -> PathBuf {
        super::bundled_dir().join(rel)
    }
    pub fn parcels() -> PathBuf {
        at("parcels/lingkun.geojson")
    }
    pub fn sensitive() -> PathBuf {
        at("parcels/lingkun-sensitive.geojson")
    }
    /// The synthetic context layer of the bundled scenario (island outline, estuary, districts).
    pub fn context() -> PathBuf {
        at("parcels/lingkun-context.geojson")
    }
    pub fn applicants() -> PathBuf {
        at("registries/applicants.csv")
    }
    pub fn urban() -> PathBuf {
        at("registries/urban.csv")
    }
    pub fn rules() -> PathBuf {
        at("rules/lingkun.toml")
    }
}

/// Parcels, the warnings of loading them, and the CRS their file was in.
pub type LoadedParcels = (
    Vec<crate::model::Parcel>,
    Vec<crate::Warning>,
    Option<crate::crs::Crs>,
);

/// Parcels from a map file of any supported format (GeoJSON, Shapefile, GeoPackage), in WGS84,
/// with the CRS the file was in (`None`: none declared or given, taken as WGS84).
pub fn load_parcels(path: &Path, opts: &MapOptions) -> Result<LoadedParcels, crate::Problems> {
    let (features, crs, mut warnings) = source::read_wgs84(path, opts, source::Want::Polygons)?;
    let (parcels, w) = geojson::parcels::parcels_from(path, features, Default::default())?;
    warnings.extend(w);
    Ok((parcels, warnings, crs))
}

/// Sensitive areas from a map file of any supported format, in WGS84; `kinds` are the kinds
/// the rule set has buffers for.
pub fn load_sensitive(
    path: &Path,
    kinds: &std::collections::BTreeSet<String>,
    opts: &MapOptions,
) -> Result<(Vec<crate::model::SensitiveArea>, Vec<crate::Warning>), crate::Problems> {
    let (features, _, mut warnings) = source::read_wgs84(path, opts, source::Want::Areas)?;
    let (areas, w) = geojson::sensitive::sensitive_from(path, features, Default::default(), kinds)?;
    warnings.extend(w);
    Ok((areas, warnings))
}

/// A context layer from a map file of any supported format (a GeoPackage: every layer, unless
/// one is chosen), in WGS84.
pub fn load_context(
    path: &Path,
    opts: &MapOptions,
) -> Result<(crate::model::ContextLayer, Vec<crate::Warning>), crate::Problems> {
    let (features, _, mut warnings) = source::read_wgs84(path, opts, source::Want::All)?;
    let (layer, w) = geojson::context::context_from(path, features, Default::default())?;
    warnings.extend(w);
    Ok((layer, warnings))
}
