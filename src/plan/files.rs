//! The output folder: the one list of files a run writes, and writing them.
//!
//! `plan` writes every file of [`plan_files`]; `allocate` writes the allocation's four
//! ([`allocation_files`]) and, on request, the LP model. Every path is checked against the run's
//! inputs before anything is written, so an output never replaces an input.

use super::{Outcome, Progress, Stage, maps, report};
use crate::error::Error;
use crate::io::{Staging, check_not_input, create_output_dir, write_atomic};
use std::path::Path;
use std::time::Instant;

/// One entry of an output folder: its file names and what they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// One file, or an SVG and its PNG.
    pub names: Vec<String>,
    pub holds: String,
}

impl Listed {
    fn one(name: &str, holds: &str) -> Self {
        Listed {
            names: vec![name.to_string()],
            holds: holds.to_string(),
        }
    }
    fn drawing(stem: &str, holds: &str) -> Self {
        Listed {
            names: vec![format!("{stem}.svg"), format!("{stem}.png")],
            holds: holds.to_string(),
        }
    }
    /// The names as the report lists them: `park-map.svg / park-map.png`.
    pub fn shown(&self) -> String {
        self.names.join(" / ")
    }
}

const SCREEN_CSV: &str = "screen.csv";
const RANK_CSV: &str = "rank.csv";
const PARCELS: &str = "parcels.geojson";
const ASSIGNMENTS: &str = "assignments.csv";
const OPTIONS: &str = "options.csv";
const SUMMARY: &str = "summary.json";
const REPORT: &str = "report.html";
/// The plan's layers for QGIS (`plan` always, `allocate --format gpkg`).
pub const GPKG: &str = "plan.gpkg";

/// The allocation's files, as `allocate` and `plan` both write them.
pub fn allocation_files() -> Vec<Listed> {
    vec![
        Listed::one(
            PARCELS,
            "parcels with the assignment in their properties (for QGIS)",
        ),
        Listed::one(
            ASSIGNMENTS,
            "enterprise_id, parcel_id and the weight of each placement",
        ),
        Listed::one(OPTIONS, "feasible parcels of each relocating enterprise"),
        Listed::one(
            SUMMARY,
            "objective, proved bound, gap, the unplaced with reasons",
        ),
    ]
}

/// Every file `plan` writes, in the order the report lists them; the ranking's table and
/// charts only when the rule set ranks (`ranked`).
pub fn plan_files(ranked: bool) -> Vec<Listed> {
    let mut v = vec![Listed::one(
        SCREEN_CSV,
        "one row per applicant: decision, score, criteria not passed",
    )];
    if ranked {
        v.push(Listed::one(
            RANK_CSV,
            "per-mu evaluation: score, class, action, rank, indicators",
        ));
        v.extend(
            crate::render::charts::NAMES
                .iter()
                .map(|c| Listed::drawing(c, "ranking chart")),
        );
    }
    v.extend(allocation_files());
    v.push(Listed::one(
        GPKG,
        "GeoPackage for QGIS: parcels (assignment, exclusions, distances), sensitive areas, buffer rings, urban sites, relocation lines, styled",
    ));
    v.push(Listed::drawing(maps::PARK_MAP, "park layout map"));
    v.push(Listed::drawing(maps::RELOCATION_MAP, "relocation map"));
    v.push(Listed::one(REPORT, "this page"));
    v
}

/// Refuse any listed file in `dir` that is one of `inputs` (the rename would replace it) or
/// that exists as anything but a regular file (a folder, a link, a FIFO or a device).
pub fn check_outputs(dir: &Path, listed: &[Listed], inputs: &[&Path]) -> Result<(), Error> {
    for name in listed.iter().flat_map(|l| &l.names) {
        let path = dir.join(name);
        check_not_input(&path, inputs)?;
        crate::io::check_output_file(&path)?;
    }
    Ok(())
}

/// Write the allocation's four files into `dir` (`timings`: put the solver's timings in
/// summary.json, which makes reruns differ), and the model as a CPLEX LP file at `lp`.
pub fn write_allocation(
    o: &Outcome,
    dir: &Path,
    timings: bool,
    lp: Option<&Path>,
) -> Result<(), Error> {
    let inputs = o.scenario.files.inputs();
    check_outputs(dir, &allocation_files(), &inputs)?;
    if let Some(lp) = lp {
        check_not_input(lp, &inputs)?;
    }
    // Both output places must take files before the first is written, so a bad LP path does
    // not leave the folder's outputs of a run that then fails.
    create_output_dir(dir)?;
    if let Some(parent) = lp
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
    {
        create_output_dir(parent)?;
    }
    let staging = Staging::new(dir)?;
    write_allocation_files(o, staging.path(), timings)?;
    if let Some(lp) = lp {
        let (p, a, rules) = (o.problem(), &o.allocation, &o.scenario.rules);
        let title = format!(
            "parkplan allocate, {} mode, rules {} ({})",
            o.mode.as_str(),
            rules.version,
            rules.short_hash()
        );
        let model = a.linear_model(&p)?;
        write_atomic(lp, |w| model.write_lp(w, &title))?;
    }
    let listed = allocation_files();
    staging.commit(listed.iter().flat_map(|l| &l.names).map(String::as_str))
}

/// The allocation's four files into `dir`, unchecked (the callers check and stage).
fn write_allocation_files(o: &Outcome, dir: &Path, timings: bool) -> Result<(), Error> {
    use crate::allocate::output;
    let (p, a, rules) = (o.problem(), &o.allocation, &o.scenario.rules);
    write_atomic(&dir.join(PARCELS), |w| output::write_parcels(w, &p, a))?;
    write_atomic(&dir.join(ASSIGNMENTS), |w| output::write_assignments(w, a))?;
    write_atomic(&dir.join(OPTIONS), |w| output::write_options(w, a))?;
    write_atomic(&dir.join(SUMMARY), |w| {
        output::write_summary(w, &p, a, rules, timings)
    })
}

/// Write `plan.gpkg` into `dir` (in the scenario's output CRS, WGS84 by default).
pub fn write_gpkg(o: &Outcome, dir: &Path) -> Result<(), Error> {
    let path = dir.join(GPKG);
    check_not_input(&path, &o.scenario.files.inputs())?;
    super::gis::write_gpkg(o, &path)
}

/// Write the whole plan into `dir`: the screening and ranking tables, the ranking charts, the
/// allocation's files (without timings, so reruns give the same bytes), both maps and the
/// report. Reports the maps and report stages to `progress`.
pub fn write_folder(o: &Outcome, dir: &Path, progress: &mut dyn Progress) -> Result<(), Error> {
    let s = o.scenario;
    let listed = plan_files(o.has_ranking());
    check_outputs(dir, &listed, &s.files.inputs())?;
    create_output_dir(dir)?;
    // Everything is written into the staging folder and moved into `out` at the end.
    let (out, staging) = (dir, Staging::new(dir)?);
    let dir = staging.path();
    let applicants = &o.admission.roles.applicants;
    let table_lang = if o.chinese_tables {
        crate::i18n::Lang::Zh
    } else {
        crate::i18n::Lang::En
    };
    write_atomic(&dir.join(SCREEN_CSV), |w| {
        crate::screen::write_csv_in(w, &o.admission.screen, applicants, &s.rules, table_lang)
    })?;
    let mut charts = Vec::new();
    if o.has_ranking() {
        let ranking = &o.admission.ranking;
        write_atomic(&dir.join(RANK_CSV), |w| crate::rank::write_csv(w, ranking))?;
        charts = crate::render::charts::draw_ranking_charts(ranking)?;
        crate::render::charts::write_charts(dir, &charts)?;
    }
    write_allocation_files(o, dir, false)?;
    write_gpkg(o, dir)?;

    let t = Instant::now();
    let mut inputs = maps::MapInputs::from_outcome(o);
    inputs.lang = o.lang;
    let drawn = maps::draw(s, &inputs)?;
    maps::write(dir, &drawn)?;
    progress.stage(
        Stage::Maps,
        &format!(
            "park-map and relocation-map, SVG and PNG, {} parcels labelled; {} ranking charts",
            inputs.assigned.len(),
            charts.len()
        ),
        Some(t.elapsed()),
    );

    let t = Instant::now();
    let figures: Vec<(String, String)> = charts
        .into_iter()
        .map(|c| (c.name.to_string(), c.svg))
        .collect();
    let page = report::build(o, &listed, &inputs, &drawn, &figures);
    write_atomic(&dir.join(REPORT), |w| crate::report::write_report(w, &page))?;
    staging.commit(listed.iter().flat_map(|l| &l.names).map(String::as_str))?;
    progress.stage(
        Stage::Report,
        &out.join(REPORT).display().to_string(),
        Some(t.elapsed()),
    );
    Ok(())
}
