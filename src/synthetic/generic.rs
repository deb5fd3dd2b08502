//! Scenarios of any size (`parkplan gen --parcels N --sensitive M`): one road grid centred on
//! Lingkun whose block slots hold either parcels or a sensitive area, for tests and benchmarks.

use super::layout::{
    Axis, CLUSTERS, Placement, Rect, Zone, area, blob, block_target_mu, emit_block, rect_pts,
};
use super::random::{pick, rng, stream, weighted};
use crate::model::{LandUse, Parcel, SensitiveArea};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Largest scenario `gen` makes; beyond it the tiled grid would leave valid lon/lat.
pub const MAX_PARCELS: usize = 2_000_000;
pub const MAX_SENSITIVE: usize = 1_000_000;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub parcels: usize,
    pub sensitive: usize,
}

/// Why a size cannot be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SizeError {
    #[error("--parcels: expected at least 1 parcel, got 0 (a park needs land)")]
    NoParcels,
    #[error(
        "--parcels: at most {MAX_PARCELS} parcels fit in valid lon/lat around Lingkun, got {0}"
    )]
    TooManyParcels(usize),
    #[error("--sensitive: at most {MAX_SENSITIVE} sensitive areas, got {0}")]
    TooManySensitive(usize),
}

impl Size {
    pub fn check(&self) -> Result<(), SizeError> {
        if self.parcels == 0 {
            return Err(SizeError::NoParcels);
        }
        if self.parcels > MAX_PARCELS {
            return Err(SizeError::TooManyParcels(self.parcels));
        }
        if self.sensitive > MAX_SENSITIVE {
            return Err(SizeError::TooManySensitive(self.sensitive));
        }
        Ok(())
    }
}

/// Mean parcels per block, to spread sensitive slots evenly through the grid.
const PARCELS_PER_BLOCK: f64 = 6.0;

/// A park of exactly `size.parcels` parcels and `size.sensitive` sensitive polygons on one road
/// grid centred on Lingkun: each block slot holds either a block of parcels or a sensitive area
/// (village, school, hospital, wetland, reservoir) set back 0-80 m inside its slot, so buffers
/// across a 24-40 m road bite. The grid is about square; 100,000 parcels span about 80 km.
///
/// ```
/// use parkplan::synthetic::{park, Size};
/// let (parcels, sensitive) = park(Size { parcels: 50, sensitive: 5 }, 1).unwrap();
/// assert_eq!((parcels.len(), sensitive.len()), (50, 5));
/// assert!(parcels.iter().all(|p| (10.0..=200.0).contains(&p.area_mu)));
/// assert!(park(Size { parcels: 0, sensitive: 5 }, 1).is_err());
/// ```
pub fn park(size: Size, seed: u64) -> Result<(Vec<Parcel>, Vec<SensitiveArea>), SizeError> {
    size.check()?;
    let mut grid_rng = rng(seed, stream::GRID);
    let mut block_rng = rng(seed, stream::BLOCKS);
    let mut sens_rng = rng(seed, stream::SENSITIVE);
    let slots = size.parcels as f64 / PARCELS_PER_BLOCK + size.sensitive as f64;
    let ncols = (slots.sqrt().ceil() as usize).max(1);
    let mut cols = Axis::new(330, 520);
    let mut rows = Axis::new(260, 400);
    for i in 0..ncols {
        cols.get(i, &mut grid_rng);
    }
    // Centre the grid on Lingkun: its expected height is known from the slot count.
    let est_rows = (slots / ncols as f64).ceil().max(1.0);
    let at = Placement {
        cx: cols.extent() / 2.0,
        cy: est_rows * (330.0 + 29.0) / 2.0,
        cos: 1.0,
        sin: 0.0,
    };
    let mut parcels = Vec::with_capacity(size.parcels);
    let mut sensitive = Vec::with_capacity(size.sensitive);
    let mut slot = 0usize;
    while parcels.len() < size.parcels || sensitive.len() < size.sensitive {
        let (row, col) = (slot / ncols, slot % ncols);
        slot += 1;
        let (x0, x1) = cols.get(col, &mut grid_rng);
        let (y0, y1) = rows.get(row, &mut grid_rng);
        let rect = Rect { x0, y0, x1, y1 };
        let left_s = (size.sensitive - sensitive.len()) as f64;
        let left_b = (size.parcels - parcels.len()) as f64 / PARCELS_PER_BLOCK;
        if left_s > 0.0 && sens_rng.random::<f64>() * (left_s + left_b) < left_s {
            let i = sensitive.len();
            sensitive.push(slot_sensitive(i, rect, &at, &mut sens_rng));
        } else if left_b > 0.0 {
            let zone = generic_zone(&mut block_rng);
            let block_id = format!("G{row:04}{col:04}");
            let limit = size.parcels - parcels.len();
            emit_block(
                rect,
                &block_id,
                &zone,
                &at,
                &mut block_rng,
                &mut parcels,
                limit,
                "",
            );
        }
    }
    Ok((parcels, sensitive))
}

/// Zoning of one block of a generic park: any cluster (a fifth general), a third M2.
fn generic_zone(r: &mut ChaCha8Rng) -> Zone {
    let cluster = if r.random::<f64>() < 0.2 {
        None
    } else {
        Some(*pick(r, &CLUSTERS))
    };
    let land_use = if r.random::<f64>() < 0.35 {
        LandUse::M2
    } else {
        LandUse::M1
    };
    Zone {
        land_use,
        cluster,
        target_mu: block_target_mu(r),
    }
}

/// The sensitive area filling block slot `slot`: a blob set back 0-80 m inside it, or a small
/// rectangle at its centre for a school or hospital.
fn slot_sensitive(i: usize, slot: Rect, at: &Placement, r: &mut ChaCha8Rng) -> SensitiveArea {
    let kind = *weighted(
        r,
        &[
            ("residential", 0.5),
            ("school", 0.1),
            ("hospital", 0.05),
            ("wetland", 0.2),
            ("water_source", 0.15),
        ],
    );
    let inset = f64::from(r.random_range(0..=80u32));
    let (cx, cy) = ((slot.x0 + slot.x1) / 2.0, (slot.y0 + slot.y1) / 2.0);
    let pts = match kind {
        "school" | "hospital" => {
            let (hw, hh) = (
                f64::from(r.random_range(50..=90u32)),
                f64::from(r.random_range(40..=70u32)),
            );
            rect_pts(
                (cx - hw).round(),
                (cy - hh).round(),
                (cx + hw).round(),
                (cy + hh).round(),
            )
        }
        _ => blob(
            r,
            cx.round(),
            cy.round(),
            slot.w() / 2.0 - inset,
            slot.h() / 2.0 - inset,
            10,
        ),
    };
    let id = format!("S{:07}", i + 1);
    let name = format!("{} {}", kind_label(kind), i + 1);
    area(i, &id, kind, &name, at.polygon(&pts))
}

/// The bilingual name stem of a sensitive kind, numbered in the area's name.
fn kind_label(kind: &str) -> &'static str {
    match kind {
        "residential" => "居住区 residential area",
        "school" => "学校 school",
        "hospital" => "医院 hospital",
        "wetland" => "湿地 wetland",
        _ => "水源地 water source",
    }
}
