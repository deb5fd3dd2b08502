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
}

impl ScenarioArgs {
    /// The bundled scenario's files with the given ones in their place.
    pub fn files(self) -> parkplan::validate::ScenarioFiles {
        let mut files = parkplan::validate::ScenarioFiles::bundled();
        if let Some(p) = self.parcels {
            files.parcels = p;
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
pub fn print_load_warnings(s: &parkplan::validate::Scenario) {
    for w in s.warnings() {
        eprintln!("{w}");
    }
}
