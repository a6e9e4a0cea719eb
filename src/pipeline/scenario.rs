//! `maillage scenario`: what opening, closing or moving sites changes.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::analysis::basics::Basics;
use crate::analysis::coverage::CoverageCategory;
use crate::analysis::results::{CoverageResults, Results, ScenarioResults};
use crate::analysis::scenario::{apply, changes, from_changes};
use crate::analysis::summary::distance_summaries;
use crate::analysis::whatif::candidate_points;
use crate::base::{french, Cost};
use crate::load::changes::{france_services, read_changes};
use crate::load::territory::{read_sites, DataPaths};
use crate::output::write::Outputs;
use crate::pipeline::network::{NetworkPlan, RunNetwork};
use crate::pipeline::{Context, ScopeChoice};

/// A scenario run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub data: DataPaths,
    pub network: NetworkPlan,
    /// The coverage thresholds, sorted, in the network's unit.
    pub thresholds: Vec<Cost>,
    /// The sites to open: a file in the sites' format.
    pub open: Option<PathBuf>,
    /// The ids of the sites to close.
    pub close: Vec<String>,
    /// A scenario exported from the page ([`crate::load::changes`]): its
    /// openings join `open`'s, its closings `close`'s.
    pub changes: Option<PathBuf>,
    pub scope: ScopeChoice,
}

/// Coverage and distances before and after the change, and the communes
/// whose nearest site changes.
pub fn run(plan: &Plan, ctx: &mut Context) -> anyhow::Result<Outputs> {
    let t = ctx.load(&plan.data)?;
    let scope = plan.scope.resolve(&t)?;
    let mut add = match &plan.open {
        Some(p) => read_sites(p, &t, &mut ctx.warnings)?,
        None => Vec::new(),
    };
    let mut close = plan.close.clone();
    if let Some(p) = &plan.changes {
        let lines = read_changes(p, &mut ctx.warnings)?;
        let points = candidate_points(&t, france_services()?);
        let (a, c) = from_changes(&t, p, &lines, &points)?;
        add.extend(a);
        close.extend(c);
    }
    let after = apply(&t, &add, &close)?;
    let net = RunNetwork::open(&plan.network, ctx)?;
    ctx.progress.step("scénario");
    let b0 = net.basics(&t, &scope, ctx)?;
    let b1 = Basics::measured(&after, &net.measure());
    net.warn_unsnapped_sites(ctx, &b1.costs.unsnapped_sites, &|j| {
        after.sites[j].id.clone()
    });
    let radii = &plan.thresholds;
    let coverage = [
        b0.coverage(&t, radii, &scope),
        b1.coverage(&after, radii, &scope),
    ];
    let summaries = [
        distance_summaries(&t, &b0, &scope),
        distance_summaries(&after, &b1, &scope),
    ];
    let changed = changes(&t, &b0, &after, &b1);
    // What changes, said at every threshold: a new permanence shows at the
    // smallest one long before the largest (issue 23: no single figure
    // that hides the change).
    let jeunes_within = |c: &CoverageResults, raw: f64| {
        c.rows
            .iter()
            .find(|r| {
                r.scope == scope && r.category == CoverageCategory::Toutes && r.threshold == raw
            })
            .map_or(0, |r| r.counts.jeunes_covered)
    };
    let moved = changed
        .iter()
        .filter(|c| scope.has_commune(&t, c.commune))
        .count();
    let (opened, closed) = (add.len(), close.len());
    let mut said = format!(
        "scénario ({}) : +{opened} site{}, −{closed} site{} ; {moved} commune{} {} de site le plus proche",
        scope.name(&t),
        french::plural(opened),
        french::plural(closed),
        french::plural(moved),
        if moved > 1 { "changent" } else { "change" }
    );
    for (&x, raw) in radii.iter().zip(b0.costs.raw(radii)) {
        let (j0, j1) = (
            jeunes_within(&coverage[0], raw),
            jeunes_within(&coverage[1], raw),
        );
        let d = j1 as i64 - j0 as i64;
        let _ = write!(
            said,
            "\n  jeunes à moins de {x} : {} → {} ({}{})",
            french::int(j0),
            french::int(j1),
            if d > 0 { "+" } else { "" },
            french::signed(d)
        );
    }
    ctx.progress.say(&said);
    let mut r = Results::new(b0);
    r.scope = scope;
    r.scenario = Some(ScenarioResults {
        coverage,
        summaries,
        changes: changed,
    });
    ctx.tables(&t, &r, false)
}
