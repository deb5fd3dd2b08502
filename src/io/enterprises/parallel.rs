//! The fast path for large, clean enterprise files: the text is cut at record boundaries and the
//! pieces are parsed on all cores; any problem sends the file back to the sequential reader.

use super::header::{Header as Columns, Positions};
use super::{LineCounter, Row, RowAt, build, csv_header, csv_reader};
use crate::error::{Place, Problems, Warning};
use crate::metrics::m;
use crate::model::{Enterprise, Registry};
use rayon::prelude::*;
use std::hash::BuildHasher;
use std::path::Path;

/// Files at least this large are parsed on all cores (see [`read_parallel`]).
pub(super) const PARALLEL_BYTES: usize = 2 << 20;

/// The fast path for large, clean files: all of them in memory, from [`for_each_chunk`].
pub(super) fn read_parallel(path: &Path, text: &str) -> Option<Registry> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = read_header(path, text)?;
    let columns = header.columns.clone();
    let (parts, warnings) = chunks_of(path, text, header, |v| v)?;
    let mut enterprises = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for e in parts {
        enterprises.extend(e);
    }
    Some(Registry {
        enterprises,
        warnings,
        columns,
    })
}

/// Parse a clean file on all cores and hand each chunk's enterprises, in file order, to `each`,
/// so a caller can process a file larger than it wants to hold (the screening stage streams
/// 1M rows this way). The text is cut at record boundaries (newlines outside quotes).
///
/// Gives up (`None`) at the first problem of any kind — a bad cell, a malformed record, a
/// missing or duplicate id — and the caller then uses [`read_enterprises`], whose sequential
/// reader reports every problem with its line. Returns the results in chunk order and the
/// warnings in file order, exactly as the sequential reader gives them.
///
/// [`read_enterprises`]: super::read_enterprises
pub(crate) fn for_each_chunk<R: Send>(
    path: &Path,
    text: &str,
    each: impl Fn(Vec<Enterprise>) -> R + Sync,
) -> Option<(Vec<R>, Vec<Warning>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = read_header(path, text)?;
    chunks_of(path, text, header, each)
}

/// [`for_each_chunk`] once the header is read.
fn chunks_of<R: Send>(
    path: &Path,
    text: &str,
    header: Header,
    each: impl Fn(Vec<Enterprise>) -> R + Sync,
) -> Option<(Vec<R>, Vec<Warning>)> {
    let body = &text.as_bytes()[header.body_start..];
    let chunks = cut_at_records(body);
    let first_lines = first_lines(&chunks, header.lines);
    // Duplicate ids are found from 64-bit hashes; equal hashes (a duplicate, or a collision)
    // send the file to the sequential reader, which decides exactly.
    let hasher = std::collections::hash_map::RandomState::new();
    let parts: Vec<(R, Vec<u64>, Vec<Warning>)> = chunks
        .par_iter()
        .zip(first_lines)
        .map(|(chunk, first)| {
            let (out, warnings) = parse_chunk(path, chunk, first, &header)?;
            let ids = out.iter().map(|e| hasher.hash_one(&e.id)).collect();
            Some((each(out), ids, warnings))
        })
        .collect::<Option<Vec<_>>>()?;
    let mut warnings = header.warnings;
    let (results, ids) = merge_parts(parts, &mut warnings);
    if has_equal(ids) {
        return None;
    }
    Some((results, warnings))
}

/// What the chunks are parsed against: the header row, read once.
struct Header {
    /// The number of fields every record must have.
    fields: usize,
    /// File position of each column, by metric id.
    at: Positions,
    /// The header's warnings, the first of the file's.
    warnings: Vec<Warning>,
    columns: crate::model::Columns,
    /// The reader settings (the delimiter).
    csv: csv::ReaderBuilder,
    /// The byte offset the records start at, and the number of lines before it.
    body_start: usize,
    lines: u64,
}

/// The header row; `None` when it is bad or does not end at a plain line break.
fn read_header(path: &Path, text: &str) -> Option<Header> {
    let csv = csv_reader(text);
    let mut reader = csv.from_reader(text.as_bytes());
    let headers = reader.headers().ok()?.clone();
    let bytes = text.as_bytes();
    let body_start = usize::try_from(reader.position().byte()).ok()?;
    if body_start == 0 || body_start > bytes.len() || bytes[body_start - 1] != b'\n' {
        return None;
    }
    let Columns {
        at,
        warnings,
        columns,
    } = csv_header(path, &headers).ok()?;
    let lines = bytes[..body_start].iter().filter(|&&b| b == b'\n').count() as u64;
    let mut csv = csv;
    csv.has_headers(false).flexible(true);
    Some(Header {
        fields: headers.len(),
        at,
        warnings,
        columns,
        csv,
        body_start,
        lines,
    })
}

/// The body cut into about 8 chunks per core, each ending at a record boundary: quote parity at
/// each segment start from per-segment quote counts, then the first newline outside quotes
/// from there.
fn cut_at_records(body: &[u8]) -> Vec<&[u8]> {
    let seg = (body.len() / (rayon::current_num_threads().max(1) * 8)).max(1 << 20);
    let starts: Vec<usize> = (0..body.len()).step_by(seg).collect();
    let quotes: Vec<usize> = starts
        .par_iter()
        .map(|&a| {
            body[a..(a + seg).min(body.len())]
                .iter()
                .filter(|&&c| c == b'"')
                .count()
        })
        .collect();
    let mut cuts = vec![0];
    let mut before = 0;
    for (k, &a) in starts.iter().enumerate() {
        if k > 0 {
            let mut odd = before % 2 == 1;
            let mut i = a;
            while i < body.len() && (odd || body[i] != b'\n') {
                odd ^= body[i] == b'"';
                i += 1;
            }
            let cut = (i + 1).min(body.len());
            if cut > *cuts.last().unwrap_or(&0) {
                cuts.push(cut);
            }
        }
        before += quotes[k];
    }
    if *cuts.last().unwrap_or(&0) < body.len() {
        cuts.push(body.len());
    }
    cuts.windows(2).map(|w| &body[w[0]..w[1]]).collect()
}

/// The editor line each chunk starts on, the records starting on the line after the header.
fn first_lines(chunks: &[&[u8]], header_lines: u64) -> Vec<u64> {
    let newlines: Vec<u64> = chunks
        .par_iter()
        .map(|c| c.iter().filter(|&&b| b == b'\n').count() as u64)
        .collect();
    let mut first_lines = Vec::with_capacity(chunks.len());
    let mut line = header_lines + 1;
    for n in &newlines {
        first_lines.push(line);
        line += n;
    }
    first_lines
}

/// One chunk's enterprises and warnings, rows numbered as if the chunk began the file (first
/// record = row 2) until [`merge_parts`] shifts them; `None` at its first problem.
#[inline]
fn parse_chunk(
    path: &Path,
    chunk: &[u8],
    first: u64,
    header: &Header,
) -> Option<(Vec<Enterprise>, Vec<Warning>)> {
    let mut reader = header.csv.from_reader(chunk);
    let mut problems = Problems::default();
    let mut warnings = Vec::new();
    let mut out = Vec::with_capacity(chunk.len() / 160);
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(chunk);
    while reader.read_record(&mut record).ok()? {
        if record.len() != header.fields {
            return None;
        }
        let line = first + record.position().map_or(0, |p| lines.at(p.byte())) - 1;
        let mut row = Row {
            path,
            // Chunk-local for now (first record = 2); shifted once every chunk's
            // record count is known.
            at: RowAt::Csv {
                row: out.len() as u64 + 2,
                line,
            },
            record: &record,
            cols: &header.at,
            problems: &mut problems,
        };
        let id = crate::io::cell::restore(row.cell(m::ID)?).to_string();
        let e = build(&mut row, id, &mut warnings);
        if !problems.is_empty() {
            return None;
        }
        out.push(e);
    }
    Some((out, warnings))
}

/// The chunks' results in order, their warnings appended to `warnings` with file-wide row
/// numbers, and all their id hashes.
fn merge_parts<R>(
    parts: Vec<(R, Vec<u64>, Vec<Warning>)>,
    warnings: &mut Vec<Warning>,
) -> (Vec<R>, Vec<u64>) {
    let mut ids = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum());
    let mut results = Vec::with_capacity(parts.len());
    let mut rows_before = 0;
    for (r, h, w) in parts {
        results.push(r);
        warnings.extend(w.into_iter().map(|mut w| {
            if let Place::Record { row, .. } = &mut w.0.place {
                *row += rows_before;
            }
            w
        }));
        rows_before += h.len() as u64;
        ids.extend(h);
    }
    (results, ids)
}

/// Whether two id hashes are equal: a duplicate id, or (rarely) a collision.
fn has_equal(mut ids: Vec<u64>) -> bool {
    ids.par_sort_unstable();
    ids.windows(2).any(|w| w[0] == w[1])
}

#[cfg(test)]
mod fast_path_tests {
    use super::super::{read_enterprises, read_sequential};
    use super::*;

    /// The parallel reader gives exactly what the sequential one gives, quoted newlines included.
    #[test]
    fn parallel_reader_matches_sequential() {
        let mut text = String::from(
            "id,name,revenue,rd_expense,hightech_level,cert_expiry,hightech_revenue\n",
        );
        for i in 0..80_000 {
            let name = if i % 7 == 0 {
                format!("\"温州, \"\"甲\"\"\n科技{i}\"")
            } else {
                format!("公司{i}")
            };
            let hr = if i % 11 == 0 { "900" } else { "" };
            text.push_str(&format!(
                "E{i},{name},{}.5,{},National ,2027-01-0{},{hr}\n",
                i % 1000,
                i % 13,
                1 + i % 9
            ));
        }
        assert!(text.len() >= PARALLEL_BYTES);
        let path = Path::new("big.csv");
        let fast = read_parallel(path, &text).expect("clean file takes the parallel path");
        let reg = read_sequential(path, &text).unwrap();
        let slow = read_enterprises(path, &(text.clone() + "E0,dup,1,1,none,,\n")).unwrap_err();
        assert_eq!(
            slow.0.len(),
            1,
            "a duplicate falls back to the sequential reader: {slow}"
        );
        assert!(
            slow.0[0]
                .message
                .starts_with("duplicate id \"E0\": also on line 2"),
            "{slow}"
        );
        assert_eq!(fast.enterprises, reg.enterprises);
        assert_eq!(fast.warnings, reg.warnings);
        assert_eq!(fast.enterprises[7].name, "温州, \"甲\"\n科技7");
        assert_eq!(fast.enterprises[59_999].line, reg.enterprises[59_999].line);
    }
}
