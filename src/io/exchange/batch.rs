//! What an imported file says once each line has passed the contract's checks: records
//! whose codes and cards are interned, waiting for references to other records and to the
//! database to be resolved. JSON Lines and CSV both end here.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::num::NonZeroU32;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::domain::{
    Amendment, Approval, Assignment, BranchType, Classification, DocumentBody, Mark, MeetingKind,
    MeetingState, OrgKind, RoleKind, RuleChange, ScheduleRule, Sex, StatusChange, Vote,
};

/// A fast hash for the import's own keys (codes, cards, ids). The input is the user's own
/// file, not an adversary, so speed beats resistance to crafted collisions here.
#[derive(Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("chunks of 8"));
            self.add(word);
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.add(u64::from_le_bytes(tail) ^ (bytes.len() as u64) << 56);
    }

    fn write_u64(&mut self, word: u64) {
        self.add(word);
    }

    fn finish(&self) -> u64 {
        // A final mix so the low bits the table uses depend on every input bit.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

impl KeyHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// A hash map over the import's own keys, with [`KeyHasher`].
pub type KeyMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

/// Organisation codes and party cards are interned: a reference is a small number, each
/// distinct text is stored once and looked up in the database once. Texts live in one
/// block and the table holds numbers only, so a million cards cost no allocation each.
#[derive(Default)]
pub struct Interner {
    /// Every text, one after the other.
    block: String,
    /// Where text `n` ends in `block`; it starts where text `n - 1` ends.
    ends: Vec<usize>,
    /// Open addressing: the high half is the text's hash, the low half `n + 1` (0: empty).
    slots: Vec<u64>,
}

impl Interner {
    pub fn intern(&mut self, text: &str) -> u32 {
        if (self.ends.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let hash = text_hash(text);
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                let n = u32::try_from(self.ends.len()).expect("fewer than 4 billion keys");
                self.block.push_str(text);
                self.ends.push(self.block.len());
                self.slots[at] = (u64::from(hash) << 32) | u64::from(n + 1);
                return n;
            }
            let n = (slot as u32).wrapping_sub(1);
            if (slot >> 32) as u32 == hash && self.text(n) == text {
                return n;
            }
            at = (at + 1) & mask;
        }
    }

    /// Doubles the table (kept at most half full, so probes stay short).
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let mut slots = vec![0u64; size];
        for &slot in self.slots.iter().filter(|s| **s != 0) {
            let mut at = (slot >> 32) as usize & (size - 1);
            while slots[at] != 0 {
                at = (at + 1) & (size - 1);
            }
            slots[at] = slot;
        }
        self.slots = slots;
    }

    pub fn text(&self, n: u32) -> &str {
        let n = n as usize;
        let start = n.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.block[start..self.ends[n]]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }
}

fn text_hash(text: &str) -> u32 {
    let mut hasher = KeyHasher::default();
    hasher.write(text.as_bytes());
    (hasher.finish() >> 32) as u32
}

/// An organisation code as written in the file, interned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CodeRef(pub u32);

/// A party card number as written in the file, interned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CardRef(pub u32);

pub struct OrgRec {
    pub line: usize,
    pub code: CodeRef,
    pub name: String,
    pub kind: OrgKind,
    pub parent: Option<CodeRef>,
    pub branch_type: Option<BranchType>,
    pub meeting_rule: Option<ScheduleRule>,
    pub grace_days: Option<u8>,
    pub plan_deadline: Option<u8>,
    pub founded: Option<NaiveDate>,
    pub dissolved: Option<NaiveDate>,
    /// Ordered by the month each starts.
    pub rule_changes: Vec<RuleChange>,
}

/// A member as the file gives them; what fewer members have (a phone, a residence,
/// branches sat in before) lies behind one pointer, as a meeting's extras do.
pub struct MemberRec {
    pub line: usize,
    pub card: CardRef,
    pub name: String,
    pub sex: Option<Sex>,
    pub born: Option<NaiveDate>,
    pub admitted: Option<NaiveDate>,
    pub full_member: Option<NaiveDate>,
    pub org: CodeRef,
    pub cell: Option<CodeRef>,
    pub more: Option<Box<MemberMore>>,
}

/// What fewer members of a file have (see [`MemberRec`]).
#[derive(Default)]
pub struct MemberMore {
    pub phone: Option<String>,
    pub residence: Option<String>,
    /// The branches sat in before `org`, each until the day the member left it.
    pub former_orgs: Vec<(CodeRef, NaiveDate)>,
}

impl MemberRec {
    /// The branches sat in before `org`, each until the day the member left it.
    pub fn former_orgs(&self) -> &[(CodeRef, NaiveDate)] {
        self.more.as_ref().map_or(&[], |m| &m.former_orgs)
    }
}

/// What the checks across records need of a member before its second reading (see
/// [`MeetingStub`]): where the member sits and sat, and since when the member existed. The
/// name, phone and residence, most of a member's bytes, are read again when it is written.
/// A national file holds millions of stubs until its meetings are written, so each is kept
/// to 32 bytes: the cell is held as its number plus one, and the few members' branches sat
/// in before lie in the batch ([`Batch::former_orgs_of`]).
pub struct MemberStub {
    pub line: usize,
    pub card: CardRef,
    pub org: CodeRef,
    cell: Option<NonZeroU32>,
    pub born: Option<NaiveDate>,
    pub admitted: Option<NaiveDate>,
    /// The index in `Batch::former_orgs` of the branches sat in before, plus one.
    former_orgs: Option<NonZeroU32>,
}

impl MemberStub {
    pub fn cell(&self) -> Option<CodeRef> {
        self.cell.map(|c| CodeRef(c.get() - 1))
    }
}

/// `n + 1`, which is never zero. Codes and the lists of branches sat in before number fewer
/// than 4 billion, as the interners' texts do.
fn plus_one(n: usize) -> NonZeroU32 {
    u32::try_from(n + 1)
        .ok()
        .and_then(NonZeroU32::new)
        .expect("fewer than 4 billion codes")
}

pub struct StatusRec {
    pub line: usize,
    pub card: CardRef,
    pub change: StatusChange,
}

/// A role or an oversight assignment: the same shape, `role` is `None` for oversight.
pub struct SpanRec {
    pub line: usize,
    pub card: CardRef,
    pub org: CodeRef,
    pub role: Option<RoleKind>,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// A meeting as the file gives it. What every meeting has is kept inline; what fewer say
/// (a topic, a plan, a vote, the facts of the minutes) lies behind one pointer, so the
/// millions of meetings of a national file, which mostly say no more than their roll, cost
/// a fraction of the memory they would hold field by field.
pub struct MeetingRec {
    pub line: usize,
    pub org: CodeRef,
    pub kind: MeetingKind,
    pub state: MeetingState,
    pub date: NaiveDate,
    pub planned: Option<NaiveDate>,
    pub attendance: Vec<(CardRef, Mark)>,
    pub excuses: Vec<(CardRef, String)>,
    pub guests: Vec<CardRef>,
    pub minutes: Option<String>,
    /// Approved with nothing more said; an approval that names who or when is in `more`.
    pub approved: bool,
    pub more: Option<Box<MeetingMore>>,
}

/// What fewer meetings of a file say (see [`MeetingRec`]).
#[derive(Default)]
pub struct MeetingMore {
    pub topic: Option<String>,
    /// An approval that says more than that it happened.
    pub approval: Option<Approval>,
    pub amendments: Vec<Amendment>,
    pub time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
    pub place: Option<String>,
    pub agenda: Vec<String>,
    pub drafter: Option<CardRef>,
    pub sent_at: Option<NaiveDateTime>,
    pub vote: Option<Vote>,
    pub decisions: Option<String>,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    pub assignments: Vec<Assignment>,
}

impl MeetingMore {
    /// Nothing said: such a meeting needs no `MeetingMore`.
    fn is_empty(&self) -> bool {
        self.topic.is_none()
            && self.approval.is_none()
            && self.amendments.is_empty()
            && self.time.is_none()
            && self.end_time.is_none()
            && self.place.is_none()
            && self.agenda.is_empty()
            && self.drafter.is_none()
            && self.sent_at.is_none()
            && self.vote.is_none()
            && self.decisions.is_none()
            && self.chair.is_none()
            && self.secretary.is_none()
            && self.assignments.is_empty()
    }

    /// Behind a pointer when anything was said, else nothing.
    pub fn boxed(self) -> Option<Box<MeetingMore>> {
        (!self.is_empty()).then(|| Box::new(self))
    }
}

impl MeetingRec {
    /// The drafter the plan names, if any.
    pub fn drafter(&self) -> Option<CardRef> {
        self.more.as_ref().and_then(|m| m.drafter)
    }
}

/// What the checks across records need of a meeting before its second reading: which
/// organisation, day and kind it is (one meeting per such key), in which state and where.
/// The whole record is read again when it is written, so a national file's millions of
/// meetings and their marks are never held at once.
#[derive(Debug, Clone, Copy)]
pub struct MeetingStub {
    pub line: usize,
    pub org: CodeRef,
    pub kind: MeetingKind,
    pub state: MeetingState,
    pub date: NaiveDate,
}

impl MeetingStub {
    pub fn of(record: &MeetingRec) -> MeetingStub {
        MeetingStub {
            line: record.line,
            org: record.org,
            kind: record.kind,
            state: record.state,
            date: record.date,
        }
    }

    /// Whether `record` is the meeting this stub was taken from.
    pub fn names(&self, record: &MeetingRec) -> bool {
        (self.line, self.org, self.kind, self.state, self.date)
            == (
                record.line,
                record.org,
                record.kind,
                record.state,
                record.date,
            )
    }
}

/// A document of a meeting, named by the meeting's organisation, day and kind.
pub struct DocumentRec {
    pub line: usize,
    pub org: CodeRef,
    pub kind: MeetingKind,
    pub date: NaiveDate,
    pub name: String,
    pub added: NaiveDateTime,
    pub body: DocumentBody,
}

/// Who a classification grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GradedRef {
    Org(CodeRef),
    Card(CardRef),
}

pub struct ClassificationRec {
    pub line: usize,
    pub who: GradedRef,
    pub classification: Classification,
}

/// Everything one file says, checked field by field.
#[derive(Default)]
pub struct Batch {
    pub codes: Interner,
    pub cards: Interner,
    pub orgs: Vec<OrgRec>,
    /// Every member of the file, in file order, as a stub: the record is read again when it
    /// is written (see [`MemberStub`]).
    pub members: Vec<MemberStub>,
    /// The whole records too, for a file that cannot be read again (a member list): see
    /// [`Batch::keeping_members`].
    pub whole_members: Vec<MemberRec>,
    keep_members: bool,
    /// The branches sat in before, for the few stubs that name them (by
    /// `MemberStub::former_orgs`).
    former_orgs: Vec<Box<[(CodeRef, NaiveDate)]>>,
    /// On the second reading, the member record just read.
    pub reread_member: Option<MemberRec>,
    pub statuses: Vec<StatusRec>,
    pub roles: Vec<SpanRec>,
    pub oversight: Vec<SpanRec>,
    /// Every meeting of the file, in file order, as a stub: its record is read again when
    /// it is written (see [`MeetingStub`]).
    pub meetings: Vec<MeetingStub>,
    /// On the second reading, the meeting record just read.
    pub reread: Option<MeetingRec>,
    /// Whether the file is being read the second time: records are kept whole, one at a time.
    pub rereading: bool,
    pub documents: Vec<DocumentRec>,
    pub classifications: Vec<ClassificationRec>,
    /// Codes of org records that had errors: references to them are not reported again.
    pub broken_codes: Vec<CodeRef>,
    /// Cards of member records that had errors, likewise.
    pub broken_cards: Vec<CardRef>,
}

impl Batch {
    /// Whether the file read held no record of any kind.
    pub fn holds_no_record(&self) -> bool {
        self.orgs.is_empty()
            && self.members.is_empty()
            && self.statuses.is_empty()
            && self.roles.is_empty()
            && self.oversight.is_empty()
            && self.meetings.is_empty()
            && self.documents.is_empty()
            && self.classifications.is_empty()
    }

    pub fn code(&mut self, text: &str) -> CodeRef {
        CodeRef(self.codes.intern(text))
    }

    pub fn card(&mut self, text: &str) -> CardRef {
        CardRef(self.cards.intern(text))
    }

    /// A batch that keeps each member's whole record beside its stub: for a member list,
    /// which is read once.
    pub fn keeping_members() -> Batch {
        Batch {
            keep_members: true,
            ..Batch::default()
        }
    }

    /// A member checked field by field: its stub on the first reading, the whole record on
    /// the second.
    pub fn add_member(&mut self, record: MemberRec) {
        if self.rereading {
            self.reread_member = Some(record);
            return;
        }
        let stub = self.stub_of(&record);
        self.members.push(stub);
        if self.keep_members {
            self.whole_members.push(record);
        }
    }

    /// A meeting checked field by field: its stub on the first reading, the whole record on
    /// the second.
    pub fn add_meeting(&mut self, record: MeetingRec) {
        if self.rereading {
            self.reread = Some(record);
        } else {
            self.meetings.push(MeetingStub::of(&record));
        }
    }

    fn stub_of(&mut self, record: &MemberRec) -> MemberStub {
        let former = record.former_orgs();
        let former_orgs = (!former.is_empty()).then(|| {
            self.former_orgs.push(former.into());
            plus_one(self.former_orgs.len() - 1)
        });
        MemberStub {
            line: record.line,
            card: record.card,
            org: record.org,
            cell: record.cell.map(|c| plus_one(c.0 as usize)),
            born: record.born,
            admitted: record.admitted,
            former_orgs,
        }
    }

    /// The branches the member of `stub` sat in before its `org`, each until the day the
    /// member left it.
    pub fn former_orgs_of(&self, stub: &MemberStub) -> &[(CodeRef, NaiveDate)] {
        stub.former_orgs
            .map_or(&[], |n| &self.former_orgs[n.get() as usize - 1])
    }

    /// Whether `record` is the member the file's `i`th stub was taken from.
    pub fn is_member_of_stub(&self, i: usize, record: &MemberRec) -> bool {
        let stub = &self.members[i];
        (stub.line, stub.card, stub.org, stub.cell())
            == (record.line, record.card, record.org, record.cell)
            && (stub.born, stub.admitted) == (record.born, record.admitted)
            && self.former_orgs_of(stub) == record.former_orgs()
    }

    pub fn code_text(&self, code: CodeRef) -> &str {
        self.codes.text(code.0)
    }

    pub fn card_text(&self, card: CardRef) -> &str {
        self.cards.text(card.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_stub_stays_small_and_gives_back_what_it_was_made_of() {
        assert!(std::mem::size_of::<MemberStub>() <= 32);
        let day = |d: &str| crate::domain::date::parse_iso(d).ok();
        let mut batch = Batch::default();
        let (org, cell, before) = (batch.code("B1"), batch.code("B1.T1"), batch.code("B0"));
        let mut moved = MemberRec {
            line: 3,
            card: batch.card("0001"),
            name: "Lê Văn An".into(),
            sex: None,
            born: day("1980-01-02"),
            admitted: day("2005-03-04"),
            full_member: None,
            org,
            cell: Some(cell),
            more: None,
        };
        moved.more.get_or_insert_with(Box::default).former_orgs =
            vec![(before, day("2020-01-01").unwrap())];
        batch.add_member(moved);
        let stayed = MemberRec {
            line: 4,
            card: batch.card("0002"),
            name: "Trần Thị Bình".into(),
            sex: None,
            born: None,
            admitted: None,
            full_member: None,
            org,
            cell: None,
            more: None,
        };
        batch.add_member(stayed);
        let (first, second) = (&batch.members[0], &batch.members[1]);
        assert_eq!(first.cell(), Some(cell));
        assert_eq!(
            batch.former_orgs_of(first),
            &[(before, day("2020-01-01").unwrap())]
        );
        assert_eq!(second.cell(), None);
        assert!(batch.former_orgs_of(second).is_empty());
    }

    #[test]
    fn interning_gives_one_number_per_distinct_text() {
        let mut interner = Interner::default();
        let a = interner.intern("QN.HL.HG.K2");
        let b = interner.intern("QN.HL.HG.K3");
        assert_ne!(a, b);
        assert_eq!(interner.intern("QN.HL.HG.K2"), a);
        assert_eq!(interner.text(b), "QN.HL.HG.K3");
        assert_eq!(interner.len(), 2);
        let many: Vec<u32> = (0..10_000)
            .map(|i| interner.intern(&i.to_string()))
            .collect();
        for (i, n) in many.iter().enumerate() {
            assert_eq!(interner.text(*n), i.to_string());
            assert_eq!(interner.intern(&i.to_string()), *n);
        }
        assert_eq!(interner.len(), 10_002);
    }
}
