//! The server's state machine: the lifecycle, open documents, one analysis per document
//! version, and the dispatch of requests and notifications to their handlers.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use lsp_server::ErrorCode;
use lsp_types::notification::{self, Notification as _};
use lsp_types::request::{self, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    HoverProviderCapability, InitializeParams, InitializeResult, PositionEncodingKind,
    PublishDiagnosticsParams, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
};
use serde_json::{Value, json};

use super::diagnostics::{self, Analysis};
use super::documents::{Document, Encoding, Kind, classify};
use crate::policy::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Uninitialized,
    Running,
    ShutDown,
}

/// The language server, without its transport.
pub struct Server {
    pub(super) settings: Settings,
    pub(super) docs: HashMap<String, Document>,
    /// The last analysis of each document, with the version it is of.
    analyses: HashMap<String, (i32, Analysis)>,
    /// Documents whose diagnostics are out of date.
    pending: BTreeSet<String>,
    roots: Vec<PathBuf>,
    extra: Vec<glob::Pattern>,
    pub(super) encoding: Encoding,
    state: State,
    exit: Option<u8>,
    outgoing: Vec<String>,
}

/// A request's failure: its JSON-RPC error code and message.
type Failure = (i32, String);

impl Server {
    /// A server for a plain session on `settings`' date, before `initialize`.
    pub fn new(settings: Settings) -> Server {
        Server {
            settings,
            docs: HashMap::new(),
            analyses: HashMap::new(),
            pending: BTreeSet::new(),
            roots: Vec::new(),
            extra: Vec::new(),
            encoding: Encoding::Utf16,
            state: State::Uninitialized,
            exit: None,
            outgoing: Vec::new(),
        }
    }

    /// What an editor's session of one write sees: `input`, a stream of `Content-Length`
    /// framed messages as the client writes them, handled in order (a bad frame answered with
    /// a parse error), then every changed document linted, as the stdio loop does when the
    /// client pauses; returns the messages to send, in order, as JSON bodies. The benchmark and
    /// the fuzz target drive the server through this one door, with the stdio loop's framing.
    pub fn feed(&mut self, input: &[u8]) -> Vec<String> {
        let mut input = input;
        loop {
            match super::transport::read(&mut input) {
                super::transport::Frame::Body(body) => self.handle_bytes(&body),
                super::transport::Frame::Bad(reason) => self.bad_frame(&reason),
                super::transport::Frame::End => break,
            }
        }
        self.flush();
        self.take_outgoing()
    }

    /// Messages to send, in order, as JSON bodies.
    pub(crate) fn take_outgoing(&mut self) -> Vec<String> {
        std::mem::take(&mut self.outgoing)
    }

    /// Whether some document waits for `flush`.
    pub(crate) fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    pub(crate) fn was_shut_down(&self) -> bool {
        self.state == State::ShutDown
    }

    /// The process's exit code, once `exit` arrived: 0 after `shutdown`, else 1.
    pub(crate) fn exit_code(&self) -> Option<u8> {
        self.exit
    }

    fn send(&mut self, message: Value) {
        self.outgoing.push(message.to_string());
    }

    fn reply(&mut self, id: Value, result: Result<Value, Failure>) {
        let message = match result {
            Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
            Err((code, message)) => json!({
                "jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}
            }),
        };
        self.send(message);
    }

    /// A frame that is no message at all: answered with a parse error, as JSON-RPC asks.
    pub(crate) fn bad_frame(&mut self, reason: &str) {
        self.reply(
            Value::Null,
            Err((ErrorCode::ParseError as i32, reason.to_owned())),
        );
    }

    /// Handles one message body.
    pub(crate) fn handle_bytes(&mut self, body: &[u8]) {
        let value: Value = match serde_json::from_slice(body) {
            Ok(value) => value,
            Err(e) => return self.bad_frame(&format!("not JSON: {e}")),
        };
        let id = value.get("id").cloned().unwrap_or(Value::Null);
        let id = match id {
            Value::Number(_) | Value::String(_) => id,
            _ => Value::Null,
        };
        match serde_json::from_value::<lsp_server::Message>(value) {
            Ok(lsp_server::Message::Request(r)) => {
                let result = self.request(&r.method, r.params);
                // Requests are answered even when the answer is an error; never a crash.
                self.reply(id, result);
            }
            Ok(lsp_server::Message::Notification(n)) => self.notification(&n.method, n.params),
            Ok(lsp_server::Message::Response(_)) => {} // the server sends no requests
            Err(e) => self.reply(
                id,
                Err((
                    ErrorCode::InvalidRequest as i32,
                    format!("not a JSON-RPC message: {e}"),
                )),
            ),
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Result<Value, Failure> {
        match (self.state, method) {
            (State::Uninitialized, request::Initialize::METHOD) => {
                let params: InitializeParams = parse(params)?;
                let result = self.initialize(params);
                self.state = State::Running;
                Ok(serde_json::to_value(result).unwrap_or(Value::Null))
            }
            (State::Uninitialized, _) => Err((
                ErrorCode::ServerNotInitialized as i32,
                "the server is not initialized".into(),
            )),
            (_, request::Initialize::METHOD) => Err((
                ErrorCode::InvalidRequest as i32,
                "the server is already initialized".into(),
            )),
            (State::ShutDown, _) => Err((
                ErrorCode::InvalidRequest as i32,
                "the server is shut down".into(),
            )),
            (State::Running, request::Shutdown::METHOD) => {
                self.state = State::ShutDown;
                Ok(Value::Null)
            }
            (State::Running, request::HoverRequest::METHOD) => {
                let params: lsp_types::HoverParams = parse(params)?;
                let at = params.text_document_position_params;
                let uri = at.text_document.uri.as_str().to_owned();
                self.refresh(&uri);
                let result = self.docs.get(&uri).and_then(|doc| {
                    let analysis = self.analyses.get(&uri).map(|(_, a)| a);
                    super::hover::hover(doc, analysis, at.position, self.encoding)
                });
                Ok(serde_json::to_value(result).unwrap_or(Value::Null))
            }
            (State::Running, request::Completion::METHOD) => {
                let params: lsp_types::CompletionParams = parse(params)?;
                let at = params.text_document_position;
                let uri = at.text_document.uri.as_str().to_owned();
                let items = self.docs.get(&uri).map(|doc| {
                    let offset = doc.offset(at.position, self.encoding);
                    super::completion::complete(doc, offset, self.encoding)
                });
                Ok(serde_json::to_value(items.unwrap_or_default()).unwrap_or(Value::Null))
            }
            (State::Running, request::CodeActionRequest::METHOD) => {
                let params: lsp_types::CodeActionParams = parse(params)?;
                let uri = params.text_document.uri.as_str().to_owned();
                self.refresh(&uri);
                let actions = match (self.docs.get(&uri), self.analyses.get(&uri)) {
                    (Some(doc), Some((_, analysis))) => {
                        super::actions::actions(self, doc, analysis, params.range)
                    }
                    _ => Vec::new(),
                };
                Ok(serde_json::to_value(actions).unwrap_or(Value::Null))
            }
            (State::Running, _) => Err((
                ErrorCode::MethodNotFound as i32,
                format!("unknown method `{method}`"),
            )),
        }
    }

    fn initialize(&mut self, params: InitializeParams) -> InitializeResult {
        let utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
        self.encoding = if utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        for folder in params.workspace_folders.iter().flatten() {
            self.roots.extend(super::documents::path_of(&folder.uri));
        }
        #[allow(deprecated)] // older clients (Neovim 0.7) send only `rootUri`
        if let Some(root) = params.root_uri.as_ref().and_then(super::documents::path_of) {
            self.roots.push(root);
        }
        // `{"inventories": ["data/*.yaml"]}`: more inventory patterns, relative to a root.
        let patterns = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("inventories"))
            .and_then(Value::as_array);
        self.extra = patterns
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter_map(|p| glob::Pattern::new(p).ok())
            .collect();
        let capabilities = ServerCapabilities {
            position_encoding: Some(if utf8 {
                PositionEncodingKind::UTF8
            } else {
                PositionEncodingKind::UTF16
            }),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec![":".into(), "[".into(), ",".into()]),
                ..Default::default()
            }),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..Default::default()
            })),
            ..Default::default()
        };
        InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "e2ee-lint".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        }
    }

    fn notification(&mut self, method: &str, params: Value) {
        if method == notification::Exit::METHOD {
            self.exit = Some(if self.state == State::ShutDown { 0 } else { 1 });
            return;
        }
        if self.state != State::Running {
            return; // before `initialize` and after `shutdown`, notifications are dropped
        }
        // A notification gets no answer, so one with bad parameters is dropped.
        match method {
            notification::DidOpenTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidOpenTextDocumentParams>(params) {
                    let item = p.text_document;
                    let key = item.uri.as_str().to_owned();
                    let mut doc = Document::new(item.uri, item.version, item.text, Kind::Other);
                    doc.kind = self.kind_of(doc.path.as_deref());
                    self.docs.insert(key.clone(), doc);
                    self.pending.insert(key);
                }
            }
            notification::DidChangeTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidChangeTextDocumentParams>(params) {
                    let key = p.text_document.uri.as_str().to_owned();
                    if let Some(doc) = self.docs.get_mut(&key) {
                        for change in p.content_changes {
                            doc.change(change, self.encoding);
                        }
                        doc.version = p.text_document.version;
                        self.pending.insert(key);
                    }
                }
            }
            notification::DidSaveTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidSaveTextDocumentParams>(params) {
                    let key = p.text_document.uri.as_str().to_owned();
                    let config = self.docs.get(&key).is_some_and(|d| d.kind == Kind::Config);
                    if config {
                        // The CLI reads configs from disk: a saved config changes every
                        // inventory it governs.
                        self.relint_all();
                    }
                    if self.docs.contains_key(&key) {
                        self.pending.insert(key);
                    }
                }
            }
            notification::DidCloseTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidCloseTextDocumentParams>(params) {
                    let key = p.text_document.uri.as_str().to_owned();
                    self.analyses.remove(&key);
                    self.pending.remove(&key);
                    if let Some(doc) = self.docs.remove(&key)
                        && doc.kind != Kind::Other
                    {
                        self.publish(doc.uri, None, Vec::new());
                    }
                }
            }
            notification::DidChangeWatchedFiles::METHOD => self.relint_all(),
            _ => {} // `initialized`, `$/cancelRequest`, `$/setTrace` and the unknown
        }
    }

    fn relint_all(&mut self) {
        self.analyses.clear();
        let keys: Vec<String> = self.docs.keys().cloned().collect();
        self.pending.extend(keys);
    }

    fn kind_of(&self, path: Option<&Path>) -> Kind {
        let Some(path) = path else {
            return Kind::Other;
        };
        let mut roots = self.roots.clone();
        if let Ok(Some(config)) = crate::policy::discover::Finder::default().find(path)
            && let Some(dir) = crate::policy::normalize(&config).parent()
        {
            roots.push(dir.to_path_buf());
        }
        if let Some(dir) = path.parent() {
            roots.push(dir.to_path_buf());
        }
        classify(path, &roots, &self.extra)
    }

    /// Brings one document's analysis up to its current version.
    pub(super) fn refresh(&mut self, key: &str) {
        let Some(doc) = self.docs.get(key) else {
            return;
        };
        if self
            .analyses
            .get(key)
            .is_some_and(|(version, _)| *version == doc.version)
        {
            return;
        }
        let Some(path) = &doc.path else {
            return;
        };
        let analysis = match doc.kind {
            Kind::Inventory => diagnostics::inventory(path, &doc.text, &self.settings),
            Kind::Config => diagnostics::config(path, &doc.text, &self.settings),
            Kind::Other => return,
        };
        self.analyses
            .insert(key.to_owned(), (doc.version, analysis));
    }

    /// Lints every pending document at its latest version and publishes its diagnostics:
    /// inventories first, since a config shows what the policy found while checking them.
    pub(crate) fn flush(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        let (configs, inventories): (Vec<String>, Vec<String>) = pending
            .into_iter()
            .partition(|k| self.docs.get(k).is_some_and(|d| d.kind == Kind::Config));
        for key in inventories.iter().chain(&configs) {
            self.refresh(key);
            let (Some(doc), Some((_, analysis))) = (self.docs.get(key), self.analyses.get(key))
            else {
                continue;
            };
            let Some(path) = &doc.path else {
                continue;
            };
            let diagnostics = match doc.kind {
                Kind::Inventory => {
                    diagnostics::for_inventory(analysis, path, &doc.text, &doc.index, self.encoding)
                }
                Kind::Config => {
                    let path = crate::policy::normalize(path);
                    let mut seen = BTreeSet::new();
                    let here = self
                        .analyses
                        .values()
                        .filter_map(|(_, a)| match a {
                            Analysis::Inventory(Ok(outcome)) => Some(outcome.findings.iter()),
                            _ => None,
                        })
                        .flatten()
                        .filter(|f| crate::policy::normalize(&f.source.path) == path)
                        .filter(|f| seen.insert((f.span, f.rule.clone(), f.message.clone())));
                    diagnostics::for_config(analysis, &doc.text, here, self.encoding)
                }
                Kind::Other => continue,
            };
            let (uri, version) = (doc.uri.clone(), doc.version);
            self.publish(uri, Some(version), diagnostics);
        }
    }

    fn publish(
        &mut self,
        uri: lsp_types::Uri,
        version: Option<i32>,
        diagnostics: Vec<lsp_types::Diagnostic>,
    ) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(json!({
            "jsonrpc": "2.0",
            "method": notification::PublishDiagnostics::METHOD,
            "params": params,
        }));
    }

    /// The text of a file as the editor has it when open, else as on disk.
    pub(super) fn text_of(&self, path: &Path) -> Option<(Option<&Document>, String)> {
        let wanted = crate::policy::normalize(path);
        let open = self.docs.values().find(|d| {
            d.path
                .as_deref()
                .is_some_and(|p| crate::policy::normalize(p) == wanted)
        });
        match open {
            Some(doc) => Some((Some(doc), doc.text.clone())),
            None => std::fs::read_to_string(path).ok().map(|t| (None, t)),
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, Failure> {
    serde_json::from_value(params).map_err(|e| {
        (
            ErrorCode::InvalidParams as i32,
            format!("invalid params: {e}"),
        )
    })
}
