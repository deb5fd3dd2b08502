//! `parkplan screen`: admission decisions with their traces.

use super::{Format, emit, print_warnings};
use parkplan::io::{bundled, enterprises::read_enterprises};
use parkplan::screen::{self, screen, trace};
use parkplan::{Error, InputError, rules};
use std::path::PathBuf;

/// Arguments of `parkplan screen`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    files: super::RegistryArgs,
    /// Evaluation date, YYYY-MM-DD (default: today): certificates must be valid on it.
    #[arg(long, value_parser = super::parse_date)]
    date: Option<chrono::NaiveDate>,
    /// Output file (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Output format: csv (one row per enterprise) or json (with the full trace).
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Print one enterprise's trace as a bilingual table instead.
    #[arg(long, value_name = "ID", conflicts_with = "compare")]
    explain: Option<String>,
    /// Report which enterprises change decision under this other rule set, and why.
    #[arg(long, value_name = "OTHER_RULES")]
    compare: Option<PathBuf>,
    /// Language of `--explain` (default: bilingual labels, English values); `zh` also gives the
    /// CSV Chinese headers and decisions.
    #[arg(long, value_enum)]
    lang: Option<super::LangArg>,
}

pub fn run(args: Args) -> Result<(), Error> {
    let (ent_path, rules_path) = args.files.paths(bundled::applicants);
    if let Some(out) = &args.out {
        let mut inputs = vec![ent_path.as_path(), rules_path.as_path()];
        inputs.extend(args.compare.as_deref());
        parkplan::io::check_not_input(out, &inputs)?;
    }
    let rules = rules::load(&rules_path)?;
    let other = args.compare.as_ref().map(|p| rules::load(p)).transpose()?;
    // A rule set without criteria would admit every applicant: refuse it, as `rank` does.
    for set in std::iter::once(&rules).chain(other.as_ref()) {
        set.require_admission_criteria()?;
    }
    let date = args
        .date
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let text = parkplan::io::read_utf8(&ent_path)?;
    let csv_lang = match args.lang {
        Some(super::LangArg::Zh) => parkplan::i18n::Lang::Zh,
        _ => parkplan::i18n::Lang::En,
    };
    if args.format == Format::Csv && args.explain.is_none() && other.is_none() {
        // The common case streams: parse, screen and format chunk by chunk on all cores.
        if let Some(out) = screen::screen_csv_text_in(&ent_path, &text, &rules, date, csv_lang) {
            drop(text);
            print_warnings(&out.warnings);
            eprintln!("{}", screen::screened_line(out.counts, date, &rules));
            return emit(&args.out, |w| {
                out.chunks.iter().try_for_each(|c| w.write_all(c))
            });
        }
    }
    // Any problem in the file: the loader's sequential reader reports every one, located.
    let registry = read_enterprises(&ent_path, &text)?;
    drop(text);
    print_warnings(&registry.warnings);
    let ents = &registry.enterprises;
    let report = screen(ents, &rules, date);
    if let Some(id) = &args.explain {
        let row = report.find(id).ok_or_else(|| {
            InputError::new(
                &ent_path,
                parkplan::error::Place::File,
                Some("id"),
                format!("no enterprise with id {id:?}"),
            )
        })?;
        let t = trace(&ents[row.index], &rules, date);
        return emit(&args.out, |w| match args.format {
            Format::Json => screen::write_trace_json(w, &t),
            Format::Csv => screen::write_explain_in(w, &t, &report, args.lang.map(Into::into)),
        });
    }
    if let Some(other) = &other {
        let b = screen(ents, other, date);
        let changes = screen::compare(&report, &rules, &b, other, ents);
        eprintln!(
            "{}",
            screen::changes_line(&changes, ents.len(), &rules, other)
        );
        return emit(&args.out, |w| match args.format {
            Format::Json => screen::write_changes_json(w, &report, &b, &changes),
            Format::Csv => screen::write_changes_csv(w, &report, &b, &changes),
        });
    }
    eprintln!("{}", screen::screened_line(report.counts(), date, &rules));
    emit(&args.out, |w| match args.format {
        Format::Csv => screen::write_csv_in(w, &report, ents, &rules, csv_lang),
        Format::Json => screen::write_json(w, &report, ents, &rules),
    })
}
