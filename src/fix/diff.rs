//! Unified diffs (`diff -u`, as `patch` and `git apply` read them) between a file and its fixed
//! text, for `check --diff`.
//!
//! Fixes touch few lines, so the changed region is found by trimming the lines both texts share
//! at the start and at the end; inside it a small longest-common-subsequence table keeps
//! untouched lines as context. A region too large for the table is shown removed and added.

/// Lines of context around each change, as `diff -u`.
const CONTEXT: usize = 3;
/// The largest region (old lines × new lines) diffed line by line.
const MAX_TABLE: usize = 4_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Removed,
    Added,
}

/// A unified diff from `old` to `new` with `a/NAME` and `b/NAME` headers, quoted as git quotes
/// them; empty when equal. Refused (a message) when the name cannot be written safely.
pub(crate) fn unified_diff(name: &str, old: &str, new: &str) -> Result<String, String> {
    if old == new {
        return Ok(String::new());
    }
    let (from, to) = (header_name("a/", name)?, header_name("b/", name)?);
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = line_ops(&a, &b);
    let mut out = format!("--- {from}\n+++ {to}\n");
    // Indexes into `ops` of changed lines, grouped into hunks with their context.
    let changed: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].0 != Op::Same).collect();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &i in &changed {
        let start = i.saturating_sub(CONTEXT);
        let end = (i + CONTEXT + 1).min(ops.len());
        match groups.last_mut() {
            Some(last) if start <= last.1 => last.1 = end,
            _ => groups.push((start, end)),
        }
    }
    for (start, end) in groups {
        let (mut old_start, mut new_start) = (None, None);
        let (mut old_len, mut new_len) = (0, 0);
        let mut body = String::new();
        for &(op, ai, bi) in &ops[start..end] {
            let (sign, line) = match op {
                Op::Same => (' ', a[ai]),
                Op::Removed => ('-', a[ai]),
                Op::Added => ('+', b[bi]),
            };
            if op != Op::Added {
                old_start.get_or_insert(ai);
                old_len += 1;
            }
            if op != Op::Removed {
                new_start.get_or_insert(bi);
                new_len += 1;
            }
            body.push(sign);
            body.push_str(line);
            if !line.ends_with('\n') {
                body.push_str("\n\\ No newline at end of file\n");
            }
        }
        // `diff -u` numbers an empty range by the line before it.
        let position = |start: Option<usize>, len: usize, at: usize| match start {
            Some(s) if len > 0 => s + 1,
            _ => at,
        };
        let (first_a, first_b) = (ops[start].1, ops[start].2);
        out.push_str(&format!(
            "@@ -{},{old_len} +{},{new_len} @@\n",
            position(old_start, old_len, first_a),
            position(new_start, new_len, first_b)
        ));
        out.push_str(&body);
    }
    Ok(out)
}

/// `PREFIX` + the file's path as a patch header names it: as is when every byte is plain
/// printable ASCII, else in double quotes with C escapes (`"a/x\n+++ y"`), as git writes
/// it and as `git apply` and GNU `patch` read it. A file name from a pull request can then
/// never end the header line and forge another. Refused: an absolute path, and `..`, which
/// would make the patch write outside the directory it is applied in.
pub(super) fn header_name(prefix: &str, name: &str) -> Result<String, String> {
    let bytes = crate::source::name_bytes(name);
    let shown = crate::text::sanitize::cut(name);
    if bytes.is_empty() || bytes.starts_with(b"/") {
        return Err(format!(
            "{shown}: not a relative path, so no patch header can name it; run --diff from a directory above the file"
        ));
    }
    if bytes.split(|&b| b == b'/').any(|part| part == b"..") {
        return Err(format!(
            "{shown}: the path goes through `..`, which patch tools refuse; run --diff from a directory above the file"
        ));
    }
    let plain = |b: u8| (0x21..0x7f).contains(&b) && b != b'"' && b != b'\\';
    let mut full = prefix.as_bytes().to_vec();
    full.extend_from_slice(&bytes);
    if full.iter().all(|&b| plain(b)) {
        return Ok(String::from_utf8_lossy(&full).into_owned());
    }
    let mut out = String::from("\"");
    for &b in &full {
        match b {
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x0b => out.push_str("\\v"),
            0x0c => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b' ' => out.push(' '),
            b if plain(b) => out.push(char::from(b)),
            b => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push('"');
    Ok(out)
}

/// Every line of both texts as kept, removed or added, with its index in `a` and in `b`.
fn line_ops(a: &[&str], b: &[&str]) -> Vec<(Op, usize, usize)> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a_mid, b_mid) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut ops: Vec<(Op, usize, usize)> = (0..prefix).map(|i| (Op::Same, i, i)).collect();
    let middle = if a_mid.len().saturating_mul(b_mid.len()) <= MAX_TABLE {
        lcs_ops(a_mid, b_mid)
    } else {
        let mut ops = vec![Op::Removed; a_mid.len()];
        ops.extend(vec![Op::Added; b_mid.len()]);
        ops
    };
    let (mut ai, mut bi) = (prefix, prefix);
    for op in middle {
        ops.push((op, ai, bi));
        match op {
            Op::Same => {
                ai += 1;
                bi += 1;
            }
            Op::Removed => ai += 1,
            Op::Added => bi += 1,
        }
    }
    ops.extend((0..suffix).map(|k| (Op::Same, ai + k, bi + k)));
    ops
}

/// The classic longest-common-subsequence walk; removals before additions, as `diff` shows.
fn lcs_ops(a: &[&str], b: &[&str]) -> Vec<Op> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[at(i, j)] = if a[i] == b[j] {
                table[at(i + 1, j + 1)] + 1
            } else {
                table[at(i + 1, j)].max(table[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::with_capacity(n + m);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push(Op::Same);
            i += 1;
            j += 1;
        } else if i < n && (j == m || table[at(i + 1, j)] >= table[at(i, j + 1)]) {
            ops.push(Op::Removed);
            i += 1;
        } else {
            ops.push(Op::Added);
            j += 1;
        }
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_changed_line_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            unified_diff("x.yaml", old, new).unwrap(),
            "--- a/x.yaml\n+++ b/x.yaml\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
    }

    #[test]
    fn removed_line_and_missing_newline() {
        assert_eq!(
            unified_diff("x", "a\n# c\nb", "a\nb").unwrap(),
            "--- a/x\n+++ b/x\n@@ -1,3 +1,2 @@\n a\n-# c\n b\n\\ No newline at end of file\n"
        );
        assert_eq!(unified_diff("x", "same", "same").unwrap(), "");
    }

    #[test]
    fn header_names_are_quoted_like_git() {
        assert_eq!(header_name("a/", "dir/x.yaml").unwrap(), "a/dir/x.yaml");
        assert_eq!(
            header_name("a/", "x.yaml\n+++ victim.yaml").unwrap(),
            "\"a/x.yaml\\n+++ victim.yaml\""
        );
        assert_eq!(
            header_name("b/", "q\"\\\\t\te").unwrap(),
            "\"b/q\\\"\\\\t\\te\""
        );
        assert_eq!(header_name("a/", "é").unwrap(), "\"a/\\303\\251\"");
        assert_eq!(header_name("a/", "a b").unwrap(), "\"a/a b\"");
        assert!(header_name("a/", "/etc/passwd").is_err());
        assert!(header_name("a/", "../x.yaml").is_err());
    }
}
