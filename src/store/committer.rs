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
//! the commands are plain data and run the same way twice. Two commits start at least
//! [`GATHER`] apart: what arrives meanwhile joins the next, so the durable commits a second
//! stay bounded however many sessions write.
//!
//! When the disk fails a batch (full, or failing), every command in it is answered
//! [`StoreError::WriteFailed`] and the writer reopens the database ([`super::handle`]):
//! at once for reading, then for writing as soon as the disk takes writes again, trying
//! with a growing wait. What is still waiting in the queue meanwhile stays there and is
//! committed after the reopen — except a command whose caller waits for it
//! ([`Pending::wait`]: a form, the command line): that caller is told at once instead of
//! being held, and its command is withdrawn, never to run. Past
//! [`Recovery::give_up_after`] without a write it stops trying: every command is then
//! answered [`StoreError::WritesStopped`], and a server exits so that its service manager
//! starts it again.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDateTime};
use redb::WriteTransaction;

use super::access::Access;
use super::command::{Command, Done};
use super::handle::{Handle, Health, Recovery};
use super::leases::{HeldBy, LeaseWrite};
use super::query::Writer;
use super::{StoreError, audit};

/// The answer to a command handed in: taken when it has come, or waited for.
pub struct Pending {
    answer: Receiver<Result<Done, StoreError>>,
    /// Where the command is: waiting, taken into a batch, or withdrawn.
    place: Arc<AtomicU8>,
    handle: Arc<Handle>,
}

/// A command still in the queue.
const WAITING: u8 = 0;
/// A command in the batch the writer is committing: its answer comes with the batch's.
const TAKEN: u8 = 1;
/// A command whose caller stopped waiting and was told it is not written: never run.
const WITHDRAWN: u8 = 2;

/// How often a caller that waits looks whether the store can still write.
const LOOK_EVERY: Duration = Duration::from_millis(200);

impl Pending {
    /// The answer once the command is committed or refused; `None` while it waits.
    pub fn try_take(&self) -> Option<Result<Done, StoreError>> {
        match self.answer.try_recv() {
            Ok(answer) => Some(answer),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(gone())),
        }
    }

    /// Waits for the answer: for a command line, a form, a test — never for a key. While
    /// the disk fails writes a caller is not held until the store has reopened the
    /// database: the command is withdrawn from the queue, never to be written, and the
    /// answer is [`StoreError::WriteFailed`] (or [`StoreError::WritesStopped`]) — what
    /// the user typed is still in their form.
    pub fn wait(self) -> Result<Done, StoreError> {
        loop {
            match self.answer.recv_timeout(LOOK_EVERY) {
                Ok(answer) => return answer,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Err(gone()),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if let Some(trouble) = self.handle.trouble()
                && self
                    .place
                    .compare_exchange(WAITING, WITHDRAWN, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            {
                return Err(trouble);
            }
        }
    }

    /// Waits for the answer at most `limit`; `None` when it has not come by then (the
    /// command still waits in the queue, as while the disk fails writes).
    pub fn wait_for(&self, limit: Duration) -> Option<Result<Done, StoreError>> {
        match self.answer.recv_timeout(limit) {
            Ok(answer) => Some(answer),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => Some(Err(gone())),
        }
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
        /// Shared with the [`Pending`]: taken by the writer, or withdrawn by its caller.
        place: Arc<AtomicU8>,
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
    /// Takes the job into a batch: false for a command its caller has withdrawn.
    fn take(&self) -> bool {
        match self {
            Job::Run { place, .. } => place
                .compare_exchange(WAITING, TAKEN, Ordering::AcqRel, Ordering::Acquire)
                .is_ok(),
            _ => true,
        }
    }

    /// Puts a taken job back in the queue, where its caller may withdraw it again.
    fn put_back(&self) {
        if let Job::Run { place, .. } = self {
            place.store(WAITING, Ordering::Release);
        }
    }

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
    /// A read or write outside the writer found the disk failed: look at the handle.
    alarm: bool,
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
    handle: Arc<Handle>,
}

impl Committer {
    /// Starts the writer of the database `handle` holds; `committed` runs after every
    /// commit (the store's change mark).
    pub fn start(handle: Arc<Handle>, committed: impl Fn() + Send + 'static) -> Committer {
        let shared = Arc::new(Shared {
            queue: Mutex::default(),
            wake: Condvar::new(),
            commits: AtomicU64::new(0),
        });
        // Weak: every clone of the store holds the handle, which must not keep the queue
        // alive once the writer has gone.
        let alarmed = Arc::downgrade(&shared);
        handle.set_waker(Box::new(move || {
            if let Some(shared) = alarmed.upgrade() {
                if let Ok(mut queue) = shared.queue.lock() {
                    queue.alarm = true;
                }
                shared.wake.notify_one();
            }
        }));
        let (theirs, writes) = (shared.clone(), handle.clone());
        let thread = std::thread::Builder::new()
            .name("chibo-writer".into())
            .spawn(move || write_loop(&theirs, &writes, &committed))
            .ok();
        if thread.is_none() {
            tracing::error!("the database writer thread could not start");
        }
        Committer {
            shared,
            thread,
            handle,
        }
    }

    /// Hands `command` in, to run as `sent.access`; answers at once.
    pub fn submit(&self, command: Command, sent: Sent) -> Pending {
        let (answer, pending) = mpsc::channel();
        let place = Arc::new(AtomicU8::new(WAITING));
        self.push(Job::Run {
            command,
            sent,
            answer,
            place: place.clone(),
        });
        Pending {
            answer: pending,
            place,
            handle: self.handle.clone(),
        }
    }

    /// Waits until everything handed in so far is answered.
    pub fn settle(&self) {
        let (answer, settled) = mpsc::channel();
        self.push(Job::Barrier(answer));
        let _ = settled.recv();
    }

    /// [`Committer::settle`], waiting at most `limit`: whether everything was answered.
    pub fn settle_within(&self, limit: Duration) -> bool {
        let (answer, settled) = mpsc::channel();
        self.push(Job::Barrier(answer));
        settled.recv_timeout(limit).is_ok()
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

fn write_loop(shared: &Shared, handle: &Handle, committed: &dyn Fn()) {
    // Since when the disk has failed with no commit since: what the bound counts from,
    // across reopenings that worked but whose next batch failed again. A reopening that
    // then went on without trouble for as long as the bound starts a new count.
    let mut failing_since: Option<Instant> = None;
    let mut reopened: Option<Instant> = None;
    let mut last_error = String::new();
    let give_up_after = handle.recovery.give_up_after;
    let note_failure = |failing_since: &mut Option<Instant>, reopened: &Option<Instant>| {
        if reopened.is_some_and(|at| at.elapsed() >= give_up_after) {
            *failing_since = None;
        }
        *failing_since.get_or_insert_with(Instant::now)
    };
    let mut last_start: Option<Instant> = None;
    loop {
        // Whatever comes within `GATHER` of the last commit's start joins the next one.
        if let Some(start) = last_start {
            std::thread::sleep(GATHER.saturating_sub(start.elapsed()));
        }
        let batch: Option<Vec<Job>> = {
            let Ok(mut queue) = shared.queue.lock() else {
                return;
            };
            while queue.jobs.is_empty() && !queue.stopping && !queue.alarm {
                queue = match shared.wake.wait(queue) {
                    Ok(queue) => queue,
                    Err(_) => return,
                };
            }
            queue.alarm = false;
            let stopped = matches!(handle.health(), Health::Stopped { .. });
            if queue.stopping && queue.jobs.is_empty() {
                return;
            }
            if stopped || !(handle.needs_reopen() || handle.reads_only()) {
                // A command withdrawn by its caller was answered already: not run.
                Some(queue.jobs.drain(..).filter(Job::take).collect())
            } else {
                None
            }
        };
        let Some(batch) = batch else {
            let since = note_failure(&mut failing_since, &reopened);
            if last_error.is_empty() {
                last_error = "a read found the disk failed".into();
            }
            match recover(shared, handle, since, &last_error) {
                Recovered::Writing => {
                    reopened = Some(Instant::now());
                    last_error.clear();
                }
                Recovered::GaveUp => {}
                Recovered::Stopping => {
                    refuse_waiting(shared, &handle.refusal());
                    return;
                }
            }
            continue;
        };
        if let Health::Stopped { .. } = handle.health() {
            // Reads go on: a reader whose opening failed since gets a fresh one.
            if handle.needs_reopen()
                && let Err(e) = handle.read_on()
            {
                tracing::warn!(error = %e, "the database could not be opened for reading");
            }
            let refusal = handle.refusal();
            for job in batch {
                job.refuse(refusal_copy(&refusal));
            }
            continue;
        }
        last_start = Some(Instant::now());
        match commit_batch(batch, handle) {
            Batch::Committed => {
                reopened = None;
                if failing_since.take().is_some() {
                    tracing::info!("a batch of writes is committed again");
                }
                last_error.clear();
                shared.commits.fetch_add(1, Ordering::Relaxed);
                committed();
            }
            Batch::Empty => {}
            Batch::DiskFailed(e) => {
                note_failure(&mut failing_since, &reopened);
                last_error = detail(&e);
            }
            Batch::NotBegun(jobs, e) => {
                note_failure(&mut failing_since, &reopened);
                last_error = detail(&e);
                handle.disk_failed();
                // Never committed, never answered: they go back where they were, first.
                if let Ok(mut queue) = shared.queue.lock() {
                    for job in jobs.into_iter().rev() {
                        job.put_back();
                        queue.jobs.push_front(job);
                    }
                }
            }
        }
    }
}

/// How a reopening ended.
enum Recovered {
    /// The database takes writes again, through a fresh opening.
    Writing,
    /// It kept failing past the bound: the store has stopped writing.
    GaveUp,
    /// The store is closing meanwhile.
    Stopping,
}

/// Reopens the database after the disk failed it: for reading at once, then for writing
/// as soon as that works, trying again after a wait that doubles up to
/// [`Recovery::longest_wait`], until [`Recovery::give_up_after`] from `since`. Reads go
/// on meanwhile; the queue is left as it is.
fn recover(shared: &Shared, handle: &Handle, since: Instant, error: &str) -> Recovered {
    let Recovery {
        first_wait,
        longest_wait,
        give_up_after,
    } = handle.recovery;
    let mut error = error.to_string();
    handle.set_health(Health::Failing {
        error: error.clone(),
    });
    tracing::error!(%error, "the disk failed the database: reopening it, reads go on");
    read_on(handle);
    let mut wait = Duration::ZERO;
    let mut next_wait = first_wait;
    let mut attempt = 0u32;
    loop {
        let stopping = pause(shared, handle, wait);
        attempt += 1;
        match handle.write_again() {
            Ok(()) => {
                tracing::info!(
                    attempt,
                    failing_for_ms = since.elapsed().as_millis() as u64,
                    "the database takes writes again: reopened, waiting writes go on"
                );
                handle.set_health(Health::Fine);
                return Recovered::Writing;
            }
            Err(e) => error = detail(&e),
        }
        if stopping {
            return Recovered::Stopping;
        }
        let failing_for = since.elapsed();
        if failing_for >= give_up_after {
            tracing::error!(
                %error,
                failing_for_secs = failing_for.as_secs(),
                "the database could not be written again in time: giving up; nothing more is written"
            );
            handle.set_health(Health::Stopped {
                error,
                after: failing_for,
            });
            return Recovered::GaveUp;
        }
        handle.set_health(Health::Failing {
            error: error.clone(),
        });
        wait = next_wait.min(give_up_after - failing_for);
        next_wait = (next_wait * 2).min(longest_wait);
        tracing::warn!(
            attempt,
            %error,
            retry_in_ms = wait.as_millis() as u64,
            "the database still cannot be written"
        );
    }
}

/// A read-only opening in place of one the disk failed, so reads go on.
fn read_on(handle: &Handle) {
    if !handle.needs_reopen() {
        return;
    }
    match handle.read_on() {
        Ok(()) => tracing::info!("the database is reopened for reading while writes fail"),
        Err(e) => tracing::warn!(error = %e, "the database could not be reopened for reading"),
    }
}

/// Waits `wait`, reopening for reading whenever a reader finds its opening failed. True
/// when the store is closing: the wait is cut short for a last attempt.
fn pause(shared: &Shared, handle: &Handle, wait: Duration) -> bool {
    let until = Instant::now() + wait;
    loop {
        let Ok(mut queue) = shared.queue.lock() else {
            return true;
        };
        if queue.stopping {
            return true;
        }
        if std::mem::take(&mut queue.alarm) {
            drop(queue);
            read_on(handle);
            continue;
        }
        let now = Instant::now();
        if now >= until {
            return false;
        }
        // Spurious wake-ups and timeouts alike go round the loop again.
        let _ = shared.wake.wait_timeout(queue, until - now);
    }
}

/// Answers every job still waiting with `refusal`: the store is closing while it cannot
/// write.
fn refuse_waiting(shared: &Shared, refusal: &StoreError) {
    let jobs: Vec<Job> = match shared.queue.lock() {
        Ok(mut queue) => queue.jobs.drain(..).collect(),
        Err(_) => return,
    };
    if !jobs.is_empty() {
        tracing::error!(
            jobs = jobs.len(),
            error = %refusal,
            "closing while the database cannot be written: these writes are lost"
        );
    }
    for job in jobs {
        job.refuse(refusal_copy(refusal));
    }
}

/// The same refusal again, for the next job (`StoreError` holds an `io::Error` in one
/// variant, so it is not `Clone`).
fn refusal_copy(refusal: &StoreError) -> StoreError {
    match refusal {
        StoreError::WritesStopped { detail, after } => StoreError::WritesStopped {
            detail: detail.clone(),
            after: *after,
        },
        StoreError::WriteFailed(detail) => StoreError::WriteFailed(detail.clone()),
        other => StoreError::WriteFailed(detail(other)),
    }
}

/// What the disk said, without the store's own words around it.
fn detail(error: &StoreError) -> String {
    match error {
        StoreError::Storage(detail) | StoreError::WriteFailed(detail) => detail.clone(),
        other => other.to_string(),
    }
}

/// How one batch went.
enum Batch {
    /// Committed, and every job answered.
    Committed,
    /// Nothing committed: every job was refused.
    Empty,
    /// The disk failed the batch: every job in it answered [`StoreError::WriteFailed`].
    DiskFailed(StoreError),
    /// No transaction could be begun on the opening in use: the jobs, not answered.
    NotBegun(Vec<Job>, StoreError),
}

/// Runs `jobs` in order in one transaction and commits it; a job refused is answered with
/// its error and the rest run again without it.
fn commit_batch(mut jobs: Vec<Job>, handle: &Handle) -> Batch {
    while !jobs.is_empty() {
        let txn = match handle.begin_write() {
            Ok(txn) => txn,
            Err(e) if e.is_storage() => return Batch::NotBegun(jobs, e),
            Err(e) => {
                let message = e.to_string();
                for job in jobs {
                    job.refuse(StoreError::Database(message.clone()));
                }
                return Batch::Empty;
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
            // The disk, not the command: the whole batch failed with it.
            if error.is_storage() {
                return disk_failed(jobs, error, handle);
            }
            jobs.remove(at).refuse(error);
            continue;
        }
        if let Err(e) = handle.commit(txn) {
            if e.is_storage() {
                return disk_failed(jobs, e, handle);
            }
            let message = e.to_string();
            tracing::warn!(%message, jobs = jobs.len(), "a batch of writes was not committed");
            for job in jobs {
                job.refuse(StoreError::Database(message.clone()));
            }
            return Batch::Empty;
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
        return Batch::Committed;
    }
    Batch::Empty
}

/// Every job of a batch the disk failed is told so: nothing of it was written. Reads are
/// moved to a fresh opening first, so whoever is told can read on at once.
fn disk_failed(jobs: Vec<Job>, error: StoreError, handle: &Handle) -> Batch {
    handle.disk_failed();
    let detail = detail(&error);
    handle.set_health(Health::Failing {
        error: detail.clone(),
    });
    read_on(handle);
    tracing::error!(error = %detail, jobs = jobs.len(), "the disk failed a batch of writes: none of it is written");
    for job in jobs {
        job.refuse(StoreError::WriteFailed(detail.clone()));
    }
    Batch::DiskFailed(error)
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
    use crate::domain::{MeetingId, OrgId};
    use crate::store::StoreError;
    use crate::store::testkit::{self, held_meetings, save_draft};

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
            name: None,
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
