//! `--severity RULE=LEVEL` flags, checked against the ids a config or a flag may set.

use std::collections::BTreeMap;

use super::config::RuleLevel;
use super::{Error, ids};
use crate::engine::rule::Registry;
use crate::suggest::did_you_mean;

/// The ids a config or `--severity` may set: `invalid-config` is documented like a rule, but it
/// is no finding.
pub(super) fn settable_ids(registry: &Registry) -> Vec<&str> {
    registry
        .rules()
        .map(|r| &*r.info.id)
        .filter(|id| *id != ids::INVALID_CONFIG && *id != ids::CATALOG_OVERRIDE)
        .collect()
}

/// `--severity no-e2ee=warning` flags, validated against the rule ids.
pub(super) fn parse_severity_flags(
    flags: &[String],
    rule_ids: &[&str],
) -> Result<BTreeMap<String, RuleLevel>, Error> {
    let mut levels = BTreeMap::new();
    for flag in flags {
        let Some((rule, level)) = flag.split_once('=') else {
            return Err(Error::Usage(format!(
                "--severity `{flag}`: expected RULE=LEVEL, e.g. `no-e2ee=warning`"
            )));
        };
        let (rule, level) = (rule.trim(), level.trim());
        if !rule_ids.contains(&rule) {
            let hint =
                did_you_mean(rule, rule_ids).unwrap_or_else(|| "see `e2ee-lint rules`".into());
            return Err(Error::Usage(format!(
                "--severity: unknown rule `{rule}`; {hint}"
            )));
        }
        let Some(level) = RuleLevel::parse(level) else {
            return Err(Error::Usage(format!(
                "--severity {rule}: unknown level `{level}`; expected one of: error, warning, info, off"
            )));
        };
        levels.insert(rule.to_owned(), level);
    }
    Ok(levels)
}
