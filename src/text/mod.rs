//! Showing input text safely: escaping what an input must not control (`sanitize`), finding
//! lines and columns (`locate`) and cutting source excerpts (`excerpt`). Below every module that
//! reports a located problem, so that loaders and renderers share it without depending on each
//! other.

pub(crate) mod excerpt;
pub(crate) mod locate;
pub(crate) mod sanitize;
