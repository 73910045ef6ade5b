//! A status or a transfer cannot begin before the member existed (admitted; born when
//! admission is not known): the issue's case, "miễn sinh hoạt từ 01/01/1990" for a member
//! born in 1997 and admitted in 2022, refused by the import in both languages at its line,
//! and found by `chibo check` in a file written before the rule. The forms and the store's
//! commands are held to it by their own tests (`ui/forms/tests.rs`, `store/members.rs`).

mod common;

use std::path::Path;
use std::process::Output;

use chibo::domain::date::parse_iso;
use chibo::domain::{MemberStatus, StatusChange};
use chibo::store::Store;
use common::{chibo, imported, text};
use tempfile::TempDir;

const BRANCH: &str = concat!(
    r#"{"type":"org","code":"P","name":"Tỉnh ủy P","kind":"provincial_committee","meeting_rule":{"day":10}}"#,
    "\n",
    r#"{"type":"org","code":"P.A","name":"Chi bộ A","kind":"grassroots_branch","parent":"P"}"#,
    "\n",
    r#"{"type":"org","code":"P.B","name":"Chi bộ B","kind":"grassroots_branch","parent":"P"}"#,
    "\n",
);

const YOUNG: &str = r#"{"type":"member","card":"48999101","name":"Trần Minh Anh","born":"1997-04-02","admitted":"2022-03-15","org":"P.A"}"#;

const EXEMPT_1990: &str = r#"{"type":"member_status","card":"48999101","status":"exempt","from":"1990-01-01","reason":"tuổi cao"}"#;

fn import(db: &Path, lang: &str, name: &str, lines: &[&str]) -> Output {
    let file = db.with_file_name(name);
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    chibo(db)
        .args(["--lang", lang, "import"])
        .arg(&file)
        .output()
        .unwrap()
}

fn refused(output: &Output) -> String {
    assert!(!output.status.success(), "{}", text(&output.stdout));
    text(&output.stderr)
}

#[test]
fn the_import_refuses_a_status_before_admission_at_its_line_in_both_languages() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("dates.redb");
    let lines = [BRANCH.trim_end(), YOUNG, EXEMPT_1990];
    let vi = refused(&import(&db, "vi", "members.jsonl", &lines));
    assert!(
        vi.contains(
            "members.jsonl:5: tình trạng của đảng viên \"48999101\" không thể bắt đầu từ \
             1990-01-01 (\"from\"), trước ngày vào Đảng 2022-03-15 (\"admitted\")"
        ),
        "{vi}"
    );
    let en = refused(&import(&db, "en", "members.jsonl", &lines));
    assert!(
        en.contains(
            "members.jsonl:5: a status of member \"48999101\" cannot begin on 1990-01-01 \
             (\"from\"), before they were admitted on 2022-03-15 (\"admitted\")"
        ),
        "{en}"
    );
    assert!(en.contains("nothing was imported"), "{en}");

    // Admission unknown: birth counts.
    let unborn = [
        BRANCH.trim_end(),
        r#"{"type":"member","card":"48999102","name":"Lê Văn Bình","born":"1997-04-02","org":"P.A"}"#,
        r#"{"type":"member_status","card":"48999102","status":"deceased","from":"1996-12-31"}"#,
    ];
    let en = refused(&import(&db, "en", "unborn.jsonl", &unborn));
    assert!(
        en.contains(
            "unborn.jsonl:5: a status of member \"48999102\" cannot begin on 1996-12-31 \
             (\"from\"), before they were born on 1997-04-02 (\"born\")"
        ),
        "{en}"
    );

    // A transfer out of a former branch dated before admission, on the member's own line.
    let moved = [
        BRANCH.trim_end(),
        r#"{"type":"member","card":"48999103","name":"Đỗ Thị Cúc","admitted":"2022-03-15","org":"P.A","former_orgs":[{"org":"P.B","until":"2021-06-01"}]}"#,
    ];
    let vi = refused(&import(&db, "vi", "moved.jsonl", &moved));
    assert!(
        vi.contains(
            "moved.jsonl:4: đảng viên \"48999103\" không thể chuyển sinh hoạt ngày 2021-06-01 \
             (\"former_orgs.until\"), trước ngày vào Đảng 2022-03-15 (\"admitted\")"
        ),
        "{vi}"
    );

    // The member already stored, the status in a later file: the stored dates count.
    let stored = import(&db, "en", "members.jsonl", &[BRANCH.trim_end(), YOUNG]);
    assert!(stored.status.success(), "{}", text(&stored.stderr));
    let en = refused(&import(&db, "en", "status.jsonl", &[EXEMPT_1990]));
    assert!(
        en.contains("status.jsonl:1: a status of member \"48999101\" cannot begin on 1990-01-01"),
        "{en}"
    );
    // From the day of admission on, it is taken.
    let on_the_day = EXEMPT_1990.replace("1990-01-01", "2022-03-15");
    let taken = import(&db, "en", "status.jsonl", &[&on_the_day]);
    assert!(taken.status.success(), "{}", text(&taken.stderr));
}

#[test]
fn check_reports_a_status_stored_before_the_rule() {
    let data = [BRANCH.trim_end(), YOUNG].join("\n") + "\n";
    let setup = imported(&data);
    let sound = chibo(&setup.db).arg("check").output().unwrap();
    assert!(sound.status.success(), "{}", text(&sound.stdout));
    {
        // As an older chibo would have written it: straight into the table.
        let store = Store::open(&setup.db).unwrap();
        store
            .write(|w| {
                let mut young = w.member_by_card("48999101")?.unwrap();
                young.history.push(StatusChange {
                    status: MemberStatus::Exempt,
                    from: parse_iso("1990-01-01").unwrap(),
                    until: None,
                    reason: None,
                });
                w.put_member(&young)
            })
            .unwrap();
    }
    let checked = chibo(&setup.db).arg("check").output().unwrap();
    assert_eq!(checked.status.code(), Some(1), "{}", text(&checked.stdout));
    let lines: Vec<String> = text(&checked.stdout).lines().map(String::from).collect();
    assert!(
        lines.contains(
            &"member 48999101: status exempt from 1990-01-01 is before admission \
              (admitted 2022-03-15)"
                .to_string()
        ),
        "{lines:?}"
    );
}
