//! `maillage report`: the whole pipeline on the given (or embedded) data.

use clap::Args;

use crate::analysis::distance::{nearest_sites, sites_per_commune};
use crate::cli::{Context, DataArgs, EXIT_OK};
use crate::index::SiteIndex;
use crate::io::tables::communes_table;
use crate::io::write::Outputs;
use crate::model::LonLat;

const EXAMPLES: &str = "\
Examples:
  maillage report
  maillage report --out /tmp/maillage --csv rfc4180
  maillage report --sites geodata/sites.csv --quiet";

/// Runs every analysis with its defaults and writes the results into --out.
#[derive(Debug, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct ReportArgs {}

pub fn run(_args: &ReportArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let t = ctx.load(data)?;
    ctx.progress.step("index des sites");
    let positions: Vec<LonLat> = t.sites.iter().map(|s| s.position).collect();
    let index = SiteIndex::new(&positions);
    ctx.progress.step("site le plus proche de chaque commune");
    let points: Vec<LonLat> = t.communes.iter().map(|c| c.reference).collect();
    let nearest = nearest_sites(&index, &points);
    let counts = sites_per_commune(&t);

    let mut outputs = Outputs::new();
    outputs.add("communes.csv", communes_table(&t, &nearest, &counts).to_csv(ctx.csv));

    ctx.progress.step("écriture");
    let written = outputs.write_all(&ctx.out)?;
    ctx.progress.finish();
    for p in written {
        ctx.progress.say(&format!("écrit : {}", p.display()));
    }
    Ok(EXIT_OK)
}
