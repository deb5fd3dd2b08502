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
}

pub fn run(args: Args) -> Result<(), parkplan::Error> {
    let started = Instant::now();
    let files = args.scenario.files();
    // Before any work: no file the plan writes may replace one of its inputs.
    plan::check_outputs(&args.out, &plan::plan_files(true), &files.inputs())?;
    let mut progress = StderrProgress::stages("plan");
    let t = Instant::now();
    progress.begin(Stage::Load, None);
    let scenario = load_scenario(&files)?;
    progress.stage(Stage::Load, &loaded(&scenario), Some(t.elapsed()));
    let mut p = Plan::new(&scenario)
        .mode(args.mode.into())
        .maps(args.print.options(parkplan::i18n::Lang::Zh, None))
        .lang(args.lang.map_or(parkplan::i18n::Lang::Zh, Into::into))
        .chinese_tables(args.lang == Some(super::LangArg::Zh));
    if let Some(d) = args.date {
        p = p.date(d);
    }
    let outcome = p.run_with(&mut progress)?;
    let tables = plan::Tables {
        bom: !args.csv.no_bom,
        xlsx: false,
    };
    plan::write_folder_with(&outcome, &args.out, tables, &mut progress)?;
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
