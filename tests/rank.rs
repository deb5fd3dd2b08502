//! The ranking stage and `parkplan rank`: class shares, ties, the weed-out line, caps, missing
//! values, conversion into park candidates, outputs and exit codes.

mod common;

use common::{
    assert_contains, assert_ok, bin, read, read_json, rules, rules_error, stderr, temp_file,
};
use parkplan::io::enterprises::read_enterprises;
use parkplan::model::{CandidateKind, Enterprise, PollutionClass};
use parkplan::rank::{
    Action, Class, Evaluation, Outcome, Ranking, Rated, conversion_candidates, rank,
};
use parkplan::rules::ranking::Metric;
use parkplan::rules::{RuleSet, parse};
use std::path::Path;

const HEADER: &str = "id,name,industry_code,tax,land_mu,value_added,energy_tce,cod_t,nh3n_t,so2_t,nox_t,staff,rd_expense,revenue,violations,willing_to_convert,requested_mu,lon,lat";

/// The bundled rule set with the `[ranking]` tracks replaced by `tracks` (TOML text).
fn with_tracks(tracks: &str) -> RuleSet {
    let text = read(parkplan::io::bundled::rules());
    let start = text.find("[[ranking.track]]").unwrap();
    let end = text.find("[allocation]").unwrap();
    let text = format!("{}{tracks}\n{}", &text[..start], &text[end..]);
    parse(Path::new("tracks.toml"), &text, "test".into()).unwrap_or_else(|e| panic!("{e}"))
}

/// The bundled rule set with one track for everyone and one indicator: tax per mu, weight 100,
/// benchmark 100, so an enterprise's score is its tax per mu (up to the cap of 200).
fn tax_only() -> RuleSet {
    with_tracks(
        "[[ranking.track]]\nid = \"all\"\ncap = 2.0\nscore_floor = 0.0\nclass_shares = { A = 0.20, B = 0.80, C = 0.95 }\n\
         [[ranking.track.indicators]]\nmetric = \"tax_per_mu\"\nweight = 100\nbenchmark = 100\n",
    )
}

/// Value added of [`row`]: 136.16 per mu on 10 mu, the above-size benchmark.
const VA: &str = "1361.6";

/// An enterprise above designated size (revenue 10,000) whose indicators all sit at the default
/// benchmarks except tax, which is `tax` on 10 mu (240.97 is the benchmark 24.097 per mu).
fn row(id: &str, tax: f64) -> String {
    // 10 mu: value added 1361.6 (136.16/mu), energy 1361.6/2.694, emissions 1361.6/4929.81,
    // staff 1361.6/18.14, R&D 3.02% of revenue 10,000.
    let va = 1361.6;
    format!(
        "{id},企业{id},C3911,{tax},10,{VA},{},{},0,0,0,{},302,10000,0,false,,120.7,27.95",
        va / 2.694,
        va / 4929.81,
        va / 18.14
    )
}

/// An urban registry file of these rows.
fn csv_text(rows: &[String]) -> String {
    format!("{HEADER}\n{}\n", rows.join("\n"))
}

fn registry(rows: &[String]) -> Vec<Enterprise> {
    read_enterprises(Path::new("urban.csv"), &csv_text(rows))
        .unwrap_or_else(|e| panic!("{e}"))
        .enterprises
}

/// The evaluation of enterprise `id`.
fn evaluation<'a>(r: &'a Ranking, id: &str) -> &'a Evaluation {
    r.evaluations.iter().find(|e| e.id == id).unwrap()
}

/// The rating of enterprise `id`, which must be rated.
fn rated<'a>(r: &'a Ranking, id: &str) -> &'a Rated {
    evaluation(r, id).rated().unwrap()
}

fn class_of(r: &Ranking, id: &str) -> Option<Class> {
    r.evaluations
        .iter()
        .find(|e| e.id == id)
        .and_then(|e| e.class())
}

#[test]
fn classes_follow_the_rank_shares() {
    let rules = tax_only();
    // Scores 10, 20, ..., 200 (tax per mu x 1): N = 20, cuts at 4, 16, 19.
    let rows: Vec<String> = (1..=20)
        .map(|i| row(&format!("E{i:02}"), i as f64 * 100.0))
        .collect();
    let r = rank(&registry(&rows), &rules);
    assert_eq!(r.tracks[0].boundaries.positions, [4, 16, 19]);
    let counts: Vec<usize> = Class::ALL.iter().map(|c| r.class_counts[c]).collect();
    assert_eq!(counts, [4, 12, 3, 1]);
    assert_eq!(class_of(&r, "E20"), Some(Class::A)); // best
    assert_eq!(class_of(&r, "E17"), Some(Class::A)); // 4th
    assert_eq!(class_of(&r, "E16"), Some(Class::B)); // 5th
    assert_eq!(class_of(&r, "E05"), Some(Class::B)); // 16th
    assert_eq!(class_of(&r, "E04"), Some(Class::C)); // 17th
    assert_eq!(class_of(&r, "E02"), Some(Class::C)); // 19th
    assert_eq!(class_of(&r, "E01"), Some(Class::D)); // 20th
    let e = rated(&r, "E07");
    assert!((e.score - 70.0).abs() < 1e-9, "{}", e.score);
    assert_eq!(e.rank, 14);

    // N = 7: floor(1.4) = 1 A, floor(5.6) = 5, floor(6.65) = 6.
    let r = rank(&registry(&rows[..7]), &rules);
    let counts: Vec<usize> = Class::ALL.iter().map(|c| r.class_counts[c]).collect();
    assert_eq!(counts, [1, 4, 1, 1]);
}

#[test]
fn ties_at_a_boundary_join_the_better_class() {
    let rules = tax_only();
    // N = 10: A is positions 1-2, B 3-8, C 9, D 10. Positions 2-4 tie at 150, so 3 and 4 join A;
    // positions 9 and 10 tie with position 8 (the last B), so both join B.
    let taxes = [
        1900.0, 1500.0, 1500.0, 1500.0, 1200.0, 1100.0, 1000.0, 500.0, 500.0, 500.0,
    ];
    let rows: Vec<String> = taxes
        .iter()
        .enumerate()
        .map(|(i, t)| row(&format!("T{i}"), *t))
        .collect();
    let r = rank(&registry(&rows), &rules);
    let classes: Vec<Class> = r.in_rank_order().map(|e| e.class().unwrap()).collect();
    use Class::*;
    assert_eq!(classes, [A, A, A, A, B, B, B, B, B, B]);
    // Ties are ordered by id within the score, so positions are deterministic.
    let ids: Vec<&str> = r.in_rank_order().map(|e| e.id.as_str()).collect();
    assert_eq!(&ids[1..4], ["T1", "T2", "T3"]);

    // Scores equal in decimal but not in binary still tie: 0.1 + 0.2 style rounding.
    let rows = vec![
        row("X1", 30.000000000000004),
        row("X2", 30.0),
        row("X3", 10.0),
        row("X4", 5.0),
        row("X5", 1.0),
    ];
    let r = rank(&registry(&rows), &rules);
    // N = 5: A is position 1 only; X2 ties with it in decimal and joins A.
    assert_eq!(class_of(&r, "X1"), Some(Class::A));
    assert_eq!(class_of(&r, "X2"), Some(Class::A));
}

#[test]
fn the_weed_out_line_overrides_a_good_score() {
    let rules = rules();
    // W1 meets every other benchmark but pays 9.9 tax on 10 mu (0.99 per mu): D, driven by tax
    // per mu. W2 pays exactly 1 per mu: the line is not crossed. Eight good and ten poor
    // enterprises (half the value added) put W1 mid-table by score.
    let mut rows: Vec<String> = (0..8)
        .map(|i| row(&format!("G{i}"), 241.0 + i as f64))
        .collect();
    rows.extend(
        (0..10).map(|i| row(&format!("P{i}"), 50.0 + i as f64).replacen(",1361.6,", ",680.8,", 1)),
    );
    rows.push(row("W1", 9.9));
    rows.push(row("W2", 10.0));
    let r = rank(&registry(&rows), &rules);
    let w1 = rated(&r, "W1");
    assert!(w1.weed_out);
    assert_eq!(w1.class, Class::D);
    assert!(w1.score > 70.0, "a good score otherwise: {}", w1.score);
    assert_eq!(
        w1.share_class,
        Class::B,
        "its rank share alone would make it B"
    );
    assert_eq!(w1.action, Action::Relocate);
    let d = w1.driver.as_ref().unwrap();
    assert_eq!(d.metric, Metric::TAX_PER_MU);
    assert_ne!(
        d.class_if_met,
        Class::D,
        "meeting the tax benchmark lifts it out of D"
    );
    let w2 = rated(&r, "W2");
    assert!(!w2.weed_out);
}

#[test]
fn zero_energy_or_emissions_earn_the_cap() {
    let rules = rules();
    let mut z = row("Z1", 240.97);
    // energy 0 and all four pollutants 0
    let cols: Vec<&str> = z.split(',').collect();
    let mut cols: Vec<String> = cols.iter().map(|s| s.to_string()).collect();
    cols[6] = "0".into();
    cols[7] = "0".into();
    z = cols.join(",");
    let r = rank(&registry(&[z, row("Z2", 240.97)]), &rules);
    let z1 = r.evaluations[0].rated().unwrap();
    let tce = z1
        .indicators
        .iter()
        .find(|s| s.metric.key() == "value_added_per_tce")
        .unwrap();
    assert_eq!(tce.value, None);
    assert_eq!(tce.points, 40.0); // weight 20 x cap 2
    let em = z1
        .indicators
        .iter()
        .find(|s| s.metric.key() == "value_added_per_t_emissions")
        .unwrap();
    assert_eq!(em.points, 20.0);
    // Every other indicator at its benchmark: 30 + 20 + 40 + 20 + 10 + 10.
    assert!((z1.score - 130.0).abs() < 1e-9, "{}", z1.score);
    assert_eq!(r.evaluations[0].intensity.burden, Some(0.0));
    let z2 = r.evaluations[1].rated().unwrap();
    assert!(
        (z2.score - 100.0).abs() < 1e-9,
        "at every benchmark the score is 100: {}",
        z2.score
    );
}

#[test]
fn missing_or_zero_inputs_are_not_rated_and_take_no_share() {
    let rules = rules();
    let mut rows: Vec<String> = (1..=5)
        .map(|i| row(&format!("E{i}"), i as f64 * 100.0))
        .collect();
    rows.push(row("M1", 500.0).replacen(",1361.6,", ",,", 1)); // value added empty
    let mut m2: Vec<String> = row("M2", 500.0).split(',').map(String::from).collect();
    m2[11] = "0".into(); // staff 0
    rows.push(m2.join(","));
    let r = rank(&registry(&rows), &rules);
    assert_eq!(r.tracks[0].boundaries.rated, 5);
    assert_eq!(r.rated, 5);
    assert_eq!(r.not_rated, 2);
    match &r.evaluations[5].outcome {
        Outcome::NotRated { reason } => assert!(
            reason.contains("not reported") && reason.contains("value_added"),
            "{reason}"
        ),
        o => panic!("{o:?}"),
    }
    match &r.evaluations[6].outcome {
        Outcome::NotRated { reason } => assert!(reason.contains("zero staff"), "{reason}"),
        o => panic!("{o:?}"),
    }
    // N = 5: one A, three B, no C, one D.
    let counts: Vec<usize> = Class::ALL.iter().map(|c| r.class_counts[c]).collect();
    assert_eq!(counts, [1, 3, 0, 1]);
}

#[test]
fn a_willing_c_enterprise_converts_and_becomes_a_candidate() {
    let rules = rules();
    // N = 20: positions 17-19 are C. C1 is willing with no violations, C2 willing with one.
    let mut rows: Vec<String> = (1..=17)
        .map(|i| row(&format!("E{i:02}"), 100.0 + i as f64 * 10.0))
        .collect();
    rows.push(row("C1", 60.0).replace(",0,false,", ",0,true,"));
    rows.push(row("C2", 55.0).replace(",0,false,", ",1,true,"));
    rows.push(row("D1", 20.0).replace(",0,false,,", ",0,true,35,"));
    let reg = registry(&rows);
    let r = rank(&reg, &rules);
    assert_eq!(class_of(&r, "C1"), Some(Class::C));
    assert_eq!(class_of(&r, "C2"), Some(Class::C));
    assert_eq!(class_of(&r, "D1"), Some(Class::D));
    let action = |id: &str| evaluation(&r, id).action().unwrap();
    assert_eq!(action("C1"), Action::Convert);
    assert_eq!(action("C2"), Action::Rectify);
    assert_eq!(action("D1"), Action::Convert);
    assert_eq!(action("E01"), Action::Rectify);

    let cands = conversion_candidates(&r, &reg, &rules);
    let ids: Vec<&str> = cands.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["C1", "D1"]);
    let c1 = &cands[0];
    assert_eq!(c1.kind, CandidateKind::Converting);
    assert_eq!(c1.pollution_class, PollutionClass::Light);
    assert_eq!(c1.requested_mu, Some(10.0), "no request: its current land");
    assert_eq!(cands[1].requested_mu, Some(35.0));
    assert_eq!(c1.cluster, "electronics");
    assert_eq!(c1.site, Some((120.7, 27.95)));
    // Below every certified applicant (certified priorities start at 1).
    assert!(cands.iter().all(|c| c.priority > 0.0 && c.priority < 1.0));
    assert!(
        c1.priority > cands[1].priority,
        "a better score, a higher priority"
    );

    // Land freed: relocate and convert actions (here C1 and D1), 20 mu.
    assert_eq!(r.land_freed.total.enterprises, 2);
    assert!((r.land_freed.total.mu - 20.0).abs() < 1e-9);
    assert_eq!(r.land_freed.by_class[&Class::D].enterprises, 1);
    // The relocation ranking lists every C and D.
    assert_eq!(r.relocation.len(), 4);
}

#[test]
fn burden_orders_relocation_and_zero_value_added_is_worst() {
    let rules = rules();
    let mut rows: Vec<String> = (1..=16)
        .map(|i| row(&format!("E{i:02}"), 200.0 + i as f64))
        .collect();
    // Four C/D enterprises with different burdens: energy doubled, tripled, none, no value added.
    let base = row("Q", 50.0);
    let f: Vec<String> = base.split(',').map(String::from).collect();
    let with = |id: &str, va: &str, energy: f64| {
        let mut g = f.clone();
        g[0] = id.into();
        g[5] = va.into();
        g[6] = format!("{energy}");
        g.join(",")
    };
    rows.push(with("Q1", VA, 2.0 * 1361.6 / 2.694));
    rows.push(with("Q2", VA, 3.0 * 1361.6 / 2.694));
    rows.push(with("Q3", "0", 10.0));
    rows.push(with("Q4", VA, 1361.6 / 2.694));
    let r = rank(&registry(&rows), &rules);
    let order: Vec<&str> = r.relocation_order().map(|e| e.id.as_str()).collect();
    assert_eq!(order, ["Q3", "Q2", "Q1", "Q4"]);
    let q2 = evaluation(&r, "Q2");
    assert!(
        (q2.intensity.burden.unwrap() - 4.0).abs() < 1e-9,
        "3 for energy + 1 for emissions"
    );
}

#[test]
fn rule_file_checks_name_the_key() {
    let text = read(parkplan::io::bundled::rules());
    let bad = text.replace("priority_per_point = 0.0025", "priority_per_point = 0.01");
    let err = rules_error(&bad);
    assert!(
        err.contains("ranking.conversion.priority_per_point")
            && err.contains("below certified applicants"),
        "{err}"
    );
    let bad = text.replace("weed_out_tax_per_mu = 1.0\n", "");
    let err = rules_error(&bad);
    assert!(
        err.contains("ranking.weed_out_tax_per_mu") && err.contains("missing"),
        "{err}"
    );
    let bad = text.replace("metric = \"rd_ratio\"", "metric = \"rd_share\"");
    let err = rules_error(&bad);
    assert!(
        err.contains("rd_share") && err.contains("rd_ratio"),
        "{err}"
    );
}

#[test]
fn cli_writes_csv_json_and_charts_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("urban.csv");
    let rows: Vec<String> = (1..=12)
        .map(|i| row(&format!("U{i:02}"), i as f64 * 30.0))
        .collect();
    std::fs::write(&csv, csv_text(&rows)).unwrap();
    let run = |extra: &[&str]| {
        let out = bin()
            .arg("rank")
            .arg("--enterprises")
            .arg(&csv)
            .args(extra)
            .output()
            .unwrap();
        assert_ok(&out);
        out.stdout
    };
    let a = run(&[]);
    assert_eq!(a, run(&[]), "same input, same bytes");
    let text = String::from_utf8(a).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with(
            "id,name,track,status,score,class,action,rank,burden,relocation_rank,tax_per_mu,"
        ),
        "{header}"
    );
    assert!(header.ends_with("rules_version,rules_hash"));
    assert_eq!(text.lines().count(), 13);
    assert!(text.lines().nth(1).unwrap().starts_with("U12,企业U12,"));

    let json_path = dir.path().join("out/rank.json");
    let charts = dir.path().join("charts");
    run(&[
        "--format",
        "json",
        "--out",
        json_path.to_str().unwrap(),
        "--charts",
        charts.to_str().unwrap(),
    ]);
    let doc = read_json(&json_path);
    assert_eq!(doc["rules"]["version"], "lingkun-2026.2");
    assert_eq!(doc["enterprises"][0]["track"], "above_size");
    assert_eq!(doc["enterprises"].as_array().unwrap().len(), 12);
    for name in ["rank-scores", "rank-intensity", "rank-relocation"] {
        for ext in ["svg", "png"] {
            let p = charts.join(format!("{name}.{ext}"));
            assert!(
                std::fs::metadata(&p)
                    .map(|m| m.len() > 1000)
                    .unwrap_or(false),
                "{}",
                p.display()
            );
        }
    }
    let leftovers: Vec<_> = std::fs::read_dir(&charts)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn cli_bad_input_exits_2_with_a_located_message() {
    let (_dir, csv) = temp_file(
        "urban.csv",
        csv_text(&[row("U1", 10.0).replace(",1361.6,", ",lots,")]),
    );
    let out = bin()
        .args(["rank", "--enterprises"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("urban.csv") && err.contains("value_added") && err.contains("\"lots\""),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "nothing written on bad input");
}

/// The CSV `rank` writes, as records keyed by column name.
fn records(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn cli_ranks_the_bundled_urban_registry() {
    let out = bin().arg("rank").output().unwrap();
    assert_ok(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    let registry = read(parkplan::io::bundled::urban());
    assert_eq!(
        text.lines().count(),
        registry.lines().count(),
        "one row per enterprise"
    );
    let rows = records(&text);
    let of = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap();
    // Both tracks rate, each with its own shares (规上 A 20% / to 80% / to 95%; 规下 A 5% / to
    // 75% / to 95%), counted on the class by rank share (before the weed-out line); the bundled
    // data has no ties at the cuts.
    for (track, shares) in [
        ("above_size", [0.20, 0.80, 0.95]),
        ("below_size", [0.05, 0.75, 0.95]),
    ] {
        let rated: Vec<_> = rows
            .iter()
            .filter(|r| r["track"] == track && r["status"] == "rated")
            .collect();
        let n = rated.len();
        assert!(n > 20, "{track}: {n} rated");
        let cum = |classes: &[&str]| {
            rated
                .iter()
                .filter(|r| classes.contains(&r["share_class"].as_str()))
                .count()
        };
        let want = shares.map(|s| (s * n as f64).floor() as usize);
        assert_eq!(
            [cum(&["A"]), cum(&["A", "B"]), cum(&["A", "B", "C"])],
            want,
            "{track}: {n} rated"
        );
        // Ranks restart in each track and follow the score.
        let ranks: Vec<usize> = rated.iter().map(|r| r["rank"].parse().unwrap()).collect();
        assert_eq!(ranks, (1..=n).collect::<Vec<_>>(), "{track}");
        for r in &rated {
            let expected = match r["class"].as_str() {
                "A" | "B" => ["retain"].as_slice(),
                "C" => &["rectify", "convert"],
                "D" => &["relocate", "convert"],
                other => panic!("class {other}"),
            };
            assert!(expected.contains(&r["action"].as_str()), "{r:?}");
        }
    }
    // The 规下 track scores tax per mu and tax per unit of electricity only.
    let below = rows.iter().find(|r| r["track"] == "below_size").unwrap();
    assert!(!below["tax_per_electricity"].is_empty() && below["value_added_per_mu"].is_empty());
    // Revenue exactly 2,000 is above designated size.
    assert_eq!(of("UR-050")["track"], "above_size");
    // Under 3 mu below designated size: listed apart; exactly 3 mu: rated; above designated
    // size on 2.5 mu: rated on its track.
    let small = of("UR-041");
    assert_eq!(
        (
            small["track"].as_str(),
            small["status"].as_str(),
            small["class"].as_str()
        ),
        ("small_land", "listed_apart", "not rated")
    );
    assert_contains(&small["not_rated_reason"], "land_mu < 3");
    assert_eq!(of("UR-115")["status"], "rated");
    assert_eq!(of("UR-105")["track"], "above_size");
    // Exempt enterprises are listed with their reason, on no track.
    for (id, why) in [
        ("UR-045", "new enterprise"),
        ("UR-090", "relocated by policy"),
    ] {
        let e = of(id);
        assert_eq!((e["status"].as_str(), e["track"].as_str()), ("exempt", ""));
        assert_contains(&e["not_rated_reason"], why);
    }
    // Emissions not reported above designated size: the track's average emissions points.
    let ur25 = of("UR-025");
    assert_eq!(ur25["status"], "rated");
    assert_eq!(ur25["imputed"], "value_added_per_t_emissions=average");
    let reported: Vec<f64> = rows
        .iter()
        .filter(|r| r["track"] == "above_size" && r["status"] == "rated" && r["imputed"].is_empty())
        .map(|r| r["value_added_per_t_emissions_points"].parse().unwrap())
        .collect();
    let mean = reported.iter().sum::<f64>() / reported.len() as f64;
    let got: f64 = ur25["value_added_per_t_emissions_points"].parse().unwrap();
    assert!(
        (got - mean).abs() < 1e-5,
        "{got} against the average {mean}"
    );
    // Electricity not reported below designated size: not rated (its rule is not_rated).
    assert_contains(&of("UR-070")["not_rated_reason"], "electricity_10k_kwh");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_contains(&stderr, "land freed");
    assert_contains(&stderr, "track below_size (revenue < 2000)");
    assert_contains(&stderr, "1 listed apart, 2 exempt");
}

/// An enterprise below designated size (revenue 1,000): tax `tax` on `land` mu, electricity
/// `kwh` (10k kWh), exempt for `exempt` (empty: not exempt); the other columns as [`row`].
fn below(id: &str, tax: f64, land: f64, kwh: f64, exempt: &str) -> String {
    let base =
        row(id, tax)
            .replace(",302,10000,", ",30,1000,")
            .replacen(",10,", &format!(",{land},"), 1);
    format!("{base},{kwh},{exempt}")
}

/// [`below`], not exempt.
fn small(id: &str, tax: f64, land: f64, kwh: f64) -> String {
    below(id, tax, land, kwh, "")
}

/// The registry of [`below`] and [`row`] rows, with the electricity and exemption (免评原因)
/// columns ([`row`]'s left empty).
fn registry_with_electricity(rows: &[String]) -> Vec<Enterprise> {
    let fields = HEADER.split(',').count();
    let text = format!(
        "{HEADER},electricity_10k_kwh,免评原因\n{}\n",
        rows.iter()
            .map(|r| match r.split(',').count() == fields {
                true => format!("{r},,"),
                false => r.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    );
    read_enterprises(Path::new("urban.csv"), &text)
        .unwrap_or_else(|e| panic!("{e}"))
        .enterprises
}

#[test]
fn each_track_has_its_own_formula_classes_and_shares() {
    let rules = rules();
    // 20 above designated size and 20 below it, scores spread within each.
    let mut rows: Vec<String> = (1..=20)
        .map(|i| row(&format!("S{i:02}"), i as f64 * 20.0))
        .collect();
    rows.extend((1..=20).map(|i| small(&format!("X{i:02}"), i as f64 * 5.0, 10.0, 100.0)));
    let r = rank(&registry_with_electricity(&rows), &rules);
    let counts = |t: usize| Class::ALL.map(|c| r.tracks[t].class_counts[&c]);
    // 规上: floor(0.2 x 20) = 4 A, to floor(0.8 x 20) = 16, to 19: 4, 12, 3, 1.
    assert_eq!(r.tracks[0].id, "above_size");
    assert_eq!(counts(0), [4, 12, 3, 1]);
    // 规下: floor(0.05 x 20) = 1 A, to floor(0.75 x 20) = 15, to 19: 1, 14, 4, 1.
    assert_eq!(r.tracks[2].id, "below_size");
    assert_eq!(counts(2), [1, 14, 4, 1]);
    assert_eq!(r.tracks[2].boundaries.positions, [1, 15, 19]);
    // Ranks restart within each track; the output lists 规上 first.
    assert_eq!(rated(&r, "S20").rank, 1);
    assert_eq!(rated(&r, "X20").rank, 1);
    assert_eq!(r.in_rank_order().nth(20).unwrap().id, "X20");
    // Huangyan's 规下 formula: tax per mu / 11.5932 x 50 + tax per 10k kWh / 0.2352 x 50.
    let x03 = rated(&r, "X03");
    let want = (1.5 / 11.5932) * 50.0 + (15.0 / 100.0 / 0.2352) * 50.0;
    assert!(
        (x03.score - want).abs() < 1e-9,
        "{} against {want}",
        x03.score
    );
    let metrics: Vec<&str> = x03.indicators.iter().map(|i| i.metric.key()).collect();
    assert_eq!(metrics, ["tax_per_mu", "tax_per_electricity"]);
    // Revenue exactly 2,000 is above designated size; just under it is below.
    let edge = |revenue: &str| {
        let reg = registry_with_electricity(&[
            small("E", 50.0, 10.0, 100.0).replace(",30,1000,", &format!(",30,{revenue},"))
        ]);
        let r = rank(&reg, &rules);
        r.track_id(&r.evaluations[0]).to_string()
    };
    assert_eq!(edge("2000"), "above_size");
    assert_eq!(edge("1999.99"), "below_size");
}

#[test]
fn small_land_and_exempt_enterprises_are_listed_apart_outside_the_shares() {
    let rules = rules();
    let mut rows: Vec<String> = (1..=10)
        .map(|i| small(&format!("X{i:02}"), i as f64 * 5.0, 10.0, 100.0))
        .collect();
    rows.push(small("L1", 50.0, 2.9, 100.0)); // under 3 mu: listed apart
    rows.push(small("L2", 50.0, 3.0, 100.0)); // exactly 3 mu: rated
    rows.push(row("L3", 50.0).replacen(",10,", ",2,", 1)); // 规上 on 2 mu: rated
    rows.push(below("N1", 500.0, 10.0, 100.0, "新建企业，投产未满一年"));
    let reg = registry_with_electricity(&rows);
    assert_eq!(reg[13].rating_exempt, "新建企业，投产未满一年");
    let r = rank(&reg, &rules);
    let l1 = evaluation(&r, "L1");
    assert_eq!(r.track_id(l1), "small_land");
    match &l1.outcome {
        Outcome::ListedApart { reason } => assert_contains(reason, "land_mu < 3"),
        o => panic!("{o:?}"),
    }
    assert_eq!(r.track_id(evaluation(&r, "L2")), "below_size");
    assert!(evaluation(&r, "L2").rated().is_some());
    assert_eq!(r.track_id(evaluation(&r, "L3")), "above_size");
    let n1 = evaluation(&r, "N1");
    assert_eq!(
        n1.outcome,
        Outcome::Exempt {
            reason: "新建企业，投产未满一年".into()
        }
    );
    assert_eq!(n1.track, None);
    // Neither takes a place in the 规下 shares: 11 rated (10 + L2).
    assert_eq!(r.tracks[2].boundaries.rated, 11);
    assert_eq!((r.listed_apart, r.exempt, r.not_rated), (1, 1, 0));
    // The CSV and JSON say so.
    let mut csv = Vec::new();
    parkplan::rank::write_csv(&mut csv, &r).unwrap();
    let rows = records(&String::from_utf8(csv).unwrap());
    let n1 = rows.iter().find(|r| r["id"] == "N1").unwrap();
    assert_eq!(
        (n1["status"].as_str(), n1["class"].as_str()),
        ("exempt", "not rated")
    );
    assert_eq!(n1["not_rated_reason"], "新建企业，投产未满一年");
    let mut json = Vec::new();
    parkplan::rank::write_json(&mut json, &r).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let l1 = doc["enterprises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "L1")
        .unwrap();
    assert_eq!(
        (l1["outcome"]["status"].as_str(), l1["track"].as_str()),
        (Some("listed_apart"), Some("small_land"))
    );
    assert_eq!(doc["tracks"][1]["listed_apart"], true);
    assert_eq!(doc["exempt"], 1);
}

#[test]
fn a_missing_input_follows_the_indicators_rule() {
    // Five above designated size with emissions of 1, 2, ... times the benchmark intensity, and
    // one with cod_t not reported.
    let mut rows: Vec<String> = (1..=5)
        .map(|i| {
            let mut f: Vec<String> = row(&format!("E{i}"), 240.97)
                .split(',')
                .map(String::from)
                .collect();
            f[7] = format!("{}", i as f64 * 1361.6 / 4929.81);
            f.join(",")
        })
        .collect();
    let mut m: Vec<String> = row("M", 240.97).split(',').map(String::from).collect();
    m[7] = String::new();
    rows.push(m.join(","));
    let reg = registry(&rows);
    let emissions = |r: &Ranking, id: &str| {
        let x = rated(r, id);
        x.indicators
            .iter()
            .find(|i| i.metric.key() == "value_added_per_t_emissions")
            .cloned()
            .unwrap()
    };
    // Bundled: "average" (Huangyan): 10 x (1 + 1/2 + 1/3 + 1/4 + 1/5) / 5 points.
    let r = rank(&reg, &rules());
    let m = emissions(&r, "M");
    let avg = 10.0 * (1.0 + 0.5 + 1.0 / 3.0 + 0.25 + 0.2) / 5.0;
    assert!((m.points - avg).abs() < 1e-9, "{}", m.points);
    assert_eq!(
        m.imputed,
        Some(parkplan::rules::ranking::MissingInput::Average)
    );
    assert_eq!(m.value, None);
    assert!((rated(&r, "M").score - (90.0 + avg)).abs() < 1e-9);
    // The average does not depend on the order of the rows, to the bit.
    let reversed: Vec<Enterprise> = reg.iter().rev().cloned().collect();
    let again = rank(&reversed, &rules());
    assert_eq!(emissions(&again, "M").points.to_bits(), m.points.to_bits());
    // The same rules with "zero" and "not_rated".
    let text = read(parkplan::io::bundled::rules());
    let variant = |how: &str| {
        let t = text.replace("missing = \"average\"", &format!("missing = \"{how}\""));
        parse(Path::new("v.toml"), &t, "v".into()).unwrap_or_else(|e| panic!("{e}"))
    };
    let r = rank(&reg, &variant("zero"));
    assert_eq!(emissions(&r, "M").points, 0.0);
    let r = rank(&reg, &variant("not_rated"));
    match &evaluation(&r, "M").outcome {
        Outcome::NotRated { reason } => assert_eq!(reason, "not reported: cod_t"),
        o => panic!("{o:?}"),
    }
    // With nobody reporting emissions there is no average: not rated, and the reason says so.
    let r = rank(&registry(&rows[5..]), &rules());
    match &evaluation(&r, "M").outcome {
        Outcome::NotRated { reason } => assert_contains(reason, "no average"),
        o => panic!("{o:?}"),
    }
    // Revenue not reported: no track's condition can be decided.
    let r = rank(
        &registry(&[row("R", 100.0).replace(",302,10000,", ",302,,")]),
        &rules(),
    );
    match &evaluation(&r, "R").outcome {
        Outcome::NotRated { reason } => {
            assert_eq!(reason, "no track applies: revenue not reported")
        }
        o => panic!("{o:?}"),
    }
}

#[test]
fn track_rules_are_checked_when_the_file_loads() {
    let text = read(parkplan::io::bundled::rules());
    let bad = |from: &str, to: &str| {
        assert!(text.contains(from), "{from}");
        rules_error(&text.replacen(from, to, 1))
    };
    let err = bad("listed_apart = true\n", "listed_apart = true\ncap = 2.0\n");
    assert_contains(
        &err,
        "track \"small_land\" is listed apart (not rated), so it takes no cap",
    );
    let err = bad(
        "when = 'revenue < 2000'\n",
        "when = 'revenue < 2000 and eval_date > date(\"2026-01-01\")'\n",
    );
    assert_contains(&err, "ranking.track.below_size.when");
    assert_contains(&err, "no evaluation date");
    let err = bad("when = 'land_mu < 3'", "when = 'land_m < 3'");
    assert_contains(&err, "unknown metric `land_m` (did you mean `land_mu`?)");
    assert_contains(&err, "ranking.track.small_land.when");
    let err = bad("when = 'revenue >= 2000'\n", "");
    assert_contains(&err, "track \"small_land\" can never apply");
    let err = bad("class_shares = { A = 0.05, B = 0.75, C = 0.95 }\n", "");
    assert_contains(&err, "ranking.track.below_size.class_shares.A");
    let err = bad("missing = \"average\"", "missing = \"mean\"");
    assert_contains(&err, "unknown variant `mean`");
    let err = bad("id = \"below_size\"", "id = \"above_size\"");
    assert_contains(&err, "track id \"above_size\" appears twice");
}

#[test]
fn csv_output_quotes_names_with_commas_and_quotes() {
    let rules = rules();
    let rows = vec![
        row("Q1", 100.0).replacen("企业Q1", "\"温州甲,\"\"乙\"\"厂\"", 1),
        row("Q2", 50.0),
    ];
    let reg = registry(&rows);
    assert_eq!(reg[0].name, "温州甲,\"乙\"厂");
    let r = rank(&reg, &rules);
    let mut out = Vec::new();
    parkplan::rank::write_csv(&mut out, &r).unwrap();
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let names: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    assert_eq!(names, ["温州甲,\"乙\"厂", "企业Q2"]);
}
