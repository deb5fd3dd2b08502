//! `parkplan gen`: a seeded synthetic scenario of any size, or the bundled Lingkun scenario.

use indicatif::{ProgressBar, ProgressStyle};
use parkplan::error::Place;
use parkplan::io::{self, write_atomic};
use parkplan::synthetic::{self, LINGKUN_SEED, RowKind, Size};
use parkplan::{Error, InputError};
use std::path::{Path, PathBuf};

/// Arguments of `parkplan gen`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Number of parcels (writes parcels.geojson).
    #[arg(long, default_value_t = 300)]
    parcels: usize,
    /// Number of sensitive polygons (writes sensitive.geojson).
    #[arg(long, default_value_t = 30)]
    sensitive: usize,
    /// Number of park applicant rows (writes enterprises.csv).
    #[arg(long, default_value_t = 1000)]
    enterprises: usize,
    /// Number of urban enterprise rows with sites (writes urban.csv when above 0).
    #[arg(long, default_value_t = 0)]
    urban: usize,
    /// Random seed: the same seed gives the same bytes (default 1; 2026 with --lingkun).
    #[arg(long)]
    seed: Option<u64>,
    /// Regenerate the bundled Lingkun scenario instead: parcels/lingkun.geojson,
    /// parcels/lingkun-sensitive.geojson, registries/applicants.csv and registries/urban.csv
    /// under --out (`--out .` in the crate folder rewrites the bundled files).
    #[arg(long, conflicts_with_all = ["parcels", "sensitive", "enterprises", "urban"])]
    lingkun: bool,
    /// Output folder (created if missing).
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: Args) -> Result<(), Error> {
    let out = &args.out;
    let size = Size {
        parcels: args.parcels,
        sensitive: args.sensitive,
    };
    if !args.lingkun {
        // Refuse bad sizes before touching the disk.
        size.check()
            .map_err(|e| InputError::new("parkplan gen", Place::File, None, e.to_string()))?;
    }
    parkplan::io::create_output_dir(out)?;
    if args.lingkun {
        return lingkun(out, args.seed.unwrap_or(LINGKUN_SEED));
    }
    let seed = args.seed.unwrap_or(1);
    let (parcels, sensitive) = synthetic::park(size, seed)
        .map_err(|e| InputError::new("parkplan gen", Place::File, None, e.to_string()))?;
    parkplan::io::geojson::write_park(
        &out.join("parcels.geojson"),
        &out.join("sensitive.geojson"),
        &parcels,
        &sensitive,
    )?;
    write_registry(
        &out.join("enterprises.csv"),
        RowKind::Applicants,
        args.enterprises,
        seed,
    )?;
    if args.urban > 0 {
        write_registry(&out.join("urban.csv"), RowKind::Urban, args.urban, seed)?;
    }
    let mu: f64 = parcels.iter().map(|p| p.area_mu).sum();
    let urban = if args.urban > 0 {
        format!(", {} urban enterprises", args.urban)
    } else {
        String::new()
    };
    println!(
        "wrote {} parcels ({mu:.0} mu), {} sensitive areas, {} applicants{urban} to {} (seed {seed})",
        parcels.len(),
        sensitive.len(),
        args.enterprises,
        out.display()
    );
    Ok(())
}

fn lingkun(out: &Path, seed: u64) -> Result<(), Error> {
    let (parcels, sensitive) = synthetic::lingkun_park(seed);
    let applicants = synthetic::lingkun_applicants(seed);
    let urban = synthetic::lingkun_urban(seed);
    parkplan::io::geojson::write_park(
        &out.join("parcels/lingkun.geojson"),
        &out.join("parcels/lingkun-sensitive.geojson"),
        &parcels,
        &sensitive,
    )?;
    let context = synthetic::lingkun_context(seed);
    write_atomic(&out.join("parcels/lingkun-context.geojson"), |w| {
        io::geojson::write_feature_collection(w, &context)
    })?;
    write_atomic(&out.join("registries/applicants.csv"), |w| {
        io::enterprises::write_enterprises(w, &applicants)
    })?;
    write_atomic(&out.join("registries/urban.csv"), |w| {
        io::enterprises::write_enterprises(w, &urban)
    })?;
    let mu: f64 = parcels.iter().map(|p| p.area_mu).sum();
    println!(
        "wrote the Lingkun scenario: {} parcels ({mu:.0} mu), {} sensitive areas, {} applicants, {} urban enterprises to {} (seed {seed})",
        parcels.len(),
        sensitive.len(),
        applicants.len(),
        urban.len(),
        out.display()
    );
    Ok(())
}

fn write_registry(path: &Path, kind: RowKind, n: usize, seed: u64) -> Result<(), Error> {
    let bar = ProgressBar::new(n as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} rows ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(
        path.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    // Small files finish before a bar is worth drawing.
    if n < 200_000 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let result = write_atomic(path, |w| {
        synthetic::write_registry(w, kind, n, seed, &|done| bar.set_position(done))
    });
    bar.finish_and_clear();
    result
}
