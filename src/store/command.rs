//! Every change a screen or a form makes, as data: a [`Command`] names the use-case
//! function of the `Writer` to run and carries its arguments, [`Store::run`] carries it out
//! in one write transaction, and the answer is a [`Done`] or the use case's typed
//! `StoreError`. A command holds no closure and no reference, so it can wait in a queue for
//! a writer that commits many at once; a screen keeps only how to word the answer.

use chrono::{NaiveDate, NaiveDateTime};

use super::committer::{Pending, Sent};
use super::query::Writer;
use super::{
    Classified, Graded, MeetingDraft, MeetingWrite, RollChange, RollChanged, Store, StoreError,
};
use crate::domain::{
    Amendment, Approval, Assignment, ClassificationConfig, DocumentBody, DocumentInfo, Draft,
    Grade, Meeting, MeetingFacts, MeetingId, Member, MemberId, OrgId, OrgUnit, Place, PlanDetails,
    StatusChange, Vote,
};

/// One change, named for what it does; each runs the `Writer` function of the same name.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `add_org`: a new organisation under its parent (its id is given when written).
    AddOrg(OrgUnit),
    /// `rename_org`: a new name; the code stays.
    RenameOrg { org: OrgId, name: String },
    /// `move_org`: the organisation and its subtree under another parent.
    MoveOrg { org: OrgId, under: OrgId },
    /// `dissolve_org`: the organisation marked dissolved on a day; nothing deleted.
    DissolveOrg { org: OrgId, on: NaiveDate },
    /// `save_member`: a new member (`member` none) or an edit of one.
    SaveMember {
        member: Option<MemberId>,
        draft: Member,
    },
    /// `record_status`: a dated change appended to a member's history.
    RecordStatus {
        member: MemberId,
        change: StatusChange,
    },
    /// `write_meeting`: a meeting planned, recorded held, moved or held.
    WriteMeeting {
        write: MeetingWrite,
        draft: MeetingDraft,
    },
    /// `cancel_meeting`: a planned meeting cancelled.
    CancelMeeting(MeetingId),
    /// `record_guests`: the guests from above at a held meeting.
    RecordGuests {
        meeting: MeetingId,
        guests: Vec<MemberId>,
    },
    /// `assign_overseer`: a committee member above assigned to oversee a branch.
    AssignOverseer {
        branch: OrgId,
        member: MemberId,
        from: NaiveDate,
    },
    /// `change_roll`: a mark, a mark taken away, "the rest present".
    ChangeRoll {
        meeting: MeetingId,
        change: RollChange,
        today: NaiveDate,
    },
    /// `save_draft`: the minutes typed so far, kept.
    SaveDraft { meeting: MeetingId, draft: Draft },
    /// `discard_draft`: the draft dropped.
    DiscardDraft(MeetingId),
    /// `save_minutes`: the minutes written into the meeting, the draft dropped.
    SaveMinutes {
        meeting: MeetingId,
        text: String,
        at: NaiveDateTime,
    },
    /// `approve_minutes`: the minutes and the roll locked.
    ApproveMinutes {
        meeting: MeetingId,
        approval: Approval,
    },
    /// `amend_minutes`: a dated correction below approved minutes.
    AmendMinutes {
        meeting: MeetingId,
        amendment: Amendment,
    },
    /// `record_vote`: the vote on the resolution, or none to take it away.
    RecordVote {
        meeting: MeetingId,
        vote: Option<Vote>,
    },
    /// `record_facts`: the facts of the minutes' first section.
    RecordFacts {
        meeting: MeetingId,
        facts: MeetingFacts,
    },
    /// `record_assignments`: who does what by when, section VIII.
    RecordAssignments {
        meeting: MeetingId,
        rows: Vec<Assignment>,
    },
    /// `record_decisions`: what a committee meeting decided for the agenda.
    RecordDecisions {
        meeting: MeetingId,
        text: Option<String>,
    },
    /// `new_plan`: the plan of a month, as a new regular meeting of `org`.
    NewPlan { org: OrgId, details: PlanDetails },
    /// `save_plan`: the plan of a month written into its meeting.
    SavePlan {
        meeting: MeetingId,
        details: PlanDetails,
    },
    /// `attach_document`: a document attached to a plan.
    AttachDocument {
        meeting: MeetingId,
        name: String,
        body: DocumentBody,
        at: NaiveDateTime,
    },
    /// `save_written_document`: a document written in chibo, replacing the one it was
    /// opened on.
    SaveWrittenDocument {
        meeting: MeetingId,
        replaces: Option<u32>,
        name: String,
        body: DocumentBody,
        at: NaiveDateTime,
    },
    /// `remove_document`: a document taken off a plan, its bytes with it.
    RemoveDocument { meeting: MeetingId, no: u32 },
    /// `send_plan`: the plan sent to the members and the committee above.
    SendPlan {
        meeting: MeetingId,
        at: NaiveDateTime,
    },
    /// `record_classification`: an organisation's or a member's grade and 100-point score
    /// for a year, replacing the year's; judged by the default thresholds and the store's
    /// clock.
    RecordClassification {
        who: Graded,
        year: i32,
        grade: Option<Grade>,
        score: Option<u8>,
    },
    /// `remember_place`: where the acting user is in the app, to open there next time.
    RememberPlace(Place),
}

/// What a command wrote, as its use-case function answers it.
///
/// One answer type for every command, rather than one per command: a queue of commands
/// waiting for one writer carries any of them and sends any answer back the same way. The
/// variants are the shapes the use cases answer with, each naming the commands that give
/// it; a caller takes the one its command gives with an `into_*` accessor.
#[derive(Debug, Clone, PartialEq)]
pub enum Done {
    /// `SaveDraft`, `DiscardDraft`: nothing to answer but that it was done.
    Nothing,
    /// `AddOrg`, `DissolveOrg`: the organisation as written.
    Org(OrgUnit),
    /// `RenameOrg`: the organisation as written and its old name.
    Renamed { org: OrgUnit, old: String },
    /// `MoveOrg`: the organisation as written and its new parent.
    Moved { org: OrgUnit, parent: OrgUnit },
    /// `SaveMember`, `RecordStatus`: the member as written.
    Member(Member),
    /// `AssignOverseer`: the member assigned and the branch they oversee.
    Overseer { member: Member, branch: OrgUnit },
    /// `WriteMeeting`, `CancelMeeting`, `RecordGuests`: the meeting as written and its
    /// organisation.
    MeetingOf { meeting: Meeting, org: OrgUnit },
    /// The minutes, vote, decisions and plan commands, `RemoveDocument`, `SendPlan`: the
    /// meeting as written.
    Meeting(Meeting),
    /// `ChangeRoll`: how many marks changed, the named member's entry.
    Roll(RollChanged),
    /// `AttachDocument`, `SaveWrittenDocument`: the document as attached.
    Document(DocumentInfo),
    /// `RecordClassification`: the classification recorded and the one it replaced.
    Classified(Classified),
    /// `RememberPlace`: the place kept.
    Place(Place),
}

/// The accessors of `Done`: the shape a command gives, or — only when a caller asked for
/// a shape its command never gives, a mistake in the code — an error that says so.
macro_rules! shapes {
    ($($name:ident: $pattern:pat => $value:expr, $t:ty;)+) => {
        impl Done {
            $(
                pub fn $name(self) -> Result<$t, StoreError> {
                    match self {
                        $pattern => Ok($value),
                        other => Err(other.unexpected()),
                    }
                }
            )+
        }
    };
}

shapes! {
    into_org: Done::Org(org) => org, OrgUnit;
    into_renamed: Done::Renamed { org, old } => (org, old), (OrgUnit, String);
    into_moved: Done::Moved { org, parent } => (org, parent), (OrgUnit, OrgUnit);
    into_member: Done::Member(member) => member, Member;
    into_overseer: Done::Overseer { member, branch } => (member, branch), (Member, OrgUnit);
    into_meeting_of: Done::MeetingOf { meeting, org } => (meeting, org), (Meeting, OrgUnit);
    into_meeting: Done::Meeting(meeting) => meeting, Meeting;
    into_roll: Done::Roll(roll) => roll, RollChanged;
    into_document: Done::Document(info) => info, DocumentInfo;
    into_classified: Done::Classified(c) => c, Classified;
    into_place: Done::Place(place) => place, Place;
}

impl Done {
    fn unexpected(&self) -> StoreError {
        let shape = match self {
            Done::Nothing => "nothing",
            Done::Org(_) => "an organisation",
            Done::Renamed { .. } => "a rename",
            Done::Moved { .. } => "a move",
            Done::Member(_) => "a member",
            Done::Overseer { .. } => "an overseer",
            Done::MeetingOf { .. } | Done::Meeting(_) => "a meeting",
            Done::Roll(_) => "a roll",
            Done::Document(_) => "a document",
            Done::Classified(_) => "a classification",
            Done::Place(_) => "a place",
        };
        StoreError::Database(format!(
            "a command answered {shape}, not what was asked for"
        ))
    }
}

impl Store {
    /// Carries out `command` and waits for the answer: audited as its use case notes it,
    /// committed (with whatever else was waiting) when it answers, nothing of it written
    /// when it is refused.
    pub fn run(&self, command: Command) -> Result<Done, StoreError> {
        self.submit(command).wait()
    }

    /// Hands `command` to the database's one writer and answers at once: the screen reads
    /// the answer when it comes, so no key waits while another process holds the file's
    /// write lock.
    pub fn submit(&self, command: Command) -> Pending {
        let sent = Sent {
            access: self.access.clone(),
            at: self.clock.now(),
        };
        self.committer.submit(command, sent)
    }

    /// Waits until every command handed in through any handle of this process is answered.
    pub fn settle(&self) {
        self.committer.settle();
    }

    /// [`Store::settle`], waiting at most `limit` (commands wait in the queue while the
    /// disk fails writes): whether everything was answered.
    pub fn settle_within(&self, limit: std::time::Duration) -> bool {
        self.committer.settle_within(limit)
    }

    /// Durable commits the database's writer has made in this process.
    pub fn commits(&self) -> u64 {
        self.committer.commits()
    }
}

impl Command {
    /// The use-case function this command names, on `w`; `this_year` is the store clock's.
    pub(super) fn run(self, w: &mut Writer<'_>, this_year: i32) -> Result<Done, StoreError> {
        let meeting_of = |(meeting, org)| Done::MeetingOf { meeting, org };
        match self {
            Command::AddOrg(draft) => w.add_org(draft).map(Done::Org),
            Command::RenameOrg { org, name } => w
                .rename_org(org, name)
                .map(|(org, old)| Done::Renamed { org, old }),
            Command::MoveOrg { org, under } => w
                .move_org(org, under)
                .map(|(org, parent)| Done::Moved { org, parent }),
            Command::DissolveOrg { org, on } => w.dissolve_org(org, on).map(Done::Org),
            Command::SaveMember { member, draft } => w.save_member(member, draft).map(Done::Member),
            Command::RecordStatus { member, change } => {
                w.record_status(member, change).map(Done::Member)
            }
            Command::WriteMeeting { write, draft } => w.write_meeting(write, draft).map(meeting_of),
            Command::CancelMeeting(id) => w.cancel_meeting(id).map(meeting_of),
            Command::RecordGuests { meeting, guests } => {
                w.record_guests(meeting, guests).map(meeting_of)
            }
            Command::AssignOverseer {
                branch,
                member,
                from,
            } => w
                .assign_overseer(branch, member, from)
                .map(|(member, branch)| Done::Overseer { member, branch }),
            Command::ChangeRoll {
                meeting,
                change,
                today,
            } => w.change_roll(meeting, change, today).map(Done::Roll),
            Command::SaveDraft { meeting, draft } => {
                w.save_draft(meeting, &draft).map(|()| Done::Nothing)
            }
            Command::DiscardDraft(id) => w.discard_draft(id).map(|()| Done::Nothing),
            Command::SaveMinutes { meeting, text, at } => {
                w.save_minutes(meeting, text, at).map(Done::Meeting)
            }
            Command::ApproveMinutes { meeting, approval } => {
                w.approve_minutes(meeting, approval).map(Done::Meeting)
            }
            Command::AmendMinutes { meeting, amendment } => {
                w.amend_minutes(meeting, amendment).map(Done::Meeting)
            }
            Command::RecordVote { meeting, vote } => {
                w.record_vote(meeting, vote).map(Done::Meeting)
            }
            Command::RecordFacts { meeting, facts } => {
                w.record_facts(meeting, facts).map(Done::Meeting)
            }
            Command::RecordAssignments { meeting, rows } => {
                w.record_assignments(meeting, rows).map(Done::Meeting)
            }
            Command::RecordDecisions { meeting, text } => {
                w.record_decisions(meeting, text).map(Done::Meeting)
            }
            Command::NewPlan { org, details } => w.new_plan(org, &details).map(Done::Meeting),
            Command::SavePlan { meeting, details } => {
                w.save_plan(meeting, &details).map(Done::Meeting)
            }
            Command::AttachDocument {
                meeting,
                name,
                body,
                at,
            } => w
                .attach_document(meeting, &name, &body, at)
                .map(Done::Document),
            Command::SaveWrittenDocument {
                meeting,
                replaces,
                name,
                body,
                at,
            } => w
                .save_written_document(meeting, replaces, &name, &body, at)
                .map(Done::Document),
            Command::RemoveDocument { meeting, no } => {
                w.remove_document(meeting, no).map(Done::Meeting)
            }
            Command::SendPlan { meeting, at } => w.send_plan(meeting, at).map(Done::Meeting),
            Command::RecordClassification {
                who,
                year,
                grade,
                score,
            } => {
                // The thresholds are configuration; nothing configures them yet, so the
                // regulation's numbers hold, as on the dashboard and in the report.
                let thresholds = ClassificationConfig::default().thresholds;
                w.record_classification(who, year, (grade, score), &thresholds, this_year)
                    .map(Done::Classified)
            }
            Command::RememberPlace(place) => w.remember_place(place).map(Done::Place),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso;
    use crate::domain::edit::EditError;
    use crate::domain::{Mark, MeetingKind, OrgKind, User, UserRole};
    use crate::store::testkit::{org, sample};

    fn user(role: UserRole, scope: u64) -> User {
        User {
            login: "bt".into(),
            role,
            scope: Some(OrgId(scope)),
            keys: vec![],
            name: None,
        }
    }

    fn regular(date: &str) -> MeetingDraft {
        MeetingDraft {
            kind: MeetingKind::Regular,
            date: parse_iso(date).unwrap(),
            time: None,
            end_time: None,
            place: None,
            topic: None,
        }
    }

    /// A meeting of the sample's branch, held on 5 November 2026.
    fn held(store: &Store) -> Meeting {
        let command = Command::WriteMeeting {
            write: MeetingWrite::Record(OrgId(3)),
            draft: regular("2026-11-05"),
        };
        store.run(command).unwrap().into_meeting_of().unwrap().0
    }

    fn what_was_audited(store: &Store) -> Vec<String> {
        let trail = store.audit_trail().unwrap();
        trail.into_iter().map(|e| e.what).collect()
    }

    #[test]
    fn a_command_runs_its_use_case_and_is_audited_as_it_notes() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let before = what_was_audited(&store).len();
        let k3 = org(0, "QN.HG.K3", OrgKind::Branch, Some(2));
        let added = store.run(Command::AddOrg(k3)).unwrap().into_org().unwrap();
        assert_eq!(
            store.read().unwrap().org_id("QN.HG.K3").unwrap(),
            Some(added.id)
        );
        let rename = Command::RenameOrg {
            org: added.id,
            name: "Chi bộ khu 3".into(),
        };
        let (renamed, old) = store.run(rename).unwrap().into_renamed().unwrap();
        assert_eq!(
            (renamed.name.as_str(), old.as_str()),
            ("Chi bộ khu 3", "Tổ chức QN.HG.K3")
        );
        assert_eq!(
            what_was_audited(&store)[before..],
            ["org QN.HG.K3", "org QN.HG.K3"]
        );

        let meeting = held(&store);
        let mark = Command::ChangeRoll {
            meeting: meeting.id,
            change: RollChange::Mark {
                member: MemberId(1),
                mark: Mark::Present,
                reason: None,
            },
            today: parse_iso("2026-11-05").unwrap(),
        };
        let marked = store.run(mark).unwrap().into_roll().unwrap();
        assert_eq!(marked.changed, 1);
        let draft = Draft {
            text: "I. Tình hình".into(),
            saved_at: parse_iso("2026-11-05")
                .unwrap()
                .and_hms_opt(20, 0, 0)
                .unwrap(),
            by: "bt".into(),
        };
        let keep = Command::SaveDraft {
            meeting: meeting.id,
            draft: draft.clone(),
        };
        assert_eq!(store.run(keep).unwrap(), Done::Nothing);
        assert_eq!(
            store.read().unwrap().draft(meeting.id).unwrap(),
            Some(draft)
        );
        store.run(Command::DiscardDraft(meeting.id)).unwrap();
        assert_eq!(store.read().unwrap().draft(meeting.id).unwrap(), None);
    }

    #[test]
    fn a_refused_command_writes_nothing_and_says_why_by_kind() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let meeting = held(&store);
        let audited = what_was_audited(&store);

        // Gone: another session removed or changed what the form was opened on.
        let gone = store.run(Command::CancelMeeting(MeetingId(999)));
        assert!(matches!(gone, Err(StoreError::MeetingGone(MeetingId(999)))));
        // A rule of the domain: a province does not sit under a branch.
        let misplaced = org(0, "QN.HG.K2.P", OrgKind::ProvincialCommittee, Some(3));
        let rule = store.run(Command::AddOrg(misplaced));
        assert!(matches!(
            rule,
            Err(StoreError::Rule(EditError::CannotSitUnder { .. }))
        ));
        // A meeting no longer planned: it was recorded held.
        let again = store.run(Command::CancelMeeting(meeting.id));
        assert!(matches!(again, Err(StoreError::NotPlanned(_))));

        // Not allowed: a viewer changes no roll, whatever meeting it names.
        let viewer = store.as_user(&user(UserRole::Viewer, 3));
        let unmark = Command::ChangeRoll {
            meeting: meeting.id,
            change: RollChange::Unmark {
                member: MemberId(1),
            },
            today: parse_iso("2026-11-05").unwrap(),
        };
        assert!(matches!(
            viewer.run(unmark),
            Err(StoreError::NotAllowed {
                role: UserRole::Viewer,
                ..
            })
        ));
        // Out of scope: a branch's secretary plans no meeting of the ward above.
        let secretary = store.as_user(&user(UserRole::Secretary, 3));
        let details = PlanDetails {
            date: Some(parse_iso("2026-12-05").unwrap()),
            ..PlanDetails::default()
        };
        let above = secretary.run(Command::NewPlan {
            org: OrgId(2),
            details,
        });
        assert!(matches!(above, Err(StoreError::OutOfScope)));

        assert_eq!(what_was_audited(&store), audited, "nothing was written");
    }

    #[test]
    fn commands_and_answers_can_cross_to_another_thread() {
        fn queueable<T: Send + std::fmt::Debug + 'static>() {}
        queueable::<Command>();
        queueable::<Done>();
        queueable::<Result<Done, StoreError>>();
    }

    #[test]
    fn asking_an_answer_for_the_shape_it_does_not_have_is_an_error_not_a_panic() {
        let answer = Done::Nothing.into_meeting();
        assert!(matches!(answer, Err(StoreError::Database(ref e)) if e.contains("nothing")));
    }
}
