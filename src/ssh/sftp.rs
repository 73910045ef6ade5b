//! The `sftp` subsystem of `chibo serve`: each user sees a small tree of their own, never
//! the server's disk.
//!
//! - `/inbox/` — their uploads: list, upload, read back, rename, delete;
//! - `/exports/` — what chibo wrote for them: list, read, delete;
//! - `/documents/` — read only: the documents of the meetings in their scope, from the
//!   database, in folders `CODE Name` (a unit, holding its children's folders) and `YYYY-MM`
//!   (a month in which the unit has meetings with documents, holding the documents).
//!
//! Every path is read inside this tree: `/etc/hostname` is simply not there, and `..` above
//! `/` is refused. Files live in the user's [`UserSpace`], which checks names, limits and
//! links; the database is read through the user's scoped store handle, which refuses what
//! lies outside the scope. Uploads, downloads and deletes are written to the audit trail.

use std::collections::{BTreeSet, HashMap};
use std::os::unix::fs::FileExt;

use russh::server::Msg;
use russh::{Channel, ChannelMsg};
use russh_sftp::protocol::{
    Attrs, Data, File, FileAttributes, Handle, Name, OpenFlags, Status, StatusCode, Version,
};
use russh_sftp::server::{Handler, StatusReply};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::clock::Clock;
use crate::domain::YearMonth;
use crate::domain::text::{quoted, sanitize};
use crate::domain::{DocumentInfo, Lang, MeetingId, OrgId, OrgUnit};
use crate::io::space::{Area, FileEntry, SpaceError, Spaces, Upload, UserSpace};
use crate::store::{Reader, Store, StoreError};

/// Handles open at once per session: enough for any client's parallel transfers.
const MAX_HANDLES: usize = 64;
/// Database documents open at once per session: each is held in memory (≤ 10 MB).
const MAX_DOCUMENTS_OPEN: usize = 4;
/// The most bytes one read answers with, whatever the client asks.
const MAX_READ: u32 = 256 * 1024;
/// Entries per directory-listing reply, keeping each reply well under a packet.
const ENTRIES_PER_REPLY: usize = 100;
/// Children of a unit read per range scan.
const CHILDREN_PAGE: usize = 256;

/// Bytes in flight between the channel and the protocol, each way.
const PIPE_BYTES: usize = 64 * 1024;

const S_IFDIR: u32 = 0o040_000;
const S_IFREG: u32 = 0o100_000;

/// One user's SFTP session.
pub(super) struct Sftp {
    store: Store,
    space: UserSpace,
    lang: Lang,
    handles: HashMap<String, Opened>,
    next_handle: u64,
}

/// What a handle stands for.
enum Opened {
    Dir {
        entries: Vec<File>,
        sent: usize,
    },
    Disk {
        file: std::fs::File,
    },
    Document {
        bytes: Vec<u8>,
    },
    Upload {
        upload: Upload,
        path: String,
    },
    /// An upload refused part-way (too large, space full): its partial file is gone, and
    /// this is what the client is told until it closes the handle.
    Refused(String),
}

/// A place in the virtual tree.
enum Node {
    Root,
    Area(Area),
    AreaFile(Area, String),
    Documents,
    Unit(OrgUnit),
    Month(OrgUnit, YearMonth),
    Document(DocEntry),
}

/// A document as a month folder lists it.
#[derive(Clone)]
struct DocEntry {
    name: String,
    meeting: MeetingId,
    info: DocumentInfo,
}

/// Serves SFTP on `channel` until the client ends it. The protocol runs on one end of a
/// pipe and the channel is relayed to the other, so that once the protocol is done the
/// client is sent an exit status (`scp` fails without one) before the channel closes.
pub(super) async fn serve(channel: Channel<Msg>, handler: Sftp) {
    let (mut read, write) = channel.split();
    let (ours, theirs) = tokio::io::duplex(PIPE_BYTES);
    russh_sftp::server::run(theirs, handler).await;
    let (mut from_sftp, mut to_sftp) = tokio::io::split(ours);
    let inbound = async move {
        while let Some(msg) = read.wait().await {
            match msg {
                ChannelMsg::Data { data } if to_sftp.write_all(&data).await.is_ok() => {}
                ChannelMsg::Data { .. } | ChannelMsg::Eof | ChannelMsg::Close => break,
                _ => {}
            }
        }
        // The protocol ends when its input does.
        let _ = to_sftp.shutdown().await;
    };
    let outbound = async move {
        let mut buf = vec![0; PIPE_BYTES];
        while let Ok(n @ 1..) = from_sftp.read(&mut buf).await {
            if write.data(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = write.exit_status(0).await;
        let _ = write.eof().await;
        let _ = write.close().await;
    };
    tokio::join!(inbound, outbound);
}

impl Sftp {
    /// The session of the user `store` acts for, in their own space.
    pub(super) fn new(store: Store, spaces: &Spaces, lang: Lang) -> Result<Sftp, SpaceError> {
        let space = spaces.of(&store.access().login)?;
        Ok(Sftp {
            store,
            space,
            lang,
            handles: HashMap::new(),
            next_handle: 0,
        })
    }

    fn login(&self) -> &str {
        self.space.login()
    }

    /// A refusal in the user's language, logged (in English) so an administrator sees
    /// every one, whichever client hid its words.
    fn refuse(&self, code: StatusCode, vi: &str, en: &str) -> StatusReply {
        tracing::info!(login = self.login(), ?code, refused = en, "sftp");
        reply(self.lang, code, self.lang.pick(vi, en))
    }

    fn not_found(&self, path: &str) -> StatusReply {
        let message = match self.lang {
            Lang::Vi => format!("Không có tệp hay thư mục {}", quoted(path)),
            Lang::En => format!("No such file or folder {}", quoted(path)),
        };
        self.refuse(StatusCode::NoSuchFile, &message, &message)
    }

    fn read_only(&self) -> StatusReply {
        self.refuse(
            StatusCode::PermissionDenied,
            "Chỉ được ghi vào thư mục /inbox",
            "Only /inbox may be written to",
        )
    }

    fn space_error(&self, e: &SpaceError) -> StatusReply {
        let code = match e {
            SpaceError::NotFound(_) => StatusCode::NoSuchFile,
            SpaceError::BadName { .. } => StatusCode::PermissionDenied,
            _ => StatusCode::Failure,
        };
        if let SpaceError::Io(io) = e {
            tracing::warn!(login = self.login(), error = %io, "sftp file error");
        }
        let message = e.message(self.lang);
        self.refuse(code, &message, &message)
    }

    fn store_error(&self, e: &StoreError) -> StatusReply {
        match e {
            StoreError::OutOfScope | StoreError::NotAllowed { .. } => self.refuse(
                StatusCode::PermissionDenied,
                "Ngoài phạm vi của bạn",
                "Outside your scope",
            ),
            other => {
                tracing::warn!(login = self.login(), error = %other.message(Lang::En), "sftp store error");
                let message = other.message(self.lang);
                self.refuse(StatusCode::Failure, &message, &message)
            }
        }
    }

    /// Writes one line to the audit trail and the log.
    fn note(&self, kind: &'static str, path: &str) -> Result<(), StatusReply> {
        tracing::info!(login = self.login(), kind, path, "sftp");
        let write = || self.store.note_file(kind, path);
        // A durable commit waits for the disk: the server's other connections are moved to
        // another worker meanwhile rather than made to wait with it.
        let noted = match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
            Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(write),
            _ => write(),
        };
        noted.map_err(|e| self.store_error(&e))
    }

    fn add_handle(&mut self, opened: Opened) -> Result<String, StatusReply> {
        let documents = self
            .handles
            .values()
            .filter(|h| matches!(h, Opened::Document { .. }))
            .count();
        let is_document = matches!(opened, Opened::Document { .. });
        if self.handles.len() >= MAX_HANDLES || (is_document && documents >= MAX_DOCUMENTS_OPEN) {
            return Err(self.refuse(
                StatusCode::Failure,
                "Quá nhiều tệp đang mở",
                "Too many files open",
            ));
        }
        self.next_handle += 1;
        let handle = self.next_handle.to_string();
        self.handles.insert(handle.clone(), opened);
        Ok(handle)
    }

    fn handle_mut(&mut self, handle: &str) -> Result<&mut Opened, StatusReply> {
        if !self.handles.contains_key(handle) {
            return Err(self.refuse(
                StatusCode::Failure,
                "Không có tệp mở này",
                "No such open file",
            ));
        }
        self.handles
            .get_mut(handle)
            .ok_or(StatusCode::Failure.into())
    }

    /// The components of `path` below `/`, `.` and empty ones dropped; `..` steps up but
    /// never above `/`, which is refused.
    fn parts<'p>(&self, path: &'p str) -> Result<Vec<&'p str>, StatusReply> {
        let mut parts = Vec::new();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Err(self.refuse(
                            StatusCode::PermissionDenied,
                            "Không được ra ngoài thư mục của bạn",
                            "Nothing lies above your folder",
                        ));
                    }
                }
                part => parts.push(part),
            }
        }
        Ok(parts)
    }

    /// Where `path` leads in the tree; files of the inbox and exports are named, not yet
    /// looked for.
    fn resolve(&self, path: &str) -> Result<Node, StatusReply> {
        let parts = self.parts(path)?;
        let area = |name: &str| match name {
            "inbox" => Some(Area::Inbox),
            "exports" => Some(Area::Exports),
            _ => None,
        };
        match parts.as_slice() {
            [] => Ok(Node::Root),
            ["documents", rest @ ..] => self.resolve_documents(path, rest),
            [top] => area(top)
                .map(Node::Area)
                .ok_or_else(|| self.not_found(path)),
            [top, name] => match area(top) {
                Some(area) => Ok(Node::AreaFile(area, name.to_string())),
                None => Err(self.not_found(path)),
            },
            _ => Err(self.not_found(path)),
        }
    }

    /// The area and name of a file of the inbox or exports at `path`; `None` for anything
    /// else, without looking it up: what is written or deleted never reaches the database.
    fn area_file(&self, path: &str) -> Result<Option<(Area, String)>, StatusReply> {
        Ok(match self.parts(path)?.as_slice() {
            ["inbox", name] => Some((Area::Inbox, name.to_string())),
            ["exports", name] => Some((Area::Exports, name.to_string())),
            _ => None,
        })
    }

    /// Walks `/documents/…`: unit folders down the tree, each the child of the one above,
    /// then a month and a document.
    fn resolve_documents(&self, path: &str, rest: &[&str]) -> Result<Node, StatusReply> {
        let reader = self.store.read().map_err(|e| self.store_error(&e))?;
        let mut unit: Option<OrgUnit> = None;
        for (at, part) in rest.iter().enumerate() {
            if let Some(parent) = &unit
                && let Ok(month) = part.parse::<YearMonth>()
            {
                return self.resolve_month(&reader, path, parent.clone(), month, &rest[at + 1..]);
            }
            let child = self
                .unit_below(&reader, unit.as_ref(), part)
                .map_err(|e| self.store_error(&e))?;
            unit = Some(child.ok_or_else(|| self.not_found(path))?);
        }
        Ok(unit.map_or(Node::Documents, Node::Unit))
    }

    fn resolve_month(
        &self,
        reader: &Reader,
        path: &str,
        unit: OrgUnit,
        month: YearMonth,
        rest: &[&str],
    ) -> Result<Node, StatusReply> {
        let documents =
            month_documents(reader, unit.id, month).map_err(|e| self.store_error(&e))?;
        match rest {
            [] if !documents.is_empty() => Ok(Node::Month(unit, month)),
            [name] => documents
                .into_iter()
                .find(|d| d.name == *name)
                .map(Node::Document)
                .ok_or_else(|| self.not_found(path)),
            _ => Err(self.not_found(path)),
        }
    }

    /// The unit a folder `part` names below `parent` (the top of the user's tree for none):
    /// found by the code before the first space, and only when it is that folder's child.
    fn unit_below(
        &self,
        reader: &Reader,
        parent: Option<&OrgUnit>,
        part: &str,
    ) -> Result<Option<OrgUnit>, StoreError> {
        let code = part.split(' ').next().unwrap_or_default();
        let Some(id) = reader.org_id(code)? else {
            return Ok(None);
        };
        let Some(unit) = reader.org(id)? else {
            return Ok(None);
        };
        let placed = match parent {
            Some(parent) => unit.parent == Some(parent.id),
            None => reader
                .access()
                .scope
                .map_or(unit.parent.is_none(), |scope| scope == unit.id),
        };
        let named = part == code || part == unit_folder(&unit);
        Ok((placed && named).then_some(unit))
    }

    fn attrs_of(&self, node: &Node) -> Result<FileAttributes, StatusReply> {
        Ok(match node {
            Node::Root | Node::Area(Area::Inbox) => dir_attrs(0o755),
            Node::Area(Area::Exports) | Node::Documents | Node::Unit(_) | Node::Month(..) => {
                dir_attrs(0o555)
            }
            Node::AreaFile(area, name) => {
                let file = self
                    .space
                    .open(*area, name)
                    .map_err(|e| self.space_error(&e))?;
                let meta = file
                    .metadata()
                    .map_err(|e| self.space_error(&SpaceError::Io(e)))?;
                let mode = if *area == Area::Inbox { 0o644 } else { 0o444 };
                file_attrs(mode, meta.len(), meta.modified().ok())
            }
            Node::Document(doc) => document_attrs(&doc.info, self.store.clock()),
        })
    }

    /// The entries of the folder at `node`, read now: a listing is a snapshot.
    fn entries_of(&self, path: &str, node: &Node) -> Result<Vec<File>, StatusReply> {
        match node {
            Node::Root => Ok(vec![
                File::new("inbox", dir_attrs(0o755)),
                File::new("exports", dir_attrs(0o555)),
                File::new("documents", dir_attrs(0o555)),
            ]),
            Node::Area(area) => {
                let files = self.space.list(*area).map_err(|e| self.space_error(&e))?;
                let mode = if *area == Area::Inbox { 0o644 } else { 0o444 };
                Ok(files.iter().map(|f| disk_file(f, mode)).collect())
            }
            Node::Documents => self.unit_entries(None),
            Node::Unit(unit) => self.unit_entries(Some(unit)),
            Node::Month(unit, month) => {
                let reader = self.store.read().map_err(|e| self.store_error(&e))?;
                let documents =
                    month_documents(&reader, unit.id, *month).map_err(|e| self.store_error(&e))?;
                Ok(documents
                    .iter()
                    .map(|d| File::new(d.name.clone(), document_attrs(&d.info, self.store.clock())))
                    .collect())
            }
            Node::AreaFile(..) | Node::Document(_) => Err(self.refuse(
                StatusCode::Failure,
                &format!("{} không phải thư mục", quoted(path)),
                &format!("{} is not a folder", quoted(path)),
            )),
        }
    }

    /// The folders of a unit's children (the top of the tree for none), then its months.
    fn unit_entries(&self, unit: Option<&OrgUnit>) -> Result<Vec<File>, StatusReply> {
        let reader = self.store.read().map_err(|e| self.store_error(&e))?;
        let listed = (|| {
            let mut out = Vec::new();
            let parent = unit.map(|u| u.id);
            loop {
                let page = reader.children(parent, out.len(), CHILDREN_PAGE)?;
                let full = page.len() == CHILDREN_PAGE;
                out.extend(
                    page.iter()
                        .map(|c| File::new(unit_folder(c), dir_attrs(0o555))),
                );
                if !full {
                    break;
                }
            }
            if let Some(unit) = unit {
                for month in document_months(&reader, unit.id)? {
                    out.push(File::new(month.to_string(), dir_attrs(0o555)));
                }
            }
            Ok::<_, StoreError>(out)
        })();
        listed.map_err(|e| self.store_error(&e))
    }

    /// Opens `path` for reading: a file of the inbox or exports, or a document.
    fn open_read(&mut self, path: &str) -> Result<Opened, StatusReply> {
        match self.resolve(path)? {
            Node::AreaFile(area, name) => {
                let file = self
                    .space
                    .open(area, &name)
                    .map_err(|e| self.space_error(&e))?;
                self.note("download", &area_path(area, &name))?;
                Ok(Opened::Disk { file })
            }
            Node::Document(doc) => {
                let reader = self.store.read().map_err(|e| self.store_error(&e))?;
                let found = reader
                    .document(doc.meeting, doc.info.no)
                    .map_err(|e| self.store_error(&e))?;
                let (_, body) = found.ok_or_else(|| self.not_found(path))?;
                self.note("download", &clean_path(path))?;
                Ok(Opened::Document {
                    bytes: body.bytes().to_vec(),
                })
            }
            _ => Err(self.refuse(
                StatusCode::Failure,
                "Đây là thư mục, không phải tệp",
                "This is a folder, not a file",
            )),
        }
    }

    /// Opens `path` for writing: only a new file of the inbox, written whole.
    fn open_write(&mut self, path: &str, flags: OpenFlags) -> Result<Opened, StatusReply> {
        let Some((Area::Inbox, name)) = self.area_file(path)? else {
            // Inside the inbox but deeper: the inbox holds files, not folders.
            if matches!(self.parts(path)?.as_slice(), ["inbox", _, _, ..]) {
                return Err(self.refuse(
                    StatusCode::PermissionDenied,
                    "Thư mục /inbox chỉ chứa tệp, không có thư mục con: hãy tải tệp thẳng vào /inbox",
                    "/inbox holds files, no folders: upload the file straight into /inbox",
                ));
            }
            return Err(self.read_only());
        };
        // Every upload is a new whole file (see `Upload`): adding to one is not offered.
        if flags.contains(OpenFlags::APPEND) {
            return Err(self.refuse(
                StatusCode::OpUnsupported,
                "Không ghi nối vào tệp được; hãy tải lại cả tệp",
                "Files cannot be appended to; upload the whole file again",
            ));
        }
        let exists = self.space.open(Area::Inbox, &name).is_ok();
        if exists && flags.contains(OpenFlags::EXCLUDE) {
            let e = SpaceError::Exists(name);
            return Err(self.space_error(&e));
        }
        let upload = self.space.upload(&name).map_err(|e| self.space_error(&e))?;
        Ok(Opened::Upload {
            upload,
            path: area_path(Area::Inbox, &name),
        })
    }

    /// Gives a finished upload its name, then notes it; a note that cannot be written
    /// takes the file away again, so nothing arrives unrecorded.
    fn finish_upload(&self, upload: Upload, path: &str) -> Result<(), StatusReply> {
        let name = upload.name().to_string();
        upload.finish().map_err(|e| self.space_error(&e))?;
        if let Err(refused) = self.note("upload", path) {
            let _ = self.space.remove(Area::Inbox, &name);
            return Err(refused);
        }
        Ok(())
    }

    fn write_upload(&mut self, handle: &str, offset: u64, data: &[u8]) -> Result<(), StatusReply> {
        let lang = self.lang;
        let refused = match self.handle_mut(handle)? {
            Opened::Upload { upload, .. } => match upload.write_at(offset, data) {
                Ok(()) => return Ok(()),
                Err(e) => Some(e.message(lang)),
            },
            Opened::Refused(message) => return Err(reply(lang, StatusCode::Failure, message)),
            _ => None,
        };
        let Some(refused) = refused else {
            return Err(self.read_only());
        };
        // Dropping the upload removes its partial file: a refused upload leaves nothing.
        tracing::info!(login = self.login(), refused, "sftp upload refused");
        *self.handle_mut(handle)? = Opened::Refused(refused.clone());
        Err(reply(lang, StatusCode::Failure, &refused))
    }

    fn remove_file(&self, path: &str) -> Result<(), StatusReply> {
        match self.area_file(path)? {
            Some((area, name)) => {
                self.space
                    .remove(area, &name)
                    .map_err(|e| self.space_error(&e))?;
                // The file is gone whatever the trail says; a note that fails is logged.
                let _ = self.note("delete", &area_path(area, &name));
                Ok(())
            }
            None => Err(self.read_only()),
        }
    }

    fn rename_file(&self, from: &str, to: &str) -> Result<(), StatusReply> {
        match (self.resolve(from)?, self.resolve(to)?) {
            (Node::AreaFile(Area::Inbox, old), Node::AreaFile(Area::Inbox, new)) => {
                self.space
                    .rename(Area::Inbox, &old, &new)
                    .map_err(|e| self.space_error(&e))?;
                // Done whatever the trail says, as a delete is; a note that fails is logged.
                let moved = format!(
                    "{} → {}",
                    area_path(Area::Inbox, &old),
                    area_path(Area::Inbox, &new)
                );
                let _ = self.note("rename", &moved);
                Ok(())
            }
            _ => Err(self.refuse(
                StatusCode::PermissionDenied,
                "Chỉ được đổi tên tệp trong /inbox",
                "Only files in /inbox may be renamed",
            )),
        }
    }

    fn no_folders(&self) -> StatusReply {
        self.refuse(
            StatusCode::PermissionDenied,
            "Không được tạo hay xóa thư mục",
            "Folders cannot be made or removed",
        )
    }
}

/// A status with a message already in `lang`.
fn reply(lang: Lang, code: StatusCode, message: &str) -> StatusReply {
    StatusReply::new(code)
        .with_message(message)
        .with_language_tag(lang.pick("vi", "en"))
}

fn ok(id: u32) -> Status {
    Status {
        id,
        status_code: StatusCode::Ok,
        error_message: "Ok".to_string(),
        language_tag: "en-US".to_string(),
    }
}

impl Handler for Sftp {
    type Error = StatusReply;

    fn unimplemented(&self) -> StatusReply {
        self.refuse(
            StatusCode::OpUnsupported,
            "Thao tác không được hỗ trợ",
            "Operation not supported",
        )
    }

    async fn init(&mut self, _: u32, _: HashMap<String, String>) -> Result<Version, StatusReply> {
        tracing::info!(login = self.login(), "sftp starts");
        Ok(Version::new())
    }

    async fn realpath(&mut self, id: u32, path: String) -> Result<Name, StatusReply> {
        Ok(Name {
            id,
            files: vec![File::dummy(clamped(&path))],
        })
    }

    async fn stat(&mut self, id: u32, path: String) -> Result<Attrs, StatusReply> {
        let node = self.resolve(&path)?;
        let attrs = self.attrs_of(&node)?;
        Ok(Attrs { id, attrs })
    }

    /// Nothing in the tree is a link: `lstat` is `stat`.
    async fn lstat(&mut self, id: u32, path: String) -> Result<Attrs, StatusReply> {
        self.stat(id, path).await
    }

    async fn fstat(&mut self, id: u32, handle: String) -> Result<Attrs, StatusReply> {
        let lang = self.lang;
        let attrs = match self.handle_mut(&handle)? {
            Opened::Disk { file } => {
                let meta = file.metadata().map_err(|_| StatusCode::Failure)?;
                file_attrs(0o444, meta.len(), meta.modified().ok())
            }
            Opened::Document { bytes } => file_attrs(0o444, bytes.len() as u64, None),
            Opened::Upload { upload, .. } => file_attrs(0o644, upload.size(), None),
            Opened::Dir { .. } => dir_attrs(0o555),
            Opened::Refused(message) => return Err(reply(lang, StatusCode::Failure, message)),
        };
        Ok(Attrs { id, attrs })
    }

    async fn opendir(&mut self, id: u32, path: String) -> Result<Handle, StatusReply> {
        let node = self.resolve(&path)?;
        let entries = self.entries_of(&path, &node)?;
        let handle = self.add_handle(Opened::Dir { entries, sent: 0 })?;
        Ok(Handle { id, handle })
    }

    async fn readdir(&mut self, id: u32, handle: String) -> Result<Name, StatusReply> {
        let Opened::Dir { entries, sent } = self.handle_mut(&handle)? else {
            return Err(StatusCode::Failure.into());
        };
        if *sent >= entries.len() {
            return Err(StatusCode::Eof.into());
        }
        let end = (*sent + ENTRIES_PER_REPLY).min(entries.len());
        let files = entries[*sent..end].to_vec();
        *sent = end;
        Ok(Name { id, files })
    }

    async fn open(
        &mut self,
        id: u32,
        path: String,
        flags: OpenFlags,
        _: FileAttributes,
    ) -> Result<Handle, StatusReply> {
        let writes = OpenFlags::WRITE | OpenFlags::APPEND | OpenFlags::CREATE | OpenFlags::TRUNCATE;
        let opened = if flags.intersects(writes) {
            self.open_write(&path, flags)?
        } else {
            self.open_read(&path)?
        };
        let handle = self.add_handle(opened)?;
        Ok(Handle { id, handle })
    }

    async fn read(
        &mut self,
        id: u32,
        handle: String,
        offset: u64,
        len: u32,
    ) -> Result<Data, StatusReply> {
        let len = len.min(MAX_READ) as usize;
        let data = match self.handle_mut(&handle)? {
            Opened::Disk { file } => {
                let mut buf = vec![0; len];
                let n = file
                    .read_at(&mut buf, offset)
                    .map_err(|_| StatusCode::Failure)?;
                buf.truncate(n);
                buf
            }
            Opened::Document { bytes } => {
                let start = usize::try_from(offset)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                bytes[start..(start + len).min(bytes.len())].to_vec()
            }
            _ => return Err(StatusCode::Failure.into()),
        };
        if data.is_empty() {
            return Err(StatusCode::Eof.into());
        }
        Ok(Data { id, data })
    }

    async fn write(
        &mut self,
        id: u32,
        handle: String,
        offset: u64,
        data: Vec<u8>,
    ) -> Result<Status, StatusReply> {
        self.write_upload(&handle, offset, &data)?;
        Ok(ok(id))
    }

    async fn close(&mut self, id: u32, handle: String) -> Result<Status, StatusReply> {
        match self.handles.remove(&handle) {
            Some(Opened::Upload { upload, path }) => self.finish_upload(upload, &path)?,
            Some(Opened::Refused(message)) => {
                return Err(reply(self.lang, StatusCode::Failure, &message));
            }
            Some(_) => {}
            None => return Err(StatusCode::Failure.into()),
        }
        Ok(ok(id))
    }

    async fn remove(&mut self, id: u32, path: String) -> Result<Status, StatusReply> {
        self.remove_file(&path)?;
        Ok(ok(id))
    }

    async fn rename(&mut self, id: u32, from: String, to: String) -> Result<Status, StatusReply> {
        self.rename_file(&from, &to)?;
        Ok(ok(id))
    }

    /// Times and modes are not kept: accepted and ignored on an inbox file (`scp -p` sets
    /// them), refused anywhere else.
    async fn setstat(
        &mut self,
        id: u32,
        path: String,
        _: FileAttributes,
    ) -> Result<Status, StatusReply> {
        match self.resolve(&path)? {
            Node::AreaFile(Area::Inbox, name) => {
                self.space
                    .open(Area::Inbox, &name)
                    .map_err(|e| self.space_error(&e))?;
                Ok(ok(id))
            }
            _ => Err(self.read_only()),
        }
    }

    async fn fsetstat(
        &mut self,
        id: u32,
        handle: String,
        _: FileAttributes,
    ) -> Result<Status, StatusReply> {
        let lang = self.lang;
        let refused = match self.handle_mut(&handle)? {
            Opened::Upload { .. } => return Ok(ok(id)),
            Opened::Refused(message) => Some(message.clone()),
            _ => None,
        };
        Err(match refused {
            Some(message) => reply(lang, StatusCode::Failure, &message),
            None => self.read_only(),
        })
    }

    async fn mkdir(&mut self, _: u32, _: String, _: FileAttributes) -> Result<Status, StatusReply> {
        Err(self.no_folders())
    }

    async fn rmdir(&mut self, _: u32, _: String) -> Result<Status, StatusReply> {
        Err(self.no_folders())
    }

    async fn symlink(&mut self, _: u32, _: String, _: String) -> Result<Status, StatusReply> {
        Err(self.refuse(
            StatusCode::PermissionDenied,
            "Không được tạo liên kết",
            "Links cannot be made",
        ))
    }
}

/// `path` made absolute in the tree, `.` and `..` resolved, never above `/`.
fn clamped(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

/// A path as written to the trail: clamped, and safe to print.
fn clean_path(path: &str) -> String {
    sanitize(&clamped(path)).into_owned()
}

fn area_path(area: Area, name: &str) -> String {
    let folder = match area {
        Area::Inbox => "inbox",
        Area::Exports => "exports",
    };
    sanitize(&format!("/{folder}/{name}")).into_owned()
}

/// Text made into one path component: no separator, nothing that acts on a terminal,
/// never empty nor `.` or `..`.
fn component(text: &str) -> String {
    let safe: String = sanitize(text)
        .chars()
        .map(|c| if matches!(c, '/' | '\\') { '_' } else { c })
        .collect();
    match safe.trim() {
        "" | "." | ".." => "_".to_string(),
        _ => safe,
    }
}

/// A unit's folder: `CODE Name`.
fn unit_folder(unit: &OrgUnit) -> String {
    component(&format!("{} {}", unit.code, unit.name))
}

/// The months in which `org` has meetings with documents, in order.
fn document_months(reader: &Reader, org: OrgId) -> Result<BTreeSet<YearMonth>, StoreError> {
    Ok(reader
        .all_meetings_of(org)?
        .iter()
        .filter(|m| !m.documents.is_empty())
        .map(|m| YearMonth::of(m.date))
        .collect())
}

/// The documents of `org`'s meetings in `month`, by meeting date and then as
/// attached; a name met again is numbered (`2. name`), so every entry has its own.
fn month_documents(
    reader: &Reader,
    org: OrgId,
    month: YearMonth,
) -> Result<Vec<DocEntry>, StoreError> {
    let mut taken = BTreeSet::new();
    let mut out = Vec::new();
    for meeting in reader.meetings_in_month(org, month)? {
        for info in meeting.documents {
            let base = component(&info.name);
            let name = (1..)
                .map(|n| match n {
                    1 => base.clone(),
                    n => format!("{n}. {base}"),
                })
                .find(|name| !taken.contains(name))
                .unwrap_or_default();
            taken.insert(name.clone());
            out.push(DocEntry {
                name,
                meeting: meeting.id,
                info,
            });
        }
    }
    Ok(out)
}

fn dir_attrs(mode: u32) -> FileAttributes {
    FileAttributes {
        size: Some(0),
        permissions: Some(S_IFDIR | mode),
        ..FileAttributes::default()
    }
}

fn file_attrs(mode: u32, size: u64, modified: Option<std::time::SystemTime>) -> FileAttributes {
    let mtime = modified
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX));
    FileAttributes {
        size: Some(size),
        permissions: Some(S_IFREG | mode),
        atime: mtime,
        mtime,
        ..FileAttributes::default()
    }
}

fn disk_file(entry: &FileEntry, mode: u32) -> File {
    File::new(
        entry.name.clone(),
        file_attrs(mode, entry.size, Some(entry.modified)),
    )
}

/// A document's attributes; its time, stored as the clock's local time, read back at the
/// clock's offset whatever the server's own time zone.
fn document_attrs(info: &DocumentInfo, clock: &Clock) -> FileAttributes {
    let added = std::time::SystemTime::from(clock.in_utc(info.added_at));
    file_attrs(0o444, info.size, Some(added))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{User, UserRole};
    use crate::io::space::SpaceLimits;

    /// Lan's session on an empty database, with a file limit of 10 bytes.
    fn session(dir: &std::path::Path, lang: Lang) -> (Spaces, Sftp) {
        let db = dir.join("db.redb");
        let store = Store::open(&db).unwrap();
        let lan = User {
            login: "lan".into(),
            role: UserRole::Secretary,
            scope: None,
            keys: Vec::new(),
            name: None,
        };
        let limits = SpaceLimits {
            file_bytes: 10,
            user_bytes: 100,
        };
        let spaces = Spaces::beside(&db, limits);
        let sftp = Sftp::new(store.as_user(&lan), &spaces, lang).unwrap();
        (spaces, sftp)
    }

    fn for_writing() -> OpenFlags {
        OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::TRUNCATE
    }

    #[tokio::test]
    async fn refusals_are_worded_in_the_users_language_and_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (spaces, mut sftp) = session(dir.path(), Lang::Vi);
        let attrs = FileAttributes::default;

        let refused = sftp
            .open(1, "/exports/a.txt".into(), for_writing(), attrs())
            .await
            .unwrap_err();
        assert_eq!(refused.status_code, StatusCode::PermissionDenied);
        assert_eq!(
            refused.error_message.as_deref(),
            Some("Chỉ được ghi vào thư mục /inbox")
        );
        assert_eq!(refused.language_tag.as_deref(), Some("vi"));

        let handle = sftp
            .open(2, "/inbox/a.bin".into(), for_writing(), attrs())
            .await
            .unwrap()
            .handle;
        sftp.write(3, handle.clone(), 0, vec![0; 10]).await.unwrap();
        let too_large = sftp
            .write(4, handle.clone(), 10, vec![0])
            .await
            .unwrap_err();
        assert_eq!(
            too_large.error_message.as_deref(),
            Some("Tệp \"a.bin\" vượt giới hạn 10 byte")
        );
        let closed = sftp.close(5, handle).await.unwrap_err();
        assert_eq!(closed.status_code, StatusCode::Failure);
        let lan = spaces.of("lan").unwrap();
        assert_eq!(lan.used().unwrap(), 0, "the refused upload left nothing");

        let above = sftp.stat(6, "/inbox/../..".into()).await.unwrap_err();
        assert_eq!(above.status_code, StatusCode::PermissionDenied);
        let elsewhere = sftp.stat(7, "/etc/hostname".into()).await.unwrap_err();
        assert_eq!(elsewhere.status_code, StatusCode::NoSuchFile);
        let home = sftp.realpath(8, "/../..".into()).await.unwrap();
        assert_eq!(home.files[0].filename, "/");
    }

    #[tokio::test]
    async fn an_upload_is_named_only_when_closed_and_noted_then() {
        let dir = tempfile::tempdir().unwrap();
        let (spaces, mut sftp) = session(dir.path(), Lang::En);
        let handle = sftp
            .open(
                1,
                "/inbox/b.txt".into(),
                for_writing(),
                FileAttributes::default(),
            )
            .await
            .unwrap()
            .handle;
        sftp.write(2, handle.clone(), 0, b"hello".to_vec())
            .await
            .unwrap();
        let lan = spaces.of("lan").unwrap();
        assert!(lan.list(Area::Inbox).unwrap().is_empty());
        sftp.close(3, handle).await.unwrap();
        assert_eq!(lan.read(Area::Inbox, "b.txt").unwrap(), b"hello");
        let trail = sftp.store.audit_trail().unwrap();
        assert_eq!(trail.last().unwrap().what, "upload /inbox/b.txt");
    }

    #[test]
    fn paths_are_read_inside_the_tree_and_never_climb_above_it() {
        assert_eq!(clamped("."), "/");
        assert_eq!(clamped(""), "/");
        assert_eq!(clamped("/.."), "/");
        assert_eq!(clamped("../../etc/passwd"), "/etc/passwd");
        assert_eq!(clamped("/inbox/./a/../b.pdf"), "/inbox/b.pdf");
        assert_eq!(clamped("documents//X Y/"), "/documents/X Y");
    }

    #[test]
    fn names_from_the_database_become_one_safe_component() {
        assert_eq!(component("Báo cáo 1/2026.md"), "Báo cáo 1_2026.md");
        assert_eq!(component("a\u{1b}[2Jb"), "a\u{FFFD}[2Jb");
        assert_eq!(component(".."), "_");
        assert_eq!(component("  "), "_");
        let november = YearMonth::new(2026, 11).unwrap();
        assert_eq!(november.to_string(), "2026-11");
        assert_eq!("2026-11".parse(), Ok(november));
        assert!("2026-13".parse::<YearMonth>().is_err());
        assert!("QN.HL 2026-11".parse::<YearMonth>().is_err());
    }
}
