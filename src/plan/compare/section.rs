//! The report's comparison sections, in the report's language: what was compared, the rule
//! diff (with a warning when both rule sets carry one version), the screening counts and flips
//! with the criteria that moved, the ranking changes, the allocation's objective, moves, parcels
//! and land, and the difference map on an A3 page. Texts come from the message catalogue
//! (`[compare]`); ids stay as they are.

use super::{Comparison, Placement};
use crate::i18n::Lang;
use crate::plan::text::num;
use crate::report::{Block, Column, Figure, Row, Section, SectionKind, Table};
use crate::screen::{Decision, Status};

use crate::plan::report::Tr;

/// The comparison's own lookups, on the report's [`Tr`].
impl Tr {
    fn decision_or_absent(self, d: Option<Decision>) -> String {
        d.map_or_else(|| self.t("compare.absent"), |d| self.decision(d))
    }
    fn status_or_absent(self, s: Option<Status>) -> String {
        s.map_or_else(|| self.t("compare.absent"), |s| self.status(s))
    }
    fn opt<T: std::fmt::Display>(self, area: &str, v: Option<T>) -> String {
        v.map_or("-".into(), |v| self.t(&format!("{area}.{v}")))
    }
    /// A comparison table, capped as the report's tables are.
    fn table(self, key: &str, cols: Vec<Column>, rows: Vec<Row>, file: &str) -> Table {
        let t = Table {
            title: self.t(key),
            columns: cols,
            rows,
            ..Default::default()
        };
        self.cap(t, file)
    }
    /// Where an enterprise stands in one plan, in words: the parcel, or why not placed.
    fn placement(self, p: &Placement) -> String {
        match p {
            Placement::Placed { parcel_id, .. } => {
                self.f("compare.on_parcel", &[("parcel", parcel_id.clone())])
            }
            Placement::Unplaced { cause, .. } => self.f(
                "compare.unplaced",
                &[("cause", self.t(&format!("cause.{cause}")))],
            ),
            Placement::Screened { decision, excluded } => {
                let d = self.decision(*decision);
                match excluded {
                    None => self.f("compare.screened", &[("decision", d)]),
                    Some(r) => self.f(
                        "compare.excluded",
                        &[("decision", d), ("reason", r.clone())],
                    ),
                }
            }
            Placement::Urban { class, action } => self.f(
                "compare.urban",
                &[
                    ("class", self.opt("class", *class)),
                    ("action", self.opt("action", *action)),
                ],
            ),
            Placement::Absent => self.t("compare.absent"),
        }
    }
}

/// Where an enterprise stands in one plan, in `lang`: the parcel, or why it is not placed.
pub(crate) fn placement(lang: Lang, p: &Placement) -> String {
    Tr(lang).placement(p)
}

fn signed(x: f64, decimals: usize) -> String {
    if x > 0.0 {
        format!("+{}", num(x, decimals))
    } else {
        num(x, decimals)
    }
}

fn ent(id: &str, cells: Vec<String>) -> Row {
    Row {
        cells,
        enterprise: Some(id.to_string()),
        parcel: None,
    }
}

/// The comparison's report sections: the comparison itself, then the difference map (`svg`)
/// on an A3 page.
pub fn sections(c: &Comparison, lang: Lang, svg: &str) -> Vec<Section> {
    let tr = Tr(lang);
    let mut blocks = vec![Block::Para(tr.f(
        "compare.intro",
        &[
            (
                "before",
                format!("{} ({})", c.base.rules_version, c.base.short_hash()),
            ),
            (
                "after",
                format!("{} ({})", c.other.rules_version, c.other.short_hash()),
            ),
            ("file_before", c.base.rules_file.clone()),
            ("file_after", c.other.rules_file.clone()),
        ],
    ))];
    if c.base.enterprises != c.other.enterprises {
        blocks.push(Block::Para(tr.f(
            "compare.registries",
            &[
                ("before", c.base.enterprises.join(tr.sep())),
                ("after", c.other.enterprises.join(tr.sep())),
            ],
        )));
    }
    if c.base.parcels != c.other.parcels {
        blocks.push(Block::Para(tr.f(
            "compare.parcels_files",
            &[
                ("before", c.base.parcels.clone()),
                ("after", c.other.parcels.clone()),
            ],
        )));
    }
    blocks.extend(rules(tr, c));
    blocks.extend(screening(tr, c));
    blocks.extend(ranking(tr, c));
    blocks.extend(allocation(tr, c));
    vec![
        Section {
            id: "compare".into(),
            title: tr.t("compare.title"),
            kind: SectionKind::NewPage,
            blocks,
        },
        Section {
            id: "compare-map".into(),
            title: tr.t("compare.map_section"),
            kind: SectionKind::A3,
            blocks: vec![
                Block::Para(tr.t("compare.map_note")),
                Block::Figure(Figure {
                    caption: tr.t("compare.map_caption"),
                    svg: svg.to_string(),
                    map: None,
                }),
            ],
        },
    ]
}

fn rules(tr: Tr, c: &Comparison) -> Vec<Block> {
    let mut out = vec![Block::Heading(tr.t("compare.rules"))];
    if c.rules.same_version {
        out.push(Block::Note(tr.f(
            "compare.same_version",
            &[
                ("version", c.base.rules_version.clone()),
                ("before", c.base.short_hash().to_string()),
                ("after", c.other.short_hash().to_string()),
            ],
        )));
    }
    if c.rules.changes.is_empty() {
        out.push(Block::Para(tr.t("compare.rules_same")));
        return out;
    }
    out.push(Block::Para(tr.t("compare.rules_how")));
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| tr.t("compare.not_set"));
    let rows = c
        .rules
        .changes
        .iter()
        .map(|r| vec![r.key.clone(), dash(&r.before), dash(&r.after)].into())
        .collect();
    out.push(Block::Table(tr.table(
        "compare.rules_table",
        vec![
            Column::id(tr.t("compare.col_key")),
            Column::text(tr.t("compare.col_value_before")),
            Column::text(tr.t("compare.col_value_after")),
        ],
        rows,
        super::write::RULES_CSV,
    )));
    out
}

fn screening(tr: Tr, c: &Comparison) -> Vec<Block> {
    let s = &c.screening;
    let mut out = vec![Block::Heading(tr.t("compare.screening"))];
    let counts = [Decision::Admit, Decision::Conditional, Decision::Reject]
        .into_iter()
        .map(|d| {
            let (a, b) = (s.before.get(d), s.after.get(d));
            vec![
                tr.decision(d),
                a.to_string(),
                b.to_string(),
                signed(b as f64 - a as f64, 0),
            ]
            .into()
        })
        .collect();
    out.push(Block::Table(tr.table(
        "compare.counts",
        vec![
            Column::tag(tr.t("compare.col_decision")),
            Column::num(tr.t("compare.col_before")),
            Column::num(tr.t("compare.col_after")),
            Column::num(tr.t("compare.col_delta")),
        ],
        counts,
        super::write::SCREENING_CSV,
    )));
    if s.changes.is_empty() {
        out.push(Block::Para(tr.t("compare.no_flips")));
        return out;
    }
    out.push(Block::Para(
        tr.f("compare.flips", &[("n", s.changes.len().to_string())]),
    ));
    let mut rows = Vec::new();
    for x in &s.changes {
        let head = [
            x.id.clone(),
            x.name.clone(),
            format!(
                "{} → {}",
                tr.decision_or_absent(x.before),
                tr.decision_or_absent(x.after)
            ),
        ];
        if x.criteria.is_empty() {
            let mut cells = head.to_vec();
            cells.extend(["-".into(), "-".into(), "-".into(), "-".into()]);
            rows.push(ent(&x.id, cells));
        }
        for m in &x.criteria {
            let value = if m.value_before == m.value_after {
                m.value_after.get(tr.0).to_string()
            } else {
                format!("{} → {}", m.value_before.get(tr.0), m.value_after.get(tr.0))
            };
            let mut cells = head.to_vec();
            cells.extend([
                format!(
                    "{}{} {} → {}",
                    m.criterion,
                    if tr.0 == Lang::En { ":" } else { "：" },
                    tr.status_or_absent(m.before),
                    tr.status_or_absent(m.after)
                ),
                value,
                m.threshold_before.get(tr.0).to_string(),
                m.threshold_after.get(tr.0).to_string(),
            ]);
            rows.push(ent(&x.id, cells));
        }
    }
    out.push(Block::Table(tr.table(
        "compare.flips_table",
        vec![
            Column::id(tr.t("compare.col_id")),
            Column::text(tr.t("compare.col_name")),
            Column::tag(tr.t("compare.col_decision")),
            Column::text(tr.t("compare.col_criterion")),
            Column::text(tr.t("compare.col_value")),
            Column::text(tr.t("compare.col_threshold_before")),
            Column::text(tr.t("compare.col_threshold_after")),
        ],
        rows,
        super::write::SCREENING_CSV,
    )));
    out
}

fn ranking(tr: Tr, c: &Comparison) -> Vec<Block> {
    let r = &c.ranking;
    if r.class_before.is_empty() && r.class_after.is_empty() {
        return vec![];
    }
    let mut out = vec![Block::Heading(tr.t("compare.ranking"))];
    if r.changes.is_empty() {
        out.push(Block::Para(tr.t("compare.no_rank_changes")));
        return out;
    }
    let arrow = |a: String, b: String| if a == b { a } else { format!("{a} → {b}") };
    let n = |v: Option<usize>| v.map_or("-".into(), |v| v.to_string());
    let rows = r
        .changes
        .iter()
        .map(|x| {
            ent(
                &x.id,
                vec![
                    x.id.clone(),
                    x.name.clone(),
                    arrow(
                        tr.opt("class", x.class_before),
                        tr.opt("class", x.class_after),
                    ),
                    arrow(
                        tr.opt("action", x.action_before),
                        tr.opt("action", x.action_after),
                    ),
                    arrow(n(x.relocation_before), n(x.relocation_after)),
                ],
            )
        })
        .collect();
    out.push(Block::Para(tr.f(
        "compare.rank_changes",
        &[("n", r.changes.len().to_string())],
    )));
    out.push(Block::Table(tr.table(
        "compare.rank_table",
        vec![
            Column::id(tr.t("compare.col_id")),
            Column::text(tr.t("compare.col_name")),
            Column::tag(tr.t("compare.col_class")),
            Column::tag(tr.t("compare.col_action")),
            Column::tag(tr.t("compare.col_relocation")),
        ],
        rows,
        super::write::RANKING_CSV,
    )));
    out
}

fn allocation(tr: Tr, c: &Comparison) -> Vec<Block> {
    let a = &c.allocation;
    let mut out = vec![Block::Heading(tr.t("compare.allocation"))];
    out.push(Block::Para(tr.f(
        "compare.objective",
        &[
            ("before", num(a.objective_before, 4)),
            ("after", num(a.objective_after, 4)),
            ("delta", signed(a.objective_after - a.objective_before, 4)),
            ("placed_before", a.placed_before.to_string()),
            ("placed_after", a.placed_after.to_string()),
            ("used_before", num(a.used_mu_before, 1)),
            ("used_after", num(a.used_mu_after, 1)),
            ("land_placed", num(a.land_placed_mu, 1)),
            ("land_freed", num(a.land_freed_mu, 1)),
        ],
    )));
    if a.gap_before > 0.0 || a.gap_after > 0.0 {
        out.push(Block::Note(tr.f(
            "compare.gap",
            &[
                ("before", num(a.gap_before, 6)),
                ("after", num(a.gap_after, 6)),
            ],
        )));
    }
    if !a.parcels_added.is_empty() || !a.parcels_removed.is_empty() {
        let ids = |v: &[String]| match v.is_empty() {
            true => tr.t("report.none"),
            false => v.join(tr.sep()),
        };
        out.push(Block::Para(tr.f(
            "compare.layout",
            &[
                ("added", ids(&a.parcels_added)),
                ("removed", ids(&a.parcels_removed)),
            ],
        )));
    }
    if a.reweighted > 0 {
        out.push(Block::Para(tr.f(
            "compare.reweighted",
            &[
                ("n", a.reweighted.to_string()),
                ("delta", signed(a.reweighted_delta, 4)),
            ],
        )));
    }
    if a.enterprises.is_empty() {
        out.push(Block::Para(tr.t("compare.no_moves")));
        return out;
    }
    let rows = a
        .enterprises
        .iter()
        .map(|x| {
            ent(
                &x.id,
                vec![
                    x.id.clone(),
                    x.name.clone(),
                    tr.t(&format!("compare.move_{}", x.kind.as_str())),
                    tr.placement(&x.before),
                    tr.placement(&x.after),
                ],
            )
        })
        .collect();
    out.push(Block::Table(tr.table(
        "compare.moves_table",
        vec![
            Column::id(tr.t("compare.col_id")),
            Column::text(tr.t("compare.col_name")),
            Column::tag(tr.t("compare.col_change")),
            Column::text(tr.t("compare.col_before")),
            Column::text(tr.t("compare.col_after")),
        ],
        rows,
        super::write::ALLOCATION_CSV,
    )));
    let who = |v: &[super::Occupant]| {
        if v.is_empty() {
            tr.t("compare.map_free")
        } else {
            v.iter()
                .map(|o| format!("{} {}", o.id, o.name))
                .collect::<Vec<_>>()
                .join(tr.sep())
        }
    };
    let rows = a
        .parcels
        .iter()
        .map(|p| Row {
            cells: vec![
                p.parcel_id.clone(),
                num(p.area_mu, 1),
                tr.t(&format!("compare.parcel_{}", p.kind())),
                who(&p.before),
                who(&p.after),
            ],
            enterprise: None,
            parcel: Some(p.parcel_id.clone()),
        })
        .collect();
    out.push(Block::Table(tr.table(
        "compare.parcels_table",
        vec![
            Column::id(tr.t("compare.col_parcel")),
            Column::num(tr.t("compare.col_area")),
            Column::tag(tr.t("compare.col_change")),
            Column::text(tr.t("compare.col_before")),
            Column::text(tr.t("compare.col_after")),
        ],
        rows,
        super::write::PARCELS_CSV,
    )));
    out
}
