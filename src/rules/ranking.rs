//! The `[ranking]` section: the per-mu benefit evaluation (filled in by the ranking stage).

use super::{CheckContext, SpanError};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankingRules {}

impl RankingRules {
    /// Semantic checks after parsing; each error is located by a span in the file.
    pub fn check(&self, _ctx: &CheckContext) -> Vec<SpanError> {
        Vec::new()
    }
}
