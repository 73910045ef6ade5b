//! Member lists in CSV with Vietnamese or English headers.

use std::path::Path;

use super::{ImportError, ImportSummary};
use crate::domain::Lang;
use crate::store::Store;

/// Imports a member list from CSV in one write transaction (all rows or none). `org` is the
/// branch code used for rows without an org column.
pub fn import_file(
    store: &Store,
    path: &Path,
    org: Option<&str>,
    lang: Lang,
) -> Result<ImportSummary, ImportError> {
    let _ = (store, path, org, lang);
    todo!("CSV member import")
}
