//! The `[admission]` section: criteria for screening park applicants (filled in by the screening stage).

use super::{CheckContext, SpanError};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdmissionRules {}

impl AdmissionRules {
    /// Semantic checks after parsing; each error is located by a span in the file.
    pub fn check(&self, _ctx: &CheckContext) -> Vec<SpanError> {
        Vec::new()
    }
}
