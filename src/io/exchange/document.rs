//! `{"type":"document",…}`: a document of a meeting, named by the meeting's organisation,
//! day and kind: Markdown `text`, or a file as base64 `data`.

use serde::{Deserialize, Serialize};

use super::batch::{Batch, DocumentRec};
use super::fields::Fields;
use super::json::Text;
use crate::domain::date::format_moment;
use crate::domain::limits::TextKind;
use crate::domain::prep::MAX_DOCUMENT_BYTES;
use crate::domain::{DocumentBody, DocumentInfo, Meeting, MeetingKind};
use crate::io::problem::Problem;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentLine<'a> {
    #[serde(rename = "type", borrow, skip_serializing_if = "Option::is_none")]
    pub record: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    org: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    kind: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    date: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    name: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    media_type: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    added: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    text: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    data: Option<Text<'a>>,
}

impl<'a> DocumentLine<'a> {
    /// The line for a document of `meeting` of the org with code `org`.
    pub fn written(
        org: &'a str,
        meeting: &Meeting,
        info: &'a DocumentInfo,
        body: &'a DocumentBody,
    ) -> Self {
        use base64::Engine;
        let (text, data) = match body {
            DocumentBody::Markdown(text) => (Some(Text::from(text.as_str())), None),
            DocumentBody::File { bytes, .. } => {
                let data = base64::engine::general_purpose::STANDARD.encode(bytes);
                (None, Some(Text::from(data)))
            }
        };
        DocumentLine {
            record: Some(Text::from("document")),
            org: Some(Text::from(org)),
            kind: Some(Text::from(meeting.kind.as_str())),
            date: Some(Text::day(meeting.date)),
            name: Some(Text::from(info.name.as_str())),
            media_type: info.media_type.as_deref().map(Text::from),
            added: Some(Text::from(format_moment(info.added_at))),
            text,
            data,
        }
    }

    pub fn check(self, line: usize, f: &mut Fields<'_>, batch: &mut Batch) {
        let org = f.required("org", TextKind::Code, self.org.as_deref());
        let kind = f.word(
            "kind",
            self.kind.as_deref(),
            MeetingKind::parse,
            MeetingKind::words,
        );
        let date = f.date("date", self.date.as_deref());
        let name = f.required("name", TextKind::Line, self.name.as_deref());
        let media_type = f.optional("media_type", TextKind::Line, self.media_type.as_deref());
        let added = f
            .required("added", TextKind::Line, self.added.as_deref())
            .and_then(|text| f.moment("added", Some(&text)));
        let media_type = media_type.map(|m| m.into_owned());
        let body = body(self.text.as_deref(), self.data.as_deref(), media_type, f);
        if let (Some(name), Some(body)) = (&name, &body) {
            let size = body.bytes().len() as u64;
            if size > MAX_DOCUMENT_BYTES {
                let name = name.to_string();
                f.report(Problem::DocumentTooLarge { name, size });
            }
        }
        let (Some(org), Some(kind), Some(date), Some(name), Some(added), Some(body), true) =
            (org, kind, date, name, added, body, f.ok)
        else {
            return;
        };
        let record = DocumentRec {
            line,
            org: batch.code(&org),
            kind,
            date,
            name: name.into_owned(),
            added,
            body,
        };
        batch.documents.push(record);
    }
}

/// Markdown `text` (kept as written, like minutes) or base64 `data` with its media type.
fn body(
    text: Option<&str>,
    data: Option<&str>,
    media_type: Option<String>,
    f: &mut Fields<'_>,
) -> Option<DocumentBody> {
    use base64::{DecodeError, Engine};
    match (text, data) {
        (Some(text), None) => {
            // An empty text is still a document; only control characters are refused.
            let body = if text.trim().is_empty() {
                String::new()
            } else {
                f.free_text("text", TextKind::Document, Some(text))?
            };
            Some(DocumentBody::Markdown(body))
        }
        (None, Some(data)) => match base64::engine::general_purpose::STANDARD.decode(data.trim()) {
            Ok(bytes) => Some(DocumentBody::File { media_type, bytes }),
            Err(e) => f.refuse(Problem::BadBase64 {
                at: match e {
                    DecodeError::InvalidByte(at, _) | DecodeError::InvalidLastSymbol(at, _) => {
                        Some(at + 1)
                    }
                    DecodeError::InvalidLength(_) | DecodeError::InvalidPadding => None,
                },
            }),
        },
        _ => f.refuse(Problem::DocumentBody),
    }
}
