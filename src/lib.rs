//! parkplan: screen, rank and allocate enterprises for the Lingkun high-tech park.
//!
//! Data flows one way: load and validate a [`scenario`] (parcels, sensitive areas, enterprise
//! registries, a [`rules`] file) -> [`screen`] the applicants -> [`rank`] the urban enterprises
//! -> [`allocate`] the admitted ones to parcels -> draw the maps ([`render`]) and write the
//! [`report`]. [`plan::Plan`] runs the stages as one value and returns every stage's result in
//! a [`plan::Outcome`]; the command line (`parkplan plan`, `allocate`, `map`, ...) is a thin
//! layer over the same calls. Files are read and written only in [`io`] and by the functions
//! that write an outcome ([`plan::write_folder`]).
//!
//! What `parkplan plan --date 2026-11-26 --out DIR` does, in a few lines:
//!
//! ```
//! use parkplan::{Plan, ScenarioFiles, load_scenario};
//!
//! let scenario = load_scenario(&ScenarioFiles::bundled())?; // every file checked, located errors
//! let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
//! let outcome = Plan::new(&scenario).date(date).run()?;
//!
//! let (admit, conditional, reject) = outcome.admission.screen.counts();
//! println!("{admit} admitted, {conditional} conditional, {reject} rejected");
//! println!("{} placed, gap {}", outcome.allocation.assignments.len(), outcome.allocation.gap);
//! assert!(outcome.allocation.status.is_optimal());
//!
//! let dir = std::env::temp_dir().join(format!("parkplan-crate-doc-{}", std::process::id()));
//! parkplan::plan::write_folder(&outcome, &dir, &mut parkplan::plan::Silent)?; // tables, maps, report
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), parkplan::Error>(())
//! ```
//!
//! Where things are: [`metrics`] defines every enterprise column and derived metric once;
//! [`model`] holds the typed scenario; [`rules::expr`] is the rule language (lexer, parser,
//! checker, evaluator); [`spatial`] and [`frame`] measure distances in metres; [`synthetic`]
//! generates scenarios of any size.

#![warn(unreachable_pub)]

pub mod allocate;
pub mod crs;
pub mod error;
pub mod frame;
pub mod i18n;
pub mod io;
pub mod meter;
pub mod metrics;
pub mod model;
pub mod parcel_shape;
pub mod plan;
pub mod rank;
pub mod render;
pub mod report;
pub mod rings;
pub mod rules;
pub mod scenario;
pub mod screen;
pub mod serve;
pub mod spatial;
pub mod synthetic;

pub use error::{Error, InputError, Problems, Warning};
pub use model::{Candidate, Enterprise, Parcel, Park, Registry, SensitiveArea};
pub use plan::{Outcome, Plan};
pub use rules::RuleSet;
pub use scenario::{Scenario, ScenarioFiles, load_scenario};
