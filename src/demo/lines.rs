//! The demo written in the JSON Lines exchange format (docs/data-format.md): organisations
//! parents first, then members, status changes, roles, oversight and meetings. Fields keep the
//! order of the format's examples, and optional fields that are unknown are left out.

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::grades::Graded;
use super::meetings::MeetingRecord;
use super::orgs::Org;
use super::people::{People, Person};
use crate::domain::date::format_moment;
use crate::domain::schedule::weekday_word;
use crate::domain::{MeetingState, ScheduleRule};

/// The whole demo as JSON Lines.
pub(super) fn render(
    orgs: &[Org],
    people: &People,
    meetings: &[MeetingRecord],
    grades: &[Graded],
) -> String {
    let mut lines: Vec<Value> = Vec::new();
    for org in orgs {
        lines.push(org_line(org));
        let cells = org.branch.as_ref().map_or(0, |b| b.cells);
        lines.extend((1..=cells).map(|n| org_line(&org.cell(n))));
    }
    lines.extend(people.persons.iter().map(member_line));
    lines.extend(people.persons.iter().flat_map(status_lines));
    lines.extend(people.roles.iter().map(|r| {
        json!({"type": "role", "card": r.card, "org": r.org, "role": r.role.as_str(), "from": day(r.from)})
    }));
    lines.extend(people.oversight.iter().map(
        |o| json!({"type": "oversight", "card": o.card, "org": o.branch, "from": day(o.from)}),
    ));
    lines.extend(meetings.iter().map(meeting_line));
    lines.extend(meetings.iter().flat_map(document_lines));
    lines.extend(grades.iter().map(grade_line));
    let mut out = String::new();
    for line in lines {
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Adds `key` only when there is a value: absent optional fields are left out.
fn put(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(key.to_string(), value);
    }
}

fn rule_value(rule: ScheduleRule) -> Value {
    match rule {
        ScheduleRule::DayOfMonth(d) => json!({"day": d}),
        ScheduleRule::NthWeekday { n, weekday } => {
            json!({"nth": n, "weekday": weekday_word(weekday)})
        }
    }
}

fn org_line(org: &Org) -> Value {
    let mut map = Map::new();
    map.insert("type".into(), "org".into());
    map.insert("code".into(), org.code.clone().into());
    map.insert("name".into(), org.name.clone().into());
    map.insert("kind".into(), org.kind.as_str().into());
    map.insert(
        "parent".into(),
        org.parent.clone().map_or(Value::Null, Value::from),
    );
    put(
        &mut map,
        "branch_type",
        org.branch_type.map(|t| t.as_str().into()),
    );
    put(&mut map, "meeting_rule", org.rule.map(rule_value));
    put(&mut map, "grace_days", org.grace.map(Value::from));
    put(&mut map, "founded", org.founded.map(|d| day(d).into()));
    put(&mut map, "dissolved", org.dissolved.map(|d| day(d).into()));
    Value::Object(map)
}

fn member_line(person: &Person) -> Value {
    let m = &person.record;
    let mut map = Map::new();
    map.insert("type".into(), "member".into());
    map.insert("card".into(), m.card.clone().into());
    map.insert("name".into(), m.name.clone().into());
    put(&mut map, "sex", m.sex.map(|s| s.as_str().into()));
    put(&mut map, "born", m.born.map(|d| day(d).into()));
    put(&mut map, "admitted", m.admitted.map(|d| day(d).into()));
    put(
        &mut map,
        "full_member",
        m.full_member.map(|d| day(d).into()),
    );
    map.insert("org".into(), person.branch.clone().into());
    put(&mut map, "cell", person.cell.clone().map(Value::from));
    Value::Object(map)
}

fn status_lines(person: &Person) -> Vec<Value> {
    person
        .record
        .history
        .iter()
        .map(|change| {
            let mut map = Map::new();
            map.insert("type".into(), "member_status".into());
            map.insert("card".into(), person.record.card.clone().into());
            map.insert("status".into(), change.status.as_str().into());
            map.insert("from".into(), day(change.from).into());
            put(&mut map, "until", change.until.map(|d| day(d).into()));
            put(&mut map, "reason", change.reason.clone().map(Value::from));
            Value::Object(map)
        })
        .collect()
}

fn meeting_line(meeting: &MeetingRecord) -> Value {
    let held = meeting.state == MeetingState::Held;
    let mut map = Map::new();
    map.insert("type".into(), "meeting".into());
    map.insert("org".into(), meeting.org.clone().into());
    map.insert("kind".into(), meeting.kind.as_str().into());
    map.insert("date".into(), day(meeting.date).into());
    put(&mut map, "planned", meeting.planned.map(|d| day(d).into()));
    // Held is the default state, left out as an export leaves it out.
    put(
        &mut map,
        "state",
        (!held).then(|| meeting.state.as_str().into()),
    );
    put(&mut map, "time", meeting.time.map(|(s, _)| hh_mm(s).into()));
    put(
        &mut map,
        "end_time",
        meeting.time.map(|(_, e)| hh_mm(e).into()),
    );
    put(&mut map, "place", meeting.place.clone().map(Value::from));
    if let Some(plan) = &meeting.plan {
        map.insert("agenda".into(), plan.agenda.clone().into());
        put(&mut map, "drafter", plan.drafter.clone().map(Value::from));
        put(
            &mut map,
            "sent",
            plan.sent.map(|at| format_moment(at).into()),
        );
    }
    // A meeting not yet held has no roll, no guests and no minutes to approve; one held
    // but not yet recorded has none yet either.
    if held && !meeting.attendance.is_empty() {
        let attendance: Map<String, Value> = meeting
            .attendance
            .iter()
            .map(|(card, mark)| (card.clone(), mark.as_str().into()))
            .collect();
        let excuses: Map<String, Value> = meeting
            .excuses
            .iter()
            .map(|(card, why)| (card.clone(), why.clone().into()))
            .collect();
        map.insert("attendance".into(), Value::Object(attendance));
        map.insert("excuses".into(), Value::Object(excuses));
        map.insert("guests".into(), meeting.guests.clone().into());
    }
    map.insert(
        "topic".into(),
        meeting.topic.clone().map_or(Value::Null, Value::from),
    );
    put(
        &mut map,
        "minutes",
        meeting.minutes.clone().map(Value::from),
    );
    put(
        &mut map,
        "chair",
        meeting.facts.chair.clone().map(Value::from),
    );
    put(
        &mut map,
        "secretary",
        meeting.facts.secretary.clone().map(Value::from),
    );
    if held && let Some(votes) = meeting.facts.votes_for {
        map.insert(
            "vote".into(),
            json!({"for": votes, "against": 0, "abstain": 0}),
        );
    }
    if !meeting.facts.assignments.is_empty() {
        let rows = meeting
            .facts
            .assignments
            .iter()
            .map(|(who, task, due)| json!({"who": who, "task": task, "due": day(*due)}));
        map.insert("assignments".into(), Value::Array(rows.collect()));
    }
    if held && meeting.approved {
        map.insert("approved".into(), true.into());
    }
    Value::Object(map)
}

/// The documents of a meeting's plan, each naming its meeting by org, kind and date.
fn document_lines(meeting: &MeetingRecord) -> Vec<Value> {
    let documents = meeting.plan.iter().flat_map(|p| &p.documents);
    documents
        .map(|doc| {
            json!({
                "type": "document",
                "org": meeting.org,
                "kind": meeting.kind.as_str(),
                "date": day(meeting.date),
                "name": doc.name,
                "added": format_moment(doc.added),
                "text": doc.text,
            })
        })
        .collect()
}

fn grade_line(graded: &Graded) -> Value {
    let c = &graded.classification;
    let mut map = Map::new();
    map.insert("type".into(), "classification".into());
    put(&mut map, "org", graded.org.clone().map(Value::from));
    put(&mut map, "card", graded.card.clone().map(Value::from));
    map.insert("year".into(), c.year.into());
    map.insert("grade".into(), c.grade.as_str().into());
    put(&mut map, "score", c.score.map(Value::from));
    Value::Object(map)
}

/// Minutes after midnight as the format writes a time: "19:30".
fn hh_mm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}
