//! Minutes (biên bản) of a meeting: the sections of the official form (domain.md, "Minutes"),
//! the one text they are kept in, the template a new meeting starts from, the approval that
//! locks them and the dated amendments that correct them afterwards.
//!
//! The minutes are one text so that what is imported, stored and exported is the same
//! string: each section starts with its heading on a line of its own (`## I. …`), in the
//! order of the form. Splitting that text into sections and joining them again gives back
//! the same text, so an editor can work section by section without ever losing a
//! character. Text written before the first heading (minutes imported from elsewhere)
//! belongs to the first section.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use super::date::opt_days;
use super::lang::Lang;
use super::meeting::Meeting;
use super::month::YearMonth;

/// A section of the official minutes form, in the order the form has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    /// Time, place, chair and minutes secretary.
    Opening,
    /// News and directives from above.
    News,
    /// Review of last month's resolution and tasks.
    Review,
    /// Tasks for next month.
    Tasks,
    /// Members' opinions, with the standing item "Feedback to the committee above".
    Opinions,
    /// Criticism and self-criticism.
    Criticism,
    /// The resolution adopted, with its vote.
    Resolution,
    /// Who does what, by when.
    Assignments,
    /// Closing time; the minutes read back to the meeting.
    Closing,
}

impl Section {
    /// Every section, in the order of the form.
    pub const ALL: [Section; 9] = [
        Section::Opening,
        Section::News,
        Section::Review,
        Section::Tasks,
        Section::Opinions,
        Section::Criticism,
        Section::Resolution,
        Section::Assignments,
        Section::Closing,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The heading as the official document writes it. Minutes are a Vietnamese document
    /// whatever language the screen speaks, so there is one heading per section.
    pub fn heading(self) -> &'static str {
        match self {
            Section::Opening => "I. Thời gian, địa điểm, chủ trì, thư ký",
            Section::News => "II. Thông tin thời sự, văn bản chỉ đạo của cấp trên",
            Section::Review => "III. Kiểm điểm việc thực hiện nghị quyết tháng trước",
            Section::Tasks => "IV. Nhiệm vụ tháng tới",
            Section::Opinions => "V. Ý kiến thảo luận; phản ánh, góp ý với cấp trên",
            Section::Criticism => "VI. Phê bình và tự phê bình",
            Section::Resolution => "VII. Nghị quyết và biểu quyết",
            Section::Assignments => "VIII. Phân công thực hiện",
            Section::Closing => "IX. Kết thúc",
        }
    }

    /// A short name for a list of sections on screen.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Section::Opening => lang.pick("Mở đầu", "Opening"),
            Section::News => lang.pick("Thông tin, chỉ đạo", "News, directives"),
            Section::Review => lang.pick("Kiểm điểm tháng trước", "Last month's review"),
            Section::Tasks => lang.pick("Nhiệm vụ tháng tới", "Next month's tasks"),
            Section::Opinions => lang.pick("Ý kiến, góp ý cấp trên", "Opinions, feedback"),
            Section::Criticism => lang.pick("Phê bình, tự phê bình", "Criticism"),
            Section::Resolution => lang.pick("Nghị quyết, biểu quyết", "Resolution, vote"),
            Section::Assignments => lang.pick("Phân công", "Assignments"),
            Section::Closing => lang.pick("Kết thúc", "Closing"),
        }
    }

    /// The line that starts this section in the minutes text.
    fn marker(self) -> String {
        format!("## {}", self.heading())
    }

    fn of_marker(line: &str) -> Option<Section> {
        let heading = line.strip_prefix("## ")?;
        Section::ALL.into_iter().find(|s| s.heading() == heading)
    }
}

/// The minutes split into the sections of the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MinutesText {
    sections: [String; 9],
}

impl MinutesText {
    /// Splits stored minutes into sections. A heading that comes twice adds to its section
    /// rather than dropping what was under the first one.
    pub fn parse(text: &str) -> MinutesText {
        let mut minutes = MinutesText::default();
        let mut current = Section::Opening;
        let mut lines: Vec<Vec<&str>> = vec![Vec::new(); Section::ALL.len()];
        let mut seen = [false; 9];
        for line in text.split('\n') {
            match Section::of_marker(line) {
                Some(section) if !seen[section.index()] => {
                    seen[section.index()] = true;
                    current = section;
                }
                _ => lines[current.index()].push(line),
            }
        }
        for (section, lines) in Section::ALL.into_iter().zip(lines) {
            minutes.sections[section.index()] = lines.join("\n");
        }
        minutes
    }

    /// The minutes as one text: every section under its heading, in the order of the form.
    pub fn to_text(&self) -> String {
        Section::ALL
            .into_iter()
            .map(|s| format!("{}\n{}", s.marker(), self.sections[s.index()]))
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn section(&self, section: Section) -> &str {
        &self.sections[section.index()]
    }

    pub fn set(&mut self, section: Section, text: impl Into<String>) {
        self.sections[section.index()] = text.into();
    }

    /// Nothing written in any section.
    pub fn is_blank(&self) -> bool {
        self.sections.iter().all(|s| s.trim().is_empty())
    }

    /// The form a new meeting's minutes start from: last month's assignments under the
    /// review (they are what is reviewed) and a lead-in line where the form fixes one. The
    /// facts — time, place, chair, secretary, the roll, the vote, the assignments, the
    /// closing time — are fields of the meeting, printed from them (see [`fact_lines`]), so
    /// the text holds no dots to type over.
    pub fn template(facts: &TemplateFacts<'_>) -> MinutesText {
        let mut minutes = MinutesText::default();
        let previous = YearMonth::of(facts.date).previous();
        let mut review = format!(
            "Kiểm điểm việc thực hiện nghị quyết tháng {:02}/{}:",
            previous.month(),
            previous.year()
        );
        if let Some(assigned) = facts.previous_assignments.filter(|a| !a.trim().is_empty()) {
            review.push_str("\nViệc đã phân công tháng trước:\n");
            review.push_str(assigned.trim_end());
        }
        minutes.set(Section::Review, review);
        minutes.set(
            Section::Tasks,
            format!(
                "Nhiệm vụ tháng {:02}/{}:",
                facts.date.month(),
                facts.date.year()
            ),
        );
        minutes.set(Section::Opinions, "Phản ánh, góp ý với cấp trên:");
        minutes.set(Section::Closing, READ_BACK);
        minutes
    }
}

/// The closing sentence every minutes book writes: the minutes were read back and adopted.
pub const READ_BACK: &str = "Biên bản đã được đọc lại cho chi bộ nghe và nhất trí thông qua.";

/// Lines the template of earlier versions left to type over. Minutes saved with one still
/// in them print without it: the fields say the same, filled in.
const OLD_PLACEHOLDERS: [&str; 6] = [
    "Biểu quyết: ... tán thành, ... không tán thành, ... không biểu quyết.",
    "- Ai: ... — Việc: ... — Hạn: ...",
    "Cuộc họp kết thúc lúc ... giờ ... cùng ngày. Biên bản đã được đọc lại cho chi bộ nghe và nhất trí thông qua.",
    "Địa điểm: ...",
    "Chủ trì: ...",
    "Thư ký: ...",
];

/// Whether `line` is a placeholder an earlier template wrote and nobody filled in.
pub fn is_old_placeholder(line: &str) -> bool {
    OLD_PLACEHOLDERS.contains(&line.trim())
}

/// Whether the opening was written as text, as minutes were before their facts became
/// fields: such minutes print their own opening, not the fields' as well.
pub fn opening_written_as_text(minutes: &MinutesText) -> bool {
    minutes
        .section(Section::Opening)
        .lines()
        .any(|line| line.trim_start().starts_with("Thời gian:"))
}

/// What the template is filled from.
#[derive(Debug, Clone, Default)]
pub struct TemplateFacts<'a> {
    pub date: NaiveDate,
    /// Last month's assignments, a printed line each.
    pub previous_assignments: Option<&'a str>,
}

/// "19 giờ 30", as the minutes write a time of day.
pub fn spoken_clock(time: NaiveTime) -> String {
    format!("{} giờ {:02}", time.hour(), time.minute())
}

/// The facts of section I as the minutes print them, from the meeting's fields. A fact
/// not recorded is `blank`, to fill in by hand, while the minutes are a draft, and is left
/// out once they are approved.
pub fn fact_lines(meeting: &Meeting, blank: &str) -> Vec<String> {
    let draft = !meeting.is_approved();
    let mut lines = Vec::new();
    let mut line = |label: &str, value: Option<String>| match value {
        Some(value) => lines.push(format!("{label}: {value}.")),
        None if draft => lines.push(format!("{label}: {blank}")),
        None => {}
    };
    let day = meeting.date.format("%d/%m/%Y");
    let when = match meeting.time {
        Some(time) => format!("bắt đầu lúc {}, ngày {day}", spoken_clock(time)),
        None => format!("ngày {day}"),
    };
    line("Thời gian", Some(when));
    line("Địa điểm", meeting.place.clone());
    let comrade = |name: &Option<String>| name.as_deref().map(|n| format!("đồng chí {n}"));
    line("Chủ trì", comrade(&meeting.chair));
    line("Thư ký", comrade(&meeting.secretary));
    lines
}

/// "Cuộc họp kết thúc lúc 21 giờ 00 cùng ngày.", from the end time: `blank` to fill in by
/// hand on a draft without one, nothing on approved minutes without one.
pub fn closing_line(meeting: &Meeting, blank: &str) -> Option<String> {
    let at = match meeting.end_time {
        Some(end) => spoken_clock(end),
        None if !meeting.is_approved() => blank.to_string(),
        None => return None,
    };
    Some(format!("Cuộc họp kết thúc lúc {at} cùng ngày."))
}

/// One line of section VIII: who does what, by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// A member's name, as picked from the branch.
    pub who: String,
    pub task: String,
    #[serde(with = "opt_days")]
    pub due: Option<NaiveDate>,
}

impl Assignment {
    /// As the minutes word it: "Giao đồng chí Ngô Thị Dung: thu đảng phí quý IV; thời hạn
    /// hoàn thành: 30/12/2026."
    pub fn printed(&self) -> String {
        let task = self.task.trim().trim_end_matches(['.', ';']);
        let who = self.who.trim();
        match self.due {
            Some(due) => format!(
                "Giao đồng chí {who}: {task}; thời hạn hoàn thành: {}.",
                due.format("%d/%m/%Y")
            ),
            None => format!("Giao đồng chí {who}: {task}."),
        }
    }
}

/// A meeting's facts as the minutes' first section states them: when it started and
/// ended, where, who chaired and who kept the minutes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingFacts {
    pub time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
    pub place: Option<String>,
    pub chair: Option<String>,
    pub secretary: Option<String>,
}

impl Meeting {
    /// Records the facts of section I; approved minutes lock them with the text.
    pub fn set_facts(&mut self, facts: MeetingFacts) -> Result<(), MinutesError> {
        if self.is_approved() {
            return Err(MinutesError::Approved);
        }
        if let (Some(start), Some(end)) = (facts.time, facts.end_time)
            && end <= start
        {
            return Err(MinutesError::EndsBeforeStart);
        }
        let named = |name: Option<String>| name.map(|n| bare_name(&n)).filter(|n| !n.is_empty());
        self.time = facts.time;
        self.end_time = facts.end_time;
        self.place = facts.place.filter(|p| !p.trim().is_empty());
        self.chair = named(facts.chair);
        self.secretary = named(facts.secretary);
        Ok(())
    }

    /// Replaces the assignments of section VIII, leaving out rows with no task.
    pub fn set_assignments(&mut self, rows: Vec<Assignment>) -> Result<(), MinutesError> {
        if self.is_approved() {
            return Err(MinutesError::Approved);
        }
        let unassigned = |r: &Assignment| !r.task.trim().is_empty() && r.who.trim().is_empty();
        if rows.iter().any(unassigned) {
            return Err(MinutesError::NobodyAssigned);
        }
        self.assignments = rows
            .into_iter()
            .filter(|r| !r.task.trim().is_empty())
            .collect();
        Ok(())
    }

    /// The chair and the minutes secretary to offer at approval: the fields, or for
    /// minutes written before they were fields, the names the opening's text gives.
    pub fn signers(&self) -> (Option<String>, Option<String>) {
        let (chair, secretary) = match &self.minutes {
            Some(text) => chair_and_secretary(&MinutesText::parse(text)),
            None => (None, None),
        };
        (
            self.chair.clone().or(chair.map(|c| bare_name(&c))),
            self.secretary.clone().or(secretary.map(|s| bare_name(&s))),
        )
    }
}

/// A name as it goes beneath a signature or into a field: the role is said elsewhere, so
/// "đồng chí Phạm Ngọc Đường, Bí thư Chi bộ" (as older minutes name a chair) is "Phạm Ngọc
/// Đường". A name holds no comma; what follows one is a title.
pub fn bare_name(text: &str) -> String {
    let name = text.split(',').next().unwrap_or(text).trim();
    let lower = name.to_lowercase();
    let name = ["đồng chí ", "đ/c ", "đ/c. ", "đc "]
        .into_iter()
        .find(|p| lower.starts_with(p))
        .map_or(name, |p| name[p.len()..].trim_start());
    name.trim_end_matches(['.', '…']).trim().to_string()
}

/// The names written after "Chủ trì:" and "Thư ký:" in the opening, to offer when the
/// minutes are approved.
pub fn chair_and_secretary(minutes: &MinutesText) -> (Option<String>, Option<String>) {
    let value = |label: &str| {
        minutes
            .section(Section::Opening)
            .lines()
            .find_map(|line| line.trim().strip_prefix(label))
            // The template's dots to write on are no part of a name, before or after it.
            .map(|rest| rest.trim().trim_matches(['.', '…']).trim().to_string())
            .filter(|name| !name.is_empty())
    };
    (value("Chủ trì:"), value("Thư ký:"))
}

/// Who approved the minutes and when. Once there is an approval, the minutes and the
/// attendance of the meeting are read-only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// When approved; minutes imported as approved from a file may not say.
    pub at: Option<NaiveDateTime>,
    /// Who approved them in chibo.
    pub by: Option<String>,
    /// The chair (chủ trì) who signs the minutes.
    pub chair: Option<String>,
    /// The minutes secretary (thư ký) who signs them.
    pub secretary: Option<String>,
}

/// A correction to approved minutes: dated, signed, shown below them; never an edit in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    pub at: NaiveDateTime,
    pub by: String,
    pub text: String,
}

/// Minutes being written and not yet saved: kept apart from the meeting so that typing
/// never changes a meeting's record (nor what is counted from it) until it is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The whole minutes text, as [`MinutesText::to_text`] writes it.
    pub text: String,
    pub saved_at: NaiveDateTime,
    pub by: String,
}

impl Draft {
    /// A draft is worth resuming when it says something the saved minutes do not, and was
    /// written after them.
    pub fn newer_than(&self, saved: Option<&str>, saved_at: Option<NaiveDateTime>) -> bool {
        let differs = saved != Some(self.text.as_str());
        let later = saved_at.is_none_or(|at| self.saved_at >= at);
        differs && later
    }
}

/// Why minutes or attendance cannot change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MinutesError {
    /// The minutes are approved: they and the attendance are read-only.
    Approved,
    /// Only approved minutes take amendments; before that, the minutes are edited.
    NotApproved,
    /// There are no minutes to approve yet.
    Empty,
    /// The roll of a meeting is taken on its day or after, never ahead of it.
    NotYet(NaiveDate),
    /// An amendment, or a name at approval, with nothing in it.
    Blank,
    /// An exempt member is marked only as present, when they come.
    ExemptComesOnly,
    /// An expected member cannot be marked exempt from the roll: exemption is a status.
    NotExempt,
    /// The member is not on this meeting's roll (no longer in the branch, say).
    NotOnRoll,
    /// A section holds the most characters a section may (`domain::limits`).
    SectionFull(usize),
    /// The meeting's end time is not after its start.
    EndsBeforeStart,
    /// An assignment names a task and nobody to do it.
    NobodyAssigned,
}

impl MinutesError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            MinutesError::Approved => lang
                .pick(
                    "biên bản đã được duyệt: chỉ có thể thêm đính chính",
                    "the minutes are approved: only an amendment can be added",
                )
                .to_string(),
            MinutesError::NotApproved => lang
                .pick(
                    "biên bản chưa được duyệt: hãy sửa trực tiếp",
                    "the minutes are not approved yet: edit them directly",
                )
                .to_string(),
            MinutesError::Empty => lang
                .pick(
                    "chưa có biên bản để duyệt",
                    "there are no minutes to approve",
                )
                .to_string(),
            MinutesError::ExemptComesOnly => lang
                .pick(
                    "Đảng viên miễn sinh hoạt không phải dự: chỉ ghi có mặt khi đến dự",
                    "Exempt members are not expected: they are only marked present when they come",
                )
                .to_string(),
            MinutesError::NotExempt => lang
                .pick(
                    "miễn sinh hoạt là tình trạng của đảng viên, không phải một lần điểm danh",
                    "exemption is a member's status, not a mark of the roll",
                )
                .to_string(),
            MinutesError::NotOnRoll => lang
                .pick(
                    "đảng viên này không có trong danh sách điểm danh của cuộc họp",
                    "this member is not on the meeting's roll",
                )
                .to_string(),
            MinutesError::SectionFull(max) => lang.pick(
                format!("mỗi mục của biên bản dài tối đa {max} ký tự: mục này đã đủ"),
                format!(
                    "a section of the minutes holds at most {max} characters: this one is full"
                ),
            ),
            MinutesError::NotYet(day) => lang.pick(
                format!(
                    "chưa đến ngày họp ({}): chưa điểm danh được",
                    lang.date(*day)
                ),
                format!(
                    "the meeting is on {}: its roll cannot be taken before then",
                    lang.date(*day)
                ),
            ),
            MinutesError::Blank => lang
                .pick("không được để trống", "cannot be empty")
                .to_string(),
            MinutesError::EndsBeforeStart => lang
                .pick(
                    "giờ kết thúc phải sau giờ bắt đầu",
                    "the end time must be after the start",
                )
                .to_string(),
            MinutesError::NobodyAssigned => lang
                .pick(
                    "mỗi việc được phân công cần có người thực hiện",
                    "each task assigned needs someone to do it",
                )
                .to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn sections_join_and_split_back_to_the_same_text() {
        let mut minutes = MinutesText::default();
        minutes.set(Section::News, "Nghị quyết 57\nChỉ thị 50");
        minutes.set(Section::Tasks, "- dọn vệ sinh\n");
        minutes.set(Section::Closing, "21:00");
        let text = minutes.to_text();
        assert_eq!(MinutesText::parse(&text), minutes);
        assert_eq!(MinutesText::parse(&text).to_text(), text);
        assert!(text.starts_with("## I. Thời gian"));
        assert!(text.contains("\n## II. Thông tin thời sự, văn bản chỉ đạo của cấp trên\nNghị quyết 57\nChỉ thị 50\n## III."));
    }

    #[test]
    fn text_without_headings_belongs_to_the_opening() {
        let minutes = MinutesText::parse("Thời gian: 19:30\nĐịa điểm: nhà văn hóa");
        assert_eq!(
            minutes.section(Section::Opening),
            "Thời gian: 19:30\nĐịa điểm: nhà văn hóa"
        );
        assert_eq!(minutes.section(Section::News), "");
    }

    #[test]
    fn a_repeated_heading_is_kept_as_text() {
        let text = "## IV. Nhiệm vụ tháng tới\na\n## IV. Nhiệm vụ tháng tới\nb";
        let minutes = MinutesText::parse(text);
        assert_eq!(
            minutes.section(Section::Tasks),
            "a\n## IV. Nhiệm vụ tháng tới\nb"
        );
    }

    #[test]
    fn the_template_has_no_dots_to_type_over_and_carries_last_months_assignments() {
        let facts = TemplateFacts {
            date: day(2026, 1, 7),
            previous_assignments: Some(
                "- Giao đồng chí Lan: thu đảng phí; thời hạn hoàn thành: 30/12/2025.\n",
            ),
        };
        let minutes = MinutesText::template(&facts);
        assert_eq!(minutes.section(Section::Opening), "");
        assert_eq!(
            minutes.section(Section::Review),
            "Kiểm điểm việc thực hiện nghị quyết tháng 12/2025:\nViệc đã phân công tháng trước:\n\
             - Giao đồng chí Lan: thu đảng phí; thời hạn hoàn thành: 30/12/2025."
        );
        assert!(minutes.section(Section::Tasks).contains("01/2026"));
        assert!(!minutes.to_text().contains("..."));
        assert!(!minutes.is_blank());
    }

    fn meeting() -> Meeting {
        use crate::domain::{MeetingId, MeetingKind, MeetingState, OrgId};
        Meeting::new(
            MeetingId(1),
            OrgId(1),
            MeetingKind::Regular,
            day(2026, 11, 5),
            MeetingState::Held,
        )
    }

    #[test]
    fn facts_print_from_fields_and_a_draft_leaves_a_line_for_what_is_missing() {
        let mut m = meeting();
        m.set_facts(MeetingFacts {
            time: NaiveTime::from_hms_opt(19, 30, 0),
            end_time: NaiveTime::from_hms_opt(21, 0, 0),
            place: Some("Nhà văn hóa khu 2".into()),
            chair: Some("đồng chí Phạm Ngọc Đường, Bí thư Chi bộ".into()),
            secretary: None,
        })
        .unwrap();
        assert_eq!(m.chair.as_deref(), Some("Phạm Ngọc Đường"));
        assert_eq!(
            fact_lines(&m, "……"),
            [
                "Thời gian: bắt đầu lúc 19 giờ 30, ngày 05/11/2026.",
                "Địa điểm: Nhà văn hóa khu 2.",
                "Chủ trì: đồng chí Phạm Ngọc Đường.",
                "Thư ký: ……",
            ]
        );
        assert_eq!(
            closing_line(&m, "……").as_deref(),
            Some("Cuộc họp kết thúc lúc 21 giờ 00 cùng ngày.")
        );
        m.approval = Some(Approval::default());
        assert_eq!(fact_lines(&m, "……").len(), 3, "approved: no line to fill");
        let late = MeetingFacts {
            time: NaiveTime::from_hms_opt(19, 30, 0),
            end_time: NaiveTime::from_hms_opt(19, 0, 0),
            ..MeetingFacts::default()
        };
        assert_eq!(m.set_facts(late.clone()), Err(MinutesError::Approved));
        m.approval = None;
        assert_eq!(m.set_facts(late), Err(MinutesError::EndsBeforeStart));
    }

    #[test]
    fn assignments_print_in_the_official_wording_and_need_someone() {
        let mut m = meeting();
        let row = |who: &str, task: &str, due| Assignment {
            who: who.into(),
            task: task.into(),
            due,
        };
        assert_eq!(
            m.set_assignments(vec![row("", "thu đảng phí", None)]),
            Err(MinutesError::NobodyAssigned)
        );
        m.set_assignments(vec![
            row(
                "Ngô Thị Dung",
                "thu đảng phí quý IV.",
                Some(day(2026, 12, 30)),
            ),
            row("Lan", "  ", None),
            row("Lê Văn Hùng", "dọn vệ sinh nhà văn hóa", None),
        ])
        .unwrap();
        let printed: Vec<String> = m.assignments.iter().map(Assignment::printed).collect();
        assert_eq!(
            printed,
            [
                "Giao đồng chí Ngô Thị Dung: thu đảng phí quý IV; thời hạn hoàn thành: 30/12/2026.",
                "Giao đồng chí Lê Văn Hùng: dọn vệ sinh nhà văn hóa.",
            ]
        );
    }

    #[test]
    fn signers_come_from_the_fields_or_else_from_older_minutes_text() {
        let mut m = meeting();
        m.minutes = Some("Chủ trì: đồng chí Phạm Ngọc Đường, Bí thư Chi bộ\nThư ký: ...".into());
        assert_eq!(m.signers(), (Some("Phạm Ngọc Đường".into()), None));
        m.secretary = Some("Ngô Thị Dung".into());
        assert_eq!(
            m.signers(),
            (Some("Phạm Ngọc Đường".into()), Some("Ngô Thị Dung".into()))
        );
        assert!(is_old_placeholder("  - Ai: ... — Việc: ... — Hạn: ..."));
        assert!(!is_old_placeholder("- Ai: Lan — Việc: thu đảng phí"));
    }

    #[test]
    fn a_draft_is_offered_only_when_newer_and_different() {
        let at = |h| day(2026, 11, 7).and_hms_opt(h, 0, 0).unwrap();
        let draft = Draft {
            text: "b".into(),
            saved_at: at(20),
            by: "lan".into(),
        };
        assert!(draft.newer_than(None, None));
        assert!(draft.newer_than(Some("a"), Some(at(19))));
        assert!(!draft.newer_than(Some("b"), Some(at(19))));
        assert!(!draft.newer_than(Some("a"), Some(at(21))));
    }
}
