//! What an imported line says once each of its fields has been checked on its own, before
//! references to other records or to the database are resolved. JSON Lines and CSV both end
//! here, so both are held to the same rules by the same code.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::problem::{Problem, Problems};
use crate::domain::text::{has_unsafe_chars, nfc};
use crate::domain::{
    Amendment, Approval, BranchType, Classification, DocumentBody, Mark, MeetingKind, MeetingState,
    OrgKind, RoleKind, RuleChange, ScheduleRule, Sex, StatusChange, Vote,
};

/// A fast hash for the import's own keys (codes, cards, ids). The input is the user's own
/// file, not an adversary, so speed beats resistance to crafted collisions here.
#[derive(Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("chunks of 8"));
            self.add(word);
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.add(u64::from_le_bytes(tail) ^ (bytes.len() as u64) << 56);
    }

    fn write_u64(&mut self, word: u64) {
        self.add(word);
    }

    fn finish(&self) -> u64 {
        // A final mix so the low bits the table uses depend on every input bit.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

impl KeyHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// A hash map over the import's own keys, with [`KeyHasher`].
pub type KeyMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

/// Organisation codes and party cards are interned: a reference is a small number, each
/// distinct text is stored once and looked up in the database once. Texts live in one
/// block and the table holds numbers only, so a million cards cost no allocation each.
#[derive(Default)]
pub struct Interner {
    /// Every text, one after the other.
    block: String,
    /// Where text `n` lies in `block`.
    spans: Vec<(usize, usize)>,
    /// Open addressing: the high half is the text's hash, the low half `n + 1` (0: empty).
    slots: Vec<u64>,
}

impl Interner {
    pub fn intern(&mut self, text: &str) -> u32 {
        if (self.spans.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let hash = text_hash(text);
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                let n = u32::try_from(self.spans.len()).expect("fewer than 4 billion keys");
                self.spans.push((self.block.len(), text.len()));
                self.block.push_str(text);
                self.slots[at] = (u64::from(hash) << 32) | u64::from(n + 1);
                return n;
            }
            let n = (slot as u32).wrapping_sub(1);
            if (slot >> 32) as u32 == hash && self.text(n) == text {
                return n;
            }
            at = (at + 1) & mask;
        }
    }

    /// Doubles the table (kept at most half full, so probes stay short).
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let mut slots = vec![0u64; size];
        for &slot in self.slots.iter().filter(|s| **s != 0) {
            let mut at = (slot >> 32) as usize & (size - 1);
            while slots[at] != 0 {
                at = (at + 1) & (size - 1);
            }
            slots[at] = slot;
        }
        self.slots = slots;
    }

    pub fn text(&self, n: u32) -> &str {
        let (start, len) = self.spans[n as usize];
        &self.block[start..start + len]
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }
}

fn text_hash(text: &str) -> u32 {
    let mut hasher = KeyHasher::default();
    hasher.write(text.as_bytes());
    (hasher.finish() >> 32) as u32
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
    pub plan_deadline: Option<u8>,
    pub founded: Option<NaiveDate>,
    pub dissolved: Option<NaiveDate>,
    /// Ordered by the month each starts.
    pub rule_changes: Vec<RuleChange>,
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
    /// The branches sat in before `org`, each until the day the member left it.
    pub former_orgs: Vec<(CodeRef, NaiveDate)>,
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
    pub approval: Option<Approval>,
    pub amendments: Vec<Amendment>,
    pub state: MeetingState,
    pub time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
    pub place: Option<String>,
    pub agenda: Vec<String>,
    pub drafter: Option<CardRef>,
    pub sent_at: Option<NaiveDateTime>,
    pub vote: Option<Vote>,
    pub decisions: Option<String>,
}

/// A document of a meeting, named by the meeting's organisation, day and kind.
pub struct DocumentRec {
    pub line: usize,
    pub org: CodeRef,
    pub kind: MeetingKind,
    pub date: NaiveDate,
    pub name: String,
    pub added: NaiveDateTime,
    pub body: DocumentBody,
}

/// Who a classification grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GradedRef {
    Org(CodeRef),
    Card(CardRef),
}

pub struct ClassificationRec {
    pub line: usize,
    pub who: GradedRef,
    pub classification: Classification,
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
    pub documents: Vec<DocumentRec>,
    pub classifications: Vec<ClassificationRec>,
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
        former_orgs: Vec::new(),
    };
    batch.members.push(record);
}

/// The code or card of a record that failed, when that key itself was readable: references
/// to it are then not reported as unknown on top of the record's own problem.
pub fn readable_key(value: Option<&str>) -> Option<Cow<'_, str>> {
    let key = value?.trim();
    (!key.is_empty() && !has_unsafe_chars(key)).then(|| normalised(key))
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
            assert_eq!(parse_iso_date(text), parse_iso(text).ok(), "{text:?}");
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

    #[test]
    fn interning_gives_one_number_per_distinct_text() {
        let mut interner = Interner::default();
        let a = interner.intern("QN.HL.HG.K2");
        let b = interner.intern("QN.HL.HG.K3");
        assert_ne!(a, b);
        assert_eq!(interner.intern("QN.HL.HG.K2"), a);
        assert_eq!(interner.text(b), "QN.HL.HG.K3");
        assert_eq!(interner.len(), 2);
        let many: Vec<u32> = (0..10_000)
            .map(|i| interner.intern(&i.to_string()))
            .collect();
        for (i, n) in many.iter().enumerate() {
            assert_eq!(interner.text(*n), i.to_string());
            assert_eq!(interner.intern(&i.to_string()), *n);
        }
        assert_eq!(interner.len(), 10_002);
    }
}
