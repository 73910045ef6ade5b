//! Last year's classification (xếp loại) of the demo's organisations and of the members of
//! Quarter 2: scored out of 100 and graded by the default thresholds, a branch's score
//! following the discipline it meets with, so the dashboards show a realistic spread — most
//! units good, a few excellent, the lax ones only completed.

use chrono::{Datelike, NaiveDate};

use super::orgs::{Discipline, Org};
use super::people::People;
use super::rng::Rng;
use crate::domain::classification::Thresholds;
use crate::domain::{Classification, MemberStatus, OrgKind};

/// The branch whose members are classified too, as the press describes it.
const GRADED_MEMBERS_OF: &str = "QN.HL.HG.K2";

/// A classification and who it grades: an org code or a party card.
pub(super) struct Graded {
    pub org: Option<String>,
    pub card: Option<String>,
    pub classification: Classification,
}

/// The classifications of the year before `today`'s: every organisation but the cells that
/// existed some day of it, and the members of Quarter 2 on the roll and expected at meetings
/// at its end (exempt members are not classified).
pub(super) fn grades(seed: u64, orgs: &[Org], people: &People, today: NaiveDate) -> Vec<Graded> {
    let year = today.year() - 1;
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for org in orgs.iter().filter(|o| o.kind != OrgKind::Cell) {
        let existed =
            org.founded.is_none_or(|f| f <= last) && org.dissolved.is_none_or(|d| first < d);
        if !existed {
            continue;
        }
        let mut rng = Rng::for_key(seed, &format!("grade {}", org.code));
        let (lo, hi) = score_range(org);
        let score = rng.between(lo, hi) as u8;
        out.push(Graded {
            org: Some(org.code.clone()),
            card: None,
            classification: scored(year, score),
        });
    }
    for person in people
        .persons
        .iter()
        .filter(|p| p.branch == GRADED_MEMBERS_OF)
    {
        if person.record.status_on(last) != MemberStatus::Active {
            continue;
        }
        let mut rng = Rng::for_key(seed, &format!("grade {}", person.record.card));
        let score = rng.between(58, 97) as u8;
        out.push(Graded {
            org: None,
            card: Some(person.record.card.clone()),
            classification: scored(year, score),
        });
    }
    out
}

/// Scores by how a branch keeps its meetings; committees score as ordinary branches do.
fn score_range(org: &Org) -> (i64, i64) {
    match org.branch.as_ref().map(|b| b.discipline) {
        Some(Discipline::Exemplary) => (88, 98),
        Some(Discipline::Lax) => (48, 74),
        Some(Discipline::Ordinary) | None => (64, 93),
    }
}

fn scored(year: i32, score: u8) -> Classification {
    Classification {
        year,
        grade: Thresholds::default().grade_of(score),
        score: Some(score),
    }
}
