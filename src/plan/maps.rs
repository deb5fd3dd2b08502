//! What the two maps draw, from a plan's outcome or from given files, and drawing them.
//!
//! [`MapInputs`] holds the map-specific view of a plan: parcel labels, urban sites with their
//! class and action, and relocation lines. `plan` builds it from its [`Outcome`]; `map` builds it
//! from an assignments CSV and a ranking CSV ([`crate::io::tables`]). Both draw it with [`draw`].

use super::Outcome;
use crate::error::Error;
use crate::model::{CandidateKind, IndustryCode};
use crate::render::map::{
    self, Assigned, Label, Link, ParkMap, RelocationMap, RenderError, Site, SiteClass,
};
use crate::scenario::Scenario;
use std::collections::HashMap;
use std::path::Path;

/// Everything the maps draw beyond the scenario itself.
#[derive(Debug, Clone, Default)]
pub struct MapInputs {
    /// Parcel id -> the enterprises placed on it.
    pub assigned: Assigned,
    /// Every urban enterprise at its current site, with its class and action when ranked.
    pub sites: Vec<Site>,
    /// Converting and relocating enterprises to their parcel or best option.
    pub links: Vec<Link>,
    /// The language the maps are labelled in (`--lang`; Chinese by default).
    pub lang: crate::i18n::Lang,
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
            lang: o.lang,
        }
    }
}

/// Subtitle of every map: scenario and rule set.
pub fn subtitle(s: &Scenario) -> String {
    format!(
        "{} · rules {} (sha256 {})",
        s.files.name(),
        s.rules.version,
        s.rules.short_hash()
    )
}

/// The park layout map of a scenario with these inputs.
pub fn park_map<'s>(s: &'s Scenario, inputs: &MapInputs) -> ParkMap<'s> {
    ParkMap {
        title: "灵昆高新园区 地块布局图 · Lingkun high-tech park layout".into(),
        subtitle: subtitle(s),
        parcels: &s.park.parcels,
        sensitive: &s.park.sensitive,
        buffers: map::buffers_from_rules(&s.rules.allocation),
        assigned: inputs.assigned.clone(),
        context: &s.context,
    }
}

/// The relocation map of a scenario with these inputs.
pub fn relocation_map<'s>(s: &'s Scenario, inputs: &MapInputs) -> RelocationMap<'s> {
    RelocationMap {
        title: "城区企业搬迁与转型 · Relocation of urban enterprises".into(),
        subtitle: subtitle(s),
        sites: inputs.sites.clone(),
        links: inputs.links.clone(),
        parcels: &s.park.parcels,
        context: &s.context,
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
pub fn draw(s: &Scenario, inputs: &MapInputs) -> Result<Maps, RenderError> {
    let park = park_map(s, inputs);
    let reloc = relocation_map(s, inputs);
    crate::render::register_fonts();
    let both = |svg: &dyn Fn() -> Result<String, RenderError>,
                png: &dyn Fn() -> Result<Vec<u8>, RenderError>| {
        Ok::<Drawn, RenderError>(Drawn {
            svg: svg()?,
            png: png()?,
        })
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
