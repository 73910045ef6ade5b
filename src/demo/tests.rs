//! The demo's JSON Lines checked line by line: determinism, the press figures, and the rules a
//! real year of meetings follows.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde_json::Value;

use super::jsonl;
use crate::domain::date::parse_iso;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn records(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).expect("every line is JSON"))
        .collect()
}

fn of_type<'a>(records: &'a [Value], kind: &str) -> Vec<&'a Value> {
    records.iter().filter(|r| r["type"] == kind).collect()
}

fn date(value: &Value) -> NaiveDate {
    parse_iso(value.as_str().expect("a date string")).unwrap()
}

#[test]
fn same_today_gives_the_same_bytes() {
    assert_eq!(jsonl(today()), jsonl(today()));
    assert_ne!(
        jsonl(today()),
        jsonl(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
    );
}

#[test]
fn every_line_is_one_record_of_a_known_type() {
    let text = jsonl(today());
    for record in records(&text) {
        let kind = record["type"].as_str().unwrap();
        assert!(
            [
                "org",
                "member",
                "member_status",
                "role",
                "oversight",
                "meeting",
                "document",
                "classification"
            ]
            .contains(&kind),
            "{kind}"
        );
    }
}

#[test]
fn quarter_2_has_8_cells_92_members_22_exempt() {
    let all = records(&jsonl(today()));
    let cells = of_type(&all, "org")
        .into_iter()
        .filter(|o| o["parent"] == "QN.HL.HG.K2" && o["kind"] == "cell")
        .count();
    assert_eq!(cells, 8);
    let members: BTreeSet<&str> = of_type(&all, "member")
        .into_iter()
        .filter(|m| m["org"] == "QN.HL.HG.K2")
        .map(|m| m["card"].as_str().unwrap())
        .collect();
    assert_eq!(members.len(), 92);
    let statuses: Vec<&Value> = of_type(&all, "member_status")
        .into_iter()
        .filter(|s| members.contains(s["card"].as_str().unwrap()))
        .collect();
    assert_eq!(statuses.len(), 22, "no other change of status in Quarter 2");
    assert!(statuses.iter().all(|s| s["status"] == "exempt"));
}

#[test]
fn the_secretary_of_quarter_2_is_the_member_of_the_format_example() {
    let all = records(&jsonl(today()));
    let duong = of_type(&all, "member")
        .into_iter()
        .find(|m| m["card"] == "48123456")
        .unwrap();
    assert_eq!(duong["name"], "Phạm Ngọc Đường");
    assert_eq!(duong["born"], "1958-03-02");
    assert_eq!(duong["cell"], "QN.HL.HG.K2.T1");
    assert!(
        of_type(&all, "role").iter().any(|r| r["card"] == "48123456"
            && r["org"] == "QN.HL.HG.K2"
            && r["role"] == "secretary")
    );
    assert!(
        of_type(&all, "oversight")
            .iter()
            .any(|o| o["card"] == "48120001" && o["org"] == "QN.HL.HG.K2")
    );
}

#[test]
fn cards_are_unique_and_names_agree_with_sex() {
    let all = records(&jsonl(today()));
    let members = of_type(&all, "member");
    let cards: BTreeSet<&str> = members
        .iter()
        .map(|m| m["card"].as_str().unwrap())
        .collect();
    assert_eq!(cards.len(), members.len());
    assert!(
        (1000..=3000).contains(&members.len()),
        "{} members",
        members.len()
    );
    for m in &members {
        let name = m["name"].as_str().unwrap();
        if name.contains(" Thị ") {
            assert_eq!(m["sex"], "female", "{name}");
        }
        if name.contains(" Văn ") {
            assert_eq!(m["sex"], "male", "{name}");
        }
    }
}

#[test]
fn some_members_are_probationary_and_admission_precedes_full_membership() {
    let all = records(&jsonl(today()));
    let mut probationary = 0;
    for m in of_type(&all, "member") {
        let admitted = date(&m["admitted"]);
        assert!(admitted < today());
        match m.get("full_member") {
            Some(full) => assert!(date(full) > admitted),
            None => probationary += 1,
        }
    }
    assert!(probationary >= 3, "{probationary}");
}

#[test]
fn held_meetings_run_from_a_year_back_to_today_and_planned_ones_lie_ahead() {
    let all = records(&jsonl(today()));
    let first = NaiveDate::from_ymd_opt(2025, 11, 1).unwrap();
    let meetings = of_type(&all, "meeting");
    assert!(meetings.len() > 500);
    let mut unrecorded = 0;
    for m in meetings {
        let day = date(&m["date"]);
        match m.get("state") {
            None if m.get("attendance").is_none() => {
                // The one meeting left for the user to record: held, nothing written yet.
                assert_eq!(m["org"], "QN.HL.HG.K2");
                assert!(m.get("minutes").is_none() && m.get("approved").is_none());
                assert!(day <= today(), "{day}");
                unrecorded += 1;
            }
            None => {
                assert!(first <= day && day <= today(), "{day}");
                assert_eq!(m["approved"], true);
            }
            Some(state) => {
                assert_eq!(state, "planned");
                assert!(day > today(), "{} planned for {day}", m["org"]);
                for field in ["attendance", "excuses", "guests", "minutes", "approved"] {
                    assert!(m.get(field).is_none(), "a planned meeting has no {field}");
                }
                for field in ["time", "end_time", "place", "topic"] {
                    assert!(m[field].is_string(), "a planned meeting states its {field}");
                }
                assert!(m["end_time"].as_str() > m["time"].as_str());
            }
        }
    }
    assert_eq!(unrecorded, 1);
}

#[test]
fn this_month_is_held_as_any_other_month_and_some_branches_are_still_overdue() {
    let all = records(&jsonl(today()));
    let branches = of_type(&all, "org")
        .into_iter()
        .filter(|o| o["kind"] == "branch" || o["kind"] == "grassroots_branch")
        .count();
    let this_month: Vec<&Value> = of_type(&all, "meeting")
        .into_iter()
        .filter(|m| m["kind"] == "regular" && date(&m["date"]).month() == 11)
        .filter(|m| date(&m["date"]).year() == 2026)
        .collect();
    assert!(this_month.iter().all(|m| m.get("state").is_none()));
    let on_time = this_month
        .iter()
        .filter(|m| m.get("planned").is_none())
        .count();
    let late = this_month.len() - on_time;
    let overdue = branches - this_month.len();
    assert!(on_time > branches * 3 / 4, "{on_time} of {branches}");
    assert!(late >= 3, "{late}");
    assert!((1..=8).contains(&overdue), "{overdue}");
}

#[test]
fn next_month_every_branch_plans_on_its_due_day_and_every_commune_plans_its_committee() {
    let all = records(&jsonl(today()));
    let december = |m: &&Value| date(&m["date"]) >= NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let planned: Vec<&Value> = of_type(&all, "meeting")
        .into_iter()
        .filter(december)
        .collect();
    let branches: BTreeSet<&str> = of_type(&all, "org")
        .into_iter()
        .filter(|o| o["kind"] == "branch" || o["kind"] == "grassroots_branch")
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    let communes: BTreeSet<&str> = of_type(&all, "org")
        .into_iter()
        .filter(|o| o["kind"] == "grassroots_committee")
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    let of_kind = |kind: &str| -> Vec<&str> {
        planned
            .iter()
            .filter(|m| m["kind"] == kind)
            .map(|m| m["org"].as_str().unwrap())
            .collect()
    };
    assert_eq!(
        of_kind("regular").into_iter().collect::<BTreeSet<_>>(),
        branches
    );
    assert_eq!(of_kind("regular").len(), branches.len());
    assert_eq!(
        of_kind("committee").into_iter().collect::<BTreeSet<_>>(),
        communes
    );
    assert_eq!(of_kind("committee").len(), communes.len());
    assert!(
        planned
            .iter()
            .all(|m| m["state"] == "planned" && m.get("planned").is_none())
    );
    let k2 = planned.iter().find(|m| m["org"] == "QN.HL.HG.K2").unwrap();
    assert_eq!(
        (&k2["date"], &k2["time"], &k2["end_time"], &k2["place"]),
        (
            &Value::from("2026-12-05"),
            &Value::from("19:30"),
            &Value::from("21:30"),
            &Value::from("Nhà văn hóa khu 2")
        )
    );
}

#[test]
fn only_hong_gai_plans_its_committee_on_a_day_its_branches_meet() {
    let all = records(&jsonl(today()));
    let planned: Vec<&Value> = of_type(&all, "meeting")
        .into_iter()
        .filter(|m| m.get("state").is_some())
        .collect();
    let clashing: Vec<&str> = planned
        .iter()
        .filter(|c| c["kind"] == "committee")
        .filter(|c| {
            let below = format!("{}.", c["org"].as_str().unwrap());
            planned.iter().any(|b| {
                b["kind"] == "regular"
                    && b["date"] == c["date"]
                    && b["org"].as_str().unwrap().starts_with(&below)
            })
        })
        .map(|c| c["org"].as_str().unwrap())
        .collect();
    assert_eq!(clashing, ["QN.HL.HG"]);
}

#[test]
fn attendance_names_members_of_the_branch_and_guests_come_from_elsewhere() {
    let all = records(&jsonl(today()));
    let branch_of: BTreeMap<&str, &str> = of_type(&all, "member")
        .into_iter()
        .map(|m| (m["card"].as_str().unwrap(), m["org"].as_str().unwrap()))
        .collect();
    for m in of_type(&all, "meeting")
        .into_iter()
        .filter(|m| m.get("state").is_none() && m.get("attendance").is_some())
    {
        let org = m["org"].as_str().unwrap();
        let attendance = m["attendance"].as_object().unwrap();
        assert!(!attendance.is_empty());
        for (card, mark) in attendance {
            assert_eq!(branch_of[card.as_str()], org);
            assert!(["present", "excused", "absent", "exempt"].contains(&mark.as_str().unwrap()));
        }
        for (card, _) in m["excuses"].as_object().unwrap() {
            assert_eq!(attendance[card], "excused");
        }
        for guest in m["guests"].as_array().unwrap() {
            assert_ne!(branch_of[guest.as_str().unwrap()], org);
        }
    }
}

#[test]
fn exempt_members_are_marked_exempt_unless_they_came() {
    let all = records(&jsonl(today()));
    let exempt: BTreeSet<&str> = of_type(&all, "member_status")
        .into_iter()
        .filter(|s| s["status"] == "exempt")
        .map(|s| s["card"].as_str().unwrap())
        .collect();
    let never_exempt = |card: &str| {
        of_type(&all, "member_status")
            .into_iter()
            .all(|s| s["card"] != card || !s["status"].as_str().unwrap().contains("exempt"))
    };
    let mut marks: BTreeMap<String, usize> = BTreeMap::new();
    for m in of_type(&all, "meeting")
        .into_iter()
        .filter(|m| m.get("state").is_none() && m.get("attendance").is_some())
    {
        for (card, mark) in m["attendance"].as_object().unwrap() {
            let mark = mark.as_str().unwrap();
            if exempt.contains(card.as_str()) {
                *marks.entry(mark.to_string()).or_default() += 1;
            } else if mark == "exempt" {
                assert!(!never_exempt(card), "{card} was never exempt");
            }
        }
    }
    // Never excused or absent; most stay away, and some come all the same.
    assert_eq!(
        marks.keys().collect::<Vec<_>>(),
        ["exempt", "present"],
        "{marks:?}"
    );
    assert!(marks["exempt"] > marks["present"], "{marks:?}");
}

#[test]
fn one_regular_meeting_a_month_with_planned_only_when_moved_within_it() {
    let all = records(&jsonl(today()));
    let mut per_month: BTreeMap<(String, i32, u32), usize> = BTreeMap::new();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for m in of_type(&all, "meeting") {
        *kinds.entry(m["kind"].as_str().unwrap()).or_default() += 1;
        if m["kind"] != "regular" {
            continue;
        }
        let held = date(&m["date"]);
        *per_month
            .entry((
                m["org"].as_str().unwrap().to_string(),
                held.year(),
                held.month(),
            ))
            .or_default() += 1;
        if let Some(planned) = m.get("planned") {
            assert_ne!(date(planned), held);
            assert_eq!(date(planned).month(), held.month());
        }
    }
    assert!(per_month.values().all(|&n| n == 1));
    assert!(kinds["thematic"] > 100, "{kinds:?}");
}

#[test]
fn tu_ky_meets_on_the_seventh_and_its_schools_on_the_first_thursday() {
    let all = records(&jsonl(today()));
    let regular: Vec<&Value> = of_type(&all, "meeting")
        .into_iter()
        .filter(|m| m["kind"] == "regular")
        .collect();
    let due_of = |m: &Value| m.get("planned").map_or_else(|| date(&m["date"]), date);
    for m in &regular {
        let org = m["org"].as_str().unwrap();
        let due = due_of(m);
        if ["HP.TK.TK.MN", "HP.TK.TK.TH", "HP.TK.TK.THCS"].contains(&org) {
            assert_eq!(due.weekday(), Weekday::Thu, "{org} {due}");
            assert!(due.day() <= 7);
        } else if org.starts_with("HP.TK.TK.TH") {
            assert_eq!(due.day(), 7, "{org}");
        } else if org.starts_with("QN.BL.BL.") {
            assert_eq!(due.day(), 3, "{org}");
        }
    }
    // Some late within grace, some out of rule, some on time: a real year.
    let late = regular
        .iter()
        .filter(|m| m.get("planned").is_some_and(|p| date(&m["date"]) > date(p)))
        .count();
    assert!(late > 10, "{late}");
}

#[test]
fn the_firm_founded_mid_year_meets_only_after_its_founding() {
    let all = records(&jsonl(today()));
    let firm = of_type(&all, "org")
        .into_iter()
        .find(|o| o["code"] == "HP.TK.TK.DN")
        .unwrap();
    let founded = date(&firm["founded"]);
    let meetings: Vec<NaiveDate> = of_type(&all, "meeting")
        .into_iter()
        .filter(|m| m["org"] == "HP.TK.TK.DN")
        .map(|m| date(&m["date"]))
        .collect();
    assert!(!meetings.is_empty());
    assert!(meetings.iter().all(|d| *d >= founded));
}

#[test]
fn last_year_every_organisation_but_the_cells_is_graded_and_quarter_2_s_active_members() {
    let text = jsonl(today());
    let graded: Vec<Value> = records(&text)
        .into_iter()
        .filter(|r| r["type"] == "classification")
        .collect();
    assert!(graded.iter().all(|r| r["year"] == 2025));
    let orgs = graded.iter().filter(|r| r.get("org").is_some()).count();
    let cells = records(&text)
        .iter()
        .filter(|r| r["type"] == "org" && r["kind"] == "cell")
        .count();
    let all_orgs = records(&text).iter().filter(|r| r["type"] == "org").count();
    // Every organisation but the cells, and the Tứ Kỳ firm's branch founded this year.
    assert_eq!(orgs, all_orgs - cells - 1);
    // Quarter 2's 92 members less the 22 exempt.
    let members = graded.iter().filter(|r| r.get("card").is_some()).count();
    assert_eq!(members, 70);
}

#[test]
fn most_plans_go_out_by_the_20th_of_the_month_before_and_none_after_today() {
    let all = records(&jsonl(today()));
    let (mut in_time, mut late, mut never) = (0, 0, 0);
    for m in of_type(&all, "meeting")
        .into_iter()
        .filter(|m| m["kind"] == "regular")
    {
        let day = date(&m["date"]);
        let first_planned = m.get("planned").map_or(day, date);
        let previous = first_planned - chrono::Months::new(1);
        let deadline = NaiveDate::from_ymd_opt(previous.year(), previous.month(), 20).unwrap();
        let Some(sent) = m.get("sent") else {
            never += 1;
            continue;
        };
        let sent = NaiveDate::parse_from_str(&sent.as_str().unwrap()[..10], "%Y-%m-%d").unwrap();
        assert!(sent < today() && sent < day, "{m}");
        assert!(m["agenda"].as_array().is_some_and(|a| a.len() == 4), "{m}");
        if sent <= deadline {
            in_time += 1;
        } else {
            late += 1;
        }
    }
    let share = f64::from(in_time) / f64::from(in_time + late + never);
    assert!((0.7..0.95).contains(&share), "{in_time} {late} {never}");
    assert!(late > 0 && never > 0, "{late} {never}");
    // Every document belongs to a sent plan and names a meeting of the file.
    let documents = of_type(&all, "document");
    assert!(documents.len() > in_time as usize, "{}", documents.len());
    for doc in documents {
        let meeting = of_type(&all, "meeting").into_iter().find(|m| {
            m["org"] == doc["org"] && m["date"] == doc["date"] && m["kind"] == doc["kind"]
        });
        assert!(meeting.is_some_and(|m| m.get("sent").is_some()), "{doc}");
        assert!(
            doc["text"]
                .as_str()
                .unwrap()
                .starts_with("# Dự thảo Nghị quyết")
        );
    }
}
