//! Progress for `plan --compare`: the base plan's warnings are remembered, so the other plan
//! prints only the warnings of its own files.

use super::StderrProgress;
use parkplan::plan::{Progress, Stage};

/// The base plan's progress, remembering its warnings.
pub(super) struct Warned<'p> {
    pub(super) inner: &'p mut StderrProgress,
    pub(super) seen: std::collections::BTreeSet<String>,
}

impl Progress for Warned<'_> {
    fn stage(&mut self, stage: Stage, summary: &str, elapsed: Option<std::time::Duration>) {
        self.inner.stage(stage, summary, elapsed);
    }
    fn warning(&mut self, text: &str) {
        self.seen.insert(text.to_string());
        self.inner.warning(text);
    }
    fn begin(&mut self, stage: Stage, total: Option<u64>) {
        self.inner.begin(stage, total);
    }
    fn advance(&mut self, done: u64) {
        self.inner.advance(done);
    }
    fn begin_metered(&mut self, stage: Stage, meter: std::sync::Arc<parkplan::meter::Meter>) {
        self.inner.begin_metered(stage, meter);
    }
}

/// The other plan's progress (`--compare`): only the warnings the base plan did not give.
pub(super) struct OtherWarnings(pub(super) std::collections::BTreeSet<String>);

impl Progress for OtherWarnings {
    fn stage(&mut self, _: Stage, _: &str, _: Option<std::time::Duration>) {}
    fn warning(&mut self, text: &str) {
        if !self.0.contains(text) {
            eprintln!("other plan: {text}");
        }
    }
}
