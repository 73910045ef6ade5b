//! The members of every demo branch, their dated statuses, the committee roles and the
//! oversight assignments.
//!
//! Three people are named as the press named them, in the roles it gave them: Phạm Ngọc
//! Đường, secretary of the Branch of Quarter 2 (with the record the data format uses as its
//! example); Hoàng Anh, standing deputy secretary of the Hồng Gai ward committee, who attends
//! Quarter 2 every month; and Lý Văn Bình, standing deputy secretary of the former Bình Liêu
//! district committee. Everyone else, and every date not given by the press, is invented.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, Months, NaiveDate};

use super::names::full_name;
use super::orgs::{BranchPlan, Exemption, Org, Population};
use super::rng::Rng;
use crate::domain::{Member, MemberId, MemberStatus, OrgId, RoleKind, Sex, StatusChange};

/// One member as the demo writes it. The domain record answers "what was this member's
/// status on that day" exactly as the store will; its ids are placeholders.
#[derive(Debug, Clone)]
pub(super) struct Person {
    pub record: Member,
    pub branch: String,
    pub cell: Option<String>,
    pub habits: Habits,
}

/// How a member tends to attend.
#[derive(Debug, Clone, Copy)]
pub(super) struct Habits {
    /// Chance of missing a meeting without leave.
    pub absent: f64,
    /// Chance of missing one with leave.
    pub excused: f64,
    /// An exempt member who still comes now and then.
    pub comes_while_exempt: bool,
}

/// A committee role held from a date.
#[derive(Debug, Clone)]
pub(super) struct Appointment {
    pub card: String,
    pub org: String,
    pub role: RoleKind,
    pub from: NaiveDate,
}

/// A committee member assigned to oversee and attend a branch.
#[derive(Debug, Clone)]
pub(super) struct Assignment {
    pub card: String,
    pub branch: String,
    pub from: NaiveDate,
}

/// Everyone, with their roles and assignments.
#[derive(Debug, Default)]
pub(super) struct People {
    pub persons: Vec<Person>,
    pub roles: Vec<Appointment>,
    pub oversight: Vec<Assignment>,
}

/// A person the press names, and where the demo puts them.
struct Notable {
    card: &'static str,
    name: &'static str,
    sex: Option<Sex>,
    /// Born, admitted, made full member, when known; otherwise the birth date stays unknown
    /// and the admission dates are invented.
    dates: Option<[&'static str; 3]>,
    cell: Option<&'static str>,
    seat: Seat,
}

enum Seat {
    /// Holds this role in this organisation, from the date given or the term's start.
    Role {
        org: &'static str,
        role: RoleKind,
        from: Option<&'static str>,
    },
    /// A member of this branch who held this role in an organisation since dissolved.
    FormerRole {
        branch: &'static str,
        org: &'static str,
        role: RoleKind,
        from: &'static str,
    },
}

const NOTABLES: &[Notable] = &[
    Notable {
        card: "48123456",
        name: "Phạm Ngọc Đường",
        sex: Some(Sex::Male),
        dates: Some(["1958-03-02", "1984-05-19", "1985-05-19"]),
        cell: Some("QN.HL.HG.K2.T1"),
        seat: Seat::Role {
            org: "QN.HL.HG.K2",
            role: RoleKind::Secretary,
            from: None,
        },
    },
    Notable {
        card: "48120001",
        name: "Hoàng Anh",
        sex: None,
        dates: None,
        cell: None,
        seat: Seat::Role {
            org: "QN.HL.HG",
            role: RoleKind::StandingDeputySecretary,
            from: Some("2022-09-01"),
        },
    },
    Notable {
        card: "48120002",
        name: "Lý Văn Bình",
        sex: Some(Sex::Male),
        dates: None,
        cell: None,
        seat: Seat::FormerRole {
            branch: "QN.BL.BL.CQ",
            org: "QN.BL",
            role: RoleKind::StandingDeputySecretary,
            from: "2020-08-01",
        },
    },
];

/// Branch congresses of the 2025–2027 term were held from April to June 2025.
const BRANCH_TERM: (i32, u32, u32) = (2025, 4, 10);
/// The commune and ward committees formed with the new communes on 1 July 2025.
const COMMITTEE_TERM: (i32, u32, u32) = (2025, 7, 1);

/// Everyone in the demo's branches, as of `today`, with a history that covers the year
/// starting on `year_start`.
pub(super) fn people(seed: u64, orgs: &[Org], today: NaiveDate, year_start: NaiveDate) -> People {
    let mut cards = Cards::default();
    for notable in NOTABLES {
        cards.reserve(notable.card);
    }
    let mut people = People::default();
    for org in orgs {
        if let Some(plan) = &org.branch {
            let mut rng = Rng::for_key(seed, &org.code);
            let start = people.persons.len();
            let members = branch_members(&mut rng, org, plan, today, year_start, &mut cards);
            people.persons.extend(members);
            let term = clamp(term_start(&mut rng, BRANCH_TERM, 70), year_start);
            people.appoint_branch_committee(&mut rng, org, start, today, year_start, term);
        }
    }
    for org in orgs.iter().filter(|o| o.committee.is_some()) {
        let mut rng = Rng::for_key(seed, &format!("{}/committee", org.code));
        let term = clamp(date(COMMITTEE_TERM), year_start);
        people.appoint_commune_committee(&mut rng, org, orgs, today, year_start, term);
        people.assign_oversight(org, orgs);
    }
    people.seat_former_office_holders(seed, year_start);
    people
}

/// The cards already given out, so every card is issued once.
#[derive(Default)]
struct Cards(BTreeSet<String>);

impl Cards {
    fn reserve(&mut self, card: &str) {
        self.0.insert(card.to_string());
    }

    /// An 8-digit card number starting with `prefix`.
    fn issue(&mut self, rng: &mut Rng, prefix: u32) -> String {
        loop {
            let card = format!("{prefix:02}{:06}", rng.below(1_000_000));
            if self.0.insert(card.clone()) {
                return card;
            }
        }
    }
}

fn date((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn iso(text: &str) -> NaiveDate {
    crate::domain::date::parse_iso(text).expect("a well-formed date")
}

/// A day within `spread` days after `start`.
fn term_start(rng: &mut Rng, start: (i32, u32, u32), spread: i64) -> NaiveDate {
    date(start) + Days::new(rng.between(0, spread) as u64)
}

/// Roles must already be held when the demo year starts, whatever `today` is.
fn clamp(day: NaiveDate, year_start: NaiveDate) -> NaiveDate {
    day.min(year_start - Days::new(1))
}

fn years_before(day: NaiveDate, years: i64) -> NaiveDate {
    day.checked_sub_months(Months::new(years as u32 * 12))
        .expect("within chrono's range")
}

fn age_on(born: NaiveDate, day: NaiveDate) -> i32 {
    let had_birthday = (day.month(), day.day()) >= (born.month(), born.day());
    day.year() - born.year() - i32::from(!had_birthday)
}

/// Members of one branch: generated people, then exemptions and the year's changes.
fn branch_members(
    rng: &mut Rng,
    org: &Org,
    plan: &BranchPlan,
    today: NaiveDate,
    year_start: NaiveDate,
    cards: &mut Cards,
) -> Vec<Person> {
    let mut members: Vec<Person> = (0..plan.size)
        .map(|i| {
            let cell = (plan.cells > 0).then(|| org.cell_code(i * plan.cells / plan.size + 1));
            person(rng, org, plan, cell, today, cards)
        })
        .collect();
    match plan.exempt {
        Exemption::Exactly(n) => exempt_exactly(rng, &mut members, n, year_start),
        Exemption::ByAge => exempt_by_age(rng, &mut members, year_start),
        Exemption::None => {}
    }
    if !exact_roll(plan) {
        year_of_changes(rng, &mut members, plan, today, year_start);
    }
    members
}

/// A branch whose figures come from the press keeps exactly those figures.
fn exact_roll(plan: &BranchPlan) -> bool {
    matches!(plan.exempt, Exemption::Exactly(_))
}

fn person(
    rng: &mut Rng,
    org: &Org,
    plan: &BranchPlan,
    cell: Option<String>,
    today: NaiveDate,
    cards: &mut Cards,
) -> Person {
    let (ages, women, admission_ages) = match plan.population {
        Population::Residents => (
            *rng.pick_weighted(&[
                ((24, 39), 18),
                ((40, 59), 30),
                ((60, 74), 32),
                ((75, 92), 20),
            ]),
            0.42,
            (18, 36),
        ),
        Population::Staff { women } => ((24, 58), women, (20, 30)),
    };
    let age = rng.between(ages.0, ages.1);
    let born = years_before(today, age) - Days::new(rng.between(0, 364) as u64);
    let sex = if rng.chance(women) {
        Sex::Female
    } else {
        Sex::Male
    };
    let admission_age = rng.between(admission_ages.0, admission_ages.1.min(age - 2));
    let latest_admission = today - Days::new(400);
    let admitted = (born
        .checked_add_months(Months::new(admission_age as u32 * 12))
        .expect("within range")
        + Days::new(rng.between(0, 364) as u64))
    .min(latest_admission);
    let slack = rng.chance(1.0 / 40.0);
    let excused = match plan.population {
        Population::Residents if age < 60 => 0.09,
        Population::Residents => 0.05,
        Population::Staff { .. } => 0.05,
    };
    Person {
        record: Member {
            id: MemberId(0),
            card: cards.issue(rng, plan.card_prefix),
            name: full_name(rng, sex, born.year(), plan.style),
            sex: Some(sex),
            born: Some(born),
            admitted: Some(admitted),
            full_member: admitted.checked_add_months(Months::new(12)),
            org: OrgId(0),
            cell: None,
            phone: None,
            residence: None,
            former_orgs: Vec::new(),
            history: Vec::new(),
        },
        branch: org.code.clone(),
        cell,
        habits: Habits {
            absent: if slack { 0.3 } else { 0.012 },
            excused,
            comes_while_exempt: false,
        },
    }
}

impl Person {
    fn born(&self) -> NaiveDate {
        self.record.born.unwrap_or(NaiveDate::MIN)
    }

    /// Admitted long ago, a full member, with no change of status: fit to hold a role.
    fn settled(&self, year_start: NaiveDate) -> bool {
        self.record.history.is_empty()
            && self.record.full_member.is_some()
            && self
                .record
                .admitted
                .is_some_and(|a| a < years_before(year_start, 1))
    }

    fn age_on(&self, day: NaiveDate) -> i32 {
        self.record.born.map_or(50, |b| age_on(b, day))
    }

    fn exempt_from(&mut self, from: NaiveDate, reason: &str) {
        let from = from.max(self.record.full_member.unwrap_or(NaiveDate::MIN));
        self.record.record_status(StatusChange {
            status: MemberStatus::Exempt,
            from,
            until: None,
            reason: Some(reason.to_string()),
        });
    }
}

/// The press figure: exactly `n` members exempt since before the demo year — the oldest for
/// old age, two more for poor health.
fn exempt_exactly(rng: &mut Rng, members: &mut [Person], n: usize, year_start: NaiveDate) {
    let mut by_age: Vec<usize> = (0..members.len()).collect();
    by_age.sort_by_key(|&i| members[i].born());
    let for_health = n.min(2);
    let (old, rest) = by_age.split_at(n - for_health);
    for &i in old {
        let from = old_age_exemption(rng, &members[i], year_start);
        members[i].exempt_from(from, "tuổi cao");
    }
    let mut frail: Vec<usize> = rest
        .iter()
        .copied()
        .filter(|&i| members[i].age_on(year_start) >= 55)
        .collect();
    rng.shuffle(&mut frail);
    for &i in frail.iter().take(for_health) {
        let from = year_start - Days::new(rng.between(60, 1200) as u64);
        members[i].exempt_from(from, "sức khỏe yếu");
    }
    for &i in old {
        members[i].habits.comes_while_exempt = rng.chance(0.12);
    }
}

/// The day an old member was exempted: around 75, and before the demo year.
fn old_age_exemption(rng: &mut Rng, member: &Person, year_start: NaiveDate) -> NaiveDate {
    let at_75 = member
        .born()
        .checked_add_months(Months::new(75 * 12))
        .unwrap_or(year_start);
    at_75.min(year_start - Days::new(rng.between(30, 900) as u64))
}

fn exempt_by_age(rng: &mut Rng, members: &mut [Person], year_start: NaiveDate) {
    for member in members.iter_mut() {
        let age = member.age_on(year_start);
        if age >= 78 && rng.chance(0.8) {
            let from = old_age_exemption(rng, member, year_start);
            member.exempt_from(from, "tuổi cao");
            member.habits.comes_while_exempt = rng.chance(0.12);
        } else if age >= 62 && rng.chance(0.04) {
            let from = year_start - Days::new(rng.between(60, 1200) as u64);
            member.exempt_from(from, "sức khỏe yếu");
        }
    }
}

/// What happens to a branch's roll in a year: a new member admitted, someone exempted for a
/// while, a death among the old, a move away.
fn year_of_changes(
    rng: &mut Rng,
    members: &mut [Person],
    plan: &BranchPlan,
    today: NaiveDate,
    year_start: NaiveDate,
) {
    let residents = plan.population == Population::Residents;
    if plan.size >= 12 && rng.chance(if residents { 0.35 } else { 0.25 }) {
        admit_newcomer(rng, members, today, year_start);
    }
    if rng.chance(if residents { 0.2 } else { 0.15 }) {
        exempt_for_a_while(rng, members, residents, today, year_start);
    }
    if residents && plan.size >= 35 && rng.chance(0.5) {
        mourn_an_old_member(rng, members, year_start);
    }
    if residents && plan.size >= 35 && rng.chance(0.4) {
        transfer_one_away(rng, members, today, year_start);
    }
}

fn day_in_year(rng: &mut Rng, year_start: NaiveDate, lo: i64, hi: i64) -> NaiveDate {
    year_start + Days::new(rng.between(lo, hi) as u64)
}

/// A young member admitted in the last year: still probationary.
fn admit_newcomer(rng: &mut Rng, members: &mut [Person], today: NaiveDate, year_start: NaiveDate) {
    if let Some(i) = pick_member(rng, members, |p| p.settled(year_start)) {
        let age = rng.between(20, 32);
        let newcomer = &mut members[i].record;
        newcomer.admitted = Some(today - Days::new(rng.between(40, 330) as u64));
        newcomer.born = Some(years_before(today, age) - Days::new(rng.between(0, 364) as u64));
        newcomer.full_member = None;
    }
}

/// A temporary exemption (tạm miễn) starting in the year, for a few months.
fn exempt_for_a_while(
    rng: &mut Rng,
    members: &mut [Person],
    residents: bool,
    today: NaiveDate,
    year_start: NaiveDate,
) {
    let fits = |p: &Person| p.settled(year_start) && p.age_on(today) < 60;
    let Some(i) = pick_member(rng, members, fits) else {
        return;
    };
    let from = day_in_year(rng, year_start, 0, 240);
    let reason = if residents {
        *rng.pick(&[
            "đi lao động ở nước ngoài",
            "điều trị bệnh dài ngày",
            "đi làm ăn xa",
        ])
    } else {
        *rng.pick(&["đi học tập trung dài hạn", "điều trị bệnh dài ngày"])
    };
    members[i].record.record_status(StatusChange {
        status: MemberStatus::TemporarilyExempt,
        from,
        until: Some(from + Days::new(rng.between(90, 270) as u64)),
        reason: Some(reason.to_string()),
    });
}

/// An old, exempt member who died during the year.
fn mourn_an_old_member(rng: &mut Rng, members: &mut [Person], year_start: NaiveDate) {
    let exempt_old = |p: &Person| {
        p.record.history.len() == 1 && p.record.history[0].reason.as_deref() == Some("tuổi cao")
    };
    if let Some(i) = pick_member(rng, members, exempt_old) {
        let from = day_in_year(rng, year_start, 20, 320);
        members[i].record.record_status(StatusChange {
            status: MemberStatus::Deceased,
            from,
            until: None,
            reason: None,
        });
    }
}

/// A member who moved away and took their party membership to the new place.
fn transfer_one_away(
    rng: &mut Rng,
    members: &mut [Person],
    today: NaiveDate,
    year_start: NaiveDate,
) {
    let fits = |p: &Person| p.settled(year_start) && p.age_on(today) < 60;
    if let Some(i) = pick_member(rng, members, fits) {
        let from = day_in_year(rng, year_start, 20, 320);
        members[i].record.record_status(StatusChange {
            status: MemberStatus::TransferredOut,
            from,
            until: None,
            reason: Some("chuyển sinh hoạt đảng về nơi cư trú mới".to_string()),
        });
    }
}

fn pick_member(rng: &mut Rng, members: &[Person], fits: impl Fn(&Person) -> bool) -> Option<usize> {
    let candidates: Vec<usize> = (0..members.len()).filter(|&i| fits(&members[i])).collect();
    (!candidates.is_empty()).then(|| *rng.pick(&candidates))
}

fn notable_for_role(org: &str, role: RoleKind) -> Option<&'static Notable> {
    NOTABLES
        .iter()
        .find(|n| matches!(n.seat, Seat::Role { org: o, role: r, .. } if o == org && r == role))
}

impl People {
    /// The branch committee (chi ủy): a secretary; a deputy from 5 members; one more
    /// committee member from 9 (the size at which a branch elects a committee), three from 30.
    fn appoint_branch_committee(
        &mut self,
        rng: &mut Rng,
        org: &Org,
        start: usize,
        today: NaiveDate,
        year_start: NaiveDate,
        term: NaiveDate,
    ) {
        let size = self.persons.len() - start;
        let roles: &[RoleKind] = match size {
            0 => &[],
            1..=4 => &[RoleKind::Secretary],
            5..=8 => &[RoleKind::Secretary, RoleKind::DeputySecretary],
            9..=29 => &[
                RoleKind::Secretary,
                RoleKind::DeputySecretary,
                RoleKind::CommitteeMember,
            ],
            _ => &[
                RoleKind::Secretary,
                RoleKind::DeputySecretary,
                RoleKind::CommitteeMember,
                RoleKind::CommitteeMember,
                RoleKind::CommitteeMember,
            ],
        };
        let (lo, hi) = match org.branch.as_ref().map(|p| p.population) {
            Some(Population::Residents) => (40, 70),
            _ => (32, 58),
        };
        let mut preferred: Vec<usize> = (start..self.persons.len())
            .filter(|&i| self.persons[i].settled(year_start))
            .filter(|&i| (lo..=hi).contains(&self.persons[i].age_on(today)))
            .collect();
        rng.shuffle(&mut preferred);
        for (&role, &i) in roles.iter().zip(&preferred) {
            self.appoint(i, &org.code, role, term);
        }
    }

    /// Gives member `i` a role, or gives it to the person the press names for it.
    fn appoint(&mut self, i: usize, org: &str, role: RoleKind, term: NaiveDate) {
        let mut from = term;
        if let Some(notable) = notable_for_role(org, role) {
            self.persons[i].become_notable(notable);
            if let Seat::Role {
                from: Some(since), ..
            } = notable.seat
            {
                from = iso(since);
            }
        }
        self.roles.push(Appointment {
            card: self.persons[i].record.card.clone(),
            org: org.to_string(),
            role,
            from,
        });
    }

    /// The commune committee: secretary and standing deputy from the party agency's branch,
    /// the other seats from the commune's agencies and forces.
    fn appoint_commune_committee(
        &mut self,
        rng: &mut Rng,
        committee: &Org,
        orgs: &[Org],
        today: NaiveDate,
        year_start: NaiveDate,
        term: NaiveDate,
    ) {
        let Some(plan) = &committee.committee else {
            return;
        };
        let seat_branches: BTreeSet<&str> = orgs
            .iter()
            .filter(|o| o.parent.as_deref() == Some(committee.code.as_str()))
            .filter(|o| o.branch.as_ref().is_some_and(|b| b.seats_committee))
            .map(|o| o.code.as_str())
            .collect();
        let party_agency = format!("{}.CQ", committee.code);
        let eligible = |p: &Person| {
            seat_branches.contains(p.branch.as_str())
                && p.settled(year_start)
                && (30..=60).contains(&p.age_on(today))
        };
        let mut leaders: Vec<usize> = (0..self.persons.len())
            .filter(|&i| eligible(&self.persons[i]) && self.persons[i].branch == party_agency)
            .collect();
        let mut others: Vec<usize> = (0..self.persons.len())
            .filter(|&i| eligible(&self.persons[i]) && self.persons[i].branch != party_agency)
            .collect();
        rng.shuffle(&mut leaders);
        rng.shuffle(&mut others);
        // Seats beyond the first two go to the agencies and forces first, then to the rest of
        // the party agency's staff.
        others.extend(leaders.split_off(leaders.len().min(2)));
        let seated = leaders.into_iter().chain(others).take(plan.seats);
        let roles = [
            RoleKind::Secretary,
            RoleKind::StandingDeputySecretary,
            RoleKind::DeputySecretary,
            RoleKind::StandingCommitteeMember,
            RoleKind::StandingCommitteeMember,
        ];
        for (seat, i) in seated.enumerate() {
            let role = match (seat, plan.seats) {
                (s, _) if s < 3 => roles[s],
                // Small committees have one standing member besides the three leaders.
                (3, _) => roles[3],
                (4, seats) if seats > 7 => roles[4],
                _ => RoleKind::CommitteeMember,
            };
            self.appoint(i, &committee.code, role, term);
        }
    }

    /// Every branch of a commune but the party agency's own gets a committee member to oversee
    /// it: the standing deputy takes the largest residential branch, the other members
    /// (never the secretary) share the rest in turn.
    fn assign_oversight(&mut self, committee: &Org, orgs: &[Org]) {
        let members: Vec<(String, RoleKind, NaiveDate)> = self
            .roles
            .iter()
            .filter(|r| r.org == committee.code && r.role != RoleKind::Secretary)
            .map(|r| (r.card.clone(), r.role, r.from))
            .collect();
        if members.is_empty() {
            return;
        }
        let branch_of: BTreeMap<&str, &str> = self
            .persons
            .iter()
            .map(|p| (p.record.card.as_str(), p.branch.as_str()))
            .collect();
        let mut branches: Vec<&Org> = orgs
            .iter()
            .filter(|o| o.parent.as_deref() == Some(committee.code.as_str()))
            .filter(|o| o.branch.as_ref().is_some_and(|b| b.overseen_by.is_some()))
            .filter(|o| !o.code.ends_with(".CQ"))
            .collect();
        let largest = branches
            .iter()
            .enumerate()
            .filter(|(_, o)| {
                o.branch
                    .as_ref()
                    .is_some_and(|b| b.population == Population::Residents)
            })
            .max_by_key(|(i, o)| {
                (
                    o.branch.as_ref().map_or(0, |b| b.size),
                    std::cmp::Reverse(*i),
                )
            })
            .map(|(i, _)| i);
        let deputy = members
            .iter()
            .position(|m| m.1 == RoleKind::StandingDeputySecretary);
        let mut members = members;
        if let (Some(i), Some(d)) = (largest, deputy) {
            // The standing deputy attends that one branch every month, and no other.
            let (card, _, from) = members.remove(d);
            let branch = branches.remove(i);
            self.oversight.push(Assignment {
                card,
                branch: branch.code.clone(),
                from,
            });
        }
        if members.is_empty() {
            return;
        }
        let mut turn = members.iter().cycle();
        for branch in branches {
            // Nobody oversees the branch they belong to.
            let overseer = turn
                .by_ref()
                .take(members.len())
                .find(|m| branch_of.get(m.0.as_str()) != Some(&branch.code.as_str()));
            if let Some((card, _, from)) = overseer {
                self.oversight.push(Assignment {
                    card: card.clone(),
                    branch: branch.code.clone(),
                    from: *from,
                });
            }
        }
    }

    /// People named by the press for a role in an organisation since dissolved: they stay
    /// members of their branch, and the old role is kept for history.
    fn seat_former_office_holders(&mut self, seed: u64, year_start: NaiveDate) {
        for notable in NOTABLES {
            let Seat::FormerRole {
                branch,
                org,
                role,
                from,
            } = notable.seat
            else {
                continue;
            };
            let holders: BTreeSet<&str> = self.roles.iter().map(|r| r.card.as_str()).collect();
            let mut rng = Rng::for_key(seed, notable.card);
            let fits = |p: &Person| {
                p.branch == branch
                    && p.settled(year_start)
                    && !holders.contains(p.record.card.as_str())
            };
            let Some(i) = pick_member(&mut rng, &self.persons, fits) else {
                continue;
            };
            self.persons[i].become_notable(notable);
            self.roles.push(Appointment {
                card: notable.card.to_string(),
                org: org.to_string(),
                role,
                from: iso(from),
            });
        }
    }
}

impl Person {
    /// Takes the name, card and known dates of a person named by the press.
    fn become_notable(&mut self, notable: &Notable) {
        let record = &mut self.record;
        record.card = notable.card.to_string();
        record.name = notable.name.to_string();
        record.sex = notable.sex;
        match notable.dates {
            Some([born, admitted, full]) => {
                record.born = Some(iso(born));
                record.admitted = Some(iso(admitted));
                record.full_member = Some(iso(full));
            }
            None => record.born = None,
        }
        if let Some(cell) = notable.cell {
            self.cell = Some(cell.to_string());
        }
    }
}
