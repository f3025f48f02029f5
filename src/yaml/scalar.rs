//! How an untagged plain scalar resolves (null, boolean, integer, float or string), exactly as
//! serde-saphyr 2.2 resolves it for an untyped value under this project's options.
//!
//! The order and the spellings follow serde-saphyr's `deserialize_any` and `parse_scalars.rs`
//! (MIT/Apache-2.0): YAML 1.2 booleans only, no legacy octal, `0X`/`0O`/`0B` and signed `.nan`
//! stay strings, an integer is tried as i64 (with a `-`) or u64, then a float. The differential
//! test in `yaml/tests.rs` holds the two loaders to the same trees.
//!
//! `build.rs` compiles this file too (`#[path]`), to resolve the embedded rules' and catalog's
//! scalars the same way, so it may use nothing but `super::NodeKind`'s scalar variants and std.

use std::borrow::Cow;

use super::NodeKind;

/// What a plain scalar resolves to; `None` when serde-saphyr would reject it (a non-finite
/// float, refused by its default policy), so the caller takes the serde-saphyr path for the
/// exact message.
pub(super) fn resolve_plain(value: Cow<'_, str>) -> Option<NodeKind<'_>> {
    if matches!(value.as_ref(), "" | "~" | "null" | "Null" | "NULL") {
        return Some(NodeKind::Null);
    }
    let t = trim(&value);
    match t {
        "true" | "True" | "TRUE" => return Some(NodeKind::Bool(true)),
        "false" | "False" | "FALSE" => return Some(NodeKind::Bool(false)),
        _ => {}
    }
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    // Only a digit or a `.` after the sign can start a number; everything else is text, which
    // is nearly every scalar of an inventory.
    if !unsigned
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_digit() || *b == b'.')
    {
        return Some(NodeKind::Str(value));
    }
    let uppercase_radix = matches!(unsigned.as_bytes(), [b'0', b'X' | b'O' | b'B', ..]);
    if uppercase_radix || is_signed_nan(t) {
        return Some(NodeKind::Str(value));
    }
    let int = if t.starts_with('-') {
        if leading_zero_decimal(t) {
            None
        } else {
            parse_int(t).filter(|v| i64::try_from(*v).is_ok())
        }
    } else {
        parse_int(t).filter(|v| u64::try_from(*v).is_ok())
    };
    if let Some(v) = int {
        return Some(NodeKind::Int(v));
    }
    match parse_float(t) {
        Some(v) if v.is_finite() => Some(NodeKind::Float(v)),
        Some(_) => None,
        None => Some(NodeKind::Str(value)),
    }
}

/// ASCII padding accepted during scalar conversion.
fn trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}

fn is_signed_nan(t: &str) -> bool {
    t.strip_prefix(['+', '-'])
        .is_some_and(|unsigned| matches!(unsigned, ".nan" | ".NaN" | ".NAN"))
}

fn leading_zero_decimal(t: &str) -> bool {
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
}

/// An integer in YAML 1.2 core spellings (`0x`, `0o`, `0b`, decimal with single `_`
/// separators), signed, within i128; the caller narrows it to i64 or u64 as serde-saphyr does.
fn parse_int(t: &str) -> Option<i128> {
    let (negative, rest) = match t.strip_prefix('+') {
        Some(rest) => (false, rest),
        None => match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        },
    };
    let (radix, digits) = if let Some(r) = rest.strip_prefix("0x") {
        (16, r)
    } else if let Some(r) = rest.strip_prefix("0o") {
        (8, r)
    } else if let Some(r) = rest.strip_prefix("0b") {
        (2, r)
    } else {
        if rest.starts_with('0') && rest != "0" {
            return None;
        }
        (10, rest)
    };
    let magnitude = parse_digits(digits, radix)?;
    if negative {
        if magnitude == (i128::MAX as u128) + 1 {
            Some(i128::MIN)
        } else {
            i128::try_from(magnitude).ok()?.checked_neg()
        }
    } else {
        i128::try_from(magnitude).ok()
    }
}

/// Digits in `radix` with single `_` separators between digits.
fn parse_digits(digits: &str, radix: u32) -> Option<u128> {
    let bytes = digits.as_bytes();
    let mut value: u128 = 0;
    let mut saw_digit = false;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let prev_ok = i > 0 && bytes[i - 1] != b'_';
            let next_ok = i + 1 < bytes.len() && bytes[i + 1] != b'_';
            if !prev_ok || !next_ok {
                return None;
            }
            continue;
        }
        let digit = (b as char).to_digit(16).filter(|d| *d < radix)?;
        value = value
            .checked_mul(u128::from(radix))?
            .checked_add(u128::from(digit))?;
        saw_digit = true;
    }
    saw_digit.then_some(value)
}

/// A float as serde-saphyr's untyped path reads one: `.inf`/`.nan` spellings, then Rust's
/// parser where it gives a finite value, then a digit-shaped literal that overflows to
/// infinity. Non-finite results are returned as such (the caller declines them).
fn parse_float(t: &str) -> Option<f64> {
    let (negative, unsigned) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    match unsigned {
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        ".inf" | ".Inf" | ".INF" if negative => return Some(f64::NEG_INFINITY),
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        _ => {}
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        Ok(v) if v.is_infinite() && unsigned.as_bytes().first().is_some_and(u8::is_ascii_digit) => {
            Some(v)
        }
        _ => None,
    }
}
