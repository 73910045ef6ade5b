//! The plans the demo's branches sent ahead of their regular meetings: time, place, topic
//! and agenda by the deadline in the month before (the 20th, chibo's default), with a
//! Markdown draft resolution for the members. Most branches send in time; lax ones are
//! late or send nothing, so the committees above have flags to see. Each plan draws from
//! its own random stream, so the meetings, marks and minutes stay as they were drawn.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime};

use super::meetings::capitalised;
use super::orgs::Discipline;
use super::rng::Rng;
use crate::domain::YearMonth;
use crate::domain::prep::plan_deadline;
use crate::domain::schedule::DEFAULT_PLAN_DEADLINE_DAY;

/// What a branch prepared for one regular meeting.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    /// When the plan went to the members and the committee above; `None` when never sent.
    pub sent: Option<NaiveDateTime>,
    pub agenda: Vec<String>,
    /// The party card of the member drafting the content and the draft resolution.
    pub drafter: Option<String>,
    pub documents: Vec<Document>,
}

/// A Markdown document of a plan.
#[derive(Debug, Clone)]
pub(super) struct Document {
    pub name: String,
    pub added: NaiveDateTime,
    pub text: String,
}

/// How a branch kept the plan of one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sending {
    InTime,
    Late,
    /// Sent in time, but the draft resolution reached the members only on the day.
    DraftOnTheDay,
    Never,
}

/// What the branch meeting on `day` (first planned for `first_planned`) works on.
pub(super) struct Meeting<'a> {
    pub day: NaiveDate,
    pub first_planned: NaiveDate,
    pub branch_name: &'a str,
    /// The month's task, as its minutes and planned topic word it.
    pub task: &'a str,
    pub drafter: Option<&'a str>,
}

/// The plan a branch of `discipline` made for `meeting`, as far as `today` has gone: what
/// it would have sent on or after `today` is not sent yet.
pub(super) fn draw(
    rng: &mut Rng,
    discipline: Discipline,
    meeting: &Meeting,
    today: NaiveDate,
) -> Plan {
    let deadline = plan_deadline(
        DEFAULT_PLAN_DEADLINE_DAY,
        YearMonth::of(meeting.first_planned),
    );
    let sending = *rng.pick_weighted(match discipline {
        Discipline::Exemplary => &[(Sending::InTime, 95), (Sending::Late, 5)][..],
        Discipline::Ordinary => &[
            (Sending::InTime, 80),
            (Sending::Late, 10),
            (Sending::DraftOnTheDay, 4),
            (Sending::Never, 6),
        ],
        Discipline::Lax => &[
            (Sending::InTime, 55),
            (Sending::Late, 20),
            (Sending::DraftOnTheDay, 10),
            (Sending::Never, 15),
        ],
    });
    let office_hours = |rng: &mut Rng, day: NaiveDate| {
        let minutes = 7 * 60 + rng.between(0, 10 * 60);
        let time = NaiveTime::from_num_seconds_from_midnight_opt(minutes as u32 * 60, 0)
            .expect("a time of day");
        day.and_time(time)
    };
    let in_time = deadline - Days::new(rng.below(8));
    let late_by = rng.between(1, 10) as u64;
    let sent_day = match sending {
        Sending::InTime | Sending::DraftOnTheDay => Some(in_time),
        // Never later than the day before the meeting: a plan is sent to be used.
        Sending::Late => {
            let eve = meeting.day.pred_opt().unwrap_or(meeting.day);
            Some((deadline + Days::new(late_by)).min(eve))
        }
        Sending::Never => None,
    }
    .filter(|day| *day < today);
    let sent = sent_day.map(|day| office_hours(rng, day));
    let draft_added = match sending {
        Sending::DraftOnTheDay => Some(meeting.day.and_hms_opt(7, 0, 0).expect("07:00")),
        _ => sent,
    };
    let documents = draft_added
        .filter(|added| sent.is_some() && added.date() < today)
        .map(|added| draft_resolution(meeting, added))
        .into_iter()
        .collect();
    Plan {
        sent,
        agenda: agenda(meeting),
        drafter: meeting.drafter.map(str::to_string),
        documents,
    }
}

fn agenda(meeting: &Meeting) -> Vec<String> {
    let month = meeting.first_planned.month();
    let previous = if month == 1 { 12 } else { month - 1 };
    vec![
        "Thông tin thời sự, văn bản mới của cấp trên".to_string(),
        format!("Đánh giá kết quả thực hiện nghị quyết tháng {previous}"),
        format!("Nhiệm vụ tháng {month}: {}", meeting.task),
        "Thảo luận, biểu quyết thông qua nghị quyết".to_string(),
    ]
}

fn draft_resolution(meeting: &Meeting, added: NaiveDateTime) -> Document {
    let (month, year) = (meeting.first_planned.month(), meeting.first_planned.year());
    let text = format!(
        "# Dự thảo Nghị quyết {} tháng {month}/{year}\n\n\
         ## Kết quả tháng trước\n\n\
         Chi bộ đã triển khai đầy đủ nghị quyết tháng trước; đảng viên hoàn thành nhiệm vụ \
         được giao.\n\n\
         ## Nhiệm vụ tháng {month}\n\n\
         1. {}.\n\
         2. Duy trì nền nếp sinh hoạt chi bộ, nâng cao chất lượng sinh hoạt.\n\
         3. Phân công đảng viên phụ trách, kiểm tra, đôn đốc thực hiện.\n",
        meeting.branch_name,
        capitalised(meeting.task),
    );
    Document {
        name: format!("Dự thảo nghị quyết tháng {month}-{year}.md"),
        added,
        text,
    }
}
