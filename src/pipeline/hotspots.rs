//! `maillage points-chauds`: where non-mobile young people have no site
//! within reach.

use crate::analysis::basics::Basics;
use crate::analysis::hotspots::{clusters, estimates, HotspotParams};
use crate::analysis::results::HotspotResults;
use crate::load::territory::DataPaths;
use crate::model::{Scope, Territory};
use crate::output::write::Outputs;
use crate::pipeline::network::NetworkPlan;
use crate::pipeline::{start, Context, ScopeChoice};

/// A hotspots run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub data: DataPaths,
    pub network: NetworkPlan,
    /// The non-mobile rate and the reach, in the network's unit.
    pub params: HotspotParams,
    pub scope: ScopeChoice,
}

/// Estimates the non-mobile young people out of reach and clusters them.
/// Only the communes of `scope` are clustered.
pub fn analyse(
    t: &Territory,
    b: &Basics,
    p: &HotspotParams,
    scope: &Scope,
    ctx: &mut Context,
) -> HotspotResults {
    ctx.progress.step("communes voisines");
    let adjacency = b.adjacency(t);
    ctx.progress.step("points chauds de non-mobilité");
    let est = estimates(t, b, p);
    let found = clusters(t, b, &est, adjacency, &|i| scope.has_commune(t, i));
    HotspotResults::new(est, found, b.costs.unit, p.reach)
}

/// Loads, measures, estimates and clusters; the hotspot tables.
pub fn run(plan: &Plan, ctx: &mut Context) -> anyhow::Result<Outputs> {
    let (t, _, mut r) = start(ctx, &plan.data, &plan.scope, &plan.network, "distances")?;
    r.hotspots = Some(analyse(&t, &r.basics, &plan.params, &r.scope.clone(), ctx));
    ctx.tables(&t, &r, false)
}
