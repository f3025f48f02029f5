//! `e2ee-lint init`: writes a commented starter config, never over an existing file.

use std::io::Write;
use std::path::Path;

/// The starter config: valid as written (tested), every key shown, commented.
pub(crate) const STARTER: &str = r#"# e2ee-lint configuration. Reference: the "Configuration" section of the README.
#
# Editor completion and validation (yaml-language-server):
#   e2ee-lint schema config > .e2ee-lint.schema.json
# then make this the first line of the file:
#   # yaml-language-server: $schema=.e2ee-lint.schema.json

# Exit 1 when an unsuppressed finding at or above this severity exists:
# error | warning | info | never. The --fail-on flag wins.
fail_on: error

data_classification:
  # The company's levels, least to most sensitive.
  levels: [public, internal, confidential, restricted]
  # The first level whose data requires end-to-end encryption.
  e2ee_required_from: confidential

# Severity per rule: error | warning | info | off. `e2ee-lint rules` lists the rules;
# --severity RULE=LEVEL wins. Uncomment the example lines below each key to use them.
rules:
#   unclassified-tool: info

# The longest an exception may run from today; a later `expires` is a warning.
max_exception_days: 365

# Accepted risks: each reasoned, owned and dated. An expired exception suppresses
# nothing and is itself an error; one that matches nothing is a warning.
exceptions:
#   - tool: Slack                   # tool name, id or catalog alias
#     rule: no-e2ee
#     reason: Public announcements channel only; no customer data
#     approved_by: ciso@example.com
#     ticket: SEC-1234              # optional
#     expires: 2027-06-30           # last day it applies (YYYY-MM-DD)
#     files: ["inventories/eu/**"]  # optional: only these inventories (relative to this file)

# Inventories in the company's own shape (absent: inventory format v1).
# inventory:
#   tools: tools                   # key holding the list; `.`: the file is a list;
#                                  # `single`: each file is one tool
#   fields:                        # our field: the company's key
#     name: title
#     owner: group_owner
#   unknown_fields: warn           # warn | ignore: keys no field is mapped to
#   values:                        # per field, the company's values -> ours
#     data_classification: {Red: restricted, Orange: confidential, Yellow: internal, Green: public}
"#;

/// Writes the starter config to `path`; an existing file is left alone (exit 2), and so is a
/// directory that already has a config under either name (discovery would then find two).
pub(crate) fn run(path: &Path) -> Result<u8, String> {
    let name = crate::discover::display_name(path);
    let config_names = crate::policy::discover::NAMES;
    if path
        .file_name()
        .is_some_and(|n| config_names.iter().any(|c| n == *c))
    {
        let dir = path.parent().unwrap_or(Path::new(""));
        for other in config_names {
            let existing = dir.join(other);
            if existing.exists() {
                return Err(format!(
                    "{} already exists; not writing another config beside it",
                    crate::discover::display_name(&existing)
                ));
            }
        }
    }
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    let mut file = match file {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(format!("{name} already exists; not overwriting it"));
        }
        Err(e) => return Err(format!("{name}: {}", crate::discover::io_message(&e))),
    };
    file.write_all(STARTER.as_bytes())
        .map_err(|e| format!("{name}: {}", crate::discover::io_message(&e)))?;
    crate::status::line(&format!("wrote {name}"));
    Ok(crate::status::exit::OK)
}
