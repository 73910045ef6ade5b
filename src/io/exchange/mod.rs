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
    check_line(parse_line(bytes), line, batch, problems);
}

/// A line parsed, not yet checked: its record, or what is wrong with it. Parsing needs
/// nothing but the line, so a reader may parse the next lines while these are checked. A
/// meeting, the largest record by far, is boxed so that a block of short lines stays small.
pub enum ParsedLine<'a> {
    Blank,
    Org(org::OrgLine<'a>),
    Member(member::MemberLine<'a>),
    Status(member::StatusLine<'a>),
    Role(span::RoleLine<'a>),
    Oversight(span::OversightLine<'a>),
    Meeting(Box<meeting::MeetingLine<'a>>),
    Document(document::DocumentLine<'a>),
    Classification(classification::ClassificationLine<'a>),
    Wrong(Problem),
}

/// One line (without its line break) as JSON: the record its `type` names.
pub fn parse_line(bytes: &[u8]) -> ParsedLine<'_> {
    let bytes = bytes.trim_ascii();
    if bytes.is_empty() {
        return ParsedLine::Blank;
    }
    if bytes[0] != b'{' {
        return ParsedLine::Wrong(match serde_json::from_slice::<IgnoredAny>(bytes) {
            Ok(_) => Problem::NotAnObject,
            Err(e) => json::json_problem(&e, bytes),
        });
    }
    let kind = match json::record_type(bytes) {
        Ok(Some(kind)) => kind,
        Ok(None) => return ParsedLine::Wrong(Problem::MissingType),
        Err(e) => return ParsedLine::Wrong(json::json_problem(&e, bytes)),
    };
    let parsed = match &*kind {
        "org" => parse(bytes).map(ParsedLine::Org),
        "member" => parse(bytes).map(ParsedLine::Member),
        "member_status" => parse(bytes).map(ParsedLine::Status),
        "role" => parse(bytes).map(ParsedLine::Role),
        "oversight" => parse(bytes).map(ParsedLine::Oversight),
        "meeting" => parse(bytes).map(|r| ParsedLine::Meeting(Box::new(r))),
        "document" => parse(bytes).map(ParsedLine::Document),
        "classification" => parse(bytes).map(ParsedLine::Classification),
        other => {
            let found = other.to_string();
            return ParsedLine::Wrong(Problem::UnknownType { found });
        }
    };
    parsed.unwrap_or_else(|e| ParsedLine::Wrong(json::json_problem(&e, bytes)))
}

/// Checks a parsed line into `batch`, reporting its problems at `line`.
pub fn check_line(parsed: ParsedLine<'_>, line: usize, batch: &mut Batch, problems: &mut Problems) {
    let mut fields = Fields::new(problems, line, DateForms::Iso);
    let f = &mut fields;
    match parsed {
        ParsedLine::Blank => {}
        ParsedLine::Org(r) => r.check(line, f, batch),
        ParsedLine::Member(r) => r.check(line, f, batch),
        ParsedLine::Status(r) => r.check(line, f, batch),
        ParsedLine::Role(r) => r.check(line, f, batch),
        ParsedLine::Oversight(r) => r.check(line, f, batch),
        ParsedLine::Meeting(r) => r.check(line, f, batch),
        ParsedLine::Document(r) => r.check(line, f, batch),
        ParsedLine::Classification(r) => r.check(line, f, batch),
        ParsedLine::Wrong(problem) => f.report(problem),
    }
}

fn parse<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(bytes)
}
