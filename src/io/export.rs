//! Writing the exchange format. The output depends only on the data, never on store ids:
//! orgs by code; members by card, each followed by its status history; then roles,
//! oversight and meetings org by org in code order. Optional fields that are empty are
//! left out; the fields that are written always come in the same order.

use std::io::{BufWriter, Write};

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Serialize, Serializer};

use super::ImportError;
use super::record::KeyMap;
use crate::domain::date::{format_clock, format_moment, format_year_month};
use crate::domain::schedule::{OwnSettings, weekday_word};
use crate::domain::{
    Approval, Classification, DocumentBody, Lang, Meeting, MeetingState, Member, MemberId, OrgId,
    OrgUnit, RuleChange, ScheduleRule, StatusChange, Vote,
};
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
            let code = crate::domain::text::quoted(code);
            return Err(ImportError::Invalid(lang.pick(
                format!("không có tổ chức mã {code}"),
                format!("no organisation with code {code}"),
            )));
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
            let own = OwnSchedule {
                meeting_rule: org.meeting_rule,
                grace_days: org.grace_days,
                plan_deadline: org.plan_deadline,
                rule_changes: org.rule_changes.clone(),
            };
            (parent, own)
        };
        let OwnSchedule {
            meeting_rule,
            grace_days,
            plan_deadline,
            rule_changes,
        } = schedule;
        let record = OrgOut {
            record: "org",
            code: &org.code,
            name: &org.name,
            kind: org.kind.as_str(),
            parent,
            branch_type: org.branch_type.map(|b| b.as_str()),
            meeting_rule: meeting_rule.map(RuleOut::from),
            grace_days,
            plan_deadline,
            rule_changes: rule_changes.into_iter().map(RuleChangeOut::from).collect(),
            founded: org.founded,
            dissolved: org.dissolved,
        };
        write_line(out, &record)
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
        let record = MemberOut {
            record: "member",
            card: &member.card,
            name: &member.name,
            sex: member.sex.map(|s| s.as_str()),
            born: member.born,
            admitted: member.admitted,
            full_member: member.full_member,
            org: self.code(member.org)?,
            cell: member.cell.map(|c| self.code(c)).transpose()?,
            phone: member.phone.as_deref(),
            residence: member.residence.as_deref(),
            former_orgs: self.former_orgs(member)?,
        };
        write_line(out, &record)?;
        for change in &member.history {
            write_line(out, &StatusOut::new(&member.card, change))?;
        }
        Ok(())
    }

    /// The branches a member sat in before, those outside a subtree left out (they would
    /// not exist in the database the file goes to).
    fn former_orgs<'m>(&'m self, member: &'m Member) -> Result<Vec<FormerOut<'m>>, StoreError> {
        let mut former = Vec::with_capacity(member.former_orgs.len());
        for f in &member.former_orgs {
            match self.codes.get(&f.org) {
                Some(code) => former.push(FormerOut {
                    org: code,
                    until: f.until,
                }),
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
        let mut lines = Vec::new();
        for role in reader.roles_of_org(org.id)? {
            if let Some(card) = self.card(role.member)? {
                lines.push(SpanOut {
                    record: "role",
                    card,
                    org: &org.code,
                    role: Some(role.role.as_str()),
                    from: role.from,
                    until: role.until,
                });
            }
        }
        write_spans(out, lines)
    }

    fn oversight(
        &self,
        out: &mut impl Write,
        reader: &Reader,
        org: &OrgUnit,
    ) -> Result<(), ImportError> {
        let mut lines = Vec::new();
        for o in reader.oversight_of_org(org.id)? {
            if let Some(card) = self.card(o.member)? {
                lines.push(SpanOut {
                    record: "oversight",
                    card,
                    org: &org.code,
                    role: None,
                    from: o.from,
                    until: o.until,
                });
            }
        }
        write_spans(out, lines)
    }

    fn org_classifications(
        &self,
        out: &mut impl Write,
        reader: &Reader,
        org: &OrgUnit,
    ) -> Result<(), ImportError> {
        for c in reader.org_classifications_of(org.id)? {
            write_line(out, &ClassificationOut::new((Some(&org.code), None), &c))?;
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
            write_line(out, &ClassificationOut::new((None, Some(card)), c))?;
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
            write_line(out, &self.meeting(&org.code, meeting)?)?;
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
        use base64::Engine;
        for listed in &meeting.documents {
            let (info, body) = reader.document(meeting.id, listed.no)?.ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "document {} of meeting {} has no bytes",
                    listed.no, meeting.id.0
                ))
            })?;
            let (text, data) = match &body {
                DocumentBody::Markdown(text) => (Some(text.as_str()), None),
                DocumentBody::File { bytes, .. } => (
                    None,
                    Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
                ),
            };
            let line = DocumentOut {
                record: "document",
                org,
                kind: meeting.kind.as_str(),
                date: meeting.date,
                name: &info.name,
                media_type: info.media_type.as_deref(),
                added: info.added_at,
                text,
                data,
            };
            write_line(out, &line)?;
        }
        Ok(())
    }

    fn meeting<'m>(
        &'m self,
        org: &'m str,
        meeting: &'m Meeting,
    ) -> Result<MeetingOut<'m>, StoreError> {
        let mut attendance = Vec::with_capacity(meeting.attendance.len());
        for (id, mark) in &meeting.attendance {
            if let Some(card) = self.card(*id)? {
                attendance.push((card, mark.as_str()));
            }
        }
        let mut excuses = Vec::with_capacity(meeting.excuses.len());
        for (id, reason) in &meeting.excuses {
            if let Some(card) = self.card(*id)? {
                excuses.push((card, reason.as_str()));
            }
        }
        let mut guests = Vec::with_capacity(meeting.guests.len());
        for id in &meeting.guests {
            if let Some(card) = self.card(*id)? {
                guests.push(card);
            }
        }
        let drafter = match meeting.drafter {
            Some(id) => self.card(id)?,
            None => None,
        };
        attendance.sort_unstable();
        excuses.sort_unstable();
        guests.sort_unstable();
        Ok(MeetingOut {
            record: "meeting",
            org,
            kind: meeting.kind.as_str(),
            date: meeting.date,
            planned: meeting.planned,
            state: (meeting.state != MeetingState::Held).then(|| meeting.state.as_str()),
            time: meeting.time,
            end_time: meeting.end_time,
            place: meeting.place.as_deref(),
            attendance: CardMap(attendance),
            excuses: CardMap(excuses),
            guests,
            topic: meeting.topic.as_deref(),
            agenda: meeting.agenda.iter().map(String::as_str).collect(),
            drafter,
            sent: meeting.sent_at,
            minutes: meeting.minutes.as_deref(),
            decisions: meeting.decisions.as_deref(),
            vote: meeting.vote.map(VoteOut::from),
            approved: meeting.is_approved(),
            approval: meeting.approval.as_ref().and_then(ApprovalOut::of),
            amendments: meeting
                .amendments
                .iter()
                .map(|a| AmendmentOut {
                    at: a.at,
                    by: &a.by,
                    text: &a.text,
                })
                .collect(),
        })
    }
}

fn write_line(out: &mut impl Write, record: &impl Serialize) -> Result<(), ImportError> {
    serde_json::to_writer(&mut *out, record).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Roles or oversight of one org, by card and start date.
fn write_spans(out: &mut impl Write, mut lines: Vec<SpanOut<'_>>) -> Result<(), ImportError> {
    lines.sort_by(|a, b| (a.card, a.from).cmp(&(b.card, b.from)));
    lines.iter().try_for_each(|line| write_line(out, line))
}

/// The schedule of a subtree's root as its own: for every month, the rule and grace days it
/// had, inherited or not. The base is what held before any change up the chain; each month
/// in which the root or an ancestor changed something becomes a change of the root's own.
fn inherited_schedule(reader: &Reader, org: &OrgUnit) -> Result<OwnSchedule, StoreError> {
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
    let mut months: Vec<u32> = chain
        .iter()
        .flat_map(|o| o.rule_changes.iter().map(|c| c.from))
        .collect();
    months.sort_unstable();
    months.dedup();
    let mut changes = Vec::new();
    let mut current = base;
    for month in months {
        let settings = nearest(&|o| {
            with_deadline(
                o.own_settings_for_month(month),
                o.own_plan_deadline_for_month(month),
            )
        });
        if settings != current {
            changes.push(RuleChange {
                from: month,
                meeting_rule: settings.0,
                grace_days: settings.1,
                plan_deadline: settings.2,
            });
            current = settings;
        }
    }
    Ok(OwnSchedule {
        meeting_rule: base.0,
        grace_days: base.1,
        plan_deadline: base.2,
        rule_changes: changes,
    })
}

/// An organisation's own meeting rule, grace days and plan deadline day.
type Settings = (Option<ScheduleRule>, Option<u8>, Option<u8>);

/// The schedule an org line carries.
struct OwnSchedule {
    meeting_rule: Option<ScheduleRule>,
    grace_days: Option<u8>,
    plan_deadline: Option<u8>,
    rule_changes: Vec<RuleChange>,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// Dates as `2026-11-07`, written digit by digit: an export has millions of them.
fn iso<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    let year = date.year();
    if !(0..=9999).contains(&year) {
        return s.collect_str(&date.format("%Y-%m-%d"));
    }
    let mut text = *b"0000-00-00";
    let mut put = |at: usize, width: usize, mut n: u32| {
        for i in (at..at + width).rev() {
            text[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(0, 4, year as u32);
    put(5, 2, date.month());
    put(8, 2, date.day());
    s.serialize_str(std::str::from_utf8(&text).expect("ASCII digits"))
}

fn opt_iso<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => iso(d, s),
        None => s.serialize_none(),
    }
}

fn moment<S: Serializer>(at: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_moment(*at))
}

fn opt_moment<S: Serializer>(at: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => moment(at, s),
        None => s.serialize_none(),
    }
}

fn opt_clock<S: Serializer>(time: &Option<NaiveTime>, s: S) -> Result<S::Ok, S::Error> {
    match time {
        Some(t) => s.serialize_str(&format_clock(*t)),
        None => s.serialize_none(),
    }
}

#[derive(Serialize)]
struct OrgOut<'a> {
    #[serde(rename = "type")]
    record: &'static str,
    code: &'a str,
    name: &'a str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    branch_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meeting_rule: Option<RuleOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grace_days: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan_deadline: Option<u8>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    rule_changes: Vec<RuleChangeOut>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_iso")]
    founded: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_iso")]
    dissolved: Option<NaiveDate>,
}

/// `{"day":7}` or `{"nth":1,"weekday":"thu"}`.
#[derive(Serialize)]
struct RuleOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    day: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nth: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weekday: Option<&'static str>,
}

impl From<ScheduleRule> for RuleOut {
    fn from(rule: ScheduleRule) -> RuleOut {
        match rule {
            ScheduleRule::DayOfMonth(day) => RuleOut {
                day: Some(day),
                nth: None,
                weekday: None,
            },
            ScheduleRule::NthWeekday { n, weekday } => RuleOut {
                day: None,
                nth: Some(n),
                weekday: Some(weekday_word(weekday)),
            },
        }
    }
}

/// `{"from":"2026-07","meeting_rule":{"day":3},"grace_days":1}`
#[derive(Serialize)]
struct RuleChangeOut {
    from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    meeting_rule: Option<RuleOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grace_days: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan_deadline: Option<u8>,
}

impl From<RuleChange> for RuleChangeOut {
    fn from(change: RuleChange) -> RuleChangeOut {
        RuleChangeOut {
            from: format_year_month(change.from),
            meeting_rule: change.meeting_rule.map(RuleOut::from),
            grace_days: change.grace_days,
            plan_deadline: change.plan_deadline,
        }
    }
}

#[derive(Serialize)]
struct MemberOut<'a> {
    #[serde(rename = "type")]
    record: &'static str,
    card: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sex: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_iso")]
    born: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_iso")]
    admitted: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_iso")]
    full_member: Option<NaiveDate>,
    org: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    residence: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    former_orgs: Vec<FormerOut<'a>>,
}

/// `{"org":"QN.HL.HG.K2","until":"2026-11-01"}`
#[derive(Serialize)]
struct FormerOut<'a> {
    org: &'a str,
    #[serde(serialize_with = "iso")]
    until: NaiveDate,
}

#[derive(Serialize)]
struct StatusOut<'a> {
    #[serde(rename = "type")]
    record: &'static str,
    card: &'a str,
    status: &'static str,
    #[serde(serialize_with = "iso")]
    from: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_iso")]
    until: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

impl<'a> StatusOut<'a> {
    fn new(card: &'a str, change: &'a StatusChange) -> StatusOut<'a> {
        StatusOut {
            record: "member_status",
            card,
            status: change.status.as_str(),
            from: change.from,
            until: change.until,
            reason: change.reason.as_deref(),
        }
    }
}

/// A role (with `role`) or an oversight assignment (without).
#[derive(Serialize)]
struct SpanOut<'a> {
    #[serde(rename = "type")]
    record: &'static str,
    card: &'a str,
    org: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    #[serde(serialize_with = "iso")]
    from: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_iso")]
    until: Option<NaiveDate>,
}

/// Party card → text, written as a JSON object in card order.
struct CardMap<'a>(Vec<(&'a str, &'a str)>);

impl CardMap<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for CardMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().copied())
    }
}

#[derive(Serialize)]
struct MeetingOut<'a> {
    #[serde(rename = "type")]
    record: &'static str,
    org: &'a str,
    kind: &'static str,
    #[serde(serialize_with = "iso")]
    date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_iso")]
    planned: Option<NaiveDate>,
    /// Left out for a held meeting, the default.
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_clock")]
    time: Option<NaiveTime>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_clock")]
    end_time: Option<NaiveTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<&'a str>,
    #[serde(skip_serializing_if = "CardMap::is_empty")]
    attendance: CardMap<'a>,
    #[serde(skip_serializing_if = "CardMap::is_empty")]
    excuses: CardMap<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    guests: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    topic: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    agenda: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    drafter: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_moment")]
    sent: Option<NaiveDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minutes: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decisions: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vote: Option<VoteOut>,
    #[serde(skip_serializing_if = "is_false")]
    approved: bool,
    /// Only when the approval says more than that it happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    approval: Option<ApprovalOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    amendments: Vec<AmendmentOut<'a>>,
}

/// `{"for":15,"against":1,"abstain":2}`
#[derive(Serialize)]
struct VoteOut {
    #[serde(rename = "for")]
    in_favour: u32,
    against: u32,
    abstain: u32,
}

impl From<Vote> for VoteOut {
    fn from(vote: Vote) -> VoteOut {
        VoteOut {
            in_favour: vote.in_favour,
            against: vote.against,
            abstain: vote.abstaining,
        }
    }
}

/// A year's grade of an organisation (`org`) or of a member (`card`).
#[derive(Serialize)]
struct ClassificationOut<'a> {
    #[serde(rename = "type")]
    record: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    org: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    card: Option<&'a str>,
    year: i32,
    grade: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<u8>,
}

impl<'a> ClassificationOut<'a> {
    fn new(
        (org, card): (Option<&'a str>, Option<&'a str>),
        c: &Classification,
    ) -> ClassificationOut<'a> {
        ClassificationOut {
            record: "classification",
            org,
            card,
            year: c.year,
            grade: c.grade.as_str(),
            score: c.score,
        }
    }
}

/// A document: Markdown `text`, or a file as base64 `data`.
#[derive(Serialize)]
struct DocumentOut<'a> {
    #[serde(rename = "type")]
    record: &'static str,
    org: &'a str,
    kind: &'static str,
    #[serde(serialize_with = "iso")]
    date: NaiveDate,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    media_type: Option<&'a str>,
    #[serde(serialize_with = "moment")]
    added: NaiveDateTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<String>,
}

#[derive(Serialize)]
struct ApprovalOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_moment")]
    at: Option<NaiveDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    chair: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secretary: Option<&'a str>,
}

impl<'a> ApprovalOut<'a> {
    fn of(approval: &'a Approval) -> Option<ApprovalOut<'a>> {
        (approval != &Approval::default()).then_some(ApprovalOut {
            at: approval.at,
            by: approval.by.as_deref(),
            chair: approval.chair.as_deref(),
            secretary: approval.secretary.as_deref(),
        })
    }
}

#[derive(Serialize)]
struct AmendmentOut<'a> {
    #[serde(serialize_with = "moment")]
    at: NaiveDateTime,
    by: &'a str,
    text: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_iso() {
        let text = |y, m, d| {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            iso(&date, serde_json::value::Serializer).unwrap()
        };
        assert_eq!(text(2026, 11, 7), "2026-11-07");
        assert_eq!(text(958, 1, 31), "0958-01-31");
        assert_eq!(text(9999, 12, 31), "9999-12-31");
    }
}
