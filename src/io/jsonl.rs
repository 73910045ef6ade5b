//! The JSON Lines exchange format of docs/data-format.md.

use std::io::{BufRead, Write};
use std::path::Path;

use super::{ImportError, ImportSummary};
use crate::domain::Lang;
use crate::store::{Reader, Store};

/// Imports a JSON Lines file in one write transaction: all of it, or — on any error —
/// nothing. `label` names the file in `FILE:LINE: message` errors.
pub fn import(
    store: &Store,
    label: &str,
    input: impl BufRead,
    lang: Lang,
) -> Result<ImportSummary, ImportError> {
    let _ = (store, label, input, lang);
    todo!("JSONL import")
}

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
    let _ = (reader, org, out, lang);
    todo!("JSONL export")
}
