//! What can go wrong when chibo opens or uses its database, in words a user can act on.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::domain::edit::EditError;
use crate::domain::text::{path_shown, quoted};
use crate::domain::{
    Lang, MeetingId, MeetingKind, MemberId, MinutesError, OrgId, PrepError, UserRole,
};

use super::holders::Holder;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}", self.message(Lang::En))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", self.message(Lang::En))]
    NotChibo { path: PathBuf, detail: String },
    #[error("{}", self.message(Lang::En))]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{}", self.message(Lang::En))]
    Locked { path: PathBuf, holders: Vec<Holder> },
    /// The file is damaged: redb found a broken page (or panicked on one, see
    /// `damage.rs`), or a record no longer decodes or points nowhere.
    #[error("{}", self.message(Lang::En))]
    Corrupt(String),
    /// A command that only reads was pointed at a file that does not exist: a mistyped
    /// path must not become an empty database.
    #[error("{}", self.message(Lang::En))]
    NoDatabase(PathBuf),
    /// The file (or its directory) is read-only: chibo opened it for reading, and every
    /// change is refused.
    #[error("{}", self.message(Lang::En))]
    ReadOnly(PathBuf),
    /// A file left open by a chibo that stopped (killed, or the machine went down) needs
    /// redb's repair before it is read, and this chibo may not write it.
    #[error("{}", self.message(Lang::En))]
    UncleanReadOnly(PathBuf),
    /// A file of an older schema that this chibo may not write, so cannot bring up to date.
    #[error("{}", self.message(Lang::En))]
    OlderReadOnly {
        path: PathBuf,
        found: u32,
        current: u32,
    },
    #[error("{}", self.message(Lang::En))]
    Database(String),
    /// The disk failed redb (an I/O error, or redb's "previous I/O error" once one has
    /// happened): the store reopens the database by itself, so this passes.
    #[error("{}", self.message(Lang::En))]
    Storage(String),
    /// A change was not committed because the disk failed the write (full, or failing):
    /// nothing of it was written, and what the user typed is still theirs to keep.
    #[error("{}", self.message(Lang::En))]
    WriteFailed(String),
    /// Writing has failed for longer than the store keeps trying (`after`): nothing more
    /// is written until chibo is started again.
    #[error("{}", self.message(Lang::En))]
    WritesStopped {
        detail: String,
        after: std::time::Duration,
    },
    /// The code belongs to another organisation, named here (empty when it is outside the
    /// acting user's scope), so a form can say whose it is without reading again.
    #[error("{}", self.message(Lang::En))]
    CodeTaken { code: String, holder: String },
    /// The party card belongs to another member, named here like `CodeTaken`'s holder.
    #[error("{}", self.message(Lang::En))]
    CardTaken { card: String, holder: String },
    #[error("{}", self.message(Lang::En))]
    WouldBeOwnAncestor,
    #[error("{}", self.message(Lang::En))]
    MeetingTaken { date: NaiveDate, kind: MeetingKind },
    /// A rule of minutes and attendance refused the write (approved minutes are locked …).
    #[error("{}", self.message(Lang::En))]
    Minutes(MinutesError),
    /// A rule of preparation refused the write (a document too large, a plan incomplete …).
    #[error("{}", self.message(Lang::En))]
    Prep(PrepError),
    /// The organisation is no longer there: another session or process changed the tree.
    #[error("{}", self.message(Lang::En))]
    OrgGone(OrgId),
    /// The organisation to move is under that parent already (named here).
    #[error("{}", self.message(Lang::En))]
    AlreadyUnder(String),
    /// The member is no longer there, or not where the form found them: another session
    /// or process changed the record.
    #[error("{}", self.message(Lang::En))]
    MemberGone(MemberId),
    /// A rule of the tree or the members refused the change (a kind that may not sit under
    /// that parent, an organisation already dissolved …).
    #[error("{}", self.message(Lang::En))]
    Rule(EditError),
    /// The meeting to move, hold or cancel is no longer planned: someone recorded it.
    #[error("{}", self.message(Lang::En))]
    NotPlanned(MeetingId),
    /// The organisation did not exist on that day (not yet founded, or dissolved).
    #[error("{}", self.message(Lang::En))]
    OrgNotOn { name: String, day: NaiveDate },
    /// Guests are recorded only for a meeting that was held.
    #[error("{}", self.message(Lang::En))]
    NotHeld(MeetingId),
    /// The member already oversees that branch on that day.
    #[error("{}", self.message(Lang::En))]
    AlreadyOverseeing,
    /// The member holds no role in a committee above the branch that day.
    #[error("{}", self.message(Lang::En))]
    NoRoleAbove(MemberId),
    /// The meeting is no longer there: another session or process removed it meanwhile.
    #[error("{}", self.message(Lang::En))]
    MeetingGone(MeetingId),
    /// The acting user's scope does not reach this organisation, member or meeting.
    #[error("{}", self.message(Lang::En))]
    OutOfScope,
    /// The acting user's role does not allow this change.
    #[error("{}", self.message(Lang::En))]
    NotAllowed { login: String, role: UserRole },
    /// Someone else (signed in as `login`) holds the minutes of this meeting: until they
    /// let go nobody else changes the record — minutes, roll, guests, vote nor draft.
    #[error("{}", self.message(Lang::En))]
    HeldBy { login: String },
}

impl From<PrepError> for StoreError {
    fn from(e: PrepError) -> Self {
        StoreError::Prep(e)
    }
}

impl From<EditError> for StoreError {
    fn from(e: EditError) -> Self {
        StoreError::Rule(e)
    }
}

impl From<MinutesError> for StoreError {
    fn from(e: MinutesError) -> Self {
        StoreError::Minutes(e)
    }
}

/// What to do with a file that must be written once before it can be read.
const WRITABLE_ONCE_EN: &str = "let chibo write it for one run (as a user who may, and `chmod u+w` if its mode is 0444), or open a writable copy";
const WRITABLE_ONCE_VI: &str = "hãy để chibo ghi tệp trong một lần chạy (bằng tài khoản được ghi, và `chmod u+w` nếu quyền của tệp là 0444), hoặc mở một bản sao ghi được";

impl StoreError {
    /// Whether the disk failed (not a rule, not a refusal): what makes the store reopen
    /// the database, and a batch of commands fail as a whole.
    pub fn is_storage(&self) -> bool {
        matches!(self, StoreError::Storage(_))
    }

    /// The message in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            StoreError::Io { path, source } => lang.pick(
                format!("không mở được {}: {source}", path_shown(path)),
                format!("cannot open {}: {source}", path_shown(path)),
            ),
            StoreError::NotChibo { path, detail } => lang.pick(
                format!("{} không phải là cơ sở dữ liệu chibo ({detail})", path_shown(path)),
                format!("{} is not a chibo database ({detail})", path_shown(path)),
            ),
            StoreError::TooNew { path, found, supported } => lang.pick(
                format!(
                    "{} có lược đồ phiên bản {found}, chibo này chỉ đọc đến {supported}: hãy cập nhật chibo",
                    path_shown(path)
                ),
                format!(
                    "{} has schema version {found}; this chibo reads up to {supported}: upgrade chibo",
                    path_shown(path)
                ),
            ),
            StoreError::Locked { path, holders } => {
                let who = if holders.is_empty() {
                    lang.pick("một tiến trình khác".to_string(), "another process".to_string())
                } else {
                    holders.iter().map(Holder::describe).collect::<Vec<_>>().join(", ")
                };
                lang.pick(
                    format!(
                        "{} đang bị khóa bởi {who}; hãy đóng tiến trình đó, hoặc kết nối tới máy chủ `chibo serve` qua ssh",
                        path_shown(path)
                    ),
                    format!(
                        "{} is locked by {who}; close it, or connect to its `chibo serve` over ssh",
                        path_shown(path)
                    ),
                )
            }
            StoreError::Corrupt(detail) => lang.pick(
                // The detail is redb's or the decoder's own English: given for whoever
                // restores the file, after what it means.
                format!(
                    "cơ sở dữ liệu bị hỏng; hãy khôi phục bản sao lưu gần nhất (chi tiết kỹ thuật: {detail})"
                ),
                format!("the database is damaged: {detail}; restore the last backup"),
            ),
            StoreError::NoDatabase(path) => lang.pick(
                format!(
                    "không có cơ sở dữ liệu nào tại {}; hãy tạo bằng `chibo import` hoặc `chibo demo`",
                    path_shown(path)
                ),
                format!(
                    "no database at {}; create one with `chibo import` or `chibo demo`",
                    path_shown(path)
                ),
            ),
            StoreError::ReadOnly(path) => lang.pick(
                format!(
                    "{} chỉ được phép đọc: chibo mở để xem, không ghi được thay đổi nào",
                    path_shown(path)
                ),
                format!(
                    "{} is read-only: chibo opened it for reading and cannot save changes",
                    path_shown(path)
                ),
            ),
            StoreError::OlderReadOnly { path, found, current } => lang.pick(
                format!(
                    "{} do một chibo cũ hơn ghi (lược đồ phiên bản {found}, chibo này dùng {current}) và phải được nâng cấp một lần, việc cần quyền ghi tệp: {}",
                    path_shown(path),
                    WRITABLE_ONCE_VI
                ),
                format!(
                    "{} was written by an older chibo (schema version {found}; this chibo uses {current}) and must be brought up to date once, which needs write access to it: {}",
                    path_shown(path),
                    WRITABLE_ONCE_EN
                ),
            ),
            StoreError::UncleanReadOnly(path) => lang.pick(
                format!(
                    "{} chưa được đóng đúng cách (một chibo đã dừng khi đang mở tệp) và phải được sửa trước khi đọc, việc cần quyền ghi tệp: {}",
                    path_shown(path),
                    WRITABLE_ONCE_VI
                ),
                format!(
                    "{} was not closed cleanly (a chibo stopped while it had the file open) and must be repaired before it is read, which needs write access to it: {}",
                    path_shown(path),
                    WRITABLE_ONCE_EN
                ),
            ),
            StoreError::Database(detail) => {
                lang.pick(format!("lỗi cơ sở dữ liệu (chi tiết kỹ thuật: {detail})"), format!("database error: {detail}"))
            }
            StoreError::Storage(detail) => lang.pick(
                format!("Đĩa báo lỗi khi dùng cơ sở dữ liệu; chibo đang mở lại, hãy thử lại sau giây lát ({detail})"),
                format!("The disk failed the database; chibo is reopening it, try again in a moment ({detail})"),
            ),
            StoreError::WriteFailed(detail) => lang.pick(
                format!(
                    "Chưa lưu được: đĩa không ghi được. Những gì bạn đã nhập vẫn được giữ; chibo đang mở lại cơ sở dữ liệu và sẽ lưu lại ngay khi ghi được ({detail})"
                ),
                format!(
                    "Not saved: the disk failed the write. What you typed is kept; chibo is reopening the database and saves again as soon as it can ({detail})"
                ),
            ),
            StoreError::WritesStopped { detail, after } => {
                let minutes = after.as_secs().div_ceil(60).max(1);
                lang.pick(
                    format!(
                        "Không lưu được nữa: đã {minutes} phút đĩa không ghi được và chibo đã ngừng ghi. Những gì nhập từ đó chưa được lưu; hãy báo quản trị viên (đĩa có thể đã đầy) ({detail})"
                    ),
                    format!(
                        "Nothing can be saved: the disk has failed writes for {minutes} min and chibo has stopped writing. What was typed since is not saved; tell the administrator (the disk may be full) ({detail})"
                    ),
                )
            }
            StoreError::CodeTaken { code, .. } => lang.pick(
                format!("mã {} đã được dùng cho một tổ chức khác", quoted(code)),
                format!("code {} already belongs to another organisation", quoted(code)),
            ),
            StoreError::CardTaken { card, .. } => lang.pick(
                format!("số thẻ {} đã thuộc về một đảng viên khác", quoted(card)),
                format!("party card {} already belongs to another member", quoted(card)),
            ),
            StoreError::MeetingTaken { date, kind } => lang.pick(
                format!("ngày {} đã có {}", lang.date(*date), kind.label(lang).to_lowercase()),
                format!(
                    "there is already a {} on {}",
                    kind.label(lang).to_lowercase(),
                    lang.date(*date)
                ),
            ),
            StoreError::OrgGone(_) => lang
                .pick(
                    "Không còn tìm thấy tổ chức này (có thể vừa bị người khác thay đổi).",
                    "That organisation is gone (someone may have just changed it).",
                )
                .to_string(),
            StoreError::AlreadyUnder(parent) => lang.pick(
                format!("Tổ chức này đã trực thuộc {parent}"),
                format!("It already reports to {parent}"),
            ),
            StoreError::MemberGone(_) => lang
                .pick(
                    "Không còn tìm thấy đảng viên này (có thể vừa bị người khác thay đổi).",
                    "That member is gone (someone may have just changed the record).",
                )
                .to_string(),
            StoreError::Rule(e) => e.message(lang),
            StoreError::NotPlanned(_) => lang
                .pick(
                    "Cuộc họp này không còn ở trạng thái dự kiến (có thể vừa được người khác ghi nhận).",
                    "This meeting is no longer planned (someone may have just recorded it).",
                )
                .to_string(),
            StoreError::OrgNotOn { name, day } => lang.pick(
                format!(
                    "{name} không hoạt động vào ngày {} (chưa thành lập hoặc đã giải thể)",
                    lang.date(*day)
                ),
                format!(
                    "{name} did not exist on {} (not yet founded, or dissolved)",
                    lang.date(*day)
                ),
            ),
            StoreError::NotHeld(_) => lang
                .pick(
                    "Chỉ ghi khách dự cho cuộc họp đã họp.",
                    "Guests are recorded only for a meeting that was held.",
                )
                .to_string(),
            StoreError::AlreadyOverseeing => lang
                .pick(
                    "Đồng chí này đang được phân công theo dõi chi bộ này.",
                    "This member already oversees this branch.",
                )
                .to_string(),
            StoreError::NoRoleAbove(_) => lang
                .pick(
                    "Đồng chí này không còn giữ chức vụ trong cấp ủy cấp trên của chi bộ.",
                    "This member no longer holds a role in a committee above the branch.",
                )
                .to_string(),
            StoreError::MeetingGone(_) => lang
                .pick(
                    "Không còn tìm thấy cuộc họp này (có thể vừa bị người khác thay đổi).",
                    "That meeting is gone (someone may have just changed it).",
                )
                .to_string(),
            StoreError::Minutes(e) => e.message(lang),
            StoreError::Prep(e) => e.message(lang),
            StoreError::OutOfScope => lang.pick(
                "ngoài phạm vi được giao cho tài khoản này".to_string(),
                "outside the part of the tree this account may reach".to_string(),
            ),
            StoreError::NotAllowed { login, role } => lang.pick(
                format!("{login} ({}) không có quyền thay đổi điều này", role.label(lang)),
                format!("{login} ({}) may not change this", role.label(lang)),
            ),
            StoreError::HeldBy { login } => {
                let login = crate::domain::text::sanitize(login);
                lang.pick(
                    format!("{login} đang soạn biên bản này: chỉ xem, không ghi được"),
                    format!("{login} is editing these minutes: read only, nothing written"),
                )
            }
            StoreError::WouldBeOwnAncestor => lang.pick(
                "một tổ chức không thể nằm bên trong chính nó".to_string(),
                "an organisation cannot sit inside itself".to_string(),
            ),
        }
    }
}

/// What redb reports when the disk fails it, and keeps reporting (`PreviousIo`) on that
/// handle until it is closed; `DatabaseClosed` is a read begun on a handle the store has
/// since replaced.
fn disk_failed(e: &redb::StorageError) -> bool {
    matches!(
        e,
        redb::StorageError::Io(_)
            | redb::StorageError::PreviousIo
            | redb::StorageError::DatabaseClosed
    )
}

impl From<redb::StorageError> for StoreError {
    fn from(e: redb::StorageError) -> Self {
        if let redb::StorageError::Corrupted(detail) = e {
            return StoreError::Corrupt(format!("redb: {detail}"));
        }
        if disk_failed(&e) {
            StoreError::Storage(e.to_string())
        } else {
            StoreError::Database(e.to_string())
        }
    }
}

/// redb's other error types become `Storage` when the disk failed them, else `Database`,
/// keeping their text.
macro_rules! from_redb {
    ($($t:ident),+) => {$(
        impl From<redb::$t> for StoreError {
            fn from(e: redb::$t) -> Self {
                match e {
                    redb::$t::Storage(e) => e.into(),
                    other => StoreError::Database(other.to_string()),
                }
            }
        }
    )+};
}
from_redb!(DatabaseError, TransactionError, TableError, CommitError);

impl From<redb::Error> for StoreError {
    fn from(e: redb::Error) -> Self {
        match e {
            redb::Error::Io(_) | redb::Error::PreviousIo | redb::Error::DatabaseClosed => {
                StoreError::Storage(e.to_string())
            }
            redb::Error::Corrupted(detail) => StoreError::Corrupt(format!("redb: {detail}")),
            other => StoreError::Database(other.to_string()),
        }
    }
}
