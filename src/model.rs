//! The typed scenario: parcels, sensitive areas, enterprises. Units are in the field names
//! (`_mu`, `_m2`, `_10k_yuan`, `_tce`, `_t`); a value the user left empty is `None`, never 0.

use chrono::NaiveDate;
use geo::{Geometry, MultiPolygon};
use serde::Serialize;
use std::fmt;

/// Square metres in one mu (亩): 10000 / 15.
pub const M2_PER_MU: f64 = 10_000.0 / 15.0;

/// Parse a categorical value the way users type them: trimmed, any case.
pub trait Categorical: Sized + Copy + 'static {
    /// Canonical spellings, in the order shown in error messages.
    const NAMES: &'static [(&'static str, Self)];

    fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        Self::NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(t))
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                let allowed: Vec<&str> = Self::NAMES.iter().map(|(n, _)| *n).collect();
                format!("expected one of {}, got {:?}", allowed.join(", "), text)
            })
    }

    fn name(self) -> &'static str
    where
        Self: PartialEq,
    {
        Self::NAMES
            .iter()
            .find(|(_, v)| *v == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }
}

macro_rules! categorical {
    ($(#[$doc:meta])* $ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $ty { $($variant),+ }
        impl Categorical for $ty {
            const NAMES: &'static [(&'static str, Self)] = &[$(($name, $ty::$variant)),+];
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
        impl std::str::FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> { <Self as Categorical>::parse(s) }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                <Self as Categorical>::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

categorical!(
    /// Industrial land class (GB 50137-2011).
    LandUse { M1 => "M1", M2 => "M2", M3 => "M3" }
);
categorical!(
    /// Whether a parcel can be allocated.
    ParcelStatus { Available => "available", Occupied => "occupied", Reserved => "reserved" }
);
categorical!(
    /// Certified high-tech enterprise level.
    HightechLevel { None => "none", Municipal => "municipal", Provincial => "provincial", National => "national" }
);
categorical!(
    /// Environmental pollution class of an enterprise's production.
    PollutionClass { Light => "light", Moderate => "moderate", Heavy => "heavy" }
);

/// The cluster of a parcel without one, and of an industry no table entry matches.
pub const GENERAL_CLUSTER: &str = "general";

/// A GB/T 4754-2017 industry code: a section letter then digits, stored upper-case (`C3911`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct IndustryCode(String);

impl IndustryCode {
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim().to_ascii_uppercase();
        let mut chars = t.chars();
        let ok = matches!(chars.next(), Some('A'..='T'))
            && t.len() >= 2
            && t.len() <= 5
            && chars.all(|c| c.is_ascii_digit());
        if ok {
            Ok(IndustryCode(t))
        } else if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
            Err(format!(
                "expected a GB/T 4754 code with its section letter (e.g. C{t}), got {text:?}"
            ))
        } else {
            Err(format!(
                "expected a GB/T 4754 code: a section letter A-T and 1-4 digits (e.g. C3911), got {text:?}"
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Case-insensitive prefix match, as rule tables use (`C39` matches `C3911`).
    pub fn starts_with(&self, prefix: &str) -> bool {
        self.0.len() >= prefix.len() && self.0[..prefix.len()].eq_ignore_ascii_case(prefix)
    }
}

impl fmt::Display for IndustryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One land parcel of the park, as loaded from GeoJSON.
#[derive(Debug, Clone)]
pub struct Parcel {
    /// 0-based index of the feature in its file.
    pub index: usize,
    pub id: String,
    pub land_use: LandUse,
    /// Designated industry cluster; `general` when the property is absent.
    pub cluster: String,
    pub status: ParcelStatus,
    pub occupant: Option<String>,
    pub max_far: Option<f64>,
    /// WGS84 lon/lat, exterior rings counter-clockwise after loading.
    pub geometry: MultiPolygon<f64>,
    /// Area on the WGS84 ellipsoid.
    pub area_m2: f64,
    pub area_mu: f64,
    /// All properties as given, so outputs keep what the planner put in the file.
    pub properties: serde_json::Map<String, serde_json::Value>,
}

/// An area whose surroundings are protected by buffer distances.
#[derive(Debug, Clone)]
pub struct SensitiveArea {
    pub index: usize,
    /// The `id` property, or `sensitive-<index>` when absent.
    pub id: String,
    /// The `name` property, for messages such as "within 300 m of Lingkun village".
    pub name: Option<String>,
    /// Lower-case kind (`residential`, `school`, ...); the rule file lists the allowed ones.
    pub kind: String,
    /// Polygon, MultiPolygon, Point or MultiPoint, WGS84.
    pub geometry: Geometry<f64>,
    pub properties: serde_json::Map<String, serde_json::Value>,
}

impl SensitiveArea {
    /// The name if given, else the id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// One enterprise row: an applicant to the park or an urban enterprise under evaluation.
/// Money in 10k yuan (万元), land in mu, energy in tce, emissions in tonnes a year.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Enterprise {
    /// CSV line number (header is line 1), for messages.
    pub line: u64,
    pub id: String,
    pub name: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub industry_code: Option<IndustryCode>,
    pub hightech_level: Option<HightechLevel>,
    pub cert_expiry: Option<NaiveDate>,
    pub catalogue_products: Option<f64>,
    pub revenue_10k_yuan: Option<f64>,
    pub rd_expense_10k_yuan: Option<f64>,
    pub hightech_revenue_10k_yuan: Option<f64>,
    pub staff: Option<f64>,
    pub rd_staff: Option<f64>,
    pub ip_count: Option<f64>,
    pub value_added_10k_yuan: Option<f64>,
    pub tax_10k_yuan: Option<f64>,
    pub land_mu: Option<f64>,
    pub energy_tce: Option<f64>,
    pub cod_t: Option<f64>,
    pub nh3n_t: Option<f64>,
    pub so2_t: Option<f64>,
    pub nox_t: Option<f64>,
    pub pollution_class: Option<PollutionClass>,
    pub violations: Option<f64>,
    pub willing_to_convert: Option<bool>,
    pub requested_mu: Option<f64>,
    pub planned_investment_10k_yuan: Option<f64>,
    pub planned_far: Option<f64>,
    /// Electricity used last year, 10k kWh (万千瓦时).
    pub electricity_10k_kwh: Option<f64>,
    /// Why the enterprise is exempt from the per-mu evaluation (new, relocated by policy, ...);
    /// empty when it is not.
    pub rating_exempt: String,
    /// What an applicant commits to at full production (standard land, 标准地): output, tax
    /// (10k yuan a year) and building height (m).
    pub planned_output_10k_yuan: Option<f64>,
    pub planned_tax_10k_yuan: Option<f64>,
    pub planned_height_m: Option<f64>,
}

impl Enterprise {
    /// The current site as (lon, lat), when both are given.
    pub fn site(&self) -> Option<(f64, f64)> {
        Some((self.lon?, self.lat?))
    }
}

/// A loaded enterprise file.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub enterprises: Vec<Enterprise>,
    /// Rows that load but look inconsistent (e.g. high-tech revenue above revenue).
    pub warnings: Vec<crate::error::Warning>,
}

/// Parcels and sensitive areas of one park, loaded and validated.
#[derive(Debug, Clone, Default)]
pub struct Park {
    pub parcels: Vec<Parcel>,
    pub sensitive: Vec<SensitiveArea>,
    pub warnings: Vec<crate::error::Warning>,
}

/// Why an enterprise is a candidate for a parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CandidateKind {
    /// An applicant screened `admit`.
    Admitted,
    /// An applicant screened `conditional`.
    Conditional,
    /// An urban enterprise whose action is `convert` (certification pending).
    Converting,
    /// An urban enterprise whose action is `relocate`: not admitted to the park, so never
    /// matched; the allocation only lists its feasible parcels (a probe, see
    /// `allocate::Problem::probes`).
    Relocating,
}

impl CandidateKind {
    /// The name used in candidate files.
    pub fn as_str(self) -> &'static str {
        match self {
            CandidateKind::Admitted => "admitted",
            CandidateKind::Conditional => "conditional",
            CandidateKind::Converting => "converting",
            CandidateKind::Relocating => "relocating",
        }
    }
}

/// An enterprise the allocation stage places: produced by the screening stage (admitted and
/// conditional applicants) and the ranking stage (converting urban enterprises).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub industry_code: Option<IndustryCode>,
    /// Park cluster of its industry (rule-file table), `general` when none matches.
    pub cluster: String,
    /// The class it is allocated under (for a converting enterprise, the class its conversion targets).
    pub pollution_class: PollutionClass,
    /// Land requested in mu; `None` when the row gives no request (it cannot be placed).
    pub requested_mu: Option<f64>,
    /// Priority weight from the rule set; converting enterprises rank below certified applicants.
    pub priority: f64,
    pub kind: CandidateKind,
    /// Current site (lon, lat) of an urban enterprise.
    pub site: Option<(f64, f64)>,
}

impl Candidate {
    /// An enterprise as a candidate of `kind`: its identity, industry and site as given, in
    /// `cluster`, allocated under `pollution_class` with this request and priority.
    pub fn from_enterprise(
        e: &Enterprise,
        cluster: &str,
        kind: CandidateKind,
        pollution_class: PollutionClass,
        requested_mu: Option<f64>,
        priority: f64,
    ) -> Candidate {
        Candidate {
            id: e.id.clone(),
            name: e.name.clone(),
            industry_code: e.industry_code.clone(),
            cluster: cluster.to_string(),
            pollution_class,
            requested_mu,
            priority,
            kind,
            site: e.site(),
        }
    }
}

categorical!(
    /// What a context feature shows, for drawing it under the maps.
    ContextKind { Boundary => "boundary", Road => "road", Water => "water", Coastline => "coastline", Urban => "urban", Other => "other" }
);

/// One feature of a context layer: a boundary, road, water body, coastline or urban district
/// drawn under the maps for orientation; never part of the plan.
#[derive(Debug, Clone)]
pub struct ContextFeature {
    pub kind: ContextKind,
    /// The `name` property, drawn on areas where there is room.
    pub name: Option<String>,
    /// WGS84; polygons, lines or points.
    pub geometry: Geometry<f64>,
}

/// A context file (`--context`), loaded: its features in file order.
#[derive(Debug, Clone, Default)]
pub struct ContextLayer {
    /// The file, as shown in outputs.
    pub source: String,
    pub features: Vec<ContextFeature>,
    /// Every feature says `synthetic: true` (the bundled layer): the map legend says so.
    pub synthetic: bool,
}
