//! `parkplan allocate`: the plan's allocation stage and its files. The candidates come from the
//! same library path as `plan` ([`parkplan::plan::Plan`]), or from a candidates file.

use super::{ModeArg, StderrProgress, parse_date};
use chrono::NaiveDate;
use parkplan::allocate::input;
use parkplan::plan::{self, Given, Plan, text};
use parkplan::scenario::load_scenario;
use std::path::PathBuf;

/// Arguments of `parkplan allocate`. Any file given replaces the bundled one.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    scenario: super::ScenarioArgs,
    /// Candidates CSV (id,name,industry_code,cluster,pollution_class,requested_mu,priority,kind,
    /// lon,lat,planned_far) instead of screening and ranking the enterprise files; rows of kind
    /// `relocating` only get relocation options.
    #[arg(long, conflicts_with = "enterprises")]
    candidates: Option<PathBuf>,
    /// Evaluation date for certificates, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = parse_date)]
    date: Option<NaiveDate>,
    /// plots: one enterprise per parcel, exact; blocks: enterprises share parcels up to their area (MIP).
    #[arg(long, value_enum, default_value = "plots")]
    mode: ModeArg,
    /// Output folder.
    #[arg(long, default_value = "out/allocate")]
    out: PathBuf,
    /// Also write the model as a CPLEX LP file (any solver can check the optimum).
    #[arg(long)]
    write_lp: Option<PathBuf>,
    /// Leave timings out of summary.json, so reruns are byte-identical.
    #[arg(long)]
    no_timings: bool,
    /// geojson: the four files (tables as CSV); gpkg: also plan.gpkg (the plan's layers for
    /// QGIS, styled); xlsx: the two tables as allocation.xlsx instead of CSV. Comma-separated
    /// or repeated: `--format gpkg,xlsx`.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "geojson")]
    format: Vec<OutputFormat>,
    #[command(flatten)]
    csv: super::CsvArgs,
}

/// What `allocate` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    Geojson,
    Gpkg,
    Xlsx,
}

pub fn run(args: Args) -> Result<(), parkplan::Error> {
    let mut files = args.scenario.files();
    if args.candidates.is_some() {
        files.enterprises = Vec::new();
    }
    let tables = plan::Tables {
        bom: !args.csv.no_bom,
        xlsx: args.format.contains(&OutputFormat::Xlsx),
    };
    // Refuse before any work an output that would overwrite an input of this run.
    let mut inputs = files.inputs();
    inputs.extend(args.candidates.as_deref());
    plan::check_outputs(&args.out, &plan::allocation_files_as(tables), &inputs)?;
    if let Some(lp) = &args.write_lp {
        parkplan::io::check_not_input(lp, &inputs)?;
    }
    let scenario = load_scenario(&files)?;
    let mut p = Plan::new(&scenario)
        .mode(args.mode.into())
        .command("parkplan allocate");
    if let Some(d) = args.date {
        p = p.date(d);
    }
    if let Some(path) = &args.candidates {
        let (all, planned_far) = input::load_candidates(path, &scenario.rules)?;
        let (candidates, probes) = input::split_probes(all);
        p = p.candidates(Given {
            candidates,
            probes,
            planned_far,
        });
    }
    let outcome = p.run_with(&mut StderrProgress::warnings_only())?;
    for line in text::allocation_notes(&outcome) {
        eprintln!("{line}");
    }
    plan::write_allocation(
        &outcome,
        &args.out,
        !args.no_timings,
        args.write_lp.as_deref(),
        tables,
    )?;
    if args.format.contains(&OutputFormat::Gpkg) {
        plan::write_gpkg(&outcome, &args.out)?;
    }
    print!("{}", text::allocation_summary(&outcome, &args.out));
    super::keep_until_exit(outcome);
    super::keep_until_exit(scenario);
    Ok(())
}
