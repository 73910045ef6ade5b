//! The forms as a user drives them: keys into the App, over a copy of the demo database,
//! then the store read back — and `chibo check` run after every write.

use chrono::{NaiveDate, Weekday};

use crate::domain::edit::EditError;
use crate::domain::{
    BranchType, Lang, Member, MemberStatus, OrgId, OrgKind, OrgTotals, OrgUnit, ScheduleRule, Sex,
};
use crate::store::{Store, StoreError, check};
use crate::ui::app::{App, Focus, Msg, Options, Target};
use crate::ui::keymap::Context;
use crate::ui::testkit;

pub(super) use crate::ui::testkit::today;

pub(super) fn day(text: &str) -> NaiveDate {
    crate::domain::date::parse_iso(text).unwrap()
}

/// An App at 80×24 over a fresh copy of the demo database.
pub(super) struct Scene {
    _dir: tempfile::TempDir,
    pub(super) store: Store,
    pub(super) app: App,
}

pub(super) fn scene(lang: Lang) -> Scene {
    let (dir, store) = testkit::demo_copy();
    let app = testkit::app_on(&store, lang, 80, 24);
    Scene {
        _dir: dir,
        store,
        app,
    }
}

impl Scene {
    /// Keys as the keys file writes them, separated by spaces: `tab right enter`.
    pub(super) fn press(&mut self, keys: &str) {
        testkit::press(&mut self.app, keys);
    }

    /// Characters as an input method delivers them, one key each.
    pub(super) fn type_text(&mut self, text: &str) {
        testkit::type_text(&mut self.app, text);
    }

    pub(super) fn go_to_org(&mut self, code: &str) {
        let id = self.org(code).id;
        self.app.update(Msg::JumpTo(Target::Org(id)));
    }

    pub(super) fn go_to_member(&mut self, card: &str) {
        let id = self.member(card).id;
        self.app.update(Msg::JumpTo(Target::Member(id)));
    }

    pub(super) fn org(&self, code: &str) -> OrgUnit {
        self.store
            .read()
            .unwrap()
            .org_by_code(code)
            .unwrap()
            .unwrap()
    }

    pub(super) fn org_named(&self, query: &str) -> OrgUnit {
        self.store.read().unwrap().search_orgs(query, 1).unwrap()[0].clone()
    }

    pub(super) fn totals(&self, code: &str) -> OrgTotals {
        let id = self.org(code).id;
        self.store.read().unwrap().org_totals(id).unwrap()
    }

    pub(super) fn member(&self, card: &str) -> Member {
        self.find_member(card).unwrap()
    }

    pub(super) fn find_member(&self, card: &str) -> Option<Member> {
        self.store.read().unwrap().member_by_card(card).unwrap()
    }

    pub(super) fn member_count(&self) -> u64 {
        self.store.read().unwrap().totals().unwrap().members
    }

    pub(super) fn status(&self) -> String {
        self.app
            .status()
            .map(|s| s.text.clone())
            .unwrap_or_default()
    }

    pub(super) fn status_is_error(&self) -> bool {
        self.app.status().is_some_and(|s| s.error)
    }

    pub(super) fn selected_name(&self) -> String {
        self.app
            .selected_org()
            .map(|o| o.name.clone())
            .unwrap_or_default()
    }

    pub(super) fn screen(&self) -> String {
        crate::ui::screen_text(&self.app, 80, 24)
    }

    /// What `chibo check` says: nothing, after every write.
    pub(super) fn assert_sound(&self) {
        let problems = check::run(&self.store.read().unwrap()).unwrap();
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

#[test]
fn an_organisation_is_added_under_the_selected_one_and_selected() {
    let mut s = scene(Lang::Vi);
    s.go_to_org("QN.HL.HG");
    let before = s.totals("QN.HL.HG");
    s.press("a");
    assert_eq!(s.app.context(), Context::Form);
    assert!(
        s.screen().contains("QN.HL.HG."),
        "the parent's code is offered"
    );
    s.type_text("K9");
    s.press("tab");
    s.type_text("Chi bộ khu 9");
    // Kind: a branch is offered first under a ward; then its type, a meeting rule on the
    // second Thursday, one day of grace; founded today.
    s.press("tab tab right");
    s.press("tab right right tab right tab right right right");
    s.press("tab");
    s.type_text("1");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Tree, "{}", s.status());
    assert_eq!(s.selected_name(), "Chi bộ khu 9");
    assert_eq!(s.status(), "Đã thêm Chi bộ khu 9 (QN.HL.HG.K9).");
    let added = s.org("QN.HL.HG.K9");
    assert_eq!(added.kind, OrgKind::Branch);
    assert_eq!(added.parent, Some(s.org("QN.HL.HG").id));
    assert_eq!(added.branch_type, Some(BranchType::Residential));
    assert_eq!(
        added.meeting_rule,
        Some(ScheduleRule::NthWeekday {
            n: 2,
            weekday: Weekday::Thu
        })
    );
    assert_eq!(added.grace_days, Some(1));
    assert_eq!(added.founded, Some(today()));
    assert_eq!(s.totals("QN.HL.HG").branches, before.branches + 1);
    s.assert_sound();
}

#[test]
fn under_a_branch_only_a_cell_may_be_added_and_under_a_cell_nothing() {
    let mut s = scene(Lang::En);
    s.go_to_org("QN.HL.HG.K2");
    s.press("a");
    s.type_text("T9");
    s.press("tab");
    s.type_text("Tổ đảng 9");
    s.press("tab right");
    assert!(s.screen().contains("◂ party cell ▸"), "{}", s.screen());
    s.press("enter");
    assert_eq!(s.org("QN.HL.HG.K2.T9").kind, OrgKind::Cell);
    assert_eq!(s.selected_name(), "Tổ đảng 9");
    s.assert_sound();
    s.press("a");
    assert_eq!(s.app.context(), Context::Tree);
    assert_eq!(s.status(), "Nothing can be added under a party cell.");
}

#[test]
fn renaming_keeps_the_code_and_resorts_the_tree_in_vietnamese_order() {
    let mut s = scene(Lang::Vi);
    s.go_to_org("QN.HL.HG.K2");
    let ward_row = s.app.tree().cursor() - 4;
    s.press("r");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Form, "the same name is refused");
    assert!(s.status().contains("giống tên cũ"), "{}", s.status());
    // Edit in place, a character at a time: "Chi bộ khu 2" → "Chi bộ Ánh Dương".
    s.press("home right right right right right right right");
    s.press("delete delete delete delete delete");
    s.type_text("Ánh Dương");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Tree, "{}", s.status());
    assert_eq!(
        s.status(),
        "Đã đổi tên Chi bộ khu 2 thành Chi bộ Ánh Dương."
    );
    assert_eq!(s.org("QN.HL.HG.K2").name, "Chi bộ Ánh Dương");
    assert_eq!(s.selected_name(), "Chi bộ Ánh Dương");
    // Á sorts with A, before "Chi bộ Công an phường" (in code-point order it would follow
    // every ASCII name): now the ward's first child.
    assert_eq!(s.app.tree().cursor(), ward_row + 1);
    s.assert_sound();
}

#[test]
fn a_branch_moves_to_another_ward_with_its_members_and_meetings() {
    let mut s = scene(Lang::Vi);
    let ha_lam = s.org_named("ha lam");
    assert_eq!(ha_lam.kind, OrgKind::GrassrootsCommittee);
    let branch = s.org("QN.HL.HG.K2");
    let reader = s.store.read().unwrap();
    let members: Vec<_> = reader
        .members_of(branch.id, 0, 1000)
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    let meetings = reader.all_meetings_of(branch.id).unwrap();
    drop(reader);
    assert_eq!(members.len(), 92);
    assert!(!meetings.is_empty());
    let (hong_gai, target, province) =
        (s.totals("QN.HL.HG"), s.totals(&ha_lam.code), s.totals("QN"));

    s.go_to_org("QN.HL.HG.K2");
    s.press("m");
    assert_eq!(s.app.context(), Context::Picker);
    s.type_text("QN.HL.HG");
    s.press("enter");
    assert!(s.status().contains("đã trực thuộc"), "{}", s.status());
    s.press("ctrl-u");
    s.type_text("ha lam");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Confirm);
    let screen = s.screen();
    assert!(screen.contains("Chuyển Chi bộ khu 2"), "{screen}");
    s.press("n");
    assert_eq!(
        s.app.context(),
        Context::Picker,
        "no goes back to the choice"
    );
    assert_eq!(s.org("QN.HL.HG.K2").parent, Some(s.org("QN.HL.HG").id));
    s.press("enter y");
    assert_eq!(s.app.context(), Context::Tree, "{}", s.status());
    assert!(s.status().starts_with("Đã chuyển Chi bộ khu 2 sang"));

    let moved = s.org("QN.HL.HG.K2");
    assert_eq!(moved.parent, Some(ha_lam.id));
    assert_eq!(s.selected_name(), "Chi bộ khu 2");
    assert!(s.app.tree().breadcrumb().iter().any(|o| o.id == ha_lam.id));
    let reader = s.store.read().unwrap();
    let after: Vec<_> = reader
        .members_of(branch.id, 0, 1000)
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(after, members);
    assert_eq!(reader.all_meetings_of(branch.id).unwrap(), meetings);
    drop(reader);
    let moved_totals = s.totals("QN.HL.HG.K2");
    let (hg_after, target_after) = (s.totals("QN.HL.HG"), s.totals(&ha_lam.code));
    assert_eq!(hg_after.members, hong_gai.members - moved_totals.members);
    assert_eq!(hg_after.branches, hong_gai.branches - 1);
    assert_eq!(target_after.members, target.members + moved_totals.members);
    assert_eq!(target_after.branches, target.branches + 1);
    assert_eq!(
        s.totals("QN"),
        province,
        "the province above both is unchanged"
    );
    s.assert_sound();
}

#[test]
fn a_move_the_rules_forbid_says_why_and_writes_nothing() {
    let mut s = scene(Lang::En);
    s.go_to_org("QN.HL.HG");
    s.press("m");
    s.type_text("QN.HL.HG.K2");
    s.press("enter");
    assert_eq!(s.status(), "an organisation cannot move inside itself");
    assert_eq!(s.app.context(), Context::Picker);
    s.press("esc");
    s.go_to_org("QN.HL.HG.K2");
    s.press("m");
    s.type_text("QN.HL.HG.K3");
    s.press("enter");
    assert_eq!(s.status(), "A branch cannot report to a branch");
    s.press("esc");
    assert_eq!(s.org("QN.HL.HG.K2").parent, Some(s.org("QN.HL.HG").id));
    s.assert_sound();
}

#[test]
fn a_move_that_would_make_the_tree_too_deep_is_refused() {
    let mut s = scene(Lang::En);
    // Bloc committees B1 … B9 in a chain under the province: B8 at level 9, B9 at level 10.
    let mut parent = s.org("QN").id;
    for n in 1..=9 {
        let code = format!("B{n}");
        let draft = OrgUnit::new(
            OrgId(0),
            &code,
            format!("Khối {n}"),
            OrgKind::BlocCommittee,
            Some(parent),
        );
        parent = s.store.write(|w| w.add_org(draft)).unwrap().id;
    }
    // Hồng Gai, its branches and their cells span three levels: under B9 its cells would be
    // at level 13.
    let before = s.org("QN.HL.HG").parent;
    s.go_to_org("QN.HL.HG");
    s.press("m");
    s.type_text("B9");
    s.press("enter");
    assert_eq!(
        s.status(),
        "the tree has at most 12 levels: this would make a level 13"
    );
    assert_eq!(s.app.context(), Context::Picker);
    s.press("esc");
    assert_eq!(s.org("QN.HL.HG").parent, before);
    // Under B8 they reach level 12 exactly.
    s.go_to_org("QN.HL.HG");
    s.press("m");
    s.type_text("B8");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Confirm, "{}", s.status());
    s.press("y");
    assert_eq!(
        s.org("QN.HL.HG").parent,
        Some(s.org("B8").id),
        "{}",
        s.status()
    );
    // And the store refuses a tenth level of bloc committees under B9 for the same reason.
    let draft = OrgUnit::new(
        OrgId(0),
        "B10",
        "Khối 10".to_string(),
        OrgKind::BlocCommittee,
        Some(s.org("B9").id),
    );
    let deeper = s.store.write(|w| w.add_org(draft.clone()));
    assert!(deeper.is_ok(), "level 11 fits");
    let mut below = draft;
    below.code = "B11".into();
    below.parent = Some(s.org("B10").id);
    assert!(
        s.store.write(|w| w.add_org(below.clone())).is_ok(),
        "level 12 fits"
    );
    below.code = "B12".into();
    below.parent = Some(s.org("B11").id);
    let refused = s.store.write(|w| w.add_org(below));
    assert!(
        matches!(
            refused,
            Err(StoreError::Rule(EditError::TooDeep { deepest: 13 }))
        ),
        "{refused:?}"
    );
    s.assert_sound();
}

#[test]
fn dissolving_is_confirmed_first_and_no_leaves_everything_as_it_was() {
    let mut s = scene(Lang::Vi);
    s.go_to_org("QN.HL.HG.K2");
    let before = s.totals("QN.HL.HG");
    s.press("D");
    assert_eq!(s.app.context(), Context::Form);
    s.press("enter");
    assert_eq!(s.app.context(), Context::Confirm);
    let screen = s.screen();
    assert!(
        screen.contains("Giải thể Chi bộ khu 2 (QN.HL.HG.K2) từ ngày"),
        "{screen}"
    );
    s.press("n");
    assert_eq!(s.app.context(), Context::Form, "no goes back to the form");
    s.press("esc");
    assert_eq!(s.app.context(), Context::Tree);
    assert_eq!(s.org("QN.HL.HG.K2").dissolved, None);

    s.press("D enter y");
    assert_eq!(s.app.context(), Context::Tree, "{}", s.status());
    assert_eq!(s.org("QN.HL.HG.K2").dissolved, Some(today()));
    assert!(
        s.status()
            .starts_with("Đã giải thể Chi bộ khu 2 từ ngày 23/11/2026")
    );
    assert!(s.screen().contains("Chi bộ khu 2 (đã g"), "{}", s.screen());
    let after = s.totals("QN.HL.HG");
    assert_eq!(after.branches, before.branches - 1);
    assert_eq!(after.members, before.members, "its members stay on record");
    s.assert_sound();

    s.press("D");
    assert_eq!(s.app.context(), Context::Tree);
    assert!(s.status().contains("đã giải thể"), "{}", s.status());
}

#[test]
fn a_member_is_added_to_the_selected_branch_and_selected() {
    let mut s = scene(Lang::Vi);
    s.go_to_org("QN.HL.HG.K2");
    let before = s.totals("QN.HL.HG.K2");
    s.press("tab a");
    assert_eq!(s.app.context(), Context::Form);
    s.type_text("48999001");
    s.press("tab");
    s.type_text("Nguyễn Thị Ánh");
    s.press("tab right right tab");
    s.type_text("15/08/1990");
    s.press("tab");
    s.type_text("2020-03-02");
    s.press("tab");
    s.type_text("2/3/2021");
    s.press("tab right tab");
    s.type_text("0912 345 678");
    s.press("tab");
    s.type_text("Tổ 5, khu 2");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Members, "{}", s.status());
    assert_eq!(
        s.status(),
        "Đã thêm đảng viên Nguyễn Thị Ánh vào Chi bộ khu 2."
    );
    let added = s.member("48999001");
    assert_eq!(s.app.selected_member().map(|m| m.id), Some(added.id));
    assert_eq!(added.name, "Nguyễn Thị Ánh");
    assert_eq!(added.sex, Some(Sex::Female));
    assert_eq!(added.born, Some(day("1990-08-15")));
    assert_eq!(added.admitted, Some(day("2020-03-02")));
    assert_eq!(added.full_member, Some(day("2021-03-02")));
    assert_eq!(added.org, s.org("QN.HL.HG.K2").id);
    assert_eq!(added.cell, Some(s.org("QN.HL.HG.K2.T1").id));
    assert_eq!(added.phone.as_deref(), Some("0912 345 678"));
    assert_eq!(added.residence.as_deref(), Some("Tổ 5, khu 2"));
    assert!(added.history.is_empty(), "active since admission");
    assert_eq!(s.totals("QN.HL.HG.K2").members, before.members + 1);
    s.assert_sound();
}

#[test]
fn editing_a_member_may_change_the_card_and_never_touches_the_history() {
    let mut s = scene(Lang::En);
    let original = s.member("48172630");
    assert!(!original.history.is_empty());
    s.go_to_member("48172630");
    s.press("enter e");
    assert_eq!(s.app.context(), Context::Form);
    s.press("ctrl-u");
    s.type_text("48000001");
    s.press("tab tab tab tab tab tab tab ctrl-u");
    s.type_text("0987 654 321");
    s.press("enter");
    assert_eq!(s.app.focus(), Focus::Detail, "{}", s.status());
    assert_eq!(
        s.status(),
        format!("Saved the record of {}.", original.name)
    );
    assert!(s.find_member("48172630").is_none(), "the old card is free");
    let edited = s.member("48000001");
    assert_eq!(edited.id, original.id);
    assert_eq!(edited.phone.as_deref(), Some("0987 654 321"));
    assert_eq!(edited.history, original.history);
    assert_eq!(edited.name, original.name);
    s.assert_sound();

    // Someone else's card is refused.
    s.press("e ctrl-u");
    s.type_text("48123456");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Form);
    assert!(s.status().contains("already belongs to"), "{}", s.status());
    assert_eq!(s.member("48000001").phone, edited.phone);
    s.press("esc");
}

#[test]
fn a_status_change_is_appended_and_an_earlier_one_refused() {
    let mut s = scene(Lang::Vi);
    let card = "48123456";
    let before = s.member(card);
    let exempt_before = s.totals("QN.HL.HG.K2").exempt;
    s.go_to_member(card);
    s.press("s");
    assert_eq!(s.app.context(), Context::Form);
    // An active member: exemption is offered first, from today.
    s.press("tab tab");
    s.type_text("tuổi cao, sức yếu");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Members, "{}", s.status());
    let after = s.member(card);
    assert_eq!(after.history.len(), before.history.len() + 1);
    assert_eq!(after.status_on(today()), MemberStatus::Exempt);
    let change = after.history.last().unwrap();
    assert_eq!(change.reason.as_deref(), Some("tuổi cao, sức yếu"));
    assert_eq!(s.totals("QN.HL.HG.K2").exempt, exempt_before + 1);
    s.assert_sound();

    // Back to active, dated before the exemption: history is not rewritten.
    s.press("s tab ctrl-u");
    s.type_text("01/01/2026");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Form);
    assert!(s.status_is_error());
    assert!(
        s.status().contains("lịch sử không được sửa lại"),
        "{}",
        s.status()
    );
    assert_eq!(s.member(card).history, after.history);

    // A temporary exemption needs its end.
    s.press("shift-tab right right tab ctrl-u");
    s.type_text("01/12/2026");
    s.press("enter");
    assert!(s.status().contains("ngày kết thúc"), "{}", s.status());
    s.type_text("01/03/2027");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Members, "{}", s.status());
    let last = s.member(card).history.last().cloned().unwrap();
    assert_eq!(last.status, MemberStatus::TemporarilyExempt);
    assert_eq!(
        (last.from, last.until),
        (day("2026-12-01"), Some(day("2027-03-01")))
    );
    s.assert_sound();
}

#[test]
fn a_status_that_takes_a_member_off_the_roll_is_confirmed_first() {
    let mut s = scene(Lang::En);
    let card = "48123456";
    let before = s.member(card);
    let members_before = s.totals("QN.HL.HG.K2").members;
    s.go_to_member(card);
    // Exempt is offered first; transferred out is two to its right.
    s.press("s right right enter");
    assert_eq!(s.app.context(), Context::Confirm);
    let screen = s.screen();
    assert!(screen.contains("transferred"), "{screen}");
    s.press("esc");
    assert_eq!(s.app.context(), Context::Form);
    s.press("esc");
    assert_eq!(s.member(card).history, before.history);

    s.press("s right right enter y");
    assert_eq!(s.app.context(), Context::Members, "{}", s.status());
    assert_eq!(
        s.member(card).status_on(today()),
        MemberStatus::TransferredOut
    );
    assert_eq!(s.totals("QN.HL.HG.K2").members, members_before - 1);
    s.assert_sound();
}

#[test]
fn a_name_too_long_or_with_an_invisible_character_is_refused_at_its_field() {
    let mut s = scene(Lang::En);
    let count = s.member_count();
    s.go_to_org("QN.HL.HG.K2");
    s.press("tab a");
    s.type_text("４８９９９００３");
    s.press("tab");
    s.type_text(&"Lê Văn Tám ".repeat(10));
    s.press("enter");
    assert_eq!(s.app.context(), Context::Form);
    assert!(s.status_is_error());
    assert_eq!(
        s.status(),
        "Full name is longer than 100 characters (109 given)"
    );
    s.press("ctrl-u");
    s.type_text("Lê Văn\u{200B} Tám");
    s.press("enter");
    assert_eq!(
        s.status(),
        "Full name holds the invisible or private-use character U+200B"
    );
    assert_eq!(s.member_count(), count, "nothing written");
    s.press("ctrl-u");
    s.type_text("Lê Văn Tám");
    s.press("enter");
    assert_eq!(s.status(), "Added Lê Văn Tám to Chi bộ khu 2.");
    assert_eq!(s.member_count(), count + 1);
    let r = s.store.read().unwrap();
    let added = r.member_by_card("48999003").unwrap();
    assert!(added.is_some(), "full-width digits are stored as ASCII");
}

#[test]
fn an_invalid_date_or_a_control_character_is_refused_and_nothing_written() {
    let mut s = scene(Lang::Vi);
    let count = s.member_count();
    s.go_to_org("QN.HL.HG.K2");
    s.press("tab a");
    s.type_text("48999002");
    s.press("tab");
    s.type_text("Lê Văn\u{1b}[2J Tám");
    s.press("tab tab");
    s.type_text("31/02/1990");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Form);
    assert!(s.status_is_error());
    assert_eq!(s.status(), "Họ và tên: có ký tự điều khiển, không lưu được");
    let screen = s.screen();
    assert!(!screen.contains('\u{1b}'), "{screen}");
    assert!(screen.contains("Lê Văn\u{FFFD}[2J Tám"), "{screen}");
    assert!(
        screen.contains(" ! Họ và tên"),
        "the field is marked: {screen}"
    );
    // The cursor went to the name: clear it and type it again.
    s.press("ctrl-u");
    s.type_text("Lê Văn Tám");
    s.press("enter");
    assert!(
        s.status()
            .starts_with("Ngày sinh: \"31/02/1990\" không phải là ngày hợp lệ"),
        "{}",
        s.status()
    );
    assert_eq!(s.member_count(), count, "nothing written");
    s.press("ctrl-u");
    s.type_text("1990-02-28");
    s.press("tab");
    s.type_text("1989-01-01");
    s.press("enter");
    assert_eq!(
        s.status(),
        "ngày sinh phải trước ngày vào Đảng",
        "dates out of order"
    );
    s.press("esc");
    assert_eq!(s.member_count(), count, "Esc writes nothing");
    s.assert_sound();
}

#[test]
fn a_code_or_a_card_already_used_is_refused() {
    let mut s = scene(Lang::En);
    s.go_to_org("QN.HL.HG");
    s.press("a");
    s.type_text("K3");
    s.press("tab");
    s.type_text("Another branch");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Form);
    assert_eq!(
        s.status(),
        "The code \"QN.HL.HG.K3\" already belongs to \"Chi bộ khu 3\""
    );
    s.press("esc");
    let count = s.member_count();
    s.go_to_org("QN.HL.HG.K2");
    s.press("tab a");
    s.type_text("48123456");
    s.press("tab");
    s.type_text("Trần Văn Bình");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Form);
    assert!(
        s.status()
            .starts_with("The party card \"48123456\" already belongs to")
    );
    assert_eq!(s.member_count(), count);
    s.assert_sound();
}

#[test]
fn an_empty_tree_takes_a_first_organisation_at_the_top() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("empty.redb")).unwrap();
    let mut app = App::new(
        store.clone(),
        Options::new(Lang::En, crate::clock::Clock::on(today())),
    );
    app.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    let mut s = Scene {
        _dir: dir,
        store,
        app,
    };
    s.press("a");
    s.type_text("QN");
    s.press("tab");
    s.type_text("Tỉnh ủy Quảng Ninh");
    s.press("enter");
    assert_eq!(s.org("QN").kind, OrgKind::ProvincialCommittee);
    assert_eq!(s.org("QN").parent, None);
    assert_eq!(s.selected_name(), "Tỉnh ủy Quảng Ninh");
    s.assert_sound();
}

#[test]
fn help_over_a_form_lists_the_form_keys() {
    let mut s = scene(Lang::En);
    s.go_to_org("QN.HL.HG.K2");
    s.press("r f1");
    assert_eq!(s.app.context(), Context::Help);
    let screen = s.screen();
    assert!(screen.contains("next field"), "{screen}");
    s.press("esc");
    assert_eq!(s.app.context(), Context::Form);
    s.press("esc");
    assert_eq!(s.app.context(), Context::Tree);
}

/// The issue's case: "miễn sinh hoạt từ 01/01/1990" for a member born in 1997 and admitted
/// in 2022 is refused at the date, and nothing is written.
#[test]
fn a_status_before_the_member_was_admitted_is_refused_at_its_date() {
    let mut s = scene(Lang::Vi);
    s.go_to_org("QN.HL.HG.K2");
    s.press("tab a");
    s.type_text("48999101");
    s.press("tab");
    s.type_text("Trần Minh Anh");
    s.press("tab tab");
    s.type_text("02/04/1997");
    s.press("tab");
    s.type_text("15/03/2022");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Members, "{}", s.status());
    // Exemption is offered first.
    s.press("s tab ctrl-u");
    s.type_text("01/01/1990");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Form);
    assert!(s.status_is_error());
    assert_eq!(
        s.status(),
        "tình trạng không thể bắt đầu từ 01/01/1990, trước ngày vào Đảng 15/03/2022"
    );
    let screen = s.screen();
    assert!(
        screen.contains(" ! Từ ngày"),
        "the field is marked: {screen}"
    );
    assert!(s.member("48999101").history.is_empty(), "nothing written");
    // From the day of admission on, it is recorded.
    s.press("ctrl-u");
    s.type_text("15/03/2022");
    s.press("enter");
    assert_eq!(s.app.context(), Context::Members, "{}", s.status());
    assert_eq!(s.member("48999101").history.len(), 1);
    s.assert_sound();
}

/// Moving a member's admission past a status already recorded is refused at the admission
/// date: the history stays as it is, so the new date could not hold.
#[test]
fn an_admission_after_a_recorded_status_is_refused_at_the_admission_date() {
    let mut s = scene(Lang::En);
    let original = s.member("48172630");
    let first = original.history.first().unwrap().from;
    s.go_to_member("48172630");
    s.press("enter e tab tab tab tab ctrl-u");
    let late = first + chrono::Days::new(1);
    s.type_text(&late.to_string());
    // Full membership, which would come before it, is cleared.
    s.press("tab ctrl-u enter");
    assert_eq!(s.app.context(), Context::Form, "{}", s.status());
    assert!(s.status_is_error());
    assert!(
        s.status().starts_with("a status cannot begin on ")
            && s.status()
                .ends_with(&format!("before the member was admitted on {late}")),
        "{}",
        s.status()
    );
    let screen = s.screen();
    assert!(
        screen.contains(" ! Admitted"),
        "the field is marked: {screen}"
    );
    assert_eq!(s.member("48172630"), original, "nothing written");
}
