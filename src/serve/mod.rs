//! `parkplan serve`: a local page for trying rule changes live.
//!
//! The scenario is loaded once and its base plan run once; the page (one self-contained HTML
//! file compiled into the binary: inline CSS and script, no network) shows the rule values as a
//! form ([`form`]). Each change is POSTed; the server writes the changed values into the rule
//! file's table, loads the result with the same rule loader as a file (a bad value gets the
//! loader's located error, returned for the field that caused it), reruns the plan in-process
//! and answers with the [`Comparison`] with the base plan and its difference map as SVG.
//! Nothing is read beyond the scenario's files and nothing written unless the page asks to
//! write (`--out`): the changed rule file and the plan folder as `plan --compare` writes it.
//!
//! The HTTP side ([`http`]) binds a loopback address only, answers one request at a time,
//! caps request bodies at [`BODY_LIMIT`] and serves only the known paths.

pub mod form;
mod http;
mod page;

pub use http::{BODY_LIMIT, serve};

use crate::Error;
use crate::allocate::Mode;
use crate::i18n::Lang;
use crate::plan::compare::Comparison;
use crate::plan::{Outcome, Plan};
use crate::scenario::Scenario;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// A loopback address ([`loopback`]).
    pub host: IpAddr,
    /// 0: a free port chosen by the system.
    pub port: u16,
    /// Where the write button writes; `None`: the button is disabled.
    pub out: Option<PathBuf>,
    pub lang: Lang,
    pub date: NaiveDate,
    pub mode: Mode,
}

/// The address to bind: `localhost` or a loopback IP address; anything else is refused, since
/// the page can change and write files and has no login.
pub fn loopback(host: &str) -> Result<IpAddr, String> {
    let ip = match host.trim() {
        "localhost" => IpAddr::from([127, 0, 0, 1]),
        h => h.parse::<IpAddr>().map_err(|_| {
            format!("--host {h:?} is not an IP address; serve binds a loopback address only (127.0.0.1, ::1 or localhost)")
        })?,
    };
    match ip.is_loopback() {
        true => Ok(ip),
        false => Err(format!(
            "--host {ip} is not a loopback address; serve binds 127.0.0.1, ::1 or localhost only, so that no other machine can reach the page (it changes rules and writes files, without a login)"
        )),
    }
}

/// What the page POSTs: the changed values by field id ([`form::Field::id`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Changes {
    values: BTreeMap<String, String>,
}

/// A problem with one field (`None`: with the rules as a whole or the plan).
#[derive(Debug, Serialize)]
struct FieldError {
    field: Option<String>,
    message: String,
}

/// The base plan and what a rerun needs.
pub(crate) struct Session<'s> {
    scenario: &'s Scenario,
    base: Outcome<'s>,
    opts: Options,
}

/// An answer: HTTP status, content type, body.
pub(crate) struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Reply {
    fn json(status: u16, v: &impl Serialize) -> Reply {
        Reply {
            status,
            content_type: "application/json; charset=utf-8",
            body: serde_json::to_vec(v).unwrap_or_else(|_| b"{}".to_vec()),
        }
    }
    pub(crate) fn error(status: u16, message: &str) -> Reply {
        Reply::json(
            status,
            &serde_json::json!({ "ok": false, "message": message }),
        )
    }
}

/// The other plan's rule text and scenario, or the problems by field.
struct Rerun {
    text: String,
    scenario: Scenario,
}

impl<'s> Session<'s> {
    /// Run the base plan.
    pub(crate) fn new(scenario: &'s Scenario, opts: Options) -> Result<Session<'s>, Error> {
        let base = Plan::new(scenario)
            .date(opts.date)
            .mode(opts.mode)
            .lang(opts.lang)
            .run()?;
        Ok(Session {
            scenario,
            base,
            opts,
        })
    }

    /// Answer one request (method, path, body). Values the rule loader refuses are an answer,
    /// not a failed request: 200 with `ok: false` and the errors by field (a browser logs every
    /// 4xx as a console error); a body that is not the page's JSON is 400.
    pub(crate) fn handle(&self, method: &str, path: &str, body: &[u8]) -> Reply {
        match (method, path) {
            ("GET", "/") => Reply {
                status: 200,
                content_type: "text/html; charset=utf-8",
                body: page::html(self).into_bytes(),
            },
            ("POST", "/api/run") => self.post(body, false),
            ("POST", "/api/write") => self.post(body, true),
            (_, "/" | "/api/run" | "/api/write") => Reply::error(405, "method not allowed"),
            _ => Reply::error(404, "not found"),
        }
    }

    fn post(&self, body: &[u8], write: bool) -> Reply {
        let changes: Changes = match serde_json::from_slice(body) {
            Ok(c) => c,
            Err(e) => {
                return Reply::error(
                    400,
                    &format!("expected {{\"values\": {{field: text}}}}: {e}"),
                );
            }
        };
        let rerun = match self.rules(&changes.values) {
            Ok(r) => r,
            Err(Some(errors)) => {
                return Reply::json(200, &serde_json::json!({ "ok": false, "errors": errors }));
            }
            Err(None) => return Reply::error(400, "unknown or read-only field"),
        };
        let other = match Plan::new(&rerun.scenario)
            .date(self.opts.date)
            .mode(self.opts.mode)
            .lang(self.opts.lang)
            .run()
        {
            Ok(o) => o,
            Err(e) => {
                let errors = [FieldError {
                    field: None,
                    message: e.to_string(),
                }];
                return Reply::json(200, &serde_json::json!({ "ok": false, "errors": errors }));
            }
        };
        let c = Comparison::new(&self.base, &other);
        if write {
            return self.write(&rerun.text, &c, &other);
        }
        let svg = crate::render::map::park_map_svg(&crate::plan::compare::map::difference_map(
            &c, &other,
        ))
        .map_err(|e| e.to_string());
        Reply::json(
            200,
            &serde_json::json!({
                "ok": true,
                "rules": c.rules,
                "screening": c.screening,
                "ranking": c.ranking,
                "allocation": c.allocation,
                "map": svg.as_ref().ok(),
                "map_error": svg.as_ref().err(),
            }),
        )
    }

    /// The rule set with `changes`, loaded by the rule loader; its errors, each on the field
    /// whose value alone causes it (`None`: a field the form does not have).
    fn rules(&self, changes: &BTreeMap<String, String>) -> Result<Rerun, Option<Vec<FieldError>>> {
        let values = &self.scenario.rules.values;
        let all = form::applied(values, changes).map_err(|_| None)?;
        let (text, loaded) = self.load(&all);
        let rules = match loaded {
            Ok(r) => r,
            Err(problems) => {
                let mut errors = Vec::new();
                for (id, value) in changes {
                    let one = BTreeMap::from([(id.clone(), value.clone())]);
                    let Ok(v) = form::applied(values, &one) else {
                        continue;
                    };
                    if let Err(p) = self.load(&v).1 {
                        errors.extend(p.0.iter().map(|e| FieldError {
                            field: Some(id.clone()),
                            message: e.to_string(),
                        }));
                    }
                }
                if errors.is_empty() {
                    // Only the changes together are refused (e.g. area_fit min above max).
                    errors.extend(problems.0.iter().map(|e| FieldError {
                        field: None,
                        message: e.to_string(),
                    }));
                }
                return Err(Some(errors));
            }
        };
        let mut scenario = self.scenario.clone();
        scenario.rules = rules;
        Ok(Rerun { text, scenario })
    }

    /// The table as TOML text, loaded as if it were the scenario's rule file.
    fn load(
        &self,
        values: &toml::Table,
    ) -> (String, Result<crate::rules::RuleSet, crate::Problems>) {
        let text = toml::to_string(values).unwrap_or_default();
        let hash = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        // Lines and columns are the changed text's, not the file's: say so in the name.
        let source = crate::io::shown_path(&self.scenario.rules.source);
        let name = PathBuf::from(format!("{source} (as changed on the page)"));
        let loaded = crate::rules::parse(&name, &text, hash);
        (text, loaded)
    }

    /// Write the changed rule file and the plan folder with the comparison into `--out`.
    fn write(&self, text: &str, c: &Comparison, other: &Outcome) -> Reply {
        let Some(out) = &self.opts.out else {
            return Reply::error(409, "no --out folder was given: nothing is written");
        };
        let inputs = self.scenario.files.inputs();
        let rules_path = out.join("rules.toml");
        let mut listed = crate::plan::plan_files_with(self.base.has_ranking(), true);
        listed.push(crate::plan::Listed {
            names: vec!["rules.toml".into()],
            holds: "the changed rule file".into(),
        });
        let written = crate::plan::check_outputs(out, &listed, &inputs)
            .and_then(|_| std::fs::create_dir_all(out).map_err(|e| Error::io(out, e)))
            .and_then(|_| crate::io::write_atomic(&rules_path, |w| w.write_all(text.as_bytes())))
            .and_then(|_| {
                crate::plan::write_folder_compared(
                    &self.base,
                    (c, other),
                    out,
                    crate::plan::Tables::default(),
                    &mut crate::plan::Silent,
                )
            });
        match written {
            Ok(()) => Reply::json(
                200,
                &serde_json::json!({ "ok": true, "written": crate::io::shown_path(out) }),
            ),
            Err(e) => Reply::error(500, &e.to_string()),
        }
    }

    /// Whether the write button works, and why not.
    fn write_target(&self) -> Option<String> {
        self.opts.out.as_ref().map(|p| crate::io::shown_path(p))
    }
}
