//! Paper sizes and print units: the maps are drawn for a sheet (A4, A3 or A2 landscape) at
//! [`DPI`], so a size in points or millimetres is a known number of pixels and a ratio scale
//! (1:N) holds on the printed sheet.

/// Print resolution of every map PNG.
pub const DPI: f64 = 300.0;

/// A sheet of ISO 216 paper, used landscape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Paper {
    A4,
    #[default]
    A3,
    A2,
}

impl Paper {
    /// `a4`, `a3` or `a2` (any case).
    pub fn parse(s: &str) -> Option<Paper> {
        match s.trim().to_ascii_lowercase().as_str() {
            "a4" => Some(Paper::A4),
            "a3" => Some(Paper::A3),
            "a2" => Some(Paper::A2),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::A3 => "A3",
            Paper::A2 => "A2",
        }
    }
    /// Width and height in millimetres, landscape.
    pub fn mm(self) -> (f64, f64) {
        match self {
            Paper::A4 => (297.0, 210.0),
            Paper::A3 => (420.0, 297.0),
            Paper::A2 => (594.0, 420.0),
        }
    }
    /// Width and height in pixels at [`DPI`] (A3: 4961 x 3508).
    ///
    /// ```
    /// use parkplan::render::Paper;
    /// assert_eq!(Paper::A3.pixels(), (4961, 3508));
    /// assert_eq!(Paper::A4.pixels(), (3508, 2480));
    /// ```
    pub fn pixels(self) -> (u32, u32) {
        let (w, h) = self.mm();
        (mm(w).round() as u32, mm(h).round() as u32)
    }
}

/// Pixels of a length in millimetres on the sheet.
pub fn mm(x: f64) -> f64 {
    x / 25.4 * DPI
}

/// Pixels of a length in typographic points (1/72 inch) on the sheet.
pub fn pt(x: f64) -> f64 {
    x / 72.0 * DPI
}

/// The plotters font size whose em is `x` points on the sheet (plotters writes
/// `font-size` = size / 1.24 into SVG, and the PNGs are drawn at the same em).
pub fn font_pt(x: f64) -> f64 {
    pt(x) * crate::render::text::SIZE_PER_EM
}

/// Points on the sheet of a plotters font size (the inverse of [`font_pt`]).
pub fn size_in_pt(size: f64) -> f64 {
    size / crate::render::text::SIZE_PER_EM / DPI * 72.0
}

/// Ground metres per sheet metre at `px_per_m` pixels per ground metre.
pub fn ratio_of(px_per_m: f64) -> f64 {
    DPI / 0.0254 / px_per_m
}

/// The smallest round scale denominator (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6 or 7.5 x 10^k) at
/// least `n`, so a map fitted at 1:n is drawn at a scale one can write and measure by.
///
/// ```
/// use parkplan::render::paper::round_scale;
/// assert_eq!(round_scale(12_455.0), 12_500.0);
/// assert_eq!(round_scale(10_000.0), 10_000.0);
/// assert_eq!(round_scale(7_600.0), 10_000.0);
/// ```
pub fn round_scale(n: f64) -> f64 {
    if !n.is_finite() || n <= 1.0 {
        return 1.0;
    }
    let base = 10f64.powf(n.log10().floor());
    [1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5, 10.0]
        .into_iter()
        .map(|m| m * base)
        .find(|s| *s >= n * (1.0 - 1e-9))
        .unwrap_or(10.0 * base)
}

/// A scale denominator as a Chinese-style grouped number: `1:12 500` is written `1:12,500`.
pub fn ratio_text(n: f64) -> String {
    let digits = format!("{}", n.round() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("1:{out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_and_sizes_round_trip() {
        assert!((pt(6.0) - 25.0).abs() < 1e-9);
        assert!((size_in_pt(font_pt(6.0)) - 6.0).abs() < 1e-9);
        assert_eq!(ratio_text(12_500.0), "1:12,500");
        assert_eq!(ratio_text(500.0), "1:500");
        assert_eq!(ratio_text(1_000_000.0), "1:1,000,000");
    }

    #[test]
    fn a_fitted_scale_is_exact_on_paper() {
        // 1:10,000: one ground kilometre is 10 cm on the sheet, 1181 pixels at 300 dpi.
        let px_per_m = DPI / 0.0254 / 10_000.0;
        assert!((ratio_of(px_per_m) - 10_000.0).abs() < 1e-6);
        assert!((px_per_m * 1000.0 - mm(100.0)).abs() < 1e-9);
    }
}
