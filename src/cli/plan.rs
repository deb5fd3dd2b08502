//! `parkplan plan`: the whole pipeline — validate, screen, rank, allocate, maps, report — on the
//! bundled Lingkun scenario (or any scenario's files) into one output folder, with one progress
//! line per stage on stderr. The pipeline is the library's [`parkplan::plan::Plan`].

use super::{ModeArg, StderrProgress, parse_date};
use chrono::NaiveDate;
use parkplan::plan::{self, Plan, Progress, Stage};
use parkplan::scenario::load_scenario;
use std::path::PathBuf;
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
    mode: ModeArg,
    /// How the maps are printed: --paper a4|a3|a2, --park-name, --office.
    #[command(flatten)]
    print: super::map::PrintArgs,
    #[command(flatten)]
    csv: super::CsvArgs,
    /// Language of the report and maps (default zh); `zh` given also writes screen.csv with
    /// Chinese headers and values.
    #[arg(long, value_enum)]
    lang: Option<super::LangArg>,
    #[command(flatten)]
    compare: CompareArgs,
}

/// What `plan` compares its plan with: the same scenario with another rule file, registry or
/// parcels file (any combination).
#[derive(clap::Args, Debug)]
struct CompareArgs {
    /// Compare with the plan under this rule file: writes compare.json, compare-*.csv,
    /// compare.xlsx, compare-map.svg/png and a comparison section in report.html.
    #[arg(long, value_name = "OTHER.toml")]
    compare: Option<PathBuf>,
    /// Compare with the plan on this registry (repeatable): it replaces the registries of its
    /// role (applicants or urban), e.g. this year's against last year's.
    #[arg(long, value_name = "FILE")]
    compare_enterprises: Vec<PathBuf>,
    /// Compare with the plan on this parcels file (another layout).
    #[arg(long, value_name = "FILE")]
    compare_parcels: Option<PathBuf>,
}

impl CompareArgs {
    fn replace(&self) -> plan::compare::Replace {
        plan::compare::Replace {
            rules: self.compare.clone(),
            enterprises: self.compare_enterprises.clone(),
            parcels: self.compare_parcels.clone(),
        }
    }
}

pub fn run(args: Args) -> Result<(), parkplan::Error> {
    let started = Instant::now();
    let files = args.scenario.files();
    let replace = args.compare.replace();
    let compared = !replace.is_empty();
    // Before any work: no file the plan writes may replace one of its inputs.
    let mut inputs = files.inputs();
    inputs.extend(replace.inputs());
    let listed = plan::plan_files_with(true, compared);
    plan::check_outputs(&args.out, &listed, &inputs)?;
    let mut progress = StderrProgress::stages("plan");
    let t = Instant::now();
    let meter = progress.metered(Stage::Load);
    let scenario = parkplan::scenario::load_scenario_counted(&files, Some(&meter))?;
    progress.stage(Stage::Load, &loaded(&scenario), Some(t.elapsed()));
    // The other plan's files are read before any work, so a bad one stops the run at once.
    let other_scenario = match compared {
        true => Some(load_scenario(&plan::compare::other_files(
            &scenario, &replace,
        )?)?),
        false => None,
    };
    // Both plans on one date: the default (today) is read once.
    let date = args
        .date
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let maps = args.print.options(parkplan::i18n::Lang::Zh, None);
    let lang = args.lang.map_or(parkplan::i18n::Lang::Zh, Into::into);
    let mode = args.mode.into();
    let plan_of = |s| {
        Plan::new(s)
            .mode(mode)
            .maps(maps.clone())
            .lang(lang)
            .chinese_tables(args.lang == Some(super::LangArg::Zh))
            .date(date)
    };
    let mut base = super::warned::Warned {
        inner: &mut progress,
        seen: Default::default(),
    };
    let outcome = plan_of(&scenario).run_with(&mut base)?;
    let seen = base.seen;
    let tables = plan::Tables {
        bom: !args.csv.no_bom,
        xlsx: false,
    };
    if let Some(other_scenario) = &other_scenario {
        let t = Instant::now();
        let mut other_progress = super::warned::OtherWarnings(seen);
        let other = plan_of(other_scenario).run_with(&mut other_progress)?;
        let c = plan::compare::Comparison::new(&outcome, &other);
        progress.stage(
            Stage::Compare,
            &format!("the other plan: {}", loaded(other_scenario)),
            Some(t.elapsed()),
        );
        plan::write_folder_compared(&outcome, (&c, &other), &args.out, tables, &mut progress)?;
    } else {
        plan::write_folder_with(&outcome, &args.out, tables, &mut progress)?;
    }
    eprintln!(
        "plan: done in {} ms, see {}",
        started.elapsed().as_millis(),
        args.out.join("report.html").display()
    );
    super::keep_until_exit(outcome);
    super::keep_until_exit(scenario);
    Ok(())
}

/// "400 parcels, 40 sensitive areas, 2 registries of 720 rows": what was read.
fn loaded(s: &parkplan::scenario::Scenario) -> String {
    let rows: usize = s.registries.iter().map(|(_, r)| r.enterprises.len()).sum();
    format!(
        "{} parcels, {} sensitive areas, {} registries of {rows} rows",
        s.park.parcels.len(),
        s.park.sensitive.len(),
        s.registries.len()
    )
}
