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
pub struct Interner {
    /// foldhash, not SipHash: every message and help line is hashed once, and SipHash on them
    /// was 3% of a monorepo run. Seeded per process; the set's order is never read.
    texts: HashSet<Arc<str>, foldhash::fast::RandomState>,
    /// Reused for rendering, so a text already shared costs no allocation.
    scratch: String,
}

impl Interner {
    /// The shared copy of `text`.
    pub fn get(&mut self, text: &str) -> Arc<str> {
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
    pub fn render(&mut self, write: impl FnOnce(&mut String)) -> Arc<str> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        write(&mut scratch);
        let text = self.get(&scratch);
        self.scratch = scratch;
        text
    }

    pub fn clear(&mut self) {
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
