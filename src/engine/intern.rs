//! One shared copy of each text a file's findings repeat: messages, help lines, labels, catalog
//! ids, owners. A 100,000-tool file has about a thousand distinct messages among its 110,000
//! findings; each finding and tool summary holds a reference, not a copy.

use std::collections::HashSet;
use std::sync::Arc;

/// How many distinct texts a file shares; past that, new texts are not remembered, so a file of
/// all-different texts costs no more than before (one allocation each).
const SHARED: usize = 4096;

/// The texts already used in one file.
#[derive(Debug, Default)]
pub(super) struct Interner {
    /// foldhash, not SipHash: every message and help line is hashed once, and SipHash on them
    /// was 3% of a monorepo run. Seeded per process; the set's order is never read.
    texts: HashSet<Arc<str>, foldhash::fast::RandomState>,
    /// Reused for rendering, so a text already shared costs no allocation.
    scratch: String,
}

impl Interner {
    /// The shared copy of `text`.
    pub(super) fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.texts.get(text) {
            return Arc::clone(shared);
        }
        let text: Arc<str> = Arc::from(text);
        if self.texts.len() < SHARED {
            self.texts.insert(Arc::clone(&text));
        }
        text
    }

    /// The shared copy of the text `write` produces.
    pub(super) fn render(&mut self, write: impl FnOnce(&mut String)) -> Arc<str> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        write(&mut scratch);
        let text = self.get(&scratch);
        self.scratch = scratch;
        text
    }

    pub(super) fn clear(&mut self) {
        self.texts.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_one_copy() {
        let mut interner = Interner::default();
        let a = interner.get("Slack: no E2EE");
        let b = interner.render(|out| out.push_str("Slack: no E2EE"));
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &interner.get("Zoom: no E2EE")));
    }

    /// What keeps a 100,000-tool run within 4x its input: two tools that get the same message
    /// hold one copy of it, and a finding names its tool through the summary's copy.
    #[test]
    fn a_files_findings_share_their_texts() {
        let engine = crate::engine::Engine::embedded().unwrap();
        let text = "- {name: Slack, id: a, owner: it}\n- {name: Slack, id: b, owner: it}\n";
        let source = Arc::new(crate::source::SourceFile::new(
            "t.yaml",
            "t.yaml",
            text.into(),
        ));
        let (findings, summaries) =
            engine.run(&source, &crate::inventory::load(&source).0, Vec::new());
        let no_e2ee: Vec<_> = findings.iter().filter(|f| &*f.rule == "no-e2ee").collect();
        let [first, second] = no_e2ee.as_slice() else {
            panic!("one no-e2ee finding per tool: {findings:#?}");
        };
        assert!(Arc::ptr_eq(&first.message, &second.message));
        assert!(Arc::ptr_eq(&first.rule, &second.rule));
        let (Some(a), Some(b)) = (&first.help, &second.help) else {
            panic!("no-e2ee has a help line");
        };
        assert!(Arc::ptr_eq(a, b));
        let tool = first.tool.as_ref().unwrap();
        assert!(Arc::ptr_eq(&tool.name, &summaries[0].name));
        let (Some(a), Some(b)) = (summaries[0].owner(), summaries[1].owner()) else {
            panic!("owners are kept");
        };
        assert!(Arc::ptr_eq(a, b));
    }

    #[test]
    fn stops_remembering_past_the_bound() {
        let mut interner = Interner::default();
        for i in 0..SHARED + 10 {
            interner.get(&i.to_string());
        }
        assert_eq!(interner.texts.len(), SHARED);
        let late = (SHARED + 5).to_string();
        assert!(!Arc::ptr_eq(&interner.get(&late), &interner.get(&late)));
        assert_eq!(&*interner.get(&late), late);
    }
}
