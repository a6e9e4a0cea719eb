//! The raw road data routing needs, as the OpenStreetMap reader
//! ([`crate::load::osm`]) produces it and the network builder
//! ([`crate::index::network::Network::build`]) takes it: ways with their
//! node ids and routing tags, and the nodes' positions.

use std::path::PathBuf;

use crate::base::LonLat;

/// The way tags routing reads; every other tag is dropped while reading.
pub const ROUTING_TAGS: [&str; 10] = [
    "highway",
    "oneway",
    "oneway:bicycle",
    "junction",
    "access",
    "foot",
    "bicycle",
    "motor_vehicle",
    "motorcar",
    "maxspeed",
];

/// An OSM way as routing sees it: its id, its node ids in order, and the
/// tags of [`ROUTING_TAGS`] it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct RawWay {
    pub id: i64,
    pub nodes: Vec<i64>,
    pub tags: Vec<(String, String)>,
}

impl RawWay {
    /// A way from literal tags (tests, examples); tags outside
    /// [`ROUTING_TAGS`] are dropped as the reader drops them.
    pub fn new(id: i64, nodes: &[i64], tags: &[(&str, &str)]) -> Self {
        RawWay {
            id,
            nodes: nodes.to_vec(),
            tags: tags
                .iter()
                .filter(|(k, _)| ROUTING_TAGS.contains(k))
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
        }
    }

    /// The value of a tag, if the way carries it.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The ways and node positions read from one or more extracts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawOsm {
    /// Positions of the nodes used by the ways, sorted by OSM id, each id once.
    pub nodes: Vec<(i64, LonLat)>,
    /// Ways with a `highway` tag, sorted by OSM id, each id once.
    pub ways: Vec<RawWay>,
    /// The files read, in order (for messages).
    pub files: Vec<PathBuf>,
}

impl RawOsm {
    /// The position of a node, if the extracts hold it (a way cut by the
    /// extract's boundary references nodes that are not there).
    pub fn position(&self, id: i64) -> Option<LonLat> {
        self.nodes
            .binary_search_by_key(&id, |(n, _)| *n)
            .ok()
            .map(|i| self.nodes[i].1)
    }
}
