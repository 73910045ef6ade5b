//! Text on its way into terminal cells: sanitised (names and codes come from files and
//! other people), measured in columns, cut to fit with an ellipsis.

use std::borrow::Cow;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::domain::text::sanitize;

/// Untrusted text made safe for a cell: controls and bidi overrides never reach the screen.
pub fn safe(text: &str) -> Cow<'_, str> {
    sanitize(text)
}

/// Columns `text` takes on screen.
pub fn width(text: &str) -> usize {
    Span::raw(text).width()
}

fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    width(c.encode_utf8(&mut buf))
}

/// `text` cut to at most `max` columns, ending in `…` when something was cut.
pub fn fit(text: &str, max: usize) -> Cow<'_, str> {
    if width(text) <= max {
        return Cow::Borrowed(text);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// `text` cut to `max` columns from the left, keeping its end (for breadcrumbs).
pub fn fit_left(text: &str, max: usize) -> Cow<'_, str> {
    if width(text) <= max {
        return Cow::Borrowed(text);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = char_width(c);
        if used + w > max - 1 {
            break;
        }
        kept.push(c);
        used += w;
    }
    Cow::Owned(std::iter::once('…').chain(kept.into_iter().rev()).collect())
}

/// `text` fitted to exactly `cols` columns: cut, or padded with spaces on the right.
pub fn pad(text: &str, cols: usize) -> String {
    let fitted = fit(text, cols);
    let fill = cols.saturating_sub(width(&fitted));
    format!("{fitted}{}", " ".repeat(fill))
}

/// `text` fitted to exactly `cols` columns, aligned right.
pub fn pad_left(text: &str, cols: usize) -> String {
    let fitted = fit(text, cols);
    let fill = cols.saturating_sub(width(&fitted));
    format!("{}{fitted}", " ".repeat(fill))
}

/// The words of `text`, each an item for [`flow`] in `style`.
pub fn styled_words(text: &str, style: Style) -> impl Iterator<Item = Vec<Span<'static>>> + '_ {
    text.split(' ')
        .filter(|w| !w.is_empty())
        .map(move |w| vec![Span::styled(w.to_string(), style)])
}

/// Items laid out left to right, `gap` spaces apart, wrapping to a new line when the next
/// does not fit; an item wider than a line is cut.
pub fn flow(items: Vec<Vec<Span<'static>>>, cols: usize, gap: usize) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut current: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for item in items {
        let item_width: usize = item.iter().map(|s| width(&s.content)).sum();
        if used > 0 && used + gap + item_width > cols {
            lines.push(Line::from(std::mem::take(&mut current)));
            used = 0;
        }
        if used > 0 {
            current.push(Span::raw(" ".repeat(gap)));
            used += gap;
        }
        if item_width > cols {
            let text: String = item.iter().map(|s| s.content.as_ref()).collect();
            let style = item.first().map_or(Style::new(), |s| s.style);
            current.push(Span::styled(fit(&text, cols).into_owned(), style));
            used += cols;
        } else {
            used += item_width;
            current.extend(item);
        }
    }
    if !current.is_empty() {
        lines.push(Line::from(current));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_counts_columns_not_bytes() {
        assert_eq!(
            fit("Đảng ủy phường Hồng Gai", 23),
            "Đảng ủy phường Hồng Gai"
        );
        assert_eq!(fit("Đảng ủy phường Hồng Gai", 10), "Đảng ủy p…");
        assert_eq!(fit_left("a › b › Chi bộ khu 2", 14), "… Chi bộ khu 2");
        assert_eq!(pad("Lê", 4), "Lê  ");
        assert_eq!(pad_left("92", 4), "  92");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn escape_sequences_never_reach_a_cell() {
        assert_eq!(safe("Lê\u{1b}[31m Lợi"), "Lê\u{FFFD}[31m Lợi");
    }
}
