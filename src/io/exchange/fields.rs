//! The contract's rules for one field at a time: required and optional text (trimmed,
//! NFC, no control characters), words of a closed vocabulary, dates, months, times and
//! moments. JSON Lines and CSV both read through [`Fields`], so both are held to the same
//! rules by the same code.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::domain::date::{DateParseError, in_range, parse_clock, parse_moment};
use crate::domain::limits::{TextKind, limited};
use crate::domain::text::{has_unsafe_chars, nfc};
use crate::io::problem::{Problem, Problems};

/// The date forms a reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateForms {
    /// `2026-11-07` only: the exchange format.
    Iso,
    /// Also `07/11/2026` (day first), as Vietnamese spreadsheets write dates.
    IsoOrDayFirst,
}

impl DateForms {
    fn describe(self) -> &'static str {
        match self {
            DateForms::Iso => "YYYY-MM-DD",
            DateForms::IsoOrDayFirst => "YYYY-MM-DD / DD/MM/YYYY",
        }
    }

    fn parse(self, text: &str) -> Option<NaiveDate> {
        if self == DateForms::IsoOrDayFirst && text.contains('/') {
            return parse_day_first(text);
        }
        parse_iso_date(text)
    }
}

/// A strict `YYYY-MM-DD` calendar date: the rule of `domain::date::parse_iso`, read digit by
/// digit because a national file holds millions of dates.
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = number(&b[..4])?;
    NaiveDate::from_ymd_opt(year as i32, number(&b[5..7])?, number(&b[8..])?)
}

/// `7/11/2026` or `07/11/2026`: day, month, four-digit year.
fn parse_day_first(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('/');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, max_len: usize| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    if parts.next().is_some() || year.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(year, 4)? as i32, digits(month, 2)?, digits(day, 2)?)
}

/// Checks the fields of one line, reporting each problem at that line. `ok` turns false at
/// the first problem; the caller then drops the record.
pub struct Fields<'p> {
    problems: &'p mut Problems,
    line: usize,
    dates: DateForms,
    pub ok: bool,
}

impl<'p> Fields<'p> {
    pub fn new(problems: &'p mut Problems, line: usize, dates: DateForms) -> Fields<'p> {
        Fields {
            problems,
            line,
            dates,
            ok: true,
        }
    }

    pub fn report(&mut self, problem: Problem) {
        self.problems.add(self.line, problem);
        self.ok = false;
    }

    /// A required one-line text (a code, a card, a name): trimmed, without control
    /// characters or bidi overrides, NFC, held to the limits of its `kind`.
    pub fn required<'v>(
        &mut self,
        field: &'static str,
        kind: TextKind,
        value: Option<&'v str>,
    ) -> Option<Cow<'v, str>> {
        if is_blank(value) {
            self.report(Problem::Missing { field });
        }
        self.optional(field, kind, value)
    }

    /// An optional one-line text, checked like [`Fields::required`]; empty reads as absent.
    pub fn optional<'v>(
        &mut self,
        field: &'static str,
        kind: TextKind,
        value: Option<&'v str>,
    ) -> Option<Cow<'v, str>> {
        let text = value?.trim();
        if text.is_empty() {
            return None;
        }
        if has_unsafe_chars(text) {
            self.report(Problem::UnsafeText {
                field,
                found: text.to_string(),
            });
            return None;
        }
        self.limited(field, kind, normalised(text))
    }

    /// `text` held to the limits of `kind` (`domain::limits`), reported at this line when it
    /// breaks one.
    fn limited<'v>(
        &mut self,
        field: &'static str,
        kind: TextKind,
        text: Cow<'v, str>,
    ) -> Option<Cow<'v, str>> {
        match limited(kind, &text) {
            Ok(Cow::Borrowed(_)) => Some(text),
            Ok(Cow::Owned(changed)) => Some(Cow::Owned(changed)),
            Err(why) => self.refuse(Problem::TextLimit { field, why }),
        }
    }

    /// Optional free text (minutes, a topic): line breaks and tabs are allowed, other
    /// control characters are not. Kept as written apart from NFC and the limits of `kind`;
    /// empty reads as absent.
    pub fn free_text(
        &mut self,
        field: &'static str,
        kind: TextKind,
        value: Option<&str>,
    ) -> Option<String> {
        let text = value?;
        if text.trim().is_empty() {
            return None;
        }
        let unsafe_char = text.split(['\n', '\r', '\t']).any(has_unsafe_chars);
        if unsafe_char {
            self.report(Problem::UnsafeText {
                field,
                found: text.to_string(),
            });
            return None;
        }
        self.limited(field, kind, normalised(text))
            .map(Cow::into_owned)
    }

    /// A required word of a closed vocabulary.
    pub fn word<T>(
        &mut self,
        field: &'static str,
        value: Option<&str>,
        parse: fn(&str) -> Option<T>,
        words: fn() -> String,
    ) -> Option<T> {
        if is_blank(value) {
            self.report(Problem::Missing { field });
        }
        self.opt_word(field, value, parse, words)
    }

    /// An optional word of a closed vocabulary.
    pub fn opt_word<T>(
        &mut self,
        field: &'static str,
        value: Option<&str>,
        parse: fn(&str) -> Option<T>,
        words: fn() -> String,
    ) -> Option<T> {
        let word = value?.trim();
        if word.is_empty() {
            return None;
        }
        let parsed = parse(word);
        if parsed.is_none() {
            self.report(Problem::UnknownWord {
                field,
                found: word.to_string(),
                accepted: words(),
            });
        }
        parsed
    }

    /// A required date.
    pub fn date(&mut self, field: &'static str, value: Option<&str>) -> Option<NaiveDate> {
        if is_blank(value) {
            self.report(Problem::Missing { field });
        }
        self.opt_date(field, value)
    }

    /// An optional date, in the forms this reader accepts.
    pub fn opt_date(&mut self, field: &'static str, value: Option<&str>) -> Option<NaiveDate> {
        let text = value?.trim();
        if text.is_empty() {
            return None;
        }
        match self.dates.parse(text) {
            Some(date) if in_range(date) => Some(date),
            Some(_) => self.refuse(Problem::DateOutOfRange {
                field,
                found: text.to_string(),
            }),
            None => self.refuse(Problem::BadDate {
                field,
                found: text.to_string(),
                forms: self.dates.describe(),
            }),
        }
    }

    /// Two dates of one record in order: `later` after `earlier` (or on the same day when
    /// not `strict`).
    pub fn in_order(
        &mut self,
        (earlier_field, earlier): (&'static str, Option<NaiveDate>),
        (later_field, later): (&'static str, Option<NaiveDate>),
        strict: bool,
    ) {
        if let (Some(e), Some(l)) = (earlier, later)
            && (l < e || (strict && l == e))
        {
            self.report(Problem::DateOrder {
                later: later_field,
                earlier: earlier_field,
                strict,
            });
        }
    }
}

/// Absent, or nothing but whitespace.
fn is_blank(value: Option<&str>) -> bool {
    value.is_none_or(|v| v.trim().is_empty())
}

/// NFC, skipping the normaliser for plain ASCII (codes, cards, most phone numbers).
fn normalised(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        Cow::Borrowed(text)
    } else {
        nfc(text)
    }
}

/// The code or card of a record that failed, when that key itself was readable: references
/// to it are then not reported as unknown on top of the record's own problem.
pub fn readable_key(value: Option<&str>) -> Option<Cow<'_, str>> {
    let key = value?.trim();
    (!key.is_empty() && !has_unsafe_chars(key)).then(|| normalised(key))
}

impl Fields<'_> {
    /// An optional moment, strictly `YYYY-MM-DDTHH:MM`; blank reads as absent.
    pub fn moment(&mut self, field: &'static str, value: Option<&str>) -> Option<NaiveDateTime> {
        self.strict(value, parse_moment, |found, error| match error {
            DateParseError::OutOfRange { .. } => Problem::DateOutOfRange { field, found },
            _ => Problem::BadMoment { field, found },
        })
    }

    /// An optional time of day, strictly `HH:MM`.
    pub fn clock(&mut self, field: &'static str, value: Option<&str>) -> Option<NaiveTime> {
        self.strict(value, parse_clock, |found, _| Problem::BadTime {
            field,
            found,
        })
    }

    /// An optional value in the one form `parse` reads; blank reads as absent.
    fn strict<T>(
        &mut self,
        value: Option<&str>,
        parse: fn(&str) -> Result<T, DateParseError>,
        problem: impl FnOnce(String, DateParseError) -> Problem,
    ) -> Option<T> {
        let text = value?.trim();
        if text.is_empty() {
            return None;
        }
        match parse(text) {
            Ok(value) => Some(value),
            Err(error) => self.refuse(problem(text.to_string(), error)),
        }
    }

    /// Reports `problem` and gives no value.
    pub fn refuse<T>(&mut self, problem: Problem) -> Option<T> {
        self.report(problem);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso;

    #[test]
    fn iso_dates_follow_the_domain_rule() {
        let samples = [
            "2026-11-07",
            "2024-02-29",
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-01-32",
            "2026-1-07",
            "07/11/2026",
            "2026-11-07 ",
            "+026-11-07",
            "2026-11-0a",
            "0000-01-01",
            "9999-12-31",
            "",
            "2026_11_07",
            "٢٠٢٦-١١-٠٧",
        ];
        for text in samples {
            // The fast reader reads the day; the range is checked after it, as for every form.
            let read = parse_iso_date(text).filter(|d| in_range(*d));
            assert_eq!(read, parse_iso(text).ok(), "{text:?}");
        }
    }

    #[test]
    fn day_first_dates_accept_short_days_and_months() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_day_first("07/11/2026"), d(2026, 11, 7));
        assert_eq!(parse_day_first("7/1/1960"), d(1960, 1, 7));
        assert_eq!(parse_day_first("31/02/1970"), None);
        assert_eq!(parse_day_first("07/11/26"), None);
        assert_eq!(parse_day_first("07/11/2026/1"), None);
        assert_eq!(DateForms::IsoOrDayFirst.parse("1958-03-02"), d(1958, 3, 2));
        assert_eq!(DateForms::Iso.parse("02/03/1958"), None);
    }
}
