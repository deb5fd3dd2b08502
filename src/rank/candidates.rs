//! Urban enterprises for the allocation stage: converting ones as park applicants, relocating
//! ones as probes that only list the parcels they could move to.

use super::{Action, Ranking};
use crate::model::{Candidate, CandidateKind, Enterprise, PollutionClass};
use crate::rules::RuleSet;
use std::collections::HashMap;

/// Converting enterprises as park applicants for the allocation stage.
///
/// Each requests its `requested_mu`, else its current `land_mu`; it is placed under the rule
/// file's target pollution class; its priority is `priority_base + priority_per_point x score`,
/// which `RankingRules::check` keeps below `certified_priority_floor`, so converting enterprises
/// rank below every certified applicant. Ordered as the ranking (best score first).
pub fn conversion_candidates(
    ranking: &Ranking,
    registry: &[Enterprise],
    rules: &RuleSet,
) -> Vec<Candidate> {
    // The loaders refuse PollutionClass values they do not know; a loaded [ranking] section always
    // has a target (check requires it). Light is the SPEC default for rule sets built in code.
    let target = rules
        .ranking
        .conversion
        .target_pollution_class
        .as_ref()
        .map_or(PollutionClass::Light, |v| v.value);
    urban_candidates(ranking, registry, Action::Convert)
        .map(|(e, score)| urban_candidate(e, score, rules, target, CandidateKind::Converting))
        .collect()
}

/// Relocating enterprises (action `relocate`) as allocation *probes*: not admitted to the park
/// (they never enter the matching), but the allocation lists the parcels they could move to.
///
/// Each requests its `requested_mu`, else its current `land_mu`, under its own reported pollution
/// class (a heavy polluter finds no land class it may use: that is the answer the planner needs).
/// Its priority uses the converting formula, `priority_base + priority_per_point x score`, so its
/// option weights are on the same scale as a converting enterprise's. One without a site (lon,
/// lat) or without a pollution class cannot be probed; it is returned with the reason. Ordered as
/// the ranking.
pub fn relocation_probes(
    ranking: &Ranking,
    registry: &[Enterprise],
    rules: &RuleSet,
) -> (Vec<Candidate>, Vec<crate::screen::Excluded>) {
    let mut probes = Vec::new();
    let mut left_out = Vec::new();
    for (e, score) in urban_candidates(ranking, registry, Action::Relocate) {
        let missing = match (e.site(), e.pollution_class) {
            (None, _) => "no current site (lon, lat)",
            (_, None) => {
                "no pollution_class reported, so neither land class nor buffers can be checked"
            }
            (Some(_), Some(class)) => {
                probes.push(urban_candidate(
                    e,
                    score,
                    rules,
                    class,
                    CandidateKind::Relocating,
                ));
                continue;
            }
        };
        left_out.push(crate::screen::Excluded {
            id: e.id.clone(),
            reason: format!("relocation options not computed: {missing}"),
        });
    }
    (probes, left_out)
}

/// The rated urban enterprises whose action is `action`, with their scores, in rank order.
fn urban_candidates<'a>(
    ranking: &'a Ranking,
    registry: &'a [Enterprise],
    action: Action,
) -> impl Iterator<Item = (&'a Enterprise, f64)> + 'a {
    let by_id: HashMap<&str, &Enterprise> = registry.iter().map(|e| (e.id.as_str(), e)).collect();
    ranking.in_rank_order().filter_map(move |ev| {
        let r = ev.rated()?;
        if r.action != action {
            return None;
        }
        let e = match registry.get(ev.index) {
            Some(e) if e.id == ev.id => e,
            _ => by_id.get(ev.id.as_str())?,
        };
        Some((e, r.score))
    })
}

/// An urban enterprise as an allocation candidate: its request, cluster and priority.
fn urban_candidate(
    e: &Enterprise,
    score: f64,
    rules: &RuleSet,
    pollution_class: PollutionClass,
    kind: CandidateKind,
) -> Candidate {
    let conv = &rules.ranking.conversion;
    Candidate::from_enterprise(
        e,
        rules.clusters.cluster_for(e.industry_code.as_ref()),
        kind,
        pollution_class,
        e.requested_mu.or(e.land_mu),
        conv.priority_base.value + conv.priority_per_point.value * score,
    )
}
