//! How long the full-screen app takes to react and to build a frame, on a province of 3,300
//! commune committees (the size of the largest trees since July 2025) — its tree and its
//! dashboard — and on the demo: Quarter 2's roster, Hồng Gai's meetings, Quảng Ninh's
//! dashboard. A frame is `App::view` into ratatui's `TestBackend`: everything but the
//! bytes sent to a real terminal.
//!
//! `cargo bench --bench tui_frame`

use std::time::{Duration, Instant};

use chibo::domain::Lang;
use chibo::store::Store;
use chibo::ui::{App, KeyChord, Msg, Options, Target};
use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const COMMUNES: usize = 3_300;
const FRAMES: usize = 200;

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
    println!("chibo frame benchmark (2 cores), {FRAMES} frames per figure, medians");
    println!("{}", "-".repeat(96));

    let province = province_store(&dir.path().join("province.redb"), today);
    for (width, height) in [(80, 24), (200, 60)] {
        let mut app = app(&province, today, width, height);
        let expand = timed(|| press(&mut app, "l"));
        report(
            &format!("{width}×{height}: expand a province of {COMMUNES} children"),
            expand,
        );
        report(
            &format!("{width}×{height}:   frame after expanding"),
            frame_time(&app, width, height),
        );
        let last = timed(|| press(&mut app, "G"));
        report(
            &format!("{width}×{height}: move to its last child (G)"),
            last,
        );
        report(
            &format!("{width}×{height}:   frame at the last child"),
            frame_time(&app, width, height),
        );
        let back = timed(|| press(&mut app, "g"));
        report(&format!("{width}×{height}: back to the province (g)"), back);
        let open = timed(|| press(&mut app, "b"));
        report(
            &format!("{width}×{height}: its dashboard, {COMMUNES} children ranked (b)"),
            open,
        );
        report(
            &format!("{width}×{height}:   frame of the province's dashboard"),
            frame_time(&app, width, height),
        );
    }

    let demo_path = dir.path().join("demo.redb");
    let (demo, _) = chibo::demo::ensure(&demo_path, today).expect("demo database");
    for (width, height) in [(80, 24), (200, 60)] {
        let mut app = app(&demo, today, width, height);
        let quarter_2 = demo
            .read()
            .and_then(|r| r.org_id("QN.HL.HG.K2"))
            .expect("read");
        app.update(Msg::JumpTo(Target::Org(
            quarter_2.expect("Quarter 2 in the demo"),
        )));
        let shown = app.selected_org().map(|o| o.code.as_str());
        assert_eq!(shown, Some("QN.HL.HG.K2"), "the search lands on Quarter 2");
        report(
            &format!("{width}×{height}: frame of Chi bộ khu 2's roster (92 members)"),
            frame_time(&app, width, height),
        );
        let hong_gai = demo
            .read()
            .and_then(|r| r.org_id("QN.HL.HG"))
            .expect("read");
        app.update(Msg::JumpTo(Target::Org(
            hong_gai.expect("Hồng Gai in the demo"),
        )));
        let open = timed(|| press(&mut app, "c"));
        report(
            &format!("{width}×{height}: open Hồng Gai's meetings (c)"),
            open,
        );
        report(
            &format!("{width}×{height}:   frame of its month calendar and 14 branches"),
            frame_time(&app, width, height),
        );
        record_figures(&demo_path, today, width, height);
        let quang_ninh = demo.read().and_then(|r| r.org_id("QN")).expect("read");
        app.update(Msg::JumpTo(Target::Org(
            quang_ninh.expect("QN in the demo"),
        )));
        let open = timed(|| press(&mut app, "b"));
        report(
            &format!("{width}×{height}: open Quảng Ninh's dashboard (b)"),
            open,
        );
        report(
            &format!("{width}×{height}:   frame of the province's dashboard"),
            frame_time(&app, width, height),
        );
    }
}

/// Quarter 2's November record, on a copy of the demo (marks and drafts are written): open
/// it, mark one member (a durable commit and a re-read of the roll), type a key, write the
/// draft.
fn record_figures(demo: &std::path::Path, today: NaiveDate, width: u16, height: u16) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let copy = dir.path().join("record.redb");
    std::fs::copy(demo, &copy).expect("copy of the demo");
    let store = Store::open(&copy).expect("database");
    let mut app = app(&store, today, width, height);
    let quarter_2 = store
        .read()
        .and_then(|r| r.org_id("QN.HL.HG.K2"))
        .expect("read")
        .expect("Quarter 2 in the demo");
    app.update(Msg::JumpTo(Target::Org(quarter_2)));
    press(&mut app, "c");
    let open = timed(|| press(&mut app, "enter"));
    report(
        &format!("{width}×{height}: open Quarter 2's November record"),
        open,
    );
    report(
        &format!("{width}×{height}:   frame of its roll (92 members)"),
        frame_time(&app, width, height),
    );
    let mark = timed(|| press(&mut app, "p"));
    report(
        &format!("{width}×{height}: one mark written and the roll read again"),
        mark,
    );
    press(&mut app, "tab");
    let key = timed(|| press(&mut app, "x"));
    report(
        &format!("{width}×{height}: a key typed into the minutes"),
        key,
    );
    report(
        &format!("{width}×{height}:   frame of the minutes editor"),
        frame_time(&app, width, height),
    );
    let later = std::time::Instant::now() + Duration::from_secs(3);
    let draft = timed(|| {
        app.update(Msg::Tick(later));
    });
    report(
        &format!("{width}×{height}: the draft autosaved (one commit)"),
        draft,
    );
}

/// One province with `COMMUNES` grassroots committees, written in one transaction, and a
/// committee meeting planned today, so this month is covered and its dashboard reads a
/// roll-up row for every commune.
fn province_store(path: &std::path::Path, today: NaiveDate) -> Store {
    use chibo::domain::{Meeting, MeetingKind, MeetingState};
    let store = Store::open(path).expect("database");
    chibo::demo::write_wide_province(&store, COMMUNES).expect("province written");
    store
        .write(|w| {
            let commune = w.org_id("P.0000")?.expect("the first commune");
            let id = w.new_meeting_id()?;
            let planned = Meeting::new(
                id,
                commune,
                MeetingKind::Committee,
                today,
                MeetingState::Planned,
            );
            w.put_meeting(&planned)
        })
        .expect("a meeting planned");
    store
}

fn app(store: &Store, today: NaiveDate, width: u16, height: u16) -> App {
    let mut app = App::new(
        store.clone(),
        Options::new(Lang::Vi, chibo::clock::Clock::on(today)),
    );
    app.update(Msg::Resize { width, height });
    app
}

fn press(app: &mut App, key: &str) {
    let chord = KeyChord::parse(key).expect("a key the keymap knows");
    app.update(Msg::Key(chord.event()));
}

fn timed(f: impl FnOnce()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}

/// The median time to build one frame of `app`'s current state.
fn frame_time(app: &App, width: u16, height: u16) -> Duration {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    let mut times: Vec<Duration> = (0..FRAMES)
        .map(|_| {
            timed(|| {
                terminal.draw(|frame| app.view(frame)).expect("frame drawn");
            })
        })
        .collect();
    times.sort_unstable();
    times[FRAMES / 2]
}

fn report(what: &str, took: Duration) {
    let verdict = if what.contains("frame") {
        if took < Duration::from_millis(5) {
            "target < 5 ms: met"
        } else {
            "target < 5 ms: MISSED"
        }
    } else {
        ""
    };
    println!(
        "{what:<62} {:>9.3} ms   {verdict}",
        took.as_secs_f64() * 1e3
    );
}
