//! The network of a run: the road network of a mode, read from OpenStreetMap
//! extracts or from a prepared file (`maillage reseau`), or public
//! transport from GTFS feeds on the walking network; and the preparation of
//! the networks of the three modes (`maillage reseau`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::bail;

use crate::analysis::basics::{Basics, MIN_MEASURED_SHARE};
use crate::analysis::measure::Measure;
use crate::analysis::results::{Results, TransitRun};
use crate::analysis::transit::{Transit, TransitParams};
use crate::base::{french, Meters, TravelMode, Unit};
use crate::index::network::{Network, Speeds};
use crate::load::gtfs::read_gtfs;
use crate::load::osm::read_osm;
use crate::load::prepared::{is_prepared, read_prepared};
use crate::model::transit::{Date, FeedSummary};
use crate::model::{Scope, Territory};
use crate::output::prepared::write_prepared;
use crate::pipeline::Context;

/// How a run measures: as the crow flies (no mode), or on the network of
/// `files` by a [`TravelMode`].
#[derive(Debug, Clone)]
pub struct NetworkPlan {
    /// The `.osm.pbf` extracts, or one prepared network file.
    pub files: Vec<PathBuf>,
    /// `None`: geodesic distances.
    pub mode: Option<TravelMode>,
    /// Points farther than this from the network are not measured.
    pub snap_max: Meters,
    pub speeds: Speeds,
    /// With [`TravelMode::Transport`]: the feeds, the routing settings and
    /// the service day.
    pub transit: Option<TransitPlan>,
    /// Go on when the network measures less than
    /// [`MIN_MEASURED_SHARE`] of the young people (`--partiel`).
    pub partial: bool,
}

/// Public transport settings of a run.
#[derive(Debug, Clone)]
pub struct TransitPlan {
    pub gtfs: Vec<PathBuf>,
    pub params: TransitParams,
    pub date: Date,
}

impl NetworkPlan {
    /// Geodesic distances: no network.
    pub fn geodesic() -> Self {
        NetworkPlan {
            files: Vec::new(),
            mode: None,
            snap_max: Meters(1000.0),
            speeds: Speeds::default(),
            transit: None,
            partial: false,
        }
    }

    /// The unit of the run's costs: metres as the crow flies, minutes by
    /// network.
    pub fn unit(&self) -> Unit {
        match self.mode {
            None => Unit::Metres,
            Some(_) => Unit::Minutes,
        }
    }

    /// Whether the run goes by public transport.
    pub fn is_transit(&self) -> bool {
        self.mode == Some(TravelMode::Transport)
    }
}

/// Reads the extracts and builds the graphs of the three modes, then writes
/// them to the prepared file `path` (`maillage reseau`).
pub fn prepare(
    osm: &[PathBuf],
    speeds: Speeds,
    path: &Path,
    ctx: &mut Context,
) -> anyhow::Result<()> {
    ctx.progress.step("lecture du réseau");
    let raw = read_osm(osm)?;
    let mut networks = Vec::new();
    for mode in [TravelMode::Marche, TravelMode::Velo, TravelMode::Voiture] {
        ctx.progress
            .step(&format!("construction du graphe ({mode})"));
        let net = Network::build(&raw, mode, speeds);
        ctx.progress.say(&format!(
            "réseau ({mode}) : {} nœuds, {} arcs ; {} nœuds hors de la plus grande composante écartés",
            net.node_count(),
            net.arc_count(),
            net.stats().nodes_dropped
        ));
        networks.push(net);
    }
    drop(raw);
    ctx.progress.step("écriture");
    write_prepared(path, &networks, speeds, osm)?;
    ctx.progress.finish();
    ctx.progress
        .say(&format!("réseau préparé écrit dans {}", path.display()));
    Ok(())
}

/// The files of `--reseau` as one text for messages.
pub fn files_text(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The network of `mode`, for `maillage temps` and the analyses: read from
/// a prepared file (`maillage reseau`), or built from the extracts; an empty
/// network is an error, and its size is said on the terminal.
pub fn open_network(
    files: &[PathBuf],
    mode: TravelMode,
    speeds: Speeds,
    ctx: &mut Context,
) -> anyhow::Result<Network> {
    let net = read_network(files, mode, speeds, ctx)?;
    if net.is_empty() {
        bail!("{} : aucune voie ouverte au mode {mode}", files_text(files));
    }
    let st = net.stats();
    ctx.progress.say(&format!(
        "réseau ({mode}) : {} voies utilisées sur {}, {} nœuds, {} arcs ; {} nœuds hors de la plus grande composante écartés ({} îlots)",
        st.ways_used,
        st.ways_read,
        net.node_count(),
        net.arc_count(),
        st.nodes_dropped,
        st.components.saturating_sub(1)
    ));
    if st.missing_nodes > 0 {
        ctx.progress.say(&format!(
            "  {} références à des nœuds absents de l'extrait (voies coupées au bord)",
            st.missing_nodes
        ));
    }
    Ok(net)
}

fn read_network(
    files: &[PathBuf],
    mode: TravelMode,
    speeds: Speeds,
    ctx: &mut Context,
) -> anyhow::Result<Network> {
    let prepared: Vec<&PathBuf> = files.iter().filter(|p| is_prepared(p)).collect();
    let Some(path) = prepared.first() else {
        ctx.progress.step("lecture du réseau");
        let raw = read_osm(files)?;
        ctx.progress.step("construction du graphe");
        return Ok(Network::build(&raw, mode, speeds));
    };
    if files.len() > 1 {
        bail!(
            "{} : un réseau préparé ne se fusionne pas avec d'autres fichiers ; donnez-le seul à \
             --reseau, ou préparez-en un avec tous les extraits (maillage reseau --osm … --osm …)",
            path.display()
        );
    }
    ctx.progress.step("lecture du réseau préparé");
    let prepared = read_prepared(path, Some(mode.street()))?;
    let stored = prepared.speeds;
    let mut differ = Vec::new();
    if matches!(mode, TravelMode::Marche | TravelMode::Voiture)
        && stored.walk_kmh != speeds.walk_kmh
    {
        differ.push(("--vitesse-marche-kmh", stored.walk_kmh, speeds.walk_kmh));
    }
    if mode == TravelMode::Velo && stored.bike_kmh != speeds.bike_kmh {
        differ.push(("--vitesse-velo-kmh", stored.bike_kmh, speeds.bike_kmh));
    }
    if let Some((flag, was, asked)) = differ.first() {
        bail!(
            "{} : réseau préparé à {was} km/h ({flag}), mais {asked} km/h demandé ; \
             préparez-le à nouveau avec maillage reseau {flag} {asked}",
            path.display()
        );
    }
    prepared.network(mode).ok_or_else(|| {
        anyhow::anyhow!(
            "{} : ce réseau préparé ne contient pas le mode {}",
            path.display(),
            mode
        )
    })
}

/// Public transport for `maillage temps` and the analyses: the feeds'
/// trips on `date` (a day without any is an error), and the transfers on
/// foot between their stops on the walking network; a stop too far from it
/// is counted in a warning.
pub fn open_transit(
    walk: Network,
    gtfs: &[PathBuf],
    date: Date,
    params: TransitParams,
    ctx: &mut Context,
) -> anyhow::Result<(Transit, Vec<FeedSummary>)> {
    ctx.progress.step("lecture des horaires");
    let tt = read_gtfs(gtfs, date, &mut ctx.warnings)?;
    if tt.trips.is_empty() {
        bail!(
            "{} : aucune course le {date} (ni de la veille après minuit)",
            files_text(gtfs)
        );
    }
    ctx.progress.say(&format!(
        "horaires du {date} : {} arrêts, {} courses",
        tt.stops.len(),
        tt.trips.len()
    ));
    ctx.progress.step("correspondances à pied");
    let transit = Transit::new(Arc::new(walk), &tt, params);
    for s in transit.unsnapped_stops() {
        ctx.warnings.add(
            Path::new(&files_text(gtfs)),
            format!(
                "arrêt à plus de {} m du réseau piéton : jamais atteint à pied",
                params.snap_max.0
            ),
            tt.stops[s].id.clone(),
        );
    }
    Ok((transit, tt.feeds))
}

/// The network of an analysis run (`--reseau`, `--mode`), opened once: the
/// measure every analysis of the run uses.
pub struct RunNetwork {
    opened: Opened,
    files: Vec<PathBuf>,
    snap_max: Meters,
    partial: bool,
}

/// What a run measures on.
enum Opened {
    Geodesic,
    Road(Box<Network>),
    /// Public transport, with the feeds read and the service day (for the
    /// manifest and page).
    Transit(Box<Transit>, Vec<FeedSummary>, Date),
}

impl RunNetwork {
    /// Opens the network of `plan`, or nothing as the crow flies: for
    /// public transport the walking network, the feeds' trips on the
    /// departure's day, and the transfers between their stops.
    pub fn open(plan: &NetworkPlan, ctx: &mut Context) -> anyhow::Result<Self> {
        let opened = match (plan.mode, &plan.transit) {
            (None, _) => Opened::Geodesic,
            (Some(TravelMode::Transport), Some(tr)) => {
                let walk = open_network(&plan.files, TravelMode::Marche, plan.speeds, ctx)?;
                let (transit, feeds) = open_transit(walk, &tr.gtfs, tr.date, tr.params, ctx)?;
                Opened::Transit(Box::new(transit), feeds, tr.date)
            }
            (Some(TravelMode::Transport), None) => {
                bail!("--mode transport : il faut les horaires (--gtfs) et le départ (--depart)")
            }
            (Some(mode), _) => {
                Opened::Road(Box::new(open_network(&plan.files, mode, plan.speeds, ctx)?))
            }
        };
        Ok(RunNetwork {
            opened,
            files: plan.files.clone(),
            snap_max: plan.snap_max,
            partial: plan.partial,
        })
    }

    /// The measure of the run.
    pub fn measure(&self) -> Measure<'_> {
        match &self.opened {
            Opened::Geodesic => Measure::Geodesic,
            Opened::Road(net) => Measure::Network {
                net,
                snap_max: self.snap_max,
            },
            Opened::Transit(t, _, _) => Measure::Transit(t),
        }
    }

    /// The settings of a run by public transport (`None` otherwise).
    pub fn transit_run(&self) -> Option<TransitRun> {
        let Opened::Transit(t, feeds, date) = &self.opened else {
            return None;
        };
        let p = t.params();
        Some(TransitRun {
            date: *date,
            departure: p.departure,
            window_min: p.window_min,
            walk_max_min: f64::from(p.walk_max_s) / 60.0,
            max_min: f64::from(p.max_s) / 60.0,
            feeds: feeds.clone(),
        })
    }

    /// The results of a run, starting from its basics (see
    /// [`RunNetwork::basics`]) and how the times are measured.
    pub fn results(
        &self,
        t: &Territory,
        scope: &Scope,
        ctx: &mut Context,
    ) -> anyhow::Result<Results> {
        let index = std::sync::Arc::new(crate::analysis::basics::site_index(t));
        self.results_with(t, scope, ctx, index)
    }

    /// [`RunNetwork::results`] with the index of the sites already built.
    pub fn results_with(
        &self,
        t: &Territory,
        scope: &Scope,
        ctx: &mut Context,
        index: std::sync::Arc<crate::index::SiteIndex>,
    ) -> anyhow::Result<Results> {
        let mut r = Results::new(self.basics_with(t, scope, ctx, index)?);
        r.transit = self.transit_run();
        r.scope = scope.clone();
        Ok(r)
    }

    /// The basics of `t` in the run's measure; the communes, QPV and sites
    /// the network could not take are counted in warnings, and a network
    /// that measures less than [`MIN_MEASURED_SHARE`] of the young people
    /// stops the run unless it was asked to go on (`--partiel`); for a run
    /// scoped to a perimeter, of the perimeter's young people.
    pub fn basics(
        &self,
        t: &Territory,
        scope: &Scope,
        ctx: &mut Context,
    ) -> anyhow::Result<Basics> {
        let index = std::sync::Arc::new(crate::analysis::basics::site_index(t));
        self.basics_with(t, scope, ctx, index)
    }

    fn basics_with(
        &self,
        t: &Territory,
        scope: &Scope,
        ctx: &mut Context,
        index: std::sync::Arc<crate::index::SiteIndex>,
    ) -> anyhow::Result<Basics> {
        let b = Basics::measured_with(t, &self.measure(), index);
        let c = &b.costs;
        self.warn_unsnapped(ctx, "commune", &c.unsnapped_communes, &|i| {
            t.communes[i].code.to_string()
        });
        self.warn_unsnapped(ctx, "QPV", &c.unsnapped_qpv, &|j| t.qpv[j].code.clone());
        self.warn_unsnapped_sites(ctx, &c.unsnapped_sites, &|j| t.sites[j].id.clone());
        if let Some(mode) = self.measure().mode() {
            let m = b.measured_part(t, scope);
            if m.share() < MIN_MEASURED_SHARE && !self.partial {
                bail!(
                    "{} : le réseau ({mode}) ne mesure que {} des jeunes du territoire ({} communes \
                     sur {}) ; les autres sont à plus de {} m de ses voies (l'extrait couvre-t-il \
                     le territoire ?). Il en faut au moins {} pour des chiffres fiables ; donnez \
                     --partiel pour continuer quand même, chaque ligne disant alors sa part mesurée",
                    files_text(&self.files),
                    french::percent(m.jeunes_measured as f64, m.jeunes as f64),
                    french::int(m.communes_measured as u64),
                    french::int(m.communes as u64),
                    self.snap_max.0,
                    french::percent(MIN_MEASURED_SHARE, 1.0),
                );
            }
        }
        Ok(b)
    }

    /// Warns about places (communes, QPV, points) farther than the snapping
    /// limit from the network: they are not measured.
    pub fn warn_unsnapped(
        &self,
        ctx: &mut Context,
        what: &str,
        places: &[usize],
        id: &dyn Fn(usize) -> String,
    ) {
        self.warn_far(ctx, what, "non mesuré par le réseau", places, id);
    }

    /// Warns about sites farther than the snapping limit from the network:
    /// no trip leads to them.
    pub fn warn_unsnapped_sites(
        &self,
        ctx: &mut Context,
        sites: &[usize],
        id: &dyn Fn(usize) -> String,
    ) {
        self.warn_far(ctx, "site", "aucun trajet n'y mène", sites, id);
    }

    fn warn_far(
        &self,
        ctx: &mut Context,
        what: &str,
        consequence: &str,
        places: &[usize],
        id: &dyn Fn(usize) -> String,
    ) {
        let Some(mode) = self.measure().mode() else {
            return;
        };
        let files = files_text(&self.files);
        for &i in places {
            ctx.warnings.add(
                Path::new(&files),
                format!(
                    "{what} à plus de {} m du réseau ({mode}) : {consequence}",
                    self.snap_max.0
                ),
                id(i),
            );
        }
    }
}
