//! The minutes as a Word file (.docx, Office Open XML) with `docx-rs`: an A4 page with the
//! margins and the font of Party documents (Guidance 36-HD/VPTW: top and bottom 20 mm, left
//! 30 mm, right 15 mm; Times New Roman, the body in 14 pt), the two-column header and the
//! signatures as tables without borders.
//!
//! Text goes into runs as text: `docx-rs` escapes it for XML, and the layout has already
//! turned every control character (which XML 1.0 cannot carry at all) into U+FFFD.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, LineSpacing, LineSpacingType, PageMargin, Paragraph, Run, RunFonts,
    SpecialIndentType, Table, TableCell, TableLayoutType, TableRow, WidthType,
};

use super::{BLANK, Block, DRAFT, Document, PARTY, Part, SIGN_HERE, Signature};

/// A4 in twentieths of a point.
pub(super) const A4: (u32, u32) = (11_906, 16_838);
/// Millimetres in twentieths of a point.
const fn mm(n: i32) -> i32 {
    n * 1440 * 10 / 254
}
const MARGIN_TOP: i32 = mm(20);
const MARGIN_BOTTOM: i32 = mm(20);
const MARGIN_LEFT: i32 = mm(30);
const MARGIN_RIGHT: i32 = mm(15);
/// The width the text runs in, split between the two columns of the header and signatures.
const TEXT_WIDTH: usize = (A4.0 as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;
const FONT: &str = "Times New Roman";
/// Font sizes in half-points. The organisations on the left are a point smaller than the
/// body, so that a ward's name ("ĐẢNG BỘ PHƯỜNG HỒNG GAI") fits on one line of its column.
const BODY: usize = 28;
const ORGANISATIONS: usize = 26;
const TITLE: usize = 32;
const PARTY_SIZE: usize = 30;
/// The first line of a body paragraph is indented 1 cm, as official documents are.
const INDENT: i32 = mm(10);

/// The document packed as a .docx file.
pub(super) fn write(doc: &Document) -> std::io::Result<Vec<u8>> {
    let mut docx = Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT),
        )
        .default_fonts(
            RunFonts::new()
                .ascii(FONT)
                .hi_ansi(FONT)
                .cs(FONT)
                .east_asia(FONT),
        )
        .default_size(BODY)
        .default_line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Auto)
                .line(264)
                .after(60),
        );
    if doc.draft {
        docx = docx.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Right)
                .add_run(run(DRAFT).bold()),
        );
    }
    docx = docx.add_table(header(doc));
    docx = docx.add_paragraph(Paragraph::new());
    docx = docx.add_paragraph(centred(run(&doc.title).bold().size(TITLE)));
    for line in &doc.subtitle {
        docx = docx.add_paragraph(centred(run(line).bold()));
    }
    for part in doc.sections.iter().chain(&doc.amendments) {
        for paragraph in self::part(part) {
            docx = docx.add_paragraph(paragraph);
        }
    }
    docx = docx.add_paragraph(Paragraph::new());
    docx = docx.add_table(signatures(&doc.signatures));
    let mut bytes = Cursor::new(Vec::new());
    docx.build()
        .pack(&mut bytes)
        .map_err(std::io::Error::other)?;
    Ok(bytes.into_inner())
}

/// A run of `text` with what XML 1.0 cannot carry left out (control characters other than
/// tab and line ends, U+FFFE, U+FFFF): one such character in old minutes would make a
/// document no word processor opens.
fn run(text: impl AsRef<str>) -> Run {
    Run::new().add_text(xml_text(text.as_ref()))
}

fn xml_text(text: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || !(c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}'))
    };
    match text.chars().all(allowed) {
        true => std::borrow::Cow::Borrowed(text),
        false => std::borrow::Cow::Owned(text.chars().filter(|c| allowed(*c)).collect()),
    }
}

fn centred(run: Run) -> Paragraph {
    Paragraph::new().align(AlignmentType::Center).add_run(run)
}

/// A borderless table of two columns, `left` twips wide on the left, the rest on the right.
fn two_columns(left: usize, cells: [Vec<Paragraph>; 2]) -> Table {
    let widths = [left, TEXT_WIDTH - left];
    let cells = cells
        .into_iter()
        .zip(widths)
        .map(|(paragraphs, width)| {
            paragraphs
                .into_iter()
                .fold(TableCell::new().width(width, WidthType::Dxa), |cell, p| {
                    cell.add_paragraph(p)
                })
        })
        .collect();
    Table::without_borders(vec![TableRow::new(cells)])
        .set_grid(widths.to_vec())
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// Left: the organisation above, the issuer in bold, a star. Right: the Party, underlined by
/// a rule as long as its name, and the place and date in italics.
fn header(doc: &Document) -> Table {
    let h = &doc.header;
    let mut left: Vec<Paragraph> = h
        .above
        .iter()
        .map(|above| centred(run(above).size(ORGANISATIONS)))
        .collect();
    left.push(centred(run(&h.issuer).bold().size(ORGANISATIONS)));
    left.push(centred(run("*")));
    let right = vec![
        centred(
            Run::new()
                .add_text(PARTY)
                .bold()
                .size(PARTY_SIZE)
                .underline("single"),
        ),
        centred(run(&h.place_date).italic()),
    ];
    two_columns(TEXT_WIDTH / 2, [left, right])
}

fn part(part: &Part) -> Vec<Paragraph> {
    let heading = Paragraph::new()
        .keep_next(true)
        .line_spacing(LineSpacing::new().before(120).after(60))
        .add_run(run(&part.heading).bold());
    let body = part.blocks.iter().map(|block| match block {
        Block::Line(line) => Paragraph::new()
            .align(AlignmentType::Both)
            .indent(None, Some(SpecialIndentType::FirstLine(INDENT)), None, None)
            .add_run(run(line)),
        Block::Label(label) => Paragraph::new()
            .keep_next(true)
            .indent(None, Some(SpecialIndentType::FirstLine(INDENT)), None, None)
            .add_run(run(label).bold()),
        Block::Item(item) => Paragraph::new()
            .align(AlignmentType::Both)
            .indent(
                Some(INDENT + mm(5)),
                Some(SpecialIndentType::Hanging(mm(5))),
                None,
                None,
            )
            .add_run(run(format!("–\u{00A0}{item}"))),
    });
    std::iter::once(heading).chain(body).collect()
}

/// Each block: the role in bold, "(Ký, ghi rõ họ tên)", room to sign, then the name — or a
/// dotted line for it while the minutes are a draft.
fn signatures(signatures: &[Signature; 2]) -> Table {
    let block = |s: &Signature| {
        let name = match &s.name {
            Some(name) => run(name).bold(),
            None => run(BLANK.repeat(2)),
        };
        let mut paragraphs = vec![
            centred(run(s.role).bold()),
            centred(run(SIGN_HERE).italic()),
        ];
        paragraphs.extend((0..3).map(|_| Paragraph::new()));
        paragraphs.push(centred(name));
        paragraphs
    };
    two_columns(
        TEXT_WIDTH / 2,
        [block(&signatures[0]), block(&signatures[1])],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_xml_cannot_carry_is_left_out() {
        assert_eq!(
            xml_text("Biên\u{FFFE} bản\u{1}\u{FFFF}\ttháng"),
            "Biên bản\ttháng"
        );
        assert!(matches!(xml_text("Chi bộ"), std::borrow::Cow::Borrowed(_)));
    }
}
