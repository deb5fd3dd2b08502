//! Allocation of admitted enterprises to parcels: feasibility, an exact assignment with a proof
//! of optimality, the reason each unplaced enterprise was left out, and relocation options.
//!
//! Pipeline: project and index the park ([`crate::spatial`]) -> feasible pairs with weights and
//! per-enterprise losses ([`feasibility`]) -> solve: plot mode without coupling side constraints
//! is a maximum-weight bipartite matching solved exactly ([`matching`], dual certificate, gap 0);
//! block mode and side constraints are a MIP (`mip`, microlp with a time limit, best bound and
//! gap) -> reasons and options.
//!
//! Files: this one holds the problem, the result types and the driver; `params.rs` the resolved
//! `[allocation]` rules, `check.rs` and `locks.rs` what is checked and fixed before solving,
//! `model.rs` (and `lp.rs`, its LP file) the linear model, `solve.rs` the two solving paths,
//! `explain.rs` why enterprises are unplaced, `options.rs` relocation options.
//!
//! ```
//! use parkplan::allocate::{allocate, Mode, Problem};
//! use parkplan::model::{Candidate, CandidateKind, Park, PollutionClass};
//! let parcels = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
//!   "properties":{"id":"P1","land_use":"M1","status":"available"},
//!   "geometry":{"type":"Polygon","coordinates":[[[120.87,27.96],[120.871,27.96],[120.871,27.961],[120.87,27.961],[120.87,27.96]]]}}]}"#;
//! let (parcels, _) = parkplan::io::geojson::read_parcels("p.geojson".as_ref(), parcels).unwrap();
//! let park = Park { parcels, sensitive: vec![], warnings: vec![] };
//! let rules = parkplan::rules::load(&parkplan::io::bundled::rules()).unwrap();
//! let c = Candidate { id: "A1".into(), name: "Acme".into(), industry_code: None, cluster: "general".into(),
//!     pollution_class: PollutionClass::Light, requested_mu: Some(15.0), priority: 2.0,
//!     kind: CandidateKind::Admitted, site: None };
//! let a = allocate(&Problem::new(&park, std::slice::from_ref(&c), &rules, Mode::Plots)).unwrap();
//! assert_eq!(a.assignments.len(), 1);
//! assert_eq!(a.gap, 0.0);
//! ```

mod check;
mod explain;
pub mod feasibility;
mod index;
pub mod input;
mod lagrange;
mod listing;
mod locks;
mod lp;
pub mod matching;
mod mip;
mod model;
mod options;
pub mod output;
mod params;
pub mod sensitivity;
mod shortfall;
mod solve;
mod status;

pub use model::LinearModel;
pub use params::{MAX_WEIGHT, Params};
pub use status::{SolveStatus, SolverError, UnplacedCause};

use crate::meter::Meter;
use crate::rank::Action;

use crate::model::{Candidate, Parcel, Park};
use crate::rules::RuleSet;
use crate::spatial::ParkGeometry;
use feasibility::{Constraint, Context, Feasible, WEIGHT_SCALE};
use index::ParcelIndex;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Instant;

/// One enterprise per parcel (plots) or several sharing a parcel up to its area (blocks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Plots,
    Blocks,
}

impl Mode {
    /// The name on the command line and in `summary.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Plots => "plots",
            Mode::Blocks => "blocks",
        }
    }
}

/// An allocation problem: the park, the candidates, the rules, the mode, and the probes.
pub struct Problem<'a> {
    pub park: &'a Park,
    pub candidates: &'a [Candidate],
    /// Enterprises that are not placed but whose feasible parcels are listed as relocation
    /// options (urban enterprises to relocate, [`crate::model::CandidateKind::Relocating`]): they never enter
    /// the matching, the MIP or the objective.
    pub probes: &'a [Candidate],
    pub rules: &'a RuleSet,
    pub mode: Mode,
    /// Planned floor-area ratio by enterprise id, checked against a parcel's `max_far`.
    pub planned_far: BTreeMap<String, f64>,
    /// Plot mode: the most feasible pairs listed in full; above it each enterprise lists only its
    /// best parcels and more as the proof needs them (same optimum, same certificate, less
    /// memory). Default [`MAX_LISTED_PAIRS`].
    pub max_listed_pairs: usize,
    /// When listing only the best parcels, how many each enterprise lists at first (at least 3
    /// and `options_per_enterprise`, so its rivals and options are exact). Default
    /// [`FIRST_LISTED`]. Neither setting changes any result, only memory and time.
    pub first_listed: usize,
    /// Where the allocation counts how far it is: parcels measured against the sensitive
    /// areas, then candidates inserted into the matching.
    pub meter: Option<&'a Meter>,
}

/// Default of [`Problem::max_listed_pairs`]: 20 million pairs, about 320 MB listed.
pub const MAX_LISTED_PAIRS: usize = 20_000_000;

/// Default of [`Problem::first_listed`].
pub const FIRST_LISTED: usize = 16;

impl<'a> Problem<'a> {
    pub fn new(
        park: &'a Park,
        candidates: &'a [Candidate],
        rules: &'a RuleSet,
        mode: Mode,
    ) -> Self {
        Problem {
            park,
            candidates,
            probes: &[],
            rules,
            mode,
            planned_far: BTreeMap::new(),
            max_listed_pairs: MAX_LISTED_PAIRS,
            first_listed: FIRST_LISTED,
            meter: None,
        }
    }
    /// Count progress into `meter` (see [`Problem::meter`]).
    pub fn meter(mut self, meter: &'a Meter) -> Self {
        self.meter = Some(meter);
        self
    }
    /// List at most `max_pairs` feasible pairs in full, else each enterprise's `first` best
    /// first (see [`Problem::max_listed_pairs`], [`Problem::first_listed`]).
    pub fn listing(mut self, max_pairs: usize, first: usize) -> Self {
        self.max_listed_pairs = max_pairs;
        self.first_listed = first;
        self
    }
    /// List relocation options for these enterprises without placing them (e.g.
    /// `pipeline::Admission::relocating`).
    pub fn probes(mut self, probes: &'a [Candidate]) -> Self {
        self.probes = probes;
        self
    }
    /// Check planned FARs against `max_far`.
    pub fn planned_far(mut self, far: BTreeMap<String, f64>) -> Self {
        self.planned_far = far;
        self
    }
}

/// One enterprise placed on one parcel.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Assignment {
    pub candidate: usize,
    pub parcel: usize,
    pub enterprise_id: String,
    pub parcel_id: String,
    /// priority x fit
    pub weight: f64,
    #[serde(skip)]
    pub weight_units: i64,
    /// Fixed by a lock in the rule file or an occupied parcel's occupant.
    pub locked: bool,
}

/// An enterprise whose feasible parcel went to someone else.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Rival {
    pub parcel_id: String,
    /// Its own weight on that parcel.
    pub weight: f64,
    /// Who holds the parcel (first holder in block mode), and their weight there.
    pub taken_by: Option<String>,
    pub taken_by_weight: Option<f64>,
}

/// Why an enterprise was left without land.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Unplaced {
    pub enterprise_id: String,
    pub name: String,
    pub cause: UnplacedCause,
    pub feasible_parcels: u32,
    /// Parcels each constraint removed (in the order applied).
    pub removed_by: BTreeMap<Constraint, u32>,
    /// Its best feasible parcels and who took them.
    pub rivals: Vec<Rival>,
    /// Plot mode: how much more weight it would need on its best parcel to displace the holder
    /// (the parcel's dual price minus its weight there).
    pub weight_short: Option<f64>,
    pub message: String,
}

/// A feasible parcel for an urban enterprise that converts or relocates.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RelocationOption {
    pub enterprise_id: String,
    /// `convert` (a candidate, may be placed) or `relocate` (a probe, never placed).
    pub action: Action,
    pub rank: usize,
    pub parcel_id: String,
    pub weight: f64,
    pub area_mu: f64,
    /// Geodesic distance from the current site to the parcel's centroid.
    pub distance_km: f64,
    /// Whether the allocation gave it this parcel.
    pub assigned: bool,
}

/// An urban enterprise that converts or relocates but has no feasible parcel in the park.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WithoutOptions {
    pub enterprise_id: String,
    pub name: String,
    /// `convert` or `relocate`.
    pub action: Action,
    /// Parcels each constraint removed (in the order applied).
    pub removed_by: BTreeMap<Constraint, u32>,
    /// "no parcel passes every constraint: of N parcels, ...", as for the unplaced.
    pub message: String,
}

/// Milliseconds spent in each step.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Timings {
    pub spatial_ms: f64,
    pub feasibility_ms: f64,
    pub solve_ms: f64,
    pub certify_ms: f64,
}

/// The allocation and its proof.
#[derive(Debug, Clone)]
pub struct Allocation {
    pub mode: Mode,
    /// The solver used.
    pub method: String,
    /// `optimal` when the bound proves the objective optimal.
    pub status: SolveStatus,
    pub objective: f64,
    /// An upper bound on any allocation's objective (dual certificate or MIP best bound).
    pub bound: f64,
    /// `(bound - objective) / max(1, |objective|)`; 0 when proved optimal.
    pub gap: f64,
    pub assignments: Vec<Assignment>,
    pub unplaced: Vec<Unplaced>,
    /// Relocation options of the converting candidates, then of the probes.
    pub options: Vec<RelocationOption>,
    /// Converting candidates and probes with a site but no feasible parcel, and why.
    pub without_options: Vec<WithoutOptions>,
    pub feasible: Feasible,
    /// The probes' feasible pairs (rows in `Problem::probes` order); not part of the model.
    pub probe_feasible: Feasible,
    /// Locked pairs `(candidate, parcel, weight units)`.
    pub locked: Vec<(usize, u32, i64)>,
    /// The MIP's model when one was solved; [`Allocation::linear_model`] builds it otherwise.
    pub model: Option<model::LinearModel>,
    /// Distinct sensitive kinds, sorted: the order of each parcel's entries in `nearest`.
    pub kinds: Vec<String>,
    /// Per parcel, the nearest sensitive area of each kind, as the buffers were checked: kept so
    /// the GeoPackage, the sensitivity analysis and the model read the same distances without
    /// measuring a million parcels again.
    pub nearest: Vec<Vec<Option<crate::spatial::Nearest>>>,
    /// Per parcel, how many candidates could use it (every feasible pair, listed or not).
    pub users: Vec<u32>,
    pub warnings: Vec<String>,
    pub timings: Timings,
}

impl Allocation {
    /// The allocation's linear model (one binary per feasible pair, the assignment, capacity
    /// and side constraints), e.g. to write with [`model::LinearModel::write_lp`].
    pub fn linear_model(&self, p: &Problem) -> Result<model::LinearModel, crate::Error> {
        if let Some(m) = &self.model {
            return Ok(m.clone());
        }
        let params = Params::from_rules(p.rules)?;
        let blocks = self.mode == Mode::Blocks;
        // Rows that list only the best parcels: list every pair again for the model.
        let all;
        let feasible = if self.feasible.complete {
            &self.feasible
        } else {
            let ctx = Context {
                params: &params,
                nearest: &self.nearest,
                blocks,
                planned_far: &p.planned_far,
            };
            all = feasibility::feasible_pairs(&ctx, &self.kinds, p.candidates, &p.park.parcels);
            &all
        };
        Ok(model::build(
            &params,
            blocks,
            p.candidates,
            &p.park.parcels,
            feasible,
            &self.locked,
        ))
    }
}

/// Allocate. Bad rules (a missing key, a lock naming an unknown parcel) are input errors.
pub fn allocate(p: &Problem) -> Result<Allocation, crate::Error> {
    let params = Params::from_rules(p.rules)?;
    check::check_candidates(p, &params)?;
    let blocks = p.mode == Mode::Blocks;
    let mut timings = Timings::default();
    let mut warnings = Vec::new();

    let t = Instant::now();
    if let Some(m) = p.meter {
        m.start((p.park.parcels.len() + p.candidates.len()) as u64);
    }
    let geometry = ParkGeometry::new(&p.park.parcels, &p.park.sensitive);
    let nearest = geometry.nearest_all_counted(p.meter);
    timings.spatial_ms = ms(t);

    let t = Instant::now();
    let ctx = Context {
        params: &params,
        nearest: &nearest,
        blocks,
        planned_far: &p.planned_far,
    };
    let index = ParcelIndex::new(&ctx, &geometry.kinds, &p.park.parcels);
    let queries = feasibility::queries(&index, &ctx, p.candidates);
    // Same constraints for the probes, kept apart so the solvers never see them.
    let probe_queries = feasibility::queries(&index, &ctx, p.probes);
    let users = index.users_per_parcel(&queries);
    let locked = locks::locks(p, &params, blocks, &mut warnings)?;
    let use_mip = blocks || params.side.needs_mip();
    let pairs: usize = queries.iter().map(|q| q.losses.feasible as usize).sum();
    let complete = use_mip || pairs <= p.max_listed_pairs;
    // Each enterprise's first listing: everything, or its best parcels.
    let first = p.first_listed.max(params.options_k).max(3);
    let thresholds = |qs: &[index::Query], k: usize| -> Vec<i64> {
        if complete {
            vec![1; qs.len()]
        } else {
            qs.par_iter().map(|q| index.kth_best(q, k, None)).collect()
        }
    };
    let mut listed_to = thresholds(&queries, first);
    let probe_feasible = feasibility::rows(
        &index,
        &probe_queries,
        &thresholds(&probe_queries, params.options_k.max(1)),
        complete,
    );
    // The exact matching works on the pairs directly; only the MIP needs the model.
    let model = use_mip.then(|| {
        let feasible = feasibility::rows(&index, &queries, &listed_to, true);
        let m = model::build(
            &params,
            blocks,
            p.candidates,
            &p.park.parcels,
            &feasible,
            &locked,
        );
        (feasible, m)
    });
    timings.feasibility_ms = ms(t);

    let t = Instant::now();
    let (solved, feasible, model) = match model {
        Some((feasible, model)) => (
            solve::by_mip(p, &params, &model, &feasible, &locked, &mut timings)?,
            Some(feasible),
            Some(model),
        ),
        None => (
            solve::by_matching(p, &index, &queries, &mut listed_to, &locked, &mut timings)?,
            None,
            None,
        ),
    };
    if timings.solve_ms == 0.0 {
        timings.solve_ms = ms(t) - timings.certify_ms;
    }
    // The rows the reasons and options read: as far as the matching listed them.
    let feasible = match feasible {
        Some(f) => f,
        None => {
            let t = Instant::now();
            let f = feasibility::rows(&index, &queries, &listed_to, complete);
            timings.feasibility_ms += ms(t);
            f
        }
    };
    drop(queries);
    drop(probe_queries);
    drop(index);

    let objective = solved.objective_units as f64 / WEIGHT_SCALE;
    let bound = solved.bound;
    let gap = ((bound - objective) / objective.abs().max(1.0)).max(0.0);
    let assignments = assignments(p, &solved.chosen);
    let unplaced = explain::reasons(
        p,
        &params,
        &geometry,
        &feasible,
        &assignments,
        solved.duals.as_deref(),
        blocks,
    );
    let (options, without_options) = options::options(
        p,
        &params,
        &geometry,
        &feasible,
        &probe_feasible,
        &assignments,
        blocks,
    );
    Ok(Allocation {
        mode: p.mode,
        method: solved.method,
        status: solved.status,
        objective,
        bound,
        gap,
        assignments,
        unplaced,
        options,
        without_options,
        feasible,
        probe_feasible,
        locked,
        model,
        kinds: geometry.kinds.clone(),
        nearest,
        users,
        warnings,
        timings,
    })
}

/// The chosen pairs as assignments, by enterprise id then parcel id.
fn assignments(p: &Problem, chosen: &[solve::Pick]) -> Vec<Assignment> {
    let mut assignments: Vec<Assignment> = chosen
        .iter()
        .map(|&(i, j, w, locked)| Assignment {
            candidate: i,
            parcel: j as usize,
            enterprise_id: p.candidates[i].id.clone(),
            parcel_id: p.park.parcels[j as usize].id.clone(),
            weight: w as f64 / WEIGHT_SCALE,
            weight_units: w,
            locked,
        })
        .collect();
    assignments
        .sort_by(|a, b| (&a.enterprise_id, &a.parcel_id).cmp(&(&b.enterprise_id, &b.parcel_id)));
    assignments
}

/// Milliseconds since `t`, to two decimals.
fn ms(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1e5).round() / 100.0
}

/// Weight units back to a weight (priority x fit).
fn fmt_w(units: i64) -> f64 {
    units as f64 / WEIGHT_SCALE
}

/// An enterprise's feasible pairs, best weight first, ties by parcel id: the order in which
/// its rivals and its relocation options are listed.
fn best_first(parcels: &[Parcel], row: &[(u32, i64)]) -> Vec<(u32, i64)> {
    let mut best: Vec<(u32, i64)> = row.to_vec();
    best.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(parcels[a.0 as usize].id.cmp(&parcels[b.0 as usize].id))
    });
    best
}
