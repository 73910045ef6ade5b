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

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::date::format_clock;
use super::lang::Lang;
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

    /// The form a new meeting's minutes start from: the opening filled from the meeting,
    /// last month's assignments under the review (they are what is reviewed), and a prompt
    /// line in the sections whose shape the form fixes.
    pub fn template(facts: &TemplateFacts<'_>) -> MinutesText {
        let mut minutes = MinutesText::default();
        minutes.set(Section::Opening, opening_lines(facts));
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
        minutes.set(
            Section::Resolution,
            "Biểu quyết: ... tán thành, ... không tán thành, ... không biểu quyết.",
        );
        minutes.set(Section::Assignments, "- Ai: ... — Việc: ... — Hạn: ...");
        minutes.set(
            Section::Closing,
            "Cuộc họp kết thúc lúc ... giờ ... cùng ngày. Biên bản đã được đọc lại cho \
             chi bộ nghe và nhất trí thông qua.",
        );
        minutes
    }
}

/// What the template is filled from.
#[derive(Debug, Clone, Default)]
pub struct TemplateFacts<'a> {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub place: Option<&'a str>,
    pub chair: Option<&'a str>,
    pub secretary: Option<&'a str>,
    /// The assignments section of the organisation's previous regular meeting.
    pub previous_assignments: Option<&'a str>,
}

fn opening_lines(facts: &TemplateFacts<'_>) -> String {
    let when = match facts.time {
        Some(time) => format!(
            "{}, ngày {}",
            format_clock(time),
            facts.date.format("%d/%m/%Y")
        ),
        None => format!("ngày {}", facts.date.format("%d/%m/%Y")),
    };
    let or_blank = |value: Option<&str>| value.unwrap_or("...").to_string();
    [
        format!("Thời gian: {when}"),
        format!("Địa điểm: {}", or_blank(facts.place)),
        format!("Chủ trì: {}", or_blank(facts.chair)),
        format!("Thư ký: {}", or_blank(facts.secretary)),
    ]
    .join("\n")
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
    fn the_template_carries_the_meeting_and_last_months_assignments() {
        let facts = TemplateFacts {
            date: day(2026, 1, 7),
            time: NaiveTime::from_hms_opt(19, 30, 0),
            place: Some("Nhà văn hóa khu 2"),
            chair: Some("đồng chí Phạm Ngọc Đường"),
            secretary: None,
            previous_assignments: Some("- Ai: Lan — Việc: thu đảng phí — Hạn: 30/12\n"),
        };
        let minutes = MinutesText::template(&facts);
        assert_eq!(
            minutes.section(Section::Opening),
            "Thời gian: 19:30, ngày 07/01/2026\nĐịa điểm: Nhà văn hóa khu 2\n\
             Chủ trì: đồng chí Phạm Ngọc Đường\nThư ký: ..."
        );
        assert_eq!(
            minutes.section(Section::Review),
            "Kiểm điểm việc thực hiện nghị quyết tháng 12/2025:\nViệc đã phân công tháng trước:\n\
             - Ai: Lan — Việc: thu đảng phí — Hạn: 30/12"
        );
        assert!(minutes.section(Section::Tasks).contains("01/2026"));
        assert!(!minutes.is_blank());
        assert_eq!(
            chair_and_secretary(&minutes),
            (Some("đồng chí Phạm Ngọc Đường".to_string()), None)
        );
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
