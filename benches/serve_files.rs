//! `chibo serve` at its boundary: what files over SFTP cost, and what a flood of idle
//! connections costs. The real release binary serves the demo database on a loopback port.
//!
//! ```sh
//! cargo bench --bench serve_files
//! ```
//!
//! It measures:
//! - the time to download a 10 MB file from a user's exports with OpenSSH's `sftp`, against
//!   OpenSSH's own `sftp-server` serving the same file through a local `sshd` (the same
//!   work: SSH, encryption, SFTP) and alone through `sftp -D` (no SSH, no encryption: the
//!   floor), best of five each; a one-byte file is fetched too, so that what a connection
//!   costs (key exchange, sign-in) is told apart from the transfer;
//! - the server's resident memory (VmRSS) idle, then holding 300 connections that never
//!   sign in, with the default caps (64 signing in at once, 10 from one address) and with
//!   the caps raised to let all 300 in.
//!
//! Needs `ssh-keygen` and `sftp` (openssh-client) and, for the comparison, `sshd` and
//! `/usr/lib/openssh/sftp-server` (openssh-server); what is missing is said and skipped.

use std::net::{Ipv4Addr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chibo::io::space::{SpaceLimits, Spaces};

// The OpenSSH options, free ports and waits the tests use.
#[allow(dead_code)]
#[path = "../tests/common/ssh.rs"]
mod ssh;

use ssh::{BIN, client_options, free_port, wait_listening};

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
    space.put_export("one.bin", b"1").unwrap();
    let plain = dir.join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::write(plain.join("big.bin"), &bytes).unwrap();
    std::fs::write(plain.join("one.bin"), b"1").unwrap();

    let server = Server::start(db, &[]);
    let mut login = client_options(key);
    login.extend(["-P".into(), server.port.to_string(), "lan@127.0.0.1".into()]);
    report(
        "chibo serve (SSH, encrypted)",
        dir,
        &login,
        ("exports/one.bin", "exports/big.bin"),
    );
    drop(server);

    let Some(sshd) = Sshd::start(dir, key) else {
        return;
    };
    let mut login = client_options(key);
    login.extend([
        "-P".into(),
        sshd.port.to_string(),
        format!("{}@127.0.0.1", sshd.user),
    ]);
    let (one, big) = (plain.join("one.bin"), plain.join("big.bin"));
    let remote = (one.to_str().unwrap(), big.to_str().unwrap());
    report(
        "OpenSSH sshd + sftp-server (SSH, encrypted)",
        dir,
        &login,
        remote,
    );
    drop(sshd);
    let direct = ["-D".to_string(), OPENSSH_SFTP_SERVER.to_string()];
    report(
        "OpenSSH sftp-server alone (sftp -D: no SSH, no encryption)",
        dir,
        &direct,
        remote,
    );
}

/// Times fetching a one-byte file (what a connection costs) and the 10 MB file with `sftp
/// ARGS`, best of [`TRIES`], and prints both and the transfer rate once connected.
fn report(label: &str, dir: &Path, args: &[String], (one, big): (&str, &str)) {
    let target = dir.join("got.bin");
    let fetch = |remote: &str, size: usize| {
        best_of(|| {
            let _ = std::fs::remove_file(&target);
            let batch = format!("get \"{remote}\" {}\n", target.display());
            let started = Instant::now();
            assert!(sftp_batch(&batch, args), "{label}: sftp failed");
            let took = started.elapsed();
            assert_eq!(std::fs::read(&target).unwrap().len(), size);
            took
        })
    };
    let connect = fetch(one, 1);
    let whole = fetch(big, TEN_MB);
    let transfer = whole.saturating_sub(connect);
    println!(
        "{label}: 1 byte {connect:.2?}, 10 MB {whole:.2?} (best of {TRIES}); the 10 MB alone {transfer:.2?}, {:.0} MB/s",
        mb_per_s(transfer)
    );
}

/// OpenSSH's own server on a loopback port, its sftp-server as the `sftp` subsystem,
/// signing in the user running the bench with the same key: the comparison for chibo's.
struct Sshd {
    child: Child,
    port: u16,
    user: String,
}

impl Sshd {
    fn start(dir: &Path, key: &Path) -> Option<Sshd> {
        let sshd = Path::new("/usr/sbin/sshd");
        if !sshd.exists() || !Path::new(OPENSSH_SFTP_SERVER).exists() {
            println!("sshd or {OPENSSH_SFTP_SERVER} missing (openssh-server): no comparison");
            return None;
        }
        let home = dir.join("sshd");
        std::fs::create_dir_all(&home).unwrap();
        let host_key = home.join("host_ed25519");
        assert!(keygen(&host_key));
        std::fs::copy(key.with_extension("pub"), home.join("authorized_keys")).unwrap();
        // sshd refuses to start without its privilege-separation folder.
        let _ = std::fs::create_dir_all("/run/sshd");
        let port = free_port();
        let config = home.join("sshd_config");
        std::fs::write(
            &config,
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\n\
                 AuthorizedKeysFile {}\nStrictModes no\nUsePAM no\n\
                 PasswordAuthentication no\nKbdInteractiveAuthentication no\n\
                 Subsystem sftp {OPENSSH_SFTP_SERVER}\n",
                host_key.display(),
                home.join("sshd.pid").display(),
                home.join("authorized_keys").display(),
            ),
        )
        .unwrap();
        let child = Command::new(sshd)
            .arg("-D")
            .arg("-f")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        wait_listening(port);
        let user = std::env::var("USER").unwrap_or_else(|_| "root".into());
        Some(Sshd { child, port, user })
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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

fn sftp_batch(batch: &str, args: &[String]) -> bool {
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
        let port = free_port();
        let state: PathBuf = db.with_file_name("state");
        let child = chibo(db)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(extra)
            .env("XDG_STATE_HOME", state)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_listening(port);
        Server { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
