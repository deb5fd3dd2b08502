//! A pixel buffer the overview maps are painted into directly — polygons by scanline, dots,
//! thick lines, distance rings — and then placed on the sheet as one image, so a million
//! parcels cost a fixed amount of memory and one SVG element, not a million paths.

use plotters::element::{Drawable, PointCollection};
use plotters::prelude::{DrawingBackend, RGBColor};
use plotters_backend::{BackendCoord, DrawingErrorKind};

/// An RGB image, row by row.
pub(super) struct Raster {
    pub(super) w: usize,
    pub(super) h: usize,
    pub(super) rgb: Vec<u8>,
}

impl Raster {
    pub(super) fn new(w: usize, h: usize, bg: RGBColor) -> Raster {
        let mut rgb = vec![0u8; w * h * 3];
        for px in rgb.chunks_exact_mut(3) {
            px.copy_from_slice(&[bg.0, bg.1, bg.2]);
        }
        Raster { w, h, rgb }
    }

    pub(super) fn put(&mut self, x: i64, y: i64, c: [u8; 3]) {
        if x >= 0 && y >= 0 && (x as usize) < self.w && (y as usize) < self.h {
            let i = (y as usize * self.w + x as usize) * 3;
            self.rgb[i..i + 3].copy_from_slice(&c);
        }
    }

    /// Fill the polygon of `rings` (pixel coordinates) in `c`.
    pub(super) fn fill(&mut self, rings: &[Vec<(f64, f64)>], c: [u8; 3]) {
        let (w, h) = (self.w, self.h);
        scan(rings, w, h, &mut |x, y| self.put(x, y, c));
    }

    /// A filled disc of radius `r` pixels.
    pub(super) fn dot(&mut self, (cx, cy): (f64, f64), r: f64, c: [u8; 3]) {
        let ri = r.ceil() as i64;
        let (x, y) = (cx.round() as i64, cy.round() as i64);
        for dy in -ri..=ri {
            for dx in -ri..=ri {
                if ((dx * dx + dy * dy) as f64) <= r * r {
                    self.put(x + dx, y + dy, c);
                }
            }
        }
    }

    /// A line `width` pixels wide from `a` to `b`.
    pub(super) fn line(&mut self, a: (f64, f64), b: (f64, f64), width: f64, c: [u8; 3]) {
        let steps = ((b.0 - a.0).abs().max((b.1 - a.1).abs()).ceil() as usize).max(1);
        for i in 0..=steps {
            let t = i as f64 / steps as f64;
            self.dot(
                (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t),
                width / 2.0,
                c,
            );
        }
    }
}

/// Visit every pixel of a `w` x `h` raster whose centre lies in the polygon of `rings` (pixel
/// coordinates, even-odd rule). A polygon smaller than a pixel visits the pixel at its centre,
/// so nothing drawn vanishes.
pub(super) fn scan(rings: &[Vec<(f64, f64)>], w: usize, h: usize, visit: &mut dyn FnMut(i64, i64)) {
    let (mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY);
    let (mut x0, mut x1) = (f64::INFINITY, f64::NEG_INFINITY);
    for r in rings {
        for &(x, y) in r {
            y0 = y0.min(y);
            y1 = y1.max(y);
            x0 = x0.min(x);
            x1 = x1.max(x);
        }
    }
    if !(y0.is_finite() && x0.is_finite()) || y1 < 0.0 || x1 < 0.0 || y0 > h as f64 || x0 > w as f64
    {
        return;
    }
    let mut visited = false;
    let mut xs: Vec<f64> = Vec::new();
    let row_from = (y0 - 0.5).ceil().max(0.0) as i64;
    let row_to = ((y1 - 0.5).floor() as i64).min(h as i64 - 1);
    for y in row_from..=row_to {
        let sy = y as f64 + 0.5;
        xs.clear();
        for r in rings {
            for k in 0..r.len() {
                let (a, b) = (r[k], r[(k + 1) % r.len()]);
                if (a.1 <= sy) != (b.1 <= sy) {
                    xs.push(a.0 + (sy - a.1) * (b.0 - a.0) / (b.1 - a.1));
                }
            }
        }
        xs.sort_by(f64::total_cmp);
        for pair in xs.chunks_exact(2) {
            let from = (pair[0] - 0.5).ceil().max(0.0) as i64;
            let to = ((pair[1] - 0.5).floor() as i64).min(w as i64 - 1);
            for x in from..=to {
                visit(x, y);
                visited = true;
            }
        }
    }
    let (cx, cy) = (
        ((x0 + x1) / 2.0).floor() as i64,
        ((y0 + y1) / 2.0).floor() as i64,
    );
    if !visited && cx >= 0 && cy >= 0 && (cx as usize) < w && (cy as usize) < h {
        visit(cx, cy);
    }
}

/// Squared distance in pixels from every pixel to the nearest pixel of `mask` (exact
/// Euclidean distance transform, Felzenszwalb and Huttenlocher: a column pass, then the lower
/// envelope of parabolas along each row). `f32::INFINITY` with no mask pixel in reach.
pub(super) fn distance2(mask: &[bool], w: usize, h: usize) -> Vec<f32> {
    let mut col = vec![f32::INFINITY; w * h];
    for x in 0..w {
        // Nearest mask pixel above, then below.
        let mut last: Option<usize> = None;
        for y in 0..h {
            if mask[y * w + x] {
                last = Some(y);
            }
            if let Some(l) = last {
                col[y * w + x] = ((y - l) * (y - l)) as f32;
            }
        }
        let mut next: Option<usize> = None;
        for y in (0..h).rev() {
            if mask[y * w + x] {
                next = Some(y);
            }
            if let Some(n) = next {
                let d = ((n - y) * (n - y)) as f32;
                if d < col[y * w + x] {
                    col[y * w + x] = d;
                }
            }
        }
    }
    let mut out = vec![f32::INFINITY; w * h];
    let mut v: Vec<usize> = Vec::with_capacity(w);
    let mut z: Vec<f64> = Vec::with_capacity(w + 1);
    for y in 0..h {
        let f = &col[y * w..(y + 1) * w];
        v.clear();
        z.clear();
        for q in 0..w {
            if !f[q].is_finite() {
                continue;
            }
            let fq = f64::from(f[q]) + (q * q) as f64;
            loop {
                let Some(&p) = v.last() else {
                    v.push(q);
                    z.push(f64::NEG_INFINITY);
                    break;
                };
                let s = (fq - (f64::from(f[p]) + (p * p) as f64)) / (2.0 * (q as f64 - p as f64));
                if s <= *z.last().unwrap_or(&f64::NEG_INFINITY) {
                    v.pop();
                    z.pop();
                } else {
                    v.push(q);
                    z.push(s);
                    break;
                }
            }
        }
        if v.is_empty() {
            continue;
        }
        let mut k = 0;
        for q in 0..w {
            while k + 1 < v.len() && z[k + 1] < q as f64 {
                k += 1;
            }
            let p = v[k];
            out[y * w + q] = ((q as f64 - p as f64).powi(2) + f64::from(f[p])) as f32;
        }
    }
    out
}

/// An RGB image placed on the sheet with its top left at `at`: blitted into a bitmap,
/// embedded as a PNG image in an SVG.
pub(super) struct Blit<'a> {
    pub(super) at: (i32, i32),
    pub(super) size: (u32, u32),
    pub(super) rgb: &'a [u8],
}

impl<'b> PointCollection<'b, (i32, i32)> for &'b Blit<'_> {
    type Point = &'b (i32, i32);
    type IntoIter = std::iter::Once<&'b (i32, i32)>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<DB: DrawingBackend> Drawable<DB> for Blit<'_> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut pos: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        match pos.next() {
            Some(p) => backend.blit_bitmap(p, self.size, self.rgb),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_distance_transform_is_exact() {
        let (w, h) = (40, 30);
        let mut mask = vec![false; w * h];
        for &(x, y) in &[(3usize, 4usize), (30, 20), (17, 29)] {
            mask[y * w + x] = true;
        }
        let d = distance2(&mask, w, h);
        for y in 0..h {
            for x in 0..w {
                let want = [(3i64, 4i64), (30, 20), (17, 29)]
                    .iter()
                    .map(|&(a, b)| (x as i64 - a).pow(2) + (y as i64 - b).pow(2))
                    .min()
                    .unwrap();
                assert_eq!(d[y * w + x], want as f32, "at {x},{y}");
            }
        }
    }

    #[test]
    fn a_square_fills_its_pixels_and_a_speck_one() {
        let mut r = Raster::new(10, 10, RGBColor(0, 0, 0));
        let ink = [255u8, 255, 255];
        r.fill(&[vec![(2.0, 2.0), (6.0, 2.0), (6.0, 5.0), (2.0, 5.0)]], ink);
        let lit = r.rgb.chunks_exact(3).filter(|p| p[0] == 255).count();
        assert_eq!(lit, 12);
        r.fill(&[vec![(8.1, 8.1), (8.3, 8.1), (8.3, 8.2)]], ink);
        let lit = r.rgb.chunks_exact(3).filter(|p| p[0] == 255).count();
        assert_eq!(lit, 13);
    }
}
