//! Where a person's files come from and go to. At the local terminal chibo runs on the
//! person's own computer: a document is attached from a path and exports land in a
//! folder. Over SSH it runs on a server that is not theirs: no path is ever taken, a
//! document comes from the files they uploaded to their inbox and exports land in their
//! own exports space (`io::space`), which they fetch with sftp, scp or WinSCP.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::domain::prep::{MAX_DOCUMENT_BYTES, PrepError, check_document_size};
use crate::domain::text::{fold, quoted};
use crate::domain::{DocumentBody, Lang};
use crate::io::space::{Area, FileEntry, SpaceError, UserSpace};

/// A session's files.
#[derive(Clone)]
pub enum Files {
    /// The local terminal: paths on this computer; exports written into `export_dir`.
    Local { export_dir: PathBuf },
    /// An SSH session: the user's own inbox and exports, never a path.
    Space(UserSpace),
    /// An SSH session whose space could not be opened (the server's folder is broken):
    /// the app runs, and every file step says to tell the administrator.
    Unavailable,
}

/// Why a file could not be read or written: worded once, in [`FileError::message`].
#[derive(Debug)]
pub enum FileError {
    /// The user's own space refused it (a bad name, a limit, a link …).
    Space(SpaceError),
    /// Over the size a document may have.
    Size(PrepError),
    /// A file of no bytes: most likely an upload that went wrong.
    Empty { name: String },
    /// A path typed over SSH, where it would name the server's files.
    NoPaths,
    /// The inbox asked for at the local terminal, where files are named by path.
    NoInbox,
    /// The server's folder for the user's files cannot be opened.
    Unavailable,
    /// `C:\…`: a path on a Windows computer, which this one cannot open.
    WindowsPath { path: String },
    /// A folder where a file was expected.
    Folder { path: String },
    /// The system refused to read `path`.
    Unreadable {
        path: String,
        error: std::io::ErrorKind,
        detail: String,
    },
    /// The system refused to write `path`.
    Unwritable {
        path: String,
        error: std::io::ErrorKind,
        detail: String,
    },
}

impl From<SpaceError> for FileError {
    fn from(e: SpaceError) -> Self {
        FileError::Space(e)
    }
}

impl From<PrepError> for FileError {
    fn from(e: PrepError) -> Self {
        FileError::Size(e)
    }
}

impl FileError {
    fn unreadable(path: &Path, e: &std::io::Error) -> FileError {
        FileError::Unreadable {
            path: path.display().to_string(),
            error: e.kind(),
            detail: e.to_string(),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            FileError::Space(e) => e.message(lang),
            FileError::Size(e) => e.message(lang),
            FileError::Empty { name } => {
                let name = quoted(name);
                lang.pick(
                    format!("Tệp {name} rỗng: không có gì để đính kèm"),
                    format!("{name} is empty: there is nothing to attach"),
                )
            }
            FileError::NoPaths => lang
                .pick(
                    "Qua SSH, chibo không mở tệp theo đường dẫn: hãy tải tệp lên thư mục inbox/ (sftp, scp, WinSCP) rồi chọn nó",
                    "Over SSH chibo opens no file by path: upload the file to inbox/ (sftp, scp, WinSCP) and pick it",
                )
                .to_string(),
            FileError::NoInbox => lang
                .pick(
                    "Ở máy này, hãy nhập đường dẫn của tệp",
                    "On this computer, give the file's path",
                )
                .to_string(),
            FileError::Unavailable => lang
                .pick(
                    "Không mở được thư mục tệp của bạn trên máy chủ: hãy báo quản trị viên",
                    "Your files on the server cannot be opened: tell the administrator",
                )
                .to_string(),
            FileError::WindowsPath { path } => {
                let path = quoted(path);
                lang.pick(
                    format!(
                        "{path} là đường dẫn trên máy Windows; hãy nhập đường dẫn của tệp trên máy đang chạy chibo"
                    ),
                    format!(
                        "{path} is a path on a Windows computer; give the path of the file on the computer running chibo"
                    ),
                )
            }
            FileError::Folder { path } => {
                unreadable(lang, path, lang.pick("đây là một thư mục", "it is a folder"))
            }
            FileError::Unreadable {
                path,
                error,
                detail,
            } => unreadable(lang, path, &io_words(*error, detail, lang)),
            FileError::Unwritable {
                path,
                error,
                detail,
            } => format!("{path}: {}", io_words(*error, detail, lang)),
        }
    }
}

/// A document read for attaching: the name it is offered under and its content.
pub struct Picked {
    pub name: String,
    pub body: DocumentBody,
}

impl Files {
    /// Whether documents come from the user's inbox rather than from a typed path.
    pub fn from_inbox(&self) -> bool {
        !matches!(self, Files::Local { .. })
    }

    /// The files in the user's inbox, newest first; nothing at the local terminal.
    pub fn inbox(&self) -> Result<Vec<FileEntry>, FileError> {
        match self {
            Files::Local { .. } => Ok(Vec::new()),
            Files::Space(space) => Ok(space.list(Area::Inbox)?),
            Files::Unavailable => Err(FileError::Unavailable),
        }
    }

    /// The document in the inbox file `name`.
    pub fn read_inbox(&self, name: &str) -> Result<Picked, FileError> {
        let space = match self {
            Files::Space(space) => space,
            Files::Unavailable => return Err(FileError::Unavailable),
            Files::Local { .. } => return Err(FileError::NoInbox),
        };
        let bytes = space.read(Area::Inbox, name)?;
        check_document_size(name, bytes.len() as u64)?;
        refuse_empty(name, &bytes)?;
        Ok(Picked {
            name: name.to_string(),
            body: body_of(name, bytes),
        })
    }

    /// The document in the file at `path` on this computer; refused over SSH, where a
    /// path would name the server's files, not the user's.
    pub fn read_path(&self, path: &str) -> Result<Picked, FileError> {
        if self.from_inbox() {
            return Err(FileError::NoPaths);
        }
        let path = path.trim();
        let name = Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = read_file(Path::new(path), &name)?;
        refuse_empty(&name, &bytes)?;
        Ok(Picked {
            body: body_of(&name, bytes),
            name,
        })
    }

    /// Writes an exported document `name` whole; returns where it is, as the status line
    /// tells the user: a path locally, `exports/NAME` over SSH.
    pub fn export(&self, name: &str, bytes: &[u8]) -> Result<String, FileError> {
        match self {
            Files::Local { export_dir } => {
                let path = export_dir.join(name);
                write_whole(&path, bytes).map_err(|e| FileError::Unwritable {
                    path: path.display().to_string(),
                    error: e.kind(),
                    detail: e.to_string(),
                })?;
                Ok(path.display().to_string())
            }
            Files::Space(space) => {
                let entry = space.put_export(name, bytes)?;
                Ok(format!("exports/{}", entry.name))
            }
            Files::Unavailable => Err(FileError::Unavailable),
        }
    }
}

/// The name a document is shown by: `given` when the user gave one, with the file's
/// extension added when `given` has none (so that a copy saved from chibo still opens);
/// else the file's own name.
pub fn shown_name(given: Option<String>, file: &str) -> String {
    let Some(given) = given else {
        return file.to_string();
    };
    let has_extension = |name: &str| {
        Path::new(name)
            .extension()
            .is_some_and(|e| !e.is_empty() && !name.ends_with(' '))
    };
    match Path::new(file).extension() {
        Some(extension) if !has_extension(&given) => {
            format!("{given}.{}", extension.to_string_lossy())
        }
        _ => given,
    }
}

/// An empty file is no document: most likely an upload that went wrong.
fn refuse_empty(name: &str, bytes: &[u8]) -> Result<(), FileError> {
    if !bytes.is_empty() {
        return Ok(());
    }
    Err(FileError::Empty {
        name: name.to_string(),
    })
}

/// Writes `bytes` beside `path`, then renames the whole into place, so a failure never
/// leaves half a file where the last good one was.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, path)
}

/// Reads the file at `path`, refused from its size before it is read when over the limit.
fn read_file(path: &Path, name: &str) -> Result<Vec<u8>, FileError> {
    let shown = path.display().to_string();
    if looks_like_windows(&shown) {
        return Err(FileError::WindowsPath { path: shown });
    }
    let failed = |e: std::io::Error| FileError::unreadable(path, &e);
    let meta = std::fs::metadata(path).map_err(failed)?;
    if meta.is_dir() {
        return Err(FileError::Folder { path: shown });
    }
    check_document_size(name, meta.len())?;
    // The limit again on what is read, should the file have grown meanwhile.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(failed)?
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(failed)?;
    check_document_size(name, bytes.len() as u64)?;
    Ok(bytes)
}

/// Markdown text for `.md` and `.txt`, any other file as it is.
fn body_of(name: &str, bytes: Vec<u8>) -> DocumentBody {
    let extension = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "md" | "markdown" | "txt" => match String::from_utf8(bytes) {
            Ok(text) => DocumentBody::Markdown(text),
            Err(e) => DocumentBody::File {
                media_type: Some("text/plain".into()),
                bytes: e.into_bytes(),
            },
        },
        other => DocumentBody::File {
            media_type: media_type(other).map(str::to_string),
            bytes,
        },
    }
}

/// The media type of the files a branch usually attaches.
fn media_type(extension: &str) -> Option<&'static str> {
    Some(match extension {
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt" => "application/vnd.oasis.opendocument.text",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        _ => return None,
    })
}

/// `C:\…` or `\\server\…`: a path on a Windows computer, which this one cannot open.
fn looks_like_windows(path: &str) -> bool {
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && matches!(bytes[2], b'\\' | b'/');
    drive || path.starts_with("\\\\")
}

/// What went wrong reading or writing a file, in the user's language.
fn io_words(error: std::io::ErrorKind, detail: &str, lang: Lang) -> String {
    use std::io::ErrorKind::*;
    let words = match error {
        NotFound => lang.pick("không có tệp này", "no such file"),
        PermissionDenied => lang.pick("không có quyền mở tệp", "not allowed to open it"),
        IsADirectory => lang.pick("đây là một thư mục", "it is a folder"),
        StorageFull => lang.pick("ổ đĩa đã đầy", "the disk is full"),
        _ => {
            return format!(
                "{} ({detail})",
                lang.pick("lỗi đọc ghi tệp", "a file error")
            );
        }
    };
    words.to_string()
}

fn unreadable(lang: Lang, path: &str, why: &str) -> String {
    let path = quoted(path);
    lang.pick(
        format!("Không đọc được tệp {path}: {why}"),
        format!("Cannot read {path}: {why}"),
    )
}

/// An organisation code made safe for a file name on Windows, macOS and Linux alike: ASCII
/// letters and digits, `-`, `_` and `.` are kept, Vietnamese letters lose their marks
/// (`Đ` → `D`), anything else (`/`, `:`, spaces …) becomes `_`; no leading dot (a hidden file
/// on Unix) and no more than 80 characters.
pub fn safe_file_part(code: &str) -> String {
    let mut out: String = code
        .chars()
        .take(80)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                return c;
            }
            match fold(&c.to_string()).chars().next() {
                Some(base) if base.is_ascii_alphanumeric() && c.is_uppercase() => {
                    base.to_ascii_uppercase()
                }
                Some(base) if base.is_ascii_alphanumeric() => base,
                _ => '_',
            }
        })
        .collect();
    if out.starts_with('.') {
        out.replace_range(..1, "_");
    }
    if out.is_empty() {
        out.push_str("org");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::space::{SpaceLimits, Spaces};

    #[test]
    fn a_windows_path_is_named_as_such_in_the_users_language() {
        let files = Files::Local {
            export_dir: PathBuf::from("."),
        };
        let said = files
            .read_path(r"C:\Users\Lan\bao cao.docx")
            .err()
            .unwrap()
            .message(Lang::Vi);
        assert!(said.contains("đường dẫn trên máy Windows"), "{said}");
        let said = files
            .read_path("/no/such/file.pdf")
            .err()
            .unwrap()
            .message(Lang::Vi);
        assert!(said.contains("không có tệp này"), "{said}");
    }

    #[test]
    fn over_ssh_no_path_is_opened_and_exports_land_in_the_users_space() {
        let dir = tempfile::tempdir().unwrap();
        let space = lan_space(dir.path());
        let files = Files::Space(space.clone());
        let said = files
            .read_path("/etc/hostname")
            .err()
            .unwrap()
            .message(Lang::En);
        assert!(said.contains("opens no file by path"), "{said}");
        assert!(
            !said.contains("hostname"),
            "the path is not even echoed: {said}"
        );
        let at = files.export("BB.md", b"# bien ban").unwrap();
        assert_eq!(at, "exports/BB.md");
        assert_eq!(space.read(Area::Exports, "BB.md").unwrap(), b"# bien ban");
    }

    #[test]
    fn an_inbox_file_is_read_as_text_or_as_a_file_by_its_extension() {
        let dir = tempfile::tempdir().unwrap();
        let space = lan_space(dir.path());
        for (name, bytes) in [("ke hoach.md", &b"# Ke hoach"[..]), ("bc.pdf", b"%PDF-1.4")] {
            upload(&space, name, bytes);
        }
        upload(&space, "rong.pdf", b"");
        let files = Files::Space(space);
        assert_eq!(files.inbox().unwrap().len(), 3);
        let text = files.read_inbox("ke hoach.md").unwrap();
        assert!(matches!(text.body, DocumentBody::Markdown(ref t) if t == "# Ke hoach"));
        let pdf = files.read_inbox("bc.pdf").unwrap();
        assert!(matches!(
            pdf.body,
            DocumentBody::File { media_type: Some(ref m), .. } if m == "application/pdf"
        ));
        assert!(files.read_inbox("gone.pdf").is_err());
        let said = files
            .read_inbox("rong.pdf")
            .err()
            .unwrap()
            .message(Lang::Vi);
        assert!(said.contains("rỗng"), "{said}");
    }

    /// Lan's space beside a database in `dir`.
    fn lan_space(dir: &Path) -> UserSpace {
        Spaces::beside(&dir.join("c.redb"), SpaceLimits::default())
            .of("lan")
            .unwrap()
    }

    fn upload(space: &UserSpace, name: &str, bytes: &[u8]) {
        let mut upload = space.upload(name).unwrap();
        upload.write_at(0, bytes).unwrap();
        upload.finish().unwrap();
    }

    #[test]
    fn a_name_given_keeps_the_files_extension() {
        assert_eq!(shown_name(None, "bc.pdf"), "bc.pdf");
        assert_eq!(shown_name(Some("Báo cáo".into()), "bc.pdf"), "Báo cáo.pdf");
        assert_eq!(
            shown_name(Some("Ghi chú/tháng 12".into()), "gc.md"),
            "Ghi chú/tháng 12.md"
        );
        assert_eq!(
            shown_name(Some("Nghị quyết.docx".into()), "nq.md"),
            "Nghị quyết.docx"
        );
        assert_eq!(
            shown_name(Some("Không đuôi".into()), "README"),
            "Không đuôi"
        );
    }

    #[test]
    fn a_space_that_cannot_be_opened_says_so_at_every_step_and_takes_no_path() {
        let files = Files::Unavailable;
        for said in [
            files.inbox().err().unwrap().message(Lang::En),
            files.read_inbox("a.pdf").err().unwrap().message(Lang::En),
            files.export("a.md", b"x").err().unwrap().message(Lang::En),
        ] {
            assert!(said.contains("tell the administrator"), "{said}");
        }
        assert!(files.read_path("/etc/hostname").is_err());
    }
}
