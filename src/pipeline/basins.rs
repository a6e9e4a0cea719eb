//! `maillage bassins`: sizing the PAMS mobility basins.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::analysis::basics::Basics;
use crate::analysis::basins::{
    basins_from_epci, basins_from_units, epci_units, propose_basins, size_basins, Assignment,
    Basins, DemandRates,
};
use crate::analysis::results::BasinResults;
use crate::error::Error;
use crate::load::basins::{basin_table, BasinTable};
use crate::load::reference::read_figures;
use crate::load::territory::{read_file, DataPaths};
use crate::model::figures::Figure;
use crate::model::{Scope, Territory, DEPARTEMENTS};
use crate::output::write::Outputs;
use crate::pipeline::network::NetworkPlan;
use crate::pipeline::{start, Context, ScopeChoice};
use crate::warnings::Warnings;

/// Where the basins come from.
#[derive(Debug, Clone)]
pub struct BasinOptions {
    /// The Region's table by EPCI, or a table by commune; `None`: a proposal.
    pub basins: Option<PathBuf>,
    /// How many basins to propose without a table.
    pub count: usize,
}

/// A basins run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub data: DataPaths,
    pub network: NetworkPlan,
    pub basins: BasinOptions,
    pub scope: ScopeChoice,
}

/// Reads the report's rates from the reference figures.
pub fn demand_rates(figures: &[Figure]) -> anyhow::Result<DemandRates> {
    let value = |id: &str| {
        figures
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.valeur)
            .ok_or_else(|| anyhow::anyhow!("reference figure {id} missing from the reference file"))
    };
    let mut by_departement = BTreeMap::new();
    for (d, _) in DEPARTEMENTS {
        by_departement.insert(
            d.to_string(),
            (
                value(&format!("ic_jeunes_accompagnes_{d}"))?,
                value(&format!("ic_appui_mobilite_{d}"))? / 100.0,
            ),
        );
    }
    Ok(DemandRates {
        non_mobile_rate: value("non_mobiles")? / 100.0,
        licence_rate: value("permis")? / 100.0,
        by_departement,
        jeunes_departement: BTreeMap::new(),
    })
}

/// The young people of each of the reports' départements that the loaded
/// territory holds only in part (`own_communes`: the user's communes
/// layer), from the embedded data, which hold every commune of the five
/// départements: the rates known for a whole département are then applied
/// to the part loaded in proportion to its young people, never as if the
/// part were the whole. A département loaded whole is based on the young
/// people loaded.
fn whole_departements(t: &Territory, own_communes: bool) -> anyhow::Result<BTreeMap<String, u64>> {
    if !own_communes {
        return Ok(BTreeMap::new());
    }
    let embedded =
        crate::load::territory::load_territory(&DataPaths::default(), &mut Warnings::new())?;
    let mut out = BTreeMap::new();
    for (d, _) in DEPARTEMENTS {
        let loaded = t.communes.iter().filter(|c| c.departement == d).count();
        let whole: Vec<usize> = (0..embedded.communes.len())
            .filter(|&i| embedded.communes[i].departement == d)
            .collect();
        if loaded > 0 && loaded < whole.len() {
            out.insert(
                d.to_string(),
                whole.iter().map(|&i| embedded.jeunes[i]).sum(),
            );
        }
    }
    Ok(out)
}

/// Reads `--bassins`, by commune or by EPCI, and says what does not fit.
fn read_basins(
    path: &Path,
    t: &Territory,
    commune_adjacency: &[Vec<usize>],
    warnings: &mut Warnings,
) -> Result<Basins, Error> {
    let layer = read_file(path, warnings)?;
    let a = match basin_table(&layer)? {
        BasinTable::ByCommune(mut table) => {
            let mut names: Vec<String> = table.values().map(|(n, _)| n.clone()).collect();
            names.sort();
            names.dedup();
            let of_commune: Vec<Option<usize>> = t
                .communes
                .iter()
                .map(|c| {
                    table
                        .remove(&c.code)
                        .and_then(|(n, _)| names.binary_search(&n).ok())
                })
                .collect();
            for (code, (_, loc)) in table {
                warnings.add(
                    path,
                    "commune inconnue de la couche des communes : ligne ignorée",
                    format!("{loc} ({code})"),
                );
            }
            Assignment {
                unassigned: (0..t.communes.len())
                    .filter(|&i| of_commune[i].is_none())
                    .collect(),
                basins: Basins {
                    names,
                    of_commune,
                    proposed: false,
                },
                ..Assignment::default()
            }
        }
        BasinTable::ByEpci(rows) => {
            let a = basins_from_epci(t, &rows, commune_adjacency);
            for (siren, at) in &a.unknown {
                warnings.add(
                    path,
                    "EPCI inconnu des communes chargées : ligne ignorée",
                    format!("{at} (SIREN {siren})"),
                );
            }
            for (siren, names) in &a.split {
                warnings.add(
                    path,
                    "EPCI dans plusieurs bassins : ses communes vont au bassin de la majorité \
                     de leurs voisines (règle de docs/methodes.md)",
                    format!("SIREN {siren} : {}", names.join(" / ")),
                );
            }
            a
        }
    };
    for &i in &a.unassigned {
        warnings.add(
            path,
            "commune absente du fichier des bassins (ni elle ni son EPCI) : dans aucun bassin",
            t.communes[i].code.to_string(),
        );
    }
    Ok(a.basins)
}

/// Reads or proposes the basins, and sizes them.
pub fn analyse(
    t: &Territory,
    b: &Basics,
    args: &BasinOptions,
    own_communes: bool,
    scope: &Scope,
    ctx: &mut Context,
) -> anyhow::Result<BasinResults> {
    if args.basins.is_none() && args.count == 0 {
        anyhow::bail!("--nombre-bassins 0 : demandez au moins un bassin");
    }
    ctx.progress.step("bassins de mobilité");
    let mut rates = demand_rates(&read_figures(None, &mut ctx.warnings)?)?;
    rates.jeunes_departement = whole_departements(t, own_communes)?;
    for (d, whole) in &rates.jeunes_departement {
        ctx.warnings.add(
            Path::new("--communes"),
            "département chargé en partie : les jeunes accompagnés et la demande d'appui à la \
             mobilité, connus pour le département entier, sont répartis au prorata des jeunes \
             des communes chargées",
            format!(
                "{d} ({} jeunes dans le département entier)",
                crate::base::french::int(*whole)
            ),
        );
    }
    let adjacency = b.adjacency(t);
    let basins = match &args.basins {
        Some(p) => read_basins(p, t, adjacency, &mut ctx.warnings)?,
        None => {
            // The proposal joins whole EPCI: a territory with fewer EPCI
            // than basins asked gets one basin per EPCI, and says so.
            let units = epci_units(t, adjacency);
            let count = args.count.min(units.len());
            if count < args.count {
                ctx.warnings.add(
                    Path::new("--nombre-bassins"),
                    "moins d'EPCI que de bassins demandés : un bassin par EPCI",
                    format!("{} demandés, {} EPCI", args.count, units.len()),
                );
            }
            basins_from_units(&units, &propose_basins(t, &units, adjacency, count))
        }
    };
    // A perimeter's run sizes the parts of the basins that lie in it.
    let sizes = if *scope == Scope::Region {
        size_basins(t, b, &basins, &rates)
    } else {
        let mut inside = basins.clone();
        for (i, k) in inside.of_commune.iter_mut().enumerate() {
            if !scope.has_commune(t, i) {
                *k = None;
            }
        }
        size_basins(t, b, &inside, &rates)
    };
    // Say which communes the département rates could not size.
    for (i, c) in t.communes.iter().enumerate() {
        if basins.of_commune[i].is_some() && !rates.by_departement.contains_key(&c.departement) {
            ctx.warnings.add(
                Path::new("chiffres_cles.csv"),
                "commune d'un département sans taux du rapport 2024 (jeunes accompagnés, \
                 appui à la mobilité : donnés pour les cinq départements des rapports seulement) : hors des colonnes \
                 jeunes_accompagnes_estimes et demande_appui_mobilite_estimee \
                 (comptée dans communes_sans_taux_departemental)",
                format!("{} {} ({})", c.code.as_str(), c.nom, c.departement),
            );
        }
    }
    Ok(BasinResults { basins, sizes })
}

/// Loads, measures, reads or proposes the basins and sizes them.
pub fn run(plan: &Plan, ctx: &mut Context) -> anyhow::Result<Outputs> {
    let (t, _, mut r) = start(ctx, &plan.data, &plan.scope, &plan.network, "distances")?;
    r.basins = Some(analyse(
        &t,
        &r.basics,
        &plan.basins,
        plan.data.communes.is_some(),
        &r.scope.clone(),
        ctx,
    )?);
    ctx.tables(&t, &r, false)
}
