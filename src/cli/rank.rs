//! `parkplan rank`: per-mu benefit evaluation, classes, actions and the relocation ranking.

use super::{CsvArgs, Format, emit, emit_csv, emit_xlsx, print_warnings};
use parkplan::io::enterprises::{load_enterprises_with, needs};
use parkplan::io::{bundled, xlsx};
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
    /// Table format: one CSV row per enterprise, the full detail as JSON, or the CSV table as
    /// an Excel workbook (xlsx, needs --out).
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    #[command(flatten)]
    csv: CsvArgs,
    /// Also draw the charts (SVG and PNG) into this folder.
    #[arg(long)]
    charts: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), parkplan::Error> {
    let (enterprises_path, rules_path) = args.files.paths(bundled::urban);
    if let Some(out) = &args.out {
        parkplan::io::check_not_input(out, &[&enterprises_path, &rules_path])?;
    }
    super::xlsx_needs_out(args.format, &args.out)?;
    let rules = parkplan::rules::load(&rules_path)?;
    rules.require_ranking_indicators()?;
    let registry = load_enterprises_with(&enterprises_path, &args.files.sheet.options())?;
    needs::check(
        &enterprises_path,
        &registry.columns,
        &needs::ranking(&rules, &registry.enterprises),
    )?;
    print_warnings(&registry.warnings);
    let ranking = rank(&registry.enterprises, &rules);
    match args.format {
        Format::Csv => emit_csv(&args.out, args.csv, |w| write_csv(w, &ranking))?,
        Format::Json => emit(&args.out, |w| write_json(w, &ranking))?,
        Format::Xlsx => {
            let mut about = xlsx::about_rules(&rules, "");
            about.push((
                "企业名册".into(),
                parkplan::io::shown_path(&enterprises_path),
            ));
            emit_xlsx(&args.out, "亩均评价", &about, |w| {
                write_csv(w, &ranking)
            })?
        }
    }
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
