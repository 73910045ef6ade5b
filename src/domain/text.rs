//! Vietnamese text: NFC normalisation, diacritic folding for search, collation keys for
//! ordered indexes, and a sanitiser for untrusted text on its way to a terminal.

use std::borrow::Cow;
use std::sync::LazyLock;

use icu_collator::options::{CollatorOptions, Strength};
use icu_collator::{CollatorBorrowed, CollatorPreferences};
use icu_locale_core::locale;
use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};

use super::lang::Lang;
use super::limits::TextKind;
use super::member::name_parts;

static VIETNAMESE: LazyLock<CollatorBorrowed<'static>> =
    LazyLock::new(|| vietnamese(CollatorOptions::default()));

/// The collation of roster keys: letters and tones (primary and secondary differences), not
/// case (tertiary), which names written alike never differ by. About a quarter shorter than the
/// full key, on a row for every member; members named alike follow in id order.
static VIETNAMESE_NAMES: LazyLock<CollatorBorrowed<'static>> = LazyLock::new(|| {
    let mut options = CollatorOptions::default();
    options.strength = Some(Strength::Secondary);
    vietnamese(options)
});

fn vietnamese(options: CollatorOptions) -> CollatorBorrowed<'static> {
    let prefs: CollatorPreferences = locale!("vi").into();
    CollatorBorrowed::try_new(prefs, options)
        .expect("the Vietnamese collation is compiled into icu_collator")
}

/// Separates the parts of a compound sort key. ICU4X sort keys never contain 0x00
/// (their level separator is 0x01), so 0x00 sorts a shorter part before a longer one.
const PART_SEPARATOR: u8 = 0;

/// Text as the store keeps it: Unicode NFC, so "ễ" typed as e + two marks equals "ễ".
pub fn nfc(text: &str) -> Cow<'_, str> {
    ComposingNormalizerBorrowed::new_nfc().normalize(text)
}

/// The one character Unicode composes `starter` and a following combining `mark` into
/// ("e" + U+0302 → "ê"), if there is one: how a mark typed after a letter joins it.
pub fn compose_pair(starter: char, mark: char) -> Option<char> {
    icu_normalizer::properties::CanonicalCompositionBorrowed::new().compose(starter, mark)
}

/// Lower-case ASCII-ish form used for search: tones and vowel marks removed, đ → d,
/// runs of whitespace collapsed. `Đặng Thị Hồng` → `dang thi hong`.
pub fn fold(text: &str) -> String {
    let decomposed = DecomposingNormalizerBorrowed::new_nfd().normalize(text);
    let mut out = String::with_capacity(decomposed.len());
    let mut pending_space = false;
    for c in decomposed.chars() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}')
}

/// The most word starts of one name the search index holds: every word of a name within its
/// limit (`domain::limits`: the longest, an organisation's name, has at most this many words),
/// and never more, so a name's rows grow with its length, not with its length squared.
pub const MAX_INDEXED_WORDS: usize = TextKind::OrgName.max_chars() / 2;

/// Every word-start suffix of a folded name: `nguyen van an` → [`nguyen van an`,
/// `van an`, `an`]. Indexing these lets a prefix scan find any part of a name. At most
/// [`MAX_INDEXED_WORDS`] of them, from the first word on.
pub fn folded_suffixes(folded: &str) -> Vec<&str> {
    std::iter::once(0)
        .chain(folded.match_indices(' ').map(|(i, _)| i + 1))
        .map(|start| &folded[start..])
        .filter(|s| !s.is_empty())
        .take(MAX_INDEXED_WORDS)
        .collect()
}

/// Vietnamese collation key (ICU, locale `vi`): byte order equals alphabetical order,
/// with D before Đ and A before Ă before Â.
pub fn collation_key(text: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(text.len() * 3);
    append_collation_key(text, &mut key);
    key
}

fn append_collation_key(text: &str, key: &mut Vec<u8>) {
    let Ok(()) = VIETNAMESE.write_sort_key_to(text, key);
}

/// Roster order key for a person: given name, then family name, then middle names, the way
/// Vietnamese member lists are sorted.
pub fn person_key(full_name: &str) -> Vec<u8> {
    let (family, middle, given) = name_parts(full_name);
    let mut key = Vec::with_capacity(full_name.len() * 3 + 2);
    for (i, part) in [given, family, middle].into_iter().enumerate() {
        if i > 0 {
            key.push(PART_SEPARATOR);
        }
        let Ok(()) = VIETNAMESE_NAMES.write_sort_key_to(part, &mut key);
    }
    key
}

/// Whether `text` holds a character that must never reach a terminal raw: C0/C1 controls
/// (escape sequences start with one) and bidirectional overrides that reorder a line.
pub fn has_unsafe_chars(text: &str) -> bool {
    text.chars().any(is_unsafe)
}

fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Untrusted text made safe for display: every control or bidi override becomes U+FFFD,
/// except tab and newline, which become a space (a list row is one line).
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !has_unsafe_chars(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => ' ',
                c if is_unsafe(c) => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// Text for an error message: safe like [`sanitize`] and quoted, so an unsafe character shows
/// as its escape (`\u{1b}`) instead of acting on the reader's terminal.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    push_escaped(text, &['"', '\\'], &mut out);
    out.push('"');
    out
}

/// A file's path for a message, its unsafe characters shown as escapes (as [`escaped`]):
/// a path is typed by whoever runs chibo, or comes from a file, and an escape sequence in it
/// must not reach the terminal.
pub fn path_shown(path: &std::path::Path) -> String {
    escaped(&path.to_string_lossy()).into_owned()
}

/// Text for a message where quotes would be in the way (a file's name before `:LINE:`): an
/// unsafe character shows as its escape (`\u{1b}`), as in [`quoted`], the rest as it is.
pub fn escaped(text: &str) -> Cow<'_, str> {
    if !has_unsafe_chars(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    push_escaped(text, &[], &mut out);
    Cow::Owned(out)
}

fn push_escaped(text: &str, also: &[char], out: &mut String) {
    for c in text.chars() {
        if is_unsafe(c) || also.contains(&c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
}

/// `value` with `places` decimals in `lang`'s way: "91,3" in Vietnamese, "91.3" in English.
pub fn decimal(lang: Lang, value: f64, places: usize) -> String {
    let text = format!("{value:.places$}");
    match lang {
        Lang::Vi => text.replace('.', ","),
        Lang::En => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_composes_decomposed_input() {
        let decomposed = "Nguye\u{0302}\u{0303}n";
        assert_eq!(nfc(decomposed), "Nguyễn");
    }

    #[test]
    fn a_mark_typed_after_a_letter_composes_with_it() {
        assert_eq!(compose_pair('e', '\u{0302}'), Some('ê'));
        assert_eq!(compose_pair('ê', '\u{0303}'), Some('ễ'));
        assert_eq!(compose_pair('x', '\u{0302}'), None);
        assert_eq!(compose_pair('a', 'b'), None);
    }

    #[test]
    fn fold_removes_marks_and_d_stroke() {
        assert_eq!(fold("Đặng"), "dang");
        assert_eq!(fold("  Nguyễn   Văn  Ánh "), "nguyen van anh");
        assert_eq!(fold("Hồng Gai"), "hong gai");
        assert_eq!(fold("ĐẢNG BỘ"), "dang bo");
    }

    #[test]
    fn a_name_has_a_bounded_number_of_index_rows() {
        let longest = "a ".repeat(TextKind::OrgName.max_chars() / 2);
        let rows = folded_suffixes(longest.trim_end());
        assert_eq!(
            rows.len(),
            MAX_INDEXED_WORDS,
            "every word of a name within its limit"
        );
        let hostile = "a ".repeat(20_000);
        assert_eq!(folded_suffixes(hostile.trim_end()).len(), MAX_INDEXED_WORDS);
    }

    #[test]
    fn suffixes_start_at_every_word() {
        assert_eq!(
            folded_suffixes("nguyen van an"),
            vec!["nguyen van an", "van an", "an"]
        );
        assert_eq!(folded_suffixes(""), Vec::<&str>::new());
    }

    #[test]
    fn collation_puts_d_before_d_stroke_and_a_breve_circumflex_in_order() {
        let mut names = vec!["Đào", "Dương", "Ân", "Ăn", "Anh", "Bình", "Đa"];
        names.sort_by_key(|n| collation_key(n));
        assert_eq!(names, vec!["Anh", "Ăn", "Ân", "Bình", "Dương", "Đa", "Đào"]);
        // Tones are secondary: "Ba" < "Bà" < "Bá" all before "Bo".
        assert!(collation_key("Ba") < collation_key("Bà"));
        assert!(collation_key("Bà") < collation_key("Bo"));
    }

    #[test]
    fn collation_does_not_depend_on_normalisation_form() {
        assert_eq!(
            collation_key("Nguye\u{0302}\u{0303}n"),
            collation_key("Nguyễn")
        );
    }

    #[test]
    fn person_key_sorts_by_given_then_family_then_middle() {
        let mut names = vec![
            "Trần Văn Bình",
            "Nguyễn Thị An",
            "Lê Bình",
            "Đỗ Văn An",
            "Nguyễn An",
        ];
        names.sort_by_key(|n| person_key(n));
        assert_eq!(
            names,
            vec![
                "Đỗ Văn An",
                "Nguyễn An",
                "Nguyễn Thị An",
                "Lê Bình",
                "Trần Văn Bình"
            ]
        );
    }

    #[test]
    fn sanitize_replaces_controls_and_bidi_overrides() {
        assert_eq!(sanitize("Lê\u{1b}[2J Lợi"), "Lê\u{FFFD}[2J Lợi");
        assert_eq!(sanitize("a\tb\nc"), "a b c");
        assert_eq!(sanitize("x\u{202E}y"), "x\u{FFFD}y");
        assert!(matches!(sanitize("Hồng Gai"), Cow::Borrowed(_)));
        assert_eq!(quoted("a\u{1b}b"), "\"a\\u{1b}b\"");
        assert_eq!(escaped("in\u{1b}[2J.jsonl"), "in\\u{1b}[2J.jsonl");
        assert!(matches!(escaped("Hồng Gai.jsonl"), Cow::Borrowed(_)));
    }
}
