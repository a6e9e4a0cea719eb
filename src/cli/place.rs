//! `maillage place`: where k new permanences would reach the most young
//! people far from any site today.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::analysis::basics::Basics;
use crate::analysis::placement::{
    mairie_candidates, place, point_candidates, summarise_placement, Candidate, Method, Model,
    Objective, Placement, PlacementError, PlacementParams,
};
use crate::analysis::results::{PlacementResults, Results};
use crate::cli::{Context, DataArgs, EXIT_OK};
use crate::error::Error;
use crate::load::points::parse_points;
use crate::load::territory::defaults;
use crate::model::{Meters, Territory};

const EXAMPLES: &str = "\
Examples:
  maillage place
  maillage place --k 5 --radius-km 5 --objective non-mobiles
  maillage place --k 3 --ml 59183 --exact
  maillage place --k 10 --candidates france-services --model p-median
  maillage place --k 4 --candidates mes_locaux.csv     (CSV id,lon,lat[,nom])";

/// Chooses k new sites among candidates, existing sites fixed, to maximise
/// the young people newly within the radius of a site (maximal covering,
/// the default) or to minimise their distance to the nearest site
/// (p-median). States how far from the optimum the answer can be.
/// Writes placement.csv (the sites, best first), placement_bilan.csv (the
/// objective, its bound and the gap) and placement_synthese.csv (before and
/// after, by région, département and Mission Locale).
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct PlaceArgs {
    /// Number of new sites.
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub k: usize,
    /// Radius in km within which a site covers a commune (from its town hall).
    #[arg(long, value_name = "KM", default_value_t = 10.0)]
    pub radius_km: f64,
    /// Where new sites may open: `mairies` (every town hall), `france-services`
    /// (the 205 France services of the region) or a CSV file `id,lon,lat` with
    /// an optional `nom`.
    #[arg(
        long,
        value_name = "mairies|france-services|FILE",
        default_value = "mairies"
    )]
    pub candidates: String,
    /// The demand to serve.
    #[arg(long, value_enum, default_value_t = ObjectiveArg::Jeunes)]
    pub objective: ObjectiveArg,
    /// Share of young people who cannot leave their commune, for
    /// `--objective non-mobiles` (0.32 in the 2024 report).
    #[arg(long, value_name = "RATE", default_value_t = 0.32)]
    pub non_mobile_rate: f64,
    /// `mclp`: maximise the demand newly covered; `p-median`: minimise the
    /// demand-weighted distance to the nearest site.
    #[arg(long, value_enum, default_value_t = ModelArg::Mclp)]
    pub model: ModelArg,
    /// Restrict demand and candidates to one Mission Locale (its code_ml).
    #[arg(long, value_name = "CODE_ML")]
    pub ml: Option<String>,
    /// Prove the optimum with a MILP solver (for small instances: one ML, a
    /// few hundred candidates).
    #[arg(long)]
    pub exact: bool,
    /// Branch-and-bound node budget of --exact.
    #[arg(long, value_name = "N", default_value_t = 200_000, requires = "exact")]
    pub exact_nodes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectiveArg {
    Jeunes,
    NonMobiles,
    Population,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    Mclp,
    PMedian,
}

/// Where candidates come from.
#[derive(Debug, Clone, PartialEq)]
pub enum CandidateSource {
    Mairies,
    FranceServices,
    File(PathBuf),
}

impl CandidateSource {
    pub fn parse(s: &str) -> Self {
        match s {
            "mairies" => CandidateSource::Mairies,
            "france-services" => CandidateSource::FranceServices,
            path => CandidateSource::File(PathBuf::from(path)),
        }
    }
}

impl PlaceArgs {
    /// Checks the options that do not need the data.
    pub fn check(&self) -> anyhow::Result<()> {
        check_common((self.k, "--k"), (self.radius_km, "--radius-km"))?;
        if !(0.0..=1.0).contains(&self.non_mobile_rate) {
            anyhow::bail!(
                "--non-mobile-rate {}: expected a share between 0 and 1 (0.32 for 32 %)",
                self.non_mobile_rate
            );
        }
        Ok(())
    }

    fn params(&self, t: &Territory) -> anyhow::Result<PlacementParams> {
        let ml = match &self.ml {
            None => None,
            Some(code) => Some(t.ml_index(code.trim()).ok_or_else(|| {
                let known: Vec<String> = t
                    .missions_locales
                    .iter()
                    .map(|m| format!("{} ({})", m.code, m.nom))
                    .collect();
                anyhow::anyhow!(
                    "--ml {code}: no Mission Locale has this code; known codes: {}",
                    known.join(", ")
                )
            })?),
        };
        Ok(PlacementParams {
            model: match self.model {
                ModelArg::Mclp => Model::Mclp,
                ModelArg::PMedian => Model::PMedian,
            },
            objective: match self.objective {
                ObjectiveArg::Jeunes => Objective::Jeunes,
                ObjectiveArg::NonMobiles => Objective::NonMobiles {
                    rate: self.non_mobile_rate,
                },
                ObjectiveArg::Population => Objective::Population,
            },
            k: self.k,
            radius: Meters::from_km(self.radius_km),
            ml,
            exact_nodes: self.exact.then_some(self.exact_nodes),
        })
    }
}

/// Checks k and the radius, each given with its option's name.
pub fn check_common(
    (k, k_opt): (usize, &str),
    (radius_km, r_opt): (f64, &str),
) -> anyhow::Result<()> {
    if k == 0 {
        anyhow::bail!("{k_opt} 0: ask for at least one new site");
    }
    if !radius_km.is_finite() || radius_km <= 0.0 {
        anyhow::bail!("{r_opt} {radius_km}: expected a positive distance in km");
    }
    Ok(())
}

/// Reads the candidates.
pub fn load_candidates(
    t: &Territory,
    source: &CandidateSource,
    ctx: &mut Context,
) -> anyhow::Result<Vec<Candidate>> {
    let (path, bytes, prefix) = match source {
        CandidateSource::Mairies => return Ok(mairie_candidates(t)),
        CandidateSource::FranceServices => (
            PathBuf::from(defaults::FRANCE_SERVICES.name),
            defaults::FRANCE_SERVICES.bytes.to_vec(),
            "fs-",
        ),
        CandidateSource::File(p) => (
            p.clone(),
            std::fs::read(p).map_err(|e| Error::io(p, e))?,
            "",
        ),
    };
    let pts = parse_points(&path, &bytes, &mut ctx.warnings)?;
    if pts.ids.is_empty() {
        return Err(Error::file(&path, "no candidate: the file has a header but no row").into());
    }
    let ids = pts.ids.iter().map(|id| format!("{prefix}{id}")).collect();
    let c = point_candidates(t, ids, pts.names, &pts.points);
    for cand in c.iter().filter(|c| c.commune.is_none()) {
        ctx.warnings.add(
            &path,
            "candidate outside every commune of the region: kept, it can serve \
             the communes within the radius, but belongs to no ML (left out with --ml)",
            cand.id.clone(),
        );
    }
    Ok(c)
}

/// Runs a placement and summarises it by region, département and ML.
pub fn analyse(
    t: &Territory,
    b: &Basics,
    candidates: Vec<Candidate>,
    params: &PlacementParams,
) -> anyhow::Result<PlacementResults> {
    let placement = place(t, b, &candidates, params)?;
    let scopes = summarise_placement(t, &placement);
    Ok(PlacementResults {
        candidates,
        placement,
        scopes,
    })
}

/// One line for the terminal.
pub fn describe(p: &Placement) -> String {
    let gap = 100.0 * p.gap();
    let proof = match p.method {
        Method::Exact { proven: true, .. } => "optimum prouvé".to_string(),
        _ if p.solution.gap() == 0.0 => "optimum prouvé".to_string(),
        _ => format!("écart à l'optimum ≤ {gap:.3} %, non prouvé"),
    };
    match p.params.model {
        Model::Mclp => format!(
            "placement : {} sites, {} → {} couverts à {} km ({proof})",
            p.placed.len(),
            fmt_int(p.objective_before),
            fmt_int(p.objective_after),
            p.params.radius.km()
        ),
        Model::PMedian => format!(
            "placement : {} sites, coût pondéré {:.0} → {:.0} km ({proof})",
            p.placed.len(),
            p.objective_before,
            p.objective_after
        ),
    }
}

/// A whole number with French digit grouping (narrow no-break spaces).
fn fmt_int(x: f64) -> String {
    let s = format!("{:.0}", x);
    let (sign, digits) = s.split_at(usize::from(s.starts_with('-')));
    let mut out = String::new();
    for (n, ch) in digits.chars().enumerate() {
        if n > 0 && (digits.len() - n) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    format!("{sign}{out}")
}

pub fn run(args: &PlaceArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    args.check()?;
    let source = CandidateSource::parse(&args.candidates);
    let t = ctx.load(data)?;
    let params = args.params(&t)?;
    let candidates = load_candidates(&t, &source, ctx)?;
    ctx.progress.step("distances");
    let mut r = Results::new(Basics::new(&t));
    ctx.progress.step("placement");
    let p = analyse(&t, &r.basics, candidates, &params).map_err(|e| {
        match e.downcast_ref::<PlacementError>() {
            // Name the options the user can change.
            Some(PlacementError::TooFewCandidates { .. }) => e.context(format!(
                "--k {} with --candidates {}",
                args.k, args.candidates
            )),
            _ => e,
        }
    })?;
    ctx.progress.say(&describe(&p.placement));
    r.placement = Some(p);
    ctx.write_results(&t, &r, false)?;
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_digit_groups() {
        assert_eq!(fmt_int(1234567.0), "1\u{202f}234\u{202f}567");
        assert_eq!(fmt_int(999.0), "999");
        assert_eq!(fmt_int(-1000.0), "-1\u{202f}000");
    }

    #[test]
    fn options_are_checked() {
        let check = |k: usize, r: f64| check_common((k, "--k"), (r, "--radius-km"));
        assert!(check(0, 10.0).unwrap_err().to_string().contains("--k 0"));
        assert!(check(3, 0.0).is_err());
        assert!(check(3, -1.0).is_err());
        assert!(check(3, f64::NAN).is_err());
        assert!(check(3, 5.0).is_ok());
        assert_eq!(CandidateSource::parse("mairies"), CandidateSource::Mairies);
        assert_eq!(
            CandidateSource::parse("x.csv"),
            CandidateSource::File(PathBuf::from("x.csv"))
        );
    }
}
