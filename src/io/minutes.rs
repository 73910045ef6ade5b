//! A meeting's minutes (biên bản) as the official document: laid out once as a [`Document`]
//! — the two-column header, the title, the roll, every section of the form, the amendments
//! and the signatures (domain.md, "Minutes" and "Document layout") — and written from it as
//! Markdown ([`markdown`]) or as a Word file ([`docx`]). The TUI and the command line both
//! call [`export_minutes`]; neither lays anything out itself.
//!
//! The document is always Vietnamese, whatever language the screen speaks: it is an official
//! document of the branch. The layout makes every piece of stored text safe once (control
//! characters and bidirectional overrides become U+FFFD, never reaching a file); each writer
//! then escapes what its own format would read as markup.
//!
//! Where the place in "Hồng Gai, ngày 07 tháng 11 năm 2026" comes from: the name of the
//! nearest commune, ward, district or province committee among the organisation and its
//! ancestors, without its "Đảng ủy phường" or "Tỉnh ủy" (see [`place_of`]). Guidance
//! 36-HD/VPTW writes the administrative unit where the issuing body sits; a grassroots branch
//! sits in its commune or ward. When no such name is found the place is left as dots to fill
//! in by hand.

mod docx;
mod markdown;

use std::fmt;

use chrono::Datelike;

use crate::domain::minutes::{
    bare_name, closing_line, fact_lines, is_old_placeholder, opening_written_as_text,
};
use crate::domain::text::{fold, sanitize};
use crate::domain::{
    Lang, Mark, Meeting, MeetingId, MeetingKind, MeetingState, MinutesText, OrgKind, OrgUnit,
    Quorum, Roll, RollEntry, Section, Standing,
};
use crate::store::{Reader, StoreError};

/// The two forms the minutes are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MinutesFormat {
    Markdown,
    Docx,
}

impl MinutesFormat {
    /// The file extension, without its dot.
    pub fn extension(self) -> &'static str {
        match self {
            MinutesFormat::Markdown => "md",
            MinutesFormat::Docx => "docx",
        }
    }
}

/// Why the minutes could not be written.
#[derive(Debug)]
pub enum MinutesExportError {
    /// No meeting has this id.
    UnknownMeeting(MeetingId),
    Store(StoreError),
    Io(std::io::Error),
}

impl MinutesExportError {
    /// The message in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            MinutesExportError::UnknownMeeting(id) => lang.pick(
                format!("không có cuộc họp mã số {}", id.0),
                format!("no meeting with id {}", id.0),
            ),
            MinutesExportError::Store(e) => e.message(lang),
            MinutesExportError::Io(e) => lang.pick(
                format!("không ghi được biên bản: {e}"),
                format!("cannot write the minutes: {e}"),
            ),
        }
    }
}

impl fmt::Display for MinutesExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for MinutesExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MinutesExportError::UnknownMeeting(_) => None,
            MinutesExportError::Store(e) => Some(e),
            MinutesExportError::Io(e) => Some(e),
        }
    }
}

impl From<StoreError> for MinutesExportError {
    fn from(e: StoreError) -> Self {
        MinutesExportError::Store(e)
    }
}

impl From<std::io::Error> for MinutesExportError {
    fn from(e: std::io::Error) -> Self {
        MinutesExportError::Io(e)
    }
}

/// Writes the minutes of `meeting` in `format`.
pub fn export_minutes(
    reader: &Reader,
    meeting: MeetingId,
    format: MinutesFormat,
    lang: Lang,
    out: &mut impl std::io::Write,
) -> Result<(), MinutesExportError> {
    // `lang` is for messages only: the document itself is always Vietnamese.
    let _ = lang;
    let meeting = reader
        .meeting(meeting)?
        .ok_or(MinutesExportError::UnknownMeeting(meeting))?;
    let document = layout(reader, &meeting)?;
    match format {
        MinutesFormat::Markdown => out.write_all(markdown::write(&document).as_bytes())?,
        MinutesFormat::Docx => out.write_all(&docx::write(&document)?)?,
    }
    out.flush()?;
    Ok(())
}

/// A file name for it: `<org code>-<YYYY-MM-DD>-<kind>.md|.docx`, safe on every filesystem.
pub fn file_name(org: &OrgUnit, meeting: &Meeting, format: MinutesFormat) -> String {
    format!(
        "{}-{}-{}.{}",
        super::files::safe_file_part(&org.code),
        meeting.date.format("%Y-%m-%d"),
        meeting.kind.as_str(),
        format.extension()
    )
}

// ---------------------------------------------------------------------------------------------
// The document

/// "ĐẢNG CỘNG SẢN VIỆT NAM", top right of every Party document.
pub const PARTY: &str = "ĐẢNG CỘNG SẢN VIỆT NAM";
/// The mark of minutes not yet approved.
pub const DRAFT: &str = "DỰ THẢO";
/// Under each signature's role.
pub const SIGN_HERE: &str = "(Ký, ghi rõ họ tên)";
/// What stands for something to fill in by hand.
pub const BLANK: &str = "……………";
/// The heading of the corrections made after approval.
pub const AMENDMENTS: &str = "Đính chính sau khi biên bản được duyệt";
/// The lead-in of the roll in the first section.
pub const ROLL: &str = "Thành phần dự họp:";

/// The minutes of one meeting laid out as the official form. Every text in it is safe
/// (no control characters) and still plain: each writer escapes it for its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Not approved yet: the document says "DỰ THẢO" above its header.
    pub draft: bool,
    pub header: Header,
    pub title: String,
    /// Under the title: the month, then the theme or the topic, and a cancellation.
    pub subtitle: Vec<String>,
    /// One per section of the form, in its order, the empty ones too: the form has them all.
    pub sections: Vec<Part>,
    /// The dated corrections, oldest first; `None` when there are none.
    pub amendments: Option<Part>,
    /// The minutes secretary on the left, the chair on the right.
    pub signatures: [Signature; 2],
}

/// The two columns above the title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The party organisation directly above, upper case ("ĐẢNG BỘ PHƯỜNG HỒNG GAI"); none
    /// for an organisation at the root.
    pub above: Option<String>,
    /// The organisation whose minutes these are, upper case ("CHI BỘ KHU 2").
    pub issuer: String,
    /// "Hồng Gai, ngày 07 tháng 11 năm 2026".
    pub place_date: String,
}

/// A headed part of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// One paragraph of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A line as written in the minutes.
    Line(String),
    /// A lead-in in bold ("Thành phần dự họp:").
    Label(String),
    /// An item of a list chibo writes (a count of the roll).
    Item(String),
}

/// A signature block: the role, and the name under the space to sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub role: &'static str,
    /// `None` until the minutes are approved: a line to write the name on.
    pub name: Option<String>,
}

/// Lays out the minutes of `meeting` from what the store holds about it.
pub fn layout(reader: &Reader, meeting: &Meeting) -> Result<Document, StoreError> {
    let org = reader
        .org(meeting.org)?
        .ok_or_else(|| StoreError::Corrupt(format!("meeting of missing org {}", meeting.org.0)))?;
    let ancestors = reader.ancestors(org.id)?;
    let roll = reader.full_roll_of(meeting)?;
    let mut guests = Vec::with_capacity(meeting.guests.len());
    for id in &meeting.guests {
        // A guest the store no longer has is reported by `chibo check`, not here.
        if let Some(member) = reader.member(*id)? {
            guests.push(clean(&member.name));
        }
    }
    Ok(Document {
        draft: !meeting.is_approved(),
        header: header(&org, &ancestors, meeting),
        title: title(&org, meeting.kind),
        subtitle: subtitle(meeting),
        sections: sections(meeting, &roll, &guests),
        amendments: amendments(meeting),
        signatures: signatures(meeting),
    })
}

/// Stored text made safe to lay out: one line, its control characters and bidi overrides
/// turned to U+FFFD (a tab to a space), trailing spaces dropped.
fn clean(text: &str) -> String {
    sanitize(text.trim_end_matches('\r')).trim_end().to_string()
}

/// Written text as lines, each made safe; blank lines only separate, so they are dropped,
/// and so is a placeholder an earlier template left unfilled.
fn lines(text: &str) -> Vec<Block> {
    text.split('\n')
        .map(clean)
        .filter(|line| !line.trim().is_empty() && !is_old_placeholder(line))
        .map(Block::Line)
        .collect()
}

/// Upper case as the header writes names ("Chi bộ khu 2" → "CHI BỘ KHU 2").
fn upper(text: &str) -> String {
    text.to_uppercase()
}

/// Words of a name with their folded forms, for matching "Đảng ủy" and "Đảng uỷ" alike.
fn words(name: &str) -> Vec<(&str, String)> {
    name.split_whitespace().map(|w| (w, fold(w))).collect()
}

/// Committee name prefixes (folded) and the unit each one stands for.
const COMMITTEES: [(&str, &str); 6] = [
    ("dang uy", ""),
    ("tinh uy", "tỉnh"),
    ("thanh uy", "thành phố"),
    ("huyen uy", "huyện"),
    ("quan uy", "quận"),
    ("thi uy", "thị xã"),
];

/// Administrative units a committee name may name after its prefix, longest first.
const UNITS: [&str; 9] = [
    "thi tran",
    "dac khu",
    "thanh pho",
    "thi xa",
    "xa",
    "phuong",
    "tinh",
    "huyen",
    "quan",
];

/// How many leading words of `words` spell `folded` (several words, one space apart).
fn leading(words: &[(&str, String)], folded: &str) -> Option<usize> {
    let wanted: Vec<&str> = folded.split(' ').collect();
    let matches =
        words.len() >= wanted.len() && words.iter().zip(&wanted).all(|((_, f), w)| f == w);
    matches.then_some(wanted.len())
}

/// The committee prefix of a name: how many words it takes and the unit it stands for.
fn committee_prefix(words: &[(&str, String)]) -> Option<(usize, &'static str, bool)> {
    COMMITTEES.iter().find_map(|(prefix, unit)| {
        leading(words, prefix).map(|n| (n, *unit, prefix.starts_with("dang")))
    })
}

/// The party organisation a committee leads, as the header names the level above:
/// "Đảng ủy phường Hồng Gai" → "Đảng bộ phường Hồng Gai", "Tỉnh ủy Quảng Ninh" →
/// "Đảng bộ tỉnh Quảng Ninh". A name that is not a committee's ("Chi bộ khu 2") stays.
fn party_body(name: &str) -> String {
    let words = words(name);
    let Some((n, unit, _)) = committee_prefix(&words) else {
        return name.to_string();
    };
    let rest: Vec<&str> = words[n..].iter().map(|(w, _)| *w).collect();
    let names_unit = unit.is_empty() || leading(&words[n..], &fold(unit)).is_some();
    if names_unit {
        format!("Đảng bộ {}", rest.join(" "))
    } else {
        format!("Đảng bộ {unit} {}", rest.join(" "))
    }
}

/// The place a committee sits in, from its name: "Đảng ủy phường Hồng Gai" → "Hồng Gai",
/// "Tỉnh ủy Quảng Ninh" → "Quảng Ninh". An "Đảng ủy" must name its commune or ward, so a
/// bloc's or an agency's committee ("Đảng ủy các cơ quan Đảng tỉnh") gives none.
fn place_of(name: &str) -> Option<String> {
    let words = words(name);
    let (n, _, needs_unit) = committee_prefix(&words)?;
    let unit = UNITS.iter().find_map(|u| leading(&words[n..], u));
    if needs_unit && unit.is_none() {
        return None;
    }
    let rest: Vec<&str> = words[n + unit.unwrap_or(0)..]
        .iter()
        .map(|(w, _)| *w)
        .collect();
    (!rest.is_empty()).then(|| rest.join(" "))
}

/// The place of the date line: the nearest commune, ward, district or province committee
/// of `org` (itself first) that existed on the meeting's day and whose name gives one.
fn place(org: &OrgUnit, ancestors: &[OrgUnit], day: chrono::NaiveDate) -> Option<String> {
    std::iter::once(org)
        .chain(ancestors)
        .filter(|o| o.exists_on(day))
        .filter(|o| {
            matches!(
                o.kind,
                OrgKind::GrassrootsCommittee
                    | OrgKind::DistrictCommittee
                    | OrgKind::ProvincialCommittee
            )
        })
        .find_map(|o| place_of(&clean(&o.name)))
}

fn header(org: &OrgUnit, ancestors: &[OrgUnit], meeting: &Meeting) -> Header {
    let day = meeting.date;
    let place = place(org, ancestors, day).unwrap_or_else(|| BLANK.to_string());
    Header {
        above: ancestors
            .first()
            .map(|parent| upper(&party_body(&clean(&parent.name)))),
        issuer: upper(&clean(&org.name)),
        place_date: format!(
            "{place}, ngày {:02} tháng {:02} năm {}",
            day.day(),
            day.month(),
            day.year()
        ),
    }
}

/// The title for the kind of meeting and of organisation.
fn title(org: &OrgUnit, kind: MeetingKind) -> String {
    let unit = match org.kind {
        kind if kind.is_branch() => "CHI BỘ",
        OrgKind::Cell => "TỔ ĐẢNG",
        _ => "ĐẢNG BỘ",
    };
    match kind {
        MeetingKind::Regular => format!("BIÊN BẢN SINH HOẠT {unit}"),
        MeetingKind::Thematic => "BIÊN BẢN SINH HOẠT CHUYÊN ĐỀ".to_string(),
        MeetingKind::Committee if org.kind.is_branch() => "BIÊN BẢN HỌP CHI ỦY".to_string(),
        MeetingKind::Committee => "BIÊN BẢN HỌP CẤP ỦY".to_string(),
        MeetingKind::Extraordinary => format!("BIÊN BẢN SINH HOẠT {unit} BẤT THƯỜNG"),
    }
}

fn subtitle(meeting: &Meeting) -> Vec<String> {
    let mut out = vec![format!(
        "Tháng {:02} năm {}",
        meeting.date.month(),
        meeting.date.year()
    )];
    if let Some(topic) = meeting.topic.as_deref().map(clean)
        && !topic.trim().is_empty()
    {
        let what = match meeting.kind {
            MeetingKind::Thematic => "Chuyên đề",
            _ => "Nội dung",
        };
        out.push(format!("{what}: {topic}"));
    }
    if meeting.state == MeetingState::Cancelled {
        out.push("(Cuộc họp đã bị hủy)".to_string());
    }
    out
}

/// Every section of the form under its heading: the facts the meeting's fields hold where
/// the form puts them, then what was written there — time, place, chair and secretary
/// (the roll after the text) in the opening, the vote in the resolution, the assignments,
/// the closing time. Minutes written when those were lines of text print their own.
fn sections(meeting: &Meeting, roll: &Roll, guests: &[String]) -> Vec<Part> {
    let minutes = MinutesText::parse(meeting.minutes.as_deref().unwrap_or(""));
    let facts_as_text = opening_written_as_text(&minutes);
    Section::ALL
        .into_iter()
        .map(|section| {
            let written = lines(minutes.section(section));
            let mut blocks = Vec::new();
            match section {
                Section::Opening => {
                    if !facts_as_text {
                        let facts = fact_lines(meeting, BLANK).into_iter();
                        blocks.extend(facts.map(|line| Block::Line(clean(&line))));
                    }
                    blocks.extend(written);
                    blocks.push(Block::Label(ROLL.to_string()));
                    blocks.extend(roll_items(roll, guests).into_iter().map(Block::Item));
                }
                Section::Resolution => {
                    if let Some(vote) = meeting.vote {
                        blocks.push(Block::Line(vote.verdict(&Quorum::of(roll), Lang::Vi)));
                    }
                    blocks.extend(written);
                }
                Section::Assignments => {
                    let rows = meeting.assignments.iter();
                    blocks.extend(rows.map(|row| Block::Item(clean(&row.printed()))));
                    blocks.extend(written);
                }
                Section::Closing => {
                    let ended_in_text = minutes.section(section).contains("kết thúc lúc");
                    if !ended_in_text && let Some(line) = closing_line(meeting, BLANK) {
                        blocks.push(Block::Line(clean(&line)));
                    }
                    blocks.extend(written);
                }
                _ => blocks.extend(written),
            }
            Part {
                heading: section.heading().to_string(),
                blocks,
            }
        })
        .collect()
}

/// "Vắng có lý do: 1 (Ngô Thị Dung — ốm)": a count, and who when there is anyone.
fn counted(label: &str, count: usize, names: &[String]) -> String {
    if names.is_empty() {
        format!("{label}: {count}")
    } else {
        format!("{label}: {count} ({})", names.join("; "))
    }
}

/// The roll as the chair reads it out: on the roll, exempt, expected, present, away with
/// and without leave (named), not yet marked, and the guests from above. Before any roll is
/// taken (a meeting still planned), the attendance is left blank to fill in by hand.
fn roll_items(roll: &Roll, guests: &[String]) -> Vec<String> {
    let counts = roll.counts();
    let on_roll = roll.entries.len();
    let probationary = roll.entries.iter().filter(|e| e.probationary).count();
    let names = |wanted: &dyn Fn(&RollEntry) -> bool| -> Vec<String> {
        roll.entries
            .iter()
            .filter(|e| wanted(e))
            .map(roll_name)
            .collect()
    };
    let exempt = names(&|e| !e.is_expected());
    let mut items = vec![
        format!(
            "Tổng số đảng viên: {on_roll} (chính thức: {}, dự bị: {probationary})",
            on_roll - probationary
        ),
        counted("Miễn sinh hoạt", exempt.len(), &exempt),
        format!("Đảng viên phải dự: {}", counts.expected),
    ];
    let taken = counts.expected == 0 || counts.unmarked < counts.expected;
    if taken {
        let excused = names(&|e| e.is_expected() && e.mark == Some(Mark::Excused));
        let absent = names(&|e| e.is_expected() && e.mark == Some(Mark::Absent));
        let unmarked = names(&|e| e.is_expected() && e.mark.is_none());
        items.push(present(counts.present, counts.expected));
        items.push(counted("Vắng có lý do", excused.len(), &excused));
        items.push(counted("Vắng không có lý do", absent.len(), &absent));
        if !unmarked.is_empty() {
            items.push(counted("Chưa điểm danh", unmarked.len(), &unmarked));
        }
        // Regulation 24 point 9.3.2: a meeting without its quorum is not valid, and its
        // minutes must say so; one that has it needs no sentence beyond the counts.
        let quorum = Quorum::of(roll);
        if !quorum.met() {
            items.push(quorum.verdict(Lang::Vi));
        }
    } else {
        for label in ["Có mặt", "Vắng có lý do", "Vắng không có lý do"] {
            items.push(format!("{label}: {BLANK}"));
        }
    }
    items.push(if guests.is_empty() {
        "Đại biểu cấp trên dự: không có".to_string()
    } else {
        format!("Đại biểu cấp trên dự: {}", guests.join("; "))
    });
    items
}

/// "Có mặt: 63/70, đạt 90%": the rate leaves out the exempt, as every count does.
fn present(present: u32, expected: u32) -> String {
    match expected {
        0 => format!("Có mặt: {present}"),
        _ => format!(
            "Có mặt: {present}/{expected}, đạt {}%",
            (present * 100 + expected / 2) / expected
        ),
    }
}

/// A member as the roll names them: with the reason they were excused, or the day a
/// temporary exemption ends.
fn roll_name(entry: &RollEntry) -> String {
    let name = clean(&entry.name);
    match (&entry.standing, entry.mark, entry.reason.as_deref()) {
        (Standing::Exempt { until: Some(day) }, _, _) => {
            format!("{name}, đến {}", day.format("%d/%m/%Y"))
        }
        (Standing::Expected, Some(Mark::Excused), Some(reason)) if !reason.trim().is_empty() => {
            format!("{name} — {}", clean(reason.trim()))
        }
        _ => name,
    }
}

fn amendments(meeting: &Meeting) -> Option<Part> {
    if meeting.amendments.is_empty() {
        return None;
    }
    let mut blocks = Vec::new();
    for amendment in &meeting.amendments {
        blocks.push(Block::Label(format!(
            "Ngày {}, {} — {}:",
            amendment.at.format("%d/%m/%Y"),
            amendment.at.format("%H:%M"),
            clean(amendment.by.trim())
        )));
        blocks.extend(lines(&amendment.text));
    }
    Some(Part {
        heading: AMENDMENTS.to_string(),
        blocks,
    })
}

/// The secretary left and the chair right, named once the minutes are approved: as the
/// approval names them, else as the meeting's facts do.
fn signatures(meeting: &Meeting) -> [Signature; 2] {
    let approval = meeting.approval.as_ref();
    let name = |named: Option<&String>, fact: Option<&String>| {
        approval?;
        named
            .or(fact)
            .map(|n| bare_name(&clean(n.trim())))
            .filter(|n| !n.trim().is_empty())
    };
    [
        Signature {
            role: "THƯ KÝ",
            name: name(
                approval.and_then(|a| a.secretary.as_ref()),
                meeting.secretary.as_ref(),
            ),
        },
        Signature {
            role: "CHỦ TRÌ",
            name: name(
                approval.and_then(|a| a.chair.as_ref()),
                meeting.chair.as_ref(),
            ),
        },
    ]
}

#[cfg(test)]
mod tests;
