//! What an imported line says once each of its fields has been checked on its own, before
//! references to other records or to the database are resolved. JSON Lines and CSV both end
//! here, so both are held to the same rules by the same code.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::NaiveDate;

use super::problem::{Problem, Problems};
use crate::domain::date::parse_iso;
use crate::domain::text::{has_unsafe_chars, nfc};
use crate::domain::{
    BranchType, Mark, MeetingKind, OrgKind, RoleKind, ScheduleRule, Sex, StatusChange,
};

/// Organisation codes and party cards are interned: a reference is a small number, each
/// distinct text is stored once and looked up in the database once.
#[derive(Default)]
pub struct Interner {
    index: HashMap<String, u32>,
    texts: Vec<String>,
}

impl Interner {
    pub fn intern(&mut self, text: &str) -> u32 {
        if let Some(&at) = self.index.get(text) {
            return at;
        }
        let at = u32::try_from(self.texts.len()).expect("fewer than 4 billion distinct keys");
        self.index.insert(text.to_owned(), at);
        self.texts.push(text.to_owned());
        at
    }

    pub fn text(&self, at: u32) -> &str {
        &self.texts[at as usize]
    }

    pub fn len(&self) -> usize {
        self.texts.len()
    }
}

/// An organisation code as written in the file, interned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CodeRef(pub u32);

/// A party card number as written in the file, interned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CardRef(pub u32);

pub struct OrgRec {
    pub line: usize,
    pub code: CodeRef,
    pub name: String,
    pub kind: OrgKind,
    pub parent: Option<CodeRef>,
    pub branch_type: Option<BranchType>,
    pub meeting_rule: Option<ScheduleRule>,
    pub grace_days: Option<u8>,
    pub founded: Option<NaiveDate>,
    pub dissolved: Option<NaiveDate>,
}

pub struct MemberRec {
    pub line: usize,
    pub card: CardRef,
    pub name: String,
    pub sex: Option<Sex>,
    pub born: Option<NaiveDate>,
    pub admitted: Option<NaiveDate>,
    pub full_member: Option<NaiveDate>,
    pub org: CodeRef,
    pub cell: Option<CodeRef>,
    pub phone: Option<String>,
    pub residence: Option<String>,
}

pub struct StatusRec {
    pub line: usize,
    pub card: CardRef,
    pub change: StatusChange,
}

/// A role or an oversight assignment: the same shape, `role` is `None` for oversight.
pub struct SpanRec {
    pub line: usize,
    pub card: CardRef,
    pub org: CodeRef,
    pub role: Option<RoleKind>,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

pub struct MeetingRec {
    pub line: usize,
    pub org: CodeRef,
    pub kind: MeetingKind,
    pub date: NaiveDate,
    pub planned: Option<NaiveDate>,
    pub attendance: Vec<(CardRef, Mark)>,
    pub excuses: Vec<(CardRef, String)>,
    pub guests: Vec<CardRef>,
    pub topic: Option<String>,
    pub minutes: Option<String>,
    pub approved: bool,
}

/// Everything one file says, checked field by field.
#[derive(Default)]
pub struct Batch {
    pub codes: Interner,
    pub cards: Interner,
    pub orgs: Vec<OrgRec>,
    pub members: Vec<MemberRec>,
    pub statuses: Vec<StatusRec>,
    pub roles: Vec<SpanRec>,
    pub oversight: Vec<SpanRec>,
    pub meetings: Vec<MeetingRec>,
    /// Codes of org records that had errors: references to them are not reported again.
    pub broken_codes: Vec<CodeRef>,
    /// Cards of member records that had errors, likewise.
    pub broken_cards: Vec<CardRef>,
}

impl Batch {
    pub fn code(&mut self, text: &str) -> CodeRef {
        CodeRef(self.codes.intern(text))
    }

    pub fn card(&mut self, text: &str) -> CardRef {
        CardRef(self.cards.intern(text))
    }

    pub fn code_text(&self, code: CodeRef) -> &str {
        self.codes.text(code.0)
    }

    pub fn card_text(&self, card: CardRef) -> &str {
        self.cards.text(card.0)
    }
}

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
        parse_iso(text).ok()
    }
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
    /// characters or bidi overrides, NFC.
    pub fn required<'v>(
        &mut self,
        field: &'static str,
        value: Option<&'v str>,
    ) -> Option<Cow<'v, str>> {
        if is_blank(value) {
            self.report(Problem::Missing { field });
        }
        self.optional(field, value)
    }

    /// An optional one-line text, checked like [`Fields::required`]; empty reads as absent.
    pub fn optional<'v>(
        &mut self,
        field: &'static str,
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
        Some(normalised(text))
    }

    /// Optional free text (minutes, a topic): line breaks and tabs are allowed, other
    /// control characters are not. Kept as written apart from NFC; empty reads as absent.
    pub fn free_text(&mut self, field: &'static str, value: Option<&str>) -> Option<String> {
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
        Some(normalised(text).into_owned())
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
        let date = self.dates.parse(text);
        if date.is_none() {
            self.report(Problem::BadDate {
                field,
                found: text.to_string(),
                forms: self.dates.describe(),
            });
        }
        date
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

/// A member's fields as read, before checking: from a JSON line or a CSV row.
#[derive(Default)]
pub struct RawMember<'a> {
    pub card: Option<&'a str>,
    pub name: Option<&'a str>,
    pub sex: Option<&'a str>,
    pub born: Option<&'a str>,
    pub admitted: Option<&'a str>,
    pub full_member: Option<&'a str>,
    pub org: Option<&'a str>,
    pub cell: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub residence: Option<&'a str>,
}

/// Checks a member's fields and adds the record to `batch`; `parse_sex` reads the sex
/// column in the words of the source.
pub fn add_member(
    raw: &RawMember<'_>,
    line: usize,
    fields: &mut Fields<'_>,
    batch: &mut Batch,
    parse_sex: fn(&str) -> Option<Sex>,
    sex_words: fn() -> String,
) {
    let card = fields.required("card", raw.card);
    let name = fields.required("name", raw.name);
    let sex = fields.opt_word("sex", raw.sex, parse_sex, sex_words);
    let born = fields.opt_date("born", raw.born);
    let admitted = fields.opt_date("admitted", raw.admitted);
    let full_member = fields.opt_date("full_member", raw.full_member);
    fields.in_order(("admitted", admitted), ("full_member", full_member), false);
    let org = fields.required("org", raw.org);
    let cell = fields.optional("cell", raw.cell);
    let phone = fields.optional("phone", raw.phone);
    let residence = fields.optional("residence", raw.residence);
    let (Some(card), Some(name), Some(org), true) = (card, name, org, fields.ok) else {
        if let Some(card) = readable_key(raw.card) {
            let card = batch.card(&card);
            batch.broken_cards.push(card);
        }
        return;
    };
    let record = MemberRec {
        line,
        card: batch.card(&card),
        name: name.into_owned(),
        sex,
        born,
        admitted,
        full_member,
        org: batch.code(&org),
        cell: cell.map(|c| batch.code(&c)),
        phone: phone.map(Cow::into_owned),
        residence: residence.map(Cow::into_owned),
    };
    batch.members.push(record);
}

/// The code or card of a record that failed, when that key itself was readable: references
/// to it are then not reported as unknown on top of the record's own problem.
pub fn readable_key(value: Option<&str>) -> Option<Cow<'_, str>> {
    let key = value?.trim();
    (!key.is_empty() && !has_unsafe_chars(key)).then(|| normalised(key))
}
