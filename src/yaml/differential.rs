//! The differential test: the event loader against serde-saphyr, the loader it replaced, over
//! every YAML test-suite case and every YAML file of the repository (fixtures, rules, test
//! data) and the shared inventories. Trees, spans and errors must be identical; where the event
//! loader declines, the result is serde-saphyr's by construction, so the test also counts how
//! much the event loader itself built.

use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{Node, NodeKind, ParseError, events, options, parse, parse_saphyr};
use crate::source::Span;

/// [`super::parse_streaming`] as it was, through serde-saphyr: the reference for the event
/// loader's streaming.
fn parse_streaming_saphyr<'a>(
    text: &'a str,
    key: Option<&str>,
    sink: &mut dyn FnMut(Node<'a>),
) -> Option<Node<'a>> {
    serde_saphyr::with_deserializer_from_str_with_options(text, options(), |deserializer| {
        deserializer.deserialize_any(TopVisitor { key, sink })
    })
    .ok()
}

/// The shapes the streaming path does not handle; the message is never shown.
const GENERAL_PATH: &str = "take the general path";

struct TopVisitor<'s, 'a> {
    key: Option<&'s str>,
    sink: &'s mut dyn FnMut(Node<'a>),
}

impl<'a> Visitor<'a> for TopVisitor<'_, 'a> {
    type Value = Node<'a>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list or a mapping")
    }
    fn visit_seq<A: SeqAccess<'a>>(self, seq: A) -> Result<Node<'a>, A::Error> {
        drain(seq, self.sink)?;
        Ok(Node {
            kind: NodeKind::Null,
            span: Span::default(),
        })
    }
    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Node<'a>, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node<'a>>()? {
            if self.key.is_some() && key.as_str() == self.key {
                map.next_value_seed(ListSeed(&mut *self.sink))?;
                let span = key.span;
                entries.push((
                    key,
                    Node {
                        kind: NodeKind::Seq(Vec::new()),
                        span,
                    },
                ));
            } else {
                let value = map.next_value::<Node<'a>>()?;
                entries.push((key, value));
            }
        }
        Ok(Node {
            kind: NodeKind::Map(entries),
            span: Span::default(),
        })
    }
}

fn drain<'a, A: SeqAccess<'a>>(mut seq: A, sink: &mut dyn FnMut(Node<'a>)) -> Result<(), A::Error> {
    while let Some(item) = seq.next_element::<Node<'a>>()? {
        sink(item);
    }
    Ok(())
}

/// The streamed list itself: a list, or nothing (`tools:` with no entries).
struct ListSeed<'s, 'a>(&'s mut dyn FnMut(Node<'a>));

impl<'a> DeserializeSeed<'a> for ListSeed<'_, 'a> {
    type Value = ();

    fn deserialize<D: Deserializer<'a>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'a> Visitor<'a> for ListSeed<'_, 'a> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(GENERAL_PATH)
    }
    fn visit_seq<A: SeqAccess<'a>>(self, seq: A) -> Result<(), A::Error> {
        drain(seq, self.0)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Every `.yaml`/`.yml` file under `dir`, and every suite case's `in.yaml`.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect();
    found.sort();
    found
}

/// The shared data beside the repository, required when the run says so (as in `tests/`).
fn shared(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(relative);
    let required = std::env::var_os("E2EE_LINT_REQUIRE_DATA").is_some_and(|v| v == "1")
        || std::env::var_os("CI").is_some_and(|v| v == "true");
    assert!(!required || path.exists(), "{} is missing", path.display());
    path.exists().then_some(path)
}

#[derive(Default)]
struct Tally {
    files: usize,
    built: usize,
    errors: usize,
    streamed: usize,
    differences: Vec<String>,
}

impl Tally {
    fn compare(&mut self, name: &str, text: &str) {
        self.files += 1;
        let reference: Result<Vec<Node<'_>>, ParseError> = parse_saphyr(text);
        if reference.is_err() {
            self.errors += 1;
        }
        if let Some(built) = events::parse(text) {
            self.built += 1;
            if reference.as_ref() != Ok(&built) {
                self.differences
                    .push(format!("{name}: {reference:?}\n   events: {built:?}"));
            }
        }
        if parse(text) != reference {
            self.differences.push(format!("{name}: parse differs"));
        }
        for key in [None, Some("tools")] {
            let mut old_items = Vec::new();
            let old = parse_streaming_saphyr(text, key, &mut |item| old_items.push(item));
            let mut new_items = Vec::new();
            let new = events::stream(text, key, &mut |item| new_items.push(item));
            match (&old, &new) {
                (_, None) => {}
                (Some(_), Some(_)) if old == new && old_items == new_items => self.streamed += 1,
                _ => self.differences.push(format!(
                    "{name} (streaming {key:?}): {old:?} {old_items:?}\n   events: {new:?} {new_items:?}"
                )),
            }
        }
    }
}

fn compare_all(files: &[PathBuf]) -> Tally {
    let mut tally = Tally::default();
    for path in files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        tally.compare(&path.display().to_string(), &text);
    }
    assert!(
        tally.differences.is_empty(),
        "{} of {} files differ:\n{}",
        tally.differences.len(),
        tally.files,
        tally.differences.join("\n")
    );
    println!(
        "differential: {} files, {} errors, {} built by events, {} streamed",
        tally.files, tally.errors, tally.built, tally.streamed
    );
    tally
}

#[test]
fn event_loader_matches_serde_saphyr_on_the_yaml_test_suite() {
    let Some(root) = shared("yaml-test-suite/data") else {
        return;
    };
    let tally = compare_all(&yaml_files(&root));
    assert!(tally.files > 300, "{} cases", tally.files);
    // The event loader itself must build most valid cases, or this test compares nothing.
    assert!(
        tally.built * 2 > tally.files - tally.errors,
        "built {} of {} valid cases",
        tally.built,
        tally.files - tally.errors
    );
}

#[test]
fn event_loader_matches_serde_saphyr_on_the_repository_yaml() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["fixtures", "rules", "tests", "examples", "bench", "docs"] {
        files.extend(yaml_files(&root.join(dir)));
    }
    let tally = compare_all(&files);
    assert!(tally.files > 50, "{} files", tally.files);
    assert!(
        tally.built > tally.files / 2,
        "built {} of {}",
        tally.built,
        tally.files
    );
    assert!(tally.streamed > 0);
}

#[test]
fn event_loader_matches_serde_saphyr_on_the_shared_inventories() {
    let Some(root) = shared("inventories") else {
        return;
    };
    let tally = compare_all(&yaml_files(&root));
    assert!(tally.files > 0);
}

#[test]
fn spans_are_byte_offsets_of_the_source() {
    let text = "\u{feff}tools:\n  - name: \"Sig\\nnal\"\n    note: |\n      x\n";
    let documents = events::parse(text).expect("the event loader builds this");
    assert_eq!(Ok(&documents), parse_saphyr(text).as_ref());
    let name = documents[0]
        .get("tools")
        .and_then(|tools| match &tools.kind {
            NodeKind::Seq(items) => items[0].get("name"),
            _ => None,
        });
    let name = name.expect("a name");
    assert_eq!(&text[name.span.offset..name.span.end()], "\"Sig\\nnal\"");
    assert_eq!(name.as_str(), Some("Sig\nnal"));
    let _ = Span::default();
}

#[test]
fn declined_shapes_take_the_serde_saphyr_path() {
    for text in [
        "a: &x 1\nb: *x\n",
        "base: &b {k: 1}\nm:\n  <<: *b\n",
        "a: !!str 1\n",
        "a: 1\na: 2\n",
        "[a, b]: 1\n",
        "a: .inf\n",
        "a: [1\n",
    ] {
        assert_eq!(events::parse(text), None, "{text:?}");
        assert_eq!(parse(text), parse_saphyr(text), "{text:?}");
    }
    // A duplicate among many keys (the sorted check) and in a streamed top-level mapping.
    let mut many: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
    many.push_str("k42: again\n");
    assert_eq!(events::parse(&many), None);
    assert!(parse(&many).is_err());
    let streamed = "tools:\n  - name: Slack\ntools: []\n";
    assert_eq!(events::stream(streamed, Some("tools"), &mut |_| {}), None);
    assert!(parse(streamed).is_err());
}
