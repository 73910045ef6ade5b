//! Where an export or a report goes: standard output, or a file that appears only whole.
//!
//! A file is written under a hidden name beside it and renamed into place once all of it
//! is written and on disk, so a failure half-way (a damaged database, a full disk) never
//! leaves a partial file under the name a backup job or a reader expects; the hidden one
//! is removed.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

pub struct Output {
    sink: Sink,
}

enum Sink {
    Stdout(BufWriter<io::StdoutLock<'static>>),
    /// Writing `partial`, to become `target`.
    File {
        out: BufWriter<File>,
        partial: PathBuf,
        target: PathBuf,
        done: bool,
    },
}

impl Output {
    pub fn stdout() -> Output {
        Output {
            sink: Sink::Stdout(BufWriter::new(io::stdout().lock())),
        }
    }

    /// A file at `target`, in place only once [`Output::finish`] succeeds.
    pub fn file(target: &Path) -> io::Result<Output> {
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
        let mut hidden = std::ffi::OsString::from(".");
        hidden.push(name);
        hidden.push(format!(".partial-{}", std::process::id()));
        let partial = target.with_file_name(hidden);
        let file = File::create(&partial)?;
        Ok(Output {
            sink: Sink::File {
                out: BufWriter::new(file),
                partial,
                target: target.to_path_buf(),
                done: false,
            },
        })
    }

    /// Everything is written: flushed, and a file synced and put in place.
    pub fn finish(mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(out) => out.flush(),
            Sink::File {
                out,
                partial,
                target,
                done,
            } => {
                out.flush()?;
                out.get_ref().sync_all()?;
                std::fs::rename(&*partial, &*target)?;
                *done = true;
                Ok(())
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Stdout(out) => out.write(buf),
            Sink::File { out, .. } => out.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(out) => out.flush(),
            Sink::File { out, .. } => out.flush(),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Sink::File {
            partial,
            done: false,
            ..
        } = &self.sink
        {
            let _ = std::fs::remove_file(partial);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_appears_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.jsonl");
        let mut out = Output::file(&target).unwrap();
        out.write_all(b"one\n").unwrap();
        out.flush().unwrap();
        assert!(!target.exists());
        out.finish().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"one\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_unfinished_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.jsonl");
        std::fs::write(&target, b"yesterday's\n").unwrap();
        let mut out = Output::file(&target).unwrap();
        out.write_all(b"half").unwrap();
        drop(out);
        assert_eq!(std::fs::read(&target).unwrap(), b"yesterday's\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
