//! `parkplan allocate`: load the scenario, build the candidates, allocate, write the outputs.

use chrono::NaiveDate;
use parkplan::allocate::{Mode, Problem, allocate, input, output};
use parkplan::io::write_atomic;
use parkplan::model::Candidate;
use parkplan::validate::{Scenario, load_scenario};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    #[arg(long)]
    date: Option<NaiveDate>,
    /// plots: one enterprise per parcel, exact; blocks: enterprises share parcels up to their area (MIP).
    #[arg(long, value_enum, default_value = "plots")]
    mode: Mode,
    /// Output folder.
    #[arg(long, default_value = "out/allocate")]
    out: PathBuf,
    /// Also write the model as a CPLEX LP file (any solver can check the optimum).
    #[arg(long)]
    write_lp: Option<PathBuf>,
    /// Leave timings out of summary.json, so reruns are byte-identical.
    #[arg(long)]
    no_timings: bool,
}

/// The files `allocate` writes into its output folder.
const OUTPUTS: [&str; 4] = [
    "parcels.geojson",
    "assignments.csv",
    "options.csv",
    "summary.json",
];

/// The enterprises to allocate (screened applicants and converting urban enterprises, as
/// `plan` gathers them), the relocating ones to probe for options, and the planned FARs.
fn candidates_from_scenario(
    s: &Scenario,
    date: NaiveDate,
) -> (Vec<Candidate>, Vec<Candidate>, BTreeMap<String, f64>) {
    let admission = parkplan::pipeline::admit(s, date);
    for e in &admission.excluded {
        eprintln!("not a candidate: {}: {}", e.id, e.reason);
    }
    for e in &admission.relocating_excluded {
        eprintln!("relocating: {}: {}", e.id, e.reason);
    }
    (
        admission.candidates,
        admission.relocating,
        admission.planned_far,
    )
}

pub fn run(args: Args) -> Result<(), parkplan::Error> {
    let mut files = args.scenario.files();
    if args.candidates.is_some() {
        files.enterprises = Vec::new();
    }
    // Refuse before any work an output that would overwrite an input of this run.
    let mut inputs = vec![
        files.parcels.as_path(),
        files.sensitive.as_path(),
        files.rules.as_path(),
    ];
    inputs.extend(files.enterprises.iter().map(PathBuf::as_path));
    inputs.extend(args.candidates.as_deref());
    for name in OUTPUTS {
        parkplan::io::check_not_input(&args.out.join(name), &inputs)?;
    }
    if let Some(lp) = &args.write_lp {
        parkplan::io::check_not_input(lp, &inputs)?;
    }
    let scenario = load_scenario(&files)?;
    if args.candidates.is_none() {
        scenario.rules.require_admission_criteria()?;
    }
    super::print_load_warnings(&scenario);
    let date = args
        .date
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let (candidates, probes, far) = match &args.candidates {
        Some(path) => {
            let (all, far) = input::load_candidates(path, &scenario.rules)?;
            let (candidates, probes) = input::split_probes(all);
            (candidates, probes, far)
        }
        None => candidates_from_scenario(&scenario, date),
    };
    let problem = Problem::new(&scenario.park, &candidates, &scenario.rules, args.mode)
        .planned_far(far)
        .probes(&probes);
    let a = allocate(&problem)?;
    for w in &a.warnings {
        eprintln!("warning: {w}");
    }
    for x in &a.without_options {
        eprintln!(
            "no relocation option: {} {} ({}): {}",
            x.enterprise_id, x.name, x.action, x.message
        );
    }

    let out = &args.out;
    // Both output places must take files before the first is written, so a bad --write-lp
    // path does not leave the folder's outputs from a run that then fails.
    parkplan::io::create_output_dir(out)?;
    if let Some(parent) = args
        .write_lp
        .as_deref()
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
    {
        parkplan::io::create_output_dir(parent)?;
    }
    write_atomic(&out.join("parcels.geojson"), |w| {
        output::write_parcels(w, &problem, &a)
    })?;
    write_atomic(&out.join("assignments.csv"), |w| {
        output::write_assignments(w, &a)
    })?;
    write_atomic(&out.join("options.csv"), |w| output::write_options(w, &a))?;
    write_atomic(&out.join("summary.json"), |w| {
        output::write_summary(w, &problem, &a, &scenario.rules, !args.no_timings)
    })?;
    if let Some(lp) = &args.write_lp {
        let title = format!(
            "parkplan allocate, {} mode, rules {} ({})",
            args.mode.as_str(),
            scenario.rules.version,
            scenario.rules.short_hash()
        );
        let model = a.linear_model(&problem)?;
        write_atomic(lp, |w| model.write_lp(w, &title))?;
    }

    println!("mode       {} ({})", a.mode.as_str(), a.method);
    println!(
        "status     {}: objective {:.6}, bound {:.6}, gap {:.6}",
        a.status, a.objective, a.bound, a.gap
    );
    println!(
        "assigned   {} of {} enterprises to {} parcels ({} feasible pairs)",
        a.assignments.len(),
        candidates.len(),
        scenario.park.parcels.len(),
        a.feasible.len()
    );
    for u in &a.unplaced {
        println!("unplaced   {} {}: {}", u.enterprise_id, u.name, u.message);
    }
    let with_options = |action: &str| {
        let mut ids: Vec<&str> = a
            .options
            .iter()
            .filter(|o| o.action == action)
            .map(|o| o.enterprise_id.as_str())
            .collect();
        ids.dedup();
        ids.len()
    };
    println!(
        "options    {} rows: {} converting and {} of {} relocating enterprises have a feasible parcel",
        a.options.len(),
        with_options("convert"),
        with_options("relocate"),
        probes.len()
    );
    println!("wrote      {}", out.display());
    Ok(())
}
