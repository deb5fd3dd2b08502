//! `parkplan plan`: the whole pipeline — validate, screen, rank, allocate, maps, report — on the
//! bundled Lingkun scenario (or any scenario's files) into one output folder, with one progress
//! line per stage on stderr.
//!
//! Screening, ranking and the allocation's candidates come from [`parkplan::pipeline::admit`], as
//! in `parkplan allocate`, so both commands place the same enterprises. Each stage is then one
//! function below (`stage_*`) that writes its files and returns what it hands on: sites, labels
//! and lines for the maps, and a [`Part`] for the report (summary figures, a section, the files
//! it wrote).

use super::map as maps;
use chrono::NaiveDate;
use parkplan::error::{InputError, Place, Problems};
use parkplan::evaluate::{self, Action, Class};
use parkplan::model::{Candidate, CandidateKind};
use parkplan::pipeline::Admission;
use parkplan::render::map::{Assigned, Label, Link, Site};
use parkplan::report::{Figure, ReportInput, Section, Table};
use parkplan::rules::admission::Severity;
use parkplan::screen::{self, Decision};
use parkplan::validate::{Scenario, ScenarioFiles, load_scenario, summarize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `parkplan plan`. Any scenario file given replaces the bundled one.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    scenario: super::ScenarioArgs,
    /// Output folder: every stage's tables, the maps, the charts and report.html.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Evaluation date for screening, YYYY-MM-DD (default: today): certificates must be valid on it.
    #[arg(long, value_parser = parse_date)]
    date: Option<NaiveDate>,
    /// plots: one enterprise per parcel, exact; blocks: enterprises share parcels up to their area (MIP).
    #[arg(long, value_enum, default_value = "plots")]
    mode: parkplan::allocate::Mode,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("expected a date as YYYY-MM-DD, got {s:?}"))
}

/// What a stage contributes to the report.
#[derive(Debug, Default)]
pub(crate) struct Part {
    /// Headline figures for the summary tiles.
    pub summary: Vec<(String, String)>,
    pub section: Option<Section>,
    /// Files the stage wrote into the output folder, and what each holds.
    pub files: Vec<(String, String)>,
}

/// The ranking stage's hand-over.
#[derive(Debug, Default)]
pub(crate) struct Ranked {
    pub part: Part,
    /// Every urban enterprise at its site with its class and action, for the relocation map.
    pub sites: Vec<Site>,
}

/// The allocation stage's hand-over.
#[derive(Debug, Default)]
pub(crate) struct Allocated {
    pub part: Part,
    /// Parcel id -> the enterprise placed there, for the park map.
    pub assigned: Assigned,
    /// Convert/relocate enterprises to their parcel (assigned) or best option (not assigned).
    pub links: Vec<Link>,
}

fn progress(stage: &str, started: Instant, what: &str) {
    eprintln!(
        "plan: {stage:<9} {what} ({} ms)",
        started.elapsed().as_millis()
    );
}

/// Stage 1: load and validate every file; overlapping parcels are bad input, as in `validate`.
fn stage_validate(files: &ScenarioFiles) -> Result<(Scenario, Part), parkplan::Error> {
    let t = Instant::now();
    let scenario = load_scenario(files)?;
    scenario.rules.require_admission_criteria()?;
    super::print_load_warnings(&scenario);
    let s = summarize(&scenario);
    if !s.overlaps.is_empty() {
        return Err(Problems(
            s.overlaps
                .iter()
                .map(|o| {
                    InputError::new(
                        &files.parcels,
                        Place::File,
                        Some("geometry"),
                        format!("parcels {} and {} overlap by {:.1} m2", o.a, o.b, o.area_m2),
                    )
                })
                .collect(),
        )
        .into());
    }
    let n_enterprises: usize = s.enterprises.values().sum();
    progress(
        "validate",
        t,
        &format!(
            "{} parcels ({:.1} mu), {} sensitive areas, {} enterprises",
            s.parcels,
            s.area_mu,
            scenario.park.sensitive.len(),
            n_enterprises
        ),
    );
    let mu = |v: f64| format!("{v:.1}");
    let mut tables = vec![
        Table {
            title: "Parcels by status 地块状态".into(),
            headers: vec!["status".into(), "parcels".into()],
            rows: s
                .parcels_by_status
                .iter()
                .map(|(k, v)| vec![k.clone(), v.to_string()])
                .collect(),
        },
        Table {
            title: "Land by class 用地类别 (mu)".into(),
            headers: vec!["land use".into(), "mu".into()],
            rows: s
                .area_mu_by_land_use
                .iter()
                .map(|(k, v)| vec![k.clone(), mu(*v)])
                .collect(),
        },
        Table {
            title: "Land by cluster 产业组团 (mu)".into(),
            headers: vec!["cluster".into(), "mu".into(), "available mu".into()],
            rows: s
                .area_mu_by_cluster
                .iter()
                .map(|(k, v)| {
                    vec![
                        k.clone(),
                        mu(*v),
                        mu(s.available_mu_by_cluster.get(k).copied().unwrap_or(0.0)),
                    ]
                })
                .collect(),
        },
        Table {
            title: "Sensitive areas 敏感区".into(),
            headers: vec!["kind".into(), "areas".into()],
            rows: s
                .sensitive_by_kind
                .iter()
                .map(|(k, v)| vec![k.clone(), v.to_string()])
                .collect(),
        },
        Table {
            title: "Enterprise files 企业名录".into(),
            headers: vec!["file".into(), "rows".into()],
            rows: s
                .enterprises
                .iter()
                .map(|(k, v)| vec![maps::shown_path(Path::new(k)), v.to_string()])
                .collect(),
        },
    ];
    if !s.warnings.is_empty() {
        tables.push(Table {
            title: "Warnings 提示".into(),
            headers: vec!["warning".into()],
            rows: s.warnings.iter().map(|w| vec![w.clone()]).collect(),
        });
    }
    let part = Part {
        summary: vec![
            ("parcels 地块".into(), s.parcels.to_string()),
            ("park land 园区用地 (mu)".into(), mu(s.area_mu)),
            (
                "available land 可用地 (mu)".into(),
                mu(s.available_mu_by_cluster.values().sum()),
            ),
            ("enterprises 企业".into(), n_enterprises.to_string()),
        ],
        section: Some(Section {
            id: "scenario".into(),
            title: "Scenario 场景".into(),
            tables,
            ..Default::default()
        }),
        files: vec![],
    };
    Ok((scenario, part))
}

fn num(x: f64, decimals: usize) -> String {
    if x.is_infinite() {
        "inf".into()
    } else {
        format!("{x:.decimals$}")
    }
}

/// Stage 2: the screening's outputs: screen.csv and the three lists with reasons.
fn stage_screen(
    s: &Scenario,
    admission: &Admission,
    date: NaiveDate,
    out: &Path,
    t: Instant,
) -> Result<Part, parkplan::Error> {
    let applicants = &admission.roles.applicants;
    let report = &admission.screen;
    let excluded = &admission.excluded;
    parkplan::io::write_atomic(&out.join("screen.csv"), |w| {
        screen::write_csv(w, report, applicants, &s.rules)
    })?;
    let (a, c, r) = report.counts();
    progress(
        "screen",
        t,
        &format!(
            "{} applicants on {date}: {a} admit, {c} conditional, {r} reject",
            applicants.len()
        ),
    );
    let reasons = |i: usize| -> String {
        report
            .outcomes(i)
            .iter()
            .zip(&s.rules.admission.criteria)
            .filter(|(o, crit)| o.status.is_failure() && crit.severity != Severity::Preferred)
            .map(|(o, crit)| format!("{} ({} {})", crit.id, o.status.zh(), o.status.name()))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let list = |d: Decision, title: &str| {
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
                    vec![row.id.clone(), name.to_string(), shown, reasons(i)],
                )
            })
            .collect();
        // Best score first, ties by id, so the lists read as priority order.
        rows.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1[0].cmp(&y.1[0])));
        Table {
            title: format!("{title} ({} {})", d.zh(), d.name()),
            headers: vec![
                "id".into(),
                "name 企业".into(),
                "score 得分".into(),
                "not passed 未通过".into(),
            ],
            rows: rows.into_iter().map(|(_, r)| r).collect(),
        }
    };
    let mut tables = vec![
        list(Decision::Admit, "Admitted"),
        list(Decision::Conditional, "Conditional"),
        list(Decision::Reject, "Rejected"),
    ];
    if !excluded.is_empty() {
        tables.push(Table {
            title: "Admitted or conditional but not placeable 无法参与用地分配".into(),
            headers: vec!["id".into(), "reason".into()],
            rows: excluded
                .iter()
                .map(|x| vec![x.id.clone(), x.reason.clone()])
                .collect(),
        });
    }
    let part = Part {
        summary: vec![
            ("admitted 准入".into(), a.to_string()),
            ("conditional 有条件准入".into(), c.to_string()),
            ("rejected 不予准入".into(), r.to_string()),
        ],
        section: Some(Section {
            id: "screen".into(),
            title: "Screening 入园审核".into(),
            notes: vec![format!(
                "{} applicants screened on {date} against rule set {}. \
                 'not passed' lists the required and conditional criteria an applicant did not pass; \
                 `parkplan screen --explain ID` prints one applicant's full trace with values and thresholds.",
                applicants.len(),
                s.rules.version
            )],
            tables,
            figures: vec![],
        }),
        files: vec![(
            "screen.csv".into(),
            "one row per applicant: decision, score, criteria not passed".into(),
        )],
    };
    Ok(part)
}

/// Stage 3: rank the urban enterprises; rank.csv, the charts, the relocation ranking, the
/// converting enterprises as candidates and every site with its class and action.
fn stage_rank(s: &Scenario, admission: &Admission, out: &Path) -> Result<Ranked, parkplan::Error> {
    let urban = &admission.roles.urban;
    let t = Instant::now();
    let mut sites = maps::sites(s);
    if !s.rules.ranking.is_configured() {
        eprintln!("plan: rank      skipped: the rule set has no [ranking] indicators");
        let part = Part {
            section: Some(Section {
                id: "rank".into(),
                title: "Relocation ranking 亩均效益评价".into(),
                notes: vec!["Not run: the rule set has no [ranking] indicators.".into()],
                ..Default::default()
            }),
            ..Default::default()
        };
        return Ok(Ranked { part, sites });
    }
    let ranking = &admission.ranking;
    parkplan::io::write_atomic(&out.join("rank.csv"), |w| evaluate::write_csv(w, ranking))?;
    let charts = parkplan::render::charts::write_ranking_charts(ranking, out)?;
    let by_id: HashMap<&str, &evaluate::Evaluation> = ranking
        .evaluations
        .iter()
        .map(|e| (e.id.as_str(), e))
        .collect();
    for site in &mut sites {
        if let Some(ev) = by_id.get(site.id.as_str()) {
            site.class = ev.class().map_or("not rated".into(), |c| c.to_string());
            site.action = ev.action().map_or(String::new(), |a| a.to_string());
        }
    }
    let count = |c: Class| ranking.class_counts.get(&c).copied().unwrap_or(0);
    let acts = |a: Action| ranking.action_counts.get(&a).copied().unwrap_or(0);
    progress(
        "rank",
        t,
        &format!(
            "{} urban enterprises: {} A, {} B, {} C, {} D, {} not rated; {} relocate, {} convert; 3 charts",
            urban.len(),
            count(Class::A),
            count(Class::B),
            count(Class::C),
            count(Class::D),
            ranking.not_rated,
            acts(Action::Relocate),
            acts(Action::Convert)
        ),
    );
    let relocation = Table {
        title: "Relocation ranking 搬迁整治排序 (C and D, worst burden first)".into(),
        headers: [
            "order",
            "id",
            "name 企业",
            "class 分类",
            "action 处置",
            "score 得分",
            "burden 负担",
            "land mu 用地",
        ]
        .map(String::from)
        .to_vec(),
        rows: ranking
            .relocation_order()
            .enumerate()
            .map(|(k, ev)| {
                let r = ev.rated();
                vec![
                    (k + 1).to_string(),
                    ev.id.clone(),
                    ev.name.clone(),
                    ev.class().map_or("-".into(), |c| c.to_string()),
                    ev.action().map_or("-".into(), |a| a.to_string()),
                    r.map_or("-".into(), |r| num(r.score, 2)),
                    ev.intensity.burden.map_or("-".into(), |b| num(b, 3)),
                    ev.land_mu.map_or("-".into(), |m| num(m, 1)),
                ]
            })
            .collect(),
    };
    let not_rated = Table {
        title: "Not rated 未评价".into(),
        headers: vec!["id".into(), "name 企业".into(), "reason".into()],
        rows: ranking
            .evaluations
            .iter()
            .filter_map(|ev| match &ev.outcome {
                evaluate::Outcome::NotRated { reason } => {
                    Some(vec![ev.id.clone(), ev.name.clone(), reason.clone()])
                }
                evaluate::Outcome::Rated(_) => None,
            })
            .collect(),
    };
    let classes = Table {
        title: "Classes 分类".into(),
        headers: vec!["class".into(), "enterprises".into()],
        rows: Class::ALL
            .iter()
            .map(|c| vec![c.to_string(), count(*c).to_string()])
            .collect(),
    };
    let freed = &ranking.land_freed.total;
    let mut files: Vec<(String, String)> = vec![(
        "rank.csv".into(),
        "per-mu evaluation: score, class, action, rank, indicators".into(),
    )];
    files.extend(
        charts
            .iter()
            .map(|c| (format!("{0}.svg / {0}.png", c.name), "ranking chart".into())),
    );
    let part = Part {
        summary: vec![
            ("class D 淘汰类".into(), count(Class::D).to_string()),
            ("relocate 搬迁".into(), acts(Action::Relocate).to_string()),
            ("convert 转型入园".into(), acts(Action::Convert).to_string()),
            ("urban land freed 腾出用地 (mu)".into(), num(freed.mu, 1)),
        ],
        section: Some(Section {
            id: "rank".into(),
            title: "Relocation ranking 亩均效益评价".into(),
            notes: vec![format!(
                "{} urban enterprises evaluated per mu against rule set {}; relocating and converting them frees {} mu.",
                urban.len(),
                s.rules.version,
                num(freed.mu, 1)
            )],
            tables: vec![classes, relocation, not_rated],
            // The charts' SVG as drawn: the report inlines it without reading the files back.
            figures: charts
                .into_iter()
                .map(|c| Figure {
                    caption: format!("{}.svg", c.name),
                    svg: c.svg,
                })
                .collect(),
        }),
        files,
    };
    Ok(Ranked { part, sites })
}

/// Stage 4: allocate the admitted, conditional and converting enterprises to parcels (in
/// `mode`); the allocation's files, the placed and the unplaced with why, and the labels and
/// lines the maps draw.
fn stage_allocate(
    s: &Scenario,
    admission: &Admission,
    mode: parkplan::allocate::Mode,
    out: &Path,
) -> Result<Allocated, parkplan::Error> {
    use parkplan::allocate::{Problem, allocate, output};
    use parkplan::io::write_atomic as write;
    let t = Instant::now();
    let candidates = &admission.candidates;
    // Relocating urban enterprises are probes: they get options, never a parcel.
    let problem = Problem::new(&s.park, candidates, &s.rules, mode)
        .planned_far(admission.planned_far.clone())
        .probes(&admission.relocating);
    let a = allocate(&problem)?;
    for w in &a.warnings {
        eprintln!("warning: {w}");
    }

    write(&out.join("parcels.geojson"), |w| {
        output::write_parcels(w, &problem, &a)
    })?;
    write(&out.join("assignments.csv"), |w| {
        output::write_assignments(w, &a)
    })?;
    write(&out.join("options.csv"), |w| output::write_options(w, &a))?;
    // No timings in summary.json: same input, same bytes.
    write(&out.join("summary.json"), |w| {
        output::write_summary(w, &problem, &a, &s.rules, false)
    })?;
    progress(
        "allocate",
        t,
        &format!(
            "{} of {} candidates placed, {} unplaced; {} (gap {})",
            a.assignments.len(),
            candidates.len(),
            a.unplaced.len(),
            a.status,
            num(a.gap, 6)
        ),
    );
    let by_id: HashMap<&str, &Candidate> = candidates.iter().map(|c| (c.id.as_str(), c)).collect();
    let parcel_of: HashMap<&str, &parkplan::Parcel> =
        s.park.parcels.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut assigned = Assigned::new();
    let mut placed_rows = Vec::new();
    for x in &a.assignments {
        let Some(c) = by_id.get(x.enterprise_id.as_str()) else {
            continue;
        };
        assigned
            .entry(x.parcel_id.clone())
            .or_default()
            .push(Label {
                short_name: parkplan::render::map::short_name(&c.name),
                enterprise_id: c.id.clone(),
                cluster: c.cluster.clone(),
            });
        let parcel = parcel_of.get(x.parcel_id.as_str());
        placed_rows.push(vec![
            x.parcel_id.clone(),
            parcel.map_or("-".into(), |p| p.cluster.clone()),
            parcel.map_or("-".into(), |p| num(p.area_mu, 1)),
            c.id.clone(),
            c.name.clone(),
            c.requested_mu.map_or("-".into(), |m| num(m, 1)),
            format!("{:?}", c.kind).to_lowercase(),
        ]);
    }
    placed_rows.sort();
    // Converting enterprises to their parcel, or to their best option when unplaced.
    let placed: HashMap<&str, &str> = a
        .assignments
        .iter()
        .map(|x| (x.enterprise_id.as_str(), x.parcel_id.as_str()))
        .collect();
    let mut links = Vec::new();
    for c in candidates
        .iter()
        .filter(|c| c.kind == CandidateKind::Converting)
        .chain(&admission.relocating)
        .filter(|c| c.site.is_some())
    {
        if let Some(p) = placed.get(c.id.as_str()) {
            links.push(Link {
                enterprise_id: c.id.clone(),
                parcel_id: p.to_string(),
                assigned: true,
            });
        } else if let Some(o) = a
            .options
            .iter()
            .filter(|o| o.enterprise_id == c.id)
            .min_by_key(|o| o.rank)
        {
            links.push(Link {
                enterprise_id: c.id.clone(),
                parcel_id: o.parcel_id.clone(),
                assigned: false,
            });
        }
    }
    let unplaced = Table {
        title: "Unplaced 未分配 and why".into(),
        headers: ["id", "name 企业", "cause", "feasible parcels", "why"]
            .map(String::from)
            .to_vec(),
        rows: a
            .unplaced
            .iter()
            .map(|u| {
                vec![
                    u.enterprise_id.clone(),
                    u.name.clone(),
                    u.cause.clone(),
                    u.feasible_parcels.to_string(),
                    u.message.clone(),
                ]
            })
            .collect(),
    };
    let without_options = Table {
        title: "Converting or relocating, with no feasible park parcel 无可选地块".into(),
        headers: ["id", "name 企业", "action", "why"]
            .map(String::from)
            .to_vec(),
        rows: a
            .without_options
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
    };
    let part = Part {
        summary: vec![
            (
                "placed 已分配".into(),
                format!("{} / {}", a.assignments.len(), candidates.len()),
            ),
            ("unplaced 未分配".into(), a.unplaced.len().to_string()),
            ("optimality gap 最优性差距".into(), num(a.gap, 6)),
        ],
        section: Some(Section {
            id: "allocate".into(),
            title: "Land allocation 用地分配".into(),
            notes: vec![format!(
                "Mode {}, {} ({}): objective {}, proved bound {}, gap {}.",
                mode.as_str(),
                a.method,
                a.status,
                num(a.objective, 6),
                num(a.bound, 6),
                num(a.gap, 6)
            )],
            tables: vec![
                Table {
                    title: "Placed 已分配".into(),
                    headers: [
                        "parcel 地块",
                        "cluster",
                        "parcel mu",
                        "id",
                        "name 企业",
                        "requested mu",
                        "kind",
                    ]
                    .map(String::from)
                    .to_vec(),
                    rows: placed_rows,
                },
                unplaced,
                without_options,
            ],
            figures: vec![],
        }),
        files: vec![
            (
                "parcels.geojson".into(),
                "parcels with the assignment in their properties (for QGIS)".into(),
            ),
            (
                "assignments.csv".into(),
                "enterprise_id, parcel_id and the weight of each placement".into(),
            ),
            (
                "options.csv".into(),
                "feasible parcels of each relocating enterprise".into(),
            ),
            (
                "summary.json".into(),
                "objective, proved bound, gap, the unplaced with reasons".into(),
            ),
        ],
    };
    Ok(Allocated {
        part,
        assigned,
        links,
    })
}

/// Stage 5: the park and relocation maps, SVG and PNG.
fn stage_maps(
    files: &ScenarioFiles,
    s: &Scenario,
    rank: &Ranked,
    alloc: &Allocated,
    out: &Path,
) -> Result<Part, parkplan::Error> {
    let t = Instant::now();
    let (park_svg, reloc_svg) = maps::write_maps(
        out,
        files,
        s,
        alloc.assigned.clone(),
        rank.sites.clone(),
        alloc.links.clone(),
    )?;
    progress(
        "maps",
        t,
        &format!(
            "park-map and relocation-map, SVG and PNG, {} parcels labelled",
            alloc.assigned.len()
        ),
    );
    Ok(Part {
        summary: vec![],
        section: Some(Section {
            id: "maps".into(),
            title: "Maps 地图".into(),
            notes: vec!["Print from park-map.png and relocation-map.png (2400 px wide); the SVG files scale without loss.".into()],
            tables: vec![],
            figures: vec![
                Figure { caption: "Park layout: parcels by cluster and assignment, sensitive areas and their buffer distances.".into(), svg: park_svg },
                Figure { caption: "Relocation: urban enterprises by class; lines to their assigned parcel or best option.".into(), svg: reloc_svg },
            ],
        }),
        files: vec![
            ("park-map.svg / park-map.png".into(), "park layout map".into()),
            ("relocation-map.svg / relocation-map.png".into(), "relocation map".into()),
        ],
    })
}

/// Stage 6: the report page, gathering every part.
fn stage_report(
    files: &ScenarioFiles,
    s: &Scenario,
    parts: Vec<Part>,
    out: &Path,
) -> Result<(), parkplan::Error> {
    let t = Instant::now();
    let mut input = ReportInput {
        title: "灵昆高新技术园区 规划报告 · Lingkun high-tech park plan".into(),
        subtitle: maps::scenario_name(files),
        rules_version: s.rules.version.clone(),
        rules_hash: s.rules.hash.clone(),
        ..Default::default()
    };
    for p in parts {
        input.summary.extend(p.summary);
        input.sections.extend(p.section);
        input.files.extend(p.files);
    }
    input.files.push(("report.html".into(), "this page".into()));
    let path = out.join("report.html");
    parkplan::io::write_atomic(&path, |w| parkplan::report::write_report(w, &input))?;
    progress("report", t, &path.display().to_string());
    Ok(())
}

pub fn run(args: Args) -> Result<(), parkplan::Error> {
    let started = Instant::now();
    let files = args.scenario.files();
    let out = args.out;
    let date = args
        .date
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    // The tables plan writes by these names must not replace one of its inputs.
    let mut inputs = vec![
        files.parcels.as_path(),
        files.sensitive.as_path(),
        files.rules.as_path(),
    ];
    inputs.extend(files.enterprises.iter().map(PathBuf::as_path));
    for name in [
        "screen.csv",
        "rank.csv",
        "parcels.geojson",
        "assignments.csv",
        "options.csv",
        "summary.json",
        "report.html",
    ] {
        parkplan::io::check_not_input(&out.join(name), &inputs)?;
    }
    let (scenario, validated) = stage_validate(&files)?;
    // Screening, ranking and the candidates they hand on, exactly as `allocate` gathers them.
    let t = Instant::now();
    let admission = parkplan::pipeline::admit(&scenario, date);
    let screen_part = stage_screen(&scenario, &admission, date, &out, t)?;
    let ranked = stage_rank(&scenario, &admission, &out)?;
    let allocated = stage_allocate(&scenario, &admission, args.mode, &out)?;
    let drawn = stage_maps(&files, &scenario, &ranked, &allocated, &out)?;
    let Ranked {
        part: rank_part, ..
    } = ranked;
    let Allocated {
        part: alloc_part, ..
    } = allocated;
    stage_report(
        &files,
        &scenario,
        vec![validated, screen_part, rank_part, alloc_part, drawn],
        &out,
    )?;
    eprintln!(
        "plan: done in {} ms, see {}",
        started.elapsed().as_millis(),
        out.join("report.html").display()
    );
    Ok(())
}
