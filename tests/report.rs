//! The report as a reader gets it: Chinese by default, English with `--lang en`, the machine
//! outputs unchanged by the language unless `--lang zh` asks for Chinese headers, one
//! self-contained page that escapes user text, long tables capped at scale, and every message
//! key the code names present in the catalogue. The browser and PDF checks are in
//! tests/browser.rs.

mod common;

use common::{assert_contains, assert_ok, bin, read};
use parkplan::i18n::{self, Lang};
use parkplan::report::{Block, Column, Figure, ReportInput, Section, Table, write_report};
use std::path::Path;
use tempfile::TempDir;

fn plan(dir: &Path, extra: &[&str]) {
    let o = bin()
        .args(["plan", "--date", "2026-11-26", "--out"])
        .arg(dir)
        .args(extra)
        .output()
        .unwrap();
    assert_ok(&o);
}

/// The machine outputs a language must not change.
const MACHINE: &[&str] = &[
    "screen.csv",
    "assignments.csv",
    "options.csv",
    "rank.csv",
    "summary.json",
    "parcels.geojson",
];

#[test]
fn the_report_is_chinese_by_default_english_on_request_and_the_data_files_stay_the_same() {
    let tmp = TempDir::new().unwrap();
    let (zh, en, zh_tables) = (
        tmp.path().join("zh"),
        tmp.path().join("en"),
        tmp.path().join("zh-tables"),
    );
    plan(&zh, &[]);
    plan(&en, &["--lang", "en"]);
    plan(&zh_tables, &["--lang", "zh"]);

    let html = read(zh.join("report.html"));
    assert!(html.contains("<html lang=\"zh-CN\">"));
    for part in [
        "<h2>结论</h2>",
        "需研究决定的事项",
        "入园申请审查意见表 · AP-001",
        "整改要求",
        "审查人",
        "万元/亩",
        "亩",
    ] {
        assert_contains(&html, part);
    }
    let html_en = read(en.join("report.html"));
    assert!(html_en.contains("<html lang=\"en\">"));
    for part in [
        "<h2>Conclusion</h2>",
        "<h2>Opinion sheets</h2>",
        "Admission opinion sheet · AP-001",
    ] {
        assert_contains(&html_en, part);
    }
    for zh_only in ["<h2>结论</h2>", "审查意见表 · AP-001", "需研究决定的事项"] {
        assert!(
            !html_en.contains(zh_only),
            "the English report has {zh_only}"
        );
    }

    // JSON and CSV keep their English ids whatever the report's language...
    for f in MACHINE {
        assert_eq!(
            read(zh.join(f)),
            read(en.join(f)),
            "{f} changes with --lang en"
        );
    }
    // CSV files start with the byte-order mark Excel needs.
    let screen = read(zh.join("screen.csv")).replacen('\u{feff}', "", 1);
    assert!(
        screen.starts_with("id,name,decision,score,failed,"),
        "{screen:.80}"
    );
    assert!(screen.contains(",admit,") && !screen.contains("准入"));
    // ...unless `--lang zh` asks for Chinese headers and values in the tables (the JSON and
    // GeoJSON keep their ids).
    let screen_zh = read(zh_tables.join("screen.csv")).replacen('\u{feff}', "", 1);
    assert!(
        screen_zh.starts_with("企业编号,企业名称,准入决定,"),
        "{screen_zh:.80}"
    );
    assert_eq!(screen_zh.lines().count(), screen.lines().count());
    for (a, b) in screen.lines().zip(screen_zh.lines()).skip(1) {
        let (a, b): (Vec<&str>, Vec<&str>) = (a.split(',').collect(), b.split(',').collect());
        assert_eq!(a[0], b[0], "same rows in the same order");
        let want = i18n::text(Lang::Zh, &format!("decision.{}", a[2]));
        assert_eq!(b[2], want, "{}'s decision in Chinese", a[0]);
    }
    for f in MACHINE.iter().filter(|f| !f.ends_with(".csv")) {
        assert_eq!(
            read(zh.join(f)),
            read(zh_tables.join(f)),
            "{f} changes with --lang zh"
        );
    }
    // The ranking: Chinese statuses, actions and reasons; ids and classes as they are.
    let rows = |dir: &std::path::Path, f: &str| -> Vec<Vec<String>> {
        let text = read(dir.join(f)).replacen('\u{feff}', "", 1);
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        r.records()
            .map(|x| x.unwrap().iter().map(String::from).collect())
            .collect()
    };
    let (rank, rank_zh) = (rows(&zh, "rank.csv"), rows(&zh_tables, "rank.csv"));
    assert_eq!(
        rank_zh[0][..4],
        ["企业编号", "企业名称", "评价类别", "评价状态"]
    );
    assert!(
        rank_zh[0].contains(&"亩均税收(万元/亩)".to_string()),
        "{:?}",
        rank_zh[0]
    );
    let col = |name: &str| rank[0].iter().position(|h| h == name).unwrap();
    for (a, b) in rank.iter().zip(&rank_zh).skip(1) {
        assert_eq!(a[0], b[0], "same rows in the same order");
        if a[col("class")] != "not rated" {
            assert_eq!(a[col("class")], b[col("class")], "classes stay A-D");
        }
        if !a[col("action")].is_empty() {
            let want = i18n::text(Lang::Zh, &format!("action.{}", a[col("action")]));
            assert_eq!(b[col("action")], want, "{}'s action in Chinese", a[0]);
        }
        if a[col("action_reason")] == "by class" {
            assert_eq!(b[col("action_reason")], "按分类");
        }
    }
    // The relocation options: actions and yes/no in Chinese.
    let options = rows(&zh_tables, "options.csv");
    assert_eq!(options[0][0], "企业编号");
    assert!(
        options
            .iter()
            .skip(1)
            .all(|r| ["是", "否"].contains(&r[7].as_str()))
    );
    // `map` reads the Chinese tables back and draws what it draws from the English ones.
    let map = |tables: &Path, out: &Path| {
        let o = bin()
            .args(["map", "--date", "2026-11-26", "--assignments"])
            .arg(tables.join("assignments.csv"))
            .arg("--ranking")
            .arg(tables.join("rank.csv"))
            .arg("--out")
            .arg(out)
            .output()
            .unwrap();
        assert_ok(&o);
        read(out.join("relocation-map.svg"))
    };
    let (from_en, from_zh) = (tmp.path().join("map-en"), tmp.path().join("map-zh"));
    assert!(
        map(&zh, &from_en) == map(&zh_tables, &from_zh),
        "maps differ"
    );
}

#[test]
fn a_failed_criterion_s_remedy_reads_in_chinese_and_stays_byte_identical_in_english() {
    let explain = |lang: Option<&str>| {
        let mut c = bin();
        c.args(["screen", "--date", "2026-11-26", "--explain", "AP-002"]);
        if let Some(l) = lang {
            c.args(["--lang", l]);
        }
        let o = c.output().unwrap();
        assert_ok(&o);
        common::stdout(&o)
    };
    let zh = explain(Some("zh"));
    // AP-002 is rejected for heavy pollution: the Chinese rendering names it in Chinese.
    assert_contains(&zh, "决定      不予准入");
    assert_contains(&zh, "不通过  重度污染");
    assert!(!zh.contains("Decision"), "{zh}");
    // The default output (bilingual labels, English values) is what it always was.
    let default = explain(None);
    assert_contains(&default, "决定 Decision     不予准入 reject");
    let json = bin()
        .args(["screen", "--date", "2026-11-26", "--format", "json"])
        .output()
        .unwrap();
    assert_ok(&json);
    let v: serde_json::Value = serde_json::from_str(&common::stdout(&json)).unwrap();
    let text = v.to_string();
    assert!(!text.contains("不得为"), "JSON remedies stay English");
}

#[test]
fn the_report_is_one_page_that_escapes_user_text_and_reaches_nothing_outside() {
    let svg = "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" \
               height=\"50\" viewBox=\"0 0 100 50\"><script>alert(1)</script>\
               <image href=\"http://example.com/x.png\"/><rect width=\"10\" height=\"10\"/></svg>";
    let input = ReportInput {
        title: "灵昆高新园区 规划报告".into(),
        sections: vec![Section {
            id: "screen".into(),
            title: "入园审核 <applicants>".into(),
            blocks: vec![
                Block::Note("A & B <script>alert(1)</script>".into()),
                Block::Table(Table {
                    title: "不予准入".into(),
                    columns: vec![Column::id("编号"), Column::text("企业名称")],
                    rows: vec![vec!["E1".into(), "<iframe onload=alert(1)>".into()].into()],
                    ..Default::default()
                }),
                Block::Figure(Figure {
                    caption: "地块布局图".into(),
                    svg: svg.into(),
                    map: None,
                }),
            ],
            ..Default::default()
        }],
        // The script's data is user text too: a name that closes the script element.
        data: Some(r#"{"name":"</script><script>alert(2)</script>"}"#.into()),
        ..Default::default()
    };
    let mut out = Vec::new();
    write_report(&mut out, &input).unwrap();
    let html = String::from_utf8(out).unwrap();
    common::assert_well_formed(&html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_contains(&html, "&lt;iframe onload=alert(1)&gt;");
    assert_contains(&html, "A &amp; B &lt;script&gt;");
    assert_contains(&html, "入园审核 &lt;applicants&gt;");
    assert!(
        !html.contains("alert(1)</script>"),
        "a figure's script is removed"
    );
    // The data element ends where it should, and its JSON reads back unchanged.
    let start = html.find("id=\"pp-data\">").unwrap() + "id=\"pp-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(data["name"], "</script><script>alert(2)</script>");
    let lower = html.to_ascii_lowercase();
    for bad in [
        "http:", "https:", "<link", "@import", "<iframe", "<object", "src=", "<image",
    ] {
        assert!(!lower.contains(bad), "report contains {bad:?}");
    }
    // Only the embedded font is loaded by url(), from a data: URL.
    for (i, _) in lower.match_indices("url(") {
        assert!(
            lower[i..].starts_with("url(data:font/ttf;base64,"),
            "{}",
            &lower[i..i + 40]
        );
    }
    for (i, _) in lower.match_indices("href=\"") {
        assert_eq!(&lower[i + 6..i + 7], "#", "an href leaves the page");
    }
}

#[test]
fn at_scale_long_tables_and_the_opinion_sheets_are_capped_and_the_report_says_where_the_rest_is() {
    let tmp = TempDir::new().unwrap();
    let g = tmp.path().join("gen");
    let o = bin()
        .args([
            "gen",
            "--parcels",
            "200",
            "--sensitive",
            "20",
            "--enterprises",
            "700",
            "--seed",
            "3",
            "--out",
        ])
        .arg(&g)
        .output()
        .unwrap();
    assert_ok(&o);
    let out = tmp.path().join("plan");
    let o = bin()
        .args(["plan", "--date", "2026-11-26", "--parcels"])
        .arg(g.join("parcels.geojson"))
        .arg("--sensitive")
        .arg(g.join("sensitive.geojson"))
        .arg("--enterprises")
        .arg(g.join("enterprises.csv"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_ok(&o);
    let html = read(out.join("report.html"));
    let sheets = html.matches("<article class=\"sheet\"").count();
    assert_eq!(
        sheets,
        parkplan::plan::report::SHEETS,
        "opinion sheets capped"
    );
    assert_contains(&html, "申请企业共700家，此处仅列出前200家的审查意见表");
    let capped = i18n::fill(
        Lang::Zh,
        "report.capped",
        &[
            ("shown", &parkplan::plan::report::TABLE_ROWS.to_string()),
            ("total", ""),
            ("file", "screen.csv"),
        ],
    );
    let (head, tail) = capped.split_once("行）").unwrap();
    let head = head.trim_end_matches("（共");
    assert!(
        html.contains(head) && html.contains(&format!("行）{tail}")),
        "a capped table says so and names screen.csv"
    );
    // No table shows more rows than the cap.
    for table in html.split("<tbody>").skip(1) {
        let body = table.split("</tbody>").next().unwrap();
        let rows = body.matches("<tr").count();
        assert!(rows <= parkplan::plan::report::TABLE_ROWS, "{rows} rows");
    }
}

/// Every catalogue key the code names as a literal (`"report.title"`, `tr.col("name")`) exists,
/// and so does every key built from an enum's ids.
#[test]
fn every_message_key_the_code_names_is_in_the_catalogue() {
    let cat = i18n::catalogue();
    let areas: std::collections::BTreeSet<String> = cat
        .keys()
        .iter()
        .map(|k| k.split_once('.').unwrap().0.to_string())
        .collect();
    let mut files = Vec::new();
    let mut dirs = vec![Path::new(common::ROOT).join("src")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let mut named = 0;
    let mut missing = Vec::new();
    for f in &files {
        let src = read(f);
        // "area.key" literals.
        for lit in src.split('"').skip(1).step_by(2) {
            let Some((area, key)) = lit.split_once('.') else {
                continue;
            };
            let is_key = areas.contains(area)
                && !key.is_empty()
                && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            // File names (report.html, screen.csv) are not keys.
            let file = [
                "html", "csv", "json", "geojson", "svg", "png", "toml", "gpkg", "xlsx",
            ]
            .contains(&key);
            if is_key && !file {
                named += 1;
                if cat.get(lit).is_none() {
                    missing.push(format!("{}: {lit}", f.display()));
                }
            }
        }
        // tr.col("key") names col.key.
        for (i, _) in src.match_indices("col(\"") {
            let key: String = src[i + 5..].chars().take_while(|c| *c != '"').collect();
            named += 1;
            if cat.get(&format!("col.{key}")).is_none() {
                missing.push(format!("{}: col.{key}", f.display()));
            }
        }
    }
    assert!(named > 150, "the scan found only {named} keys");
    // Keys built from ids: decisions, classes, actions.
    for d in ["admit", "conditional", "reject"] {
        assert!(cat.get(&format!("decision.{d}")).is_some(), "decision.{d}");
    }
    for c in parkplan::rank::Class::ALL {
        let k = format!("class.{}", c.as_str());
        assert!(cat.get(&k).is_some(), "{k}");
    }
    use parkplan::rank::Action;
    for a in [
        Action::Retain,
        Action::Rectify,
        Action::Relocate,
        Action::Convert,
    ] {
        let k = format!("action.{}", a.as_str());
        assert!(cat.get(&k).is_some(), "{k}");
    }
    assert!(
        missing.is_empty(),
        "keys missing from assets/messages.toml:\n{}",
        missing.join("\n")
    );
}

/// Above the size where the maps are overviews, the page's maps click only on the assigned
/// parcels and its data describes only those, and the maps' note says so: a province-sized park
/// would otherwise put a million shapes into one page. Below it every parcel is clickable.
#[test]
fn above_the_overview_size_only_assigned_parcels_are_clickable_and_the_page_says_so() {
    use parkplan::plan::{Plan, Silent, maps::MapOptions, write_folder};
    use parkplan::scenario::{ScenarioFiles, load_scenario};
    let s = load_scenario(&ScenarioFiles::bundled()).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let page = |overview_above: Option<usize>| {
        let maps = MapOptions {
            overview_above,
            ..Default::default()
        };
        let o = Plan::new(&s).date(date).maps(maps).run().unwrap();
        let tmp = TempDir::new().unwrap();
        write_folder(&o, tmp.path(), &mut Silent).unwrap();
        let assigned: std::collections::BTreeSet<String> = o
            .allocation
            .assignments
            .iter()
            .map(|a| a.parcel_id.clone())
            .collect();
        (read(tmp.path().join("report.html")), assigned)
    };
    // The page's parcels: those its data describes, and the ids its maps' shapes carry.
    let parcels_of = |html: &str| {
        let data = html.split("id=\"pp-data\"").nth(1).unwrap();
        let data = &data[data.find('>').unwrap() + 1..data.find("</script>").unwrap()];
        let v: serde_json::Value = serde_json::from_str(data).unwrap();
        let described: std::collections::BTreeSet<String> =
            v["parcels"].as_object().unwrap().keys().cloned().collect();
        let shapes: Vec<String> = html
            .split("<path data-id=\"")
            .skip(1)
            .map(|p| p.split('"').next().unwrap().to_string())
            .collect();
        (described, shapes)
    };
    let n = s.park.parcels.len();
    let (all, _) = page(None);
    let (described, shapes) = parcels_of(&all);
    assert_eq!(described.len(), n);
    assert_eq!(shapes.len(), 2 * n, "every parcel on both maps");
    assert!(!all.contains("仅已分配的"));

    let (few, assigned) = page(Some(n / 2));
    assert!(!assigned.is_empty() && assigned.len() < n);
    let (described, shapes) = parcels_of(&few);
    assert_eq!(described, assigned);
    assert_eq!(shapes.len(), 2 * assigned.len());
    assert!(shapes.iter().all(|id| assigned.contains(id)));
    assert_contains(
        &few,
        &format!(
            "园区共{n}宗地块，超过{}宗时地图为概览图，仅已分配的{}宗地块可点击查看详情",
            n / 2,
            assigned.len()
        ),
    );
}
