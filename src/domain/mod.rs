//! Pure types and rules of chibo: no I/O, no redb, no ratatui.

pub mod date;
pub mod edit;
pub mod lang;
pub mod meeting;
pub mod member;
pub mod org;
pub mod role;
pub mod schedule;
pub mod stats;
pub mod text;

pub use lang::Lang;
pub use meeting::{Mark, MarkCounts, Meeting, MeetingId, MeetingKind};
pub use member::{Member, MemberId, MemberStatus, Sex, StatusChange};
pub use org::{BranchType, OrgId, OrgKind, OrgUnit};
pub use role::{Oversight, Role, RoleKind};
pub use schedule::{DEFAULT_GRACE_DAYS, ScheduleRule};
pub use stats::OrgTotals;
