//! `parkplan validate`: load a scenario, report counts, areas and every problem.

use parkplan::scenario::{load_scenario, summarize};

/// Arguments of `parkplan validate`. Any file given replaces the bundled one.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    scenario: super::ScenarioArgs,
    /// text: a readable summary; json: the same as one JSON object.
    #[arg(long, value_enum, default_value = "text")]
    format: SummaryFormat,
}

/// How `validate` prints its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    Text,
    Json,
}

pub fn run(args: Args) -> Result<(), parkplan::Error> {
    let files = args.scenario.files();
    let scenario = load_scenario(&files)?;
    let s = summarize(&scenario);
    if args.format == SummaryFormat::Json {
        println!("{}", serde_json::to_string_pretty(&s)?);
        return Ok(());
    }
    println!(
        "rules     {} (sha256 {})",
        s.rules_version,
        &s.rules_hash[..12]
    );
    let status: Vec<String> = s
        .parcels_by_status
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    println!(
        "parcels   {} ({}), {:.1} mu in all",
        s.parcels,
        status.join(", "),
        s.area_mu
    );
    // One column for the names, wide enough for the longest cluster (pharma_equipment).
    let width = s
        .area_mu_by_cluster
        .keys()
        .map(|k| k.chars().count() + "cluster ".len())
        .max()
        .unwrap_or(0)
        .max(23);
    for (k, v) in &s.area_mu_by_land_use {
        let label = format!("land {k}");
        println!("  {label:<width$} {v:>10.1} mu");
    }
    for (k, v) in &s.area_mu_by_cluster {
        let avail = s.available_mu_by_cluster.get(k).copied().unwrap_or(0.0);
        let label = format!("cluster {k}");
        println!("  {label:<width$} {v:>10.1} mu ({avail:.1} available)");
    }
    let kinds: Vec<String> = s
        .sensitive_by_kind
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    println!(
        "sensitive {}",
        if kinds.is_empty() {
            "none".into()
        } else {
            kinds.join(", ")
        }
    );
    for (path, n) in &s.enterprises {
        println!("enterprises {n} in {path}");
    }
    for w in &s.warnings {
        eprintln!("{w}");
    }
    if s.overlaps.is_empty() {
        println!("overlaps  none");
    } else {
        for o in &s.overlaps {
            println!(
                "overlap   parcels {} and {} share {:.1} m2",
                o.a, o.b, o.area_m2
            );
        }
        s.refuse_overlaps(&files.parcels)?;
    }
    Ok(())
}
