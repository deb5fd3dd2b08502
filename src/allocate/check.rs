//! Checks on the enterprises before any land is looked at: weights the exact solver takes, and
//! relocating enterprises passed as probes rather than candidates.

use super::{MAX_WEIGHT, Params, Problem};
use crate::error::{InputError, Place, Problems};
use crate::model::CandidateKind;

/// Refuse priorities whose weights would not be exact in integer units (or would overflow), and
/// relocating enterprises on the wrong side: candidates are placed, probes only get options.
pub(super) fn check_candidates(p: &Problem, params: &Params) -> Result<(), Problems> {
    let fit_max = params.fit.base + params.fit.area + params.fit.cluster;
    let mut problems = Problems::default();
    let candidate_ids: std::collections::HashSet<&str> =
        p.candidates.iter().map(|c| c.id.as_str()).collect();
    for c in p.probes {
        if candidate_ids.contains(c.id.as_str()) {
            problems.push(InputError::new(
                "probes",
                Place::File,
                Some("id"),
                format!("enterprise {}: both a candidate and a probe", c.id),
            ));
        }
        if c.site.is_none() {
            problems.push(InputError::new(
                "probes",
                Place::File,
                Some("lon"),
                format!(
                    "enterprise {}: a relocating enterprise needs its current site (lon, lat) to measure how far its options are",
                    c.id
                ),
            ));
        }
        if c.kind != CandidateKind::Relocating {
            problems.push(InputError::new(
                "probes",
                Place::File,
                Some("kind"),
                format!(
                    "enterprise {}: a probe must be of kind relocating, got {}; pass it as a candidate",
                    c.id,
                    c.kind.as_str()
                ),
            ));
        }
    }
    for c in p.candidates {
        if c.kind == CandidateKind::Relocating {
            problems.push(InputError::new(
                "candidates",
                Place::File,
                Some("kind"),
                format!(
                    "enterprise {}: a relocating enterprise is not admitted to the park, so it cannot be placed; pass it as a probe (Problem::probes) to list its options",
                    c.id
                ),
            ));
        }
    }
    for c in p.candidates.iter().chain(p.probes) {
        if c.priority.is_finite() && c.priority * fit_max > MAX_WEIGHT {
            problems.push(InputError::new(
                "candidates",
                Place::File,
                Some("priority"),
                format!(
                    "enterprise {}: priority {} gives weights up to {} (priority x fit), above the {MAX_WEIGHT} the exact solver takes; scale the priorities down",
                    c.id,
                    c.priority,
                    c.priority * fit_max
                ),
            ));
        }
    }
    problems.into_result(())
}
