//! Parcels and sensitive areas in one metric frame, indexed with rstar.
//!
//! Everything is projected once into a local transverse Mercator frame
//! ([`LocalFrame::around`] the data), where Euclidean distance is within 0.1% of geodesic at park
//! scale. Sensitive areas get one R-tree per kind, built by bulk loading their envelopes tagged
//! with their index; a parcel's nearest area of a kind is found by a best-first walk of that
//! tree, ordered by envelope-to-envelope distance (a lower bound), confirming each leaf with the
//! exact polygon-to-polygon distance. The walk stops when the next lower bound exceeds the best
//! exact distance, so it visits a handful of leaves, not every pair.
//!
//! ```
//! use parkplan::io::geojson::{read_parcels, read_sensitive};
//! use parkplan::spatial::ParkGeometry;
//! let parcels = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
//!   "properties":{"id":"P1","land_use":"M1","status":"available"},
//!   "geometry":{"type":"Polygon","coordinates":[[[120.87,27.96],[120.871,27.96],[120.871,27.961],[120.87,27.961],[120.87,27.96]]]}}]}"#;
//! let sensitive = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
//!   "properties":{"id":"S1","kind":"school"},
//!   "geometry":{"type":"Point","coordinates":[120.873,27.9605]}}]}"#;
//! let (p, _) = read_parcels("p.geojson".as_ref(), parcels).unwrap();
//! let kinds = ["school".to_string()].into();
//! let (s, _) = read_sensitive("s.geojson".as_ref(), sensitive, &kinds).unwrap();
//! let g = ParkGeometry::new(&p, &s);
//! let near = g.nearest(0)[0].unwrap();
//! assert_eq!(near.area, 0);
//! assert!((near.distance_m - 197.0).abs() < 1.0); // 0.002 degrees of longitude east of the edge
//! ```

use crate::frame::LocalFrame;
use crate::meter::Meter;
use crate::model::{Parcel, SensitiveArea};
use geo::{BoundingRect, Coord, Distance, Euclidean, Geometry, MultiPolygon, Rect};
use rayon::prelude::*;
use rstar::{AABB, RTree, RTreeNode, RTreeObject};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// An envelope in the R-tree, tagged with the index of its geometry.
#[derive(Debug, Clone, Copy)]
struct Tagged {
    index: usize,
    env: AABB<[f64; 2]>,
}

impl RTreeObject for Tagged {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.env
    }
}

/// The nearest sensitive area of one kind to a parcel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nearest {
    /// Index into the sensitive areas given to [`ParkGeometry::new`].
    pub area: usize,
    /// Edge-to-edge distance in metres, 0 when they touch or overlap.
    pub distance_m: f64,
}

/// Projected parcels and sensitive areas with their spatial indexes.
pub struct ParkGeometry {
    pub frame: LocalFrame,
    /// Parcels in metres, same order as given.
    pub parcels: Vec<MultiPolygon<f64>>,
    /// Sensitive areas in metres, same order as given.
    pub sensitive: Vec<Geometry<f64>>,
    /// Distinct sensitive kinds, sorted; [`ParkGeometry::nearest`] answers in this order.
    pub kinds: Vec<String>,
    trees: Vec<RTree<Tagged>>,
}

fn envelope_of(r: Rect<f64>) -> AABB<[f64; 2]> {
    AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y])
}

/// Euclidean distance between two boxes (0 when they overlap): a lower bound of the distance
/// between anything inside them.
fn box_distance(a: &AABB<[f64; 2]>, b: &AABB<[f64; 2]>) -> f64 {
    let (al, au, bl, bu) = (a.lower(), a.upper(), b.lower(), b.upper());
    let dx = (bl[0] - au[0]).max(al[0] - bu[0]).max(0.0);
    let dy = (bl[1] - au[1]).max(al[1] - bu[1]).max(0.0);
    dx.hypot(dy)
}

/// A heap entry of the best-first walk: smallest lower bound first, ties by insertion order.
struct Entry<'a> {
    bound: f64,
    seq: usize,
    node: &'a RTreeNode<Tagged>,
}

impl PartialEq for Entry<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry<'_> {}
impl PartialOrd for Entry<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the smallest bound.
        other
            .bound
            .total_cmp(&self.bound)
            .then(other.seq.cmp(&self.seq))
    }
}

impl ParkGeometry {
    /// Project parcels and sensitive areas into one frame around all of them and index the
    /// sensitive areas by kind.
    pub fn new(parcels: &[Parcel], sensitive: &[SensitiveArea]) -> Self {
        Self::build(parcels, sensitive, true)
    }

    /// The frame and the sensitive areas of [`Self::new`] without projecting the parcels
    /// (`parcels` is left empty): for drawing buffers around the areas in the same metres.
    pub fn areas_only(parcels: &[Parcel], sensitive: &[SensitiveArea]) -> Self {
        Self::build(parcels, sensitive, false)
    }

    fn build(parcels: &[Parcel], sensitive: &[SensitiveArea], with_parcels: bool) -> Self {
        let bbox = crate::frame::extent(
            parcels
                .iter()
                .filter_map(|p| p.geometry.bounding_rect())
                .chain(sensitive.iter().filter_map(|s| s.geometry.bounding_rect())),
        )
        .unwrap_or(Rect::new(
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 0.0, y: 0.0 },
        ));
        let frame = LocalFrame::around(bbox);
        let projected_parcels: Vec<MultiPolygon<f64>> = match with_parcels {
            true => parcels
                .par_iter()
                .map(|p| frame.project_geometry(&p.geometry))
                .collect(),
            false => Vec::new(),
        };
        let projected_sensitive: Vec<Geometry<f64>> = sensitive
            .par_iter()
            .map(|s| frame.project_geometry(&s.geometry))
            .collect();
        let kinds: Vec<String> = sensitive
            .iter()
            .map(|s| s.kind.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        Self::from_projected(
            frame,
            projected_parcels,
            projected_sensitive,
            sensitive.iter().map(|s| s.kind.as_str()),
            kinds,
        )
    }

    fn from_projected<'k>(
        frame: LocalFrame,
        parcels: Vec<MultiPolygon<f64>>,
        sensitive: Vec<Geometry<f64>>,
        area_kinds: impl Iterator<Item = &'k str>,
        kinds: Vec<String>,
    ) -> Self {
        let mut per_kind: Vec<Vec<Tagged>> = vec![Vec::new(); kinds.len()];
        for ((index, g), kind) in sensitive.iter().enumerate().zip(area_kinds) {
            let Some(r) = g.bounding_rect() else { continue };
            let k = kinds
                .binary_search_by(|x| x.as_str().cmp(kind))
                .expect("kind listed");
            per_kind[k].push(Tagged {
                index,
                env: envelope_of(r),
            });
        }
        let trees = per_kind.into_par_iter().map(RTree::bulk_load).collect();
        ParkGeometry {
            frame,
            parcels,
            sensitive,
            kinds,
            trees,
        }
    }

    /// For parcel `parcel`, the nearest sensitive area of each kind (in [`Self::kinds`] order),
    /// `None` when there is no area of that kind. Ties go to the lower area index.
    pub fn nearest(&self, parcel: usize) -> Vec<Option<Nearest>> {
        let geom = &self.parcels[parcel];
        let Some(r) = geom.bounding_rect() else {
            return vec![None; self.kinds.len()];
        };
        let env = envelope_of(r);
        self.trees
            .iter()
            .map(|tree| self.nearest_in(tree, geom, &env))
            .collect()
    }

    /// [`Self::nearest`] for every parcel, in parallel.
    pub fn nearest_all(&self) -> Vec<Vec<Option<Nearest>>> {
        self.nearest_all_counted(None)
    }

    /// [`Self::nearest_all`], counting each parcel measured into `meter`.
    pub fn nearest_all_counted(&self, meter: Option<&Meter>) -> Vec<Vec<Option<Nearest>>> {
        (0..self.parcels.len())
            .into_par_iter()
            .map(|i| {
                let n = self.nearest(i);
                if let Some(m) = meter {
                    m.add(1);
                }
                n
            })
            .collect()
    }

    fn nearest_in(
        &self,
        tree: &RTree<Tagged>,
        geom: &MultiPolygon<f64>,
        env: &AABB<[f64; 2]>,
    ) -> Option<Nearest> {
        let mut heap = BinaryHeap::new();
        let mut seq = 0usize;
        for child in tree.root().children() {
            heap.push(Entry {
                bound: box_distance(env, &child.envelope()),
                seq,
                node: child,
            });
            seq += 1;
        }
        let mut best: Option<Nearest> = None;
        while let Some(Entry { bound, node, .. }) = heap.pop() {
            if let Some(b) = best
                && bound > b.distance_m
            {
                break;
            }
            match node {
                RTreeNode::Leaf(t) => {
                    let d = Euclidean.distance(geom, &self.sensitive[t.index]);
                    let better = match best {
                        None => true,
                        Some(b) => d < b.distance_m || (d == b.distance_m && t.index < b.area),
                    };
                    if better {
                        best = Some(Nearest {
                            area: t.index,
                            distance_m: d,
                        });
                    }
                }
                RTreeNode::Parent(p) => {
                    for child in p.children() {
                        heap.push(Entry {
                            bound: box_distance(env, &child.envelope()),
                            seq,
                            node: child,
                        });
                        seq += 1;
                    }
                }
            }
        }
        best
    }

    /// Pairs of parcels `(a, b)`, `a < b`, that share a stretch of boundary longer than
    /// `min_shared_m` metres (an edge, not just a corner). Sorted.
    pub fn adjacency(&self, min_shared_m: f64) -> Vec<(usize, usize)> {
        let items: Vec<Tagged> = self
            .parcels
            .iter()
            .enumerate()
            .filter_map(|(index, g)| {
                g.bounding_rect().map(|r| Tagged {
                    index,
                    env: envelope_of(r),
                })
            })
            .collect();
        let tree = RTree::bulk_load(items);
        let mut pairs: Vec<(usize, usize)> = tree
            .intersection_candidates_with_other_tree(&tree)
            .filter(|(a, b)| a.index < b.index)
            .map(|(a, b)| (a.index, b.index))
            .collect();
        pairs.sort_unstable();
        pairs
            .into_par_iter()
            .filter(|&(a, b)| shared_boundary_m(&self.parcels[a], &self.parcels[b]) > min_shared_m)
            .collect()
    }
}

/// Length of boundary two polygons share: collinear, overlapping edge segments (1 mm tolerance).
fn shared_boundary_m(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> f64 {
    let segs = |m: &MultiPolygon<f64>| -> Vec<(Coord<f64>, Coord<f64>)> {
        m.0.iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(|ring| ring.lines().map(|l| (l.start, l.end)))
            .collect()
    };
    let (sa, sb) = (segs(a), segs(b));
    let mut total = 0.0;
    for &(p, q) in &sa {
        let d = Coord {
            x: q.x - p.x,
            y: q.y - p.y,
        };
        let len = d.x.hypot(d.y);
        if len == 0.0 {
            continue;
        }
        let u = Coord {
            x: d.x / len,
            y: d.y / len,
        };
        for &(r, s) in &sb {
            // Both ends of the other segment on this segment's line (within 1 mm)?
            let off = |c: Coord<f64>| ((c.x - p.x) * u.y - (c.y - p.y) * u.x).abs();
            if off(r) > 1e-3 || off(s) > 1e-3 {
                continue;
            }
            let t = |c: Coord<f64>| (c.x - p.x) * u.x + (c.y - p.y) * u.y;
            let (t0, t1) = (t(r).min(t(s)), t(r).max(t(s)));
            let overlap = t1.min(len) - t0.max(0.0);
            if overlap > 0.0 {
                total += overlap;
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LandUse, ParcelStatus};
    use geo::{Polygon, polygon};

    fn parcel(index: usize, poly: Polygon<f64>) -> Parcel {
        Parcel {
            index,
            id: format!("P{index}"),
            land_use: LandUse::M1,
            cluster: "general".into(),
            status: ParcelStatus::Available,
            occupant: None,
            max_far: None,
            geometry: MultiPolygon(vec![poly]),
            area_m2: 0.0,
            area_mu: 0.0,
            properties: Default::default(),
        }
    }

    fn area(index: usize, kind: &str, g: Geometry<f64>) -> SensitiveArea {
        SensitiveArea {
            index,
            id: format!("S{index}"),
            name: None,
            kind: kind.into(),
            geometry: g,
            properties: Default::default(),
        }
    }

    fn square(lon: f64, lat: f64, d: f64) -> Polygon<f64> {
        polygon![(x: lon, y: lat), (x: lon + d, y: lat), (x: lon + d, y: lat + d), (x: lon, y: lat + d), (x: lon, y: lat)]
    }

    #[test]
    fn nearest_matches_brute_force_and_touching_is_zero() {
        let parcels: Vec<Parcel> = (0..30)
            .map(|i| {
                parcel(
                    i,
                    square(
                        120.80 + 0.003 * i as f64,
                        27.95 + 0.001 * (i % 7) as f64,
                        0.001,
                    ),
                )
            })
            .collect();
        let mut sensitive: Vec<SensitiveArea> = (0..40)
            .map(|i| {
                let kind = if i % 2 == 0 { "school" } else { "wetland" };
                area(
                    i,
                    kind,
                    Geometry::Polygon(square(
                        120.79 + 0.0029 * i as f64,
                        27.957 - 0.0005 * (i % 5) as f64,
                        0.0007,
                    )),
                )
            })
            .collect();
        // One area touching parcel 0 along an edge.
        sensitive.push(area(
            40,
            "school",
            Geometry::Polygon(square(120.801, 27.95, 0.001)),
        ));
        let g = ParkGeometry::new(&parcels, &sensitive);
        let all = g.nearest_all();
        for (i, near) in all.iter().enumerate() {
            for (k, kind) in g.kinds.iter().enumerate() {
                let brute = sensitive
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| &s.kind == kind)
                    .map(|(j, _)| Euclidean.distance(&g.parcels[i], &g.sensitive[j]))
                    .fold(f64::INFINITY, f64::min);
                assert_eq!(near[k].unwrap().distance_m, brute, "parcel {i} kind {kind}");
            }
        }
        assert_eq!(
            all[0][0],
            Some(Nearest {
                area: 40,
                distance_m: 0.0
            })
        );
    }

    #[test]
    fn adjacency_needs_a_shared_edge_not_a_corner() {
        let parcels = vec![
            parcel(0, square(120.80, 27.95, 0.001)),
            parcel(1, square(120.801, 27.95, 0.001)), // shares the east edge of 0
            parcel(2, square(120.802, 27.951, 0.001)), // touches 1 at a corner only
            parcel(3, square(120.81, 27.95, 0.001)),  // far away
        ];
        let g = ParkGeometry::new(&parcels, &[]);
        assert_eq!(g.adjacency(1.0), vec![(0, 1)]);
        assert!(g.nearest(0).is_empty());
    }
}
