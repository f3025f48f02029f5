//! Showing input text safely: escaping what an input must not control (`sanitize`), finding
//! lines and columns (`locate`) and cutting source excerpts (`excerpt`). Below every module that
//! reports a located problem, so that loaders and renderers share it without depending on each
//! other.

pub(crate) mod excerpt;
pub(crate) mod locate;
pub(crate) mod sanitize;

/// The most characters of one input value (a tool's name, a field, a label) that a message,
/// label, help or a format's per-finding copy repeats.
pub(crate) const ECHO_CHARS: usize = 120;

/// Appends an input value as a message repeats it: whole up to [`ECHO_CHARS`] characters,
/// else its first [`ECHO_CHARS`] characters and "… (N bytes)", N being the whole value's size.
/// A 2.6 MB name used by 99 tools would otherwise be copied into every message about them; the
/// finding's span still covers the whole value, and JSON keeps the full name once, in `tools`.
pub(crate) fn echo(out: &mut String, value: &str) {
    match value.char_indices().nth(ECHO_CHARS) {
        None => out.push_str(value),
        Some((cut, _)) => {
            out.push_str(&value[..cut]);
            let _ = std::fmt::Write::write_fmt(out, format_args!("… ({} bytes)", value.len()));
        }
    }
}

/// A value as a format repeats it per finding: [`echo`]'s bound, borrowed when it is short.
pub(crate) fn echoed(value: &str) -> std::borrow::Cow<'_, str> {
    if value.char_indices().nth(ECHO_CHARS).is_none() {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = String::new();
    echo(&mut out, value);
    std::borrow::Cow::Owned(out)
}
