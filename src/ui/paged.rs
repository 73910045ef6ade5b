//! A long ordered list held a page at a time: only the pages around what is on screen are
//! read from the store, and pages that scroll far away are dropped again. A province's
//! 3,321 communes or a large branch's roster cost what one screen of them costs.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::store::StoreError;

/// Rows per page read from the store: one screen of the tallest terminal, and a little more.
pub const PAGE: usize = 64;

#[derive(Debug, Clone)]
pub struct Paged<T> {
    len: usize,
    pages: BTreeMap<usize, Vec<T>>,
}

impl<T> Paged<T> {
    /// A list of `len` rows, none read yet.
    pub fn new(len: usize) -> Paged<T> {
        Paged {
            len,
            pages: BTreeMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Row `index`, when its page has been read.
    pub fn get(&self, index: usize) -> Option<&T> {
        self.pages
            .get(&(index / PAGE))
            .and_then(|page| page.get(index % PAGE))
    }

    /// Reads the pages holding `rows` that are not read yet. `load(skip, limit)` reads one
    /// page from the store. A page that comes back short means the list shrank under us
    /// (another process wrote): the length follows what the store said.
    pub fn ensure(
        &mut self,
        rows: Range<usize>,
        mut load: impl FnMut(usize, usize) -> Result<Vec<T>, StoreError>,
    ) -> Result<(), StoreError> {
        let end = rows.end.min(self.len);
        if rows.start >= end {
            return Ok(());
        }
        for page in rows.start / PAGE..=(end - 1) / PAGE {
            if self.pages.contains_key(&page) {
                continue;
            }
            let rows = load(page * PAGE, PAGE)?;
            if rows.len() < PAGE {
                self.len = self.len.min(page * PAGE + rows.len());
            }
            self.pages.insert(page, rows);
        }
        Ok(())
    }

    /// Drops every page that holds none of `rows` (and is not next to them).
    pub fn keep_near(&mut self, rows: Range<usize>) {
        let first = (rows.start / PAGE).saturating_sub(1);
        let last = rows.end / PAGE + 1;
        self.pages.retain(|page, _| (first..=last).contains(page));
    }

    /// Pages held, for tests that check nothing more than a screen is read.
    pub fn pages_held(&self) -> usize {
        self.pages.len()
    }

    /// The position of the first row matching `wanted`, reading pages from the start until
    /// it is found. Used to jump to an item whose place in the order is not known.
    pub fn position(
        &mut self,
        wanted: impl Fn(&T) -> bool,
        mut load: impl FnMut(usize, usize) -> Result<Vec<T>, StoreError>,
    ) -> Result<Option<usize>, StoreError> {
        let mut page = 0;
        while page * PAGE < self.len {
            self.ensure(page * PAGE..page * PAGE + 1, &mut load)?;
            if let Some(rows) = self.pages.get(&page)
                && let Some(at) = rows.iter().position(&wanted)
            {
                let found = page * PAGE + at;
                // Keep only what the jump lands on.
                self.keep_near(found..found + 1);
                return Ok(Some(found));
            }
            // Pages passed on the way are not kept: a long list stays a page or two.
            if page > 1 {
                self.pages.remove(&(page - 1));
            }
            page += 1;
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(total: usize) -> impl FnMut(usize, usize) -> Result<Vec<usize>, StoreError> {
        move |skip, limit| Ok((skip..(skip + limit).min(total)).collect())
    }

    #[test]
    fn only_the_pages_asked_for_are_read() {
        let mut list = Paged::new(3321);
        list.ensure(1000..1040, numbers(3321)).unwrap();
        assert_eq!(list.get(1000), Some(&1000));
        assert_eq!(list.get(1039), Some(&1039));
        assert_eq!(list.get(0), None);
        assert!(list.pages_held() <= 2);
        list.ensure(0..10, numbers(3321)).unwrap();
        list.keep_near(0..10);
        assert_eq!(list.get(1000), None);
        assert_eq!(list.get(5), Some(&5));
    }

    #[test]
    fn a_list_that_shrank_takes_the_stores_length() {
        let mut list = Paged::new(100);
        list.ensure(60..80, numbers(70)).unwrap();
        assert_eq!(list.len(), 70);
    }

    #[test]
    fn position_finds_a_row_far_down_without_keeping_everything() {
        let mut list = Paged::new(3321);
        assert_eq!(
            list.position(|n| *n == 3000, numbers(3321)).unwrap(),
            Some(3000)
        );
        assert!(list.pages_held() <= 3);
        assert_eq!(list.position(|n| *n == 9999, numbers(3321)).unwrap(), None);
    }
}
