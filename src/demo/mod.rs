//! The demo database: a deterministic, recognisably real slice of the party tree.

use std::path::Path;

use chrono::NaiveDate;

use crate::io::{ImportError, ImportSummary};
use crate::store::Store;

/// Opens the demo database at `path`, creating and filling it first when it is absent.
/// `today` decides where the 12 months of meetings end (the month before it).
pub fn ensure(
    path: &Path,
    today: NaiveDate,
) -> Result<(Store, Option<ImportSummary>), ImportError> {
    let _ = (path, today);
    todo!("demo data")
}
