//! The right pane for an organisation that has no members of its own (a committee): what it
//! is, where it sits, when its branches meet, and what its subtree holds.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Wrap};

use super::{Ui, pane};
use crate::domain::{OrgTotals, OrgUnit, ScheduleRule};
use crate::store::{Reader, StoreError};
use crate::ui::cells::{pad, safe, width};
use crate::ui::i18n::{self, Text};

#[derive(Debug)]
pub struct OrgInfo {
    pub org: OrgUnit,
    pub totals: OrgTotals,
    parent: Option<OrgUnit>,
    schedule: (Option<ScheduleRule>, u8),
    units: usize,
}

impl OrgInfo {
    pub fn read(reader: &Reader, org: OrgUnit, totals: OrgTotals) -> Result<OrgInfo, StoreError> {
        Ok(OrgInfo {
            parent: org.parent.map(|p| reader.org(p)).transpose()?.flatten(),
            schedule: reader.effective_schedule(org.id)?,
            units: reader.child_count(Some(org.id))?,
            org,
            totals,
        })
    }

    fn fields(&self, ui: &Ui<'_>) -> Vec<(Text, String)> {
        let org = &self.org;
        let mut fields = vec![
            (Text::Code, safe(&org.code).into_owned()),
            (Text::Kind, i18n::kind(ui.lang, org.kind, false).to_string()),
        ];
        if let Some(t) = org.branch_type {
            fields.push((
                Text::BranchTypeLabel,
                i18n::branch_type(ui.lang, t).to_string(),
            ));
        }
        if let Some(parent) = &self.parent {
            fields.push((Text::Parent, safe(&parent.name).into_owned()));
        }
        let (rule, grace) = self.schedule;
        fields.push((Text::MeetingDay, i18n::schedule(ui.lang, rule, grace)));
        if let Some(day) = org.founded {
            fields.push((Text::Founded, i18n::date(ui.lang, day)));
        }
        if let Some(day) = org.dissolved {
            fields.push((Text::DissolvedOn, i18n::date(ui.lang, day)));
        }
        fields.push((Text::Units, self.units.to_string()));
        let t = self.totals;
        fields.push((Text::ColBranchesWide, t.branches.to_string()));
        fields.push((Text::ColMembersWide, t.members.to_string()));
        fields.push((Text::ColExemptWide, t.exempt.to_string()));
        fields
    }
}

pub fn render(frame: &mut Frame<'_>, area: Rect, info: &OrgInfo, focused: bool, ui: &Ui<'_>) {
    let fields = info.fields(ui);
    let label_width = fields
        .iter()
        .map(|(label, _)| width(ui.t(*label)))
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line<'static>> = vec![
        Line::styled(safe(&info.org.name).into_owned(), ui.theme.title()),
        Line::default(),
    ];
    // In a narrow pane a value follows its label and wraps, rather than being squeezed
    // into a column.
    let aligned = usize::from(area.width) >= label_width + 36;
    for (label, value) in fields {
        let label = if aligned {
            format!("{} ", pad(ui.t(label), label_width))
        } else {
            format!("{}: ", ui.t(label))
        };
        lines.push(Line::from(vec![
            Span::styled(label, ui.theme.label()),
            Span::raw(value),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled(ui.t(Text::PickABranch), ui.theme.dim()));
    let block =
        pane(format!(" {} ", ui.t(Text::InfoTitle)), focused, ui).padding(Padding::horizontal(1));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
