//! `parkplan rank`: per-mu benefit evaluation, classes, actions and the relocation ranking.

use super::Format;
use parkplan::io::{bundled, enterprises::load_enterprises, write_atomic};
use parkplan::rank::{Class, rank, write_csv, write_json};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `parkplan rank`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Urban enterprise CSV (default: the bundled registries/urban.csv).
    #[arg(long)]
    enterprises: Option<PathBuf>,
    /// Rule set TOML (default: rules/lingkun.toml).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Write the ranking here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Table format: one CSV row per enterprise, or the full detail as JSON.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Also draw the charts (SVG and PNG) into this folder.
    #[arg(long)]
    charts: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), parkplan::Error> {
    let rules_path = args.rules.unwrap_or_else(bundled::rules);
    let enterprises_path = args.enterprises.unwrap_or_else(bundled::urban);
    if let Some(out) = &args.out {
        parkplan::io::check_not_input(out, &[&enterprises_path, &rules_path])?;
    }
    let rules = parkplan::rules::load(&rules_path)?;
    if !rules.ranking.is_configured() {
        return Err(parkplan::InputError::file(&rules_path, "the rule set has no [ranking] indicators ([[ranking.indicators]] tables); see rules/lingkun.toml").into());
    }
    let registry = load_enterprises(&enterprises_path)?;
    for w in &registry.warnings {
        eprintln!("{w}");
    }
    let ranking = rank(&registry.enterprises, &rules);

    let write = |w: &mut dyn Write| match args.format {
        Format::Csv => write_csv(w, &ranking),
        Format::Json => write_json(w, &ranking),
    };
    match &args.out {
        Some(path) => write_atomic(path, write)?,
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            let result = write(&mut lock).and_then(|_| lock.flush());
            match result {
                // A closed pipe (`| head`) is not a failure.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(parkplan::Error::io("<stdout>", e)),
                Ok(()) => {}
            }
        }
    }
    if let Some(dir) = &args.charts {
        let charts = parkplan::render::charts::draw_ranking_charts(&ranking)?;
        for path in parkplan::render::charts::write_charts(dir, &charts)? {
            eprintln!("wrote {}", path.display());
        }
    }

    let counts: Vec<String> = Class::ALL
        .iter()
        .map(|c| format!("{} {c}", ranking.class_counts.get(c).copied().unwrap_or(0)))
        .collect();
    let actions: Vec<String> = ranking
        .action_counts
        .iter()
        .map(|(a, n)| format!("{n} {a}"))
        .collect();
    eprintln!(
        "ranked {} enterprises with rules {} (sha256 {}): {}; {} not rated; actions: {}",
        ranking.boundaries.rated,
        rules.version,
        rules.short_hash(),
        counts.join(", "),
        ranking.not_rated,
        if actions.is_empty() {
            "none".to_string()
        } else {
            actions.join(", ")
        }
    );
    let freed = &ranking.land_freed.total;
    eprintln!(
        "land freed by relocate and convert: {} mu from {} enterprises, earning {} (10k yuan) tax per mu today",
        parkplan::rank::fmt_num((freed.mu * 10.0).round() / 10.0),
        freed.enterprises,
        freed
            .tax_per_mu()
            .map_or("-".to_string(), |t| format!("{t:.2}"))
    );
    Ok(())
}
