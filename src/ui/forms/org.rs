//! Organisation forms: add one under the selected organisation, rename one (its code
//! stays: codes are stable identifiers), dissolve one (the date is marked, the history
//! kept). Moving is chosen in [`super::picker`].

use super::field::{Field, Fields};
use super::words::{self, Word};
use super::{Done, Edit, Form, Opened, Plan, Refusal, Reply, Subject, read_failed};
use crate::domain::edit::{EditError, check_placement, dissolve as dissolved};
use crate::domain::limits::TextKind;
use crate::domain::schedule::WEEKDAYS;
use crate::domain::{BranchType, Lang, OrgId, OrgKind, OrgUnit, ScheduleRule};
use crate::store::{self, Command, Reader, StoreError};
use crate::ui::app::Target;
use crate::ui::i18n::{self, Text};

/// The fields of the add form, by position.
mod add_at {
    pub const CODE: usize = 0;
    pub const NAME: usize = 1;
    pub const KIND: usize = 2;
    pub const BRANCH_TYPE: usize = 3;
    pub const RULE: usize = 4;
    pub const DAY: usize = 5;
    pub const WEEK: usize = 6;
    pub const WEEKDAY: usize = 7;
    pub const GRACE: usize = 8;
    pub const FOUNDED: usize = 9;
}

/// The meeting rule choice, by position.
const RULE_INHERITED: usize = 0;
const RULE_DAY_OF_MONTH: usize = 1;
const RULE_NTH_WEEKDAY: usize = 2;

/// Grace days beyond a month mean nothing for a monthly meeting.
const MAX_GRACE_DAYS: u8 = 31;

/// The kind offered first under `parent`: the next level down.
fn usual_kind_under(parent: Option<OrgKind>) -> OrgKind {
    match parent {
        None => OrgKind::ProvincialCommittee,
        Some(OrgKind::GrassrootsCommittee) => OrgKind::Branch,
        Some(kind) if kind.is_branch() => OrgKind::Cell,
        Some(_) => OrgKind::GrassrootsCommittee,
    }
}

/// Adding an organisation under the selected one (a top-level one when the tree is empty).
struct AddOrg {
    parent: Option<OrgUnit>,
    /// The kinds that may sit under the parent: the only ones offered.
    kinds: Vec<OrgKind>,
}

pub fn add(subject: &Subject<'_>, _reader: &Reader) -> Opened {
    let lang = subject.lang;
    let parent = subject.org.cloned();
    let kinds: Vec<OrgKind> = OrgKind::ALL
        .iter()
        .copied()
        .filter(|kind| check_placement(*kind, parent.as_ref()).is_ok())
        .collect();
    if kinds.is_empty() {
        let parent_kind = parent.as_ref().map_or(OrgKind::Cell, |p| p.kind);
        return Err(words::nothing_under(lang, parent_kind));
    }
    let usual = usual_kind_under(parent.as_ref().map(|p| p.kind));
    let kind_at = kinds.iter().position(|k| *k == usual).unwrap_or(0);
    let title = words::add_org_title(lang, parent.as_ref().map(|p| p.name.as_str()));
    // Codes are usually the parent's code and a part of their own: offer the first half.
    let code = parent
        .as_ref()
        .map_or(String::new(), |p| format!("{}.", p.code));
    let fields = vec![
        Field::text(Text::Code.get(lang), &code)
            .required()
            .with_hint(Word::CodeHint.get(lang).into()),
        Field::text(Text::ColName.get(lang), "").required(),
        Field::choice(Text::Kind.get(lang), kind_labels(&kinds, lang), kind_at),
        Field::choice(Text::BranchTypeLabel.get(lang), branch_type_labels(lang), 0),
        Field::choice(
            Word::MeetingRule.get(lang),
            rule_labels(lang),
            RULE_INHERITED,
        ),
        Field::text(Word::DayOfMonth.get(lang), "").with_hint(Word::DayHint.get(lang).into()),
        Field::choice(
            Word::Week.get(lang),
            (1..=5).map(|n| n.to_string()).collect(),
            0,
        ),
        Field::choice(Word::Weekday.get(lang), weekday_labels(lang), 0),
        Field::text(Word::GraceDays.get(lang), "").with_hint(Word::GraceHint.get(lang).into()),
        Field::date(Text::Founded.get(lang), Some(subject.today), lang),
    ];
    Ok(Box::new(Form::new(title, fields, AddOrg { parent, kinds })))
}

fn kind_labels(kinds: &[OrgKind], lang: Lang) -> Vec<String> {
    kinds
        .iter()
        .map(|k| i18n::kind(lang, *k, false).to_string())
        .collect()
}

fn branch_type_labels(lang: Lang) -> Vec<String> {
    std::iter::once(Word::NotGiven.get(lang))
        .chain(BranchType::ALL.iter().map(|t| i18n::branch_type(lang, *t)))
        .map(String::from)
        .collect()
}

fn rule_labels(lang: Lang) -> Vec<String> {
    [
        Word::RuleInherited,
        Word::RuleDayOfMonth,
        Word::RuleNthWeekday,
    ]
    .map(|w| w.get(lang).to_string())
    .to_vec()
}

fn weekday_labels(lang: Lang) -> Vec<String> {
    WEEKDAYS
        .iter()
        .map(|w| i18n::weekday(lang, *w).to_string())
        .collect()
}

impl AddOrg {
    fn kind(&self, fields: &Fields) -> OrgKind {
        self.kinds[fields.choice(add_at::KIND).min(self.kinds.len() - 1)]
    }

    fn meeting_rule(fields: &Fields, lang: Lang) -> Result<Option<ScheduleRule>, Refusal> {
        match fields.choice(add_at::RULE) {
            RULE_DAY_OF_MONTH => {
                let day = fields.optional_number(add_at::DAY, 1..=31, lang)?;
                let day = day.ok_or_else(|| {
                    Refusal::at(
                        add_at::DAY,
                        words::empty(lang, &fields.get(add_at::DAY).label),
                    )
                })?;
                Ok(Some(ScheduleRule::DayOfMonth(day)))
            }
            RULE_NTH_WEEKDAY => Ok(Some(ScheduleRule::NthWeekday {
                n: u8::try_from(fields.choice(add_at::WEEK) + 1).unwrap_or(1),
                weekday: WEEKDAYS[fields.choice(add_at::WEEKDAY) % WEEKDAYS.len()],
            })),
            _ => Ok(None),
        }
    }

    /// The new organisation as the fields describe it (its id is given when written).
    fn draft(&self, fields: &Fields, lang: Lang) -> Result<OrgUnit, Refusal> {
        let kind = self.kind(fields);
        let branch_type = match fields.choice(add_at::BRANCH_TYPE) {
            0 => None,
            n if kind.is_branch() => BranchType::ALL.get(n - 1).copied(),
            _ => None,
        };
        Ok(OrgUnit {
            id: OrgId(0),
            code: fields.required_text(add_at::CODE, TextKind::Code, lang)?,
            name: fields.required_text(add_at::NAME, TextKind::OrgName, lang)?,
            kind,
            parent: self.parent.as_ref().map(|p| p.id),
            branch_type,
            meeting_rule: AddOrg::meeting_rule(fields, lang)?,
            grace_days: fields.optional_number(add_at::GRACE, 0..=MAX_GRACE_DAYS, lang)?,
            plan_deadline: None,
            founded: fields.optional_date(add_at::FOUNDED, lang)?,
            dissolved: None,
            rule_changes: Vec::new(),
        })
    }
}

impl Edit for AddOrg {
    fn shown(&self, fields: &Fields, index: usize) -> bool {
        let rule = fields.choice(add_at::RULE);
        match index {
            add_at::BRANCH_TYPE => self.kind(fields).is_branch(),
            add_at::DAY => rule == RULE_DAY_OF_MONTH,
            add_at::WEEK | add_at::WEEKDAY => rule == RULE_NTH_WEEKDAY,
            _ => true,
        }
    }

    fn plan(&self, fields: &Fields, _reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let draft = self.draft(fields, lang)?;
        Ok(Plan::run(Command::AddOrg(draft), OrgAdded))
    }
}

/// The organisation added, selected; a code taken points at the code field and names
/// whose it is.
struct OrgAdded;

impl Reply for OrgAdded {
    fn done(self: Box<Self>, done: store::Done, lang: Lang) -> Result<Done, Refusal> {
        let org = done.into_org()?;
        let message = words::added_org(lang, &org.name, &org.code);
        Ok(Done::new(message).then(Target::Org(org.id)))
    }

    fn refused(&self, e: StoreError, lang: Lang) -> Refusal {
        match e {
            StoreError::CodeTaken { code, holder } => {
                Refusal::at(add_at::CODE, words::code_taken(lang, &code, &holder))
            }
            e => refused(e, add_at::KIND, lang),
        }
    }
}

/// The name of the rename form.
const RENAME_NAME: usize = 1;

/// Renaming: the name only; the code stays.
struct Rename {
    id: OrgId,
    old: String,
}

pub fn rename(subject: &Subject<'_>, _reader: &Reader) -> Opened {
    let lang = subject.lang;
    let org = subject
        .org
        .ok_or_else(|| Word::PickOrg.get(lang).to_string())?;
    let fields = vec![
        Field::fixed(Text::Code.get(lang), &org.code),
        Field::text(Text::ColName.get(lang), &org.name)
            .required()
            .with_hint(Word::RenameHint.get(lang).into()),
    ];
    let edit = Rename {
        id: org.id,
        old: org.name.clone(),
    };
    Ok(Box::new(Form::new(
        words::rename_title(lang, &org.name),
        fields,
        edit,
    )))
}

impl Edit for Rename {
    fn plan(&self, fields: &Fields, _reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let name = fields.required_text(RENAME_NAME, TextKind::OrgName, lang)?;
        if name == self.old {
            return Err(Refusal::at(RENAME_NAME, Word::SameName.get(lang).into()));
        }
        let command = Command::RenameOrg { org: self.id, name };
        Ok(Plan::run(command, OrgRenamed))
    }
}

/// The old name and the new.
struct OrgRenamed;

impl Reply for OrgRenamed {
    fn done(self: Box<Self>, done: store::Done, lang: Lang) -> Result<Done, Refusal> {
        let (org, old) = done.into_renamed()?;
        Ok(Done::new(words::renamed(lang, &old, &org.name)))
    }

    fn refused(&self, e: StoreError, lang: Lang) -> Refusal {
        refused(e, RENAME_NAME, lang)
    }
}

/// The date of the dissolve form.
const DISSOLVE_ON: usize = 1;

/// Dissolving: the organisation is marked dissolved on a date; nothing is deleted.
struct Dissolve {
    id: OrgId,
}

pub fn dissolve(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let lang = subject.lang;
    let selected = subject
        .org
        .ok_or_else(|| Word::PickOrg.get(lang).to_string())?;
    let org = reader
        .org(selected.id)
        .map_err(read_failed(lang))?
        .ok_or_else(|| Word::Gone.get(lang).to_string())?;
    if let Some(on) = org.dissolved {
        return Err(EditError::AlreadyDissolved(on).message(lang));
    }
    let fields = vec![
        Field::fixed(
            Word::Organisation.get(lang),
            &format!("{} ({})", org.name, org.code),
        ),
        Field::date(Word::DissolvedOn.get(lang), Some(subject.today), lang).required(),
    ];
    let title = words::dissolve_title(lang, &org.name);
    Ok(Box::new(Form::new(title, fields, Dissolve { id: org.id })))
}

impl Edit for Dissolve {
    fn plan(&self, fields: &Fields, reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let on = fields.required_date(DISSOLVE_ON, lang)?;
        let rule = move |e: EditError| Refusal::rule(Some(DISSOLVE_ON), &e, lang);
        let org = reader.org(self.id)?.ok_or_else(|| Refusal::gone(lang))?;
        dissolved(&org, on).map_err(rule)?;
        let members = reader.org_totals(org.id)?.members;
        let question = words::dissolve_question(lang, (&org.name, &org.code), on, members);
        let command = Command::DissolveOrg { org: self.id, on };
        Ok(Plan::run(command, OrgDissolved { on }).confirm_first(question))
    }
}

/// The organisation dissolved, and from when.
struct OrgDissolved {
    on: chrono::NaiveDate,
}

impl Reply for OrgDissolved {
    fn done(self: Box<Self>, done: store::Done, lang: Lang) -> Result<Done, Refusal> {
        let org = done.into_org()?;
        Ok(Done::new(words::dissolved(lang, &org.name, self.on)))
    }

    fn refused(&self, e: StoreError, lang: Lang) -> Refusal {
        refused(e, DISSOLVE_ON, lang)
    }
}

/// A refusal of the store's tree commands as the form says it: a rule at `field`, an
/// organisation gone, or the store's own words.
fn refused(e: StoreError, field: usize, lang: Lang) -> Refusal {
    match e {
        StoreError::Rule(rule) => Refusal::rule(Some(field), &rule, lang),
        StoreError::OrgGone(_) => Refusal::gone(lang),
        other => other.into(),
    }
}
