//! `maillage couverture`: communes, people and young people within given
//! distances (or travel times) of a site.

use crate::base::Cost;
use crate::load::territory::DataPaths;
use crate::output::write::Outputs;
use crate::pipeline::network::{NetworkPlan, RunNetwork};
use crate::pipeline::{Context, ScopeChoice};

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
    let t = ctx.load(&plan.data)?;
    let scope = plan.scope.resolve(&t)?;
    let net = RunNetwork::open(&plan.network, ctx)?;
    ctx.progress.step("couverture");
    let mut r = net.results(&t, ctx)?;
    r.scope = scope;
    r.coverage = Some(r.basics.coverage(&t, &plan.thresholds, &r.scope));
    Ok(ctx.tables(&t, &r, false))
}
