//! Land freed: the urban land (and the tax it earns today) the `relocate` and `convert` actions
//! would free, in total, by class and by action.

use super::{Action, Class};
use serde::Serialize;
use std::collections::BTreeMap;

/// Land of one group of enterprises and the tax it earns today.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Land {
    pub enterprises: usize,
    pub mu: f64,
    pub tax_10k_yuan: f64,
}

impl Land {
    pub(super) fn add(&mut self, mu: f64, tax: f64) {
        self.enterprises += 1;
        self.mu += mu;
        self.tax_10k_yuan += tax;
    }
    /// Tax per mu the land earns today; `None` for no land.
    pub fn tax_per_mu(&self) -> Option<f64> {
        (self.mu > 0.0).then(|| self.tax_10k_yuan / self.mu)
    }
}

/// The urban land the `relocate` and `convert` actions would free.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct LandFreed {
    pub total: Land,
    pub by_class: BTreeMap<Class, Land>,
    pub by_action: BTreeMap<Action, Land>,
}
