//! The App's screen as plain text, one line per row: what snapshot tests compare and what
//! the user guide shows. Colours and styles are dropped; a wide character's trailing cell is
//! skipped so the text reads as the terminal shows it.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use super::App;

/// Draws `app` on a `width`×`height` test terminal and returns the text, one line per row,
/// trailing blanks removed.
pub fn screen_text(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height))
        .expect("a test terminal never fails to start");
    terminal
        .draw(|frame| app.view(frame))
        .expect("drawing on a test terminal never fails");
    buffer_text(terminal.backend().buffer())
}

/// The text of a drawn buffer, as [`screen_text`] returns it.
pub fn buffer_text(buffer: &Buffer) -> String {
    let width = usize::from(buffer.area.width.max(1));
    let mut out = String::new();
    for row in buffer.content.chunks(width) {
        let mut line = String::new();
        let mut hidden = 0;
        for cell in row {
            if hidden == 0 {
                line.push_str(cell.symbol());
            }
            hidden = hidden.max(cell.symbol().chars().count().max(1)) - 1;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
