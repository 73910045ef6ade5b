//! The log file: what the app and the server tell an administrator, never the terminal.

/// Sends log lines to `chibo.log` in the user's state directory (or data directory). The
/// guard flushes them when dropped.
pub fn start() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = dirs::state_dir().or_else(dirs::data_dir)?.join("chibo");
    std::fs::create_dir_all(&dir).ok()?;
    let (writer, guard) =
        tracing_appender::non_blocking(tracing_appender::rolling::never(&dir, "chibo.log"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .try_init()
        .ok()?;
    Some(guard)
}
