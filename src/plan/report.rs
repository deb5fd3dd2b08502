//! The report's content, from a plan's outcome: summary tiles and one section per stage
//! (scenario, screening, ranking, allocation, maps), written by [`crate::report::write_report`].

use super::text::num;
use super::{Listed, Outcome, maps::Maps};
use crate::rank::{self, Action, Class};
use crate::report::{Figure, ReportInput, Section, Table};
use crate::rules::admission::Severity;
use crate::screen::Decision;

/// Headline figures for the summary tiles, and a section.
type Part = (Vec<(String, String)>, Section);

/// A table from string headers.
fn table(title: impl Into<String>, headers: &[&str], rows: Vec<Vec<String>>) -> Table {
    Table {
        title: title.into(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

/// The report page of an outcome: `listed` is the folder's files, `maps` the drawn maps and
/// `charts` the ranking charts as (file stem, SVG).
pub fn build(
    o: &Outcome,
    listed: &[Listed],
    maps: &Maps,
    charts: &[(String, String)],
) -> ReportInput {
    let s = o.scenario;
    let mut input = ReportInput {
        title: "灵昆高新技术园区 规划报告 · Lingkun high-tech park plan".into(),
        subtitle: s.files.name(),
        rules_version: s.rules.version.clone(),
        rules_hash: s.rules.hash.clone(),
        ..Default::default()
    };
    let parts = [
        Some(scenario(o)),
        Some(screening(o)),
        Some(ranking(o, charts)),
        Some(allocation(o)),
        Some(drawings(maps)),
        Some(sources(o)),
    ];
    for (tiles, section) in parts.into_iter().flatten() {
        input.summary.extend(tiles);
        input.sections.push(section);
    }
    input.files = listed
        .iter()
        .map(|l| (l.shown(), l.holds.clone()))
        .collect();
    input
}

/// The scenario: parcels by status, land by class and cluster, sensitive areas, files, warnings.
fn scenario(o: &Outcome) -> Part {
    let s = &o.summary;
    let mu = |v: f64| format!("{v:.1}");
    let pairs = |m: &std::collections::BTreeMap<String, usize>| {
        m.iter()
            .map(|(k, v)| vec![k.clone(), v.to_string()])
            .collect()
    };
    let mut tables = vec![
        table(
            "Parcels by status 地块状态",
            &["status", "parcels"],
            pairs(&s.parcels_by_status),
        ),
        table(
            "Land by class 用地类别 (mu)",
            &["land use", "mu"],
            s.area_mu_by_land_use
                .iter()
                .map(|(k, v)| vec![k.clone(), mu(*v)])
                .collect(),
        ),
        table(
            "Land by cluster 产业组团 (mu)",
            &["cluster", "mu", "available mu"],
            s.area_mu_by_cluster
                .iter()
                .map(|(k, v)| {
                    let avail = s.available_mu_by_cluster.get(k).copied().unwrap_or(0.0);
                    vec![k.clone(), mu(*v), mu(avail)]
                })
                .collect(),
        ),
        table(
            "Sensitive areas 敏感区",
            &["kind", "areas"],
            pairs(&s.sensitive_by_kind),
        ),
        table(
            "Enterprise files 企业名录",
            &["file", "rows"],
            s.enterprises
                .iter()
                .map(|(k, v)| vec![crate::io::shown_path(k.as_ref()), v.to_string()])
                .collect(),
        ),
    ];
    if !s.warnings.is_empty() {
        tables.push(table(
            "Warnings 提示",
            &["warning"],
            s.warnings.iter().map(|w| vec![w.clone()]).collect(),
        ));
    }
    let n_enterprises: usize = s.enterprises.values().sum();
    let tiles = vec![
        ("parcels 地块".into(), s.parcels.to_string()),
        ("park land 园区用地 (mu)".into(), mu(s.area_mu)),
        (
            "available land 可用地 (mu)".into(),
            mu(s.available_mu_by_cluster.values().sum()),
        ),
        ("enterprises 企业".into(), n_enterprises.to_string()),
    ];
    let section = Section {
        id: "scenario".into(),
        title: "Scenario 场景".into(),
        tables,
        ..Default::default()
    };
    (tiles, section)
}

/// The required and conditional criteria applicant `i` did not pass, with their status.
fn not_passed(o: &Outcome, i: usize) -> String {
    let rules = &o.scenario.rules;
    o.admission
        .screen
        .outcomes(i)
        .iter()
        .zip(rules.admission.criteria())
        .filter(|(x, c)| x.status.is_failure() && c.severity != Severity::Preferred)
        .map(|(x, c)| format!("{} ({} {})", c.id, x.status.zh(), x.status.name()))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The applicants with decision `d`, best score first (ties by id): priority order.
fn decision_list(o: &Outcome, d: Decision, title: &str) -> Table {
    let report = &o.admission.screen;
    let applicants = &o.admission.roles.applicants;
    let mut rows: Vec<(f64, Vec<String>)> = report
        .rows
        .iter()
        .enumerate()
        .filter(|(_, row)| row.decision == d)
        .map(|(i, row)| {
            let score = row.score.unwrap_or(f64::NEG_INFINITY);
            let shown = row.score.map_or("-".into(), |v| num(v, 2));
            let name = applicants.get(row.index).map_or("", |e| e.name.as_str());
            (
                score,
                vec![row.id.clone(), name.to_string(), shown, not_passed(o, i)],
            )
        })
        .collect();
    rows.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1[0].cmp(&y.1[0])));
    table(
        format!("{title} ({} {})", d.zh(), d.name()),
        &["id", "name 企业", "score 得分", "not passed 未通过"],
        rows.into_iter().map(|(_, r)| r).collect(),
    )
}

/// Every admission criterion with its severity, description and the document it follows.
fn criteria_table(o: &Outcome) -> Table {
    let adm = &o.scenario.rules.admission;
    table(
        "Criteria and sources 准入条件及依据",
        &[
            "criterion",
            "severity 类别",
            "criterion 条件",
            "source 依据",
        ],
        adm.criteria()
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    format!("{} {}", c.severity.zh(), c.severity.name()),
                    format!("{} / {}", c.zh, c.en),
                    adm.source_of(c).unwrap_or("-").to_string(),
                ]
            })
            .collect(),
    )
}

/// The screening: admitted, conditional and rejected applicants, and who cannot be placed.
fn screening(o: &Outcome) -> Part {
    let (a, c, r) = o.admission.screen.counts();
    let mut tables = vec![
        criteria_table(o),
        decision_list(o, Decision::Admit, "Admitted"),
        decision_list(o, Decision::Conditional, "Conditional"),
        decision_list(o, Decision::Reject, "Rejected"),
    ];
    let excluded = &o.admission.excluded;
    if !excluded.is_empty() {
        tables.push(table(
            "Admitted or conditional but not placeable 无法参与用地分配",
            &["id", "reason"],
            excluded
                .iter()
                .map(|x| vec![x.id.clone(), x.reason.clone()])
                .collect(),
        ));
    }
    let tiles = vec![
        ("admitted 准入".into(), a.to_string()),
        ("conditional 有条件准入".into(), c.to_string()),
        ("rejected 不予准入".into(), r.to_string()),
    ];
    let section = Section {
        id: "screen".into(),
        title: "Screening 入园审核".into(),
        notes: vec![format!(
            "{} applicants screened on {} against rule set {}. \
             'not passed' lists the required and conditional criteria an applicant did not pass; \
             `parkplan screen --explain ID` prints one applicant's full trace with values and thresholds.",
            o.admission.roles.applicants.len(),
            o.date,
            o.scenario.rules.version
        )],
        tables,
        figures: vec![],
    };
    (tiles, section)
}

/// C and D enterprises, worst burden first.
fn relocation_table(r: &rank::Ranking) -> Table {
    let rows = r
        .relocation_order()
        .enumerate()
        .map(|(k, ev)| {
            let rated = ev.rated();
            vec![
                (k + 1).to_string(),
                ev.id.clone(),
                ev.name.clone(),
                r.track_id(ev).to_string(),
                ev.class().map_or("-".into(), |c| c.to_string()),
                ev.action().map_or("-".into(), |a| a.to_string()),
                rated.map_or("-".into(), |x| num(x.score, 2)),
                ev.intensity.burden.map_or("-".into(), |b| num(b, 3)),
                ev.land_mu.map_or("-".into(), |m| num(m, 1)),
            ]
        })
        .collect();
    table(
        "Relocation ranking 搬迁整治排序 (C and D, worst burden first)",
        &[
            "order",
            "id",
            "name 企业",
            "track 分组",
            "class 分类",
            "action 处置",
            "score 得分",
            "burden 负担",
            "land mu 用地",
        ],
        rows,
    )
}

/// The ranking: classes, the relocation order, the not rated, and the charts.
fn ranking(o: &Outcome, charts: &[(String, String)]) -> Part {
    let title = "Relocation ranking 亩均效益评价";
    if !o.has_ranking() {
        let section = Section {
            id: "rank".into(),
            title: title.into(),
            notes: vec!["Not run: the rule set has no [ranking] indicators.".into()],
            ..Default::default()
        };
        return (vec![], section);
    }
    let r = &o.admission.ranking;
    let count = |c: Class| r.class_counts.get(&c).copied().unwrap_or(0);
    let acts = |a: Action| r.action_counts.get(&a).copied().unwrap_or(0);
    let apart = |status: &str, title: &str| {
        table(
            title,
            &["id", "name 企业", "track 分组", "reason 原因"],
            r.in_rank_order()
                .filter(|ev| ev.outcome.status() == status)
                .map(|ev| {
                    vec![
                        ev.id.clone(),
                        ev.name.clone(),
                        r.track_id(ev).to_string(),
                        ev.outcome.reason().unwrap_or("").to_string(),
                    ]
                })
                .collect(),
        )
    };
    let classes = table(
        "Classes 分类 (all tracks)",
        &["class", "enterprises"],
        Class::ALL
            .iter()
            .map(|c| vec![c.to_string(), count(*c).to_string()])
            .collect(),
    );
    let mut tables = vec![
        tracks_table(r),
        indicators_table(r),
        classes,
        relocation_table(r),
    ];
    tables.push(apart("listed_apart", "Listed apart 单列（不参评）"));
    tables.push(apart("exempt", "Exempt 免评"));
    tables.push(apart("not_rated", "Not rated 未评价"));
    let freed = &r.land_freed.total;
    let tiles = vec![
        ("class D 淘汰类".into(), count(Class::D).to_string()),
        ("relocate 搬迁".into(), acts(Action::Relocate).to_string()),
        ("convert 转型入园".into(), acts(Action::Convert).to_string()),
        ("urban land freed 腾出用地 (mu)".into(), num(freed.mu, 1)),
    ];
    let section = Section {
        id: "rank".into(),
        title: title.into(),
        notes: vec![format!(
            "{} urban enterprises evaluated per mu against rule set {}: each on the first track whose condition holds, \
             classes by that track's own shares; {} listed apart, {} exempt, {} not rated. Relocating and converting them frees {} mu.",
            o.admission.roles.urban.len(),
            o.scenario.rules.version,
            r.listed_apart,
            r.exempt,
            r.not_rated,
            num(freed.mu, 1)
        )],
        tables,
        figures: charts
            .iter()
            .map(|(name, svg)| Figure {
                caption: format!("{name}.svg"),
                svg: svg.clone(),
            })
            .collect(),
    };
    (tiles, section)
}

/// Each track: who it takes, its source, how many it rated and its classes.
fn tracks_table(r: &rank::Ranking) -> Table {
    table(
        "Tracks 评价分组",
        &[
            "track",
            "name 名称",
            "takes 条件",
            "enterprises 企业",
            "rated 参评",
            "A",
            "B",
            "C",
            "D",
            "source 依据",
        ],
        r.tracks
            .iter()
            .map(|t| {
                let n = |c: Class| t.class_counts.get(&c).copied().unwrap_or(0).to_string();
                let mut row = vec![
                    t.id.clone(),
                    t.name.clone(),
                    t.when
                        .clone()
                        .unwrap_or_else(|| "every enterprise left".into()),
                    t.enterprises.to_string(),
                ];
                if t.listed_apart {
                    row.extend([
                        "listed apart 单列".into(),
                        "-".into(),
                        "-".into(),
                        "-".into(),
                        "-".into(),
                    ]);
                } else {
                    row.push(t.boundaries.rated.to_string());
                    row.extend(Class::ALL.map(n));
                }
                row.push(t.source.clone().unwrap_or_else(|| "-".into()));
                row
            })
            .collect(),
    )
}

/// Each track's indicators: weight, benchmark, what a missing input does, and the source.
fn indicators_table(r: &rank::Ranking) -> Table {
    table(
        "Indicators 评价指标",
        &[
            "track",
            "indicator 指标",
            "weight 权重",
            "benchmark 基准值",
            "if not reported 缺报",
            "source 依据",
        ],
        r.tracks
            .iter()
            .flat_map(|t| {
                t.indicators.iter().map(move |i| {
                    vec![
                        t.id.clone(),
                        i.name.clone(),
                        rank::fmt_num(i.weight),
                        rank::fmt_num(i.benchmark),
                        i.missing.as_str().to_string(),
                        i.source
                            .clone()
                            .unwrap_or_else(|| "as the track's 同分组依据".into()),
                    ]
                })
            })
            .collect(),
    )
}

/// Every source the rule file cites, by the part of the file it covers.
fn sources(o: &Outcome) -> Part {
    let rules = &o.scenario.rules;
    let section = Section {
        id: "sources".into(),
        title: "Rules and sources 规则依据".into(),
        notes: vec![format!(
            "Where each part of rule set {} (sha256 {}) comes from, as its `source` keys say; a part without one follows its section's.",
            rules.version,
            rules.short_hash()
        )],
        tables: vec![table(
            "Sources 依据",
            &["part 部分", "source 依据"],
            rules
                .sources()
                .into_iter()
                .map(|(part, s)| vec![part, s.to_string()])
                .collect(),
        )],
        figures: vec![],
    };
    (vec![], section)
}

/// Every placement: parcel, its cluster and area, the enterprise and its request, by parcel.
fn placed_table(o: &Outcome) -> Table {
    let parcels = &o.scenario.park.parcels;
    let candidates = &o.admission.candidates;
    let mut rows: Vec<Vec<String>> = o
        .allocation
        .assignments
        .iter()
        .map(|x| {
            let (p, c) = (&parcels[x.parcel], &candidates[x.candidate]);
            vec![
                x.parcel_id.clone(),
                p.cluster.clone(),
                num(p.area_mu, 1),
                c.id.clone(),
                c.name.clone(),
                c.requested_mu.map_or("-".into(), |m| num(m, 1)),
                c.kind.as_str().to_string(),
            ]
        })
        .collect();
    rows.sort();
    table(
        "Placed 已分配",
        &[
            "parcel 地块",
            "cluster",
            "parcel mu",
            "id",
            "name 企业",
            "requested mu",
            "kind",
        ],
        rows,
    )
}

/// The allocation: placed, unplaced with why, and converting or relocating firms without options.
fn allocation(o: &Outcome) -> Part {
    let a = &o.allocation;
    let unplaced = table(
        "Unplaced 未分配 and why",
        &["id", "name 企业", "cause", "feasible parcels", "why"],
        a.unplaced
            .iter()
            .map(|u| {
                vec![
                    u.enterprise_id.clone(),
                    u.name.clone(),
                    u.cause.to_string(),
                    u.feasible_parcels.to_string(),
                    u.message.clone(),
                ]
            })
            .collect(),
    );
    let without_options = table(
        "Converting or relocating, with no feasible park parcel 无可选地块",
        &["id", "name 企业", "action", "why"],
        a.without_options
            .iter()
            .map(|w| {
                vec![
                    w.enterprise_id.clone(),
                    w.name.clone(),
                    w.action.to_string(),
                    w.message.clone(),
                ]
            })
            .collect(),
    );
    let tiles = vec![
        (
            "placed 已分配".into(),
            format!("{} / {}", a.assignments.len(), o.admission.candidates.len()),
        ),
        ("unplaced 未分配".into(), a.unplaced.len().to_string()),
        ("optimality gap 最优性差距".into(), num(a.gap, 6)),
    ];
    let section = Section {
        id: "allocate".into(),
        title: "Land allocation 用地分配".into(),
        notes: vec![format!(
            "Mode {}, {} ({}): objective {}, proved bound {}, gap {}.",
            o.mode.as_str(),
            a.method,
            a.status,
            num(a.objective, 6),
            num(a.bound, 6),
            num(a.gap, 6)
        )],
        tables: vec![placed_table(o), unplaced, without_options],
        figures: vec![],
    };
    (tiles, section)
}

/// The two maps, inline.
fn drawings(maps: &Maps) -> Part {
    let section = Section {
        id: "maps".into(),
        title: "Maps 地图".into(),
        notes: vec!["Print from park-map.png and relocation-map.png (2400 px wide); the SVG files scale without loss.".into()],
        tables: vec![],
        figures: vec![
            Figure {
                caption: "Park layout: parcels by cluster and assignment, sensitive areas and their buffer distances.".into(),
                svg: maps.park.svg.clone(),
            },
            Figure {
                caption: "Relocation: urban enterprises by class; lines to their assigned parcel or best option.".into(),
                svg: maps.relocation.svg.clone(),
            },
        ],
    };
    (vec![], section)
}
