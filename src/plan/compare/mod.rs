//! Two plans side by side: what changes between a base plan and another one (other rules, this
//! year's registry, another parcel layout), and why.
//!
//! [`Comparison::new`] takes the two [`Outcome`]s and returns plain data — the rule diff, the
//! screening's counts and flips with the criteria that moved, the ranking's class, action and
//! relocation-order changes, the allocation's objective, moves, parcels and land — that the
//! writers only format: `compare.json` and one table per part ([`write`]), the report section
//! ([`section`]) and the difference map ([`map`]). It reads no file and keeps no reference to
//! either outcome, so a caller that reruns plans in-process (a local page trying rule changes)
//! calls it the same way `plan --compare` does. Every list is sorted by id (or key), so the same
//! two plans give the same bytes.
//!
//! ```
//! use parkplan::plan::{Plan, compare::Comparison};
//! use parkplan::scenario::{ScenarioFiles, load_scenario};
//!
//! let base = load_scenario(&ScenarioFiles::bundled())?;
//! let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
//! let a = Plan::new(&base).date(date).run()?;
//! let b = Plan::new(&base).date(date).run()?;
//! let c = Comparison::new(&a, &b);
//! assert!(c.rules.changes.is_empty() && c.screening.changes.is_empty());
//! assert!(c.allocation.enterprises.is_empty());
//! # Ok::<(), parkplan::Error>(())
//! ```

mod diff;
pub mod map;
mod other;
pub mod section;
pub mod write;

pub use diff::diff_values;
pub use other::{Replace, other_files};
pub use write::{compare_files, write_comparison};

use super::Outcome;
use crate::allocate::UnplacedCause;
use crate::i18n::Lang;
use crate::rank::{Action, Class, Evaluation};
use crate::screen::{self, Decision, Status};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One plan's identity: its rule set and scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    pub rules_version: String,
    pub rules_sha256: String,
    pub rules_file: String,
    pub scenario: String,
    /// The enterprise files, as the scenario names them.
    pub enterprises: Vec<String>,
    pub parcels: String,
}

impl Side {
    fn of(o: &Outcome) -> Side {
        let f = &o.scenario.files;
        Side {
            rules_version: o.scenario.rules.version.clone(),
            rules_sha256: o.scenario.rules.hash.clone(),
            rules_file: crate::io::shown_path(&f.rules),
            scenario: f.name(),
            enterprises: f
                .enterprises
                .iter()
                .map(|p| crate::io::shown_path(p))
                .collect(),
            parcels: crate::io::shown_path(&f.parcels),
        }
    }
    /// The first 12 hex digits of the rule set's hash.
    pub fn short_hash(&self) -> &str {
        &self.rules_sha256[..self.rules_sha256.len().min(12)]
    }
}

/// Everything that changes from the base plan to the other.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub base: Side,
    pub other: Side,
    /// The base plan's evaluation date and allocation mode.
    pub date: String,
    pub mode: &'static str,
    pub rules: RulesDiff,
    pub screening: Screening,
    pub ranking: RankingDiff,
    pub allocation: AllocationDiff,
}

/// The rule files' values that differ, by key path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RulesDiff {
    /// Both rule sets carry the same `version` though their values differ: the outputs can be
    /// told apart only by the hash.
    pub same_version: bool,
    pub changes: Vec<RuleChange>,
}

/// One value that differs: `admission.criterion[investment_intensity].expr`, with the value in
/// each file as TOML text (`None`: the key is not in that file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleChange {
    pub key: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Applicants by decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    pub admit: usize,
    pub conditional: usize,
    pub reject: usize,
}

impl Counts {
    fn of(r: &screen::ScreenReport) -> Counts {
        let (admit, conditional, reject) = r.counts();
        Counts {
            admit,
            conditional,
            reject,
        }
    }
    /// The count of one decision.
    pub fn get(&self, d: Decision) -> usize {
        match d {
            Decision::Admit => self.admit,
            Decision::Conditional => self.conditional,
            Decision::Reject => self.reject,
        }
    }
}

/// The screening before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screening {
    pub before: Counts,
    pub after: Counts,
    /// Applicants whose decision changes (or who are screened in one plan only), by id.
    pub changes: Vec<DecisionChange>,
}

/// An applicant whose decision changes, and the criteria whose result moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionChange {
    pub id: String,
    pub name: String,
    /// `None`: not an applicant of that plan.
    pub before: Option<Decision>,
    pub after: Option<Decision>,
    pub criteria: Vec<CriterionMove>,
}

/// A text in both languages (measured values and thresholds, with their units).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Shown {
    pub zh: String,
    pub en: String,
}

impl Shown {
    /// The text in `lang` (both: Chinese).
    pub fn get(&self, lang: Lang) -> &str {
        if lang == Lang::En { &self.en } else { &self.zh }
    }
    fn dash() -> Shown {
        Shown {
            zh: "-".into(),
            en: "-".into(),
        }
    }
}

/// A criterion whose result differs for one applicant: each plan's result, measured value and
/// threshold (`None` / `-`: the criterion is not in that rule set).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionMove {
    pub criterion: String,
    pub before: Option<Status>,
    pub after: Option<Status>,
    pub value_before: Shown,
    pub value_after: Shown,
    pub threshold_before: Shown,
    pub threshold_after: Shown,
}

/// The ranking before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankingDiff {
    pub class_before: BTreeMap<Class, usize>,
    pub class_after: BTreeMap<Class, usize>,
    /// Urban enterprises whose class, action or place in the relocation order changes, by id.
    pub changes: Vec<RankChange>,
}

/// An urban enterprise whose class, action or relocation place changes (`None`: not rated, not
/// in the order, or not in that plan's registry).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankChange {
    pub id: String,
    pub name: String,
    pub class_before: Option<Class>,
    pub class_after: Option<Class>,
    pub action_before: Option<Action>,
    pub action_after: Option<Action>,
    pub relocation_before: Option<usize>,
    pub relocation_after: Option<usize>,
}

/// The allocation before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllocationDiff {
    pub objective_before: f64,
    pub objective_after: f64,
    /// Each plan's optimality gap (0 in plot mode; block mode's MIP may stop within its
    /// `mip_gap`): an objective change smaller than the gaps may be the solver's, not the
    /// inputs'.
    pub gap_before: f64,
    pub gap_after: f64,
    pub placed_before: usize,
    pub placed_after: usize,
    /// Area of the parcels in use in each plan (mu).
    pub used_mu_before: f64,
    pub used_mu_after: f64,
    /// Parcels free before and in use after (placed), and the reverse (freed), in mu.
    pub land_placed_mu: f64,
    pub land_freed_mu: f64,
    /// Enterprises on the same parcel in both plans whose weight there changes (their priority
    /// moved with the rules), and the sum of those changes: with the weights of the moves it
    /// makes up the objective's change.
    pub reweighted: usize,
    pub reweighted_delta: f64,
    /// Enterprises newly placed, no longer placed or moved, by id.
    pub enterprises: Vec<PlacementChange>,
    /// Parcels whose occupants change, by id.
    pub parcels: Vec<ParcelChange>,
    /// Parcels in one plan's layout only (`--compare-parcels`), by id.
    pub parcels_added: Vec<String>,
    pub parcels_removed: Vec<String>,
}

/// What changes for one enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    NewlyPlaced,
    NoLongerPlaced,
    Moved,
}

impl Move {
    pub fn as_str(self) -> &'static str {
        match self {
            Move::NewlyPlaced => "newly_placed",
            Move::NoLongerPlaced => "no_longer_placed",
            Move::Moved => "moved",
        }
    }
}

/// Where an enterprise stands in one plan, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Placement {
    Placed {
        parcel_id: String,
        weight: f64,
    },
    /// A candidate left without land.
    Unplaced {
        cause: UnplacedCause,
        message: String,
    },
    /// An applicant that is no candidate: rejected, or admitted but excluded (the reason).
    Screened {
        decision: Decision,
        excluded: Option<String>,
    },
    /// An urban enterprise that does not convert: its class and action.
    Urban {
        class: Option<Class>,
        action: Option<Action>,
    },
    /// Not in that plan's registries.
    Absent,
}

impl Placement {
    pub fn parcel(&self) -> Option<&str> {
        match self {
            Placement::Placed { parcel_id, .. } => Some(parcel_id),
            _ => None,
        }
    }
}

/// An enterprise newly placed, no longer placed or moved, with where it stands in each plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacementChange {
    pub id: String,
    pub name: String,
    #[serde(rename = "change")]
    pub kind: Move,
    pub before: Placement,
    pub after: Placement,
}

/// A parcel whose occupants change: the enterprises on it in each plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParcelChange {
    pub parcel_id: String,
    pub area_mu: f64,
    pub before: Vec<Occupant>,
    pub after: Vec<Occupant>,
    /// Whether the parcel is in each plan's layout (`--compare-parcels`: it may be in one only).
    pub in_base: bool,
    pub in_other: bool,
}

/// An enterprise on a parcel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Occupant {
    pub id: String,
    pub name: String,
}

impl ParcelChange {
    /// `placed` (free before, used after), `freed`, or `changed` (another occupant).
    /// `removed` / `added`: not in the other / the base plan's layout.
    pub fn kind(&self) -> &'static str {
        if !self.in_other {
            return "removed";
        }
        if !self.in_base {
            return "added";
        }
        match (self.before.is_empty(), self.after.is_empty()) {
            (true, false) => "placed",
            (false, true) => "freed",
            _ => "changed",
        }
    }
}

impl Comparison {
    /// What changes from `base` to `other`. The two plans may differ in rules, registries or
    /// parcels; enterprises and parcels are matched by id.
    pub fn new(base: &Outcome, other: &Outcome) -> Comparison {
        let (ra, rb) = (&base.scenario.rules, &other.scenario.rules);
        let changes = diff_values(&ra.values, &rb.values);
        Comparison {
            base: Side::of(base),
            other: Side::of(other),
            date: base.date.to_string(),
            mode: base.mode.as_str(),
            rules: RulesDiff {
                same_version: ra.version == rb.version && ra.hash != rb.hash,
                changes,
            },
            screening: screening(base, other),
            ranking: ranking(base, other),
            allocation: allocation(base, other),
        }
    }
    /// Whether nothing at all changes.
    pub fn is_empty(&self) -> bool {
        self.rules.changes.is_empty()
            && self.screening.changes.is_empty()
            && self.ranking.changes.is_empty()
            && self.allocation.enterprises.is_empty()
            && self.allocation.parcels.is_empty()
    }
}

/// Applicants whose decision differs, matched by id, with the criteria whose result moved.
fn screening(a: &Outcome, b: &Outcome) -> Screening {
    let (sa, sb) = (&a.admission.screen, &b.admission.screen);
    let index = |o: &Outcome| -> BTreeMap<String, usize> {
        o.admission
            .screen
            .rows
            .iter()
            .enumerate()
            .map(|(k, r)| (r.id.clone(), k))
            .collect()
    };
    let (ia, ib) = (index(a), index(b));
    let ids: BTreeSet<&String> = ia.keys().chain(ib.keys()).collect();
    let mut changes = Vec::new();
    for id in ids {
        let (x, y) = (
            ia.get(id).map(|&k| &sa.rows[k]),
            ib.get(id).map(|&k| &sb.rows[k]),
        );
        let (da, db) = (x.map(|r| r.decision), y.map(|r| r.decision));
        if da == db {
            continue;
        }
        let ea = x.map(|r| &a.admission.roles.applicants[r.index]);
        let eb = y.map(|r| &b.admission.roles.applicants[r.index]);
        let ta = ea.map(|e| screen::trace(e, &a.scenario.rules, a.date));
        let tb = eb.map(|e| screen::trace(e, &b.scenario.rules, b.date));
        changes.push(DecisionChange {
            id: id.clone(),
            name: eb.or(ea).map(|e| e.name.clone()).unwrap_or_default(),
            before: da,
            after: db,
            criteria: moved(ta.as_ref(), tb.as_ref()),
        });
    }
    Screening {
        before: Counts::of(sa),
        after: Counts::of(sb),
        changes,
    }
}

/// The criteria whose result differs between two traces of one applicant, in the base rule
/// set's order, then the other's new ones.
fn moved(a: Option<&screen::Trace>, b: Option<&screen::Trace>) -> Vec<CriterionMove> {
    let (ca, cb): (&[screen::CriterionTrace], &[screen::CriterionTrace]) = (
        a.map_or(&[], |t| t.criteria.as_slice()),
        b.map_or(&[], |t| t.criteria.as_slice()),
    );
    let mut ids: Vec<&str> = ca.iter().map(|c| c.id.as_str()).collect();
    for c in cb {
        if !ids.contains(&c.id.as_str()) {
            ids.push(&c.id);
        }
    }
    fn find<'t>(v: &'t [screen::CriterionTrace], id: &str) -> Option<&'t screen::CriterionTrace> {
        v.iter().find(|c| c.id == id)
    }
    let value = |c: Option<&screen::CriterionTrace>| {
        c.map_or_else(Shown::dash, |c| Shown {
            zh: c.value_in(Lang::Zh),
            en: c.value_in(Lang::En),
        })
    };
    let threshold = |c: Option<&screen::CriterionTrace>| {
        c.map_or_else(Shown::dash, |c| Shown {
            zh: c.threshold_in(Lang::Zh),
            en: c.threshold_in(Lang::En),
        })
    };
    ids.into_iter()
        .filter_map(|id| {
            let (x, y) = (find(ca, id), find(cb, id));
            let (sx, sy) = (x.map(|c| c.status), y.map(|c| c.status));
            (sx != sy).then(|| CriterionMove {
                criterion: id.to_string(),
                before: sx,
                after: sy,
                value_before: value(x),
                value_after: value(y),
                threshold_before: threshold(x),
                threshold_after: threshold(y),
            })
        })
        .collect()
}

/// Urban enterprises whose class, action or relocation place differs, matched by id.
fn ranking(a: &Outcome, b: &Outcome) -> RankingDiff {
    let by_id = |o: &Outcome| -> BTreeMap<String, Evaluation> {
        if !o.has_ranking() {
            return BTreeMap::new();
        }
        o.admission
            .ranking
            .evaluations
            .iter()
            .map(|e| (e.id.clone(), e.clone()))
            .collect()
    };
    let (ea, eb) = (by_id(a), by_id(b));
    let ids: BTreeSet<&String> = ea.keys().chain(eb.keys()).collect();
    let reloc = |e: Option<&Evaluation>| e.and_then(|e| e.rated()?.relocation_rank);
    let mut changes = Vec::new();
    for id in ids {
        let (x, y) = (ea.get(id), eb.get(id));
        let c = RankChange {
            id: id.clone(),
            name: y.or(x).map(|e| e.name.clone()).unwrap_or_default(),
            class_before: x.and_then(Evaluation::class),
            class_after: y.and_then(Evaluation::class),
            action_before: x.and_then(Evaluation::action),
            action_after: y.and_then(Evaluation::action),
            relocation_before: reloc(x),
            relocation_after: reloc(y),
        };
        let same = c.class_before == c.class_after
            && c.action_before == c.action_after
            && c.relocation_before == c.relocation_after
            && x.is_some() == y.is_some();
        if !same {
            changes.push(c);
        }
    }
    let classes = |o: &Outcome| {
        if o.has_ranking() {
            o.admission.ranking.class_counts.clone()
        } else {
            BTreeMap::new()
        }
    };
    RankingDiff {
        class_before: classes(a),
        class_after: classes(b),
        changes,
    }
}

/// Where every enterprise of a plan stands (placed, unplaced, or why it is no candidate), by id,
/// with its name.
fn placements(o: &Outcome) -> BTreeMap<String, (String, Placement)> {
    let adm = &o.admission;
    let mut out = BTreeMap::new();
    let evaluations: BTreeMap<&str, &Evaluation> = adm
        .ranking
        .evaluations
        .iter()
        .map(|v| (v.id.as_str(), v))
        .collect();
    for e in &adm.roles.urban {
        let ev = evaluations.get(e.id.as_str()).copied();
        let p = Placement::Urban {
            class: ev.and_then(Evaluation::class),
            action: ev.and_then(Evaluation::action),
        };
        out.insert(e.id.clone(), (e.name.clone(), p));
    }
    let excluded: BTreeMap<&str, &str> = adm
        .excluded
        .iter()
        .map(|x| (x.id.as_str(), x.reason.as_str()))
        .collect();
    for r in &adm.screen.rows {
        let e = &adm.roles.applicants[r.index];
        let p = Placement::Screened {
            decision: r.decision,
            excluded: excluded.get(e.id.as_str()).map(|s| s.to_string()),
        };
        out.insert(e.id.clone(), (e.name.clone(), p));
    }
    for u in &o.allocation.unplaced {
        let p = Placement::Unplaced {
            cause: u.cause,
            message: u.message.clone(),
        };
        out.insert(u.enterprise_id.clone(), (u.name.clone(), p));
    }
    for x in &o.allocation.assignments {
        let name = adm.candidates[x.candidate].name.clone();
        let p = Placement::Placed {
            parcel_id: x.parcel_id.clone(),
            weight: x.weight,
        };
        out.insert(x.enterprise_id.clone(), (name, p));
    }
    out
}

/// Parcel id -> the enterprises on it, sorted by id.
fn occupants(o: &Outcome) -> BTreeMap<String, Vec<Occupant>> {
    let mut out: BTreeMap<String, Vec<Occupant>> = BTreeMap::new();
    for x in &o.allocation.assignments {
        out.entry(x.parcel_id.clone()).or_default().push(Occupant {
            id: x.enterprise_id.clone(),
            name: o.admission.candidates[x.candidate].name.clone(),
        });
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| a.id.cmp(&b.id));
    }
    out
}

/// The allocation's changes: objective, enterprises, parcels and land.
fn allocation(a: &Outcome, b: &Outcome) -> AllocationDiff {
    let (pa, pb) = (placements(a), placements(b));
    let ids: BTreeSet<&String> = pa.keys().chain(pb.keys()).collect();
    let absent = (String::new(), Placement::Absent);
    let mut enterprises = Vec::new();
    let (mut reweighted, mut reweighted_delta) = (0, 0.0);
    for id in ids {
        let (x, y) = (pa.get(id).unwrap_or(&absent), pb.get(id).unwrap_or(&absent));
        if let (
            Placement::Placed {
                parcel_id: p,
                weight: w,
            },
            Placement::Placed {
                parcel_id: q,
                weight: v,
            },
        ) = (&x.1, &y.1)
            && p == q
            && w != v
        {
            reweighted += 1;
            reweighted_delta += v - w;
        }
        let kind = match (x.1.parcel(), y.1.parcel()) {
            (None, Some(_)) => Move::NewlyPlaced,
            (Some(_), None) => Move::NoLongerPlaced,
            (Some(p), Some(q)) if p != q => Move::Moved,
            _ => continue,
        };
        let name = if y.0.is_empty() { &x.0 } else { &y.0 };
        enterprises.push(PlacementChange {
            id: id.clone(),
            name: name.clone(),
            kind,
            before: x.1.clone(),
            after: y.1.clone(),
        });
    }
    fn area<'o>(o: &'o Outcome) -> BTreeMap<&'o str, f64> {
        o.scenario
            .park
            .parcels
            .iter()
            .map(|p| (p.id.as_str(), p.area_mu))
            .collect()
    }
    let (aa, ab) = (area(a), area(b));
    let (oa, ob) = (occupants(a), occupants(b));
    let used = |occ: &BTreeMap<String, Vec<Occupant>>, ar: &BTreeMap<&str, f64>| -> f64 {
        occ.keys().filter_map(|p| ar.get(p.as_str())).sum()
    };
    let mut parcels = Vec::new();
    let (mut placed, mut freed) = (0.0, 0.0);
    let none = Vec::new();
    let parcel_ids: BTreeSet<&String> = oa.keys().chain(ob.keys()).collect();
    for id in parcel_ids {
        let (x, y) = (oa.get(id).unwrap_or(&none), ob.get(id).unwrap_or(&none));
        if x == y {
            continue;
        }
        let mu = ab
            .get(id.as_str())
            .or(aa.get(id.as_str()))
            .copied()
            .unwrap_or(0.0);
        let c = ParcelChange {
            parcel_id: id.clone(),
            area_mu: mu,
            before: x.clone(),
            after: y.clone(),
            in_base: aa.contains_key(id.as_str()),
            in_other: ab.contains_key(id.as_str()),
        };
        match c.kind() {
            "placed" => placed += mu,
            "freed" => freed += mu,
            _ => {}
        }
        parcels.push(c);
    }
    let only = |x: &BTreeMap<&str, f64>, y: &BTreeMap<&str, f64>| -> Vec<String> {
        x.keys()
            .filter(|k| !y.contains_key(*k))
            .map(|k| k.to_string())
            .collect()
    };
    AllocationDiff {
        parcels_added: only(&ab, &aa),
        parcels_removed: only(&aa, &ab),
        objective_before: a.allocation.objective,
        objective_after: b.allocation.objective,
        gap_before: a.allocation.gap,
        gap_after: b.allocation.gap,
        placed_before: a.allocation.assignments.len(),
        placed_after: b.allocation.assignments.len(),
        used_mu_before: used(&oa, &aa),
        used_mu_after: used(&ob, &ab),
        land_placed_mu: placed,
        land_freed_mu: freed,
        reweighted,
        reweighted_delta,
        enterprises,
        parcels,
    }
}
