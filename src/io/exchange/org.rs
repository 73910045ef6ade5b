//! `{"type":"org",…}`: an organisation, its meeting rule and the changes to it.

use serde::{Deserialize, Serialize};

use super::batch::{Batch, OrgRec};
use super::fields::{Fields, readable_key};
use super::json::{Text, non_empty};
use crate::domain::limits::TextKind;
use crate::domain::schedule::{parse_weekday, validate_deadline_day, weekday_word};
use crate::domain::{BranchType, OrgKind, OrgUnit, RuleChange, ScheduleRule, YearMonth};
use crate::io::problem::Problem;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgLine<'a> {
    #[serde(rename = "type", borrow, skip_serializing_if = "Option::is_none")]
    pub record: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    code: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    name: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    kind: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    parent: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    branch_type: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    meeting_rule: Option<RuleLine<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grace_days: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan_deadline: Option<u64>,
    /// The rule changes as written: before the founding dates, as every export has had them.
    /// Read below, where the contract lists the field (serde names the accepted fields in
    /// the order they are declared here when a line has an unknown one).
    #[serde(
        rename = "rule_changes",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    written_rule_changes: Option<Vec<RuleChangeLine<'a>>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    founded: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    dissolved: Option<Text<'a>>,
    #[serde(borrow, skip_serializing)]
    rule_changes: Option<Vec<RuleChangeLine<'a>>>,
}

/// `{"from":"2026-07","meeting_rule":{"day":3},"grace_days":1}`
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleChangeLine<'a> {
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    from: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    meeting_rule: Option<RuleLine<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grace_days: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan_deadline: Option<u64>,
}

/// `{"day":7}` or `{"nth":1,"weekday":"thu"}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    day: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nth: Option<u64>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    weekday: Option<Text<'a>>,
}

/// The meeting rule, grace days, plan deadline and their changes an org line carries.
pub struct Schedule {
    pub meeting_rule: Option<ScheduleRule>,
    pub grace_days: Option<u8>,
    pub plan_deadline: Option<u8>,
    pub rule_changes: Vec<RuleChange>,
}

impl Schedule {
    /// What the organisation itself decided, nothing inherited.
    pub fn own(org: &OrgUnit) -> Schedule {
        Schedule {
            meeting_rule: org.meeting_rule,
            grace_days: org.grace_days,
            plan_deadline: org.plan_deadline,
            rule_changes: org.rule_changes.clone(),
        }
    }
}

impl<'a> OrgLine<'a> {
    /// The line for `org`, under the org with code `parent`, with `schedule` as its own.
    pub fn written(org: &'a OrgUnit, parent: Option<&'a str>, schedule: Schedule) -> Self {
        let changes = schedule
            .rule_changes
            .into_iter()
            .map(RuleChangeLine::written);
        OrgLine {
            record: Some(Text::from("org")),
            code: Some(Text::from(org.code.as_str())),
            name: Some(Text::from(org.name.as_str())),
            kind: Some(Text::from(org.kind.as_str())),
            parent: parent.map(Text::from),
            branch_type: org.branch_type.map(|b| Text::from(b.as_str())),
            meeting_rule: schedule.meeting_rule.map(RuleLine::written),
            grace_days: schedule.grace_days.map(u64::from),
            plan_deadline: schedule.plan_deadline.map(u64::from),
            written_rule_changes: non_empty(changes.collect()),
            founded: org.founded.map(Text::day),
            dissolved: org.dissolved.map(Text::day),
            rule_changes: None,
        }
    }

    pub fn check(self, line: usize, f: &mut Fields<'_>, batch: &mut Batch) {
        let code = f.required("code", TextKind::Code, self.code.as_deref());
        let name = f.required("name", TextKind::OrgName, self.name.as_deref());
        let kind = f.word("kind", self.kind.as_deref(), OrgKind::parse, OrgKind::words);
        let parent = f.optional("parent", TextKind::Code, self.parent.as_deref());
        let branch_type = f.opt_word(
            "branch_type",
            self.branch_type.as_deref(),
            BranchType::parse,
            BranchType::words,
        );
        let meeting_rule = self.meeting_rule.and_then(|r| r.check(f));
        let grace_days = self.grace_days.and_then(|g| grace(g, f));
        let plan_deadline = self.plan_deadline.and_then(|d| deadline_day(d, f));
        let founded = f.opt_date("founded", self.founded.as_deref());
        let dissolved = f.opt_date("dissolved", self.dissolved.as_deref());
        f.in_order(("founded", founded), ("dissolved", dissolved), true);
        let rule_changes = rule_changes(self.rule_changes.unwrap_or_default(), f);
        let (Some(code), Some(name), Some(kind), true) = (code, name, kind, f.ok) else {
            if let Some(code) = readable_key(self.code.as_deref()) {
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
}

/// An org's rule changes, ordered by the month each starts; two for one month are an error.
fn rule_changes(lines: Vec<RuleChangeLine<'_>>, f: &mut Fields<'_>) -> Vec<RuleChange> {
    let mut changes: Vec<RuleChange> = lines.into_iter().filter_map(|line| line.check(f)).collect();
    changes.sort_by_key(|c| c.from);
    for pair in changes.windows(2) {
        if let (Some(month), true) = (pair[0].starts(), pair[0].from == pair[1].from) {
            let from = month.to_string();
            f.report(Problem::DuplicateRuleChange { from });
        }
    }
    changes
}

impl RuleChangeLine<'_> {
    fn written(change: RuleChange) -> Self {
        RuleChangeLine {
            from: change.starts().map(|month| Text::from(month.to_string())),
            meeting_rule: change.meeting_rule.map(RuleLine::written),
            grace_days: change.grace_days.map(u64::from),
            plan_deadline: change.plan_deadline.map(u64::from),
        }
    }

    fn check(self, f: &mut Fields<'_>) -> Option<RuleChange> {
        const FIELD: &str = "rule_changes.from";
        let from = match self.from.as_deref().map(str::trim) {
            None | Some("") => f.refuse(Problem::Missing { field: FIELD }),
            Some(text) => text.parse().ok().map(YearMonth::key).or_else(|| {
                let found = text.to_string();
                f.refuse(Problem::BadMonth {
                    field: FIELD,
                    found,
                })
            }),
        };
        let meeting_rule = self.meeting_rule.and_then(|r| r.check(f));
        let grace_days = self.grace_days.and_then(|g| grace(g, f));
        let plan_deadline = self.plan_deadline.and_then(|d| deadline_day(d, f));
        Some(RuleChange {
            from: from?,
            meeting_rule,
            grace_days,
            plan_deadline,
        })
    }
}

impl RuleLine<'_> {
    fn written(rule: ScheduleRule) -> Self {
        match rule {
            ScheduleRule::DayOfMonth(day) => RuleLine {
                day: Some(u64::from(day)),
                nth: None,
                weekday: None,
            },
            ScheduleRule::NthWeekday { n, weekday } => RuleLine {
                day: None,
                nth: Some(u64::from(n)),
                weekday: Some(Text::from(weekday_word(weekday))),
            },
        }
    }

    /// `{"day":N}` or `{"nth":N,"weekday":"thu"}`, within the ranges `ScheduleRule` accepts.
    fn check(self, f: &mut Fields<'_>) -> Option<ScheduleRule> {
        let candidate = match (self.day, self.nth, self.weekday.as_deref()) {
            (Some(day), None, None) => match u8::try_from(day) {
                Ok(day) => ScheduleRule::DayOfMonth(day),
                Err(_) => return f.refuse(Problem::RuleDay { found: day }),
            },
            (None, Some(nth), Some(weekday)) => {
                let weekday = f.opt_word("weekday", Some(weekday), parse_weekday, weekday_words)?;
                match u8::try_from(nth) {
                    Ok(n) => ScheduleRule::NthWeekday { n, weekday },
                    Err(_) => return f.refuse(Problem::RuleNth { found: nth }),
                }
            }
            _ => return f.refuse(Problem::RuleShape),
        };
        match candidate.validate() {
            Ok(rule) => Some(rule),
            Err(_) => f.refuse(out_of_range(candidate)),
        }
    }
}

/// A plan deadline: a day of the month, 1 to 31.
fn deadline_day(day: u64, f: &mut Fields<'_>) -> Option<u8> {
    match u8::try_from(day)
        .ok()
        .and_then(|d| validate_deadline_day(d).ok())
    {
        Some(d) => Some(d),
        None => f.refuse(Problem::DeadlineDay { found: day }),
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
        _ => f.refuse(Problem::GraceRange { found: days }),
    }
}
