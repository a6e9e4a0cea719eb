//! The page's planning tool: open a permanence at a commune's town hall
//! (or at one of its France services or QPV points), close a site, and see
//! at once who gains, offline. The data come from
//! [`crate::analysis::whatif`]: the run's cost of every commune before any
//! change, and the costs of every site and candidate point to the communes
//! within the largest threshold, encoded compactly; the script
//! (`planner.js`) recomputes each commune's nearest open site by the rules
//! of `maillage scenario` and the figures of the perimeter, its
//! départements and its Missions Locales. `window.maillage.simuler` gives
//! the same figures to programs (see the README).
//!
//! The perimeter is a parameter ([`Scope`]): the region today; for a
//! département or a Mission Locale, the page carries only the pairs of
//! that perimeter's communes (every site and candidate within reach of
//! them, inside or outside it) and its rows are the perimeter, then the
//! départements and the Missions Locales it holds (restricted to its
//! communes).

use serde_json::{json, Value};

use super::html::{esc, script_json};
use super::maps::bands;
use crate::analysis::results::Results;
use crate::analysis::whatif::{encode, PointKind, Quantum};
use crate::model::{departement_name, Scope, Territory};

/// The planner's script, run after the page's own.
pub const SCRIPT: &str = include_str!("planner.js");

/// The planner's style.
pub const STYLE: &str = r#"
#simulation{background:#fff;border:1px solid #bbb;padding:10px 14px;margin:10px 0}
#simulation h3{margin:4px 0 8px;color:#08306b}
#sim-barre{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
#sim-recherche{width:340px;max-width:100%;padding:5px 8px;font-size:14px}
#sim-barre{position:relative}
#sim-resultats{list-style:none;margin:0;padding:0 8px;max-height:260px;overflow:auto;position:absolute;z-index:6;background:#fff;box-shadow:0 2px 6px rgba(0,0,0,.3);width:640px;max-width:95vw}
#sim-resultats:empty{display:none}
#sim-resultats li{padding:3px 0;font-size:13px}
#sim-resultats button,#sim-menu button,#sim-changements button{font-size:12px;margin:1px 4px 1px 0;cursor:pointer}
#sim-changements{margin:4px 0;padding-left:24px;font-size:13px;height:6.4em;overflow-y:auto;border:1px solid #eee}
#sim-menu{position:absolute;display:none;background:#fff;border:1px solid #555;padding:6px 8px;font-size:13px;box-shadow:0 1px 4px rgba(0,0,0,.3);z-index:5;max-width:340px}
#sim-menu div{margin:2px 0}
#sim-menu button{display:block;text-align:left;width:100%}
#sim-cartes{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0;min-height:130px;contain:layout}
#map-wrap{will-change:transform;contain:strict}
#sim-cartes .carte{border:1px solid #c6dbef;background:#f7fbff;padding:6px 10px;min-width:150px}
#sim-cartes .carte b{display:block;font-size:18px;color:#08306b}
#sim-cartes .carte span{font-size:12px;color:#444}
.gain{color:#1a7a3a}.perte{color:#b2182b}
#carte .nouveau{fill:#e6550d;stroke:#fff;stroke-width:1;vector-effect:non-scaling-stroke;cursor:pointer}
#carte .ferme{fill:#bbb;stroke:#b2182b;stroke-width:2;vector-effect:non-scaling-stroke}
#carte .site{cursor:pointer}
#carte path.change{stroke:#000;stroke-width:1.4}
.sim-note{font-size:12px;color:#555}
"#;

/// The planner's markup, for `perimeter`: what goes above the map (search,
/// changes, key figures) and below it (the perimeters and communes that
/// change, and the data); `None` when the run has no what-if data.
pub fn section(t: &Territory, r: &Results, perimeter: &Scope) -> Option<(String, String)> {
    let what = r.whatif.as_ref()?;
    let b = &r.basics;
    let unit = what.unit;
    let quantum = what.quantum;
    let code = |x: f64| quantum.threshold_code(x).map_or(Value::Null, |c| json!(c));
    // The coverage thresholds and the main one, ascending, once each.
    let mut thresholds = what.thresholds.clone();
    if !thresholds.contains(&what.main) {
        thresholds.push(what.main);
        thresholds.sort_by(f64::total_cmp);
    }
    let inside = |i: usize| perimeter.has_commune(t, i);
    let members: Vec<usize> = (0..t.communes.len()).filter(|&i| inside(i)).collect();
    let deps = t.departements();
    let dep_of: Vec<usize> = t
        .communes
        .iter()
        .map(|c| deps.iter().position(|d| *d == c.departement).unwrap_or(0))
        .collect();
    let sites_commune: Vec<Value> = t
        .sites
        .iter()
        .map(|s| {
            s.commune
                .as_ref()
                .and_then(|c| t.commune_index(c))
                .map_or(json!(-1), |i| json!(i))
        })
        .collect();
    let frame = &t.frame;
    let xy = |p: crate::base::LonLat| {
        let q = frame.project(p);
        ((q.x / 100.0).round(), (-q.y / 100.0).round())
    };
    let mut ids = Vec::with_capacity(what.len());
    let mut noms = Vec::with_capacity(what.len());
    let mut kinds = Vec::with_capacity(what.len());
    let mut communes = Vec::with_capacity(what.len());
    let mut xs = Vec::with_capacity(what.len());
    let mut ys = Vec::with_capacity(what.len());
    for (j, s) in t.sites.iter().enumerate() {
        ids.push(json!(s.id));
        noms.push(json!(format!("{} ({})", s.nom, s.kind.code())));
        kinds.push(json!(PointKind::Site.code()));
        communes.push(sites_commune[j].clone());
        let (x, y) = xy(s.position);
        xs.push(json!(x));
        ys.push(json!(y));
    }
    for c in &what.candidates {
        ids.push(json!(c.candidate.id));
        noms.push(json!(c.candidate.nom));
        kinds.push(json!(c.kind.code()));
        communes.push(c.candidate.commune.map_or(json!(-1), |i| json!(i)));
        let (x, y) = xy(c.candidate.position);
        xs.push(json!(x));
        ys.push(json!(y));
    }
    let mut measured = vec![1u8; t.communes.len()];
    for &i in &b.costs.unsnapped_communes {
        measured[i] = 0;
    }
    let perimeter_name = perimeter.name(t);
    let band_codes: Vec<Value> = bands(unit)
        .iter()
        .map(|(x, _, colour)| {
            let limit = unit.from_shown(*x);
            json!([
                if limit.is_finite() {
                    code(limit)
                } else {
                    Value::Null
                },
                if limit.is_finite() {
                    json!(limit)
                } else {
                    Value::Null
                },
                format!("#{colour:06x}")
            ])
        })
        .collect();
    let data = json!({
        "perimetre": {
            "nom": &perimeter_name,
            "communes": if matches!(perimeter, Scope::Region) { Value::Null } else { json!(members) },
        },
        "unite": unit.symbol(),
        "mode": r.basics.costs.mode.map_or(String::new(), |m| format!(" {}", m.phrase())),
        "quantum": match quantum { Quantum::Centimetre => "cm", Quantum::Millisecond => "ms" },
        "seuils": thresholds.iter().map(|&x| json!({
            "affiche": unit.shown(x),
            "cout": x,
            "code": code(x),
        })).collect::<Vec<_>>(),
        "principal": { "affiche": unit.shown(what.main), "cout": what.main, "code": code(what.main) },
        "portee": { "affiche": unit.shown(what.reach), "cout": what.reach, "code": code(what.reach) },
        "bandes": band_codes,
        "communes": {
            "nom": t.communes.iter().map(|c| c.nom.as_str()).collect::<Vec<_>>(),
            "code": t.communes.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(),
            "jeunes": t.jeunes,
            "ml": t.ml_of_commune,
            "dep": dep_of,
            "avant": b.costs.communes.iter().map(|c| c.map_or(Value::Null, |c| json!(c.value))).collect::<Vec<_>>(),
            "site_avant": b.costs.communes.iter().map(|c| c.map_or(json!(-1), |c| json!(c.site))).collect::<Vec<_>>(),
            "dedans": b.sites_in_commune,
            "mesuree": measured,
        },
        "mls": t.missions_locales.iter().map(|m| json!([m.code, m.nom])).collect::<Vec<_>>(),
        "deps": deps.iter().map(|d| json!([d, departement_name(d)])).collect::<Vec<_>>(),
        "sites": t.sites.len(),
        "points": {
            "id": ids, "nom": noms, "type": kinds, "commune": communes, "x": xs, "y": ys,
        },
        "couts": encode(what, &inside),
    });
    let by = r
        .basics
        .costs
        .mode
        .map_or(String::new(), |m| format!(" {}", m.phrase()));
    let main = crate::base::french::threshold(unit, what.main);
    let reach = crate::base::french::threshold(unit, what.reach);
    let top = format!(
        "<section id=\"simulation\" aria-labelledby=\"sim-titre\">\
         <h3 id=\"sim-titre\">Simuler : ouvrir, fermer ou déplacer une permanence ({})</h3>\
         <p class=\"sim-note\">Cliquez sur une commune de la carte pour y ouvrir une permanence \
         (à la mairie, dans une France services ou un QPV de la commune), sur un site pour le \
         fermer ; déplacer, c'est fermer puis ouvrir. Ou cherchez une commune ou un site par \
         son nom. Les chiffres sont ceux de <code>maillage scenario</code> : un site dans la \
         commune la met à 0, un seuil inclut sa borne ; distances ou temps{by} depuis la \
         mairie, seuil principal {main}.</p>\
         <div id=\"sim-barre\"><label for=\"sim-recherche\">Chercher une commune ou un site :</label>\
         <input id=\"sim-recherche\" type=\"search\" autocomplete=\"off\" placeholder=\"nom, code INSEE ou id de site\">\
         <button id=\"sim-reinitialiser\" type=\"button\">Réinitialiser</button>\
         <button id=\"sim-exporter\" type=\"button\">Exporter le scénario</button></div>\
         <div style=\"position:relative\"><ul id=\"sim-resultats\" aria-live=\"polite\"></ul></div>\
         <div><b>Changements</b> <span id=\"sim-nb\">(aucun)</span><ol id=\"sim-changements\"></ol></div>\
         <div id=\"sim-cartes\" aria-live=\"polite\"></div></section>",
        esc(&perimeter_name)
    );
    let bottom = format!(
        "<section id=\"simulation-detail\"><div id=\"sim-perimetres\"></div>\
         <div id=\"sim-communes\"></div>\
         <p class=\"sim-note\">La page porte le coût de chaque site et point candidat vers les \
         communes à moins de {reach} ; une commune dont le site le plus proche après \
         changement est au-delà est comptée non couverte, et les moyennes et déciles qui la \
         contiennent ne sont pas calculés (« – »). « Exporter le scénario » donne le fichier \
         que lit <code>maillage scenario --changements FICHIER</code>.</p></section>\
         <script type=\"application/json\" id=\"donnees-simulation\">{}</script>",
        script_json(&data)
    );
    Some((top, bottom))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::basics::Basics;
    use crate::analysis::measure::Measure;
    use crate::analysis::whatif::{candidate_points, decode, WhatIf};
    use crate::load::territory::{load_territory, DataPaths};
    use crate::warnings::Warnings;

    fn data_of(bottom: &str) -> Value {
        let start = bottom.find("id=\"donnees-simulation\">").unwrap() + 24;
        let end = bottom[start..].find("</script>").unwrap() + start;
        serde_json::from_str(&bottom[start..end]).unwrap()
    }

    /// The region's page and a département's: the data hold the run's
    /// costs before any change exactly, and only the perimeter's pairs.
    #[test]
    fn the_perimeter_is_a_parameter() {
        let t = load_territory(&DataPaths::default(), &mut Warnings::new()).unwrap();
        let b = Basics::new(&t);
        let points = candidate_points(&t, crate::load::changes::france_services().unwrap());
        let what = WhatIf::new(
            &t,
            &Measure::Geodesic,
            &[5.0, 10.0, 15.0, 20.0].map(crate::base::Cost::km),
            crate::base::Cost::km(5.0),
            points,
        )
        .unwrap();
        let mut r = Results::new(b);
        r.whatif = Some(what.clone());
        let (top, bottom) = section(&t, &r, &Scope::Region).unwrap();
        assert!(top.contains("Simuler") && top.contains("Hauts-de-France"));
        let d = data_of(&bottom);
        assert!(d["perimetre"]["communes"].is_null());
        // The numbers as the page's JSON.parse reads them (serde_json's own
        // parser may miss the last bit): each the run's double exactly.
        let start = bottom.find("\"avant\":[").unwrap() + 9;
        let end = bottom[start..].find(']').unwrap() + start;
        let avant: Vec<Option<f64>> = bottom[start..end]
            .split(',')
            .map(|x| x.parse::<f64>().ok())
            .collect();
        let expected: Vec<Option<f64>> = r
            .basics
            .costs
            .communes
            .iter()
            .map(|c| c.map(|c| c.value))
            .collect();
        assert_eq!(avant, expected);
        let all = decode(d["couts"].as_str().unwrap(), what.len()).unwrap();
        assert_eq!(
            all.iter().map(Vec::len).sum::<usize>(),
            what.costs.iter().map(Vec::len).sum::<usize>()
        );

        let somme = Scope::Departement("80".into());
        let (top, bottom) = section(&t, &r, &somme).unwrap();
        assert!(top.contains("(Somme)"), "{top}");
        let d = data_of(&bottom);
        let members: Vec<usize> = (0..t.communes.len())
            .filter(|&i| somme.has_commune(&t, i))
            .collect();
        assert_eq!(
            d["perimetre"]["communes"].as_array().unwrap().len(),
            members.len()
        );
        let got = decode(d["couts"].as_str().unwrap(), what.len()).unwrap();
        for (row, full) in got.iter().zip(&all) {
            let kept: Vec<(u32, u64)> = full
                .iter()
                .copied()
                .filter(|&(i, _)| t.communes[i as usize].departement == "80")
                .collect();
            assert_eq!(row, &kept);
        }
        // Sites outside the Somme reach it too.
        assert!(got[..t.sites.len()]
            .iter()
            .enumerate()
            .any(|(j, row)| !row.is_empty() && !t.sites[j].id.starts_with("80")));
    }
}
