//! `chibo serve` reached with the real OpenSSH client: keys made by `ssh-keygen`, users
//! added with `chibo user add`, the interactive session driven inside tmux.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::ssh::{BIN, Server, chibo, db, free_port, present, tools_present};

#[test]
fn keys_sign_in_only_their_own_login_and_unknown_keys_are_refused() {
    if !tools_present(false) {
        return;
    }
    let server = Server::start();
    let lan = server.key("lan");
    let stranger = server.key("stranger");
    server.add_user("lan", &lan, "viewer", None);
    server.add_user("hoa", &server.key("hoa"), "viewer", None);

    let unknown = server.ssh_plain(&stranger, "lan");
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("Permission denied"),
        "{unknown:?}"
    );
    let other_login = server.ssh_plain(&lan, "hoa");
    assert!(!other_login.status.success());
    assert!(
        String::from_utf8_lossy(&other_login.stderr).contains("Permission denied"),
        "{other_login:?}"
    );
    let nobody = server.ssh_plain(&lan, "nobody");
    assert!(!nobody.status.success());

    // The right key for its own login gets in — and, without a pty, one polite line.
    let own = server.ssh_plain(&lan, "lan");
    let said = String::from_utf8_lossy(&own.stdout);
    assert!(said.contains("ssh -t"), "{own:?}");
    assert_eq!(said.lines().count(), 1, "{said:?}");
    assert!(
        !said.contains('\u{1b}'),
        "no escape sequences for a session without a pty"
    );
}

/// A tmux session running one command; killed when dropped.
struct Tmux {
    name: String,
}

impl Tmux {
    fn named(tag: &str, command: &str) -> Tmux {
        Tmux::sized(tag, command, 100, 30)
    }

    fn sized(tag: &str, command: &str, width: u16, height: u16) -> Tmux {
        let name = format!("chibo-ssh-{tag}-{}", std::process::id());
        let ok = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                command,
            ])
            .status()
            .unwrap()
            .success();
        assert!(ok, "tmux new-session failed");
        Tmux { name }
    }

    fn keys(&self, keys: &[&str]) {
        assert!(
            Command::new("tmux")
                .args(["send-keys", "-t", &self.name])
                .args(keys)
                .status()
                .unwrap()
                .success()
        );
    }

    fn text(&self, text: &str) {
        assert!(
            Command::new("tmux")
                .args(["send-keys", "-t", &self.name, "-l", text])
                .status()
                .unwrap()
                .success()
        );
    }

    fn resize(&self, width: u16, height: u16) {
        let (w, h) = (width.to_string(), height.to_string());
        assert!(
            Command::new("tmux")
                .args(["resize-window", "-t", &self.name, "-x", &w, "-y", &h])
                .status()
                .unwrap()
                .success()
        );
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
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

    fn wait_for(&self, wanted: &str) -> String {
        self.wait_until(&format!("{wanted:?}"), |s| s.contains(wanted))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .status();
    }
}

/// The line of the search list under the cursor (marked `›`).
fn selected_result(screen: &str) -> Option<&str> {
    screen.lines().find(|line| line.contains("┃ › "))
}

/// Searches "khu 2" and moves the cursor to Chi bộ khu 2; the screen of results.
fn search_quarter_2(tmux: &Tmux) -> String {
    tmux.keys(&["/"]);
    tmux.wait_for("Tìm kiếm");
    tmux.text("khu 2");
    let mut screen = tmux.wait_for("Chi bộ khu 2");
    let mut chosen = selected_result(&screen).unwrap_or_default().to_string();
    for _ in 0..20 {
        if chosen.contains("Chi bộ khu 2") {
            break;
        }
        tmux.keys(&["Down"]);
        screen = tmux.wait_until("the cursor moving", |s| {
            selected_result(s).is_some_and(|l| l != chosen)
        });
        chosen = selected_result(&screen).unwrap_or_default().to_string();
    }
    screen
}

#[test]
fn a_session_over_real_ssh_searches_records_vietnamese_resizes_and_quits() {
    if !tools_present(true) {
        return;
    }
    let server = Server::start();
    let key = server.key("bt");
    server.add_user("bt", &key, "secretary", Some("QN.HL.HG"));
    let tmux = ssh_in_tmux(&server, "main", &key, "bt");

    // The secretary's tree starts at their ward; nothing above or beside it is shown.
    let screen = tmux.wait_for("Đảng ủy phường Hồng Gai");
    assert!(
        !screen.contains("Tỉnh ủy Quảng Ninh") && !screen.contains("Hải Phòng"),
        "{screen}"
    );

    let screen = search_quarter_2(&tmux);
    assert!(
        !screen.contains("Hạ Long ("),
        "no other ward's branches in the results:\n{screen}"
    );
    tmux.keys(&["Enter"]);
    tmux.wait_for("Đảng ủy phường Hồng Gai › Chi bộ khu 2");

    // November's meeting, its record, the first section: Vietnamese typed as an input
    // method sends it, composed and with combining marks.
    tmux.keys(&["c"]);
    tmux.wait_for("Lịch họp — Chi bộ khu 2");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Phải dự 70");
    tmux.keys(&["Tab"]);
    tmux.wait_for("I. Thời gian, địa điểm, chủ trì, thư ký");
    tmux.keys(&["Enter"]);
    let typed = "Đồng chí Hường chủ trì; thư ký Nguyễn Thị Ánh.";
    tmux.text(typed);
    tmux.wait_for(typed);

    // A smaller window: the screen is laid out again for it.
    tmux.resize(90, 26);
    tmux.wait_until("the screen re-laid for 90 columns", |s| {
        s.contains(typed) && s.lines().all(|l| unicode_width(l) <= 90)
    });

    // Leaving the record saves the minutes; `q` ends the session.
    tmux.keys(&["Escape"]);
    tmux.wait_for("Lịch họp — Chi bộ khu 2");
    tmux.keys(&["q"]);
    tmux.wait_for("ssh-exit=0");

    let exported = chibo(server.path(), &["export", "--org", "QN.HL.HG.K2"]);
    assert!(exported.status.success(), "{exported:?}");
    let jsonl = String::from_utf8(exported.stdout).unwrap();
    assert!(jsonl.contains(typed), "the minutes hold the text as typed");

    // The server keeps serving.
    let again = server.ssh_plain(&key, "bt");
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("ssh -t"),
        "{again:?}"
    );
}

fn unicode_width(line: &str) -> usize {
    line.chars().count()
}

#[test]
fn every_write_names_its_user_in_the_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    assert!(chibo(dir.path(), &["demo"]).status.success());
    let key = dir.path().join("k.pub");
    std::fs::write(
        &key,
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHd3d3d3d3d3d3d3d3d3d3d3d3d3 lan@laptop\n",
    )
    .unwrap();
    let added = chibo(
        dir.path(),
        &[
            "user",
            "add",
            "lan",
            "--key",
            key.to_str().unwrap(),
            "--role",
            "viewer",
            "--scope",
            "QN.HL.HG",
        ],
    );
    assert!(added.status.success(), "{added:?}");
    let trail = chibo(
        dir.path(),
        &["audit", "--org", "QN.HL.HG", "--since", "2000-01-01"],
    );
    assert!(trail.status.success(), "{trail:?}");
    let text = String::from_utf8(trail.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.contains("\tuser lan (viewer, 1 keys)\tQN.HL.HG")),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.contains("\tmember ×")),
        "the demo's import, counted: {text}"
    );
    let by_nobody = chibo(dir.path(), &["audit", "--user", "nobody"]);
    assert!(by_nobody.stdout.is_empty());
}

/// Goes from the ward to Chi bộ khu 2's November record, on the roll.
fn open_quarter_2_record(tmux: &Tmux) {
    tmux.wait_for("Đảng ủy phường Hồng Gai");
    search_quarter_2(tmux);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Đảng ủy phường Hồng Gai › Chi bộ khu 2");
    tmux.keys(&["c"]);
    tmux.wait_for("Lịch họp — Chi bộ khu 2");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Phải dự 70");
}

#[test]
fn one_sessions_marks_reach_another_and_sigterm_saves_every_draft() {
    if !tools_present(true) {
        return;
    }
    let mut server = Server::start();
    let key = server.key("bt");
    server.add_user("bt", &key, "secretary", Some("QN.HL.HG"));
    let writer = ssh_in_tmux(&server, "writer", &key, "bt");
    let watcher = ssh_in_tmux(&server, "watcher", &key, "bt");
    open_quarter_2_record(&writer);
    open_quarter_2_record(&watcher);

    // Marks made in one session show in the other, which typed nothing, within a second.
    writer.keys(&["p", "p", "a"]);
    writer.wait_for("Có mặt 2 · Có phép 0 · Vắng 1");
    let seen = Instant::now();
    watcher.wait_for("Có mặt 2 · Có phép 0 · Vắng 1");
    assert!(
        seen.elapsed() < Duration::from_millis(1500),
        "{:?}",
        seen.elapsed()
    );

    // Text typed, not yet autosaved, when the server is told to stop.
    writer.keys(&["Tab"]);
    writer.wait_for("I. Thời gian, địa điểm, chủ trì, thư ký");
    writer.keys(&["Enter"]);
    let typed = "Họp tại nhà văn hóa khu 2.";
    writer.text(typed);
    writer.wait_for(typed);
    let stopped = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    writer.wait_for("Máy chủ chibo đang dừng");
    watcher.wait_for("Máy chủ chibo đang dừng");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "chibo serve did not exit");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");

    let store = chibo::store::Store::open(&server.path().join("demo.redb")).unwrap();
    let reader = store.read().unwrap();
    let branch = reader.org_id("QN.HL.HG.K2").unwrap().unwrap();
    let drafts: Vec<String> = reader
        .all_meetings_of(branch)
        .unwrap()
        .iter()
        .filter_map(|m| reader.draft(m.id).unwrap())
        .map(|d| d.text)
        .collect();
    assert!(
        drafts.iter().any(|t| t.contains(typed)),
        "the draft was saved: {drafts:?}"
    );
}

#[test]
fn a_secretary_of_one_branch_lands_on_its_meetings() {
    if !tools_present(true) {
        return;
    }
    let server = Server::start();
    let key = server.key("k2");
    server.add_user("k2", &key, "secretary", Some("QN.HL.HG.K2"));
    let tmux = ssh_in_tmux(&server, "home", &key, "k2");
    tmux.wait_for("Lịch họp — Chi bộ khu 2");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Phải dự 70");
}

#[test]
fn a_second_session_of_the_same_user_opens_where_the_first_left() {
    if !tools_present(true) {
        return;
    }
    let server = Server::start();
    let key = server.key("hg");
    server.add_user("hg", &key, "officer", Some("QN.HL.HG"));
    let first = ssh_in_tmux(&server, "first", &key, "hg");
    first.wait_for("Đảng ủy phường Hồng Gai");
    first.keys(&["b"]);
    first.wait_for("Tổng hợp · Tháng 11/2026");
    first.keys(&["q"]);
    first.wait_for("ssh-exit=0");

    let second = ssh_in_tmux(&server, "second", &key, "hg");
    second.wait_for("Tổng hợp · Tháng 11/2026");
    // Back from the dashboard: the tree, on the ward.
    second.keys(&["Escape"]);
    second.wait_until("the tree", |s| !s.contains("Tổng hợp · Tháng"));
}

#[test]
fn chibo_minutes_finds_the_meeting_to_minute() {
    let dir = tempfile::tempdir().unwrap();
    assert!(chibo(dir.path(), &["demo"]).status.success());
    let found = chibo(dir.path(), &["minutes", "--org", "QN.HL.HG.K2"]);
    assert!(found.status.success(), "{found:?}");
    let said = String::from_utf8(found.stdout).unwrap();
    assert!(
        said.starts_with("Chi bộ khu 2 (QN.HL.HG.K2) 2026-11-"),
        "{said}"
    );
    let none = chibo(
        dir.path(),
        &["minutes", "--org", "QN.HL.HG.K2", "--date", "1990-01-01"],
    );
    assert!(!none.status.success());
    assert!(
        String::from_utf8_lossy(&none.stderr).contains("không có cuộc họp nào"),
        "{none:?}"
    );
    assert!(String::from_utf8_lossy(&none.stderr).contains("--record"));
    // With --record the month's regular meeting is recorded as held that day, and found.
    let args = ["minutes", "--org", "QN.HL.HG.K2", "--date", "1990-01-01"];
    let recorded = chibo(dir.path(), &[&args[..], &["--record"]].concat());
    assert!(recorded.status.success(), "{recorded:?}");
    let found = chibo(dir.path(), &args);
    let said = String::from_utf8(found.stdout).unwrap();
    assert_eq!(
        said.trim(),
        "Chi bộ khu 2 (QN.HL.HG.K2) 1990-01-01 sinh hoạt thường kỳ"
    );
}

/// A tmux session running ssh as `login`, and the line it prints when ssh ends.
fn ssh_in_tmux(server: &Server, tag: &str, key: &Path, login: &str) -> Tmux {
    let command = format!(
        "ssh -tt {}; echo ssh-exit=$?; sleep 60",
        server.ssh_args(key, login).join(" ")
    );
    Tmux::named(tag, &command)
}

/// Two secretaries of Quarter 2, "lan" and "hoa", signed in through the servers given (one
/// server, or two on the same file), each in a tmux session of the tag given.
fn two_secretaries_of_quarter_2(
    (lan_server, lan_tag): (&Server, &str),
    (hoa_server, hoa_tag): (&Server, &str),
) -> (Tmux, Tmux) {
    let (lan_key, hoa_key) = (lan_server.key("lan"), lan_server.key("hoa"));
    lan_server.add_user("lan", &lan_key, "secretary", Some("QN.HL.HG.K2"));
    lan_server.add_user("hoa", &hoa_key, "secretary", Some("QN.HL.HG.K2"));
    (
        ssh_in_tmux(lan_server, lan_tag, &lan_key, "lan"),
        ssh_in_tmux(hoa_server, hoa_tag, &hoa_key, "hoa"),
    )
}

/// Lan types `typed` into Quarter 2's minutes; Hoa, opening the same record, is told Lan
/// holds them and gets them read-only.
fn lan_types_and_hoa_sees_her_hold(lan: &Tmux, hoa: &Tmux, typed: &str) {
    into_quarter_2_minutes(lan);
    lan.text(typed);
    lan.wait_for(typed);
    hoa.wait_for("Lịch họp — Chi bộ khu 2");
    hoa.keys(&["Enter"]);
    hoa.wait_for("lan đang soạn biên bản này: chỉ xem");
}

/// From a branch secretary's landing screen into the first section of the minutes of this
/// month's meeting, ready to type.
fn into_quarter_2_minutes(tmux: &Tmux) {
    tmux.wait_for("Lịch họp — Chi bộ khu 2");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Phải dự 70");
    tmux.keys(&["Tab"]);
    tmux.wait_for("I. Thời gian, địa điểm, chủ trì, thư ký");
    tmux.keys(&["Enter"]);
}

/// The text of every draft and every saved minutes of Chi bộ khu 2, read from the file
/// (which the running server shares).
fn quarter_2_minutes_and_drafts(server: &Server) -> String {
    let store = chibo::store::Store::open(&server.path().join("demo.redb")).unwrap();
    let reader = store.read().unwrap();
    let branch = reader.org_id("QN.HL.HG.K2").unwrap().unwrap();
    let mut text = String::new();
    for meeting in reader.all_meetings_of(branch).unwrap() {
        if let Some(draft) = reader.draft(meeting.id).unwrap() {
            text.push_str(&draft.text);
        }
        text.push_str(&format!("{:?}", meeting.minutes));
    }
    text
}

#[test]
fn two_people_on_one_meeting_the_second_reads_until_the_first_leaves() {
    if !tools_present(true) {
        return;
    }
    let server = Server::start();
    let (lan, hoa) = two_secretaries_of_quarter_2((&server, "lan"), (&server, "hoa"));

    let first = "Lan ghi biên bản.";
    lan_types_and_hoa_sees_her_hold(&lan, &hoa, first);

    // What the second types changes nothing.
    hoa.keys(&["Tab"]);
    hoa.wait_for("I. Thời gian, địa điểm, chủ trì, thư ký");
    hoa.keys(&["Enter"]);
    let refused = "Hoa gõ khi chưa được soạn";
    hoa.text(refused);
    std::thread::sleep(Duration::from_millis(500));
    let screen = hoa.wait_for("lan đang soạn biên bản này: chỉ xem");
    assert!(!screen.contains(refused), "{screen}");
    assert!(
        !screen.contains("đã được duyệt"),
        "held, not approved: {screen}"
    );
    // Past the autosave of the first's draft: the store has hers and nothing of the second's.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !quarter_2_minutes_and_drafts(&server).contains(first) {
        assert!(
            Instant::now() < deadline,
            "the first's draft was never saved"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(!quarter_2_minutes_and_drafts(&server).contains(refused));

    // The first leaves the record (her minutes saved): the second may edit them as she
    // left them, and does.
    lan.keys(&["Escape"]);
    lan.wait_for("Lịch họp — Chi bộ khu 2");
    hoa.wait_for("Biên bản đã có thể soạn");
    hoa.wait_for(first);
    let second = " Hoa ghi tiếp.";
    hoa.text(second);
    hoa.wait_for(second.trim());
    hoa.keys(&["Escape"]);
    hoa.wait_for("Lịch họp — Chi bộ khu 2");
    let stored = quarter_2_minutes_and_drafts(&server);
    assert!(stored.contains(second.trim()), "{stored}");
    assert!(stored.contains(first), "the first's minutes kept: {stored}");
    assert!(!stored.contains(refused), "{stored}");
}

#[test]
fn killing_the_ssh_client_while_typing_keeps_what_was_typed() {
    if !tools_present(true) {
        return;
    }
    let server = Server::start();
    let key = server.key("k2");
    server.add_user("k2", &key, "secretary", Some("QN.HL.HG.K2"));
    let tmux = ssh_in_tmux(&server, "killed", &key, "k2");
    into_quarter_2_minutes(&tmux);
    let typed = ["Chi ủy họp ", "bàn việc thu ", "đảng phí quý IV."];
    for part in typed {
        tmux.text(part);
        tmux.wait_for(part.trim_end());
    }
    // At most the last 2 s may be lost: a little later, the draft holds everything.
    let whole = typed.concat();
    std::thread::sleep(Duration::from_millis(2500));
    let deadline = Instant::now() + Duration::from_secs(2);
    while !quarter_2_minutes_and_drafts(&server).contains(&whole) {
        assert!(
            Instant::now() < deadline,
            "no draft of {whole:?} 2 s after the last key"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Then the client dies without a word.
    kill_ssh_client(&tmux);

    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let stored = quarter_2_minutes_and_drafts(&server);
        if stored.contains(&whole) {
            break;
        }
        assert!(Instant::now() < deadline, "lost: {whole:?} not in {stored}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_lease_taken_through_one_server_holds_for_another_server_on_the_same_file() {
    if !tools_present(true) {
        return;
    }
    let first = Server::start();
    let second = first.another();
    let (lan, hoa) = two_secretaries_of_quarter_2((&first, "lan-first"), (&second, "hoa-second"));

    lan_types_and_hoa_sees_her_hold(&lan, &hoa, "Lan ghi qua máy chủ thứ nhất.");

    // Leaving through the first server frees the minutes for the second's session.
    lan.keys(&["Escape"]);
    lan.wait_for("Lịch họp — Chi bộ khu 2");
    hoa.wait_for("Biên bản đã có thể soạn");
}

#[test]
fn a_server_started_in_a_small_terminal_serves_every_client_at_its_own_size() {
    if !tools_present(true) {
        return;
    }
    let mut server = Server::start();
    let key = server.key("bt");
    server.add_user("bt", &key, "secretary", Some("QN.HL.HG"));
    // The same database served from a 100×10 pane instead, as an administrator might start it.
    let _ = server.child.kill();
    let _ = server.child.wait();
    server.port = free_port();
    let command = format!(
        "env XDG_STATE_HOME={dir} {BIN} --db {db} --today 2026-11-23 serve --listen 127.0.0.1:{port}; sleep 60",
        dir = server.path().display(),
        db = db(server.path()),
        port = server.port,
    );
    let _pane = Tmux::sized("small-server", &command, 100, 10);
    server.wait_listening();

    let tmux = ssh_in_tmux(&server, "big-client", &key, "bt");
    tmux.wait_for("Đảng ủy phường Hồng Gai");
    // Keys move the client's own 100×30 screen: the search opens and finds.
    let screen = search_quarter_2(&tmux);
    assert!(screen.lines().count() >= 20, "{screen}");
    tmux.keys(&["Escape"]);
    tmux.wait_until("the search closed", |s| !s.contains("Tìm kiếm"));
    tmux.keys(&["q"]);
    tmux.wait_for("ssh-exit=0");
}

#[test]
fn a_secretary_uploads_attaches_from_her_inbox_exports_with_f6_and_downloads() {
    if !tools_present(true) || !present("sftp", "-h") {
        return;
    }
    let server = Server::start();
    let key = server.key("lan");
    server.add_user("lan", &key, "secretary", Some("QN.HL.HG.K2"));
    let local = server.path().join("lan-laptop");
    std::fs::create_dir(&local).unwrap();
    let report: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(local.join("bao cao thang 12.pdf"), &report).unwrap();
    let put = server.sftp(&key, "lan", &local, "put \"bao cao thang 12.pdf\" inbox/\n");
    assert!(put.status.success(), "{put:?}");

    // In the app: December's plan, `a`, the inbox file offered, attached.
    let tmux = ssh_in_tmux(&server, "files", &key, "lan");
    tmux.wait_for("Lịch họp — Chi bộ khu 2");
    tmux.keys(&["]"]);
    tmux.wait_for("Tháng 12/2026");
    tmux.keys(&["a"]);
    tmux.wait_for("bao cao thang 12.pdf");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Đã đính kèm");
    // November's minutes, exported with F6 into her exports.
    tmux.keys(&["["]);
    tmux.wait_for("Tháng 11/2026");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Phải dự 70");
    tmux.keys(&["F6"]);
    tmux.wait_for("exports/QN.HL.HG.K2-2026-11-05-regular.docx");

    let fetched = server.sftp(
        &key,
        "lan",
        &local,
        "get exports/QN.HL.HG.K2-2026-11-05-regular.docx\n\
         get \"documents/QN.HL.HG.K2/2026-12/bao cao thang 12.pdf\" attached.pdf\n",
    );
    assert!(fetched.status.success(), "{fetched:?}");
    let docx = std::fs::read(local.join("QN.HL.HG.K2-2026-11-05-regular.docx")).unwrap();
    assert!(docx.starts_with(b"PK"), "a .docx is a zip");
    assert_eq!(std::fs::read(local.join("attached.pdf")).unwrap(), report);
    // Nothing was written into the folder the server runs in or beside the database.
    assert!(
        !server
            .path()
            .join("QN.HL.HG.K2-2026-11-05-regular.docx")
            .exists()
    );
}

/// The ssh client under `tmux`'s pane, killed without a word.
fn kill_ssh_client(tmux: &Tmux) {
    let pane = Command::new("tmux")
        .args(["display-message", "-p", "-t", &tmux.name, "#{pane_pid}"])
        .output()
        .unwrap();
    let pane = String::from_utf8(pane.stdout).unwrap().trim().to_string();
    let ssh = Command::new("pgrep")
        .args(["-P", &pane, "-x", "ssh"])
        .output()
        .unwrap();
    let ssh = String::from_utf8(ssh.stdout).unwrap().trim().to_string();
    assert!(!ssh.is_empty(), "no ssh under the tmux pane {pane}");
    assert!(
        Command::new("kill")
            .args(["-KILL", &ssh])
            .status()
            .unwrap()
            .success()
    );
    // The shell's words may wrap where chibo left the cursor.
    tmux.wait_until("ssh killed", |screen| {
        screen.replace('\n', "").contains("ssh-exit=137")
    });
}

/// Read-only means read-only, and a holder's text outlives her connection: Lan types, Hoa
/// (read-only) presses every key the record offers, Lan's client dies, and Tâm, taking the
/// minutes next, is offered Lan's draft and resumes it whole; the audit trail has no write
/// by Hoa.
#[test]
fn a_reader_writes_nothing_and_the_next_holder_resumes_the_lost_holders_text() {
    if !tools_present(true) {
        return;
    }
    let server = Server::start();
    let (lan, hoa) = two_secretaries_of_quarter_2((&server, "lan-held"), (&server, "hoa-reads"));
    let tam_key = server.key("tam");
    server.add_user("tam", &tam_key, "secretary", Some("QN.HL.HG.K2"));

    let typed = "Lan ghi: chi bộ bàn việc thu đảng phí quý IV.";
    lan_types_and_hoa_sees_her_hold(&lan, &hoa, typed);

    // On the roll, every mark, the guests, the vote, approval, amendment and save: each is
    // refused, none opens a form, and the record stays.
    for key in ["p", "a", "e", "u", "P", "g", "F8", "F9", "F7", "C-s", "F6"] {
        hoa.keys(&[key]);
    }
    // The last key, F6, a reader may press: the minutes exported as they stand.
    hoa.wait_for("Đã xuất biên bản");
    let screen = hoa.wait_for("Phải dự 70");
    assert!(screen.contains("Có mặt 0 · Có phép 0 · Vắng 0"), "{screen}");
    // In the minutes: text, a paste, undo, save.
    hoa.keys(&["Tab"]);
    hoa.wait_for("I. Thời gian, địa điểm, chủ trì, thư ký");
    hoa.text("Hoa gõ vào");
    for key in ["Enter", "C-v", "C-z", "C-s", "BSpace", "F9", "F8"] {
        hoa.keys(&[key]);
    }
    hoa.wait_for("lan đang soạn biên bản này");
    // Hoa leaves the record: whoever is on it when Lan's hold lapses takes the minutes
    // next, and that is to be Tâm.
    hoa.keys(&["Escape"]);
    hoa.wait_for("Lịch họp — Chi bộ khu 2");

    // Lan's connection dies; what she typed reaches the database as her draft.
    kill_ssh_client(&lan);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !quarter_2_minutes_and_drafts(&server).contains(typed) {
        assert!(Instant::now() < deadline, "Lan's text was lost");
        std::thread::sleep(Duration::from_millis(200));
    }

    // Tâm takes the minutes next: he is offered Lan's draft, and resumes it whole.
    let tam = ssh_in_tmux(&server, "tam-next", &tam_key, "tam");
    tam.wait_for("Lịch họp — Chi bộ khu 2");
    tam.keys(&["Enter"]);
    tam.wait_for("Có bản nháp biên bản chưa lưu của lan");
    tam.keys(&["y"]);
    tam.wait_for("Đã mở lại bản nháp");
    tam.keys(&["Tab"]);
    tam.wait_for(typed);

    let trail = chibo(server.path(), &["audit", "--user", "hoa"]);
    assert!(trail.status.success(), "{trail:?}");
    let by_hoa = String::from_utf8(trail.stdout).unwrap();
    assert!(by_hoa.trim().is_empty(), "Hoa wrote: {by_hoa}");
    let by_lan =
        String::from_utf8(chibo(server.path(), &["audit", "--user", "lan"]).stdout).unwrap();
    assert!(
        by_lan.contains("draft"),
        "Lan's draft is in the trail: {by_lan}"
    );
}

#[test]
fn two_officers_export_the_wards_table_by_branch_each_into_their_own_exports() {
    // Two officers of Hồng Gai at the same time: F6 on the ward's dashboard puts the
    // month's table by branch in each one's exports, fetched with sftp; neither reaches the
    // other's, and nothing lands on the server's disk.
    if !tools_present(true) || !present("sftp", "-h") {
        return;
    }
    let server = Server::start();
    let name = "QN.HL.HG-2026-11-attendance-by-branch.xlsx";
    let mut officers = Vec::new();
    for login in ["tam", "minh"] {
        let key = server.key(login);
        server.add_user(login, &key, "officer", Some("QN.HL.HG"));
        let tmux = ssh_in_tmux(&server, &format!("f6-{login}"), &key, login);
        tmux.wait_for("Đảng ủy phường Hồng Gai");
        officers.push((login, key, tmux));
    }
    for (_, _, tmux) in &officers {
        tmux.keys(&["b"]);
        tmux.wait_for("Tổng hợp · Tháng 11/2026");
        tmux.keys(&["F6"]);
    }
    for (login, key, tmux) in &officers {
        tmux.wait_for(&format!("exports/{name}"));
        let local = server.path().join(format!("{login}-laptop"));
        std::fs::create_dir(&local).unwrap();
        let got = server.sftp(key, login, &local, &format!("get exports/{name}\n"));
        assert!(got.status.success(), "{got:?}");
        let bytes = std::fs::read(local.join(name)).unwrap();
        assert!(bytes.starts_with(b"PK"), "an .xlsx is a zip");
        // The other officer's exports are not a path this one can name.
        let other = if *login == "tam" { "minh" } else { "tam" };
        let peek = server.sftp(
            key,
            login,
            &local,
            &format!("get ../{other}/exports/{name} x\n"),
        );
        assert!(!local.join("x").exists(), "{peek:?}");
    }
    assert!(!server.path().join(name).exists());
}
