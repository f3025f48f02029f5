//! Generated copies stay current: the manual's generated pages (`docs/src/`: one per rule, one per
//! catalog system, the rule, field and catalog tables, the commands' help, the GitLab run) and
//! the JSON Schemas under `schemas/` are derived from the rule files, the field table, the
//! catalog, the binary's own help and a real run on GitLab's tech stack (shared data).
//!
//! One command refreshes them all: `UPDATE=1 cargo test --locked --test generated`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use e2ee_lint::catalog::Catalog;
use e2ee_lint::engine::rule::Registry;

fn updating() -> bool {
    std::env::var_os("UPDATE").is_some_and(|v| v == "1")
}

/// Held while a test reads and rewrites a page that another test also rewrites in part
/// (`configuration.md`): tests run on parallel threads, and the last write would win.
static PAGE_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn book() -> PathBuf {
    common::root().join("docs/src")
}

/// The page with the section between `<!-- NAME:start -->` and `<!-- NAME:end -->` replaced.
fn with_section(page: &str, name: &str, body: &str) -> String {
    let start_marker = format!("<!-- {name}:start -->");
    let end_marker = format!("<!-- {name}:end -->");
    let start = page
        .find(&start_marker)
        .unwrap_or_else(|| panic!("no {start_marker}"))
        + start_marker.len();
    let end = page
        .find(&end_marker)
        .unwrap_or_else(|| panic!("no {end_marker}"));
    format!("{}\n{}\n{}", &page[..start], body.trim(), &page[end..])
}

/// Every generated page of the book, as (path under `docs/src/`, text).
fn generated_pages() -> Vec<(PathBuf, String)> {
    let registry = Registry::embedded().unwrap();
    let catalog = Catalog::embedded();
    let mut pages = e2ee_lint::manual::pages(
        &registry.infos(),
        &catalog,
        &own_example,
        &example_folders(),
    );
    pages.push((PathBuf::from("generated/commands.md"), commands_page()));
    pages
}

/// A rule's own annotated example, `rules/tests/<id>.yaml`, as (path, text).
fn own_example(id: &str) -> Option<(String, String)> {
    let path = common::root().join(format!("rules/tests/{id}.yaml"));
    let text = std::fs::read_to_string(&path).ok()?;
    Some((common::relative(&path), text))
}

/// The YAML files of each folder under `rules/tests/` (a config with its inventories), as
/// (path, text), folders and files in order; the manual keeps the folders that name a rule.
fn example_folders() -> Vec<Vec<(String, String)>> {
    let dir = common::root().join("rules/tests");
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    folders
        .iter()
        .map(|folder| {
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(folder)
                .into_iter()
                .map(|entry| entry.unwrap().into_path())
                .filter(|path| path.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            files.sort();
            files
                .iter()
                .map(|path| {
                    (
                        common::relative(path),
                        std::fs::read_to_string(path).unwrap(),
                    )
                })
                .collect()
        })
        .collect()
}

/// The files under `docs/src/rules` and `docs/src/catalog` that are one rule's or one system's
/// page (every file but `index.md`): a rule or system removed must not leave its page behind.
fn per_item_pages() -> BTreeSet<PathBuf> {
    let mut found = BTreeSet::new();
    for dir in ["rules", "catalog"] {
        for entry in std::fs::read_dir(book().join(dir)).unwrap() {
            let name = entry.unwrap().file_name();
            if name != "index.md" {
                found.insert(Path::new(dir).join(name));
            }
        }
    }
    found
}

#[test]
fn book_pages_match_their_sources() {
    let pages = generated_pages();
    let mut stale = Vec::new();
    for (path, text) in &pages {
        let full = book().join(path);
        if updating() {
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            if std::fs::read_to_string(&full).ok().as_deref() != Some(text) {
                std::fs::write(&full, text).unwrap();
            }
        } else if std::fs::read_to_string(&full).ok().as_deref() != Some(text) {
            stale.push(path.display().to_string());
        }
    }
    let expected: BTreeSet<PathBuf> = pages.iter().map(|(p, _)| p.clone()).collect();
    for orphan in per_item_pages().difference(&expected) {
        if updating() {
            std::fs::remove_file(book().join(orphan)).unwrap();
        } else {
            stale.push(format!("{} (no such rule or system)", orphan.display()));
        }
    }
    assert!(
        stale.is_empty(),
        "stale book pages: {stale:?}; run `UPDATE=1 cargo test --locked --test generated`"
    );
}

/// The help of the binary and of each of its commands, as clap prints it.
fn commands_page() -> String {
    let help = |args: &[&str]| {
        let out = common::e2ee_lint_live(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        out.stdout.trim_end().to_owned()
    };
    let top = help(&["--help"]);
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A command's line starts at the third column; a wrapped description further right.
        .filter(|l| {
            l.as_bytes()
                .get(2)
                .is_some_and(|b| !b.is_ascii_whitespace())
        })
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect();
    assert!(
        commands.len() > 5,
        "commands parsed from --help: {commands:?}"
    );
    let mut out = format!(
        "<!-- Generated by `UPDATE=1 cargo test --locked --test generated` from the binary's \
         help. -->\n\n## `e2ee-lint`\n\n```text\n{top}\n```\n"
    );
    for command in &commands {
        out.push_str(&format!(
            "\n## `e2ee-lint {command}`\n\n```text\n{}\n```\n",
            help(&[command.as_str(), "--help"])
        ));
    }
    out
}

/// The GitLab run of the configuration page, refreshed in place between its markers (only when
/// the shared data set is present; a failure under `E2EE_LINT_REQUIRE_DATA=1`).
#[test]
fn gitlab_section_matches_a_real_run() {
    let _page = PAGE_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let path = book().join("configuration.md");
    let page = std::fs::read_to_string(&path).unwrap();
    let Some(body) = gitlab_section_of(&page) else {
        return;
    };
    let expected = with_section(&page, "gitlab", &body);
    if updating() {
        std::fs::write(&path, &expected).unwrap();
    } else {
        assert!(
            page == expected,
            "docs/src/configuration.md's GitLab section is stale: run `UPDATE=1 cargo test --locked --test generated`"
        );
    }
}

#[test]
fn committed_schemas_match_the_printed_ones() {
    for (which, file) in [
        ("inventory", "inventory.schema.json"),
        ("config", "config.schema.json"),
    ] {
        let path = common::root().join("schemas").join(file);
        let printed = common::schema(which);
        if updating() {
            std::fs::write(&path, &printed).unwrap();
        } else {
            let committed = std::fs::read_to_string(&path).unwrap();
            assert!(
                committed == printed,
                "schemas/{file} is stale: run `UPDATE=1 cargo test --test generated`"
            );
        }
    }
}

/// The GitLab section: a real run on GitLab's `tech_stack.yml` with the page's own mapping
/// config (read from the page), rendered from the run's `report-json`; the report's
/// coverage must equal the JSON output's. `None` when the shared data set is absent (a failure
/// under `E2EE_LINT_REQUIRE_DATA=1`): the section is then left as it is.
fn gitlab_section_of(page: &str) -> Option<String> {
    let inventory = common::shared_data("inventories/gitlab/tech_stack.yml")?;
    let marker = "# e2ee-lint.yaml next to tech_stack.yml\n";
    let start = page.find(marker).expect("the page has the GitLab config") + marker.len();
    let config = &page[start..start + page[start..].find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("e2ee-lint.yaml");
    std::fs::write(&config_path, config).unwrap();
    let text = |format: &str| {
        let args = [
            "check",
            inventory.to_str().unwrap(),
            "--config",
            config_path.to_str().unwrap(),
            "--today",
            "2026-12-06",
            "--format",
            format,
        ];
        common::e2ee_lint_live(&args).stdout
    };
    let run = |format: &str| {
        let out = text(format);
        serde_json::from_str::<serde_json::Value>(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    };
    let json = run("json");
    let report = run("report-json");
    let coverage = &report["summary"]["coverage"];
    assert_eq!(
        coverage, &json["summary"]["coverage"],
        "report and JSON agree"
    );
    assert_eq!(coverage["tools"], json["summary"]["tools"]);
    // The Markdown report states the same numbers.
    let markdown = text("markdown");
    for (row, key) in [
        ("communication tools judged", "judged"),
        ("tools with invalid fields", "invalid"),
        ("tools not applicable", "not_applicable"),
        ("files with no tool", "files_without_tools"),
    ] {
        let line = format!("| {row} | {} |", json["summary"]["coverage"][key]);
        assert!(markdown.contains(&line), "{line} not in the report");
    }
    // The data-classification mapping in force is printed in the policy section.
    let policy = markdown
        .lines()
        .find(|l| l.starts_with("| config | ") && l.contains("values mapped"))
        .expect("the config's value mapping is in the report");
    for colour in ["Red → restricted", "Orange → confidential"] {
        assert!(policy.contains(colour), "{colour}: {policy}");
    }
    Some(gitlab_section(&report))
}

/// The section's Markdown: coverage, verdict, tools that need action, control statuses.
fn gitlab_section(report: &serde_json::Value) -> String {
    let n = |v: &serde_json::Value| v.as_u64().unwrap_or(0);
    let c = &report["summary"]["coverage"];
    let mut out = String::from(
        "Generated from a real run (`UPDATE=1 cargo test --locked --test generated`, policy date \
         2026-12-06) on GitLab's `tech_stack.yml` with the config above:\n\n| coverage | count |\n|---|---|\n",
    );
    out.push_str(&format!("| tools recognized | {} |\n", n(&c["tools"])));
    out.push_str(&format!(
        "| communication tools (in the catalog / unclassified / ambiguous) | {} ({} / {} / {}) |\n",
        n(&c["communication"]),
        n(&c["catalog"]),
        n(&c["unclassified"]),
        n(&c["ambiguous"])
    ));
    out.push_str(&format!(
        "| communication tools judged | {} |\n",
        n(&c["judged"])
    ));
    out.push_str(&format!(
        "| tools with invalid fields | {} |\n",
        n(&c["invalid"])
    ));
    out.push_str(&format!(
        "| tools not applicable | {} |\n",
        n(&c["not_applicable"])
    ));
    for reason in c["not_applicable_reasons"].as_array().unwrap() {
        out.push_str(&format!(
            "| not applicable: {} | {} |\n",
            reason["reason"].as_str().unwrap().replace('`', "\\`"),
            n(&reason["tools"])
        ));
    }
    out.push_str(&format!(
        "| files with no tool | {} |\n",
        n(&c["files_without_tools"])
    ));
    out.push_str(&format!(
        "\nVerdict: **{}**\n\n| outcome | tools |\n|---|---|\n",
        report["summary"]["verdict_text"].as_str().unwrap()
    ));
    let tools = report["tools"].as_array().unwrap();
    for outcome in [
        "non-compliant",
        "at-risk",
        "not-examined",
        "banned",
        "accepted-risk",
        "compliant",
        "not-applicable",
    ] {
        let names: Vec<&str> = tools
            .iter()
            .filter(|t| t["outcome"] == outcome)
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        if names.is_empty() {
            continue;
        }
        let shown = if outcome == "not-applicable" {
            names.len().to_string()
        } else {
            let names: Vec<String> = names.iter().map(|n| n.replace('|', "\\|")).collect();
            format!("{}: {}", names.len(), names.join("; "))
        };
        out.push_str(&format!("| `{outcome}` | {shown} |\n"));
    }
    out.push_str("\n| control | pass | fail | status |\n|---|---|---|---|\n");
    for control in report["controls"].as_array().unwrap() {
        out.push_str(&format!(
            "| {} | {} | {} | `{}` |\n",
            control["control"].as_str().unwrap(),
            n(&control["pass"]),
            n(&control["fail"]),
            control["status"].as_str().unwrap()
        ));
    }
    out
}

/// The README's numbers that no generated section carries are checked against their sources:
/// the catalog's size, the toolchain and Python versions. (The quick start's output is checked
/// by tests/cli.rs, the editor example by tests/lsp.rs.)
#[test]
fn readme_numbers_match_their_sources() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let manifest = std::fs::read_to_string(common::root().join("Cargo.toml")).unwrap();
    let pyproject = std::fs::read_to_string(common::root().join("pyproject.toml")).unwrap();
    let value = |text: &str, key: &str| -> String {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("no {key}"));
        line.split('"')
            .nth(1)
            .unwrap()
            .trim_start_matches(">=")
            .to_owned()
    };
    let rust = value(&manifest, "rust-version");
    let python = value(&pyproject, "requires-python");
    let systems = Catalog::embedded().systems().len();
    for claim in [
        format!("Its catalog classifies {systems} messaging"),
        format!("with a Rust toolchain ({rust} or newer)"),
        format!("| Rust {rust}+ |"),
        format!("| Python {python}+ |"),
    ] {
        assert!(readme.contains(&claim), "README.md does not say: {claim}");
    }
    let intro = std::fs::read_to_string(book().join("introduction.md")).unwrap();
    assert!(intro.contains(&format!("Its catalog classifies {systems} messaging")));
    // Every number in the README's prose: the ones above, exit codes, or inside a sample.
    let mut fenced = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced || line.contains("](") && line.starts_with('|') {
            continue;
        }
        for word in line.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
            let word = word.trim_matches('.');
            if word.is_empty() || !word.starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            let known = [
                systems.to_string(),
                rust.clone(),
                python.clone(),
                "0.5".to_owned(), // mdBook's major series, pinned in .ci/run
            ];
            let exit_code = ["0", "1", "2", "3"].contains(&word);
            let standard = ["27001", "800-53", "800", "53", "2", "0.1.0", "1.0"].contains(&word);
            assert!(
                known.iter().any(|k| k == word) || exit_code || standard,
                "README.md has the number {word} that no test checks: {line}"
            );
        }
    }
}

/// The README's quick-start sample: `fixtures/acme.yaml`'s Slack diagnostic and the run's
/// summary, as the binary prints them over the live rules (a new rule changes the counts).
#[test]
fn readme_quick_start_shows_real_output() {
    let path = common::root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find("```text\nerror[no-e2ee]")
        .expect("README has the sample")
        + "```text\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let out = common::e2ee_lint_live(&["check", "fixtures/acme.yaml"]);
    let stderr = out.stderr.trim_end();
    let from = stderr
        .find("error[no-e2ee]\n\n  x Slack:")
        .unwrap_or_else(|| panic!("no Slack diagnostic in:\n{stderr}"));
    let body = from + "error[no-e2ee]\n\n".len();
    let diagnostic = &stderr[from..body + stderr[body..].find("\n\n").unwrap()];
    let summary = stderr.rsplit_once("\n\n").unwrap().1;
    let expected = format!(
        "{}{diagnostic}\n\n{summary}\n{}",
        &readme[..start],
        &readme[end..]
    );
    if updating() {
        std::fs::write(&path, &expected).unwrap();
    } else {
        assert!(
            readme == expected,
            "README.md's quick-start sample is stale: run `UPDATE=1 cargo test --locked --test generated`\n{stderr}"
        );
    }
}

/// The Output formats page's excerpt of the Markdown report of `fixtures/evidence/acme`: the
/// rows it shows (chosen by hand: the first cell names the row within its section) are
/// refreshed from a run over the live rules.
#[test]
fn the_manuals_report_excerpt_is_current() {
    let path = book().join("formats.md");
    let page = std::fs::read_to_string(&path).unwrap();
    let excerpt = page
        .split("<!-- report-excerpt:start -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- report-excerpt:end -->").next())
        .expect("the Output formats page has the report excerpt");
    let out = common::e2ee_lint_env(
        &["check", "fixtures/evidence/acme", "--format", "markdown"],
        &[(common::RULE_SET, ""), ("SOURCE_DATE_EPOCH", "1795780800")],
    );
    // (section, line) of every report line, and the row key: `| Telegram |` under `## Tools`.
    let mut section = "";
    let mut report = Vec::new();
    for line in out.stdout.lines() {
        if line.starts_with("## ") {
            section = line;
        }
        report.push((section, line));
    }
    let key = |line: &str| {
        line.match_indices('|')
            .nth(1)
            .map(|(at, _)| line[..=at].to_owned())
    };
    let mut section = "";
    let mut refreshed = Vec::new();
    for line in excerpt.trim().lines() {
        if line.starts_with("## ") {
            section = line;
        }
        let fresh = if line.starts_with("```") || line == "..." || line.is_empty() {
            Some(line)
        } else if line.starts_with("Verdict:") {
            report
                .iter()
                .map(|(_, l)| *l)
                .find(|l| l.starts_with("Verdict:"))
        } else if line.starts_with("| ") {
            let rows: Vec<&str> = report
                .iter()
                .filter(|(s, l)| *s == section && key(l) == key(line))
                .map(|(_, l)| *l)
                .collect();
            (rows.len() == 1).then(|| rows[0])
        } else {
            report.iter().map(|(_, l)| *l).find(|l| *l == line)
        };
        let fresh = fresh.unwrap_or_else(|| {
            panic!("docs/src/formats.md excerpt line no longer in the report: {line}")
        });
        refreshed.push(fresh);
    }
    assert!(refreshed.len() > 30);
    let expected = with_section(&page, "report-excerpt", &refreshed.join("\n"));
    if updating() {
        std::fs::write(&path, &expected).unwrap();
    } else {
        assert!(
            page == expected,
            "docs/src/formats.md's report excerpt is stale: run `UPDATE=1 cargo test --locked --test generated`"
        );
    }
    assert!(book().join("report.png").exists());
}

/// The Configuration page's summary-line sample: the run its text names, over the live rules.
#[test]
fn the_configuration_pages_summary_line_is_current() {
    let _page = PAGE_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let path = book().join("configuration.md");
    let page = std::fs::read_to_string(&path).unwrap();
    let run =
        "e2ee-lint check fixtures/policy/exceptions fixtures/policy/ignores --today 2026-11-27";
    let marker = format!("`{run}`):\n\n```text\n");
    let start = page.find(&marker).expect("the page names the run") + marker.len();
    let end = start + page[start..].find('\n').unwrap();
    let args: Vec<&str> = run.split(' ').skip(1).collect();
    let out = common::e2ee_lint_live(&args);
    // The summary line, then the coverage line.
    let summary = out.stderr.trim_end().lines().rev().nth(1).unwrap();
    assert!(summary.contains(" suppressed by "), "{}", out.stderr);
    let expected = format!("{}{summary}{}", &page[..start], &page[end..]);
    if updating() {
        std::fs::write(&path, &expected).unwrap();
    } else {
        assert!(
            page == expected,
            "docs/src/configuration.md's summary line is stale: run `UPDATE=1 cargo test --locked --test generated`"
        );
    }
}
