//! `{"type":"role",…}` and `{"type":"oversight",…}`: a committee role held in an
//! organisation, and a committee member assigned to oversee a branch. The same shape but
//! for the role, so they share their checks.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::batch::{Batch, SpanRec};
use super::fields::Fields;
use super::json::Text;
use crate::domain::RoleKind;
use crate::domain::limits::TextKind;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleLine<'a> {
    #[serde(rename = "type", borrow, skip_serializing_if = "Option::is_none")]
    pub record: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    card: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    org: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    role: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    from: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    until: Option<Text<'a>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OversightLine<'a> {
    #[serde(rename = "type", borrow, skip_serializing_if = "Option::is_none")]
    pub record: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    card: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    org: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    from: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    until: Option<Text<'a>>,
}

/// Who, where, from when and until when: what roles and oversight both say.
pub struct Span<'a> {
    pub card: &'a str,
    pub org: &'a str,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Span<'_> {
    /// The order lines of one org are written in: by card, then start.
    pub fn sort_key(&self) -> (&str, NaiveDate) {
        (self.card, self.from)
    }
}

impl<'a> RoleLine<'a> {
    pub fn written(span: Span<'a>, role: RoleKind) -> Self {
        RoleLine {
            record: Some(Text::from("role")),
            card: Some(Text::from(span.card)),
            org: Some(Text::from(span.org)),
            role: Some(Text::from(role.as_str())),
            from: Some(Text::day(span.from)),
            until: span.until.map(Text::day),
        }
    }

    pub fn check(self, line: usize, f: &mut Fields<'_>, batch: &mut Batch) {
        let role = f.word(
            "role",
            self.role.as_deref(),
            RoleKind::parse,
            RoleKind::words,
        );
        let Some(span) = check_span(
            [self.card.as_deref(), self.org.as_deref()],
            [self.from.as_deref(), self.until.as_deref()],
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
}

impl<'a> OversightLine<'a> {
    pub fn written(span: Span<'a>) -> Self {
        OversightLine {
            record: Some(Text::from("oversight")),
            card: Some(Text::from(span.card)),
            org: Some(Text::from(span.org)),
            from: Some(Text::day(span.from)),
            until: span.until.map(Text::day),
        }
    }

    pub fn check(self, line: usize, f: &mut Fields<'_>, batch: &mut Batch) {
        if let Some(span) = check_span(
            [self.card.as_deref(), self.org.as_deref()],
            [self.from.as_deref(), self.until.as_deref()],
            line,
            f,
            batch,
        ) {
            batch.oversight.push(span);
        }
    }
}

/// The fields roles and oversight share: who, where, from when, until when.
fn check_span(
    [card, org]: [Option<&str>; 2],
    [from, until]: [Option<&str>; 2],
    line: usize,
    f: &mut Fields<'_>,
    batch: &mut Batch,
) -> Option<SpanRec> {
    let card = f.required("card", TextKind::Card, card);
    let org = f.required("org", TextKind::Code, org);
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
