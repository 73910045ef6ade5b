//! Programs a test drives when they are installed (LibreOffice, poppler, script): found on
//! the PATH, skipped with a word when missing — except on CI, where a missing one fails —
//! and run with a deadline.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A program on the PATH, if it is installed.
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// `name`, or `None` after saying the test is skipped; on CI a missing program fails.
pub fn required(name: &str, package: &str) -> Option<PathBuf> {
    let found = find_program(name);
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but {name} is missing: install the Debian package {package}"
        );
        eprintln!("skipped: {name} is not installed (Debian package {package}); CI runs this");
    }
    found
}

/// Runs a command to its end, killing it if it takes longer than two minutes (an office
/// program waiting on something it will never get must not hang the test run).
pub fn run(command: &mut Command) -> Output {
    run_within(command, Duration::from_secs(120))
}

/// [`run`] with a deadline of `limit`, for a command given a batch of files. Its output is
/// read as it comes, so a program that says much never waits on a full pipe.
pub fn run_within(command: &mut Command, limit: Duration) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).map(|_| bytes)
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("{command:?} took longer than {} seconds", limit.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    Output {
        status,
        stdout: stdout.join().unwrap().unwrap(),
        stderr: stderr.join().unwrap().unwrap(),
    }
}

/// Converts an .xlsx file to UTF-8 CSV with LibreOffice (`soffice`), in a profile of its own
/// under `dir`, where the CSV is written too.
pub fn xlsx_to_csv(
    soffice: &std::path::Path,
    xlsx: &std::path::Path,
    dir: &std::path::Path,
) -> String {
    let csv = convert(
        soffice,
        xlsx,
        dir,
        "csv:Text - txt - csv (StarCalc):44,34,76,1",
    );
    std::fs::read_to_string(csv).unwrap()
}

/// Converts `input` with LibreOffice (`soffice`) to `target` (an extension, with a filter
/// after a colon if need be), in a profile of its own under `dir`, where the new file is
/// written; returns its path.
pub fn convert(
    soffice: &std::path::Path,
    input: &std::path::Path,
    dir: &std::path::Path,
    target: &str,
) -> PathBuf {
    let profile = dir.join("lo-profile");
    let out = run(Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", target])
        .arg("--outdir")
        .arg(dir)
        .arg(input));
    assert!(
        out.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let extension = target.split(':').next().unwrap();
    let name = input.with_extension(extension);
    dir.join(name.file_name().unwrap())
}
