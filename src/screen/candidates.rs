//! Allocation candidates: the admitted and conditional applicants handed to the allocation
//! stage, and those that cannot be placed, with the reason.

use super::{Decision, ScreenReport};
use crate::model::{Candidate, CandidateKind, Enterprise};
use crate::rules::RuleSet;
use serde::Serialize;

/// An admitted or conditional applicant that cannot be placed, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    pub id: String,
    pub reason: String,
}

/// Admitted and conditional applicants as allocation candidates (priority = score), plus those
/// left out: a missing pollution class is assumed per `[admission.candidates]
/// missing_pollution_class`, or the applicant is excluded with that reason (the default).
pub fn candidates_checked(
    report: &ScreenReport,
    registry: &[Enterprise],
    rules: &RuleSet,
) -> (Vec<Candidate>, Vec<Excluded>) {
    let mut out = Vec::new();
    let mut excluded = Vec::new();
    for r in &report.rows {
        let kind = match r.decision {
            Decision::Admit => CandidateKind::Admitted,
            Decision::Conditional => CandidateKind::Conditional,
            Decision::Reject => continue,
        };
        let Some(e) = registry
            .get(r.index)
            .filter(|e| e.id == r.id)
            .or_else(|| registry.iter().find(|e| e.id == r.id))
        else {
            excluded.push(Excluded {
                id: r.id.clone(),
                reason: "not in the registry given".into(),
            });
            continue;
        };
        let Some(pollution_class) = e
            .pollution_class
            .or(rules.admission.candidates.assumed_class())
        else {
            excluded.push(Excluded {
                id: r.id.clone(),
                reason: "pollution class not reported: cannot choose land class or buffers".into(),
            });
            continue;
        };
        out.push(Candidate::from_enterprise(
            e,
            rules.clusters.cluster_for(e.industry_code.as_ref()),
            kind,
            pollution_class,
            e.requested_mu,
            r.score.unwrap_or(0.0),
        ));
    }
    (out, excluded)
}

/// Admitted and conditional applicants as allocation candidates; see [`candidates_checked`]
/// for the ones left out.
pub fn candidates(
    report: &ScreenReport,
    registry: &[Enterprise],
    rules: &RuleSet,
) -> Vec<Candidate> {
    candidates_checked(report, registry, rules).0
}
