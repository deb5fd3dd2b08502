//! Seeded synthetic scenarios: the bundled Lingkun park and registries, and scenarios of any
//! size for tests and benchmarks (`parkplan gen`).
//!
//! Everything comes from ChaCha8 streams seeded from one `u64`, and every number written is
//! rounded (coordinates to 7 decimals, about 1 cm; money to 2), so the same seed gives the same
//! bytes. Geometry is built in a local metric plane on an integer-metre lattice and mapped to
//! lon/lat by a fixed affine map (no trigonometry at run time), so neighbouring parcels share
//! their edges exactly and never overlap.
//!
//! The data is synthetic: names, figures and the layout are invented to look like the plan for
//! the reclaimed east of Lingkun island (Oujiang estuary, Wenzhou); nothing describes a real
//! enterprise.
//!
//! The parts: `random` streams and draws; `layout`, the block grid and parcel geometry both
//! kinds of scenario share; `lingkun`, the bundled park and its two registries; `generic`,
//! parks of any size; `enterprises`, one applicant or urban row; `registry`, large
//! registries in seeded chunks and the fast CSV writer.

mod context;
mod enterprises;
mod generic;
mod layout;
mod lingkun;
mod random;
mod registry;

use enterprises::URBAN_AREAS;

pub use context::lingkun_context;
pub use enterprises::{applicant, urban};
pub use generic::{MAX_PARCELS, MAX_SENSITIVE, Size, SizeError, park};
pub use lingkun::{LINGKUN_SEED, lingkun_applicants, lingkun_park, lingkun_urban};
pub use registry::{CHUNK_ROWS, RowKind, registry_chunk, write_header, write_registry, write_rows};
