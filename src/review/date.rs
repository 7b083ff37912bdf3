//! Calendar dates as review and answer files write them: `YYYY-MM-DD`, nothing else.

use std::fmt;

use crate::answers::Raw;

/// A real calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(time::Date);

impl Date {
    /// Parses `YYYY-MM-DD`; the message says what is wrong.
    pub fn parse(text: &str) -> Result<Date, String> {
        let text = text.trim();
        let parts: Vec<&str> = text.split('-').collect();
        let shaped = parts.len() == 3
            && parts[0].len() == 4
            && parts[1].len() == 2
            && parts[2].len() == 2
            && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if !shaped {
            return Err(format!(
                "`{}` is not a date written YYYY-MM-DD",
                crate::validate::truncate_id(text)
            ));
        }
        let number = |p: &str| p.parse::<i32>().unwrap_or(0);
        let month = u8::try_from(number(parts[1]))
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .ok_or_else(|| format!("`{text}` has no month {}", parts[1]))?;
        let day = u8::try_from(number(parts[2])).unwrap_or(0);
        time::Date::from_calendar_date(number(parts[0]), month, day)
            .map(Date)
            .map_err(|_| format!("`{text}` is not a day of the calendar"))
    }

    /// The date a YAML value holds: text, never a number or anything else.
    pub fn from_raw(raw: &Raw) -> Result<Date, String> {
        match raw {
            Raw::Str(text) => Date::parse(text),
            other => Err(format!(
                "a date is text written YYYY-MM-DD, not {}",
                other.describe()
            )),
        }
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        (later.0 - self.0).whole_days()
    }
}

/// [`Date::from_raw`] for callers that keep only the text.
pub fn parse_raw(raw: &Raw) -> Result<Date, String> {
    Date::from_raw(raw)
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Today (UTC), or the day of `SOURCE_DATE_EPOCH` when set, as reports date themselves.
pub fn today() -> anyhow::Result<Date> {
    let text = crate::assess::assessment_date()?;
    Date::parse(&text).map_err(|m| anyhow::anyhow!("{m}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_days_written_yyyy_mm_dd() {
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.to_string()),
            Ok("2024-02-29".to_owned())
        );
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-1-01",
            "01.02.2024",
            "",
            "2024-00-10",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        let a = Date::parse("2024-01-01").unwrap_or_else(|e| panic!("{e}"));
        let b = Date::parse("2025-01-01").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.days_until(b), 366);
        assert!(a < b);
    }
}
