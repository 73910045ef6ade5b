//! The fields a form is made of: one-line text with a cursor (dates are typed text, read
//! when the form is submitted), a choice cycled through its options, and fixed text shown
//! for reference. The cursor counts characters, never bytes, so Vietnamese typed through an
//! input method — one `char` per key, sometimes a base letter and then its marks — edits
//! like any other text.

use chrono::NaiveDate;
use ratatui::text::Span;

use super::Refusal;
use super::words;
use crate::domain::Lang;
use crate::domain::date::{DateParseError, in_range, parse_iso};
use crate::domain::edit::{EditError, clean_text};
use crate::domain::limits::TextKind;
use crate::domain::text::{fold, nfc};
use crate::ui::cells::{fit, safe, width};
use crate::ui::keymap::Action;
use crate::ui::screens::Ui;

/// One line of editable text and the cursor in it, counted in characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    cursor: usize,
}

impl TextInput {
    /// `text` with the cursor after its last character.
    pub fn new(text: &str) -> TextInput {
        TextInput {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map_or(self.text.len(), |(at, _)| at)
    }

    /// Types `c` at the cursor. A combining mark an input method sends after its base
    /// letter is composed with it at once (NFC), so the cursor never sits inside a letter.
    pub fn insert(&mut self, c: char) {
        let at = self.byte_at(self.cursor);
        let mut before = self.text[..at].to_string();
        before.push(c);
        let before = nfc(&before).into_owned();
        self.cursor = before.chars().count();
        self.text = before + &self.text[at..];
    }

    /// Backspace: the character before the cursor. `false` when there is none.
    pub fn delete_back(&mut self) -> bool {
        if self.cursor == 0 {
            return false;
        }
        self.cursor -= 1;
        let at = self.byte_at(self.cursor);
        self.text.remove(at);
        true
    }

    /// Delete: the character under the cursor. `false` at the end.
    pub fn delete_forward(&mut self) -> bool {
        if self.cursor >= self.len() {
            return false;
        }
        let at = self.byte_at(self.cursor);
        self.text.remove(at);
        true
    }

    pub fn left(&mut self) -> bool {
        self.move_to(self.cursor.saturating_sub(1))
    }

    pub fn right(&mut self) -> bool {
        self.move_to((self.cursor + 1).min(self.len()))
    }

    pub fn home(&mut self) -> bool {
        self.move_to(0)
    }

    pub fn end(&mut self) -> bool {
        self.move_to(self.len())
    }

    pub fn clear(&mut self) -> bool {
        let had_text = !self.text.is_empty();
        self.text.clear();
        self.cursor = 0;
        had_text
    }

    fn move_to(&mut self, cursor: usize) -> bool {
        let moved = cursor != self.cursor;
        self.cursor = cursor;
        moved
    }

    /// The part of the text that fits in `cols` columns with the cursor in view, and the
    /// cursor's column in it. Sanitised: a control character shows as one `�`.
    pub fn window(&self, cols: usize) -> (String, usize) {
        let shown: Vec<char> = safe(&self.text).chars().collect();
        let cols = cols.max(1);
        let columns = |chars: &[char]| width(&chars.iter().collect::<String>());
        // Scroll right just enough that the cursor's cell is inside the window.
        let mut start = 0;
        while start < self.cursor && columns(&shown[start..self.cursor]) >= cols {
            start += 1;
        }
        let cursor_column = columns(&shown[start..self.cursor]);
        let mut visible = String::new();
        let mut used = 0;
        for c in &shown[start..] {
            let w = width(&c.to_string());
            if used + w > cols {
                break;
            }
            visible.push(*c);
            used += w;
        }
        (visible, cursor_column)
    }
}

/// One option out of a list, shown in the user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    labels: Vec<String>,
    at: usize,
    /// What has been typed to find an option, folded: the options it starts a word of are
    /// the ones `←`/`→` go through.
    filter: String,
}

impl Choice {
    pub fn new(labels: Vec<String>, at: usize) -> Choice {
        let at = at.min(labels.len().saturating_sub(1));
        Choice {
            labels,
            at,
            filter: String::new(),
        }
    }

    pub fn at(&self) -> usize {
        self.at
    }

    pub fn label(&self) -> &str {
        self.labels.get(self.at).map_or("", String::as_str)
    }

    /// What has been typed to find an option.
    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// The next option (or the previous one for `step` −1) among those the filter finds
    /// (all of them when it finds none), in the order [`Choice::found`] gives, wrapping round.
    pub fn cycle(&mut self, step: isize) -> bool {
        let mut order = self.found();
        if order.is_empty() {
            order = (0..self.labels.len()).collect();
        }
        if order.len() < 2 && order.first() == Some(&self.at) {
            return false;
        }
        let here = order.iter().position(|&at| at == self.at);
        let next = match here {
            Some(i) => (i as isize + step).rem_euclid(order.len() as isize) as usize,
            None if step >= 0 => 0,
            None => order.len() - 1,
        };
        self.at = order[next];
        true
    }

    /// A character typed to find an option: the first option [`Choice::found`] gives for all
    /// that was typed, diacritics optional (`ngu` finds "Nguyễn Văn An"). Nothing found keeps
    /// the option shown.
    pub fn find(&mut self, c: char) -> bool {
        if c.is_whitespace() {
            // Folding alone would drop it: words are found one after the other.
            self.filter.push(' ');
            return true;
        }
        self.filter.push_str(&fold(&c.to_string()));
        self.refind()
    }

    /// The last character typed to find an option taken back.
    pub fn unfind(&mut self) -> bool {
        if self.filter.pop().is_none() {
            return false;
        }
        self.refind();
        true
    }

    /// Something was typed and no option has it.
    pub fn finds_nothing(&self) -> bool {
        !self.filter.trim().is_empty() && self.found().is_empty()
    }

    pub fn clear_filter(&mut self) -> bool {
        !std::mem::take(&mut self.filter).is_empty()
    }

    fn refind(&mut self) -> bool {
        match self.found().first() {
            Some(&at) => {
                self.at = at;
                true
            }
            None => false,
        }
    }

    /// The options whose name has, for each word typed, a word starting with it, in the
    /// order typed (`t hau` finds Trần Thị Hậu): first those whose last word starts with the
    /// last word typed — a Vietnamese is called by the given name, so `van` finds Nguyễn Thu
    /// Vân before every Văn in the middle of a name — then the others, each in list order.
    /// Nothing when nothing was typed.
    fn found(&self) -> Vec<usize> {
        let wanted: Vec<&str> = self.filter.split(' ').filter(|w| !w.is_empty()).collect();
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<(bool, usize)> = (0..self.labels.len())
            .filter_map(|at| self.words_found(at, &wanted).map(|given| (!given, at)))
            .collect();
        found.sort_unstable();
        found.into_iter().map(|(_, at)| at).collect()
    }

    /// Whether option `at` has the words `wanted` start, in order, and if so whether the
    /// last of them starts its last word.
    fn words_found(&self, at: usize, wanted: &[&str]) -> Option<bool> {
        // "(chưa phân công)" and the like stand for no one: never found by a name.
        if self.labels[at].starts_with('(') {
            return None;
        }
        let label = fold(&self.labels[at]);
        let words: Vec<&str> = label.split(' ').collect();
        let (last, before) = wanted.split_last()?;
        // The earliest place each word typed but the last can be found at, in order …
        let mut next = 0;
        for typed in before {
            next += words[next..].iter().position(|w| w.starts_with(typed))? + 1;
        }
        // … then the last one: at the given name if it can be, else anywhere after.
        let rest = &words[next..];
        match rest.last() {
            Some(given) if given.starts_with(last) => Some(true),
            _ => rest.iter().any(|w| w.starts_with(last)).then_some(false),
        }
    }
}

/// What a field holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text(TextInput),
    Choice(Choice),
    /// Shown for reference, never focused (a code that stays, the organisation acted on).
    Fixed(String),
}

/// A labelled field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: String,
    pub required: bool,
    pub input: Input,
    /// Shown dim in an empty text field: the form a date takes, say.
    pub placeholder: Option<String>,
    /// Shown under the form while the field has the cursor.
    pub hint: Option<String>,
}

impl Field {
    pub fn text(label: &str, value: &str) -> Field {
        Field {
            label: label.to_string(),
            required: false,
            input: Input::Text(TextInput::new(value)),
            placeholder: None,
            hint: None,
        }
    }

    /// A date typed as `YYYY-MM-DD` or `DD/MM/YYYY`, shown at first the user's way.
    pub fn date(label: &str, value: Option<NaiveDate>, lang: Lang) -> Field {
        let shown = value.map(|d| crate::ui::i18n::date(lang, d));
        Field {
            placeholder: Some(words::date_placeholder(lang).to_string()),
            hint: Some(words::date_hint(lang).to_string()),
            ..Field::text(label, shown.as_deref().unwrap_or(""))
        }
    }

    /// A choice among `labels`, `at` chosen; its hint names the keys that change it.
    pub fn choice(label: &str, labels: Vec<String>, at: usize) -> Field {
        Field {
            label: label.to_string(),
            required: false,
            input: Input::Choice(Choice::new(labels, at)),
            placeholder: None,
            hint: None,
        }
    }

    pub fn fixed(label: &str, value: &str) -> Field {
        Field {
            label: label.to_string(),
            required: false,
            input: Input::Fixed(value.to_string()),
            placeholder: None,
            hint: None,
        }
    }

    pub fn required(self) -> Field {
        Field {
            required: true,
            ..self
        }
    }

    pub fn with_hint(self, hint: String) -> Field {
        Field {
            hint: Some(hint),
            ..self
        }
    }

    /// Whether the cursor may land here.
    pub fn editable(&self) -> bool {
        !matches!(self.input, Input::Fixed(_))
    }

    /// An editing key: moves the cursor or deletes in text, changes a choice. `false` when
    /// it changed nothing.
    pub fn apply(&mut self, action: Action) -> bool {
        match &mut self.input {
            Input::Text(input) => match action {
                Action::CursorLeft => input.left(),
                Action::CursorRight => input.right(),
                Action::LineStart => input.home(),
                Action::LineEnd => input.end(),
                Action::DeleteBack => input.delete_back(),
                Action::DeleteForward => input.delete_forward(),
                Action::ClearQuery => input.clear(),
                _ => false,
            },
            Input::Choice(choice) => match action {
                Action::CursorLeft => choice.cycle(-1),
                Action::CursorRight => choice.cycle(1),
                Action::DeleteBack => choice.unfind(),
                Action::ClearQuery => choice.clear_filter(),
                _ => false,
            },
            Input::Fixed(_) => false,
        }
    }

    /// A typed character: text at the cursor; Space changes a choice. Anything is taken
    /// into text, a control character too — shown as `�` and refused when the form is
    /// submitted, so the user sees what is wrong.
    pub fn type_char(&mut self, c: char) -> bool {
        match &mut self.input {
            Input::Text(input) => {
                input.insert(c);
                true
            }
            // Space goes to the next option until something is typed to find one.
            Input::Choice(choice) if c == ' ' && choice.filter().is_empty() => choice.cycle(1),
            Input::Choice(choice) => choice.find(c),
            _ => false,
        }
    }

    /// The value as spans for a value column of `cols`, and the cursor's column when the
    /// field has the cursor and takes text.
    pub fn value_spans(
        &self,
        cols: usize,
        focused: bool,
        ui: &Ui<'_>,
    ) -> (Vec<Span<'static>>, Option<usize>) {
        match &self.input {
            Input::Text(input) if input.text().is_empty() && !focused => {
                let placeholder = self.placeholder.clone().unwrap_or_default();
                (vec![Span::styled(placeholder, ui.theme.dim())], None)
            }
            // Away from the cursor a text reads from its start, as it will be read back.
            Input::Text(input) if !focused => {
                let shown = fit(&safe(input.text()), cols).into_owned();
                (vec![Span::raw(shown)], None)
            }
            Input::Text(input) => {
                let (shown, cursor) = input.window(cols);
                (vec![Span::raw(shown)], Some(cursor))
            }
            Input::Choice(choice) if focused => {
                let label = safe(choice.label()).into_owned();
                let mut spans = vec![
                    Span::styled("◂ ", ui.theme.key()),
                    Span::styled(label, ui.theme.selected(true)),
                    Span::styled(" ▸", ui.theme.key()),
                ];
                if !choice.filter().is_empty() {
                    let typed = format!("  ⌕ {}", safe(choice.filter()));
                    spans.push(Span::styled(typed, ui.theme.dim()));
                }
                if choice.finds_nothing() {
                    let none = ui.lang.pick(" — không tìm thấy", " — nothing found");
                    spans.push(Span::styled(none, ui.theme.bad()));
                }
                (spans, None)
            }
            Input::Choice(choice) => (vec![Span::raw(safe(choice.label()).into_owned())], None),
            Input::Fixed(text) => (
                vec![Span::styled(safe(text).into_owned(), ui.theme.label())],
                None,
            ),
        }
    }
}

/// The fields of one form, read back by position when it is submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields(pub Vec<Field>);

impl Fields {
    pub fn get(&self, index: usize) -> &Field {
        &self.0[index]
    }

    pub fn get_mut(&mut self, index: usize) -> &mut Field {
        &mut self.0[index]
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The text typed in field `index` (empty for a field that takes no text).
    pub fn text(&self, index: usize) -> &str {
        match &self.get(index).input {
            Input::Text(input) => input.text(),
            _ => "",
        }
    }

    /// The position of the option chosen in field `index`.
    pub fn choice(&self, index: usize) -> usize {
        match &self.get(index).input {
            Input::Choice(choice) => choice.at(),
            _ => 0,
        }
    }

    /// Text that must be given: trimmed, NFC, without control characters, held to the
    /// limits of its `kind`.
    pub fn required_text(
        &self,
        index: usize,
        kind: TextKind,
        lang: Lang,
    ) -> Result<String, Refusal> {
        clean_text("", kind, self.text(index)).map_err(|e| self.text_refusal(index, &e, lang))
    }

    /// Text that may be left empty (then `None`), otherwise held to the same rules.
    pub fn optional_text(
        &self,
        index: usize,
        kind: TextKind,
        lang: Lang,
    ) -> Result<Option<String>, Refusal> {
        if self.text(index).trim().is_empty() {
            return Ok(None);
        }
        self.required_text(index, kind, lang).map(Some)
    }

    fn text_refusal(&self, index: usize, error: &EditError, lang: Lang) -> Refusal {
        let label = &self.get(index).label;
        let message = match error {
            EditError::Empty(_) => words::empty(lang, label),
            EditError::TextLimit(_, why) => format!("{label} {}", why.message(lang)),
            _ => words::unsafe_text(lang, label),
        };
        Refusal::at(index, message)
    }

    /// A date that may be left empty.
    pub fn optional_date(&self, index: usize, lang: Lang) -> Result<Option<NaiveDate>, Refusal> {
        let text = self.text(index).trim();
        if text.is_empty() {
            return Ok(None);
        }
        let label = &self.get(index).label;
        match parse_date(text) {
            Some(date) if in_range(date) => Ok(Some(date)),
            Some(_) => Err(Refusal::at(
                index,
                words::date_out_of_range(lang, label, text),
            )),
            None => Err(Refusal::at(index, words::bad_date(lang, label, text))),
        }
    }

    /// A date that must be given.
    pub fn required_date(&self, index: usize, lang: Lang) -> Result<NaiveDate, Refusal> {
        self.optional_date(index, lang)?
            .ok_or_else(|| Refusal::at(index, words::empty(lang, &self.get(index).label)))
    }

    /// A whole number in `range`, or `None` when left empty.
    pub fn optional_number(
        &self,
        index: usize,
        range: std::ops::RangeInclusive<u8>,
        lang: Lang,
    ) -> Result<Option<u8>, Refusal> {
        let text = self.text(index).trim();
        if text.is_empty() {
            return Ok(None);
        }
        match text.parse::<u8>() {
            Ok(n) if range.contains(&n) => Ok(Some(n)),
            _ => Err(Refusal::at(
                index,
                words::bad_number(lang, &self.get(index).label, text, range),
            )),
        }
    }
}

/// A date as people type it: `2026-11-07` (ISO), or day first the Vietnamese way,
/// `07/11/2026`, `7/11/2026`, `07.11.2026`, `07-11-2026`, always with the whole year.
/// `None` for anything else, an impossible day (`31/02/2026`) included. A real day outside
/// the range chibo accepts is read: the caller refuses it saying so.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    match parse_iso(text) {
        Ok(date) => return Some(date),
        Err(DateParseError::OutOfRange { .. }) => {
            return NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        }
        Err(_) => {}
    }
    let parts: Vec<&str> = text.split(['/', '.', '-']).collect();
    let [day, month, year] = parts.as_slice() else {
        return None;
    };
    let digits = |s: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(day, 1..=2) && digits(month, 1..=2) && digits(year, 4..=4)) {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_finds_an_option_by_the_start_of_a_word() {
        let names = [
            "—",
            "Nguyễn Văn An",
            "Lê Văn Dũng",
            "Phạm Ngọc Đường",
            "Đặng Thị Hồng",
        ];
        let mut choice = Choice::new(names.map(String::from).to_vec(), 0);
        assert!(choice.find('d'));
        assert_eq!(choice.label(), "Lê Văn Dũng");
        assert!(choice.find('u'));
        assert_eq!(choice.label(), "Lê Văn Dũng");
        // → goes through what was found: Đường, then round to Dũng.
        assert!(choice.cycle(1));
        assert_eq!(choice.label(), "Phạm Ngọc Đường");
        assert!(choice.cycle(1));
        assert_eq!(choice.label(), "Lê Văn Dũng");
        // Nothing found keeps the option shown.
        assert!(!choice.find('x'));
        assert_eq!(choice.label(), "Lê Văn Dũng");
        assert!(choice.unfind() && choice.unfind());
        assert_eq!(choice.filter(), "d");
        assert!(choice.find('a'));
        assert_eq!(choice.label(), "Đặng Thị Hồng");
        assert!(choice.clear_filter());
        assert!(choice.cycle(1));
        assert_eq!(choice.label(), "—");
        // Words one after the other; a placeholder in brackets is never found.
        let names = ["(chưa phân công)", "Trần Quang Cường", "Trần Hồng Hùng"];
        let mut choice = Choice::new(names.map(String::from).to_vec(), 0);
        for c in "tran h".chars() {
            choice.find(c);
        }
        assert_eq!(choice.label(), "Trần Hồng Hùng");
        assert!(choice.clear_filter());
        assert!(choice.find('c'));
        assert_eq!(choice.label(), "Trần Quang Cường");
    }

    #[test]
    fn a_given_name_is_found_first_and_words_are_found_in_the_order_typed() {
        let names = [
            "(không ai)",
            "Trần Văn Bình",
            "Nguyễn Thu Vân",
            "Trần Thị Hậu",
            "Bùi Thị Hậu",
        ];
        let mut choice = Choice::new(names.map(String::from).to_vec(), 0);
        let find = |choice: &mut Choice, text: &str| {
            choice.clear_filter();
            for c in text.chars() {
                choice.find(c);
            }
            choice.label().to_string()
        };
        // Văn is a middle name above; Vân the given name below comes first.
        assert_eq!(find(&mut choice, "van"), "Nguyễn Thu Vân");
        assert!(choice.cycle(1));
        assert_eq!(choice.label(), "Trần Văn Bình");
        // Words in order, not side by side: Trần … Hậu, not Bùi Thị Hậu.
        assert_eq!(find(&mut choice, "t hau"), "Trần Thị Hậu");
        assert_eq!(find(&mut choice, "b hau"), "Bùi Thị Hậu");
        assert!(!choice.finds_nothing());
        // Letters no name has keep the option shown, and say so.
        assert_eq!(find(&mut choice, "xyz"), "Bùi Thị Hậu");
        assert!(choice.finds_nothing());
    }

    fn typed(text: &str) -> TextInput {
        let mut input = TextInput::default();
        for c in text.chars() {
            input.insert(c);
        }
        input
    }

    #[test]
    fn the_cursor_counts_characters_so_vietnamese_edits_cleanly() {
        let mut input = typed("Nguyễn Văn");
        assert_eq!(input.cursor(), 10);
        input.home();
        input.right();
        input.right();
        input.right();
        input.right();
        input.right(); // after "Nguyễ"
        assert!(input.delete_back());
        assert_eq!(input.text(), "Nguyn Văn");
        input.insert('ễ');
        assert_eq!(input.text(), "Nguyễn Văn");
        assert!(input.delete_forward());
        assert_eq!(input.text(), "Nguyễ Văn");
        input.end();
        assert!(!input.delete_forward());
        input.insert('ă');
        assert_eq!(input.text(), "Nguyễ Vănă");
        assert!(input.clear());
        assert_eq!((input.text(), input.cursor()), ("", 0));
        assert!(!input.delete_back());
    }

    #[test]
    fn marks_sent_after_their_letter_compose_with_it() {
        // An input method may send "e", then the circumflex, then the tilde.
        let input = typed("Nguye\u{302}\u{303}n");
        assert_eq!(input.text(), "Nguyễn");
        assert_eq!(input.cursor(), 6);
    }

    #[test]
    fn a_long_text_scrolls_to_keep_the_cursor_in_view() {
        let input = TextInput::new("Đảng ủy phường Hồng Gai");
        let (shown, cursor) = input.window(10);
        assert_eq!((shown.as_str(), cursor), (" Hồng Gai", 9));
        let mut input = input;
        input.home();
        let (shown, cursor) = input.window(10);
        assert_eq!((shown.as_str(), cursor), ("Đảng ủy ph", 0));
    }

    #[test]
    fn control_characters_show_as_replacement_marks() {
        let input = TextInput::new("Lê\u{1b}[2J");
        assert_eq!(input.window(20).0, "Lê\u{FFFD}[2J");
    }

    #[test]
    fn dates_are_read_the_iso_way_and_the_vietnamese_way() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 7);
        assert_eq!(parse_date("2026-11-07"), d);
        assert_eq!(parse_date("07/11/2026"), d);
        assert_eq!(parse_date("7/11/2026"), d);
        assert_eq!(parse_date(" 07.11.2026 "), d);
        assert_eq!(parse_date("07-11-2026"), d);
        assert_eq!(parse_date("31/02/2026"), None);
        assert_eq!(parse_date("07/11/26"), None);
        assert_eq!(parse_date("2026/11/07"), None);
        assert_eq!(parse_date("hôm nay"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn choices_wrap_round() {
        let mut choice = Choice::new(vec!["a".into(), "b".into(), "c".into()], 0);
        choice.cycle(-1);
        assert_eq!(choice.label(), "c");
        choice.cycle(1);
        assert_eq!(choice.label(), "a");
        assert!(!Choice::new(vec!["only".into()], 0).cycle(1));
    }
}
