//! Every string the full-screen app shows, in Vietnamese and English side by side. Screens
//! never hold literal words: they ask here, so `--lang en` switches all of them.

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};

use super::keymap::{Action, Context, KeymapError};
use crate::domain::{
    BranchType, Compliance, Lang, MeetingKind, MeetingState, MemberStatus, OrgKind, RoleKind,
    ScheduleRule, Sex, Thematic, YearMonth,
};

pub mod prep;

/// Fixed words and sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    TreeTitle,
    MembersTitle,
    InfoTitle,
    ColName,
    ColKind,
    ColBranches,
    ColBranchesWide,
    ColMembers,
    ColMembersWide,
    ColExempt,
    ColExemptWide,
    ColCard,
    ColBorn,
    ColCell,
    ColStatus,
    NoOrgs,
    NoMembers,
    PickABranch,
    Dissolved,
    Code,
    Kind,
    BranchTypeLabel,
    Parent,
    MeetingDay,
    MeetingDayUnset,
    Founded,
    DissolvedOn,
    Units,
    Card,
    SexLabel,
    Born,
    Admitted,
    FullMember,
    Branch,
    Cell,
    Phone,
    Residence,
    StatusToday,
    StatusHistory,
    Roles,
    Oversight,
    NothingRecorded,
    SinceAdmission,
    SearchTitle,
    SearchHint,
    SearchNoResults,
    SearchOrgs,
    SearchMembers,
    HelpTitle,
    KindsLegend,
    Reloaded,
    NotFound,
    NotNow,
    Probationary,
    ProbationaryShort,
    Unknown,
    MeetingsTitle,
    MeetingsOfMonth,
    NoMeetings,
    UnitsTitle,
    NoUnits,
    ColDue,
    ColHeld,
    ColPlanned,
    ColThematic,
    ColRole,
    ColQuota,
    ColMade,
    ColDueSoFar,
    Legend,
    Overseers,
    NoOverseer,
    Today,
    MarkPlanned,
    MarkOtherHeld,
    MarkCancelled,
    MarkClash,
    QuotaBehind,
    QuotaOnTrack,
    QuotaNone,
    NoQuotaRoles,
    Branches,
    Organisation,
    PickAnOrg,
    FirstPlanned,
    Place,
    Topic,
    Guests,
    BranchesByStatus,
    Classifications,
    WritesResumed,
}

impl Text {
    pub fn get(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            Text::TreeTitle => ("Tổ chức", "Organisations"),
            Text::MembersTitle => ("Đảng viên", "Members"),
            Text::InfoTitle => ("Thông tin", "Details"),
            Text::ColName => ("Tên", "Name"),
            Text::ColKind => ("Cấp", "Kind"),
            Text::ColBranches => ("CB", "Br"),
            Text::ColBranchesWide => ("Chi bộ", "Branches"),
            Text::ColMembers => ("ĐV", "Mem"),
            Text::ColMembersWide => ("Đảng viên", "Members"),
            Text::ColExempt => ("Miễn", "Exm"),
            Text::ColExemptWide => ("Miễn SH", "Exempt"),
            Text::ColCard => ("Số thẻ", "Card"),
            Text::ColBorn => ("Năm sinh", "Born"),
            Text::ColCell => ("Tổ đảng", "Cell"),
            Text::ColStatus => ("Tình trạng", "Status"),
            Text::NoOrgs => (
                "Chưa có tổ chức nào. Nhập dữ liệu bằng `chibo import TỆP`.",
                "No organisations yet. Import a file with `chibo import FILE`.",
            ),
            Text::NoMembers => ("Chưa có đảng viên.", "No members."),
            Text::PickABranch => (
                "Chọn một chi bộ hoặc tổ đảng để xem danh sách đảng viên.",
                "Select a branch or a cell to see its members.",
            ),
            Text::Dissolved => ("(đã giải thể)", "(dissolved)"),
            Text::Code => ("Mã", "Code"),
            Text::Kind => ("Cấp", "Kind"),
            Text::BranchTypeLabel => ("Loại chi bộ", "Branch type"),
            Text::Parent => ("Trực thuộc", "Reports to"),
            Text::MeetingDay => ("Ngày sinh hoạt", "Meeting day"),
            Text::MeetingDayUnset => ("chưa quy định", "not set"),
            Text::Founded => ("Thành lập", "Founded"),
            Text::DissolvedOn => ("Giải thể", "Dissolved"),
            Text::Units => ("Tổ chức trực thuộc", "Units below"),
            Text::Card => ("Số thẻ đảng viên", "Party card"),
            Text::SexLabel => ("Giới tính", "Sex"),
            Text::Born => ("Ngày sinh", "Born"),
            Text::Admitted => ("Ngày vào Đảng", "Admitted"),
            Text::FullMember => ("Ngày chính thức", "Full member"),
            Text::Branch => ("Chi bộ", "Branch"),
            Text::Cell => ("Tổ đảng", "Cell"),
            Text::Phone => ("Điện thoại", "Phone"),
            Text::Residence => ("Nơi cư trú", "Residence"),
            Text::StatusToday => ("Tình trạng", "Status"),
            Text::StatusHistory => ("Quá trình sinh hoạt", "Status history"),
            Text::Roles => ("Chức vụ", "Roles"),
            Text::Oversight => ("Phân công theo dõi chi bộ", "Branches overseen"),
            Text::NothingRecorded => ("không có", "none"),
            Text::SinceAdmission => ("đang sinh hoạt từ khi vào Đảng", "active since admission"),
            Text::SearchTitle => ("Tìm kiếm", "Search"),
            Text::SearchHint => (
                "Gõ một phần tên đảng viên hoặc tổ chức, có dấu hay không dấu: nguyen van, dang, hong gai",
                "Type any part of a member's or an organisation's name, with or without diacritics: nguyen van, dang, hong gai",
            ),
            Text::SearchNoResults => ("Không tìm thấy.", "Nothing found."),
            Text::SearchOrgs => ("Tổ chức", "Organisations"),
            Text::SearchMembers => ("Đảng viên", "Members"),
            Text::HelpTitle => ("Phím tắt", "Keys"),
            Text::KindsLegend => ("Cấp tổ chức", "Kinds of organisation"),
            Text::Reloaded => ("Đã đọc lại dữ liệu.", "Reloaded."),
            Text::NotFound => (
                "Không còn tìm thấy mục này (có thể vừa bị xóa hoặc chuyển).",
                "That item is gone (it may have just been removed or moved).",
            ),
            Text::NotNow => (
                "Phím này không dùng được lúc này.",
                "That key does nothing here now.",
            ),
            Text::Probationary => ("dự bị", "probationary"),
            Text::ProbationaryShort => ("dự bị", "prob."),
            Text::Unknown => ("—", "—"),
            Text::MeetingsTitle => ("Lịch họp", "Meetings"),
            Text::MeetingsOfMonth => ("Cuộc họp trong tháng", "Meetings this month"),
            Text::NoMeetings => ("Chưa có cuộc họp nào.", "No meetings."),
            Text::UnitsTitle => ("Đơn vị trực thuộc", "Units below"),
            Text::NoUnits => ("Không có đơn vị trực thuộc.", "No units below."),
            Text::ColDue => ("Hạn", "Due"),
            Text::ColHeld => ("Đã họp", "Held"),
            Text::ColPlanned => ("Dự kiến", "Planned"),
            Text::ColThematic => ("Chuyên đề", "Thematic"),
            Text::ColRole => ("Chức vụ", "Role"),
            Text::ColQuota => ("Định mức", "Quota"),
            Text::ColMade => ("Đã dự", "Made"),
            Text::ColDueSoFar => ("Cần đến nay", "Due so far"),
            Text::Legend => ("Chú giải", "Legend"),
            Text::Overseers => ("Theo dõi", "Overseen by"),
            Text::NoOverseer => ("chưa phân công", "no one assigned"),
            Text::Today => ("hôm nay", "today"),
            Text::MarkPlanned => ("dự kiến", "planned"),
            Text::MarkOtherHeld => ("họp khác đã họp", "other meeting held"),
            Text::MarkCancelled => ("đã hủy", "cancelled"),
            Text::MarkClash => ("trùng ngày chi bộ họp", "clashes with branches"),
            Text::QuotaBehind => ("chậm so với định mức", "behind the quota"),
            Text::QuotaOnTrack => ("đủ định mức đến nay", "on track"),
            Text::QuotaNone => ("không có định mức", "no quota"),
            Text::NoQuotaRoles => (
                "Không có cấp ủy viên nào ở đây.",
                "No committee members here.",
            ),
            Text::Branches => ("chi bộ", "branches"),
            Text::Organisation => ("Tổ chức", "Organisation"),
            Text::PickAnOrg => ("Chọn một tổ chức trước.", "Select an organisation first."),
            Text::FirstPlanned => ("Dự kiến ban đầu", "First planned for"),
            Text::Place => ("Địa điểm", "Place"),
            Text::Topic => ("Nội dung", "Topic"),
            Text::Guests => ("Cấp trên dự", "Guests from above"),
            Text::BranchesByStatus => ("Chi bộ theo tình trạng", "Branches by status"),
            Text::Classifications => ("Xếp loại chất lượng", "Yearly classification"),
            Text::WritesResumed => (
                "Cơ sở dữ liệu đã ghi được trở lại.",
                "The database takes writes again.",
            ),
        };
        lang.pick(vi, en)
    }
}

/// What an App that ends says when what was typed may not be in the database: the disk
/// failed (in its own words), or a write of it was refused (`error`'s words).
pub fn unsaved_on_exit(lang: Lang, error: &crate::store::StoreError) -> String {
    use crate::store::StoreError as E;
    match error {
        E::WriteFailed(detail)
        | E::Storage(detail)
        | E::WritesStopped { detail, .. } => lang.pick(
            format!(
                "không ghi được vào cơ sở dữ liệu ({detail}): những gì gõ sau lần lưu cuối có thể chưa được lưu"
            ),
            format!(
                "the database could not be written ({detail}): what was typed since the last save may not be saved"
            ),
        ),
        other => lang.pick(
            format!("những gì gõ sau lần lưu cuối chưa được lưu: {}", other.message(lang)),
            format!("what was typed since the last save is not saved: {}", other.message(lang)),
        ),
    }
}

/// Said on the terminal while an App that ended waits (at most `limit`) for the store to
/// write what it handed in.
pub fn waiting_for_writes(lang: Lang, limit: std::time::Duration) -> String {
    let secs = limit.as_secs();
    lang.pick(
        format!("chibo: đang chờ cơ sở dữ liệu ghi được những gì vừa gõ (tối đa {secs} giây)…"),
        format!("chibo: waiting for the database to take what was typed last (up to {secs} s)…"),
    )
}

/// The kind of an organisation; `short` for the tree's narrow column.
pub fn kind(lang: Lang, kind: OrgKind, short: bool) -> &'static str {
    kind.label(lang, short)
}

pub fn branch_type(lang: Lang, t: BranchType) -> &'static str {
    let (vi, en) = match t {
        BranchType::Residential => ("thôn, khu dân cư", "residential"),
        BranchType::School => ("trường học", "school"),
        BranchType::Agency => ("cơ quan", "agency"),
        BranchType::Enterprise => ("doanh nghiệp", "enterprise"),
        BranchType::ArmedForces => ("lực lượng vũ trang", "armed forces"),
        BranchType::Other => ("khác", "other"),
    };
    lang.pick(vi, en)
}

pub fn sex(lang: Lang, s: Sex) -> &'static str {
    match s {
        Sex::Male => lang.pick("nam", "male"),
        Sex::Female => lang.pick("nữ", "female"),
    }
}

/// A member's status in words; `short` for a narrow roster.
pub fn status(lang: Lang, s: MemberStatus, short: bool) -> &'static str {
    let (vi, en, vi_short, en_short) = match s {
        MemberStatus::Active => ("đang sinh hoạt", "active", "", ""),
        MemberStatus::Exempt => ("miễn sinh hoạt", "exempt", "miễn SH", "exempt"),
        MemberStatus::TemporarilyExempt => ("tạm miễn", "temporarily exempt", "tạm", "temp"),
        MemberStatus::TransferredOut => (
            "đã chuyển sinh hoạt",
            "transferred out",
            "chuyển đi",
            "moved out",
        ),
        MemberStatus::Removed => ("đã xóa tên", "removed from the rolls", "xóa tên", "removed"),
        MemberStatus::Expelled => ("đã khai trừ", "expelled", "khai trừ", "expelled"),
        MemberStatus::Deceased => ("đã từ trần", "deceased", "từ trần", "deceased"),
    };
    if short {
        lang.pick(vi_short, en_short)
    } else {
        lang.pick(vi, en)
    }
}

/// "until D" after a temporary exemption; `short` joins it to a short status: "tạm→22/02/27".
pub fn until(lang: Lang, day: NaiveDate, short: bool) -> String {
    if short {
        format!("→{}", short_date(lang, day))
    } else {
        lang.pick(
            format!("đến {}", date(lang, day)),
            format!("until {}", date(lang, day)),
        )
    }
}

/// "from D" (and "to D") for a dated span.
pub fn span(lang: Lang, from: NaiveDate, to: Option<NaiveDate>) -> String {
    match to {
        None => lang.pick(
            format!("từ {}", date(lang, from)),
            format!("from {}", date(lang, from)),
        ),
        Some(to) => lang.pick(
            format!("{} – {}", date(lang, from), date(lang, to)),
            format!("{} – {}", date(lang, from), date(lang, to)),
        ),
    }
}

/// A date the way each language writes it: 07/11/2026 and 2026-11-07.
pub fn date(lang: Lang, day: NaiveDate) -> String {
    lang.date(day)
}

/// A date with a two-digit year, for narrow columns.
pub fn short_date(lang: Lang, day: NaiveDate) -> String {
    match lang {
        Lang::Vi => day.format("%d/%m/%y").to_string(),
        Lang::En => day.format("%y-%m-%d").to_string(),
    }
}

pub fn weekday(lang: Lang, w: Weekday) -> &'static str {
    let (vi, en) = match w {
        Weekday::Mon => ("thứ Hai", "Monday"),
        Weekday::Tue => ("thứ Ba", "Tuesday"),
        Weekday::Wed => ("thứ Tư", "Wednesday"),
        Weekday::Thu => ("thứ Năm", "Thursday"),
        Weekday::Fri => ("thứ Sáu", "Friday"),
        Weekday::Sat => ("thứ Bảy", "Saturday"),
        Weekday::Sun => ("Chủ nhật", "Sunday"),
    };
    lang.pick(vi, en)
}

/// The monthly meeting rule with its grace days: "ngày 7 hằng tháng, muộn nhất 2 ngày".
pub fn schedule(lang: Lang, rule: Option<ScheduleRule>, grace: u8) -> String {
    let Some(rule) = rule else {
        return Text::MeetingDayUnset.get(lang).to_string();
    };
    let when = match rule {
        ScheduleRule::DayOfMonth(d) => lang.pick(
            format!("ngày {d} hằng tháng"),
            format!("day {d} of every month"),
        ),
        ScheduleRule::NthWeekday { n, weekday: w } => lang.pick(
            format!("{} tuần thứ {n} hằng tháng", weekday(lang, w)),
            format!("{} {} of every month", ordinal(n), weekday(lang, w)),
        ),
    };
    lang.pick(
        format!("{when}, muộn nhất {grace} ngày"),
        format!("{when}, at most {grace} days late"),
    )
}

fn ordinal(n: u8) -> String {
    let suffix = match n {
        1 => "st",
        2 => "nd",
        3 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The year of a date, for the roster's "born" column.
pub fn year(day: NaiveDate) -> String {
    day.year().to_string()
}

pub fn too_small(lang: Lang, width: u16, height: u16, min_width: u16, min_height: u16) -> String {
    lang.pick(
        format!(
            "Cửa sổ quá nhỏ ({width}×{height}). Cần ít nhất {min_width}×{min_height}: hãy phóng to cửa sổ. Nhấn q để thoát."
        ),
        format!(
            "The terminal is too small ({width}×{height}). chibo needs at least {min_width}×{min_height}: enlarge the window. Press q to quit."
        ),
    )
}

/// Under a roster: "92 đảng viên, 22 miễn sinh hoạt" (shorter in a narrow pane).
pub fn roster_counts(lang: Lang, members: u32, exempt: u32, short: bool) -> String {
    match short {
        true => lang.pick(
            format!("{members} ĐV · {exempt} miễn"),
            format!("{members} mem · {exempt} exempt"),
        ),
        false => lang.pick(
            format!("{members} đảng viên, {exempt} miễn sinh hoạt"),
            format!("{members} members, {exempt} exempt"),
        ),
    }
}

pub fn search_section(lang: Lang, section: Text, shown: usize, capped: bool) -> String {
    let name = section.get(lang);
    if capped {
        lang.pick(
            format!("{name} ({shown} đầu tiên — gõ thêm để thu hẹp)"),
            format!("{name} (first {shown} — type more to narrow)"),
        )
    } else {
        format!("{name} ({shown})")
    }
}

/// "Tháng 10/2026", "October 2026".
pub fn month(lang: Lang, month: YearMonth) -> String {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let (year, number) = (month.year(), month.month());
    let name = EN[(number - 1) as usize];
    lang.pick(format!("Tháng {number}/{year}"), format!("{name} {year}"))
}

/// A weekday over a calendar column: "T2" … "CN", or "Thứ Hai" … "Chủ nhật" when `wide`.
pub fn weekday_heading(lang: Lang, w: Weekday, wide: bool) -> &'static str {
    let (vi, en, vi_wide, en_wide) = match w {
        Weekday::Mon => ("T2", "Mo", "Thứ Hai", "Mon"),
        Weekday::Tue => ("T3", "Tu", "Thứ Ba", "Tue"),
        Weekday::Wed => ("T4", "We", "Thứ Tư", "Wed"),
        Weekday::Thu => ("T5", "Th", "Thứ Năm", "Thu"),
        Weekday::Fri => ("T6", "Fr", "Thứ Sáu", "Fri"),
        Weekday::Sat => ("T7", "Sa", "Thứ Bảy", "Sat"),
        Weekday::Sun => ("CN", "Su", "Chủ nhật", "Sun"),
    };
    if wide {
        lang.pick(vi_wide, en_wide)
    } else {
        lang.pick(vi, en)
    }
}

/// A day and month without the year: 05/10 and 10-05.
pub fn day_month(lang: Lang, day: NaiveDate) -> String {
    match lang {
        Lang::Vi => day.format("%d/%m").to_string(),
        Lang::En => day.format("%m-%d").to_string(),
    }
}

/// A branch's month in words; `short` for a narrow list.
pub fn compliance(lang: Lang, status: Compliance, short: bool) -> &'static str {
    if !short {
        return status.label(lang);
    }
    let (vi, en) = match status {
        Compliance::OnTime => ("đúng ngày", "on time"),
        Compliance::Early => ("sớm", "early"),
        Compliance::LateWithinGrace => ("muộn", "late"),
        Compliance::HeldOutOfRule => ("ngoài QĐ", "out of rule"),
        Compliance::Overdue => ("quá hạn", "overdue"),
        Compliance::Upcoming => ("sắp tới", "upcoming"),
        Compliance::NotDue => ("không họp", "not due"),
    };
    lang.pick(vi, en)
}

/// An upcoming month whose regular meeting is planned past its grace (it would be held out
/// of rule); `short` for a narrow list.
pub fn planned_past_grace(lang: Lang, short: bool) -> &'static str {
    match short {
        true => lang.pick("lịch muộn", "late plan"),
        false => lang.pick("sắp tới, lịch họp sau hạn", "upcoming, planned past grace"),
    }
}

/// A kind of meeting; `short` for lists: "thường kỳ", "cấp ủy".
pub fn meeting_kind(lang: Lang, kind: MeetingKind, short: bool) -> &'static str {
    if !short {
        return kind.label(lang);
    }
    let (vi, en) = match kind {
        MeetingKind::Regular => ("thường kỳ", "regular"),
        MeetingKind::Thematic => ("chuyên đề", "thematic"),
        MeetingKind::Committee => ("họp cấp ủy", "committee"),
        MeetingKind::Extraordinary => ("bất thường", "extraordinary"),
    };
    lang.pick(vi, en)
}

pub fn meeting_state(lang: Lang, state: MeetingState) -> &'static str {
    let (vi, en) = match state {
        MeetingState::Planned => ("dự kiến", "planned"),
        MeetingState::Held => ("đã họp", "held"),
        MeetingState::Cancelled => ("đã hủy", "cancelled"),
    };
    lang.pick(vi, en)
}

/// A held meeting with no roll-call taken: counted as held, in no attendance rate.
pub fn without_roll(lang: Lang) -> &'static str {
    lang.pick("chưa điểm danh", "no roll-call")
}

/// A committee role in a narrow column: "Phó BT TT".
pub fn role_short(lang: Lang, r: RoleKind) -> &'static str {
    let (vi, en) = match r {
        RoleKind::Secretary => ("Bí thư", "Secretary"),
        RoleKind::StandingDeputySecretary => ("Phó BT TT", "Std deputy"),
        RoleKind::DeputySecretary => ("Phó Bí thư", "Deputy"),
        RoleKind::StandingCommitteeMember => ("Ủy viên BTV", "Std cttee"),
        RoleKind::CommitteeMember => ("Cấp ủy viên", "Cttee member"),
    };
    lang.pick(vi, en)
}

/// Under a calendar that marks the days of only the first page of units, a line each:
/// which days it marks, and that the counts beside it leave no branch out.
pub fn calendar_covers(lang: Lang, counted: usize, total: usize) -> [String; 2] {
    [
        lang.pick(
            format!("Lịch chỉ ghi ngày của {counted}/{total} đơn vị đầu;"),
            format!("Days marked: first {counted} of {total} units only;"),
        ),
        lang.pick(
            "số chi bộ bên phải tính đủ mọi đơn vị.".to_string(),
            "the branch counts cover every unit.".to_string(),
        ),
    ]
}

/// A branch's thematic meeting of a quarter in words.
pub fn thematic(lang: Lang, thematic: Thematic) -> String {
    match thematic {
        Thematic::Held(day) => lang.pick(
            format!("đã họp {}", date(lang, day)),
            format!("held {}", date(lang, day)),
        ),
        Thematic::Missed => lang.pick("chưa họp, quá hạn", "missed").to_string(),
        Thematic::Open => lang.pick("chưa họp", "not yet").to_string(),
        Thematic::NotDue => lang.pick("không phải họp", "not due").to_string(),
    }
}

/// "14 chi bộ:" before the counts of their standings.
pub fn branches_counted(lang: Lang, branches: u32) -> String {
    if branches == 0 {
        return lang.pick("không có chi bộ", "no branches").to_string();
    }
    lang.pick(
        format!("{branches} chi bộ:"),
        format!("{branches} branches:"),
    )
}

/// "trùng 14 chi bộ", after the clash symbol.
pub fn clash_count(lang: Lang, branches: usize) -> String {
    lang.pick(
        format!("trùng {branches} chi bộ"),
        format!("clashes with {branches} branches"),
    )
}

/// "14:00–15:45", "14:00", or nothing.
pub fn time_span(start: Option<NaiveTime>, end: Option<NaiveTime>) -> Option<String> {
    let clock = crate::domain::date::format_clock;
    match (start, end) {
        (Some(start), Some(end)) => Some(format!("{}–{}", clock(start), clock(end))),
        (Some(start), None) => Some(clock(start)),
        (None, Some(end)) => Some(format!("–{}", clock(end))),
        (None, None) => None,
    }
}

/// The title of the quota view.
pub fn quotas_title(lang: Lang, year: i32, committee: &str) -> String {
    lang.pick(
        format!("Dự sinh hoạt chi bộ năm {year} — {committee}"),
        format!("Visits to branches in {year} — {committee}"),
    )
}

/// Words of the classification of a year.
pub mod grades {
    use crate::domain::Lang;

    pub fn title(lang: Lang, year: i32, org: &str) -> String {
        lang.pick(
            format!("Xếp loại năm {year} — {org}"),
            format!("Classification {year} — {org}"),
        )
    }

    pub fn members(lang: Lang) -> &'static str {
        lang.pick("Đảng viên:", "Members:")
    }

    pub fn ungraded(lang: Lang) -> &'static str {
        lang.pick("chưa xếp loại", "not graded")
    }

    pub fn nobody(lang: Lang) -> &'static str {
        lang.pick(
            "Không có tổ chức nào được xếp loại năm này.",
            "No organisation is graded that year.",
        )
    }

    /// Code, name, grade, score.
    pub fn headings(lang: Lang) -> [&'static str; 4] {
        match lang {
            Lang::Vi => ["Mã", "Tên tổ chức", "Xếp loại", "Điểm"],
            Lang::En => ["Code", "Organisation", "Grade", "Score"],
        }
    }
}

/// "9/12 tháng": months with a visit, out of the months asked for.
pub fn months_count(lang: Lang, made: u32, of: Option<u32>) -> String {
    let made = match of {
        Some(of) => format!("{made}/{of}"),
        None => made.to_string(),
    };
    lang.pick(format!("{made} tháng"), format!("{made} months"))
}

/// "2/3 chi bộ": branches visited, out of the branches asked for.
pub fn branch_count(lang: Lang, made: u32, of: Option<u32>) -> String {
    let made = match of {
        Some(of) => format!("{made}/{of}"),
        None => made.to_string(),
    };
    lang.pick(format!("{made} chi bộ"), format!("{made} branches"))
}

pub fn context_title(lang: Lang, context: Context) -> &'static str {
    let (vi, en) = match context {
        Context::Global => ("Mọi màn hình", "Everywhere"),
        Context::Tree => ("Cây tổ chức", "Organisation tree"),
        Context::Members => ("Danh sách đảng viên", "Member list"),
        Context::Detail => ("Hồ sơ đảng viên", "Member details"),
        Context::Search => ("Tìm kiếm", "Search"),
        Context::Help => ("Bảng phím tắt", "This help"),
        Context::Form => ("Biểu mẫu", "Form"),
        Context::Confirm => ("Xác nhận", "Confirmation"),
        Context::Picker => ("Chọn tổ chức", "Choosing an organisation"),
        Context::Meetings => ("Lịch họp", "Meetings"),
        Context::Checklist => ("Chọn người", "Choosing people"),
        Context::Quotas => ("Định mức dự sinh hoạt", "Visiting quotas"),
        Context::Grades => ("Xếp loại", "Classification"),
        Context::Roll => ("Điểm danh", "Roll-call"),
        Context::Minutes => ("Biên bản", "Minutes"),
        Context::Dashboard => ("Bảng tổng hợp", "Dashboard"),
        Context::Document => ("Soạn tài liệu", "Writing a document"),
    };
    lang.pick(vi, en)
}

/// What an action does where it is bound, for the help overlay.
pub fn describe(lang: Lang, context: Context, action: Action) -> &'static str {
    use Action as A;
    use Context as C;
    let (vi, en) = match (context, action) {
        (_, A::Quit) => ("thoát chibo", "quit chibo"),
        (_, A::Help) => ("mở bảng phím tắt này", "show these keys"),
        (_, A::Search) => (
            "tìm đảng viên hoặc tổ chức theo tên",
            "find a member or an organisation by name",
        ),
        (_, A::Reload) => ("đọc lại dữ liệu mới nhất", "reload the latest data"),
        (C::Tree, A::SwitchPane) => ("sang danh sách đảng viên", "go to the member list"),
        (_, A::SwitchPane) => ("về cây tổ chức", "back to the tree"),
        (C::Detail | C::Help | C::Quotas | C::Grades, A::Up) => ("cuộn lên", "scroll up"),
        (C::Detail | C::Help | C::Quotas | C::Grades, A::Down) => ("cuộn xuống", "scroll down"),
        (_, A::Up) => ("lên một dòng", "move up"),
        (_, A::Down) => ("xuống một dòng", "move down"),
        (_, A::PageUp) => ("lên một trang", "page up"),
        (_, A::PageDown) => ("xuống một trang", "page down"),
        (_, A::Top) => ("về đầu", "go to the top"),
        (_, A::Bottom) => ("xuống cuối", "go to the bottom"),
        (_, A::Expand) => (
            "mở nhánh; nếu đã mở thì vào nhánh con đầu tiên",
            "expand; when expanded, go to the first child",
        ),
        (_, A::Collapse) => (
            "đóng nhánh; nếu đã đóng thì về tổ chức cấp trên",
            "collapse; when collapsed, go to the parent",
        ),
        (C::Checklist, A::Toggle) => ("đánh dấu hoặc bỏ đánh dấu", "tick or untick"),
        (_, A::Toggle) => ("mở hoặc đóng nhánh", "expand or collapse"),
        (C::Dashboard, A::Open) => (
            "xem đơn vị đang chọn (ở chi bộ: tháng đang chọn)",
            "open the unit (on a branch: the month) selected",
        ),
        (C::Meetings, A::Open) => (
            "mở cuộc họp (điểm danh, biên bản) hoặc lịch họp của đơn vị đang chọn",
            "open the meeting (roll-call, minutes) or the unit under the cursor",
        ),
        (_, A::Open) => ("xem hồ sơ đảng viên", "open the member's details"),
        (C::Detail, A::Back) => ("về danh sách đảng viên", "back to the member list"),
        (C::Meetings, A::Back) => (
            "quay lại đơn vị cấp trên vừa xem, hoặc đóng",
            "back to the unit above you came from, or close",
        ),
        (C::Dashboard, A::Back) => (
            "quay lại đơn vị vừa xem, hoặc đóng bảng tổng hợp",
            "back to the unit you came from, or close the dashboard",
        ),
        (C::Roll | C::Minutes, A::Back) => {
            ("lưu và về lịch họp", "save and go back to the meetings")
        }
        (_, A::Back) => ("về cây tổ chức", "back to the tree"),
        (C::Form, A::Accept) => ("lưu", "save"),
        (C::Confirm, A::Accept) => ("đồng ý, thực hiện", "yes, do it"),
        (C::Picker, A::Accept) => ("chọn tổ chức này", "choose this organisation"),
        (C::Checklist, A::Accept) => (
            "lưu những người đã đánh dấu; chọn người đang trỏ",
            "save the people ticked; choose the one under the cursor",
        ),
        (_, A::Accept) => ("đi tới kết quả đã chọn", "go to the selected result"),
        (C::Form, A::Cancel) => ("đóng, không lưu", "close without saving"),
        (C::Document, A::Cancel) => (
            "đóng; có phần chưa lưu thì bấm lần nữa để bỏ",
            "close; with unsaved text, press again to throw it away",
        ),
        (C::Confirm, A::Cancel) => ("không, quay lại biểu mẫu", "no, back to the form"),
        (C::Picker, A::Cancel) => ("đóng, không chuyển", "close without moving"),
        (C::Checklist, A::Cancel) => ("đóng, không lưu", "close without saving"),
        (_, A::Cancel) => ("đóng tìm kiếm", "close the search"),
        (C::Form | C::Picker, A::DeleteBack) => (
            "xóa ký tự trước con trỏ",
            "delete the character before the cursor",
        ),
        (_, A::DeleteBack) => ("xóa ký tự cuối", "delete the last character"),
        (C::Form | C::Picker, A::ClearQuery) => ("xóa cả ô", "clear the field"),
        (_, A::ClearQuery) => ("xóa cả ô tìm kiếm", "clear the search"),
        (C::Quotas, A::Close) => ("đóng bảng định mức", "close the quotas"),
        (C::Grades, A::Close) => ("đóng bảng xếp loại", "close the classification"),
        (_, A::Close) => ("đóng bảng này", "close this help"),
        (C::Tree, A::Add) => (
            "thêm tổ chức trực thuộc tổ chức đang chọn",
            "add an organisation under the selected one",
        ),
        (_, A::Add) => (
            "thêm đảng viên vào chi bộ này",
            "add a member to this branch",
        ),
        (_, A::Rename) => ("đổi tên tổ chức (mã giữ nguyên)", "rename (the code stays)"),
        (_, A::Move) => (
            "chuyển sang tổ chức cấp trên khác",
            "move under another organisation",
        ),
        (_, A::Dissolve) => (
            "giải thể (giữ lịch sử, ghi ngày giải thể)",
            "dissolve (history kept, the date marked)",
        ),
        (_, A::Edit) => ("sửa hồ sơ đảng viên", "edit the member's record"),
        (_, A::ChangeStatus) => (
            "thay đổi tình trạng (ghi thêm vào lịch sử)",
            "change the status (added to the history)",
        ),
        (C::Tree, A::Grade) => (
            "xếp loại chất lượng tổ chức một năm (mức, điểm)",
            "the organisation's grade and score for a year",
        ),
        (_, A::Grade) => (
            "xếp loại chất lượng đảng viên một năm (mức, điểm)",
            "the member's grade and score for a year",
        ),
        (C::Document, A::NextField | A::PrevField) => (
            "chuyển giữa tên và nội dung",
            "switch between name and text",
        ),
        (_, A::NextField) => ("sang ô sau", "next field"),
        (_, A::PrevField) => ("về ô trước", "previous field"),
        (_, A::CursorLeft) => (
            "con trỏ sang trái; ở ô lựa chọn: lựa chọn trước",
            "cursor left; in a choice: the previous option",
        ),
        (_, A::CursorRight) => (
            "con trỏ sang phải; ở ô lựa chọn: lựa chọn sau",
            "cursor right; in a choice: the next option",
        ),
        (_, A::LineStart) => ("về đầu ô", "to the start of the field"),
        (_, A::LineEnd) => ("về cuối ô", "to the end of the field"),
        (_, A::DeleteForward) => (
            "xóa ký tự tại con trỏ",
            "delete the character at the cursor",
        ),
        (_, A::Calendar) => (
            "lịch họp: tháng, chi bộ trực thuộc, lên lịch",
            "meetings: the month, the branches below, planning",
        ),
        (_, A::Quotas) => (
            "định mức dự sinh hoạt của cấp ủy viên",
            "committee members' visits against their quotas",
        ),
        (_, A::Grades) => (
            "xếp loại năm: tổ chức, đơn vị và đảng viên bên dưới",
            "the year's grades: the organisation, units and members",
        ),
        (_, A::PrevYear) => ("năm trước", "previous year"),
        (_, A::NextYear) => ("năm sau", "next year"),
        (_, A::PrevMonth) => ("tháng trước", "previous month"),
        (_, A::NextMonth) => ("tháng sau", "next month"),
        (_, A::ThisMonth) => ("về tháng này", "back to this month"),
        (_, A::Plan) => ("lên lịch một cuộc họp", "plan a meeting"),
        (_, A::RecordHeld) => (
            "ghi nhận đã họp: cuộc đang chọn hoặc cuộc mới",
            "record as held: the one selected, or a new one",
        ),
        (_, A::Reschedule) => (
            "dời cuộc họp dự kiến sang ngày khác",
            "move a planned meeting to another day",
        ),
        (_, A::CancelMeeting) => ("hủy cuộc họp dự kiến", "cancel a planned meeting"),
        (_, A::Guests) => (
            "ghi khách cấp trên dự cuộc họp đã họp",
            "record the guests from above at a held meeting",
        ),
        (_, A::Assign) => (
            "phân công cấp ủy viên cấp trên theo dõi chi bộ",
            "assign a committee member above to oversee the branch",
        ),
        (_, A::Prepare) => (
            "chuẩn bị cuộc họp sắp tới của chi bộ: ngày giờ, địa điểm, chủ đề, nội dung, người dự thảo",
            "prepare the branch's coming meeting: day, times, place, topic, agenda, drafter",
        ),
        (_, A::WriteDocument) => (
            "soạn tài liệu Markdown cho kế hoạch (dự thảo nghị quyết)",
            "write a Markdown document for the plan (the draft resolution)",
        ),
        (_, A::NextDocument) => (
            "tài liệu Markdown khác của kế hoạch, rồi một tài liệu mới",
            "the plan's next Markdown document, then a new one",
        ),
        (_, A::Attach) => (
            "đính kèm tài liệu (tối đa 10 MB) vào kế hoạch",
            "attach a document (10 MB at most) to the plan",
        ),
        (_, A::SendPlan) => (
            "gửi kế hoạch cho đảng viên và cấp ủy cấp trên",
            "send the plan to the members and the committee above",
        ),
        (_, A::RemoveDocument) => (
            "gỡ một tài liệu khỏi kế hoạch (hỏi trước)",
            "remove a document from the plan (asks first)",
        ),
        (_, A::Facts) => (
            "giờ bắt đầu, kết thúc, địa điểm, chủ trì, thư ký: in vào mục I và IX",
            "start, end, place, chair, minutes secretary: printed in sections I and IX",
        ),
        (_, A::AssignTasks) => (
            "phân công: ai, việc gì, hạn nào (chọn người bằng cách gõ tên); in vào mục VIII",
            "assignments: who, what, by when (type a name to pick); printed in section VIII",
        ),
        (_, A::Vote) => (
            "biểu quyết nghị quyết (họp chi ủy: quyết định nội dung sinh hoạt)",
            "the vote on the resolution (a committee meeting: what it decided for the agenda)",
        ),
        (_, A::MarkPresent) => ("có mặt", "present"),
        (_, A::MarkExcused) => (
            "vắng có phép (hỏi lý do)",
            "absent with permission (asks the reason)",
        ),
        (_, A::MarkAbsent) => ("vắng không phép", "absent without permission"),
        (_, A::Unmark) => ("bỏ điểm danh", "clear the mark"),
        (_, A::RestPresent) => (
            "mọi người chưa điểm danh: có mặt",
            "everyone not yet marked: present",
        ),
        (_, A::NextSection) => ("sang mục sau của biên bản", "next section of the minutes"),
        (_, A::PrevSection) => (
            "về mục trước của biên bản",
            "previous section of the minutes",
        ),
        (C::Document, A::Save) => ("lưu tài liệu vào kế hoạch", "save the document to the plan"),
        (_, A::Save) => ("lưu biên bản", "save the minutes"),
        (_, A::Approve) => (
            "duyệt biên bản (khóa biên bản và điểm danh)",
            "approve the minutes (locks them and the roll)",
        ),
        (_, A::Amend) => (
            "thêm đính chính vào biên bản đã duyệt",
            "add an amendment to approved minutes",
        ),
        (C::Dashboard, A::Export) => (
            "xuất bảng theo chi bộ của tháng ra tệp .xlsx",
            "export the month's table by branch to an .xlsx file",
        ),
        (_, A::Export) => (
            "xuất biên bản ra tệp .docx và .md",
            "export the minutes to .docx and .md files",
        ),
        (_, A::Undo) => (
            "hoàn tác từ vừa gõ hoặc thao tác vừa làm",
            "undo the last word typed or the last edit",
        ),
        (_, A::Redo) => ("làm lại điều vừa hoàn tác", "redo what was undone"),
        (_, A::Paste) => ("dán đoạn vừa cắt", "paste what was cut"),
        (_, A::Dashboard) => (
            "bảng tổng hợp: số liệu, xu hướng, đơn vị yếu trước",
            "dashboard: numbers, trend, weakest units first",
        ),
        (_, A::Parent) => (
            "lên tổ chức cấp trên (ở cấp cao nhất: đóng)",
            "up to the organisation above (at the top: close)",
        ),
    };
    lang.pick(vi, en)
}

/// The footer's word for a group of keys: "di chuyển", "mở/đóng" …
pub fn hint(lang: Lang, context: Context, action: Action) -> &'static str {
    use Action as A;
    use Context as C;
    let (vi, en) = match (context, action) {
        (C::Detail | C::Help | C::Quotas, A::Up | A::Down) => ("cuộn", "scroll"),
        (_, A::Up | A::Down) => ("di chuyển", "move"),
        (C::Checklist, A::Toggle) => ("đánh dấu", "tick"),
        (_, A::Toggle) => ("mở/đóng", "expand"),
        (C::Tree, A::SwitchPane) => ("đảng viên", "members"),
        (_, A::SwitchPane | A::Back) => ("quay lại", "back"),
        (C::Meetings, A::Open) => ("mở", "open"),
        (C::Dashboard, A::Open) => ("xem đơn vị", "drill down"),
        (_, A::Open) => ("hồ sơ", "details"),
        (_, A::Search) => ("tìm", "search"),
        (_, A::Help) => ("phím tắt", "keys"),
        (_, A::Quit) => ("thoát", "quit"),
        (C::Form, A::Accept) => ("lưu", "save"),
        (C::Confirm, A::Accept) => ("đồng ý", "yes"),
        (C::Picker | C::Checklist, A::Accept) => ("chọn", "choose"),
        (_, A::Accept) => ("đi tới", "go to"),
        (C::Form, A::Cancel) => ("hủy", "cancel"),
        (C::Confirm, A::Cancel) => ("không", "no"),
        (_, A::Cancel | A::Close) => ("đóng", "close"),
        (_, A::NextField | A::PrevField) => ("chuyển ô", "field"),
        (C::Tree, A::Add) => ("thêm", "add"),
        (_, A::Add) => ("thêm ĐV", "add"),
        (_, A::Rename) => ("đổi tên", "rename"),
        (_, A::Move) => ("chuyển", "move"),
        (_, A::Dissolve) => ("giải thể", "dissolve"),
        (_, A::Edit) => ("sửa", "edit"),
        (_, A::ChangeStatus) => ("tình trạng", "status"),
        (_, A::Grade) => ("xếp loại", "grade"),
        (_, A::Reload) => ("đọc lại", "reload"),
        (_, A::Calendar) => ("lịch họp", "meetings"),
        (_, A::Quotas) => ("định mức", "quotas"),
        (_, A::Grades) => ("xếp loại", "grades"),
        (_, A::PrevYear | A::NextYear) => ("năm", "year"),
        (_, A::PrevMonth | A::NextMonth) => ("tháng", "month"),
        (_, A::ThisMonth) => ("tháng này", "this month"),
        (_, A::Plan) => ("lên lịch", "plan"),
        (_, A::RecordHeld) => ("đã họp", "held"),
        (_, A::Reschedule) => ("dời lịch", "reschedule"),
        (_, A::CancelMeeting) => ("hủy họp", "cancel"),
        (_, A::Guests) => ("khách", "guests"),
        (_, A::Assign) => ("phân công", "assign"),
        (_, A::Prepare) => ("chuẩn bị", "prepare"),
        (_, A::Attach) => ("đính kèm", "attach"),
        (_, A::SendPlan) => ("gửi kế hoạch", "send plan"),
        (_, A::Vote) => ("biểu quyết", "vote"),
        (_, A::Facts) => ("giờ, chủ trì", "times, chair"),
        (_, A::AssignTasks) => ("phân công", "assignments"),
        (_, A::RemoveDocument) => ("gỡ tài liệu", "remove document"),
        (_, A::WriteDocument) => ("soạn tài liệu", "write document"),
        (_, A::NextDocument) => ("tài liệu khác", "other document"),
        (_, A::MarkPresent) => ("có mặt", "present"),
        (_, A::MarkExcused) => ("có phép", "excused"),
        (_, A::MarkAbsent) => ("vắng", "absent"),
        (_, A::Unmark) => ("bỏ", "clear"),
        (_, A::RestPresent) => ("còn lại có mặt", "rest present"),
        (_, A::NextSection | A::PrevSection) => ("mục", "section"),
        (_, A::Save) => ("lưu", "save"),
        (_, A::Approve) => ("duyệt", "approve"),
        (_, A::Amend) => ("đính chính", "amend"),
        (_, A::Export) => ("xuất", "export"),
        (_, A::Undo) => ("hoàn tác", "undo"),
        (_, A::Redo) => ("làm lại", "redo"),
        (_, A::Paste) => ("dán", "paste"),
        (_, A::Dashboard) => ("tổng hợp", "dashboard"),
        (_, A::Parent) => ("cấp trên", "up"),
        _ => ("", ""),
    };
    lang.pick(vi, en)
}

/// What is wrong with the keys file, for the status line.
pub fn keymap_error(lang: Lang, error: &KeymapError) -> String {
    let what = match error {
        KeymapError::Unreadable { path, reason } => lang.pick(
            format!("không đọc được {path}: {reason}"),
            format!("cannot read {path}: {reason}"),
        ),
        KeymapError::Syntax(detail) => lang.pick(
            format!("sai cú pháp TOML: {}", one_line(detail)),
            format!("not valid TOML: {}", one_line(detail)),
        ),
        KeymapError::UnknownContext(name) => lang.pick(
            format!("không có màn hình [{name}]"),
            format!("there is no screen [{name}]"),
        ),
        KeymapError::NotATable(name) => lang.pick(
            format!("{name} phải là một bảng [{name}]"),
            format!("{name} must be a table [{name}]"),
        ),
        KeymapError::UnknownAction { context, action } => lang.pick(
            format!("[{context}] không có thao tác {action:?}"),
            format!("[{context}] has no action {action:?}"),
        ),
        KeymapError::NotKeys { context, action } => lang.pick(
            format!("[{context}] {action}: phím phải là chuỗi hoặc danh sách chuỗi"),
            format!("[{context}] {action}: keys must be a string or a list of strings"),
        ),
        KeymapError::BadKey {
            context,
            action,
            key,
            reason,
        } => lang.pick(
            format!("[{context}] {action}: không hiểu phím {key:?} ({reason})"),
            format!("[{context}] {action}: cannot read key {key:?} ({reason})"),
        ),
    };
    lang.pick(
        format!("Tệp phím tắt bị bỏ qua, dùng phím mặc định — {what}"),
        format!("Keys file ignored, using the default keys — {what}"),
    )
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_each_language() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 7).unwrap();
        assert_eq!(date(Lang::Vi, d), "07/11/2026");
        assert_eq!(date(Lang::En, d), "2026-11-07");
    }

    #[test]
    fn schedules_read_as_sentences() {
        let first_thu = ScheduleRule::NthWeekday {
            n: 1,
            weekday: Weekday::Thu,
        };
        assert_eq!(
            schedule(Lang::Vi, Some(first_thu), 2),
            "thứ Năm tuần thứ 1 hằng tháng, muộn nhất 2 ngày"
        );
        assert_eq!(
            schedule(Lang::En, Some(ScheduleRule::DayOfMonth(7)), 2),
            "day 7 of every month, at most 2 days late"
        );
    }

    #[test]
    fn every_action_has_words_in_both_languages() {
        for context in Context::ALL {
            for action in Action::ALL {
                assert!(!describe(Lang::Vi, *context, *action).is_empty());
                assert!(!describe(Lang::En, *context, *action).is_empty());
            }
        }
    }
}

/// Words of a meeting's record: the roll-call and the minutes.
pub mod record {
    use chrono::{NaiveDate, NaiveDateTime};

    use crate::domain::date::format_clock;
    use crate::domain::{Lang, Mark, RollCounts};

    pub fn roll_title(lang: Lang) -> &'static str {
        lang.pick("Điểm danh", "Roll-call")
    }

    pub fn amendments_title(lang: Lang, count: usize) -> String {
        lang.pick(
            format!("Đính chính ({count})"),
            format!("Amendments ({count})"),
        )
    }

    /// "Có mặt 15 · Có phép 2 · Vắng 1 · Chưa 2 / Dự kiến 20 · Miễn 5 · Tỉ lệ 75%"
    pub fn counts(lang: Lang, c: &RollCounts) -> String {
        let rate = c
            .rate()
            .map_or("—".to_string(), |r| format!("{:.0}%", r * 100.0));
        lang.pick(
            format!(
                "Phải dự {} · Có mặt {} · Có phép {} · Vắng {} · Chưa {} · Miễn {} · Tỉ lệ {rate}",
                c.expected, c.present, c.excused, c.absent, c.unmarked, c.exempt
            ),
            format!(
                "Expected {} · Present {} · Excused {} · Absent {} · To mark {} · Exempt {} · {rate}",
                c.expected, c.present, c.excused, c.absent, c.unmarked, c.exempt
            ),
        )
    }

    pub fn mark(lang: Lang, mark: Option<Mark>) -> &'static str {
        match mark {
            Some(Mark::Present | Mark::ExemptPresent) => lang.pick("có mặt", "present"),
            Some(Mark::Excused) => lang.pick("vắng có phép", "excused"),
            Some(Mark::Absent) => lang.pick("vắng không phép", "absent"),
            Some(Mark::Exempt) => lang.pick("miễn", "exempt"),
            None => lang.pick("chưa điểm danh", "not marked"),
        }
    }

    pub fn exempt(lang: Lang, until: Option<NaiveDate>) -> String {
        match until {
            Some(day) => lang.pick(
                format!("tạm miễn đến {}", lang.date(day)),
                format!("exempt until {}", lang.date(day)),
            ),
            None => lang.pick("miễn sinh hoạt", "exempt").to_string(),
        }
    }

    pub fn probationary(lang: Lang) -> &'static str {
        lang.pick("dự bị", "probationary")
    }

    pub fn guests(lang: Lang, names: &[String]) -> String {
        let names = if names.is_empty() {
            lang.pick("không có", "none").to_string()
        } else {
            names.join(", ")
        };
        lang.pick(
            format!("Khách cấp trên: {names}"),
            format!("Guests from above: {names}"),
        )
    }

    pub fn moment(lang: Lang, at: NaiveDateTime) -> String {
        format!("{} {}", format_clock(at.time()), lang.date(at.date()))
    }

    pub fn approved(lang: Lang, at: Option<NaiveDateTime>, by: Option<&str>) -> String {
        let when = at.map(|at| moment(lang, at));
        match (when, by) {
            (Some(when), Some(by)) => {
                let by = crate::domain::text::sanitize(by);
                lang.pick(
                    format!("Đã duyệt {when} bởi {by}"),
                    format!("Approved {when} by {by}"),
                )
            }
            (Some(when), None) => lang.pick(format!("Đã duyệt {when}"), format!("Approved {when}")),
            _ => lang.pick("Đã duyệt", "Approved").to_string(),
        }
    }

    /// Section I's facts as the record shows them above the text.
    pub fn opening_facts(lang: Lang, m: &crate::domain::Meeting) -> Vec<String> {
        let none = lang.pick("(chưa ghi)", "(not recorded)");
        let clock = |t: Option<chrono::NaiveTime>| t.map_or(none.to_string(), format_clock);
        let text = |t: &Option<String>| t.clone().unwrap_or_else(|| none.to_string());
        vec![
            lang.pick(
                format!(
                    "Bắt đầu: {} · Kết thúc: {}",
                    clock(m.time),
                    clock(m.end_time)
                ),
                format!("Starts: {} · Ends: {}", clock(m.time), clock(m.end_time)),
            ),
            lang.pick(
                format!("Địa điểm: {}", text(&m.place)),
                format!("Place: {}", text(&m.place)),
            ),
            lang.pick(
                format!(
                    "Chủ trì: {} · Thư ký: {}",
                    text(&m.chair),
                    text(&m.secretary)
                ),
                format!(
                    "Chair: {} · Minutes secretary: {}",
                    text(&m.chair),
                    text(&m.secretary)
                ),
            ),
        ]
    }

    pub fn vote_fact(lang: Lang, verdict: Option<String>) -> String {
        verdict.unwrap_or_else(|| {
            lang.pick("Biểu quyết: (chưa ghi)", "Vote: (not recorded)")
                .to_string()
        })
    }

    /// Section VIII's rows: "Ngô Thị Dung — thu đảng phí — 30/12/2026".
    pub fn assignment_facts(lang: Lang, rows: &[crate::domain::Assignment]) -> Vec<String> {
        if rows.is_empty() {
            return vec![
                lang.pick("Chưa phân công việc nào", "No task assigned yet")
                    .to_string(),
            ];
        }
        rows.iter()
            .enumerate()
            .map(|(i, row)| {
                let due = row.due.map(|d| format!(" — {}", lang.date(d)));
                format!(
                    "{}. {} — {}{}",
                    i + 1,
                    row.who,
                    row.task,
                    due.unwrap_or_default()
                )
            })
            .collect()
    }

    pub fn closing_fact(lang: Lang, end: Option<chrono::NaiveTime>) -> String {
        match end {
            Some(end) => lang.pick(
                format!("Kết thúc lúc {}", format_clock(end)),
                format!("Ended at {}", format_clock(end)),
            ),
            None => lang
                .pick("Giờ kết thúc: (chưa ghi)", "End time: (not recorded)")
                .to_string(),
        }
    }

    /// Under the facts, what changes them.
    pub fn facts_key(lang: Lang, key: &str) -> String {
        lang.pick(
            format!("{key}: sửa các mục trên · phần dưới: ghi thêm"),
            format!("{key}: change the above · below: notes"),
        )
    }

    /// Under the facts of minutes that cannot change.
    pub fn facts_below(lang: Lang) -> &'static str {
        lang.pick("─── ghi thêm ───", "─── notes ───")
    }

    pub fn not_approved(lang: Lang) -> &'static str {
        lang.pick("Chưa duyệt", "Not approved")
    }

    pub fn unsaved(lang: Lang) -> &'static str {
        lang.pick("chưa lưu", "unsaved")
    }

    /// Writes handed to the store and not yet answered.
    pub fn saving(lang: Lang) -> &'static str {
        lang.pick("đang lưu…", "saving…")
    }

    /// When the minutes were last saved from this screen.
    pub fn saved_at(lang: Lang, at: NaiveDateTime) -> String {
        let clock = at.format("%H:%M:%S");
        lang.pick(format!("đã lưu {clock}"), format!("saved {clock}"))
    }

    /// When what is typed and not yet saved was last kept as a draft.
    pub fn draft_kept_at(lang: Lang, at: NaiveDateTime) -> String {
        let clock = at.format("%H:%M:%S");
        lang.pick(
            format!("nháp giữ lúc {clock}"),
            format!("draft kept {clock}"),
        )
    }

    /// The record while someone else holds its minutes.
    pub fn read_only_by(lang: Lang, login: &str) -> String {
        let login = crate::domain::text::sanitize(login);
        lang.pick(
            format!("chỉ xem: {login} đang soạn"),
            format!("read only: {login} is editing"),
        )
    }

    pub fn signatures(lang: Lang, chair: Option<&str>, secretary: Option<&str>) -> String {
        let name = |n: Option<&str>| n.unwrap_or("—").to_string();
        lang.pick(
            format!("Chủ trì: {} · Thư ký: {}", name(chair), name(secretary)),
            format!("Chair: {} · Secretary: {}", name(chair), name(secretary)),
        )
    }

    pub fn no_amendments(lang: Lang) -> &'static str {
        lang.pick(
            "Chưa có đính chính. Biên bản đã duyệt chỉ được sửa bằng đính chính (F7).",
            "No amendments. Approved minutes are corrected only by an amendment (F7).",
        )
    }

    pub fn saved(lang: Lang) -> &'static str {
        lang.pick("Đã lưu biên bản", "Minutes saved")
    }

    pub fn marked(lang: Lang, name: &str, mark: Option<Mark>) -> String {
        format!("{}: {}", name, self::mark(lang, mark))
    }

    pub fn rest_present(lang: Lang, count: usize) -> String {
        lang.pick(
            format!("{count} đồng chí được ghi có mặt"),
            format!("{count} marked present"),
        )
    }

    pub fn resume_question(lang: Lang, at: NaiveDateTime, by: &str) -> Vec<String> {
        let by = crate::domain::text::sanitize(by);
        vec![
            lang.pick(
                format!(
                    "Có bản nháp biên bản chưa lưu của {by}, ghi lúc {}.",
                    moment(lang, at)
                ),
                format!(
                    "There is an unsaved draft of these minutes by {by}, from {}.",
                    moment(lang, at)
                ),
            ),
            lang.pick(
                "Tiếp tục soạn từ bản nháp? Nhấn n để bỏ bản nháp (sẽ hỏi lại trước khi bỏ)."
                    .to_string(),
                "Resume from the draft? Press n to discard it (you will be asked again first)."
                    .to_string(),
            ),
        ]
    }

    /// Asked before a draft is dropped: nothing typed goes without a second yes.
    pub fn discard_question(lang: Lang, at: NaiveDateTime, by: &str) -> Vec<String> {
        let by = crate::domain::text::sanitize(by);
        vec![
            lang.pick(
                format!("Bỏ bản nháp của {by} ({})?", moment(lang, at)),
                format!("Discard the draft by {by} ({})?", moment(lang, at)),
            ),
            lang.pick(
                "Những gì trong bản nháp sẽ mất hẳn; biên bản đã lưu giữ nguyên. Không: tiếp tục soạn từ bản nháp."
                    .to_string(),
                "What is in the draft is lost for good; the saved minutes stay. No: resume from the draft."
                    .to_string(),
            ),
        ]
    }

    /// A write of a record already left was refused.
    pub fn not_saved(lang: Lang, reason: &str) -> String {
        lang.pick(
            format!("Biên bản chưa được ghi: {reason}. Bản nháp vẫn giữ những gì đã gõ."),
            format!("The minutes were not written: {reason}. The draft keeps what was typed."),
        )
    }

    pub fn resumed(lang: Lang) -> &'static str {
        lang.pick("Đã mở lại bản nháp", "Draft resumed")
    }

    pub fn draft_dropped(lang: Lang) -> &'static str {
        lang.pick("Đã bỏ bản nháp", "Draft dropped")
    }

    /// Another session holds the lease on these minutes.
    pub fn held_by(lang: Lang, login: &str) -> String {
        let login = crate::domain::text::sanitize(login);
        lang.pick(
            format!("{login} đang soạn biên bản này: chỉ xem"),
            format!("{login} is editing these minutes: read only"),
        )
    }

    pub fn lease_free(lang: Lang) -> &'static str {
        lang.pick("Biên bản đã có thể soạn", "The minutes can be edited now")
    }

    pub fn exported(lang: Lang, paths: &str) -> String {
        lang.pick(
            format!("Đã xuất biên bản: {paths}"),
            format!("Minutes exported: {paths}"),
        )
    }
}

/// Words of the dashboard.
pub mod dashboard {
    use chrono::NaiveDate;

    use crate::domain::stats::MonthStats;
    use crate::domain::{Grade, Lang, YearMonth};
    use crate::store::GradedUnits;

    /// "92%", or "—" when there is nothing to divide.
    pub fn percent(share: Option<f64>) -> String {
        share.map_or("—".to_string(), |s| format!("{:.0}%", s * 100.0))
    }

    /// "90.9%", as the attendance report rounds it (three decimals of the fraction).
    /// "91,3%" in Vietnamese, "91.3%" in English: a tenth of a percent, never rounded up
    /// to a target it misses.
    pub fn percent_tenths(lang: Lang, share: Option<f64>) -> String {
        share.map_or("—".to_string(), |s| {
            crate::domain::text::decimal(lang, (s * 1000.0).round() / 10.0, 1) + "%"
        })
    }

    /// A month in a list or a range: "11/2026" and "2026-11".
    pub fn month(lang: Lang, month: YearMonth) -> String {
        match lang {
            Lang::Vi => format!("{:02}/{}", month.month(), month.year()),
            Lang::En => month.to_string(),
        }
    }

    pub fn title(lang: Lang, month: &str) -> String {
        lang.pick(
            format!("Tổng hợp · {month}"),
            format!("Dashboard · {month}"),
        )
    }

    pub fn units_title(lang: Lang, count: usize) -> String {
        lang.pick(
            format!("Đơn vị trực thuộc, yếu trước ({count})"),
            format!("Units below, worst first ({count})"),
        )
    }

    pub fn months_title(lang: Lang) -> &'static str {
        lang.pick("12 tháng của chi bộ", "The branch's last 12 months")
    }

    pub fn no_records(lang: Lang) -> &'static str {
        lang.pick(
            "Chưa có số liệu tháng này: chưa ghi cuộc họp nào trong tháng.",
            "No figures for this month: no meeting is recorded in it.",
        )
    }

    pub fn not_covered(lang: Lang) -> &'static str {
        lang.pick("chưa có số liệu", "no records")
    }

    pub fn branches(lang: Lang, due: u32, held: u32) -> String {
        lang.pick(
            format!("Chi bộ phải họp {due} · đã họp {held}"),
            format!("Branches due {due} · held {held}"),
        )
    }

    pub fn meetings(lang: Lang, regular: u32, thematic: u32) -> String {
        lang.pick(
            format!("Họp thường kỳ {regular} · chuyên đề {thematic}"),
            format!("Regular meetings {regular} · thematic {thematic}"),
        )
    }

    /// The attendance line of a month whose only regular meetings had no roll-call: nobody
    /// is known to have been expected or present, which "0/0" would not say.
    pub fn attendance_unrolled(lang: Lang) -> &'static str {
        lang.pick("Dự họp — (chưa điểm danh)", "Attendance — (no roll-call)")
    }

    pub fn attendance(lang: Lang, rate: &str, present: u32, expected: u32) -> String {
        lang.pick(
            format!("Dự họp {rate} ({present}/{expected} phải dự)"),
            format!("Attendance {rate} ({present}/{expected} expected)"),
        )
    }

    /// The marks other than present, the meetings held without a roll-call (only when
    /// there are some: their members are in no count above), and the visits from above.
    pub fn marks(lang: Lang, stats: &MonthStats) -> Vec<String> {
        let (excused, absent, exempt) = (stats.excused, stats.absent, stats.exempt);
        let mut marks = vec![
            lang.pick(format!("có phép {excused}"), format!("excused {excused}")),
            lang.pick(format!("không phép {absent}"), format!("absent {absent}")),
            lang.pick(format!("miễn {exempt}"), format!("exempt {exempt}")),
        ];
        let unrolled = stats.meetings_without_roll;
        if unrolled > 0 {
            marks.push(lang.pick(
                format!("chưa điểm danh {unrolled}"),
                format!("no roll-call {unrolled}"),
            ));
        }
        let guests = stats.guest_visits;
        marks.push(lang.pick(
            format!("cấp trên dự {guests} lượt"),
            format!("visits from above {guests}"),
        ));
        marks
    }

    /// After a unit's attendance rate: some meeting of it was held without a roll-call, so
    /// the rate leaves that meeting out.
    pub const UNROLLED: &str = "?";

    /// What `UNROLLED` means, for the help's legend.
    pub fn unrolled_note(lang: Lang) -> &'static str {
        lang.pick(
            "sau tỉ lệ: có cuộc họp chưa điểm danh, tỉ lệ không tính cuộc đó",
            "after a rate: a meeting had no roll-call, left out of the rate",
        )
    }

    /// "kế hoạch gửi đúng hạn 75% (9/12)", then the plans and documents late or missing on
    /// `today` (only those there are), then "vắng không phép ≥ 3 tháng: 2".
    pub fn preparation(lang: Lang, stats: &MonthStats, today: NaiveDate) -> Vec<String> {
        let share = percent(stats.plan_on_time_share());
        let (on_time, due) = (stats.plans_on_time, stats.plans_due());
        let mut items = vec![lang.pick(
            format!("kế hoạch gửi đúng hạn {share} ({on_time}/{due})"),
            format!("plans sent in time {share} ({on_time}/{due})"),
        )];
        let behind = [
            (stats.plans_late, "kế hoạch muộn", "plans late"),
            (stats.plans_missing(today), "chưa gửi KH", "plans not sent"),
            (stats.documents_late, "tài liệu muộn", "documents late"),
            (
                stats.documents_missing(today),
                "thiếu tài liệu",
                "no documents",
            ),
        ];
        for (n, vi, en) in behind.into_iter().filter(|(n, ..)| *n > 0) {
            items.push(lang.pick(format!("{vi} {n}"), format!("{en} {n}")));
        }
        items.push(lang.pick(
            format!("vắng không phép ≥ 3 tháng: {}", stats.absentees),
            format!("absent without leave 3+ months: {}", stats.absentees),
        ));
        items
    }

    pub fn members(lang: Lang, on_roll: u32) -> String {
        lang.pick(
            format!("Đảng viên {on_roll}:"),
            format!("Members {on_roll}:"),
        )
    }

    pub fn active(lang: Lang) -> &'static str {
        lang.pick("đang SH", "active")
    }

    /// "Xếp loại 2025: hoàn thành tốt (82 điểm)", the score bare when `short`.
    pub fn own_grade(
        lang: Lang,
        year: i32,
        grade: Option<(Grade, Option<u8>)>,
        short: bool,
    ) -> String {
        let what = match grade {
            None => lang.pick("chưa xếp loại", "not graded").to_string(),
            Some((grade, None)) => grade.label(lang, false).to_string(),
            Some((grade, Some(score))) if short => {
                format!("{} ({score})", grade.label(lang, false))
            }
            Some((grade, Some(score))) => lang.pick(
                format!("{} ({score} điểm)", grade.label(lang, false)),
                format!("{} ({score} points)", grade.label(lang, false)),
            ),
        };
        lang.pick(
            format!("Xếp loại {year}: {what}"),
            format!("Graded {year}: {what}"),
        )
    }

    /// "TCCS tốt trở lên: 8/10 = 80.0%", the year being the one of the line above.
    pub fn share(lang: Lang, units: GradedUnits, good: u32, graded: u32, pct: &str) -> String {
        let (vi, en) = match units {
            GradedUnits::Grassroots => ("TCCS", "Grassroots units"),
            GradedUnits::Branches => ("Chi bộ", "Branches"),
        };
        lang.pick(
            format!("{vi} tốt trở lên: {good}/{graded} = {pct}"),
            format!("{en} good or better: {good}/{graded} = {pct}"),
        )
    }

    /// "✓ đạt mục tiêu 85%", "✗ dưới mục tiêu 85%".
    pub fn target(lang: Lang, met: bool, percent: u8) -> String {
        match met {
            true => lang.pick(
                format!("✓ đạt mục tiêu {percent}%"),
                format!("✓ meets the {percent}% target"),
            ),
            false => lang.pick(
                format!("✗ dưới mục tiêu {percent}%"),
                format!("✗ below the {percent}% target"),
            ),
        }
    }

    pub fn ungraded(lang: Lang, n: u32) -> String {
        lang.pick(format!("{n} chưa xếp loại"), format!("{n} not graded"))
    }

    /// "Định mức dự SH: 1 người, 1 chậm" (in the year of the month shown).
    pub fn quotas(lang: Lang, people: usize, behind: usize) -> String {
        lang.pick(
            format!("Định mức dự SH: {people} người, {behind} chậm"),
            format!("Visiting quotas: {people} held, {behind} behind"),
        )
    }

    pub fn trend(lang: Lang, from: &str, to: &str) -> String {
        lang.pick(
            format!("12 tháng: {from} – {to}"),
            format!("12 months: {from} – {to}"),
        )
    }

    pub fn rate_label(lang: Lang) -> &'static str {
        lang.pick("Dự họp", "Attend.")
    }

    pub fn in_time_label(lang: Lang) -> &'static str {
        lang.pick("Đúng hạn", "In time")
    }

    /// The heat map's symbols and what they mean, tight enough for one line of the
    /// narrowest pane.
    pub fn legend(lang: Lang) -> [&'static str; 5] {
        [
            "█≥90%",
            "▓≥75%",
            "▒≥50%",
            "░<50%",
            lang.pick("·không xét", "·n/a"),
        ]
    }

    /// The status line after F6: where the workbook went.
    pub fn exported(lang: Lang, path: &str) -> String {
        lang.pick(
            format!("Đã xuất bảng theo chi bộ: {path}"),
            format!("Table by branch exported: {path}"),
        )
    }

    pub fn heat_note(lang: Lang) -> &'static str {
        lang.pick(
            "Mỗi ô một tháng: tỉ lệ thấp hơn trong hai tỉ lệ dự họp và đúng hạn; · không có gì để xét; ? sau tỉ lệ: có cuộc họp chưa điểm danh",
            "A cell a month: the lower of the attendance and in-time shares; · nothing to judge; ? after a rate: a meeting without a roll-call",
        )
    }

    /// The heat map's symbols and what each means, for the help.
    pub fn heat_symbols(lang: Lang) -> [(&'static str, &'static str); 5] {
        [
            (
                "█",
                lang.pick(
                    "dự họp và đúng hạn từ 90%",
                    "attendance and in time 90% or more",
                ),
            ),
            ("▓", lang.pick("từ 75%", "75% or more")),
            ("▒", lang.pick("từ 50%", "50% or more")),
            ("░", lang.pick("dưới 50%", "under 50%")),
            ("·", lang.pick("không có gì để xét", "nothing to judge")),
        ]
    }

    /// Column headings of the list of units: name, rate, on time, heat map; and for a wide
    /// list, due, overdue and grade.
    pub struct Headings {
        pub name: &'static str,
        pub rate: &'static str,
        pub in_time: &'static str,
        pub heat: &'static str,
        pub due: &'static str,
        pub overdue: &'static str,
        pub grade: &'static str,
        pub month: &'static str,
        pub status: &'static str,
        pub present: &'static str,
    }

    pub fn headings(lang: Lang) -> Headings {
        match lang {
            Lang::Vi => Headings {
                name: "Tên",
                rate: "Dự%",
                in_time: "Hạn%",
                heat: "12 tháng",
                due: "Phải họp",
                overdue: "Quá hạn",
                grade: "Xếp loại",
                month: "Tháng",
                status: "Tình trạng",
                present: "Có mặt",
            },
            Lang::En => Headings {
                name: "Name",
                rate: "Att%",
                in_time: "Time%",
                heat: "12 months",
                due: "Due",
                overdue: "Overdue",
                grade: "Grade",
                month: "Month",
                status: "Status",
                present: "Present",
            },
        }
    }
}
