//! `maillage hotspots`: where non-mobile young people have no site within reach.

use clap::Args;
use serde_json::Value;

use crate::analysis::basics::Basics;
use crate::analysis::hotspots::{clusters, estimates, HotspotParams};
use crate::cli::{Context, DataArgs, EXIT_OK};
use crate::model::{Meters, Territory};
use crate::output::geojson::{feature_collection, OutFeature};
use crate::output::tables::{hotspot_clusters_table, hotspot_communes_table};
use crate::output::write::Outputs;

const EXAMPLES: &str = "\
Examples:
  maillage hotspots
  maillage hotspots --reach-km 5 --non-mobile-rate 0.25
  maillage hotspots --sites mes_sites.csv --out /tmp/foyers";

/// Estimates, per commune, the young people who cannot leave it (32 % by
/// default, from the 2024 report) with no site in it and none within
/// walking or cycling reach (3 km), joins adjacent such communes into
/// clusters and ranks them. Writes hotspots.csv (clusters),
/// hotspots.geojson and hotspots_communes.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct HotspotsArgs {
    /// Share of young people who cannot travel beyond their commune (0–1).
    #[arg(long, value_name = "RATE", default_value_t = 0.32)]
    pub non_mobile_rate: f64,
    /// Walking or cycling reach, in km: a site farther than this from the
    /// town hall is out of reach.
    #[arg(long, value_name = "KM", default_value_t = 3.0)]
    pub reach_km: f64,
}

impl HotspotsArgs {
    /// The checked parameters.
    pub fn params(&self) -> anyhow::Result<HotspotParams> {
        if !(0.0..=1.0).contains(&self.non_mobile_rate) {
            anyhow::bail!(
                "--non-mobile-rate {}: expected a share between 0 and 1 (0.32 for 32 %)",
                self.non_mobile_rate
            );
        }
        if !self.reach_km.is_finite() || self.reach_km <= 0.0 {
            anyhow::bail!(
                "--reach-km {}: expected a positive distance in km",
                self.reach_km
            );
        }
        Ok(HotspotParams {
            non_mobile_rate: self.non_mobile_rate,
            reach: Meters::from_km(self.reach_km),
        })
    }
}

/// Adds the hotspot outputs.
pub fn compute(
    t: &Territory,
    b: &Basics,
    p: &HotspotParams,
    ctx: &mut Context,
    outputs: &mut Outputs,
) {
    ctx.progress.step("communes voisines");
    let adjacency = b.adjacency(t);
    ctx.progress.step("points chauds de non-mobilité");
    let est = estimates(t, b, p);
    let found = clusters(t, b, &est, adjacency);
    let mut cluster_of = vec![None; t.communes.len()];
    for (r, c) in found.iter().enumerate() {
        for &i in &c.communes {
            cluster_of[i] = Some(r);
        }
    }
    outputs.add_table("hotspots.csv", hotspot_clusters_table(t, &found), ctx.csv);
    outputs.add_table(
        "hotspots_communes.csv",
        hotspot_communes_table(t, &est, &cluster_of),
        ctx.csv,
    );
    let features: Vec<OutFeature> = found
        .iter()
        .enumerate()
        .map(|(r, c)| {
            let parts = c.communes.iter().map(|&i| &t.communes[i].geometry);
            let geometry = geo::Geometry::MultiPolygon(geo::unary_union(parts));
            OutFeature {
                properties: vec![
                    ("rang".into(), Value::from(r + 1)),
                    ("nb_communes".into(), Value::from(c.communes.len())),
                    (
                        "jeunes_non_mobiles_hors_portee".into(),
                        Value::from((c.non_mobiles * 10.0).round() / 10.0),
                    ),
                    ("jeunes_16_25".into(), Value::from(c.jeunes)),
                    (
                        "codes_ml".into(),
                        Value::from(
                            c.mls
                                .iter()
                                .map(|&m| t.missions_locales[m].code.clone())
                                .collect::<Vec<_>>(),
                        ),
                    ),
                    (
                        "codes_insee".into(),
                        Value::from(
                            c.communes
                                .iter()
                                .map(|&i| t.communes[i].code.to_string())
                                .collect::<Vec<_>>(),
                        ),
                    ),
                ],
                geometry,
            }
        })
        .collect();
    outputs.add("hotspots.geojson", feature_collection(&features));
}

pub fn run(args: &HotspotsArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let p = args.params()?;
    let t = ctx.load(data)?;
    ctx.progress.step("distances");
    let b = Basics::new(&t);
    let mut outputs = Outputs::new();
    compute(&t, &b, &p, ctx, &mut outputs);
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
}
