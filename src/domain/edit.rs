//! The rules an edit must follow before it reaches the store: what a form checks and says,
//! in the user's language.

use std::borrow::Cow;

use chrono::NaiveDate;

use super::classification::Grade;
use super::date::{in_range, out_of_range_words};
use super::lang::Lang;
use super::limits::{TextKind, TextLimitError, check_stored, limited};
use super::meeting::Meeting;
use super::member::{Member, MemberStatus, StatusChange};
use super::org::{MAX_DEPTH, OrgKind, OrgUnit};
use super::text::{has_unsafe_chars, nfc};

/// Why an edit was refused, worded for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    Empty(&'static str),
    UnsafeText(&'static str),
    /// A text over its limit or with a character its kind may not hold (`domain::limits`).
    TextLimit(&'static str, TextLimitError),
    /// A date outside the range chibo accepts (`domain::date`).
    DateOutOfRange(&'static str),
    /// The change would put an organisation at level `deepest`, past [`MAX_DEPTH`].
    TooDeep {
        deepest: usize,
    },
    CannotSitUnder {
        kind: OrgKind,
        parent: OrgKind,
    },
    IntoOwnSubtree,
    AlreadyDissolved(NaiveDate),
    DissolvedBeforeFounded,
    DatesOutOfOrder {
        earlier: &'static str,
        later: &'static str,
    },
    UntilNeeded,
    UntilNotAfterFrom,
    BeforeLastChange(NaiveDate),
    /// A status change or a transfer dated before the member existed ([`check_not_before_member`]).
    BeforeMember {
        event: Dated,
        day: NaiveDate,
        since: Since,
    },
    /// A classification for a year that has not come yet (`this_year` is the clock's), or
    /// before the Party was founded (1930).
    YearOutOfRange {
        year: i32,
        this_year: i32,
    },
    /// A 100-point score above 100.
    ScoreOver100(u8),
    /// A grade given with a score that earns another one by the thresholds.
    GradeDisagrees {
        grade: Grade,
        score: u8,
        earns: Grade,
    },
    /// Neither a grade nor a score: nothing to record.
    NoGrade,
}

/// A dated event of a member's history: a change of status, or a transfer out of a branch
/// (the day a former branch was left).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dated {
    Status(MemberStatus),
    Transfer,
}

/// The day a member's history may not come before: admission, or birth when admission is
/// not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    Born(NaiveDate),
    Admitted(NaiveDate),
}

impl Since {
    pub fn day(self) -> NaiveDate {
        match self {
            Since::Born(day) | Since::Admitted(day) => day,
        }
    }

    /// The member's field it comes from.
    pub fn field(self) -> &'static str {
        match self {
            Since::Born(_) => "born",
            Since::Admitted(_) => "admitted",
        }
    }
}

impl EditError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            EditError::Empty(field) => lang.pick(
                format!("{} không được để trống", field_vi(field)),
                format!("{field} must not be empty"),
            ),
            EditError::UnsafeText(field) => lang.pick(
                format!("{} chứa ký tự điều khiển", field_vi(field)),
                format!("{field} contains control characters"),
            ),
            EditError::TextLimit(field, why) => lang.pick(
                format!("{} {}", field_vi(field), why.message(lang)),
                format!("{field} {}", why.message(lang)),
            ),
            EditError::DateOutOfRange(field) => {
                let why = out_of_range_words(lang);
                lang.pick(
                    format!("{} {why}", field_vi(field)),
                    format!("{field} {why}"),
                )
            }
            EditError::TooDeep { deepest } => lang.pick(
                format!(
                    "cây tổ chức có tối đa {MAX_DEPTH} cấp: thay đổi này tạo ra cấp thứ {deepest}"
                ),
                format!(
                    "the tree has at most {MAX_DEPTH} levels: this would make a level {deepest}"
                ),
            ),
            EditError::CannotSitUnder { kind, parent } => {
                let (kind, parent) = (kind.label(lang, false), parent.label(lang, false));
                lang.pick(
                    format!("Một {kind} không thể trực thuộc một {parent}"),
                    format!("A {kind} cannot report to a {parent}"),
                )
            }
            EditError::IntoOwnSubtree => lang.pick(
                "không thể chuyển một tổ chức vào bên trong chính nó".to_string(),
                "an organisation cannot move inside itself".to_string(),
            ),
            EditError::AlreadyDissolved(date) => lang.pick(
                format!("tổ chức đã giải thể ngày {}", lang.date(*date)),
                format!("already dissolved on {}", lang.date(*date)),
            ),
            EditError::DissolvedBeforeFounded => lang.pick(
                "ngày giải thể trước ngày thành lập".to_string(),
                "dissolution date is before the founding date".to_string(),
            ),
            EditError::DatesOutOfOrder { earlier, later } => lang.pick(
                format!("{} phải trước {}", field_vi(earlier), field_vi(later)),
                format!("{earlier} must come before {later}"),
            ),
            EditError::UntilNeeded => lang.pick(
                "tạm miễn sinh hoạt cần ngày kết thúc".to_string(),
                "a temporary exemption needs an end date".to_string(),
            ),
            EditError::UntilNotAfterFrom => lang.pick(
                "ngày kết thúc phải sau ngày bắt đầu".to_string(),
                "the end date must be after the start date".to_string(),
            ),
            EditError::BeforeLastChange(date) => lang.pick(
                format!(
                    "đã có thay đổi tình trạng ngày {}; lịch sử không được sửa lại",
                    lang.date(*date)
                ),
                format!(
                    "a status change on {} is already recorded; history is not rewritten",
                    lang.date(*date)
                ),
            ),
            EditError::BeforeMember { event, day, since } => {
                let day = lang.date(*day);
                let (since_vi, since_en) = match since {
                    Since::Admitted(d) => (
                        format!("ngày vào Đảng {}", lang.date(*d)),
                        format!("the member was admitted on {}", lang.date(*d)),
                    ),
                    Since::Born(d) => (
                        format!("ngày sinh {}", lang.date(*d)),
                        format!("the member was born on {}", lang.date(*d)),
                    ),
                };
                match event {
                    Dated::Status(_) => lang.pick(
                        format!("tình trạng không thể bắt đầu từ {day}, trước {since_vi}"),
                        format!("a status cannot begin on {day}, before {since_en}"),
                    ),
                    Dated::Transfer => lang.pick(
                        format!("không thể chuyển sinh hoạt ngày {day}, trước {since_vi}"),
                        format!("a transfer cannot be dated {day}, before {since_en}"),
                    ),
                }
            }
            EditError::YearOutOfRange { year, this_year } => lang.pick(
                format!("năm xếp loại {year} không hợp lệ: phải từ 1930 đến {this_year}"),
                format!("cannot grade the year {year}: it must be from 1930 to {this_year}"),
            ),
            EditError::ScoreOver100(score) => lang.pick(
                format!("điểm {score} vượt quá 100"),
                format!("a score of {score} is over 100"),
            ),
            EditError::GradeDisagrees {
                grade,
                score,
                earns,
            } => lang.pick(
                format!(
                    "{score} điểm là mức \"{}\", không phải \"{}\"",
                    earns.label(lang, false),
                    grade.label(lang, false)
                ),
                format!(
                    "a score of {score} earns \"{}\", not \"{}\"",
                    earns.label(lang, false),
                    grade.label(lang, false)
                ),
            ),
            EditError::NoGrade => lang.pick(
                "cần mức xếp loại hoặc điểm".to_string(),
                "a grade or a score is needed".to_string(),
            ),
        }
    }
}

fn field_vi(field: &str) -> &str {
    match field {
        "name" => "Tên",
        "code" => "Mã",
        "card" => "Số thẻ đảng viên",
        "born" => "ngày sinh",
        "admitted" => "ngày vào Đảng",
        "full_member" => "ngày chính thức",
        "reason" => "Lý do",
        "parent" => "Tổ chức cấp trên",
        other => other,
    }
}

/// A text as it will be stored: NFC, trimmed, non-empty, free of control characters, and
/// held to the limits of its `kind` (a card's full-width digits made ASCII, prose without
/// invisible characters).
pub fn clean_text(field: &'static str, kind: TextKind, text: &str) -> Result<String, EditError> {
    let text = nfc(text.trim()).into_owned();
    if text.is_empty() {
        return Err(EditError::Empty(field));
    }
    if has_unsafe_chars(&text) {
        return Err(EditError::UnsafeText(field));
    }
    match limited(kind, &text) {
        Ok(Cow::Borrowed(_)) => Ok(text),
        Ok(Cow::Owned(changed)) => Ok(changed),
        Err(why) => Err(EditError::TextLimit(field, why)),
    }
}

/// An organisation as the store writes it over `old` (the stored one, if any): its code and
/// name within their limits, its dates in the accepted range. Every write of an organisation
/// passes here. Only what the write changes is held to the limits: a record stored before
/// they held can still be renamed, moved or dissolved.
pub fn check_org_record(org: &OrgUnit, old: Option<&OrgUnit>) -> Result<(), EditError> {
    let was = |f: fn(&OrgUnit) -> &str| old.map(f);
    check_new_text("code", TextKind::Code, &org.code, was(|o| &o.code))?;
    check_new_text("name", TextKind::OrgName, &org.name, was(|o| &o.name))?;
    check_new_dates(
        [("founded", org.founded), ("dissolved", org.dissolved)],
        old.map(|o| [o.founded, o.dissolved]),
    )
}

/// A member as the store writes it over `old`, held like [`check_org_record`]: card, name,
/// phone, residence, dates and the reasons and days of the status history.
pub fn check_member_record(member: &Member, old: Option<&Member>) -> Result<(), EditError> {
    let was = |f: fn(&Member) -> Option<&str>| old.and_then(f);
    check_new_text("card", TextKind::Card, &member.card, was(|m| Some(&m.card)))?;
    check_new_text(
        "name",
        TextKind::PersonName,
        &member.name,
        was(|m| Some(&m.name)),
    )?;
    if let Some(phone) = &member.phone {
        check_new_text("phone", TextKind::Line, phone, was(|m| m.phone.as_deref()))?;
    }
    if let Some(residence) = &member.residence {
        let before = was(|m| m.residence.as_deref());
        check_new_text("residence", TextKind::Line, residence, before)?;
    }
    check_new_dates(
        [
            ("born", member.born),
            ("admitted", member.admitted),
            ("full_member", member.full_member),
        ],
        old.map(|m| [m.born, m.admitted, m.full_member]),
    )?;
    let old_history = old.map_or(&[][..], |m| &m.history[..]);
    for change in member.history.iter().filter(|c| !old_history.contains(c)) {
        if let Some(reason) = &change.reason {
            check_stored_text("reason", TextKind::Reason, reason)?;
        }
        check_new_dates([("from", Some(change.from)), ("until", change.until)], None)?;
    }
    Ok(())
}

/// A meeting as the store writes it over `old`: its day and the first planned one in range,
/// its place, topic, agenda items, excuses and minutes within their limits — what the write
/// changes, as for [`check_org_record`], so a draft of minutes is never refused for a place
/// stored before the limits held.
pub fn check_meeting_record(meeting: &Meeting, old: Option<&Meeting>) -> Result<(), EditError> {
    check_new_dates(
        [("date", Some(meeting.date)), ("planned", meeting.planned)],
        old.map(|m| [Some(m.date), m.planned]),
    )?;
    let was = |f: fn(&Meeting) -> Option<&str>| old.and_then(f);
    let texts = [
        (
            "place",
            TextKind::Place,
            meeting.place.as_deref(),
            was(|m| m.place.as_deref()),
        ),
        (
            "topic",
            TextKind::Topic,
            meeting.topic.as_deref(),
            was(|m| m.topic.as_deref()),
        ),
        (
            "minutes",
            TextKind::Minutes,
            meeting.minutes.as_deref(),
            was(|m| m.minutes.as_deref()),
        ),
    ];
    for (field, kind, text, before) in texts {
        if let Some(text) = text {
            check_new_text(field, kind, text, before)?;
        }
    }
    let old_agenda = old.map_or(&[][..], |m| &m.agenda[..]);
    for item in meeting.agenda.iter().filter(|i| !old_agenda.contains(i)) {
        check_stored_text("agenda", TextKind::AgendaItem, item)?;
    }
    let old_excuses = old.map_or(&[][..], |m| &m.excuses[..]);
    for (_, reason) in meeting.excuses.iter().filter(|e| !old_excuses.contains(e)) {
        check_stored_text("excuses", TextKind::Reason, reason)?;
    }
    Ok(())
}

/// `text` held to `kind` unless it is what was stored before.
fn check_new_text(
    field: &'static str,
    kind: TextKind,
    text: &str,
    before: Option<&str>,
) -> Result<(), EditError> {
    if before == Some(text) {
        return Ok(());
    }
    check_stored_text(field, kind, text)
}

/// Each date in the accepted range unless it is the one stored before (`before`, in the same
/// order).
fn check_new_dates<const N: usize>(
    dates: [(&'static str, Option<NaiveDate>); N],
    before: Option<[Option<NaiveDate>; N]>,
) -> Result<(), EditError> {
    for (n, (field, date)) in dates.into_iter().enumerate() {
        let Some(date) = date else { continue };
        if !in_range(date) && before.is_none_or(|b| b[n] != Some(date)) {
            return Err(EditError::DateOutOfRange(field));
        }
    }
    Ok(())
}

/// What the store's commands hold a text to before writing it (`limits::check_stored`).
pub fn check_stored_text(field: &'static str, kind: TextKind, text: &str) -> Result<(), EditError> {
    check_stored(kind, text).map_err(|why| EditError::TextLimit(field, why))
}

/// An organisation of `kind` may be placed under `parent` (or be a root when `None`).
pub fn check_placement(kind: OrgKind, parent: Option<&OrgUnit>) -> Result<(), EditError> {
    match parent {
        Some(p) if !kind.may_sit_under(p.kind) => Err(EditError::CannotSitUnder {
            kind,
            parent: p.kind,
        }),
        // Only a cell or a plain branch needs something above it.
        None if matches!(kind, OrgKind::Cell | OrgKind::Branch) => Err(EditError::Empty("parent")),
        _ => Ok(()),
    }
}

/// Moving `org` under `target`, whose ancestors (nearest first) are `target_ancestors`.
pub fn check_move(
    org: &OrgUnit,
    target: &OrgUnit,
    target_ancestors: &[OrgUnit],
) -> Result<(), EditError> {
    if target.id == org.id || target_ancestors.iter().any(|a| a.id == org.id) {
        return Err(EditError::IntoOwnSubtree);
    }
    check_placement(org.kind, Some(target))
}

/// An organisation whose deepest part would sit at level `deepest` (the root is level 1):
/// refused past [`MAX_DEPTH`]. Adding under a parent at level n makes level n + 1; moving a
/// subtree `height` levels high under a target at level n makes level n + height.
pub fn check_depth(deepest: usize) -> Result<(), EditError> {
    if deepest > MAX_DEPTH {
        return Err(EditError::TooDeep { deepest });
    }
    Ok(())
}

/// Marks `org` dissolved on `date`; its history stays.
pub fn dissolve(org: &OrgUnit, date: NaiveDate) -> Result<OrgUnit, EditError> {
    if let Some(already) = org.dissolved {
        return Err(EditError::AlreadyDissolved(already));
    }
    if org.founded.is_some_and(|f| date < f) {
        return Err(EditError::DissolvedBeforeFounded);
    }
    Ok(OrgUnit {
        dissolved: Some(date),
        ..org.clone()
    })
}

/// Birth, admission and full membership come in that order.
pub fn check_member_dates(member: &Member) -> Result<(), EditError> {
    let order = [
        ("born", member.born),
        ("admitted", member.admitted),
        ("full_member", member.full_member),
    ];
    for (i, (earlier, a)) in order.iter().enumerate() {
        for (later, b) in &order[i + 1..] {
            if let (Some(a), Some(b)) = (a, b)
                && a >= b
            {
                return Err(EditError::DatesOutOfOrder { earlier, later });
            }
        }
    }
    Ok(())
}

/// A status change or a transfer dated `day`, for a member born on `born` and admitted
/// (kết nạp) on `admitted`: refused before the member existed. A status and a transfer
/// belong to a party member, so the day that counts is admission; when it is not known,
/// birth (a record with only a birth date still cannot carry a status from before it); when
/// neither is known, nothing is refused. When both are known the later counts (the other
/// rules keep admission after birth). The day itself is allowed: a member may be exempted
/// or moved on the day they were admitted.
///
/// The one rule for every path: the import, the forms, the store's commands and
/// `chibo check`.
pub fn check_not_before_member(
    born: Option<NaiveDate>,
    admitted: Option<NaiveDate>,
    event: Dated,
    day: NaiveDate,
) -> Result<(), EditError> {
    let since = match (born, admitted) {
        (Some(b), Some(a)) if b > a => Some(Since::Born(b)),
        (_, Some(a)) => Some(Since::Admitted(a)),
        (Some(b), None) => Some(Since::Born(b)),
        (None, None) => None,
    };
    match since {
        Some(since) if day < since.day() => Err(EditError::BeforeMember { event, day, since }),
        _ => Ok(()),
    }
}

/// Every status change and transfer of `member` by [`check_not_before_member`]: the first
/// one dated before the member existed.
pub fn check_member_history(member: &Member) -> Result<(), EditError> {
    let statuses = member
        .history
        .iter()
        .map(|c| (Dated::Status(c.status), c.from));
    let transfers = member
        .former_orgs
        .iter()
        .map(|f| (Dated::Transfer, f.until));
    for (event, day) in statuses.chain(transfers) {
        check_not_before_member(member.born, member.admitted, event, day)?;
    }
    Ok(())
}

/// A new status change, appended to history: never dated before the member existed
/// ([`check_not_before_member`]) nor before the latest one recorded, and a temporary
/// exemption ends after it starts.
pub fn check_status_change(member: &Member, change: &StatusChange) -> Result<(), EditError> {
    let event = Dated::Status(change.status);
    check_not_before_member(member.born, member.admitted, event, change.from)?;
    if let Some(last) = member.history.last()
        && change.from < last.from
    {
        return Err(EditError::BeforeLastChange(last.from));
    }
    match (change.status, change.until) {
        (MemberStatus::TemporarilyExempt, None) => Err(EditError::UntilNeeded),
        (_, Some(until)) if until <= change.from => Err(EditError::UntilNotAfterFrom),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso;
    use crate::domain::{MemberId, OrgId};

    fn org(id: u64, kind: OrgKind, parent: Option<u64>) -> OrgUnit {
        let name = format!("Org {id}");
        OrgUnit {
            founded: parse_iso("2000-01-01").ok(),
            ..OrgUnit::new(OrgId(id), format!("C{id}"), name, kind, parent.map(OrgId))
        }
    }

    #[test]
    fn the_store_holds_what_a_write_changes_to_the_limits_and_keeps_what_was_stored() {
        use crate::domain::{MeetingId, MeetingKind, MeetingState};
        let day = parse_iso("2026-11-05").unwrap();
        let mut legacy = Meeting::new(
            MeetingId(1),
            OrgId(3),
            MeetingKind::Regular,
            day,
            MeetingState::Held,
        );
        legacy.place = Some("x".repeat(400));
        assert_eq!(
            check_meeting_record(&legacy, None),
            Err(EditError::TextLimit(
                "place",
                TextLimitError::TooLong {
                    max: 300,
                    found: 400
                }
            ))
        );
        // A draft of minutes saved over a place stored before the limits held.
        let mut drafted = legacy.clone();
        drafted.minutes = Some("Khai mạc".into());
        assert_eq!(check_meeting_record(&drafted, Some(&legacy)), Ok(()));
        let mut moved = legacy.clone();
        moved.date = NaiveDate::from_ymd_opt(1899, 12, 31).unwrap();
        assert_eq!(
            check_meeting_record(&moved, Some(&legacy)),
            Err(EditError::DateOutOfRange("date"))
        );
    }

    #[test]
    fn the_tree_is_at_most_twelve_levels_deep() {
        assert_eq!(check_depth(MAX_DEPTH), Ok(()));
        assert_eq!(
            check_depth(MAX_DEPTH + 1),
            Err(EditError::TooDeep { deepest: 13 })
        );
        assert_eq!(
            EditError::TooDeep { deepest: 13 }.message(Lang::En),
            "the tree has at most 12 levels: this would make a level 13"
        );
    }

    #[test]
    fn text_is_trimmed_composed_and_refused_when_empty_or_unsafe() {
        assert_eq!(
            clean_text("name", TextKind::PersonName, "  Nguye\u{302}\u{303}n ").unwrap(),
            "Nguyễn"
        );
        assert_eq!(
            clean_text("name", TextKind::PersonName, "   "),
            Err(EditError::Empty("name"))
        );
        assert_eq!(
            clean_text("name", TextKind::PersonName, "a\u{1b}[2Jb"),
            Err(EditError::UnsafeText("name"))
        );
    }

    #[test]
    fn moves_refuse_their_own_subtree_and_wrong_levels() {
        let province = org(1, OrgKind::ProvincialCommittee, None);
        let ward = org(2, OrgKind::GrassrootsCommittee, Some(1));
        let branch = org(3, OrgKind::Branch, Some(2));
        let other_ward = org(4, OrgKind::GrassrootsCommittee, Some(1));
        assert!(check_move(&branch, &other_ward, std::slice::from_ref(&province)).is_ok());
        assert_eq!(
            check_move(&ward, &branch, &[ward.clone(), province.clone()]),
            Err(EditError::IntoOwnSubtree)
        );
        assert!(matches!(
            check_move(&other_ward, &branch, &[ward.clone(), province.clone()]),
            Err(EditError::CannotSitUnder { .. })
        ));
        let message = EditError::IntoOwnSubtree.message(Lang::En);
        assert!(message.contains("inside itself"), "{message}");
        let wrong_level = EditError::CannotSitUnder {
            kind: OrgKind::GrassrootsCommittee,
            parent: OrgKind::Branch,
        };
        assert_eq!(
            wrong_level.message(Lang::Vi),
            "Một đảng ủy cơ sở không thể trực thuộc một chi bộ"
        );
        let dissolved = EditError::AlreadyDissolved(parse_iso("2025-07-01").unwrap());
        assert_eq!(
            dissolved.message(Lang::Vi),
            "tổ chức đã giải thể ngày 01/07/2025"
        );
    }

    #[test]
    fn dissolution_marks_a_date_once() {
        let branch = org(3, OrgKind::Branch, Some(2));
        let date = parse_iso("2025-07-01").unwrap();
        let dissolved = dissolve(&branch, date).unwrap();
        assert_eq!(dissolved.dissolved, Some(date));
        assert_eq!(
            dissolve(&dissolved, date),
            Err(EditError::AlreadyDissolved(date))
        );
        assert_eq!(
            dissolve(&branch, parse_iso("1999-01-01").unwrap()),
            Err(EditError::DissolvedBeforeFounded)
        );
    }

    fn member(born: Option<NaiveDate>, admitted: Option<NaiveDate>) -> Member {
        Member {
            id: MemberId(1),
            card: "1".into(),
            name: "Lê Lợi".into(),
            sex: None,
            born,
            admitted,
            full_member: None,
            org: OrgId(3),
            cell: None,
            phone: None,
            residence: None,
            former_orgs: Vec::new(),
            history: vec![],
        }
    }

    #[test]
    fn status_changes_append_and_temporary_ones_end() {
        let mut member = member(parse_iso("1960-01-01").ok(), parse_iso("1980-01-01").ok());
        member.full_member = parse_iso("1979-01-01").ok();
        assert_eq!(
            check_member_dates(&member),
            Err(EditError::DatesOutOfOrder {
                earlier: "admitted",
                later: "full_member"
            })
        );
        member.full_member = parse_iso("1981-01-01").ok();
        assert!(check_member_dates(&member).is_ok());
        let change = |status, from, until: Option<&str>| StatusChange {
            status,
            from: parse_iso(from).unwrap(),
            until: until.map(|u| parse_iso(u).unwrap()),
            reason: None,
        };
        let temp = change(MemberStatus::TemporarilyExempt, "2026-01-01", None);
        assert_eq!(
            check_status_change(&member, &temp),
            Err(EditError::UntilNeeded)
        );
        member.record_status(change(MemberStatus::Exempt, "2026-03-01", None));
        let earlier = change(MemberStatus::Active, "2026-02-01", None);
        assert!(matches!(
            check_status_change(&member, &earlier),
            Err(EditError::BeforeLastChange(_))
        ));
    }

    /// The case: exempt from 01/01/1990 for a member born in 1997, admitted in 2022.
    #[test]
    fn no_status_or_transfer_before_the_member_existed() {
        let d = |s| parse_iso(s).unwrap();
        let (born, admitted) = (Some(d("1997-04-02")), Some(d("2022-03-15")));
        let exempt = Dated::Status(MemberStatus::Exempt);
        let refused = check_not_before_member(born, admitted, exempt, d("1990-01-01"));
        let error = EditError::BeforeMember {
            event: exempt,
            day: d("1990-01-01"),
            since: Since::Admitted(d("2022-03-15")),
        };
        assert_eq!(refused, Err(error.clone()));
        assert_eq!(
            error.message(Lang::Vi),
            "tình trạng không thể bắt đầu từ 01/01/1990, trước ngày vào Đảng 15/03/2022"
        );
        assert_eq!(
            error.message(Lang::En),
            "a status cannot begin on 1990-01-01, before the member was admitted on 2022-03-15"
        );
        // Between birth and admission: still before admission.
        assert!(check_not_before_member(born, admitted, exempt, d("2010-01-01")).is_err());
        // The day of admission itself, and after it.
        assert!(check_not_before_member(born, admitted, exempt, d("2022-03-15")).is_ok());
        // Admission unknown: birth counts; both unknown: nothing is refused.
        let before_birth = check_not_before_member(born, None, Dated::Transfer, d("1990-01-01"));
        assert_eq!(
            before_birth.unwrap_err().message(Lang::Vi),
            "không thể chuyển sinh hoạt ngày 01/01/1990, trước ngày sinh 02/04/1997"
        );
        assert!(check_not_before_member(born, None, exempt, d("2010-01-01")).is_ok());
        assert!(check_not_before_member(None, None, exempt, d("1900-01-01")).is_ok());

        let mut member = member(born, admitted);
        let change = StatusChange {
            status: MemberStatus::Exempt,
            from: d("1990-01-01"),
            until: None,
            reason: None,
        };
        assert_eq!(check_status_change(&member, &change), Err(error.clone()));
        assert!(check_member_history(&member).is_ok());
        member.record_status(change);
        assert_eq!(check_member_history(&member), Err(error));
        member.history.clear();
        member.former_orgs.push(crate::domain::FormerOrg {
            org: OrgId(2),
            until: d("2021-12-31"),
        });
        assert!(matches!(
            check_member_history(&member),
            Err(EditError::BeforeMember {
                event: Dated::Transfer,
                ..
            })
        ));
    }
}
