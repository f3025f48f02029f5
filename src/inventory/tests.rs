//! Loader tests: the streamed and full-tree paths agree, every field loads with its span, and
//! every problem is reported.

use super::stream::{PIPELINE_MIN_BYTES, load_from_tree};
use super::*;
use crate::source::SourceFile;

fn load_text(text: &str) -> (Inventory, Vec<Problem>) {
    load(&SourceFile::new("t.yaml", "t.yaml", text.to_owned()))
}

#[test]
fn streaming_and_the_full_tree_agree() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut checked = 0;
    for path in [
        "acme.yaml",
        "messy.yaml",
        "seed/zoom-enforced.yaml",
        "malformed/wrong-types.yaml",
    ] {
        let text = std::fs::read_to_string(root.join(path)).unwrap();
        let source = SourceFile::new(path, path, text);
        let (streamed, streamed_problems) = load(&source);
        let (tree, tree_problems) = load_from_tree(&source, &Mapping::default());
        assert_eq!(format!("{streamed:?}"), format!("{tree:?}"), "{path}");
        let mut streamed_problems = streamed_problems;
        streamed_problems.sort_by_key(|p| p.span);
        let mut tree_problems = tree_problems;
        tree_problems.sort_by_key(|p| p.span);
        assert_eq!(streamed_problems, tree_problems, "{path}");
        checked += streamed.tools.len();
    }
    assert!(checked > 10);
}

/// A large file (parsed on one thread, its tree built and checked on the other) whose end
/// the fast path declines: the tools already handed over are forgotten and the file is loaded
/// again from the full tree, with the same result and the error where it is.
#[test]
fn a_large_file_declined_late_is_loaded_from_the_tree() {
    let entry = "- name: Signal\n  owner: IT\n";
    let body = entry.repeat(PIPELINE_MIN_BYTES / entry.len() + 1);
    let endings = [
        // An alias: the fast path declines it, the tree path loads it.
        ("- &a {name: Zoom}\n- *a\n", false),
        // A syntax error: reported from the tree path, at its place.
        ("- name: [Zoom\n", true),
    ];
    for (ending, invalid) in endings {
        let text = format!("{body}{ending}");
        let source = SourceFile::new("t.yaml", "t.yaml", text);
        let (tree, tree_problems) = load_from_tree(&source, &Mapping::default());
        let mut tools = Vec::new();
        let mut restarts = 0;
        let (_, problems) = load_each(&source, &Mapping::default(), &mut |loaded| match loaded {
            Loaded::Tool(tool) => tools.push(tool),
            Loaded::Restart => {
                restarts += 1;
                tools.clear();
            }
        });
        assert_eq!(restarts, 1, "{ending}");
        assert_eq!(
            format!("{tools:?}"),
            format!("{:?}", tree.tools),
            "{ending}"
        );
        assert_eq!(problems, tree_problems, "{ending}");
        match invalid {
            false => assert_eq!(tools.len(), body.len() / entry.len() + 2),
            true => {
                assert!(tools.is_empty());
                let problem = &problems[0];
                assert_eq!(problem.kind, ProblemKind::Invalid);
                assert!(problem.span.offset >= body.len(), "{problem:?}");
            }
        }
    }
}

fn gitlab_mapping() -> Mapping {
    let colours = [("Red", "restricted"), ("Green", "public")]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .into_iter()
        .collect();
    Mapping::new(
        ToolsAt::List,
        &[
            ("name".into(), "title".into()),
            ("owner".into(), "group_owner".into()),
        ],
        UnknownFields::Warn,
        &[("data_classification".into(), colours)],
    )
}

#[test]
fn mapped_streaming_and_the_full_tree_agree() {
    let entry = "- title: Zoom\n  group_owner: IT\n  data_classification: Red\n  saas: true\n  notes: null\n- title: Slack\n  data_classification: Purple\n- description: no title\n";
    // Small (one thread) and past the pipeline threshold (two threads).
    for copies in [1, PIPELINE_MIN_BYTES / entry.len() + 1] {
        let text = entry.repeat(copies);
        let source = SourceFile::new("t.yml", "t.yml", text);
        let (streamed, mut streamed_problems) = load_mapped(&source, &gitlab_mapping());
        let (tree, mut tree_problems) = load_from_tree(&source, &gitlab_mapping());
        assert_eq!(format!("{streamed:?}"), format!("{tree:?}"));
        streamed_problems.sort_by_key(|p| p.span);
        tree_problems.sort_by_key(|p| p.span);
        assert_eq!(streamed_problems, tree_problems);
        assert_eq!(streamed.tools.len(), 2 * copies);
        let zoom = &streamed.tools[0];
        assert_eq!(&*zoom.name.value, "Zoom");
        assert_eq!(zoom.value(fields::OWNER), Some("IT"));
        let level = zoom.get(fields::DATA_CLASSIFICATION).unwrap();
        assert_eq!(&*level.value, "restricted");
        assert_eq!(
            source.slice(level.span),
            "Red",
            "the span stays on the company's value"
        );
        let messages: Vec<_> = streamed_problems[..3]
            .iter()
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "unknown key `saas` in a tool entry",
                "unknown key `description` in a tool entry",
                "this tool entry has no `title`"
            ]
        );
        assert_eq!(streamed_problems.len(), 3 * copies);
    }
}

#[test]
fn a_mapped_list_file_must_be_a_list_and_single_is_one_tool() {
    let source = SourceFile::new("t.yml", "t.yml", "tools:\n  - title: Signal\n".into());
    let (inventory, problems) = load_mapped(&source, &gitlab_mapping());
    assert_eq!(inventory.tools.len(), 0);
    assert_eq!(
        problems[0].message,
        "an inventory must be a list of tools, found a mapping"
    );
    assert_eq!(source.slice(problems[0].span), "tools");

    let single = Mapping::new(ToolsAt::Single, &[], UnknownFields::Ignore, &[]);
    let source = SourceFile::new("a.yaml", "a.yaml", "name: Signal\nwebsite: x\n".into());
    let (inventory, problems) = load_mapped(&source, &single);
    assert_eq!(problems, []);
    assert_eq!(&*inventory.tools[0].name.value, "Signal");
}

#[test]
fn derives_ids_from_names() {
    assert_eq!(derive_id("Microsoft Teams"), "microsoft-teams");
    assert_eq!(derive_id("  WebEx, Cisco "), "webex-cisco");
    assert_eq!(derive_id("Zoom!"), "zoom");
}

#[test]
fn loads_every_field_with_spans() {
    let text = "organization: Acme\ntools:\n  - name: Slack\n    e2ee: enforced\n    channels: [text, video]\n    labels: {team: it}\n";
    let (inventory, problems) = load_text(text);
    assert_eq!(problems, []);
    let tool = &inventory.tools[0];
    assert_eq!(&text[tool.name.span.offset..tool.name.span.end()], "Slack");
    assert_eq!(&*tool.id.value, "slack");
    assert_eq!(tool.e2ee(), Some(E2eeSetting::Enforced));
    // `text` is both text channels, each at the word's span.
    let channels: Vec<Channel> = tool
        .channels
        .iter()
        .flat_map(|c| &c.value)
        .map(|c| c.value)
        .collect();
    assert_eq!(
        channels,
        [Channel::TextOneToOne, Channel::TextGroup, Channel::Video]
    );
    assert_eq!(tool.labels["team"].value, "it");
}

#[test]
fn a_bare_list_is_an_inventory() {
    let (inventory, problems) = load_text("- name: Signal\n- name: Wire\n");
    assert_eq!(problems, []);
    assert_eq!(inventory.tools.len(), 2);
}

#[test]
fn strict_booleans_keep_no_as_a_string() {
    let (inventory, problems) = load_text("- name: no\n");
    assert_eq!(problems, []);
    assert_eq!(&*inventory.tools[0].name.value, "no");
}

#[test]
fn reports_every_problem_and_keeps_the_rest() {
    let text = "tools:\n  - name: Slack\n    e2ee: yes\n    colour: red\n  - vendor: x\n  - name: [42]\n  - name: Wire\n";
    let (inventory, problems) = load_text(text);
    let names: Vec<_> = inventory.tools.iter().map(|t| &*t.name.value).collect();
    assert_eq!(names, ["Slack", "Wire"]);
    let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "unknown e2ee setting `yes`",
            "unknown key `colour` in a tool entry",
            "this tool entry has no `name`",
            "`name` must be a string, found a list",
        ]
    );
    assert_eq!(problems[1].kind, ProblemKind::UnknownField);
}

#[test]
fn suggests_close_keys() {
    let (_, problems) = load_text("- name: Slack\n  chanels: [text]\n");
    assert_eq!(
        problems[0].help.as_deref(),
        Some("did you mean `channels`?")
    );
}

#[test]
fn a_number_or_boolean_in_a_text_field_is_its_text_as_written() {
    let text =
        "tools:\n  - name: 2024\n    id: 2024\n    owner: 42\n    vendor: 1.50\n    notes: true\n";
    let (inventory, problems) = load_text(text);
    assert_eq!(problems, Vec::new());
    let tool = &inventory.tools[0];
    assert_eq!(&*tool.name.value, "2024");
    assert_eq!(&*tool.id.value, "2024");
    assert!(tool.id_is_explicit);
    let value = |field: crate::fields::FieldId| {
        tool.values[field.index()]
            .as_ref()
            .map(|v| (&*v.value, &text[v.span.offset..v.span.end()]))
    };
    assert_eq!(value(crate::fields::OWNER), Some(("42", "42")));
    assert_eq!(value(crate::fields::VENDOR), Some(("1.50", "1.50")));
    assert_eq!(value(crate::fields::NOTES), Some(("true", "true")));
    // A list or mapping is still not text.
    let (_, problems) = load_text("tools:\n  - name: Zoom\n    owner: [a, b]\n");
    assert_eq!(problems.len(), 1, "{problems:?}");
}

/// A nested list's `empty-inventory` help names the path to the innermost records (and the
/// preset that reads that shape), which the loader then reads as tools, spans exact.
#[test]
fn a_nested_list_is_suggested_by_its_path_and_read_by_it() {
    let text = "categories:\n  - name: Chat\n    sections:\n      - name: Messengers\n        services:\n          - name: Signal\n          - name: Slack\n";
    let (_, problems) = load_text(text);
    let help = problems[0].help.as_deref().unwrap();
    assert!(
        help.contains("tools: categories[*].sections[*].services[*]"),
        "{help}"
    );
    assert!(help.contains("preset: awesome-privacy"), "{help}");
    let path = path::parse_tools("categories[*].sections[*].services[*]").unwrap();
    let fields = [("category".to_owned(), "^^.name".to_owned())];
    let mapping = Mapping::new(ToolsAt::Path(path), &fields, UnknownFields::Warn, &[]);
    let source = SourceFile::new("t.yaml", "t.yaml", text.to_owned());
    let (inventory, problems) = load_from_tree(&source, &mapping);
    // `Chat` is no category of ours: the derived value is read, and judged, at its own span.
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        &text[problems[0].span.offset..problems[0].span.end()],
        "Chat"
    );
    let names: Vec<(&str, &str)> = inventory
        .tools
        .iter()
        .map(|t| (&*t.name.value, &text[t.name.span.offset..t.name.span.end()]))
        .collect();
    assert_eq!(names, [("Signal", "Signal"), ("Slack", "Slack")]);
}

/// A long name reused through YAML aliases is one copy for every entry, and so is the id
/// derived from it (a 2.6 MB name aliased by 99 tools was 198 copies); each entry keeps its
/// own span, and a short name is not looked up.
#[test]
fn an_aliased_long_name_is_one_copy() {
    let long = format!("Chat {}", "word ".repeat(300));
    let text = format!("- name: &n {long}\n- name: *n\n- name: *n\n- name: Slack\n- name: Slack\n");
    let (inventory, problems) = load_text(&text);
    assert_eq!(problems, []);
    let [first, second, third, slack, slack_again] = inventory.tools.as_slice() else {
        panic!("five tools: {:?}", inventory.tools);
    };
    assert_eq!(&*first.name.value, long.trim_end());
    assert_eq!(
        first.id.value.len(),
        "chat-".len() + "word-".len() * 300 - 1
    );
    for tool in [second, third] {
        assert!(Arc::ptr_eq(&first.name.value, &tool.name.value));
        assert!(Arc::ptr_eq(&first.id.value, &tool.id.value));
    }
    assert_ne!(first.name.span, second.name.span);
    assert_eq!(&text[second.name.span.offset..second.name.span.end()], "*n");
    assert!(!Arc::ptr_eq(&slack.name.value, &slack_again.name.value));
}

/// Shorter long texts between the uses of a long one do not push it out of the loader's
/// memory: past the bound, the shortest remembered gives way.
#[test]
fn longer_texts_stay_shared_past_the_bound() {
    let long = format!("Chat {}", "word ".repeat(2000));
    let mut text = format!("- name: &n {long}\n");
    for i in 0..40 {
        text.push_str(&format!("- name: Tool {i} {}\n", "x".repeat(1100)));
    }
    text.push_str("- name: *n\n");
    let (inventory, problems) = load_text(&text);
    assert_eq!(problems, []);
    let (first, last) = (&inventory.tools[0], &inventory.tools[41]);
    assert_eq!(&*last.name.value, long.trim_end());
    assert!(Arc::ptr_eq(&first.name.value, &last.name.value));
}
