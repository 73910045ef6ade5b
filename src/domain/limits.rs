//! How long each text may be and which characters it may hold: one table for the import,
//! the forms and the store's commands.
//!
//! Names and codes are keys people search, sort and read aloud: a character that shows
//! nothing (zero-width, a direction mark, a soft hyphen), a noncharacter (U+FFFE, U+FFFF …) or
//! a private-use character (drawn by no standard font) in one is refused, because two names
//! that look the same would be different. Prose (a place, a topic, a reason, an agenda item,
//! the minutes) loses those characters instead: a stray zero-width space pasted from a word
//! processor is no reason to refuse a page of minutes. Party card numbers are ASCII digits;
//! full-width digits (`４８１２３４５６`, as some input methods type them) are converted.

use std::borrow::Cow;

/// What a text is, for its limit and the characters it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextKind {
    /// An organisation's code (`QN.HL.HG.K2`).
    Code,
    /// A party card number (`48123456`).
    Card,
    /// A member's full name.
    PersonName,
    /// An organisation's name.
    OrgName,
    /// Where a meeting is held.
    Place,
    /// A meeting's topic.
    Topic,
    /// Why: an excuse, a status change, an amendment's note.
    Reason,
    /// One item of a meeting's agenda.
    AgendaItem,
    /// Any other one-line text: a phone number, a residence, a document's name.
    Line,
    /// One section of the minutes, the decisions, an amendment's text.
    Section,
    /// A meeting's whole minutes: its nine sections with their headings.
    Minutes,
    /// A meeting document's Markdown text: held to the documents' own size limit (10 MB).
    Document,
}

impl TextKind {
    /// The most characters (Unicode scalar values, after NFC) a text of this kind may hold.
    /// A Vietnamese full name is rarely over 60 characters and the longest official names of
    /// organisations about 150, so each limit leaves room without letting one text swell a
    /// database or a screen.
    pub const fn max_chars(self) -> usize {
        match self {
            TextKind::Code => 32,
            TextKind::Card => 20,
            TextKind::PersonName => 100,
            TextKind::OrgName => 200,
            TextKind::Place | TextKind::Line => 300,
            TextKind::Topic | TextKind::Reason | TextKind::AgendaItem => 500,
            TextKind::Section => 100_000,
            TextKind::Minutes => 1_000_000,
            TextKind::Document => 10 * 1024 * 1024,
        }
    }

    /// Whether the text is prose, which loses invisible characters rather than being refused
    /// for them.
    pub const fn is_prose(self) -> bool {
        matches!(
            self,
            TextKind::Place
                | TextKind::Topic
                | TextKind::Reason
                | TextKind::AgendaItem
                | TextKind::Line
                | TextKind::Section
                | TextKind::Minutes
                | TextKind::Document
        )
    }

    /// Every kind, for the documentation's table and its test.
    pub const ALL: [TextKind; 12] = [
        TextKind::Code,
        TextKind::Card,
        TextKind::PersonName,
        TextKind::OrgName,
        TextKind::Place,
        TextKind::Topic,
        TextKind::Reason,
        TextKind::AgendaItem,
        TextKind::Line,
        TextKind::Section,
        TextKind::Minutes,
        TextKind::Document,
    ];
}

/// Why a text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextLimitError {
    /// More than `max` characters (`found` of them).
    TooLong { max: usize, found: usize },
    /// A name or code holding an invisible, noncharacter or private-use character.
    Invisible(char),
    /// A card number that is not all digits.
    NotDigits,
    /// A name or code holding a space other than the ordinary one (a no-break space): the
    /// import and the forms make it ordinary, so only a store command meets it.
    UnusualSpace(char),
}

impl TextLimitError {
    /// The reason, without the field: "quá 100 ký tự (có 120)", "more than 100 characters
    /// (120 given)".
    pub fn message(self, lang: super::Lang) -> String {
        match self {
            TextLimitError::TooLong { max, found } => lang.pick(
                format!("dài quá {max} ký tự (có {found})"),
                format!("is longer than {max} characters ({found} given)"),
            ),
            TextLimitError::Invisible(c) => {
                let code = format!("U+{:04X}", u32::from(c));
                lang.pick(
                    format!("chứa ký tự ẩn hoặc ký tự riêng {code}"),
                    format!("holds the invisible or private-use character {code}"),
                )
            }
            TextLimitError::NotDigits => lang.pick(
                "chỉ được gồm chữ số 0–9".to_string(),
                "must be digits 0-9 only".to_string(),
            ),
            TextLimitError::UnusualSpace(c) => {
                let code = format!("U+{:04X}", u32::from(c));
                lang.pick(
                    format!("có khoảng trắng đặc biệt {code}; hãy dùng dấu cách thường"),
                    format!("holds the unusual space {code}; use an ordinary space"),
                )
            }
        }
    }
}

/// Whether `c` shows nothing or nothing standard: a format character (zero-width space and
/// joiners, direction marks and embeddings, soft hyphen, word joiner, byte-order mark, tags),
/// a filler that draws as blank (the Hangul fillers, the combining grapheme joiner), the line
/// and paragraph separators (a line break no one-line field may hold), a noncharacter, or a
/// private-use character.
pub fn is_invisible(c: char) -> bool {
    let n = u32::from(c);
    matches!(
        n,
        0x00AD
            | 0x034F
            | 0x115F..=0x1160
            | 0x2028..=0x2029
            | 0x3164
            | 0xFFA0
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
            // private use
            | 0xE000..=0xF8FF
            | 0xF0000..=0x10FFFF
            // noncharacters
            | 0xFDD0..=0xFDEF
    ) || n & 0xFFFE == 0xFFFE
}

/// `text` (already trimmed, NFC and free of control characters) held to the rules of `kind`:
/// a card's full-width digits made ASCII, prose without invisible characters; refused when a
/// name or code holds one, a card is not digits, or the result is over the limit.
pub fn limited(kind: TextKind, text: &str) -> Result<Cow<'_, str>, TextLimitError> {
    let text = match kind {
        TextKind::Card => card_digits(text)?,
        _ if kind.is_prose() => without_invisible(text),
        _ => match text.chars().find(|&c| is_invisible(c)) {
            Some(c) => return Err(TextLimitError::Invisible(c)),
            // "Nguyễn Văn An" with a no-break space copied from a document is the same name
            // as with an ordinary one, and must be stored so to be found and sorted as one.
            None if text.chars().any(is_unusual_space) => Cow::Owned(
                text.chars()
                    .map(|c| if is_unusual_space(c) { ' ' } else { c })
                    .collect(),
            ),
            None => Cow::Borrowed(text),
        },
    };
    within(kind, &text)?;
    Ok(text)
}

/// What the store holds a text to before writing it: the limit of `kind`, and for a name,
/// code or card the characters it may hold. Prose is not refused for an invisible character
/// here — the minutes a person typed are never lost at the last step; the import and the
/// forms remove them on the way in.
pub fn check_stored(kind: TextKind, text: &str) -> Result<(), TextLimitError> {
    if kind.is_prose() {
        return within(kind, text);
    }
    match limited(kind, text)? {
        Cow::Borrowed(_) => Ok(()),
        Cow::Owned(_) if kind == TextKind::Card => Err(TextLimitError::NotDigits),
        Cow::Owned(_) => {
            let space = text.chars().find(|&c| is_unusual_space(c)).unwrap_or(' ');
            Err(TextLimitError::UnusualSpace(space))
        }
    }
}

/// A space that is not the ordinary one: the no-break spaces, the typographic spaces of
/// U+2000–U+200A, the ideographic space.
fn is_unusual_space(c: char) -> bool {
    matches!(
        c,
        '\u{A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

fn within(kind: TextKind, text: &str) -> Result<(), TextLimitError> {
    let max = kind.max_chars();
    // Bytes bound characters from above: most texts are decided without counting.
    if text.len() <= max {
        return Ok(());
    }
    let found = text.chars().count();
    if found > max {
        return Err(TextLimitError::TooLong { max, found });
    }
    Ok(())
}

fn without_invisible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_invisible) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().filter(|&c| !is_invisible(c)).collect())
}

/// A card number as ASCII digits: full-width digits (U+FF10..U+FF19) converted, anything
/// else refused.
fn card_digits(text: &str) -> Result<Cow<'_, str>, TextLimitError> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Cow::Borrowed(text));
    }
    text.chars()
        .map(|c| match c {
            '0'..='9' => Ok(c),
            '\u{FF10}'..='\u{FF19}' => Ok(char::from(b'0' + (u32::from(c) - 0xFF10) as u8)),
            _ => Err(TextLimitError::NotDigits),
        })
        .collect::<Result<String, _>>()
        .map(Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;

    #[test]
    fn each_kind_refuses_one_character_past_its_limit() {
        for kind in TextKind::ALL {
            let max = kind.max_chars();
            let fill = if kind == TextKind::Card { "4" } else { "ễ" };
            assert!(limited(kind, &fill.repeat(max)).is_ok(), "{kind:?}");
            assert_eq!(
                limited(kind, &fill.repeat(max + 1)),
                Err(TextLimitError::TooLong {
                    max,
                    found: max + 1
                }),
                "{kind:?}"
            );
        }
        assert_eq!(TextKind::PersonName.max_chars(), 100);
        assert_eq!(TextKind::Section.max_chars(), 100_000);
        let sections = crate::domain::minutes::Section::ALL.len();
        assert!(
            sections * TextKind::Section.max_chars() < TextKind::Minutes.max_chars(),
            "minutes of full sections fit the whole, so an export imports again"
        );
    }

    #[test]
    fn names_and_codes_refuse_invisible_characters_and_prose_loses_them() {
        for c in [
            '\u{200B}',
            '\u{200D}',
            '\u{200E}',
            '\u{2066}',
            '\u{FEFF}',
            '\u{E000}',
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{FDD0}',
            '\u{10FFFD}',
            '\u{AD}',
        ] {
            let name = format!("Nguyễn{c} Văn An");
            for kind in [TextKind::PersonName, TextKind::OrgName, TextKind::Code] {
                assert_eq!(
                    limited(kind, &name),
                    Err(TextLimitError::Invisible(c)),
                    "{kind:?} {c:?}"
                );
            }
            assert_eq!(limited(TextKind::Minutes, &name).unwrap(), "Nguyễn Văn An");
            assert_eq!(limited(TextKind::Place, &name).unwrap(), "Nguyễn Văn An");
        }
        assert!(matches!(
            limited(TextKind::Topic, "Hồng Gai"),
            Ok(Cow::Borrowed(_))
        ));
        assert!(!is_invisible('ễ') && !is_invisible('đ') && !is_invisible(' '));
    }

    #[test]
    fn cards_are_ascii_digits_and_full_width_digits_are_converted() {
        assert_eq!(limited(TextKind::Card, "48123456").unwrap(), "48123456");
        assert_eq!(
            limited(TextKind::Card, "４８１２３４５６").unwrap(),
            "48123456"
        );
        for bad in ["4812-3456", "A123", "٤٨١٢", "48 12"] {
            assert_eq!(
                limited(TextKind::Card, bad),
                Err(TextLimitError::NotDigits),
                "{bad}"
            );
        }
        assert_eq!(
            check_stored(TextKind::Card, "４８"),
            Err(TextLimitError::NotDigits)
        );
        assert_eq!(check_stored(TextKind::Card, "48"), Ok(()));
    }

    #[test]
    fn the_store_checks_lengths_and_keys_but_keeps_prose_as_typed() {
        assert_eq!(check_stored(TextKind::Minutes, "a\u{E000}b"), Ok(()));
        assert!(check_stored(TextKind::PersonName, "a\u{200B}b").is_err());
        // A blank-drawing filler and a line separator are no more a name's than a zero width.
        assert!(check_stored(TextKind::PersonName, "An\u{3164}").is_err());
        assert!(check_stored(TextKind::PersonName, "Nguyễn\u{2028}An").is_err());
        // A no-break space is made ordinary on the way in, and refused at the store.
        assert_eq!(
            limited(TextKind::PersonName, "Nguyễn\u{A0}An").unwrap(),
            "Nguyễn An"
        );
        assert_eq!(
            check_stored(TextKind::PersonName, "Nguyễn\u{A0}An"),
            Err(TextLimitError::UnusualSpace('\u{A0}'))
        );
        assert!(check_stored(TextKind::Place, &"x".repeat(301)).is_err());
    }

    #[test]
    fn refusals_are_worded_in_both_languages() {
        let long = TextLimitError::TooLong {
            max: 100,
            found: 120,
        };
        assert_eq!(long.message(Lang::Vi), "dài quá 100 ký tự (có 120)");
        assert_eq!(
            long.message(Lang::En),
            "is longer than 100 characters (120 given)"
        );
        assert_eq!(
            TextLimitError::Invisible('\u{200B}').message(Lang::En),
            "holds the invisible or private-use character U+200B"
        );
    }
}
