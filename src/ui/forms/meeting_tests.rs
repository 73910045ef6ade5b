//! The meetings screen and its forms as a user drives them: keys into the App over a copy
//! of the demo database (today 23 November 2026: meetings held up to today, December's
//! planned), the store read back, and `chibo check` run after every write. What is planned
//! here goes into January 2027, which the demo leaves empty.

use super::tests::{Scene, day, scene, today};
use crate::domain::role::span_covers;
use crate::domain::{Compliance, Lang, Meeting, MeetingKind, MeetingState, OrgId, YearMonth};
use crate::store::check;
use crate::ui::app::Focus;
use crate::ui::keymap::Context;
use crate::ui::screens::calendar::DayMark;
use crate::ui::screens::meetings::{MeetingsView, Standing};
use crate::ui::screens::quotas::Quotas;

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

impl Scene {
    fn view(&self) -> &MeetingsView {
        self.app.meetings().expect("the meetings screen is open")
    }

    /// The meetings of `code` in month `back` months before this one.
    fn open_meetings(&mut self, code: &str) {
        self.go_to_org(code);
        self.press("c");
        assert_eq!(self.app.context(), Context::Meetings, "{}", self.status());
    }

    fn meetings_of(&self, code: &str, month: YearMonth) -> Vec<Meeting> {
        let id = self.org(code).id;
        self.store
            .read()
            .unwrap()
            .meetings_in_month(id, month)
            .unwrap()
    }

    fn selected_meeting(&self) -> Option<Meeting> {
        self.view().selected_meeting().cloned()
    }

    fn overseers(&self, branch: OrgId) -> Vec<String> {
        let reader = self.store.read().unwrap();
        reader
            .oversight_of_org(branch)
            .unwrap()
            .into_iter()
            .filter(|o| span_covers(o.from, o.until, today()))
            .map(|o| reader.member(o.member).unwrap().unwrap().card)
            .collect()
    }

    /// Plans the usual meeting of the organisation shown, two months on (January), at
    /// 14:00 in a place: the form's own date, the due day. The times are typed as people
    /// say them, "2 giờ chiều" to "16h".
    fn plan_in_january(&mut self) -> Meeting {
        self.press("] ] p");
        assert_eq!(self.app.context(), Context::Form, "{}", self.status());
        self.press("tab");
        self.type_text("2 giờ chiều");
        self.press("tab");
        self.type_text("16h");
        self.press("tab");
        self.type_text("Nhà văn hóa khu 2");
        self.press("enter");
        assert_eq!(self.app.context(), Context::Meetings, "{}", self.status());
        self.assert_sound();
        self.selected_meeting()
            .expect("the cursor on what was planned")
    }
}

#[test]
fn the_screen_opens_on_this_month_and_moves_between_months() {
    let mut s = scene(Lang::Vi);
    s.open_meetings("QN.HL.HG.K2");
    assert_eq!(s.view().month(), ym(2026, 11));
    let row = s.view().data().status.clone().unwrap();
    assert_eq!(
        (row.status, row.held),
        (Compliance::OnTime, Some(day("2026-11-05")))
    );
    assert_eq!(row.due, Some(day("2026-11-05")));
    s.press("[");
    assert_eq!(s.view().month(), ym(2026, 10));
    let row = s.view().data().status.clone().unwrap();
    assert_eq!(
        (row.status, row.held),
        (Compliance::OnTime, Some(day("2026-10-05")))
    );
    assert_eq!(
        s.view().data().marks.on(day("2026-10-05")),
        [(DayMark::OnTime, 1)]
    );
    s.press("[ [ t");
    assert_eq!(s.view().month(), ym(2026, 11));
    s.press("] ]");
    assert_eq!(s.view().month(), ym(2027, 1));
    s.press("esc");
    assert_eq!(s.app.focus(), Focus::Tree);
}

#[test]
fn a_committee_lists_its_branches_and_opens_one_then_comes_back_to_it() {
    let mut s = scene(Lang::En);
    s.open_meetings("QN.HL.HG");
    s.press("[");
    let data = s.view().data();
    assert_eq!(data.units.len(), 14);
    assert_eq!(data.counts.get(Compliance::OnTime), 9);
    assert_eq!(data.counts.get(Compliance::HeldOutOfRule), 1);
    assert_eq!(data.marks.count(DayMark::OnTime), 9);
    assert!(s.screen().contains("Chi bộ khu 5"), "{}", s.screen());
    // The fourth unit is Quarter 2: open it, in October still.
    s.press("j j j enter");
    assert_eq!(s.view().node.code, "QN.HL.HG.K2");
    assert_eq!(s.view().month(), ym(2026, 10));
    s.press("esc");
    assert_eq!(s.view().node.code, "QN.HL.HG");
    assert_eq!(
        s.view().selected_unit().map(|u| u.code.as_str()),
        Some("QN.HL.HG.K2")
    );
    s.press("esc");
    assert_eq!(s.app.focus(), Focus::Tree);
}

#[test]
fn a_meeting_is_planned_for_the_due_day_and_selected() {
    let mut s = scene(Lang::Vi);
    s.open_meetings("QN.HL.HG.K2");
    let planned = s.plan_in_january();
    assert_eq!(planned.state, MeetingState::Planned);
    assert_eq!(planned.kind, MeetingKind::Regular);
    assert_eq!(planned.date, day("2027-01-05"));
    assert_eq!(
        planned
            .time
            .map(crate::domain::date::format_clock)
            .as_deref(),
        Some("14:00")
    );
    assert_eq!(planned.place.as_deref(), Some("Nhà văn hóa khu 2"));
    assert_eq!(
        s.status(),
        "Đã lên lịch Sinh hoạt thường kỳ của Chi bộ khu 2 ngày 05/01/2027."
    );
    assert_eq!(s.view().month(), ym(2027, 1));
    assert_eq!(
        s.view().data().marks.on(day("2027-01-05")),
        [(DayMark::Planned, 1)]
    );
    assert_eq!(s.meetings_of("QN.HL.HG.K2", ym(2027, 1)), [planned]);
}

/// "9 giờ" after "7h30 tối" is nine in the evening, as anyone would read it.
#[test]
fn an_end_on_a_twelve_hour_clock_is_read_after_the_start() {
    let mut s = scene(Lang::Vi);
    s.open_meetings("QN.HL.HG.K2");
    s.press("] ] p tab");
    s.type_text("7h30 tối");
    s.press("tab");
    s.type_text("9 giờ");
    s.press("enter");
    let planned = s.selected_meeting().expect("planned");
    assert_eq!(planned.time, chrono::NaiveTime::from_hms_opt(19, 30, 0));
    assert_eq!(planned.end_time, chrono::NaiveTime::from_hms_opt(21, 0, 0));
}

#[test]
fn a_day_already_past_is_not_planned_and_an_end_before_the_start_is_refused() {
    let mut s = scene(Lang::En);
    s.open_meetings("QN.HL.HG.K2");
    let before = s.meetings_of("QN.HL.HG.K2", ym(2026, 11));
    s.press("p ctrl-u");
    s.type_text("2026-11-20");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Form);
    assert!(s.status().contains("is past"), "{}", s.status());
    s.press("ctrl-u");
    s.type_text("2026-11-30");
    s.press("tab");
    s.type_text("16:00");
    s.press("tab");
    s.type_text("14:00");
    s.press("enter");
    assert_eq!(s.status(), "A meeting must end after it starts");
    assert_eq!(s.meetings_of("QN.HL.HG.K2", ym(2026, 11)), before);
}

#[test]
fn rescheduling_keeps_a_meeting_planned_and_remembers_its_first_day() {
    let mut s = scene(Lang::Vi);
    s.open_meetings("QN.HL.HG.K2");
    let planned = s.plan_in_january();
    s.press("r");
    assert_eq!(s.app.context(), Context::Form);
    s.press("ctrl-u");
    s.type_text("07/01/2027");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Meetings, "{}", s.status());
    s.assert_sound();
    assert_eq!(
        s.status(),
        "Đã dời Sinh hoạt thường kỳ của Chi bộ khu 2 từ 05/01/2027 sang 07/01/2027."
    );
    let moved = s.selected_meeting().unwrap();
    assert_eq!(moved.id, planned.id);
    assert_eq!(moved.state, MeetingState::Planned);
    assert_eq!(
        (moved.date, moved.first_planned_day()),
        (day("2027-01-07"), day("2027-01-05"))
    );
    assert_eq!(moved.place, planned.place, "what was not changed stays");
}

#[test]
fn a_planned_meeting_is_recorded_as_held_and_judged_against_its_due_day() {
    let mut s = scene(Lang::En);
    s.open_meetings("QN.HL.HG.K8");
    // November: due on the 5th, no regular meeting held; plan it for today, then hold it.
    s.press("p enter");
    let planned = s.selected_meeting().unwrap();
    assert_eq!(planned.date, today());
    s.press("d");
    assert_eq!(s.app.context(), Context::Form);
    // Not tomorrow: a meeting cannot have been held in the future.
    s.press("ctrl-u");
    s.type_text("2026-11-24");
    s.press("enter");
    assert!(s.status().contains("after today"), "{}", s.status());
    s.press("ctrl-u");
    s.type_text("2026-11-06");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Meetings, "{}", s.status());
    s.assert_sound();
    let held = s.selected_meeting().unwrap();
    assert_eq!(held.id, planned.id);
    assert_eq!(held.state, MeetingState::Held);
    assert_eq!(
        (held.date, held.first_planned_day()),
        (day("2026-11-06"), today())
    );
    let row = s.view().data().status.clone().unwrap();
    assert_eq!(
        (row.status, row.held),
        (Compliance::LateWithinGrace, Some(day("2026-11-06")))
    );
}

#[test]
fn a_held_day_outside_the_accepted_dates_is_refused_at_the_field() {
    let mut s = scene(Lang::En);
    s.open_meetings("QN.HL.HG.K8");
    s.press("d");
    for typed in ["05/01/0000", "0000-01-05", "31/12/1899"] {
        s.press("ctrl-u");
        s.type_text(typed);
        s.press("enter");
        assert_eq!(s.app.context(), Context::Form, "{typed}: the form stays");
        assert!(
            s.status().contains("outside the dates chibo accepts"),
            "{typed}: {}",
            s.status()
        );
    }
    s.press("ctrl-u");
    s.type_text("01/01/2200");
    s.press("enter");
    assert!(s.status().contains("outside the dates"), "{}", s.status());
    s.press("esc");
    assert!(
        s.meetings_of("QN.HL.HG.K8", ym(2026, 11))
            .iter()
            .all(|m| m.kind != MeetingKind::Regular || m.state != MeetingState::Held)
    );
    s.assert_sound();
}

#[test]
fn a_meeting_held_without_being_planned_is_recorded_new() {
    let mut s = scene(Lang::Vi);
    s.open_meetings("QN.HL.HG.K8");
    s.press("d");
    assert_eq!(s.app.context(), Context::Form);
    s.press("ctrl-u");
    s.type_text("09/11/2026");
    s.press("enter");
    s.assert_sound();
    let held: Vec<Meeting> = s
        .meetings_of("QN.HL.HG.K8", ym(2026, 11))
        .into_iter()
        .filter(|m| m.kind == MeetingKind::Regular)
        .collect();
    assert_eq!(held.len(), 1);
    assert_eq!(
        (held[0].state, held[0].kind, held[0].date),
        (MeetingState::Held, MeetingKind::Regular, day("2026-11-09"))
    );
    let row = s.view().data().status.clone().unwrap();
    assert_eq!(row.status, Compliance::HeldOutOfRule);
}

#[test]
fn cancelling_asks_first_and_no_leaves_the_meeting_planned() {
    let mut s = scene(Lang::En);
    s.open_meetings("QN.HL.HG.K2");
    let planned = s.plan_in_january();
    s.press("x");
    assert_eq!(s.app.context(), Context::Confirm);
    assert!(
        s.screen().contains("Cancel the Regular meeting"),
        "{}",
        s.screen()
    );
    s.press("n");
    assert_eq!(s.app.context(), Context::Meetings);
    assert_eq!(s.selected_meeting().unwrap().state, MeetingState::Planned);
    s.press("x y");
    s.assert_sound();
    assert_eq!(
        s.status(),
        "Cancelled the Regular meeting of Chi bộ khu 2 on 2027-01-05."
    );
    let cancelled = s.selected_meeting().unwrap();
    assert_eq!(
        (cancelled.id, cancelled.state),
        (planned.id, MeetingState::Cancelled)
    );
    // With nothing planned any more, the due day shows as due again.
    assert_eq!(
        s.view().data().marks.on(day("2027-01-05")),
        [(DayMark::Due, 1), (DayMark::Cancelled, 1)]
    );
    // Only a planned meeting is moved, held or cancelled.
    s.press("x");
    assert_eq!(s.app.context(), Context::Meetings);
    assert!(s.status_is_error());
}

#[test]
fn a_committee_planning_on_its_branches_day_is_warned_and_asked() {
    let mut s = scene(Lang::Vi);
    s.open_meetings("QN.HL.HG");
    s.press("] ] p");
    // The form offers the ward's rule day, the 5th: the day its 14 branches meet.
    let warning = "Trùng ngày sinh hoạt của 14 chi bộ";
    assert!(s.screen().contains(warning), "{}", s.screen());
    assert!(s.status().contains(warning) && s.status_is_error());
    // Another day: no warning.
    s.press("ctrl-u");
    s.type_text("04/01/2027");
    assert!(!s.screen().contains(warning), "{}", s.screen());
    assert_eq!(s.status(), "");
    s.press("ctrl-u");
    s.type_text("05/01/2027");
    assert!(s.status().contains(warning));
    s.press("enter");
    assert_eq!(s.app.context(), Context::Confirm, "saving asks first");
    assert!(s.screen().contains("Lên lịch Họp cấp ủy"), "{}", s.screen());
    s.press("n");
    assert_eq!(s.app.context(), Context::Form, "no goes back to the form");
    assert!(s.meetings_of("QN.HL.HG", ym(2027, 1)).is_empty());
    s.press("enter y");
    assert_eq!(s.app.context(), Context::Meetings, "{}", s.status());
    s.assert_sound();
    assert!(
        s.status().contains("trùng ngày sinh hoạt của 14 chi bộ"),
        "{}",
        s.status()
    );
    let planned = &s.meetings_of("QN.HL.HG", ym(2027, 1))[0];
    assert_eq!(
        (planned.kind, planned.state),
        (MeetingKind::Committee, MeetingState::Planned)
    );
    // The calendar and the list show the clash while it stays planned.
    let marks = s.view().data().marks.on(day("2027-01-05"));
    assert!(marks.contains(&(DayMark::Clash, 1)), "{marks:?}");
    assert_eq!(s.view().data().own[0].clashes.len(), 14);
    assert!(s.screen().contains("▲ trùng 14 chi bộ"), "{}", s.screen());
}

#[test]
fn a_branch_planning_its_own_meeting_is_not_warned() {
    let mut s = scene(Lang::Vi);
    s.open_meetings("QN.HL.HG.K2");
    s.press("] p");
    assert_eq!(s.status(), "");
    assert!(!s.screen().contains("Trùng ngày"));
}

#[test]
fn a_committee_member_above_is_assigned_to_oversee_a_branch() {
    let mut s = scene(Lang::Vi);
    let k2 = s.org("QN.HL.HG.K2");
    let before = s.overseers(k2.id);
    assert_eq!(before, ["48120001"]);
    s.open_meetings("QN.HL.HG.K2");
    s.press("o");
    assert_eq!(s.app.context(), Context::Checklist);
    // The one assigned already comes first and cannot be assigned twice.
    assert!(s.screen().contains("đang theo dõi"), "{}", s.screen());
    s.press("enter");
    assert_eq!(s.app.context(), Context::Checklist);
    assert!(s.status_is_error(), "{}", s.status());
    // The next one: the ward's secretary, the nearest committee's first role.
    s.press("j enter");
    assert_eq!(s.app.context(), Context::Meetings, "{}", s.status());
    s.assert_sound();
    let after = s.overseers(k2.id);
    assert_eq!(after.len(), 2, "{after:?}");
    assert!(after.contains(&"48094058".to_string()), "{after:?}");
    assert!(s.status().starts_with("Đã phân công "), "{}", s.status());
    assert_eq!(s.view().data().overseers.len(), 2);
}

#[test]
fn a_branch_under_the_cursor_of_its_committee_gets_the_overseer() {
    let mut s = scene(Lang::En);
    s.open_meetings("QN.HL.HG");
    // No meetings of its own this month: the cursor starts on the first unit, the ward
    // police's branch.
    let ca = s.org("QN.HL.HG.CA");
    assert_eq!(s.view().selected_unit().map(|u| u.id), Some(ca.id));
    let before = s.overseers(ca.id).len();
    s.press("o j j enter");
    s.assert_sound();
    assert_eq!(s.overseers(ca.id).len(), before + 1, "{}", s.status());
}

#[test]
fn guests_from_above_are_recorded_on_a_held_meeting() {
    let mut s = scene(Lang::Vi);
    // November's meeting is held and not yet recorded: its guests can still be written
    // (an approved meeting's are locked; see the next test).
    s.open_meetings("QN.HL.HG.K2");
    let held = s.selected_meeting().unwrap();
    assert_eq!(held.state, MeetingState::Held);
    assert!(!held.is_approved());
    s.press("i");
    assert_eq!(s.app.context(), Context::Checklist, "{}", s.status());
    let guests_before = held.guests.clone();
    // Tick (or untick) the first two people listed: the overseer, then the secretary.
    s.press("space j space enter");
    assert_eq!(s.app.context(), Context::Meetings, "{}", s.status());
    s.assert_sound();
    let after = s.selected_meeting().unwrap();
    assert_eq!(after.id, held.id);
    let secretary = s.member("48094058").id;
    let overseer = s.member("48120001").id;
    for id in [secretary, overseer] {
        assert_ne!(
            guests_before.contains(&id),
            after.guests.contains(&id),
            "{guests_before:?} → {:?}",
            after.guests
        );
    }
    assert!(s.status().starts_with("Đã ghi "), "{}", s.status());
}

#[test]
fn guests_are_recorded_only_for_a_meeting_held() {
    let mut s = scene(Lang::En);
    s.open_meetings("QN.HL.HG.K2");
    s.plan_in_january();
    s.press("i");
    assert_eq!(s.app.context(), Context::Meetings);
    assert_eq!(
        s.status(),
        "Guests are recorded only for a meeting that was held."
    );
}

#[test]
fn the_quota_view_puts_those_behind_first() {
    let mut s = scene(Lang::Vi);
    s.go_to_org("QN.HL.HG");
    s.press("v");
    assert_eq!(s.app.context(), Context::Quotas);
    let text = s.screen();
    let first = text.lines().find(|l| l.contains("Phó BT TT")).unwrap();
    assert!(first.contains('✗'), "{text}");
    s.press("esc");
    assert_eq!(s.app.context(), Context::Tree);
    // The same list, read as the view reads it: the standing deputy, behind, first; then
    // the committee members without a quota.
    let reader = s.store.read().unwrap();
    let hong_gai = s.org("QN.HL.HG");
    let quotas = Quotas::read(&reader, &hong_gai, today()).unwrap();
    let cards = quotas.cards();
    assert_eq!(cards[0], "48120001");
    assert_eq!(quotas.behind(), 1);
    assert_eq!(cards.len(), 13, "{cards:?}");
    // From a branch, the view is its committee's.
    let k2 = s.org("QN.HL.HG.K2");
    let from_branch = Quotas::read(&reader, &k2, today()).unwrap();
    assert_eq!(from_branch.cards(), cards);
}

#[test]
fn the_guests_of_approved_minutes_are_locked() {
    let mut s = scene(Lang::En);
    s.open_meetings("QN.HL.HG.K2");
    s.press("[");
    let held = s.selected_meeting().unwrap();
    assert!(held.is_approved());
    s.press("i space enter");
    assert!(s.status().contains("approved"), "{}", s.status());
    s.press("esc");
    assert_eq!(s.selected_meeting().unwrap().guests, held.guests);
}

#[test]
fn a_visit_recorded_counts_towards_the_quota() {
    let mut s = scene(Lang::Vi);
    let hong_gai = s.org("QN.HL.HG");
    let made = |s: &Scene| {
        let reader = s.store.read().unwrap();
        let config = crate::domain::oversight::QuotaConfig::default();
        reader
            .quota_standings(hong_gai.id, 2026, today(), &config)
            .unwrap()
            .into_iter()
            .find(|r| r.member.card == "48120001")
            .unwrap()
            .standing
            .made
    };
    // He attends a branch every month; take his November visits elsewhere off (as if he
    // had not gone yet), so that November counts only once he is recorded at Quarter 2.
    let him = s.member("48120001").id;
    let first = day("2026-11-01");
    s.store
        .write(|w| {
            for (_, meetings) in w.meetings_between(hong_gai.id, first, today())? {
                for mut meeting in meetings.into_iter().filter(|m| m.guests.contains(&him)) {
                    meeting.guests.retain(|g| *g != him);
                    w.put_meeting(&meeting)?;
                }
            }
            Ok::<_, crate::store::StoreError>(())
        })
        .unwrap();
    let before = made(&s);
    // November at Quarter 2, the branch he oversees, held and not yet recorded.
    s.open_meetings("QN.HL.HG.K2");
    s.press("i space enter");
    s.assert_sound();
    assert!(s.selected_meeting().unwrap().guests.contains(&him));
    assert_eq!(made(&s), before + 1);
}

#[test]
fn units_of_the_month_show_their_branches_counted() {
    let mut s = scene(Lang::En);
    s.open_meetings("QN");
    s.press("[");
    let data = s.view().data();
    let hong_gai = (0..data.units.len())
        .filter_map(|i| data.units.get(i))
        .find(|u| u.org.code == "QN.HL.HG")
        .unwrap();
    let Standing::Committee(counts) = &hong_gai.standing else {
        panic!("a ward is counted, not judged");
    };
    assert_eq!(counts.branches(), 14);
    assert_eq!(counts.get(Compliance::OnTime), 9);
    let sound = check::run(&s.store.read().unwrap()).unwrap();
    assert!(sound.is_empty());
}
