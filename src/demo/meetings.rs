//! A year of meetings for every demo branch: the regular meeting each month — mostly on the
//! due day, some a day or two late within the grace period, a few later than that, a few
//! missed — and a thematic meeting each quarter, with every expected member's attendance,
//! guests from the committee above and short minutes in the form the Party prescribes. The
//! current month is held up to `today`; what lies ahead, and the next month, is planned.

use crate::domain::minutes::READ_BACK;
use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate};

use super::orgs::{Discipline, Org, effective_schedule};
use super::people::{People, Person};
use super::plans::{self, Plan};
use super::rng::Rng;
use crate::domain::{
    BranchType, Mark, MeetingKind, MeetingState, MemberStatus, MinutesText, RoleKind, Section,
    YearMonth,
};

/// One meeting as the demo writes it.
#[derive(Debug, Clone)]
pub(super) struct MeetingRecord {
    pub org: String,
    pub kind: MeetingKind,
    pub date: NaiveDate,
    /// The due day, when the meeting was held on another.
    pub planned: Option<NaiveDate>,
    pub attendance: Vec<(String, Mark)>,
    pub excuses: Vec<(String, String)>,
    pub guests: Vec<String>,
    pub topic: Option<String>,
    /// The minutes of a held meeting; a planned one has none yet.
    pub minutes: Option<String>,
    /// Whether the minutes are approved: every held meeting's are, but the one left for
    /// the user to record (see [`UNRECORDED_BRANCH`]).
    pub approved: bool,
    pub state: MeetingState,
    /// Start and end, in minutes after midnight, when the record states them.
    pub time: Option<(i64, i64)>,
    pub place: Option<String>,
    /// What the branch prepared for a regular meeting and sent, when it did.
    pub plan: Option<Plan>,
    /// The chair, minutes secretary and assignments the minutes record.
    pub facts: Facts,
}

/// The facts a held meeting's minutes record as fields: who chaired, who kept the
/// minutes, who does what by when.
#[derive(Debug, Clone, Default)]
pub(super) struct Facts {
    pub chair: Option<String>,
    pub secretary: Option<String>,
    /// Who, what, by when.
    pub assignments: Vec<(String, String, NaiveDate)>,
    /// The members who voted for the resolution: everyone present.
    pub votes_for: Option<usize>,
}

/// The first days of the twelve months before `today`'s month, oldest first.
pub(super) fn demo_months(today: NaiveDate) -> Vec<NaiveDate> {
    let this_month = today.with_day(1).expect("day 1 exists");
    (1..=12)
        .rev()
        .map(|back| this_month - Months::new(back))
        .collect()
}

/// Every meeting of every branch in the twelve months before `today`'s month; `today`'s
/// month as far as it has gone, the rest of it planned; next month planned, with one
/// committee meeting for each commune and ward.
pub(super) fn meetings(
    seed: u64,
    orgs: &[Org],
    people: &People,
    today: NaiveDate,
) -> Vec<MeetingRecord> {
    let book = Book::new(orgs, people);
    let months = demo_months(today);
    let this_month = today.with_day(1).expect("day 1 exists");
    let next_month = this_month + Months::new(1);
    let mut out = Vec::new();
    for org in orgs.iter().filter(|o| o.branch.is_some()) {
        let mut rng = Rng::for_key(seed, &format!("{}/meetings", org.code));
        let branch = BranchYear::new(org, orgs, &book);
        let mut own = Vec::new();
        for &first in &months {
            own.extend(branch.month(&mut rng, &book, first));
        }
        // Drawn after the year, so the year's draws stay as they were.
        own.extend(branch.current_month(&mut rng, &book, this_month, today));
        own.extend(branch.planned_regular(next_month, None));
        for record in own.iter_mut().filter(|m| m.kind == MeetingKind::Regular) {
            // The branch left to record its meeting has next month's plan still to make.
            if org.code == UNRECORDED_BRANCH && record.date >= next_month {
                continue;
            }
            record.plan = Some(branch.plan(seed, record, today));
        }
        out.extend(own);
    }
    out.extend(committee_meetings(orgs, next_month));
    leave_unrecorded(&mut out);
    out
}

/// The branch whose latest meeting is held but not yet recorded: no roll, no minutes, as a
/// secretary finds it the evening after the meeting, ready to take the roll and write.
pub(super) const UNRECORDED_BRANCH: &str = "QN.HL.HG.K2";

fn leave_unrecorded(meetings: &mut [MeetingRecord]) {
    let latest = meetings
        .iter_mut()
        .filter(|m| m.org == UNRECORDED_BRANCH && m.kind == MeetingKind::Regular)
        .filter(|m| m.state == MeetingState::Held)
        .max_by_key(|m| m.date);
    if let Some(meeting) = latest {
        meeting.attendance.clear();
        meeting.excuses.clear();
        meeting.guests.clear();
        meeting.minutes = None;
        meeting.facts = Facts::default();
        meeting.approved = false;
    }
}

/// The committee whose meeting falls on its branches' day, so that the clash warning has
/// something to show.
const CLASHING_COMMITTEE: &str = "QN.HL.HG";

/// One planned meeting of each commune and ward committee in the month starting on `first`.
/// Committees meet a few days before their branches to prepare what the branches discuss,
/// and keep off the days their branches meet — all but [`CLASHING_COMMITTEE`].
fn committee_meetings(orgs: &[Org], first: NaiveDate) -> Vec<MeetingRecord> {
    let last = YearMonth::of(first).last_day();
    orgs.iter()
        .filter(|o| o.exists_in_month(first, last))
        .filter_map(|o| Some((o, o.committee.as_ref()?)))
        .map(|(org, plan)| {
            let own_due = due_in(orgs, &org.code, first);
            let taken = branch_days(orgs, &org.code, first, last);
            let date = if org.code == CLASHING_COMMITTEE {
                own_due
            } else {
                free_weekday_before(own_due, &taken, first, last)
            };
            MeetingRecord {
                org: org.code.clone(),
                kind: MeetingKind::Committee,
                date,
                planned: None,
                attendance: Vec::new(),
                excuses: Vec::new(),
                guests: Vec::new(),
                topic: Some(format!(
                    "Hội nghị Ban Chấp hành Đảng bộ {} tháng {}/{}",
                    plan.place_word,
                    first.month(),
                    first.year()
                )),
                minutes: None,
                approved: false,
                state: MeetingState::Planned,
                time: Some((8 * 60, 10 * 60)),
                place: Some(format!("Hội trường Đảng ủy {}", plan.place_word)),
                facts: Facts::default(),
                plan: None,
            }
        })
        .collect()
}

/// The day `code`'s regular meeting is due in the month starting on `first`.
fn due_in(orgs: &[Org], code: &str, first: NaiveDate) -> NaiveDate {
    let rule = effective_schedule(orgs, code)
        .0
        .expect("every demo organisation inherits a meeting rule");
    rule.due_date(YearMonth::of(first))
}

/// The due days of the branches below `committee` that exist in the month.
fn branch_days(orgs: &[Org], committee: &str, first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let prefix = format!("{committee}.");
    orgs.iter()
        .filter(|o| o.branch.is_some() && o.code.starts_with(&prefix))
        .filter(|o| o.exists_in_month(first, last))
        .map(|o| due_in(orgs, &o.code, first))
        .collect()
}

/// The latest working day at least two days before `due` that no branch meets on, else the
/// first such day from `due` on.
fn free_weekday_before(
    due: NaiveDate,
    taken: &[NaiveDate],
    first: NaiveDate,
    last: NaiveDate,
) -> NaiveDate {
    let free = |d: &NaiveDate| {
        !taken.contains(d) && !matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun)
    };
    let before = first.iter_days().take_while(|d| *d < due - Days::new(1));
    let after = due.iter_days().take_while(|d| *d <= last);
    before
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .chain(after)
        .find(free)
        .expect("a month has a working day free of branch meetings")
}

/// Who is who: members by branch, names, roles and the titles guests are introduced by.
struct Book<'a> {
    members: BTreeMap<&'a str, Vec<&'a Person>>,
    names: BTreeMap<&'a str, &'a str>,
    /// (org, role) → cards, in appointment order.
    roles: BTreeMap<(&'a str, RoleKind), Vec<&'a str>>,
    overseers: BTreeMap<&'a str, Vec<&'a str>>,
    titles: BTreeMap<&'a str, String>,
}

impl<'a> Book<'a> {
    fn new(orgs: &'a [Org], people: &'a People) -> Book<'a> {
        let mut members: BTreeMap<&str, Vec<&Person>> = BTreeMap::new();
        let mut names = BTreeMap::new();
        for person in &people.persons {
            members
                .entry(person.branch.as_str())
                .or_default()
                .push(person);
            names.insert(person.record.card.as_str(), person.record.name.as_str());
        }
        let mut roles: BTreeMap<(&str, RoleKind), Vec<&str>> = BTreeMap::new();
        let mut titles = BTreeMap::new();
        for role in &people.roles {
            roles
                .entry((role.org.as_str(), role.role))
                .or_default()
                .push(role.card.as_str());
            let place = orgs
                .iter()
                .find(|o| o.code == role.org)
                .and_then(|o| o.committee.as_ref())
                .map(|c| c.place_word.as_str());
            if let Some(place) = place {
                titles.insert(role.card.as_str(), committee_title(role.role, place));
            }
        }
        let mut overseers: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for o in &people.oversight {
            overseers
                .entry(o.branch.as_str())
                .or_default()
                .push(o.card.as_str());
        }
        Book {
            members,
            names,
            roles,
            overseers,
            titles,
        }
    }

    fn holder(&self, org: &str, role: RoleKind) -> Option<&'a str> {
        self.roles
            .get(&(org, role))
            .and_then(|c| c.first().copied())
    }

    fn name(&self, card: &str) -> &'a str {
        self.names.get(card).copied().unwrap_or("?")
    }
}

fn committee_title(role: RoleKind, place: &str) -> String {
    match role {
        RoleKind::Secretary => format!("Bí thư Đảng ủy {place}"),
        RoleKind::StandingDeputySecretary => format!("Phó Bí thư Thường trực Đảng ủy {place}"),
        RoleKind::DeputySecretary => format!("Phó Bí thư Đảng ủy {place}"),
        RoleKind::StandingCommitteeMember => format!("Ủy viên Ban Thường vụ Đảng ủy {place}"),
        RoleKind::CommitteeMember => format!("Ủy viên Ban Chấp hành Đảng bộ {place}"),
    }
}

/// One branch, ready to hold its meetings month by month.
struct BranchYear<'a> {
    org: &'a Org,
    discipline: Discipline,
    rule: crate::domain::ScheduleRule,
    grace: u8,
    members: Vec<&'a Person>,
    secretary: Option<&'a str>,
    deputy: Option<&'a str>,
    overseers: Vec<&'a str>,
    /// The secretary of the committee above, who drops in now and then.
    committee_secretary: Option<&'a str>,
    kind: Setting,
}

/// What a branch is built around, as far as its meetings differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setting {
    Town,
    Village,
    School,
    Agency,
    Police,
    Military,
    Firm,
}

/// What became of a month's regular meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    OnTime,
    Early,
    Late,
    OutOfRule,
    Missed,
}

impl<'a> BranchYear<'a> {
    fn new(org: &'a Org, orgs: &[Org], book: &Book<'a>) -> BranchYear<'a> {
        let plan = org.branch.as_ref().expect("a branch");
        let (rule, grace) = effective_schedule(orgs, &org.code);
        let parent = org.parent.as_deref().unwrap_or("");
        BranchYear {
            org,
            discipline: plan.discipline,
            rule: rule.expect("every demo branch inherits a meeting rule"),
            grace,
            members: book
                .members
                .get(org.code.as_str())
                .cloned()
                .unwrap_or_default(),
            secretary: book.holder(&org.code, RoleKind::Secretary),
            deputy: book.holder(&org.code, RoleKind::DeputySecretary),
            overseers: book
                .overseers
                .get(org.code.as_str())
                .cloned()
                .unwrap_or_default(),
            committee_secretary: book.holder(parent, RoleKind::Secretary),
            kind: setting(org),
        }
    }

    /// The meetings of the month starting on `first`: the regular one unless missed, and the
    /// quarter's thematic one in the middle month of each quarter.
    fn month(&self, rng: &mut Rng, book: &Book, first: NaiveDate) -> Vec<MeetingRecord> {
        let last = YearMonth::of(first).last_day();
        if !self.org.exists_in_month(first, last) {
            return Vec::new();
        }
        let due = self.rule.due_date(YearMonth::of(first));
        let held_on = self.regular_date(rng, due, last);
        let thematic_month = first.month() % 3 == 2;
        let skips_theme = match self.discipline {
            Discipline::Exemplary => false,
            Discipline::Ordinary => rng.chance(0.05),
            Discipline::Lax => rng.chance(0.25),
        };
        let theme_due = thematic_month && !skips_theme;
        // Most branches hold the quarter's theme together with the regular meeting.
        let combined = theme_due && held_on.is_some() && rng.chance(0.6);
        let hours = self.hours(rng, combined);
        let regular = held_on.map(|date| {
            let held = self.hold(rng, date);
            let (minutes, facts) = self.regular_minutes(rng, book, &held, first, &hours);
            MeetingRecord {
                org: self.org.code.clone(),
                kind: MeetingKind::Regular,
                date,
                planned: (date != due).then_some(due),
                attendance: held.marks,
                excuses: held.excuses,
                guests: held.guests,
                topic: None,
                minutes: Some(minutes),
                approved: true,
                state: MeetingState::Held,
                time: Some((hours.from, hours.until)),
                place: Some(capitalised(self.venue())),
                plan: None,
                facts,
            }
        });
        let mut out = Vec::new();
        if theme_due {
            let together = regular.as_ref().filter(|_| combined);
            out.push(self.thematic(rng, book, together, due, last, &hours));
        }
        out.extend(regular);
        out.sort_by_key(|m| (m.date, m.kind != MeetingKind::Regular));
        out
    }

    /// `today`'s month, drawn as any other: what would have been held by `today` is held;
    /// a regular meeting drawn for a later day is planned for it; a branch whose due day is
    /// still ahead plans on it. What is neither stays unheld, and overdue once grace is past.
    fn current_month(
        &self,
        rng: &mut Rng,
        book: &Book,
        first: NaiveDate,
        today: NaiveDate,
    ) -> Vec<MeetingRecord> {
        let last = YearMonth::of(first).last_day();
        if !self.org.exists_in_month(first, last) {
            return Vec::new();
        }
        let due = self.rule.due_date(YearMonth::of(first));
        let drawn = self.month(rng, book, first);
        if due > today {
            let held_apart = drawn
                .into_iter()
                .filter(|m| m.date <= today && m.kind != MeetingKind::Regular);
            return held_apart
                .chain(self.planned_regular(first, None))
                .collect();
        }
        drawn
            .into_iter()
            .filter_map(|m| match m.date {
                date if date <= today => Some(m),
                date if m.kind == MeetingKind::Regular => self.planned_regular(first, Some(date)),
                _ => None,
            })
            .collect()
    }

    /// The regular meeting of the month starting on `first`, planned for its due day or, when
    /// the branch has moved it, for `moved_to`; at the branch's usual hour, for two hours.
    fn planned_regular(
        &self,
        first: NaiveDate,
        moved_to: Option<NaiveDate>,
    ) -> Option<MeetingRecord> {
        let last = YearMonth::of(first).last_day();
        if !self.org.exists_in_month(first, last) {
            return None;
        }
        let due = self.rule.due_date(YearMonth::of(first));
        let date = moved_to.unwrap_or(due);
        let start = self.start_of_day();
        Some(MeetingRecord {
            org: self.org.code.clone(),
            kind: MeetingKind::Regular,
            date,
            planned: (date != due).then_some(due),
            attendance: Vec::new(),
            excuses: Vec::new(),
            guests: Vec::new(),
            topic: Some(capitalised(seasonal_task(self.kind, first.month()))),
            minutes: None,
            approved: false,
            state: MeetingState::Planned,
            time: Some((start, start + 120)),
            place: Some(capitalised(self.venue())),
            facts: Facts::default(),
            plan: None,
        })
    }

    fn regular_date(&self, rng: &mut Rng, due: NaiveDate, last: NaiveDate) -> Option<NaiveDate> {
        let outcome = *rng.pick_weighted(match self.discipline {
            Discipline::Exemplary => &[(Outcome::OnTime, 92), (Outcome::Late, 8)][..],
            Discipline::Ordinary => &[
                (Outcome::OnTime, 80),
                (Outcome::Early, 2),
                (Outcome::Late, 10),
                (Outcome::OutOfRule, 4),
                (Outcome::Missed, 4),
            ][..],
            Discipline::Lax => &[
                (Outcome::OnTime, 58),
                (Outcome::Early, 2),
                (Outcome::Late, 18),
                (Outcome::OutOfRule, 10),
                (Outcome::Missed, 12),
            ][..],
        });
        let grace = i64::from(self.grace);
        let shifted = |days: i64| {
            let day = if days < 0 {
                due - Days::new(days.unsigned_abs())
            } else {
                due + Days::new(days as u64)
            };
            (day.month() == due.month()).then_some(day)
        };
        match outcome {
            Outcome::OnTime => Some(due),
            Outcome::Early => shifted(-1).or(Some(due)),
            Outcome::Late if grace > 0 => shifted(rng.between(1, grace)).or(Some(due)),
            Outcome::Late => Some(due),
            Outcome::OutOfRule => shifted(grace + rng.between(1, 6)).filter(|d| *d <= last),
            Outcome::Missed => None,
        }
    }

    /// The plan of regular meeting `record`, from its own random stream.
    fn plan(&self, seed: u64, record: &MeetingRecord, today: NaiveDate) -> Plan {
        let first_planned = record.planned.unwrap_or(record.date);
        let key = format!("{}/plan/{first_planned}", self.org.code);
        let meeting = plans::Meeting {
            day: record.date,
            first_planned,
            branch_name: &self.org.name,
            task: seasonal_task(self.kind, first_planned.month()),
            drafter: self.deputy.or(self.secretary),
        };
        plans::draw(
            &mut Rng::for_key(seed, &key),
            self.discipline,
            &meeting,
            today,
        )
    }

    /// Who came, who sent apologies and why, who stayed away, and who came from above.
    fn hold(&self, rng: &mut Rng, date: NaiveDate) -> Held {
        let mut held = Held::default();
        for person in &self.members {
            let card = person.record.card.as_str();
            if person.record.admitted.is_some_and(|a| a > date) {
                continue;
            }
            let mark = match person.record.status_on(date) {
                MemberStatus::Active if Some(card) == self.secretary => Mark::Present,
                MemberStatus::Active => {
                    let roll = rng.unit();
                    if roll < person.habits.absent {
                        Mark::Absent
                    } else if roll < person.habits.absent + person.habits.excused {
                        held.excuses
                            .push((card.to_string(), excuse(rng, person, self.kind, date)));
                        Mark::Excused
                    } else {
                        Mark::Present
                    }
                }
                // Exempt members may still come; when they do, they are recorded.
                MemberStatus::Exempt if person.habits.comes_while_exempt && rng.chance(0.4) => {
                    held.exempt_present += 1;
                    Mark::Present
                }
                // Marked exempt, so the month's figures count them with the branch's exempt.
                MemberStatus::Exempt | MemberStatus::TemporarilyExempt => {
                    held.exempt += 1;
                    held.marks.push((card.to_string(), Mark::Exempt));
                    continue;
                }
                _ => continue,
            };
            if person.record.probationary_on(date) {
                held.probationary += 1;
            }
            held.marks.push((card.to_string(), mark));
        }
        held.on_roll = held.marks.len();
        held.guests = self.guests(rng);
        held
    }

    /// The branch's overseer comes most months (Quarter 2's every month); the committee's
    /// secretary now and then.
    fn guests(&self, rng: &mut Rng) -> Vec<String> {
        let mut guests = Vec::new();
        let faithful = self.org.code == "QN.HL.HG.K2";
        for overseer in &self.overseers {
            if rng.chance(if faithful { 0.92 } else { 0.45 }) {
                guests.push(overseer.to_string());
            }
        }
        // Guests come from outside: the committee's secretary is a member of one of its
        // branches and does not visit that one.
        let member_here = |card: &str| self.members.iter().any(|p| p.record.card == card);
        if let Some(secretary) = self.committee_secretary.filter(|s| !member_here(s))
            && rng.chance(0.06)
            && !guests.iter().any(|g| g == secretary)
        {
            guests.push(secretary.to_string());
        }
        guests
    }

    /// The quarter's thematic meeting: held with the regular one (`together`, same people in
    /// the room) or on a day of its own a week or two after the due day.
    fn thematic(
        &self,
        rng: &mut Rng,
        book: &Book,
        together: Option<&MeetingRecord>,
        due: NaiveDate,
        last: NaiveDate,
        hours: &Session,
    ) -> MeetingRecord {
        let topic = THEMES[(due.month0() as usize / 3 + self.org.code.len()) % THEMES.len()];
        let (date, held, hours) = match together {
            Some(r) => (
                r.date,
                Held::from_record(r, &self.members, r.date),
                hours.clone(),
            ),
            None => {
                let day = (due + Days::new(rng.between(8, 16) as u64)).min(last);
                (day, self.hold(rng, day), self.hours(rng, false))
            }
        };
        let (minutes, facts) = self.thematic_minutes(rng, book, &held, topic, &hours);
        MeetingRecord {
            org: self.org.code.clone(),
            kind: MeetingKind::Thematic,
            date,
            planned: None,
            attendance: held.marks,
            excuses: held.excuses,
            guests: held.guests,
            topic: Some(topic.0.to_string()),
            minutes: Some(minutes),
            approved: true,
            state: MeetingState::Held,
            time: Some((hours.from, hours.until)),
            place: Some(capitalised(self.venue())),
            plan: None,
            facts,
        }
    }

    /// Who chairs: the branch's secretary, when it has one.
    fn chair(&self, book: &Book) -> Option<String> {
        self.secretary.map(|card| book.name(card).to_string())
    }

    /// The minutes clerk: the deputy when present, otherwise any member present.
    fn clerk(&self, rng: &mut Rng, book: &Book, held: &Held) -> Option<String> {
        let present: Vec<&str> = held
            .marks
            .iter()
            .filter(|(c, m)| *m == Mark::Present && Some(c.as_str()) != self.secretary)
            .map(|(c, _)| c.as_str())
            .collect();
        let clerk = self
            .deputy
            .filter(|d| present.contains(d))
            .or_else(|| (!present.is_empty()).then(|| *rng.pick(&present)));
        clerk.map(|card| book.name(card).to_string())
    }

    fn regular_minutes(
        &self,
        rng: &mut Rng,
        book: &Book,
        held: &Held,
        first: NaiveDate,
        session: &Session,
    ) -> (String, Facts) {
        let previous = first - Months::new(1);
        let mut tasks = vec![seasonal_task(self.kind, first.month())];
        tasks.push(*rng.pick(routine_tasks(self.kind)));
        let feedback = *rng.pick(feedback_pool(self.kind));
        let review = *rng.pick(REVIEWS);
        let criticism = if held.count(Mark::Absent) > 0 {
            "Chi bộ nhắc nhở đảng viên vắng sinh hoạt không có lý do."
        } else {
            "Đảng viên nghiêm túc tự phê bình và phê bình; không có đảng viên vi phạm."
        };
        let votes = held
            .marks
            .iter()
            .filter(|(_, m)| *m == Mark::Present)
            .count();
        let chair = self.chair(book);
        let facts = Facts {
            secretary: self.clerk(rng, book, held),
            assignments: match &chair {
                Some(who) => {
                    let deadline = YearMonth::of(first).last_day();
                    let rows = tasks
                        .iter()
                        .map(|task| (who.clone(), task.to_string(), deadline));
                    rows.collect()
                }
                None => Vec::new(),
            },
            chair,
            votes_for: Some(votes),
        };
        let mut minutes = MinutesText::default();
        minutes.set(Section::Opening, opening_notes(session, book, &held.guests));
        minutes.set(
            Section::News,
            "Thông tin thời sự; quán triệt văn bản chỉ đạo của cấp trên.",
        );
        minutes.set(
            Section::Review,
            format!(
                "Kiểm điểm thực hiện nghị quyết tháng {}/{}: {review}.",
                previous.month(),
                previous.year()
            ),
        );
        minutes.set(
            Section::Tasks,
            format!(
                "Nhiệm vụ tháng {}/{}: {}.",
                first.month(),
                first.year(),
                tasks.join("; ")
            ),
        );
        minutes.set(
            Section::Opinions,
            format!("Phản ánh, góp ý với cấp trên: {feedback}."),
        );
        minutes.set(Section::Criticism, criticism);
        minutes.set(
            Section::Resolution,
            format!(
                "Chi bộ thống nhất thông qua nghị quyết tháng {}/{}.",
                first.month(),
                first.year()
            ),
        );
        minutes.set(Section::Closing, READ_BACK);
        (minutes.to_text(), facts)
    }

    fn thematic_minutes(
        &self,
        rng: &mut Rng,
        book: &Book,
        held: &Held,
        (topic, conclusion): (&str, &str),
        session: &Session,
    ) -> (String, Facts) {
        // The deputy presents the theme when present, else the secretary.
        let speaker = self
            .deputy
            .filter(|d| held.is_present(d))
            .or(self.secretary)
            .map_or("đồng chí Bí thư Chi bộ".to_string(), |c| {
                format!("đồng chí {}", book.name(c))
            });
        let together = if session.combined {
            " (kết hợp với sinh hoạt thường kỳ)"
        } else {
            ""
        };
        let facts = Facts {
            chair: self.chair(book),
            secretary: self.clerk(rng, book, held),
            assignments: Vec::new(),
            votes_for: None,
        };
        let text = [
            format!("Sinh hoạt chuyên đề{together}: {topic}."),
            guests_line(book, &held.guests),
            format!("Trình bày chuyên đề: {speaker}."),
            format!(
                "Thảo luận: {} ý kiến, liên hệ với thực tế của {}.",
                rng.between(3, 9),
                self.unit_word()
            ),
            format!("Kết luận: {conclusion}"),
        ]
        .into_iter()
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
        (text, facts)
    }

    /// Start and end as the minutes write them. At least 90 minutes, 120 when a thematic
    /// meeting is held with the regular one — except that lax branches sometimes cut it short.
    fn hours(&self, rng: &mut Rng, combined: bool) -> Session {
        let start = self.start_of_day() - if combined { 30 } else { 0 };
        let minimum = if combined { 120 } else { 90 };
        let length = if self.discipline == Discipline::Lax && rng.chance(0.2) {
            minimum - 15 * rng.between(1, 2)
        } else {
            minimum + 5 * rng.between(0, 6)
        };
        Session {
            from: start,
            until: start + length,
            combined,
        }
    }

    /// When the branch usually starts, in minutes after midnight: residents in the evening,
    /// schools and firms after the working day, agencies and forces in working hours.
    fn start_of_day(&self) -> i64 {
        match self.kind {
            Setting::Town | Setting::Village => 19 * 60 + 30,
            Setting::School | Setting::Firm => 16 * 60 + 30,
            _ => 14 * 60,
        }
    }

    fn venue(&self) -> &str {
        &self.org.branch.as_ref().expect("a branch").venue
    }

    fn unit_word(&self) -> &'static str {
        match self.kind {
            Setting::Town => "khu dân cư",
            Setting::Village => "thôn",
            Setting::School => "nhà trường",
            Setting::Firm => "doanh nghiệp",
            _ => "cơ quan, đơn vị",
        }
    }
}

fn setting(org: &Org) -> Setting {
    let village = org
        .code
        .rsplit('.')
        .next()
        .is_some_and(|c| c.starts_with("TH"))
        && org.branch_type == Some(BranchType::Residential);
    match org.branch_type {
        Some(BranchType::Residential) if village => Setting::Village,
        Some(BranchType::Residential) => Setting::Town,
        Some(BranchType::School) => Setting::School,
        Some(BranchType::Enterprise) => Setting::Firm,
        Some(BranchType::ArmedForces) if org.name.contains("Công an") => Setting::Police,
        Some(BranchType::ArmedForces) => Setting::Military,
        _ => Setting::Agency,
    }
}

/// "nhà văn hóa khu 2" → "Nhà văn hóa khu 2": a place or a topic standing on its own.
pub(super) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// What a regular meeting's opening says beyond its facts and roll: that the quarter's
/// theme was held with it, and the titles of the guests from above.
fn opening_notes(session: &Session, book: &Book, guests: &[String]) -> String {
    let together = session
        .combined
        .then(|| "Sinh hoạt thường kỳ kết hợp sinh hoạt chuyên đề.".to_string());
    let lines = together.into_iter().chain([guests_line(book, guests)]);
    lines
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// When a meeting started and ended, as its minutes write them, and whether the regular and
/// the thematic meeting were held together.
#[derive(Debug, Clone)]
struct Session {
    /// Start and end, in minutes after midnight.
    from: i64,
    until: i64,
    combined: bool,
}

/// The marks of one meeting, and the counts its minutes report.
#[derive(Debug, Default)]
struct Held {
    marks: Vec<(String, Mark)>,
    excuses: Vec<(String, String)>,
    guests: Vec<String>,
    /// Members on the roll that day (expected, plus exempt whether they came or not).
    on_roll: usize,
    probationary: usize,
    /// Exempt and temporarily exempt members who did not come.
    exempt: usize,
    /// Exempt members who came all the same (marked present).
    exempt_present: usize,
}

impl Held {
    /// The marks of a meeting already held the same day (a thematic meeting held together
    /// with the regular one has the same people in the room).
    fn from_record(record: &MeetingRecord, members: &[&Person], date: NaiveDate) -> Held {
        let mut held = Held {
            marks: record.attendance.clone(),
            excuses: record.excuses.clone(),
            guests: record.guests.clone(),
            ..Held::default()
        };
        for person in members {
            if person.record.admitted.is_some_and(|a| a > date) {
                continue;
            }
            // Marked as anything but exempt: expected, or exempt and came all the same.
            let marked = held
                .marks
                .iter()
                .any(|(c, m)| *c == person.record.card && *m != Mark::Exempt);
            match person.record.status_on(date) {
                MemberStatus::Exempt if marked => held.exempt_present += 1,
                MemberStatus::Exempt | MemberStatus::TemporarilyExempt => held.exempt += 1,
                _ => {}
            }
            if marked && person.record.probationary_on(date) {
                held.probationary += 1;
            }
        }
        held.on_roll = held.marks.len();
        held
    }

    fn is_present(&self, card: &str) -> bool {
        self.marks
            .iter()
            .any(|(c, m)| c == card && *m == Mark::Present)
    }

    fn count(&self, mark: Mark) -> usize {
        self.marks.iter().filter(|(_, m)| *m == mark).count()
    }
}

fn guests_line(book: &Book, guests: &[String]) -> String {
    if guests.is_empty() {
        return String::new();
    }
    let named: Vec<String> = guests
        .iter()
        .map(|card| match book.titles.get(card.as_str()) {
            Some(title) => format!("đồng chí {}, {title}", book.name(card)),
            None => format!("đồng chí {}", book.name(card)),
        })
        .collect();
    format!("Dự sinh hoạt: {}.", named.join("; "))
}

/// Why a member sent apologies, as a minutes book would put it.
fn excuse(rng: &mut Rng, person: &Person, setting: Setting, date: NaiveDate) -> String {
    let old = person
        .record
        .born
        .is_some_and(|b| date.year() - b.year() >= 65);
    let reasons: &[&str] = match setting {
        _ if old => &[
            "ốm",
            "đi khám bệnh",
            "sức khỏe yếu",
            "việc gia đình",
            "đi thăm con",
        ],
        Setting::Town | Setting::Village => &[
            "đi công tác",
            "đi làm ca",
            "ốm",
            "việc gia đình",
            "con ốm",
            "đi công tác xa",
        ],
        Setting::Police | Setting::Military => &["làm nhiệm vụ", "đi tập huấn", "ốm", "nghỉ phép"],
        _ => &["đi công tác", "đi học", "ốm", "nghỉ phép", "con ốm"],
    };
    rng.pick(reasons).to_string()
}

/// Quarterly themes and the conclusion a branch draws from each.
const THEMES: &[(&str, &str)] = &[
    (
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "mỗi đảng viên đăng ký một việc làm cụ thể để học tập và làm theo Bác; chi ủy kiểm tra vào cuối quý.",
    ),
    (
        "Trách nhiệm nêu gương của cán bộ, đảng viên",
        "đảng viên gương mẫu chấp hành quy định nơi công tác và nơi cư trú, vận động gia đình cùng thực hiện.",
    ),
    (
        "Bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái, thù địch",
        "không chia sẻ thông tin chưa được kiểm chứng; kịp thời báo cáo chi ủy những thông tin xấu, độc trên mạng xã hội.",
    ),
    (
        "Chuyển đổi số, hướng dẫn nhân dân sử dụng dịch vụ công trực tuyến",
        "mỗi đảng viên hướng dẫn ít nhất hai hộ gia đình sử dụng dịch vụ công trực tuyến.",
    ),
    (
        "Công tác phát triển đảng viên",
        "chi bộ giới thiệu quần chúng ưu tú tham dự lớp bồi dưỡng nhận thức về Đảng.",
    ),
    (
        "Phòng, chống tham nhũng, lãng phí, tiêu cực",
        "thực hành tiết kiệm; công khai các khoản đóng góp của nhân dân.",
    ),
];

const REVIEWS: &[&str] = &[
    "các nhiệm vụ cơ bản hoàn thành",
    "hoàn thành tốt các nhiệm vụ đề ra",
    "thu đảng phí đạt 100%",
    "một số nhiệm vụ còn chậm, cần tiếp tục chỉ đạo",
];

/// The task of the season: holidays, storms, the farming calendar, the school year.
fn seasonal_task(setting: Setting, month: u32) -> &'static str {
    match setting {
        Setting::Village => match month {
            1 | 2 => "chỉ đạo gieo cấy vụ chiêm xuân đúng khung thời vụ",
            6 | 7 => "thu hoạch vụ xuân, gieo cấy vụ mùa",
            9 | 10 => "phát triển cây vụ đông",
            _ => seasonal_task(Setting::Town, month),
        },
        Setting::School => match month {
            12 | 1 => "kiểm tra, đánh giá cuối học kỳ I",
            5 => "tổng kết năm học, xét lên lớp và tốt nghiệp",
            6 | 7 => "tổ chức bồi dưỡng chính trị hè cho giáo viên",
            8 => "chuẩn bị khai giảng năm học mới",
            _ => "nâng cao chất lượng dạy và học, bồi dưỡng học sinh giỏi",
        },
        Setting::Town => match month {
            1 => {
                "chuẩn bị đón Tết Nguyên đán an toàn, tiết kiệm; thăm hỏi, tặng quà gia đình chính sách, hộ khó khăn"
            }
            2 => "tổ chức mừng Đảng, mừng Xuân; giữ gìn an ninh trật tự sau Tết",
            3 => "hưởng ứng Tết trồng cây; tham gia các hoạt động kỷ niệm ngày 8/3 và 26/3",
            4 => {
                "tổ chức các hoạt động kỷ niệm ngày Giải phóng miền Nam 30/4 và Quốc tế Lao động 1/5"
            }
            5 => {
                "kỷ niệm ngày sinh Chủ tịch Hồ Chí Minh 19/5; chuẩn bị phương án phòng chống mưa bão"
            }
            6 => {
                "tổ chức hoạt động hè cho thiếu nhi; kiểm tra các hộ ở khu vực có nguy cơ sạt lở, ngập úng"
            }
            7 => "thăm hỏi gia đình thương binh, liệt sĩ nhân ngày 27/7; phòng chống mưa bão",
            8 => "kỷ niệm Cách mạng Tháng Tám và Quốc khánh 2/9",
            9 => "tổ chức Tết Trung thu cho thiếu nhi; khắc phục hậu quả mưa bão",
            10 => {
                "vận động ủng hộ Quỹ Vì người nghèo; kỷ niệm ngày thành lập Hội Liên hiệp Phụ nữ Việt Nam 20/10"
            }
            11 => {
                "tổ chức Ngày hội Đại đoàn kết toàn dân tộc ở khu dân cư; chuẩn bị kiểm điểm, đánh giá đảng viên cuối năm"
            }
            _ => {
                "kiểm điểm, đánh giá, xếp loại chất lượng đảng viên năm; kỷ niệm ngày thành lập Quân đội nhân dân Việt Nam 22/12"
            }
        },
        _ => match month {
            12 => "kiểm điểm, đánh giá, xếp loại chất lượng đảng viên năm",
            1 => "triển khai nhiệm vụ năm mới; bảo đảm trực Tết",
            _ => "hoàn thành nhiệm vụ chuyên môn của tháng",
        },
    }
}

fn routine_tasks(setting: Setting) -> &'static [&'static str] {
    match setting {
        Setting::Town | Setting::Village => &[
            "thu đảng phí đầy đủ, đúng kỳ hạn",
            "vận động nhân dân giữ gìn vệ sinh môi trường, phân loại rác tại nguồn",
            "giữ gìn an ninh trật tự, phòng chống tội phạm và tệ nạn xã hội",
            "hướng dẫn nhân dân sử dụng dịch vụ công trực tuyến",
            "rà soát, bồi dưỡng quần chúng ưu tú để phát triển đảng viên",
            "phòng chống cháy nổ trong khu dân cư",
        ],
        Setting::School => &[
            "thực hiện nghiêm quy chế chuyên môn",
            "giữ gìn kỷ cương, nề nếp trường học",
            "thu đảng phí đầy đủ, đúng kỳ hạn",
        ],
        Setting::Police => &[
            "bảo đảm an ninh trật tự trên địa bàn",
            "tuần tra, kiểm soát, xử lý vi phạm trật tự an toàn giao thông",
        ],
        Setting::Military => &[
            "duy trì nghiêm chế độ trực sẵn sàng chiến đấu",
            "huấn luyện lực lượng dân quân",
        ],
        Setting::Firm => &[
            "bảo đảm việc làm, thu nhập cho người lao động",
            "hoàn thành kế hoạch sản xuất, giao hàng đúng hạn",
            "vận động công nhân tham gia lớp bồi dưỡng nhận thức về Đảng",
        ],
        Setting::Agency => &[
            "đẩy mạnh cải cách hành chính, giải quyết hồ sơ đúng hạn",
            "thực hành tiết kiệm, chống lãng phí",
            "thu đảng phí đầy đủ, đúng kỳ hạn",
        ],
    }
}

/// The standing item "Feedback to the committee above": often nothing, sometimes a local matter.
fn feedback_pool(setting: Setting) -> &'static [&'static str] {
    match setting {
        Setting::Town => &[
            "không có ý kiến",
            "không có ý kiến",
            "không có ý kiến",
            "đề nghị sửa chữa đèn chiếu sáng trong các ngõ",
            "đề nghị nạo vét rãnh thoát nước trước mùa mưa bão",
            "đề nghị tăng cường xử lý lấn chiếm vỉa hè",
            "đề nghị sớm hướng dẫn thủ tục cấp đổi giấy tờ sau sắp xếp đơn vị hành chính",
        ],
        Setting::Village => &[
            "không có ý kiến",
            "không có ý kiến",
            "không có ý kiến",
            "đề nghị sửa chữa đường giao thông nội đồng",
            "đề nghị hỗ trợ giống cây vụ đông",
            "đề nghị nạo vét kênh mương trước mùa mưa",
        ],
        _ => &[
            "không có ý kiến",
            "không có ý kiến",
            "không có ý kiến",
            "đề nghị bổ sung trang thiết bị làm việc",
            "đề nghị tổ chức tập huấn nghiệp vụ công tác đảng cho chi ủy",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_year_is_the_twelve_months_before_today() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let months = demo_months(today);
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], NaiveDate::from_ymd_opt(2025, 11, 1).unwrap());
        assert_eq!(months[11], NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
    }
}
