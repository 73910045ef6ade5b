//! The real binary in a real terminal: tmux runs `chibo demo`, keys are sent to it, and the
//! screen is read back. This is what snapshots on `TestBackend` cannot show: raw mode, the
//! alternate screen, the terminal given back on exit, colours switched off by `NO_COLOR`,
//! the log written to a file.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux session running one shell command; killed when dropped.
struct Session {
    name: String,
}

impl Session {
    fn start(name: &str, command: &str) -> Session {
        let status = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                "100",
                "-y",
                "30",
                command,
            ])
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        Session { name: name.into() }
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.name])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn text(&self, keys: &str) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.name, "-l", keys])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// The screen as text; with `escapes`, with its colours and attributes as SGR sequences.
    fn screen(&self, escapes: bool) -> String {
        let mut command = Command::new("tmux");
        command.args(["capture-pane", "-p", "-t", &self.name]);
        if escapes {
            command.arg("-e");
        }
        String::from_utf8_lossy(&command.output().unwrap().stdout).into_owned()
    }

    /// Waits until the screen satisfies `done`, and returns it. A screen caught while the
    /// terminal is still being painted fails `done` and is read again.
    fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen(false);
            if done(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{what} never happened; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen shows `wanted`, and returns it.
    fn wait_for(&self, wanted: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen(false);
            if screen.contains(wanted) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{wanted:?} never appeared; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .status();
    }
}

fn tmux_present() -> bool {
    let present = Command::new("tmux").arg("-V").output().is_ok();
    // CI installs tmux: there a missing one is a failure, not a reason to skip.
    assert!(
        present || std::env::var_os("CI").is_none(),
        "tmux is missing"
    );
    present
}

/// `chibo demo` in `dir`, with its config and state (keys file, log) kept in `dir` too.
fn chibo_demo(dir: &Path, env: &str) -> String {
    format!(
        "env XDG_CONFIG_HOME={dir} XDG_STATE_HOME={dir} {env} {bin} --db {dir}/demo.redb \
         --today 2026-11-23 demo; echo chibo-exit=$?; sleep 60",
        dir = dir.display(),
        bin = env!("CARGO_BIN_EXE_chibo"),
    )
}

/// [`chibo_demo`] with chibo's pid written to `pid` in `dir`, for [`kill_9`]: `exec`
/// keeps the shell's pid for chibo, so the file names chibo itself.
fn chibo_demo_with_pid(dir: &Path) -> String {
    let d = dir.display();
    let bin = env!("CARGO_BIN_EXE_chibo");
    format!(
        "sh -c 'echo $$ > {d}/pid; exec env XDG_CONFIG_HOME={d} XDG_STATE_HOME={d} {bin} \
         --db {d}/demo.redb --today 2026-11-23 demo'; echo chibo-exit=$?; sleep 60"
    )
}

/// Kills the chibo started by [`chibo_demo_with_pid`] outright — no chance to save — and
/// waits for its shell to say so.
fn kill_9(dir: &Path, session: &Session) {
    let pid = std::fs::read_to_string(dir.join("pid")).unwrap();
    let killed = Command::new("kill")
        .args(["-9", pid.trim()])
        .status()
        .unwrap();
    assert!(killed.success());
    session.wait_for("chibo-exit=137");
}

fn session_name(test: &str) -> String {
    format!("chibo-{test}-{}", std::process::id())
}

#[test]
fn the_app_runs_full_screen_and_gives_the_terminal_back() {
    if !tmux_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let session = Session::start(&session_name("run"), &chibo_demo(dir.path(), ""));
    session.wait_for("Tỉnh ủy Quảng Ninh");
    assert!(session.screen(true).contains("38;5;"), "colours are used");

    session.keys(&["/"]);
    session.wait_for("Tìm kiếm");
    session.text("hong gai");
    session.wait_for("Chi bộ Trường THCS Hồng Gai");
    session.keys(&["Enter"]);
    // The breadcrumb and the details pane of the organisation found.
    session.wait_for("Tỉnh ủy Quảng Ninh › Đảng ủy phường Hồng Gai");
    session.wait_for("Mã: QN.HL.HG");

    session.keys(&["q"]);
    let screen = session.wait_for("chibo-exit=0");
    // Back on the normal screen: what chibo printed before it started is there again,
    // and nothing of the app is left.
    assert!(screen.contains("đã tạo cơ sở dữ liệu mẫu"), "{screen}");
    assert!(!screen.contains("Tỉnh ủy Quảng Ninh"), "{screen}");

    let log = std::fs::read_to_string(dir.path().join("chibo").join("chibo.log")).unwrap();
    assert!(log.contains("chibo starts"), "{log}");
}

#[test]
fn no_color_and_a_bad_keys_file_are_honoured() {
    if !tmux_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("chibo")).unwrap();
    std::fs::write(
        dir.path().join("chibo").join("keys.toml"),
        "[tree]\ndown = \"hyper-j\"\n",
    )
    .unwrap();
    let session = Session::start(
        &session_name("nocolor"),
        &chibo_demo(dir.path(), "NO_COLOR=1"),
    );
    let screen = session.wait_for("Tệp phím tắt bị bỏ qua");
    assert!(screen.contains("hyper-j"), "{screen}");
    let styled = session.screen(true);
    assert!(
        !styled.contains("38;5;"),
        "no colour with NO_COLOR:\n{styled}"
    );
    // The default keys are in force.
    session.keys(&["j"]);
    session.wait_for("›▸ Tỉnh ủy Quảng Ninh");
    session.keys(&["C-c"]);
    session.wait_for("chibo-exit=0");
}

/// The line of the search list under the cursor (marked `›`).
fn selected_result(screen: &str) -> Option<&str> {
    screen.lines().find(|line| line.contains("┃ › "))
}

#[test]
fn quarter_2_of_hong_gai_is_found_by_search_and_shows_its_92_members() {
    if !tmux_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let session = Session::start(&session_name("khu2"), &chibo_demo(dir.path(), ""));
    session.wait_for("Tỉnh ủy Quảng Ninh");

    find_quarter_2(&session);
    session.wait_for("92 đảng viên, 22 miễn sinh hoạt");
    session.keys(&["Tab"]);
    // The member list has the focus: its first member is selected and exempt ones marked.
    session.wait_until("the member list taking the focus", |s| {
        s.contains("1/92") && s.contains("miễn SH") && !s.contains("Tab đảng viên")
    });

    session.keys(&["q"]);
    let screen = session.wait_for("chibo-exit=0");
    assert!(
        !screen.contains("Chi bộ khu 2"),
        "the app's screen is gone: {screen}"
    );
    assert!(screen.contains("đã tạo cơ sở dữ liệu mẫu"), "{screen}");
}

/// Searches for Hồng Gai's "Chi bộ khu 2" and goes to it in the tree.
fn find_quarter_2(session: &Session) {
    session.keys(&["/"]);
    session.wait_for("Tìm kiếm");
    session.text("khu 2");
    // Many wards have a "Chi bộ khu 2"; the place beside each tells them apart.
    let mut screen = session.wait_for("Đảng ủy phường Hồng Gai (QN.HL.HG)");
    let mut chosen = selected_result(&screen).unwrap_or_default().to_string();
    for _ in 0..20 {
        if chosen.contains("Hồng Gai") {
            break;
        }
        session.keys(&["Down"]);
        screen = session.wait_until("the cursor moving down", |s| {
            selected_result(s).is_some_and(|line| line != chosen)
        });
        chosen = selected_result(&screen).unwrap_or_default().to_string();
    }
    assert!(
        chosen.contains("Chi bộ khu 2") && chosen.contains("Hồng Gai"),
        "{screen}"
    );
    session.keys(&["Enter"]);
    session.wait_for("Đảng ủy phường Hồng Gai › Chi bộ khu 2");
}

/// Quarter 2's November meeting (held, not yet recorded): its record, on the roll.
fn open_quarter_2_record(session: &Session) {
    find_quarter_2(session);
    session.keys(&["c"]);
    session.wait_for("Lịch họp — Chi bộ khu 2");
    session.keys(&["Enter"]);
    session.wait_for("Phải dự 70");
}

#[test]
fn minutes_typed_survive_a_kill_minus_9() {
    if !tmux_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let bin = env!("CARGO_BIN_EXE_chibo");
    let session = Session::start(&session_name("kill"), &chibo_demo_with_pid(dir.path()));
    session.wait_for("Tỉnh ủy Quảng Ninh");
    open_quarter_2_record(&session);

    // The roll: two present, one absent — each mark written at once.
    session.keys(&["p", "p", "a"]);
    session.wait_for("Có mặt 2 · Có phép 0 · Vắng 1");

    // Two sections typed into. The second has marks typed after their letters, as some
    // input methods send them: they are composed as they arrive.
    let opening = "Chi bộ đủ điều kiện tiến hành sinh hoạt.";
    session.keys(&["Tab"]);
    session.wait_for("I. Thời gian, địa điểm, chủ trì, thư ký");
    session.keys(&["Enter"]);
    session.text(opening);
    session.wait_for(opening);
    session.keys(&["Tab", "Tab"]);
    session.wait_for("III. Kiểm điểm việc thực hiện");
    session.keys(&["BTab"]);
    session.wait_for("II. Thông tin thời sự");
    session.text("Quán triệt Nghị quyết 57; đồng chí Nguye\u{0302}\u{0303}n báo cáo.");
    let news = "Quán triệt Nghị quyết 57; đồng chí Nguyễn báo cáo.";
    session.wait_for(news);

    // 2.5 s after the last key, the process is killed outright: no chance to save.
    std::thread::sleep(Duration::from_millis(2500));
    kill_9(dir.path(), &session);

    // Started again on the same file, in a fresh terminal.
    let again = format!(
        "env XDG_CONFIG_HOME={d} XDG_STATE_HOME={d} {bin} --db {d}/demo.redb \
         --today 2026-11-23; echo chibo-exit=$?; sleep 60"
    );
    let session = Session::start(&session_name("kill-again"), &again);
    session.wait_for("Tỉnh ủy Quảng Ninh");
    find_quarter_2(&session);
    session.keys(&["c"]);
    session.wait_for("Lịch họp — Chi bộ khu 2");
    session.keys(&["Enter"]);
    // The marks were saved as they were made; the typing comes back as a draft.
    session.wait_for("Có bản nháp biên bản chưa lưu");
    session.keys(&["y"]);
    session.wait_for("Đã mở lại bản nháp");
    session.wait_for("Có mặt 2 · Có phép 0 · Vắng 1");
    session.keys(&["Tab"]);
    session.wait_for(opening);
    session.keys(&["Tab"]);
    session.wait_for(news);
    // Leaving saves the minutes for good.
    session.keys(&["Escape"]);
    session.wait_for("Lịch họp — Chi bộ khu 2");
    session.keys(&["q"]);
    session.wait_for("chibo-exit=0");
}

/// Set to a database path, the test `holds_the_write_lock` holds that file's write lock
/// for `CHIBO_TEST_HOLD_SECONDS`, as a long import in another process would.
const HOLD_LOCK: &str = "CHIBO_TEST_HOLD_LOCK";

/// Not a test of its own: the other process of
/// `typing_while_another_process_holds_the_write_lock_echoes_and_survives_kill_9`.
#[test]
fn holds_the_write_lock() {
    let Some(db) = std::env::var_os(HOLD_LOCK) else {
        return;
    };
    let seconds: u64 = std::env::var("CHIBO_TEST_HOLD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let store = chibo::store::Store::open(Path::new(&db)).unwrap();
    let marker = Path::new(&db).with_extension("locked");
    store
        .write(|_| {
            std::fs::write(&marker, b"locked").unwrap();
            std::thread::sleep(Duration::from_secs(seconds));
            Ok::<_, chibo::store::StoreError>(())
        })
        .unwrap();
}

/// A number below `n` that differs from run to run.
fn random_below(n: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    u64::from(nanos) % n.max(1)
}

/// While another process holds the database's write lock (as a long import does), the
/// minutes still echo every key, and a `kill -9` at a random moment loses at most what was
/// typed in the last two seconds: the journal beside the database, not the database,
/// keeps it.
#[test]
fn typing_while_another_process_holds_the_write_lock_echoes_and_survives_kill_9() {
    if !tmux_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let session = Session::start(&session_name("locked"), &chibo_demo_with_pid(dir.path()));
    session.wait_for("Tỉnh ủy Quảng Ninh");
    open_quarter_2_record(&session);

    // Another process takes the write lock and keeps it.
    let db = dir.path().join("demo.redb");
    let mut holder = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "holds_the_write_lock", "--nocapture"])
        .env(HOLD_LOCK, &db)
        .env("CHIBO_TEST_HOLD_SECONDS", "40")
        .spawn()
        .unwrap();
    let marker = db.with_extension("locked");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !marker.exists() {
        assert!(Instant::now() < deadline, "the lock was never taken");
        std::thread::sleep(Duration::from_millis(20));
    }

    // Marks show at once, though none can be written yet.
    session.keys(&["p", "p", "a"]);
    session.wait_for("Có mặt 2 · Có phép 0 · Vắng 1");
    session.keys(&["Tab"]);
    session.wait_for("I. Thời gian, địa điểm, chủ trì, thư ký");
    session.keys(&["Enter"]);

    // Typed in pieces, each waited for on screen: the echo, timed.
    let pieces = [
        "Chi bộ họp ",
        "khi máy chủ ",
        "đang nhập dữ liệu ",
        "của cả tỉnh, ",
        "không chữ nào mất.",
    ];
    let mut echoed = Vec::new();
    let mut typed = String::new();
    for piece in pieces {
        let sent = Instant::now();
        session.text(piece);
        typed.push_str(piece);
        session.wait_for(typed.trim_end());
        echoed.push((typed.trim_end().to_string(), Instant::now(), sent.elapsed()));
        std::thread::sleep(Duration::from_millis(400));
    }
    assert!(
        holder.try_wait().unwrap().is_none(),
        "every piece echoed while the other process held the lock"
    );
    let slowest = echoed.iter().map(|(_, _, took)| *took).max().unwrap();
    println!("echo while the write lock is held: slowest piece {slowest:?}");

    // Killed at a random moment within 1.5 s of the last piece.
    std::thread::sleep(Duration::from_millis(random_below(1500)));
    let killed_at = Instant::now();
    kill_9(dir.path(), &session);
    holder.kill().unwrap();
    holder.wait().unwrap();

    // Opened again: the journal is replayed into the draft.
    let store = chibo::store::Store::open(&db).unwrap();
    let reader = store.read().unwrap();
    let branch = reader.org_id("QN.HL.HG.K2").unwrap().unwrap();
    let drafts: String = reader
        .all_meetings_of(branch)
        .unwrap()
        .iter()
        .filter_map(|m| reader.draft(m.id).unwrap())
        .map(|d| d.text)
        .collect();
    // The marks, made more than two seconds before the kill, are there too.
    let today = chibo::domain::date::parse_iso("2026-11-23").unwrap();
    let minuted = reader.meeting_to_minute(branch, today).unwrap().unwrap();
    let absent = minuted
        .attendance
        .iter()
        .filter(|(_, mark)| *mark == chibo::domain::Mark::Absent)
        .count();
    assert_eq!(
        (minuted.present_marks(), absent),
        (2, 1),
        "two present and one absent"
    );
    for (text, at, _) in &echoed {
        if killed_at.duration_since(*at) >= Duration::from_secs(2) {
            assert!(
                drafts.contains(text.as_str()),
                "typed {:?} before the kill, lost: {drafts}",
                killed_at.duration_since(*at)
            );
        }
    }
    let kept = echoed
        .iter()
        .filter(|(text, _, _)| drafts.contains(text.as_str()))
        .count();
    println!("{kept} of {} pieces kept after kill -9", echoed.len());
}
