//! `parkplan map`: draw the park layout map and the relocation map of a scenario, optionally
//! with an allocation's assignments (`enterprise_id,parcel_id` CSV) and a ranking's classes and
//! actions (`id,class,action` CSV).

use parkplan::error::{InputError, Place, Problems};
use parkplan::render::map::{self, Label, Link, ParkMap, RelocationMap, Site};
use parkplan::validate::{Scenario, ScenarioFiles, load_scenario};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Arguments of `parkplan map`. Any scenario file given replaces the bundled one.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    scenario: super::ScenarioArgs,
    /// Assignments CSV with columns `enterprise_id,parcel_id` (e.g. `allocate`'s assignments.csv).
    #[arg(long)]
    assignments: Option<PathBuf>,
    /// Ranking CSV with columns `id,class,action` (e.g. `rank`'s output), to colour the urban sites.
    #[arg(long)]
    ranking: Option<PathBuf>,
    /// Output folder for park-map.{svg,png} and relocation-map.{svg,png}.
    #[arg(long, default_value = "out")]
    out: PathBuf,
}

/// A path as shown in outputs: relative to the bundled scenario's folder when it is inside it,
/// so outputs do not depend on where the project is checked out.
pub(crate) fn shown_path(p: &Path) -> String {
    let home = parkplan::io::bundled_dir();
    p.strip_prefix(&home).unwrap_or(p).display().to_string()
}

/// "bundled Lingkun scenario" or the parcels file's name, for titles.
pub(crate) fn scenario_name(files: &ScenarioFiles) -> String {
    if files.parcels == parkplan::io::bundled::parcels() {
        "灵昆 Lingkun bundled scenario (synthetic data)".to_string()
    } else {
        shown_path(&files.parcels)
    }
}

/// Subtitle of every map: scenario and rule set.
pub(crate) fn subtitle(files: &ScenarioFiles, s: &Scenario) -> String {
    format!(
        "{} · rules {} (sha256 {})",
        scenario_name(files),
        s.rules.version,
        s.rules.short_hash()
    )
}

/// Draw both maps into `out` (SVG and PNG each); returns the two SVG texts for the report.
pub(crate) fn write_maps(
    out: &Path,
    files: &ScenarioFiles,
    s: &Scenario,
    assigned: map::Assigned,
    sites: Vec<Site>,
    links: Vec<Link>,
) -> Result<(String, String), parkplan::Error> {
    let park = ParkMap {
        title: "灵昆高新园区 地块布局图 · Lingkun high-tech park layout".into(),
        subtitle: subtitle(files, s),
        parcels: &s.park.parcels,
        sensitive: &s.park.sensitive,
        buffers: map::buffers_from_rules(&s.rules.allocation),
        assigned,
    };
    let reloc = RelocationMap {
        title: "城区企业搬迁与转型 · Relocation of urban enterprises".into(),
        subtitle: subtitle(files, s),
        sites,
        links,
        parcels: &s.park.parcels,
    };
    // The two maps are independent: draw them on two threads.
    parkplan::render::register_fonts();
    let (park_svg, reloc_svg) = std::thread::scope(|scope| {
        let park_job = scope.spawn(|| {
            map::write_svg_and_png(
                out,
                "park-map",
                || map::park_map_svg(&park),
                || map::park_map_png(&park),
            )
        });
        let reloc_svg = map::write_svg_and_png(
            out,
            "relocation-map",
            || map::relocation_map_svg(&reloc),
            || map::relocation_map_png(&reloc),
        );
        let park_svg = park_job
            .join()
            .unwrap_or_else(|_| Err(parkplan::Error::Other("drawing the park map failed".into())));
        (park_svg, reloc_svg)
    });
    let (park_svg, reloc_svg) = (park_svg?, reloc_svg?);
    Ok((park_svg, reloc_svg))
}

/// The urban enterprises of a scenario (those with a current site), unrated until ranking fills
/// class and action.
pub(crate) fn sites(s: &Scenario) -> Vec<Site> {
    let mut out: Vec<Site> = s
        .registries
        .iter()
        .flat_map(|(_, r)| &r.enterprises)
        .filter_map(|e| {
            let (lon, lat) = e.site()?;
            Some(Site {
                id: e.id.clone(),
                name: e.name.clone(),
                lon,
                lat,
                class: "-".into(),
                action: String::new(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Rows of a small CSV read by header name: (line, values of `columns` in order).
fn read_columns(path: &Path, columns: &[&str]) -> Result<Vec<(u64, Vec<String>)>, Problems> {
    let text = parkplan::io::read_utf8(path)?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| InputError::file(path, format!("cannot read the header: {e}")))?
        .clone();
    let mut idx = Vec::new();
    let mut problems = Problems::default();
    for c in columns {
        match headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(c))
        {
            Some(i) => idx.push(i),
            None => problems.push(InputError::new(
                path,
                Place::Line(1),
                Some(c),
                format!(
                    "required column is missing (columns: {})",
                    columns.join(",")
                ),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| InputError::file(path, format!("not a valid CSV: {e}")))?;
        let line = rec.position().map_or(0, |p| p.line());
        rows.push((
            line,
            idx.iter()
                .map(|&i| rec.get(i).unwrap_or("").trim().to_string())
                .collect(),
        ));
    }
    Ok(rows)
}

/// Labels and relocation lines from an assignments CSV; every id must exist in the scenario and
/// an enterprise takes one parcel (a parcel may take several, as in block mode).
pub(crate) fn load_assignments(
    path: &Path,
    s: &Scenario,
) -> Result<(map::Assigned, Vec<Link>), Problems> {
    let enterprises: HashMap<&str, &parkplan::Enterprise> = s
        .registries
        .iter()
        .flat_map(|(_, r)| &r.enterprises)
        .map(|e| (e.id.as_str(), e))
        .collect();
    let parcels: HashMap<&str, &parkplan::Parcel> =
        s.park.parcels.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut problems = Problems::default();
    let mut assigned: map::Assigned = BTreeMap::new();
    let mut placed: HashMap<String, (u64, String)> = HashMap::new();
    let mut links = Vec::new();
    for (line, v) in read_columns(path, &["enterprise_id", "parcel_id"])? {
        let (eid, pid) = (&v[0], &v[1]);
        let e = enterprises.get(eid.as_str());
        let p = parcels.get(pid.as_str());
        if e.is_none() {
            problems.push(InputError::new(
                path,
                Place::Line(line),
                Some("enterprise_id"),
                format!("{eid:?} is in no enterprise file of the scenario"),
            ));
        }
        if p.is_none() {
            problems.push(InputError::new(
                path,
                Place::Line(line),
                Some("parcel_id"),
                format!("{pid:?} is not a parcel of the scenario"),
            ));
        }
        let (Some(e), Some(p)) = (e, p) else { continue };
        let cluster = e.industry_code.as_ref().map_or(p.cluster.clone(), |c| {
            s.rules.clusters.cluster_of(c).to_string()
        });
        let label = Label {
            short_name: map::short_name(&e.name),
            enterprise_id: e.id.clone(),
            cluster,
        };
        if let Some(prev) = placed.insert(e.id.clone(), (line, pid.clone())) {
            problems.push(InputError::new(
                path,
                Place::Line(line),
                Some("enterprise_id"),
                format!(
                    "{eid:?} is assigned twice: also to parcel {:?} on line {}",
                    prev.1, prev.0
                ),
            ));
        }
        assigned.entry(pid.clone()).or_default().push(label);
        if e.site().is_some() {
            links.push(Link {
                enterprise_id: e.id.clone(),
                parcel_id: pid.clone(),
                assigned: true,
            });
        }
    }
    problems.into_result((assigned, links))
}

/// Classes and actions from a ranking CSV onto the sites. Every id must be an enterprise of the
/// scenario and every class and action one `rank` writes, so a wrong file is refused rather
/// than drawn grey.
fn apply_ranking(path: &Path, s: &Scenario, sites: &mut [Site]) -> Result<(), Problems> {
    use parkplan::evaluate::{Action, Class};
    let known: std::collections::HashSet<&str> = s
        .registries
        .iter()
        .flat_map(|(_, r)| &r.enterprises)
        .map(|e| e.id.as_str())
        .collect();
    let classes: Vec<&str> = Class::ALL
        .iter()
        .map(|c| c.as_str())
        .chain(["not rated"])
        .collect();
    let actions: Vec<&str> = [
        Action::Retain,
        Action::Rectify,
        Action::Relocate,
        Action::Convert,
    ]
    .iter()
    .map(|a| a.as_str())
    .collect();
    let mut problems = Problems::default();
    let mut by_id: HashMap<String, (String, String)> = HashMap::new();
    for (line, v) in read_columns(path, &["id", "class", "action"])? {
        let mut bad = |field: &str, msg: String| {
            problems.push(InputError::new(path, Place::Line(line), Some(field), msg))
        };
        if !known.contains(v[0].as_str()) {
            bad(
                "id",
                format!("{:?} is in no enterprise file of the scenario", v[0]),
            );
        }
        if !v[1].is_empty() && !classes.iter().any(|c| c.eq_ignore_ascii_case(&v[1])) {
            bad(
                "class",
                format!(
                    "expected one of {}, or empty; got {:?}",
                    classes.join(", "),
                    v[1]
                ),
            );
        }
        if !v[2].is_empty() && !actions.iter().any(|a| a.eq_ignore_ascii_case(&v[2])) {
            bad(
                "action",
                format!(
                    "expected one of {}, or empty; got {:?}",
                    actions.join(", "),
                    v[2]
                ),
            );
        }
        by_id.insert(v[0].clone(), (v[1].clone(), v[2].clone()));
    }
    for s in sites {
        if let Some((class, action)) = by_id.get(&s.id) {
            s.class = class.clone();
            s.action = action.clone();
        }
    }
    problems.into_result(())
}

pub fn run(args: Args) -> Result<(), parkplan::Error> {
    let files = args.scenario.files();
    let scenario = load_scenario(&files)?;
    super::print_load_warnings(&scenario);
    let (assigned, links) = match &args.assignments {
        Some(p) => load_assignments(p, &scenario)?,
        None => Default::default(),
    };
    let mut sites = sites(&scenario);
    if let Some(p) = &args.ranking {
        apply_ranking(p, &scenario, &mut sites)?;
    }
    write_maps(&args.out, &files, &scenario, assigned, sites, links)?;
    eprintln!("maps written to {}", args.out.display());
    Ok(())
}
