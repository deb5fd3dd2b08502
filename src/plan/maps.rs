//! What the two maps draw, from a plan's outcome or from given files, and drawing them.
//!
//! [`MapInputs`] holds the map-specific view of a plan: parcel labels, urban sites with their
//! class and action, and relocation lines. `plan` builds it from its [`Outcome`]; `map` builds it
//! from an assignments CSV and a ranking CSV ([`crate::io::tables`]). Both draw it with [`draw`],
//! printed as [`MapOptions`] ask: paper, language, and the header's park name, issuing office
//! and date (flags, else the rule file's `[map]`, else the parcels file's name).

use super::Outcome;
use crate::error::Error;
use crate::i18n::{Lang, fill, text};
use crate::model::{CandidateKind, IndustryCode};
use crate::render::Paper;
use crate::render::map::{
    self, Assigned, Label, Link, ParkMap, RelocationMap, RenderError, Sheet, Site, SiteClass,
};
use crate::scenario::Scenario;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::Path;

/// How the maps are printed. Unset names come from the rule file's `[map]` section.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapOptions {
    /// A4, A3 (default) or A2, landscape at 300 dpi.
    pub paper: Paper,
    /// Chinese by default.
    pub lang: Lang,
    /// The park's name in the titles (`--park-name`).
    pub park: Option<String>,
    /// The issuing office in the subtitle (`--office`).
    pub office: Option<String>,
    /// The date in the subtitle (`plan`: the evaluation date).
    pub date: Option<NaiveDate>,
    /// Above this many parcels the maps are overviews and the report's maps click only on the
    /// assigned parcels; `None`: [`map::OVERVIEW_ABOVE`].
    pub overview_above: Option<usize>,
}

impl MapOptions {
    /// The parcel count above which the maps are overviews.
    pub fn overview_above(&self) -> usize {
        self.overview_above.unwrap_or(map::OVERVIEW_ABOVE)
    }
}

/// The park's name in `o.lang`: the option, else the rule file's `[map] park` (the bundled rule
/// file's only with the bundled parcels: it names Lingkun, and is the default rule set of any
/// scenario), else the parcels file's name.
pub fn park_name(s: &Scenario, o: &MapOptions) -> String {
    if let Some(p) = &o.park {
        return p.clone();
    }
    let m = &s.rules.map;
    match (&m.park, rules_name_this_park(s)) {
        (Some(zh), true) => o.lang.pick(zh, m.park_en.as_deref().unwrap_or(zh)),
        _ => {
            let file = s.files.parcels.file_stem().map_or_else(
                || s.files.parcels.display().to_string(),
                |f| f.to_string_lossy().into_owned(),
            );
            fill(o.lang, "map.park_fallback", &[("file", &file)])
        }
    }
}

/// Whether the rule file's `[map]` names this scenario's park: any rule file but the bundled
/// one, and the bundled one with the bundled parcels only.
fn rules_name_this_park(s: &Scenario) -> bool {
    s.files.parcels == crate::io::bundled::parcels() || s.files.rules != crate::io::bundled::rules()
}

/// The sheet of a map whose title is the catalogue's `title_key` (with `{park}`).
pub fn sheet(s: &Scenario, o: &MapOptions, title_key: &str) -> Sheet {
    let park = park_name(s, o);
    let m = &s.rules.map;
    let office = o.office.clone().or_else(|| {
        m.office
            .as_ref()
            .filter(|_| rules_name_this_park(s))
            .map(|zh| o.lang.pick(zh, m.office_en.as_deref().unwrap_or(zh)))
    });
    let mut sub = Vec::new();
    if let Some(office) = office {
        sub.push(fill(o.lang, "map.issued_by", &[("office", &office)]));
    }
    if let Some(d) = o.date {
        sub.push(fill(
            o.lang,
            "map.dated",
            &[("date", &d.format("%Y-%m-%d").to_string())],
        ));
    }
    let scenario = if s.files.parcels == crate::io::bundled::parcels() {
        text(o.lang, "map.bundled_scenario")
    } else {
        s.files.name()
    };
    Sheet {
        paper: o.paper,
        lang: o.lang,
        title: fill(o.lang, title_key, &[("park", &park)]),
        subtitle: sub.join(" · "),
        source: fill(
            o.lang,
            "map.source",
            &[
                ("scenario", &scenario),
                ("version", &s.rules.version),
                ("hash", s.rules.short_hash()),
            ],
        ),
        park,
    }
}

/// Everything the maps draw beyond the scenario itself.
#[derive(Debug, Clone, Default)]
pub struct MapInputs {
    /// Parcel id -> the enterprises placed on it.
    pub assigned: Assigned,
    /// Every urban enterprise at its current site, with its class and action when ranked.
    pub sites: Vec<Site>,
    /// Converting and relocating enterprises to their parcel or best option.
    pub links: Vec<Link>,
    /// `links` hold every mover's parcel or best option (a plan's), so a mover without one
    /// has no park option (see [`RelocationMap::options_known`]).
    pub options_known: bool,
}

/// A parcel label: the enterprise's short name, id and the cluster of its industry.
pub fn label(s: &Scenario, id: &str, name: &str, code: Option<&IndustryCode>) -> Label {
    Label {
        short_name: map::short_name(name),
        enterprise_id: id.to_string(),
        cluster: s.rules.clusters.cluster_for(code).to_string(),
    }
}

/// The urban enterprises of a scenario (those with a current site), unrated, by id.
pub fn sites(s: &Scenario) -> Vec<Site> {
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
                class: SiteClass::Unranked,
                action: None,
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

impl MapInputs {
    /// The maps of a plan: its placements, its ranking's classes and actions at the sites, and
    /// lines from converting and relocating enterprises to their parcel or best option.
    pub fn from_outcome(o: &Outcome) -> Self {
        let s = o.scenario;
        let a = &o.allocation;
        let mut sites = sites(s);
        if o.has_ranking() {
            let by_id: HashMap<&str, &crate::rank::Evaluation> = o
                .admission
                .ranking
                .evaluations
                .iter()
                .map(|e| (e.id.as_str(), e))
                .collect();
            for site in &mut sites {
                if let Some(ev) = by_id.get(site.id.as_str()) {
                    site.class = ev.class().map_or(SiteClass::NotRated, SiteClass::Rated);
                    site.action = ev.action();
                }
            }
        }
        let candidates = &o.admission.candidates;
        let mut assigned = Assigned::new();
        for x in &a.assignments {
            let c = &candidates[x.candidate];
            assigned.entry(x.parcel_id.clone()).or_default().push(label(
                s,
                &c.id,
                &c.name,
                c.industry_code.as_ref(),
            ));
        }
        let placed: HashMap<&str, &str> = a
            .assignments
            .iter()
            .map(|x| (x.enterprise_id.as_str(), x.parcel_id.as_str()))
            .collect();
        let mut links = Vec::new();
        for c in candidates
            .iter()
            .filter(|c| c.kind == CandidateKind::Converting)
            .chain(&o.admission.relocating)
            .filter(|c| c.site.is_some())
        {
            if let Some(p) = placed.get(c.id.as_str()) {
                links.push(Link {
                    enterprise_id: c.id.clone(),
                    parcel_id: p.to_string(),
                    assigned: true,
                });
            } else if let Some(best) = a
                .options
                .iter()
                .filter(|x| x.enterprise_id == c.id)
                .min_by_key(|x| x.rank)
            {
                links.push(Link {
                    enterprise_id: c.id.clone(),
                    parcel_id: best.parcel_id.clone(),
                    assigned: false,
                });
            }
        }
        MapInputs {
            assigned,
            sites,
            links,
            options_known: true,
        }
    }
}

/// The park layout map of a scenario with these inputs.
pub fn park_map<'s>(s: &'s Scenario, inputs: &MapInputs, o: &MapOptions) -> ParkMap<'s> {
    ParkMap {
        sheet: sheet(s, o, "map.park_title"),
        parcels: &s.park.parcels,
        sensitive: &s.park.sensitive,
        buffers: map::buffers_from_rules(&s.rules.allocation),
        assigned: inputs.assigned.clone(),
        context: &s.context,
        overview_above: o.overview_above(),
        changes: None,
    }
}

/// The relocation map of a scenario with these inputs.
pub fn relocation_map<'s>(
    s: &'s Scenario,
    inputs: &MapInputs,
    o: &MapOptions,
) -> RelocationMap<'s> {
    RelocationMap {
        sheet: sheet(s, o, "map.relocation_title"),
        sites: inputs.sites.clone(),
        links: inputs.links.clone(),
        parcels: &s.park.parcels,
        context: &s.context,
        options_known: inputs.options_known,
        overview_above: o.overview_above(),
    }
}

/// One map drawn: its SVG text and PNG bytes.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub svg: String,
    pub png: Vec<u8>,
}

/// The park map and the relocation map, drawn.
#[derive(Debug, Clone)]
pub struct Maps {
    pub park: Drawn,
    pub relocation: Drawn,
}

/// File stems of the two maps in an output folder.
pub const PARK_MAP: &str = "park-map";
pub const RELOCATION_MAP: &str = "relocation-map";

/// Draw both maps (on two threads: they are independent).
pub fn draw(s: &Scenario, inputs: &MapInputs, o: &MapOptions) -> Result<Maps, RenderError> {
    draw_counted(s, inputs, o, None)
}

/// [`draw`], counting each of the four drawings (two maps, SVG and PNG) into `meter` as it is
/// done.
pub fn draw_counted(
    s: &Scenario,
    inputs: &MapInputs,
    o: &MapOptions,
    meter: Option<&crate::meter::Meter>,
) -> Result<Maps, RenderError> {
    let park = park_map(s, inputs, o);
    let reloc = relocation_map(s, inputs, o);
    crate::render::register_fonts();
    if let Some(m) = meter {
        m.start(4);
    }
    let counted = |n: u64| {
        if let Some(m) = meter {
            m.add(n);
        }
    };
    let both = |svg: &dyn Fn() -> Result<String, RenderError>,
                png: &dyn Fn() -> Result<Vec<u8>, RenderError>| {
        let svg = svg()?;
        counted(1);
        let png = png()?;
        counted(1);
        Ok::<Drawn, RenderError>(Drawn { svg, png })
    };
    let (park, relocation) = std::thread::scope(|scope| {
        let job = scope.spawn(|| both(&|| map::park_map_svg(&park), &|| map::park_map_png(&park)));
        let relocation = both(&|| map::relocation_map_svg(&reloc), &|| {
            map::relocation_map_png(&reloc)
        });
        let park = job.join().unwrap_or_else(|_| {
            Err(RenderError {
                what: "park map",
                message: "the drawing thread panicked".into(),
            })
        });
        (park, relocation)
    });
    Ok(Maps {
        park: park?,
        relocation: relocation?,
    })
}

/// Write drawn maps into `dir` as `park-map.{svg,png}` and `relocation-map.{svg,png}`.
pub fn write(dir: &Path, maps: &Maps) -> Result<(), Error> {
    for (stem, d) in [(PARK_MAP, &maps.park), (RELOCATION_MAP, &maps.relocation)] {
        crate::io::write_atomic(&dir.join(format!("{stem}.svg")), |w| {
            w.write_all(d.svg.as_bytes())
        })?;
        crate::io::write_atomic(&dir.join(format!("{stem}.png")), |w| w.write_all(&d.png))?;
    }
    Ok(())
}
