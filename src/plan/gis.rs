//! `plan.gpkg`: the plan as GeoPackage layers for QGIS, each styled in the maps' colours.
//!
//! - `parcels`: every input property, the area, the assignment (as in parcels.geojson), the
//!   first constraint that excludes the parcel for each pollution class (probed through the
//!   allocation's own [`check_pair`] with a request equal to the parcel's area in its own
//!   cluster, so only what belongs to the parcel can exclude it: status, land class, buffers),
//!   and the distance to the nearest sensitive area of each kind.
//! - `sensitive_areas`, `buffer_rings` (each kind's areas grown by each buffer distance of the
//!   rule set, with the classes it holds back), `urban_sites` (class and action) and
//!   `relocation_lines` (site to assigned parcel or best option).

use super::Outcome;
use super::maps::MapInputs;
use crate::allocate::Params;
use crate::allocate::feasibility::{Constraint, Context, check_pair};
use crate::error::Error;
use crate::i18n::Lang;
use crate::io::geojson::round_to;
use crate::io::gpkg::{Category, ColumnType, Layer, LayerGeometry, Rgba, Row, Rows, Style, Symbol};
use crate::model::{Candidate, CandidateKind, Parcel, ParcelStatus, PollutionClass};
use crate::render::map::SiteClass;
use crate::render::map::style::{
    GREY, INK, OCCUPIED_INK, cluster_colour, cluster_name, kind_colour, kind_name, pale,
};
use crate::render::palette::AVAILABLE_TINT;
use crate::spatial::ParkGeometry;
use geo::{Buffer, Geometry, GeometryCollection, LineString, Point};
use plotters::prelude::RGBColor;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const CLASSES: [PollutionClass; 3] = [
    PollutionClass::Light,
    PollutionClass::Moderate,
    PollutionClass::Heavy,
];

fn rgba(c: RGBColor, a: u8) -> Rgba {
    (c.0, c.1, c.2, a)
}

fn fill(f: RGBColor, edge: RGBColor, hatched: bool) -> Symbol {
    Symbol::Fill {
        fill: rgba(f, 255),
        outline: rgba(edge, 255),
        outline_mm: 0.26,
        dashed: false,
        hatched,
    }
}

/// Write the plan's layers to `path` in the scenario's output CRS.
pub fn write_gpkg(o: &Outcome, path: &Path) -> Result<(), Error> {
    let s = o.scenario;
    // The allocation measured every parcel's distances; only the rings need the areas in metres.
    let geometry = ParkGeometry::areas_only(&s.park.parcels, &s.park.sensitive);
    let inputs = MapInputs::from_outcome(o);
    let layers = vec![
        parcels_layer(o)?,
        sensitive_layer(o),
        rings_layer(o, &geometry),
        sites_layer(&inputs),
        lines_layer(o, &inputs),
    ];
    let ts = format!("{}T00:00:00.000Z", o.date.format("%Y-%m-%d"));
    crate::io::gpkg::write_geopackage(path, &s.out_crs(), &layers, &ts)
}

/// The column type of an input property: numbers, booleans or text.
fn column_type(values: &[&Value]) -> ColumnType {
    let non_null: Vec<&&Value> = values.iter().filter(|v| !v.is_null()).collect();
    if !non_null.is_empty() && non_null.iter().all(|v| v.is_boolean()) {
        ColumnType::Boolean
    } else if !non_null.is_empty() && non_null.iter().all(|v| v.is_i64()) {
        ColumnType::Integer
    } else if !non_null.is_empty() && non_null.iter().all(|v| v.is_number()) {
        ColumnType::Real
    } else {
        ColumnType::Text
    }
}

/// The value an input property is written as in a column of `t`.
fn cell(v: Option<&Value>, t: ColumnType) -> Value {
    match (v, t) {
        (None | Some(Value::Null), _) => Value::Null,
        (Some(Value::String(s)), _) => Value::String(s.clone()),
        (Some(v), ColumnType::Text) => Value::String(v.to_string()),
        (Some(v), _) => v.clone(),
    }
}

/// Why `p` is closed to an enterprise of `class`, or `None` when it is open to one.
fn excluded(
    ctx: &Context,
    kinds: &[String],
    o: &Outcome,
    p: &Parcel,
    nearest: &[Option<crate::spatial::Nearest>],
    class: PollutionClass,
) -> Option<String> {
    let probe = Candidate {
        id: String::new(),
        name: String::new(),
        industry_code: None,
        cluster: p.cluster.clone(),
        pollution_class: class,
        requested_mu: Some(p.area_mu),
        priority: 1.0,
        kind: CandidateKind::Admitted,
        site: None,
    };
    let (c, area) = check_pair(ctx, kinds, &probe, p, nearest).err()?;
    Some(match (c, area) {
        (Constraint::Status, _) => format!("status: {}", p.status),
        (Constraint::LandClass, _) => format!("land_class: {} not allowed for {class}", p.land_use),
        (Constraint::Buffer, Some((k, a))) => {
            let sa = &o.scenario.park.sensitive[a];
            let d = nearest[k].map_or(0.0, |n| n.distance_m);
            let b = ctx.params.buffer(&kinds[k], class).unwrap_or(0.0);
            format!(
                "buffer: {d:.0} m from {} ({}), within {b} m",
                sa.label(),
                sa.kind
            )
        }
        (other, _) => serde_json::to_value(other)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
    })
}

/// The parcels' map class, which the style colours: cluster and state, as on the park map.
fn map_class(p: &Parcel, assigned: bool) -> String {
    match p.status {
        ParcelStatus::Occupied => "occupied".into(),
        ParcelStatus::Reserved => "reserved".into(),
        ParcelStatus::Available if assigned => format!("{} assigned", p.cluster),
        ParcelStatus::Available => format!("{} available", p.cluster),
    }
}

fn parcels_layer<'o>(o: &'o Outcome) -> Result<Layer<'o>, Error> {
    let s = o.scenario;
    let parcels = &s.park.parcels;
    let params = Params::from_rules(&s.rules)?;
    let (kinds, nearest) = (&o.allocation.kinds, &o.allocation.nearest);
    let mut by_parcel: BTreeMap<usize, Vec<&crate::allocate::Assignment>> = BTreeMap::new();
    for x in &o.allocation.assignments {
        by_parcel.entry(x.parcel).or_default().push(x);
    }
    let candidates = &o.admission.candidates;
    let mut columns: Vec<(String, ColumnType)> = vec![
        ("area_mu".into(), ColumnType::Real),
        ("map_class".into(), ColumnType::Text),
        ("assigned".into(), ColumnType::Boolean),
        ("enterprise_id".into(), ColumnType::Text),
        ("enterprise_name".into(), ColumnType::Text),
        ("industry".into(), ColumnType::Text),
        ("weight".into(), ColumnType::Real),
    ];
    columns.extend(
        CLASSES
            .iter()
            .map(|c| (format!("excluded_{c}"), ColumnType::Text)),
    );
    for k in kinds {
        columns.push((format!("dist_{k}_m"), ColumnType::Real));
        columns.push((format!("nearest_{k}"), ColumnType::Text));
    }
    let ours: BTreeSet<String> = columns.iter().map(|(n, _)| n.clone()).collect();
    let keys: BTreeSet<&String> = parcels
        .iter()
        .flat_map(|p| p.properties.keys())
        .filter(|k| !ours.contains(k.as_str()) && k.as_str() != "locked")
        .collect();
    let input: Vec<(String, ColumnType)> = keys
        .iter()
        .map(|k| {
            let vals: Vec<&Value> = parcels
                .iter()
                .filter_map(|p| p.properties.get(*k))
                .collect();
            ((*k).clone(), column_type(&vals))
        })
        .collect();
    // The style's classes in one pass; the rows themselves are made as the writer needs them
    // (on every core, a block at a time), so a province's parcels are never all held as rows.
    let classes: BTreeSet<(String, ParcelStatus, String)> = parcels
        .iter()
        .enumerate()
        .map(|(j, p)| {
            let mc = map_class(p, by_parcel.contains_key(&j));
            (mc, p.status, p.cluster.clone())
        })
        .collect();
    let cells = input.clone();
    let no_far = BTreeMap::new();
    let row = move |j: usize| -> Row {
        let p = &parcels[j];
        let ctx = Context {
            params: &params,
            nearest,
            blocks: false,
            planned_far: &no_far,
        };
        let xs = by_parcel.get(&j).map(Vec::as_slice).unwrap_or(&[]);
        let join = |f: &dyn Fn(&crate::allocate::Assignment) -> String| {
            (!xs.is_empty()).then(|| xs.iter().map(|x| f(x)).collect::<Vec<_>>().join(";"))
        };
        let mut row: Vec<Value> = cells
            .iter()
            .map(|(k, t)| cell(p.properties.get(k), *t))
            .collect();
        row.extend([
            json!(round_to(p.area_mu, 2)),
            json!(map_class(p, !xs.is_empty())),
            json!(!xs.is_empty()),
            json!(join(&|x| x.enterprise_id.clone())),
            json!(join(&|x| candidates[x.candidate].name.clone())),
            json!(join(&|x| candidates[x.candidate]
                .industry_code
                .as_ref()
                .map(|c| c.to_string())
                .unwrap_or_default())),
            json!((!xs.is_empty()).then(|| round_to(xs.iter().map(|x| x.weight).sum::<f64>(), 6))),
        ]);
        for c in CLASSES {
            row.push(json!(excluded(&ctx, kinds, o, p, &nearest[j], c)));
        }
        for n in &nearest[j] {
            row.push(json!(n.map(|n| round_to(n.distance_m, 1))));
            row.push(json!(
                n.map(|n| s.park.sensitive[n.area].label().to_string())
            ));
        }
        (Geometry::MultiPolygon(p.geometry.clone()), row)
    };
    let mut all = input;
    all.extend(columns);
    let categories = classes
        .into_iter()
        .map(|(mc, status, cluster)| {
            let c = cluster_colour(&cluster);
            let (label, symbol) = match status {
                ParcelStatus::Occupied => {
                    ("已占用 occupied".to_string(), fill(OCCUPIED_INK, c, false))
                }
                ParcelStatus::Reserved => ("预留 reserved".to_string(), fill(GREY, c, true)),
                ParcelStatus::Available if mc.ends_with("assigned") => (
                    format!("{} · 已分配 assigned", cluster_name(Lang::Both, &cluster)),
                    fill(c, INK, false),
                ),
                ParcelStatus::Available => (
                    format!("{} · 可用 available", cluster_name(Lang::Both, &cluster)),
                    fill(pale(c, AVAILABLE_TINT), INK, false),
                ),
            };
            Category {
                value: mc,
                label,
                symbol,
            }
        })
        .collect();
    Ok(Layer {
        name: "parcels".into(),
        description: "parcels with the assignment, exclusions per pollution class and distances"
            .into(),
        geometry: LayerGeometry::MultiPolygon,
        columns: all,
        rows: Rows::Made {
            count: parcels.len(),
            row: Box::new(row),
        },
        style: Some(Style {
            name: "parkplan parcels".into(),
            column: "map_class".into(),
            categories,
        }),
    })
}

fn kind_categories(
    kinds: impl IntoIterator<Item = String>,
    symbol: impl Fn(RGBColor) -> Symbol,
) -> Vec<Category> {
    kinds
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|k| Category {
            label: kind_name(Lang::Both, &k),
            symbol: symbol(kind_colour(&k)),
            value: k,
        })
        .collect()
}

fn sensitive_layer(o: &Outcome) -> Layer<'static> {
    let areas = &o.scenario.park.sensitive;
    let rows = areas
        .iter()
        .map(|a| {
            (
                a.geometry.clone(),
                vec![json!(a.id), json!(a.kind), json!(a.name)],
            )
        })
        .collect();
    Layer {
        name: "sensitive_areas".into(),
        description: "sensitive areas by kind".into(),
        geometry: LayerGeometry::Geometry,
        columns: vec![
            ("id".into(), ColumnType::Text),
            ("kind".into(), ColumnType::Text),
            ("name".into(), ColumnType::Text),
        ],
        rows: Rows::Held(rows),
        // Points of a mixed layer take QGIS's default marker; the polygons the kind's colours.
        style: Some(Style {
            name: "parkplan sensitive areas".into(),
            column: "kind".into(),
            categories: kind_categories(areas.iter().map(|a| a.kind.clone()), |c| {
                fill(pale(c, 0.7), c, false)
            }),
        }),
    }
}

fn rings_layer(o: &Outcome, g: &ParkGeometry) -> Layer<'static> {
    use rayon::prelude::*;
    let s = o.scenario;
    // Per kind with areas: its areas in metres and its distances with the classes they bind.
    type Kind<'a> = (&'a str, Vec<Geometry<f64>>, BTreeMap<u64, Vec<String>>);
    let mut kinds_in_rules: Vec<Kind> = Vec::new();
    for (kind, per_class) in &s.rules.allocation.buffers_m {
        let mut by_distance: BTreeMap<u64, Vec<String>> = BTreeMap::new();
        for (class, d) in per_class {
            if *d > 0.0 {
                by_distance
                    .entry(d.to_bits())
                    .or_default()
                    .push(class.to_string());
            }
        }
        let geoms: Vec<Geometry<f64>> = s
            .park
            .sensitive
            .iter()
            .zip(&g.sensitive)
            .filter(|(a, _)| &a.kind == kind)
            .map(|(_, geom)| geom.clone())
            .collect();
        if !geoms.is_empty() {
            kinds_in_rules.push((kind, geoms, by_distance));
        }
    }
    // One ring per kind and distance, each a union of buffers (the slow part): grown in
    // parallel, kept in rule order.
    let jobs: Vec<_> = kinds_in_rules
        .iter()
        .flat_map(|(kind, geoms, by_distance)| {
            by_distance.iter().map(move |(bits, classes)| {
                (*kind, geoms.as_slice(), f64::from_bits(*bits), classes)
            })
        })
        .collect();
    let rows: Vec<_> = jobs
        .par_iter()
        .map(|&(kind, geoms, d, classes)| {
            let grown = GeometryCollection(geoms.to_vec()).buffer(d);
            let lonlat = g.frame.unproject_geometry(&grown);
            (
                Geometry::MultiPolygon(lonlat),
                vec![json!(kind), json!(d), json!(classes.join(";"))],
            )
        })
        .collect();
    let kinds: Vec<String> = rows
        .iter()
        .filter_map(|(_, v)| v[0].as_str().map(str::to_string))
        .collect();
    Layer {
        name: "buffer_rings".into(),
        description: "each kind's sensitive areas grown by each buffer distance of the rule set"
            .into(),
        geometry: LayerGeometry::MultiPolygon,
        columns: vec![
            ("kind".into(), ColumnType::Text),
            ("distance_m".into(), ColumnType::Real),
            ("classes".into(), ColumnType::Text),
        ],
        rows: Rows::Held(rows),
        style: Some(Style {
            name: "parkplan buffer rings".into(),
            column: "kind".into(),
            categories: kind_categories(kinds, |c| Symbol::Fill {
                fill: rgba(c, 0),
                outline: rgba(c, 255),
                outline_mm: 0.5,
                dashed: true,
                hatched: false,
            }),
        }),
    }
}

fn site_class(c: SiteClass) -> String {
    match c {
        SiteClass::Rated(c) => c.to_string(),
        SiteClass::NotRated => "not rated".into(),
        SiteClass::Unranked => "unranked".into(),
    }
}

fn sites_layer(inputs: &MapInputs) -> Layer<'static> {
    use crate::rank::Class;
    let rows = inputs
        .sites
        .iter()
        .map(|s| {
            (
                Geometry::Point(Point::new(s.lon, s.lat)),
                vec![
                    json!(s.id),
                    json!(s.name),
                    json!(site_class(s.class)),
                    json!(s.action.map(|a| a.as_str())),
                ],
            )
        })
        .collect();
    let marker = |c: Option<Class>| Symbol::Marker {
        fill: rgba(crate::render::map::style::class_colour(c), 255),
        outline: rgba(RGBColor(255, 255, 255), 255),
        size_mm: 2.6,
    };
    let mut categories: Vec<Category> = Class::ALL
        .iter()
        .map(|c| Category {
            value: c.to_string(),
            label: format!("{c} 类 class {c}"),
            symbol: marker(Some(*c)),
        })
        .collect();
    categories.push(Category {
        value: "not rated".into(),
        label: "未评价 not rated".into(),
        symbol: marker(None),
    });
    categories.push(Category {
        value: "unranked".into(),
        label: "未分类 no ranking".into(),
        symbol: marker(None),
    });
    Layer {
        name: "urban_sites".into(),
        description: "urban enterprises at their current sites with their per-mu class and action"
            .into(),
        geometry: LayerGeometry::Point,
        columns: vec![
            ("id".into(), ColumnType::Text),
            ("name".into(), ColumnType::Text),
            ("class".into(), ColumnType::Text),
            ("action".into(), ColumnType::Text),
        ],
        rows: Rows::Held(rows),
        style: Some(Style {
            name: "parkplan urban sites".into(),
            column: "class".into(),
            categories,
        }),
    }
}

fn lines_layer(o: &Outcome, inputs: &MapInputs) -> Layer<'static> {
    let parcels: BTreeMap<&str, &Parcel> = o
        .scenario
        .park
        .parcels
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let sites: BTreeMap<&str, &crate::render::map::Site> =
        inputs.sites.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut rows = Vec::new();
    for l in &inputs.links {
        let (Some(s), Some(p)) = (
            sites.get(l.enterprise_id.as_str()),
            parcels.get(l.parcel_id.as_str()),
        ) else {
            continue;
        };
        let Some(c) = geo::InteriorPoint::interior_point(&p.geometry) else {
            continue;
        };
        let line = LineString::from(vec![(s.lon, s.lat), (c.x(), c.y())]);
        rows.push((
            Geometry::LineString(line),
            vec![
                json!(l.enterprise_id),
                json!(s.name),
                json!(l.parcel_id),
                json!(if l.assigned {
                    "assigned"
                } else {
                    "best option"
                }),
                json!(s.action.map(|a| a.as_str())),
            ],
        ));
    }
    let line = |dashed| Symbol::Line {
        colour: rgba(INK, 255),
        width_mm: 0.6,
        dashed,
    };
    Layer {
        name: "relocation_lines".into(),
        description:
            "converting and relocating enterprises to their assigned parcel or best option".into(),
        geometry: LayerGeometry::LineString,
        columns: vec![
            ("enterprise_id".into(), ColumnType::Text),
            ("enterprise_name".into(), ColumnType::Text),
            ("parcel_id".into(), ColumnType::Text),
            ("line".into(), ColumnType::Text),
            ("action".into(), ColumnType::Text),
        ],
        rows: Rows::Held(rows),
        style: Some(Style {
            name: "parkplan relocation lines".into(),
            column: "line".into(),
            categories: vec![
                Category {
                    value: "assigned".into(),
                    label: "已分配地块 assigned parcel".into(),
                    symbol: line(false),
                },
                Category {
                    value: "best option".into(),
                    label: "最佳备选 best option (unplaced)".into(),
                    symbol: line(true),
                },
            ],
        }),
    }
}
