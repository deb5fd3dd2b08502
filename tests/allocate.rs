//! The allocation stage: exactness against exhaustive search, every constraint re-checked with an
//! independent distance computation, inclusive boundaries, reasons, determinism, exit codes.

mod common;

use common::{
    LAT0, LON0, assert_contains, assert_ok, assert_same_files, bin, bin_in, read, read_json, rect,
    rules, stderr, stdout,
};
use parkplan::allocate::feasibility::{Constraint, Context, check_pair};
use parkplan::allocate::{Mode, Params, Problem, SolveStatus, UnplacedCause, allocate};
use parkplan::frame::LocalFrame;
use parkplan::io::geojson::{read_parcels, read_sensitive};
use parkplan::model::{Candidate, CandidateKind, GENERAL_CLUSTER, Park, PollutionClass};
use parkplan::rank::Action;
use parkplan::rules::RuleSet;
use parkplan::spatial::Nearest;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone)]
struct PlotSpec {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    land_use: &'static str,
    cluster: Option<&'static str>,
    status: &'static str,
}

/// An available parcel of land class `land_use` in no cluster: `w` x `h` metres with its
/// south-west corner `(x, y)` metres from the origin.
fn plot(x: f64, y: f64, w: f64, h: f64, land_use: &'static str) -> PlotSpec {
    PlotSpec {
        x,
        y,
        w,
        h,
        land_use,
        cluster: None,
        status: "available",
    }
}

fn parcels_geojson(plots: &[PlotSpec]) -> String {
    let feats: Vec<(String, String)> = plots
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let cluster = p
                .cluster
                .map(|c| format!(r#","cluster":"{c}""#))
                .unwrap_or_default();
            (
                format!(
                    r#"{{"id":"P{i:02}","land_use":"{}","status":"{}"{cluster}}}"#,
                    p.land_use, p.status
                ),
                rect(p.x, p.y, p.w, p.h),
            )
        })
        .collect();
    common::polygons(&feats)
}

fn sensitive_geojson(areas: &[(&str, &str, f64, f64, f64, f64)]) -> String {
    let feats: Vec<(String, String)> = areas
        .iter()
        .enumerate()
        .map(|(i, (kind, name, x, y, w, h))| {
            (
                format!(r#"{{"id":"S{i}","kind":"{kind}","name":"{name}"}}"#),
                rect(*x, *y, *w, *h),
            )
        })
        .collect();
    common::polygons(&feats)
}

fn park(plots: &[PlotSpec], areas: &[(&str, &str, f64, f64, f64, f64)], rules: &RuleSet) -> Park {
    let (parcels, _) = read_parcels(Path::new("p.geojson"), &parcels_geojson(plots)).unwrap();
    let kinds = rules.allocation.sensitive_kinds();
    let (sensitive, _) =
        read_sensitive(Path::new("s.geojson"), &sensitive_geojson(areas), &kinds).unwrap();
    Park {
        parcels,
        sensitive,
        warnings: vec![],
    }
}

/// The ids of the enterprises an allocation placed, in its order.
fn placed(a: &parkplan::allocate::Allocation) -> Vec<&str> {
    a.assignments
        .iter()
        .map(|x| x.enterprise_id.as_str())
        .collect()
}

fn candidate(id: &str, cluster: &str, class: PollutionClass, mu: f64, priority: f64) -> Candidate {
    Candidate {
        id: id.into(),
        name: format!("name {id}"),
        industry_code: None,
        cluster: cluster.into(),
        pollution_class: class,
        requested_mu: Some(mu),
        priority,
        kind: CandidateKind::Admitted,
        site: None,
    }
}

// ---- an independent check of every constraint -------------------------------------------------

type Seg = ((f64, f64), (f64, f64));

fn point_segment(p: (f64, f64), s: Seg) -> f64 {
    let ((ax, ay), (bx, by)) = s;
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - ax) * dx + (p.1 - ay) * dy) / len2).clamp(0.0, 1.0)
    };
    (p.0 - ax - t * dx).hypot(p.1 - ay - t * dy)
}

fn segments_cross(a: Seg, b: Seg) -> bool {
    let orient = |p: (f64, f64), q: (f64, f64), r: (f64, f64)| {
        (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)
    };
    let (d1, d2) = (orient(b.0, b.1, a.0), orient(b.0, b.1, a.1));
    let (d3, d4) = (orient(a.0, a.1, b.0), orient(a.0, a.1, b.1));
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

fn inside(p: (f64, f64), ring: &[(f64, f64)]) -> bool {
    let mut c = false;
    for k in 0..ring.len() - 1 {
        let (a, b) = (ring[k], ring[k + 1]);
        if (a.1 > p.1) != (b.1 > p.1) && p.0 < (b.0 - a.0) * (p.1 - a.1) / (b.1 - a.1) + a.0 {
            c = !c;
        }
    }
    c
}

/// Polygon-to-polygon distance from first principles: 0 if an edge crosses or a vertex is
/// inside the other, else the least vertex-to-edge distance.
fn ring_distance(a: &[(f64, f64)], b: &[(f64, f64)]) -> f64 {
    let segs = |r: &[(f64, f64)]| -> Vec<Seg> { r.windows(2).map(|w| (w[0], w[1])).collect() };
    let (sa, sb) = (segs(a), segs(b));
    if sa.iter().any(|x| sb.iter().any(|y| segments_cross(*x, *y)))
        || inside(a[0], b)
        || inside(b[0], a)
    {
        return 0.0;
    }
    let mut d = f64::INFINITY;
    for s in &sb {
        for p in a {
            d = d.min(point_segment(*p, *s));
        }
    }
    for s in &sa {
        for p in b {
            d = d.min(point_segment(*p, *s));
        }
    }
    d
}

fn ring_m(frame: &LocalFrame, g: &geo::Polygon<f64>) -> Vec<(f64, f64)> {
    g.exterior()
        .0
        .iter()
        .map(|c| frame.project(*c))
        .map(|c| (c.x, c.y))
        .collect()
}

fn polygon_of(g: &geo::Geometry<f64>) -> geo::Polygon<f64> {
    match g {
        geo::Geometry::Polygon(p) => p.clone(),
        other => panic!("test areas are polygons, got {other:?}"),
    }
}

/// Feasibility recomputed without the library's spatial index or distance code.
fn independently_feasible(
    park: &Park,
    rules: &RuleSet,
    frame: &LocalFrame,
    c: &Candidate,
    j: usize,
) -> Result<bool, ()> {
    let a = &rules.allocation;
    let p = &park.parcels[j];
    let r = c.requested_mu.unwrap();
    let fit = a.area_fit.unwrap();
    if p.status != parkplan::model::ParcelStatus::Available
        || p.area_mu < fit.min * r * (1.0 - 1e-9)
        || p.area_mu > fit.max * r * (1.0 + 1e-9)
    {
        return Ok(false);
    }
    if !a.land_classes[&c.pollution_class].contains(&p.land_use) {
        return Ok(false);
    }
    if p.cluster != GENERAL_CLUSTER && p.cluster != c.cluster {
        return Ok(false);
    }
    let pr = ring_m(frame, &p.geometry.0[0]);
    for s in &park.sensitive {
        let d = ring_distance(&pr, &ring_m(frame, &polygon_of(&s.geometry)));
        let b = a.buffer_m(&s.kind, c.pollution_class).unwrap();
        if (d - b).abs() < 1e-4 {
            return Err(()); // too close to the boundary to call independently
        }
        if d < b {
            return Ok(false);
        }
    }
    Ok(true)
}

fn independent_weight(rules: &RuleSet, c: &Candidate, p: &parkplan::model::Parcel) -> f64 {
    let fit = rules.allocation.fit.unwrap();
    let af = rules.allocation.area_fit.unwrap();
    let ratio = p.area_mu / c.requested_mu.unwrap();
    let closeness = if ratio >= 1.0 {
        1.0 - (ratio - 1.0) / (af.max - 1.0)
    } else {
        1.0 - (1.0 - ratio) / (1.0 - af.min)
    };
    let matching = if p.cluster != GENERAL_CLUSTER && p.cluster == c.cluster {
        1.0
    } else {
        0.0
    };
    c.priority * (fit.base + fit.area * closeness.clamp(0.0, 1.0) + fit.cluster * matching)
}

/// Best total weight over every matching, by brute force.
fn exhaustive(w: &[Vec<Option<f64>>], i: usize, used: &mut Vec<bool>) -> f64 {
    if i == w.len() {
        return 0.0;
    }
    let mut best = exhaustive(w, i + 1, used);
    for j in 0..used.len() {
        if let Some(x) = w[i][j]
            && !used[j]
        {
            used[j] = true;
            best = best.max(x + exhaustive(w, i + 1, used));
            used[j] = false;
        }
    }
    best
}

fn plot_strategy() -> impl Strategy<Value = PlotSpec> {
    (
        0.0..1500.0f64,
        0.0..1500.0f64,
        60.0..160.0f64,
        60.0..160.0f64,
        0..3usize,
        0..4usize,
        0..5usize,
    )
        .prop_map(|(x, y, w, h, lu, cl, st)| PlotSpec {
            x,
            y,
            w,
            h,
            land_use: ["M1", "M2", "M3"][lu],
            cluster: [None, None, Some("electronics"), Some("biomedicine")][cl],
            status: [
                "available",
                "available",
                "available",
                "available",
                "occupied",
            ][st],
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn plot_mode_is_optimal_and_every_assignment_passes_every_constraint(
        plots in proptest::collection::vec(plot_strategy(), 1..8),
        cands in proptest::collection::vec((0..3usize, 0..2usize, 4.0..30.0f64, 0.5..5.0f64), 1..7),
        areas in proptest::collection::vec((0..3usize, 0.0..1800.0f64, 0.0..1800.0f64, 20.0..200.0f64), 0..3),
    ) {
        let rules = rules();
        let kinds = ["residential", "school", "wetland"];
        let areas: Vec<(&str, &str, f64, f64, f64, f64)> = areas.iter().map(|&(k, x, y, s)| (kinds[k], "area", x - 400.0, y - 400.0, s, s)).collect();
        let park = park(&plots, &areas, &rules);
        let candidates: Vec<Candidate> = cands
            .iter()
            .enumerate()
            .map(|(i, &(cl, pc, mu, pr))| candidate(&format!("E{i}"), ["general", "electronics", "biomedicine"][cl], [PollutionClass::Light, PollutionClass::Moderate][pc], mu, pr))
            .collect();
        let a = allocate(&Problem::new(&park, &candidates, &rules, Mode::Plots)).unwrap();
        let g = parkplan::spatial::ParkGeometry::new(&park.parcels, &park.sensitive);
        let mut w: Vec<Vec<Option<f64>>> = Vec::new();
        for c in &candidates {
            let mut row = Vec::new();
            for (j, p) in park.parcels.iter().enumerate() {
                match independently_feasible(&park, &rules, &g.frame, c, j) {
                    Ok(true) => row.push(Some(independent_weight(&rules, c, p))),
                    Ok(false) => row.push(None),
                    Err(()) => return Err(TestCaseError::reject("a distance within 0.1 mm of its buffer")),
                }
            }
            w.push(row);
        }
        // Every assignment is feasible by the independent check; no parcel or enterprise twice.
        let mut parcels_used = std::collections::BTreeSet::new();
        let mut cands_used = std::collections::BTreeSet::new();
        for x in &a.assignments {
            prop_assert!(w[x.candidate][x.parcel].is_some(), "{} on {} breaks a constraint", x.enterprise_id, x.parcel_id);
            prop_assert!(parcels_used.insert(x.parcel), "parcel {} twice", x.parcel_id);
            prop_assert!(cands_used.insert(x.candidate), "enterprise {} twice", x.enterprise_id);
        }
        // The same optimum as exhaustive search (weights are exact to 1e-6 per pair), gap 0.
        let best = exhaustive(&w, 0, &mut vec![false; park.parcels.len()]);
        prop_assert!((a.objective - best).abs() <= 1e-6 * (candidates.len() as f64 + 1.0), "objective {} vs exhaustive {}", a.objective, best);
        prop_assert_eq!(a.bound, a.objective);
        prop_assert_eq!(a.gap, 0.0);
        prop_assert_eq!(&a.status, &SolveStatus::Optimal);
        // An out-competed enterprise's shortfall is exactly what the optimum loses by placing it
        // on its best parcel: the best plan holding it, by exhaustive search, is that much lower.
        for u in &a.unplaced {
            let Some(short) = u.weight_short else { continue };
            let i = candidates.iter().position(|c| c.id == u.enterprise_id).unwrap();
            let mut others = w.clone();
            others[i] = vec![None; park.parcels.len()];
            let mut with_it = f64::NEG_INFINITY;
            for j in 0..park.parcels.len() {
                if let Some(x) = w[i][j] {
                    let mut used = vec![false; park.parcels.len()];
                    used[j] = true;
                    with_it = with_it.max(x + exhaustive(&others, 0, &mut used));
                }
            }
            let tol = 2e-6 * (candidates.len() as f64 + 1.0);
            prop_assert!((short - (best - with_it)).abs() <= tol, "{}: shortfall {} vs exhaustive {}", u.enterprise_id, short, best - with_it);
        }
        // Every candidate is either placed or has a reason.
        prop_assert_eq!(a.assignments.len() + a.unplaced.len(), candidates.len());
        for u in &a.unplaced {
            prop_assert!(!u.message.is_empty());
        }
        // Listing only each enterprise's best parcel (options for one) proves the same optimum
        // with the same certificate, reasons and options as listing every pair.
        let mut one = rules.clone();
        one.allocation.options_per_enterprise = Some(1);
        let all = allocate(&Problem::new(&park, &candidates, &one, Mode::Plots)).unwrap();
        let best = allocate(&Problem::new(&park, &candidates, &one, Mode::Plots).listing(0, 1)).unwrap();
        assert_same_allocation(&all, &best);
    }
}

/// Two allocations with the same result, reasons, options and proof.
fn assert_same_allocation(a: &parkplan::allocate::Allocation, b: &parkplan::allocate::Allocation) {
    assert_eq!(a.assignments, b.assignments);
    assert_eq!(a.objective, b.objective);
    assert_eq!(a.bound, b.bound);
    assert_eq!(a.status, b.status);
    // The extra weight an out-competed enterprise needs is exact when every pair is listed and
    // a lower bound otherwise (the chains of displacements through unlisted pairs are unknown).
    let reason = |u: &parkplan::allocate::Unplaced| {
        let mut u = u.clone();
        u.weight_short = None;
        u.message = u
            .message
            .split("; it would need")
            .next()
            .unwrap()
            .to_string();
        u.message = u.message.split("; a tie").next().unwrap().to_string();
        u
    };
    let (ra, rb): (Vec<_>, Vec<_>) = (
        a.unplaced.iter().map(reason).collect(),
        b.unplaced.iter().map(reason).collect(),
    );
    assert_eq!(ra, rb);
    for (x, y) in a.unplaced.iter().zip(&b.unplaced) {
        if a.feasible.complete == b.feasible.complete {
            assert_eq!(x, y);
        } else if let (Some(exact), Some(bound)) = (x.weight_short, y.weight_short) {
            assert!(
                bound <= exact + 1e-6,
                "{}: {bound} above {exact}",
                x.enterprise_id
            );
        }
    }
    assert_eq!(a.options, b.options);
    assert_eq!(a.without_options, b.without_options);
    assert_eq!(a.feasible.len(), b.feasible.len());
    assert_eq!(a.feasible.losses, b.feasible.losses);
}

#[test]
fn listing_only_the_best_parcels_changes_nothing_on_a_contended_generated_park() {
    // 400 parcels for 420 enterprises: a third placed, many out-competed, ties included.
    let rules = rules();
    let (parcels, sensitive) = parkplan::synthetic::park(
        parkplan::synthetic::Size {
            parcels: 400,
            sensitive: 40,
        },
        7,
    )
    .unwrap();
    let park = Park {
        parcels,
        sensitive,
        warnings: vec![],
    };
    let classes = [
        PollutionClass::Light,
        PollutionClass::Light,
        PollutionClass::Moderate,
    ];
    let clusters = ["general", "electronics", "biomedicine", "mechatronics"];
    let candidates: Vec<Candidate> = (0..420)
        .map(|i| {
            let mu = 10.0 + (i * 37 % 140) as f64;
            let priority = 1.0 + (i * 53 % 400) as f64 / 100.0;
            candidate(
                &format!("E{i:03}"),
                clusters[i % 4],
                classes[i % 3],
                mu,
                priority,
            )
        })
        .collect();
    // Every fifth plans a FAR, which some parcels' max_far rules out.
    let far: BTreeMap<String, f64> = (0..420)
        .step_by(5)
        .map(|i| (format!("E{i:03}"), [1.4, 2.2, 2.8][i % 3]))
        .collect();
    let problem = || Problem::new(&park, &candidates, &rules, Mode::Plots).planned_far(far.clone());
    let all = allocate(&problem()).unwrap();
    assert!(all.feasible.complete);
    let best = allocate(&problem().listing(0, 1)).unwrap();
    assert!(!best.feasible.complete);
    // Who could use each parcel: counted from the index, the same as from every listed pair.
    let mut users = vec![0u32; park.parcels.len()];
    for c in 0..candidates.len() {
        for (j, _) in all.feasible.row(c) {
            users[*j as usize] += 1;
        }
    }
    assert!(users.iter().filter(|&&n| n > 1).count() > 100);
    assert_eq!(all.users, users);
    assert_eq!(best.users, users);
    assert!(
        best.feasible.listed() < all.feasible.listed(),
        "{} of {} pairs listed",
        best.feasible.listed(),
        all.feasible.listed()
    );
    assert!(
        all.unplaced.len() > 100,
        "contended: {} unplaced",
        all.unplaced.len()
    );
    assert_same_allocation(&all, &best);
    assert_eq!(best.gap, 0.0);
    // The LP file still has every feasible pair, as listing them all gives.
    let p = problem().listing(0, 1);
    let lp = |a: &parkplan::allocate::Allocation, p: &Problem| {
        let mut out = Vec::new();
        a.linear_model(p).unwrap().write_lp(&mut out, "t").unwrap();
        out
    };
    assert_eq!(lp(&best, &p), lp(&all, &problem()));
}

// ---- inclusive boundaries -------------------------------------------------------------------

#[test]
fn area_fit_and_buffers_are_inclusive() {
    let rules = rules();
    let params = Params::from_rules(&rules).unwrap();
    let plots = vec![plot(0.0, 0.0, 100.0, 100.0, "M2")];
    let mut park = park(&plots, &[], &rules);
    let kinds = vec!["residential".to_string()];
    let far = BTreeMap::new();
    let check = |park: &Park, mu: f64, d: f64| {
        let near = vec![vec![Some(Nearest {
            area: 0,
            distance_m: d,
        })]];
        let ctx = Context {
            params: &params,
            nearest: &near,
            blocks: false,
            planned_far: &far,
        };
        let c = candidate("E", "general", PollutionClass::Moderate, mu, 1.0);
        check_pair(&ctx, &kinds, &c, &park.parcels[0], &near[0]).map_err(|e| e.0)
    };
    park.parcels[0].area_mu = 27.0; // exactly 0.9 x 30 and 1.5 x 18
    assert_eq!(
        check(&park, 30.0, 300.0),
        Ok(()),
        "0.9 x request and exactly 300 m pass"
    );
    assert_eq!(check(&park, 18.0, 300.0), Ok(()), "1.5 x request passes");
    assert_eq!(check(&park, 30.1, 300.0), Err(Constraint::AreaFit));
    assert_eq!(check(&park, 17.9, 300.0), Err(Constraint::AreaFit));
    assert_eq!(check(&park, 30.0, 299.99), Err(Constraint::Buffer));
}

// ---- reasons --------------------------------------------------------------------------------

#[test]
fn the_unplaced_get_reasons_a_planner_can_act_on() {
    let rules = rules();
    let plots = vec![
        // Two parcels of about 15 mu (100 m x 100 m), 120 m east of the village.
        plot(120.0, 0.0, 100.0, 100.0, "M2"),
        plot(230.0, 0.0, 100.0, 100.0, "M2"),
        // One far away that only a light enterprise of the right size takes.
        PlotSpec {
            cluster: Some("electronics"),
            ..plot(3000.0, 0.0, 100.0, 100.0, "M1")
        },
    ];
    let park = park(
        &plots,
        &[("residential", "灵昆村", -200.0, 0.0, 200.0, 100.0)],
        &rules,
    );
    let candidates = vec![
        candidate("M", "general", PollutionClass::Moderate, 15.0, 3.0),
        candidate("L1", "electronics", PollutionClass::Light, 15.0, 3.0),
        candidate("L2", "electronics", PollutionClass::Light, 15.0, 1.0),
        candidate("L3", "electronics", PollutionClass::Light, 15.0, 1.0),
        candidate("L4", "electronics", PollutionClass::Light, 15.0, 0.5),
    ];
    let a = allocate(&Problem::new(&park, &candidates, &rules, Mode::Plots)).unwrap();
    let unplaced = |id: &str, why: &str| {
        a.unplaced
            .iter()
            .find(|u| u.enterprise_id == id)
            .expect(why)
    };
    let m = unplaced("M", "the moderate one is unplaced");
    assert_eq!(m.cause, UnplacedCause::NoFeasibleParcel);
    assert_contains(
        &m.message,
        "all 2 of the 2 left: 2 within 300 m of 灵昆村 (residential)",
    );
    assert_contains(
        &m.message,
        "1 of a land class moderate enterprises may not use",
    );
    let l4 = unplaced("L4", "the lowest priority is out-competed");
    assert_eq!(l4.cause, UnplacedCause::OutCompeted);
    assert_contains(&l4.message, "went to L");
    assert_eq!(a.assignments.len(), 3);
    assert_eq!(a.gap, 0.0);
}

// ---- blocks and side constraints --------------------------------------------------------------

#[test]
fn block_mode_shares_parcels_and_side_constraints_bind() {
    let mut rules = rules();
    let plots = vec![plot(0.0, 0.0, 200.0, 100.0, "M2")]; // ~30 mu
    let park = park(&plots, &[], &rules);
    let candidates = vec![
        candidate("A", "general", PollutionClass::Light, 12.0, 2.0),
        candidate("B", "general", PollutionClass::Moderate, 12.0, 2.0),
        candidate("C", "general", PollutionClass::Light, 12.0, 1.0),
    ];
    let a = allocate(&Problem::new(&park, &candidates, &rules, Mode::Blocks)).unwrap();
    let ids = placed(&a);
    assert_eq!(
        ids,
        ["A", "B"],
        "two 12 mu requests fit in 30 mu, the third does not"
    );
    assert_eq!(a.status, SolveStatus::Optimal);
    rules.allocation.side.max_moderate = Some(0);
    let a = allocate(&Problem::new(&park, &candidates, &rules, Mode::Blocks)).unwrap();
    let ids = placed(&a);
    assert_eq!(ids, ["A", "C"], "no moderate-pollution enterprise allowed");
    // In plot mode the side constraint makes it a MIP, still proved optimal.
    let a = allocate(&Problem::new(&park, &candidates[..2], &rules, Mode::Plots)).unwrap();
    assert!(a.method.starts_with("MIP"));
    assert!(
        a.assignments.is_empty(),
        "12 mu requests do not fit a 30 mu plot (1.5 x 12 = 18)"
    );
}

// ---- the command --------------------------------------------------------------------------------

fn write_scenario(dir: &Path) {
    let plots: Vec<PlotSpec> = (0..12)
        .map(|i| PlotSpec {
            x: 130.0 * (i % 4) as f64,
            y: 130.0 * (i / 4) as f64,
            w: 80.0 + 5.0 * i as f64,
            h: 100.0,
            land_use: if i % 3 == 0 { "M1" } else { "M2" },
            cluster: if i % 4 == 1 {
                Some("electronics")
            } else {
                None
            },
            status: if i == 5 { "reserved" } else { "available" },
        })
        .collect();
    let mut csv = String::from(
        "id,name,industry_code,cluster,pollution_class,requested_mu,priority,kind,lon,lat,planned_far\n",
    );
    for i in 0..10 {
        let kind = if i % 3 == 0 { "converting" } else { "admitted" };
        let site = if kind == "converting" {
            "120.70,28.01"
        } else {
            ","
        };
        csv.push_str(&format!(
            "E{i:02},企业{i},C39{i:02},,{},{},{},{kind},{site},\n",
            if i % 4 == 3 { "moderate" } else { "light" },
            12.0 + i as f64,
            1.0 + (i % 5) as f64 * 0.7
        ));
    }
    common::write_files(
        dir,
        &[
            ("parcels.geojson", &parcels_geojson(&plots)),
            (
                "sensitive.geojson",
                &sensitive_geojson(&[("school", "灵昆小学", -150.0, 0.0, 100.0, 100.0)]),
            ),
            ("candidates.csv", &csv),
        ],
    );
}

/// `parkplan allocate` on the scenario [`write_scenario`] wrote in `dir`, writing to `out`.
fn run(dir: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    bin_in(dir)
        .arg("allocate")
        .args([
            "--parcels",
            "parcels.geojson",
            "--sensitive",
            "sensitive.geojson",
            "--candidates",
            "candidates.csv",
            "--out",
            out,
        ])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn cli_outputs_are_complete_and_byte_identical_on_rerun() {
    let dir = tempfile::tempdir().unwrap();
    write_scenario(dir.path());
    let a = run(
        dir.path(),
        "a",
        &["--no-timings", "--write-lp", "a/model.lp"],
    );
    assert_ok(&a);
    let b = run(
        dir.path(),
        "b",
        &["--no-timings", "--write-lp", "b/model.lp"],
    );
    assert_ok(&b);
    assert_same_files(
        &dir.path().join("a"),
        &dir.path().join("b"),
        &[
            "parcels.geojson",
            "assignments.csv",
            "options.csv",
            "summary.json",
            "model.lp",
        ],
        "differs between runs",
    );
    let summary = read_json(dir.path().join("a/summary.json"));
    assert_eq!(summary["gap"], 0.0);
    assert_eq!(summary["status"], "optimal");
    assert_eq!(summary["objective"], summary["bound"]);
    assert_eq!(summary["rules"]["hash"].as_str().unwrap().len(), 64);
    let assignments = read(dir.path().join("a/assignments.csv"));
    assert!(assignments.starts_with("\u{feff}enterprise_id,parcel_id,weight\n"));
    let n = assignments.lines().count() - 1;
    assert_eq!(summary["counts"]["assigned"], n);
    assert_eq!(n + summary["unassigned"].as_array().unwrap().len(), 10);
    let geo = read_json(dir.path().join("a/parcels.geojson"));
    let feats = geo["features"].as_array().unwrap();
    assert_eq!(feats.len(), 12);
    assert_eq!(
        feats
            .iter()
            .filter(|f| f["properties"]["assigned"] == true)
            .count(),
        n
    );
    let options = read(dir.path().join("a/options.csv"));
    assert!(
        options.lines().skip(1).all(|l| l.starts_with("E00,")
            || l.starts_with("E03,")
            || l.starts_with("E06,")
            || l.starts_with("E09,")),
        "{options}"
    );
    // The printed summary says the same.
    assert!(stdout(&a).contains("gap 0.000000"));
}

#[test]
fn bad_input_exits_2_and_names_the_place() {
    let dir = tempfile::tempdir().unwrap();
    write_scenario(dir.path());
    let csv =
        read(dir.path().join("candidates.csv")).replacen(",1.7,admitted", ",high,admitted", 1);
    std::fs::write(dir.path().join("candidates.csv"), csv).unwrap();
    let r = run(dir.path(), "out", &[]);
    assert_eq!(r.status.code(), Some(2));
    let err = stderr(&r);
    assert_contains(
        &err,
        "candidates.csv: row 3 (line 3): priority: expected a number from 0 to 1000000, got \"high\"",
    );
    assert!(
        !dir.path().join("out/summary.json").exists(),
        "nothing written on bad input"
    );
    let r = bin_in(dir.path())
        .args([
            "allocate",
            "--parcels",
            "missing.geojson",
            "--sensitive",
            "sensitive.geojson",
            "--candidates",
            "candidates.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert!(stderr(&r).contains("missing.geojson"));
}

#[test]
fn locks_fix_a_pair_and_an_unknown_parcel_is_a_rule_error() {
    let mut rules = rules();
    let plots = vec![
        plot(0.0, 0.0, 100.0, 100.0, "M1"),
        plot(200.0, 0.0, 100.0, 120.0, "M1"),
        PlotSpec {
            status: "occupied",
            ..plot(400.0, 0.0, 100.0, 100.0, "M1")
        },
    ];
    let mut park = park(&plots, &[], &rules);
    park.parcels[2].occupant = Some("B".into());
    let candidates = vec![
        candidate("A", "general", PollutionClass::Light, 15.0, 2.0),
        candidate("B", "general", PollutionClass::Light, 15.0, 1.0),
    ];
    rules.allocation.side.locks.insert("P01".into(), "A".into());
    let a = allocate(&Problem::new(&park, &candidates, &rules, Mode::Plots)).unwrap();
    let listing_best =
        allocate(&Problem::new(&park, &candidates, &rules, Mode::Plots).listing(0, 1)).unwrap();
    assert_same_allocation(&a, &listing_best);
    let got: Vec<(&str, &str, bool)> = a
        .assignments
        .iter()
        .map(|x| (x.enterprise_id.as_str(), x.parcel_id.as_str(), x.locked))
        .collect();
    // A is locked to P01; B, the occupant of P02, stays there (lock_occupants in the bundled rules).
    assert_eq!(got, [("A", "P01", true), ("B", "P02", true)]);
    assert_eq!(a.gap, 0.0);
    rules.allocation.side.locks.insert("P99".into(), "A".into());
    match allocate(&Problem::new(&park, &candidates, &rules, Mode::Plots)) {
        Err(parkplan::Error::Input(p)) => assert!(
            p.to_string()
                .contains("allocation.side.locks.P99: no parcel has id \"P99\""),
            "{p}"
        ),
        other => panic!(
            "expected a rule error, got {:?}",
            other.map(|a| a.assignments)
        ),
    }
}

// ---- relocation options for enterprises that relocate (probes) --------------------------------

fn probe(id: &str, class: PollutionClass, mu: f64) -> Candidate {
    Candidate {
        kind: CandidateKind::Relocating,
        site: Some((LON0 - 0.1, LAT0)),
        ..candidate(id, "general", class, mu, 0.3)
    }
}

#[test]
fn relocating_enterprises_get_options_but_are_never_placed() {
    let rules = rules();
    let plots: Vec<PlotSpec> = (0..3)
        .map(|i| plot(200.0 * i as f64, 0.0, 100.0, 100.0 + 5.0 * i as f64, "M2"))
        .collect();
    let park = park(&plots, &[], &rules);
    let candidates = vec![
        candidate("A", "general", PollutionClass::Light, 15.0, 2.0),
        Candidate {
            kind: CandidateKind::Converting,
            site: Some((LON0 - 0.1, LAT0)),
            ..candidate("C", "general", PollutionClass::Light, 15.0, 0.5)
        },
    ];
    let probes = vec![
        probe("R", PollutionClass::Light, 15.0),
        probe("H", PollutionClass::Heavy, 15.0),
    ];
    let alone = allocate(&Problem::new(&park, &candidates, &rules, Mode::Plots)).unwrap();
    let a =
        allocate(&Problem::new(&park, &candidates, &rules, Mode::Plots).probes(&probes)).unwrap();
    // The probes change nothing in the matching: same pairs, same objective, and R takes none of
    // the free parcel left over.
    assert_eq!(a.assignments, alone.assignments);
    assert_eq!(a.objective, alone.objective);
    assert_eq!(a.feasible.len(), alone.feasible.len());
    assert!(a.assignments.iter().all(|x| x.enterprise_id != "R"));
    assert!(
        a.unplaced
            .iter()
            .all(|u| u.enterprise_id != "R" && u.enterprise_id != "H")
    );
    assert_eq!(a.assignments.len(), 2);
    // R: all three parcels fit 15 mu, listed best first, each at a real distance, none assigned.
    let r: Vec<_> = a
        .options
        .iter()
        .filter(|o| o.enterprise_id == "R")
        .collect();
    assert_eq!(r.len(), 3, "{:?}", a.options);
    assert!(
        r.iter()
            .all(|o| o.action == Action::Relocate && !o.assigned)
    );
    assert_eq!(r.iter().map(|o| o.rank).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(r.windows(2).all(|w| w[0].weight >= w[1].weight));
    // About 0.1 degree of longitude west of the parcels: 9.8 to 10.5 km.
    assert!(
        r.iter().all(|o| (9.5..11.0).contains(&o.distance_km)),
        "{r:?}"
    );
    // The converting candidate's options are still there, marked convert, one of them assigned.
    let c: Vec<_> = a
        .options
        .iter()
        .filter(|o| o.enterprise_id == "C")
        .collect();
    assert!(c.iter().all(|o| o.action == Action::Convert));
    assert_eq!(c.iter().filter(|o| o.assigned).count(), 1);
    // H is a heavy polluter: no land class allows it, so no options, and the reason says so.
    assert!(a.options.iter().all(|o| o.enterprise_id != "H"));
    assert_eq!(a.without_options.len(), 1, "{:?}", a.without_options);
    let h = &a.without_options[0];
    assert_eq!(
        (h.enterprise_id.as_str(), h.action),
        ("H", Action::Relocate)
    );
    assert_eq!(h.removed_by.get(&Constraint::LandClass), Some(&3));
    assert!(
        h.message
            .starts_with("no parcel passes every constraint: heavy enterprises may use no land class in the park (allocation.land_classes allows none); of 3 parcels")
            && h.message
                .contains("3 of a land class heavy enterprises may not use (allowed: none)"),
        "{}",
        h.message
    );
    // A probe without a site has no distance to report: refused, naming it.
    let siteless = vec![Candidate {
        site: None,
        ..probes[0].clone()
    }];
    match allocate(&Problem::new(&park, &candidates, &rules, Mode::Plots).probes(&siteless)) {
        Err(parkplan::Error::Input(p)) => assert!(
            p.to_string()
                .contains("enterprise R: a relocating enterprise needs its current site"),
            "{p}"
        ),
        other => panic!(
            "expected an input error, got {:?}",
            other.map(|a| a.options)
        ),
    }
    // A relocating enterprise passed as a candidate is refused: it is not admitted.
    let mixed = vec![candidates[0].clone(), probes[0].clone()];
    match allocate(&Problem::new(&park, &mixed, &rules, Mode::Plots)) {
        Err(parkplan::Error::Input(p)) => {
            assert!(
                p.to_string()
                    .contains("enterprise R: a relocating enterprise is not admitted"),
                "{p}"
            )
        }
        other => panic!(
            "expected an input error, got {:?}",
            other.map(|a| a.assignments)
        ),
    }
}

#[test]
fn cli_lists_relocation_options_and_says_why_a_relocating_firm_has_none() {
    let dir = tempfile::tempdir().unwrap();
    write_scenario(dir.path());
    let mut csv = read(dir.path().join("candidates.csv"));
    csv.push_str("R1,迁出一,C3901,,light,14,0.3,relocating,120.70,28.01,\n");
    csv.push_str("R2,迁出二,C3902,,heavy,14,0.3,relocating,120.70,28.01,\n");
    std::fs::write(dir.path().join("candidates.csv"), csv).unwrap();
    let a = run(dir.path(), "a", &["--no-timings"]);
    assert_ok(&a);
    let b = run(dir.path(), "b", &["--no-timings"]);
    assert_ok(&b);
    assert_same_files(
        &dir.path().join("a"),
        &dir.path().join("b"),
        &["options.csv", "summary.json", "assignments.csv"],
        "differs between runs",
    );
    let options = read(dir.path().join("a/options.csv"));
    assert!(options.starts_with(
        "\u{feff}enterprise_id,action,rank,parcel_id,weight,area_mu,distance_km,assigned\n"
    ));
    let r1: Vec<&str> = options.lines().filter(|l| l.starts_with("R1,")).collect();
    assert!(!r1.is_empty(), "{options}");
    assert!(
        r1.iter()
            .all(|l| l.starts_with("R1,relocate,") && l.ends_with(",false"))
    );
    assert!(options.lines().all(|l| !l.starts_with("R2,")));
    let assignments = read(dir.path().join("a/assignments.csv"));
    assert!(!assignments.contains("R1,") && !assignments.contains("R2,"));
    let summary = read_json(dir.path().join("a/summary.json"));
    assert_eq!(summary["counts"]["candidates"], 10);
    assert_eq!(summary["counts"]["relocating"], 2);
    let without = summary["relocation_without_options"].as_array().unwrap();
    assert_eq!(without.len(), 1, "{without:?}");
    assert_eq!(without[0]["enterprise_id"], "R2");
    assert_eq!(without[0]["action"], "relocate");
    let message = without[0]["message"].as_str().unwrap();
    assert_contains(message, "heavy enterprises may not use (allowed: none)");
    let err = stderr(&a);
    assert_contains(
        &err,
        "no relocation option: R2 迁出二 (relocate): no parcel passes every constraint",
    );
    assert!(stdout(&a).starts_with("mode       plots ("));
}

#[test]
fn bundled_scenario_lists_options_for_every_relocating_enterprise() {
    let files = parkplan::scenario::ScenarioFiles::bundled();
    let scenario = parkplan::scenario::load_scenario(&files).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let admission = parkplan::plan::admission::admit(&scenario, date).unwrap();
    // The probes are exactly the ranking's `relocate` enterprises; none is a candidate.
    let mut relocate: Vec<&str> = admission
        .ranking
        .in_rank_order()
        .filter(|ev| {
            ev.rated()
                .is_some_and(|r| r.action == parkplan::rank::Action::Relocate)
        })
        .map(|ev| ev.id.as_str())
        .collect();
    let mut probes: Vec<&str> = admission.relocating.iter().map(|c| c.id.as_str()).collect();
    relocate.sort_unstable();
    probes.sort_unstable();
    assert!(!probes.is_empty());
    assert_eq!(
        probes.len() + admission.relocating_excluded.len(),
        relocate.len()
    );
    assert!(probes.iter().all(|id| relocate.contains(id)));
    assert!(
        admission
            .candidates
            .iter()
            .all(|c| !probes.contains(&c.id.as_str()))
    );

    // The command on the bundled files: options.csv has relocate rows, never assigned.
    let dir = tempfile::tempdir().unwrap();
    let r = bin()
        .args(["allocate", "--date", "2026-11-26", "--no-timings", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_ok(&r);
    let options = read(dir.path().join("options.csv"));
    let relocate_rows: Vec<&str> = options
        .lines()
        .filter(|l| l.contains(",relocate,"))
        .collect();
    assert!(!relocate_rows.is_empty(), "{options}");
    assert!(relocate_rows.iter().all(|l| l.ends_with(",false")));
    let assignments = read(dir.path().join("assignments.csv"));
    for l in &relocate_rows {
        let id = l.split(',').next().unwrap();
        assert!(probes.contains(&id));
        assert!(
            !assignments
                .lines()
                .any(|a| a.starts_with(&format!("{id},")))
        );
    }
    // Every probe has options or a reason in summary.json.
    let summary = read_json(dir.path().join("summary.json"));
    let without: Vec<&str> = summary["relocation_without_options"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["action"] == "relocate")
        .map(|x| x["enterprise_id"].as_str().unwrap())
        .collect();
    for id in &probes {
        let listed = relocate_rows
            .iter()
            .any(|l| l.starts_with(&format!("{id},")));
        assert!(
            listed != without.contains(id),
            "{id}: options and a reason, or neither"
        );
    }
}

#[test]
fn above_mip_max_pairs_block_mode_is_a_feasible_greedy_with_a_valid_lagrangian_bound() {
    // A contended generated park in block mode with a land budget, solved by microlp and by
    // the Lagrangian path (every model "too large"): each one's allocation is feasible, so it
    // lies below the other's bound (weak duality), whatever either's status.
    let mut rules = rules();
    let (parcels, sensitive) = parkplan::synthetic::park(
        parkplan::synthetic::Size {
            parcels: 40,
            sensitive: 4,
        },
        3,
    )
    .unwrap();
    let park = Park {
        parcels,
        sensitive,
        warnings: vec![],
    };
    let clusters = ["general", "electronics", "biomedicine", "mechatronics"];
    let candidates: Vec<Candidate> = (0..90)
        .map(|i| {
            let mu = 5.0 + (i * 37 % 60) as f64;
            let priority = 1.0 + (i * 53 % 400) as f64 / 100.0;
            candidate(
                &format!("E{i:03}"),
                clusters[i % 4],
                PollutionClass::Light,
                mu,
                priority,
            )
        })
        .collect();
    let total_mu: f64 = park.parcels.iter().map(|p| p.area_mu).sum();
    rules.allocation.side.land_budget_mu = Some(0.6 * total_mu);
    rules.allocation.mip_max_pairs = None;
    rules.allocation.time_limit_s = Some(5.0);
    let mip = allocate(&Problem::new(&park, &candidates, &rules, Mode::Blocks)).unwrap();
    assert!(mip.method.starts_with("MIP"), "{}", mip.method);
    rules.allocation.mip_max_pairs = Some(0);
    let lag = allocate(&Problem::new(&park, &candidates, &rules, Mode::Blocks)).unwrap();
    assert!(lag.method.contains("Lagrangian"), "{}", lag.method);
    assert!(
        lag.assignments.len() > 10,
        "{} placed",
        lag.assignments.len()
    );

    // Feasible: each enterprise once, on a feasible pair, parcels and budget not overfilled.
    let by_id: BTreeMap<&str, &Candidate> = candidates.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut used: BTreeMap<&str, f64> = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    for a in &lag.assignments {
        assert!(
            seen.insert(a.enterprise_id.as_str()),
            "{} placed twice",
            a.enterprise_id
        );
        assert!(
            lag.feasible
                .row(a.candidate)
                .iter()
                .any(|e| e.0 as usize == a.parcel)
        );
        *used.entry(a.parcel_id.as_str()).or_default() +=
            by_id[a.enterprise_id.as_str()].requested_mu.unwrap();
    }
    for p in &park.parcels {
        let u = used.get(p.id.as_str()).copied().unwrap_or(0.0);
        assert!(
            u <= p.area_mu * (1.0 + 1e-9),
            "{}: {u} mu on {} mu",
            p.id,
            p.area_mu
        );
    }
    assert!(used.values().sum::<f64>() <= 0.6 * total_mu * (1.0 + 1e-9));

    // Weak duality both ways, and an allocation about as good as the MIP's.
    let eps = 1e-6;
    assert!(
        lag.objective <= mip.bound + eps,
        "{} above microlp's bound {}",
        lag.objective,
        mip.bound
    );
    assert!(
        lag.bound >= mip.objective.max(lag.objective) - eps,
        "bound {} below an allocation ({} by microlp, {} by the greedy)",
        lag.bound,
        mip.objective,
        lag.objective
    );
    assert!(
        lag.objective >= 0.95 * mip.objective,
        "{} vs {}",
        lag.objective,
        mip.objective
    );
    assert_eq!(lag.status.is_optimal(), lag.bound == lag.objective);
}
