//! Maps and the plan: the park and relocation maps, the HTML report and the `map` / `plan`
//! commands, on small inline scenarios near Lingkun (120.87 E, 27.96 N).

mod common;

use common::{
    LINGKUN, RULES, assert_contains, assert_ok, bin_in, collection, feature, point, polygon, read,
    stderr,
};
use parkplan::i18n::Lang;
use parkplan::rank::{Action, Class};
use parkplan::render::Paper;
use parkplan::render::map::{self, Label, Link, ParkMap, RelocationMap, Sheet, Site, SiteClass};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use tempfile::TempDir;

/// A rectangle `w` x `h` metres with its south-west corner `(x, y)` metres from 120.87 E,
/// 27.96 N, 7 decimals.
fn rect(x: f64, y: f64, w: f64, h: f64) -> String {
    LINGKUN.rect(x, y, w, h)
}

/// A generated park: `bx` x `by` blocks of 2 x 2 parcels (about 27 mu each) on a road grid,
/// clusters by block column, some parcels occupied or reserved; plus a village to the west, a
/// school (point), a wetland strip to the north and a water source to the south-east.
fn scenario(bx: usize, by: usize) -> (String, String) {
    let clusters = [
        "electronics",
        "biomedicine",
        "mechatronics",
        "pharma_equipment",
        "general",
    ];
    let mut feats: Vec<(String, String)> = Vec::new();
    for j in 0..by {
        for i in 0..bx {
            for (k, (dx, dy)) in [(0.0, 0.0), (160.0, 0.0), (0.0, 125.0), (160.0, 125.0)]
                .iter()
                .enumerate()
            {
                let n = feats.len();
                let status = match n % 11 {
                    3 => "occupied",
                    7 => "reserved",
                    _ => "available",
                };
                let occupant = if status == "occupied" {
                    r#","occupant":"existing works""#
                } else {
                    ""
                };
                let land = if (i + j) % 3 == 0 { "M2" } else { "M1" };
                feats.push((
                    format!(
                        r#"{{"id":"LK-{j}{i}-{k}","land_use":"{land}","cluster":"{}","status":"{status}"{occupant}}}"#,
                        clusters[i % clusters.len()]
                    ),
                    rect(i as f64 * 360.0 + dx, j as f64 * 290.0 + dy, 150.0, 115.0),
                ));
            }
        }
    }
    let parcels = common::polygons(&feats);
    let w = bx as f64 * 360.0;
    let h = by as f64 * 290.0;
    let area = |id: &str, name: &str, kind: &str, geometry: String| {
        let props = format!(r#"{{"id":"{id}","name":"{name}","kind":"{kind}"}}"#);
        feature(&props, &geometry)
    };
    let sensitive = collection(&[
        area(
            "V1",
            "灵昆村",
            "residential",
            polygon(&rect(-700.0, 100.0, 400.0, 300.0)),
        ),
        area(
            "S1",
            "灵昆中学",
            "school",
            point(&LINGKUN.position(-250.0, h * 0.7)),
        ),
        area(
            "W1",
            "瓯江口湿地",
            "wetland",
            polygon(&rect(-200.0, h + 250.0, w + 400.0, 200.0)),
        ),
        area(
            "WS1",
            "水源保护区",
            "water_source",
            polygon(&rect(w + 300.0, -400.0, 250.0, 250.0)),
        ),
    ]);
    (parcels, sensitive)
}

fn load(bx: usize, by: usize) -> parkplan::Park {
    let (p, s) = scenario(bx, by);
    let rules = common::rules();
    let (parcels, _) = parkplan::io::geojson::read_parcels(Path::new("p.geojson"), &p).unwrap();
    let (sensitive, _) = parkplan::io::geojson::read_sensitive(
        Path::new("s.geojson"),
        &s,
        &rules.allocation.sensitive_kinds(),
    )
    .unwrap();
    parkplan::Park {
        parcels,
        sensitive,
        warnings: vec![],
    }
}

fn park_map<'a>(park: &'a parkplan::Park, assigned: BTreeMap<String, Vec<Label>>) -> ParkMap<'a> {
    let rules = common::rules();
    let mut sheet = Sheet::new(Paper::A4, Lang::Zh, "灵昆高新园区 地块布局 park layout");
    sheet.source = format!(
        "test scenario · rules {} ({})",
        rules.version,
        rules.short_hash()
    );
    ParkMap {
        sheet,
        parcels: &park.parcels,
        sensitive: &park.sensitive,
        buffers: map::buffers_from_rules(&rules.allocation),
        assigned,
        context: &[],
        overview_above: map::OVERVIEW_ABOVE,
        changes: None,
    }
}

const NAMES: &[&str] = &[
    "温州瓯华电子科技有限公司",
    "浙江灵昆生物医药股份有限公司",
    "温州市龙湾精密机械有限公司",
    "瓯江制药装备有限公司",
    "温州海川新材料有限公司",
    "Acme & Sons <Photonics> Co., Ltd.",
];

/// Every third available parcel gets an enterprise.
fn assignments(park: &parkplan::Park) -> BTreeMap<String, Vec<Label>> {
    park.parcels
        .iter()
        .filter(|p| p.status == parkplan::model::ParcelStatus::Available)
        .step_by(3)
        .enumerate()
        .map(|(n, p)| {
            let name = NAMES[n % NAMES.len()];
            (
                p.id.clone(),
                vec![Label {
                    short_name: map::short_name(name),
                    enterprise_id: format!("E{n:03}"),
                    cluster: p.cluster.clone(),
                }],
            )
        })
        .collect()
}

/// The contents of the SVG's `<text>` elements, in order (still escaped).
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text ")
        .skip(1)
        .filter_map(|t| Some(t[t.find('>')? + 1..t.find("</text>")?].trim().to_string()))
        .collect()
}

/// A label drawn whole, or wrapped over up to three consecutive text elements.
fn has_label(texts: &[String], label: &str) -> bool {
    (0..texts.len()).any(|i| {
        (1..=3).any(|k| {
            let run = &texts[i..(i + k).min(texts.len())];
            run.concat() == label || run.join(" ") == label
        })
    })
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn park_map_svg_labels_every_assigned_parcel() {
    let park = load(4, 3);
    let assigned = assignments(&park);
    assert!(assigned.len() >= 10);
    let svg = map::park_map_svg(&park_map(&park, assigned.clone())).unwrap();
    let texts = svg_texts(&svg);
    for (parcel, labels) in &assigned {
        for label in labels {
            assert!(
                has_label(&texts, &xml_escape(&label.short_name)),
                "no label {:?} for parcel {parcel}",
                label.short_name
            );
        }
    }
    // User text is escaped, never raw markup.
    assert!(svg.contains("Acme &amp; Sons") && svg.contains("&lt;Photonics&gt;"));
    assert!(!svg.contains("<Photonics>"));
    // Legend, scale bar and ratio, north arrow, the rule-set version, the buffers.
    for needle in [
        "产业组团",
        "比例尺 1:",
        ">\n北\n</text>",
        "lingkun-2026.2",
        "防护距离 50 m / 300 m",
    ] {
        assert!(svg.contains(needle), "missing {needle:?}");
    }
}

#[test]
fn park_map_names_every_enterprise_sharing_a_block() {
    let park = load(2, 1);
    let id = park.parcels[0].id.clone();
    let labels: Vec<Label> = ["瓯华电子", "灵昆医药", "海川材料"]
        .iter()
        .enumerate()
        .map(|(i, n)| Label {
            short_name: n.to_string(),
            enterprise_id: format!("E{i}"),
            cluster: "general".into(),
        })
        .collect();
    let svg = map::park_map_svg(&park_map(&park, BTreeMap::from([(id, labels)]))).unwrap();
    let texts = svg_texts(&svg);
    for name in ["瓯华电子", "灵昆医药", "海川材料"] {
        assert!(
            texts.iter().any(|t| t == name),
            "{name} not drawn on its own line"
        );
    }
}

#[test]
fn png_is_print_size_and_draws_chinese_glyphs() {
    let park = load(2, 1);
    let id = park.parcels[0].id.clone();
    let render = |name: &str| {
        let mut a = BTreeMap::new();
        if !name.is_empty() {
            a.insert(
                id.clone(),
                vec![Label {
                    short_name: name.into(),
                    enterprise_id: "E1".into(),
                    cluster: "electronics".into(),
                }],
            );
        }
        map::park_map_png(&park_map(&park, a)).unwrap()
    };
    let with_zh = render("瓯华电子");
    let other_zh = render("灵昆医药");
    let without = render("");
    let decode = |bytes: &[u8]| {
        let mut r = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        let mut buf = vec![0; r.output_buffer_size()];
        let info = r.next_frame(&mut buf).unwrap();
        (info.width, info.height, buf)
    };
    let (w, _, a) = decode(&with_zh);
    assert!(w >= 2400, "PNG is {w} px wide");
    let (_, _, b) = decode(&other_zh);
    let (_, _, c) = decode(&without);
    let differ = |x: &[u8], y: &[u8]| x.iter().zip(y).filter(|(p, q)| p != q).count();
    assert!(differ(&a, &c) > 200, "Chinese label drew nothing");
    // Different characters give different pixels: glyphs, not the same tofu boxes.
    assert!(
        differ(&a, &b) > 100,
        "two different Chinese labels drew the same pixels"
    );
}

#[test]
fn relocation_map_draws_sites_lines_and_park() {
    let park = load(3, 2);
    let sites: Vec<Site> = (0..12)
        .map(|i| Site {
            id: format!("U{i:02}"),
            name: NAMES[i % NAMES.len()].to_string(),
            lon: 120.70 + 0.01 * (i % 4) as f64,
            lat: 27.93 + 0.008 * (i / 4) as f64,
            class: [
                SiteClass::Rated(Class::A),
                SiteClass::Rated(Class::B),
                SiteClass::Rated(Class::C),
                SiteClass::Rated(Class::D),
                SiteClass::NotRated,
            ][i % 5],
            action: Some(
                [
                    Action::Retain,
                    Action::Retain,
                    Action::Convert,
                    Action::Relocate,
                    Action::Rectify,
                ][i % 5],
            ),
        })
        .collect();
    let links = vec![
        Link {
            enterprise_id: "U02".into(),
            parcel_id: park.parcels[0].id.clone(),
            assigned: true,
        },
        Link {
            enterprise_id: "U03".into(),
            parcel_id: park.parcels[5].id.clone(),
            assigned: false,
        },
    ];
    let mut sheet = Sheet::new(Paper::A4, Lang::Zh, "搬迁 relocation");
    sheet.park = "灵昆高新园区".into();
    let m = RelocationMap {
        sheet,
        sites,
        links,
        parcels: &park.parcels,
        context: &[],
        options_known: true,
        overview_above: map::OVERVIEW_ABOVE,
    };
    let svg = map::relocation_map_svg(&m).unwrap();
    assert!(
        svg.contains(">\n灵昆高新园区\n</text>"),
        "the park named at its outline"
    );
    assert!(
        svg.contains("\n精密机械\n</text>"),
        "the converting site U02 is named"
    );
    assert!(svg.contains("D类 淘汰/搬迁（2）"), "legend counts classes");
    let png = map::relocation_map_png(&m).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}

// The report's own tests (markup, escaping, no network) are in tests/report.rs.

/// The scenario of [`scenario`] and three enterprises, written into `dir`.
fn write_scenario(dir: &Path, bx: usize, by: usize) {
    let (p, s) = scenario(bx, by);
    common::write_files(
        dir,
        &[
            ("parcels.geojson", &p),
            ("sensitive.geojson", &s),
            (
                "enterprises.csv",
                // Every column the plan needs is there (an absent one is refused); most are empty.
                "id,name,lon,lat,industry_code,hightech_level,revenue,requested_mu,cert_expiry,\
                 catalogue_products,rd_expense,hightech_revenue,staff,rd_staff,ip_count,\
                 pollution_class,violations,planned_investment,planned_far\n\
                 E000,温州瓯华电子科技有限公司,,,C3911,provincial,5000,25,,,,,,,,,,,\n\
                 E001,浙江灵昆生物医药股份有限公司,,,C2710,national,8000,30,,,,,,,,,,,\n",
            ),
            // An urban enterprise has a current site: its own registry (a file with a site on
            // some rows only is refused).
            (
                "urban.csv",
                "id,name,lon,lat,industry_code,hightech_level,revenue,requested_mu,rd_expense,\
                 staff,value_added,tax,land_mu,energy_tce,cod_t,nh3n_t,so2_t,nox_t,\
                 pollution_class,violations,willing_to_convert\n\
                 U001,温州市龙湾精密机械有限公司,120.71,27.94,C3411,none,3000,,,,,,,,,,,,,,\n",
            ),
        ],
    );
}

/// `parkplan <command>` in `dir` on the files [`write_scenario`] wrote there and the bundled
/// rules.
fn scenario_cmd(dir: &Path, command: &str) -> Command {
    let mut c = bin_in(dir);
    c.args([
        command,
        "--parcels",
        "parcels.geojson",
        "--sensitive",
        "sensitive.geojson",
        "--enterprises",
        "enterprises.csv",
        "--enterprises",
        "urban.csv",
        "--rules",
        RULES,
    ]);
    c
}

/// `parkplan map` into `maps/` of a new folder holding a `bx` x `by` [`write_scenario`] and the
/// assignments `csv`, written as `name`.
fn map_with_assignments(bx: usize, by: usize, name: &str, csv: &str) -> (TempDir, Output) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_scenario(dir, bx, by);
    std::fs::write(dir.join(name), csv).unwrap();
    let out = scenario_cmd(dir, "map")
        .args(["--assignments", name, "--out", "maps"])
        .output()
        .unwrap();
    (tmp, out)
}

#[test]
fn map_command_draws_both_maps_with_assignments() {
    let (tmp, out) = map_with_assignments(
        3,
        2,
        "assignments.csv",
        "enterprise_id,parcel_id\nE000,LK-00-0\nE001,LK-01-1\nU001,LK-10-0\n",
    );
    let d = tmp.path();
    assert_ok(&out);
    for f in [
        "park-map.svg",
        "park-map.png",
        "relocation-map.svg",
        "relocation-map.png",
    ] {
        assert!(
            d.join("maps").join(f).metadata().unwrap().len() > 1000,
            "{f}"
        );
    }
    let svg = read(d.join("maps/park-map.svg"));
    for label in ["瓯华电子科技", "灵昆生物医药", "精密机械"] {
        assert!(svg.contains(label), "park map lacks {label}");
    }
    // Not the bundled parcels: the title names the parcels file, not Lingkun (the bundled
    // rule file's [map] park is only for the bundled scenario); A3 by default.
    assert!(
        svg.contains("园区（parcels） 地块布局图"),
        "title of a non-bundled park"
    );
    assert!(!svg.contains("灵昆高新园区 地块布局图"));
    assert!(
        !svg.contains("编制单位"),
        "nor the bundled rule file's office"
    );
    assert!(
        svg.contains("width=\"420mm\" height=\"297mm\""),
        "A3 landscape in mm"
    );
    assert_eq!(
        png_size(&std::fs::read(d.join("maps/park-map.png")).unwrap()),
        (4961, 3508)
    );
}

/// Width and height of a PNG.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    let r = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    (r.info().width, r.info().height)
}

/// `--paper`, `--park-name`, `--office`, `--date` and `--lang` reach the sheet; a bad paper is
/// refused by name.
#[test]
fn map_command_prints_the_header_it_is_given_on_the_paper_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_scenario(d, 2, 1);
    let out = scenario_cmd(d, "map")
        .args([
            "--out",
            "maps",
            "--paper",
            "a4",
            "--park-name",
            "试验园区",
            "--office",
            "某市规划局",
            "--date",
            "2026-03-01",
        ])
        .output()
        .unwrap();
    assert_ok(&out);
    let svg = read(d.join("maps/park-map.svg"));
    for part in [
        "试验园区 地块布局图",
        "编制单位：某市规划局",
        "日期：2026-03-01",
        "比例尺 1:",
    ] {
        assert!(svg.contains(part), "park map lacks {part:?}");
    }
    assert!(
        svg.contains("width=\"297mm\" height=\"210mm\""),
        "A4 landscape in mm"
    );
    let reloc = read(d.join("maps/relocation-map.svg"));
    assert!(reloc.contains("试验园区 城区企业搬迁与转型图"));
    assert_eq!(
        png_size(&std::fs::read(d.join("maps/park-map.png")).unwrap()),
        (3508, 2480)
    );

    let en = scenario_cmd(d, "map")
        .args([
            "--out",
            "en",
            "--paper",
            "a4",
            "--lang",
            "en",
            "--date",
            "2026-03-01",
        ])
        .output()
        .unwrap();
    assert_ok(&en);
    let svg = read(d.join("en/park-map.svg"));
    assert!(
        svg.contains("park (parcels): parcel layout"),
        "English title"
    );
    assert!(!svg.contains("地块布局图"));

    let bad = scenario_cmd(d, "map")
        .args(["--out", "bad", "--paper", "a5"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert_contains(&stderr(&bad), "expected a4, a3 or a2");
    assert!(!d.join("bad").exists());
}

/// Above `overview_above` parcels the park map is one raster (no path per parcel, no labels)
/// and says so.
#[test]
fn a_park_above_the_overview_size_is_drawn_as_a_stated_raster() {
    let park = load(4, 3);
    let mut m = park_map(&park, assignments(&park));
    let detailed = map::park_map_svg(&m).unwrap();
    m.overview_above = 5;
    let overview = map::park_map_svg(&m).unwrap();
    assert!(
        overview.contains("<image"),
        "the parcels are an embedded raster"
    );
    assert!(
        overview.contains("概览图："),
        "the sheet states it is an overview"
    );
    assert!(
        overview.matches("<polygon").count() * 4 < detailed.matches("<polygon").count(),
        "{} polygons in the overview, {} in the detailed map",
        overview.matches("<polygon").count(),
        detailed.matches("<polygon").count()
    );
    assert!(
        !overview.contains("瓯华电子科技"),
        "no parcel labels on an overview"
    );
    assert!(map::park_map_png(&m).unwrap().starts_with(b"\x89PNG"));
}

#[test]
fn map_command_names_a_bad_assignment() {
    let (tmp, out) = map_with_assignments(
        1,
        1,
        "a.csv",
        "enterprise_id,parcel_id\nE000,NO-SUCH\nE001,LK-00-0\nE001,LK-00-1\n",
    );
    let d = tmp.path();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("a.csv") && err.contains("line 2") && err.contains("NO-SUCH"),
        "{err}"
    );
    assert!(
        err.contains("line 4")
            && err.contains("\"E001\" is assigned twice: also to parcel \"LK-00-0\" on line 3"),
        "{err}"
    );
    assert!(
        !d.join("maps/park-map.svg").exists(),
        "nothing written on bad input"
    );
}

#[test]
fn plan_writes_the_folder_with_progress_per_stage() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_scenario(d, 4, 3);
    let out = scenario_cmd(d, "plan")
        .args(["--out", "result", "--date", "2026-06-30"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for stage in ["validate", "screen", "rank", "allocate", "maps", "report"] {
        assert!(
            err.lines()
                .any(|l| l.starts_with(&format!("plan: {stage}"))),
            "no progress line for {stage}: {err}"
        );
    }
    for f in [
        "park-map.svg",
        "park-map.png",
        "relocation-map.svg",
        "relocation-map.png",
        "report.html",
    ] {
        assert!(d.join("result").join(f).exists(), "{f}");
    }
    let html = read(d.join("result/report.html"));
    common::assert_well_formed(&html);
    assert!(html.contains("lingkun-2026.2"));
    // Same input, same bytes.
    let again = scenario_cmd(d, "plan")
        .args(["--out", "again", "--date", "2026-06-30"])
        .output()
        .unwrap();
    assert_ok(&again);
    common::assert_same_files(
        &d.join("result"),
        &d.join("again"),
        &[
            "park-map.svg",
            "park-map.png",
            "relocation-map.png",
            "report.html",
        ],
        "differs between two runs",
    );
}

/// The README's main command on the bundled Lingkun scenario.
#[test]
fn plan_runs_on_the_bundled_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bin_in(tmp.path())
        .args(["plan", "--out", "out", "--date", "2026-06-30"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for f in [
        "park-map.svg",
        "park-map.png",
        "relocation-map.svg",
        "relocation-map.png",
        "report.html",
        "screen.csv",
        "rank.csv",
        "rank-scores.svg",
    ] {
        assert!(
            tmp.path().join("out").join(f).metadata().unwrap().len() > 1000,
            "{f}"
        );
    }
    // The applicants are screened and the urban registry ranked (told apart by their sites).
    assert_contains(&err, "plan: screen    80 applicants on 2026-06-30");
    assert_contains(&err, "plan: rank      150 urban enterprises");
    let html = read(tmp.path().join("out/report.html"));
    common::assert_well_formed(&html);
    for part in ["不予准入", "搬迁整治排序", "rank-relocation.svg", "规划图"] {
        assert!(html.contains(part), "report lacks {part}");
    }
    // Each criterion's and each track's source, and the tracks' apart lists, are in the report.
    let rules = common::rules();
    for c in rules.admission.criteria() {
        let source = rules.admission.source_of(c).unwrap();
        assert!(
            html.contains(&parkplan::report::escape(source)),
            "report lacks the source of {}",
            c.id
        );
    }
    for t in &rules.ranking.tracks {
        let source = parkplan::report::escape(t.source.as_deref().unwrap());
        assert!(
            html.contains(&source),
            "report lacks the source of track {}",
            t.id()
        );
    }
    for part in ["评价分组", "单列（不参评）", "UR-041", "免评", "UR-090"] {
        assert!(html.contains(part), "report lacks {part}");
    }
    // Every enterprise the allocation placed is labelled on the park map.
    let names: BTreeMap<String, String> = ["registries/applicants.csv", "registries/urban.csv"]
        .iter()
        .flat_map(|f| {
            parkplan::io::enterprises::load_enterprises(&common::bundled(f))
                .unwrap()
                .enterprises
        })
        .map(|e| (e.id, e.name))
        .collect();
    let assignments = read(tmp.path().join("out/assignments.csv"));
    let park_texts = svg_texts(&read(tmp.path().join("out/park-map.svg")));
    // Every placed enterprise is named on its parcel (with the parcel id under the name), or
    // its parcel is in the key by id; no parcel is left unlabelled at this scale.
    let mut placed = 0;
    for line in assignments.lines().skip(1) {
        let mut cols = line.split(',');
        let (id, parcel) = (cols.next().unwrap(), cols.next().unwrap());
        let label = xml_escape(&map::short_name(&names[id]));
        let keyed = park_texts.iter().any(|t| t == parcel);
        assert!(
            has_label(&park_texts, &label) || keyed,
            "{id} on {parcel} is neither named nor in the key"
        );
        placed += 1;
    }
    assert!(placed > 20, "only {placed} placed");
    assert!(
        !park_texts.iter().any(|t| t.starts_with("另有")),
        "some parcels are unlabelled"
    );
    // Every parcel shows its id, or its block's prefix and its number within the block.
    let parcels = read(common::bundled("parcels/lingkun.geojson"));
    let ids: Vec<&str> = parcels
        .split("\"id\":\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(ids.len(), 300, "{:?}", &ids[..3]);
    for id in ids {
        let (block, number) = id.rsplit_once('-').unwrap();
        let shown = park_texts.iter().any(|t| t == id)
            || (park_texts.iter().any(|t| t == block) && park_texts.iter().any(|t| t == number));
        assert!(shown, "parcel {id} is not identifiable on the map");
    }
    // Every urban enterprise the ranking sends to relocate or convert is named on the map.
    let svg = read(tmp.path().join("out/relocation-map.svg"));
    let rank = read(tmp.path().join("out/rank.csv"));
    let movers = rank
        .lines()
        .filter(|l| l.contains(",relocate,") || l.contains(",convert,"))
        .count();
    assert!(movers > 0);
    assert!(
        svg.contains(&format!("共150个企业点，{movers}个转型或搬迁")),
        "legend counts movers"
    );
}

#[test]
fn plan_rejects_a_bad_scenario_with_status_2() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_scenario(d, 1, 1);
    std::fs::write(
        d.join("parcels.geojson"),
        r#"{"type":"FeatureCollection","features":[]}"#,
    )
    .unwrap();
    let out = scenario_cmd(d, "plan")
        .args(["--out", "result"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("parcels.geojson"));
    assert!(!d.join("result/report.html").exists());
}

/// `parkplan gen` then `parkplan plan` on what it wrote: the maps come out for any generated scenario.
#[test]
fn plan_draws_a_generated_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let generated = bin_in(d)
        .args([
            "gen",
            "--parcels",
            "80",
            "--sensitive",
            "6",
            "--enterprises",
            "30",
            "--urban",
            "20",
            "--seed",
            "7",
            "--out",
            "g",
        ])
        .output()
        .unwrap();
    assert_ok(&generated);
    let out = bin_in(d)
        .args([
            "plan",
            "--parcels",
            "g/parcels.geojson",
            "--sensitive",
            "g/sensitive.geojson",
        ])
        .args([
            "--enterprises",
            "g/enterprises.csv",
            "--enterprises",
            "g/urban.csv",
            "--out",
            "o",
        ])
        .output()
        .unwrap();
    assert_ok(&out);
    let svg = read(d.join("o/relocation-map.svg"));
    assert!(svg.contains("共20个企业点"), "all 20 urban sites drawn");
    for f in ["park-map.png", "relocation-map.png", "report.html"] {
        assert!(d.join("o").join(f).metadata().unwrap().len() > 1000, "{f}");
    }
}
