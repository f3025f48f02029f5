//! `e2ee-lint test-rules`: prints each mismatch with its location and a summary line; exit 1 on
//! any mismatch.

use std::path::PathBuf;

use super::{error_line, exit, print_stdout};
use crate::date::Date;
use crate::output::Style;
use crate::pipeline;
use crate::policy::Settings;
use crate::rule_tests;

pub(super) fn run(
    paths: &[PathBuf],
    rules: &[PathBuf],
    today: Option<Date>,
    style: Style,
) -> Result<u8, String> {
    let settings = Settings {
        rule_files: rules.to_vec(),
        ..Settings::new(today.map_or_else(Date::default_today, Ok)?)
    };
    let (mut passed, mut failed, mut expectations) = (0, 0, 0);
    let mut report = String::new();
    for path in paths {
        let examples = rule_tests::examples(path);
        if examples.is_empty() {
            return Err(format!(
                "{}: no example inventory here",
                crate::discover::display_name(path)
            ));
        }
        for example in examples {
            let result = match rule_tests::run_example(&example, &settings) {
                Ok(result) => result,
                Err(pipeline::Error::Usage(message)) => return Err(message),
                Err(pipeline::Error::Config(errors)) => {
                    return Ok(super::config_errors(&errors, style, "no rule was tested"));
                }
                Err(pipeline::Error::Rules(errors)) => {
                    return Ok(super::rule_errors(&errors, style, "no rule was tested"));
                }
            };
            expectations += result.checked;
            if result.checked == 0 {
                error_line(&format!(
                    "{}: no `# expect:` or `# ok:` annotation; it tests nothing",
                    result.example
                ));
                failed += 1;
                continue;
            }
            if result.mismatches.is_empty() {
                passed += 1;
                continue;
            }
            failed += 1;
            for mismatch in &result.mismatches {
                report.push_str(&format!(
                    "{}:{}: {}\n",
                    crate::text::sanitize::line(&mismatch.file),
                    mismatch.line,
                    mismatch.message
                ));
            }
        }
    }
    report.push_str(&format!(
        "{expectations} expectations in {} examples\ntest-rules: {passed} passed, {failed} failed\n",
        passed + failed
    ));
    print_stdout(&report)?;
    Ok(if failed == 0 {
        exit::OK
    } else {
        exit::FINDINGS
    })
}
