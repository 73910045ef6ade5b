//! The JSON Lines exchange format (docs/data-format.md), described once. Each record kind
//! is one type (`OrgLine`, `MemberLine` …) that serde both reads and writes, field for
//! field as the contract has it; the same type says how a line is checked into the
//! import's records (`check`) and how one is made from what the store holds (`written`).
//!
//! - [`json`]: the values a line is made of, and serde's complaints as problems;
//! - [`fields`]: the contract's rules for a single field (text, words, dates, moments);
//! - one file per record kind: the line type, its checks and how it is written;
//! - [`batch`]: the checked records of a whole file, codes and cards interned;
//! - [`resolve`]: references resolved against the file and the database, the rules that
//!   span records, and the write — all in one transaction;
//! - [`export`]: the walk over the store that writes a file, deterministically.

mod batch;
mod classification;
mod document;
pub mod export;
mod fields;
mod json;
mod meeting;
mod member;
mod org;
pub mod resolve;
pub mod serde_words;
mod span;

use serde::Deserialize;
use serde::de::IgnoredAny;

pub use batch::{Batch, MeetingRec, MemberRec};
pub use fields::{DateForms, Fields};
pub use member::{RawMember, member_record};

use crate::io::problem::{Problem, Problems};

/// Reads one line (without its line break) into `batch`, reporting its problems at `line`.
pub fn read_line(bytes: &[u8], line: usize, batch: &mut Batch, problems: &mut Problems) {
    let bytes = bytes.trim_ascii();
    if bytes.is_empty() {
        return;
    }
    if bytes[0] != b'{' {
        let problem = match serde_json::from_slice::<IgnoredAny>(bytes) {
            Ok(_) => Problem::NotAnObject,
            Err(e) => json::json_problem(&e, bytes),
        };
        problems.add(line, problem);
        return;
    }
    let kind = match json::record_type(bytes) {
        Ok(Some(kind)) => kind,
        Ok(None) => return problems.add(line, Problem::MissingType),
        Err(e) => return problems.add(line, json::json_problem(&e, bytes)),
    };
    let mut fields = Fields::new(problems, line, DateForms::Iso);
    let f = &mut fields;
    let outcome = match &*kind {
        "org" => parse(bytes).map(|r: org::OrgLine| r.check(line, f, batch)),
        "member" => parse(bytes).map(|r: member::MemberLine| r.check(line, f, batch)),
        "member_status" => parse(bytes).map(|r: member::StatusLine| r.check(line, f, batch)),
        "role" => parse(bytes).map(|r: span::RoleLine| r.check(line, f, batch)),
        "oversight" => parse(bytes).map(|r: span::OversightLine| r.check(line, f, batch)),
        "meeting" => parse(bytes).map(|r: meeting::MeetingLine| r.check(line, f, batch)),
        "document" => parse(bytes).map(|r: document::DocumentLine| r.check(line, f, batch)),
        "classification" => {
            parse(bytes).map(|r: classification::ClassificationLine| r.check(line, f, batch))
        }
        other => {
            let found = other.to_string();
            return f.report(Problem::UnknownType { found });
        }
    };
    if let Err(e) = outcome {
        f.report(json::json_problem(&e, bytes));
    }
}

fn parse<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(bytes)
}
