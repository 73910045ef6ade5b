//! What can be wrong with an imported line, in Vietnamese and English, and the list that
//! collects every problem of one import (up to a cap, so a wrong file does not flood the screen).

use chrono::NaiveDate;

use crate::domain::Lang;
use crate::domain::date::{LAST_YEAR, out_of_range_words};
use crate::domain::edit::{Dated, Since};
use crate::domain::limits::TextLimitError;
use crate::domain::org::MAX_DEPTH;
use crate::domain::text::quoted;

use super::exchange::serde_words;
use super::{ImportError, LineError};

/// More problems than this and the import stops looking: the file is clearly the wrong one.
pub const PROBLEM_CAP: usize = 100;

/// One problem with one line. Text from the file is always shown through `quoted`, so a
/// control character in it cannot act on the reader's terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    MalformedJson {
        column: usize,
        detail: String,
    },
    NotAnObject,
    MissingType,
    UnknownType {
        found: String,
    },
    UnknownField {
        field: String,
        accepted: String,
    },
    DuplicateField {
        field: String,
    },
    WrongType {
        column: usize,
        /// The field whose value it is, when the column falls in one.
        field: Option<String>,
        detail: String,
    },
    Missing {
        field: &'static str,
    },
    UnknownWord {
        field: &'static str,
        found: String,
        accepted: String,
    },
    BadDate {
        field: &'static str,
        found: String,
        forms: &'static str,
    },
    /// A text over its length limit, or with a character its kind may not hold
    /// (`domain::limits`).
    TextLimit {
        field: &'static str,
        why: TextLimitError,
    },
    /// A real day outside the range chibo accepts (`domain::date`).
    DateOutOfRange {
        field: &'static str,
        found: String,
    },
    UnsafeText {
        field: &'static str,
        found: String,
    },
    DateOrder {
        later: &'static str,
        earlier: &'static str,
        strict: bool,
    },
    RuleShape,
    RuleDay {
        found: u64,
    },
    RuleNth {
        found: u64,
    },
    GraceRange {
        found: u64,
    },
    BadMonth {
        field: &'static str,
        found: String,
    },
    DuplicateRuleChange {
        from: String,
    },
    BadTime {
        field: &'static str,
        found: String,
    },
    AttendanceNotHeld {
        state: &'static str,
    },
    BadMoment {
        field: &'static str,
        found: String,
    },
    /// "approval" or "amendments" on minutes that are not approved.
    NotApproved {
        field: &'static str,
    },
    /// A meeting recorded as held on a day after the day of the import.
    HeldAfterToday {
        today: NaiveDate,
    },
    /// A meeting of an organisation on or after the day it was dissolved.
    AfterDissolution {
        org: String,
        dissolved: NaiveDate,
    },
    DuplicateCode {
        code: String,
        first_line: usize,
    },
    CodeInDatabase {
        code: String,
    },
    DuplicateCard {
        card: String,
        first_line: usize,
    },
    CardInDatabase {
        card: String,
    },
    UnknownOrg {
        field: &'static str,
        code: String,
    },
    UnknownCard {
        field: &'static str,
        card: String,
    },
    Placement {
        kind: &'static str,
        parent: String,
        parent_kind: &'static str,
    },
    ParentCycle {
        codes: Vec<String>,
    },
    /// An organisation past the tree's depth limit (`domain::org::MAX_DEPTH`).
    TooDeep {
        code: String,
        level: usize,
    },
    MemberOrgNotBranch {
        code: String,
        kind: &'static str,
    },
    CellNotCell {
        code: String,
        kind: &'static str,
    },
    CellOutsideBranch {
        cell: String,
        org: String,
    },
    NoCommittee {
        code: String,
    },
    /// A status change ("from") or a former branch left ("former_orgs.until") dated before
    /// the member was admitted, or born when admission is not known.
    BeforeMember {
        card: String,
        event: Dated,
        day: NaiveDate,
        since: Since,
    },
    NeedsUntil {
        status: &'static str,
    },
    NotMemberOfBranch {
        card: String,
        org: String,
    },
    /// `first_line: None`: the duplicate is already in the database.
    DuplicateMeeting {
        org: String,
        date: String,
        kind: &'static str,
        first_line: Option<usize>,
    },
    DuplicateRole {
        card: String,
        org: String,
        from: String,
        first_line: Option<usize>,
    },
    DuplicateOversight {
        card: String,
        org: String,
        from: String,
        first_line: Option<usize>,
    },
    ListedTwice {
        field: &'static str,
        card: String,
    },
    ExcuseWithoutMark {
        card: String,
    },
    DeadlineDay {
        found: u64,
    },
    /// Former branches whose `until` days are not each after the one before.
    FormerOrder,
    /// A field that only a held meeting may have.
    NotHeld {
        field: &'static str,
        state: &'static str,
    },
    VoteExceeds {
        votes: u64,
        present: usize,
    },
    /// "decisions" on a meeting that is not a committee meeting.
    DecisionsNotCommittee {
        kind: &'static str,
    },
    /// A document with both "text" and "data", or neither.
    DocumentBody,
    /// `data` is not base64, from the `at`th character (from 1) when known.
    BadBase64 {
        at: Option<usize>,
    },
    DocumentTooLarge {
        name: String,
        size: u64,
    },
    /// A document whose meeting is neither in the file nor in the database.
    DocumentWithoutMeeting {
        org: String,
        date: String,
        kind: &'static str,
    },
    /// A classification names neither or both of "org" and "card".
    OrgOrCard,
    YearRange {
        found: i64,
    },
    ScoreRange {
        found: u64,
    },
    CellGraded {
        code: String,
    },
    /// `who` is an organisation code or a party card.
    DuplicateClassification {
        who: String,
        year: i32,
        first_line: Option<usize>,
    },
    TooManyProblems,
    /// An export asked for the subtree of a code no organisation has: the one problem
    /// that is not a line's.
    UnknownRoot {
        code: String,
    },
    CsvSyntax {
        detail: String,
    },
    /// A member list with a header and no member under it.
    NoMemberRows,
    /// A JSON Lines file with no record at all: empty, or blank lines only.
    NoRecords,
    /// A line longer than `limit` bytes: reading stops there.
    LineTooLong {
        limit: u64,
    },
    /// The meeting of this line was not there, or not the same, when the file was read the
    /// second time to write it.
    ChangedWhileRead,
    /// A member list past its limits of columns and filled cells (`member_list.rs`):
    /// reading stops there.
    ListTooLarge,
    /// The `cell`th cell (from 1) of the row is not UTF-8 text.
    CsvNotUtf8 {
        cell: usize,
    },
    UnknownColumn {
        header: String,
        accepted: &'static str,
    },
    DuplicateColumn {
        header: String,
    },
    MissingColumn {
        column: &'static str,
    },
    /// None of the first rows of a member list names its columns.
    NoHeader {
        rows: usize,
    },
    /// A note, not a refusal: a phone number that had lost its leading 0 (a spreadsheet
    /// kept it as a number) was read with it.
    PhoneZeroRestored {
        found: String,
        restored: String,
    },
    /// A spreadsheet cell holding a formula's error instead of a value.
    SpreadsheetError {
        field: &'static str,
        error: String,
    },
    /// A note, not a refusal: a phone number kept as a number, read as its digits.
    /// A card kept as a number by the sheet, shorter than the list's `usual` length.
    CardAsNumber {
        found: String,
        usual: usize,
    },
    PhoneAsNumber {
        found: String,
    },
    RowLength {
        found: usize,
        expected: usize,
    },
}

/// The record types of the exchange format, for the "unknown type" message.
pub const RECORD_TYPES: &str =
    "org | member | member_status | role | oversight | meeting | document | classification";

impl Problem {
    /// The problem in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        use Problem::*;
        match self {
            MalformedJson { column, detail } => lang.pick(
                format!("JSON không hợp lệ (cột {column}): {}", serde_words::vietnamese(detail)),
                format!("malformed JSON (column {column}): {detail}"),
            ),
            NotAnObject => lang.pick(
                "mỗi dòng phải là một đối tượng JSON {…}".into(),
                "each line must be one JSON object {…}".into(),
            ),
            MissingType => lang.pick(
                format!("thiếu trường \"type\"; chấp nhận: {RECORD_TYPES}"),
                format!("missing field \"type\"; accepted: {RECORD_TYPES}"),
            ),
            UnknownType { found } => lang.pick(
                format!("loại bản ghi không xác định {}; chấp nhận: {RECORD_TYPES}", quoted(found)),
                format!("unknown record type {}; accepted: {RECORD_TYPES}", quoted(found)),
            ),
            UnknownField { field, accepted } => lang.pick(
                format!("trường không xác định {}; các trường hợp lệ: {accepted}", quoted(field)),
                format!("unknown field {}; accepted fields: {accepted}", quoted(field)),
            ),
            DuplicateField { field } => lang.pick(
                format!("trường {} xuất hiện hai lần", quoted(field)),
                format!("field {} appears twice", quoted(field)),
            ),
            WrongType {
                column,
                field: Some(field),
                detail,
            } => lang.pick(
                format!(
                    "trường {} (cột {column}): {}",
                    quoted(field),
                    serde_words::vietnamese(detail)
                ),
                format!("field {} (column {column}): {detail}", quoted(field)),
            ),
            WrongType {
                column,
                field: None,
                detail,
            } => lang.pick(
                format!(
                    "giá trị sai kiểu (cột {column}): {}",
                    serde_words::vietnamese(detail)
                ),
                format!("value of the wrong type (column {column}): {detail}"),
            ),
            Missing { field } => lang.pick(
                format!("thiếu trường bắt buộc \"{field}\" (hoặc để trống)"),
                format!("required field \"{field}\" is missing or empty"),
            ),
            UnknownWord { field, found, accepted } => lang.pick(
                format!("trường \"{field}\": giá trị không xác định {}; chấp nhận: {accepted}", quoted(found)),
                format!("field \"{field}\": unknown value {}; accepted: {accepted}", quoted(found)),
            ),
            BadDate { field, found, forms } => lang.pick(
                format!("trường \"{field}\": {} không phải là một ngày có thật dạng {forms}", quoted(found)),
                format!("field \"{field}\": {} is not a real date in the form {forms}", quoted(found)),
            ),
            TextLimit { field, why } => lang.pick(
                format!("trường \"{field}\" {}", why.message(lang)),
                format!("field \"{field}\" {}", why.message(lang)),
            ),
            DateOutOfRange { field, found } => {
                let why = out_of_range_words(lang);
                lang.pick(
                    format!("trường \"{field}\": {} {why}", quoted(found)),
                    format!("field \"{field}\": {} {why}", quoted(found)),
                )
            }
            UnsafeText { field, found } => lang.pick(
                format!("trường \"{field}\" chứa ký tự điều khiển hoặc ký tự đảo chiều văn bản: {}", quoted(found)),
                format!("field \"{field}\" contains a control character or a bidirectional override: {}", quoted(found)),
            ),
            DateOrder { later, earlier, strict: true } => lang.pick(
                format!("\"{later}\" phải sau \"{earlier}\""),
                format!("\"{later}\" must be after \"{earlier}\""),
            ),
            DateOrder { later, earlier, strict: false } => lang.pick(
                format!("\"{later}\" không được trước \"{earlier}\""),
                format!("\"{later}\" must not be before \"{earlier}\""),
            ),
            RuleShape => lang.pick(
                "\"meeting_rule\" phải có dạng {\"day\":N} hoặc {\"nth\":N,\"weekday\":\"thu\"}".into(),
                "\"meeting_rule\" must be {\"day\":N} or {\"nth\":N,\"weekday\":\"thu\"}".into(),
            ),
            RuleDay { found } => lang.pick(
                format!("\"meeting_rule\": ngày họp phải từ 1 đến 31, gặp {found}"),
                format!("\"meeting_rule\": the meeting day must be 1..31, found {found}"),
            ),
            RuleNth { found } => lang.pick(
                format!("\"meeting_rule\": \"nth\" phải từ 1 đến 5, gặp {found}"),
                format!("\"meeting_rule\": \"nth\" must be 1..5, found {found}"),
            ),
            GraceRange { found } => lang.pick(
                format!("\"grace_days\" phải từ 0 đến 31, gặp {found}"),
                format!("\"grace_days\" must be 0..31, found {found}"),
            ),
            BadMonth { field, found } => lang.pick(
                format!("trường \"{field}\": {} không phải là một tháng dạng YYYY-MM", quoted(found)),
                format!("field \"{field}\": {} is not a month in the form YYYY-MM", quoted(found)),
            ),
            DuplicateRuleChange { from } => lang.pick(
                format!("\"rule_changes\": hai thay đổi cùng áp dụng từ tháng {from}"),
                format!("\"rule_changes\": two changes take effect in the same month {from}"),
            ),
            BadTime { field, found } => lang.pick(
                format!("trường \"{field}\": {} không phải là giờ dạng HH:MM (00:00 đến 23:59)", quoted(found)),
                format!("field \"{field}\": {} is not a time in the form HH:MM (00:00 to 23:59)", quoted(found)),
            ),
            AttendanceNotHeld { state } => lang.pick(
                format!("cuộc họp ở trạng thái {state} chưa diễn ra nên không có \"attendance\""),
                format!("a {state} meeting has not taken place, so it has no \"attendance\""),
            ),
            BadMoment { field, found } => lang.pick(
                format!("trường \"{field}\": {} không phải là thời điểm dạng YYYY-MM-DDTHH:MM", quoted(found)),
                format!("field \"{field}\": {} is not a moment in the form YYYY-MM-DDTHH:MM", quoted(found)),
            ),
            NotApproved { field } => lang.pick(
                format!("có \"{field}\" nhưng biên bản chưa được duyệt (\"approved\": true)"),
                format!("\"{field}\" is given but the minutes are not approved (\"approved\": true)"),
            ),
            HeldAfterToday { today } => lang.pick(
                format!("cuộc họp đã họp không thể sau hôm nay ({})", lang.date(*today)),
                format!("a meeting held cannot be after today ({})", lang.date(*today)),
            ),
            AfterDissolution { org, dissolved } => lang.pick(
                format!(
                    "tổ chức {} đã giải thể ngày {}: cuộc họp phải trước ngày đó",
                    quoted(org),
                    lang.date(*dissolved)
                ),
                format!(
                    "organisation {} was dissolved on {}: the meeting must come before that day",
                    quoted(org),
                    lang.date(*dissolved)
                ),
            ),
            DuplicateCode { code, first_line } => lang.pick(
                format!("mã tổ chức {} bị trùng: đã khai báo ở dòng {first_line}", quoted(code)),
                format!("duplicate organisation code {}: first defined on line {first_line}", quoted(code)),
            ),
            CodeInDatabase { code } => lang.pick(
                format!("mã tổ chức {} đã có trong cơ sở dữ liệu", quoted(code)),
                format!("organisation code {} already exists in the database", quoted(code)),
            ),
            DuplicateCard { card, first_line } => lang.pick(
                format!("số thẻ đảng {} bị trùng: đã khai báo ở dòng {first_line}", quoted(card)),
                format!("duplicate party card {}: first defined on line {first_line}", quoted(card)),
            ),
            CardInDatabase { card } => lang.pick(
                format!("số thẻ đảng {} đã có trong cơ sở dữ liệu", quoted(card)),
                format!("party card {} already exists in the database", quoted(card)),
            ),
            UnknownOrg { field, code } => lang.pick(
                format!("trường \"{field}\": không có tổ chức mã {} trong tệp hay trong cơ sở dữ liệu", quoted(code)),
                format!("field \"{field}\": no organisation with code {} in the file or the database", quoted(code)),
            ),
            UnknownCard { field, card } => lang.pick(
                format!("trường \"{field}\": không có đảng viên số thẻ {} trong tệp hay trong cơ sở dữ liệu", quoted(card)),
                format!("field \"{field}\": no member with party card {} in the file or the database", quoted(card)),
            ),
            Placement { kind, parent, parent_kind } => lang.pick(
                format!("tổ chức loại {kind} không thể nằm dưới {} (loại {parent_kind})", quoted(parent)),
                format!("an organisation of kind {kind} cannot sit under {} (kind {parent_kind})", quoted(parent)),
            ),
            TooDeep { code, level } => lang.pick(
                format!(
                    "tổ chức {} nằm ở cấp thứ {level}: cây tổ chức có tối đa {MAX_DEPTH} cấp",
                    quoted(code)
                ),
                format!(
                    "organisation {} would be at level {level}: the tree has at most {MAX_DEPTH} levels",
                    quoted(code)
                ),
            ),
            ParentCycle { codes } => {
                let chain = codes.iter().map(|c| quoted(c)).collect::<Vec<_>>().join(" → ");
                lang.pick(format!("vòng lặp cấp trên: {chain}"), format!("parent cycle: {chain}"))
            }
            MemberOrgNotBranch { code, kind } => lang.pick(
                format!("\"org\" của đảng viên phải là chi bộ (branch hoặc grassroots_branch); {} là {kind}", quoted(code)),
                format!("a member's \"org\" must be a branch or grassroots_branch; {} is a {kind}", quoted(code)),
            ),
            CellNotCell { code, kind } => lang.pick(
                format!("\"cell\" phải là một tổ đảng (cell); {} là {kind}", quoted(code)),
                format!("\"cell\" must be a party cell (cell); {} is a {kind}", quoted(code)),
            ),
            CellOutsideBranch { cell, org } => lang.pick(
                format!("tổ đảng {} không thuộc chi bộ {}", quoted(cell), quoted(org)),
                format!("cell {} is not part of branch {}", quoted(cell), quoted(org)),
            ),
            NoCommittee { code } => lang.pick(
                format!("{} là tổ đảng: chức vụ và phân công theo dõi chỉ thuộc tổ chức có cấp ủy", quoted(code)),
                format!("{} is a cell: roles and oversight belong to organisations with a committee", quoted(code)),
            ),
            BeforeMember { card, event, day, since } => {
                let card = quoted(card);
                let (since_vi, since_en) = match since {
                    Since::Admitted(d) => (format!("ngày vào Đảng {d} (\"admitted\")"), format!("admitted on {d} (\"admitted\")")),
                    Since::Born(d) => (format!("ngày sinh {d} (\"born\")"), format!("born on {d} (\"born\")")),
                };
                match event {
                    Dated::Status(_) => lang.pick(
                        format!("tình trạng của đảng viên {card} không thể bắt đầu từ {day} (\"from\"), trước {since_vi}"),
                        format!("a status of member {card} cannot begin on {day} (\"from\"), before they were {since_en}"),
                    ),
                    Dated::Transfer => lang.pick(
                        format!("đảng viên {card} không thể chuyển sinh hoạt ngày {day} (\"former_orgs.until\"), trước {since_vi}"),
                        format!("member {card} cannot have moved on {day} (\"former_orgs.until\"), before they were {since_en}"),
                    ),
                }
            }
            NeedsUntil { status } => lang.pick(
                format!("tình trạng {status} cần ngày kết thúc \"until\""),
                format!("status {status} needs an end date \"until\""),
            ),
            NotMemberOfBranch { card, org } => lang.pick(
                format!("\"attendance\": đảng viên {} không sinh hoạt ở {} vào ngày họp", quoted(card), quoted(org)),
                format!("\"attendance\": member {} is not a member of {} on the day of the meeting", quoted(card), quoted(org)),
            ),
            DuplicateMeeting { org, date, kind, first_line } => {
                let (vi, en) = earlier_place(*first_line);
                lang.pick(
                    format!("cuộc họp {kind} của {} ngày {date} bị trùng: {vi}", quoted(org)),
                    format!("duplicate {kind} meeting of {} on {date}: {en}", quoted(org)),
                )
            }
            DuplicateRole { card, org, from, first_line } => {
                let (vi, en) = earlier_place(*first_line);
                lang.pick(
                    format!("chức vụ của {} ở {} từ {from} bị trùng: {vi}", quoted(card), quoted(org)),
                    format!("duplicate role of {} in {} from {from}: {en}", quoted(card), quoted(org)),
                )
            }
            DuplicateOversight { card, org, from, first_line } => {
                let (vi, en) = earlier_place(*first_line);
                lang.pick(
                    format!("phân công theo dõi của {} ở {} từ {from} bị trùng: {vi}", quoted(card), quoted(org)),
                    format!("duplicate oversight of {} by {} from {from}: {en}", quoted(org), quoted(card)),
                )
            }
            ListedTwice { field, card } => lang.pick(
                format!("trường \"{field}\": số thẻ {} xuất hiện hai lần", quoted(card)),
                format!("field \"{field}\": party card {} is listed twice", quoted(card)),
            ),
            ExcuseWithoutMark { card } => lang.pick(
                format!("\"excuses\": {} không có trong \"attendance\"", quoted(card)),
                format!("\"excuses\": {} is not in \"attendance\"", quoted(card)),
            ),
            DeadlineDay { found } => lang.pick(
                format!("\"plan_deadline\" phải là một ngày trong tháng, từ 1 đến 31; gặp {found}"),
                format!("\"plan_deadline\" must be a day of the month, 1 to 31; found {found}"),
            ),
            FormerOrder => lang.pick(
                "\"former_orgs\": mỗi \"until\" phải sau \"until\" đứng trước nó".into(),
                "\"former_orgs\": each \"until\" must be after the one before it".into(),
            ),
            NotHeld { field, state } => lang.pick(
                format!("\"{field}\" chỉ có ở cuộc họp đã diễn ra; cuộc họp này là {state}"),
                format!("\"{field}\" belongs to a meeting that was held; this one is {state}"),
            ),
            VoteExceeds { votes, present } => lang.pick(
                format!("\"vote\": {votes} phiếu nhưng chỉ có {present} đảng viên có mặt trong \"attendance\""),
                format!("\"vote\": {votes} votes but only {present} members present in \"attendance\""),
            ),
            DecisionsNotCommittee { kind } => lang.pick(
                format!("\"decisions\" chỉ có ở cuộc họp committee (chi ủy); cuộc họp này là {kind}"),
                format!("\"decisions\" belongs to a committee meeting; this one is {kind}"),
            ),
            DocumentBody => lang.pick(
                "tài liệu cần đúng một trong hai trường \"text\" (Markdown) hoặc \"data\" (base64)".into(),
                "a document needs exactly one of \"text\" (Markdown) and \"data\" (base64)".into(),
            ),
            BadBase64 { at: Some(at) } => lang.pick(
                format!("\"data\" không phải base64 hợp lệ (từ ký tự thứ {at})"),
                format!("\"data\" is not valid base64 (from character {at})"),
            ),
            BadBase64 { at: None } => lang.pick(
                "\"data\" không phải base64 hợp lệ (độ dài hoặc phần đệm sai)".into(),
                "\"data\" is not valid base64 (wrong length or padding)".into(),
            ),
            DocumentTooLarge { name, size } => {
                crate::domain::PrepError::TooLarge { name: name.clone(), size: *size }.message(lang)
            }
            DocumentWithoutMeeting { org, date, kind } => lang.pick(
                format!(
                    "không có cuộc họp {kind} của {} ngày {date} trong tệp hay cơ sở dữ liệu để gắn tài liệu",
                    quoted(org)
                ),
                format!(
                    "no {kind} meeting of {} on {date} in the file or the database to attach the document to",
                    quoted(org)
                ),
            ),
            OrgOrCard => lang.pick(
                "xếp loại phải có đúng một trong hai trường \"org\" (tổ chức) hoặc \"card\" (đảng viên)".into(),
                "a classification needs exactly one of \"org\" (an organisation) or \"card\" (a member)".into(),
            ),
            YearRange { found } => lang.pick(
                format!("\"year\" phải là một năm từ 1930 đến {LAST_YEAR}, gặp {found}"),
                format!("\"year\" must be a year from 1930 to {LAST_YEAR}, found {found}"),
            ),
            ScoreRange { found } => lang.pick(
                format!("\"score\" phải từ 0 đến 100, gặp {found}"),
                format!("\"score\" must be 0..100, found {found}"),
            ),
            CellGraded { code } => lang.pick(
                format!("{} là tổ đảng: tổ đảng không được xếp loại", quoted(code)),
                format!("{} is a cell: cells are not classified", quoted(code)),
            ),
            DuplicateClassification { who, year, first_line } => {
                let (vi, en) = earlier_place(*first_line);
                lang.pick(
                    format!("xếp loại năm {year} của {} bị trùng: {vi}", quoted(who)),
                    format!("duplicate {year} classification of {}: {en}", quoted(who)),
                )
            }
            TooManyProblems => lang.pick(
                format!("quá nhiều lỗi: dừng kiểm tra sau {PROBLEM_CAP} lỗi"),
                format!("too many errors: stopped checking after {PROBLEM_CAP}"),
            ),
            UnknownRoot { code } => lang.pick(
                format!("không có tổ chức mã {}", quoted(code)),
                format!("no organisation with code {}", quoted(code)),
            ),
            NoMemberRows => lang.pick(
                "không có đảng viên nào dưới dòng tiêu đề; không có gì để nhập".into(),
                "no member below the header row; there is nothing to import".into(),
            ),
            NoRecords => lang.pick(
                "tệp không có bản ghi nào; không có gì để nhập".into(),
                "the file holds no record; there is nothing to import".into(),
            ),
            LineTooLong { limit } => {
                let mb = limit >> 20;
                lang.pick(
                    format!("dòng dài hơn {mb} MB; tệp không được đọc tiếp"),
                    format!("a line longer than {mb} MB; the file is read no further"),
                )
            }
            ChangedWhileRead => lang.pick(
                "tệp đã bị thay đổi trong khi đang nhập; hãy nhập lại khi tệp không còn bị ghi".into(),
                "the file changed while it was being imported; import it again once nothing writes to it".into(),
            ),
            ListTooLarge => {
                use super::member_list::{MAX_CELLS, MAX_COLUMNS};
                lang.pick(
                    format!(
                        "quá {MAX_COLUMNS} cột hoặc {MAX_CELLS} ô có dữ liệu, quá lớn cho một danh sách đảng viên; hãy chia nhỏ tệp"
                    ),
                    format!(
                        "over {MAX_COLUMNS} columns or {MAX_CELLS} filled cells, too large for a member list; split the file"
                    ),
                )
            }
            CsvNotUtf8 { cell } => lang.pick(
                format!(
                    "ô thứ {cell} không phải văn bản UTF-8; hãy lưu lại tệp dạng \"CSV UTF-8\""
                ),
                format!("cell {cell} is not UTF-8 text; save the file again as \"CSV UTF-8\""),
            ),
            CsvSyntax { detail } => lang.pick(
                format!("CSV không hợp lệ: {detail}"),
                format!("malformed CSV: {detail}"),
            ),
            UnknownColumn { header, accepted } => lang.pick(
                format!("cột không xác định {}; các cột hợp lệ: {accepted}", quoted(header)),
                format!("unknown column {}; accepted columns: {accepted}", quoted(header)),
            ),
            DuplicateColumn { header } => lang.pick(
                format!("cột {} xuất hiện hai lần", quoted(header)),
                format!("column {} appears twice", quoted(header)),
            ),
            MissingColumn { column } => lang.pick(
                format!("thiếu cột bắt buộc \"{column}\""),
                format!("required column \"{column}\" is missing"),
            ),
            NoHeader { rows } => lang.pick(
                format!("không tìm thấy dòng tiêu đề: {rows} dòng đầu không có dòng nào ghi tên cột; các cột hợp lệ: {ACCEPTED_COLUMNS}"),
                format!("no header row: none of the first {rows} rows names the columns; accepted columns: {ACCEPTED_COLUMNS}"),
            ),
            PhoneZeroRestored { found, restored } => lang.pick(
                format!("số điện thoại {} đã mất số 0 ở đầu (bảng tính lưu thành số): đọc là {}; hãy kiểm tra", quoted(found), quoted(restored)),
                format!("phone number {} had lost its leading 0 (the sheet kept it as a number): read as {}; check it", quoted(found), quoted(restored)),
            ),
            SpreadsheetError { field, error } => lang.pick(
                format!("trường \"{field}\" là lỗi công thức {}, không phải một giá trị", quoted(error)),
                format!("field \"{field}\" holds the formula error {}, not a value", quoted(error)),
            ),
            CardAsNumber { found, usual } => lang.pick(
                format!("số thẻ {} được lưu thành số và ngắn hơn các số thẻ khác ({usual} chữ số): có thể đã mất số 0 ở đầu; hãy kiểm tra", quoted(found)),
                format!("card number {} was kept as a number and is shorter than the others ({usual} digits): it may have lost a leading 0; check it", quoted(found)),
            ),
            PhoneAsNumber { found } => lang.pick(
                format!("số điện thoại {} được lưu thành số: có thể đã mất số 0 ở đầu; hãy kiểm tra", quoted(found)),
                format!("phone number {} was kept as a number and may have lost a leading 0; check it", quoted(found)),
            ),
            RowLength { found, expected } => lang.pick(
                format!("dòng có {found} ô, dòng tiêu đề có {expected}"),
                format!("row has {found} cells, the header has {expected}"),
            ),
        }
    }
}

/// Where the first of two duplicates is: a line of the file, or the database.
fn earlier_place(first_line: Option<usize>) -> (String, String) {
    match first_line {
        Some(line) => (
            format!("đã có ở dòng {line}"),
            format!("first on line {line}"),
        ),
        None => (
            "đã có trong cơ sở dữ liệu".into(),
            "already in the database".into(),
        ),
    }
}

/// The columns a member list may have, as its problems name them.
pub const ACCEPTED_COLUMNS: &str = "Số thẻ/card, Họ và tên/name, Giới tính/sex, Ngày sinh/born, \
    Ngày vào Đảng/admitted, Ngày chính thức/full_member, Chi bộ/org, Tổ đảng/cell, \
    Điện thoại/phone, Nơi cư trú/residence, STT";

/// Every problem of one import, rendered in the user's language as it is found.
pub struct Problems {
    file: String,
    /// The spreadsheet's sheet, when it is not the first: named in every place.
    sheet: Option<String>,
    lang: Lang,
    found: Vec<LineError>,
    /// What the reader should check though nothing was refused.
    notes: Vec<LineError>,
}

impl Problems {
    pub fn new(file: &str, lang: Lang) -> Problems {
        Problems {
            file: file.to_string(),
            sheet: None,
            lang,
            found: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Problems of a sheet of a spreadsheet, placed as `FILE:SHEET!ROW`.
    pub fn in_sheet(file: &str, sheet: &str, lang: Lang) -> Problems {
        Problems {
            sheet: Some(sheet.to_string()),
            ..Problems::new(file, lang)
        }
    }

    fn place(&self, line: usize, problem: &Problem) -> LineError {
        LineError {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            line,
            message: problem.message(self.lang),
        }
    }

    /// Records a note at `line`: said with the outcome, refusing nothing.
    pub fn note(&mut self, line: usize, problem: Problem) {
        if self.notes.len() < PROBLEM_CAP {
            let note = self.place(line, &problem);
            self.notes.push(note);
        }
    }

    /// The notes recorded, in line order, taken out.
    pub fn take_notes(&mut self) -> Vec<LineError> {
        let mut notes = std::mem::take(&mut self.notes);
        notes.sort_by_key(|n| n.line);
        notes
    }

    /// Records a problem at `line`; past the cap, records one last note and ignores the rest.
    pub fn add(&mut self, line: usize, problem: Problem) {
        if self.found.len() > PROBLEM_CAP {
            return;
        }
        let problem = if self.found.len() == PROBLEM_CAP {
            Problem::TooManyProblems
        } else {
            problem
        };
        let found = self.place(line, &problem);
        self.found.push(found);
    }

    /// Whether looking further is pointless: the cap is passed (and said so).
    pub fn is_full(&self) -> bool {
        self.found.len() > PROBLEM_CAP
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The problems in line order (checks run record type by record type, readers expect
    /// the file's order), as the error that stops the import.
    /// The note that the cap was reached stays last.
    pub fn into_error(mut self) -> ImportError {
        let note = (self.found.len() > PROBLEM_CAP).then(|| self.found.pop());
        self.found.sort_by_key(|e| e.line);
        self.found.extend(note.flatten());
        ImportError::Lines(self.found)
    }
}
