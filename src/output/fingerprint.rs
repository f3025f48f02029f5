//! Stable finding fingerprints shared by the SARIF and GitLab renderers.
//!
//! A fingerprint identifies "the same problem" across runs, so code-scanning alerts and merge
//! request widgets can tell new findings from old ones. It hashes what the problem is about, not
//! where it is: the rule id, the file's display path and the tool's id (for findings without a
//! tool, such as a YAML syntax error, the message and the text under the span). Moving a tool up
//! or down the file keeps its fingerprint. Identical keys in one run are told apart by their
//! occurrence number, so every finding's fingerprint is unique.
//!
//! The hash is 64-bit FNV-1a over UTF-8 bytes: tiny, specified, and the same on every platform
//! and Rust version (unlike `std::hash`, whose output is not a stable contract).

use std::collections::HashMap;

use crate::finding::Finding;

/// Bumped if the key ever changes, so consumers see new fingerprints rather than wrong matches.
pub(crate) const VERSION: u32 = 1;

/// 64-bit FNV-1a.
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// What a finding is about, independent of its line: fields joined with NUL, which none of
/// them can hold in a way that makes two different keys equal.
fn key(finding: &Finding) -> String {
    let subject = match &finding.tool {
        Some(tool) => format!("tool\0{}", tool.id),
        None => format!(
            "text\0{}\0{}",
            finding.message,
            finding.source.slice(finding.span)
        ),
    };
    format!(
        "v{VERSION}\0{}\0{}\0{subject}",
        finding.rule, finding.source.name
    )
}

/// One fingerprint per finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    /// The hash of the line-independent key (16 lowercase hex digits).
    pub(crate) hash: String,
    /// 1 for the first finding with this key in the run, 2 for the next, ...
    pub(crate) occurrence: usize,
}

impl Fingerprint {
    /// Unique within a run: `hash:occurrence` (the shape GitHub uses for its line hashes).
    pub(crate) fn unique(&self) -> String {
        format!("{}:{}", self.hash, self.occurrence)
    }
}

/// The fingerprints of `findings`, in the same order. Computed over every finding, suppressed
/// or not, so that suppressing one never renumbers another.
pub(crate) fn fingerprints(findings: &[Finding]) -> Vec<Fingerprint> {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    findings
        .iter()
        .map(|finding| {
            let hash = fnv1a64(key(finding).as_bytes());
            let occurrence = seen.entry(hash).or_insert(0);
            *occurrence += 1;
            Fingerprint {
                hash: format!("{hash:016x}"),
                occurrence: *occurrence,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_reference_vectors() {
        // From the FNV reference test suite.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
