//! `parkplan plan`: the whole pipeline — validate, screen, rank, allocate, maps, report — on the
//! bundled Lingkun scenario (or any scenario's files) into one output folder, with one progress
//! line per stage on stderr. The pipeline is the library's [`parkplan::plan::Plan`].

use super::{ModeArg, StderrProgress, parse_date};
use chrono::NaiveDate;
use parkplan::plan::{self, Plan};
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
    let scenario = load_scenario(&files)?;
    let mut progress = StderrProgress::stages("plan");
    let mut p = Plan::new(&scenario)
        .mode(args.mode.into())
        .lang(args.lang.map_or(parkplan::i18n::Lang::Zh, Into::into))
        .chinese_tables(args.lang == Some(super::LangArg::Zh));
    if let Some(d) = args.date {
        p = p.date(d);
    }
    let outcome = p.run_with(&mut progress)?;
    plan::write_folder(&outcome, &args.out, &mut progress)?;
    eprintln!(
        "plan: done in {} ms, see {}",
        started.elapsed().as_millis(),
        args.out.join("report.html").display()
    );
    Ok(())
}
