//! Every rule's help link (SARIF `helpUri`, LSP `codeDescription`) is the manual's page for
//! that rule: a page the book builds and its summary lists.

use std::path::Path;

use super::rule_help_uri;
use crate::engine::rule::Registry;

#[test]
fn rule_help_links_are_the_manuals_rule_pages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let summary = std::fs::read_to_string(root.join("docs/src/SUMMARY.md")).unwrap();
    let site = env!("CARGO_PKG_HOMEPAGE").trim_end_matches('/');
    let registry = Registry::embedded().unwrap();
    for rule in registry.rules() {
        let id = &rule.info.id;
        let uri = rule_help_uri(id);
        assert_eq!(uri, format!("{site}/rules/{id}.html"));
        // mdBook writes `rules/<id>.html` from `rules/<id>.md`, listed in the book's summary.
        assert!(
            root.join(format!("docs/src/rules/{id}.md")).is_file(),
            "{uri}: no page docs/src/rules/{id}.md"
        );
        assert!(
            summary.contains(&format!("(rules/{id}.md)")),
            "{id}: not in docs/src/SUMMARY.md"
        );
    }
}
