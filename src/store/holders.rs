//! Who holds a database file open: read from /proc so a "locked" error can name the process.

use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    pub command: String,
}

impl Holder {
    /// "pid 4242 (chibo serve)".
    pub fn describe(&self) -> String {
        format!(
            "pid {} ({})",
            self.pid,
            crate::domain::text::sanitize(&self.command)
        )
    }
}

/// Processes other than this one with `path` open. Empty where /proc is not available.
pub fn holders_of(path: &Path) -> Vec<Holder> {
    let Ok(target) = path.canonicalize() else {
        return Vec::new();
    };
    let own_pid = std::process::id();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut holders: Vec<Holder> = procs
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| *pid != own_pid)
        .filter(|pid| has_open(*pid, &target))
        .map(|pid| Holder {
            pid,
            command: command_line(pid),
        })
        .collect();
    holders.sort_by_key(|h| h.pid);
    holders
}

fn has_open(pid: u32, target: &Path) -> bool {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    fds.flatten()
        .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|link| link == target))
}

fn command_line(pid: u32) -> String {
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let words: Vec<String> = raw
        .split(|b| *b == 0)
        .filter(|w| !w.is_empty())
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    match words.split_first() {
        Some((program, args)) => {
            let name = Path::new(program)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| program.clone());
            std::iter::once(name)
                .chain(args.iter().cloned())
                .collect::<Vec<_>>()
                .join(" ")
        }
        None => "?".into(),
    }
}
