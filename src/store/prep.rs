//! Preparing meetings and following them from above: the plan of a month (kept on the
//! month's regular meeting), its documents, sending it, the vote and a committee's
//! decisions; the roll and quorum of a meeting; the branch-status list with its flags; and
//! the members absent without permission in 3 or more months of a year. The rules are in
//! `domain::prep`, `domain::quorum`, `domain::duration` and `domain::absence`; every write
//! goes through `put_meeting`, so the roll-ups follow in the same transaction.

use chrono::{NaiveDate, NaiveDateTime};
use redb::ReadableTable;

use super::StoreError;
use super::query::{Reader, Writer, queries};
use crate::domain::absence::{self, FLAGGED_MONTHS};
use crate::domain::duration::{self, DurationConfig, ShortMeeting};
use crate::domain::prep::{self, Lateness, PlanMonth};
use crate::domain::schedule::settings_for_month;
use crate::domain::text::person_key;
use crate::domain::{
    Assignment, DocumentBody, DocumentInfo, Flag, Meeting, MeetingFacts, MeetingId, MeetingKind,
    MeetingState, Member, MinutesError, OrgId, OrgUnit, PlanDetails, Quorum, Roll, RollEntry, Vote,
    YearMonth,
};

/// The deadlines of one branch's plan for a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanDeadlines {
    /// The day of the month before by which the plan is due, as set up the tree.
    pub day: u8,
    /// The last day to send the plan.
    pub plan: NaiveDate,
    /// The last day to post the documents: the day before the meeting (before the due day
    /// while no meeting is planned). `None` when no meeting rule applies and no meeting is
    /// recorded.
    pub documents: Option<NaiveDate>,
}

/// One branch's month as the committee above follows it on the branch-status list.
#[derive(Debug, Clone, PartialEq)]
pub struct BranchStatus {
    pub branch: OrgUnit,
    /// The regular meeting that carries the month's plan, when one is recorded.
    pub plan: Option<Meeting>,
    pub deadlines: Option<PlanDeadlines>,
    /// How the plan and documents were kept; `None` when the branch owes none that month.
    pub kept: Option<PlanMonth>,
    /// The month's first held regular meeting, its quorum (when its roll was taken) and
    /// whether it was too short.
    pub held: Option<Meeting>,
    pub quorum: Option<Quorum>,
    pub short: Option<ShortMeeting>,
    /// Members of the branch flagged for unexcused absence this year, to the month's end.
    pub absentees: u32,
    /// Everything above that needs attention, in the order a list shows it.
    pub flags: Vec<Flag>,
}

/// A member absent without permission from the regular meeting in 3 or more months of a
/// year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Absentee {
    pub member: Member,
    /// The code of the member's branch now.
    pub org: String,
    /// The months of that year, in order.
    pub months: Vec<YearMonth>,
}

queries! {
    /// The bytes of document `no` of meeting `id`, as the body its kind says.
    pub fn document(&self, id: MeetingId, no: u32) -> Result<Option<(DocumentInfo, DocumentBody)>, StoreError> {
        self.guard_meeting(id)?;
        let Some(meeting) = self.meeting(id)? else { return Ok(None) };
        let Some(info) = meeting.documents.into_iter().find(|d| d.no == no) else { return Ok(None) };
        let Some(bytes) = self.documents.get((id.0, no))? else { return Ok(None) };
        let body = DocumentBody::from_stored(&info, bytes.value().to_vec());
        Ok(Some((info, body)))
    }

    /// The regular meeting of `org` that carries the plan of `month`: the first one
    /// sent, else the first one, cancelled ones left out.
    pub fn month_plan(&self, org: OrgId, month: YearMonth) -> Result<Option<Meeting>, StoreError> {
        self.guard_read(org)?;
        let meetings = self.meetings_in_month(org, month)?;
        Ok(prep::month_plan(&meetings, month).cloned())
    }

    /// When `org`'s plan and documents for `month` are due, by the settings up its
    /// tree and the month's planned meeting.
    /// The settings above the scope still apply: they are worked out, never shown.
    pub fn plan_deadlines(&self, org: OrgId, month: YearMonth) -> Result<PlanDeadlines, StoreError> {
        self.guard_read(org)?;
        let own = self.org(org)?.ok_or_else(|| StoreError::Corrupt(format!("missing org {}", org.0)))?;
        let chain: Vec<OrgUnit> = std::iter::once(own).chain(self.ancestors_all(org)?).collect();
        let (rule, _, day) = settings_for_month(&chain, month);
        let meeting = self.month_plan(org, month)?;
        let due = rule.map(|r| r.due_date(month));
        Ok(PlanDeadlines {
            day,
            plan: prep::plan_deadline(day, month),
            documents: meeting.map(|m| m.date).or(due).map(prep::documents_deadline),
        })
    }

    /// The quorum of `meeting`, counted from its full roll (domain::quorum).
    pub fn quorum_of(&self, meeting: &Meeting) -> Result<Quorum, StoreError> {
        self.guard_read(meeting.org)?;
        Ok(Quorum::of(&self.full_roll_of(meeting)?))
    }

    /// The roll of a committee meeting (sinh hoạt chi ủy, họp cấp ủy): the members who hold
    /// a committee role in its organisation on the meeting's day — wherever their own branch
    /// is, since a commune committee's members sit in its branches — each once, in name order.
    pub fn committee_roll_of(&self, meeting: &Meeting) -> Result<Roll, StoreError> {
        self.guard_read(meeting.org)?;
        let mut seen = std::collections::HashSet::new();
        let mut entries = Vec::new();
        for role in self.roles_of_org(meeting.org)? {
            if !crate::domain::role::span_covers(role.from, role.until, meeting.date) || !seen.insert(role.member) {
                continue;
            }
            if let Some(member) = self.member(role.member)?
                && let Some(entry) = RollEntry::of(&member, meeting)
            {
                entries.push((person_key(&member.name), member.card, entry));
            }
        }
        entries.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        Ok(Roll::new(entries.into_iter().map(|(_, _, entry)| entry).collect()))
    }

    /// Every branch of the subtree of `root` (itself included when it is one), by code, with
    /// its `month` as the committee above follows it, judged on `today`: the plan and
    /// documents against their deadlines, the first held regular meeting's quorum and
    /// duration against `config`, and the members flagged for unexcused absence.
    /// A root outside the scope is refused (by `subtree`), so no row lies outside it.
    pub fn branch_statuses(&self, root: OrgId, month: YearMonth, today: NaiveDate, config: &DurationConfig) -> Result<Vec<BranchStatus>, StoreError> {
        let tree = self.tree(root)?;
        let mut rows = Vec::new();
        for i in tree.branches() {
            let chain: Vec<&OrgUnit> = tree.chain(i).collect();
            rows.push(self.branch_status(&chain, month, today, config)?);
        }
        Ok(rows)
    }

    /// One branch's status (see `branch_statuses`); `chain` is the branch and the
    /// organisations above it, nearest first.
    fn branch_status(&self, chain: &[&OrgUnit], month: YearMonth, today: NaiveDate, config: &DurationConfig) -> Result<BranchStatus, StoreError> {
        let branch = chain[0];
        let (rule, _, day) = settings_for_month(chain.iter().copied(), month);
        let meetings = self.meetings_in_month(branch.id, month)?;
        let kept = prep::plan_month(branch, rule, day, month, &meetings);
        let plan = prep::month_plan(&meetings, month).cloned();
        let due = rule.map(|r| r.due_date(month));
        let deadlines = (rule.is_some() || plan.is_some()).then(|| PlanDeadlines {
            day,
            plan: prep::plan_deadline(day, month),
            documents: plan.as_ref().map(|m| m.date).or(due).map(prep::documents_deadline),
        });
        let held = meetings
            .iter()
            .filter(|m| m.is_held_regular())
            .min_by_key(|m| m.date)
            .cloned();
        let quorum = match &held {
            Some(m) if !m.attendance.is_empty() => Some(self.quorum_of(m)?),
            _ => None,
        };
        let short = held.as_ref().and_then(|m| duration::short_meeting(m, &meetings, config));
        let absentees = self.month_stats(branch.id, month)?.absentees;
        let unrolled = held.as_ref().is_some_and(Meeting::is_held_without_roll);
        let flags = flags_of(kept, quorum, unrolled, short, absentees, today);
        Ok(BranchStatus { branch: branch.clone(), plan, deadlines, kept, held, quorum, short, absentees, flags })
    }

    /// The members of the branches of the subtree of `root` who were absent without
    /// permission from the regular meeting in 3 or more months of `year` and are still on
    /// the roll at its end, in Vietnamese name order (given name, family name, middle names),
    /// then by card. A member moved between branches keeps the months of both.
    /// A root outside the scope is refused (by `subtree`), so no name lies outside it.
    pub fn absentees(&self, root: OrgId, year: i32) -> Result<Vec<Absentee>, StoreError> {
        let december = YearMonth::december(year);
        let mut found = Vec::new();
        for branch in self.branches_under(root)? {
            for member in self.members_of(branch.id, 0, usize::MAX)? {
                let all = self.absent_months(member.id)?;
                let months = absence::months_of_year(&all, year);
                if months.len() >= FLAGGED_MONTHS && absence::flagged(&member, &all, december) {
                    found.push((person_key(&member.name), Absentee { member, org: branch.code.clone(), months }));
                }
            }
        }
        found.sort_by(|(a, x), (b, y)| (a, &x.member.card).cmp(&(b, &y.member.card)));
        Ok(found.into_iter().map(|(_, absentee)| absentee).collect())
    }
}

/// The flags of a branch's month, in the order the list shows them.
fn flags_of(
    kept: Option<PlanMonth>,
    quorum: Option<Quorum>,
    unrolled: bool,
    short: Option<ShortMeeting>,
    absentees: u32,
    today: NaiveDate,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    if let Some(kept) = kept {
        match kept.plan.flag(today) {
            Some(Lateness::Missing) => flags.push(Flag::PlanMissing),
            Some(Lateness::Late) => flags.push(Flag::PlanLate),
            None => {}
        }
        match kept.documents.flag(today) {
            Some(Lateness::Missing) => flags.push(Flag::DocumentsMissing),
            Some(Lateness::Late) => flags.push(Flag::DocumentsLate),
            None => {}
        }
    }
    if let Some(short) = short {
        flags.push(Flag::ShortMeeting(short));
    }
    if let Some(q) = quorum.filter(|q| !q.met()) {
        flags.push(Flag::NoQuorum {
            present: q.present,
            counted: q.counted,
        });
    }
    if unrolled {
        flags.push(Flag::NoRollCall);
    }
    if absentees > 0 {
        flags.push(Flag::Absentees(absentees));
    }
    flags
}

impl Writer<'_> {
    /// Plans a regular meeting of `org` on the form's day with its details: the plan of
    /// that month.
    pub fn new_plan(&mut self, org: OrgId, details: &PlanDetails) -> Result<Meeting, StoreError> {
        self.refuse_unless(self.access.role.writes_meetings())?;
        self.require_scope(org)?;
        let day = details
            .date
            .ok_or(StoreError::Prep(crate::domain::PrepError::Incomplete(
                vec!["date"],
            )))?;
        let id = self.new_meeting_id()?;
        let mut meeting = Meeting::new(id, org, MeetingKind::Regular, day, MeetingState::Planned);
        meeting.set_plan(details)?;
        self.put_meeting(&meeting)?;
        Ok(meeting)
    }

    /// Writes a preparation form into meeting `id`.
    pub fn save_plan(
        &mut self,
        id: MeetingId,
        details: &PlanDetails,
    ) -> Result<Meeting, StoreError> {
        let mut meeting = self.meeting_to_change(id)?;
        meeting.set_plan(details)?;
        self.put_meeting(&meeting)?;
        Ok(meeting)
    }

    /// Attaches a document to meeting `id`: refused above 10 MB, with a message saying so.
    pub fn attach_document(
        &mut self,
        id: MeetingId,
        name: &str,
        body: &DocumentBody,
        at: NaiveDateTime,
    ) -> Result<DocumentInfo, StoreError> {
        let mut meeting = self.meeting_to_change(id)?;
        let info = meeting.add_document(name, body, at)?;
        self.documents.insert((id.0, info.no), body.bytes())?;
        self.put_meeting(&meeting)?;
        Ok(info)
    }

    /// Saves a document written in chibo: `replaces` (the one it was opened on) taken off
    /// and the new text attached, in one change, so a refused attach keeps the old one.
    pub fn save_written_document(
        &mut self,
        id: MeetingId,
        replaces: Option<u32>,
        name: &str,
        body: &DocumentBody,
        at: NaiveDateTime,
    ) -> Result<DocumentInfo, StoreError> {
        if let Some(no) = replaces {
            self.remove_document(id, no)?;
        }
        self.attach_document(id, name, body, at)
    }

    /// Takes document `no` off meeting `id`, its bytes with it.
    pub fn remove_document(&mut self, id: MeetingId, no: u32) -> Result<Meeting, StoreError> {
        let mut meeting = self.meeting_to_change(id)?;
        meeting.remove_document(no)?;
        self.put_meeting(&meeting)?;
        Ok(meeting)
    }

    /// "Send": marks the plan of meeting `id` sent to the members and the committee above.
    pub fn send_plan(&mut self, id: MeetingId, at: NaiveDateTime) -> Result<Meeting, StoreError> {
        let mut meeting = self.meeting_to_change(id)?;
        meeting.send_plan(at)?;
        self.put_meeting(&meeting)?;
        Ok(meeting)
    }

    /// Records the vote on the resolution of meeting `id`; approved minutes lock it.
    pub fn record_vote(
        &mut self,
        id: MeetingId,
        vote: Option<Vote>,
    ) -> Result<Meeting, StoreError> {
        let mut meeting = self.meeting_to_change(id)?;
        if meeting.is_approved() {
            return Err(MinutesError::Approved.into());
        }
        meeting.set_vote(vote)?;
        self.put_meeting(&meeting)?;
        Ok(meeting)
    }

    /// Records the facts of section I of meeting `id`'s minutes: its times, place, chair
    /// and minutes secretary; approved minutes lock them.
    pub fn record_facts(
        &mut self,
        id: MeetingId,
        facts: MeetingFacts,
    ) -> Result<Meeting, StoreError> {
        let mut meeting = self.meeting_to_change(id)?;
        meeting.set_facts(facts)?;
        self.put_meeting(&meeting)?;
        Ok(meeting)
    }

    /// Replaces the assignments of section VIII of meeting `id`'s minutes; approved minutes
    /// lock them.
    pub fn record_assignments(
        &mut self,
        id: MeetingId,
        rows: Vec<Assignment>,
    ) -> Result<Meeting, StoreError> {
        let mut meeting = self.meeting_to_change(id)?;
        meeting.set_assignments(rows)?;
        self.put_meeting(&meeting)?;
        Ok(meeting)
    }

    /// Records what committee meeting `id` decided for the agenda; approved minutes lock it.
    pub fn record_decisions(
        &mut self,
        id: MeetingId,
        text: Option<String>,
    ) -> Result<Meeting, StoreError> {
        let mut meeting = self.meeting_to_change(id)?;
        if meeting.is_approved() {
            return Err(MinutesError::Approved.into());
        }
        meeting.set_decisions(text)?;
        self.put_meeting(&meeting)?;
        Ok(meeting)
    }

    /// Writes the bytes of a document a meeting already lists (for an import, which lists
    /// the documents in the meeting record it writes).
    pub(crate) fn put_document_bytes(
        &mut self,
        id: MeetingId,
        no: u32,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        // The meeting may be written after its documents' bytes; `put_meeting` then
        // checks its scope before the transaction can commit.
        self.refuse_unless(self.access.role.writes_meetings())?;
        if let Some(meeting) = self.meeting(id)? {
            self.require_scope(meeting.org)?;
        }
        self.documents.insert((id.0, no), bytes)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
