//! The JSON values a line is made of, read borrowing from the line and written from the
//! store's data, and serde's complaints turned into the import's problems.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use chrono::{Datelike, NaiveDate};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::error::Category;

use crate::io::problem::Problem;

/// A JSON string: borrowed from the line when it holds no escapes (the usual case), so
/// reading a field allocates nothing; borrowed from the store's record when written; a day
/// held inline, so writing millions of dates allocates nothing either.
pub struct Text<'a>(Repr<'a>);

enum Repr<'a> {
    Text(Cow<'a, str>),
    /// `YYYY-MM-DD`, ASCII digits.
    Day([u8; 10]),
}

impl Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        match &self.0 {
            Repr::Text(text) => text,
            Repr::Day(bytes) => std::str::from_utf8(bytes).expect("ASCII digits"),
        }
    }
}

impl<'a> From<&'a str> for Text<'a> {
    fn from(text: &'a str) -> Text<'a> {
        Text(Repr::Text(Cow::Borrowed(text)))
    }
}

impl From<String> for Text<'_> {
    fn from(text: String) -> Self {
        Text(Repr::Text(Cow::Owned(text)))
    }
}

impl Text<'_> {
    /// A date as `2026-11-07`, written digit by digit: an export has millions of them.
    pub fn day(date: NaiveDate) -> Text<'static> {
        let year = date.year();
        if !(0..=9999).contains(&year) {
            return Text::from(date.format("%Y-%m-%d").to_string());
        }
        let mut text = *b"0000-00-00";
        let mut put = |at: usize, width: usize, mut n: u32| {
            for i in (at..at + width).rev() {
                text[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        put(0, 4, year as u32);
        put(5, 2, date.month());
        put(8, 2, date.day());
        Text(Repr::Day(text))
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl Serialize for Text<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text::from(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text::from(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text::from(v))
            }
        }
        d.deserialize_str(TextVisitor)
    }
}

/// A JSON object of party card → text, kept as written (in order, duplicates included) so
/// a card listed twice can be reported instead of silently keeping one.
pub struct Pairs<'a>(pub Vec<(Text<'a>, Text<'a>)>);

impl Pairs<'_> {
    /// In card order, as files are written.
    pub fn sorted(mut self) -> Self {
        self.0
            .sort_unstable_by(|a, b| (&*a.0, &*a.1).cmp(&(&*b.0, &*b.1)));
        self
    }
}

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Pairs<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PairsVisitor;
        impl<'de> Visitor<'de> for PairsVisitor {
            type Value = Pairs<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of party card → text")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(32));
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(Pairs(pairs))
            }
        }
        d.deserialize_map(PairsVisitor)
    }
}

/// A JSON list of strings.
pub struct Texts<'a>(pub Vec<Text<'a>>);

impl Serialize for Texts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Texts<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextsVisitor;
        impl<'de> Visitor<'de> for TextsVisitor {
            type Value = Texts<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of party cards")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut texts = Vec::with_capacity(seq.size_hint().unwrap_or(4));
                while let Some(text) = seq.next_element()? {
                    texts.push(text);
                }
                Ok(Texts(texts))
            }
        }
        d.deserialize_seq(TextsVisitor)
    }
}

/// A list written only when it holds something.
pub fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

/// Only the record type, when it is not the first key of the line.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Text<'a>>,
}

/// The record type. Lines written by chibo start with it, so it is read straight from the
/// bytes; otherwise the line is read once just for it.
pub fn record_type(bytes: &[u8]) -> Result<Option<Cow<'_, str>>, serde_json::Error> {
    const PREFIX: &[u8] = b"{\"type\":\"";
    if let Some(rest) = bytes.strip_prefix(PREFIX)
        && let Some(end) = rest.iter().position(|b| *b == b'"' || *b == b'\\')
        && rest[end] == b'"'
        && let Ok(kind) = std::str::from_utf8(&rest[..end])
    {
        return Ok(Some(Cow::Borrowed(kind)));
    }
    let envelope: Envelope = serde_json::from_slice(bytes)?;
    Ok(envelope.kind.map(|t| match t.0 {
        Repr::Text(text) => text,
        Repr::Day(_) => Cow::Owned(t.to_string()),
    }))
}

/// A serde_json error on `line` as a problem of the line: an unknown field named, a wrong
/// type in a named field, or broken JSON, with the column (the line is ours to give).
pub fn json_problem(e: &serde_json::Error, line: &[u8]) -> Problem {
    let text = e.to_string();
    let detail = match text.rsplit_once(" at line ") {
        Some((detail, _)) => detail.to_string(),
        None => text,
    };
    let column = e.column();
    match e.classify() {
        Category::Data => match unknown_field(&detail) {
            Some(problem) => problem,
            None => Problem::WrongType {
                column,
                field: field_at(line, column),
                detail,
            },
        },
        _ => Problem::MalformedJson { column, detail },
    }
}

/// The name of the record's field whose value holds byte `column` (1-based, as serde_json
/// counts) of `line`, if the column falls in one: serde_json says what was wrong with a
/// value but not whose it was.
fn field_at(line: &[u8], column: usize) -> Option<String> {
    let end = column.min(line.len());
    let mut depth = 0u32;
    let mut field = None;
    let mut at = 0;
    while at < end {
        match line[at] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = at + 1;
                at = start;
                while at < line.len() && line[at] != b'"' {
                    at += if line[at] == b'\\' { 2 } else { 1 };
                }
                let next = line[(at + 1).min(line.len())..]
                    .iter()
                    .find(|b| !b.is_ascii_whitespace());
                if depth == 1 && next == Some(&b':') {
                    let name = line.get(start..at.min(line.len())).unwrap_or_default();
                    field = Some(String::from_utf8_lossy(name).into_owned());
                }
            }
            _ => {}
        }
        at += 1;
    }
    field
}

/// serde says "unknown field `x`, expected one of `a`, `b`": the field and the accepted ones;
/// or "duplicate field `x`".
fn unknown_field(detail: &str) -> Option<Problem> {
    if let Some(rest) = detail.strip_prefix("duplicate field `") {
        let (field, _) = rest.split_once('`')?;
        let field = field.to_string();
        return Some(Problem::DuplicateField { field });
    }
    let rest = detail.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let accepted: Vec<&str> = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| *name != "type")
        .collect();
    Some(Problem::UnknownField {
        field: field.to_string(),
        accepted: accepted.join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_names_the_field_and_the_accepted_ones() {
        let detail = "unknown field `nmae`, expected one of `type`, `code`, `name`";
        assert_eq!(
            unknown_field(detail),
            Some(Problem::UnknownField {
                field: "nmae".into(),
                accepted: "code, name".into()
            })
        );
        assert_eq!(unknown_field("invalid type: integer `5`"), None);
        assert_eq!(
            unknown_field("duplicate field `code`"),
            Some(Problem::DuplicateField {
                field: "code".into()
            })
        );
    }

    #[test]
    fn a_wrong_type_names_its_field() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Line {
            card: String,
            name: String,
        }
        let line = br#"{"name":"An","card":48123456}"#;
        let e = serde_json::from_slice::<Line>(line).unwrap_err();
        let Problem::WrongType { field, .. } = json_problem(&e, line) else {
            panic!("not a wrong type");
        };
        assert_eq!(field.as_deref(), Some("card"));
        assert_eq!(
            field_at(br#"{"a":"x\"y","b":[1,{"c":2}]}"#, 24).as_deref(),
            Some("b")
        );
        assert_eq!(field_at(b"", 5), None);
    }

    #[test]
    fn record_type_is_read_from_the_prefix_or_the_whole_line() {
        let t = |s: &str| record_type(s.as_bytes()).unwrap().map(|c| c.into_owned());
        assert_eq!(
            t(r#"{"type":"member","card":"1"}"#).as_deref(),
            Some("member")
        );
        assert_eq!(t(r#"{"card":"1","type":"role"}"#).as_deref(), Some("role"));
        assert_eq!(t(r#"{"type":"me\u006dber"}"#).as_deref(), Some("member"));
        assert_eq!(t(r#"{"card":"1"}"#), None);
    }

    #[test]
    fn dates_are_written_as_iso() {
        let text = |y, m, d| Text::day(NaiveDate::from_ymd_opt(y, m, d).unwrap()).to_string();
        assert_eq!(text(2026, 11, 7), "2026-11-07");
        assert_eq!(text(958, 1, 31), "0958-01-31");
        assert_eq!(text(9999, 12, 31), "9999-12-31");
    }
}
