//! `parkplan map`: draw the park layout map and the relocation map of a scenario, optionally
//! with an allocation's assignments (`enterprise_id,parcel_id` CSV) and a ranking's classes and
//! actions (`id,class,action` CSV), for printing on the paper asked for. [`PrintArgs`] are the
//! print flags `plan` shares.

use super::parse_date;
use chrono::NaiveDate;
use parkplan::i18n::Lang;
use parkplan::plan::maps::{self, MapInputs, MapOptions};
use parkplan::render::Paper;
use parkplan::scenario::load_scenario;
use std::path::PathBuf;

/// How the maps are printed: the flags `map` and `plan` share.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct PrintArgs {
    /// Paper the maps are drawn for, landscape at 300 dpi: a4, a3 (default) or a2.
    #[arg(long, value_parser = parse_paper)]
    paper: Option<Paper>,
    /// The park's name in the map titles (default: the rule file's [map] park, else the
    /// parcels file's name).
    #[arg(long)]
    park_name: Option<String>,
    /// The issuing office in the map subtitle (default: the rule file's [map] office).
    #[arg(long)]
    office: Option<String>,
}

impl PrintArgs {
    /// The map options these flags ask for, in `lang`, dated `date`.
    pub fn options(self, lang: Lang, date: Option<NaiveDate>) -> MapOptions {
        MapOptions {
            paper: self.paper.unwrap_or_default(),
            lang,
            park: self.park_name,
            office: self.office,
            date,
            overview_above: None,
        }
    }
}

/// `--paper`: a4, a3 or a2.
fn parse_paper(s: &str) -> Result<Paper, String> {
    Paper::parse(s).ok_or_else(|| format!("expected a4, a3 or a2, got {s:?}"))
}

/// Arguments of `parkplan map`. Any scenario file given replaces the bundled one.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    scenario: super::ScenarioArgs,
    /// Assignments CSV with columns `enterprise_id,parcel_id` (e.g. `allocate`'s assignments.csv).
    #[arg(long)]
    assignments: Option<PathBuf>,
    /// Ranking CSV with columns `id,class,action` (e.g. `rank`'s output), to colour the urban sites.
    #[arg(long)]
    ranking: Option<PathBuf>,
    /// Output folder for park-map.{svg,png} and relocation-map.{svg,png}.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    #[command(flatten)]
    print: PrintArgs,
    /// Language of the maps' own text (default zh).
    #[arg(long, value_enum)]
    lang: Option<super::LangArg>,
    /// Date printed on the maps, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = parse_date)]
    date: Option<NaiveDate>,
}

pub fn run(args: Args) -> Result<(), parkplan::Error> {
    let scenario = load_scenario(&args.scenario.files())?;
    super::print_load_warnings(&scenario);
    let mut inputs = MapInputs {
        sites: maps::sites(&scenario),
        ..Default::default()
    };
    if let Some(p) = &args.assignments {
        parkplan::io::tables::read_assignments(p, &scenario, &mut inputs)?;
    }
    if let Some(p) = &args.ranking {
        parkplan::io::tables::read_ranking(p, &scenario, &mut inputs)?;
    }
    let date = args
        .date
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let lang = args.lang.map_or(Lang::Zh, Into::into);
    let options = args.print.options(lang, Some(date));
    let drawn = maps::draw(&scenario, &inputs, &options)?;
    parkplan::io::create_output_dir(&args.out)?;
    maps::write(&args.out, &drawn)?;
    eprintln!(
        "maps written to {} ({}, 300 dpi)",
        args.out.display(),
        options.paper.name()
    );
    Ok(())
}
