//! Large registries of any size: rows made in seeded chunks (the same file whatever the number
//! of threads) and written by a fast CSV writer that matches the project's own byte for byte.

use super::enterprises::{applicant, applicant_commitments, urban, urban_electricity};
use super::random::{rng, stream};
use crate::model::{Categorical, Enterprise};
use chrono::Datelike;
use rand::RngExt;
use std::io::Write;

/// Which rows a large registry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// Park applicants, ids `E0000001`...
    Applicants,
    /// Urban enterprises with sites, ids `U0000001`...
    Urban,
}

/// Rows per chunk of a large registry; each chunk has its own random stream, so chunks can be
/// made in parallel and the file is the same whatever the number of threads.
pub const CHUNK_ROWS: usize = 16_384;

/// Share of large-registry rows with one cell left empty ("not reported"), as real returns have.
const MISSING_ROW_SHARE: f64 = 0.01;

/// Rows `[chunk * CHUNK_ROWS, ...)` of a large registry of `n` rows.
pub fn registry_chunk(kind: RowKind, n: usize, seed: u64, chunk: usize) -> Vec<Enterprise> {
    let start = chunk * CHUNK_ROWS;
    let end = (start + CHUNK_ROWS).min(n);
    let mut r = rng(seed, stream::CHUNKS + chunk as u64);
    // Electricity and commitments come from a stream of their own, so the rest of each row is
    // what it was before they were added.
    let mut extras = rng(seed, stream::CHUNK_EXTRAS + chunk as u64);
    let mut name = String::new();
    (start..end)
        .map(|i| {
            let line = i as u64 + 2;
            let mut e = match kind {
                RowKind::Applicants => {
                    let mut e = applicant(&mut r, format!("E{:07}", i + 1), line, &mut name);
                    applicant_commitments(&mut extras, &mut e);
                    e
                }
                RowKind::Urban => {
                    let mut e = urban(&mut r, format!("U{:07}", i + 1), line, &mut name);
                    urban_electricity(&mut extras, &mut e);
                    e
                }
            };
            if r.random::<f64>() < MISSING_ROW_SHARE {
                // One of the common gaps: R&D, energy or staff not reported.
                match r.random_range(0..3) {
                    0 => e.rd_expense_10k_yuan = None,
                    1 => e.energy_tce = None,
                    _ => e.staff = None,
                }
            }
            e
        })
        .collect()
}

/// Write the CSV header the project's writer uses.
pub fn write_header(buf: &mut Vec<u8>) {
    for (i, (_, def)) in crate::metrics::columns().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        buf.extend_from_slice(def.name.as_bytes());
    }
    buf.push(b'\n');
}

/// One text cell, quoted (with doubled quotes) only when it holds a comma, quote or newline.
fn push_text(buf: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        buf.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(s.as_bytes());
    }
}

/// A comma and one number cell, empty when not reported.
fn push_num(buf: &mut Vec<u8>, v: Option<f64>) {
    buf.push(b',');
    if let Some(v) = v {
        let _ = write!(buf, "{v}");
    }
}

/// Append rows as CSV, byte for byte what [`crate::io::enterprises::write_enterprises`] writes,
/// without its per-cell allocations (a 1,000,000-row file in seconds).
pub fn write_rows(buf: &mut Vec<u8>, rows: &[Enterprise]) {
    for e in rows {
        push_text(buf, &e.id);
        buf.push(b',');
        push_text(buf, &e.name);
        push_num(buf, e.lon);
        push_num(buf, e.lat);
        buf.push(b',');
        if let Some(c) = &e.industry_code {
            buf.extend_from_slice(c.as_str().as_bytes());
        }
        buf.push(b',');
        if let Some(l) = e.hightech_level {
            buf.extend_from_slice(l.name().as_bytes());
        }
        buf.push(b',');
        if let Some(d) = e.cert_expiry {
            let _ = write!(buf, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
        }
        push_num(buf, e.catalogue_products);
        push_num(buf, e.revenue_10k_yuan);
        push_num(buf, e.rd_expense_10k_yuan);
        push_num(buf, e.hightech_revenue_10k_yuan);
        push_num(buf, e.staff);
        push_num(buf, e.rd_staff);
        push_num(buf, e.ip_count);
        push_num(buf, e.value_added_10k_yuan);
        push_num(buf, e.tax_10k_yuan);
        push_num(buf, e.land_mu);
        push_num(buf, e.energy_tce);
        push_num(buf, e.cod_t);
        push_num(buf, e.nh3n_t);
        push_num(buf, e.so2_t);
        push_num(buf, e.nox_t);
        buf.push(b',');
        if let Some(p) = e.pollution_class {
            buf.extend_from_slice(p.name().as_bytes());
        }
        push_num(buf, e.violations);
        buf.push(b',');
        if let Some(b) = e.willing_to_convert {
            buf.extend_from_slice(if b { b"true" } else { b"false" });
        }
        push_num(buf, e.requested_mu);
        push_num(buf, e.planned_investment_10k_yuan);
        push_num(buf, e.planned_far);
        push_num(buf, e.electricity_10k_kwh);
        buf.push(b',');
        push_text(buf, &e.rating_exempt);
        push_num(buf, e.planned_output_10k_yuan);
        push_num(buf, e.planned_tax_10k_yuan);
        push_num(buf, e.planned_height_m);
        buf.push(b'\n');
    }
}

/// Write a registry of `n` rows: chunks made and formatted in parallel, written in order.
/// `progress` is told how many rows are done after each batch.
pub fn write_registry(
    w: &mut dyn Write,
    kind: RowKind,
    n: usize,
    seed: u64,
    progress: &dyn Fn(u64),
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let mut header = Vec::new();
    write_header(&mut header);
    w.write_all(&header)?;
    let chunks = n.div_ceil(CHUNK_ROWS);
    let batch = rayon::current_num_threads().max(1) * 2;
    for first in (0..chunks).step_by(batch) {
        let last = (first + batch).min(chunks);
        let parts: Vec<Vec<u8>> = (first..last)
            .into_par_iter()
            .map(|c| {
                let rows = registry_chunk(kind, n, seed, c);
                let mut buf = Vec::with_capacity(rows.len() * 260);
                write_rows(&mut buf, &rows);
                buf
            })
            .collect();
        for p in &parts {
            w.write_all(p)?;
        }
        progress((last * CHUNK_ROWS).min(n) as u64);
    }
    Ok(())
}
