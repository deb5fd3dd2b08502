//! A staging folder for a run with several outputs: every file is written into a hidden folder
//! inside the output folder and moved into place only when all of them are written, so a failed
//! or interrupted run leaves the previous outputs as they were.

use super::{InFlight, creating, output_error};
use crate::error::Error;
use std::path::{Path, PathBuf};

/// A hidden `.parkplan-staging-PID` folder inside the output folder (the same file system, so
/// the final moves are renames). Removed when dropped without [`Staging::commit`], and by the
/// interrupt handler ([`super::remove_in_flight`]).
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    _in_flight: InFlight,
}

impl Staging {
    /// Make the staging folder inside `out` (which must exist). A leftover of the same name (a
    /// crashed run of the same process id) is removed first.
    pub fn new(out: &Path) -> Result<Staging, Error> {
        let dir = out.join(format!(".parkplan-staging-{}", std::process::id()));
        let in_flight = InFlight::register(&dir);
        {
            let _gate = creating();
            if std::fs::symlink_metadata(&dir).is_ok() {
                let _ = std::fs::remove_dir_all(&dir).or_else(|_| std::fs::remove_file(&dir));
            }
            std::fs::create_dir(&dir)
                .map_err(|e| output_error(&dir, "cannot create the staging folder", e))?;
        }
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            _in_flight: in_flight,
        })
    }

    /// Where the run writes its files.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Move every staged file of `names` into the output folder, replacing the previous ones,
    /// then remove the staging folder. The interrupt handler waits for the moves (they hold the
    /// creation gate), so an interrupt never leaves a folder mixing two runs.
    pub fn commit<'a>(self, names: impl IntoIterator<Item = &'a str>) -> Result<(), Error> {
        let result = {
            let _gate = creating();
            let mut result = Ok(());
            for name in names {
                let from = self.dir.join(name);
                if std::fs::symlink_metadata(&from).is_err() {
                    continue; // not written by this run (an optional output)
                }
                let to = self.out.join(name);
                if let Err(e) = std::fs::rename(&from, &to) {
                    result = Err(output_error(&to, "cannot move the output into place", e));
                    break;
                }
            }
            result
        };
        // `self` drops here: the staging folder (now empty, or holding what was not moved) goes.
        result
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
