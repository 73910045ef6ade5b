//! The second half of an import: references resolved against the same file and the
//! database, the rules that span records checked, and — only when nothing is wrong —
//! everything written. Both happen inside one write transaction, so what was checked is
//! exactly what is written to.

use std::collections::{BTreeMap, HashMap, HashSet, hash_map::Entry};

use chrono::NaiveDate;

use super::batch::{
    Batch, CardRef, CodeRef, DocumentRec, GradedRef, KeyMap, MeetingMore, MeetingRec, MeetingStub,
    MemberMore, MemberRec, SpanRec,
};
use crate::domain::edit::{Dated, EditError, check_not_before_member};
use crate::domain::member::{FormerOrg, StatusChange, status_in};
use crate::domain::org::{MAX_DEPTH, levels};
use crate::domain::{
    DocumentInfo, Mark, Meeting, MeetingId, MeetingKind, MeetingState, Member, MemberId, OrgId,
    OrgKind, OrgUnit, Oversight, Role,
};
use crate::io::problem::{Problem, Problems};
use crate::io::{ImportError, ImportSummary};
use crate::store::{Store, StoreError, Writer};

/// Resolves, checks and writes `batch` in one write transaction. `problems` may already hold
/// what the reader found; then the batch is still checked (to report everything at once)
/// but nothing is written. The file's members and meetings are only stubs in `batch`: each is
/// read again from `again` as it is written (a meeting checked first against the members it
/// names), so a whole file's names and marks are never held at once. A problem found then
/// still writes nothing: the transaction is dropped.
pub fn import_batch(
    store: &Store,
    mut batch: Batch,
    mut problems: Problems,
    again: &mut dyn ReadAgain,
) -> Result<ImportSummary, ImportError> {
    if problems.is_full() {
        return Err(problems.into_error());
    }
    let notes = problems.take_notes();
    let today = store.clock().today();
    let mut summary = store.write(move |w| {
        let summary = counts(&batch);
        let refs = resolve(w, &batch, &mut problems, today)?;
        let mut writing = None;
        if problems.is_empty() {
            match write(w, &mut batch, &refs, again)? {
                Ok(ready) => writing = Some(ready),
                Err(line) => {
                    problems.add(line, Problem::ChangedWhileRead);
                    return Err(problems.into_error());
                }
            }
        }
        let mut meetings = Meetings {
            batch: &mut batch,
            refs: &refs,
            problems: &mut problems,
            today,
        };
        let unchanged = meetings.check_and_write(w, again, writing.as_mut())?;
        if unchanged && let Some(line) = again.changed_since()? {
            problems.add(line, Problem::ChangedWhileRead);
        }
        if !problems.is_empty() {
            return Err(problems.into_error());
        }
        Ok(summary)
    })?;
    summary.notes = notes;
    Ok(summary)
}

/// The file's meetings on their second reading, one at a time.
struct Meetings<'a, 'p> {
    batch: &'a mut Batch,
    refs: &'a Refs,
    problems: &'p mut Problems,
    today: NaiveDate,
}

/// Meetings are read again and checked this many at a time, the next ones while these are
/// written.
const MEETINGS_PER_READING: usize = 4096;

/// Meetings read again and checked, by their index in the file, and whether nothing was
/// wrong with any record so far; or the line of one the file no longer holds as it did.
type CheckedMeetings = Result<(Vec<(usize, MeetingRec)>, bool), usize>;

impl Meetings<'_, '_> {
    /// Reads each meeting again and checks the members it names; writes them while nothing
    /// is wrong and `writing` says the rest is written. False when a meeting was not found
    /// again as it was first read (reported).
    fn check_and_write(
        &mut self,
        w: &mut Writer<'_>,
        again: &mut dyn ReadAgain,
        mut writing: Option<&mut MeetingWriting<'_>>,
    ) -> Result<bool, ImportError> {
        let total = self.batch.meetings.len();
        let chunk = |from: usize| from..total.min(from + MEETINGS_PER_READING);
        let mut ready = self.read_and_check(again, chunk(0))?;
        let mut from = 0;
        loop {
            let (mut records, clean) = match ready {
                Ok(checked) => checked,
                Err(line) => {
                    self.problems.add(line, Problem::ChangedWhileRead);
                    return Ok(false);
                }
            };
            let Some(&(last, _)) = records.last() else {
                return Ok(true);
            };
            from = from.max(last + 1);
            let writing = writing.as_deref_mut().filter(|_| clean);
            let (written, read) = while_reading(
                || self.read_and_check(again, chunk(from)),
                || match writing {
                    Some(writing) => records
                        .iter_mut()
                        .try_for_each(|(i, record)| writing.meeting(w, *i, record)),
                    None => Ok(()),
                },
            );
            written?;
            ready = read?;
        }
    }

    /// The meetings of `range` read again, each checked against the members it names.
    fn read_and_check(
        &mut self,
        again: &mut dyn ReadAgain,
        range: std::ops::Range<usize>,
    ) -> Result<CheckedMeetings, ImportError> {
        let mut records = Vec::with_capacity(range.len());
        for i in range {
            if self.problems.is_full() {
                break;
            }
            let stub = self.batch.meetings[i];
            let Some(record) = meeting_again(again, &stub, self.batch, self.refs)? else {
                return Ok(Err(stub.line));
            };
            let mut check = Check {
                batch: self.batch,
                refs: self.refs,
                problems: self.problems,
                today: self.today,
            };
            check.meeting_refs(&record);
            records.push((i, record));
        }
        Ok(Ok((records, self.problems.is_empty())))
    }
}

/// `write` on this thread while `read` runs on another: the later readings of a file are
/// mostly parsing, and the writes wait on the store. Both outcomes, `write`'s first; a panic
/// while reading goes on here.
fn while_reading<R: Send, W>(read: impl FnOnce() -> R + Send, write: impl FnOnce() -> W) -> (W, R) {
    std::thread::scope(|scope| {
        let reading = scope.spawn(read);
        let written = write();
        let read = reading
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (written, read)
    })
}

/// The second reading of a file: its members, then its meetings, each in file order. It
/// reads on another thread while the writing thread writes what it read before.
pub trait ReadAgain: Send {
    /// The line to report when the file has changed since its first reading, else `None`:
    /// asked last, before anything is committed.
    fn changed_since(&mut self) -> Result<Option<usize>, ImportError>;

    /// The whole record of the member at `line`, its codes and cards interned into `batch`
    /// again; `None` when the file no longer holds one there.
    fn member(&mut self, line: usize, batch: &mut Batch) -> Result<Option<MemberRec>, ImportError>;

    /// Likewise for a meeting.
    fn meeting(
        &mut self,
        line: usize,
        batch: &mut Batch,
    ) -> Result<Option<MeetingRec>, ImportError>;
}

/// A member list, read once: its members' whole records were kept
/// ([`Batch::keeping_members`]), and it has no meetings.
pub struct Kept(std::vec::IntoIter<MemberRec>);

impl Kept {
    pub fn members_of(batch: &mut Batch) -> Kept {
        Kept(std::mem::take(&mut batch.whole_members).into_iter())
    }
}

impl ReadAgain for Kept {
    fn changed_since(&mut self) -> Result<Option<usize>, ImportError> {
        Ok(None)
    }

    fn member(&mut self, _: usize, _: &mut Batch) -> Result<Option<MemberRec>, ImportError> {
        Ok(self.0.next())
    }

    fn meeting(&mut self, _: usize, _: &mut Batch) -> Result<Option<MeetingRec>, ImportError> {
        Ok(None)
    }
}

/// Whether a record read again names no code or card the first reading did not (a file
/// changed between the readings).
fn same_names(batch: &Batch, refs: &Refs) -> bool {
    batch.codes.len() == refs.orgs.len() && batch.cards.len() == refs.members.len()
}

/// The file's `i`th member read again, if it is the same member.
fn member_again(
    again: &mut dyn ReadAgain,
    i: usize,
    batch: &mut Batch,
    refs: &Refs,
) -> Result<Option<MemberRec>, ImportError> {
    let record = again.member(batch.members[i].line, batch)?;
    Ok(record.filter(|r| same_names(batch, refs) && batch.is_member_of_stub(i, r)))
}

/// The meeting of `stub` read again, if it is the same meeting.
fn meeting_again(
    again: &mut dyn ReadAgain,
    stub: &MeetingStub,
    batch: &mut Batch,
    refs: &Refs,
) -> Result<Option<MeetingRec>, ImportError> {
    let record = again.meeting(stub.line, batch)?;
    Ok(record.filter(|r| same_names(batch, refs) && stub.names(r)))
}

/// What an import of `batch` writes, counted by kind.
fn counts(batch: &Batch) -> ImportSummary {
    ImportSummary {
        orgs: batch.orgs.len(),
        members: batch.members.len(),
        statuses: batch.statuses.len(),
        roles: batch.roles.len(),
        oversight: batch.oversight.len(),
        meetings: batch.meetings.len(),
        documents: batch.documents.len(),
        classifications: batch.classifications.len(),
        notes: Vec::new(),
    }
}

/// What an organisation code names.
#[derive(Debug, Clone, Copy)]
enum OrgAt {
    Unknown,
    /// An org record of the file that had its own problems: not reported again.
    Broken,
    /// `batch.orgs[i]`.
    File(usize),
    Db {
        id: OrgId,
        kind: OrgKind,
        parent: Option<OrgId>,
    },
}

/// One organisation wherever it lives, comparable across the file and the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum OrgKey {
    File(usize),
    Db(OrgId),
}

/// Whoever a classification grades, wherever they live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum GradedKey {
    Org(OrgKey),
    Member(MemberKey),
}

/// What a party card names.
#[derive(Debug, Clone, Copy)]
enum MemberAt {
    Unknown,
    Broken,
    /// `batch.members[i]`.
    File(usize),
    Db {
        id: MemberId,
        org: OrgId,
    },
}

/// What each of the file's cards names, in eight bytes a card where a [`MemberAt`] takes 24:
/// a national file names millions of cards, held until its meetings are written.
struct MemberAts {
    /// By card: [`MemberAts::UNKNOWN`], [`MemberAts::BROKEN`], or a number shifted left by
    /// two with [`MemberAts::FILE`] or [`MemberAts::DB`] in the two bits freed.
    packed: Vec<u64>,
    /// The database's members the file names, by the number packed with `DB`.
    stored: Vec<(MemberId, OrgId)>,
}

impl MemberAts {
    const UNKNOWN: u64 = 0;
    const BROKEN: u64 = 1;
    const FILE: u64 = 2;
    const DB: u64 = 3;

    fn unknown(cards: usize) -> MemberAts {
        MemberAts {
            packed: vec![Self::UNKNOWN; cards],
            stored: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.packed.len()
    }

    fn get(&self, card: usize) -> MemberAt {
        let packed = self.packed[card];
        let n = (packed >> 2) as usize;
        match packed & 3 {
            Self::UNKNOWN => MemberAt::Unknown,
            Self::BROKEN => MemberAt::Broken,
            Self::FILE => MemberAt::File(n),
            _ => {
                let (id, org) = self.stored[n];
                MemberAt::Db { id, org }
            }
        }
    }

    fn set(&mut self, card: usize, at: MemberAt) {
        let (n, kind) = match at {
            MemberAt::Unknown => (0, Self::UNKNOWN),
            MemberAt::Broken => (0, Self::BROKEN),
            MemberAt::File(i) => (i, Self::FILE),
            MemberAt::Db { id, org } => {
                self.stored.push((id, org));
                (self.stored.len() - 1, Self::DB)
            }
        };
        self.packed[card] = ((n as u64) << 2) | kind;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum MemberKey {
    File(usize),
    Db(MemberId),
}

/// Where a document's meeting is.
#[derive(Debug, Clone, Copy)]
enum MeetingAt {
    /// `batch.meetings[i]`.
    File(usize),
    Db(MeetingId),
}

/// The former branches of database members, by member.
type FormerOrgs = HashMap<MemberId, Vec<FormerOrg>>;

/// Every code and card of the file, resolved once, and the meeting of every document.
struct Refs {
    orgs: Vec<OrgAt>,
    members: MemberAts,
    /// The former branches of the database's members the file names, when they have any.
    db_former: FormerOrgs,
    /// The database's members the file names whose stored history has an exemption.
    db_exempt: HashSet<MemberId>,
    /// When the database's members the file names were born and admitted, when known.
    db_existed: Existed,
    /// Per `batch.documents[i]`; `None` only when the import will not be written.
    documents: Vec<Option<MeetingAt>>,
}

fn resolve(
    w: &Writer<'_>,
    batch: &Batch,
    problems: &mut Problems,
    today: NaiveDate,
) -> Result<Refs, StoreError> {
    let orgs = resolve_codes(w, batch, problems)?;
    let StoredCards {
        members,
        former: db_former,
        exempt: db_exempt,
        existed: db_existed,
    } = resolve_cards(w, batch, problems)?;
    let mut refs = Refs {
        orgs,
        members,
        db_former,
        db_exempt,
        db_existed,
        documents: Vec::new(),
    };
    let mut check = Check {
        batch,
        refs: &refs,
        problems,
        today,
    };
    check.org_parents();
    check.parent_cycles();
    check.depths(w)?;
    check.members();
    check.statuses();
    check.spans(w, Span::Role)?;
    check.spans(w, Span::Oversight)?;
    let meetings = check.meetings(w)?;
    let documents = check.documents(w, &meetings)?;
    check.classifications(w)?;
    refs.documents = documents;
    Ok(refs)
}

/// Codes: defined in the file (once), else found in the database, else unknown.
fn resolve_codes(
    w: &Writer<'_>,
    batch: &Batch,
    problems: &mut Problems,
) -> Result<Vec<OrgAt>, StoreError> {
    let mut at = vec![OrgAt::Unknown; batch.codes.len()];
    for code in &batch.broken_codes {
        at[code.0 as usize] = OrgAt::Broken;
    }
    for (i, org) in batch.orgs.iter().enumerate() {
        let slot = &mut at[org.code.0 as usize];
        match *slot {
            OrgAt::File(first) => problems.add(
                org.line,
                Problem::DuplicateCode {
                    code: batch.code_text(org.code).to_string(),
                    first_line: batch.orgs[first].line,
                },
            ),
            _ => *slot = OrgAt::File(i),
        }
    }
    if w.totals()?.orgs == 0 {
        return Ok(at);
    }
    for (n, slot) in at.iter_mut().enumerate() {
        let code = batch.codes.text(n as u32);
        let Some(found) = w.org_by_code(code)? else {
            continue;
        };
        match *slot {
            OrgAt::File(i) => problems.add(
                batch.orgs[i].line,
                Problem::CodeInDatabase {
                    code: code.to_string(),
                },
            ),
            OrgAt::Unknown => {
                *slot = OrgAt::Db {
                    id: found.id,
                    kind: found.kind,
                    parent: found.parent,
                }
            }
            OrgAt::Broken | OrgAt::Db { .. } => {}
        }
    }
    Ok(at)
}

/// Where each card of the file is, and what the import needs to know of the database's
/// members among them.
struct StoredCards {
    members: MemberAts,
    former: FormerOrgs,
    exempt: HashSet<MemberId>,
    existed: Existed,
}

/// Birth and admission days of stored members, for the rule that no status begins before
/// the member existed.
type Existed = HashMap<MemberId, (Option<NaiveDate>, Option<NaiveDate>)>;

/// Cards: defined in the file (once), else found in the database, else unknown; with the
/// former branches of the members found in the database, and which of them were ever exempt.
fn resolve_cards(
    w: &Writer<'_>,
    batch: &Batch,
    problems: &mut Problems,
) -> Result<StoredCards, StoreError> {
    let mut former = HashMap::new();
    let mut exempt = HashSet::new();
    let mut existed = HashMap::new();
    let mut at = MemberAts::unknown(batch.cards.len());
    for card in &batch.broken_cards {
        at.set(card.0 as usize, MemberAt::Broken);
    }
    for (i, member) in batch.members.iter().enumerate() {
        let card = member.card.0 as usize;
        match at.get(card) {
            MemberAt::File(first) => problems.add(
                member.line,
                Problem::DuplicateCard {
                    card: batch.card_text(member.card).to_string(),
                    first_line: batch.members[first].line,
                },
            ),
            _ => at.set(card, MemberAt::File(i)),
        }
    }
    // A fresh database cannot clash: skip a million lookups that would find nothing.
    if w.totals()?.members == 0 {
        return Ok(StoredCards {
            members: at,
            former,
            exempt,
            existed,
        });
    }
    for n in 0..at.len() {
        let card = batch.cards.text(n as u32);
        match at.get(n) {
            MemberAt::File(i) => {
                if w.member_id(card)?.is_some() {
                    problems.add(
                        batch.members[i].line,
                        Problem::CardInDatabase {
                            card: card.to_string(),
                        },
                    );
                }
            }
            MemberAt::Unknown => {
                if let Some(found) = w.member_by_card(card)? {
                    let (id, org) = (found.id, found.org);
                    at.set(n, MemberAt::Db { id, org });
                    if found.history.iter().any(|c| c.status.is_exempt()) {
                        exempt.insert(found.id);
                    }
                    if found.born.is_some() || found.admitted.is_some() {
                        existed.insert(found.id, (found.born, found.admitted));
                    }
                    if !found.former_orgs.is_empty() {
                        former.insert(found.id, found.former_orgs);
                    }
                }
            }
            MemberAt::Broken | MemberAt::Db { .. } => {}
        }
    }
    Ok(StoredCards {
        members: at,
        former,
        exempt,
        existed,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Span {
    Role,
    Oversight,
}

/// Progress of the parent-cycle walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visit {
    New,
    OnPath,
    Done,
}

/// The checks that need more than one record.
struct Check<'a, 'p> {
    batch: &'a Batch,
    refs: &'a Refs,
    problems: &'p mut Problems,
    /// The day the import is judged on: no meeting is held after it.
    today: NaiveDate,
}

impl Check<'_, '_> {
    fn org_at(&self, code: CodeRef) -> OrgAt {
        self.refs.orgs[code.0 as usize]
    }

    fn member_at(&self, card: CardRef) -> MemberAt {
        self.refs.members.get(card.0 as usize)
    }

    fn kind_of(&self, at: OrgAt) -> Option<OrgKind> {
        match at {
            OrgAt::File(i) => Some(self.batch.orgs[i].kind),
            OrgAt::Db { kind, .. } => Some(kind),
            OrgAt::Unknown | OrgAt::Broken => None,
        }
    }

    fn key_of(at: OrgAt) -> Option<OrgKey> {
        match at {
            OrgAt::File(i) => Some(OrgKey::File(i)),
            OrgAt::Db { id, .. } => Some(OrgKey::Db(id)),
            OrgAt::Unknown | OrgAt::Broken => None,
        }
    }

    /// The parent of an organisation, wherever each of them lives.
    fn parent_key(&self, at: OrgAt) -> Option<OrgKey> {
        match at {
            OrgAt::File(i) => Self::key_of(self.org_at(self.batch.orgs[i].parent?)),
            OrgAt::Db { parent, .. } => parent.map(OrgKey::Db),
            OrgAt::Unknown | OrgAt::Broken => None,
        }
    }

    /// The branch a member sat in on `day`: a former one left after that day, else the
    /// present one.
    fn member_branch_on(&self, at: MemberAt, day: NaiveDate) -> Option<OrgKey> {
        match at {
            MemberAt::File(i) => {
                let record = &self.batch.members[i];
                let code = self
                    .batch
                    .former_orgs_of(record)
                    .iter()
                    .find(|(_, until)| day < *until)
                    .map_or(record.org, |(code, _)| *code);
                Self::key_of(self.org_at(code))
            }
            MemberAt::Db { id, org } => {
                let former = self.refs.db_former.get(&id).into_iter().flatten();
                let branch = former
                    .clone()
                    .find(|f| day < f.until)
                    .map_or(org, |f| f.org);
                Some(OrgKey::Db(branch))
            }
            MemberAt::Unknown | MemberAt::Broken => None,
        }
    }

    fn member_key(at: MemberAt) -> Option<MemberKey> {
        match at {
            MemberAt::File(i) => Some(MemberKey::File(i)),
            MemberAt::Db { id, .. } => Some(MemberKey::Db(id)),
            MemberAt::Unknown | MemberAt::Broken => None,
        }
    }

    fn defines_org(&self, i: usize) -> bool {
        matches!(self.org_at(self.batch.orgs[i].code), OrgAt::File(j) if j == i)
    }

    /// A reference to an organisation: what it names, or `None` after reporting it unknown
    /// (silently when it names a record that already had its own problem).
    fn org_ref(&mut self, line: usize, field: &'static str, code: CodeRef) -> Option<OrgAt> {
        match self.org_at(code) {
            OrgAt::Unknown => {
                let code = self.batch.code_text(code).to_string();
                self.problems.add(line, Problem::UnknownOrg { field, code });
                None
            }
            OrgAt::Broken => None,
            at => Some(at),
        }
    }

    /// A reference to a member, like [`Check::org_ref`].
    fn card_ref(&mut self, line: usize, field: &'static str, card: CardRef) -> Option<MemberAt> {
        match self.member_at(card) {
            MemberAt::Unknown => {
                let card = self.batch.card_text(card).to_string();
                self.problems
                    .add(line, Problem::UnknownCard { field, card });
                None
            }
            MemberAt::Broken => None,
            at => Some(at),
        }
    }

    /// Every parent exists and may hold a child of that kind (duplicates checked too: every
    /// problem of a line is reported at once).
    fn org_parents(&mut self) {
        for org in &self.batch.orgs {
            let Some(parent) = org.parent else { continue };
            let Some(at) = self.org_ref(org.line, "parent", parent) else {
                continue;
            };
            let Some(parent_kind) = self.kind_of(at) else {
                continue;
            };
            if !org.kind.may_sit_under(parent_kind) {
                let problem = Problem::Placement {
                    kind: org.kind.as_str(),
                    parent: self.batch.code_text(parent).to_string(),
                    parent_kind: parent_kind.as_str(),
                };
                self.problems.add(org.line, problem);
            }
        }
    }

    /// No organisation is its own ancestor. Orgs of the database cannot take part in a
    /// cycle: their parents are in the database, and a file may not redefine their codes.
    fn parent_cycles(&mut self) {
        let orgs = &self.batch.orgs;
        let mut visit = vec![Visit::New; orgs.len()];
        for start in 0..orgs.len() {
            if visit[start] != Visit::New || !self.defines_org(start) {
                continue;
            }
            let mut path = Vec::new();
            let mut current = Some(start);
            while let Some(i) = current {
                match visit[i] {
                    Visit::Done => break,
                    Visit::OnPath => {
                        let from = path.iter().position(|&p| p == i).unwrap_or(0);
                        self.report_cycle(&path[from..]);
                        break;
                    }
                    Visit::New => {
                        visit[i] = Visit::OnPath;
                        path.push(i);
                        current = match orgs[i].parent.map(|p| self.org_at(p)) {
                            Some(OrgAt::File(parent)) => Some(parent),
                            _ => None,
                        };
                    }
                }
            }
            for i in path {
                visit[i] = Visit::Done;
            }
        }
    }

    /// No organisation of the file sits deeper than the tree may (`domain::org::MAX_DEPTH`),
    /// counting the levels above it in the database too. Reported once per branch of the
    /// tree that goes too deep, at the first organisation past the limit; one walk for the
    /// whole file, so a chain of any length is checked in linear time.
    fn depths(&mut self, w: &Writer<'_>) -> Result<(), StoreError> {
        let orgs = &self.batch.orgs;
        let refs = self.refs;
        let parent_of = |key: OrgKey| -> Result<Option<OrgKey>, StoreError> {
            Ok(match key {
                OrgKey::File(i) => orgs[i]
                    .parent
                    .and_then(|p| Self::key_of(refs.orgs[p.0 as usize])),
                OrgKey::Db(id) => w.org(id)?.and_then(|o| o.parent).map(OrgKey::Db),
            })
        };
        let defined: Vec<usize> = (0..orgs.len()).filter(|&i| self.defines_org(i)).collect();
        let levels = levels(defined.iter().map(|&i| OrgKey::File(i)), parent_of)?;
        for i in defined {
            let Some(level) = levels[&OrgKey::File(i)].filter(|&l| l > MAX_DEPTH) else {
                continue;
            };
            // The first past the limit: its parent is within it, or lies in the database.
            let parent = parent_of(OrgKey::File(i))?;
            let first_past = match parent {
                Some(OrgKey::File(p)) => levels[&OrgKey::File(p)].is_some_and(|l| l <= MAX_DEPTH),
                _ => true,
            };
            if first_past {
                let code = self.batch.code_text(orgs[i].code).to_string();
                self.problems
                    .add(orgs[i].line, Problem::TooDeep { code, level });
            }
        }
        Ok(())
    }

    /// Reports a cycle once, at its first line, as "A → B → … → A".
    fn report_cycle(&mut self, cycle: &[usize]) {
        let orgs = &self.batch.orgs;
        let first = (0..cycle.len())
            .min_by_key(|&k| orgs[cycle[k]].line)
            .unwrap_or(0);
        let codes = cycle[first..]
            .iter()
            .chain(&cycle[..first])
            .chain(std::iter::once(&cycle[first]))
            .map(|&i| self.batch.code_text(orgs[i].code).to_string())
            .collect();
        let line = orgs[cycle[first]].line;
        self.problems.add(line, Problem::ParentCycle { codes });
    }

    /// A member belongs to a branch, and to a cell of that same branch; the branches it
    /// sat in before exist and are branches.
    fn members(&mut self) {
        for member in &self.batch.members {
            for (code, _) in self.batch.former_orgs_of(member) {
                let Some(at) = self.org_ref(member.line, "former_orgs.org", *code) else {
                    continue;
                };
                if let Some(kind) = self.kind_of(at).filter(|k| !k.is_branch()) {
                    let code = self.batch.code_text(*code).to_string();
                    let problem = Problem::MemberOrgNotBranch {
                        code,
                        kind: kind.as_str(),
                    };
                    self.problems.add(member.line, problem);
                }
            }
            let org = self.org_ref(member.line, "org", member.org);
            if let Some(org) = org
                && let Some(kind) = self.kind_of(org)
                && !kind.is_branch()
            {
                let code = self.batch.code_text(member.org).to_string();
                let problem = Problem::MemberOrgNotBranch {
                    code,
                    kind: kind.as_str(),
                };
                self.problems.add(member.line, problem);
            }
            let Some(cell) = member.cell() else { continue };
            let Some(cell_at) = self.org_ref(member.line, "cell", cell) else {
                continue;
            };
            match self.kind_of(cell_at) {
                Some(OrgKind::Cell) => {
                    let branch = org.and_then(Self::key_of);
                    if branch.is_some() && self.parent_key(cell_at) != branch {
                        let problem = Problem::CellOutsideBranch {
                            cell: self.batch.code_text(cell).to_string(),
                            org: self.batch.code_text(member.org).to_string(),
                        };
                        self.problems.add(member.line, problem);
                    }
                }
                Some(kind) => {
                    let problem = Problem::CellNotCell {
                        code: self.batch.code_text(cell).to_string(),
                        kind: kind.as_str(),
                    };
                    self.problems.add(member.line, problem);
                }
                None => {}
            }
        }
    }

    /// A status names a member, and begins no earlier than the member existed.
    fn statuses(&mut self) {
        for status in &self.batch.statuses {
            let (born, admitted) = match self.card_ref(status.line, "card", status.card) {
                Some(MemberAt::File(i)) => {
                    let member = &self.batch.members[i];
                    (member.born, member.admitted)
                }
                Some(MemberAt::Db { id, .. }) => {
                    self.refs.db_existed.get(&id).copied().unwrap_or_default()
                }
                _ => continue,
            };
            let event = Dated::Status(status.change.status);
            let rule = check_not_before_member(born, admitted, event, status.change.from);
            if let Err(EditError::BeforeMember { event, day, since }) = rule {
                let problem = Problem::BeforeMember {
                    card: self.batch.card_text(status.card).to_string(),
                    event,
                    day,
                    since,
                };
                self.problems.add(status.line, problem);
            }
        }
    }

    /// Roles and oversight: who and where exist, where has a committee, and no two records
    /// share (org, member, from) — the store keeps one per key, so a second would vanish.
    fn spans(&mut self, w: &Writer<'_>, span: Span) -> Result<(), StoreError> {
        let records: &[SpanRec] = match span {
            Span::Role => &self.batch.roles,
            Span::Oversight => &self.batch.oversight,
        };
        let mut seen: KeyMap<(OrgKey, MemberKey, NaiveDate), usize> = KeyMap::default();
        let mut stored: KeyMap<OrgId, HashSet<(MemberId, NaiveDate)>> = KeyMap::default();
        for record in records {
            let org = self.org_ref(record.line, "org", record.org);
            let member = self.card_ref(record.line, "card", record.card);
            if let Some(org) = org
                && self.kind_of(org) == Some(OrgKind::Cell)
            {
                let code = self.batch.code_text(record.org).to_string();
                self.problems
                    .add(record.line, Problem::NoCommittee { code });
            }
            let (Some(org), Some(member)) = (
                org.and_then(Self::key_of),
                member.and_then(Self::member_key),
            ) else {
                continue;
            };
            let first_line = match seen.entry((org, member, record.from)) {
                Entry::Occupied(first) => Some(Some(*first.get())),
                Entry::Vacant(slot) => {
                    slot.insert(record.line);
                    let (OrgKey::Db(org_id), MemberKey::Db(member_id)) = (org, member) else {
                        continue;
                    };
                    let held = match stored.entry(org_id) {
                        Entry::Occupied(held) => held.into_mut(),
                        Entry::Vacant(slot) => slot.insert(stored_spans(w, span, org_id)?),
                    };
                    held.contains(&(member_id, record.from)).then_some(None)
                }
            };
            if let Some(first_line) = first_line {
                self.report_duplicate_span(span, record, first_line);
            }
        }
        Ok(())
    }

    fn report_duplicate_span(&mut self, span: Span, record: &SpanRec, first_line: Option<usize>) {
        let card = self.batch.card_text(record.card).to_string();
        let org = self.batch.code_text(record.org).to_string();
        let from = record.from.format("%Y-%m-%d").to_string();
        let problem = match span {
            Span::Role => Problem::DuplicateRole {
                card,
                org,
                from,
                first_line,
            },
            Span::Oversight => Problem::DuplicateOversight {
                card,
                org,
                from,
                first_line,
            },
        };
        self.problems.add(record.line, problem);
    }

    /// Classifications: who exists, is not a cell, and is graded once a year — in the file
    /// and with what the database holds.
    fn classifications(&mut self, w: &Writer<'_>) -> Result<(), StoreError> {
        let mut seen: KeyMap<(GradedKey, i32), usize> = KeyMap::default();
        for record in &self.batch.classifications {
            let key = match record.who {
                GradedRef::Org(code) => self.graded_org(record.line, code),
                GradedRef::Card(card) => self
                    .card_ref(record.line, "card", card)
                    .and_then(Self::member_key)
                    .map(GradedKey::Member),
            };
            let Some(key) = key else { continue };
            let year = record.classification.year;
            let first_line = match seen.entry((key, year)) {
                Entry::Occupied(first) => Some(Some(*first.get())),
                Entry::Vacant(slot) => {
                    slot.insert(record.line);
                    stored_classification(w, key, year)?.then_some(None)
                }
            };
            if let Some(first_line) = first_line {
                let who = match record.who {
                    GradedRef::Org(code) => self.batch.code_text(code),
                    GradedRef::Card(card) => self.batch.card_text(card),
                };
                let problem = Problem::DuplicateClassification {
                    who: who.to_string(),
                    year,
                    first_line,
                };
                self.problems.add(record.line, problem);
            }
        }
        Ok(())
    }

    /// The organisation a classification grades, unless it is unknown or a cell.
    fn graded_org(&mut self, line: usize, code: CodeRef) -> Option<GradedKey> {
        let at = self.org_ref(line, "org", code)?;
        if self.kind_of(at) == Some(OrgKind::Cell) {
            let code = self.batch.code_text(code).to_string();
            self.problems.add(line, Problem::CellGraded { code });
            return None;
        }
        Self::key_of(at).map(GradedKey::Org)
    }

    /// Meetings: one per (org, date, kind), held no later than today and not after their
    /// organisation's dissolution. Returns where each meeting of the file is, by (org, date,
    /// kind). Sorted, not hashed: a national file's millions of keys cost 32 bytes each.
    fn meetings(&mut self, w: &Writer<'_>) -> Result<MeetingKeys, StoreError> {
        let stubs = &self.batch.meetings;
        let mut keys = Vec::with_capacity(stubs.len());
        for (i, meeting) in stubs.iter().enumerate() {
            let at = self.org_ref(meeting.line, "org", meeting.org);
            if let Some(at) = at {
                self.meeting_day(w, meeting, at)?;
            }
            if let Some(org) = at.and_then(Self::key_of) {
                keys.push(((org, meeting.date, meeting.kind), i as u32));
            }
        }
        // By key, then file order: the first of a key is the one the others repeat.
        keys.sort_unstable();
        for same in keys.chunk_by(|a, b| a.0 == b.0) {
            let ((org, date, kind), first) = same[0];
            if stored_meeting(w, org, date, kind)?.is_some() {
                self.duplicate_meeting(first, None);
            }
            for &(_, again) in &same[1..] {
                self.duplicate_meeting(again, Some(stubs[first as usize].line));
            }
        }
        keys.dedup_by_key(|(key, _)| *key);
        Ok(MeetingKeys(keys))
    }

    /// The file's `i`th meeting repeats the one at `first_line`, or one stored if `None`.
    fn duplicate_meeting(&mut self, i: u32, first_line: Option<usize>) {
        let meeting = &self.batch.meetings[i as usize];
        let problem = Problem::DuplicateMeeting {
            org: self.batch.code_text(meeting.org).to_string(),
            date: meeting.date.format("%Y-%m-%d").to_string(),
            kind: meeting.kind.as_str(),
            first_line,
        };
        self.problems.add(meeting.line, problem);
    }

    /// The members a meeting names, once its record is read again: attendance only of the
    /// branch's own members, each once; excuses only for members in the attendance; guests
    /// and the drafter exist. An unknown organisation was reported with the stub.
    fn meeting_refs(&mut self, meeting: &MeetingRec) {
        let org = Self::key_of(self.org_at(meeting.org));
        self.attendance(meeting, org);
        self.excuses(meeting);
        for guest in &meeting.guests {
            self.card_ref(meeting.line, "guests", *guest);
        }
        self.listed_twice(meeting.line, "guests", meeting.guests.clone());
        if let Some(drafter) = meeting.drafter() {
            self.card_ref(meeting.line, "drafter", drafter);
        }
    }

    /// A held meeting is not after today, and no meeting of a dissolved organisation falls on
    /// or after its dissolution.
    fn meeting_day(
        &mut self,
        w: &Writer<'_>,
        meeting: &MeetingStub,
        at: OrgAt,
    ) -> Result<(), StoreError> {
        if meeting.state == MeetingState::Held && meeting.date > self.today {
            let today = self.today;
            self.problems
                .add(meeting.line, Problem::HeldAfterToday { today });
        }
        let dissolved = match at {
            OrgAt::File(i) => self.batch.orgs[i].dissolved,
            OrgAt::Db { id, .. } => w.org(id)?.and_then(|o| o.dissolved),
            OrgAt::Unknown | OrgAt::Broken => None,
        };
        if let Some(dissolved) = dissolved.filter(|d| meeting.date >= *d) {
            let org = self.batch.code_text(meeting.org).to_string();
            self.problems
                .add(meeting.line, Problem::AfterDissolution { org, dissolved });
        }
        Ok(())
    }

    /// Every document names a meeting of the file or of the database.
    fn documents(
        &mut self,
        w: &Writer<'_>,
        meetings: &MeetingKeys,
    ) -> Result<Vec<Option<MeetingAt>>, StoreError> {
        let mut at = Vec::with_capacity(self.batch.documents.len());
        for doc in &self.batch.documents {
            let Some(org) = self
                .org_ref(doc.line, "org", doc.org)
                .and_then(Self::key_of)
            else {
                at.push(None);
                continue;
            };
            let found = match meetings.get(&(org, doc.date, doc.kind)) {
                Some(i) => Some(MeetingAt::File(i)),
                None => stored_meeting(w, org, doc.date, doc.kind)?.map(MeetingAt::Db),
            };
            if found.is_none() {
                let problem = Problem::DocumentWithoutMeeting {
                    org: self.batch.code_text(doc.org).to_string(),
                    date: doc.date.format("%Y-%m-%d").to_string(),
                    kind: doc.kind.as_str(),
                };
                self.problems.add(doc.line, problem);
            }
            at.push(found);
        }
        Ok(at)
    }

    fn attendance(&mut self, meeting: &MeetingRec, org: Option<OrgKey>) {
        for (card, _) in &meeting.attendance {
            let Some(member) = self.card_ref(meeting.line, "attendance", *card) else {
                continue;
            };
            if let (Some(org), Some(branch)) = (org, self.member_branch_on(member, meeting.date))
                && org != branch
            {
                let problem = Problem::NotMemberOfBranch {
                    card: self.batch.card_text(*card).to_string(),
                    org: self.batch.code_text(meeting.org).to_string(),
                };
                self.problems.add(meeting.line, problem);
            }
        }
        let cards = meeting.attendance.iter().map(|(card, _)| *card).collect();
        self.listed_twice(meeting.line, "attendance", cards);
    }

    fn excuses(&mut self, meeting: &MeetingRec) {
        let mut marked: Vec<CardRef> = meeting.attendance.iter().map(|(c, _)| *c).collect();
        marked.sort_unstable();
        for (card, _) in &meeting.excuses {
            if marked.binary_search(card).is_err() {
                let card = self.batch.card_text(*card).to_string();
                self.problems
                    .add(meeting.line, Problem::ExcuseWithoutMark { card });
            }
        }
        let cards = meeting.excuses.iter().map(|(card, _)| *card).collect();
        self.listed_twice(meeting.line, "excuses", cards);
    }

    /// Reports each card that occurs more than once in `cards`, once.
    fn listed_twice(&mut self, line: usize, field: &'static str, mut cards: Vec<CardRef>) {
        cards.sort_unstable();
        let mut reported = None;
        for pair in cards.windows(2) {
            if pair[0] == pair[1] && reported != Some(pair[0]) {
                reported = Some(pair[0]);
                let card = self.batch.card_text(pair[0]).to_string();
                self.problems
                    .add(line, Problem::ListedTwice { field, card });
            }
        }
    }
}

/// The (member, from) keys of the roles or oversight already stored for `org`.
fn stored_spans(
    w: &Writer<'_>,
    span: Span,
    org: OrgId,
) -> Result<HashSet<(MemberId, NaiveDate)>, StoreError> {
    Ok(match span {
        Span::Role => w
            .roles_of_org(org)?
            .into_iter()
            .map(|r| (r.member, r.from))
            .collect(),
        Span::Oversight => w
            .oversight_of_org(org)?
            .into_iter()
            .map(|o| (o.member, o.from))
            .collect(),
    })
}

/// The file's meetings by (org, date, kind): the index of the first with that key, sorted.
struct MeetingKeys(Vec<((OrgKey, NaiveDate, MeetingKind), u32)>);

impl MeetingKeys {
    fn get(&self, key: &(OrgKey, NaiveDate, MeetingKind)) -> Option<usize> {
        let at = self.0.binary_search_by(|(k, _)| k.cmp(key)).ok()?;
        Some(self.0[at].1 as usize)
    }
}

/// The meeting the database holds for an org, day and kind, if any.
fn stored_meeting(
    w: &Writer<'_>,
    org: OrgKey,
    date: NaiveDate,
    kind: MeetingKind,
) -> Result<Option<MeetingId>, StoreError> {
    let OrgKey::Db(id) = org else {
        return Ok(None);
    };
    let next_day = date.succ_opt().unwrap_or(date);
    Ok(w.meetings_of(id, date, next_day)?
        .into_iter()
        .find(|m| m.kind == kind)
        .map(|m| m.id))
}

/// Whether the database already holds a classification of the same unit and year.
fn stored_classification(w: &Writer<'_>, key: GradedKey, year: i32) -> Result<bool, StoreError> {
    Ok(match key {
        GradedKey::Org(OrgKey::Db(id)) => w.org_classification(id, year)?.is_some(),
        GradedKey::Member(MemberKey::Db(id)) => w.member_classification(id, year)?.is_some(),
        GradedKey::Org(OrgKey::File(_)) | GradedKey::Member(MemberKey::File(_)) => false,
    })
}

/// Store ids of the file's records, as they are written.
struct Ids<'r> {
    refs: &'r Refs,
    orgs: Vec<OrgId>,
    members: Vec<MemberId>,
}

impl Ids<'_> {
    fn org(&self, code: CodeRef) -> OrgId {
        match self.refs.orgs[code.0 as usize] {
            OrgAt::File(i) => self.orgs[i],
            OrgAt::Db { id, .. } => id,
            OrgAt::Unknown | OrgAt::Broken => {
                unreachable!("every reference is resolved before anything is written")
            }
        }
    }

    fn member(&self, card: CardRef) -> MemberId {
        match self.refs.members.get(card.0 as usize) {
            MemberAt::File(i) => self.members[i],
            MemberAt::Db { id, .. } => id,
            MemberAt::Unknown | MemberAt::Broken => {
                unreachable!("every reference is resolved before anything is written")
            }
        }
    }
}

/// Writes everything of the file but its meetings, which follow one by one through the
/// returned [`MeetingWriting`]; or the line of a member the file no longer holds as it did.
fn write<'r>(
    w: &mut Writer<'_>,
    batch: &mut Batch,
    refs: &'r Refs,
    again: &mut dyn ReadAgain,
) -> Result<Result<MeetingWriting<'r>, usize>, ImportError> {
    let mut ids = Ids {
        refs,
        orgs: Vec::new(),
        members: Vec::new(),
    };
    write_orgs(w, batch, &mut ids)?;
    if let Err(line) = write_members(w, batch, &mut ids, again)? {
        return Ok(Err(line));
    }
    write_stored_members_statuses(w, batch, refs)?;
    for record in &batch.roles {
        w.put_role(&Role {
            member: ids.member(record.card),
            org: ids.org(record.org),
            role: record.role.expect("role records carry a role"),
            from: record.from,
            until: record.until,
        })?;
    }
    for record in &batch.oversight {
        w.put_oversight(&Oversight {
            member: ids.member(record.card),
            org: ids.org(record.org),
            from: record.from,
            until: record.until,
        })?;
    }
    let documents = documents_by_meeting(batch, refs);
    for (id, docs) in documents.stored {
        add_stored_documents(w, id, docs)?;
    }
    for record in &batch.classifications {
        match record.who {
            GradedRef::Org(code) => {
                w.put_org_classification(ids.org(code), &record.classification)?
            }
            GradedRef::Card(card) => {
                w.put_member_classification(ids.member(card), &record.classification)?
            }
        }
    }
    let exempted = Exempted::read(w, batch, &ids)?;
    Ok(Ok(MeetingWriting {
        ids,
        documents: documents.file,
        exempted,
    }))
}

/// What writing the file's meetings needs once the rest is written: the store ids of the
/// file's records, the documents of each meeting, and who was ever exempt.
struct MeetingWriting<'r> {
    ids: Ids<'r>,
    /// By the meeting's index in the file.
    documents: BTreeMap<usize, Vec<DocumentRec>>,
    exempted: Exempted,
}

impl MeetingWriting<'_> {
    /// Writes the file's `i`th meeting, read again as `record`.
    fn meeting(
        &mut self,
        w: &mut Writer<'_>,
        i: usize,
        record: &mut MeetingRec,
    ) -> Result<(), StoreError> {
        let docs = self.documents.remove(&i).unwrap_or_default();
        write_meeting(w, record, docs, &self.ids, &self.exempted)
    }
}

/// Orgs parents first (the store checks each parent chain as it goes), then by code, so
/// the same file always gives the same ids.
fn write_orgs(w: &mut Writer<'_>, batch: &mut Batch, ids: &mut Ids<'_>) -> Result<(), StoreError> {
    let depths = file_depths(batch, ids.refs);
    let mut order: Vec<usize> = (0..batch.orgs.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |i: usize| (depths[i], batch.code_text(batch.orgs[i].code));
        key(a).cmp(&key(b))
    });
    ids.orgs = vec![OrgId(0); batch.orgs.len()];
    for bulk in order.chunks(ORGS_PER_BULK_WRITE) {
        let orgs = new_orgs(w, batch, ids, bulk)?;
        w.put_new_orgs(&orgs)?;
    }
    Ok(())
}

/// Organisations are written in bulks of at most this many: their index rows are sorted
/// per bulk, and a national file's 300,000 are not all held at once.
const ORGS_PER_BULK_WRITE: usize = 1 << 14;

/// The store's organisations for the file's `bulk`, each numbered as it comes.
fn new_orgs(
    w: &mut Writer<'_>,
    batch: &mut Batch,
    ids: &mut Ids<'_>,
    bulk: &[usize],
) -> Result<Vec<OrgUnit>, StoreError> {
    let mut orgs = Vec::with_capacity(bulk.len());
    for &i in bulk {
        let id = w.new_org_id()?;
        ids.orgs[i] = id;
        let parent = batch.orgs[i].parent.map(|p| ids.org(p));
        let code = batch.code_text(batch.orgs[i].code).to_string();
        let record = &mut batch.orgs[i];
        orgs.push(OrgUnit {
            id,
            code,
            name: std::mem::take(&mut record.name),
            kind: record.kind,
            parent,
            branch_type: record.branch_type,
            meeting_rule: record.meeting_rule,
            grace_days: record.grace_days,
            plan_deadline: record.plan_deadline,
            founded: record.founded,
            dissolved: record.dissolved,
            rule_changes: std::mem::take(&mut record.rule_changes),
        });
    }
    Ok(orgs)
}

/// How many of the file's orgs sit above each of them (the chain ends at a root or at an
/// org of the database). Acyclic by now.
fn file_depths(batch: &Batch, refs: &Refs) -> Vec<usize> {
    let parent_in_file = |i: usize| match batch.orgs[i].parent.map(|p| refs.orgs[p.0 as usize]) {
        Some(OrgAt::File(parent)) => Some(parent),
        _ => None,
    };
    let mut depth: Vec<Option<usize>> = vec![None; batch.orgs.len()];
    for start in 0..batch.orgs.len() {
        let mut path = Vec::new();
        let mut current = Some(start);
        let mut base = 0;
        while let Some(i) = current {
            if let Some(d) = depth[i] {
                base = d + 1;
                break;
            }
            path.push(i);
            current = parent_in_file(i);
        }
        for (up, &i) in path.iter().rev().enumerate() {
            depth[i] = Some(base + up);
        }
    }
    depth.into_iter().map(|d| d.unwrap_or(0)).collect()
}

/// Members numbered by card (so ids and the card index grow in the same order), each with
/// its status history from the file, written in bulk: they are all new to the store. Each is
/// read again, in file order, a bulk at a time, the next bulk read while this one is written
/// (the reading is mostly parsing, so the two take both cores); or the line of one the file
/// no longer holds as it did.
fn write_members(
    w: &mut Writer<'_>,
    batch: &mut Batch,
    ids: &mut Ids<'_>,
    again: &mut dyn ReadAgain,
) -> Result<Result<(), usize>, ImportError> {
    ids.members = vec![MemberId(0); batch.members.len()];
    for i in members_by_card(batch) {
        ids.members[i] = w.new_member_id()?;
    }
    let ids = &*ids;
    let statuses = statuses_by_file_member(batch, ids.refs);
    let total = batch.members.len();
    let bulk = |from: usize| from..total.min(from + bulk_size(from));
    let mut ready = members_again(batch, ids, again, &statuses, bulk(0))?;
    let mut from = 0;
    while from < total {
        let members = match ready {
            Ok(members) => members,
            Err(line) => return Ok(Err(line)),
        };
        from += members.len();
        let (written, read) = while_reading(
            || members_again(batch, ids, again, &statuses, bulk(from)),
            || w.put_new_members(&members),
        );
        written?;
        ready = read?;
    }
    Ok(Ok(()))
}

/// The file's members `range` read again, with their statuses, in id order for a bulk
/// write; or the line of one the file no longer holds as it did.
fn members_again(
    batch: &mut Batch,
    ids: &Ids<'_>,
    again: &mut dyn ReadAgain,
    (starts, grouped): &(Vec<usize>, Vec<usize>),
    range: std::ops::Range<usize>,
) -> Result<Result<Vec<Member>, usize>, ImportError> {
    let mut members = Vec::with_capacity(range.len());
    for i in range {
        let Some(record) = member_again(again, i, batch, ids.refs)? else {
            return Ok(Err(batch.members[i].line));
        };
        let mut member = new_member(batch, record, ids.members[i], ids);
        for &s in &grouped[starts[i]..starts[i + 1]] {
            member.record_status(batch.statuses[s].change.clone());
        }
        members.push(member);
    }
    members.sort_unstable_by_key(|m| m.id);
    Ok(Ok(members))
}

/// Indexes of the file's members in card order. Sorted on the first eight bytes of the card
/// (a whole card, usually) held inline, so most comparisons never leave the sort buffer.
fn members_by_card(batch: &Batch) -> Vec<usize> {
    let mut keyed: Vec<(u64, usize)> = batch
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| (sort_prefix(batch.card_text(m.card)), i))
        .collect();
    keyed.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| {
            let card = |i: usize| batch.card_text(batch.members[i].card);
            card(a.1).cmp(card(b.1))
        })
    });
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// The first eight bytes of `text` as a number that orders like the bytes do.
fn sort_prefix(text: &str) -> u64 {
    let mut prefix = [0u8; 8];
    let len = text.len().min(8);
    prefix[..len].copy_from_slice(&text.as_bytes()[..len]);
    u64::from_be_bytes(prefix)
}

/// Members are written in bulks of at most this many: index rows are sorted per bulk, and
/// memory stays bounded for a national file (a bulk's records and rows are some 100 MB).
const MEMBERS_PER_BULK_WRITE: usize = 1 << 18;

/// How many members the bulk starting at the file's `from`th member holds. The first is
/// read with nothing written beside it, so the bulks start small and double: each is read
/// while the one before, half its size, is written, which takes longer than reading.
fn bulk_size(from: usize) -> usize {
    const FIRST: usize = MEMBERS_PER_BULK_WRITE >> 4;
    // The bulks of FIRST, 2 FIRST, 4 FIRST … begin at (2^k - 1) FIRST.
    (from + FIRST).min(MEMBERS_PER_BULK_WRITE)
}

/// The store's member for `record`, read again.
fn new_member(batch: &Batch, record: MemberRec, id: MemberId, ids: &Ids<'_>) -> Member {
    let former_orgs = record
        .former_orgs()
        .iter()
        .map(|(code, until)| FormerOrg {
            org: ids.org(*code),
            until: *until,
        })
        .collect();
    let more = record.more.map_or_else(MemberMore::default, |m| *m);
    Member {
        id,
        card: batch.card_text(record.card).to_string(),
        name: record.name,
        sex: record.sex,
        born: record.born,
        admitted: record.admitted,
        full_member: record.full_member,
        org: ids.org(record.org),
        cell: record.cell.map(|c| ids.org(c)),
        phone: more.phone,
        residence: more.residence,
        former_orgs,
        history: Vec::new(),
    }
}

/// The file's status records grouped by the file member they belong to, in file order:
/// member `i` owns `grouped[starts[i]..starts[i + 1]]`. A counting sort: one pass each way.
fn statuses_by_file_member(batch: &Batch, refs: &Refs) -> (Vec<usize>, Vec<usize>) {
    let owner = |s: usize| match refs.members.get(batch.statuses[s].card.0 as usize) {
        MemberAt::File(i) => Some(i),
        _ => None,
    };
    let mut starts = vec![0usize; batch.members.len() + 1];
    for s in 0..batch.statuses.len() {
        if let Some(i) = owner(s) {
            starts[i + 1] += 1;
        }
    }
    for i in 0..batch.members.len() {
        starts[i + 1] += starts[i];
    }
    let mut next = starts.clone();
    let mut grouped = vec![0usize; starts[batch.members.len()]];
    for s in 0..batch.statuses.len() {
        if let Some(i) = owner(s) {
            grouped[next[i]] = s;
            next[i] += 1;
        }
    }
    (starts, grouped)
}

/// Status changes for members already in the database join their stored history.
fn write_stored_members_statuses(
    w: &mut Writer<'_>,
    batch: &Batch,
    refs: &Refs,
) -> Result<(), StoreError> {
    let mut by_member: BTreeMap<MemberId, Vec<usize>> = BTreeMap::new();
    for (s, status) in batch.statuses.iter().enumerate() {
        if let MemberAt::Db { id, .. } = refs.members.get(status.card.0 as usize) {
            by_member.entry(id).or_default().push(s);
        }
    }
    for (id, statuses) in by_member {
        let mut member = w
            .member(id)?
            .ok_or_else(|| StoreError::Corrupt(format!("member {} vanished", id.0)))?;
        for s in statuses {
            member.record_status(batch.statuses[s].change.clone());
        }
        w.put_member(&member)?;
    }
    Ok(())
}

/// The file's documents grouped by their meeting, each group in file order.
#[derive(Default)]
struct DocumentGroups {
    file: BTreeMap<usize, Vec<DocumentRec>>,
    stored: BTreeMap<MeetingId, Vec<DocumentRec>>,
}

fn documents_by_meeting(batch: &mut Batch, refs: &Refs) -> DocumentGroups {
    let mut groups = DocumentGroups::default();
    let documents = std::mem::take(&mut batch.documents);
    for (doc, at) in documents.into_iter().zip(&refs.documents) {
        match at {
            Some(MeetingAt::File(i)) => groups.file.entry(*i).or_default().push(doc),
            Some(MeetingAt::Db(id)) => groups.stored.entry(*id).or_default().push(doc),
            None => unreachable!("every document's meeting is found before anything is written"),
        }
    }
    groups
}

/// The listing of a meeting's documents from the file, numbered from `first` in file order.
fn document_infos(docs: &[DocumentRec], first: u32) -> Vec<DocumentInfo> {
    docs.iter()
        .zip(first..)
        .map(|(doc, no)| DocumentInfo {
            no,
            name: doc.name.clone(),
            kind: doc.body.kind(),
            media_type: match &doc.body {
                crate::domain::DocumentBody::File { media_type, .. } => media_type.clone(),
                crate::domain::DocumentBody::Markdown(_) => None,
            },
            size: doc.body.bytes().len() as u64,
            added_at: doc.added,
        })
        .collect()
}

/// Documents of the file for a meeting already in the database, after its own.
fn add_stored_documents(
    w: &mut Writer<'_>,
    id: MeetingId,
    docs: Vec<DocumentRec>,
) -> Result<(), StoreError> {
    let mut meeting = w
        .meeting(id)?
        .ok_or_else(|| StoreError::Corrupt(format!("meeting {} vanished", id.0)))?;
    let first = meeting.documents.iter().map(|d| d.no).max().unwrap_or(0) + 1;
    let infos = document_infos(&docs, first);
    for (info, doc) in infos.iter().zip(&docs) {
        w.put_document_bytes(id, info.no, doc.body.bytes())?;
    }
    meeting.documents.extend(infos);
    w.put_meeting(&meeting)
}

/// The status histories, as written, of the members who have an exemption in theirs: the
/// file's new members and database members given one by the file, and database members the
/// file names that already had one. Few members are ever exempt, so only these are read
/// again, and only their histories kept.
struct Exempted(HashMap<MemberId, Vec<StatusChange>>);

impl Exempted {
    fn read(w: &Writer<'_>, batch: &Batch, ids: &Ids<'_>) -> Result<Exempted, StoreError> {
        // A file of members without meetings (a roster) has no marks to tell apart.
        if batch.meetings.is_empty() {
            return Ok(Exempted(HashMap::new()));
        }
        let given = batch
            .statuses
            .iter()
            .filter(|s| s.change.status.is_exempt())
            .map(|s| ids.member(s.card));
        let mut members = HashMap::new();
        for id in given.chain(ids.refs.db_exempt.iter().copied()) {
            if let Entry::Vacant(slot) = members.entry(id)
                && let Some(member) = w.member(id)?
            {
                slot.insert(member.history);
            }
        }
        Ok(Exempted(members))
    }

    /// The mark `mark` of member `id` at a meeting on `day` is stored as: a member who came
    /// while exempt is told apart from the expected who came (files write both `present`).
    fn stored_mark(&self, id: MemberId, mark: Mark, day: NaiveDate) -> Mark {
        if !mark.came() {
            return mark;
        }
        let exempt = self
            .0
            .get(&id)
            .is_some_and(|history| status_in(history, day).is_exempt());
        Mark::present(exempt)
    }
}

/// A meeting with its marks, excuses and guests ordered by member id, as the store keeps
/// them, and its documents from the file numbered in file order.
fn write_meeting(
    w: &mut Writer<'_>,
    record: &mut MeetingRec,
    docs: Vec<DocumentRec>,
    ids: &Ids<'_>,
    exempted: &Exempted,
) -> Result<(), StoreError> {
    let mut attendance: Vec<_> = record
        .attendance
        .iter()
        .map(|(card, mark)| {
            let id = ids.member(*card);
            (id, exempted.stored_mark(id, *mark, record.date))
        })
        .collect();
    attendance.sort_unstable_by_key(|(id, _)| *id);
    let mut excuses: Vec<_> = record
        .excuses
        .iter_mut()
        .map(|(card, reason)| (ids.member(*card), std::mem::take(reason)))
        .collect();
    excuses.sort_unstable_by_key(|(id, _)| *id);
    let mut guests: Vec<_> = record.guests.iter().map(|card| ids.member(*card)).collect();
    guests.sort_unstable();
    let more = record.more.take().map_or_else(MeetingMore::default, |m| *m);
    let approval = match (record.approved, more.approval) {
        (false, _) => None,
        (true, said) => Some(said.unwrap_or_default()),
    };
    let meeting = Meeting {
        id: w.new_meeting_id()?,
        org: ids.org(record.org),
        kind: record.kind,
        date: record.date,
        planned: record.planned,
        attendance,
        excuses,
        guests,
        topic: more.topic,
        minutes: record.minutes.take(),
        minutes_saved_at: None,
        approval,
        amendments: more.amendments,
        state: record.state,
        time: more.time,
        end_time: more.end_time,
        place: more.place,
        agenda: more.agenda,
        drafter: more.drafter.map(|card| ids.member(card)),
        documents: document_infos(&docs, 1),
        sent_at: more.sent_at,
        vote: more.vote,
        decisions: more.decisions,
        chair: more.chair,
        secretary: more.secretary,
        assignments: more.assignments,
    };
    for (info, doc) in meeting.documents.iter().zip(&docs) {
        w.put_document_bytes(meeting.id, info.no, doc.body.bytes())?;
    }
    w.put_meeting(&meeting)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_card_names_reads_back_as_it_was_set() {
        let mut at = MemberAts::unknown(5);
        at.set(1, MemberAt::Broken);
        at.set(2, MemberAt::File(7_000_000));
        at.set(
            3,
            MemberAt::Db {
                id: MemberId(u64::MAX >> 3),
                org: OrgId(42),
            },
        );
        at.set(
            4,
            MemberAt::Db {
                id: MemberId(9),
                org: OrgId(1),
            },
        );
        assert!(matches!(at.get(0), MemberAt::Unknown));
        assert!(matches!(at.get(1), MemberAt::Broken));
        assert!(matches!(at.get(2), MemberAt::File(7_000_000)));
        assert!(matches!(
            at.get(3),
            MemberAt::Db { id, org } if id == MemberId(u64::MAX >> 3) && org == OrgId(42)
        ));
        assert!(matches!(
            at.get(4),
            MemberAt::Db { id, org } if id == MemberId(9) && org == OrgId(1)
        ));
        assert_eq!(
            at.packed.len() * 8,
            std::mem::size_of_val(at.packed.as_slice())
        );
    }
}
