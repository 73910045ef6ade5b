//! One JSON line of the exchange format, read into a per-type wire struct (unknown fields
//! rejected) and then checked field by field into the import's records.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::error::Category;

use super::problem::{Problem, Problems};
use super::record::{
    Batch, CardRef, ClassificationRec, CodeRef, DateForms, DocumentRec, Fields, GradedRef,
    MeetingRec, OrgRec, RawMember, SpanRec, StatusRec, add_member, readable_key,
};
use chrono::NaiveDateTime;

use crate::domain::classification::Thresholds;
use crate::domain::date::{format_year_month, parse_clock, parse_moment, parse_year_month};
use crate::domain::prep::MAX_DOCUMENT_BYTES;
use crate::domain::schedule::parse_weekday;
use crate::domain::schedule::validate_deadline_day;
use crate::domain::{
    Amendment, Approval, BranchType, Classification, DocumentBody, Grade, Mark, MeetingKind,
    MeetingState, MemberStatus, OrgKind, RoleKind, RuleChange, ScheduleRule, Sex, StatusChange,
    Vote,
};

/// A JSON string, borrowed from the line when it holds no escapes (the usual case), so
/// reading a field allocates nothing.
pub struct Text<'a>(Cow<'a, str>);

impl Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
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
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(TextVisitor)
    }
}

/// A JSON object of strings, kept as written (in order, duplicates included) so a card
/// listed twice can be reported instead of silently keeping one.
pub struct Pairs<'a>(Vec<(Text<'a>, Text<'a>)>);

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
pub struct Texts<'a>(Vec<Text<'a>>);

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

/// Only the record type, when it is not the first key of the line.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgLine<'a> {
    #[serde(rename = "type")]
    _type: Option<IgnoredAny>,
    #[serde(borrow)]
    code: Option<Text<'a>>,
    #[serde(borrow)]
    name: Option<Text<'a>>,
    #[serde(borrow)]
    kind: Option<Text<'a>>,
    #[serde(borrow)]
    parent: Option<Text<'a>>,
    #[serde(borrow)]
    branch_type: Option<Text<'a>>,
    #[serde(borrow)]
    meeting_rule: Option<RuleLine<'a>>,
    grace_days: Option<u64>,
    plan_deadline: Option<u64>,
    #[serde(borrow)]
    founded: Option<Text<'a>>,
    #[serde(borrow)]
    dissolved: Option<Text<'a>>,
    #[serde(borrow)]
    rule_changes: Option<Vec<RuleChangeLine<'a>>>,
}

/// `{"from":"2026-07","meeting_rule":{"day":3},"grace_days":1}`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleChangeLine<'a> {
    #[serde(borrow)]
    from: Option<Text<'a>>,
    #[serde(borrow)]
    meeting_rule: Option<RuleLine<'a>>,
    grace_days: Option<u64>,
    plan_deadline: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleLine<'a> {
    day: Option<u64>,
    nth: Option<u64>,
    #[serde(borrow)]
    weekday: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberLine<'a> {
    #[serde(rename = "type")]
    _type: Option<IgnoredAny>,
    #[serde(borrow)]
    card: Option<Text<'a>>,
    #[serde(borrow)]
    name: Option<Text<'a>>,
    #[serde(borrow)]
    sex: Option<Text<'a>>,
    #[serde(borrow)]
    born: Option<Text<'a>>,
    #[serde(borrow)]
    admitted: Option<Text<'a>>,
    #[serde(borrow)]
    full_member: Option<Text<'a>>,
    #[serde(borrow)]
    org: Option<Text<'a>>,
    #[serde(borrow)]
    cell: Option<Text<'a>>,
    #[serde(borrow)]
    phone: Option<Text<'a>>,
    #[serde(borrow)]
    residence: Option<Text<'a>>,
    #[serde(borrow)]
    former_orgs: Option<Vec<FormerLine<'a>>>,
}

/// `{"org":"QN.HL.HG.K2","until":"2026-11-01"}`: a branch sat in before, until a day.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormerLine<'a> {
    #[serde(borrow)]
    org: Option<Text<'a>>,
    #[serde(borrow)]
    until: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusLine<'a> {
    #[serde(rename = "type")]
    _type: Option<IgnoredAny>,
    #[serde(borrow)]
    card: Option<Text<'a>>,
    #[serde(borrow)]
    status: Option<Text<'a>>,
    #[serde(borrow)]
    from: Option<Text<'a>>,
    #[serde(borrow)]
    until: Option<Text<'a>>,
    #[serde(borrow)]
    reason: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleLine<'a> {
    #[serde(rename = "type")]
    _type: Option<IgnoredAny>,
    #[serde(borrow)]
    card: Option<Text<'a>>,
    #[serde(borrow)]
    org: Option<Text<'a>>,
    #[serde(borrow)]
    role: Option<Text<'a>>,
    #[serde(borrow)]
    from: Option<Text<'a>>,
    #[serde(borrow)]
    until: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OversightLine<'a> {
    #[serde(rename = "type")]
    _type: Option<IgnoredAny>,
    #[serde(borrow)]
    card: Option<Text<'a>>,
    #[serde(borrow)]
    org: Option<Text<'a>>,
    #[serde(borrow)]
    from: Option<Text<'a>>,
    #[serde(borrow)]
    until: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeetingLine<'a> {
    #[serde(rename = "type")]
    _type: Option<IgnoredAny>,
    #[serde(borrow)]
    org: Option<Text<'a>>,
    #[serde(borrow)]
    kind: Option<Text<'a>>,
    #[serde(borrow)]
    date: Option<Text<'a>>,
    #[serde(borrow)]
    planned: Option<Text<'a>>,
    #[serde(borrow)]
    state: Option<Text<'a>>,
    #[serde(borrow)]
    time: Option<Text<'a>>,
    #[serde(borrow)]
    end_time: Option<Text<'a>>,
    #[serde(borrow)]
    place: Option<Text<'a>>,
    #[serde(borrow)]
    attendance: Option<Pairs<'a>>,
    #[serde(borrow)]
    excuses: Option<Pairs<'a>>,
    #[serde(borrow)]
    guests: Option<Texts<'a>>,
    #[serde(borrow)]
    topic: Option<Text<'a>>,
    #[serde(borrow)]
    agenda: Option<Texts<'a>>,
    #[serde(borrow)]
    drafter: Option<Text<'a>>,
    #[serde(borrow)]
    sent: Option<Text<'a>>,
    #[serde(borrow)]
    minutes: Option<Text<'a>>,
    #[serde(borrow)]
    decisions: Option<Text<'a>>,
    vote: Option<VoteLine>,
    approved: Option<bool>,
    #[serde(borrow)]
    approval: Option<ApprovalLine<'a>>,
    #[serde(borrow)]
    amendments: Option<Vec<AmendmentLine<'a>>>,
}

/// `{"for":15,"against":1,"abstain":2}`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VoteLine {
    #[serde(rename = "for")]
    in_favour: Option<u32>,
    against: Option<u32>,
    abstain: Option<u32>,
}

/// A document of a meeting: Markdown `text`, or a file as base64 `data`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentLine<'a> {
    #[serde(rename = "type")]
    _type: Option<IgnoredAny>,
    #[serde(borrow)]
    org: Option<Text<'a>>,
    #[serde(borrow)]
    kind: Option<Text<'a>>,
    #[serde(borrow)]
    date: Option<Text<'a>>,
    #[serde(borrow)]
    name: Option<Text<'a>>,
    #[serde(borrow)]
    media_type: Option<Text<'a>>,
    #[serde(borrow)]
    added: Option<Text<'a>>,
    #[serde(borrow)]
    text: Option<Text<'a>>,
    #[serde(borrow)]
    data: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassificationLine<'a> {
    #[serde(rename = "type")]
    _type: Option<IgnoredAny>,
    #[serde(borrow)]
    org: Option<Text<'a>>,
    #[serde(borrow)]
    card: Option<Text<'a>>,
    year: Option<i64>,
    #[serde(borrow)]
    grade: Option<Text<'a>>,
    score: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApprovalLine<'a> {
    #[serde(borrow)]
    at: Option<Text<'a>>,
    #[serde(borrow)]
    by: Option<Text<'a>>,
    #[serde(borrow)]
    chair: Option<Text<'a>>,
    #[serde(borrow)]
    secretary: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AmendmentLine<'a> {
    #[serde(borrow)]
    at: Option<Text<'a>>,
    #[serde(borrow)]
    by: Option<Text<'a>>,
    #[serde(borrow)]
    text: Option<Text<'a>>,
}

/// Reads one line (without its line break) into `batch`, reporting its problems at `line`.
pub fn read_line(bytes: &[u8], line: usize, batch: &mut Batch, problems: &mut Problems) {
    let bytes = bytes.trim_ascii();
    if bytes.is_empty() {
        return;
    }
    if bytes[0] != b'{' {
        let problem = match serde_json::from_slice::<IgnoredAny>(bytes) {
            Ok(_) => Problem::NotAnObject,
            Err(e) => json_problem(&e),
        };
        problems.add(line, problem);
        return;
    }
    let kind = match record_type(bytes) {
        Ok(Some(kind)) => kind,
        Ok(None) => return problems.add(line, Problem::MissingType),
        Err(e) => return problems.add(line, json_problem(&e)),
    };
    let mut fields = Fields::new(problems, line, DateForms::Iso);
    let outcome = match &*kind {
        "org" => parse(bytes).map(|r| add_org(r, line, &mut fields, batch)),
        "member" => parse(bytes).map(|r| add_member_line(&r, line, &mut fields, batch)),
        "member_status" => parse(bytes).map(|r| add_status(r, line, &mut fields, batch)),
        "role" => parse(bytes).map(|r| add_role(r, line, &mut fields, batch)),
        "oversight" => parse(bytes).map(|r| add_oversight(r, line, &mut fields, batch)),
        "meeting" => parse(bytes).map(|r| add_meeting(r, line, &mut fields, batch)),
        "document" => parse(bytes).map(|r| add_document(r, line, &mut fields, batch)),
        "classification" => parse(bytes).map(|r| add_classification(r, line, &mut fields, batch)),
        other => {
            let found = other.to_string();
            return fields.report(Problem::UnknownType { found });
        }
    };
    if let Err(e) = outcome {
        fields.report(json_problem(&e));
    }
}

fn parse<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(bytes)
}

/// The record type. Lines written by chibo start with it, so it is read straight from the
/// bytes; otherwise the line is read once just for it.
fn record_type(bytes: &[u8]) -> Result<Option<Cow<'_, str>>, serde_json::Error> {
    const PREFIX: &[u8] = b"{\"type\":\"";
    if let Some(rest) = bytes.strip_prefix(PREFIX)
        && let Some(end) = rest.iter().position(|b| *b == b'"' || *b == b'\\')
        && rest[end] == b'"'
        && let Ok(kind) = std::str::from_utf8(&rest[..end])
    {
        return Ok(Some(Cow::Borrowed(kind)));
    }
    let envelope: Envelope = serde_json::from_slice(bytes)?;
    Ok(envelope.kind.map(|t| t.0))
}

/// A serde_json error as a problem of the line: an unknown field named, a wrong type, or
/// broken JSON, with the column (the line is ours to give).
fn json_problem(e: &serde_json::Error) -> Problem {
    let text = e.to_string();
    let detail = match text.rsplit_once(" at line ") {
        Some((detail, _)) => detail.to_string(),
        None => text,
    };
    let column = e.column();
    match e.classify() {
        Category::Data => match unknown_field(&detail) {
            Some(problem) => problem,
            None => Problem::WrongType { column, detail },
        },
        _ => Problem::MalformedJson { column, detail },
    }
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

fn add_org(line_data: OrgLine<'_>, line: usize, f: &mut Fields<'_>, batch: &mut Batch) {
    let code = f.required("code", line_data.code.as_deref());
    let name = f.required("name", line_data.name.as_deref());
    let kind = f.word(
        "kind",
        line_data.kind.as_deref(),
        OrgKind::parse,
        OrgKind::words,
    );
    let parent = f.optional("parent", line_data.parent.as_deref());
    let branch_type = f.opt_word(
        "branch_type",
        line_data.branch_type.as_deref(),
        BranchType::parse,
        BranchType::words,
    );
    let meeting_rule = line_data.meeting_rule.and_then(|r| schedule_rule(r, f));
    let grace_days = line_data.grace_days.and_then(|g| grace(g, f));
    let plan_deadline = line_data.plan_deadline.and_then(|d| deadline_day(d, f));
    let founded = f.opt_date("founded", line_data.founded.as_deref());
    let dissolved = f.opt_date("dissolved", line_data.dissolved.as_deref());
    f.in_order(("founded", founded), ("dissolved", dissolved), true);
    let rule_changes = rule_changes(line_data.rule_changes.unwrap_or_default(), f);
    let (Some(code), Some(name), Some(kind), true) = (code, name, kind, f.ok) else {
        if let Some(code) = readable_key(line_data.code.as_deref()) {
            let code = batch.code(&code);
            batch.broken_codes.push(code);
        }
        return;
    };
    let record = OrgRec {
        line,
        code: batch.code(&code),
        name: name.into_owned(),
        kind,
        parent: parent.map(|p| batch.code(&p)),
        branch_type,
        meeting_rule,
        grace_days,
        plan_deadline,
        founded,
        dissolved,
        rule_changes,
    };
    batch.orgs.push(record);
}

/// An org's rule changes, ordered by the month each starts; two for one month are an error.
fn rule_changes(lines: Vec<RuleChangeLine<'_>>, f: &mut Fields<'_>) -> Vec<RuleChange> {
    let mut changes: Vec<RuleChange> = lines
        .into_iter()
        .filter_map(|line| rule_change(line, f))
        .collect();
    changes.sort_by_key(|c| c.from);
    for pair in changes.windows(2) {
        if pair[0].from == pair[1].from {
            let from = format_year_month(pair[0].from);
            f.report(Problem::DuplicateRuleChange { from });
        }
    }
    changes
}

fn rule_change(line: RuleChangeLine<'_>, f: &mut Fields<'_>) -> Option<RuleChange> {
    const FIELD: &str = "rule_changes.from";
    let from = match line.from.as_deref().map(str::trim) {
        None | Some("") => report(f, Problem::Missing { field: FIELD }),
        Some(text) => parse_year_month(text).ok().or_else(|| {
            let found = text.to_string();
            report(
                f,
                Problem::BadMonth {
                    field: FIELD,
                    found,
                },
            )
        }),
    };
    let meeting_rule = line.meeting_rule.and_then(|r| schedule_rule(r, f));
    let grace_days = line.grace_days.and_then(|g| grace(g, f));
    let plan_deadline = line.plan_deadline.and_then(|d| deadline_day(d, f));
    Some(RuleChange {
        from: from?,
        meeting_rule,
        grace_days,
        plan_deadline,
    })
}

/// A plan deadline: a day of the month, 1 to 31.
fn deadline_day(day: u64, f: &mut Fields<'_>) -> Option<u8> {
    match u8::try_from(day)
        .ok()
        .and_then(|d| validate_deadline_day(d).ok())
    {
        Some(d) => Some(d),
        None => report(f, Problem::DeadlineDay { found: day }),
    }
}

/// `{"day":N}` or `{"nth":N,"weekday":"thu"}`, within the ranges `ScheduleRule` accepts.
fn schedule_rule(rule: RuleLine<'_>, f: &mut Fields<'_>) -> Option<ScheduleRule> {
    let candidate = match (rule.day, rule.nth, rule.weekday.as_deref()) {
        (Some(day), None, None) => match u8::try_from(day) {
            Ok(day) => ScheduleRule::DayOfMonth(day),
            Err(_) => return report(f, Problem::RuleDay { found: day }),
        },
        (None, Some(nth), Some(weekday)) => {
            let weekday = f.opt_word("weekday", Some(weekday), parse_weekday, weekday_words)?;
            match u8::try_from(nth) {
                Ok(n) => ScheduleRule::NthWeekday { n, weekday },
                Err(_) => return report(f, Problem::RuleNth { found: nth }),
            }
        }
        _ => return report(f, Problem::RuleShape),
    };
    match candidate.validate() {
        Ok(rule) => Some(rule),
        Err(_) => report(f, out_of_range(candidate)),
    }
}

/// The problem `ScheduleRule::validate` found, in words both languages can carry.
fn out_of_range(rule: ScheduleRule) -> Problem {
    match rule {
        ScheduleRule::DayOfMonth(day) => Problem::RuleDay {
            found: u64::from(day),
        },
        ScheduleRule::NthWeekday { n, .. } => Problem::RuleNth {
            found: u64::from(n),
        },
    }
}

fn weekday_words() -> String {
    "mon | tue | wed | thu | fri | sat | sun".into()
}

/// Grace days: a few days after the fixed day, never more than a month.
fn grace(days: u64, f: &mut Fields<'_>) -> Option<u8> {
    match u8::try_from(days) {
        Ok(d) if d <= 31 => Some(d),
        _ => report(f, Problem::GraceRange { found: days }),
    }
}

fn report<T>(f: &mut Fields<'_>, problem: Problem) -> Option<T> {
    f.report(problem);
    None
}

fn add_member_line(m: &MemberLine<'_>, line: usize, f: &mut Fields<'_>, batch: &mut Batch) {
    let raw = RawMember {
        card: m.card.as_deref(),
        name: m.name.as_deref(),
        sex: m.sex.as_deref(),
        born: m.born.as_deref(),
        admitted: m.admitted.as_deref(),
        full_member: m.full_member.as_deref(),
        org: m.org.as_deref(),
        cell: m.cell.as_deref(),
        phone: m.phone.as_deref(),
        residence: m.residence.as_deref(),
    };
    let former = former_orgs(m.former_orgs.as_deref().unwrap_or_default(), f);
    let before = batch.members.len();
    add_member(&raw, line, f, batch, Sex::parse, Sex::words);
    if batch.members.len() > before
        && let Some(record) = batch.members.last_mut()
    {
        record.former_orgs = former
            .into_iter()
            .map(|(code, until)| (CodeRef(batch.codes.intern(&code)), until))
            .collect();
    }
}

/// The branches a member sat in before, each until a later day than the one before.
fn former_orgs(lines: &[FormerLine<'_>], f: &mut Fields<'_>) -> Vec<(String, chrono::NaiveDate)> {
    let mut former = Vec::with_capacity(lines.len());
    for line in lines {
        let org = f.required("former_orgs.org", line.org.as_deref());
        let until = f.date("former_orgs.until", line.until.as_deref());
        if let (Some(org), Some(until)) = (org, until) {
            former.push((org.into_owned(), until));
        }
    }
    let in_order = former.windows(2).all(|pair| pair[0].1 < pair[1].1);
    if !in_order {
        f.report(Problem::FormerOrder);
    }
    former
}

fn add_status(s: StatusLine<'_>, line: usize, f: &mut Fields<'_>, batch: &mut Batch) {
    let card = f.required("card", s.card.as_deref());
    let status = f.word(
        "status",
        s.status.as_deref(),
        MemberStatus::parse,
        MemberStatus::words,
    );
    let from = f.date("from", s.from.as_deref());
    let until = f.opt_date("until", s.until.as_deref());
    let reason = f.optional("reason", s.reason.as_deref());
    f.in_order(("from", from), ("until", until), true);
    let until_written = s.until.as_deref().is_some_and(|u| !u.trim().is_empty());
    if let Some(status) = status
        && status.needs_until()
        && !until_written
    {
        f.report(Problem::NeedsUntil {
            status: status.as_str(),
        });
    }
    let (Some(card), Some(status), Some(from), true) = (card, status, from, f.ok) else {
        return;
    };
    let record = StatusRec {
        line,
        card: batch.card(&card),
        change: StatusChange {
            status,
            from,
            until,
            reason: reason.map(Cow::into_owned),
        },
    };
    batch.statuses.push(record);
}

fn add_role(r: RoleLine<'_>, line: usize, f: &mut Fields<'_>, batch: &mut Batch) {
    let role = f.word("role", r.role.as_deref(), RoleKind::parse, RoleKind::words);
    let Some(span) = span(
        [r.card.as_deref(), r.org.as_deref()],
        [r.from.as_deref(), r.until.as_deref()],
        line,
        f,
        batch,
    ) else {
        return;
    };
    if let (Some(role), true) = (role, f.ok) {
        batch.roles.push(SpanRec {
            role: Some(role),
            ..span
        });
    }
}

fn add_oversight(o: OversightLine<'_>, line: usize, f: &mut Fields<'_>, batch: &mut Batch) {
    if let Some(span) = span(
        [o.card.as_deref(), o.org.as_deref()],
        [o.from.as_deref(), o.until.as_deref()],
        line,
        f,
        batch,
    ) {
        batch.oversight.push(span);
    }
}

/// The fields roles and oversight share: who, where, from when, until when.
fn span(
    [card, org]: [Option<&str>; 2],
    [from, until]: [Option<&str>; 2],
    line: usize,
    f: &mut Fields<'_>,
    batch: &mut Batch,
) -> Option<SpanRec> {
    let card = f.required("card", card);
    let org = f.required("org", org);
    let from = f.date("from", from);
    let until = f.opt_date("until", until);
    f.in_order(("from", from), ("until", until), true);
    let (Some(card), Some(org), Some(from), true) = (card, org, from, f.ok) else {
        return None;
    };
    Some(SpanRec {
        line,
        card: batch.card(&card),
        org: batch.code(&org),
        role: None,
        from,
        until,
    })
}

fn add_meeting(m: MeetingLine<'_>, line: usize, f: &mut Fields<'_>, batch: &mut Batch) {
    let org = f.required("org", m.org.as_deref());
    let kind = f.word(
        "kind",
        m.kind.as_deref(),
        MeetingKind::parse,
        MeetingKind::words,
    );
    let date = f.date("date", m.date.as_deref());
    let planned = f.opt_date("planned", m.planned.as_deref());
    let state = f
        .opt_word(
            "state",
            m.state.as_deref(),
            MeetingState::parse,
            MeetingState::words,
        )
        .unwrap_or(MeetingState::Held);
    let time = clock("time", m.time.as_deref(), f);
    let end_time = clock("end_time", m.end_time.as_deref(), f);
    if let (Some(start), Some(end)) = (time, end_time)
        && end <= start
    {
        f.report(Problem::DateOrder {
            later: "end_time",
            earlier: "time",
            strict: true,
        });
    }
    let place = f.optional("place", m.place.as_deref());
    let marked = m.attendance.as_ref().is_some_and(|a| !a.0.is_empty());
    if marked && state != MeetingState::Held {
        f.report(Problem::AttendanceNotHeld {
            state: state.as_str(),
        });
    }
    let attendance = attendance(m.attendance.as_ref(), f, batch);
    let excuses = excuses(m.excuses.as_ref(), f, batch);
    let guests = guests(m.guests.as_ref(), f, batch);
    let topic = f.optional("topic", m.topic.as_deref());
    let agenda = agenda(m.agenda.as_ref(), f);
    let drafter = f.optional("drafter", m.drafter.as_deref());
    let drafter = drafter.map(|card| batch.card(&card));
    let sent_at = moment("sent", m.sent.as_deref(), f);
    let minutes = f.free_text("minutes", m.minutes.as_deref());
    let decisions = f.free_text("decisions", m.decisions.as_deref());
    if let (Some(kind), true) = (kind, decisions.is_some())
        && kind != MeetingKind::Committee
    {
        f.report(Problem::DecisionsNotCommittee {
            kind: kind.as_str(),
        });
    }
    let vote = m.vote.and_then(|v| vote(v, state, &attendance, f));
    let approved = m.approved.unwrap_or(false);
    let approval = approval(m.approval, approved, f);
    let amendments = amendments(m.amendments.unwrap_or_default(), approved, f);
    let (Some(org), Some(kind), Some(date), true) = (org, kind, date, f.ok) else {
        return;
    };
    let record = MeetingRec {
        line,
        org: batch.code(&org),
        kind,
        date,
        planned,
        attendance,
        excuses,
        guests,
        topic: topic.map(Cow::into_owned),
        minutes,
        approval,
        amendments,
        state,
        time,
        end_time,
        place: place.map(Cow::into_owned),
        agenda,
        drafter,
        sent_at,
        vote,
        decisions,
    };
    batch.meetings.push(record);
}

/// The agenda: one line of text an item, in order.
fn agenda(items: Option<&Texts<'_>>, f: &mut Fields<'_>) -> Vec<String> {
    let Some(Texts(items)) = items else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| f.optional("agenda", Some(item)))
        .map(Cow::into_owned)
        .collect()
}

/// The vote: all three counts, at a held meeting, never more than those marked present.
fn vote(
    line: VoteLine,
    state: MeetingState,
    attendance: &[(CardRef, Mark)],
    f: &mut Fields<'_>,
) -> Option<Vote> {
    let count = |field, value: Option<u32>, f: &mut Fields<'_>| {
        value.or_else(|| report(f, Problem::Missing { field }))
    };
    let in_favour = count("vote.for", line.in_favour, f);
    let against = count("vote.against", line.against, f);
    let abstaining = count("vote.abstain", line.abstain, f);
    let vote = Vote {
        in_favour: in_favour?,
        against: against?,
        abstaining: abstaining?,
    };
    if state != MeetingState::Held {
        return report(
            f,
            Problem::NotHeld {
                field: "vote",
                state: state.as_str(),
            },
        );
    }
    let present = attendance.iter().filter(|(_, m)| m.came()).count();
    let votes = u64::from(vote.in_favour) + u64::from(vote.against) + u64::from(vote.abstaining);
    if votes > present as u64 {
        return report(f, Problem::VoteExceeds { votes, present });
    }
    Some(vote)
}

fn add_document(d: DocumentLine<'_>, line: usize, f: &mut Fields<'_>, batch: &mut Batch) {
    let org = f.required("org", d.org.as_deref());
    let kind = f.word(
        "kind",
        d.kind.as_deref(),
        MeetingKind::parse,
        MeetingKind::words,
    );
    let date = f.date("date", d.date.as_deref());
    let name = f.required("name", d.name.as_deref());
    let media_type = f.optional("media_type", d.media_type.as_deref());
    let added = f
        .required("added", d.added.as_deref())
        .and_then(|text| moment("added", Some(&text), f));
    let body = document_body(d.text.as_deref(), d.data.as_deref(), media_type, f);
    if let (Some(name), Some(body)) = (&name, &body) {
        let size = body.bytes().len() as u64;
        if size > MAX_DOCUMENT_BYTES {
            let name = name.to_string();
            f.report(Problem::DocumentTooLarge { name, size });
        }
    }
    let (Some(org), Some(kind), Some(date), Some(name), Some(added), Some(body), true) =
        (org, kind, date, name, added, body, f.ok)
    else {
        return;
    };
    let record = DocumentRec {
        line,
        org: batch.code(&org),
        kind,
        date,
        name: name.into_owned(),
        added,
        body,
    };
    batch.documents.push(record);
}

/// Markdown `text` (kept as written, like minutes) or base64 `data` with its media type.
fn document_body(
    text: Option<&str>,
    data: Option<&str>,
    media_type: Option<Cow<'_, str>>,
    f: &mut Fields<'_>,
) -> Option<DocumentBody> {
    use base64::Engine;
    match (text, data) {
        (Some(text), None) => {
            // An empty text is still a document; only control characters are refused.
            let body = if text.trim().is_empty() {
                String::new()
            } else {
                f.free_text("text", Some(text))?
            };
            Some(DocumentBody::Markdown(body))
        }
        (None, Some(data)) => match base64::engine::general_purpose::STANDARD.decode(data.trim()) {
            Ok(bytes) => Some(DocumentBody::File {
                media_type: media_type.map(Cow::into_owned),
                bytes,
            }),
            Err(e) => report(
                f,
                Problem::BadBase64 {
                    detail: e.to_string(),
                },
            ),
        },
        _ => report(f, Problem::DocumentBody),
    }
}

/// A year's grade of an organisation (`org`) or a member (`card`). The grade may be left
/// out when the score is given: it is then the one the score earns by the default
/// thresholds (Regulation 366-QĐ/TW).
fn add_classification(
    c: ClassificationLine<'_>,
    line: usize,
    f: &mut Fields<'_>,
    batch: &mut Batch,
) {
    let org = f.optional("org", c.org.as_deref());
    let card = f.optional("card", c.card.as_deref());
    let year = match c.year {
        None => report(f, Problem::Missing { field: "year" }),
        Some(y) if (1930..=9999).contains(&y) => Some(y as i32),
        Some(found) => report(f, Problem::YearRange { found }),
    };
    let score = match c.score {
        Some(s) if s <= 100 => Some(s as u8),
        Some(found) => report(f, Problem::ScoreRange { found }),
        None => None,
    };
    let grade = match (c.grade.as_deref(), score) {
        (None, Some(score)) => Some(Thresholds::default().grade_of(score)),
        (grade, _) => f.word("grade", grade, Grade::parse, Grade::words),
    };
    let who = match (org, card) {
        (Some(org), None) => Some(GradedRef::Org(batch.code(&org))),
        (None, Some(card)) => Some(GradedRef::Card(batch.card(&card))),
        _ => report(f, Problem::OrgOrCard),
    };
    let (Some(who), Some(year), Some(grade), true) = (who, year, grade, f.ok) else {
        return;
    };
    batch.classifications.push(ClassificationRec {
        line,
        who,
        classification: Classification { year, grade, score },
    });
}

/// Who approved the minutes, when approved; `"approved": true` alone is an approval that
/// does not say by whom.
fn approval(
    line: Option<ApprovalLine<'_>>,
    approved: bool,
    f: &mut Fields<'_>,
) -> Option<Approval> {
    let Some(line) = line else {
        return approved.then(Approval::default);
    };
    if !approved {
        return report(f, Problem::NotApproved { field: "approval" });
    }
    let owned = |field, value: Option<Text<'_>>, f: &mut Fields<'_>| {
        f.optional(field, value.as_deref()).map(Cow::into_owned)
    };
    Some(Approval {
        at: moment("approval.at", line.at.as_deref(), f),
        by: owned("approval.by", line.by, f),
        chair: owned("approval.chair", line.chair, f),
        secretary: owned("approval.secretary", line.secretary, f),
    })
}

fn amendments(lines: Vec<AmendmentLine<'_>>, approved: bool, f: &mut Fields<'_>) -> Vec<Amendment> {
    if !lines.is_empty() && !approved {
        f.report(Problem::NotApproved {
            field: "amendments",
        });
        return Vec::new();
    }
    let mut amendments = Vec::with_capacity(lines.len());
    for line in lines {
        let at = f
            .required("amendments.at", line.at.as_deref())
            .map(Cow::into_owned);
        let at = moment("amendments.at", at.as_deref(), f);
        let by = f.required("amendments.by", line.by.as_deref());
        let text = f.free_text("amendments.text", line.text.as_deref());
        if text.is_none() {
            f.report(Problem::Missing {
                field: "amendments.text",
            });
        }
        if let (Some(at), Some(by), Some(text)) = (at, by, text) {
            amendments.push(Amendment {
                at,
                by: by.into_owned(),
                text,
            });
        }
    }
    amendments
}

/// An optional moment, strictly `YYYY-MM-DDTHH:MM`; blank reads as absent.
fn moment(field: &'static str, value: Option<&str>, f: &mut Fields<'_>) -> Option<NaiveDateTime> {
    let text = value?.trim();
    if text.is_empty() {
        return None;
    }
    parse_moment(text).ok().or_else(|| {
        let found = text.to_string();
        report(f, Problem::BadMoment { field, found })
    })
}

/// An optional time of day, strictly `HH:MM`.
fn clock(
    field: &'static str,
    value: Option<&str>,
    f: &mut Fields<'_>,
) -> Option<chrono::NaiveTime> {
    let text = value?.trim();
    if text.is_empty() {
        return None;
    }
    parse_clock(text).ok().or_else(|| {
        let found = text.to_string();
        report(f, Problem::BadTime { field, found })
    })
}

fn attendance(
    pairs: Option<&Pairs<'_>>,
    f: &mut Fields<'_>,
    batch: &mut Batch,
) -> Vec<(CardRef, Mark)> {
    let Some(Pairs(pairs)) = pairs else {
        return Vec::new();
    };
    let mut marks = Vec::with_capacity(pairs.len());
    for (card, mark) in pairs {
        let card = f.required("attendance", Some(card));
        let mark = f.word("attendance", Some(mark), Mark::parse, Mark::words);
        if let (Some(card), Some(mark)) = (card, mark) {
            marks.push((batch.card(&card), mark));
        }
    }
    marks
}

fn excuses(
    pairs: Option<&Pairs<'_>>,
    f: &mut Fields<'_>,
    batch: &mut Batch,
) -> Vec<(CardRef, String)> {
    let Some(Pairs(pairs)) = pairs else {
        return Vec::new();
    };
    let mut excuses = Vec::with_capacity(pairs.len());
    for (card, reason) in pairs {
        let card = f.required("excuses", Some(card));
        let reason = f.required("excuses", Some(reason));
        if let (Some(card), Some(reason)) = (card, reason) {
            excuses.push((batch.card(&card), reason.into_owned()));
        }
    }
    excuses
}

fn guests(list: Option<&Texts<'_>>, f: &mut Fields<'_>, batch: &mut Batch) -> Vec<CardRef> {
    let Some(Texts(list)) = list else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|card| f.required("guests", Some(card)))
        .map(|card| batch.card(&card))
        .collect()
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
}
