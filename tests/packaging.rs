//! What packagers install beside the binary: shell completions, man pages, and the help links.

mod common;

use clap::CommandFactory;
use common::{e2ee_lint, e2ee_lint_env};

/// The binary's own command-line definitions, compiled here as they are in the binary.
#[path = "../src/bin/e2ee-lint/cli.rs"]
#[allow(dead_code)]
mod cli;

/// Every subcommand a user can type (clap's own `help` aside).
fn subcommands() -> Vec<String> {
    let names: Vec<String> = cli::Cli::command()
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    assert!(names.len() >= 8, "{names:?}");
    names
}

#[test]
fn bash_completion_names_every_subcommand() {
    let out = e2ee_lint(&["completions", "bash"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("complete -F _e2ee__lint"),
        "not a bash script"
    );
    for name in subcommands() {
        assert!(
            out.stdout.contains(&format!("e2ee__lint,{name})")),
            "bash completion does not offer `{name}`"
        );
    }
    // Values are completed too: formats and shells.
    for value in ["sarif", "junit", "powershell"] {
        assert!(
            out.stdout.contains(value),
            "no `{value}` in the bash script"
        );
    }

    // What bash offers, asked as bash asks it.
    let script = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(script.path(), &out.stdout).unwrap();
    let complete = |words: &[&str]| -> Option<Vec<String>> {
        let program = "source \"$0\"; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); \
             _e2ee__lint e2ee-lint \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"; \
             printf '%s\\n' \"${COMPREPLY[@]}\"";
        let output = std::process::Command::new("bash")
            .arg("-c")
            .arg(program)
            .arg(script.path())
            .args(words)
            .output()
            .ok()?;
        assert!(output.status.success(), "{output:?}");
        Some(
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .map(str::to_owned)
                .collect(),
        )
    };
    let Some(top) = complete(&["e2ee-lint", ""]) else {
        assert!(!in_ci(), "bash is required in CI (CI=true)");
        println!("skipped: bash not found, the script was only checked as text");
        return;
    };
    for name in subcommands() {
        assert!(
            top.contains(&name),
            "`e2ee-lint <TAB>` misses `{name}`: {top:?}"
        );
    }
    // A subcommand's own options and values (broken in clap_complete 4.6 for hyphenated names).
    let options = complete(&["e2ee-lint", "check", "--"]).unwrap();
    assert!(options.contains(&"--fail-on".to_owned()), "{options:?}");
    let formats = complete(&["e2ee-lint", "check", "--format", ""]).unwrap();
    assert!(formats.contains(&"sarif".to_owned()), "{formats:?}");
    let shells = complete(&["e2ee-lint", "completions", "z"]).unwrap();
    assert_eq!(shells, ["zsh"]);
}

#[test]
fn every_shell_gets_a_script_naming_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = e2ee_lint(&["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        for name in subcommands() {
            assert!(out.stdout.contains(&name), "{shell}: no `{name}`");
        }
    }
    let out = e2ee_lint(&["completions", "tcsh"]);
    assert_eq!(out.code, 2);
}

/// In CI a missing tool fails the test instead of skipping it.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The lines of a page after clap_mangen's preamble (the definition of the `Aq` string).
fn body(page: &str) -> impl Iterator<Item = &str> {
    page.lines()
        .skip_while(|line| line.starts_with(".ie ") || line.starts_with(".el "))
}

#[test]
fn man_page_is_roff_naming_every_subcommand() {
    let out = e2ee_lint(&["manpage"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let first = body(&out.stdout).next().unwrap_or_default();
    assert!(first.starts_with(".TH e2ee-lint 1 "), "{first}");
    assert!(first.contains(concat!("\"e2ee-lint ", env!("CARGO_PKG_VERSION"), "\"")));
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(out.stdout.contains(section), "no `{section}`");
    }
    for name in subcommands() {
        assert!(
            // roff escapes every hyphen, the subcommand's own too (`test\-rules`).
            out.stdout
                .contains(&format!("e2ee\\-lint\\-{}(1)", name.replace('-', "\\-"))),
            "the man page does not name `{name}`"
        );
    }
    // Every line is a control line, or text that cannot be mistaken for one.
    for line in out.stdout.lines() {
        assert!(!line.starts_with('\''), "{line}");
        if let Some(control) = line.strip_prefix('.') {
            let name: String = control.chars().take_while(|c| !c.is_whitespace()).collect();
            assert!(
                [
                    "ie", "el", "TH", "SH", "TP", "IP", "RS", "RE", "br", "PP", "B", "I"
                ]
                .contains(&name.as_str()),
                "unexpected request `.{name}`"
            );
        }
    }
    groff_lint(&out.stdout, "e2ee-lint.1");
}

/// With groff installed, the page must format without a warning.
fn groff_lint(page: &str, name: &str) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let Ok(mut child) = Command::new("groff")
        .args(["-man", "-ww", "-z"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        assert!(!in_ci(), "groff is required in CI (CI=true) to lint {name}");
        println!("skipped: groff not found, {name} only checked structurally");
        return;
    };
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(page.as_bytes())
        .expect("groff reads the page");
    let output = child.wait_with_output().expect("groff runs");
    assert!(output.status.success(), "groff failed on {name}");
    let warnings = String::from_utf8_lossy(&output.stderr);
    assert!(warnings.trim().is_empty(), "{name}: {warnings}");
}

#[test]
fn man_pages_for_every_subcommand_in_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let out = e2ee_lint(&["manpage", "--dir", dir_arg]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = subcommands()
        .iter()
        .filter(|name| *name != "help")
        .map(|name| format!("e2ee-lint-{name}.1"))
        .chain(["e2ee-lint.1".to_owned()])
        .collect();
    expected.sort();
    assert_eq!(files, expected);
    let check = std::fs::read_to_string(dir.path().join("e2ee-lint-check.1")).unwrap();
    let first = body(&check).next().unwrap_or_default();
    assert!(first.starts_with(".TH e2ee-lint-check 1 "), "{first}");
    for option in ["format", "fail\\-on", "baseline", "max\\-file\\-size"] {
        assert!(check.contains(&format!("\\-\\-{option}")), "no --{option}");
    }
    // The page on standard output is the directory's main page.
    let main = std::fs::read_to_string(dir.path().join("e2ee-lint.1")).unwrap();
    assert_eq!(main, e2ee_lint(&["manpage"]).stdout);
    groff_lint(&check, "e2ee-lint-check.1");

    let missing = dir.path().join("missing");
    let out = e2ee_lint(&["manpage", "--dir", missing.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("e2ee-lint: error: cannot write man pages")
    );
}

#[test]
fn generation_is_deterministic() {
    // Nothing depends on the date, the environment or the run.
    let env = [("SOURCE_DATE_EPOCH", "0"), ("COLUMNS", "40")];
    for args in [
        &["manpage"][..],
        &["completions", "bash"],
        &["completions", "zsh"],
        &["completions", "fish"],
        &["completions", "powershell"],
        &["completions", "elvish"],
    ] {
        let first = e2ee_lint(args);
        let second = e2ee_lint_env(args, &env);
        assert_eq!(first.code, 0);
        assert!(!first.stdout.is_empty());
        assert_eq!(first.stdout, second.stdout, "{args:?}");
    }
}

#[test]
fn docs_url_comes_from_cargo_toml_and_the_environment() {
    let sarif = |env: &[(&str, &str)]| -> serde_json::Value {
        let out = e2ee_lint_env(&["check", "fixtures/acme.yaml", "-f", "sarif"], env);
        serde_json::from_str(&out.stdout).unwrap()
    };
    let repository = env!("CARGO_PKG_REPOSITORY");
    assert!(repository.starts_with("https://"));
    let site = env!("CARGO_PKG_HOMEPAGE").trim_end_matches('/');
    assert!(site.starts_with("https://"));
    let default = sarif(&[]);
    let driver = &default["runs"][0]["tool"]["driver"];
    assert_eq!(driver["informationUri"], site);
    let first = driver["rules"][0]["id"].as_str().unwrap();
    assert_eq!(
        driver["rules"][0]["helpUri"],
        format!("{site}/rules/{first}.html")
    );

    // A mirror of the manual, given with a trailing slash.
    let mirror = "https://docs.example.com/security/e2ee-lint";
    let overridden = sarif(&[("E2EE_LINT_DOCS_URL", &format!("{mirror}/"))]);
    let driver = &overridden["runs"][0]["tool"]["driver"];
    assert_eq!(driver["informationUri"], mirror);
    for rule in driver["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        assert_eq!(rule["helpUri"], format!("{mirror}/rules/{id}.html"));
    }
    // Blank means unset.
    assert_eq!(sarif(&[("E2EE_LINT_DOCS_URL", "  ")]), default);

    for which in ["inventory", "config"] {
        let out = e2ee_lint_env(&["schema", which], &[("E2EE_LINT_DOCS_URL", mirror)]);
        let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(
            schema["$id"],
            format!("{repository}/raw/main/schemas/{which}.schema.json")
        );
    }
}
