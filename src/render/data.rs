//! The maps' data, from the typed results of a run (so a map always shows
//! what the tables say, from the same values), and the rendered images.

use rayon::prelude::*;

use crate::analysis::results::Results;
use crate::base::french;
use crate::base::TravelMode;
use crate::error::Error;
use crate::model::youth::REGIONAL_YOUTH_16_25;
use crate::model::Scope;
use crate::model::{Territory, YouthSource};
use crate::output::write::Outputs;
use crate::render::{Area, Format, MapData, MapKind, NewSite, Prepared};

/// The maps' data (a map whose analysis the run did not do is drawn empty:
/// no cluster, no basin, no proposal).
pub fn map_data<'a>(t: &'a Territory, r: &Results, sources: String) -> MapData<'a> {
    let unit = r.basics.costs.unit;
    // The one rule of every figure: a site standing in the commune puts it at 0.
    let cost = (0..t.communes.len())
        .map(|i| {
            r.basics
                .effective_cost(i)
                .map_or(f64::NAN, |c| unit.shown(c))
        })
        .collect();
    let by = match r.basics.costs.mode {
        Some(m) => format!(" {}", m.phrase()),
        None => String::new(),
    };

    let hotspots = r.hotspots.as_ref().map_or_else(Vec::new, |h| {
        h.clusters
            .iter()
            .enumerate()
            .map(|(k, c)| Area {
                label: format!("{}", k + 1),
                caption: format!(
                    "n° {} : {} jeunes non mobiles sans site à portée, {} communes autour de {} ({})",
                    k + 1,
                    french::int(c.non_mobiles.round() as u64),
                    french::int(c.communes.len() as u64),
                    // The member with the most young people names the cluster.
                    c.communes
                        .iter()
                        .max_by_key(|&&i| (t.jeunes[i], std::cmp::Reverse(i)))
                        .map_or("", |&i| t.communes[i].nom.as_str()),
                    c.mls
                        .iter()
                        .map(|&m| t.missions_locales[m].nom.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                members: c.communes.clone(),
            })
            .collect()
    });

    let basins = r.basins.as_ref().map_or_else(Vec::new, |bs| {
        bs.basins
            .names
            .iter()
            .zip(&bs.sizes)
            .enumerate()
            .map(|(k, (name, s))| Area {
                label: crate::output::style::basin_label(k),
                caption: crate::output::style::basin_caption(name, s),
                members: bs.members(k),
            })
            .collect()
    });

    let basins_caption = r.basins.as_ref().map_or_else(String::new, |bs| {
        let sizes: Vec<u64> = bs.sizes.iter().map(|s| s.jeunes).collect();
        let gaps = crate::analysis::basins::balance(&bs.sizes);
        let (lo, hi) = (
            gaps.iter().copied().fold(f64::INFINITY, f64::min),
            gaps.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        );
        let what = if bs.basins.proposed {
            format!(
                "Proposition de {} bassins d'un seul tenant faits d'EPCI entiers (pas les \
                 bassins de la Région, à fournir avec --bassins)",
                bs.basins.names.len()
            )
        } else {
            format!("{} bassins du fichier fourni", bs.basins.names.len())
        };
        if sizes.is_empty() {
            return what;
        }
        let total: u64 = sizes.iter().sum();
        format!(
            "{what} : de {} à {} jeunes par bassin, moyenne {} (écart de {} à {}).",
            french::int(sizes.iter().copied().min().unwrap_or(0)),
            french::int(sizes.iter().copied().max().unwrap_or(0)),
            french::int((total as f64 / sizes.len() as f64).round() as u64),
            french::signed_percent(lo),
            french::signed_percent(hi)
        )
    });

    let mut placement = Vec::new();
    let mut placement_caption = String::from("Aucune proposition dans ce calcul.");
    let mut placement_radius = 0.0;
    let mut placement_covered = vec![false; t.communes.len()];
    if let Some(p) = &r.placement {
        placement_radius = p.placement.params.radius.shown();
        placement_covered = p.placement.before.iter().map(|c| c.covered).collect();
        let within = format!("{} {}{by}", french::km(placement_radius), unit.symbol());
        let mut total = 0.0;
        for (k, placed) in p.placement.placed.iter().enumerate() {
            let c = &p.candidates[placed.candidate];
            let gain = placed.jeunes_covered as f64;
            total += gain;
            placement.push(NewSite {
                rank: k + 1,
                position: c.position,
                caption: format!(
                    "{} ({}) : +{} jeunes à moins de {within}",
                    c.nom,
                    c.commune.map_or("", |i| t.communes[i].nom.as_str()),
                    french::int(gain.round() as u64),
                ),
            });
        }
        placement_caption = format!(
            "{} nouvelles permanences parmi les candidats, choisies pour mettre le plus de \
             jeunes à moins de {within} d'un site : +{} jeunes.",
            placement.len(),
            french::int(total.round() as u64)
        );
    }

    let mut sources = sources;
    match (r.basics.costs.mode, &r.transit) {
        (Some(TravelMode::Transport), Some(tr)) => sources.push_str(&format!(
            " · temps : marche sur OpenStreetMap (ODbL), horaires GTFS {} du {}",
            tr.feeds
                .iter()
                .map(|f| f.prefix.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            tr.date
        )),
        (Some(m), _) => {
            sources.push_str(&format!(" · temps : réseau OpenStreetMap (ODbL), mode {m}"))
        }
        (None, _) => {}
    }
    if let Some(youth) = crate::output::tables::youth_sources(t) {
        sources.push_str(" · jeunes de 16 à 25 ans : ");
        sources.push_str(&youth);
    }
    MapData {
        territory: t,
        unit,
        mode: r.basics.costs.mode,
        cost,
        hotspots,
        basins,
        basins_caption,
        placement,
        placement_radius,
        placement_covered,
        placement_caption,
        sources,
    }
}

/// Renders `kinds` in `formats` for `scope` and adds them to `outputs`;
/// returns the file names.
pub fn add_maps(
    data: &MapData<'_>,
    kinds: &[MapKind],
    scope: &Scope,
    formats: &[Format],
    outputs: &mut Outputs,
) -> Result<Vec<String>, Error> {
    let prepared = Prepared::new(data);
    // The file names end with the perimeter's code: carte_regionale_62041.
    let suffix = match scope {
        Scope::Region => None,
        Scope::Departement(d) => Some(d.as_str()),
        Scope::Ml(m) => Some(data.territory.missions_locales[*m].code.as_str()),
        Scope::Epci(e) => Some(e.as_str()),
    };
    // Each map is drawn on its own thread; the files keep the order of
    // `kinds` and `formats`.
    let jobs: Vec<(MapKind, Format)> = kinds
        .iter()
        .flat_map(|&k| formats.iter().map(move |&f| (k, f)))
        .collect();
    let view = prepared.view(scope, kinds)?;
    let drawn: Vec<Result<(String, Vec<u8>), Error>> = jobs
        .par_iter()
        .map(|&(kind, format)| {
            let name = format!("{}.{}", kind.file_stem(suffix), format.extension());
            Ok((name, prepared.render_in(&view, kind, format)?))
        })
        .collect();
    let mut names = Vec::new();
    for d in drawn {
        let (name, bytes) = d?;
        outputs.add(name.clone(), bytes);
        names.push(name);
    }
    Ok(names)
}

/// The label of the young people's row of the page's key figures: how they
/// were obtained, in a few words.
pub fn youth_note(t: &Territory) -> String {
    match &t.jeunes_source {
        YouthSource::File(_) => "Jeunes de 16 à 25 ans".to_string(),
        YouthSource::EstimatedFromRegionalTotal { .. } => {
            "Jeunes de 16 à 25 ans (estimation : part des 16-25 ans du rapport d'activité \
             2024, 12,8 %, appliquée à la population)"
                .to_string()
        }
        YouthSource::Census { from_census, .. } => {
            let mut s = format!(
                "Jeunes de 16 à 25 ans (recensement 2022 de l'INSEE, 15-24 ans, recalé sur les \
                 {} jeunes de 16 à 25 ans du rapport d'activité 2024",
                french::int(REGIONAL_YOUTH_16_25)
            );
            if from_census.iter().any(|&b| !b) {
                s.push_str(" ; estimation par la part des 16-25 ans, 12,8 %, hors du recensement");
            }
            s.push(')');
            s
        }
    }
}
