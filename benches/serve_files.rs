//! `chibo serve` at its boundary: what files over SFTP cost, and what a flood of idle
//! connections costs. The real release binary serves the demo database on a loopback port.
//!
//! ```sh
//! cargo bench --bench serve_files
//! ```
//!
//! It measures:
//! - the time to download a 10 MB file from a user's exports with OpenSSH's `sftp`, against
//!   OpenSSH's own `sftp-server` reading the same file (run directly with `sftp -D`, so it
//!   pays no encryption: the bound chibo's server is held to), best of five each;
//! - the server's resident memory (VmRSS) idle, then holding 300 connections that never
//!   sign in, with the default caps (64 signing in at once, 10 from one address) and with
//!   the caps raised to let all 300 in.
//!
//! Needs `ssh-keygen` and `sftp` (openssh-client) and, for the comparison,
//! `/usr/lib/openssh/sftp-server` (openssh-sftp-server); what is missing is said and skipped.

use std::net::{Ipv4Addr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chibo::io::space::{SpaceLimits, Spaces};

const BIN: &str = env!("CARGO_BIN_EXE_chibo");
const OPENSSH_SFTP_SERVER: &str = "/usr/lib/openssh/sftp-server";
const TEN_MB: usize = 10 * 1024 * 1024;
const IDLE_CONNECTIONS: usize = 300;
const TRIES: usize = 5;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.redb");
    let made = chibo(&db).arg("demo").output().unwrap();
    assert!(made.status.success(), "{made:?}");
    let key = dir.path().join("lan");
    if !keygen(&key) {
        println!("ssh-keygen is missing: install openssh-client");
        return;
    }
    let added = chibo(&db)
        .args(["user", "add", "lan", "--role", "admin", "--key"])
        .arg(key.with_extension("pub"))
        .output()
        .unwrap();
    assert!(added.status.success(), "{added:?}");

    download_figures(dir.path(), &db, &key);
    memory_figures(&db);
}

fn download_figures(dir: &Path, db: &Path, key: &Path) {
    let bytes: Vec<u8> = (0..TEN_MB).map(|i| (i * 7919 % 251) as u8).collect();
    let space = Spaces::beside(db, SpaceLimits::default())
        .of("lan")
        .unwrap();
    space.put_export("big.bin", &bytes).unwrap();
    let plain = dir.join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::write(plain.join("big.bin"), &bytes).unwrap();

    let server = Server::start(db, &[]);
    let chibo_best = best_of(|| {
        let target = dir.join("got-chibo.bin");
        let _ = std::fs::remove_file(&target);
        let batch = format!("get exports/big.bin {}\n", target.display());
        let started = Instant::now();
        let ran = sftp_batch(
            &batch,
            &[
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "BatchMode=yes",
                "-i",
                &key.display().to_string(),
                "-P",
                &server.port.to_string(),
                "lan@127.0.0.1",
            ],
        );
        let took = started.elapsed();
        assert!(ran, "sftp from chibo serve failed");
        assert_eq!(std::fs::read(&target).unwrap().len(), TEN_MB);
        took
    });
    drop(server);
    println!(
        "10 MB download, sftp from chibo serve (encrypted): best {chibo_best:.2?} of {TRIES}, {:.1} MB/s",
        mb_per_s(chibo_best)
    );

    if !Path::new(OPENSSH_SFTP_SERVER).exists() {
        println!("{OPENSSH_SFTP_SERVER} is missing (openssh-sftp-server): no comparison");
        return;
    }
    let openssh_best = best_of(|| {
        let target = dir.join("got-openssh.bin");
        let _ = std::fs::remove_file(&target);
        let batch = format!(
            "get {} {}\n",
            plain.join("big.bin").display(),
            target.display()
        );
        let started = Instant::now();
        let ran = sftp_batch(&batch, &["-D", OPENSSH_SFTP_SERVER]);
        let took = started.elapsed();
        assert!(ran, "sftp -D sftp-server failed");
        took
    });
    println!(
        "10 MB download, sftp -D OpenSSH sftp-server (no SSH, no encryption): best {openssh_best:.2?} of {TRIES}, {:.1} MB/s",
        mb_per_s(openssh_best)
    );
    println!(
        "chibo takes {:.1}× OpenSSH sftp-server's time",
        chibo_best.as_secs_f64() / openssh_best.as_secs_f64()
    );
}

fn memory_figures(db: &Path) {
    for (label, caps) in [
        ("default caps (64 in all, 10 per address)", &[][..]),
        (
            "caps raised to 1000",
            &["--max-unauthenticated", "1000", "--max-per-address", "1000"][..],
        ),
    ] {
        let server = Server::start(db, caps);
        std::thread::sleep(Duration::from_millis(300));
        let idle = rss_kb(server.child.id());
        // From 30 loopback addresses, 10 each: what a small botnet would do.
        let held: Vec<TcpStream> = (0..IDLE_CONNECTIONS)
            .filter_map(|i| connect_from(2 + (i / 10) as u8, server.port))
            .collect();
        std::thread::sleep(Duration::from_secs(2));
        let open = held.iter().filter(|s| still_open(s)).count();
        let flooded = rss_kb(server.child.id());
        println!(
            "{label}: RSS {idle} kB idle, {flooded} kB with {} connections made and {open} still open after 2 s (+{} kB)",
            held.len(),
            flooded.saturating_sub(idle)
        );
        drop(held);
    }
}

/// A TCP connection to `port` from 127.0.0.`last`, sending nothing. The standard
/// library cannot choose a client's source address; libc can.
fn connect_from(last: u8, port: u16) -> Option<TcpStream> {
    use std::os::fd::FromRawFd;
    // SAFETY: a plain socket/bind/connect sequence on a descriptor this function owns.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        if fd < 0 {
            return None;
        }
        let mut source: libc::sockaddr_in = std::mem::zeroed();
        source.sin_family = libc::AF_INET as libc::sa_family_t;
        source.sin_addr.s_addr = u32::from_be_bytes([127, 0, 0, last]).to_be();
        let mut target = source;
        target.sin_addr.s_addr = u32::from(Ipv4Addr::LOCALHOST).to_be();
        target.sin_port = port.to_be();
        let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        let address =
            |a: &libc::sockaddr_in| a as *const libc::sockaddr_in as *const libc::sockaddr;
        if libc::bind(fd, address(&source), len) != 0
            || libc::connect(fd, address(&target), len) != 0
        {
            libc::close(fd);
            return None;
        }
        Some(TcpStream::from_raw_fd(fd))
    }
}

/// Whether the server still holds the connection: a read that would block, not an end.
fn still_open(socket: &TcpStream) -> bool {
    use std::io::Read;
    socket.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 256];
    let mut reader = socket;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return false,
            Ok(_) => continue, // the server's greeting
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return true,
            Err(_) => return false,
        }
    }
}

fn best_of(mut run: impl FnMut() -> Duration) -> Duration {
    (0..TRIES).map(|_| run()).min().unwrap()
}

fn mb_per_s(took: Duration) -> f64 {
    TEN_MB as f64 / (1024.0 * 1024.0) / took.as_secs_f64()
}

fn sftp_batch(batch: &str, args: &[&str]) -> bool {
    use std::io::Write;
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(batch.as_bytes()).unwrap();
    Command::new("sftp")
        .arg("-q")
        .arg("-b")
        .arg(file.path())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse().ok())
        .unwrap_or(0)
}

fn keygen(path: &Path) -> bool {
    Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

fn chibo(db: &Path) -> Command {
    let mut command = Command::new(BIN);
    command.arg("--db").arg(db).args(["--today", "2026-11-23"]);
    command
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(db: &Path, extra: &[&str]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let state: PathBuf = db.with_file_name("state");
        let child = chibo(db)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(extra)
            .env("XDG_STATE_HOME", state)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chibo serve never listened");
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
