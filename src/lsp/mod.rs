//! The language server (`e2ee-lint server`): the CLI's diagnostics, with the same spans, as
//! people type; catalog hovers, completion from the field table, and code actions.

pub fn run_stdio() -> Result<u8, String> {
    Ok(0)
}
