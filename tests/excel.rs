//! Registries and tables the way a bureau keeps them: workbooks and the encodings Excel writes
//! in, the headers people write, and outputs that open in Excel ungarbled and inert.
//!
//! The fixtures in `tests/data/excel/` are the bundled registries converted by
//! `tests/common/excel.rs` (a merged title row above Chinese headers, Chinese values, Excel date
//! cells, some numbers stored as text, text dates and formulas; and the CSV Excel saves, in GBK
//! and as tab-separated UTF-16 "Unicode text"). Regenerate them with
//! `cargo test --test excel -- --ignored regenerate_fixtures`; `fixtures_are_what_the_generator_makes`
//! fails when they drift.

mod common;

use calamine::{Data, Reader};
use common::excel::{Style, gbk, registry_text, registry_xlsx, utf16le};
use common::{ROOT, assert_contains, bin_in, bundled, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::Output;

const DATE: &str = "2026-11-26";

fn fixture(name: &str) -> PathBuf {
    Path::new(ROOT).join("tests/data/excel").join(name)
}

/// The fixtures, each file's name and bytes, made from the bundled registries.
fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
    let load = |f: &str| {
        parkplan::io::enterprises::load_enterprises(&bundled(f))
            .unwrap()
            .enterprises
    };
    let (apps, urban) = (
        load("registries/applicants.csv"),
        load("registries/urban.csv"),
    );
    let messy = Style {
        title: true,
        messy: true,
    };
    let mut zip = Vec::new();
    {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(&mut zip));
        let opts =
            zip::write::SimpleFileOptions::default().last_modified_time(zip::DateTime::default());
        for name in ["lingkun.shp", "lingkun.shx", "lingkun.dbf"] {
            w.start_file(name, opts).unwrap();
            std::io::Write::write_all(&mut w, b"\0\0\x27\x0a").unwrap();
        }
        w.finish().unwrap();
    }
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, 2, 2);
        enc.set_color(png::ColorType::Grayscale);
        enc.write_header()
            .unwrap()
            .write_image_data(&[0, 255, 255, 0])
            .unwrap();
    }
    vec![
        (
            "applicants.xlsx",
            registry_xlsx(&apps, "入园申请企业", messy),
        ),
        ("urban.xlsx", registry_xlsx(&urban, "亩均评价企业", messy)),
        ("applicants-gbk.csv", gbk(&registry_text(&apps, ','))),
        ("urban-gbk.csv", gbk(&registry_text(&urban, ','))),
        ("applicants-utf16.txt", utf16le(&registry_text(&apps, '\t'))),
        ("registry.zip", zip),
        ("photo.png", png),
    ]
}

#[test]
#[ignore = "writes tests/data/excel/: run to regenerate the fixtures"]
fn regenerate_fixtures() {
    std::fs::create_dir_all(fixture("")).unwrap();
    for (name, bytes) in fixtures() {
        std::fs::write(fixture(name), bytes).unwrap();
    }
}

#[test]
fn fixtures_are_what_the_generator_makes() {
    for (name, bytes) in fixtures() {
        let committed = std::fs::read(fixture(name)).unwrap_or_default();
        assert!(
            committed == bytes,
            "tests/data/excel/{name} differs from what tests/common/excel.rs makes: regenerate with `cargo test --test excel -- --ignored regenerate_fixtures`"
        );
    }
}

/// `parkplan <args>` in the crate folder.
fn run(args: &[&str]) -> Output {
    bin_in(Path::new(ROOT)).args(args).output().unwrap()
}

fn ok(args: &[&str]) -> Output {
    let o = run(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    o
}

fn refused(args: &[&str]) -> String {
    let o = run(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    err
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The bundled registries as a workbook (title row, Chinese headers and values, date cells,
/// numbers as text, formulas), as GBK CSV and as UTF-16 "Unicode text" screen and rank exactly
/// as the UTF-8 CSV files do: the same decisions, scores and classes, byte for byte.
#[test]
fn workbooks_and_excel_encodings_give_the_same_decisions_scores_and_classes() {
    let screen = |f: &str| ok(&["screen", "--date", DATE, "--enterprises", f]);
    let want = screen("registries/applicants.csv");
    for f in [
        "applicants.xlsx",
        "applicants-gbk.csv",
        "applicants-utf16.txt",
    ] {
        let o = screen(path(&fixture(f)));
        assert!(o.stdout == want.stdout, "{f}: {}", stdout(&o));
        let err = stderr(&o);
        match f {
            "applicants.xlsx" => assert_contains(
                &err,
                "sheet \"入园申请企业\", row 3: the header is on row 3; rows 1-2 above it (灵昆高新园区企业名册（合成数据） / 填报单位：灵昆街道    填报日期：2026年11月) are taken as a title and skipped",
            ),
            "applicants-gbk.csv" => assert_contains(&err, "read as GBK (GB18030) text"),
            _ => assert_contains(&err, "read as UTF-16 LE text"),
        }
    }
    let rank = |f: &str| ok(&["rank", "--enterprises", f]);
    let want = rank("registries/urban.csv");
    for f in ["urban.xlsx", "urban-gbk.csv"] {
        let o = rank(path(&fixture(f)));
        assert!(o.stdout == want.stdout, "{f}: {}", stdout(&o));
    }
    // The plan's allocation places the same enterprises on the same parcels from workbooks.
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("csv"), tmp.path().join("xlsx"));
    let allocate = |out: &Path, files: [&str; 2]| {
        ok(&[
            "allocate",
            "--date",
            DATE,
            "--no-timings",
            "--enterprises",
            files[0],
            "--enterprises",
            files[1],
            "--out",
            path(out),
        ])
    };
    allocate(&a, ["registries/applicants.csv", "registries/urban.csv"]);
    allocate(
        &b,
        [
            path(&fixture("applicants.xlsx")),
            path(&fixture("urban.xlsx")),
        ],
    );
    common::assert_same_files(
        &a,
        &b,
        &["assignments.csv", "options.csv"],
        "differs between the CSV and the workbook registries",
    );
}

/// `--sheet` picks a sheet by name; a missing one is refused with the sheets there are, and a
/// CSV has no sheets.
#[test]
fn sheets_are_chosen_by_name() {
    let urban = fixture("urban.xlsx");
    let o = ok(&[
        "rank",
        "--enterprises",
        path(&urban),
        "--sheet",
        "亩均评价企业",
    ]);
    assert!(!o.stdout.is_empty());
    let err = refused(&["rank", "--enterprises", path(&urban), "--sheet", "Sheet1"]);
    assert_contains(
        &err,
        "urban.xlsx: has no sheet \"Sheet1\"; its sheets are \"亩均评价企业\", \"填表说明\"",
    );
    let err = refused(&["rank", "--enterprises", path(&urban), "--sheet", "填表说明"]);
    assert_contains(
        &err,
        "sheet \"填表说明\", row 1: id: required column is missing",
    );
    let err = refused(&[
        "rank",
        "--sheet",
        "名册",
        "--enterprises",
        "registries/urban.csv",
    ]);
    assert_contains(
        &err,
        "is a CSV, not a workbook: --sheet only applies to workbooks",
    );
}

/// A zip or an image given as a registry is named for what it is, not called "not UTF-8".
#[test]
fn a_zip_or_an_image_is_named_as_such() {
    for (f, what) in [
        (
            "registry.zip",
            "is a zip archive, not a table (it holds a Shapefile; an enterprise registry is a CSV or a workbook; it holds lingkun.dbf, lingkun.shp, lingkun.shx)",
        ),
        ("photo.png", "is a PNG image, not a table"),
    ] {
        for cmd in ["screen", "rank", "validate"] {
            let err = refused(&[cmd, "--enterprises", path(&fixture(f))]);
            assert_contains(&err, &format!("{f}: {what}"));
        }
    }
}

/// A registry without a column the command needs, or with the column's header misspelt, is
/// refused with the column, the command, what needs it and the near-miss header; a column no
/// command needs may be absent.
#[test]
fn a_missing_or_misspelt_needed_column_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let apps = std::fs::read_to_string(bundled("registries/applicants.csv")).unwrap();
    let misspelt = tmp.path().join("misspelt.csv");
    std::fs::write(&misspelt, apps.replacen(",revenue,", ",营业收人,", 1)).unwrap();
    let err = refused(&["screen", "--date", DATE, "--enterprises", path(&misspelt)]);
    assert_contains(
        &err,
        "misspelt.csv: row 1 (line 1): revenue: column is missing; `parkplan screen` needs it (criterion rd_intensity, criterion hightech_share); name it revenue or 营业收入 (the README lists every accepted header); headers not understood: \"营业收人\" (close to 营业收入 (revenue))",
    );
    // The plan names itself, and the same header.
    let out = tmp.path().join("plan");
    let err = refused(&[
        "plan",
        "--date",
        DATE,
        "--enterprises",
        path(&misspelt),
        "--out",
        path(&out),
    ]);
    assert_contains(&err, "revenue: column is missing; `parkplan plan` needs it");
    assert!(!out.exists(), "nothing written");
    // value_added is no admission criterion's: screening does without it.
    let without: String = apps
        .lines()
        .map(|l| {
            let mut v: Vec<&str> = l.split(',').collect();
            v.remove(14); // value_added
            v.join(",") + "\n"
        })
        .collect();
    assert!(!without.lines().next().unwrap().contains("value_added"));
    let f = tmp.path().join("no-value-added.csv");
    std::fs::write(&f, &without).unwrap();
    ok(&["screen", "--date", DATE, "--enterprises", path(&f)]);
    // ... but ranking does: it is in four indicators and the burden.
    let urban = std::fs::read_to_string(bundled("registries/urban.csv")).unwrap();
    let f = tmp.path().join("urban-no-energy.csv");
    std::fs::write(&f, urban.replacen(",energy_tce,", ",能源,", 1)).unwrap();
    let err = refused(&["rank", "--enterprises", path(&f)]);
    assert_contains(
        &err,
        "energy_tce: column is missing; `parkplan rank` needs it (indicator value_added_per_tce of track above_size, the burden)",
    );
    assert_contains(&err, "headers not understood: \"能源\"");
    // Electricity scores only the below-size track: needed while an enterprise is on it.
    let header = urban.lines().next().unwrap();
    let at = header
        .split(',')
        .position(|h| h == "electricity_10k_kwh")
        .unwrap();
    let revenue = header.split(',').position(|h| h == "revenue").unwrap();
    let drop = |keep: &dyn Fn(&str) -> bool| -> String {
        urban
            .lines()
            .enumerate()
            .filter(|(i, l)| *i == 0 || keep(l))
            .map(|(_, l)| {
                let mut v: Vec<&str> = l.split(',').collect();
                v.remove(at);
                v.join(",") + "\n"
            })
            .collect()
    };
    let f = tmp.path().join("urban-no-electricity.csv");
    std::fs::write(&f, drop(&|_| true)).unwrap();
    let err = refused(&["rank", "--enterprises", path(&f)]);
    assert_contains(
        &err,
        "electricity_10k_kwh: column is missing; `parkplan rank` needs it (indicator tax_per_electricity of track below_size)",
    );
    let large = |l: &str| {
        l.split(',')
            .nth(revenue)
            .and_then(|r| r.parse::<f64>().ok())
            .is_some_and(|r| r >= 2000.0)
    };
    std::fs::write(&f, drop(&large)).unwrap();
    ok(&["rank", "--enterprises", path(&f)]);
}

/// A workbook header that misses a needed column is located on its sheet row; bad cells are
/// located by sheet and cell, with the column and what was expected.
#[test]
fn workbook_problems_name_the_sheet_and_cell() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
    let tmp = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("名册").unwrap();
    let headers = [
        "企业编号",
        "企业名称",
        "营业收入(万元)",
        "证书有效期",
        "研发费用",
    ];
    for (j, h) in headers.iter().enumerate() {
        ws.write_string(0, j as u16, *h).unwrap();
    }
    for r in 1..13u32 {
        ws.write_string(r, 0, format!("E{r}")).unwrap();
        ws.write_string(r, 1, format!("企业{r}")).unwrap();
        ws.write_number(r, 2, 1000.0 + f64::from(r)).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    ws.write_string(13, 0, "E13").unwrap();
    ws.write_string(13, 2, "n/a").unwrap();
    ws.write_number(13, 3, 46387.0).unwrap();
    ws.write_formula(13, 4, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    ws.write_string(14, 0, "E14").unwrap();
    ws.write_datetime_with_format(14, 2, ExcelDateTime::from_ymd(2026, 1, 2).unwrap(), &date)
        .unwrap();
    ws.write_string(14, 3, "2026/2/30").unwrap();
    let f = tmp.path().join("bad.xlsx");
    book.save(&f).unwrap();
    let err = refused(&["validate", "--enterprises", path(&f)]);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].contains("cell C14") && lines[1].contains("cell D14"),
        "{err}"
    );
    for want in [
        "bad.xlsx: sheet \"名册\", cell C14: revenue: expected a number, got \"n/a\"",
        "bad.xlsx: sheet \"名册\", cell D14: cert_expiry: expected a date, got the number 46387: format the cell as a date, or write it as YYYY-MM-DD",
        "bad.xlsx: sheet \"名册\", cell E14: rd_expense: the cell holds the error #DIV/0!",
        "bad.xlsx: sheet \"名册\", cell C15: revenue: expected a number, got a date cell (2026-01-02)",
        "bad.xlsx: sheet \"名册\", cell D15: cert_expiry: expected a date as YYYY-MM-DD (or YYYY/M/D, YYYY年M月D日), got \"2026/2/30\"",
    ] {
        assert_contains(&err, want);
    }
    // The header row is named on its sheet when a needed column is missing.
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("名册").unwrap();
    for (j, h) in headers.iter().enumerate() {
        ws.write_string(2, j as u16, *h).unwrap();
    }
    ws.write_string(3, 0, "E1").unwrap();
    book.save(&f).unwrap();
    let err = refused(&["screen", "--date", DATE, "--enterprises", path(&f)]);
    assert_contains(
        &err,
        "bad.xlsx: sheet \"名册\", row 3: industry_code: column is missing; `parkplan screen` needs it",
    );
}

/// Names that Excel would run as formulas come out as text: with an apostrophe in the CSV,
/// and as quote-prefixed text cells (no formula) in the workbook.
/// A registry's text with the names of its first rows replaced by `names` (CSV-quoted).
fn with_names(registry: &str, names: &[&str]) -> String {
    let mut text = String::new();
    for (i, line) in registry.lines().enumerate() {
        let mut line = line.to_string();
        if (1..=names.len()).contains(&i) {
            let name = line.split(',').nth(1).unwrap().to_string();
            let quoted = format!("\"{}\"", names[i - 1].replace('"', "\"\""));
            line = line.replacen(&name, &quoted, 1);
        }
        text.push_str(&line);
        text.push('\n');
    }
    text
}

#[test]
fn formula_cells_come_out_inert_in_csv_and_xlsx() {
    let tmp = tempfile::tempdir().unwrap();
    let evil = [
        "=HYPERLINK(\"http://x.example\",\"click\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)",
    ];
    let apps = std::fs::read_to_string(bundled("registries/applicants.csv")).unwrap();
    let text = with_names(&apps, &evil);
    let f = tmp.path().join("evil.csv");
    std::fs::write(&f, text).unwrap();
    let csv = stdout(&ok(&["screen", "--date", DATE, "--enterprises", path(&f)]));
    assert_contains(
        &csv,
        "\"'=HYPERLINK(\"\"http://x.example\"\",\"\"click\"\")\"",
    );
    assert_contains(&csv, "AP-002,'+cmd|' /C calc'!A0,");
    assert_contains(&csv, "AP-003,'@SUM(1+1),");
    for line in csv.lines().skip(1) {
        let name = line.split(',').nth(1).unwrap();
        assert!(!name.starts_with(['=', '+', '-', '@']), "{line}");
    }
    // rank.csv too: the urban registry with the same names.
    let urban = std::fs::read_to_string(bundled("registries/urban.csv")).unwrap();
    let text = with_names(&urban, &evil);
    let u = tmp.path().join("evil-urban.csv");
    std::fs::write(&u, text).unwrap();
    let ranked = stdout(&ok(&["rank", "--enterprises", path(&u)]));
    assert_contains(
        &ranked,
        "\"'=HYPERLINK(\"\"http://x.example\"\",\"\"click\"\")\"",
    );
    assert_contains(&ranked, "'+cmd|' /C calc'!A0");
    assert_contains(&ranked, "'@SUM(1+1)");
    assert!(
        !ranked.contains(",@SUM") && !ranked.contains(",+cmd"),
        "{ranked}"
    );
    let out = tmp.path().join("screen.xlsx");
    ok(&[
        "screen",
        "--date",
        DATE,
        "--enterprises",
        path(&f),
        "--format",
        "xlsx",
        "--out",
        path(&out),
    ]);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let cells = book.worksheet_range("准入筛选").unwrap();
    let formulas = book.worksheet_formula("准入筛选").unwrap();
    for (i, want) in evil.iter().enumerate() {
        let at = (i as u32 + 1, 1);
        assert_eq!(
            cells.get_value(at),
            Some(&Data::String(want.to_string())),
            "row {}",
            i + 2
        );
        assert!(
            formulas.get_value(at).is_none_or(|f| f.is_empty()),
            "no formula in B{}",
            i + 2
        );
    }
    let sheet = zip_entry(&out, "xl/worksheets/sheet1.xml");
    assert_contains(&sheet, "<pane ySplit=\"1\"");
    let styles = zip_entry(&out, "xl/styles.xml");
    assert_contains(&styles, "quotePrefix=\"1\"");
}

/// One file of a zip archive, as text.
fn zip_entry(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut z.by_name(name).unwrap(), &mut s).unwrap();
    s
}

/// `--format xlsx` tables: Chinese headers, numbers as numbers, ids and decisions as text, the
/// rule version and hash on their own sheet; `allocate` writes allocation.xlsx instead of its
/// CSV tables; `plan` adds plan.xlsx with one sheet per table; the same bytes every run.
#[test]
fn xlsx_tables_are_typed_with_the_rules_on_their_own_sheet() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = common::rules();
    let out = tmp.path().join("s.xlsx");
    let args = [
        "screen",
        "--date",
        DATE,
        "--format",
        "xlsx",
        "--out",
        path(&out),
    ];
    ok(&args);
    let first = std::fs::read(&out).unwrap();
    ok(&args);
    assert!(
        first == std::fs::read(&out).unwrap(),
        "same bytes every run"
    );
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["准入筛选", "规则"]);
    let t = book.worksheet_range("准入筛选").unwrap();
    let header = common::sheet_header(&t);
    assert_eq!(
        header,
        ["企业编号", "企业名称", "准入决定", "得分", "未通过准则"]
    );
    assert_eq!(t.height(), 81);
    let admitted = t
        .rows()
        .find(|r| r[2] == Data::String("admit".into()))
        .unwrap();
    assert!(matches!(admitted[0], Data::String(_)));
    assert!(matches!(admitted[3], Data::Float(_)), "{:?}", admitted[3]);
    let about = book.worksheet_range("规则").unwrap();
    let about: Vec<String> = about.rows().map(|r| format!("{}={}", r[0], r[1])).collect();
    assert!(
        about.contains(&format!("规则版本={}", rules.version)),
        "{about:?}"
    );
    assert!(
        about.contains(&format!("规则哈希(SHA-256)={}", rules.hash)),
        "{about:?}"
    );
    assert!(about.contains(&format!("评估日期={DATE}")), "{about:?}");

    let out = tmp.path().join("r.xlsx");
    ok(&["rank", "--format", "xlsx", "--out", path(&out)]);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let t = book.worksheet_range("亩均评价").unwrap();
    let header = common::sheet_header(&t);
    let col = |h: &str| {
        header
            .iter()
            .position(|x| x == h)
            .unwrap_or_else(|| panic!("{h}: {header:?}"))
    };
    let row = &t.rows().nth(1).unwrap();
    assert!(matches!(row[col("亩均税收(万元/亩)")], Data::Float(_)));
    assert!(matches!(row[col("研发投入强度")], Data::Float(_)));
    assert_eq!(row[col("分类")], Data::String("A".into()));
    assert!(!header.iter().any(|h| h.contains("规则")), "{header:?}");
    // Every column has a Chinese header (the ranking's tracks added track, status, imputed).
    assert!(
        header.iter().all(|h| !h.is_ascii()),
        "an English header: {header:?}"
    );
    assert_eq!(row[col("评价类别")], Data::String("above_size".into()));
    assert_eq!(row[col("评价状态")], Data::String("rated".into()));

    let alloc = tmp.path().join("alloc");
    ok(&[
        "allocate",
        "--date",
        DATE,
        "--no-timings",
        "--format",
        "xlsx",
        "--out",
        path(&alloc),
    ]);
    assert!(!alloc.join("assignments.csv").exists());
    let book: calamine::Xlsx<_> = calamine::open_workbook(alloc.join("allocation.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["地块分配", "搬迁选址", "规则"]);

    let plan = tmp.path().join("plan");
    ok(&["plan", "--date", DATE, "--out", path(&plan)]);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(plan.join("plan.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["准入筛选", "亩均评价", "地块分配", "搬迁选址", "规则"]
    );
    // The plan's sheets hold its tables: as many assignments as assignments.csv has rows.
    let csv = std::fs::read_to_string(plan.join("assignments.csv")).unwrap();
    let t = book.worksheet_range("地块分配").unwrap();
    assert_eq!(t.height(), csv.lines().count());
}

/// CSV outputs start with the UTF-8 byte-order mark Excel needs; `--no-bom` leaves it out.
#[test]
fn csv_outputs_start_with_a_bom_unless_asked_not_to() {
    let with = ok(&["screen", "--date", DATE]).stdout;
    assert!(with.starts_with(b"\xEF\xBB\xBFid,name,decision"));
    let without = ok(&["screen", "--date", DATE, "--no-bom"]).stdout;
    assert!(without.starts_with(b"id,name,decision"));
    assert_eq!(&with[3..], &without[..]);
    let tmp = tempfile::tempdir().unwrap();
    let plan = tmp.path().join("plan");
    ok(&["plan", "--date", DATE, "--no-bom", "--out", path(&plan)]);
    for f in ["screen.csv", "rank.csv", "assignments.csv", "options.csv"] {
        let b = std::fs::read(plan.join(f)).unwrap();
        assert!(!b.starts_with(b"\xEF\xBB\xBF"), "{f}");
    }
}
