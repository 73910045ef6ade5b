//! Every word of `chibo report`, Vietnamese and English side by side: the columns (a
//! field name for programs, a heading in each language for people), the titles, the
//! sheets of a workbook and what a report says when it has nothing. Dates and months go
//! through `Lang::date` and `Lang::month`; statuses, roles and quotas are the domain's
//! words (`Compliance::label`, `RoleKind::title`, `Quota::label`), shared with the screens.

use chrono::NaiveDate;

use super::Period;
use crate::domain::{Lang, Quarter, YearMonth};
use crate::io::grid::{Column, column, share};

pub(super) const COMPLIANCE_COLUMNS: &[Column] = &[
    column("org", "Mã", "Code"),
    column("name", "Tên chi bộ", "Branch"),
    column("due", "Hạn họp", "Due"),
    column("held", "Ngày họp", "Held"),
    column("status", "Tình trạng", "Status"),
];

/// The figures of `chibo report attendance` (docs/data-format.md), after the fields that
/// say what they count (`org` and `month`, or a branch's `org`, `name` and period).
const ATTENDANCE_FIGURES: &[Column] = &[
    column("branches_due", "Chi bộ phải họp", "Branches due"),
    column("on_time", "Đúng ngày", "On time"),
    column("early", "Họp sớm", "Early"),
    column("late_within_grace", "Muộn trong hạn", "Late within grace"),
    column("held_out_of_rule", "Ngoài quy định", "Held out of rule"),
    column("overdue", "Quá hạn", "Overdue"),
    column("upcoming", "Sắp tới", "Upcoming"),
    column("meetings_held", "Họp thường kỳ", "Regular meetings"),
    column("thematic_held", "Họp chuyên đề", "Thematic meetings"),
    column(
        "meetings_without_roll",
        "Họp chưa điểm danh",
        "Meetings without roll",
    ),
    column("expected", "Phải dự", "Expected"),
    column("present", "Có mặt", "Present"),
    column("excused", "Vắng có phép", "Excused"),
    column("absent", "Vắng không phép", "Absent"),
    column("exempt", "Miễn sinh hoạt", "Exempt"),
    share("attendance_rate", "Tỉ lệ dự họp", "Attendance rate"),
    column("guest_visits", "Lượt dự từ cấp trên", "Guest visits"),
];

/// The columns of `chibo report attendance`: the subtree's code and month, the figures.
pub(super) fn attendance_columns() -> Vec<Column> {
    let mut columns = vec![
        column("org", "Mã", "Code"),
        column("month", "Tháng", "Month"),
    ];
    columns.extend_from_slice(ATTENDANCE_FIGURES);
    columns
}

/// The columns of `chibo report attendance --by branch`: the branch, the period, the
/// figures. Over a year a branch's `branches_due` counts the months it was due, and is
/// headed so for people.
pub(super) fn by_branch_columns(period: Period) -> Vec<Column> {
    let mut columns = vec![
        column("org", "Mã", "Code"),
        column("name", "Tên chi bộ", "Branch"),
    ];
    match period {
        Period::Month(_) => {
            columns.push(column("month", "Tháng", "Month"));
            columns.extend_from_slice(ATTENDANCE_FIGURES);
        }
        Period::Year(_) => {
            columns.push(column("year", "Năm", "Year"));
            columns.push(column("branches_due", "Số tháng phải họp", "Months due"));
            columns.extend_from_slice(&ATTENDANCE_FIGURES[1..]);
        }
    }
    columns
}

pub(super) const MEMBER_COLUMNS: &[Column] = &[
    column("org", "Mã", "Code"),
    column("month", "Tháng", "Month"),
    column("active", "Đang sinh hoạt", "Active"),
    column("exempt", "Miễn sinh hoạt", "Exempt"),
    column("temporarily_exempt", "Tạm miễn", "Temporarily exempt"),
    column("transferred_out", "Đã chuyển đi", "Transferred out"),
    column("removed", "Đã xóa tên", "Removed"),
    column("expelled", "Đã khai trừ", "Expelled"),
    column("deceased", "Đã từ trần", "Deceased"),
    column("on_roll", "Trong danh sách", "On the roll"),
];

pub(super) const OVERSIGHT_COLUMNS: &[Column] = &[
    column("org", "Mã", "Code"),
    column("role", "Chức vụ", "Role"),
    column("card", "Số thẻ", "Card"),
    column("name", "Họ và tên", "Name"),
    column("quota", "Chỉ tiêu", "Quota"),
    column("required", "Cả năm", "Required"),
    column("due_so_far", "Đến nay", "Due so far"),
    column("made", "Đã dự", "Made"),
    column("behind", "Chậm", "Behind"),
];

pub(super) const ABSENTEE_COLUMNS: &[Column] = &[
    column("card", "Số thẻ", "Card"),
    column("name", "Họ và tên", "Name"),
    column("org", "Chi bộ", "Branch"),
    column(
        "months",
        "Các tháng vắng không phép",
        "Months absent without leave",
    ),
];

/// One organisation of `chibo report classification`.
pub(super) const CLASSIFICATION_COLUMNS: &[Column] = &[
    column("org", "Mã", "Code"),
    column("name", "Tên tổ chức", "Organisation"),
    column("grade", "Xếp loại", "Grade"),
    column("score", "Điểm", "Score"),
];

/// The totals of `chibo report classification`: the units the organisation answers for,
/// then its members by grade (`members` of the JSON object, flattened).
pub(super) const CLASSIFICATION_TOTALS: &[Column] = &[
    column("org", "Mã", "Code"),
    column("year", "Năm", "Year"),
    column("units", "Đơn vị được xếp loại", "Units graded"),
    column("units_ungraded", "Đơn vị chưa xếp loại", "Units not graded"),
    column("good_or_better", "Tốt trở lên", "Good or better"),
    share("share", "Tỉ lệ tốt trở lên", "Share good or better"),
    share("target", "Chỉ tiêu", "Target"),
    column("meets_target", "Đạt chỉ tiêu", "Meets the target"),
    column(
        "members_excellent",
        "Đảng viên hoàn thành xuất sắc",
        "Members excellent",
    ),
    column("members_good", "Đảng viên hoàn thành tốt", "Members good"),
    column(
        "members_completed",
        "Đảng viên hoàn thành",
        "Members completed",
    ),
    column(
        "members_not_completed",
        "Đảng viên không hoàn thành",
        "Members not completed",
    ),
    column(
        "members_ungraded",
        "Đảng viên chưa xếp loại",
        "Members not graded",
    ),
];

/// A grade cell for people when there is none.
pub(super) fn ungraded(lang: Lang) -> &'static str {
    lang.pick("chưa xếp loại", "not graded")
}

pub(super) fn classification_title(name: &str, code: &str, year: i32, lang: Lang) -> String {
    lang.pick(
        format!("Xếp loại chất lượng năm {year} — {name} ({code})"),
        format!("Classification of {year} — {name} ({code})"),
    )
}

/// The sheet of each report's workbook.
#[derive(Debug, Clone, Copy)]
pub(super) enum Sheet {
    Compliance,
    Attendance,
    ByBranch,
    Members,
    Oversight,
    Absentees,
    Classification,
}

pub(super) fn sheet(sheet: Sheet, lang: Lang) -> &'static str {
    match sheet {
        Sheet::Compliance => lang.pick("Tuân thủ", "Compliance"),
        Sheet::Attendance => lang.pick("Dự họp", "Attendance"),
        Sheet::ByBranch => lang.pick("Dự họp theo chi bộ", "By branch"),
        Sheet::Members => lang.pick("Đảng viên", "Members"),
        Sheet::Oversight => lang.pick("Dự sinh hoạt", "Visits"),
        Sheet::Absentees => lang.pick("Vắng không phép", "Absentees"),
        Sheet::Classification => lang.pick("Xếp loại", "Classification"),
    }
}

pub(super) fn no_branches(lang: Lang) -> &'static str {
    lang.pick("Không có chi bộ nào.", "No branches.")
}

pub(super) fn nothing_to_report(lang: Lang) -> &'static str {
    lang.pick("Không có gì để báo cáo.", "Nothing to report.")
}

/// The heading of the compliance table's thematic column.
pub(super) fn thematic_heading(quarter: Quarter, lang: Lang) -> String {
    lang.pick(
        format!("Chuyên đề {quarter}"),
        format!("Thematic {quarter}"),
    )
}

/// The period in a title: "tháng 10/2026", "năm 2026"; "2026-10", "2026".
fn period(period: Period, lang: Lang) -> String {
    match period {
        Period::Month(m) => lang.pick(format!("tháng {}", lang.month(m)), m.to_string()),
        Period::Year(y) => lang.pick(format!("năm {y}"), format!("{y}")),
    }
}

/// `name` and `code` are the organisation's, sanitised.
pub(super) fn compliance_title(
    name: &str,
    code: &str,
    month: YearMonth,
    today: NaiveDate,
    lang: Lang,
) -> String {
    let (month, today) = (lang.month(month), lang.date(today));
    lang.pick(
        format!("Sinh hoạt chi bộ tháng {month} — {name} ({code}), tính đến ngày {today}"),
        format!("Branch meetings of {month} — {name} ({code}), as of {today}"),
    )
}

/// The subtree's report, or `by_branch` the table of its branches.
pub(super) fn attendance_title(
    name: &str,
    code: &str,
    when: Period,
    today: NaiveDate,
    by_branch: bool,
    lang: Lang,
) -> String {
    let (when, today) = (period(when, lang), lang.date(today));
    let (vi, en) = match by_branch {
        true => (" theo chi bộ", " by branch"),
        false => ("", ""),
    };
    lang.pick(
        format!("Sinh hoạt chi bộ và dự họp{vi} — {name} ({code}), {when}, tính đến ngày {today}"),
        format!("Branch meetings and attendance{en} — {name} ({code}), {when}, as of {today}"),
    )
}

pub(super) fn members_title(name: &str, code: &str, month: YearMonth, lang: Lang) -> String {
    let month = lang.month(month);
    lang.pick(
        format!("Đảng viên theo tình trạng cuối tháng {month} — {name} ({code})"),
        format!("Members by status at the end of {month} — {name} ({code})"),
    )
}

pub(super) fn oversight_title(year: i32, today: NaiveDate, lang: Lang) -> String {
    let today = lang.date(today);
    lang.pick(
        format!("Dự sinh hoạt chi bộ của cấp ủy cấp trên năm {year}, tính đến ngày {today}"),
        format!("Visits from above to branch meetings in {year}, as of {today}"),
    )
}

pub(super) fn absentees_title(name: &str, code: &str, year: i32, lang: Lang) -> String {
    lang.pick(
        format!(
            "Đảng viên vắng sinh hoạt thường kỳ không có lý do từ 3 tháng trở lên năm {year} — {name} ({code})"
        ),
        format!(
            "Members absent without leave from the regular meeting in 3 or more months of {year} — {name} ({code})"
        ),
    )
}

/// The name of the last row of a table by branch: the subtree's total.
pub(super) fn total(lang: Lang) -> &'static str {
    lang.pick("Tổng cộng", "Total")
}

/// The last row of a year's table: the whole year.
pub(super) fn whole_year(lang: Lang, year: i32) -> String {
    lang.pick(format!("Cả năm {year}"), format!("Year {year}"))
}
