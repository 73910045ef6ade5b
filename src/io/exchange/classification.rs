//! `{"type":"classification",…}`: a year's grade of an organisation (`org`) or a member
//! (`card`).

use serde::{Deserialize, Serialize};

use super::batch::{Batch, ClassificationRec, GradedRef};
use super::fields::Fields;
use super::json::Text;
use crate::domain::classification::Thresholds;
use crate::domain::date::LAST_YEAR;
use crate::domain::limits::TextKind;
use crate::domain::{Classification, Grade};
use crate::io::problem::Problem;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassificationLine<'a> {
    #[serde(rename = "type", borrow, skip_serializing_if = "Option::is_none")]
    pub record: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    org: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    card: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<i64>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    grade: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<u64>,
}

/// Who a classification line grades, by code or card.
pub enum Graded<'a> {
    Org(&'a str),
    Card(&'a str),
}

impl<'a> ClassificationLine<'a> {
    pub fn written(who: Graded<'a>, c: &Classification) -> Self {
        let (org, card) = match who {
            Graded::Org(code) => (Some(Text::from(code)), None),
            Graded::Card(card) => (None, Some(Text::from(card))),
        };
        ClassificationLine {
            record: Some(Text::from("classification")),
            org,
            card,
            year: Some(i64::from(c.year)),
            grade: Some(Text::from(c.grade.as_str())),
            score: c.score.map(u64::from),
        }
    }

    /// The grade may be left out when the score is given: it is then the one the score
    /// earns by the default thresholds (Regulation 366-QĐ/TW).
    pub fn check(self, line: usize, f: &mut Fields<'_>, batch: &mut Batch) {
        let org = f.optional("org", TextKind::Code, self.org.as_deref());
        let card = f.optional("card", TextKind::Card, self.card.as_deref());
        let year = match self.year {
            None => f.refuse(Problem::Missing { field: "year" }),
            Some(y) if (1930..=i64::from(LAST_YEAR)).contains(&y) => Some(y as i32),
            Some(found) => f.refuse(Problem::YearRange { found }),
        };
        let score = match self.score {
            Some(s) if s <= 100 => Some(s as u8),
            Some(found) => f.refuse(Problem::ScoreRange { found }),
            None => None,
        };
        let grade = match (self.grade.as_deref(), score) {
            (None, Some(score)) => Some(Thresholds::default().grade_of(score)),
            (grade, _) => f.word("grade", grade, Grade::parse, Grade::words),
        };
        let who = match (org, card) {
            (Some(org), None) => Some(GradedRef::Org(batch.code(&org))),
            (None, Some(card)) => Some(GradedRef::Card(batch.card(&card))),
            _ => f.refuse(Problem::OrgOrCard),
        };
        let (Some(who), Some(year), Some(grade), true) = (who, year, grade, f.ok) else {
            return;
        };
        batch.classifications.push(ClassificationRec {
            line,
            who,
            classification: Classification { year, grade, score },
        });
    }
}
