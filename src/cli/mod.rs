//! One module per subcommand: its arguments and its `run`.

pub mod allocate;
pub mod generate;
pub mod map;
pub mod plan;
pub mod rank;
pub mod screen;
pub mod serve;
pub mod validate;
mod warned;

/// Output format of tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    #[default]
    Csv,
    Json,
    /// An Excel workbook (needs --out).
    Xlsx,
}

/// How CSV tables are written: for Excel (a UTF-8 byte-order mark first) or for pipelines.
#[derive(clap::Args, Debug, Clone, Copy, Default)]
pub struct CsvArgs {
    /// Write CSV without the UTF-8 byte-order mark (BOM) that Excel needs to read Chinese text,
    /// for machine pipelines.
    #[arg(long)]
    pub no_bom: bool,
}

/// The workbook sheet to read an enterprise file from.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SheetArgs {
    /// Sheet of an enterprise workbook (.xlsx, .xlsm, .xls, .ods) to read (default: the first
    /// visible sheet).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

impl SheetArgs {
    pub fn options(&self) -> parkplan::io::enterprises::ReadOptions {
        parkplan::io::enterprises::ReadOptions {
            sheet: self.sheet.clone(),
        }
    }
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
    /// Enterprise CSV or workbook; repeat for several (default: the bundled applicants and
    /// urban registry). A file whose every row has a current site (lon, lat) is an urban registry.
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
    #[command(flatten)]
    pub sheet: SheetArgs,
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
    /// Enterprise CSV or workbook (default: the bundled registries/applicants.csv for `screen`,
    /// registries/urban.csv for `rank`).
    #[arg(long)]
    pub enterprises: Option<std::path::PathBuf>,
    /// Rule set TOML (default: the bundled rules/lingkun.toml).
    #[arg(long)]
    pub rules: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub sheet: SheetArgs,
}

impl RegistryArgs {
    /// The enterprise file (or `default`) and the rule file (or the bundled one).
    pub fn paths(
        &self,
        default: fn() -> std::path::PathBuf,
    ) -> (std::path::PathBuf, std::path::PathBuf) {
        (
            self.enterprises.clone().unwrap_or_else(default),
            self.rules
                .clone()
                .unwrap_or_else(parkplan::io::bundled::rules),
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
        files.read = self.sheet.options();
        files
    }
}

/// Keep `value` until the process exits instead of freeing it: the command returns next and
/// the process exits, and freeing a province-sized scenario piece by piece took a sixth of a
/// `validate` run's CPU (200,000 parcels, measured with perf).
pub fn keep_until_exit<T>(value: T) {
    std::mem::forget(value);
}

/// Print the warnings that came with loading a scenario, on stderr (the first of each kind in
/// full, then a count: [`parkplan::error::capped`]).
pub fn print_load_warnings(s: &parkplan::scenario::Scenario) {
    print_capped_warnings(s.warnings());
}

/// Loading warnings (inconsistent rows, unknown columns) go to stderr.
pub fn print_warnings(warnings: &[parkplan::Warning]) {
    print_capped_warnings(warnings.iter());
}

fn print_capped_warnings<'a>(warnings: impl Iterator<Item = &'a parkplan::Warning>) {
    use parkplan::error::{SHOWN_PER_KIND, capped};
    for line in capped(warnings.map(|w| &w.0), SHOWN_PER_KIND) {
        eprintln!("warning: {line}");
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

/// Write a CSV table to `out` or standard output, after the UTF-8 byte-order mark unless
/// `csv.no_bom`.
pub fn emit_csv(
    out: &Option<std::path::PathBuf>,
    csv: CsvArgs,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), parkplan::Error> {
    emit(out, |w| {
        if !csv.no_bom {
            w.write_all(parkplan::io::cell::BOM)?;
        }
        write(w)
    })
}

/// Write a table as an Excel workbook to `out`: `csv` writes the table (as its CSV writer
/// does), which becomes the sheet `sheet`; `about` goes on the rules sheet. A table too long
/// for a sheet is refused before anything is written.
pub fn emit_xlsx(
    out: &Option<std::path::PathBuf>,
    sheet: &str,
    about: &[(String, String)],
    csv: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), parkplan::Error> {
    xlsx_needs_out(Format::Xlsx, out)?;
    let Some(path) = out else { return Ok(()) };
    let mut table = Vec::new();
    csv(&mut table).map_err(|e| parkplan::Error::io(path, e))?;
    let rows = parkplan::io::xlsx::csv_rows(&table);
    if rows > parkplan::io::xlsx::MAX_ROWS {
        return Err(parkplan::InputError::file(
            path,
            format!(
                "the table has {rows} rows, more than the {} an Excel sheet holds; write CSV instead",
                parkplan::io::xlsx::MAX_ROWS
            ),
        )
        .into());
    }
    let sheets = [parkplan::io::xlsx::Sheet::new(sheet, &table)];
    parkplan::io::write_atomic(path, |w| {
        parkplan::io::xlsx::write_workbook(w, &sheets, about)
    })
}

/// Refuse `--format xlsx` without `--out`: a workbook is a file, not text for a terminal.
pub fn xlsx_needs_out(
    format: Format,
    out: &Option<std::path::PathBuf>,
) -> Result<(), parkplan::Error> {
    if format == Format::Xlsx && out.is_none() {
        return Err(parkplan::InputError::file(
            "--out",
            "--format xlsx writes a workbook: give the file with --out FILE.xlsx",
        )
        .into());
    }
    Ok(())
}

/// Refuse `--format xlsx` where the output is no table (an enterprise's trace).
pub fn no_xlsx(format: Format, what: &str) -> Result<(), parkplan::Error> {
    if format == Format::Xlsx {
        return Err(parkplan::InputError::file(
            "--format",
            format!("xlsx is for tables; {what} is written as csv or json"),
        )
        .into());
    }
    Ok(())
}

/// An evaluation date, read exactly as a date cell is (`parkplan::metrics::parse_date`).
pub fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    parkplan::metrics::parse_date(s)
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

/// Progress on stderr: one line per finished stage (`plan: validate ... (12 ms)`), and on a
/// terminal a bar for the running stage, with its elapsed time and, when the library tells how
/// far it is, its position and an estimate of the time left.
pub struct StderrProgress {
    /// `None`: print the warnings only.
    prefix: Option<&'static str>,
    /// The running stage's bar (terminal only).
    bar: Option<indicatif::ProgressBar>,
}

impl StderrProgress {
    /// One line per stage, prefixed (`plan: validate ...`), and every warning.
    pub fn stages(prefix: &'static str) -> Self {
        StderrProgress {
            prefix: Some(prefix),
            bar: None,
        }
    }
    /// The warnings only (commands that print their own summary).
    pub fn warnings_only() -> Self {
        StderrProgress {
            prefix: None,
            bar: None,
        }
    }
}

/// The bar of a stage that tells how far it is: position, length, elapsed and time left. Loading
/// counts whole files, the parcels most of it, so its bar shows bytes and no estimate.
fn bar_style(prefix: &str, stage: parkplan::plan::Stage) -> Option<indicatif::ProgressStyle> {
    let name = stage.name();
    let count = match stage {
        parkplan::plan::Stage::Load => "{bytes}/{total_bytes} {elapsed}",
        _ => "{pos}/{len} {elapsed} (left {eta})",
    };
    let template = format!("{prefix}: {name:<9} {{bar:30}} {count}");
    indicatif::ProgressStyle::with_template(&template).ok()
}

/// A stage that does not tell how far it is (or not yet): a spinner and the elapsed time.
fn spinner_style(prefix: &str, name: &str) -> Option<indicatif::ProgressStyle> {
    let template = format!("{prefix}: {name:<9} {{spinner}} {{elapsed}}");
    indicatif::ProgressStyle::with_template(&template).ok()
}

impl parkplan::plan::Progress for StderrProgress {
    fn begin_metered(
        &mut self,
        stage: parkplan::plan::Stage,
        meter: std::sync::Arc<parkplan::meter::Meter>,
    ) {
        // A spinner until the stage sets the meter's total, then a bar of that length; a thread
        // copies the count into it until the stage finishes the bar.
        self.begin(stage, None);
        let (Some(bar), Some(prefix)) = (self.bar.clone(), self.prefix) else {
            return;
        };
        let style = bar_style(prefix, stage);
        std::thread::spawn(move || {
            let mut counting = false;
            while !bar.is_finished() {
                let (done, total) = meter.read();
                if total > 0 {
                    if !counting && let Some(style) = &style {
                        bar.set_style(style.clone());
                        counting = true;
                    }
                    bar.set_length(total);
                    bar.set_position(done);
                }
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
        });
    }
    fn begin(&mut self, stage: parkplan::plan::Stage, total: Option<u64>) {
        use std::io::IsTerminal;
        let Some(prefix) = self.prefix else { return };
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if !std::io::stderr().is_terminal() {
            return;
        }
        let name = stage.name();
        let (bar, style) = match total {
            Some(n) => (indicatif::ProgressBar::new(n), bar_style(prefix, stage)),
            None => (
                indicatif::ProgressBar::new_spinner(),
                spinner_style(prefix, name),
            ),
        };
        if let Some(style) = style {
            bar.set_style(style);
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        self.bar = Some(bar);
    }
    fn advance(&mut self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }
    fn stage(
        &mut self,
        stage: parkplan::plan::Stage,
        summary: &str,
        elapsed: Option<std::time::Duration>,
    ) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        let Some(prefix) = self.prefix else { return };
        let name = stage.name();
        match elapsed {
            Some(t) => eprintln!("{prefix}: {name:<9} {summary} ({} ms)", t.as_millis()),
            None => eprintln!("{prefix}: {name:<9} {summary}"),
        }
    }
    fn warning(&mut self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }
}
