//! Calendar dates (`YYYY-MM-DD`) for exception expiry, and "today" in UTC, without a date crate.

use std::fmt;

/// A proleptic Gregorian date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub(crate) year: i32,
    pub(crate) month: u32,
    pub(crate) day: u32,
}

impl Date {
    /// Parses exactly `YYYY-MM-DD`; `2027-02-30` and `2027-6-30` are refused, so a typo in an
    /// expiry date is an error rather than a different date.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = text.get(range)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let date = Date {
            year: i32::try_from(digits(0..4)?).ok()?,
            month: digits(5..7)?,
            day: digits(8..10)?,
        };
        let valid =
            (1..=12).contains(&date.month) && (1..=date.days_in_month()).contains(&date.day);
        (valid && date.in_range()).then_some(date)
    }

    /// The first and last dates that can be written `YYYY-MM-DD`.
    const FIRST: Date = Date {
        year: 0,
        month: 1,
        day: 1,
    };
    const LAST: Date = Date {
        year: 9999,
        month: 12,
        day: 31,
    };

    /// The one validation of a date's range, whether it comes from `--today`, a config, or
    /// `SOURCE_DATE_EPOCH`: it must be writable as `YYYY-MM-DD`.
    fn in_range(self) -> bool {
        (Date::FIRST..=Date::LAST).contains(&self)
    }

    /// The date `days` after 1970-01-01, when it is in range (see [`Date::parse`]).
    pub(crate) fn from_days_checked(days: i64) -> Option<Date> {
        (Date::FIRST.days()..=Date::LAST.days())
            .contains(&days)
            .then(|| Date::from_days(days))
    }

    fn days_in_month(self) -> u32 {
        match self.month {
            2 if self.year % 4 == 0 && (self.year % 100 != 0 || self.year % 400 == 0) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub(crate) fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (`civil_from_days`).
    pub(crate) fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// "Today" when `--today` is not given: the UTC date of `SOURCE_DATE_EPOCH` when it is set
    /// and not empty (the reproducible-builds convention for pinning "now"), else the clock.
    /// A value that is not an integer number of seconds, or whose date cannot be written
    /// `YYYY-MM-DD`, is an error.
    pub fn default_today() -> Result<Date, String> {
        match std::env::var_os("SOURCE_DATE_EPOCH") {
            Some(value) if !value.is_empty() => {
                Date::from_source_date_epoch(&value.to_string_lossy())
            }
            _ => Ok(Date::today_utc()),
        }
    }

    /// The UTC date of a `SOURCE_DATE_EPOCH` value (seconds since 1970-01-01 UTC).
    pub(crate) fn from_source_date_epoch(value: &str) -> Result<Date, String> {
        let digits = value.strip_prefix('-').unwrap_or(value);
        let seconds = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| value.parse::<i64>().ok())
            .flatten();
        let date = seconds.and_then(|s| Date::from_days_checked(s.div_euclid(86_400)));
        date.ok_or_else(|| {
            let shown: String = value
                .chars()
                .take(40)
                .flat_map(char::escape_default)
                .collect();
            format!(
                "SOURCE_DATE_EPOCH=\"{shown}\": expected whole seconds since 1970-01-01 UTC, \
                 for a date from {} to {}",
                Date::FIRST,
                Date::LAST
            )
        })
    }

    /// Today's date in UTC, so that a CI run does not depend on the runner's time zone.
    pub(crate) fn today_utc() -> Date {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days((seconds / 86_400) as i64)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn parses_only_real_iso_dates() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        for bad in [
            "2023-02-29",
            "2027-13-01",
            "2027-6-30",
            "27-06-30",
            "2027-06-31",
            "2027/06/30",
            "+027-06-30",
            "2027-06-3x",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn source_date_epoch_is_one_range_with_parse() {
        assert_eq!(
            Date::from_source_date_epoch("0").map(|d| d.to_string()),
            Ok("1970-01-01".into())
        );
        assert_eq!(
            Date::from_source_date_epoch("-1").map(|d| d.to_string()),
            Ok("1969-12-31".into())
        );
        let last = Date::from_source_date_epoch("253402300799").unwrap();
        assert_eq!(Some(last), Date::parse("9999-12-31"));
        let first = Date::from_source_date_epoch("-62167219200").unwrap();
        assert_eq!(Some(first), Date::parse("0000-01-01"));
        for bad in [
            "",
            " 1",
            "1.0",
            "+1",
            "-",
            "garbage",
            "253402300800",
            "-62167219201",
            "9223372036854775807",
            "-9223372036854775808",
            "99999999999999999999",
        ] {
            let error = Date::from_source_date_epoch(bad).unwrap_err();
            assert!(error.starts_with("SOURCE_DATE_EPOCH="), "{error}");
        }
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        assert_eq!(Date::parse("2000-03-01").unwrap().days(), 11_017);
        for days in [-1000, 0, 11_016, 19_000, 60_000] {
            assert_eq!(Date::from_days(days).days(), days);
        }
        let a = Date::parse("2027-06-30").unwrap();
        let b = Date::parse("2027-05-31").unwrap();
        assert_eq!(a.days() - b.days(), 30);
    }
}
