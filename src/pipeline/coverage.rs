//! `maillage couverture`: communes, people and young people within given
//! distances (or travel times) of a site.

use crate::base::Cost;
use crate::load::territory::DataPaths;
use crate::output::write::Outputs;
use crate::pipeline::network::NetworkPlan;
use crate::pipeline::{start, Context, ScopeChoice};

/// A coverage run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub data: DataPaths,
    pub network: NetworkPlan,
    /// The thresholds, sorted, in the network's unit.
    pub thresholds: Vec<Cost>,
    pub scope: ScopeChoice,
}

/// Loads, measures and counts; the tables of `couverture.csv`.
pub fn run(plan: &Plan, ctx: &mut Context) -> anyhow::Result<Outputs> {
    let (t, _, mut r) = start(ctx, &plan.data, &plan.scope, &plan.network, "couverture")?;
    r.coverage = Some(r.basics.coverage(&t, &plan.thresholds, &r.scope));
    ctx.tables(&t, &r, false)
}
