//! Allocation of admitted enterprises to parcels: feasibility, an exact assignment with a proof
//! of optimality, the reason each unplaced enterprise was left out, and relocation options.
//!
//! Pipeline: project and index the park ([`crate::spatial`]) -> feasible pairs with weights and
//! per-enterprise losses ([`feasibility`]) -> solve: plot mode without coupling side constraints
//! is a maximum-weight bipartite matching solved exactly ([`matching`], dual certificate, gap 0);
//! block mode and side constraints are a MIP ([`mip`], microlp with a time limit, best bound and
//! gap) -> reasons and options.
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

pub mod feasibility;
pub mod input;
pub mod matching;
pub mod mip;
pub mod model;
pub mod output;

use crate::error::{InputError, Place, Problems};
use crate::model::{Candidate, CandidateKind, LandUse, ParcelStatus, Park, PollutionClass};
use crate::rules::RuleSet;
use crate::rules::allocation::{AreaFit, FitCoefficients, SideConstraints};
use crate::spatial::ParkGeometry;
use feasibility::{CONSTRAINTS, Constraint, Context, Feasible, WEIGHT_SCALE};
use geo::{Centroid, Distance, Geodesic, Point};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

/// One enterprise per parcel (plots) or several sharing a parcel up to its area (blocks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
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

/// The `[allocation]` rules resolved and complete: what allocation reads.
#[derive(Debug, Clone)]
pub struct Params {
    pub area_fit: AreaFit,
    pub fit: FitCoefficients,
    pub options_k: usize,
    pub time_limit_s: f64,
    /// Relative MIP gap at which the solver may stop; 0 when the rule file gives none.
    pub mip_gap: f64,
    pub land_classes: BTreeMap<PollutionClass, Vec<LandUse>>,
    pub buffers_m: BTreeMap<String, BTreeMap<PollutionClass, f64>>,
    pub side: SideConstraints,
}

impl Params {
    /// The allocation keys of a rule set; a missing one is an error naming it.
    pub fn from_rules(rules: &RuleSet) -> Result<Params, Problems> {
        let a = &rules.allocation;
        let mut problems = Problems::default();
        let mut missing = |key: &str, example: &str| {
            problems.push(InputError::new(
                &rules.source,
                Place::File,
                Some(&format!("allocation.{key}")),
                format!("missing: the allocation needs it, e.g. {example}"),
            ))
        };
        if a.area_fit.is_none() {
            missing("area_fit", "area_fit = { min = 0.9, max = 1.5 }");
        }
        if a.fit.is_none() {
            missing("fit", "fit = { base = 1.0, area = 0.5, cluster = 0.5 }");
        }
        if a.options_per_enterprise.is_none() {
            missing("options_per_enterprise", "options_per_enterprise = 5");
        }
        if a.time_limit_s.is_none() {
            missing("time_limit_s", "time_limit_s = 30");
        }
        if a.land_classes.is_empty() {
            missing(
                "land_classes",
                "land_classes = { light = [\"M1\", \"M2\", \"M3\"], moderate = [\"M2\", \"M3\"] }",
            );
        }
        match (a.area_fit, a.fit, a.options_per_enterprise, a.time_limit_s) {
            (Some(area_fit), Some(fit), Some(options_k), Some(time_limit_s))
                if problems.is_empty() =>
            {
                Ok(Params {
                    area_fit,
                    fit,
                    options_k,
                    time_limit_s,
                    mip_gap: a.mip_gap.unwrap_or(0.0),
                    land_classes: a.land_classes.clone(),
                    buffers_m: a.buffers_m.clone(),
                    side: a.side.clone(),
                })
            }
            _ => Err(problems),
        }
    }

    pub fn buffer(&self, kind: &str, class: PollutionClass) -> Option<f64> {
        self.buffers_m.get(kind)?.get(&class).copied()
    }
}

/// An allocation problem: the park, the candidates, the rules, the mode, and the probes.
pub struct Problem<'a> {
    pub park: &'a Park,
    pub candidates: &'a [Candidate],
    /// Enterprises that are not placed but whose feasible parcels are listed as relocation
    /// options (urban enterprises to relocate, [`CandidateKind::Relocating`]): they never enter
    /// the matching, the MIP or the objective.
    pub probes: &'a [Candidate],
    pub rules: &'a RuleSet,
    pub mode: Mode,
    /// Planned floor-area ratio by enterprise id, checked against a parcel's `max_far`.
    pub planned_far: BTreeMap<String, f64>,
}

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
        }
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
    /// `no_feasible_parcel`, `out_competed` or `side_constraints`.
    pub cause: String,
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
    pub action: &'static str,
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
    pub action: &'static str,
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
    pub status: String,
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
    pub kinds: Vec<String>,
    pub warnings: Vec<String>,
    pub timings: Timings,
}

fn ms(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1e5).round() / 100.0
}

/// Locked pairs `(candidate, parcel, weight units)`: rule-file locks and, when
/// `lock_occupants` is on, occupied parcels whose occupant is a candidate.
fn locks(
    p: &Problem,
    params: &Params,
    blocks: bool,
    warnings: &mut Vec<String>,
) -> Result<Vec<(usize, u32, i64)>, Problems> {
    let by_id: HashMap<&str, usize> = p
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let parcel_by_id: HashMap<&str, usize> = p
        .park
        .parcels
        .iter()
        .enumerate()
        .map(|(j, q)| (q.id.as_str(), j))
        .collect();
    let mut out: BTreeMap<usize, (usize, u32)> = BTreeMap::new(); // candidate -> (candidate, parcel)
    let mut problems = Problems::default();
    let add =
        |i: usize, j: usize, out: &mut BTreeMap<usize, (usize, u32)>, problems: &mut Problems| {
            if let Some(&(_, prev)) = out.get(&i)
                && prev as usize != j
            {
                problems.push(InputError::new(
                    &p.rules.source,
                    Place::File,
                    Some("allocation.side.locks"),
                    format!(
                        "enterprise {} is locked to two parcels, {} and {}",
                        p.candidates[i].id, p.park.parcels[prev as usize].id, p.park.parcels[j].id
                    ),
                ));
            }
            out.insert(i, (i, j as u32));
        };
    for (parcel_id, ent) in &params.side.locks {
        let Some(&j) = parcel_by_id.get(parcel_id.as_str()) else {
            problems.push(InputError::new(
                &p.rules.source,
                Place::File,
                Some(&format!("allocation.side.locks.{parcel_id}")),
                format!("no parcel has id {parcel_id:?}"),
            ));
            continue;
        };
        match by_id.get(ent.as_str()) {
            Some(&i) => add(i, j, &mut out, &mut problems),
            None => warnings.push(format!("lock of parcel {parcel_id} to {ent} ignored: {ent} is not among the enterprises to allocate")),
        }
    }
    if params.side.lock_occupants {
        for (j, q) in p.park.parcels.iter().enumerate() {
            if q.status == ParcelStatus::Occupied
                && let Some(&i) = q.occupant.as_deref().and_then(|o| by_id.get(o))
            {
                add(i, j, &mut out, &mut problems);
            }
        }
    }
    if !blocks {
        let mut holder: BTreeMap<u32, usize> = BTreeMap::new();
        for &(i, j) in out.values() {
            if let Some(prev) = holder.insert(j, i) {
                problems.push(InputError::new(
                    &p.rules.source,
                    Place::File,
                    Some("allocation.side.locks"),
                    format!(
                        "parcel {} is locked to two enterprises, {} and {}, in plot mode",
                        p.park.parcels[j as usize].id, p.candidates[prev].id, p.candidates[i].id
                    ),
                ));
            }
        }
    }
    let locked: Vec<(usize, u32, i64)> = out
        .values()
        .map(|&(i, j)| {
            (
                i,
                j,
                feasibility::weight_units(feasibility::weight(
                    params,
                    blocks,
                    &p.candidates[i],
                    &p.park.parcels[j as usize],
                )),
            )
        })
        .collect();
    problems.into_result(locked)
}

/// Largest weight (priority x fit) the exact integer arithmetic takes: with weights in 1e-6
/// units, a million enterprises at this weight still sum far below `i64::MAX`.
pub const MAX_WEIGHT: f64 = 1e6;

/// Refuse priorities whose weights would not be exact in integer units (or would overflow), and
/// relocating enterprises on the wrong side: candidates are placed, probes only get options.
fn check_candidates(p: &Problem, params: &Params) -> Result<(), Problems> {
    let fit_max = params.fit.base + params.fit.area + params.fit.cluster;
    let mut problems = Problems::default();
    let candidate_ids: std::collections::HashSet<&str> =
        p.candidates.iter().map(|c| c.id.as_str()).collect();
    for c in p.probes {
        if candidate_ids.contains(c.id.as_str()) {
            problems.push(InputError::new(
                "probes",
                Place::File,
                Some("id"),
                format!("enterprise {}: both a candidate and a probe", c.id),
            ));
        }
        if c.site.is_none() {
            problems.push(InputError::new(
                "probes",
                Place::File,
                Some("lon"),
                format!(
                    "enterprise {}: a relocating enterprise needs its current site (lon, lat) to measure how far its options are",
                    c.id
                ),
            ));
        }
        if c.kind != CandidateKind::Relocating {
            problems.push(InputError::new(
                "probes",
                Place::File,
                Some("kind"),
                format!(
                    "enterprise {}: a probe must be of kind relocating, got {}; pass it as a candidate",
                    c.id,
                    c.kind.as_str()
                ),
            ));
        }
    }
    for c in p.candidates {
        if c.kind == CandidateKind::Relocating {
            problems.push(InputError::new(
                "candidates",
                Place::File,
                Some("kind"),
                format!(
                    "enterprise {}: a relocating enterprise is not admitted to the park, so it cannot be placed; pass it as a probe (Problem::probes) to list its options",
                    c.id
                ),
            ));
        }
    }
    for c in p.candidates.iter().chain(p.probes) {
        if c.priority.is_finite() && c.priority * fit_max > MAX_WEIGHT {
            problems.push(InputError::new(
                "candidates",
                Place::File,
                Some("priority"),
                format!(
                    "enterprise {}: priority {} gives weights up to {} (priority x fit), above the {MAX_WEIGHT} the exact solver takes; scale the priorities down",
                    c.id,
                    c.priority,
                    c.priority * fit_max
                ),
            ));
        }
    }
    problems.into_result(())
}

/// Allocate. Bad rules (a missing key, a lock naming an unknown parcel) are input errors.
pub fn allocate(p: &Problem) -> Result<Allocation, crate::Error> {
    let params = Params::from_rules(p.rules)?;
    check_candidates(p, &params)?;
    let blocks = p.mode == Mode::Blocks;
    let mut timings = Timings::default();
    let mut warnings = Vec::new();

    let t = Instant::now();
    let geometry = ParkGeometry::new(&p.park.parcels, &p.park.sensitive);
    let nearest = geometry.nearest_all();
    timings.spatial_ms = ms(t);

    let t = Instant::now();
    let ctx = Context {
        params: &params,
        nearest: &nearest,
        blocks,
        planned_far: &p.planned_far,
    };
    let feasible =
        feasibility::feasible_pairs(&ctx, &geometry.kinds, p.candidates, &p.park.parcels);
    // Same constraints for the probes, kept apart so the solvers never see them.
    let probe_feasible =
        feasibility::feasible_pairs(&ctx, &geometry.kinds, p.probes, &p.park.parcels);
    let locked = locks(p, &params, blocks, &mut warnings)?;
    let use_mip = blocks || params.side.needs_mip();
    // The exact matching works on the pairs directly; only the MIP needs the model.
    let model = use_mip.then(|| {
        model::build(
            &params,
            blocks,
            p.candidates,
            &p.park.parcels,
            &feasible,
            &locked,
        )
    });
    timings.feasibility_ms = ms(t);

    let t = Instant::now();
    type Picks = Vec<(usize, u32, i64, bool)>;
    let (chosen, objective_units, bound, method, status, duals): (
        Picks,
        i64,
        f64,
        String,
        String,
        Option<Vec<i64>>,
    );
    if !use_mip {
        let (graph, rows, certificate) = exact_matching(p, &feasible, &locked, &mut timings)?;
        let mut picks: Vec<(usize, u32, i64, bool)> =
            locked.iter().map(|&(i, j, w)| (i, j, w, true)).collect();
        for (r, c) in certificate.0.col_of_row.iter().enumerate() {
            if let Some(j) = c {
                let w = graph.row(r).iter().find(|e| e.0 == *j).map_or(0, |e| e.1);
                picks.push((rows[r], *j, w, false));
            }
        }
        let locked_units: i64 = locked.iter().map(|l| l.2).sum();
        let (obj, bnd) = certificate.1;
        objective_units = obj + locked_units;
        bound = (bnd + locked_units) as f64 / WEIGHT_SCALE;
        chosen = picks;
        method = "exact maximum-weight matching (successive shortest paths, integer weights in 1e-6 units, dual certificate)".into();
        status = if bnd == obj {
            "optimal".into()
        } else {
            "not proved".into()
        };
        let mut col_price = vec![0i64; p.park.parcels.len()];
        for (j, price) in certificate.0.col_dual.iter().enumerate() {
            col_price[j] = *price;
        }
        duals = Some(col_price);
    } else {
        let model = model.as_ref().expect("built for the MIP");
        let outcome =
            mip::solve(model, params.time_limit_s, params.mip_gap).map_err(crate::Error::Other)?;
        timings.solve_ms = ms(t);
        chosen = outcome
            .chosen
            .iter()
            .map(|&k| {
                (
                    model.vars[k].0,
                    model.vars[k].1,
                    model.obj_units[k],
                    model.locked[k],
                )
            })
            .collect();
        objective_units = chosen.iter().map(|c| c.2).sum();
        let obj = objective_units as f64 / WEIGHT_SCALE;
        // Plot mode: the matching without side constraints bounds the constrained problem too.
        let mut b = outcome.bound.unwrap_or(f64::INFINITY);
        if !blocks {
            let (_, _, cert) = exact_matching(p, &feasible, &locked, &mut Timings::default())?;
            b = b.min((cert.1.1 + locked.iter().map(|l| l.2).sum::<i64>()) as f64 / WEIGHT_SCALE);
        } else if !b.is_finite() {
            // Each enterprise's best pair: a bound no allocation can beat.
            b = (0..p.candidates.len())
                .map(|i| feasible.row(i).iter().map(|e| e.1).max().unwrap_or(0))
                .sum::<i64>() as f64
                / WEIGHT_SCALE;
        }
        // A proved optimum reports its own objective as the bound (solver tolerance aside).
        bound = if outcome.status == "optimal" {
            obj
        } else {
            b.max(obj)
        };
        method = "MIP (microlp branch and bound via good_lp)".into();
        status = outcome.status;
        duals = None;
    }
    if timings.solve_ms == 0.0 {
        timings.solve_ms = ms(t) - timings.certify_ms;
    }

    let objective = objective_units as f64 / WEIGHT_SCALE;
    let gap = ((bound - objective) / objective.abs().max(1.0)).max(0.0);
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
    let unplaced = reasons(
        p,
        &params,
        &geometry,
        &feasible,
        &assignments,
        duals.as_deref(),
        blocks,
    );
    let assigned: HashMap<usize, usize> = assignments
        .iter()
        .map(|a| (a.candidate, a.parcel))
        .collect();
    let mut options = relocation_options(p, &params, p.candidates, &feasible, &assigned);
    options.extend(relocation_options(
        p,
        &params,
        p.probes,
        &probe_feasible,
        &HashMap::new(),
    ));
    let without_options = [(p.candidates, &feasible), (p.probes, &probe_feasible)]
        .into_iter()
        .flat_map(|(cs, f)| without_options(p, &params, &geometry, cs, f, blocks))
        .collect();
    Ok(Allocation {
        mode: p.mode,
        method,
        status,
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
        warnings,
        timings,
    })
}

impl Allocation {
    /// The allocation's linear model (one binary per feasible pair, the assignment, capacity
    /// and side constraints), e.g. to write with [`model::LinearModel::write_lp`].
    pub fn linear_model(&self, p: &Problem) -> Result<model::LinearModel, crate::Error> {
        if let Some(m) = &self.model {
            return Ok(m.clone());
        }
        let params = Params::from_rules(p.rules)?;
        Ok(model::build(
            &params,
            self.mode == Mode::Blocks,
            p.candidates,
            &p.park.parcels,
            &self.feasible,
            &self.locked,
        ))
    }
}

type Certified = (matching::Matching, (i64, i64));

/// The matching over unlocked candidates and parcels, certified. Returns the graph, the
/// candidate index of each graph row, and the matching with `(objective, bound)`.
fn exact_matching(
    p: &Problem,
    feasible: &Feasible,
    locked: &[(usize, u32, i64)],
    timings: &mut Timings,
) -> Result<(matching::Graph, Vec<usize>, Certified), crate::Error> {
    let mut locked_row = vec![false; p.candidates.len()];
    let mut locked_col = vec![false; p.park.parcels.len()];
    for &(i, j, _) in locked {
        locked_row[i] = true;
        locked_col[j as usize] = true;
    }
    let rows: Vec<usize> = (0..p.candidates.len())
        .filter(|&i| !locked_row[i])
        .collect();
    let mut g = matching::Graph {
        rows: rows.len(),
        cols: p.park.parcels.len(),
        start: vec![0],
        edges: Vec::with_capacity(feasible.len()),
    };
    for &i in &rows {
        g.edges
            .extend(feasible.row(i).iter().filter(|e| !locked_col[e.0 as usize]));
        g.start.push(g.edges.len());
    }
    let m = matching::max_weight_matching(&g);
    let t = Instant::now();
    let cert = matching::certify(&g, &m).map_err(|e| {
        crate::Error::Other(format!(
            "internal error: the matching's certificate failed: {e}"
        ))
    })?;
    timings.certify_ms = ms(t);
    Ok((g, rows, (m, cert)))
}

fn fmt_w(units: i64) -> f64 {
    units as f64 / WEIGHT_SCALE
}

/// Why each unassigned candidate has no land, in candidate order.
fn reasons(
    p: &Problem,
    params: &Params,
    geometry: &ParkGeometry,
    feasible: &Feasible,
    assignments: &[Assignment],
    col_price: Option<&[i64]>,
    blocks: bool,
) -> Vec<Unplaced> {
    let mut holder: HashMap<usize, &Assignment> = HashMap::new();
    let mut placed = vec![false; p.candidates.len()];
    for a in assignments {
        holder.entry(a.parcel).or_insert(a);
        placed[a.candidate] = true;
    }
    let n = p.park.parcels.len();
    let mut out = Vec::new();
    for (i, c) in p.candidates.iter().enumerate() {
        if placed[i] {
            continue;
        }
        let losses = &feasible.losses[i];
        let row = feasible.row(i);
        let mut best: Vec<(u32, i64)> = row.to_vec();
        best.sort_by(|a, b| {
            b.1.cmp(&a.1).then(
                p.park.parcels[a.0 as usize]
                    .id
                    .cmp(&p.park.parcels[b.0 as usize].id),
            )
        });
        best.truncate(3);
        let rivals: Vec<Rival> = best
            .iter()
            .map(|&(j, w)| {
                let h = holder.get(&(j as usize));
                Rival {
                    parcel_id: p.park.parcels[j as usize].id.clone(),
                    weight: fmt_w(w),
                    taken_by: h.map(|a| a.enterprise_id.clone()),
                    taken_by_weight: h.map(|a| a.weight),
                }
            })
            .collect();
        let weight_short = col_price
            .and_then(|price| row.iter().map(|&(j, w)| price[j as usize] - w).min())
            .map(fmt_w);
        let (cause, message) = if row.is_empty() {
            (
                "no_feasible_parcel",
                no_parcel_message(p, params, geometry, c, losses, n, blocks),
            )
        } else if rivals.iter().all(|r| r.taken_by.is_some()) {
            let list: Vec<String> = rivals
                .iter()
                .map(|r| {
                    format!(
                        "{} went to {} (weight {:.3} vs its {:.3})",
                        r.parcel_id,
                        r.taken_by.as_deref().unwrap_or("?"),
                        r.taken_by_weight.unwrap_or(0.0),
                        r.weight
                    )
                })
                .collect();
            let taken = if blocks { "all full" } else { "all taken" };
            let mut m = format!(
                "out-competed: {} feasible parcel{}, {taken}; best: {}",
                row.len(),
                if row.len() == 1 { "" } else { "s" },
                list.join("; ")
            );
            match weight_short {
                Some(s) if s > 0.0 => m.push_str(&format!("; it would need more than {s:.3} extra weight (priority x fit) on one of them to be placed")),
                Some(_) => m.push_str("; a tie: any extra weight (priority x fit) on one of them would place it"),
                None => {}
            }
            ("out_competed", m)
        } else if blocks {
            let free: Vec<&str> = rivals
                .iter()
                .filter(|r| r.taken_by.is_none())
                .map(|r| r.parcel_id.as_str())
                .collect();
            (
                "side_constraints",
                format!(
                    "{} feasible parcel{} ({} among the best) but no room left under the parcels' areas or the side constraints",
                    row.len(),
                    if row.len() == 1 { "" } else { "s" },
                    free.join(", ")
                ),
            )
        } else {
            let free: Vec<&str> = rivals
                .iter()
                .filter(|r| r.taken_by.is_none())
                .map(|r| r.parcel_id.as_str())
                .collect();
            (
                "side_constraints",
                format!(
                    "{} feasible parcel{}, {} left empty: the side constraints (land budget, cluster areas, moderate-pollution cap) keep it out",
                    row.len(),
                    if row.len() == 1 { "" } else { "s" },
                    free.join(", ")
                ),
            )
        };
        out.push(Unplaced {
            enterprise_id: c.id.clone(),
            name: c.name.clone(),
            cause: cause.into(),
            feasible_parcels: row.len() as u32,
            removed_by: losses.by_constraint.clone(),
            rivals,
            weight_short,
            message,
        });
    }
    out
}

/// "no parcel passes: of 300 parcels, 40 not available, 210 outside 0.9-1.5 x 30 mu (27.0-45.0
/// mu), ...; the last 12 all within the buffers: 9 within 300 m of Lingkun village (residential)".
fn no_parcel_message(
    p: &Problem,
    params: &Params,
    geometry: &ParkGeometry,
    c: &Candidate,
    losses: &feasibility::Losses,
    n: usize,
    blocks: bool,
) -> String {
    let get = |k: Constraint| losses.by_constraint.get(&k).copied().unwrap_or(0);
    if get(Constraint::Request) > 0 {
        return "no land request: the enterprise gives neither requested_mu nor land_mu (or it is not positive)".into();
    }
    if get(Constraint::Priority) as usize == n {
        return format!(
            "priority {} is not positive, so placing it adds no weight",
            c.priority
        );
    }
    let r = c.requested_mu.unwrap_or(0.0);
    let mut parts = Vec::new();
    let mut left = n as u32;
    for k in CONSTRAINTS {
        let v = get(k);
        if v == 0 {
            continue;
        }
        let what = match k {
            Constraint::Status => "occupied or reserved".to_string(),
            Constraint::AreaFit if blocks => format!("smaller than its {r:.1} mu request"),
            Constraint::AreaFit => format!(
                "outside the area fit {}-{} x {r:.1} mu ({:.1}-{:.1} mu)",
                params.area_fit.min,
                params.area_fit.max,
                params.area_fit.min * r,
                params.area_fit.max * r
            ),
            Constraint::LandClass => {
                let allowed: Vec<String> = params
                    .land_classes
                    .get(&c.pollution_class)
                    .map(|l| l.iter().map(|x| x.to_string()).collect())
                    .unwrap_or_default();
                format!(
                    "of a land class {} enterprises may not use (allowed: {})",
                    c.pollution_class,
                    if allowed.is_empty() {
                        "none".into()
                    } else {
                        allowed.join(", ")
                    }
                )
            }
            Constraint::Cluster => format!("designated for another cluster (it is {})", c.cluster),
            Constraint::Buffer => {
                let mut by_area: Vec<(&(usize, usize), &u32)> = losses.by_area.iter().collect();
                by_area.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                let list: Vec<String> = by_area
                    .iter()
                    .take(3)
                    .map(|((kind, area), cnt)| {
                        let kind = &geometry.kinds[*kind];
                        let s = &p.park.sensitive[*area];
                        format!(
                            "{cnt} within {} m of {} ({kind})",
                            params.buffer(kind, c.pollution_class).unwrap_or(0.0),
                            s.label()
                        )
                    })
                    .collect();
                let all = if v == left {
                    format!("all {v}")
                } else {
                    v.to_string()
                };
                format!(
                    "too close to sensitive areas ({all} of the {left} left: {})",
                    list.join(", ")
                )
            }
            Constraint::MaxFar => format!(
                "whose max_far is below its planned FAR {}",
                p.planned_far.get(&c.id).copied().unwrap_or(0.0)
            ),
            Constraint::Request | Constraint::Priority => format!("{k:?}"),
        };
        if k == Constraint::Buffer {
            parts.push(what);
        } else {
            parts.push(format!("{v} {what}"));
        }
        left -= v.min(left);
    }
    // A class the rule file gives no land class at all (heavy, in the bundled rules) is the
    // whole answer, whatever else the funnel removed first.
    let barred = if params
        .land_classes
        .get(&c.pollution_class)
        .is_none_or(|l| l.is_empty())
    {
        format!(
            "{} enterprises may use no land class in the park (allocation.land_classes allows none); ",
            c.pollution_class
        )
    } else {
        String::new()
    };
    format!(
        "no parcel passes every constraint: {barred}of {n} parcels, {}",
        parts.join("; ")
    )
}

/// `convert` or `relocate` for the urban enterprises that get relocation options.
fn action(c: &Candidate) -> Option<&'static str> {
    match (c.kind, c.site) {
        (CandidateKind::Converting, Some(_)) => Some("convert"),
        (CandidateKind::Relocating, Some(_)) => Some("relocate"),
        _ => None,
    }
}

/// Each converting or relocating enterprise with a current site: its best feasible parcels.
/// `feasible` has one row per enterprise of `cs`; `assigned` maps an index of `cs` to its parcel.
fn relocation_options(
    p: &Problem,
    params: &Params,
    cs: &[Candidate],
    feasible: &Feasible,
    assigned: &HashMap<usize, usize>,
) -> Vec<RelocationOption> {
    let mut out = Vec::new();
    for (i, c) in cs.iter().enumerate() {
        let (Some(action), Some((lon, lat))) = (action(c), c.site) else {
            continue;
        };
        let mut row: Vec<(u32, i64)> = feasible.row(i).to_vec();
        row.sort_by(|a, b| {
            b.1.cmp(&a.1).then(
                p.park.parcels[a.0 as usize]
                    .id
                    .cmp(&p.park.parcels[b.0 as usize].id),
            )
        });
        for (rank, &(j, w)) in row.iter().take(params.options_k).enumerate() {
            let q = &p.park.parcels[j as usize];
            let centroid = q.geometry.centroid().unwrap_or(Point::new(lon, lat));
            out.push(RelocationOption {
                enterprise_id: c.id.clone(),
                action,
                rank: rank + 1,
                parcel_id: q.id.clone(),
                weight: fmt_w(w),
                area_mu: q.area_mu,
                distance_km: Geodesic.distance(Point::new(lon, lat), centroid) / 1000.0,
                assigned: assigned.get(&i) == Some(&(j as usize)),
            });
        }
    }
    out
}

/// Converting or relocating enterprises of `cs` with a site but no feasible parcel, and why.
fn without_options(
    p: &Problem,
    params: &Params,
    geometry: &ParkGeometry,
    cs: &[Candidate],
    feasible: &Feasible,
    blocks: bool,
) -> Vec<WithoutOptions> {
    let n = p.park.parcels.len();
    cs.iter()
        .enumerate()
        .filter(|&(i, _)| feasible.row(i).is_empty())
        .filter_map(|(i, c)| {
            let losses = &feasible.losses[i];
            Some(WithoutOptions {
                enterprise_id: c.id.clone(),
                name: c.name.clone(),
                action: action(c)?,
                removed_by: losses.by_constraint.clone(),
                message: no_parcel_message(p, params, geometry, c, losses, n, blocks),
            })
        })
        .collect()
}
