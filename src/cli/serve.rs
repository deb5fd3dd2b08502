//! `parkplan serve`: the local page for trying rule changes live ([`parkplan::serve`]).

use super::{ModeArg, parse_date};
use chrono::NaiveDate;
use parkplan::scenario::load_scenario;
use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;

/// Arguments of `parkplan serve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    scenario: super::ScenarioArgs,
    /// Port on 127.0.0.1 (default: a free one); the page's URL is printed on stdout.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Loopback address to bind: 127.0.0.1 (default), ::1 or localhost; any other is refused.
    #[arg(long, default_value = "127.0.0.1", value_parser = parkplan::serve::loopback)]
    host: IpAddr,
    /// Folder the page's write button writes into (the changed rules.toml and the plan folder
    /// with the comparison); without it nothing can be written.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Evaluation date for screening, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = parse_date)]
    date: Option<NaiveDate>,
    /// Allocation mode of both plans.
    #[arg(long, value_enum, default_value = "plots")]
    mode: ModeArg,
    /// Language of the page (default zh).
    #[arg(long, value_enum)]
    lang: Option<super::LangArg>,
}

pub fn run(args: Args) -> Result<(), parkplan::Error> {
    let scenario = load_scenario(&args.scenario.files())?;
    super::print_load_warnings(&scenario);
    let opts = parkplan::serve::Options {
        host: args.host,
        port: args.port,
        out: args.out,
        lang: args.lang.map_or(parkplan::i18n::Lang::Zh, Into::into),
        date: args
            .date
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        mode: args.mode.into(),
    };
    parkplan::serve::serve(&scenario, opts, |url| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{url}");
        let _ = out.flush();
        eprintln!("serve: open {url} in a browser; stop with Ctrl-C");
    })
}
