//! The audit trail of the files users move through chibo's SSH server: every upload,
//! download and delete is a line of the trail, like any change to the records, so who
//! took which document out is answered in one place.

use super::{Store, StoreError};

impl Store {
    /// Notes that the acting user did `kind` ("upload", "download", "delete") to the file at
    /// `path` (as the user saw it, `/inbox/biên bản.pdf`).
    pub fn note_file(&self, kind: &'static str, path: &str) -> Result<(), StoreError> {
        self.write(|w| {
            w.note(kind, path.to_string(), None);
            Ok::<_, StoreError>(())
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{User, UserRole};

    use super::*;

    #[test]
    fn a_file_moved_is_a_line_of_the_trail_naming_its_user() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.redb")).unwrap();
        let lan = User {
            login: "lan".into(),
            role: UserRole::Viewer,
            scope: None,
            keys: Vec::new(),
            name: None,
        };
        store
            .as_user(&lan)
            .note_file("download", "/documents/X Chi bộ/2026-11/nghị quyết.md")
            .unwrap();
        let trail = store.audit_trail().unwrap();
        let last = trail.last().unwrap();
        assert_eq!(last.who, "lan");
        assert_eq!(
            last.what,
            "download /documents/X Chi bộ/2026-11/nghị quyết.md"
        );
        assert_eq!(last.org, None);
    }
}
