//! Each user's files in chibo's keeping: a folder beside the database
//! (`chibo.redb.files/<login>/`) with an `inbox` for what the user uploads and an `exports`
//! folder for what chibo writes for them. The SSH server's file transfer and the app both go
//! through here, so names, limits and the refusal of links are decided in one place.
//!
//! Only plain files directly inside the two folders exist: a name is one path component
//! (checked by [`check_name`]), links are never followed and anything that is not a regular
//! file reads as absent. Whatever is being written lives first in a dot-file of the same
//! folder and takes its name only when whole, so a cut transfer never leaves half a file.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use crate::domain::Lang;
use crate::domain::prep::MAX_DOCUMENT_BYTES;
use crate::domain::text::{path_shown, quoted};
use crate::domain::user::valid_login;

const MIB: u64 = 1024 * 1024;

/// Files being written start with this; no name a user may give does (names never start
/// with a dot), so they are never listed nor opened by name.
const TEMP_PREFIX: &str = ".part-";

/// A temp file not written to for this long belongs to a transfer that died with its
/// process (a `kill -9` runs no destructor); it is swept when the space is next opened.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// The longest name most file systems take, in bytes.
const MAX_NAME_BYTES: usize = 255;

/// How much one user may keep.
#[derive(Clone, Copy, Debug)]
pub struct SpaceLimits {
    /// The largest single file: the same as the largest document chibo stores, so whatever
    /// arrives in the inbox can be attached to a meeting.
    pub file_bytes: u64,
    /// Everything in a user's inbox and exports together.
    pub user_bytes: u64,
}

impl Default for SpaceLimits {
    fn default() -> Self {
        SpaceLimits {
            file_bytes: MAX_DOCUMENT_BYTES,
            user_bytes: 100 * MIB,
        }
    }
}

/// The folder of every user's files, beside one database.
#[derive(Clone)]
pub struct Spaces {
    root: PathBuf,
    limits: SpaceLimits,
}

/// The two folders of a user's space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    /// What the user sent in.
    Inbox,
    /// What chibo wrote for the user (reports, minutes).
    Exports,
}

impl Area {
    fn folder(self) -> &'static str {
        match self {
            Area::Inbox => "inbox",
            Area::Exports => "exports",
        }
    }
}

/// One file of an area.
#[derive(Clone, Debug)]
pub struct FileEntry {
    pub name: String,
    pub size: u64,
    pub modified: SystemTime,
}

/// One user's inbox and exports.
#[derive(Clone)]
pub struct UserSpace {
    login: String,
    dir: PathBuf,
    limits: SpaceLimits,
}

/// What is wrong with a file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameFault {
    Empty,
    TooLong,
    /// `/` or `\`: a name is one component, never a path.
    Separator,
    /// A control character, a line or paragraph separator or a bidi control: they would act
    /// on the terminal or reorder the line of whoever reads the name.
    Control,
    /// `.`, `..` or any name starting with a dot (files being written are dot-files).
    Dot,
    /// A trailing space or dot, which some systems drop and others keep.
    Trailing,
    /// Bytes that are not UTF-8 text, which arrive as U+FFFD: the name the client used
    /// would no longer exist once stored.
    NotText,
    /// Not a login chibo could have made.
    Login,
}

impl NameFault {
    fn describe(self, lang: Lang) -> &'static str {
        match self {
            NameFault::Empty => lang.pick("tên trống", "the name is empty"),
            NameFault::TooLong => lang.pick("tên dài quá 255 byte", "longer than 255 bytes"),
            NameFault::Separator => lang.pick("có dấu / hoặc \\", "contains / or \\"),
            NameFault::Control => lang.pick("có ký tự điều khiển", "contains a control character"),
            NameFault::Dot => lang.pick("không được bắt đầu bằng dấu chấm", "starts with a dot"),
            NameFault::Trailing => lang.pick(
                "không được kết thúc bằng dấu cách hay dấu chấm",
                "ends with a space or a dot",
            ),
            NameFault::NotText => lang.pick(
                "có byte không phải chữ UTF-8; hãy đổi tên tệp trên máy của bạn",
                "holds bytes that are not UTF-8 text; rename the file on your computer",
            ),
            NameFault::Login => lang.pick("tên đăng nhập không hợp lệ", "not a valid login"),
        }
    }
}

/// Why a file could not be listed, read or written.
#[derive(Debug)]
pub enum SpaceError {
    BadName {
        name: String,
        why: NameFault,
    },
    NotFound(String),
    TooLarge {
        name: String,
        size: u64,
        limit: u64,
    },
    Full {
        used: u64,
        limit: u64,
    },
    /// A rename onto a name already taken (a rename never replaces a file).
    Exists(String),
    Io(io::Error),
}

impl SpaceError {
    /// The error in the user's language; names are quoted with their unsafe characters escaped.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            SpaceError::BadName { name, why } => format!(
                "{} {} ({})",
                lang.pick("Tên tệp không hợp lệ:", "Invalid file name:"),
                quoted(name),
                why.describe(lang)
            ),
            SpaceError::NotFound(name) => format!(
                "{} {}",
                lang.pick("Không có tệp", "No such file:"),
                quoted(name)
            ),
            SpaceError::TooLarge { name, limit, .. } => match lang {
                Lang::Vi => format!(
                    "Tệp {} vượt giới hạn {}",
                    quoted(name),
                    megabytes(*limit, lang)
                ),
                Lang::En => format!(
                    "The file {} is over the {} limit",
                    quoted(name),
                    megabytes(*limit, lang)
                ),
            },
            SpaceError::Full { used, limit } => format!(
                "{} ({} / {})",
                lang.pick("Không gian của bạn đã đầy", "Your space is full"),
                megabytes(*used, lang),
                megabytes(*limit, lang)
            ),
            SpaceError::Exists(name) => match lang {
                Lang::Vi => format!("Đã có tệp tên {}", quoted(name)),
                Lang::En => format!("A file named {} already exists", quoted(name)),
            },
            SpaceError::Io(e) => format!("{} {e}", lang.pick("Lỗi đọc ghi tệp:", "File error:")),
        }
    }
}

impl fmt::Display for SpaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::default()))
    }
}

impl std::error::Error for SpaceError {}

impl From<io::Error> for SpaceError {
    fn from(e: io::Error) -> Self {
        SpaceError::Io(e)
    }
}

/// Bytes as megabytes (of 1024 × 1024, as the document limit is counted), one decimal
/// when it is not whole, written the way each language writes decimals; under a tenth of
/// a megabyte, as bytes, so a small size never reads as 0 MB.
fn megabytes(bytes: u64, lang: Lang) -> String {
    if bytes < MIB / 20 {
        return format!("{bytes} {}", lang.pick("byte", "bytes"));
    }
    let tenths = (u128::from(bytes) * 10 + u128::from(MIB / 2)) / u128::from(MIB);
    let (whole, tenth) = (tenths / 10, tenths % 10);
    if tenth == 0 {
        format!("{whole} MB")
    } else {
        format!("{whole}{}{tenth} MB", lang.pick(",", "."))
    }
}

/// Refuses a name that is not one plain, visible file name (see [`NameFault`]).
pub fn check_name(name: &str) -> Result<(), SpaceError> {
    match name_fault(name) {
        Some(why) => Err(SpaceError::BadName {
            name: name.to_string(),
            why,
        }),
        None => Ok(()),
    }
}

fn name_fault(name: &str) -> Option<NameFault> {
    if name.is_empty() {
        Some(NameFault::Empty)
    } else if name.len() > MAX_NAME_BYTES {
        Some(NameFault::TooLong)
    } else if name.contains(['/', '\\']) {
        Some(NameFault::Separator)
    } else if name.chars().any(is_refused_char) {
        Some(NameFault::Control)
    } else if name.contains(char::REPLACEMENT_CHARACTER) {
        Some(NameFault::NotText)
    } else if name.starts_with('.') {
        Some(NameFault::Dot)
    } else if name.ends_with([' ', '.']) {
        Some(NameFault::Trailing)
    } else {
        None
    }
}

/// C0 and C1 controls, DEL, line and paragraph separators, bidi embeddings, overrides,
/// isolates and marks, and the byte-order mark.
fn is_refused_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{FEFF}'
        )
}

impl Spaces {
    /// The spaces of the database at `db`: the folder `<db>.files` beside it.
    pub fn beside(db: &Path, limits: SpaceLimits) -> Spaces {
        let mut root = db.as_os_str().to_owned();
        root.push(".files");
        Spaces {
            root: PathBuf::from(root),
            limits,
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn limits(&self) -> SpaceLimits {
        self.limits
    }

    /// Makes the folder of every user's space when missing, and checks it is a folder: what
    /// a server checks once at start, so that a broken one is said before anyone connects.
    pub fn prepare(&self) -> Result<(), SpaceError> {
        // The root may be a link an administrator made to another disk; below it, nothing.
        make_dir(&self.root)?;
        if !fs::metadata(&self.root)?.is_dir() {
            return Err(not_a_directory(&self.root));
        }
        Ok(())
    }

    /// The space of `login`, its folders made (mode 0700) when missing. A user's folder or
    /// area that is anything but a real directory (a link planted there) is refused.
    pub fn of(&self, login: &str) -> Result<UserSpace, SpaceError> {
        if !valid_login(login) {
            return Err(SpaceError::BadName {
                name: login.to_string(),
                why: NameFault::Login,
            });
        }
        self.prepare()?;
        let dir = self.root.join(login);
        real_dir(&dir)?;
        for area in [Area::Inbox, Area::Exports] {
            real_dir(&dir.join(area.folder()))?;
        }
        let space = UserSpace {
            login: login.to_string(),
            dir,
            limits: self.limits,
        };
        space.sweep_stale_temps();
        Ok(space)
    }
}

fn make_dir(path: &Path) -> Result<(), SpaceError> {
    match fs::DirBuilder::new().mode(0o700).create(path) {
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => Err(e.into()),
        _ => Ok(()),
    }
}

/// Makes `path` when missing and checks it is a directory itself, not a link to one.
fn real_dir(path: &Path) -> Result<(), SpaceError> {
    make_dir(path)?;
    if fs::symlink_metadata(path)?.is_dir() {
        Ok(())
    } else {
        Err(not_a_directory(path))
    }
}

fn not_a_directory(path: &Path) -> SpaceError {
    SpaceError::Io(io::Error::other(format!(
        "{} is not a directory",
        path_shown(path)
    )))
}

impl UserSpace {
    pub fn login(&self) -> &str {
        &self.login
    }

    /// The folder of `area`, checked on every use: a user's folder or area replaced by a
    /// link while a session is open is refused then too, not only when the space opened.
    fn area_dir(&self, area: Area) -> Result<PathBuf, SpaceError> {
        let dir = self.dir.join(area.folder());
        for folder in [&self.dir, &dir] {
            if !fs::symlink_metadata(folder)?.is_dir() {
                return Err(not_a_directory(folder));
            }
        }
        Ok(dir)
    }

    /// Where file `name` of `area` lives, once the name is known to be one plain component.
    fn path(&self, area: Area, name: &str) -> Result<PathBuf, SpaceError> {
        check_name(name)?;
        Ok(self.area_dir(area)?.join(name))
    }

    /// The files of `area`, newest first: regular files with a valid name only.
    pub fn list(&self, area: Area) -> Result<Vec<FileEntry>, SpaceError> {
        let mut out = Vec::new();
        for entry in fs::read_dir(self.area_dir(area)?)? {
            let entry = entry?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            // `DirEntry::metadata` does not follow a link: a link is not a regular file.
            let Ok(meta) = entry.metadata() else {
                continue;
            };
            if check_name(&name).is_ok() && meta.is_file() {
                out.push(FileEntry {
                    name,
                    size: meta.len(),
                    modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                });
            }
        }
        out.sort_by(|a, b| b.modified.cmp(&a.modified).then(a.name.cmp(&b.name)));
        Ok(out)
    }

    /// The whole of file `name`, refused above the file limit.
    pub fn read(&self, area: Area, name: &str) -> Result<Vec<u8>, SpaceError> {
        let file = self.open(area, name)?;
        let limit = self.limits.file_bytes;
        let too_large = |size| SpaceError::TooLarge {
            name: name.to_string(),
            size,
            limit,
        };
        let size = file.metadata()?.len();
        if size > limit {
            return Err(too_large(size));
        }
        // Read at most one byte past the limit: a file growing meanwhile is still bounded.
        let mut bytes = Vec::with_capacity(size as usize);
        file.take(limit + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(too_large(bytes.len() as u64));
        }
        Ok(bytes)
    }

    /// File `name` open for reading. A link is not followed and anything but a regular
    /// file (a directory, a fifo) is not found.
    pub fn open(&self, area: Area, name: &str) -> Result<File, SpaceError> {
        let path = self.path(area, name)?;
        // Non-blocking, so a fifo planted under the name cannot hang the open.
        let opened = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&path);
        let file = match opened {
            Ok(file) => file,
            Err(e) if is_absent(&e) => return Err(SpaceError::NotFound(name.to_string())),
            Err(e) => return Err(e.into()),
        };
        if !file.metadata()?.is_file() {
            return Err(SpaceError::NotFound(name.to_string()));
        }
        Ok(file)
    }

    /// Writes `bytes` as export `name`, replacing a file of that name. Written whole to a
    /// temp file first, so a reader never sees half of it.
    pub fn put_export(&self, name: &str, bytes: &[u8]) -> Result<FileEntry, SpaceError> {
        let target = self.path(Area::Exports, name)?;
        let size = bytes.len() as u64;
        self.check_file_size(name, size)?;
        let others = self.used()?.saturating_sub(regular_size(&target)?);
        self.check_quota(others, size)?;
        let mut temp = TempFile::create(&self.area_dir(Area::Exports)?)?;
        temp.file.write_all(bytes)?;
        temp.file.sync_all()?;
        temp.persist(&target)?;
        entry_of(name, &target)
    }

    /// Starts an upload of `name` into the inbox; it replaces a file of that name when
    /// finished, and leaves nothing when dropped unfinished.
    pub fn upload(&self, name: &str) -> Result<Upload, SpaceError> {
        let target = self.path(Area::Inbox, name)?;
        let others = self.used()?.saturating_sub(regular_size(&target)?);
        self.check_quota(others, 0)?;
        Ok(Upload {
            name: name.to_string(),
            target,
            temp: TempFile::create(&self.area_dir(Area::Inbox)?)?,
            space: self.clone(),
            others,
            extent: 0,
        })
    }

    /// Deletes file `name`; a link or directory of that name is not found (and stays).
    pub fn remove(&self, area: Area, name: &str) -> Result<(), SpaceError> {
        let path = self.path(area, name)?;
        self.require_file(&path, name)?;
        match fs::remove_file(&path) {
            Err(e) if is_absent(&e) => Err(SpaceError::NotFound(name.to_string())),
            other => Ok(other?),
        }
    }

    /// Renames file `from` to `to` within `area`; refused when `to` is taken.
    pub fn rename(&self, area: Area, from: &str, to: &str) -> Result<(), SpaceError> {
        let (old, new) = (self.path(area, from)?, self.path(area, to)?);
        self.require_file(&old, from)?;
        if from == to {
            return Ok(());
        }
        // A hard link fails when the new name is taken, where a rename would replace it;
        // the old name goes once the new one stands.
        match fs::hard_link(&old, &new) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Err(SpaceError::Exists(to.to_string()));
            }
            Err(e) if is_absent(&e) => return Err(SpaceError::NotFound(from.to_string())),
            other => other?,
        }
        fs::remove_file(&old)?;
        Ok(())
    }

    /// Bytes kept in the inbox and exports, files being written included: they take room.
    pub fn used(&self) -> Result<u64, SpaceError> {
        let mut total = 0u64;
        for area in [Area::Inbox, Area::Exports] {
            for entry in fs::read_dir(self.area_dir(area)?)? {
                // A file removed between the listing and its size counts for nothing.
                if let Ok(meta) = entry.and_then(|e| e.metadata())
                    && meta.is_file()
                {
                    total = total.saturating_add(meta.len());
                }
            }
        }
        Ok(total)
    }

    fn require_file(&self, path: &Path, name: &str) -> Result<(), SpaceError> {
        if !is_regular(path)? {
            return Err(SpaceError::NotFound(name.to_string()));
        }
        Ok(())
    }

    fn check_file_size(&self, name: &str, size: u64) -> Result<(), SpaceError> {
        let limit = self.limits.file_bytes;
        if size > limit {
            return Err(SpaceError::TooLarge {
                name: name.to_string(),
                size,
                limit,
            });
        }
        Ok(())
    }

    /// Refuses `size` more bytes on top of `others` past the user's quota.
    fn check_quota(&self, others: u64, size: u64) -> Result<(), SpaceError> {
        let limit = self.limits.user_bytes;
        if others.saturating_add(size) > limit {
            return Err(SpaceError::Full {
                used: others,
                limit,
            });
        }
        Ok(())
    }

    /// Removes temp files left by transfers whose process died; errors are left for the
    /// next time (the space is usable without it).
    fn sweep_stale_temps(&self) {
        let now = SystemTime::now();
        for area in [Area::Inbox, Area::Exports] {
            let Ok(entries) = self.area_dir(area).and_then(|dir| Ok(fs::read_dir(dir)?)) else {
                continue;
            };
            for entry in entries.flatten() {
                let is_temp = entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX);
                let stale = entry
                    .metadata()
                    .ok()
                    .filter(|m| m.is_file())
                    .and_then(|m| m.modified().ok())
                    .and_then(|at| now.duration_since(at).ok())
                    .is_some_and(|age| age > STALE_TEMP);
                if is_temp && stale {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
    }
}

fn is_absent(e: &io::Error) -> bool {
    // ELOOP: O_NOFOLLOW met a link; ENOTDIR: a component is not a directory.
    e.kind() == io::ErrorKind::NotFound
        || matches!(e.raw_os_error(), Some(libc::ELOOP) | Some(libc::ENOTDIR))
}

/// Whether `path` is a regular file itself (a link to one is not).
fn is_regular(path: &Path) -> Result<bool, SpaceError> {
    match fs::symlink_metadata(path) {
        Ok(meta) => Ok(meta.is_file()),
        Err(e) if is_absent(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The size of the regular file at `path`; 0 when there is none.
fn regular_size(path: &Path) -> Result<u64, SpaceError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => Ok(meta.len()),
        Ok(_) => Ok(0),
        Err(e) if is_absent(&e) => Ok(0),
        Err(e) => Err(e.into()),
    }
}

fn entry_of(name: &str, path: &Path) -> Result<FileEntry, SpaceError> {
    let meta = fs::symlink_metadata(path)?;
    Ok(FileEntry {
        name: name.to_string(),
        size: meta.len(),
        modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
    })
}

/// A dot-file being written, removed when dropped unless it took its final name.
struct TempFile {
    file: File,
    path: Option<PathBuf>,
}

impl TempFile {
    fn create(dir: &Path) -> Result<TempFile, SpaceError> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let mut tries = 0;
        loop {
            let nanos = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!("{TEMP_PREFIX}{}-{n}-{nanos}", std::process::id()));
            let opened = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW)
                .open(&path);
            match opened {
                Ok(file) => {
                    return Ok(TempFile {
                        file,
                        path: Some(path),
                    });
                }
                // Another process of the same pid number on a shared folder, or a leftover.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 8 => tries += 1,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Gives the file its final name, replacing whatever file had it.
    fn persist(&mut self, target: &Path) -> Result<(), SpaceError> {
        if let Some(path) = &self.path {
            fs::rename(path, target)?;
            self.path = None;
        }
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = fs::remove_file(path);
        }
    }
}

/// A file arriving in the inbox, written at the offsets the sender gives.
pub struct Upload {
    name: String,
    target: PathBuf,
    temp: TempFile,
    space: UserSpace,
    /// What the rest of the user's space held when the upload began (the file this one
    /// replaces left out: it goes when this one arrives).
    others: u64,
    /// The size written so far: the end of the furthest write.
    extent: u64,
}

impl Upload {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The bytes written so far.
    pub fn size(&self) -> u64 {
        self.extent
    }

    /// Writes `data` at `offset`; refused when it would take the file past the file limit
    /// or the user's space past the quota.
    pub fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<(), SpaceError> {
        let limit = self.space.limits.file_bytes;
        let end = offset.saturating_add(data.len() as u64);
        let extent = self.extent.max(end);
        if extent > limit {
            return Err(SpaceError::TooLarge {
                name: self.name.clone(),
                size: extent,
                limit,
            });
        }
        if self.others.saturating_add(extent) > self.space.limits.user_bytes {
            return Err(SpaceError::Full {
                used: self.others.saturating_add(self.extent),
                limit: self.space.limits.user_bytes,
            });
        }
        self.temp.file.write_all_at(data, offset)?;
        self.extent = extent;
        Ok(())
    }

    /// Gives the upload its name in the inbox. The quota is counted again first, since
    /// other uploads of the same user may have arrived meanwhile.
    pub fn finish(mut self) -> Result<FileEntry, SpaceError> {
        self.temp.file.sync_all()?;
        let replaced = regular_size(&self.target)?;
        let after = self.space.used()?.saturating_sub(replaced);
        let limit = self.space.limits.user_bytes;
        if after > limit {
            return Err(SpaceError::Full { used: after, limit });
        }
        self.temp.persist(&self.target)?;
        entry_of(&self.name, &self.target)
    }
}

#[cfg(test)]
mod tests;
