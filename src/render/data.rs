//! The maps of a run, from the tables it computed: reads `communes.csv`,
//! `hotspots.csv`, `bassins.csv`, `bassins_communes.csv` and
//! `placement.csv` back out of [`Outputs`] (so a map always shows what its
//! table says) into a [`MapData`], and adds the rendered images.

use crate::error::Error;
use crate::model::{LonLat, Meters, Territory, YouthSource};
use crate::output::write::{Cell, Outputs, Table};
use crate::render::{fr_int, km_text, Area, Format, MapData, MapKind, NewSite, Prepared, Scope};

fn column(t: &Table, table: &str, name: &str) -> Result<usize, Error> {
    t.headers
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| Error::Invalid(format!("maps: {table} has no column {name}")))
}

fn number(c: &Cell) -> Option<f64> {
    match c {
        Cell::Int(n) => Some(*n as f64),
        Cell::Float(x, _) | Cell::Exact(x) => Some(*x),
        _ => None,
    }
}

fn text(c: &Cell) -> &str {
    match c {
        Cell::Text(s) => s,
        _ => "",
    }
}

/// The maps' data, from the tables in `outputs` (a map whose table is
/// absent is drawn empty: no cluster, no basin, no proposal).
pub fn map_data<'a>(
    t: &'a Territory,
    outputs: &Outputs,
    placement_radius: Meters,
    sources: String,
) -> Result<MapData<'a>, Error> {
    let members =
        |s: &str| -> Vec<usize> { s.split('|').filter_map(|c| t.commune_by_code(c)).collect() };

    let mut distance_km = vec![f64::NAN; t.communes.len()];
    if let Some(tab) = outputs.table("communes.csv") {
        let (kc, kd) = (
            column(tab, "communes.csv", "code_insee")?,
            column(tab, "communes.csv", "distance_km")?,
        );
        for r in &tab.rows {
            if let (Some(i), Some(d)) = (t.commune_by_code(text(&r[kc])), number(&r[kd])) {
                distance_km[i] = d;
            }
        }
    }

    let mut hotspots = Vec::new();
    if let Some(tab) = outputs.table("hotspots.csv") {
        let name = "hotspots.csv";
        let (kr, kj, kn, kc, km) = (
            column(tab, name, "rang")?,
            column(tab, name, "jeunes_non_mobiles_hors_portee")?,
            column(tab, name, "nb_communes")?,
            column(tab, name, "codes_insee")?,
            column(tab, name, "codes_ml")?,
        );
        for r in &tab.rows {
            let rank = number(&r[kr]).unwrap_or(0.0);
            hotspots.push(Area {
                label: format!("{rank:.0}"),
                caption: format!(
                    "n° {rank:.0} : {} jeunes non mobiles sans site à portée, {} communes (ML {})",
                    fr_int(number(&r[kj]).unwrap_or(0.0).round() as u64),
                    fr_int(number(&r[kn]).unwrap_or(0.0) as u64),
                    text(&r[km]).replace('|', ", ")
                ),
                members: members(text(&r[kc])),
            });
        }
    }

    let mut basins = Vec::new();
    if let (Some(tab), Some(comm)) = (
        outputs.table("bassins.csv"),
        outputs.table("bassins_communes.csv"),
    ) {
        let name = "bassins.csv";
        let (kb, kn, kj, kd) = (
            column(tab, name, "bassin")?,
            column(tab, name, "nb_communes")?,
            column(tab, name, "jeunes_16_25")?,
            column(tab, name, "demande_appui_mobilite_estimee")?,
        );
        let (cc, cb) = (
            column(comm, "bassins_communes.csv", "code_insee")?,
            column(comm, "bassins_communes.csv", "bassin")?,
        );
        for (k, r) in tab.rows.iter().enumerate() {
            let basin = text(&r[kb]);
            let m: Vec<usize> = comm
                .rows
                .iter()
                .filter(|c| text(&c[cb]) == basin)
                .filter_map(|c| t.commune_by_code(text(&c[cc])))
                .collect();
            basins.push(Area {
                label: format!("{:02}", k + 1),
                caption: format!(
                    "{basin} : {} communes, {} jeunes, demande d'appui à la mobilité estimée {}",
                    fr_int(number(&r[kn]).unwrap_or(0.0) as u64),
                    fr_int(number(&r[kj]).unwrap_or(0.0) as u64),
                    fr_int(number(&r[kd]).unwrap_or(0.0).round() as u64)
                ),
                members: m,
            });
        }
    }

    let mut placement = Vec::new();
    let mut placement_caption = String::from("Aucune proposition dans ce calcul.");
    if let Some(tab) = outputs.table("placement.csv") {
        let name = "placement.csv";
        let (kr, kn, kc, klon, klat, kg) = (
            column(tab, name, "rang")?,
            column(tab, name, "nom")?,
            column(tab, name, "commune")?,
            column(tab, name, "lon")?,
            column(tab, name, "lat")?,
            column(tab, name, "jeunes_nouvellement_couverts")?,
        );
        let mut total = 0.0;
        for r in &tab.rows {
            let (Some(lon), Some(lat)) = (number(&r[klon]), number(&r[klat])) else {
                continue;
            };
            let gain = number(&r[kg]).unwrap_or(0.0);
            total += gain;
            placement.push(NewSite {
                rank: number(&r[kr]).unwrap_or(0.0) as usize,
                position: LonLat::new(lon, lat),
                caption: format!(
                    "{} ({}) : +{} jeunes à moins de {} km",
                    text(&r[kn]),
                    text(&r[kc]),
                    fr_int(gain.round() as u64),
                    km_text(placement_radius.km())
                ),
            });
        }
        placement_caption = format!(
            "{} nouvelles permanences parmi les candidats, choisies pour mettre le plus de \
             jeunes à moins de {} km d'un site : +{} jeunes.",
            placement.len(),
            km_text(placement_radius.km()),
            fr_int(total.round() as u64)
        );
    }

    let mut sources = sources;
    if let YouthSource::EstimatedFromRegionalTotal { total } = t.jeunes_source {
        sources.push_str(&format!(
            " · jeunes de 16 à 25 ans : estimation ({} pour la région, rapport d'activité \
             2024, répartis selon la population)",
            fr_int(total)
        ));
    }
    Ok(MapData {
        territory: t,
        distance_km,
        hotspots,
        basins,
        placement,
        placement_radius,
        placement_caption,
        sources,
    })
}

/// Renders `kinds` in `formats` for `scope` and adds them to `outputs`;
/// returns the file names.
pub fn add_maps(
    data: &MapData<'_>,
    kinds: &[MapKind],
    scope: Scope,
    formats: &[Format],
    outputs: &mut Outputs,
) -> Result<Vec<String>, Error> {
    let prepared = Prepared::new(data);
    let ml_code = match scope {
        Scope::Region => None,
        Scope::Ml(m) => Some(data.territory.missions_locales[m].code.as_str()),
    };
    let mut names = Vec::new();
    for &kind in kinds {
        for &format in formats {
            let name = format!("{}.{}", kind.file_stem(ml_code), format.extension());
            outputs.add(name.clone(), prepared.render(kind, scope, format)?);
            names.push(name);
        }
    }
    Ok(names)
}
