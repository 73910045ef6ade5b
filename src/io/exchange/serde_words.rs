//! serde_json's own words for a line it cannot read, in Vietnamese.
//!
//! serde_json 1 says what went wrong in English, in a fixed set of phrases (its
//! `ErrorCode` and serde's `invalid type: …, expected …`). A Vietnamese user is told the
//! same in Vietnamese; the values quoted from the line stay as they were. A phrase not
//! known here is left in English rather than guessed at.

use std::borrow::Cow;

/// `detail` (serde_json's words, without " at line …") in Vietnamese.
pub fn vietnamese(detail: &str) -> Cow<'_, str> {
    if let Some(words) = SYNTAX
        .iter()
        .find(|(en, _)| *en == detail)
        .map(|(_, vi)| *vi)
    {
        return Cow::Borrowed(words);
    }
    let data = [
        ("invalid type: ", "sai kiểu: "),
        ("invalid value: ", "giá trị không hợp lệ: "),
    ];
    for (en, vi) in data {
        if let Some(rest) = detail.strip_prefix(en) {
            return Cow::Owned(format!("{vi}{}", found_and_expected(rest)));
        }
    }
    if let Some(rest) = detail.strip_prefix("missing field ") {
        return Cow::Owned(format!("thiếu trường {rest}"));
    }
    if let Some(rest) = detail.strip_prefix("unknown variant ") {
        return Cow::Owned(format!(
            "giá trị không hợp lệ {}",
            rest.replace(", expected one of ", "; chỉ nhận ")
                .replace(", expected ", "; cần ")
        ));
    }
    if let Some(rest) = detail.strip_prefix("invalid length ") {
        return Cow::Owned(format!("độ dài sai {}", found_and_expected(rest)));
    }
    Cow::Borrowed(detail)
}

/// serde_json's syntax errors, whole.
const SYNTAX: &[(&str, &str)] = &[
    (
        "EOF while parsing a list",
        "dòng hết giữa một danh sách [ … ]",
    ),
    (
        "EOF while parsing an object",
        "dòng hết giữa một đối tượng { … }",
    ),
    (
        "EOF while parsing a string",
        "dòng hết giữa một chuỗi \"…\"",
    ),
    (
        "EOF while parsing a value",
        "dòng hết khi còn chờ một giá trị",
    ),
    ("expected `:`", "thiếu dấu `:` sau tên trường"),
    ("expected `,` or `]`", "thiếu dấu `,` hoặc `]`"),
    ("expected `,` or `}`", "thiếu dấu `,` hoặc `}`"),
    (
        "expected ident",
        "từ không hợp lệ (chỉ có true, false, null)",
    ),
    ("expected value", "thiếu một giá trị"),
    ("invalid escape", "chuỗi thoát `\\` không hợp lệ"),
    ("invalid number", "số không hợp lệ"),
    ("number out of range", "số vượt giới hạn"),
    ("invalid unicode code point", "mã Unicode không hợp lệ"),
    (
        "control character (\\u0000-\\u001F) found while parsing a string",
        "ký tự điều khiển (\\u0000-\\u001F) trong một chuỗi",
    ),
    ("key must be a string", "tên trường phải là một chuỗi"),
    (
        "lone leading surrogate in hex escape",
        "nửa cặp thay thế đứng một mình trong `\\u`",
    ),
    ("trailing comma", "dấu phẩy thừa ở cuối"),
    ("trailing characters", "còn ký tự thừa sau đối tượng"),
    ("unexpected end of hex escape", "chuỗi thoát `\\u` bị cắt"),
    ("recursion limit exceeded", "lồng nhau quá sâu"),
];

/// "string \"x\", expected a date": what was found, then what was wanted, in Vietnamese.
fn found_and_expected(rest: &str) -> String {
    let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let found = UNEXPECTED
        .iter()
        .find_map(|(en, vi)| found.strip_prefix(en).map(|value| format!("{vi}{value}")))
        .unwrap_or_else(|| found.to_string());
    match expected {
        "" => found,
        _ => format!("{found}, cần {}", expected_words(expected)),
    }
}

/// serde's `Unexpected` as it prints, by its start.
const UNEXPECTED: &[(&str, &str)] = &[
    ("boolean", "giá trị đúng/sai"),
    ("integer", "số nguyên"),
    ("floating point", "số thập phân"),
    ("character", "ký tự"),
    ("string", "chuỗi"),
    ("byte array", "dãy byte"),
    ("unit value", "giá trị rỗng"),
    ("null", "null"),
    ("sequence", "danh sách"),
    ("map", "đối tượng"),
];

/// What chibo's fields expect, as serde prints it.
fn expected_words(expected: &str) -> Cow<'_, str> {
    let known = [
        ("a string", "một chuỗi"),
        ("a boolean", "true hoặc false"),
        ("a sequence", "một danh sách"),
        ("a map", "một đối tượng"),
        (
            "an object of party card → text",
            "một đối tượng số thẻ → văn bản",
        ),
        ("a list of party cards", "một danh sách số thẻ"),
    ];
    if let Some((_, vi)) = known.iter().find(|(en, _)| *en == expected) {
        return Cow::Borrowed(vi);
    }
    let integer = [
        "u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64",
    ];
    if integer.contains(&expected) || expected.starts_with("integer") {
        return Cow::Borrowed("một số nguyên");
    }
    if expected == "f32" || expected == "f64" {
        return Cow::Borrowed("một số");
    }
    if expected.starts_with("struct ") || expected.starts_with("a map") {
        return Cow::Borrowed("một đối tượng");
    }
    if let Some(n) = expected.strip_suffix(" elements") {
        return Cow::Owned(format!("{n} phần tử"));
    }
    Cow::Borrowed(expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde_json's own message for `json` read as `T`, without its position.
    fn said<T: serde::de::DeserializeOwned>(json: &str) -> String {
        let e = serde_json::from_str::<T>(json).err().unwrap().to_string();
        e.rsplit_once(" at line ")
            .map_or(e.clone(), |(d, _)| d.to_string())
    }

    #[test]
    fn serde_json_phrases_are_known() {
        // If serde_json changes its words, this says so rather than English slipping back.
        use serde_json::Value;
        for json in [
            "[1, 2",
            "{\"a\": 1",
            "\"abc",
            "",
            "{\"a\" 1}",
            "[1 2]",
            "{\"a\":1 \"b\":2}",
        ] {
            let detail = said::<Value>(json);
            assert_ne!(vietnamese(&detail), detail, "{json:?} → {detail}");
        }
        for json in ["tru", "[1,]", "{\"a\":1} x", "\"\\q\"", "-", "{1:2}"] {
            let detail = said::<Value>(json);
            assert_ne!(vietnamese(&detail), detail, "{json:?} → {detail}");
        }
    }

    #[test]
    fn a_wrong_type_keeps_the_value_and_says_what_was_wanted() {
        let detail = said::<u32>("\"12a\"");
        assert_eq!(detail, r#"invalid type: string "12a", expected u32"#);
        assert_eq!(
            vietnamese(&detail),
            r#"sai kiểu: chuỗi "12a", cần một số nguyên"#
        );
        let detail = said::<String>("5");
        assert_eq!(
            vietnamese(&detail),
            "sai kiểu: số nguyên `5`, cần một chuỗi"
        );
        let detail = said::<Vec<String>>("{}");
        assert_eq!(
            vietnamese(&detail),
            "sai kiểu: đối tượng, cần một danh sách"
        );
    }

    #[test]
    fn an_unknown_phrase_is_left_as_it_is() {
        assert_eq!(vietnamese("something new"), "something new");
    }
}
