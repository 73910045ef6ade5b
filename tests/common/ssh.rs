//! `chibo serve` for tests that reach it with the real OpenSSH tools: a server on a free
//! loopback port with the demo database, keys made by `ssh-keygen`, users added with
//! `chibo user add`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_chibo");

/// The options every OpenSSH tool is given here: `key` only, no known-hosts file, no
/// agent, no questions.
pub fn client_options(key: &Path) -> Vec<String> {
    [
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "BatchMode=yes",
        "-o",
        "LogLevel=ERROR",
        "-i",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([key.display().to_string()])
    .collect()
}

/// Whether `program` can run; in CI (env `CI`) a missing one is a failure, not a skip.
pub fn present(program: &str, version_arg: &str) -> bool {
    let found = Command::new(program).arg(version_arg).output().is_ok();
    assert!(
        found || std::env::var_os("CI").is_none(),
        "{program} is missing"
    );
    if !found {
        eprintln!("skipped: {program} is not installed");
    }
    found
}

pub fn tools_present(tmux: bool) -> bool {
    present("ssh", "-V") && present("ssh-keygen", "-?") && (!tmux || present("tmux", "-V"))
}

/// A running `chibo serve` on a free loopback port with the demo database; killed when
/// dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
    path: PathBuf,
    /// The temp dir of the database, owned by the server that made it.
    _dir: Option<tempfile::TempDir>,
}

impl Server {
    pub fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let made = chibo(dir.path(), &["demo"]);
        assert!(made.status.success(), "{made:?}");
        let (child, port) = serve(dir.path());
        let server = Server {
            child,
            port,
            path: dir.path().to_path_buf(),
            _dir: Some(dir),
        };
        server.wait_listening();
        server
    }

    pub fn wait_listening(&self) {
        wait_listening(self.port);
    }

    /// Another `chibo serve` process on the same database, on a port of its own.
    pub fn another(&self) -> Server {
        let (child, port) = serve(self.path());
        wait_listening(port);
        Server {
            child,
            port,
            path: self.path.clone(),
            _dir: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A new key pair `name` / `name.pub` in the server's temp dir.
    pub fn key(&self, name: &str) -> PathBuf {
        let path = self.path().join(name);
        let made = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(made.status.success(), "{made:?}");
        path
    }

    pub fn add_user(&self, login: &str, key: &Path, role: &str, scope: Option<&str>) {
        let pubkey = format!("{}.pub", key.display());
        let mut args = vec!["user", "add", login, "--key", &pubkey, "--role", role];
        if let Some(scope) = scope {
            args.extend(["--scope", scope]);
        }
        let added = chibo(self.path(), &args);
        assert!(added.status.success(), "{added:?}");
    }

    /// The ssh command line for `login` with `key`.
    pub fn ssh_args(&self, key: &Path, login: &str) -> Vec<String> {
        let mut args = client_options(key);
        args.extend(["-p".into(), self.port.to_string()]);
        args.push(format!("{login}@127.0.0.1"));
        args
    }

    /// `sftp -b` with `batch` as `login`, run in `local`.
    pub fn sftp(&self, key: &Path, login: &str, local: &Path, batch: &str) -> Output {
        let file = local.join(".batch");
        std::fs::write(&file, batch).unwrap();
        Command::new("sftp")
            .args(client_options(key))
            .args(["-P", &self.port.to_string(), "-b"])
            .arg(&file)
            .arg(format!("{login}@127.0.0.1"))
            .current_dir(local)
            .output()
            .unwrap()
    }

    /// ssh without a terminal, stdin closed.
    pub fn ssh_plain(&self, key: &Path, login: &str) -> Output {
        Command::new("ssh")
            .args(self.ssh_args(key, login))
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `chibo serve` on the database in `dir`, on a free loopback port.
pub fn serve(dir: &Path) -> (Child, u16) {
    let port = free_port();
    let child = Command::new(BIN)
        .args([
            "--db",
            &db(dir),
            "--today",
            "2026-11-23",
            "serve",
            "--listen",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .env("XDG_STATE_HOME", dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    (child, port)
}

pub fn wait_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chibo serve never listened");
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn db(dir: &Path) -> String {
    dir.join("demo.redb").display().to_string()
}

pub fn chibo(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(["--db", &db(dir), "--today", "2026-11-23"])
        .args(args)
        .output()
        .unwrap()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
