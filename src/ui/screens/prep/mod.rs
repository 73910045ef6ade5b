//! Preparing a branch's meeting of a month (chuẩn bị sinh hoạt chi bộ): the plan — day,
//! time, place, topic, agenda, who drafts the content and the draft resolution — its
//! documents, its deadlines, and sending it to the members and the committee above.

mod standing;

pub use self::standing::PlanMark;
