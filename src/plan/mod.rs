//! The plan as one value: a loaded scenario, the evaluation date and the allocation mode in;
//! every stage's result out.
//!
//! Built from parts the way prioritizr builds a problem: [`Plan::new`] takes the scenario, each
//! option has a method with a recorded default (date: today, mode: plots, candidates: screened
//! and ranked from the registries), and [`Plan::run`] validates, screens, ranks and allocates,
//! returning an [`Outcome`] that holds every stage's result. Writing the output folder
//! ([`write_folder`]), drawing the maps ([`maps`]) and building the report ([`report`]) are
//! functions of that outcome, so `parkplan plan`, `allocate` and `map` can never disagree on who
//! is a candidate, on overlapping parcels or on which files a run writes.
//!
//! ```
//! use parkplan::plan::{Plan, write_folder};
//! use parkplan::scenario::{ScenarioFiles, load_scenario};
//!
//! let scenario = load_scenario(&ScenarioFiles::bundled())?;
//! let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
//! let outcome = Plan::new(&scenario).date(date).run()?;
//! let (admit, conditional, reject) = outcome.admission.screen.counts();
//! assert_eq!(admit + conditional + reject, 80);
//! assert_eq!(outcome.allocation.gap, 0.0); // plot mode is exact
//!
//! // The same folder `parkplan plan --date 2026-11-26 --out DIR` writes.
//! let dir = std::env::temp_dir().join(format!("parkplan-doc-{}", std::process::id()));
//! write_folder(&outcome, &dir, &mut parkplan::plan::Silent)?;
//! assert!(dir.join("report.html").exists());
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), parkplan::Error>(())
//! ```

pub mod admission;
pub mod compare;
mod files;
pub mod gis;
pub mod maps;
pub mod report;
pub mod robustness;
pub mod text;

pub use admission::{Admission, Given, Roles};
pub use files::{
    GPKG, Listed, Tables, allocation_files, allocation_files_as, check_outputs, plan_files,
    plan_files_with, write_allocation, write_folder, write_folder_compared, write_folder_with,
    write_gpkg,
};

use crate::allocate::{self, Allocation, Mode, Problem};
use crate::error::Error;
use crate::i18n::Lang;
use crate::meter::Meter;
use crate::scenario::{Scenario, Summary, summarize};
use chrono::NaiveDate;
use std::time::{Duration, Instant};

/// The stages of a plan, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Reading the scenario's files (the command line's, before the plan runs).
    Load,
    Validate,
    Screen,
    Rank,
    Allocate,
    /// Writing the plan's tables, GeoJSON and GeoPackage.
    Write,
    /// Measuring and writing the robustness of the ranking and the allocation.
    Robustness,
    Maps,
    /// `plan --compare`: the comparison's files and difference map.
    Compare,
    Report,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Validate => "validate",
            Stage::Screen => "screen",
            Stage::Rank => "rank",
            Stage::Allocate => "allocate",
            Stage::Write => "write",
            Stage::Robustness => "robust",
            Stage::Maps => "maps",
            Stage::Compare => "compare",
            Stage::Report => "report",
        }
    }
}

/// What a run reports as it goes: the command line prints one line per stage on stderr, and
/// on a terminal a bar for the stage running. Every stage is told `begin`, then any number of
/// `advance`, then `stage`; the defaults of `begin` and `advance` report nothing.
pub trait Progress {
    /// A stage finished: a one-line summary and how long it took (`None`: it was skipped).
    fn stage(&mut self, stage: Stage, summary: &str, elapsed: Option<Duration>);
    /// A warning about the inputs or the result (load warnings, allocation warnings).
    fn warning(&mut self, text: &str);
    /// A stage starts; `total` is how many units of work it has when the stage tells how far it
    /// is with [`Progress::advance`] (writing: the groups of files), `None` when it does not.
    fn begin(&mut self, _stage: Stage, _total: Option<u64>) {}
    /// `done` of the running stage's units are finished.
    fn advance(&mut self, _done: u64) {}
    /// A stage starts that counts how far it is into `meter` as it goes (the allocation), for
    /// a display that reads it from a thread of its own.
    fn begin_metered(&mut self, stage: Stage, _meter: std::sync::Arc<Meter>) {
        self.begin(stage, None);
    }
    /// [`Progress::begin_metered`] with a new meter, which the stage then counts into.
    fn metered(&mut self, stage: Stage) -> std::sync::Arc<Meter> {
        let meter = std::sync::Arc::new(Meter::default());
        self.begin_metered(stage, std::sync::Arc::clone(&meter));
        meter
    }
}

/// Progress that reports nothing (library callers, tests).
pub struct Silent;

impl Progress for Silent {
    fn stage(&mut self, _: Stage, _: &str, _: Option<Duration>) {}
    fn warning(&mut self, _: &str) {}
}

/// A plan to run: the scenario and the options, each with its default.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    scenario: &'a Scenario,
    date: NaiveDate,
    mode: Mode,
    given: Option<Given>,
    maps: maps::MapOptions,
    command: &'static str,
    lang: Lang,
    chinese_tables: bool,
}

impl<'a> Plan<'a> {
    /// A plan of `scenario` evaluated today, in plot mode, with the candidates screened and
    /// ranked from its registries.
    pub fn new(scenario: &'a Scenario) -> Self {
        Plan {
            scenario,
            date: chrono::Local::now().date_naive(),
            mode: Mode::Plots,
            given: None,
            maps: maps::MapOptions::default(),
            command: "parkplan plan",
            lang: Lang::Zh,
            chinese_tables: false,
        }
    }
    /// The command that runs the plan, as messages name it (`parkplan allocate`; default
    /// `parkplan plan`), e.g. in "`parkplan plan` needs it" for a missing column.
    pub fn command(mut self, command: &'static str) -> Self {
        self.command = command;
        self
    }
    /// The language of the report and maps (Chinese by default).
    pub fn lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }
    /// Write screen.csv with Chinese headers and values (`--lang zh` asked for it); by default
    /// machine outputs keep their stable English ids.
    pub fn chinese_tables(mut self, yes: bool) -> Self {
        self.chinese_tables = yes;
        self
    }
    /// The evaluation date: certificates must be valid on it.
    pub fn date(mut self, date: NaiveDate) -> Self {
        self.date = date;
        self
    }
    /// Plots (one enterprise per parcel, exact) or blocks (enterprises share parcels).
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }
    /// How the maps and charts are printed (paper, names in the header); their language is
    /// [`Plan::lang`]'s, and their date the evaluation date unless the options give one.
    pub fn maps(mut self, options: maps::MapOptions) -> Self {
        self.maps = options;
        self
    }
    /// Allocate these candidates instead of screening and ranking the registries.
    pub fn candidates(mut self, given: Given) -> Self {
        self.given = Some(given);
        self
    }

    /// Run every stage without reporting progress.
    pub fn run(&self) -> Result<Outcome<'a>, Error> {
        self.run_with(&mut Silent)
    }

    /// Validate, screen, rank and allocate, reporting each stage to `progress`.
    ///
    /// Bad input is an [`Error::Input`]: a rule set without admission criteria (unless the
    /// candidates are given), a registry without a column the rule set reads
    /// ([`admission::check_columns`]), overlapping parcels, or allocation rules the problem
    /// cannot use.
    pub fn run_with(&self, progress: &mut dyn Progress) -> Result<Outcome<'a>, Error> {
        let s = self.scenario;
        let t = Instant::now();
        progress.begin(Stage::Validate, None);
        if self.given.is_none() {
            s.rules.require_admission_criteria()?;
            admission::check_columns(s, self.command)?;
        }
        // The first of each kind in full, then a count: a million parcels of an unknown cluster
        // are a few lines.
        let shown = crate::error::capped(s.warnings().map(|w| &w.0), crate::error::SHOWN_PER_KIND);
        for w in shown {
            progress.warning(&format!("warning: {w}"));
        }
        let summary = summarize(s);
        summary.refuse_overlaps(&s.files.parcels)?;
        progress.stage(
            Stage::Validate,
            &text::validated(s, &summary),
            Some(t.elapsed()),
        );

        let t = Instant::now();
        if self.given.is_none() {
            progress.begin(Stage::Screen, None);
        }
        let admission = match &self.given {
            Some(g) => admission::given(s, self.date, g.clone()),
            None => admission::admit(s, self.date)?,
        };
        if !admission.given {
            progress.stage(
                Stage::Screen,
                &text::screened(&admission, self.date),
                Some(t.elapsed()),
            );
            let t = Instant::now();
            progress.begin(Stage::Rank, None);
            match s.rules.ranking.is_configured() {
                true => progress.stage(Stage::Rank, &text::ranked(&admission), Some(t.elapsed())),
                false => progress.stage(
                    Stage::Rank,
                    "skipped: the rule set has no [ranking] indicators",
                    None,
                ),
            }
        }

        let t = Instant::now();
        let meter = progress.metered(Stage::Allocate);
        let problem = problem(s, &admission, self.mode).meter(&meter);
        let allocation = allocate::allocate(&problem)?;
        for w in &allocation.warnings {
            progress.warning(&format!("warning: {w}"));
        }
        let outcome = Outcome {
            scenario: s,
            date: self.date,
            mode: self.mode,
            lang: self.lang,
            chinese_tables: self.chinese_tables,
            summary,
            admission,
            allocation,
            maps: maps::MapOptions {
                date: self.maps.date.or(Some(self.date)),
                lang: self.lang,
                ..self.maps.clone()
            },
        };
        progress.stage(
            Stage::Allocate,
            &text::allocated(&outcome),
            Some(t.elapsed()),
        );
        Ok(outcome)
    }
}

/// The allocation problem of an admission: its candidates, its relocation probes (options only)
/// and the planned floor-area ratios, on the scenario's park.
fn problem<'s>(s: &'s Scenario, a: &'s Admission, mode: Mode) -> Problem<'s> {
    Problem::new(&s.park, &a.candidates, &s.rules, mode)
        .planned_far(a.planned_far.clone())
        .probes(&a.relocating)
}

/// Every stage's result of one run.
#[derive(Debug, Clone)]
pub struct Outcome<'a> {
    pub scenario: &'a Scenario,
    pub date: NaiveDate,
    pub mode: Mode,
    /// The language of the report and maps.
    pub lang: Lang,
    /// Whether screen.csv gets Chinese headers and values.
    pub chinese_tables: bool,
    /// What `validate` reports: counts, areas, warnings (overlaps are refused before).
    pub summary: Summary,
    /// Roles, screening, ranking, the candidates and who was left out.
    pub admission: Admission,
    /// The allocation with its certificate, the unplaced with reasons, relocation options.
    pub allocation: Allocation,
    /// How its maps and charts are printed.
    pub maps: maps::MapOptions,
}

impl Outcome<'_> {
    /// The allocation problem as it was solved, for the allocation's writers.
    pub fn problem(&self) -> Problem<'_> {
        problem(self.scenario, &self.admission, self.mode)
    }
    /// Whether the rule set ranks urban enterprises (a `[ranking]` section with indicators).
    pub fn has_ranking(&self) -> bool {
        !self.admission.given && self.scenario.rules.ranking.is_configured()
    }
}
