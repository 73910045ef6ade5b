//! A session's keys: the raw bytes of its channel, parsed into terminal events by
//! terminput (crossterm's own escape-sequence parser, made to work on any byte source).

use std::collections::VecDeque;
use std::io;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use crossterm::event::Event;

use crate::store::Store;
use crate::ui::terminal::InputSource;

/// How long an Esc at the end of a packet waits for the rest of an escape sequence
/// before it counts as the Esc key.
pub const ESC_WAIT: Duration = Duration::from_millis(40);

/// How often a session looks for changes made by others.
pub const WATCH_EVERY: Duration = Duration::from_millis(500);

/// How long the database file must be left alone by another process before its change is
/// read.
const STILL: Duration = Duration::from_secs(1);

/// What the connection hands to its session.
#[derive(Debug)]
pub enum Input {
    Bytes(Vec<u8>),
    Resize(u16, u16),
    /// The client closed the channel.
    End,
    /// The server is stopping: save and leave.
    Shutdown,
}

/// Bytes in, events out. Holds an incomplete sequence (split across packets: an escape
/// sequence, a multi-byte character, a paste) until the rest arrives.
#[derive(Default)]
pub struct KeyParser {
    pending: Vec<u8>,
}

impl KeyParser {
    /// Parses `bytes` after what is pending, pushing each whole event to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut VecDeque<Event>) {
        for &byte in bytes {
            self.pending.push(byte);
            // A lone Esc may start a sequence: the next byte decides, or, when none comes
            // in time, `flush` makes it the Esc key.
            if self.pending == [0x1b] {
                continue;
            }
            self.parse_pending(out);
        }
    }

    fn parse_pending(&mut self, out: &mut VecDeque<Event>) {
        match terminput::Event::parse_from(&self.pending) {
            Ok(Some(event)) => {
                self.pending.clear();
                if let Ok(event) = terminput_crossterm::to_crossterm(event) {
                    out.push_back(event);
                }
            }
            Ok(None) => {}
            // Bytes that mean nothing are dropped, never shown.
            Err(_) => self.pending.clear(),
        }
    }

    /// Whether something incomplete is held.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Nothing more came: a held lone Esc is the Esc key; anything else incomplete is
    /// dropped.
    pub fn flush(&mut self, out: &mut VecDeque<Event>) {
        if self.pending == [0x1b] {
            self.parse_pending(out);
        }
        self.pending.clear();
    }
}

/// The [`InputSource`] of one SSH session.
pub struct SessionInput {
    rx: Receiver<Input>,
    parser: KeyParser,
    queue: VecDeque<Event>,
    store: Store,
    mark: (u64, Option<std::time::SystemTime>),
    /// When the file was last seen changed by another process, while that change has not
    /// been read yet.
    moving: Option<std::time::Instant>,
    /// Set when the server asked the session to stop.
    pub shutdown: bool,
    /// The client's terminal size, as its pty request and window changes said.
    size: (u16, u16),
}

impl SessionInput {
    pub fn new(rx: Receiver<Input>, store: Store, size: (u16, u16)) -> SessionInput {
        let mark = store.change_mark();
        SessionInput {
            rx,
            parser: KeyParser::default(),
            queue: VecDeque::new(),
            store,
            mark,
            moving: None,
            shutdown: false,
            size,
        }
    }

    fn ended(&self, timeout: Option<Duration>) -> io::Result<Option<Event>> {
        match timeout {
            None => Ok(None),
            // With a timeout, `None` would mean "nothing yet": the end must be an error.
            Some(_) => Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed",
            )),
        }
    }
}

impl InputSource for SessionInput {
    fn next_event(&mut self, timeout: Option<Duration>) -> io::Result<Option<Event>> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Ok(Some(event));
            }
            let holding = self.parser.has_pending();
            let wait = match (holding, timeout) {
                (true, Some(t)) => Some(t.min(ESC_WAIT)),
                (true, None) => Some(ESC_WAIT),
                (false, t) => t,
            };
            let got = match wait {
                Some(wait) => self.rx.recv_timeout(wait),
                None => self.rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match got {
                Ok(Input::Bytes(bytes)) => self.parser.feed(&bytes, &mut self.queue),
                Ok(Input::Resize(w, h)) => {
                    self.size = (w, h);
                    self.queue.push_back(Event::Resize(w, h))
                }
                Ok(Input::Shutdown) => {
                    self.shutdown = true;
                    return Err(io::Error::new(
                        io::ErrorKind::Interrupted,
                        "server stopping",
                    ));
                }
                Ok(Input::End) | Err(RecvTimeoutError::Disconnected) => return self.ended(timeout),
                Err(RecvTimeoutError::Timeout) if holding => self.parser.flush(&mut self.queue),
                Err(RecvTimeoutError::Timeout) => return Ok(None),
            }
        }
    }

    fn watch_every(&self) -> Option<Duration> {
        Some(WATCH_EVERY)
    }

    /// A commit of this process is read at once. A change by another process is read once
    /// the file has been still for [`STILL`]: a long import writes the file for seconds and
    /// then syncs its commit, and a read begun meanwhile waits for that sync — the session's
    /// keys would wait behind it.
    fn changed_elsewhere(&mut self) -> bool {
        let (generation, modified) = self.store.change_mark();
        let ours = generation != self.mark.0;
        let theirs = modified != self.mark.1;
        self.mark = (generation, modified);
        if ours {
            self.moving = None;
            return true;
        }
        if theirs {
            self.moving = Some(std::time::Instant::now());
            return false;
        }
        let settled = self.moving.is_some_and(|since| since.elapsed() >= STILL);
        if settled {
            self.moving = None;
        }
        settled
    }

    fn size(&self) -> Option<(u16, u16)> {
        Some(self.size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent};

    fn keys(packets: &[&[u8]]) -> Vec<Event> {
        let mut parser = KeyParser::default();
        let mut out = VecDeque::new();
        for packet in packets {
            parser.feed(packet, &mut out);
        }
        parser.flush(&mut out);
        out.into_iter().collect()
    }

    fn code(event: &Event) -> Option<KeyCode> {
        match event {
            Event::Key(KeyEvent { code, .. }) => Some(*code),
            _ => None,
        }
    }

    #[test]
    fn sequences_and_characters_split_across_packets_arrive_whole() {
        let events = keys(&[
            b"\x1b",
            b"[A",
            "ạ".as_bytes().split_at(1).0,
            "ạ".as_bytes().split_at(1).1,
        ]);
        assert_eq!(
            events.iter().map(code).collect::<Vec<_>>(),
            vec![Some(KeyCode::Up), Some(KeyCode::Char('ạ'))]
        );
    }

    #[test]
    fn a_lone_esc_is_the_esc_key_and_a_paste_comes_whole() {
        assert_eq!(
            keys(&[b"\x1b"]).iter().map(code).collect::<Vec<_>>(),
            vec![Some(KeyCode::Esc)]
        );
        let paste = keys(&[b"\x1b[200~Chi b", "ộ\x1b[201~".as_bytes()]);
        assert_eq!(paste, vec![Event::Paste("Chi bộ".into())]);
    }

    #[test]
    fn vietnamese_from_an_input_method_arrives_as_typed() {
        // An IME sends the composed text at once, often in one packet.
        let events = keys(&["Nguyễn Thị Hường".as_bytes()]);
        let text: String = events
            .iter()
            .filter_map(code)
            .map(|c| match c {
                KeyCode::Char(c) => c,
                _ => '?',
            })
            .collect();
        assert_eq!(text, "Nguyễn Thị Hường");
    }

    #[test]
    fn an_esc_waits_briefly_for_the_rest_of_its_sequence_across_packets() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("i.redb")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let mut input = SessionInput::new(rx, store, (80, 24));
        // The rest of the sequence comes in the next packet, well within the wait.
        tx.send(Input::Bytes(b"\x1b".to_vec())).unwrap();
        let sender = tx.clone();
        let later = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(5));
            sender.send(Input::Bytes(b"[B".to_vec())).unwrap();
        });
        let first = input.next_event(None).unwrap();
        later.join().unwrap();
        assert_eq!(first.as_ref().and_then(code), Some(KeyCode::Down));
        // A lone Esc becomes the Esc key once the wait is over.
        tx.send(Input::Bytes(b"\x1b".to_vec())).unwrap();
        let started = std::time::Instant::now();
        let esc = input.next_event(Some(Duration::from_secs(5))).unwrap();
        assert_eq!(esc.as_ref().and_then(code), Some(KeyCode::Esc));
        assert!(started.elapsed() >= ESC_WAIT && started.elapsed() < Duration::from_secs(1));
        tx.send(Input::Resize(120, 40)).unwrap();
        assert_eq!(
            input.next_event(None).unwrap(),
            Some(Event::Resize(120, 40))
        );
        tx.send(Input::End).unwrap();
        assert_eq!(input.next_event(None).unwrap(), None);
    }

    /// Another process's change is read once the file has been still for a while; one of
    /// this process's commits at once.
    #[test]
    fn another_process_is_read_once_the_file_is_still() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.redb");
        let store = Store::open(&path).unwrap();
        let (_tx, rx) = std::sync::mpsc::channel();
        let mut input = SessionInput::new(rx, store.clone(), (80, 24));
        assert!(!input.changed_elsewhere());
        // The file written by someone else: not yet.
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        let later = std::time::SystemTime::now() + Duration::from_secs(5);
        file.set_modified(later).unwrap();
        assert!(!input.changed_elsewhere(), "still being written");
        assert!(!input.changed_elsewhere());
        std::thread::sleep(STILL);
        assert!(input.changed_elsewhere(), "still for long enough");
        assert!(!input.changed_elsewhere(), "read once");
        // A commit of this process: at once.
        store.write(|w| w.new_meeting_id()).unwrap();
        assert!(input.changed_elsewhere());
    }
}
