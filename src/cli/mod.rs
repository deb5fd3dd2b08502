//! One module per subcommand: its arguments and its `run`.

pub mod allocate;
pub mod generate;
pub mod map;
pub mod plan;
pub mod rank;
pub mod screen;
pub mod validate;

/// Output format of tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    #[default]
    Csv,
    Json,
}

/// The scenario's files; any given replaces the bundled one. Shared by the commands that load a
/// whole scenario (`validate`, `allocate`, `map`, `plan`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ScenarioArgs {
    /// Parcels GeoJSON (default: the bundled parcels/lingkun.geojson).
    #[arg(long)]
    pub parcels: Option<std::path::PathBuf>,
    /// Sensitive areas GeoJSON (default: parcels/lingkun-sensitive.geojson).
    #[arg(long)]
    pub sensitive: Option<std::path::PathBuf>,
    /// Enterprise CSV; repeat for several (default: the bundled applicants and urban registry).
    /// A file whose every row has a current site (lon, lat) is an urban registry.
    #[arg(long)]
    pub enterprises: Vec<std::path::PathBuf>,
    /// Rule set TOML (default: rules/lingkun.toml).
    #[arg(long)]
    pub rules: Option<std::path::PathBuf>,
    /// Coordinate system of map files that declare none (EPSG:4549, EPSG:4528, cgcs2000, ...);
    /// gcj02 or bd09 for web-map data (also over files that declare WGS84).
    #[arg(long, value_parser = parkplan::crs::Crs::parse)]
    pub crs: Option<parkplan::crs::Crs>,
    /// GeoPackage layer of the parcels (default: the first polygon layer).
    #[arg(long)]
    pub layer: Option<String>,
    /// GeoPackage layer of the sensitive areas (default: the first polygon or point layer).
    #[arg(long)]
    pub sensitive_layer: Option<String>,
    /// Context layer drawn under both maps (boundaries, roads, water, coastline); repeat for
    /// several; any supported format and CRS (default: the bundled synthetic one with the
    /// bundled parcels, none otherwise).
    #[arg(long)]
    pub context: Vec<std::path::PathBuf>,
    /// CRS of plan.gpkg: wgs84 (default), `input` (the parcels file's), or e.g. EPSG:4549.
    #[arg(long, value_parser = parse_out_crs)]
    pub out_crs: Option<parkplan::scenario::OutCrs>,
}

/// `--out-crs`: `input`, or a CRS with an EPSG code (GeoPackages need one).
fn parse_out_crs(s: &str) -> Result<parkplan::scenario::OutCrs, String> {
    use parkplan::scenario::OutCrs;
    if s.trim().eq_ignore_ascii_case("input") {
        return Ok(OutCrs::Input);
    }
    let crs = parkplan::crs::Crs::parse(s)?;
    match crs.epsg() {
        Some(4326) => Ok(OutCrs::Wgs84),
        Some(_) => Ok(OutCrs::Crs(crs)),
        None => Err(format!(
            "{crs} has no EPSG code, so GIS software could not label it; write WGS84, `input` or a CGCS2000 grid such as EPSG:4549"
        )),
    }
}

/// One enterprise file and the rule set, for the commands that read a registry alone
/// (`screen`, `rank`); either may replace the bundled one.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct RegistryArgs {
    /// Enterprise CSV (default: the bundled registries/applicants.csv for `screen`,
    /// registries/urban.csv for `rank`).
    #[arg(long)]
    pub enterprises: Option<std::path::PathBuf>,
    /// Rule set TOML (default: the bundled rules/lingkun.toml).
    #[arg(long)]
    pub rules: Option<std::path::PathBuf>,
}

impl RegistryArgs {
    /// The enterprise file (or `default`) and the rule file (or the bundled one).
    pub fn paths(
        self,
        default: fn() -> std::path::PathBuf,
    ) -> (std::path::PathBuf, std::path::PathBuf) {
        (
            self.enterprises.unwrap_or_else(default),
            self.rules.unwrap_or_else(parkplan::io::bundled::rules),
        )
    }
}

impl ScenarioArgs {
    /// The bundled scenario's files with the given ones in their place.
    pub fn files(self) -> parkplan::scenario::ScenarioFiles {
        let mut files = parkplan::scenario::ScenarioFiles::bundled();
        if let Some(p) = self.parcels {
            files.parcels = p;
            // The bundled context shows Lingkun: under another park only what is given.
            files.context.clear();
        }
        if !self.context.is_empty() {
            files.context = self.context;
        }
        files.crs = self.crs;
        files.parcels_layer = self.layer;
        files.sensitive_layer = self.sensitive_layer;
        if let Some(o) = self.out_crs {
            files.out_crs = o;
        }
        if let Some(p) = self.sensitive {
            files.sensitive = p;
        }
        if !self.enterprises.is_empty() {
            files.enterprises = self.enterprises;
        }
        if let Some(p) = self.rules {
            files.rules = p;
        }
        files
    }
}

/// Print the warnings that came with loading a scenario, on stderr.
pub fn print_load_warnings(s: &parkplan::scenario::Scenario) {
    for w in s.warnings() {
        eprintln!("{w}");
    }
}

/// Loading warnings (inconsistent rows, unknown columns) go to stderr.
pub fn print_warnings(warnings: &[parkplan::Warning]) {
    for w in warnings {
        eprintln!("{w}");
    }
}

/// Write to `out` atomically, or to standard output when it is `None` (a closed pipe, as in
/// `| head`, is not a failure).
pub fn emit(
    out: &Option<std::path::PathBuf>,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), parkplan::Error> {
    use std::io::Write;
    match out {
        Some(path) => parkplan::io::write_atomic(path, write),
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
            match write(&mut lock).and_then(|_| lock.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.map_err(|e| parkplan::Error::io("<stdout>", e)),
            }
        }
    }
}

/// An evaluation date as `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("expected a date as YYYY-MM-DD, got {s:?}"))
}

/// `--lang`: the language of documents (report, maps, `--explain`); given as `zh` it also asks
/// for Chinese headers and values in screen.csv (machine outputs keep English ids otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    Zh,
    En,
    Both,
}

impl From<LangArg> for parkplan::i18n::Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Zh => parkplan::i18n::Lang::Zh,
            LangArg::En => parkplan::i18n::Lang::En,
            LangArg::Both => parkplan::i18n::Lang::Both,
        }
    }
}

/// The allocation mode on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeArg {
    /// One enterprise per parcel, exact.
    Plots,
    /// Enterprises share parcels up to their area (MIP).
    Blocks,
}

impl From<ModeArg> for parkplan::allocate::Mode {
    fn from(m: ModeArg) -> Self {
        match m {
            ModeArg::Plots => parkplan::allocate::Mode::Plots,
            ModeArg::Blocks => parkplan::allocate::Mode::Blocks,
        }
    }
}

/// A plan's progress on stderr: `<prefix>: <stage> <summary> (N ms)` per stage, and warnings.
pub struct StderrProgress {
    /// `None`: print the warnings only.
    prefix: Option<&'static str>,
}

impl StderrProgress {
    /// One line per stage, prefixed (`plan: validate ...`), and every warning.
    pub fn stages(prefix: &'static str) -> Self {
        StderrProgress {
            prefix: Some(prefix),
        }
    }
    /// The warnings only (commands that print their own summary).
    pub fn warnings_only() -> Self {
        StderrProgress { prefix: None }
    }
}

impl parkplan::plan::Progress for StderrProgress {
    fn stage(
        &mut self,
        stage: parkplan::plan::Stage,
        summary: &str,
        elapsed: Option<std::time::Duration>,
    ) {
        let Some(prefix) = self.prefix else { return };
        let name = stage.name();
        match elapsed {
            Some(t) => eprintln!("{prefix}: {name:<9} {summary} ({} ms)", t.as_millis()),
            None => eprintln!("{prefix}: {name:<9} {summary}"),
        }
    }
    fn warning(&mut self, text: &str) {
        eprintln!("{text}");
    }
}
