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
        super::keep_until_exit(scenario);
        return Ok(());
    }
    print!("{}", s.text());
    super::print_load_warnings(&scenario);
    print!("{}", s.overlaps_text());
    s.refuse_overlaps(&files.parcels)?;
    super::keep_until_exit(scenario);
    Ok(())
}
