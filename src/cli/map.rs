//! `parkplan map`: draw the park layout map and the relocation map of a scenario, optionally
//! with an allocation's assignments (`enterprise_id,parcel_id` CSV) and a ranking's classes and
//! actions (`id,class,action` CSV).

use parkplan::plan::maps::{self, MapInputs};
use parkplan::scenario::load_scenario;
use std::path::PathBuf;

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
    /// Language of the maps' labels (default zh).
    #[arg(long, value_enum)]
    lang: Option<super::LangArg>,
}

pub fn run(args: Args) -> Result<(), parkplan::Error> {
    let scenario = load_scenario(&args.scenario.files())?;
    super::print_load_warnings(&scenario);
    let mut inputs = MapInputs {
        sites: maps::sites(&scenario),
        lang: args.lang.map_or(parkplan::i18n::Lang::Zh, Into::into),
        ..Default::default()
    };
    if let Some(p) = &args.assignments {
        parkplan::io::tables::read_assignments(p, &scenario, &mut inputs)?;
    }
    if let Some(p) = &args.ranking {
        parkplan::io::tables::read_ranking(p, &scenario, &mut inputs)?;
    }
    let drawn = maps::draw(&scenario, &inputs)?;
    parkplan::io::create_output_dir(&args.out)?;
    maps::write(&args.out, &drawn)?;
    eprintln!("maps written to {}", args.out.display());
    Ok(())
}
