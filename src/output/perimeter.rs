//! What a run's perimeter keeps of the outputs (`--ml`, `--departement`,
//! `--epci`): every commune was measured against every site, as in the
//! whole territory's run, and the outputs hold the perimeter's part.
//!
//! - Tables of communes, QPV, grid cells: the rows of the perimeter's
//!   communes (a QPV when at least one of its communes is).
//! - Tables by perimeter (coverage, distances, placement, scenario): the
//!   perimeter's own rows, its summary, and those of the Missions Locales
//!   that lie wholly inside it (for a département or an EPCI); the same
//!   figures as the whole territory's run gives for them.
//! - Sites: those of the perimeter (standing in it, or of its Mission
//!   Locale).

use crate::model::{Scope, Territory};
use crate::output::write::Table;

/// The run's perimeter, ready to filter rows.
pub struct Perimeter<'a> {
    t: &'a Territory,
    scope: &'a Scope,
    communes: Vec<bool>,
    /// Missions Locales wholly inside the perimeter.
    mls: Vec<bool>,
}

impl<'a> Perimeter<'a> {
    pub fn new(t: &'a Territory, scope: &'a Scope) -> Self {
        let communes: Vec<bool> = (0..t.communes.len())
            .map(|i| scope.has_commune(t, i))
            .collect();
        let mut mls = vec![true; t.missions_locales.len()];
        let mut any = vec![false; t.missions_locales.len()];
        for (i, &inside) in communes.iter().enumerate() {
            let m = t.ml_of_commune[i];
            any[m] = true;
            mls[m] &= inside;
        }
        for (m, a) in any.iter().enumerate() {
            mls[m] &= *a;
        }
        Perimeter {
            t,
            scope,
            communes,
            mls,
        }
    }

    /// The whole territory: nothing to filter.
    pub fn whole(&self) -> bool {
        *self.scope == Scope::Region
    }

    pub fn scope(&self) -> &Scope {
        self.scope
    }

    /// Whether commune `i` lies in the perimeter.
    pub fn commune(&self, i: usize) -> bool {
        self.communes[i]
    }

    /// Whether QPV `j` lies (at least partly) in the perimeter.
    pub fn qpv(&self, j: usize) -> bool {
        self.whole() || self.scope.has_qpv(self.t, &self.t.qpv[j])
    }

    /// Whether a table's row about perimeter `row` is kept: every row for
    /// the whole territory; otherwise the perimeter's own rows and those of
    /// the Missions Locales wholly inside it.
    pub fn row(&self, row: &Scope) -> bool {
        self.whole()
            || row == self.scope
            || matches!((row, self.scope), (Scope::Ml(m), Scope::Departement(_) | Scope::Epci(_)) if self.mls[*m])
    }

    /// Keeps the rows of `table` whose index `keep` accepts (tables with one
    /// row per commune or per QPV, in the territory's order).
    pub fn retain(&self, table: &mut Table, keep: impl Fn(usize) -> bool) {
        if self.whole() {
            return;
        }
        let mut k = 0;
        table.rows.retain(|_| {
            k += 1;
            keep(k - 1)
        });
    }

    /// Keeps the rows of `table` whose commune (its INSEE code in column
    /// `column`) lies in the perimeter.
    pub fn retain_by_code(&self, table: &mut Table, column: &str) {
        if self.whole() {
            return;
        }
        let Some(k) = table.headers.iter().position(|h| h == column) else {
            return;
        };
        table.rows.retain(|row| match &row[k] {
            crate::output::write::Cell::Text(code) => self
                .t
                .commune_by_code(code)
                .is_some_and(|i| self.communes[i]),
            _ => false,
        });
    }
}
