//! A member's change of status: the new status, from a date (today unless changed), until
//! a date for a temporary exemption, and a reason. It is appended to the member's history
//! (`Member::record_status`), never written over it; a change dated before the latest one
//! recorded, or before the member was admitted (born, when admission is not known), is
//! refused. A status that takes the member off the roll (transferred out,
//! removed, expelled, deceased) is asked about first.

use chrono::NaiveDate;

use super::field::{Field, Fields};
use super::words::{self, Word};
use super::{Done, Edit, Form, Opened, Plan, Refusal, Reply, Subject, read_failed};
use crate::domain::edit::{EditError, check_status_change};
use crate::domain::limits::TextKind;
use crate::domain::{Lang, MemberId, MemberStatus, StatusChange};
use crate::store::{self, Command, Reader, StoreError};
use crate::ui::i18n;

/// The fields, by position (the status now, shown first, is never read back).
mod at {
    pub const STATUS: usize = 1;
    pub const FROM: usize = 2;
    pub const UNTIL: usize = 3;
    pub const REASON: usize = 4;
}

struct ChangeStatus {
    id: MemberId,
}

pub fn open(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let lang = subject.lang;
    let selected = subject
        .member
        .ok_or_else(|| Word::PickMember.get(lang).to_string())?;
    let member = reader
        .member(selected.id)
        .map_err(read_failed(lang))?
        .ok_or_else(|| Word::Gone.get(lang).to_string())?;
    let now = member.status_on(subject.today);
    let until = member.history.last().and_then(|c| c.until);
    // The change most often recorded: an exemption for an active member, a return to
    // activity for anyone else.
    let usual = if now == MemberStatus::Active {
        MemberStatus::Exempt
    } else {
        MemberStatus::Active
    };
    let statuses = MemberStatus::ALL
        .iter()
        .map(|s| i18n::status(lang, *s, false).to_string())
        .collect();
    let until_hint = format!("{} {}", Word::UntilHint.get(lang), words::date_hint(lang));
    let fields = vec![
        Field::fixed(
            Word::StatusNow.get(lang),
            &status_words(lang, now, until.filter(|_| now.needs_until())),
        ),
        Field::choice(
            Word::NewStatus.get(lang),
            statuses,
            MemberStatus::ALL
                .iter()
                .position(|s| *s == usual)
                .unwrap_or(0),
        ),
        Field::date(Word::From.get(lang), Some(subject.today), lang).required(),
        Field::date(Word::Until.get(lang), None, lang)
            .required()
            .with_hint(until_hint),
        Field::text(Word::Reason.get(lang), ""),
    ];
    let title = words::status_title(lang, &member.name);
    Ok(Box::new(Form::new(
        title,
        fields,
        ChangeStatus { id: member.id },
    )))
}

/// "miễn sinh hoạt", "tạm miễn đến 01/03/2027".
fn status_words(lang: Lang, status: MemberStatus, until: Option<NaiveDate>) -> String {
    let words = i18n::status(lang, status, false);
    match until {
        Some(day) => format!("{words} {}", i18n::until(lang, day, false)),
        None => words.to_string(),
    }
}

/// The field a status rule points at.
fn rule_field(error: &EditError) -> Option<usize> {
    match error {
        EditError::BeforeLastChange(_) | EditError::BeforeMember { .. } => Some(at::FROM),
        EditError::UntilNeeded | EditError::UntilNotAfterFrom => Some(at::UNTIL),
        _ => None,
    }
}

impl ChangeStatus {
    fn change(fields: &Fields, lang: Lang) -> Result<StatusChange, Refusal> {
        let status = MemberStatus::ALL[fields.choice(at::STATUS) % MemberStatus::ALL.len()];
        let until = if status.needs_until() {
            fields.optional_date(at::UNTIL, lang)?
        } else {
            None
        };
        Ok(StatusChange {
            status,
            from: fields.required_date(at::FROM, lang)?,
            until,
            reason: fields.optional_text(at::REASON, TextKind::Reason, lang)?,
        })
    }
}

impl Edit for ChangeStatus {
    fn shown(&self, fields: &Fields, index: usize) -> bool {
        match index {
            at::UNTIL => MemberStatus::ALL
                .get(fields.choice(at::STATUS))
                .is_some_and(|s| s.needs_until()),
            _ => true,
        }
    }

    fn plan(&self, fields: &Fields, reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let change = ChangeStatus::change(fields, lang)?;
        let rule = move |e: EditError| Refusal::rule(rule_field(&e), &e, lang);
        let member = reader.member(self.id)?.ok_or_else(|| Refusal::gone(lang))?;
        check_status_change(&member, &change).map_err(rule)?;
        let said = status_words(lang, change.status, change.until);
        let question = (!change.status.on_roll()).then(|| {
            words::off_roll_question(lang, (&member.name, &member.card), &said, change.from)
        });
        let from = change.from;
        let command = Command::RecordStatus {
            member: self.id,
            change,
        };
        let plan = Plan::run(command, StatusRecorded { said, from });
        Ok(match question {
            Some(question) => plan.confirm_first(question),
            None => plan,
        })
    }
}

/// The member's new status, in words, and from when.
struct StatusRecorded {
    said: String,
    from: NaiveDate,
}

impl Reply for StatusRecorded {
    fn done(self: Box<Self>, done: store::Done, lang: Lang) -> Result<Done, Refusal> {
        let member = done.into_member()?;
        let message = words::status_recorded(lang, &member.name, &self.said, self.from);
        Ok(Done::new(message))
    }

    fn refused(&self, e: StoreError, lang: Lang) -> Refusal {
        match e {
            StoreError::Rule(e) => Refusal::rule(rule_field(&e), &e, lang),
            StoreError::MemberGone(_) => Refusal::gone(lang),
            other => other.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_exemption_says_until_when() {
        let day = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        assert_eq!(
            status_words(Lang::Vi, MemberStatus::TemporarilyExempt, Some(day)),
            "tạm miễn đến 01/03/2027"
        );
        assert_eq!(status_words(Lang::En, MemberStatus::Exempt, None), "exempt");
    }

    #[test]
    fn rules_point_at_their_fields() {
        assert_eq!(rule_field(&EditError::UntilNeeded), Some(at::UNTIL));
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(
            rule_field(&EditError::BeforeLastChange(day)),
            Some(at::FROM)
        );
        let before = EditError::BeforeMember {
            event: crate::domain::edit::Dated::Status(MemberStatus::Exempt),
            day,
            since: crate::domain::edit::Since::Born(day),
        };
        assert_eq!(rule_field(&before), Some(at::FROM));
    }
}
