//! `parkplan plan`: the whole pipeline — validate, screen, rank, allocate, maps, report — on the
//! bundled Lingkun scenario (or any scenario's files) into one output folder, with one progress
//! line per stage on stderr.
//!
//! Each stage is one function below (`stage_*`) returning what it hands on: candidates for the
//! allocation, sites and labels for the maps, and a [`Part`] for the report (summary figures, a
//! section, the files it wrote). A stage not yet built says so on stderr and in the report.

use super::map as maps;
use parkplan::error::{InputError, Place, Problems};
use parkplan::model::Candidate;
use parkplan::render::map::{Assigned, Link, Site};
use parkplan::report::{Figure, ReportInput, Section, Table};
use parkplan::validate::{Scenario, ScenarioFiles, load_scenario, summarize};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `parkplan plan`. Any scenario file given replaces the bundled one.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output folder: every stage's tables, the maps, the charts and report.html.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Parcels GeoJSON (default: the bundled parcels/lingkun.geojson).
    #[arg(long)]
    parcels: Option<PathBuf>,
    /// Sensitive areas GeoJSON (default: parcels/lingkun-sensitive.geojson).
    #[arg(long)]
    sensitive: Option<PathBuf>,
    /// Enterprise CSV; repeat for several (default: the bundled applicants and urban registry).
    #[arg(long)]
    enterprises: Vec<PathBuf>,
    /// Rule set TOML (default: rules/lingkun.toml).
    #[arg(long)]
    rules: Option<PathBuf>,
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

/// The screening stage's hand-over.
#[derive(Debug, Default)]
pub(crate) struct Screened {
    pub part: Part,
    /// Admitted and conditional applicants, for the allocation.
    pub candidates: Vec<Candidate>,
}

/// The ranking stage's hand-over.
#[derive(Debug, Default)]
pub(crate) struct Ranked {
    pub part: Part,
    /// Converting urban enterprises, for the allocation.
    pub candidates: Vec<Candidate>,
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
    maps::print_load_warnings(&scenario);
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

/// A stage that is not on this branch yet: says so on stderr and in the report.
fn not_built(stage: &str, id: &str, title: &str, module: &str) -> Part {
    eprintln!("plan: {stage:<9} not built yet ({module} is not in this build); skipped");
    Part {
        summary: vec![],
        section: Some(Section {
            id: id.into(),
            title: title.into(),
            notes: vec![format!(
                "Not run: {module} is not in this build of parkplan."
            )],
            ..Default::default()
        }),
        files: vec![],
    }
}

/// Stage 2: screen the applicants.
// LEAD: call parkplan::screen on `s` (applicants, s.rules), write its table into `out`
// (screen.csv), and fill: part.summary (admitted / conditional / rejected counts),
// part.section (tables: admitted, conditional, rejected with reasons; figures: screening charts
// from parkplan::render::charts), part.files, and `candidates` (admitted + conditional).
fn stage_screen(_s: &Scenario, _out: &Path) -> Result<Screened, parkplan::Error> {
    Ok(Screened {
        part: not_built("screen", "screen", "Screening 入园审核", "parkplan::screen"),
        candidates: vec![],
    })
}

/// Stage 3: rank the urban enterprises.
// LEAD: call parkplan::evaluate on `s`, write rank.csv into `out`, and fill: part.summary
// (counts by class A/B/C/D, relocate, convert), part.section (relocation ranking table with
// burden, class, action; the charts: `render::charts::write_ranking_charts(&ranking, out)`
// returns the files it wrote, and `svg_figures` below turns its .svg files into report figures),
// part.files, `candidates` (converting enterprises), and `sites`: one Site per urban enterprise
// with class ("A".."D", or "not rated") and action ("retain", "rectify", "relocate",
// "convert"). Start from `maps::sites(s)` (id, name, lon, lat) and set class and action from
// the ranking's evaluations by id.
fn stage_rank(s: &Scenario, _out: &Path) -> Result<Ranked, parkplan::Error> {
    Ok(Ranked {
        part: not_built(
            "rank",
            "rank",
            "Relocation ranking 亩均效益评价",
            "parkplan::evaluate",
        ),
        candidates: vec![],
        sites: maps::sites(s),
    })
}

/// Report figures from the SVG files a stage wrote (its charts), captioned with the file name.
#[allow(dead_code)] // used once the rank and screen stages are wired in
fn svg_figures(paths: &[PathBuf]) -> Result<Vec<Figure>, parkplan::Error> {
    let mut out = Vec::new();
    for p in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
    {
        let svg = std::fs::read_to_string(p).map_err(|e| parkplan::Error::io(p, e))?;
        let caption = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push(Figure { caption, svg });
    }
    Ok(out)
}

/// Stage 4: allocate the candidates to parcels.
// LEAD: call parkplan::allocate on s.park, s.rules and screen.candidates + rank.candidates,
// write parcels.geojson, assignments.csv and summary.json into `out`, and fill: part.summary
// (placed, unplaced, objective, gap), part.section (allocation table; unplaced with reasons),
// part.files, `assigned` and `links`. With the allocate branch's `Allocation`:
//   assigned: for each a in allocation.assignments, push Label { short_name:
//     render::map::short_name(&candidate.name), enterprise_id: a.enterprise_id, cluster:
//     candidate.cluster } onto assigned[a.parcel_id] (several per parcel in block mode);
//   links: for each converting candidate with a site, Link { enterprise_id, parcel_id,
//     assigned: true } from its assignment, else from allocation.options with rank 1,
//     assigned: false (its best option, drawn dashed).
fn stage_allocate(
    _s: &Scenario,
    screen: &Screened,
    rank: &Ranked,
    _out: &Path,
) -> Result<Allocated, parkplan::Error> {
    let mut part = not_built(
        "allocate",
        "allocate",
        "Land allocation 用地分配",
        "parkplan::allocate",
    );
    if let Some(section) = &mut part.section {
        let waiting = screen.candidates.len() + rank.candidates.len();
        section.notes.push(format!(
            "{waiting} candidates from screening and ranking were not placed."
        ));
    }
    Ok(Allocated {
        part,
        ..Default::default()
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
    let files = maps::scenario_files(args.parcels, args.sensitive, args.enterprises, args.rules);
    let out = args.out;
    let (scenario, validated) = stage_validate(&files)?;
    let screened = stage_screen(&scenario, &out)?;
    let ranked = stage_rank(&scenario, &out)?;
    let allocated = stage_allocate(&scenario, &screened, &ranked, &out)?;
    let drawn = stage_maps(&files, &scenario, &ranked, &allocated, &out)?;
    let Screened {
        part: screen_part, ..
    } = screened;
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
