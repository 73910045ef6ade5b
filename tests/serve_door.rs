//! `chibo serve` at its door, tried as an attacker would: floods of connections that never
//! sign in, a process held to 256 file descriptors, unknown keys and passwords. The real
//! binary is driven with raw TCP connections and the real OpenSSH client.

mod common;

use std::io::Read;
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::ssh::{BIN, Server, client_options, db, free_port, present, wait_listening};

/// A second `chibo serve` on `server`'s database, with `extra` flags, its open files held
/// to `descriptors` (soft and hard, so the server cannot raise them), logging into the
/// database's folder.
fn serve_held(server: &Server, extra: &[&str], descriptors: u64) -> (Child, u16) {
    let port = free_port();
    let mut command = Command::new(BIN);
    command
        .args(["--db", &db(server.path()), "--today", "2026-11-23", "serve"])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(extra)
        .env("XDG_STATE_HOME", server.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: setrlimit is async-signal-safe and touches only the child being started.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: descriptors,
                rlim_max: descriptors,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = command.spawn().unwrap();
    wait_listening(port);
    (child, port)
}

/// `count` connections to `port` that never say a word.
fn idle_connections(port: u16, count: usize) -> Vec<TcpStream> {
    (0..count)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok())
        .collect()
}

/// How many of `sockets` the server still holds open: reading would wait, not end.
fn still_open(sockets: &[TcpStream]) -> usize {
    sockets
        .iter()
        .filter(|socket| {
            socket.set_nonblocking(true).unwrap();
            let mut buf = [0u8; 512];
            let mut reader: &TcpStream = socket;
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => return false,
                    Ok(_) => continue,
                    Err(e) => return e.kind() == std::io::ErrorKind::WouldBlock,
                }
            }
        })
        .count()
}

/// Waits until at most `most` of `sockets` are open, for up to `limit`.
fn until_open_at_most(sockets: &[TcpStream], most: usize, limit: Duration) -> usize {
    let deadline = Instant::now() + limit;
    loop {
        let open = still_open(sockets);
        if open <= most || Instant::now() > deadline {
            return open;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Signs `login` in with `key` over OpenSSH from the loopback address `from`, without a
/// terminal: chibo then answers that it needs one, which shows the sign-in went through.
fn signs_in(port: u16, key: &Path, login: &str, from: &str) -> bool {
    let out = Command::new("ssh")
        .args(client_options(key))
        .args([
            "-o",
            &format!("BindAddress={from}"),
            "-o",
            "ConnectTimeout=10",
        ])
        .args(["-p", &port.to_string(), &format!("{login}@127.0.0.1")])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).contains("chibo cần một terminal")
}

fn alive(child: &mut Child) -> bool {
    child.try_wait().unwrap().is_none()
}

fn log_of(server: &Server) -> String {
    std::fs::read_to_string(server.path().join("chibo").join("chibo.log")).unwrap_or_default()
}

#[test]
fn a_flood_of_idle_connections_is_turned_away_and_a_secretary_still_signs_in() {
    if !present("ssh", "-V") {
        return;
    }
    let server = Server::start();
    let key = server.key("lan");
    server.add_user("lan", &key, "secretary", Some("QN.HL.HG.K2"));
    let (mut child, port) = serve_held(&server, &["--login-grace", "3"], 256);

    let flood = idle_connections(port, 300);
    assert!(flood.len() >= 290, "{} connections made", flood.len());
    // Ten places for one address: the rest are closed at once.
    let open = until_open_at_most(&flood, 10, Duration::from_secs(5));
    assert!(open <= 10, "{open} idle connections held");
    assert!(alive(&mut child), "the server lives");
    // Someone from another address signs in while the flood's ten wait.
    assert!(signs_in(port, &key, "lan", "127.0.0.3"));
    // Nobody keeps a place past the login grace.
    assert_eq!(until_open_at_most(&flood, 0, Duration::from_secs(8)), 0);
    assert!(signs_in(port, &key, "lan", "127.0.0.1"));
    assert!(log_of(&server).contains("too many connections signing in"));
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn running_out_of_descriptors_refuses_connections_and_never_ends_the_server() {
    if !present("ssh", "-V") {
        return;
    }
    let server = Server::start();
    let key = server.key("lan");
    server.add_user("lan", &key, "secretary", Some("QN.HL.HG.K2"));
    // No cap but the descriptors: 300 idle connections cannot all fit in 256.
    let caps = [
        "--login-grace",
        "3",
        "--max-unauthenticated",
        "1000",
        "--max-per-address",
        "1000",
    ];
    let (mut child, port) = serve_held(&server, &caps, 256);
    let flood = idle_connections(port, 300);
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        alive(&mut child),
        "out of descriptors, the server must live on"
    );
    // Past the grace the idle ones are dropped, the waiting ones let in and dropped too.
    assert_eq!(until_open_at_most(&flood, 0, Duration::from_secs(15)), 0);
    assert!(alive(&mut child));
    assert!(signs_in(port, &key, "lan", "127.0.0.1"));
    let log = log_of(&server);
    assert!(log.contains("no file descriptor left"), "{log}");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn only_keys_are_offered_and_a_refused_sign_in_is_logged_with_address_and_key() {
    if !present("ssh", "-V") {
        return;
    }
    let server = Server::start();
    let stranger = server.key("stranger");
    let out = Command::new("ssh")
        .args(server.ssh_args(&stranger, "lan"))
        .arg("-v")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    let methods: Vec<&str> = said
        .lines()
        .filter(|l| l.contains("Authentications that can continue"))
        .collect();
    assert!(!methods.is_empty(), "{said}");
    assert!(
        methods
            .iter()
            .all(|l| l.trim_end().ends_with("continue: publickey")),
        "{methods:?}"
    );
    let fingerprint = Command::new("ssh-keygen")
        .args(["-l", "-E", "sha256", "-f"])
        .arg(stranger.with_extension("pub"))
        .output()
        .unwrap();
    let fingerprint = String::from_utf8_lossy(&fingerprint.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut log = log_of(&server);
    while !log.contains("sign-in refused") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        log = log_of(&server);
    }
    let refused = log
        .lines()
        .find(|l| l.contains("sign-in refused"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(refused.contains("127.0.0.1"), "{refused}");
    assert!(refused.contains(&fingerprint), "{refused}");
}

#[test]
fn a_server_whose_files_folder_is_broken_says_so_and_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("demo.redb");
    let made = common::ssh::chibo(dir.path(), &["demo"]);
    assert!(made.status.success(), "{made:?}");
    // Something that is not a folder where the users' files belong.
    std::fs::write(dir.path().join("demo.redb.files"), b"not a folder").unwrap();
    let out = Command::new(BIN)
        .arg("--db")
        .arg(&db_path)
        .args(["serve", "--listen", &format!("127.0.0.1:{}", free_port())])
        .env("XDG_STATE_HOME", dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("demo.redb.files"), "{said}");
}
