//! `{"type":"member",…}` and `{"type":"member_status",…}`: a member, the branches they sat
//! in before, and their dated status changes. A CSV member row is checked by the same code.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::batch::{Batch, CodeRef, MemberMore, MemberRec, StatusRec};
use super::fields::{Fields, readable_key};
use super::json::{Text, non_empty};
use crate::domain::edit::{Dated, EditError, check_not_before_member};
use crate::domain::limits::TextKind;
use crate::domain::{Member, MemberStatus, Sex, StatusChange};
use crate::io::problem::Problem;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberLine<'a> {
    #[serde(rename = "type", borrow, skip_serializing_if = "Option::is_none")]
    pub record: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    card: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    name: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    sex: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    born: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    admitted: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    full_member: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    org: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    cell: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    phone: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    residence: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    former_orgs: Option<Vec<FormerLine<'a>>>,
}

/// `{"org":"QN.HL.HG.K2","until":"2026-11-01"}`: a branch sat in before, until a day.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormerLine<'a> {
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    org: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    until: Option<Text<'a>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusLine<'a> {
    #[serde(rename = "type", borrow, skip_serializing_if = "Option::is_none")]
    pub record: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    card: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    status: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    from: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    until: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    reason: Option<Text<'a>>,
}

/// Where a member sits, by code: their branch, their cell, the branches they left.
pub struct Placing<'a> {
    pub org: &'a str,
    pub cell: Option<&'a str>,
    pub former: Vec<(&'a str, NaiveDate)>,
}

impl<'a> MemberLine<'a> {
    pub fn written(member: &'a Member, placing: Placing<'a>) -> Self {
        let former = placing.former.into_iter().map(|(org, until)| FormerLine {
            org: Some(Text::from(org)),
            until: Some(Text::day(until)),
        });
        MemberLine {
            record: Some(Text::from("member")),
            card: Some(Text::from(member.card.as_str())),
            name: Some(Text::from(member.name.as_str())),
            sex: member.sex.map(|s| Text::from(s.as_str())),
            born: member.born.map(Text::day),
            admitted: member.admitted.map(Text::day),
            full_member: member.full_member.map(Text::day),
            org: Some(Text::from(placing.org)),
            cell: placing.cell.map(Text::from),
            phone: member.phone.as_deref().map(Text::from),
            residence: member.residence.as_deref().map(Text::from),
            former_orgs: non_empty(former.collect()),
        }
    }

    pub fn check(self, line: usize, f: &mut Fields<'_>, batch: &mut Batch) {
        let raw = RawMember {
            card: self.card.as_deref(),
            name: self.name.as_deref(),
            sex: self.sex.as_deref(),
            born: self.born.as_deref(),
            admitted: self.admitted.as_deref(),
            full_member: self.full_member.as_deref(),
            org: self.org.as_deref(),
            cell: self.cell.as_deref(),
            phone: self.phone.as_deref(),
            residence: self.residence.as_deref(),
        };
        let former = former_orgs(self.former_orgs.as_deref().unwrap_or_default(), f);
        if let Some(mut record) = member_record(&raw, line, f, batch, Sex::parse, Sex::words) {
            for (_, until) in &former {
                let rule =
                    check_not_before_member(record.born, record.admitted, Dated::Transfer, *until);
                if let Err(EditError::BeforeMember { event, day, since }) = rule {
                    let card = batch.cards.text(record.card.0).to_string();
                    f.report(Problem::BeforeMember {
                        card,
                        event,
                        day,
                        since,
                    });
                }
            }
            let former = former
                .into_iter()
                .map(|(code, until)| (CodeRef(batch.codes.intern(&code)), until));
            let former: Vec<_> = former.collect();
            if !former.is_empty() {
                record.more.get_or_insert_with(Box::default).former_orgs = former;
            }
            batch.add_member(record);
        }
    }
}

/// The branches a member sat in before, each until a later day than the one before.
fn former_orgs(lines: &[FormerLine<'_>], f: &mut Fields<'_>) -> Vec<(String, NaiveDate)> {
    let mut former = Vec::with_capacity(lines.len());
    for line in lines {
        let org = f.required("former_orgs.org", TextKind::Code, line.org.as_deref());
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

impl<'a> StatusLine<'a> {
    pub fn written(card: &'a str, change: &'a StatusChange) -> Self {
        StatusLine {
            record: Some(Text::from("member_status")),
            card: Some(Text::from(card)),
            status: Some(Text::from(change.status.as_str())),
            from: Some(Text::day(change.from)),
            until: change.until.map(Text::day),
            reason: change.reason.as_deref().map(Text::from),
        }
    }

    pub fn check(self, line: usize, f: &mut Fields<'_>, batch: &mut Batch) {
        let card = f.required("card", TextKind::Card, self.card.as_deref());
        let status = f.word(
            "status",
            self.status.as_deref(),
            MemberStatus::parse,
            MemberStatus::words,
        );
        let from = f.date("from", self.from.as_deref());
        let until = f.opt_date("until", self.until.as_deref());
        let reason = f.optional("reason", TextKind::Reason, self.reason.as_deref());
        f.in_order(("from", from), ("until", until), true);
        let until_written = self.until.as_deref().is_some_and(|u| !u.trim().is_empty());
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

/// A member's fields checked into its record, unless they have a problem; `parse_sex` reads
/// the sex column in the words of the source. The caller adds it with [`Batch::add_member`].
pub fn member_record(
    raw: &RawMember<'_>,
    line: usize,
    fields: &mut Fields<'_>,
    batch: &mut Batch,
    parse_sex: fn(&str) -> Option<Sex>,
    sex_words: fn() -> String,
) -> Option<MemberRec> {
    let card = fields.required("card", TextKind::Card, raw.card);
    let name = fields.required("name", TextKind::PersonName, raw.name);
    let sex = fields.opt_word("sex", raw.sex, parse_sex, sex_words);
    let born = fields.opt_date("born", raw.born);
    let admitted = fields.opt_date("admitted", raw.admitted);
    let full_member = fields.opt_date("full_member", raw.full_member);
    fields.in_order(("admitted", admitted), ("full_member", full_member), false);
    let org = fields.required("org", TextKind::Code, raw.org);
    let cell = fields.optional("cell", TextKind::Code, raw.cell);
    let phone = fields.optional("phone", TextKind::Line, raw.phone);
    let residence = fields.optional("residence", TextKind::Line, raw.residence);
    let (Some(card), Some(name), Some(org), true) = (card, name, org, fields.ok) else {
        if let Some(card) = readable_key(raw.card) {
            let card = batch.card(&card);
            batch.broken_cards.push(card);
        }
        return None;
    };
    Some(MemberRec {
        line,
        card: batch.card(&card),
        name: name.into_owned(),
        sex,
        born,
        admitted,
        full_member,
        org: batch.code(&org),
        cell: cell.map(|c| batch.code(&c)),
        more: (phone.is_some() || residence.is_some()).then(|| {
            Box::new(MemberMore {
                phone: phone.map(Cow::into_owned),
                residence: residence.map(Cow::into_owned),
                former_orgs: Vec::new(),
            })
        }),
    })
}
