//! A session's screen output: what ratatui writes, handed to the connection in frames
//! through a bounded queue, so a client that stops reading cannot grow the server's memory.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::Sender;
use tokio::sync::mpsc::error::TrySendError;

/// Frames queued per session before the session waits for the client.
pub const QUEUED_FRAMES: usize = 8;

/// How long a session waits for a client that does not read before giving up on it.
pub const STALL_LIMIT: Duration = Duration::from_secs(4);

/// What the session sends its connection.
#[derive(Debug)]
pub enum Out {
    Data(Vec<u8>),
    /// Last words (a farewell line), the exit status the client's ssh returns, then close.
    Close(Vec<u8>, u32),
}

/// `io::Write` for a ratatui backend: bytes gather until `flush`, which queues them as
/// one frame.
pub struct ChannelWriter {
    tx: Sender<Out>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    pub fn new(tx: Sender<Out>) -> ChannelWriter {
        ChannelWriter {
            tx,
            buffer: Vec::new(),
        }
    }

    /// Queues `out`, waiting up to [`STALL_LIMIT`] for room.
    pub fn send(tx: &Sender<Out>, mut out: Out) -> io::Result<()> {
        let deadline = Instant::now() + STALL_LIMIT;
        loop {
            match tx.try_send(out) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Closed(_)) => {
                    return Err(io::Error::new(
                        io::ErrorKind::BrokenPipe,
                        "connection closed",
                    ));
                }
                Err(TrySendError::Full(back)) if Instant::now() < deadline => {
                    out = back;
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(TrySendError::Full(_)) => {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "client stopped reading",
                    ));
                }
            }
        }
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let frame = std::mem::take(&mut self.buffer);
        Self::send(&self.tx, Out::Data(frame))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_that_stops_reading_holds_a_few_frames_then_is_given_up() {
        let (tx, mut rx) = tokio::sync::mpsc::channel(QUEUED_FRAMES);
        let mut writer = ChannelWriter::new(tx);
        // Nobody reads: the queue takes its frames and no more.
        for _ in 0..QUEUED_FRAMES {
            writer.write_all(&[b'x'; 4096]).unwrap();
            writer.flush().unwrap();
        }
        let started = Instant::now();
        writer.write_all(b"one frame too many").unwrap();
        let refused = writer.flush().unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= STALL_LIMIT);
        let mut queued = 0;
        while let Ok(Out::Data(frame)) = rx.try_recv() {
            queued += frame.len();
        }
        assert_eq!(
            queued,
            QUEUED_FRAMES * 4096,
            "memory held is the queue, nothing more"
        );
    }

    #[test]
    fn a_closed_connection_ends_the_session_at_once() {
        let (tx, rx) = tokio::sync::mpsc::channel(QUEUED_FRAMES);
        drop(rx);
        let mut writer = ChannelWriter::new(tx);
        writer.write_all(b"frame").unwrap();
        assert_eq!(
            writer.flush().unwrap_err().kind(),
            io::ErrorKind::BrokenPipe
        );
    }
}
