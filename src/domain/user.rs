//! The people who use chibo: a login, the role that says what they may do, the subtree of
//! the organisation tree they are held to, and the public keys they sign in with. chibo's
//! own users, not the system's accounts.

use serde::{Deserialize, Serialize};

use super::edit::{EditError, clean_text};
use super::lang::Lang;
use super::limits::TextKind;
use super::meeting::MeetingId;
use super::org::{OrgId, vocabulary};

vocabulary! {
    /// What a user may do, inside their scope.
    UserRole {
        Admin => "admin",
        Officer => "officer",
        Secretary => "secretary",
        Viewer => "viewer",
    }
}

impl UserRole {
    /// Users and keys are managed by admins only.
    pub fn manages_users(self) -> bool {
        self == UserRole::Admin
    }

    /// Organisations, members, roles, oversight: the committee's records.
    pub fn writes_records(self) -> bool {
        matches!(self, UserRole::Admin | UserRole::Officer)
    }

    /// Meetings, roll-calls and minutes of the branches in scope.
    pub fn writes_meetings(self) -> bool {
        matches!(
            self,
            UserRole::Admin | UserRole::Officer | UserRole::Secretary
        )
    }

    /// Approving minutes; a secretary approves the minutes of their own branch.
    pub fn approves_minutes(self) -> bool {
        self.writes_meetings()
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            UserRole::Admin => lang.pick("quản trị", "admin"),
            UserRole::Officer => lang.pick("cán bộ", "officer"),
            UserRole::Secretary => lang.pick("bí thư chi bộ", "secretary"),
            UserRole::Viewer => lang.pick("chỉ xem", "viewer"),
        }
    }
}

/// An SSH public key as OpenSSH writes it: `ssh-ed25519 AAAA… comment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKey {
    pub algorithm: String,
    /// The key itself, base64 as in the file.
    pub blob: String,
    pub comment: Option<String>,
}

impl PublicKey {
    /// Reads one line of an OpenSSH `.pub` file (or `authorized_keys` without options).
    pub fn parse(line: &str) -> Result<PublicKey, String> {
        let mut parts = line.split_whitespace();
        let (Some(algorithm), Some(blob)) = (parts.next(), parts.next()) else {
            return Err("expected an OpenSSH public key: `ssh-ed25519 AAAA… comment`".into());
        };
        let known = ["ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-"];
        if !known.iter().any(|prefix| algorithm.starts_with(prefix)) {
            return Err(format!("{algorithm:?} is not an SSH key type"));
        }
        let base64 = blob.len() >= 16
            && blob
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
        if !base64 {
            return Err("the key is not base64".into());
        }
        let comment = parts.collect::<Vec<_>>().join(" ");
        Ok(PublicKey {
            algorithm: algorithm.to_string(),
            blob: blob.to_string(),
            comment: (!comment.is_empty()).then_some(comment),
        })
    }

    /// The same key (the comment does not matter).
    pub fn same_key(&self, other: &PublicKey) -> bool {
        self.algorithm == other.algorithm && self.blob == other.blob
    }

    /// As a `.pub` line.
    pub fn openssh(&self) -> String {
        match &self.comment {
            Some(comment) => format!("{} {} {comment}", self.algorithm, self.blob),
            None => format!("{} {}", self.algorithm, self.blob),
        }
    }
}

/// One of chibo's users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub login: String,
    pub role: UserRole,
    /// The root of the subtree the user is held to; `None` is the whole tree (admins).
    pub scope: Option<OrgId>,
    pub keys: Vec<PublicKey>,
    /// The person's full name (`Phạm Ngọc Đường`), as [`clean_full_name`] keeps it; named
    /// with the login on what they approve and amend. Schema 13.
    pub name: Option<String>,
}

impl User {
    /// Whether `key` signs this user in.
    pub fn has_key(&self, key: &PublicKey) -> bool {
        self.keys.iter().any(|k| k.same_key(key))
    }

    /// Who signed, as approvals and amendments name them: `Phạm Ngọc Đường (bt.khu2)`,
    /// or the login alone when no full name is known.
    pub fn signature(&self) -> String {
        signature(&self.login, self.name.as_deref())
    }
}

/// `Full Name (login)`, or the login alone without a name. Held to the limit of a person's
/// name, as an approval's signer is read back from a meeting file: a name too long to carry
/// the login as well is given alone.
pub fn signature(login: &str, name: Option<&str>) -> String {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        None => login.to_string(),
        Some(name) => {
            let both = format!("{name} ({login})");
            if both.chars().count() <= TextKind::PersonName.max_chars() {
                both
            } else {
                name.to_string()
            }
        }
    }
}

/// A user's full name as it is kept: NFC, trimmed, not blank, no control or invisible
/// characters, at most as long as a member's name (`TextKind::PersonName`).
pub fn clean_full_name(text: &str) -> Result<String, EditError> {
    clean_text("name", TextKind::PersonName, text)
}

/// Where a user last was in the app, to open there again: the organisation selected and the
/// screen over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub org: OrgId,
    pub screen: PlaceScreen,
}

/// Which screen a [`Place`] is: the top-level ones a person comes back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlaceScreen {
    /// The tree, the organisation selected in it.
    Tree,
    /// The organisation's meetings.
    Meetings,
    /// The organisation's dashboard.
    Dashboard,
    /// One meeting's record: roll-call and minutes.
    Record(MeetingId),
}

/// Logins are short, lower-case, safe in a terminal and a file name: `lan`, `bt.khu2`.
pub fn valid_login(login: &str) -> bool {
    (1..=32).contains(&login.len())
        && login.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
        && login.as_bytes()[0].is_ascii_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHd3d3d3d3d3d3d3d3d3d3d3d3d3 lan@laptop";

    #[test]
    fn public_keys_read_as_openssh_writes_them() {
        let key = PublicKey::parse(KEY).unwrap();
        assert_eq!(key.algorithm, "ssh-ed25519");
        assert_eq!(key.comment.as_deref(), Some("lan@laptop"));
        assert_eq!(key.openssh(), KEY);
        let other_comment = PublicKey::parse(&KEY.replace("lan@laptop", "x")).unwrap();
        assert!(key.same_key(&other_comment));
        assert!(PublicKey::parse("ssh-ed25519").is_err());
        assert!(PublicKey::parse("hello AAAAC3NzaC1lZDI1NTE5AAAA").is_err());
        assert!(PublicKey::parse("ssh-rsa AAAA\u{1b}[2J").is_err());
    }

    #[test]
    fn logins_are_plain_and_short() {
        assert!(valid_login("lan"));
        assert!(valid_login("bt.khu2"));
        assert!(!valid_login(""));
        assert!(!valid_login("Lan"));
        assert!(!valid_login("-x"));
        assert!(!valid_login("lan\u{1b}"));
        assert!(!valid_login(&"a".repeat(33)));
    }

    #[test]
    fn a_signature_names_the_person_and_the_login() {
        let mut user = User {
            login: "bt.khu2".into(),
            role: UserRole::Secretary,
            scope: None,
            keys: vec![],
            name: None,
        };
        assert_eq!(user.signature(), "bt.khu2");
        user.name = Some("Phạm Ngọc Đường".into());
        assert_eq!(user.signature(), "Phạm Ngọc Đường (bt.khu2)");
        let long = "Â".repeat(95);
        assert_eq!(signature("bt.khu2", Some(&long)), long, "too long for both");
        assert_eq!(signature("lan", Some("  ")), "lan");
    }

    #[test]
    fn full_names_are_kept_clean() {
        assert_eq!(
            clean_full_name("  Phạm Ngọc Đường ").unwrap(),
            "Phạm Ngọc Đường"
        );
        assert!(matches!(clean_full_name("   "), Err(EditError::Empty(_))));
        assert!(matches!(
            clean_full_name("Lan\u{1b}[2J"),
            Err(EditError::UnsafeText(_))
        ));
        assert!(matches!(
            clean_full_name(&"a".repeat(101)),
            Err(EditError::TextLimit(..))
        ));
        let refused = clean_full_name("").unwrap_err();
        assert!(refused.message(Lang::Vi).contains("không được để trống"));
        assert!(refused.message(Lang::En).contains("must not be empty"));
    }

    #[test]
    fn roles_grant_less_and_less() {
        assert!(UserRole::Admin.manages_users());
        assert!(!UserRole::Officer.manages_users());
        assert!(UserRole::Officer.writes_records());
        assert!(!UserRole::Secretary.writes_records());
        assert!(UserRole::Secretary.writes_meetings());
        assert!(!UserRole::Viewer.writes_meetings());
    }
}
