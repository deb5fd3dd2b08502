//! The report's content, from a plan's outcome, in the report's language: the conclusion up
//! front, the screening with each failed criterion's value, threshold and remedy, one opinion
//! sheet per applicant, the ranking, the allocation, the maps (each on an A3 page, clickable),
//! the scenario and the rules' sources. Written by [`crate::report::write_report`].
//!
//! Every text comes from the message catalogue ([`crate::i18n`]); ids (criteria, parcels,
//! enterprises) stay as they are in every language. Long tables are capped at province scale
//! (first [`TABLE_ROWS`] rows, and the file that has them all).

use super::text::num;
use super::{Listed, Outcome, maps::MapInputs, maps::Maps};
use crate::allocate::Unplaced;
use crate::allocate::feasibility::Constraint;
use crate::i18n::{self, Lang};
use crate::model::ParcelStatus;
use crate::rank::{self, Action, Class};
use crate::report::{
    Block, Column, Figure, ReportInput, Row, Section, SectionKind, Sheet, Table, escape,
};
use crate::rules::admission::Severity;
use crate::screen::{Decision, Status, Trace};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// Rows of a long table the report shows; the rest are in the named output file.
pub const TABLE_ROWS: usize = 300;
/// Opinion sheets the report prints; past this, `screen --explain` prints any one.
pub const SHEETS: usize = 200;
/// Names listed in a sentence of the conclusion before "and N more".
const NAMES: usize = 12;

mod robustness;

/// Put the robustness section into `page`, after the allocation's (the last section otherwise).
pub fn insert_robustness(
    page: &mut ReportInput,
    o: &Outcome,
    r: &crate::plan::robustness::Robustness,
) {
    let at = page
        .sections
        .iter()
        .position(|s| s.id == "allocate")
        .map_or(page.sections.len(), |i| i + 1);
    page.sections
        .insert(at, robustness::section(Tr(o.lang), o, r));
}

/// The language the report is written in, and the texts it looks up (the comparison's
/// section adds its own lookups in `plan::compare::section`).
#[derive(Clone, Copy)]
pub(in crate::plan) struct Tr(pub(in crate::plan) Lang);

impl Tr {
    pub(in crate::plan) fn t(self, key: &str) -> String {
        i18n::text(self.0, key)
    }
    pub(in crate::plan) fn f(self, key: &str, args: &[(&str, String)]) -> String {
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        i18n::fill(self.0, key, &args)
    }
    /// A template that only joins texts already in the report's language (its punctuation):
    /// a bilingual report takes the Chinese one rather than saying everything twice.
    fn join(self, key: &str, args: &[(&str, String)]) -> String {
        let lang = if self.0 == Lang::Both {
            Lang::Zh
        } else {
            self.0
        };
        Tr(lang).f(key, args)
    }
    pub(in crate::plan) fn decision(self, d: Decision) -> String {
        self.t(&format!("decision.{}", d.name()))
    }
    pub(in crate::plan) fn status(self, s: Status) -> String {
        self.t(&format!("status.{}", s.name().replace(' ', "_")))
    }
    fn severity(self, s: Severity) -> String {
        self.t(&format!("severity.{}", s.name()))
    }
    fn class(self, c: Class) -> String {
        self.t(&format!("class.{c}"))
    }
    fn action(self, a: Action) -> String {
        self.t(&format!("action.{}", a.as_str()))
    }
    fn cluster(self, id: &str) -> String {
        i18n::name_of(self.0, "cluster", id)
    }
    fn name(self, area: &str, id: &str) -> String {
        i18n::name_of(self.0, area, id)
    }
    fn col(self, key: &str) -> String {
        self.t(&format!("col.{key}"))
    }
    /// The list separator: `、` in Chinese, `, ` in English.
    pub(in crate::plan) fn sep(self) -> &'static str {
        if self.0 == Lang::En { ", " } else { "、" }
    }
    /// Cap a table at [`TABLE_ROWS`], naming the file with every row.
    pub(in crate::plan) fn cap(self, mut t: Table, file: &str) -> Table {
        t.cap(TABLE_ROWS, |shown, total| {
            self.f(
                "report.capped",
                &[
                    ("shown", shown.to_string()),
                    ("total", total.to_string()),
                    ("file", file.to_string()),
                ],
            )
        });
        t
    }
    /// Names in a sentence: the first [`NAMES`], then "and N more".
    fn names(self, names: &[String]) -> String {
        let sep = self.sep();
        let mut s = names
            .iter()
            .take(NAMES)
            .cloned()
            .collect::<Vec<_>>()
            .join(sep);
        if names.len() > NAMES {
            s.push_str(&self.f(
                "report.and_more",
                &[
                    ("n", names.len().to_string()),
                    ("more", (names.len() - NAMES).to_string()),
                ],
            ));
        }
        s
    }
}

fn table(title: String, columns: Vec<Column>, rows: Vec<Row>) -> Table {
    Table {
        title,
        columns,
        rows,
        ..Default::default()
    }
}

/// A row about an enterprise (clicking it highlights the enterprise's parcel and site).
fn ent_row(id: &str, cells: Vec<String>) -> Row {
    Row {
        cells,
        enterprise: Some(id.to_string()),
        parcel: None,
    }
}

/// The report page of an outcome: `listed` is the folder's files, `maps` the drawn maps (of
/// `inputs`) and `charts` the ranking charts as (file stem, SVG).
pub fn build(
    o: &Outcome,
    listed: &[Listed],
    inputs: &MapInputs,
    maps: &Maps,
    charts: &[(String, String)],
) -> ReportInput {
    let tr = Tr(o.lang);
    let s = o.scenario;
    use rayon::prelude::*;
    let traces: Vec<Trace> = o
        .admission
        .screen
        .rows
        .par_iter()
        .map(|r| {
            let mut t =
                crate::screen::trace(&o.admission.roles.applicants[r.index], &s.rules, o.date);
            slim(&mut t);
            t
        })
        .collect();
    let park = tr.t("report.park_default");
    let mut input = ReportInput {
        lang: o.lang,
        title: tr.f("report.title", &[("park", park)]),
        subtitle: s.files.name(),
        meta: tr.f(
            "report.rules_line",
            &[
                ("version", s.rules.version.clone()),
                ("hash", s.rules.short_hash().to_string()),
                ("date", o.date.to_string()),
            ],
        ),
        footer: tr.f(
            "report.footer",
            &[
                ("version", env!("CARGO_PKG_VERSION").to_string()),
                ("rules", s.rules.version.clone()),
            ],
        ),
        ..Default::default()
    };
    input.summary = tiles(tr, o);
    let clickable = clickable(o);
    input.sections = vec![
        conclusion(tr, o),
        screening(tr, o, &traces),
        sheets(tr, o, &traces),
        ranking(tr, o, charts),
        allocation(tr, o),
        drawings(tr, o, inputs, maps, clickable.as_deref()),
        scenario(tr, o),
        sources(tr, o),
        files(tr, listed),
    ];
    input.data = Some(page_data(tr, o, clickable.as_deref()));
    input
}

/// The headline figures.
fn tiles(tr: Tr, o: &Outcome) -> Vec<(String, String)> {
    let (a, c, r) = o.admission.screen.counts();
    let al = &o.allocation;
    let mut v = vec![
        (tr.decision(Decision::Admit), a.to_string()),
        (tr.decision(Decision::Conditional), c.to_string()),
        (tr.decision(Decision::Reject), r.to_string()),
        (
            tr.t("report.placed"),
            format!(
                "{} / {}",
                al.assignments.len(),
                o.admission.candidates.len()
            ),
        ),
    ];
    if o.has_ranking() {
        let acts = |x: Action| {
            o.admission
                .ranking
                .action_counts
                .get(&x)
                .copied()
                .unwrap_or(0)
        };
        v.push((
            tr.action(Action::Relocate),
            acts(Action::Relocate).to_string(),
        ));
        v.push((
            tr.action(Action::Convert),
            acts(Action::Convert).to_string(),
        ));
    }
    v
}

/// Land placed (parcels, mu) and what is left available.
fn land_figures(o: &Outcome) -> (usize, f64, usize, f64) {
    let parcels = &o.scenario.park.parcels;
    let mut used = vec![false; parcels.len()];
    for x in &o.allocation.assignments {
        used[x.parcel] = true;
    }
    let placed: Vec<usize> = (0..parcels.len()).filter(|i| used[*i]).collect();
    let placed_mu: f64 = placed.iter().map(|i| parcels[*i].area_mu).sum();
    let left: Vec<usize> = (0..parcels.len())
        .filter(|i| !used[*i] && parcels[*i].status == ParcelStatus::Available)
        .collect();
    let left_mu: f64 = left.iter().map(|i| parcels[*i].area_mu).sum();
    (placed.len(), placed_mu, left.len(), left_mu)
}

/// The one-page conclusion: counts, who relocates, converts, rectifies, land, decisions.
fn conclusion(tr: Tr, o: &Outcome) -> Section {
    let (a, c, r) = o.admission.screen.counts();
    let mut blocks = vec![Block::Para(tr.f(
        "report.conclusion_screen",
        &[
            ("n", (a + c + r).to_string()),
            ("admit", a.to_string()),
            ("conditional", c.to_string()),
            ("reject", r.to_string()),
        ],
    ))];
    let rk = &o.admission.ranking;
    let mut freed = 0.0;
    let mut by_action: BTreeMap<Action, Vec<String>> = BTreeMap::new();
    if o.has_ranking() {
        let count = |c: Class| rk.class_counts.get(&c).copied().unwrap_or(0).to_string();
        let acts = |x: Action| rk.action_counts.get(&x).copied().unwrap_or(0).to_string();
        blocks.push(Block::Para(tr.f(
            "report.conclusion_rank",
            &[
                ("n", o.admission.roles.urban.len().to_string()),
                ("a", count(Class::A)),
                ("b", count(Class::B)),
                ("c", count(Class::C)),
                ("d", count(Class::D)),
                ("relocate", acts(Action::Relocate)),
                ("convert", acts(Action::Convert)),
                ("rectify", acts(Action::Rectify)),
            ],
        )));
        freed = rk.land_freed.total.mu;
        for ev in rk.relocation_order() {
            if let Some(act) = ev.action() {
                by_action.entry(act).or_default().push(format!(
                    "{} {}",
                    ev.id,
                    crate::render::map::short_name(&ev.name)
                ));
            }
        }
    } else {
        blocks.push(Block::Para(tr.t("report.conclusion_rank_skipped")));
    }
    let (parcels, mu, left, left_mu) = land_figures(o);
    blocks.push(Block::Para(tr.f(
        "report.conclusion_land",
        &[
            ("placed", o.allocation.assignments.len().to_string()),
            ("candidates", o.admission.candidates.len().to_string()),
            ("parcels", parcels.to_string()),
            ("mu", num(mu, 1)),
            ("left", left.to_string()),
            ("left_mu", num(left_mu, 1)),
            ("freed", num(freed, 1)),
        ],
    )));
    let mut lists = Vec::new();
    for (act, key) in [
        (Action::Relocate, "report.relocate_list"),
        (Action::Convert, "report.convert_list"),
        (Action::Rectify, "report.rectify_list"),
    ] {
        if let Some(names) = by_action.get(&act) {
            lists.push(tr.join(
                "report.labelled",
                &[("label", tr.t(key)), ("text", tr.names(names))],
            ));
        }
    }
    if !lists.is_empty() {
        blocks.push(Block::List(lists));
    }
    blocks.push(Block::Heading(tr.t("report.conclusion_decide")));
    blocks.push(Block::List(decisions_needed(tr, o, c)));
    Section {
        id: "conclusion".into(),
        title: tr.t("report.conclusion"),
        kind: SectionKind::Flow,
        blocks,
    }
}

/// What needs a decision: conditional admissions, admitted applicants without a parcel or
/// left out of the allocation, relocating enterprises with no feasible parcel, enterprises that
/// could not be rated; a line saying nothing does when none of these arise.
fn decisions_needed(tr: Tr, o: &Outcome, c: usize) -> Vec<String> {
    let mut decide = Vec::new();
    if c > 0 {
        decide.push(tr.f("report.decide_conditional", &[("n", c.to_string())]));
    }
    let unplaced: Vec<String> = o
        .allocation
        .unplaced
        .iter()
        .map(|u| {
            format!(
                "{} {}",
                u.enterprise_id,
                crate::render::map::short_name(&u.name)
            )
        })
        .collect();
    if !unplaced.is_empty() {
        decide.push(tr.f(
            "report.decide_unplaced",
            &[
                ("n", unplaced.len().to_string()),
                ("list", tr.names(&unplaced)),
            ],
        ));
    }
    let excluded: Vec<String> = o.admission.excluded.iter().map(|x| x.id.clone()).collect();
    if !excluded.is_empty() {
        decide.push(tr.f(
            "report.decide_excluded",
            &[
                ("n", excluded.len().to_string()),
                ("list", tr.names(&excluded)),
            ],
        ));
    }
    let no_option: Vec<String> = o
        .allocation
        .without_options
        .iter()
        .map(|w| {
            format!(
                "{} {}",
                w.enterprise_id,
                crate::render::map::short_name(&w.name)
            )
        })
        .collect();
    if !no_option.is_empty() {
        decide.push(tr.f(
            "report.decide_no_option",
            &[
                ("n", no_option.len().to_string()),
                ("list", tr.names(&no_option)),
            ],
        ));
    }
    if o.has_ranking() && o.admission.ranking.not_rated > 0 {
        decide.push(tr.f(
            "report.decide_not_rated",
            &[("n", o.admission.ranking.not_rated.to_string())],
        ));
    }
    if decide.is_empty() {
        decide.push(tr.t("report.decide_nothing"));
    }
    decide
}

/// Every admission criterion with its severity, description and the document it follows.
fn criteria_table(tr: Tr, o: &Outcome) -> Table {
    let adm = &o.scenario.rules.admission;
    table(
        tr.t("report.criteria"),
        vec![
            Column::id(tr.col("criterion")),
            Column::tag(tr.col("severity")),
            Column::text(tr.col("criterion_text")),
            Column::text(tr.col("source")),
        ],
        adm.criteria()
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    tr.severity(c.severity),
                    tr.0.pick(&c.zh, &c.en),
                    adm.source_of(c).unwrap_or("-").to_string(),
                ]
                .into()
            })
            .collect(),
    )
}

/// Drop what the report never reads from a trace: each criterion's copy of the rule's texts
/// (the criteria table gives them once), its per-test checks and its English sentences other
/// than the threshold. Every applicant's trace is held while the report is built, and these strings
/// are most of its size.
fn slim(t: &mut Trace) {
    for c in &mut t.criteria {
        c.zh = String::new();
        c.en = String::new();
        c.source = String::new();
        c.checks = Vec::new();
        c.value = None;
        c.reason = None;
        c.remedy = None;
    }
}

/// The applicants with decision `d`, best score first (ties by id): priority order.
fn decision_list(tr: Tr, o: &Outcome, traces: &[Trace], d: Decision) -> Table {
    let report = &o.admission.screen;
    let mut rows: Vec<(f64, Row)> = report
        .rows
        .iter()
        .zip(traces)
        .filter(|(row, _)| row.decision == d)
        .map(|(row, t)| {
            let score = row.score.unwrap_or(f64::NEG_INFINITY);
            let shown = row.score.map_or("-".into(), |v| num(v, 2));
            let failed = t
                .criteria
                .iter()
                .filter(|c| c.status.is_failure() && c.severity != Severity::Preferred)
                .map(|c| {
                    tr.join(
                        "report.in_brackets_after",
                        &[("id", c.id.clone()), ("text", tr.status(c.status))],
                    )
                })
                .collect::<Vec<_>>()
                .join("；");
            (
                score,
                ent_row(&row.id, vec![row.id.clone(), t.name.clone(), shown, failed]),
            )
        })
        .collect();
    rows.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then_with(|| x.1.cells[0].cmp(&y.1.cells[0]))
    });
    let t = table(
        tr.f("report.decision_list", &[("decision", tr.decision(d))]),
        vec![
            Column::id(tr.col("id")),
            Column::text(tr.col("name")),
            Column::num(tr.col("score")),
            Column::text(tr.col("not_passed")),
        ],
        rows.into_iter().map(|(_, r)| r).collect(),
    );
    tr.cap(t, "screen.csv")
}

/// Each failed criterion of each applicant: the Chinese criterion text, measured value,
/// threshold and what it would take.
fn failed_table(tr: Tr, o: &Outcome, traces: &[Trace]) -> Table {
    let rules = &o.scenario.rules;
    let mut rows = Vec::new();
    for t in traces
        .iter()
        .filter(|t| t.decision != Decision::Admit || !t.failed.is_empty())
    {
        for (c, def) in t.criteria.iter().zip(rules.admission.criteria()) {
            if !c.status.is_failure() || c.severity == Severity::Preferred {
                continue;
            }
            let what = c
                .remedy_in(tr.0)
                .or_else(|| c.reason_in(tr.0))
                .unwrap_or_else(|| "-".into());
            rows.push(ent_row(
                &t.id,
                vec![
                    t.id.clone(),
                    t.name.clone(),
                    c.id.clone(),
                    tr.0.pick(&def.zh, &def.en),
                    c.value_in(tr.0),
                    c.threshold_in(tr.0),
                    what,
                ],
            ));
        }
    }
    let t = table(
        tr.t("report.failed_criteria"),
        vec![
            Column::id(tr.col("id")),
            Column::text(tr.col("name")),
            Column::id(tr.col("criterion")),
            Column::text(tr.col("criterion_text")),
            Column::num(tr.col("value")),
            Column::text(tr.col("threshold")),
            Column::text(tr.col("remedy")),
        ],
        rows,
    );
    tr.cap(t, "screen.csv")
}

/// The screening: the criteria, what failed and why, the three decision lists, who cannot be
/// placed.
fn screening(tr: Tr, o: &Outcome, traces: &[Trace]) -> Section {
    let mut blocks = vec![
        Block::Para(tr.f(
            "report.screen_note",
            &[
                ("n", o.admission.roles.applicants.len().to_string()),
                ("date", o.date.to_string()),
                ("version", o.scenario.rules.version.clone()),
            ],
        )),
        Block::Table(criteria_table(tr, o)),
        Block::Table(failed_table(tr, o, traces)),
    ];
    for d in [Decision::Admit, Decision::Conditional, Decision::Reject] {
        blocks.push(Block::Table(decision_list(tr, o, traces, d)));
    }
    let excluded = &o.admission.excluded;
    if !excluded.is_empty() {
        blocks.push(Block::Table(table(
            tr.t("report.not_placeable"),
            vec![Column::id(tr.col("id")), Column::text(tr.col("reason"))],
            excluded
                .iter()
                .map(|x| ent_row(&x.id, vec![x.id.clone(), x.reason.clone()]))
                .collect(),
        )));
    }
    Section {
        id: "screen".into(),
        title: tr.t("report.screen"),
        kind: SectionKind::NewPage,
        blocks,
    }
}

/// Why an unplaced candidate got no parcel, in the report's language, from the typed funnel.
fn unplaced_why(tr: Tr, u: &Unplaced) -> String {
    let mut s = tr.t(&format!("cause.{}", u.cause.as_str()));
    let removed: Vec<String> = u
        .removed_by
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(c, n)| format!("{} {n}", constraint_name(tr, *c)))
        .collect();
    let sep = if tr.0 == Lang::En { "; " } else { "；" };
    s.push_str(sep);
    s.push_str(&tr.f(
        "report.funnel",
        &[
            ("n", u.feasible_parcels.to_string()),
            (
                "removed",
                if removed.is_empty() {
                    tr.t("report.none")
                } else {
                    removed.join(if tr.0 == Lang::En { ", " } else { "、" })
                },
            ),
        ],
    ));
    if let Some(r) = u.rivals.first()
        && let Some(by) = &r.taken_by
    {
        s.push_str(sep);
        s.push_str(&tr.f(
            "report.taken_by",
            &[("parcel", r.parcel_id.clone()), ("by", by.clone())],
        ));
    }
    if let Some(w) = u.weight_short {
        s.push_str(sep);
        s.push_str(&tr.f("report.weight_short", &[("w", num(w, 4))]));
    }
    s
}

fn constraint_name(tr: Tr, c: Constraint) -> String {
    let key = match c {
        Constraint::Request => "constraint.request",
        Constraint::Priority => "constraint.priority",
        Constraint::Status => "constraint.status",
        Constraint::AreaFit => "constraint.area_fit",
        Constraint::LandClass => "constraint.land_class",
        Constraint::Cluster => "constraint.cluster",
        Constraint::Buffer => "constraint.buffer",
        Constraint::MaxFar => "constraint.max_far",
    };
    tr.t(key)
}

/// One opinion sheet per applicant (capped at [`SHEETS`], the undecided and rejected first).
fn sheets(tr: Tr, o: &Outcome, traces: &[Trace]) -> Section {
    let rules = &o.scenario.rules;
    let placed: HashMap<&str, &crate::allocate::Assignment> = o
        .allocation
        .assignments
        .iter()
        .map(|x| (x.enterprise_id.as_str(), x))
        .collect();
    let unplaced: HashMap<&str, &Unplaced> = o
        .allocation
        .unplaced
        .iter()
        .map(|u| (u.enterprise_id.as_str(), u))
        .collect();
    let excluded: HashMap<&str, &str> = o
        .admission
        .excluded
        .iter()
        .map(|x| (x.id.as_str(), x.reason.as_str()))
        .collect();
    // Priority rank among the admitted and conditional.
    let mut ranked: Vec<(f64, &str)> = traces
        .iter()
        .filter_map(|t| t.score.map(|s| (s, t.id.as_str())))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let rank_of: HashMap<&str, usize> = ranked
        .iter()
        .enumerate()
        .map(|(k, (_, id))| (*id, k + 1))
        .collect();
    let mut order: Vec<usize> = (0..traces.len()).collect();
    let mut blocks = vec![Block::Para(tr.t("report.sheets_note"))];
    if traces.len() > SHEETS {
        order.sort_by_key(|&i| (traces[i].decision == Decision::Admit, i));
        order.truncate(SHEETS);
        order.sort_unstable();
        blocks.push(Block::Note(tr.f(
            "report.sheets_capped",
            &[
                ("total", traces.len().to_string()),
                ("shown", SHEETS.to_string()),
            ],
        )));
    }
    let parcels = &o.scenario.park.parcels;
    for i in order {
        let t = &traces[i];
        let e = &o.admission.roles.applicants[o.admission.screen.rows[i].index];
        let mut fields = vec![
            (
                tr.t("report.sheet_enterprise"),
                format!("{} {}", t.id, t.name),
            ),
            (
                tr.t("report.sheet_industry"),
                e.industry_code
                    .as_ref()
                    .map_or("-".into(), |c| c.to_string()),
            ),
            (
                tr.t("report.sheet_request"),
                e.requested_mu
                    .map_or("-".into(), |m| format!("{} {}", num(m, 1), tr.t("page.mu"))),
            ),
            (tr.t("report.sheet_decision"), tr.decision(t.decision)),
        ];
        if let Some(s) = t.score {
            let of = ranked.len().to_string();
            let rank = rank_of.get(t.id.as_str()).copied().unwrap_or(0);
            fields.push((
                tr.t("report.sheet_score"),
                format!(
                    "{} · {}",
                    num(s, 4),
                    tr.f(
                        "report.sheet_rank",
                        &[("rank", rank.to_string()), ("of", of)]
                    )
                ),
            ));
        }
        let land = if t.decision == Decision::Reject {
            tr.t("report.sheet_rejected")
        } else if let Some(x) = placed.get(t.id.as_str()) {
            let p = &parcels[x.parcel];
            tr.f(
                "report.sheet_placed",
                &[
                    ("parcel", x.parcel_id.clone()),
                    ("mu", num(p.area_mu, 1)),
                    ("cluster", tr.cluster(&p.cluster)),
                    ("weight", num(x.weight, 4)),
                ],
            )
        } else if let Some(u) = unplaced.get(t.id.as_str()) {
            tr.f("report.sheet_not_placed", &[("why", unplaced_why(tr, u))])
        } else if let Some(why) = excluded.get(t.id.as_str()) {
            tr.f("report.sheet_not_placed", &[("why", why.to_string())])
        } else {
            "-".into()
        };
        fields.push((tr.t("report.sheet_parcel"), land));
        let criteria = sheet_criteria(tr, t, rules);
        let remedies = sheet_remedies(tr, t);
        blocks.push(Block::Sheet(Box::new(Sheet {
            id: t.id.clone(),
            title: format!("{} · {}", tr.t("report.sheet_title"), t.id),
            fields,
            criteria,
            remedies_title: tr.t("report.sheet_remedies"),
            remedies,
            signature: tr.t("report.sheet_signature"),
        })));
    }
    Section {
        id: "sheets".into(),
        title: tr.t("report.sheets"),
        kind: SectionKind::NewPage,
        blocks,
    }
}

/// An opinion sheet's criteria: id, text (with the tier that applied), severity, result,
/// measured value and threshold.
fn sheet_criteria(tr: Tr, t: &Trace, rules: &crate::RuleSet) -> Table {
    table(
        String::new(),
        vec![
            Column::id(tr.col("criterion")),
            Column::text(tr.col("criterion_text")),
            Column::tag(tr.col("severity")),
            Column::tag(tr.col("result")),
            Column::num(tr.col("value")),
            Column::text(tr.col("threshold")),
        ],
        t.criteria
            .iter()
            .zip(rules.admission.criteria())
            .map(|(c, def)| {
                let mut text = tr.0.pick(&def.zh, &def.en);
                if let Some(tier) = &c.tier {
                    text.push_str(&tr.join(
                        "report.with_tier",
                        &[("label", tr.col("tier")), ("tier", tier.clone())],
                    ));
                }
                vec![
                    c.id.clone(),
                    text,
                    tr.severity(c.severity),
                    tr.status(c.status),
                    c.value_in(tr.0),
                    c.threshold_in(tr.0),
                ]
                .into()
            })
            .collect(),
    )
}

/// What each failed criterion would take, or why it could not be decided; a line saying
/// there is nothing to do when every criterion passed.
fn sheet_remedies(tr: Tr, t: &Trace) -> Vec<String> {
    let mut remedies: Vec<String> = t
        .criteria
        .iter()
        .filter(|c| c.status.is_failure())
        .map(|c| {
            let what = c
                .remedy_in(tr.0)
                .or_else(|| c.reason_in(tr.0))
                .unwrap_or_default();
            tr.join(
                "report.remedy_line",
                &[("id", c.id.clone()), ("what", what)],
            )
        })
        .collect();
    if remedies.is_empty() {
        remedies.push(tr.t("report.sheet_no_remedies"));
    }
    remedies
}

/// C and D enterprises, worst burden first.
fn relocation_table(tr: Tr, r: &rank::Ranking) -> Table {
    let rows = r
        .relocation_order()
        .enumerate()
        .map(|(k, ev)| {
            let rated = ev.rated();
            ent_row(
                &ev.id,
                vec![
                    (k + 1).to_string(),
                    ev.id.clone(),
                    ev.name.clone(),
                    r.track_id(ev).to_string(),
                    ev.class().map_or("-".into(), |c| tr.class(c)),
                    ev.action().map_or("-".into(), |a| tr.action(a)),
                    rated.map_or("-".into(), |x| num(x.score, 2)),
                    ev.intensity.burden.map_or("-".into(), |b| num(b, 3)),
                    ev.land_mu.map_or("-".into(), |m| num(m, 1)),
                ],
            )
        })
        .collect();
    let t = table(
        tr.t("report.relocation"),
        vec![
            Column::num(tr.col("order")),
            Column::id(tr.col("id")),
            Column::text(tr.col("name")),
            Column::id(tr.col("track")),
            Column::tag(tr.col("class")),
            Column::tag(tr.col("action")),
            Column::num(tr.col("score")),
            Column::num(tr.col("burden")),
            Column::num(tr.col("land_mu")),
        ],
        rows,
    );
    tr.cap(t, "rank.csv")
}

/// The ranking: tracks, indicators, classes, the relocation order, the not rated, the charts.
fn ranking(tr: Tr, o: &Outcome, charts: &[(String, String)]) -> Section {
    let title = tr.t("report.rank");
    if !o.has_ranking() {
        return Section {
            id: "rank".into(),
            title,
            kind: SectionKind::NewPage,
            blocks: vec![Block::Para(tr.t("report.rank_skipped"))],
        };
    }
    let r = &o.admission.ranking;
    let count = |c: Class| r.class_counts.get(&c).copied().unwrap_or(0);
    let apart = |status: &str, key: &str| {
        let t = table(
            tr.t(key),
            vec![
                Column::id(tr.col("id")),
                Column::text(tr.col("name")),
                Column::id(tr.col("track")),
                Column::text(tr.col("reason")),
            ],
            r.in_rank_order()
                .filter(|ev| ev.outcome.status() == status)
                .map(|ev| {
                    ent_row(
                        &ev.id,
                        vec![
                            ev.id.clone(),
                            ev.name.clone(),
                            r.track_id(ev).to_string(),
                            ev.outcome.reason().unwrap_or("").to_string(),
                        ],
                    )
                })
                .collect(),
        );
        Block::Table(tr.cap(t, "rank.csv"))
    };
    let classes = table(
        tr.t("report.classes"),
        vec![
            Column::tag(tr.col("class")),
            Column::num(tr.col("enterprises")),
        ],
        Class::ALL
            .iter()
            .map(|c| vec![tr.class(*c), count(*c).to_string()].into())
            .collect(),
    );
    let mut blocks = vec![
        Block::Para(tr.f(
            "report.rank_note",
            &[
                ("n", o.admission.roles.urban.len().to_string()),
                ("version", o.scenario.rules.version.clone()),
                ("apart", r.listed_apart.to_string()),
                ("exempt", r.exempt.to_string()),
                ("not_rated", r.not_rated.to_string()),
                ("freed", num(r.land_freed.total.mu, 1)),
            ],
        )),
        Block::Table(tracks_table(tr, r)),
        Block::Table(indicators_table(tr, r)),
        Block::Table(classes),
        Block::Table(relocation_table(tr, r)),
        apart("listed_apart", "report.apart_list"),
        apart("exempt", "report.exempt_list"),
        apart("not_rated", "report.not_rated_list"),
    ];
    if !charts.is_empty() {
        blocks.push(Block::Heading(tr.t("report.charts")));
    }
    blocks.extend(charts.iter().map(|(name, svg)| {
        Block::Figure(Figure {
            caption: format!("{name}.svg"),
            svg: svg.clone(),
            map: None,
        })
    }));
    Section {
        id: "rank".into(),
        title,
        kind: SectionKind::NewPage,
        blocks,
    }
}

/// Each track: who it takes, its source, how many it rated and its classes.
fn tracks_table(tr: Tr, r: &rank::Ranking) -> Table {
    let mut columns = vec![
        Column::id(tr.col("track")),
        Column::text(tr.col("name")),
        Column::text(tr.col("takes")),
        Column::num(tr.col("enterprises")),
        Column::num(tr.col("rated")),
    ];
    columns.extend(Class::ALL.map(|c| Column::num(c.as_str())));
    columns.push(Column::text(tr.col("source")));
    table(
        tr.t("report.tracks"),
        columns,
        r.tracks
            .iter()
            .map(|t| {
                let n = |c: Class| t.class_counts.get(&c).copied().unwrap_or(0).to_string();
                let mut row = vec![
                    t.id.clone(),
                    t.name.clone(),
                    t.when.clone().unwrap_or_else(|| tr.t("report.track_rest")),
                    t.enterprises.to_string(),
                ];
                if t.listed_apart {
                    row.push(tr.t("outcome.listed_apart"));
                    row.extend(["-".into(), "-".into(), "-".into(), "-".into()]);
                } else {
                    row.push(t.boundaries.rated.to_string());
                    row.extend(Class::ALL.map(n));
                }
                row.push(t.source.clone().unwrap_or_else(|| "-".into()));
                row.into()
            })
            .collect(),
    )
}

/// Each track's indicators: weight, benchmark, what a missing input does, and the source.
fn indicators_table(tr: Tr, r: &rank::Ranking) -> Table {
    table(
        tr.t("report.indicators"),
        vec![
            Column::id(tr.col("track")),
            Column::text(tr.col("indicator")),
            Column::num(tr.col("weight")),
            Column::num(tr.col("benchmark")),
            Column::text(tr.col("if_missing")),
            Column::text(tr.col("source")),
        ],
        r.tracks
            .iter()
            .flat_map(|t| {
                t.indicators.iter().map(move |i| {
                    vec![
                        t.id.clone(),
                        i.name.clone(),
                        rank::fmt_num(i.weight),
                        rank::fmt_num(i.benchmark),
                        i.missing.as_str().to_string(),
                        i.source.clone().unwrap_or_else(|| tr.t("report.as_track")),
                    ]
                    .into()
                })
            })
            .collect(),
    )
}

/// The allocation: placed, unplaced with why, converting or relocating firms without options.
fn allocation(tr: Tr, o: &Outcome) -> Section {
    let a = &o.allocation;
    let parcels = &o.scenario.park.parcels;
    let candidates = &o.admission.candidates;
    let mut placed: Vec<Row> = a
        .assignments
        .iter()
        .map(|x| {
            let (p, c) = (&parcels[x.parcel], &candidates[x.candidate]);
            Row {
                cells: vec![
                    x.parcel_id.clone(),
                    tr.cluster(&p.cluster),
                    num(p.area_mu, 1),
                    c.id.clone(),
                    c.name.clone(),
                    c.requested_mu.map_or("-".into(), |m| num(m, 1)),
                    num(x.weight, 4),
                    tr.t(&format!("kind.{}", c.kind.as_str())),
                ],
                enterprise: Some(c.id.clone()),
                parcel: Some(x.parcel_id.clone()),
            }
        })
        .collect();
    placed.sort_by(|x, y| x.cells.cmp(&y.cells));
    let placed = table(
        tr.t("report.placed"),
        vec![
            Column::id(tr.col("parcel")),
            Column::text(tr.col("cluster")),
            Column::num(tr.col("parcel_mu")),
            Column::id(tr.col("id")),
            Column::text(tr.col("name")),
            Column::num(tr.col("requested_mu")),
            Column::num(tr.col("weight")),
            Column::tag(tr.col("kind")),
        ],
        placed,
    );
    let unplaced = table(
        tr.t("report.unplaced"),
        vec![
            Column::id(tr.col("id")),
            Column::text(tr.col("name")),
            Column::tag(tr.col("cause")),
            Column::num(tr.col("feasible")),
            Column::text(tr.col("why")),
        ],
        a.unplaced
            .iter()
            .map(|u| {
                ent_row(
                    &u.enterprise_id,
                    vec![
                        u.enterprise_id.clone(),
                        u.name.clone(),
                        tr.t(&format!("cause.{}", u.cause.as_str())),
                        u.feasible_parcels.to_string(),
                        unplaced_why(tr, u),
                    ],
                )
            })
            .collect(),
    );
    let without_options = table(
        tr.t("report.without_options"),
        vec![
            Column::id(tr.col("id")),
            Column::text(tr.col("name")),
            Column::tag(tr.col("action")),
            Column::text(tr.col("why")),
        ],
        a.without_options
            .iter()
            .map(|w| {
                let removed: Vec<String> = w
                    .removed_by
                    .iter()
                    .filter(|(_, n)| **n > 0)
                    .map(|(c, n)| format!("{} {n}", constraint_name(tr, *c)))
                    .collect();
                ent_row(
                    &w.enterprise_id,
                    vec![
                        w.enterprise_id.clone(),
                        w.name.clone(),
                        tr.action(w.action),
                        format!(
                            "{}；{}",
                            tr.t("cause.no_feasible_parcel"),
                            removed.join("、")
                        ),
                    ],
                )
            })
            .collect(),
    );
    Section {
        id: "allocate".into(),
        title: tr.t("report.allocate"),
        kind: SectionKind::NewPage,
        blocks: vec![
            Block::Para(tr.f(
                "report.allocate_note",
                &[
                    ("mode", tr.t(&format!("mode.{}", o.mode.as_str()))),
                    ("method", a.method.clone()),
                    ("status", a.status.to_string()),
                    ("objective", num(a.objective, 6)),
                    ("bound", num(a.bound, 6)),
                    ("gap", num(a.gap, 6)),
                ],
            )),
            Block::Table(tr.cap(placed, "assignments.csv")),
            Block::Table(tr.cap(unplaced, "summary.json")),
            Block::Table(tr.cap(without_options, "summary.json")),
        ],
    }
}

/// Which parcels the page's maps make clickable and its data describes, when not all: above
/// the size where the maps become overviews only the assigned ones, so a province-sized park
/// does not put a million shapes and descriptions into one page (plan.gpkg has every parcel).
fn clickable(o: &Outcome) -> Option<Vec<bool>> {
    let n = o.scenario.park.parcels.len();
    if n <= o.maps.overview_above() {
        return None;
    }
    let mut keep = vec![false; n];
    for x in &o.allocation.assignments {
        keep[x.parcel] = true;
    }
    Some(keep)
}

/// The two maps, each on an A3 page, with clickable parcels (those of `clickable`, or all) and
/// sites laid over them.
fn drawings(
    tr: Tr,
    o: &Outcome,
    inputs: &MapInputs,
    maps: &Maps,
    clickable: Option<&[bool]>,
) -> Section {
    let s = o.scenario;
    let keep = |j: usize| clickable.is_none_or(|k| k[j]);
    let park_shapes =
        crate::render::map::park_map_shapes(&super::maps::park_map(s, inputs, &o.maps), keep);
    let mut park = String::new();
    for (id, d) in &park_shapes {
        let _ = write!(park, "<path data-id=\"{}\" d=\"{d}\"/>", escape(id));
    }
    let (sites, parcels) = crate::render::map::relocation_map_shapes(
        &super::maps::relocation_map(s, inputs, &o.maps),
        keep,
    );
    let mut reloc = String::new();
    for (id, d) in &parcels {
        let _ = write!(reloc, "<path data-id=\"{}\" d=\"{d}\"/>", escape(id));
    }
    for (id, (x, y)) in &sites {
        let _ = write!(
            reloc,
            "<circle data-site=\"{}\" cx=\"{x}\" cy=\"{y}\" r=\"16\"/>",
            escape(id)
        );
    }
    Section {
        id: "maps".into(),
        title: tr.t("report.maps"),
        kind: SectionKind::A3,
        blocks: vec![
            Block::Para(match clickable {
                None => tr.t("report.maps_note"),
                Some(k) => tr.f(
                    "report.maps_note_assigned",
                    &[
                        ("parcels", k.len().to_string()),
                        ("max", o.maps.overview_above().to_string()),
                        ("clickable", k.iter().filter(|&&x| x).count().to_string()),
                    ],
                ),
            }),
            Block::Figure(Figure {
                caption: tr.t("report.park_map"),
                svg: maps.park.svg.clone(),
                map: Some(("park".into(), park)),
            }),
            Block::Figure(Figure {
                caption: tr.t("report.relocation_map"),
                svg: maps.relocation.svg.clone(),
                map: Some(("relocation".into(), reloc)),
            }),
        ],
    }
}

/// The scenario: parcels by status, land by class and cluster, sensitive areas, files, warnings.
fn scenario(tr: Tr, o: &Outcome) -> Section {
    let s = &o.summary;
    let mu = |v: f64| format!("{v:.1}");
    let mut blocks = vec![
        Block::Table(table(
            tr.t("report.parcels_by_status"),
            vec![
                Column::tag(tr.col("status")),
                Column::num(tr.col("parcels")),
            ],
            s.parcels_by_status
                .iter()
                .map(|(k, v)| vec![tr.name("parcel_status", k), v.to_string()].into())
                .collect(),
        )),
        Block::Table(table(
            tr.t("report.land_by_class"),
            vec![Column::text(tr.col("land_use")), Column::num(tr.col("mu"))],
            s.area_mu_by_land_use
                .iter()
                .map(|(k, v)| vec![tr.name("land_use", k), mu(*v)].into())
                .collect(),
        )),
        Block::Table(table(
            tr.t("report.land_by_cluster"),
            vec![
                Column::text(tr.col("cluster")),
                Column::num(tr.col("mu")),
                Column::num(tr.col("available_mu")),
            ],
            s.area_mu_by_cluster
                .iter()
                .map(|(k, v)| {
                    let avail = s.available_mu_by_cluster.get(k).copied().unwrap_or(0.0);
                    vec![tr.cluster(k), mu(*v), mu(avail)].into()
                })
                .collect(),
        )),
        Block::Table(table(
            tr.t("report.sensitive_by_kind"),
            vec![
                Column::text(tr.col("sensitive_kind")),
                Column::num(tr.col("count")),
            ],
            s.sensitive_by_kind
                .iter()
                .map(|(k, v)| vec![tr.name("sensitive", k), v.to_string()].into())
                .collect(),
        )),
        Block::Table(table(
            tr.t("report.files_in"),
            vec![Column::text(tr.col("file")), Column::num(tr.col("count"))],
            s.enterprises
                .iter()
                .map(|(k, v)| vec![crate::io::shown_path(k.as_ref()), v.to_string()].into())
                .collect(),
        )),
    ];
    if !s.warnings.is_empty() {
        let t = table(
            tr.t("report.warnings"),
            vec![Column::text(tr.col("warning"))],
            s.warnings.iter().map(|w| vec![w.clone()].into()).collect(),
        );
        blocks.push(Block::Table(tr.cap(t, "validate")));
    }
    Section {
        id: "scenario".into(),
        title: tr.t("report.scenario"),
        kind: SectionKind::NewPage,
        blocks,
    }
}

/// Every source the rule file cites, by the part of the file it covers.
fn sources(tr: Tr, o: &Outcome) -> Section {
    let rules = &o.scenario.rules;
    Section {
        id: "sources".into(),
        title: tr.t("report.sources"),
        kind: SectionKind::Flow,
        blocks: vec![
            Block::Para(tr.f(
                "report.sources_note",
                &[
                    ("version", rules.version.clone()),
                    ("hash", rules.short_hash().to_string()),
                ],
            )),
            Block::Table(table(
                tr.t("report.sources"),
                vec![Column::id(tr.col("part")), Column::text(tr.col("source"))],
                rules
                    .sources()
                    .into_iter()
                    .map(|(part, s)| vec![part, s.to_string()].into())
                    .collect(),
            )),
        ],
    }
}

/// The output folder's files and what each holds (named, not linked).
fn files(tr: Tr, listed: &[Listed]) -> Section {
    Section {
        id: "files".into(),
        title: tr.t("report.files"),
        kind: SectionKind::Flow,
        blocks: vec![
            Block::Para(tr.t("report.files_note")),
            Block::Table(table(
                String::new(),
                vec![Column::id(tr.col("file")), Column::text(tr.col("holds"))],
                listed
                    .iter()
                    .map(|l| vec![l.shown(), l.holds.clone()].into())
                    .collect(),
            )),
        ],
    }
}

/// The JSON the page's script reads: its labels, each parcel (of `clickable`, or all: area,
/// land class, cluster, status, the enterprises placed there with their weight, or why it is
/// empty) and each enterprise (name, parcel, class and action).
fn page_data(tr: Tr, o: &Outcome, clickable: Option<&[bool]>) -> String {
    use serde_json::{Map, Value, json};
    let s = o.scenario;
    let a = &o.allocation;
    let candidates = &o.admission.candidates;
    let mut labels = Map::new();
    for (k, v) in i18n::area(tr.0, "page") {
        labels.insert(k, Value::String(v));
    }
    labels.insert("class".into(), Value::String(tr.col("class")));
    labels.insert("action".into(), Value::String(tr.col("action")));
    // Candidates that could use each parcel, listed by the matching or not.
    let could = &a.users;
    let mut placed_on: BTreeMap<usize, Vec<Value>> = BTreeMap::new();
    let mut ents = Map::new();
    for x in &a.assignments {
        let c = &candidates[x.candidate];
        placed_on.entry(x.parcel).or_default().push(json!({
            "id": c.id, "name": c.name, "weight": num(x.weight, 4)
        }));
        ents.insert(
            c.id.clone(),
            json!({ "name": c.name, "parcel": x.parcel_id }),
        );
    }
    for r in &o.admission.screen.rows {
        let e = &o.admission.roles.applicants[r.index];
        ents.entry(e.id.clone())
            .or_insert_with(|| json!({ "name": e.name }));
    }
    if o.has_ranking() {
        for ev in &o.admission.ranking.evaluations {
            let entry = ents
                .entry(ev.id.clone())
                .or_insert_with(|| json!({ "name": ev.name }));
            if let Value::Object(m) = entry {
                if let Some(c) = ev.class() {
                    m.insert("cls".into(), Value::String(tr.class(c)));
                }
                if let Some(act) = ev.action() {
                    m.insert("action".into(), Value::String(tr.action(act)));
                }
            }
        }
    }
    let mut parcels = Map::new();
    for (i, p) in s.park.parcels.iter().enumerate() {
        if clickable.is_some_and(|k| !k[i]) {
            continue;
        }
        let placed = placed_on.remove(&i).unwrap_or_default();
        let status = if placed.is_empty() {
            tr.name("parcel_status", &p.status.to_string())
        } else {
            tr.t("parcel_status.assigned")
        };
        let mut m = Map::new();
        m.insert("mu".into(), Value::String(num(p.area_mu, 1)));
        m.insert(
            "use".into(),
            Value::String(tr.name("land_use", &p.land_use.to_string())),
        );
        m.insert("cluster".into(), Value::String(tr.cluster(&p.cluster)));
        m.insert("status".into(), Value::String(status));
        if placed.is_empty() {
            let why = match p.status {
                ParcelStatus::Occupied => tr.t("page.empty_occupied"),
                ParcelStatus::Reserved => tr.t("page.empty_reserved"),
                ParcelStatus::Available if could[i] == 0 => tr.t("page.empty_no_candidate"),
                ParcelStatus::Available => {
                    tr.f("page.empty_elsewhere", &[("n", could[i].to_string())])
                }
            };
            m.insert("why".into(), Value::String(why));
        } else {
            m.insert("placed".into(), Value::Array(placed));
        }
        parcels.insert(p.id.clone(), Value::Object(m));
    }
    json!({ "lang": match tr.0 { Lang::En => "en", Lang::Zh => "zh", Lang::Both => "both" },
            "labels": labels, "parcels": parcels, "ents": ents })
    .to_string()
}
