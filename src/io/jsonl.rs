//! The JSON Lines exchange format of docs/data-format.md.

use std::io::{BufRead, Read, Write};
use std::path::Path;

use super::exchange::{self, Batch, resolve};
use super::problem::{Problem, Problems};
use super::{ImportError, ImportSummary};
use crate::domain::Lang;
use crate::store::{Reader, Store};

/// Imports a JSON Lines file in one write transaction: all of it, or — on any error —
/// nothing. `label` names the file in `FILE:LINE: message` errors.
pub fn import(
    store: &Store,
    label: &str,
    mut input: impl BufRead,
    lang: Lang,
) -> Result<ImportSummary, ImportError> {
    let mut problems = Problems::new(label, lang);
    let mut batch = Batch::default();
    // One buffer for every line: reading a line allocates nothing.
    let mut buffer = Vec::with_capacity(4096);
    let mut line = 0;
    while !problems.is_full() {
        buffer.clear();
        if (&mut input)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut buffer)?
            == 0
        {
            break;
        }
        line += 1;
        let content = buffer.len() - usize::from(buffer.last() == Some(&b'\n'));
        if content as u64 > MAX_LINE {
            problems.add(line, Problem::LineTooLong { limit: MAX_LINE });
            break;
        }
        let bytes = if line == 1 {
            buffer.strip_prefix(UTF8_BOM).unwrap_or(&buffer)
        } else {
            &buffer
        };
        exchange::read_line(bytes, line, &mut batch, &mut problems);
    }
    resolve::import_batch(store, batch, problems)
}

/// The longest line read: a document's largest file in base64, and room for its fields.
/// Past it the file is refused without reading on, so a file with no line ends (or
/// `/dev/zero`) is not read into memory without end.
const MAX_LINE: u64 = 16 << 20;

/// Some editors start UTF-8 files with a byte order mark; it is not part of the first record.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Imports the JSON Lines file at `path`.
pub fn import_file(store: &Store, path: &Path, lang: Lang) -> Result<ImportSummary, ImportError> {
    let file = std::fs::File::open(path)?;
    import(
        store,
        &path.display().to_string(),
        std::io::BufReader::new(file),
        lang,
    )
}

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
