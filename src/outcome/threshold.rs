//! `fail_on`: the severity from which a run fails, set by the config or `--fail-on`.

use crate::finding::Severity;

/// The least severity that makes a run exit 1; `Never` lets every run pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    /// The spellings, for config validation and documentation.
    pub(crate) const NAMES: &[&str] = &["error", "warning", "info", "never"];

    pub(crate) fn parse(text: &str) -> Option<FailOn> {
        match text {
            "error" => Some(FailOn::Error),
            "warning" => Some(FailOn::Warning),
            "info" => Some(FailOn::Info),
            "never" => Some(FailOn::Never),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Info => "info",
            FailOn::Never => "never",
        }
    }

    /// The severity from which a finding fails the run; `None` for `never`.
    pub(crate) fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }

    /// Of two configs' settings, the one that fails more runs.
    pub(crate) fn stricter(self, other: FailOn) -> FailOn {
        let rank = |f: FailOn| f.threshold().map_or(3, |s| s as u8);
        if rank(self) <= rank(other) {
            self
        } else {
            other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_stricter_fails_more() {
        for name in FailOn::NAMES {
            assert_eq!(FailOn::parse(name).map(FailOn::as_str), Some(*name));
        }
        assert_eq!(FailOn::Error.stricter(FailOn::Warning), FailOn::Warning);
        assert_eq!(FailOn::Never.stricter(FailOn::Error), FailOn::Error);
        assert_eq!(FailOn::Info.stricter(FailOn::Warning), FailOn::Info);
    }
}
