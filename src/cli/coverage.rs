//! `maillage coverage`: communes, people and young people within given
//! distances of a site.

use clap::Args;

use crate::analysis::basics::Basics;
use crate::analysis::results::Results;
use crate::cli::{Context, DataArgs, EXIT_OK};
use crate::model::Meters;

const EXAMPLES: &str = "\
Examples:
  maillage coverage
  maillage coverage --radius-km 3,5,10
  maillage coverage --sites mes_sites.csv --csv rfc4180";

/// The population and young people within each radius of a site, and the
/// share, by region, département and Mission Locale, split by FRR, ZRR, QPV
/// and other communes. A site in the commune itself counts as distance zero.
/// Writes couverture.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct CoverageArgs {
    /// Radii in km, separated by commas (decimal point: 7.5).
    #[arg(long, value_name = "KM,KM,…", default_value = "5,10,15,20")]
    pub radius_km: String,
}

impl CoverageArgs {
    /// The radii, checked: positive, finite, sorted, without duplicates.
    pub fn radii(&self) -> anyhow::Result<Vec<Meters>> {
        parse_radii(&self.radius_km)
    }
}

/// Parses `5,10,15` into sorted, distinct, positive radii.
pub fn parse_radii(s: &str) -> anyhow::Result<Vec<Meters>> {
    let mut v = Vec::new();
    for part in s.split(',') {
        let part = part.trim();
        let km: f64 = part
            .parse()
            .map_err(|_| anyhow::anyhow!("--radius-km: \"{part}\" is not a number (write radii as 5,10,15 with a decimal point)"))?;
        if !km.is_finite() || km <= 0.0 {
            anyhow::bail!("--radius-km: {part} km: a radius must be a positive number of km");
        }
        v.push(km);
    }
    v.sort_by(f64::total_cmp);
    v.dedup();
    Ok(v.into_iter().map(Meters::from_km).collect())
}

pub fn run(args: &CoverageArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let radii = args.radii()?;
    let t = ctx.load(data)?;
    ctx.progress.step("couverture");
    let mut r = Results::new(Basics::new(&t));
    r.coverage = Some(r.basics.coverage(&t, &radii));
    ctx.write_results(&t, &r, false)?;
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radii_are_checked() {
        assert_eq!(
            parse_radii("10, 5,10").unwrap(),
            vec![Meters(5000.0), Meters(10000.0)]
        );
        assert!(parse_radii("0")
            .unwrap_err()
            .to_string()
            .contains("positive"));
        assert!(parse_radii("-5").is_err());
        assert!(parse_radii("5;10")
            .unwrap_err()
            .to_string()
            .contains("not a number"));
        assert!(parse_radii("inf").is_err());
    }
}
