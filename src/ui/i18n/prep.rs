//! Words of preparing a meeting: the plan of a month, its deadlines and documents, and the
//! flags the committee above sees on the branch-status list.

use chrono::{NaiveDate, NaiveDateTime};

use super::day_month;
use crate::domain::date::format_clock;
use crate::domain::prep::Timeliness;
use crate::domain::{Flag, Lang, YearMonth};
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

/// The heading of the plan column's marks in the meetings screen's help.
pub fn plan_legend_heading(lang: Lang) -> &'static str {
    lang.pick(
        "Cột KH (kế hoạch sinh hoạt của tháng)",
        "The Plan column (the month's meeting plan)",
    )
}

/// Each mark of the plan column, and the flag after it.
pub fn plan_legend(lang: Lang) -> [(&'static str, &'static str); 6] {
    [
        ("✓", lang.pick("đã gửi đúng hạn", "sent on time")),
        ("!", lang.pick("gửi muộn", "sent late")),
        (
            "✗",
            lang.pick("chưa gửi, đã quá hạn gửi", "not sent, past its deadline"),
        ),
        ("○", lang.pick("đã lập, chưa gửi", "drafted, not sent")),
        (
            "·",
            lang.pick("chưa lập, chưa đến hạn", "not planned yet, not due yet"),
        ),
        (
            FLAG,
            lang.pick(
                "cảnh báo; các dòng cuối khung nói lý do",
                "flagged; the pane's last lines say why",
            ),
        ),
    ]
}

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

pub fn pick_branch(lang: Lang) -> &'static str {
    lang.pick(
        "Chọn một chi bộ: kế hoạch sinh hoạt là của chi bộ.",
        "Select a branch: a meeting plan is a branch's.",
    )
}

pub fn nobody(lang: Lang) -> &'static str {
    lang.pick("(chưa phân công)", "(not assigned)")
}

pub fn deadline_label(lang: Lang) -> &'static str {
    lang.pick("Hạn gửi kế hoạch", "Plan due by")
}

/// "hết ngày 20/11/2026".
pub fn deadline(lang: Lang, day: NaiveDate) -> String {
    lang.pick(
        format!("hết ngày {}", lang.date(day)),
        format!("end of {}", lang.date(day)),
    )
}

pub fn day_label(lang: Lang) -> &'static str {
    lang.pick("Ngày họp", "Meeting day")
}

pub fn agenda_item(lang: Lang, no: usize) -> String {
    lang.pick(format!("Nội dung {no}"), format!("Agenda item {no}"))
}

pub fn drafter_label(lang: Lang) -> &'static str {
    lang.pick("Người chuẩn bị dự thảo", "Drafted by")
}

/// "Chuẩn bị sinh hoạt tháng 12/2026 — Chi bộ khu 2".
pub fn prepare_title(lang: Lang, branch: &str, month: YearMonth) -> String {
    let (year, number) = (month.year(), month.month());
    lang.pick(
        format!("Chuẩn bị sinh hoạt tháng {number:02}/{year} — {branch}"),
        format!("Prepare the meeting of {month} — {branch}"),
    )
}

/// After saving: where the plan stands, and what it still needs before it can be sent.
pub fn plan_saved(lang: Lang, branch: &str, day: NaiveDate, missing: &[&'static str]) -> String {
    let saved = lang.pick(
        format!("Đã lưu kế hoạch họp ngày {} của {branch}.", lang.date(day)),
        format!("Saved the plan of {branch} for {}.", lang.date(day)),
    );
    if missing.is_empty() {
        let next = lang.pick(" Nhấn s để gửi.", " Press s to send it.");
        format!("{saved}{next}")
    } else {
        let words = crate::domain::PrepError::Incomplete(missing.to_vec()).message(lang);
        format!("{saved} {words}.")
    }
}

pub fn no_plan(lang: Lang, month: YearMonth) -> String {
    let (year, number) = (month.year(), month.month());
    lang.pick(
        format!("Chưa có kế hoạch tháng {number:02}/{year}: nhấn n để lập."),
        format!("No plan for {month} yet: press n to make one."),
    )
}

pub fn send_question(lang: Lang, branch: &str, day: NaiveDate, documents: usize) -> Vec<String> {
    vec![
        lang.pick(
            format!(
                "Gửi kế hoạch họp ngày {} của {branch} cho đảng viên và cấp ủy cấp trên?",
                lang.date(day)
            ),
            format!(
                "Send the plan of {branch} for {} to the members and the committee above?",
                lang.date(day)
            ),
        ),
        lang.pick(
            format!("Kèm {documents} tài liệu. Thời điểm gửi được ghi lại và không sửa được."),
            format!("With {documents} document(s). The time it is sent is recorded for good."),
        ),
    ]
}

pub fn sent(lang: Lang, branch: &str, at: NaiveDateTime) -> String {
    lang.pick(
        format!("Đã gửi kế hoạch của {branch} lúc {}.", when(lang, at)),
        format!("Sent the plan of {branch} at {}.", when(lang, at)),
    )
}

pub fn attach_title(lang: Lang, day: NaiveDate) -> String {
    lang.pick(
        format!("Đính kèm tài liệu cho cuộc họp ngày {}", lang.date(day)),
        format!("Attach a document to the meeting of {}", lang.date(day)),
    )
}

pub fn file_label(lang: Lang) -> &'static str {
    lang.pick("Tệp", "File")
}

pub fn file_hint(lang: Lang) -> &'static str {
    lang.pick(
        "đường dẫn tệp, tối đa 10 MB; tệp .md, .txt được giữ dạng văn bản",
        "path of the file, 10 MB at most; .md and .txt are kept as text",
    )
}

pub fn name_label(lang: Lang) -> &'static str {
    lang.pick("Tên hiển thị", "Shown as")
}

pub fn name_hint(lang: Lang) -> &'static str {
    lang.pick("để trống: tên tệp", "blank: the file's name")
}

pub fn attached(lang: Lang, name: &str, branch: &str) -> String {
    let name = crate::domain::text::quoted(name);
    lang.pick(
        format!("Đã đính kèm {name} vào kế hoạch của {branch}."),
        format!("Attached {name} to the plan of {branch}."),
    )
}

pub fn inbox_empty(lang: Lang) -> &'static str {
    lang.pick(
        "Hộp thư đến (inbox/) của bạn chưa có tệp nào: hãy tải tệp lên bằng sftp, scp hoặc WinSCP rồi nhấn a lần nữa",
        "Your inbox (inbox/) holds no file yet: upload one with sftp, scp or WinSCP, then press a again",
    )
}

pub fn inbox_hint(lang: Lang) -> &'static str {
    lang.pick(
        "tệp bạn đã tải lên inbox/, mới nhất trước; ←/→ để chọn",
        "files you uploaded to inbox/, newest first; ←/→ to choose",
    )
}

/// One inbox file as the attach form offers it: its name and size.
pub fn inbox_line(lang: Lang, name: &str, size: u64) -> String {
    // Held to a width that leaves the arrows and the size in view in any form.
    let name = crate::domain::text::sanitize(name);
    let name = crate::ui::cells::fit(&name, 48);
    format!("{name} · {}", file_size(lang, size))
}

pub fn agenda_label(lang: Lang) -> &'static str {
    lang.pick("Chương trình họp", "Agenda")
}

pub fn drafter_line(lang: Lang, name: &str) -> String {
    lang.pick(
        format!("Chuẩn bị dự thảo: {name}"),
        format!("Drafted by: {name}"),
    )
}

/// "2. Báo cáo.pdf (1,2 MB)".
pub fn document_line(lang: Lang, no: u32, name: &str, size: u64) -> String {
    format!("{no}. {name} ({})", file_size(lang, size))
}

/// A file's size as people read it: `1,5 MB`, `12 KB` (a decimal comma in Vietnamese).
pub fn file_size(lang: Lang, size: u64) -> String {
    let size = if size >= 1024 * 1024 {
        format!("{:.1} MB", size as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", size.div_ceil(1024))
    };
    match lang {
        Lang::Vi => size.replace('.', ","),
        Lang::En => size,
    }
}

pub fn sent_line(lang: Lang, at: NaiveDateTime) -> String {
    lang.pick(
        format!("Đã gửi kế hoạch lúc {}", when(lang, at)),
        format!("Plan sent at {}", when(lang, at)),
    )
}

pub fn topic_label(lang: Lang) -> &'static str {
    lang.pick("Chủ đề", "Topic")
}

pub fn no_documents(lang: Lang) -> &'static str {
    lang.pick(
        "Kế hoạch chưa có tài liệu nào.",
        "The plan has no documents.",
    )
}

pub fn remove_title(lang: Lang, day: NaiveDate) -> String {
    lang.pick(
        format!("Gỡ tài liệu của cuộc họp ngày {}", lang.date(day)),
        format!("Remove a document of the meeting of {}", lang.date(day)),
    )
}

pub fn remove_question(lang: Lang, name: &str, branch: &str) -> String {
    let name = crate::domain::text::quoted(name);
    lang.pick(
        format!("Gỡ tài liệu {name} khỏi kế hoạch của {branch}? Tệp lưu trong chibo bị xóa."),
        format!("Remove {name} from the plan of {branch}? The copy kept in chibo is deleted."),
    )
}

pub fn removed(lang: Lang, name: &str) -> String {
    let name = crate::domain::text::quoted(name);
    lang.pick(
        format!("Đã gỡ tài liệu {name}."),
        format!("Removed {name}."),
    )
}

pub fn document_title(lang: Lang, branch: &str, day: NaiveDate) -> String {
    lang.pick(
        format!("Soạn tài liệu · {branch} · họp ngày {}", lang.date(day)),
        format!(
            "Writing a document · {branch} · meeting of {}",
            lang.date(day)
        ),
    )
}

pub fn name_label_document(lang: Lang) -> &'static str {
    lang.pick("Tên tài liệu", "Document name")
}

pub fn document_text_label(lang: Lang) -> &'static str {
    lang.pick("Nội dung (Markdown)", "Text (Markdown)")
}

/// The name a new document is offered: the draft resolution of the month.
pub fn new_document_name(lang: Lang, day: NaiveDate) -> String {
    let month = day.format("%m-%Y");
    lang.pick(
        format!("Dự thảo nghị quyết tháng {month}.md"),
        format!("Draft resolution {month}.md"),
    )
}

/// The heading a new document starts with, then an empty line to write on.
pub fn new_document_heading(lang: Lang, branch: &str, day: NaiveDate) -> String {
    let month = day.format("%m/%Y");
    lang.pick(
        format!("# Dự thảo Nghị quyết {branch} tháng {month}\n\n"),
        format!("# Draft resolution of {branch}, {month}\n\n"),
    )
}

pub fn document_needs_name(lang: Lang) -> &'static str {
    lang.pick("Tài liệu cần có tên.", "The document needs a name.")
}

pub fn document_gone(lang: Lang) -> &'static str {
    lang.pick(
        "Không đọc được tài liệu của kế hoạch; hãy đọc lại dữ liệu (Ctrl-R).",
        "The plan's document could not be read; reload (Ctrl-R).",
    )
}

pub fn document_unsaved_switch(lang: Lang) -> &'static str {
    lang.pick(
        "Tài liệu chưa lưu: Ctrl-S để lưu, F2 lần nữa để bỏ và mở tài liệu khác.",
        "The document is not saved: Ctrl-S saves it, F2 again throws it away and opens another.",
    )
}

pub fn document_unsaved(lang: Lang) -> &'static str {
    lang.pick(
        "Tài liệu chưa lưu: Ctrl-S để lưu, Esc lần nữa để bỏ.",
        "The document is not saved: Ctrl-S saves it, Esc again throws it away.",
    )
}
