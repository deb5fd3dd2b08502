//! report.html in a real browser: headless Chromium (Debian's `chromium`) opens the bundled
//! plan's report and a reader's clicks are checked (tests/browser/report.mjs, on
//! playwright-core), and the report printed to PDF by Chromium is checked page by page with
//! poppler (A4 pages with the title and page number, repeated table headers, ids never
//! wrapped, one opinion sheet per applicant, the maps on A3 landscape pages, Chinese drawn
//! with the embedded font alone). The `parkplan serve` page is tried the same way
//! (tests/browser/serve.mjs: a threshold changed, a bad value refused).
//!
//! `.ci/run` installs chromium, poppler-utils and the node driver. Elsewhere a missing tool
//! skips these tests with a message; under CI (`CI=true`) it fails them. Screenshots and page
//! images go to `target/tmp/browser/` (CARGO_TARGET_TMPDIR): look at them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Where the screenshots, the PDF and its page images go.
fn out_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser")
}

fn on_path(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
}

fn chromium() -> Option<PathBuf> {
    std::env::var_os("PARKPLAN_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| on_path("chromium"))
}

/// Whether every tool is there: if not, skip with a message, or fail under CI.
fn have(tools: &[(&str, bool)]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(t, _)| *t)
        .collect();
    if missing.is_empty() {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !ci,
        "CI is set but {} is missing: .ci/run installs it",
        missing.join(", ")
    );
    eprintln!(
        "skipped: {} not installed (.ci/run installs it; in CI this test fails instead)",
        missing.join(", ")
    );
    false
}

/// The bundled plan, written once for every test here.
fn plan() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = out_dir().join("plan");
        let _ = std::fs::remove_dir_all(&dir);
        let o = common::bin()
            .args(["plan", "--date", "2026-11-26", "--out"])
            .arg(&dir)
            .output()
            .unwrap();
        common::assert_ok(&o);
        dir
    })
}

fn playwright() -> bool {
    Path::new(common::ROOT)
        .join("tests/browser/node_modules/playwright-core")
        .is_dir()
}

#[test]
fn the_report_answers_clicks_sorts_and_finds_in_headless_chromium() {
    if !have(&[
        ("chromium", chromium().is_some()),
        ("node", on_path("node").is_some()),
        (
            "playwright-core (npm ci --prefix tests/browser)",
            playwright(),
        ),
    ]) {
        return;
    }
    let shots = out_dir().join("shots");
    let o = node("report.mjs", plan(), &shots);
    assert_checks(
        &o,
        &shots,
        &[
            "ok: clicking parcel",
            "ok: sorting by score",
            "ok: Enter on",
            "ok: no console errors",
            "ok: no network request",
        ],
    );
    assert!(shots.join("parcel-click.png").metadata().unwrap().len() > 10_000);
}

/// One page of the PDF: its size in points and its text.
struct Page {
    w: f64,
    h: f64,
    text: String,
}

fn pages(pdf: &Path) -> Vec<Page> {
    let info = Command::new("pdfinfo")
        .args(["-f", "1", "-l", "100000"])
        .arg(pdf)
        .output()
        .unwrap();
    let info = common::stdout(&info);
    let sizes: Vec<(f64, f64)> = info
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains(" size:"))
        .map(|l| {
            let v: Vec<f64> = l
                .split_once("size:")
                .unwrap()
                .1
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            (v[0], v[1])
        })
        .collect();
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = common::stdout(&text);
    let texts: Vec<&str> = text.split('\u{c}').collect();
    sizes
        .into_iter()
        .enumerate()
        .map(|(i, (w, h))| Page {
            w,
            h,
            text: texts.get(i).unwrap_or(&"").to_string(),
        })
        .collect()
}

/// Print `html` to PDF with headless Chromium, with only DejaVu (no CJK font) installed for it.
fn print_pdf(html: &Path, pdf: &Path) {
    let fonts = out_dir().join("fonts.conf");
    std::fs::write(
        &fonts,
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{}</cachedir></fontconfig>\n",
            out_dir().join("fontcache").display()
        ),
    )
    .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(chromium().unwrap())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .env("FONTCONFIG_FILE", &fonts)
        .output()
        .unwrap();
    assert!(pdf.exists(), "no PDF: {}", common::stderr(&o));
}

fn is_a4(p: &Page) -> bool {
    (p.w - 595.0).abs() < 2.0 && (p.h - 842.0).abs() < 2.0
}

fn is_a3_landscape(p: &Page) -> bool {
    (p.w - 1191.0).abs() < 2.0 && (p.h - 842.0).abs() < 2.0
}

#[test]
fn the_printed_report_has_a4_pages_one_sheet_per_applicant_and_a3_maps() {
    if !have(&[
        ("chromium", chromium().is_some()),
        ("poppler-utils (pdfinfo)", on_path("pdfinfo").is_some()),
        ("poppler-utils (pdftoppm)", on_path("pdftoppm").is_some()),
        ("poppler-utils (pdftotext)", on_path("pdftotext").is_some()),
        ("poppler-utils (pdffonts)", on_path("pdffonts").is_some()),
        (
            "fonts-dejavu-core",
            Path::new("/usr/share/fonts/truetype/dejavu").is_dir(),
        ),
    ]) {
        return;
    }
    let dir = plan();
    let pdf = out_dir().join("report.pdf");
    let _ = std::fs::remove_file(&pdf);
    print_pdf(&dir.join("report.html"), &pdf);
    let pages = pages(&pdf);
    assert!(pages.len() > 80, "{} pages", pages.len());

    // The maps, each on its own A3 landscape page; every other page A4 portrait with the
    // report's title at its head and its number at its foot.
    let a3: Vec<usize> = (0..pages.len())
        .filter(|i| is_a3_landscape(&pages[*i]))
        .collect();
    assert_eq!(a3.len(), 2, "two A3 pages for the two maps");
    assert!(pages[a3[0]].text.contains("地块布局图"), "park map on A3");
    assert!(pages[a3[1]].text.contains("搬迁"), "relocation map on A3");
    for (i, p) in pages.iter().enumerate() {
        assert!(
            is_a4(p) || a3.contains(&i),
            "page {} is {}x{}",
            i + 1,
            p.w,
            p.h
        );
        // pdftotext may drop the spaces around the number.
        let squeezed: String = p.text.split_whitespace().collect();
        assert!(
            squeezed.contains(&format!("第{}页", i + 1)),
            "page {} has no page number",
            i + 1
        );
        if is_a4(p) {
            assert!(
                p.text.contains("灵昆高新技术园区规划报告"),
                "page {} has no title",
                i + 1
            );
        }
    }

    // One opinion sheet per applicant, each on one page (its signature line on the same page).
    let screen = common::read(dir.join("screen.csv"));
    let applicants: Vec<&str> = screen
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let mut sheets = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let titles: Vec<&str> = p
            .text
            .match_indices("入园申请审查意见表 · ")
            .map(|(k, m)| {
                p.text[k + m.len()..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
            })
            .collect();
        assert!(
            titles.len() <= 1,
            "page {} holds {} sheets",
            i + 1,
            titles.len()
        );
        if let Some(id) = titles.first() {
            assert!(
                p.text.contains("审查人"),
                "the sheet of {id} runs past page {}",
                i + 1
            );
            sheets.push(id.to_string());
        }
    }
    assert_eq!(sheets, applicants, "one sheet per applicant, in order");

    // A table longer than a page repeats its header on every page it runs over.
    let header_pages: Vec<usize> = (0..pages.len())
        .filter(|i| {
            pages[*i]
                .text
                .lines()
                .any(|l| l.contains("条件编号") && l.contains("整改要求"))
        })
        .collect();
    assert!(
        header_pages.len() >= 2 && header_pages.windows(2).all(|w| w[1] == w[0] + 1),
        "the failed-criteria table's header is on pages {header_pages:?}"
    );

    // No id is broken across lines.
    let criteria: Vec<String> = common::rules()
        .admission
        .criteria()
        .iter()
        .map(|c| c.id.clone())
        .collect();
    for (i, p) in pages.iter().enumerate().filter(|(i, _)| !a3.contains(i)) {
        for token in p.text.split_whitespace() {
            let cut =
                token.ends_with('-') && ["AP-", "UR-", "LK-"].iter().any(|x| token.starts_with(x));
            let cut_criterion =
                token.ends_with('_') && criteria.iter().any(|c| c.starts_with(token) && c != token);
            assert!(
                !cut && !cut_criterion,
                "page {}: id cut at {token:?}",
                i + 1
            );
        }
    }
    for id in &applicants {
        assert!(
            pages.iter().any(|p| p.text.contains(id)),
            "{id} never shown whole"
        );
    }

    // Chinese drawn with the embedded subset alone: Chromium had no CJK font to fall back on,
    // and embedded no font but the subset (and its synthetic bold).
    let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
    let fonts = common::stdout(&fonts);
    for l in fonts.lines().skip(2) {
        assert!(
            l.contains("WenQuanYiMicroHei") || l.contains("Type 3"),
            "a font other than the embedded subset: {l}"
        );
    }
    assert!(pages[0].text.contains("结论"), "Chinese text extracts");

    // Page images to look at: the conclusion, the first sheet, the maps.
    let first_sheet = pages
        .iter()
        .position(|p| p.text.contains("入园申请审查意见表"))
        .unwrap();
    for n in [1, 2, first_sheet + 1, a3[0] + 1, a3[1] + 1] {
        let o = Command::new("pdftoppm")
            .args([
                "-r",
                "60",
                "-png",
                "-f",
                &n.to_string(),
                "-l",
                &n.to_string(),
            ])
            .arg(&pdf)
            .arg(out_dir().join("page"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", common::stderr(&o));
    }
}

/// `parkplan serve` in headless Chromium (tests/browser/serve.mjs): a threshold changed on the
/// page updates the counts and the flipped applicant, a bad value shows its error next to the
/// field, no console errors, no request beyond 127.0.0.1. Screenshots in `shots/serve-*.png`.
#[test]
fn the_serve_page_reruns_a_rule_change_in_headless_chromium() {
    if !have(&[
        ("chromium", chromium().is_some()),
        ("node", on_path("node").is_some()),
        (
            "playwright-core (npm ci --prefix tests/browser)",
            playwright(),
        ),
    ]) {
        return;
    }
    use std::io::BufRead;
    let mut server = common::bin()
        .args(["serve", "--port", "0", "--date", "2026-11-26"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut url = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let shots = out_dir().join("shots");
    let o = node("serve.mjs", url.trim(), &shots);
    let _ = server.kill();
    let _ = server.wait();
    assert_checks(
        &o,
        &shots,
        &[
            "ok: AP-032 flips",
            "ok: the counts after",
            "ok: the error is shown next to the field",
            "ok: no console errors",
            "ok: no network request",
        ],
    );
}

/// Run `tests/browser/SCRIPT` on `arg` (a page or a URL) with Debian's Chromium, its
/// screenshots into `shots`.
fn node(script: &str, arg: impl AsRef<std::ffi::OsStr>, shots: &Path) -> std::process::Output {
    Command::new("node")
        .arg(Path::new(common::ROOT).join("tests/browser").join(script))
        .arg(arg)
        .arg(shots)
        .env("PARKPLAN_CHROMIUM", chromium().unwrap())
        .output()
        .unwrap()
}

/// The script succeeded and printed every one of `checks`.
fn assert_checks(o: &std::process::Output, shots: &Path, checks: &[&str]) {
    let out = common::stdout(o);
    println!("{out}");
    assert!(
        o.status.success(),
        "{out}\n{}\nscreenshots in {}",
        common::stderr(o),
        shots.display()
    );
    for check in checks {
        common::assert_contains(&out, check);
    }
}
