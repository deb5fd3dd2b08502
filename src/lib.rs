//! parkplan: screen, rank and allocate enterprises for the Lingkun high-tech park.
//!
//! Data flows one way — load and validate ([`io`], [`rules`]) -> [`screen`] -> [`evaluate`] ->
//! [`allocate`] -> [`render`] and [`report`] — and each stage is a function from typed inputs
//! to typed outputs. Files are read and written only in [`io`] and by the command-line layer.

pub mod allocate;
pub mod error;
pub mod frame;
pub mod io;
pub mod metrics;
pub mod model;
pub mod plan;
pub mod rank;
pub mod render;
pub mod report;
pub mod rings;
pub mod rules;
pub mod scenario;
pub mod screen;
pub mod spatial;
pub mod synthetic;

pub use error::{Error, InputError, Problems, Warning};
pub use model::{Enterprise, Parcel, Park, Registry, SensitiveArea};
pub use rules::RuleSet;
