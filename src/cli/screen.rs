//! `parkplan screen`: admission decisions with their traces.

use crate::cli::Format;
use parkplan::io::{bundled, enterprises::read_enterprises, write_atomic};
use parkplan::screen::{
    Change, compare, screen, screen_csv_text, trace, write_csv, write_explain, write_json,
};
use parkplan::{Error, InputError, rules};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `parkplan screen`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Applicants CSV (default: the bundled registries/applicants.csv).
    #[arg(long)]
    enterprises: Option<PathBuf>,
    /// Rule set TOML (default: the bundled rules/lingkun.toml).
    #[arg(long)]
    rules: Option<PathBuf>,
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
}

/// Write to `--out` atomically, or to standard output.
fn emit(
    out: &Option<PathBuf>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    match out {
        Some(path) => write_atomic(path, write),
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
            match write(&mut lock).and_then(|_| lock.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.map_err(|e| Error::io("<stdout>", e)),
            }
        }
    }
}

pub fn run(args: Args) -> Result<(), Error> {
    let rules_path = args.rules.unwrap_or_else(bundled::rules);
    let ent_path = args.enterprises.unwrap_or_else(bundled::applicants);
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
    if args.format == Format::Csv && args.explain.is_none() && other.is_none() {
        // The common case streams: parse, screen and format chunk by chunk on all cores.
        if let Some(out) = screen_csv_text(&ent_path, &text, &rules, date) {
            drop(text);
            print_warnings(&out.warnings);
            let (a, c, r) = out.counts;
            eprintln!(
                "screened {} enterprises on {date} with rules {} (sha256 {}): {a} admit, {c} conditional, {r} reject",
                a + c + r,
                rules.version,
                rules.short_hash()
            );
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
        let Some(row) = report.find(id) else {
            return Err(InputError::new(
                &ent_path,
                parkplan::error::Place::File,
                Some("id"),
                format!("no enterprise with id {id:?}"),
            )
            .into());
        };
        let t = trace(&ents[row.index], &rules, date);
        return emit(&args.out, |w| match args.format {
            Format::Json => {
                serde_json::to_writer_pretty(&mut *w, &t).map_err(std::io::Error::other)?;
                writeln!(w)
            }
            Format::Csv => write_explain(w, &t, &report),
        });
    }

    if let Some(other) = &other {
        let b = screen(ents, other, date);
        let changes = compare(&report, &rules, &b, other, ents);
        eprintln!(
            "{} of {} enterprises change decision from rules {} (sha256 {}) to {} (sha256 {})",
            changes.len(),
            ents.len(),
            rules.version,
            rules.short_hash(),
            other.version,
            other.short_hash()
        );
        return emit(&args.out, |w| {
            write_changes(w, args.format, &report, &b, &changes)
        });
    }

    let (a, c, r) = report.counts();
    eprintln!(
        "screened {} enterprises on {date} with rules {} (sha256 {}): {a} admit, {c} conditional, {r} reject",
        ents.len(),
        rules.version,
        rules.short_hash()
    );
    emit(&args.out, |w| match args.format {
        Format::Csv => write_csv(w, &report, ents, &rules),
        Format::Json => write_json(w, &report, ents, &rules),
    })
}

fn write_changes(
    w: &mut dyn Write,
    format: Format,
    a: &parkplan::screen::ScreenReport,
    b: &parkplan::screen::ScreenReport,
    changes: &[Change],
) -> std::io::Result<()> {
    match format {
        Format::Json => {
            let v = serde_json::json!({
                "before": { "rules_version": a.rules_version, "rules_sha256": a.rules_hash },
                "after": { "rules_version": b.rules_version, "rules_sha256": b.rules_hash },
                "date": a.date.to_string(),
                "changes": changes,
            });
            serde_json::to_writer_pretty(&mut *w, &v).map_err(std::io::Error::other)?;
            writeln!(w)
        }
        Format::Csv => {
            let mut out = csv::Writer::from_writer(w);
            out.write_record([
                "id",
                "name",
                "before",
                "after",
                "why",
                "rules_before",
                "rules_after",
            ])?;
            let ra = format!(
                "{}@{}",
                a.rules_version,
                &a.rules_hash[..a.rules_hash.len().min(12)]
            );
            let rb = format!(
                "{}@{}",
                b.rules_version,
                &b.rules_hash[..b.rules_hash.len().min(12)]
            );
            for c in changes {
                out.write_record([
                    c.id.as_str(),
                    &c.name,
                    c.before.name(),
                    c.after.name(),
                    &c.why.join("; "),
                    &ra,
                    &rb,
                ])?;
            }
            out.flush()
        }
    }
}

/// Loading warnings (inconsistent rows, unknown columns) go to stderr.
fn print_warnings(warnings: &[parkplan::Warning]) {
    for w in warnings {
        eprintln!("{w}");
    }
}
