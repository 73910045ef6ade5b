//! Words of preparing a meeting: the plan of a month, its deadlines and documents, and the
//! flags the committee above sees on the branch-status list.

use chrono::{NaiveDate, NaiveDateTime};

use super::day_month;
use crate::domain::date::format_clock;
use crate::domain::prep::Timeliness;
use crate::domain::{Flag, Lang};
use crate::ui::screens::prep::PlanMark;

/// "18/11 10:02" and "11-18 10:02".
fn when(lang: Lang, at: NaiveDateTime) -> String {
    format!("{} {}", day_month(lang, at.date()), format_clock(at.time()))
}

/// The plan of a month in words: "đã gửi 18/11 10:02, đúng hạn".
pub fn plan(lang: Lang, mark: PlanMark) -> String {
    match mark {
        PlanMark::NotOwed => lang.pick("không phải lập", "none owed").into(),
        PlanMark::Unplanned { deadline } => lang.pick(
            format!("chưa lập, hạn gửi {}", day_month(lang, deadline)),
            format!("not planned, due {}", day_month(lang, deadline)),
        ),
        PlanMark::Drafted { deadline } => lang.pick(
            format!("đã lập, chưa gửi, hạn gửi {}", day_month(lang, deadline)),
            format!("drafted, not sent, due {}", day_month(lang, deadline)),
        ),
        PlanMark::SentOnTime { at } => lang.pick(
            format!("đã gửi {}, đúng hạn", when(lang, at)),
            format!("sent {}, on time", when(lang, at)),
        ),
        PlanMark::SentLate { at, deadline } => lang.pick(
            format!(
                "gửi muộn {} (hạn {})",
                when(lang, at),
                day_month(lang, deadline)
            ),
            format!(
                "sent late {} (due {})",
                when(lang, at),
                day_month(lang, deadline)
            ),
        ),
        PlanMark::Missing { deadline } => lang.pick(
            format!("quá hạn {}, chưa gửi", day_month(lang, deadline)),
            format!("overdue since {}, not sent", day_month(lang, deadline)),
        ),
    }
}

/// The documents of a month in words, judged on `today`.
pub fn documents(lang: Lang, kept: Timeliness, today: NaiveDate) -> String {
    match kept {
        Timeliness::OnTime { at } => lang.pick(
            format!("đã gửi {}, đúng hạn", when(lang, at)),
            format!("posted {}, on time", when(lang, at)),
        ),
        Timeliness::Late { at, deadline } => lang.pick(
            format!(
                "gửi muộn {} (hạn {})",
                when(lang, at),
                day_month(lang, deadline)
            ),
            format!(
                "posted late {} (due {})",
                when(lang, at),
                day_month(lang, deadline)
            ),
        ),
        Timeliness::Pending { deadline } if today > deadline => lang.pick(
            format!("quá hạn {}, chưa gửi", day_month(lang, deadline)),
            format!("overdue since {}, not posted", day_month(lang, deadline)),
        ),
        Timeliness::Pending { deadline } => lang.pick(
            format!("chưa gửi, hạn {}", day_month(lang, deadline)),
            format!("not posted, due {}", day_month(lang, deadline)),
        ),
    }
}

/// "chưa gửi kế hoạch · 2 đảng viên vắng không phép từ 3 tháng".
pub fn flags(lang: Lang, flags: &[Flag]) -> String {
    flags
        .iter()
        .map(|f| f.label(lang))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The symbol before a branch's flags.
pub const FLAG: &str = "⚑";

/// The heading of the plan column of the branch-status list.
pub fn plan_column(lang: Lang) -> &'static str {
    lang.pick("KH", "Plan")
}

/// "Kế hoạch 12/2026" before the words of `plan`.
pub fn plan_label(lang: Lang, month: &str) -> String {
    lang.pick(format!("Kế hoạch {month}"), format!("Plan {month}"))
}

pub fn documents_label(lang: Lang) -> &'static str {
    lang.pick("Tài liệu", "Documents")
}
