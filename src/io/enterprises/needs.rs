//! The columns a command needs from an enterprise file, and refusing a file without them.
//!
//! A column the rule set reads (a criterion's expressions, a ranking indicator, the weed-out
//! line, the burden, the conversion test, the allocation's request and pollution class) must be
//! in the file: an absent column would otherwise read as "not reported" on every row and, say,
//! reject every applicant with exit status 0. The needs follow from the compiled rule set (each
//! expression lists the metrics it reads; each metric its input columns), so a new criterion
//! brings its columns with it. A column no command needs may be absent.
//!
//! ```
//! use parkplan::io::enterprises::{needs, read_enterprises};
//! let rules = parkplan::rules::load(&parkplan::io::bundled::rules())?;
//! let reg = read_enterprises("a.csv".as_ref(), "id,name,营业收人\nE1,甲,100\n")?;
//! let err = needs::check("a.csv".as_ref(), &reg.columns, &needs::screening(&rules))
//!     .unwrap_err()
//!     .to_string();
//! assert!(err.contains("revenue: column is missing; `parkplan screen` needs it"), "{err}");
//! assert!(err.contains("\"营业收人\" (close to 营业收入 (revenue))"), "{err}");
//! # Ok::<(), parkplan::Problems>(())
//! ```

use crate::error::{InputError, Problems};
use crate::metrics::{self, MetricId, m};
use crate::model::Columns;
use crate::rules::RuleSet;
use crate::rules::expr::Program;
use std::path::Path;

/// The columns one command needs, each with what needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    /// The command, as the user typed it (`parkplan screen`).
    pub command: String,
    /// Each needed column with what needs it (`criterion rd_intensity`), in catalogue order.
    pub columns: Vec<(MetricId, Vec<String>)>,
}

impl Needs {
    fn new(command: &str) -> Self {
        Needs {
            command: command.to_string(),
            columns: Vec::new(),
        }
    }
    /// Record that `why` reads metric `id` (its input columns, for a derived metric).
    fn add(&mut self, id: MetricId, why: &str) {
        for c in metrics::inputs(id) {
            match self.columns.iter_mut().find(|(k, _)| *k == c) {
                Some((_, whys)) if whys.iter().any(|w| w == why) => {}
                Some((_, whys)) => whys.push(why.to_string()),
                None => self.columns.push((c, vec![why.to_string()])),
            }
        }
        self.columns.sort_by_key(|(c, _)| *c);
    }
    fn add_program(&mut self, p: &Program, why: &str) {
        for &id in &p.metrics {
            self.add(id, why);
        }
    }
    /// Another command's needs added to these (`plan` screens and allocates).
    fn extend(&mut self, other: &Needs) {
        for (c, whys) in &other.columns {
            for w in whys {
                self.add(*c, w);
            }
        }
    }
    /// The same needs, for another command.
    pub fn for_command(mut self, command: &str) -> Self {
        self.command = command.to_string();
        self
    }
}

/// What `parkplan screen` needs: every column the admission criteria (their `when`, tier
/// conditions and tests) read, and the certification level when it earns priority points.
pub fn screening(rules: &RuleSet) -> Needs {
    let mut n = Needs::new("parkplan screen");
    let a = &rules.admission;
    for (c, cc) in a.criteria().iter().zip(a.compiled()) {
        let why = format!("criterion {}", c.id);
        if let Some(w) = &cc.when {
            n.add_program(w, &why);
        }
        for b in &cc.branches {
            if let Some(w) = &b.when {
                n.add_program(w, &why);
            }
            n.add_program(&b.test, &why);
        }
    }
    if !a.priority.level.is_empty() {
        n.add(m::HIGHTECH_LEVEL, "the priority score's level points");
    }
    n
}

/// What `parkplan rank` needs of `enterprises`: what the tracks' conditions read, and on each
/// track some enterprise is on, the inputs of every indicator whose missing inputs leave the
/// enterprise not rated (the rule file's `missing = "average"` or `"zero"` accepts them
/// missing); the weed-out line (tax per mu), the burden (value added, energy, the four
/// pollutants) and the conversion test (willingness, violations).
pub fn ranking(rules: &RuleSet, enterprises: &[crate::Enterprise]) -> Needs {
    use crate::rules::ranking::MissingInput;
    let mut n = Needs::new("parkplan rank");
    let r = &rules.ranking;
    let taken = crate::rank::tracks_taken(enterprises, rules);
    for (t, on) in r.tracks.iter().zip(taken) {
        let why = format!("track {}", t.id());
        if let Some(p) = t.condition() {
            n.add_program(p, &why);
        }
        if !t.rates() || !on {
            continue;
        }
        for i in t
            .indicators
            .iter()
            .filter(|i| i.missing == MissingInput::NotRated)
        {
            let metric = i.metric.value;
            n.add(metric.id(), &format!("indicator {metric} of {why}"));
        }
    }
    if r.is_configured() {
        n.add(m::TAX_PER_MU, "the weed-out line");
        n.add(m::VALUE_ADDED, "the burden");
        n.add(m::ENERGY_TCE, "the burden");
        n.add(m::EMISSIONS_T, "the burden");
        n.add(m::WILLING_TO_CONVERT, "the conversion test");
        n.add(m::VIOLATIONS, "the conversion test");
    }
    n
}

/// What allocating a park applicant needs besides screening: its request, its pollution
/// class (unless the rule set assumes one) and its industry (for the cluster).
pub fn applicant_allocation(rules: &RuleSet, command: &str) -> Needs {
    let mut n = screening(rules).for_command(command);
    let mut alloc = Needs::new(command);
    alloc.add(m::REQUESTED_MU, "the allocation (land requested)");
    alloc.add(m::INDUSTRY_CODE, "the allocation (the industry's cluster)");
    if rules.admission.candidates.assumed_class().is_none() {
        alloc.add(
            m::POLLUTION_CLASS,
            "the allocation (land classes and buffers)",
        );
    }
    n.extend(&alloc);
    n
}

/// What the plan needs of an urban registry: the ranking's columns (converting and relocating
/// enterprises request `requested_mu`, else their `land_mu`, which the ranking needs anyway).
pub fn urban_allocation(
    rules: &RuleSet,
    enterprises: &[crate::Enterprise],
    command: &str,
) -> Needs {
    let mut n = ranking(rules, enterprises).for_command(command);
    let mut alloc = Needs::new(command);
    alloc.add(
        m::POLLUTION_CLASS,
        "relocation options (land classes and buffers)",
    );
    alloc.add(
        m::INDUSTRY_CODE,
        "relocation options (the industry's cluster)",
    );
    n.extend(&alloc);
    n
}

/// Refuse a file that lacks a column `needs` lists: one problem per missing column, naming
/// the column, the command and what needs it, and the file's headers that may be it.
pub fn check(path: &Path, columns: &Columns, needs: &Needs) -> Result<(), Problems> {
    let mut problems = Problems::default();
    for (id, whys) in &needs.columns {
        if columns.present.contains(id) {
            continue;
        }
        let d = metrics::metric(*id);
        let near = super::near_misses(*id, columns);
        let mut message = format!(
            "column is missing; `{}` needs it ({}); name it {} or {} (the README lists every accepted header)",
            needs.command,
            list(whys),
            d.name,
            d.zh
        );
        if !near.is_empty() {
            message.push_str(&format!("; headers not understood: {near}"));
        }
        problems.push(InputError::new(
            path,
            columns.header.clone(),
            Some(d.name),
            message,
        ));
    }
    problems.into_result(())
}

/// Reasons joined, at most four, then how many more.
fn list(whys: &[String]) -> String {
    let mut s = whys.iter().take(4).cloned().collect::<Vec<_>>().join(", ");
    if whys.len() > 4 {
        s.push_str(&format!(" and {} more", whys.len() - 4));
    }
    s
}
