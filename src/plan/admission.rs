//! Who enters the allocation: split the scenario's registries by role, screen the applicants,
//! rank the urban enterprises, and gather the allocation's candidates (admitted and conditional
//! applicants, then converting urban enterprises) and the relocation probes (urban enterprises to
//! relocate: options only, never placed). This is the one place that decides who is a
//! candidate; [`super::Plan`] runs it for `plan` and `allocate` alike.

use crate::error::{InputError, Place, Problems};
use crate::model::{Candidate, Enterprise};
use crate::rank::{self, Ranking};
use crate::scenario::Scenario;
use crate::screen::{self, Excluded, ScreenReport};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The scenario's enterprises by role.
#[derive(Debug, Clone, Default)]
pub struct Roles {
    /// Park applicants: screened for admission.
    pub applicants: Vec<Enterprise>,
    /// Urban enterprises: ranked by per-mu benefit for rectification or relocation.
    pub urban: Vec<Enterprise>,
}

/// A registry whose every row has a current site (lon, lat) is an urban registry; one whose
/// rows have none holds park applicants (applicants have no site yet: they are asking for one).
/// A registry where only some rows have a site is refused: its role cannot be told, and
/// guessing would screen urban enterprises as applicants or leave applicants unscreened.
pub fn split_registries(s: &Scenario) -> Result<Roles, Problems> {
    let mut roles = Roles::default();
    let mut problems = Problems::default();
    for (path, r) in &s.registries {
        let (with, without): (Vec<&Enterprise>, Vec<&Enterprise>) =
            r.enterprises.iter().partition(|e| e.site().is_some());
        if !with.is_empty() && !without.is_empty() {
            let lines: Vec<String> = without
                .iter()
                .take(10)
                .map(|e| e.line.to_string())
                .collect();
            let more = if without.len() > 10 { ", ..." } else { "" };
            problems.push(InputError::new(
                path,
                Place::Line(without[0].line),
                Some("lon"),
                format!(
                    "{} of {} rows have no current site (lon, lat), on lines {}{more}: expected a site on every row of an urban registry and on none of an applicants file",
                    without.len(),
                    r.enterprises.len(),
                    lines.join(", ")
                ),
            ));
            continue;
        }
        let dest = if without.is_empty() && !with.is_empty() {
            &mut roles.urban
        } else {
            &mut roles.applicants
        };
        dest.extend(r.enterprises.iter().cloned());
    }
    problems.into_result(roles)
}

/// What the admission stages hand to the allocation.
#[derive(Debug, Clone)]
pub struct Admission {
    /// The candidates came from a candidates file (`allocate --candidates`), not from screening
    /// and ranking: `screen` and `ranking` are then empty.
    pub given: bool,
    pub roles: Roles,
    pub screen: ScreenReport,
    pub ranking: Ranking,
    /// Admitted and conditional applicants, then converting urban enterprises.
    pub candidates: Vec<Candidate>,
    /// Admitted or conditional applicants that cannot be candidates, with the reason.
    pub excluded: Vec<Excluded>,
    /// Planned floor-area ratio by enterprise id, for parcels with a `max_far`.
    pub planned_far: BTreeMap<String, f64>,
    /// Urban enterprises to relocate, as probes (`allocate::Problem::probes`): the allocation
    /// lists their feasible parcels but never places them.
    pub relocating: Vec<Candidate>,
    /// Urban enterprises to relocate that cannot be probed (no site or no pollution class).
    pub relocating_excluded: Vec<Excluded>,
}

/// Screen, rank and gather candidates on the evaluation `date`.
pub fn admit(s: &Scenario, date: NaiveDate) -> Result<Admission, Problems> {
    let roles = split_registries(s)?;
    let report = screen::screen(&roles.applicants, &s.rules, date);
    let (mut candidates, excluded) =
        screen::candidates_checked(&report, &roles.applicants, &s.rules);
    let ranking = rank::rank(&roles.urban, &s.rules);
    candidates.extend(rank::conversion_candidates(
        &ranking,
        &roles.urban,
        &s.rules,
    ));
    let (relocating, relocating_excluded) =
        rank::relocation_probes(&ranking, &roles.urban, &s.rules);
    let planned_far = roles
        .applicants
        .iter()
        .chain(&roles.urban)
        .filter_map(|e| Some((e.id.clone(), e.planned_far?)))
        .collect();
    Ok(Admission {
        given: false,
        roles,
        screen: report,
        ranking,
        candidates,
        excluded,
        planned_far,
        relocating,
        relocating_excluded,
    })
}

/// Candidates, probes and planned FARs given directly (a candidates file) instead of screened
/// and ranked from registries.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub candidates: Vec<Candidate>,
    /// Relocating enterprises: options only, never placed.
    pub probes: Vec<Candidate>,
    pub planned_far: BTreeMap<String, f64>,
}

/// The admission of given candidates: nothing is screened or ranked.
pub fn given(s: &Scenario, date: NaiveDate, g: Given) -> Admission {
    Admission {
        given: true,
        roles: Roles::default(),
        screen: screen::screen(&[], &s.rules, date),
        ranking: rank::rank(&[], &s.rules),
        candidates: g.candidates,
        excluded: Vec::new(),
        planned_far: g.planned_far,
        relocating: g.probes,
        relocating_excluded: Vec::new(),
    }
}
