//! Pure types and rules of chibo: no I/O, no redb, no ratatui.

pub mod absence;
pub mod attendance;
pub mod classification;
pub mod compliance;
pub mod date;
pub mod duration;
pub mod edit;
pub mod lang;
pub mod limits;
pub mod meeting;
pub mod member;
pub mod minutes;
pub mod month;
pub mod org;
pub mod oversight;
pub mod packed_marks;
pub mod prep;
pub mod quorum;
pub mod role;
pub mod schedule;
pub mod stats;
pub mod text;
pub mod user;
pub mod varint;

pub use attendance::{Roll, RollCounts, RollEntry, Standing};
pub use classification::{Classification, ClassificationConfig, Grade, GradeCounts};
pub use compliance::{Clash, Compliance, Quarter, Thematic};
pub use lang::Lang;
pub use meeting::{Mark, MarkCounts, Meeting, MeetingId, MeetingKind, MeetingState};
pub use member::{FormerOrg, Member, MemberId, MemberStatus, Sex, StatusChange};
pub use minutes::{
    Amendment, Approval, Assignment, Draft, MeetingFacts, MinutesError, MinutesText, Section,
};
pub use month::YearMonth;
pub use org::{BranchType, OrgId, OrgKind, OrgUnit};
pub use prep::{DocumentBody, DocumentInfo, DocumentKind, Flag, PlanDetails, PrepError};
pub use quorum::{Quorum, Vote};
pub use role::{Oversight, Role, RoleKind};
pub use schedule::{DEFAULT_GRACE_DAYS, RuleChange, ScheduleRule};
pub use stats::{MemberMonths, MonthDelta, MonthStats, OrgTotals};
pub use user::{Place, PlaceScreen, PublicKey, User, UserRole};
