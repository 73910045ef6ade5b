//! Forms of a meeting's record: the reason of an excused absence, approving the minutes
//! (chair and secretary named), an amendment to approved minutes, the vote on the
//! resolution, and what a committee meeting decided for the branch meeting's agenda. Each write reads the
//! meeting again inside its transaction and goes through the store's minutes rules, so
//! approved minutes refuse a change however it is asked for.

use chrono::NaiveDateTime;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::confirm::{Answer, Pending, render_question};
use super::field::{Field, Fields};
use super::words::Word;
use super::{Done, Edit, Form, Plan, Refusal};
use crate::domain::limits::TextKind;
use crate::domain::text::fold;
use crate::domain::{Amendment, Approval, Lang, Mark, MeetingId, MemberId};
use crate::store::{Command, Reader, RollChange};
use crate::ui::app::Msg;
use crate::ui::keymap::{Action, Context};
use crate::ui::overlay::{Env, Outcome, Overlay};
use crate::ui::screen::ScreenMsg;
use crate::ui::screens::Ui;

/// Who writes and when, stamped on approvals and amendments.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub by: String,
    pub at: NaiveDateTime,
}

fn words(lang: Lang, vi: &'static str, en: &'static str) -> String {
    lang.pick(vi, en).to_string()
}

/// The reason of an excused absence, asked when `e` marks one.
struct Excuse {
    meeting: MeetingId,
    member: MemberId,
    today: chrono::NaiveDate,
}

pub fn excuse(
    lang: Lang,
    meeting: MeetingId,
    member: (MemberId, &str),
    reason: Option<&str>,
    today: chrono::NaiveDate,
) -> Form {
    let fields = vec![
        Field::fixed(Word::FullName.get(lang), member.1),
        Field::text(&words(lang, "Lý do", "Reason"), reason.unwrap_or("")).with_hint(words(
            lang,
            "ốm, đi công tác, việc gia đình …",
            "ill, away on work, family …",
        )),
    ];
    let edit = Excuse {
        meeting,
        member: member.0,
        today,
    };
    Form::new(
        words(lang, "Vắng có lý do", "Absent with permission"),
        fields,
        edit,
    )
    .focused_on(1)
}

impl Edit for Excuse {
    fn plan(&self, fields: &Fields, _reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let reason = fields.optional_text(1, TextKind::Reason, lang)?;
        let command = Command::ChangeRoll {
            meeting: self.meeting,
            change: RollChange::Mark {
                member: self.member,
                mark: Mark::Excused,
                reason,
            },
            today: self.today,
        };
        let marked = words(
            lang,
            "Đã ghi vắng có lý do",
            "Marked absent with permission",
        );
        Ok(Plan::run(command, Done::new(marked)))
    }
}

/// The fields of the approval form, by position.
const CHAIR: usize = 0;
const SECRETARY: usize = 1;
const CONFIRM: usize = 2;

/// What is typed to approve, folded: one word in either language, so that approving, which
/// cannot be undone, is never one Enter too many.
const CONFIRM_WORDS: [&str; 2] = ["duyet", "approve"];

/// Approving the minutes: who chaired, who kept the minutes. The names offered are those
/// the facts record (or older minutes' opening names), the chair else the branch's
/// secretary.
struct Approve {
    meeting: MeetingId,
    stamp: Stamp,
}

pub fn approve(
    lang: Lang,
    meeting: &crate::domain::Meeting,
    usual_chair: Option<&str>,
    stamp: Stamp,
) -> Form {
    let (chair, secretary) = meeting.signers();
    let chair = chair.as_deref().or(usual_chair);
    let fields = vec![
        Field::text(
            &words(lang, "Chủ trì", "Chair"),
            chair.unwrap_or(""),
        )
        .required(),
        Field::text(
            &words(lang, "Thư ký", "Secretary"),
            secretary.as_deref().unwrap_or(""),
        )
        .required(),
        Field::text(&words(lang, "Gõ “duyệt”", "Type “approve”"), "")
            .required()
            .with_hint(words(
                lang,
                "Gõ “duyệt” để xác nhận: sau đó biên bản và điểm danh bị khóa, chỉ thêm đính chính.",
                "Type “approve” to confirm: the minutes and roll are then locked; only amendments follow.",
            )),
    ];
    Form::new(
        words(lang, "Duyệt biên bản", "Approve the minutes"),
        fields,
        Approve {
            meeting: meeting.id,
            stamp,
        },
    )
}

impl Edit for Approve {
    fn plan(&self, fields: &Fields, _reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let chair = fields.required_text(CHAIR, TextKind::PersonName, lang)?;
        let secretary = fields.required_text(SECRETARY, TextKind::PersonName, lang)?;
        if !CONFIRM_WORDS.contains(&fold(fields.text(CONFIRM).trim()).as_str()) {
            let said = words(
                lang,
                "Gõ “duyệt” để xác nhận: sau khi duyệt, biên bản không sửa được nữa",
                "Type “approve” to confirm: once approved, the minutes cannot be changed",
            );
            return Err(Refusal::at(CONFIRM, said));
        }
        let approval = Approval {
            at: Some(self.stamp.at),
            by: Some(self.stamp.by.clone()),
            chair: Some(chair),
            secretary: Some(secretary),
        };
        let command = Command::ApproveMinutes {
            meeting: self.meeting,
            approval,
        };
        let approved = words(lang, "Đã duyệt biên bản", "Minutes approved");
        Ok(Plan::run(command, Done::new(approved)))
    }
}

/// A dated correction below approved minutes.
struct Amend {
    meeting: MeetingId,
    stamp: Stamp,
}

pub fn amend(lang: Lang, meeting: MeetingId, stamp: Stamp) -> Form {
    let fields = vec![
        Field::text(&words(lang, "Đính chính", "Amendment"), "")
            .required()
            .with_hint(words(
                lang,
                "Ghi rõ sửa gì, ví dụ: Sửa mục IV: …",
                "Say what is corrected, e.g. Section IV: …",
            )),
    ];
    Form::new(
        words(lang, "Thêm đính chính", "Add an amendment"),
        fields,
        Amend { meeting, stamp },
    )
}

impl Edit for Amend {
    fn plan(&self, fields: &Fields, _reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let amendment = Amendment {
            at: self.stamp.at,
            by: self.stamp.by.clone(),
            text: fields.required_text(0, TextKind::Section, lang)?,
        };
        let command = Command::AmendMinutes {
            meeting: self.meeting,
            amendment,
        };
        let amended = words(lang, "Đã thêm đính chính", "Amendment added");
        Ok(Plan::run(command, Done::new(amended)))
    }
}

/// The vote on a meeting's resolution: for, against, abstaining.
struct VoteForm {
    meeting: MeetingId,
}

pub fn vote(lang: Lang, meeting: &crate::domain::Meeting) -> Form {
    let shown = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    let v = meeting.vote;
    let hint = words(
        lang,
        "số đảng viên; để trống cả ba ô để xóa biểu quyết",
        "members; leave all three blank to take the vote away",
    );
    let fields = vec![
        Field::text(
            &words(lang, "Tán thành", "For"),
            &shown(v.map(|v| v.in_favour)),
        )
        .with_hint(hint.clone()),
        Field::text(
            &words(lang, "Không tán thành", "Against"),
            &shown(v.map(|v| v.against)),
        )
        .with_hint(hint.clone()),
        Field::text(
            &words(lang, "Không biểu quyết", "Abstaining"),
            &shown(v.map(|v| v.abstaining)),
        )
        .with_hint(hint),
    ];
    Form::new(
        words(lang, "Biểu quyết nghị quyết", "Vote on the resolution"),
        fields,
        VoteForm {
            meeting: meeting.id,
        },
    )
}

/// A count of votes: blank is none.
fn votes(fields: &Fields, index: usize, lang: Lang) -> Result<Option<u32>, Refusal> {
    let text = fields.text(index).trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<u32>().map(Some).map_err(|_| {
        Refusal::at(
            index,
            lang.pick(
                format!("{text}: cần một số đảng viên (0, 1, 2 …)"),
                format!("{text}: a number of members is needed (0, 1, 2 …)"),
            ),
        )
    })
}

impl Edit for VoteForm {
    fn plan(&self, fields: &Fields, reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let counts = [
            votes(fields, 0, lang)?,
            votes(fields, 1, lang)?,
            votes(fields, 2, lang)?,
        ];
        let vote = counts
            .iter()
            .any(Option::is_some)
            .then(|| crate::domain::Vote {
                in_favour: counts[0].unwrap_or(0),
                against: counts[1].unwrap_or(0),
                abstaining: counts[2].unwrap_or(0),
            });
        let meeting = reader
            .meeting(self.meeting)?
            .ok_or_else(|| Refusal::gone(lang))?;
        let quorum = reader.quorum_of(&meeting)?;
        let said = match vote {
            Some(vote) => vote.verdict(&quorum, lang),
            None => words(lang, "Đã xóa biểu quyết", "Vote taken away"),
        };
        let command = Command::RecordVote {
            meeting: self.meeting,
            vote,
        };
        Ok(Plan::run(command, Done::new(said)))
    }
}

/// What a committee meeting decided for the agenda of the branch meeting.
struct Decisions {
    meeting: MeetingId,
}

pub fn decisions(lang: Lang, meeting: &crate::domain::Meeting) -> Form {
    let fields = vec![
        Field::text(
            &words(lang, "Quyết định", "Decided"),
            meeting.decisions.as_deref().unwrap_or(""),
        )
        .with_hint(words(
            lang,
            "nội dung, người chuẩn bị, dự thảo nghị quyết cho kỳ họp chi bộ",
            "the agenda, who prepares it, the draft resolution for the branch meeting",
        )),
    ];
    Form::new(
        words(
            lang,
            "Chi ủy quyết định nội dung sinh hoạt",
            "What the committee decided for the agenda",
        ),
        fields,
        Decisions {
            meeting: meeting.id,
        },
    )
}

impl Edit for Decisions {
    fn plan(&self, fields: &Fields, _reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let text = fields.optional_text(0, TextKind::Section, lang)?;
        let command = Command::RecordDecisions {
            meeting: self.meeting,
            text,
        };
        let recorded = words(
            lang,
            "Đã ghi quyết định của chi ủy",
            "The committee's decisions are recorded",
        );
        Ok(Plan::run(command, Done::new(recorded)))
    }
}

/// "Resume the draft?" asked when a meeting opens with a draft newer than its saved
/// minutes, to the one who will hold them. No asks again before dropping anything: only a
/// second yes discards, and no to that resumes. The answer goes back to the screen, which
/// holds the editor.
pub struct ResumeDraft {
    question: Vec<String>,
    /// Asked second, once the first answer was no.
    discard: Vec<String>,
    discarding: bool,
    /// The last key of a burst of typing the question came in the middle of: the question
    /// takes no key until the typing pauses, so letters meant for the minutes never answer
    /// it ("n", then "y", would discard).
    typing: Option<std::time::Instant>,
}

/// How long typing must pause before the question takes a key.
const TYPING_PAUSE: std::time::Duration = std::time::Duration::from_millis(400);

impl ResumeDraft {
    pub fn new(lang: Lang, at: NaiveDateTime, by: &str) -> ResumeDraft {
        ResumeDraft {
            question: crate::ui::i18n::record::resume_question(lang, at, by),
            discard: crate::ui::i18n::record::discard_question(lang, at, by),
            discarding: false,
            typing: None,
        }
    }

    /// The question appears while the user may be typing: `last_typed` was their last key.
    pub fn amid_typing(self, last_typed: Option<std::time::Instant>) -> ResumeDraft {
        ResumeDraft {
            typing: last_typed.filter(|at| at.elapsed() < TYPING_PAUSE),
            ..self
        }
    }
}

impl Overlay for ResumeDraft {
    fn context(&self) -> Context {
        Context::Confirm
    }

    fn on_key(&mut self, key: &KeyEvent, action: Option<Action>, _env: &mut Env<'_>) -> Outcome {
        if let Some(last) = self.typing {
            if last.elapsed() < TYPING_PAUSE {
                self.typing = Some(std::time::Instant::now());
                return Outcome::Ignored;
            }
            self.typing = None;
        }
        // Discarding is said with `y` itself, never with Enter pressed out of habit.
        let enter = key.code == crossterm::event::KeyCode::Enter;
        if self.discarding && enter {
            return Outcome::Ignored;
        }
        let resume = Outcome::CloseAndSend(Msg::ToScreen(ScreenMsg::ResumeDraft(true)));
        match (Pending::answer(action), self.discarding) {
            (Answer::Yes, false) | (Answer::No, true) => resume,
            (Answer::No, false) => {
                self.discarding = true;
                Outcome::Keep
            }
            (Answer::Yes, true) => {
                Outcome::CloseAndSend(Msg::ToScreen(ScreenMsg::ResumeDraft(false)))
            }
            (Answer::Undecided, _) => Outcome::Ignored,
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, ui: &Ui<'_>) {
        let question = if self.discarding {
            &self.discard
        } else {
            &self.question
        };
        render_question(frame, area, question, ui);
    }
}

/// The fields of the facts form, by position.
mod facts_at {
    pub const START: usize = 0;
    pub const END: usize = 1;
    pub const PLACE: usize = 2;
    pub const CHAIR: usize = 3;
    pub const SECRETARY: usize = 4;
}

/// The option of `names` that is `name`; the first ("not recorded") when none.
fn named_at(names: &[String], name: Option<&str>) -> usize {
    name.and_then(|n| names.iter().skip(1).position(|o| o == n))
        .map_or(0, |i| i + 1)
}

/// `names[at]`, or nobody for the first option.
fn picked(names: &[String], at: usize) -> Option<String> {
    (at > 0).then(|| names.get(at).cloned()).flatten()
}

/// The facts of section I, F3 on the record: times as people say them ("19h30", "7 giờ
/// tối"), the place, and the chair and minutes secretary picked by typing a name.
struct FactsForm {
    meeting: MeetingId,
    names: Vec<String>,
}

/// Who the record may name, for its facts and assignments.
pub struct People<'a> {
    /// The members on the roll, in the order to offer them.
    pub roll: Vec<String>,
    /// The guests from above recorded at the meeting.
    pub guests: &'a [String],
}

impl People<'_> {
    /// The options of a choice of them: "nobody named yet", then the roll and the guests,
    /// and any name `named` already that is neither, each once.
    fn names(&self, lang: Lang, named: &[Option<&str>]) -> Vec<String> {
        let mut names = vec![words(lang, "(chưa ghi)", "(not recorded)")];
        let stored = named.iter().flatten().map(|n| n.to_string());
        for name in self.roll.iter().chain(self.guests).cloned().chain(stored) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}

pub fn facts(
    lang: Lang,
    meeting: &crate::domain::Meeting,
    people_here: People<'_>,
    usual_chair: Option<&str>,
) -> Form {
    use super::meeting::time_field;
    use super::words::Word as W;
    let chair = meeting.chair.as_deref().or(usual_chair);
    let secretary = meeting.secretary.as_deref();
    let names = people_here.names(lang, &[chair, secretary]);
    let fields = vec![
        time_field(W::Start, meeting.time, lang),
        time_field(W::End, meeting.end_time, lang),
        Field::text(W::Place.get(lang), meeting.place.as_deref().unwrap_or("")),
        Field::choice(
            &words(lang, "Chủ trì", "Chair"),
            names.clone(),
            named_at(&names, chair),
        ),
        Field::choice(
            &words(lang, "Thư ký", "Minutes secretary"),
            names.clone(),
            named_at(&names, secretary),
        ),
    ];
    let title = words(
        lang,
        "Thời gian, địa điểm, chủ trì, thư ký",
        "Time, place, chair, secretary",
    );
    let edit = FactsForm {
        meeting: meeting.id,
        names,
    };
    Form::new(title, fields, edit)
}

impl Edit for FactsForm {
    fn plan(&self, fields: &Fields, _reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        use super::meeting::time_span;
        let (time, end_time) = time_span(fields, (facts_at::START, facts_at::END), lang)?;
        let facts = crate::domain::MeetingFacts {
            time,
            end_time,
            place: fields.optional_text(facts_at::PLACE, TextKind::Place, lang)?,
            chair: picked(&self.names, fields.choice(facts_at::CHAIR)),
            secretary: picked(&self.names, fields.choice(facts_at::SECRETARY)),
        };
        let command = Command::RecordFacts {
            meeting: self.meeting,
            facts,
        };
        let recorded = words(lang, "Đã ghi thông tin cuộc họp", "Meeting facts recorded");
        Ok(Plan::run(command, Done::new(recorded)))
    }
}

/// Empty rows the assignments form offers beyond those recorded: a row shows once the one
/// above it has a task, so the table grows as it is filled.
const MORE_ASSIGNMENTS: usize = 10;

/// Fields per row of the assignments: who, what, by when.
const ROW: usize = 3;

/// Section VIII as a table, F4 on the record: who (picked by typing a name), what, by
/// when. A row with no task is left out.
struct AssignmentsForm {
    meeting: MeetingId,
    names: Vec<String>,
    rows: usize,
}

pub fn assignments(lang: Lang, meeting: &crate::domain::Meeting, people_here: People<'_>) -> Form {
    let stored: Vec<Option<&str>> = meeting
        .assignments
        .iter()
        .map(|a| Some(a.who.as_str()))
        .collect();
    let names = people_here.names(lang, &stored);
    let rows = meeting.assignments.len() + MORE_ASSIGNMENTS;
    let mut fields = Vec::with_capacity(rows * ROW);
    for row in 0..rows {
        let given = meeting.assignments.get(row);
        let n = row + 1;
        let who = given.map(|a| a.who.as_str());
        fields.push(Field::choice(
            &lang.pick(format!("Ai ({n})"), format!("Who ({n})")),
            names.clone(),
            named_at(&names, who),
        ));
        fields.push(Field::text(
            &lang.pick(format!("Việc ({n})"), format!("Task ({n})")),
            given.map_or("", |a| a.task.as_str()),
        ));
        fields.push(Field::date(
            &lang.pick(format!("Hạn ({n})"), format!("Due ({n})")),
            given.and_then(|a| a.due),
            lang,
        ));
    }
    let title = words(lang, "Phân công thực hiện", "Assignments");
    let edit = AssignmentsForm {
        meeting: meeting.id,
        names,
        rows,
    };
    Form::new(title, fields, edit)
}

impl Edit for AssignmentsForm {
    /// A row shows when the one above it has a task, or when it has something itself.
    fn shown(&self, fields: &Fields, index: usize) -> bool {
        let row = index / ROW;
        let filled = |row: usize| {
            let at = row * ROW;
            fields.choice(at) > 0 || !fields.text(at + 1).trim().is_empty()
        };
        row == 0 || filled(row) || !fields.text((row - 1) * ROW + 1).trim().is_empty()
    }

    fn plan(&self, fields: &Fields, _reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let mut rows = Vec::new();
        for row in 0..self.rows {
            let at = row * ROW;
            let task = fields.optional_text(at + 1, TextKind::AgendaItem, lang)?;
            let who = picked(&self.names, fields.choice(at));
            let due = fields.optional_date(at + 2, lang)?;
            match (task, who) {
                (Some(task), Some(who)) => rows.push(crate::domain::Assignment { who, task, due }),
                (Some(_), None) => {
                    let n = row + 1;
                    let nobody = lang.pick(
                        format!("Việc ({n}) chưa có người thực hiện: chọn ở ô Ai ({n})"),
                        format!("Task ({n}) has nobody to do it: pick someone in Who ({n})"),
                    );
                    return Err(Refusal::at(at, nobody));
                }
                (None, _) => {}
            }
        }
        let count = rows.len();
        let command = Command::RecordAssignments {
            meeting: self.meeting,
            rows,
        };
        let recorded = lang.pick(
            format!("Đã ghi {count} việc phân công"),
            format!("{count} assignments recorded"),
        );
        Ok(Plan::run(command, Done::new(recorded)))
    }
}
