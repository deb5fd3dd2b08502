//! The report's robustness section: how stable each class is, what each constraint costs,
//! each placed enterprise's next-best parcel and how irreplaceable each parcel is, each table
//! with a paragraph on how to read it.

use super::{Tr, ent_row, num, table};
use crate::allocate::sensitivity::{Price, Sensitivity};
use crate::plan::Outcome;
use crate::plan::robustness::{self as rb, Robustness};
use crate::rank::fmt_num;
use crate::rank::robustness::share;
use crate::report::{Block, Column, Row, Section, SectionKind};
use std::cmp::Ordering;

/// The section, after the allocation's.
pub(super) fn section(tr: Tr, o: &Outcome, r: &Robustness) -> Section {
    let mut blocks = Vec::new();
    if let Some(k) = &r.ranking {
        blocks.push(Block::Heading(tr.t("robust.rank_heading")));
        match &k.skipped {
            Some(why) => blocks.push(Block::Note(
                tr.f("robust.rank_skipped", &[("why", why.clone())]),
            )),
            None => {
                let (c, w) = k.borderline_counts();
                blocks.push(Block::Para(tr.f(
                    "robust.rank_note",
                    &[
                        ("spread", format!("{}%", fmt_num(k.spread * 100.0))),
                        ("draws", k.draws.to_string()),
                        ("seed", k.seed.to_string()),
                        ("borderline", share(k.borderline)),
                        ("n", k.enterprises.len().to_string()),
                        ("c", c.to_string()),
                        ("w", w.to_string()),
                    ],
                )));
                let mut rows: Vec<_> = k.enterprises.iter().collect();
                rows.sort_by(|a, b| {
                    let least =
                        |s: &crate::rank::robustness::Stable| s.class_share.min(s.weed_out_share);
                    least(a).total_cmp(&least(b)).then(a.id.cmp(&b.id))
                });
                let t = table(
                    tr.t("robust.rank_table"),
                    vec![
                        Column::id(tr.col("id")),
                        Column::text(tr.col("name")),
                        Column::tag(tr.col("class")),
                        Column::num(tr.t("robust.col_class_share")),
                        Column::tag(tr.t("robust.col_other_class")),
                        Column::num(tr.t("robust.col_weed_share")),
                        Column::tag(tr.t("robust.col_flag")),
                    ],
                    rows.iter()
                        .map(|s| {
                            let flag = if s.borderline || s.weed_out_borderline {
                                tr.t("robust.borderline")
                            } else {
                                tr.t("robust.stable")
                            };
                            ent_row(
                                &s.id,
                                vec![
                                    s.id.clone(),
                                    s.name.clone(),
                                    tr.class(s.class),
                                    share(s.class_share),
                                    s.other_class.map_or("-".into(), |c| tr.class(c)),
                                    share(s.weed_out_share),
                                    flag,
                                ],
                            )
                        })
                        .collect(),
                );
                blocks.push(Block::Table(tr.cap(t, rb::RANKING_CSV)));
            }
        }
    }
    allocation_blocks(tr, o, &r.allocation, &mut blocks);
    Section {
        id: "robustness".into(),
        title: tr.t("robust.title"),
        kind: SectionKind::NewPage,
        blocks,
    }
}

fn allocation_blocks(tr: Tr, o: &Outcome, s: &Sensitivity, blocks: &mut Vec<Block>) {
    let sr = &o.scenario.rules.allocation.sensitivity;
    blocks.push(Block::Heading(tr.t("robust.prices_heading")));
    blocks.push(Block::Para(tr.f(
        "robust.prices_note",
        &[
            ("step_m", fmt_num(sr.buffer_step_m)),
            ("step_mu", fmt_num(sr.land_step_mu)),
            ("objective", num(s.objective, 4)),
        ],
    )));
    if let Some(why) = &s.skipped {
        blocks.push(Block::Note(
            tr.f("robust.resolves_skipped", &[("why", why.clone())]),
        ));
    }
    let mut prices: Vec<&Price> = s.prices.iter().collect();
    prices.sort_by(|a, b| {
        b.gain
            .unwrap_or(-1.0)
            .total_cmp(&a.gain.unwrap_or(-1.0))
            .then(a.constraint.cmp(&b.constraint))
    });
    let t = table(
        tr.t("robust.prices_table"),
        vec![
            Column::text(tr.t("robust.col_constraint")),
            Column::num(tr.t("robust.col_value")),
            Column::num(tr.t("robust.col_relaxed")),
            Column::num(tr.t("robust.col_gain")),
            Column::tag(tr.t("robust.col_method")),
        ],
        prices
            .iter()
            .map(|p| {
                let unit = tr.t(&format!("robust.unit_{}", p.unit));
                Row::from(vec![
                    constraint_name(tr, &p.constraint),
                    format!("{}{unit}", num(p.value, 1)),
                    format!("{}{unit}", num(p.relaxed, 1)),
                    p.gain.map_or("-".into(), |g| num(g, 4)),
                    method(tr, &p.method),
                ])
            })
            .collect(),
    );
    blocks.push(Block::Table(tr.cap(t, rb::PRICES_CSV)));

    blocks.push(Block::Heading(tr.t("robust.next_heading")));
    blocks.push(Block::Para(tr.t("robust.next_note")));
    let mut next: Vec<_> = s.next_best.iter().collect();
    next.sort_by(|a, b| {
        let lost = |x: Option<f64>| x.unwrap_or(f64::INFINITY);
        lost(a.weight_lost)
            .total_cmp(&lost(b.weight_lost))
            .then(a.enterprise_id.cmp(&b.enterprise_id))
    });
    let t = table(
        tr.t("robust.next_table"),
        vec![
            Column::id(tr.col("id")),
            Column::id(tr.col("parcel")),
            Column::num(tr.col("weight")),
            Column::id(tr.t("robust.col_next")),
            Column::num(tr.t("robust.col_next_weight")),
            Column::num(tr.t("robust.col_lost")),
            Column::id(tr.t("robust.col_held_by")),
        ],
        next.iter()
            .map(|n| Row {
                cells: vec![
                    n.enterprise_id.clone(),
                    n.parcel_id.clone(),
                    num(n.weight, 4),
                    n.next_parcel_id.clone().unwrap_or_else(|| "-".into()),
                    n.next_weight.map_or("-".into(), |w| num(w, 4)),
                    n.weight_lost.map_or("-".into(), |w| num(w, 4)),
                    n.next_held_by.clone().unwrap_or_else(|| "-".into()),
                ],
                enterprise: Some(n.enterprise_id.clone()),
                parcel: Some(n.parcel_id.clone()),
            })
            .collect(),
    );
    blocks.push(Block::Table(tr.cap(t, rb::NEXT_BEST_CSV)));

    blocks.push(Block::Heading(tr.t("robust.parcels_heading")));
    blocks.push(Block::Para(tr.t("robust.parcels_note")));
    let mut parcels: Vec<_> = s.parcels.iter().collect();
    parcels.sort_by(|a, b| {
        let d = |x: Option<f64>| x.unwrap_or(f64::NEG_INFINITY);
        d(b.drop)
            .partial_cmp(&d(a.drop))
            .unwrap_or(Ordering::Equal)
            .then(a.parcel_id.cmp(&b.parcel_id))
    });
    let t = table(
        tr.t("robust.parcels_table"),
        vec![
            Column::id(tr.col("parcel")),
            Column::id(tr.t("robust.col_enterprises")),
            Column::num(tr.t("robust.col_drop")),
            Column::num(tr.t("robust.col_dual")),
            Column::tag(tr.t("robust.col_method")),
        ],
        parcels
            .iter()
            .map(|p| Row {
                cells: vec![
                    p.parcel_id.clone(),
                    p.enterprises.join("、"),
                    p.drop.map_or("-".into(), |d| num(d, 4)),
                    p.dual_price.map_or("-".into(), |d| num(d, 4)),
                    method(tr, &p.method),
                ],
                enterprise: p.enterprises.first().cloned(),
                parcel: Some(p.parcel_id.clone()),
            })
            .collect(),
    );
    blocks.push(Block::Table(tr.cap(t, rb::PARCELS_CSV)));
}

/// A constraint key in the report's language.
fn constraint_name(tr: Tr, key: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["buffers_m", kind, class] => tr.f(
            "robust.buffer",
            &[
                ("kind", tr.name("sensitive", kind)),
                ("class", tr.name("category", class)),
            ],
        ),
        ["side", "land_budget_mu"] => tr.t("robust.land_budget"),
        ["side", "max_moderate"] => tr.t("robust.max_moderate"),
        ["side", "cluster_area_mu", cluster, end] => tr.f(
            &format!("robust.cluster_{end}"),
            &[("cluster", tr.cluster(cluster))],
        ),
        _ => key.to_string(),
    }
}

fn method(tr: Tr, m: &str) -> String {
    let key = match m {
        "re-solve" => "robust.method_resolve",
        "no pair within one step" => "robust.method_no_pair",
        "matching" => "robust.method_matching",
        "locked" => "robust.method_locked",
        _ => "robust.method_skipped",
    };
    tr.t(key)
}
