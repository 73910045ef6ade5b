//! A damaged database file is an error the user is told about, never a crash.
//!
//! redb 4.6.0 (see Cargo.lock) does not always answer a damaged page with
//! `StorageError::Corrupted`: on some damage it panics instead — an `unwrap` of a stored
//! `&str` that is no longer UTF-8 (`types.rs`), "entered unreachable code" in the B-tree,
//! an index out of bounds in a page. So every path of the store that opens or reads the
//! file, and every command that reads through it, runs under [`guarded`]: a panic raised
//! inside redb there becomes [`StoreError::Corrupt`], whose message says the database is
//! damaged and to restore the last backup. A panic anywhere else is a bug in chibo and
//! goes on unwinding as before.
//!
//! While a guarded call runs, the panic hook stays quiet about a panic in redb (no
//! message, no backtrace on the user's terminal) and writes it to the log instead.
//!
//! The spreadsheet reader, calamine 0.38.0, panics the same way on some hostile workbooks
//! (an overflow on a row number of 2^32, an index past a record's end in an .xls): the
//! import reads through [`contained`], which answers such a panic as the file being
//! unreadable.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use super::StoreError;

thread_local! {
    /// How many guarded calls this thread is inside.
    static GUARDED: Cell<u32> = const { Cell::new(0) };
    /// What the last panic raised in redb or calamine on this thread said, for the guard to
    /// report.
    static READER_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f`; a panic raised inside redb while it runs is returned as the database being
/// damaged. Calls may nest.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, StoreError> {
    contained(f).map_err(StoreError::Corrupt)
}

/// Runs `f` with the hook quiet about the readers' panics: what a panic raised in redb or
/// calamine said, as an error; a panic anywhere else goes on unwinding. The spreadsheet
/// import reads through it.
pub fn contained<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    GUARDED.with(|g| g.set(g.get() + 1));
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(g.get() - 1));
    match outcome {
        Ok(value) => Ok(value),
        Err(payload) => match READER_PANIC.with(|p| p.borrow_mut().take()) {
            Some(detail) => Err(detail),
            None => panic::resume_unwind(payload),
        },
    }
}

/// [`guarded`] for a call that may itself fail with a store error.
pub fn guarded_store<T>(f: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
    guarded(f).and_then(|inner| inner)
}

/// Whether a panic at `file` was raised in redb's own source.
fn in_redb(file: &str) -> bool {
    file.contains("/redb-") || file.contains("\\redb-")
}

/// Whether a panic at `file` was raised in the spreadsheet reader's own source.
fn in_calamine(file: &str) -> bool {
    file.contains("/calamine-") || file.contains("\\calamine-")
}

/// Wraps the panic hook in place (the default one, or the test harness's) once per
/// process: a panic in redb inside a guarded call is logged and remembered; every other
/// panic is shown by the hook as before.
fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let guarded = GUARDED.with(|g| g.get()) > 0;
            let location = info.location();
            let from_redb = location.is_some_and(|l| in_redb(l.file()));
            let from_calamine = location.is_some_and(|l| in_calamine(l.file()));
            if !(guarded && (from_redb || from_calamine)) {
                return previous(info);
            }
            let said = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let place = location.map_or_else(String::new, |l| {
                let file = l.file().rsplit("/src/").next().unwrap_or(l.file());
                format!("{file}:{}", l.line())
            });
            tracing::error!(%said, %place, "a file reader panicked on a damaged file");
            let reader = if from_redb { "redb" } else { "calamine" };
            let detail = format!("{reader}: {said} ({place})");
            READER_PANIC.with(|p| *p.borrow_mut() = Some(detail));
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_passes_through() {
        assert_eq!(guarded(|| 7).unwrap(), 7);
        let failed: Result<(), StoreError> = guarded_store(|| Err(StoreError::Corrupt("x".into())));
        assert!(matches!(failed, Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn a_panic_of_chibo_itself_is_not_swallowed() {
        let caught = panic::catch_unwind(|| guarded(|| panic!("a bug in chibo")));
        assert!(caught.is_err());
    }

    #[test]
    fn redb_source_is_told_from_chibo_source() {
        assert!(in_redb(
            "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/redb-4.6.0/src/types.rs"
        ));
        assert!(!in_redb("src/store/query.rs"));
    }
}
