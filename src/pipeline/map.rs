//! `maillage carte`: one or all of the maps, for the territory, a
//! département or one Mission Locale's territory.

use crate::analysis::hotspots::HotspotParams;
use crate::load::territory::DataPaths;
use crate::output::write::Outputs;
use crate::pipeline::basins::{self, BasinOptions};
use crate::pipeline::hotspots;
use crate::pipeline::network::NetworkPlan;
use crate::pipeline::placement::{self, ProposalOptions};
use crate::pipeline::{start, Context, ScopeChoice};
use crate::render::data::{add_maps, map_data};
use crate::render::{Format, MapKind};

/// A maps run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub data: DataPaths,
    pub network: NetworkPlan,
    pub kinds: Vec<MapKind>,
    pub scope: ScopeChoice,
    pub formats: Vec<Format>,
    pub hotspots: HotspotParams,
    pub basins: BasinOptions,
    pub proposal: ProposalOptions,
}

/// Loads, measures, runs the analyses the maps show (as the report does)
/// and draws them.
pub fn run(plan: &Plan, ctx: &mut Context) -> anyhow::Result<Outputs> {
    let (t, net, mut r) = start(ctx, &plan.data, &plan.scope, &plan.network, "distances")?;
    let scope = r.scope.clone();
    if plan.kinds.contains(&MapKind::Hotspots) {
        r.hotspots = Some(hotspots::analyse(
            &t,
            &r.basics,
            &plan.hotspots,
            &scope,
            ctx,
        ));
    }
    if plan.kinds.contains(&MapKind::Bassins) {
        r.basins = Some(basins::analyse(
            &t,
            &r.basics,
            &plan.basins,
            plan.data.communes.is_some(),
            &scope,
            ctx,
        )?);
    }
    if plan.kinds.contains(&MapKind::Placement) {
        r.placement = Some(placement::report_placement(
            &t,
            &r.basics,
            &net.measure(),
            &plan.proposal,
            &scope,
            ctx,
        )?);
    }
    ctx.progress.step("cartes");
    let md = map_data(&t, &r, plan.data.sources_line(&t.frame));
    let mut outputs = Outputs::new();
    add_maps(&md, &plan.kinds, &scope, &plan.formats, &mut outputs)?;
    Ok(outputs)
}
