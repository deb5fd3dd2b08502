//! The other plan's files: the base scenario's, with the rule file, the registries or the
//! parcels that `plan --compare`, `--compare-enterprises` and `--compare-parcels` name.

use crate::error::Problems;
use crate::scenario::{Scenario, ScenarioFiles};
use std::path::PathBuf;

/// What the other plan replaces in the base scenario.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Replace {
    /// Another rule file (`--compare`).
    pub rules: Option<PathBuf>,
    /// Registries that replace the base's registries of their role (`--compare-enterprises`):
    /// an applicants file replaces the applicant registries, an urban one the urban ones.
    pub enterprises: Vec<PathBuf>,
    /// Another parcels file (`--compare-parcels`).
    pub parcels: Option<PathBuf>,
}

impl Replace {
    /// Whether anything is replaced: without it there is nothing to compare.
    pub fn is_empty(&self) -> bool {
        self.rules.is_none() && self.enterprises.is_empty() && self.parcels.is_none()
    }
    /// Every file it names, to keep the outputs from replacing any of them.
    pub fn inputs(&self) -> Vec<&std::path::Path> {
        self.rules
            .iter()
            .chain(&self.enterprises)
            .chain(&self.parcels)
            .map(PathBuf::as_path)
            .collect()
    }
}

/// The other plan's files. Each replacing registry is read first to tell its role (a bad one
/// is refused with its located errors, as a base registry is).
pub fn other_files(base: &Scenario, r: &Replace) -> Result<ScenarioFiles, Problems> {
    let mut files = base.files.clone();
    if let Some(rules) = &r.rules {
        files.rules = rules.clone();
    }
    if let Some(parcels) = &r.parcels {
        files.parcels = parcels.clone();
    }
    if !r.enterprises.is_empty() {
        let mut problems = Problems::default();
        let mut roles = Vec::new();
        for path in &r.enterprises {
            match crate::io::enterprises::load_enterprises_with(path, &files.read) {
                Ok(reg) => roles.push(super::super::admission::is_urban(&reg)),
                Err(p) => problems.extend(p),
            }
        }
        problems.into_result(())?;
        let kept = base
            .registries
            .iter()
            .filter(|(_, reg)| !roles.contains(&super::super::admission::is_urban(reg)))
            .map(|(p, _)| p.clone());
        files.enterprises = kept.chain(r.enterprises.iter().cloned()).collect();
    }
    Ok(files)
}
