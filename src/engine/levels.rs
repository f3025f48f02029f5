//! The company's data classification levels, and from which one E2EE is required.

use crate::fields;
use crate::inventory::Tool;

/// The company's ordered data classification levels and the level from which E2EE is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Levels {
    /// Least to most sensitive.
    pub names: Vec<String>,
    /// Index into `names` of the first level that requires E2EE.
    pub(crate) threshold: usize,
}

impl Default for Levels {
    fn default() -> Self {
        Levels {
            names: ["public", "internal", "confidential", "restricted"]
                .map(String::from)
                .to_vec(),
            threshold: 2,
        }
    }
}

impl Levels {
    pub(crate) fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// Whether `value` is a known level at or above `level`.
    pub(crate) fn at_least(&self, value: &str, level: &str) -> bool {
        matches!((self.index(value), self.index(level)), (Some(v), Some(l)) if v >= l)
    }

    /// Whether the tool's data requires E2EE under this policy.
    pub(crate) fn is_sensitive(&self, tool: &Tool) -> bool {
        tool.value(fields::DATA_CLASSIFICATION)
            .and_then(|c| self.index(c))
            .is_some_and(|i| i >= self.threshold)
    }

    pub(crate) fn threshold_name(&self) -> &str {
        self.names.get(self.threshold).map_or("", String::as_str)
    }
}
