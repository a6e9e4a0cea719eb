//! # maillage
//!
//! How well the Missions Locales of Hauts-de-France cover their territory.
//!
//! **Pipeline.** [`load`] reads the layers (communes, QPV, FRR/ZRR
//! classement, ML coverage zones, sites; GeoJSON, Shapefile or CSV, or the
//! embedded `geodata/`) into a checked [`model::Territory`]; [`index`]
//! builds R-trees over the sites and the polygons; [`analysis`] computes,
//! with parallel passes whose results do not depend on the number of
//! threads, distances, coverage, accessibility scores, non-mobility
//! hotspots, mobility-basin sizing, the placement of new sites and
//! scenarios, each into its field of [`analysis::results::Results`];
//! [`output`] turns `(&Territory, &Results)` into French tables, GeoPackage
//! and GeoJSON layers, a GeoTIFF and the manifest, and [`render`] into maps
//! and the page; every file is then written at once, atomically; [`cli`]
//! joins them into the `maillage` commands.
//!
//! **Glossary** (French term → type):
//! - *commune* → [`model::Commune`], *code INSEE* → [`model::InseeCode`]
//! - *Mission Locale* (ML) → [`model::MissionLocale`]
//! - *site d'accueil*: *siège*, *antenne*, *permanence* → [`model::Site`],
//!   [`model::SiteKind`]; *substitut* (stand-in) → [`model::SiteStatus`]
//! - *QPV* (quartier prioritaire de la politique de la ville) → [`model::Qpv`]
//! - *FRR* / *FRR+* / *ZRR maintenue* → [`model::Classement`]
//! - *jeunes 16–25 ans* → `Territory::jeunes` ([`model::youth`])
//! - *bassin de mobilité* (PAMS) → [`analysis::basins::Basins`]
//! - *point chaud de non-mobilité* → [`analysis::hotspots::Cluster`]
//! - *nouvelle permanence* (placement) → [`analysis::placement::Placement`]
//! - *accessibilité* (2SFCA, E2SFCA, APL) → [`analysis::access`]
//! - *réseau* (road network), *mode* (marche, vélo, voiture) →
//!   [`index::network::Network`], [`base::TravelMode`]; *temps de
//!   parcours* → [`analysis::travel::Trip`]
//! - distances → [`base::Meters`]; coordinates → [`base::LonLat`] (WGS84)
//!   and [`base::L93`] (Lambert-93, EPSG:2154)
//!
//! **Modules**, in the order data flows.
//! - [`load`]: readers (GeoJSON, Shapefile + .prj, CSV, point files, basin
//!   tables, OpenStreetMap .osm.pbf, the reports' figures), decoding and
//!   validation.
//! - [`model`]: one type per domain concept; the départements, the
//!   reports' figures, the young people per commune (census, scaled).
//! - [`geom`]: Lambert conic projection, geodesic distances (Karney, and a
//!   fast Lambert-93 form within millimetres of it).
//! - [`index`]: R-trees (nearest site with ties, point in polygon) and road
//!   networks (per-mode graphs, snapping, the prepared network file).
//! - [`analysis`]: pure computations (distance, travel times on a network,
//!   coverage, accessibility scores, hotspots, basins, placement of new
//!   sites, scenarios and the page's what-if costs ([`analysis::whatif`]),
//!   statistics, reconciliation with the reports) and
//!   their [`analysis::results::Results`]; [`analysis::measure`] is the
//!   run's cost of reaching a site (geodesic metres or network minutes)
//!   that every analysis compares with its thresholds.
//! - [`output`]: tables, layers, raster, manifest, French number text, the
//!   staged writer.
//! - [`render`]: the maps (plotters, PNG and SVG, Lambert-93) and the page,
//!   with its planning tool ([`render::planner`]).
//! - [`cli`]: clap definitions, one file per command, shared argument types.
//! - [`error`], [`warnings`]: fatal errors that name file, place and field;
//!   non-fatal problems counted by reason.
//! - [`progress`]: progress on a terminal, silent when piped.
//! - [`seeded`]: the seeded generator of tests and benchmarks.

pub mod analysis;
pub mod base;
pub mod cli;
pub mod error;
pub mod geom;
pub mod index;
pub mod load;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod seeded;
pub mod warnings;

pub use error::{Error, Result};
