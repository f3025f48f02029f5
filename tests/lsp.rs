//! `e2ee-lint server` driven over stdio like an editor: initialize, open, change, hover, code
//! action, completion, hostile messages, shutdown and exit.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

/// The fixed built-in rule set the integration tests run over (`tests/common/mod.rs`).
const RULE_SET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/builtin-rules.txt");

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: mpsc::Receiver<Value>,
    next_id: i64,
    /// Every message received, for asserting what never came.
    seen: Vec<Value>,
}

impl Client {
    fn start(dir: &Path) -> Client {
        Client::start_with(dir, &["server".to_owned()])
    }

    fn start_with(dir: &Path, args: &[String]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_e2ee-lint"))
            .args(args)
            .env("E2EE_LINT_INTERNAL_RULE_SET", RULE_SET)
            .current_dir(dir)
            .env("SOURCE_DATE_EPOCH", "1790000000")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (send, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse().expect("a length");
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).expect("the server sends JSON");
                if send.send(value).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            next_id: 1,
            seen: Vec::new(),
        }
    }

    fn raw(&mut self, body: &[u8]) {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        self.stdin.write_all(header.as_bytes()).expect("write");
        self.stdin.write_all(body).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.raw(body.to_string().as_bytes());
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.raw(body.to_string().as_bytes());
        self.wait(|m| m["id"] == json!(id))
    }

    /// The next message that `wanted` accepts; others are skipped.
    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self
                .incoming
                .recv_timeout(Duration::from_secs(60))
                .expect("the server answers in time");
            self.seen.push(message.clone());
            if wanted(&message) {
                return message;
            }
        }
    }

    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

const CONFIG: &str = "rules:\n  backups-not-e2ee: off\n";
const INVENTORY: &str = "# our tools\ntools:\n  - name: Signal   # keep\n    chanels: [text]\n  - name: Slack\n    data_classification: confidential\n  - name: Teams\n";

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
    std::fs::write(dir.path().join("e2ee-lint.yaml"), CONFIG).expect("write");
    std::fs::write(dir.path().join("inventory.yaml"), INVENTORY).expect("write");
    dir
}

fn initialize(client: &mut Client, root: &Path) {
    let result = client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(root), "capabilities": {}}),
    );
    let capabilities = &result["result"]["capabilities"];
    assert_eq!(capabilities["hoverProvider"], true, "{result}");
    assert!(capabilities["codeActionProvider"].is_object(), "{result}");
    client.notify("initialized", json!({}));
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn a_session_from_initialize_to_exit() {
    let dir = project();
    let root = dir.path();
    let mut client = Client::start(root);
    initialize(&mut client, root);
    let inventory = uri(&root.join("inventory.yaml"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": inventory, "languageId": "yaml", "version": 1, "text": INVENTORY}}),
    );
    let diagnostics = client.diagnostics(&inventory, 1);
    let codes1 = codes(&diagnostics);
    assert!(codes1.contains(&"unknown-field".to_owned()), "{codes1:?}");
    assert!(codes1.contains(&"no-e2ee".to_owned()), "{codes1:?}");
    assert!(
        !codes1.contains(&"backups-not-e2ee".to_owned()),
        "the config is applied"
    );
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "unknown-field")
        .cloned()
        .unwrap_or_default();
    // The CLI's span: `chanels` on line 4, columns 5 to 11 (0-based here).
    assert_eq!(
        unknown["range"],
        json!({"start": {"line": 3, "character": 4}, "end": {"line": 3, "character": 11}})
    );
    assert!(
        unknown["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.ends_with("/rules/unknown-field.html")),
        "{unknown}"
    );

    // Hover on the tool's name: the catalog entry.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": inventory}, "position": {"line": 2, "character": 12}}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(
        text.contains("`signal`") && text.contains("text_1to1"),
        "{hover}"
    );
    // An ambiguous name lists its candidates.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": inventory}, "position": {"line": 6, "character": 11}}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("could mean"), "{hover}");

    // Code actions on the misspelt key: the rename, with its edit.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": inventory}, "range": unknown["range"], "context": {"diagnostics": [unknown]}}),
    );
    let titles: Vec<&str> = actions["result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(
        titles.contains(&"rename `chanels` to `channels`"),
        "{titles:?}"
    );
    // On Slack's finding: an inline ignore and an exception skeleton in the config.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": inventory}, "range": {"start": {"line": 4, "character": 10}, "end": {"line": 4, "character": 10}}, "context": {"diagnostics": []}}),
    );
    let all = actions["result"].as_array().cloned().unwrap_or_default();
    let ignore = all
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("ignore `no-e2ee`"))
        })
        .unwrap_or_else(|| panic!("{actions}"));
    let edit = &ignore["edit"]["changes"][&inventory][0];
    assert_eq!(edit["newText"], " # e2ee-lint: ignore[no-e2ee] <reason>");
    let exception = all
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("add an exception"))
        })
        .unwrap_or_else(|| panic!("{actions}"));
    let config_uri = uri(&root.join("e2ee-lint.yaml"));
    let new_text = exception["edit"]["changes"][&config_uri][0]["newText"]
        .as_str()
        .unwrap_or("");
    assert!(new_text.contains("approved_by: \"\"") && new_text.contains("expires: YYYY-MM-DD"));
    // Pinning the ambiguous Teams.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": inventory}, "range": {"start": {"line": 6, "character": 11}, "end": {"line": 6, "character": 11}}, "context": {"diagnostics": []}}),
    );
    assert!(
        actions.to_string().contains("system: microsoft-teams"),
        "{actions}"
    );

    // An incremental change fixes the key: that finding goes, with version 2.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": inventory, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 3, "character": 4}, "end": {"line": 3, "character": 11}}, "text": "channels"}
        ]}),
    );
    let codes2 = codes(&client.diagnostics(&inventory, 2));
    assert!(!codes2.contains(&"unknown-field".to_owned()), "{codes2:?}");

    // Completion of `name:` offers catalog names.
    let completion = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": inventory}, "position": {"line": 4, "character": 14}}),
    );
    assert!(
        completion.to_string().contains("\"Signal\""),
        "{completion}"
    );

    // Hostile messages get error answers, and the server goes on.
    client.raw(b"{not json");
    let error = client.wait(|m| m["error"].is_object() && m["id"].is_null());
    assert_eq!(error["error"]["code"], -32700);
    let unknown_method = client.request("e2ee/nothing", json!({}));
    assert_eq!(unknown_method["error"]["code"], -32601);
    let bad_params = client.request("textDocument/hover", json!({"nope": 1}));
    assert_eq!(bad_params["error"]["code"], -32602);

    let shutdown = client.request("shutdown", Value::Null);
    assert!(shutdown["result"].is_null() && shutdown.get("error").is_none());
    client.notify("exit", Value::Null);
    let status = client.child.wait().expect("the server exits");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn configs_non_yaml_and_huge_documents() {
    let dir = project();
    let root = dir.path();
    let mut client = Client::start(root);
    initialize(&mut client, root);
    // A config with a misspelt key: a config error, with a rename.
    let config = uri(&root.join("e2ee-lint.yaml"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": config, "languageId": "yaml", "version": 1, "text": "fail_onn: warning\n"}}),
    );
    let diagnostics = client.diagnostics(&config, 1);
    assert_eq!(codes(&diagnostics), ["invalid-config"]);
    // Not YAML at all: a diagnostic, not a crash.
    let broken = uri(&root.join("inventories/broken.yaml"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": broken, "languageId": "yaml", "version": 1, "text": "tools: [\n  {a: \"\n\u{0}"}}),
    );
    assert_eq!(
        codes(&client.diagnostics(&broken, 1)),
        ["invalid-inventory"]
    );
    // A YAML file that is not an inventory gets no diagnostics.
    let other = uri(&root.join("docker-compose.yaml"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": other, "languageId": "yaml", "version": 1, "text": "services: {}\n"}}),
    );
    // 50 MB in one document.
    let huge = uri(&root.join("inventory.yaml"));
    let text = format!("notes: \"{}\"\n", "a".repeat(50 * 1024 * 1024));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": huge, "languageId": "yaml", "version": 7, "text": text}}),
    );
    let diagnostics = client.diagnostics(&huge, 7);
    assert!(!diagnostics.is_empty());
    let shutdown = client.request("shutdown", Value::Null);
    assert!(shutdown["result"].is_null());
    assert!(
        !client.seen.iter().any(|m| m["params"]["uri"] == other),
        "a YAML file that is no inventory gets no diagnostics"
    );
    client.notify("exit", Value::Null);
    assert_eq!(client.child.wait().ok().and_then(|s| s.code()), Some(0));
}

#[test]
fn exit_without_shutdown_is_an_unclean_end() {
    let dir = project();
    let mut client = Client::start(dir.path());
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002);
    client.notify("exit", Value::Null);
    assert_eq!(client.child.wait().ok().and_then(|s| s.code()), Some(1));
}

/// The fenced block after `<!-- NAME -->` in the manual's Editors page.
fn readme_snippet(name: &str) -> String {
    snippet_in("docs/src/editors.md", name)
}

/// The fenced block after `<!-- NAME -->` in `file` (relative to the crate root).
fn snippet_in(file: &str, name: &str) -> String {
    let page = std::fs::read_to_string(format!("{}/{file}", env!("CARGO_MANIFEST_DIR")))
        .expect("the page");
    let marker = format!("<!-- {name} -->");
    let after = page
        .split_once(&marker)
        .unwrap_or_else(|| panic!("{file} has no {marker}"))
        .1;
    let body = after.split_once("```").map_or("", |(_, rest)| rest);
    let body = body.split_once('\n').map_or("", |(_, rest)| rest);
    body.split_once("```")
        .map_or("", |(code, _)| code)
        .to_owned()
}

/// The Helix and VS Code snippets start the server as written: their command and arguments
/// answer `initialize` and end cleanly.
#[test]
fn editor_snippets_start_the_server() {
    let helix = readme_snippet("helix-setup");
    let value = |key: &str| {
        helix
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("no {key} in {helix}"))
            .to_owned()
    };
    let helix_command: String = serde_json::from_str(&value("command")).expect("a string");
    let helix_args: Vec<String> = serde_json::from_str(&value("args")).expect("a list");
    let vscode: Value = serde_json::from_str(&readme_snippet("vscode-setup")).expect("JSON");
    let vscode_command = vscode["glspc.server.command"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let vscode_args: Vec<String> =
        serde_json::from_value(vscode["glspc.server.commandArguments"].clone()).expect("a list");
    for (command, args) in [(helix_command, helix_args), (vscode_command, vscode_args)] {
        assert_eq!(command, "e2ee-lint");
        let dir = project();
        let mut client = Client::start_with(dir.path(), &args);
        initialize(&mut client, dir.path());
        let shutdown = client.request("shutdown", Value::Null);
        assert!(shutdown["result"].is_null());
        client.notify("exit", Value::Null);
        assert_eq!(client.child.wait().ok().and_then(|s| s.code()), Some(0));
    }
}

/// The README's editor example is the manual's Neovim set-up, word for word (`.ci/nvim-lsp.sh`
/// runs the README's copy in a real Neovim).
#[test]
fn the_readme_editor_example_is_the_manuals() {
    let snippet = readme_snippet("neovim-setup");
    assert!(snippet.contains("e2ee-lint"), "{snippet}");
    assert_eq!(snippet_in("README.md", "neovim-setup"), snippet);
}
