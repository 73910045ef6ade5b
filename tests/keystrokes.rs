//! How many keys the common jobs of a branch secretary take, counted by driving the App on
//! the demo as she would, each against a target: fewer than writing the same by hand where
//! a pen is faster today. The table in `docs/user-guide.md` ("Keys for the common jobs") is
//! the one this test measures; `CHIBO_WRITE_DOCS=1 cargo test --test keystrokes` writes it
//! there after a change.

mod common;

use chibo::domain::{Lang, Standing, YearMonth, text::fold};
use chibo::ui::forms::field::Choice;
use chibo::ui::{App, Context};
use common::*;

/// Keys pressed and characters typed, counted as the user makes them.
struct Counted<'a> {
    app: &'a mut App,
    keys: usize,
}

impl Counted<'_> {
    fn press(&mut self, keys: &str) {
        self.keys += keys.split_whitespace().count();
        press(self.app, keys);
    }

    fn type_text(&mut self, text: &str) {
        self.keys += text.chars().count();
        type_text(self.app, text);
        self.app.settle();
    }

    /// The keys counted since the last call.
    fn take(&mut self) -> usize {
        std::mem::take(&mut self.keys)
    }
}

/// One row of the table.
struct Job {
    what: &'static str,
    keys: usize,
    target: usize,
    /// Characters and marks the same takes with a pen in the minutes book, when it is
    /// written there at all.
    by_hand: Option<usize>,
}

const BRANCH: &str = "QN.HL.HG.K2";

fn stored(app: &App, id: chibo::domain::MeetingId) -> chibo::domain::Meeting {
    app.store().read().unwrap().meeting(id).unwrap().unwrap()
}

/// What section I and the closing time say, written by hand in the minutes book.
const FACTS_BY_HAND: &str = "Thời gian: 19 giờ 30, ngày 05/11/2026. Địa điểm: Nhà văn hóa khu 2. \
     Chủ trì: đồng chí Phạm Ngọc Đường. Thư ký: đồng chí Đinh Thị Ngọc Loan. \
     Cuộc họp kết thúc lúc 21 giờ cùng ngày.";

#[test]
fn the_common_jobs_take_fewer_keys_than_their_targets() {
    let (_dir, mut app) = app_on_copy(Lang::Vi, 100, 30);
    let mut jobs = Vec::new();
    let mut user = Counted {
        app: &mut app,
        keys: 0,
    };

    // Find your branch among the demo's nine "Chi bộ khu 2", from the tree at its root.
    user.press("/");
    user.type_text("khu 2 hong gai");
    user.press("enter");
    let selected = user.app.selected_org().map(|o| o.code.clone());
    assert_eq!(selected.as_deref(), Some(BRANCH));
    jobs.push(Job {
        what: "Tìm chi bộ của mình (find your branch: `/khu 2 hong gai`)",
        keys: user.take(),
        target: 16,
        by_hand: None,
    });

    // This month's minutes, from the branch selected.
    user.press("c enter");
    let record = user.app.record().expect("the record is open");
    assert_eq!(YearMonth::of(record.meeting.date), YearMonth::of(today()));
    let id = record.meeting.id;
    jobs.push(Job {
        what: "Mở biên bản tháng này (open this month's minutes)",
        keys: user.take(),
        target: 2,
        by_hand: None,
    });

    // Section I's facts and the closing time: F3, the plan's times cleared and typed as
    // spoken; the chair offered is the branch's secretary, the minutes secretary is picked
    // by a few letters of her name (the second Loan is one → on); the place is the plan's.
    user.press("f3 ctrl-u");
    user.type_text("19h30");
    user.press("tab ctrl-u");
    user.type_text("21h");
    user.press("tab tab tab");
    user.type_text("loan");
    user.press("right enter");
    let meeting = stored(user.app, id);
    assert_eq!(meeting.chair.as_deref(), Some("Phạm Ngọc Đường"));
    assert_eq!(meeting.secretary.as_deref(), Some("Đinh Thị Ngọc Loan"));
    assert_eq!(
        (meeting.time, meeting.end_time),
        (
            chrono::NaiveTime::from_hms_opt(19, 30, 0),
            chrono::NaiveTime::from_hms_opt(21, 0, 0)
        )
    );
    jobs.push(Job {
        what: "Ghi mục I: giờ, chủ trì, thư ký, giờ kết thúc (section I's facts)",
        keys: user.take(),
        target: 25,
        by_hand: Some(FACTS_BY_HAND.chars().count()),
    });

    // The roll of 92: two excused with a reason, one absent, the rest present. The three
    // are spread down the roll, reached with PgDn and j as a secretary would.
    let roll = user.app.record().unwrap().roll.clone();
    assert_eq!(roll.entries.len(), 92);
    let expected: Vec<usize> = (0..roll.entries.len())
        .filter(|&i| roll.entries[i].standing == Standing::Expected)
        .collect();
    let wanted = [
        (expected[expected.len() / 4], "e"),
        (expected[expected.len() / 2], "e"),
        (expected[expected.len() * 3 / 4], "a"),
    ];
    let page = user.app.record().unwrap().roll_page();
    for (at, key) in wanted {
        let cursor = user.app.record().unwrap().roll_cursor();
        user.press(&moves(cursor, at, page, roll.entries.len()));
        assert_eq!(user.app.record().unwrap().roll_cursor(), at);
        user.press(key);
        if key == "e" {
            user.type_text("ốm");
            user.press("enter");
        }
    }
    user.press("P");
    let counts = user.app.record().unwrap().roll.counts();
    assert_eq!(
        (counts.excused, counts.absent, counts.unmarked),
        (2, 1, 0),
        "{counts:?}"
    );
    let marks = roll.entries.len() + 2 * "ốm".chars().count();
    jobs.push(Job {
        what: "Điểm danh 92 người: 2 vắng có lý do, 1 vắng (a roll of 92)",
        keys: user.take(),
        target: 30,
        by_hand: Some(marks),
    });

    // Approving the minutes: the chair and secretary come from the facts; the word typed.
    // (Something is written first: there are no minutes to approve until there is.)
    user.press("tab tab");
    user.type_text("Quán triệt Chỉ thị 50-CT/TW.");
    user.take();
    user.press("f9 tab tab");
    user.type_text("duyệt");
    user.press("enter");
    assert_eq!(user.app.context(), Context::Minutes);
    let approved = stored(user.app, id);
    assert!(approved.is_approved());
    jobs.push(Job {
        what: "Duyệt biên bản (approve)",
        keys: user.take(),
        target: 9,
        by_hand: None,
    });

    // The drafter of next month's meeting, picked in the plan by typing a name.
    user.press("esc");
    user.take();
    user.press("n backtab backtab");
    user.type_text("loan");
    user.press("right enter");
    let k2 = user
        .app
        .store()
        .read()
        .unwrap()
        .org_id(BRANCH)
        .unwrap()
        .unwrap();
    let plan = user
        .app
        .store()
        .read()
        .unwrap()
        .month_plan(k2, YearMonth::of(today()).next())
        .unwrap()
        .expect("the plan saved");
    let drafter = user
        .app
        .store()
        .read()
        .unwrap()
        .member(plan.drafter.unwrap())
        .unwrap();
    assert_eq!(drafter.unwrap().name, "Đinh Thị Ngọc Loan");
    jobs.push(Job {
        what: "Chọn người soạn dự thảo (pick a drafter, from the meetings screen)",
        keys: user.take(),
        target: 9,
        by_hand: None,
    });

    for job in &jobs {
        assert!(
            job.keys <= job.target,
            "{}: {} keys, the target is {}",
            job.what,
            job.keys,
            job.target
        );
        if let Some(by_hand) = job.by_hand {
            assert!(job.keys < by_hand, "{}: no faster than a pen", job.what);
        }
    }
    // Any of the 92 in at most 4 keys, but for two who share both a middle and a given
    // name's start with another (Trần Thị Duyên, Nguyễn Thị Hiền): one → more.
    let picks = keys_to_pick_each_member();
    let within = picks.iter().filter(|(k, _)| *k <= 4).count();
    assert!(picks[0].0 <= 5 && within >= 90, "keys to pick: {picks:?}");
    check_the_guide(&table(&jobs, &picks));
}

/// The fewest keys from row `from` to row `to` of a roll of `len` rows with `page` rows a
/// screen: some `PgDn`, then `j` or `k` the rest of the way.
fn moves(from: usize, to: usize, page: usize, len: usize) -> String {
    let best = (0..=len / page + 1)
        .map(|downs| {
            let landed = (from + downs * page).min(len - 1);
            (downs + landed.abs_diff(to), downs, landed)
        })
        .min()
        .unwrap();
    let (_, downs, landed) = best;
    let step = if landed < to { "j" } else { "k" };
    let keys = std::iter::repeat_n("pagedown", downs)
        .chain(std::iter::repeat_n(step, landed.abs_diff(to)));
    keys.collect::<Vec<_>>().join(" ")
}

/// How many keys each member of the branch takes to pick in a choice of its members, as
/// the plan's drafter, a meeting's chair and an assignment offer them: the first letters of
/// some words of the name, then `→` to the next match. The fewest for each, most first.
fn keys_to_pick_each_member() -> Vec<(usize, String)> {
    let reader = DEMO.1.read().unwrap();
    let k2 = reader.org_id(BRANCH).unwrap().unwrap();
    let members = reader.members_of(k2, 0, usize::MAX).unwrap();
    assert_eq!(members.len(), 92);
    let mut labels = vec!["(không ai)".to_string()];
    labels.extend(members.iter().map(|m| m.name.clone()));
    let mut keys: Vec<(usize, String)> = (1..labels.len())
        .map(|wanted| (fewest_keys(&labels, wanted), labels[wanted].clone()))
        .collect();
    keys.sort_by_key(|(k, _)| std::cmp::Reverse(*k));
    keys
}

/// The fewest keys that pick option `wanted`: the first letters of some of its words, in
/// order and a space between (`t hau`), then `→` to the next option found. Every way of up
/// to six keys is tried.
fn fewest_keys(labels: &[String], wanted: usize) -> usize {
    let folded = fold(&labels[wanted]);
    let words: Vec<Vec<char>> = folded.split(' ').map(|w| w.chars().collect()).collect();
    let mut queries = Vec::new();
    typed_ways(&words, 0, String::new(), &mut queries);
    let mut best = usize::MAX;
    for query in queries {
        let typed = query.chars().count();
        let mut choice = Choice::new(labels.to_vec(), 0);
        for c in query.chars() {
            choice.find(c);
        }
        let mut arrows = 0;
        while choice.at() != wanted && typed + arrows < best {
            choice.cycle(1);
            arrows += 1;
        }
        if choice.at() == wanted {
            best = best.min(typed + arrows);
        }
    }
    best
}

/// Every query of at most six keys made of the starts of `words[from..]`, in order.
fn typed_ways(words: &[Vec<char>], from: usize, so_far: String, out: &mut Vec<String>) {
    for (i, word) in words.iter().enumerate().skip(from) {
        for len in 1..=word.len() {
            let part: String = word[..len].iter().collect();
            let query = match so_far.is_empty() {
                true => part,
                false => format!("{so_far} {part}"),
            };
            if query.chars().count() > 6 {
                break;
            }
            out.push(query.clone());
            typed_ways(words, i + 1, query, out);
        }
    }
}

fn table(jobs: &[Job], picks: &[(usize, String)]) -> String {
    let mut out = String::from(
        "| việc (job) | phím (keys) | mục tiêu (target) | viết tay (by hand) |\n|---|---:|---:|---:|\n",
    );
    for job in jobs {
        let by_hand = job.by_hand.map_or("—".to_string(), |n| n.to_string());
        out += &format!(
            "| {} | {} | ≤ {} | {by_hand} |\n",
            job.what, job.keys, job.target
        );
    }
    let within = picks.iter().filter(|(k, _)| *k <= 4).count();
    let worst = picks[0].0;
    out += &format!(
        "| Chọn một trong 92 đảng viên ở ô chọn (pick any of 92 members in a choice): \
         {within} người ≤ 4 phím, nhiều nhất {worst} | ≤ {worst} | ≤ 4 | — |\n"
    );
    out
}

const BEGIN: &str = "<!-- keystrokes: written by tests/keystrokes.rs -->\n";
const END: &str = "<!-- /keystrokes -->";

/// The guide's table is the one measured; written there when asked.
fn check_the_guide(table: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/user-guide.md");
    let guide = std::fs::read_to_string(&path).unwrap();
    let start = guide
        .find(BEGIN)
        .expect("the guide has the keystrokes table")
        + BEGIN.len();
    let end = guide[start..].find(END).expect("the table ends") + start;
    if guide[start..end] == *table {
        return;
    }
    if std::env::var_os("CHIBO_WRITE_DOCS").is_some() {
        let written = format!("{}{table}{}", &guide[..start], &guide[end..]);
        std::fs::write(&path, written).unwrap();
        return;
    }
    panic!(
        "docs/user-guide.md's keystrokes table is not the one measured; \
         CHIBO_WRITE_DOCS=1 cargo test --test keystrokes writes it:\n{table}"
    );
}
