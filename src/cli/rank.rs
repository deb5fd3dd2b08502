//! `parkplan rank`: per-mu benefit evaluation, classes, actions and the relocation ranking.

use super::{Format, emit, print_warnings};
use parkplan::io::{bundled, enterprises::load_enterprises};
use parkplan::rank::{rank, summary_lines, write_csv, write_json};
use std::path::PathBuf;

/// Arguments of `parkplan rank`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    files: super::RegistryArgs,
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
    let (enterprises_path, rules_path) = args.files.paths(bundled::urban);
    if let Some(out) = &args.out {
        parkplan::io::check_not_input(out, &[&enterprises_path, &rules_path])?;
    }
    let rules = parkplan::rules::load(&rules_path)?;
    rules.require_ranking_indicators()?;
    let registry = load_enterprises(&enterprises_path)?;
    print_warnings(&registry.warnings);
    let ranking = rank(&registry.enterprises, &rules);
    emit(&args.out, |w| match args.format {
        Format::Csv => write_csv(w, &ranking),
        Format::Json => write_json(w, &ranking),
    })?;
    if let Some(dir) = &args.charts {
        let charts = parkplan::render::charts::draw_ranking_charts(&ranking)?;
        for path in parkplan::render::charts::write_charts(dir, &charts)? {
            eprintln!("wrote {}", path.display());
        }
    }
    for line in summary_lines(&ranking, &rules) {
        eprintln!("{line}");
    }
    Ok(())
}
