//! The `parkplan` command: a thin clap layer over the library. Each subcommand lives in
//! `src/cli/<name>.rs`; errors are printed once here and mapped to exit codes
//! (0 success, 2 bad input, 1 anything else).

mod cli;

use clap::{Parser, Subcommand};

/// mimalloc for the binary (a library user keeps their own allocator): a big scenario's load
/// is mostly small allocations, which it serves several times faster than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "parkplan",
    version,
    about = "Screen, rank and allocate enterprises for the Lingkun high-tech park"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a scenario's files and summarise parcels, areas and problems.
    Validate(cli::validate::Args),
    /// Screen park applicants against the admission criteria.
    Screen(cli::screen::Args),
    /// Rank urban enterprises by per-mu benefit and propose actions.
    Rank(cli::rank::Args),
    /// Allocate admitted enterprises to parcels.
    Allocate(cli::allocate::Args),
    /// Draw the park layout and relocation maps (SVG and PNG).
    Map(cli::map::Args),
    /// Run the whole pipeline into one folder with an HTML report.
    Plan(cli::plan::Args),
    /// Generate a seeded synthetic scenario of any size.
    Gen(cli::generate::Args),
    /// A local page for trying rule changes live (127.0.0.1 only).
    Serve(cli::serve::Args),
}

fn main() {
    let cli = Cli::parse();
    // Interrupted (SIGINT, SIGTERM, SIGHUP): remove the temporary files and staging folders
    // being written, so nothing half-written is left, and exit 130 as shells expect.
    let _ = ctrlc::set_handler(|| {
        parkplan::io::remove_in_flight();
        eprintln!("error: interrupted; the files being written were removed");
        std::process::exit(130)
    });
    // A panic is a bug, not bad input: its message is printed by the default hook, and the exit
    // status stays within the documented 0/1/2 (a panic alone would exit 101).
    let result = std::panic::catch_unwind(move || run(cli)).unwrap_or_else(|_| {
        eprintln!(
            "error: internal error (a bug in parkplan; please report it with the command line)"
        );
        std::process::exit(1)
    });
    if let Err(e) = result {
        match &e {
            parkplan::Error::Input(problems) => {
                use parkplan::error::{SHOWN_PER_KIND, capped};
                for line in capped(&problems.0, SHOWN_PER_KIND) {
                    eprintln!("error: {line}");
                }
                if problems.len() > 1 {
                    eprintln!("{} problems found", problems.len());
                }
            }
            other => eprintln!("error: {other}"),
        }
        std::process::exit(e.exit_code());
    }
}

fn run(cli: Cli) -> Result<(), parkplan::Error> {
    match cli.command {
        Command::Validate(a) => cli::validate::run(a),
        Command::Screen(a) => cli::screen::run(a),
        Command::Rank(a) => cli::rank::run(a),
        Command::Allocate(a) => cli::allocate::run(a),
        Command::Map(a) => cli::map::run(a),
        Command::Plan(a) => cli::plan::run(a),
        Command::Gen(a) => cli::generate::run(a),
        Command::Serve(a) => cli::serve::run(a),
    }
}
