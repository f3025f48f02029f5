//! The JSON contract, version 2: stable output types, never a dump of internal ones.
//!
//! A tool's name and id are written once, in `tools`; each finding refers to its tool by index
//! there, so a long name that 99 findings are about is not written 99 times.

use std::io::{self, Write};

use serde::Serialize;

use super::locate::Locator;
use crate::Outcome;
use crate::finding::{Finding, Severity, SuppressionKind};
use crate::source::{SourceFile, Span};

/// Bumped only on incompatible changes; additions keep the version. Version 2: findings refer
/// to `tools` by index (`tool`) rather than repeating the tool's name and id.
pub(crate) const VERSION: u32 = 2;

/// The document's shape. [`render`] writes it piecewise; a test holds the two to the same bytes.
#[cfg_attr(not(test), allow(dead_code))]
#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tools: Vec<JsonTool<'a>>,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<JsonPathError<'a>>,
    /// The company's changes to the catalog the verdict rests on (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    catalog_overrides: Vec<crate::outcome::CatalogChange>,
}

/// A tool some finding is about: its name exactly as written, and its id.
#[derive(Serialize)]
struct JsonTool<'a> {
    file: &'a str,
    name: &'a str,
    id: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    /// The finding's tool: an index into `tools`.
    tool: Option<u32>,
    catalog_id: Option<&'a str>,
    span: JsonSpan,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<JsonSuppression<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    message: &'a str,
    span: JsonSpan,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: SuppressionKind,
    reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    approved_by: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket: Option<&'a str>,
}

/// A location: byte offset and length into the file as read, and 1-based lines and character
/// columns, the end exclusive.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JsonSpan {
    pub offset: usize,
    pub(crate) length: usize,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) end_line: usize,
    pub(crate) end_column: usize,
}

impl JsonSpan {
    /// A location through a shared [`Locator`]: bounded work per call on any line.
    pub(crate) fn locate(locator: &Locator, source: &SourceFile, span: Span) -> JsonSpan {
        let (start, end) = locator.span_line_cols(source, span);
        JsonSpan {
            offset: span.offset,
            length: span.len,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    tools: usize,
    error: usize,
    warning: usize,
    info: usize,
    suppressed: usize,
    suppressed_by: JsonSuppressedBy,
    /// What the run examined: tools recognized, communication tools, not applicable, files
    /// with no tool.
    coverage: crate::coverage::Coverage,
}

/// How many suppressed findings each mechanism accounts for.
#[derive(Serialize)]
struct JsonSuppressedBy {
    exception: usize,
    inline: usize,
    baseline: usize,
}

#[derive(Serialize)]
struct JsonPathError<'a> {
    path: &'a str,
    message: &'a str,
}

/// The tools the findings are about, each once (by file, name and id), in order of first
/// mention, as the index of the finding that first names each; and each finding's index into
/// them. About 16 bytes a tool: a 100,000-tool file's list is not held as text.
fn tools(outcome: &Outcome) -> (Vec<u32>, Vec<Option<u32>>) {
    use std::hash::BuildHasher;
    fn identity(f: &Finding) -> Option<(&str, &str, &str)> {
        f.tool
            .as_ref()
            .map(|t| (f.source.name.as_str(), &*t.name, &*t.id))
    }
    // Seeded per process, as SipHash's `RandomState` is, so an input cannot count on a
    // collision; several times faster on these keys; and the map is never iterated.
    let hasher = foldhash::fast::RandomState::default();
    let mut first: Vec<u32> = Vec::new();
    // By a hash of the identity; a hash shared by two identities (checked against the texts)
    // only gives the second its own entries, never the first one's index.
    let mut by_hash: std::collections::HashMap<u64, u32, foldhash::fast::RandomState> =
        std::collections::HashMap::default();
    // Findings of one tool are mostly adjacent and share its texts: the last one's addresses
    // spare hashing a long name again.
    let mut last: Option<((usize, usize, usize), u32)> = None;
    let indices = outcome
        .findings
        .iter()
        .enumerate()
        .map(|(number, f)| {
            let tool = f.tool.as_ref()?;
            let address = (
                std::sync::Arc::as_ptr(&f.source) as usize,
                tool.name.as_ptr() as usize,
                tool.id.as_ptr() as usize,
            );
            if let Some((seen, index)) = last
                && seen == address
            {
                return Some(index);
            }
            let key = identity(f);
            let hash = hasher.hash_one(key);
            let known = by_hash.get(&hash).copied().filter(|&index| {
                first
                    .get(index as usize)
                    .and_then(|&n| outcome.findings.get(n as usize))
                    .is_some_and(|other| identity(other) == key)
            });
            let index = known.unwrap_or_else(|| {
                let index = first.len() as u32;
                first.push(number as u32);
                by_hash.entry(hash).or_insert(index);
                index
            });
            last = Some((address, index));
            Some(index)
        })
        .collect();
    (first, indices)
}

/// Writes `tools` item by item, each as it appears two levels deep; rendered in parallel
/// chunks, a wave of a few per thread at a time (on a 100,000-tool file the list is 10 MB).
fn write_tools(outcome: &Outcome, first: &[u32], out: &mut dyn Write) -> io::Result<()> {
    use rayon::prelude::*;
    if first.is_empty() {
        return out.write_all(b"[]");
    }
    // Every item with its separator in front; the very first one's comma is dropped below.
    let render = |bytes: &mut Vec<u8>, chunk: &[u32]| {
        bytes.clear();
        for &n in chunk {
            let Some(f) = outcome.findings.get(n as usize) else {
                continue;
            };
            let Some(tool) = &f.tool else { continue };
            bytes.extend_from_slice(b",\n    ");
            pretty_nested(
                &JsonTool {
                    file: &f.source.name,
                    name: &tool.name,
                    id: &tool.id,
                },
                2,
                bytes,
            );
        }
    };
    out.write_all(b"[")?;
    let slots = 2 * rayon::current_num_threads().max(1);
    let mut buffers: Vec<Vec<u8>> = Vec::new();
    let mut leading = true;
    for wave in first.chunks(CHUNK * slots) {
        buffers.resize_with(wave.len().div_ceil(CHUNK), Vec::new);
        buffers
            .par_iter_mut()
            .zip(wave.par_chunks(CHUNK))
            .for_each(|(bytes, chunk)| render(bytes, chunk));
        for bytes in &buffers {
            let bytes = match bytes.split_first() {
                Some((b',', rest)) if leading => rest,
                _ => bytes,
            };
            leading &= bytes.is_empty();
            out.write_all(bytes)?;
        }
    }
    out.write_all(b"\n  ]")
}

fn finding<'a>(f: &'a Finding, tool: Option<u32>, locator: &Locator) -> JsonFinding<'a> {
    JsonFinding {
        rule: &f.rule,
        severity: f.severity,
        message: &f.message,
        file: &f.source.name,
        tool,
        catalog_id: f.catalog_id.as_deref(),
        span: JsonSpan::locate(locator, &f.source, f.span),
        labels: f
            .labels
            .iter()
            .map(|l| {
                let source = l.source.as_deref().unwrap_or(&f.source);
                JsonLabel {
                    file: &source.name,
                    message: &l.message,
                    span: JsonSpan::locate(locator, source, l.span),
                }
            })
            .collect(),
        help: f.help.as_deref(),
        suppressed: f.suppressed.as_ref().map(|s| JsonSuppression {
            kind: s.kind,
            reason: &s.reason,
            approved_by: s.approved_by.as_deref(),
            expires: s.expires.as_deref(),
            ticket: s.ticket.as_deref(),
        }),
    }
}

fn summary(outcome: &Outcome) -> JsonSummary {
    let summary = outcome.summary();
    JsonSummary {
        files: summary.files,
        tools: summary.tools,
        error: summary.error,
        warning: summary.warning,
        info: summary.info,
        suppressed: summary.suppressed,
        suppressed_by: JsonSuppressedBy {
            exception: summary.by_exception,
            inline: summary.by_inline,
            baseline: summary.by_baseline,
        },
        coverage: outcome.coverage(),
    }
}

fn path_errors(outcome: &Outcome) -> Vec<JsonPathError<'_>> {
    outcome
        .path_errors
        .iter()
        .map(|e| JsonPathError {
            path: &e.path,
            message: &e.message,
        })
        .collect()
}

/// Findings per parallel rendering task.
const CHUNK: usize = 512;

/// Pretty-prints `value` as it would appear nested `depth` levels deep in a pretty document.
pub(super) fn pretty_nested<T: Serialize>(value: &T, depth: usize, out: &mut Vec<u8>) {
    // Serializing our own types into memory cannot fail.
    let _ = super::json_text::to_writer_nested(out, value, depth);
}

/// Writes the same bytes as `serde_json::to_writer_pretty` on [`Output`] (a test holds them
/// equal), but renders the findings in parallel chunks: on a 100,000-tool inventory the
/// rendering is a visible share of the run.
pub(crate) fn render(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    use rayon::prelude::*;
    // One locator for every thread, so a long line's character table is built once.
    let locator = Locator::new();
    // The summary's coverage reads every tool: it is worked out beside the tools' index.
    let ((tools, indices), summary) = rayon::join(|| tools(outcome), || summary(outcome));
    let render_chunk = |bytes: &mut Vec<u8>, chunk: &[Finding], tools: &[Option<u32>]| {
        bytes.clear();
        for (i, f) in chunk.iter().enumerate() {
            if i > 0 {
                bytes.extend_from_slice(b",\n    ");
            }
            let tool = tools.get(i).copied().flatten();
            pretty_nested(&finding(f, tool, &locator), 2, bytes);
        }
    };
    write!(out, "{{\n  \"version\": {VERSION},\n  \"tools\": ")?;
    write_tools(outcome, &tools, out)?;
    out.write_all(b",\n  \"findings\": [")?;
    if !outcome.findings.is_empty() {
        out.write_all(b"\n    ")?;
        // A few chunks per thread at a time: parallel, without holding the whole document.
        let slots = 2 * rayon::current_num_threads().max(1);
        let waves = outcome.findings.chunks(CHUNK * slots);
        let waves = waves.zip(indices.chunks(CHUNK * slots));
        let render_wave = |buffers: &mut Vec<Vec<u8>>, (findings, tools): (&[Finding], &[_])| {
            buffers.resize_with(findings.len().div_ceil(CHUNK), Vec::new);
            buffers
                .par_iter_mut()
                .zip(findings.par_chunks(CHUNK).zip(tools.par_chunks(CHUNK)))
                .for_each(|(bytes, (chunk, tools))| render_chunk(bytes, chunk, tools));
        };
        let mut first = true;
        let mut write_wave = |buffers: &[Vec<u8>]| -> io::Result<()> {
            for chunk in buffers {
                if !first {
                    out.write_all(b",\n    ")?;
                }
                first = false;
                out.write_all(chunk)?;
            }
            Ok(())
        };
        if outcome.findings.len() <= CHUNK * slots {
            let mut buffers = Vec::new();
            for wave in waves {
                render_wave(&mut buffers, wave);
                write_wave(&buffers)?;
            }
        } else {
            // Writing a wave (a large output's copy into the kernel) overlaps rendering the
            // next: two sets of buffers go round between this thread and the renderer, reused
            // from wave to wave (fresh ones were fresh pages, and faulting them in was a
            // visible share of the system time).
            std::thread::scope(|scope| -> io::Result<()> {
                use std::sync::mpsc::sync_channel;
                let (rendered, written) = sync_channel::<Vec<Vec<u8>>>(1);
                let (free, reuse) = sync_channel::<Vec<Vec<u8>>>(2);
                for _ in 0..2 {
                    let _ = free.send(Vec::new());
                }
                scope.spawn(move || {
                    for wave in waves {
                        // Either fails only once the writer stopped (a write error).
                        let Ok(mut buffers) = reuse.recv() else {
                            return;
                        };
                        render_wave(&mut buffers, wave);
                        if rendered.send(buffers).is_err() {
                            return;
                        }
                    }
                });
                // On a write error both channels close here, so the renderer stops and the
                // scope's join returns.
                for buffers in written {
                    write_wave(&buffers)?;
                    let _ = free.send(buffers);
                }
                Ok(())
            })?;
        }
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"],\n  \"summary\": ")?;
    let mut tail = Vec::new();
    pretty_nested(&summary, 1, &mut tail);
    let errors = path_errors(outcome);
    if !errors.is_empty() {
        tail.extend_from_slice(b",\n  \"errors\": ");
        pretty_nested(&errors, 1, &mut tail);
    }
    let changes = super::catalog_changes(outcome);
    if !changes.is_empty() {
        tail.extend_from_slice(b",\n  \"catalog_overrides\": ");
        pretty_nested(&changes, 1, &mut tail);
    }
    tail.extend_from_slice(b"\n}\n");
    out.write_all(&tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented shape, serialized the plain way.
    fn reference(outcome: &Outcome) -> String {
        let (first, indices) = tools(outcome);
        let output = Output {
            version: VERSION,
            tools: first
                .iter()
                .map(|&n| {
                    let f = &outcome.findings[n as usize];
                    let tool = f.tool.as_ref().unwrap();
                    JsonTool {
                        file: &f.source.name,
                        name: &tool.name,
                        id: &tool.id,
                    }
                })
                .collect(),
            findings: outcome
                .findings
                .iter()
                .zip(indices)
                .map(|(f, tool)| finding(f, tool, &Locator::new()))
                .collect(),
            summary: summary(outcome),
            errors: path_errors(outcome),
            catalog_overrides: crate::output::catalog_changes(outcome),
        };
        String::from_utf8(crate::output::json_text::to_vec_pretty(&output).unwrap()).unwrap() + "\n"
    }

    fn rendered(outcome: &Outcome) -> String {
        let mut bytes = Vec::new();
        render(outcome, &mut bytes).unwrap();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn parallel_rendering_writes_the_reference_bytes() {
        let engine = crate::engine::Engine::embedded().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let fixtures = ["fixtures/acme.yaml", "fixtures/messy.yaml", "fixtures/seed"];
        let paths: Vec<_> = fixtures.iter().map(|f| root.join(f)).collect();
        let (files, _) = crate::discover::discover(
            &paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>(),
        );
        let mut outcome = crate::check_files(&engine, &files, 1 << 20).into_outcome(&engine);
        let empty = Outcome::for_engine(&engine);
        assert_eq!(rendered(&empty), reference(&empty));
        outcome.path_errors.push(crate::PathError {
            path: "missing.yaml".into(),
            message: "no such file or directory".into(),
        });
        // Enough findings for several chunks in one wave, then for several waves (rendered
        // on another thread while this one writes).
        let base = outcome.findings.clone();
        let wave = CHUNK * 2 * rayon::current_num_threads().max(1);
        for size in [CHUNK * 2 + 7, 2 * wave + 7] {
            while outcome.findings.len() < size {
                outcome.findings.extend(base.iter().cloned());
            }
            assert_eq!(rendered(&outcome), reference(&outcome));
        }
        // And a `tools` list of several waves: every copy names its own tool.
        for (copy, finding) in outcome.findings.iter_mut().enumerate() {
            if let Some(tool) = &mut finding.tool {
                tool.name = format!("{} {copy}", tool.name).into();
                tool.id = format!("{}-{copy}", tool.id).into();
            }
        }
        let (first, _) = tools(&outcome);
        assert!(first.len() > wave, "{} tools", first.len());
        assert_eq!(rendered(&outcome), reference(&outcome));
    }
}
