//! The output folder: the one list of files a run writes, and writing them.
//!
//! `plan` writes every file of [`plan_files`]; `allocate` writes the allocation's four
//! ([`allocation_files`]) and, on request, the LP model. Every path is checked against the run's
//! inputs before anything is written, so an output never replaces an input. CSV files start
//! with a UTF-8 byte-order mark unless [`Tables::bom`] is off, so Excel reads their Chinese;
//! `plan.xlsx` holds every table as a sheet of one workbook.

use super::{Outcome, Progress, Stage, maps, report};
use crate::error::Error;
use crate::io::xlsx::Sheet;
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
const PLAN_XLSX: &str = "plan.xlsx";
const ALLOCATION_XLSX: &str = "allocation.xlsx";

/// How a run's tables are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tables {
    /// Start each CSV with the UTF-8 byte-order mark Excel needs (default: true).
    pub bom: bool,
    /// The allocation's tables as `allocation.xlsx` instead of its two CSV files.
    pub xlsx: bool,
}

impl Default for Tables {
    fn default() -> Self {
        Tables {
            bom: true,
            xlsx: false,
        }
    }
}

/// Write a CSV file: the byte-order mark when `bom`, then the table.
fn write_csv_file(
    path: &Path,
    bom: bool,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    write_atomic(path, |w| {
        if bom {
            w.write_all(crate::io::cell::BOM)?;
        }
        write(w)
    })
}

/// A table's CSV text, as its writer writes it, for a workbook sheet.
fn table(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<Vec<u8>, Error> {
    let mut v = Vec::new();
    write(&mut v).map_err(|e| Error::io("<table>", e))?;
    Ok(v)
}
/// The plan's layers for QGIS (`plan` always, `allocate --format gpkg`).
pub const GPKG: &str = "plan.gpkg";

/// The allocation's files, as `allocate` and `plan` both write them.
pub fn allocation_files() -> Vec<Listed> {
    allocation_files_as(Tables::default())
}

/// The allocation's files when its tables are written as `tables` says.
pub fn allocation_files_as(tables: Tables) -> Vec<Listed> {
    if tables.xlsx {
        return vec![
            Listed::one(
                PARCELS,
                "parcels with the assignment in their properties (for QGIS)",
            ),
            Listed::one(
                ALLOCATION_XLSX,
                "the assignments and the relocation options, one sheet each",
            ),
            Listed::one(
                SUMMARY,
                "objective, proved bound, gap, the unplaced with reasons",
            ),
        ];
    }
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
    v.extend(robustness_files(ranked));
    v.push(Listed::one(
        PLAN_XLSX,
        "every table above as a sheet of one Excel workbook, with the rule version and hash",
    ));
    v.push(Listed::one(
        GPKG,
        "GeoPackage for QGIS: parcels (assignment, exclusions, distances), sensitive areas, buffer rings, urban sites, relocation lines, styled",
    ));
    v.push(Listed::drawing(maps::PARK_MAP, "park layout map"));
    v.push(Listed::drawing(maps::RELOCATION_MAP, "relocation map"));
    v.push(Listed::one(REPORT, "this page"));
    v
}

/// Every file `plan` writes, with `compared` (`plan --compare`) the comparison's files before
/// the report ([`super::compare::compare_files`]).
pub fn plan_files_with(ranked: bool, compared: bool) -> Vec<Listed> {
    let mut v = plan_files(ranked);
    if compared {
        let at = v.len() - 1; // before report.html
        let files = super::compare::compare_files()
            .into_iter()
            .map(|(names, holds)| Listed {
                names,
                holds: holds.to_string(),
            });
        v.splice(at..at, files);
    }
    v
}

/// The robustness files of a plan (README "Robustness"); the ranking's table only when the rule
/// set ranks.
fn robustness_files(ranked: bool) -> Vec<Listed> {
    use super::robustness as r;
    let mut v = vec![Listed::one(
        r::JSON,
        "robustness: class stability over seeded draws, constraint prices, next-best parcels, parcel irreplaceability",
    )];
    if ranked {
        v.push(Listed::one(
            r::RANKING_CSV,
            "share of draws keeping each class and side of the weed-out line; borderline flags",
        ));
    }
    v.push(Listed::one(
        r::PRICES_CSV,
        "objective gained by relaxing each constraint one step",
    ));
    v.push(Listed::one(
        r::NEXT_BEST_CSV,
        "each placed enterprise's next-best parcel and the weight it would lose there",
    ));
    v.push(Listed::one(
        r::PARCELS_CSV,
        "how much the optimum drops without each parcel in use",
    ));
    v
}

/// Write the robustness files into `dir`.
fn write_robustness(
    dir: &Path,
    r: &super::robustness::Robustness,
    ranked: bool,
    bom: bool,
) -> Result<(), Error> {
    use super::robustness as rb;
    use crate::allocate::sensitivity as s;
    write_atomic(&dir.join(rb::JSON), |w| rb::write_json(w, r))?;
    if ranked {
        write_csv_file(&dir.join(rb::RANKING_CSV), bom, |w| {
            rb::write_ranking_csv(w, r)
        })?;
    }
    let a = &r.allocation;
    write_csv_file(&dir.join(rb::PRICES_CSV), bom, |w| s::write_prices(w, a))?;
    write_csv_file(&dir.join(rb::NEXT_BEST_CSV), bom, |w| {
        s::write_next_best(w, a)
    })?;
    write_csv_file(&dir.join(rb::PARCELS_CSV), bom, |w| s::write_parcels(w, a))
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
    tables: Tables,
) -> Result<(), Error> {
    let inputs = o.scenario.files.inputs();
    check_outputs(dir, &allocation_files_as(tables), &inputs)?;
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
    write_allocation_files(o, staging.path(), timings, tables)?;
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
    let listed = allocation_files_as(tables);
    staging.commit(listed.iter().flat_map(|l| &l.names).map(String::as_str))
}

/// The allocation's files into `dir` as `tables` says, unchecked (the callers check and stage).
fn write_allocation_files(
    o: &Outcome,
    dir: &Path,
    timings: bool,
    tables: Tables,
) -> Result<(), Error> {
    use crate::allocate::output;
    let (p, a, rules) = (o.problem(), &o.allocation, &o.scenario.rules);
    let lang = tables_lang(o);
    write_atomic(&dir.join(PARCELS), |w| output::write_parcels(w, &p, a))?;
    if tables.xlsx {
        let assignments = table(|w| output::write_assignments_in(w, a, lang))?;
        let options = table(|w| output::write_options_in(w, a, lang))?;
        let sheets = [
            Sheet::new(ASSIGNMENTS_SHEET, &assignments),
            Sheet::new(OPTIONS_SHEET, &options),
        ];
        write_atomic(&dir.join(ALLOCATION_XLSX), |w| {
            crate::io::xlsx::write_workbook(w, &sheets, &about(o))
        })?;
    } else {
        write_csv_file(&dir.join(ASSIGNMENTS), tables.bom, |w| {
            output::write_assignments_in(w, a, lang)
        })?;
        write_csv_file(&dir.join(OPTIONS), tables.bom, |w| {
            output::write_options_in(w, a, lang)
        })?;
    }
    write_atomic(&dir.join(SUMMARY), |w| {
        output::write_summary(w, &p, a, rules, timings)
    })
}

/// The language of the CSV and workbook tables: Chinese headers and values when asked
/// (`--lang zh`), else the stable English ids (the workbooks' headers are Chinese either way).
fn tables_lang(o: &Outcome) -> crate::i18n::Lang {
    match o.chinese_tables {
        true => crate::i18n::Lang::Zh,
        false => crate::i18n::Lang::En,
    }
}

/// Sheet names of the workbooks.
const SCREEN_SHEET: &str = "准入筛选";
const RANK_SHEET: &str = "亩均评价";
const ASSIGNMENTS_SHEET: &str = "地块分配";
const OPTIONS_SHEET: &str = "搬迁选址";

/// The rules sheet of a run's workbook: the rule set, the date, the mode and the scenario.
fn about(o: &Outcome) -> Vec<(String, String)> {
    let mut v = crate::io::xlsx::about_rules(&o.scenario.rules, "");
    v.push(("评估日期".into(), o.date.to_string()));
    v.push(("分配模式".into(), o.mode.as_str().to_string()));
    v.push(("情景".into(), o.scenario.files.name()));
    v
}

/// Write `plan.gpkg` into `dir` (in the scenario's output CRS, WGS84 by default).
pub fn write_gpkg(o: &Outcome, dir: &Path) -> Result<(), Error> {
    let path = dir.join(GPKG);
    check_not_input(&path, &o.scenario.files.inputs())?;
    super::gis::write_gpkg(o, &path)
}

/// Write the whole plan into `dir`: the screening and ranking tables, the ranking charts, the
/// allocation's files (without timings, so reruns give the same bytes), `plan.xlsx`, both maps
/// and the report; CSV files with the byte-order mark. Reports the maps and report stages to
/// `progress`.
pub fn write_folder(o: &Outcome, dir: &Path, progress: &mut dyn Progress) -> Result<(), Error> {
    write_folder_with(o, dir, Tables::default(), progress)
}

/// [`write_folder`], the CSV files written as `tables` says (its `xlsx` is ignored: the plan
/// writes both its CSV files and `plan.xlsx`).
pub fn write_folder_with(
    o: &Outcome,
    dir: &Path,
    tables: Tables,
    progress: &mut dyn Progress,
) -> Result<(), Error> {
    write_plan_folder(o, None, dir, tables, progress)
}

/// [`write_folder_with`] for `plan --compare`: also the comparison of `o` with `other`
/// (`compare.json`, its tables and workbook, the difference map) and its report sections.
pub fn write_folder_compared(
    o: &Outcome,
    compared: (&super::compare::Comparison, &Outcome),
    dir: &Path,
    tables: Tables,
    progress: &mut dyn Progress,
) -> Result<(), Error> {
    write_plan_folder(o, Some(compared), dir, tables, progress)
}

fn write_plan_folder(
    o: &Outcome,
    compared: Option<(&super::compare::Comparison, &Outcome)>,
    dir: &Path,
    tables: Tables,
    progress: &mut dyn Progress,
) -> Result<(), Error> {
    let tables = Tables {
        xlsx: false,
        ..tables
    };
    let s = o.scenario;
    let workbook = fits_workbook(o);
    let mut listed = plan_files_with(o.has_ranking(), compared.is_some());
    if !workbook {
        listed.retain(|l| l.names != [PLAN_XLSX] && l.names != [super::compare::write::XLSX]);
        progress.warning(&format!(
            "warning: {PLAN_XLSX} is not written: a table has more rows than the {} an Excel sheet holds; the CSV files have every row",
            crate::io::xlsx::MAX_ROWS
        ));
    }
    check_outputs(dir, &listed, &s.files.inputs())?;
    create_output_dir(dir)?;
    // Everything is written into the staging folder and moved into `out` at the end.
    let (out, staging) = (dir, Staging::new(dir)?);
    let dir = staging.path();
    let t = Instant::now();
    progress.begin(Stage::Write, Some(4));
    let applicants = &o.admission.roles.applicants;
    // Every table is Chinese when asked (`--lang zh`); the workbook's sheets are the same tables.
    let lang = tables_lang(o);
    let screened =
        table(|w| crate::screen::write_csv_in(w, &o.admission.screen, applicants, &s.rules, lang))?;
    write_csv_file(&dir.join(SCREEN_CSV), tables.bom, |w| {
        w.write_all(&screened)
    })?;
    progress.advance(1);
    let mut charts = Vec::new();
    let mut ranked = Vec::new();
    if o.has_ranking() {
        let ranking = &o.admission.ranking;
        ranked = table(|w| crate::rank::write_csv_in(w, ranking, lang))?;
        write_csv_file(&dir.join(RANK_CSV), tables.bom, |w| w.write_all(&ranked))?;
        charts = crate::render::charts::draw_ranking_charts_in(ranking, o.maps.lang)?;
        crate::render::charts::write_charts(dir, &charts)?;
    }
    progress.advance(2);
    write_allocation_files(o, dir, false, tables)?;
    progress.advance(3);
    write_gpkg(o, dir)?;
    if workbook {
        write_plan_workbook(o, dir, &screened, &ranked)?;
    }
    progress.advance(4);
    progress.stage(
        Stage::Write,
        "screening, ranking and allocation tables, charts, parcels.geojson, plan.gpkg",
        Some(t.elapsed()),
    );

    let t = Instant::now();
    progress.begin(Stage::Robustness, None);
    let robust = super::robustness::measure(o);
    write_robustness(dir, &robust, o.has_ranking(), tables.bom)?;
    progress.stage(
        Stage::Robustness,
        &super::robustness::summary(&robust),
        Some(t.elapsed()),
    );

    let t = Instant::now();
    let meter = progress.metered(Stage::Maps);
    let inputs = maps::MapInputs::from_outcome(o);
    let drawn = maps::draw_counted(s, &inputs, &o.maps, Some(&meter))?;
    maps::write(dir, &drawn)?;
    progress.stage(
        Stage::Maps,
        &format!(
            "park-map and relocation-map on {}, SVG and PNG, {} parcels assigned; {} ranking charts",
            o.maps.paper.name(),
            inputs.assigned.len(),
            charts.len()
        ),
        Some(t.elapsed()),
    );

    let mut compare_sections = Vec::new();
    if let Some((c, other)) = compared {
        let t = Instant::now();
        progress.begin(Stage::Compare, None);
        let map = super::compare::map::draw(c, other)?;
        super::compare::write_comparison(c, &map, dir, (tables.bom, tables_lang(o)), workbook)?;
        compare_sections = super::compare::section::sections(c, o.lang, &map.svg);
        progress.stage(
            Stage::Compare,
            &super::compare::write::summary_line(c),
            Some(t.elapsed()),
        );
    }

    let t = Instant::now();
    progress.begin(Stage::Report, Some(2));
    let figures: Vec<(String, String)> = charts
        .into_iter()
        .map(|c| (c.name.to_string(), c.svg))
        .collect();
    let mut page = report::build(o, &listed, &inputs, &drawn, &figures);
    report::insert_robustness(&mut page, o, &robust);
    // The comparison right after the conclusion: it is what a comparing run is for.
    let at = page.sections.len().min(1);
    page.sections.splice(at..at, compare_sections);
    progress.advance(1);
    write_atomic(&dir.join(REPORT), |w| crate::report::write_report(w, &page))?;
    progress.advance(2);
    staging.commit(listed.iter().flat_map(|l| &l.names).map(String::as_str))?;
    progress.stage(
        Stage::Report,
        &out.join(REPORT).display().to_string(),
        Some(t.elapsed()),
    );
    Ok(())
}

/// `plan.xlsx`: the screening, the ranking (when there is one), the assignments and the
/// relocation options as sheets, and the rules sheet.
fn write_plan_workbook(
    o: &Outcome,
    dir: &Path,
    screened: &[u8],
    ranked: &[u8],
) -> Result<(), Error> {
    use crate::allocate::output;
    let a = &o.allocation;
    let lang = tables_lang(o);
    let assignments = table(|w| output::write_assignments_in(w, a, lang))?;
    let options = table(|w| output::write_options_in(w, a, lang))?;
    let mut sheets = vec![Sheet::new(SCREEN_SHEET, screened)];
    if o.has_ranking() {
        sheets.push(Sheet::new(RANK_SHEET, ranked));
    }
    sheets.push(Sheet::new(ASSIGNMENTS_SHEET, &assignments));
    sheets.push(Sheet::new(OPTIONS_SHEET, &options));
    write_atomic(&dir.join(PLAN_XLSX), |w| {
        crate::io::xlsx::write_workbook(w, &sheets, &about(o))
    })
}

/// Whether every table of the plan fits on an Excel sheet; a plan with more rows than a sheet
/// holds writes its CSV files only (the CSV files have every row; a workbook cut short would
/// not).
fn fits_workbook(o: &Outcome) -> bool {
    let a = &o.allocation;
    [
        o.admission.roles.applicants.len(),
        o.admission.ranking.evaluations.len(),
        a.assignments.len(),
        a.options.len(),
    ]
    .iter()
    .all(|&n| n <= crate::io::xlsx::MAX_ROWS)
}
