//! One writer per open database in a process: every [`Command`] of every session (and every
//! lease taken or let go) waits in one queue, and a thread of its own commits what is
//! waiting in one durable transaction — group commit. A durable commit costs one `fsync`
//! whatever it holds, so the commits a second no longer grow with the sessions typing and
//! marking at once, and no screen ever waits on redb's write lock: it hands a command in
//! and reads the answer when it comes ([`Pending`]).
//!
//! Commands run in the order they came, each in its own `Writer` with the access of
//! whoever sent it, so scope, role and lease are checked per sender and the audit trail
//! names each. A command refused (scope, lease, a rule) fails alone: redb cannot roll back
//! part of a transaction in multi-writer mode, so the batch is begun again without it —
//! the commands are plain data and run the same way twice.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDateTime};
use redb::{Database, WriteTransaction};

use super::access::Access;
use super::command::{Command, Done};
use super::leases::{HeldBy, LeaseWrite};
use super::query::Writer;
use super::{StoreError, audit};

/// The answer to a command handed in: taken when it has come, or waited for.
pub struct Pending(Receiver<Result<Done, StoreError>>);

impl Pending {
    /// The answer once the command is committed or refused; `None` while it waits.
    pub fn try_take(&self) -> Option<Result<Done, StoreError>> {
        match self.0.try_recv() {
            Ok(answer) => Some(answer),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(gone())),
        }
    }

    /// Waits for the answer: for a command line, a form, a test — never for a key.
    pub fn wait(self) -> Result<Done, StoreError> {
        self.0.recv().unwrap_or_else(|_| Err(gone()))
    }
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending")
    }
}

/// The writer went away before answering: the process is ending.
fn gone() -> StoreError {
    StoreError::Database("the database writer has stopped".into())
}

/// What waits in the queue.
enum Job {
    Run {
        command: Command,
        /// Who sent it and when, by the sender's clock: what the audit trail says.
        sent: Sent,
        answer: Sender<Result<Done, StoreError>>,
    },
    Lease {
        write: LeaseWrite,
        answer: Sender<Result<Result<(), HeldBy>, StoreError>>,
    },
    /// Answered once everything handed in before it is answered.
    Barrier(Sender<()>),
}

/// Who sent a command, and when by their handle's clock.
pub struct Sent {
    pub access: Arc<Access>,
    pub at: NaiveDateTime,
}

impl Job {
    fn refuse(self, error: StoreError) {
        // A sender whose screen is gone has no one to tell: the send may fail.
        match self {
            Job::Run { answer, .. } => drop(answer.send(Err(error))),
            Job::Lease { answer, .. } => drop(answer.send(Err(error))),
            Job::Barrier(answer) => drop(answer.send(())),
        }
    }
}

/// What a job did inside the batch's transaction, answered once the batch is committed.
enum Outcome {
    Ran(Box<Done>),
    Leased(Result<(), HeldBy>),
    Passed,
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    stopping: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    /// Durable commits made, for the benchmarks and the log.
    commits: AtomicU64,
}

/// The writer thread of one open database and the queue it takes from.
pub struct Committer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Committer {
    /// Starts the writer of `db`; `committed` runs after every commit (the store's change
    /// mark).
    pub fn start(db: Arc<Database>, committed: impl Fn() + Send + 'static) -> Committer {
        let shared = Arc::new(Shared {
            queue: Mutex::default(),
            wake: Condvar::new(),
            commits: AtomicU64::new(0),
        });
        let theirs = shared.clone();
        let thread = std::thread::Builder::new()
            .name("chibo-writer".into())
            .spawn(move || write_loop(&theirs, &db, &committed))
            .ok();
        if thread.is_none() {
            tracing::error!("the database writer thread could not start");
        }
        Committer { shared, thread }
    }

    /// Hands `command` in, to run as `sent.access`; answers at once.
    pub fn submit(&self, command: Command, sent: Sent) -> Pending {
        let (answer, pending) = mpsc::channel();
        self.push(Job::Run {
            command,
            sent,
            answer,
        });
        Pending(pending)
    }

    /// Waits until everything handed in so far is answered.
    pub fn settle(&self) {
        let (answer, settled) = mpsc::channel();
        self.push(Job::Barrier(answer));
        let _ = settled.recv();
    }

    /// Hands a lease change in; its answer comes on the receiver.
    pub(super) fn submit_lease(
        &self,
        write: LeaseWrite,
    ) -> Receiver<Result<Result<(), HeldBy>, StoreError>> {
        let (answer, pending) = mpsc::channel();
        self.push(Job::Lease { write, answer });
        pending
    }

    fn push(&self, job: Job) {
        let refused = match self.shared.queue.lock() {
            Ok(mut queue) if self.thread.is_some() => {
                queue.jobs.push_back(job);
                None
            }
            _ => Some(job),
        };
        match refused {
            Some(job) => job.refuse(gone()),
            None => self.shared.wake.notify_one(),
        }
    }

    /// Durable commits made so far.
    pub fn commits(&self) -> u64 {
        self.shared.commits.load(Ordering::Relaxed)
    }
}

/// The last handle on the database gone: what is queued is committed, then the thread ends.
impl Drop for Committer {
    fn drop(&mut self) {
        if let Ok(mut queue) = self.shared.queue.lock() {
            queue.stopping = true;
        }
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The least time between the starts of two commits: what arrives meanwhile joins the
/// next one, so the writer makes at most 1 s / `GATHER` durable commits a second however
/// many sessions write. A command that finds the writer idle for longer is committed at
/// once; one that comes right after a commit waits at most this long.
const GATHER: Duration = Duration::from_millis(50);

fn write_loop(shared: &Shared, db: &Database, committed: &dyn Fn()) {
    let mut last_start: Option<Instant> = None;
    while wait_for_work(shared) {
        if let Some(start) = last_start {
            std::thread::sleep(GATHER.saturating_sub(start.elapsed()));
        }
        let batch: Vec<Job> = match shared.queue.lock() {
            Ok(mut queue) => queue.jobs.drain(..).collect(),
            Err(_) => return,
        };
        last_start = Some(Instant::now());
        if commit_batch(batch, db) {
            shared.commits.fetch_add(1, Ordering::Relaxed);
            committed();
        }
    }
}

/// Waits until something is queued; false when the writer is to stop and nothing is left.
fn wait_for_work(shared: &Shared) -> bool {
    let Ok(mut queue) = shared.queue.lock() else {
        return false;
    };
    while queue.jobs.is_empty() && !queue.stopping {
        queue = match shared.wake.wait(queue) {
            Ok(queue) => queue,
            Err(_) => return false,
        };
    }
    !queue.jobs.is_empty()
}

/// Runs `jobs` in order in one transaction and commits it; a job refused is answered with
/// its error and the rest run again without it. Whether anything was committed.
fn commit_batch(mut jobs: Vec<Job>, db: &Database) -> bool {
    while !jobs.is_empty() {
        let txn = match db.begin_write() {
            Ok(txn) => txn,
            Err(e) => {
                let message = StoreError::from(e).to_string();
                for job in jobs {
                    job.refuse(StoreError::Database(message.clone()));
                }
                return false;
            }
        };
        let mut outcomes = Vec::with_capacity(jobs.len());
        let mut refused = None;
        for (at, job) in jobs.iter().enumerate() {
            match run_job(job, &txn) {
                Ok(outcome) => outcomes.push(outcome),
                Err(e) => {
                    refused = Some((at, e));
                    break;
                }
            }
        }
        if let Some((at, error)) = refused {
            if let Err(e) = txn.abort() {
                tracing::warn!(error = %e, "a refused batch was not rolled back cleanly");
            }
            jobs.remove(at).refuse(error);
            continue;
        }
        if let Err(e) = txn.commit() {
            let message = StoreError::from(e).to_string();
            tracing::warn!(%message, jobs = jobs.len(), "a batch of writes was not committed");
            for job in jobs {
                job.refuse(StoreError::Database(message.clone()));
            }
            return false;
        }
        for (job, outcome) in jobs.into_iter().zip(outcomes) {
            match (job, outcome) {
                (Job::Run { answer, .. }, Outcome::Ran(done)) => drop(answer.send(Ok(*done))),
                (Job::Lease { answer, .. }, Outcome::Leased(held)) => {
                    drop(answer.send(Ok(held)));
                }
                (Job::Barrier(answer), _) => drop(answer.send(())),
                // Each job has the outcome of its own kind.
                _ => {}
            }
        }
        return true;
    }
    false
}

/// One job inside the batch's transaction: a command in a `Writer` of its sender's own,
/// its changes noted in the audit trail under the sender's login.
fn run_job(job: &Job, txn: &WriteTransaction) -> Result<Outcome, StoreError> {
    match job {
        Job::Run { command, sent, .. } => {
            let mut writer = Writer::open(txn, sent.access.clone())?;
            let done = command.clone().run(&mut writer, sent.at.year())?;
            writer.finish()?;
            let notes = std::mem::take(&mut writer.notes);
            drop(writer);
            audit::append(txn, &sent.access.login, sent.at, notes)?;
            Ok(Outcome::Ran(Box::new(done)))
        }
        Job::Lease { write, .. } => write.apply(txn).map(Outcome::Leased),
        Job::Barrier(_) => Ok(Outcome::Passed),
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{Draft, Meeting, MeetingId, MeetingKind, MeetingState, OrgId};
    use crate::store::{Command, Store, StoreError, testkit};

    fn held_meetings(store: &Store, count: u64) -> Vec<MeetingId> {
        let day = crate::domain::date::parse_iso("2026-11-01").unwrap();
        store
            .write(|w| {
                (0..count)
                    .map(|n| {
                        let id = w.new_meeting_id()?;
                        let date = day + chrono::Days::new(n);
                        let meeting = Meeting::new(
                            id,
                            OrgId(3),
                            MeetingKind::Regular,
                            date,
                            MeetingState::Held,
                        );
                        w.put_meeting(&meeting)?;
                        Ok(id)
                    })
                    .collect::<Result<Vec<_>, StoreError>>()
            })
            .unwrap()
    }

    fn save_draft(store: &Store, meeting: MeetingId, text: &str) -> Command {
        Command::SaveDraft {
            meeting,
            draft: Draft {
                text: text.into(),
                saved_at: store.clock().now(),
                by: "bt".into(),
            },
        }
    }

    /// Commands handed in together are committed together: far fewer durable commits than
    /// commands, every one of them answered and written.
    #[test]
    fn commands_waiting_together_share_one_commit() {
        let dir = tempfile::tempdir().unwrap();
        let store = testkit::sample(dir.path());
        let meetings = held_meetings(&store, 20);
        let before = store.commits();
        let pending: Vec<_> = (0..200)
            .map(|n| {
                let meeting = meetings[n % meetings.len()];
                store.submit(save_draft(&store, meeting, &format!("bản {n}")))
            })
            .collect();
        for answer in pending {
            answer.wait().unwrap();
        }
        let commits = store.commits() - before;
        assert!(commits < 200, "{commits} commits for 200 commands");
        let reader = store.read().unwrap();
        assert_eq!(reader.draft(meetings[0]).unwrap().unwrap().text, "bản 180");
        assert_eq!(reader.draft(meetings[19]).unwrap().unwrap().text, "bản 199");
    }

    /// A command refused inside a batch fails alone: those before and after it are written.
    #[test]
    fn a_refused_command_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = testkit::sample(dir.path());
        let meetings = held_meetings(&store, 2);
        let gone = MeetingId(999);
        let answers: Vec<_> = [meetings[0], gone, meetings[1]]
            .into_iter()
            .map(|meeting| store.submit(save_draft(&store, meeting, "giữ")))
            .collect::<Vec<_>>()
            .into_iter()
            .map(super::Pending::wait)
            .collect();
        assert!(answers[0].is_ok() && answers[2].is_ok(), "{answers:?}");
        assert!(matches!(answers[1], Err(StoreError::MeetingGone(_))));
        let reader = store.read().unwrap();
        for meeting in meetings {
            assert!(reader.draft(meeting).unwrap().is_some());
        }
    }

    /// Each command is audited under the login of the handle that sent it.
    #[test]
    fn each_command_is_audited_as_its_sender() {
        let dir = tempfile::tempdir().unwrap();
        let store = testkit::sample(dir.path());
        let meetings = held_meetings(&store, 1);
        let secretary = store.as_user(&crate::domain::User {
            login: "bt.khu2".into(),
            role: crate::domain::UserRole::Secretary,
            scope: Some(OrgId(3)),
            keys: vec![],
        });
        let first = store.submit(save_draft(&store, meetings[0], "một"));
        let second = secretary.submit(save_draft(&store, meetings[0], "hai"));
        first.wait().unwrap();
        second.wait().unwrap();
        let logins: Vec<String> = store
            .audit_trail()
            .unwrap()
            .into_iter()
            .map(|entry| entry.who)
            .collect();
        assert!(logins.iter().any(|l| l == "bt.khu2"), "{logins:?}");
        assert!(logins.iter().any(|l| l != "bt.khu2"), "{logins:?}");
    }

    /// Sixteen writers sending one command after another for half a second make no more
    /// commits than the gathering gap allows, whatever their number.
    #[test]
    fn commits_do_not_grow_with_the_writers() {
        let dir = tempfile::tempdir().unwrap();
        let store = testkit::sample(dir.path());
        let meetings = held_meetings(&store, 16);
        let before = store.commits();
        let started = std::time::Instant::now();
        let sent: usize = std::thread::scope(|scope| {
            let writers: Vec<_> = meetings
                .iter()
                .map(|meeting| {
                    let store = store.clone();
                    scope.spawn(move || {
                        let mut sent = 0;
                        while started.elapsed() < std::time::Duration::from_millis(500) {
                            store.run(save_draft(&store, *meeting, "…")).unwrap();
                            sent += 1;
                        }
                        sent
                    })
                })
                .collect();
            writers.into_iter().map(|w| w.join().unwrap()).sum()
        });
        let commits = store.commits() - before;
        let allowed = started.elapsed().as_millis() / super::GATHER.as_millis() + 1;
        assert!(
            u128::from(commits) <= allowed,
            "{commits} commits for {sent} commands in {:?}",
            started.elapsed()
        );
        assert!(
            sent > commits as usize * 4,
            "{sent} commands, {commits} commits"
        );
    }
}
