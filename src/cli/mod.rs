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
