//! The minutes as Markdown (CommonMark with GitHub's tables): the two-column header and the
//! signatures as tables, the title as the one `#` heading, each section as a `##` heading
//! (the same line that starts it in the stored minutes).
//!
//! Stored text is text, never markup: every character Markdown gives a meaning inside a line
//! (`*`, `_`, `` ` ``, `[`, `<`, `&`, `|` …) is escaped with a backslash, and so is whatever
//! would turn a line into a heading, a quote, a rule or a code block. A list line (`- …`,
//! `1. …`) stays a list, as the person who wrote it meant. Each written line is a paragraph
//! of its own, so that line breaks survive and no line can underline the one above it into
//! a heading.

use super::{Block, DRAFT, Document, PARTY, Part, SIGN_HERE, Signature};

pub(super) fn write(doc: &Document) -> String {
    let mut md = String::new();
    if doc.draft {
        paragraph(&mut md, &format!("**{DRAFT}**"));
    }
    header(&mut md, doc);
    paragraph(&mut md, &format!("# {}", escape_inline(&doc.title)));
    for line in &doc.subtitle {
        paragraph(&mut md, &format!("**{}**", escape_inline(line)));
    }
    for part in doc.sections.iter().chain(&doc.amendments) {
        self::part(&mut md, part);
    }
    signatures(&mut md, &doc.signatures);
    md
}

/// One paragraph, followed by the blank line that ends it.
fn paragraph(md: &mut String, text: &str) {
    md.push_str(text);
    md.push_str("\n\n");
}

/// A table of two centred columns whose first row is its header row.
fn table(md: &mut String, rows: &[[String; 2]]) {
    for (i, [left, right]) in rows.iter().enumerate() {
        md.push_str(&format!("| {left} | {right} |\n"));
        if i == 0 {
            md.push_str("| :---: | :---: |\n");
        }
    }
    md.push('\n');
}

/// Left: the organisation above, the issuer in bold, the star under it. Right: the Party,
/// then the place and date in italics.
fn header(md: &mut String, doc: &Document) {
    let h = &doc.header;
    let mut left: Vec<String> = h.above.iter().map(|a| escape_inline(a)).collect();
    left.push(format!("**{}**", escape_inline(&h.issuer)));
    left.push("\\*".to_string());
    let right = [
        format!("**{PARTY}**"),
        format!("*{}*", escape_inline(&h.place_date)),
    ];
    let rows: Vec<[String; 2]> = (0..left.len().max(right.len()))
        .map(|i| {
            [
                left.get(i).cloned().unwrap_or_default(),
                right.get(i).cloned().unwrap_or_default(),
            ]
        })
        .collect();
    table(md, &rows);
}

fn part(md: &mut String, part: &Part) {
    paragraph(md, &format!("## {}", escape_inline(&part.heading)));
    let mut in_list = false;
    for block in &part.blocks {
        // A list ends with a blank line, so that what follows is not one of its items.
        let item = matches!(block, Block::Item(_));
        if in_list && !item {
            md.push('\n');
        }
        match block {
            Block::Line(line) => paragraph(md, &escape_line(line)),
            Block::Label(label) => paragraph(md, &format!("**{}**", escape_inline(label))),
            Block::Item(text) => md.push_str(&format!("- {}\n", escape_inline(text))),
        }
        in_list = item;
    }
    if in_list {
        md.push('\n');
    }
}

fn signatures(md: &mut String, signatures: &[Signature; 2]) {
    let cell = |f: &dyn Fn(&Signature) -> String| [f(&signatures[0]), f(&signatures[1])];
    let rows = [
        cell(&|s| format!("**{}**", s.role)),
        cell(&|_| format!("*{SIGN_HERE}*")),
        cell(&|s| match &s.name {
            Some(name) => format!("**{}**", escape_inline(name)),
            None => super::BLANK.repeat(2),
        }),
    ];
    table(md, &rows);
}

/// Characters that mean something anywhere in a line of Markdown (GitHub's included).
fn is_inline_markup(c: char) -> bool {
    matches!(
        c,
        '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~'
    )
}

/// Text inside a line: every character with an inline meaning escaped.
fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_inline_markup(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A written line as a paragraph of its own. Leading spaces go (four would make a code
/// block); a line that would open a heading, or be a rule or a heading's underline, has its
/// first character escaped (a quote or a fence starts with a character escaped anywhere).
/// List markers are left alone.
fn escape_line(line: &str) -> String {
    let line = line.trim_start();
    let escaped = escape_inline(line);
    let rule = line.chars().filter(|c| !c.is_whitespace()).count() >= 3
        && line.chars().all(|c| matches!(c, '-' | '=' | ' ' | '\t'));
    if line.starts_with('#') || rule {
        format!("\\{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_written_text_stays_text() {
        assert_eq!(
            escape_line("# không phải tiêu đề"),
            "\\# không phải tiêu đề"
        );
        assert_eq!(escape_line("    mã lệnh"), "mã lệnh");
        assert_eq!(escape_line("> trích"), "\\> trích");
        assert_eq!(escape_line("---"), "\\---");
        assert_eq!(escape_line("= = ="), "\\= = =");
        assert_eq!(escape_line("```rust"), "\\`\\`\\`rust");
        assert_eq!(escape_line("~~~"), "\\~\\~\\~");
        assert_eq!(
            escape_line("*đậm* _nghiêng_ [liên kết](x) <b>&amp; | a\\b"),
            "\\*đậm\\* \\_nghiêng\\_ \\[liên kết\\](x) \\<b\\>\\&amp; \\| a\\\\b"
        );
        // What the writer meant as a list stays one; an ordinary dash does not change.
        assert_eq!(
            escape_line("- Ai: Lan — Việc: thu đảng phí"),
            "- Ai: Lan — Việc: thu đảng phí"
        );
        assert_eq!(escape_line("Nghị quyết 57-NQ/TW"), "Nghị quyết 57-NQ/TW");
    }
}
