//! Typed results of the allocation: how sure the solver is, why an enterprise is unplaced, and
//! why solving failed. Each prints and serialises as the stable English id of the outputs.

use serde::Serialize;
use std::fmt;

/// How sure the allocation is of its objective.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SolveStatus {
    /// The bound proves the objective optimal (gap 0, or within `mip_gap` for the MIP).
    Optimal,
    /// The exact matching's certificate did not close (a bug if it ever happens).
    NotProved,
    /// The MIP stopped at its time limit with its incumbent and best bound.
    TimeLimit,
    /// The MIP stopped within `allocation.mip_gap` of its bound.
    GapLimit,
    /// The MIP found nothing better in time: the greedy start, with the solver's reason.
    Greedy(String),
}

impl SolveStatus {
    /// Whether the objective is proved optimal.
    pub fn is_optimal(&self) -> bool {
        *self == SolveStatus::Optimal
    }
}

impl fmt::Display for SolveStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SolveStatus::Optimal => f.write_str("optimal"),
            SolveStatus::NotProved => f.write_str("not proved"),
            SolveStatus::TimeLimit => f.write_str("time_limit"),
            SolveStatus::GapLimit => f.write_str("gap_limit"),
            SolveStatus::Greedy(why) => write!(f, "greedy ({why})"),
        }
    }
}

impl Serialize for SolveStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Why a candidate was left without land.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnplacedCause {
    /// No parcel passes every constraint (the message gives the funnel).
    NoFeasibleParcel,
    /// Every feasible parcel went to an enterprise of higher weight there.
    OutCompeted,
    /// A feasible parcel is free, but the side constraints (or block areas) keep it out.
    SideConstraints,
}

impl UnplacedCause {
    pub fn as_str(self) -> &'static str {
        match self {
            UnplacedCause::NoFeasibleParcel => "no_feasible_parcel",
            UnplacedCause::OutCompeted => "out_competed",
            UnplacedCause::SideConstraints => "side_constraints",
        }
    }
}

impl fmt::Display for UnplacedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why solving failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolverError {
    /// The side constraints admit no allocation at all.
    #[error(
        "the side constraints cannot all hold: no allocation meets them (check the cluster minimums and locks against the land budget)"
    )]
    Infeasible,
    /// The MIP solver stopped without any solution (and no greedy start existed).
    #[error("the MIP solver stopped without a solution: {0}")]
    NoSolution(String),
    /// The solver refused a parameter of the rule file.
    #[error("allocation.mip_gap: {0}")]
    BadParameter(String),
    /// The exact matching's dual certificate failed: a bug, never bad input.
    #[error("internal error: the matching's certificate failed: {0}")]
    Certificate(String),
}
