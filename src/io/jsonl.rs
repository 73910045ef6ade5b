//! The JSON Lines exchange format of docs/data-format.md.

use std::io::{BufRead, Read, Write};
use std::path::Path;

use super::exchange::{self, Batch, MeetingRec, MemberRec, resolve};
use super::problem::{Problem, Problems};
use super::{ImportError, ImportSummary};
use crate::domain::Lang;
use crate::store::{Reader, Store};

/// Imports a JSON Lines file in one write transaction: all of it, or — on any error —
/// nothing. `label` names the file in `FILE:LINE: message` errors.
pub fn import(
    store: &Store,
    label: &str,
    input: &[u8],
    lang: Lang,
) -> Result<ImportSummary, ImportError> {
    import_from(store, label, &input, lang)
}

/// Imports the JSON Lines file at `path`, reading it more than once (see [`Source`]). What
/// cannot be read again, a pipe, is read into memory first.
pub fn import_file(store: &Store, path: &Path, lang: Lang) -> Result<ImportSummary, ImportError> {
    let label = path.display().to_string();
    if std::fs::metadata(path)?.is_file() {
        return import_from(store, &label, &path, lang);
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.read_to_end(&mut bytes)?;
    import_from(store, &label, &bytes.as_slice(), lang)
}

/// Where an import's lines come from. It reads them more than once: first to check every
/// line and keep what the checks across records need, then again for each member and each
/// meeting as it is written. So the memory an import needs does not grow with a file's
/// names and marks.
trait Source: Sync {
    fn open(&self) -> std::io::Result<Box<dyn BufRead + Send + '_>>;

    /// How many bytes it holds now.
    fn len(&self) -> std::io::Result<u64>;
}

impl Source for &[u8] {
    fn open(&self) -> std::io::Result<Box<dyn BufRead + Send + '_>> {
        Ok(Box::new(*self))
    }

    fn len(&self) -> std::io::Result<u64> {
        Ok(<[u8]>::len(self) as u64)
    }
}

impl Source for &Path {
    fn open(&self) -> std::io::Result<Box<dyn BufRead + Send + '_>> {
        let file = std::fs::File::open(self)?;
        Ok(Box::new(std::io::BufReader::with_capacity(1 << 20, file)))
    }

    fn len(&self) -> std::io::Result<u64> {
        Ok(std::fs::metadata(self)?.len())
    }
}

fn import_from(
    store: &Store,
    label: &str,
    source: &dyn Source,
    lang: Lang,
) -> Result<ImportSummary, ImportError> {
    let mut problems = Problems::new(label, lang);
    let mut batch = Batch::default();
    let mut lines = Lines::new(source.open()?);
    let read_whole = read_first(&mut lines, &mut batch, &mut problems)?;
    // An empty file is most likely the wrong one, or one cut off: not a success.
    if read_whole && problems.is_empty() && batch.holds_no_record() {
        problems.add(1, Problem::NoRecords);
    }
    let mut again = ReadAgain {
        source,
        first: read_whole.then_some((lines.bytes, lines.number)),
        members: None,
        meetings: None,
        // What the first reading reported is not reported twice.
        unheard: Problems::new(label, lang),
    };
    resolve::import_batch(store, batch, problems, &mut again)
}

/// The first reading: every line checked into `batch`, in order, until the problems are
/// too many or a line too long. Lines are read and parsed a block ahead, on a second
/// thread, while this one checks the block before: parsing needs nothing the checks keep.
/// Whether it read to the end.
fn read_first<R: BufRead + Send>(
    lines: &mut Lines<R>,
    batch: &mut Batch,
    problems: &mut Problems,
) -> std::io::Result<bool> {
    // Two blocks, each read and parsed while the other's lines are checked; the loop is
    // written out twice because each half parses into the block the other half checks.
    let mut first = Block::default();
    let mut second = Block::default();
    let mut parsed = first.read_and_parse(lines)?;
    loop {
        let (done, parsed_second) =
            check_while_reading(parsed, &mut second, lines, batch, problems);
        if let Some(read_whole) = done {
            return Ok(read_whole);
        }
        let (done, parsed_first) =
            check_while_reading(parsed_second?, &mut first, lines, batch, problems);
        if let Some(read_whole) = done {
            return Ok(read_whole);
        }
        parsed = parsed_first?;
    }
}

/// Checks `checked` into `batch` while a second thread reads the next lines into `next`
/// and parses them. What the checks give ([`check_block`]), and the lines parsed.
fn check_while_reading<'n, R: BufRead + Send>(
    checked: ParsedBlock<'_>,
    next: &'n mut Block,
    lines: &mut Lines<R>,
    batch: &mut Batch,
    problems: &mut Problems,
) -> (Option<bool>, std::io::Result<ParsedBlock<'n>>) {
    let reads_on = matches!(checked.end, BlockEnd::More);
    std::thread::scope(|scope| {
        let ahead = scope.spawn(move || {
            next.clear();
            if reads_on {
                next.read(lines)?;
            }
            Ok(next.parse())
        });
        let done = check_block(checked, batch, problems);
        let parsed = ahead
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (done, parsed)
    })
}

/// Lines read one after another, with their numbers, and how the reading of them ended.
#[derive(Default)]
struct Block {
    bytes: Vec<u8>,
    /// Each line's number and where it lies in `bytes`.
    lines: Vec<(usize, std::ops::Range<usize>)>,
    end: BlockEnd,
}

#[derive(Default, Clone, Copy)]
enum BlockEnd {
    /// More lines follow.
    #[default]
    More,
    End,
    /// The line of this number is longer than [`MAX_LINE`].
    TooLong(usize),
}

impl Block {
    /// About this many bytes of lines are read at a time.
    const BYTES: usize = 1 << 20;

    /// The next lines of `lines`, in place of those held.
    fn read<R: BufRead>(&mut self, lines: &mut Lines<R>) -> std::io::Result<()> {
        self.clear();
        while self.bytes.len() < Self::BYTES {
            match lines.next()? {
                Next::End => self.end = BlockEnd::End,
                Next::TooLong(line) => self.end = BlockEnd::TooLong(line),
                Next::Line(line, bytes) => {
                    let start = self.bytes.len();
                    self.bytes.extend_from_slice(bytes);
                    self.lines.push((line, start..self.bytes.len()));
                    continue;
                }
            }
            break;
        }
        Ok(())
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.lines.clear();
        self.end = BlockEnd::More;
    }

    fn parse(&self) -> ParsedBlock<'_> {
        let lines = self.lines.iter().map(|(line, at)| {
            let parsed = exchange::parse_line(&self.bytes[at.clone()]);
            (*line, parsed)
        });
        ParsedBlock {
            lines: lines.collect(),
            end: self.end,
        }
    }

    fn read_and_parse<R: BufRead>(
        &mut self,
        lines: &mut Lines<R>,
    ) -> std::io::Result<ParsedBlock<'_>> {
        self.read(lines)?;
        Ok(self.parse())
    }
}

/// A block's lines parsed, with their numbers, and how the reading of them ended.
struct ParsedBlock<'a> {
    lines: Vec<(usize, exchange::ParsedLine<'a>)>,
    end: BlockEnd,
}

/// Checks a block's lines into `batch`. `Some` when the reading ends there, with whether
/// it read to the end.
fn check_block(
    parsed: ParsedBlock<'_>,
    batch: &mut Batch,
    problems: &mut Problems,
) -> Option<bool> {
    for (line, parsed) in parsed.lines {
        if problems.is_full() {
            return Some(false);
        }
        exchange::check_line(parsed, line, batch, problems);
    }
    if problems.is_full() {
        return Some(false);
    }
    match parsed.end {
        BlockEnd::More => None,
        BlockEnd::End => Some(true),
        BlockEnd::TooLong(line) => {
            problems.add(line, Problem::LineTooLong { limit: MAX_LINE });
            Some(false)
        }
    }
}

/// The lines of an input, numbered from 1, read into one buffer: reading a line allocates
/// nothing.
struct Lines<R> {
    input: R,
    buffer: Vec<u8>,
    number: usize,
    /// Bytes read so far.
    bytes: u64,
}

enum Next<'b> {
    End,
    /// The line of this number is longer than [`MAX_LINE`]: reading stops there.
    TooLong(usize),
    Line(usize, &'b [u8]),
}

impl<R: BufRead> Lines<R> {
    fn new(input: R) -> Self {
        Lines {
            input,
            buffer: Vec::with_capacity(4096),
            number: 0,
            bytes: 0,
        }
    }

    fn next(&mut self) -> std::io::Result<Next<'_>> {
        self.buffer.clear();
        let read = (&mut self.input)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut self.buffer)?;
        if read == 0 {
            return Ok(Next::End);
        }
        self.bytes += read as u64;
        self.number += 1;
        let content = self.buffer.len() - usize::from(self.buffer.last() == Some(&b'\n'));
        if content as u64 > MAX_LINE {
            return Ok(Next::TooLong(self.number));
        }
        let bytes = if self.number == 1 {
            self.buffer.strip_prefix(UTF8_BOM).unwrap_or(&self.buffer)
        } else {
            &self.buffer
        };
        Ok(Next::Line(self.number, bytes))
    }
}

/// The second reading: on to each member's line, then to each meeting's, each read whole
/// this time. Members and meetings may come in any order in a file, so each has its own
/// reading.
struct ReadAgain<'s> {
    source: &'s dyn Source,
    /// The bytes and lines the first reading found, when it read to the end.
    first: Option<(u64, usize)>,
    members: Option<Lines<Box<dyn BufRead + Send + 's>>>,
    meetings: Option<Lines<Box<dyn BufRead + Send + 's>>>,
    unheard: Problems,
}

impl<'s> ReadAgain<'s> {
    /// Reads on in `lines` (opened at its first use) to `line` and checks it into `batch`.
    fn read(
        source: &'s dyn Source,
        lines: &mut Option<Lines<Box<dyn BufRead + Send + 's>>>,
        line: usize,
        batch: &mut Batch,
        unheard: &mut Problems,
    ) -> std::io::Result<()> {
        if lines.is_none() {
            *lines = Some(Lines::new(source.open()?));
        }
        let Some(lines) = lines.as_mut() else {
            return Ok(());
        };
        loop {
            match lines.next()? {
                Next::End | Next::TooLong(_) => return Ok(()),
                Next::Line(at, _) if at < line => {}
                Next::Line(at, _) if at > line => return Ok(()),
                Next::Line(at, bytes) => {
                    batch.rereading = true;
                    exchange::read_line(bytes, at, batch, unheard);
                    batch.rereading = false;
                    return Ok(());
                }
            }
        }
    }
}

impl resolve::ReadAgain for ReadAgain<'_> {
    /// The file is the length the first reading found, else the line where that reading
    /// ended: lines added since (a file still being written) would otherwise be left out.
    fn changed_since(&mut self) -> Result<Option<usize>, ImportError> {
        let Some((bytes, lines)) = self.first else {
            return Ok(None);
        };
        Ok((self.source.len()? != bytes).then_some(lines.max(1)))
    }

    fn member(&mut self, line: usize, batch: &mut Batch) -> Result<Option<MemberRec>, ImportError> {
        Self::read(
            self.source,
            &mut self.members,
            line,
            batch,
            &mut self.unheard,
        )?;
        Ok(batch.reread_member.take())
    }

    fn meeting(
        &mut self,
        line: usize,
        batch: &mut Batch,
    ) -> Result<Option<MeetingRec>, ImportError> {
        Self::read(
            self.source,
            &mut self.meetings,
            line,
            batch,
            &mut self.unheard,
        )?;
        Ok(batch.reread.take())
    }
}

/// The longest line read: a document's largest file in base64, and room for its fields.
/// Past it the file is refused without reading on, so a file with no line ends (or
/// `/dev/zero`) is not read into memory without end.
const MAX_LINE: u64 = 16 << 20;

/// Some editors start UTF-8 files with a byte order mark; it is not part of the first record.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes the whole database, or the subtree rooted at `org` (a code), as JSON Lines,
/// deterministically: the same data always gives the same bytes.
pub fn export(
    reader: &Reader,
    org: Option<&str>,
    out: impl Write,
    lang: Lang,
) -> Result<(), ImportError> {
    exchange::export::export(reader, org, out, lang)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A file that reads otherwise the second time it is opened.
    struct Changing {
        first: String,
        then: String,
        opened: AtomicUsize,
    }

    impl Changing {
        /// What it holds once opened `times` times.
        fn after(&self, times: usize) -> &str {
            if times == 0 { &self.first } else { &self.then }
        }
    }

    impl Source for Changing {
        fn open(&self) -> std::io::Result<Box<dyn BufRead + Send + '_>> {
            let times = self.opened.fetch_add(1, Ordering::SeqCst);
            Ok(Box::new(self.after(times).as_bytes()))
        }

        fn len(&self) -> std::io::Result<u64> {
            Ok(self.after(self.opened.load(Ordering::SeqCst)).len() as u64)
        }
    }

    const BRANCH: &str = concat!(
        r#"{"type":"org","code":"K2","name":"Chi bộ khu 2","kind":"branch"}"#,
        "\n",
        r#"{"type":"member","card":"1","name":"An","org":"K2"}"#,
        "\n",
        r#"{"type":"member","card":"2","name":"Bình","org":"K2"}"#,
        "\n",
    );

    fn meeting(day: &str, card: &str) -> String {
        format!(
            r#"{{"type":"meeting","org":"K2","kind":"regular","date":"{day}","attendance":{{"{card}":"present"}}}}"#
        )
    }

    fn import_changing(then: &str) -> (Result<ImportSummary, ImportError>, Store) {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(&dir.path().join("t.redb")).unwrap();
        let changing = Changing {
            first: format!(
                "{BRANCH}{}\n{}\n",
                meeting("2026-10-05", "1"),
                meeting("2026-11-05", "1")
            ),
            then: then.to_string(),
            opened: AtomicUsize::new(0),
        };
        (import_from(&store, "f.jsonl", &changing, Lang::En), store)
    }

    fn nothing_written(store: &Store) -> bool {
        let totals = store.read().unwrap().totals().unwrap();
        totals.orgs == 0 && totals.members == 0
    }

    /// Lines are read and parsed a block ahead of their checks: a file of many blocks is
    /// still checked line by line, in order across the blocks' edges, up to a line too long,
    /// and nothing after it is read.
    #[test]
    fn the_problems_of_a_file_of_many_blocks_come_in_line_order() {
        // Lines of no known record, every other one padded to a third of a block.
        let wrong = r#"{"type":"nonsense"}"#;
        let padded = format!("{wrong}{}", " ".repeat(Block::BYTES / 3));
        let mut text = String::from(BRANCH);
        for line in 4..=20 {
            text.push_str(if line % 2 == 0 { &padded } else { wrong });
            text.push('\n');
        }
        text.push_str(&"x".repeat(MAX_LINE as usize + 1));
        text.push('\n');
        text.push_str(wrong);
        text.push('\n');
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(&dir.path().join("t.redb")).unwrap();
        let error = import(&store, "f.jsonl", text.as_bytes(), Lang::En)
            .unwrap_err()
            .to_string();
        let lines: Vec<&str> = error
            .lines()
            .filter_map(|l| l.strip_prefix("f.jsonl:")?.split(':').next())
            .collect();
        let expected: Vec<String> = (4..=21).map(|line| line.to_string()).collect();
        assert_eq!(lines, expected, "{error}");
        assert!(nothing_written(&store));
    }

    #[test]
    fn a_file_changed_between_its_readings_writes_nothing() {
        let meetings = format!(
            "{}\n{}\n",
            meeting("2026-10-05", "1"),
            meeting("2026-11-05", "1")
        );
        let moved = BRANCH.replace(
            r#""card":"2","name":"Bình","org":"K2""#,
            r#""card":"2","name":"Bình","org":"K3""#,
        );
        let cases = [
            // The second member sits elsewhere now.
            (format!("{moved}{meetings}"), 3),
            // The second meeting is another day now.
            (
                format!(
                    "{BRANCH}{}\n{}\n",
                    meeting("2026-10-05", "1"),
                    meeting("2026-11-06", "1")
                ),
                5,
            ),
            // It names a card the first reading never saw.
            (
                format!(
                    "{BRANCH}{}\n{}\n",
                    meeting("2026-10-05", "1"),
                    meeting("2026-11-05", "9")
                ),
                5,
            ),
            // Lines were added after the first reading: a file still being written.
            (
                format!(
                    "{BRANCH}{}\n{}\n{}\n",
                    meeting("2026-10-05", "1"),
                    meeting("2026-11-05", "1"),
                    meeting("2026-09-05", "2")
                ),
                5,
            ),
            // The file was cut short.
            (format!("{BRANCH}{}\n", meeting("2026-10-05", "1")), 5),
        ];
        for (then, line) in cases {
            let (outcome, store) = import_changing(&then);
            let message = outcome.unwrap_err().to_string();
            assert_eq!(
                message,
                format!(
                    "f.jsonl:{line}: the file changed while it was being imported; import it again once nothing writes to it"
                )
            );
            assert!(nothing_written(&store), "{then}");
        }
    }

    #[test]
    fn a_member_of_the_file_marked_at_a_meeting_is_checked_on_the_second_reading() {
        let same = format!(
            "{BRANCH}{}\n{}\n",
            meeting("2026-10-05", "1"),
            meeting("2026-11-05", "1")
        );
        let (outcome, _) = import_changing(&same);
        assert_eq!(outcome.unwrap().meetings, 2);
        // A card marked that is no member: found when the meeting is read again, and
        // reported at its line though everything before it was written.
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(&dir.path().join("t.redb")).unwrap();
        let text = format!(
            "{BRANCH}{}\n{}\n",
            meeting("2026-10-05", "1"),
            meeting("2026-11-05", "7")
        );
        let error = import(&store, "f.jsonl", text.as_bytes(), Lang::En).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("f.jsonl:5: field \"attendance\""),
            "{error}"
        );
        assert!(nothing_written(&store));
    }
}
