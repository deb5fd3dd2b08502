//! A scenario: its files loaded and validated together, and the summary `validate` prints:
//! counts, areas by land class and cluster, overlapping parcels, and every problem in every file
//! at once.

use crate::crs::Crs;
use crate::error::{InputError, Place, Problems, Warning};
use crate::io::{self, MapOptions};
use crate::model::{ContextLayer, Park, Registry};
use crate::rules::{self, RuleSet};
use geo::{Area, BooleanOps, BoundingRect, Relate};
use rstar::{AABB, RTree, RTreeObject};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The files of one scenario; any of them may replace the bundled one.
#[derive(Debug, Clone)]
pub struct ScenarioFiles {
    pub rules: PathBuf,
    pub parcels: PathBuf,
    pub sensitive: PathBuf,
    pub enterprises: Vec<PathBuf>,
    /// Context layers drawn under the maps (`--context`), in drawing order.
    pub context: Vec<PathBuf>,
    /// The CRS of map files that declare none (`--crs`; `gcj02`/`bd09` also over WGS84).
    pub crs: Option<Crs>,
    /// The GeoPackage layers of the parcels and of the sensitive areas (`--layer`,
    /// `--sensitive-layer`); by default the first polygon layer.
    pub parcels_layer: Option<String>,
    pub sensitive_layer: Option<String>,
    /// The CRS `plan.gpkg` is written in (`--out-crs`): WGS84 by default.
    pub out_crs: OutCrs,
    /// How the enterprise files are read (the workbook sheet).
    pub read: io::enterprises::ReadOptions,
}

/// The CRS of the GeoPackage a plan writes.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum OutCrs {
    /// WGS84 longitude/latitude.
    #[default]
    Wgs84,
    /// The CRS the parcels file was in (WGS84 when it declared none).
    Input,
    Crs(Crs),
}

impl ScenarioFiles {
    /// The bundled Lingkun scenario: rules, parcels, sensitive areas, applicants and urban registry.
    pub fn bundled() -> Self {
        ScenarioFiles {
            rules: io::bundled::rules(),
            parcels: io::bundled::parcels(),
            sensitive: io::bundled::sensitive(),
            enterprises: vec![io::bundled::applicants(), io::bundled::urban()],
            context: vec![io::bundled::context()],
            crs: None,
            parcels_layer: None,
            sensitive_layer: None,
            out_crs: OutCrs::Wgs84,
            read: Default::default(),
        }
    }

    /// How the parcels file is read.
    pub fn parcels_options(&self) -> MapOptions {
        MapOptions {
            crs: self.crs.clone(),
            layer: self.parcels_layer.clone(),
        }
    }

    /// How the sensitive-areas file is read.
    pub fn sensitive_options(&self) -> MapOptions {
        MapOptions {
            crs: self.crs.clone(),
            layer: self.sensitive_layer.clone(),
        }
    }

    /// Every input file, for refusing an output path that would replace one.
    pub fn inputs(&self) -> Vec<&std::path::Path> {
        let mut v = vec![
            self.parcels.as_path(),
            self.sensitive.as_path(),
            self.rules.as_path(),
        ];
        v.extend(self.enterprises.iter().map(PathBuf::as_path));
        v.extend(self.context.iter().map(PathBuf::as_path));
        v
    }

    /// "灵昆 Lingkun bundled scenario (synthetic data)", or the parcels file as shown, for titles.
    pub fn name(&self) -> String {
        if self.parcels == io::bundled::parcels() {
            "灵昆 Lingkun bundled scenario (synthetic data)".to_string()
        } else {
            io::shown_path(&self.parcels)
        }
    }
}

/// A loaded, validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The files it was loaded from.
    pub files: ScenarioFiles,
    pub rules: RuleSet,
    pub park: Park,
    pub registries: Vec<(PathBuf, Registry)>,
    /// The context layers, drawn under the maps.
    pub context: Vec<ContextLayer>,
    /// The CRS the parcels file was in (`None`: it declared none and none was given).
    pub parcels_crs: Option<Crs>,
}

impl Scenario {
    /// The CRS `plan.gpkg` is written in.
    pub fn out_crs(&self) -> Crs {
        match &self.files.out_crs {
            OutCrs::Wgs84 => Crs::WGS84,
            OutCrs::Input => self.parcels_crs.clone().unwrap_or(Crs::WGS84),
            OutCrs::Crs(c) => c.clone(),
        }
    }
}

impl Scenario {
    /// Every warning from loading: the park's files, then each registry's.
    pub fn warnings(&self) -> impl Iterator<Item = &Warning> {
        let registries = self.registries.iter().flat_map(|(_, r)| &r.warnings);
        self.park.warnings.iter().chain(registries)
    }
}

/// Load every file of a scenario, collecting the problems of all of them before failing.
pub fn load_scenario(files: &ScenarioFiles) -> Result<Scenario, Problems> {
    load_scenario_counted(files, None)
}

/// [`load_scenario`], counting into `meter` the bytes of each input file once it is read and
/// checked (the total is set first from the files' sizes; a Shapefile counts by its `.shp`), so a
/// display can tell how much of the input is done while a province's parcels load.
pub fn load_scenario_counted(
    files: &ScenarioFiles,
    meter: Option<&crate::meter::Meter>,
) -> Result<Scenario, Problems> {
    let size = |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let done = |p: &std::path::Path| {
        if let Some(m) = meter {
            m.add(size(p));
        }
    };
    if let Some(m) = meter {
        m.start(files.inputs().iter().map(|p| size(p)).sum());
    }
    let mut problems = Problems::default();
    let rules = rules::load(&files.rules)
        .map_err(|p| problems.extend(p))
        .ok();
    done(&files.rules);
    let mut warnings = Vec::new();
    let mut parcels_crs = None;
    let parcels = io::load_parcels(&files.parcels, &files.parcels_options())
        .map(|(p, w, crs)| {
            warnings.extend(w);
            parcels_crs = crs;
            p
        })
        .map_err(|p| problems.extend(p))
        .ok();
    done(&files.parcels);
    // Without a rule set there is no list of kinds to hold the sensitive areas to; its own error says why.
    let kinds = rules.as_ref().map(|r| r.allocation.sensitive_kinds());
    let sensitive = match &kinds {
        Some(k) => io::load_sensitive(&files.sensitive, k, &files.sensitive_options())
            .map(|(s, w)| {
                warnings.extend(w);
                s
            })
            .map_err(|p| problems.extend(p))
            .ok(),
        None => None,
    };
    done(&files.sensitive);
    let mut registries: Vec<(PathBuf, Registry)> = Vec::new();
    // An id names one enterprise across all the files: the same one twice would be screened,
    // ranked and allocated twice.
    let mut first_seen: std::collections::HashMap<String, (usize, u64)> = Default::default();
    for (k, path) in files.enterprises.iter().enumerate() {
        if files.enterprises[..k].contains(path) {
            problems.push(InputError::file(
                path,
                "given twice with --enterprises; expected each enterprise file once",
            ));
            continue;
        }
        let loaded = io::enterprises::load_enterprises_with(path, &files.read);
        done(path);
        match loaded {
            Ok(r) => {
                for e in &r.enterprises {
                    if let Some(&(f, line)) = first_seen.get(&e.id) {
                        problems.push(InputError::new(
                            path,
                            Place::Line(e.line),
                            Some("id"),
                            format!(
                                "duplicate id {:?}: also in {} on line {line}; expected ids unique across the enterprise files",
                                e.id,
                                registries[f].0.display()
                            ),
                        ));
                    } else {
                        first_seen.insert(e.id.clone(), (registries.len(), e.line));
                    }
                }
                registries.push((path.clone(), r));
            }
            Err(p) => problems.extend(p),
        }
    }
    if files.parcels == files.sensitive && files.parcels_layer == files.sensitive_layer {
        problems.push(InputError::file(
            &files.parcels,
            "is given for both the parcels and the sensitive areas, with the same layer; choose each one's GeoPackage layer with --layer and --sensitive-layer",
        ));
    }
    let mut context = Vec::new();
    for path in &files.context {
        let opts = MapOptions {
            crs: files.crs.clone(),
            layer: None,
        };
        let loaded = io::load_context(path, &opts);
        done(path);
        match loaded {
            Ok((layer, w)) => {
                warnings.extend(w);
                context.push(layer);
            }
            Err(p) => problems.extend(p),
        }
    }
    if let (Some(rules), Some(parcels)) = (&rules, &parcels) {
        warnings.extend(unknown_clusters(&files.parcels, rules, parcels));
        warnings.extend(unused_clusters(&files.parcels, rules, parcels));
    }
    match (rules, parcels, sensitive) {
        (Some(rules), Some(parcels), Some(sensitive)) if problems.is_empty() => Ok(Scenario {
            files: files.clone(),
            rules,
            park: Park {
                parcels,
                sensitive,
                warnings,
            },
            registries,
            context,
            parcels_crs,
        }),
        _ => Err(problems),
    }
}

/// Parcels designated for a cluster no industry maps to in the rule set: most likely a typo, and
/// no enterprise would ever match it, so say so (a warning: the designation may be deliberate).
fn unknown_clusters(
    path: &std::path::Path,
    rules: &RuleSet,
    parcels: &[crate::model::Parcel],
) -> Vec<Warning> {
    let known: std::collections::BTreeSet<&str> = rules
        .clusters
        .prefix
        .values()
        .map(String::as_str)
        .chain([
            rules.clusters.default.as_str(),
            crate::model::GENERAL_CLUSTER,
        ])
        .collect();
    parcels
        .iter()
        .filter(|p| !known.contains(p.cluster.as_str()))
        .map(|p| {
            Warning(InputError::new(
                path,
                Place::Feature {
                    index: p.index,
                    id: Some(p.id.clone()),
                },
                Some("cluster"),
                format!(
                    "{:?} is no cluster of the rule set's [clusters] table ({}): no enterprise will match it",
                    p.cluster,
                    known.iter().copied().collect::<Vec<_>>().join(", ")
                ),
            ))
        })
        .collect()
}

/// Clusters the rule set's `[clusters]` table names that no parcel is designated for: most
/// likely a typo in the table (`C39 = "electronix"`), and those industries would never get their
/// cluster's bonus, so say so, once per cluster (a warning: a cluster may have no land yet).
fn unused_clusters(
    parcels_path: &std::path::Path,
    rules: &RuleSet,
    parcels: &[crate::model::Parcel],
) -> Vec<Warning> {
    let on_parcels: std::collections::BTreeSet<&str> =
        parcels.iter().map(|p| p.cluster.as_str()).collect();
    let mut prefixes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (prefix, cluster) in &rules.clusters.prefix {
        if cluster != crate::model::GENERAL_CLUSTER && !on_parcels.contains(cluster.as_str()) {
            prefixes.entry(cluster).or_default().push(prefix);
        }
    }
    prefixes
        .into_iter()
        .map(|(cluster, prefixes)| {
            Warning(InputError::new(
                &rules.source,
                Place::File,
                Some(&format!("clusters.prefix.{}", prefixes[0])),
                format!(
                    "cluster {cluster:?} (industries {}) is on no parcel of {}: those enterprises can only be placed outside their cluster; check the spelling against the parcels' clusters ({})",
                    prefixes.join(", "),
                    crate::io::shown_path(parcels_path),
                    on_parcels.iter().copied().collect::<Vec<_>>().join(", ")
                ),
            ))
        })
        .collect()
}

/// Two parcels whose interiors overlap, with the overlap in square metres.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Overlap {
    pub a: String,
    pub b: String,
    pub area_m2: f64,
}

impl Summary {
    /// The summary as `validate` prints it: rule set, parcels, areas by land class and by
    /// cluster, sensitive areas, enterprise files (warnings and overlaps apart).
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let s = self;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "rules     {} (sha256 {})",
            s.rules_version,
            &s.rules_hash[..12]
        );
        let status: Vec<String> = s
            .parcels_by_status
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        let _ = writeln!(
            out,
            "parcels   {} ({}), {:.1} mu in all",
            s.parcels,
            status.join(", "),
            s.area_mu
        );
        // One column for the names, wide enough for the longest cluster (pharma_equipment).
        let width = s
            .area_mu_by_cluster
            .keys()
            .map(|k| k.chars().count() + "cluster ".len())
            .max()
            .unwrap_or(0)
            .max(23);
        for (k, v) in &s.area_mu_by_land_use {
            let label = format!("land {k}");
            let _ = writeln!(out, "  {label:<width$} {v:>10.1} mu");
        }
        for (k, v) in &s.area_mu_by_cluster {
            let avail = s.available_mu_by_cluster.get(k).copied().unwrap_or(0.0);
            let label = format!("cluster {k}");
            let _ = writeln!(out, "  {label:<width$} {v:>10.1} mu ({avail:.1} available)");
        }
        let kinds: Vec<String> = s
            .sensitive_by_kind
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        let _ = writeln!(
            out,
            "sensitive {}",
            if kinds.is_empty() {
                "none".into()
            } else {
                kinds.join(", ")
            }
        );
        for (path, n) in &s.enterprises {
            let _ = writeln!(out, "enterprises {n} in {path}");
        }
        out
    }

    /// The overlapping parcels as `validate` prints them, or `overlaps  none`.
    pub fn overlaps_text(&self) -> String {
        if self.overlaps.is_empty() {
            return "overlaps  none\n".to_string();
        }
        self.overlaps
            .iter()
            .map(|o| {
                format!(
                    "overlap   parcels {} and {} share {:.1} m2\n",
                    o.a, o.b, o.area_m2
                )
            })
            .collect()
    }

    /// Overlapping parcels are bad input: a parcel cannot be given to two enterprises, and the
    /// park's land would be counted twice. One problem per pair, on the parcels file.
    pub fn refuse_overlaps(&self, parcels: &std::path::Path) -> Result<(), Problems> {
        Problems(
            self.overlaps
                .iter()
                .map(|o| {
                    InputError::new(
                        parcels,
                        Place::File,
                        Some("geometry"),
                        format!("parcels {} and {} overlap by {:.1} m2", o.a, o.b, o.area_m2),
                    )
                })
                .collect(),
        )
        .into_result(())
    }
}

/// What `validate` reports about a loaded scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub rules_version: String,
    pub rules_hash: String,
    pub parcels: usize,
    pub parcels_by_status: BTreeMap<String, usize>,
    pub area_mu: f64,
    pub area_mu_by_land_use: BTreeMap<String, f64>,
    pub area_mu_by_cluster: BTreeMap<String, f64>,
    pub available_mu_by_cluster: BTreeMap<String, f64>,
    pub sensitive_by_kind: BTreeMap<String, usize>,
    pub enterprises: BTreeMap<String, usize>,
    pub overlaps: Vec<Overlap>,
    pub warnings: Vec<String>,
}

struct Indexed {
    i: usize,
    env: AABB<[f64; 2]>,
}

impl RTreeObject for Indexed {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.env
    }
}

/// Pairs of parcels whose interiors overlap (shared edges and corners are fine).
///
/// Each parcel's candidates come from an R-tree of the envelopes, on every core. Most candidates
/// are neighbours: their envelopes meet along a line, or a line through one of their edges has
/// each on its own side (exact orientation tests), and then their interiors cannot meet. Only the
/// others go through the full DE-9IM `relate`, which decides.
pub fn overlapping_parcels(park: &Park) -> Vec<Overlap> {
    use rayon::prelude::*;
    let items: Vec<Indexed> = park
        .parcels
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let r = p.geometry.bounding_rect()?;
            Some(Indexed {
                i,
                env: AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
            })
        })
        .collect();
    let bounds = crate::frame::extent(items.iter().map(|it| {
        let (l, u) = (it.env.lower(), it.env.upper());
        geo::Rect::new(
            geo::coord! {x: l[0], y: l[1]},
            geo::coord! {x: u[0], y: u[1]},
        )
    }));
    let Some(bounds) = bounds else {
        return Vec::new();
    };
    let frame = crate::frame::LocalFrame::around(bounds);
    let tree = RTree::bulk_load(items);
    let mut out: Vec<Overlap> = tree
        .iter()
        .collect::<Vec<_>>()
        .par_iter()
        .flat_map_iter(|a| {
            tree.locate_in_envelope_intersecting(&a.env)
                .filter(move |b| a.i < b.i && area_overlap(&a.env, &b.env))
                .filter_map(|b| overlap(&park.parcels[a.i], &park.parcels[b.i], &frame))
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
    out
}

/// Whether two envelopes share an area: when they meet only along a line (neighbours' edges),
/// the shapes inside them cannot share interior points.
fn area_overlap(a: &AABB<[f64; 2]>, b: &AABB<[f64; 2]>) -> bool {
    let (al, au, bl, bu) = (a.lower(), a.upper(), b.lower(), b.upper());
    al[0].max(bl[0]) < au[0].min(bu[0]) && al[1].max(bl[1]) < au[1].min(bu[1])
}

/// The overlap of two parcels, when their interiors share points.
fn overlap(
    pa: &crate::model::Parcel,
    pb: &crate::model::Parcel,
    frame: &crate::frame::LocalFrame,
) -> Option<Overlap> {
    if apart(&pa.geometry, &pb.geometry) {
        return None;
    }
    let m = pa.geometry.relate(&pb.geometry);
    if m.get(
        geo::coordinate_position::CoordPos::Inside,
        geo::coordinate_position::CoordPos::Inside,
    ) == geo::dimensions::Dimensions::Empty
    {
        return None;
    }
    let inter = frame
        .project_geometry(&pa.geometry)
        .intersection(&frame.project_geometry(&pb.geometry));
    let (x, y) = if pa.id <= pb.id {
        (&pa.id, &pb.id)
    } else {
        (&pb.id, &pa.id)
    };
    Some(Overlap {
        a: x.clone(),
        b: y.clone(),
        area_m2: io::geojson::round_to(inter.unsigned_area(), 1),
    })
}

/// Whether the interiors of two (multi)polygons are proved apart without `relate`: every pair of
/// their polygons has envelopes that share no area, or is split by the line through an edge of
/// either's exterior ring, each polygon on its own closed side of it (exact orientation tests;
/// a polygon lies within the hull of its exterior ring). `false` means "not proved".
fn apart(a: &geo::MultiPolygon<f64>, b: &geo::MultiPolygon<f64>) -> bool {
    a.0.iter().all(|pa| {
        b.0.iter().all(|pb| {
            let (Some(ra), Some(rb)) = (pa.bounding_rect(), pb.bounding_rect()) else {
                return true;
            };
            let env = |r: geo::Rect<f64>| {
                AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y])
            };
            if !area_overlap(&env(ra), &env(rb)) {
                return true;
            }
            let (ea, eb) = (&pa.exterior().0, &pb.exterior().0);
            split_by_an_edge(ea, eb) || split_by_an_edge(eb, ea)
        })
    })
}

/// Whether the line through some edge of ring `a` has all of `a` on one closed side and all of
/// `b` on the other.
fn split_by_an_edge(a: &[geo::Coord<f64>], b: &[geo::Coord<f64>]) -> bool {
    use geo::kernels::{Kernel, Orientation, RobustKernel};
    a.windows(2).filter(|w| w[0] != w[1]).any(|w| {
        let side = |c: &geo::Coord<f64>| RobustKernel::orient2d(w[0], w[1], *c);
        let mut own = Orientation::Collinear;
        for c in a {
            match (side(c), own) {
                (Orientation::Collinear, _) => {}
                (s, Orientation::Collinear) => own = s,
                (s, o) if s != o => return false,
                _ => {}
            }
        }
        own != Orientation::Collinear && b.iter().all(|c| side(c) != own)
    })
}

/// Summarise a loaded scenario.
pub fn summarize(s: &Scenario) -> Summary {
    let mut by_status = BTreeMap::new();
    let mut by_use = BTreeMap::new();
    let mut by_cluster = BTreeMap::new();
    let mut avail_by_cluster = BTreeMap::new();
    let mut total = 0.0;
    for p in &s.park.parcels {
        *by_status.entry(p.status.to_string()).or_insert(0) += 1;
        *by_use.entry(p.land_use.to_string()).or_insert(0.0) += p.area_mu;
        *by_cluster.entry(p.cluster.clone()).or_insert(0.0) += p.area_mu;
        if p.status == crate::model::ParcelStatus::Available {
            *avail_by_cluster.entry(p.cluster.clone()).or_insert(0.0) += p.area_mu;
        }
        total += p.area_mu;
    }
    let round = |m: BTreeMap<String, f64>| {
        m.into_iter()
            .map(|(k, v)| (k, io::geojson::round_to(v, 1)))
            .collect()
    };
    let mut sensitive_by_kind = BTreeMap::new();
    for a in &s.park.sensitive {
        *sensitive_by_kind.entry(a.kind.clone()).or_insert(0) += 1;
    }
    let warnings = s.warnings().map(Warning::to_string).collect();
    let mut enterprises = BTreeMap::new();
    for (path, r) in &s.registries {
        enterprises.insert(path.display().to_string(), r.enterprises.len());
    }
    Summary {
        rules_version: s.rules.version.clone(),
        rules_hash: s.rules.hash.clone(),
        parcels: s.park.parcels.len(),
        parcels_by_status: by_status,
        area_mu: io::geojson::round_to(total, 1),
        area_mu_by_land_use: round(by_use),
        area_mu_by_cluster: round(by_cluster),
        available_mu_by_cluster: round(avail_by_cluster),
        sensitive_by_kind,
        enterprises,
        overlaps: overlapping_parcels(&s.park),
        warnings,
    }
}
