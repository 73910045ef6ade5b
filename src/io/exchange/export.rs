//! Writing the exchange format. The output depends only on the data, never on store ids:
//! orgs by code; members by card, each followed by its status history; then roles,
//! oversight and meetings org by org in code order. Optional fields that are empty are
//! left out; the fields that are written always come in the same order.

use std::io::{BufWriter, Write};

use serde::Serialize;

use super::batch::KeyMap;
use super::classification::{ClassificationLine, Graded};
use super::document::DocumentLine;
use super::meeting::{Cards, MeetingLine};
use super::member::{MemberLine, Placing, StatusLine};
use super::org::{OrgLine, Schedule};
use super::span::{OversightLine, RoleLine, Span};
use crate::domain::YearMonth;
use crate::domain::schedule::OwnSettings;
use chrono::NaiveDate;

use crate::domain::{
    Lang, Meeting, Member, MemberId, OrgId, OrgUnit, Oversight, Role, RuleChange, ScheduleRule,
};
use crate::io::ImportError;
use crate::io::problem::Problem;
use crate::store::{Reader, StoreError};

/// Writes the database, or the subtree rooted at the org with code `root`, as JSON Lines.
///
/// A subtree export stands on its own, so it imports cleanly into an empty database: its
/// root is written without a parent and with the meeting rule and grace days it inherits
/// made explicit, and roles, oversight, guests, attendance marks and excuses that name a
/// member outside the subtree are left out.
pub fn export(
    reader: &Reader,
    root: Option<&str>,
    out: impl Write,
    lang: Lang,
) -> Result<(), ImportError> {
    let mut out = BufWriter::new(out);
    let scope = match root {
        None => Scope::whole(reader)?,
        Some(code) => Scope::subtree(reader, code, lang)?,
    };
    let mut exporter = Exporter {
        codes: scope.codes(),
        cards: CardBook::default(),
        whole: scope.root.is_none(),
    };
    for org in &scope.orgs {
        exporter.org(&mut out, reader, org, scope.root == Some(org.id))?;
    }
    exporter.members(&mut out, reader, &scope)?;
    exporter.cards.seal();
    for org in &scope.orgs {
        exporter.roles(&mut out, reader, org)?;
    }
    for org in &scope.orgs {
        exporter.oversight(&mut out, reader, org)?;
    }
    for org in &scope.orgs {
        exporter.meetings(&mut out, reader, org)?;
    }
    for org in &scope.orgs {
        exporter.org_classifications(&mut out, reader, org)?;
    }
    exporter.member_classifications(&mut out, reader)?;
    out.flush()?;
    Ok(())
}

/// The orgs to export, in code order, and the root when only a subtree is.
struct Scope {
    orgs: Vec<OrgUnit>,
    root: Option<OrgId>,
}

impl Scope {
    fn whole(reader: &Reader) -> Result<Scope, StoreError> {
        let mut orgs = Vec::new();
        reader.each_org(|org| {
            orgs.push(org);
            Ok::<(), StoreError>(())
        })?;
        Ok(Scope { orgs, root: None })
    }

    fn subtree(reader: &Reader, code: &str, lang: Lang) -> Result<Scope, ImportError> {
        let Some(root) = reader.org_by_code(code)? else {
            let code = code.to_string();
            return Err(ImportError::Invalid(
                Problem::UnknownRoot { code }.message(lang),
            ));
        };
        let root_id = root.id;
        let mut orgs = vec![root];
        let mut next = 0;
        while next < orgs.len() {
            let children = reader.children(Some(orgs[next].id), 0, usize::MAX)?;
            orgs.extend(children);
            next += 1;
        }
        orgs.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(Scope {
            orgs,
            root: Some(root_id),
        })
    }

    fn codes(&self) -> KeyMap<OrgId, String> {
        self.orgs.iter().map(|o| (o.id, o.code.clone())).collect()
    }
}

/// Party cards by member id for the members exported, in one block of text (a national
/// export has millions): attendance and roles are written by card.
#[derive(Default)]
struct CardBook {
    text: String,
    entries: Vec<(MemberId, u32, u32)>,
}

impl CardBook {
    fn add(&mut self, id: MemberId, card: &str) {
        let start = self.text.len() as u32;
        self.text.push_str(card);
        self.entries.push((id, start, card.len() as u32));
    }

    /// Sorts for lookup; call once every member is added.
    fn seal(&mut self) {
        self.entries.sort_unstable_by_key(|e| e.0);
    }

    fn card(&self, id: MemberId) -> Option<&str> {
        let at = self.entries.binary_search_by_key(&id, |e| e.0).ok()?;
        let (_, start, len) = self.entries[at];
        Some(&self.text[start as usize..(start + len) as usize])
    }
}

/// What the records written so far tell the ones still to come.
struct Exporter {
    codes: KeyMap<OrgId, String>,
    cards: CardBook,
    /// Every member is exported, so a reference to a member not found is a broken store.
    whole: bool,
}

impl Exporter {
    fn code(&self, id: OrgId) -> Result<&str, StoreError> {
        self.codes
            .get(&id)
            .map(String::as_str)
            .ok_or_else(|| StoreError::Corrupt(format!("reference to missing org {}", id.0)))
    }

    /// The card of a referenced member; `None` when the member is outside the subtree.
    fn card(&self, id: MemberId) -> Result<Option<&str>, StoreError> {
        match self.cards.card(id) {
            Some(card) => Ok(Some(card)),
            None if self.whole => Err(StoreError::Corrupt(format!(
                "reference to missing member {}",
                id.0
            ))),
            None => Ok(None),
        }
    }

    fn org(
        &self,
        out: &mut impl Write,
        reader: &Reader,
        org: &OrgUnit,
        is_root: bool,
    ) -> Result<(), ImportError> {
        let (parent, schedule) = if is_root {
            (None, inherited_schedule(reader, org)?)
        } else {
            let parent = org.parent.map(|p| self.code(p)).transpose()?;
            (parent, Schedule::own(org))
        };
        write_line(out, &OrgLine::written(org, parent, schedule))
    }

    fn members(
        &mut self,
        out: &mut impl Write,
        reader: &Reader,
        scope: &Scope,
    ) -> Result<(), ImportError> {
        if scope.root.is_none() {
            return reader.each_member(|member| self.member(out, &member));
        }
        let mut members = Vec::new();
        for org in scope.orgs.iter().filter(|o| o.kind.is_branch()) {
            let listed = reader.members_of(org.id, 0, usize::MAX)?;
            members.extend(listed.into_iter().filter(|m| m.org == org.id));
        }
        members.sort_by(|a, b| a.card.cmp(&b.card));
        members.iter().try_for_each(|m| self.member(out, m))
    }

    fn member(&mut self, out: &mut impl Write, member: &Member) -> Result<(), ImportError> {
        self.cards.add(member.id, &member.card);
        let placing = Placing {
            org: self.code(member.org)?,
            cell: member.cell.map(|c| self.code(c)).transpose()?,
            former: self.former_orgs(member)?,
        };
        write_line(out, &MemberLine::written(member, placing))?;
        for change in &member.history {
            write_line(out, &StatusLine::written(&member.card, change))?;
        }
        Ok(())
    }

    /// The branches a member sat in before, those outside a subtree left out (they would
    /// not exist in the database the file goes to).
    fn former_orgs<'m>(
        &'m self,
        member: &'m Member,
    ) -> Result<Vec<(&'m str, NaiveDate)>, StoreError> {
        let mut former = Vec::with_capacity(member.former_orgs.len());
        for f in &member.former_orgs {
            match self.codes.get(&f.org) {
                Some(code) => former.push((code.as_str(), f.until)),
                None if self.whole => {
                    return Err(StoreError::Corrupt(format!(
                        "reference to missing org {}",
                        f.org.0
                    )));
                }
                None => {}
            }
        }
        Ok(former)
    }

    fn roles(
        &self,
        out: &mut impl Write,
        reader: &Reader,
        org: &OrgUnit,
    ) -> Result<(), ImportError> {
        let roles = reader.roles_of_org(org.id)?;
        let held = |r: &Role| (r.member, r.from, r.until);
        self.spans(out, org, &roles, held, |span, r| {
            RoleLine::written(span, r.role)
        })
    }

    fn oversight(
        &self,
        out: &mut impl Write,
        reader: &Reader,
        org: &OrgUnit,
    ) -> Result<(), ImportError> {
        let oversight = reader.oversight_of_org(org.id)?;
        let held = |o: &Oversight| (o.member, o.from, o.until);
        self.spans(out, org, &oversight, held, |span, _| {
            OversightLine::written(span)
        })
    }

    /// Roles or oversight of one org, by card and start date; those of members outside a
    /// subtree left out.
    fn spans<'a, T, L: Serialize>(
        &'a self,
        out: &mut impl Write,
        org: &'a OrgUnit,
        records: &'a [T],
        held: impl Fn(&T) -> (MemberId, NaiveDate, Option<NaiveDate>),
        line: impl Fn(Span<'a>, &T) -> L,
    ) -> Result<(), ImportError> {
        let mut spans = Vec::with_capacity(records.len());
        for record in records {
            let (member, from, until) = held(record);
            if let Some(card) = self.card(member)? {
                let org = &org.code;
                spans.push((
                    Span {
                        card,
                        org,
                        from,
                        until,
                    },
                    record,
                ));
            }
        }
        spans.sort_by(|a, b| a.0.sort_key().cmp(&b.0.sort_key()));
        let mut lines = spans.into_iter().map(|(span, record)| line(span, record));
        lines.try_for_each(|line| write_line(out, &line))
    }

    fn org_classifications(
        &self,
        out: &mut impl Write,
        reader: &Reader,
        org: &OrgUnit,
    ) -> Result<(), ImportError> {
        for c in reader.org_classifications_of(org.id)? {
            write_line(
                out,
                &ClassificationLine::written(Graded::Org(&org.code), &c),
            )?;
        }
        Ok(())
    }

    /// The classifications of the members exported, by card and year: one pass over the
    /// table (a subtree export skips members outside it), not one scan per member.
    fn member_classifications(
        &self,
        out: &mut impl Write,
        reader: &Reader,
    ) -> Result<(), ImportError> {
        let mut lines = Vec::new();
        for (id, _, c) in reader.all_member_classifications()? {
            if let Some(card) = self.card(MemberId(id))? {
                lines.push((card, c));
            }
        }
        lines.sort_unstable_by_key(|(card, c)| (*card, c.year));
        for (card, c) in &lines {
            write_line(out, &ClassificationLine::written(Graded::Card(card), c))?;
        }
        Ok(())
    }

    fn meetings(
        &self,
        out: &mut impl Write,
        reader: &Reader,
        org: &OrgUnit,
    ) -> Result<(), ImportError> {
        let mut meetings = reader.all_meetings_of(org.id)?;
        meetings.sort_by(|a, b| (a.date, a.kind.as_str()).cmp(&(b.date, b.kind.as_str())));
        for meeting in &meetings {
            write_line(
                out,
                &MeetingLine::written(&org.code, meeting, self.cards_of(meeting)?),
            )?;
            self.documents(out, reader, &org.code, meeting)?;
        }
        Ok(())
    }

    /// A meeting's documents, each on its own line, in the order they were attached.
    fn documents(
        &self,
        out: &mut impl Write,
        reader: &Reader,
        org: &str,
        meeting: &Meeting,
    ) -> Result<(), ImportError> {
        for listed in &meeting.documents {
            let (info, body) = reader.document(meeting.id, listed.no)?.ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "document {} of meeting {} has no bytes",
                    listed.no, meeting.id.0
                ))
            })?;
            write_line(out, &DocumentLine::written(org, meeting, &info, &body))?;
        }
        Ok(())
    }

    /// The members `meeting` names, by card.
    fn cards_of<'m>(&'m self, meeting: &'m Meeting) -> Result<Cards<'m>, StoreError> {
        let mut cards = Cards::default();
        for (id, mark) in &meeting.attendance {
            if let Some(card) = self.card(*id)? {
                cards.attendance.push((card, mark.as_str()));
            }
        }
        for (id, reason) in &meeting.excuses {
            if let Some(card) = self.card(*id)? {
                cards.excuses.push((card, reason.as_str()));
            }
        }
        for id in &meeting.guests {
            if let Some(card) = self.card(*id)? {
                cards.guests.push(card);
            }
        }
        if let Some(id) = meeting.drafter {
            cards.drafter = self.card(id)?;
        }
        Ok(cards)
    }
}

fn write_line(out: &mut impl Write, record: &impl Serialize) -> Result<(), ImportError> {
    serde_json::to_writer(&mut *out, record).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The schedule of a subtree's root as its own: for every month, the rule and grace days it
/// had, inherited or not. The base is what held before any change up the chain; each month
/// in which the root or an ancestor changed something becomes a change of the root's own.
fn inherited_schedule(reader: &Reader, org: &OrgUnit) -> Result<Schedule, StoreError> {
    let ancestors = reader.ancestors(org.id)?;
    let chain: Vec<&OrgUnit> = std::iter::once(org).chain(&ancestors).collect();
    let nearest = |settings: &dyn Fn(&OrgUnit) -> Settings| {
        chain
            .iter()
            .fold((None, None, None), |(rule, grace, deadline), o| {
                let (own_rule, own_grace, own_deadline) = settings(o);
                (
                    rule.or(own_rule),
                    grace.or(own_grace),
                    deadline.or(own_deadline),
                )
            })
    };
    let with_deadline = |(rule, grace): OwnSettings, deadline| (rule, grace, deadline);
    let base = nearest(&|o| (o.meeting_rule, o.grace_days, o.plan_deadline));
    let mut months: Vec<YearMonth> = chain
        .iter()
        .flat_map(|o| o.rule_changes.iter().filter_map(RuleChange::starts))
        .collect();
    months.sort_unstable();
    months.dedup();
    let mut changes = Vec::new();
    let mut current = base;
    for month in months {
        let settings =
            nearest(&|o| with_deadline(o.own_settings_in(month), o.own_plan_deadline_in(month)));
        if settings != current {
            changes.push(RuleChange {
                from: month.key(),
                meeting_rule: settings.0,
                grace_days: settings.1,
                plan_deadline: settings.2,
            });
            current = settings;
        }
    }
    Ok(Schedule {
        meeting_rule: base.0,
        grace_days: base.1,
        plan_deadline: base.2,
        rule_changes: changes,
    })
}

/// An organisation's own meeting rule, grace days and plan deadline day.
type Settings = (Option<ScheduleRule>, Option<u8>, Option<u8>);
