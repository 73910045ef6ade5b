//! Member forms: add a member to the selected branch (or cell), and edit a member's record.
//! The party card may change on edit, to a number no one else holds: a card mistyped at
//! entry must be correctable, and the store moves the card's index row with the record.
//! The branch stays (moving a member elsewhere is a transfer, recorded as a status), and
//! the status history is never touched here: it changes only by appending, in
//! [`super::status`].

use super::field::{Field, Fields};
use super::words::{self, Word};
use super::{Done, Edit, Form, Opened, Plan, Refusal, Reply, Subject, read_failed};
use crate::domain::edit::{EditError, Since, check_member_dates, check_member_history};
use crate::domain::limits::TextKind;
use crate::domain::{Lang, Member, MemberId, OrgId, OrgKind, OrgUnit, Sex};
use crate::store::{self, Command, Reader, StoreError};
use crate::ui::app::Target;
use crate::ui::i18n::{self, Text};

/// The fields, by position.
mod at {
    pub const CARD: usize = 0;
    pub const NAME: usize = 1;
    pub const SEX: usize = 2;
    pub const BORN: usize = 3;
    pub const ADMITTED: usize = 4;
    pub const FULL_MEMBER: usize = 5;
    pub const CELL: usize = 6;
    pub const PHONE: usize = 7;
    pub const RESIDENCE: usize = 8;
}

/// The sex choice, by position: not given, then [`Sex::ALL`].
const SEX_NOT_GIVEN: usize = 0;

/// Cells offered: a branch has a handful; more is not a branch anyone runs.
const MAX_CELLS: usize = 200;

struct MemberForm {
    /// `None` for a new member.
    id: Option<MemberId>,
    branch: OrgUnit,
    cells: Vec<OrgUnit>,
}

/// Adding a member to the selected branch, or to the selected cell and its branch.
pub fn add(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let lang = subject.lang;
    let (branch, cell) = branch_of(subject.org, reader)
        .map_err(read_failed(lang))?
        .ok_or_else(|| Word::PickBranch.get(lang).to_string())?;
    let cells = cells_of(reader, branch.id).map_err(read_failed(lang))?;
    let fields = fields(lang, None, &cells, cell);
    let title = words::add_member_title(lang, &branch.name);
    let edit = MemberForm {
        id: None,
        branch,
        cells,
    };
    Ok(Box::new(Form::new(title, fields, edit)))
}

/// Editing the selected member's record, as stored now.
pub fn edit(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let lang = subject.lang;
    let selected = subject
        .member
        .ok_or_else(|| Word::PickMember.get(lang).to_string())?;
    let gone = || Word::Gone.get(lang).to_string();
    let member = reader
        .member(selected.id)
        .map_err(read_failed(lang))?
        .ok_or_else(gone)?;
    let branch = reader
        .org(member.org)
        .map_err(read_failed(lang))?
        .ok_or_else(gone)?;
    let cells = cells_of(reader, branch.id).map_err(read_failed(lang))?;
    let mut fields = fields(lang, Some(&member), &cells, member.cell);
    fields[at::CARD].hint = Some(Word::CardHint.get(lang).into());
    let title = words::edit_member_title(lang, &member.name);
    let edit = MemberForm {
        id: Some(member.id),
        branch,
        cells,
    };
    Ok(Box::new(Form::new(title, fields, edit)))
}

/// The branch a member added here joins, and the cell when a cell is selected; `None`
/// when what is selected holds no members.
fn branch_of(
    org: Option<&OrgUnit>,
    reader: &Reader,
) -> Result<Option<(OrgUnit, Option<OrgId>)>, StoreError> {
    match org {
        Some(org) if org.kind.is_branch() => Ok(Some((org.clone(), None))),
        Some(cell) if cell.kind == OrgKind::Cell => {
            let Some(parent) = cell.parent else {
                return Ok(None);
            };
            Ok(reader.org(parent)?.map(|branch| (branch, Some(cell.id))))
        }
        _ => Ok(None),
    }
}

fn cells_of(reader: &Reader, branch: OrgId) -> Result<Vec<OrgUnit>, StoreError> {
    let mut cells = reader.children(Some(branch), 0, MAX_CELLS)?;
    cells.retain(|c| c.kind == OrgKind::Cell);
    Ok(cells)
}

fn fields(
    lang: Lang,
    member: Option<&Member>,
    cells: &[OrgUnit],
    cell: Option<OrgId>,
) -> Vec<Field> {
    let text = |value: Option<&str>| value.unwrap_or("").to_string();
    let sex_at = member
        .and_then(|m| m.sex)
        .and_then(|s| Sex::ALL.iter().position(|x| *x == s))
        .map_or(SEX_NOT_GIVEN, |at| at + 1);
    let sexes = std::iter::once(Word::NotGiven.get(lang).to_string())
        .chain(Sex::ALL.iter().map(|s| i18n::sex(lang, *s).to_string()))
        .collect();
    let cell_at = cell
        .and_then(|id| cells.iter().position(|c| c.id == id))
        .map_or(0, |at| at + 1);
    let cell_names = std::iter::once(Word::NoCell.get(lang).to_string())
        .chain(cells.iter().map(|c| c.name.clone()))
        .collect();
    let full_member_hint = format!(
        "{} {}",
        Word::FullMemberHint.get(lang),
        words::date_hint(lang)
    );
    vec![
        Field::text(Text::Card.get(lang), &text(member.map(|m| m.card.as_str()))).required(),
        Field::text(
            Word::FullName.get(lang),
            &text(member.map(|m| m.name.as_str())),
        )
        .required(),
        Field::choice(Text::SexLabel.get(lang), sexes, sex_at),
        Field::date(Text::Born.get(lang), member.and_then(|m| m.born), lang),
        Field::date(
            Text::Admitted.get(lang),
            member.and_then(|m| m.admitted),
            lang,
        ),
        Field::date(
            Text::FullMember.get(lang),
            member.and_then(|m| m.full_member),
            lang,
        )
        .with_hint(full_member_hint),
        Field::choice(Text::Cell.get(lang), cell_names, cell_at),
        Field::text(
            Text::Phone.get(lang),
            &text(member.and_then(|m| m.phone.as_deref())),
        ),
        Field::text(
            Text::Residence.get(lang),
            &text(member.and_then(|m| m.residence.as_deref())),
        ),
    ]
}

/// The date field a date rule points at: the later of the two out of order, or the date of
/// birth or admission that a status or a transfer already recorded would come before.
fn date_field(error: &EditError) -> Option<usize> {
    match error {
        EditError::BeforeMember { since, .. } => match since {
            Since::Admitted(_) => Some(at::ADMITTED),
            Since::Born(_) => Some(at::BORN),
        },
        EditError::DatesOutOfOrder { later, .. } => match *later {
            "admitted" => Some(at::ADMITTED),
            "full_member" => Some(at::FULL_MEMBER),
            _ => Some(at::BORN),
        },
        _ => None,
    }
}

impl MemberForm {
    /// The member as the fields describe it, with no history (the store's history is kept
    /// when an existing member is written).
    fn draft(&self, fields: &Fields, lang: Lang) -> Result<Member, Refusal> {
        let sex = fields
            .choice(at::SEX)
            .checked_sub(1)
            .and_then(|i| Sex::ALL.get(i).copied());
        let cell = fields
            .choice(at::CELL)
            .checked_sub(1)
            .and_then(|i| self.cells.get(i))
            .map(|c| c.id);
        Ok(Member {
            id: self.id.unwrap_or(MemberId(0)),
            card: fields.required_text(at::CARD, TextKind::Card, lang)?,
            name: fields.required_text(at::NAME, TextKind::PersonName, lang)?,
            sex,
            born: fields.optional_date(at::BORN, lang)?,
            admitted: fields.optional_date(at::ADMITTED, lang)?,
            full_member: fields.optional_date(at::FULL_MEMBER, lang)?,
            org: self.branch.id,
            cell,
            phone: fields.optional_text(at::PHONE, TextKind::Line, lang)?,
            residence: fields.optional_text(at::RESIDENCE, TextKind::Line, lang)?,
            former_orgs: Vec::new(),
            history: Vec::new(),
        })
    }
}

impl Edit for MemberForm {
    fn plan(&self, fields: &Fields, reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let draft = self.draft(fields, lang)?;
        let rule = |e: EditError| Refusal::rule(date_field(&e), &e, lang);
        check_member_dates(&draft).map_err(rule)?;
        // The history stays as stored: new dates of birth and admission must not leave a
        // status or a transfer before them.
        if let Some(stored) = self.id.map(|id| reader.member(id)).transpose()?.flatten() {
            let kept = Member {
                history: stored.history,
                former_orgs: stored.former_orgs,
                ..draft.clone()
            };
            check_member_history(&kept).map_err(rule)?;
        }
        let command = Command::SaveMember {
            member: self.id,
            draft,
        };
        let added_to = self.id.is_none().then(|| self.branch.name.clone());
        Ok(Plan::run(command, MemberSaved { added_to }))
    }
}

/// A member added (selected) or saved; a card taken points at the card field and names
/// whose it is.
struct MemberSaved {
    /// The branch's name, for a new member.
    added_to: Option<String>,
}

impl Reply for MemberSaved {
    fn done(self: Box<Self>, done: store::Done, lang: Lang) -> Result<Done, Refusal> {
        let member = done.into_member()?;
        Ok(match self.added_to {
            Some(branch) => Done::new(words::added_member(lang, &member.name, &branch))
                .then(Target::Member(member.id)),
            None => Done::new(words::saved_member(lang, &member.name)),
        })
    }

    fn refused(&self, e: StoreError, lang: Lang) -> Refusal {
        match e {
            StoreError::CardTaken { card, holder } => {
                Refusal::at(at::CARD, words::card_taken(lang, &card, &holder))
            }
            StoreError::Rule(e) => Refusal::rule(date_field(&e), &e, lang),
            StoreError::MemberGone(_) => Refusal::gone(lang),
            e => e.into(),
        }
    }
}
