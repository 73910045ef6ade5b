//! Every word the editing forms show, in Vietnamese and English side by side (as `i18n`
//! does for the screens): titles, labels, hints, what went wrong, what was done, and the
//! questions asked before anything destructive. Names and codes put into these sentences
//! are sanitised where they are drawn; in error messages they are quoted.

use std::ops::RangeInclusive;

use chrono::NaiveDate;

use crate::domain::date::out_of_range_words;
use crate::domain::text::quoted;
use crate::domain::{Lang, OrgKind};
use crate::ui::i18n;

/// Fixed labels and choices of the forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    Organisation,
    FullName,
    MeetingRule,
    DayOfMonth,
    Week,
    Weekday,
    GraceDays,
    DissolvedOn,
    NewStatus,
    StatusNow,
    From,
    Until,
    Reason,
    ReportsTo,
    RuleInherited,
    RuleDayOfMonth,
    RuleNthWeekday,
    NotGiven,
    NoCell,
    ConfirmTitle,
    PickerHint,
    CodeHint,
    RenameHint,
    DayHint,
    CardHint,
    GraceHint,
    FullMemberHint,
    UntilHint,
    TopLevel,
    PickBranch,
    PickMember,
    PickOrg,
    SameName,
    Gone,
    MeetingKindLabel,
    Meeting,
    PlannedFor,
    HeldOn,
    NewDay,
    Start,
    End,
    Place,
    Topic,
    TimeHint,
    TimePlaceholder,
    PickPlanned,
    PickHeld,
    PickBranchToOversee,
    EndsBeforeStart,
    RecordedGuest,
    ChecklistHint,
    ChooserHint,
    NoOneAbove,
    Graded,
    Year,
    Grade,
    Score,
    ScoreHint,
}

impl Word {
    pub fn get(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            Word::Organisation => ("Tổ chức", "Organisation"),
            Word::FullName => ("Họ và tên", "Full name"),
            Word::MeetingRule => ("Ngày sinh hoạt", "Meeting day"),
            Word::DayOfMonth => ("Ngày trong tháng", "Day of month"),
            Word::Week => ("Tuần thứ", "Week"),
            Word::Weekday => ("Thứ", "Weekday"),
            Word::GraceDays => ("Số ngày được lùi", "Days of grace"),
            Word::DissolvedOn => ("Ngày giải thể", "Dissolved on"),
            Word::NewStatus => ("Tình trạng mới", "New status"),
            Word::StatusNow => ("Hiện nay", "Now"),
            Word::From => ("Từ ngày", "From"),
            Word::Until => ("Đến ngày", "Until"),
            Word::Reason => ("Lý do", "Reason"),
            Word::ReportsTo => ("Trực thuộc", "Reports to"),
            Word::RuleInherited => ("theo cấp trên", "inherited"),
            Word::RuleDayOfMonth => ("một ngày trong tháng", "a day of the month"),
            Word::RuleNthWeekday => ("một thứ của tuần thứ n", "a weekday of the n-th week"),
            Word::NotGiven => ("chưa ghi", "not given"),
            Word::NoCell => ("không thuộc tổ nào", "no cell"),
            Word::ConfirmTitle => ("Xác nhận", "Confirm"),
            Word::PickerHint => (
                "Gõ tên hoặc mã của tổ chức cấp trên mới, có dấu hay không dấu.",
                "Type the name or the code of the new parent, with or without diacritics.",
            ),
            Word::CodeHint => (
                "Mã là định danh cố định: sau này không đổi được.",
                "Codes are stable identifiers: this one cannot change later.",
            ),
            Word::RenameHint => (
                "Chỉ đổi tên; mã giữ nguyên vì là định danh cố định.",
                "Only the name changes; the code stays: codes are stable identifiers.",
            ),
            Word::DayHint => (
                "Từ 1 đến 31; tháng không có ngày đó thì họp ngày cuối tháng.",
                "1 to 31; a month without that day meets on its last day.",
            ),
            Word::CardHint => (
                "Có thể đổi sang một số thẻ chưa ai dùng.",
                "May change to a card number no one else holds.",
            ),
            Word::GraceHint => (
                "Để trống: theo cấp trên (mặc định 2 ngày).",
                "Empty: inherited from above (2 days by default).",
            ),
            Word::FullMemberHint => (
                "Để trống khi còn là đảng viên dự bị.",
                "Empty while the member is probationary.",
            ),
            Word::UntilHint => (
                "Tạm miễn cần ngày kết thúc: từ ngày đó đảng viên sinh hoạt lại.",
                "A temporary exemption needs its end: the member is expected again from then.",
            ),
            Word::TopLevel => ("cấp cao nhất", "the top level"),
            Word::PickBranch => (
                "Chọn một chi bộ hoặc tổ đảng để thêm đảng viên.",
                "Select a branch or a cell to add a member to.",
            ),
            Word::PickMember => ("Chọn một đảng viên trước.", "Select a member first."),
            Word::PickOrg => ("Chọn một tổ chức trước.", "Select an organisation first."),
            Word::SameName => (
                "Tên mới giống tên cũ: không có gì để đổi.",
                "The new name is the old one: nothing to change.",
            ),
            Word::Gone => (
                "Không còn tìm thấy mục này (có thể vừa bị người khác thay đổi).",
                "That item is gone (someone may have just changed it).",
            ),
            Word::MeetingKindLabel => ("Loại cuộc họp", "Kind"),
            Word::Meeting => ("Cuộc họp", "Meeting"),
            Word::PlannedFor => ("Ngày họp dự kiến", "Planned for"),
            Word::HeldOn => ("Ngày đã họp", "Held on"),
            Word::NewDay => ("Ngày mới", "New day"),
            Word::Start => ("Bắt đầu", "Starts"),
            Word::End => ("Kết thúc", "Ends"),
            Word::Place => ("Địa điểm", "Place"),
            Word::Topic => ("Nội dung", "Topic"),
            Word::TimeHint => (
                "Giờ như 19:30, 19h30 hoặc 7 giờ 30 tối; để trống nếu chưa biết.",
                "A time such as 19:30, 19h30 or 7h30 tối; empty when not known.",
            ),
            Word::TimePlaceholder => ("hh:mm", "hh:mm"),
            Word::PickPlanned => (
                "Chọn một cuộc họp dự kiến trong danh sách trước.",
                "Select a planned meeting in the list first.",
            ),
            Word::PickHeld => (
                "Chọn một cuộc họp đã họp trong danh sách trước.",
                "Select a meeting that was held in the list first.",
            ),
            Word::PickBranchToOversee => (
                "Chọn một chi bộ để phân công theo dõi.",
                "Select a branch to assign someone to oversee.",
            ),
            Word::EndsBeforeStart => (
                "Giờ kết thúc phải sau giờ bắt đầu",
                "A meeting must end after it starts",
            ),
            Word::RecordedGuest => ("khách đã ghi", "recorded guest"),
            Word::ChecklistHint => (
                "Space đánh dấu hoặc bỏ; Enter lưu; Esc đóng.",
                "Space ticks or unticks; Enter saves; Esc closes.",
            ),
            Word::ChooserHint => (
                "Enter chọn người đang trỏ; Esc đóng.",
                "Enter chooses the one under the cursor; Esc closes.",
            ),
            Word::NoOneAbove => (
                "Không có cấp ủy viên cấp trên nào.",
                "No committee members above.",
            ),
            Word::Graded => ("Xếp loại cho", "Graded"),
            Word::Year => ("Năm", "Year"),
            Word::Grade => ("Mức xếp loại", "Grade"),
            Word::Score => ("Điểm (thang 100)", "Score (of 100)"),
            Word::ScoreHint => (
                "≥ 90 xuất sắc, 70–89 tốt, 50–69 hoàn thành; để trống nếu không chấm điểm",
                "≥ 90 excellent, 70–89 good, 50–69 completed; empty when not scored",
            ),
        };
        lang.pick(vi, en)
    }
}

pub fn add_org_title(lang: Lang, parent: Option<&str>) -> String {
    match parent {
        Some(parent) => lang.pick(
            format!("Thêm tổ chức trực thuộc {parent}"),
            format!("New organisation under {parent}"),
        ),
        None => lang.pick(
            "Thêm tổ chức cấp cao nhất".to_string(),
            "New top-level organisation".to_string(),
        ),
    }
}

pub fn grade_title(lang: Lang, name: &str) -> String {
    lang.pick(
        format!("Xếp loại chất lượng {name}"),
        format!("Classify {name}"),
    )
}

pub fn bad_year(lang: Lang, text: &str) -> String {
    let text = quoted(text);
    lang.pick(
        format!("Năm: {text} không phải là một năm"),
        format!("Year: {text} is not a year"),
    )
}

/// The year's grade already recorded, which saving replaces.
pub fn grade_replaces(lang: Lang, year: i32, grade: &str) -> String {
    lang.pick(
        format!("Năm {year} đã xếp loại: {grade}; lưu sẽ thay thế."),
        format!("{year} is graded already: {grade}; saving replaces it."),
    )
}

/// A year not graded yet, the fields still holding the grade of `from`.
pub fn grade_of_another_year(lang: Lang, year: i32, from: i32) -> String {
    lang.pick(
        format!("Năm {year} chưa xếp loại; xếp loại và điểm đang là của năm {from}: hãy chọn lại."),
        format!("{year} is not graded; the grade and score shown are {from}'s: choose them again."),
    )
}

pub fn grade_recorded(lang: Lang, name: &str, year: i32, grade: &str) -> String {
    lang.pick(
        format!("Đã ghi xếp loại năm {year} của {name}: {grade}."),
        format!("Recorded for {name}, {year}: {grade}."),
    )
}

pub fn rename_title(lang: Lang, name: &str) -> String {
    lang.pick(format!("Đổi tên {name}"), format!("Rename {name}"))
}

pub fn dissolve_title(lang: Lang, name: &str) -> String {
    lang.pick(format!("Giải thể {name}"), format!("Dissolve {name}"))
}

pub fn move_title(lang: Lang, name: &str) -> String {
    lang.pick(
        format!("Chuyển {name} — chọn tổ chức cấp trên mới"),
        format!("Move {name} — choose its new parent"),
    )
}

pub fn add_member_title(lang: Lang, branch: &str) -> String {
    lang.pick(
        format!("Thêm đảng viên vào {branch}"),
        format!("New member of {branch}"),
    )
}

pub fn edit_member_title(lang: Lang, name: &str) -> String {
    lang.pick(format!("Sửa hồ sơ {name}"), format!("Edit {name}"))
}

pub fn status_title(lang: Lang, name: &str) -> String {
    lang.pick(
        format!("Thay đổi tình trạng của {name}"),
        format!("Change the status of {name}"),
    )
}

pub fn date_placeholder(lang: Lang) -> &'static str {
    lang.pick("ngày/tháng/năm", "yyyy-mm-dd")
}

pub fn date_hint(lang: Lang) -> &'static str {
    lang.pick(
        "Nhập ngày/tháng/năm, như 30/11/2026 (hoặc 2026-11-30); Ctrl-u xóa.",
        "A date as YYYY-MM-DD or DD/MM/YYYY; Ctrl-u clears.",
    )
}

/// Under a choice field: the keys that change it.
pub fn choice_hint(lang: Lang, keys: &str) -> String {
    lang.pick(
        format!("{keys} hoặc Space để đổi; gõ vài chữ đầu của tên để tìm."),
        format!("{keys} or Space to change; type the start of a name to find it."),
    )
}

/// The line under a confirmation: its keys.
pub fn confirm_keys(lang: Lang, yes: &str, no: &str) -> String {
    lang.pick(
        format!("{yes} đồng ý    {no} quay lại"),
        format!("{yes} yes    {no} go back"),
    )
}

pub fn empty(lang: Lang, label: &str) -> String {
    lang.pick(
        format!("{label}: không được để trống"),
        format!("{label}: must not be empty"),
    )
}

pub fn unsafe_text(lang: Lang, label: &str) -> String {
    lang.pick(
        format!("{label}: có ký tự điều khiển, không lưu được"),
        format!("{label}: contains control characters; not saved"),
    )
}

pub fn bad_date(lang: Lang, label: &str, text: &str) -> String {
    let text = quoted(text);
    lang.pick(
        format!("{label}: {text} không phải là ngày hợp lệ — nhập ngày/tháng/năm, như 30/11/2026"),
        format!("{label}: {text} is not a date — type YYYY-MM-DD or DD/MM/YYYY"),
    )
}

pub fn date_out_of_range(lang: Lang, label: &str, text: &str) -> String {
    format!("{label}: {} {}", quoted(text), out_of_range_words(lang))
}

pub fn bad_number(lang: Lang, label: &str, text: &str, range: RangeInclusive<u8>) -> String {
    let (text, low, high) = (quoted(text), range.start(), range.end());
    lang.pick(
        format!("{label}: {text} không phải là số từ {low} đến {high}"),
        format!("{label}: {text} is not a number from {low} to {high}"),
    )
}

pub fn code_taken(lang: Lang, code: &str, holder: &str) -> String {
    let (code, holder) = (quoted(code), quoted(holder));
    lang.pick(
        format!("Mã {code} đã được dùng cho {holder}"),
        format!("The code {code} already belongs to {holder}"),
    )
}

pub fn card_taken(lang: Lang, card: &str, holder: &str) -> String {
    let (card, holder) = (quoted(card), quoted(holder));
    lang.pick(
        format!("Số thẻ {card} đã được cấp cho {holder}"),
        format!("The party card {card} already belongs to {holder}"),
    )
}

pub fn nothing_under(lang: Lang, parent: OrgKind) -> String {
    let parent = i18n::kind(lang, parent, false);
    lang.pick(
        format!("Không thể thêm tổ chức nào dưới một {parent}."),
        format!("Nothing can be added under a {parent}."),
    )
}

pub fn added_org(lang: Lang, name: &str, code: &str) -> String {
    lang.pick(
        format!("Đã thêm {name} ({code})."),
        format!("Added {name} ({code})."),
    )
}

pub fn renamed(lang: Lang, old: &str, new: &str) -> String {
    lang.pick(
        format!("Đã đổi tên {old} thành {new}."),
        format!("Renamed {old} to {new}."),
    )
}

pub fn moved(lang: Lang, name: &str, to: &str) -> String {
    lang.pick(
        format!("Đã chuyển {name} sang {to}."),
        format!("Moved {name} to {to}."),
    )
}

pub fn dissolved(lang: Lang, name: &str, on: NaiveDate) -> String {
    let on = i18n::date(lang, on);
    lang.pick(
        format!("Đã giải thể {name} từ ngày {on}; lịch sử được giữ lại."),
        format!("Dissolved {name} on {on}; its history is kept."),
    )
}

pub fn added_member(lang: Lang, name: &str, branch: &str) -> String {
    lang.pick(
        format!("Đã thêm đảng viên {name} vào {branch}."),
        format!("Added {name} to {branch}."),
    )
}

pub fn saved_member(lang: Lang, name: &str) -> String {
    lang.pick(
        format!("Đã lưu hồ sơ {name}."),
        format!("Saved the record of {name}."),
    )
}

pub fn status_recorded(lang: Lang, name: &str, status: &str, from: NaiveDate) -> String {
    let from = i18n::date(lang, from);
    lang.pick(
        format!("Đã ghi nhận {name}: {status} từ ngày {from}."),
        format!("Recorded for {name}: {status} from {from}."),
    )
}

/// Asked before dissolving.
pub fn dissolve_question(
    lang: Lang,
    (name, code): (&str, &str),
    on: NaiveDate,
    members: u32,
) -> Vec<String> {
    let on = i18n::date(lang, on);
    vec![
        lang.pick(
            format!("Giải thể {name} ({code}) từ ngày {on}?"),
            format!("Dissolve {name} ({code}) on {on}?"),
        ),
        lang.pick(
            format!(
                "Tổ chức được đánh dấu đã giải thể; lịch sử sinh hoạt và hồ sơ {members} đảng viên được giữ lại."
            ),
            format!(
                "It is marked dissolved; its meeting history and the records of its {members} members are kept."
            ),
        ),
    ]
}

/// Asked before moving.
pub fn move_question(
    lang: Lang,
    (name, code): (&str, &str),
    (from, to): (&str, &str),
    members: u32,
) -> Vec<String> {
    vec![
        lang.pick(
            format!("Chuyển {name} ({code}) từ {from} sang {to}?"),
            format!("Move {name} ({code}) from {from} to {to}?"),
        ),
        lang.pick(
            format!(
                "{members} đảng viên, các tổ chức trực thuộc và lịch sử sinh hoạt chuyển theo."
            ),
            format!(
                "Its {members} members, the units below it and its meeting history move with it."
            ),
        ),
    ]
}

/// Asked before a status that takes a member off the roll.
pub fn off_roll_question(
    lang: Lang,
    (name, card): (&str, &str),
    status: &str,
    from: NaiveDate,
) -> Vec<String> {
    let from = i18n::date(lang, from);
    vec![
        lang.pick(
            format!("Ghi nhận {name} ({card}) {status} từ ngày {from}?"),
            format!("Record {name} ({card}) as {status} from {from}?"),
        ),
        lang.pick(
            "Đảng viên sẽ ra khỏi danh sách sinh hoạt của chi bộ; lịch sử vẫn được giữ."
                .to_string(),
            "The member leaves the branch's roll; the history is kept.".to_string(),
        ),
    ]
}

pub fn plan_title(lang: Lang, org: &str) -> String {
    lang.pick(
        format!("Lên lịch họp — {org}"),
        format!("Plan a meeting — {org}"),
    )
}

pub fn record_title(lang: Lang, org: &str) -> String {
    lang.pick(
        format!("Ghi nhận cuộc họp đã họp — {org}"),
        format!("Record a meeting held — {org}"),
    )
}

pub fn reschedule_title(lang: Lang, org: &str) -> String {
    lang.pick(
        format!("Dời lịch họp — {org}"),
        format!("Move a planned meeting — {org}"),
    )
}

pub fn hold_title(lang: Lang, org: &str) -> String {
    lang.pick(
        format!("Ghi nhận đã họp — {org}"),
        format!("Record as held — {org}"),
    )
}

pub fn guests_title(lang: Lang, org: &str, day: NaiveDate) -> String {
    let day = i18n::date(lang, day);
    lang.pick(
        format!("Khách cấp trên dự sinh hoạt — {org}, {day}"),
        format!("Guests from above — {org}, {day}"),
    )
}

pub fn assign_title(lang: Lang, branch: &str) -> String {
    lang.pick(
        format!("Phân công theo dõi {branch}"),
        format!("Assign someone to oversee {branch}"),
    )
}

/// "Sinh hoạt thường kỳ, dự kiến 05/12/2026".
pub fn meeting_words(lang: Lang, kind: &str, state: &str, day: NaiveDate) -> String {
    format!("{kind}, {state} {}", i18n::date(lang, day))
}

pub fn time_placeholder(lang: Lang) -> &'static str {
    Word::TimePlaceholder.get(lang)
}

pub fn bad_time(lang: Lang, label: &str, text: &str) -> String {
    let text = quoted(text);
    lang.pick(
        format!(
            "{label}: {text} không phải là giờ hợp lệ — nhập dạng 19:30, 19h30 hoặc 7 giờ 30 tối"
        ),
        format!("{label}: {text} is not a time — type it as 19:30, 19h30 or 7h30 tối"),
    )
}

pub fn held_in_future(lang: Lang, today: NaiveDate) -> String {
    let today = i18n::date(lang, today);
    lang.pick(
        format!("Không thể ghi là đã họp vào một ngày sau hôm nay ({today})"),
        format!("A meeting cannot have been held after today ({today})"),
    )
}

pub fn planned_in_past(lang: Lang, day: NaiveDate) -> String {
    let day = i18n::date(lang, day);
    lang.pick(
        format!("Ngày {day} đã qua: cuộc họp đã diễn ra thì ghi nhận là đã họp"),
        format!("{day} is past: record a meeting that took place as held"),
    )
}

/// The warning shown while a committee plans on a day its branches meet.
pub fn clash_warning(lang: Lang, branches: &[String]) -> String {
    let n = branches.len();
    let names = name_list(branches, 3);
    lang.pick(
        format!("▲ Trùng ngày sinh hoạt của {n} chi bộ: {names}"),
        format!("▲ The meeting day of {n} branches: {names}"),
    )
}

/// "a, b, c và 11 chi bộ khác".
fn name_list(names: &[String], most: usize) -> String {
    let shown = names
        .iter()
        .take(most)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    match names.len().saturating_sub(most) {
        0 => shown,
        more => format!("{shown} (+{more})"),
    }
}

/// Asked before planning on a day branches meet.
pub fn clash_question(
    lang: Lang,
    (kind, org): (&str, &str),
    day: NaiveDate,
    branches: &[String],
) -> Vec<String> {
    let (n, day) = (branches.len(), i18n::date(lang, day));
    let names = name_list(branches, 5);
    vec![
        lang.pick(
            format!("Lên lịch {kind} của {org} ngày {day}, trùng ngày sinh hoạt của {n} chi bộ?"),
            format!("Plan the {kind} of {org} on {day}, the meeting day of {n} branches?"),
        ),
        lang.pick(
            format!(
                "Cấp trên không bố trí hội nghị, hoạt động vào ngày chi bộ sinh hoạt: {names}."
            ),
            format!("Committees keep the branches' meeting day free: {names}."),
        ),
    ]
}

pub fn planned(lang: Lang, kind: &str, org: &str, day: NaiveDate) -> String {
    let day = i18n::date(lang, day);
    lang.pick(
        format!("Đã lên lịch {kind} của {org} ngày {day}."),
        format!("Planned: {kind} of {org} on {day}."),
    )
}

pub fn clashing_planned(lang: Lang, kind: &str, org: &str, day: NaiveDate, n: usize) -> String {
    let day = i18n::date(lang, day);
    lang.pick(
        format!("Đã lên lịch {kind} của {org} ngày {day}, trùng ngày sinh hoạt của {n} chi bộ."),
        format!("Planned: {kind} of {org} on {day}, the meeting day of {n} branches."),
    )
}

pub fn rescheduled(lang: Lang, kind: &str, org: &str, from: NaiveDate, to: NaiveDate) -> String {
    let (from, to) = (i18n::date(lang, from), i18n::date(lang, to));
    lang.pick(
        format!("Đã dời {kind} của {org} từ {from} sang {to}."),
        format!("Moved the {kind} of {org} from {from} to {to}."),
    )
}

pub fn recorded_held(lang: Lang, kind: &str, org: &str, day: NaiveDate) -> String {
    let day = i18n::date(lang, day);
    lang.pick(
        format!("Đã ghi nhận {kind} của {org} đã họp ngày {day}."),
        format!("Recorded: {kind} of {org} held on {day}."),
    )
}

pub fn cancel_question(lang: Lang, kind: &str, org: &str, day: NaiveDate) -> Vec<String> {
    let day = i18n::date(lang, day);
    vec![
        lang.pick(
            format!("Hủy {kind} của {org} dự kiến ngày {day}?"),
            format!("Cancel the {kind} of {org} planned for {day}?"),
        ),
        lang.pick(
            "Cuộc họp được đánh dấu đã hủy và vẫn còn trong lịch sử.".to_string(),
            "It is marked cancelled and stays in the history.".to_string(),
        ),
    ]
}

pub fn cancelled(lang: Lang, kind: &str, org: &str, day: NaiveDate) -> String {
    let day = i18n::date(lang, day);
    lang.pick(
        format!("Đã hủy {kind} của {org} ngày {day}."),
        format!("Cancelled the {kind} of {org} on {day}."),
    )
}

pub fn guests_recorded(lang: Lang, guests: usize, org: &str, day: NaiveDate) -> String {
    let day = i18n::date(lang, day);
    lang.pick(
        format!("Đã ghi {guests} khách cấp trên dự sinh hoạt {org} ngày {day}."),
        format!("Recorded {guests} guests from above at {org} on {day}."),
    )
}

pub fn assigned(lang: Lang, member: &str, branch: &str, from: NaiveDate) -> String {
    let from = i18n::date(lang, from);
    lang.pick(
        format!("Đã phân công {member} theo dõi {branch} từ {from}."),
        format!("{member} oversees {branch} from {from}."),
    )
}

/// What a committee member is above a branch: "Phó BT Thường trực, Đảng ủy phường Hồng Gai".
pub fn role_in(role: &str, org: &str) -> String {
    format!("{role}, {org}")
}

pub fn overseeing(lang: Lang) -> &'static str {
    lang.pick("đang theo dõi", "oversees it")
}
