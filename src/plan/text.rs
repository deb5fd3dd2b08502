//! One-line summaries of each stage, as the command line prints them (progress on stderr,
//! `allocate`'s summary on stdout). Library text, so every command words a stage the same way.

use super::{Admission, Outcome};
use crate::rank::{Action, Class};
use crate::scenario::{Scenario, Summary};
use chrono::NaiveDate;
use std::fmt::Write as _;

/// A number with fixed decimals; `inf` for the unbounded burden.
pub(crate) fn num(x: f64, decimals: usize) -> String {
    if x.is_infinite() {
        "inf".into()
    } else {
        format!("{x:.decimals$}")
    }
}

/// "300 parcels (12020.1 mu), 11 sensitive areas, 230 enterprises".
pub fn validated(s: &Scenario, summary: &Summary) -> String {
    let n: usize = summary.enterprises.values().sum();
    format!(
        "{} parcels ({:.1} mu), {} sensitive areas, {n} enterprises",
        summary.parcels,
        summary.area_mu,
        s.park.sensitive.len()
    )
}

/// "80 applicants on 2026-11-26: 34 admit, 12 conditional, 34 reject".
pub fn screened(a: &Admission, date: NaiveDate) -> String {
    let (admit, conditional, reject) = a.screen.counts();
    format!(
        "{} applicants on {date}: {admit} admit, {conditional} conditional, {reject} reject",
        a.roles.applicants.len()
    )
}

/// "150 urban enterprises: 29 A, 89 B, 22 C, 8 D, 2 not rated, 1 listed apart, 2 exempt;
/// 5 relocate, 8 convert".
pub fn ranked(a: &Admission) -> String {
    let r = &a.ranking;
    let count = |c: Class| r.class_counts.get(&c).copied().unwrap_or(0);
    let acts = |x: Action| r.action_counts.get(&x).copied().unwrap_or(0);
    format!(
        "{} urban enterprises: {} A, {} B, {} C, {} D, {} not rated, {} listed apart, {} exempt; {} relocate, {} convert",
        a.roles.urban.len(),
        count(Class::A),
        count(Class::B),
        count(Class::C),
        count(Class::D),
        r.not_rated,
        r.listed_apart,
        r.exempt,
        acts(Action::Relocate),
        acts(Action::Convert)
    )
}

/// "52 of 54 candidates placed, 2 unplaced; optimal (gap 0.000000)".
pub fn allocated(o: &Outcome) -> String {
    let a = &o.allocation;
    format!(
        "{} of {} candidates placed, {} unplaced; {} (gap {})",
        a.assignments.len(),
        o.admission.candidates.len(),
        a.unplaced.len(),
        a.status,
        num(a.gap, 6)
    )
}

/// The lines `allocate` prints on stderr before its summary: candidates left out, relocating
/// enterprises that cannot be probed, and converting or relocating enterprises with no option.
pub fn allocation_notes(o: &Outcome) -> Vec<String> {
    let a = &o.admission;
    let mut out: Vec<String> = a
        .excluded
        .iter()
        .map(|e| format!("not a candidate: {}: {}", e.id, e.reason))
        .collect();
    out.extend(
        a.relocating_excluded
            .iter()
            .map(|e| format!("relocating: {}: {}", e.id, e.reason)),
    );
    out.extend(o.allocation.without_options.iter().map(|x| {
        format!(
            "no relocation option: {} {} ({}): {}",
            x.enterprise_id, x.name, x.action, x.message
        )
    }));
    out
}

/// `allocate`'s summary on stdout: mode, status, counts, the unplaced, the options.
pub fn allocation_summary(o: &Outcome, out_dir: &std::path::Path) -> String {
    let a = &o.allocation;
    let mut s = String::new();
    let _ = writeln!(s, "mode       {} ({})", a.mode.as_str(), a.method);
    let _ = writeln!(
        s,
        "status     {}: objective {:.6}, bound {:.6}, gap {:.6}",
        a.status, a.objective, a.bound, a.gap
    );
    let _ = writeln!(
        s,
        "assigned   {} of {} enterprises to {} parcels ({} feasible pairs)",
        a.assignments.len(),
        o.admission.candidates.len(),
        o.scenario.park.parcels.len(),
        a.feasible.len()
    );
    for u in &a.unplaced {
        let _ = writeln!(
            s,
            "unplaced   {} {}: {}",
            u.enterprise_id, u.name, u.message
        );
    }
    let with_options = |action: Action| {
        let mut ids: Vec<&str> = a
            .options
            .iter()
            .filter(|x| x.action == action)
            .map(|x| x.enterprise_id.as_str())
            .collect();
        ids.dedup();
        ids.len()
    };
    let _ = writeln!(
        s,
        "options    {} rows: {} converting and {} of {} relocating enterprises have a feasible parcel",
        a.options.len(),
        with_options(Action::Convert),
        with_options(Action::Relocate),
        o.admission.relocating.len()
    );
    let _ = writeln!(s, "wrote      {}", out_dir.display());
    s
}
