//! Durations (`15m`, `4h`, `90d`, `2w`) and calendar dates (`YYYY-MM-DD`).

use std::fmt;

/// A non-negative length of time, in whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration {
    seconds: u64,
}

/// Why a duration could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Nothing was written.
    #[error("the duration is empty")]
    Empty,
    /// A number without a unit.
    #[error("the duration has no unit: write `m`, `h`, `d` or `w` after the number")]
    MissingUnit,
    /// A unit Linchpin does not know.
    #[error("unknown unit `{0}`: use `m` (minutes), `h` (hours), `d` (days) or `w` (weeks)")]
    UnknownUnit(String),
    /// No digits before the unit.
    #[error("a duration is a whole number followed by a unit, e.g. `4h`")]
    MissingNumber,
    /// The number is too large.
    #[error("the duration is too large")]
    Overflow,
}

impl Duration {
    /// Zero.
    pub const ZERO: Duration = Duration { seconds: 0 };

    /// A duration of whole seconds.
    pub const fn from_seconds(seconds: u64) -> Duration {
        Duration { seconds }
    }

    /// A duration of whole days.
    pub const fn from_days(days: u64) -> Duration {
        Duration {
            seconds: days * 86_400,
        }
    }

    /// The length in seconds.
    pub const fn seconds(self) -> u64 {
        self.seconds
    }

    /// Parses `<integer><unit>` with unit `m`, `h`, `d` or `w`.
    pub fn parse(text: &str) -> Result<Duration, DurationError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DurationError::Empty);
        }
        let digits_end = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(digits_end);
        if number.is_empty() {
            return Err(DurationError::MissingNumber);
        }
        let unit = unit.trim_start();
        let factor = match unit {
            "" => return Err(DurationError::MissingUnit),
            "m" | "min" => 60,
            "h" => 3_600,
            "d" => 86_400,
            "w" => 7 * 86_400,
            other => return Err(DurationError::UnknownUnit(other.to_owned())),
        };
        let n: u64 = number.parse().map_err(|_| DurationError::Overflow)?;
        n.checked_mul(factor)
            .map(Duration::from_seconds)
            .ok_or(DurationError::Overflow)
    }
}

impl fmt::Display for Duration {
    /// The largest unit that divides the duration exactly: `90d`, `4h`, `15m`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.seconds;
        if s == 0 {
            return f.write_str("0m");
        }
        for (unit, size) in [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60)] {
            if s.is_multiple_of(size) {
                return write!(f, "{}{unit}", s / size);
            }
        }
        write!(f, "{s}s")
    }
}

/// A calendar date (proleptic Gregorian), stored as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i32,
}

/// Why a date could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not of the shape `YYYY-MM-DD`.
    #[error("a date is written `YYYY-MM-DD`, e.g. `2026-02-01`")]
    Format,
    /// The month is not 1 to 12.
    #[error("there is no month {0}")]
    Month(u32),
    /// The day does not exist in that month.
    #[error("{year:04}-{month:02} has {} days, not {day}", days_in_month(*year, *month))]
    Day { year: i32, month: u32, day: u32 },
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// A date from its parts; `None` where it does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        // Days from civil, after Howard Hinnant's algorithm.
        let y = if month <= 2 { year - 1 } else { year };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = month as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date {
            days: era * 146_097 + doe - 719_468,
        })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let b = text.trim().as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !digits(0..4)
            || !digits(5..7)
            || !digits(8..10)
        {
            return Err(DateError::Format);
        }
        let num = |r: std::ops::Range<usize>| {
            b[r].iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
        };
        let (year, month, day) = (num(0..4) as i32, num(5..7), num(8..10));
        if !(1..=12).contains(&month) {
            return Err(DateError::Month(month));
        }
        Date::from_ymd(year, month, day).ok_or(DateError::Day { year, month, day })
    }

    /// The year, month and day.
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i32 {
        self.days
    }

    /// The date `days` later (earlier when negative).
    pub fn add_days(self, days: i32) -> Date {
        Date {
            days: self.days + days,
        }
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i32 {
        later.days - self.days
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print() {
        assert_eq!(Duration::parse("15m").unwrap().seconds(), 900);
        assert_eq!(Duration::parse("4h").unwrap().seconds(), 14_400);
        assert_eq!(Duration::parse("90d").unwrap().to_string(), "90d");
        assert_eq!(Duration::parse("2w").unwrap().to_string(), "2w");
        assert_eq!(Duration::parse("14d").unwrap().to_string(), "2w");
        assert_eq!(Duration::parse("4"), Err(DurationError::MissingUnit));
        assert_eq!(Duration::parse("h"), Err(DurationError::MissingNumber));
        assert_eq!(
            Duration::parse("4 hours"),
            Err(DurationError::UnknownUnit("hours".into()))
        );
        assert_eq!(
            Duration::parse("99999999999999999999d"),
            Err(DurationError::Overflow)
        );
        assert_eq!(Duration::parse(""), Err(DurationError::Empty));
    }

    #[test]
    fn dates_round_trip() {
        for text in [
            "1970-01-01",
            "2000-02-29",
            "2026-11-26",
            "1899-12-31",
            "2400-02-29",
        ] {
            assert_eq!(Date::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Date::parse("1970-01-02").unwrap().days_since_epoch(), 1);
        let a = Date::parse("2026-01-01").unwrap();
        assert_eq!(a.add_days(365).to_string(), "2027-01-01");
        assert_eq!(a.days_until(Date::parse("2026-03-01").unwrap()), 59);
    }

    #[test]
    fn dates_reject_impossible_days() {
        assert_eq!(
            Date::parse("2026-02-29"),
            Err(DateError::Day {
                year: 2026,
                month: 2,
                day: 29
            })
        );
        assert_eq!(Date::parse("2026-13-01"), Err(DateError::Month(13)));
        assert_eq!(Date::parse("26-1-1"), Err(DateError::Format));
        assert_eq!(Date::parse("2026/01/01"), Err(DateError::Format));
        assert_eq!(
            Date::parse("2026-04-31").unwrap_err().to_string(),
            "2026-04 has 30 days, not 31"
        );
    }
}
