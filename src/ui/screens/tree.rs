//! The organisation tree (left pane). Children come from the store's ordered index in
//! Vietnamese order and are read when a node is expanded — and then only the pages of them
//! that are on screen, so a province with 3,321 communes opens as fast as one with three.
//!
//! The tree is a list of rows as the user sees it (expanded nodes followed by their
//! children). Each expanded node keeps a [`Level`]: how many children it has, the pages of
//! them read so far, and which of them are expanded in turn. A row number is mapped to a
//! node by walking only the expanded levels, never the rows in between.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Ui, pane, position, scroll_to, step};
use crate::domain::{OrgId, OrgKind, OrgTotals, OrgUnit, YearMonth};
use crate::store::{Reader, StoreError};
use crate::ui::cells::{pad, pad_left, safe, width};
use crate::ui::i18n::{self, Text};
use crate::ui::paged::{PAGE, Paged};

/// One organisation as a tree row shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub org: OrgUnit,
    pub totals: OrgTotals,
    pub has_children: bool,
}

/// The one place the tree, the member list and the organisation's details get a node's
/// counts from: its branches, and its members and exempt at the end of `month` as the
/// dashboard counts them (`Reader::counts_in`: a few reads, however large the subtree).
pub fn counts(reader: &Reader, org: OrgId, month: YearMonth) -> Result<OrgTotals, StoreError> {
    reader.counts_in(org, month)
}

impl Node {
    pub fn read(reader: &Reader, org: OrgUnit, month: YearMonth) -> Result<Node, StoreError> {
        let totals = counts(reader, org.id, month)?;
        let has_children = !reader.children(Some(org.id), 0, 1)?.is_empty();
        Ok(Node {
            org,
            totals,
            has_children,
        })
    }
}

/// The children of one expanded node (or the roots).
#[derive(Debug)]
struct Level {
    parent: Option<OrgId>,
    /// The month whose members the counts are of: this one.
    month: YearMonth,
    children: Paged<Node>,
    /// Expanded children, by their position among their siblings.
    open: BTreeMap<usize, Level>,
}

impl Level {
    fn read(reader: &Reader, parent: Option<OrgId>, month: YearMonth) -> Result<Level, StoreError> {
        Ok(Level {
            parent,
            month,
            children: Paged::new(reader.child_count(parent)?),
            open: BTreeMap::new(),
        })
    }

    /// Rows this level shows: its children and, under each expanded one, its rows.
    fn rows(&self) -> usize {
        self.children.len() + self.open.values().map(Level::rows).sum::<usize>()
    }

    /// The path (a child position per level) of the row `row` rows below this level's first.
    fn locate(&self, row: usize, path: &mut Vec<usize>) {
        let mut extra = 0;
        for (&at, sub) in &self.open {
            let own = at + extra;
            if row <= own {
                path.push(row - extra);
                return;
            }
            let sub_rows = sub.rows();
            if row <= own + sub_rows {
                path.push(at);
                sub.locate(row - own - 1, path);
                return;
            }
            extra += sub_rows;
        }
        path.push(row - extra);
    }

    /// The row of `path`, counted from this level's first row.
    fn row_of(&self, path: &[usize]) -> usize {
        let Some((&at, rest)) = path.split_first() else {
            return 0;
        };
        let before = at + self.open.range(..at).map(|(_, s)| s.rows()).sum::<usize>();
        match (rest.is_empty(), self.open.get(&at)) {
            (false, Some(sub)) => before + 1 + sub.row_of(rest),
            _ => before,
        }
    }

    fn level_mut(&mut self, path: &[usize]) -> Option<&mut Level> {
        match path.split_first() {
            None => Some(self),
            Some((at, rest)) => self.open.get_mut(at)?.level_mut(rest),
        }
    }

    fn ensure(&mut self, reader: &Reader, rows: Range<usize>) -> Result<(), StoreError> {
        let (parent, month) = (self.parent, self.month);
        self.children.ensure(rows, |skip, limit| {
            reader
                .children(parent, skip, limit)?
                .into_iter()
                .map(|org| Node::read(reader, org, month))
                .collect()
        })
    }

    /// Appends to `out` the rows of this level that fall in `want`, reading the pages they
    /// are on; `first` is the row number of this level's first child. Pages far from what
    /// is shown are dropped.
    fn collect(
        &mut self,
        reader: &Reader,
        depth: usize,
        first: usize,
        want: &Range<usize>,
        out: &mut Vec<TreeRow>,
    ) -> Result<(), StoreError> {
        let mut row = first;
        let mut next = 0;
        let mut used: Option<Range<usize>> = None;
        let open: Vec<usize> = self.open.keys().copied().collect();
        let len = self.children.len();
        for stop in open.into_iter().chain(std::iter::once(len)) {
            // Children next..stop are collapsed: one row each.
            let (lo, hi) = (want.start.max(row), want.end.min(row + (stop - next)));
            if lo < hi {
                let span = next + (lo - row)..next + (hi - row);
                self.push_rows(reader, depth, span.clone(), out)?;
                used = Some(widen(used, span));
            }
            row += stop - next;
            if stop >= len || row >= want.end {
                break;
            }
            // The expanded child `stop`, then its own rows.
            if want.contains(&row) {
                self.push_rows(reader, depth, stop..stop + 1, out)?;
                used = Some(widen(used, stop..stop + 1));
            }
            row += 1;
            let sub = self.open.get_mut(&stop).expect("open key listed above");
            let sub_rows = sub.rows();
            if row < want.end && want.start < row + sub_rows {
                sub.collect(reader, depth + 1, row, want, out)?;
            }
            row += sub_rows;
            next = stop + 1;
        }
        self.children.keep_near(used.unwrap_or(0..0));
        Ok(())
    }

    fn push_rows(
        &mut self,
        reader: &Reader,
        depth: usize,
        span: Range<usize>,
        out: &mut Vec<TreeRow>,
    ) -> Result<(), StoreError> {
        self.ensure(reader, span.clone())?;
        for at in span {
            if let Some(node) = self.children.get(at) {
                out.push(TreeRow {
                    depth,
                    node: node.clone(),
                    expanded: self.open.contains_key(&at),
                });
            }
        }
        Ok(())
    }

    /// Ids of the expanded nodes under this level, parents before children.
    fn open_ids(&self, out: &mut Vec<OrgId>) {
        for sub in self.open.values() {
            if let Some(id) = sub.parent {
                out.push(id);
            }
            sub.open_ids(out);
        }
    }
}

/// Where `child` stands among the children of `parent`, found by reading them a page at a
/// time (records only, no counts). The index orders children by name, and a name's place
/// cannot be known without reading what comes before it.
fn child_index(
    reader: &Reader,
    parent: Option<OrgId>,
    child: OrgId,
) -> Result<Option<usize>, StoreError> {
    let mut skip = 0;
    loop {
        let page = reader.children(parent, skip, PAGE)?;
        if let Some(at) = page.iter().position(|org| org.id == child) {
            return Ok(Some(skip + at));
        }
        if page.len() < PAGE {
            return Ok(None);
        }
        skip += PAGE;
    }
}

fn widen(used: Option<Range<usize>>, span: Range<usize>) -> Range<usize> {
    match used {
        None => span,
        Some(u) => u.start.min(span.start)..u.end.max(span.end),
    }
}

/// A row on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    pub depth: usize,
    pub node: Node,
    pub expanded: bool,
}

/// The tree pane's state: the expanded levels, the cursor, and the rows on screen.
#[derive(Debug)]
pub struct TreeState {
    root: Level,
    cursor: usize,
    offset: usize,
    height: usize,
    /// Rows `offset..offset + height`, read by the last [`TreeState::refresh`].
    visible: Vec<TreeRow>,
    /// The selected organisation's ancestors, root first, then itself.
    breadcrumb: Vec<OrgUnit>,
}

impl TreeState {
    /// A tree with nothing in it (before the store could be read).
    pub fn empty() -> TreeState {
        TreeState {
            root: Level {
                parent: None,
                month: YearMonth::MIN,
                children: Paged::new(0),
                open: BTreeMap::new(),
            },
            cursor: 0,
            offset: 0,
            height: 1,
            visible: Vec::new(),
            breadcrumb: Vec::new(),
        }
    }

    /// The roots of the tree, counted as they stand in `month`.
    pub fn read(reader: &Reader, height: usize, month: YearMonth) -> Result<TreeState, StoreError> {
        let mut tree = TreeState {
            root: Level::read(reader, None, month)?,
            cursor: 0,
            offset: 0,
            height: height.max(1),
            visible: Vec::new(),
            breadcrumb: Vec::new(),
        };
        tree.refresh(reader)?;
        Ok(tree)
    }

    /// Rows in the tree as expanded now.
    pub fn len(&self) -> usize {
        self.root.rows()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn visible(&self) -> &[TreeRow] {
        &self.visible
    }

    /// The organisation under the cursor.
    pub fn selected(&self) -> Option<&Node> {
        self.visible
            .get(self.cursor.checked_sub(self.offset)?)
            .map(|row| &row.node)
    }

    /// The selected organisation and its ancestors, root first.
    pub fn breadcrumb(&self) -> &[OrgUnit] {
        &self.breadcrumb
    }

    /// Pages of children held in memory, over every expanded level (for tests).
    pub fn pages_held(&self) -> usize {
        fn count(level: &Level) -> usize {
            level.children.pages_held() + level.open.values().map(count).sum::<usize>()
        }
        count(&self.root)
    }

    pub fn set_height(&mut self, reader: &Reader, height: usize) -> Result<(), StoreError> {
        self.height = height.max(1);
        self.refresh(reader)
    }

    /// Moves the cursor by `delta` rows (a page is `height`).
    pub fn step(&mut self, reader: &Reader, delta: isize) -> Result<(), StoreError> {
        self.cursor = step(self.cursor, delta, self.len());
        self.refresh(reader)
    }

    pub fn page(&self) -> isize {
        self.height as isize
    }

    pub fn to_top(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.cursor = 0;
        self.refresh(reader)
    }

    pub fn to_bottom(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.cursor = self.len().saturating_sub(1);
        self.refresh(reader)
    }

    fn cursor_path(&self) -> Vec<usize> {
        let mut path = Vec::new();
        self.root.locate(self.cursor, &mut path);
        path
    }

    /// Expands the selected node; on one already expanded, moves to its first child.
    pub fn expand(&mut self, reader: &Reader) -> Result<(), StoreError> {
        let Some(node) = self.selected().cloned() else {
            return Ok(());
        };
        let path = self.cursor_path();
        let (&at, parent_path) = path.split_last().expect("a selected row has a path");
        let month = self.root.month;
        let level = self.root.level_mut(parent_path).expect("path from locate");
        match level.open.entry(at) {
            Entry::Occupied(_) => self.cursor += 1,
            Entry::Vacant(slot) if node.has_children => {
                slot.insert(Level::read(reader, Some(node.org.id), month)?);
            }
            Entry::Vacant(_) => {}
        }
        self.cursor = self.cursor.min(self.len().saturating_sub(1));
        self.refresh(reader)
    }

    /// Collapses the selected node; on one already collapsed, moves to its parent.
    pub fn collapse(&mut self, reader: &Reader) -> Result<(), StoreError> {
        if self.selected().is_none() {
            return Ok(());
        }
        let path = self.cursor_path();
        let (&at, parent_path) = path.split_last().expect("a selected row has a path");
        let level = self.root.level_mut(parent_path).expect("path from locate");
        if level.open.remove(&at).is_none() && !parent_path.is_empty() {
            self.cursor = self.root.row_of(parent_path);
        }
        self.refresh(reader)
    }

    /// Expands a collapsed node, collapses an expanded one.
    pub fn toggle(&mut self, reader: &Reader) -> Result<(), StoreError> {
        let expanded = self
            .cursor
            .checked_sub(self.offset)
            .and_then(|i| self.visible.get(i))
            .is_some_and(|row| row.expanded);
        if expanded {
            self.collapse(reader)
        } else {
            self.expand(reader)
        }
    }

    /// Expands every ancestor of `target` and puts the cursor on it. `false` when it is not
    /// in the tree (any more).
    pub fn reveal(&mut self, reader: &Reader, target: OrgId) -> Result<bool, StoreError> {
        let Some(path) = self.open_path(reader, target, false)? else {
            return Ok(false);
        };
        self.cursor = self.root.row_of(&path);
        self.refresh(reader)?;
        Ok(true)
    }

    /// The path to `target`, expanding its ancestors (and itself when `open_target`).
    fn open_path(
        &mut self,
        reader: &Reader,
        target: OrgId,
        open_target: bool,
    ) -> Result<Option<Vec<usize>>, StoreError> {
        let Some(org) = reader.org(target)? else {
            return Ok(None);
        };
        let mut chain: Vec<OrgUnit> = reader.ancestors(target)?;
        chain.reverse();
        chain.push(org);
        let mut path = Vec::with_capacity(chain.len());
        let month = self.root.month;
        let mut level = &mut self.root;
        for (depth, org) in chain.iter().enumerate() {
            let Some(at) = child_index(reader, level.parent, org.id)? else {
                return Ok(None);
            };
            path.push(at);
            let is_target = depth + 1 == chain.len();
            if is_target && !open_target {
                break;
            }
            level = match level.open.entry(at) {
                Entry::Occupied(slot) => slot.into_mut(),
                Entry::Vacant(slot) => slot.insert(Level::read(reader, Some(org.id), month)?),
            };
        }
        Ok(Some(path))
    }

    /// Reads everything again from a fresh snapshot (after a write, here or elsewhere):
    /// the same nodes stay expanded and the cursor stays on the same organisation when
    /// they still exist.
    pub fn reload(&mut self, reader: &Reader) -> Result<(), StoreError> {
        let selected = self.selected().map(|n| n.org.clone());
        let mut open = Vec::new();
        self.root.open_ids(&mut open);
        self.root = Level::read(reader, None, self.root.month)?;
        for id in open {
            self.open_path(reader, id, true)?;
        }
        let revealed = match &selected {
            Some(org) => {
                self.reveal(reader, org.id)?
                    || org
                        .parent
                        .is_some_and(|p| self.reveal(reader, p).unwrap_or(false))
            }
            None => false,
        };
        if !revealed {
            self.cursor = self.cursor.min(self.len().saturating_sub(1));
            self.refresh(reader)?;
        }
        Ok(())
    }

    /// Reads the rows now on screen and the selected node's breadcrumb.
    pub fn refresh(&mut self, reader: &Reader) -> Result<(), StoreError> {
        let len = self.len();
        self.cursor = self.cursor.min(len.saturating_sub(1));
        self.offset = scroll_to(self.cursor, self.offset, self.height);
        // Never leave empty rows below the end while rows above are hidden.
        self.offset = self.offset.min(len.saturating_sub(self.height));
        let want = self.offset..self.offset + self.height;
        let mut rows = Vec::with_capacity(self.height);
        self.root.collect(reader, 0, 0, &want, &mut rows)?;
        self.visible = rows;
        let selected = self.selected().map(|n| n.org.clone());
        if selected.as_ref() != self.breadcrumb.last() {
            self.breadcrumb = match selected {
                Some(org) => {
                    let mut chain = reader.ancestors(org.id)?;
                    chain.reverse();
                    chain.push(org);
                    chain
                }
                None => Vec::new(),
            };
        }
        Ok(())
    }
}

/// Column widths of the tree for one render.
struct Columns {
    kind: usize,
    branches: usize,
    members: usize,
    exempt: usize,
    wide: bool,
}

impl Columns {
    fn of(rows: &[TreeRow], inner_width: usize, ui: &Ui<'_>) -> Columns {
        let wide = inner_width >= 80;
        let kind = OrgKind::ALL
            .iter()
            .map(|k| width(i18n::kind(ui.lang, *k, !wide)))
            .chain(std::iter::once(width(ui.t(Text::ColKind))))
            .max()
            .unwrap_or(0);
        let digits = |n: u32| n.to_string().len();
        let widest = |f: fn(&OrgTotals) -> u32, heading: Text| {
            rows.iter()
                .map(|r| digits(f(&r.node.totals)))
                .chain(std::iter::once(width(ui.t(heading))))
                .max()
                .unwrap_or(1)
        };
        let (b, m, e) = if wide {
            (
                Text::ColBranchesWide,
                Text::ColMembersWide,
                Text::ColExemptWide,
            )
        } else {
            (Text::ColBranches, Text::ColMembers, Text::ColExempt)
        };
        Columns {
            kind,
            branches: widest(|t| t.branches, b),
            members: widest(|t| t.members, m),
            exempt: widest(|t| t.exempt, e),
            wide,
        }
    }

    /// Columns right of the name, with the spaces between them.
    fn right(&self) -> usize {
        self.kind + self.branches + self.members + self.exempt + 4
    }

    fn headings(&self, ui: &Ui<'_>) -> [&'static str; 3] {
        if self.wide {
            [
                ui.t(Text::ColBranchesWide),
                ui.t(Text::ColMembersWide),
                ui.t(Text::ColExemptWide),
            ]
        } else {
            [
                ui.t(Text::ColBranches),
                ui.t(Text::ColMembers),
                ui.t(Text::ColExempt),
            ]
        }
    }
}

/// Draws the tree pane.
pub fn render(frame: &mut Frame<'_>, area: Rect, tree: &TreeState, focused: bool, ui: &Ui<'_>) {
    let block = pane(format!(" {} ", ui.t(Text::TreeTitle)), focused, ui).title_bottom(position(
        tree.cursor,
        tree.len(),
        ui,
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if tree.is_empty() {
        frame.render_widget(
            Paragraph::new(ui.t(Text::NoOrgs))
                .style(ui.theme.dim())
                .wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    }
    let inner_width = usize::from(inner.width);
    let columns = Columns::of(&tree.visible, inner_width, ui);
    let name_width = inner_width.saturating_sub(columns.right() + 1);
    let mut lines = Vec::with_capacity(tree.visible.len() + 1);
    lines.push(heading_line(&columns, name_width, ui));
    for (i, row) in tree.visible.iter().enumerate() {
        let selected = tree.offset + i == tree.cursor;
        lines.push(row_line(row, &columns, name_width, selected, focused, ui));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn heading_line(columns: &Columns, name_width: usize, ui: &Ui<'_>) -> Line<'static> {
    let [b, m, e] = columns.headings(ui);
    let text = format!(
        " {} {} {} {} {}",
        pad(ui.t(Text::ColName), name_width),
        pad(ui.t(Text::ColKind), columns.kind),
        pad_left(b, columns.branches),
        pad_left(m, columns.members),
        pad_left(e, columns.exempt),
    );
    Line::styled(text, ui.theme.column_header())
}

fn row_line(
    row: &TreeRow,
    columns: &Columns,
    name_width: usize,
    selected: bool,
    focused: bool,
    ui: &Ui<'_>,
) -> Line<'static> {
    let org = &row.node.org;
    let marker = match (row.node.has_children, row.expanded) {
        (_, true) => "▾ ",
        (true, false) => "▸ ",
        (false, false) => "  ",
    };
    let mut name = format!("{}{marker}{}", "  ".repeat(row.depth), safe(&org.name));
    if org.dissolved.is_some() {
        name.push(' ');
        name.push_str(ui.t(Text::Dissolved));
    }
    let totals = row.node.totals;
    // A branch's own branch count is itself: the column stays empty for branches and cells.
    let branches = if org.kind.is_branch() || org.kind == OrgKind::Cell {
        String::new()
    } else {
        totals.branches.to_string()
    };
    let gutter = if selected { "›" } else { " " };
    let base = if org.dissolved.is_some() {
        ui.theme.gone()
    } else {
        Style::new()
    };
    let mut line = Line::from(vec![
        Span::styled(gutter, ui.theme.key()),
        Span::styled(pad(&name, name_width), base),
        Span::raw(" "),
        Span::styled(
            pad(i18n::kind(ui.lang, org.kind, !columns.wide), columns.kind),
            ui.theme.kind(),
        ),
        Span::raw(" "),
        Span::styled(pad_left(&branches, columns.branches), ui.theme.count()),
        Span::raw(" "),
        Span::styled(
            pad_left(&totals.members.to_string(), columns.members),
            ui.theme.count(),
        ),
        Span::raw(" "),
        Span::styled(
            pad_left(&exempt_text(totals.exempt), columns.exempt),
            ui.theme.exempt(),
        ),
    ]);
    if selected {
        line = line.style(ui.theme.selected(focused));
    }
    line
}

fn exempt_text(exempt: u32) -> String {
    if exempt == 0 {
        String::new()
    } else {
        exempt.to_string()
    }
}
