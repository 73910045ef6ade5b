//! A year's classification (Regulation 366-QĐ/TW) of the organisation selected in the tree
//! or of the member selected: the year (last year unless changed), the grade and the
//! 100-point score. The score may be left empty; given, it must earn the grade chosen by
//! the thresholds 90/70/50 (`domain::classification::classify`). A year already graded
//! shows its grade, and the form opens on it; saving replaces it.

use chrono::Datelike;

use super::field::{Field, Fields};
use super::words::{self, Word};
use super::{Done, Edit, Form, Opened, Plan, Refusal, Reply, Subject, read_failed};
use crate::domain::classification::{Thresholds, classify};
use crate::domain::edit::EditError;
use crate::domain::limits::TextKind;
use crate::domain::{Classification, ClassificationConfig, Grade, Lang};
use crate::store::{self, Command, Graded, Reader, StoreError};

/// The fields, by position (who is graded, shown first, is never read back).
mod at {
    pub const YEAR: usize = 1;
    pub const GRADE: usize = 2;
    pub const SCORE: usize = 3;
}

struct RecordGrade {
    who: Graded,
    name: String,
    this_year: i32,
    /// The year whose recorded grade and score the form opened with, if it had one: they
    /// stay in the fields when another year is typed, and must not go unnoticed.
    prefilled: Option<i32>,
}

/// The form on the organisation selected in the tree.
pub fn org(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let lang = subject.lang;
    let org = subject
        .org
        .ok_or_else(|| Word::PickOrg.get(lang).to_string())?;
    let who = format!("{} ({})", org.name, org.code);
    open(subject, reader, Graded::Org(org.id), &org.name, &who)
}

/// The form on the member selected in the list or shown in their record.
pub fn member(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let lang = subject.lang;
    let member = subject
        .member
        .ok_or_else(|| Word::PickMember.get(lang).to_string())?;
    let who = format!("{} ({})", member.name, member.card);
    open(
        subject,
        reader,
        Graded::Member(member.id),
        &member.name,
        &who,
    )
}

fn open(subject: &Subject<'_>, reader: &Reader, who: Graded, name: &str, shown: &str) -> Opened {
    let lang = subject.lang;
    // Grades are decided at a year's end, so the year most often recorded is the last.
    let year = subject.today.year() - 1;
    let existing = graded(reader, who, year).map_err(read_failed(lang))?;
    let grades = Grade::ALL
        .iter()
        .map(|g| g.label(lang, false).to_string())
        .collect();
    let grade = existing.map_or(Grade::Good, |c| c.grade);
    let score = existing
        .and_then(|c| c.score)
        .map_or(String::new(), |s| s.to_string());
    let fields = vec![
        Field::fixed(Word::Graded.get(lang), shown),
        Field::text(Word::Year.get(lang), &year.to_string()).required(),
        Field::choice(Word::Grade.get(lang), grades, grade as usize),
        Field::text(Word::Score.get(lang), &score).with_hint(Word::ScoreHint.get(lang).into()),
    ];
    let edit = RecordGrade {
        who,
        name: name.to_string(),
        this_year: subject.today.year(),
        prefilled: existing.map(|_| year),
    };
    let form = Form::new(words::grade_title(lang, name), fields, edit).focused_on(at::GRADE);
    Ok(Box::new(form.warned(reader, lang)))
}

/// The classification of `who` for `year`, if graded.
fn graded(reader: &Reader, who: Graded, year: i32) -> Result<Option<Classification>, StoreError> {
    match who {
        Graded::Org(id) => reader.org_classification(id, year),
        Graded::Member(id) => reader.member_classification(id, year),
    }
}

/// The field a classification rule points at.
fn rule_field(error: &EditError) -> Option<usize> {
    match error {
        EditError::YearOutOfRange { .. } => Some(at::YEAR),
        EditError::ScoreOver100(_) => Some(at::SCORE),
        EditError::GradeDisagrees { .. } | EditError::NoGrade => Some(at::GRADE),
        _ => None,
    }
}

fn thresholds() -> Thresholds {
    ClassificationConfig::default().thresholds
}

impl RecordGrade {
    fn year(fields: &Fields, lang: Lang) -> Result<i32, Refusal> {
        let text = fields.required_text(at::YEAR, TextKind::Line, lang)?;
        text.parse::<i32>()
            .map_err(|_| Refusal::at(at::YEAR, words::bad_year(lang, &text)))
    }

    /// The classification the fields give, checked as the store will check it.
    fn classification(&self, fields: &Fields, lang: Lang) -> Result<Classification, Refusal> {
        let year = RecordGrade::year(fields, lang)?;
        let grade = Grade::ALL[fields.choice(at::GRADE) % Grade::ALL.len()];
        let score = fields.optional_number(at::SCORE, 0..=100, lang)?;
        classify(year, Some(grade), score, &thresholds(), self.this_year)
            .map_err(|e| Refusal::rule(rule_field(&e), &e, lang))
    }
}

impl Edit for RecordGrade {
    fn plan(&self, fields: &Fields, _reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let c = self.classification(fields, lang)?;
        let command = Command::RecordClassification {
            who: self.who,
            year: c.year,
            grade: Some(c.grade),
            score: c.score,
        };
        let reply = GradeRecorded {
            name: self.name.clone(),
        };
        Ok(Plan::run(command, reply))
    }

    /// The grade already recorded for the year typed: saving replaces it. For a year not
    /// graded, the grade and score still showing are another year's: said, so that they are
    /// not saved as this one's unseen.
    fn warning(&mut self, fields: &Fields, reader: &Reader, lang: Lang) -> Option<String> {
        let year = RecordGrade::year(fields, lang).ok()?;
        match graded(reader, self.who, year).ok()? {
            Some(existing) => Some(words::grade_replaces(
                lang,
                year,
                &grade_words(lang, &existing),
            )),
            None => self
                .prefilled
                .filter(|from| *from != year)
                .map(|from| words::grade_of_another_year(lang, year, from)),
        }
    }
}

/// "hoàn thành tốt, 82 điểm", "good, 82 points".
fn grade_words(lang: Lang, c: &Classification) -> String {
    let grade = c.grade.label(lang, false);
    match c.score {
        Some(score) => lang.pick(
            format!("{grade}, {score} điểm"),
            format!("{grade}, {score} points"),
        ),
        None => grade.to_string(),
    }
}

/// Who was graded, for the status line.
struct GradeRecorded {
    name: String,
}

impl Reply for GradeRecorded {
    fn done(self: Box<Self>, done: store::Done, lang: Lang) -> Result<Done, Refusal> {
        let c = done.into_classified()?.recorded;
        let message = words::grade_recorded(lang, &self.name, c.year, &grade_words(lang, &c));
        Ok(Done::new(message))
    }

    fn refused(&self, e: StoreError, lang: Lang) -> Refusal {
        match e {
            StoreError::Rule(e) => Refusal::rule(rule_field(&e), &e, lang),
            StoreError::MemberGone(_) | StoreError::OrgGone(_) => Refusal::gone(lang),
            other => other.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_point_at_their_fields_and_grades_are_worded_with_their_score() {
        let coming = EditError::YearOutOfRange {
            year: 2027,
            this_year: 2026,
        };
        assert_eq!(rule_field(&coming), Some(at::YEAR));
        assert_eq!(rule_field(&EditError::ScoreOver100(101)), Some(at::SCORE));
        let c = Classification {
            year: 2025,
            grade: Grade::Good,
            score: Some(82),
        };
        assert_eq!(grade_words(Lang::Vi, &c), "hoàn thành tốt, 82 điểm");
        let c = Classification { score: None, ..c };
        assert_eq!(grade_words(Lang::En, &c), "good");
    }

    use crate::domain::OrgId;
    use crate::ui::forms::tests::{Scene, scene};
    use crate::ui::keymap::Context;

    fn org_grade(s: &Scene, id: OrgId, year: i32) -> Option<Classification> {
        s.store
            .read()
            .unwrap()
            .org_classification(id, year)
            .unwrap()
    }

    /// Right presses that turn the grade choice from `from` to `to`.
    fn turns(from: Grade, to: Grade) -> String {
        let n = (to as usize + Grade::ALL.len() - from as usize) % Grade::ALL.len();
        vec!["right"; n].join(" ")
    }

    /// The grade the choice shows, the cursor on it (`◂ … ▸`).
    fn chosen(s: &Scene, lang: Lang) -> Grade {
        let screen = s.screen();
        Grade::ALL
            .iter()
            .copied()
            .find(|g| screen.contains(&format!("◂ {} ▸", g.label(lang, false))))
            .expect("the grade has the cursor")
    }

    /// The form's year typed again: Shift-Tab from the grade, where the form opens.
    fn year(s: &mut Scene, year: &str) {
        s.press("backtab ctrl-u");
        s.type_text(year);
        s.press("tab");
    }

    #[test]
    fn another_year_typed_says_the_grade_shown_is_the_year_before() {
        // The form opens on 2025's grade; 2026 has none, and the grade still shown is
        // 2025's: the form says so instead of letting it pass as 2026's.
        let mut s = scene(Lang::Vi);
        s.go_to_org("QN.HL.HG.K2");
        s.press("x");
        year(&mut s, "2026");
        let screen = s.screen();
        assert!(
            screen.contains("Năm 2026 chưa xếp loại; xếp loại và điểm đang là của năm 2025"),
            "{screen}"
        );
        year(&mut s, "2025");
        assert!(
            s.screen().contains("Năm 2025 đã xếp loại"),
            "{}",
            s.screen()
        );
    }

    #[test]
    fn an_officer_records_an_organisations_grade_and_score_replacing_the_years() {
        let mut s = scene(Lang::Vi);
        let k2 = s.org("QN.HL.HG.K2");
        // The demo graded last year already: the form opens on that grade and says so.
        let before = org_grade(&s, k2.id, 2025).expect("the demo grades 2025");
        s.go_to_org("QN.HL.HG.K2");
        s.press("x");
        assert_eq!(s.app.context(), Context::Form, "{}", s.status());
        let screen = s.screen();
        assert!(
            screen.contains("Xếp loại chất lượng Chi bộ khu 2"),
            "{screen}"
        );
        assert!(screen.contains("Năm 2025 đã xếp loại"), "{screen}");
        year(&mut s, "2025");
        s.press(&turns(before.grade, Grade::Good));
        s.press("tab ctrl-u");
        s.type_text("82");
        s.press("enter");
        assert_eq!(s.app.context(), Context::Tree, "{}", s.status());
        assert_eq!(
            s.status(),
            "Đã ghi xếp loại năm 2025 của Chi bộ khu 2: hoàn thành tốt, 82 điểm."
        );
        let expected = Classification {
            year: 2025,
            grade: Grade::Good,
            score: Some(82),
        };
        assert_eq!(org_grade(&s, k2.id, 2025), Some(expected));
        s.assert_sound();
    }

    #[test]
    fn a_refused_score_grade_or_year_marks_its_field_and_writes_nothing() {
        let mut s = scene(Lang::Vi);
        let k2 = s.org("QN.HL.HG.K2");
        let before = org_grade(&s, k2.id, 2025);
        s.go_to_org("QN.HL.HG.K2");
        s.press("x");
        s.press("tab ctrl-u");
        s.type_text("101");
        s.press("enter");
        assert_eq!(s.app.context(), Context::Form);
        assert!(s.status_is_error());
        assert_eq!(
            s.status(),
            "Điểm (thang 100): \"101\" không phải là số từ 0 đến 100"
        );
        let screen = s.screen();
        assert!(
            screen.contains(" ! Điểm (thang 100)"),
            "the score is marked: {screen}"
        );

        // 82 earns "good": "excellent" with it is refused at the grade.
        s.press("ctrl-u");
        s.type_text("82");
        s.press("backtab");
        let grade = chosen(&s, Lang::Vi);
        s.press(&turns(grade, Grade::Excellent));
        s.press("enter");
        assert_eq!(
            s.status(),
            "82 điểm là mức \"hoàn thành tốt\", không phải \"hoàn thành xuất sắc\""
        );
        assert!(s.screen().contains(" ! Mức xếp loại"), "{}", s.screen());

        // A year not yet come: 2027, on 23 November 2026.
        year(&mut s, "2027");
        s.press("enter");
        assert!(s.status().contains("2027"), "{}", s.status());
        assert!(s.screen().contains(" ! Năm"), "{}", s.screen());
        assert_eq!(org_grade(&s, k2.id, 2025), before, "nothing written");
        assert_eq!(org_grade(&s, k2.id, 2027), None);
    }

    #[test]
    fn a_members_grade_is_recorded_from_the_member_list() {
        let mut s = scene(Lang::En);
        let member = s.member("48123456");
        s.go_to_member("48123456");
        s.press("x");
        assert_eq!(s.app.context(), Context::Form, "{}", s.status());
        year(&mut s, "2026");
        s.press("tab ctrl-u");
        s.type_text("45");
        s.press("backtab");
        let grade = chosen(&s, Lang::En);
        s.press(&turns(grade, Grade::NotCompleted));
        s.press("enter");
        assert_eq!(
            s.status(),
            format!(
                "Recorded for {}, 2026: not completed, 45 points.",
                member.name
            )
        );
        let r = s.store.read().unwrap();
        let graded = r.member_classification(member.id, 2026).unwrap().unwrap();
        assert_eq!(
            (graded.grade, graded.score),
            (Grade::NotCompleted, Some(45))
        );
    }
}
