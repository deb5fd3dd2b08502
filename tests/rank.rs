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

/// The bundled rule set with the `[ranking]` indicators replaced by one: tax per mu, weight
/// 100, benchmark 100, so an enterprise's score is its tax per mu (up to the cap of 200).
fn tax_only() -> RuleSet {
    let text = read(parkplan::io::bundled::rules());
    let start = text.find("[[ranking.indicators]]").unwrap();
    let end = text.find("[allocation]").unwrap();
    let text = format!(
        "{}[[ranking.indicators]]\nmetric = \"tax_per_mu\"\nweight = 100\nbenchmark = 100\n\n{}",
        &text[..start],
        &text[end..]
    );
    parse(Path::new("tax-only.toml"), &text, "test".into()).unwrap_or_else(|e| panic!("{e}"))
}

/// A row whose indicators all sit at the default benchmarks except tax, which is `tax` on 10 mu.
fn row(id: &str, tax: f64) -> String {
    // 10 mu: value added 1362 (136.2/mu), energy 1362/2.69, emissions 1362/4930, staff 1362/18.1,
    // R&D 3% of revenue 1000.
    format!(
        "{id},企业{id},C3911,{tax},10,1362,{},{},0,0,0,{},30,1000,0,false,,120.7,27.95",
        1362.0 / 2.69,
        1362.0 / 4930.0,
        1362.0 / 18.1
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
    assert_eq!(r.boundaries.positions, [4, 16, 19]);
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
        (0..10).map(|i| row(&format!("P{i}"), 50.0 + i as f64).replacen(",1362,", ",681,", 1)),
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
    let mut z = row("Z1", 241.0);
    // energy 0 and all four pollutants 0
    let cols: Vec<&str> = z.split(',').collect();
    let mut cols: Vec<String> = cols.iter().map(|s| s.to_string()).collect();
    cols[6] = "0".into();
    cols[7] = "0".into();
    z = cols.join(",");
    let r = rank(&registry(&[z, row("Z2", 241.0)]), &rules);
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
    rows.push(row("M1", 500.0).replacen(",1362,", ",,", 1)); // value added empty
    rows.push(row("M2", 500.0).replace(",30,1000,", ",30,0,")); // revenue 0
    let r = rank(&registry(&rows), &rules);
    assert_eq!(r.boundaries.rated, 5);
    assert_eq!(r.not_rated, 2);
    match &r.evaluations[5].outcome {
        Outcome::NotRated { reason } => assert!(
            reason.contains("not reported") && reason.contains("value_added"),
            "{reason}"
        ),
        o => panic!("{o:?}"),
    }
    match &r.evaluations[6].outcome {
        Outcome::NotRated { reason } => assert!(reason.contains("zero revenue"), "{reason}"),
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
    rows.push(with("Q1", "1362", 2.0 * 1362.0 / 2.69));
    rows.push(with("Q2", "1362", 3.0 * 1362.0 / 2.69));
    rows.push(with("Q3", "0", 10.0));
    rows.push(with("Q4", "1362", 1362.0 / 2.69));
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
    // Excel's byte-order mark first, so the Chinese names open ungarbled.
    let header = text
        .lines()
        .next()
        .unwrap()
        .strip_prefix('\u{feff}')
        .unwrap();
    assert!(
        header.starts_with("id,name,score,class,action,rank,burden,relocation_rank,tax_per_mu,"),
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
    assert_eq!(doc["rules"]["version"], "lingkun-2026.1");
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
        csv_text(&[row("U1", 10.0).replace(",1362,", ",lots,")]),
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
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let rated: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[3] != "not rated").collect();
    let n = rated.len();
    // Rank shares (no ties expected in the bundled data): A is floor(0.2 N) plus any ties.
    let a = rated.iter().filter(|r| &r[3] == "A").count();
    assert!(a >= n / 5 && a <= n / 5 + 2, "{a} A of {n}");
    for r in &rated {
        let expected = match &r[3] {
            "A" | "B" => ["retain"].as_slice(),
            "C" => &["rectify", "convert"],
            "D" => &["relocate", "convert"],
            other => panic!("class {other}"),
        };
        assert!(expected.contains(&&r[4]), "{r:?}");
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_contains(&stderr, "land freed");
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
