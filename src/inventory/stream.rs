//! Parsing one inventory file: streamed tool by tool for a list (on two threads for a large
//! file), from the full tree otherwise.

use super::loader::Loader;
use super::{Inventory, Mapping, Problem, ProblemKind, Tool, ToolsAt};
use crate::source::SourceFile;
use crate::yaml;

/// Parses and loads one inventory file (format v1), collecting every problem found.
#[cfg(test)]
pub(crate) fn load(source: &SourceFile) -> (Inventory, Vec<Problem>) {
    load_mapped(source, &Mapping::default())
}

/// Parses and loads one inventory file in a company's shape, collecting every problem found.
#[cfg(test)]
pub(crate) fn load_mapped(source: &SourceFile, mapping: &Mapping) -> (Inventory, Vec<Problem>) {
    let mut tools = Vec::new();
    let (mut inventory, problems) = load_each(source, mapping, &mut |loaded| match loaded {
        Loaded::Tool(tool) => tools.push(tool),
        Loaded::Restart => tools.clear(),
    });
    inventory.tools = tools;
    (inventory, problems)
}

/// What [`load_each`] hands over, in order.
// Each value is moved to the consumer once and never stored as a `Loaded`, so the size of the
// `Restart` variant costs nothing; boxing would cost an allocation per tool.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Loaded {
    /// The next tool entry.
    Tool(Tool),
    /// Forget every tool handed over so far: the file is being loaded again from its full tree.
    Restart,
}

/// Files at least this large are parsed on one thread and converted on another.
pub(super) const PIPELINE_MIN_BYTES: usize = 1 << 20;

/// About how many tools a large file lists (0 for a small one): how often its name key is
/// followed by `:`. A capacity hint only, so that the lists kept per tool are allocated once
/// instead of growing by doubling, where each step's old copy stayed in the allocator's
/// heap (on a 100,000-tool file, 14.7 MB of tool summaries and 10.5 MB of findings at the last
/// step). A wrong guess costs nothing but that: too few, and the lists grow as before; too
/// many, and the pages never written are never resident.
pub(crate) fn estimate_tools(source: &SourceFile, mapping: &Mapping) -> usize {
    let text = source.text.as_str();
    if text.len() < PIPELINE_MIN_BYTES {
        return 0;
    }
    let key = mapping.key_of(crate::fields::NAME).unwrap_or("name");
    let guess = memchr::memmem::find_iter(text.as_bytes(), key.as_bytes())
        .filter(|at| text.as_bytes().get(at + key.len()) == Some(&b':'))
        .count();
    // At most one tool per 128 bytes (a real entry with a few fields takes more; the generated
    // benchmark file's take 265): a text made of name keys reserves at most about 3x its size,
    // never written, and a file of shorter entries grows its lists as before.
    guess.min(text.len() / 128)
}

/// Loads one inventory, handing each tool to `on` as soon as it is converted; the returned
/// inventory has no tools (the caller keeps what it needs).
///
/// Tool entries are converted as the parser produces them (see [`yaml::parse_streaming`]), so
/// memory never holds the whole tree; for a large file the parser runs on this thread while
/// another converts and hands over, so both cores work. Files the streaming path declines are
/// loaded from the full tree, which carries the spans their errors need.
///
/// `mapping` says where the tools are and which keys feed which fields (identity for format v1).
/// One-record-per-file inventories (`ToolsAt::Single`) have no list to stream and are read from
/// the tree.
pub(crate) fn load_each(
    source: &SourceFile,
    mapping: &Mapping,
    on: &mut (dyn FnMut(Loaded) + Send),
) -> (Inventory, Vec<Problem>) {
    if let Some(loaded) = load_streaming(source, mapping, on) {
        return loaded;
    }
    on(Loaded::Restart);
    let (mut inventory, problems) = load_from_tree(source, mapping);
    for tool in std::mem::take(&mut inventory.tools) {
        on(Loaded::Tool(tool));
    }
    (inventory, problems)
}

fn load_streaming(
    source: &SourceFile,
    mapping: &Mapping,
    on: &mut (dyn FnMut(Loaded) + Send),
) -> Option<(Inventory, Vec<Problem>)> {
    let key = match &mapping.tools {
        ToolsAt::Key(key) => Some(key.as_str()),
        ToolsAt::List => None,
        ToolsAt::Single | ToolsAt::Path(_) => return None,
    };
    let text = source.text.as_str();
    let (document, problems) = if text.len() < PIPELINE_MIN_BYTES {
        let mut loader = Loader::new(source, mapping);
        let document = yaml::parse_streaming(text, key, &mut |item| {
            if let Some(tool) = loader.tool(&item) {
                on(Loaded::Tool(tool));
            }
        })?;
        (document, loader.problems)
    } else {
        std::thread::scope(|scope| {
            // The parser (most of the time) runs here and does nothing else; the tree, the
            // conversion and the checks run on the other thread, from its events.
            let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<yaml::Parsed<'_>>>(4);
            let worker = scope.spawn(move || {
                let mut loader = Loader::new(source, mapping);
                let events = receiver.into_iter().flatten();
                let document = yaml::stream_events(text, events, key, &mut |item| {
                    if let Some(tool) = loader.tool(&item) {
                        on(Loaded::Tool(tool));
                    }
                });
                (document, loader.problems)
            });
            // A send fails only once the worker has stopped reading (it declined the file).
            yaml::parse_in_batches(text, &mut |batch| sender.send(batch).is_ok());
            drop(sender);
            let (document, problems) = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            document.map(|document| (document, problems))
        })?
    };
    let mut loader = Loader::new(source, mapping);
    loader.problems = problems;
    let mut inventory = Inventory::default();
    loader.document(&document, &mut inventory);
    Some((inventory, loader.problems))
}

/// The general path: the whole tree first, then the model.
pub(super) fn load_from_tree(source: &SourceFile, mapping: &Mapping) -> (Inventory, Vec<Problem>) {
    let mut loader = Loader::new(source, mapping);
    let mut inventory = Inventory::default();
    match yaml::parse(&source.text) {
        Ok(documents) => {
            for document in &documents {
                loader.document(document, &mut inventory);
            }
        }
        Err(error) => loader.problems.push(Problem {
            kind: ProblemKind::Invalid,
            span: error.span,
            message: error.message,
            help: Some("fix the YAML syntax; the file was not checked further".into()),
        }),
    }
    (inventory, loader.problems)
}
