//! What the catalog's parser cannot check: every cell sourced, every reference resolvable,
//! dates dated, `partial` cells saying what they cover, weaker modes naming a real inventory field.

use std::collections::BTreeSet;

use super::{CatalogError, Support, System};

/// What the parser cannot check: every cell sourced, every reference resolvable, dates dated.
pub(crate) fn validate(systems: &[System]) -> Result<(), CatalogError> {
    let ids: BTreeSet<&str> = systems.iter().map(|s| s.id.as_str()).collect();
    if ids.len() != systems.len() {
        return Err(CatalogError("two entries share an id".into()));
    }
    for system in systems {
        let fail = |message: String| Err(CatalogError(format!("{}: {message}", system.id)));
        if crate::date::Date::parse(&system.reviewed).is_none() {
            return fail(format!("`reviewed: {}` is not a date", system.reviewed));
        }
        let source_ids: BTreeSet<&str> = system.sources.iter().map(|s| s.id.as_str()).collect();
        if system.sources.is_empty() {
            return fail("an entry needs at least one source".into());
        }
        for (channel, cell) in &system.channels {
            if cell.sources.is_empty() {
                return fail(format!("{channel} names no source"));
            }
            if let Some(missing) = cell
                .sources
                .iter()
                .find(|s| !source_ids.contains(s.as_str()))
            {
                return fail(format!(
                    "{channel} cites `{missing}`, which is not in `sources`"
                ));
            }
            if cell.status == Support::Partial
                && (cell.scope.is_none() || cell.covered.is_none() || cell.not_covered.is_none())
            {
                return fail(format!(
                    "{channel} is `partial` but lacks `scope`, `covered` or `not_covered`"
                ));
            }
        }
        for mode in &system.weaker_modes {
            let off = crate::fields::FieldId::parse(&mode.setting)
                .and_then(|f| f.vocabulary())
                .is_some_and(|words| words.contains(&"off"));
            if !off {
                return fail(format!(
                    "weaker mode `{}` is not an inventory field that can say `off`",
                    mode.setting
                ));
            }
            if mode.sources.is_empty() || mode.channels.is_empty() {
                return fail(format!(
                    "weaker mode `{}` needs channels and sources",
                    mode.setting
                ));
            }
            if let Some(missing) = mode
                .sources
                .iter()
                .find(|s| !source_ids.contains(s.as_str()))
            {
                return fail(format!(
                    "weaker mode `{}` cites `{missing}`, which is not in `sources`",
                    mode.setting
                ));
            }
        }
        if let Some(channel) = system
            .unknown
            .iter()
            .find(|c| system.channels.contains_key(c))
        {
            return fail(format!("{channel} is both classified and `unknown`"));
        }
        for reference in system.includes.iter().chain(&system.part_of) {
            if !ids.contains(reference.as_str()) {
                return fail(format!("`{reference}` is not a catalog id"));
            }
        }
        if system.is_suite() == system.includes.is_empty() {
            return fail("a suite, and only a suite, lists `includes`".into());
        }
        if system.is_suite() && !system.channels.is_empty() {
            return fail("a suite has no channels of its own: its components are judged".into());
        }
    }
    Ok(())
}
