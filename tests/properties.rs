//! Properties users rely on, over generated registries: raising a value that a `>=` criterion
//! tests never turns that criterion's pass into a fail (nor worsens the decision), and the
//! ranking does not depend on the order of the rows.

mod common;

use parkplan::model::Enterprise;
use parkplan::rank::rank;
use parkplan::screen::{Decision, Status, trace};
use parkplan::synthetic::{RowKind, registry_chunk};
use proptest::prelude::*;

fn date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// The numerators the bundled criteria hold to a `>=` threshold: raising one can only help.
const RAISED: [&str; 7] = [
    "rd_expense",
    "hightech_revenue",
    "rd_staff",
    "ip_count",
    "catalogue_products",
    "planned_investment",
    "planned_far",
];

/// `e` with column `name` raised by `by` (an empty cell becomes `by`).
fn raised(e: &Enterprise, name: &str, by: f64) -> Enterprise {
    let mut e = e.clone();
    let field = match name {
        "rd_expense" => &mut e.rd_expense_10k_yuan,
        "hightech_revenue" => &mut e.hightech_revenue_10k_yuan,
        "rd_staff" => &mut e.rd_staff,
        "ip_count" => &mut e.ip_count,
        "catalogue_products" => &mut e.catalogue_products,
        "planned_investment" => &mut e.planned_investment_10k_yuan,
        _ => &mut e.planned_far,
    };
    *field = Some(field.unwrap_or(0.0) + by);
    e
}

/// How good a decision is, best highest.
fn rank_of(d: Decision) -> u8 {
    match d {
        Decision::Admit => 2,
        Decision::Conditional => 1,
        Decision::Reject => 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Screening is monotone in the values its `>=` criteria test.
    #[test]
    fn raising_a_tested_value_never_turns_a_pass_into_a_fail(
        seed in 0u64..1000,
        pick in 0usize..40,
        column in 0usize..RAISED.len(),
        by in 0.0f64..5000.0,
    ) {
        let rules = common::rules();
        let ents = registry_chunk(RowKind::Applicants, 40, seed, 0);
        let e = &ents[pick % ents.len()];
        let before = trace(e, &rules, date());
        let after = trace(&raised(e, RAISED[column], by), &rules, date());
        for (b, a) in before.criteria.iter().zip(&after.criteria) {
            prop_assert!(
                !(b.status == Status::Pass && a.status != Status::Pass),
                "{}: {} raised by {by}: {} pass -> {:?}",
                e.id, RAISED[column], b.id, a.status
            );
        }
        prop_assert!(rank_of(after.decision) >= rank_of(before.decision));
    }

    /// The ranking is the same whatever the order of the rows: every enterprise keeps its
    /// score, class, action, rank and relocation rank.
    #[test]
    fn ranking_does_not_depend_on_row_order(seed in 0u64..1000, rotate in 0usize..60) {
        let rules = common::rules();
        let ents = registry_chunk(RowKind::Urban, 60, seed, 0);
        let mut shuffled = ents.clone();
        shuffled.rotate_left(rotate % ents.len());
        shuffled.reverse();
        let key = |r: &parkplan::rank::Ranking| {
            let mut v: Vec<_> = r
                .evaluations
                .iter()
                .map(|e| {
                    let rated = e.rated();
                    (
                        e.id.clone(),
                        rated.map(|x| (x.score.to_bits(), x.class, x.action, x.rank, x.relocation_rank)),
                    )
                })
                .collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        };
        let (a, b) = (rank(&ents, &rules), rank(&shuffled, &rules));
        prop_assert_eq!(key(&a), key(&b));
        let ids = |r: &parkplan::rank::Ranking| -> Vec<String> {
            r.in_rank_order().map(|e| e.id.clone()).collect()
        };
        prop_assert_eq!(ids(&a), ids(&b));
    }
}
