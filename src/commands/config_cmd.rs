//! `e2ee-lint config`: validates the config that applies in the working directory, with
//! everything it extends; `--show` prints the effective config with each value's origin.

use super::{config_errors, config_for_cwd, exit, print_stdout};
use crate::output::Style;
use crate::policy::ConfigChoice;

pub(super) fn run(show: bool, choice: &ConfigChoice, style: Style) -> Result<u8, String> {
    let config = match config_for_cwd(choice, crate::discover::DEFAULT_MAX_FILE_SIZE)? {
        Ok(config) => config,
        Err(errors) => return Ok(config_errors(&errors, style, "the config is not used")),
    };
    let Some(config) = config else {
        return print_stdout(
            "# No config file applies in this directory: the defaults apply.\nfail_on: error  # default\nmax_exception_days: 365  # default\n",
        )
        .map(|_| exit::OK);
    };
    if show {
        return print_stdout(&crate::policy::config::show(&config));
    }
    let mut text = format!("{}: valid\n", config.source.name);
    for file in config.files.iter().skip(1) {
        text.push_str(&format!("  extends {}\n", file.name));
    }
    for path in &config.rule_files {
        text.push_str(&format!(
            "  rule file {}\n",
            crate::discover::display_name(path)
        ));
    }
    print_stdout(&text)
}
