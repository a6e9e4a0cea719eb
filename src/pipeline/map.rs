//! `maillage carte`: one or all of the maps, for the territory, a
//! département or one Mission Locale's territory.

use crate::analysis::hotspots::HotspotParams;
use crate::load::territory::DataPaths;
use crate::model::{Scope, Territory};
use crate::output::write::Outputs;
use crate::pipeline::basins::{self, BasinOptions};
use crate::pipeline::hotspots;
use crate::pipeline::network::{NetworkPlan, RunNetwork};
use crate::pipeline::placement::{self, ProposalOptions};
use crate::pipeline::Context;
use crate::render::data::{add_maps, map_data};
use crate::render::{Format, MapKind};

/// Which part of the territory a map shows, as typed; resolved once the
/// data are loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeChoice {
    Territory,
    /// A Mission Locale by code, name or seat town (`--ml`).
    Ml(String),
    /// A département by code (`--departement`).
    Departement(String),
}

impl ScopeChoice {
    /// The scope this names in `t`, or an error naming the option.
    pub fn resolve(&self, t: &Territory) -> anyhow::Result<Scope> {
        Ok(match self {
            ScopeChoice::Territory => Scope::Region,
            ScopeChoice::Ml(ml) => Scope::Ml(crate::model::resolve_ml(t, ml, "--ml")?),
            ScopeChoice::Departement(d) => {
                let d = d.trim();
                if !t.communes.iter().any(|c| c.departement == d) {
                    let mut known: Vec<&str> =
                        t.communes.iter().map(|c| c.departement.as_str()).collect();
                    known.dedup();
                    anyhow::bail!(
                        "--departement {d} : aucune commune de ce département dans les données ; \
                         départements présents : {}",
                        known.join(", ")
                    );
                }
                Scope::Departement(d.to_string())
            }
        })
    }
}

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
    let t = ctx.load(&plan.data)?;
    let scope = plan.scope.resolve(&t)?;
    let net = RunNetwork::open(&plan.network, ctx)?;
    ctx.progress.step("distances");
    let mut r = net.results(&t, ctx);
    if plan.kinds.contains(&MapKind::Hotspots) {
        r.hotspots = Some(hotspots::analyse(&t, &r.basics, &plan.hotspots, ctx));
    }
    if plan.kinds.contains(&MapKind::Bassins) {
        r.basins = Some(basins::analyse(&t, &r.basics, &plan.basins, ctx)?);
    }
    if plan.kinds.contains(&MapKind::Placement) {
        r.placement = Some(placement::report_placement(
            &t,
            &r.basics,
            &net.measure(),
            &plan.proposal,
            ctx,
        )?);
    }
    ctx.progress.step("cartes");
    let md = map_data(&t, &r, plan.data.sources_line(&t.frame));
    let mut outputs = Outputs::new();
    add_maps(&md, &plan.kinds, &scope, &plan.formats, &mut outputs)?;
    Ok(outputs)
}
