//! `parkplan serve` over real sockets: the binary started with `--port 0` (its URL read from
//! stdout), a bounded storm of good, bad and oversized requests from 127.0.0.1, the answers
//! checked, the server still answering after it and its resident memory flat; a non-loopback
//! `--host` refused with exit 2.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Stdio};
use std::time::Duration;

/// The server process, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Server {
    let mut child = common::bin()
        .args(["serve", "--port", "0", "--date", "2026-11-26"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim();
    let addr = url
        .strip_prefix("http://")
        .and_then(|r| r.strip_suffix('/'))
        .unwrap_or_else(|| panic!("expected http://127.0.0.1:PORT/ on stdout, got {url:?}"));
    let addr: SocketAddr = addr.parse().unwrap();
    assert!(addr.ip().is_loopback() && addr.port() != 0, "{addr}");
    Server { child, addr }
}

/// One HTTP/1.0 request (so the answer is not chunked) on its own connection: (status, body).
fn request(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    request_to(addr, &addr.to_string(), method, path, body)
}

/// [`request`] with the Host header `host`.
fn request_to(
    addr: SocketAddr,
    host: &str,
    method: &str,
    path: &str,
    body: &[u8],
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    // The server may answer 413 and close before reading an oversized body.
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

const AT_250: &str = r#"{"values":{"criterion.investment_intensity":"250"}}"#;

#[test]
fn a_rule_change_reruns_the_plan_and_a_bad_value_gets_the_loaders_located_error() {
    let s = start(&[]);
    let (status, page) = request(s.addr, "GET", "/", b"");
    assert_eq!(status, 200);
    common::assert_contains(&page, "criterion.investment_intensity");
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "the page loads nothing"
    );

    let (status, body) = request(s.addr, "POST", "/api/run", AT_250.as_bytes());
    assert_eq!(status, 200, "{body}");
    let v = json(&body);
    let sc = &v["screening"];
    assert_eq!(sc["before"]["conditional"], 12);
    assert_eq!(
        sc["after"]["admit"],
        sc["before"]["admit"].as_u64().unwrap() + 1
    );
    let flips: Vec<_> = sc["changes"].as_array().unwrap().iter().collect();
    assert_eq!(flips.len(), 1, "{flips:?}");
    assert_eq!(flips[0]["id"], "AP-032");
    assert_eq!(flips[0]["before"], "conditional");
    assert_eq!(flips[0]["after"], "admit");
    assert!(v["map"].as_str().unwrap().starts_with("<svg"));

    let (status, body) = request(
        s.addr,
        "POST",
        "/api/run",
        br#"{"values":{"weight.above_size.tax_per_mu":"-5"}}"#,
    );
    assert_eq!(status, 200);
    assert_eq!(json(&body)["ok"], false);
    let e = &json(&body)["errors"][0];
    assert_eq!(e["field"], "weight.above_size.tax_per_mu");
    let m = e["message"].as_str().unwrap();
    common::assert_contains(m, "ranking.track.above_size.indicators[0].weight");
    common::assert_contains(m, "expected a positive number, got -5");
    common::assert_contains(m, "line ");

    // An error after the criteria is not blamed on the last one.
    let (status, body) = request(
        s.addr,
        "POST",
        "/api/run",
        br#"{"values":{"area_fit.min":"x"}}"#,
    );
    assert_eq!(status, 200);
    assert_eq!(json(&body)["ok"], false);
    let e = &json(&body)["errors"][0];
    assert_eq!(e["field"], "area_fit.min");
    assert!(!e["message"].as_str().unwrap().contains("criterion"), "{e}");

    // A page elsewhere reaching the port through a name that resolves to 127.0.0.1 (DNS
    // rebinding) is refused; the machine's own names are not.
    let (status, _) = request_to(
        s.addr,
        "attacker.example:80",
        "POST",
        "/api/run",
        AT_250.as_bytes(),
    );
    assert_eq!(status, 403);
    let localhost = format!("localhost:{}", s.addr.port());
    assert_eq!(request_to(s.addr, &localhost, "GET", "/", b"").0, 200);

    // A client that announces a body and sends none holds nobody else for long.
    let mut stalled = TcpStream::connect(s.addr).unwrap();
    let head = format!(
        "POST /api/run HTTP/1.0\r\nHost: {}\r\nContent-Length: 100\r\n\r\n{{",
        s.addr
    );
    stalled.write_all(head.as_bytes()).unwrap();
    let t = std::time::Instant::now();
    assert_eq!(request(s.addr, "GET", "/", b"").0, 200);
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());
    drop(stalled);

    // Without --out nothing is written.
    let (status, _) = request(s.addr, "POST", "/api/write", AT_250.as_bytes());
    assert_eq!(status, 409);
}

#[test]
fn a_request_storm_leaves_it_answering_with_flat_memory() {
    let s = start(&[]);
    let pid = s.child.id();
    let big = vec![b'{'; 65 * 1024];
    let send = |i: usize| {
        // Every 50th: a full rerun of the plan with its comparison and map.
        if i % 50 == 49 {
            let (status, body) = request(s.addr, "POST", "/api/run", AT_250.as_bytes());
            assert_eq!(status, 200, "request {i}: {body}");
            return;
        }
        let (status, body) = match i % 8 {
            0 => request(s.addr, "GET", "/", b""),
            1 => request(s.addr, "GET", "/etc/passwd", b""),
            2 => request(s.addr, "POST", "/api/run", b"not json"),
            3 => request(s.addr, "POST", "/api/run", &big),
            4 => request(s.addr, "POST", "/api/run", br#"{"values":{"nope.x":"1"}}"#),
            5 => request(s.addr, "DELETE", "/api/run", b""),
            6 => request(
                s.addr,
                "POST",
                "/api/run",
                br#"{"values":{"criterion.hightech_share":"5x"}}"#,
            ),
            _ => request(s.addr, "GET", "/../../Cargo.toml", b""),
        };
        let want = [200, 404, 400, 413, 400, 405, 200, 404][i % 8];
        assert_eq!(status, want, "request {i}: {body}");
        if i % 8 == 6 {
            common::assert_contains(&body, r#""field":"criterion.hightech_share""#);
        }
    };
    for i in 0..16 {
        send(i);
    }
    // One full rerun too, then the baseline.
    assert_eq!(
        request(s.addr, "POST", "/api/run", AT_250.as_bytes()).0,
        200
    );
    let before = rss_kib(pid);
    for i in 0..400 {
        send(i);
    }
    assert_eq!(
        request(s.addr, "POST", "/api/run", AT_250.as_bytes()).0,
        200
    );
    let after = rss_kib(pid);
    println!("resident memory: {before} KiB after the first requests, {after} KiB after 400 more");
    assert!(
        after <= before + before / 20 + 2048,
        "resident memory grew from {before} KiB to {after} KiB over 400 requests"
    );
}

#[test]
fn a_non_loopback_host_is_refused() {
    for host in ["0.0.0.0", "192.168.1.10", "example.com"] {
        let o = common::parkplan(&["serve", "--host", host]);
        assert_eq!(o.status.code(), Some(2), "--host {host}");
        common::assert_contains(&common::stderr(&o), "loopback");
    }
}

#[test]
fn the_write_button_writes_the_rule_file_and_the_compared_plan_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tried");
    let s = start(&["--out", out.to_str().unwrap()]);
    let (status, body) = request(s.addr, "POST", "/api/write", AT_250.as_bytes());
    assert_eq!(status, 200, "{body}");
    let rules = common::read(out.join("rules.toml"));
    common::assert_contains(&rules, "investment_per_mu >= 250");
    let c = common::read_json(out.join("compare.json"));
    let ids: Vec<_> = c["screening"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["AP-032"]);
    assert!(out.join("report.html").is_file() && out.join("compare-map.svg").is_file());
    // The written rule file loads as the rules of a plain `plan --compare`, with the same flips.
    let o = common::parkplan(&[
        "screen",
        "--rules",
        out.join("rules.toml").to_str().unwrap(),
        "--date",
        "2026-11-26",
    ]);
    common::assert_ok(&o);
}

/// The classes of `rank` with the rule file `rules` (`None`: the bundled one), by id.
fn classes(rules: Option<&std::path::Path>) -> std::collections::BTreeMap<String, String> {
    let mut cmd = common::bin();
    cmd.arg("rank");
    if let Some(r) = rules {
        cmd.arg("--rules").arg(r);
    }
    let o = cmd.output().unwrap();
    common::assert_ok(&o);
    let text = common::stdout(&o);
    let mut rows = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let head = rows.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let (id, class) = (col("id"), col("class"));
    rows.records()
        .map(|r| {
            let r = r.unwrap();
            (r[id].to_string(), r[class].to_string())
        })
        .collect()
}

#[test]
fn a_weight_change_moves_the_classes_a_separate_rank_run_gives() {
    let s = start(&[]);
    let (status, body) = request(
        s.addr,
        "POST",
        "/api/run",
        br#"{"values":{"weight.above_size.tax_per_mu":"60"}}"#,
    );
    assert_eq!(status, 200, "{body}");
    let v = json(&body);
    let moved: Vec<String> = v["ranking"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["class_before"] != c["class_after"])
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    let text = common::read(common::RULES).replacen("\nweight = 30\n", "\nweight = 60\n", 1);
    let (_dir, changed) = common::temp_file("rules.toml", text);
    let (before, after) = (classes(None), classes(Some(&changed)));
    let expected: Vec<String> = before
        .iter()
        .filter(|(id, c)| after.get(*id) != Some(c))
        .map(|(id, _)| id.clone())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(moved, expected);
}
